// Package probe talks to one MCP server the way a client does, stage by
// stage, and returns what happened as plain data: the stages, the exchanges
// behind each one, what the server said about itself, and the auth verdict
// with its evidence. It knows nothing of output formats and prints nothing;
// values in a Result are raw (not redacted) and internal/redact is applied by
// whoever prints them.
package probe

import (
	"encoding/json"
	"time"

	"github.com/mcpdoctor/mcpdoctor/internal/config"
	"github.com/mcpdoctor/mcpdoctor/internal/evidence"
	"github.com/mcpdoctor/mcpdoctor/internal/oauth"
	"github.com/mcpdoctor/mcpdoctor/internal/wire"
)

// Stage names. A modern server's probe runs connect, server/discover,
// tools/list (and tools/call); a legacy server's runs connect,
// server/discover (which tells it is legacy), initialize,
// notifications/initialized, tools/list (and tools/call).
// StageName names a stage of a probe, as the JSON contract spells it.
type StageName = evidence.StageName

// Stages.
const (
	StageConnect     StageName = "connect"
	StageDiscover    StageName = "server/discover"
	StageInitialize  StageName = "initialize"
	StageInitialized StageName = "notifications/initialized"
	StageToolsList   StageName = "tools/list"
	StageToolsCall   StageName = "tools/call"
	// StageOtherEra tries the era the server was not spoken to in (probe
	// only), to tell which clients can use it.
	StageOtherEra StageName = "other_era"
	// StageConfig is where a failure of the entry, not of the server, is
	// filed: the server answered without what the entry could not fill
	// in.
	StageConfig StageName = "config"
	// StageOAuthDiscovery runs after the handshake when the auth verdict or
	// Codex's status depends on the OAuth metadata the server advertises.
	StageOAuthDiscovery StageName = "oauth_discovery"
)

// StageStatus is how a stage ended.
type StageStatus string

// Stage statuses, as in the JSON contract.
const (
	StatusOK      StageStatus = "ok"
	StatusFailed  StageStatus = "failed"
	StatusSkipped StageStatus = "skipped"
)

// AuthStatus is the auth verdict (schema/README.md, "A server object").
type AuthStatus string

// Auth statuses.
const (
	AuthNone   AuthStatus = "none"
	AuthBearer AuthStatus = "bearer"
	AuthOAuth  AuthStatus = "oauth"
	AuthFailed AuthStatus = "failed"
)

// Result is everything one probe found out about one server.
type Result struct {
	Name string
	// Transport is the wire that was actually spoken: stdio, streamable_http,
	// or sse when a Streamable HTTP URL only answered the legacy transport.
	Transport config.Transport
	// Healthy: the handshake and tools/list (and tools/call when asked)
	// worked.
	Healthy bool
	Auth    Verdict
	// Refusal is the 401, or 403 with a Bearer challenge, that stopped the
	// probe; nil when none did.
	Refusal *Refusal
	// Discovery is what OAuth discovery found; nil when it did not run.
	Discovery *oauth.Metadata
	Stages    []Stage
	// Server is nil until the server said who it is (server/discover or
	// initialize).
	Server   *ServerInfo
	Tools    []Tool
	ToolCall *ToolCallResult
	Findings []evidence.Finding
	// Failure is the first thing that stopped the probe, nil when healthy.
	Failure *evidence.Failure
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
	Name     StageName
	Status   StageStatus
	Duration time.Duration
	// Note says why a stage was skipped, or adds context to a result.
	Note      string
	Exchanges []evidence.Exchange
}

// ServerInfo is what the server said about itself, in server/discover or
// initialize, and the protocol spoken with it.
type ServerInfo struct {
	Name    string `json:"name"`
	Title   string `json:"title,omitempty"`
	Version string `json:"version"`
	// ProtocolVersion is the version spoken: the one every modern request
	// named, or the one initialize negotiated.
	ProtocolVersion string `json:"protocol_version"`
	// Era is the era of that version: modern or legacy.
	Era wire.Era `json:"era"`
	// SupportedVersions are the versions the server named, when it named
	// them (server/discover's supportedVersions, or an
	// UnsupportedProtocolVersionError's).
	SupportedVersions []string `json:"supported_versions,omitempty"`
	// Eras are the eras the server was seen to accept, when both were
	// tried (probe, not list): modern, legacy, or both.
	Eras         []wire.Era      `json:"eras,omitempty"`
	Capabilities json.RawMessage `json:"capabilities,omitempty"`
	Instructions string          `json:"instructions,omitempty"`
}

// Tool is one entry of tools/list.
type Tool struct {
	Name        string          `json:"name"`
	Title       string          `json:"title,omitempty"`
	Description string          `json:"description,omitempty"`
	InputSchema json.RawMessage `json:"input_schema,omitempty"`
	// OutputSchema and Annotations are as the server sent them, for the
	// tool checks (internal/toolcheck); nil when absent.
	OutputSchema json.RawMessage `json:"output_schema,omitempty"`
	Annotations  json.RawMessage `json:"annotations,omitempty"`
	// Bytes is the size of the tool's definition as tools/list carried it:
	// what a client passes on to the model, near enough, and what the
	// context cost is estimated from.
	Bytes int `json:"-"`
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
	// ResultType is a modern result's: complete, or input_required when the
	// server asked for input the client must gather before it can finish;
	// absent for legacy results.
	ResultType wire.ResultType `json:"result_type,omitempty"`
	// InputRequests are what an input_required result asked for. mcpdoctor
	// answers none of them: it reports them.
	InputRequests []wire.InputRequest `json:"input_requests,omitempty"`
}

// Verdict is the auth status and the evidence that decided it.
type Verdict struct {
	Status AuthStatus
	// Evidence lists, in order, the observations the decision used.
	Evidence []string
	// Credential describes what was sent, never its value.
	Credential *Credential
	// OAuth is set when discovery found metadata or an OAuth token was
	// used.
	OAuth *OAuthState
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
	// Key is the config key it comes from, and Variable the environment
	// variable that fills it in: for hints, never printed as evidence.
	Key, Variable string `json:"-"`
}

// OAuthState is what OAuth discovery found, and where the server stands
// with a login: the auth verdict's, for report to render and login to
// take (oauth.LogIn).
type OAuthState struct {
	// Metadata is what discovery found; nil when it found nothing (a
	// stored token was used all the same).
	Metadata *oauth.Metadata
	// ChallengeScope is the scope of the server's Bearer challenge.
	ChallengeScope string
	// Required says the server refused to work without a login.
	Required bool
	// LoggedIn says a stored OAuth token was sent and accepted; ExpiresAt
	// is when it expires (zero when the authorization server gave no
	// lifetime), and TokenIssuer the authorization server that issued it.
	LoggedIn    bool
	ExpiresAt   time.Time
	TokenIssuer string
}

// AuthorizationServer is the issuer discovery looked up, else the stored
// token's.
func (o *OAuthState) AuthorizationServer() string {
	if o.Metadata != nil && o.Metadata.AuthServer != "" {
		return o.Metadata.AuthServer
	}
	return o.TokenIssuer
}
