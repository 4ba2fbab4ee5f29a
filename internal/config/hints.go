package config

// Entry names the server's entry as its file writes it, for hints:
// [mcp_servers.docs] in Codex's TOML, mcpServers.docs in JSON.
func (s Server) Entry() string {
	switch {
	case s.Client() == ClientCommandLine:
		return "the command line"
	case s.Client() == ClientCodex:
		return "[mcp_servers." + QuoteKey(s.Name) + "]"
	case s.table == topLevel:
		return QuoteKey(s.Name)
	case s.table == "":
		return QuoteKey(s.Name)
	}
	return s.table + "." + QuoteKey(s.Name)
}

// CredentialHint says how the server's client is told to send a
// credential from the environment, in its own file's words.
func (s Server) CredentialHint() string {
	if ci := info(s.Client()); ci != nil && ci.credentialHint != "" {
		return ci.credentialHint
	}
	if s.Client() == ClientCommandLine {
		return "--bearer-env VAR for a bearer token, or --header 'X-Api-Key: $VAR' for another header"
	}
	return "a header with the credential"
}

// HeaderKeys names where the client's file takes headers.
func (s Server) HeaderKeys() string {
	if ci := info(s.Client()); ci != nil && ci.headerKeys != "" {
		return ci.headerKeys
	}
	if s.Client() == ClientCommandLine {
		return "--header"
	}
	return "headers"
}

// TransportHint says how to make the server's client speak a transport
// (TransportSSE or TransportStreamableHTTP) to it, or "" when it cannot.
func (s Server) TransportHint(transport Transport) string {
	ci := info(s.Client())
	switch {
	case ci == nil:
		return ""
	case transport == TransportSSE:
		return ci.sseHint
	}
	return ci.httpHint
}

// LoginHint is the client's own command to log in to the server with
// OAuth, or "" when it has none to name.
func (s Server) LoginHint() string {
	if ci := info(s.Client()); ci != nil && ci.loginHint != nil {
		return ci.loginHint(s.Name)
	}
	return ""
}
