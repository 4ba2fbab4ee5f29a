package codex

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/mcpdoctor/mcpdoctor/internal/config"
	"github.com/mcpdoctor/mcpdoctor/internal/evidence"
	"github.com/mcpdoctor/mcpdoctor/internal/mcptest"
	"github.com/mcpdoctor/mcpdoctor/internal/probe"
)

func envOf(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) {
		v, ok := m[k]
		return v, ok
	}
}

// httpServer is a Codex entry for a Streamable HTTP server.
func httpServer(name, url string) config.Server {
	return config.Server{Name: name, Transport: config.TransportStreamableHTTP, URL: config.Literal(url), Enabled: true,
		StartupTimeout: 10 * time.Second, ToolTimeout: 10 * time.Second}
}

// judge probes s as the commands do for a Codex entry (looking for OAuth
// metadata where Codex's status depends on it) and says what Codex would
// show. home is Codex's home; "" means an empty one, or CODEX_HOME from
// env.
func judge(t *testing.T, s config.Server, env map[string]string, home string) (*probe.Result, *Verdict) {
	t.Helper()
	look := config.Lookup{Env: envOf(env)}
	if home == "" {
		home = Home(look.Env)
		if _, set := env["CODEX_HOME"]; !set {
			home = t.TempDir()
		}
	}
	now := time.Now()
	res := probe.Run(context.Background(), s, probe.Options{LookupEnv: look.Env,
		WantOAuthMetadata: func(s config.Server) bool { return WantsMetadata(s, look, home, now) }})
	v := Judge(s, res, look, home, now)
	if v == nil {
		t.Fatal("no verdict for a Codex entry")
	}
	return res, v
}

func wantCodex(t *testing.T, res *probe.Result, v *Verdict, auth probe.AuthStatus, codex Status) {
	t.Helper()
	if res.Auth.Status != auth {
		t.Errorf("auth status %q, want %q; evidence:\n  %s", res.Auth.Status, auth, strings.Join(res.Auth.Evidence, "\n  "))
	}
	if v.Status != codex {
		t.Errorf("codex_auth_status %q, want %q (%s)", v.Status, codex, v.Reason)
	}
	if v.Reason == "" {
		t.Error("codex_auth_status has no reason")
	}
}

func wantFinding(t *testing.T, v *Verdict, code string, severity evidence.Severity, contains ...string) {
	t.Helper()
	for _, f := range v.Findings {
		if f.Code != code {
			continue
		}
		if f.Severity != severity {
			t.Errorf("%s is %s, want %s", code, f.Severity, severity)
		}
		for _, c := range contains {
			if !strings.Contains(f.Message+" "+f.Hint, c) {
				t.Errorf("%s lacks %q: %s / %s", code, c, f.Message, f.Hint)
			}
		}
		return
	}
	t.Errorf("no %s finding; findings: %+v", code, v.Findings)
}

func wantNoFinding(t *testing.T, v *Verdict) {
	t.Helper()
	for _, f := range v.Findings {
		t.Errorf("unexpected finding %s: %s", f.Code, f.Message)
	}
}

