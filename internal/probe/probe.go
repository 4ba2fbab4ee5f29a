package probe

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mcpdoctor/mcpdoctor/internal/config"
	"github.com/mcpdoctor/mcpdoctor/internal/evidence"
	"github.com/mcpdoctor/mcpdoctor/internal/netguard"
	"github.com/mcpdoctor/mcpdoctor/internal/oauth"
	"github.com/mcpdoctor/mcpdoctor/internal/wire"
)

// maxToolPages bounds tools/list pagination: a server whose cursors never end
// must not keep the probe forever.
const maxToolPages = 100

// MaxToolListBytes bounds what tools/list may send over all its pages: the
// largest real tool lists are a few hundred kilobytes; the page that
// crosses this is dropped with the rest, and a finding says how big the
// list was by then. One page is bounded by the message cap
// (Options.MaxMessageBytes), so a probe holds at most this much of tools.
const MaxToolListBytes = 4 << 20

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

// storedTokenRefused says the probe sent a stored OAuth token that was
// not just refreshed, and the server answered 401.
func (p *prober) storedTokenRefused() bool {
	if p.token == nil || p.token.Refreshed || AuthServerMoved(p.token, p.oauth) {
		return false
	}
	r := p.refusal()
	return r != nil && r.Status == http.StatusUnauthorized
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
		p.finding("oauth_token_store", evidence.SeverityWarning, err.Error(), "check that the token file can be written")
	} else if err != nil {
		p.tokenErr = err
		msg := "a stored OAuth login could not be used: " + err.Error()
		p.tokenEvidence = append(p.tokenEvidence, msg+"; the probe ran without it")
		p.finding("oauth_token_unusable", evidence.SeverityWarning, msg,
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

// handshake connects and runs the handshake of the server's era. It
// reports whether the server is ready for requests.
func (p *prober) handshake(ctx context.Context) bool {
	start := time.Now()
	p.tr = p.newTransport()
	err := p.tr.Connect(ctx)
	note := ""
	switch {
	case err != nil && p.server.Transport == config.TransportSSE && notAnSSEStream(err):
		// The server answered, but not with the legacy event stream its
		// client asks for: see whether it speaks Streamable HTTP, so that
		// the result can say the client picked the wrong transport.
		p.rec.Add(evidence.Exchange{Note: "the legacy HTTP+SSE stream failed, so mcpdoctor tried Streamable HTTP", Err: err.Error()})
		_ = p.tr.Close(ctx)
		p.tr = wire.NewStreamable(p.launch.URL, p.creds.Header, p.opts.wire(), p.rec)
		err = p.tr.Connect(ctx)
		p.res.Transport = config.TransportStreamableHTTP
		note = "the configured HTTP+SSE stream failed; Streamable HTTP opens an exchange per message"
	case err != nil:
	case p.server.Transport == config.TransportSSE:
		note = "the legacy HTTP+SSE transport holds one event stream open"
		p.stage(StageConnect, start, nil, note)
		return p.legacyHandshake(ctx, p.legacyVersion(), nil, "")
	case p.server.Transport != config.TransportStdio:
		note = "Streamable HTTP opens an exchange per message"
	}
	if err != nil {
		p.stage(StageConnect, start, err, "")
		p.handshakeErr = err
		p.skipRest(StageDiscover)
		return false
	}
	p.stage(StageConnect, start, nil, note)

	protocol := p.opts.Protocol
	if protocol == ProtocolLegacy || protocol != "" && wire.Known(protocol) && wire.EraOf(protocol) == wire.EraLegacy {
		return p.legacyHandshake(ctx, p.legacyVersion(), nil, "")
	}
	version := wire.LatestModern
	if wire.Known(protocol) {
		version = protocol
	}
	return p.negotiate(ctx, version)
}

// legacyVersion is the legacy protocol version to speak: the one asked
// for, else the newest.
func (p *prober) legacyVersion() string {
	if wire.Known(p.opts.Protocol) && wire.EraOf(p.opts.Protocol) == wire.EraLegacy {
		return p.opts.Protocol
	}
	return wire.LatestLegacy
}

// notAnSSEStream says the GET for a legacy event stream was answered, but
// not with one: a status a Streamable HTTP server gives a GET it does not
// serve, or a body that is not an event stream.
func notAnSSEStream(err error) bool {
	var se *wire.HTTPStatusError
	if errors.As(err, &se) {
		switch se.Status {
		case http.StatusBadRequest, http.StatusNotFound, http.StatusMethodNotAllowed, http.StatusNotAcceptable, http.StatusUnsupportedMediaType:
			return true
		}
		return false
	}
	var ee *evidence.Error
	return errors.As(err, &ee) && ee.Category == evidence.CategoryNotMCP
}

// newTransport returns a transport of the configured kind, not yet
// connected.
func (p *prober) newTransport() wire.Transport {
	if p.server.Transport == config.TransportStdio {
		return wire.NewStdio(stdioCommand(p.launch), p.opts.wire(), p.rec)
	}
	if p.server.Transport == config.TransportSSE {
		return wire.NewSSE(p.launch.URL, p.creds.Header, p.opts.wire(), p.rec)
	}
	return wire.NewStreamable(p.launch.URL, p.creds.Header, p.opts.wire(), p.rec)
}

// callResult is the answer to a request sent in the background.
type callResult struct {
	msg *wire.Message
	err error
}

// start sends a request in the background and returns where its answer
// will arrive. The channel has room for it, so nothing waits on a caller
// that stopped listening.
func (p *prober) start(ctx context.Context, method string, params any) (<-chan callResult, error) {
	req, err := p.request(method, params)
	if err != nil {
		return nil, err
	}
	ch := make(chan callResult, 1)
	go func() {
		msg, err := p.tr.Call(ctx, req)
		ch <- callResult{msg, err}
	}()
	return ch, nil
}

// negotiate opens as the spec's dual-era client does (2026-07-28,
// basic/versioning, "Backward Compatibility"): a server/discover request
// in the modern shape; a DiscoverResult or a recognized modern error means
// a modern server, anything else a legacy one, which gets initialize. On
// stdio, a server that has not answered after StdioDiscoverGrace also gets
// initialize, and whichever answer comes first decides.
func (p *prober) negotiate(ctx context.Context, version string) bool {
	start := time.Now()
	discoverCh, err := p.start(ctx, "server/discover", wire.ModernParams(version, p.opts.client(), nil))
	if err != nil {
		p.stage(StageDiscover, start, err, "")
		return false
	}
	var grace <-chan time.Time
	if p.server.Transport == config.TransportStdio {
		// A short startup timeout leaves initialize most of it.
		timer := time.NewTimer(min(StdioDiscoverGrace, p.startupTimeout()/3))
		defer timer.Stop()
		grace = timer.C
	}
	var initCh <-chan callResult
	var initStart time.Time
	// initRefused holds initialize's answer when it was an error and
	// server/discover had not answered yet.
	var initRefused *callResult
	var refusedWait <-chan time.Time
	lateNote := ""
	for {
		select {
		case r := <-discoverCh:
			discoverCh = nil
			ans, err := wire.ReadDiscover(r.msg, r.err)
			if initCh == nil && initRefused == nil {
				return p.readEra(ctx, start, version, ans, err, false)
			}
			if err == nil && ans.Era == wire.EraModern {
				p.rec.Add(evidence.Exchange{Note: "server/discover answered late: a modern server after all; the answer to initialize is not needed"})
				return p.readEra(ctx, start, version, ans, nil, false)
			}
			lateNote = "server/discover answered late: " + cmp.Or(ans.Reason, errString(err))
			if initRefused != nil {
				return p.legacyHandshake(ctx, wire.LatestLegacy, initRefused, joinNote("the server refused initialize, and its late answer to server/discover was no modern one either", lateNote), initStart)
			}
		case <-grace:
			grace = nil
			p.stage(StageDiscover, start, nil, fmt.Sprintf("no answer within %s: a legacy server that ignores unknown methods, or one still starting; initialize goes out too, and the first answer decides", wire.RoundDuration(time.Since(start))))
			initStart = time.Now()
			initCh, err = p.start(ctx, "initialize", p.initializeParams(wire.LatestLegacy))
			if err != nil {
				p.stage(StageInitialize, initStart, err, "")
				return false
			}
		case r := <-initCh:
			// Every Call ends by ctx at the latest, so one of the two answers
			// always comes.
			initCh = nil
			if discoverCh != nil && r.err == nil && r.msg != nil && r.msg.Error != nil {
				// A refused initialize proves no era: a modern server that
				// was slow to start refuses it (-32022) and still owes its
				// answer to server/discover, which decides if it comes
				// within another grace.
				initRefused = &r
				timer := time.NewTimer(min(StdioDiscoverGrace, p.startupTimeout()/3))
				defer timer.Stop()
				refusedWait = timer.C
				continue
			}
			return p.legacyHandshake(ctx, wire.LatestLegacy, &r, joinNote("the server stayed silent on server/discover and answered initialize: a legacy server", lateNote), initStart)
		case <-refusedWait:
			return p.legacyHandshake(ctx, wire.LatestLegacy, initRefused, "the server refused initialize and stayed silent on server/discover", initStart)
		}
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// readEra settles the era from the answer to server/discover: modern,
// legacy (initialize next), a retry with a version the server named, or a
// failure. It records the server/discover stage.
func (p *prober) readEra(ctx context.Context, start time.Time, version string, ans wire.EraAnswer, err error, retried bool) bool {
	if err != nil {
		p.stage(StageDiscover, start, err, "")
		p.handshakeErr = err
		p.skipRest(StageInitialize, StageInitialized)
		return false
	}
	modernOnly := p.opts.Protocol == ProtocolModern || wire.Known(p.opts.Protocol)
	chosen := version
	if ans.Era == wire.EraModern && (ans.Discover == nil || !slices.Contains(ans.Supported, version)) {
		// The server is modern but does not take this version: it named the
		// ones it does (-32022's data.supported, or supportedVersions).
		if ans.Error != nil && ans.Error.Code != wire.CodeUnsupportedProtocolVersion {
			p.stage(StageDiscover, start, &evidence.Error{Category: evidence.CategoryProtocol,
				Message: fmt.Sprintf("server/discover was refused with the modern error %d (%s)", ans.Error.Code, ans.Error.Message),
				Hint:    wire.Classify(&wire.HTTPStatusError{RPC: &wire.Message{Error: ans.Error}}).Hint}, ans.Reason)
			return false
		}
		chosen = wire.Choose(ans.Supported)
		pinned := wire.Known(p.opts.Protocol)
		if pinned {
			// --protocol named the one version to speak.
			chosen = ""
			if slices.Contains(ans.Supported, version) {
				chosen = version
			}
		}
		switch {
		case chosen == "" && pinned:
			p.stage(StageDiscover, start, &evidence.Error{Category: evidence.CategoryProtocol,
				Message: fmt.Sprintf("the server does not take %s, the version --protocol names (it names %s)", version, orNone(strings.Join(ans.Supported, ", "))),
				Hint:    "run without --protocol to speak the newest version both sides know, or name one the server does"}, ans.Reason)
			return false
		case chosen == "":
			p.stage(StageDiscover, start, &evidence.Error{Category: evidence.CategoryProtocol,
				Message: fmt.Sprintf("the server is modern but names no protocol version mcpdoctor speaks (it names %s; mcpdoctor speaks %s)",
					orNone(strings.Join(ans.Supported, ", ")), strings.Join(append(slices.Clone(wire.ModernVersions), wire.LegacyVersions...), ", ")),
				Hint: "a client can only speak a version both sides know: check the server's supported versions, or upgrade mcpdoctor"}, ans.Reason)
			return false
		case wire.EraOf(chosen) == wire.EraModern && !retried:
			p.stage(StageDiscover, start, nil, ans.Reason+"; asking again with "+chosen)
			again, err := p.callSync(ctx, "server/discover", wire.ModernParams(chosen, p.opts.client(), nil))
			next, rerr := wire.ReadDiscover(again, err)
			return p.readEra(ctx, time.Now(), chosen, next, rerr, true)
		case wire.EraOf(chosen) == wire.EraModern:
			p.stage(StageDiscover, start, &evidence.Error{Category: evidence.CategoryProtocol,
				Message: "the server refused " + version + " and named versions it would not then accept: " + ans.Reason,
				Hint:    "the server's version negotiation is broken; report it to its authors with these exchanges"}, "")
			return false
		}
		// Only a legacy version in common: the server is modern-aware but
		// speaks legacy MCP here.
		ans.Era = wire.EraLegacy
		ans.Reason += "; the newest version both sides speak is " + chosen + ", a legacy one"
	}
	if ans.Era == wire.EraLegacy {
		if modernOnly {
			p.stage(StageDiscover, start, &evidence.Error{Category: evidence.CategoryProtocol,
				Message: "the server speaks no modern MCP: " + ans.Reason,
				Hint:    "run without --protocol (or with --protocol auto) to speak legacy MCP with it"}, "")
			return false
		}
		p.stage(StageDiscover, start, nil, ans.Reason+"; trying legacy MCP (initialize)")
		legacyVersion := wire.LatestLegacy
		if chosen != version && wire.EraOf(chosen) == wire.EraLegacy {
			legacyVersion = chosen
		}
		supported := ans.Supported
		ok := p.legacyHandshake(ctx, legacyVersion, nil, "", time.Time{})
		if ok && len(supported) > 0 {
			p.res.Server.SupportedVersions = supported
		}
		return ok
	}
	// Modern: the DiscoverResult says who the server is.
	d := ans.Discover
	if rt, err := wire.ReadResultType(jsonOf(d)); err != nil || rt != wire.ResultComplete {
		if err == nil {
			err = &evidence.Error{Category: evidence.CategoryProtocol, Message: "server/discover answered with resultType " + string(rt),
				Hint: "server/discover completes at once (spec 2026-07-28, server/discover); report this to the server's authors"}
		}
		p.stage(StageDiscover, start, err, "")
		return false
	}
	p.era, p.version = wire.EraModern, version
	info, named := d.ServerInfo()
	p.res.Server = &ServerInfo{Name: info.Name, Title: info.Title, Version: info.Version, ProtocolVersion: version, Era: wire.EraModern,
		SupportedVersions: d.SupportedVersions, Capabilities: d.Capabilities, Instructions: d.Instructions}
	if !named {
		p.finding("no_server_info", evidence.SeverityInfo,
			"the server's DiscoverResult names no server in _meta (io.modelcontextprotocol/serverInfo), which servers should include",
			"nothing breaks; clients show the server without a name or version")
	}
	note := fmt.Sprintf("a modern server: speaking %s; it supports %s", version, strings.Join(d.SupportedVersions, ", "))
	if c := d.Caching(); c != "" {
		note += "; " + c
	}
	p.stage(StageDiscover, start, nil, note)
	return true
}

// jsonOf encodes v for a second reading.
func jsonOf(v any) json.RawMessage {
	b, _ := json.Marshal(v)
	return b
}

// legacyHandshake runs initialize and notifications/initialized with
// version. answered is initialize's answer when it is already in (sent
// while server/discover was pending), and note says why initialize went
// out.
func (p *prober) legacyHandshake(ctx context.Context, version string, answered *callResult, note string, start ...time.Time) bool {
	began := time.Now()
	if len(start) > 0 && !start[0].IsZero() {
		began = start[0]
	}
	p.era, p.version = wire.EraLegacy, version
	var init *ServerInfo
	var err error
	if answered != nil {
		init, err = p.readInitialize(answered.msg, answered.err)
	} else {
		init, err = p.initialize(ctx, version)
	}
	var se *wire.HTTPStatusError
	if err != nil && p.res.Transport == config.TransportStreamableHTTP && errors.As(err, &se) && isLegacyFallbackStatus(se.Status) {
		// Backwards compatibility (spec 2025-03-26, transports): a POST of
		// initialize that fails with 400, 404 or 405 means the server may
		// speak the 2024-11-05 HTTP+SSE transport: GET the URL and wait for
		// the endpoint event.
		p.collectFindings()
		_ = p.tr.Close(ctx)
		p.tr = wire.NewSSE(p.launch.URL, p.creds.Header, p.opts.wire(), p.rec)
		if cerr := p.tr.Connect(ctx); cerr == nil {
			init, err = p.initialize(ctx, version)
			if err == nil {
				p.res.Transport = config.TransportSSE
				note = joinNote(note, fmt.Sprintf("POST answered %d, so mcpdoctor fell back to the legacy HTTP+SSE transport (2024-11-05)", se.Status))
			}
		} else {
			p.rec.Add(evidence.Exchange{Note: "legacy HTTP+SSE fallback failed", Err: cerr.Error()})
		}
	}
	p.stage(StageInitialize, began, err, note)
	if err != nil {
		p.handshakeErr = err
		p.skipRest(StageInitialized)
		return false
	}
	p.res.Server = init

	began = time.Now()
	n, _ := wire.NewNotification("notifications/initialized", nil)
	err = p.tr.Notify(ctx, n)
	p.stage(StageInitialized, began, err, "")
	return err == nil
}

func isLegacyFallbackStatus(status int) bool {
	return status == http.StatusBadRequest || status == http.StatusNotFound || status == http.StatusMethodNotAllowed
}

func (p *prober) initializeParams(version string) map[string]any {
	return map[string]any{
		"protocolVersion": version,
		"capabilities":    map[string]any{},
		"clientInfo":      p.opts.client(),
	}
}

// initialize sends initialize offering version; the server's answer
// decides what the session speaks (spec 2025-11-25, lifecycle, "Version
// Negotiation").
func (p *prober) initialize(ctx context.Context, version string) (*ServerInfo, error) {
	resp, err := p.callSync(ctx, "initialize", p.initializeParams(version))
	return p.readInitialize(resp, err)
}

func (p *prober) readInitialize(resp *wire.Message, err error) (*ServerInfo, error) {
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
	if err := p.decode("initialize", resp, err, &out); err != nil {
		return nil, err
	}
	if out.ProtocolVersion == "" || out.ServerInfo == nil {
		return nil, &evidence.Error{Category: evidence.CategoryProtocol,
			Message: "the initialize result has no protocolVersion or serverInfo",
			Hint:    "the server does not follow the MCP lifecycle; report this to its authors"}
	}
	switch {
	case !wire.Known(out.ProtocolVersion):
		p.finding("unknown_protocol_version", evidence.SeverityWarning,
			fmt.Sprintf("the server answered protocol version %q, which mcpdoctor does not know (it knows %s)", out.ProtocolVersion, strings.Join(wire.LegacyVersions, ", ")),
			"clients may refuse this server; check that it implements a published MCP revision")
	case wire.EraOf(out.ProtocolVersion) == wire.EraModern:
		p.finding("modern_version_in_initialize", evidence.SeverityWarning,
			fmt.Sprintf("the server answered initialize with %s, a modern version: modern MCP has no initialize", out.ProtocolVersion),
			"a server should answer initialize with a legacy version it speaks, or refuse it naming its versions")
	}
	p.version = out.ProtocolVersion
	return &ServerInfo{
		Name: out.ServerInfo.Name, Title: out.ServerInfo.Title, Version: out.ServerInfo.Version,
		ProtocolVersion: out.ProtocolVersion, Era: wire.EraLegacy, Capabilities: out.Capabilities, Instructions: out.Instructions,
	}, nil
}

// tool returns the listed tool of that name.
func (p *prober) maxToolListBytes() int64 {
	return cmp.Or(p.opts.MaxToolListBytes, MaxToolListBytes)
}

func (p *prober) tool(name string) (Tool, bool) {
	for _, t := range p.res.Tools {
		if t.Name == name {
			return t, true
		}
	}
	return Tool{}, false
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
	// listBytes counts the tools kept, sentBefore the pages read whole.
	var listBytes, sentBefore int64
	cut := false
	for page := 0; ; page++ {
		if page == maxToolPages {
			p.stage(StageToolsList, start, &evidence.Error{Category: evidence.CategoryProtocol,
				Message: fmt.Sprintf("tools/list still had a nextCursor after %d pages", maxToolPages),
				Hint:    "the server's pagination does not end; report this to its authors"}, "")
			return
		}
		params := map[string]any{}
		if cursor != "" {
			params["cursor"] = cursor
		}
		var out struct {
			Tools      []json.RawMessage `json:"tools"`
			NextCursor string            `json:"nextCursor"`
		}
		resp, err := p.callSync(ctx, "tools/list", params)
		if err := p.decode("tools/list", resp, err, &out); err != nil {
			p.stage(StageToolsList, start, err, "")
			return
		}
		pageBytes := int64(len(resp.Raw))
		for _, raw := range out.Tools {
			if listBytes+int64(len(raw)) > p.maxToolListBytes() {
				cut = true
				break
			}
			listBytes += int64(len(raw))
			var t struct {
				Name        string          `json:"name"`
				Title       string          `json:"title"`
				Description string          `json:"description"`
				InputSchema json.RawMessage `json:"inputSchema"`
			}
			if err := json.Unmarshal(raw, &t); err != nil {
				p.stage(StageToolsList, start, &evidence.Error{Category: evidence.CategoryProtocol, Err: err,
					Message: "tools/list returned a tool of the wrong shape: " + err.Error() + " (" + evidence.OneLine(raw, 80) + ")",
					Hint:    "the server does not follow the MCP schema for tools/list; report this to its authors"}, "")
				return
			}
			tools = append(tools, Tool{Name: t.Name, Title: t.Title, Description: t.Description, InputSchema: t.InputSchema})
		}
		if cut {
			// A list this big is no list a client can use; keeping it
			// whole, or reading on, would only cost memory and time.
			p.finding("tools_list_too_large", evidence.SeverityWarning,
				fmt.Sprintf("tools/list sent %d bytes of tools by page %d, over mcpdoctor's cap of %d: it kept the first %d tools and read no further",
					sentBefore+pageBytes, page+1, p.maxToolListBytes(), len(tools)),
				"a client loads every tool's definition into the model's context, and a list this big will not fit: have the server expose fewer tools")
			break
		}
		sentBefore += pageBytes
		if out.NextCursor == "" {
			break
		}
		if seen[out.NextCursor] {
			p.stage(StageToolsList, start, &evidence.Error{Category: evidence.CategoryProtocol,
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
	if cut {
		note = joinNote(note, "cut at the size cap")
	}
	p.checkParamHeaders()
	p.stage(StageToolsList, start, nil, note)
}

// checkParamHeaders finds the tools whose x-mcp-header annotations break
// the rules: a modern client on Streamable HTTP leaves them out (spec
// 2026-07-28, transports, "Custom Headers from Tool Parameters").
func (p *prober) checkParamHeaders() {
	if p.era != wire.EraModern || p.server.Transport == config.TransportStdio {
		return
	}
	var bad []string
	for _, t := range p.res.Tools {
		if _, err := wire.ParamHeaders(t.InputSchema); err != nil {
			bad = append(bad, fmt.Sprintf("%s (%v)", t.Name, err))
			if p.excluded == nil {
				p.excluded = map[string]error{}
			}
			p.excluded[t.Name] = err
		}
	}
	if len(bad) > 0 {
		p.finding("invalid_x_mcp_header", evidence.SeverityWarning,
			"tools with x-mcp-header annotations that break the rules, which modern clients on Streamable HTTP leave out of tools/list: "+strings.Join(bad, "; "),
			"fix the annotations in the tools' inputSchema: a token name, unique, on an integer, string or boolean reached through properties only")
	}
}

// refuseBadHeaders keeps a call from a tool checkParamHeaders excluded:
// clients MUST exclude such tools (spec 2026-07-28, server/tools,
// "x-mcp-header"), so a call a real client would never make proves
// nothing.
func (p *prober) refuseBadHeaders(name string) error {
	err, excluded := p.excluded[name]
	if !excluded {
		return nil
	}
	return &evidence.Error{Category: evidence.CategoryProtocol,
		Message: fmt.Sprintf("mcpdoctor does not call %s: its x-mcp-header annotations break the rules (%v), and modern clients on Streamable HTTP exclude such tools", name, err),
		Hint:    "the server's authors must fix the annotations in the tool's inputSchema (a token name, unique, on an integer, string or boolean); clients that speak legacy MCP send no such headers and can call it (--protocol legacy, if the server speaks it)"}
}

func (p *prober) callTool(ctx context.Context) {
	start := time.Now()
	call := p.opts.Call
	args := call.Arguments
	if len(args) == 0 {
		args = json.RawMessage(`{}`)
	}
	if err := p.refuseBadHeaders(call.Name); err != nil {
		p.stage(StageToolsCall, start, err, "")
		return
	}
	req, err := p.request("tools/call", map[string]any{"name": call.Name, "arguments": args})
	if err == nil && p.era == wire.EraModern {
		if t, ok := p.tool(call.Name); ok {
			req.Header = wire.ParamHeaderValues(t.InputSchema, args)
		}
	}
	var out struct {
		Content json.RawMessage `json:"content"`
		IsError bool            `json:"isError"`
	}
	note := ""
	if err == nil {
		resp, cerr := p.tr.Call(ctx, req)
		err = p.decode("tools/call", resp, cerr, &out)
		if err == nil {
			tc := &ToolCallResult{Name: call.Name, IsError: out.IsError, Content: out.Content}
			if p.era == wire.EraModern {
				tc.ResultType, err = wire.ReadResultType(resp.Result)
			}
			if tc.ResultType == wire.ResultInputRequired {
				// The server needs input the client gathers (an elicitation,
				// a sampling, the roots) before it can finish: a doctor
				// reports it and neither answers nor retries.
				tc.InputRequests = wire.ReadInputRequests(resp.Result)
				var asked []string
				for _, ir := range tc.InputRequests {
					asked = append(asked, ir.Method+" ("+ir.Key+")")
				}
				note = "the server asked for input before it can finish: " + orNone(strings.Join(asked, ", ")) + "; mcpdoctor provides none, so the call ends here"
			}
			p.res.ToolCall = tc
			if err == nil && out.IsError {
				err = &evidence.Error{Category: evidence.CategoryToolError,
					Message: fmt.Sprintf("the tool %s answered with isError: true", call.Name),
					Hint:    "the server works, but the call failed: read the content the tool returned and check --args against its input schema"}
			}
		}
	}
	p.stage(StageToolsCall, start, err, note)
}

// otherEra tries the era the server was not spoken to in, so the result
// says which eras it accepts, and so which clients can use it. It opens as
// a client of that era would, afresh (a new process, a new connection: a
// server may pin a process to the era it first heard): a modern server
// gets initialize and notifications/initialized (a server can answer the
// first and refuse the second); a legacy one, server/discover, unless the
// handshake already asked it.
func (p *prober) otherEra(ctx context.Context) {
	info := p.res.Server
	start := time.Now()
	switch {
	case p.res.Transport == config.TransportSSE:
		info.Eras = []wire.Era{wire.EraLegacy}
		p.skip(StageOtherEra, "the legacy HTTP+SSE transport carries no modern request")
		return
	case p.era == wire.EraModern:
		mine, era, version := p.tr, p.era, p.version
		p.tr, p.era = p.newTransport(), wire.EraLegacy
		err := p.tr.Connect(ctx)
		if err == nil {
			_, err = p.initialize(ctx, wire.LatestLegacy)
		}
		if err == nil {
			n, _ := wire.NewNotification("notifications/initialized", nil)
			err = p.tr.Notify(ctx, n)
		}
		p.closeTransport()
		p.tr, p.era, p.version = mine, era, version
		if err != nil {
			info.Eras = []wire.Era{wire.EraModern}
			answer := answerOf(err)
			p.stage(StageOtherEra, start, nil, "a legacy client would fail: "+answer)
			p.modernOnly("its answer to a legacy client: " + answer)
			return
		}
		info.Eras = []wire.Era{wire.EraModern, wire.EraLegacy}
		p.stage(StageOtherEra, start, nil, "it also accepts initialize ("+wire.LatestLegacy+"): legacy clients can use it too")
	default:
		if slices.ContainsFunc(p.res.Stages, func(s Stage) bool { return s.Name == StageDiscover }) {
			info.Eras = []wire.Era{wire.EraLegacy}
			p.legacyOnly()
			return
		}
		resp, err := p.callSync(ctx, "server/discover", wire.ModernParams(wire.LatestModern, p.opts.client(), nil))
		ans, err := wire.ReadDiscover(resp, err)
		if err == nil && ans.Era == wire.EraModern && slices.ContainsFunc(ans.Supported, func(v string) bool { return wire.EraOf(v) == wire.EraModern }) {
			info.Eras = []wire.Era{wire.EraLegacy, wire.EraModern}
			p.stage(StageOtherEra, start, nil, "it also speaks modern MCP: "+ans.Reason)
			return
		}
		info.Eras = []wire.Era{wire.EraLegacy}
		p.stage(StageOtherEra, start, nil, "it speaks no modern MCP: "+cmp.Or(ans.Reason, errString(err)))
		p.legacyOnly()
	}
}

// answerOf quotes what a server answered, with the body of an HTTP error
// that holds no JSON-RPC error (which the message already quotes).
func answerOf(err error) string {
	var se *wire.HTTPStatusError
	if errors.As(err, &se) && se.RPC == nil {
		if body := evidence.OneLine([]byte(se.Body), 200); body != "" {
			return err.Error() + ": " + strconv.Quote(body)
		}
	}
	return err.Error()
}

// eraFindings say what a server of one era means for the clients that
// speak the other, when the server said so itself (supportedVersions)
// and the other era was not tried.
func (p *prober) eraFindings() {
	info := p.res.Server
	if info == nil || info.Eras != nil || info.Era != wire.EraModern || info.SupportedVersions == nil {
		return
	}
	if !slices.ContainsFunc(info.SupportedVersions, func(v string) bool { return wire.EraOf(v) == wire.EraLegacy }) {
		p.modernOnly("its server/discover lists only " + strings.Join(info.SupportedVersions, ", "))
	}
}

// legacyOnlyClients speak no modern MCP: a modern-only server is out of
// their reach.
const legacyOnlyClients = "Codex (its Rust rmcp speaks 2025-11-25 at most), Gemini CLI, Cline, and anything built on the TypeScript SDK 1.x"

func (p *prober) modernOnly(why string) {
	p.finding("modern_only", evidence.SeverityWarning,
		"the server speaks only modern MCP (2026-07-28), so clients that speak only legacy revisions cannot use it: "+legacyOnlyClients+"; "+why,
		"use a dual-era client (Claude Code, the Go SDK from 1.8, the TypeScript SDK 2.x); if you run the server, serve initialize too")
}

func (p *prober) legacyOnly() {
	p.finding("legacy_only", evidence.SeverityInfo,
		"the server speaks only legacy MCP (2025-11-25 and older): dual-era clients fall back to initialize and use it, clients that speak only 2026-07-28 cannot",
		"nothing to do for today's clients; to serve modern ones too, upgrade the server to an SDK that speaks 2026-07-28")
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
