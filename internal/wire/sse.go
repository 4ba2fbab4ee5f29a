package wire

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/mcpdoctor/mcpdoctor/internal/evidence"
)

// The HTTP+SSE transport of MCP 2024-11-05 (basic/transports, "HTTP with
// SSE"), which Streamable HTTP replaced: the client GETs an event stream
// whose first event, `endpoint`, names the URL to POST messages to; every
// answer then arrives on that one stream, matched to its call by id.

type sseTransport struct {
	w *httpWire

	// endpoint is where messages are POSTed; endpointCredentials says
	// whether it shares the configured origin, and so gets the configured
	// headers.
	endpoint            *url.URL
	endpointCredentials bool

	// cancel stops the stream; done is closed when the reader has ended,
	// ended when it stops dispatching (then streamErr says why).
	cancel    context.CancelFunc
	done      chan struct{}
	ended     chan struct{}
	streamErr error

	mu      sync.Mutex
	pending map[string]chan *Message
}

func NewSSE(url string, header http.Header, opts Options, rec *evidence.Recorder) Transport {
	return &sseTransport{w: newHTTPWire(url, header, opts, rec), pending: map[string]chan *Message{}}
}

// Findings reports what the wire noticed: a redirect or an endpoint on
// another origin.
func (t *sseTransport) Findings() []evidence.Finding { return t.w.Findings() }

// Connect opens the event stream and waits, bounded by ctx, for its endpoint
// event. The stream itself outlives ctx: it carries the answers of later
// calls, each bounded by its own context, until Close.
func (t *sseTransport) Connect(ctx context.Context) error {
	if t.w.targetErr != nil {
		return t.w.targetErr
	}
	streamCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	t.cancel = cancel
	t.done = make(chan struct{})
	t.ended = make(chan struct{})
	ready := make(chan error, 1)
	start := time.Now()
	go t.read(streamCtx, ready)
	select {
	case err := <-ready:
		if err != nil {
			cancel()
			<-t.done
		}
		return err
	case <-ctx.Done():
		cancel()
		<-t.done
		return TimeoutError(ctx, ctx.Err(), fmt.Sprintf("GET %s: no endpoint event within %s", t.w.target, RoundDuration(time.Since(start))))
	}
}

// read runs the stream: it opens it, reports the endpoint (or why there is
// none) on ready, then dispatches every message until the stream ends.
func (t *sseTransport) read(ctx context.Context, ready chan<- error) {
	defer close(t.done)
	defer close(t.ended)
	err := t.stream(ctx, ready)
	t.mu.Lock()
	t.streamErr = err
	t.mu.Unlock()
}

func (t *sseTransport) stream(ctx context.Context, ready chan<- error) error {
	fail := func(err error) error {
		ready <- err
		return err
	}
	h := http.Header{}
	h.Set("Accept", "text/event-stream")
	resp, ex, err := t.w.do(ctx, wireRequest{method: http.MethodGet, url: t.w.target, header: h, credentials: true})
	if err != nil {
		return fail(err)
	}
	defer resp.Body.Close()
	if !isSuccess(resp.StatusCode) {
		return fail(t.w.statusError(resp, ex))
	}
	if MediaType(resp.Header) != "text/event-stream" {
		return fail(t.w.notMCPError(resp, ex, "GET for the event stream"))
	}

	sr := newSSEReader(resp.Body, t.w.opts.maxMessageBytes())
	var endpoint []byte
	for endpoint == nil {
		ev, err := sr.next()
		switch {
		case err != nil && ctx.Err() != nil:
			// Connect gave up waiting; it reports the timeout.
			t.w.finish(ex, err)
			return fail(err)
		case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
			err = protocolError(fmt.Sprintf("the event stream ended before its endpoint event (%s)", sr.summary()),
				"this URL is not a legacy HTTP+SSE endpoint either: check the path (often /mcp, or /sse for legacy servers)")
			t.w.finish(ex, err)
			return fail(err)
		case err != nil:
			t.w.finish(ex, err)
			return fail(err)
		case ev.Name == "endpoint":
			endpoint = bytes.TrimSpace(ev.Data)
		case ev.Name == "message" && len(bytes.TrimSpace(ev.Data)) > 0:
			err = protocolError(fmt.Sprintf("the event stream sent a message before its endpoint event: %s", evidence.OneLine(ev.Data, 80)),
				"a legacy HTTP+SSE server sends the endpoint event first (spec 2024-11-05); report this to its authors")
			t.w.finish(ex, err)
			return fail(err)
		}
	}
	// The endpoint is a URI reference, relative to the stream's URL (after
	// any redirect).
	base := t.w.target
	if resp.Request != nil {
		base = resp.Request.URL
	}
	u, perr := base.Parse(string(endpoint))
	if perr != nil || (u.Scheme != "http" && u.Scheme != "https") {
		err := protocolError(fmt.Sprintf("the endpoint event's data %q is not a usable URL", evidence.OneLine(endpoint, 200)),
			"the endpoint event must carry the URL to POST messages to (spec 2024-11-05); report this to the server's authors")
		t.w.finish(ex, err)
		return fail(err)
	}
	t.endpoint = u
	t.endpointCredentials = SameOrigin(u, t.w.target)
	ex.Note = "event stream open; messages go to " + u.String()
	if !t.endpointCredentials {
		names := t.w.credentialNames(t.w.header)
		msg := fmt.Sprintf("the endpoint event sends messages to another origin, %s", OriginOf(u))
		if len(names) > 0 {
			ex.Note += "; dropped " + strings.Join(names, ", ") + ": endpoint on another origin"
			msg += fmt.Sprintf("; mcpdoctor did not send %s there, so a server that needs it will refuse", strings.Join(names, ", "))
		}
		t.w.finding(evidence.Finding{Code: "cross_origin_endpoint", Severity: evidence.SeverityWarning, Message: msg,
			Hint: "credentials go only to the origin they are configured for: if you trust the endpoint's origin, check the server's public URL setting"})
	}
	t.w.finish(ex, nil)
	ready <- nil

	for {
		ev, err := sr.next()
		if err != nil {
			if ctx.Err() != nil {
				return nil // closed by us
			}
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				err = nil
			}
			t.w.rec.Add(evidence.Exchange{Note: "the event stream ended (" + sr.summary() + ")", Err: evidence.ErrText(err)})
			return err
		}
		if ev.Name != "message" {
			t.w.rec.Add(evidence.Exchange{Direction: "receive", ResponseBody: evidence.Excerpt(ev.Data, evidence.MaxExcerpt), Note: fmt.Sprintf("event of type %q, skipped", ev.Name)})
			continue
		}
		if len(bytes.TrimSpace(ev.Data)) == 0 {
			continue
		}
		msg, perr := ParseMessage(ev.Data)
		if perr != nil {
			err := protocolError(fmt.Sprintf("an event on the stream is not a JSON-RPC message: %v", perr), "")
			t.w.rec.Add(evidence.Exchange{Direction: "receive", ResponseBody: evidence.Excerpt(ev.Data, evidence.MaxExcerpt), Err: err.Error()})
			return err
		}
		if msg.IsResponse() && t.deliver(msg) {
			continue
		}
		t.w.incoming(msg, t.w.rec.Add, func(reply, req *Message) {
			t.w.postReply(ctx, t.endpoint, nil, t.endpointCredentials, t.w.rec.Add, reply, req)
		})
	}
}

