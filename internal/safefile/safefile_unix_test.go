//go:build unix

package safefile

import (
	"errors"
	"net"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

func mkfifo(t *testing.T, path string) {
	t.Helper()
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestNoRegularFileIsRead: a FIFO, a device, a directory and a socket are
// refused at once, each named for what it is, and so is a link to one.
func TestNoRegularFileIsRead(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	mkfifo(t, fifo)
	sock := filepath.Join(dir, "s.sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	link := filepath.Join(dir, "link")
	if err := os.Symlink(fifo, link); err != nil {
		t.Fatal(err)
	}
	cases := []struct{ path, kind string }{
		{fifo, "a FIFO"}, {link, "a FIFO"}, {"/dev/zero", "a device"}, {"/dev/null", "a device"}, {dir, "a directory"}, {sock, "a socket"},
	}
	for _, c := range cases {
		if _, err := os.Stat(c.path); err != nil {
			t.Errorf("%s: %v", c.path, err)
			continue
		}
		err := within(t, c.path, func() error { _, err := ReadFile(c.path, 1<<20); return err })
		var se *Error
		if !errors.As(err, &se) || se.Kind != c.kind || se.TooLarge() {
			t.Errorf("%s: %v, want it refused as %s", c.path, err, c.kind)
			continue
		}
		if want := c.path + " is " + c.kind + ", not a regular file"; err.Error() != want {
			t.Errorf("%q, want %q", err, want)
		}
	}
}

// TestAFIFOSwappedInIsNotWaitedFor: past the first look, the open itself
// must not wait for a FIFO's writer, and the look at the open file
// refuses it.
func TestAFIFOSwappedInIsNotWaitedFor(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "fifo")
	mkfifo(t, fifo)
	err := within(t, "opening a FIFO", func() error {
		f, err := openRegular(fifo)
		if err == nil {
			f.Close()
		}
		return err
	})
	var se *Error
	if !errors.As(err, &se) || se.Kind != "a FIFO" {
		t.Fatalf("%v, want the FIFO refused", err)
	}
}

// TestAFIFOIsRefusedUnopened: a FIFO is refused before it is opened, so
// that a writer waiting on it is not released to write into nothing.
func TestAFIFOIsRefusedUnopened(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "fifo")
	mkfifo(t, fifo)
	opened := make(chan *os.File, 1)
	go func() {
		f, err := os.OpenFile(fifo, os.O_WRONLY, 0) // waits for a reader
		if err == nil {
			opened <- f
		}
	}()
	time.Sleep(100 * time.Millisecond) // the writer waits in its open by now
	if _, err := ReadFile(fifo, 1<<20); err == nil {
		t.Fatal("the FIFO was read")
	}
	select {
	case f := <-opened:
		f.Close()
		t.Fatal("the FIFO was opened for reading: its writer went on")
	case <-time.After(100 * time.Millisecond):
	}
	// Release the writer.
	r, err := os.OpenFile(fifo, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		t.Fatal(err)
	}
	r.Close()
	if f := <-opened; f != nil {
		f.Close()
	}
}
