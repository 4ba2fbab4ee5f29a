package probe

import (
	"context"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mcpdoctor/mcpdoctor/internal/config"
	"github.com/mcpdoctor/mcpdoctor/internal/evidence"
	"github.com/mcpdoctor/mcpdoctor/internal/mcptest"
)

// The auth verdict, branch by branch, through probe.Run against real peers
// and the fakes of mcptest.FakeOAuth.

// authRun probes s with the given environment.
func authRun(t *testing.T, s config.Server, env map[string]string) *Result {
	t.Helper()
	return Run(context.Background(), s, Options{LookupEnv: envOf(env)})
}

func envOf(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) {
		v, ok := m[k]
		return v, ok
	}
}

func wantAuth(t *testing.T, res *Result, status AuthStatus) {
	t.Helper()
	if res.Auth.Status != status {
		t.Errorf("auth status %q, want %q; evidence:\n  %s%s", res.Auth.Status, status, strings.Join(res.Auth.Evidence, "\n  "), dumpStages(res))
	}
	if (status == AuthFailed || status == AuthOAuth) && res.Auth.Hint == "" {
		t.Errorf("a %s verdict without a hint", status)
	}
}

// wantEvidence checks that, in order, each want is a substring of some
// evidence line after the one that held the previous want.
func wantEvidence(t *testing.T, res *Result, want ...string) {
	t.Helper()
	i := 0
	for _, line := range res.Auth.Evidence {
		if i < len(want) && strings.Contains(line, want[i]) {
			i++
		}
	}
	if i < len(want) {
		t.Errorf("evidence lacks %q (in this order: %q):\n  %s", want[i], want, strings.Join(res.Auth.Evidence, "\n  "))
	}
}

func findingOf(res *Result, code string) *evidence.Finding {
	for i := range res.Findings {
		if res.Findings[i].Code == code {
			return &res.Findings[i]
		}
	}
	return nil
}

func wantFinding(t *testing.T, res *Result, code string, severity evidence.Severity, in ...string) {
	t.Helper()
	f := findingOf(res, code)
	if f == nil {
		t.Errorf("no %s finding; findings: %+v", code, res.Findings)
		return
	}
	if f.Severity != severity {
		t.Errorf("%s is %s, want %s", code, f.Severity, severity)
	}
	for _, s := range in {
		if !strings.Contains(f.Message+" "+f.Hint, s) {
			t.Errorf("%s does not say %q: %s / %s", code, s, f.Message, f.Hint)
		}
	}
}

func wantNoFinding(t *testing.T, res *Result, codes ...string) {
	t.Helper()
	for _, code := range codes {
		if f := findingOf(res, code); f != nil {
			t.Errorf("unexpected %s finding: %s", code, f.Message)
		}
	}
}

func TestAuthNoneNothingAdvertised(t *testing.T) {
	t.Parallel()
	srv := mcptest.GoSDKHTTP(t, mcptest.GoSDKOptions{JSONResponse: true})
	res := authRun(t, httpServerConfig("plain", srv.URL+mcptest.GoSDKPath, 10*time.Second), nil)
	wantHealthy(t, res, config.TransportStreamableHTTP)
	wantAuth(t, res, AuthNone)
	wantEvidence(t, res, "POST "+srv.URL+"/mcp initialize → 200 application/json", "tools/list answered with 7 tools",
		"/.well-known/oauth-protected-resource/mcp → 404", "/.well-known/oauth-authorization-server → 404",
		"no OAuth metadata found", "the server answered with no credential sent")
	if res.Auth.OAuth != nil {
		t.Errorf("OAuth info %+v for a server that advertises none", res.Auth.OAuth)
	}
	wantNoFinding(t, res, "oauth_advertised_not_required")
	// The advertisement check is five cheap GETs to the server's origin.
	var asked []string
	for _, ex := range stageOf(t, res, StageOAuthDiscovery).Exchanges {
		if ex.Method == http.MethodGet {
			asked = append(asked, ex.URL)
		}
	}
	if n := len(asked); n != 5 {
		t.Errorf("discovery asked %d URLs, want 5:%s", n, dumpStages(res))
	}
}

