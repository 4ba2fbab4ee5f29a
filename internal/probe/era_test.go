package probe

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mcpdoctor/mcpdoctor/internal/config"
	"github.com/mcpdoctor/mcpdoctor/internal/evidence"
	"github.com/mcpdoctor/mcpdoctor/internal/mcptest"
	"github.com/mcpdoctor/mcpdoctor/internal/mcptest/sdkserver"
	"github.com/mcpdoctor/mcpdoctor/internal/wire"
)

// TestGoSDKEras: the official Go SDK limited to one era, or speaking
// both, over Streamable HTTP and stdio. Each is healthy with its tools, at
// the era and version it really speaks, and probe's check of the other era
// says which clients can use it.
func TestGoSDKEras(t *testing.T) {
	modern, legacy, both := []wire.Era{wire.EraModern}, []wire.Era{wire.EraLegacy}, []wire.Era{wire.EraModern, wire.EraLegacy}
	stdio := mcptest.GoSDKStdioCommand(t)
	for _, tt := range []struct {
		name    string
		server  func(t *testing.T) config.Server
		era     wire.Era
		version string
		eras    []wire.Era
		finding string
	}{
		// The SDK serves modern requests on its stateless handler only.
		{"http modern only", func(t *testing.T) config.Server {
			srv := mcptest.GoSDKHTTP(t, mcptest.GoSDKOptions{Stateless: true, Versions: sdkserver.ModernVersions})
			return httpServerConfig("modern", srv.URL+mcptest.GoSDKPath, 10*time.Second)
		}, wire.EraModern, wire.LatestModern, modern, "modern_only"},
		// Legacy only: its server/discover answers -32022 naming only
		// legacy versions, so the newest one in common, 2025-11-25, is spoken.
		{"http legacy only", func(t *testing.T) config.Server {
			srv := mcptest.GoSDKHTTP(t, mcptest.GoSDKOptions{Versions: sdkserver.LegacyVersions})
			return httpServerConfig("legacy", srv.URL+mcptest.GoSDKPath, 10*time.Second)
		}, wire.EraLegacy, wire.LatestLegacy, legacy, "legacy_only"},
		{"http both", func(t *testing.T) config.Server {
			srv := mcptest.GoSDKHTTP(t, mcptest.GoSDKOptions{Stateless: true})
			return httpServerConfig("both", srv.URL+mcptest.GoSDKPath, 10*time.Second)
		}, wire.EraModern, wire.LatestModern, both, ""},
		// Over stdio, the SDK limited to 2026-07-28 still answers a legacy
		// initialize and serves the session it opens: the server accepts
		// both eras, whatever its option says, and the probe says so.
		{"stdio modern only", func(*testing.T) config.Server {
			return stdioConfig("modern", stdio, []string{"-era", "modern"})
		}, wire.EraModern, wire.LatestModern, both, ""},
		{"stdio legacy only", func(*testing.T) config.Server {
			return stdioConfig("legacy", stdio, []string{"-era", "legacy"})
		}, wire.EraLegacy, wire.LatestLegacy, legacy, "legacy_only"},
		{"stdio both", func(*testing.T) config.Server {
			return stdioConfig("both", stdio, nil)
		}, wire.EraModern, wire.LatestModern, both, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			call := &ToolCall{Name: "echo", Arguments: []byte(`{"text":"eras"}`)}
			res := Run(context.Background(), tt.server(t), Options{Call: call, CheckOtherEra: true})
			if !res.Healthy {
				t.Fatalf("not healthy:%s", dumpStages(res))
			}
			if res.Server.Era != tt.era || res.Server.ProtocolVersion != tt.version || res.Server.Name != mcptest.GoSDKName {
				t.Errorf("server %+v, want %s at %s:%s", res.Server, tt.era, tt.version, dumpStages(res))
			}
			if !slices.Equal(res.Server.Eras, tt.eras) {
				t.Errorf("eras %v, want %v:%s", res.Server.Eras, tt.eras, dumpStages(res))
			}
			if len(res.Tools) != len(sdkserver.ToolNames) {
				t.Errorf("%d tools, want %d", len(res.Tools), len(sdkserver.ToolNames))
			}
			if res.ToolCall == nil || !strings.Contains(string(res.ToolCall.Content), "eras") {
				t.Errorf("tools/call: %+v", res.ToolCall)
			}
			handshake := []StageName{StageConnect, StageDiscover, StageInitialize, StageInitialized, StageToolsList, StageToolsCall}
			if tt.era == wire.EraModern {
				handshake = []StageName{StageConnect, StageDiscover, StageToolsList, StageToolsCall}
			}
			var stages []StageName
			for _, s := range res.Stages {
				if s.Name != StageOtherEra && s.Name != StageOAuthDiscovery {
					stages = append(stages, s.Name)
				}
			}
			if !slices.Equal(stages, handshake) {
				t.Errorf("stages %v, want %v", stages, handshake)
			}
			for _, code := range []string{"modern_only", "legacy_only"} {
				if got := findingOf(res, code) != nil; got != (code == tt.finding) {
					t.Errorf("finding %s: %v:%s", code, got, dumpStages(res))
				}
			}
		})
	}
}

