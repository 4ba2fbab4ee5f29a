package mcptest

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// FakeEcho is an MCP server that sends back everything it receives — the
// values of its request headers (the decoded user and password of a Basic
// credential among them), its query values and path — in every place a
// server's text reaches a client: serverInfo, instructions, tool names and
// descriptions, JSON-RPC errors, WWW-Authenticate, error bodies and a
// redirect's Location. It adds the control characters an unkind server
// sends (FakeHostileText). It exists to prove that nothing a client sent
// comes back out of mcpdoctor, and that nothing it sends reaches a
// terminal raw. The path picks what it does:
//
//   - /mcp (or any other): a working server whose text echoes.
//   - /401: every POST answers 401 with a Bearer challenge whose
//     error_description and resource_metadata echo, and a body that does.
//   - /rpc-error: initialize answers a JSON-RPC error whose message echoes.
//   - /redirect: a 307 to /mcp on the same origin, with the echo in the
//     Location's query.
const FakeEcho = "echo"

// FakeHostileText is what FakeEcho and the fakestdio echo mode add to
// their text: a screen clear, a window title, a clipboard write (OSC 52),
// a hidden link (OSC 8), a carriage return, a bidi override and C1 CSI.
const FakeHostileText = "\x1b[2J\x1b]0;owned\x07\x1b]52;c;ZXZpbA==\x07\x1b]8;;https://evil.example\x07click\x1b]8;;\x07\rfake\u202eevil\u009b31m"

// echoValues lists what a request carried: header values, the decoded
// Basic credential and its password, the raw and decoded query values and
// the path.
func echoValues(r *http.Request) []string {
	var out []string
	for _, name := range slices.Sorted(func(yield func(string) bool) {
		for k := range r.Header {
			if !yield(k) {
				return
			}
		}
	}) {
		switch name {
		case "Accept", "Accept-Encoding", "Content-Type", "Content-Length", "User-Agent", "Mcp-Protocol-Version", "Mcp-Session-Id":
			continue
		}
		for _, v := range r.Header[name] {
			out = append(out, v)
			if scheme, cred, ok := strings.Cut(v, " "); ok && strings.EqualFold(scheme, "Basic") {
				if plain, err := base64.StdEncoding.DecodeString(cred); err == nil {
					out = append(out, string(plain))
					if _, pw, ok := strings.Cut(string(plain), ":"); ok {
						out = append(out, pw)
					}
				}
			}
		}
	}
	if r.URL.RawQuery != "" {
		out = append(out, r.URL.RawQuery)
		for _, vs := range r.URL.Query() {
			out = append(out, vs...)
		}
	}
	return append(out, r.URL.Path)
}

func (f *Fake) echo(w http.ResponseWriter, r *http.Request) {
	body := f.log.record(r, false)
	values := echoValues(r)
	all := strings.Join(values, " | ")
	switch {
	case r.URL.Path == "/redirect":
		http.Redirect(w, r, "/mcp?echo="+url.QueryEscape(all), http.StatusTemporaryRedirect)
		return
	case r.URL.Path == "/401" && r.Method == http.MethodPost:
		// A header value holds no control characters; the challenge's
		// quoted strings hold no quotes.
		safe := strings.Map(func(c rune) rune {
			if c < 0x20 || c == 0x7f || c == '"' || c == '\\' {
				return '?'
			}
			return c
		}, all)
		w.Header().Set("WWW-Authenticate", fmt.Sprintf(`Bearer error="invalid_token", error_description="rejected %s", resource_metadata="http://%s/prm?echo=%s"`,
			safe, r.Host, url.QueryEscape(all)))
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		w.Write(fakeJSON(map[string]any{"error": "invalid_token", "error_description": "rejected " + all + FakeHostileText, "echo": values}))
		return
	case r.Method != http.MethodPost:
		http.Error(w, "echo: "+all+FakeHostileText, http.StatusMethodNotAllowed)
		return
	}
	msg, ok := fakeRequest(w, body)
	if !ok {
		return
	}
	resp := fakeAnswer(msg, "")
	switch msg.Method {
	case "initialize":
		if r.URL.Path == "/rpc-error" {
			delete(resp, "result")
			resp["error"] = map[string]any{"code": -32603, "message": "cannot start: " + all + FakeHostileText, "data": values}
			break
		}
		resp["result"] = map[string]any{
			"protocolVersion": "2025-11-25",
			"capabilities":    map[string]any{"tools": map[string]any{}, "experimental": map[string]any{"echo": values}},
			"serverInfo":      map[string]any{"name": "echo " + all + FakeHostileText, "title": all, "version": "1.0 " + all},
			"instructions":    "you sent: " + all + FakeHostileText,
		}
	case "tools/list":
		var tools []any
		for _, v := range values {
			tools = append(tools, map[string]any{"name": v, "description": "echoes " + v + FakeHostileText + "\nsecond line " + v,
				"inputSchema": map[string]any{"type": "object"}})
		}
		resp["result"] = map[string]any{"tools": tools}
	case "tools/call":
		resp["result"] = map[string]any{"content": []any{map[string]any{"type": "text", "text": all + FakeHostileText}}}
	}
	fakeWriteJSON(w, resp)
}
