package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/mcpdoctor/mcpdoctor/internal/config"
	"github.com/mcpdoctor/mcpdoctor/internal/printable"
)

// annotation is one workflow command, decoded as the runner decodes it
// (actions/toolkit, command.ts).
type annotation struct {
	command string
	props   map[string]string
	message string
}

// parseAnnotation reads "::COMMAND k=v,k=v::MESSAGE": properties end at
// the first "::" (a property's own colons are %3A), split at commas (a
// property's own are %2C), and each value and the message are unescaped.
func parseAnnotation(t *testing.T, line string) annotation {
	t.Helper()
	rest, ok := strings.CutPrefix(line, "::")
	if !ok {
		t.Fatalf("not a workflow command: %q", line)
	}
	head, message, ok := strings.Cut(rest, "::")
	if !ok {
		t.Fatalf("no message: %q", line)
	}
	command, props, _ := strings.Cut(head, " ")
	a := annotation{command: command, props: map[string]string{}, message: unescapeWorkflow(message)}
	for _, p := range strings.Split(props, ",") {
		k, v, ok := strings.Cut(p, "=")
		if !ok {
			t.Fatalf("property without a value %q in %q", p, line)
		}
		a.props[k] = unescapeWorkflow(v)
	}
	return a
}

func unescapeWorkflow(s string) string {
	return strings.NewReplacer("%0D", "\r", "%0A", "\n", "%3A", ":", "%2C", ",", "%25", "%").Replace(s)
}

// TestValidateGitHubEscapesTextFromTheConfig: issue 25's project key
// holding ESC ] 0 ; … BEL, and a server name and key path with
// invisible characters, commas, colons, percent signs and newlines, are
// printed by the rule, then encoded: one line per problem, no control or
// invisible character in it, and every property decodes to the printed
// text.
func TestValidateGitHubEscapesTextFromTheConfig(t *testing.T) {
	project := "/home/u/x\x1b]0;owned\x07"
	problems := []config.Problem{
		{Severity: config.SeverityWarning, Code: "x", File: "/home/u/.claude.json", Line: 4, Column: 9,
			Table: `projects["` + project + `"].mcpServers`, Server: "s", Key: "bogus", Message: "unknown key"},
		{Severity: config.SeverityError, Code: "x", File: "a,b:c%.json\n::error::forged", Line: 1, Column: 1,
			Server: "t,1:2%\n::warning::forged\u200b\U000E0041", Key: "k\ufe01", Message: "50% off\r\n::error::forged\x1b[2J"},
	}
	var buf bytes.Buffer
	ValidateGitHub(&buf, NewValidation("c.json", 2, problems, nil))
	out := buf.String()
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != len(problems) {
		t.Fatalf("%d lines for %d problems:\n%s", len(lines), len(problems), out)
	}
	for i, line := range lines {
		if bad := leaks(line, false); len(bad) > 0 {
			t.Errorf("line %d shows %v: %q", i+1, bad, line)
		}
		a := parseAnnotation(t, line)
		p := problems[i]
		if a.command != string(p.Severity) {
			t.Errorf("command %q, want %q", a.command, p.Severity)
		}
		want := map[string]string{"file": printable.Text(p.File, false), "title": printable.Text("mcpdoctor: "+p.QualifiedKey(), false)}
		for k, v := range want {
			if a.props[k] != v {
				t.Errorf("line %d: %s decodes to %q, want %q", i+1, k, a.props[k], v)
			}
			if bad := leaks(a.props[k], false); len(bad) > 0 {
				t.Errorf("line %d: %s holds %v once decoded: %q", i+1, k, bad, a.props[k])
			}
		}
		if a.message != printable.Text(p.Message, true) {
			t.Errorf("line %d: message decodes to %q, want %q", i+1, a.message, printable.Text(p.Message, true))
		}
	}
	if !strings.Contains(lines[0], `title=mcpdoctor%3A projects["/home/u/x\x1b]0;owned\x07"].mcpServers.s.bogus`) {
		t.Errorf("the project key is not shown escaped in the title: %q", lines[0])
	}
}
