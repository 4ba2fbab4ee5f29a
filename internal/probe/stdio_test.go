package probe_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mcpdoctor/mcpdoctor/internal/config"
	"github.com/mcpdoctor/mcpdoctor/internal/evidence"
	"github.com/mcpdoctor/mcpdoctor/internal/mcptest"
	"github.com/mcpdoctor/mcpdoctor/internal/probe"
)

func stdioServer(command string, args []string, timeout time.Duration) config.Server {
	return config.Server{Name: "s", Transport: config.TransportStdio, Command: config.Literal(command), Args: config.Literals(args...),
		Enabled: true, StartupTimeout: timeout, ToolTimeout: timeout}
}

func fakeStdio(t *testing.T, mode string, timeout time.Duration) config.Server {
	cmd, args := mcptest.FakeStdio(t, mode)
	return stdioServer(cmd, args, timeout)
}

func stage(r *probe.Result, name probe.StageName) probe.Stage {
	for _, s := range r.Stages {
		if s.Name == name {
			return s
		}
	}
	return probe.Stage{Name: name, Status: "absent"}
}

func wantStages(t *testing.T, r *probe.Result, want map[probe.StageName]probe.StageStatus) {
	t.Helper()
	for name, status := range want {
		if got := stage(r, name).Status; got != status {
			t.Errorf("stage %s = %s, want %s (failure %+v)", name, got, status, r.Failure)
		}
	}
}

func wantFailure(t *testing.T, r *probe.Result, stageName probe.StageName, category evidence.Category, contains string) {
	t.Helper()
	if r.Healthy || r.Failure == nil {
		t.Fatalf("healthy=%v failure=%+v, want a failure", r.Healthy, r.Failure)
	}
	if r.Failure.Stage != stageName || r.Failure.Category != category || !strings.Contains(r.Failure.Message, contains) {
		t.Errorf("failure = %+v, want %s/%s containing %q", r.Failure, stageName, category, contains)
	}
}

func TestStdioHealthyFake(t *testing.T) {
	r := probe.Run(context.Background(), fakeStdio(t, mcptest.FakeStdioOK, 10*time.Second), probe.Options{})
	if !r.Healthy || r.Server == nil || r.Server.Name != mcptest.FakeStdioName {
		t.Fatalf("healthy=%v server=%+v failure=%+v", r.Healthy, r.Server, r.Failure)
	}
	wantStages(t, r, map[probe.StageName]probe.StageStatus{"connect": "ok", "initialize": "ok", "notifications/initialized": "ok", "tools/list": "ok"})
	if len(r.Tools) != 2 || r.Auth.Status != probe.AuthNone {
		t.Errorf("tools=%v auth=%s", r.Tools, r.Auth.Status)
	}
	init := stage(r, "initialize")
	if len(init.Exchanges) != 2 || init.Exchanges[0].Direction != "send" || init.Exchanges[1].RPCMethod != "initialize" {
		t.Errorf("initialize exchanges = %+v", init.Exchanges)
	}
}

func TestStdioLogsOnStdout(t *testing.T) {
	r := probe.Run(context.Background(), fakeStdio(t, mcptest.FakeStdioLogStdout, 10*time.Second), probe.Options{})
	if !r.Healthy {
		t.Fatalf("a server that logs on stdout still answers: %+v", r.Failure)
	}
	n := 0
	for _, f := range r.Findings {
		if f.Code == "stdout_not_jsonrpc" {
			n++
			if !strings.Contains(f.Message, "Server starting on stdio") {
				t.Errorf("finding lacks the example line: %s", f.Message)
			}
		}
	}
	if n != 1 {
		t.Errorf("%d stdout_not_jsonrpc findings, want exactly 1: %+v", n, r.Findings)
	}
}

func TestStdioExitsAtOnce(t *testing.T) {
	r := probe.Run(context.Background(), fakeStdio(t, mcptest.FakeStdioExitStderr, 10*time.Second), probe.Options{})
	wantFailure(t, r, "server/discover", evidence.CategoryProcessExit, "exit status 3")
	if !slices.Contains(r.StderrTail, "fatal: missing API key") {
		t.Errorf("stderr tail = %q", r.StderrTail)
	}
	if !strings.Contains(r.Failure.Hint, "missing API key") {
		t.Errorf("hint should quote stderr: %q", r.Failure.Hint)
	}
	wantStages(t, r, map[probe.StageName]probe.StageStatus{"tools/list": "skipped"})
	if r.Auth.Status != probe.AuthFailed {
		t.Errorf("auth = %s", r.Auth.Status)
	}
}

