package config

import (
	"errors"
	"flag"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/clients")

// clientEnv is the environment the client files are launched in: some of
// their variables are set, some are not, one is empty.
var clientEnv = map[string]string{
	"GITHUB_PAT": "ghp_fromEnvironment0123456789", "ANTHROPIC_API_KEY": "sk-ant-never-sent-123", "LOG_LEVEL": "",
	"API_KEY": "key-from-env", "MY_SERVICE_TOKEN": "svc-token-42", "GITHUB_TOKEN": "gh-token-7", "GH_TOKEN": "gh-tok",
	"CLI_TOKEN": "cli-tok", "CTX_TOKEN": "ctx-tok", "TOK": "cline-tok", "GITHUB_PERSONAL_ACCESS_TOKEN": "goose-pat",
	"MCPDOCTOR_INPUT_PERPLEXITY_KEY": "pplx-from-input",
}

// describe writes what a reader made of a file, and how each server would
// be launched in clientEnv, one fact per line, for the golden files.
func describe(f *File) string {
	look := Lookup{Env: func(k string) (string, bool) { v, ok := clientEnv[k]; return v, ok }, ReadFile: os.ReadFile}
	var b strings.Builder
	fmt.Fprintf(&b, "client %s (%s)\n", f.Client, f.Recognised)
	for _, p := range f.Problems {
		if p.Server == "" {
			fmt.Fprintf(&b, "file problem %s\n", p)
		}
	}
	for _, s := range f.Servers {
		fmt.Fprintf(&b, "\nserver %q scope=%s at %d:%d entry=%s\n", s.Name, s.Source.Scope, s.Source.Line, s.Source.Column, s.Entry())
		if s.Source.Project != "" {
			fmt.Fprintf(&b, "  project %s\n", s.Source.Project)
		}
		fmt.Fprintf(&b, "  transport=%s fallback=%v enabled=%v probeable=%v startup=%s tool=%s\n", s.Transport, s.HTTPFallback, s.Enabled, s.Probeable(), s.StartupTimeout, s.ToolTimeout)
		if !s.Command.IsZero() {
			fmt.Fprintf(&b, "  command %q args %q\n", s.Command.Written, written(s.Args))
		}
		if !s.Cwd.IsZero() {
			fmt.Fprintf(&b, "  cwd %q\n", s.Cwd.Written)
		}
		if s.EnvFile != "" {
			fmt.Fprintf(&b, "  envFile %q\n", s.EnvFile)
		}
		for _, e := range s.Env {
			fmt.Fprintf(&b, "  env %s = %q\n", e.Name, e.Value.Written)
		}
		if !s.URL.IsZero() {
			fmt.Fprintf(&b, "  url %q\n", s.URL.Written)
		}
		for _, h := range s.Headers {
			fmt.Fprintf(&b, "  header %s (%s) = %q\n", h.Name, h.Key, h.Value.Written)
		}
		if h := s.HeadersHelper; h != nil {
			fmt.Fprintf(&b, "  headers helper %q (%s) in %q env %q\n", h.Command, h.Key, h.Dir, h.Env)
		}
		if o := s.OAuth; o.ClientID != "" || o.Scopes != nil || o.CallbackPort != 0 {
			fmt.Fprintf(&b, "  oauth client=%q scopes=%q port=%d\n", o.ClientID, o.Scopes, o.CallbackPort)
		}
		if s.EnabledTools != nil || s.DisabledTools != nil {
			fmt.Fprintf(&b, "  tools enabled=%q disabled=%q\n", s.EnabledTools, s.DisabledTools)
		}
		l := s.Launch(look)
		if s.Transport == TransportStdio {
			fmt.Fprintf(&b, "  launch %q %q env %q\n", l.Command, l.Args, l.Env)
		} else if s.Probeable() {
			fmt.Fprintf(&b, "  launch %q\n", l.URL)
			for _, h := range l.Headers {
				fmt.Fprintf(&b, "    send %s: %q sent=%v\n", h.Name, h.Value, h.Sent)
			}
		}
		for _, g := range l.Gaps {
			fmt.Fprintf(&b, "    gap %s\n", g.Sentence())
		}
		for _, p := range s.Problems {
			fmt.Fprintf(&b, "  problem %s\n", p)
		}
	}
	return b.String()
}

func written(vs []Value) []string {
	var out []string
	for _, v := range vs {
		out = append(out, v.Written)
	}
	return out
}

// TestClientFiles reads a file of every client, written from its
// documentation, and compares what was understood with testdata/clients/
// NAME.golden (go test -run TestClientFiles -update rewrites them).
func TestClientFiles(t *testing.T) {
	files := map[string]string{
		"codex":            "codex/config.toml",
		"claude-code":      "claude-code/project/.mcp.json",
		"claude-code-user": "claude-code/home/.claude.json",
		"claude-desktop":   "claude-desktop/claude_desktop_config.json",
		"cursor":           "cursor/.cursor/mcp.json",
		"vscode":           "vscode/.vscode/mcp.json",
		"windsurf":         "windsurf/mcp_config.json",
		"gemini":           "gemini/.gemini/settings.json",
		"gemini-extension": "gemini/extensions/figma/gemini-extension.json",
		"zed":              "zed/.zed/settings.json",
		"opencode":         "opencode/opencode.jsonc",
		"copilot":          "copilot/mcp-config.json",
		"cline":            "cline/cline_mcp_settings.json",
		"continue":         "continue/.continue/config.yaml",
		"continue-block":   "continue/.continue/mcpServers/block.yaml",
		"continue-json":    "continue/.continue/mcpServers/cursor-copy.json",
		"continue-skipped": "continue/.continue/mcpServers/cline-copy.json",
		"goose":            "goose/goose/config.yaml",
	}
	for name, rel := range files {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join("testdata", "clients", rel)
			f, err := Load(path, ReadOptions{Home: "/home/u", Cwd: "/src/app"})
			if err != nil {
				t.Fatal(err)
			}
			got := describe(f)
			golden := filepath.Join("testdata", "clients", name+".golden")
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update)", err)
			}
			if got != string(want) {
				t.Errorf("%s differs from %s; got:\n%s", path, golden, got)
			}
			// Every problem is located.
			for _, p := range f.Problems {
				if p.Line == 0 || p.Column == 0 {
					t.Errorf("problem without a position: %s", p)
				}
			}
			for _, s := range f.Servers {
				for _, p := range s.Problems {
					if p.Line == 0 || p.Column == 0 {
						t.Errorf("problem without a position: %s", p)
					}
				}
			}
		})
	}

}

