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

func TestSSEEndpointOnAnotherOrigin(t *testing.T) {
	fake := mcptest.FakeHTTP(t, mcptest.FakeLegacySSECrossOrigin)
	const apiKey = "k-5ecret-api-key"
	s := httpServerConfig("fake", fake.URL+"/sse", 5*time.Second)
	s.AddHTTPHeaders(map[string]string{"X-Api-Key": apiKey})
	res := Run(context.Background(), s, Options{})
	// The fake needs no credential, so the probe works; the credential
	// went only to the configured origin.
	wantHealthy(t, res, config.TransportSSE)
	for _, r := range fake.MCPRequests() {
		if r.Header.Get("X-Api-Key") != apiKey {
			t.Errorf("the configured origin got %s %s without the header", r.Method, r.Path)
		}
	}
	got := fake.TargetRequests()
	if len(got) < 4 {
		t.Fatalf("the endpoint's origin saw %d requests", len(got))
	}
	for _, r := range got {
		if r.Header.Get("X-Api-Key") != "" || r.Header.Get("Authorization") != "" {
			t.Errorf("the endpoint's origin received credentials on %s %s: %v", r.Method, r.Path, r.Header)
		}
	}
	if !slices.ContainsFunc(res.Findings, func(f evidence.Finding) bool {
		return f.Code == "cross_origin_endpoint" && strings.Contains(f.Message, "X-Api-Key") && !strings.Contains(f.Message, apiKey)
	}) {
		t.Errorf("no cross_origin_endpoint finding: %+v", res.Findings)
	}
	get := slices.IndexFunc(allExchanges(res), func(e evidence.Exchange) bool { return e.Method == http.MethodGet })
	if get < 0 || !strings.Contains(allExchanges(res)[get].Note, "dropped X-Api-Key: endpoint on another origin") {
		t.Errorf("the GET exchange does not say what was dropped:%s", dumpStages(res))
	}
}

// A legacy server configured as a Streamable HTTP url, as a user would:
// the POST fails, the probe falls back to GET and the endpoint event.

func TestGoSDKLegacySSEFallback(t *testing.T) {
	t.Parallel()
	srv := mcptest.GoSDKSSE(t)
	call := &ToolCall{Name: "echo", Arguments: []byte(`{"text":"hello over SSE"}`)}
	res := Run(context.Background(), httpServerConfig("gosdk-sse", srv.URL+mcptest.GoSDKSSEPath, 10*time.Second), Options{Call: call})
	wantLegacy(t, res, mcptest.GoSDKName)
	if !slices.Equal(toolNames(res), sdkserver.ToolNames) {
		t.Errorf("tools %v", toolNames(res))
	}
	if res.ToolCall == nil || !strings.Contains(string(res.ToolCall.Content), "hello over SSE") {
		t.Errorf("tools/call echo: %+v", res.ToolCall)
	}
	// The Go SDK's endpoint is /sse?sessionid=ID.
	if !slices.ContainsFunc(allExchanges(res), func(e evidence.Exchange) bool {
		return e.Method == http.MethodPost && strings.Contains(e.URL, mcptest.GoSDKSSEPath+"?sessionid=") && e.RPCMethod == "tools/list" && e.Status == http.StatusAccepted
	}) {
		t.Errorf("no tools/list POST to the session endpoint:%s", dumpStages(res))
	}
}

func TestEverythingLegacySSEFallback(t *testing.T) {
	t.Parallel()
	url := mcptest.EverythingHTTP(t, mcptest.EverythingModeSSE)
	call := &ToolCall{Name: "echo", Arguments: []byte(`{"message":"hello over SSE"}`)}
	res := Run(context.Background(), httpServerConfig("everything-sse", url, 20*time.Second), Options{Call: call})
	wantLegacy(t, res, mcptest.EverythingName)
	if !slices.Contains(toolNames(res), "echo") {
		t.Errorf("tools %v", toolNames(res))
	}
	if res.ToolCall == nil || !strings.Contains(string(res.ToolCall.Content), "hello over SSE") {
		t.Errorf("tools/call echo: %+v", res.ToolCall)
	}
	t.Logf("everything over legacy SSE:%s", dumpStages(res))
}

// wantLegacy checks a probe that fell back to the legacy transport and
// worked.
func wantLegacy(t *testing.T, res *Result, server string) {
	t.Helper()
	wantHealthy(t, res, config.TransportSSE)
	if res.Server.Name != server {
		t.Errorf("server %+v", res.Server)
	}
	if !slices.ContainsFunc(res.Findings, func(f evidence.Finding) bool { return f.Code == "legacy_sse" }) {
		t.Errorf("no legacy_sse finding: %+v", res.Findings)
	}
	init := stageOf(t, res, StageInitialize)
	if !strings.Contains(init.Note, "fell back to the legacy HTTP+SSE transport") {
		t.Errorf("initialize note %q", init.Note)
	}
	if len(init.Exchanges) < 2 || init.Exchanges[0].Method != http.MethodPost || !isLegacyFallbackStatus(init.Exchanges[0].Status) ||
		init.Exchanges[1].Method != http.MethodGet || wire.MediaType(init.Exchanges[1].ResponseHeader) != "text/event-stream" {
		t.Errorf("initialize is not a failed POST then the stream's GET:%s", dumpStages(res))
	}
}

func toolNames(res *Result) []string {
	var names []string
	for _, tool := range res.Tools {
		names = append(names, tool.Name)
	}
	return names
}
