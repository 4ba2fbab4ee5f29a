package oauth_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/mcpdoctor/mcpdoctor/internal/mcptest"
	"github.com/mcpdoctor/mcpdoctor/internal/oauth"
)

// browser returns an Open func that plays the browser in mode and records
// the authorization URL it was given.
func browser(t *testing.T, mode string, seen *string) func(string) error {
	return func(u string) error {
		if seen != nil {
			*seen = u
		}
		go func() {
			if _, err := mcptest.Browse(u, mode); err != nil {
				t.Logf("browser: %v", err)
			}
		}()
		return nil
	}
}

// fakeEndpoints are a FakeOAuth's authorization server endpoints.
func fakeEndpoints(f *mcptest.FakeOAuthServer) oauth.Endpoints {
	return oauth.Endpoints{
		Issuer:               f.URL,
		AuthorizationURL:     f.URL + "/authorize",
		TokenURL:             f.URL + "/token",
		RegistrationURL:      f.URL + "/register",
		CodeChallengeMethods: []string{"S256"},
	}
}

func flowError(t *testing.T, err error, step string, contains ...string) *oauth.Error {
	t.Helper()
	var oe *oauth.Error
	if !errors.As(err, &oe) {
		t.Fatalf("error = %v (%T), want an *oauth.Error", err, err)
	}
	if oe.Step != step {
		t.Errorf("step = %q, want %q (%v)", oe.Step, step, err)
	}
	for _, c := range contains {
		if !strings.Contains(err.Error(), c) {
			t.Errorf("error %q lacks %q", err, c)
		}
	}
	return oe
}

