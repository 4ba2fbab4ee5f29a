package config

import (
	"bytes"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
)

// ReadOptions say how to read a file.
type ReadOptions struct {
	// Client whose rules apply; empty to recognise it from the file.
	Client Client
	// Scope overrides the scope the reader would give the file's servers.
	Scope string
	// Home and Cwd fill ${userHome} and ${workspaceFolder}, and choose the
	// project of Claude Code's local scope.
	Home, Cwd string
	// AllProjects reads the local servers of every project in
	// ~/.claude.json, not only the one Cwd is in.
	AllProjects bool
	// Getenv and GOOS say where the clients keep the files their approvals
	// of a project's servers are in (CLAUDE_CONFIG_DIR, GEMINI_CLI_HOME,
	// …); GOOS is runtime.GOOS when empty.
	Getenv func(string) string
	GOOS   string
}

type readerFunc func(path string, data []byte, opts ReadOptions) *File

func readerFor(c Client) readerFunc {
	if ci := info(c); ci != nil {
		return ci.read
	}
	return nil
}

// ParseCodex reads the text of a Codex config.toml.
func ParseCodex(path string, data []byte) *File {
	f, _ := Read(path, data, ReadOptions{Client: ClientCodex, Scope: "user"})
	return f
}

// Clients lists every client mcpdoctor reads, in the order help shows them.
func Clients() []Client {
	out := make([]Client, len(clientTable))
	for i, c := range clientTable {
		out[i] = c.id
	}
	return out
}

// ParseClient reads a --client name.
func ParseClient(name string) (Client, error) {
	n := strings.ToLower(strings.TrimSpace(name))
	for _, c := range Clients() {
		if string(c) == n {
			return c, nil
		}
	}
	for _, c := range clientTable {
		if slices.Contains(c.aliases, n) {
			return c.id, nil
		}
	}
	return "", fmt.Errorf("unknown client %q: mcpdoctor reads %s", name, ClientNames())
}

// Recognise names the client whose config this is, from the file's name
// and folder, then from its content; how says which.
func Recognise(path string, data []byte) (c Client, how string, ok bool) {
	if c, ok := recogniseName(path); ok {
		return c, "from its name", true
	}
	if c, ok := recogniseContent(path, data); ok {
		return c, "from its content", true
	}
	return "", "", false
}

func recogniseName(path string) (Client, bool) {
	f := newFileName(path)
	// Before the clients' own names: any client's JSON file may be copied
	// into .continue/mcpServers, and Continue reads it by its rules.
	if strings.HasSuffix(f.base, ".json") && f.in("/.continue/mcpServers/") {
		return ClientContinue, true
	}
	for _, c := range clientTable {
		if c.named(f) {
			return c.id, true
		}
	}
	return "", false
}

func recogniseContent(path string, data []byte) (Client, bool) {
	// What cannot be parsed safely is not parsed to be recognised.
	if checkNesting(path, data, formatYAML) != nil || checkNesting(path, data, formatJSON) != nil {
		return "", false
	}
	trimmed := bytes.TrimSpace(data)
	ext := filepath.Ext(path)
	if ext == ".yaml" || ext == ".yml" || (len(trimmed) > 0 && trimmed[0] != '{' && trimmed[0] != '[' && !bytes.Contains(data, []byte("[mcp_servers"))) {
		root, p := parseYAML(path, data)
		if p == nil {
			if root.get("extensions") != nil {
				return ClientGoose, true
			}
			if m := root.get("mcpServers"); m != nil && m.val.kind == nodeArray {
				return ClientContinue, true
			}
		}
	}
	if bytes.Contains(data, []byte("[mcp_servers")) || bytes.Contains(data, []byte("mcp_servers.")) {
		return ClientCodex, true
	}
	root, p := parseJSON(path, data)
	if p != nil || root.kind != nodeObject {
		return "", false
	}
	switch {
	case root.get("context_servers") != nil:
		return ClientZed, true
	case root.get("servers") != nil || root.get("inputs") != nil:
		return ClientVSCode, true
	case root.get("mcp") != nil && root.get("$schema") != nil && strings.Contains(root.get("$schema").val.text, "opencode"):
		return ClientOpencode, true
	case root.get("mcp") != nil:
		return ClientVSCode, true
	case root.get("mcpServers") != nil:
		servers := root.get("mcpServers").val
		for _, m := range servers.members {
			for _, k := range []string{"httpUrl", "trust", "includeTools", "excludeTools"} {
				if m.val.get(k) != nil {
					return ClientGemini, true
				}
			}
			if m.val.get("serverUrl") != nil {
				return ClientWindsurf, true
			}
			if m.val.get("autoApprove") != nil || m.val.get("disabled") != nil {
				return ClientCline, true
			}
		}
		return ClientClaudeCode, true
	}
	return "", false
}

// Read reads config text with its client's reader, recognising the client
// when opts does not name it.
func Read(path string, data []byte, opts ReadOptions) (*File, error) {
	how := ""
	if opts.Client == "" {
		head := data
		if len(head) > MaxConfigBytes {
			head = head[:MaxConfigBytes] // enough to tell the client
		}
		c, h, ok := Recognise(path, head)
		if !ok {
			return nil, fmt.Errorf("%s: cannot tell which client this file is for: pass --client NAME (%s)", path, ClientNames())
		}
		opts.Client, how = c, h
	}
	read := readerFor(opts.Client)
	if read == nil {
		return nil, fmt.Errorf("unknown client %q", opts.Client)
	}
	// The limits come before any parser: a hostile file must not cost
	// time or memory.
	if len(data) > MaxConfigBytes {
		return &File{Path: path, Paths: []string{path}, Client: opts.Client, Recognised: how, Problems: []Problem{tooLarge(path, len(data))}}, nil
	}
	if p := checkNesting(path, data, formatOf(opts.Client, path)); p != nil {
		return &File{Path: path, Paths: []string{path}, Client: opts.Client, Recognised: how, Problems: []Problem{*p}}, nil
	}
	f := read(path, data, opts)
	f.Recognised = how
	f.Scope = opts.Scope
	initialApprovals(f)
	markShadowed(f.Client, f.Servers)
	f.gatherProblems()
	f.sortProblems()
	f.Paths = []string{path}
	return f, nil
}

// ClientNames lists the --client names of every client, for messages and
// help: "codex, claude-code, …".
func ClientNames() string {
	var names []string
	for _, c := range Clients() {
		names = append(names, string(c))
	}
	return strings.Join(names, ", ")
}

// codexScope: a .codex/config.toml inside a project is project scope; the
// one in the home directory is the user's.
func codexScope(path, home string) string {
	dir := filepath.Dir(path)
	if filepath.Base(dir) == ".codex" && filepath.Base(path) == "config.toml" && filepath.Dir(dir) != filepath.Clean(home) {
		return "project"
	}
	return "user"
}

// scopeRank orders scopes by precedence for a client: lower wins when a
// name is configured in several places.
func scopeRank(c Client, scope string) int {
	order := []string{"managed", "local", "project", "workspace", "user", "system", "legacy"}
	if c == ClientGemini {
		// Gemini CLI's system settings override the others.
		order = []string{"system", "project", "workspace", "user", "extension"}
	}
	if i := slices.Index(order, scope); i >= 0 {
		return i
	}
	return len(order)
}
