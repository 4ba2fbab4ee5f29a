package wire

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mcpdoctor/mcpdoctor/internal/evidence"
	"github.com/mcpdoctor/mcpdoctor/internal/netguard"
)

// This file holds what the two HTTP transports share: the client and its
// redirect policy, the recording of exchanges and capped reading. The
// Server-Sent Events parser is in events.go.

// MaxRedirects bounds the hops one request may follow.
const MaxRedirects = 5

// httpWire is one HTTP transport's connection to its server: the configured
// URL and headers, the client that keeps those headers on their origin, and
// the recorder every exchange goes to.
type httpWire struct {
	// target is the configured URL; targetErr is set when it does not parse.
	target    *url.URL
	targetErr error
	// header holds the configured headers with their raw values. They are
	// sent to target's origin only (schema/README.md, "What is never in it").
	header http.Header
	opts   Options
	rec    *evidence.Recorder
	client *http.Client
	// owned is the http.Transport this wire created, closed with it; nil
	// when the caller's client supplied one, whose pool is the caller's.
	owned *http.Transport

	mu       sync.Mutex
	findings []evidence.Finding
}

// rpcMethodKey carries the JSON-RPC method of a request in its context, so
// that the redirect policy can name it in the exchanges it records.
type rpcMethodKey struct{}

func newHTTPWire(rawURL string, header http.Header, opts Options, rec *evidence.Recorder) *httpWire {
	w := &httpWire{header: header.Clone(), opts: opts, rec: rec}
	if w.header == nil {
		w.header = http.Header{}
	}
	u, err := url.Parse(rawURL)
	switch {
	case err != nil:
		w.targetErr = err
	case u.Scheme != "http" && u.Scheme != "https":
		w.targetErr = fmt.Errorf("the URL %q is not http or https", rawURL)
	case u.Host == "":
		w.targetErr = fmt.Errorf("the URL %q has no host", rawURL)
	}
	if w.targetErr != nil {
		w.targetErr = &evidence.Error{Category: evidence.CategoryConfig, Message: "cannot use the server's url: " + w.targetErr.Error(), Err: w.targetErr,
			Hint: "set url to the MCP endpoint, such as https://example.com/mcp"}
	}
	w.target = u
	if w.opts.Guard == nil && u != nil {
		w.opts.Guard = &netguard.Policy{Home: u.Hostname()}
	}

	var rt http.RoundTripper
	var jar http.CookieJar
	if opts.HTTPClient != nil {
		rt, jar = opts.HTTPClient.Transport, opts.HTTPClient.Jar
	}
	if rt == nil {
		w.owned = NewHTTPTransport()
		rt = w.owned
	}
	// No Client.Timeout (not even the caller's): an event stream
	// legitimately stays open for as long as a call runs. Every request
	// carries the probe's context instead.
	w.client = &http.Client{Transport: rt, Jar: jar, CheckRedirect: w.checkRedirect}
	return w
}

// NewHTTPTransport bounds each phase of a connection that has a natural
// bound. It sets no ResponseHeaderTimeout: a server that answers in
// application/json sends its headers only when a tool finishes, which may
// take tool_timeout_sec; the request's context bounds that wait.
//
// Its connections are checked by internal/netguard for every request whose
// context carries a policy: the URLs a server names.
func NewHTTPTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.DialContext = (&net.Dialer{Timeout: 15 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	t.TLSHandshakeTimeout = 15 * time.Second
	t.ExpectContinueTimeout = time.Second
	t.IdleConnTimeout = 30 * time.Second
	netguard.Install(t)
	return t
}

// guarded returns ctx for a request to u: carrying the wire's policy when
// u is on another origin than the configured URL, which the server, not
// the user, named.
func (w *httpWire) guarded(ctx context.Context, u *url.URL) context.Context {
	if SameOrigin(u, w.target) {
		return ctx
	}
	return netguard.With(ctx, w.opts.Guard)
}

// close releases the connections this wire opened.
func (w *httpWire) close() {
	if w.owned != nil {
		w.owned.CloseIdleConnections()
	}
}

// Findings returns what the wire noticed that is not a failure by itself.
func (w *httpWire) Findings() []evidence.Finding {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]evidence.Finding(nil), w.findings...)
}

