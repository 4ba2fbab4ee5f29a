package probe

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mcpdoctor/mcpdoctor/internal/config"
	"github.com/mcpdoctor/mcpdoctor/internal/evidence"
	"github.com/mcpdoctor/mcpdoctor/internal/mcptest"
)

// A stored OAuth login (Options.OAuthToken) against the fake OAuth server.

func tokenRun(t *testing.T, s config.Server, env map[string]string, source func(context.Context, config.Server, bool) (*OAuthToken, error)) *Result {
	t.Helper()
	return Run(context.Background(), s, Options{LookupEnv: envOf(env), OAuthToken: source, Timeout: 10 * time.Second})
}

func staticToken(tok *OAuthToken, err error, calls *int) func(context.Context, config.Server, bool) (*OAuthToken, error) {
	return func(context.Context, config.Server, bool) (*OAuthToken, error) {
		*calls++
		return tok, err
	}
}

func TestStoredTokenLogsIn(t *testing.T) {
	f := mcptest.FakeOAuth(t, mcptest.FakeOAuthOptions{Token: "stored-access-token-5678", ProtectedResource: true, AuthServer: true})
	expiry := time.Now().Add(42 * time.Minute).Truncate(time.Second)
	calls := 0
	res := tokenRun(t, httpServerConfig("docs", f.MCPURL, 0), nil,
		staticToken(&OAuthToken{AccessToken: "stored-access-token-5678", Expiry: expiry, Refreshed: true, Issuer: f.URL}, nil, &calls))
	if calls != 1 {
		t.Fatalf("OAuthToken called %d times, want once", calls)
	}
	if res.Auth.Status != AuthOAuth || !res.Healthy || len(res.Tools) == 0 {
		t.Fatalf("status %s healthy %v tools %d, want a healthy oauth server with tools; evidence:\n  %s", res.Auth.Status, res.Healthy, len(res.Tools), strings.Join(res.Auth.Evidence, "\n  "))
	}
	o := res.Auth.OAuth
	if o == nil || !o.LoggedIn || !o.ExpiresAt.Equal(expiry) || o.AuthorizationServer() != f.URL {
		t.Errorf("oauth = %+v, want logged in until %s by %s", o, expiry, f.URL)
	}
	if c := res.Auth.Credential; c == nil || c.Source != "oauth token store" || !c.Sent {
		t.Errorf("credential = %+v", c)
	}
	wantEvidence(t, res, "sent the OAuth token stored by `mcpdoctor login`, issued by "+f.URL+"; it had expired and was refreshed for this probe", "accepted the OAuth token")
	if !slices.Contains(res.Secrets, "stored-access-token-5678") {
		t.Error("the token is not among the result's secrets, so it would not be redacted")
	}
	// The token went to the MCP server, and nowhere else.
	for _, r := range f.OtherRequests() {
		t.Errorf("a request reached the other origin: %s %s", r.Method, r.Path)
	}
	for _, r := range f.Requests() {
		if r.Path == "/mcp" && r.Header.Get("Authorization") != "Bearer stored-access-token-5678" {
			t.Errorf("%s /mcp without the stored token", r.Method)
		}
	}
}

func TestStoredTokenRefused(t *testing.T) {
	f := mcptest.FakeOAuth(t, mcptest.FakeOAuthOptions{Token: "the-current-token-1234", ProtectedResource: true, AuthServer: true})
	calls := 0
	res := tokenRun(t, httpServerConfig("docs", f.MCPURL, 0), nil, staticToken(&OAuthToken{AccessToken: "a-revoked-token-9876"}, nil, &calls))
	if res.Auth.Status != AuthFailed || res.Healthy {
		t.Fatalf("status %s healthy %v, want failed", res.Auth.Status, res.Healthy)
	}
	if !strings.Contains(res.Auth.Hint, "mcpdoctor login docs") {
		t.Errorf("hint %q does not say to log in again", res.Auth.Hint)
	}
}

