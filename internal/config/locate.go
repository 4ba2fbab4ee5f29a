package config

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/mcpdoctor/mcpdoctor/internal/safefile"
)

// ErrNoConfig is returned (wrapped) when no config file exists where a
// client would look.
var ErrNoConfig = errors.New("no config file found")

// Locate finds Codex's user config the way Codex does: the explicit path
// when given, else $CODEX_HOME/config.toml, else ~/.codex/config.toml. An
// empty CODEX_HOME is ignored; one that is set but does not exist is an
// error, because Codex itself refuses to start with it.
func Locate(explicit string, getenv func(string) string) (string, error) {
	if explicit != "" {
		return explicit, nil
	}
	if home := getenv("CODEX_HOME"); home != "" {
		info, err := os.Stat(home)
		if err != nil {
			return "", fmt.Errorf("CODEX_HOME is set to %s, which does not exist: create it, unset CODEX_HOME, or pass --config FILE", home)
		}
		if !info.IsDir() {
			return "", fmt.Errorf("CODEX_HOME is set to %s, which is not a directory: point it at Codex's home directory or pass --config FILE", home)
		}
		return filepath.Join(home, "config.toml"), nil
	}
	home, err := homeDir(getenv)
	if err != nil {
		return "", err
	}
	return filepath.Join(home, ".codex", "config.toml"), nil
}

func homeDir(getenv func(string) string) (string, error) {
	if home := getenv("HOME"); home != "" {
		return home, nil
	}
	h, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("cannot find the home directory (%v): pass --config FILE", err)
	}
	return h, nil
}

// Load reads the file at path with its client's reader (opts.Client, or
// recognised from the file). The error is non-nil only when the file
// cannot be read or its client cannot be told; everything wrong inside it
// is a Problem in the returned File.
func Load(path string, opts ReadOptions) (*File, error) {
	// A FIFO or a device would make the read wait, or never end.
	file, err := safefile.Open(path)
	var se *safefile.Error
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil, fmt.Errorf("%s: %w: create it, or pass --config FILE", path, ErrNoConfig)
	case errors.As(err, &se):
		return nil, fmt.Errorf("%w: mcpdoctor reads a config only from a regular file (a FIFO could hang it, a device never end); copy it into a file and pass --config FILE", err)
	case err != nil:
		return nil, fmt.Errorf("cannot read %s: %w", path, err)
	}
	defer file.Close()
	// One byte more than the limit tells a file over it, without reading
	// a huge one whole.
	data, err := io.ReadAll(io.LimitReader(file, MaxConfigBytes+1))
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %w", path, err)
	}
	f, err := Read(path, data, opts)
	if err != nil {
		return nil, err
	}
	decideApprovals(f, opts)
	return f, nil
}

// Machine is what finding a client's files depends on.
type Machine struct {
	Getenv func(string) string
	// Home and Cwd; GOOS is runtime.GOOS unless a test says otherwise.
	Home, Cwd, GOOS string
}

// Place is one file a client reads servers from.
type Place struct {
	Client Client
	Path   string
	Scope  string
}

// Places lists where a client looks for servers on this machine, whether
// the files exist or not, highest precedence first. Each path is from
// the client's documentation (see its reader).
func Places(c Client, m Machine) []Place {
	ci := info(c)
	if ci == nil {
		return nil
	}
	w := newWhere(c, m)
	ci.places(w)
	return w.out
}

// projectDirs lists cwd and its parents up to the project's root (the
// nearest folder with .git), closest first; only cwd when there is no
// repository, and never home itself.
func projectDirs(cwd, home string) []string {
	if cwd == "" {
		return nil
	}
	var dirs []string
	for dir := filepath.Clean(cwd); ; dir = filepath.Dir(dir) {
		if dir == filepath.Clean(home) {
			break
		}
		dirs = append(dirs, dir)
		if _, err := os.Stat(filepath.Join(dir, ".git")); err == nil {
			return dirs
		}
		if filepath.Dir(dir) == dir {
			break
		}
	}
	if len(dirs) > 0 {
		return dirs[:1]
	}
	return nil
}

func globYAML(dir string) []string {
	var out []string
	for _, pat := range []string{"*.yaml", "*.yml"} {
		m, _ := filepath.Glob(filepath.Join(dir, pat))
		out = append(out, m...)
	}
	sort.Strings(out)
	return out
}

// geminiExtensionFile is a Gemini CLI extension's manifest.
const geminiExtensionFile = "gemini-extension.json"

// geminiExtensions lists the manifests of the extensions installed in
// dir, each in its folder, or for one installed with `gemini extensions
// link`, in the folder its .gemini-extension-install.json names.
func geminiExtensions(dir string) []string {
	entries, _ := os.ReadDir(dir)
	var out []string
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		ext := filepath.Join(dir, e.Name())
		var install struct{ Source, Type string }
		if data, err := ReadReferenced(filepath.Join(ext, ".gemini-extension-install.json")); err == nil &&
			json.Unmarshal(data, &install) == nil && install.Type == "link" && install.Source != "" {
			ext = install.Source
		}
		out = append(out, filepath.Join(ext, geminiExtensionFile))
	}
	return out
}

