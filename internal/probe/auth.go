package probe

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/mcpdoctor/mcpdoctor/internal/config"
	"github.com/mcpdoctor/mcpdoctor/internal/evidence"
	"github.com/mcpdoctor/mcpdoctor/internal/oauth"
	"github.com/mcpdoctor/mcpdoctor/internal/wire"
)

// The auth verdict (schema/README.md, "A server object"): decided from what the
// server did, never from what the config suggests.
//
//   - Success with nothing sent → none; OAuth metadata the origin advertises
//     anyway is a finding, not a requirement.
//   - Success with a static credential → bearer; with a stored OAuth token
//     → oauth, logged in.
//   - A configured credential that could not be sent (its variable unset or
//     empty) → failed, as the client fails; the probe ran without it, and
//     the evidence says whether the server needed it.
//   - 401 or 403 with a credential sent → failed: it was rejected; the
//     challenge's error and scope are evidence (RFC 6750 §3).
//   - 401 with nothing sent → OAuth discovery: found → oauth, not logged in;
//     nothing → failed, the server wants a credential and offers no way to
//     get one.
//   - Anything else that stopped the handshake → failed, with the probe's
//     category.

// Discovery budgets: the whole chain, bounded also by the server's startup
// timeout. A healthy server gets the shorter one: `list` runs it for every
// healthy HTTP server.
const (
	discoveryBudgetRequired   = 10 * time.Second
	discoveryBudgetAdvertised = 5 * time.Second
)

// refusal is a 401, or a 403 carrying a Bearer challenge, that stopped the
// probe: the server asked for a credential or refused the one it got.
type refusal struct {
	Status int
	Header http.Header
	Body   string
	// Exchange is the exchange that carried it, when it was recorded.
	Exchange *evidence.Exchange
	// Challenge is its Bearer challenge, nil when it has none.
	Challenge *oauth.Challenge
}

// refusal finds the 401 or 403 that stopped the probe, if one did.
func (p *prober) refusal() *refusal {
	res := p.res
	if res.Failure == nil {
		return nil
	}
	isRefusal := func(status int) bool { return status == http.StatusUnauthorized || status == http.StatusForbidden }
	var r *refusal
	var se *wire.HTTPStatusError
	if errors.As(p.handshakeErr, &se) && isRefusal(se.Status) {
		r = &refusal{Status: se.Status, Header: se.Header, Body: se.Body}
	}
	// The failed stage's last 401 or 403 exchange: for a refusal after
	// initialize (tools/list) or behind the legacy SSE fallback, and to
	// quote the exchange.
	for _, st := range res.Stages {
		if st.Name != res.Failure.Stage {
			continue
		}
		for j := len(st.Exchanges) - 1; j >= 0; j-- {
			ex := st.Exchanges[j]
			if ex.Method == "" || !isRefusal(ex.Status) {
				continue
			}
			if r == nil {
				r = &refusal{Status: ex.Status, Header: ex.ResponseHeader, Body: ex.ResponseBody}
			}
			if ex.Status == r.Status {
				r.Exchange = &ex
			}
			break
		}
	}
	if r == nil {
		return nil
	}
	if c, ok := oauth.BearerChallenge(r.Header.Values("WWW-Authenticate")); ok {
		r.Challenge = &c
	}
	// A 403 without a Bearer challenge is a server refusing this client
	// (DNS rebinding protection, an IP allow-list), not asking for a
	// credential.
	if r.Status == http.StatusForbidden && r.Challenge == nil {
		return nil
	}
	return r
}

// Whether the server needed a credential that could not be sent.
const (
	neededUnknown = iota
	neededNo
	neededYes
)

func (p *prober) neededCredential() int {
	switch {
	case p.refusal() != nil:
		return neededYes
	case p.res.Server != nil:
		return neededNo
	}
	return neededUnknown
}

