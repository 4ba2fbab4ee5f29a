package probe

import (
	"context"
	"sync"
)

// Transport is one MCP wire: stdio, Streamable HTTP or legacy HTTP+SSE. The
// probe drives it without knowing which is under it. Every message a
// transport sends or receives is recorded as an Exchange.
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
	// Close ends the session: DELETE it (Streamable HTTP), close the stream
	// (SSE), or close stdin, then terminate the process group (stdio). It
	// never blocks past ctx.
	Close(ctx context.Context) error
}

// Recorder collects exchanges as they happen; the probe takes them at the
// end of each stage. Transports may record from several goroutines.
type Recorder struct {
	mu        sync.Mutex
	exchanges []Exchange
	dropped   int
	// trace, when set, sees every exchange as it is added (--verbose).
	trace func(Exchange)
}

// maxExchangesPerStage bounds the evidence of a chatty server (one that logs
// a notification per line, say) without losing the count.
const maxExchangesPerStage = 64

// Add records one exchange.
func (r *Recorder) Add(e Exchange) {
	if r.trace != nil {
		r.trace(e)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.exchanges) >= maxExchangesPerStage {
		r.dropped++
		return
	}
	r.exchanges = append(r.exchanges, e)
}

// Take returns the exchanges recorded since the last Take, and how many were
// dropped over the cap.
func (r *Recorder) Take() ([]Exchange, int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	ex, dropped := r.exchanges, r.dropped
	r.exchanges, r.dropped = nil, 0
	return ex, dropped
}