// initializeWith posts initialize with the token and returns the status.
func initializeWith(t *testing.T, mcpURL, token string) int {
	t.Helper()
	body := `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}`
	req, _ := http.NewRequest(http.MethodPost, mcpURL, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestLoginAgainstOAuthExample logs in to the TypeScript SDK's OAuth example
// server: discovery from its metadata, dynamic registration, PKCE, the
// resource, and a token the MCP server accepts.
func TestLoginAgainstOAuthExample(t *testing.T) {
	srv := mcptest.OAuthExample(t)
	resp, err := http.Get(srv.AuthServerURL + ".well-known/oauth-authorization-server")
	if err != nil {
		t.Fatal(err)
	}
	var md struct {
		Issuer                        string   `json:"issuer"`
		AuthorizationEndpoint         string   `json:"authorization_endpoint"`
		TokenEndpoint                 string   `json:"token_endpoint"`
		RegistrationEndpoint          string   `json:"registration_endpoint"`
		CodeChallengeMethodsSupported []string `json:"code_challenge_methods_supported"`
	}
	json.NewDecoder(resp.Body).Decode(&md)
	resp.Body.Close()

	if status := initializeWith(t, srv.MCPURL, "not-a-token"); status == http.StatusOK {
		t.Fatalf("the example accepts any token (%d); the test would prove nothing", status)
	}
	var seen string
	res, err := oauth.Flow{
		ServerName: "example",
		Endpoints: oauth.Endpoints{Issuer: md.Issuer, AuthorizationURL: md.AuthorizationEndpoint, TokenURL: md.TokenEndpoint,
			RegistrationURL: md.RegistrationEndpoint, CodeChallengeMethods: md.CodeChallengeMethodsSupported},
		Resource: srv.MCPURL,
		Scopes:   []string{"mcp:tools"},
		Timeout:  20 * time.Second,
		Open:     browser(t, mcptest.BrowseApprove, &seen),
	}.Run(context.Background())
	if err != nil {
		t.Fatalf("login: %v", err)
	}
	if !res.Registered || res.ClientID == "" || res.ClientSecret != "" {
		t.Errorf("client = %q registered=%v secret set=%v, want a registered public client", res.ClientID, res.Registered, res.ClientSecret != "")
	}
	for _, want := range []string{"code_challenge_method=S256", "code_challenge=", "state=", "resource=http%3A%2F%2Flocalhost", "scope=mcp%3Atools", "redirect_uri=http%3A%2F%2F127.0.0.1%3A"} {
		if !strings.Contains(seen, want) {
			t.Errorf("authorization URL %s lacks %s", seen, want)
		}
	}
	if res.Token.AccessToken == "" || res.Token.Expiry.IsZero() {
		t.Fatalf("token = %+v, want an access token with an expiry", res.Token)
	}
	if status := initializeWith(t, srv.MCPURL, res.Token.AccessToken); status != http.StatusOK {
		t.Errorf("initialize with the token answered %d, want 200", status)
	}
}

// TestLoginSendsResourceAndChecksPKCE runs a login against the fake
// authorization server, which checks the PKCE verifier, and reads what it
// was sent.
func TestLoginSendsResourceAndChecksPKCE(t *testing.T) {
	f := mcptest.FakeOAuth(t, mcptest.FakeOAuthOptions{ProtectedResource: true, AuthServer: true, Authorize: true})
	res, err := oauth.Flow{
		Endpoints: fakeEndpoints(f), Resource: f.MCPURL, Scopes: []string{"mcp:read"},
		Timeout: 10 * time.Second, Open: browser(t, mcptest.BrowseApprove, nil),
	}.Run(context.Background())
	if err != nil {
		t.Fatalf("login: %v", err)
	}
	if !f.AccessTokenValid(res.Token.AccessToken) || res.Token.RefreshToken == "" {
		t.Errorf("token not issued by the fake, or no refresh token: %+v", res.Token)
	}
	grants := f.Grants()
	if len(grants) != 2 {
		t.Fatalf("grants = %+v, want authorize then token", grants)
	}
	for _, g := range grants {
		if !g.Issued || g.Resource != f.MCPURL || g.ClientID != res.ClientID {
			t.Errorf("%s: %+v, want issued to %s for resource %s", g.Endpoint, g, res.ClientID, f.MCPURL)
		}
	}
	if grants[0].Scope != "mcp:read" {
		t.Errorf("authorize scope = %q, want mcp:read", grants[0].Scope)
	}
}

func TestLoginWithPreRegisteredClient(t *testing.T) {
	f := mcptest.FakeOAuth(t, mcptest.FakeOAuthOptions{AuthServer: true, Authorize: true, NoRegistration: true, ClientID: "preset-client"})
	ep := fakeEndpoints(f)
	ep.RegistrationURL = ""
	res, err := oauth.Flow{Endpoints: ep, ClientID: "preset-client", Timeout: 10 * time.Second, Open: browser(t, mcptest.BrowseApprove, nil)}.Run(context.Background())
	if err != nil {
		t.Fatalf("login: %v", err)
	}
	if res.Registered || res.ClientID != "preset-client" {
		t.Errorf("client %q registered=%v, want the configured one", res.ClientID, res.Registered)
	}
	for _, r := range f.Requests() {
		if strings.HasPrefix(r.Path, "/register") {
			t.Errorf("registered although a client_id was given: %s %s", r.Method, r.Path)
		}
	}
}

func TestLoginRefusesWrongState(t *testing.T) {
	f := mcptest.FakeOAuth(t, mcptest.FakeOAuthOptions{AuthServer: true, Authorize: true})
	_, err := oauth.Flow{Endpoints: fakeEndpoints(f), Timeout: 10 * time.Second, Open: browser(t, mcptest.BrowseWrongState, nil)}.Run(context.Background())
	flowError(t, err, oauth.StepAuthorization, "state that does not match", "code was not used")
	for _, g := range f.Grants() {
		if g.Endpoint == "token" {
			t.Errorf("the code of a redirect with a wrong state was exchanged: %+v", g)
		}
	}
}

func TestLoginDeclined(t *testing.T) {
	f := mcptest.FakeOAuth(t, mcptest.FakeOAuthOptions{AuthServer: true, Authorize: true})
	_, err := oauth.Flow{Endpoints: fakeEndpoints(f), Timeout: 10 * time.Second, Open: browser(t, mcptest.BrowseDeny, nil)}.Run(context.Background())
	flowError(t, err, oauth.StepAuthorization, "access_denied", "the user declined", "approve it")
}

func TestLoginRefusesAuthorizationServerWithoutS256(t *testing.T) {
	for _, methods := range [][]string{{"plain"}, nil} {
		f := mcptest.FakeOAuth(t, mcptest.FakeOAuthOptions{AuthServer: true, Authorize: true})
		ep := fakeEndpoints(f)
		ep.CodeChallengeMethods = methods
		opened := false
		_, err := oauth.Flow{Endpoints: ep, Timeout: 10 * time.Second, Open: func(string) error { opened = true; return nil }}.Run(context.Background())
		flowError(t, err, oauth.StepMetadata, "without PKCE S256")
		if opened || len(f.Requests()) > 0 {
			t.Errorf("methods %q: went on after refusing (opened=%v, %d requests)", methods, opened, len(f.Requests()))
		}
	}
}

func TestLoginRegistrationRefused(t *testing.T) {
	f := mcptest.FakeOAuth(t, mcptest.FakeOAuthOptions{AuthServer: true, Authorize: true, RegisterStatus: http.StatusForbidden})
	_, err := oauth.Flow{ServerName: "docs", Endpoints: fakeEndpoints(f), Timeout: 10 * time.Second, Open: browser(t, mcptest.BrowseApprove, nil)}.Run(context.Background())
	flowError(t, err, oauth.StepRegistration, "refused dynamic client registration", "403", "invalid_client_metadata", "client_id", "[mcp_servers.docs]")
}

func TestLoginWithoutRegistrationNamesTheConfigKey(t *testing.T) {
	f := mcptest.FakeOAuth(t, mcptest.FakeOAuthOptions{AuthServer: true, Authorize: true, NoRegistration: true})
	ep := fakeEndpoints(f)
	ep.RegistrationURL = ""
	_, err := oauth.Flow{ServerName: "docs", Endpoints: ep, Timeout: 10 * time.Second}.Run(context.Background())
	flowError(t, err, oauth.StepRegistration, "no dynamic client registration", "oauth = { client_id", "[mcp_servers.docs]", "--port")
}

func TestLoginGivesUpWhenTheBrowserNeverComesBack(t *testing.T) {
	f := mcptest.FakeOAuth(t, mcptest.FakeOAuthOptions{AuthServer: true, Authorize: true})
	start := time.Now()
	_, err := oauth.Flow{Endpoints: fakeEndpoints(f), Timeout: 300 * time.Millisecond}.Run(context.Background())
	flowError(t, err, oauth.StepAuthorization, "no redirect came back", "300ms")
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %s to give up after 300ms", d)
	}
}

func TestLoginRefusesCleartextEndpoints(t *testing.T) {
	ep := oauth.Endpoints{AuthorizationURL: "https://as.example/authorize", TokenURL: "http://as.example/token", CodeChallengeMethods: []string{"S256"}}
	_, err := oauth.Flow{Endpoints: ep}.Run(context.Background())
	flowError(t, err, oauth.StepMetadata, "token_endpoint", "clear text")
}

func TestLoginPinnedPortInUse(t *testing.T) {
	f := mcptest.FakeOAuth(t, mcptest.FakeOAuthOptions{AuthServer: true, Authorize: true})
	port, err := strconv.Atoi(strings.TrimPrefix(f.URL, "http://127.0.0.1:"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = oauth.Flow{Endpoints: fakeEndpoints(f), Port: port}.Run(context.Background())
	flowError(t, err, oauth.StepListen, "cannot listen", "--port")
}

func TestCurrentRefreshesWithResource(t *testing.T) {
	f := mcptest.FakeOAuth(t, mcptest.FakeOAuthOptions{AuthServer: true, Authorize: true, TokenLifetime: time.Second})
	res, err := oauth.Flow{Endpoints: fakeEndpoints(f), Resource: f.MCPURL, Timeout: 10 * time.Second, Open: browser(t, mcptest.BrowseApprove, nil)}.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	login := oauth.Login{TokenURL: f.URL + "/token", ClientID: res.ClientID, Resource: f.MCPURL, Token: res.Token}
	// A one-second token is already inside x/oauth2's ten-second margin.
	tok, refreshed, err := oauth.Current(context.Background(), nil, login, false)
	if err != nil || !refreshed {
		t.Fatalf("Current = refreshed %v, %v; want a refresh", refreshed, err)
	}
	if tok.AccessToken == res.Token.AccessToken || tok.RefreshToken == res.Token.RefreshToken {
		t.Errorf("the refresh returned the old tokens")
	}
	if f.AccessTokenValid(res.Token.AccessToken) || !f.AccessTokenValid(tok.AccessToken) {
		t.Errorf("the fake should accept the new access token only")
	}
	g := f.Grants()[len(f.Grants())-1]
	if g.GrantType != "refresh_token" || g.Resource != f.MCPURL || g.ClientID != res.ClientID {
		t.Errorf("refresh request = %+v, want refresh_token with client_id and resource %s", g, f.MCPURL)
	}
	// The rotated-away refresh token is refused, and says so.
	_, _, err = oauth.Current(context.Background(), nil, login, false)
	flowError(t, err, oauth.StepRefresh, "invalid_grant", "log in again")

	// A token still valid is returned as it is, with no request.
	before := len(f.Grants())
	valid := &oauth2.Token{AccessToken: "still-good", Expiry: time.Now().Add(time.Hour)}
	got, refreshed, err := oauth.Current(context.Background(), nil, oauth.Login{TokenURL: f.URL + "/token", Token: valid}, false)
	if err != nil || refreshed || got != valid || len(f.Grants()) != before {
		t.Errorf("a valid token was refreshed (%v, %v)", refreshed, err)
	}
	// An expired token without a refresh token cannot be saved.
	_, _, err = oauth.Current(context.Background(), nil, oauth.Login{TokenURL: f.URL + "/token", Token: &oauth2.Token{AccessToken: "old", Expiry: time.Now().Add(-time.Hour)}}, false)
	flowError(t, err, oauth.StepRefresh, "no refresh token")
}

// force refreshes a token whatever its expiry: the server refused it.
func TestCurrentForcedRefresh(t *testing.T) {
	f := mcptest.FakeOAuth(t, mcptest.FakeOAuthOptions{AuthServer: true, Authorize: true})
	res, err := oauth.Flow{Endpoints: fakeEndpoints(f), Resource: f.MCPURL, Timeout: 10 * time.Second, Open: browser(t, mcptest.BrowseApprove, nil)}.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	login := oauth.Login{TokenURL: f.URL + "/token", ClientID: res.ClientID, Resource: f.MCPURL, Token: res.Token}
	if _, refreshed, _ := oauth.Current(context.Background(), nil, login, false); refreshed {
		t.Fatal("an hour-long token was refreshed without force")
	}
	tok, refreshed, err := oauth.Current(context.Background(), nil, login, true)
	if err != nil || !refreshed || tok.AccessToken == res.Token.AccessToken || !f.AccessTokenValid(tok.AccessToken) {
		t.Errorf("forced: refreshed %v, %v; want a new token the server accepts", refreshed, err)
	}
	if !res.Token.Expiry.After(time.Now()) {
		t.Errorf("force changed the caller's token")
	}
}
