package config

import (
	"cmp"
	"fmt"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/mcpdoctor/mcpdoctor/internal/safefile"
)

// A client does not start every server its files name. A repository's own
// config (.mcp.json, .cursor/mcp.json, .vscode/mcp.json, .gemini/settings.json,
// .codex/config.toml, …) is written by whoever wrote the repository, and
// each client asks its user before it runs such a server, or does not load
// the file until the user trusts the project. mcpdoctor follows the same
// decision, read from the client's own files: what the client would not
// start, mcpdoctor neither starts nor contacts unless the user opts in for
// the run (Approval.OptIn).

// ApprovalState says whether a server's client would start it without
// asking anyone first.
type ApprovalState string

const (
	// ApprovalNotNeeded: the entry is in the user's own file (or an
	// administrator's, or an extension the user installed); clients start
	// those as written.
	ApprovalNotNeeded ApprovalState = "not_needed"
	// ApprovalApproved: a project's entry the user approved, or whose
	// project the user trusts, as the client's own files record it.
	ApprovalApproved ApprovalState = "approved"
	// ApprovalPending: the client asks before it starts the entry, and no
	// answer is on file; or the answer lives where mcpdoctor cannot read
	// it (an editor's state database), which counts as no answer.
	ApprovalPending ApprovalState = "pending"
	// ApprovalDenied: the user refused the entry in the client.
	ApprovalDenied ApprovalState = "denied"
	// ApprovalUntrusted: the client does not load the file at all, because
	// the user has not trusted (or has distrusted) the project.
	ApprovalUntrusted ApprovalState = "untrusted"
	// ApprovalUnvetted: the client starts a project's servers without
	// asking anyone; no one has approved this one.
	ApprovalUnvetted ApprovalState = "unvetted"
)

// Approval is what a server's client decided about starting it, and why.
type Approval struct {
	State ApprovalState
	// Reason says why, naming the file and the key the client decides by.
	Reason string
	// Approve says how to approve the entry in its client.
	Approve string
	// OptIn names what made mcpdoctor start or contact the entry all the
	// same, when its client would not: "--trust-project", or "--config"
	// when the user named the file. Empty otherwise.
	OptIn string
}

// ClientStarts reports whether the server's client would start it without
// asking first. The zero value is an entry built in code, not read from a
// project's file: it starts.
func (a Approval) ClientStarts() bool {
	return a.State == "" || a.State == ApprovalNotNeeded || a.State == ApprovalApproved
}

// MayStart reports whether mcpdoctor may start or contact the server: its
// client would, or the user opted in for this run.
func (a Approval) MayStart() bool { return a.ClientStarts() || a.OptIn != "" }

// Label is the state as a table shows it.
func (a Approval) Label() string {
	switch a.State {
	case ApprovalPending:
		return "pending approval"
	case ApprovalDenied:
		return "denied"
	case ApprovalUntrusted:
		return "untrusted project"
	case ApprovalUnvetted:
		return "not approved"
	case ApprovalApproved:
		return "approved"
	}
	return ""
}

// MayStart reports whether mcpdoctor may start or contact the server.
func (s Server) MayStart() bool { return s.Approval.MayStart() }

// OptIn marks every entry its client would not start as started all the
// same, by the user's choice how ("--trust-project", "--config").
func (f *File) OptIn(how string) {
	for i := range f.Servers {
		if !f.Servers[i].Approval.ClientStarts() {
			f.Servers[i].Approval.OptIn = how
		}
	}
}

// projectScoped says whether a scope is a project's own, written by
// whoever wrote the project, rather than the user's or an administrator's.
func projectScoped(scope string) bool { return scope == "project" || scope == "workspace" }

// unchecked is the approval of a project's entry before its client's files
// were read: not started. Read gives it; Load and LoadClient replace it
// with the client's decision (decideApprovals), so that no way of reading
// a file can forget to ask.
var unchecked = Approval{State: ApprovalPending, Reason: "a project's entry, whose client's approval was not read"}

// initialApprovals gives each entry of a file just read its approval
// before the client's decision is known.
func initialApprovals(f *File) {
	for i := range f.Servers {
		s := &f.Servers[i]
		if projectScoped(s.Source.Scope) {
			s.Approval = unchecked
		} else {
			s.Approval = Approval{State: ApprovalNotNeeded}
		}
	}
}

// decideApprovals reads, for every project entry of f, what its client
// reads to decide whether it may start it.
func decideApprovals(f *File, opts ReadOptions) {
	ap := &approver{opts: opts, docs: map[string]*node{}}
	for i := range f.Servers {
		s := &f.Servers[i]
		if !projectScoped(s.Source.Scope) {
			continue
		}
		s.Approval = ap.decide(s)
	}
}

