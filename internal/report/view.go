// Package report renders what config and probe found: the table, the JSON
// contract, the validate output and the Markdown bug report. It never
// touches the network.
//
// Redaction happens here, once, where a view is built: every value that can
// carry a secret goes through the run's redactor by its kind (a URL, a
// header, a body, a command line, free text) before anything is encoded.
// Field names, enumerations (auth_status, categories, stage names, eras),
// numbers and booleans never do. Values that are evidence by what they
// are — protocol versions, server and tool names and versions, paths,
// mcpdoctor's own explanation of what Codex would do — go through
// redact's Field, which masks a credential in them but never a learned
// word that looks like none; free text (descriptions, errors, stderr,
// hints) goes through Text, which hunts every secret of the run. The human renderers then print a copy of
// the view whose control characters are shown as escapes (forDisplay).
package report

import (
	"cmp"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/mcpdoctor/mcpdoctor/internal/codex"
	"github.com/mcpdoctor/mcpdoctor/internal/config"
	"github.com/mcpdoctor/mcpdoctor/internal/evidence"
	"github.com/mcpdoctor/mcpdoctor/internal/probe"
	"github.com/mcpdoctor/mcpdoctor/internal/redact"
	"github.com/mcpdoctor/mcpdoctor/internal/toolcheck"
	"github.com/mcpdoctor/mcpdoctor/internal/wire"
)

// Server is one object of the JSON contract (schema/server.schema.json):
// fields are added, never renamed. Probe-only fields are absent when the
// server was not probed.
type Server struct {
	// SchemaVersion is the version of the schema this object follows
	// (schema/server.schema.json); it grows when a field is added.
	SchemaVersion int       `json:"schema_version"`
	Name          string    `json:"name"`
	Enabled       bool      `json:"enabled"`
	Transport     Transport `json:"transport"`
	// Source says where the server is configured: client, file, scope,
	// line and column.
	Source config.Source `json:"source"`
	// Approval is what the server's client decided about starting it, and
	// whether mcpdoctor started it all the same (schema_version 3).
	Approval Approval `json:"approval"`
	// AuthStatus is none, bearer, oauth or failed; absent when not probed.
	AuthStatus probe.AuthStatus `json:"auth_status,omitempty"`
	// CodexAuthStatus is what `codex mcp list` would show.
	CodexAuthStatus string `json:"codex_auth_status,omitempty"`
	// CodexAuthReason says why Codex computes that status.
	CodexAuthReason string `json:"codex_auth_reason,omitempty"`
	// Healthy is absent when not probed.
	Healthy  *bool             `json:"healthy,omitempty"`
	Evidence []string          `json:"evidence,omitempty"`
	Stages   []Stage           `json:"stages,omitempty"`
	Server   *probe.ServerInfo `json:"server,omitempty"`
	Tools    []Tool            `json:"tools,omitempty"`
	// Context is the tools' estimated cost; absent when no tools were
	// listed.
	Context  *Context              `json:"context,omitempty"`
	ToolCall *probe.ToolCallResult `json:"tool_call,omitempty"`
	Failure  *evidence.Failure     `json:"failure,omitempty"`
	Findings []evidence.Finding    `json:"findings,omitempty"`
	// Credential names what authenticated the probe, never its value.
	Credential *probe.Credential `json:"credential,omitempty"`
	OAuth      *OAuth            `json:"oauth,omitempty"`
	Hint       string            `json:"hint,omitempty"`
	StderrTail []string          `json:"stderr_tail,omitempty"`
	DurationMS *int64            `json:"duration_ms,omitempty"`
	Timeouts   Timeouts          `json:"timeouts"`
	// ConfigProblems are the file's and the machine's problems with this
	// server's entry.
	ConfigProblems []config.Problem `json:"config_problems,omitempty"`

	// probedAt is when the probe started: the "now" a token's expiry is
	// told against, so that output does not change as it is rendered.
	probedAt time.Time
}

// loginState says whether an oauth server was probed logged in, and until
// when: "logged in, expires in 59m", "not logged in"; empty for other
// statuses.
func loginState(v Server) string {
	o := v.OAuth
	if o == nil || v.AuthStatus != probe.AuthOAuth {
		return ""
	}
	if !o.LoggedIn {
		return "not logged in"
	}
	if exp := Expiry(o.ExpiresAt, v.probedAt); exp != "" {
		return "logged in, " + exp
	}
	return "logged in"
}

