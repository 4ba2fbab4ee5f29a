// Package wire speaks MCP's wire protocols for the probe, recording every
// message as evidence: the three transports (stdio, Streamable HTTP, the
// legacy HTTP+SSE), JSON-RPC framing, and the rules that tell a server's
// protocol era — modern (2026-07-28: no initialize, _meta on every request,
// server/discover) or legacy (2025-11-25 and older: an initialize
// handshake) — from its answers. It decides nothing about auth or health;
// the probe, above it, drives it stage by stage.
package wire

import (
	"context"
	"net/http"

	"github.com/mcpdoctor/mcpdoctor/internal/netguard"
)

// Transport is one MCP wire: stdio, Streamable HTTP or legacy HTTP+SSE. The
// probe drives it without knowing which is under it. Every message a
// transport sends or receives is recorded as an evidence.Exchange.
//
// Transports answer requests that the server sends to the client while a
// call is pending (sampling, roots, elicitation) with MethodNotFound and
// record them; they skip notifications and record them too.
type Transport interface {
	// Connect does what must happen before the first message: start the
	// process (stdio), open the event stream and wait for its endpoint event
	// (legacy SSE), or nothing (Streamable HTTP opens an exchange per
	// message).
	Connect(ctx context.Context) error
	// Call sends a request and waits for the response with its id.
	Call(ctx context.Context, req *Message) (*Message, error)
	// Notify sends a notification.
	Notify(ctx context.Context, n *Message) error
	// Close ends the session: DELETE it (Streamable HTTP, legacy era), close
	// the stream (SSE), or close stdin, then terminate the process group
	// (stdio). It never blocks past ctx.
	Close(ctx context.Context) error
}

// Options tune a transport. The zero value works.
type Options struct {
	// MaxMessageBytes caps one message or HTTP body; 0 means 8 MiB.
	MaxMessageBytes int64
	// HTTPClient is the base client for the HTTP transports; nil means a
	// fresh one. Its Transport and Jar are reused; its CheckRedirect is
	// replaced by the wire's own, which keeps credentials on their origin.
	HTTPClient *http.Client
	// UserAgent is sent on every HTTP request; empty means "mcpdoctor/dev".
	UserAgent string
	// Guard bounds where the URLs the server names may lead: a redirect's
	// Location, the legacy SSE endpoint, on another origin than the
	// configured URL (internal/netguard). nil means a policy for the
	// configured URL's host with its defaults. It takes effect on a
	// transport that netguard.Install prepared, as NewHTTPTransport's are.
	Guard *netguard.Policy
}

func (o Options) maxMessageBytes() int64 {
	if o.MaxMessageBytes > 0 {
		return o.MaxMessageBytes
	}
	return 8 << 20
}

func (o Options) userAgent() string {
	if o.UserAgent != "" {
		return o.UserAgent
	}
	return "mcpdoctor/dev"
}
