package wire

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/mcpdoctor/mcpdoctor/internal/evidence"
)

// The Streamable HTTP transport, as the client side of MCP 2025-11-25
// specifies it (basic/transports, "Streamable HTTP"): every message is its
// own POST to the one MCP endpoint; a request is answered with one
// application/json message or with an event stream that carries, before the
// response, whatever requests and notifications the server has for us.

// maxResumes bounds how often one call may resume an event stream that the
// server closed before the response (spec 2025-11-25, "Resumability and
// Redelivery").
const maxResumes = 3

type streamableTransport struct {
	w *httpWire

	mu sync.Mutex
	// sessionID is the Mcp-Session-Id the server issued with the initialize
	// response; sent on every later request, and DELETEd at Close.
	sessionID string
	// protocolVersion is the negotiated version, sent as
	// MCP-Protocol-Version on every request after initialize.
	protocolVersion string
}

func NewStreamable(url string, header http.Header, opts Options, rec *evidence.Recorder) Transport {
	return &streamableTransport{w: newHTTPWire(url, header, opts, rec)}
}

// Connect has nothing to open: Streamable HTTP opens an exchange per
// message. It only rejects a URL that cannot be used.
func (t *streamableTransport) Connect(ctx context.Context) error { return t.w.targetErr }

// Findings reports what the wire noticed (a redirect to another origin).
func (t *streamableTransport) Findings() []evidence.Finding { return t.w.Findings() }

// sessionHeader holds the headers every request after initialize carries.
func (t *streamableTransport) sessionHeader() http.Header {
	h := http.Header{}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.sessionID != "" {
		h.Set("Mcp-Session-Id", t.sessionID)
	}
	if t.protocolVersion != "" {
		h.Set("Mcp-Protocol-Version", t.protocolVersion)
	}
	return h
}

// requestHeader holds the headers a POST of m carries. A modern request
// names its protocol version (the one its _meta names), its method, and
// for tools/call, resources/read and prompts/get the tool, resource or
// prompt (spec 2026-07-28, transports, "Request Metadata"), with the
// Mcp-Param-* headers the caller set; it belongs to no session. A legacy
// one carries the session's id and negotiated version.
func (t *streamableTransport) requestHeader(m *Message) http.Header {
	v := ModernVersion(m)
	if v == "" {
		return t.sessionHeader()
	}
	h := http.Header{}
	for k, vs := range m.Header {
		h[http.CanonicalHeaderKey(k)] = vs
	}
	h.Set("Mcp-Protocol-Version", v)
	h.Set("Mcp-Method", m.Method)
	if name, ok := nameOf(m); ok {
		h.Set("Mcp-Name", HeaderValue(name))
	}
	return h
}

func (t *streamableTransport) post(ctx context.Context, m *Message, record func(evidence.Exchange)) (*http.Response, *liveExchange, error) {
	h := t.requestHeader(m)
	body, rpcMethod := m.Raw, m.Method
	h.Set("Content-Type", "application/json")
	// Spec: the client MUST list both, and servers (the Go SDK's among
	// them) refuse a POST that does not.
	h.Set("Accept", "application/json, text/event-stream")
	return t.w.do(ctx, wireRequest{method: http.MethodPost, url: t.w.target, body: body, header: h,
		credentials: true, rpcMethod: rpcMethod, record: record})
}

// Call POSTs a request and reads its response from whichever body the
// server chose.
func (t *streamableTransport) Call(ctx context.Context, req *Message) (*Message, error) {
	if t.w.targetErr != nil {
		return nil, t.w.targetErr
	}
	// The exchanges of what arrives before the response are recorded after
	// the POST that carried them, so the evidence reads in order.
	var sub []evidence.Exchange
	record := func(e evidence.Exchange) { sub = append(sub, e) }
	defer func() {
		for _, e := range sub {
			t.w.rec.Add(e)
		}
	}()

	resp, ex, err := t.post(ctx, req, nil)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if !isSuccess(resp.StatusCode) {
		return nil, t.w.statusError(resp, ex)
	}
	var msg *Message
	switch mt := MediaType(resp.Header); {
	case isJSONType(mt):
		msg, err = t.readJSON(ctx, resp, ex, req, record)
	case mt == "text/event-stream":
		msg, err = t.readStream(ctx, resp, ex, req, record)
	case resp.Header.Get("Content-Type") == "" && resp.ContentLength == 0:
		err = protocolError(fmt.Sprintf("%s answered %d with no body, but a request needs a response (spec 2025-11-25: application/json or text/event-stream)", req.Method, resp.StatusCode), "")
		t.w.finish(ex, err)
	default:
		err = t.w.notMCPError(resp, ex, req.Method)
	}
	if err != nil {
		return nil, err
	}
	if req.Method == "initialize" && msg.Error == nil {
		t.startSession(resp.Header, msg)
	}
	return msg, nil
}

