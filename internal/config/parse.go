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

	"github.com/BurntSushi/toml"
)

// validName is the rule Codex applies to server names at start-up.
var validName = regexp.MustCompile(`^[a-zA-Z0-9_-]+$`)

// ignoredKeys are keys users write because other clients accept them, and
// that Codex silently ignores. Each is a warning that says what to write
// instead, because the user believes it works.
var ignoredKeys = map[string]string{
	"type":      "Codex ignores `type`: the transport is stdio when `command` is set, Streamable HTTP when `url` is set",
	"transport": "Codex ignores `transport`: the transport is stdio when `command` is set, Streamable HTTP when `url` is set",
	"headers":   "Codex ignores `headers`: use `http_headers` for fixed values or `env_http_headers` for values from the environment",
}

// stdioOnly and httpOnly are the keys that belong to one transport; Codex
// refuses a table that mixes them.
var (
	stdioOnly = []string{"args", "env", "env_vars", "cwd"}
	httpOnly  = []string{"url", "bearer_token_env_var", "http_headers", "env_http_headers"}
)

var knownKeys = map[string]bool{
	"command": true, "args": true, "env": true, "env_vars": true, "cwd": true,
	"url": true, "bearer_token_env_var": true, "http_headers": true, "env_http_headers": true,
	"startup_timeout_sec": true, "startup_timeout_ms": true, "tool_timeout_sec": true,
	"enabled": true, "required": true, "enabled_tools": true, "disabled_tools": true,
	"scopes": true, "oauth": true, "oauth_resource": true, "bearer_token": true,
}

// Parse reads config text. path is used only to name the file in problems.
func Parse(path string, data []byte) *File {
	f := &File{Path: path}
	var doc map[string]any
	if _, err := toml.Decode(string(data), &doc); err != nil {
		f.Problems = append(f.Problems, syntaxProblem(path, err))
		return f
	}
	pos := scanKeyPositions(string(data))
	p := parser{file: f, pos: pos}

	raw, ok := doc["mcp_servers"]
	if !ok {
		return f
	}
	tables, ok := raw.(map[string]any)
	if !ok {
		p.problem(SeverityError, CodeType, "", "", "mcp_servers must be a table of servers ([mcp_servers.NAME]), not %s", tomlType(raw))
		return f
	}
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
	SortProblems(f.Problems)
	for i := range f.Servers {
		SortProblems(f.Servers[i].Problems)
	}
	return f
}

// Fatal returns the problem that stopped the file from being read at all (a
// syntax error), or nil.
func (f *File) Fatal() *Problem {
	for i, p := range f.Problems {
		if p.Code == CodeSyntax {
			return &f.Problems[i]
		}
	}
	return nil
}

func syntaxProblem(path string, err error) Problem {
	pr := Problem{Severity: SeverityError, Code: CodeSyntax, File: path, Message: err.Error()}
	var pe toml.ParseError
	if errors.As(err, &pe) {
		pr.Line, pr.Column = pe.Position.Line, pe.Position.Col
		pr.Message = pe.Message
		if pe.LastKey != "" {
			pr.Key = pe.LastKey
		}
	}
	return pr
}

type parser struct {
	file *File
	pos  keyPositions
	// current server's problems, copied onto the Server too.
	current *Server
}

func (p *parser) problem(sev Severity, code, server, key, format string, args ...any) {
	path := []string{"mcp_servers"}
	if server != "" {
		path = append(path, server)
		if key != "" {
			path = append(path, strings.Split(key, ".")...)
		}
	}
	at, _ := p.pos.lookup(path...)
	pr := Problem{
		Severity: sev, Code: code, File: p.file.Path,
		Line: at.line, Column: at.col,
		Server: server, Key: key,
		Message: fmt.Sprintf(format, args...),
	}
	p.file.Problems = append(p.file.Problems, pr)
	if p.current != nil && server != "" {
		p.current.Problems = append(p.current.Problems, pr)
	}
}

