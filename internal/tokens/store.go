// Package tokens keeps the OAuth logins `mcpdoctor login` makes: one entry
// per server name and URL, in a JSON file only its owner can read. Tokens
// never leave this package except to be sent to the server they were issued
// for, and to the redactor.
package tokens

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/gofrs/flock"

	"github.com/mcpdoctor/mcpdoctor/internal/safefile"
)

// EnvFile names the environment variable that moves the token file, for
// tests and for users who keep their state elsewhere.
const EnvFile = "MCPDOCTOR_TOKENS_FILE"

// fileVersion is the format written; a file of another version is refused
// rather than overwritten.
const fileVersion = 1

// Entry is one server's stored login. An entry belongs to a server when both
// the name and the URL match, so a token never follows a server's name to
// another URL.
type Entry struct {
	ServerName string `json:"server_name"`
	ServerURL  string `json:"server_url"`
	// Issuer is the authorization server that issued the token;
	// TokenEndpoint is where it is refreshed.
	Issuer        string `json:"issuer,omitempty"`
	TokenEndpoint string `json:"token_endpoint"`
	// ClientID is the client the token was issued to (from the config, or
	// registered by login); ClientSecret is set only when the authorization
	// server insisted on a confidential client.
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret,omitempty"`
	// AuthMethod is how the client authenticates at the token endpoint
	// (none, client_secret_basic, client_secret_post).
	AuthMethod string `json:"token_endpoint_auth_method,omitempty"`
	// Resource is the RFC 8707 resource the token was asked for.
	Resource string   `json:"resource,omitempty"`
	Scopes   []string `json:"scopes,omitempty"`

	AccessToken  string    `json:"access_token"`
	TokenType    string    `json:"token_type,omitempty"`
	RefreshToken string    `json:"refresh_token,omitempty"`
	Expiry       time.Time `json:"expiry,omitzero"`
	// Updated is when the entry was last written (login or refresh).
	Updated time.Time `json:"updated"`
}

// Secrets are the entry's values that must never be printed.
func (e *Entry) Secrets() []string {
	return []string{e.AccessToken, e.RefreshToken, e.ClientSecret}
}

type file struct {
	Version int     `json:"version"`
	Entries []Entry `json:"entries"`
}

// Store is the token file. Its methods are safe for concurrent use within
// one process (`list` refreshes tokens from several goroutines) and across
// processes: every read-change-write holds an OS file lock (flock on Unix,
// LockFileEx on Windows) on a lock file beside it, so that two runs do not
// both spend one refresh token (the second gets invalid_grant, or, where
// the server detects reuse, the login is revoked).
type Store struct {
	path string
	mu   sync.Mutex
}

// lockWait bounds how long a run waits for another's refresh.
const lockWait = 30 * time.Second

// maxFileBytes bounds the token file read: a few entries take a few KiB.
const maxFileBytes = 1 << 20

// DefaultPath is $MCPDOCTOR_TOKENS_FILE, else tokens.json in the mcpdoctor
// folder of the user's config directory (~/.config/mcpdoctor on Linux,
// ~/Library/Application Support/mcpdoctor on macOS).
func DefaultPath(getenv func(string) string) (string, error) {
	if p := getenv(EnvFile); p != "" {
		return p, nil
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("cannot find where to keep tokens (%v): set $%s to a file path", err, EnvFile)
	}
	return filepath.Join(dir, "mcpdoctor", "tokens.json"), nil
}

// Open returns the store kept at path. Nothing is read until asked.
func Open(path string) *Store { return &Store{path: path} }

// Path is where the store keeps its file.
func (s *Store) Path() string { return s.path }

// Get returns the entry for the server name and URL, nil when there is none.
func (s *Store) Get(name, url string) (*Entry, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, err := s.read()
	if err != nil {
		return nil, err
	}
	for _, e := range f.Entries {
		if e.ServerName == name && e.ServerURL == url {
			return &e, nil
		}
	}
	return nil, nil
}

// Entries returns every stored entry.
func (s *Store) Entries() ([]Entry, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, err := s.read()
	if err != nil {
		return nil, err
	}
	return f.Entries, nil
}

// Put stores e in place of the entry for the same server name and URL.
func (s *Store) Put(e Entry) error {
	return s.update(func(f *file) bool {
		f.Entries = slices.DeleteFunc(f.Entries, func(o Entry) bool {
			return o.ServerName == e.ServerName && o.ServerURL == e.ServerURL
		})
		f.Entries = append(f.Entries, e)
		return true
	})
}

// Delete removes every entry of the server name, whatever its URL, and
// says how many there were.
func (s *Store) Delete(name string) (int, error) {
	n := 0
	err := s.update(func(f *file) bool {
		before := len(f.Entries)
		f.Entries = slices.DeleteFunc(f.Entries, func(o Entry) bool { return o.ServerName == name })
		n = before - len(f.Entries)
		return n > 0
	})
	return n, err
}

// update reads, changes and writes the file under the locks. A change
// that reports nothing changed leaves the file as it was, or absent.
func (s *Store) update(change func(*file) bool) error {
	return s.locked(context.Background(), func() error {
		f, err := s.read()
		if err != nil {
			return err
		}
		if !change(f) {
			return nil
		}
		return s.write(f)
	})
}