// Transport describes where the server is. URL and command line are
// redacted; env shows names only.
type Transport struct {
	Type config.Transport `json:"type"`
	// Configured is the transport the config asked for, when the probe spoke
	// another (streamable_http that fell back to sse).
	Configured config.Transport `json:"configured,omitempty"`
	URL        string           `json:"url,omitempty"`
	Command    string           `json:"command,omitempty"`
	Args       []string         `json:"args,omitempty"`
	Cwd        string           `json:"cwd,omitempty"`
	// Env lists the names of the variables set for a stdio server, with
	// their values redacted.
	Env map[string]string `json:"env,omitempty"`
	// Headers lists configured header names with redacted values.
	Headers map[string]string `json:"headers,omitempty"`
}

// Timeouts are the effective limits, in seconds.
type Timeouts struct {
	StartupSec float64 `json:"startup_sec"`
	ToolSec    float64 `json:"tool_sec"`
}

// Stage is one stage of the handshake.
type Stage struct {
	Name       string            `json:"name"`
	Status     probe.StageStatus `json:"status"`
	DurationMS int64             `json:"duration_ms"`
	Note       string            `json:"note,omitempty"`
	Exchanges  []Exchange        `json:"exchanges,omitempty"`
}

// Exchange is one message on the wire, redacted.
type Exchange struct {
	Summary        string            `json:"summary"`
	Method         string            `json:"method,omitempty"`
	URL            string            `json:"url,omitempty"`
	Status         int               `json:"status,omitempty"`
	Direction      string            `json:"direction,omitempty"`
	RPCMethod      string            `json:"rpc_method,omitempty"`
	RequestHeader  map[string]string `json:"request_headers,omitempty"`
	ResponseHeader map[string]string `json:"response_headers,omitempty"`
	RequestBody    string            `json:"request_body,omitempty" display:"block"`
	ResponseBody   string            `json:"response_body,omitempty" display:"block"`
	Truncated      bool              `json:"truncated,omitempty"`
	DurationMS     int64             `json:"duration_ms,omitempty"`
	Error          string            `json:"error,omitempty"`
	Note           string            `json:"note,omitempty"`
	// Proxy is the HTTP proxy that carried the request, if one did.
	Proxy string `json:"proxy,omitempty"`
}

// Tool is one tool, as listed.
type Tool struct {
	Name        string `json:"name"`
	Title       string `json:"title,omitempty"`
	Description string `json:"description,omitempty" display:"block"`
	// InputSchema is the tool's arguments, as the server declared them
	// (probe and report only): what --args takes.
	InputSchema json.RawMessage `json:"input_schema,omitempty"`
	// EstimatedTokens is what the tool's definition costs the model's
	// context, estimated (internal/toolcheck, schema_version 4).
	EstimatedTokens int `json:"estimated_tokens"`
}

// Context is what a server's tool definitions cost the model's context,
// estimated as internal/toolcheck documents (schema_version 4).
type Context struct {
	EstimatedTokens int `json:"estimated_tokens"`
	// WarnTokens is the estimate above which a finding warns.
	WarnTokens int `json:"warn_tokens"`
	// Biggest are the tools that cost the most, largest first.
	Biggest []ToolTokens `json:"biggest,omitempty"`
}

// ToolTokens is one tool's estimated cost.
type ToolTokens struct {
	Name            string `json:"name"`
	EstimatedTokens int    `json:"estimated_tokens"`
}

// Approval is whether the server's client would start it without asking
// first: not_needed (the user's own file), approved, pending, denied,
// untrusted or unvetted; reason and approve name the client's files and
// keys. opt_in says what made mcpdoctor start it all the same.
type Approval struct {
	State   config.ApprovalState `json:"state"`
	Reason  string               `json:"reason,omitempty"`
	Approve string               `json:"approve,omitempty"`
	OptIn   string               `json:"opt_in,omitempty"`
}

// Detail chooses how much of a probe a view carries.
type Detail int

const (
	// Summary leaves out the exchanges (list).
	Summary Detail = iota
	// Full carries every exchange (probe, report).
	Full
)

