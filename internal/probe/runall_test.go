package probe_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mcpdoctor/mcpdoctor/internal/config"
	"github.com/mcpdoctor/mcpdoctor/internal/mcptest"
	"github.com/mcpdoctor/mcpdoctor/internal/probe"
)

// fiftyServers is the list the issue names: 49 real Go SDK servers and one
// that waits before every answer.
func fiftyServers(tb testing.TB) []config.Server {
	var servers []config.Server
	for i := range 49 {
		srv := mcptest.GoSDKHTTP(tb, mcptest.GoSDKOptions{JSONResponse: true, Stateless: true})
		servers = append(servers, config.Server{
			Name: fmt.Sprintf("fast%02d", i), Transport: config.TransportStreamableHTTP,
			URL: config.Literal(srv.URL + mcptest.GoSDKPath), Enabled: true, StartupTimeout: 10 * time.Second,
		})
	}
	slow := mcptest.FakeHTTP(tb, mcptest.FakeSlow)
	servers = append(servers, config.Server{
		Name: "slow", Transport: config.TransportStreamableHTTP,
		URL: config.Literal(slow.URL + "/mcp"), Enabled: true, StartupTimeout: 10 * time.Second,
	})
	return servers
}

func TestRunAllKeepsOrderAndProbesEach(t *testing.T) {
	servers := fiftyServers(t)
	var calls []int
	results := probe.RunAll(context.Background(), servers, probe.Options{}, probe.JobsLimits(8), func(p probe.Progress) {
		if p.Total != len(servers) {
			t.Errorf("progress total %d", p.Total)
		}
		if len(p.Running) > 8 {
			t.Errorf("%d running with 8 jobs: %v", len(p.Running), p.Running)
		}
		if len(calls) == 0 || calls[len(calls)-1] != p.Done {
			calls = append(calls, p.Done)
		}
	})
	for i, r := range results {
		if r.Name != servers[i].Name || !r.Healthy {
			t.Errorf("result %d: %s healthy=%v failure=%+v", i, r.Name, r.Healthy, r.Failure)
		}
	}
	// Each count of done servers is reported, from 0 (the first starts)
	// to all of them, in order.
	for i, c := range calls {
		if c != i {
			t.Fatalf("progress counts %v, want 0 to %d", calls, len(servers))
		}
	}
	if len(calls) != len(servers)+1 {
		t.Errorf("progress counts %v, want 0 to %d", calls, len(servers))
	}
	// The slow server's stages waited FakeSlowDelay per exchange.
	if d := results[49].Duration; d < 2*mcptest.FakeSlowDelay {
		t.Errorf("slow server took %v, want at least %v", d, 2*mcptest.FakeSlowDelay)
	}
}

// BenchmarkListFiftyServersOneSlow measures what `list` costs for 50 local
// servers, one of them slow: wall time should follow the slowest server,
// not the sum. It reports the wall time per list (ns/op), the slow
// server's own time and the sum of every server's time.
func BenchmarkListFiftyServersOneSlow(b *testing.B) {
	servers := fiftyServers(b)
	var slowest, sum time.Duration
	for b.Loop() {
		results := probe.RunAll(context.Background(), servers, probe.Options{}, probe.DefaultLimits(), nil)
		slowest, sum = 0, 0
		for _, r := range results {
			if !r.Healthy {
				b.Fatalf("%s: %+v", r.Name, r.Failure)
			}
			slowest = max(slowest, r.Duration)
			sum += r.Duration
		}
	}
	b.ReportMetric(float64(slowest.Milliseconds()), "slowest-ms")
	b.ReportMetric(float64(sum.Milliseconds()), "sum-ms")
}

// Network probes and the processes of stdio servers have limits of their
// own: many HTTP probes at once, few processes.
func TestRunAllLimitsEachKind(t *testing.T) {
	defer probe.IgnoreMachineLoad()()
	var servers []config.Server
	stdio, args := mcptest.FakeStdio(t, mcptest.FakeStdioOK)
	slow := mcptest.FakeHTTP(t, mcptest.FakeSlow)
	for i := range 6 {
		servers = append(servers, config.Server{Name: fmt.Sprintf("proc%d", i), Transport: config.TransportStdio,
			Command: config.Literal(stdio), Args: config.Literals(args...), Enabled: true, StartupTimeout: 10 * time.Second})
		servers = append(servers, config.Server{Name: fmt.Sprintf("net%d", i), Transport: config.TransportStreamableHTTP,
			URL: config.Literal(slow.URL + "/mcp"), Enabled: true, StartupTimeout: 10 * time.Second})
	}
	maxProcs, maxNet := 0, 0
	results := probe.RunAll(context.Background(), servers, probe.Options{}, probe.Limits{Network: 6, Stdio: 2}, func(p probe.Progress) {
		procs, net := 0, 0
		for _, name := range p.Running {
			if strings.HasPrefix(name, "proc") {
				procs++
			} else {
				net++
			}
		}
		maxProcs, maxNet = max(maxProcs, procs), max(maxNet, net)
		if p.Result != nil && p.Result.Name != servers[p.Index].Name {
			t.Errorf("finished %s reported at index %d (%s)", p.Result.Name, p.Index, servers[p.Index].Name)
		}
	})
	if maxProcs > 2 || maxProcs == 0 {
		t.Errorf("%d stdio servers ran at once, want at most 2", maxProcs)
	}
	if maxNet <= 2 {
		t.Errorf("at most %d network probes ran at once: the stdio limit held them back", maxNet)
	}
	for i, r := range results {
		if r == nil || r.Name != servers[i].Name || !r.Healthy {
			t.Errorf("result %d: %+v", i, r)
		}
	}
}
