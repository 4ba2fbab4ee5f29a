package probe

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/mcpdoctor/mcpdoctor/internal/config"
	"github.com/mcpdoctor/mcpdoctor/internal/evidence"
	"github.com/mcpdoctor/mcpdoctor/internal/netguard"
	"github.com/mcpdoctor/mcpdoctor/internal/oauth"
	"github.com/mcpdoctor/mcpdoctor/internal/wire"
)

// StdioDiscoverGrace is how long a stdio server gets to answer
// server/discover before the probe also sends initialize. A modern server
// answers at once, and most legacy ones answer an unknown method with an
// error; only a legacy server that stays silent costs this much. The probe
// keeps listening for the late answer, so a server that is merely slow to
// start is not mistaken for a legacy one.
const StdioDiscoverGrace = time.Second

// Protocol choices for Options.Protocol, besides a version.
const (
	ProtocolAuto   = "auto"
	ProtocolModern = "modern"
	ProtocolLegacy = "legacy"
)

// Options tune one probe. The zero value works.
type Options struct {
	// Timeout, when positive, replaces both startup_timeout_sec and
	// tool_timeout_sec.
	Timeout time.Duration
	// Protocol is auto (the default when empty): modern first, legacy when
	// the server's answer says so, as the spec's dual-era client does;
	// modern or legacy: that era only; or a protocol version to speak.
	Protocol string
	// CheckOtherEra, after a healthy handshake, tries the era the server
	// was not spoken to in, so the result says which eras it accepts.
	CheckOtherEra bool
	// Call runs one tools/call after tools/list. Tools are never called
	// unless asked.
	Call *ToolCall
	// LookupEnv resolves credential variables and builds a stdio server's
	// environment; nil means os.LookupEnv.
	LookupEnv func(string) (string, bool)
	// Environ lists the environment a client that passes all of its own
	// on gives a stdio server; nil means os.Environ when LookupEnv is nil
	// too, else nothing.
	Environ func() []string
	// RunHeadersHelper allows running a config's headers helper
	// (http_headers_helper, headersHelper): a command of the user's, run
	// through the shell. Without it the helper is reported, not run.
	RunHeadersHelper bool
	// HTTPClient is the base client for HTTP transports; nil means a fresh
	// client. Its Transport is reused; its CheckRedirect is replaced by the
	// probe's own, which keeps credentials on their origin.
	HTTPClient *http.Client
	// ClientVersion is sent in clientInfo.
	ClientVersion string
	// MaxMessageBytes caps one message or HTTP body; 0 means 8 MiB.
	MaxMessageBytes int64
	// MaxToolListBytes caps what tools/list sends over all its pages; 0
	// means MaxToolListBytes.
	MaxToolListBytes int64
	// Trace, when set, sees every exchange as it is recorded (for
	// --verbose). It is called from transport goroutines.
	Trace func(evidence.Exchange)
	// WantOAuthMetadata, when set and true for the server, has the probe
	// look for OAuth metadata even when its verdict does not need it: what
	// a client shows may depend on it alone (Codex's not_logged_in).
	WantOAuthMetadata func(config.Server) bool
	// AllowPrivateDiscovery lets the URLs the server names (its OAuth
	// metadata and authorization servers, a redirect's Location, a legacy
	// SSE endpoint) reach private, loopback and link-local addresses,
	// which they may not by default (internal/netguard).
	AllowPrivateDiscovery bool
	// Resolver looks up the host names the server names; nil means the
	// system's. Tests give one of their own.
	Resolver netguard.Resolver
	// guard is the probe's policy for them, made for its URL (run).
	guard *netguard.Policy
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

// CheckProtocol says what is wrong with a Protocol value, nil when it is
// one mcpdoctor speaks.
func CheckProtocol(protocol string) error {
	switch protocol {
	case "", ProtocolAuto, ProtocolModern, ProtocolLegacy:
		return nil
	}
	if wire.Known(protocol) {
		return nil
	}
	return fmt.Errorf("%q is not auto, modern, legacy or a protocol version mcpdoctor speaks (%s)",
		protocol, strings.Join(append(slices.Clone(wire.ModernVersions), wire.LegacyVersions...), ", "))
}

func (o Options) lookupEnv() func(string) (string, bool) {
	if o.LookupEnv != nil {
		return o.LookupEnv
	}
	return os.LookupEnv
}

// lookup is what a server's references are filled in from, and the
// environment a client passes on whole to a stdio server: Environ, else
// this process's when LookupEnv is not replaced either.
func (o Options) lookup() config.Lookup {
	environ := o.Environ
	if environ == nil && o.LookupEnv == nil {
		environ = os.Environ
	}
	return config.Lookup{Env: o.lookupEnv(), ReadFile: config.ReadReferenced, Environ: environ}
}

func (o Options) wire() wire.Options {
	return wire.Options{MaxMessageBytes: o.MaxMessageBytes, HTTPClient: o.HTTPClient, UserAgent: "mcpdoctor/" + o.clientVersion(), Guard: o.guard}
}

// Guard is the policy for the URLs a server at rawURL names: no more
// private than rawURL's own host (internal/netguard).
func (o Options) Guard(rawURL string) *netguard.Policy {
	if o.guard != nil {
		return o.guard
	}
	host := ""
	if u, err := url.Parse(rawURL); err == nil {
		host = u.Hostname()
	}
	return &netguard.Policy{Home: host, AllowPrivate: o.AllowPrivateDiscovery, Resolver: o.Resolver}
}

func (o Options) clientVersion() string {
	if o.ClientVersion != "" {
		return o.ClientVersion
	}
	return "dev"
}

func (o Options) client() wire.Implementation {
	return wire.Implementation{Name: "mcpdoctor", Version: o.clientVersion()}
}

// Run probes one server: connect, the handshake of the server's era
// (server/discover for a modern server; initialize and
// notifications/initialized for a legacy one), tools/list and, when asked,
// tools/call. It always returns a Result; a failure is described in it,
// never returned as an error. The server's process, session and
// connections are gone when Run returns.
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
	if opts.HTTPClient == nil && s.Transport != config.TransportStdio {
		// One transport for the probe: the MCP exchanges, OAuth discovery
		// and the session's DELETE share its connections.
		tr := wire.NewHTTPTransport()
		defer tr.CloseIdleConnections()
		opts.HTTPClient = &http.Client{Transport: tr}
	}
	p := &prober{
		server:       s,
		opts:         opts,
		rec:          evidence.NewRecorder(opts.Trace),
		res:          &Result{Name: s.Name, Transport: s.Transport, Started: time.Now()},
		refreshToken: refreshToken,
	}
	p.run(ctx)
	p.res.Duration = time.Since(p.res.Started)
	return p
}

