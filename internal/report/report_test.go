package report

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mcpdoctor/mcpdoctor/internal/codex"
	"github.com/mcpdoctor/mcpdoctor/internal/config"
	"github.com/mcpdoctor/mcpdoctor/internal/evidence"
	"github.com/mcpdoctor/mcpdoctor/internal/probe"
	"github.com/mcpdoctor/mcpdoctor/internal/redact"
	"github.com/mcpdoctor/mcpdoctor/internal/schematest"
	"github.com/mcpdoctor/mcpdoctor/internal/wire"
)

var update = flag.Bool("update", false, "rewrite golden files")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file; got:\n%s", name, got)
	}
}

const (
	tokenValue  = "tok-9f8e7d6c5b4a3921"
	headerValue = "hdr-key-0a1b2c3d4e5f"
	envValue    = "env-secret-77665544"
)

// entries builds one healthy HTTP server, one stdio server that crashed, and
// a disabled one, with secrets planted where real ones turn up.
func entries() []Entry {
	f := config.ParseCodex("config.toml", []byte(`
[mcp_servers.todo]
url = "https://user:pw@example.com/server/Zx81Kq29Lm47Np03Rt65?key=url-secret-123"
bearer_token_env_var = "TODO_TOKEN"
http_headers = { "X-Api-Key" = "`+headerValue+`", "X-Tenant" = "acme" }

[mcp_servers.crash]
command = "node"
args = ["server.js"]
env = { API_KEY = "`+envValue+`" }
startup_timeout_ms = 45000
tool_timeout_sec = 60

[mcp_servers.off]
url = "http://127.0.0.1:9/mcp"
enabled = false
`))
	todo, crash, off := f.Servers[0], f.Servers[1], f.Servers[2]
	hdr := http.Header{}
	hdr.Set("Authorization", "Bearer "+tokenValue)
	hdr.Set("X-Api-Key", headerValue)
	resp := http.Header{}
	resp.Set("Content-Type", "application/json")
	resp.Set("Mcp-Session-Id", "sess-1")
	healthy := &probe.Result{
		Name: "todo", Transport: config.TransportStreamableHTTP, Healthy: true,
		Auth: probe.Verdict{
			Status:     probe.AuthBearer,
			Evidence:   []string{"POST " + todo.URL.Written + " initialize → 200 application/json (84 ms)", "initialize succeeded with the Authorization header from bearer_token_env_var $TODO_TOKEN"},
			Credential: &probe.Credential{Header: "Authorization", Source: "bearer_token_env_var $TODO_TOKEN", Sent: true},
		},
		Stages: []probe.Stage{
			{Name: probe.StageConnect, Status: probe.StatusOK},
			{Name: probe.StageInitialize, Status: probe.StatusOK, Duration: 84 * time.Millisecond, Exchanges: []evidence.Exchange{{
				Method: "POST", URL: todo.URL.Written, Status: 200, RPCMethod: "initialize",
				RequestHeader: hdr, ResponseHeader: resp,
				RequestBody:  `{"jsonrpc":"2.0","id":1,"method":"initialize"}`,
				ResponseBody: `{"jsonrpc":"2.0","id":1,"result":{"echo":"` + tokenValue + `"}}`,
				Duration:     84 * time.Millisecond,
			}}},
			{Name: probe.StageInitialized, Status: probe.StatusOK, Duration: 3 * time.Millisecond},
			{Name: probe.StageToolsList, Status: probe.StatusOK, Duration: 12 * time.Millisecond},
		},
		Server:   &probe.ServerInfo{Name: "todo-server", Version: "1.2.0", ProtocolVersion: "2025-06-18", Era: wire.EraLegacy},
		Tools:    []probe.Tool{{Name: "create_todo", Description: "Create a todo.\nMore text."}, {Name: "list_todos"}},
		Secrets:  []string{tokenValue, headerValue},
		Duration: 101 * time.Millisecond,
	}
	crashed := &probe.Result{
		Name: "crash", Transport: config.TransportStdio,
		Auth: probe.Verdict{Status: probe.AuthFailed, Evidence: []string{"initialize failed (process_exit): the server exited with status 1 before answering initialize"}},
		Stages: []probe.Stage{
			{Name: probe.StageConnect, Status: probe.StatusOK, Duration: 5 * time.Millisecond},
			{Name: probe.StageInitialize, Status: probe.StatusFailed, Duration: 40 * time.Millisecond},
			{Name: probe.StageInitialized, Status: probe.StatusSkipped, Note: "an earlier stage failed"},
			{Name: probe.StageToolsList, Status: probe.StatusSkipped, Note: "an earlier stage failed"},
		},
		Failure:    &evidence.Failure{Stage: probe.StageInitialize, Category: evidence.CategoryProcessExit, Message: "the server exited with status 1 before answering initialize", Hint: "run the command yourself to see why"},
		StderrTail: []string{"Error: invalid key " + envValue},
		Duration:   45 * time.Millisecond,
	}
	return []Entry{
		{Server: todo, Problems: todo.Problems, Result: healthy, Codex: &codex.Verdict{Status: codex.BearerToken, Reason: "bearer_token_env_var is set in the config"}},
		{Server: crash, Problems: crash.Problems, Result: crashed, Codex: &codex.Verdict{Status: codex.Unsupported}},
		{Server: off, Problems: off.Problems},
	}
}

