package probe

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
	"github.com/mcpdoctor/mcpdoctor/internal/oauth"
	"github.com/mcpdoctor/mcpdoctor/internal/wire"
)

// secretsIn lists the secrets that appear anywhere in a request: its path
// and query, or any header.
func secretsIn(r mcptest.FakeRequest, secrets []string) []string {
	var found []string
	for _, s := range secrets {
		hit := strings.Contains(r.Path, s) || strings.Contains(r.Body, s)
		for _, vs := range r.Header {
			for _, v := range vs {
				hit = hit || strings.Contains(v, s)
			}
		}
		if hit {
			found = append(found, s)
		}
	}
	return found
}

// The credential never leaves its origin: whatever is configured (a bearer
// token, an API key header, a key in the URL's query), discovery's requests
// to another origin carry none of it, and its requests to the server's own
// well-known URLs carry none of it either.
func TestDiscoveryCredentialNeverLeavesOrigin(t *testing.T) {
	t.Parallel()
	const (
		querySecret  = "q-5ecret-in-the-url"
		headerSecret = "h-5ecret-api-key"
		tokenSecret  = "t-5ecret-bearer"
	)
	secrets := []string{querySecret, headerSecret, tokenSecret}
	tests := []struct {
		name   string
		config func(s *config.Server)
		env    map[string]string
		// discovers: discovery must have reached the other origin, so that
		// the test means something.
		discovers bool
		status    AuthStatus
	}{
		{name: "query secret only", config: func(*config.Server) {}, discovers: true, status: AuthOAuth},
		{name: "API key header (rejected) and query secret", discovers: true, status: AuthFailed,
			config: func(s *config.Server) { s.AddEnvHTTPHeaders(map[string]string{"X-Api-Key": "API_KEY"}) },
			env:    map[string]string{"API_KEY": headerSecret}},
		{name: "API key in http_headers and an unset bearer token", discovers: true, status: AuthFailed,
			config: func(s *config.Server) {
				s.AddHTTPHeaders(map[string]string{"X-Api-Key": headerSecret})
				s.SetBearerTokenEnvVar("UNSET_TOKEN")
			}},
		{name: "bearer token (rejected) and query secret", status: AuthFailed,
			config: func(s *config.Server) { s.SetBearerTokenEnvVar("TOKEN") },
			env:    map[string]string{"TOKEN": tokenSecret}},
		{name: "Authorization in http_headers and query secret", status: AuthFailed,
			config: func(s *config.Server) { s.AddHTTPHeaders(map[string]string{"Authorization": "Bearer " + tokenSecret}) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fake := mcptest.FakeOAuth(t, mcptest.FakeOAuthOptions{Token: "the-right-one", ProtectedResource: true, AuthServer: true, OnOther: true})
			s := httpServerConfig("secretive", fake.MCPURL+"?key="+querySecret, 10*time.Second)
			tt.config(&s)
			// As for a Codex entry: Codex looks for metadata whatever the
			// credential, so discovery runs beside a rejected API key too.
			res := Run(context.Background(), s, Options{LookupEnv: envOf(tt.env), WantOAuthMetadata: func(config.Server) bool { return true }})
			if res.Auth.Status != tt.status {
				t.Errorf("auth %q, want %q:%s", res.Auth.Status, tt.status, dumpStages(res))
			}
			other := fake.OtherRequests()
			if tt.discovers && len(other) == 0 {
				t.Fatalf("discovery never reached the other origin:%s", dumpStages(res))
			}
			for _, r := range other {
				if found := secretsIn(r, secrets); len(found) > 0 {
					t.Errorf("the other origin got %v in %s %s (headers %v)", found, r.Method, r.Path, r.Header)
				}
				for _, h := range []string{"Authorization", "X-Api-Key", "Cookie"} {
					if r.Header.Get(h) != "" {
						t.Errorf("the other origin got a %s header on %s %s", h, r.Method, r.Path)
					}
				}
			}
			for _, r := range fake.Requests() {
				if strings.HasPrefix(r.Path, "/.well-known/") {
					if found := secretsIn(r, secrets); len(found) > 0 {
						t.Errorf("discovery sent %v to %s %s", found, r.Method, r.Path)
					}
				}
			}
			// The MCP requests themselves did carry the query secret: it
			// is part of the configured URL.
			posted := false
			for _, r := range fake.Requests() {
				if r.Method == http.MethodPost {
					posted = true
					if !strings.Contains(r.Path, querySecret) {
						t.Errorf("the MCP POST lost its query: %+v", r)
					}
				}
			}
			if !posted {
				t.Errorf("no MCP POST: %+v", fake.Requests())
			}
		})
	}
}

