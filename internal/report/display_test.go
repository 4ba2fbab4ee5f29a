package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mcpdoctor/mcpdoctor/internal/codex"
	"github.com/mcpdoctor/mcpdoctor/internal/config"
	"github.com/mcpdoctor/mcpdoctor/internal/evidence"
	"github.com/mcpdoctor/mcpdoctor/internal/printable"
	"github.com/mcpdoctor/mcpdoctor/internal/probe"
	"github.com/mcpdoctor/mcpdoctor/internal/redact"
	"github.com/mcpdoctor/mcpdoctor/internal/wire"
)

// hostile is what an unkind server sends: a screen clear, a window title,
// a clipboard write (OSC 52), a hidden link (OSC 8), a carriage return
// that overwrites the line, a bidi override, C1 CSI, DEL and a bad byte;
// and text a reader cannot see: tag characters spelling "run", variation
// selectors, a soft hyphen, U+180E, a Hangul filler, a zero-width space.
const hostile = "ok\x1b[2J\x1b]0;pwned\x07\x1b]52;c;ZXZpbA==\x07\x1b]8;;https://evil\x07link\x1b]8;;\x07\rfake\u202eevil\u009b31m\x7f\xff" +
	"\U000E0072\U000E0075\U000E006E\ufe01\U000E0101\u00ad\u180e\u3164\u200b"

// fill sets every string reachable from v to s, through pointers, slices
// and maps (one element each), so a test can cover fields nobody listed.
func fill(v reflect.Value, s string) {
	switch v.Kind() {
	case reflect.String:
		v.SetString(s)
	case reflect.Pointer:
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		fill(v.Elem(), s)
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(v.Field(i), s)
			}
		}
	case reflect.Slice:
		if v.Type() == rawMessageType {
			b, _ := json.Marshal(s)
			v.SetBytes(b)
			return
		}
		v.Set(reflect.MakeSlice(v.Type(), 1, 1))
		fill(v.Index(0), s)
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
		fill(k, s)
		fill(e, s)
		m.SetMapIndex(k, e)
		v.Set(m)
	}
}

// rawControls lists what a terminal would act on or a reader could not
// see, each character judged alone by the rule of internal/printable
// (tested there against the list of issue 25); newlines and tabs count
// only where not allowed.
func rawControls(s string, allowNewlines bool) []string { return leaks(s, allowNewlines) }

func leaks(s string, block bool) []string {
	var bad []string
	for _, r := range s {
		if c := string(r); printable.Text(c, block) != c {
			bad = append(bad, fmt.Sprintf("%U", r))
		}
	}
	return bad
}

// TestForDisplayCoversEveryString fills every string of every view with
// control characters and checks that the display copy shows none of them,
// and that the view itself still carries them (JSON gets the exact text).
func TestForDisplayCoversEveryString(t *testing.T) {
	for _, view := range []any{&Server{}, &ServerReport{}, &BugReport{}, &Validation{}, &Login{}, &evidence.Exchange{}} {
		v := reflect.ValueOf(view).Elem()
		fill(v, hostile+"\nsecond line")
		shown := printableValue(v, false)
		var walk func(v reflect.Value, block bool, path string)
		walk = func(v reflect.Value, block bool, path string) {
			switch v.Kind() {
			case reflect.String:
				if bad := rawControls(v.String(), block); len(bad) > 0 {
					t.Errorf("%T%s shows %q", view, path, bad)
				}
			case reflect.Pointer:
				if !v.IsNil() {
					walk(v.Elem(), block, path)
				}
			case reflect.Struct:
				for i := range v.NumField() {
					if f := v.Type().Field(i); f.IsExported() {
						walk(v.Field(i), f.Tag.Get("display") == "block", path+"."+f.Name)
					}
				}
			case reflect.Slice:
				if v.Type() == rawMessageType {
					if bad := rawControls(string(v.Bytes()), true); len(bad) > 0 {
						t.Errorf("%T%s shows %q", view, path, bad)
					}
					return
				}
				for i := range v.Len() {
					walk(v.Index(i), block, path+"[]")
				}
			case reflect.Map:
				iter := v.MapRange()
				for iter.Next() {
					walk(iter.Key(), false, path+"{key}")
					walk(iter.Value(), block, path+"{}")
				}
			}
		}
		walk(shown, false, "")
		if b, _ := json.Marshal(view); !bytes.Contains(b, []byte(`\u001b`)) {
			t.Errorf("%T: forDisplay changed the view it copied: %s", view, b)
		}
	}
}

