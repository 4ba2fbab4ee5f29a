package mcptest

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

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
