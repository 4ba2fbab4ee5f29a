package oauth

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"html"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"

	"github.com/mcpdoctor/mcpdoctor/internal/netguard"
)

// DefaultTimeout is how long a login waits for the browser to come back.
const DefaultTimeout = 5 * time.Minute

// CallbackPath is the loopback redirect's path.
const CallbackPath = "/callback"

// Steps of a login, as an Error names them.
const (
	StepMetadata      = "metadata"
	StepRegistration  = "registration"
	StepListen        = "redirect listener"
	StepAuthorization = "authorization"
	StepToken         = "token exchange"
	StepRefresh       = "refresh"
)

// Error is a login that failed: the step, why, and what to try.
type Error struct {
	Step    string
	Message string
	Hint    string
	Err     error
}

func (e *Error) Error() string {
	msg := e.Step + ": " + e.Message
	if e.Hint != "" {
		msg += "; " + e.Hint
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }

// Endpoints are the authorization server's, from its metadata (RFC 8414).
type Endpoints struct {
	Issuer           string
	AuthorizationURL string
	TokenURL         string
	RegistrationURL  string
	// CodeChallengeMethods is code_challenge_methods_supported; a login
	// needs S256 in it.
	CodeChallengeMethods []string
	// TokenAuthMethods is token_endpoint_auth_methods_supported: how a
	// client with a secret authenticates at the token endpoint.
	TokenAuthMethods []string
	// IssParameter is authorization_response_iss_parameter_supported
	// (RFC 9207): the authorization response must then carry iss.
	IssParameter bool
	// ClientIDMetadataDocuments is client_id_metadata_document_supported:
	// a client may use the URL of its metadata document as its client_id.
	ClientIDMetadataDocuments bool
	// GrantTypes is grant_types_supported; empty means the RFC 8414
	// default, authorization_code and implicit.
	GrantTypes []string
}

// The grants mcpdoctor uses.
const (
	GrantAuthorizationCode = "authorization_code"
	GrantClientCredentials = "client_credentials"
)

// grantListed says whether the metadata allows grant: listed, or, with no
// list, the RFC 8414 default (authorization_code and implicit).
func (e Endpoints) grantListed(grant string) bool {
	if len(e.GrantTypes) == 0 {
		return grant == GrantAuthorizationCode
	}
	return slices.Contains(e.GrantTypes, grant)
}

// grantsSaid says what the metadata lists as grants, for a hint.
func (e Endpoints) grantsSaid() string {
	if len(e.GrantTypes) == 0 {
		return "its metadata lists no grant_types_supported, which means authorization_code and implicit only (RFC 8414 §2)"
	}
	return fmt.Sprintf("its metadata lists grant_types_supported %q", e.GrantTypes)
}

// Flow is one login: the authorization code grant with PKCE, on a
// loopback redirect (RFC 8252 §7.3).
type Flow struct {
	// ServerName names the server in hints ("[mcp_servers.NAME]").
	ServerName string
	Endpoints  Endpoints
	// ClientID is a pre-registered client (the config's oauth.client_id);
	// empty means register one (RFC 7591). ClientSecret is its secret, for
	// a confidential client (from the environment, never the config).
	ClientID     string
	ClientSecret string
	// ClientMetadataURL is the URL of a client ID metadata document
	// (draft-ietf-oauth-client-id-metadata-document): when the
	// authorization server accepts them, it is the client_id, and nothing
	// is registered.
	ClientMetadataURL string
	// ClientName is what registration calls the client.
	ClientName string
	// Resource is the RFC 8707 resource, sent on the authorization and
	// token requests; Scopes are asked for as they are.
	Resource string
	Scopes   []string
	// Port pins the loopback redirect's port; 0 takes a free one.
	Port int
	// Timeout bounds the wait for the browser; 0 means DefaultTimeout.
	Timeout time.Duration
	// HTTPClient's Transport carries registration and token requests; nil
	// means a fresh one. Its redirects are never followed: a token
	// request must not be replayed to another place.
	HTTPClient *http.Client
	// Open is handed the authorization URL once the redirect listener is
	// ready: it prints it and opens a browser where one exists. An error
	// ends the login.
	Open func(authURL string) error
	// Progress, when set, hears each step as a sentence.
	Progress func(string)
}

// Result is a successful login.
type Result struct {
	Token *oauth2.Token
	// ClientID is the client the token was issued to; ClientSecret is set
	// when registration insisted on a confidential client, or one was
	// given. AuthMethod is how it authenticates at the token endpoint
	// (none, client_secret_basic, client_secret_post).
	ClientID, ClientSecret, AuthMethod string
	// Registered says the client was registered by this login.
	Registered  bool
	RedirectURI string
}

// Run performs the login. The redirect listener is closed when it returns.
func (f Flow) Run(ctx context.Context) (*Result, error) {
	if err := f.check(); err != nil {
		return nil, err
	}
	timeout := f.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	client := f.client()
	ctx = context.WithValue(ctx, oauth2.HTTPClient, client)

	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(f.Port)))
	if err != nil {
		hint := "leave --port out to take a free port"
		if f.Port == 0 {
			hint = "check that this machine allows listening on 127.0.0.1"
		}
		return nil, &Error{Step: StepListen, Message: fmt.Sprintf("cannot listen for the redirect on 127.0.0.1:%d: %v", f.Port, err), Hint: hint, Err: err}
	}
	defer ln.Close()
	redirectURI := fmt.Sprintf("http://127.0.0.1:%d%s", ln.Addr().(*net.TCPAddr).Port, CallbackPath)
	res := &Result{ClientID: f.ClientID, ClientSecret: f.ClientSecret, RedirectURI: redirectURI}
	res.AuthMethod = ChooseAuthMethod(res.ClientSecret, "", f.Endpoints.TokenAuthMethods)

	switch {
	case res.ClientID != "":
	case f.ClientMetadataURL != "" && f.Endpoints.ClientIDMetadataDocuments:
		// The metadata document's URL is the client_id: nothing to
		// register.
		res.ClientID = f.ClientMetadataURL
		f.say("using the client ID metadata document " + f.ClientMetadataURL + " as the client_id")
	default:
		var method string
		if res.ClientID, res.ClientSecret, method, err = f.register(ctx, client, redirectURI); err != nil {
			return nil, err
		}
		res.AuthMethod = ChooseAuthMethod(res.ClientSecret, method, f.Endpoints.TokenAuthMethods)
		res.Registered = true
		f.say(fmt.Sprintf("registered mcpdoctor with %s as client %s", f.Endpoints.RegistrationURL, res.ClientID))
	}

	conf := &oauth2.Config{
		ClientID:     res.ClientID,
		ClientSecret: res.ClientSecret,
		Endpoint:     oauth2.Endpoint{AuthURL: f.Endpoints.AuthorizationURL, TokenURL: f.Endpoints.TokenURL, AuthStyle: AuthStyle(res.AuthMethod)},
		RedirectURL:  redirectURI,
		Scopes:       f.Scopes,
	}
	verifier := oauth2.GenerateVerifier()
	state := randomState()
	opts := []oauth2.AuthCodeOption{oauth2.S256ChallengeOption(verifier)}
	if f.Resource != "" {
		opts = append(opts, oauth2.SetAuthURLParam("resource", f.Resource))
	}
	authURL := conf.AuthCodeURL(state, opts...)

	cb := &callback{state: state, issuer: f.Endpoints.Issuer, issRequired: f.Endpoints.IssParameter, done: make(chan struct{}), exchange: func(ctx context.Context, code string) (*oauth2.Token, error) {
		opts := []oauth2.AuthCodeOption{oauth2.VerifierOption(verifier)}
		if f.Resource != "" {
			opts = append(opts, oauth2.SetAuthURLParam("resource", f.Resource))
		}
		tok, err := conf.Exchange(ctx, code, opts...)
		if err != nil {
			return nil, tokenErrorFor(StepToken, err, "the code was issued", res.AuthMethod, GrantAuthorizationCode, f.Endpoints)
		}
		if t := tok.Type(); t != "Bearer" {
			return nil, &Error{Step: StepToken, Message: fmt.Sprintf("the token endpoint issued a %q token; MCP servers take Bearer tokens", t),
				Hint: "ask the authorization server's operator about bearer tokens for MCP clients"}
		}
		return tok, nil
	}}
	srv := &http.Server{Handler: cb.handler(ctx), ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	defer func() {
		sctx, scancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer scancel()
		srv.Shutdown(sctx)
	}()

	if f.Open != nil {
		if err := f.Open(authURL); err != nil {
			return nil, err
		}
	}
	select {
	case <-cb.done:
	case <-ctx.Done():
		cb.finish(nil, &Error{Step: StepAuthorization,
			Message: fmt.Sprintf("no redirect came back to %s within %s", redirectURI, timeout),
			Hint:    "open the URL printed above in a browser on this machine and approve the login; the redirect must reach 127.0.0.1 here"})
	}
	if cb.err != nil {
		return nil, cb.err
	}
	res.Token = cb.token
	return res, nil
}