// deliver hands a response to the call waiting for it.
func (t *sseTransport) deliver(msg *Message) bool {
	t.mu.Lock()
	ch, ok := t.pending[idKey(msg.ID)]
	if !ok && len(t.pending) == 1 {
		// An error for a request the server could not read (a null id),
		// or the one call in flight answered under its id's value in
		// another type ("1" for 1): the call judges it.
		for k, c := range t.pending {
			if msg.Error != nil && idKey(msg.ID) == "null" || looseID([]byte(k)) == looseID([]byte(idKey(msg.ID))) {
				ch, ok = c, true
				delete(t.pending, k)
			}
		}
	}
	delete(t.pending, idKey(msg.ID))
	t.mu.Unlock()
	if ok {
		ch <- msg
	}
	return ok
}

func idKey(id []byte) string { return string(bytes.TrimSpace(id)) }

// post sends one message to the endpoint. The server answers 202 Accepted
// (some 200) and puts any response on the stream.
func (t *sseTransport) post(ctx context.Context, m *Message) error {
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	resp, ex, err := t.w.do(ctx, wireRequest{method: http.MethodPost, url: t.endpoint, body: m.Raw, header: h,
		credentials: t.endpointCredentials, rpcMethod: m.Method})
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if !isSuccess(resp.StatusCode) {
		return t.w.statusError(resp, ex)
	}
	_, rerr := ReadCapped(resp.Body, evidence.MaxExcerpt)
	if errors.Is(rerr, ErrTooLarge) {
		rerr = nil
	}
	t.w.finish(ex, rerr)
	return nil
}

// Call registers the call, POSTs it, and waits for its response on the
// stream.
func (t *sseTransport) Call(ctx context.Context, req *Message) (*Message, error) {
	if t.endpoint == nil {
		return nil, errors.New("the event stream is not open")
	}
	start := time.Now()
	ch := make(chan *Message, 1)
	key := idKey(req.ID)
	t.mu.Lock()
	t.pending[key] = ch
	t.mu.Unlock()
	defer func() {
		t.mu.Lock()
		delete(t.pending, key)
		t.mu.Unlock()
	}()
	if err := t.post(ctx, req); err != nil {
		return nil, err
	}
	received := func(msg *Message) (*Message, error) {
		t.w.rec.Add(evidence.Exchange{Direction: "receive", RPCMethod: req.Method, ResponseBody: evidence.Excerpt(msg.Raw, evidence.MaxExcerpt),
			Truncated: len(msg.Raw) > evidence.MaxExcerpt, Duration: time.Since(start), Note: "response on the event stream"})
		if !answers(msg, req) {
			err, f := idMismatch(msg, req)
			t.w.finding(f)
			return nil, err
		}
		return msg, nil
	}
	select {
	case msg := <-ch:
		return received(msg)
	case <-t.ended:
		// The response may have come just before the stream ended.
		select {
		case msg := <-ch:
			return received(msg)
		default:
		}
		t.mu.Lock()
		err := t.streamErr
		t.mu.Unlock()
		if err != nil {
			return nil, err
		}
		return nil, protocolError(fmt.Sprintf("the event stream ended before the response to %s", req.Method),
			"the server closed the stream without answering: look at its logs; a proxy that buffers or cuts event streams can do this too")
	case <-ctx.Done():
		return nil, TimeoutError(ctx, ctx.Err(), fmt.Sprintf("no response to %s on the event stream within %s", req.Method, RoundDuration(time.Since(start))))
	}
}

// Notify POSTs a notification to the endpoint.
func (t *sseTransport) Notify(ctx context.Context, n *Message) error {
	if t.endpoint == nil {
		return errors.New("the event stream is not open")
	}
	return t.post(ctx, n)
}

// Close stops the stream and waits for its reader; the legacy transport has
// no session to end beyond that.
func (t *sseTransport) Close(ctx context.Context) error {
	defer t.w.close()
	if t.cancel == nil {
		return nil
	}
	t.cancel()
	select {
	case <-t.done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("the event stream reader did not stop: %w", ctx.Err())
	}
}