// startSession keeps what the initialize response establishes: the session
// id from its header (spec 2025-11-25, "Session Management") and the
// negotiated version for the MCP-Protocol-Version header ("Protocol Version
// Header").
func (t *streamableTransport) startSession(h http.Header, msg *Message) {
	var r struct {
		ProtocolVersion string `json:"protocolVersion"`
	}
	_ = json.Unmarshal(msg.Result, &r)
	t.mu.Lock()
	defer t.mu.Unlock()
	t.sessionID = h.Get("Mcp-Session-Id")
	t.protocolVersion = r.ProtocolVersion
}

func (t *streamableTransport) readJSON(ctx context.Context, resp *http.Response, ex *liveExchange, req *Message, record func(evidence.Exchange)) (*Message, error) {
	body, err := ReadCapped(resp.Body, t.w.opts.maxMessageBytes())
	if err != nil {
		err = measureTooLarge(ctx, err, resp.Body, ex, t.w.opts.maxMessageBytes())
		if ctx.Err() != nil {
			err = TimeoutError(ctx, err, fmt.Sprintf("the response to %s did not finish arriving in time", req.Method))
		}
		t.w.finish(ex, err)
		return nil, err
	}
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) > 0 && trimmed[0] == '[' {
		return t.readJSONArray(ctx, trimmed, ex, req, record)
	}
	msg, err := ParseMessage(body)
	if err != nil {
		err = protocolError(fmt.Sprintf("the answer to %s is application/json but not a JSON-RPC message: %v (the body starts with %q)", req.Method, err, evidence.OneLine(body, 60)),
			"the server sent JSON that is not JSON-RPC: check that the URL is the MCP endpoint, and report it to the server's authors")
		t.w.finish(ex, err)
		return nil, err
	}
	if !answers(msg, req) {
		if msg.IsResponse() {
			var f evidence.Finding
			err, f = idMismatch(msg, req)
			t.w.finding(f)
		} else {
			err = protocolError(fmt.Sprintf("the answer to %s (id %s) is not its response: %s", req.Method, req.ID, describe(msg)), "")
		}
		t.w.finish(ex, err)
		return nil, err
	}
	t.w.finish(ex, nil)
	return msg, nil
}

// readJSONArray reads an application/json answer that holds several
// messages. MCP dropped batches in 2025-06-18, but some servers still send
// the notifications of a request along with its response this way.
func (t *streamableTransport) readJSONArray(ctx context.Context, body []byte, ex *liveExchange, req *Message, record func(evidence.Exchange)) (*Message, error) {
	var raws []json.RawMessage
	if err := json.Unmarshal(body, &raws); err != nil {
		err := protocolError(fmt.Sprintf("the answer to %s is not valid JSON: %v", req.Method, err), "")
		t.w.finish(ex, err)
		return nil, err
	}
	ex.Note = fmt.Sprintf("the server answered with a JSON array of %d messages; since 2025-06-18 an application/json answer holds one", len(raws))
	var found *Message
	for _, raw := range raws {
		msg, err := ParseMessage(raw)
		if err != nil {
			err := protocolError(fmt.Sprintf("a message in the answer to %s is not JSON-RPC: %v", req.Method, err), "")
			t.w.finish(ex, err)
			return nil, err
		}
		if found == nil && answers(msg, req) {
			found = msg
			continue
		}
		t.w.incoming(msg, record, t.answerFunc(ctx, record))
	}
	if found == nil {
		err := protocolError(fmt.Sprintf("the answer to %s holds %d messages but not its response", req.Method, len(raws)), "")
		t.w.finish(ex, err)
		return nil, err
	}
	t.w.finish(ex, nil)
	return found, nil
}

