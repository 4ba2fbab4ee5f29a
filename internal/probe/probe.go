package probe

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/mcpdoctor/mcpdoctor/internal/config"
)

// Protocol versions. We offer the newest and accept any we know; the
// server's answer decides what the session speaks (spec: lifecycle,
// "Version Negotiation").
const LatestProtocolVersion = "2025-11-25"

var KnownProtocolVersions = []string{"2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25"}

// maxToolPages bounds tools/list pagination: a server whose cursors never end
// must not keep the probe forever.
const maxToolPages = 100

// Options tune one probe. The zero value works.
type Options struct {
	// Timeout, when positive, replaces both startup_timeout_sec and
	// tool_timeout_sec.
	Timeout time.Duration
	// Call runs one tools/call after tools/list. Tools are never called
	// unless asked.
	Call *ToolCall
	// LookupEnv resolves credential variables and builds a stdio server's
	// environment; nil means os.LookupEnv.
	LookupEnv func(string) (string, bool)
	// HTTPClient is the base client for HTTP transports; nil means a fresh
	// client. Its Transport is reused; its CheckRedirect is replaced by the
	// probe's own, which keeps credentials on their origin.
	HTTPClient *http.Client
	// ClientVersion is sent in clientInfo.
	ClientVersion string
	// MaxMessageBytes caps one message or HTTP body; 0 means 8 MiB.
	MaxMessageBytes int64
	// Trace, when set, sees every exchange as it is recorded (for
	// --verbose). It is called from transport goroutines.
	Trace func(Exchange)
	// CodexHome is where Codex keeps its OAuth token file
	// (.credentials.json), read to tell what Codex would show; empty means
	// $CODEX_HOME, else ~/.codex. The file is only read.
	CodexHome string
	// OAuthToken, when set, is asked for the token a stored OAuth login
	// holds for an HTTP server that configures no credential of its own
	// (a configured one wins, as in Codex). It returns nil when there is
	// no login, and refreshes an expired token itself, or any token when
	// refresh is set (the server refused it). A token returned with an
	// error is sent, and the error is a finding.
	OAuthToken func(ctx context.Context, s config.Server, refresh bool) (*OAuthToken, error)
}

// OAuthToken is a stored login's access token, ready to send.
type OAuthToken struct {
	AccessToken string
	// Expiry is zero when the authorization server gave no lifetime.
	Expiry time.Time
	// Refreshed says the stored token was refreshed for this probe: it had
	// expired, or the server had refused it.
	Refreshed bool
	// Issuer is the authorization server that issued the token.
	Issuer string
}

func (o Options) lookupEnv() func(string) (string, bool) {
	if o.LookupEnv != nil {
		return o.LookupEnv
	}
	return os.LookupEnv
}

func (o Options) maxMessageBytes() int64 {
	if o.MaxMessageBytes > 0 {
		return o.MaxMessageBytes
	}
	return 8 << 20
}

// Run probes one server: connect, initialize, notifications/initialized,
// tools/list and, when asked, tools/call. It always returns a Result; a
// failure is described in it, never returned as an error. The server's
// process, session and connections are gone when Run returns.
func Run(ctx context.Context, s config.Server, opts Options) *Result {
	p := runOnce(ctx, s, opts, false)
	if !p.storedTokenRefused() {
		return p.res
	}
	// A stored token the clock says is valid was refused (revoked, or the
	// server forgot it): refresh it once and probe again, as a client
	// would (MCP spec, "Token Handling").
	again := runOnce(ctx, s, opts, true)
	if again.token == nil || !again.token.Refreshed {
		why := "no refreshed token came back"
		if again.tokenErr != nil {
			why = again.tokenErr.Error()
		}
		p.res.Auth.Evidence = append(p.res.Auth.Evidence, "refreshing the refused token did not help: "+why)
		return p.res
	}
	again.res.Auth.Evidence = append([]string{fmt.Sprintf("the stored OAuth token was refused with %d, so mcpdoctor refreshed it and probed again", p.refusal().Status)}, again.res.Auth.Evidence...)
	again.res.Started = p.res.Started
	again.res.Duration = time.Since(p.res.Started)
	return again.res
}

