package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/mcpdoctor/mcpdoctor/internal/config"
	"github.com/mcpdoctor/mcpdoctor/internal/redact"
)

// About says where a bug report was made: enough to reproduce it without the
// reporter's machine.
type About struct {
	Version    string `json:"version"`
	GoVersion  string `json:"go_version"`
	OS         string `json:"os"`
	Arch       string `json:"arch"`
	ConfigPath string `json:"config_path"`
}

// BugReport is `report --json`: the same content as the Markdown, as one
// document.
type BugReport struct {
	Mcpdoctor About          `json:"mcpdoctor"`
	Servers   []ServerReport `json:"servers"`
}

// ServerReport is one server's part of a bug report: the contract object
// with every exchange, plus its config entry as TOML and the keys Codex
// ignores.
type ServerReport struct {
	Server
	ConfigEntry string   `json:"config_entry"`
	IgnoredKeys []string `json:"ignored_keys,omitempty"`
	WhatToTry   []string `json:"what_to_try,omitempty"`
}

// NewBugReport builds the report for entries, redacted.
func NewBugReport(about About, entries []Entry, red *redact.Redactor) BugReport {
	about.ConfigPath = red.String(about.ConfigPath)
	br := BugReport{Mcpdoctor: about}
	for _, e := range entries {
		v := View(e, red, Full)
		br.Servers = append(br.Servers, ServerReport{
			Server:      v,
			ConfigEntry: configEntry(e.Server, red),
			IgnoredKeys: ignoredKeys(e.Problems),
			WhatToTry:   whatToTry(v),
		})
	}
	return br
}

// Markdown writes the report so that it can be attached to an issue as it
// is: GitHub renders the tables, the <details> blocks and the code fences.
func Markdown(w io.Writer, br BugReport) {
	m := &mdWriter{w: w}
	a := br.Mcpdoctor
	names := make([]string, len(br.Servers))
	for i, s := range br.Servers {
		names[i] = s.Name
	}
	m.line("# mcpdoctor report: " + strings.Join(names, ", "))
	m.line("")
	m.line("| | |")
	m.line("|---|---|")
	m.row("mcpdoctor", fmt.Sprintf("%s (%s, %s/%s)", a.Version, a.GoVersion, a.OS, a.Arch))
	m.row("config", "`"+a.ConfigPath+"`")
	for _, s := range br.Servers {
		m.server(s)
	}
}

type mdWriter struct{ w io.Writer }

func (m *mdWriter) line(s string) { fmt.Fprintln(m.w, s) }

func (m *mdWriter) row(cells ...string) {
	for i, c := range cells {
		cells[i] = strings.ReplaceAll(strings.ReplaceAll(c, "|", `\|`), "\n", " ")
	}
	m.line("| " + strings.Join(cells, " | ") + " |")
}

// fence writes a code block whose fence cannot be closed by its content.
func (m *mdWriter) fence(lang, body string) {
	f := "```"
	for strings.Contains(body, f) {
		f += "`"
	}
	m.line(f + lang)
	m.line(strings.TrimRight(body, "\n"))
	m.line(f)
}

// collapsible puts long blocks behind <details>, so the report stays
// readable and the evidence stays whole.
func (m *mdWriter) collapsible(summary, lang, body string) {
	if strings.Count(body, "\n") < 15 {
		m.line(summary + ":")
		m.line("")
		m.fence(lang, body)
		return
	}
	m.line("<details><summary>" + htmlEscape(summary) + fmt.Sprintf(" (%d lines)", strings.Count(body, "\n")+1) + "</summary>")
	m.line("")
	m.fence(lang, body)
	m.line("")
	m.line("</details>")
}