// check refuses what a safe login cannot be built on.
func (f Flow) check() error {
	e := f.Endpoints
	if e.AuthorizationURL == "" || e.TokenURL == "" {
		return &Error{Step: StepMetadata, Message: "the authorization server's metadata lacks authorization_endpoint or token_endpoint",
			Hint: "the server's OAuth metadata is incomplete; tell its operator"}
	}
	// OAuth 2.1 and the MCP spec: PKCE is required, and a client must
	// refuse an authorization server that does not say it supports S256.
	if !slices.Contains(e.CodeChallengeMethods, "S256") {
		listed := "lists no code_challenge_methods_supported"
		if len(e.CodeChallengeMethods) > 0 {
			listed = fmt.Sprintf("lists code_challenge_methods_supported %q, without S256", e.CodeChallengeMethods)
		}
		return &Error{Step: StepMetadata, Message: "the authorization server " + listed + ": mcpdoctor refuses a login without PKCE S256, as the MCP spec requires",
			Hint: "ask the authorization server's operator to support PKCE with S256 and to list it in its metadata"}
	}
	for _, u := range []struct{ key, url string }{{"authorization_endpoint", e.AuthorizationURL}, {"token_endpoint", e.TokenURL}, {"registration_endpoint", e.RegistrationURL}} {
		if u.url == "" || (u.key == "registration_endpoint" && f.ClientID != "") {
			// A configured client never registers.
			continue
		}
		if err := checkEndpoint(u.url); err != nil {
			return &Error{Step: StepMetadata, Message: fmt.Sprintf("%s %s: %v", u.key, u.url, err),
				Hint: "OAuth endpoints must use https (plain http only on this machine's loopback)"}
		}
	}
	return nil
}

