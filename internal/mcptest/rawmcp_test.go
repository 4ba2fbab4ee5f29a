package mcptest

// Raw JSON-RPC over each wire, with nothing but the standard library, so that
// these tests check the servers and not some client's idea of them.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os/exec"
	"strings"
	"testing"
	"time"
)

const protocolVersion = "2025-06-18"

// testTimeout bounds each exchange in these tests.
const testTimeout = 20 * time.Second

func request(id int, method string, params any) []byte {
	msg := map[string]any{"jsonrpc": "2.0", "id": id, "method": method}
	if params != nil {
		msg["params"] = params
	}
	b, err := json.Marshal(msg)
	if err != nil {
		panic(err)
	}
	return b
}

func initializeRequest(id int) []byte {
	return request(id, "initialize", map[string]any{
		"protocolVersion": protocolVersion,
		"capabilities":    map[string]any{},
		"clientInfo":      map[string]any{"name": "mcptest-test", "version": "1.0.0"},
	})
}

var initializedNotification = []byte(`{"jsonrpc":"2.0","method":"notifications/initialized"}`)

// rpcResponse is a JSON-RPC response.
type rpcResponse struct {
	ID     json.RawMessage `json:"id"`
	Result json.RawMessage `json:"result"`
	Error  *struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

type initializeResult struct {
	ProtocolVersion string                     `json:"protocolVersion"`
	Capabilities    map[string]json.RawMessage `json:"capabilities"`
	ServerInfo      struct {
		Name    string `json:"name"`
		Version string `json:"version"`
	} `json:"serverInfo"`
}

func decodeResult[T any](t testing.TB, resp rpcResponse) T {
	t.Helper()
	var v T
	if resp.Error != nil {
		t.Fatalf("JSON-RPC error %d: %s", resp.Error.Code, resp.Error.Message)
	}
	if err := json.Unmarshal(resp.Result, &v); err != nil {
		t.Fatalf("decoding result %s: %v", resp.Result, err)
	}
	return v
}

// sseEvent is one server-sent event.
type sseEvent struct {
	Name string
	Data string
}

// readSSE parses server-sent events from r onto a channel, closed at the end
// of the stream or, events undelivered, once done is closed.
func readSSE(r io.Reader, done <-chan struct{}) <-chan sseEvent {
	ch := make(chan sseEvent, 16)
	go func() {
		defer close(ch)
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
		var ev sseEvent
		var data []string
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "":
				if len(data) > 0 {
					ev.Data = strings.Join(data, "\n")
					if ev.Name == "" {
						ev.Name = "message"
					}
					select {
					case ch <- ev:
					case <-done:
						return
					}
				}
				ev, data = sseEvent{}, nil
			case strings.HasPrefix(line, "event:"):
				ev.Name = strings.TrimSpace(strings.TrimPrefix(line, "event:"))
			case strings.HasPrefix(line, "data:"):
				data = append(data, strings.TrimPrefix(strings.TrimPrefix(line, "data:"), " "))
			}
		}
	}()
	return ch
}

// postResult is what a Streamable HTTP POST answered.
type postResult struct {
	Status int
	Header http.Header
	Body   []byte      // the raw body
	Resp   rpcResponse // the response to the request, when there is one
}

// post sends one JSON-RPC message to a Streamable HTTP endpoint and reads the
// response to it, from a JSON body or from an event stream.
func post(t testing.TB, endpoint string, header http.Header, msg []byte) postResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, bytes.NewReader(msg))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	for k, vs := range header {
		req.Header[k] = vs
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", endpoint, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		t.Fatalf("POST %s: reading the body: %v", endpoint, err)
	}
	res := postResult{Status: resp.StatusCode, Header: resp.Header, Body: body}
	if resp.StatusCode != http.StatusOK {
		return res
	}
	var wantID struct {
		ID json.RawMessage `json:"id"`
	}
	_ = json.Unmarshal(msg, &wantID)
	mediaType, _, _ := strings.Cut(resp.Header.Get("Content-Type"), ";")
	switch strings.TrimSpace(mediaType) {
	case "application/json":
		if err := json.Unmarshal(body, &res.Resp); err != nil {
			t.Fatalf("POST %s: decoding %s: %v", endpoint, body, err)
		}
	case "text/event-stream":
		for ev := range readSSE(bytes.NewReader(body), nil) {
			var r rpcResponse
			if res.Resp.ID == nil && json.Unmarshal([]byte(ev.Data), &r) == nil && bytes.Equal(r.ID, wantID.ID) {
				res.Resp = r
			}
		}
		if res.Resp.ID == nil {
			t.Fatalf("POST %s: no response with id %s in the stream:\n%s", endpoint, wantID.ID, body)
		}
	default:
		t.Fatalf("POST %s: 200 with Content-Type %q", endpoint, resp.Header.Get("Content-Type"))
	}
	return res
}

