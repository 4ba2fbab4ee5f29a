package mcptest

import (
	"bufio"
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"
)

// RemoteFarm starts n Go SDK servers (Streamable HTTP, JSON responses)
// behind lat in a process of their own, so that what they spend is not
// counted against the process that probes them, and returns their URLs.
// They are stopped when the test ends.
func RemoteFarm(tb testing.TB, n int, lat Latency) []string {
	tb.Helper()
	bin := buildMain(tb, "sdkfarm")
	cmd := exec.Command(bin, "-n", strconv.Itoa(n), "-request", lat.Request.String(), "-connect", lat.Connect.String(), "-cpuprofile", os.Getenv("MCPTEST_FARM_PROFILE"))
	inOwnGroup(cmd)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		tb.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		stdin.Close()
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done: // it ended when stdin closed
		case <-time.After(2 * time.Second):
			killGroup(cmd)
			<-done
		}
	})
	urls := make([]string, 0, n)
	lines := bufio.NewScanner(stdout)
	deadline := time.AfterFunc(readyTimeout, func() { killGroup(cmd) })
	defer deadline.Stop()
	for lines.Scan() {
		if lines.Text() == "ready" {
			return urls
		}
		urls = append(urls, lines.Text())
	}
	tb.Fatalf("mcptest: sdkfarm ended before it was ready (%d of %d servers)", len(urls), n)
	return nil
}
