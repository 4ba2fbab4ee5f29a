package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestApprovals reads each client's approval of a project's own server from
// the files that client keeps it in, one layout of files per case.
func TestApprovals(t *testing.T) {
	type tc struct {
		name string
		// file is the project file read, relative to the project; files
		// are the others, relative to the root ($HOME is home, the
		// project src/app).
		file  string
		files map[string]string
		env   map[string]string
		want  ApprovalState
		// why is a part of the reason that names the file or key.
		why string
	}
	const claudeFile = `{"mcpServers": {"srv": {"command": "s"}, "other": {"command": "o"}}}`
	const vscodeFile = `{"servers": {"srv": {"command": "s"}}}`
	const geminiFile = `{"mcpServers": {"srv": {"command": "s"}}}`
	cases := []tc{
		// Claude Code.
		{name: "claude: nothing on file", file: ".mcp.json", want: ApprovalPending, why: "no answer is on file"},
		{name: "claude: ~/.claude.json approves it", file: ".mcp.json", want: ApprovalApproved, why: "enabledMcpjsonServers in $HOME/.claude.json",
			files: map[string]string{"home/.claude.json": `{"projects": {"$PROJECT": {"enabledMcpjsonServers": ["srv"]}}}`}},
		{name: "claude: approval of another server", file: ".mcp.json", want: ApprovalPending,
			files: map[string]string{"home/.claude.json": `{"projects": {"$PROJECT": {"enabledMcpjsonServers": ["other"]}}}`}},
		{name: "claude: approval for another project", file: ".mcp.json", want: ApprovalPending,
			files: map[string]string{"home/.claude.json": `{"projects": {"/elsewhere": {"enableAllProjectMcpServers": true}}}`}},
		{name: "claude: user settings approve all", file: ".mcp.json", want: ApprovalApproved, why: "enableAllProjectMcpServers in $HOME/.claude/settings.json",
			files: map[string]string{"home/.claude/settings.json": `{"enableAllProjectMcpServers": true}`}},
		{name: "claude: refused", file: ".mcp.json", want: ApprovalDenied, why: "disabledMcpjsonServers",
			files: map[string]string{"home/.claude/settings.json": `{"enableAllProjectMcpServers": true, "disabledMcpjsonServers": ["srv"]}`}},
		{name: "claude: the repository approves itself", file: ".mcp.json", want: ApprovalPending, why: "heeds only once you trust",
			files: map[string]string{"src/app/.claude/settings.json": `{"enableAllProjectMcpServers": true}`}},
		{name: "claude: the repository's local settings approve it", file: ".mcp.json", want: ApprovalPending, why: "heeds only once you trust",
			files: map[string]string{"src/app/.claude/settings.local.json": `{"enabledMcpjsonServers": ["srv"]}`}},
		{name: "claude: trusted folder, the repository's settings count", file: ".mcp.json", want: ApprovalApproved, why: "src/app/.claude/settings.local.json",
			files: map[string]string{
				"src/app/.claude/settings.local.json": `{"enabledMcpjsonServers": ["srv"]}`,
				"home/.claude.json":                   `{"projects": {"$PROJECT": {"hasTrustDialogAccepted": true}}}`}},
		{name: "claude: a trusted parent folder", file: ".mcp.json", want: ApprovalApproved,
			files: map[string]string{
				"src/app/.claude/settings.json": `{"enableAllProjectMcpServers": true}`,
				"home/.claude.json":             `{"projects": {"$ROOT/src": {"hasTrustDialogAccepted": true}}}`}},
		{name: "claude: trust is no approval", file: ".mcp.json", want: ApprovalPending,
			files: map[string]string{"home/.claude.json": `{"projects": {"$PROJECT": {"hasTrustDialogAccepted": true}}}`}},
		{name: "claude: CLAUDE_CONFIG_DIR", file: ".mcp.json", want: ApprovalApproved, env: map[string]string{"CLAUDE_CONFIG_DIR": "$ROOT/cc"},
			files: map[string]string{"cc/settings.json": `{"enabledMcpjsonServers": ["srv"]}`, "home/.claude/settings.json": `{"disabledMcpjsonServers": ["srv"]}`}},
		{name: "claude: a settings file that is not JSON", file: ".mcp.json", want: ApprovalPending,
			files: map[string]string{"home/.claude/settings.json": `{"enableAllProjectMcpServers": tru`}},

		// Codex.
		{name: "codex: untrusted", file: ".codex/config.toml", want: ApprovalUntrusted, why: "not a trusted project",
			files: map[string]string{"home/.codex/config.toml": "[projects.\"$PROJECT\"]\ntrust_level = \"untrusted\"\n"}},
		{name: "codex: no user config", file: ".codex/config.toml", want: ApprovalUntrusted},
		{name: "codex: trusted", file: ".codex/config.toml", want: ApprovalApproved, why: "trust_level",
			files: map[string]string{"home/.codex/config.toml": "[projects.\"$PROJECT\"]\ntrust_level = \"trusted\"\n"}},

		// Gemini CLI.
		{name: "gemini: folder trust off", file: ".gemini/settings.json", want: ApprovalUnvetted, why: "folderTrust"},
		{name: "gemini: folder trust on, no answer", file: ".gemini/settings.json", want: ApprovalPending, why: "trustedFolders.json",
			files: map[string]string{"home/.gemini/settings.json": `{"security": {"folderTrust": {"enabled": true}}}`}},
		{name: "gemini: trusted folder", file: ".gemini/settings.json", want: ApprovalApproved, why: "TRUST_FOLDER",
			files: map[string]string{"home/.gemini/trustedFolders.json": `{"$PROJECT": "TRUST_FOLDER"}`}},
		{name: "gemini: trusted parent", file: ".gemini/settings.json", want: ApprovalApproved, why: "TRUST_PARENT",
			files: map[string]string{"home/.gemini/trustedFolders.json": `{"$ROOT/src/sibling": "TRUST_PARENT"}`}},
		{name: "gemini: distrusted below a trusted parent", file: ".gemini/settings.json", want: ApprovalUntrusted, why: "DO_NOT_TRUST",
			files: map[string]string{"home/.gemini/trustedFolders.json": `{"$ROOT/src": "TRUST_FOLDER", "$PROJECT": "DO_NOT_TRUST"}`}},
		{name: "gemini: the most specific rule wins, whatever the order", file: ".gemini/settings.json", want: ApprovalUntrusted,
			files: map[string]string{"home/.gemini/trustedFolders.json": `{"$PROJECT": "DO_NOT_TRUST", "$ROOT/src": "TRUST_FOLDER"}`}},
		{name: "gemini: a trusted child is no trust of its parent", file: ".gemini/settings.json", want: ApprovalUnvetted,
			files: map[string]string{"home/.gemini/trustedFolders.json": `{"$PROJECT/sub": "TRUST_FOLDER"}`}},

		// Copilot CLI.
		{name: "copilot: not trusted", file: ".github/mcp.json", want: ApprovalPending, why: "trusted_folders"},
		{name: "copilot: trusted above", file: ".github/mcp.json", want: ApprovalApproved,
			files: map[string]string{"home/.copilot/config.json": `{"trusted_folders": ["$ROOT/src"]}`}},

		// The editors keep their answers in databases; two clients ask no one.
		{name: "vscode", file: ".vscode/mcp.json", want: ApprovalPending, why: "state database"},
		{name: "cursor", file: ".cursor/mcp.json", want: ApprovalPending, why: "state database"},
		{name: "zed", file: ".zed/settings.json", want: ApprovalPending},
		{name: "opencode", file: "opencode.json", want: ApprovalUnvetted, why: "without asking"},
		{name: "continue", file: ".continue/mcpServers/x.yaml", want: ApprovalUnvetted, why: "without asking"},
	}
	content := map[string]string{
		".mcp.json": claudeFile, ".vscode/mcp.json": vscodeFile, ".cursor/mcp.json": geminiFile, ".gemini/settings.json": geminiFile,
		".github/mcp.json": geminiFile, ".zed/settings.json": `{"context_servers": {"srv": {"command": "s"}}}`,
		"opencode.json":               `{"mcp": {"srv": {"type": "local", "command": ["s"]}}}`,
		".continue/mcpServers/x.yaml": "name: x\nversion: 0.0.1\nschema: v1\nmcpServers:\n  - name: srv\n    command: s\n",
		".codex/config.toml":          "[mcp_servers.srv]\ncommand = \"s\"\n",
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			root := t.TempDir()
			home, project := filepath.Join(root, "home"), filepath.Join(root, "src", "app")
			expand := func(s string) string {
				return strings.NewReplacer("$PROJECT", project, "$ROOT", root, "$HOME", home).Replace(s)
			}
			files := map[string]string{"src/app/" + c.file: content[c.file], "src/app/.git/HEAD": "ref: refs/heads/main\n"}
			for k, v := range c.files {
				files[k] = expand(v)
			}
			writeFiles(t, root, files)
			env := map[string]string{"HOME": home}
			for k, v := range c.env {
				env[k] = expand(v)
			}
			getenv := func(k string) string { return env[k] }
			f, err := Load(filepath.Join(project, c.file), ReadOptions{Home: home, Cwd: project, Getenv: getenv, GOOS: "linux"})
			if err != nil {
				t.Fatal(err)
			}
			s, ok := f.Server("srv")
			if !ok {
				t.Fatalf("no server srv in %v", f.Names())
			}
			a := s.Approval
			if a.State != c.want {
				t.Fatalf("state %s (%s), want %s", a.State, a.Reason, c.want)
			}
			if c.why != "" && !strings.Contains(a.Reason, expand(c.why)) {
				t.Errorf("reason %q does not say %q", a.Reason, expand(c.why))
			}
			if a.Reason == "" {
				t.Errorf("no reason")
			}
			if starts := c.want == ApprovalApproved; a.ClientStarts() != starts || s.MayStart() != starts {
				t.Errorf("ClientStarts %v, MayStart %v, want %v", a.ClientStarts(), s.MayStart(), starts)
			}
			if !a.ClientStarts() && a.Approve == "" {
				t.Errorf("no way to approve it is given")
			}
			f.OptIn("--trust-project")
			if s, _ := f.Server("srv"); !s.MayStart() || (s.Approval.OptIn != "") == (c.want == ApprovalApproved) {
				t.Errorf("after opting in: MayStart %v, OptIn %q", s.MayStart(), s.Approval.OptIn)
			}
		})
	}
}