func TestUnusableStoredLoginIsAFinding(t *testing.T) {
	f := mcptest.FakeOAuth(t, mcptest.FakeOAuthOptions{Token: "the-current-token-1234", ProtectedResource: true, AuthServer: true})
	calls := 0
	res := tokenRun(t, httpServerConfig("docs", f.MCPURL, 0), nil, staticToken(nil, errors.New("refresh: the token endpoint refused: invalid_grant"), &calls))
	if res.Auth.Status != AuthOAuth || res.Auth.OAuth == nil || res.Auth.OAuth.LoggedIn {
		t.Fatalf("status %s oauth %+v, want oauth, not logged in", res.Auth.Status, res.Auth.OAuth)
	}
	wantFinding(t, res, "oauth_token_unusable", evidence.SeverityWarning, "invalid_grant")
	wantEvidence(t, res, "could not be used", "not logged in")
}

func TestStoredTokenWithStoreErrorIsStillSent(t *testing.T) {
	f := mcptest.FakeOAuth(t, mcptest.FakeOAuthOptions{Token: "stored-access-token-5678"})
	calls := 0
	res := tokenRun(t, httpServerConfig("docs", f.MCPURL, 0), nil,
		staticToken(&OAuthToken{AccessToken: "stored-access-token-5678"}, errors.New("the refreshed OAuth token could not be stored"), &calls))
	if res.Auth.Status != AuthOAuth || !res.Healthy {
		t.Fatalf("status %s healthy %v, want oauth and healthy", res.Auth.Status, res.Healthy)
	}
	wantFinding(t, res, "oauth_token_store", evidence.SeverityWarning, "could not be stored")
}

// A credential in the config wins over a stored login, as in Codex; stdio
// servers never ask.
func TestConfiguredCredentialWinsOverStoredToken(t *testing.T) {
	f := mcptest.FakeOAuth(t, mcptest.FakeOAuthOptions{Token: "configured-token-1234"})
	s := httpServerConfig("docs", f.MCPURL, 0)
	s.SetBearerTokenEnvVar("DOCS_TOKEN")
	calls := 0
	res := tokenRun(t, s, map[string]string{"DOCS_TOKEN": "configured-token-1234"}, staticToken(&OAuthToken{AccessToken: "stored-1234"}, nil, &calls))
	if calls != 0 || res.Auth.Status != AuthBearer {
		t.Errorf("OAuthToken called %d times, status %s; want the configured bearer only", calls, res.Auth.Status)
	}
	cmd, args := mcptest.FakeStdio(t, mcptest.FakeStdioOK)
	stdio := config.Server{Name: "s", Transport: config.TransportStdio, Command: config.Literal(cmd), Args: config.Literals(args...), Enabled: true}
	res = tokenRun(t, stdio, nil, staticToken(&OAuthToken{AccessToken: "stored-1234"}, nil, &calls))
	if calls != 0 || res.Auth.Status != AuthNone {
		t.Errorf("stdio: OAuthToken called %d times, status %s", calls, res.Auth.Status)
	}
}