// Entry is one configured server and, when it was probed, its result.
type Entry struct {
	Server config.Server
	// Problems are the server's config and environment problems.
	Problems []config.Problem
	// Result is nil when the server was not probed.
	Result *probe.Result
	// Codex is what Codex would show for it (internal/codex): for a
	// Codex entry that was probed, nil otherwise.
	Codex *codex.Verdict
	// ToolFindings are what internal/toolcheck found in its tools, for its
	// client and beside the other servers of that client.
	ToolFindings []evidence.Finding
}

// SchemaVersion is the version of the JSON contract's schemas (schema/).
const SchemaVersion = 4

// View builds the contract object for one entry, redacted by kind.
func View(e Entry, red *redact.Redactor, detail Detail) Server {
	s := e.Server
	v := Server{
		SchemaVersion:  SchemaVersion,
		Name:           s.Name,
		Enabled:        s.Enabled,
		Transport:      transportView(s, red),
		Source:         sourceView(s.Source, red),
		Approval:       approvalView(s.Approval, red),
		Timeouts:       Timeouts{StartupSec: s.StartupTimeout.Seconds(), ToolSec: s.ToolTimeout.Seconds()},
		ConfigProblems: redactProblems(e.Problems, red),
	}
	r := e.Result
	if r == nil {
		return v
	}
	healthy := r.Healthy
	ms := r.Duration.Milliseconds()
	v.Healthy, v.DurationMS = &healthy, &ms
	if r.Transport != "" && r.Transport != v.Transport.Type {
		v.Transport.Configured = v.Transport.Type
		v.Transport.Type = r.Transport
	}
	v.probedAt = r.Started
	v.AuthStatus = r.Auth.Status
	if c := e.Codex; c != nil {
		v.CodexAuthStatus = string(c.Status)
		v.CodexAuthReason = red.Field(c.Reason)
	}
	v.Evidence = red.Texts(r.Auth.Evidence)
	if c := r.Auth.Credential; c != nil {
		cred := *c
		v.Credential = &cred
	}
	v.OAuth = oauthView(r.Auth.OAuth, red)
	v.Hint = red.Text(r.Auth.Hint)
	if r.Server != nil {
		info := *r.Server
		info.Name, info.Title, info.Version = red.Field(info.Name), red.Field(info.Title), red.Field(info.Version)
		info.ProtocolVersion, info.SupportedVersions = red.Field(info.ProtocolVersion), red.Fields(info.SupportedVersions)
		info.Eras = slices.Clone(info.Eras)
		info.Capabilities, info.Instructions = redactRaw(info.Capabilities, red), red.Text(info.Instructions)
		v.Server = &info
	}
	cost := toolcheck.Estimate(r.Tools)
	for i, t := range r.Tools {
		tool := Tool{Name: red.Field(t.Name), Title: red.Field(t.Title), Description: red.Text(t.Description), EstimatedTokens: cost.PerTool[i].Tokens}
		if detail == Full && len(t.InputSchema) > 0 {
			tool.InputSchema = redactSchema(t.InputSchema, red)
		}
		v.Tools = append(v.Tools, tool)
	}
	if len(r.Tools) > 0 {
		v.Context = &Context{EstimatedTokens: cost.Tokens, WarnTokens: toolcheck.WarnTokens}
		for _, b := range cost.Biggest {
			v.Context.Biggest = append(v.Context.Biggest, ToolTokens{Name: red.Field(b.Name), EstimatedTokens: b.Tokens})
		}
	}
	if r.ToolCall != nil {
		tc := *r.ToolCall
		tc.Name, tc.Content = red.Field(tc.Name), redactRaw(tc.Content, red)
		tc.InputRequests = nil
		for _, ir := range r.ToolCall.InputRequests {
			tc.InputRequests = append(tc.InputRequests, wire.InputRequest{Key: red.Field(ir.Key), Method: red.Field(ir.Method), Message: red.Text(ir.Message)})
		}
		v.ToolCall = &tc
	}
	if r.Failure != nil {
		f := *r.Failure
		f.Message, f.Hint = red.Text(f.Message), red.Text(f.Hint)
		v.Failure = &f
	}
	findings := slices.Clone(r.Findings)
	if e.Codex != nil {
		findings = append(findings, e.Codex.Findings...)
	}
	for _, f := range append(findings, e.ToolFindings...) {
		tool := red.Field(f.Tool)
		f.Message, f.Hint = red.Text(f.Message), red.Text(f.Hint)
		if tool != f.Tool {
			// The tool's name holds a secret, and the message may hold
			// forms of it the redactor cannot know (the name a client
			// would rename the tool to): say only what kind of finding.
			f.Message = "a finding about a tool whose name holds a secret from the config (" + RuleFor(f.Code).Title + "); its details are not shown, so that nothing made from the secret is printed"
		}
		f.Tool = tool
		v.Findings = append(v.Findings, f)
	}
	v.StderrTail = red.Texts(r.StderrTail)
	for _, st := range r.Stages {
		sv := Stage{Name: string(st.Name), Status: st.Status, DurationMS: st.Duration.Milliseconds(), Note: red.Text(st.Note)}
		if detail == Full {
			for _, ex := range st.Exchanges {
				sv.Exchanges = append(sv.Exchanges, exchangeView(ex, red))
			}
		}
		v.Stages = append(v.Stages, sv)
	}
	return v
}

