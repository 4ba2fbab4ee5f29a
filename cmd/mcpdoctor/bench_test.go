//go:build unix

// The peak memory comes from wait4's rusage (Maxrss), which Windows does
// not have.

package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/mcpdoctor/mcpdoctor/internal/mcptest"
)

// BenchmarkListMixed500: `mcpdoctor list` of 250 stdio servers (the Go
// SDK's, each a process) and 250 local HTTP ones, run as the real binary,
// with its peak resident memory (peak-rss-MiB: the largest of mcpdoctor
// and the servers it started, as wait4 reports it). MCPDOCTOR_BENCH_BIN
// runs another build instead (an older one, to compare), with the flags
// in MCPDOCTOR_BENCH_ARGS.
func BenchmarkListMixed500(b *testing.B) {
	bin := os.Getenv("MCPDOCTOR_BENCH_BIN")
	dir := b.TempDir()
	if bin == "" {
		bin = filepath.Join(dir, "mcpdoctor")
		if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
			b.Fatalf("go build: %v\n%s", err, out)
		}
	}
	stdio := mcptest.GoSDKStdioCommand(b)
	var config strings.Builder
	for i, url := range mcptest.RemoteFarm(b, 250, mcptest.Latency{}) {
		fmt.Fprintf(&config, "[mcp_servers.http%03d]\nurl = %q\n\n[mcp_servers.stdio%03d]\ncommand = %q\n\n", i, url, i, stdio)
	}
	path := filepath.Join(dir, "config.toml")
	if err := os.WriteFile(path, []byte(config.String()), 0o600); err != nil {
		b.Fatal(err)
	}
	var peak int64
	for b.Loop() {
		args := append([]string{"list", "--config", path, "--json"}, strings.Fields(os.Getenv("MCPDOCTOR_BENCH_ARGS"))...)
		cmd := exec.Command(bin, args...)
		cmd.Env = append(os.Environ(), "HOME="+dir, "CODEX_HOME="+dir)
		out, err := cmd.Output()
		if err != nil {
			b.Fatalf("%v: %s", err, out[:min(len(out), 2000)])
		}
		if n := strings.Count(string(out), `"healthy": true`); n != 500 {
			b.Fatalf("%d healthy servers, want 500", n)
		}
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			peak = max(peak, ru.Maxrss) // KiB on Linux
		}
	}
	b.ReportMetric(float64(peak)/1024, "peak-rss-MiB")
}

// BenchmarkListHugeToolList: `mcpdoctor list --timeout 5s` of one server
// sending 6,000 tools of 8 KB (48 MB) in pages, as the real binary, in
// text and JSON: the list is cut at the cap, so the run ends well within
// --timeout and its peak resident memory (peak-rss-MiB) stays under
// 100 MiB.
func BenchmarkListHugeToolList(b *testing.B) {
	dir := b.TempDir()
	bin := filepath.Join(dir, "mcpdoctor")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	srv := mcptest.FakeTools(b, mcptest.ToolsOptions{Generated: 6000, DescriptionBytes: 8000, PageSize: 1000})
	path := filepath.Join(dir, "config.toml")
	if err := os.WriteFile(path, []byte(fmt.Sprintf("[mcp_servers.big]\nurl = %q\n", srv.URL)), 0o600); err != nil {
		b.Fatal(err)
	}
	for _, format := range []string{"text", "json"} {
		b.Run(format, func(b *testing.B) {
			var peak int64
			for b.Loop() {
				args := []string{"list", "--config", path, "--timeout", "5s"}
				if format == "json" {
					args = append(args, "--json")
				}
				cmd := exec.Command(bin, args...)
				cmd.Env = append(os.Environ(), "HOME="+dir, "CODEX_HOME="+dir)
				out, err := cmd.Output()
				if err != nil {
					b.Fatalf("%v: %s", err, out[:min(len(out), 2000)])
				}
				if !strings.Contains(string(out), "tools/list sent") {
					b.Fatalf("no finding says the list was cut: %s", out[:min(len(out), 2000)])
				}
				if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
					peak = max(peak, ru.Maxrss)
				}
			}
			b.ReportMetric(float64(peak)/1024, "peak-rss-MiB")
		})
	}
}
