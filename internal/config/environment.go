package config

import (
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
)

// Env is the part of the machine a config depends on. Tests replace it; the
// zero value is not useful, use OSEnv.
type Env struct {
	LookupEnv func(string) (string, bool)
	LookPath  func(string) (string, error)
	Stat      func(string) (os.FileInfo, error)
}

// OSEnv is the real machine.
func OSEnv() Env {
	return Env{LookupEnv: os.LookupEnv, LookPath: exec.LookPath, Stat: os.Stat}
}

// CheckEnvironment finds what would stop an enabled server on this machine,
// although the file itself is valid: a credential variable that is unset, a
// command that is not on PATH, a cwd that does not exist. Disabled servers
// are not started, so nothing about this machine can break them.
func CheckEnvironment(path string, s Server, env Env) []Problem {
	if !s.Enabled {
		return nil
	}
	var out []Problem
	add := func(sev Severity, code, key, msg string) {
		line, col := s.Position(strings.SplitN(key, ".", 2)[0])
		out = append(out, Problem{
			Severity: sev, Code: code, File: path,
			Line: line, Column: col,
			Server: s.Name, Key: key, Message: msg,
		})
	}
	if v := s.BearerTokenEnvVar; v != "" {
		switch val, ok := env.LookupEnv(v); {
		case !ok:
			add(SeverityError, CodeEnvUnset, "bearer_token_env_var",
				"$"+v+" is not set: Codex fails to start this server; export it, or remove bearer_token_env_var if the server needs no token")
		case strings.TrimSpace(val) == "":
			add(SeverityError, CodeEnvEmpty, "bearer_token_env_var",
				"$"+v+" is set but empty: Codex fails to start this server; give it the token")
		}
	}
	for _, header := range slices.Sorted(maps.Keys(s.EnvHTTPHeaders)) {
		v := s.EnvHTTPHeaders[header]
		if val, ok := env.LookupEnv(v); !ok || val == "" {
			add(SeverityWarning, CodeHeaderEnvUnset, "env_http_headers."+QuoteKey(header),
				"$"+v+" is not set: Codex silently drops the "+header+" header; export it")
		}
	}
	for _, ev := range s.EnvVars {
		if ev.Source == "remote" {
			continue
		}
		if _, ok := env.LookupEnv(ev.Name); !ok {
			add(SeverityWarning, CodeForwardedEnvUnset, "env_vars",
				"$"+ev.Name+" is not set here, so it is not forwarded to the server")
		}
	}
	if s.Transport == TransportStdio && s.Command != "" {
		if msg := findCommand(s, env); msg != "" {
			add(SeverityError, CodeCommandNotFound, "command", msg)
		}
	}
	if s.Cwd != "" {
		info, err := env.Stat(s.Cwd)
		switch {
		case err != nil:
			add(SeverityError, CodeCwdMissing, "cwd", s.Cwd+" does not exist: the server cannot start there; fix cwd or create the directory")
		case !info.IsDir():
			add(SeverityError, CodeCwdMissing, "cwd", s.Cwd+" is not a directory")
		}
	}
	return out
}

// findCommand checks that the program exists where the client will look for
// it: a path relative to cwd when it has a slash, else PATH.
func findCommand(s Server, env Env) string {
	cmd := s.Command
	if strings.ContainsRune(cmd, filepath.Separator) {
		p := cmd
		if !filepath.IsAbs(p) && s.Cwd != "" {
			p = filepath.Join(s.Cwd, p)
		}
		info, err := env.Stat(p)
		if err != nil {
			return p + " does not exist: fix command, or install the server"
		}
		if info.IsDir() || info.Mode()&0o111 == 0 {
			return p + " is not an executable file"
		}
		return ""
	}
	if _, err := env.LookPath(cmd); err != nil {
		return cmd + " is not on PATH: install it, or give its full path in command"
	}
	return ""
}
