package wire

import (
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/mcpdoctor/mcpdoctor/internal/evidence"
)

func rpcError(code int, msg, data string) *RPCError {
	e := &RPCError{Code: code, Message: msg}
	if data != "" {
		e.Data = json.RawMessage(data)
	}
	return e
}

// TestReadDiscover is the era rule as a table: what a server answers to
// server/discover, and what it means (spec 2026-07-28, basic/versioning and
// the transports' "Backward Compatibility").
func TestReadDiscover(t *testing.T) {
	refused := errors.New("dial tcp: connection refused")
	cases := []struct {
		name      string
		resp      *Message
		err       error
		era       Era
		supported []string
		wantErr   bool
	}{
		{name: "a DiscoverResult", resp: &Message{Result: json.RawMessage(`{"resultType":"complete","supportedVersions":["2026-07-28","2025-11-25"],"capabilities":{}}`)},
			era: EraModern, supported: []string{"2026-07-28", "2025-11-25"}},
		{name: "-32022 with data.supported", resp: &Message{Error: rpcError(-32022, "Unsupported protocol version", `{"supported":["2025-11-25"],"requested":"2026-07-28"}`)},
			era: EraModern, supported: []string{"2025-11-25"}},
		{name: "-32022 in a 400", err: &HTTPStatusError{Status: 400, RPC: &Message{Error: rpcError(-32022, "x", `{"supported":["2026-07-28"]}`)}},
			era: EraModern, supported: []string{"2026-07-28"}},
		{name: "-32020 in a 400", err: &HTTPStatusError{Status: 400, RPC: &Message{Error: rpcError(-32020, "Header mismatch", "")}}, era: EraModern},
		{name: "-32021", resp: &Message{Error: rpcError(-32021, "Missing capability", "")}, era: EraModern},
		// Anything else a server answers is no modern answer.
		{name: "-32601", resp: &Message{Error: rpcError(-32601, "Method not found", "")}, era: EraLegacy},
		{name: "a plain -32602 proves nothing modern", resp: &Message{Error: rpcError(-32602, "Invalid params", "")}, era: EraLegacy},
		{name: "-32000 before initialize", resp: &Message{Error: rpcError(-32000, "Server not initialized", "")}, era: EraLegacy},
		{name: "a result that is no DiscoverResult", resp: &Message{Result: json.RawMessage(`{}`)}, era: EraLegacy},
		{name: "an empty 400", err: &HTTPStatusError{Status: 400}, era: EraLegacy},
		{name: "404 with -32601", err: &HTTPStatusError{Status: 404, RPC: &Message{Error: rpcError(-32601, "Method not found", "")}}, era: EraLegacy},
		{name: "405", err: &HTTPStatusError{Status: 405}, era: EraLegacy},
		{name: "500", err: &HTTPStatusError{Status: 500}, era: EraLegacy},
		// What tells nothing of the era: the auth verdict, or the failure.
		{name: "401", err: &HTTPStatusError{Status: 401}, wantErr: true},
		{name: "403", err: &HTTPStatusError{Status: 403, RPC: &Message{Error: rpcError(-32022, "x", "")}}, wantErr: true},
		{name: "no answer", err: refused, wantErr: true},
		{name: "not MCP", err: &evidence.Error{Category: evidence.CategoryNotMCP}, wantErr: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ans, err := ReadDiscover(c.resp, c.err)
			if (err != nil) != c.wantErr {
				t.Fatalf("err = %v, want an error: %v", err, c.wantErr)
			}
			if c.wantErr {
				if err != c.err {
					t.Errorf("the error is not passed on: %v", err)
				}
				return
			}
			if ans.Era != c.era || !slices.Equal(ans.Supported, c.supported) || ans.Reason == "" {
				t.Errorf("answer %+v, want %s with %v and a reason", ans, c.era, c.supported)
			}
		})
	}
}

func TestChoose(t *testing.T) {
	for _, c := range []struct {
		supported []string
		want      string
	}{
		{[]string{"2025-06-18", "2026-07-28", "2025-11-25"}, "2026-07-28"},
		{[]string{"2025-06-18", "2024-11-05"}, "2025-06-18"},
		{[]string{"2027-01-01"}, ""},
		{nil, ""},
	} {
		if got := Choose(c.supported); got != c.want {
			t.Errorf("Choose(%v) = %q, want %q", c.supported, got, c.want)
		}
	}
	if EraOf("2026-07-28") != EraModern || EraOf("2027-03-01") != EraModern || EraOf("2025-11-25") != EraLegacy {
		t.Error("EraOf")
	}
}

