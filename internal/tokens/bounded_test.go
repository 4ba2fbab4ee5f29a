//go:build unix

package tokens_test

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mcpdoctor/mcpdoctor/internal/tokens"
)

// TestATokenFileThatIsNoRegularFileIsRefused: a FIFO or a device where
// the token file should be (or a link to one) is refused at once, with
// what it is and what to do, instead of hanging or flooding the read.
func TestATokenFileThatIsNoRegularFileIsRefused(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo.json")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	zero := filepath.Join(dir, "zero.json")
	if err := os.Symlink("/dev/zero", zero); err != nil {
		t.Fatal(err)
	}
	for path, kind := range map[string]string{fifo: "a FIFO", zero: "a device"} {
		done := make(chan error, 1)
		go func() { _, err := tokens.Open(path).Entries(); done <- err }()
		select {
		case err := <-done:
			want := "the token file " + path + " is " + kind + ", not a regular file: it is not mcpdoctor's; move it away and log in again"
			if err == nil || err.Error() != want {
				t.Errorf("%v, want %q", err, want)
			}
		case <-time.After(time.Second):
			t.Fatalf("%s: still reading after a second", path)
		}
	}
	// One over the cap is refused by its size.
	big := filepath.Join(dir, "big.json")
	if err := os.WriteFile(big, []byte(strings.Repeat(" ", 1<<20+1)), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := tokens.Open(big).Entries(); err == nil || !strings.Contains(err.Error(), "is larger than 1024 KiB") {
		t.Errorf("%v", err)
	}
}
