package probe

import (
	"cmp"
	"fmt"
	"net/http"
	"strings"

	"github.com/mcpdoctor/mcpdoctor/internal/evidence"
	"github.com/mcpdoctor/mcpdoctor/internal/oauth"
)

// The auth verdict (schema/README.md, "The auth verdict"): decided from
// what the server did, never from what the config suggests.
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

// Observations are what a probe saw that the auth verdict depends on,
// recorded as plain data: Decide needs nothing else, so every row of the
// verdict table can be tested without a server.
type Observations struct {
	// Server names the entry, for hints.
	Server ServerRef
	// Credential is what authenticates the probe, configured or a stored
	// login's token, and whether it was sent; nil when nothing does.
	Credential *Credential
	// Missing says, one sentence each, what was configured but could not
	// be filled in ("$TOKEN (bearer_token_env_var) is not set, so …").
	Missing []string
	// Token is the stored OAuth login that was sent, if one was, and
	// TokenEvidence what became of the stored login.
	Token         *OAuthToken
	TokenEvidence []string
	// Handshake are the summaries of the exchanges that carried the
	// handshake, and what tools/list found.
	Handshake []string
	// Refusal is the 401, or 403 with a Bearer challenge, that stopped the
	// probe; nil when none did.
	Refusal *Refusal
	// Discovery is what OAuth discovery found; nil when it did not run.
	Discovery *oauth.Metadata
	// Answered says the server said who it is (server/discover or
	// initialize).
	Answered bool
	// Failure is the first thing that stopped the probe, nil when none.
	Failure *evidence.Failure
}

// ServerRef is what hints say of the entry.
type ServerRef struct {
	Name string
	// Client is the client's name as its makers write it; Entry the
	// entry as its file writes it ("[mcp_servers.docs] in config.toml").
	Client, Entry string
	// HeaderKeys are the config keys that set headers; CredentialHint
	// says how to configure a credential, in the client's words.
	HeaderKeys, CredentialHint string
	// LoginHint is the client's own command to log in, when it has one
	// ("codex mcp login docs").
	LoginHint string
}

// Refusal is a 401, or a 403 carrying a Bearer challenge, that stopped the
// probe: the server asked for a credential or refused the one it got.
type Refusal struct {
	Status int
	Header http.Header
	Body   string
	// Exchange is the exchange that carried it, when it was recorded.
	Exchange *evidence.Exchange
	// Challenge is its Bearer challenge, nil when it has none.
	Challenge *oauth.Challenge
}

// Decision is the verdict and what it adds to the probe's result.
type Decision struct {
	Verdict  Verdict
	Findings []evidence.Finding
	// AuthHint, when AuthFailure is set, files the probe's failure under
	// auth with this hint: the failure is about the credential, not the
	// connection.
	AuthFailure bool
	AuthHint    string
}

