package toolcheck

import (
	"encoding/json"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/mcpdoctor/mcpdoctor/internal/config"
	"github.com/mcpdoctor/mcpdoctor/internal/evidence"
	"github.com/mcpdoctor/mcpdoctor/internal/printable"
	"github.com/mcpdoctor/mcpdoctor/internal/probe"
)

// Check judges the tools one server listed, as client will take them (as
// every client would, for a server named on the command line). The
// findings come tool by tool, in the server's order, and then the
// server's context cost.
func Check(server string, client config.Client, tools []probe.Tool) []evidence.Finding {
	rows := namingFor(client)
	// Each tool is judged alone, a long list on every CPU: decoding the
	// schemas is most of the cost.
	perTool := make([][]evidence.Finding, len(tools))
	first := make(map[string]int, len(tools))
	for i, t := range tools {
		if _, dup := first[t.Name]; !dup {
			first[t.Name] = i
		}
	}
	workers := 1
	if len(tools) >= parallelFrom {
		workers = min(runtime.GOMAXPROCS(0), len(tools)/parallelFrom+1)
	}
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			schemas := newSchemaChecker() // a compiler is not shared
			for i := w; i < len(tools); i += workers {
				if t := tools[i]; first[t.Name] == i { // a duplicate is said of its first
					perTool[i] = checkTool(server, t, rows, schemas)
				}
			}
		}()
	}
	wg.Wait()
	var out []evidence.Finding
	reported := map[string]bool{}
	for i, t := range tools {
		if first[t.Name] != i && !reported[t.Name] {
			reported[t.Name] = true
			out = append(out, duplicate(t.Name, count(tools, t.Name)))
		}
		out = append(out, perTool[i]...)
	}
	if f, ok := contextFinding(Estimate(tools)); ok {
		out = append(out, f)
	}
	return out
}

// parallelFrom is the length of list from which Check uses more CPUs.
const parallelFrom = 64

func checkTool(server string, t probe.Tool, rows []naming, schemas *schemaChecker) []evidence.Finding {
	var out []evidence.Finding
	out = append(out, names(server, t.Name, rows)...)
	out = append(out, hiddenText(t)...)
	out = append(out, schemas.check(t)...)
	return append(out, annotations(t)...)
}

func count(tools []probe.Tool, name string) int {
	n := 0
	for _, t := range tools {
		if t.Name == name {
			n++
		}
	}
	return n
}

func duplicate(name string, n int) evidence.Finding {
	return evidence.Finding{Code: "tool_duplicate", Severity: evidence.SeverityWarning, Tool: name,
		Message: fmt.Sprintf("the server lists the tool %s %d times; a client keeps one of them, and the model never sees the others", quote(name), n),
		Hint:    "ask the server's authors to give every tool its own name; the spec asks names to be unique within a server"}
}

// names checks a tool's name against each client's rule. Clients that
// do the same thing share one clause of the message.
func names(server, name string, rows []naming) []evidence.Finding {
	if name == "" {
		return []evidence.Finding{{Code: "tool_name_invalid", Severity: evidence.SeverityError,
			Message: "a tool has no name: no client can offer or call it",
			Hint:    "ask the server's authors to name every tool"}}
	}
	var chars, length verdicts
	for _, r := range rows {
		full := r.full(server, name)
		if strings.IndexFunc(name, func(c rune) bool { return !r.allowed(c) }) >= 0 {
			chars.add(r, r.badChars, charsClause(r, server, name))
		}
		if r.maxLen > 0 && len(full) > r.maxLen {
			length.add(r, r.tooLong, lengthClause(r, server, name, full))
		}
	}
	var out []evidence.Finding
	if len(chars.clauses) > 0 {
		out = append(out, chars.finding(evidence.Finding{Code: "tool_name_invalid", Tool: name,
			Message: fmt.Sprintf("the tool name %s holds %s, which the model APIs refuse in a name", quote(name), badRunes(name, modelAPIAllowed)),
			Hint:    "ask the server's authors to use only " + modelAPIText + " in tool names"}))
	}
	if len(length.clauses) > 0 {
		out = append(out, length.finding(evidence.Finding{Code: "tool_name_too_long", Tool: name,
			Message: fmt.Sprintf("the tool name %s is %d characters long", quote(name), len(name)),
			Hint:    "give the server a shorter name in the config, or ask its authors for shorter tool names: the model APIs take at most 64 characters, prefix included"}))
	}
	return out
}