func TestStdioHangEndsOnTime(t *testing.T) {
	start := time.Now()
	r := probe.Run(context.Background(), fakeStdio(t, mcptest.FakeStdioHang, time.Second), probe.Options{})
	wantFailure(t, r, "initialize", evidence.CategoryTimeout, "did not answer initialize")
	// 1 s of startup timeout, then stdin close and SIGTERM graces.
	if d := time.Since(start); d > time.Second+stdioCloseBound {
		t.Errorf("took %v", d)
	}
}

// stdioCloseBound is what Close may add: the stdin and SIGTERM graces and
// some slack for a loaded machine.
const stdioCloseBound = 6 * time.Second

func TestStdioNeverExitIsKilled(t *testing.T) {
	cmd, args := mcptest.FakeStdio(t, mcptest.FakeStdioSpawnChild)
	pidFile := filepath.Join(t.TempDir(), "child.pid")
	s := stdioServer(cmd, args, 10*time.Second)
	s.SetEnv(map[string]string{"FAKE_CHILD_PID_FILE": pidFile})
	r := probe.Run(context.Background(), s, probe.Options{})
	if !r.Healthy {
		t.Fatalf("failure %+v", r.Failure)
	}
	b, err := os.ReadFile(pidFile)
	if err != nil {
		t.Fatal(err)
	}
	child, _ := strconv.Atoi(string(b))
	wantGone(t, child)

	start := time.Now()
	r = probe.Run(context.Background(), fakeStdio(t, mcptest.FakeStdioNeverExit, 10*time.Second), probe.Options{})
	if !r.Healthy {
		t.Fatalf("failure %+v", r.Failure)
	}
	if d := time.Since(start); d > stdioCloseBound {
		t.Errorf("took %v to end a server that ignores SIGTERM", d)
	}
	last := r.Stages[len(r.Stages)-1].Exchanges
	if note := last[len(last)-1].Note; !strings.Contains(note, "ignored SIGTERM; killed") {
		t.Errorf("last exchange note = %q", note)
	}
}

