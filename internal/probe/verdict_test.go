package probe

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/mcpdoctor/mcpdoctor/internal/evidence"
	"github.com/mcpdoctor/mcpdoctor/internal/oauth"
)

// TestVerdict walks the verdict table of schema/README.md ("The auth
// verdict"), one row or more per case, with no server: the observations
// are written by hand as a probe records them.
func TestVerdict(t *testing.T) {
	ref := ServerRef{Name: "docs", Client: "Codex", Entry: "[mcp_servers.docs]", HeaderKeys: "http_headers or env_http_headers",
		CredentialHint: "bearer_token_env_var = \"VAR\"", LoginHint: "codex mcp login docs"}
	answered := []string{"POST https://mcp.example.com/mcp initialize → 200 application/json (12 ms)", "tools/list answered with 3 tools"}
	bearer := func(sent bool) *Credential {
		return &Credential{Header: "Authorization", Source: "bearer_token_env_var $DOCS_TOKEN", Sent: sent, Key: "bearer_token_env_var", Variable: "DOCS_TOKEN"}
	}
	apiKey := &Credential{Header: "X-Api-Key", Source: "http_headers", Sent: true, Key: "http_headers"}
	userInfo := &Credential{Header: "Authorization", Source: UserInfoSource, Sent: true, Key: UserInfoSource}
	stored := &Credential{Header: "Authorization", Source: "oauth token store", Sent: true, Key: "oauth token store"}
	expiry := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	token := &OAuthToken{AccessToken: "t", Expiry: expiry, Issuer: "https://auth.example.com"}
	movedToken := &OAuthToken{AccessToken: "t", Issuer: "https://old-auth.example.com"}
	refusal := func(status int, www string) *Refusal {
		r := &Refusal{Status: status, Header: http.Header{}}
		if www != "" {
			r.Header.Set("WWW-Authenticate", www)
			if c, ok := oauth.BearerChallenge([]string{www}); ok {
				r.Challenge = &c
			}
		}
		return r
	}
	authFailure := func(stage StageName) *evidence.Failure {
		return &evidence.Failure{Stage: stage, Category: evidence.CategoryHTTPStatus, Message: "answered 401", Hint: "check the URL"}
	}
	as := &oauth.AuthServerMetadata{Issuer: "https://auth.example.com", AuthorizationEndpoint: "https://auth.example.com/authorize",
		TokenEndpoint: "https://auth.example.com/token", RegistrationEndpoint: "https://auth.example.com/register", CodeChallengeMethodsSupported: []string{"S256"}}
	prm := &oauth.ProtectedResourceMetadata{Resource: "https://mcp.example.com/mcp", AuthorizationServers: []string{"https://auth.example.com"}}
	found := &oauth.Metadata{Evidence: []string{"authorization server metadata at …"}, PRMURL: "https://mcp.example.com/.well-known/oauth-protected-resource/mcp",
		PRM: prm, AuthServer: "https://auth.example.com", ASURL: "https://auth.example.com/.well-known/oauth-authorization-server", AS: as}
	prmOnly := &oauth.Metadata{PRMURL: found.PRMURL, PRM: prm}
	nothing := &oauth.Metadata{Evidence: []string{"no OAuth metadata found"}}

	cases := []struct {
		row  string
		obs  Observations
		want AuthStatus
		// evidence and hint hold parts of the verdict's evidence and hint;
		// findings the codes it adds; authHint, when set, the hint the
		// probe's failure is filed under auth with.
		evidence []string
		hint     string
		findings []string
		authHint string
		check    func(t *testing.T, d Decision)
	}{
		{row: "none: answered, nothing sent, nothing advertised",
			obs:  Observations{Handshake: answered, Answered: true, Discovery: nothing},
			want: AuthNone, evidence: []string{"initialize → 200", "tools/list answered with 3 tools", "the server answered with no credential sent"},
			check: func(t *testing.T, d Decision) {
				if d.Verdict.OAuth != nil {
					t.Errorf("OAuth %+v where nothing is advertised", d.Verdict.OAuth)
				}
			}},
		{row: "none: answered without discovery (stdio)",
			obs:  Observations{Handshake: answered, Answered: true},
			want: AuthNone, evidence: []string{"no credential sent"}},
		{row: "none: OAuth advertised, not required",
			obs:  Observations{Handshake: answered, Answered: true, Discovery: found},
			want: AuthNone, evidence: []string{"OAuth metadata is advertised (" + found.ASURL + ") but not required"},
			findings: []string{"oauth_advertised_not_required"},
			check: func(t *testing.T, d Decision) {
				if o := d.Verdict.OAuth; o == nil || o.Required || o.LoggedIn || o.Metadata != found {
					t.Errorf("OAuth %+v", o)
				}
			}},
		{row: "none: protected resource metadata only, not required",
			obs:  Observations{Handshake: answered, Answered: true, Discovery: prmOnly},
			want: AuthNone, evidence: []string{"OAuth metadata is advertised (" + prmOnly.PRMURL + ")"}, findings: []string{"oauth_advertised_not_required"}},
		{row: "bearer: a bearer token accepted",
			obs:  Observations{Handshake: answered, Answered: true, Credential: bearer(true)},
			want: AuthBearer, evidence: []string{"the server accepted the Authorization header from bearer_token_env_var $DOCS_TOKEN"}},
		{row: "bearer: another credential header accepted",
			obs:  Observations{Handshake: answered, Answered: true, Credential: apiKey},
			want: AuthBearer, evidence: []string{"accepted the X-Api-Key header from http_headers"}},
		{row: "bearer: the URL's user info accepted",
			obs:  Observations{Handshake: answered, Answered: true, Credential: userInfo},
			want: AuthBearer, evidence: []string{"from " + UserInfoSource}},
		{row: "oauth: a stored token accepted, metadata found",
			obs:  Observations{Handshake: answered, Answered: true, Credential: stored, Token: token, TokenEvidence: []string{"sent the stored OAuth token"}, Discovery: found},
			want: AuthOAuth, evidence: []string{"sent the stored OAuth token", "accepted the OAuth token from the oauth token store: logged in"},
			check: func(t *testing.T, d Decision) {
				o := d.Verdict.OAuth
				if o == nil || !o.LoggedIn || !o.ExpiresAt.Equal(expiry) || o.AuthorizationServer() != "https://auth.example.com" || o.Metadata != found {
					t.Errorf("OAuth %+v", o)
				}
			}},
		{row: "oauth: a stored token accepted, nothing discovered",
			obs:  Observations{Handshake: answered, Answered: true, Credential: stored, Token: token},
			want: AuthOAuth,
			check: func(t *testing.T, d Decision) {
				if o := d.Verdict.OAuth; o == nil || !o.LoggedIn || o.Metadata != nil || o.AuthorizationServer() != token.Issuer {
					t.Errorf("OAuth %+v, want the token's issuer", o)
				}
			}},
		{row: "oauth: 401, nothing sent, an authorization server found",
			obs: Observations{Refusal: refusal(401, `Bearer resource_metadata="https://mcp.example.com/.well-known/oauth-protected-resource/mcp", scope="docs:read"`),
				Discovery: found, Failure: authFailure(StageInitialize)},
			want: AuthOAuth, evidence: []string{"WWW-Authenticate: Bearer resource_metadata=", "its Bearer challenge: scope=docs:read, resource_metadata=",
				"needs an OAuth login at https://auth.example.com (with dynamic client registration); no token is stored, so not logged in"},
			hint: "run `mcpdoctor login docs`", authHint: "the server needs an OAuth login: run `mcpdoctor login docs` (in Codex: `codex mcp login docs`)",
			check: func(t *testing.T, d Decision) {
				if o := d.Verdict.OAuth; o == nil || !o.Required || o.LoggedIn || o.ChallengeScope != "docs:read" {
					t.Errorf("OAuth %+v", o)
				}
			}},
		{row: "oauth: another client has no login command to name",
			obs:  Observations{Server: ServerRef{Name: "docs", Client: "Cursor"}, Refusal: refusal(401, "Bearer"), Discovery: found, Failure: authFailure(StageDiscover)},
			want: AuthOAuth, authHint: "the server needs an OAuth login: run `mcpdoctor login docs`"},
		{row: "failed: 401, nothing sent, no way to log in",
			obs:  Observations{Refusal: refusal(401, "Bearer"), Discovery: nothing, Failure: authFailure(StageInitialize)},
			want: AuthFailed, evidence: []string{"WWW-Authenticate: Bearer", "offers no way to get one"},
			hint: "configure the credential the server expects in [mcp_servers.docs]: bearer_token_env_var", authHint: "configure the credential"},
		{row: "failed: 401 without WWW-Authenticate",
			obs:  Observations{Refusal: refusal(401, ""), Discovery: nothing, Failure: authFailure(StageInitialize)},
			want: AuthFailed, evidence: []string{"the 401 carries no WWW-Authenticate header, which RFC 9110 §15.5.2 requires"}},
		{row: "failed: 401 asking for another scheme",
			obs:  Observations{Refusal: refusal(401, `Basic realm="corp"`), Discovery: nothing, Failure: authFailure(StageInitialize)},
			want: AuthFailed, hint: "the server asks for another scheme than Bearer (see WWW-Authenticate): put the header it wants in http_headers or env_http_headers of [mcp_servers.docs]"},
		{row: "failed: 401, protected resource metadata without an authorization server",
			obs:  Observations{Refusal: refusal(401, "Bearer"), Discovery: prmOnly, Failure: authFailure(StageInitialize)},
			want: AuthFailed,
			check: func(t *testing.T, d Decision) {
				if o := d.Verdict.OAuth; o == nil || !o.Required || o.Metadata != prmOnly {
					t.Errorf("OAuth %+v, want the PRM, required", o)
				}
			}},
		{row: "failed: a token rejected as invalid",
			obs:  Observations{Credential: bearer(true), Refusal: refusal(401, `Bearer error="invalid_token", error_description="expired"`), Failure: authFailure(StageInitialize)},
			want: AuthFailed, evidence: []string{"refused the Authorization header from bearer_token_env_var $DOCS_TOKEN with 401: the credential was rejected", "error=invalid_token, error_description=expired"},
			hint: "the server says the token is invalid (expired, revoked or for another server): put a current token in $DOCS_TOKEN (bearer_token_env_var)", authHint: "the token is invalid"},
		{row: "failed: a credential refused without a reason",
			obs:  Observations{Credential: apiKey, Refusal: refusal(401, "Bearer"), Failure: authFailure(StageInitialize)},
			want: AuthFailed, hint: "check that the value configured in http_headers holds a current token meant for this server"},
		{row: "failed: a static token lacks a scope (403 insufficient_scope)",
			obs:  Observations{Credential: bearer(true), Refusal: refusal(403, `Bearer error="insufficient_scope", scope="docs:write"`), Answered: true, Failure: authFailure(StageToolsList)},
			want: AuthFailed, hint: `the server wants the scope "docs:write" for this, which the credential lacks: issue a token with it and put it in $DOCS_TOKEN (bearer_token_env_var)`,
			findings: []string{"insufficient_scope"}},
		{row: "failed: a stored login lacks a scope",
			obs:  Observations{Credential: stored, Token: token, Refusal: refusal(403, `Bearer error="insufficient_scope", scope="docs:write"`), Discovery: found, Failure: authFailure(StageToolsList)},
			want: AuthFailed, hint: "log in again with it: `mcpdoctor login docs --scopes \"docs:write\"`", findings: []string{"insufficient_scope"}},
		{row: "failed: 403 with a Bearer challenge and no scope",
			obs:  Observations{Credential: apiKey, Refusal: refusal(403, `Bearer realm="x"`), Failure: authFailure(StageInitialize)},
			want: AuthFailed, hint: "the credential lacks the permission the server wants: issue a token with it and put it in the value configured in http_headers"},
		{row: "failed: the URL's user info refused",
			obs:  Observations{Credential: userInfo, Refusal: refusal(401, "Bearer"), Failure: authFailure(StageInitialize)},
			want: AuthFailed, hint: "check that " + UserInfoSource + " holds a current token"},
		{row: "failed: a stored token refused",
			obs:  Observations{Credential: stored, Token: token, Refusal: refusal(401, `Bearer error="invalid_token"`), Discovery: found, Failure: authFailure(StageInitialize)},
			want: AuthFailed, hint: "the stored OAuth token was refused: log in again with `mcpdoctor login docs`"},
		{row: "failed: a stored token from an authorization server the server no longer names",
			obs:  Observations{Credential: stored, Token: movedToken, Refusal: refusal(401, `Bearer error="invalid_token"`), Discovery: found, Failure: authFailure(StageInitialize)},
			want: AuthFailed, hint: "the stored login is from https://old-auth.example.com, which the server no longer names", findings: []string{"authorization_server_changed"}},
		{row: "failed: a credential variable unset, and the server needs it",
			obs: Observations{Credential: bearer(false), Missing: []string{"$DOCS_TOKEN (bearer_token_env_var) is not set, so no Authorization header was sent"},
				Refusal: refusal(401, "Bearer"), Discovery: nothing, Failure: authFailure(StageInitialize)},
			want: AuthFailed, evidence: []string{"$DOCS_TOKEN (bearer_token_env_var) is not set", "without the Authorization header the server answered 401: it needs the credential"},
			hint: "set $DOCS_TOKEN (bearer_token_env_var) in the environment Codex and mcpdoctor start from", authHint: "set $DOCS_TOKEN"},
		{row: "failed: a credential variable unset, the server needs it and offers OAuth",
			obs:  Observations{Credential: bearer(false), Refusal: refusal(401, "Bearer"), Discovery: found, Failure: authFailure(StageInitialize)},
			want: AuthFailed, evidence: []string{"the server also offers OAuth through https://auth.example.com"},
			hint: ", or log in with OAuth instead: `mcpdoctor login docs`",
			check: func(t *testing.T, d Decision) {
				if o := d.Verdict.OAuth; o == nil || !o.Required {
					t.Errorf("OAuth %+v, want required", o)
				}
			}},
		{row: "failed: a credential variable unset, and the server works without it",
			obs:  Observations{Credential: bearer(false), Handshake: answered, Answered: true},
			want: AuthFailed, evidence: []string{"without the Authorization header the server answered initialize and tools/list: it does not need the credential"},
			hint: ", or remove bearer_token_env_var from [mcp_servers.docs]: the server works without it",
			check: func(t *testing.T, d Decision) {
				if d.AuthFailure {
					t.Error("no failure to file under auth: the probe's own is set from the config")
				}
			}},
		{row: "failed: a credential variable unset, and the server is down",
			obs:  Observations{Credential: bearer(false), Failure: &evidence.Failure{Stage: StageConnect, Category: evidence.CategoryRefused, Message: "connection refused", Hint: "start the server"}},
			want: AuthFailed, evidence: []string{"without the Authorization header the probe failed at connect (refused), so whether the server needs it is unknown"},
			hint: "; then: start the server"},
		{row: "failed: no connection",
			obs:  Observations{Failure: &evidence.Failure{Stage: StageConnect, Category: evidence.CategoryDNS, Message: "no such host", Hint: "check the spelling"}},
			want: AuthFailed, evidence: []string{"connect failed (dns): no such host"}, hint: "check the spelling",
			check: func(t *testing.T, d Decision) {
				if d.AuthFailure {
					t.Error("a connection failure is not an auth failure")
				}
			}},
		{row: "none: answered, then tools/call failed",
			obs:  Observations{Handshake: answered, Answered: true, Failure: &evidence.Failure{Stage: StageToolsCall, Category: evidence.CategoryToolError, Message: "isError"}},
			want: AuthNone},
	}
	if len(cases) < 20 {
		t.Fatalf("%d cases; the verdict table has more rows", len(cases))
	}
	for _, c := range cases {
		t.Run(c.row, func(t *testing.T) {
			if c.obs.Server.Name == "" {
				c.obs.Server = ref
			}
			d := Decide(c.obs)
			v := d.Verdict
			if v.Status != c.want {
				t.Fatalf("status %s, want %s; evidence:\n  %s", v.Status, c.want, strings.Join(v.Evidence, "\n  "))
			}
			joined := strings.Join(v.Evidence, "\n")
			for _, e := range c.evidence {
				if !strings.Contains(joined, e) {
					t.Errorf("evidence lacks %q:\n  %s", e, strings.Join(v.Evidence, "\n  "))
				}
			}
			if c.hint != "" && !strings.Contains(v.Hint, c.hint) {
				t.Errorf("hint %q lacks %q", v.Hint, c.hint)
			}
			if c.want != AuthNone && v.Hint == "" && c.want != AuthBearer && !(c.want == AuthOAuth && c.obs.Refusal == nil) {
				t.Errorf("no hint for %s", c.want)
			}
			var codes []string
			for _, f := range d.Findings {
				codes = append(codes, f.Code)
			}
			if strings.Join(codes, ",") != strings.Join(c.findings, ",") {
				t.Errorf("findings %v, want %v", codes, c.findings)
			}
			if c.authHint != "" && (!d.AuthFailure || !strings.Contains(d.AuthHint, c.authHint)) {
				t.Errorf("auth failure %v %q, want one with %q", d.AuthFailure, d.AuthHint, c.authHint)
			}
			if v.Credential != c.obs.Credential {
				t.Errorf("credential %+v, want the one observed", v.Credential)
			}
			if c.check != nil {
				c.check(t, d)
			}
		})
	}
}
