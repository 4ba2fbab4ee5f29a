package mcptest

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
)

// Paths inside node_modules of the scripts the helpers run.
const (
	everythingScript   = "@modelcontextprotocol/server-everything/dist/index.js"
	oauthExampleScript = "@modelcontextprotocol/sdk/dist/esm/examples/server/simpleStreamableHttp.js"
)

// loopbackPreload is the Node preload script, in testdata/npm, that pins the
// npm servers' listeners to 127.0.0.1.
const loopbackPreload = "loopback.cjs"

// EverythingName is the serverInfo.name of the everything server
// (@modelcontextprotocol/server-everything 2026.8.31, serverInfo version
// "2.0.0").
const EverythingName = "mcp-servers/everything"

// The everything server's transports, the first argument of its CLI
// (dist/index.js; stdio when absent).
const (
	EverythingModeStdio          = "stdio"
	EverythingModeSSE            = "sse"
	EverythingModeStreamableHTTP = "streamableHttp"
)

// EverythingStdio returns the command line that runs the everything server
// over stdio, for the caller to spawn as a stdio MCP server: command is the
// absolute path of node, args its absolute script path and "stdio", env the
// KEY=VALUE pairs to add to the environment (only NODE_NO_WARNINGS=1, to keep
// Node's own warnings out of the server's stderr). The server writes a
// start-up line to stderr and exits when stdin closes.
func EverythingStdio(t testing.TB) (command string, args []string, env []string) {
	t.Helper()
	nodeModules := NodeModules(t)
	return nodePath(t), []string{filepath.Join(nodeModules, everythingScript), EverythingModeStdio}, []string{"NODE_NO_WARNINGS=1"}
}

// EverythingHTTP starts the everything server over HTTP and returns the URL
// a client connects to:
//
//   - mode "sse" (legacy HTTP+SSE, protocol 2024-11-05): http://127.0.0.1:PORT/sse.
//     GET it for the event stream; its first event, "endpoint", names
//     /message?sessionId=ID (capital I) to POST messages to.
//   - mode "streamableHttp": http://127.0.0.1:PORT/mcp, stateful: initialize
//     answers with an Mcp-Session-Id, and POST, GET and DELETE need it after.
//     Answers are text/event-stream.
//
// The server reads its port from $PORT (default 3001) and calls
// app.listen(PORT) with no host, which binds every interface; it has no
// option for the host, so it runs under node --require testdata/npm/loopback.cjs,
// which rewrites every listen() onto 127.0.0.1. The port is a free one picked
// here (retried on a collision); the server must answer initialize (or send
// its SSE endpoint event) within 20 s. It has no Host-header check and no
// auth. It is killed, with its process group, when the test ends.
func EverythingHTTP(t testing.TB, mode string) string {
	t.Helper()
	var path string
	switch mode {
	case EverythingModeSSE:
		path = "/sse"
	case EverythingModeStreamableHTTP:
		path = "/mcp"
	default:
		t.Fatalf("mcptest: EverythingHTTP: unknown mode %q; want %q or %q", mode, EverythingModeSSE, EverythingModeStreamableHTTP)
	}
	nodeModules := NodeModules(t)
	node := nodePath(t)
	dir := filepath.Dir(nodeModules)
	var url string
	startServer(t, 1, func(ports []int) (*process, func(context.Context) error, error) {
		url = fmt.Sprintf("http://127.0.0.1:%d%s", ports[0], path)
		p, err := startProcess(t, "everything "+mode, dir,
			[]string{"PORT=" + strconv.Itoa(ports[0]), "NODE_NO_WARNINGS=1"},
			node, "--require", filepath.Join(dir, loopbackPreload), filepath.Join(nodeModules, everythingScript), mode)
		ready := func(ctx context.Context) error {
			if mode == EverythingModeSSE {
				return checkSSEEndpoint(ctx, url)
			}
			return checkInitialize(ctx, url, EverythingName)
		}
		return p, ready, err
	})
	return url
}

// nodePath returns the absolute path of node.
func nodePath(t testing.TB) string {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatalf("mcptest: node not found in PATH (%v); the tests run real MCP servers from npm: install Node.js 20+", err)
	}
	abs, err := filepath.Abs(node)
	if err != nil {
		t.Fatalf("mcptest: %v", err)
	}
	return abs
}