// The case that matters most: a server that works without credentials while
// its origin advertises OAuth metadata.
func TestAuthAdvertisedNotRequired(t *testing.T) {
	t.Parallel()
	fake := mcptest.FakeOAuth(t, mcptest.FakeOAuthOptions{AuthServer: true})
	res := authRun(t, httpServerConfig("todo", fake.MCPURL, 10*time.Second), nil)
	wantHealthy(t, res, config.TransportStreamableHTTP)
	wantAuth(t, res, AuthNone)
	wantEvidence(t, res, "initialize → 200", "/.well-known/oauth-authorization-server → 200",
		"authorization server metadata at "+fake.URL+"/.well-known/oauth-authorization-server: issuer="+fake.URL,
		"OAuth metadata is advertised ("+fake.URL+"/.well-known/oauth-authorization-server) but not required")
	info := res.Auth.OAuth
	if info == nil || info.Required || info.LoggedIn || info.Metadata.AS.Issuer != fake.URL || info.Metadata.AS.RegistrationEndpoint == "" {
		t.Errorf("OAuth info %+v, want the fake's issuer, not required", info)
	}
	wantFinding(t, res, "oauth_advertised_not_required", evidence.SeverityInfo, fake.URL+"/.well-known/oauth-authorization-server", "not required")
}

// The Go SDK's protected resource metadata handler, advertising an
// authorization server for an endpoint that needs no token.
func TestAuthGoSDKAdvertisedNotRequired(t *testing.T) {
	t.Parallel()
	as := mcptest.FakeOAuth(t, mcptest.FakeOAuthOptions{AuthServer: true, NoRegistration: true})
	srv := mcptest.GoSDKHTTP(t, mcptest.GoSDKOptions{AuthorizationServers: []string{as.URL}})
	res := authRun(t, httpServerConfig("gosdk", srv.URL+mcptest.GoSDKPath, 10*time.Second), nil)
	wantHealthy(t, res, config.TransportStreamableHTTP)
	wantAuth(t, res, AuthNone)
	wantEvidence(t, res, srv.URL+mcptest.GoSDKResourceMetadataPath+" → 200",
		"protected resource metadata at "+srv.URL+mcptest.GoSDKResourceMetadataPath+": resource="+srv.URL+"/mcp, authorization_servers=["+as.URL+"]",
		as.URL+"/.well-known/oauth-authorization-server → 200", "no registration_endpoint")
	if info := res.Auth.OAuth; info == nil || info.Required || info.Metadata.AS.RegistrationEndpoint != "" || info.Metadata.PRMURL != srv.URL+mcptest.GoSDKResourceMetadataPath {
		t.Errorf("OAuth info %+v", info)
	}
	wantFinding(t, res, "oauth_advertised_not_required", evidence.SeverityInfo)
}

// The TypeScript SDK's OAuth example: 401 → resource_metadata → PRM → its
// authorization server's RFC 8414 metadata, with dynamic registration.
func TestAuthOAuthExample(t *testing.T) {
	t.Parallel()
	srv := mcptest.OAuthExample(t)
	res := authRun(t, httpServerConfig("demo", srv.MCPURL, 10*time.Second), nil)
	wantAuth(t, res, AuthOAuth)
	wantEvidence(t, res,
		"POST "+srv.MCPURL+" server/discover → 401",
		`WWW-Authenticate: Bearer error="invalid_token"`,
		"its Bearer challenge: error=invalid_token, error_description=Missing Authorization header, resource_metadata="+srv.ResourceMetadataURL,
		"GET "+srv.ResourceMetadataURL+" → 200 application/json",
		"protected resource metadata at "+srv.ResourceMetadataURL+": resource="+srv.MCPURL+", authorization_servers=["+srv.AuthServerURL+"], scopes_supported=[mcp:tools]",
		"GET "+strings.TrimSuffix(srv.AuthServerURL, "/")+"/.well-known/oauth-authorization-server → 200",
		"issuer="+srv.AuthServerURL+", authorization_endpoint="+srv.AuthServerURL+"authorize, token_endpoint="+srv.AuthServerURL+"token, registration_endpoint="+srv.AuthServerURL+"register",
		"the server needs an OAuth login at "+srv.AuthServerURL+" (with dynamic client registration)")
	info := res.Auth.OAuth
	if info == nil {
		t.Fatal("no OAuth info")
	}
	if md := info.Metadata; !info.Required || info.LoggedIn || md.AS.RegistrationEndpoint == "" || md.AS.Issuer != srv.AuthServerURL ||
		md.PRMURL != srv.ResourceMetadataURL || md.PRM.Resource != srv.MCPURL ||
		!slices.Equal(md.PRM.ScopesSupported, []string{"mcp:tools"}) || !slices.Contains(md.AS.CodeChallengeMethodsSupported, "S256") {
		t.Errorf("OAuth info %+v", *info)
	}
	if res.Auth.Hint != "run `mcpdoctor login demo`" {
		t.Errorf("hint %q", res.Auth.Hint)
	}
	if res.Healthy || res.Failure == nil || res.Failure.Category != evidence.CategoryAuth || !strings.Contains(res.Failure.Hint, "mcpdoctor login demo") {
		t.Errorf("failure %+v, want an auth failure whose hint names the login", res.Failure)
	}
	wantNoFinding(t, res, "oauth_resource_mismatch", "oauth_issuer_mismatch", "oauth_metadata_invalid")
}