// badRunes lists, quoted and escaped, the characters of name allowed
// refuses.
func badRunes(name string, allowed func(rune) bool) string {
	var bad []string
	for _, r := range name {
		if allowed(r) {
			continue
		}
		if q := quote(string(r)); !slices.Contains(bad, q) {
			bad = append(bad, q)
		}
	}
	if len(bad) > 5 {
		bad = append(bad[:5], "…")
	}
	return strings.Join(bad, ", ")
}

func charsClause(r naming, server, name string) string {
	switch r.badChars {
	case renames:
		return "offered as " + r.renamed(server, name)
	case warns:
		return "a warning in its log, and the tool is offered as it is"
	case drops:
		return "the tool is left out"
	case breaks:
		return "sent on as it is, and the model API refuses every request while the server is on"
	}
	return "not documented; the Anthropic and OpenAI APIs refuse such a name"
}

func lengthClause(r naming, server, name, full string) string {
	subject := r.fullText
	if r.namespaced {
		subject = full // mcp__SERVER__TOOL, as the model would see it
	}
	what := fmt.Sprintf("%s is %d characters (at most %d)", subject, len(full), r.maxLen)
	switch r.tooLong {
	case renames:
		return what + ", so it is offered as " + r.shortened(server, name)
	case drops:
		return what + ", so the tool is left out"
	case breaks:
		return what + ", and the model API refuses every request while the server is on"
	}
	return what + "; what happens is not documented, and the Anthropic and OpenAI APIs refuse longer names"
}

// verdicts gathers what each client does about one fault, grouping the
// clients that do the same.
type verdicts struct {
	clauses []string
	clients [][]config.Client
	worst   outcome
	all     []string
}

func (v *verdicts) add(r naming, o outcome, clause string) {
	if v.worst == 0 || o.severity().Rank() > v.worst.severity().Rank() {
		v.worst = o
	}
	v.all = append(v.all, string(r.client))
	if i := slices.Index(v.clauses, clause); i >= 0 {
		v.clients[i] = append(v.clients[i], r.client)
		return
	}
	v.clauses = append(v.clauses, clause)
	v.clients = append(v.clients, []config.Client{r.client})
}

// finding completes f, which says what the fault is, with what each
// client does about it.
func (v *verdicts) finding(f evidence.Finding) evidence.Finding {
	parts := make([]string, len(v.clauses))
	for i, clause := range v.clauses {
		parts[i] = "in " + titles(v.clients[i]) + ": " + clause
	}
	f.Severity, f.Clients = v.worst.severity(), v.all
	f.Message += ": " + strings.Join(parts, "; ")
	return f
}

// quote puts text a server sent between quotes, as it is: the redactor
// must see it whole, and the views show each character a reader could
// not see as an escape (report's forDisplay). %q would escape it first,
// hiding a secret from the redactor and escaping the escapes again.
func quote(s string) string { return `"` + s + `"` }