// jsonFilesUnder lists the .json files in dir and its folders, as
// Continue walks .continue/mcpServers (node_modules and .git skipped).
func jsonFilesUnder(dir string) []string {
	var out []string
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return nil
		case d.IsDir() && path != dir && (d.Name() == "node_modules" || d.Name() == ".git"):
			return filepath.SkipDir
		case !d.IsDir() && strings.EqualFold(filepath.Ext(path), ".json"):
			out = append(out, path)
		}
		return nil
	})
	return out
}

// LoadClient reads every file of a client that exists on this machine into
// one File: the servers of each, highest precedence first, with a
// problem on every entry another place overrides.
func LoadClient(c Client, m Machine) (*File, error) {
	places := Places(c, m)
	if c == ClientCodex {
		if _, err := Locate("", m.Getenv); err != nil {
			return nil, err
		}
	}
	var files []*File
	for _, p := range existing(places) {
		f, err := Load(p.Path, ReadOptions{Client: c, Scope: p.Scope, Home: m.Home, Cwd: m.Cwd, Getenv: m.Getenv, GOOS: m.GOOS})
		if err != nil {
			return nil, err
		}
		files = append(files, f)
	}
	if len(files) == 0 {
		var looked []string
		for _, p := range places {
			looked = append(looked, p.Path)
		}
		return nil, fmt.Errorf("%w for %s (looked at %s): pass --config FILE", ErrNoConfig, c.Title(), strings.Join(looked, ", "))
	}
	if c == ClientCodex {
		codexTrust(files)
		codexLayers(files)
	}
	if c == ClientClaudeCode {
		files = claudeManaged(files)
	}
	if c == ClientGemini {
		geminiEnablement(files, geminiExtensionsDir(m), m.Cwd)
	}
	return merge(c, files), nil
}

// geminiExtensionsDir is where Gemini CLI installs extensions.
func geminiExtensionsDir(m Machine) string {
	home := m.Home
	if m.Getenv != nil {
		home = cmp.Or(m.Getenv("GEMINI_CLI_HOME"), home)
	}
	return filepath.Join(home, ".gemini", "extensions")
}

// geminiEnablement turns off the servers of the extensions Gemini CLI has
// disabled in cwd (`gemini extensions disable`, written to
// extension-enablement.json; gemini-cli: ExtensionEnablementManager). An
// extension is enabled unless a rule says otherwise: each rule is a
// folder, "!" in front to disable, "*" at the end for its subfolders too,
// and the last one that matches wins.
func geminiEnablement(files []*File, extDir, cwd string) {
	data, err := ReadReferenced(filepath.Join(extDir, "extension-enablement.json"))
	if err != nil || cwd == "" {
		return
	}
	var rules map[string]struct {
		Overrides []string `json:"overrides"`
	}
	if json.Unmarshal(data, &rules) != nil {
		return
	}
	here := strings.TrimSuffix(filepath.ToSlash(cwd), "/") + "/"
	for _, f := range files {
		name := f.extension
		if f.Scope != "extension" || name == "" {
			continue
		}
		decided := ""
		for _, rule := range rules[name].Overrides {
			folder, subfolders := strings.TrimPrefix(rule, "!"), strings.HasSuffix(rule, "*")
			folder = strings.TrimSuffix(strings.TrimSuffix(filepath.ToSlash(folder), "*"), "/") + "/"
			if here == folder || subfolders && strings.HasPrefix(here, folder) {
				decided = rule
			}
		}
		if !strings.HasPrefix(decided, "!") {
			continue
		}
		for i := range f.Servers {
			s := &f.Servers[i]
			s.Enabled = false
			s.Problems = append(s.Problems, Problem{Severity: SeverityWarning, Code: CodeNotLoaded, File: f.Path, Line: s.Line, Column: s.Column,
				Server: s.Name, Table: s.table,
				Message: fmt.Sprintf("Gemini CLI has the extension %s disabled here (%q in %s), so it does not start this server; `gemini extensions enable %s` turns it on", name, decided, filepath.Join(extDir, "extension-enablement.json"), name)})
		}
	}
}

// Discover reads every client's files that exist on this machine: each
// server once per place it is configured.
func Discover(m Machine) (*File, []error) {
	var files []*File
	var errs []error
	for _, c := range Clients() {
		f, err := LoadClient(c, m)
		if errors.Is(err, ErrNoConfig) {
			continue
		}
		if err != nil {
			errs = append(errs, err)
			continue
		}
		files = append(files, f)
	}
	all := &File{}
	for _, f := range files {
		all.Paths = append(all.Paths, f.Paths...)
		all.Servers = append(all.Servers, f.Servers...)
		all.Problems = append(all.Problems, f.Problems...)
	}
	all.Path = strings.Join(all.Paths, ", ")
	return all, errs
}

