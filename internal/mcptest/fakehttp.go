package mcptest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// Behaviours of [FakeHTTP]: the failure modes (and a few awkward but correct
// shapes) that real servers do not show on demand.
const (
	// FakeHang accepts every request and never answers.
	FakeHang = "hang"
	// FakeHTML answers every request 200 with a text/html page.
	FakeHTML = "html"
	// FakeStatus500 answers every request 500 Internal Server Error.
	FakeStatus500 = "status500"
	// FakeStatus404 answers every request, GET included, 404 Not Found.
	FakeStatus404 = "status404"
	// FakeCloseMidStream answers a POSTed request with an event stream that
	// carries one notification and then ends, without the response.
	FakeCloseMidStream = "close-mid-stream"
	// FakeGarbage answers 200 application/json with a body that is not
	// JSON.
	FakeGarbage = "garbage"
	// FakeHuge answers 200 application/json with a body of FakeHugeBytes,
	// streamed, which starts like a JSON-RPC response and never ends it.
	FakeHuge = "huge"
	// FakeEndlessSSE answers with an event stream of comments, one every
	// 20 ms, forever: never an event, never the response.
	FakeEndlessSSE = "endless-sse"
	// FakeRedirectCrossOrigin answers everything 307 to the same path on a
	// second server, [Fake.Target], on another port (so another origin),
	// which records the headers it got and serves MCP.
	FakeRedirectCrossOrigin = "redirect-cross-origin"
	// FakeSSEWithNoise is a correct Streamable HTTP server whose event
	// streams carry, before each response: a comment, a priming event (id,
	// empty data), an event of another type, a notification and a request
	// (roots/list) that it waits up to five seconds to see answered. The
	// response's JSON is split over two data lines ended by CRLF.
	FakeSSEWithNoise = "sse-with-noise"
	// FakeLegacySSEOnly is a minimal 2024-11-05 HTTP+SSE server: POST to
	// the URL answers 405; GET opens an event stream whose endpoint event
	// is the relative reference "messages?session=N", where messages are
	// POSTed (202) and answered on the stream. Before answering tools/list
	// it sends a ping and a roots/list request on the stream.
	FakeLegacySSEOnly = "legacy-sse-only"
	// FakeLegacySSECrossOrigin is FakeLegacySSEOnly whose endpoint event
	// is an absolute URL on a second server, [Fake.Target], on another port
	// (so another origin), which records the headers it got.
	FakeLegacySSECrossOrigin = "legacy-sse-cross-origin"
	// FakeSession is a stateful Streamable HTTP server answering in
	// application/json: initialize issues an Mcp-Session-Id; every later
	// request must carry it (else 400, or 404 for an unknown one) and an
	// MCP-Protocol-Version equal to the negotiated version (else 400);
	// DELETE with the session answers 204 and ends it.
	FakeSession = "session"
	// FakeSSEPoll is a Streamable HTTP server that makes clients poll
	// (spec 2025-11-25, "Resumability and Redelivery"): it answers a
	// request with an event stream holding only a priming event (id,
	// retry: 50) and closes it; a GET with that Last-Event-ID gets the
	// response.
	FakeSSEPoll = "sse-poll"
	// FakeSlow is a correct stateless Streamable HTTP server answering in
	// application/json that waits FakeSlowDelay before each answer: the
	// slow server among fast ones, for timing list.
	FakeSlow = "slow"
	// FakeMoved answers a request to /mcp with 301 Moved Permanently to
	// /mcp/, where a correct stateless server answers in
	// application/json (and a GET gets 405): a client that follows the
	// 301 with a GET, as net/http does, never reaches it.
	FakeMoved = "moved"
	// FakeTemporaryRedirect is FakeMoved with 307, which keeps the POST:
	// it works, one round trip later.
	FakeTemporaryRedirect = "temporary-redirect"
	// FakeStringID is a correct stateless server answering in
	// application/json, but under each request's id turned into a string
	// (1 becomes "1").
	FakeStringID = "string-id"
)

// FakeSlowDelay is how long [FakeSlow] waits before each answer.
const FakeSlowDelay = 500 * time.Millisecond

// FakeHugeBytes is the size of the [FakeHuge] body.
const FakeHugeBytes = 50 << 20

