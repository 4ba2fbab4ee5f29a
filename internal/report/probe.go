package report

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/mcpdoctor/mcpdoctor/internal/evidence"
	"github.com/mcpdoctor/mcpdoctor/internal/probe"
	"github.com/mcpdoctor/mcpdoctor/internal/redact"
	"github.com/mcpdoctor/mcpdoctor/internal/toolcheck"
	"github.com/mcpdoctor/mcpdoctor/internal/wire"
)

// ProbeText is `probe NAME` for people: who the server is, the verdict, each
// stage with its exchanges, the tools, and what to try.
func ProbeText(w io.Writer, e Entry, red *redact.Redactor, st Style) {
	v := forDisplay(View(e, red, Full))
	transport := string(v.Transport.Type)
	if v.Transport.Configured != "" {
		transport += " (configured as " + string(v.Transport.Configured) + ")"
	}
	fmt.Fprintf(w, "%s  %s  %s\n", st.Bold(v.Name), transport, target(v))
	field := func(name, value string) { fmt.Fprintf(w, "  %-8s %s\n", name, value) }
	if v.Server != nil {
		s := v.Server
		field("server", fmt.Sprintf("%s %s (%s)", s.Name, s.Version, protocolText(*s)))
		if len(s.Eras) > 0 {
			field("eras", erasText(s.Eras))
		}
	}
	if v.AuthStatus != "" {
		auth := st.paintAuth(v.AuthStatus)
		if v.Credential != nil {
			sent := "sent"
			if !v.Credential.Sent {
				sent = "not sent"
			}
			auth += fmt.Sprintf(" — %s from %s (%s)", v.Credential.Header, v.Credential.Source, sent)
		}
		if state := loginState(v); state != "" {
			auth += " — " + state
		}
		field("auth", auth)
	}
	if v.CodexAuthStatus != "" {
		codex := v.CodexAuthStatus
		if CodexDisagrees(v.CodexAuthStatus, v.AuthStatus) {
			codex = st.Warn(codex + " (differs from what the server did; see findings)")
		}
		if v.CodexAuthReason != "" {
			codex += " — " + v.CodexAuthReason
		}
		field("codex", codex)
	}
	if v.Healthy == nil {
		// Not started: its client would not start it either.
		field("health", st.Warn("not probed: "+v.Approval.label()))
		lines := approvalLines(v.Approval, st)
		for _, p := range shownProblems(v.Approval, v.ConfigProblems) {
			lines = append(lines, severityMark(string(p.Severity), st)+" "+problemText(p, false))
		}
		fmt.Fprintln(w)
		for _, l := range lines {
			fmt.Fprintln(w, "  "+l)
		}
		return
	}
	health := st.Good("ok")
	if !*v.Healthy {
		health = st.Bad("failed")
	}
	field("health", fmt.Sprintf("%s (%d ms)", health, *v.DurationMS))
	if v.Context != nil {
		context := contextText(*v.Context)
		if v.Context.EstimatedTokens > v.Context.WarnTokens {
			context = st.Warn(context)
		}
		field("context", context)
	}

	fmt.Fprintln(w)
	fmt.Fprintln(w, st.Bold("Stages"))
	for _, s := range v.Stages {
		mark := map[probe.StageStatus]string{"ok": st.Good("✓"), "failed": st.Bad("✗"), "skipped": st.Faint("-")}[s.Status]
		line := fmt.Sprintf("  %s %-26s %6d ms", mark, s.Name, s.DurationMS)
		if s.Note != "" {
			line += "  " + s.Note
		}
		fmt.Fprintln(w, strings.TrimRight(line, " "))
		for _, ex := range s.Exchanges {
			fmt.Fprintln(w, "      "+st.Faint(ex.Summary))
		}
	}
	if v.Failure != nil {
		fmt.Fprintln(w)
		fmt.Fprintf(w, "%s %s failed (%s): %s\n", st.Bad("✗"), v.Failure.Stage, v.Failure.Category, v.Failure.Message)
		if v.Failure.Hint != "" {
			fmt.Fprintln(w, "  try: "+v.Failure.Hint)
		}
	}
	if len(v.StderrTail) > 0 {
		fmt.Fprintln(w)
		fmt.Fprintln(w, st.Bold("Server stderr (last lines)"))
		for _, l := range v.StderrTail {
			fmt.Fprintln(w, "  "+l)
		}
	}
	if v.Server != nil {
		fmt.Fprintln(w)
		fmt.Fprintf(w, "%s (%d)\n", st.Bold("Tools"), len(v.Tools))
		for _, t := range v.Tools {
			desc := firstLine(t.Description)
			if desc != "" {
				desc = "  " + st.Faint(desc)
			}
			fmt.Fprintf(w, "  %s%s\n", t.Name, desc)
		}
	}
	if tc := v.ToolCall; tc != nil {
		fmt.Fprintln(w)
		status := st.Good("ok")
		if tc.IsError {
			status = st.Bad("isError")
		}
		fmt.Fprintf(w, "%s %s: %s\n", st.Bold("Call"), tc.Name, status)
		fmt.Fprintln(w, "  "+clip(string(tc.Content), 2000))
	}
	findings := approvalLines(v.Approval, st)
	for _, p := range shownProblems(v.Approval, v.ConfigProblems) {
		findings = append(findings, severityMark(string(p.Severity), st)+" "+problemText(p, false))
	}
	for _, f := range v.Findings {
		findings = append(findings, severityMark(string(f.Severity), st)+" "+f.Message)
		if f.Hint != "" {
			findings = append(findings, "  try: "+f.Hint)
		}
	}
	if len(findings) > 0 {
		fmt.Fprintln(w)
		fmt.Fprintln(w, st.Bold("Findings"))
		for _, f := range findings {
			fmt.Fprintln(w, "  "+f)
		}
	}
	if len(v.Evidence) > 0 {
		fmt.Fprintln(w)
		fmt.Fprintf(w, "%s (%s)\n", st.Bold("Evidence"), v.AuthStatus)
		for _, ev := range v.Evidence {
			fmt.Fprintln(w, "  "+ev)
		}
	}
	if v.Hint != "" && (v.Failure == nil || v.Hint != v.Failure.Hint) {
		fmt.Fprintln(w)
		fmt.Fprintln(w, "try: "+v.Hint)
	}
}

