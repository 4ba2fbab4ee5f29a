package config

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// reader holds what every reader of a JSON or YAML client file shares: the
// file being built, the client, and where the file keeps its servers.
type reader struct {
	file   *File
	client Client
	scope  string
	// table is where the servers are, as problems name it ("mcpServers").
	table string
}

func newReader(path string, client Client, scope, table string) *reader {
	return &reader{file: &File{Path: path, Client: client}, client: client, scope: scope, table: table}
}

// fileProblem is a problem about the file, not one server.
func (r *reader) fileProblem(sev Severity, code Code, at *node, format string, args ...any) {
	p := Problem{Severity: sev, Code: code, File: r.file.Path, Message: fmt.Sprintf(format, args...)}
	if at != nil {
		p.Line, p.Column = at.line, at.col
	}
	r.file.Problems = append(r.file.Problems, p)
}

// servers reads the object of servers at n, calling read for each entry
// in file order.
func (r *reader) servers(n *member, read func(e *entry)) {
	if n == nil {
		return
	}
	if n.val.kind != nodeObject {
		r.fileProblem(SeverityError, CodeType, n.val, "%s must be an object of servers by name, not %s", r.table, n.val.typeName())
		return
	}
	seen := map[string]*member{}
	for _, m := range n.val.members {
		if prev, dup := seen[m.key]; dup {
			r.fileProblem(SeverityWarning, CodeDuplicateKey, &node{line: prev.line, col: prev.col},
				"%s.%s is written twice; %s reads only the later one, at line %d", r.table, QuoteKey(m.key), r.client.Title(), m.line)
		}
		seen[m.key] = m
	}
	for _, m := range n.val.members {
		if seen[m.key] != m {
			continue
		}
		r.entry(m.key, m, read)
	}
}

// entry reads one server.
func (r *reader) entry(name string, m *member, read func(e *entry)) {
	s := Server{
		Name: name, Enabled: true, table: r.table,
		// What the probe gets when the client documents no timeout.
		StartupTimeout: DefaultStartupTimeout, ToolTimeout: DefaultToolTimeout,
		Line: m.line, Column: m.col,
		Source: Source{Client: r.client, File: r.file.Path, Scope: r.scope, Line: m.line, Column: m.col},
		keyPos: map[string]position{},
	}
	e := &entry{r: r, s: &s, n: m.val, seen: map[string]bool{}}
	if m.val.kind != nodeObject {
		e.problem(SeverityError, CodeType, "", m.val, "must be an object, not %s", m.val.typeName())
	} else {
		for _, k := range m.val.members {
			s.keyPos[k.key] = position{k.line, k.col}
		}
		read(e)
	}
	r.file.Servers = append(r.file.Servers, s)
}

// entry reads the fields of one server's object, turning each type
// mismatch into a problem that names the key.
type entry struct {
	r    *reader
	s    *Server
	n    *node
	seen map[string]bool
}

func (e *entry) problem(sev Severity, code Code, key string, at *node, format string, args ...any) {
	p := Problem{
		Severity: sev, Code: code, File: e.r.file.Path,
		Server: e.s.Name, Key: key, Table: e.r.table,
		Message: fmt.Sprintf(format, args...),
	}
	switch {
	case at != nil:
		p.Line, p.Column = at.line, at.col
	default:
		_, p.Line, p.Column = e.s.Position(strings.SplitN(key, ".", 2)[0])
	}
	e.s.Problems = append(e.s.Problems, p)
}

// field returns the value at key, or nil; it marks the key as read.
func (e *entry) field(key string) *node {
	e.seen[key] = true
	if m := e.n.get(key); m != nil {
		return m.val
	}
	return nil
}

// has reports whether key is written.
func (e *entry) has(key string) bool { return e.n.get(key) != nil }

func (e *entry) mismatch(key string, n *node, want string) {
	e.problem(SeverityError, CodeType, key, n, "must be %s, not %s", want, n.typeName())
}

func (e *entry) str(key string) (string, bool) {
	n := e.field(key)
	if n == nil {
		return "", false
	}
	if n.kind != nodeString {
		e.mismatch(key, n, "a string")
		return "", false
	}
	return n.text, true
}

// value reads a string field with the client's references.
func (e *entry) value(key string, syn varSyntax) Value {
	s, ok := e.str(key)
	if !ok {
		return Value{}
	}
	return parseVars(s, syn)
}

func (e *entry) strs(key string) ([]string, bool) {
	n := e.field(key)
	if n == nil {
		return nil, false
	}
	if n.kind != nodeArray {
		e.mismatch(key, n, "an array of strings")
		return nil, false
	}
	out := []string{}
	for i, it := range n.items {
		if it.kind != nodeString {
			e.problem(SeverityError, CodeType, key, it, "element %d must be a string, not %s", i, it.typeName())
			continue
		}
		out = append(out, it.text)
	}
	return out, true
}

func (e *entry) values(key string, syn varSyntax) []Value {
	ss, _ := e.strs(key)
	var out []Value
	for _, s := range ss {
		out = append(out, parseVars(s, syn))
	}
	return out
}