// The rules that differ between clients, each in a few lines.
func TestClientRules(t *testing.T) {
	read := func(t *testing.T, name, text string, opts ReadOptions) *File {
		t.Helper()
		f, err := Read(name, []byte(text), opts)
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	codes := func(ps []Problem) []string {
		var out []string
		for _, p := range ps {
			out = append(out, fmt.Sprintf("%s@%d:%d", p.Code, p.Line, p.Column))
		}
		return out
	}
	t.Run("a url alone means a different transport in each client", func(t *testing.T) {
		cases := []struct {
			client    Client
			file      string
			text      string
			transport Transport
			fallback  bool
		}{
			{ClientClaudeCode, ".mcp.json", `{"mcpServers":{"s":{"url":"https://h/mcp"}}}`, TransportStreamableHTTP, true},
			{ClientCline, "cline_mcp_settings.json", `{"mcpServers":{"s":{"url":"https://h/mcp"}}}`, TransportSSE, false},
			{ClientGemini, "settings.json", `{"mcpServers":{"s":{"url":"https://h/mcp"}}}`, TransportStreamableHTTP, true},
			{ClientCursor, "mcp.json", `{"mcpServers":{"s":{"url":"https://h/mcp"}}}`, TransportStreamableHTTP, true},
			{ClientCopilotCLI, "mcp-config.json", `{"mcpServers":{"s":{"url":"https://h/mcp"}}}`, TransportStreamableHTTP, false},
			{ClientZed, "settings.json", `{"context_servers":{"s":{"url":"https://h/mcp"}}}`, TransportStreamableHTTP, false},
			{ClientContinue, "config.yaml", "mcpServers:\n  - name: s\n    url: https://h/mcp\n", TransportStreamableHTTP, true},
			{ClientCodex, "config.toml", "[mcp_servers.s]\nurl = \"https://h/mcp\"\n", TransportStreamableHTTP, false},
		}
		for _, c := range cases {
			f := read(t, c.file, c.text, ReadOptions{Client: c.client})
			if len(f.Servers) != 1 {
				t.Fatalf("%s: %d servers", c.client, len(f.Servers))
			}
			if s := f.Servers[0]; s.Transport != c.transport || s.HTTPFallback != c.fallback || !s.Probeable() {
				t.Errorf("%s: transport %s fallback %v probeable %v, want %s %v", c.client, s.Transport, s.HTTPFallback, s.Probeable(), c.transport, c.fallback)
			}
		}
	})
	t.Run("an unset variable becomes what its client makes of it", func(t *testing.T) {
		look := Lookup{Env: func(string) (string, bool) { return "", false }}
		cases := []struct {
			client Client
			file   string
			text   string
			want   string
			sent   bool
		}{
			// Claude Code: as written (and a warning in claude mcp list).
			{ClientClaudeCode, ".mcp.json", `{"mcpServers":{"s":{"type":"http","url":"https://h/","headers":{"X-Key":"${NOPE}"}}}}`, "${NOPE}", true},
			// VS Code and Cursor: empty.
			{ClientVSCode, "mcp.json", `{"servers":{"s":{"type":"http","url":"https://h/","headers":{"X-Key":"${env:NOPE}"}}}}`, "", true},
			// Cline: as written.
			{ClientCline, "cline_mcp_settings.json", `{"mcpServers":{"s":{"url":"https://h/","headers":{"X-Key":"${env:NOPE}"}}}}`, "${env:NOPE}", true},
			// Gemini CLI: empty in headers (dotenv-expand at connect).
			{ClientGemini, "settings.json", `{"mcpServers":{"s":{"httpUrl":"https://h/","headers":{"X-Key":"$NOPE"}}}}`, "", true},
			// opencode: empty.
			{ClientOpencode, "opencode.json", `{"mcp":{"s":{"type":"remote","url":"https://h/","headers":{"X-Key":"{env:NOPE}"}}}}`, "", true},
			// Codex: env_http_headers drops the header.
			{ClientCodex, "config.toml", "[mcp_servers.s]\nurl = \"https://h/\"\nenv_http_headers = { X-Key = \"NOPE\" }\n", "", false},
		}
		for _, c := range cases {
			f := read(t, c.file, c.text, ReadOptions{Client: c.client})
			l := f.Servers[0].Launch(look)
			if len(l.Headers) != 1 || l.Headers[0].Value != c.want || l.Headers[0].Sent != c.sent || len(l.Gaps) != 1 {
				t.Errorf("%s: headers %+v gaps %+v, want %q sent=%v and one gap", c.client, l.Headers, l.Gaps, c.want, c.sent)
			}
		}
	})
	t.Run("strict JSON clients refuse comments and trailing commas, and lose nothing", func(t *testing.T) {
		f := read(t, ".mcp.json", "{\n  \"mcpServers\": {\n    \"s\": {\"command\": \"x\"}, // mine\n  }\n}\n", ReadOptions{})
		if got := codes(f.Problems); !slices.Equal(got, []string{"not_strict_json@3:28"}) {
			t.Errorf("problems %v", got)
		}
		if len(f.Servers) != 1 {
			t.Errorf("the server was lost: %v", f.Servers)
		}
		f = read(t, "settings.json", "{\"mcpServers\": {\n  // comments are fine\n  \"s\": {\"command\": \"x\"},\n}}\n", ReadOptions{Client: ClientGemini})
		if got := codes(f.Problems); !slices.Equal(got, []string{"not_strict_json@3:24"}) {
			t.Errorf("Gemini CLI: problems %v, want only the trailing comma", got)
		}
		f = read(t, "mcp.json", "{\"servers\": {\n  // comments are fine\n  \"s\": {\"command\": \"x\",},\n},}\n", ReadOptions{Client: ClientVSCode})
		if len(f.Problems) != 0 {
			t.Errorf("VS Code reads JSONC: %v", f.Problems)
		}
	})
	t.Run("syntax errors are located in every format", func(t *testing.T) {
		for _, c := range []struct {
			file, text string
			line, col  int
		}{
			{".mcp.json", "{\n  \"mcpServers\": {\n    \"s\": {\"command\": \"x\" \"args\": []}\n  }\n}\n", 3, 26},
			{"mcp.json", "{\"servers\": {\n  \"ü\": {\"command\": ]\n}}", 2, 20},
			{"config.yaml", "mcpServers:\n  - name: s\n    command: [x\n", 3, 14},
		} {
			f := read(t, c.file, c.text, ReadOptions{Client: map[string]Client{".mcp.json": ClientClaudeCode, "mcp.json": ClientVSCode, "config.yaml": ClientContinue}[c.file]})
			p := f.Fatal()
			if p == nil || p.Line != c.line || p.Column != c.col || p.File != c.file {
				t.Errorf("%s: fatal %v, want %d:%d", c.file, f.Problems, c.line, c.col)
			}
		}
	})
	t.Run("type mismatches are located", func(t *testing.T) {
		f := read(t, ".mcp.json", "{\"mcpServers\": {\"s\": {\n  \"command\": \"x\",\n  \"args\": \"--flag\"}}}", ReadOptions{})
		if got := codes(f.Servers[0].Problems); !slices.Equal(got, []string{"type@3:11"}) {
			t.Errorf("problems %v", got)
		}
		f = read(t, "config.yaml", "extensions:\n  g:\n    enabled: yes please\n    type: stdio\n    cmd: x\n    args: []\n", ReadOptions{Client: ClientGoose})
		if got := codes(f.Servers[0].Problems); !slices.Equal(got, []string{"type@3:14"}) {
			t.Errorf("goose problems %v", got)
		}
	})
	t.Run("recognised by name, then by content", func(t *testing.T) {
		for _, c := range []struct {
			path, text string
			want       Client
		}{
			{"/home/u/.codex/config.toml", "", ClientCodex},
			{"/p/.mcp.json", "{}", ClientClaudeCode},
			{"/home/u/.claude.json", "{}", ClientClaudeCode},
			{"/x/claude_desktop_config.json", "{}", ClientClaudeDesktop},
			{"/p/.cursor/mcp.json", "{}", ClientCursor},
			{"/p/.vscode/mcp.json", "{}", ClientVSCode},
			{"/home/u/.config/Code/User/mcp.json", "{}", ClientVSCode},
			{"/home/u/.codeium/windsurf/mcp_config.json", "{}", ClientWindsurf},
			{"/p/.gemini/settings.json", "{}", ClientGemini},
			{"/home/u/.config/zed/settings.json", "{}", ClientZed},
			{"/p/opencode.jsonc", "{}", ClientOpencode},
			{"/home/u/.copilot/mcp-config.json", "{}", ClientCopilotCLI},
			{"/x/cline_mcp_settings.json", "{}", ClientCline},
			{"/home/u/.continue/config.yaml", "", ClientContinue},
			{"/home/u/.config/goose/config.yaml", "", ClientGoose},
			{"/tmp/servers.json", `{"servers": {}}`, ClientVSCode},
			{"/tmp/a.json", `{"context_servers": {}}`, ClientZed},
			{"/tmp/a.json", `{"mcpServers": {"s": {"httpUrl": "https://h/"}}}`, ClientGemini},
			{"/tmp/a.json", `{"mcpServers": {"s": {"serverUrl": "https://h/"}}}`, ClientWindsurf},
			{"/tmp/a.json", `{"mcpServers": {"s": {"command": "x"}}}`, ClientClaudeCode},
			{"/tmp/a.yml", "extensions:\n  x: {}\n", ClientGoose},
			{"/tmp/a.yml", "mcpServers:\n  - name: x\n", ClientContinue},
			{"/tmp/codex", "[mcp_servers.x]\ncommand = \"y\"\n", ClientCodex},
		} {
			got, _, ok := Recognise(c.path, []byte(c.text))
			if !ok || got != c.want {
				t.Errorf("%s: %q %v, want %q", c.path, got, ok, c.want)
			}
		}
		if _, _, ok := Recognise("/tmp/notes.txt", []byte("hello")); ok {
			t.Error("a text file was recognised")
		}
		if _, err := Read("/tmp/notes.txt", []byte("hello"), ReadOptions{}); err == nil || !strings.Contains(err.Error(), "--client") {
			t.Errorf("an unknown file must say to pass --client: %v", err)
		}
	})
}

// writeFiles lays out files under dir.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, text := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestLoadClientMergesPlacesByPrecedence(t *testing.T) {
	root := t.TempDir()
	home, project := filepath.Join(root, "home"), filepath.Join(root, "src", "app")
	writeFiles(t, root, map[string]string{
		"home/.claude.json": `{"mcpServers": {"shared": {"type": "http", "url": "https://user.example/mcp"}, "mine": {"command": "m"}},
 "projects": {"` + project + `": {"mcpServers": {"shared": {"command": "local-one"}}}}}`,
		"src/app/.mcp.json": `{"mcpServers": {"shared": {"type": "sse", "url": "https://project.example/sse"}, "team": {"command": "t"}}}`,
		"src/app/.git/HEAD": "ref: refs/heads/main\n",
		// Codex: a project layer, trusted or not.
		"home/.codex/config.toml":         "[projects.\"" + project + "\"]\ntrust_level = \"untrusted\"\n\n[mcp_servers.shared]\ncommand = \"user-one\"\n",
		"src/app/.codex/config.toml":      "[mcp_servers.shared]\ncommand = \"project-one\"\n",
		"src/app/.vscode/mcp.json":        `{"servers": {"ws": {"command": "w"}}}`,
		"home/.config/Code/User/mcp.json": `{"servers": {"ws": {"command": "u"}, "only-user": {"command": "o"}}}`,
	})
	m := Machine{Getenv: func(k string) string { return map[string]string{"HOME": home}[k] }, Home: home, Cwd: project, GOOS: "linux"}

	f, err := LoadClient(ClientClaudeCode, m)
	if err != nil {
		t.Fatal(err)
	}
	s, _ := f.Server("shared")
	if s.Source.Scope != "local" || s.Command.Written != "local-one" {
		t.Errorf("shared = %s scope %s, want the local scope's entry", s.Target(), s.Source.Scope)
	}
	var shadowed []string
	for _, s := range f.Servers {
		if s.Shadowed {
			shadowed = append(shadowed, s.Source.Scope+":"+s.Name)
		}
	}
	if want := []string{"project:shared", "user:shared"}; !slices.Equal(shadowed, want) {
		t.Errorf("shadowed %v, want %v", shadowed, want)
	}
	if got := f.Names(); !slices.Equal(got, []string{"shared", "team", "mine"}) {
		t.Errorf("names %v", got)
	}
	if len(f.Paths) != 2 {
		t.Errorf("paths %v", f.Paths)
	}

	f, err = LoadClient(ClientCodex, m)
	if err != nil {
		t.Fatal(err)
	}
	s, _ = f.Server("shared")
	if s.Command.Written != "user-one" {
		t.Errorf("an untrusted project's layer won: %s", s.Target())
	}
	var notLoaded bool
	for _, p := range f.Problems {
		notLoaded = notLoaded || p.Code == CodeNotLoaded && strings.Contains(p.Message, "trust_level = \"trusted\"")
	}
	if !notLoaded {
		t.Errorf("no problem says the project layer is not loaded: %v", f.Problems)
	}
	writeFiles(t, root, map[string]string{"home/.codex/config.toml": "[projects.\"" + project + "\"]\ntrust_level = \"trusted\"\n\n[mcp_servers.shared]\ncommand = \"user-one\"\n"})
	f, err = LoadClient(ClientCodex, m)
	if err != nil {
		t.Fatal(err)
	}
	if s, _ := f.Server("shared"); s.Command.Written != "project-one" || s.Source.Scope != "project" {
		t.Errorf("a trusted project's layer must win: %s (%s)", s.Target(), s.Source.Scope)
	}

	f, err = LoadClient(ClientVSCode, m)
	if err != nil {
		t.Fatal(err)
	}
	if s, _ := f.Server("ws"); s.Source.Scope != "workspace" || s.Command.Written != "w" {
		t.Errorf("ws = %s (%s), want the workspace's", s.Target(), s.Source.Scope)
	}

	if _, err := LoadClient(ClientZed, m); !errors.Is(err, ErrNoConfig) || !strings.Contains(err.Error(), filepath.Join(home, ".config", "zed", "settings.json")) {
		t.Errorf("no Zed config: %v", err)
	}

	all, errs := Discover(m)
	if len(errs) != 0 {
		t.Fatal(errs)
	}
	clients := map[Client]int{}
	for _, s := range all.Servers {
		clients[s.Source.Client]++
	}
	if clients[ClientClaudeCode] != 5 || clients[ClientCodex] != 2 || clients[ClientVSCode] != 3 || len(clients) != 3 {
		t.Errorf("discovered %v", clients)
	}
}