func redactor(es []Entry) *redact.Redactor {
	red := redact.New()
	for _, e := range es {
		red.Add(e.Server.Secrets(config.Lookup{})...)
		if e.Result != nil {
			red.Add(e.Result.Secrets...)
		}
	}
	return red
}

var planted = []string{tokenValue, headerValue, envValue, "url-secret-123", "user:pw", "Zx81Kq29Lm47Np03Rt65"}

func assertNoSecrets(t *testing.T, out string) {
	t.Helper()
	for _, s := range planted {
		if strings.Contains(out, s) {
			t.Errorf("output leaks %q:\n%s", s, out)
		}
	}
}

func TestListTableGolden(t *testing.T) {
	es := entries()
	var buf bytes.Buffer
	ListTable(&buf, es, redactor(es), Style{})
	assertNoSecrets(t, buf.String())
	golden(t, "list.txt", buf.Bytes())
}

func TestListJSONContract(t *testing.T) {
	es := entries()
	var buf bytes.Buffer
	if err := ListJSON(&buf, es, redactor(es)); err != nil {
		t.Fatal(err)
	}
	assertNoSecrets(t, buf.String())
	golden(t, "list.json", buf.Bytes())
	if err := schematest.Validate("list", buf.Bytes()); err != nil {
		t.Fatal(err)
	}

	// The contract's fixed fields, by name and type.
	var got []map[string]any
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Fatalf("%d objects, want 3 (disabled ones included)", len(got))
	}
	todo := got[0]
	for _, field := range []string{"name", "enabled", "transport", "auth_status", "evidence", "stages", "server", "tools"} {
		if _, ok := todo[field]; !ok {
			t.Errorf("contract field %q missing", field)
		}
	}
	if tr := todo["transport"].(map[string]any); tr["type"] != "streamable_http" {
		t.Errorf("transport = %v", tr)
	}
	if st := todo["stages"].([]any)[1].(map[string]any); st["name"] != "initialize" || st["status"] != "ok" || st["duration_ms"] != float64(84) {
		t.Errorf("stage = %v", st)
	}
	if _, ok := todo["stages"].([]any)[1].(map[string]any)["exchanges"]; ok {
		t.Error("list carries no exchanges; probe does")
	}
	if srv := todo["server"].(map[string]any); srv["protocol_version"] != "2025-06-18" {
		t.Errorf("server = %v", srv)
	}
	if _, ok := got[2]["auth_status"]; ok {
		t.Error("a disabled server is never probed, so it has no auth_status")
	}
}