type prober struct {
	server config.Server
	opts   Options
	rec    *evidence.Recorder
	res    *Result
	// launch is the server as its client starts it on this machine.
	launch config.Launch
	creds  credentials
	tr     wire.Transport
	nextID int64
	// era and version are what the handshake settled on.
	era     wire.Era
	version string
	// handshakeErr is what stopped the handshake, for the auth decision.
	handshakeErr error
	// oauth is what OAuth discovery found, nil when it did not run.
	oauth *oauth.Metadata
	// token is the stored OAuth token sent, nil when none was;
	// tokenEvidence says what became of a stored login.
	token         *OAuthToken
	tokenEvidence []string
	tokenErr      error
	// refreshToken asks OAuthToken for a refreshed token, even one the
	// clock says is valid: the server refused it.
	refreshToken bool
	// ahead is OAuth discovery started beside the handshake; discovered
	// its stage, added after the session's end.
	ahead      *oauth.Discovery
	discovered *Stage
	// trClosed and closed say the transport was ended and its evidence
	// kept.
	trClosed, closed bool
	// excluded are the listed tools a modern client on Streamable HTTP
	// leaves out, by name: why their x-mcp-header annotations break the
	// rules.
	excluded map[string]error
}

// onFirstConnection returns a trace that closes connected once a request
// has its connection.
func onFirstConnection() (*httptrace.ClientTrace, <-chan struct{}) {
	connected := make(chan struct{})
	var once sync.Once
	return &httptrace.ClientTrace{GotConn: func(httptrace.GotConnInfo) { once.Do(func() { close(connected) }) }}, connected
}