// approver reads the files clients keep their approvals in, once each.
type approver struct {
	opts ReadOptions
	docs map[string]*node
}

func (ap *approver) getenv(k string) string {
	if ap.opts.Getenv == nil {
		return ""
	}
	return ap.opts.Getenv(k)
}

func (ap *approver) decide(s *Server) Approval {
	if ci := info(s.Client()); ci != nil && ci.approve != nil {
		return ci.approve(ap, s)
	}
	return Approval{State: ApprovalPending, Reason: s.Client().Title() + " reads this project file, and mcpdoctor knows no approval of its for it"}
}

// projectRoot is the folder a project entry belongs to: the one that holds
// .mcp.json, .vscode, .cursor, .gemini, .codex, .github, .zed, .continue,
// opencode.json or .opencode.
func projectRoot(s *Server) string {
	path := s.Source.File
	dir := filepath.Dir(path)
	switch s.Client() {
	case ClientClaudeCode:
		return dir
	case ClientOpencode:
		if filepath.Base(dir) == ".opencode" {
			return filepath.Dir(dir)
		}
		return dir
	case ClientContinue:
		slash := filepath.ToSlash(path)
		if i := strings.LastIndex(slash, "/.continue/"); i >= 0 {
			return filepath.FromSlash(slash[:i])
		}
		return dir
	}
	return filepath.Dir(dir)
}

// claudeCode: Claude Code leaves a .mcp.json server "pending approval"
// until the user approves it (code.claude.com/docs/en/mcp, "Project
// scope": "Claude Code prompts for approval before using project-scoped
// servers from .mcp.json files"; `claude mcp list` shows them pending and
// does not connect). The answers are settings: enabledMcpjsonServers,
// disabledMcpjsonServers and enableAllProjectMcpServers
// (code.claude.com/docs/en/settings), in the managed, user, project and
// local settings files, and in older releases in ~/.claude.json under
// projects["<dir>"]. A project's own .claude/settings.json and
// .claude/settings.local.json come with the repository, so they count only
// once the user has trusted the folder (hasTrustDialogAccepted in
// ~/.claude.json): Claude Code loads no project setting before its trust
// dialog is accepted. A refusal wins over an approval.
func (ap *approver) claudeCode(s *Server) Approval {
	dir := projectRoot(s)
	home := ap.opts.Home
	configDir := ap.getenv("CLAUDE_CONFIG_DIR")
	state := filepath.Join(cmp.Or(configDir, home), ".claude.json")
	userSettings := filepath.Join(cmp.Or(configDir, filepath.Join(home, ".claude")), "settings.json")

	trusted := false
	var mine []claudeSettings // the user's and the administrator's
	if doc := ap.json(state); doc != nil {
		if projects := doc.get("projects"); projects != nil {
			for _, p := range projects.val.members {
				if !within(dir, p.key) {
					continue
				}
				if t := p.val.get("hasTrustDialogAccepted"); t != nil && t.val.kind == nodeBool && t.val.text == "true" {
					trusted = true
				}
				if samePath(p.key, dir) {
					mine = append(mine, claudeSettingsOf(p.val, fmt.Sprintf("%s (projects[%q])", state, p.key)))
				}
			}
		}
	}
	for _, f := range []string{claudeManagedSettings(cmp.Or(ap.opts.GOOS, runtime.GOOS)), userSettings} {
		if doc := ap.json(f); doc != nil {
			mine = append(mine, claudeSettingsOf(doc, f))
		}
	}
	var theirs []claudeSettings // the repository's own
	for _, f := range []string{filepath.Join(dir, ".claude", "settings.json"), filepath.Join(dir, ".claude", "settings.local.json")} {
		if doc := ap.json(f); doc != nil {
			theirs = append(theirs, claudeSettingsOf(doc, f))
		}
	}
	heeded := mine
	if trusted {
		heeded = append(heeded, theirs...)
	}
	name := s.Name
	approve := fmt.Sprintf("run `claude` in %s and approve %s when it asks (or later in /mcp), or add %q to enabledMcpjsonServers in %s",
		dir, name, name, filepath.Join(dir, ".claude", "settings.local.json"))
	for _, st := range heeded {
		if slices.Contains(st.disabled, name) {
			return Approval{State: ApprovalDenied,
				Reason:  fmt.Sprintf("you refused it in Claude Code (disabledMcpjsonServers in %s), so Claude Code does not start it", st.file),
				Approve: fmt.Sprintf("`claude mcp reset-project-choices` in %s, then approve it when Claude Code asks", dir)}
		}
	}
	for _, st := range heeded {
		switch {
		case slices.Contains(st.enabled, name):
			return Approval{State: ApprovalApproved, Reason: fmt.Sprintf("approved in Claude Code (enabledMcpjsonServers in %s)", st.file)}
		case st.enableAll:
			return Approval{State: ApprovalApproved, Reason: fmt.Sprintf("approved in Claude Code (enableAllProjectMcpServers in %s)", st.file)}
		}
	}
	for _, st := range theirs {
		if !trusted && (st.enableAll || slices.Contains(st.enabled, name)) {
			return Approval{State: ApprovalPending,
				Reason:  fmt.Sprintf("the repository's own %s approves it, which Claude Code heeds only once you trust %s (hasTrustDialogAccepted in %s); Claude Code shows it as pending approval", st.file, dir, state),
				Approve: approve}
		}
	}
	return Approval{State: ApprovalPending,
		Reason:  "Claude Code asks before it starts a .mcp.json server, and no answer is on file (enabledMcpjsonServers or enableAllProjectMcpServers in your settings); `claude mcp list` shows it as pending approval",
		Approve: approve}
}