// hostileEntry is a probed server whose every server-sent text is hostile.
func hostileEntry() Entry {
	f := config.ParseCodex("config.toml", []byte("[mcp_servers.evil]\nurl = \"https://example.com/mcp\"\n"))
	s := f.Servers[0]
	hdr := http.Header{}
	hdr.Set("Www-Authenticate", `Bearer error="invalid_token", error_description="`+hostile+`"`)
	hdr.Set("Content-Type", "application/json")
	r := &probe.Result{
		Name: "evil", Transport: config.TransportStreamableHTTP, Healthy: false,
		Auth: probe.Verdict{Status: probe.AuthFailed, Evidence: []string{"WWW-Authenticate: Bearer error=\"invalid_token\", error_description=\"" + hostile + "\""}, Hint: "try " + hostile},
		Stages: []probe.Stage{{Name: probe.StageInitialize, Status: probe.StatusFailed, Note: hostile, Exchanges: []evidence.Exchange{{
			Method: "POST", URL: s.URL.Written, Status: 401, RPCMethod: "initialize", ResponseHeader: hdr,
			ResponseBody: `{"error":"` + strings.ReplaceAll(hostile, "\x1b", `\u001b`) + `"}` + hostile, Err: hostile, Note: hostile,
		}}}},
		Server:     &probe.ServerInfo{Name: hostile, Version: hostile, ProtocolVersion: "2025-11-25", Era: wire.EraLegacy, Instructions: hostile},
		Tools:      []probe.Tool{{Name: hostile, Title: hostile, Description: hostile + "\nsecond"}},
		ToolCall:   &probe.ToolCallResult{Name: "x", Content: json.RawMessage(`[{"type":"text","text":"` + hostile + `"}]`)},
		Failure:    &evidence.Failure{Stage: probe.StageInitialize, Category: evidence.CategoryAuth, Message: hostile, Hint: hostile},
		Findings:   []evidence.Finding{{Code: "x", Severity: evidence.SeverityWarning, Message: hostile, Hint: hostile}},
		StderrTail: []string{hostile},
		Duration:   time.Millisecond,
	}
	return Entry{Server: s, Problems: []config.Problem{{Severity: config.SeverityWarning, Code: "x", File: "config.toml", Server: "evil", Message: hostile}}, Result: r,
		Codex: &codex.Verdict{Status: codex.Unsupported}}
}

