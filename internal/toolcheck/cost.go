package toolcheck

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/mcpdoctor/mcpdoctor/internal/evidence"
	"github.com/mcpdoctor/mcpdoctor/internal/probe"
)

// The context estimate (see the package documentation).
const (
	// BytesPerToken is the bytes of JSON a token stands for.
	BytesPerToken = 4
	// ToolOverheadBytes is what a client adds around each tool's own
	// JSON: the prefixed name and the function envelope the model API
	// wants ("type", "function", "parameters").
	ToolOverheadBytes = 40
	// WarnTokens is the estimate above which one server's tools are a
	// finding.
	WarnTokens = 25000
	// biggestShown is how many of the biggest tools a cost names.
	biggestShown = 3
)

// ToolCost is one tool's estimated share of the context.
type ToolCost struct {
	Name   string
	Tokens int
}

// Cost is what a server's tool definitions cost the model's context.
type Cost struct {
	Tokens int
	// PerTool is in the server's order; Biggest the largest few, largest
	// first.
	PerTool []ToolCost
	Biggest []ToolCost
}

// Estimate approximates the tokens of each tool's definition and their
// sum.
func Estimate(tools []probe.Tool) Cost {
	c := Cost{PerTool: make([]ToolCost, len(tools))}
	for i, t := range tools {
		n := (t.Bytes + ToolOverheadBytes + BytesPerToken - 1) / BytesPerToken
		c.PerTool[i] = ToolCost{Name: t.Name, Tokens: n}
		c.Tokens += n
	}
	c.Biggest = slices.Clone(c.PerTool)
	slices.SortStableFunc(c.Biggest, func(a, b ToolCost) int { return cmp.Compare(b.Tokens, a.Tokens) })
	c.Biggest = c.Biggest[:min(len(c.Biggest), biggestShown)]
	return c
}

// TokensText writes an estimate as the tables show it: ~850, ~1.2k, ~31k.
func TokensText(n int) string {
	switch {
	case n < 1000:
		return fmt.Sprintf("~%d", n)
	case n < 10000:
		return fmt.Sprintf("~%.1fk", float64(n)/1000)
	}
	return fmt.Sprintf("~%dk", (n+500)/1000)
}

// contextFinding warns when a server's tools cost more than WarnTokens.
func contextFinding(c Cost) (evidence.Finding, bool) {
	if c.Tokens <= WarnTokens {
		return evidence.Finding{}, false
	}
	big := make([]string, len(c.Biggest))
	for i, t := range c.Biggest {
		big[i] = fmt.Sprintf("%s %s", t.Name, TokensText(t.Tokens))
	}
	return evidence.Finding{Code: "tools_context_large", Severity: evidence.SeverityWarning,
		Message: fmt.Sprintf("the definitions of its %d tools cost %s tokens of the model's context (estimated, bytes ÷ %d), over %dk; the biggest: %s",
			len(c.PerTool), TokensText(c.Tokens), BytesPerToken, WarnTokens/1000, strings.Join(big, ", ")),
		Hint: "the model reads every definition with every request: turn off the tools you do not use (most clients can filter a server's tools), or ask the server's authors for shorter descriptions"}, true
}