// Codex merges its layers before it reads a server: a trusted project's
// table is laid over the user's key by key, so a project can turn off or
// adjust a user's server without writing it out again. Every problem of
// the merged entry is placed in the file its key is written in.
func TestCodexLayersMergeKeyByKey(t *testing.T) {
	root := t.TempDir()
	home, project := filepath.Join(root, "home"), filepath.Join(root, "src", "app")
	userFile, projectFile := filepath.Join(home, ".codex", "config.toml"), filepath.Join(project, ".codex", "config.toml")
	writeFiles(t, root, map[string]string{
		"home/.codex/config.toml": `[projects."` + project + `"]
trust_level = "trusted"

[mcp_servers.docs]
command = "docs-server"
args = ["--port", "1"]
colour = "blue"
env = { A = "one", B = "two" }

[mcp_servers.web]
url = "https://web.example/mcp"

[mcp_servers.tool]
command = "no-such-command-on-path"
`,
		"src/app/.git/HEAD": "ref: refs/heads/main\n",
		"src/app/.codex/config.toml": `[mcp_servers.docs]
enabled = false
env = { B = "three" }

[mcp_servers.web]
bearer_token_env_var = "WEB_TOKEN"

[mcp_servers.tool]
startup_timeout_sec = 5
`,
	})
	m := Machine{Getenv: func(k string) string { return map[string]string{"HOME": home}[k] }, Home: home, Cwd: project, GOOS: "linux"}
	f, err := LoadClient(ClientCodex, m)
	if err != nil {
		t.Fatal(err)
	}

	docs, _ := f.Server("docs")
	env := map[string]string{}
	for _, e := range docs.Env {
		env[e.Name] = e.Value.Written
	}
	if docs.Source.File != projectFile || docs.Source.Line != 1 || docs.Enabled || docs.Command.Written != "docs-server" ||
		!slices.Equal(written(docs.Args), []string{"--port", "1"}) || !maps.Equal(env, map[string]string{"A": "one", "B": "three"}) {
		t.Errorf("docs = %s %v env %v enabled %v from %s:%d; want the user's command and args, env merged, disabled, from the project",
			docs.Command.Written, written(docs.Args), env, docs.Enabled, docs.Source.File, docs.Source.Line)
	}
	// The user's unknown key is the merged entry's problem, once, where
	// it is written; the project's table alone (no command) is no problem.
	var unknown []Problem
	for _, p := range f.Problems {
		if p.Code == CodeUnknownKey {
			unknown = append(unknown, p)
		}
		if p.Code == CodeNoTransport {
			t.Errorf("a partial table read on its own: %s", p)
		}
	}
	if len(unknown) != 1 || unknown[0].File != userFile || unknown[0].Line != 7 || unknown[0].Server != "docs" {
		t.Errorf("unknown-key problems %v, want one at %s:7", unknown, userFile)
	}
	var shadowed []string
	for _, s := range f.Servers {
		if s.Shadowed {
			shadowed = append(shadowed, s.Name)
			if s.Source.File != userFile || len(s.Problems) != 1 || !strings.Contains(s.Problems[0].Message, "probes the merged entry") {
				t.Errorf("the user's %s: %s, problems %v", s.Name, s.Source.File, s.Problems)
			}
		}
	}
	if !slices.Equal(shadowed, []string{"docs", "web", "tool"}) {
		t.Errorf("shadowed %v", shadowed)
	}

	// Machine problems too: the variable is the project's, the command
	// the user's.
	web, _ := f.Server("web")
	tool, _ := f.Server("tool")
	if web.URL.Written != "https://web.example/mcp" || tool.StartupTimeout != 5*time.Second {
		t.Errorf("web %s, tool startup %v", web.URL.Written, tool.StartupTimeout)
	}
	machine := Env{LookupEnv: func(string) (string, bool) { return "", false }, LookPath: func(string) (string, error) { return "", os.ErrNotExist },
		Stat: os.Stat, ReadFile: os.ReadFile}
	at := func(s Server, code Code) string {
		for _, p := range CheckEnvironment(s, machine) {
			if p.Code == code {
				return fmt.Sprintf("%s:%d", p.File, p.Line)
			}
		}
		return "none"
	}
	if got, want := at(web, CodeEnvUnset), projectFile+":6"; got != want {
		t.Errorf("unset WEB_TOKEN placed at %s, want %s", got, want)
	}
	if got, want := at(tool, CodeCommandNotFound), userFile+":14"; got != want {
		t.Errorf("missing command placed at %s, want %s", got, want)
	}
}

