package config

import (
	"cmp"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Continue also reads the JSON files of .continue/mcpServers (the
// workspace's, and ~/.continue/mcpServers), so that another client's file
// can be copied there as it is (docs.continue.dev, "Using JSON MCP Format
// from Claude, Cursor, Cline, etc"; core/context/mcp/json/loadJsonMcpConfigs.ts).
// A file is read as Claude Code's (mcpServers and projects[PATH].mcpServers,
// every project's), Claude Desktop's (mcpServers), or as one server named
// after the file. Its entries must match config-yaml's schema
// (mcpServersJsonSchema): url with type "http" or "sse" or none, or
// command with type "stdio" or none; one that does not makes Continue skip
// the whole file. Each is then converted to a YAML block
// (convertJsonMcpConfigToYamlMcpConfig):
//   - command: stdio with command and args; env, where ${NAME} becomes
//     ${{ secrets.NAME }}; cwd is dropped, envFile ignored with a warning.
//   - url: type "http" is Streamable HTTP, "sse" SSE, none Streamable HTTP
//     then SSE; headers are sent as written.
//
// Other keys (Cline's disabled, Cursor's auth) are dropped without a word.
func readContinueJSON(path string, data []byte, opts ReadOptions) *File {
	root, r := readJSONRoot(path, data, ClientContinue, cmp.Or(opts.Scope, continueScope(path, opts)), "mcpServers", false)
	if root == nil {
		return r.file
	}
	syn := continueSyntax(opts)
	read := func(e *entry) { readContinueJSONEntry(e, syn) }
	servers, projects := root.get("mcpServers"), root.get("projects")
	if servers == nil && projects == nil {
		name := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
		r.entry(name, &member{key: name, line: root.line, col: root.col, val: root}, read)
		return r.file
	}
	r.servers(servers, read)
	switch {
	case projects == nil:
	case projects.val.kind != nodeObject:
		r.fileProblem(SeverityError, CodeType, projects.val, "projects must be an object of projects by path, not %s", projects.val.typeName())
	default:
		for _, p := range projects.val.members {
			project := &reader{file: r.file, client: ClientContinue, scope: r.scope, table: "projects[" + quote(p.key) + "].mcpServers"}
			if p.val.kind == nodeObject {
				project.servers(p.val.get("mcpServers"), read)
			}
		}
	}
	continueSkipsInvalid(r.file)
	return r.file
}

// continueSkipsInvalid: an entry that does not match the schema fails the
// whole file's validation, and Continue loads none of its servers ("MCP
// JSON file at … doesn't match a supported MCP JSON configuration
// format"). Each of the others gets a problem saying so.
func continueSkipsInvalid(f *File) {
	var bad *Server
	for i := range f.Servers {
		// Only what the schema checks: types and shapes, not whether a
		// url can be reached.
		if slices.ContainsFunc(f.Servers[i].Problems, func(p Problem) bool {
			return p.Severity == SeverityError && (p.Code == CodeType || p.Code == CodeInvalidValue || p.Code == CodeNoTransport)
		}) {
			bad = &f.Servers[i]
			break
		}
	}
	if bad == nil {
		return
	}
	for i := range f.Servers {
		s := &f.Servers[i]
		if s == bad {
			continue
		}
		s.notLoaded = true
		s.Problems = append(s.Problems, Problem{Severity: SeverityError, Code: CodeNotLoaded, File: f.Path, Line: s.Line, Column: s.Column,
			Server: s.Name, Table: s.table,
			Message: fmt.Sprintf("Continue loads no server of this file, because %s (line %d) does not match its schema (\"doesn't match a supported MCP JSON configuration format\"); fix that entry", bad.Name, bad.Line)})
	}
}

func readContinueJSONEntry(e *entry, syn varSyntax) {
	typ, _ := e.str("type")
	e.s.StartupTimeout = 20 * time.Second
	// The schema is a union tried in order: url with type http, sse or
	// none; then command with type stdio or none.
	url := e.has("url") && (typ == "" || typ == "http" || typ == "sse")
	command := !url && e.has("command") && (typ == "" || typ == "stdio")
	switch {
	case url && typ == "http":
		e.transport(TransportStreamableHTTP, false)
	case url && typ == "sse":
		e.transport(TransportSSE, false)
	case url:
		e.transport(TransportStreamableHTTP, true)
	case command:
		e.transport(TransportStdio, false)
	case e.has("url") || e.has("command"):
		// What the entry would be with a type Continue takes, so that it
		// can be probed all the same.
		url, command = e.has("url"), !e.has("url")
		want := `"http" or "sse" with url`
		e.transport(TransportStreamableHTTP, true)
		if command {
			want = `"stdio" with command`
			e.transport(TransportStdio, false)
		}
		e.problem(SeverityError, CodeInvalidValue, "type", e.field("type"), "Continue takes type %s, not %q, and loads no server of this file when one does not match (\"doesn't match a supported MCP JSON configuration format\")", want, typ)
	default:
		e.problem(SeverityError, CodeNoTransport, "", nil, "has neither command nor url: Continue loads no server of this file (\"doesn't match a supported MCP JSON configuration format\")")
	}
	if url {
		e.url("url", syn)
		e.headers("headers", syn)
		for _, h := range e.s.Headers {
			// The reference is not quoted: as written, it is the
			// credential sent, and the redactor masks it.
			if m := jsonSecretRef.FindString(h.Value.Written); m != "" && !secretsRef.MatchString(m) {
				e.problem(SeverityWarning, CodeVariableUnset, "headers."+QuoteKey(h.Name), nil,
					"Continue rewrites ${NAME} in env only: the ${…} in this header is sent as written, not filled in; use ${{ secrets.NAME }}, or a YAML block")
			}
		}
	} else if command {
		e.s.Command = e.value("command", syn)
		e.s.Args = e.values("args", syn)
		envSyn := syn
		envSyn.jsonSecrets = true
		e.env("env", envSyn, false)
		if e.field("cwd") != nil {
			e.problem(SeverityWarning, CodeIgnoredKey, "cwd", nil, "Continue drops cwd when it converts a JSON file: the server starts in the directory Continue runs in")
		}
		if e.field("envFile") != nil {
			e.problem(SeverityWarning, CodeIgnoredKey, "envFile", nil, "Continue ignores envFile (\"envFile is not supported in Continue MCP configuration\"): the server gets none of its variables")
		}
	}
	if off, ok := e.boolean("disabled"); ok && off {
		e.problem(SeverityWarning, CodeIgnoredKey, "disabled", nil, "Continue ignores disabled in a JSON file and starts this server; remove the entry to turn it off")
	}
	e.field("type")
	e.unknown()
}
