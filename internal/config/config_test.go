package config

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

func load(t *testing.T, name string) *File {
	t.Helper()
	f, err := Load(filepath.Join("testdata", name), ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// literals returns the text of values that have no references.
func literals(vs []Value) []string {
	var out []string
	for _, v := range vs {
		lit, ok := v.IsLiteral()
		if !ok {
			lit = "<refs>" + v.Written
		}
		out = append(out, lit)
	}
	return out
}

// headerMap is the headers of a server as written, by name, with their key.
func headerMap(s Server) map[string]string {
	m := map[string]string{}
	for _, h := range s.Headers {
		m[h.Name] = h.Key + " " + h.Value.Written
	}
	return m
}

func TestLoadFullConfig(t *testing.T) {
	f := load(t, "full.toml")
	if got, want := f.Names(), []string{"docs", "todo", "off"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("servers in file order = %v, want %v", got, want)
	}
	if len(f.Problems) != 0 {
		t.Fatalf("problems in a valid file: %v", f.Problems)
	}

	docs, _ := f.Server("docs")
	if docs.Transport != TransportStdio || docs.Command.Written != "npx" ||
		!reflect.DeepEqual(literals(docs.Args), []string{"-y", "@acme/docs-mcp", "--port=0"}) ||
		docs.Cwd.Written != "/srv/docs" || !reflect.DeepEqual(docs.Env, []EnvVar{{Name: "DOCS_API_KEY", Value: Literal("sk-live-docs-1234567890")}}) ||
		!reflect.DeepEqual(docs.Forward, []EnvForward{{Name: "HOME_REGION", Source: "local"}, {Name: "REMOTE_ONLY", Source: "local"}}) ||
		docs.StartupTimeout != 12500*time.Millisecond || docs.ToolTimeout != 60*time.Second || !docs.Enabled ||
		!reflect.DeepEqual(docs.EnabledTools, []string{"search", "fetch"}) || !reflect.DeepEqual(docs.DisabledTools, []string{"delete"}) ||
		docs.Line != 3 || docs.Column != 1 {
		t.Errorf("docs = %+v", docs)
	}
	if want := (Source{Client: ClientCodex, File: filepath.Join("testdata", "full.toml"), Scope: "user", Line: 3, Column: 1}); docs.Source != want {
		t.Errorf("source = %+v, want %+v", docs.Source, want)
	}
	if file, line, col := docs.Position("cwd"); file != docs.Source.File || line != 6 || col != 1 {
		t.Errorf("cwd at %s:%d:%d, want %s:6:1", file, line, col, docs.Source.File)
	}
	if _, line, _ := docs.Position("url"); line != 3 {
		t.Errorf("an absent key falls back to the table: line %d", line)
	}

	todo, _ := f.Server("todo")
	wantHeaders := map[string]string{"X-Tenant": "http_headers acme", "X-Api-Key": "env_http_headers $TODO_API_KEY", "Authorization": "bearer_token_env_var Bearer $TODO_TOKEN"}
	if todo.Transport != TransportStreamableHTTP || !reflect.DeepEqual(headerMap(todo), wantHeaders) ||
		!todo.Required || todo.OAuth.ClientID != "client-123" || todo.OAuth.Resource != "https://example.com/server" ||
		!reflect.DeepEqual(todo.OAuth.Scopes, []string{"read", "write"}) {
		t.Errorf("todo = %+v", todo)
	}
	if todo.StartupTimeout != 5*time.Second {
		t.Errorf("legacy startup_timeout_ms: got %v, want 5s", todo.StartupTimeout)
	}
	if todo.ToolTimeout != DefaultToolTimeout {
		t.Errorf("default tool timeout = %v", todo.ToolTimeout)
	}
	off, _ := f.Server("off")
	if off.Enabled {
		t.Error("enabled = false was not read")
	}
	if docs.EnabledTools == nil || off.EnabledTools != nil {
		t.Error("EnabledTools must be nil only when the key is absent")
	}
}

// problemKeys returns "server/key/code" for each problem, to compare sets.
func problemKeys(ps []Problem) map[string]Problem {
	m := map[string]Problem{}
	for _, p := range ps {
		m[p.Server+"/"+p.Key+"/"+string(p.Code)] = p
	}
	return m
}

func TestBrokenConfigRules(t *testing.T) {
	f := load(t, "broken.toml")
	got := problemKeys(f.Problems)
	cases := []struct {
		key      string
		severity Severity
		line     int
		contains string
	}{
		{"mixed/url/" + CodeWrongTransport, SeverityError, 3, "not allowed on a stdio server"},
		{"http_with_args/args/" + CodeWrongTransport, SeverityError, 7, "not allowed on a Streamable HTTP server"},
		{"http_with_args/cwd/" + CodeWrongTransport, SeverityError, 8, "remove cwd"},
		{"literal/bearer_token/" + CodeBearerToken, SeverityError, 12, "bearer_token_env_var"},
		{"neither//" + CodeNoTransport, SeverityError, 14, "neither command"},
		{"bad name//" + CodeInvalidName, SeverityError, 17, `"Invalid MCP server name 'bad name': must match pattern ^[a-zA-Z0-9_:@/.-]+$"`},
		{"negative/startup_timeout_sec/" + CodeNegativeTimeout, SeverityError, 22, "non-negative"},
		{"negative/tool_timeout_sec/" + CodeNegativeTimeout, SeverityError, 23, "non-negative"},
		{"typed/args/" + CodeType, SeverityError, 27, "must be an array of strings, not a string"},
		{"typed/enabled/" + CodeType, SeverityError, 28, "true or false"},
		{"ignored/type/" + CodeIgnoredKey, SeverityWarning, 31, "Codex ignores `type`"},
		{"ignored/transport/" + CodeIgnoredKey, SeverityWarning, 32, "Codex ignores `transport`"},
		{"ignored/headers/" + CodeIgnoredKey, SeverityWarning, 34, "http_headers"},
		{"ignored/bearer_token_env/" + CodeUnknownKey, SeverityWarning, 35, "did you mean bearer_token_env_var?"},
		{"badurl/url/" + CodeInvalidURL, SeverityError, 38, "http:// or https://"},
	}
	for _, c := range cases {
		p, ok := got[c.key]
		if !ok {
			t.Errorf("missing problem %s; got %v", c.key, f.Problems)
			continue
		}
		if p.Severity != c.severity || p.Line != c.line || !strings.Contains(p.Message, c.contains) {
			t.Errorf("%s = %s (line %d), want %s at line %d containing %q", c.key, p.String(), p.Line, c.severity, c.line, c.contains)
		}
		if p.File != filepath.Join("testdata", "broken.toml") || p.Column == 0 {
			t.Errorf("%s: not located: %+v", c.key, p)
		}
		delete(got, c.key)
	}
	for k, p := range got {
		t.Errorf("unexpected problem %s: %s", k, p)
	}
	// Problems are also attached to their server, and decide validity.
	mixed, _ := f.Server("mixed")
	if mixed.Valid() || len(mixed.Problems) != 1 {
		t.Errorf("mixed: valid=%v problems=%v", mixed.Valid(), mixed.Problems)
	}
	ignored, _ := f.Server("ignored")
	if !ignored.Valid() {
		t.Error("warnings alone must not make a server invalid")
	}
	// Secrets in the config never appear in a problem's text.
	for _, p := range f.Problems {
		for _, secret := range []string{"sk-do-not-print-me-123456", "sk-also-secret-987654"} {
			if strings.Contains(p.String(), secret) {
				t.Errorf("problem leaks a secret: %s", p)
			}
		}
	}
}

func TestSyntaxErrorIsLocated(t *testing.T) {
	f := load(t, "syntax.toml")
	fatal := f.Fatal()
	if fatal == nil {
		t.Fatalf("no fatal problem: %v", f.Problems)
	}
	if fatal.Line != 3 || fatal.Column == 0 || fatal.File != filepath.Join("testdata", "syntax.toml") {
		t.Errorf("syntax error at %d:%d in %s, want line 3 with a column", fatal.Line, fatal.Column, fatal.File)
	}
	if !strings.HasPrefix(fatal.String(), "testdata/syntax.toml:3:") {
		t.Errorf("String() = %q", fatal.String())
	}
	if len(f.Servers) != 0 {
		t.Errorf("servers from an unparseable file: %v", f.Servers)
	}
}

func TestTypeErrorNamesKeyLineAndColumn(t *testing.T) {
	src := "[mcp_servers.a]\ncommand = \"x\"\n  env = { A = 1 }\n"
	f := ParseCodex("c.toml", []byte(src))
	if len(f.Problems) != 1 {
		t.Fatalf("problems = %v", f.Problems)
	}
	p := f.Problems[0]
	if p.Key != "env.A" || p.Line != 3 || p.Column != 3 || p.Code != CodeType {
		t.Errorf("got %s (%+v)", p, p)
	}
	if want := "c.toml:3:3: error: mcp_servers.a.env.A: must be a string, not an integer"; p.String() != want {
		t.Errorf("String() = %q, want %q", p.String(), want)
	}
}

func TestPositionsIgnoreMultilineValues(t *testing.T) {
	src := `[mcp_servers.a]
args = [
  "url = x",
  """
[mcp_servers.fake]
""",
]
command = "x" # url = "y"
[mcp_servers."b.c"]
url = "http://h/"
[mcp_servers]
d.command = "y"
`
	kp := scanKeyPositions(src)
	for _, c := range []struct {
		path []string
		line int
	}{
		{[]string{"mcp_servers", "a", "command"}, 8},
		{[]string{"mcp_servers", "b.c"}, 9},
		{[]string{"mcp_servers", "b.c", "url"}, 10},
		{[]string{"mcp_servers", "d", "command"}, 12},
	} {
		if p, ok := kp[joinPath(c.path...)]; !ok || p.line != c.line {
			t.Errorf("%v at %v (found %v), want line %d", c.path, p, ok, c.line)
		}
	}
	for _, bogus := range [][]string{{"mcp_servers", "fake"}, {"mcp_servers", "a", "url"}} {
		if _, ok := kp[joinPath(bogus...)]; ok {
			t.Errorf("%v recorded from inside a value", bogus)
		}
	}
}

func TestStartupSecWinsOverLegacyMs(t *testing.T) {
	f := ParseCodex("c.toml", []byte("[mcp_servers.a]\ncommand = \"x\"\nstartup_timeout_sec = 2\nstartup_timeout_ms = 9000\n"))
	a, _ := f.Server("a")
	if a.StartupTimeout != 2*time.Second {
		t.Errorf("startup = %v, want 2s", a.StartupTimeout)
	}
	if len(f.Problems) != 1 || f.Problems[0].Key != "startup_timeout_ms" || f.Problems[0].Severity != SeverityWarning {
		t.Errorf("want one warning on startup_timeout_ms, got %v", f.Problems)
	}
}

func TestEnvVarsSourceMustBeKnown(t *testing.T) {
	f := ParseCodex("c.toml", []byte("[mcp_servers.a]\ncommand = \"x\"\nenv_vars = [{ name = \"A\", source = \"cloud\" }]\n"))
	if len(f.Problems) != 1 || f.Problems[0].Code != CodeInvalidValue || !strings.Contains(f.Problems[0].Message, "unsupported env_vars source `cloud`; expected `local` or `remote`") {
		t.Errorf("problems = %v", f.Problems)
	}
}

func TestNoServersIsValid(t *testing.T) {
	f := ParseCodex("c.toml", []byte("model = \"o3\"\n"))
	if len(f.Servers) != 0 || len(f.Problems) != 0 {
		t.Errorf("got %v %v", f.Servers, f.Problems)
	}
	f = ParseCodex("c.toml", []byte("mcp_servers = 3\n"))
	if len(f.Problems) != 1 || f.Problems[0].Code != CodeType {
		t.Errorf("mcp_servers = 3: %v", f.Problems)
	}
}

func TestLocate(t *testing.T) {
	dir := t.TempDir()
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

	got, err := Locate("/explicit.toml", env(map[string]string{"CODEX_HOME": dir}))
	if err != nil || got != "/explicit.toml" {
		t.Errorf("--config: %q %v", got, err)
	}
	got, err = Locate("", env(map[string]string{"CODEX_HOME": dir, "HOME": "/home/x"}))
	if err != nil || got != filepath.Join(dir, "config.toml") {
		t.Errorf("CODEX_HOME: %q %v", got, err)
	}
	got, err = Locate("", env(map[string]string{"CODEX_HOME": "", "HOME": "/home/x"}))
	if err != nil || got != "/home/x/.codex/config.toml" {
		t.Errorf("empty CODEX_HOME must be ignored: %q %v", got, err)
	}
	_, err = Locate("", env(map[string]string{"CODEX_HOME": filepath.Join(dir, "missing")}))
	if err == nil || !strings.Contains(err.Error(), "does not exist") || !strings.Contains(err.Error(), "--config") {
		t.Errorf("missing CODEX_HOME: %v", err)
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "nope.toml"), ReadOptions{})
	if !errors.Is(err, ErrNoConfig) {
		t.Errorf("err = %v, want ErrNoConfig", err)
	}
}

type fakeInfo struct {
	fs.FileInfo
	dir  bool
	mode fs.FileMode
}

func (f fakeInfo) IsDir() bool       { return f.dir }
func (f fakeInfo) Mode() fs.FileMode { return f.mode }

func TestCheckEnvironment(t *testing.T) {
	f := ParseCodex("c.toml", []byte(`
[mcp_servers.http]
url = "https://api.example.com/mcp"
bearer_token_env_var = "TOKEN"
env_http_headers = { "X-Api-Key" = "API_KEY" }

[mcp_servers.empty]
url = "https://api.example.com/mcp"
bearer_token_env_var = "EMPTY"

[mcp_servers.stdio]
command = "no-such-server"
cwd = "/nowhere"
env_vars = ["FORWARD_ME"]

[mcp_servers.relative]
command = "./bin/server"
cwd = "/srv"

[mcp_servers.good]
command = "node"
env_vars = ["SET_VAR"]

[mcp_servers.disabled]
command = "no-such-server"
enabled = false
`))
	vars := map[string]string{"EMPTY": " ", "SET_VAR": "1"}
	env := Env{
		LookupEnv: func(k string) (string, bool) { v, ok := vars[k]; return v, ok },
		LookPath: func(c string) (string, error) {
			if c == "node" {
				return "/usr/bin/node", nil
			}
			return "", errors.New("not found")
		},
		Stat: func(p string) (os.FileInfo, error) {
			switch p {
			case "/srv":
				return fakeInfo{dir: true}, nil
			case "/srv/bin/server":
				return fakeInfo{mode: 0o644}, nil
			}
			return nil, fs.ErrNotExist
		},
	}
	got := map[string]Problem{}
	for _, s := range f.Servers {
		for _, p := range CheckEnvironment(s, env) {
			got[p.Server+"/"+string(p.Code)] = p
		}
	}
	want := map[string]Severity{
		"http/" + CodeEnvUnset:            SeverityError,
		"http/" + CodeHeaderEnvUnset:      SeverityWarning,
		"empty/" + CodeEnvEmpty:           SeverityError,
		"stdio/" + CodeCommandNotFound:    SeverityError,
		"stdio/" + CodeCwdMissing:         SeverityError,
		"stdio/" + CodeForwardedEnvUnset:  SeverityWarning,
		"relative/" + CodeCommandNotFound: SeverityError,
	}
	if p := got["http/"+CodeEnvUnset]; p.Line != 4 || p.Key != "bearer_token_env_var" {
		t.Errorf("env_unset must point at bearer_token_env_var (line 4): %s", p)
	}
	for k, sev := range want {
		p, ok := got[k]
		if !ok {
			t.Errorf("missing %s", k)
			continue
		}
		if p.Severity != sev || p.Line < 2 {
			t.Errorf("%s: %s", k, p)
		}
		delete(got, k)
	}
	for k, p := range got {
		t.Errorf("unexpected %s: %s", k, p)
	}
	if p := CheckEnvironment(mustServer(t, f, "relative"), env); len(p) != 1 || !strings.Contains(p[0].Message, "not an executable") {
		t.Errorf("relative command: %v", p)
	}
}

func mustServer(t *testing.T, f *File, name string) Server {
	t.Helper()
	s, ok := f.Server(name)
	if !ok {
		t.Fatalf("no server %s", name)
	}
	return s
}

// TestSecretsCoverEveryPlace: every value in a credential place is a
// secret, in the forms it is sent in, whatever it looks like; a value
// elsewhere is one only when it could be (schema/README.md, "What is
// never in it"), so that an innocent env value never blanks evidence.
func TestSecretsCoverEveryPlace(t *testing.T) {
	f := ParseCodex("c.toml", []byte(`
[mcp_servers.a]
url = "https://u:pw@h/s/Zx81Kq29Lm47Np03Rt65Qa?config=abc&v=2025-06-18"
http_headers = { "X-Tenant" = "acme", "X-Workspace" = "3f9a6c0e1b2d4a5f8e7c9b0a", "Authorization" = "Basic YWxpY2U6cGE1NXdvcmQ=", "Accept" = "application/json", "X-Auth-Token" = "true" }
env_http_headers = { "X-Api-Key" = "API_KEY_VAR", "Authorization" = "AUTH_VAR", "X-Region" = "REGION_VAR" }
bearer_token_env_var = "BEARER_VAR"

[mcp_servers.b]
command = "srv"
args = ["--token", "arg-secret"]
env = { LOG_LEVEL = "info", OPENAI_API_KEY = "sk-1", MODE = "stdio", WORKDIR = "/tmp", TINY_VERSIONS = "2026-07-28", AUTH_ENABLED = "true", AUTH_MODE = "http", DB_PASSWORD = "hunter2", NOTES = "sk-proj-abcdefghijklmnopqrstuvwx", DATABASE_URL = "postgres://app:db-pa55@db/x" }
env_vars = ["GITHUB_TOKEN", "UNSET", "NODE_ENV"]
`))
	env := map[string]string{"GITHUB_TOKEN": "ghp_forwarded", "API_KEY_VAR": "key-from-env", "AUTH_VAR": "Bearer tok-from-env", "BEARER_VAR": "bearer-from-env",
		"NODE_ENV": "production", "TEAM_TOKEN": "team-secret", "TIER_NAME": "gold-plan", "REGION_VAR": "eu-west"}
	look := Lookup{Env: func(k string) (string, bool) { v, ok := env[k]; return v, ok }}
	var got []string
	for _, s := range f.Servers {
		got = append(got, s.Secrets(look)...)
	}
	// A value that refers to variables is judged with their names too.
	claude, err := Read(".mcp.json", []byte(`{"mcpServers": {"c": {"command": "srv", "env": {"TEAM": "${TEAM_TOKEN}", "TIER": "${TIER_NAME}"}}}}`), ReadOptions{Client: ClientClaudeCode})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range claude.Servers {
		got = append(got, s.Secrets(look)...)
	}
	for _, want := range []string{"sk-1", "hunter2", "sk-proj-abcdefghijklmnopqrstuvwx", "db-pa55", "ghp_forwarded", "team-secret",
		"3f9a6c0e1b2d4a5f8e7c9b0a", "YWxpY2U6cGE1NXdvcmQ=", "alice:pa55word", "pa55word", "true",
		"key-from-env", "Bearer tok-from-env", "tok-from-env", "bearer-from-env", "eu-west", "pw", "Zx81Kq29Lm47Np03Rt65Qa", "abc", "2025-06-18", "arg-secret"} {
		if !slices.Contains(got, want) {
			t.Errorf("Secrets lacks %q: %q", want, got)
		}
	}
	// Innocent values where no credential stands: never hunted.
	for _, innocent := range []string{"application/json", "info", "stdio", "/tmp", "2026-07-28", "http", "acme", "production", "gold-plan",
		"postgres://app:db-pa55@db/x"} {
		if slices.Contains(got, innocent) {
			t.Errorf("%q is no secret: %q", innocent, got)
		}
	}
}

// Every problem has a line and a column, however its table's name is
// spelled: empty, escaped, literal, dotted.
func TestProblemsLocatedWhateverTheName(t *testing.T) {
	f := ParseCodex("c.toml", []byte(`[mcp_servers.""]
url = "ftp://x"

[mcp_servers."caf\u00e9 \"bar\""]
url = "ftp://y"

[mcp_servers.'lit.eral']
url = "ftp://z"

[mcp_servers]
d.url = "ftp://w"
`))
	want := map[string]int{"": 2, "café \"bar\"": 5, "lit.eral": 8, "d": 11}
	for _, p := range f.Problems {
		if p.Code != CodeInvalidURL {
			continue
		}
		line, ok := want[p.Server]
		if !ok || p.Line != line || p.Column != 1 {
			t.Errorf("%q: %s, want line %d column 1", p.Server, p, line)
		}
		delete(want, p.Server)
	}
	if len(want) > 0 {
		t.Errorf("no problem for %v: %v", want, f.Problems)
	}
}