// discoverAuth runs OAuth discovery when the verdict or Codex's status
// depends on it: a 401 with nothing sent (is there a way to log in?); a
// server that worked with nothing sent (does its origin advertise OAuth
// anyway?); and where Codex would look (codexNeeds), because its status
// comes from the metadata alone. It does not run for stdio, nor for a
// failure that is not a refusal: a server that is down or broken has
// nothing to say about auth, and its well-known URLs are not worth the
// requests.
func (p *prober) discoverAuth(ctx context.Context, codexNeeds bool) {
	if p.server.Transport == config.TransportStdio {
		return
	}
	sent := p.creds.Auth != nil && p.creds.Auth.Sent
	r := p.refusal()
	budget := discoveryBudgetAdvertised
	switch {
	case r != nil && !sent:
		budget = discoveryBudgetRequired
	case r != nil && codexNeeds:
	case r == nil && p.res.Failure != nil && p.res.Server == nil:
		return
	case !sent:
	case codexNeeds && p.res.Transport == config.TransportStreamableHTTP:
		// A static credential that is not Authorization: Codex still looks.
		// (Over legacy SSE Codex cannot connect at all; legacy_sse says so.)
	default:
		return
	}
	budget = min(budget, p.startupTimeout())
	dctx, cancel := context.WithTimeout(ctx, budget)
	defer cancel()

	var challenge *oauth.Challenge
	if r != nil {
		challenge = r.Challenge
	}
	start := time.Now()
	rec := evidence.NewRecorder(p.opts.Trace)
	var d *oauth.Metadata
	if p.ahead != nil {
		d = p.ahead.Finish(dctx, challenge, rec)
	} else {
		d = oauth.Discover(dctx, p.launch.URL, challenge, p.discoveryConfig(), rec)
	}
	p.oauth = d
	p.res.Findings = append(p.res.Findings, d.Findings...)
	note := "no OAuth metadata found"
	switch {
	case d.Found():
		note = "authorization server " + d.AuthServer
	case d.Advertised():
		note = "protected resource metadata without a usable authorization server"
	}
	if d.Incomplete {
		note = joinNote(note, "stopped when its time ran out")
	}
	ex, dropped := rec.Take()
	if dropped > 0 {
		note = joinNote(note, fmt.Sprintf("%d more exchanges not kept", dropped))
	}
	p.discovered = &Stage{Name: StageOAuthDiscovery, Status: StatusOK, Duration: time.Since(start), Note: note, Exchanges: ex}
}

// discoveryConfig is how the probe's discovery asks: on the probe's
// transport, under its policy for the URLs the server names.
func (p *prober) discoveryConfig() oauth.DiscoveryConfig {
	var rt http.RoundTripper
	if p.opts.HTTPClient != nil {
		rt = p.opts.HTTPClient.Transport
	}
	return oauth.DiscoveryConfig{Transport: rt, Guard: p.opts.guard, UserAgent: "mcpdoctor/" + p.opts.clientVersion(), ProtocolVersion: discoveryVersion}
}

