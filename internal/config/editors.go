package config

import (
	"cmp"
	"path/filepath"
	"strings"
	"time"
)

// The editors that write references as ${env:VAR}: Cursor, VS Code,
// Windsurf and Cline.

// workspaceOf is the folder ${workspaceFolder} means for a file: the
// project a .cursor/ or .vscode/ folder is in, else the directory
// mcpdoctor runs in.
func workspaceOf(path string, opts ReadOptions) string {
	dir := filepath.Dir(path)
	switch filepath.Base(dir) {
	case ".cursor", ".vscode", ".windsurf":
		if project := filepath.Dir(dir); project != filepath.Clean(opts.Home) {
			return project
		}
	}
	return opts.Cwd
}

// Cursor: ~/.cursor/mcp.json and a project's .cursor/mcp.json, mcpServers
// (cursor.com/docs/mcp). command means stdio, url a remote server, which
// Cursor reaches over Streamable HTTP and then SSE. ${env:NAME},
// ${userHome} and ${workspaceFolder} are filled in command, args, env, url
// and headers; what an unset ${env:} becomes is not documented, and like
// VS Code, whose resolver Cursor shares, it is read as empty.
func readCursor(path string, data []byte, opts ReadOptions) *File {
	root, r := readJSONRoot(path, data, ClientCursor, scopeByDir(path, opts, ".cursor"), "mcpServers", false)
	if root == nil {
		return r.file
	}
	syn := varSyntax{colon: true, unset: UnsetEmpty, home: opts.Home, workspace: workspaceOf(path, opts)}
	r.servers(root.get("mcpServers"), func(e *entry) {
		typ, _ := e.str("type")
		readEditorEntry(e, syn, typ, editorRules{envFile: true, fallback: true})
		if a := e.field("auth"); a != nil && a.kind == nodeObject {
			if m := a.get("CLIENT_ID"); m != nil {
				e.s.OAuth.ClientID = m.val.text
			}
			if m := a.get("scopes"); m != nil && m.val.kind == nodeArray {
				for _, it := range m.val.items {
					e.s.OAuth.Scopes = append(e.s.OAuth.Scopes, it.text)
				}
			}
		}
		e.unknown("disabled")
		if off, ok := e.boolean("disabled"); ok && off {
			e.s.Enabled = false
		}
	})
	return r.file
}

// editorRules are what sets the editors apart.
type editorRules struct {
	envFile  bool
	cwd      bool
	fallback bool
	// urlKeys are the keys a remote server's URL may be under, in order.
	urlKeys []string
}

// readEditorEntry reads the fields the editors share: type, command,
// args, env, url, headers.
func readEditorEntry(e *entry, syn varSyntax, typ string, rules editorRules) {
	urlKey := ""
	for _, k := range append(rules.urlKeys, "url") {
		if e.has(k) {
			urlKey = k
			break
		}
	}
	switch {
	case typ == "stdio" || (typ == "" && e.has("command")):
		e.transport(TransportStdio, false)
	case typ == "sse":
		e.transport(TransportSSE, false)
	case urlKey != "":
		e.transport(TransportStreamableHTTP, rules.fallback)
	case e.has("command"):
		e.transport(TransportStdio, false)
	default:
		e.problem(SeverityError, CodeNoTransport, "", nil, "has neither command (stdio) nor url: %s cannot start it; add one of them", e.r.client.Title())
	}
	if e.s.Transport == TransportStdio {
		e.s.Command = e.value("command", syn)
		e.s.Args = e.values("args", syn)
		e.env("env", syn, true)
		if rules.envFile {
			if f, ok := e.str("envFile"); ok {
				e.s.EnvFile = f
				if lit, ok := parseVars(f, syn).IsLiteral(); ok {
					e.s.EnvFile = lit // ${workspaceFolder} filled in
				}
			}
		}
		if rules.cwd {
			e.s.Cwd = e.value("cwd", syn)
		}
		return
	}
	if urlKey != "" {
		e.url(urlKey, syn)
		for _, k := range rules.urlKeys {
			e.field(k)
		}
	}
	e.headers("headers", syn)
}

func scopeByDir(path string, opts ReadOptions, projectDir string) string {
	if opts.Scope != "" {
		return opts.Scope
	}
	if filepath.Base(filepath.Dir(path)) == projectDir && filepath.Dir(filepath.Dir(path)) != opts.Home {
		return "project"
	}
	return "user"
}

