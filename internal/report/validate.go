package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/mcpdoctor/mcpdoctor/internal/config"
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
	summary := fmt.Sprintf("%s: %s, %s", file, verdict, plural(v.Servers, "server"))
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
		props := "file=" + escapeProperty(Printable(p.File, false))
		if p.Line > 0 {
			props += fmt.Sprintf(",line=%d", p.Line)
			if p.Column > 0 {
				props += fmt.Sprintf(",col=%d", p.Column)
			}
		}
		title := "mcpdoctor"
		if k := p.QualifiedKey(); k != "" {
			title += ": " + k
		}
		props += ",title=" + escapeProperty(Printable(title, false))
		// The message may run over lines: the encoding keeps them (%0A).
		fmt.Fprintf(w, "::%s %s::%s\n", p.Severity, props, escapeData(Printable(p.Message, true)))
	}
}

// escapeData and escapeProperty follow the workflow-command encoding
// (actions/toolkit, command.ts): %, CR and LF always; : and , in properties.
func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