func stdioConfig(name, command string, args []string) config.Server {
	return config.Server{Name: name, Transport: config.TransportStdio, Command: config.Literal(command), Args: config.Literals(args...), Enabled: true,
		StartupTimeout: 10 * time.Second, ToolTimeout: 10 * time.Second}
}

// TestModernOnlyFindingQuotesTheServer: a server that refuses legacy
// clients is a finding naming the clients that speak only legacy MCP, with
// the server's own answer; list (no check of the other era) knows it from
// the versions server/discover names.
func TestModernOnlyFindingQuotesTheServer(t *testing.T) {
	srv := mcptest.GoSDKHTTP(t, mcptest.GoSDKOptions{Stateless: true, Versions: sdkserver.ModernVersions})
	s := httpServerConfig("modern", srv.URL+mcptest.GoSDKPath, 10*time.Second)
	res := Run(context.Background(), s, Options{CheckOtherEra: true})
	wantFinding(t, res, "modern_only", evidence.SeverityWarning, "Codex", "Gemini CLI", "Cline", "TypeScript SDK 1.x", "Unsupported protocol version")
	res = Run(context.Background(), s, Options{})
	wantFinding(t, res, "modern_only", evidence.SeverityWarning, "its server/discover lists only 2026-07-28")
	if stageNames(res)[len(stageNames(res))-1] == StageOtherEra {
		t.Error("without CheckOtherEra, the other era is not tried")
	}
}

func stageNames(res *Result) []StageName {
	var out []StageName
	for _, s := range res.Stages {
		out = append(out, s.Name)
	}
	return out
}