// httpSession is a Streamable HTTP session opened with a raw initialize.
type httpSession struct {
	t        testing.TB
	endpoint string
	header   http.Header
	nextID   int
	init     initializeResult
}

// openSession initializes a session at endpoint, sending header with every
// request, and sends notifications/initialized.
func openSession(t testing.TB, endpoint string, header http.Header) *httpSession {
	t.Helper()
	if header == nil {
		header = http.Header{}
	}
	res := post(t, endpoint, header, initializeRequest(1))
	if res.Status != http.StatusOK {
		t.Fatalf("POST %s initialize: %d %s", endpoint, res.Status, res.Body)
	}
	s := &httpSession{t: t, endpoint: endpoint, header: header.Clone(), nextID: 2}
	s.init = decodeResult[initializeResult](t, res.Resp)
	if sid := res.Header.Get("Mcp-Session-Id"); sid != "" {
		s.header.Set("Mcp-Session-Id", sid)
	}
	s.header.Set("Mcp-Protocol-Version", s.init.ProtocolVersion)
	if res := post(t, endpoint, s.header, initializedNotification); res.Status != http.StatusAccepted {
		t.Fatalf("POST %s notifications/initialized: %d %s", endpoint, res.Status, res.Body)
	}
	return s
}

func (s *httpSession) call(method string, params any) rpcResponse {
	s.t.Helper()
	id := s.nextID
	s.nextID++
	res := post(s.t, s.endpoint, s.header, request(id, method, params))
	if res.Status != http.StatusOK {
		s.t.Fatalf("POST %s %s: %d %s", s.endpoint, method, res.Status, res.Body)
	}
	return res.Resp
}

type tool struct {
	Name string `json:"name"`
}

type listToolsResult struct {
	Tools      []tool `json:"tools"`
	NextCursor string `json:"nextCursor"`
}

type callToolResult struct {
	Content []struct {
		Type string `json:"type"`
		Text string `json:"text"`
	} `json:"content"`
	StructuredContent map[string]any `json:"structuredContent"`
	IsError           bool           `json:"isError"`
}

// listAllTools pages through tools/list and returns the names and the
// number of pages.
func listAllTools(t testing.TB, call func(method string, params any) rpcResponse) (names []string, pages int) {
	t.Helper()
	cursor := ""
	for {
		var params any
		if cursor != "" {
			params = map[string]any{"cursor": cursor}
		}
		page := decodeResult[listToolsResult](t, call("tools/list", params))
		pages++
		for _, tl := range page.Tools {
			names = append(names, tl.Name)
		}
		if page.NextCursor == "" {
			return names, pages
		}
		if pages > 100 {
			t.Fatalf("tools/list: still paging after %d pages", pages)
		}
		cursor = page.NextCursor
	}
}

