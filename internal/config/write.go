package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/mcpdoctor/mcpdoctor/internal/redact"
)

// Writing an entry for a client (probe --print-config): what would
// configure a server in that client's file, read back by the client's
// reader to the same server. Every secret is a reference to an
// environment variable, in the client's own syntax, never its value; the
// notes say which variables to set.

// Written is an entry as a client's file holds it.
type Written struct {
	Client Client
	// File is where the client reads it; Text is a whole file of that
	// kind holding the entry, which the client's reader reads.
	File, Text string
	// Notes say what to set, or what the client cannot do, before the
	// entry works.
	Notes []string
}

// WriteEntry writes s for client c.
func WriteEntry(c Client, s Server) (Written, error) {
	ci := info(c)
	if ci == nil || ci.write == nil {
		var can []string
		for _, w := range WritableClients() {
			can = append(can, string(w))
		}
		return Written{}, fmt.Errorf("mcpdoctor writes entries for %s, not for %s", strings.Join(can, ", "), c)
	}
	p := portableOf(s, ci.refs)
	file, text := ci.write(p)
	return Written{Client: c, File: file, Text: text, Notes: p.notes}, nil
}

// WritableClients are the clients WriteEntry writes for.
func WritableClients() []Client {
	var out []Client
	for _, row := range clientTable {
		if row.write != nil {
			out = append(out, row.id)
		}
	}
	return out
}

// refSyntax is how a client's file refers to an environment variable in a
// string; empty for a client that expands none (Codex names variables in
// keys of their own instead).
type refSyntax func(variable string) string

func dollarBraces(v string) string { return "${" + v + "}" }
func envColon(v string) string     { return "${env:" + v + "}" }

// portable is a server as any client's file would say it, its secrets
// turned into variables.
type portable struct {
	name      string
	transport Transport
	url       string
	// bearer is the variable holding a bearer token; headers the other
	// headers, each by its variable or, where the client can say it, its
	// value with references.
	bearer  string
	headers []portableHeader
	command string
	args    []string
	// env are the variables the server gets from the client's
	// environment, by name.
	env   []string
	cwd   string
	notes []string
	refs  refSyntax
}

type portableHeader struct {
	name string
	// variable holds the whole value; text, when set, is the value in the
	// client's syntax, references and all.
	variable, text string
}

func portableOf(s Server, refs refSyntax) *portable {
	p := &portable{name: s.Name, transport: s.Transport, command: s.Command.Written, cwd: s.Cwd.Written, refs: refs}
	note := func(format string, args ...any) { p.notes = append(p.notes, fmt.Sprintf(format, args...)) }
	if s.Transport != TransportStdio {
		p.url = s.URL.Written
		for _, secret := range redact.URLSecrets(p.url) {
			if len(secret) >= redact.MinSecretLen {
				p.url = strings.ReplaceAll(p.url, secret, redact.Mask)
			}
		}
		if p.url != s.URL.Written {
			note("the URL holds a key, written here as %s: no client should keep it in a file; pass it in a header if the server takes one", redact.Mask)
		}
	}
	for _, h := range s.Headers {
		refs := h.Value.Refs()
		lit, literal := h.Value.IsLiteral()
		switch {
		case strings.EqualFold(h.Name, "Authorization") && len(refs) == 1 && h.Value.Written == "Bearer "+refs[0].Written:
			p.bearer = refs[0].Name
		case len(refs) == 1 && h.Value.Written == refs[0].Written:
			p.headers = append(p.headers, portableHeader{name: h.Name, variable: refs[0].Name})
		case strings.EqualFold(h.Name, "Authorization") && literal && strings.HasPrefix(lit, "Bearer "):
			p.bearer = envName(s.Name) + "_TOKEN"
			note("set $%s to the bearer token you passed", p.bearer)
		case literal:
			v := envName(h.Name)
			p.headers = append(p.headers, portableHeader{name: h.Name, variable: v})
			note("set $%s to the value you passed for %s", v, h.Name)
		default:
			// Text and references: where the client expands references,
			// the same text; else one variable for the whole value.
			v := envName(h.Name)
			ph := portableHeader{name: h.Name, variable: v}
			if p.refs != nil {
				var b strings.Builder
				for _, part := range h.Value.Parts {
					if part.Ref != nil {
						b.WriteString(p.refs(part.Ref.Name))
					} else {
						b.WriteString(part.Text)
					}
				}
				ph.text = b.String()
			} else {
				note("set $%s to the whole %s value (%s)", v, h.Name, h.Value.Written)
			}
			p.headers = append(p.headers, ph)
		}
	}
	var args []string
	for _, a := range s.Args {
		args = append(args, a.Written)
	}
	secrets := redact.ArgSecrets(args)
	for i, a := range args {
		for _, sec := range secrets {
			if sec == "" || !strings.Contains(a, sec) {
				continue
			}
			v := fmt.Sprintf("%s_ARG_%d", envName(s.Name), i+1)
			if p.refs != nil {
				a = strings.ReplaceAll(a, sec, p.refs(v))
				note("set $%s to the secret you passed in argument %d", v, i+1)
			} else {
				a = strings.ReplaceAll(a, sec, redact.Mask)
				note("argument %d holds a secret, written here as %s: this client does not expand variables in args; pass it through the environment instead", i+1, redact.Mask)
			}
		}
		p.args = append(p.args, a)
	}
	for _, e := range s.Env {
		p.env = append(p.env, e.Name)
		if _, literal := e.Value.IsLiteral(); literal {
			note("export %s (the value you passed) where the client starts", e.Name)
		}
	}
	for _, f := range s.Forward {
		p.env = append(p.env, f.Name)
	}
	return p
}

