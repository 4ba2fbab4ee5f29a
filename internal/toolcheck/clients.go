package toolcheck

import (
	"crypto/sha1"
	"encoding/hex"
	"strings"

	"github.com/mcpdoctor/mcpdoctor/internal/config"
	"github.com/mcpdoctor/mcpdoctor/internal/evidence"
)

// outcome is what a client does with a tool whose name it finds fault
// with.
type outcome int

const (
	// renames: the tool works under a name the client makes up.
	renames outcome = iota + 1
	// warns: the client logs a warning and offers the tool as it is.
	warns
	// drops: the client leaves the tool out; the server's other tools work.
	drops
	// breaks: the model API refuses every request that carries the tool,
	// so no tool of any server works while it is loaded.
	breaks
	// undocumented: what the client does is not written anywhere
	// mcpdoctor knows; the model APIs it talks to refuse such a name.
	undocumented
)

func (o outcome) severity() evidence.Severity {
	switch o {
	case breaks:
		return evidence.SeverityError
	case drops, undocumented:
		return evidence.SeverityWarning
	}
	return evidence.SeverityInfo
}

// naming is how one client turns a server's tool into the name the model
// sees, and what it does with names it cannot use. Each row cites where
// the behaviour is written down: the client's source where it is public,
// otherwise its own error message as users reported it.
type naming struct {
	client config.Client
	// full is the name the model sees, before any renaming: a prefix
	// with the server's name, or the tool's name alone.
	full func(server, tool string) string
	// fullText says in words what full builds, for messages; a namespaced
	// row's messages show the name itself.
	fullText string
	// allowed says whether a name may hold r.
	allowed func(r rune) bool
	// badChars is what the client does with other characters; renamed
	// shows the name it makes of them (nil when it does not rename).
	badChars outcome
	renamed  func(server, tool string) string
	// maxLen bounds len(full); tooLong is what happens past it, and
	// shortened the name it makes (nil when it does not rename).
	maxLen    int
	tooLong   outcome
	shortened func(server, tool string) string
	// namespaced says the server's name sets its tools apart, so two
	// servers may offer tools of the same name; otherwise clash is what
	// the client does with the later one.
	namespaced bool
	clash      outcome
}

// modelAPIMax and modelAPIAllowed are the tool-name rule of the Anthropic
// Messages API and the OpenAI function-calling API, ^[a-zA-Z0-9_-]{1,64}$:
// the rule a name must meet wherever a client does not say what it does.
const modelAPIMax = 64

func modelAPIAllowed(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-'
}

const modelAPIText = "letters A–Z and a–z, digits, _ and -"

func withDot(r rune) bool { return modelAPIAllowed(r) || r == '.' }

// underscore replaces every character a name may not hold with "_".
func underscore(s string, allowed func(rune) bool) string {
	return strings.Map(func(r rune) rune {
		if allowed(r) {
			return r
		}
		return '_'
	}, s)
}

func mcpPrefixed(server, tool string) string { return "mcp__" + server + "__" + tool }

