package config

import (
	"fmt"
	"sort"
	"strings"

	"github.com/mcpdoctor/mcpdoctor/internal/evidence"
)

// Severity says whether a client would refuse the config (error) or accept
// it while doing something the user probably did not mean (warning): the
// one severity of problems and findings alike.
type Severity = evidence.Severity

const (
	SeverityError   = evidence.SeverityError
	SeverityWarning = evidence.SeverityWarning
)

// Code names a kind of problem: a stable string that tests, SARIF rules
// and `validate --json` users match.
type Code string

// Problem codes.
const (
	CodeUnreadable        Code = "unreadable"
	CodeSyntax                 = "syntax"
	CodeType                   = "type"
	CodeInvalidName            = "invalid_name"
	CodeNoTransport            = "no_transport"
	CodeWrongTransport         = "field_not_for_transport"
	CodeBearerToken            = "bearer_token_unsupported"
	CodeNegativeTimeout        = "invalid_timeout"
	CodeIgnoredKey             = "ignored_key"
	CodeUnknownKey             = "unknown_key"
	CodeInvalidURL             = "invalid_url"
	CodeInvalidValue           = "invalid_value"
	CodeEnvUnset               = "env_unset"
	CodeEnvEmpty               = "env_empty"
	CodeHeaderEnvUnset         = "header_env_unset"
	CodeCommandNotFound        = "command_not_found"
	CodeCwdMissing             = "cwd_missing"
	CodeForwardedEnvUnset      = "env_var_unset"
	CodeVariableUnset          = "variable_unset"
	CodeVariableWithheld       = "variable_withheld"
	CodeInputUnfilled          = "input_unfilled"
	CodeFileUnreadable         = "file_unreadable"
	CodeRemoteEnvVar           = "env_var_remote"
	CodeClientRefuses          = "client_refuses"
	CodeShadowed               = "shadowed"
	CodeNotLoaded              = "not_loaded"
	CodeHeadersHelper          = "headers_helper"
	CodeUnsupported            = "unsupported_transport"
	CodeStrictJSON             = "not_strict_json"
	CodeTooLarge               = "too_large"
	CodeTooDeep                = "too_deep"
	CodeDuplicateKey           = "duplicate_key"
)

// Problem is one thing wrong with a config, located as precisely as the file
// allows.
type Problem struct {
	Severity Severity `json:"severity"`
	Code     Code     `json:"code"`
	File     string   `json:"file"`
	Line     int      `json:"line,omitempty"`
	Column   int      `json:"column,omitempty"`
	Server   string   `json:"server,omitempty"`
	// Key is the dotted key inside the server's table ("args", "oauth.client_id").
	Key     string `json:"key,omitempty"`
	Message string `json:"message"`
	// Table is where the file keeps its servers, for QualifiedKey:
	// "mcp_servers" (Codex, the default), "mcpServers", "servers". It is
	// set on every problem of a server whose name is "".
	Table string `json:"-"`
}

// String renders the problem the way compilers do, so editors and terminals
// can jump to it: "config.toml:12:1: error: mcp_servers.docs.url: …".
func (p Problem) String() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.File == "" {
		// A server named on the command line has no file.
		b.WriteString("command line")
	}
	if p.Line > 0 {
		fmt.Fprintf(&b, ":%d", p.Line)
		if p.Column > 0 {
			fmt.Fprintf(&b, ":%d", p.Column)
		}
	}
	fmt.Fprintf(&b, ": %s: ", p.Severity)
	if k := p.QualifiedKey(); k != "" {
		b.WriteString(k)
		b.WriteString(": ")
	}
	b.WriteString(p.Message)
	return b.String()
}

// QualifiedKey is the key as written in the file: mcp_servers.NAME.KEY,
// mcpServers.NAME.KEY.
func (p Problem) QualifiedKey() string {
	if p.Server == "" && p.Table == "" {
		return p.Key // not a server's: the file's own
	}
	var k string
	switch p.Table {
	case commandLineTable:
		return p.Key // a flag: --header, --env
	case "":
		k = "mcp_servers." + QuoteKey(p.Server)
	case topLevel:
		k = QuoteKey(p.Server)
	default:
		k = p.Table + "." + QuoteKey(p.Server)
	}
	if p.Key != "" {
		k += "." + p.Key
	}
	return k
}

// QuoteKey quotes a TOML key when it is not a bare key.
func QuoteKey(k string) string {
	if k != "" && strings.Trim(k, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") == "" {
		return k
	}
	return fmt.Sprintf("%q", k)
}

// commandLineTable is the Table of a server named on the command line,
// which has no file: its keys are flags.
const commandLineTable = "command line"

// topLevel is the Table of servers kept at the top of a file.
const topLevel = "."

// HasErrors reports whether any problem is an error.
func HasErrors(ps []Problem) bool {
	for _, p := range ps {
		if p.Severity == SeverityError {
			return true
		}
	}
	return false
}

// SortProblems orders problems as they appear in the file, so output is
// stable and reads top to bottom.
func SortProblems(ps []Problem) {
	sort.SliceStable(ps, func(i, j int) bool {
		if ps[i].File != ps[j].File {
			return ps[i].File < ps[j].File
		}
		if ps[i].Line != ps[j].Line {
			return ps[i].Line < ps[j].Line
		}
		return ps[i].Column < ps[j].Column
	})
}
