package report

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mcpdoctor/mcpdoctor/internal/codex"
	"github.com/mcpdoctor/mcpdoctor/internal/config"
	"github.com/mcpdoctor/mcpdoctor/internal/evidence"
	"github.com/mcpdoctor/mcpdoctor/internal/probe"
	"github.com/mcpdoctor/mcpdoctor/internal/schematest"
	"github.com/mcpdoctor/mcpdoctor/internal/wire"
)

// innocentKey is the one real secret of innocentEntries.
const innocentKey = "sk-live-4f3c2b1a9e8d7c6b5a49"

// innocentEntries is issue 20's run: a stdio server whose env holds
// innocent values (a version, a transport word, a path, a log level, a
// scheme word, a boolean) and one API key, and an HTTP server whose query
// holds the same kind of innocent values, which are secrets there because
// of where they stand.
func innocentEntries(t *testing.T) []Entry {
	f := config.ParseCodex("/tmp/cfg/config.toml", []byte(`
[mcp_servers.tiny]
command = "/tmp/tiny-stdio/tiny"
args = ["--mode", "stdio", "--api-key", "`+innocentKey+`"]
cwd = "/tmp"
env = { TINY_VERSIONS = "2026-07-28", MODE = "stdio", WORKDIR = "/tmp", LOG_LEVEL = "info", AUTH_MODE = "http", AUTH_ENABLED = "true", API_KEY = "`+innocentKey+`" }

[mcp_servers.web]
url = "http://127.0.0.1:9/mcp?mode=stdio&v=2025-06-18&key=k-0123456789abcdef"
http_headers = { "X-Mode" = "production", "X-Api-Version" = "2026-07-28" }
`))
	if len(f.Servers) != 2 {
		t.Fatalf("servers: %+v", f.Problems)
	}
	tiny, web := f.Servers[0], f.Servers[1]
	tinyResult := &probe.Result{
		Name: "tiny", Transport: config.TransportStdio, Healthy: true,
		Auth: probe.Verdict{Status: probe.AuthNone, Evidence: []string{"→ initialize", "tools/list answered with 2 tools", "the server answered with no credential sent"}},
		Stages: []probe.Stage{
			{Name: probe.StageConnect, Status: probe.StatusOK},
			{Name: probe.StageDiscover, Status: probe.StatusOK, Note: "a modern server: speaking 2026-07-28"},
			{Name: probe.StageToolsList, Status: probe.StatusOK},
		},
		Server: &probe.ServerInfo{Name: "tiny-stdio", Version: "1.0.0", ProtocolVersion: "2026-07-28", Era: wire.EraModern,
			SupportedVersions: []string{"2026-07-28", "2025-11-25"}, Eras: []wire.Era{wire.EraModern}},
		Tools:      []probe.Tool{{Name: "stdio_info", Description: "Says which key it uses: " + innocentKey}, {Name: "http_get", Description: "Fetches over http."}},
		StderrTail: []string{"info: started with key " + innocentKey},
	}
	hdr := http.Header{}
	hdr.Set("MCP-Protocol-Version", "2025-06-18")
	hdr.Set("Content-Type", "application/json")
	webResult := &probe.Result{
		Name: "web", Transport: config.TransportStreamableHTTP, Healthy: true,
		Auth: probe.Verdict{Status: probe.AuthNone, Evidence: []string{
			"POST " + web.URL.Written + " initialize → 200 application/json (3 ms)", "the server answered with no credential sent"}},
		Stages: []probe.Stage{{Name: probe.StageInitialize, Status: probe.StatusOK, Exchanges: []evidence.Exchange{{
			Method: "POST", URL: web.URL.Written, Status: 200, RPCMethod: "initialize", RequestHeader: hdr, Duration: 3 * time.Millisecond,
		}}}},
		Server: &probe.ServerInfo{Name: "web-http", Version: "2025-06-18", ProtocolVersion: "2025-06-18", Era: wire.EraLegacy},
		Tools:  []probe.Tool{{Name: "production_stats"}},
	}
	return []Entry{
		{Server: tiny, Result: tinyResult, Codex: &codex.Verdict{Status: codex.Unsupported, Reason: "Codex gives stdio servers no auth status"}},
		{Server: web, Result: webResult, Codex: &codex.Verdict{Status: codex.Unsupported, Reason: "Codex finds no OAuth metadata and no stored token at http://127.0.0.1:9/mcp"}},
	}
}

