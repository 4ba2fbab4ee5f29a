package mcptest

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// HitCounter is a server that counts the requests it gets, by path: a test
// gives each URL it must never see contacted a path of its own, and asks
// afterwards. Tests that run in parallel share one counter without
// disturbing each other's paths. It plays what a hostile server would send
// a client to: a path with /meta-data/ in it answers as a cloud metadata
// service does, with credentials (HitCounterSecret); a path under
// /.well-known/oauth-authorization-server/ with authorization server
// metadata; every other path 404.
type HitCounter struct {
	URL  string
	mu   sync.Mutex
	hits map[string]int
}

// Hits starts a HitCounter on loopback, stopped by t.Cleanup.
func Hits(t testing.TB) *HitCounter {
	h := &HitCounter{hits: map[string]int{}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.mu.Lock()
		h.hits[r.URL.Path]++
		h.mu.Unlock()
		switch {
		case strings.Contains(r.URL.Path, "/meta-data/"):
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"Code": "Success", "Type": "AWS-HMAC", "RoleName": %q, "AccessKeyId": "ASIAIOSFODNN7EXAMPLE", "SecretAccessKey": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}`, HitCounterSecret)
		case strings.HasPrefix(r.URL.Path, "/.well-known/oauth-authorization-server/"):
			issuer := "http://" + r.Host + strings.TrimPrefix(r.URL.Path, "/.well-known/oauth-authorization-server")
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"issuer": %q, "authorization_endpoint": %q, "token_endpoint": %q, "code_challenge_methods_supported": ["S256"], "internal_note": %q}`,
				issuer, issuer+"/authorize", issuer+"/token", HitCounterSecret)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	h.URL = srv.URL
	return h
}

// HitCounterSecret is in every answer a [HitCounter] gives: what must never
// reach an output when the request should not have been sent.
const HitCounterSecret = "mcpdoctor-ssrf-role-marker"

// RedirectTo starts a server that answers every request 307 Temporary
// Redirect to base and the request's path; stopped by t.Cleanup.
func RedirectTo(t testing.TB, base string) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, base+r.URL.RequestURI(), http.StatusTemporaryRedirect)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// Count says how many requests came for path.
func (h *HitCounter) Count(path string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.hits[path]
}
