//go:build unix

package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mcpdoctor/mcpdoctor/internal/mcptest"
	"github.com/mcpdoctor/mcpdoctor/internal/schematest"
)

// mcpdoctorCommand runs this test binary as mcpdoctor (testscript's Main
// dispatches on the program's name).
func mcpdoctorCommand(t *testing.T, args ...string) *exec.Cmd {
	t.Helper()
	dir := t.TempDir()
	bin := filepath.Join(dir, "mcpdoctor")
	if err := os.Symlink(os.Args[0], bin); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "HOME="+dir, "CODEX_HOME="+dir, "MCPDOCTOR_TOKENS_FILE="+filepath.Join(dir, "tokens.json"))
	return cmd
}

// stubbornServers writes a config of n stdio servers that ignore SIGTERM
// and start children that do too, and an HTTP server that answers; it
// returns the config and the pid files the servers will write.
func stubbornServers(t *testing.T, n int) (string, []string) {
	stdio, args := mcptest.FakeStdio(t, mcptest.FakeStdioStubborn)
	sdk := mcptest.GoSDKHTTP(t, mcptest.GoSDKOptions{})
	dir := t.TempDir()
	var config strings.Builder
	fmt.Fprintf(&config, "[mcp_servers.quick]\nurl = %q\n\n", sdk.URL+mcptest.GoSDKPath)
	var pidFiles []string
	for i := range n {
		pf := filepath.Join(dir, fmt.Sprintf("pids%d", i))
		pidFiles = append(pidFiles, pf)
		fmt.Fprintf(&config, "[mcp_servers.stubborn%d]\ncommand = %q\nargs = %q\nenv = { FAKE_CHILD_PID_FILE = %q }\n\n", i, stdio, args, pf)
	}
	path := filepath.Join(dir, "config.toml")
	os.WriteFile(path, []byte(config.String()), 0o600)
	return path, pidFiles
}

// pidsOf waits for each server to write its pid and its child's.
func pidsOf(t *testing.T, files []string) []int {
	t.Helper()
	var pids []int
	deadline := time.Now().Add(15 * time.Second)
	for _, f := range files {
		for {
			data, err := os.ReadFile(f)
			if fields := strings.Fields(string(data)); err == nil && len(fields) == 2 {
				for _, p := range fields {
					n, _ := strconv.Atoi(p)
					pids = append(pids, n)
				}
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("the server never wrote %s", f)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	return pids
}

// wantAllGone checks that no process of the servers' groups survived.
func wantAllGone(t *testing.T, pids []int) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Second)
	for _, pid := range pids {
		for syscall.Kill(pid, 0) == nil || !errors.Is(syscall.Kill(pid, 0), syscall.ESRCH) {
			if time.Now().After(deadline) {
				syscall.Kill(pid, syscall.SIGKILL)
				t.Errorf("process %d survived", pid)
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
}

// SIGINT during list: the servers (which ignore SIGTERM, with children
// that do too) are killed with their groups, what finished is printed and
// the rest marked cancelled, in one valid document, and the status is 130.
func TestInterruptedListClosesEveryServer(t *testing.T) {
	config, pidFiles := stubbornServers(t, 2)
	cmd := mcpdoctorCommand(t, "list", "--config", config, "--json", "--timeout", "60s")
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pids := pidsOf(t, pidFiles)
	start := time.Now()
	cmd.Process.Signal(syscall.SIGINT)
	err := cmd.Wait()
	took := time.Since(start)
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 130 {
		t.Fatalf("exit %v, want status 130\n%s", err, errOut.String())
	}
	if took > 10*time.Second {
		t.Errorf("took %v to stop after SIGINT", took)
	}
	wantAllGone(t, pids)
	if err := schematest.Validate("list", out.Bytes()); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	var servers []struct {
		Name    string `json:"name"`
		Healthy bool   `json:"healthy"`
		Failure *struct {
			Category string `json:"category"`
		} `json:"failure"`
	}
	json.Unmarshal(out.Bytes(), &servers)
	for _, s := range servers {
		switch {
		case s.Name == "quick" && !s.Healthy && (s.Failure == nil || s.Failure.Category != "cancelled"):
			// It may not have finished when the signal came.
			t.Errorf("the server that answers is neither healthy nor cancelled: %+v\n%s", s, out.String())
		case strings.HasPrefix(s.Name, "stubborn") && (s.Failure == nil || s.Failure.Category != "cancelled"):
			t.Errorf("%s: %+v, want failure category cancelled", s.Name, s.Failure)
		}
	}
	if !strings.Contains(errOut.String(), "interrupt") {
		t.Errorf("stderr does not say it was interrupted: %s", errOut.String())
	}
}

// A second SIGINT stops at once, and still kills the servers' groups.
func TestSecondInterruptStopsAtOnce(t *testing.T) {
	config, pidFiles := stubbornServers(t, 2)
	cmd := mcpdoctorCommand(t, "list", "--config", config, "--timeout", "60s")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pids := pidsOf(t, pidFiles)
	cmd.Process.Signal(syscall.SIGINT)
	time.Sleep(100 * time.Millisecond)
	start := time.Now()
	cmd.Process.Signal(syscall.SIGINT)
	err := cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 130 {
		t.Fatalf("exit %v, want status 130", err)
	}
	if took := time.Since(start); took > time.Second {
		t.Errorf("took %v after the second SIGINT", took)
	}
	wantAllGone(t, pids)
}

// SIGTERM is 128+15.
func TestTerminatedProbeIs143(t *testing.T) {
	config, pidFiles := stubbornServers(t, 1)
	cmd := mcpdoctorCommand(t, "probe", "stubborn0", "--config", config, "--timeout", "60s", "--json")
	var out bytes.Buffer
	cmd.Stdout = &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pids := pidsOf(t, pidFiles)
	cmd.Process.Signal(syscall.SIGTERM)
	err := cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 143 {
		t.Fatalf("exit %v, want status 143", err)
	}
	wantAllGone(t, pids)
	if err := schematest.Validate("server", out.Bytes()); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
}

// A login waiting for the browser stops on SIGINT, with 130.
func TestInterruptedLogin(t *testing.T) {
	fake := mcptest.FakeOAuth(t, mcptest.FakeOAuthOptions{ProtectedResource: true, AuthServer: true, Authorize: true, Token: "t"})
	dir := t.TempDir()
	config := filepath.Join(dir, "config.toml")
	os.WriteFile(config, []byte(fmt.Sprintf("[mcp_servers.guarded]\nurl = %q\n", fake.MCPURL)), 0o600)
	cmd := mcpdoctorCommand(t, "login", "guarded", "--config", config, "--no-browser")
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Wait for the authorization URL: the login is waiting for the browser.
	buf := make([]byte, 64<<10)
	seen := ""
	for !strings.Contains(seen, "/authorize?") {
		n, err := stderr.Read(buf)
		if err != nil {
			t.Fatalf("login ended before it waited: %s", seen)
		}
		seen += string(buf[:n])
	}
	start := time.Now()
	cmd.Process.Signal(syscall.SIGINT)
	go func() { io.Copy(io.Discard, stderr) }()
	err := cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 130 {
		t.Fatalf("exit %v, want status 130", err)
	}
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("took %v to stop", took)
	}
}
