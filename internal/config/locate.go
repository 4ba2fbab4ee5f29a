package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// ErrNoConfig is returned (wrapped) when no config file exists where Codex
// would look.
var ErrNoConfig = errors.New("no config file found")

// Locate finds the config the way Codex does: the explicit path when given,
// else $CODEX_HOME/config.toml, else ~/.codex/config.toml. An empty
// CODEX_HOME is ignored; one that is set but does not exist is an error,
// because Codex itself refuses to start with it.
func Locate(explicit string, getenv func(string) string) (string, error) {
	if explicit != "" {
		return explicit, nil
	}
	if home := getenv("CODEX_HOME"); home != "" {
		info, err := os.Stat(home)
		if err != nil {
			return "", fmt.Errorf("CODEX_HOME is set to %s, which does not exist: create it, unset CODEX_HOME, or pass --config FILE", home)
		}
		if !info.IsDir() {
			return "", fmt.Errorf("CODEX_HOME is set to %s, which is not a directory: point it at Codex's home directory or pass --config FILE", home)
		}
		return filepath.Join(home, "config.toml"), nil
	}
	home := getenv("HOME")
	if home == "" {
		h, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("cannot find the home directory (%v): pass --config FILE", err)
		}
		home = h
	}
	return filepath.Join(home, ".codex", "config.toml"), nil
}

// Load locates nothing: it reads the file at path and parses it. The error is
// non-nil only when the file cannot be read; everything wrong inside it is a
// Problem in the returned File.
func Load(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("%s: %w: create it, or pass --config FILE", path, ErrNoConfig)
		}
		return nil, fmt.Errorf("cannot read %s: %w", path, err)
	}
	return Parse(path, data), nil
}