// finding adds a finding once per code.
func (w *httpWire) finding(f evidence.Finding) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, g := range w.findings {
		if g.Code == f.Code {
			return
		}
	}
	w.findings = append(w.findings, f)
}

// checkRedirect records each hop and keeps the configured headers on their
// origin: net/http itself drops only Authorization and Cookie, and only when
// the domain changes, while an X-Api-Key would follow the redirect anywhere.
func (w *httpWire) checkRedirect(req *http.Request, via []*http.Request) error {
	prev := via[len(via)-1]
	hop := evidence.Exchange{Method: prev.Method, URL: prev.URL.String(), RequestHeader: w.keepHeaders(prev.Header)}
	hop.RPCMethod, _ = req.Context().Value(rpcMethodKey{}).(string)
	if r := req.Response; r != nil {
		hop.Status = r.StatusCode
		hop.ResponseHeader = w.keepHeaders(r.Header)
	}
	hop.Note = "redirect to " + req.URL.String()
	// The Location is the server's choice: where it leads is checked when
	// the hop connects (internal/netguard).
	if g := w.guarded(req.Context(), req.URL); g != req.Context() {
		*req = *req.WithContext(g)
	}
	if len(via) > MaxRedirects {
		hop.Err = fmt.Sprintf("stopped after %d redirects", MaxRedirects)
		w.rec.Add(hop)
		return &evidence.Error{Category: evidence.CategoryHTTPStatus, Message: fmt.Sprintf("%s %s redirected more than %d times", via[0].Method, via[0].URL, MaxRedirects),
			Hint: "the URL redirects in a loop or too far: put the final URL in the config"}
	}
	if prev.Method == http.MethodPost && req.Method != http.MethodPost {
		// A 301, 302 or 303 to a POST: net/http (like most clients and
		// browsers) follows with a GET and no body, so the MCP request
		// never reaches the server, and what the GET gets back (a 404, a
		// 405, a page) would be taken for its answer.
		msg := fmt.Sprintf("POST %s answered %d and redirected to %s; a client follows a %d with a GET and no body, so the server never gets the MCP request",
			via[0].URL, hop.Status, req.URL, hop.Status)
		hint := fmt.Sprintf("put the URL it redirects to in the config: %s", req.URL)
		hop.Err = "not followed: a POST redirected with " + strconv.Itoa(hop.Status) + " would arrive as a GET"
		w.rec.Add(hop)
		w.finding(evidence.Finding{Code: "redirect_changed_method", Severity: evidence.SeverityError, Message: msg, Hint: hint})
		return &evidence.Error{Category: evidence.CategoryHTTPStatus, Message: msg, Hint: hint}
	}
	if hop.RPCMethod != "" && SameOrigin(req.URL, w.target) {
		// A 307 or 308 keeps the method and body, and it works; but every
		// request pays the round trip, and clients that do not follow a
		// redirect of a POST fail.
		w.finding(evidence.Finding{Code: "redirect_followed", Severity: evidence.SeverityInfo,
			Message: fmt.Sprintf("%s %s answered %d and redirected to %s, and mcpdoctor followed; every request pays the extra round trip, and clients that do not follow redirects of a POST fail", via[0].Method, via[0].URL, hop.Status, req.URL),
			Hint:    fmt.Sprintf("put the final URL in the config: %s", req.URL)})
	}
	if !SameOrigin(req.URL, w.target) {
		dropped := w.credentialNames(via[0].Header)
		for _, name := range dropped {
			req.Header.Del(name)
		}
		msg := fmt.Sprintf("%s %s redirected to another origin, %s", via[0].Method, via[0].URL, OriginOf(req.URL))
		if len(dropped) > 0 {
			hop.Note += "; dropped " + strings.Join(dropped, ", ") + ": redirect to another origin"
			msg += fmt.Sprintf("; mcpdoctor did not send %s there, so a server that needs it will refuse", strings.Join(dropped, ", "))
		}
		w.finding(evidence.Finding{Code: "cross_origin_redirect", Severity: evidence.SeverityWarning, Message: msg,
			Hint: "credentials go only to the origin they are configured for: if you trust the new origin, put its URL in the config"})
	}
	w.rec.Add(hop)
	return nil
}

