package config

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestWriteEntryReadsBack: an entry written for a client, read back by
// that client's reader, is the same server: transport, URL or command and
// arguments, headers and variables by name; and no secret passed on the
// command line is in the text.
func TestWriteEntryReadsBack(t *testing.T) {
	const secret = "s3cr3t-value-0123456789"
	targets := []struct {
		name string
		t    Target
	}{
		{"bearer from a variable", Target{URL: "https://mcp.notion.com/mcp", Headers: []string{"Authorization: Bearer $NOTION_TOKEN"}}},
		{"--bearer-env", Target{URL: "https://mcp.example.com/mcp", BearerEnv: "EXAMPLE_TOKEN"}},
		{"a literal API key", Target{URL: "https://api.example.com/mcp", Headers: []string{"X-Api-Key: " + secret}}},
		{"a literal bearer token", Target{URL: "https://api.example.com/mcp", Headers: []string{"Authorization: Bearer " + secret}}},
		{"text around a variable", Target{URL: "https://api.example.com/mcp", Headers: []string{"Authorization: Token ${API_TOKEN}"}}},
		{"a key in the URL", Target{URL: "https://api.example.com/mcp?key=" + secret}},
		{"legacy SSE", Target{URL: "http://127.0.0.1:8080/sse", Transport: TransportSSE}},
		{"a command", Target{Command: "npx", Args: []string{"-y", "@modelcontextprotocol/server-everything"}, Env: []string{"API_KEY=" + secret, "HOME"}, Cwd: "/tmp"}},
		{"a secret argument", Target{Command: "my-server", Args: []string{"--api-key", secret, "--verbose"}}},
	}
	for _, c := range []Client{ClientCodex, ClientClaudeCode, ClientVSCode, ClientCursor} {
		for _, tt := range targets {
			t.Run(string(c)+"/"+tt.name, func(t *testing.T) {
				s, err := FromCommandLine(tt.t)
				if err != nil {
					t.Fatal(err)
				}
				w, err := WriteEntry(c, s)
				if err != nil {
					t.Fatal(err)
				}
				if strings.Contains(w.Text, secret) || strings.Contains(strings.Join(w.Notes, "\n"), secret) {
					t.Fatalf("the secret is written:\n%s\n%s", w.Text, w.Notes)
				}
				f, err := Read(filepath.Join("/src/app", w.File), []byte(w.Text), ReadOptions{Client: c, Home: "/home/u", Cwd: "/src/app"})
				if err != nil {
					t.Fatal(err)
				}
				if HasErrors(f.Problems) || len(f.Servers) != 1 {
					t.Fatalf("read back with %d servers and problems %v:\n%s", len(f.Servers), f.Problems, w.Text)
				}
				got := f.Servers[0]
				if got.Name != s.Name {
					t.Errorf("name %q, want %q", got.Name, s.Name)
				}
				notes := strings.Join(w.Notes, "\n")
				switch {
				case got.Transport == s.Transport:
				case s.Transport == TransportSSE && got.Transport == TransportStreamableHTTP && got.HTTPFallback:
					// VS Code reads "sse" as Streamable HTTP that falls back
					// to SSE: it reaches the server all the same.
				case s.Transport == TransportSSE && c == ClientCodex && strings.Contains(notes, "Codex speaks Streamable HTTP only"):
				default:
					t.Errorf("transport %s, want %s:\n%s", got.Transport, s.Transport, w.Text)
				}
				if s.Transport == TransportStdio {
					if got.Command.Written != s.Command.Written || len(got.Args) != len(s.Args) {
						t.Errorf("command %s %v, want %s %v", got.Command.Written, written(got.Args), s.Command.Written, written(s.Args))
					}
					var want []string
					for _, e := range s.Env {
						want = append(want, e.Name)
					}
					for _, e := range s.Forward {
						want = append(want, e.Name)
					}
					var names []string
					for _, e := range got.Env {
						names = append(names, e.Name)
						if _, literal := e.Value.IsLiteral(); literal {
							t.Errorf("env %s is written as a value", e.Name)
						}
					}
					for _, e := range got.Forward {
						names = append(names, e.Name)
					}
					slices.Sort(want)
					slices.Sort(names)
					if !slices.Equal(names, want) {
						t.Errorf("env %v, want %v", names, want)
					}
					return
				}
				if strings.Contains(s.URL.Written, secret) {
					if !strings.Contains(got.URL.Written, "<redacted>") {
						t.Errorf("url %s", got.URL.Written)
					}
				} else if got.URL.Written != s.URL.Written {
					t.Errorf("url %s, want %s", got.URL.Written, s.URL.Written)
				}
				if len(got.Headers) != len(s.Headers) {
					t.Fatalf("headers %v, want %v:\n%s", got.Headers, s.Headers, w.Text)
				}
				for _, h := range got.Headers {
					if len(h.Value.Refs()) == 0 {
						t.Errorf("header %s is written as a value: %q", h.Name, h.Value.Written)
					}
					if !slices.ContainsFunc(s.Headers, func(o Header) bool { return strings.EqualFold(o.Name, h.Name) }) {
						t.Errorf("header %s was not passed", h.Name)
					}
				}
				// A header that named a variable names the same one; in
				// Codex, which takes a header's whole value from one
				// variable, the notes say what to put in it.
				for _, h := range s.Headers {
					for _, r := range h.Value.Refs() {
						if c == ClientCodex && h.Value.Written != r.Written && !strings.HasPrefix(h.Value.Written, "Bearer ") {
							if !strings.Contains(notes, h.Value.Written) {
								t.Errorf("notes %q do not say what %s holds", notes, h.Name)
							}
							continue
						}
						if !strings.Contains(w.Text, r.Name) {
							t.Errorf("the variable %s is not in:\n%s", r.Name, w.Text)
						}
					}
				}
			})
		}
	}
	if _, err := WriteEntry(ClientGoose, Server{Name: "x"}); err == nil || !strings.Contains(err.Error(), "codex, claude-code, cursor, vscode") {
		t.Errorf("a client without a writer: %v", err)
	}
}