func (p *parser) server(name string, raw any) Server {
	s := Server{
		Name:           name,
		Enabled:        true,
		StartupTimeout: DefaultStartupTimeout,
		ToolTimeout:    DefaultToolTimeout,
	}
	p.current = &s
	defer func() { p.current = nil }()
	at, _ := p.pos.lookup("mcp_servers", name)
	s.Line, s.Column = at.line, at.col

	if !validName.MatchString(name) {
		p.problem(SeverityError, CodeInvalidName, name, "",
			"server name %q is not allowed: Codex accepts only letters, digits, '_' and '-' and refuses to start otherwise; rename the table", name)
	}
	t, ok := raw.(map[string]any)
	if !ok {
		p.problem(SeverityError, CodeType, name, "", "must be a table ([mcp_servers.%s]), not %s", QuoteKey(name), tomlType(raw))
		return s
	}
	get := fieldReader{p: p, server: name, table: t}
	s.keyPos = map[string]position{}
	for k := range t {
		if at, ok := p.pos.lookup("mcp_servers", name, k); ok {
			s.keyPos[k] = at
		}
	}

	s.Command = get.str("command")
	s.Args = get.strs("args")
	s.Env = get.strMap("env")
	s.EnvVars = get.envVars("env_vars")
	s.Cwd = get.str("cwd")
	s.URL = get.str("url")
	s.BearerTokenEnvVar = get.str("bearer_token_env_var")
	s.HTTPHeaders = get.strMap("http_headers")
	s.EnvHTTPHeaders = get.strMap("env_http_headers")
	if v, ok := get.boolean("enabled"); ok {
		s.Enabled = v
	}
	s.Required, _ = get.boolean("required")
	s.EnabledTools = get.strs("enabled_tools")
	s.DisabledTools = get.strs("disabled_tools")
	s.Scopes = get.strs("scopes")
	s.OAuthResource = get.str("oauth_resource")
	if o, ok := t["oauth"]; ok {
		ot, isTable := o.(map[string]any)
		if !isTable {
			p.problem(SeverityError, CodeType, name, "oauth", "must be a table with client_id, not %s", tomlType(o))
		} else {
			og := fieldReader{p: p, server: name, table: ot, prefix: "oauth."}
			s.OAuthClientID = og.str("client_id")
			for _, k := range slices.Sorted(maps.Keys(ot)) {
				if k != "client_id" {
					p.problem(SeverityWarning, CodeUnknownKey, name, "oauth."+k, "unknown key: Codex ignores it (the oauth table takes client_id)")
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
		if s.Command == "" {
			p.problem(SeverityError, CodeInvalidValue, name, "command", "is empty: name the program that starts the server")
		}
		for _, k := range httpOnly {
			if _, ok := t[k]; ok {
				p.problem(SeverityError, CodeWrongTransport, name, k,
					"not allowed on a stdio server (command is set); Codex refuses the table: remove %s, or remove command to make it an HTTP server", k)
			}
		}
	case hasURL:
		s.Transport = TransportStreamableHTTP
		for _, k := range stdioOnly {
			if _, ok := t[k]; ok {
				p.problem(SeverityError, CodeWrongTransport, name, k,
					"not allowed on a Streamable HTTP server (url is set); Codex refuses the table: remove %s", k)
			}
		}
		if msg := checkURL(s.URL); msg != "" {
			p.problem(SeverityError, CodeInvalidURL, name, "url", "%s", msg)
		}
	default:
		p.problem(SeverityError, CodeNoTransport, name, "",
			"has neither command (stdio) nor url (Streamable HTTP): Codex cannot start it; add one of them")
	}
	return s
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

// suggestKey offers the known key closest to a misspelt one.
func suggestKey(k string) string {
	keys := make([]string, 0, len(knownKeys))
	for known := range knownKeys {
		keys = append(keys, known)
	}
	sort.Strings(keys)
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
func (g fieldReader) envVars(key string) []EnvVar {
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
	var out []EnvVar
	for i, e := range arr {
		switch x := e.(type) {
		case string:
			out = append(out, EnvVar{Name: x, Source: "local"})
		case map[string]any:
			name, _ := x["name"].(string)
			if name == "" {
				g.p.problem(SeverityError, CodeType, g.server, key, "element %d needs a string name", i)
				continue
			}
			ev := EnvVar{Name: name, Source: "local"}
			if src, ok := x["source"]; ok {
				s, _ := src.(string)
				if s != "local" && s != "remote" {
					g.p.problem(SeverityError, CodeInvalidValue, g.server, key, "element %d (%s): source must be \"local\" or \"remote\", not %v", i, name, src)
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
