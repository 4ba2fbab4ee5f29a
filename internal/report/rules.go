package report

import (
	"strings"

	"github.com/mcpdoctor/mcpdoctor/internal/config"
)

// Rule says what a problem or finding code means in general, apart from
// any one result: what SARIF calls a reporting descriptor, which code
// scanning shows beside each alert. A result's own message says what was
// found where; the rule says why it matters and what to do about it.
type Rule struct {
	// ID is the code, as problems and findings carry it.
	ID string
	// Title is one line: what was found.
	Title string
	// Help says why it matters and what to do.
	Help string
}

// ruleProbeFailed is the rule of a probe that did not reach a working
// connection; the failure's category says what stopped it.
const ruleProbeFailed = "probe_failed"

// rules is every code mcpdoctor reports: the config problems of
// internal/config (problem.go) and the findings of a probe (internal/probe,
// internal/wire). rules_test.go finds the codes in their source, so that a
// new code without a rule fails the tests.
var rules = map[string]Rule{
	// The file as a whole.
	string(config.CodeUnreadable): {Title: "The file cannot be read",
		Help: "mcpdoctor could not open or read the file, or could not tell which client's config it is. Check the path and its permissions; pass --client NAME when the file's name does not say whose it is."},
	string(config.CodeSyntax): {Title: "The file does not parse",
		Help: "The client cannot read a file with a syntax error and starts none of its servers. Fix the syntax at the line and column given."},
	string(config.CodeStrictJSON): {Title: "A comment or trailing comma the client refuses",
		Help: "This client reads the file as strict JSON: a comment or a trailing comma makes it refuse the whole file. Remove it, or keep comments only in the files of clients that read JSONC (VS Code, Zed)."},
	string(config.CodeTooLarge): {Title: "The file is too large to be a config",
		Help: "mcpdoctor reads config files up to 4 MiB; a real one is a few KiB. Check that this is the right file."},
	string(config.CodeTooDeep): {Title: "The file nests too deep",
		Help: "mcpdoctor does not read files whose values nest deeper than it allows (a real config nests a few levels). Check that this is the right file."},
	string(config.CodeDuplicateKey): {Title: "A key is written twice",
		Help: "The client reads only one of the two (the later), so the other has no effect. Keep one."},
	string(config.CodeNotLoaded): {Title: "The client does not load this",
		Help: "The client skips this file or entry as it stands: an untrusted project, a disabled extension, another entry of the file that fails its schema. The message says why and how to make the client load it."},
	string(config.CodeShadowed): {Title: "Another entry of the same name wins",
		Help: "The client configures a server of this name in more than one place and uses the entry of higher precedence; this one has no effect while the other exists. Remove one of them or rename it."},

	// One server's entry.
	string(config.CodeType): {Title: "A value of the wrong type",
		Help: "The client expects another type here (a string, a table, an array of strings) and refuses or ignores the value. Write it as the message says."},
	string(config.CodeInvalidName): {Title: "A server name the client refuses",
		Help: "The client accepts only some characters in a server's name and does not start a server named otherwise; the message gives the pattern. Rename the server."},
	string(config.CodeNoTransport): {Title: "Nothing to start or reach",
		Help: "The entry has neither a command (a stdio server) nor a URL (an HTTP server), or not in the form this client needs, so the client cannot start it. Add one of them."},
	string(config.CodeWrongTransport): {Title: "A field that does not belong to this transport",
		Help: "The field applies to another transport (env to stdio, headers to HTTP): the client refuses or ignores it on this entry. Remove it, or fix the transport."},
	string(config.CodeBearerToken): {Title: "A literal bearer token",
		Help: "Codex does not take a token written in the config. Put the token in an environment variable and name the variable in bearer_token_env_var; a token in a file also leaks with the file."},
	string(config.CodeNegativeTimeout): {Title: "A timeout that cannot be meant",
		Help: "A timeout must be a non-negative number of seconds the client can hold; Codex refuses the config otherwise. Fix it, or remove it for the client's default."},
	string(config.CodeIgnoredKey): {Title: "A key the client ignores",
		Help: "The client reads this file but not this key, so it does not do what the key seems to say. Remove it, or write what the client reads instead."},
	string(config.CodeUnknownKey): {Title: "A key the client does not know",
		Help: "The client does not know this key and ignores it: often a misspelling. The message names the keys the client takes."},
	string(config.CodeInvalidURL): {Title: "A URL the client cannot use",
		Help: "The URL does not parse, or is not http(s) where the client needs it. Fix it."},
	string(config.CodeInvalidValue): {Title: "A value the client refuses or misreads",
		Help: "The value is outside what the client accepts, or it would be read otherwise than it seems (a space kept at the end, an unknown type). The message says what the client takes."},
	string(config.CodeClientRefuses): {Title: "The client skips this server",
		Help: "By its own rules the client does not start this entry (a reserved name, a url without type, an unknown type). mcpdoctor still probes what the entry points at; fix the entry so the client starts it too."},
	string(config.CodeUnsupported): {Title: "A transport mcpdoctor cannot probe",
		Help: "The entry is valid for its client, but mcpdoctor cannot start or reach this kind of server (WebSocket, an editor extension). It is listed, not probed."},
	string(config.CodeHeadersHelper): {Title: "A headers helper",
		Help: "The client runs a shell command from the config to get headers before it connects. mcpdoctor runs it only with --run-headers-helper."},
	string(config.CodeRemoteEnvVar): {Title: "An environment variable from a source Codex cannot use",
		Help: "Codex forwards env_vars from the local environment, or from a remote environment when environment_id is set; any other source fails the server's start. Set environment_id, or make the source local."},

	// What this machine lacks to start a server (not with --static).
	string(config.CodeEnvUnset): {Title: "The token's variable is not set",
		Help: "The variable named for the server's token is not set here, so the client fails to start the server or sends no token. Export it where the client runs, or remove the setting if the server needs no token. In CI, where the servers' variables are absent, use --static."},
	string(config.CodeEnvEmpty): {Title: "The token's variable is empty",
		Help: "The variable named for the server's token is set but empty, so the client fails to start the server. Give it the token."},
	string(config.CodeHeaderEnvUnset): {Title: "A header's variable is not set",
		Help: "The variable that fills a header is not set here, so the client sends the request without that header. Export it."},
	string(config.CodeCommandNotFound): {Title: "The command is not on PATH",
		Help: "The server's command is not found on this machine's PATH, so the client cannot start it. Install it, or give its full path."},
	string(config.CodeCwdMissing): {Title: "The working directory does not exist",
		Help: "The server is started in cwd, which does not exist here, so it cannot start. Fix cwd or create the directory."},
	string(config.CodeForwardedEnvUnset): {Title: "A forwarded variable is not set",
		Help: "The entry forwards this variable to the server, but it is not set here, so the server does not get it. Export it if the server needs it."},
	string(config.CodeVariableUnset): {Title: "A variable reference with no value",
		Help: "The value refers to a variable that is not set here; the client then passes the reference on as written, or an empty value, as its rules say. Set the variable where the client runs, or write the value in the form the client fills in."},
	string(config.CodeVariableWithheld): {Title: "A variable the client keeps from the server",
		Help: "The client does not fill in this variable where it stands (its rules keep it from this field or this source), so the server gets it as written. The message says what the client does instead."},
	string(config.CodeInputUnfilled): {Title: "An input or secret the client prompts for",
		Help: "The client asks the user for this value, or takes it from its own secret store, which mcpdoctor cannot. Set the environment variable the message names to probe with its value."},
	string(config.CodeFileUnreadable): {Title: "A file reference that cannot be read",
		Help: "The value refers to a file the client reads in, which cannot be read here, so the client cannot fill it in. Check the path."},

	// What a probe found.
	ruleProbeFailed: {Title: "The server did not answer as an MCP server",
		Help: "The probe reached no working connection: the server refused, timed out, failed TLS or DNS, answered with something that is not MCP, wanted a credential it was not given, or its process exited. The category and the hint say what to try; `mcpdoctor probe NAME` shows every exchange."},
	"stdout_not_jsonrpc": {Title: "A stdio server writes text on stdout",
		Help: "On stdio, stdout carries JSON-RPC only; clients such as Codex drop the connection on anything else. Make the server log to stderr."},
	"cross_origin_redirect": {Title: "A redirect to another origin",
		Help: "The server redirected the request to another origin; credentials are sent only to the origin they are configured for, so they were dropped. If the new origin is right, put its URL in the config."},
	"redirect_changed_method": {Title: "A redirect that turns the MCP POST into a GET",
		Help: "The MCP URL answered a POST with 301, 302 or 303. Clients follow those with a GET and no body (HTTP says they may, and net/http, browsers and most SDKs do), so the server never gets the request and what comes back is not its answer. mcpdoctor does not follow it. Put the URL it redirects to in the config."},
	"redirect_followed": {Title: "A redirect of the MCP URL",
		Help: "The MCP URL answered with 307 or 308 to another URL on the same origin; the POST went on and was answered. Every request pays the extra round trip, and clients that do not follow redirects of a POST fail. Put the final URL in the config."},
	"response_id_mismatch": {Title: "A response under another id than the request's",
		Help: "JSON-RPC matches a response to its request by id, exactly, in type and value: \"1\" does not answer 1. Clients drop such a response and wait until they time out, which looks like a silent server. The server's JSON-RPC layer changes ids; report it to its authors with the exchange."},
	"cross_origin_endpoint": {Title: "An SSE endpoint on another origin",
		Help: "The legacy SSE stream named a message endpoint on another origin; credentials are sent only to the origin they are configured for. Check the server's public URL setting."},
	"client_speaks_sse": {Title: "The client would speak legacy SSE to a Streamable HTTP server",
		Help: "This client reads the entry as a legacy HTTP+SSE server, but the server speaks Streamable HTTP only, so the client will not connect. Set the entry's type to Streamable HTTP as the client writes it."},
	"legacy_sse": {Title: "The server speaks only legacy HTTP+SSE",
		Help: "The server speaks the deprecated HTTP+SSE transport (2024-11-05); clients that fall back to it still work. Ask for Streamable HTTP."},
	"headers_helper_not_run": {Title: "A headers helper was not run",
		Help: "The client runs a command to get more headers before it connects; mcpdoctor did not, so the probe went without them. Pass --run-headers-helper to run it as the client does."},
	"modern_only": {Title: "The server speaks only modern MCP",
		Help: "The server speaks MCP 2026-07-28 only: clients that speak only legacy MCP (an initialize handshake) cannot use it. The message names them."},
	"legacy_only": {Title: "The server speaks only legacy MCP",
		Help: "The server speaks MCP 2025-11-25 or older only: dual-era clients fall back to initialize and use it; clients that speak only 2026-07-28 cannot."},
	"unknown_protocol_version": {Title: "An unknown protocol version",
		Help: "The server answered with a protocol version mcpdoctor does not know; clients may refuse it. Check that the server implements a published MCP revision."},
	"modern_version_in_initialize": {Title: "A modern version in answer to initialize",
		Help: "Modern MCP has no initialize: a server should answer initialize with a legacy version it speaks, or refuse it naming its versions."},
	"no_server_info": {Title: "No server name in server/discover",
		Help: "The server's DiscoverResult names no server in _meta (io.modelcontextprotocol/serverInfo). Nothing breaks; clients show it without a name or version."},
	"invalid_x_mcp_header": {Title: "Tools with invalid x-mcp-header annotations",
		Help: "Modern clients on Streamable HTTP leave out of tools/list the tools whose x-mcp-header annotations break the rules. Fix the annotations: a token name, unique, on an integer, string or boolean reached through properties only."},
	"oauth_advertised_not_required": {Title: "OAuth advertised but not required",
		Help: "The server's origin advertises OAuth metadata, yet the server answered without any credential. Some clients (Codex) then ask for a login that is not needed and hide the tools until then."},
	"oauth_metadata_invalid": {Title: "Invalid OAuth metadata",
		Help: "The protected resource or authorization server metadata breaks RFC 9728 or RFC 8414, so a client cannot use it to log in. The message says which member."},
	"oauth_resource_mismatch": {Title: "Protected resource metadata for another resource",
		Help: "RFC 9728 §3.3: a client must not use protected resource metadata whose resource is not the server's URL. Fix the server's resource identifier."},
	"oauth_issuer_mismatch": {Title: "Authorization server metadata with another issuer",
		Help: "RFC 8414 §3.3: a client must not use authorization server metadata whose issuer is not the one it looked up. Fix the authorization server's issuer."},
	"oauth_no_authorization_servers": {Title: "Protected resource metadata names no authorization server",
		Help: "MCP requires at least one entry in authorization_servers; without one a client has nowhere to log in."},
	"discovery_blocked": {Title: "OAuth discovery points at a private or link-local address",
		Help: "The server named, for its OAuth metadata or authorization server, an address a server may not send a client to: link-local (where cloud metadata services answer) or more private than the server's own. mcpdoctor did not ask it; pass --allow-private-discovery for a server you trust."},
	"tools_list_too_large": {Title: "A tool list too big to use",
		Help: "tools/list sent more than mcpdoctor's cap of tool definitions; it kept the first tools and read no further. A client loads every definition into the model's context: have the server expose fewer tools."},
	"oauth_token_store": {Title: "The token file could not be updated",
		Help: "A stored OAuth login was refreshed but the token file could not be written. Check that the file and its folder can be written."},
	"oauth_token_unusable": {Title: "A stored OAuth login cannot be used",
		Help: "The stored token has expired and could not be refreshed, or belongs to another server. Log in again with `mcpdoctor login NAME`."},
	"authorization_server_changed": {Title: "The server names another authorization server",
		Help: "The stored login came from an authorization server the server no longer names; a client registration does not move between them. Log in again with `mcpdoctor login NAME`."},
	"insufficient_scope": {Title: "The token lacks a scope",
		Help: "The server refused a request with 403 insufficient_scope. Log in again asking for the scope the message names (`mcpdoctor login NAME --scopes …`)."},
	// The tools a server lists (internal/toolcheck).
	"tool_name_invalid": {Title: "A tool name the model APIs refuse",
		Help: "The Anthropic and OpenAI APIs take tool names of letters, digits, _ and - only. Each client does something else with such a name: renames the tool, leaves it out, or sends it on and has every request refused. The message says what each client does; ask the server's authors for names of those characters."},
	"tool_name_too_long": {Title: "A tool name too long for the client",
		Help: "Clients put the server's name before the tool's (mcp__SERVER__TOOL in Codex and Claude Code), and the model APIs take 64 characters at most. Claude Code then fails every request; others cut the name or leave the tool out. Give the server a shorter name in the config, or ask for shorter tool names."},
	"tool_duplicate": {Title: "Two tools of the same name in one server",
		Help: "A client keeps one of them, and the model never sees the other. Ask the server's authors to give every tool its own name."},
	"tool_name_clash": {Title: "Two servers offer a tool of the same name",
		Help: "Clients that do not set each server's tools apart by the server's name must pick one, rename one, or show the model two tools of one name. The message says what this client does. Turn one of them off, or rename it where the server lets you."},
	"tool_schema_missing": {Title: "A tool without an input schema",
		Help: "The spec requires an inputSchema on every tool, and clients pass it to the model API as the function's parameters; without one they refuse the tool or the request. A tool without arguments takes {\"type\": \"object\"}."},
	"tool_schema_not_object": {Title: "A tool schema that is not an object schema",
		Help: "A tool's inputSchema (and its outputSchema) must be a JSON Schema of type object: the model APIs take only an object as a function's parameters. Wrap other values in an object's property."},
	"tool_schema_invalid": {Title: "A tool schema that is not valid JSON Schema",
		Help: "The schema breaks JSON Schema 2020-12 (or the draft its $schema names): clients that check schemas refuse the tool, and a model given it may call the tool wrongly. The message quotes the validator."},
	"tool_schema_ref": {Title: "A tool schema with a $ref that does not resolve",
		Help: "The schema refers to a definition it does not hold, or to a URL outside it; clients fetch nothing a schema names, so they cannot use it. Put every definition in the schema's $defs."},
	"tool_annotations_invalid": {Title: "A tool annotation of the wrong type",
		Help: "Tool annotations (readOnlyHint, destructiveHint, idempotentHint, openWorldHint) are booleans in an object; clients ignore others and assume the defaults, which for a destructive tool means asking less than it should."},
	"tool_annotations_contradict": {Title: "Tool annotations that contradict each other",
		Help: "The spec gives destructiveHint and idempotentHint meaning only for tools that are not read-only. A tool marked read-only and destructive may be run without the confirmation a destructive tool gets. Ask the server's authors to fix the hints."},
	"tool_hidden_text": {Title: "Text in a tool that a reader cannot see",
		Help: "A tool's name, description or schema holds invisible or direction-changing characters (zero-width, bidirectional controls, Unicode tag characters). The model reads them; a person reviewing the tool does not: the way tool poisoning hides instructions. The message quotes them escaped and what tag characters spell."},
	"tools_context_large": {Title: "Tool definitions that take much of the model's context",
		Help: "Every tool's definition goes to the model with every request. Above 25,000 tokens (estimated as the JSON's bytes ÷ 4) one server takes a noticeable part of the context before the user types a word. Turn off the tools you do not use, or ask for shorter descriptions."},
	"codex_hides_tools": {Title: "Codex hides this server's tools",
		Help: "Codex shows the server as not_logged_in and hides its tools, although the server answered without that login. Run `codex mcp login NAME` once, or stop advertising OAuth metadata the server does not enforce."},
	"codex_bearer_token_unset": {Title: "Codex names a bearer token that is not set",
		Help: "Codex shows bearer_token, but the variable in bearer_token_env_var is not set, so Codex will not start the server. Export it where Codex runs."},
	"codex_unsupported_unreachable": {Title: "Codex's 'unsupported' hides that the server is down",
		Help: "Codex shows unsupported when it finds no OAuth metadata, which here only means the server did not answer. The probe's failure says why."},
	"codex_has_tokens": {Title: "Codex holds its own OAuth token",
		Help: "Codex sends a token of its own to this server; mcpdoctor does not use Codex's tokens, so its verdict is what a client without them gets. Compare with `codex mcp list`."},
	"codex_static_header": {Title: "Codex's label differs for a static credential",
		Help: "Codex counts only a configured Authorization header as a static credential and shows other credentials as unsupported. Nothing to do: only the label differs."},
}

// RuleFor returns the rule of a code. A code with no rule (one added
// without its help) still gets one, so that no output breaks on it.
func RuleFor(code string) Rule {
	r, ok := rules[code]
	if !ok {
		r = Rule{Title: strings.ReplaceAll(code, "_", " "), Help: "See the result's message; `mcpdoctor probe NAME` or `mcpdoctor validate FILE` shows the details."}
	}
	r.ID = code
	return r
}
