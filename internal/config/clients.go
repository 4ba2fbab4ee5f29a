package config

import (
	"cmp"
	"path/filepath"
	"strings"
)

// Every client mcpdoctor reads is one row of clientTable: its names,
// where it keeps its files, how its file is told from its name, the
// reader that applies its rules, the hints in its own words, and how its
// approval of a project's servers is read. Adding a client is a row and a
// reader; TestClientTable checks that every row is complete.

// client is what mcpdoctor knows of one client.
type client struct {
	id Client
	// title is the client's name as its makers write it; aliases are
	// other names users type for it (--client).
	title   string
	aliases []string
	// places adds where it keeps its servers on a machine, highest
	// precedence first, whether the files exist or not.
	places func(w *where)
	// named recognises its file from the file's name and folders alone.
	named func(f fileName) bool
	// read applies its rules to one of its files.
	read readerFunc
	// credentialHint says how its file is told to send a credential from
	// the environment; headerKeys where its file takes headers.
	credentialHint, headerKeys string
	// sseHint and httpHint say how to make it speak legacy SSE or
	// Streamable HTTP to an entry; "" when it cannot.
	sseHint, httpHint string
	// loginHint is its own command to log in to a server with OAuth.
	loginHint func(name string) string
	// approve reads its decision about a project's own entry (approval.go);
	// nil for a client that reads no project files.
	approve func(ap *approver, s *Server) Approval
	// write writes an entry as its file holds it (write.go), with
	// references to variables in refs' syntax; nil for a client mcpdoctor
	// writes no entries for.
	write func(p *portable) (file, text string)
	refs  refSyntax
}

// clientTable is filled in init: its readers and hints name clients by
// their titles, which come from the table.
var clientTable []client

func init() {
	clientTable = clientRows()
}