// A metadata URL that redirects to another origin: not followed, and said.
func TestDiscoveryRedirectToAnotherOrigin(t *testing.T) {
	t.Parallel()
	const keySecret = "k-5ecret-api-key"
	for _, tt := range []struct {
		name   string
		config func(s *config.Server)
		env    map[string]string
	}{
		{"nothing configured", func(*config.Server) {}, nil},
		{"an API key that the server rejects", func(s *config.Server) { s.AddEnvHTTPHeaders(map[string]string{"X-Api-Key": "KEY"}) }, map[string]string{"KEY": keySecret}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fake := mcptest.FakeOAuth(t, mcptest.FakeOAuthOptions{Token: "t", ProtectedResource: true, AuthServer: true, RedirectMetadata: true,
				Challenges: []string{`Bearer resource_metadata="{mcp}/.well-known/oauth-protected-resource/mcp"`}})
			s := httpServerConfig("redirecting", fake.MCPURL+"?key="+keySecret, 10*time.Second)
			tt.config(&s)
			// As for a Codex entry: Codex looks for metadata whatever the
			// credential, so discovery runs beside a rejected API key too.
			res := Run(context.Background(), s, Options{LookupEnv: envOf(tt.env), WantOAuthMetadata: func(config.Server) bool { return true }})
			wantAuth(t, res, AuthFailed)
			wantEvidence(t, res, "GET "+fake.URL+"/.well-known/oauth-protected-resource/mcp → 302",
				"/.well-known/oauth-authorization-server → 302")
			wantEvidence(t, res, "ms): a redirect to another origin ("+fake.Other.URL+"/.well-known/oauth-protected-resource/mcp), not followed")
			if got := fake.OtherRequests(); len(got) != 0 {
				t.Errorf("the other origin got %d requests, first %s %s %v", len(got), got[0].Method, got[0].Path, got[0].Header)
			}
			var redirects int
			for _, ex := range stageOf(t, res, StageOAuthDiscovery).Exchanges {
				if ex.Status == http.StatusFound {
					redirects++
					if strings.Contains(ex.URL, keySecret) {
						t.Errorf("discovery asked %s", ex.URL)
					}
				}
			}
			if redirects == 0 {
				t.Errorf("no redirect exchange recorded:%s", dumpStages(res))
			}
		})
	}
}

// A same-origin redirect is followed, hop by hop.
func TestDiscoverySameOriginRedirect(t *testing.T) {
	t.Parallel()
	mux := http.NewServeMux()
	mux.HandleFunc("/.well-known/oauth-authorization-server", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/metadata.json", http.StatusMovedPermanently)
	})
	mux.HandleFunc("/metadata.json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"issuer":"x","authorization_endpoint":"https://a/authorize","token_endpoint":"https://a/token"}`))
	})
	srv := newTestServer(t, mux)
	rec := &evidence.Recorder{}
	d := oauth.Discover(context.Background(), srv.URL+"/", nil, oauth.DiscoveryConfig{ProtocolVersion: wire.LatestLegacy}, rec)
	if !d.Found() || d.ASURL != srv.URL+"/.well-known/oauth-authorization-server" {
		t.Fatalf("found %v at %q:\n  %s", d.Found(), d.ASURL, strings.Join(d.Evidence, "\n  "))
	}
	ex, _ := rec.Take()
	var summary []string
	for _, e := range ex {
		summary = append(summary, e.Summary())
	}
	joined := strings.Join(summary, "\n")
	if !strings.Contains(joined, "/.well-known/oauth-authorization-server → 301") || !strings.Contains(joined, "/metadata.json → 200") {
		t.Errorf("exchanges:\n%s", joined)
	}
}

// Discovery is bounded in time: a metadata URL that never answers costs one
// request timeout, not the probe.
func TestDiscoveryBoundedInTime(t *testing.T) {
	t.Parallel()
	hang := make(chan struct{})
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-hang:
		}
	})
	srv := newTestServer(t, mux)
	t.Cleanup(func() { close(hang) })
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	d := oauth.Discover(ctx, srv.URL+"/mcp", nil, oauth.DiscoveryConfig{ProtocolVersion: wire.LatestLegacy}, &evidence.Recorder{})
	if elapsed := time.Since(start); elapsed > 2*time.Second {
		t.Errorf("discovery took %s", elapsed)
	}
	if !d.Incomplete || d.Found() {
		t.Errorf("incomplete %v, found %v", d.Incomplete, d.Found())
	}
	if !strings.Contains(strings.Join(d.Evidence, "\n"), "no answer within") {
		t.Errorf("evidence:\n  %s", strings.Join(d.Evidence, "\n  "))
	}
}

func newTestServer(t *testing.T, h http.Handler) *httptest.Server {
	srv := httptest.NewServer(h)
	t.Cleanup(func() {
		srv.CloseClientConnections()
		srv.Close()
	})
	return srv
}
