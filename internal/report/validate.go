package report

import (
	"cmp"
	"fmt"
	"io"
	"strings"

	"github.com/mcpdoctor/mcpdoctor/internal/config"
	"github.com/mcpdoctor/mcpdoctor/internal/evidence"
	"github.com/mcpdoctor/mcpdoctor/internal/printable"
	"github.com/mcpdoctor/mcpdoctor/internal/redact"
)

// Validation is `validate --json`.
type Validation struct {
	SchemaVersion int    `json:"schema_version"`
	File          string `json:"file"`
	// Client is the client whose rules the file was read by.
	Client   string           `json:"client,omitempty"`
	Valid    bool             `json:"valid"`
	Servers  int              `json:"servers"`
	Errors   int              `json:"errors"`
	Warnings int              `json:"warnings"`
	Problems []config.Problem `json:"problems"`
}

// NewValidation summarises the problems of one file.
func NewValidation(path string, servers int, problems []config.Problem, red *redact.Redactor) Validation {
	v := Validation{SchemaVersion: SchemaVersion, File: path, Servers: servers, Problems: redactProblems(problems, red)}
	v.Errors, v.Warnings = countProblems(problems)
	v.Valid = v.Errors == 0
	return v
}

// ValidateText prints problems as compilers do, then a one-line verdict.
func ValidateText(w io.Writer, v Validation, st Style) {
	v = forDisplay(v)
	for _, p := range v.Problems {
		line := p.String()
		switch p.Severity {
		case config.SeverityError:
			line = strings.Replace(line, ": error: ", ": "+st.Bad("error")+": ", 1)
		case config.SeverityWarning:
			line = strings.Replace(line, ": warning: ", ": "+st.Warn("warning")+": ", 1)
		}
		fmt.Fprintln(w, line)
	}
	verdict := st.Good("valid")
	if !v.Valid {
		verdict = st.Bad("invalid")
	}
	file := v.File
	if v.Client != "" && v.Client != string(config.ClientCodex) {
		file += " (" + config.Client(v.Client).Title() + ")"
	}
	summary := fmt.Sprintf("%s: %s, %s", file, verdict, evidence.Count(v.Servers, "server"))
	if v.Errors+v.Warnings > 0 {
		summary += ", " + problemCount(v.Errors, v.Warnings)
	}
	fmt.Fprintln(w, summary)
}

// ValidateGitHub prints GitHub Actions workflow commands, so a CI job marks
// each problem on its line
// (docs.github.com: "Workflow commands for GitHub Actions", error/warning).
// Every property and the message take the printing rule first (a property
// as one line), then the workflow-command encoding: text from the config
// (a key path, a server's name) can neither reach the log's terminal
// codes nor end a property or the command.
func ValidateGitHub(w io.Writer, v Validation) {
	for _, p := range v.Problems {
		githubProblem(w, p)
	}
}

// ListGitHub is `list --format github`: each server's config problems at
// their place, and what its probe found at the server's entry.
func ListGitHub(w io.Writer, entries []Entry, red *redact.Redactor) {
	for _, e := range entries {
		v := View(e, red, Summary)
		for _, p := range v.ConfigProblems {
			githubProblem(w, p)
		}
		at := func(severity, msg, hint string) {
			if hint != "" {
				msg += "\ntry: " + hint
			}
			githubAnnotation(w, severity, v.Source.File, v.Source.Line, v.Source.Column, "mcpdoctor: "+v.Name, msg)
		}
		if f := v.Failure; f != nil {
			at("error", string(f.Stage)+" failed ("+string(f.Category)+"): "+f.Message, cmp.Or(f.Hint, v.Hint))
		}
		for _, f := range v.Findings {
			at(string(f.Severity), f.Message, f.Hint)
		}
	}
}

// ErrorGitHub is what a --format github command prints when it fails
// without a result: one error annotation, so the failure shows on the run.
func ErrorGitHub(w io.Writer, doc ErrorDocument) {
	githubAnnotation(w, "error", "", 0, 0, "mcpdoctor", doc.Error.Message)
}

func githubProblem(w io.Writer, p config.Problem) {
	title := "mcpdoctor"
	if k := p.QualifiedKey(); k != "" {
		title += ": " + k
	}
	githubAnnotation(w, string(p.Severity), p.File, p.Line, p.Column, title, p.Message)
}

// githubAnnotation writes one workflow command: ::error, ::warning, or
// ::notice for what is only worth knowing.
func githubAnnotation(w io.Writer, severity, file string, line, column int, title, message string) {
	command := severity
	if command != "error" && command != "warning" {
		command = "notice"
	}
	// The workflow-command encoding keeps newlines; other control
	// characters would reach the log as they are.
	var props []string
	if file != "" {
		props = append(props, "file="+escapeProperty(printable.Text(file, false)))
		if line > 0 {
			props = append(props, fmt.Sprintf("line=%d", line))
			if column > 0 {
				props = append(props, fmt.Sprintf("col=%d", column))
			}
		}
	}
	props = append(props, "title="+escapeProperty(printable.Text(title, false)))
	fmt.Fprintf(w, "::%s %s::%s\n", command, strings.Join(props, ","), escapeData(printable.Text(message, true)))
}

// escapeData and escapeProperty follow the workflow-command encoding
// (actions/toolkit, command.ts): %, CR and LF always; : and , in properties.
func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
