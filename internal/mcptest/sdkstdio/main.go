// Command sdkstdio serves sdkserver's MCP server over stdio: newline-delimited
// JSON-RPC on stdin and stdout, as an MCP client spawns it. mcptest builds it
// for tests; see mcptest.GoSDKStdioCommand.
//
// Usage:
//
//	sdkstdio [-page-size N] [-no-tools] [-era modern|legacy]
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
	era := flag.String("era", "", "speak only the modern (2026-07-28) or only the legacy (2025-11-25 and older) protocol versions; both when empty")
	flag.Parse()
	var versions []string
	switch *era {
	case "":
	case "modern":
		versions = sdkserver.ModernVersions
	case "legacy":
		versions = sdkserver.LegacyVersions
	default:
		fmt.Fprintf(os.Stderr, "sdkstdio: -era must be modern or legacy, not %q\n", *era)
		os.Exit(2)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	server := sdkserver.New(sdkserver.Options{PageSize: *pageSize, NoTools: *noTools, Versions: versions})
	if err := server.Run(ctx, &mcp.StdioTransport{}); err != nil && ctx.Err() == nil {
		fmt.Fprintf(os.Stderr, "sdkstdio: %v\n", err)
		os.Exit(1)
	}
}
