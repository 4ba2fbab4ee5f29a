package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"

	"github.com/mcpdoctor/mcpdoctor/internal/config"
)

// How mcpdoctor reaches users' CI and machines: the pre-commit hooks, the
// GitHub Action's script and the release config, at the repository's
// root. These tests tie each to the code it depends on, so that a new
// client, a renamed flag or a moved variable cannot leave them behind.

// repoFile reads a file at the repository's root.
func repoFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

type preCommitHook struct {
	ID       string `yaml:"id"`
	Entry    string `yaml:"entry"`
	Language string `yaml:"language"`
	Files    string `yaml:"files"`
}

// verboseRegexp compiles a pattern written for Python's re.VERBOSE, as
// pre-commit reads it, with Go's regexp, which has no such mode: the
// pattern must then hold no comment and no escaped space, so that
// dropping its white space is all the mode does.
func verboseRegexp(t *testing.T, pattern string) *regexp.Regexp {
	t.Helper()
	body, ok := strings.CutPrefix(pattern, "(?x)")
	if !ok || strings.Contains(body, "#") || strings.Contains(body, `\ `) {
		t.Fatalf("files must be (?x) with neither # nor an escaped space (write \\x20): %q", pattern)
	}
	return regexp.MustCompile(strings.Join(strings.Fields(body), ""))
}

