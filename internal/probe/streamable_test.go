package probe

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"runtime"
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

// httpServerConfig is a Streamable HTTP entry as a user would write it.
func httpServerConfig(name, url string, timeout time.Duration) config.Server {
	return config.Server{Name: name, Transport: config.TransportStreamableHTTP, URL: config.Literal(url), Enabled: true,
		StartupTimeout: timeout, ToolTimeout: timeout}
}

// sessionEnd is the last exchange of the session's last stage, where the
// DELETE that ends it is kept: OAuth discovery, which runs beside it,
// comes after.
func sessionEnd(t *testing.T, res *Result) evidence.Exchange {
	t.Helper()
	for i := len(res.Stages) - 1; i >= 0; i-- {
		if st := res.Stages[i]; st.Name != StageOAuthDiscovery && len(st.Exchanges) > 0 {
			return st.Exchanges[len(st.Exchanges)-1]
		}
	}
	t.Fatalf("no exchanges:%s", dumpStages(res))
	return evidence.Exchange{}
}

// stageOf returns the named stage, failing the test when it is missing.
func stageOf(t *testing.T, res *Result, name StageName) Stage {
	t.Helper()
	for _, s := range res.Stages {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("no stage %s in %s", name, dumpStages(res))
	return Stage{}
}

// allExchanges lists every exchange of every stage, in order.
func allExchanges(res *Result) []evidence.Exchange {
	var out []evidence.Exchange
	for _, s := range res.Stages {
		out = append(out, s.Exchanges...)
	}
	return out
}

func dumpStages(res *Result) string {
	var b strings.Builder
	for _, s := range res.Stages {
		fmt.Fprintf(&b, "\n  %s %s (%s) %s", s.Name, s.Status, s.Duration.Round(time.Millisecond), s.Note)
		for _, e := range s.Exchanges {
			fmt.Fprintf(&b, "\n    %s", e.Summary())
			if e.Note != "" && e.Method != "" {
				fmt.Fprintf(&b, " [%s]", e.Note)
			}
		}
	}
	if res.Failure != nil {
		fmt.Fprintf(&b, "\n  failure: %+v", *res.Failure)
	}
	for _, f := range res.Findings {
		fmt.Fprintf(&b, "\n  finding %s: %s", f.Code, f.Message)
	}
	return b.String()
}

// wantHealthy checks a probe that should have worked end to end.
func wantHealthy(t *testing.T, res *Result, transport config.Transport) {
	t.Helper()
	if !res.Healthy || res.Failure != nil {
		t.Fatalf("not healthy:%s", dumpStages(res))
	}
	if res.Transport != transport {
		t.Errorf("transport %q, want %q", res.Transport, transport)
	}
	for _, s := range res.Stages {
		if s.Status != StatusOK {
			t.Errorf("stage %s is %s, want ok", s.Name, s.Status)
		}
	}
}

// wantFailure checks the stage and category of a failed probe.
func wantFailure(t *testing.T, res *Result, stage StageName, category evidence.Category) {
	t.Helper()
	if res.Healthy || res.Failure == nil {
		t.Fatalf("healthy, want a %s failure at %s:%s", category, stage, dumpStages(res))
	}
	if res.Failure.Stage != stage || res.Failure.Category != category {
		t.Fatalf("failure %s/%s, want %s/%s:%s", res.Failure.Stage, res.Failure.Category, stage, category, dumpStages(res))
	}
	if res.Failure.Hint == "" {
		t.Errorf("failure has no hint: %+v", *res.Failure)
	}
	// A server that never said who it is has no working connection.
	if res.Server == nil && res.Auth.Status != AuthFailed {
		t.Errorf("auth status %q, want failed", res.Auth.Status)
	}
	// What comes after the failed stage did not run.
	after := false
	for _, s := range res.Stages {
		if after && s.Name != StageOAuthDiscovery && s.Status != StatusSkipped {
			t.Errorf("stage %s is %s after the failure, want skipped", s.Name, s.Status)
		}
		after = after || s.Name == stage
	}
	if stage != StageToolsList && stage != StageToolsCall && stageOf(t, res, StageToolsList).Status != StatusSkipped {
		t.Errorf("tools/list ran after the handshake failed")
	}
}

func TestStreamableFailures(t *testing.T) {
	// The first request is server/discover: what breaks it fails there.
	// A plain 404 or 500 is no modern answer, so initialize is tried too,
	// and fails the same way.
	tests := []struct {
		behaviour string
		timeout   time.Duration
		stage     StageName
		category  evidence.Category
		// message and hint hold substrings of the failure's.
		message []string
		hint    string
	}{
		{mcptest.FakeHang, time.Second, StageDiscover, evidence.CategoryTimeout, []string{"server/discover", "no answer within"}, "startup_timeout_sec"},
		{mcptest.FakeEndlessSSE, time.Second, StageDiscover, evidence.CategoryTimeout, []string{"no response to server/discover within", "comments"}, "startup_timeout_sec"},
		{mcptest.FakeHTML, 5 * time.Second, StageDiscover, evidence.CategoryNotMCP, []string{"text/html", "<!DOCTYPE html>"}, "the URL serves a web page, not an MCP endpoint: check the path (often /mcp)"},
		{mcptest.FakeStatus500, 5 * time.Second, StageInitialize, evidence.CategoryHTTPStatus, []string{"500"}, "logs"},
		{mcptest.FakeStatus404, 5 * time.Second, StageInitialize, evidence.CategoryHTTPStatus, []string{"404"}, "path"},
		{mcptest.FakeCloseMidStream, 5 * time.Second, StageDiscover, evidence.CategoryProtocol, []string{"the event stream ended before the response", "1 event"}, ""},
		{mcptest.FakeGarbage, 5 * time.Second, StageDiscover, evidence.CategoryProtocol, []string{"not a JSON-RPC message", "oops"}, ""},
		{mcptest.FakeHuge, 10 * time.Second, StageDiscover, evidence.CategoryProtocol, []string{"the response is 524288", " bytes, over mcpdoctor's cap of 8388608 bytes"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.behaviour, func(t *testing.T) {
			t.Parallel()
			fake := mcptest.FakeHTTP(t, tt.behaviour)
			start := time.Now()
			res := Run(context.Background(), httpServerConfig("fake", fake.URL+"/mcp", tt.timeout), Options{})
			elapsed := time.Since(start)
			wantFailure(t, res, tt.stage, tt.category)
			for _, m := range tt.message {
				if !strings.Contains(res.Failure.Message, m) {
					t.Errorf("message %q does not say %q", res.Failure.Message, m)
				}
			}
			if !strings.Contains(res.Failure.Hint, tt.hint) {
				t.Errorf("hint %q does not say %q", res.Failure.Hint, tt.hint)
			}
			if elapsed > tt.timeout+3*time.Second {
				t.Errorf("Run took %s with a %s timeout", elapsed, tt.timeout)
			}
			ex := stageOf(t, res, tt.stage).Exchanges
			if len(ex) == 0 || ex[0].Method != http.MethodPost || ex[0].RPCMethod != string(tt.stage) {
				t.Fatalf("the %s POST is not recorded:%s", tt.stage, dumpStages(res))
			}
			if got := ex[0].RequestHeader.Get("Accept"); got != "application/json, text/event-stream" {
				t.Errorf("Accept %q", got)
			}
			if res.Transport != config.TransportStreamableHTTP {
				t.Errorf("transport %q after a failed fallback", res.Transport)
			}
		})
	}
}

func TestStreamableStatusFallback(t *testing.T) {
	// 404 is one of the statuses that send a client to the legacy
	// transport; its GET fails too, so the failure is the POST's.
	fake := mcptest.FakeHTTP(t, mcptest.FakeStatus404)
	res := Run(context.Background(), httpServerConfig("fake", fake.URL+"/mcp", 5*time.Second), Options{})
	wantFailure(t, res, StageInitialize, evidence.CategoryHTTPStatus)
	var methods []string
	for _, r := range fake.MCPRequests() {
		methods = append(methods, r.Method)
	}
	if !slices.Equal(methods, []string{"POST", "POST", "GET"}) {
		t.Errorf("the fake saw %v, want server/discover and initialize POSTed, then the fallback's GET", methods)
	}
	// 500 is not: no GET.
	fake = mcptest.FakeHTTP(t, mcptest.FakeStatus500)
	res = Run(context.Background(), httpServerConfig("fake", fake.URL+"/mcp", 5*time.Second), Options{})
	wantFailure(t, res, StageInitialize, evidence.CategoryHTTPStatus)
	if n := len(fake.MCPRequests()); n != 2 {
		t.Errorf("the fake saw %d requests after a 500, want the two POSTs", n)
	}
	ex := stageOf(t, res, StageInitialize).Exchanges[0]
	if ex.Status != 500 || !strings.Contains(ex.ResponseBody, "database is on fire") {
		t.Errorf("the 500 exchange does not keep the body: %+v", ex)
	}
}

func TestStreamableHugeBody(t *testing.T) {
	fake := mcptest.FakeHTTP(t, mcptest.FakeHuge)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	res := Run(context.Background(), httpServerConfig("fake", fake.URL+"/mcp", 10*time.Second), Options{})
	runtime.ReadMemStats(&after)
	wantFailure(t, res, StageDiscover, evidence.CategoryProtocol)
	ex := stageOf(t, res, StageDiscover).Exchanges[0]
	if !ex.Truncated || len(ex.ResponseBody) > evidence.MaxExcerpt+len("…") {
		t.Errorf("exchange truncated %v with a %d-byte excerpt", ex.Truncated, len(ex.ResponseBody))
	}
	// The cap is 8 MiB; the body is 50 MiB. Reading to the cap costs about
	// twice the cap in growing buffers; reading the whole body would cost
	// far more.
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 32<<20 {
		t.Errorf("the probe allocated %d MiB for a capped body", alloc>>20)
	}
	// A smaller cap is honoured too.
	res = Run(context.Background(), httpServerConfig("fake", fake.URL+"/mcp", 10*time.Second), Options{MaxMessageBytes: 1 << 10})
	// The whole body is measured, without being kept: 50 MiB and its
	// JSON-RPC prefix.
	var size int
	if res.Failure != nil {
		fmt.Sscanf(res.Failure.Message, "the response is %d bytes, over mcpdoctor's cap of 1024 bytes for one message", &size)
	}
	if size <= mcptest.FakeHugeBytes || size > mcptest.FakeHugeBytes+100 {
		t.Errorf("with a 1 KiB cap: %+v", res.Failure)
	}
}

func TestStreamableSSEWithNoise(t *testing.T) {
	fake := mcptest.FakeHTTP(t, mcptest.FakeSSEWithNoise)
	start := time.Now()
	res := Run(context.Background(), httpServerConfig("fake", fake.URL+"/mcp", 10*time.Second), Options{})
	wantHealthy(t, res, config.TransportStreamableHTTP)
	if time.Since(start) > 4*time.Second {
		t.Errorf("took %s: the fake waited for answers to its requests that did not come", time.Since(start))
	}
	if res.Server == nil || res.Server.Name != mcptest.FakeServerName {
		t.Errorf("server %+v", res.Server)
	}
	if len(res.Tools) != 1 || res.Tools[0].Name != mcptest.FakeToolName {
		t.Errorf("tools %+v", res.Tools)
	}
	// Three requests with ids (server/discover, initialize, tools/list),
	// three roots/list asked and answered with -32601.
	replies := fake.Replies()
	if len(replies) != 3 {
		t.Fatalf("the client answered %d of the server's requests, want 3: %q", len(replies), replies)
	}
	for _, r := range replies {
		if !strings.Contains(r, `"code":-32601`) {
			t.Errorf("reply %s is not Method not found", r)
		}
	}
	ex := stageOf(t, res, StageInitialize).Exchanges
	var summary []string
	for _, e := range ex {
		summary = append(summary, e.Summary())
	}
	want := []string{"POST " + fake.URL + "/mcp initialize → 200 text/event-stream", "← event", "← notifications/message", "POST " + fake.URL + "/mcp error response to roots/list → 202"}
	if len(summary) != len(want) {
		t.Fatalf("initialize exchanges:\n%s\nwant %d", strings.Join(summary, "\n"), len(want))
	}
	for i := range want {
		if !strings.HasPrefix(summary[i], want[i]) {
			t.Errorf("exchange %d = %q, want it to start with %q", i, summary[i], want[i])
		}
	}
	if !strings.Contains(ex[1].Note, `"heartbeat"`) {
		t.Errorf("the heartbeat event is not named: %q", ex[1].Note)
	}
	if !strings.Contains(ex[0].ResponseBody, ": the fake is thinking") {
		t.Errorf("the stream excerpt does not show what the server sent: %q", ex[0].ResponseBody)
	}
}

func TestStreamableSession(t *testing.T) {
	fake := mcptest.FakeHTTP(t, mcptest.FakeSession)
	res := Run(context.Background(), httpServerConfig("fake", fake.URL+"/mcp", 5*time.Second), Options{})
	wantHealthy(t, res, config.TransportStreamableHTTP)
	init := stageOf(t, res, StageInitialize).Exchanges[0]
	sid := init.ResponseHeader.Get("Mcp-Session-Id")
	if sid == "" {
		t.Fatalf("the session id is not in the initialize exchange: %+v", init.ResponseHeader)
	}
	if init.RequestHeader.Get("Mcp-Protocol-Version") != "" {
		t.Errorf("initialize itself carried MCP-Protocol-Version %q", init.RequestHeader.Get("Mcp-Protocol-Version"))
	}
	for _, name := range []StageName{StageInitialized, StageToolsList} {
		ex := stageOf(t, res, name).Exchanges[0]
		if got := ex.RequestHeader.Get("Mcp-Session-Id"); got != sid {
			t.Errorf("%s sent Mcp-Session-Id %q, want %q", name, got, sid)
		}
		if got := ex.RequestHeader.Get("Mcp-Protocol-Version"); got != wire.LatestLegacy {
			t.Errorf("%s sent MCP-Protocol-Version %q, want %q", name, got, wire.LatestLegacy)
		}
	}
	if got := stageOf(t, res, StageInitialized).Exchanges[0].Status; got != http.StatusAccepted {
		t.Errorf("notifications/initialized answered %d", got)
	}
	del := sessionEnd(t, res)
	if del.Method != http.MethodDelete || del.Status != http.StatusNoContent || del.RequestHeader.Get("Mcp-Session-Id") != sid {
		t.Errorf("the last exchange is not the DELETE of the session: %s %+v", del.Summary(), del.RequestHeader)
	}
	if got := fake.Deleted(); !slices.Equal(got, []string{sid}) {
		t.Errorf("the fake saw DELETE of %v, want [%s]", got, sid)
	}
}

func TestStreamablePollingResume(t *testing.T) {
	fake := mcptest.FakeHTTP(t, mcptest.FakeSSEPoll)
	res := Run(context.Background(), httpServerConfig("fake", fake.URL+"/mcp", 5*time.Second), Options{})
	wantHealthy(t, res, config.TransportStreamableHTTP)
	// Every answer comes by polling: server/discover's (a -32601, so a
	// legacy server) and initialize's, each resumed with the id its
	// priming event gave.
	for i, stage := range []StageName{StageDiscover, StageInitialize} {
		ex := stageOf(t, res, stage).Exchanges
		if len(ex) != 2 || ex[1].Method != http.MethodGet || ex[1].RequestHeader.Get("Last-Event-Id") != fmt.Sprintf("poll-%d", i+1) || ex[1].Status != 200 {
			t.Fatalf("%s was not resumed with a GET carrying Last-Event-ID:%s", stage, dumpStages(res))
		}
	}
}

func TestStreamableLegacyFallback(t *testing.T) {
	fake := mcptest.FakeHTTP(t, mcptest.FakeLegacySSEOnly)
	res := Run(context.Background(), httpServerConfig("fake", fake.URL+"/sse", 5*time.Second),
		Options{Call: &ToolCall{Name: mcptest.FakeToolName}})
	wantHealthy(t, res, config.TransportSSE)
	if !slices.ContainsFunc(res.Findings, func(f evidence.Finding) bool { return f.Code == "legacy_sse" }) {
		t.Errorf("no legacy_sse finding: %+v", res.Findings)
	}
	init := stageOf(t, res, StageInitialize)
	if !strings.Contains(init.Note, "POST answered 405") {
		t.Errorf("initialize note %q", init.Note)
	}
	if res.Server.ProtocolVersion != "2024-11-05" {
		t.Errorf("protocol version %q", res.Server.ProtocolVersion)
	}
	// The relative endpoint "messages?session=1" resolves against /sse.
	var posts []string
	for _, r := range fake.Requests() {
		if r.Method == http.MethodPost {
			posts = append(posts, r.Path)
		}
	}
	// server/discover and initialize went to /sse (405 both: no modern
	// server, and a legacy transport), then everything to the endpoint.
	m := "/messages?session=1"
	want := []string{"/sse", "/sse", m, m, m, m, m, m}
	if !slices.Equal(posts, want) {
		t.Errorf("POSTs went to %v, want %v", posts, want)
	}
	if res.ToolCall == nil || !strings.Contains(string(res.ToolCall.Content), "pong") {
		t.Errorf("tool call %+v", res.ToolCall)
	}
	// Before tools/list's response the server pinged and asked for roots:
	// ping gets its empty result, roots/list Method not found.
	replies := fake.Replies()
	if len(replies) != 2 || !strings.Contains(replies[0], `"id":"srv-ping","result":{}`) || !strings.Contains(replies[1], `"code":-32601`) {
		t.Errorf("replies to the server's requests: %q", replies)
	}
	var notes []string
	for _, e := range allExchanges(res) {
		notes = append(notes, e.Summary())
	}
	joined := strings.Join(notes, "\n")
	for _, want := range []string{"GET " + fake.URL + "/sse → 200 text/event-stream", "← notifications/message", "← initialize", "POST " + fake.URL + "/messages?session=1 tools/list → 202"} {
		if !strings.Contains(joined, want) {
			t.Errorf("no exchange %q in\n%s", want, joined)
		}
	}
}

func TestStreamableCrossOriginRedirect(t *testing.T) {
	fake := mcptest.FakeHTTP(t, mcptest.FakeRedirectCrossOrigin)
	const apiKey, token = "k-5ecret-api-key", "t-5ecret-bearer"
	s := httpServerConfig("fake", fake.URL+"/mcp", 5*time.Second)
	s.AddHTTPHeaders(map[string]string{"X-Api-Key": apiKey})
	s.SetBearerTokenEnvVar("FAKE_TOKEN")
	lookup := func(name string) (string, bool) {
		if name == "FAKE_TOKEN" {
			return token, true
		}
		return "", false
	}
	res := Run(context.Background(), s, Options{LookupEnv: lookup})
	wantHealthy(t, res, config.TransportStreamableHTTP)

	// The configured origin got the credentials; the other one never did.
	first := fake.Requests()[0]
	if first.Header.Get("X-Api-Key") != apiKey || first.Header.Get("Authorization") != "Bearer "+token {
		t.Errorf("the configured origin did not get the credentials: %v", first.Header)
	}
	got := fake.TargetRequests()
	if len(got) == 0 {
		t.Fatal("the redirect target saw nothing")
	}
	for _, r := range got {
		for name, values := range r.Header {
			for _, v := range values {
				if strings.Contains(v, apiKey) || strings.Contains(v, token) {
					t.Errorf("the other origin received a credential in %s on %s %s", name, r.Method, r.Path)
				}
			}
		}
		if r.Header.Get("Authorization") != "" || r.Header.Get("X-Api-Key") != "" {
			t.Errorf("the other origin received %v", r.Header)
		}
	}
	i := slices.IndexFunc(res.Findings, func(f evidence.Finding) bool { return f.Code == "cross_origin_redirect" })
	if i < 0 {
		t.Fatalf("no cross_origin_redirect finding: %+v", res.Findings)
	}
	if strings.Contains(res.Findings[i].Message, apiKey) || !strings.Contains(res.Findings[i].Message, "Authorization, X-Api-Key") {
		t.Errorf("finding %q", res.Findings[i].Message)
	}
	hop := stageOf(t, res, StageInitialize).Exchanges[0]
	if hop.Status != http.StatusTemporaryRedirect || !strings.HasPrefix(hop.ResponseHeader.Get("Location"), fake.Target.URL) ||
		!strings.Contains(hop.Note, "dropped Authorization, X-Api-Key: redirect to another origin") {
		t.Errorf("redirect hop %s [%s] %v", hop.Summary(), hop.Note, hop.ResponseHeader)
	}
	final := stageOf(t, res, StageInitialize).Exchanges[1]
	if !strings.HasPrefix(final.URL, fake.Target.URL) || final.Status != 200 {
		t.Errorf("final exchange %s", final.Summary())
	}
}

// settleGoroutines waits for the goroutine count to fall back to at most
// want, for connections and readers that end asynchronously.
func settleGoroutines(t *testing.T, want int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		n := runtime.NumGoroutine()
		if n <= want {
			return
		}
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			buf = buf[:runtime.Stack(buf, true)]
			t.Fatalf("%d goroutines, want at most %d:\n%s", n, want, buf)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestHTTPTransportsLeakNothing(t *testing.T) {
	behaviours := []string{mcptest.FakeHang, mcptest.FakeEndlessSSE, mcptest.FakeCloseMidStream, mcptest.FakeHuge,
		mcptest.FakeSSEWithNoise, mcptest.FakeLegacySSEOnly, mcptest.FakeLegacySSECrossOrigin, mcptest.FakeSession, mcptest.FakeRedirectCrossOrigin, mcptest.FakeSSEPoll}
	fakes := map[string]*mcptest.Fake{}
	for _, b := range behaviours {
		fakes[b] = mcptest.FakeHTTP(t, b)
	}
	settleGoroutines(t, runtime.NumGoroutine())
	base := runtime.NumGoroutine()
	for _, b := range behaviours {
		res := Run(context.Background(), httpServerConfig("fake", fakes[b].URL+"/mcp", time.Second), Options{})
		if (b == mcptest.FakeLegacySSEOnly || b == mcptest.FakeLegacySSECrossOrigin) && res.Transport != config.TransportSSE {
			t.Errorf("%s: transport %s", b, res.Transport)
		}
	}
	// Every client connection closed means every server-side handler and
	// connection goroutine has ended too.
	settleGoroutines(t, base)
}

// The real peers: the official Go SDK's Streamable HTTP handler in each of
// its answer modes, and the npm reference server "everything".

// TestGoSDKStreamableHTTP: the SDK's handler in each of its answer modes.
// Stateless, it serves modern MCP (2026-07-28) too, and the probe speaks
// it; stateful (sessions), its server/discover names only legacy versions,
// and the probe speaks 2025-11-25 in a session it ends with DELETE.
func TestGoSDKStreamableHTTP(t *testing.T) {
	for _, tt := range []struct {
		json, stateless bool
	}{{false, false}, {true, false}, {false, true}, {true, true}} {
		name := fmt.Sprintf("json=%v,stateless=%v", tt.json, tt.stateless)
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := mcptest.GoSDKHTTP(t, mcptest.GoSDKOptions{JSONResponse: tt.json, Stateless: tt.stateless, PageSize: 2})
			call := &ToolCall{Name: "echo", Arguments: []byte(`{"text":"hello from mcpdoctor"}`)}
			res := Run(context.Background(), httpServerConfig("gosdk", srv.URL+mcptest.GoSDKPath, 10*time.Second), Options{Call: call})
			wantHealthy(t, res, config.TransportStreamableHTTP)
			era, version, handshake := wire.EraLegacy, wire.LatestLegacy, StageInitialize
			if tt.stateless {
				era, version, handshake = wire.EraModern, wire.LatestModern, StageDiscover
			}
			if res.Server.Name != mcptest.GoSDKName || res.Server.ProtocolVersion != version || res.Server.Era != era {
				t.Errorf("server %+v, want %s (%s)", res.Server, version, era)
			}
			var names []string
			for _, tool := range res.Tools {
				names = append(names, tool.Name)
			}
			if !slices.Equal(names, sdkserver.ToolNames) {
				t.Errorf("tools %v, want %v", names, sdkserver.ToolNames)
			}
			if note := stageOf(t, res, StageToolsList).Note; note != "4 pages" {
				t.Errorf("tools/list note %q, want 4 pages", note)
			}
			if res.ToolCall == nil || res.ToolCall.IsError || !strings.Contains(string(res.ToolCall.Content), "hello from mcpdoctor") {
				t.Errorf("tools/call echo: %+v", res.ToolCall)
			}
			if res.Auth.Status != AuthNone {
				t.Errorf("auth %q", res.Auth.Status)
			}

			wantType := "text/event-stream"
			if tt.json {
				wantType = "application/json"
			}
			first := stageOf(t, res, handshake).Exchanges[0]
			if got := wire.MediaType(first.ResponseHeader); got != wantType {
				t.Errorf("%s answered %s, want %s", handshake, got, wantType)
			}
			sid := first.ResponseHeader.Get("Mcp-Session-Id")
			if tt.stateless != (sid == "") {
				t.Errorf("stateless %v, but the session id is %q", tt.stateless, sid)
			}
			list := stageOf(t, res, StageToolsList).Exchanges
			if len(list) != 4 {
				t.Errorf("%d tools/list exchanges, want 4", len(list))
			}
			for _, e := range list {
				if e.RequestHeader.Get("Mcp-Session-Id") != sid || e.RequestHeader.Get("Mcp-Protocol-Version") != version {
					t.Errorf("tools/list sent %v", e.RequestHeader)
				}
				if tt.stateless && e.RequestHeader.Get("Mcp-Method") != "tools/list" {
					t.Errorf("a modern tools/list lacks Mcp-Method: %v", e.RequestHeader)
				}
			}
			if tt.stateless {
				callEx := stageOf(t, res, StageToolsCall).Exchanges[0]
				if callEx.RequestHeader.Get("Mcp-Name") != "echo" || callEx.RequestHeader.Get("Mcp-Method") != "tools/call" {
					t.Errorf("a modern tools/call lacks Mcp-Method or Mcp-Name: %v", callEx.RequestHeader)
				}
			}
			del := sessionEnd(t, res)
			if tt.stateless {
				if del.Method == http.MethodDelete {
					t.Errorf("a DELETE went to a stateless server")
				}
			} else if del.Method != http.MethodDelete || (del.Status < 200 || del.Status > 299) || del.RequestHeader.Get("Mcp-Session-Id") != sid {
				t.Errorf("the session was not ended: %s", del.Summary())
			}
		})
	}
}

func TestEverythingStreamableHTTP(t *testing.T) {
	t.Parallel()
	url := mcptest.EverythingHTTP(t, mcptest.EverythingModeStreamableHTTP)
	call := &ToolCall{Name: "echo", Arguments: []byte(`{"message":"hello from mcpdoctor"}`)}
	res := Run(context.Background(), httpServerConfig("everything", url, 20*time.Second), Options{Call: call})
	wantHealthy(t, res, config.TransportStreamableHTTP)
	if res.Server.Name != mcptest.EverythingName {
		t.Errorf("server %+v", res.Server)
	}
	if len(res.Tools) < 5 || !slices.ContainsFunc(res.Tools, func(tool Tool) bool { return tool.Name == "echo" }) {
		t.Errorf("tools %+v", res.Tools)
	}
	if res.ToolCall == nil || !strings.Contains(string(res.ToolCall.Content), "hello from mcpdoctor") {
		t.Errorf("tools/call echo: %+v", res.ToolCall)
	}
	init := stageOf(t, res, StageInitialize).Exchanges[0]
	if got := wire.MediaType(init.ResponseHeader); got != "text/event-stream" {
		t.Errorf("initialize answered %s; the everything server answers with event streams", got)
	}
	sid := init.ResponseHeader.Get("Mcp-Session-Id")
	if sid == "" {
		t.Fatalf("no session id:%s", dumpStages(res))
	}
	if del := sessionEnd(t, res); del.Method != http.MethodDelete || (del.Status < 200 || del.Status > 299) || del.RequestHeader.Get("Mcp-Session-Id") != sid {
		t.Errorf("the session was not ended: %s", del.Summary())
	}
	t.Logf("everything over Streamable HTTP:%s", dumpStages(res))
}

func TestStreamableNetworkErrors(t *testing.T) {
	// A port nobody listens on: take one, then close it.
	closed := httptest.NewServer(http.NotFoundHandler())
	refusedURL := closed.URL + "/mcp"
	closed.Close()
	// A TLS server whose certificate nobody trusts.
	untrusted := httptest.NewUnstartedServer(http.NotFoundHandler())
	untrusted.Config.ErrorLog = log.New(io.Discard, "", 0)
	untrusted.StartTLS()
	defer untrusted.Close()

	for _, tt := range []struct {
		name, url string
		category  evidence.Category
	}{
		{"refused", refusedURL, evidence.CategoryRefused},
		{"tls", untrusted.URL + "/mcp", evidence.CategoryTLS},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res := Run(context.Background(), httpServerConfig(tt.name, tt.url, 5*time.Second), Options{})
			wantFailure(t, res, StageDiscover, tt.category)
			ex := stageOf(t, res, StageDiscover).Exchanges
			if len(ex) == 0 || ex[0].Status != 0 || ex[0].Err == "" {
				t.Errorf("the failed POST is not recorded with its error:%s", dumpStages(res))
			}
		})
	}
}