// TestEvidenceIsNeverBlanked is issue 20 at the renderers: innocent values
// in env are never learned, and innocent values that are secrets where
// they stand (a query) never blank a structured field, a URL's scheme and
// host, a path or Codex's explanation; the API key never shows.
func TestEvidenceIsNeverBlanked(t *testing.T) {
	es := innocentEntries(t)
	red := redactor(es)
	var outs = map[string]string{}
	var buf bytes.Buffer
	if err := ListJSON(&buf, es, red); err != nil {
		t.Fatal(err)
	}
	if err := schematest.Validate("list", buf.Bytes()); err != nil {
		t.Fatal(err)
	}
	outs["list --json"] = buf.String()
	var views []struct {
		Transport struct {
			URL, Command, Cwd string
			Args              []string
			Headers           map[string]string
		}
		CodexAuthReason string `json:"codex_auth_reason"`
		Server          struct {
			Name, Version     string
			ProtocolVersion   string   `json:"protocol_version"`
			SupportedVersions []string `json:"supported_versions"`
		}
		Tools      []struct{ Name, Description string }
		Evidence   []string
		StderrTail []string `json:"stderr_tail"`
		Stages     []struct{ Note string }
	}
	if err := json.Unmarshal(buf.Bytes(), &views); err != nil {
		t.Fatal(err)
	}
	tiny, web := views[0], views[1]
	check := func(what, got, want string) {
		t.Helper()
		if got != want {
			t.Errorf("%s = %q, want %q", what, got, want)
		}
	}
	check("tiny command", tiny.Transport.Command, "/tmp/tiny-stdio/tiny")
	check("tiny cwd", tiny.Transport.Cwd, "/tmp")
	check("tiny args", strings.Join(tiny.Transport.Args, " "), "--mode stdio --api-key <redacted>")
	check("tiny server name", tiny.Server.Name, "tiny-stdio")
	check("tiny protocol", tiny.Server.ProtocolVersion, "2026-07-28")
	check("tiny supported", strings.Join(tiny.Server.SupportedVersions, ","), "2026-07-28,2025-11-25")
	check("tiny codex", tiny.CodexAuthReason, "Codex gives stdio servers no auth status")
	check("tiny tools", tiny.Tools[0].Name+","+tiny.Tools[1].Name, "stdio_info,http_get")
	check("tiny description", tiny.Tools[0].Description, "Says which key it uses: <redacted>")
	check("tiny stderr", tiny.StderrTail[0], "info: started with key <redacted>")
	check("tiny note", tiny.Stages[1].Note, "a modern server: speaking 2026-07-28")
	check("web url", web.Transport.URL, "http://127.0.0.1:9/mcp?mode=<redacted>&v=<redacted>&key=<redacted>")
	check("web header", web.Transport.Headers["X-Mode"], "production")
	check("web header version", web.Transport.Headers["X-Api-Version"], "2026-07-28")
	check("web server", web.Server.Name+" "+web.Server.Version, "web-http 2025-06-18")
	check("web protocol", web.Server.ProtocolVersion, "2025-06-18")
	check("web tool", web.Tools[0].Name, "production_stats")
	check("web codex", web.CodexAuthReason, "Codex finds no OAuth metadata and no stored token at http://127.0.0.1:9/mcp")
	if !strings.HasPrefix(web.Evidence[0], "POST http://127.0.0.1:9/mcp?mode=<redacted>&v=<redacted>&key=<redacted> initialize → 200") {
		t.Errorf("web evidence = %q", web.Evidence[0])
	}

	buf.Reset()
	ListTable(&buf, es, red, Style{})
	outs["list"] = buf.String()
	for _, want := range []string{"2026-07-28", "/tmp/tiny-stdio/tiny --mode stdio --api-key <redacted>", "2025-06-18",
		"http://127.0.0.1:9/mcp?mode=<redacted>"} {
		if !strings.Contains(outs["list"], want) {
			t.Errorf("the table lacks %q:\n%s", want, outs["list"])
		}
	}
	for _, e := range es {
		buf.Reset()
		ProbeText(&buf, e, red, Style{})
		outs["probe "+e.Server.Name] = buf.String()
	}
	for _, want := range []string{"tiny-stdio 1.0.0 (protocol 2026-07-28, modern; it supports 2026-07-28, 2025-11-25)",
		"unsupported — Codex gives stdio servers no auth status", "stdio_info", "http_get"} {
		if !strings.Contains(outs["probe tiny"], want) {
			t.Errorf("probe tiny lacks %q:\n%s", want, outs["probe tiny"])
		}
	}
	buf.Reset()
	Trace(&buf, es[1].Result.Stages[0].Exchanges[0], red)
	outs["probe web"] += buf.String()
	for _, want := range []string{"web-http 2025-06-18 (protocol 2025-06-18, legacy)", "Mcp-Protocol-Version: 2025-06-18",
		"trace: POST http://127.0.0.1:9/mcp?mode=<redacted>&v=<redacted>&key=<redacted> initialize → 200"} {
		if !strings.Contains(outs["probe web"], want) {
			t.Errorf("probe web lacks %q:\n%s", want, outs["probe web"])
		}
	}
	br := NewBugReport(About{ConfigPath: "/tmp/cfg/config.toml"}, es, red)
	buf.Reset()
	Markdown(&buf, br)
	outs["report"] = buf.String()
	for _, want := range []string{"`/tmp/cfg/config.toml`", `command = "/tmp/tiny-stdio/tiny"`, `cwd = "/tmp"`,
		"tiny-stdio 1.0.0, protocol 2026-07-28, modern", "Codex gives stdio servers no auth status", "`stdio_info`"} {
		if !strings.Contains(outs["report"], want) {
			t.Errorf("the report lacks %q:\n%s", want, outs["report"])
		}
	}
	for how, out := range outs {
		for _, form := range []string{innocentKey, "k-0123456789abcdef", "4f3c2b1a9e8d"} {
			if strings.Contains(out, form) {
				t.Errorf("%s shows the secret %q:\n%s", how, form, out)
			}
		}
	}
}

// TestCredentialInAFieldIsMasked: the other way round, a field that
// holds a credential the run knows (a server that echoes it into its
// name, its version or a tool's name) is masked where it holds it.
func TestCredentialInAFieldIsMasked(t *testing.T) {
	es := innocentEntries(t)
	es[1].Result.Server.Name = "echo " + innocentKey
	es[1].Result.Server.ProtocolVersion = innocentKey
	es[1].Result.Tools = append(es[1].Result.Tools, probe.Tool{Name: innocentKey})
	es[1].Codex.Reason = "Codex finds OAuth metadata at http://127.0.0.1:9/as?key=" + innocentKey
	v := View(es[1], redactor(es), Full)
	if v.Server.Name != "echo <redacted>" || v.Server.ProtocolVersion != "<redacted>" {
		t.Errorf("server = %+v", v.Server)
	}
	if !slices.ContainsFunc(v.Tools, func(tl Tool) bool { return tl.Name == "<redacted>" }) {
		t.Errorf("tools = %+v", v.Tools)
	}
	if v.CodexAuthReason != "Codex finds OAuth metadata at http://127.0.0.1:9/as?key=<redacted>" {
		t.Errorf("codex reason = %q", v.CodexAuthReason)
	}
}
