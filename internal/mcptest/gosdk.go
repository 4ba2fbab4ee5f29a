package mcptest

import (
	"context"
	"crypto/subtle"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/mcpdoctor/mcpdoctor/internal/mcptest/sdkserver"
	"github.com/modelcontextprotocol/go-sdk/auth"
	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/modelcontextprotocol/go-sdk/oauthex"
)

// GoSDKName is the serverInfo.name of every Go SDK peer; its version is
// "1.0.0". The tools they all serve are listed in sdkserver.ToolNames.
const GoSDKName = sdkserver.Name

// Paths of the Go SDK peers' endpoints on their httptest.Server.
const (
	// GoSDKPath is the Streamable HTTP endpoint of [GoSDKHTTP].
	GoSDKPath = "/mcp"
	// GoSDKSSEPath is the legacy SSE endpoint of [GoSDKSSE]: GET it for the
	// stream, whose "endpoint" event names GoSDKSSEPath?sessionid=ID
	// (lower-case "sessionid", unlike the TypeScript SDK) to POST to.
	GoSDKSSEPath = "/sse"
	// GoSDKResourceMetadataPath is where [GoSDKHTTP] serves its RFC 9728
	// protected resource metadata, path inserted for the resource /mcp
	// (RFC 9728 §3.1); the 401s name it in resource_metadata.
	GoSDKResourceMetadataPath = "/.well-known/oauth-protected-resource/mcp"
	// GoSDKRootResourceMetadataPath serves the same document at the
	// origin's root well-known URL, for clients that look there.
	GoSDKRootResourceMetadataPath = "/.well-known/oauth-protected-resource"
)

// GoSDKOptions shape the server of [GoSDKHTTP]. The zero value is a
// stateful server answering in text/event-stream with seven tools, no auth.
type GoSDKOptions struct {
	// JSONResponse answers POSTs with application/json instead of
	// text/event-stream.
	JSONResponse bool
	// Stateless serves without sessions: no Mcp-Session-Id is issued or
	// read, and GET and DELETE answer 405.
	Stateless bool
	// PageSize caps the tools per tools/list page; 2 gives four pages.
	PageSize int
	// NoTools registers no tools: initialize declares no tools capability.
	NoTools bool
	// BearerToken, when set, makes /mcp require "Authorization: Bearer
	// BearerToken" (the SDK's auth.RequireBearerToken). Any other request
	// gets 401 with WWW-Authenticate: Bearer resource_metadata="URL/.well-known/oauth-protected-resource/mcp"
	// and a text/plain body. The token verified carries an expiry an hour
	// away.
	BearerToken string
	// BasicAuth, when set ("user:password"), makes /mcp require HTTP
	// Basic authentication with exactly those credentials, as servers
	// behind a reverse proxy do; any other request gets 401 with
	// WWW-Authenticate: Basic realm="mcp".
	BasicAuth string
	// AuthorizationServers are issuer URLs listed in the protected resource
	// metadata. Setting them serves that metadata even without BearerToken:
	// a server that advertises OAuth but does not require it.
	AuthorizationServers []string
	// Versions restricts the protocol versions served:
	// sdkserver.ModernVersions or sdkserver.LegacyVersions for a server of
	// one era; empty for both.
	Versions []string
	// Latency makes the server behave like a remote one (see Latency).
	Latency Latency
	// TLS serves https, with httptest's certificate (srv.Client() trusts
	// it; srv.Certificate() is it).
	TLS bool
}