// FakeServerName is the serverInfo.name of the fakes that answer
// initialize; FakeToolName is their one tool.
const (
	FakeServerName = "mcptest-fake"
	FakeToolName   = "ping"
)

// Fake is a hand-written misbehaving MCP server on 127.0.0.1.
type Fake struct {
	*httptest.Server
	// Target is where [FakeRedirectCrossOrigin] redirects to; nil for the
	// other behaviours.
	Target *httptest.Server

	behaviour string
	quit      chan struct{}

	mu  sync.Mutex
	log requestLog
	// sessions maps a live session id to its negotiated version (session).
	sessions map[string]string
	deleted  []string
	// replies carries the answers a client POSTed to the fake's requests
	// (sse-with-noise), by their id.
	replies map[string]chan json.RawMessage
	// streams are the open legacy SSE streams, by session.
	streams map[string]chan []byte
	// polls keeps the responses a poll GET will deliver, by event id.
	polls   map[string][]byte
	counter int
	// modernRequests counts the requests a modern fake has answered.
	modernRequests int
}

// FakeRequest is one request a fake received.
type FakeRequest struct {
	Method string
	// Path includes the query.
	Path   string
	Header http.Header
	Body   string
}

// FakeHTTP starts a fake with one of the behaviours above. It is closed,
// its hanging handlers released, when the test ends.
func FakeHTTP(t testing.TB, behaviour string) *Fake {
	t.Helper()
	f := &Fake{
		behaviour: behaviour,
		quit:      make(chan struct{}),
		sessions:  map[string]string{},
		replies:   map[string]chan json.RawMessage{},
		streams:   map[string]chan []byte{},
		polls:     map[string][]byte{},
	}
	var h http.HandlerFunc
	switch behaviour {
	case FakeHang:
		h = f.hang
	case FakeHTML:
		h = f.html
	case FakeStatus500:
		h = func(w http.ResponseWriter, r *http.Request) {
			f.log.record(r, false)
			http.Error(w, "internal error: the database is on fire", http.StatusInternalServerError)
		}
	case FakeStatus404:
		h = func(w http.ResponseWriter, r *http.Request) {
			f.log.record(r, false)
			http.NotFound(w, r)
		}
	case FakeCloseMidStream:
		h = f.closeMidStream
	case FakeGarbage:
		h = func(w http.ResponseWriter, r *http.Request) {
			f.log.record(r, false)
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"jsonrpc": "2.0", "id": 1, "result": {oops, this is not JSON`)
		}
	case FakeHuge:
		h = f.huge
	case FakeEndlessSSE:
		h = f.endlessSSE
	case FakeRedirectCrossOrigin:
		f.Target = httptest.NewServer(http.HandlerFunc(f.target))
		h = func(w http.ResponseWriter, r *http.Request) {
			f.log.record(r, false)
			http.Redirect(w, r, f.Target.URL+r.URL.RequestURI(), http.StatusTemporaryRedirect)
		}
	case FakeSSEWithNoise:
		h = f.sseWithNoise
	case FakeLegacySSEOnly:
		h = f.legacy(false)
	case FakeLegacySSECrossOrigin:
		f.Target = httptest.NewServer(f.legacy(true))
		h = f.legacy(false)
	case FakeSession:
		h = f.session
	case FakeSSEPoll:
		h = f.ssePoll
	case FakeEcho:
		h = f.echo
	case FakeModernInputRequired, FakeModernNoToolsList, FakeModernThenBroken, FakeModernBadVersionData, FakeModernHeaderMismatch, FakeModernBadHeaderTool, FakeModernRefuseFirst:
		h = f.modern
	case FakeMoved, FakeTemporaryRedirect:
		status := map[string]int{FakeMoved: http.StatusMovedPermanently, FakeTemporaryRedirect: http.StatusTemporaryRedirect}[behaviour]
		h = func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/mcp" {
				f.log.record(r, false)
				http.Redirect(w, r, "/mcp/", status)
				return
			}
			f.target(w, r)
		}
	case FakeStringID:
		h = func(w http.ResponseWriter, r *http.Request) {
			body := f.log.record(r, true)
			if r.Method != http.MethodPost {
				http.Error(w, "Method Not Allowed", http.StatusMethodNotAllowed)
				return
			}
			if msg, ok := fakeRequest(w, body); ok {
				answer := fakeAnswer(msg, "")
				answer["id"] = strings.Trim(string(fakeJSON(msg.ID)), `"`)
				fakeWriteJSON(w, answer)
			}
		}
	case FakeSlow:
		h = func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-time.After(FakeSlowDelay):
			case <-f.quit:
				return
			}
			f.target(w, r)
		}
	default:
		t.Fatalf("mcptest: FakeHTTP: unknown behaviour %q", behaviour)
	}
	f.Server = httptest.NewServer(h)
	t.Cleanup(func() {
		close(f.quit)
		f.Server.CloseClientConnections()
		f.Server.Close()
		if f.Target != nil {
			f.Target.Close()
		}
	})
	return f
}

