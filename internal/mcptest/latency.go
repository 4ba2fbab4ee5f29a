package mcptest

import "github.com/mcpdoctor/mcpdoctor/internal/mcptest/latency"

// Latency makes a server behave like a remote one: every request waits
// Request before it is handled (a round trip), and every new connection
// waits Connect before its first byte is read (TCP and TLS set-up). Conns,
// when set, counts the connections accepted.
type Latency = latency.Latency
