// Package report renders what config and probe found: the table, the JSON
// contract, the validate output and the Markdown bug report. It never
// touches the network. Every string it emits has passed through the
// run's redactor: structurally here (URLs, headers, env values), and then
// again over the whole output by the redacting writer the commands wrap
// around stdout and stderr.
package report

import (
	"strings"
	"time"

	"github.com/mcpdoctor/mcpdoctor/internal/config"
	"github.com/mcpdoctor/mcpdoctor/internal/probe"
	"github.com/mcpdoctor/mcpdoctor/internal/redact"
)

// Server is one object of the JSON contract (DESIGN.md, "JSON contract"):
// fields are added, never renamed. Probe-only fields are absent when the
// server was not probed.
type Server struct {
	Name      string    `json:"name"`
	Enabled   bool      `json:"enabled"`
	Transport Transport `json:"transport"`
	// AuthStatus is none, bearer, oauth or failed; absent when not probed.
	AuthStatus string `json:"auth_status,omitempty"`
	// CodexAuthStatus is what `codex mcp list` would show.
	CodexAuthStatus string `json:"codex_auth_status,omitempty"`
	// CodexAuthReason says why Codex computes that status.
	CodexAuthReason string `json:"codex_auth_reason,omitempty"`
	// Healthy is absent when not probed.
	Healthy  *bool                 `json:"healthy,omitempty"`
	Evidence []string              `json:"evidence,omitempty"`
	Stages   []Stage               `json:"stages,omitempty"`
	Server   *probe.ServerInfo     `json:"server,omitempty"`
	Tools    []Tool                `json:"tools,omitempty"`
	ToolCall *probe.ToolCallResult `json:"tool_call,omitempty"`
	Failure  *probe.Failure        `json:"failure,omitempty"`
	Findings []probe.Finding       `json:"findings,omitempty"`
	// Credential names what authenticated the probe, never its value.
	Credential *probe.Credential `json:"credential,omitempty"`
	OAuth      *probe.OAuthInfo  `json:"oauth,omitempty"`
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
	Type string `json:"type"`
	// Configured is the transport the config asked for, when the probe spoke
	// another (streamable_http that fell back to sse).
	Configured string   `json:"configured,omitempty"`
	URL        string   `json:"url,omitempty"`
	Command    string   `json:"command,omitempty"`
	Args       []string `json:"args,omitempty"`
	Cwd        string   `json:"cwd,omitempty"`
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
	Name       string     `json:"name"`
	Status     string     `json:"status"`
	DurationMS int64      `json:"duration_ms"`
	Note       string     `json:"note,omitempty"`
	Exchanges  []Exchange `json:"exchanges,omitempty"`
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
	RequestBody    string            `json:"request_body,omitempty"`
	ResponseBody   string            `json:"response_body,omitempty"`
	Truncated      bool              `json:"truncated,omitempty"`
	DurationMS     int64             `json:"duration_ms,omitempty"`
	Error          string            `json:"error,omitempty"`
	Note           string            `json:"note,omitempty"`
}

// Tool is one tool, as listed.
type Tool struct {
	Name        string `json:"name"`
	Title       string `json:"title,omitempty"`
	Description string `json:"description,omitempty"`
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
}