// clientPlaces lists every file each client reads on Linux, macOS and
// Windows, as a repository would hold it: relative to the project or the
// home folder, else the absolute path without its root; plus files of
// the kinds found by listing a folder (Continue's, Gemini CLI
// extensions'). scope filters by scope; "" takes all.
func clientPlaces(scope string) map[string]config.Client {
	const home, cwd = "/home/u", "/home/u/repo"
	places := map[string]config.Client{}
	if scope == "" || scope == "workspace" {
		places[".continue/mcpServers/db.yaml"] = config.ClientContinue
		places[".continue/mcpServers/db.yml"] = config.ClientContinue
		places[".continue/mcpServers/copied.json"] = config.ClientContinue
	}
	if scope == "" {
		places[".gemini/extensions/figma/gemini-extension.json"] = config.ClientGemini
	}
	for _, goos := range []string{"linux", "darwin", "windows"} {
		for _, c := range config.Clients() {
			for _, p := range config.Places(c, config.Machine{Home: home, Cwd: cwd, GOOS: goos, Getenv: func(string) string { return "" }}) {
				if scope != "" && p.Scope != scope {
					continue
				}
				path := strings.ReplaceAll(p.Path, `\`, "/")
				for _, root := range []string{cwd + "/", home + "/"} {
					if rel, ok := strings.CutPrefix(path, root); ok {
						path = rel
						break
					}
				}
				path = strings.TrimPrefix(strings.TrimPrefix(path, "C:"), "/")
				places[path] = c
			}
		}
	}
	return places
}

// TestPreCommitHooksMatchEveryClient: the hooks match every file a client
// reads, each such file is read by that client's rules, and files that
// are no MCP config are left alone.
func TestPreCommitHooksMatchEveryClient(t *testing.T) {
	var hooks []preCommitHook
	if err := yaml.Unmarshal(repoFile(t, ".pre-commit-hooks.yaml"), &hooks); err != nil {
		t.Fatal(err)
	}
	byID := map[string]preCommitHook{}
	for _, h := range hooks {
		byID[h.ID] = h
	}
	golang, system := byID["mcpdoctor-validate"], byID["mcpdoctor-validate-system"]
	if golang.Language != "golang" || system.Language != "system" || golang.Files == "" || golang.Files != system.Files ||
		golang.Entry != "mcpdoctor validate --static" || system.Entry != golang.Entry {
		t.Fatalf("hooks %+v", hooks)
	}
	files := verboseRegexp(t, golang.Files)
	places := clientPlaces("")
	if len(places) < 30 {
		t.Fatalf("only %d places: is config.Places still what this test thinks?", len(places))
	}
	for path, c := range places {
		if !files.MatchString(path) {
			t.Errorf("the hooks miss %s, which %s reads", path, c.Title())
			continue
		}
		if got, how, ok := config.Recognise(path, nil); !ok || got != c || how != "from its name" {
			t.Errorf("%s matches the hooks, but validate reads it as %q (%s), not %s", path, got, how, c)
		}
	}
	for _, path := range []string{"package.json", "tsconfig.json", ".vscode/settings.json", ".vscode/launch.json", "pyproject.toml",
		"Cargo.toml", "config.toml", "codex/config.toml", ".github/workflows/ci.yml", ".continue/prompts/review.yaml",
		"docs/mcp.json", "mcp.json", "settings.json", "a.mcp.json", ".mcp.json.bak", "opencode.json5"} {
		if files.MatchString(path) {
			t.Errorf("the hooks match %s, which is no client's MCP config", path)
		}
	}
}

// TestPreCommitEntryTakesSeveralFiles runs the hooks' entry as pre-commit
// does, with the matching files appended: one status for all of them,
// the worst.
func TestPreCommitEntryTakesSeveralFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	good := write(".mcp.json", `{"mcpServers": {"docs": {"type": "http", "url": "https://docs.example.com/mcp"}}}`)
	alsoGood := write(".vscode/mcp.json", `{"servers": {"fs": {"command": "npx", "args": ["-y", "fs"]}}}`)
	bad := write(".cursor/mcp.json", `{"mcpServers": {"docs": {"url": 42}}}`)
	var hooks []preCommitHook
	if err := yaml.Unmarshal(repoFile(t, ".pre-commit-hooks.yaml"), &hooks); err != nil {
		t.Fatal(err)
	}
	entry := strings.Fields(hooks[0].Entry)[1:]
	for _, tt := range []struct {
		files []string
		want  int
	}{
		{[]string{good, alsoGood}, exitOK},
		{[]string{good, bad, alsoGood}, exitUnhealthy},
	} {
		var out, errOut bytes.Buffer
		code := run(append(slices.Clone(entry), tt.files...), &IOStreams{Out: &out, Err: &errOut,
			Getenv: func(string) string { return "" }, LookupEnv: func(string) (string, bool) { return "", false }})
		if code != tt.want {
			t.Errorf("%v: status %d, want %d\n%s%s", tt.files, code, tt.want, out.String(), errOut.String())
		}
		for _, f := range tt.files {
			if !strings.Contains(out.String(), f+" (") {
				t.Errorf("no verdict for %s:\n%s", f, out.String())
			}
		}
	}
}

// TestActionDiscoversEveryProjectFile: with no files input, the action
// checks every project config a client reads in a repository, as
// config.Places names them.
func TestActionDiscoversEveryProjectFile(t *testing.T) {
	script := string(repoFile(t, "action/check.sh"))
	array := func(name string) []string {
		_, rest, ok := strings.Cut(script, "\n"+name+"=(")
		body, _, ok2 := strings.Cut(rest, ")")
		if !ok || !ok2 {
			t.Fatalf("check.sh has no %s=( … )", name)
		}
		return strings.Fields(body)
	}
	got := append(array("project_files"), array("project_globs")...)
	want := map[string]bool{}
	for path := range clientPlaces("project") {
		want[path] = true
	}
	for path := range clientPlaces("workspace") {
		if dir, base := filepath.Split(path); strings.HasPrefix(dir, ".continue/mcpServers/") {
			path = dir + "*" + filepath.Ext(base)
		}
		want[path] = true
	}
	for _, path := range got {
		if !want[path] {
			t.Errorf("check.sh looks for %s, which no client reads in a project", path)
		}
		delete(want, path)
	}
	for path := range want {
		t.Errorf("check.sh does not look for %s, a project config", path)
	}
}

// TestReleaseStampsTheVersion builds mcpdoctor with the ldflags of
// .goreleaser.yaml, and wants the version it stamps in `mcpdoctor
// version` and --version; and checks the platforms and checksums the
// release promises.
func TestReleaseStampsTheVersion(t *testing.T) {
	if testing.Short() {
		t.Skip("builds mcpdoctor")
	}
	var cfg struct {
		Builds []struct {
			Main    string   `yaml:"main"`
			Ldflags []string `yaml:"ldflags"`
			GOOS    []string `yaml:"goos"`
			GOARCH  []string `yaml:"goarch"`
		} `yaml:"builds"`
		Checksum struct {
			Algorithm string `yaml:"algorithm"`
		} `yaml:"checksum"`
	}
	if err := yaml.Unmarshal(repoFile(t, ".goreleaser.yaml"), &cfg); err != nil {
		t.Fatal(err)
	}
	if len(cfg.Builds) != 1 {
		t.Fatalf("%d builds, want 1", len(cfg.Builds))
	}
	b := cfg.Builds[0]
	slices.Sort(b.GOOS)
	slices.Sort(b.GOARCH)
	if b.Main != "./cmd/mcpdoctor" || !slices.Equal(b.GOOS, []string{"darwin", "linux", "windows"}) ||
		!slices.Equal(b.GOARCH, []string{"amd64", "arm64"}) || cfg.Checksum.Algorithm != "sha256" {
		t.Errorf("release config %+v, checksum %q", b, cfg.Checksum.Algorithm)
	}
	const tag = "v9.8.7-test"
	ldflags := strings.ReplaceAll(strings.Join(b.Ldflags, " "), "v{{ .Version }}", tag)
	if strings.Contains(ldflags, "{{") || !strings.Contains(ldflags, "-X main.buildVersion="+tag) {
		t.Fatalf("ldflags %q do not stamp main.buildVersion with v{{ .Version }}", ldflags)
	}
	// The release's other flags (-trimpath, CGO_ENABLED=0) change no
	// version, and would rebuild every dependency in the test's cache.
	bin := filepath.Join(t.TempDir(), "mcpdoctor")
	build := exec.Command("go", "build", "-ldflags", ldflags, "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	for args, want := range map[string]string{
		"version":   "mcpdoctor " + tag + " (" + runtime.Version() + ", " + runtime.GOOS + "/" + runtime.GOARCH + ")\n",
		"--version": "mcpdoctor " + tag + "\n",
	} {
		out, err := exec.Command(bin, args).Output()
		if err != nil || string(out) != want {
			t.Errorf("mcpdoctor %s = %q, %v; want %q", args, out, err, want)
		}
	}
}
