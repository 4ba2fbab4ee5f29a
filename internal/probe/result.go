// Package probe talks to one MCP server the way a client does, stage by
// stage, and returns what happened as plain data: the stages, the exchanges
// behind each one, what the server said about itself, and the auth verdict
// with its evidence. It knows nothing of output formats and prints nothing;
// values in a Result are raw (not redacted) and internal/redact is applied by
// whoever prints them.
package probe

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Stage names, in the order they run.
const (
	StageConnect     = "connect"
	StageInitialize  = "initialize"
	StageInitialized = "notifications/initialized"
	StageToolsList   = "tools/list"
	StageToolsCall   = "tools/call"
	// StageOAuthDiscovery runs after the handshake when the auth verdict or
	// Codex's status depends on the OAuth metadata the server advertises.
	StageOAuthDiscovery = "oauth_discovery"
)

// Stage statuses, as in the JSON contract.
const (
	StatusOK      = "ok"
	StatusFailed  = "failed"
	StatusSkipped = "skipped"
)

// Auth statuses (schema/README.md, "A server object").
const (
	AuthNone   = "none"
	AuthBearer = "bearer"
	AuthOAuth  = "oauth"
	AuthFailed = "failed"
)

// Result is everything one probe found out about one server.
type Result struct {
	Name string
	// Transport is the wire that was actually spoken: stdio, streamable_http,
	// or sse when a Streamable HTTP URL only answered the legacy transport.
	Transport string
	// Healthy: initialize and tools/list (and tools/call when asked) worked.
	Healthy bool
	Auth    Verdict
	// CodexAuthStatus is what `codex mcp list` would show for this server,
	// computed as Codex computes it: from the config and the OAuth metadata
	// alone, without a handshake.
	CodexAuthStatus string
	// CodexAuthReason says in one sentence why Codex computes that status.
	CodexAuthReason string
	Stages          []Stage
	// Server is nil until initialize succeeds.
	Server   *ServerInfo
	Tools    []Tool
	ToolCall *ToolCallResult
	Findings []Finding
	// Failure is the first thing that stopped the probe, nil when healthy.
	Failure *Failure
	// StderrTail is the last lines a stdio server wrote to stderr.
	StderrTail []string
	// Secrets are the credential values the probe sent or read. They are
	// never printed; the report layer hands them to internal/redact.
	Secrets []string
	// Started is when the probe began; Duration how long it took.
	Started  time.Time
	Duration time.Duration
}

// Stage is one step of the handshake.
type Stage struct {
	Name     string
	Status   string
	Duration time.Duration
	// Note says why a stage was skipped, or adds context to a result.
	Note      string
	Exchanges []Exchange
}

// Exchange is one message on the wire: an HTTP request and its response, or
// one line read or written on a stdio server's pipes.
type Exchange struct {
	// HTTP: Method, URL and Status (0 when no response came).
	Method string
	URL    string
	Status int
	// The headers that matter (Content-Type, Mcp-Session-Id,
	// WWW-Authenticate, Location, Authorization — the last only to be
	// redacted), not every header.
	RequestHeader  http.Header
	ResponseHeader http.Header
	// Direction is "send" or "receive" for stdio lines, empty for HTTP.
	Direction string
	// RPCMethod is the JSON-RPC method this exchange carried, if any.
	RPCMethod string
	// RequestBody and ResponseBody are excerpts capped at MaxExcerpt bytes.
	RequestBody  string
	ResponseBody string
	// Truncated reports that a body was longer than its excerpt.
	Truncated bool
	Duration  time.Duration
	// Err is the transport error, if the exchange failed.
	Err string
	// Note is a remark about the exchange: a redirect followed, a header
	// dropped, an event skipped.
	Note string
}

// MaxExcerpt caps the bodies kept in an Exchange.
const MaxExcerpt = 4 << 10

// ServerInfo is what initialize said.
type ServerInfo struct {
	Name            string          `json:"name"`
	Title           string          `json:"title,omitempty"`
	Version         string          `json:"version"`
	ProtocolVersion string          `json:"protocol_version"`
	Capabilities    json.RawMessage `json:"capabilities,omitempty"`
	Instructions    string          `json:"instructions,omitempty"`
}

// Tool is one entry of tools/list.
type Tool struct {
	Name        string          `json:"name"`
	Title       string          `json:"title,omitempty"`
	Description string          `json:"description,omitempty"`
	InputSchema json.RawMessage `json:"input_schema,omitempty"`
}

// ToolCall asks the probe to run one tools/call.
type ToolCall struct {
	Name string
	// Arguments is a JSON object; nil means {}.
	Arguments json.RawMessage
}