// claudeSettings are the MCP approval keys of one Claude Code settings
// object.
type claudeSettings struct {
	file              string
	enabled, disabled []string
	enableAll         bool
}

func claudeSettingsOf(n *node, file string) claudeSettings {
	st := claudeSettings{file: file}
	st.enabled = stringItems(n.get("enabledMcpjsonServers"))
	st.disabled = stringItems(n.get("disabledMcpjsonServers"))
	if m := n.get("enableAllProjectMcpServers"); m != nil && m.val.kind == nodeBool && m.val.text == "true" {
		st.enableAll = true
	}
	return st
}

// claudeManagedSettings is where an administrator's Claude Code settings
// are (code.claude.com/docs/en/settings, "Settings files").
func claudeManagedSettings(goos string) string {
	switch goos {
	case "darwin":
		return "/Library/Application Support/ClaudeCode/managed-settings.json"
	case "windows":
		return `C:\Program Files\ClaudeCode\managed-settings.json`
	}
	return "/etc/claude-code/managed-settings.json"
}

// codex: Codex loads a project's .codex/config.toml only when the user
// config marks the project trusted (codex-rs config loader: "To load
// project-local config, hooks, and exec policies, add … as a trusted
// project"), [projects."<dir>"] trust_level = "trusted".
func (ap *approver) codex(s *Server) Approval {
	dir := projectRoot(s)
	user, err := Locate("", ap.getenv)
	if err != nil {
		user = filepath.Join(ap.opts.Home, ".codex", "config.toml")
	}
	if codexTrusted(user, dir) {
		return Approval{State: ApprovalApproved, Reason: fmt.Sprintf("%s is a trusted project ([projects.%q] trust_level = \"trusted\" in %s)", dir, dir, user)}
	}
	return Approval{State: ApprovalUntrusted,
		Reason:  fmt.Sprintf("Codex does not load this file, because %s is not a trusted project", dir),
		Approve: fmt.Sprintf("add [projects.%q] trust_level = \"trusted\" to %s, or trust the project when Codex asks", dir, user)}
}

// codexTrusted reads whether Codex's user config trusts the project dir.
func codexTrusted(userConfig, dir string) bool {
	data, err := readSmall(userConfig)
	if err != nil {
		return false
	}
	var doc struct {
		Projects map[string]struct {
			TrustLevel string `toml:"trust_level"`
		} `toml:"projects"`
	}
	if _, err := toml.Decode(string(data), &doc); err != nil {
		return false
	}
	for p, v := range doc.Projects {
		if samePath(p, dir) {
			return v.TrustLevel == "trusted"
		}
	}
	return false
}