// Requests returns what the fake has received so far.
func (f *Fake) Requests() []FakeRequest { return f.log.list(false) }

// MCPRequests returns what the fake has received but OAuth discovery's
// requests (its /.well-known/ URLs), which a probe sends beside the MCP
// exchanges.
func (f *Fake) MCPRequests() []FakeRequest {
	var out []FakeRequest
	for _, r := range f.Requests() {
		if !strings.Contains(r.Path, "/.well-known/") {
			out = append(out, r)
		}
	}
	return out
}

// TargetRequests returns what [Fake.Target] has received so far.
func (f *Fake) TargetRequests() []FakeRequest { return f.log.list(true) }

// Deleted returns the session ids ended with DELETE (session).
func (f *Fake) Deleted() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.deleted)
}

// requestLog keeps what a fake's two origins received, for tests to read.
type requestLog struct {
	mu            sync.Mutex
	first, second []FakeRequest
}

// record keeps a request (to the second origin when second is set) and
// returns its body.
func (l *requestLog) record(r *http.Request, second bool) []byte {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	req := FakeRequest{Method: r.Method, Path: r.URL.RequestURI(), Header: r.Header.Clone(), Body: string(body)}
	l.mu.Lock()
	defer l.mu.Unlock()
	if second {
		l.second = append(l.second, req)
	} else {
		l.first = append(l.first, req)
	}
	return body
}

func (l *requestLog) list(second bool) []FakeRequest {
	l.mu.Lock()
	defer l.mu.Unlock()
	if second {
		return slices.Clone(l.second)
	}
	return slices.Clone(l.first)
}

func (f *Fake) hang(w http.ResponseWriter, r *http.Request) {
	f.log.record(r, false)
	select {
	case <-r.Context().Done():
	case <-f.quit:
	}
}

func (f *Fake) html(w http.ResponseWriter, r *http.Request) {
	f.log.record(r, false)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	io.WriteString(w, "<!DOCTYPE html>\n<html lang=\"en\">\n<head><title>Example Corp</title></head>\n<body><h1>Welcome to Example Corp</h1></body>\n</html>\n")
}

func (f *Fake) closeMidStream(w http.ResponseWriter, r *http.Request) {
	f.log.record(r, false)
	if r.Method != http.MethodPost {
		http.Error(w, "Method Not Allowed", http.StatusMethodNotAllowed)
		return
	}
	fakeStartSSE(w)
	fakeWriteEvent(w, "message", "", fakeJSON(fakeNotification("notifications/message", map[string]any{"level": "info", "data": "starting"})))
	// The handler returns: the stream ends without the response.
}

func (f *Fake) huge(w http.ResponseWriter, r *http.Request) {
	f.log.record(r, false)
	if strings.Contains(r.URL.Path, "/.well-known/") {
		http.NotFound(w, r) // the huge body is the MCP endpoint's
		return
	}
	w.Header().Set("Content-Type", "application/json")
	prefix := `{"jsonrpc":"2.0","id":1,"result":{"padding":"`
	n, err := io.WriteString(w, prefix)
	chunk := bytes.Repeat([]byte("x"), 64<<10)
	for total := n; err == nil && total < FakeHugeBytes; total += len(chunk) {
		select {
		case <-f.quit:
			return
		default:
		}
		_, err = w.Write(chunk)
	}
}

func (f *Fake) endlessSSE(w http.ResponseWriter, r *http.Request) {
	f.log.record(r, false)
	fakeStartSSE(w)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		if _, err := io.WriteString(w, ": still thinking\n\n"); err != nil {
			return
		}
		fakeFlush(w)
		select {
		case <-r.Context().Done():
			return
		case <-f.quit:
			return
		case <-tick.C:
		}
	}
}

