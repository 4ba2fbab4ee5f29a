package oauth

import "strings"

// Challenge is one authentication challenge of a WWW-Authenticate header
// (RFC 9110 §11.6.1): an auth scheme followed by either a token68 or a list
// of auth-params.
type Challenge struct {
	// Scheme is the auth scheme as the server wrote it ("Bearer", "Basic").
	// Schemes compare case-insensitively (RFC 9110 §11.1).
	Scheme string
	// Token68 is set when the challenge carries a token68 instead of
	// parameters.
	Token68 string
	// Params are the auth-params in the order written, names lower-cased
	// (RFC 9110 §11.2: parameter names are case-insensitive), values with
	// quoted-string escapes removed.
	Params []AuthParam
}

// AuthParam is one name=value pair of a challenge.
type AuthParam struct {
	Name  string
	Value string
}

// Param returns the value of the first parameter with that name, compared
// case-insensitively.
func (c Challenge) Param(name string) (string, bool) {
	name = strings.ToLower(name)
	for _, p := range c.Params {
		if p.Name == name {
			return p.Value, true
		}
	}
	return "", false
}

// Is reports whether the challenge's scheme is scheme, ignoring case.
func (c Challenge) Is(scheme string) bool { return strings.EqualFold(c.Scheme, scheme) }

// ParseWWWAuthenticate parses every challenge of one or more
// WWW-Authenticate field values. RFC 9110 allows several challenges in one
// value and several field lines, which mean the same as one line joined by
// commas (§5.3). The grammar is ambiguous where a comma separates both
// challenges and parameters; a token that is not followed by "=" after the
// first parameter starts a new challenge. The parser is lenient: what it
// cannot read it skips, and it never fails, because a malformed header is
// evidence, not a reason to stop.
//
//	challenge  = auth-scheme [ 1*SP ( token68 / #auth-param ) ]
//	auth-param = token BWS "=" BWS ( token / quoted-string )
//	token68    = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
func ParseWWWAuthenticate(values []string) []Challenge {
	var out []Challenge
	for _, v := range values {
		out = append(out, parseChallenges(v)...)
	}
	return out
}

// BearerChallenge returns the first Bearer challenge of a header's values.
func BearerChallenge(values []string) (Challenge, bool) {
	for _, c := range ParseWWWAuthenticate(values) {
		if c.Is("Bearer") {
			return c, true
		}
	}
	return Challenge{}, false
}

type challengeParser struct {
	s string
	i int
}

func parseChallenges(s string) []Challenge {
	p := &challengeParser{s: s}
	var out []Challenge
	for {
		p.skip(isListSpace)
		if p.done() {
			return out
		}
		scheme := p.token(isTchar)
		if scheme == "" {
			// Not a token where a scheme should start: drop one byte and
			// resynchronise.
			p.i++
			continue
		}
		c := Challenge{Scheme: scheme}
		p.params(&c)
		out = append(out, c)
	}
}

// params reads what follows a scheme: a token68 or auth-params, up to the
// start of the next challenge.
func (p *challengeParser) params(c *Challenge) {
	// A comma right after the scheme ends a challenge without parameters
	// ("Basic, Bearer realm=x").
	p.skip(isSpace)
	if p.done() || p.peek() == ',' {
		return
	}
	first := true
	for {
		if !first {
			// Between parameters: commas, spaces and empty list elements.
			p.skip(isListSpace)
		}
		if p.done() {
			return
		}
		start := p.i
		name := p.token(isToken68Char)
		if name == "" {
			// A stray character (a quote, a semicolon): skip it.
			p.i++
			continue
		}
		p.skip(isSpace)
		if p.done() || p.peek() != '=' {
			if first {
				// "Negotiate abc": a token68 without padding.
				c.Token68 = name
				return
			}
			// A bare token after parameters is the next challenge's scheme.
			p.i = start
			return
		}
		// name "=": a parameter, or a token68 with its padding ("abc==").
		eq := p.i
		for !p.done() && p.peek() == '=' {
			p.i++
		}
		if first && (p.i-eq > 1 || p.atEndOfItem()) {
			c.Token68 = name + p.s[eq:p.i]
			return
		}
		p.skip(isSpace)
		var value string
		if !p.done() && p.peek() == '"' {
			value = p.quoted()
		} else {
			// RFC 9110 wants a token here; servers write URLs and scopes
			// unquoted, so take everything up to a comma or a space.
			value = p.token(func(c byte) bool { return c != ',' && !isSpace(c) })
		}
		c.Params = append(c.Params, AuthParam{Name: strings.ToLower(name), Value: value})
		first = false
	}
}

// atEndOfItem reports whether only spaces remain before a comma or the end.
func (p *challengeParser) atEndOfItem() bool {
	j := p.i
	for j < len(p.s) && isSpace(p.s[j]) {
		j++
	}
	return j == len(p.s) || p.s[j] == ','
}

// quoted reads a quoted-string and returns it unescaped (RFC 9110 §5.6.4:
// a backslash quotes the next character). An unterminated string runs to
// the end.
func (p *challengeParser) quoted() string {
	p.i++ // the opening quote
	var b strings.Builder
	for !p.done() {
		ch := p.s[p.i]
		switch {
		case ch == '\\' && p.i+1 < len(p.s):
			b.WriteByte(p.s[p.i+1])
			p.i += 2
		case ch == '"':
			p.i++
			return b.String()
		default:
			b.WriteByte(ch)
			p.i++
		}
	}
	return b.String()
}

func (p *challengeParser) token(ok func(byte) bool) string {
	start := p.i
	for !p.done() && ok(p.s[p.i]) {
		p.i++
	}
	return p.s[start:p.i]
}

func (p *challengeParser) skip(ok func(byte) bool) {
	for !p.done() && ok(p.s[p.i]) {
		p.i++
	}
}

func (p *challengeParser) done() bool { return p.i >= len(p.s) }
func (p *challengeParser) peek() byte { return p.s[p.i] }

func isSpace(c byte) bool     { return c == ' ' || c == '\t' }
func isListSpace(c byte) bool { return c == ' ' || c == '\t' || c == ',' }

// isTchar is RFC 9110 §5.6.2's tchar.
func isTchar(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

// isToken68Char accepts what may start a parameter name or a token68: the
// union of tchar and token68's "/" (token68's other characters are tchars).
func isToken68Char(c byte) bool { return isTchar(c) || c == '/' }
