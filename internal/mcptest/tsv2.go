package mcptest

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"testing"
)

// The server a [TSv2HTTP] or [TSv2Stdio] peer runs: testdata/npm/ts-v2-server.mjs,
// written with the official TypeScript SDK 2.x (@modelcontextprotocol/server
// 2.4.0), serving two tools, "echo" (text) and "add" (a, b), as TSv2Name
// 1.0.0.
const (
	tsv2Script = "ts-v2-server.mjs"
	TSv2Name   = "mcptest-ts-v2"
)

// What a TypeScript SDK 2.x peer speaks: by default both eras (over HTTP the
// legacy one statelessly, over stdio the era of the first message for the
// whole process); modern only (it refuses initialize with -32022); or
// legacy only (a bare 2025-era transport).
const (
	TSv2Both       = "both"
	TSv2ModernOnly = "modern-only"
	TSv2LegacyOnly = "legacy-only"
)

// TSv2Stdio returns the command line of the TypeScript SDK 2.x peer over
// stdio, for the caller to spawn: node, the script, "stdio" and eras.
func TSv2Stdio(t testing.TB, eras string) (command string, args []string) {
	t.Helper()
	dir := filepath.Dir(NodeModules(t))
	return nodePath(t), []string{filepath.Join(dir, tsv2Script), "stdio", eras}
}

// TSv2HTTP starts the TypeScript SDK 2.x peer over Streamable HTTP on
// 127.0.0.1 and returns its endpoint, http://127.0.0.1:PORT/mcp. It is
// killed, with its process group, when the test ends.
func TSv2HTTP(t testing.TB, eras string) string {
	t.Helper()
	nodeModules := NodeModules(t)
	dir := filepath.Dir(nodeModules)
	node := nodePath(t)
	var url string
	startServer(t, 1, func(ports []int) (*process, func(context.Context) error, error) {
		url = fmt.Sprintf("http://127.0.0.1:%d/mcp", ports[0])
		p, err := startProcess(t, "ts-v2 "+eras, dir, []string{"NODE_NO_WARNINGS=1"},
			node, filepath.Join(dir, tsv2Script), "http", strconv.Itoa(ports[0]), eras)
		ready := func(ctx context.Context) error {
			if eras == TSv2LegacyOnly {
				return checkInitialize(ctx, url, TSv2Name)
			}
			return checkDiscover(ctx, url, TSv2Name)
		}
		return p, ready, err
	})
	return url
}
