// Package sdkserver holds the one MCP server that mcptest serves with the
// official Go SDK over every wire: Streamable HTTP and legacy HTTP+SSE in
// process, stdio from the sdkstdio binary. Keeping its tools here means the
// three peers cannot drift apart.
package sdkserver

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// Implementation name and version the server reports in initialize's
// serverInfo.
const (
	Name    = "mcptest-go-sdk"
	Version = "1.0.0"
)

// Limits that keep a test's mistake from hurting the machine.
const (
	MaxSleep    = 10 * time.Minute
	MaxBigBytes = 64 << 20
)

// EnvPrefix starts the names of the environment variables the getenv tool
// reads.
const EnvPrefix = "MCPTEST_"

// ToolNames lists the tools New registers, sorted by name, which is the
// order tools/list returns them in.
var ToolNames = []string{"add", "big", "echo", "fail", "getenv", "sleep", "upper"}

// Options select the server's shape.
type Options struct {
	// PageSize caps the items per tools/list page; zero keeps the SDK's
	// default (1000). PageSize 2 spreads the seven tools over four pages.
	PageSize int
	// NoTools registers no tools, so initialize declares no tools
	// capability.
	NoTools bool
	// Versions, when set, are the only protocol versions the server speaks
	// (mcp.ServerOptions.SupportedProtocolVersions): ModernVersions for a
	// server of the 2026-07-28 era only, LegacyVersions for one that
	// predates it. Empty means every version the SDK knows: both eras.
	Versions []string
}

// The SDK's protocol versions by era: modern ones carry version, identity
// and capabilities on every request (2026-07-28); legacy ones open with
// initialize.
var (
	ModernVersions = []string{"2026-07-28"}
	LegacyVersions = []string{"2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"}
)

// New returns a fresh server. It is safe to connect many sessions to one.
func New(opts Options) *mcp.Server {
	s := mcp.NewServer(&mcp.Implementation{Name: Name, Version: Version}, &mcp.ServerOptions{
		PageSize:                  opts.PageSize,
		SupportedProtocolVersions: opts.Versions,
	})
	if !opts.NoTools {
		addTools(s)
	}
	return s
}

type textArgs struct {
	Text string `json:"text" jsonschema:"the text to work on"`
}

type addArgs struct {
	A float64 `json:"a" jsonschema:"the first addend"`
	B float64 `json:"b" jsonschema:"the second addend"`
}

type addResult struct {
	Sum float64 `json:"sum" jsonschema:"a + b"`
}

type sleepArgs struct {
	MS int `json:"ms" jsonschema:"how long to sleep, in milliseconds"`
}

type bigArgs struct {
	Bytes int `json:"bytes" jsonschema:"how many bytes of text to return"`
}

type getenvArgs struct {
	Name string `json:"name" jsonschema:"the environment variable to read; its name starts with MCPTEST_"`
}

func text(s string) *mcp.CallToolResult {
	return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: s}}}
}

func addTools(s *mcp.Server) {
	mcp.AddTool(s, &mcp.Tool{Name: "echo", Description: "Returns its text argument unchanged."},
		func(_ context.Context, _ *mcp.CallToolRequest, in textArgs) (*mcp.CallToolResult, any, error) {
			return text(in.Text), nil, nil
		})

	mcp.AddTool(s, &mcp.Tool{Name: "upper", Description: "Returns its text argument in upper case."},
		func(_ context.Context, _ *mcp.CallToolRequest, in textArgs) (*mcp.CallToolResult, any, error) {
			return text(strings.ToUpper(in.Text)), nil, nil
		})

	mcp.AddTool(s, &mcp.Tool{Name: "add", Description: "Adds a and b; the sum is also structured content."},
		func(_ context.Context, _ *mcp.CallToolRequest, in addArgs) (*mcp.CallToolResult, addResult, error) {
			sum := in.A + in.B
			return text(strconv.FormatFloat(sum, 'g', -1, 64)), addResult{Sum: sum}, nil
		})

	// A tool-level failure, not a protocol error: the call succeeds at the
	// JSON-RPC layer and the result carries isError (MCP spec, "Tools",
	// error handling).
	mcp.AddTool(s, &mcp.Tool{Name: "fail", Description: "Always fails: returns a result with isError true."},
		func(_ context.Context, _ *mcp.CallToolRequest, _ struct{}) (*mcp.CallToolResult, any, error) {
			res := text("fail: this tool always fails")
			res.IsError = true
			return res, nil, nil
		})

	mcp.AddTool(s, &mcp.Tool{Name: "sleep", Description: "Sleeps ms milliseconds (at most ten minutes), or until the call is cancelled."},
		func(ctx context.Context, _ *mcp.CallToolRequest, in sleepArgs) (*mcp.CallToolResult, any, error) {
			d := min(time.Duration(max(in.MS, 0))*time.Millisecond, MaxSleep)
			timer := time.NewTimer(d)
			defer timer.Stop()
			select {
			case <-timer.C:
				return text(fmt.Sprintf("slept %d ms", d.Milliseconds())), nil, nil
			case <-ctx.Done():
				return nil, nil, ctx.Err()
			}
		})

	mcp.AddTool(s, &mcp.Tool{Name: "big", Description: "Returns a text of the given size (at most 64 MiB), to test response size caps."},
		func(_ context.Context, _ *mcp.CallToolRequest, in bigArgs) (*mcp.CallToolResult, any, error) {
			return text(strings.Repeat("x", min(max(in.Bytes, 0), MaxBigBytes))), nil, nil
		})

	// Only MCPTEST_ variables: enough to check what environment a stdio
	// server was given, without handing out the test process's secrets.
	mcp.AddTool(s, &mcp.Tool{Name: "getenv", Description: "Returns the value of an environment variable named MCPTEST_* in the server process (empty when unset)."},
		func(_ context.Context, _ *mcp.CallToolRequest, in getenvArgs) (*mcp.CallToolResult, any, error) {
			if !strings.HasPrefix(in.Name, EnvPrefix) {
				res := text(fmt.Sprintf("getenv: only %s* variables are readable, not %q", EnvPrefix, in.Name))
				res.IsError = true
				return res, nil, nil
			}
			return text(os.Getenv(in.Name)), nil, nil
		})
}
