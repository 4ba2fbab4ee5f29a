package config

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/BurntSushi/toml"
)

// Codex's config: [mcp_servers.NAME] tables in config.toml. The rules
// below follow codex-rs as of 0.171 (config/src/mcp_types.rs,
// RawMcpServerConfig; codex-mcp/src/rmcp_client.rs for start-up), quoted
// where Codex words an error itself.

// codexName is the rule Codex applies to a server's name when it starts
// it (validate_mcp_server_name); codexOldName is the rule releases before
// it was relaxed applied (0.140 still had it). A name that fails is not a
// config error: Codex loads the file, lists the server, and fails to start
// it.
var (
	codexName    = regexp.MustCompile(`^[a-zA-Z0-9_:@/.-]+$`)
	codexOldName = regexp.MustCompile(`^[a-zA-Z0-9_-]+$`)
)

// ignoredKeys are keys users write because other clients accept them, and
// that Codex silently ignores. Each is a warning that says what to write
// instead, because the user believes it works.
var ignoredKeys = map[string]string{
	"type":                     "Codex ignores `type`: the transport is stdio when `command` is set, Streamable HTTP when `url` is set",
	"transport":                "Codex ignores `transport`: the transport is stdio when `command` is set, Streamable HTTP when `url` is set",
	"headers":                  "Codex ignores `headers`: use `http_headers` for fixed values or `env_http_headers` for values from the environment",
	"experimental_environment": "Codex no longer reads `experimental_environment`: it became `environment_id`",
}

// stdioOnly and httpOnly are the keys that belong to one transport, in the
// order Codex checks them (throw_if_set); Codex refuses a table that mixes
// them with "KEY is not supported for stdio" or "… for streamable_http".
var (
	stdioOnly = []string{"args", "env", "env_vars", "cwd"}
	httpOnly  = []string{"url", "bearer_token_env_var", "http_headers", "env_http_headers", "http_headers_helper", "oauth", "oauth_resource", "auth"}
)

var knownKeys = map[string]bool{
	"command": true, "args": true, "env": true, "env_vars": true, "cwd": true,
	"url": true, "bearer_token_env_var": true, "http_headers": true, "env_http_headers": true,
	"http_headers_helper": true, "auth": true, "environment_id": true,
	"startup_timeout_sec": true, "startup_timeout_ms": true, "tool_timeout_sec": true,
	"enabled": true, "required": true, "enabled_tools": true, "disabled_tools": true,
	"supports_parallel_tool_calls": true, "omit_tools_from": true, "default_tools_approval_mode": true, "tools": true,
	"scopes": true, "oauth": true, "oauth_resource": true, "bearer_token": true, "name": true,
}

// Codex's enumerations.
var (
	codexAuth          = []string{"oauth", "chatgpt", "ema_auth"}
	codexApprovalModes = []string{"auto", "prompt", "writes", "approve"}
	codexToolSurfaces  = []string{"code_mode", "deferred", "direct"}
)

// parseCodex reads a Codex config.toml. path is used only to name the
// file in problems.
func parseCodex(path string, data []byte, scope string) *File {
	f := &File{Path: path, Client: ClientCodex}
	var doc map[string]any
	if _, err := toml.Decode(string(data), &doc); err != nil {
		f.Problems = append(f.Problems, syntaxProblem(path, data, err))
		return f
	}
	pos := scanKeyPositions(string(data))
	p := parser{file: f, pos: pos, scope: scope}

	raw, ok := doc["mcp_servers"]
	if !ok {
		return f
	}
	tables, ok := raw.(map[string]any)
	if !ok {
		p.problem(SeverityError, CodeType, "", "", "mcp_servers must be a table of servers ([mcp_servers.NAME]), not %s", tomlType(raw))
		return f
	}
	f.codex = &codexLayer{tables: tables, pos: pos}
	names := make([]string, 0, len(tables))
	for name := range tables {
		names = append(names, name)
	}
	// File order, so output follows what the user wrote.
	sort.Slice(names, func(i, j int) bool {
		pi, _ := pos.lookup("mcp_servers", names[i])
		pj, _ := pos.lookup("mcp_servers", names[j])
		if pi.line != pj.line {
			return pi.line < pj.line
		}
		return names[i] < names[j]
	})
	for _, name := range names {
		f.Servers = append(f.Servers, p.server(name, tables[name]))
	}
	f.sortProblems()
	return f
}

