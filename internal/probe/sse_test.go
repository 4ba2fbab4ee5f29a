package probe

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mcpdoctor/mcpdoctor/internal/config"
	"github.com/mcpdoctor/mcpdoctor/internal/mcptest"
	"github.com/mcpdoctor/mcpdoctor/internal/mcptest/sdkserver"
)

func TestSSEEndpointOnAnotherOrigin(t *testing.T) {
	fake := mcptest.FakeHTTP(t, mcptest.FakeLegacySSECrossOrigin)
	const apiKey = "k-5ecret-api-key"
	s := httpServerConfig("fake", fake.URL+"/sse", 5*time.Second)
	s.HTTPHeaders = map[string]string{"X-Api-Key": apiKey}
	res := Run(context.Background(), s, Options{})
	// The fake needs no credential, so the probe works; the credential
	// went only to the configured origin.
	wantHealthy(t, res, config.TransportSSE)
	for _, r := range fake.Requests() {
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
	if !slices.ContainsFunc(res.Findings, func(f Finding) bool {
		return f.Code == "cross_origin_endpoint" && strings.Contains(f.Message, "X-Api-Key") && !strings.Contains(f.Message, apiKey)
	}) {
		t.Errorf("no cross_origin_endpoint finding: %+v", res.Findings)
	}
	get := slices.IndexFunc(allExchanges(res), func(e Exchange) bool { return e.Method == http.MethodGet })
	if get < 0 || !strings.Contains(allExchanges(res)[get].Note, "dropped X-Api-Key: endpoint on another origin") {
		t.Errorf("the GET exchange does not say what was dropped:%s", dumpStages(res))
	}
}

func TestSSEFailures(t *testing.T) {
	// Drive the legacy transport directly, as the fallback does, against
	// servers that are not legacy SSE.
	tests := []struct {
		behaviour string
		category  string
		message   string
	}{
		{mcptest.FakeHTML, CategoryNotMCP, "GET for the event stream answered 200 with text/html"},
		{mcptest.FakeStatus404, CategoryHTTPStatus, "404"},
		{mcptest.FakeEndlessSSE, CategoryTimeout, "no endpoint event within"},
		{mcptest.FakeHang, CategoryTimeout, "no endpoint event within"},
		{mcptest.FakeCloseMidStream, CategoryHTTPStatus, "405"},
	}
	for _, tt := range tests {
		t.Run(tt.behaviour, func(t *testing.T) {
			t.Parallel()
			fake := mcptest.FakeHTTP(t, tt.behaviour)
			rec := &Recorder{}
			tr := newSSETransport(fake.URL+"/sse", nil, Options{}, rec)
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			defer cancel()
			start := time.Now()
			err := tr.Connect(ctx)
			if time.Since(start) > 3*time.Second {
				t.Errorf("Connect took %s", time.Since(start))
			}
			if err == nil {
				t.Fatal("Connect succeeded")
			}
			if e := Classify(err); e.Category != tt.category || !strings.Contains(e.Message, tt.message) {
				t.Errorf("Connect: %s %q, want %s with %q", e.Category, e.Message, tt.category, tt.message)
			}
			if err := tr.Close(context.Background()); err != nil {
				t.Errorf("Close: %v", err)
			}
			if ex, _ := rec.Take(); len(ex) == 0 || ex[0].Method != http.MethodGet || ex[0].RequestHeader.Get("Accept") != "text/event-stream" {
				t.Errorf("the GET is not recorded: %+v", ex)
			}
		})
	}
}

func TestSSEStreamEndsBeforeResponse(t *testing.T) {
	// The legacy fake's stream ends when its server closes; a call waiting
	// on it must end then, not at its deadline.
	fake := mcptest.FakeHTTP(t, mcptest.FakeLegacySSEOnly)
	rec := &Recorder{}
	tr := newSSETransport(fake.URL+"/sse", nil, Options{}, rec)
	if err := tr.Connect(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer tr.Close(context.Background())
	fake.CloseClientConnections()
	req, _ := NewRequest(1, "initialize", map[string]any{})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	start := time.Now()
	_, err := tr.Call(ctx, req)
	if err == nil {
		t.Fatal("Call succeeded on a closed stream")
	}
	if time.Since(start) > 5*time.Second {
		t.Errorf("Call took %s", time.Since(start))
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
	if !slices.ContainsFunc(allExchanges(res), func(e Exchange) bool {
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
	if !slices.ContainsFunc(res.Findings, func(f Finding) bool { return f.Code == "legacy_sse" }) {
		t.Errorf("no legacy_sse finding: %+v", res.Findings)
	}
	init := stageOf(t, res, StageInitialize)
	if !strings.Contains(init.Note, "fell back to the legacy HTTP+SSE transport") {
		t.Errorf("initialize note %q", init.Note)
	}
	if len(init.Exchanges) < 2 || init.Exchanges[0].Method != http.MethodPost || !isLegacyFallbackStatus(init.Exchanges[0].Status) ||
		init.Exchanges[1].Method != http.MethodGet || mediaType(init.Exchanges[1].ResponseHeader) != "text/event-stream" {
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