func existing(places []Place) []Place {
	var out []Place
	for _, p := range places {
		if info, err := os.Stat(p.Path); err == nil && !info.IsDir() {
			out = append(out, p)
		}
	}
	return out
}

// merge gathers a client's files into one, ordering servers by the
// precedence of their scopes and marking every entry a higher one
// overrides.
func merge(c Client, files []*File) *File {
	out := &File{Client: c}
	for _, f := range files {
		out.Paths = append(out.Paths, f.Path)
		out.Servers = append(out.Servers, f.Servers...)
		out.Problems = append(out.Problems, f.Problems...)
	}
	out.Path = out.Paths[0]
	if len(out.Paths) > 1 {
		out.Path = strings.Join(out.Paths, ", ")
	}
	out.Problems = append(out.Problems, markShadowed(c, out.Servers)...)
	SortProblems(out.Problems)
	return out
}

// markShadowed orders a client's servers by the precedence of their
// scopes and marks every entry that one of a higher scope overrides,
// returning the problems it added to them.
func markShadowed(c Client, servers []Server) []Problem {
	var added []Problem
	sort.SliceStable(servers, func(i, j int) bool {
		return scopeRank(c, servers[i].Source.Scope) < scopeRank(c, servers[j].Source.Scope)
	})
	winner := map[string]*Server{}
	for i := range servers {
		s := &servers[i]
		if s.notLoaded || s.Shadowed {
			continue
		}
		w, ok := winner[s.Name]
		if !ok {
			winner[s.Name] = s
			continue
		}
		s.Shadowed = true
		how := "uses that entry instead of this one"
		if c == ClientCodex {
			how = "merges that table over this one key by key: mcpdoctor probes the merged entry there, as Codex starts it"
		}
		p := Problem{Severity: SeverityWarning, Code: CodeShadowed, File: s.Source.File, Line: s.Line, Column: s.Column,
			Server: s.Name, Table: s.table,
			Message: fmt.Sprintf("%s also configures %s in %s:%d (%s scope), and %s", c.Title(), s.Name, w.Source.File, w.Line, w.Source.Scope, how)}
		s.Problems = append(s.Problems, p)
		added = append(added, p)
	}
	return added
}

// codexTrust marks the servers of an untrusted project's
// .codex/config.toml: Codex loads such a layer disabled
// (config/src/loader: "To load project-local config, hooks, and exec
// policies, add … as a trusted project"). Whether the project is trusted
// was read with the file (Approval).
func codexTrust(files []*File) {
	userFile := ""
	for _, f := range files {
		if f.Scope == "user" {
			userFile = f.Path
		}
	}
	for _, f := range files {
		if f.Scope != "project" {
			continue
		}
		dir := filepath.Dir(filepath.Dir(f.Path))
		if codexTrusted(userFile, dir) {
			continue
		}
		if f.codex != nil {
			f.codex.ignored = true
		}
		msg := fmt.Sprintf("Codex does not load this file, because %s is not a trusted project: add [projects.%q] trust_level = \"trusted\" to %s", dir, dir, cmp.Or(userFile, "~/.codex/config.toml"))
		f.Problems = append(f.Problems, Problem{Severity: SeverityWarning, Code: CodeNotLoaded, File: f.Path, Line: 1, Column: 1, Message: msg})
		for i := range f.Servers {
			f.Servers[i].notLoaded = true
			f.Servers[i].Problems = append(f.Servers[i].Problems, Problem{Severity: SeverityWarning, Code: CodeNotLoaded,
				File: f.Path, Line: f.Servers[i].Line, Column: f.Servers[i].Column, Server: f.Servers[i].Name, Table: "mcp_servers", Message: msg})
		}
	}
}

// claudeManaged: when managed-mcp.json exists, Claude Code loads only its
// servers (code.claude.com/docs/en/managed-mcp); the others are listed
// with a problem saying so.
func claudeManaged(files []*File) []*File {
	managed := false
	for _, f := range files {
		if filepath.Base(f.Path) == "managed-mcp.json" {
			managed = true
		}
	}
	if !managed {
		return files
	}
	for _, f := range files {
		if filepath.Base(f.Path) == "managed-mcp.json" {
			continue
		}
		for i := range f.Servers {
			s := &f.Servers[i]
			s.notLoaded = true
			s.Problems = append(s.Problems, Problem{Severity: SeverityWarning, Code: CodeNotLoaded, File: s.Source.File,
				Line: s.Line, Column: s.Column, Server: s.Name, Table: s.table,
				Message: "Claude Code does not load this server: an administrator's managed-mcp.json has exclusive control of MCP servers"})
		}
	}
	return files
}
