// Package redact is the one place secrets are taken out of what mcpdoctor
// prints. It works on values, by kind, before anything is encoded — never on
// text that is already JSON or Markdown, so it can neither break the output
// nor eat its syntax:
//
//   - [Redactor.URL]: user info, every query value, the fragment, and path
//     segments that look like keys; parameter names stay.
//   - [Redactor.Header]: by the header's name; for Authorization and
//     Proxy-Authorization the scheme stays and the credential goes.
//   - [Redactor.Body]: a JSON document is decoded and walked: members named
//     like credentials are masked, every other string is redacted as text,
//     and the document is encoded again.
//   - [Redactor.Args]: a command line's values that follow credential flags.
//   - [Redactor.Text]: free text (errors, stderr, hints) gets the known
//     secrets replaced literally, and the URLs and self-describing tokens
//     (JSON Web Tokens, GitHub and Slack tokens…) in it masked in place.
//   - [Redactor.Field]: a value that is evidence by what it is (a protocol
//     version, a server's or a tool's name, a path, mcpdoctor's own
//     explanation) is masked only where it holds a credential.
//
// A Redactor learns the run's secrets as it goes ([Redactor.Add], with
// [HeaderSecrets] and [URLSecrets] to split a value into the forms it is
// sent in, and [CouldBeSecret] and [ValueSecrets] to decide whether a
// configured value is one: classify.go). Field names, enumerations,
// numbers and booleans never pass through it; that is the caller's side
// of the bargain.
package redact

