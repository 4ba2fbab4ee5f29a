package redact

import "regexp"

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

func selfDescribingTokens(s string) string {
	return selfDescribing.ReplaceAllString(s, Mask)
}
