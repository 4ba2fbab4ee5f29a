package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/mcpdoctor/mcpdoctor/internal/config"
	"github.com/mcpdoctor/mcpdoctor/internal/evidence"
	"github.com/mcpdoctor/mcpdoctor/internal/probe"
	"github.com/mcpdoctor/mcpdoctor/internal/redact"
	"github.com/mcpdoctor/mcpdoctor/internal/toolcheck"
)

// WriteJSON writes v as indented JSON without HTML escaping, so "<redacted>"
// and "→" read as they are. v is a view, redacted already: nothing stands
// between the encoder and w.
func WriteJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// ListJSON is `list --json`: an array with one object per configured server,
// disabled ones included.
func ListJSON(w io.Writer, entries []Entry, red *redact.Redactor) error {
	views := make([]Server, 0, len(entries))
	for _, e := range entries {
		views = append(views, View(e, red, Summary))
	}
	return WriteJSON(w, views)
}

// ListStream writes `list --json` an entry at a time, in the order of the
// config, as entries become ready: the bytes are those ListJSON writes for
// the same entries, so a script cannot tell, except that the first ones
// arrive sooner.
type ListStream struct {
	// Before, when set, gets each entry just before it is written, in the
	// config's order: the moment every earlier entry is final, for what
	// compares an entry with those before it.
	Before func(e *Entry)

	w       io.Writer
	red     *redact.Redactor
	n, next int
	// ready holds entries that came before an earlier one.
	ready  map[int]Entry
	closed bool
}

// NewListStream starts the array of n entries.
func NewListStream(w io.Writer, red *redact.Redactor, n int) *ListStream {
	return &ListStream{w: w, red: red, n: n, ready: map[int]Entry{}}
}

// Put hands over entry i, and writes every entry that is now next in
// order.
func (s *ListStream) Put(i int, e Entry) error {
	s.ready[i] = e
	for {
		e, ok := s.ready[s.next]
		if !ok {
			return nil
		}
		delete(s.ready, s.next)
		if s.Before != nil {
			s.Before(&e)
		}
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		enc.SetIndent("  ", "  ")
		if err := enc.Encode(View(e, s.red, Summary)); err != nil {
			return err
		}
		sep := ",\n  "
		if s.next == 0 {
			sep = "[\n  "
		}
		s.next++
		// Written as it is, not copied: one entry may be megabytes.
		if _, err := io.WriteString(s.w, sep); err != nil {
			return err
		}
		if _, err := s.w.Write(bytes.TrimSuffix(b.Bytes(), []byte("\n"))); err != nil {
			return err
		}
	}
}

// Close ends the array. Entries that never came are left out: the array
// stays one document when a run is cut short.
func (s *ListStream) Close() error {
	if s.closed {
		return nil
	}
	s.closed = true
	end := "\n]\n"
	if s.next == 0 {
		end = "[]\n"
	}
	_, err := io.WriteString(s.w, end)
	return err
}

// ListTable is `list` for people: one row per server, then what went wrong
// and what to try, server by server.
func ListTable(w io.Writer, entries []Entry, red *redact.Redactor, st Style) {
	if len(entries) == 0 {
		fmt.Fprintln(w, "No MCP servers are configured.")
		return
	}
	probed := false
	for _, e := range entries {
		probed = probed || e.Result != nil
	}
	l := layoutOf(entries)
	// Each entry is redacted once: a server's tool list may be megabytes.
	views := make([]Server, len(entries))
	for i, e := range entries {
		views[i] = forDisplay(View(e, red, Summary))
	}
	if probed {
		probedTable(w, entries, views, st, l)
	} else {
		staticTable(w, entries, views, st, l)
	}
	notes(w, entries, views, st, l)
}

// layout says what the table needs to show: where each server is
// configured, when they come from more than one file; what Codex would
// say, when a server is Codex's.
type layout struct {
	sources, codex bool
}