// oauthState is what discovery found, for the verdict; nil when the
// server's origin advertises nothing.
func oauthState(d *oauth.Metadata, challenge *oauth.Challenge) *OAuthState {
	if !d.Advertised() {
		return nil
	}
	st := &OAuthState{Metadata: d}
	if challenge != nil {
		st.ChallengeScope, _ = challenge.Param("scope")
	}
	return st
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// discoveryVersion is the MCP-Protocol-Version discovery sends to the MCP
// server's origin: it starts before the handshake has settled one, so the
// newest legacy version, which every server of either era knows best.
const discoveryVersion = wire.LatestLegacy

// decideAuth is the one place the auth status is decided, from what the
// server did (schema/README.md, "A server object"). Every observation it used is
// in the evidence, in order; values are raw, redacted at output.
func decideAuth(p *prober) Verdict {
	res := p.res
	cred := p.creds.Auth
	sent := cred != nil && cred.Sent
	v := Verdict{Credential: cred}
	v.Evidence = append(v.Evidence, p.handshakeEvidence()...)
	v.Evidence = append(v.Evidence, p.creds.Missing...)
	v.Evidence = append(v.Evidence, p.tokenEvidence...)
	r := p.refusal()
	if r != nil {
		v.Evidence = append(v.Evidence, r.evidence()...)
	}
	if p.oauth != nil {
		v.Evidence = append(v.Evidence, p.oauth.Evidence...)
	}
	var challenge *oauth.Challenge
	if r != nil {
		challenge = r.Challenge
	}

	switch {
	case cred != nil && !sent:
		p.missingCredential(&v, r)
	case r != nil && sent:
		p.rejectedCredential(&v, r)
	case r != nil:
		p.credentialWanted(&v, r)
	case res.Server == nil && res.Failure != nil:
		v.Status = AuthFailed
		v.Evidence = append(v.Evidence, fmt.Sprintf("%s failed (%s): %s", res.Failure.Stage, res.Failure.Category, res.Failure.Message))
		v.Hint = res.Failure.Hint
	case sent && strings.HasPrefix(cred.Source, "oauth"):
		v.Status = AuthOAuth
		v.OAuth = oauthState(p.oauth, challenge)
		if v.OAuth == nil {
			v.OAuth = &OAuthState{}
		}
		v.OAuth.LoggedIn = true
		if t := p.token; t != nil {
			v.OAuth.ExpiresAt = t.Expiry
			v.OAuth.TokenIssuer = t.Issuer
		}
		v.Evidence = append(v.Evidence, fmt.Sprintf("the server accepted the OAuth token from the %s: logged in", cred.Source))
	case sent:
		v.Status = AuthBearer
		v.Evidence = append(v.Evidence, fmt.Sprintf("the server accepted the %s header from %s", cred.Header, cred.Source))
	default:
		v.Status = AuthNone
		v.Evidence = append(v.Evidence, "the server answered with no credential sent")
		if d := p.oauth; d.Advertised() {
			v.OAuth = oauthState(d, nil)
			where := d.PRMURL
			if d.Found() {
				where = d.ASURL
			}
			v.Evidence = append(v.Evidence, fmt.Sprintf("OAuth metadata is advertised (%s) but not required", where))
			p.finding("oauth_advertised_not_required", evidence.SeverityInfo,
				fmt.Sprintf("the server's origin advertises OAuth metadata (%s), but the server answered initialize and tools/list without any credential: OAuth is offered, not required", where),
				"clients that decide from the metadata alone, such as Codex, ask for a login that is not needed; a server that does not enforce OAuth should not advertise it")
		}
	}
	return v
}

// missingCredential: a configured credential could not be sent. The client
// fails the same way, so the verdict is failed; the probe ran without it, so
// the evidence can say whether the server needed it.
func (p *prober) missingCredential(v *Verdict, r *refusal) {
	res, cred := p.res, p.creds.Auth
	v.Status = AuthFailed
	key, variable := cred.key, cred.variable
	fix := fmt.Sprintf("set $%s (%s) in the environment %s and mcpdoctor start from", variable, key, p.server.Client().Title())
	switch p.neededCredential() {
	case neededYes:
		v.Evidence = append(v.Evidence, fmt.Sprintf("without the %s header the server answered %d: it needs the credential", cred.Header, r.Status))
		v.Hint = fix
		if d := p.oauth; d.Found() {
			v.OAuth = oauthState(d, r.Challenge)
			v.OAuth.Required = true
			v.Evidence = append(v.Evidence, fmt.Sprintf("the server also offers OAuth through %s", d.AuthServer))
			v.Hint += fmt.Sprintf(", or log in with OAuth instead: `mcpdoctor login %s`", p.server.Name)
		}
		p.authFailure(v.Hint)
	case neededNo:
		v.Evidence = append(v.Evidence, fmt.Sprintf("without the %s header the server answered initialize and tools/list: it does not need the credential", cred.Header))
		v.Hint = fix + fmt.Sprintf(", or remove %s from %s: the server works without it", key, p.server.Entry())
	default:
		v.Evidence = append(v.Evidence, fmt.Sprintf("without the %s header the probe failed at %s (%s), so whether the server needs it is unknown", cred.Header, res.Failure.Stage, res.Failure.Category))
		v.Hint = fix + "; then: " + res.Failure.Hint
	}
}

// rejectedCredential: a credential was sent and the server refused it.
func (p *prober) rejectedCredential(v *Verdict, r *refusal) {
	cred := p.creds.Auth
	v.Status = AuthFailed
	v.Evidence = append(v.Evidence, fmt.Sprintf("the server refused the %s header from %s with %d: the credential was rejected", cred.Header, cred.Source, r.Status))
	errCode, scope := "", ""
	if c := r.Challenge; c != nil {
		errCode, _ = c.Param("error")
		scope, _ = c.Param("scope")
	}
	key, variable := cred.key, cred.variable
	where := "the value configured in " + key
	switch {
	case variable != "":
		where = "$" + variable + " (" + key + ")"
	case key == userInfoSource:
		where = key
	}
	switch {
	case errCode == "insufficient_scope" && scope != "":
		// Step-up (MCP 2025-11-25, "Scope Challenge Handling"): the
		// server says which scope this needs; a new login asks for it
		// alongside the scopes held (login keeps them).
		login := fmt.Sprintf("mcpdoctor login %s --scopes %q", p.server.Name, scope)
		v.Hint = fmt.Sprintf("the server wants the scope %q for this, which the credential lacks", scope)
		if strings.HasPrefix(cred.Source, "oauth") {
			v.Hint += ": log in again with it: `" + login + "`"
		} else {
			v.Hint += ": issue a token with it and put it in " + where
		}
		p.finding("insufficient_scope", evidence.SeverityWarning,
			fmt.Sprintf("the server refused %s with 403 insufficient_scope: it wants the scope %q", r.stage(), scope), v.Hint)
	case strings.HasPrefix(cred.Source, "oauth") && p.authServerMoved():
		v.Hint = fmt.Sprintf("the stored login is from %s, which the server no longer names: log in again with `mcpdoctor login %s`, which registers with %s (a client registration never moves between authorization servers)",
			p.token.Issuer, p.server.Name, p.oauth.AuthServer)
		p.finding("authorization_server_changed", evidence.SeverityWarning,
			fmt.Sprintf("the server's protected resource metadata names %s as its authorization server now, but the stored login came from %s", orNone(strings.Join(p.oauth.PRM.AuthorizationServers, ", ")), p.token.Issuer),
			v.Hint)
	case strings.HasPrefix(cred.Source, "oauth"):
		v.Hint = fmt.Sprintf("the stored OAuth token was refused: log in again with `mcpdoctor login %s`", p.server.Name)
	case errCode == "insufficient_scope" || r.Status == http.StatusForbidden:
		v.Hint = "the credential lacks the permission the server wants"
		if scope != "" {
			v.Hint += fmt.Sprintf(" (scope %q)", scope)
		}
		v.Hint += ": issue a token with it and put it in " + where
	case errCode == "invalid_token":
		v.Hint = "the server says the token is invalid (expired, revoked or for another server): put a current token in " + where
	default:
		v.Hint = "the server refused the credential: check that " + where + " holds a current token meant for this server"
	}
	p.authFailure(v.Hint)
}

// authServerMoved says the stored login's issuer is not among the
// authorization servers the protected resource metadata names now: the
// server moved to another one, whose clients and tokens are its own
// (SEP-2352), so neither a refresh nor the old registration can help.
func (p *prober) authServerMoved() bool {
	t, d := p.token, p.oauth
	if t == nil || t.Issuer == "" || d == nil || d.PRM == nil || len(d.PRM.AuthorizationServers) == 0 {
		return false
	}
	for _, as := range d.PRM.AuthorizationServers {
		if strings.TrimSuffix(as, "/") == strings.TrimSuffix(t.Issuer, "/") {
			return false
		}
	}
	return true
}

// credentialWanted: a 401 (or a 403 with a Bearer challenge) and nothing was
// sent. OAuth discovery says whether there is a way to log in.
func (p *prober) credentialWanted(v *Verdict, r *refusal) {
	name := p.server.Name
	d := p.oauth
	if d.Found() {
		v.Status = AuthOAuth
		v.OAuth = oauthState(d, r.Challenge)
		v.OAuth.Required = true
		registration := "without dynamic client registration"
		if d.AS.RegistrationEndpoint != "" {
			registration = "with dynamic client registration"
		}
		v.Evidence = append(v.Evidence, fmt.Sprintf("the server needs an OAuth login at %s (%s); no token is stored, so not logged in", cmp.Or(d.AS.Issuer, d.AuthServer), registration))
		v.Hint = fmt.Sprintf("run `mcpdoctor login %s`", name)
		also := ""
		if p.server.Client() == config.ClientCodex {
			also = fmt.Sprintf(" (in Codex: `codex mcp login %s`)", name)
		}
		p.authFailure(fmt.Sprintf("the server needs an OAuth login: run `mcpdoctor login %s`%s", name, also))
		return
	}
	v.Status = AuthFailed
	v.OAuth = oauthState(d, r.Challenge)
	if v.OAuth != nil {
		v.OAuth.Required = true
	}
	v.Evidence = append(v.Evidence, "the server wants a credential and offers no way to get one: no authorization server metadata was found")
	if r.Challenge == nil && len(r.Header.Values("WWW-Authenticate")) > 0 {
		v.Hint = fmt.Sprintf("the server asks for another scheme than Bearer (see WWW-Authenticate): put the header it wants in %s of %s", p.server.HeaderKeys(), p.server.Entry())
	} else {
		v.Hint = fmt.Sprintf("configure the credential the server expects in %s: %s", p.server.Entry(), p.server.CredentialHint())
	}
	p.authFailure(v.Hint)
}

// authFailure files the probe's failure under auth, with a hint that says
// how to get in: the failure is about the credential, not the connection.
func (p *prober) authFailure(hint string) {
	if f := p.res.Failure; f != nil {
		f.Category = evidence.CategoryAuth
		f.Hint = hint
	}
}

// stage names what was refused: the JSON-RPC method of the refused
// exchange, else "the request".
func (r *refusal) stage() string {
	if r.Exchange != nil && r.Exchange.RPCMethod != "" {
		return r.Exchange.RPCMethod
	}
	return "the request"
}

// evidence describes a refusal: its challenges, raw and parsed, and its body.
func (r *refusal) evidence() []string {
	var out []string
	if ex := r.Exchange; ex != nil && ex.RPCMethod != "initialize" && ex.RPCMethod != "server/discover" {
		// The handshake's exchanges are already in its evidence.
		out = append(out, ex.Summary())
	}
	values := r.Header.Values("WWW-Authenticate")
	for _, v := range values {
		out = append(out, "WWW-Authenticate: "+v)
	}
	if len(values) == 0 && r.Status == http.StatusUnauthorized {
		out = append(out, "the 401 carries no WWW-Authenticate header, which RFC 9110 §15.5.2 requires")
	}
	if c := r.Challenge; c != nil {
		var parts []string
		for _, name := range []string{"error", "error_description", "scope", "resource_metadata", "realm"} {
			if v, ok := c.Param(name); ok {
				parts = append(parts, name+"="+v)
			}
		}
		if len(parts) > 0 {
			out = append(out, "its Bearer challenge: "+strings.Join(parts, ", "))
		}
	}
	if body := evidence.OneLine([]byte(r.Body), 160); body != "" {
		out = append(out, fmt.Sprintf("the %d's body: %s", r.Status, body))
	}
	return out
}

// handshakeEvidence summarises the exchanges that carried the handshake
// (server/discover, initialize), and what tools/list found.
func (p *prober) handshakeEvidence() []string {
	var out []string
	for _, st := range p.res.Stages {
		switch st.Name {
		case StageDiscover, StageInitialize:
			n := 0
			for _, ex := range st.Exchanges {
				if ex.RPCMethod == st.Name && n < 3 {
					out = append(out, ex.Summary())
					n++
				}
			}
		case StageToolsList:
			if st.Status == StatusOK {
				out = append(out, fmt.Sprintf("tools/list answered with %d %s", len(p.res.Tools), plural(len(p.res.Tools), "tool")))
			}
		}
	}
	return out
}

func plural(n int, one string) string {
	if n == 1 {
		return one
	}
	return one + "s"
}