// TestJudge: what Codex shows for servers measured by the probe, and where
// that misleads, the finding that says so.
func TestJudge(t *testing.T) {
	t.Parallel()
	as := mcptest.FakeOAuth(t, mcptest.FakeOAuthOptions{AuthServer: true, NoRegistration: true})
	const token = "codex-judge-token-1234"
	cases := []struct {
		name    string
		server  func(t *testing.T) config.Server
		env     map[string]string
		auth    probe.AuthStatus
		codex   Status
		finding string
		// severity of finding; contains are parts of it, or of the reason
		// when there is no finding.
		severity evidence.Severity
		contains []string
	}{
		{name: "nothing advertised, no credential",
			server: func(t *testing.T) config.Server {
				return httpServer("plain", mcptest.FakeOAuth(t, mcptest.FakeOAuthOptions{}).MCPURL)
			},
			auth: probe.AuthNone, codex: Unsupported, contains: []string{"finds no OAuth metadata"}},
		{name: "metadata advertised, not required: Codex hides the tools",
			server: func(t *testing.T) config.Server {
				return httpServer("todo", mcptest.FakeOAuth(t, mcptest.FakeOAuthOptions{AuthServer: true}).MCPURL)
			},
			auth: probe.AuthNone, codex: NotLoggedIn, finding: "codex_hides_tools", severity: evidence.SeverityWarning,
			contains: []string{"not_logged_in", "hides its tools", "codex mcp login todo"}},
		{name: "the Go SDK's protected resource metadata, not required",
			server: func(t *testing.T) config.Server {
				srv := mcptest.GoSDKHTTP(t, mcptest.GoSDKOptions{AuthorizationServers: []string{as.URL}})
				return httpServer("gosdk", srv.URL+mcptest.GoSDKPath)
			},
			auth: probe.AuthNone, codex: NotLoggedIn, finding: "codex_hides_tools", severity: evidence.SeverityWarning},
		{name: "a 401 and an authorization server: Codex agrees",
			server: func(t *testing.T) config.Server {
				return httpServer("demo", mcptest.FakeOAuth(t, mcptest.FakeOAuthOptions{Token: "t", ProtectedResource: true, AuthServer: true}).MCPURL)
			},
			auth: probe.AuthOAuth, codex: NotLoggedIn},
		{name: "a bare 401",
			server: func(t *testing.T) config.Server {
				return httpServer("bare", mcptest.FakeOAuth(t, mcptest.FakeOAuthOptions{Token: "t"}).MCPURL)
			},
			auth: probe.AuthFailed, codex: Unsupported},
		{name: "the right token in bearer_token_env_var",
			server: func(t *testing.T) config.Server {
				s := httpServer("gosdk", mcptest.GoSDKHTTP(t, mcptest.GoSDKOptions{BearerToken: token}).URL+mcptest.GoSDKPath)
				s.SetBearerTokenEnvVar("SDK_TOKEN")
				return s
			},
			env: map[string]string{"SDK_TOKEN": token}, auth: probe.AuthBearer, codex: BearerToken, contains: []string{"bearer_token_env_var is configured"}},
		{name: "a wrong token in bearer_token_env_var",
			server: func(t *testing.T) config.Server {
				s := httpServer("gosdk", mcptest.GoSDKHTTP(t, mcptest.GoSDKOptions{BearerToken: token}).URL+mcptest.GoSDKPath)
				s.SetBearerTokenEnvVar("SDK_TOKEN")
				return s
			},
			env: map[string]string{"SDK_TOKEN": "not-it"}, auth: probe.AuthFailed, codex: BearerToken},
		{name: "bearer_token_env_var unset, the server needs it",
			server: func(t *testing.T) config.Server {
				s := httpServer("unset", mcptest.FakeOAuth(t, mcptest.FakeOAuthOptions{Token: "t"}).MCPURL)
				s.SetBearerTokenEnvVar("MISSING_TOKEN")
				return s
			},
			auth: probe.AuthFailed, codex: BearerToken, finding: "codex_bearer_token_unset", severity: evidence.SeverityWarning,
			contains: []string{"$MISSING_TOKEN is not set", "the server refuses requests without it"}},
		{name: "bearer_token_env_var empty, the server works without it",
			server: func(t *testing.T) config.Server {
				s := httpServer("unset", mcptest.FakeOAuth(t, mcptest.FakeOAuthOptions{}).MCPURL)
				s.SetBearerTokenEnvVar("EMPTY_TOKEN")
				return s
			},
			env: map[string]string{"EMPTY_TOKEN": ""}, auth: probe.AuthFailed, codex: BearerToken, finding: "codex_bearer_token_unset", severity: evidence.SeverityWarning,
			contains: []string{"remove bearer_token_env_var: the server works without it"}},
		// Codex drops an env_http_headers header whose variable is unset, so
		// it sees no Authorization and goes by the metadata.
		{name: "env_http_headers Authorization unset, metadata advertised",
			server: func(t *testing.T) config.Server {
				s := httpServer("unset", mcptest.FakeOAuth(t, mcptest.FakeOAuthOptions{AuthServer: true}).MCPURL)
				s.AddEnvHTTPHeaders(map[string]string{"Authorization": "AUTH_HEADER"})
				return s
			},
			auth: probe.AuthFailed, codex: NotLoggedIn, finding: "codex_hides_tools", severity: evidence.SeverityWarning},
		{name: "a server that is down",
			server: func(t *testing.T) config.Server {
				closed := httptest.NewServer(http.NotFoundHandler())
				closed.Close()
				return httpServer("down", closed.URL+"/mcp")
			},
			auth: probe.AuthFailed, codex: Unsupported, finding: "codex_unsupported_unreachable", severity: evidence.SeverityInfo,
			contains: []string{"did not answer (refused)"}},
		{name: "a stdio server",
			server: func(t *testing.T) config.Server {
				return config.Server{Name: "local", Transport: config.TransportStdio, Command: config.Literal("definitely-not-a-real-mcp-server"), Enabled: true,
					StartupTimeout: 5 * time.Second}
			},
			auth: probe.AuthFailed, codex: Unsupported, contains: []string{"stdio servers"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			res, v := judge(t, c.server(t), c.env, "")
			wantCodex(t, res, v, c.auth, c.codex)
			if c.finding == "" {
				wantNoFinding(t, v)
				for _, part := range c.contains {
					if !strings.Contains(v.Reason, part) {
						t.Errorf("reason %q lacks %q", v.Reason, part)
					}
				}
				return
			}
			wantFinding(t, v, c.finding, c.severity, c.contains...)
			if f := v.Findings[0]; c.finding == "codex_unsupported_unreachable" && f.Hint != "" {
				t.Errorf("the finding repeats the failure's hint: %q", f.Hint)
			}
		})
	}
}

// TestJudgeOtherClients: Codex judges Codex's entries only.
func TestJudgeOtherClients(t *testing.T) {
	s := httpServer("x", "http://127.0.0.1:9/mcp")
	s.Source.Client = config.ClientClaudeCode
	if v := Judge(s, &probe.Result{}, config.Lookup{}, t.TempDir(), time.Now()); v != nil {
		t.Errorf("a verdict for Claude Code's entry: %+v", v)
	}
	if WantsMetadata(s, config.Lookup{}, t.TempDir(), time.Now()) {
		t.Error("Codex wants metadata for Claude Code's entry")
	}
}