// checkEndpoint accepts https, and http only on loopback: codes and
// tokens must not cross a network in clear text.
func checkEndpoint(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return errors.New("not an absolute URL")
	}
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		if isLoopback(u.Hostname()) {
			return nil
		}
		return errors.New("plain http to another machine would send the code and tokens in clear text")
	}
	return fmt.Errorf("scheme %q is not https", u.Scheme)
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func (f Flow) client() *http.Client {
	return noRedirectClient(f.HTTPClient)
}

// noRedirectClient is base's transport with a time limit, no cookies and no
// redirects. Without a base, each request has a connection of its own: a
// login's few requests are minutes apart (the browser is in between), and
// a POST on an idle connection the authorization server closes at that
// moment fails with a reset that Go does not retry (a POST is not
// idempotent); Node's servers close idle connections after 5 s.
func noRedirectClient(base *http.Client) *http.Client {
	var rt http.RoundTripper = freshConnections
	if base != nil && base.Transport != nil {
		rt = base.Transport
	}
	return &http.Client{
		Transport:     rt,
		Timeout:       30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// freshConnections is the default transport without keep-alives. The
// endpoints a login uses are the authorization server's, which the MCP
// server named: a caller's context may carry the policy that bounds where
// they lead (internal/netguard), and this transport heeds it.
var freshConnections = func() http.RoundTripper {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.DisableKeepAlives = true
	netguard.Install(t)
	return t
}()

func (f Flow) say(s string) {
	if f.Progress != nil {
		f.Progress(s)
	}
}

// Token endpoint authentication methods (RFC 7591 §2).
const (
	AuthNone  = "none"
	AuthBasic = "client_secret_basic"
	AuthPost  = "client_secret_post"
	AuthJWT   = "private_key_jwt"
)

// ChooseAuthMethod says how a client authenticates at the token endpoint:
// without a secret, none; with one, the method its registration returned,
// else client_secret_basic where the authorization server lists it (or
// lists nothing: RFC 8414's default), else client_secret_post.
func ChooseAuthMethod(secret, registered string, supported []string) string {
	switch {
	case secret == "":
		return AuthNone
	case registered != "" && registered != AuthNone:
		return registered
	case len(supported) == 0 || slices.Contains(supported, AuthBasic):
		return AuthBasic
	case slices.Contains(supported, AuthPost):
		return AuthPost
	}
	return AuthBasic
}

// AuthStyle is how x/oauth2 sends the client's credentials for a method:
// in the form (none, client_secret_post) or in a Basic header.
func AuthStyle(method string) oauth2.AuthStyle {
	if method == AuthBasic {
		return oauth2.AuthStyleInHeader
	}
	return oauth2.AuthStyleInParams
}

// randomState is the CSRF guard (RFC 6749 §10.12): 32 random bytes.
func randomState() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// tokenErrorFor is tokenError with the hint the authorization server's
// metadata allows: invalid_client and unsupported_grant_type say which
// method or grant it takes, not "run the login again".
func tokenErrorFor(step string, err error, what, method, grant string, ep Endpoints) error {
	e := tokenError(step, err, what)
	var oe *Error
	var re *oauth2.RetrieveError
	if !errors.As(e, &oe) || !errors.As(err, &re) {
		return e
	}
	switch re.ErrorCode {
	case "invalid_client":
		oe.Hint = fmt.Sprintf("the authorization server did not accept the client as it authenticated (%s)", method)
		if len(ep.TokenAuthMethods) > 0 {
			oe.Hint += fmt.Sprintf("; its metadata lists token_endpoint_auth_methods_supported %q", ep.TokenAuthMethods)
		}
		oe.Hint += ": check the client's id and secret (the secret comes from the environment, --client-secret-env), or register it again"
	case "unsupported_grant_type", "unauthorized_client":
		oe.Hint = fmt.Sprintf("the authorization server does not take the %s grant from this client; %s", grant, ep.grantsSaid())
		if ep.grantListed(grant) {
			oe.Hint += ": the server offers it, so the client was registered without it; register one with it"
		}
	}
	return oe
}

// tokenError turns a token endpoint's refusal into an Error, without the
// response body, which may echo what was sent.
func tokenError(step string, err error, what string) error {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		msg := "the token endpoint refused"
		if re.Response != nil {
			msg += fmt.Sprintf(" with %d", re.Response.StatusCode)
		}
		if re.ErrorCode != "" {
			msg += ": " + re.ErrorCode
			if re.ErrorDescription != "" {
				msg += " (" + re.ErrorDescription + ")"
			}
		}
		hint := "run the login again"
		if step == StepRefresh {
			hint = "the stored login can no longer be refreshed: log in again"
		}
		return &Error{Step: step, Message: msg, Hint: hint, Err: err}
	}
	return &Error{Step: step, Message: fmt.Sprintf("the token request failed after %s: %v", what, err), Hint: "check that the authorization server is reachable, then run the login again", Err: err}
}

// callback is the loopback redirect's handler: it takes the first redirect
// to CallbackPath, checks its state, and exchanges its code.
type callback struct {
	state string
	// issuer is the authorization server the login started with;
	// issRequired says its metadata promised the iss parameter (RFC 9207).
	issuer      string
	issRequired bool
	exchange    func(context.Context, string) (*oauth2.Token, error)

	once  sync.Once
	done  chan struct{}
	token *oauth2.Token
	err   error
	mu    sync.Mutex
	taken bool
}

func (c *callback) finish(tok *oauth2.Token, err error) {
	c.once.Do(func() {
		c.token, c.err = tok, err
		close(c.done)
	})
}

func (c *callback) handler(ctx context.Context) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc(CallbackPath, func(w http.ResponseWriter, r *http.Request) {
		c.mu.Lock()
		taken := c.taken
		c.taken = true
		c.mu.Unlock()
		if taken {
			page(w, http.StatusConflict, "This login is already finished", "Return to the terminal.")
			return
		}
		q := r.URL.Query()
		got := q.Get("state")
		if subtle.ConstantTimeCompare([]byte(got), []byte(c.state)) != 1 {
			// A redirect mcpdoctor did not start: a stale tab, or another
			// site's forgery (RFC 6749 §10.12). Its code is not used.
			page(w, http.StatusBadRequest, "Login stopped", "The redirect's state does not match the login mcpdoctor started.")
			what := "carries no state"
			if got != "" {
				what = "carries a state that does not match the one mcpdoctor sent"
			}
			c.finish(nil, &Error{Step: StepAuthorization, Message: "the redirect to " + CallbackPath + " " + what + ", so its code was not used (a stale browser tab, or a forged redirect)",
				Hint: "run the login again and use only the newest URL"})
			return
		}
		// RFC 9207 §2.4: an authorization response from another issuer
		// (a mix-up attack) is not used, nor is its error shown, which
		// that issuer wrote.
		if iss, has := q["iss"]; has || c.issRequired {
			if !has || len(iss) != 1 || iss[0] != c.issuer {
				what := "carries no iss, which its authorization server promised (authorization_response_iss_parameter_supported)"
				if has {
					what = fmt.Sprintf("comes from the issuer %q, not %q, the one the login started with", strings.Join(iss, ","), c.issuer)
				}
				page(w, http.StatusBadRequest, "Login stopped", "The redirect does not come from the authorization server this login started with.")
				c.finish(nil, &Error{Step: StepAuthorization, Message: "the redirect " + what + ", so it was not used (RFC 9207)",
					Hint: "run the login again; if it repeats, another site may be standing in for the authorization server"})
				return
			}
		}
		if code := q.Get("error"); code != "" {
			msg := "the authorization server refused the login: " + code
			if d := q.Get("error_description"); d != "" {
				msg += " (" + d + ")"
			}
			hint := "check the scopes asked for (--scopes) and the client's registration, then run the login again"
			if code == "access_denied" {
				hint = "the login was declined in the browser; run it again and approve it"
			}
			page(w, http.StatusOK, "Login refused", msg)
			c.finish(nil, &Error{Step: StepAuthorization, Message: msg, Hint: hint})
			return
		}
		code := q.Get("code")
		if code == "" {
			page(w, http.StatusBadRequest, "Login stopped", "The redirect carries no code.")
			c.finish(nil, &Error{Step: StepAuthorization, Message: "the redirect carries neither a code nor an error", Hint: "run the login again"})
			return
		}
		tok, err := c.exchange(ctx, code)
		if err != nil {
			page(w, http.StatusOK, "Login failed", "mcpdoctor could not exchange the code for a token; see the terminal.")
			c.finish(nil, err)
			return
		}
		page(w, http.StatusOK, "Logged in", "mcpdoctor has its token. You can close this tab.")
		c.finish(tok, nil)
	})
	return mux
}

func page(w http.ResponseWriter, status int, title, text string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	fmt.Fprintf(w, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>mcpdoctor: %s</title></head><body><h1>%s</h1><p>%s</p></body></html>\n",
		html.EscapeString(title), html.EscapeString(title), html.EscapeString(text))
}
