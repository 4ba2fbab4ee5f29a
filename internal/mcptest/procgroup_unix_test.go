//go:build unix

package mcptest

import (
	"context"
	"errors"
	"regexp"
	"strconv"
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
	for !processGone(child) {
		if time.Now().After(deadline) {
			t.Fatalf("child %d still running after stop", child)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
