package report

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/mcpdoctor/mcpdoctor/internal/config"
	"github.com/mcpdoctor/mcpdoctor/internal/evidence"
	"github.com/mcpdoctor/mcpdoctor/internal/redact"
	"github.com/mcpdoctor/mcpdoctor/internal/schematest"
)

// parsedSARIF is what the tests read back from a log, declared here rather
// than borrowed from sarif.go, so that a field the writer misnames is seen.
type parsedSARIF struct {
	Version string `json:"version"`
	Runs    []struct {
		Tool struct {
			Driver struct {
				Name    string `json:"name"`
				Version string `json:"version"`
				Rules   []struct {
					ID               string `json:"id"`
					ShortDescription struct {
						Text string `json:"text"`
					} `json:"shortDescription"`
					Help struct {
						Text string `json:"text"`
					} `json:"help"`
				} `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		Invocations []struct {
			ExecutionSuccessful bool `json:"executionSuccessful"`
			ExitCode            *int `json:"exitCode"`
			Notifications       []struct {
				Level   string `json:"level"`
				Message struct {
					Text string `json:"text"`
				} `json:"message"`
			} `json:"toolExecutionNotifications"`
		} `json:"invocations"`
		Artifacts []struct {
			Location struct {
				URI string `json:"uri"`
			} `json:"location"`
		} `json:"artifacts"`
		Results []struct {
			RuleID    string `json:"ruleId"`
			RuleIndex int    `json:"ruleIndex"`
			Level     string `json:"level"`
			Message   struct {
				Text string `json:"text"`
			} `json:"message"`
			Locations []struct {
				PhysicalLocation struct {
					ArtifactLocation struct {
						URI   string `json:"uri"`
						Index *int   `json:"index"`
					} `json:"artifactLocation"`
					Region *struct {
						StartLine   int `json:"startLine"`
						StartColumn int `json:"startColumn"`
					} `json:"region"`
				} `json:"physicalLocation"`
			} `json:"locations"`
			Properties map[string]string `json:"properties"`
		} `json:"results"`
	} `json:"runs"`
}

// readSARIF validates out against the official SARIF 2.1.0 schema, then
// parses it, and checks what every log must hold: one run by mcpdoctor,
// each result's rule at its index, each location's file among the
// artifacts at its index.
func readSARIF(t *testing.T, out []byte) parsedSARIF {
	t.Helper()
	if err := schematest.Validate(schematest.SARIF, out); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	var log parsedSARIF
	if err := json.Unmarshal(out, &log); err != nil {
		t.Fatal(err)
	}
	if log.Version != "2.1.0" || len(log.Runs) != 1 || log.Runs[0].Tool.Driver.Name != "mcpdoctor" {
		t.Fatalf("want one run of mcpdoctor in SARIF 2.1.0:\n%s", out)
	}
	run := log.Runs[0]
	for i, r := range run.Results {
		rules := run.Tool.Driver.Rules
		if r.RuleIndex < 0 || r.RuleIndex >= len(rules) || rules[r.RuleIndex].ID != r.RuleID {
			t.Errorf("result %d: ruleIndex %d does not point at rule %s", i, r.RuleIndex, r.RuleID)
		}
		for _, l := range r.Locations {
			a := l.PhysicalLocation.ArtifactLocation
			if a.Index == nil || *a.Index >= len(run.Artifacts) || run.Artifacts[*a.Index].Location.URI != a.URI {
				t.Errorf("result %d: artifact index does not point at %s", i, a.URI)
			}
		}
	}
	seen := map[string]bool{}
	for _, r := range run.Tool.Driver.Rules {
		if seen[r.ID] {
			t.Errorf("rule %s is listed twice", r.ID)
		}
		seen[r.ID] = true
		if r.ShortDescription.Text == "" || r.Help.Text == "" {
			t.Errorf("rule %s has no description or help", r.ID)
		}
	}
	return log
}

// TestValidateSARIF: a config with errors and warnings, in two files, one
// of them clean, as code scanning gets it: located results, the right
// levels, each code's rule with its help, no secret, text carried exactly.
func TestValidateSARIF(t *testing.T) {
	const secret = "sk-live-4f3c2b1a9e8d7766"
	f := config.ParseCodex("dir with space/config.toml", []byte(`[mcp_servers.todo]
url = "ftp://example.com/mcp"
type = "http"
env = { KEY = "`+secret+`" }
`))
	red := redact.New()
	red.Add(f.Servers[0].Secrets(config.Lookup{})...)
	problems := append(f.Problems, config.Problem{Severity: config.SeverityError, Code: config.CodeEnvUnset, File: f.Path, Line: 4, Column: 1,
		Server: "todo", Key: "env", Message: "leaks " + secret + " and carries \x1b[31m and ✓ exactly"})
	config.SortProblems(problems)
	vs := []Validation{
		NewValidation(f.Path, len(f.Servers), problems, red),
		NewValidation("clean.json", 2, nil, red),
	}
	vs[0].Client = string(config.ClientCodex)
	var buf bytes.Buffer
	if err := ValidateSARIF(&buf, vs, "v1.2.3"); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), secret) {
		t.Fatalf("the SARIF log leaks the secret:\n%s", buf.String())
	}
	log := readSARIF(t, buf.Bytes())
	run := log.Runs[0]
	if run.Tool.Driver.Version != "v1.2.3" {
		t.Errorf("driver version %q, want v1.2.3", run.Tool.Driver.Version)
	}
	var uris []string
	for _, a := range run.Artifacts {
		uris = append(uris, a.Location.URI)
	}
	if strings.Join(uris, " ") != "dir%20with%20space/config.toml clean.json" {
		t.Errorf("artifacts %q, want the file with problems and the clean one", uris)
	}
	if len(run.Results) != len(problems) || len(problems) < 3 {
		t.Fatalf("%d results for %d problems", len(run.Results), len(problems))
	}
	levels := map[string]int{}
	for i, r := range run.Results {
		p := problems[i]
		levels[r.Level]++
		if r.RuleID != string(p.Code) || r.Level != string(p.Severity) {
			t.Errorf("result %d: %s %s, want %s %s", i, r.RuleID, r.Level, p.Code, p.Severity)
		}
		if len(r.Locations) != 1 {
			t.Fatalf("result %d has %d locations, want 1", i, len(r.Locations))
		}
		pl := r.Locations[0].PhysicalLocation
		if pl.ArtifactLocation.URI != "dir%20with%20space/config.toml" || pl.Region == nil || pl.Region.StartLine != p.Line || pl.Region.StartColumn != p.Column || p.Line == 0 {
			t.Errorf("result %d at %+v, want line %d column %d of the config", i, pl, p.Line, p.Column)
		}
		if !strings.HasPrefix(r.Message.Text, p.QualifiedKey()+": ") || r.Properties["server"] != p.Server || r.Properties["client"] != "codex" {
			t.Errorf("result %d: message %q, properties %v", i, r.Message.Text, r.Properties)
		}
	}
	if levels["error"] == 0 || levels["warning"] == 0 {
		t.Errorf("levels %v, want errors and warnings", levels)
	}
	last := run.Results[len(run.Results)-1]
	if want := "mcp_servers.todo.env: leaks <redacted> and carries \x1b[31m and ✓ exactly"; last.Message.Text != want {
		t.Errorf("message %q, want %q", last.Message.Text, want)
	}
	var help string
	for _, r := range run.Tool.Driver.Rules {
		if r.ID == config.CodeEnvUnset {
			help = r.Help.Text
		}
	}
	if help != rules[config.CodeEnvUnset].Help {
		t.Errorf("env_unset's rule help %q, want the catalogue's", help)
	}
}

// TestListSARIF: what a probe found sits at the server's entry, with the
// level of its severity (info is a note), and a failed probe is an error.
func TestListSARIF(t *testing.T) {
	es := entries()
	es[0].Result.Findings = []evidence.Finding{
		{Code: "oauth_advertised_not_required", Severity: evidence.SeverityInfo, Message: "offered, not required"},
		{Code: "codex_hides_tools", Severity: evidence.SeverityWarning, Message: "hidden", Hint: "log in"},
	}
	var buf bytes.Buffer
	if err := ListSARIF(&buf, es, redactor(es), "dev"); err != nil {
		t.Fatal(err)
	}
	assertNoSecrets(t, buf.String())
	run := readSARIF(t, buf.Bytes()).Runs[0]
	type got struct{ rule, level, text string }
	var results []got
	for _, r := range run.Results {
		if len(r.Locations) != 1 || r.Locations[0].PhysicalLocation.ArtifactLocation.URI != "config.toml" || r.Locations[0].PhysicalLocation.Region == nil {
			t.Errorf("%s is not located in config.toml: %+v", r.RuleID, r.Locations)
			continue
		}
		results = append(results, got{r.RuleID, r.Level, r.Message.Text})
		line := r.Locations[0].PhysicalLocation.Region.StartLine
		switch server := r.Properties["server"]; server {
		case "todo":
			if line != es[0].Server.Source.Line {
				t.Errorf("%s at line %d, want todo's entry at %d", r.RuleID, line, es[0].Server.Source.Line)
			}
		case "crash":
			if line != es[1].Server.Source.Line || r.Properties["category"] != "process_exit" {
				t.Errorf("%s at line %d (%v), want crash's entry at %d", r.RuleID, line, r.Properties, es[1].Server.Source.Line)
			}
		}
	}
	want := []got{
		{"oauth_advertised_not_required", "note", "todo: offered, not required"},
		{"codex_hides_tools", "warning", "todo: hidden\ntry: log in"},
		{ruleProbeFailed, "error", "crash: initialize failed (process_exit): the server exited with status 1 before answering initialize\ntry: run the command yourself to see why"},
	}
	// The config problems of the entries come first, then the probe's.
	var probed []got
	for _, r := range results {
		if r.rule != "oauth_advertised_not_required" && r.rule != "codex_hides_tools" && r.rule != ruleProbeFailed {
			continue
		}
		probed = append(probed, r)
	}
	if len(probed) != len(want) {
		t.Fatalf("probe results %+v, want %+v", probed, want)
	}
	for i := range want {
		if probed[i] != want[i] {
			t.Errorf("result %d: %+v, want %+v", i, probed[i], want[i])
		}
	}
}

// TestErrorSARIF: a command that fails before it has results still prints
// one valid log, whose invocation failed with the message.
func TestErrorSARIF(t *testing.T) {
	var buf bytes.Buffer
	if err := ErrorSARIF(&buf, NewError("cannot read x.json: "+tokenValue, ErrorConfig, 2, redact.New(tokenValue)), "dev"); err != nil {
		t.Fatal(err)
	}
	inv := readSARIF(t, buf.Bytes()).Runs[0].Invocations
	if len(inv) != 1 || inv[0].ExecutionSuccessful || inv[0].ExitCode == nil || *inv[0].ExitCode != 2 ||
		len(inv[0].Notifications) != 1 || inv[0].Notifications[0].Message.Text != "cannot read x.json: <redacted>" {
		t.Errorf("invocations %+v", inv)
	}
}

func TestArtifactURI(t *testing.T) {
	for path, want := range map[string]string{
		".mcp.json":               ".mcp.json",
		"./.cursor/mcp.json":      ".cursor/mcp.json",
		"a b/c#d?.json":           "a%20b/c%23d%3F.json",
		"c:weird.json":            "./c:weird.json",
		"/home/u/.codex/x.toml":   "file:///home/u/.codex/x.toml",
		"../other/opencode.jsonc": "../other/opencode.jsonc",
	} {
		if got := artifactURI(path); got != want {
			t.Errorf("artifactURI(%q) = %q, want %q", path, got, want)
		}
	}
}

// rawAnnotation is one workflow command, read back as it is: ::CMD PROPS::DATA.
type rawAnnotation struct {
	command string
	props   map[string]string
	data    string
}

func parseAnnotations(t *testing.T, out string) []rawAnnotation {
	t.Helper()
	var as []rawAnnotation
	for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		rest, ok := strings.CutPrefix(line, "::")
		head, data, ok2 := strings.Cut(rest, "::")
		command, props, _ := strings.Cut(head, " ")
		if !ok || !ok2 {
			t.Fatalf("not a workflow command: %q", line)
		}
		a := rawAnnotation{command: command, props: map[string]string{}, data: data}
		for _, p := range strings.Split(props, ",") {
			k, v, _ := strings.Cut(p, "=")
			a.props[k] = v
		}
		as = append(as, a)
	}
	return as
}

// TestListGitHub: findings and failures are annotations on the server's
// entry: info as a notice, a failed probe as an error.
func TestListGitHub(t *testing.T) {
	es := entries()
	es[0].Result.Findings = []evidence.Finding{{Code: "legacy_only", Severity: evidence.SeverityInfo, Message: "legacy, 100%"}}
	var buf bytes.Buffer
	ListGitHub(&buf, es, redactor(es))
	assertNoSecrets(t, buf.String())
	var probed []rawAnnotation
	for _, a := range parseAnnotations(t, buf.String()) {
		if a.props["file"] != "config.toml" || a.props["line"] == "" {
			t.Errorf("annotation not located in config.toml: %+v", a)
		}
		if strings.HasPrefix(a.props["title"], "mcpdoctor%3A mcp_servers.") {
			continue // a config problem, as validate prints it
		}
		probed = append(probed, a)
	}
	todoLine, crashLine := strconv.Itoa(es[0].Server.Source.Line), strconv.Itoa(es[1].Server.Source.Line)
	if len(probed) != 2 ||
		probed[0].command != "notice" || probed[0].props["line"] != todoLine || probed[0].props["title"] != "mcpdoctor%3A todo" || probed[0].data != "legacy, 100%25" ||
		probed[1].command != "error" || probed[1].props["line"] != crashLine || !strings.HasPrefix(probed[1].data, "initialize failed (process_exit)") || !strings.Contains(probed[1].data, "%0Atry: ") {
		t.Errorf("probe annotations %+v", probed)
	}
}