// pair is one member of a string map, in file order.
type pair struct {
	key, value string
}

// strMap reads an object of strings. Numbers and booleans are taken as
// written when scalars is set (VS Code accepts them in env); null is
// skipped.
func (e *entry) strMap(key string, scalars bool) []pair {
	n := e.field(key)
	if n == nil {
		return nil
	}
	if n.kind != nodeObject {
		e.mismatch(key, n, "an object of strings")
		return nil
	}
	var out []pair
	for _, m := range n.members {
		switch {
		case m.val.kind == nodeString:
			out = append(out, pair{m.key, m.val.text})
		case scalars && (m.val.kind == nodeNumber || m.val.kind == nodeBool):
			out = append(out, pair{m.key, m.val.text})
		case scalars && m.val.kind == nodeNull:
		default:
			e.problem(SeverityError, CodeType, key+"."+QuoteKey(m.key), m.val, "must be a string, not %s", m.val.typeName())
		}
	}
	return out
}

func (e *entry) boolean(key string) (bool, bool) {
	n := e.field(key)
	if n == nil {
		return false, false
	}
	if n.kind != nodeBool {
		e.mismatch(key, n, "true or false")
		return false, false
	}
	return n.text == "true", true
}

func (e *entry) number(key string) (float64, bool) {
	n := e.field(key)
	if n == nil {
		return 0, false
	}
	if n.kind != nodeNumber {
		e.mismatch(key, n, "a number")
		return 0, false
	}
	f, err := strconv.ParseFloat(n.text, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		e.problem(SeverityError, CodeType, key, n, "must be a finite number, not %s", n.text)
		return 0, false
	}
	return f, true
}

// duration reads a non-negative number of unit.
func (e *entry) duration(key string, unit time.Duration) (time.Duration, bool) {
	f, ok := e.number(key)
	if !ok {
		return 0, false
	}
	if f < 0 || f*float64(unit) > float64(math.MaxInt64) {
		e.problem(SeverityError, CodeNegativeTimeout, key, e.n.get(key).val, "must be a non-negative number of %s, not %v", unitName(unit), f)
		return 0, false
	}
	return time.Duration(f * float64(unit)), true
}

func unitName(u time.Duration) string {
	if u == time.Millisecond {
		return "milliseconds"
	}
	return "seconds"
}

// env reads an object of variables for a stdio server.
func (e *entry) env(key string, syn varSyntax, scalars bool) {
	for _, p := range e.strMap(key, scalars) {
		e.s.Env = append(e.s.Env, EnvVar{Name: p.key, Value: parseVars(p.value, syn)})
	}
}

// headers reads an object of headers.
func (e *entry) headers(key string, syn varSyntax) {
	for _, p := range e.strMap(key, false) {
		e.s.Headers = append(e.s.Headers, Header{Name: p.key, Value: parseVars(p.value, syn), Key: key})
	}
}

// unknown warns about every key of the entry that was not read.
func (e *entry) unknown(known ...string) {
	for _, m := range e.n.members {
		if e.seen[m.key] || slices.Contains(known, m.key) {
			continue
		}
		e.problem(SeverityWarning, CodeUnknownKey, m.key, &node{line: m.line, col: m.col},
			"unknown key: %s ignores it%s", e.r.client.Title(), suggestFrom(m.key, e.knownKeys(known)))
	}
}

func (e *entry) knownKeys(extra []string) []string {
	keys := append([]string{}, extra...)
	for k := range e.seen {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// url reads the URL field and checks it can be probed.
func (e *entry) url(key string, syn varSyntax) {
	e.s.URL = e.value(key, syn)
	if lit, ok := e.s.URL.IsLiteral(); ok && !e.s.URL.IsZero() {
		if msg := checkURL(lit); msg != "" {
			e.problem(SeverityError, CodeInvalidURL, key, e.n.get(key).val, "%s", msg)
		}
	}
}

// transport sets the transport, with whether the client falls back to SSE.
func (e *entry) transport(t Transport, fallback bool) {
	e.s.Transport, e.s.HTTPFallback = t, fallback
}

// literalOnly warns, for a client that expands no variables, about each
// value that looks like a reference: the server gets it as written.
func (e *entry) literalOnly() {
	check := func(key string, v Value) {
		if m := dollarRef.FindString(v.Written); m != "" {
			e.problem(SeverityWarning, CodeVariableUnset, key, nil, "%s does not expand %s: the server gets it as written; put the value itself here", e.r.client.Title(), m)
		} else if m := bareRef.FindString(v.Written); m != "" && strings.HasPrefix(v.Written, m) {
			e.problem(SeverityWarning, CodeVariableUnset, key, nil, "%s does not expand %s: the server gets it as written; put the value itself here", e.r.client.Title(), m)
		}
	}
	check("command", e.s.Command)
	for _, a := range e.s.Args {
		check("args", a)
	}
	for _, env := range e.s.Env {
		check("env."+QuoteKey(env.Name), env.Value)
	}
	check("url", e.s.URL)
	for _, h := range e.s.Headers {
		check("headers."+QuoteKey(h.Name), h.Value)
	}
}
