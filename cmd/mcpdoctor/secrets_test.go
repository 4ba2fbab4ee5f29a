package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"math/rand"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/mcpdoctor/mcpdoctor/internal/mcptest"
	"github.com/mcpdoctor/mcpdoctor/internal/redact"
	"github.com/mcpdoctor/mcpdoctor/internal/schematest"
	"github.com/mcpdoctor/mcpdoctor/internal/tokens"
)

// The property of issue "output you can trust": whatever secrets a config,
// its environment and the token file hold, and however the servers echo
// them back, every --json output is one document valid against its schema,
// no form of any secret appears in any output, and no control character a
// server sent reaches a terminal or a report.
//
// And its other half, issue 20: the innocent values planted beside them
// (a version, a date, an era, a scheme word, a path, the server's own
// directory, a log level, true, a number, the start of the servers' own
// name), in env, in non-credential headers and in a query, never blank
// what is evidence: protocol versions, the command's path, URLs' schemes
// and hosts, server and tool names, Codex's explanation.

// plant is one run's secrets, each where a credential can live.
type plant struct {
	env, pem, forwarded, arg             string // stdio: env, a multi-line env value, env_vars, an argument
	bearer, header, tenant, envHeader    string // HTTP: bearer_token_env_var, http_headers (X-Api-Key; X-Tenant, which only its shape makes a secret), env_http_headers
	basicUser, basicPass, envAuthPass    string // URL user info; an Authorization: Basic from the environment
	query, otherQuery, path, storedToken string // URL query values, a key-like path segment, the token file
	storedRefresh                        string
}

// secrets lists every value that must never be printed, with the lines of
// the multi-line one.
func (p plant) secrets() []string {
	out := []string{p.env, p.pem, p.forwarded, p.arg, p.bearer, p.header, p.tenant, p.envHeader, p.basicPass,
		p.basicUser + ":" + p.basicPass, p.envAuthPass, "basic-user:" + p.envAuthPass, p.query, p.otherQuery, p.path, p.storedToken, p.storedRefresh,
		base64.StdEncoding.EncodeToString([]byte("basic-user:" + p.envAuthPass))}
	for _, line := range strings.Split(p.pem, "\n") {
		if len(line) >= 4 {
			out = append(out, line)
		}
	}
	return out
}

// primary are the secrets as they were drawn, not combined with others.
func (p plant) primary() []string {
	return []string{p.env, p.forwarded, p.arg, p.bearer, p.header, p.tenant, p.envHeader, p.basicPass, p.envAuthPass,
		p.query, p.otherQuery, p.path, p.storedToken, p.storedRefresh}
}

// forms are the ways a secret can be spelled in output.
func forms(s string) []string {
	js, _ := json.Marshal(s)
	var plain bytes.Buffer
	enc := json.NewEncoder(&plain)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	q := strconv.Quote(s)
	return []string{s, string(js[1 : len(js)-1]), strings.TrimSpace(plain.String())[1 : len(strings.TrimSpace(plain.String()))-1],
		q[1 : len(q)-1], strings.Join(strings.Fields(s), " "), url.QueryEscape(s), url.PathEscape(s),
		base64.StdEncoding.EncodeToString([]byte(s)), base64.URLEncoding.EncodeToString([]byte(s))}
}

// draw makes a secret of n to n+24 runes from an alphabet.
func draw(rng *rand.Rand, alphabet string, n int) string {
	runes := []rune(alphabet)
	for {
		b := make([]rune, n+rng.Intn(25))
		for i := range b {
			b[i] = runes[rng.Intn(len(runes))]
		}
		s := string(b)
		if strings.TrimSpace(s) == s && !strings.Contains("<redacted>", s) {
			return s
		}
	}
}

const (
	// anything an environment variable can hold: quotes, backslashes,
	// percent signs, unicode, a newline, ESC, a tab.
	anyRunes = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~+/=!$%&()*,;:@[]{}|^'\"<>\\ äé€😀\n\x1b\t"
	// what a header value can hold.
	headerRunes = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~+/=!$%&()*,;:@[]{}|^'\"<>\\ "
	// a token's characters.
	tokenRunes = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~+/"
)

