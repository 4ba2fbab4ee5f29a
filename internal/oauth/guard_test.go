package oauth_test

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/mcpdoctor/mcpdoctor/internal/netguard"
	"github.com/mcpdoctor/mcpdoctor/internal/oauth"
)

// TestLoginEndpointsGuarded: the endpoints of an authorization server come
// from what the MCP server named, so a login's requests are bounded by the
// caller's policy. Every dial reaches a stand-in on 127.0.0.1: the route
// is checked first (allowed, the registration arrives); then the request
// to a private address is refused before anything is dialed.
func TestLoginEndpointsGuarded(t *testing.T) {
	var mu sync.Mutex
	var got []string
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = append(got, r.Host+r.URL.Path)
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		io.WriteString(w, `{"client_id": "registered", "token_endpoint_auth_method": "none"}`)
	}))
	t.Cleanup(srv.Close)
	tr := &http.Transport{
		TLSClientConfig: &tls.Config{InsecureSkipVerify: true}, // the stand-in's certificate names 127.0.0.1
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, "tcp", srv.Listener.Addr().String())
		},
	}
	netguard.Install(tr)
	const private = "https://10.0.0.1:8443"
	login := func(allow bool) error {
		flow := oauth.Flow{
			ServerName: "s",
			Endpoints: oauth.Endpoints{Issuer: private, AuthorizationURL: private + "/authorize", TokenURL: private + "/token",
				RegistrationURL: private + "/register", CodeChallengeMethods: []string{"S256"}},
			ClientName: "mcpdoctor", Resource: "http://127.0.0.1:9/mcp",
			HTTPClient: &http.Client{Transport: tr},
			Open:       func(string) error { return errors.New("no browser in this test") },
		}
		ctx := netguard.With(context.Background(), &netguard.Policy{Home: "127.0.0.1", AllowPrivate: allow})
		_, err := flow.Run(ctx)
		return err
	}
	_ = login(true)
	mu.Lock()
	routed := len(got) == 1 && got[0] == "10.0.0.1:8443/register"
	mu.Unlock()
	if !routed {
		t.Fatalf("the route is not checked: %v", got)
	}
	err := login(false)
	flowError(t, err, oauth.StepRegistration, "private address")
	if !netguard.IsRefused(err) {
		t.Errorf("%v is not a refusal", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 1 {
		t.Errorf("the refused registration arrived: %v", got)
	}
}
