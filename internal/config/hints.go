package config

// Entry names the server's entry as its file writes it, for hints:
// [mcp_servers.docs] in Codex's TOML, mcpServers.docs in JSON.
func (s Server) Entry() string {
	switch {
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
	switch s.Client() {
	case ClientCodex:
		return `bearer_token_env_var = "VAR" for a bearer token, or env_http_headers = { "X-Api-Key" = "VAR" } for another header`
	case ClientClaudeCode, ClientCopilotCLI:
		return `"headers": { "Authorization": "Bearer ${VAR}" }, or another header the same way`
	case ClientCursor, ClientVSCode, ClientWindsurf, ClientCline:
		return `"headers": { "Authorization": "Bearer ${env:VAR}" }, or another header the same way`
	case ClientGemini:
		return `"headers": { "Authorization": "Bearer $VAR" }, or another header the same way`
	case ClientOpencode:
		return `"headers": { "Authorization": "Bearer {env:VAR}" }, or another header the same way`
	case ClientContinue:
		return `apiKey: ${{ secrets.VAR }} for a bearer token, or requestOptions.headers for another header`
	case ClientGoose:
		return `headers: { Authorization: "Bearer ${VAR}" } with env_keys: [VAR]`
	case ClientZed:
		return `"headers": { "Authorization": "Bearer TOKEN" } (Zed expands no variables)`
	case ClientClaudeDesktop:
		return "nothing in this file: Claude Desktop takes remote servers as connectors (Settings → Connectors)"
	}
	return "a header with the credential"
}

// HeaderKeys names where the client's file takes headers.
func (s Server) HeaderKeys() string {
	switch s.Client() {
	case ClientCodex:
		return "http_headers or env_http_headers"
	case ClientContinue:
		return "requestOptions.headers"
	}
	return "headers"
}

// TransportHint says how to make the server's client speak a transport
// (TransportSSE or TransportStreamableHTTP) to it, or "" when it cannot.
func (s Server) TransportHint(transport string) string {
	sse := transport == TransportSSE
	pick := func(forSSE, forHTTP string) string {
		if sse {
			return forSSE
		}
		return forHTTP
	}
	switch s.Client() {
	case ClientClaudeCode:
		return pick(`set "type": "sse"`, `set "type": "http"`)
	case ClientGemini:
		return pick(`set "type": "sse"`, `set "type": "http" (or write the URL as httpUrl)`)
	case ClientCopilotCLI:
		return pick(`set "type": "sse"`, `set "type": "http"`)
	case ClientCline:
		return pick(`set "type": "sse"`, `set "type": "streamableHttp"`)
	case ClientContinue:
		return pick("set type: sse", "set type: streamable-http")
	case ClientGoose:
		return pick("", "set type: streamable_http and uri")
	case ClientCursor, ClientVSCode, ClientWindsurf, ClientOpencode:
		return pick(`set "type": "sse"`, `remove "type": "sse"`)
	}
	return ""
}

// LoginHint is the client's own command to log in to the server with
// OAuth, or "" when it has none to name.
func (s Server) LoginHint() string {
	if s.Client() == ClientCodex {
		return "codex mcp login " + s.Name
	}
	return ""
}