// GoSDKHTTP serves the Go SDK's Streamable HTTP handler
// (mcp.NewStreamableHTTPHandler) in process on 127.0.0.1, at
// srv.URL+[GoSDKPath]. With BearerToken or AuthorizationServers set it also
// serves protected resource metadata (the SDK's
// auth.ProtectedResourceMetadataHandler: resource srv.URL+"/mcp",
// authorization_servers, bearer_methods_supported ["header"]) at
// [GoSDKResourceMetadataPath] and [GoSDKRootResourceMetadataPath], without
// auth. The SDK rejects a non-loopback Host header with 403. The server is
// closed, its open streams cut, when the test ends.
func GoSDKHTTP(t testing.TB, opts GoSDKOptions) *httptest.Server {
	t.Helper()
	server := sdkserver.New(sdkserver.Options{PageSize: opts.PageSize, NoTools: opts.NoTools, Versions: opts.Versions})
	var handler http.Handler = mcp.NewStreamableHTTPHandler(
		func(*http.Request) *mcp.Server { return server },
		&mcp.StreamableHTTPOptions{JSONResponse: opts.JSONResponse, Stateless: opts.Stateless},
	)

	mux := http.NewServeMux()
	srv := httptest.NewUnstartedServer(opts.Latency.Handler(mux))
	srv.Listener = opts.Latency.Listener(srv.Listener)
	base := "http://" + srv.Listener.Addr().String()
	if opts.TLS {
		base = "https://" + srv.Listener.Addr().String()
	}

	if opts.BearerToken != "" || len(opts.AuthorizationServers) > 0 {
		prm := auth.ProtectedResourceMetadataHandler(&oauthex.ProtectedResourceMetadata{
			Resource:               base + GoSDKPath,
			AuthorizationServers:   opts.AuthorizationServers,
			BearerMethodsSupported: []string{"header"},
			ResourceName:           "mcptest Go SDK server",
		})
		mux.Handle(GoSDKResourceMetadataPath, prm)
		mux.Handle(GoSDKRootResourceMetadataPath, prm)
	}
	if opts.BearerToken != "" {
		handler = auth.RequireBearerToken(tokenVerifier(opts.BearerToken), &auth.RequireBearerTokenOptions{
			ResourceMetadataURL: base + GoSDKResourceMetadataPath,
		})(handler)
	}
	if opts.BasicAuth != "" {
		handler = requireBasic(opts.BasicAuth, handler)
	}
	mux.Handle(GoSDKPath, handler)

	if opts.TLS {
		srv.EnableHTTP2 = true
		// Handshakes refused on purpose are not worth a log line.
		srv.Config.ErrorLog = log.New(io.Discard, "", 0)
		srv.StartTLS()
	} else {
		srv.Start()
	}
	t.Cleanup(func() { closeServer(srv) })
	return srv
}

// requireBasic lets through requests whose Basic credentials are
// exactly "user:password" (want); a reverse proxy in front of a server.
func requireBasic(want string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, password, ok := r.BasicAuth()
		if !ok || subtle.ConstantTimeCompare([]byte(user+":"+password), []byte(want)) != 1 {
			w.Header().Set("WWW-Authenticate", `Basic realm="mcp"`)
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// tokenVerifier accepts exactly want.
func tokenVerifier(want string) auth.TokenVerifier {
	return func(_ context.Context, token string, _ *http.Request) (*auth.TokenInfo, error) {
		if subtle.ConstantTimeCompare([]byte(token), []byte(want)) != 1 {
			return nil, fmt.Errorf("%w: not the token this server was given", auth.ErrInvalidToken)
		}
		return &auth.TokenInfo{Expiration: time.Now().Add(time.Hour), UserID: "mcptest"}, nil
	}
}

// GoSDKSSE serves the Go SDK's legacy HTTP+SSE handler (mcp.NewSSEHandler,
// protocol 2024-11-05) in process on 127.0.0.1 with the same tools. GET
// srv.URL+[GoSDKSSEPath] for the stream; its first event, "endpoint", has
// data /sse?sessionid=ID, where messages are POSTed (202 Accepted) and
// answered on the stream. The server is closed, its streams cut, when the
// test ends.
func GoSDKSSE(t testing.TB) *httptest.Server {
	t.Helper()
	server := sdkserver.New(sdkserver.Options{})
	mux := http.NewServeMux()
	mux.Handle(GoSDKSSEPath, mcp.NewSSEHandler(func(*http.Request) *mcp.Server { return server }, nil))
	srv := httptest.NewServer(mux)
	t.Cleanup(func() { closeServer(srv) })
	return srv
}

// closeServer cuts open streams first: Close alone waits for every
// outstanding request, and an SSE GET never ends by itself.
func closeServer(srv *httptest.Server) {
	srv.CloseClientConnections()
	srv.Close()
}

// GoSDKStdioCommand returns the path of a binary serving the Go SDK peer's
// tools over stdio (mcp.StdioTransport), built from
// internal/mcptest/sdkstdio once per test process with `go build`. Its flags:
// -page-size N (tools per tools/list page) and -no-tools. It exits when
// stdin closes. The caller spawns it, and must kill it.
func GoSDKStdioCommand(t testing.TB) string {
	t.Helper()
	return buildMain(t, "sdkstdio")
}