// Fatal returns the problem that stopped the file from being read at all (a
// syntax error, a file too large or too deeply nested), or nil.
func (f *File) Fatal() *Problem {
	for i, p := range f.Problems {
		switch p.Code {
		case CodeSyntax, CodeTooLarge, CodeTooDeep:
			return &f.Problems[i]
		}
	}
	return nil
}

func syntaxProblem(path string, data []byte, err error) Problem {
	pr := Problem{Severity: SeverityError, Code: CodeSyntax, File: path, Message: err.Error()}
	var pe toml.ParseError
	if errors.As(err, &pe) {
		pr.Line, pr.Column = pe.Position.Line, pe.Position.Col
		pr.Message = pe.Message
		if pe.LastKey != "" {
			pr.Key = pe.LastKey
		}
		// An error at a line's end ("got '\n'") is placed past the end of
		// the next line; put it where the line ends.
		lines := strings.Split(string(data), "\n")
		if pr.Line > 1 && pr.Line <= len(lines) && pr.Column > utf8.RuneCountInString(lines[pr.Line-1])+1 {
			pr.Line--
			pr.Column = utf8.RuneCountInString(lines[pr.Line-1]) + 1
		}
	}
	return pr
}

type parser struct {
	file  *File
	pos   keyPositions
	scope string
	// lower are the layers below this file whose table of the server being
	// read was merged into it (codexLayers), highest first: a key written
	// only there is placed there.
	lower []placedLayer
	// current server's problems, copied onto the Server too.
	current *Server
}

// placedLayer is a file and where its keys are written.
type placedLayer struct {
	path string
	pos  keyPositions
}

// at returns the file and position where a key path is written: in this
// file, else in the highest lower layer that writes it, else at the
// nearest enclosing table written in this file; false when nothing is.
func (p *parser) at(parts ...string) (string, position, bool) {
	if at, ok := p.pos[joinPath(parts...)]; ok {
		return p.file.Path, at, true
	}
	for _, l := range p.lower {
		if at, ok := l.pos[joinPath(parts...)]; ok {
			return l.path, at, true
		}
	}
	at, ok := p.pos.lookup(parts...)
	return p.file.Path, at, ok
}

func (p *parser) problem(sev Severity, code Code, server, key, format string, args ...any) {
	// A server's problem is one raised while its table is read: its name
	// may be "" ([mcp_servers.""]).
	inServer := p.current != nil
	path := []string{"mcp_servers"}
	table := ""
	if inServer {
		path, table = append(path, server), "mcp_servers"
		if key != "" {
			path = append(path, strings.Split(key, ".")...)
		}
	}
	file, at, _ := p.at(path...)
	pr := Problem{
		Severity: sev, Code: code, File: file,
		Line: at.line, Column: at.col,
		Server: server, Key: key, Table: table,
		Message: fmt.Sprintf(format, args...),
	}
	if inServer {
		p.current.Problems = append(p.current.Problems, pr)
	} else {
		p.file.Problems = append(p.file.Problems, pr)
	}
}

