package wire

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/mcpdoctor/mcpdoctor/internal/evidence"
)

// Protocol eras (spec 2026-07-28, basic/versioning, "Terminology"): a
// modern server takes version, identity and capabilities on every request
// and answers server/discover; a legacy one opens a session with
// initialize.
type Era string

const (
	EraModern Era = "modern"
	EraLegacy Era = "legacy"
)

// The protocol versions mcpdoctor speaks, newest first, by era.
var (
	ModernVersions = []string{"2026-07-28"}
	LegacyVersions = []string{"2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"}
)

// The newest version of each era: what mcpdoctor asks for first.
const (
	LatestModern = "2026-07-28"
	LatestLegacy = "2025-11-25"
)

// EraOf says which era a protocol version belongs to. Versions are dates,
// and every one from 2026-07-28 on is modern.
func EraOf(version string) Era {
	if version >= LatestModern {
		return EraModern
	}
	return EraLegacy
}

// Known reports whether mcpdoctor speaks a protocol version.
func Known(version string) bool {
	return slices.Contains(ModernVersions, version) || slices.Contains(LegacyVersions, version)
}

// The reserved _meta keys of a modern request and result (spec 2026-07-28,
// basic, "_meta").
const (
	MetaProtocolVersion    = "io.modelcontextprotocol/protocolVersion"
	MetaClientInfo         = "io.modelcontextprotocol/clientInfo"
	MetaClientCapabilities = "io.modelcontextprotocol/clientCapabilities"
	MetaServerInfo         = "io.modelcontextprotocol/serverInfo"
)

// JSON-RPC error codes: JSON-RPC 2.0's own, and the three the MCP
// specification reserves for the modern era (spec 2026-07-28, basic,
// "Error Codes").
const (
	CodeMethodNotFound             = -32601
	CodeInvalidParams              = -32602
	CodeHeaderMismatch             = -32020
	CodeMissingClientCapability    = -32021
	CodeUnsupportedProtocolVersion = -32022
)

// IsModernError reports whether a JSON-RPC error is one only a modern
// server sends: its code is in the range the specification reserves, and
// the specification defines it. A plain -32601 or -32602 proves nothing
// either way.
func IsModernError(e *RPCError) bool {
	if e == nil {
		return false
	}
	switch e.Code {
	case CodeHeaderMismatch, CodeMissingClientCapability, CodeUnsupportedProtocolVersion:
		return true
	}
	return false
}

// Implementation names a client or a server.
type Implementation struct {
	Name    string `json:"name"`
	Title   string `json:"title,omitempty"`
	Version string `json:"version"`
}

// ModernParams returns a modern request's params: params with the _meta
// every request carries (the protocol version and the client's
// capabilities, which are required, and its identity). mcpdoctor declares
// no client capabilities: it serves no sampling, roots or elicitation.
func ModernParams(version string, client Implementation, params map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range params {
		out[k] = v
	}
	out["_meta"] = map[string]any{
		MetaProtocolVersion:    version,
		MetaClientInfo:         client,
		MetaClientCapabilities: map[string]any{},
	}
	return out
}

// ModernVersion returns the protocol version in a request's _meta, "" for
// a legacy request.
func ModernVersion(m *Message) string {
	var p struct {
		Meta map[string]json.RawMessage `json:"_meta"`
	}
	if len(m.Params) == 0 || json.Unmarshal(m.Params, &p) != nil {
		return ""
	}
	var v string
	_ = json.Unmarshal(p.Meta[MetaProtocolVersion], &v)
	return v
}

// DiscoverResult is what server/discover answers (spec 2026-07-28,
// server/discover).
type DiscoverResult struct {
	ResultType        string                     `json:"resultType"`
	SupportedVersions []string                   `json:"supportedVersions"`
	Capabilities      json.RawMessage            `json:"capabilities"`
	Meta              map[string]json.RawMessage `json:"_meta"`
	Instructions      string                     `json:"instructions"`
	TTLMs             *int64                     `json:"ttlMs"`
	CacheScope        string                     `json:"cacheScope"`
}

// ServerInfo is the identity the result's _meta gives, if any.
func (d *DiscoverResult) ServerInfo() (Implementation, bool) {
	var info Implementation
	raw, ok := d.Meta[MetaServerInfo]
	if !ok || json.Unmarshal(raw, &info) != nil || info.Name == "" {
		return Implementation{}, false
	}
	return info, true
}

// Caching says how long the result may be cached, for evidence.
func (d *DiscoverResult) Caching() string {
	var parts []string
	if d.TTLMs != nil {
		parts = append(parts, "ttlMs "+(time.Duration(*d.TTLMs)*time.Millisecond).String())
	}
	if d.CacheScope != "" {
		parts = append(parts, "cacheScope "+d.CacheScope)
	}
	return strings.Join(parts, ", ")
}

// EraAnswer is what the answer to a server/discover request says about
// the server (spec 2026-07-28, basic/versioning, "Backward Compatibility";
// transports, "Backward Compatibility").
type EraAnswer struct {
	// Era is modern for a DiscoverResult or a recognized modern error,
	// legacy for anything else a server answers.
	Era Era
	// Discover is the result, when the server answered with one.
	Discover *DiscoverResult
	// Error is the JSON-RPC error the server answered, if any.
	Error *RPCError
	// Supported are the versions the server named: supportedVersions, or
	// an UnsupportedProtocolVersionError's data.supported.
	Supported []string
	// Reason says in one sentence what the answer was and what it means.
	Reason string
}

