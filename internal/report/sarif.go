package report

import (
	"cmp"
	"io"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/mcpdoctor/mcpdoctor/internal/config"
	"github.com/mcpdoctor/mcpdoctor/internal/evidence"
	"github.com/mcpdoctor/mcpdoctor/internal/redact"
)

// SARIF is the Static Analysis Results Interchange Format, version 2.1.0
// (OASIS Standard, https://docs.oasis-open.org/sarif/sarif/v2.1.0/), which
// GitHub code scanning and other CI dashboards read
// (github/codeql-action/upload-sarif). One log holds one run of
// mcpdoctor: the tool with a rule for each code it reports, the files it
// read, and a result for each problem or finding, located at its file,
// line and column.
//
// The log is built from the views, which are redacted already; text from
// a config or a server is carried exactly, as in every JSON output.

// sarifSchemaURI is the schema the log declares (SARIF §3.13.3), the
// OASIS one; the tests validate against a copy of it.
const sarifSchemaURI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

// informationURI is where a reader of the log learns about mcpdoctor.
const informationURI = "https://github.com/mcpdoctor/mcpdoctor"

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool        sarifTool         `json:"tool"`
	Invocations []sarifInvocation `json:"invocations"`
	Artifacts   []sarifArtifact   `json:"artifacts,omitempty"`
	Results     []sarifResult     `json:"results"`
	// ColumnKind: config columns count characters, not SARIF's default
	// UTF-16 code units (§3.14.17).
	ColumnKind string `json:"columnKind"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID               string        `json:"id"`
	ShortDescription sarifMessage  `json:"shortDescription"`
	FullDescription  sarifMessage  `json:"fullDescription"`
	Help             sarifMessage  `json:"help"`
	Properties       sarifRuleTags `json:"properties"`
}

// sarifRuleTags: GitHub code scanning filters alerts by a rule's tags.
type sarifRuleTags struct {
	Tags []string `json:"tags"`
}

type sarifMessage struct {
	Text string `json:"text"`
}

type sarifInvocation struct {
	ExecutionSuccessful bool                `json:"executionSuccessful"`
	ExitCode            *int                `json:"exitCode,omitempty"`
	Notifications       []sarifNotification `json:"toolExecutionNotifications,omitempty"`
}

type sarifNotification struct {
	Level   string       `json:"level"`
	Message sarifMessage `json:"message"`
}

type sarifArtifact struct {
	Location sarifArtifactLocation `json:"location"`
}

type sarifArtifactLocation struct {
	URI   string `json:"uri"`
	Index *int   `json:"index,omitempty"`
}

type sarifResult struct {
	RuleID     string            `json:"ruleId"`
	RuleIndex  int               `json:"ruleIndex"`
	Level      string            `json:"level"`
	Message    sarifMessage      `json:"message"`
	Locations  []sarifLocation   `json:"locations,omitempty"`
	Properties sarifResultDetail `json:"properties,omitzero"`
}

// sarifResultDetail is what the message says in words, as fields: which
// server, which key, whose rules.
type sarifResultDetail struct {
	Server string `json:"server,omitempty"`
	Key    string `json:"key,omitempty"`
	Client string `json:"client,omitempty"`
	// Category is a failed probe's failure category.
	Category string `json:"category,omitempty"`
	// Tool is the tool a finding is about, and Clients the clients whose
	// rules it breaks (internal/toolcheck).
	Tool    string   `json:"tool,omitempty"`
	Clients []string `json:"clients,omitempty"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysicalLocation `json:"physicalLocation"`
}

type sarifPhysicalLocation struct {
	ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
	Region           *sarifRegion          `json:"region,omitempty"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn,omitempty"`
}

// sarifBuilder gathers one run: rules and artifacts are listed once each,
// and results refer to them by index.
type sarifBuilder struct {
	run       sarifRun
	ruleIndex map[string]int
	artifact  map[string]int
}

func newSARIF(version string) *sarifBuilder {
	return &sarifBuilder{
		run: sarifRun{
			Tool:        sarifTool{Driver: sarifDriver{Name: "mcpdoctor", Version: version, InformationURI: informationURI, Rules: []sarifRule{}}},
			Invocations: []sarifInvocation{{ExecutionSuccessful: true}},
			Results:     []sarifResult{},
			ColumnKind:  "unicodeCodePoints",
		},
		ruleIndex: map[string]int{},
		artifact:  map[string]int{},
	}
}

// rule returns the index of code's rule, adding it on first use; tag says
// what reports it (config, probe).
func (b *sarifBuilder) rule(code, tag string) int {
	if i, ok := b.ruleIndex[code]; ok {
		return i
	}
	r := RuleFor(code)
	b.run.Tool.Driver.Rules = append(b.run.Tool.Driver.Rules, sarifRule{
		ID:               r.ID,
		ShortDescription: sarifMessage{Text: r.Title},
		FullDescription:  sarifMessage{Text: r.Help},
		Help:             sarifMessage{Text: r.Help},
		Properties:       sarifRuleTags{Tags: []string{"mcp", tag}},
	})
	i := len(b.run.Tool.Driver.Rules) - 1
	b.ruleIndex[code] = i
	return i
}