func layoutOf(entries []Entry) layout {
	var l layout
	files := map[string]bool{}
	for _, e := range entries {
		files[string(e.Server.Client())+" "+e.Server.Source.File] = true
		l.codex = l.codex || e.Server.Client() == config.ClientCodex
	}
	l.sources = len(files) > 1
	return l
}

// source is the SOURCE cell: the client and the scope of the file.
func source(s config.Server) string {
	if s.Source.Scope == "" {
		return string(s.Client())
	}
	return string(s.Client()) + " " + s.Source.Scope
}

// header is a row's texts.
func header(cells []cell) []string {
	out := make([]string, len(cells))
	for i, c := range cells {
		out[i] = c.text
	}
	return out
}

// row builds a table row, leaving out the columns the layout drops.
func (l layout) row(name, src, transport cell, middle []cell, codex cell, rest ...cell) []cell {
	r := []cell{name}
	if l.sources {
		r = append(r, src)
	}
	r = append(r, transport)
	r = append(r, middle...)
	if l.codex {
		r = append(r, codex)
	}
	return append(r, rest...)
}

func probedTable(w io.Writer, entries []Entry, views []Server, st Style, l layout) {
	t := table{header: header(l.row(plain("NAME"), plain("SOURCE"), plain("TRANSPORT"), []cell{plain("PROTOCOL"), plain("AUTH")}, plain("CODEX SAYS"), plain("HEALTH"), plain("TOOLS"), plain("CONTEXT"), plain("FINDINGS"), plain("TARGET")))}
	disagree := false
	for i, e := range entries {
		v := views[i]
		if e.Result == nil {
			health := cell{text: "disabled", paint: st.Faint}
			switch {
			case !v.Approval.started():
				health = cell{text: v.Approval.label(), paint: st.Warn}
			case e.Server.Enabled:
				health = cell{text: "invalid", paint: st.Bad}
			}
			t.add(l.row(plain(v.Name), plain(source(e.Server)), plain(string(v.Transport.Type)), []cell{plain("-"), plain("-")}, plain(dash(v.CodexAuthStatus)), health, plain("-"), plain("-"), plain("-"), plain(target(v)))...)
			continue
		}
		auth := cell{text: string(v.AuthStatus), paint: authPaint(v.AuthStatus, st)}
		if state := loginState(v); state != "" {
			auth.text += " (" + state + ")"
		}
		codex := plain(dash(v.CodexAuthStatus))
		if CodexDisagrees(v.CodexAuthStatus, v.AuthStatus) {
			codex = cell{text: v.CodexAuthStatus + " *", paint: st.Warn}
			disagree = true
		}
		health := cell{text: "ok", paint: st.Good}
		if !*v.Healthy {
			health = cell{text: "failed", paint: st.Bad}
			if v.Failure != nil {
				health.text = "failed: " + string(v.Failure.Category)
			}
		}
		tools, protocol := "-", "-"
		if v.Server != nil {
			tools, protocol = strconv.Itoa(len(v.Tools)), v.Server.ProtocolVersion
		}
		t.add(l.row(plain(v.Name), plain(source(e.Server)), plain(string(v.Transport.Type)), []cell{plain(protocol), auth}, codex, health, plain(tools),
			contextCell(v.Context, st), findingsCell(v.Findings, st), plain(target(v)))...)
	}
	t.write(w, st)
	if total := contextTotal(entries, views); total != "" {
		fmt.Fprintln(w, total)
	}
	if disagree {
		fmt.Fprintln(w, st.Warn("* Codex would show a different status from what the server did; see the notes below."))
	}
}

