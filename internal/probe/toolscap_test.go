package probe

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mcpdoctor/mcpdoctor/internal/mcptest"
)

// TestToolListCutAtTheCap: a tool list over the cap is cut at the page
// that crosses it, and a finding says how big it was by then; the server
// itself works, so the probe is healthy.
func TestToolListCutAtTheCap(t *testing.T) {
	srv := mcptest.FakeTools(t, mcptest.ToolsOptions{Generated: 300, DescriptionBytes: 8000, PageSize: 50})
	res := Run(context.Background(), httpServerConfig("big", srv.URL, 10*time.Second), Options{MaxToolListBytes: 1 << 20})
	if !res.Healthy {
		t.Fatalf("failure %+v", res.Failure)
	}
	// 1 MiB holds 129 of these tools of about 8,100 bytes: the first
	// page of 50 whole, the second, and 29 of the third.
	if n := len(res.Tools); n < 120 || n > 130 {
		t.Errorf("%d tools kept, want the 129 that fit in 1 MiB", n)
	}
	var found bool
	for _, f := range res.Findings {
		if f.Code == "tools_list_too_large" {
			found = true
			if !strings.Contains(f.Message, "by page 3, over mcpdoctor's cap of 1048576") || !strings.Contains(f.Message, fmt.Sprintf("kept the first %d tools", len(res.Tools))) {
				t.Errorf("finding: %s", f.Message)
			}
		}
	}
	if !found {
		t.Errorf("no tools_list_too_large finding: %+v", res.Findings)
	}
	var note string
	for _, st := range res.Stages {
		if st.Name == StageToolsList {
			note = st.Note
		}
	}
	if !strings.Contains(note, "cut at the size cap") {
		t.Errorf("tools/list note %q", note)
	}

	// Under the cap, all of it, and no finding.
	res = Run(context.Background(), httpServerConfig("big", srv.URL, 10*time.Second), Options{})
	if !res.Healthy || len(res.Tools) != 300 {
		t.Fatalf("healthy %v, %d tools", res.Healthy, len(res.Tools))
	}
	for _, f := range res.Findings {
		if f.Code == "tools_list_too_large" {
			t.Errorf("finding under the cap: %s", f.Message)
		}
	}
}

// BenchmarkProbeHugeToolList: a server sending 6,000 tools of 8 KB (48 MB)
// in pages costs a probe no more than the cap.
func BenchmarkProbeHugeToolList(b *testing.B) {
	srv := mcptest.FakeTools(b, mcptest.ToolsOptions{Generated: 6000, DescriptionBytes: 8000, PageSize: 500})
	for b.Loop() {
		res := Run(context.Background(), httpServerConfig("big", srv.URL, 30*time.Second), Options{})
		if !res.Healthy || len(res.Tools) == 0 || len(res.Tools) >= 6000 {
			b.Fatal(fmt.Sprint(res.Healthy, len(res.Tools)))
		}
	}
}
