package probe

// TEMPORARY: replaced by stdio.go. Delete this file when stdio.go exists.

import "github.com/mcpdoctor/mcpdoctor/internal/config"

func newStdioTransport(s config.Server, opts Options, rec *Recorder) Transport {
	panic("stdio transport not built yet")
}
