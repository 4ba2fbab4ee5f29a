package mcptest

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"testing"
)

// OAuthExampleName is the serverInfo.name of the TypeScript SDK's
// simpleStreamableHttp example.
const OAuthExampleName = "simple-streamable-http-server"

// OAuthServer is the TypeScript SDK's OAuth example, running. Its URLs use
// the host name "localhost", because the example builds every URL it
// advertises from http://localhost:PORT; they are spelled here exactly as in
// its metadata, so a client can compare them (RFC 9728 §3.3, RFC 8414 §3.3).
type OAuthServer struct {
	// MCPURL is the Streamable HTTP endpoint, http://localhost:P/mcp; also
	// the "resource" of its protected resource metadata.
	MCPURL string
	// ResourceMetadataURL is http://localhost:P/.well-known/oauth-protected-resource/mcp,
	// as named by resource_metadata in the 401's WWW-Authenticate.
	ResourceMetadataURL string
	// AuthServerURL is the authorization server's issuer,
	// http://localhost:Q/ — with the trailing slash, as the server spells it
	// in both metadata documents. Its RFC 8414 metadata is at
	// http://localhost:Q/.well-known/oauth-authorization-server.
	AuthServerURL string
}

// OAuthExample starts the TypeScript SDK's example MCP server with OAuth
// (@modelcontextprotocol/sdk 1.32.2,
// dist/esm/examples/server/simpleStreamableHttp.js --oauth, with its
// demoInMemoryOAuthProvider.js), bound to 127.0.0.1 by
// testdata/npm/loopback.cjs. It is two HTTP servers in one Node process, on
// two free ports passed in MCP_PORT (default 3000) and MCP_AUTH_PORT
// (default 3001). What it does, read from its code and checked by this
// package's tests:
//
// The MCP server, MCPURL (http://localhost:P/mcp):
//   - POST, GET and DELETE /mcp need "Authorization: Bearer TOKEN". Without
//     one: 401, body {"error":"invalid_token",...}, and
//     WWW-Authenticate: Bearer error="invalid_token", error_description="Missing Authorization header", resource_metadata="http://localhost:P/.well-known/oauth-protected-resource/mcp".
//     With a token it does not know: 500 {"error":"server_error"} — not
//     401, because its verifier throws a plain Error.
//   - GET /.well-known/oauth-protected-resource/mcp (RFC 9728, path
//     inserted): {"resource":MCPURL,"authorization_servers":[AuthServerURL],"scopes_supported":["mcp:tools"],"resource_name":"MCP Demo Server"}.
//     There is nothing at /.well-known/oauth-protected-resource itself.
//   - It also serves a copy of the authorization server's metadata at
//     /.well-known/oauth-authorization-server.
//   - A Host header other than localhost, 127.0.0.1 or [::1] gets 403 (the
//     SDK's DNS rebinding protection).
//   - Authorized, it is a stateful Streamable HTTP server answering in
//     text/event-stream, serverInfo {"name":"simple-streamable-http-server","version":"1.0.0"},
//     with tools such as "greet".
//
// The authorization server, AuthServerURL (http://localhost:Q/):
//   - GET /.well-known/oauth-authorization-server (RFC 8414): issuer,
//     authorization_endpoint /authorize, token_endpoint /token,
//     registration_endpoint /register, response_types ["code"],
//     code_challenge_methods ["S256"], token_endpoint_auth_methods
//     ["client_secret_post","none"], grant_types
//     ["authorization_code","refresh_token"], scopes ["mcp:tools"]. No
//     /.well-known/openid-configuration (404).
//   - POST /register (RFC 7591) is required: clients are kept in memory and
//     none is pre-registered. JSON body with redirect_uris; 201 with a
//     random UUID client_id, and a client_secret unless
//     token_endpoint_auth_method is "none" (then a public client).
//   - GET or POST /authorize approves at once: no login page, no consent.
//     It needs a registered client_id, response_type=code, code_challenge
//     with code_challenge_method=S256 (PKCE is mandatory); scope, state and
//     resource are optional. It answers 302 to redirect_uri?code=UUID&state=…
//     and sets a demo_session cookie. redirect_uri must be registered
//     exactly: the SDK's handler would allow another port on a loopback URI
//     (RFC 8252 §7.3) but the demo provider then rejects it with a 302
//     carrying error=invalid_request ("Unregistered redirect_uri").
//   - POST /token (form encoded): grant_type=authorization_code, code,
//     code_verifier, client_id (and client_secret for a confidential
//     client). Answers {"access_token":UUID,"token_type":"bearer","expires_in":3600,"scope":…}:
//     an opaque random UUID valid one hour, no refresh_token (the
//     refresh_token grant is advertised but answers 500 server_error).
//     Codes are single use.
//   - POST /introspect (form token=…) is what the MCP server uses to check
//     tokens; there is no /revoke (404). The SDK's router also serves, unused,
//     a protected resource metadata document of its own at
//     /.well-known/oauth-protected-resource, naming the issuer as resource.
//   - An unknown client_id at /authorize is 400 invalid_client, not a
//     redirect.
//   - Rate limits per process: 20 registrations an hour, 100 authorize and
//     50 token requests per 15 minutes. Every call starts a new process.
//
// It is killed, with its process group, when the test ends.
func OAuthExample(t testing.TB) OAuthServer {
	t.Helper()
	nodeModules := NodeModules(t)
	node := nodePath(t)
	dir := filepath.Dir(nodeModules)
	var srv OAuthServer
	startServer(t, 2, func(ports []int) (*process, func(context.Context) error, error) {
		mcpPort, authPort := ports[0], ports[1]
		srv = OAuthServer{
			MCPURL:              fmt.Sprintf("http://localhost:%d/mcp", mcpPort),
			ResourceMetadataURL: fmt.Sprintf("http://localhost:%d/.well-known/oauth-protected-resource/mcp", mcpPort),
			AuthServerURL:       fmt.Sprintf("http://localhost:%d/", authPort),
		}
		p, err := startProcess(t, "oauth example", dir,
			[]string{"MCP_PORT=" + strconv.Itoa(mcpPort), "MCP_AUTH_PORT=" + strconv.Itoa(authPort), "NODE_NO_WARNINGS=1"},
			node, "--require", filepath.Join(dir, loopbackPreload), filepath.Join(nodeModules, oauthExampleScript), "--oauth")
		ready := func(ctx context.Context) error {
			if err := checkGetOK(ctx, srv.AuthServerURL+".well-known/oauth-authorization-server"); err != nil {
				return err
			}
			return checkUnauthorized(ctx, srv.MCPURL)
		}
		return p, ready, err
	})
	return srv
}
