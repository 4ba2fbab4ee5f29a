package config

import (
	"cmp"
	"time"
)

// Client names a client whose MCP config mcpdoctor reads.
type Client string

// The clients mcpdoctor reads, as --client names them.
const (
	ClientCodex         Client = "codex"
	ClientClaudeCode    Client = "claude-code"
	ClientClaudeDesktop Client = "claude-desktop"
	ClientCursor        Client = "cursor"
	ClientVSCode        Client = "vscode"
	ClientWindsurf      Client = "windsurf"
	ClientGemini        Client = "gemini-cli"
	ClientZed           Client = "zed"
	ClientOpencode      Client = "opencode"
	ClientCopilotCLI    Client = "copilot-cli"
	ClientCline         Client = "cline"
	ClientContinue      Client = "continue"
	ClientGoose         Client = "goose"
)

// Source says where a server is configured.
type Source struct {
	Client Client `json:"client"`
	// File is the config file, as the user would recognise its path.
	File string `json:"file"`
	// Scope is the client's name for where the file applies: user,
	// project, local, managed, workspace, system.
	Scope string `json:"scope,omitempty"`
	// Project is the project directory a local-scope entry belongs to
	// (Claude Code's projects["<path>"]).
	Project string `json:"project,omitempty"`
	// Line and Column of the server's entry, 1-based; zero when unknown.
	Line   int `json:"line,omitempty"`
	Column int `json:"column,omitempty"`
}

// Server is one configured MCP server in the neutral model every reader
// produces and the probe consumes. Client-specific rules (which transport
// an entry means, what an unset variable becomes) were applied by the
// reader; the values that depend on the machine are Values, resolved when
// the server is started (Launch).
type Server struct {
	Name   string
	Source Source
	// Transport is what the client speaks: stdio, streamable_http or sse;
	// empty when the entry names neither a command nor a URL.
	Transport Transport
	// HTTPFallback says the client falls back to the legacy HTTP+SSE
	// transport when Streamable HTTP fails.
	HTTPFallback bool

	// stdio
	Command Value
	Args    []Value
	// Env is set for the server, in file order.
	Env []EnvVar
	// Forward are variables the client passes on from its own environment
	// by name (Codex's env_vars).
	Forward []EnvForward
	// Inherit lists the variables the client passes on from its own
	// environment to every stdio server; nil means all of them.
	Inherit []string
	Cwd     Value
	// EnvFile is a file of KEY=VALUE lines the client loads into the
	// server's environment (Cursor, VS Code).
	EnvFile string

	// HTTP
	URL     Value
	Headers []Header
	// HeadersHelper is a command the client runs to get more headers
	// (Codex's http_headers_helper, Claude Code's headersHelper). It is a
	// local program: mcpdoctor runs it only when allowed to.
	HeadersHelper *HeadersHelper

	StartupTimeout time.Duration
	ToolTimeout    time.Duration
	Enabled        bool
	Required       bool
	// EnabledTools is nil when every tool is allowed.
	EnabledTools  []string
	DisabledTools []string
	OAuth         OAuth

	// Line and Column of the server's entry (the same as Source's).
	Line, Column int
	// Problems are the entry's problems as its client sees them.
	Problems []Problem

	// Approval is what the client decided about starting the entry: a
	// project's own entry waits for the user's approval (approval.go).
	Approval Approval

	// Shadowed says another place of the same client configures a server
	// of this name and wins (File.merge).
	Shadowed bool
	// notLoaded: the client does not load the file this entry is in
	// (an untrusted Codex project, Claude Code under a managed config).
	notLoaded bool

	// table is the path of the table the entry is in, as problems name
	// it: "mcp_servers", "mcpServers", "projects[\"/src/app\"].mcpServers".
	table string
	// keyPos records where each key of the entry is written, so that
	// problems found later (CheckEnvironment) point at the right line.
	keyPos map[string]position
	// keyFile names the file a key is written in when it is not the
	// entry's own: a Codex entry merged from several layers (codexLayers).
	keyFile map[string]string
}