// locked runs fn holding the process's mutex and the file lock, which it
// waits for up to lockWait.
func (s *Store) locked(ctx context.Context, fn func() error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	real, err := s.realPath()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(real), 0o700); err != nil {
		return fmt.Errorf("creating the token folder: %w", err)
	}
	lock := flock.New(real + ".lock")
	ctx, cancel := context.WithTimeout(ctx, lockWait)
	defer cancel()
	ok, err := lock.TryLockContext(ctx, 50*time.Millisecond)
	if err != nil || !ok {
		return fmt.Errorf("the token file %s is locked by another mcpdoctor (waited %s): %v", s.path, lockWait, err)
	}
	defer lock.Unlock()
	return fn()
}

// realPath is the token file itself: a symbolic link is followed, so that
// a write replaces the file it points to, not the link, and logout removes
// what it says it removed.
func (s *Store) realPath() (string, error) {
	real, err := filepath.EvalSymlinks(s.path)
	switch {
	case err == nil:
		return real, nil
	case errors.Is(err, fs.ErrNotExist):
		if target, lerr := os.Readlink(s.path); lerr == nil {
			// A link to a file not written yet: write it there.
			if !filepath.IsAbs(target) {
				target = filepath.Join(filepath.Dir(s.path), target)
			}
			return target, nil
		}
		return s.path, nil
	}
	return "", fmt.Errorf("the token file %s: %w", s.path, err)
}

// checkPrivate refuses a token file that someone other than its owner can
// read or write (it holds credentials), and a folder others can write to
// (they could put another file, or a link, in its place). A folder others
// may list, such as a home directory, is fine: the file stays private.
func checkPrivate(path string) error {
	if runtime.GOOS == "windows" {
		return nil // ACLs, not mode bits
	}
	if fi, err := os.Stat(path); err == nil && fi.Mode().Perm()&0o077 != 0 {
		return fmt.Errorf("the token file %s can be read or written by others (mode %04o): it holds credentials; run `chmod 600 %s`", path, fi.Mode().Perm(), path)
	}
	dir := filepath.Dir(path)
	if fi, err := os.Stat(dir); err == nil && fi.Mode().Perm()&0o022 != 0 {
		return fmt.Errorf("the token folder %s can be written by others (mode %04o), who could replace the token file: run `chmod go-w %s`, or keep the file elsewhere ($%s)", dir, fi.Mode().Perm(), dir, EnvFile)
	}
	return nil
}

// read loads the file; a missing file is an empty store.
func (s *Store) read() (*file, error) {
	real, err := s.realPath()
	if err != nil {
		return nil, err
	}
	// A FIFO or a device in its place must not hang or flood the read.
	data, err := safefile.ReadFile(real, maxFileBytes)
	var se *safefile.Error
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return &file{Version: fileVersion}, nil
	case errors.As(err, &se) && se.TooLarge():
		return nil, fmt.Errorf("the token file %s is larger than %d KiB: it is not mcpdoctor's; move it away and log in again", s.path, maxFileBytes>>10)
	case errors.As(err, &se):
		return nil, fmt.Errorf("the token file %s is %s, not a regular file: it is not mcpdoctor's; move it away and log in again", s.path, se.Kind)
	case err != nil:
		return nil, fmt.Errorf("reading the token file: %w", err)
	}
	if err := checkPrivate(real); err != nil {
		return nil, err
	}
	var f file
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("the token file %s is not valid JSON (%v): remove it and log in again", s.path, err)
	}
	if f.Version != fileVersion {
		return nil, fmt.Errorf("the token file %s has format version %d; this mcpdoctor reads version %d", s.path, f.Version, fileVersion)
	}
	return &f, nil
}

// write replaces the file atomically, readable by its owner only: a
// temporary file in the same folder, created 0600, then renamed over it
// (over the file a link points to, not the link).
func (s *Store) write(f *file) error {
	real, err := s.realPath()
	if err != nil {
		return err
	}
	dir := filepath.Dir(real)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("creating the token folder: %w", err)
	}
	data, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(real)+".*")
	if err != nil {
		return fmt.Errorf("writing the token file: %w", err)
	}
	defer os.Remove(tmp.Name())
	// CreateTemp makes 0600 files already; Chmod says so on every platform
	// and umask.
	if err := tmp.Chmod(0o600); err != nil && !errors.Is(err, errors.ErrUnsupported) {
		tmp.Close()
		return fmt.Errorf("writing the token file: %w", err)
	}
	if _, err := tmp.Write(append(data, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("writing the token file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("writing the token file: %w", err)
	}
	if err := os.Rename(tmp.Name(), real); err != nil {
		return fmt.Errorf("writing the token file: %w", err)
	}
	return nil
}

// Names lists the server names that have an entry, sorted, once each.
func Names(entries []Entry) []string {
	var names []string
	for _, e := range entries {
		names = append(names, e.ServerName)
	}
	slices.Sort(names)
	return slices.Compact(names)
}