// credentialSent says whether a configured credential (or a stored
// token) goes with the probe's requests.
func (p *prober) credentialSent() bool { return p.creds.Auth != nil && p.creds.Auth.Sent }

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
	if !s.MayStart() {
		// Its client would not start it (a project's own entry, pending
		// the user's approval), and the user did not opt in: nothing of it
		// is started, run, read or contacted. Commands say so before they
		// get here; this holds for every caller.
		p.stage(StageConnect, time.Now(), &evidence.Error{Category: evidence.CategoryConfig,
			Message: s.Client().Title() + " would not start this entry (" + s.Approval.Label() + "): " + s.Approval.Reason,
			Hint:    cmp.Or(s.Approval.Approve, "approve it in its client")}, "")
		p.skipRest(StageToolsList)
		p.res.Auth = Verdict{Status: AuthFailed, Evidence: []string{"the entry was not started or contacted: its client would not start it"}}
		return
	}
	if !s.Probeable() {
		// A failed connect stage, so that the timeline, like the
		// failure, says where the probe stopped.
		p.stage(StageConnect, time.Now(), unprobeable(s), "")
		p.skipRest(StageToolsList)
		p.res.Auth = Verdict{Status: AuthFailed, Evidence: []string{"the config entry names nothing mcpdoctor can start or reach, so no connection was tried"}}
		return
	}
	startup, cancel := context.WithTimeout(ctx, p.startupTimeout())
	defer cancel()
	look := p.opts.lookup()
	p.launch = s.Launch(look)
	p.opts.guard = p.opts.Guard(p.launch.URL)
	p.res.Secrets = append(p.res.Secrets, s.Secrets(look)...)
	if s.Transport != config.TransportStdio {
		p.creds = resolveCredentials(p.launch)
		p.res.Secrets = append(p.res.Secrets, p.creds.Secrets...)
		if err := p.runHeadersHelper(startup); err != nil {
			p.skipRest(StageConnect)
			return
		}
		p.useStoredToken(startup)
		p.res.Secrets = append(p.res.Secrets, p.creds.fromUserInfo(p.launch.URL)...)
	}
	defer p.close()
	// A caller may need to know whether the origin advertises OAuth
	// metadata whatever the verdict needs: what some clients show depends
	// on it alone.
	wantMetadata := p.opts.WantOAuthMetadata != nil && p.opts.WantOAuthMetadata(s)
	if s.Transport != config.TransportStdio && (!p.credentialSent() || wantMetadata && s.Transport == config.TransportStreamableHTTP) {
		// Discovery is likely wanted: start it now, beside the handshake.
		// Over https it waits for the handshake's connection, which is
		// HTTP/2 with most servers: then it shares that connection rather
		// than dialing a second one before the protocol is known.
		dctx, cancelAhead := context.WithTimeout(ctx, min(discoveryBudgetRequired, p.startupTimeout()))
		defer cancelAhead()
		var connected <-chan struct{}
		if strings.HasPrefix(p.launch.URL, "https:") {
			var trace *httptrace.ClientTrace
			trace, connected = onFirstConnection()
			startup = httptrace.WithClientTrace(startup, trace)
		}
		p.ahead = oauth.StartDiscovery(dctx, p.launch.URL, p.discoveryConfig(), connected)
		defer p.ahead.Abandon()
	}

	if p.handshake(startup) {
		p.listTools(startup)
	} else {
		p.skipRest(StageToolsList)
	}
	if p.res.Failure == nil && p.opts.Call != nil {
		callCtx, cancelCall := context.WithTimeout(ctx, p.toolTimeout())
		p.callTool(callCtx)
		cancelCall()
	} else if p.opts.Call != nil {
		p.skip(StageToolsCall, "an earlier stage failed")
	}
	if p.opts.CheckOtherEra && p.res.Server != nil {
		otherCtx, cancelOther := context.WithTimeout(ctx, p.startupTimeout())
		p.otherEra(otherCtx)
		cancelOther()
	}
	p.eraFindings()
	// The session ends (a DELETE) while discovery finishes.
	closed := p.closeTransportAsync()
	p.discoverAuth(ctx, wantMetadata)
	<-closed
	p.close()
	if p.discovered != nil {
		p.res.Stages = append(p.res.Stages, *p.discovered)
	}
	p.res.Auth = p.decideAuth()
	p.res.Refusal, p.res.Discovery = p.refusal(), p.oauth
	p.clientFindings()
	if p.res.Auth.Status == AuthFailed && p.res.Failure == nil {
		// The server works, but not as configured: a credential variable is
		// unset, and the client fails to start it the same way.
		p.res.Failure = &evidence.Failure{Stage: StageConfig, Category: evidence.CategoryConfig,
			Message: strings.Join(p.creds.Missing, "; "), Hint: p.res.Auth.Hint}
	}
	p.res.Healthy = p.res.Failure == nil
}