import (
	"encoding/base64"
	"encoding/json"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// Mask replaces every secret.
const Mask = "<redacted>"

// MinSecretLen is the shortest value treated as a secret literal: shorter
// ones ("1", "yes") would blank out ordinary text and are no credential.
const MinSecretLen = 4

// Redactor knows the literal secrets of one run. The zero value and a nil
// *Redactor know none and still apply the rules of each kind. It is safe for
// concurrent use.
type Redactor struct {
	mu sync.RWMutex
	// known maps each form of a learned secret to whether it could be a
	// credential; false for the harmless-looking ones (a number, a word
	// of the vocabulary, a version, a path, learned because of where
	// they stood), which are hunted through free text only, never
	// through a structured field or a URL's scheme and host.
	known map[string]bool
	// strong and weak are the two sets, each longest first.
	strong, weak literals
}

// literals are secrets to replace, and their forms, longest first for
// cut-off excerpts.
type literals struct {
	replacer *strings.Replacer
	forms    []string
}

func newLiterals(forms []string) literals {
	if len(forms) == 0 {
		return literals{}
	}
	// Longest first: strings.Replacer prefers the earlier pair when several
	// match at one position, so a secret that contains another is masked
	// whole.
	slices.SortFunc(forms, func(a, b string) int {
		if len(a) != len(b) {
			return len(b) - len(a)
		}
		return strings.Compare(a, b)
	})
	pairs := make([]string, 0, 2*len(forms))
	for _, f := range forms {
		pairs = append(pairs, f, Mask)
	}
	return literals{replacer: strings.NewReplacer(pairs...), forms: forms}
}

// New returns a Redactor that knows secrets.
func New(secrets ...string) *Redactor {
	r := &Redactor{}
	r.Add(secrets...)
	return r
}

// Add teaches the redactor more secrets: each value as it is and trimmed
// of space, and each line of a value that has several (a PEM key shows up
// line by line in a log). Values shorter than MinSecretLen are ignored.
// What to teach is the caller's choice (CouldBeSecret, and where a value
// stood); a value that looks like no credential (harmless: 2026-07-28,
// stdio, /tmp, 8080) is hunted through free text only.
func (r *Redactor) Add(secrets ...string) {
	if r == nil {
		return
	}
	var values []string
	for _, s := range secrets {
		values = append(values, s, strings.TrimSpace(s))
		if strings.ContainsAny(s, "\r\n") {
			for _, line := range strings.FieldsFunc(s, func(c rune) bool { return c == '\n' || c == '\r' }) {
				values = append(values, strings.TrimSpace(line))
			}
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.known == nil {
		r.known = map[string]bool{}
	}
	changed := false
	for _, v := range values {
		if len(strings.TrimSpace(v)) < MinSecretLen || strings.Contains(Mask, v) {
			continue
		}
		strong := !harmless(v)
		for _, form := range encodings(v) {
			if was, ok := r.known[form]; !ok || strong && !was {
				r.known[form] = strong
				changed = true
			}
		}
	}
	if !changed {
		return
	}
	var strong, weak []string
	for f, s := range r.known {
		if s {
			strong = append(strong, f)
		} else {
			weak = append(weak, f)
		}
	}
	r.strong, r.weak = newLiterals(strong), newLiterals(weak)
}

// Known reports whether s is, or contains, a secret the redactor was taught.
func (r *Redactor) Known(s string) bool {
	return r.literal(s, strongSet) != s || r.literal(s, weakSet) != s
}

// encodings are the forms a secret takes where a server or mcpdoctor's own
// messages may echo it: as it is, with its white space folded (as a
// one-line excerpt shows it), inside a JSON string (with and without HTML
// escaping) and a Go-quoted one (%q), URL-encoded, and Base64-encoded (as
// in a Basic credential).
func encodings(s string) []string {
	quoted := strconv.Quote(s)
	forms := []string{s, strings.Join(strings.Fields(s), " "), quoted[1 : len(quoted)-1], url.QueryEscape(s), url.PathEscape(s),
		base64.StdEncoding.EncodeToString([]byte(s)), base64.RawStdEncoding.EncodeToString([]byte(s)),
		base64.URLEncoding.EncodeToString([]byte(s)), base64.RawURLEncoding.EncodeToString([]byte(s))}
	if b, err := json.Marshal(s); err == nil {
		forms = append(forms, string(b[1:len(b)-1]))
	}
	var sb strings.Builder
	enc := json.NewEncoder(&sb)
	enc.SetEscapeHTML(false)
	if enc.Encode(s) == nil {
		j := strings.TrimSpace(sb.String())
		forms = append(forms, j[1:len(j)-1])
	}
	out := forms[:0]
	for _, f := range forms {
		if len(f) >= MinSecretLen && !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	return out
}

func strongSet(r *Redactor) literals { return r.strong }
func weakSet(r *Redactor) literals   { return r.weak }

// literal masks the known secrets of one set. The masks already in s are
// left whole (a secret such as "dact" must not eat into one), and masking
// repeats until nothing changes, since it can join text into a secret
// again.
func (r *Redactor) literal(s string, set func(*Redactor) literals) string {
	if r == nil || s == "" {
		return s
	}
	r.mu.RLock()
	l := set(r)
	r.mu.RUnlock()
	if l.replacer == nil {
		return s
	}
	for range 4 {
		parts := strings.Split(s, Mask)
		for i, p := range parts {
			parts[i] = cutSecrets(l.replacer.Replace(p), l.forms)
		}
		next := strings.Join(parts, Mask)
		if next == s {
			break
		}
		s = next
	}
	return s
}

// Ellipsis ends every excerpt mcpdoctor cuts short.
const Ellipsis = "…"

// cutSecrets masks the start of a secret that an excerpt cut off: the text
// just before an ellipsis that is the beginning of a known secret, at
// least MinSecretLen long.
func cutSecrets(s string, forms []string) string {
	if !strings.Contains(s, Ellipsis) {
		return s
	}
	var b strings.Builder
	rest := s
	for {
		i := strings.Index(rest, Ellipsis)
		if i < 0 {
			b.WriteString(rest)
			return b.String()
		}
		before := rest[:i]
		cut := 0
		for _, f := range forms {
			for k := min(len(f)-1, len(before)); k >= MinSecretLen && k > cut; k-- {
				if strings.HasSuffix(before, f[:k]) {
					cut = k
					break
				}
			}
		}
		if cut > 0 {
			before = before[:len(before)-cut] + Mask
		}
		b.WriteString(before + Ellipsis)
		rest = rest[i+len(Ellipsis):]
	}
}

// Text redacts free text: an error message, a line of stderr, a hint, a
// tool's description. Known secrets are replaced wherever they stand —
// those that look like no credential (a version, a word, a path: see
// [Redactor.Add]) everywhere but in the scheme and host of a URL; in the
// URLs the text holds, user info, query values, fragments and key-like
// path segments are masked in place; and tokens that say what they are (a
// JSON Web Token, a GitHub or Slack token) are masked. Nothing else is
// touched, so the text keeps every character that is not a secret.
func (r *Redactor) Text(s string) string {
	if s == "" {
		return s
	}
	s = r.literal(s, strongSet)
	s = textURLs(s)
	s = r.outsideAuthorities(s)
	s = selfDescribingTokens(s)
	return s
}

// Field redacts a value that is evidence by what it is, not prose: a
// protocol version, a server's name and version, a tool's name, a path, a
// scheme, mcpdoctor's own explanation. It is masked only where it holds
// a credential — a learned secret that could be one, a token that says
// what it is, the secret parts of a URL — and never for a learned value
// that looks like none: a query value "2025-06-18" or "stdio" blanks
// free text that repeats it, never a protocol version or a server's name.
func (r *Redactor) Field(s string) string {
	if s == "" {
		return s
	}
	s = r.literal(s, strongSet)
	s = textURLs(s)
	return selfDescribingTokens(s)
}

// Fields redacts each string of ss as a Field, in a new slice.
func (r *Redactor) Fields(ss []string) []string {
	if ss == nil {
		return nil
	}
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = r.Field(s)
	}
	return out
}

// outsideAuthorities masks the harmless-looking secrets in s, but not in
// the scheme and host of the URLs it holds: AUTH_MODE=http must never
// turn http://127.0.0.1 into <redacted>://127.0.0.1.
func (r *Redactor) outsideAuthorities(s string) string {
	if r == nil {
		return s
	}
	r.mu.RLock()
	none := r.weak.replacer == nil
	r.mu.RUnlock()
	if none {
		return s
	}
	var b strings.Builder
	last := 0
	for from := 0; ; {
		start, schemeEnd := nextURL(s, from)
		if start < 0 {
			break
		}
		from = schemeEnd
		if start < last {
			continue
		}
		end := urlEnd(s, schemeEnd)
		authEnd := schemeEnd + authorityLen(s[schemeEnd:end])
		b.WriteString(r.literal(s[last:start], weakSet))
		b.WriteString(s[start:authEnd])
		last = authEnd
	}
	b.WriteString(r.literal(s[last:], weakSet))
	return b.String()
}

// authorityLen is the length of a URL's authority at the start of rest
// (what follows "scheme://"): up to the path, the query or the fragment.
func authorityLen(rest string) int {
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		return i
	}
	return len(rest)
}

// Texts redacts each string of ss, in a new slice.
func (r *Redactor) Texts(ss []string) []string {
	if ss == nil {
		return nil
	}
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = r.Text(s)
	}
	return out
}