func staticTable(w io.Writer, entries []Entry, views []Server, st Style, l layout) {
	l.codex = false // no probe, nothing Codex would say
	t := table{header: header(l.row(plain("NAME"), plain("SOURCE"), plain("TRANSPORT"), []cell{plain("ENABLED"), plain("STARTUP"), plain("TOOL CALL"), plain("PROBLEMS")}, cell{}, plain("TARGET")))}
	for i, e := range entries {
		v := views[i]
		enabled := cell{text: "yes"}
		switch {
		case !v.Enabled:
			enabled = cell{text: "no", paint: st.Faint}
		case !v.Approval.started():
			// Enabled, but its client waits for the user first.
			enabled = cell{text: v.Approval.label(), paint: st.Warn}
		}
		problems := plain("-")
		if errs, warns := countProblems(e.Problems); errs+warns > 0 {
			problems = cell{text: problemCount(errs, warns), paint: st.Warn}
			if errs > 0 {
				problems.paint = st.Bad
			}
		}
		t.add(l.row(plain(v.Name), plain(source(e.Server)), plain(string(v.Transport.Type)), []cell{enabled,
			plain(seconds(v.Timeouts.StartupSec)), plain(seconds(v.Timeouts.ToolSec)), problems}, cell{}, plain(target(v)))...)
	}
	t.write(w, st)
}

// contextCell is the CONTEXT cell: the estimated tokens of the server's
// tool definitions, marked when over the threshold that warns.
func contextCell(c *Context, st Style) cell {
	if c == nil {
		return plain("-")
	}
	out := plain(toolcheck.TokensText(c.EstimatedTokens))
	if c.EstimatedTokens > c.WarnTokens {
		out.paint = st.Warn
	}
	return out
}

// findingsCell is the FINDINGS cell: how many, painted by the worst.
func findingsCell(fs []evidence.Finding, st Style) cell {
	if len(fs) == 0 {
		return plain("-")
	}
	c := plain(strconv.Itoa(len(fs)))
	worst := slices.MaxFunc(fs, func(a, b evidence.Finding) int { return a.Severity.Rank() - b.Severity.Rank() })
	switch worst.Severity {
	case evidence.SeverityError:
		c.paint = st.Bad
	case evidence.SeverityWarning:
		c.paint = st.Warn
	}
	return c
}

// contextTotal is the line under the table that adds the servers' tool
// definitions up, per client: each client loads its own servers' tools
// into its model's context, and no other's.
func contextTotal(entries []Entry, views []Server) string {
	type sum struct{ tokens, servers int }
	sums := map[config.Client]*sum{}
	var order []config.Client
	for i, e := range entries {
		c := views[i].Context
		if c == nil {
			continue
		}
		client := e.Server.Client()
		if sums[client] == nil {
			sums[client] = &sum{}
			order = append(order, client)
		}
		sums[client].tokens += c.EstimatedTokens
		sums[client].servers++
	}
	if len(order) == 0 {
		return ""
	}
	var parts []string
	for _, client := range order {
		s := sums[client]
		part := fmt.Sprintf("%s tokens from %s", toolcheck.TokensText(s.tokens), evidence.Count(s.servers, "server"))
		if len(order) > 1 {
			part = string(client) + " " + part
		}
		parts = append(parts, part)
	}
	return "Tool definitions in the model's context (estimated, bytes ÷ " + strconv.Itoa(toolcheck.BytesPerToken) + "): " + strings.Join(parts, "; ") + "."
}

// shownToolFindings is how many findings about single tools the notes
// under the table show per server; `probe NAME` shows them all.
const shownToolFindings = 5

// worstToolFindings keeps a server's findings but for its tools', of
// which it keeps the shownToolFindings most severe (in their order within
// a severity), and says how many it left out.
func worstToolFindings(fs []evidence.Finding) (kept []evidence.Finding, more int) {
	var about []evidence.Finding
	for _, f := range fs {
		if f.Tool == "" {
			kept = append(kept, f)
		} else {
			about = append(about, f)
		}
	}
	slices.SortStableFunc(about, func(a, b evidence.Finding) int { return b.Severity.Rank() - a.Severity.Rank() })
	if len(about) > shownToolFindings {
		more, about = len(about)-shownToolFindings, about[:shownToolFindings]
	}
	return append(kept, about...), more
}