// close ends the session on its own short deadline: the probe's deadline may
// already have passed, and a process must not outlive the probe.
func (p *prober) close() {
	if p.tr == nil || p.closed {
		return
	}
	p.closed = true
	if !p.trClosed {
		p.closeTransport()
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

// closeTransportAsync ends p.tr in the background; the channel closes when
// it is done. What it records goes to p.rec, which nothing else uses
// meanwhile (discovery records into its own).
func (p *prober) closeTransportAsync() <-chan struct{} {
	done := make(chan struct{})
	if p.tr == nil || p.trClosed {
		close(done)
		return done
	}
	p.trClosed = true
	go func() {
		defer close(done)
		p.closeTransport()
	}()
	return done
}

// closeTransport ends p.tr on a short deadline of its own.
func (p *prober) closeTransport() {
	p.trClosed = true
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := p.tr.Close(ctx); err != nil {
		p.rec.Add(evidence.Exchange{Note: "closing the session", Err: err.Error()})
	}
}

// collectFindings takes what the transport noticed on the wire (a redirect
// to another origin, text on stdout).
func (p *prober) collectFindings() {
	if f, ok := p.tr.(interface{ Findings() []evidence.Finding }); ok {
		p.res.Findings = append(p.res.Findings, f.Findings()...)
	}
}

// request builds a request: in the modern era, its params carry the _meta
// every modern request needs.
func (p *prober) request(method string, params any) (*wire.Message, error) {
	p.nextID++
	if p.era == wire.EraModern {
		m, _ := params.(map[string]any)
		params = wire.ModernParams(p.version, p.opts.client(), m)
	}
	req, err := wire.NewRequest(p.nextID, method, params)
	if err != nil {
		return nil, &evidence.Error{Category: evidence.CategoryConfig, Message: "cannot encode the request: " + err.Error(), Err: err}
	}
	return req, nil
}

// callSync sends one request as it is built, and waits for its answer.
func (p *prober) callSync(ctx context.Context, method string, params any) (*wire.Message, error) {
	req, err := p.request(method, params)
	if err != nil {
		return nil, err
	}
	return p.tr.Call(ctx, req)
}

// call sends one request and decodes its result into out.
func (p *prober) call(ctx context.Context, method string, params, out any) error {
	resp, err := p.callSync(ctx, method, params)
	return p.decode(method, resp, err, out)
}

// decode reads a response: a transport error or a JSON-RPC error is the
// failure; a result of the wrong shape is one too.
func (p *prober) decode(method string, resp *wire.Message, err error, out any) error {
	if err != nil {
		return err
	}
	if resp.Error != nil {
		return &evidence.Error{Category: evidence.CategoryProtocol, Message: method + " failed: " + resp.Error.Error(), Err: resp.Error,
			Hint: wire.Classify(&wire.HTTPStatusError{RPC: resp}).Hint}
	}
	if err := json.Unmarshal(resp.Result, out); err != nil {
		return &evidence.Error{Category: evidence.CategoryProtocol, Message: method + " returned a result of the wrong shape: " + err.Error(), Err: err,
			Hint: "the server does not follow the MCP schema for " + method + "; report this to its authors"}
	}
	return nil
}

// stage records a finished stage with the exchanges since the last one. A
// non-nil err fails the stage and, when it is the first failure, the probe.
func (p *prober) stage(name StageName, start time.Time, err error, note string) {
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

func (p *prober) skip(name StageName, why string) {
	p.res.Stages = append(p.res.Stages, Stage{Name: name, Status: StatusSkipped, Note: why})
}

// skipRest marks the stages that never ran because an earlier one failed, so
// the timeline shows the whole handshake.
func (p *prober) skipRest(names ...StageName) {
	for _, name := range names {
		if !slices.ContainsFunc(p.res.Stages, func(s Stage) bool { return s.Name == name }) {
			p.skip(name, "an earlier stage failed")
		}
	}
}

func (p *prober) fail(stage StageName, err error) {
	if p.res.Failure != nil {
		return
	}
	e := wire.Classify(err)
	p.res.Failure = &evidence.Failure{Stage: stage, Category: e.Category, Message: e.Error(), Hint: e.Hint}
}

func (p *prober) finding(code string, severity evidence.Severity, msg, hint string) {
	p.res.Findings = append(p.res.Findings, evidence.Finding{Code: code, Severity: severity, Message: msg, Hint: hint})
}

func joinNote(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "; " + b
}