// namings is the table. A client without a row is judged by modelAPI.
var namings = []naming{
	// Codex: codex-rs/core/src/mcp_connection_manager.rs (qualify_tools)
	// in openai/codex names each tool mcp__SERVER__TOOL, replaces what the
	// Responses API refuses with "_", and cuts a name over 64 characters
	// to make room for the SHA-1 of the whole (40 hex digits). A second
	// tool of the same qualified name is skipped with a warning.
	{client: config.ClientCodex, full: mcpPrefixed,
		allowed:  modelAPIAllowed,
		badChars: renames, renamed: codexName,
		maxLen: 64, tooLong: renames, shortened: codexName,
		namespaced: true},
	// Claude Code names each tool mcp__SERVER__TOOL (its permission rules
	// use the same form), with the characters the Anthropic API refuses
	// replaced by "_". A name over 64 characters is sent as it is, and the
	// API answers every request with "400 … tools.N.custom.name: String
	// should have at most 64 characters" until the server is removed
	// (anthropics/claude-code#2485, #20643).
	{client: config.ClientClaudeCode, full: mcpPrefixed,
		allowed:  modelAPIAllowed,
		badChars: renames, renamed: func(s, t string) string { return underscore(mcpPrefixed(s, t), modelAPIAllowed) },
		maxLen: 64, tooLong: breaks, namespaced: true},
	// Cursor refuses such a tool with "Tool name must only contain
	// alphanumeric characters and underscores" (webstudio-is/webstudio#5960)
	// and leaves out tools whose server and tool names together pass 60
	// characters (Cursor's MCP documentation and forum).
	{client: config.ClientCursor, full: func(s, t string) string { return s + t },
		fullText: "the server's and the tool's names together",
		allowed:  modelAPIAllowed, badChars: drops,
		maxLen: 60, tooLong: drops, clash: undocumented},
	// VS Code logs "Tool … is invalid. Tools names may only contain
	// [a-z0-9_-]" and offers the tool anyway (microsoft/vscode#308463).
	{client: config.ClientVSCode, full: func(_, t string) string { return t }, fullText: "the tool's name",
		allowed: modelAPIAllowed, badChars: warns,
		maxLen: modelAPIMax, tooLong: undocumented, clash: undocumented},
	// Gemini CLI: packages/core/src/tools/mcp-tool.ts (generateValidName)
	// in google-gemini/gemini-cli replaces what is not a letter, digit,
	// "_", "." or "-" with "_" and shortens a name over 63 characters by
	// cutting its middle to "___"; its tool registry gives a tool whose
	// name another server took first the name SERVER__TOOL.
	{client: config.ClientGemini, full: func(_, t string) string { return t }, fullText: "the tool's name",
		allowed:  withDot,
		badChars: renames, renamed: func(_, t string) string { return geminiName(t) },
		maxLen: 63, tooLong: renames, shortened: func(_, t string) string { return geminiName(t) },
		clash: renames},
	// Copilot CLI sends the name to the model API as it is, and every
	// prompt fails with "CAPIError: 400 tools.N.custom.name: String should
	// match pattern '^[a-zA-Z0-9_-]{1,128}$'" (github/copilot-cli#1879).
	{client: config.ClientCopilotCLI, full: func(_, t string) string { return t }, fullText: "the tool's name",
		allowed: modelAPIAllowed, badChars: breaks,
		maxLen: 128, tooLong: breaks, clash: undocumented},
}

// modelAPI judges a client nothing is documented for by the model APIs'
// rule on the tool's own name.
func modelAPI(c config.Client) naming {
	return naming{client: c, full: func(_, t string) string { return t }, fullText: "the tool's name",
		allowed: modelAPIAllowed, badChars: undocumented,
		maxLen: modelAPIMax, tooLong: undocumented, clash: undocumented}
}

// namingFor returns the rows a server of client c is judged by: its
// client's, or every client's for a server named on the command line,
// which may end up in any of them.
func namingFor(c config.Client) []naming {
	if c == config.ClientCommandLine || c == "" {
		var all []naming
		for _, id := range config.Clients() {
			all = append(all, rowOf(id))
		}
		return all
	}
	return []naming{rowOf(c)}
}

func rowOf(c config.Client) naming {
	for _, n := range namings {
		if n.client == c {
			return n
		}
	}
	return modelAPI(c)
}

// codexName is the name Codex gives a tool (see its row).
func codexName(server, tool string) string {
	raw := mcpPrefixed(server, tool)
	name := underscore(raw, modelAPIAllowed)
	if len(name) > 64 {
		sum := sha1.Sum([]byte(raw))
		hash := hex.EncodeToString(sum[:])
		name = name[:64-len(hash)] + hash
	}
	return name
}

// geminiName is the name Gemini CLI gives a tool (see its row).
func geminiName(tool string) string {
	name := underscore(tool, withDot)
	if len(name) > 63 {
		name = name[:28] + "___" + name[len(name)-32:]
	}
	return name
}
