package config

import (
	"cmp"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Gemini CLI: settings.json (~/.gemini, a project's .gemini, /etc/gemini-cli),
// mcpServers (packages/core/src/config/config.ts, MCPServerConfig), JSON
// with comments stripped but no trailing commas. httpUrl is Streamable
// HTTP; url with type "http" or "sse" is that; url alone is Streamable HTTP
// and then SSE on any failure but 401 (0.21 and later; before, SSE).
// Every string of the file is filled at load from $VAR, ${VAR} and
// ${VAR:-default}, an unset one staying as written; env and headers are
// filled again at connect, where an unset one becomes empty. timeout is in
// milliseconds, 10 minutes by default.
//
// An extension's gemini-extension.json (~/.gemini/extensions/NAME, or
// where a linked one's .gemini-extension-install.json points) adds its
// mcpServers below every settings file's, which win a name
// (geminicli.com/docs/extensions): the same keys but trust, with
// ${extensionPath}, ${workspacePath} and ${/} filled first, and no
// extension loaded without a name and a version.
func readGemini(path string, data []byte, opts ReadOptions) *File {
	extension := filepath.Base(path) == geminiExtensionFile
	scope := scopeByDir(path, opts, ".gemini")
	if extension {
		scope = cmp.Or(opts.Scope, "extension")
	}
	root, r := readJSONRoot(path, data, ClientGemini, scope, "mcpServers", false)
	if root == nil {
		return r.file
	}
	if p := strictJSONProblem(path, data, ClientGemini, true); p != nil {
		r.file.Problems = append(r.file.Problems, *p)
	}
	load := varSyntax{dollar: true, bare: true, unset: UnsetLiteral}
	connect := varSyntax{dollar: true, bare: true, unset: UnsetEmpty}
	if extension {
		load.extension, load.workspace = filepath.Dir(path), opts.Cwd
		connect.extension, connect.workspace = load.extension, load.workspace
		if m := root.get("name"); m != nil && m.val.kind == nodeString {
			r.file.extension = m.val.text
		}
		for _, key := range []string{"name", "version"} {
			if m := root.get(key); m == nil || m.val.kind != nodeString || m.val.text == "" {
				r.fileProblem(SeverityError, CodeType, root, "the extension has no %s: Gemini CLI loads none of its servers (\"Invalid extension config … missing name or version\")", key)
			}
		}
	}
	r.servers(root.get("mcpServers"), func(e *entry) {
		typ, _ := e.str("type")
		e.s.StartupTimeout, e.s.ToolTimeout = 10*time.Minute, 10*time.Minute
		switch {
		case e.has("httpUrl"):
			e.url("httpUrl", load)
			e.transport(TransportStreamableHTTP, false)
			if e.has("url") {
				e.problem(SeverityWarning, CodeIgnoredKey, "url", nil, "Gemini CLI uses httpUrl and ignores url when both are set")
				e.field("url")
			}
		case e.has("url"):
			e.url("url", load)
			switch typ {
			case "http":
				e.transport(TransportStreamableHTTP, false)
			case "sse":
				e.transport(TransportSSE, false)
			case "":
				e.transport(TransportStreamableHTTP, true)
			default:
				e.problem(SeverityError, CodeInvalidValue, "type", nil, "Gemini CLI takes type \"http\" or \"sse\", not %q", typ)
				e.transport(TransportStreamableHTTP, true)
			}
		case e.has("command"):
			e.transport(TransportStdio, false)
			e.s.Command = e.value("command", load)
			e.s.Args = e.values("args", load)
			e.env("env", connect, false)
			e.s.Cwd = e.value("cwd", load)
			// Gemini CLI gives a server a cleaned copy of its environment:
			// what the server needs must be listed in env.
		default:
			e.problem(SeverityError, CodeNoTransport, "", nil, "has neither command, url nor httpUrl: Gemini CLI cannot start it")
		}
		if e.s.Transport != TransportStdio {
			e.headers("headers", connect)
		}
		if d, ok := e.duration("timeout", time.Millisecond); ok {
			e.s.StartupTimeout, e.s.ToolTimeout = d, d
		}
		e.s.EnabledTools, _ = e.strs("includeTools")
		e.s.DisabledTools, _ = e.strs("excludeTools")
		if trust, ok := e.boolean("trust"); ok && trust && extension {
			e.problem(SeverityWarning, CodeIgnoredKey, "trust", nil, "Gemini CLI ignores trust for an extension's server: it asks before each tool call all the same")
		}
		e.str("description")
		e.unknown("oauth", "authProviderType", "targetAudience", "targetServiceAccount", "extension")
	})
	return r.file
}

// Zed: settings.json's context_servers, JSONC (serde_json_lenient):
// {command, args, env, timeout, enabled} runs a program, {url, headers,
// timeout, enabled} is Streamable HTTP without an SSE fallback, {settings}
// is an extension's server; older files nest {command: {path, args, env}}
// and carry a "source" (crates/settings/src/settings_content/project.rs).
// Nothing is expanded. timeout is in seconds, 60 by default.
func readZed(path string, data []byte, opts ReadOptions) *File {
	root, r := readJSONRoot(path, data, ClientZed, scopeByDir(path, opts, ".zed"), "context_servers", false)
	if root == nil {
		return r.file
	}
	none := varSyntax{}
	r.servers(root.get("context_servers"), func(e *entry) {
		e.s.StartupTimeout, e.s.ToolTimeout = 60*time.Second, 60*time.Second
		cmd := e.n.get("command")
		switch {
		case cmd != nil && cmd.val.kind == nodeObject:
			// The shape before June 2025.
			e.field("command")
			sub := &entry{r: e.r, s: e.s, n: cmd.val, seen: map[string]bool{}}
			e.transport(TransportStdio, false)
			e.s.Command = sub.value("path", none)
			e.s.Args = sub.values("args", none)
			sub.env("env", none, false)
		case cmd != nil:
			e.transport(TransportStdio, false)
			e.s.Command = e.value("command", none)
			e.s.Args = e.values("args", none)
			e.env("env", none, false)
		case e.has("url"):
			e.transport(TransportStreamableHTTP, false)
			e.url("url", none)
			e.headers("headers", none)
		case e.has("settings"):
			e.field("settings")
			e.s.Transport = TransportExtension
		default:
			e.problem(SeverityError, CodeNoTransport, "", nil, "has neither command, url nor settings: Zed cannot start it")
		}
		if on, ok := e.boolean("enabled"); ok {
			e.s.Enabled = on
		}
		if d, ok := e.duration("timeout", time.Second); ok {
			e.s.StartupTimeout, e.s.ToolTimeout = d, d
		}
		e.literalOnly()
		e.unknown("source", "remote", "oauth", "settings")
	})
	return r.file
}

// opencode: opencode.json or opencode.jsonc (~/.config/opencode, a
// project's root or .opencode), "mcp" (opencode.ai/docs/mcp-servers;
// packages/opencode/src/config/mcp.ts). type "local" runs command, an
// array of the program and its arguments, with environment; type "remote"
// is Streamable HTTP and then SSE. {env:VAR} is replaced in the file's
// text before it is parsed (unset: empty) and {file:path} by the file's
// contents. The schema is strict: an unknown key is refused. timeout is in
// milliseconds, 5 s by default.
func readOpencode(path string, data []byte, opts ReadOptions) *File {
	root, r := readJSONRoot(path, data, ClientOpencode, cmp.Or(opts.Scope, opencodeScope(path, opts)), "mcp", false)
	if root == nil {
		return r.file
	}
	syn := varSyntax{curly: true, unset: UnsetEmpty, home: opts.Home, dir: filepath.Dir(path)}
	r.servers(root.get("mcp"), func(e *entry) {
		e.s.StartupTimeout = 5 * time.Second
		typ, _ := e.str("type")
		switch typ {
		case "local":
			e.transport(TransportStdio, false)
			argv := e.values("command", syn)
			if len(argv) == 0 {
				e.problem(SeverityError, CodeNoTransport, "command", nil, "needs command, an array of the program and its arguments")
			} else {
				e.s.Command, e.s.Args = argv[0], argv[1:]
			}
			e.env("environment", syn, false)
			e.s.Cwd = e.value("cwd", syn)
		case "remote":
			e.transport(TransportStreamableHTTP, true)
			e.url("url", syn)
			e.headers("headers", syn)
			e.field("oauth")
		case "":
			if len(e.n.members) == 1 && e.has("enabled") {
				// {enabled: false} turns off a server a lower layer defines.
				e.s.Transport = ""
			} else {
				e.problem(SeverityError, CodeNoTransport, "type", nil, "opencode needs type \"local\" or \"remote\"")
			}
		default:
			e.problem(SeverityError, CodeInvalidValue, "type", nil, "opencode takes type \"local\" or \"remote\", not %q", typ)
		}
		if on, ok := e.boolean("enabled"); ok {
			e.s.Enabled = on
		}
		if d, ok := e.duration("timeout", time.Millisecond); ok {
			e.s.StartupTimeout = d
		}
		for _, m := range e.n.members {
			if !e.seen[m.key] {
				e.problem(SeverityError, CodeUnknownKey, m.key, &node{line: m.line, col: m.col}, "opencode refuses the config for this key (its schema is strict)")
			}
		}
	})
	return r.file
}

func opencodeScope(path string, opts ReadOptions) string {
	if strings.HasPrefix(path, filepath.Join(opts.Home, ".config", "opencode")) {
		return "user"
	}
	return "project"
}

// Copilot CLI: ~/.copilot/mcp-config.json (and $COPILOT_HOME), a project's
// .mcp.json or .github/mcp.json, mcpServers (docs.github.com, "Adding MCP
// servers for GitHub Copilot CLI"). type is local or stdio (the default
// for a command), http (the default for a url: Streamable HTTP) or sse.
// $VAR, ${VAR} and ${VAR:-default} are filled in command, args, env and
// headers; an unset one without a default stays as written.
func readCopilot(path string, data []byte, opts ReadOptions) *File {
	root, r := readJSONRoot(path, data, ClientCopilotCLI, cmp.Or(opts.Scope, copilotScope(path, opts)), "mcpServers", false)
	if root == nil {
		return r.file
	}
	servers := root.get("mcpServers")
	if servers == nil {
		// A .mcp.json may leave out the mcpServers wrapper.
		servers = &member{key: "", line: root.line, col: root.col, val: root}
		r.table = topLevel
	}
	syn := varSyntax{dollar: true, bare: true, unset: UnsetLiteral}
	none := varSyntax{}
	r.servers(servers, func(e *entry) {
		typ, _ := e.str("type")
		switch typ {
		case "", "local", "stdio":
			if typ == "" && !e.has("command") && e.has("url") {
				e.transport(TransportStreamableHTTP, false)
				break
			}
			e.transport(TransportStdio, false)
		case "http":
			e.transport(TransportStreamableHTTP, false)
		case "sse":
			e.transport(TransportSSE, false)
		default:
			e.problem(SeverityError, CodeInvalidValue, "type", nil, "Copilot CLI takes type local, stdio, http or sse, not %q", typ)
		}
		if e.s.Transport == TransportStdio {
			e.s.Command = e.value("command", syn)
			e.s.Args = e.values("args", syn)
			e.env("env", syn, false)
			e.s.Cwd = e.value("cwd", none)
		} else {
			e.url("url", none)
			e.headers("headers", syn)
		}
		if d, ok := e.duration("timeout", time.Millisecond); ok {
			e.s.ToolTimeout = d
		}
		if tools, ok := e.strs("tools"); ok && !slices.Contains(tools, "*") {
			e.s.EnabledTools = tools
		}
		if id, ok := e.str("oauthClientId"); ok {
			e.s.OAuth.ClientID = id
		}
		e.unknown("oauthPublicClient", "oidc", "filterMapping", "deferTools")
	})
	return r.file
}

func copilotScope(path string, opts ReadOptions) string {
	if filepath.Base(path) == "mcp-config.json" {
		return "user"
	}
	return "project"
}