// TestModernFakes: what real servers do not do on demand.
func TestModernFakes(t *testing.T) {
	t.Run("input_required is reported, not answered", func(t *testing.T) {
		fake := mcptest.FakeHTTP(t, mcptest.FakeModernInputRequired)
		call := &ToolCall{Name: mcptest.FakeModernToolName, Arguments: []byte(`{"region":"eu-west 1","query":"x"}`)}
		res := Run(context.Background(), httpServerConfig("fake", fake.URL+"/mcp", 5*time.Second), Options{Call: call})
		if !res.Healthy {
			t.Fatalf("not healthy:%s", dumpStages(res))
		}
		tc := res.ToolCall
		if tc == nil || tc.ResultType != wire.ResultInputRequired || len(tc.InputRequests) != 2 ||
			tc.InputRequests[0].Method != "elicitation/create" || tc.InputRequests[0].Message != "Please provide your GitHub username" ||
			tc.InputRequests[1].Method != "sampling/createMessage" {
			t.Errorf("tool call %+v", tc)
		}
		if note := stageOf(t, res, StageToolsCall).Note; !strings.Contains(note, "elicitation/create (github_login)") || !strings.Contains(note, "provides none") {
			t.Errorf("tools/call note %q", note)
		}
		calls := 0
		for _, r := range fake.Requests() {
			if strings.Contains(r.Body, `"tools/call"`) {
				calls++
				if got := r.Header.Get("Mcp-Param-Region"); got != "eu-west 1" {
					t.Errorf("Mcp-Param-Region %q, want the region argument", got)
				}
				if r.Header.Get("Mcp-Name") != mcptest.FakeModernToolName {
					t.Errorf("Mcp-Name %q", r.Header.Get("Mcp-Name"))
				}
			}
		}
		if calls != 1 {
			t.Errorf("tools/call was sent %d times, want once: an input_required result is never retried", calls)
		}
	})
	t.Run("404 with -32601 is an unknown method", func(t *testing.T) {
		fake := mcptest.FakeHTTP(t, mcptest.FakeModernNoToolsList)
		res := Run(context.Background(), httpServerConfig("fake", fake.URL+"/mcp", 5*time.Second), Options{})
		wantFailure(t, res, StageToolsList, evidence.CategoryProtocol)
		if !strings.Contains(res.Failure.Message, "404") || !strings.Contains(res.Failure.Message, "-32601") ||
			!strings.Contains(res.Failure.Hint, "does not implement this method") || strings.Contains(res.Failure.Hint, "path") {
			t.Errorf("failure %+v", res.Failure)
		}
	})
	t.Run("modern, then broken", func(t *testing.T) {
		fake := mcptest.FakeHTTP(t, mcptest.FakeModernThenBroken)
		res := Run(context.Background(), httpServerConfig("fake", fake.URL+"/mcp", 5*time.Second), Options{})
		wantFailure(t, res, StageToolsList, evidence.CategoryHTTPStatus)
		if res.Server == nil || res.Server.Era != wire.EraModern || res.Server.Name != mcptest.FakeServerName {
			t.Errorf("server %+v", res.Server)
		}
	})
	t.Run("-32022 naming no versions", func(t *testing.T) {
		fake := mcptest.FakeHTTP(t, mcptest.FakeModernBadVersionData)
		res := Run(context.Background(), httpServerConfig("fake", fake.URL+"/mcp", 5*time.Second), Options{})
		wantFailure(t, res, StageDiscover, evidence.CategoryProtocol)
		if !strings.Contains(res.Failure.Message, "names no protocol version mcpdoctor speaks") {
			t.Errorf("failure %+v", res.Failure)
		}
		if n := len(fake.MCPRequests()); n != 1 {
			t.Errorf("%d requests, want one: a modern error is no reason to fall back to initialize", n)
		}
	})
	t.Run("-32022 naming the version asked: asked once more", func(t *testing.T) {
		for _, protocol := range []string{ProtocolAuto, "2026-07-28"} {
			fake := mcptest.FakeHTTP(t, mcptest.FakeModernRefuseFirst)
			res := Run(context.Background(), httpServerConfig("fake", fake.URL+"/mcp", 5*time.Second), Options{Protocol: protocol})
			if !res.Healthy || res.Server.ProtocolVersion != "2026-07-28" {
				t.Fatalf("--protocol %s: not healthy:%s", protocol, dumpStages(res))
			}
			discovers := 0
			for _, r := range fake.MCPRequests() {
				if strings.Contains(r.Body, `"server/discover"`) {
					discovers++
				}
				if strings.Contains(r.Body, `"initialize"`) {
					t.Errorf("--protocol %s: initialize sent to a modern server", protocol)
				}
			}
			if discovers != 2 {
				t.Errorf("--protocol %s: %d server/discover requests, want 2", protocol, discovers)
			}
		}
	})
	t.Run("-32022 without the pinned version", func(t *testing.T) {
		fake := mcptest.FakeHTTP(t, mcptest.FakeModernBadVersionData)
		res := Run(context.Background(), httpServerConfig("fake", fake.URL+"/mcp", 5*time.Second), Options{Protocol: "2026-07-28"})
		wantFailure(t, res, StageDiscover, evidence.CategoryProtocol)
		if !strings.Contains(res.Failure.Message, "does not take 2026-07-28, the version --protocol names") || !strings.Contains(res.Failure.Hint, "without --protocol") {
			t.Errorf("failure %+v", res.Failure)
		}
	})
	t.Run("-32020 header mismatch", func(t *testing.T) {
		fake := mcptest.FakeHTTP(t, mcptest.FakeModernHeaderMismatch)
		res := Run(context.Background(), httpServerConfig("fake", fake.URL+"/mcp", 5*time.Second), Options{})
		wantFailure(t, res, StageDiscover, evidence.CategoryProtocol)
		if !strings.Contains(res.Failure.Message, "-32020") || !strings.Contains(res.Failure.Hint, "proxy") {
			t.Errorf("failure %+v", res.Failure)
		}
	})
	t.Run("a tool with a broken x-mcp-header is not called", func(t *testing.T) {
		fake := mcptest.FakeHTTP(t, mcptest.FakeModernBadHeaderTool)
		call := &ToolCall{Name: mcptest.FakeModernBadHeaderToolName, Arguments: []byte(`{"filter":{"a":1}}`)}
		res := Run(context.Background(), httpServerConfig("fake", fake.URL+"/mcp", 5*time.Second), Options{Call: call})
		wantFailure(t, res, StageToolsCall, evidence.CategoryProtocol)
		if !strings.Contains(res.Failure.Message, "does not call "+mcptest.FakeModernBadHeaderToolName) || !strings.Contains(res.Failure.Message, "no integer, string or boolean") {
			t.Errorf("failure %+v", res.Failure)
		}
		wantFinding(t, res, "invalid_x_mcp_header", evidence.SeverityWarning, mcptest.FakeModernBadHeaderToolName)
		for _, r := range fake.MCPRequests() {
			if strings.Contains(r.Body, `"tools/call"`) {
				t.Errorf("tools/call was sent for a tool clients must exclude: %s", r.Body)
			}
		}
		// The valid tool beside it is called as ever.
		call = &ToolCall{Name: mcptest.FakeModernToolName, Arguments: []byte(`{"region":"eu"}`)}
		if res := Run(context.Background(), httpServerConfig("fake", fake.URL+"/mcp", 5*time.Second), Options{Call: call}); !res.Healthy {
			t.Errorf("the valid tool:%s", dumpStages(res))
		}
	})
	t.Run("a modern-only server refuses initialize", func(t *testing.T) {
		fake := mcptest.FakeHTTP(t, mcptest.FakeModernInputRequired)
		res := Run(context.Background(), httpServerConfig("fake", fake.URL+"/mcp", 5*time.Second), Options{CheckOtherEra: true})
		if !res.Healthy || !slices.Equal(res.Server.Eras, []wire.Era{wire.EraModern}) {
			t.Fatalf("eras %v:%s", res.Server.Eras, dumpStages(res))
		}
		wantFinding(t, res, "modern_only", evidence.SeverityWarning, "this server speaks only 2026-07-28")
	})
}