// View builds the contract object for one entry, redacted.
func View(e Entry, red *redact.Redactor, detail Detail) Server {
	s := e.Server
	v := Server{
		Name:           s.Name,
		Enabled:        s.Enabled,
		Transport:      transportView(s, red),
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
	v.CodexAuthStatus = r.CodexAuthStatus
	v.CodexAuthReason = red.String(r.CodexAuthReason)
	v.Evidence = redactAll(r.Auth.Evidence, red)
	v.Credential = r.Auth.Credential
	v.OAuth = redactOAuth(r.Auth.OAuth, red)
	v.Hint = red.String(r.Auth.Hint)
	if r.Server != nil {
		info := *r.Server
		info.Instructions = red.String(info.Instructions)
		v.Server = &info
	}
	for _, t := range r.Tools {
		v.Tools = append(v.Tools, Tool{Name: t.Name, Title: t.Title, Description: red.String(t.Description)})
	}
	if r.ToolCall != nil {
		tc := *r.ToolCall
		tc.Content = []byte(red.String(string(tc.Content)))
		v.ToolCall = &tc
	}
	if r.Failure != nil {
		f := *r.Failure
		f.Message, f.Hint = red.String(f.Message), red.String(f.Hint)
		v.Failure = &f
	}
	for _, f := range r.Findings {
		f.Message, f.Hint = red.String(f.Message), red.String(f.Hint)
		v.Findings = append(v.Findings, f)
	}
	v.StderrTail = redactAll(r.StderrTail, red)
	for _, st := range r.Stages {
		sv := Stage{Name: st.Name, Status: st.Status, DurationMS: st.Duration.Milliseconds(), Note: red.String(st.Note)}
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
		t.Command = red.String(s.Command)
		t.Args = redactAll(s.Args, red)
		t.Cwd = red.String(s.Cwd)
		if len(s.Env) > 0 {
			t.Env = map[string]string{}
			for k := range s.Env {
				t.Env[k] = redact.Mask
			}
		}
		return t
	}
	t.URL = red.URL(s.URL)
	if len(s.HTTPHeaders)+len(s.EnvHTTPHeaders) > 0 || s.BearerTokenEnvVar != "" {
		t.Headers = map[string]string{}
		for k, v := range s.HTTPHeaders {
			t.Headers[k] = red.HeaderValue(k, v)
		}
		for k, variable := range s.EnvHTTPHeaders {
			t.Headers[k] = "$" + variable
		}
		if s.BearerTokenEnvVar != "" {
			t.Headers["Authorization"] = "Bearer $" + s.BearerTokenEnvVar
		}
	}
	return t
}

func exchangeView(ex probe.Exchange, red *redact.Redactor) Exchange {
	return Exchange{
		Summary:        red.String(ex.Summary()),
		Method:         ex.Method,
		URL:            red.URL(ex.URL),
		Status:         ex.Status,
		Direction:      ex.Direction,
		RPCMethod:      ex.RPCMethod,
		RequestHeader:  headerView(ex.RequestHeader, red),
		ResponseHeader: headerView(ex.ResponseHeader, red),
		RequestBody:    red.String(ex.RequestBody),
		ResponseBody:   red.String(ex.ResponseBody),
		Truncated:      ex.Truncated,
		DurationMS:     ex.Duration.Milliseconds(),
		Error:          red.String(ex.Err),
		Note:           red.String(ex.Note),
	}
}

func headerView(h map[string][]string, red *redact.Redactor) map[string]string {
	if len(h) == 0 {
		return nil
	}
	out := make(map[string]string, len(h))
	for k, vals := range h {
		redacted := make([]string, len(vals))
		for i, val := range vals {
			redacted[i] = red.HeaderValue(k, val)
		}
		out[k] = strings.Join(redacted, ", ")
	}
	return out
}

func redactOAuth(o *probe.OAuthInfo, red *redact.Redactor) *probe.OAuthInfo {
	if o == nil {
		return nil
	}
	c := *o
	for _, u := range []*string{&c.ResourceMetadataURL, &c.Resource, &c.AuthorizationServer, &c.Issuer,
		&c.AuthorizationEndpoint, &c.TokenEndpoint, &c.RegistrationEndpoint} {
		*u = red.URL(*u)
	}
	return &c
}

func redactProblems(ps []config.Problem, red *redact.Redactor) []config.Problem {
	out := make([]config.Problem, len(ps))
	for i, p := range ps {
		p.Message = red.String(p.Message)
		out[i] = p
	}
	return out
}

func redactAll(ss []string, red *redact.Redactor) []string {
	if ss == nil {
		return nil
	}
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = red.String(s)
	}
	return out
}