// Continue reads any client's JSON file dropped into .continue/mcpServers,
// the workspace's (folders too) and the global one, each by Continue's
// rules and not by the client the file came from.
func TestContinueReadsJSONFiles(t *testing.T) {
	root := t.TempDir()
	home, project := filepath.Join(root, "home"), filepath.Join(root, "src", "app")
	writeFiles(t, root, map[string]string{
		"src/app/.continue/mcpServers/team/claude_desktop_config.json": `{"mcpServers": {"team-docs": {"url": "https://docs.example/mcp"}}}`,
		"src/app/.continue/mcpServers/node_modules/pkg/x.json":         `{"mcpServers": {"vendored": {"command": "v"}}}`,
		"src/app/.continue/mcpServers/one.json":                        `{"command": "one-server", "args": ["--stdio"]}`,
		"home/.continue/mcpServers/claude.json": `{"mcpServers": {"mine": {"command": "m"}},
 "projects": {"/elsewhere": {"mcpServers": {"theirs": {"type": "sse", "url": "https://theirs.example/sse"}}}}}`,
	})
	if c, how, ok := Recognise(filepath.Join(project, ".continue", "mcpServers", "team", "claude_desktop_config.json"), nil); !ok || c != ClientContinue {
		t.Errorf("a Claude Desktop file in .continue/mcpServers is recognised as %q (%s), want continue", c, how)
	}
	m := Machine{Getenv: func(k string) string { return map[string]string{"HOME": home}[k] }, Home: home, Cwd: project, GOOS: "linux"}
	f, err := LoadClient(ClientContinue, m)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, s := range f.Servers {
		got[s.Name] = s.Source.Scope + " " + string(s.Transport) + " " + filepath.Base(s.Source.File)
	}
	want := map[string]string{
		"team-docs": "workspace streamable_http claude_desktop_config.json",
		"one":       "workspace stdio one.json",
		"mine":      "user stdio claude.json",
		"theirs":    "user sse claude.json",
	}
	if !maps.Equal(got, want) {
		t.Errorf("servers %v, want %v", got, want)
	}
	for _, p := range f.Problems {
		t.Errorf("problem: %s", p)
	}

	// The schema is a union tried in order: url first, unless the type
	// says stdio.
	both, err := Read(".continue/mcpServers/both.json", []byte(`{"mcpServers": {"a": {"type": "stdio", "url": "https://a.example/mcp", "command": "a"}}}`), ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if s := both.Servers[0]; s.Transport != TransportStdio || len(both.Problems) != 1 || both.Problems[0].Code != CodeUnknownKey || both.Problems[0].Key != "url" {
		t.Errorf("type stdio with url and command: %s, problems %v; want stdio, url ignored", s.Transport, both.Problems)
	}

	// A url the schema takes (any string) but no client can reach fails
	// that entry alone; args that are no list fail the whole file.
	for _, tt := range []struct {
		text    string
		skipped bool
	}{
		{`{"mcpServers": {"a": {"url": "not a url"}, "b": {"command": "b"}}}`, false},
		{`{"mcpServers": {"a": {"command": "a", "args": "--x"}, "b": {"command": "b"}}}`, true},
	} {
		f, err := Read(".continue/mcpServers/x.json", []byte(tt.text), ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		b, _ := f.Server("b")
		if skipped := slices.ContainsFunc(b.Problems, func(p Problem) bool { return p.Code == CodeNotLoaded }); skipped != tt.skipped {
			t.Errorf("%s: b skipped %v, want %v (%v)", tt.text, skipped, tt.skipped, f.Problems)
		}
	}
}

// Gemini CLI adds the servers of its installed extensions (a linked one's
// from where it was linked), below every settings file: a name both
// configure is the settings file's.
func TestGeminiExtensions(t *testing.T) {
	root := t.TempDir()
	home, project := filepath.Join(root, "home"), filepath.Join(root, "src", "app")
	linked := filepath.Join(root, "dev", "linked-ext")
	writeFiles(t, root, map[string]string{
		"home/.gemini/settings.json": `{"mcpServers": {"shared": {"httpUrl": "https://settings.example/mcp"}}}`,
		"home/.gemini/extensions/tools/gemini-extension.json": `{"name": "tools", "version": "1.0.0",
 "mcpServers": {"shared": {"command": "ext-shared"}, "tool": {"command": "${extensionPath}/bin/tool"}}}`,
		"home/.gemini/extensions/linked-ext/.gemini-extension-install.json": `{"source": "` + linked + `", "type": "link"}`,
		"dev/linked-ext/gemini-extension.json":                              `{"name": "linked-ext", "mcpServers": {"dev": {"command": "d"}}}`,
	})
	m := Machine{Getenv: func(k string) string { return map[string]string{"HOME": home}[k] }, Home: home, Cwd: project, GOOS: "linux"}
	f, err := LoadClient(ClientGemini, m)
	if err != nil {
		t.Fatal(err)
	}
	shared, _ := f.Server("shared")
	if shared.Source.Scope != "user" || shared.Transport != TransportStreamableHTTP {
		t.Errorf("shared is the %s entry (%s), want the settings file's", shared.Source.Scope, shared.Transport)
	}
	for _, s := range f.Servers {
		if s.Name == "shared" && s.Source.Scope == "extension" && !s.Shadowed {
			t.Error("the extension's shared is not marked shadowed by the settings file's")
		}
	}
	tool, _ := f.Server("tool")
	if l := tool.Launch(Lookup{}); tool.Source.Scope != "extension" || l.Command != filepath.Join(home, ".gemini", "extensions", "tools")+"/bin/tool" {
		t.Errorf("tool: scope %s, command %q", tool.Source.Scope, l.Command)
	}
	dev, ok := f.Server("dev")
	if !ok || dev.Source.File != filepath.Join(linked, "gemini-extension.json") {
		t.Errorf("the linked extension's server: %v %s", ok, dev.Source.File)
	}
	var missingVersion bool
	for _, p := range f.Problems {
		missingVersion = missingVersion || p.File == dev.Source.File && strings.Contains(p.Message, "has no version")
	}
	if !missingVersion {
		t.Errorf("no problem says the linked extension has no version: %v", f.Problems)
	}

	// `gemini extensions disable tools` at user scope, then enabled again
	// for this project alone: the last rule that matches wins.
	for _, tt := range []struct {
		rules   string
		enabled bool
	}{
		{`["!` + home + `/*"]`, true}, // the project is not under home
		{`["!` + root + `/*"]`, false},
		{`["!` + root + `/*", "` + project + `"]`, true},
		{`["!` + root + `/*", "` + project + `/*", "!` + project + `"]`, false},
		{`["!` + filepath.Join(root, "src") + `"]`, true}, // no "*": that folder only
	} {
		writeFiles(t, root, map[string]string{"home/.gemini/extensions/extension-enablement.json": `{"tools": {"overrides": ` + tt.rules + `}}`})
		f, err := LoadClient(ClientGemini, m)
		if err != nil {
			t.Fatal(err)
		}
		tool, _ := f.Server("tool")
		if tool.Enabled != tt.enabled {
			t.Errorf("rules %s: tool enabled %v, want %v", tt.rules, tool.Enabled, tt.enabled)
		}
		if dev, _ := f.Server("dev"); !dev.Enabled {
			t.Errorf("rules %s turned off another extension's server", tt.rules)
		}
	}
}
