package config

import (
	"cmp"
	"path/filepath"
	"strings"
	"time"
)

// Continue: ~/.continue/config.yaml and the block files of
// .continue/mcpServers/*.yaml, mcpServers as a list of {name, ...}
// (packages/config-yaml/src/schemas/mcp/index.ts). A url without a type
// is Streamable HTTP and then SSE (core/context/mcp/MCPConnection.ts);
// apiKey is sent as a bearer token, requestOptions.headers as headers.
// ${{ secrets.NAME }} and ${{ inputs.NAME }} are looked up in
// ~/.continue/.env, the workspace's .continue/.env and .env, then the
// environment; one that is not found stays as written.
// connectionTimeout is in milliseconds, 20 s by default.
func readContinue(path string, data []byte, opts ReadOptions) *File {
	if strings.EqualFold(filepath.Ext(path), ".json") {
		return readContinueJSON(path, data, opts)
	}
	r := newReader(path, ClientContinue, cmp.Or(opts.Scope, continueScope(path, opts)), "mcpServers")
	root, perr := parseYAML(path, data)
	if perr != nil {
		r.file.Problems = append(r.file.Problems, *perr)
		return r.file
	}
	list := root.get("mcpServers")
	if list == nil {
		return r.file
	}
	if list.val.kind != nodeArray {
		r.fileProblem(SeverityError, CodeType, list.val, "mcpServers must be a list of servers (- name: ...), not %s", list.val.typeName())
		return r.file
	}
	syn := continueSyntax(opts)
	for i, item := range list.val.items {
		name := ""
		if n := item.get("name"); n != nil {
			name = n.val.text
		}
		if name == "" {
			r.fileProblem(SeverityError, CodeType, item, "mcpServers[%d] needs a name", i)
			continue
		}
		r.entry(name, &member{key: name, line: item.line, col: item.col, val: item}, func(e *entry) {
			e.field("name")
			typ, _ := e.str("type")
			e.s.StartupTimeout = 20 * time.Second
			switch {
			case typ == "stdio" || (typ == "" && e.has("command")):
				e.transport(TransportStdio, false)
				e.s.Command = e.value("command", syn)
				e.s.Args = e.values("args", syn)
				e.env("env", syn, false)
				e.s.Cwd = e.value("cwd", syn)
			case typ == "sse":
				e.transport(TransportSSE, false)
			case typ == "streamable-http":
				e.transport(TransportStreamableHTTP, false)
			case typ == "" && e.has("url"):
				e.transport(TransportStreamableHTTP, true)
			case typ != "":
				e.problem(SeverityError, CodeInvalidValue, "type", nil, "Continue takes type stdio, sse or streamable-http, not %q", typ)
			default:
				e.problem(SeverityError, CodeNoTransport, "", nil, "has neither command nor url: Continue cannot start it")
			}
			if e.s.Transport == TransportSSE || e.s.Transport == TransportStreamableHTTP {
				e.url("url", syn)
				if key, ok := e.str("apiKey"); ok {
					v := parseVars("Bearer "+key, syn)
					e.s.Headers = append(e.s.Headers, Header{Name: "Authorization", Value: v, Key: "apiKey"})
				}
				if ro := e.field("requestOptions"); ro != nil {
					sub := &entry{r: e.r, s: e.s, n: ro, seen: map[string]bool{}}
					sub.headers("headers", syn)
				}
			}
			if d, ok := e.duration("connectionTimeout", time.Millisecond); ok {
				e.s.StartupTimeout = d
			}
			e.unknown("serverName", "faviconUrl", "uses", "with", "sourceFile")
		})
	}
	return r.file
}

// continueSyntax: ${{ secrets.NAME }} and ${{ inputs.NAME }}, looked up in
// ~/.continue/.env, the workspace's .continue/.env and .env, then the
// environment; one that is not found stays as written.
func continueSyntax(opts ReadOptions) varSyntax {
	ws := opts.Cwd
	return varSyntax{secrets: true, unset: UnsetLiteral, dotEnv: []string{
		filepath.Join(opts.Home, ".continue", ".env"), filepath.Join(ws, ".continue", ".env"), filepath.Join(ws, ".env"),
	}}
}

func continueScope(path string, opts ReadOptions) string {
	if strings.HasPrefix(path, filepath.Join(opts.Home, ".continue")) {
		return "user"
	}
	return "workspace"
}