// target is a plain stateless MCP server answering in application/json: the
// other origin of redirect-cross-origin, and FakeSlow after its wait (whose
// requests are therefore recorded as TargetRequests).
func (f *Fake) target(w http.ResponseWriter, r *http.Request) {
	body := f.log.record(r, true)
	if r.Method != http.MethodPost {
		http.Error(w, "Method Not Allowed", http.StatusMethodNotAllowed)
		return
	}
	if msg, ok := fakeRequest(w, body); ok {
		fakeWriteJSON(w, fakeAnswer(msg, ""))
	}
}

func (f *Fake) sseWithNoise(w http.ResponseWriter, r *http.Request) {
	body := f.log.record(r, false)
	if r.Method != http.MethodPost {
		http.Error(w, "Method Not Allowed", http.StatusMethodNotAllowed)
		return
	}
	msg, ok := parseFakeMessage(w, body)
	if !ok {
		return
	}
	if msg.ID == nil {
		// A notification, or the client's answer to our request.
		if msg.rawID != nil {
			f.mu.Lock()
			ch := f.replies[string(bytes.TrimSpace(msg.rawID))]
			f.mu.Unlock()
			if ch != nil {
				select {
				case ch <- body:
				default:
				}
			}
		}
		w.WriteHeader(http.StatusAccepted)
		return
	}
	f.mu.Lock()
	f.counter++
	reqID := fmt.Sprintf(`"roots-%d"`, f.counter)
	ch := make(chan json.RawMessage, 1)
	f.replies[reqID] = ch
	f.mu.Unlock()

	fakeStartSSE(w)
	io.WriteString(w, ": the fake is thinking\n\n")
	io.WriteString(w, "id: 0\nretry: 1000\ndata:\n\n")
	fakeWriteEvent(w, "heartbeat", "", []byte(`{"beat":1}`))
	fakeWriteEvent(w, "message", "1", fakeJSON(fakeNotification("notifications/message", map[string]any{"level": "info", "data": "working on " + msg.Method})))
	fakeWriteEvent(w, "", "2", fakeJSON(map[string]any{"jsonrpc": "2.0", "id": json.RawMessage(reqID), "method": "roots/list"}))
	fakeFlush(w)
	select {
	case <-ch:
	case <-time.After(5 * time.Second):
	case <-r.Context().Done():
		return
	case <-f.quit:
		return
	}
	resp, _ := json.MarshalIndent(fakeAnswer(msg, ""), "", " ")
	first, rest, _ := bytes.Cut(resp, []byte("\n"))
	fmt.Fprintf(w, "id: 3\r\nevent: message\r\ndata: %s\r\ndata: %s\r\n\r\n", first, bytes.ReplaceAll(rest, []byte("\n"), nil))
	fakeFlush(w)
}

// Replies returns the bodies clients POSTed in answer to the fake's own
// requests (sse-with-noise, the legacy fakes), in the order they came, to
// either server.
func (f *Fake) Replies() []string {
	var out []string
	for _, r := range append(f.Requests(), f.TargetRequests()...) {
		var m struct {
			ID     json.RawMessage `json:"id"`
			Method string          `json:"method"`
		}
		if r.Method == http.MethodPost && json.Unmarshal([]byte(r.Body), &m) == nil && m.ID != nil && m.Method == "" {
			out = append(out, r.Body)
		}
	}
	return out
}

// legacy serves the 2024-11-05 transport; target says whether this is the
// other origin of legacy-sse-cross-origin, which only takes messages.
func (f *Fake) legacy(target bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) { f.serveLegacy(w, r, target) }
}