// TestApprovalOnlyForProjects: the user's own files need no approval, in
// every client.
func TestApprovalOnlyForProjects(t *testing.T) {
	root := t.TempDir()
	home, project := filepath.Join(root, "home"), filepath.Join(root, "src", "app")
	writeFiles(t, root, map[string]string{
		"home/.claude.json":          `{"mcpServers": {"u": {"command": "u"}}, "projects": {"` + project + `": {"mcpServers": {"l": {"command": "l"}}}}}`,
		"home/.cursor/mcp.json":      `{"mcpServers": {"u": {"command": "u"}}}`,
		"home/.gemini/settings.json": `{"mcpServers": {"u": {"command": "u"}}}`,
		"home/.codex/config.toml":    "[mcp_servers.u]\ncommand = \"u\"\n",
	})
	m := Machine{Getenv: func(k string) string { return map[string]string{"HOME": home}[k] }, Home: home, Cwd: project, GOOS: "linux"}
	all, errs := Discover(m)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if len(all.Servers) != 5 {
		t.Fatalf("%d servers, want 5", len(all.Servers))
	}
	for _, s := range all.Servers {
		if s.Approval.State != ApprovalNotNeeded || !s.MayStart() {
			t.Errorf("%s (%s %s): %s", s.Name, s.Client(), s.Source.Scope, s.Approval.State)
		}
	}
}