// legacySSEInitialize runs the 2024-11-05 HTTP+SSE handshake against
// streamURL: GET the stream, wait for the endpoint event, POST initialize
// there, and read the answer from the stream. It returns the endpoint and the
// initialize result.
func legacySSEInitialize(t testing.TB, streamURL string) (endpoint string, res initializeResult) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, streamURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept", "text/event-stream")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", streamURL, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		t.Fatalf("GET %s: %s, Content-Type %q", streamURL, resp.Status, resp.Header.Get("Content-Type"))
	}
	events := readSSE(resp.Body, ctx.Done())

	ev, ok := <-events
	if !ok || ev.Name != "endpoint" {
		t.Fatalf("GET %s: first event %+v (stream open: %v), want endpoint", streamURL, ev, ok)
	}
	base, _ := url.Parse(streamURL)
	ref, err := url.Parse(ev.Data)
	if err != nil {
		t.Fatalf("endpoint event %q: %v", ev.Data, err)
	}
	endpoint = base.ResolveReference(ref).String()

	postReq, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, bytes.NewReader(initializeRequest(1)))
	if err != nil {
		t.Fatal(err)
	}
	postReq.Header.Set("Content-Type", "application/json")
	postResp, err := http.DefaultClient.Do(postReq)
	if err != nil {
		t.Fatalf("POST %s: %v", endpoint, err)
	}
	body, _ := io.ReadAll(postResp.Body)
	postResp.Body.Close()
	if postResp.StatusCode/100 != 2 {
		t.Fatalf("POST %s initialize: %s %s", endpoint, postResp.Status, body)
	}

	for ev := range events {
		var r rpcResponse
		if ev.Name == "message" && json.Unmarshal([]byte(ev.Data), &r) == nil && string(r.ID) == "1" {
			return endpoint, decodeResult[initializeResult](t, r)
		}
	}
	t.Fatalf("GET %s: stream ended (%v) without the initialize response", streamURL, ctx.Err())
	return "", res
}

// stdioPeer is a stdio MCP server started by a test, spoken to raw.
type stdioPeer struct {
	t      testing.TB
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	lines  <-chan []byte
	stderr *tailBuffer
	exited chan struct{}
	nextID int
}

func startStdio(t testing.TB, command string, args, env []string) *stdioPeer {
	t.Helper()
	cmd := exec.Command(command, args...)
	cmd.Env = append(cmd.Environ(), env...)
	inOwnGroup(cmd)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	p := &stdioPeer{t: t, cmd: cmd, stdin: stdin, stderr: &tailBuffer{}, exited: make(chan struct{}), nextID: 1}
	cmd.Stderr = p.stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", command, err)
	}
	lines := make(chan []byte, 16)
	p.lines = lines
	stop := make(chan struct{})
	// Read stdout to its end before Wait, which closes the pipe; once the
	// test is over, lines nobody reads are dropped.
	go func() {
		defer close(p.exited)
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
		for sc.Scan() {
			select {
			case lines <- bytes.Clone(sc.Bytes()):
			case <-stop:
			}
		}
		close(lines)
		cmd.Wait()
	}()
	t.Cleanup(func() {
		killGroup(cmd)
		close(stop)
		<-p.exited
		if t.Failed() {
			t.Logf("stderr of %s:\n%s", command, p.stderr.String())
		}
	})
	return p
}

func (p *stdioPeer) send(msg []byte) {
	p.t.Helper()
	if _, err := p.stdin.Write(append(bytes.Clone(msg), '\n')); err != nil {
		p.t.Fatalf("writing to stdin: %v; stderr:\n%s", err, p.stderr.String())
	}
}

func (p *stdioPeer) call(method string, params any) rpcResponse {
	p.t.Helper()
	id := p.nextID
	p.nextID++
	p.send(request(id, method, params))
	want := fmt.Sprint(id)
	timeout := time.After(testTimeout)
	for {
		select {
		case line, ok := <-p.lines:
			if !ok {
				p.t.Fatalf("%s: stdout closed before the response; stderr:\n%s", method, p.stderr.String())
			}
			var r rpcResponse
			if err := json.Unmarshal(line, &r); err != nil {
				p.t.Fatalf("%s: stdout line is not JSON-RPC: %q", method, line)
			}
			if string(r.ID) == want {
				return r
			}
		case <-timeout:
			p.t.Fatalf("%s: no response after %v; stderr:\n%s", method, testTimeout, p.stderr.String())
		}
	}
}

// initialize runs the handshake and returns the initialize result.
func (p *stdioPeer) initialize() initializeResult {
	p.t.Helper()
	res := decodeResult[initializeResult](p.t, p.call("initialize", map[string]any{
		"protocolVersion": protocolVersion,
		"capabilities":    map[string]any{},
		"clientInfo":      map[string]any{"name": "mcptest-test", "version": "1.0.0"},
	}))
	p.send(initializedNotification)
	return res
}

// closeStdin closes the server's stdin and wants it to exit within timeout.
func (p *stdioPeer) closeStdin(timeout time.Duration) {
	p.t.Helper()
	p.stdin.Close()
	select {
	case <-p.exited:
	case <-time.After(timeout):
		p.t.Fatalf("still running %v after stdin closed", timeout)
	}
}
