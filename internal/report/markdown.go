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
	"time"

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
	SchemaVersion int            `json:"schema_version"`
	Mcpdoctor     About          `json:"mcpdoctor"`
	Servers       []ServerReport `json:"servers"`
}

// ServerReport is one server's part of a bug report: the contract object
// with every exchange, plus its config entry in its file's format and the
// keys its client ignores.
type ServerReport struct {
	Server
	ConfigEntry string   `json:"config_entry" display:"block"`
	IgnoredKeys []string `json:"ignored_keys,omitempty"`
	WhatToTry   []string `json:"what_to_try,omitempty"`
}

// NewBugReport builds the report for entries, redacted.
func NewBugReport(about About, entries []Entry, red *redact.Redactor) BugReport {
	about.ConfigPath = red.Field(about.ConfigPath)
	br := BugReport{SchemaVersion: SchemaVersion, Mcpdoctor: about, Servers: []ServerReport{}}
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
// What a server or a config sent is escaped, or fenced, so that it cannot
// add a link, HTML or a heading to the report; its control characters are
// shown as escapes.
func Markdown(w io.Writer, br BugReport) {
	br = forDisplay(br)
	m := &mdWriter{w: w}
	a := br.Mcpdoctor
	names := make([]string, len(br.Servers))
	for i, s := range br.Servers {
		names[i] = esc(s.Name)
	}
	m.line("# mcpdoctor report: " + strings.Join(names, ", "))
	m.line("")
	m.line("| | |")
	m.line("|---|---|")
	m.row("mcpdoctor", esc(fmt.Sprintf("%s (%s, %s/%s)", a.Version, a.GoVersion, a.OS, a.Arch)))
	if a.ConfigPath == "" {
		m.row("config", "none: the server was named on mcpdoctor's command line")
	} else {
		m.row("config", code(a.ConfigPath))
	}
	for _, s := range br.Servers {
		m.server(s)
	}
}

type mdWriter struct{ w io.Writer }

func (m *mdWriter) line(s string) { fmt.Fprintln(m.w, s) }

// row writes a table row of cells that are already Markdown; a pipe in
// one would end the cell, so it is escaped here, code spans included (GFM
// reads "\|" as "|" there too).
func (m *mdWriter) row(cells ...string) {
	for i, c := range cells {
		cells[i] = strings.ReplaceAll(strings.ReplaceAll(c, "|", `\|`), "\n", " ")
	}
	m.line("| " + strings.Join(cells, " | ") + " |")
}

// esc escapes text for Markdown prose: the characters that start code,
// links, images, HTML and character references are backslash-escaped
// (CommonMark: any ASCII punctuation may be), so the text reads as it was
// sent and does nothing else. (Our own lines decide where a heading, list
// or quote starts: the text never begins a line, and its newlines were
// escaped before.)
func esc(s string) string {
	var b strings.Builder
	for _, c := range s {
		if strings.ContainsRune("\\`[]<&", c) {
			b.WriteByte('\\')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// code writes s as an inline code span whose backticks cannot be closed by
// its content (CommonMark, "Code spans").
func code(s string) string {
	fence := "`"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		s = " " + s + " "
	}
	return fence + s + fence
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
	m.line("## " + esc(s.Name))
	m.line("")
	m.line("| | |")
	m.line("|---|---|")
	transport := string(s.Transport.Type)
	if s.Transport.Configured != "" {
		transport += " (configured as " + string(s.Transport.Configured) + ")"
	}
	m.row("transport", esc(transport))
	m.row("target", code(target(s.Server)))
	m.row("enabled", strconv.FormatBool(s.Enabled))
	if !s.Approval.clientStarts() {
		approval := code(string(s.Approval.State)) + " — " + esc(s.Approval.Reason)
		if s.Approval.OptIn != "" {
			approval += esc(" (started all the same: " + s.Approval.OptIn + ")")
		}
		m.row("approval", approval)
	}
	health := "not probed"
	if !s.Approval.started() {
		health = "not probed: " + esc(s.Approval.label())
	}
	if s.Healthy != nil {
		health = "ok"
		if !*s.Healthy {
			health = "**failed**"
			if s.Failure != nil {
				health += esc(fmt.Sprintf(": %s failed (%s)", s.Failure.Stage, s.Failure.Category))
			}
		}
	}
	m.row("health", health)
	if s.AuthStatus != "" {
		auth := code(string(s.AuthStatus))
		if state := loginState(s.Server); state != "" {
			auth += ", " + esc(state)
		}
		if s.Credential != nil {
			auth += esc(fmt.Sprintf(" (%s from %s)", s.Credential.Header, s.Credential.Source))
		}
		m.row("auth_status", auth)
	}
	if s.CodexAuthStatus != "" {
		codex := code(s.CodexAuthStatus)
		if CodexDisagrees(s.CodexAuthStatus, s.AuthStatus) {
			codex += " — differs from what the server did"
		}
		if s.CodexAuthReason != "" {
			codex += "; " + esc(s.CodexAuthReason)
		}
		m.row("codex_auth_status", codex)
	}
	if info := s.Server.Server; info != nil {
		m.row("server", esc(fmt.Sprintf("%s %s, %s", info.Name, info.Version, protocolText(*info))))
		if len(info.Eras) > 0 {
			m.row("eras", esc(erasText(info.Eras)))
		}
		m.row("tools", strconv.Itoa(len(s.Tools)))
		if s.Context != nil {
			m.row("context", esc(contextText(*s.Context)))
		}
	}
	if s.DurationMS != nil {
		m.row("probe took", fmt.Sprintf("%d ms", *s.DurationMS))
	}

	if s.Failure != nil {
		m.line("")
		m.line(fmt.Sprintf("**%s failed (%s):** %s", esc(string(s.Failure.Stage)), esc(string(s.Failure.Category)), esc(s.Failure.Message)))
	}
	if len(s.WhatToTry) > 0 {
		m.line("")
		m.line("### What to try")
		m.line("")
		for _, t := range s.WhatToTry {
			m.line("- " + esc(t))
		}
	}
	if len(s.Findings)+len(s.ConfigProblems) > 0 {
		m.line("")
		m.line("### Findings")
		m.line("")
		for _, p := range s.ConfigProblems {
			m.line(fmt.Sprintf("- %s (config, %s): %s", esc(string(p.Severity)), code(string(p.Code)), esc(problemText(p, false))))
		}
		for _, f := range s.Findings {
			m.line(fmt.Sprintf("- %s (%s): %s", esc(string(f.Severity)), code(f.Code), esc(f.Message)))
		}
	}
	if len(s.Evidence) > 0 {
		m.line("")
		m.line("### Evidence for " + code(string(s.AuthStatus)))
		m.line("")
		for _, e := range s.Evidence {
			m.line("- " + esc(e))
		}
	}

	m.line("")
	m.line("### Config entry")
	m.line("")
	lang := "toml"
	switch {
	case strings.HasPrefix(s.ConfigEntry, "mcpdoctor "):
		lang = "sh"
	case !strings.HasPrefix(s.ConfigEntry, "["):
		lang = "jsonc"
	}
	m.fence(lang, s.ConfigEntry)
	if len(s.IgnoredKeys) > 0 {
		keys := make([]string, len(s.IgnoredKeys))
		for i, k := range s.IgnoredKeys {
			keys[i] = code(k)
		}
		m.line("")
		m.line("Keys " + s.Source.Client.Title() + " ignores here: " + strings.Join(keys, ", ") + ".")
	}

	if len(s.Stages) > 0 {
		m.line("")
		m.line("### Timeline")
		m.line("")
		m.line("| stage | status | duration | note |")
		m.line("|---|---|---|---|")
		for _, st := range s.Stages {
			m.row(code(st.Name), esc(string(st.Status)), fmt.Sprintf("%d ms", st.DurationMS), esc(st.Note))
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
			names[i] = code(t.Name)
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
			m.line(fmt.Sprintf("#### %s #%d", esc(st.Name), i+1))
			m.line("")
			m.line(code(ex.Summary))
			if ex.Note != "" {
				m.line("")
				m.line("Note: " + esc(ex.Note))
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
	if !v.Approval.started() {
		if v.Approval.Approve != "" {
			add("approve it: " + v.Approval.Approve)
		}
		add("or, once you have read the entry, probe it anyway: mcpdoctor report " + v.Name + " --trust-project")
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

// configEntry re-renders a server's entry in its file's own format,
// redacted: values from the environment are shown by name, literal
// credentials masked. Codex's is TOML; the others' JSON.
func configEntry(s config.Server, red *redact.Redactor) string {
	switch s.Client() {
	case config.ClientCodex:
		return codexEntry(s, red)
	case config.ClientCommandLine:
		return commandLineEntry(s, red)
	}
	return jsonEntry(s, red)
}

// commandLineEntry shows a server named on mcpdoctor's command line as
// the command that named it, redacted: variables by name, values
// passed as text masked.
func commandLineEntry(s config.Server, red *redact.Redactor) string {
	args := []string{"mcpdoctor", "probe"}
	if s.Transport == config.TransportStdio {
		for _, e := range s.Env {
			args = append(args, "--env", e.Name+"="+redact.Mask)
		}
		for _, f := range s.Forward {
			args = append(args, "--env", f.Name)
		}
		if s.Cwd.Written != "" {
			args = append(args, "--cwd", red.Field(s.Cwd.Written))
		}
		args = append(args, "--", red.Field(s.Command.Written))
		args = append(args, red.Args(written(s.Args))...)
		return shellWords(args) + "\n"
	}
	args = append(args, red.URL(s.URL.Written))
	if s.Transport == config.TransportSSE {
		args = append(args, "--transport", "sse")
	}
	for _, h := range s.Headers {
		if refs := h.Value.Refs(); h.Key == config.KeyBearerEnvFlag && len(refs) == 1 {
			args = append(args, "--bearer-env", refs[0].Name)
			continue
		}
		name := h.Name
		args = append(args, "--header", name+": "+shownValue(h.Value, func(v string) string { return red.SentHeader(name, v) }, red.Text))
	}
	return shellWords(args) + "\n"
}

// shellWords joins words as a POSIX shell reads them back: each that
// holds anything but plain characters in single quotes.
func shellWords(words []string) string {
	out := make([]string, len(words))
	for i, w := range words {
		if w != "" && strings.Trim(w, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=@%+,") == "" {
			out[i] = w
			continue
		}
		out[i] = "'" + strings.ReplaceAll(w, "'", `'\''`) + "'"
	}
	return strings.Join(out, " ")
}

// headersByKey shows the headers that come from one key.
func headersByKey(s config.Server, key string, red *redact.Redactor) map[string]string {
	m := map[string]string{}
	for _, h := range s.HeaderByKey(key) {
		name := h.Name
		m[name] = shownValue(h.Value, func(v string) string { return red.SentHeader(name, v) }, red.Text)
	}
	return m
}

func codexEntry(s config.Server, red *redact.Redactor) string {
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
	table := func(k string, m map[string]string) {
		if len(m) == 0 {
			return
		}
		keys := slices.Sorted(maps.Keys(m))
		parts := make([]string, len(keys))
		for i, key := range keys {
			parts[i] = config.QuoteKey(key) + " = " + strconv.Quote(m[key])
		}
		fmt.Fprintf(&b, "%s = { %s }\n", k, strings.Join(parts, ", "))
	}
	str("command", red.Field(s.Command.Written))
	list("args", red.Args(written(s.Args)))
	env := map[string]string{}
	for _, e := range s.Env {
		env[e.Name] = redact.Mask
	}
	table("env", env)
	if len(s.Forward) > 0 {
		names := make([]string, len(s.Forward))
		for i, ev := range s.Forward {
			names[i] = ev.Name
			if ev.Source == "remote" {
				names[i] += " (remote)"
			}
		}
		list("env_vars", names)
	}
	str("cwd", red.Field(s.Cwd.Written))
	str("url", red.URL(s.URL.Written))
	for _, h := range s.HeaderByKey("bearer_token_env_var") {
		if refs := h.Value.Refs(); len(refs) > 0 {
			str("bearer_token_env_var", refs[0].Name)
		}
	}
	table("http_headers", headersByKey(s, "http_headers", red))
	fromEnv := map[string]string{}
	for _, h := range s.HeaderByKey("env_http_headers") {
		if refs := h.Value.Refs(); len(refs) > 0 {
			fromEnv[h.Name] = refs[0].Name
		}
	}
	table("env_http_headers", fromEnv)
	if h := s.HeadersHelper; h != nil {
		str("http_headers_helper", redact.Mask)
	}
	// A timeout the entry leaves to Codex is shown as a comment, so that
	// the report does not claim the user wrote it.
	timeout := func(key string, d time.Duration, written bool) {
		line := key + " = " + strconv.FormatFloat(d.Seconds(), 'f', -1, 64)
		if !written {
			line = "# " + line + " (Codex's default)"
		}
		b.WriteString(line + "\n")
	}
	timeout("startup_timeout_sec", s.StartupTimeout, s.Written("startup_timeout_sec") || s.Written("startup_timeout_ms"))
	timeout("tool_timeout_sec", s.ToolTimeout, s.Written("tool_timeout_sec"))
	if !s.Enabled {
		b.WriteString("enabled = false\n")
	}
	if s.Required {
		b.WriteString("required = true\n")
	}
	list("enabled_tools", red.Fields(s.EnabledTools))
	list("disabled_tools", red.Fields(s.DisabledTools))
	list("scopes", red.Fields(s.OAuth.Scopes))
	str("oauth_resource", red.URL(s.OAuth.Resource))
	if s.OAuth.ClientID != "" {
		fmt.Fprintf(&b, "oauth = { client_id = %s }\n", strconv.Quote(red.Field(s.OAuth.ClientID)))
	}
	return b.String()
}

// jsonEntry shows the entry of a JSON or YAML client in the neutral
// model's terms, as JSON: what the reader understood, which is what the
// probe used.
func jsonEntry(s config.Server, red *redact.Redactor) string {
	t := transportView(s, red)
	entry := map[string]any{"transport": t.Type}
	if t.Type == config.TransportStdio {
		entry["command"] = t.Command
		if t.Args != nil {
			entry["args"] = t.Args
		}
		if t.Env != nil {
			entry["env"] = t.Env
		}
		if t.Cwd != "" {
			entry["cwd"] = t.Cwd
		}
	} else {
		entry["url"] = t.URL
		if t.Headers != nil {
			entry["headers"] = t.Headers
		}
	}
	if s.HeadersHelper != nil {
		entry[s.HeadersHelper.Key] = redact.Mask
	}
	if !s.Enabled {
		entry["enabled"] = false
	}
	data, _ := json.MarshalIndent(map[string]any{s.Entry(): entry}, "", "  ")
	return fmt.Sprintf("// %s, %s:%d\n%s\n", s.Client().Title(), red.Field(s.Source.File), s.Source.Line, data)
}

func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}
