package wire

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// Request metadata headers of the modern Streamable HTTP transport (spec
// 2026-07-28, basic/transports/streamable-http, "Request Metadata").

// nameOf returns what Mcp-Name carries for a request: params.name of
// tools/call and prompts/get, params.uri of resources/read.
func nameOf(m *Message) (string, bool) {
	var p struct {
		Name *string `json:"name"`
		URI  *string `json:"uri"`
	}
	_ = json.Unmarshal(m.Params, &p)
	switch {
	case (m.Method == "tools/call" || m.Method == "prompts/get") && p.Name != nil:
		return *p.Name, true
	case m.Method == "resources/read" && p.URI != nil:
		return *p.URI, true
	}
	return "", false
}

// HeaderValue encodes a value for Mcp-Name or Mcp-Param-*: as it is when
// it is plain visible ASCII (spaces and tabs inside it allowed), else
// "=?base64?…?=" of its UTF-8 — and so is a plain value that looks like
// that sentinel ("Value Encoding").
func HeaderValue(s string) string {
	plain := s == strings.TrimSpace(s)
	for i := 0; i < len(s) && plain; i++ {
		c := s[i]
		plain = c == '\t' || (c >= 0x20 && c <= 0x7e)
	}
	if plain && !(strings.HasPrefix(s, "=?base64?") && strings.HasSuffix(s, "?=")) {
		return s
	}
	return "=?base64?" + base64.StdEncoding.EncodeToString([]byte(s)) + "?="
}

// paramHeader is one x-mcp-header annotation: the header's name and the
// chain of properties keys that leads to the parameter.
type paramHeader struct {
	name string
	path []string
}

// ParamHeaders reads a tool's x-mcp-header annotations ("Custom Headers
// from Tool Parameters"). An annotation that breaks the rules — an empty
// or non-token name, a name used twice, a parameter that is no integer,
// string or boolean, one reached through anything but properties — makes
// the whole tool invalid: a conforming client leaves it out of tools/list,
// and err says why.
func ParamHeaders(inputSchema json.RawMessage) ([]paramHeader, error) {
	if len(inputSchema) == 0 {
		return nil, nil
	}
	var schema any
	dec := json.NewDecoder(bytes.NewReader(inputSchema))
	dec.UseNumber()
	if err := dec.Decode(&schema); err != nil {
		return nil, nil
	}
	var out []paramHeader
	var problems []string
	var walk func(node any, path []string, reachable bool)
	walk = func(node any, path []string, reachable bool) {
		switch n := node.(type) {
		case []any:
			for _, e := range n {
				walk(e, path, false)
			}
		case map[string]any:
			if raw, ok := n["x-mcp-header"]; ok {
				name, _ := raw.(string)
				switch {
				case !reachable:
					problems = append(problems, fmt.Sprintf("x-mcp-header %q is on a parameter reached through something other than properties", name))
				case name == "" || !isHTTPToken(name):
					problems = append(problems, fmt.Sprintf("x-mcp-header %q is not a header name token", name))
				case !primitiveType(n["type"]):
					problems = append(problems, fmt.Sprintf("x-mcp-header %q is on %s, which is no integer, string or boolean", name, strings.Join(path, ".")))
				default:
					out = append(out, paramHeader{name: name, path: slices.Clone(path)})
				}
			}
			for k, v := range n {
				if k == "properties" {
					if props, ok := v.(map[string]any); ok {
						for name, sub := range props {
							walk(sub, append(slices.Clone(path), name), reachable)
						}
						continue
					}
				}
				walk(v, path, false)
			}
		}
	}
	walk(schema, nil, true)
	seen := map[string]bool{}
	for _, h := range out {
		if seen[strings.ToLower(h.name)] {
			problems = append(problems, fmt.Sprintf("x-mcp-header %q is used twice", h.name))
		}
		seen[strings.ToLower(h.name)] = true
	}
	if len(problems) > 0 {
		slices.Sort(problems)
		return nil, fmt.Errorf("%s", strings.Join(problems, "; "))
	}
	slices.SortFunc(out, func(a, b paramHeader) int { return strings.Compare(a.name, b.name) })
	return out, nil
}

// ParamHeaderValues are the Mcp-Param-* headers a tools/call with args
// carries for a tool whose inputSchema annotates parameters: one per
// annotated parameter that has a value, converted and encoded ("Value
// Encoding").
func ParamHeaderValues(inputSchema, args json.RawMessage) http.Header {
	params, err := ParamHeaders(inputSchema)
	if err != nil || len(params) == 0 {
		return nil
	}
	var root any
	dec := json.NewDecoder(bytes.NewReader(args))
	dec.UseNumber()
	if dec.Decode(&root) != nil {
		return nil
	}
	h := http.Header{}
	for _, p := range params {
		v := root
		for _, k := range p.path {
			obj, _ := v.(map[string]any)
			v = obj[k]
		}
		var s string
		switch x := v.(type) {
		case string:
			s = x
		case bool:
			s = strconv.FormatBool(x)
		case json.Number:
			s = x.String()
		default:
			continue // absent or null: no header
		}
		h.Set("Mcp-Param-"+p.name, HeaderValue(s))
	}
	return h
}

func primitiveType(t any) bool {
	ok := func(s string) bool { return s == "integer" || s == "string" || s == "boolean" }
	switch x := t.(type) {
	case string:
		return ok(x)
	case []any:
		for _, e := range x {
			if s, _ := e.(string); !ok(s) && s != "null" {
				return false
			}
		}
		return len(x) > 0
	}
	return false
}

// isHTTPToken is RFC 9110 §5.6.2's token.
func isHTTPToken(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0) {
			return false
		}
	}
	return s != ""
}