// headerValue is a header's value in the client's syntax.
func (p *portable) headerValue(h portableHeader) string {
	if h.text != "" {
		return h.text
	}
	return p.refs(h.variable)
}

// writeCodex: [mcp_servers.NAME] as Codex reads it (codex.go):
// bearer_token_env_var and env_http_headers name variables; env_vars
// passes variables on by name.
func writeCodex(p *portable) (file, text string) {
	var b strings.Builder
	fmt.Fprintf(&b, "[mcp_servers.%s]\n", QuoteKey(p.name))
	if p.transport == TransportStdio {
		fmt.Fprintf(&b, "command = %s\n", tomlString(p.command))
		if len(p.args) > 0 {
			fmt.Fprintf(&b, "args = %s\n", tomlList(p.args))
		}
		if len(p.env) > 0 {
			fmt.Fprintf(&b, "env_vars = %s\n", tomlList(p.env))
		}
		if p.cwd != "" {
			fmt.Fprintf(&b, "cwd = %s\n", tomlString(p.cwd))
		}
		return "~/.codex/config.toml", b.String()
	}
	if p.transport == TransportSSE {
		p.notes = append(p.notes, "Codex speaks Streamable HTTP only: it will not connect to a server that speaks only the legacy HTTP+SSE transport")
	}
	fmt.Fprintf(&b, "url = %s\n", tomlString(p.url))
	if p.bearer != "" {
		fmt.Fprintf(&b, "bearer_token_env_var = %s\n", tomlString(p.bearer))
	}
	if len(p.headers) > 0 {
		var pairs []string
		for _, h := range p.headers {
			pairs = append(pairs, tomlString(h.name)+" = "+tomlString(h.variable))
		}
		fmt.Fprintf(&b, "env_http_headers = { %s }\n", strings.Join(pairs, ", "))
	}
	return "~/.codex/config.toml", b.String()
}

// jsonEntry is one entry of a JSON client's file, its keys in the order
// people write them.
type jsonEntry struct {
	Type    string            `json:"type,omitempty"`
	URL     string            `json:"url,omitempty"`
	Command string            `json:"command,omitempty"`
	Args    []string          `json:"args,omitempty"`
	Env     map[string]string `json:"env,omitempty"`
	Cwd     string            `json:"cwd,omitempty"`
	Headers map[string]string `json:"headers,omitempty"`
}

// jsonEntryOf is the entry in the client's syntax; typ says whether the
// client writes a type, and its words for the two HTTP transports.
func (p *portable) jsonEntry(types map[Transport]string, cwd bool) jsonEntry {
	e := jsonEntry{Type: types[p.transport]}
	if p.transport == TransportStdio {
		e.Command, e.Args = p.command, p.args
		for _, v := range p.env {
			if e.Env == nil {
				e.Env = map[string]string{}
			}
			e.Env[v] = p.refs(v)
		}
		if cwd {
			e.Cwd = p.cwd
		} else if p.cwd != "" {
			p.notes = append(p.notes, "this client sets no working folder for a server: start it from "+p.cwd+", or wrap the command in a shell that changes there")
		}
		return e
	}
	e.URL = p.url
	if p.bearer != "" || len(p.headers) > 0 {
		e.Headers = map[string]string{}
	}
	if p.bearer != "" {
		e.Headers["Authorization"] = "Bearer " + p.refs(p.bearer)
	}
	for _, h := range p.headers {
		e.Headers[h.name] = p.headerValue(h)
	}
	return e
}

// jsonFile writes {"key": {"NAME": entry}} as a client's file holds it.
func jsonFile(key, name string, e jsonEntry) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	_ = enc.Encode(map[string]map[string]jsonEntry{key: {name: e}})
	return b.String()
}

// writeClaudeCode: a .mcp.json that Claude Code reads (claude.go): type
// http or sse, ${VAR} references; the same entry goes to `claude mcp
// add-json NAME '…'` for the user's or the local scope.
func writeClaudeCode(p *portable) (file, text string) {
	e := p.jsonEntry(map[Transport]string{TransportStdio: "stdio", TransportStreamableHTTP: "http", TransportSSE: "sse"}, false)
	one, _ := json.Marshal(e)
	p.notes = append(p.notes, fmt.Sprintf("or, for yourself only: claude mcp add-json --scope user %s '%s'", p.name, strings.ReplaceAll(string(one), "'", `'\''`)))
	return ".mcp.json", jsonFile("mcpServers", p.name, e)
}

// writeVSCode: a .vscode/mcp.json (editors.go): servers, type, and
// ${env:VAR} references.
func writeVSCode(p *portable) (file, text string) {
	e := p.jsonEntry(map[Transport]string{TransportStdio: "stdio", TransportStreamableHTTP: "http", TransportSSE: "sse"}, true)
	return ".vscode/mcp.json", jsonFile("servers", p.name, e)
}

// writeCursor: a .cursor/mcp.json (editors.go): a url alone is Streamable
// HTTP, then SSE; ${env:VAR} references.
func writeCursor(p *portable) (file, text string) {
	e := p.jsonEntry(map[Transport]string{TransportSSE: "sse"}, false)
	return ".cursor/mcp.json", jsonFile("mcpServers", p.name, e)
}

// tomlString is a TOML basic string: quotes, backslashes and control
// characters escaped (TOML 1.0, "String").
func tomlString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\u%04X`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

func tomlList(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = tomlString(s)
	}
	return "[" + strings.Join(q, ", ") + "]"
}