// TestHumanOutputShowsNoControlCharacters renders a hostile server every
// way a person sees it, and checks that no control character gets through,
// while the JSON carries the exact text.
func TestHumanOutputShowsNoControlCharacters(t *testing.T) {
	e := hostileEntry()
	red := redact.New()
	outs := map[string]*bytes.Buffer{}
	render := func(name string, f func(*bytes.Buffer)) {
		outs[name] = &bytes.Buffer{}
		f(outs[name])
	}
	render("table", func(b *bytes.Buffer) { ListTable(b, []Entry{e}, red, Style{}) })
	render("probe", func(b *bytes.Buffer) { ProbeText(b, e, red, Style{}) })
	render("markdown", func(b *bytes.Buffer) { Markdown(b, NewBugReport(About{}, []Entry{e}, red)) })
	render("trace", func(b *bytes.Buffer) { Trace(b, e.Result.Stages[0].Exchanges[0], red) })
	render("validate", func(b *bytes.Buffer) { ValidateText(b, NewValidation("c.toml", 1, e.Problems, red), Style{}) })
	render("github", func(b *bytes.Buffer) { ValidateGitHub(b, NewValidation("c.toml", 1, e.Problems, red)) })
	render("list github", func(b *bytes.Buffer) { ListGitHub(b, []Entry{e}, red) })
	for name, b := range outs {
		if bad := rawControls(b.String(), true); len(bad) > 0 {
			t.Errorf("%s output shows control characters %q:\n%s", name, bad, b)
		}
		if !strings.Contains(b.String(), `\x1b`) && name != "trace" {
			t.Errorf("%s output does not show the ESC it was sent as an escape:\n%s", name, b)
		}
	}
	var js bytes.Buffer
	if err := WriteJSON(&js, View(e, red, Full)); err != nil {
		t.Fatal(err)
	}
	var got Server
	if err := json.Unmarshal(js.Bytes(), &got); err != nil {
		t.Fatalf("the JSON does not parse: %v\n%s", err, js.String())
	}
	// Exact, but for the invalid byte, which JSON cannot carry.
	exact := strings.ToValidUTF8(hostile, "\uFFFD")
	if got.Tools[0].Name != exact || got.Failure.Message != exact {
		t.Errorf("JSON must carry the exact strings: tool %q, failure %q", got.Tools[0].Name, got.Failure.Message)
	}
}

// TestMarkdownCannotBeInjected: a server's text cannot add a link, an
// image, HTML, a heading or a code block to a report.
func TestMarkdownCannotBeInjected(t *testing.T) {
	e := hostileEntry()
	inject := "x\n# Heading\n[click](https://evil.example/) ![img](https://evil.example/i.png) <img src=x onerror=alert(1)> &#x202e; ```\nfenced\n``` `code` a|b"
	r := e.Result
	r.Tools = []probe.Tool{{Name: "tool`name"}}
	r.Failure.Message = inject
	r.Findings[0].Message = inject
	r.Auth.Evidence = []string{inject}
	r.StderrTail = []string{"```", inject}
	r.Stages[0].Note = inject
	var md bytes.Buffer
	Markdown(&md, NewBugReport(About{}, []Entry{e}, redact.New()))
	out := md.String()
	prose := outsideFences(out)
	for _, bad := range []string{`\[click\]\(`, `!\[img\]\(`, `<img`, `&#x202e;`, `\n# Heading`, `\nfenced`} {
		// Unescaped: not after a backslash.
		if regexp.MustCompile(`(^|[^\\])` + bad).MatchString(prose) {
			t.Errorf("the report carries %s unescaped outside a code block:\n%s", bad, out)
		}
	}
	for _, want := range []string{`\[click\](https://evil.example/)`, `\<img src=x`, `\&#x202e;`, "``tool`name``", "````\n```\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("the report lacks %q:\n%s", want, out)
		}
	}
	// Every heading is one of ours.
	for _, line := range strings.Split(prose, "\n") {
		if strings.HasPrefix(line, "#") && !strings.HasPrefix(line, "# mcpdoctor report:") && !strings.HasPrefix(line, "## ") &&
			!strings.HasPrefix(line, "### ") && !strings.HasPrefix(line, "#### ") {
			t.Errorf("a heading that is not ours: %q", line)
		}
	}
}

// outsideFences returns the lines of a Markdown document that are not in
// a fenced code block, where anything is shown as it is.
func outsideFences(md string) string {
	var out []string
	fence := ""
	for _, line := range strings.Split(md, "\n") {
		switch {
		case fence == "" && strings.HasPrefix(line, "```"):
			fence = strings.TrimRight(line, "abcdefghijklmnopqrstuvwxyz")
		case fence != "" && line == fence:
			fence = ""
		case fence == "":
			out = append(out, line)
		}
	}
	return strings.Join(out, "\n")
}