// TestReadAloneLeavesProjectsPending: a project's file read without its
// client's approvals (Read, not Load) is not started.
func TestReadAloneLeavesProjectsPending(t *testing.T) {
	f, err := Read("/src/app/.mcp.json", []byte(`{"mcpServers": {"srv": {"command": "s"}}}`), ReadOptions{Home: "/home/u", Cwd: "/src/app"})
	if err != nil {
		t.Fatal(err)
	}
	if s := f.Servers[0]; s.MayStart() || s.Approval.State != ApprovalPending {
		t.Errorf("approval %+v", s.Approval)
	}
}

// TestCheckEnvironmentReadsNoFileOfAnUnapprovedEntry: nothing an entry
// mcpdoctor may not start points to is read, not even to check it.
func TestCheckEnvironmentReadsNoFileOfAnUnapprovedEntry(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, ".vscode", "mcp.json")
	writeFiles(t, dir, map[string]string{".vscode/mcp.json": `{"servers": {"srv": {"command": "s", "envFile": "/nowhere/.env", "env": {"K": "${input:key}"}}}}`})
	f, err := Load(path, ReadOptions{Home: filepath.Join(dir, "home"), Cwd: dir})
	if err != nil {
		t.Fatal(err)
	}
	var read []string
	env := OSEnv()
	env.ReadFile = func(p string) ([]byte, error) { read = append(read, p); return nil, os.ErrNotExist }
	env.LookPath = func(string) (string, error) { return "", os.ErrNotExist }
	s := f.Servers[0]
	if ps := CheckEnvironment(s, env); len(ps) != 0 || len(read) != 0 {
		t.Errorf("pending entry: problems %v, files read %v", ps, read)
	}
	f.OptIn("--config")
	s = f.Servers[0]
	if ps := CheckEnvironment(s, env); len(ps) == 0 || len(read) == 0 {
		t.Errorf("opted in: problems %v, files read %v; want the env file checked", ps, read)
	}
}