func (p *parser) server(name string, raw any) Server {
	s := Server{
		Name:           name,
		Enabled:        true,
		StartupTimeout: DefaultStartupTimeout,
		ToolTimeout:    DefaultToolTimeout,
		table:          "mcp_servers",
	}
	p.current = &s
	defer func() { p.current = nil }()
	at, _ := p.pos.lookup("mcp_servers", name)
	s.Line, s.Column = at.line, at.col
	s.Source = Source{Client: ClientCodex, File: p.file.Path, Scope: p.scope, Line: at.line, Column: at.col}

	switch {
	case !codexName.MatchString(name):
		p.problem(SeverityError, CodeInvalidName, name, "",
			"Codex lists this server but does not start it: %q (older releases, 0.140 among them, allowed only %s). mcpdoctor probes it all the same; rename the table for Codex to start it",
			"Invalid MCP server name '"+name+"': must match pattern "+codexName.String(), codexOldName.String())
	case !codexOldName.MatchString(name):
		p.problem(SeverityWarning, CodeInvalidName, name, "",
			"older Codex releases (0.140 among them) do not start this server: their names must match %s; newer releases allow ':', '@', '/' and '.' too", codexOldName.String())
	}
	t, ok := raw.(map[string]any)
	if !ok {
		p.problem(SeverityError, CodeType, name, "", "must be a table ([mcp_servers.%s]), not %s", QuoteKey(name), tomlType(raw))
		return s
	}
	get := fieldReader{p: p, server: name, table: t}
	s.keyPos, s.keyFile = map[string]position{}, map[string]string{}
	for k := range t {
		file, at, ok := p.at("mcp_servers", name, k)
		if !ok {
			continue
		}
		s.keyPos[k] = at
		if file != p.file.Path {
			s.keyFile[k] = file
		}
	}

	if _, ok := t["command"]; ok {
		s.Command = Literal(get.str("command"))
	}
	for _, a := range get.strs("args") {
		s.Args = append(s.Args, Literal(a))
	}
	env := get.strMap("env")
	for _, k := range slices.Sorted(maps.Keys(env)) {
		s.Env = append(s.Env, EnvVar{Name: k, Value: Literal(env[k])})
	}
	s.Forward = get.envVars("env_vars")
	s.Inherit = CodexInheritedEnv
	if _, ok := t["cwd"]; ok {
		s.Cwd = Literal(get.str("cwd"))
	}
	if _, ok := t["url"]; ok {
		s.URL = Literal(get.str("url"))
	}
	// Headers in the order Codex builds them (rmcp-client utils.rs,
	// build_default_headers): http_headers, then env_http_headers, whose
	// unset or empty variable drops the header silently, then
	// bearer_token_env_var, whose unset or empty variable stops the server
	// at start-up (mcp_connection_manager.rs, resolve_bearer_token) and
	// which wins for Authorization.
	static := get.strMap("http_headers")
	for _, k := range slices.Sorted(maps.Keys(static)) {
		s.Headers = append(s.Headers, Header{Name: k, Value: Literal(static[k]), Key: "http_headers"})
	}
	fromEnv := get.strMap("env_http_headers")
	for _, k := range slices.Sorted(maps.Keys(fromEnv)) {
		s.Headers = append(s.Headers, Header{Name: k, Key: "env_http_headers", Value: codexEnvValue(fromEnv[k], UnsetDrop, false)})
	}
	if v := get.str("bearer_token_env_var"); v != "" {
		bearer := codexEnvValue(v, UnsetFail, true)
		bearer.Written = "Bearer " + bearer.Written
		bearer.Parts = append([]Part{{Text: "Bearer "}}, bearer.Parts...)
		s.Headers = append(s.Headers, Header{Name: "Authorization", Key: "bearer_token_env_var", Value: bearer})
	}
	environment := "local"
	if _, ok := t["environment_id"]; ok {
		environment = get.str("environment_id")
		if environment != "local" {
			p.problem(SeverityWarning, CodeInvalidValue, name, "environment_id",
				"Codex reaches this server from the environment %q, not from this machine; mcpdoctor probes it from here", environment)
		}
	}
	for _, f := range s.Forward {
		if f.Source == "remote" && environment == "local" {
			p.problem(SeverityError, CodeRemoteEnvVar, name, "env_vars",
				"Codex fails to start this server: \"env_vars entry `%s` uses source `remote`, which requires remote MCP stdio\"; set environment_id, or make the source local", f.Name)
		}
	}
	if _, ok := t["http_headers_helper"]; ok {
		helper := get.str("http_headers_helper")
		switch {
		case strings.TrimSpace(helper) == "":
			p.problem(SeverityError, CodeInvalidValue, name, "http_headers_helper", "Codex refuses the config: \"http_headers_helper must not be empty\"")
		case environment != "local":
			p.problem(SeverityError, CodeInvalidValue, name, "http_headers_helper", "Codex refuses the config: \"http_headers_helper is only supported for local MCP servers\"")
		default:
			// Codex runs it with sh -c in the session's directory, with
			// the environment it builds for stdio servers
			// (rmcp-client/src/http_headers.rs); an explicit
			// Authorization wins over the helper's.
			s.HeadersHelper = &HeadersHelper{Command: helper, Key: "http_headers_helper", KeepAuthorization: true}
		}
	}
	if v, ok := get.boolean("enabled"); ok {
		s.Enabled = v
	}
	s.Required, _ = get.boolean("required")
	get.boolean("supports_parallel_tool_calls")
	get.oneOf("auth", codexAuth)
	get.oneOf("default_tools_approval_mode", codexApprovalModes)
	for i, v := range get.strs("omit_tools_from") {
		if !slices.Contains(codexToolSurfaces, v) {
			p.problem(SeverityError, CodeInvalidValue, name, "omit_tools_from", "element %d is %q: Codex takes %s", i, v, strings.Join(codexToolSurfaces, ", "))
		}
	}
	get.str("name")
	p.tools(name, t)
	s.EnabledTools = get.strs("enabled_tools")
	s.DisabledTools = get.strs("disabled_tools")
	s.OAuth.Scopes = get.strs("scopes")
	s.OAuth.Resource = get.str("oauth_resource")
	if o, ok := t["oauth"]; ok {
		ot, isTable := o.(map[string]any)
		if !isTable {
			p.problem(SeverityError, CodeType, name, "oauth", "must be a table with client_id, not %s", tomlType(o))
		} else {
			og := fieldReader{p: p, server: name, table: ot, prefix: "oauth."}
			s.OAuth.ClientID = og.str("client_id")
			s.OAuth.CallbackURL = og.str("callback_url")
			if n, ok := og.number("callback_port"); ok {
				if n != math.Trunc(n) || n < 0 || n > 65535 {
					p.problem(SeverityError, CodeInvalidValue, name, "oauth.callback_port", "must be a port number (0 to 65535), not %v", n)
				} else {
					s.OAuth.CallbackPort = int(n)
				}
			}
			if _, ok := ot["authorization_server_issuer"]; ok {
				og.str("authorization_server_issuer")
				if auth, _ := t["auth"].(string); auth != "ema_auth" {
					p.problem(SeverityError, CodeInvalidValue, name, "oauth.authorization_server_issuer", "Codex refuses the config: \"oauth.authorization_server_issuer requires auth = \\\"ema_auth\\\"\"")
				}
			}
			for _, k := range slices.Sorted(maps.Keys(ot)) {
				switch k {
				case "client_id", "callback_url", "callback_port", "authorization_server_issuer":
				default:
					p.problem(SeverityWarning, CodeUnknownKey, name, "oauth."+k, "unknown key: Codex ignores it (the oauth table takes client_id, callback_url, callback_port)")
				}
			}
		}
	}

	// Timeouts: startup_timeout_sec wins over the legacy startup_timeout_ms.
	if sec, ok := get.seconds("startup_timeout_sec"); ok {
		s.StartupTimeout = sec
		if _, legacy := t["startup_timeout_ms"]; legacy {
			p.problem(SeverityWarning, CodeIgnoredKey, name, "startup_timeout_ms", "ignored because startup_timeout_sec is also set; remove one")
		}
	} else if ms, ok := get.number("startup_timeout_ms"); ok {
		if d, ok := p.duration(name, "startup_timeout_ms", ms, time.Millisecond); ok {
			s.StartupTimeout = d
		}
	}
	if sec, ok := get.seconds("tool_timeout_sec"); ok {
		s.ToolTimeout = sec
	}

	if _, ok := t["bearer_token"]; ok {
		p.problem(SeverityError, CodeBearerToken, name, "bearer_token",
			"Codex does not support a literal bearer_token: put the token in an environment variable and name it in bearer_token_env_var")
	}
	for _, k := range slices.Sorted(maps.Keys(t)) {
		if msg, ignored := ignoredKeys[k]; ignored {
			p.problem(SeverityWarning, CodeIgnoredKey, name, k, "%s", msg)
		} else if !knownKeys[k] {
			p.problem(SeverityWarning, CodeUnknownKey, name, k, "unknown key: Codex ignores it%s", suggestKey(k))
		}
	}

	_, hasCommand := t["command"]
	_, hasURL := t["url"]
	switch {
	case hasCommand:
		s.Transport = TransportStdio
		if s.Command.Written == "" {
			p.problem(SeverityError, CodeInvalidValue, name, "command", "is empty: name the program that starts the server")
		}
		for _, k := range httpOnly {
			if _, ok := t[k]; ok {
				p.problem(SeverityError, CodeWrongTransport, name, k,
					"not allowed on a stdio server (command is set); Codex refuses the table (%q): remove %s, or remove command to make it an HTTP server", k+" is not supported for stdio", k)
			}
		}
	case hasURL:
		s.Transport = TransportStreamableHTTP
		for _, k := range stdioOnly {
			if _, ok := t[k]; ok {
				p.problem(SeverityError, CodeWrongTransport, name, k,
					"not allowed on a Streamable HTTP server (url is set); Codex refuses the table (%q): remove %s", k+" is not supported for streamable_http", k)
			}
		}
		if msg := checkURL(s.URL.Written); msg != "" {
			p.problem(SeverityError, CodeInvalidURL, name, "url", "%s", msg)
		}
	default:
		p.problem(SeverityError, CodeNoTransport, name, "",
			"has neither command (stdio) nor url (Streamable HTTP): Codex cannot start it (\"invalid transport\"); add one of them")
	}
	return s
}