// A stored token the server refuses with 401 is refreshed once, whatever
// its expiry says, and the probe runs again with the new one.
func TestRefusedStoredTokenIsRefreshedOnce(t *testing.T) {
	f := mcptest.FakeOAuth(t, mcptest.FakeOAuthOptions{Token: "the-refreshed-token-1234", ProtectedResource: true, AuthServer: true})
	var asked []bool
	source := func(_ context.Context, _ config.Server, refresh bool) (*OAuthToken, error) {
		asked = append(asked, refresh)
		if refresh {
			return &OAuthToken{AccessToken: "the-refreshed-token-1234", Refreshed: true}, nil
		}
		return &OAuthToken{AccessToken: "a-revoked-token-9876", Expiry: time.Now().Add(time.Hour)}, nil
	}
	res := tokenRun(t, httpServerConfig("docs", f.MCPURL, 0), nil, source)
	if !slices.Equal(asked, []bool{false, true}) {
		t.Fatalf("OAuthToken asked with refresh %v, want [false true]", asked)
	}
	if res.Auth.Status != AuthOAuth || !res.Healthy || !res.Auth.OAuth.LoggedIn {
		t.Fatalf("status %s healthy %v, want oauth, logged in; evidence:\n  %s", res.Auth.Status, res.Healthy, strings.Join(res.Auth.Evidence, "\n  "))
	}
	wantEvidence(t, res, "the stored OAuth token was refused with 401, so mcpdoctor refreshed it and probed again", "was refreshed for this probe", "accepted the OAuth token")

	// When the refresh fails, the first probe's verdict stands, and says
	// why the refresh did not help.
	asked = nil
	failing := func(_ context.Context, _ config.Server, refresh bool) (*OAuthToken, error) {
		asked = append(asked, refresh)
		if refresh {
			return nil, errors.New("refresh: the token endpoint refused with 400: invalid_grant")
		}
		return &OAuthToken{AccessToken: "a-revoked-token-9876"}, nil
	}
	res = tokenRun(t, httpServerConfig("docs", f.MCPURL, 0), nil, failing)
	if len(asked) != 2 || res.Auth.Status != AuthFailed || !strings.Contains(res.Auth.Hint, "mcpdoctor login docs") {
		t.Errorf("asked %v, status %s, hint %q; want two asks and failed with a login hint", asked, res.Auth.Status, res.Auth.Hint)
	}
	wantEvidence(t, res, "refused the Authorization header", "refreshing the refused token did not help: refresh: the token endpoint refused with 400: invalid_grant")

	// A token refreshed just now is not refreshed again.
	asked = nil
	fresh := func(_ context.Context, _ config.Server, refresh bool) (*OAuthToken, error) {
		asked = append(asked, refresh)
		return &OAuthToken{AccessToken: "a-revoked-token-9876", Refreshed: true}, nil
	}
	tokenRun(t, httpServerConfig("docs", f.MCPURL, 0), nil, fresh)
	if len(asked) != 1 {
		t.Errorf("a just-refreshed token was refreshed again: asked %v", asked)
	}
}

// A stored login from an authorization server the server no longer names
// is not refreshed there: the hint sends the user to log in with the new
// one, which means a new registration (SEP-2352).
func TestStoredLoginFromAnotherAuthServer(t *testing.T) {
	f := mcptest.FakeOAuth(t, mcptest.FakeOAuthOptions{Token: "the-current-token-1234", ProtectedResource: true, AuthServer: true})
	var asked []bool
	source := func(_ context.Context, _ config.Server, refresh bool) (*OAuthToken, error) {
		asked = append(asked, refresh)
		return &OAuthToken{AccessToken: "an-old-as-token-9876", Issuer: "https://old-as.example.com", Expiry: time.Now().Add(time.Hour)}, nil
	}
	res := tokenRun(t, httpServerConfig("docs", f.MCPURL, 0), nil, source)
	if !slices.Equal(asked, []bool{false}) {
		t.Errorf("OAuthToken asked with refresh %v, want [false]: the old authorization server cannot help", asked)
	}
	if res.Auth.Status != AuthFailed || !strings.Contains(res.Auth.Hint, "mcpdoctor login docs") || !strings.Contains(res.Auth.Hint, "https://old-as.example.com") {
		t.Errorf("status %s hint %q", res.Auth.Status, res.Auth.Hint)
	}
	wantFinding(t, res, "authorization_server_changed", evidence.SeverityWarning, "https://old-as.example.com", f.URL)
}

// A stored token refused with 403 insufficient_scope gets a finding that
// names the scopes and the exact login that asks for them.
func TestStoredTokenLacksScope(t *testing.T) {
	f := mcptest.FakeOAuth(t, mcptest.FakeOAuthOptions{Token: "a-broader-token-1234", ProtectedResource: true, AuthServer: true,
		RejectStatus: http.StatusForbidden, RejectChallenge: `Bearer error="insufficient_scope", scope="files:read files:write"`})
	source := func(context.Context, config.Server, bool) (*OAuthToken, error) {
		return &OAuthToken{AccessToken: "a-narrow-token-9876", Issuer: f.URL, Expiry: time.Now().Add(time.Hour)}, nil
	}
	res := tokenRun(t, httpServerConfig("docs", f.MCPURL, 0), nil, source)
	login := "`mcpdoctor login docs --scopes \"files:read files:write\"`"
	if res.Auth.Status != AuthFailed || !strings.Contains(res.Auth.Hint, login) {
		t.Errorf("status %s hint %q, want failed and %s", res.Auth.Status, res.Auth.Hint, login)
	}
	wantFinding(t, res, "insufficient_scope", evidence.SeverityWarning, `it wants the scope "files:read files:write"`, login)
}