// The Go SDK's bearer middleware: the same 401 whatever is wrong, naming
// protected resource metadata that lists authorization servers or not.
func TestAuthGoSDKBearer(t *testing.T) {
	t.Parallel()
	const token = "sdk-t0ken-f0r-tests"
	as := mcptest.FakeOAuth(t, mcptest.FakeOAuthOptions{AuthServer: true})
	dead := httptest.NewServer(http.NotFoundHandler())
	deadURL := dead.URL
	dead.Close()
	tests := []struct {
		name    string
		servers []string
		env     map[string]string
		status  AuthStatus
		// evidence, in order; finding, when set, must be there.
		evidence []string
		finding  string
		category evidence.Category
	}{
		{name: "no token, PRM without authorization servers", status: AuthFailed,
			evidence: []string{"server/discover → 401", `WWW-Authenticate: Bearer resource_metadata="`,
				mcptest.GoSDKResourceMetadataPath + " → 200", "authorization_servers=[]",
				"/.well-known/oauth-authorization-server → 404", "offers no way to get one"},
			finding: "oauth_no_authorization_servers", category: evidence.CategoryAuth},
		{name: "no token, PRM naming an authorization server", servers: []string{as.URL}, status: AuthOAuth,
			evidence: []string{"server/discover → 401", mcptest.GoSDKResourceMetadataPath + " → 200", as.URL + "/.well-known/oauth-authorization-server → 200",
				"the server needs an OAuth login at " + as.URL}, category: evidence.CategoryAuth},
		{name: "no token, authorization server down", servers: []string{deadURL}, status: AuthFailed,
			evidence: []string{mcptest.GoSDKResourceMetadataPath + " → 200", deadURL + "/.well-known/oauth-authorization-server → no response",
				"no authorization server named by the protected resource metadata answered", "offers no way to get one"}, category: evidence.CategoryAuth},
		{name: "the right token", env: map[string]string{"SDK_TOKEN": token}, status: AuthBearer,
			evidence: []string{"initialize → 200", "the server accepted the Authorization header from bearer_token_env_var $SDK_TOKEN"}},
		{name: "a wrong token", env: map[string]string{"SDK_TOKEN": "not-it"}, status: AuthFailed,
			evidence: []string{"server/discover → 401", "the 401's body: invalid token: not the token this server was given",
				"the server refused the Authorization header from bearer_token_env_var $SDK_TOKEN with 401"}, category: evidence.CategoryAuth},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := mcptest.GoSDKHTTP(t, mcptest.GoSDKOptions{BearerToken: token, AuthorizationServers: tt.servers, JSONResponse: true})
			s := httpServerConfig("gosdk", srv.URL+mcptest.GoSDKPath, 10*time.Second)
			if tt.env != nil {
				s.SetBearerTokenEnvVar("SDK_TOKEN")
			}
			res := authRun(t, s, tt.env)
			wantAuth(t, res, tt.status)
			wantEvidence(t, res, tt.evidence...)
			if tt.finding != "" {
				wantFinding(t, res, tt.finding, evidence.SeverityWarning)
			}
			if tt.category == "" {
				wantHealthy(t, res, config.TransportStreamableHTTP)
			} else if res.Failure == nil || res.Failure.Category != tt.category {
				t.Errorf("failure %+v, want category %s", res.Failure, tt.category)
			}
			if tt.status == AuthFailed && tt.env == nil && !strings.Contains(res.Auth.Hint, "bearer_token_env_var") {
				t.Errorf("hint %q does not name the config key", res.Auth.Hint)
			}
			if tt.env != nil && tt.status == AuthFailed && !strings.Contains(res.Auth.Hint, "$SDK_TOKEN") {
				t.Errorf("hint %q does not name the variable", res.Auth.Hint)
			}
			for _, s := range res.Auth.Evidence {
				if strings.Contains(s, token) {
					t.Errorf("evidence holds the token: %s", s)
				}
			}
		})
	}
}

