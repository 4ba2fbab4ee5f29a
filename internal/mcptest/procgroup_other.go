//go:build !unix

package mcptest

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/gofrs/flock"
)

// The tests run on Unix (CI, and where the npm servers are pinned); here
// the helpers only have to build and do the plain thing, so that `go vet`
// for Windows checks the rest of the module.

// inOwnGroup does nothing where process groups do not exist.
func inOwnGroup(*exec.Cmd) {}

// killGroup kills cmd's process; its children are on their own here.
func killGroup(cmd *exec.Cmd) {
	if cmd.Process != nil {
		_ = cmd.Process.Kill()
	}
}

// processGone reports whether no process has this pid any more.
func processGone(pid int) bool {
	p, err := os.FindProcess(pid) // opens the process on Windows
	if err != nil {
		return true
	}
	_ = p.Release()
	return false
}

// killProcess kills the process pid, if it still runs.
func killProcess(pid int) {
	if p, err := os.FindProcess(pid); err == nil {
		_ = p.Kill()
		_ = p.Release()
	}
}

// lockFile takes an exclusive lock shared by processes on a file beside
// f in the temporary directory: on Windows a lock on f itself would keep
// other processes (npm) from reading it.
func lockFile(f *os.File) (unlock func(), err error) {
	sum := sha256.Sum256([]byte(f.Name()))
	l := flock.New(filepath.Join(os.TempDir(), "mcptest-"+hex.EncodeToString(sum[:8])+".lock"))
	if err := l.Lock(); err != nil {
		return nil, err
	}
	return func() { _ = l.Unlock() }, nil
}