// ToolCallResult is what tools/call answered.
type ToolCallResult struct {
	Name    string          `json:"name"`
	IsError bool            `json:"is_error"`
	Content json.RawMessage `json:"content,omitempty"`
}

// Failure categories (the list); each comes with a hint.
const (
	CategoryConfig      = "config"
	CategoryDNS         = "dns"
	CategoryRefused     = "refused"
	CategoryTLS         = "tls"
	CategoryTimeout     = "timeout"
	CategoryHTTPStatus  = "http_status"
	CategoryNotMCP      = "not_mcp"
	CategoryProtocol    = "protocol"
	CategoryProcessExit = "process_exit"
	CategoryAuth        = "auth"
	CategoryToolError   = "tool_error"
	CategoryNetwork     = "network"
)

// Failure says which stage failed, why, and what to try.
type Failure struct {
	Stage    string `json:"stage"`
	Category string `json:"category"`
	Message  string `json:"message"`
	Hint     string `json:"hint,omitempty"`
}

// Finding severities.
const (
	SeverityInfo    = "info"
	SeverityWarning = "warning"
	SeverityError   = "error"
)

// Finding is something worth knowing that is not, by itself, a failure: a
// fallback to legacy SSE, a server that logs to stdout, OAuth metadata that
// is advertised but not required.
type Finding struct {
	Code     string `json:"code"`
	Severity string `json:"severity"`
	Message  string `json:"message"`
	Hint     string `json:"hint,omitempty"`
}

// Verdict is the auth status and the evidence that decided it.
type Verdict struct {
	Status string
	// Evidence lists, in order, the observations the decision used.
	Evidence []string
	// Credential describes what was sent, never its value.
	Credential *Credential
	// OAuth is set when discovery ran or an OAuth token was used.
	OAuth *OAuthInfo
	// Hint says what to do when the status is not none.
	Hint string
}

// Credential names a static credential and where its value came from.
type Credential struct {
	// Header is the header name that carries it ("Authorization").
	Header string `json:"header"`
	// Source is the config key and, for variables, the variable's name:
	// "bearer_token_env_var $GITHUB_TOKEN", "http_headers",
	// "env_http_headers $API_KEY", "oauth token store".
	Source string `json:"source"`
	// Sent is false when the value could not be resolved (unset variable).
	Sent bool `json:"sent"`
}

// OAuthInfo is what OAuth discovery found, and whether we are logged in.
type OAuthInfo struct {
	ResourceMetadataURL   string    `json:"resource_metadata_url,omitempty"`
	Resource              string    `json:"resource,omitempty"`
	AuthorizationServer   string    `json:"authorization_server,omitempty"`
	Issuer                string    `json:"issuer,omitempty"`
	AuthorizationEndpoint string    `json:"authorization_endpoint,omitempty"`
	TokenEndpoint         string    `json:"token_endpoint,omitempty"`
	RegistrationEndpoint  string    `json:"registration_endpoint,omitempty"`
	ScopesSupported       []string  `json:"scopes_supported,omitempty"`
	ChallengeScope        string    `json:"challenge_scope,omitempty"`
	CodeChallengeMethods  []string  `json:"code_challenge_methods_supported,omitempty"`
	DynamicRegistration   bool      `json:"dynamic_registration"`
	LoggedIn              bool      `json:"logged_in"`
	ExpiresAt             time.Time `json:"expires_at,omitzero"`
	Required              bool      `json:"required"`
}

// Summary renders an exchange as one line of evidence:
// "POST https://host/mcp initialize → 200 application/json (84 ms)". It is
// raw; the report layer redacts it.
func (e Exchange) Summary() string {
	var b strings.Builder
	switch {
	case e.Method != "":
		b.WriteString(e.Method + " " + e.URL)
		if e.RPCMethod != "" {
			b.WriteString(" " + e.RPCMethod)
		}
		b.WriteString(" → ")
		if e.Status != 0 {
			fmt.Fprintf(&b, "%d", e.Status)
			if ct := e.ResponseHeader.Get("Content-Type"); ct != "" {
				b.WriteString(" " + ct)
			}
		} else {
			b.WriteString("no response")
		}
	case e.Direction == "send":
		b.WriteString("→ " + firstNonEmpty(e.RPCMethod, e.Note, "message"))
	case e.Direction == "receive":
		b.WriteString("← " + firstNonEmpty(e.RPCMethod, e.Note, "message"))
	default:
		b.WriteString(e.Note)
	}
	// A status error only repeats the status the line already shows.
	if e.Err != "" && !(e.Status != 0 && strings.Contains(e.Err, fmt.Sprintf("answered %d", e.Status))) {
		b.WriteString(": " + e.Err)
	}
	if e.Duration > 0 {
		fmt.Fprintf(&b, " (%d ms)", e.Duration.Milliseconds())
	}
	return b.String()
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}