func TestAuthBare401(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name       string
		challenges []string
		want       string
		hint       string
	}{
		{"bare Bearer", nil, "WWW-Authenticate: Bearer", "bearer_token_env_var"},
		{"no WWW-Authenticate", []string{}, "the 401 carries no WWW-Authenticate header", "env_http_headers"},
		{"Basic only", []string{`Basic realm="intranet"`}, `WWW-Authenticate: Basic realm="intranet"`, "another scheme than Bearer"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fake := mcptest.FakeOAuth(t, mcptest.FakeOAuthOptions{Token: "secret", Challenges: tt.challenges})
			res := authRun(t, httpServerConfig("bare", fake.MCPURL, 10*time.Second), nil)
			wantAuth(t, res, AuthFailed)
			wantEvidence(t, res, "server/discover → 401", tt.want,
				"oauth-protected-resource/mcp → 404", "oauth-authorization-server → 404",
				"default endpoints "+fake.URL+"/authorize", "offers no way to get one")
			if !strings.Contains(res.Auth.Hint, tt.hint) {
				t.Errorf("hint %q lacks %q", res.Auth.Hint, tt.hint)
			}
			if res.Failure == nil || res.Failure.Category != evidence.CategoryAuth || res.Failure.Hint != res.Auth.Hint {
				t.Errorf("failure %+v", res.Failure)
			}
			if res.Auth.OAuth != nil {
				t.Errorf("OAuth info %+v where there is none", res.Auth.OAuth)
			}
		})
	}
}

func TestAuthRejectedCredential(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		status    int
		challenge string
		evidence  string
		hint      string
	}{
		{"invalid_token", 0, "", "its Bearer challenge: error=invalid_token, error_description=The access token expired", "the token is invalid"},
		{"insufficient_scope", http.StatusForbidden, `Bearer error="insufficient_scope", scope="files:read files:write", resource_metadata="{mcp}/prm"`,
			"its Bearer challenge: error=insufficient_scope, scope=files:read files:write", `wants the scope "files:read files:write" for this`},
		{"no error code", 0, `Bearer realm="fake"`, "its Bearer challenge: realm=fake", "check that $API_TOKEN (bearer_token_env_var) holds a current token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fake := mcptest.FakeOAuth(t, mcptest.FakeOAuthOptions{Token: "right", RejectStatus: tt.status, RejectChallenge: tt.challenge})
			s := httpServerConfig("rejecting", fake.MCPURL, 10*time.Second)
			s.SetBearerTokenEnvVar("API_TOKEN")
			res := authRun(t, s, map[string]string{"API_TOKEN": "wrong"})
			wantAuth(t, res, AuthFailed)
			wantEvidence(t, res, "server/discover → ", tt.evidence, "the server refused the Authorization header from bearer_token_env_var $API_TOKEN")
			if !strings.Contains(res.Auth.Hint, tt.hint) || !strings.Contains(res.Auth.Hint, "$API_TOKEN") {
				t.Errorf("hint %q lacks %q", res.Auth.Hint, tt.hint)
			}
			if c := res.Auth.Credential; c == nil || !c.Sent || c.Header != "Authorization" {
				t.Errorf("credential %+v", c)
			}
			if res.Failure == nil || res.Failure.Category != evidence.CategoryAuth {
				t.Errorf("failure %+v", res.Failure)
			}
			// Codex counts the configured token and never asks for
			// metadata; neither does the verdict of a rejected token.
			if slices.ContainsFunc(res.Stages, func(s Stage) bool { return s.Name == StageOAuthDiscovery }) {
				t.Errorf("discovery ran for a rejected bearer token:%s", dumpStages(res))
			}
		})
	}
}