func transportView(s config.Server, red *redact.Redactor) Transport {
	t := Transport{Type: s.Transport}
	if t.Type == "" {
		t.Type = "unknown"
	}
	if s.Transport == config.TransportStdio {
		// The command's path and the directory are evidence, never hunted
		// for a learned word; the arguments keep their own rules.
		t.Command = shownValue(s.Command, red.Field, red.Field)
		t.Args = red.Args(written(s.Args))
		t.Cwd = shownValue(s.Cwd, red.Field, red.Field)
		if len(s.Env) > 0 {
			t.Env = map[string]string{}
			for _, e := range s.Env {
				t.Env[e.Name] = redact.Mask
			}
		}
		return t
	}
	t.URL = shownValue(s.URL, red.URL, red.Text)
	if len(s.Headers) > 0 {
		t.Headers = map[string]string{}
		for _, h := range s.Headers {
			name := h.Name
			t.Headers[name] = shownValue(h.Value, func(v string) string { return red.SentHeader(name, v) }, red.Text)
		}
	}
	return t
}

// shownValue is a config value as output shows it: a literal redacted by
// its kind (mask); a value with references as written, which names
// variables, not their values, with its literal pieces redacted by part
// (Text, or Field for a path).
func shownValue(v config.Value, mask, part func(string) string) string {
	if lit, ok := v.IsLiteral(); ok {
		return mask(lit)
	}
	var b strings.Builder
	for _, p := range v.Parts {
		if p.Ref != nil {
			b.WriteString(p.Ref.Written)
		} else {
			b.WriteString(part(p.Text))
		}
	}
	return b.String()
}

// written lists values as the file writes them.
func written(vs []config.Value) []string {
	if vs == nil {
		return nil
	}
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = v.Written
	}
	return out
}

func approvalView(a config.Approval, red *redact.Redactor) Approval {
	// mcpdoctor's own sentences, naming files, keys and commands.
	return Approval{State: cmp.Or(a.State, config.ApprovalNotNeeded), Reason: red.Field(a.Reason), Approve: red.Field(a.Approve), OptIn: a.OptIn}
}

func sourceView(s config.Source, red *redact.Redactor) config.Source {
	s.File, s.Project = red.Field(s.File), red.Field(s.Project)
	return s
}

// exchangeView redacts one exchange field by field, and writes its summary
// from the redacted fields, so that the summary's URL is masked as the URL
// field is.
func exchangeView(ex evidence.Exchange, red *redact.Redactor) Exchange {
	r := ex
	r.URL = red.URL(ex.URL)
	r.RequestHeader = redactHeader(ex.RequestHeader, red.SentHeader)
	r.ResponseHeader = redactHeader(ex.ResponseHeader, red.Header)
	r.RPCMethod = red.Field(ex.RPCMethod)
	r.Err = red.Text(ex.Err)
	r.Note = red.Text(ex.Note)
	r.Proxy = red.URL(ex.Proxy)
	return Exchange{
		Summary:        r.Summary(),
		Method:         ex.Method,
		URL:            r.URL,
		Status:         ex.Status,
		Direction:      ex.Direction,
		RPCMethod:      r.RPCMethod,
		RequestHeader:  joinHeader(r.RequestHeader),
		ResponseHeader: joinHeader(r.ResponseHeader),
		RequestBody:    red.Body(ex.RequestBody),
		ResponseBody:   red.Body(ex.ResponseBody),
		Truncated:      ex.Truncated,
		DurationMS:     ex.Duration.Milliseconds(),
		Error:          r.Err,
		Note:           r.Note,
		Proxy:          r.Proxy,
	}
}

