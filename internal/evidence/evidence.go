// Package evidence holds what a probe records, in types that every room
// above it shares: the exchanges seen on the wire, findings, failures and
// their categories, and the Recorder that collects exchanges as they
// happen. It is the floor: it imports nothing of mcpdoctor's, so the wire,
// the probe and the report can all use it without a cycle.
package evidence

import (
	"cmp"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Exchange is one message on the wire: an HTTP request and its response, or
// one line read or written on a stdio server's pipes.
type Exchange struct {
	// HTTP: Method, URL and Status (0 when no response came).
	Method string
	URL    string
	Status int
	// The headers that matter (Content-Type, Mcp-Session-Id,
	// WWW-Authenticate, Location, Authorization — the last only to be
	// redacted), not every header.
	RequestHeader  http.Header
	ResponseHeader http.Header
	// Direction is "send" or "receive" for stdio lines, empty for HTTP.
	Direction string
	// RPCMethod is the JSON-RPC method this exchange carried, if any.
	RPCMethod string
	// RequestBody and ResponseBody are excerpts capped at MaxExcerpt bytes.
	RequestBody  string
	ResponseBody string
	// Truncated reports that a body was longer than its excerpt.
	Truncated bool
	Duration  time.Duration
	// Err is the transport error, if the exchange failed.
	Err string
	// Note is a remark about the exchange: a redirect followed, a header
	// dropped, an event skipped.
	Note string
	// Proxy is the HTTP proxy that carried the request (HTTPS_PROXY,
	// HTTP_PROXY), if one did.
	Proxy string
}

// Directions of a stdio exchange.
const (
	Send    = "send"
	Receive = "receive"
)

// MaxExcerpt caps the bodies kept in an Exchange.
const MaxExcerpt = 4 << 10

// Summary renders an exchange as one line of evidence:
// "POST https://host/mcp initialize → 200 application/json (84 ms)". It is
// raw; whoever prints it redacts it.
func (e Exchange) Summary() string {
	var b strings.Builder
	switch {
	case e.Method != "":
		b.WriteString(e.Method + " " + e.URL)
		if e.RPCMethod != "" {
			b.WriteString(" " + e.RPCMethod)
		}
		if e.Proxy != "" {
			b.WriteString(" via proxy " + e.Proxy)
		}
		b.WriteString(" → ")
		if e.Status != 0 {
			fmt.Fprintf(&b, "%d", e.Status)
			if ct := e.ResponseHeader.Get("Content-Type"); ct != "" {
				b.WriteString(" " + ct)
			}
		} else {
			b.WriteString("no response")
		}
	case e.Direction == Send:
		b.WriteString("→ " + cmp.Or(e.RPCMethod, e.Note, "message"))
	case e.Direction == Receive:
		b.WriteString("← " + cmp.Or(e.RPCMethod, e.Note, "message"))
	default:
		b.WriteString(e.Note)
	}
	// A status error only repeats the status the line already shows.
	if e.Err != "" && !(e.Status != 0 && strings.Contains(e.Err, fmt.Sprintf("answered %d", e.Status))) {
		b.WriteString(": " + e.Err)
	}
	if e.Duration > 0 {
		fmt.Fprintf(&b, " (%d ms)", e.Duration.Milliseconds())
	}
	return b.String()
}

// Ellipsis marks every excerpt that was cut short, so that whoever prints
// it can also mask the start of a secret the cut left (internal/redact).
const Ellipsis = "…"

// Excerpt returns at most n bytes of b, as text, marking the cut.
func Excerpt(b []byte, n int) string {
	if len(b) <= n {
		return string(b)
	}
	return string(b[:n]) + Ellipsis
}

// OneLine is a short, single-line excerpt of a body for a message: white
// space folded, at most n bytes, the cut marked.
func OneLine(b []byte, n int) string {
	s := strings.Join(strings.Fields(string(b)), " ")
	if len(s) > n {
		s = s[:n] + Ellipsis
	}
	return s
}