// ReadDiscover tells a server's era from its answer to server/discover
// (resp, or the error Call returned). An error comes back when the answer
// tells nothing about the era: nothing answered, the answer was no MCP at
// all, or the server refused mcpdoctor (401, 403), which the auth verdict
// reads. It is a pure function of the answer.
func ReadDiscover(resp *Message, callErr error) (EraAnswer, error) {
	if callErr != nil {
		var se *HTTPStatusError
		if !errors.As(callErr, &se) {
			return EraAnswer{}, callErr
		}
		switch {
		case se.Status == http.StatusUnauthorized || se.Status == http.StatusForbidden:
			return EraAnswer{}, callErr
		case se.RPC != nil && IsModernError(se.RPC.Error):
			return modernError(se.RPC.Error, fmt.Sprintf("answered %d with", se.Status)), nil
		case se.RPC != nil && se.RPC.Error != nil:
			return EraAnswer{Era: EraLegacy, Error: se.RPC.Error, Reason: fmt.Sprintf(
				"it answered %d with JSON-RPC error %d (%s), which no modern server answers to server/discover", se.Status, se.RPC.Error.Code, se.RPC.Error.Message)}, nil
		}
		return EraAnswer{Era: EraLegacy, Reason: fmt.Sprintf(
			"it answered %d %s without a modern JSON-RPC error, so it is no modern server", se.Status, http.StatusText(se.Status))}, nil
	}
	if resp.Error != nil {
		if IsModernError(resp.Error) {
			return modernError(resp.Error, "answered with"), nil
		}
		return EraAnswer{Era: EraLegacy, Error: resp.Error, Reason: fmt.Sprintf(
			"it answered JSON-RPC error %d (%s), which no modern server answers to server/discover (every one implements it)", resp.Error.Code, resp.Error.Message)}, nil
	}
	var d DiscoverResult
	if err := json.Unmarshal(resp.Result, &d); err != nil || d.SupportedVersions == nil {
		return EraAnswer{Era: EraLegacy, Reason: "it answered with a result that is no DiscoverResult (no supportedVersions), so it is no modern server"}, nil
	}
	return EraAnswer{Era: EraModern, Discover: &d, Supported: d.SupportedVersions,
		Reason: fmt.Sprintf("it answered with a DiscoverResult: supportedVersions %s", versionList(d.SupportedVersions))}, nil
}

func modernError(e *RPCError, how string) EraAnswer {
	a := EraAnswer{Era: EraModern, Error: e}
	if e.Code == CodeUnsupportedProtocolVersion {
		var data struct {
			Supported []string `json:"supported"`
		}
		_ = json.Unmarshal(e.Data, &data)
		a.Supported = data.Supported
	}
	a.Reason = fmt.Sprintf("it %s the modern error %d (%s)", how, e.Code, e.Message)
	if a.Supported != nil {
		a.Reason += "; it supports " + versionList(a.Supported)
	}
	return a
}

// Choose picks the version to speak from the ones a server named: the
// newest modern one mcpdoctor speaks, else the newest legacy one; "" when
// there is none in common.
func Choose(supported []string) string {
	for _, v := range append(slices.Clone(ModernVersions), LegacyVersions...) {
		if slices.Contains(supported, v) {
			return v
		}
	}
	return ""
}

func versionList(vs []string) string {
	if len(vs) == 0 {
		return "(none)"
	}
	return strings.Join(vs, ", ")
}

// ResultType is what kind of result a modern server answered (spec
// 2026-07-28, basic, "ResultType"): complete, or input_required when it
// needs the client's input before it can finish.
type ResultType string

const (
	ResultComplete      ResultType = "complete"
	ResultInputRequired ResultType = "input_required"
)

// ReadResultType reads a result's resultType. An absent one is complete,
// as results of earlier versions are; one mcpdoctor does not know is an
// error.
func ReadResultType(result json.RawMessage) (ResultType, error) {
	var r struct {
		ResultType *string `json:"resultType"`
	}
	if err := json.Unmarshal(result, &r); err != nil || r.ResultType == nil {
		return ResultComplete, nil
	}
	switch t := ResultType(*r.ResultType); t {
	case ResultComplete, ResultInputRequired:
		return t, nil
	}
	return "", &evidence.Error{Category: evidence.CategoryProtocol,
		Message: fmt.Sprintf("the result's resultType is %q, which no MCP revision mcpdoctor speaks defines", *r.ResultType),
		Hint:    "a client must treat an unknown resultType as invalid (spec 2026-07-28, basic, ResultType); report this to the server's authors"}
}

// InputRequest is one thing an input_required result asks the client for
// (spec 2026-07-28, basic/patterns/mrtr).
type InputRequest struct {
	// Key is the server's name for the request.
	Key string `json:"key"`
	// Method is elicitation/create, sampling/createMessage or roots/list.
	Method string `json:"method"`
	// Message is an elicitation's message, for the evidence.
	Message string `json:"message,omitempty"`
}

// ReadInputRequests lists what an input_required result asks for, in key
// order.
func ReadInputRequests(result json.RawMessage) []InputRequest {
	var r struct {
		InputRequests map[string]struct {
			Method string `json:"method"`
			Params struct {
				Message string `json:"message"`
			} `json:"params"`
		} `json:"inputRequests"`
	}
	_ = json.Unmarshal(result, &r)
	keys := make([]string, 0, len(r.InputRequests))
	for k := range r.InputRequests {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := make([]InputRequest, 0, len(keys))
	for _, k := range keys {
		ir := r.InputRequests[k]
		out = append(out, InputRequest{Key: k, Method: ir.Method, Message: ir.Params.Message})
	}
	return out
}
