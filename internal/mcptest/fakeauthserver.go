package mcptest

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// fakeAuthServer is the working authorization server of a FakeOAuth with
// Authorize set: registration, an /authorize that approves at once, and a
// /token endpoint for the code and refresh grants. It checks what a real
// one checks (registered client and redirect, PKCE S256, single-use codes,
// rotating refresh tokens) and keeps what it was sent, for tests to read.
type fakeAuthServer struct {
	mu      sync.Mutex
	clients map[string]string // client_id → redirect_uri
	codes   map[string]fakeCode
	access  map[string]bool
	refresh map[string]string // refresh token → client_id
	// spent are refresh tokens already exchanged, for reuse detection.
	spent  map[string]string
	grants []FakeGrant
}

type fakeCode struct {
	clientID, redirectURI, challenge, resource, scope string
}

// FakeGrant is one request the fake authorization server answered at
// /authorize or /token, with the parameters that matter.
type FakeGrant struct {
	// Endpoint is "authorize" or "token"; GrantType is the token request's
	// grant_type.
	Endpoint, GrantType string
	ClientID            string
	Resource            string
	Scope               string
	// Issued is true when it issued a code or tokens.
	Issued bool
}

// Grants returns what the authorization server has answered so far.
func (f *FakeOAuthServer) Grants() []FakeGrant {
	f.as.mu.Lock()
	defer f.as.mu.Unlock()
	return append([]FakeGrant(nil), f.as.grants...)
}

// AccessTokenValid says whether the MCP endpoint accepts the access token
// now: it was issued and has not been replaced by a refresh.
func (f *FakeOAuthServer) AccessTokenValid(token string) bool {
	f.as.mu.Lock()
	defer f.as.mu.Unlock()
	return f.as.access[token]
}

func (a *fakeAuthServer) init() {
	a.clients = map[string]string{}
	a.codes = map[string]fakeCode{}
	a.access = map[string]bool{}
	a.refresh = map[string]string{}
	a.spent = map[string]string{}
}

func (a *fakeAuthServer) record(g FakeGrant) {
	a.grants = append(a.grants, g)
}

// serveAuthServer answers the authorization server's endpoints; it reports
// whether the path was one of them.
func (f *FakeOAuthServer) serveAuthServer(w http.ResponseWriter, r *http.Request, body []byte) bool {
	if !f.opts.Authorize {
		return false
	}
	switch r.URL.Path {
	case "/register":
		if f.opts.NoRegistration {
			return false
		}
		f.register(w, r, body)
	case "/authorize":
		f.authorize(w, r)
	case "/token":
		f.token(w, r, body)
	default:
		return false
	}
	return true
}

func (f *FakeOAuthServer) register(w http.ResponseWriter, r *http.Request, body []byte) {
	if f.opts.RegisterStatus != 0 {
		fakeOAuthError(w, f.opts.RegisterStatus, "invalid_client_metadata", "registration is closed to new clients")
		return
	}
	var req struct {
		RedirectURIs []string `json:"redirect_uris"`
		AuthMethod   string   `json:"token_endpoint_auth_method"`
	}
	if r.Method != http.MethodPost || json.Unmarshal(body, &req) != nil || len(req.RedirectURIs) != 1 {
		fakeOAuthError(w, http.StatusBadRequest, "invalid_client_metadata", "one redirect_uri, as JSON")
		return
	}
	id := "client-" + fakeRandom()
	if f.opts.RegisteredClientID != "" {
		id = f.opts.RegisteredClientID
	}
	f.as.mu.Lock()
	f.as.clients[id] = req.RedirectURIs[0]
	f.as.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	json.NewEncoder(w).Encode(map[string]any{"client_id": id, "redirect_uris": req.RedirectURIs, "token_endpoint_auth_method": "none"})
}

