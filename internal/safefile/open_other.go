//go:build !unix

package safefile

import "os"

// openFlags: elsewhere an open does not wait for a writer; the look at
// the open file still refuses what is not a regular file.
const openFlags = os.O_RDONLY