func (f *Fake) serveLegacy(w http.ResponseWriter, r *http.Request, target bool) {
	body := f.log.record(r, target)
	switch {
	case r.Method == http.MethodGet && strings.Contains(r.URL.Path, "/.well-known/"):
		http.NotFound(w, r)
	case r.Method == http.MethodGet && !target && !strings.HasSuffix(r.URL.Path, "/messages"):
		f.legacyStream(w, r)
	case r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/messages"):
		f.mu.Lock()
		stream := f.streams[r.URL.Query().Get("session")]
		f.mu.Unlock()
		if stream == nil {
			http.Error(w, "unknown session", http.StatusNotFound)
			return
		}
		msg, ok := parseFakeMessage(w, body)
		if !ok {
			return
		}
		w.WriteHeader(http.StatusAccepted)
		io.WriteString(w, "Accepted")
		if msg.ID == nil {
			return
		}
		switch msg.Method {
		case "initialize":
			f.send(stream, fakeJSON(fakeNotification("notifications/message", map[string]any{"level": "info", "data": "hello, legacy client"})))
		case "tools/list":
			f.send(stream, []byte(`{"jsonrpc":"2.0","id":"srv-ping","method":"ping"}`))
			f.send(stream, []byte(`{"jsonrpc":"2.0","id":"srv-roots","method":"roots/list"}`))
		}
		f.send(stream, fakeJSON(fakeAnswer(msg, "2024-11-05")))
	default:
		w.Header().Set("Allow", "GET")
		http.Error(w, "Method Not Allowed", http.StatusMethodNotAllowed)
	}
}

// send queues a message on a legacy stream, giving up when the stream is
// gone.
func (f *Fake) send(stream chan<- []byte, data []byte) {
	select {
	case stream <- data:
	case <-time.After(5 * time.Second):
	case <-f.quit:
	}
}

func (f *Fake) legacyStream(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.counter++
	id := fmt.Sprint(f.counter)
	stream := make(chan []byte, 16)
	f.streams[id] = stream
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		delete(f.streams, id)
		f.mu.Unlock()
	}()
	endpoint := "messages?session=" + id
	if f.behaviour == FakeLegacySSECrossOrigin {
		endpoint = f.Target.URL + "/messages?session=" + id
	}
	fakeStartSSE(w)
	fakeWriteEvent(w, "endpoint", "", []byte(endpoint))
	for {
		select {
		case data := <-stream:
			fakeWriteEvent(w, "message", "", data)
		case <-r.Context().Done():
			return
		case <-f.quit:
			return
		}
	}
}

func (f *Fake) session(w http.ResponseWriter, r *http.Request) {
	body := f.log.record(r, false)
	sid := r.Header.Get("Mcp-Session-Id")
	f.mu.Lock()
	version, live := f.sessions[sid]
	f.mu.Unlock()
	switch r.Method {
	case http.MethodDelete:
		if !live {
			http.Error(w, "unknown session", http.StatusNotFound)
			return
		}
		f.mu.Lock()
		delete(f.sessions, sid)
		f.deleted = append(f.deleted, sid)
		f.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
		return
	case http.MethodPost:
	default:
		w.Header().Set("Allow", "POST, DELETE")
		http.Error(w, "Method Not Allowed", http.StatusMethodNotAllowed)
		return
	}
	msg, ok := parseFakeMessage(w, body)
	if !ok {
		return
	}
	if msg.Method == "initialize" {
		res := fakeAnswer(msg, "")
		f.mu.Lock()
		f.counter++
		sid = fmt.Sprintf("fake-session-%d", f.counter)
		f.sessions[sid] = res["result"].(map[string]any)["protocolVersion"].(string)
		f.mu.Unlock()
		w.Header().Set("Mcp-Session-Id", sid)
		fakeWriteJSON(w, res)
		return
	}
	switch {
	case sid == "":
		http.Error(w, "Bad Request: Mcp-Session-Id header is required", http.StatusBadRequest)
		return
	case !live:
		http.Error(w, "session not found", http.StatusNotFound)
		return
	case r.Header.Get("Mcp-Protocol-Version") != version:
		http.Error(w, fmt.Sprintf("Bad Request: MCP-Protocol-Version is %q, want %q", r.Header.Get("Mcp-Protocol-Version"), version), http.StatusBadRequest)
		return
	}
	if msg.ID == nil {
		w.WriteHeader(http.StatusAccepted)
		return
	}
	fakeWriteJSON(w, fakeAnswer(msg, ""))
}