func clientRows() []client {
	return []client{
		{id: ClientCodex, title: "Codex",
			places: func(w *where) {
				user, err := Locate("", w.env)
				for _, dir := range projectDirs(w.cwd, w.home) {
					// A project's .codex that is Codex's home is the user's file.
					if p := filepath.Join(dir, ".codex", "config.toml"); err != nil || p != user {
						w.add("project", p)
					}
				}
				if err == nil {
					w.add("user", user)
				}
				w.add("system", "/etc/codex/config.toml")
			},
			named: func(f fileName) bool { return strings.HasSuffix(f.base, ".toml") },
			read: func(path string, data []byte, opts ReadOptions) *File {
				return parseCodex(path, data, cmp.Or(opts.Scope, codexScope(path, opts.Home)))
			},
			credentialHint: `bearer_token_env_var = "VAR" for a bearer token, or env_http_headers = { "X-Api-Key" = "VAR" } for another header`,
			headerKeys:     "http_headers or env_http_headers",
			loginHint:      func(name string) string { return "codex mcp login " + name },
			approve:        (*approver).codex,
			write:          writeCodex},
		{id: ClientClaudeCode, title: "Claude Code", aliases: []string{"claude", "claudecode"},
			places: func(w *where) {
				w.add("managed", w.byOS("/etc/claude-code/managed-mcp.json", "/Library/Application Support/ClaudeCode/managed-mcp.json", `C:\Program Files\ClaudeCode\managed-mcp.json`))
				w.add("project", filepath.Join(w.cwd, ".mcp.json"))
				w.add("user", filepath.Join(cmp.Or(w.env("CLAUDE_CONFIG_DIR"), w.home), ".claude.json"))
			},
			named: func(f fileName) bool {
				return f.base == ".claude.json" || f.base == "managed-mcp.json" || f.base == ".mcp.json"
			},
			read:           readClaudeCode,
			credentialHint: `"headers": { "Authorization": "Bearer ${VAR}" }, or another header the same way`,
			sseHint:        `set "type": "sse"`, httpHint: `set "type": "http"`,
			approve: (*approver).claudeCode,
			write:   writeClaudeCode, refs: dollarBraces},
		{id: ClientClaudeDesktop, title: "Claude Desktop",
			places: func(w *where) {
				w.add("user", filepath.Join(w.userConfig("Claude"), "claude_desktop_config.json"))
			},
			named:          func(f fileName) bool { return f.base == "claude_desktop_config.json" },
			read:           readClaudeDesktop,
			credentialHint: "nothing in this file: Claude Desktop takes remote servers as connectors (Settings → Connectors)"},
		{id: ClientCursor, title: "Cursor",
			places: func(w *where) {
				w.add("project", filepath.Join(w.cwd, ".cursor", "mcp.json"))
				w.add("user", filepath.Join(w.home, ".cursor", "mcp.json"))
			},
			named:          func(f fileName) bool { return f.base == "mcp.json" && f.dir == ".cursor" },
			read:           readCursor,
			credentialHint: editorCredentialHint,
			sseHint:        `set "type": "sse"`, httpHint: `remove "type": "sse"`,
			approve: func(_ *approver, _ *Server) Approval {
				return Approval{State: ApprovalPending,
					Reason:  "Cursor asks before it enables a project's MCP servers and keeps the answer in its own state database, which mcpdoctor does not read",
					Approve: "in Cursor, enable it under Settings → MCP"}
			},
			write: writeCursor, refs: envColon},
		{id: ClientVSCode, title: "VS Code", aliases: []string{"code", "vs-code"},
			places: func(w *where) {
				w.add("workspace", filepath.Join(w.cwd, ".vscode", "mcp.json"))
				w.add("user", filepath.Join(w.userConfig("Code"), "User", "mcp.json"), filepath.Join(w.userConfig("Code - Insiders"), "User", "mcp.json"))
			},
			named: func(f fileName) bool {
				return strings.HasSuffix(f.base, ".code-workspace") ||
					f.base == "mcp.json" && (f.dir == ".vscode" || f.in("/Code/User/") || f.in("/Code - Insiders/User/") || f.in("/VSCodium/User/"))
			},
			read:           readVSCode,
			credentialHint: editorCredentialHint,
			sseHint:        `set "type": "sse"`, httpHint: `remove "type": "sse"`,
			approve: func(_ *approver, s *Server) Approval {
				return Approval{State: ApprovalPending,
					Reason:  "VS Code starts a workspace's MCP servers only once you trust the workspace, and asks before each one's first start; it keeps those answers in its own state database, which mcpdoctor does not read",
					Approve: "in VS Code, trust the workspace " + projectRoot(s) + " and start the server from \"MCP: List Servers\""}
			},
			write: writeVSCode, refs: envColon},
		{id: ClientWindsurf, title: "Windsurf",
			places: func(w *where) {
				w.add("user", filepath.Join(w.home, ".codeium", "windsurf", "mcp_config.json"))
			},
			named:          func(f fileName) bool { return f.base == "mcp_config.json" },
			read:           readWindsurf,
			credentialHint: editorCredentialHint,
			sseHint:        `set "type": "sse"`, httpHint: `remove "type": "sse"`},
		{id: ClientGemini, title: "Gemini CLI", aliases: []string{"gemini"},
			places: func(w *where) {
				w.add("system", geminiSystemPath(w))
				geminiHome := cmp.Or(w.env("GEMINI_CLI_HOME"), w.home)
				if filepath.Clean(w.cwd) != filepath.Clean(w.home) {
					w.add("project", filepath.Join(w.cwd, ".gemini", "settings.json"))
				}
				w.add("user", filepath.Join(geminiHome, ".gemini", "settings.json"))
				w.add("extension", geminiExtensions(filepath.Join(geminiHome, ".gemini", "extensions"))...)
			},
			named: func(f fileName) bool {
				return f.base == "settings.json" && (f.dir == ".gemini" || f.dir == "gemini-cli" || f.dir == "GeminiCli") || f.base == geminiExtensionFile
			},
			read:           readGemini,
			credentialHint: `"headers": { "Authorization": "Bearer $VAR" }, or another header the same way`,
			sseHint:        `set "type": "sse"`, httpHint: `set "type": "http" (or write the URL as httpUrl)`,
			approve: (*approver).gemini},
		{id: ClientZed, title: "Zed",
			places: func(w *where) {
				w.add("project", filepath.Join(w.cwd, ".zed", "settings.json"))
				zed := filepath.Join(w.xdg, "zed")
				switch w.m.GOOS {
				case "darwin":
					zed = filepath.Join(w.home, ".config", "zed")
				case "windows":
					zed = filepath.Join(w.appData, "Zed")
				}
				w.add("user", filepath.Join(zed, "settings.json"))
			},
			named: func(f fileName) bool {
				return f.base == "settings.json" && (f.dir == "zed" || f.dir == ".zed" || f.dir == "Zed")
			},
			read:           readZed,
			credentialHint: `"headers": { "Authorization": "Bearer TOKEN" } (Zed expands no variables)`,
			approve: func(_ *approver, s *Server) Approval {
				return Approval{State: ApprovalPending,
					Reason:  "Zed starts a project's context servers only once you trust the project, and keeps that answer in its own database, which mcpdoctor does not read",
					Approve: "in Zed, trust the project " + projectRoot(s)}
			}},
		{id: ClientOpencode, title: "opencode", aliases: []string{"open-code"},
			places: func(w *where) {
				if p := w.env("OPENCODE_CONFIG"); p != "" {
					w.add("user", p)
				}
				for _, dir := range projectDirs(w.cwd, w.home) {
					w.add("project", filepath.Join(dir, "opencode.jsonc"), filepath.Join(dir, "opencode.json"),
						filepath.Join(dir, ".opencode", "opencode.jsonc"), filepath.Join(dir, ".opencode", "opencode.json"))
				}
				dir := filepath.Join(w.xdg, "opencode")
				w.add("user", filepath.Join(dir, "opencode.jsonc"), filepath.Join(dir, "opencode.json"), filepath.Join(dir, "config.json"))
			},
			named: func(f fileName) bool {
				return f.base == "opencode.json" || f.base == "opencode.jsonc" || (f.dir == "opencode" && f.base == "config.json")
			},
			read:           readOpencode,
			credentialHint: `"headers": { "Authorization": "Bearer {env:VAR}" }, or another header the same way`,
			sseHint:        `set "type": "sse"`, httpHint: `remove "type": "sse"`,
			approve: func(_ *approver, _ *Server) Approval {
				return Approval{State: ApprovalUnvetted,
					Reason:  "opencode starts a project's MCP servers without asking: a cloned repository's command runs as soon as you open opencode in it",
					Approve: "read the entry; opencode has no approval of its own"}
			}},
		{id: ClientCopilotCLI, title: "Copilot CLI", aliases: []string{"copilot", "github-copilot-cli"},
			places: func(w *where) {
				w.add("project", filepath.Join(w.cwd, ".github", "mcp.json"))
				w.add("user", filepath.Join(cmp.Or(w.env("COPILOT_HOME"), filepath.Join(w.home, ".copilot")), "mcp-config.json"))
			},
			named: func(f fileName) bool {
				return f.base == "mcp-config.json" || f.base == "mcp.json" && f.dir == ".github"
			},
			read:           readCopilot,
			credentialHint: `"headers": { "Authorization": "Bearer ${VAR}" }, or another header the same way`,
			sseHint:        `set "type": "sse"`, httpHint: `set "type": "http"`,
			approve: (*approver).copilot},
		{id: ClientCline, title: "Cline",
			places: func(w *where) {
				dir := cmp.Or(w.env("CLINE_DIR"), filepath.Join(w.home, ".cline"))
				data := cmp.Or(w.env("CLINE_DATA_DIR"), filepath.Join(dir, "data"))
				w.add("user", cmp.Or(w.env("CLINE_MCP_SETTINGS_PATH"), filepath.Join(data, "settings", "cline_mcp_settings.json")))
				w.add("legacy", filepath.Join(w.userConfig("Code"), "User", "globalStorage", "saoudrizwan.claude-dev", "settings", "cline_mcp_settings.json"))
			},
			named:          func(f fileName) bool { return f.base == "cline_mcp_settings.json" },
			read:           readCline,
			credentialHint: editorCredentialHint,
			sseHint:        `set "type": "sse"`, httpHint: `set "type": "streamableHttp"`},
		{id: ClientContinue, title: "Continue",
			places: func(w *where) {
				global := cmp.Or(w.env("CONTINUE_GLOBAL_DIR"), filepath.Join(w.home, ".continue"))
				w.add("workspace", globYAML(filepath.Join(w.cwd, ".continue", "mcpServers"))...)
				w.add("workspace", jsonFilesUnder(filepath.Join(w.cwd, ".continue", "mcpServers"))...)
				w.add("user", filepath.Join(global, "config.yaml"))
				w.add("user", globYAML(filepath.Join(global, "mcpServers"))...)
				w.add("user", jsonFilesUnder(filepath.Join(global, "mcpServers"))...)
			},
			named:          func(f fileName) bool { return f.yaml() && f.in("/.continue/") },
			read:           readContinue,
			credentialHint: `apiKey: ${{ secrets.VAR }} for a bearer token, or requestOptions.headers for another header`,
			headerKeys:     "requestOptions.headers",
			sseHint:        "set type: sse", httpHint: "set type: streamable-http",
			approve: func(_ *approver, _ *Server) Approval {
				return Approval{State: ApprovalUnvetted,
					Reason:  "Continue starts a workspace's MCP servers without asking: a cloned repository's command runs as soon as you open it",
					Approve: "read the entry; Continue has no approval of its own"}
			}},
		{id: ClientGoose, title: "Goose",
			places: func(w *where) {
				path := filepath.Join(w.xdg, "goose", "config.yaml")
				switch {
				case w.env("GOOSE_PATH_ROOT") != "":
					path = filepath.Join(w.env("GOOSE_PATH_ROOT"), "config", "config.yaml")
				case w.m.GOOS == "windows":
					path = filepath.Join(w.appData, "Block", "goose", "config", "config.yaml")
				}
				w.add("user", path)
			},
			named:          func(f fileName) bool { return f.yaml() && f.in("/goose/") },
			read:           readGoose,
			credentialHint: `headers: { Authorization: "Bearer ${VAR}" } with env_keys: [VAR]`,
			httpHint:       "set type: streamable_http and uri"},
	}
}