// TestSilentLegacyStdio: a legacy stdio server that never answers
// server/discover costs the grace, then speaks initialize; one that
// answers at once with an error costs nothing.
func TestSilentLegacyStdio(t *testing.T) {
	cmd, args := mcptest.FakeStdio(t, mcptest.FakeStdioSilentLegacy)
	start := time.Now()
	res := Run(context.Background(), stdioConfig("silent", cmd, args), Options{})
	took := time.Since(start)
	if !res.Healthy || res.Server.Era != wire.EraLegacy {
		t.Fatalf("not healthy at legacy:%s", dumpStages(res))
	}
	if took < StdioDiscoverGrace || took > StdioDiscoverGrace+3*time.Second {
		t.Errorf("took %s, want the grace (%s) and little more", took, StdioDiscoverGrace)
	}
	if note := stageOf(t, res, StageDiscover).Note; !strings.Contains(note, "no answer within") {
		t.Errorf("server/discover note %q", note)
	}

	cmd, args = mcptest.FakeStdio(t, mcptest.FakeStdioOK)
	start = time.Now()
	res = Run(context.Background(), stdioConfig("quick", cmd, args), Options{})
	if !res.Healthy || res.Server.Era != wire.EraLegacy || time.Since(start) > StdioDiscoverGrace {
		t.Errorf("a legacy server answering -32601 took %s:%s", time.Since(start), dumpStages(res))
	}
}

// TestSlowModernStdio: a modern server still starting gets initialize
// after the grace too, and refuses it; that refusal is no verdict, and its
// late answer to server/discover decides.
func TestSlowModernStdio(t *testing.T) {
	cmd, args := mcptest.FakeStdio(t, mcptest.FakeStdioSlowModern)
	res := Run(context.Background(), stdioConfig("slow", cmd, args), Options{})
	if !res.Healthy || res.Server == nil || res.Server.Era != wire.EraModern || res.Server.ProtocolVersion != wire.LatestModern {
		t.Fatalf("not healthy at %s:%s", wire.LatestModern, dumpStages(res))
	}
	if !slices.ContainsFunc(res.Stages, func(st Stage) bool {
		return slices.ContainsFunc(st.Exchanges, func(e evidence.Exchange) bool { return strings.Contains(e.Note, "a modern server after all") })
	}) {
		t.Errorf("the evidence does not say the late answer decided:%s", dumpStages(res))
	}
}

