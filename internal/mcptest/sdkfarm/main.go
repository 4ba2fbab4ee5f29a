// Command sdkfarm serves many Go SDK MCP servers (sdkserver, Streamable HTTP
// with JSON responses) from one process, each on its own 127.0.0.1 port and
// behind a latency that makes it behave like a remote server. mcptest starts
// it for benchmarks, so that the servers' work is not the probe's; see
// mcptest.RemoteFarm.
//
// Usage:
//
//	sdkfarm -n N [-request D] [-connect D]
//
// It prints each server's MCP URL on a line of its own, then "ready", and
// exits when stdin closes.
package main

import (
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"runtime/debug"
	"runtime/pprof"

	"github.com/mcpdoctor/mcpdoctor/internal/mcptest/latency"
	"github.com/mcpdoctor/mcpdoctor/internal/mcptest/sdkserver"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

func main() {
	n := flag.Int("n", 1, "how many servers")
	request := flag.Duration("request", 0, "added to every request")
	connect := flag.Duration("connect", 0, "added to every new connection")
	profile := flag.String("cpuprofile", "", "write a CPU profile to this file until stdin closes")
	flag.Parse()
	if *profile != "" {
		f, err := os.Create(*profile)
		if err == nil {
			pprof.StartCPUProfile(f)
			defer pprof.StopCPUProfile()
		}
	}
	// The servers stand in for remote ones, whose work is not on this
	// machine: collect garbage seldom, so that they take little of the
	// CPU the probes being measured share with them.
	debug.SetGCPercent(1000)
	lat := latency.Latency{Request: *request, Connect: *connect}
	for range *n {
		server := sdkserver.New(sdkserver.Options{})
		mux := http.NewServeMux()
		mux.Handle("/mcp", mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return server }, &mcp.StreamableHTTPOptions{JSONResponse: true}))
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			fmt.Fprintln(os.Stderr, "sdkfarm:", err)
			os.Exit(1)
		}
		go http.Serve(lat.Listener(ln), lat.Handler(mux))
		fmt.Printf("http://%s/mcp\n", ln.Addr())
	}
	fmt.Println("ready")
	io.Copy(io.Discard, os.Stdin)
}