func (f *FakeOAuthServer) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	g := FakeGrant{Endpoint: "authorize", ClientID: q.Get("client_id"), Resource: q.Get("resource"), Scope: q.Get("scope")}
	f.as.mu.Lock()
	defer f.as.mu.Unlock()
	defer func() { f.as.record(g) }()
	redirect, ok := f.as.clients[g.ClientID]
	if !ok && f.opts.ClientID != "" && g.ClientID == f.opts.ClientID {
		// A pre-registered client may use any loopback port (RFC 8252 §7.3).
		redirect, ok = q.Get("redirect_uri"), strings.HasPrefix(q.Get("redirect_uri"), "http://127.0.0.1:")
	}
	switch {
	case !ok:
		http.Error(w, "invalid_client: unknown client_id", http.StatusBadRequest)
		return
	case q.Get("redirect_uri") != redirect:
		http.Error(w, "invalid_request: unregistered redirect_uri", http.StatusBadRequest)
		return
	case q.Get("response_type") != "code" || q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" || q.Get("state") == "":
		http.Error(w, "invalid_request: response_type=code, state and a S256 code_challenge are required", http.StatusBadRequest)
		return
	}
	code := "code-" + fakeRandom()
	f.as.codes[code] = fakeCode{clientID: g.ClientID, redirectURI: redirect, challenge: q.Get("code_challenge"), resource: g.Resource, scope: g.Scope}
	g.Issued = true
	to, _ := url.Parse(redirect)
	v := to.Query()
	v.Set("code", code)
	v.Set("state", q.Get("state"))
	to.RawQuery = v.Encode()
	http.Redirect(w, r, to.String(), http.StatusFound)
}

func (f *FakeOAuthServer) token(w http.ResponseWriter, r *http.Request, body []byte) {
	form, err := url.ParseQuery(string(body))
	if r.Method != http.MethodPost || err != nil {
		fakeOAuthError(w, http.StatusBadRequest, "invalid_request", "POST a form")
		return
	}
	g := FakeGrant{Endpoint: "token", GrantType: form.Get("grant_type"), ClientID: form.Get("client_id"), Resource: form.Get("resource"), Scope: form.Get("scope")}
	if f.opts.TokenErrorDescription != "" {
		fakeOAuthError(w, http.StatusBadRequest, "invalid_grant", f.opts.TokenErrorDescription)
		return
	}
	f.as.mu.Lock()
	defer f.as.mu.Unlock()
	defer func() { f.as.record(g) }()
	var scope string
	switch g.GrantType {
	case "authorization_code":
		c, ok := f.as.codes[form.Get("code")]
		delete(f.as.codes, form.Get("code"))
		sum := sha256.Sum256([]byte(form.Get("code_verifier")))
		switch {
		case !ok:
			fakeOAuthError(w, http.StatusBadRequest, "invalid_grant", "unknown or used code")
			return
		case c.clientID != g.ClientID || c.redirectURI != form.Get("redirect_uri"):
			fakeOAuthError(w, http.StatusBadRequest, "invalid_grant", "the code was issued to another client or redirect_uri")
			return
		case base64.RawURLEncoding.EncodeToString(sum[:]) != c.challenge:
			fakeOAuthError(w, http.StatusBadRequest, "invalid_grant", "code_verifier does not match the code_challenge")
			return
		}
		scope = c.scope
	case "refresh_token":
		old := form.Get("refresh_token")
		client, ok := f.as.refresh[old]
		if _, reused := f.as.spent[old]; reused && f.opts.ReuseDetection {
			// A spent refresh token came back: someone else may hold the
			// login, so all of it is revoked (OAuth 2.1 §4.3.1).
			clear(f.as.refresh)
			clear(f.as.access)
			fakeOAuthError(w, http.StatusBadRequest, "invalid_grant", "refresh token reused: the login is revoked")
			return
		}
		if !ok || client != g.ClientID {
			fakeOAuthError(w, http.StatusBadRequest, "invalid_grant", "unknown, used or foreign refresh token")
			return
		}
		// Rotation: the old refresh token and every access token issued
		// before are spent.
		delete(f.as.refresh, old)
		f.as.spent[old] = client
		clear(f.as.access)
	default:
		fakeOAuthError(w, http.StatusBadRequest, "unsupported_grant_type", g.GrantType)
		return
	}
	g.Issued = true
	lifetime := f.opts.TokenLifetime
	if lifetime == 0 {
		lifetime = time.Hour
	}
	at := "fake-access-" + fakeRandom()
	f.as.access[at] = true
	resp := map[string]any{"access_token": at, "token_type": "Bearer", "expires_in": int(lifetime.Seconds())}
	if scope != "" {
		resp["scope"] = scope
	}
	if !f.opts.NoRefreshToken {
		rt := "fake-refresh-" + fakeRandom()
		f.as.refresh[rt] = g.ClientID
		resp["refresh_token"] = rt
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	json.NewEncoder(w).Encode(resp)
}

func fakeOAuthError(w http.ResponseWriter, status int, code, description string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"error": code, "error_description": description})
}

func fakeRandom() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}