// gemini: with folder trust on (security.folderTrust.enabled in the user
// or system settings), Gemini CLI loads a folder's .gemini/settings.json
// only once the user trusts the folder, in ~/.gemini/trustedFolders.json
// (geminicli.com/docs/cli/trusted-folders): TRUST_FOLDER trusts a folder
// and everything below it, TRUST_PARENT its parent and everything below,
// DO_NOT_TRUST distrusts it; the most specific rule wins. With folder
// trust off, which is Gemini CLI's default, it loads the folder's servers
// without asking: mcpdoctor then still waits for a rule of the user's.
func (ap *approver) gemini(s *Server) Approval {
	dir := projectRoot(s)
	geminiHome := filepath.Join(cmp.Or(ap.getenv("GEMINI_CLI_HOME"), ap.opts.Home), ".gemini")
	rulesFile := cmp.Or(ap.getenv("GEMINI_CLI_TRUSTED_FOLDERS_PATH"), filepath.Join(geminiHome, "trustedFolders.json"))
	approve := fmt.Sprintf("trust the folder when Gemini CLI asks (or with /permissions), or add %q: \"TRUST_FOLDER\" to %s", dir, rulesFile)
	best, level := "", ""
	if doc := ap.json(rulesFile); doc != nil {
		for _, m := range doc.members {
			if m.val.kind != nodeString {
				continue
			}
			root := m.key
			if m.val.text == "TRUST_PARENT" {
				root = filepath.Dir(filepath.Clean(root))
			}
			if within(dir, root) && len(filepath.Clean(root)) >= len(best) {
				best, level = filepath.Clean(root), m.val.text
			}
		}
	}
	switch level {
	case "TRUST_FOLDER", "TRUST_PARENT":
		return Approval{State: ApprovalApproved, Reason: fmt.Sprintf("Gemini CLI trusts %s (%s for %s in %s)", dir, level, best, rulesFile)}
	case "DO_NOT_TRUST":
		return Approval{State: ApprovalUntrusted,
			Reason:  fmt.Sprintf("you distrusted %s in Gemini CLI (DO_NOT_TRUST in %s): it ignores this folder's settings", best, rulesFile),
			Approve: approve}
	}
	enabled := false
	for _, f := range []string{filepath.Join(geminiHome, "settings.json"), geminiSystemSettings(ap)} {
		if doc := ap.json(f); doc != nil {
			if sec := doc.get("security"); sec != nil {
				if ft := sec.val.get("folderTrust"); ft != nil {
					if e := ft.val.get("enabled"); e != nil && e.val.kind == nodeBool {
						enabled = e.val.text == "true"
					}
				}
			}
		}
	}
	if enabled {
		return Approval{State: ApprovalPending,
			Reason:  fmt.Sprintf("Gemini CLI asks whether to trust %s before it loads this file, and no answer is in %s", dir, rulesFile),
			Approve: approve}
	}
	return Approval{State: ApprovalUnvetted,
		Reason:  "Gemini CLI's folder trust is off (security.folderTrust.enabled), so it starts a folder's servers without asking: a cloned repository's command runs as soon as you start gemini in it",
		Approve: fmt.Sprintf("turn folder trust on in Gemini CLI's settings and trust %s, or add %q: \"TRUST_FOLDER\" to %s", dir, dir, rulesFile)}
}

func geminiSystemSettings(ap *approver) string {
	return geminiSystemPath(newWhere(ClientGemini, Machine{Getenv: ap.opts.Getenv, Home: ap.opts.Home, GOOS: cmp.Or(ap.opts.GOOS, runtime.GOOS)}))
}

// copilot: Copilot CLI asks, when it starts in a folder, whether to trust
// the files in and below it; a permanent answer is the trusted_folders
// list of ~/.copilot/config.json (docs.github.com, "Configure GitHub
// Copilot CLI", "Setting trusted directories").
func (ap *approver) copilot(s *Server) Approval {
	dir := projectRoot(s)
	file := filepath.Join(cmp.Or(ap.getenv("COPILOT_HOME"), filepath.Join(ap.opts.Home, ".copilot")), "config.json")
	if doc := ap.json(file); doc != nil {
		for _, t := range stringItems(doc.get("trusted_folders")) {
			if within(dir, t) {
				return Approval{State: ApprovalApproved, Reason: fmt.Sprintf("Copilot CLI trusts %s (trusted_folders in %s)", t, file)}
			}
		}
	}
	return Approval{State: ApprovalPending,
		Reason:  fmt.Sprintf("Copilot CLI asks whether to trust %s when it starts there, and %s does not list it in trusted_folders", dir, file),
		Approve: fmt.Sprintf("start `copilot` in %s and trust the folder for future sessions, or add %q to trusted_folders in %s", dir, dir, file)}
}

// json reads a client's JSON (with comments) file into its root object, or
// nil when it is missing, unreadable or not an object. Each file is read
// once per decision.
func (ap *approver) json(path string) *node {
	if path == "" {
		return nil
	}
	if doc, ok := ap.docs[path]; ok {
		return doc
	}
	var doc *node
	if data, err := readSmall(path); err == nil {
		if root, p := parseJSON(path, data); p == nil && root.kind == nodeObject {
			doc = root
		}
	}
	ap.docs[path] = doc
	return doc
}

// readSmall reads a client's own state or settings file: a regular file
// only, at most MaxConfigBytes (internal/safefile).
func readSmall(path string) ([]byte, error) { return safefile.ReadFile(path, MaxConfigBytes) }

// stringItems lists the strings of an array member.
func stringItems(m *member) []string {
	if m == nil || m.val.kind != nodeArray {
		return nil
	}
	var out []string
	for _, it := range m.val.items {
		if it.kind == nodeString {
			out = append(out, it.text)
		}
	}
	return out
}

// within reports whether path is root or inside it.
func within(path, root string) bool {
	if path == "" || root == "" {
		return false
	}
	rel, err := filepath.Rel(filepath.Clean(root), filepath.Clean(path))
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}