// A configured credential whose variable is unset or empty: failed, as the
// client fails; the probe says whether the server needed it.
func TestAuthUnsetVariable(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		fake     mcptest.FakeOAuthOptions
		server   func(s *config.Server)
		env      map[string]string
		evidence []string
		hint     []string
		// category is the failure's: auth when the server refused, config
		// when it works but not as configured (the client cannot start it).
		category evidence.Category
	}{
		{name: "bearer_token_env_var unset, server needs it", fake: mcptest.FakeOAuthOptions{Token: "t"},
			server:   func(s *config.Server) { s.SetBearerTokenEnvVar("MISSING_TOKEN") },
			evidence: []string{"server/discover → 401", "$MISSING_TOKEN (bearer_token_env_var) is not set", "answered 401: it needs the credential"},
			hint:     []string{"set $MISSING_TOKEN (bearer_token_env_var)"}, category: evidence.CategoryAuth},
		{name: "bearer_token_env_var empty, server does not need it",
			server: func(s *config.Server) { s.SetBearerTokenEnvVar("EMPTY_TOKEN") }, env: map[string]string{"EMPTY_TOKEN": ""},
			evidence: []string{"initialize → 200", "$EMPTY_TOKEN (bearer_token_env_var) is empty", "it does not need the credential"},
			hint:     []string{"set $EMPTY_TOKEN", "remove bearer_token_env_var from [mcp_servers.unset]"}, category: evidence.CategoryConfig},
		{name: "bearer_token_env_var unset, server needs OAuth", fake: mcptest.FakeOAuthOptions{Token: "t", ProtectedResource: true, AuthServer: true},
			server:   func(s *config.Server) { s.SetBearerTokenEnvVar("MISSING_TOKEN") },
			evidence: []string{"server/discover → 401", "it needs the credential", "the server also offers OAuth"},
			hint:     []string{"set $MISSING_TOKEN", "mcpdoctor login unset"}, category: evidence.CategoryAuth},
		// Codex drops an env_http_headers header whose variable is unset,
		// so it sees no Authorization and goes by the metadata.
		{name: "env_http_headers Authorization unset, metadata advertised", fake: mcptest.FakeOAuthOptions{AuthServer: true},
			server:   func(s *config.Server) { s.AddEnvHTTPHeaders(map[string]string{"Authorization": "AUTH_HEADER"}) },
			evidence: []string{"initialize → 200", "$AUTH_HEADER (env_http_headers.Authorization) is not set", "it does not need the credential"},
			hint:     []string{"set $AUTH_HEADER (env_http_headers)", "remove env_http_headers"}, category: evidence.CategoryConfig},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fake := mcptest.FakeOAuth(t, tt.fake)
			s := httpServerConfig("unset", fake.MCPURL, 10*time.Second)
			tt.server(&s)
			res := authRun(t, s, tt.env)
			wantAuth(t, res, AuthFailed)
			wantEvidence(t, res, tt.evidence...)
			for _, h := range tt.hint {
				if !strings.Contains(res.Auth.Hint, h) {
					t.Errorf("hint %q lacks %q", res.Auth.Hint, h)
				}
			}
			if c := res.Auth.Credential; c == nil || c.Sent {
				t.Errorf("credential %+v, want one not sent", c)
			}
			// Unhealthy either way: the client fails to start the server
			// as configured, whether or not the server needs the credential.
			if res.Healthy {
				t.Error("healthy, want unhealthy")
			}
			if res.Failure == nil || res.Failure.Category != tt.category {
				t.Errorf("failure %+v, want category %s", res.Failure, tt.category)
			}
			for _, r := range fake.Requests() {
				if r.Header.Get("Authorization") != "" {
					t.Errorf("%s %s carried Authorization %q", r.Method, r.Path, r.Header.Get("Authorization"))
				}
			}
		})
	}
}

