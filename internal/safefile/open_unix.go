//go:build unix

package safefile

import (
	"os"
	"syscall"
)

// openFlags: O_NONBLOCK so that opening a FIFO returns at once (it is
// refused after), O_NOCTTY so that a terminal device never becomes the
// process's controlling terminal. Neither changes how a regular file
// reads.
const openFlags = os.O_RDONLY | syscall.O_NONBLOCK | syscall.O_NOCTTY