func runOnce(ctx context.Context, s config.Server, opts Options, refreshToken bool) *prober {
	p := &prober{
		server:       s,
		opts:         opts,
		rec:          &Recorder{trace: opts.Trace},
		res:          &Result{Name: s.Name, Transport: s.Transport, Started: time.Now()},
		refreshToken: refreshToken,
	}
	p.run(ctx)
	p.res.Duration = time.Since(p.res.Started)
	return p
}

// storedTokenRefused says the probe sent a stored OAuth token that was
// not just refreshed, and the server answered 401.
func (p *prober) storedTokenRefused() bool {
	if p.token == nil || p.token.Refreshed {
		return false
	}
	r := p.refusal()
	return r != nil && r.Status == http.StatusUnauthorized
}

type prober struct {
	server config.Server
	opts   Options
	rec    *Recorder
	res    *Result
	creds  credentials
	tr     Transport
	nextID int64
	// initErr is what stopped the handshake, for the auth decision.
	initErr error
	// oauth is what OAuth discovery found, nil when it did not run.
	oauth *oauthDiscovery
	// token is the stored OAuth token sent, nil when none was;
	// tokenEvidence says what became of a stored login.
	token         *OAuthToken
	tokenEvidence []string
	tokenErr      error
	// refreshToken asks OAuthToken for a refreshed token, even one the
	// clock says is valid: the server refused it.
	refreshToken bool
}

func (p *prober) startupTimeout() time.Duration {
	if p.opts.Timeout > 0 {
		return p.opts.Timeout
	}
	if p.server.StartupTimeout > 0 {
		return p.server.StartupTimeout
	}
	return config.DefaultStartupTimeout
}

func (p *prober) toolTimeout() time.Duration {
	if p.opts.Timeout > 0 {
		return p.opts.Timeout
	}
	if p.server.ToolTimeout > 0 {
		return p.server.ToolTimeout
	}
	return config.DefaultToolTimeout
}

func (p *prober) run(ctx context.Context) {
	s := p.server
	if !s.Valid() {
		for _, pr := range s.Problems {
			if pr.Severity == config.SeverityError {
				p.fail(StageConnect, &Error{Category: CategoryConfig, Message: pr.String(),
					Hint: "fix the config first; `mcpdoctor validate` lists every problem"})
				break
			}
		}
		p.res.Auth = Verdict{Status: AuthFailed, Evidence: []string{"the config entry is invalid, so no connection was tried"}}
		return
	}
	startup, cancel := context.WithTimeout(ctx, p.startupTimeout())
	defer cancel()
	if s.Transport != config.TransportStdio {
		p.creds = resolveCredentials(s, p.opts.lookupEnv())
		p.res.Secrets = append(p.res.Secrets, p.creds.Secrets...)
		p.useStoredToken(startup)
	}
	p.res.Secrets = append(p.res.Secrets, s.Secrets(p.opts.lookupEnv())...)
	defer p.close()

	if p.handshake(startup) {
		p.listTools(startup)
	} else {
		p.skipRest(StageInitialize, StageInitialized, StageToolsList)
	}
	if p.res.Failure == nil && p.opts.Call != nil {
		callCtx, cancelCall := context.WithTimeout(ctx, p.toolTimeout())
		p.callTool(callCtx)
		cancelCall()
	} else if p.opts.Call != nil {
		p.skip(StageToolsCall, "an earlier stage failed")
	}
	codex, codexReason := codexStatusBeforeDiscovery(s, p.opts.lookupEnv(), p.opts.codexHome(), time.Now())
	p.discoverAuth(ctx, codex == "")
	p.res.Auth = decideAuth(p)
	p.decideCodexStatus(codex, codexReason)
	if p.res.Auth.Status == AuthFailed && p.res.Failure == nil {
		// The server works, but not as configured: a credential variable is
		// unset, and the client fails to start it the same way.
		p.res.Failure = &Failure{Stage: "config", Category: CategoryConfig,
			Message: strings.Join(p.creds.Missing, "; "), Hint: p.res.Auth.Hint}
	}
	p.res.Healthy = p.res.Failure == nil
}

