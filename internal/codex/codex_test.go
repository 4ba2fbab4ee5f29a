package codex

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mcpdoctor/mcpdoctor/internal/config"
	"github.com/mcpdoctor/mcpdoctor/internal/evidence"
	"github.com/mcpdoctor/mcpdoctor/internal/mcptest"
	"github.com/mcpdoctor/mcpdoctor/internal/probe"
)

// writeCodexCredentials writes a .credentials.json the way Codex's file
// store does (codex-rs/rmcp-client/src/oauth.rs): an object of entries
// keyed by "NAME|hash".
func writeCodexCredentials(t *testing.T, dir, content string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, ".credentials.json"), []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestCodexStatusBeforeDiscovery(t *testing.T) {
	now := time.UnixMilli(1_800_000_000_000)
	const url = "https://mcp.example.com/mcp"
	http := func(mod func(s *config.Server)) config.Server {
		s := config.Server{Name: "srv", Transport: config.TransportStreamableHTTP, URL: config.Literal(url)}
		mod(&s)
		return s
	}
	entry := func(name, url, extra string) string {
		return `{"` + name + `|0123456789abcdef":{"server_name":"` + name + `","server_url":"` + url + `","client_id":"cid","access_token":"at"` + extra + `,"scopes":[]}}`
	}
	env := map[string]string{"SET": "Bearer x", "BLANK": "   "}
	tests := []struct {
		name    string
		server  config.Server
		file    string
		want    Status
		because string
	}{
		{"stdio", config.Server{Name: "srv", Transport: config.TransportStdio, Command: config.Literal("x")}, "", Unsupported, "stdio"},
		{"bearer_token_env_var set", http(func(s *config.Server) { s.SetBearerTokenEnvVar("SET") }), "", BearerToken, "bearer_token_env_var"},
		{"bearer_token_env_var unset still counts", http(func(s *config.Server) { s.SetBearerTokenEnvVar("UNSET") }), "", BearerToken, "$UNSET is set, and it is not"},
		{"Authorization in http_headers, any case", http(func(s *config.Server) { s.AddHTTPHeaders(map[string]string{"authorization": "Bearer x"}) }), "", BearerToken, "http_headers"},
		{"Authorization with a control character is dropped", http(func(s *config.Server) { s.AddHTTPHeaders(map[string]string{"Authorization": "Bearer x\n"}) }), "", "", ""},
		{"Authorization from a set variable", http(func(s *config.Server) { s.AddEnvHTTPHeaders(map[string]string{"Authorization": "SET"}) }), "", BearerToken, "$SET"},
		{"Authorization from an unset variable is dropped", http(func(s *config.Server) { s.AddEnvHTTPHeaders(map[string]string{"Authorization": "UNSET"}) }), "", "", ""},
		{"Authorization from a blank variable is dropped", http(func(s *config.Server) { s.AddEnvHTTPHeaders(map[string]string{"Authorization": "BLANK"}) }), "", "", ""},
		{"X-Api-Key is not a bearer token to Codex", http(func(s *config.Server) { s.AddHTTPHeaders(map[string]string{"X-Api-Key": "k"}) }), "", "", ""},
		{"bearer_token_env_var wins over stored tokens", http(func(s *config.Server) { s.SetBearerTokenEnvVar("SET") }), entry("srv", url, ""), BearerToken, ""},
		{"stored token", http(func(*config.Server) {}), entry("srv", url, ""), OAuth, ".credentials.json"},
		{"stored token, not expired", http(func(*config.Server) {}), entry("srv", url, `,"expires_at":1800000060000`), OAuth, ""},
		{"stored token, expired, refreshable", http(func(*config.Server) {}), entry("srv", url, `,"expires_at":1800000010000,"refresh_token":"rt"`), OAuth, ""},
		{"stored token, expired, no refresh token", http(func(*config.Server) {}), entry("srv", url, `,"expires_at":1800000010000`), NotLoggedIn, "expired"},
		{"stored token without a client id", http(func(*config.Server) {}), strings.Replace(entry("srv", url, ""), `"cid"`, `" "`, 1), NotLoggedIn, ""},
		{"token for another URL", http(func(*config.Server) {}), entry("srv", url+"/", ""), "", ""},
		{"token for another name", http(func(*config.Server) {}), entry("other", url, ""), "", ""},
		{"unreadable store", http(func(*config.Server) {}), `{"srv|x": [`, Unsupported, "cannot read"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			home := t.TempDir()
			if tt.file != "" {
				writeCodexCredentials(t, home, tt.file)
			}
			got, reason := BeforeDiscovery(tt.server, tt.server.Launch(config.Lookup{Env: envOf(env)}), home, now)
			if got != tt.want || !strings.Contains(reason, tt.because) {
				t.Errorf("status %q (%s), want %q because %q", got, reason, tt.want, tt.because)
			}
		})
	}
}