// titles joins clients' names as a sentence does: "Codex, Cursor and Zed".
func titles(cs []config.Client) string {
	names := make([]string, len(cs))
	for i, c := range cs {
		names[i] = c.Title()
	}
	if len(names) == 1 {
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// hiddenText finds what a reader of a tool's name, title and description
// cannot see; the schema's texts are searched with the schema.
func hiddenText(t probe.Tool) []evidence.Finding {
	var out []evidence.Finding
	for _, field := range []struct{ where, text string }{{"name", t.Name}, {"title", t.Title}, {"description", t.Description}} {
		if f, ok := hiddenIn(t.Name, field.where, field.text); ok {
			out = append(out, f)
		}
	}
	return out
}

// hiddenIn reports the invisible runs of one text of a tool, quoting each
// escaped and what tag characters spell.
func hiddenIn(tool, where, text string) (evidence.Finding, bool) {
	runs := printable.Hidden(text)
	if len(runs) == 0 {
		return evidence.Finding{}, false
	}
	severity := evidence.SeverityWarning
	hidden, spelled := 0, ""
	var quoted []string
	for _, r := range runs {
		hidden += len([]rune(text[r.Start:r.End]))
		if r.Tags != "" {
			severity = evidence.SeverityError
			spelled += r.Tags
		}
		if len(quoted) < 3 {
			q := []rune(text[r.Start:r.End])
			if len(q) > 12 {
				q = append(q[:12], '…')
			}
			quoted = append(quoted, fmt.Sprintf("%s at byte %d", string(q), r.Start))
		}
	}
	msg := fmt.Sprintf("the %s of tool %s holds %s a reader cannot see, in %s: %s", where, quote(tool), evidence.Count(hidden, "character"), evidence.Count(len(runs), "place"), strings.Join(quoted, ", "))
	if spelled != "" {
		msg += fmt.Sprintf("; its Unicode tag characters spell %s, text the model reads and a person does not", quote(spelled))
	}
	return evidence.Finding{Code: "tool_hidden_text", Severity: severity, Tool: tool, Message: msg,
		Hint: "invisible and direction-changing characters in a tool's text are a way to give the model instructions its user never sees (tool poisoning): read the text as escaped here before you trust the server"}, true
}

// annotations checks the hints a tool gives about itself: each a boolean,
// and not two that say opposite things. The spec gives destructiveHint
// and idempotentHint meaning only for a tool that is not read-only.
func annotations(t probe.Tool) []evidence.Finding {
	if len(t.Annotations) == 0 || string(t.Annotations) == "null" {
		return nil
	}
	var a struct {
		ReadOnly    json.RawMessage `json:"readOnlyHint"`
		Destructive json.RawMessage `json:"destructiveHint"`
		Idempotent  json.RawMessage `json:"idempotentHint"`
		OpenWorld   json.RawMessage `json:"openWorldHint"`
	}
	if err := json.Unmarshal(t.Annotations, &a); err != nil {
		return []evidence.Finding{annotationFinding(evidence.Finding{Code: "tool_annotations_invalid", Tool: t.Name}, "annotations is not an object: clients ignore it")}
	}
	var out []evidence.Finding
	hint := func(name string, raw json.RawMessage) (value, set bool) {
		switch string(raw) {
		case "":
			return false, false
		case "true":
			return true, true
		case "false":
			return false, true
		}
		out = append(out, annotationFinding(evidence.Finding{Code: "tool_annotations_invalid", Tool: t.Name},
			fmt.Sprintf("annotations.%s is %s, not true or false: clients ignore it and assume the default", name, raw)))
		return false, false
	}
	readOnly, _ := hint("readOnlyHint", a.ReadOnly)
	destructive, _ := hint("destructiveHint", a.Destructive)
	idempotent, idempotentSet := hint("idempotentHint", a.Idempotent)
	hint("openWorldHint", a.OpenWorld)
	if readOnly && destructive {
		out = append(out, annotationFinding(evidence.Finding{Code: "tool_annotations_contradict", Tool: t.Name}, "annotations say the tool is read-only (readOnlyHint) and destructive (destructiveHint) at once: a client that asks before destructive calls may skip asking because of readOnlyHint"))
	}
	if readOnly && idempotentSet && !idempotent {
		out = append(out, annotationFinding(evidence.Finding{Code: "tool_annotations_contradict", Tool: t.Name}, "annotations say the tool is read-only (readOnlyHint) but not idempotent (idempotentHint false): a read-only tool changes nothing, so calling it twice cannot differ"))
	}
	return out
}

func annotationFinding(f evidence.Finding, msg string) evidence.Finding {
	f.Severity, f.Message = evidence.SeverityWarning, msg
	f.Hint = "clients use these hints to decide whether to ask before a call: ask the server's authors to fix them"
	return f
}
