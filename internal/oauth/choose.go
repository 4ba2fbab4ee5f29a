// Package oauth is mcpdoctor's OAuth 2.1 client for MCP servers: the
// authorization code flow with PKCE (S256) on a loopback redirect, dynamic
// client registration (RFC 7591) as a public client, resource indicators
// (RFC 8707) and refresh. It follows the MCP authorization spec
// (2025-11-25, "Authorization"); discovery (RFC 9728, RFC 8414) is the
// probe's, which hands over what it found as Endpoints.
package oauth

import (
	"net/url"
	"strings"
)

// Scope sources, in the order they win.
const (
	ScopesFromFlag      = "--scopes"
	ScopesFromConfig    = "the config's scopes"
	ScopesFromChallenge = "the server's WWW-Authenticate challenge"
	ScopesFromSupported = "scopes_supported in the server's metadata"
)

// SplitScopes reads scopes as a user writes them, in one value or several,
// each comma- or space-separated (--scopes a,b or --scopes "a b"): a
// scope is a space-delimited list (RFC 6749 §3.3).
func SplitScopes(values []string) []string {
	var out []string
	for _, v := range values {
		out = append(out, strings.Fields(strings.ReplaceAll(v, ",", " "))...)
	}
	return out
}

// ChooseScopes picks the scopes to ask for: the flag's, else the config's,
// else the challenge's scope (space separated), else scopes_supported (the
// spec's scope selection strategy). It says where they came from; none at
// all is allowed, and leaves the choice to the authorization server.
func ChooseScopes(flag, configured []string, challenge string, supported []string) (scopes []string, from string) {
	switch {
	case len(flag) > 0:
		return flag, ScopesFromFlag
	case len(configured) > 0:
		return configured, ScopesFromConfig
	case strings.TrimSpace(challenge) != "":
		return strings.Fields(challenge), ScopesFromChallenge
	case len(supported) > 0:
		return supported, ScopesFromSupported
	}
	return nil, ""
}

// ChooseResource picks the RFC 8707 resource: the config's oauth_resource,
// else the resource of the server's protected resource metadata, else the
// MCP server's canonical URI (RFC 8707 §2; MCP spec, "Canonical Server
// URI"): scheme and host in lower case, no query, no fragment.
func ChooseResource(configured, advertised, serverURL string) string {
	if configured != "" {
		return configured
	}
	if advertised != "" {
		return advertised
	}
	return CanonicalURI(serverURL)
}

// CanonicalURI is the MCP server's URI as a resource indicator.
func CanonicalURI(serverURL string) string {
	u, err := url.Parse(serverURL)
	if err != nil {
		return serverURL
	}
	u.Scheme = strings.ToLower(u.Scheme)
	u.Host = strings.ToLower(u.Host)
	u.RawQuery, u.ForceQuery, u.Fragment, u.RawFragment, u.User = "", false, "", "", nil
	return u.String()
}
