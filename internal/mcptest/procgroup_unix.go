//go:build unix

package mcptest

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// inOwnGroup makes cmd start in a process group of its own, so that
// killGroup reaches the children it starts too.
func inOwnGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}

// killGroup kills cmd's process group, children included. A group that is
// already gone is fine.
func killGroup(cmd *exec.Cmd) {
	if cmd.Process != nil {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
}

// processGone reports whether the process pid has ended: there is no such
// process, or it is a zombie waiting for a parent to reap it (an orphan
// lingers so where nothing reaps orphans, such as a container's pid 1).
func processGone(pid int) bool {
	if errors.Is(syscall.Kill(pid, 0), syscall.ESRCH) {
		return true
	}
	// Linux: "pid (comm) state …"; elsewhere there is no /proc to ask.
	stat, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return false
	}
	_, rest, _ := strings.Cut(string(stat), ") ")
	return strings.HasPrefix(rest, "Z") || strings.HasPrefix(rest, "X")
}

// killProcess kills the process pid, if it still runs.
func killProcess(pid int) {
	_ = syscall.Kill(pid, syscall.SIGKILL)
}

// lockFile takes an exclusive lock on f, for processes that share a file
// (flock), retrying when a signal interrupts the wait; unlock releases it.
func lockFile(f *os.File) (unlock func(), err error) {
	for {
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX)
		if !errors.Is(err, syscall.EINTR) {
			break
		}
	}
	if err != nil {
		return nil, err
	}
	return func() { _ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN) }, nil
}
