// Package config reads, locates and checks the MCP servers a client is
// configured with. Codex's config.toml comes first: its [mcp_servers.NAME]
// tables are read the way Codex reads them, field by field, and every rule
// Codex enforces at start-up (or silently ignores) becomes a Problem with the
// file, line and column it came from.
package config

import (
	"maps"
	"slices"
	"time"

	"github.com/mcpdoctor/mcpdoctor/internal/redact"
)

// Transport types, as they appear in the JSON contract.
const (
	TransportStdio          = "stdio"
	TransportStreamableHTTP = "streamable_http"
	TransportSSE            = "sse"
)

// Codex's defaults for the two timeouts (codex-rs: DEFAULT_STARTUP_TIMEOUT,
// DEFAULT_TOOL_TIMEOUT).
const (
	DefaultStartupTimeout = 30 * time.Second
	DefaultToolTimeout    = 300 * time.Second
)

// File is one loaded client config.
type File struct {
	// Path is where the config was read from, as the user would recognise it.
	Path string
	// Servers are in the order they appear in the file.
	Servers []Server
	// Problems found while reading: syntax, types, Codex's rules. Environment
	// problems are separate (see CheckEnvironment) because they depend on the
	// machine, not the file.
	Problems []Problem
}

// Server returns the server with that name, or false.
func (f *File) Server(name string) (Server, bool) {
	for _, s := range f.Servers {
		if s.Name == name {
			return s, true
		}
	}
	return Server{}, false
}

// Names lists the configured server names in file order.
func (f *File) Names() []string {
	names := make([]string, len(f.Servers))
	for i, s := range f.Servers {
		names[i] = s.Name
	}
	return names
}

// EnvVar is one entry of `env_vars`: a variable forwarded from the client's
// environment to a stdio server. Source is "local" (the default) or "remote".
type EnvVar struct {
	Name   string `json:"name"`
	Source string `json:"source,omitempty"`
}

// Server is one [mcp_servers.NAME] table, with Codex's defaults applied.
type Server struct {
	Name string
	// Transport is inferred as Codex infers it: command → stdio, else url →
	// streamable_http, else empty (the table is invalid).
	Transport string

	// stdio
	Command string
	Args    []string
	Env     map[string]string
	EnvVars []EnvVar
	Cwd     string

	// Streamable HTTP
	URL               string
	BearerTokenEnvVar string
	HTTPHeaders       map[string]string
	// EnvHTTPHeaders maps a header name to the environment variable holding
	// its value.
	EnvHTTPHeaders map[string]string

	StartupTimeout time.Duration
	ToolTimeout    time.Duration
	Enabled        bool
	Required       bool
	// EnabledTools is nil when the key is absent (every tool allowed).
	EnabledTools  []string
	DisabledTools []string
	Scopes        []string
	OAuthClientID string
	OAuthResource string

	// Line and Column of the server's table header (or first key), 1-based;
	// zero when unknown.
	Line, Column int
	// Problems found in this table (a copy of the File's problems that name
	// this server).
	Problems []Problem

	// keyPos records where each key of the table is written, so that
	// problems found later (CheckEnvironment) point at the right line.
	keyPos map[string]position
}

// Position returns the line and column of a key in the server's table, or
// of the table itself when the key is not written there.
func (s Server) Position(key string) (line, col int) {
	if p, ok := s.keyPos[key]; ok {
		return p.line, p.col
	}
	return s.Line, s.Column
}

// Valid reports whether the server has no error-level problem, so a client
// would start it.
func (s Server) Valid() bool {
	for _, p := range s.Problems {
		if p.Severity == SeverityError {
			return false
		}
	}
	return true
}

// Target is what the server points at: the URL for HTTP, the command line for
// stdio. It is not redacted; callers print it through internal/redact.
func (s Server) Target() string {
	if s.Transport == TransportStdio {
		t := s.Command
		for _, a := range s.Args {
			t += " " + a
		}
		return t
	}
	return s.URL
}

// Secrets returns every value of the entry that must never be printed,
// in the forms it is sent or shown in: the values of env (schema/README.md: all of
// them, not only those named like keys) and of env_vars as lookup resolves
// them; each http_headers value and each env_http_headers and
// bearer_token_env_var value that lookup resolves, with its credential part
// (Bearer X → X; Basic → the blob, user:password, password); the URL's user
// info, query values, fragment and key-like path segments; command-line
// values that follow credential flags; the OAuth client_id is no secret.
// The redactor ignores values shorter than redact.MinSecretLen.
func (s Server) Secrets(lookup func(string) (string, bool)) []string {
	var out []string
	for _, k := range slices.Sorted(maps.Keys(s.Env)) {
		out = append(out, s.Env[k])
	}
	resolve := func(variable string) (string, bool) {
		if lookup == nil || variable == "" {
			return "", false
		}
		return lookup(variable)
	}
	for _, ev := range s.EnvVars {
		if v, ok := resolve(ev.Name); ok {
			out = append(out, v)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(s.HTTPHeaders)) {
		out = append(out, redact.HeaderSecrets(k, s.HTTPHeaders[k])...)
	}
	for _, k := range slices.Sorted(maps.Keys(s.EnvHTTPHeaders)) {
		if v, ok := resolve(s.EnvHTTPHeaders[k]); ok {
			out = append(out, redact.HeaderSecrets(k, v)...)
		}
	}
	if v, ok := resolve(s.BearerTokenEnvVar); ok {
		out = append(out, v)
	}
	out = append(out, redact.URLSecrets(s.URL)...)
	out = append(out, redact.ArgSecrets(s.Args)...)
	return out
}