// editorCredentialHint is how the editors write a credential from the
// environment: ${env:VAR}.
const editorCredentialHint = `"headers": { "Authorization": "Bearer ${env:VAR}" }, or another header the same way`

// geminiSystemPath is Gemini CLI's system settings file.
func geminiSystemPath(w *where) string {
	return cmp.Or(w.env("GEMINI_CLI_SYSTEM_SETTINGS_PATH"),
		w.byOS("/etc/gemini-cli/settings.json", "/Library/Application Support/GeminiCli/settings.json", `C:\ProgramData\gemini-cli\settings.json`))
}

// info is a client's row; nil for a name no row has.
func info(c Client) *client {
	for i := range clientTable {
		if clientTable[i].id == c {
			return &clientTable[i]
		}
	}
	return nil
}

// where is a machine's folders as clients name them, and the places
// found so far.
type where struct {
	m                       Machine
	client                  Client
	home, cwd, xdg, appData string
	out                     []Place
}

func newWhere(c Client, m Machine) *where {
	w := &where{m: m, client: c, home: m.Home, cwd: m.Cwd}
	w.xdg = cmp.Or(w.env("XDG_CONFIG_HOME"), filepath.Join(w.home, ".config"))
	w.appData = cmp.Or(w.env("APPDATA"), filepath.Join(w.home, "AppData", "Roaming"))
	return w
}