// Decide is the one place the auth status is decided, from what the
// server did. Every observation it used is in the verdict's evidence, in
// order; values are raw, redacted at output.
func Decide(o Observations) Decision {
	d := &decider{o: o}
	cred := o.Credential
	sent := cred != nil && cred.Sent
	v := &d.out.Verdict
	v.Credential = cred
	v.Evidence = append(v.Evidence, o.Handshake...)
	v.Evidence = append(v.Evidence, o.Missing...)
	v.Evidence = append(v.Evidence, o.TokenEvidence...)
	r := o.Refusal
	if r != nil {
		v.Evidence = append(v.Evidence, r.evidence()...)
	}
	if o.Discovery != nil {
		v.Evidence = append(v.Evidence, o.Discovery.Evidence...)
	}
	var challenge *oauth.Challenge
	if r != nil {
		challenge = r.Challenge
	}
	switch {
	case cred != nil && !sent:
		d.missingCredential()
	case r != nil && sent:
		d.rejectedCredential()
	case r != nil:
		d.credentialWanted()
	case !o.Answered && o.Failure != nil:
		f := o.Failure
		v.Status = AuthFailed
		v.Evidence = append(v.Evidence, fmt.Sprintf("%s failed (%s): %s", f.Stage, f.Category, f.Message))
		v.Hint = f.Hint
	case sent && strings.HasPrefix(cred.Source, "oauth"):
		v.Status = AuthOAuth
		v.OAuth = oauthState(o.Discovery, challenge)
		if v.OAuth == nil {
			v.OAuth = &OAuthState{}
		}
		v.OAuth.LoggedIn = true
		if t := o.Token; t != nil {
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
		if md := o.Discovery; md.Advertised() {
			v.OAuth = oauthState(md, nil)
			where := md.PRMURL
			if md.Found() {
				where = md.ASURL
			}
			v.Evidence = append(v.Evidence, fmt.Sprintf("OAuth metadata is advertised (%s) but not required", where))
			d.finding("oauth_advertised_not_required", evidence.SeverityInfo,
				fmt.Sprintf("the server's origin advertises OAuth metadata (%s), but the server answered initialize and tools/list without any credential: OAuth is offered, not required", where),
				"clients that decide from the metadata alone, such as Codex, ask for a login that is not needed; a server that does not enforce OAuth should not advertise it")
		}
	}
	return d.out
}

// decider builds one Decision.
type decider struct {
	o   Observations
	out Decision
}

func (d *decider) finding(code string, severity evidence.Severity, msg, hint string) {
	d.out.Findings = append(d.out.Findings, evidence.Finding{Code: code, Severity: severity, Message: msg, Hint: hint})
}

// authFailure files the probe's failure under auth, with a hint that says
// how to get in.
func (d *decider) authFailure(hint string) {
	if d.o.Failure != nil {
		d.out.AuthFailure, d.out.AuthHint = true, hint
	}
}

// Need says whether the server needed a credential that could not be
// sent: it refused the probe (yes), answered it (no), or failed otherwise
// (unknown).
type Need int

const (
	NeedUnknown Need = iota
	NeedNo
	NeedYes
)

// Needed tells, from what the server did without the credential, whether
// it needs one.
func Needed(refused, answered bool) Need {
	switch {
	case refused:
		return NeedYes
	case answered:
		return NeedNo
	}
	return NeedUnknown
}

// missingCredential: a configured credential could not be sent. The client
// fails the same way, so the verdict is failed; the probe ran without it, so
// the evidence can say whether the server needed it.
func (d *decider) missingCredential() {
	o, v, cred, r := d.o, &d.out.Verdict, d.o.Credential, d.o.Refusal
	v.Status = AuthFailed
	fix := fmt.Sprintf("set $%s (%s) in the environment %s and mcpdoctor start from", cred.Variable, cred.Key, o.Server.Client)
	switch Needed(r != nil, o.Answered) {
	case NeedYes:
		v.Evidence = append(v.Evidence, fmt.Sprintf("without the %s header the server answered %d: it needs the credential", cred.Header, r.Status))
		v.Hint = fix
		if md := o.Discovery; md.Found() {
			v.OAuth = oauthState(md, r.Challenge)
			v.OAuth.Required = true
			v.Evidence = append(v.Evidence, fmt.Sprintf("the server also offers OAuth through %s", md.AuthServer))
			v.Hint += fmt.Sprintf(", or log in with OAuth instead: `mcpdoctor login %s`", o.Server.Name)
		}
		d.authFailure(v.Hint)
	case NeedNo:
		v.Evidence = append(v.Evidence, fmt.Sprintf("without the %s header the server answered initialize and tools/list: it does not need the credential", cred.Header))
		v.Hint = fix + fmt.Sprintf(", or remove %s from %s: the server works without it", cred.Key, o.Server.Entry)
	default:
		f := o.Failure
		v.Evidence = append(v.Evidence, fmt.Sprintf("without the %s header the probe failed at %s (%s), so whether the server needs it is unknown", cred.Header, f.Stage, f.Category))
		v.Hint = fix + "; then: " + f.Hint
	}
}

// rejectedCredential: a credential was sent and the server refused it.
func (d *decider) rejectedCredential() {
	o, v, cred, r := d.o, &d.out.Verdict, d.o.Credential, d.o.Refusal
	v.Status = AuthFailed
	v.Evidence = append(v.Evidence, fmt.Sprintf("the server refused the %s header from %s with %d: the credential was rejected", cred.Header, cred.Source, r.Status))
	errCode, scope := "", ""
	if c := r.Challenge; c != nil {
		errCode, _ = c.Param("error")
		scope, _ = c.Param("scope")
	}
	where := "the value configured in " + cred.Key
	switch {
	case cred.Variable != "":
		where = "$" + cred.Variable + " (" + cred.Key + ")"
	case cred.Key == UserInfoSource:
		where = cred.Key
	}
	oauthToken := strings.HasPrefix(cred.Source, "oauth")
	switch {
	case errCode == "insufficient_scope" && scope != "":
		// Step-up (MCP 2025-11-25, "Scope Challenge Handling"): the
		// server says which scope this needs; a new login asks for it
		// alongside the scopes held (login keeps them).
		login := fmt.Sprintf("mcpdoctor login %s --scopes %q", o.Server.Name, scope)
		v.Hint = fmt.Sprintf("the server wants the scope %q for this, which the credential lacks", scope)
		if oauthToken {
			v.Hint += ": log in again with it: `" + login + "`"
		} else {
			v.Hint += ": issue a token with it and put it in " + where
		}
		d.finding("insufficient_scope", evidence.SeverityWarning,
			fmt.Sprintf("the server refused %s with 403 insufficient_scope: it wants the scope %q", r.stage(), scope), v.Hint)
	case oauthToken && AuthServerMoved(o.Token, o.Discovery):
		v.Hint = fmt.Sprintf("the stored login is from %s, which the server no longer names: log in again with `mcpdoctor login %s`, which registers with %s (a client registration never moves between authorization servers)",
			o.Token.Issuer, o.Server.Name, o.Discovery.AuthServer)
		d.finding("authorization_server_changed", evidence.SeverityWarning,
			fmt.Sprintf("the server's protected resource metadata names %s as its authorization server now, but the stored login came from %s", evidence.OrNone(strings.Join(o.Discovery.PRM.AuthorizationServers, ", ")), o.Token.Issuer),
			v.Hint)
	case oauthToken:
		v.Hint = fmt.Sprintf("the stored OAuth token was refused: log in again with `mcpdoctor login %s`", o.Server.Name)
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
	d.authFailure(v.Hint)
}

// AuthServerMoved says the stored login's issuer is not among the
// authorization servers the protected resource metadata names now: the
// server moved to another one, whose clients and tokens are its own
// (SEP-2352), so neither a refresh nor the old registration can help.
func AuthServerMoved(t *OAuthToken, md *oauth.Metadata) bool {
	if t == nil || t.Issuer == "" || md == nil || md.PRM == nil || len(md.PRM.AuthorizationServers) == 0 {
		return false
	}
	for _, as := range md.PRM.AuthorizationServers {
		if strings.TrimSuffix(as, "/") == strings.TrimSuffix(t.Issuer, "/") {
			return false
		}
	}
	return true
}

// credentialWanted: a 401 (or a 403 with a Bearer challenge) and nothing was
// sent. OAuth discovery says whether there is a way to log in.
func (d *decider) credentialWanted() {
	o, v, r := d.o, &d.out.Verdict, d.o.Refusal
	name, md := o.Server.Name, o.Discovery
	if md.Found() {
		v.Status = AuthOAuth
		v.OAuth = oauthState(md, r.Challenge)
		v.OAuth.Required = true
		registration := "without dynamic client registration"
		if md.AS.RegistrationEndpoint != "" {
			registration = "with dynamic client registration"
		}
		v.Evidence = append(v.Evidence, fmt.Sprintf("the server needs an OAuth login at %s (%s); no token is stored, so not logged in", cmp.Or(md.AS.Issuer, md.AuthServer), registration))
		v.Hint = fmt.Sprintf("run `mcpdoctor login %s`", name)
		also := ""
		if o.Server.LoginHint != "" {
			also = fmt.Sprintf(" (in %s: `%s`)", o.Server.Client, o.Server.LoginHint)
		}
		d.authFailure(fmt.Sprintf("the server needs an OAuth login: run `mcpdoctor login %s`%s", name, also))
		return
	}
	v.Status = AuthFailed
	v.OAuth = oauthState(md, r.Challenge)
	if v.OAuth != nil {
		v.OAuth.Required = true
	}
	v.Evidence = append(v.Evidence, "the server wants a credential and offers no way to get one: no authorization server metadata was found")
	if r.Challenge == nil && len(r.Header.Values("WWW-Authenticate")) > 0 {
		v.Hint = fmt.Sprintf("the server asks for another scheme than Bearer (see WWW-Authenticate): put the header it wants in %s of %s", o.Server.HeaderKeys, o.Server.Entry)
	} else {
		v.Hint = fmt.Sprintf("configure the credential the server expects in %s: %s", o.Server.Entry, o.Server.CredentialHint)
	}
	d.authFailure(v.Hint)
}

// oauthState is what discovery found, for the verdict; nil when the
// server's origin advertises nothing.
func oauthState(md *oauth.Metadata, challenge *oauth.Challenge) *OAuthState {
	if !md.Advertised() {
		return nil
	}
	st := &OAuthState{Metadata: md}
	if challenge != nil {
		st.ChallengeScope, _ = challenge.Param("scope")
	}
	return st
}

// stage names what was refused: the JSON-RPC method of the refused
// exchange, else "the request".
func (r *Refusal) stage() string {
	if r.Exchange != nil && r.Exchange.RPCMethod != "" {
		return r.Exchange.RPCMethod
	}
	return "the request"
}

// evidence describes a refusal: its challenges, raw and parsed, and its body.
func (r *Refusal) evidence() []string {
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
