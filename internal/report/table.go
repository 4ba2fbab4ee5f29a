package report

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/fatih/color"
)

// Style decides whether output is coloured. Colour is on only for a terminal
// without NO_COLOR and never for JSON; the commands decide, this obeys.
type Style struct{ Color bool }

func (s Style) paint(attr color.Attribute, text string) string {
	if !s.Color || text == "" {
		return text
	}
	c := color.New(attr)
	c.EnableColor() // fatih/color's own detection looks at os.Stdout; ours is explicit
	return c.Sprint(text)
}

// Good, Bad, Warn and Faint colour one piece of text.
func (s Style) Good(t string) string  { return s.paint(color.FgGreen, t) }
func (s Style) Bad(t string) string   { return s.paint(color.FgRed, t) }
func (s Style) Warn(t string) string  { return s.paint(color.FgYellow, t) }
func (s Style) Faint(t string) string { return s.paint(color.Faint, t) }
func (s Style) Bold(t string) string  { return s.paint(color.Bold, t) }

// table aligns columns by the width of their plain text, so colour codes do
// not push cells out of line (text/tabwriter counts the escape bytes).
type table struct {
	header []string
	rows   [][]cell
}

type cell struct {
	text  string
	paint func(string) string
}

func plain(t string) cell { return cell{text: t} }

func (t *table) add(cells ...cell) { t.rows = append(t.rows, cells) }

func (t *table) write(w io.Writer, st Style) {
	widths := make([]int, len(t.header))
	for i, h := range t.header {
		widths[i] = utf8.RuneCountInString(h)
	}
	for _, r := range t.rows {
		for i, c := range r {
			widths[i] = max(widths[i], utf8.RuneCountInString(c.text))
		}
	}
	line := func(cells []cell) {
		var b strings.Builder
		for i, c := range cells {
			text := c.text
			if c.paint != nil {
				text = c.paint(text)
			}
			b.WriteString(text)
			if i < len(cells)-1 {
				b.WriteString(strings.Repeat(" ", widths[i]-utf8.RuneCountInString(c.text)+2))
			}
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
	head := make([]cell, len(t.header))
	for i, h := range t.header {
		head[i] = cell{text: h, paint: st.Bold}
	}
	line(head)
	for _, r := range t.rows {
		line(r)
	}
}
