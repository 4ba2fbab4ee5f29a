// Command mcpdoctor inspects the MCP servers a client is configured with,
// talks to each one as a real client would, and tells the truth about it,
// with the evidence.
package main

import "os"

func main() {
	os.Exit(run(os.Args[1:], systemStreams()))
}
