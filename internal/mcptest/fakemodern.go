package mcptest

import (
	"encoding/json"
	"net/http"
)

// Behaviours of [FakeHTTP] that speak modern MCP (2026-07-28), for what
// real servers do not do on demand. Each checks the request headers as a
// modern server must (MCP-Protocol-Version and Mcp-Method equal to the
// body's, Mcp-Name on tools/call) and answers a mismatch with 400 and
// -32020, and answers initialize (a legacy request) with 400 and -32022
// naming 2026-07-28.
const (
	// FakeModernInputRequired is a modern server whose tools/call answers
	// resultType input_required, asking for an elicitation and a sampling.
	FakeModernInputRequired = "modern-input-required"
	// FakeModernNoToolsList is a modern server whose tools/list answers 404
	// with a JSON-RPC -32601 body: a method it does not implement, on the
	// right path.
	FakeModernNoToolsList = "modern-no-tools-list"
	// FakeModernThenBroken answers server/discover as a modern server, then
	// every other request with 500 and an HTML page.
	FakeModernThenBroken = "modern-then-broken"
	// FakeModernBadVersionData answers every request with 400 and -32022
	// whose data names no versions as the spec says (supported is a string).
	FakeModernBadVersionData = "modern-bad-version-data"
	// FakeModernHeaderMismatch answers every request with 400 and -32020,
	// as a server behind a proxy that strips the MCP headers would.
	FakeModernHeaderMismatch = "modern-header-mismatch"
	// FakeModernBadHeaderTool lists, beside FakeModernToolName, the tool
	// FakeModernBadHeaderToolName, whose x-mcp-header sits on an object:
	// a tool modern clients must exclude.
	FakeModernBadHeaderTool = "modern-bad-header-tool"
	// FakeModernRefuseFirst answers its first request with 400 and -32022
	// naming 2026-07-28, the version asked, as a server mid-rollout may;
	// then it is FakeModernInputRequired.
	FakeModernRefuseFirst = "modern-refuse-first"
)

// FakeModernBadHeaderToolName is the tool of FakeModernBadHeaderTool whose
// x-mcp-header annotation breaks the rules.
const FakeModernBadHeaderToolName = "filtered"

// FakeModernToolName is the one tool of the modern fakes; its input schema
// mirrors its "region" argument into the Mcp-Param-Region header.
const FakeModernToolName = "lookup"