// WWW-Authenticate with odd quoting and several challenges, over several
// field lines: the Bearer challenge's resource_metadata still leads the way.
func TestAuthOddChallenges(t *testing.T) {
	t.Parallel()
	fake := mcptest.FakeOAuth(t, mcptest.FakeOAuthOptions{Token: "t", ProtectedResource: true, AuthServer: true, Challenges: []string{
		`Basic realm="fake, \"quoted\" realm"`,
		`Newauth realm="apps", type=1,  title="Login to \"apps\"", bEARer   realm="mcp" ,  resource_metadata = "{mcp}/.well-known/oauth-protected-resource/mcp",scope="mcp:read"`,
	}})
	res := authRun(t, httpServerConfig("odd", fake.MCPURL, 10*time.Second), nil)
	wantAuth(t, res, AuthOAuth)
	wantEvidence(t, res, `WWW-Authenticate: Basic realm="fake, \"quoted\" realm"`, "WWW-Authenticate: Newauth",
		"its Bearer challenge: scope=mcp:read, resource_metadata="+fake.URL+"/.well-known/oauth-protected-resource/mcp, realm=mcp",
		"GET "+fake.URL+"/.well-known/oauth-protected-resource/mcp → 200 application/json (")
	wantEvidence(t, res, "ms): resource_metadata of the WWW-Authenticate challenge: protected resource metadata found")
	if info := res.Auth.OAuth; info == nil || info.ChallengeScope != "mcp:read" || !info.Required {
		t.Errorf("OAuth info %+v, want challenge scope mcp:read", info)
	}
	// The challenge's URL is asked first, and the metadata it names is used.
	ex := stageOf(t, res, StageOAuthDiscovery).Exchanges
	if len(ex) == 0 || ex[0].URL != fake.URL+"/.well-known/oauth-protected-resource/mcp" {
		t.Errorf("discovery did not start at resource_metadata:%s", dumpStages(res))
	}
}

// Metadata documents that are HTML, huge, not JSON or an endless event
// stream, where the server's challenge points: evidence and a finding,
// never a crash or a long read.
func TestAuthBadMetadataDocuments(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		doc, evidence, why string
	}{
		{mcptest.FakeDocHTML, "an HTML page, not JSON metadata", "it is an HTML page"},
		{mcptest.FakeDocHuge, "larger than 1048576 bytes, not read", "larger than 1048576 bytes"},
		{mcptest.FakeDocGarbage, "not a JSON object", "not a JSON object"},
		{mcptest.FakeDocStream, "an event stream, not JSON metadata (not read)", "it is an event stream"},
	} {
		t.Run(tt.doc, func(t *testing.T) {
			t.Parallel()
			fake := mcptest.FakeOAuth(t, mcptest.FakeOAuthOptions{Token: "t", ProtectedResource: true, AuthServer: true, Document: tt.doc})
			start := time.Now()
			res := authRun(t, httpServerConfig("bad", fake.MCPURL, 10*time.Second), nil)
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("the probe took %s", d)
			}
			wantAuth(t, res, AuthFailed)
			wantEvidence(t, res, "oauth-protected-resource/mcp → 200", tt.evidence, "offers no way to get one")
			wantFinding(t, res, "oauth_metadata_invalid", evidence.SeverityWarning, fake.URL+"/.well-known/oauth-protected-resource/mcp", tt.why)
			for _, ex := range stageOf(t, res, StageOAuthDiscovery).Exchanges {
				if len(ex.ResponseBody) > evidence.MaxExcerpt+len("…") {
					t.Errorf("an exchange keeps %d bytes of body", len(ex.ResponseBody))
				}
			}
		})
	}
}

// Metadata that names another origin is asked there, with nothing secret;
// metadata that names the wrong resource or issuer is a finding.
func TestAuthMetadataOnAnotherOrigin(t *testing.T) {
	t.Parallel()
	fake := mcptest.FakeOAuth(t, mcptest.FakeOAuthOptions{Token: "t", ProtectedResource: true, AuthServer: true, OnOther: true})
	res := authRun(t, httpServerConfig("split", fake.MCPURL, 10*time.Second), nil)
	wantAuth(t, res, AuthOAuth)
	wantEvidence(t, res, fake.Other.URL+"/.well-known/oauth-protected-resource/mcp is on another origin than the MCP server ("+fake.Server.URL+")",
		"resource="+fake.MCPURL, fake.Other.URL+"/.well-known/oauth-authorization-server → 200")
	if got := res.Auth.OAuth.AuthorizationServer(); got != fake.Other.URL {
		t.Errorf("authorization server %q, want %q", got, fake.Other.URL)
	}
	if len(fake.OtherRequests()) < 2 {
		t.Errorf("the other origin saw %d requests", len(fake.OtherRequests()))
	}
	wantNoFinding(t, res, "oauth_resource_mismatch", "oauth_issuer_mismatch")
}