func TestProbeJSONCarriesRedactedExchanges(t *testing.T) {
	es := entries()
	var buf bytes.Buffer
	if err := WriteJSON(&buf, View(es[0], redactor(es), Full)); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	assertNoSecrets(t, out)
	if err := schematest.Validate("server", buf.Bytes()); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"Authorization": "Bearer <redacted>"`, `"Mcp-Session-Id": "sess-1"`, `"rpc_method": "initialize"`} {
		if !strings.Contains(out, want) {
			t.Errorf("probe JSON lacks %s:\n%s", want, out)
		}
	}
}

func TestProbeTextGolden(t *testing.T) {
	es := entries()
	for _, e := range es[:2] {
		var buf bytes.Buffer
		ProbeText(&buf, e, redactor(es), Style{})
		assertNoSecrets(t, buf.String())
		golden(t, "probe-"+e.Server.Name+".txt", buf.Bytes())
	}
}

func TestColourOnlyWhenAsked(t *testing.T) {
	es := entries()
	var plain, coloured bytes.Buffer
	ListTable(&plain, es, redactor(es), Style{})
	ListTable(&coloured, es, redactor(es), Style{Color: true})
	if strings.Contains(plain.String(), "\x1b[") {
		t.Error("plain output has escape codes")
	}
	if !strings.Contains(coloured.String(), "\x1b[") {
		t.Error("coloured output has no escape codes")
	}
	// Columns stay aligned with colour: the same text once codes are gone.
	stripped := ansi.ReplaceAllString(coloured.String(), "")
	if stripped != plain.String() {
		t.Errorf("colour changed the layout:\n%s\nvs\n%s", stripped, plain.String())
	}
}

func TestValidateGitHubEscapes(t *testing.T) {
	v := NewValidation("dir,a:b.toml", 1, []config.Problem{{
		Severity: config.SeverityError, Code: "x", File: "dir,a:b.toml", Line: 3, Column: 2,
		Server: "s", Key: "url", Message: "100% wrong\nsecond line",
	}}, nil)
	var buf bytes.Buffer
	ValidateGitHub(&buf, v)
	want := "::error file=dir%2Ca%3Ab.toml,line=3,col=2,title=mcpdoctor%3A mcp_servers.s.url::100%25 wrong%0Asecond line\n"
	if buf.String() != want {
		t.Errorf("got  %q\nwant %q", buf.String(), want)
	}
}

var ansi = regexp.MustCompile("\x1b\\[[0-9;]*m")

func TestMarkdownGolden(t *testing.T) {
	es := entries()
	about := About{Version: "v1.2.3", GoVersion: "go1.26", OS: "linux", Arch: "amd64", ConfigPath: "/home/u/.codex/config.toml"}
	br := NewBugReport(about, es, redactor(es))
	var md bytes.Buffer
	Markdown(&md, br)
	assertNoSecrets(t, md.String())
	golden(t, "report.md", md.Bytes())

	var js bytes.Buffer
	if err := WriteJSON(&js, br); err != nil {
		t.Fatal(err)
	}
	assertNoSecrets(t, js.String())
	if err := schematest.Validate("report", js.Bytes()); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"config_entry": "[mcp_servers.todo]`, `"what_to_try": [`, `"os": "linux"`} {
		if !strings.Contains(js.String(), want) {
			t.Errorf("report JSON lacks %s", want)
		}
	}
}

func TestFenceCannotBeClosedByContent(t *testing.T) {
	var buf bytes.Buffer
	(&mdWriter{w: &buf}).fence("", "a\n```\nb")
	if got := buf.String(); !strings.HasPrefix(got, "````\n") || !strings.HasSuffix(got, "\n````\n") {
		t.Errorf("fence:\n%s", got)
	}
}