// EnvVar is one variable set for a stdio server.
type EnvVar struct {
	Name  string
	Value Value
}

// EnvForward is one variable a client forwards by name. Source is "local"
// (the default) or "remote" (Codex: from the remote environment).
type EnvForward struct {
	Name   string `json:"name"`
	Source string `json:"source,omitempty"`
}

// Header is one HTTP header the client sends.
type Header struct {
	Name  string
	Value Value
	// Key is the config key the header comes from ("http_headers",
	// "env_http_headers", "bearer_token_env_var", "headers").
	Key string
}

// HeadersHelper is a shell command whose standard output is a JSON object
// of headers to send.
type HeadersHelper struct {
	Command string
	// Key is the config key it is written under.
	Key string
	// Dir is where the client runs it; Env are the variables the client
	// adds for it (NAME=value).
	Dir string
	Env []string
	// Override says the helper's headers replace configured headers of
	// the same name (both clients), except for Authorization when
	// KeepAuthorization (Codex: an explicit Authorization wins).
	KeepAuthorization bool
}

// OAuth holds what a config says about logging in.
type OAuth struct {
	ClientID string
	Scopes   []string
	Resource string
	// CallbackPort is the loopback port the client listens on, when fixed;
	// CallbackURL the redirect URL, when the config sets it whole.
	CallbackPort int
	CallbackURL  string
	// MetadataURL is where the client reads the authorization server's
	// metadata, when the config overrides discovery (Claude Code's
	// authServerMetadataUrl).
	MetadataURL string
}

// Title is the client's name as its makers write it.
func (c Client) Title() string {
	if ci := info(c); ci != nil {
		return ci.title
	}
	if c == ClientCommandLine {
		return "mcpdoctor's command line"
	}
	return "the client"
}

// NotReferences drops from secrets the references a client left as
// written ("${TOKEN}" sent as it is): they name a secret, they are none.
func NotReferences(secrets []string, refs []Ref) []string {
	out := secrets[:0:0]
	for _, s := range secrets {
		named := false
		for _, r := range refs {
			named = named || s == r.Written
		}
		if !named {
			out = append(out, s)
		}
	}
	return out
}

// Position returns the file, line and column of a key in the server's
// entry, or of the entry itself when the key is not written there.
func (s Server) Position(key string) (file string, line, col int) {
	if p, ok := s.keyPos[key]; ok {
		return cmp.Or(s.keyFile[key], s.Source.File), p.line, p.col
	}
	return s.Source.File, s.Line, s.Column
}

// Written reports whether the entry writes a key itself, rather than
// leaving it to the client's default.
func (s Server) Written(key string) bool {
	_, ok := s.keyPos[key]
	return ok
}

// Valid reports whether the server has no error-level problem, so its
// client would start it.
func (s Server) Valid() bool {
	for _, p := range s.Problems {
		if p.Severity == SeverityError {
			return false
		}
	}
	return true
}

// Probeable reports whether a probe can be built at all: a command, or a
// URL. Other problems are findings about the client, not reasons to skip
// the measurement.
func (s Server) Probeable() bool {
	switch s.Transport {
	case TransportStdio:
		return !s.Command.IsZero()
	case TransportStreamableHTTP, TransportSSE:
		for _, p := range s.Problems {
			if p.Code == CodeInvalidURL && p.Severity == SeverityError {
				return false
			}
		}
		return !s.URL.IsZero()
	}
	return false
}

// Target is what the server points at: the URL for HTTP, the command line
// for stdio, as written. It is not redacted; callers print it through
// internal/redact.
func (s Server) Target() string {
	if s.Transport == TransportStdio {
		t := s.Command.Written
		for _, a := range s.Args {
			t += " " + a.Written
		}
		return t
	}
	return s.URL.Written
}

// HeaderByKey returns the headers that come from one config key.
func (s Server) HeaderByKey(key string) []Header {
	var out []Header
	for _, h := range s.Headers {
		if h.Key == key {
			out = append(out, h)
		}
	}
	return out
}
