// Package mcptest starts real MCP servers for tests: the reference servers
// others wrote, not fakes of our own making, so that mcpdoctor's probe is
// checked against the protocol as shipped.
//
//   - The npm reference server "everything" (@modelcontextprotocol/server-everything),
//     over stdio, legacy HTTP+SSE and Streamable HTTP: [EverythingStdio],
//     [EverythingHTTP].
//   - The TypeScript SDK's OAuth example (@modelcontextprotocol/sdk), an MCP
//     server behind bearer auth with its own demo authorization server:
//     [OAuthExample].
//   - The Go SDK (github.com/modelcontextprotocol/go-sdk) serving one set of
//     tools over Streamable HTTP, legacy SSE and stdio: [GoSDKHTTP],
//     [GoSDKSSE], [GoSDKStdioCommand].
//   - The official conformance suite (@modelcontextprotocol/conformance,
//     two releases), whose test servers and authorization servers judge a
//     client: [ConformanceClient], on the Node.js 22 it needs
//     ([ConformanceSuite]).
//
// The npm packages are pinned in testdata/npm and installed on first use by
// [NodeModules] (npm ci under a file lock), so `go test ./...` is all a fresh
// machine needs besides Go and Node.js 20+ with npm.
//
// Every server listens on loopback only, and every process is started in its
// own process group and killed with it, children included, by t.Cleanup.
// Failures are t.Fatal, never t.Skip: a missing Node.js must fail CI loudly.
package mcptest
