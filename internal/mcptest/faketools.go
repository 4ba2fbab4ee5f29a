package mcptest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
)

// ToolsOptions shape the tool list a [FakeTools] server serves.
type ToolsOptions struct {
	// Tools are served first, as they are written: the shapes real servers
	// get wrong (names, schemas, descriptions).
	Tools []json.RawMessage
	// Generated tools follow: Generated of them, named gen_N, each with a
	// description of DescriptionBytes.
	Generated        int
	DescriptionBytes int
	// PageSize is how many tools one tools/list answer holds; 0 means all
	// of them in one.
	PageSize int
}

// FakeTools starts a legacy Streamable HTTP server, answering in
// application/json without sessions, whose tools/list serves the tools
// opts describes, page by page. Its pages are built when asked for, so a
// list of many megabytes costs the test little memory. It answers
// server/discover -32601, as a legacy server does.
func FakeTools(t testing.TB, opts ToolsOptions) *httptest.Server {
	t.Helper()
	total := len(opts.Tools) + opts.Generated
	pageSize := opts.PageSize
	if pageSize <= 0 {
		pageSize = max(total, 1)
	}
	desc := strings.Repeat("Reads the thing it is given and returns what it found. ", opts.DescriptionBytes/55+1)[:opts.DescriptionBytes]
	tool := func(i int) json.RawMessage {
		if i < len(opts.Tools) {
			return opts.Tools[i]
		}
		b, _ := json.Marshal(map[string]any{"name": fmt.Sprintf("gen_%d", i), "description": desc,
			"inputSchema": map[string]any{"type": "object", "properties": map[string]any{"q": map[string]any{"type": "string"}}}})
		return b
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			http.Error(w, "POST only", http.StatusMethodNotAllowed)
			return
		}
		var req struct {
			ID     json.RawMessage `json:"id"`
			Method string          `json:"method"`
			Params struct {
				Cursor string `json:"cursor"`
			} `json:"params"`
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		if len(req.ID) == 0 {
			w.WriteHeader(http.StatusAccepted) // a notification
			return
		}
		w.Header().Set("Content-Type", "application/json")
		reply := func(result any) {
			b, _ := json.Marshal(result)
			fmt.Fprintf(w, `{"jsonrpc":"2.0","id":%s,"result":%s}`, req.ID, b)
		}
		switch req.Method {
		case "initialize":
			reply(map[string]any{"protocolVersion": "2025-06-18", "capabilities": map[string]any{"tools": map[string]any{}},
				"serverInfo": map[string]any{"name": FakeServerName, "version": "1.0.0"}})
		case "tools/list":
			start, _ := strconv.Atoi(req.Params.Cursor)
			end := min(start+pageSize, total)
			fmt.Fprintf(w, `{"jsonrpc":"2.0","id":%s,"result":{"tools":[`, req.ID)
			for i := start; i < end; i++ {
				if i > start {
					w.Write([]byte(","))
				}
				w.Write(tool(i))
			}
			w.Write([]byte("]"))
			if end < total {
				fmt.Fprintf(w, `,"nextCursor":"%d"`, end)
			}
			w.Write([]byte("}}"))
		case "tools/call":
			reply(map[string]any{"content": []any{map[string]any{"type": "text", "text": "ok"}}})
		default:
			fmt.Fprintf(w, `{"jsonrpc":"2.0","id":%s,"error":{"code":-32601,"message":"Method not found"}}`, req.ID)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}