// TestSilentRefusingStdio: a legacy server silent on server/discover that
// refuses initialize is not waited on for its whole startup timeout: one
// more grace, and the refusal is the verdict.
func TestSilentRefusingStdio(t *testing.T) {
	cmd, args := mcptest.FakeStdio(t, mcptest.FakeStdioSilentRefuse)
	start := time.Now()
	res := Run(context.Background(), stdioConfig("refuse", cmd, args), Options{})
	if took := time.Since(start); took > 2*StdioDiscoverGrace+3*time.Second {
		t.Errorf("took %s, want about two graces (%s)", took, 2*StdioDiscoverGrace)
	}
	wantFailure(t, res, StageInitialize, evidence.CategoryProtocol)
	if !strings.Contains(res.Failure.Message, "database unavailable") {
		t.Errorf("failure %q does not quote the refusal", res.Failure.Message)
	}
}

// TestProtocolOption: --protocol picks the era or the version.
func TestProtocolOption(t *testing.T) {
	srv := mcptest.GoSDKHTTP(t, mcptest.GoSDKOptions{Stateless: true})
	both := httpServerConfig("both", srv.URL+mcptest.GoSDKPath, 10*time.Second)
	for _, tt := range []struct {
		protocol, version string
	}{{ProtocolAuto, wire.LatestModern}, {ProtocolModern, wire.LatestModern}, {ProtocolLegacy, wire.LatestLegacy}, {"2025-06-18", "2025-06-18"}, {"2026-07-28", "2026-07-28"}} {
		res := Run(context.Background(), both, Options{Protocol: tt.protocol})
		if !res.Healthy || res.Server.ProtocolVersion != tt.version {
			t.Errorf("--protocol %s: version %v:%s", tt.protocol, res.Server, dumpStages(res))
		}
		if discovered := slices.Contains(stageNames(res), StageDiscover); discovered == (wire.EraOf(tt.version) == wire.EraLegacy) {
			t.Errorf("--protocol %s: server/discover sent %v", tt.protocol, discovered)
		}
	}
	legacyOnly := mcptest.GoSDKHTTP(t, mcptest.GoSDKOptions{Versions: sdkserver.LegacyVersions})
	res := Run(context.Background(), httpServerConfig("legacy", legacyOnly.URL+mcptest.GoSDKPath, 10*time.Second), Options{Protocol: ProtocolModern})
	wantFailure(t, res, StageDiscover, evidence.CategoryProtocol)
	if !strings.Contains(res.Failure.Message, "speaks no modern MCP") {
		t.Errorf("failure %+v", res.Failure)
	}
	for _, bad := range []string{"modrn", "2027-01-01", "latest"} {
		if CheckProtocol(bad) == nil {
			t.Errorf("CheckProtocol(%q) accepted it", bad)
		}
	}
}

// TestModernHeaders: every modern request carries the headers that mirror
// its body, and nothing of a session.
func TestModernHeaders(t *testing.T) {
	fake := mcptest.FakeHTTP(t, mcptest.FakeModernInputRequired)
	call := &ToolCall{Name: mcptest.FakeModernToolName, Arguments: []byte(`{"region":"日本"}`)}
	res := Run(context.Background(), httpServerConfig("fake", fake.URL+"/mcp", 5*time.Second), Options{Call: call})
	if !res.Healthy {
		t.Fatalf("not healthy:%s", dumpStages(res))
	}
	for _, r := range fake.Requests() {
		if strings.Contains(r.Path, "/.well-known/") {
			continue // OAuth discovery
		}
		if r.Method != http.MethodPost {
			t.Errorf("a %s %s went to a modern server", r.Method, r.Path)
		}
		if r.Header.Get("Mcp-Session-Id") != "" || r.Header.Get("Mcp-Protocol-Version") != wire.LatestModern || r.Header.Get("Mcp-Method") == "" {
			t.Errorf("headers %v", r.Header)
		}
		if strings.Contains(r.Body, `"tools/call"`) && r.Header.Get("Mcp-Param-Region") != "=?base64?5pel5pys?=" {
			t.Errorf("Mcp-Param-Region %q, want the Base64 sentinel of a non-ASCII value", r.Header.Get("Mcp-Param-Region"))
		}
	}
}