// redactHeader redacts each value by its header's name: what was sent
// with SentHeader, what came back with Header.
func redactHeader(h http.Header, by func(name, value string) string) http.Header {
	if len(h) == 0 {
		return nil
	}
	out := make(http.Header, len(h))
	for k, vals := range h {
		redacted := make([]string, len(vals))
		for i, val := range vals {
			redacted[i] = by(k, val)
		}
		out[k] = redacted
	}
	return out
}

func joinHeader(h http.Header) map[string]string {
	if len(h) == 0 {
		return nil
	}
	out := make(map[string]string, len(h))
	for k, vals := range h {
		out[k] = strings.Join(vals, ", ")
	}
	return out
}

// redactRaw redacts a JSON value the server sent (capabilities, a tool's
// result). What is not JSON cannot be carried as a JSON value; it becomes
// a JSON string of its redacted text.
func redactRaw(raw json.RawMessage, red *redact.Redactor) json.RawMessage {
	if len(raw) == 0 {
		return nil
	}
	if out, ok := red.JSON(string(raw)); ok {
		return json.RawMessage(out)
	}
	if json.Valid(raw) {
		// A string, number or literal: redact it as the value it is.
		var s string
		if json.Unmarshal(raw, &s) == nil {
			b, _ := json.Marshal(red.Text(s))
			return b
		}
		return raw
	}
	b, _ := json.Marshal(red.Text(string(raw)))
	return b
}

// redactSchema keeps a JSON Schema whole, its parameters' names and
// types included, while masking the secrets its strings may hold; what is
// not a JSON document is redacted as a value.
func redactSchema(raw json.RawMessage, red *redact.Redactor) json.RawMessage {
	if out, ok := red.Schema(string(raw)); ok {
		return json.RawMessage(out)
	}
	return redactRaw(raw, red)
}

// OAuth is what OAuth discovery found, and whether mcpdoctor is logged in
// (schema/server.schema.json, oauth).
type OAuth struct {
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

// oauthView renders what the probe learned of the server's OAuth,
// redacted: the metadata's URLs as URLs, scopes and methods as text.
func oauthView(st *probe.OAuthState, red *redact.Redactor) *OAuth {
	if st == nil {
		return nil
	}
	o := OAuth{AuthorizationServer: st.AuthorizationServer(), ChallengeScope: st.ChallengeScope,
		LoggedIn: st.LoggedIn, ExpiresAt: st.ExpiresAt, Required: st.Required}
	if d := st.Metadata; d != nil {
		o.ResourceMetadataURL = d.PRMURL
		if d.PRM != nil {
			o.Resource = d.PRM.Resource
			o.ScopesSupported = d.PRM.ScopesSupported
		}
		if as := d.AS; as != nil {
			o.Issuer = as.Issuer
			o.AuthorizationEndpoint, o.TokenEndpoint, o.RegistrationEndpoint = as.AuthorizationEndpoint, as.TokenEndpoint, as.RegistrationEndpoint
			o.CodeChallengeMethods = as.CodeChallengeMethodsSupported
			o.DynamicRegistration = as.RegistrationEndpoint != ""
			// The spec's scope selection: the challenge's scope, else
			// the PRM's scopes_supported; the AS's list is the last resort.
			if len(o.ScopesSupported) == 0 {
				o.ScopesSupported = as.ScopesSupported
			}
		}
	}
	for _, u := range []*string{&o.ResourceMetadataURL, &o.Resource, &o.AuthorizationServer, &o.Issuer,
		&o.AuthorizationEndpoint, &o.TokenEndpoint, &o.RegistrationEndpoint} {
		*u = red.URL(*u)
	}
	o.ScopesSupported = red.Fields(o.ScopesSupported)
	o.CodeChallengeMethods = red.Fields(o.CodeChallengeMethods)
	o.ChallengeScope = red.Field(o.ChallengeScope)
	return &o
}

func redactProblems(ps []config.Problem, red *redact.Redactor) []config.Problem {
	out := make([]config.Problem, len(ps))
	for i, p := range ps {
		p.Message = red.Text(p.Message)
		out[i] = p
	}
	return out
}