// useStoredToken sends the token of a stored OAuth login, when the server
// configures no credential of its own and a login is stored for it.
func (p *prober) useStoredToken(ctx context.Context) {
	if p.opts.OAuthToken == nil || p.creds.Auth != nil {
		return
	}
	tok, err := p.opts.OAuthToken(ctx, p.server, p.refreshToken)
	if err != nil && tok != nil {
		// Usable, but something went wrong around it (a refreshed token
		// that could not be stored).
		p.finding("oauth_token_store", SeverityWarning, err.Error(), "check that the token file can be written")
	} else if err != nil {
		p.tokenErr = err
		msg := "a stored OAuth login could not be used: " + err.Error()
		p.tokenEvidence = append(p.tokenEvidence, msg+"; the probe ran without it")
		p.finding("oauth_token_unusable", SeverityWarning, msg,
			fmt.Sprintf("log in again: `mcpdoctor login %s`", p.server.Name))
		return
	}
	if tok == nil || tok.AccessToken == "" {
		return
	}
	p.token = tok
	p.res.Secrets = append(p.res.Secrets, tok.AccessToken)
	p.creds.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	p.creds.Auth = &Credential{Header: "Authorization", Source: "oauth token store", Sent: true}
	line := "sent the OAuth token stored by `mcpdoctor login`"
	if tok.Issuer != "" {
		line += ", issued by " + tok.Issuer
	}
	switch {
	case tok.Refreshed && p.refreshToken:
		line += "; it was refreshed for this probe after the server refused it"
	case tok.Refreshed:
		line += "; it had expired and was refreshed for this probe"
	}
	p.tokenEvidence = append(p.tokenEvidence, line)
}

// close ends the session on its own short deadline: the probe's deadline may
// already have passed, and a process must not outlive the probe.
func (p *prober) close() {
	if p.tr == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := p.tr.Close(ctx); err != nil {
		p.rec.Add(Exchange{Note: "closing the session", Err: err.Error()})
	}
	// What closing recorded (a DELETE, the stderr of an exiting process)
	// belongs to the last stage.
	if ex, _ := p.rec.Take(); len(ex) > 0 && len(p.res.Stages) > 0 {
		last := &p.res.Stages[len(p.res.Stages)-1]
		last.Exchanges = append(last.Exchanges, ex...)
	}
	if st, ok := p.tr.(interface{ StderrTail() []string }); ok {
		p.res.StderrTail = st.StderrTail()
	}
	p.collectFindings()
}

// collectFindings takes what the transport noticed on the wire (a redirect
// to another origin, text on stdout).
func (p *prober) collectFindings() {
	if f, ok := p.tr.(interface{ Findings() []Finding }); ok {
		p.res.Findings = append(p.res.Findings, f.Findings()...)
	}
}

// handshake runs connect, initialize and notifications/initialized. It
// reports whether the server is ready for requests.
func (p *prober) handshake(ctx context.Context) bool {
	start := time.Now()
	switch p.server.Transport {
	case config.TransportStdio:
		p.tr = newStdioTransport(p.server, p.opts, p.rec)
	default:
		p.tr = newStreamableTransport(p.server.URL, p.creds.Header, p.opts, p.rec)
	}
	if err := p.tr.Connect(ctx); err != nil {
		p.stage(StageConnect, start, err, "")
		p.initErr = err
		return false
	}
	note := ""
	if p.server.Transport != config.TransportStdio {
		note = "Streamable HTTP opens an exchange per message"
	}
	p.stage(StageConnect, start, nil, note)

	start = time.Now()
	init, err := p.initialize(ctx)
	note = ""
	var se *HTTPStatusError
	if err != nil && p.server.Transport != config.TransportStdio && errors.As(err, &se) && isLegacyFallbackStatus(se.Status) {
		// Backwards compatibility (spec 2025-03-26, transports): a POST of
		// initialize that fails with 400, 404 or 405 means the server may
		// speak the 2024-11-05 HTTP+SSE transport: GET the URL and wait for
		// the endpoint event.
		p.collectFindings()
		_ = p.tr.Close(ctx)
		p.tr = newSSETransport(p.server.URL, p.creds.Header, p.opts, p.rec)
		if cerr := p.tr.Connect(ctx); cerr == nil {
			init, err = p.initialize(ctx)
			if err == nil {
				p.res.Transport = config.TransportSSE
				note = fmt.Sprintf("POST answered %d, so mcpdoctor fell back to the legacy HTTP+SSE transport (2024-11-05)", se.Status)
				p.finding("legacy_sse", SeverityWarning,
					"the server speaks only the legacy HTTP+SSE transport (2024-11-05); Codex speaks Streamable HTTP only and will not connect to it",
					"use a client that speaks SSE, upgrade the server to Streamable HTTP, or put a stdio bridge such as mcp-remote in front of it")
			}
		} else {
			p.rec.Add(Exchange{Note: "legacy HTTP+SSE fallback failed", Err: cerr.Error()})
		}
	}
	p.stage(StageInitialize, start, err, note)
	if err != nil {
		p.initErr = err
		return false
	}
	p.res.Server = init

	start = time.Now()
	n, _ := NewNotification("notifications/initialized", nil)
	err = p.tr.Notify(ctx, n)
	p.stage(StageInitialized, start, err, "")
	return err == nil
}