// answerFunc POSTs our answer to a request the server sent on a stream.
func (t *streamableTransport) answerFunc(ctx context.Context, record func(evidence.Exchange)) func(reply, req *Message) {
	return func(reply, req *Message) {
		t.w.postReply(ctx, t.w.target, t.sessionHeader(), true, record, reply, req)
	}
}

// readStream reads an event stream until the response to req, answering
// and skipping what comes before it.
func (t *streamableTransport) readStream(ctx context.Context, resp *http.Response, ex *liveExchange, req *Message, record func(evidence.Exchange)) (msg *Message, err error) {
	sr := newSSEReader(resp.Body, t.w.opts.maxMessageBytes())
	start := ex.start
	// Resumed streams (GETs with Last-Event-ID) are finished after the
	// original POST.
	var resumed []*liveExchange
	var resumedBody io.Closer
	defer func() {
		t.w.finish(ex, err)
		for i, r := range resumed {
			var rerr error
			if i == len(resumed)-1 {
				rerr = err
			}
			t.w.finish(r, rerr)
		}
		if resumedBody != nil {
			resumedBody.Close()
		}
	}()
	resumes := 0
	for {
		ev, err := sr.next()
		if err != nil {
			if ctx.Err() != nil {
				return nil, TimeoutError(ctx, err, fmt.Sprintf("no response to %s within %s: the event stream stayed open (%s) but did not carry it",
					req.Method, RoundDuration(time.Since(start)), sr.summary()))
			}
			if errors.Is(err, ErrTooLarge) {
				return nil, err
			}
			if !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
				return nil, err
			}
			// Resumption is a legacy mechanism (a modern stream that breaks
			// loses its request, spec 2026-07-28, transports), but only a
			// legacy server gives its events ids, and the era of a server
			// answering server/discover is not known yet.
			if sr.lastID != "" && resumes < maxResumes {
				resumes++
				body, live, rerr := t.resume(ctx, sr, req)
				if live != nil {
					resumed = append(resumed, live)
				}
				if rerr != nil {
					return nil, rerr
				}
				if resumedBody != nil {
					resumedBody.Close()
				}
				resumedBody = body
				sr.br.Reset(body)
				continue
			}
			m := fmt.Sprintf("the event stream ended before the response to %s (%s)", req.Method, sr.summary())
			if sr.discarded {
				m += "; it ended inside an unterminated event, which was dropped"
			}
			return nil, protocolError(m, "the server closed the stream without answering: look at its logs; a proxy that buffers or cuts event streams can do this too")
		}
		if ev.Name != "message" {
			record(evidence.Exchange{Direction: "receive", ResponseBody: evidence.Excerpt(ev.Data, evidence.MaxExcerpt), Note: fmt.Sprintf("event of type %q, skipped", ev.Name)})
			continue
		}
		if len(bytes.TrimSpace(ev.Data)) == 0 {
			// A priming event (an id, empty data) for resumption.
			continue
		}
		m, perr := ParseMessage(ev.Data)
		if perr != nil {
			return nil, protocolError(fmt.Sprintf("an event in the stream answering %s is not a JSON-RPC message: %v", req.Method, perr), "")
		}
		if answers(m, req) {
			return m, nil
		}
		if m.IsResponse() {
			// The stream of a POST carries the response to its request
			// and nothing else's: this one answers it under another id.
			record(evidence.Exchange{Direction: "receive", ResponseBody: evidence.Excerpt(m.Raw, evidence.MaxExcerpt), Truncated: len(m.Raw) > evidence.MaxExcerpt,
				Note: "a response under another id than the request's"})
			err, f := idMismatch(m, req)
			t.w.finding(f)
			return nil, err
		}
		t.w.incoming(m, record, t.answerFunc(ctx, record))
	}
}