func (m *mdWriter) server(s ServerReport) {
	m.line("")
	m.line("## " + s.Name)
	m.line("")
	m.line("| | |")
	m.line("|---|---|")
	transport := s.Transport.Type
	if s.Transport.Configured != "" {
		transport += " (configured as " + s.Transport.Configured + ")"
	}
	m.row("transport", transport)
	m.row("target", "`"+target(s.Server)+"`")
	m.row("enabled", strconv.FormatBool(s.Enabled))
	health := "not probed"
	if s.Healthy != nil {
		health = "ok"
		if !*s.Healthy {
			health = "**failed**"
			if s.Failure != nil {
				health += fmt.Sprintf(": %s failed (%s)", s.Failure.Stage, s.Failure.Category)
			}
		}
	}
	m.row("health", health)
	if s.AuthStatus != "" {
		auth := "`" + s.AuthStatus + "`"
		if state := loginState(s.Server); state != "" {
			auth += ", " + state
		}
		if s.Credential != nil {
			auth += fmt.Sprintf(" (%s from %s)", s.Credential.Header, s.Credential.Source)
		}
		m.row("auth_status", auth)
	}
	if s.CodexAuthStatus != "" {
		codex := "`" + s.CodexAuthStatus + "`"
		if CodexDisagrees(s.CodexAuthStatus, s.AuthStatus) {
			codex += " — differs from what the server did"
		}
		if s.CodexAuthReason != "" {
			codex += "; " + s.CodexAuthReason
		}
		m.row("codex_auth_status", codex)
	}
	if s.Server.Server != nil {
		info := s.Server.Server
		m.row("server", fmt.Sprintf("%s %s, protocol %s", info.Name, info.Version, info.ProtocolVersion))
	}
	if s.Server.Server != nil {
		m.row("tools", strconv.Itoa(len(s.Tools)))
	}
	if s.DurationMS != nil {
		m.row("probe took", fmt.Sprintf("%d ms", *s.DurationMS))
	}

	if s.Failure != nil {
		m.line("")
		m.line(fmt.Sprintf("**%s failed (%s):** %s", s.Failure.Stage, s.Failure.Category, s.Failure.Message))
	}
	if len(s.WhatToTry) > 0 {
		m.line("")
		m.line("### What to try")
		m.line("")
		for _, t := range s.WhatToTry {
			m.line("- " + t)
		}
	}
	if len(s.Findings)+len(s.ConfigProblems) > 0 {
		m.line("")
		m.line("### Findings")
		m.line("")
		for _, p := range s.ConfigProblems {
			m.line(fmt.Sprintf("- %s (config, `%s`): %s", p.Severity, p.Code, problemText(p)))
		}
		for _, f := range s.Findings {
			m.line(fmt.Sprintf("- %s (`%s`): %s", f.Severity, f.Code, f.Message))
		}
	}
	if len(s.Evidence) > 0 {
		m.line("")
		m.line("### Evidence for `" + s.AuthStatus + "`")
		m.line("")
		for _, e := range s.Evidence {
			m.line("- " + e)
		}
	}

	m.line("")
	m.line("### Config entry")
	m.line("")
	m.fence("toml", s.ConfigEntry)
	if len(s.IgnoredKeys) > 0 {
		m.line("")
		m.line("Keys Codex ignores here: `" + strings.Join(s.IgnoredKeys, "`, `") + "`.")
	}

	if len(s.Stages) > 0 {
		m.line("")
		m.line("### Timeline")
		m.line("")
		m.line("| stage | status | duration | note |")
		m.line("|---|---|---|---|")
		for _, st := range s.Stages {
			m.row("`"+st.Name+"`", st.Status, fmt.Sprintf("%d ms", st.DurationMS), st.Note)
		}
		m.exchanges(s.Stages)
	}
	if len(s.StderrTail) > 0 {
		m.line("")
		m.line("### Server stderr (last lines)")
		m.line("")
		m.fence("", strings.Join(s.StderrTail, "\n"))
	}
	if len(s.Tools) > 0 {
		m.line("")
		names := make([]string, len(s.Tools))
		for i, t := range s.Tools {
			names[i] = "`" + t.Name + "`"
		}
		m.line("Tools: " + strings.Join(names, ", "))
	}
}

func (m *mdWriter) exchanges(stages []Stage) {
	any := false
	for _, st := range stages {
		for i, ex := range st.Exchanges {
			if !any {
				m.line("")
				m.line("### Exchanges")
				any = true
			}
			m.line("")
			m.line(fmt.Sprintf("#### %s #%d", st.Name, i+1))
			m.line("")
			m.line("`" + strings.ReplaceAll(ex.Summary, "`", "'") + "`")
			if ex.Note != "" {
				m.line("")
				m.line("Note: " + ex.Note)
			}
			if hs := headerLines(ex.RequestHeader); hs != "" {
				m.line("")
				m.fence("http", "# request headers\n"+hs)
			}
			if hs := headerLines(ex.ResponseHeader); hs != "" {
				m.line("")
				m.fence("http", "# response headers\n"+hs)
			}
			for _, body := range []struct{ name, text string }{{"request", ex.RequestBody}, {"response", ex.ResponseBody}} {
				if body.text == "" {
					continue
				}
				m.line("")
				name := body.name
				if body.name == "response" && ex.Truncated {
					name += " (truncated)"
				}
				lang, text := prettyJSON(body.text)
				m.collapsible(name, lang, text)
			}
		}
	}
}

