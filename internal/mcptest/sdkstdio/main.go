// Command sdkstdio serves sdkserver's MCP server over stdio: newline-delimited
// JSON-RPC on stdin and stdout, as an MCP client spawns it. mcptest builds it
// for tests; see mcptest.GoSDKStdioCommand.
//
// Usage:
//
//	sdkstdio [-page-size N] [-no-tools]
//
// It exits when stdin closes.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/mcpdoctor/mcpdoctor/internal/mcptest/sdkserver"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

func main() {
	pageSize := flag.Int("page-size", 0, "tools per tools/list page (0: the SDK's default)")
	noTools := flag.Bool("no-tools", false, "register no tools and declare no tools capability")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	server := sdkserver.New(sdkserver.Options{PageSize: *pageSize, NoTools: *noTools})
	if err := server.Run(ctx, &mcp.StdioTransport{}); err != nil && ctx.Err() == nil {
		fmt.Fprintf(os.Stderr, "sdkstdio: %v\n", err)
		os.Exit(1)
	}
}