func TestNameFor(t *testing.T) {
	for target, want := range map[*Target]string{
		{URL: "https://mcp.notion.com/mcp"}:                               "notion",
		{URL: "https://api.githubcopilot.com/mcp/"}:                       "githubcopilot",
		{URL: "http://127.0.0.1:8080/mcp"}:                                "local-8080",
		{URL: "http://localhost/mcp"}:                                     "local",
		{URL: "https://docs.example.co.uk/mcp"}:                           "docs-example-co",
		{Command: "npx", Args: []string{"-y", "@scope/server-x@1.2.3"}}:   "server-x",
		{Command: "uvx", Args: []string{"mcp-server-git", "--repo", "."}}: "mcp-server-git",
		{Command: "/usr/local/bin/my-server.py"}:                          "my-server",
		{Command: "node", Args: []string{"build/index.js"}}:               "index",
	} {
		if got := NameFor(*target); got != want {
			t.Errorf("NameFor(%+v) = %q, want %q", *target, got, want)
		}
	}
}

func TestFromCommandLineRefuses(t *testing.T) {
	for _, tt := range []struct {
		t    Target
		want string
	}{
		{Target{}, "nothing to probe"},
		{Target{URL: "ftp://x"}, "not an http(s) URL"},
		{Target{URL: "https://x/mcp", Headers: []string{"no colon"}}, "'Name: value'"},
		{Target{URL: "https://x/mcp", Env: []string{"A=b"}}, "--env and --cwd are for a command"},
		{Target{Command: "x", Headers: []string{"A: b"}}, "are for a URL"},
		{Target{Command: "x", Env: []string{"not a name=1"}}, "NAME=value"},
		{Target{URL: "https://x/mcp", Transport: "websocket"}, "--transport must be"},
		{Target{URL: "https://x/mcp", Name: "has space"}, "--name"},
	} {
		if _, err := FromCommandLine(tt.t); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%+v: %v, want %q", tt.t, err, tt.want)
		}
	}
}
