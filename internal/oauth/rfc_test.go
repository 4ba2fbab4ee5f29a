package oauth_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mcpdoctor/mcpdoctor/internal/oauth"
)

// The OAuth rules the conformance suite checks end to end
// (TestConformance), here one at a time against a small authorization
// server that shows what it was sent: the iss of RFC 9207, the token
// endpoint authentication a registration asks for, the client credentials
// grant, and hints drawn from the server's metadata.

// tinyAS is an authorization server that approves at once and records the
// registration and token requests. Its zero knobs make a public client
// with the authorization code grant.
type tinyAS struct {
	*httptest.Server
	// secret and registeredMethod, when set, are the registration's
	// client_secret and token_endpoint_auth_method.
	secret, registeredMethod string
	// tokenError, when set, is the token endpoint's OAuth error.
	tokenError string

	mu           sync.Mutex
	registration map[string]any
	tokenForm    url.Values
	tokenAuth    string
}

func newTinyAS(t *testing.T) *tinyAS {
	as := &tinyAS{}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /register", func(w http.ResponseWriter, r *http.Request) {
		var reg map[string]any
		json.NewDecoder(r.Body).Decode(&reg)
		as.mu.Lock()
		as.registration = reg
		as.mu.Unlock()
		out := map[string]any{"client_id": "tiny-client"}
		if as.secret != "" {
			out["client_secret"] = as.secret
		}
		if as.registeredMethod != "" {
			out["token_endpoint_auth_method"] = as.registeredMethod
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		json.NewEncoder(w).Encode(out)
	})
	mux.HandleFunc("GET /authorize", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		back, _ := url.Parse(q.Get("redirect_uri"))
		bq := url.Values{"code": {"tiny-code-31d7"}, "state": {q.Get("state")}}
		back.RawQuery = bq.Encode()
		http.Redirect(w, r, back.String(), http.StatusFound)
	})
	mux.HandleFunc("POST /token", func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		as.mu.Lock()
		as.tokenForm, as.tokenAuth = r.PostForm, r.Header.Get("Authorization")
		as.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		if as.tokenError != "" {
			w.WriteHeader(http.StatusBadRequest)
			json.NewEncoder(w).Encode(map[string]string{"error": as.tokenError})
			return
		}
		json.NewEncoder(w).Encode(map[string]any{"access_token": "tiny-token-8c2f", "token_type": "Bearer", "expires_in": 3600})
	})
	as.Server = httptest.NewServer(mux)
	t.Cleanup(as.Close)
	return as
}

func (as *tinyAS) endpoints() oauth.Endpoints {
	return oauth.Endpoints{Issuer: as.URL, AuthorizationURL: as.URL + "/authorize", TokenURL: as.URL + "/token",
		RegistrationURL: as.URL + "/register", CodeChallengeMethods: []string{"S256"}}
}

// redirecting is a browser that takes the authorization server's redirect
// and changes its query with edit before delivering it.
func redirecting(t *testing.T, edit func(url.Values)) func(string) error {
	return func(authURL string) error {
		go func() {
			client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			resp, err := client.Get(authURL)
			if err != nil {
				t.Logf("browser: %v", err)
				return
			}
			resp.Body.Close()
			back, err := resp.Location()
			if err != nil {
				t.Logf("browser: %v", err)
				return
			}
			q := back.Query()
			edit(q)
			back.RawQuery = q.Encode()
			if r, err := client.Get(back.String()); err == nil {
				io.Copy(io.Discard, r.Body)
				r.Body.Close()
			}
		}()
		return nil
	}
}

func TestChooseAuthMethod(t *testing.T) {
	for _, tt := range []struct {
		secret, registered string
		supported          []string
		want               string
	}{
		{"", "client_secret_post", nil, oauth.AuthNone},
		{"s3cr3t", "client_secret_post", []string{"client_secret_basic"}, oauth.AuthPost},
		{"s3cr3t", "", nil, oauth.AuthBasic},
		{"s3cr3t", "", []string{"client_secret_post", "client_secret_basic"}, oauth.AuthBasic},
		{"s3cr3t", "", []string{"client_secret_post"}, oauth.AuthPost},
		{"s3cr3t", "none", []string{"client_secret_post"}, oauth.AuthPost},
	} {
		if got := oauth.ChooseAuthMethod(tt.secret, tt.registered, tt.supported); got != tt.want {
			t.Errorf("ChooseAuthMethod(secret %v, %q, %q) = %s, want %s", tt.secret != "", tt.registered, tt.supported, got, tt.want)
		}
	}
}