func TestCodexStoredTokens(t *testing.T) {
	t.Parallel()
	fake := mcptest.FakeOAuth(t, mcptest.FakeOAuthOptions{})
	for _, tt := range []struct {
		name, extra string
		codex       Status
		finding     string
	}{
		{"usable", "", OAuth, "codex_has_tokens"},
		{"expired", `,"expires_at":1000`, NotLoggedIn, "codex_hides_tools"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			home := t.TempDir()
			file := `{"tokens|0011223344556677":{"server_name":"tokens","server_url":"` + fake.MCPURL + `","client_id":"c","access_token":"a"` + tt.extra + `}}`
			writeCodexCredentials(t, home, file)
			before, _ := os.ReadFile(filepath.Join(home, ".credentials.json"))
			// CODEX_HOME comes from the environment.
			res, v := judge(t, httpServer("tokens", fake.MCPURL), map[string]string{"CODEX_HOME": home}, "")
			wantCodex(t, res, v, probe.AuthNone, tt.codex)
			wantFinding(t, v, tt.finding, map[string]evidence.Severity{"codex_has_tokens": evidence.SeverityInfo, "codex_hides_tools": evidence.SeverityWarning}[tt.finding], "tokens")
			after, _ := os.ReadFile(filepath.Join(home, ".credentials.json"))
			if string(before) != string(after) {
				t.Error("the token store changed")
			}
			for _, r := range fake.Requests() {
				if r.Header.Get("Authorization") != "" {
					t.Errorf("mcpdoctor sent Codex's token: %s %s", r.Method, r.Path)
				}
			}
		})
	}
}

// A server that takes an API key in a header Codex does not count, or the
// user info in its URL, which Codex sends (as Basic) but does not count
// either.
func TestCodexStaticHeader(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name    string
		fake    mcptest.FakeOAuthOptions
		codex   Status
		finding string
	}{
		{"nothing advertised", mcptest.FakeOAuthOptions{}, Unsupported, "codex_static_header"},
		{"metadata advertised", mcptest.FakeOAuthOptions{AuthServer: true}, NotLoggedIn, "codex_hides_tools"},
	} {
		for _, how := range []struct{ name, says string }{{"header", "X-Api-Key"}, {"user info", "the URL's user info"}} {
			t.Run(tt.name+"/"+how.name, func(t *testing.T) {
				t.Parallel()
				fake := mcptest.FakeOAuth(t, tt.fake)
				s := httpServer("keyed", fake.MCPURL)
				if how.name == "header" {
					s.AddHTTPHeaders(map[string]string{"X-Api-Key": "k-123"})
				} else {
					s.URL = config.Literal(strings.Replace(fake.MCPURL, "http://", "http://user:k-123@", 1))
				}
				res, v := judge(t, s, nil, "")
				wantCodex(t, res, v, probe.AuthBearer, tt.codex)
				wantFinding(t, v, tt.finding, map[string]evidence.Severity{"codex_static_header": evidence.SeverityInfo, "codex_hides_tools": evidence.SeverityWarning}[tt.finding], how.says)
				for _, r := range fake.Requests() {
					if strings.HasPrefix(r.Path, "/.well-known/") && (r.Header.Get("X-Api-Key") != "" || r.Header.Get("Authorization") != "") {
						t.Errorf("discovery sent the credential to %s", r.Path)
					}
				}
			})
		}
	}
}
