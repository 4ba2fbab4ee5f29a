package report

import (
	"io"
	"strings"

	"github.com/mcpdoctor/mcpdoctor/internal/printable"
	"github.com/mcpdoctor/mcpdoctor/internal/redact"
)

// Error categories: what kind of failure stopped a command before it had a
// result to print. A script tells them apart by the category, not the
// message.
const (
	// ErrorUsage: the command line is wrong (an unknown flag or server
	// name, a bad value).
	ErrorUsage = "usage"
	// ErrorConfig: the config cannot be found, read or parsed.
	ErrorConfig = "config"
	// ErrorLogin: a login or logout did not happen.
	ErrorLogin = "login"
	// ErrorInternal: mcpdoctor itself failed; a bug to report.
	ErrorInternal = "internal"
)

// ErrorDocument is what a --json command prints when it fails without a
// result: an object with an error member, so a script can tell it from a
// result (schema/error.schema.json).
type ErrorDocument struct {
	SchemaVersion int         `json:"schema_version"`
	Error         ErrorDetail `json:"error"`
}

// ErrorDetail says what went wrong.
type ErrorDetail struct {
	Message  string `json:"message"`
	Category string `json:"category"`
	// ExitStatus is the status the command exits with.
	ExitStatus int `json:"exit_status"`
}

// NewError builds the error document, its message redacted as text.
func NewError(message, category string, exitStatus int, red *redact.Redactor) ErrorDocument {
	return ErrorDocument{SchemaVersion: SchemaVersion, Error: ErrorDetail{Message: red.Text(message), Category: category, ExitStatus: exitStatus}}
}

// ErrorText prints an error for a person: "mcpdoctor: …", redacted and
// printed as one line, since it may quote a config or a server, whose
// text must not start a line of its own. The lines after it are the
// error's own ("Try: …"), each printed as one line too.
func ErrorText(w io.Writer, red *redact.Redactor, message string, more ...string) {
	var b strings.Builder
	b.WriteString("mcpdoctor: " + printable.Text(red.Text(message), false) + "\n")
	for _, line := range more {
		b.WriteString(printable.Text(red.Text(line), false) + "\n")
	}
	io.WriteString(w, b.String())
}