// tools checks the per-tool table: tools.NAME.approval_mode and
// tools.NAME.output_token_limit.
func (p *parser) tools(server string, t map[string]any) {
	raw, ok := t["tools"]
	if !ok {
		return
	}
	tools, ok := raw.(map[string]any)
	if !ok {
		p.problem(SeverityError, CodeType, server, "tools", "must be a table of tools (tools.NAME = { approval_mode = ... }), not %s", tomlType(raw))
		return
	}
	for _, tool := range slices.Sorted(maps.Keys(tools)) {
		key := "tools." + QuoteKey(tool)
		tt, ok := tools[tool].(map[string]any)
		if !ok {
			p.problem(SeverityError, CodeType, server, key, "must be a table, not %s", tomlType(tools[tool]))
			continue
		}
		g := fieldReader{p: p, server: server, table: tt, prefix: key + "."}
		g.oneOf("approval_mode", codexApprovalModes)
		if n, ok := g.number("output_token_limit"); ok && (n != math.Trunc(n) || n < 1) {
			p.problem(SeverityError, CodeInvalidValue, server, key+".output_token_limit", "must be a positive whole number, not %v", n)
		}
		for _, k := range slices.Sorted(maps.Keys(tt)) {
			if k != "approval_mode" && k != "output_token_limit" {
				p.problem(SeverityWarning, CodeUnknownKey, server, key+"."+k, "unknown key: Codex ignores it (a tool takes approval_mode and output_token_limit)")
			}
		}
	}
}

func checkURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "is not a valid URL: " + strings.TrimPrefix(err.Error(), "parse "+fmt.Sprintf("%q", raw)+": ")
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "must start with http:// or https://"
	}
	if u.Host == "" {
		return "has no host"
	}
	return ""
}

func (p *parser) duration(server, key string, v float64, unit time.Duration) (time.Duration, bool) {
	if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
		p.problem(SeverityError, CodeNegativeTimeout, server, key, "must be a non-negative number, not %v; Codex refuses the config", v)
		return 0, false
	}
	if v*float64(unit) > float64(math.MaxInt64) {
		p.problem(SeverityError, CodeNegativeTimeout, server, key, "%v is too large", v)
		return 0, false
	}
	return time.Duration(v * float64(unit)), true
}

// suggestKey offers the Codex key closest to a misspelt one.
func suggestKey(k string) string {
	keys := make([]string, 0, len(knownKeys))
	for known := range knownKeys {
		keys = append(keys, known)
	}
	sort.Strings(keys)
	return suggestFrom(k, keys)
}

// suggestFrom offers the key of keys closest to a misspelt one.
func suggestFrom(k string, keys []string) string {
	best, bestDist := "", 3 // further than two edits is not a typo
	for _, known := range keys {
		d := editDistance(k, known)
		if len(k) >= 6 && strings.HasPrefix(known, k) {
			d = 1 // a truncated key ("bearer_token_env") is a typo too
		}
		if d < bestDist {
			best, bestDist = known, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %s?)", best)
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

func tomlType(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case int64:
		return "an integer"
	case float64:
		return "a float"
	case bool:
		return "a boolean"
	case []any, []map[string]any:
		return "an array"
	case map[string]any:
		return "a table"
	case nil:
		return "nothing"
	}
	return "a date or time"
}

// fieldReader reads typed fields from one table, turning every type mismatch
// into a Problem that names the key and what was expected.
type fieldReader struct {
	p      *parser
	server string
	table  map[string]any
	prefix string
}

func (g fieldReader) mismatch(key, want string, got any) {
	g.p.problem(SeverityError, CodeType, g.server, g.prefix+key, "must be %s, not %s", want, tomlType(got))
}

func (g fieldReader) str(key string) string {
	v, ok := g.table[key]
	if !ok {
		return ""
	}
	s, ok := v.(string)
	if !ok {
		g.mismatch(key, "a string", v)
	}
	return s
}

func (g fieldReader) boolean(key string) (bool, bool) {
	v, ok := g.table[key]
	if !ok {
		return false, false
	}
	b, ok := v.(bool)
	if !ok {
		g.mismatch(key, "true or false", v)
	}
	return b, ok
}

func (g fieldReader) strs(key string) []string {
	v, ok := g.table[key]
	if !ok {
		return nil
	}
	arr, ok := v.([]any)
	if !ok {
		g.mismatch(key, "an array of strings", v)
		return nil
	}
	out := make([]string, 0, len(arr))
	for i, e := range arr {
		s, ok := e.(string)
		if !ok {
			g.p.problem(SeverityError, CodeType, g.server, g.prefix+key, "element %d must be a string, not %s", i, tomlType(e))
			continue
		}
		out = append(out, s)
	}
	return out
}

func (g fieldReader) strMap(key string) map[string]string {
	v, ok := g.table[key]
	if !ok {
		return nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		g.mismatch(key, "a table of strings", v)
		return nil
	}
	out := make(map[string]string, len(m))
	for k, e := range m {
		s, ok := e.(string)
		if !ok {
			g.p.problem(SeverityError, CodeType, g.server, g.prefix+key+"."+QuoteKey(k), "must be a string, not %s", tomlType(e))
			continue
		}
		out[k] = s
	}
	return out
}

// oneOf reads a string that must be one of choices.
func (g fieldReader) oneOf(key string, choices []string) string {
	v := g.str(key)
	if _, ok := g.table[key].(string); ok && !slices.Contains(choices, v) {
		g.p.problem(SeverityError, CodeInvalidValue, g.server, g.prefix+key, "is %q: Codex takes %s", v, strings.Join(choices, ", "))
	}
	return v
}

func (g fieldReader) number(key string) (float64, bool) {
	v, ok := g.table[key]
	if !ok {
		return 0, false
	}
	switch n := v.(type) {
	case int64:
		return float64(n), true
	case float64:
		return n, true
	}
	g.mismatch(key, "a number", v)
	return 0, false
}

func (g fieldReader) seconds(key string) (time.Duration, bool) {
	n, ok := g.number(key)
	if !ok {
		return 0, false
	}
	return g.p.duration(g.server, g.prefix+key, n, time.Second)
}

// envVars reads env_vars: each entry a name, or {name, source} with source
// "local" or "remote".
func (g fieldReader) envVars(key string) []EnvForward {
	v, ok := g.table[key]
	if !ok {
		return nil
	}
	var arr []any
	switch a := v.(type) {
	case []any:
		arr = a
	case []map[string]any:
		for _, m := range a {
			arr = append(arr, m)
		}
	default:
		g.mismatch(key, "an array of names or {name, source} tables", v)
		return nil
	}
	var out []EnvForward
	for i, e := range arr {
		switch x := e.(type) {
		case string:
			out = append(out, EnvForward{Name: x, Source: "local"})
		case map[string]any:
			name, _ := x["name"].(string)
			if name == "" {
				g.p.problem(SeverityError, CodeType, g.server, key, "element %d needs a string name", i)
				continue
			}
			for k := range x {
				if k != "name" && k != "source" {
					g.p.problem(SeverityError, CodeInvalidValue, g.server, key, "element %d (%s) has the key %q: Codex refuses it (an entry takes name and source)", i, name, k)
				}
			}
			ev := EnvForward{Name: name, Source: "local"}
			if src, ok := x["source"]; ok {
				s, _ := src.(string)
				if s != "local" && s != "remote" {
					g.p.problem(SeverityError, CodeInvalidValue, g.server, key, "element %d (%s): Codex refuses it (\"unsupported env_vars source `%v`; expected `local` or `remote`\")", i, name, src)
					continue
				}
				ev.Source = s
			}
			out = append(out, ev)
		default:
			g.p.problem(SeverityError, CodeType, g.server, key, "element %d must be a name or a {name, source} table, not %s", i, tomlType(e))
		}
	}
	return out
}

// codexEnvValue is a value a Codex key names by its variable: written
// "$VAR", it is that variable's value.
func codexEnvValue(variable string, unset Unset, trim bool) Value {
	r := &Ref{Kind: RefEnv, Name: variable, Written: "$" + variable, Unset: unset, EmptyIsUnset: true, Trim: trim}
	return Value{Written: r.Written, Parts: []Part{{Ref: r}}}
}

// CodexInheritedEnv is the environment Codex passes to a stdio server from
// its own, before env_vars and env (codex-rs/rmcp-client/src/utils.rs:
// DEFAULT_ENV_VARS on unix, then the certificate variables of
// CUSTOM_CA_ENV_KEYS when they are set).
var CodexInheritedEnv = []string{
	"HOME", "LOGNAME", "PATH", "SHELL", "USER", "__CF_USER_TEXT_ENCODING", "LANG", "LC_ALL", "TERM", "TMPDIR", "TZ",
	"CODEX_CA_CERTIFICATE", "SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "NODE_EXTRA_CA_CERTS",
	"GIT_SSL_CAINFO", "PIP_CERT", "BUNDLE_SSL_CA_CERT", "npm_config_cafile", "NPM_CONFIG_CAFILE",
}