// Goose: config.yaml (~/.config/goose), extensions by name
// (crates/goose/src/agents/extension.rs). The type is always written:
// stdio runs cmd with args, streamable_http reaches uri, sse is refused
// by current releases ("SSE is unsupported, migrate to streamable_http"),
// builtin and platform are parts of Goose. envs are literal; each name of
// env_keys is read from the environment (upper-cased), else from Goose's
// keyring. Header values may name those variables as ${VAR} or $VAR; an
// unknown one stays as written. timeout is in seconds, 300 by default.
func readGoose(path string, data []byte, opts ReadOptions) *File {
	r := newReader(path, ClientGoose, cmp.Or(opts.Scope, "user"), "extensions")
	root, perr := parseYAML(path, data)
	if perr != nil {
		r.file.Problems = append(r.file.Problems, *perr)
		return r.file
	}
	none := varSyntax{}
	r.servers(root.get("extensions"), func(e *entry) {
		e.s.StartupTimeout, e.s.ToolTimeout = 300*time.Second, 300*time.Second
		if on, ok := e.boolean("enabled"); ok {
			e.s.Enabled = on
		} else if !e.has("enabled") {
			e.problem(SeverityError, CodeClientRefuses, "", nil, "has no enabled: Goose skips the entry as malformed; add enabled: true")
		}
		// The extension's own variables: envs as written, env_keys from
		// the environment.
		vars := map[string]Value{}
		for _, p := range e.strMap("envs", false) {
			v := Literal(p.value)
			e.s.Env = append(e.s.Env, EnvVar{Name: p.key, Value: v})
			vars[p.key] = v
		}
		keys, _ := e.strs("env_keys")
		for _, k := range keys {
			ref := &Ref{Kind: RefEnv, Name: strings.ToUpper(k), Written: "$" + strings.ToUpper(k), Unset: UnsetFail, Elsewhere: "its keyring"}
			v := Value{Written: ref.Written, Parts: []Part{{Ref: ref}}}
			if _, explicit := vars[k]; !explicit {
				e.s.Env = append(e.s.Env, EnvVar{Name: k, Value: v})
				vars[k] = v
			}
		}
		typ, _ := e.str("type")
		switch typ {
		case "stdio":
			e.transport(TransportStdio, false)
			e.s.Command = e.value("cmd", none)
			e.s.Args = e.values("args", none)
			if !e.has("args") {
				e.problem(SeverityError, CodeClientRefuses, "", nil, "a stdio extension needs args (an empty list will do): Goose refuses it")
			}
		case "streamable_http", "sse":
			if typ == "sse" {
				e.problem(SeverityError, CodeClientRefuses, "type", nil, "Goose refuses it: \"SSE is unsupported, migrate to streamable_http\". mcpdoctor probes it all the same")
				e.transport(TransportSSE, false)
			} else {
				e.transport(TransportStreamableHTTP, false)
			}
			e.url("uri", none)
			for _, p := range e.strMap("headers", false) {
				e.s.Headers = append(e.s.Headers, Header{Name: p.key, Value: gooseHeader(p.value, vars), Key: "headers"})
			}
		case "builtin", "platform", "frontend", "inline_python":
			e.s.Transport = TransportExtension
		case "":
			e.problem(SeverityError, CodeNoTransport, "type", nil, "Goose needs type: stdio, streamable_http, builtin or platform")
		default:
			e.problem(SeverityError, CodeInvalidValue, "type", nil, "Goose does not know the type %q", typ)
		}
		if d, ok := e.duration("timeout", time.Second); ok {
			e.s.StartupTimeout, e.s.ToolTimeout = d, d
		}
		e.s.EnabledTools, _ = e.strs("available_tools")
		if len(e.s.EnabledTools) == 0 {
			e.s.EnabledTools = nil
		}
		e.unknown("name", "description", "bundled", "display_name", "code", "dependencies", "tools", "instructions", "socket")
	})
	return r.file
}

// gooseHeader fills ${VAR} and $VAR in a header from the extension's own
// variables; others stay as written.
func gooseHeader(s string, vars map[string]Value) Value {
	v := parseVars(s, varSyntax{dollar: true, bare: true, unset: UnsetLiteral})
	var parts []Part
	for _, p := range v.Parts {
		if p.Ref == nil {
			parts = append(parts, p)
			continue
		}
		own, ok := vars[p.Ref.Name]
		if !ok {
			parts = append(parts, Part{Text: p.Ref.Written})
			continue
		}
		parts = append(parts, own.Parts...)
	}
	v.Parts = parts
	return v.merged()
}
