package config

import (
	"cmp"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Claude Code keeps servers in three places (code.claude.com/docs/en/mcp,
// "MCP installation scopes"): user scope in ~/.claude.json's top-level
// mcpServers, local scope in the same file under
// projects["<absolute path>"].mcpServers, project scope in .mcp.json at
// the project's root; an administrator's managed-mcp.json replaces them
// all (docs/en/managed-mcp). All are JSON.parse'd: strict JSON.

// claudeReserved are names Claude Code skips with a warning.
var claudeReserved = []string{"workspace", "claude-in-chrome", "computer-use", "Claude Preview", "Claude Browser"}

// claudeWithheld are credential variables Claude Code never expands
// toward a remote server's url or headers: it reads them as empty, with
// no warning, default or not ("Credential variables that read as empty").
// The docs give these as examples; the full list is Claude Code's own.
var claudeWithheld = []string{"ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "AWS_BEARER_TOKEN_BEDROCK", "HTTPS_PROXY", "NPM_TOKEN"}

// claudeCodeUnset: an unset variable without a default stays as written;
// the server still loads and `claude mcp list` warns (releases before
// July 2026 refused the whole config instead).
const claudeCodeUnset = UnsetLiteral

// readClaudeCode reads ~/.claude.json, .mcp.json or managed-mcp.json.
// From ~/.claude.json it reads the user servers and the local servers of
// the projects opts selects.
func readClaudeCode(path string, data []byte, opts ReadOptions) *File {
	root, r := readJSONRoot(path, data, ClientClaudeCode, opts.Scope, "mcpServers", true)
	if root == nil {
		return r.file
	}
	if root.get("servers") != nil && root.get("mcpServers") == nil {
		r.fileProblem(SeverityError, CodeType, &node{line: root.get("servers").line, col: root.get("servers").col},
			"Claude Code reads servers from mcpServers, not servers (VS Code's key): rename it")
	}
	home := opts.Home
	isUserFile := filepath.Base(path) == ".claude.json"
	scope := opts.Scope
	if scope == "" {
		switch {
		case isUserFile:
			scope = "user"
		case filepath.Base(path) == "managed-mcp.json":
			scope = "managed"
		default:
			scope = "project"
		}
	}
	r.scope = scope
	projectDir := filepath.Dir(path)
	helperDir := projectDir
	if scope == "user" || scope == "managed" {
		helperDir = filepath.Join(home, ".claude")
	}
	r.servers(root.get("mcpServers"), func(e *entry) { readClaudeEntry(e, helperDir) })
	if !isUserFile {
		return r.file
	}
	projects := root.get("projects")
	if projects == nil || projects.val.kind != nodeObject {
		return r.file
	}
	for _, p := range projects.val.members {
		if !opts.AllProjects && !samePath(p.key, opts.Cwd) {
			continue
		}
		servers := p.val.get("mcpServers")
		if servers == nil {
			continue
		}
		local := &reader{file: r.file, client: ClientClaudeCode, scope: "local", table: "projects[" + quote(p.key) + "].mcpServers"}
		local.servers(servers, func(e *entry) {
			e.s.Source.Project = p.key
			readClaudeEntry(e, p.key)
		})
	}
	return r.file
}

func samePath(a, b string) bool {
	return a != "" && b != "" && filepath.Clean(a) == filepath.Clean(b)
}

func readClaudeEntry(e *entry, helperDir string) {
	local := varSyntax{dollar: true, unset: claudeCodeUnset}
	remote := local
	remote.withheld = map[string]string{}
	for _, name := range claudeWithheld {
		remote.withheld[name] = "is never expanded toward a remote server by Claude Code: it sends it empty"
	}
	name := e.s.Name
	if slices.Contains(claudeReserved, name) {
		e.problem(SeverityError, CodeClientRefuses, "", nil, "Claude Code skips this server: %q is a name it reserves; rename it", name)
	}
	typ, hasType := e.str("type")
	hasURL, hasCommand := e.has("url"), e.has("command")
	switch {
	case typ == "http" || typ == "streamable-http":
		// Since 2.1.265 a type "http" server that speaks only the legacy
		// HTTP+SSE transport is reached over SSE instead.
		e.transport(TransportStreamableHTTP, true)
	case typ == "sse":
		e.transport(TransportSSE, false)
	case typ == "ws":
		e.s.Transport = TransportWebSocket
	case typ == "stdio" || (!hasType && hasCommand):
		e.transport(TransportStdio, false)
	case !hasType && hasURL:
		e.problem(SeverityError, CodeClientRefuses, "url", nil,
			"Claude Code skips this server (2.1.202 and later): %q. mcpdoctor probes it all the same, trying Streamable HTTP then SSE",
			`MCP server "`+name+`" has a "url" but no "type"; add "type": "http" (or "sse" / "ws") to this entry`)
		e.transport(TransportStreamableHTTP, true)
	case hasType:
		e.problem(SeverityError, CodeClientRefuses, "type", e.field("type"),
			"Claude Code does not know the type %q (\"Does not adhere to MCP server configuration schema\"): write stdio, http, sse or ws", typ)
		if hasCommand {
			e.transport(TransportStdio, false)
		} else if hasURL {
			e.transport(TransportStreamableHTTP, true)
		}
	default:
		e.problem(SeverityError, CodeNoTransport, "", nil, "has neither command (stdio) nor url: Claude Code cannot start it; add one of them")
	}
	if e.s.Transport == TransportStdio {
		e.s.Command = e.value("command", local)
		e.s.Args = e.values("args", local)
		e.env("env", local, false)
		for _, k := range []string{"url", "headers", "headersHelper", "oauth"} {
			if e.has(k) {
				e.problem(SeverityWarning, CodeWrongTransport, k, nil, "Claude Code ignores %s on a stdio server", k)
				e.field(k)
			}
		}
	} else if e.s.Transport == TransportWebSocket {
		e.s.URL = e.value("url", remote)
		e.headers("headers", remote)
		e.problem(SeverityWarning, CodeUnsupported, "type", nil, "mcpdoctor does not speak WebSocket: it lists this server but cannot probe it")
	} else {
		e.url("url", remote)
		e.headers("headers", remote)
		if hasCommand {
			e.problem(SeverityWarning, CodeWrongTransport, "command", nil, "Claude Code ignores command on a %s server", typ)
			e.field("command")
			e.field("args")
			e.field("env")
		}
	}
	for _, k := range []string{"command", "url"} {
		if v, ok := e.n.get(k).stringValue(); ok && strings.TrimSpace(v) != v {
			e.problem(SeverityWarning, CodeInvalidValue, k, nil, "has leading or trailing space, which Claude Code keeps (and warns about): remove it")
		}
	}
	if helper, ok := e.str("headersHelper"); ok {
		e.s.HeadersHelper = &HeadersHelper{
			Command: helper, Key: "headersHelper", Dir: helperDir,
			Env: []string{"CLAUDE_CODE_MCP_SERVER_NAME=" + name, "CLAUDE_CODE_MCP_SERVER_URL=" + e.s.URL.Written},
		}
	}
	if o := e.field("oauth"); o != nil {
		readClaudeOAuth(e, o)
	}
	if ms, ok := e.duration("timeout", time.Millisecond); ok && ms >= time.Second {
		e.s.ToolTimeout = ms // below a second Claude Code ignores it
	}
	e.boolean("alwaysLoad")
	e.unknown()
}

func readClaudeOAuth(e *entry, o *node) {
	if o.kind != nodeObject {
		e.mismatch("oauth", o, "an object (clientId, callbackPort, authServerMetadataUrl, scopes)")
		return
	}
	sub := &entry{r: e.r, s: e.s, n: o, seen: map[string]bool{}}
	e.s.OAuth.ClientID, _ = sub.str("clientId")
	if n, ok := sub.number("callbackPort"); ok {
		e.s.OAuth.CallbackPort = int(n)
	}
	if u, ok := sub.str("authServerMetadataUrl"); ok {
		e.s.OAuth.MetadataURL = u
		if !strings.HasPrefix(u, "https://") {
			e.problem(SeverityError, CodeInvalidURL, "oauth.authServerMetadataUrl", o.get("authServerMetadataUrl").val, "must start with https://: Claude Code refuses it")
		}
	}
	if s, ok := sub.str("scopes"); ok {
		e.s.OAuth.Scopes = strings.Fields(s)
	}
	for _, m := range o.members {
		if !sub.seen[m.key] {
			e.problem(SeverityWarning, CodeUnknownKey, "oauth."+m.key, &node{line: m.line, col: m.col}, "unknown key: Claude Code ignores it (oauth takes clientId, callbackPort, authServerMetadataUrl, scopes)")
		}
	}
}

// Claude Desktop: claude_desktop_config.json, mcpServers of local (stdio)
// servers with command, args and env (modelcontextprotocol.io,
// "Connect to local MCP servers"). Remote servers are added as connectors
// in Settings, not in this file; values are not expanded.
func readClaudeDesktop(path string, data []byte, opts ReadOptions) *File {
	root, r := readJSONRoot(path, data, ClientClaudeDesktop, cmp.Or(opts.Scope, "user"), "mcpServers", true)
	if root == nil {
		return r.file
	}
	none := varSyntax{}
	r.servers(root.get("mcpServers"), func(e *entry) {
		typ, hasType := e.str("type")
		switch {
		case e.has("command") && (!hasType || typ == "stdio"):
			e.transport(TransportStdio, false)
			e.s.Command = e.value("command", none)
			e.s.Args = e.values("args", none)
			e.env("env", none, false)
		case e.has("url"):
			e.problem(SeverityError, CodeClientRefuses, "url", nil,
				"Claude Desktop does not connect to url entries in this file: add the server as a custom connector (Settings → Connectors) or start it through npx mcp-remote. mcpdoctor probes it all the same")
			e.url("url", none)
			e.headers("headers", none)
			e.transport(TransportStreamableHTTP, true)
		default:
			e.problem(SeverityError, CodeNoTransport, "", nil, "has no command: Claude Desktop cannot start it")
		}
		e.literalOnly()
		e.unknown()
	})
	return r.file
}

// readJSONRoot parses a JSON client file into its root object, with the
// reader that collects its problems. root is nil when the file cannot be
// read at all. strict says the client refuses comments and trailing
// commas (they are a problem, and the file is read all the same).
func readJSONRoot(path string, data []byte, client Client, scope, table string, strict bool) (*node, *reader) {
	r := newReader(path, client, scope, table)
	root, perr := parseJSON(path, data)
	if perr != nil {
		r.file.Problems = append(r.file.Problems, *perr)
		return nil, r
	}
	if strict {
		if p := strictJSONProblem(path, data, client, false); p != nil {
			r.file.Problems = append(r.file.Problems, *p)
		}
	}
	if root.kind != nodeObject {
		r.fileProblem(SeverityError, CodeType, root, "the file must hold a JSON object, not %s", root.typeName())
		return nil, r
	}
	return root, r
}

// stringValue returns a member's string, if it is one.
func (m *member) stringValue() (string, bool) {
	if m == nil || m.val.kind != nodeString {
		return "", false
	}
	return m.val.text, true
}