func isLegacyFallbackStatus(status int) bool {
	return status == http.StatusBadRequest || status == http.StatusNotFound || status == http.StatusMethodNotAllowed
}

func (p *prober) initialize(ctx context.Context) (*ServerInfo, error) {
	version := p.opts.ClientVersion
	if version == "" {
		version = "dev"
	}
	params := map[string]any{
		"protocolVersion": LatestProtocolVersion,
		"capabilities":    map[string]any{},
		"clientInfo":      map[string]any{"name": "mcpdoctor", "version": version},
	}
	var out struct {
		ProtocolVersion string          `json:"protocolVersion"`
		Capabilities    json.RawMessage `json:"capabilities"`
		ServerInfo      *struct {
			Name    string `json:"name"`
			Title   string `json:"title"`
			Version string `json:"version"`
		} `json:"serverInfo"`
		Instructions string `json:"instructions"`
	}
	if err := p.call(ctx, "initialize", params, &out); err != nil {
		return nil, err
	}
	if out.ProtocolVersion == "" || out.ServerInfo == nil {
		return nil, &Error{Category: CategoryProtocol,
			Message: "the initialize result has no protocolVersion or serverInfo",
			Hint:    "the server does not follow the MCP lifecycle; report this to its authors"}
	}
	if !slices.Contains(KnownProtocolVersions, out.ProtocolVersion) {
		p.finding("unknown_protocol_version", SeverityWarning,
			fmt.Sprintf("the server answered protocol version %q, which mcpdoctor does not know (it knows %v)", out.ProtocolVersion, KnownProtocolVersions),
			"clients may refuse this server; check that it implements a published MCP revision")
	}
	return &ServerInfo{
		Name: out.ServerInfo.Name, Title: out.ServerInfo.Title, Version: out.ServerInfo.Version,
		ProtocolVersion: out.ProtocolVersion, Capabilities: out.Capabilities, Instructions: out.Instructions,
	}, nil
}

func (p *prober) listTools(ctx context.Context) {
	start := time.Now()
	var caps map[string]json.RawMessage
	_ = json.Unmarshal(p.res.Server.Capabilities, &caps)
	if _, ok := caps["tools"]; !ok {
		p.skip(StageToolsList, "the server declares no tools capability")
		return
	}
	var tools []Tool
	cursor := ""
	seen := map[string]bool{}
	for page := 0; ; page++ {
		if page == maxToolPages {
			p.stage(StageToolsList, start, &Error{Category: CategoryProtocol,
				Message: fmt.Sprintf("tools/list still had a nextCursor after %d pages", maxToolPages),
				Hint:    "the server's pagination does not end; report this to its authors"}, "")
			return
		}
		var params any
		if cursor != "" {
			params = map[string]string{"cursor": cursor}
		}
		var out struct {
			Tools []struct {
				Name        string          `json:"name"`
				Title       string          `json:"title"`
				Description string          `json:"description"`
				InputSchema json.RawMessage `json:"inputSchema"`
			} `json:"tools"`
			NextCursor string `json:"nextCursor"`
		}
		if err := p.call(ctx, "tools/list", params, &out); err != nil {
			p.stage(StageToolsList, start, err, "")
			return
		}
		for _, t := range out.Tools {
			tools = append(tools, Tool{Name: t.Name, Title: t.Title, Description: t.Description, InputSchema: t.InputSchema})
		}
		if out.NextCursor == "" {
			break
		}
		if seen[out.NextCursor] {
			p.stage(StageToolsList, start, &Error{Category: CategoryProtocol,
				Message: "tools/list returned a nextCursor it had returned before",
				Hint:    "the server's pagination loops; report this to its authors"}, "")
			return
		}
		seen[out.NextCursor] = true
		cursor = out.NextCursor
	}
	p.res.Tools = tools
	note := ""
	if len(seen) > 0 {
		note = fmt.Sprintf("%d pages", len(seen)+1)
	}
	p.stage(StageToolsList, start, nil, note)
}