func (w *where) env(k string) string {
	if w.m.Getenv == nil {
		return ""
	}
	return w.m.Getenv(k)
}

func (w *where) add(scope string, paths ...string) {
	for _, p := range paths {
		w.out = append(w.out, Place{Client: w.client, Path: p, Scope: scope})
	}
}

// byOS picks a path by the machine's system: Linux (and the others),
// macOS, Windows.
func (w *where) byOS(linux, darwin, windows string) string {
	switch w.m.GOOS {
	case "darwin":
		return darwin
	case "windows":
		return windows
	}
	return linux
}

// userConfig is the per-user settings folder of an Electron or native app
// named name.
func (w *where) userConfig(name string) string {
	return w.byOS(filepath.Join(w.xdg, name), filepath.Join(w.home, "Library", "Application Support", name), filepath.Join(w.appData, name))
}

// fileName is a file's path as recognition reads it.
type fileName struct {
	// slash is the path with forward slashes and a leading slash, so that
	// a relative path's first folder counts: ".continue/config.yaml" is in
	// "/.continue/".
	slash     string
	base, dir string
}

func newFileName(path string) fileName {
	return fileName{slash: "/" + filepath.ToSlash(path), base: filepath.Base(path), dir: filepath.Base(filepath.Dir(path))}
}

func (f fileName) in(folder string) bool { return strings.Contains(f.slash, folder) }

func (f fileName) yaml() bool {
	return strings.HasSuffix(f.base, ".yaml") || strings.HasSuffix(f.base, ".yml")
}