func headerLines(h map[string]string) string {
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(h)) {
		b.WriteString(k + ": " + h[k] + "\n")
	}
	return b.String()
}

// prettyJSON indents a JSON-RPC message; anything else is shown as it came.
func prettyJSON(s string) (lang, text string) {
	var buf bytes.Buffer
	if json.Indent(&buf, []byte(s), "", "  ") == nil {
		return "json", buf.String()
	}
	return "", s
}

// whatToTry gathers the hints, most important first, without repeats.
func whatToTry(v Server) []string {
	var out []string
	add := func(s string) {
		if s == "" {
			return
		}
		for _, earlier := range out {
			if strings.Contains(earlier, s) {
				return // said already, maybe with more around it
			}
		}
		out = append(out, s)
	}
	if v.Failure != nil {
		add(v.Failure.Hint)
	}
	add(v.Hint)
	for _, f := range v.Findings {
		add(f.Hint)
	}
	for _, p := range v.ConfigProblems {
		if p.Severity == config.SeverityError {
			add("fix `" + p.QualifiedKey() + "` (line " + strconv.Itoa(p.Line) + "): " + p.Message)
		}
	}
	return out
}

func ignoredKeys(ps []config.Problem) []string {
	var keys []string
	for _, p := range ps {
		if p.Code == config.CodeIgnoredKey || p.Code == config.CodeUnknownKey {
			keys = append(keys, p.Key)
		}
	}
	return keys
}

// configEntry re-renders a server's table as TOML, redacted: values from
// the environment are shown by name, literal credentials as <redacted>.
func configEntry(s config.Server, red *redact.Redactor) string {
	var b strings.Builder
	fmt.Fprintf(&b, "[mcp_servers.%s]\n", config.QuoteKey(s.Name))
	str := func(k, v string) {
		if v != "" {
			fmt.Fprintf(&b, "%s = %s\n", k, strconv.Quote(v))
		}
	}
	list := func(k string, vs []string) {
		if vs == nil {
			return
		}
		q := make([]string, len(vs))
		for i, v := range vs {
			q[i] = strconv.Quote(v)
		}
		fmt.Fprintf(&b, "%s = [%s]\n", k, strings.Join(q, ", "))
	}
	table := func(k string, m map[string]string, value func(k, v string) string) {
		if len(m) == 0 {
			return
		}
		keys := slices.Sorted(maps.Keys(m))
		parts := make([]string, len(keys))
		for i, key := range keys {
			parts[i] = config.QuoteKey(key) + " = " + strconv.Quote(value(key, m[key]))
		}
		fmt.Fprintf(&b, "%s = { %s }\n", k, strings.Join(parts, ", "))
	}
	str("command", red.String(s.Command))
	list("args", redactAll(s.Args, red))
	table("env", s.Env, func(string, string) string { return redact.Mask })
	if len(s.EnvVars) > 0 {
		names := make([]string, len(s.EnvVars))
		for i, ev := range s.EnvVars {
			names[i] = ev.Name
			if ev.Source == "remote" {
				names[i] += " (remote)"
			}
		}
		list("env_vars", names)
	}
	str("cwd", red.String(s.Cwd))
	str("url", red.URL(s.URL))
	str("bearer_token_env_var", s.BearerTokenEnvVar)
	table("http_headers", s.HTTPHeaders, red.HeaderValue)
	table("env_http_headers", s.EnvHTTPHeaders, func(_, v string) string { return v })
	fmt.Fprintf(&b, "startup_timeout_sec = %s\n", strconv.FormatFloat(s.StartupTimeout.Seconds(), 'f', -1, 64))
	fmt.Fprintf(&b, "tool_timeout_sec = %s\n", strconv.FormatFloat(s.ToolTimeout.Seconds(), 'f', -1, 64))
	if !s.Enabled {
		b.WriteString("enabled = false\n")
	}
	if s.Required {
		b.WriteString("required = true\n")
	}
	list("enabled_tools", s.EnabledTools)
	list("disabled_tools", s.DisabledTools)
	list("scopes", s.Scopes)
	str("oauth_resource", red.URL(s.OAuthResource))
	if s.OAuthClientID != "" {
		fmt.Fprintf(&b, "oauth = { client_id = %s }\n", strconv.Quote(red.String(s.OAuthClientID)))
	}
	return b.String()
}

func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}