// file lists a file that was read and returns its location; "" is no file.
func (b *sarifBuilder) file(path string) *sarifArtifactLocation {
	if path == "" {
		return nil
	}
	uri := artifactURI(path)
	i, ok := b.artifact[uri]
	if !ok {
		i = len(b.run.Artifacts)
		b.run.Artifacts = append(b.run.Artifacts, sarifArtifact{Location: sarifArtifactLocation{URI: uri}})
		b.artifact[uri] = i
	}
	return &sarifArtifactLocation{URI: uri, Index: &i}
}

// add records a result at file:line:column.
func (b *sarifBuilder) add(code, tag, level, message, file string, line, column int, detail sarifResultDetail) {
	r := sarifResult{RuleID: code, RuleIndex: b.rule(code, tag), Level: level, Message: sarifMessage{Text: message}, Properties: detail}
	if loc := b.file(file); loc != nil {
		pl := sarifPhysicalLocation{ArtifactLocation: *loc}
		if line > 0 {
			pl.Region = &sarifRegion{StartLine: line}
			if column > 0 {
				pl.Region.StartColumn = column
			}
		}
		r.Locations = []sarifLocation{{PhysicalLocation: pl}}
	}
	b.run.Results = append(b.run.Results, r)
}

// problem records a config problem; its message starts with the key as
// the file writes it, as validate's text does.
func (b *sarifBuilder) problem(p config.Problem, client string) {
	msg := p.Message
	if k := p.QualifiedKey(); k != "" {
		msg = k + ": " + msg
	}
	b.add(string(p.Code), "config", sarifLevel(string(p.Severity)), msg, p.File, p.Line, p.Column,
		sarifResultDetail{Server: p.Server, Key: p.Key, Client: client})
}

func (b *sarifBuilder) write(w io.Writer) error {
	return WriteJSON(w, sarifLog{Schema: sarifSchemaURI, Version: "2.1.0", Runs: []sarifRun{b.run}})
}

// sarifLevel maps a severity to a SARIF level (§3.27.10): info is a note.
func sarifLevel(severity string) string {
	switch severity {
	case string(evidence.SeverityError):
		return "error"
	case string(evidence.SeverityWarning):
		return "warning"
	}
	return "note"
}

// artifactURI turns a path as the user gave it into a SARIF artifact URI
// (§3.4.3): a relative path stays relative, with forward slashes, which
// GitHub resolves against the repository's root; an absolute one becomes
// a file URI. Characters that are not allowed in a URI are escaped.
func artifactURI(path string) string {
	if filepath.IsAbs(path) {
		p := filepath.ToSlash(path)
		if !strings.HasPrefix(p, "/") {
			p = "/" + p // C:/… on Windows
		}
		return (&url.URL{Scheme: "file", Path: p}).String()
	}
	return (&url.URL{Path: filepath.ToSlash(filepath.Clean(path))}).String()
}

// ValidateSARIF is `validate --format sarif`: one run over every file
// validated, a result for each problem. version is mcpdoctor's.
func ValidateSARIF(w io.Writer, vs []Validation, version string) error {
	b := newSARIF(version)
	for _, v := range vs {
		b.file(v.File) // listed even when it has no problem: it was checked
		for _, p := range v.Problems {
			b.problem(p, v.Client)
		}
	}
	return b.write(w)
}

// ListSARIF is `list --format sarif`: each server's config problems at
// their place, and what its probe found (findings, a failure) at the
// server's entry in its file.
func ListSARIF(w io.Writer, entries []Entry, red *redact.Redactor, version string) error {
	b := newSARIF(version)
	for _, e := range entries {
		v := View(e, red, Summary)
		client := string(v.Source.Client)
		b.file(v.Source.File)
		for _, p := range v.ConfigProblems {
			b.problem(p, client)
		}
		at := func(code, level, msg, hint string, detail sarifResultDetail) {
			if hint != "" {
				msg += "\ntry: " + hint
			}
			detail.Server, detail.Client = v.Name, client
			b.add(code, "probe", level, v.Name+": "+msg, v.Source.File, v.Source.Line, v.Source.Column, detail)
		}
		if f := v.Failure; f != nil {
			at(ruleProbeFailed, "error", string(f.Stage)+" failed ("+string(f.Category)+"): "+f.Message, cmp.Or(f.Hint, v.Hint), sarifResultDetail{Category: string(f.Category)})
		}
		for _, f := range v.Findings {
			at(f.Code, sarifLevel(string(f.Severity)), f.Message, f.Hint, sarifResultDetail{Tool: f.Tool, Clients: f.Clients})
		}
	}
	return b.write(w)
}

// ErrorSARIF is what a --format sarif command prints when it fails
// without a result: a run whose invocation failed, with the message as
// its notification (§3.20.21), so that the output is still one log.
func ErrorSARIF(w io.Writer, doc ErrorDocument, version string) error {
	b := newSARIF(version)
	code := doc.Error.ExitStatus
	b.run.Invocations = []sarifInvocation{{
		ExecutionSuccessful: false,
		ExitCode:            &code,
		Notifications:       []sarifNotification{{Level: "error", Message: sarifMessage{Text: doc.Error.Message}}},
	}}
	return b.write(w)
}