// bearerEntries are servers that authenticate with static credentials,
// as Codex labels them bearer_token, and one whose token was refused with
// error="invalid_token".
func bearerEntries() []Entry {
	f := config.ParseCodex("config.toml", []byte(`
[mcp_servers.github]
url = "https://api.githubcopilot.com/mcp/"
bearer_token_env_var = "GITHUB_PAT"

[mcp_servers.linear]
url = "https://mcp.linear.app/mcp"
env_http_headers = { "Authorization" = "LINEAR_AUTH" }

[mcp_servers.search]
url = "https://search.example.com/mcp"
http_headers = { "X-Api-Key" = "`+headerValue+`" }

[mcp_servers.expired]
url = "https://mcp.example.com/mcp"
bearer_token_env_var = "EXPIRED_TOKEN"
`))
	ok := func(s config.Server, cred *probe.Credential, tools int) *probe.Result {
		r := &probe.Result{Name: s.Name, Transport: config.TransportStreamableHTTP, Healthy: true,
			Auth: probe.Verdict{Status: probe.AuthBearer, Credential: cred,
				Evidence: []string{fmt.Sprintf("the server accepted the %s header from %s", cred.Header, cred.Source)}},
			Server: &probe.ServerInfo{Name: s.Name + "-server", Version: "1.0.0", ProtocolVersion: "2025-11-25", Era: wire.EraLegacy}}
		for i := range tools {
			r.Tools = append(r.Tools, probe.Tool{Name: fmt.Sprintf("tool_%d", i)})
		}
		return r
	}
	github, linear, search, expired := f.Servers[0], f.Servers[1], f.Servers[2], f.Servers[3]
	challenge := `Bearer realm="mcp", error="invalid_token", error_description="The access token expired"`
	hdr := http.Header{}
	hdr.Set("Www-Authenticate", challenge)
	refused := &probe.Result{Name: "expired", Transport: config.TransportStreamableHTTP,
		Auth: probe.Verdict{Status: probe.AuthFailed,
			Credential: &probe.Credential{Header: "Authorization", Source: "bearer_token_env_var $EXPIRED_TOKEN", Sent: true},
			Evidence: []string{
				"POST https://mcp.example.com/mcp initialize → 401 application/json (31 ms)",
				"WWW-Authenticate: " + challenge,
				"its Bearer challenge: error=invalid_token, error_description=The access token expired, realm=mcp",
				"the server refused the Authorization header from bearer_token_env_var $EXPIRED_TOKEN with 401: the credential was rejected",
			},
			Hint: "the server says the token is invalid (expired, revoked or for another server): put a current token in $EXPIRED_TOKEN (bearer_token_env_var)"},
		Stages: []probe.Stage{
			{Name: probe.StageConnect, Status: probe.StatusOK},
			{Name: probe.StageInitialize, Status: probe.StatusFailed, Duration: 31 * time.Millisecond, Exchanges: []evidence.Exchange{{
				Method: "POST", URL: expired.URL.Written, Status: 401, RPCMethod: "initialize", ResponseHeader: hdr, Duration: 31 * time.Millisecond}}},
			{Name: probe.StageInitialized, Status: probe.StatusSkipped, Note: "an earlier stage failed"},
			{Name: probe.StageToolsList, Status: probe.StatusSkipped, Note: "an earlier stage failed"},
		},
		Failure: &evidence.Failure{Stage: probe.StageInitialize, Category: evidence.CategoryAuth, Message: "POST https://mcp.example.com/mcp answered 401 Unauthorized",
			Hint: "the server says the token is invalid (expired, revoked or for another server): put a current token in $EXPIRED_TOKEN (bearer_token_env_var)"},
		Duration: 33 * time.Millisecond,
	}
	return []Entry{
		{Server: github, Result: ok(github, &probe.Credential{Header: "Authorization", Source: "bearer_token_env_var $GITHUB_PAT", Sent: true}, 51),
			Codex: &codex.Verdict{Status: codex.BearerToken, Reason: "bearer_token_env_var is configured"}},
		{Server: linear, Result: ok(linear, &probe.Credential{Header: "Authorization", Source: "env_http_headers $LINEAR_AUTH", Sent: true}, 23),
			Codex: &codex.Verdict{Status: codex.BearerToken, Reason: "env_http_headers sets Authorization from $LINEAR_AUTH"}},
		{Server: search, Result: ok(search, &probe.Credential{Header: "X-Api-Key", Source: "http_headers", Sent: true}, 2),
			Codex: &codex.Verdict{Status: codex.Unsupported, Reason: "Codex finds no OAuth metadata and no stored token"}},
		{Server: expired, Result: refused, Codex: &codex.Verdict{Status: codex.BearerToken, Reason: "bearer_token_env_var is configured"}},
	}
}

