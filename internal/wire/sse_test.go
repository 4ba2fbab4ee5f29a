package wire

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/mcpdoctor/mcpdoctor/internal/evidence"
	"github.com/mcpdoctor/mcpdoctor/internal/mcptest"
)

func TestSSEFailures(t *testing.T) {
	// Drive the legacy transport directly, as the fallback does, against
	// servers that are not legacy SSE.
	tests := []struct {
		behaviour string
		category  evidence.Category
		message   string
	}{
		{mcptest.FakeHTML, evidence.CategoryNotMCP, "GET for the event stream answered 200 with text/html"},
		{mcptest.FakeStatus404, evidence.CategoryHTTPStatus, "404"},
		{mcptest.FakeEndlessSSE, evidence.CategoryTimeout, "no endpoint event within"},
		{mcptest.FakeHang, evidence.CategoryTimeout, "no endpoint event within"},
		{mcptest.FakeCloseMidStream, evidence.CategoryHTTPStatus, "405"},
	}
	for _, tt := range tests {
		t.Run(tt.behaviour, func(t *testing.T) {
			t.Parallel()
			fake := mcptest.FakeHTTP(t, tt.behaviour)
			rec := &evidence.Recorder{}
			tr := NewSSE(fake.URL+"/sse", nil, Options{}, rec)
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
	rec := &evidence.Recorder{}
	tr := NewSSE(fake.URL+"/sse", nil, Options{}, rec)
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