func (f *Fake) ssePoll(w http.ResponseWriter, r *http.Request) {
	body := f.log.record(r, false)
	switch r.Method {
	case http.MethodGet:
		last := r.Header.Get("Last-Event-Id")
		f.mu.Lock()
		resp, ok := f.polls[last]
		delete(f.polls, last)
		f.mu.Unlock()
		if !ok {
			http.Error(w, "no stream to resume", http.StatusBadRequest)
			return
		}
		fakeStartSSE(w)
		fakeWriteEvent(w, "message", last+"-done", resp)
		return
	case http.MethodPost:
	default:
		http.Error(w, "Method Not Allowed", http.StatusMethodNotAllowed)
		return
	}
	msg, ok := fakeRequest(w, body)
	if !ok {
		return
	}
	f.mu.Lock()
	f.counter++
	eventID := fmt.Sprintf("poll-%d", f.counter)
	f.polls[eventID] = fakeJSON(fakeAnswer(msg, ""))
	f.mu.Unlock()
	fakeStartSSE(w)
	fmt.Fprintf(w, "id: %s\nretry: 50\ndata:\n\n", eventID)
}

// fakeMessage is a JSON-RPC message as the fakes read it.
type fakeMessage struct {
	ID     *json.RawMessage `json:"id"`
	Method string           `json:"method"`
	Params json.RawMessage  `json:"params"`
	rawID  []byte
}

// parseFakeMessage reads a POSTed message, answering 400 when it cannot.
func parseFakeMessage(w http.ResponseWriter, body []byte) (*fakeMessage, bool) {
	var m fakeMessage
	if err := json.Unmarshal(body, &m); err != nil {
		http.Error(w, "Bad Request: "+err.Error(), http.StatusBadRequest)
		return nil, false
	}
	if m.ID != nil && m.Method == "" {
		// A response from the client: treat it like a notification.
		m.rawID = *m.ID
		m.ID = nil
	}
	return &m, true
}

// fakeRequest parses a POSTed message and answers what needs no answer of
// its own: a body that is not JSON (400), a notification or a response from
// the client (202). It returns the request when one is left to answer.
func fakeRequest(w http.ResponseWriter, body []byte) (*fakeMessage, bool) {
	msg, ok := parseFakeMessage(w, body)
	if !ok {
		return nil, false
	}
	if msg.ID == nil {
		w.WriteHeader(http.StatusAccepted)
		return nil, false
	}
	return msg, true
}

// answer computes the fakes' response: a tiny server with one tool.
// version, when set, is the only protocol version spoken.
func fakeAnswer(m *fakeMessage, version string) map[string]any {
	resp := map[string]any{"jsonrpc": "2.0", "id": m.ID}
	switch m.Method {
	case "initialize":
		var p struct {
			ProtocolVersion string `json:"protocolVersion"`
		}
		_ = json.Unmarshal(m.Params, &p)
		if version == "" {
			version = "2025-11-25"
			if slices.Contains([]string{"2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25"}, p.ProtocolVersion) {
				version = p.ProtocolVersion
			}
		}
		resp["result"] = map[string]any{
			"protocolVersion": version,
			"capabilities":    map[string]any{"tools": map[string]any{}},
			"serverInfo":      map[string]any{"name": FakeServerName, "version": "0.0.1"},
		}
	case "tools/list":
		resp["result"] = map[string]any{"tools": []any{map[string]any{
			"name": FakeToolName, "description": "Answers pong.",
			"inputSchema": map[string]any{"type": "object"},
		}}}
	case "tools/call":
		resp["result"] = map[string]any{"content": []any{map[string]any{"type": "text", "text": "pong"}}}
	case "ping":
		resp["result"] = map[string]any{}
	default:
		resp["error"] = map[string]any{"code": -32601, "message": "Method not found: " + m.Method}
	}
	return resp
}

func fakeNotification(method string, params any) map[string]any {
	return map[string]any{"jsonrpc": "2.0", "method": method, "params": params}
}

func fakeJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

func fakeWriteJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Write(fakeJSON(v))
}

func fakeStartSSE(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	fakeFlush(w)
}

// writeEvent writes one event; name and id are left out when empty.
func fakeWriteEvent(w http.ResponseWriter, name, id string, data []byte) {
	var b bytes.Buffer
	if name != "" {
		fmt.Fprintf(&b, "event: %s\n", name)
	}
	if id != "" {
		fmt.Fprintf(&b, "id: %s\n", id)
	}
	fmt.Fprintf(&b, "data: %s\n\n", data)
	w.Write(b.Bytes())
	fakeFlush(w)
}

func fakeFlush(w http.ResponseWriter) {
	_ = http.NewResponseController(w).Flush()
}