// TestTypeScriptSDKv2: the official TypeScript SDK 2.x from npm, the other
// real modern peer, over both transports and in its three shapes.
func TestTypeScriptSDKv2(t *testing.T) {
	modern, legacy, both := []wire.Era{wire.EraModern}, []wire.Era{wire.EraLegacy}, []wire.Era{wire.EraModern, wire.EraLegacy}
	for _, tt := range []struct {
		eras    string
		stdio   bool
		era     wire.Era
		version string
		accepts []wire.Era
	}{
		{mcptest.TSv2Both, false, wire.EraModern, wire.LatestModern, both},
		{mcptest.TSv2ModernOnly, false, wire.EraModern, wire.LatestModern, modern},
		{mcptest.TSv2LegacyOnly, false, wire.EraLegacy, wire.LatestLegacy, legacy},
		{mcptest.TSv2Both, true, wire.EraModern, wire.LatestModern, both},
		{mcptest.TSv2ModernOnly, true, wire.EraModern, wire.LatestModern, modern},
		{mcptest.TSv2LegacyOnly, true, wire.EraLegacy, wire.LatestLegacy, legacy},
	} {
		name := tt.eras + " http"
		if tt.stdio {
			name = tt.eras + " stdio"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var s config.Server
			if tt.stdio {
				cmd, args := mcptest.TSv2Stdio(t, tt.eras)
				s = stdioConfig("ts", cmd, args)
			} else {
				s = httpServerConfig("ts", mcptest.TSv2HTTP(t, tt.eras), 15*time.Second)
			}
			call := &ToolCall{Name: "echo", Arguments: []byte(`{"text":"from mcpdoctor"}`)}
			res := Run(context.Background(), s, Options{Call: call, CheckOtherEra: true})
			if !res.Healthy {
				t.Fatalf("not healthy:%s", dumpStages(res))
			}
			if res.Server.Name != mcptest.TSv2Name || res.Server.Era != tt.era || res.Server.ProtocolVersion != tt.version {
				t.Errorf("server %+v, want %s at %s", res.Server, tt.era, tt.version)
			}
			if !slices.Equal(res.Server.Eras, tt.accepts) {
				t.Errorf("eras %v, want %v:%s", res.Server.Eras, tt.accepts, dumpStages(res))
			}
			if len(res.Tools) != 2 || res.ToolCall == nil || !strings.Contains(string(res.ToolCall.Content), "from mcpdoctor") {
				t.Errorf("tools %v, call %+v", res.Tools, res.ToolCall)
			}
			if tt.era == wire.EraModern && res.ToolCall.ResultType != wire.ResultComplete {
				t.Errorf("a modern result's resultType: %q", res.ToolCall.ResultType)
			}
		})
	}
}

// TestAuthInBothEras: the verdict is reached the same way whatever the era:
// a modern server (the Go SDK's stateless handler) behind a bearer token
// refuses server/discover with 401 and its challenge, and takes the token.
func TestAuthInBothEras(t *testing.T) {
	for _, stateless := range []bool{true, false} {
		srv := mcptest.GoSDKHTTP(t, mcptest.GoSDKOptions{Stateless: stateless, BearerToken: "tok-both-eras-1234"})
		s := httpServerConfig("guarded", srv.URL+mcptest.GoSDKPath, 10*time.Second)
		res := Run(context.Background(), s, Options{})
		wantAuth(t, res, AuthFailed)
		wantEvidence(t, res, "server/discover → 401", `WWW-Authenticate: Bearer resource_metadata="`)
		s.SetBearerTokenEnvVar("GUARD_TOKEN")
		res = Run(context.Background(), s, Options{LookupEnv: envOf(map[string]string{"GUARD_TOKEN": "tok-both-eras-1234"})})
		wantAuth(t, res, AuthBearer)
		era := wire.EraLegacy
		if stateless {
			era = wire.EraModern
		}
		if !res.Healthy || res.Server.Era != era {
			t.Errorf("stateless %v: healthy %v at %+v:%s", stateless, res.Healthy, res.Server, dumpStages(res))
		}
	}
}