// RFC 9207: the redirect's iss must be the issuer the login started with,
// and must be there when the metadata promises it; a mismatched response
// is not used, and its error_description, which another issuer wrote, is
// not shown.
func TestLoginChecksIss(t *testing.T) {
	as := newTinyAS(t)
	for _, tt := range []struct {
		name     string
		promised bool
		edit     func(q url.Values)
		fails    string
	}{
		{"right iss", true, func(q url.Values) { q.Set("iss", as.URL) }, ""},
		{"no iss, none promised", false, func(url.Values) {}, ""},
		{"no iss, promised", true, func(url.Values) {}, "carries no iss"},
		{"another issuer", false, func(q url.Values) { q.Set("iss", "https://evil.example.com") }, `comes from the issuer "https://evil.example.com"`},
		{"another issuer's error", false, func(q url.Values) {
			q.Del("code")
			q.Set("iss", "https://evil.example.com")
			q.Set("error", "access_denied")
			q.Set("error_description", "call-this-number-555")
		}, "not used (RFC 9207)"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ep := as.endpoints()
			ep.IssParameter = tt.promised
			res, err := oauth.Flow{Endpoints: ep, Timeout: 10 * time.Second, Open: redirecting(t, tt.edit)}.Run(context.Background())
			if tt.fails == "" {
				if err != nil || res.Token.AccessToken != "tiny-token-8c2f" {
					t.Fatalf("login: %v", err)
				}
				return
			}
			flowError(t, err, oauth.StepAuthorization, tt.fails)
			if err != nil && strings.Contains(err.Error(), "call-this-number-555") {
				t.Errorf("the error shows what another issuer wrote: %v", err)
			}
		})
	}
}

// Registration asks for a native public client; the token request
// authenticates as the registration answered.
func TestLoginAuthenticatesAsRegistered(t *testing.T) {
	for _, method := range []string{oauth.AuthNone, oauth.AuthPost, oauth.AuthBasic} {
		t.Run(method, func(t *testing.T) {
			as := newTinyAS(t)
			if method != oauth.AuthNone {
				as.secret, as.registeredMethod = "tiny-secret-6e0a", method
			}
			res, err := oauth.Flow{Endpoints: as.endpoints(), Timeout: 10 * time.Second, Open: redirecting(t, func(url.Values) {})}.Run(context.Background())
			if err != nil {
				t.Fatalf("login: %v", err)
			}
			if res.AuthMethod != method {
				t.Errorf("AuthMethod %s, want %s", res.AuthMethod, method)
			}
			as.mu.Lock()
			defer as.mu.Unlock()
			if as.registration["application_type"] != "native" || as.registration["token_endpoint_auth_method"] != "none" {
				t.Errorf("registration %v, want a native public client", as.registration)
			}
			form, auth := as.tokenForm, as.tokenAuth
			switch method {
			case oauth.AuthNone:
				if form.Get("client_id") != "tiny-client" || form.Has("client_secret") || auth != "" {
					t.Errorf("none: form %v, Authorization %q", form, auth)
				}
			case oauth.AuthPost:
				if form.Get("client_secret") != "tiny-secret-6e0a" || auth != "" {
					t.Errorf("client_secret_post: form %v, Authorization %q", form, auth)
				}
			case oauth.AuthBasic:
				user, pass, _ := (&http.Request{Header: http.Header{"Authorization": {auth}}}).BasicAuth()
				if user != "tiny-client" || pass != "tiny-secret-6e0a" || form.Has("client_secret") {
					t.Errorf("client_secret_basic: form %v, Basic %q:%q", form, user, pass)
				}
			}
		})
	}
}

