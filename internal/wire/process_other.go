//go:build !unix

package wire

import (
	"os"
	"os/exec"
)

var (
	sigTerm = os.Kill // no SIGTERM to send: go straight to the end
	sigKill = os.Kill
)

// setProcessGroup does nothing where process groups do not exist.
func setProcessGroup(*exec.Cmd) {}

// signalGroup ends the server process; its children are on their own here.
func signalGroup(cmd *exec.Cmd, sig os.Signal) {
	if cmd.Process != nil {
		_ = cmd.Process.Signal(sig)
	}
}