// VS Code: the user's mcp.json in the profile folder and a workspace's
// .vscode/mcp.json, with servers and inputs, JSONC
// (code.visualstudio.com/docs/copilot/reference/mcp-configuration;
// src/vs/platform/mcp/common/mcpResourceScannerService.ts). A type other
// than stdio or http is read as command ? stdio : http; an http server
// that answers the first POST with a 4xx other than 401 or 403 is reached
// over SSE instead, whatever the type. Every string is filled by the
// editor's resolver: ${env:X} unset is empty, ${input:id} is prompted for,
// an unknown ${x} stays as written.
func readVSCode(path string, data []byte, opts ReadOptions) *File {
	scope := scopeByDir(path, opts, ".vscode")
	if scope == "project" {
		scope = "workspace" // VS Code's word
	}
	root, r := readJSONRoot(path, data, ClientVSCode, scope, "servers", false)
	if root == nil {
		return r.file
	}
	servers := root.get("servers")
	inputsAt := root
	switch {
	case root.get("settings") != nil && strings.HasSuffix(path, ".code-workspace"):
		// A multi-root workspace file: settings.mcp.{servers,inputs}.
		if mcp := root.get("settings").val.get("mcp"); mcp != nil {
			servers, inputsAt = mcp.val.get("servers"), mcp.val
			r.table = "settings.mcp.servers"
		}
	case servers == nil && root.get("mcp") != nil:
		// settings.json before 1.102.
		mcp := root.get("mcp")
		r.fileProblem(SeverityWarning, CodeIgnoredKey, &node{line: mcp.line, col: mcp.col},
			"VS Code 1.102 and later move servers out of settings.json into mcp.json (\"MCP servers should no longer be configured in user settings\")")
		servers, inputsAt = mcp.val.get("servers"), mcp.val
		r.table = "mcp.servers"
	case servers == nil && root.get("mcpServers") != nil:
		m := root.get("mcpServers")
		r.fileProblem(SeverityError, CodeType, &node{line: m.line, col: m.col}, "VS Code reads servers from \"servers\", not \"mcpServers\": rename the key")
	}
	inputs := map[string]bool{}
	if in := inputsAt.get("inputs"); in != nil && in.val.kind == nodeArray {
		for _, it := range in.val.items {
			if id := it.get("id"); id != nil {
				inputs[id.val.text] = true
			}
		}
	}
	syn := varSyntax{colon: true, unset: UnsetEmpty, home: opts.Home, workspace: workspaceOf(path, opts)}
	r.servers(servers, func(e *entry) {
		typ, _ := e.str("type")
		if typ != "stdio" && typ != "http" {
			typ = ""
		}
		readEditorEntry(e, syn, typ, editorRules{envFile: true, cwd: true, fallback: true})
		for _, v := range append(append([]Value{e.s.URL, e.s.Command, e.s.Cwd}, e.s.Args...), valuesOf(e.s)...) {
			for _, ref := range v.Refs() {
				if ref.Kind == RefInput && !inputs[ref.Name] {
					e.problem(SeverityError, CodeInvalidValue, "", nil, "%s names an input that \"inputs\" does not define: VS Code cannot start the server", ref.Written)
				}
			}
		}
		// The schema allows no other keys (additionalProperties: false).
		e.unknown("dev", "sandboxEnabled", "sandbox", "type", "gallery", "version")
	})
	return r.file
}

// valuesOf lists the env and header values of a server.
func valuesOf(s *Server) []Value {
	var out []Value
	for _, e := range s.Env {
		out = append(out, e.Value)
	}
	for _, h := range s.Headers {
		out = append(out, h.Value)
	}
	return out
}

// Windsurf: ~/.codeium/windsurf/mcp_config.json, mcpServers
// (docs.windsurf.com/windsurf/cascade/mcp). A remote server's URL is
// serverUrl or url; ${env:VAR} is filled in command, args, env, serverUrl,
// url and headers. The docs say neither which transport a bare URL gets
// (Windsurf speaks both) nor what an unset variable becomes: mcpdoctor
// tries Streamable HTTP then SSE, and reads it as empty.
func readWindsurf(path string, data []byte, opts ReadOptions) *File {
	root, r := readJSONRoot(path, data, ClientWindsurf, cmp.Or(opts.Scope, "user"), "mcpServers", false)
	if root == nil {
		return r.file
	}
	syn := varSyntax{colon: true, unset: UnsetEmpty, home: opts.Home, workspace: opts.Cwd}
	r.servers(root.get("mcpServers"), func(e *entry) {
		typ, _ := e.str("type")
		readEditorEntry(e, syn, typ, editorRules{fallback: true, urlKeys: []string{"serverUrl"}})
		if off, ok := e.boolean("disabled"); ok && off {
			e.s.Enabled = false
		}
		e.s.DisabledTools, _ = e.strs("disabledTools")
		e.unknown()
	})
	return r.file
}

// Cline: cline_mcp_settings.json, mcpServers, read with JSON.parse
// (apps/vscode/src/services/mcp/schemas.ts). A url without a type is SSE,
// on purpose, for old configs; type is stdio, sse or streamableHttp (the
// older transportType "http" means streamableHttp). ${env:NAME} is filled
// in every string and an unset one stays as written. timeout is in
// seconds, 1 to 3600, 60 by default, for every request.
func readCline(path string, data []byte, opts ReadOptions) *File {
	root, r := readJSONRoot(path, data, ClientCline, cmp.Or(opts.Scope, "user"), "mcpServers", true)
	if root == nil {
		return r.file
	}
	syn := varSyntax{colon: true, unset: UnsetLiteral}
	r.servers(root.get("mcpServers"), func(e *entry) {
		typ, _ := e.str("type")
		if legacy, ok := e.str("transportType"); ok && typ == "" {
			typ = legacy
			if typ == "http" {
				typ = "streamableHttp"
			}
		}
		switch typ {
		case "streamableHttp":
			readEditorEntry(e, syn, "", editorRules{cwd: true})
		case "", "sse":
			if e.has("url") && !e.has("command") {
				typ = "sse" // Cline's own default for a bare url
			}
			readEditorEntry(e, syn, typ, editorRules{cwd: true})
		default:
			readEditorEntry(e, syn, typ, editorRules{cwd: true})
		}
		e.s.StartupTimeout, e.s.ToolTimeout = 60*time.Second, 60*time.Second
		if d, ok := e.duration("timeout", time.Second); ok {
			d = min(max(d, time.Second), time.Hour)
			e.s.StartupTimeout, e.s.ToolTimeout = d, d
		}
		if off, ok := e.boolean("disabled"); ok && off {
			e.s.Enabled = false
		}
		e.strs("autoApprove")
		e.unknown()
	})
	return r.file
}