// contextText says what the tool definitions cost: "~3.4k tokens of tool
// definitions (estimated); biggest: search ~1.2k, fetch ~900".
func contextText(c Context) string {
	out := toolcheck.TokensText(c.EstimatedTokens) + " tokens of tool definitions (estimated)"
	var biggest []string
	for _, b := range c.Biggest {
		biggest = append(biggest, b.Name+" "+toolcheck.TokensText(b.EstimatedTokens))
	}
	if len(biggest) > 0 {
		out += "; biggest: " + strings.Join(biggest, ", ")
	}
	return out
}

// Trace prints one exchange as it happens (--verbose): its summary, the
// headers that matter, and body excerpts, all redacted and printable.
func Trace(w io.Writer, ex evidence.Exchange, red *redact.Redactor) {
	x := forDisplay(exchangeView(ex, red))
	var b strings.Builder
	b.WriteString("trace: " + x.Summary + "\n")
	for _, h := range []map[string]string{x.RequestHeader, x.ResponseHeader} {
		for _, k := range slices.Sorted(maps.Keys(h)) {
			b.WriteString("  " + k + ": " + h[k] + "\n")
		}
	}
	if x.RequestBody != "" {
		b.WriteString("  > " + clip(x.RequestBody, 500) + "\n")
	}
	if x.ResponseBody != "" {
		b.WriteString("  < " + clip(x.ResponseBody, 500) + "\n")
	}
	io.WriteString(w, b.String())
}

func (s Style) paintAuth(status probe.AuthStatus) string { return authPaint(status, s)(string(status)) }

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return clip(s, 80)
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// protocolText says what protocol a server was spoken to in: "protocol
// 2026-07-28, modern; it supports 2026-07-28, 2025-11-25".
func protocolText(s probe.ServerInfo) string {
	out := "protocol " + s.ProtocolVersion
	if s.Era != "" {
		out += ", " + string(s.Era)
	}
	if len(s.SupportedVersions) > 0 {
		out += "; it supports " + strings.Join(s.SupportedVersions, ", ")
	}
	return out
}

// erasText says which eras a server accepts, and so who can use it.
func erasText(eras []wire.Era) string {
	switch {
	case len(eras) > 1:
		return "modern and legacy: every client can use it"
	case eras[0] == wire.EraModern:
		return "modern only: clients that speak only legacy MCP cannot use it"
	}
	return "legacy only: clients that speak only modern MCP cannot use it"
}