// notes lists, under the table, what each server's row cannot say: config
// problems, the failure and what to try, findings.
func notes(w io.Writer, entries []Entry, views []Server, st Style, l layout) {
	for i, e := range entries {
		v := views[i]
		lines := approvalLines(v.Approval, st)
		for _, p := range shownProblems(v.Approval, v.ConfigProblems) {
			lines = append(lines, severityMark(string(p.Severity), st)+" "+problemText(p, l.sources))
		}
		if v.Failure != nil {
			lines = append(lines, st.Bad("✗")+" "+string(v.Failure.Stage)+" failed ("+string(v.Failure.Category)+"): "+v.Failure.Message)
			if v.Failure.Hint != "" {
				lines = append(lines, "  try: "+v.Failure.Hint)
			}
		}
		findings, more := worstToolFindings(v.Findings)
		for _, f := range findings {
			lines = append(lines, severityMark(string(f.Severity), st)+" "+f.Message)
			if f.Hint != "" {
				lines = append(lines, "  try: "+f.Hint)
			}
		}
		if more > 0 {
			lines = append(lines, fmt.Sprintf("  … and %s more about its tools: mcpdoctor probe %s shows them all", evidence.Count(more, "finding"), v.Name))
		}
		if v.Hint != "" && (v.Failure == nil || !strings.Contains(v.Failure.Hint, v.Hint)) {
			lines = append(lines, "  try: "+v.Hint)
		}
		if len(lines) == 0 {
			continue
		}
		fmt.Fprintln(w)
		heading := st.Bold(v.Name) + ":"
		if l.sources {
			heading = st.Bold(v.Name) + " (" + source(e.Server) + ", " + v.Source.File + "):"
		}
		fmt.Fprintln(w, heading)
		for _, l := range lines {
			fmt.Fprintln(w, "  "+l)
		}
	}
}

// problemText is a problem without its file name, which the user knows
// when there is one file.
func problemText(p config.Problem, withFile bool) string {
	loc := ""
	switch {
	case withFile && p.Line > 0:
		loc = fmt.Sprintf("%s:%d: ", p.File, p.Line)
	case p.Line > 0:
		loc = fmt.Sprintf("line %d: ", p.Line)
	}
	key := p.Key
	if key != "" {
		key += ": "
	}
	return loc + key + p.Message
}

func severityMark(sev string, st Style) string {
	switch sev {
	case "error":
		return st.Bad("✗")
	case "warning":
		return st.Warn("!")
	}
	return st.Faint("·")
}

func authPaint(status probe.AuthStatus, st Style) func(string) string {
	switch status {
	case "none", "bearer":
		return st.Good
	case "oauth":
		return st.Warn
	}
	return st.Bad
}

func countProblems(ps []config.Problem) (errs, warns int) {
	for _, p := range ps {
		if p.Severity == config.SeverityError {
			errs++
		} else {
			warns++
		}
	}
	return
}

func problemCount(errs, warns int) string {
	var parts []string
	if errs > 0 {
		parts = append(parts, evidence.Count(errs, "error"))
	}
	if warns > 0 {
		parts = append(parts, evidence.Count(warns, "warning"))
	}
	return strings.Join(parts, ", ")
}

func seconds(s float64) string {
	return strconv.FormatFloat(s, 'f', -1, 64) + "s"
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func target(v Server) string {
	if v.Transport.URL != "" {
		return v.Transport.URL
	}
	return strings.TrimSpace(v.Transport.Command + " " + strings.Join(v.Transport.Args, " "))
}

// CodexDisagrees reports whether Codex's status misrepresents what the
// server did: Codex's vocabulary differs from ours, so compare meanings.
func CodexDisagrees(codex string, measured probe.AuthStatus) bool {
	switch codex {
	case "":
		return false
	case "unsupported":
		// Codex says this for stdio (fine) and for HTTP servers it could not
		// classify; it hides nothing then, unless the server works with a
		// credential.
		return measured == "bearer" || measured == "oauth"
	case "bearer_token":
		return measured != "bearer"
	case "o_auth":
		return measured != "oauth"
	case "not_logged_in":
		return measured != "oauth"
	}
	return false
}