func TestReadResultType(t *testing.T) {
	for in, want := range map[string]ResultType{`{}`: ResultComplete, `{"resultType":"complete"}`: ResultComplete, `{"resultType":"input_required"}`: ResultInputRequired} {
		if got, err := ReadResultType(json.RawMessage(in)); err != nil || got != want {
			t.Errorf("ReadResultType(%s) = %q, %v", in, got, err)
		}
	}
	if _, err := ReadResultType(json.RawMessage(`{"resultType":"partial"}`)); err == nil {
		t.Error("an unknown resultType is accepted; a client must treat it as invalid")
	}
}

func TestHeaderValue(t *testing.T) {
	// The spec's own examples ("Value Encoding").
	for in, want := range map[string]string{
		"us-west1":           "us-west1",
		"Hello, 世界":          "=?base64?SGVsbG8sIOS4lueVjA==?=",
		" padded ":           "=?base64?IHBhZGRlZCA=?=",
		"line1\nline2":       "=?base64?bGluZTEKbGluZTI=?=",
		"=?base64?literal?=": "=?base64?PT9iYXNlNjQ/bGl0ZXJhbD89?=",
	} {
		if got := HeaderValue(in); got != want {
			t.Errorf("HeaderValue(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParamHeaders(t *testing.T) {
	schema := json.RawMessage(`{"type":"object","properties":{
		"region":{"type":"string","x-mcp-header":"Region"},
		"count":{"type":"integer","x-mcp-header":"Count"},
		"dry":{"type":"boolean","x-mcp-header":"Dry-Run"},
		"nested":{"type":"object","properties":{"tenant":{"type":"string","x-mcp-header":"Tenant"}}},
		"query":{"type":"string"}}}`)
	got := ParamHeaderValues(schema, json.RawMessage(`{"region":"eu","count":42,"dry":false,"nested":{"tenant":"acme"},"query":"x"}`))
	want := http.Header{"Mcp-Param-Region": {"eu"}, "Mcp-Param-Count": {"42"}, "Mcp-Param-Dry-Run": {"false"}, "Mcp-Param-Tenant": {"acme"}}
	for k, v := range want {
		if !slices.Equal(got[k], v) {
			t.Errorf("%s = %v, want %v (all: %v)", k, got[k], v, got)
		}
	}
	if len(got) != len(want) {
		t.Errorf("headers %v, want %v", got, want)
	}
	if h := ParamHeaderValues(schema, json.RawMessage(`{"region":null}`)); len(h) != 0 {
		t.Errorf("absent and null values carry no header: %v", h)
	}
	for name, bad := range map[string]string{
		"under items":   `{"type":"object","properties":{"list":{"type":"array","items":{"type":"string","x-mcp-header":"Item"}}}}`,
		"under anyOf":   `{"type":"object","anyOf":[{"properties":{"a":{"type":"string","x-mcp-header":"A"}}}]}`,
		"a number":      `{"type":"object","properties":{"n":{"type":"number","x-mcp-header":"N"}}}`,
		"not a token":   `{"type":"object","properties":{"a":{"type":"string","x-mcp-header":"Bad Name"}}}`,
		"empty":         `{"type":"object","properties":{"a":{"type":"string","x-mcp-header":""}}}`,
		"used twice":    `{"type":"object","properties":{"a":{"type":"string","x-mcp-header":"X"},"b":{"type":"string","x-mcp-header":"x"}}}`,
		"an object":     `{"type":"object","properties":{"o":{"type":"object","x-mcp-header":"O"}}}`,
		"a $ref target": `{"type":"object","$defs":{"r":{"type":"string","x-mcp-header":"R"}},"properties":{"a":{"$ref":"#/$defs/r"}}}`,
	} {
		if _, err := ParamHeaders(json.RawMessage(bad)); err == nil {
			t.Errorf("%s: accepted", name)
		} else if !strings.Contains(err.Error(), "x-mcp-header") {
			t.Errorf("%s: %v does not say which annotation", name, err)
		}
	}
}