// Refusals at the token endpoint are explained from the metadata.
func TestTokenRefusalHints(t *testing.T) {
	as := newTinyAS(t)
	as.secret, as.registeredMethod, as.tokenError = "tiny-secret-6e0a", oauth.AuthPost, "invalid_client"
	ep := as.endpoints()
	ep.TokenAuthMethods = []string{"client_secret_post"}
	_, err := oauth.Flow{Endpoints: ep, Timeout: 10 * time.Second, Open: redirecting(t, func(url.Values) {})}.Run(context.Background())
	oe := flowError(t, err, oauth.StepToken, "invalid_client")
	if !strings.Contains(oe.Hint, "client_secret_post") || !strings.Contains(oe.Hint, "token_endpoint_auth_methods_supported") {
		t.Errorf("invalid_client hint %q", oe.Hint)
	}

	as.tokenError = "unsupported_grant_type"
	ep.GrantTypes = []string{"authorization_code", "client_credentials"}
	_, err = oauth.ClientCredentials{Endpoints: ep, ClientID: "ci", ClientSecret: "tiny-secret-6e0a"}.Run(context.Background())
	oe = flowError(t, err, oauth.StepToken, "unsupported_grant_type")
	if !strings.Contains(oe.Hint, `grant_types_supported ["authorization_code" "client_credentials"]`) || !strings.Contains(oe.Hint, "registered without it") {
		t.Errorf("unsupported_grant_type hint %q", oe.Hint)
	}
}

func TestClientCredentials(t *testing.T) {
	t.Run("secret", func(t *testing.T) {
		as := newTinyAS(t)
		ep := as.endpoints()
		ep.GrantTypes = []string{"client_credentials"}
		ep.TokenAuthMethods = []string{"client_secret_post"}
		res, err := oauth.ClientCredentials{Endpoints: ep, ClientID: "ci", ClientSecret: "tiny-secret-6e0a", Resource: "https://mcp.example.com/mcp", Scopes: []string{"mcp:read"}}.Run(context.Background())
		if err != nil || res.Token.AccessToken != "tiny-token-8c2f" || res.AuthMethod != oauth.AuthPost {
			t.Fatalf("result %+v, error %v", res, err)
		}
		as.mu.Lock()
		defer as.mu.Unlock()
		f := as.tokenForm
		if f.Get("grant_type") != "client_credentials" || f.Get("client_id") != "ci" || f.Get("client_secret") != "tiny-secret-6e0a" ||
			f.Get("resource") != "https://mcp.example.com/mcp" || f.Get("scope") != "mcp:read" {
			t.Errorf("token request %v", f)
		}
	})
	t.Run("private_key_jwt", func(t *testing.T) {
		as := newTinyAS(t)
		key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		der, _ := x509.MarshalPKCS8PrivateKey(key)
		signer, err := oauth.ParsePrivateKey(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
		if err != nil {
			t.Fatal(err)
		}
		ep := as.endpoints()
		ep.GrantTypes = []string{"client_credentials"}
		if _, err := (oauth.ClientCredentials{Endpoints: ep, ClientID: "ci", PrivateKey: signer}).Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		as.mu.Lock()
		f := as.tokenForm
		as.mu.Unlock()
		if f.Get("client_assertion_type") != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer" || f.Has("client_secret") {
			t.Fatalf("token request %v", f)
		}
		parts := strings.Split(f.Get("client_assertion"), ".")
		if len(parts) != 3 {
			t.Fatalf("assertion %q is no JWS", f.Get("client_assertion"))
		}
		var header, claims map[string]any
		for i, v := range []*map[string]any{&header, &claims} {
			b, _ := base64.RawURLEncoding.DecodeString(parts[i])
			if err := json.Unmarshal(b, v); err != nil {
				t.Fatal(err)
			}
		}
		if header["alg"] != "ES256" || claims["iss"] != "ci" || claims["sub"] != "ci" || claims["aud"] != as.URL || claims["jti"] == "" {
			t.Errorf("header %v claims %v", header, claims)
		}
		if exp, _ := claims["exp"].(float64); time.Unix(int64(exp), 0).Before(time.Now()) {
			t.Errorf("exp %v is past", claims["exp"])
		}
		sig, _ := base64.RawURLEncoding.DecodeString(parts[2])
		digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
		r, s := new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])
		if len(sig) != 64 || !ecdsa.Verify(&key.PublicKey, digest[:], r, s) {
			t.Error("the assertion's signature does not verify with the client's public key")
		}
	})
	t.Run("grant not offered", func(t *testing.T) {
		as := newTinyAS(t)
		_, err := oauth.ClientCredentials{Endpoints: as.endpoints(), ClientID: "ci", ClientSecret: "tiny-secret-6e0a"}.Run(context.Background())
		flowError(t, err, oauth.StepMetadata, "does not offer the client credentials grant", "authorization_code and implicit only")
		as.mu.Lock()
		defer as.mu.Unlock()
		if as.tokenForm != nil {
			t.Errorf("the token endpoint was asked anyway: %v", as.tokenForm)
		}
	})
}
