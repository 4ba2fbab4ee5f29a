package safefile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// within runs f and fails the test when it takes more than a second: a
// FIFO or a device must never make a read wait, and a test of that must
// not hang when it breaks.
func within(t *testing.T, what string, f func() error) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- f() }()
	select {
	case err := <-done:
		return err
	case <-time.After(time.Second):
		t.Fatalf("%s: still waiting after a second", what)
		return nil
	}
}

func TestReadFileReadsRegularFilesUpToTheLimit(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "token")
	if err := os.WriteFile(path, []byte("0123456789"), 0o600); err != nil {
		t.Fatal(err)
	}
	data, err := ReadFile(path, 10)
	if err != nil || string(data) != "0123456789" {
		t.Fatalf("%q, %v", data, err)
	}
	// A link is followed to a regular file.
	link := filepath.Join(dir, "link")
	if err := os.Symlink(path, link); err != nil {
		t.Fatal(err)
	}
	if data, err := ReadFile(link, 10); err != nil || string(data) != "0123456789" {
		t.Fatalf("through a link: %q, %v", data, err)
	}
	// One byte over is refused, by its size, unread.
	_, err = ReadFile(path, 9)
	var se *Error
	if !errors.As(err, &se) || !se.TooLarge() || se.Size != 10 || se.Limit != 9 {
		t.Fatalf("over the limit: %v", err)
	}
	if !strings.Contains(err.Error(), path+" is 10 bytes, more than the 9 bytes") {
		t.Errorf("message %q", err)
	}
	// A missing file is os's error.
	if _, err := ReadFile(filepath.Join(dir, "nope"), 10); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing: %v", err)
	}
}

// TestReadFileStopsAtTheLimitWhateverTheSize: a file whose size says
// nothing (the kernel's files say 0) is read no further than the limit.
func TestReadFileStopsAtTheLimitWhateverTheSize(t *testing.T) {
	const path = "/proc/self/maps"
	if _, err := os.Stat(path); err != nil {
		t.Skip("no /proc")
	}
	_, err := ReadFile(path, 16)
	var se *Error
	if !errors.As(err, &se) || se.Size != -1 || !strings.Contains(err.Error(), "is larger than 16 bytes") {
		t.Fatalf("%v", err)
	}
}

func TestSize(t *testing.T) {
	for n, want := range map[int64]string{0: "0 bytes", 1023: "1023 bytes", 1024: "1 KiB", 1536: "1.5 KiB", 1 << 20: "1 MiB", 4<<20 + 1: "4 MiB", 5 << 29: "2.5 GiB"} {
		if got := Size(n); got != want {
			t.Errorf("Size(%d) = %q, want %q", n, got, want)
		}
	}
}

// TestTooLargeSaysBytesWhereSizesRound: one byte over a MiB is not "1
// MiB, more than the 1 MiB".
func TestTooLargeSaysBytesWhereSizesRound(t *testing.T) {
	err := &Error{Path: "p", Size: 1<<20 + 1, Limit: 1 << 20}
	if want := "p is 1048577 bytes, more than the 1 MiB mcpdoctor reads of such a file"; err.Error() != want {
		t.Errorf("%q, want %q", err, want)
	}
}