// credentialNames lists the headers of h that must not leave the configured
// origin: every configured header, and Authorization and cookies whatever
// set them.
func (w *httpWire) credentialNames(h http.Header) []string {
	var names []string
	for name := range h {
		if _, ok := w.header[name]; ok || name == "Authorization" || name == "Cookie" || name == "Proxy-Authorization" {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	return names
}

// SameOrigin compares scheme, host and port (RFC 6454), with default ports
// made explicit.
func SameOrigin(a, b *url.URL) bool {
	return a != nil && b != nil && OriginOf(a) == OriginOf(b)
}

func OriginOf(u *url.URL) string {
	scheme := strings.ToLower(u.Scheme)
	port := u.Port()
	if port == "" {
		switch scheme {
		case "http":
			port = "80"
		case "https":
			port = "443"
		}
	}
	return scheme + "://" + net.JoinHostPort(strings.ToLower(u.Hostname()), port)
}

// wireHeaders are the headers an Exchange keeps: the ones that explain an
// MCP exchange. The configured headers are kept too, raw; the report layer
// redacts them.
var wireHeaders = []string{"Accept", "Content-Type", "Mcp-Session-Id", "Mcp-Protocol-Version", "Mcp-Method", "Mcp-Name", "Last-Event-Id", "Www-Authenticate", "Location", "Allow"}

func (w *httpWire) keepHeaders(h http.Header) http.Header {
	out := http.Header{}
	for _, name := range wireHeaders {
		if v := h.Values(name); len(v) > 0 {
			out[name] = append([]string(nil), v...)
		}
	}
	for name, v := range h {
		if strings.HasPrefix(http.CanonicalHeaderKey(name), "Mcp-Param-") {
			out[http.CanonicalHeaderKey(name)] = append([]string(nil), v...)
		}
	}
	for name := range w.header {
		if v := h.Values(name); len(v) > 0 {
			out[http.CanonicalHeaderKey(name)] = append([]string(nil), v...)
		}
	}
	if v := h.Values("Authorization"); len(v) > 0 {
		out["Authorization"] = append([]string(nil), v...)
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// wireRequest is one HTTP request a transport sends.
type wireRequest struct {
	method string
	url    *url.URL
	body   []byte
	// header holds the transport's own headers (Accept, session, version).
	header http.Header
	// credentials says whether the configured headers go along: only to the
	// configured origin.
	credentials bool
	rpcMethod   string
	// record receives the exchange; nil means the recorder.
	record func(evidence.Exchange)
}

// liveExchange is an Exchange being filled in while its response is read.
type liveExchange struct {
	evidence.Exchange
	start  time.Time
	body   *excerptBuffer
	record func(evidence.Exchange)
}

// do sends a request and returns the response with its exchange, which the
// caller finishes once it has read the body. On a transport error the
// exchange is recorded here and the error keeps its net/http type, so that
// Classify can tell DNS from a refused connection from a timeout.
func (w *httpWire) do(ctx context.Context, r wireRequest) (*http.Response, *liveExchange, error) {
	ex := &liveExchange{start: time.Now(), body: &excerptBuffer{}, record: r.record}
	if ex.record == nil {
		ex.record = w.rec.Add
	}
	ex.Method, ex.URL, ex.RPCMethod = r.method, r.url.String(), r.rpcMethod
	if len(r.body) > 0 {
		ex.RequestBody = evidence.Excerpt(r.body, evidence.MaxExcerpt)
	}
	var body io.Reader
	if r.body != nil {
		body = bytes.NewReader(r.body)
	}
	if r.rpcMethod != "" {
		ctx = context.WithValue(ctx, rpcMethodKey{}, r.rpcMethod)
	}
	ctx = w.guarded(ctx, r.url)
	req, err := http.NewRequestWithContext(ctx, r.method, r.url.String(), body)
	if err != nil {
		ex.Err = err.Error()
		ex.record(ex.Exchange)
		return nil, nil, &evidence.Error{Category: evidence.CategoryConfig, Message: "cannot build the request: " + err.Error(), Err: err}
	}
	if r.credentials {
		for name, v := range w.header {
			req.Header[http.CanonicalHeaderKey(name)] = append([]string(nil), v...)
		}
	}
	if req.Header.Get("User-Agent") == "" {
		req.Header.Set("User-Agent", w.opts.userAgent())
	}
	for name, v := range r.header {
		req.Header[name] = v
	}
	ex.RequestHeader = w.keepHeaders(req.Header)
	ex.Proxy = ProxyFor(w.client.Transport, req)
	resp, err := w.client.Do(req)
	if err != nil {
		ex.Err = err.Error()
		ex.Duration = time.Since(ex.start)
		ex.record(ex.Exchange)
		if ctx.Err() != nil {
			return nil, nil, TimeoutError(ctx, err, fmt.Sprintf("%s %s %s: no answer within %s", r.method, r.url, r.rpcMethod, RoundDuration(ex.Duration)))
		}
		return nil, nil, err
	}
	ex.Status = resp.StatusCode
	ex.ResponseHeader = w.keepHeaders(resp.Header)
	if resp.Request != nil && resp.Request.URL.String() != ex.URL {
		ex.URL = resp.Request.URL.String()
	}
	resp.Body = &teeBody{ReadCloser: resp.Body, tee: ex.body, drain: MediaType(resp.Header) != "text/event-stream"}
	return resp, ex, nil
}

// finish records the exchange, with err (if any) and the body read so far.
func (w *httpWire) finish(ex *liveExchange, err error) {
	ex.Duration = time.Since(ex.start)
	if ex.body.total > 0 {
		ex.ResponseBody = ex.body.String()
		ex.Truncated = ex.Truncated || ex.body.truncated()
	}
	if err != nil && ex.Err == "" {
		ex.Err = err.Error()
	}
	if errors.Is(err, ErrTooLarge) {
		ex.Truncated = true
	}
	ex.record(ex.Exchange)
}

// statusError reads an excerpt of a non-2xx answer and describes it.
func (w *httpWire) statusError(resp *http.Response, ex *liveExchange) error {
	b, _ := io.ReadAll(io.LimitReader(resp.Body, evidence.MaxExcerpt))
	err := &HTTPStatusError{Method: ex.Method, URL: ex.URL, Status: resp.StatusCode, Header: resp.Header.Clone(), Body: string(b)}
	if isJSONType(MediaType(resp.Header)) {
		if m, perr := ParseMessage(b); perr == nil && m.Error != nil {
			err.RPC = m
		}
	}
	w.finish(ex, err)
	return err
}

// notMCPError describes a 2xx answer that is neither JSON nor an event
// stream: most often the web page of a site, not its MCP endpoint.
func (w *httpWire) notMCPError(resp *http.Response, ex *liveExchange, what string) error {
	b, _ := io.ReadAll(io.LimitReader(resp.Body, evidence.MaxExcerpt))
	ct := resp.Header.Get("Content-Type")
	if ct == "" {
		ct = "no Content-Type"
	}
	msg := fmt.Sprintf("%s answered %d with %s, not JSON or an event stream", what, resp.StatusCode, ct)
	if s := evidence.OneLine(b, 80); s != "" {
		msg += ": " + s
	}
	hint := "the URL does not serve MCP: check the path (often /mcp) and that nothing (a proxy, a login page) stands in front of the server"
	if MediaType(resp.Header) == "text/html" || bytes.HasPrefix(bytes.TrimSpace(bytes.ToLower(b)), []byte("<!doctype html")) {
		hint = "the URL serves a web page, not an MCP endpoint: check the path (often /mcp)"
	}
	err := &evidence.Error{Category: evidence.CategoryNotMCP, Message: msg, Hint: hint}
	w.finish(ex, err)
	return err
}

// TimeoutError keeps a deadline's category and hint and says what we were
// waiting for. A cancelled (not expired) context is classified as it is.
func TimeoutError(ctx context.Context, err error, msg string) error {
	if errors.Is(ctx.Err(), context.Canceled) {
		return Cancelled(err)
	}
	if !errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return err
	}
	e := Classify(context.DeadlineExceeded)
	return &evidence.Error{Category: e.Category, Message: msg, Hint: e.Hint, Err: err}
}

func RoundDuration(d time.Duration) time.Duration {
	if d > time.Second {
		return d.Round(100 * time.Millisecond)
	}
	return d.Round(time.Millisecond)
}

// MediaType is the Content-Type without its parameters, lower case.
func MediaType(h http.Header) string {
	ct := h.Get("Content-Type")
	if mt, _, err := mime.ParseMediaType(ct); err == nil {
		return mt
	}
	return strings.ToLower(strings.TrimSpace(strings.Split(ct, ";")[0]))
}

func isJSONType(mt string) bool {
	return mt == "application/json" || strings.HasSuffix(mt, "+json")
}

func isSuccess(status int) bool { return status >= 200 && status < 300 }

// ErrTooLarge marks a body over the cap (Options.MaxMessageBytes).
var ErrTooLarge = errors.New("response over the size cap")

// tooLargeHint says what to do about a message over the cap.
const tooLargeHint = "no client can use a message this big (it goes into the model's context): check what the server returns, and report it to its authors"

// tooLargeError is the answer to a body over the cap.
func tooLargeError(limit int64) *evidence.Error {
	return &evidence.Error{Category: evidence.CategoryProtocol, Err: ErrTooLarge,
		Message: fmt.Sprintf("the response is larger than %d bytes, mcpdoctor's cap for one message", limit),
		Hint:    tooLargeHint}
}

// measureTooLarge reads the rest of a body over the cap, to say how big it
// was: without keeping it, for as long as the request's context allows,
// and at most maxMeasured bytes.
func measureTooLarge(ctx context.Context, err error, body io.Reader, ex *liveExchange, limit int64) error {
	if !errors.Is(err, ErrTooLarge) || ctx.Err() != nil {
		return err
	}
	n, _ := io.Copy(io.Discard, io.LimitReader(body, maxMeasured))
	total := ex.body.total
	what := fmt.Sprintf("%d bytes", total)
	if n == maxMeasured || ctx.Err() != nil {
		what = fmt.Sprintf("more than %d bytes", total)
	}
	return &evidence.Error{Category: evidence.CategoryProtocol, Err: ErrTooLarge,
		Message: fmt.Sprintf("the response is %s, over mcpdoctor's cap of %d bytes for one message", what, limit),
		Hint:    tooLargeHint}
}

// maxMeasured bounds what is read of a body over the cap only to tell its
// size.
const maxMeasured = 1 << 30

// ReadCapped reads a whole body, failing once it is longer than limit. Its
// buffer doubles (io.ReadAll grows large buffers by a quarter, which costs
// five times the cap on the way to it).
func ReadCapped(r io.Reader, limit int64) ([]byte, error) {
	buf := make([]byte, 0, min(limit+1, 16<<10))
	for {
		if len(buf) == cap(buf) {
			grown := make([]byte, len(buf), min(limit+1, int64(2*cap(buf))))
			copy(grown, buf)
			buf = grown
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if int64(len(buf)) > limit {
			return buf[:limit], tooLargeError(limit)
		}
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
}

// excerptBuffer keeps the first evidence.MaxExcerpt bytes written to it and counts
// the rest.
type excerptBuffer struct {
	buf   []byte
	total int64
}

func (e *excerptBuffer) Write(p []byte) (int, error) {
	if room := evidence.MaxExcerpt - len(e.buf); room > 0 {
		e.buf = append(e.buf, p[:min(room, len(p))]...)
	}
	e.total += int64(len(p))
	return len(p), nil
}

func (e *excerptBuffer) truncated() bool { return e.total > int64(len(e.buf)) }

func (e *excerptBuffer) String() string {
	if e.truncated() {
		return string(e.buf) + "…"
	}
	return string(e.buf)
}

// teeBody copies what is read from a response body into its excerpt.
type teeBody struct {
	io.ReadCloser
	tee io.Writer
	// drain: read what is left (up to DrainLimit) before closing, so
	// that the connection can carry the next request. Not for event
	// streams, which may never end.
	drain bool
}

func (t *teeBody) Close() error {
	if t.drain {
		_, _ = io.CopyN(io.Discard, t.ReadCloser, DrainLimit)
	}
	return t.ReadCloser.Close()
}

// ProxyFor names the proxy rt would send req through, or "" for none (or
// a transport that does not say).
func ProxyFor(rt http.RoundTripper, req *http.Request) string {
	t, ok := rt.(*http.Transport)
	if !ok || t.Proxy == nil {
		return ""
	}
	u, err := t.Proxy(req)
	if err != nil || u == nil {
		return ""
	}
	return u.String()
}

// DrainLimit bounds what is read of an unwanted body before it is closed:
// net/http reuses a connection only once its last body was read to the
// end, and a new connection costs a round trip or two.
const DrainLimit = 64 << 10

// DrainClose reads what is left of a body (up to DrainLimit) and closes
// it, so that its connection is reused.
func DrainClose(body io.ReadCloser) {
	_, _ = io.CopyN(io.Discard, body, DrainLimit)
	_ = body.Close()
}

func (t *teeBody) Read(p []byte) (int, error) {
	n, err := t.ReadCloser.Read(p)
	if n > 0 {
		_, _ = t.tee.Write(p[:n])
	}
	return n, err
}

// incoming handles one message from the server that is not the response the
// caller waits for, the same way on both HTTP transports: a request is
// answered with MethodNotFound through answer, a notification is recorded
// and skipped, a response to another id is recorded and skipped.
func (w *httpWire) incoming(msg *Message, record func(evidence.Exchange), answer func(reply, req *Message)) {
	switch {
	case msg.IsRequest() && msg.Method == "ping":
		// Either side must answer ping with an empty result (spec,
		// basic/utilities/ping).
		pong := &Message{JSONRPC: "2.0", ID: msg.ID, Result: json.RawMessage(`{}`)}
		_ = pong.encode()
		answer(pong, msg)
	case msg.IsRequest():
		answer(MethodNotFound(msg), msg)
	case msg.IsNotification():
		record(evidence.Exchange{Direction: "receive", RPCMethod: msg.Method, ResponseBody: evidence.Excerpt(msg.Raw, evidence.MaxExcerpt),
			Truncated: len(msg.Raw) > evidence.MaxExcerpt, Note: "notification, skipped"})
	default:
		record(evidence.Exchange{Direction: "receive", ResponseBody: evidence.Excerpt(msg.Raw, evidence.MaxExcerpt),
			Truncated: len(msg.Raw) > evidence.MaxExcerpt, Note: "response to id " + string(msg.ID) + ", which no call waits for; skipped"})
	}
}

// postReply sends our answer to a server's request and records it. Its
// failure is evidence, not the probe's failure.
func (w *httpWire) postReply(ctx context.Context, to *url.URL, header http.Header, credentials bool, record func(evidence.Exchange), reply, req *Message) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	h := header.Clone()
	if h == nil {
		h = http.Header{}
	}
	h.Set("Content-Type", "application/json")
	h.Set("Accept", "application/json, text/event-stream")
	resp, ex, err := w.do(ctx, wireRequest{method: http.MethodPost, url: to, body: reply.Raw, header: h,
		credentials: credentials, rpcMethod: replyName(reply, req), record: record})
	if err != nil {
		return
	}
	defer resp.Body.Close()
	ex.Note = fmt.Sprintf("the server asked for %s (id %s); mcpdoctor serves no client features, so it answered -32601 Method not found", req.Method, req.ID)
	if reply.Error == nil {
		ex.Note = fmt.Sprintf("the server sent %s (id %s); mcpdoctor answered it", req.Method, req.ID)
	}
	_, rerr := ReadCapped(resp.Body, evidence.MaxExcerpt)
	if rerr == nil && !isSuccess(resp.StatusCode) {
		rerr = fmt.Errorf("the server refused our answer with %d", resp.StatusCode)
	}
	if errors.Is(rerr, ErrTooLarge) {
		rerr = nil // an answer to an answer: its size does not matter
	}
	w.finish(ex, rerr)
}

// replyName names our answer to a server's request in an exchange.
func replyName(reply, req *Message) string {
	if reply.Error != nil {
		return "error response to " + req.Method
	}
	return "response to " + req.Method
}

// protocolError is a server answer that breaks the MCP transport rules.
func protocolError(msg, hint string) *evidence.Error {
	if hint == "" {
		hint = "the server does not follow the MCP transport; report this to its authors with the exchange below"
	}
	return &evidence.Error{Category: evidence.CategoryProtocol, Message: msg, Hint: hint}
}
