package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"
)

// TestGitHubAnnotationOfAHostileProjectKey is issue 25's attack, whole:
// ~/.claude.json names a project whose path holds ESC ] 0 ; … BEL (a
// window title), and validate --format github, run in that project, puts
// the project's key path into an annotation's title. The title must come
// out escaped, as the text output has always shown it.
func TestGitHubAnnotationOfAHostileProjectKey(t *testing.T) {
	home := t.TempDir()
	project := "/work/proj\x1b]0;owned\x07,x:y%"
	doc, _ := json.Marshal(map[string]any{"projects": map[string]any{
		project: map[string]any{"mcpServers": map[string]any{"s": map[string]any{"command": "sh", "bogus": 1}}},
	}})
	if err := os.WriteFile(filepath.Join(home, ".claude.json"), doc, 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"HOME": home}
	var out, errOut bytes.Buffer
	code := run([]string{"validate", "--static", "--format", "github", "--client", "claude-code"}, &IOStreams{
		Out: &out, Err: &errOut,
		Getenv:    func(k string) string { return env[k] },
		LookupEnv: func(k string) (string, bool) { v, ok := env[k]; return v, ok },
		Getwd:     func() (string, error) { return project, nil },
	})
	if code != exitOK {
		t.Fatalf("exit %d: %s%s", code, out.String(), errOut.String())
	}
	for _, r := range out.String() {
		if r != '\n' && (unicode.IsControl(r) || unicode.Is(unicode.Cf, r)) {
			t.Fatalf("the annotations carry %U:\n%q", r, out.String())
		}
	}
	var title string
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		head, _, _ := strings.Cut(strings.TrimPrefix(line, "::"), "::")
		_, props, _ := strings.Cut(head, " ")
		for _, p := range strings.Split(props, ",") {
			if v, ok := strings.CutPrefix(p, "title="); ok && strings.Contains(v, "bogus") {
				title = strings.NewReplacer("%0D", "\r", "%0A", "\n", "%3A", ":", "%2C", ",", "%25", "%").Replace(v)
			}
		}
	}
	want := `mcpdoctor: projects["/work/proj\x1b]0;owned\x07,x:y%"].mcpServers.s.bogus`
	if title != want {
		t.Errorf("the title decodes to %q, want %q\n%s", title, want, out.String())
	}
}