// TestBearerTableGolden: Codex's bearer_token label is shown as it is, the
// columns stay aligned, and a refused token's error="invalid_token" is
// evidence that stays readable.
func TestBearerTableGolden(t *testing.T) {
	es := bearerEntries()
	red := redactor(es)
	var table bytes.Buffer
	ListTable(&table, es, red, Style{})
	assertNoSecrets(t, table.String())
	golden(t, "list-bearer.txt", table.Bytes())
	lines := strings.Split(table.String(), "\n")
	col := strings.Index(lines[0], "CODEX SAYS")
	for _, l := range lines[1:5] {
		if len(l) < col || !strings.HasPrefix(l[col:], "bearer_token") && !strings.HasPrefix(l[col:], "unsupported") {
			t.Errorf("CODEX SAYS is not aligned under its header in %q", l)
		}
	}

	var probeOut bytes.Buffer
	ProbeText(&probeOut, es[3], red, Style{})
	golden(t, "probe-invalid-token.txt", probeOut.Bytes())
	for _, want := range []string{`error="invalid_token"`, "error=invalid_token", "WWW-Authenticate: Bearer realm=\"mcp\""} {
		if !strings.Contains(probeOut.String(), want) {
			t.Errorf("the evidence lost %q:\n%s", want, probeOut.String())
		}
	}
}

func TestValidationJSONContract(t *testing.T) {
	f := config.ParseCodex("config.toml", []byte("[mcp_servers.a]\nurl = \"ftp://x\"\ntype = \"http\"\n"))
	var buf bytes.Buffer
	if err := WriteJSON(&buf, NewValidation(f.Path, len(f.Servers), f.Problems, redact.New())); err != nil {
		t.Fatal(err)
	}
	if err := schematest.Validate("validate", buf.Bytes()); err != nil {
		t.Fatalf("%v\n%s", err, buf.String())
	}
	buf.Reset()
	if err := WriteJSON(&buf, NewValidation("empty.toml", 0, nil, redact.New())); err != nil {
		t.Fatal(err)
	}
	if err := schematest.Validate("validate", buf.Bytes()); err != nil {
		t.Fatalf("no problems must still be an array: %v\n%s", err, buf.String())
	}
}

func TestErrorJSONContract(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteJSON(&buf, NewError("cannot fetch https://h/x?token=abc: denied", ErrorConfig, 2, redact.New())); err != nil {
		t.Fatal(err)
	}
	if err := schematest.Validate("error", buf.Bytes()); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), "abc") {
		t.Errorf("the error message is not redacted: %s", buf.String())
	}
}

// ListStream writes, entry by entry and in any order of readiness, the
// bytes ListJSON writes at once.
func TestListStreamIsListJSON(t *testing.T) {
	f := config.ParseCodex("config.toml", []byte("[mcp_servers.a]\ncommand = \"x\"\n\n[mcp_servers.b]\nurl = \"https://h/mcp?key=k-secret-1\"\n\n[mcp_servers.c]\ncommand = \"y\"\nenabled = false\n"))
	var entries []Entry
	for _, s := range f.Servers {
		entries = append(entries, Entry{Server: s, Problems: s.Problems})
	}
	for _, n := range []int{0, 1, 3} {
		red := redactor(entries[:n])
		var want, got bytes.Buffer
		if err := ListJSON(&want, entries[:n], red); err != nil {
			t.Fatal(err)
		}
		s := NewListStream(&got, red, n)
		// Ready out of order: the last first, then the others.
		order := []int{}
		if n > 0 {
			order = append([]int{n - 1}, seq(0, n-1)...)
		}
		for k, i := range order {
			s.Put(i, entries[i])
			if n == 3 && k == 1 && (!strings.HasPrefix(got.String(), "[\n  {") || strings.Count(got.String(), `"name"`) != 1) {
				t.Errorf("after the first entry came, only it is out: %q", got.String())
			}
		}
		s.Close()
		if got.String() != want.String() {
			t.Errorf("%d entries: stream\n%s\nwant\n%s", n, got.String(), want.String())
		}
	}
	// Cut short, it is still one document.
	var got bytes.Buffer
	s := NewListStream(&got, redactor(entries), 3)
	s.Put(0, entries[0])
	s.Put(2, entries[2])
	s.Close()
	if err := schematest.Validate("list", got.Bytes()); err != nil {
		t.Errorf("a stream cut short: %v\n%s", err, got.String())
	}
}

func seq(from, to int) []int {
	var out []int
	for i := from; i < to; i++ {
		out = append(out, i)
	}
	return out
}
