// Package config reads, locates and checks the MCP servers the clients are
// configured with. Every client's file is read by a reader of its own, with
// that client's rules (where its files are, which transport an entry
// means, what its variables look like and what an unset one becomes, what
// it refuses or silently ignores), into one neutral model (Server) that the
// probe consumes without knowing which client wrote it. Every rule a client
// enforces becomes a Problem with the file, line and column it came from.
package config

import (
	"time"
)

// Transport is what a client speaks to a server, as the JSON contract
// names it.
type Transport string

// Transports.
const (
	TransportStdio          Transport = "stdio"
	TransportStreamableHTTP Transport = "streamable_http"
	TransportSSE            Transport = "sse"
	// TransportWebSocket is configured in Claude Code; mcpdoctor does not
	// speak it.
	TransportWebSocket Transport = "websocket"
	// TransportExtension is a server an editor's extension starts (Zed's
	// {settings}): mcpdoctor cannot start it.
	TransportExtension Transport = "extension"
)

// Codex's defaults for the two timeouts (codex-rs: DEFAULT_STARTUP_TIMEOUT,
// DEFAULT_TOOL_TIMEOUT).
const (
	DefaultStartupTimeout = 30 * time.Second
	DefaultToolTimeout    = 300 * time.Second
)

// File is one loaded client config.
type File struct {
	// Path is where the config was read from, as the user would recognise
	// it; Paths are every file read into it, in precedence order, when a
	// client's places were merged (LoadClient) or every client's were
	// (Discover).
	Path  string
	Paths []string
	// Scope is where the file applies, when it was found in a client's
	// place (LoadClient).
	Scope string
	// Recognised says how the client was told from the file ("from its
	// name", "from its content"); empty when it was named.
	Recognised string
	// Client is the client whose format the file is in; empty when the
	// servers of several clients were gathered.
	Client Client
	// Servers are in the order they appear in the file.
	Servers []Server
	// Problems found while reading: syntax, types, Codex's rules. Environment
	// problems are separate (see CheckEnvironment) because they depend on the
	// machine, not the file.
	Problems []Problem

	// codex is what a Codex file's servers were read from, for merging
	// its layers (codexLayers).
	codex *codexLayer
	// extension is the name a Gemini CLI extension's manifest gives it,
	// for its enablement (geminiEnablement).
	extension string
}

// Server returns the server with that name, or false: the entry its client
// uses when several places configure the name.
func (f *File) Server(name string) (Server, bool) {
	for _, s := range f.Servers {
		if s.Name == name && !s.Shadowed && !s.notLoaded {
			return s, true
		}
	}
	for _, s := range f.Servers {
		if s.Name == name {
			return s, true
		}
	}
	return Server{}, false
}

// Names lists the configured server names in file order, each once.
func (f *File) Names() []string {
	var names []string
	seen := map[string]bool{}
	for _, s := range f.Servers {
		if !seen[s.Name] {
			seen[s.Name] = true
			names = append(names, s.Name)
		}
	}
	return names
}

// sortProblems orders the file's and each server's problems as they
// appear in the file.
func (f *File) sortProblems() {
	SortProblems(f.Problems)
	for i := range f.Servers {
		SortProblems(f.Servers[i].Problems)
	}
}

// gatherProblems adds every server's problems to the file's, after its
// own, so that the file's list is complete.
func (f *File) gatherProblems() {
	for _, s := range f.Servers {
		f.Problems = append(f.Problems, s.Problems...)
	}
}