func (p *prober) callTool(ctx context.Context) {
	start := time.Now()
	call := p.opts.Call
	args := call.Arguments
	if len(args) == 0 {
		args = json.RawMessage(`{}`)
	}
	var out struct {
		Content json.RawMessage `json:"content"`
		IsError bool            `json:"isError"`
	}
	err := p.call(ctx, "tools/call", map[string]any{"name": call.Name, "arguments": args}, &out)
	if err == nil {
		p.res.ToolCall = &ToolCallResult{Name: call.Name, IsError: out.IsError, Content: out.Content}
		if out.IsError {
			err = &Error{Category: CategoryToolError,
				Message: fmt.Sprintf("the tool %s answered with isError: true", call.Name),
				Hint:    "the server works, but the call failed: read the content the tool returned and check --args against its input schema"}
		}
	}
	p.stage(StageToolsCall, start, err, "")
}

// call sends one request and decodes its result into out.
func (p *prober) call(ctx context.Context, method string, params, out any) error {
	p.nextID++
	req, err := NewRequest(p.nextID, method, params)
	if err != nil {
		return &Error{Category: CategoryConfig, Message: "cannot encode the request: " + err.Error(), Err: err}
	}
	resp, err := p.tr.Call(ctx, req)
	if err != nil {
		return err
	}
	if resp.Error != nil {
		return &Error{Category: CategoryProtocol, Message: method + " failed: " + resp.Error.Error(), Err: resp.Error,
			Hint: "the server understood the request and refused it; its message says why"}
	}
	if err := json.Unmarshal(resp.Result, out); err != nil {
		return &Error{Category: CategoryProtocol, Message: method + " returned a result of the wrong shape: " + err.Error(), Err: err,
			Hint: "the server does not follow the MCP schema for " + method + "; report this to its authors"}
	}
	return nil
}

// stage records a finished stage with the exchanges since the last one. A
// non-nil err fails the stage and, when it is the first failure, the probe.
func (p *prober) stage(name string, start time.Time, err error, note string) {
	ex, dropped := p.rec.Take()
	st := Stage{Name: name, Status: StatusOK, Duration: time.Since(start), Note: note, Exchanges: ex}
	if dropped > 0 {
		st.Note = joinNote(st.Note, fmt.Sprintf("%d more exchanges not kept", dropped))
	}
	if err != nil {
		st.Status = StatusFailed
		p.res.Stages = append(p.res.Stages, st)
		p.fail(name, err)
		return
	}
	p.res.Stages = append(p.res.Stages, st)
}

func (p *prober) skip(name, why string) {
	p.res.Stages = append(p.res.Stages, Stage{Name: name, Status: StatusSkipped, Note: why})
}

// skipRest marks the stages that never ran because an earlier one failed, so
// the timeline shows the whole handshake.
func (p *prober) skipRest(names ...string) {
	for _, name := range names {
		if !slices.ContainsFunc(p.res.Stages, func(s Stage) bool { return s.Name == name }) {
			p.skip(name, "an earlier stage failed")
		}
	}
}

func (p *prober) fail(stage string, err error) {
	if p.res.Failure != nil {
		return
	}
	e := Classify(err)
	p.res.Failure = &Failure{Stage: stage, Category: e.Category, Message: e.Error(), Hint: e.Hint}
}

func (p *prober) finding(code, severity, msg, hint string) {
	p.res.Findings = append(p.res.Findings, Finding{Code: code, Severity: severity, Message: msg, Hint: hint})
}

func joinNote(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}