// wantGone waits briefly for a process to disappear.
func wantGone(t *testing.T, pid int) {
	t.Helper()
	for range 50 {
		if mcptest.ProcessGone(pid) {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Errorf("process %d outlived the probe", pid)
	mcptest.KillProcess(pid)
}

func TestStdioGarbageAndHuge(t *testing.T) {
	start := time.Now()
	r := probe.Run(context.Background(), fakeStdio(t, mcptest.FakeStdioGarbage, 10*time.Second), probe.Options{})
	wantFailure(t, r, "server/discover", evidence.CategoryProtocol, "not valid JSON-RPC")
	if time.Since(start) > 5*time.Second {
		t.Error("garbage must fail at once, not at the timeout")
	}

	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	r = probe.Run(context.Background(), fakeStdio(t, mcptest.FakeStdioHuge, 10*time.Second), probe.Options{MaxMessageBytes: 1 << 20})
	wantFailure(t, r, "server/discover", evidence.CategoryProtocol, "a line of 20971565 bytes on stdout, over mcpdoctor's cap of 1048576 bytes")
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 16<<20 {
		t.Errorf("reading a 20 MiB line allocated %d MiB", grew>>20)
	}
}

func TestStdioAnswersServerRequests(t *testing.T) {
	r := probe.Run(context.Background(), fakeStdio(t, mcptest.FakeStdioServerRequest, 10*time.Second), probe.Options{})
	if !r.Healthy {
		t.Fatalf("failure %+v stderr %q", r.Failure, r.StderrTail)
	}
	found := false
	for _, ex := range stage(r, "tools/list").Exchanges {
		if ex.Direction == "send" && ex.RPCMethod == "roots/list" && strings.Contains(ex.RequestBody, "-32601") {
			found = true
		}
	}
	if !found {
		t.Errorf("no -32601 answer to roots/list recorded: %+v", stage(r, "tools/list").Exchanges)
	}
}

func TestStdioEnvironmentAsCodexBuildsIt(t *testing.T) {
	s := fakeStdio(t, mcptest.FakeStdioOK, 10*time.Second)
	s.SetEnv(map[string]string{"FROM_ENV": "env-value", "PATH": "/usr/bin:/bin"})
	s.Forward = []config.EnvForward{{Name: "FORWARDED", Source: "local"}}
	s.Inherit = config.CodexInheritedEnv // as Codex's reader sets it
	lookup := func(k string) (string, bool) {
		v, ok := map[string]string{"HOME": "/home/probe", "FORWARDED": "fwd", "NOT_FORWARDED": "x", "PATH": "/elsewhere"}[k]
		return v, ok
	}
	r := probe.Run(context.Background(), s, probe.Options{LookupEnv: lookup, Call: &probe.ToolCall{Name: "env"}})
	if !r.Healthy || r.ToolCall == nil {
		t.Fatalf("failure %+v", r.Failure)
	}
	var content []struct{ Text string }
	json.Unmarshal(r.ToolCall.Content, &content)
	env := strings.Split(content[0].Text, "\n")
	for _, want := range []string{"HOME=/home/probe", "FORWARDED=fwd", "FROM_ENV=env-value", "PATH=/usr/bin:/bin"} {
		if !slices.Contains(env, want) {
			t.Errorf("server env lacks %s: %q", want, env)
		}
	}
	for _, kv := range env {
		if strings.HasPrefix(kv, "NOT_FORWARDED=") {
			t.Errorf("a variable outside the allow-list reached the server: %s", kv)
		}
	}
}

func TestStdioCommandNotFound(t *testing.T) {
	r := probe.Run(context.Background(), stdioServer("definitely-not-a-real-mcp-server", nil, 5*time.Second), probe.Options{})
	wantFailure(t, r, "connect", evidence.CategoryConfig, "not on the PATH")
	wantStages(t, r, map[probe.StageName]probe.StageStatus{"server/discover": "skipped", "tools/list": "skipped"})
}

func TestStdioLeavesNoGoroutines(t *testing.T) {
	before := runtime.NumGoroutine()
	for _, mode := range []string{mcptest.FakeStdioOK, mcptest.FakeStdioExitStderr, mcptest.FakeStdioGarbage} {
		probe.Run(context.Background(), fakeStdio(t, mode, 5*time.Second), probe.Options{})
	}
	for range 100 {
		if runtime.NumGoroutine() <= before {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	buf := make([]byte, 1<<16)
	t.Errorf("goroutines: %d before, %d after\n%s", before, runtime.NumGoroutine(), buf[:runtime.Stack(buf, true)])
}

// Real peers: the official Go SDK and server-everything over stdio.
func TestStdioGoSDK(t *testing.T) {
	s := stdioServer(mcptest.GoSDKStdioCommand(t), []string{"-page-size", "2"}, 20*time.Second)
	r := probe.Run(context.Background(), s, probe.Options{Call: &probe.ToolCall{Name: "echo", Arguments: json.RawMessage(`{"text":"over stdio"}`)}})
	if !r.Healthy || r.Server.Name != mcptest.GoSDKName {
		t.Fatalf("failure %+v server %+v", r.Failure, r.Server)
	}
	if len(r.Tools) != 7 || !strings.Contains(stage(r, "tools/list").Note, "4 pages") {
		t.Errorf("%d tools, note %q", len(r.Tools), stage(r, "tools/list").Note)
	}
	if r.ToolCall == nil || !strings.Contains(string(r.ToolCall.Content), "over stdio") {
		t.Errorf("call = %+v", r.ToolCall)
	}
}

func TestStdioServerEverything(t *testing.T) {
	cmd, args, env := mcptest.EverythingStdio(t)
	s := stdioServer(cmd, args, 30*time.Second)
	vars := map[string]string{}
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		vars[k] = v
	}
	s.SetEnv(vars)
	r := probe.Run(context.Background(), s, probe.Options{Call: &probe.ToolCall{Name: "echo", Arguments: json.RawMessage(`{"message":"hi everything"}`)}})
	if !r.Healthy || r.Server == nil || r.Server.Name != mcptest.EverythingName {
		t.Fatalf("failure %+v server %+v stderr %q", r.Failure, r.Server, r.StderrTail)
	}
	if len(r.Tools) < 5 || r.ToolCall == nil || !strings.Contains(string(r.ToolCall.Content), "hi everything") {
		t.Errorf("tools %d, call %+v", len(r.Tools), r.ToolCall)
	}
}