func newPlant(rng *rand.Rand) plant {
	key := func() string {
		// A path segment is masked, and a value that no credential name
		// holds hunted, when it looks like a key (redact.LooksSecret,
		// table-tested both ways there); a secret one that does not is
		// the server's URL design, and is shown.
		for {
			s := draw(rng, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 16)
			if redact.LooksSecret(s) {
				return s
			}
		}
	}
	return plant{
		// env is long, so that excerpts (80 bytes of a log line) cut it.
		env: draw(rng, anyRunes, 70), forwarded: draw(rng, anyRunes, 10), arg: draw(rng, tokenRunes, 10),
		pem:    "-----BEGIN PRIVATE KEY-----\n" + draw(rng, tokenRunes, 30) + "\n" + draw(rng, tokenRunes, 30) + "\n-----END PRIVATE KEY-----",
		bearer: draw(rng, tokenRunes, 12), header: draw(rng, headerRunes, 10), tenant: key(), envHeader: draw(rng, headerRunes, 10),
		basicUser: draw(rng, "abcdefghijklmnop", 6), basicPass: draw(rng, headerRunes, 10), envAuthPass: draw(rng, headerRunes, 10),
		query: draw(rng, anyRunes, 10), otherQuery: draw(rng, anyRunes, 10), path: key(),
		storedToken: draw(rng, tokenRunes, 16), storedRefresh: draw(rng, tokenRunes, 16),
	}
}

// tomlString writes s as a TOML basic string: quotes, backslashes and
// control characters escaped.
func tomlString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteString(`\` + string(r))
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\u%04X`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// innocentEnv are values no credential is made of, under plain names and
// under names that say credential (AUTH_MODE=http): none is hunted, so
// none may blank the same characters anywhere. Among them the echo
// servers' port, which every URL's host holds, the fake server's own
// directory, which its command holds, and "echo", which starts the echo
// servers' names.
func innocentEnv(echoURL, fakeStdio string) map[string]string {
	u, _ := url.Parse(echoURL)
	return map[string]string{
		"TINY_VERSIONS": "2026-07-28", "PROTOCOL": "2025-11-25", "ERA": "modern", "MODE": "stdio", "TRANSPORT": "http",
		"WORKDIR": "/tmp", "SERVER_DIR": filepath.Dir(fakeStdio), "LOG_LEVEL": "info", "NODE_ENV": "production",
		"ENABLED": "true", "ECHO_PORT": u.Port(), "SERVER_NAME": "echo",
		"AUTH_MODE": "http", "AUTH_ENABLED": "true", "API_VERSION": "2026-07-28", "TOKEN_DIR": "/tmp", "SESSION_TIMEOUT": "3000",
	}
}

// innocentHeaders go, with the credentials, to the bearer echo server,
// which makes a tool of each value: its tools must keep these names.
var innocentHeaders = map[string]string{"X-Mode": "production", "X-Protocol": "2026-07-28", "X-Transport": "http",
	"X-Debug": "true", "X-Era": "legacy", "X-Workdir": "/tmp"}

// innocentQuery are query values, secrets where they stand, that look
// like none: masked in the URL and in free text, they must never blank a
// protocol version, a URL's scheme or host, or a name.
func innocentQuery(echoURL string) string {
	u, _ := url.Parse(echoURL)
	return url.Values{"v": {"2025-11-25"}, "mode": {"stdio"}, "scheme": {"http"}, "port": {u.Port()}}.Encode()
}

// tomlTable writes m as the inside of a TOML inline table.
func tomlTable(m map[string]string) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		parts = append(parts, tomlString(k)+" = "+tomlString(m[k]))
	}
	return strings.Join(parts, ", ")
}

