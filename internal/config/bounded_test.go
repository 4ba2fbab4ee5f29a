//go:build unix

package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Issue 25: a file a config refers to, or the config itself, that is a
// FIFO hung mcpdoctor; one that is /dev/zero ran it out of memory. Each
// is now a problem or an error that names the file, at once.

// quickly fails the test when f takes more than a second, without
// hanging when it breaks.
func quickly[T any](t *testing.T, what string, f func() T) T {
	t.Helper()
	done := make(chan T, 1)
	go func() { done <- f() }()
	select {
	case v := <-done:
		return v
	case <-time.After(time.Second):
		t.Fatalf("%s: still running after a second", what)
		var zero T
		return zero
	}
}

func fifo(t *testing.T, dir, name string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := syscall.Mkfifo(p, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func write(t *testing.T, path, text string) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// fileProblem finds the one problem of code file_unreadable at key.
func fileProblem(t *testing.T, ps []Problem, key string) Problem {
	t.Helper()
	for _, p := range ps {
		if p.Code == CodeFileUnreadable && p.Key == key {
			return p
		}
	}
	t.Fatalf("no %s problem at %s in %v", CodeFileUnreadable, key, ps)
	return Problem{}
}

func TestReferencedFilesAreReadBounded(t *testing.T) {
	dir := t.TempDir()
	pipe := fifo(t, dir, "token.fifo")
	big := write(t, filepath.Join(dir, "big.txt"), strings.Repeat("x", MaxReferencedBytes+1))
	good := write(t, filepath.Join(dir, "token.txt"), "tok-from-file\n")
	cases := []struct {
		name, path, file, key string
		// line and col the problem points at: the key, or the entry
		// where the client's own name for it is not the model's (opencode's
		// environment is env).
		line, col int
		want      string
	}{
		{"opencode {file:} of /dev/zero", "opencode.json", `{"mcp": {"a": {"type": "local", "command": ["x"],
  "environment": {"TOKEN": "{file:/dev/zero}"}}}}`, "env.TOKEN", 1, 10,
			"{file:/dev/zero} cannot be read (/dev/zero is a device, not a regular file): opencode cannot fill it in; point it at a readable regular file (mcpdoctor reads up to 1 MiB)"},
		{"opencode {file:} of a FIFO", "opencode.json", `{"mcp": {"a": {"type": "remote", "url": "https://h.example.com/mcp",
  "headers": {"Authorization": "Bearer {file:` + pipe + `}"}}}}`, "headers.Authorization", 2, 3,
			"{file:" + pipe + "} cannot be read (" + pipe + " is a FIFO, not a regular file)"},
		{"opencode {file:} too large", "opencode.json", `{"mcp": {"a": {"type": "local", "command": ["x"], "environment": {"T": "{file:` + big + `}"}}}}`, "env.T", 1, 10,
			big + " is 1048577 bytes, more than the 1 MiB mcpdoctor reads of such a file"},
		{"VS Code envFile of /dev/zero", filepath.Join(".vscode", "mcp.json"), `{"servers": {"a": {"command": "x",
    "envFile": "/dev/zero"}}}`, "envFile", 2, 5,
			"/dev/zero cannot be read (/dev/zero is a device, not a regular file): VS Code cannot fill it in"},
		{"Cursor envFile of a FIFO", filepath.Join(".cursor", "mcp.json"), `{"mcpServers": {"a": {"command": "x", "envFile": "` + pipe + `"}}}`, "envFile", 1, 39,
			pipe + " cannot be read (" + pipe + " is a FIFO, not a regular file)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := write(t, filepath.Join(t.TempDir(), c.path), c.file)
			ps := quickly(t, "reading and checking", func() []Problem {
				f, err := Load(path, ReadOptions{})
				if err != nil {
					t.Error(err)
					return nil
				}
				if len(f.Servers) != 1 {
					t.Errorf("servers %v, problems %v", f.Servers, f.Problems)
					return nil
				}
				// A project's file, named by the user: as --config does.
				f.OptIn("--config")
				f.Servers[0].Secrets(OSLookup()) // what every command does first
				return CheckEnvironment(f.Servers[0], OSEnv())
			})
			p := fileProblem(t, ps, c.key)
			if p.Severity != SeverityError || p.File != path || p.Line != c.line || p.Column != c.col || !strings.Contains(p.Message, c.want) {
				t.Errorf("%s:%d:%d %s %q, want %s:%d:%d error containing %q", p.File, p.Line, p.Column, p.Severity, p.Message, path, c.line, c.col, c.want)
			}
		})
	}
	// A regular file is still read, and a missing one still said plainly.
	f, err := Read("opencode.json", []byte(`{"mcp": {"a": {"type": "local", "command": ["x"], "environment": {"T": "{file:`+good+`}", "M": "{file:/nonexistent/x}"}}}}`), ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	l := f.Servers[0].Launch(OSLookup())
	if !strings.Contains(strings.Join(l.Env, "\n"), "T=tok-from-file") {
		t.Errorf("env %v lacks the file's token", l.Env)
	}
	if len(l.Gaps) != 1 || l.Gaps[0].State != "cannot be read" {
		t.Errorf("gaps %+v, want the missing file only, as cannot be read", l.Gaps)
	}
}

// TestContinueDotEnvIsReadBounded: Continue looks secrets up in .env
// files first; one that is a FIFO or a device is passed over at once.
func TestContinueDotEnvIsReadBounded(t *testing.T) {
	home, ws := t.TempDir(), t.TempDir()
	fifo(t, filepath.Join(home), ".env") // not the one Continue reads: a decoy
	if err := os.MkdirAll(filepath.Join(home, ".continue"), 0o700); err != nil {
		t.Fatal(err)
	}
	fifo(t, filepath.Join(home, ".continue"), ".env")
	if err := os.Symlink("/dev/zero", filepath.Join(ws, ".env")); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(ws, ".continue", ".env"), "API_KEY=from-dotenv\n")
	path := write(t, filepath.Join(ws, ".continue", "mcpServers", "a.yaml"), "mcpServers:\n  - name: a\n    command: x\n    env:\n      K: ${{ secrets.API_KEY }}\n      M: ${{ secrets.MISSING }}\n")
	env := quickly(t, "filling in secrets", func() []string {
		f, err := Load(path, ReadOptions{Home: home, Cwd: ws})
		if err != nil || len(f.Servers) != 1 {
			t.Errorf("%v, %+v", err, f)
			return nil
		}
		return f.Servers[0].Launch(OSLookup()).Env
	})
	if !strings.Contains(strings.Join(env, "\n"), "K=from-dotenv") {
		t.Errorf("env %v lacks the secret from the regular .env file", env)
	}
}

// TestAConfigThatIsNoRegularFileIsRefused: the config itself, named with
// --config or found in a client's place, is read only when regular.
func TestAConfigThatIsNoRegularFileIsRefused(t *testing.T) {
	dir := t.TempDir()
	pipe := fifo(t, dir, "mcp.json")
	for _, c := range []struct{ path, kind string }{{pipe, "a FIFO"}, {"/dev/zero", "a device"}, {dir, "a directory"}} {
		err := quickly(t, "loading "+c.path, func() error { _, err := Load(c.path, ReadOptions{Client: ClientClaudeCode}); return err })
		want := c.path + " is " + c.kind + ", not a regular file: mcpdoctor reads a config only from a regular file"
		if err == nil || !strings.HasPrefix(err.Error(), want) || !strings.Contains(err.Error(), "pass --config FILE") {
			t.Errorf("%v, want %q…", err, want)
		}
		if errors.Is(err, ErrNoConfig) {
			t.Errorf("%s: %v is not a missing config", c.path, err)
		}
	}
	// In a client's place: Claude Code's project .mcp.json.
	home, cwd := t.TempDir(), t.TempDir()
	fifo(t, cwd, ".mcp.json")
	err := quickly(t, "loading Claude Code's files", func() error {
		_, err := LoadClient(ClientClaudeCode, Machine{Home: home, Cwd: cwd, Getenv: func(string) string { return "" }})
		return err
	})
	if err == nil || !strings.Contains(err.Error(), filepath.Join(cwd, ".mcp.json")+" is a FIFO, not a regular file") {
		t.Errorf("%v", err)
	}
}

// TestGeminiRecordsAreReadBounded: an extension's install record and the
// enablement file are passed over when they are FIFOs, not waited on.
func TestGeminiRecordsAreReadBounded(t *testing.T) {
	home, cwd := t.TempDir(), t.TempDir()
	ext := filepath.Join(home, ".gemini", "extensions")
	write(t, filepath.Join(ext, "tools", geminiExtensionFile), `{"name": "tools", "mcpServers": {"t": {"command": "x"}}}`)
	fifo(t, filepath.Join(ext, "tools"), ".gemini-extension-install.json")
	fifo(t, ext, "extension-enablement.json")
	f := quickly(t, "loading Gemini CLI's files", func() *File {
		f, err := LoadClient(ClientGemini, Machine{Home: home, Cwd: cwd, Getenv: func(string) string { return "" }})
		if err != nil {
			t.Error(err)
		}
		return f
	})
	if f == nil || len(f.Servers) != 1 || !f.Servers[0].Enabled {
		t.Errorf("%+v, want the extension's server, enabled", f)
	}
}