func TestAuthMetadataMismatch(t *testing.T) {
	t.Parallel()
	fake := mcptest.FakeOAuth(t, mcptest.FakeOAuthOptions{Token: "t", ProtectedResource: true, AuthServer: true,
		Resource: "https://elsewhere.example/mcp", Issuer: "https://issuer.example"})
	res := authRun(t, httpServerConfig("mismatch", fake.MCPURL, 10*time.Second), nil)
	// Clients that check refuse it; the verdict still says where the login
	// would be, and the findings say why it may fail.
	wantAuth(t, res, AuthOAuth)
	wantFinding(t, res, "oauth_resource_mismatch", evidence.SeverityWarning, "https://elsewhere.example/mcp", fake.MCPURL, "RFC 9728")
	wantFinding(t, res, "oauth_issuer_mismatch", evidence.SeverityWarning, "https://issuer.example", fake.URL, "RFC 8414")
}

func TestAuthUnreachable(t *testing.T) {
	t.Parallel()
	closed := httptest.NewServer(http.NotFoundHandler())
	url := closed.URL + "/mcp"
	closed.Close()
	res := authRun(t, httpServerConfig("down", url, 5*time.Second), nil)
	wantAuth(t, res, AuthFailed)
	wantEvidence(t, res, "server/discover failed (refused)")
	if slices.ContainsFunc(res.Stages, func(s Stage) bool { return s.Name == StageOAuthDiscovery }) {
		t.Errorf("discovery ran for a server that is down:%s", dumpStages(res))
	}
}

// User info in the URL is a configured credential, sent as Basic
// authentication: the verdict says so, and names it when it is refused.
func TestAuthURLUserInfo(t *testing.T) {
	t.Parallel()
	const user, password = "alice", "s3cret-pass-9f2"
	srv := mcptest.GoSDKHTTP(t, mcptest.GoSDKOptions{BasicAuth: user + ":" + password, JSONResponse: true})
	withUserInfo := func(info *url.Userinfo) string {
		u, _ := url.Parse(srv.URL + mcptest.GoSDKPath)
		u.User = info
		return u.String()
	}
	for _, tt := range []struct {
		name     string
		url      string
		status   AuthStatus
		evidence string
	}{
		{"the right password", withUserInfo(url.UserPassword(user, password)), AuthBearer,
			"the server accepted the Authorization header from the URL's user info"},
		{"a wrong password", withUserInfo(url.UserPassword(user, "not-the-password")), AuthFailed,
			"the server refused the Authorization header from the URL's user info with 401"},
		{"none", withUserInfo(nil), AuthFailed, `WWW-Authenticate: Basic realm="mcp"`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res := authRun(t, httpServerConfig("basic", tt.url, 10*time.Second), nil)
			if res.Auth.Status != tt.status {
				t.Errorf("auth status %q, want %q; evidence:\n  %s", res.Auth.Status, tt.status, strings.Join(res.Auth.Evidence, "\n  "))
			}
			wantEvidence(t, res, tt.evidence)
			if tt.status == AuthBearer {
				wantHealthy(t, res, config.TransportStreamableHTTP)
			}
			if tt.status == AuthFailed && tt.name != "none" && !strings.Contains(res.Auth.Hint, "check that the URL's user info holds") {
				t.Errorf("hint %q does not name the URL's user info", res.Auth.Hint)
			}
			if cred := res.Auth.Credential; tt.name != "none" && (cred == nil || cred.Source != UserInfoSource || !cred.Sent) {
				t.Errorf("credential %+v, want the URL's user info, sent", cred)
			}
			for _, secret := range []string{password, base64.StdEncoding.EncodeToString([]byte(user + ":" + password))} {
				if tt.status == AuthBearer && !slices.Contains(res.Secrets, secret) {
					t.Errorf("the redactor is not told %q", secret)
				}
			}
		})
	}
}