// setup writes the config and the token file for a plant, and returns the
// config's path and the environment mcpdoctor runs in.
func setup(t *testing.T, p plant, echoURL, fakeStdio string) (string, map[string]string) {
	dir := t.TempDir()
	u, _ := url.Parse(echoURL)
	basic := url.URL{Scheme: "http", User: url.UserPassword(p.basicUser, p.basicPass), Host: u.Host, Path: "/mcp"}
	q := url.Values{"q": {p.query}, "plain": {p.otherQuery}}.Encode()
	stored := echoURL + "/stored"
	config := fmt.Sprintf(`
[mcp_servers.bearer]
url = %[1]s
bearer_token_env_var = "TOK"
http_headers = { "X-Api-Key" = %[2]s, "X-Tenant" = %[3]s, %[15]s }
env_http_headers = { "X-Env-Secret" = "HDR_VAR" }

[mcp_servers.userinfo]
url = %[4]s

[mcp_servers.env_basic]
url = %[5]s
env_http_headers = { "Authorization" = "AUTH_VAR" }

[mcp_servers.refused]
url = %[6]s
bearer_token_env_var = "TOK"

[mcp_servers.rpc_error]
url = %[7]s
http_headers = { "X-Api-Key" = %[2]s }

[mcp_servers.redirect]
url = %[8]s
bearer_token_env_var = "TOK"

[mcp_servers.path]
url = %[9]s

[mcp_servers.stored]
url = %[10]s

[mcp_servers.stdio]
command = %[11]s
args = ["echo", "--api-key", %[12]s]
env = { SECRET_ENV = %[13]s, SECRET_PEM = %[14]s, %[16]s }
env_vars = ["SECRET_FWD"]

[mcp_servers.crash]
command = %[11]s
args = ["echo", "crash"]
env = { SECRET_ENV = %[13]s, %[16]s }
`, tomlString(echoURL+"/mcp?"+q+"&"+innocentQuery(echoURL)), tomlString(p.header), tomlString(p.tenant), tomlString(basic.String()),
		tomlString(echoURL+"/mcp"), tomlString(echoURL+"/401"), tomlString(echoURL+"/rpc-error?"+q), tomlString(echoURL+"/redirect"),
		tomlString(echoURL+"/s/"+p.path+"/mcp"), tomlString(stored), tomlString(fakeStdio), tomlString(p.arg),
		tomlString(p.env), tomlString(p.pem), tomlTable(innocentHeaders), tomlTable(innocentEnv(echoURL, fakeStdio)))
	path := filepath.Join(dir, "config.toml")
	if err := os.WriteFile(path, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	tokenFile := filepath.Join(dir, "tokens.json")
	e := tokens.Entry{ServerName: "stored", ServerURL: stored, TokenEndpoint: echoURL + "/token", ClientID: "client-1",
		AccessToken: p.storedToken, RefreshToken: p.storedRefresh, TokenType: "Bearer", Expiry: time.Now().Add(time.Hour)}
	if err := tokens.Open(tokenFile).Put(e); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{
		"HOME": dir, "CODEX_HOME": dir, "PATH": os.Getenv("PATH"), tokens.EnvFile: tokenFile,
		"TOK": p.bearer, "HDR_VAR": p.envHeader, "SECRET_FWD": p.forwarded,
		"AUTH_VAR": "Basic " + base64.StdEncoding.EncodeToString([]byte("basic-user:"+p.envAuthPass)),
		// VS Code's ${input:tok}, answered ahead.
		"MCPDOCTOR_INPUT_TOK": p.bearer,
	}
	return path, env
}

// otherClients writes the same servers in Claude Code's .mcp.json and VS
// Code's mcp.json, with each client's references for what Codex takes from
// the environment, and returns their paths.
func otherClients(t *testing.T, p plant, echoURL, fakeStdio string) []string {
	dir := t.TempDir()
	u, _ := url.Parse(echoURL)
	basic := url.URL{Scheme: "http", User: url.UserPassword(p.basicUser, p.basicPass), Host: u.Host, Path: "/mcp"}
	q := url.Values{"q": {p.query}, "plain": {p.otherQuery}}.Encode()
	js := func(v any) string {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	write := func(name, servers, text string) string {
		path := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(path), 0o700)
		if err := os.WriteFile(path, []byte(fmt.Sprintf(text, servers)), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	servers := func(ref func(string) string) string {
		headers := map[string]string{"Authorization": "Bearer " + ref("TOK"), "X-Api-Key": p.header, "X-Tenant": p.tenant, "X-Env-Secret": ref("HDR_VAR")}
		maps.Copy(headers, innocentHeaders)
		env := map[string]string{"SECRET_ENV": p.env, "SECRET_PEM": p.pem, "SECRET_FWD": ref("SECRET_FWD")}
		maps.Copy(env, innocentEnv(echoURL, fakeStdio))
		return js(map[string]any{
			"bearer":    map[string]any{"type": "http", "url": echoURL + "/mcp?" + q + "&" + innocentQuery(echoURL), "headers": headers},
			"userinfo":  map[string]any{"type": "http", "url": basic.String()},
			"env_basic": map[string]any{"type": "http", "url": echoURL + "/mcp", "headers": map[string]string{"Authorization": ref("AUTH_VAR")}},
			"refused":   map[string]any{"type": "http", "url": echoURL + "/401", "headers": map[string]string{"Authorization": "Bearer " + ref("TOK")}},
			"path":      map[string]any{"type": "http", "url": echoURL + "/s/" + p.path + "/mcp"},
			"stdio":     map[string]any{"type": "stdio", "command": fakeStdio, "args": []string{"echo", "--api-key", p.arg}, "env": env},
		})
	}
	claude := write(".mcp.json", servers(func(v string) string { return "${" + v + "}" }), `{"mcpServers": %s}`)
	vscode := write(".vscode/mcp.json", servers(func(v string) string {
		if v == "TOK" {
			return "${input:tok}"
		}
		return "${env:" + v + "}"
	}), `{"inputs": [{"type": "promptString", "id": "tok", "password": true}], "servers": %s}`)
	return []string{claude, vscode}
}

// output is one command's stdout and stderr, and what stdout is.
type output struct {
	args       []string
	stdout     string
	stderr     string
	schema     string // the schema stdout follows, or "" for text
	markdown   bool
	statusWant []int
}

func runIn(env map[string]string, args ...string) (stdout, stderr string, status int) {
	var out, errOut bytes.Buffer
	status = run(args, &IOStreams{Out: &out, Err: &errOut,
		Getenv:    func(k string) string { return env[k] },
		LookupEnv: func(k string) (string, bool) { v, ok := env[k]; return v, ok },
	})
	return out.String(), errOut.String(), status
}

// shownControl returns the first control character a terminal would act
// on, if text has one: C0 but newline, DEL, C1, the bidi controls, the
// invisible marks and the line separators.
func shownControl(text string) (rune, bool) {
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		i += size
		switch {
		case r == '\n':
		case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f, r == 0x061c, r >= 0x200b && r <= 0x200f,
			r >= 0x202a && r <= 0x202e, r >= 0x2060 && r <= 0x2069, r == 0x2028, r == 0x2029, r == 0xfeff:
			return r, true
		case r == utf8.RuneError && size == 1:
			return r, true
		}
	}
	return 0, false
}

func TestPlantedSecretsNeverLeak(t *testing.T) {
	fakeStdio, _ := mcptest.FakeStdio(t, mcptest.FakeStdioEcho)
	echo := mcptest.FakeHTTP(t, mcptest.FakeEcho)
	rng := rand.New(rand.NewSource(20261201))
	names := []string{"bearer", "userinfo", "env_basic", "refused", "rpc_error", "redirect", "path", "stored", "stdio", "crash"}
	for i := range 5 {
		p := newPlant(rng)
		config, env := setup(t, p, echo.URL, fakeStdio)
		configs := append([]string{config}, otherClients(t, p, echo.URL, fakeStdio)...)
		for _, config := range configs {
			names := names
			if config != configs[0] {
				names = []string{"bearer", "userinfo", "env_basic", "refused", "path", "stdio"}
			}
			t.Run(fmt.Sprint(i, filepath.Base(config)), func(t *testing.T) {
				outs := checkPlant(t, p, config, env, names)
				checkInnocents(t, outs, names, echo.URL, fakeStdio, config == configs[0])
			})
		}
	}
}

// checkPlant runs every command on one config, checks its outputs and
// returns them.
func checkPlant(t *testing.T, p plant, config string, env map[string]string, names []string) []output {
	{
		{
			var outs []output
			add := func(schema string, args ...string) {
				stdout, stderr, status := runIn(env, append(args, "--config", config, "--timeout", "10s")...)
				outs = append(outs, output{args: args, stdout: stdout, stderr: stderr, schema: schema, markdown: args[0] == "report" && schema == ""})
				if status != 0 && status != 1 {
					t.Errorf("%v: exit status %d\n%s", args, status, stderr)
				}
			}
			add("list", "list", "--json")
			add("", "list")
			add("report", "report", "--json")
			add("", "report")
			for _, name := range names {
				add("server", "probe", name, "--json")
			}
			for _, name := range []string{"bearer", "refused", "stdio", "stored", "redirect"} {
				if slices.Contains(names, name) {
					add("", "probe", name, "--verbose")
				}
			}
			stdout, stderr, _ := runIn(env, "validate", "--json", "--config", config)
			outs = append(outs, output{args: []string{"validate", "--json"}, stdout: stdout, stderr: stderr, schema: "validate"})

			for _, o := range outs {
				if o.schema != "" {
					if err := schematest.Validate(o.schema, []byte(o.stdout)); err != nil {
						t.Errorf("%v: %v\n%s", o.args, err, o.stdout)
					}
				} else if r, bad := shownControl(o.stdout); bad {
					t.Errorf("%v shows the control character %U:\n%s", o.args, r, o.stdout)
				}
				if r, bad := shownControl(o.stderr); bad {
					t.Errorf("%v shows the control character %U on stderr:\n%s", o.args, r, o.stderr)
				}
				// An excerpt cut short must not show the start of a secret
				// either.
				for _, s := range p.primary() {
					if len(s) < 12 {
						continue
					}
					for stream, text := range map[string]string{"stdout": o.stdout, "stderr": o.stderr} {
						if i := strings.Index(text, s[:10]); i >= 0 {
							t.Errorf("%v: the start of the secret %q appears in %s:\n…%s…", o.args, s, stream, text[max(0, i-200):min(len(text), i+100)])
						}
					}
				}
				for _, s := range p.secrets() {
					for _, form := range forms(s) {
						if len(form) < 4 {
							continue
						}
						for stream, text := range map[string]string{"stdout": o.stdout, "stderr": o.stderr} {
							if i := strings.Index(text, form); i >= 0 {
								t.Errorf("%v: the secret %q appears in %s as %q:\n…%s…", o.args, s, stream, form, text[max(0, i-200):min(len(text), i+len(form)+100)])
							}
						}
					}
				}
			}
			// The outputs are not empty of what they report on: the echoing
			// servers were reached, and their text was shown escaped.
			list := outs[1].stdout
			for _, name := range names {
				if !strings.Contains(list, name) {
					t.Errorf("list lacks %s:\n%s", name, list)
				}
			}
			if !strings.Contains(outs[3].stdout, `\x1b`) {
				t.Errorf("the report shows no escaped ESC, so the hostile text never reached it:\n%s", outs[3].stdout)
			}
			return outs
		}
	}
}

// TestSecretsThatAreJSONWords: a secret that is also a word of the output
// ("true", "null", "none", "http", "streamable_http") blanks text, never a
// field name, an enumeration or a literal.
func TestSecretsThatAreJSONWords(t *testing.T) {
	echo := mcptest.FakeHTTP(t, mcptest.FakeEcho)
	dir := t.TempDir()
	config := filepath.Join(dir, "config.toml")
	os.WriteFile(config, []byte(fmt.Sprintf(`
[mcp_servers.words]
url = "%s/mcp?a=http&b=none&c=null&d=true&e=failed"
http_headers = { "X-Api-Key" = "streamable_http" }

[mcp_servers.stdio]
command = "/nonexistent/server"
env = { AUTH_ENABLED = "true", MODE = "stdio", LEVEL = "none", KIND = "false" }
`, echo.URL)), 0o600)
	env := map[string]string{"HOME": dir, "CODEX_HOME": dir, "PATH": os.Getenv("PATH"), tokens.EnvFile: filepath.Join(dir, "tokens.json")}
	stdout, stderr, status := runIn(env, "list", "--json", "--config", config)
	if status != 1 {
		t.Fatalf("exit status %d, want 1 (the stdio server cannot start)\n%s", status, stderr)
	}
	if err := schematest.Validate("list", []byte(stdout)); err != nil {
		t.Fatalf("%v\n%s", err, stdout)
	}
	var got []struct {
		Enabled   bool
		Healthy   *bool
		Transport struct{ Type string }
		Auth      string `json:"auth_status"`
	}
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatal(err)
	}
	if !got[0].Enabled || got[0].Transport.Type != "streamable_http" || got[0].Auth != "bearer" || got[0].Healthy == nil || !*got[0].Healthy {
		t.Errorf("words server: %+v", got[0])
	}
	if !got[1].Enabled || got[1].Transport.Type != "stdio" || got[1].Auth != "failed" || got[1].Healthy == nil || *got[1].Healthy {
		t.Errorf("stdio server: %+v", got[1])
	}
}

// checkInnocents checks, on the outputs of one config, that no innocent
// value blanked evidence: every JSON document is parsed, and each server
// object keeps its command's path, its URL's scheme and host, its
// protocol versions, its server's name, Codex's explanation and, for the
// bearer echo server, the tools named after the innocent values it was
// sent; the text outputs show the same. codex says the config is
// Codex's, so Codex's explanation is there to check.
func checkInnocents(t *testing.T, outs []output, names []string, echoURL, fakeStdio string, codex bool) {
	t.Helper()
	u, _ := url.Parse(echoURL)
	host := u.Host
	var echoTools []string
	for _, v := range innocentHeaders {
		echoTools = append(echoTools, v)
	}
	echoTools = append(echoTools, "2025-11-25", "stdio", "http", u.Port())
	seen := map[string]int{}
	for _, o := range outs {
		text := o.stdout + o.stderr
		if strings.Contains(text, redact.Mask+"://") {
			t.Errorf("%v: a URL's scheme was blanked:\n%s", o.args, text)
		}
		if strings.Count(text, filepath.Base(fakeStdio)) != strings.Count(text, fakeStdio) {
			t.Errorf("%v: the command's path %s is not shown whole:\n%s", o.args, fakeStdio, text)
		}
		if o.schema == "" || o.schema == "validate" {
			checkInnocentText(t, o, names, host, fakeStdio, codex, seen)
			continue
		}
		var doc any
		if err := json.Unmarshal([]byte(o.stdout), &doc); err != nil {
			t.Errorf("%v: %v", o.args, err)
			continue
		}
		var servers []any
		switch d := doc.(type) {
		case []any: // list
			servers = d
		case map[string]any:
			if s, ok := d["servers"].([]any); ok { // report
				servers = s
			} else { // probe
				servers = []any{d}
			}
		}
		for _, s := range servers {
			srv, _ := s.(map[string]any)
			checkInnocentServer(t, o.args, srv, host, fakeStdio, echoTools, codex, seen)
		}
	}
	// Not vacuous: the fields were there to be blanked.
	for _, what := range []string{"command", "url", "protocol_version", "server name", "echo tools", "codex stdio"} {
		if seen[what] == 0 && (what != "codex stdio" || codex) {
			t.Errorf("no output showed a %s to check", what)
		}
	}
}

var protocolVersion = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

func checkInnocentServer(t *testing.T, args []string, srv map[string]any, host, fakeStdio string, echoTools []string, codex bool, seen map[string]int) {
	t.Helper()
	name, _ := srv["name"].(string)
	tr, _ := srv["transport"].(map[string]any)
	if tr["type"] == "stdio" {
		seen["command"]++
		if tr["command"] != fakeStdio {
			t.Errorf("%v: %s's command = %q, want %q", args, name, tr["command"], fakeStdio)
		}
	} else {
		seen["url"]++
		u, _ := tr["url"].(string)
		if !strings.HasPrefix(u, "http://"+host+"/") && !strings.HasPrefix(u, "http://"+redact.Mask+"@"+host+"/") {
			t.Errorf("%v: %s's URL %q lost its scheme or host (%s)", args, name, u, host)
		}
	}
	if reason, ok := srv["codex_auth_reason"].(string); ok {
		if strings.Contains(reason, redact.Mask) {
			t.Errorf("%v: %s's codex_auth_reason was blanked: %q", args, name, reason)
		}
		if tr["type"] == "stdio" {
			seen["codex stdio"]++
			if reason != "Codex gives stdio servers no auth status" {
				t.Errorf("%v: %s's codex_auth_reason = %q", args, name, reason)
			}
		}
	}
	info, ok := srv["server"].(map[string]any)
	if !ok {
		return
	}
	seen["protocol_version"]++
	if pv, _ := info["protocol_version"].(string); !protocolVersion.MatchString(pv) {
		t.Errorf("%v: %s's protocol_version = %q", args, name, pv)
	}
	if vs, ok := info["supported_versions"].([]any); ok {
		for _, v := range vs {
			if s, _ := v.(string); !protocolVersion.MatchString(s) {
				t.Errorf("%v: %s's supported_versions = %v", args, name, vs)
			}
		}
	}
	seen["server name"]++
	if n, _ := info["name"].(string); !strings.HasPrefix(n, "echo ") {
		t.Errorf("%v: %s's server name lost its start: %q", args, name, n)
	} else if name == "bearer" && !strings.Contains(n, " | production | ") {
		t.Errorf("%v: %s's server name lost an innocent value it echoes: %q", args, name, n)
	}
	if name != "bearer" {
		return
	}
	tools := map[string]bool{}
	for _, tl := range srv["tools"].([]any) {
		tn, _ := tl.(map[string]any)["name"].(string)
		tools[tn] = true
	}
	for _, want := range echoTools {
		seen["echo tools"]++
		if !tools[want] {
			t.Errorf("%v: %s has no tool named %q, the innocent value it echoes: %v", args, name, want, tools)
		}
	}
}

// checkInnocentText checks the text outputs: the table, probe's text
// with its trace, the Markdown report.
func checkInnocentText(t *testing.T, o output, names []string, host, fakeStdio string, codex bool, seen map[string]int) {
	t.Helper()
	var wants []string
	switch {
	case o.args[0] == "list":
		wants = []string{fakeStdio + " echo --api-key " + redact.Mask, "http://" + host + "/mcp?", " 2025-11-25 "}
	case o.markdown:
		wants = []string{"`" + fakeStdio + " echo --api-key " + redact.Mask + "`", "`http://" + host + "/", "protocol 2025-11-25"}
		if codex {
			wants = append(wants, "Codex gives stdio servers no auth status", `command = "`+fakeStdio+`"`)
		} else {
			wants = append(wants, `"command": "`+fakeStdio+`"`)
		}
	case o.args[0] == "probe" && o.args[1] == "stdio":
		wants = []string{fakeStdio, "(protocol 2025-11-25, legacy)"}
		if codex {
			wants = append(wants, "unsupported — Codex gives stdio servers no auth status")
		}
	case o.args[0] == "probe" && o.args[1] == "bearer":
		wants = []string{"http://" + host + "/mcp?", "(protocol 2025-11-25, legacy)", "\n  production  ", "\n  2026-07-28  ", "\n  legacy  ",
			"Mcp-Protocol-Version: 2026-07-28", "X-Mode: production", "X-Workdir: /tmp", "X-Transport: http"}
	}
	for _, want := range wants {
		seen["text"]++
		if !strings.Contains(o.stdout+o.stderr, want) {
			t.Errorf("%v lacks %q:\n%s", o.args, want, o.stdout+o.stderr)
		}
	}
}
