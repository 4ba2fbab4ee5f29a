package redact

import (
	"regexp"
	"strings"
)

// selfDescribing matches credentials that say what they are, wherever
// they stand: JSON Web Tokens, and the prefixed tokens of the services MCP
// servers most often wrap (GitHub, Slack, OpenAI and Anthropic, Stripe,
// AWS, Google, npm). They are made of word characters only, so masking one
// cannot touch the text around it.
var selfDescribing = regexp.MustCompile(`\beyJ[A-Za-z0-9_\-]{5,}\.[A-Za-z0-9_\-]{5,}\.[A-Za-z0-9_\-]*` +
	`|\bgh[pousr]_[A-Za-z0-9]{30,}|\bgithub_pat_[A-Za-z0-9_]{30,}` +
	`|\bxox[abposr]-[A-Za-z0-9\-]{10,}` +
	`|\bsk-[A-Za-z0-9_\-]{20,}|\b[rps]k_(?:live|test)_[A-Za-z0-9]{16,}` +
	`|\b(?:AKIA|ASIA)[0-9A-Z]{16}\b|\bAIza[0-9A-Za-z_\-]{35}|\bnpm_[A-Za-z0-9]{36}`)

// minTokenLen is the length of the shortest token selfDescribing matches
// (a JSON Web Token of three short parts).
const minTokenLen = 15

// selfDescribingTokens masks the tokens selfDescribing matches. Every one
// is a run of token characters (letters, digits, _, - and .), which stand
// apart from the text around them, so the regexp runs on each run long
// enough to hold one, never over the whole text: a tool list of megabytes
// is scanned once.
func selfDescribingTokens(s string) string {
	var b strings.Builder
	last := 0
	for i := 0; i < len(s); {
		if !isTokenChar(s[i]) {
			i++
			continue
		}
		j := i
		for j < len(s) && isTokenChar(s[j]) {
			j++
		}
		if j-i >= minTokenLen {
			if word := s[i:j]; selfDescribing.MatchString(word) {
				b.WriteString(s[last:i])
				b.WriteString(selfDescribing.ReplaceAllString(word, Mask))
				last = j
			}
		}
		i = j
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

func isTokenChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.'
}
