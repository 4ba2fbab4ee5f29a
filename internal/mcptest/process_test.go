package mcptest

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestProcessStopKillsChildren starts a shell that leaves a child running
// and wants the child gone once the process is stopped.
func TestProcessStopKillsChildren(t *testing.T) {
	t.Parallel()
	p, err := startProcess(t, "sh", t.TempDir(), nil, "sh", "-c", "sleep 300 & echo child $!; wait")
	if err != nil {
		t.Fatal(err)
	}
	childRE := regexp.MustCompile(`child (\d+)`)
	var child int
	err = p.waitReady(func(context.Context) error {
		m := childRE.FindStringSubmatch(p.out.String())
		if m == nil {
			return errors.New("no child pid yet")
		}
		child, _ = strconv.Atoi(m[1])
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	p.stop()
	deadline := time.Now().Add(5 * time.Second)
	for alive(child) {
		if time.Now().After(deadline) {
			t.Fatalf("child %d still running after stop", child)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// alive reports whether pid runs: it exists and is not a zombie waiting
// for its new parent to reap it.
func alive(pid int) bool {
	if syscall.Kill(pid, 0) != nil {
		return false
	}
	stat, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return false
	}
	// pid (comm) state …
	_, rest, _ := strings.Cut(string(stat), ") ")
	return !strings.HasPrefix(rest, "Z") && !strings.HasPrefix(rest, "X")
}

func TestWaitReadyReportsEarlyExit(t *testing.T) {
	t.Parallel()
	p, err := startProcess(t, "sh", t.TempDir(), nil, "sh", "-c", "echo listen EADDRINUSE >&2; exit 1")
	if err != nil {
		t.Fatal(err)
	}
	err = p.waitReady(func(context.Context) error { return errors.New("never ready") })
	if !errors.Is(err, errPortTaken) || !strings.Contains(err.Error(), "EADDRINUSE") {
		t.Errorf("waitReady = %v, want errPortTaken with the output", err)
	}
}

func TestNodeModules(t *testing.T) {
	t.Parallel()
	dir := NodeModules(t)
	if again := NodeModules(t); again != dir {
		t.Errorf("NodeModules = %s, then %s", dir, again)
	}
	want, err := manifestHash(filepath.Dir(dir))
	if err != nil {
		t.Fatal(err)
	}
	if !installed(dir, want) {
		t.Errorf("%s is not stamped as installed from the current package-lock.json", dir)
	}
	if installed(dir, "other") {
		t.Error("installed accepts a stamp for another lock file")
	}
}

func TestFreePortsDistinct(t *testing.T) {
	t.Parallel()
	ports := freePorts(t, 3)
	if ports[0] == ports[1] || ports[1] == ports[2] || ports[0] == ports[2] {
		t.Errorf("freePorts(3) = %v, want distinct ports", ports)
	}
}