// modernFakeError answers a JSON-RPC error with an HTTP status.
func modernFakeError(w http.ResponseWriter, status int, id any, code int, message string, data any) {
	e := map[string]any{"code": code, "message": message}
	if data != nil {
		e["data"] = data
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(fakeJSON(map[string]any{"jsonrpc": "2.0", "id": id, "error": e}))
}

func (f *Fake) modern(w http.ResponseWriter, r *http.Request) {
	body := f.log.record(r, false)
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "POST")
		http.Error(w, "Method not allowed.", http.StatusMethodNotAllowed)
		return
	}
	msg, ok := fakeRequest(w, body)
	if !ok {
		return
	}
	var p struct {
		Name string                     `json:"name"`
		Meta map[string]json.RawMessage `json:"_meta"`
	}
	_ = json.Unmarshal(msg.Params, &p)
	var version string
	_ = json.Unmarshal(p.Meta["io.modelcontextprotocol/protocolVersion"], &version)
	f.mu.Lock()
	f.modernRequests++
	first := f.modernRequests == 1
	f.mu.Unlock()
	switch {
	case f.behaviour == FakeModernRefuseFirst && first:
		modernFakeError(w, http.StatusBadRequest, msg.ID, -32022, "Unsupported protocol version",
			map[string]any{"supported": []string{"2026-07-28"}, "requested": version})
		return
	case f.behaviour == FakeModernBadVersionData:
		modernFakeError(w, http.StatusBadRequest, msg.ID, -32022, "Unsupported protocol version", map[string]any{"supported": "2026-07-28"})
		return
	case f.behaviour == FakeModernHeaderMismatch:
		modernFakeError(w, http.StatusBadRequest, msg.ID, -32020, "Header mismatch: Mcp-Method header is missing", nil)
		return
	case version == "":
		// A legacy request: this server speaks no legacy version, and says
		// which it does (spec 2026-07-28, basic/versioning).
		modernFakeError(w, http.StatusBadRequest, msg.ID, -32022, "Unsupported protocol version: this server speaks only 2026-07-28",
			map[string]any{"supported": []string{"2026-07-28"}, "requested": "2025-11-25"})
		return
	case r.Header.Get("Mcp-Protocol-Version") != version || r.Header.Get("Mcp-Method") != msg.Method ||
		msg.Method == "tools/call" && r.Header.Get("Mcp-Name") != p.Name:
		modernFakeError(w, http.StatusBadRequest, msg.ID, -32020, "Header mismatch", nil)
		return
	case version != "2026-07-28":
		modernFakeError(w, http.StatusBadRequest, msg.ID, -32022, "Unsupported protocol version",
			map[string]any{"supported": []string{"2026-07-28"}, "requested": version})
		return
	}
	meta := map[string]any{"io.modelcontextprotocol/serverInfo": map[string]any{"name": FakeServerName, "version": "2.0.0"}}
	result := map[string]any{"resultType": "complete", "_meta": meta}
	switch msg.Method {
	case "server/discover":
		result["supportedVersions"] = []string{"2026-07-28"}
		result["capabilities"] = map[string]any{"tools": map[string]any{}}
		result["ttlMs"] = 60000
		result["cacheScope"] = "public"
	case "tools/list":
		switch f.behaviour {
		case FakeModernNoToolsList:
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusNotFound)
			w.Write(fakeJSON(map[string]any{"jsonrpc": "2.0", "id": msg.ID, "error": map[string]any{"code": -32601, "message": "Method not found: tools/list"}}))
			return
		}
		tools := []any{map[string]any{
			"name": FakeModernToolName, "description": "Looks something up in a region.",
			"inputSchema": map[string]any{"type": "object", "properties": map[string]any{
				"region": map[string]any{"type": "string", "x-mcp-header": "Region"},
				"query":  map[string]any{"type": "string"},
			}},
		}}
		if f.behaviour == FakeModernBadHeaderTool {
			tools = append(tools, map[string]any{
				"name": FakeModernBadHeaderToolName, "description": "Filters with an object mirrored into a header, which the spec forbids.",
				"inputSchema": map[string]any{"type": "object", "properties": map[string]any{
					"filter": map[string]any{"type": "object", "x-mcp-header": "Filter"},
				}},
			})
		}
		result["tools"] = tools
		result["ttlMs"] = 0
		result["cacheScope"] = "private"
	case "tools/call":
		if f.behaviour == FakeModernInputRequired {
			result["resultType"] = "input_required"
			result["inputRequests"] = map[string]any{
				"github_login": map[string]any{"method": "elicitation/create", "params": map[string]any{
					"mode": "form", "message": "Please provide your GitHub username",
					"requestedSchema": map[string]any{"type": "object", "properties": map[string]any{"name": map[string]any{"type": "string"}}},
				}},
				"summary": map[string]any{"method": "sampling/createMessage", "params": map[string]any{"maxTokens": 100,
					"messages": []any{map[string]any{"role": "user", "content": map[string]any{"type": "text", "text": "Summarize"}}}}},
			}
			result["requestState"] = "opaque-state-1"
			break
		}
		region := r.Header.Get("Mcp-Param-Region")
		result["content"] = []any{map[string]any{"type": "text", "text": "found in " + region}}
	default:
		modernFakeError(w, http.StatusNotFound, msg.ID, -32601, "Method not found: "+msg.Method, nil)
		return
	}
	if f.behaviour == FakeModernThenBroken && msg.Method != "server/discover" {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusInternalServerError)
		w.Write([]byte("<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>\n"))
		return
	}
	fakeWriteJSON(w, map[string]any{"jsonrpc": "2.0", "id": msg.ID, "result": result})
}