// resume reopens a stream the server closed before the response, as the
// spec asks of a client once the server has given its events ids: wait the
// retry time the server set, then GET with Last-Event-ID.
func (t *streamableTransport) resume(ctx context.Context, sr *sseReader, req *Message) (io.ReadCloser, *liveExchange, error) {
	wait := sr.retry
	if wait < 0 {
		wait = 100 * time.Millisecond
	}
	wait = min(wait, 5*time.Second)
	timer := time.NewTimer(wait)
	defer timer.Stop()
	select {
	case <-timer.C:
	case <-ctx.Done():
		return nil, nil, TimeoutError(ctx, ctx.Err(), fmt.Sprintf("no response to %s in time: the event stream closed and mcpdoctor was waiting to resume it", req.Method))
	}
	h := t.sessionHeader()
	h.Set("Accept", "text/event-stream")
	h.Set("Last-Event-Id", sr.lastID)
	resp, ex, err := t.w.do(ctx, wireRequest{method: http.MethodGet, url: t.w.target, header: h, credentials: true, rpcMethod: req.Method})
	if err != nil {
		return nil, nil, err
	}
	ex.Note = "resuming the event stream of " + req.Method + " after the server closed it"
	failed := func(why string) error {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, evidence.MaxExcerpt))
		resp.Body.Close()
		ex.ResponseBody = string(body)
		return protocolError(fmt.Sprintf("the event stream ended before the response to %s, and resuming it with Last-Event-ID %s %s", req.Method, sr.lastID, why),
			"the server closed the stream without answering and did not replay it: look at its logs")
	}
	if !isSuccess(resp.StatusCode) {
		return nil, ex, failed(fmt.Sprintf("answered %d", resp.StatusCode))
	}
	if MediaType(resp.Header) != "text/event-stream" {
		return nil, ex, failed("answered " + resp.Header.Get("Content-Type") + ", not an event stream")
	}
	return resp.Body, ex, nil
}

// Notify POSTs a notification; the spec's answer is 202 Accepted with no
// body.
func (t *streamableTransport) Notify(ctx context.Context, n *Message) error {
	if t.w.targetErr != nil {
		return t.w.targetErr
	}
	resp, ex, err := t.post(ctx, n, nil)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if !isSuccess(resp.StatusCode) {
		return t.w.statusError(resp, ex)
	}
	if resp.StatusCode != http.StatusAccepted {
		ex.Note = fmt.Sprintf("a notification is answered with 202 Accepted (spec 2025-11-25, transports); this server answered %d", resp.StatusCode)
	}
	// The body should be empty; what there is is evidence, not a failure.
	_, rerr := ReadCapped(resp.Body, evidence.MaxExcerpt)
	if errors.Is(rerr, ErrTooLarge) {
		rerr = nil
	}
	t.w.finish(ex, rerr)
	return nil
}

// Close ends the session the server issued with a DELETE (spec 2025-11-25,
// "Session Management"), which a server may refuse with 405.
func (t *streamableTransport) Close(ctx context.Context) error {
	defer t.w.close()
	t.mu.Lock()
	sid := t.sessionID
	t.mu.Unlock()
	if sid == "" || t.w.targetErr != nil {
		return nil
	}
	resp, ex, err := t.w.do(ctx, wireRequest{method: http.MethodDelete, url: t.w.target, header: t.sessionHeader(), credentials: true})
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	switch {
	case isSuccess(resp.StatusCode):
		ex.Note = "session ended"
	case resp.StatusCode == http.StatusMethodNotAllowed:
		ex.Note = "the server does not let clients end sessions, which the spec allows"
	default:
		ex.Note = "ending the session failed; the server will expire it"
	}
	_, _ = ReadCapped(resp.Body, evidence.MaxExcerpt)
	t.w.finish(ex, nil)
	return nil
}

// describe names what kind of message msg is, for an error.
func describe(msg *Message) string {
	switch {
	case msg.IsRequest():
		return "a request for " + msg.Method
	case msg.IsNotification():
		return "a notification " + msg.Method
	case msg.IsResponse():
		return "the response to id " + string(msg.ID)
	}
	return "neither a request nor a response"
}
