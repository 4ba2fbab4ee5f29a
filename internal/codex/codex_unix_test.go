//go:build unix

package codex

import (
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mcpdoctor/mcpdoctor/internal/config"
)

// TestCodexCredentialsFIFOIsNotWaitedFor: a FIFO in place of Codex's
// .credentials.json is refused at once and said, not read until someone
// writes to it.
func TestCodexCredentialsFIFOIsNotWaitedFor(t *testing.T) {
	home := t.TempDir()
	path := filepath.Join(home, ".credentials.json")
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Fatal(err)
	}
	s := config.Server{Name: "srv", Transport: config.TransportStreamableHTTP, URL: config.Literal("https://mcp.example.com/mcp")}
	type answer struct {
		status Status
		reason string
	}
	done := make(chan answer, 1)
	go func() {
		status, reason := BeforeDiscovery(s, s.Launch(config.Lookup{}), home, time.Now())
		done <- answer{status, reason}
	}()
	select {
	case a := <-done:
		if a.status != Unsupported || !strings.Contains(a.reason, path+" is a FIFO, not a regular file") {
			t.Errorf("%s — %s", a.status, a.reason)
		}
	case <-time.After(time.Second):
		t.Fatal("still reading after a second")
	}
}
