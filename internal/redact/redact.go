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
//
// A Redactor learns the run's secrets as it goes ([Redactor.Add], with
// [HeaderSecrets] and [URLSecrets] to split a value into the forms it is
// sent in). Field names, enumerations, numbers and booleans never pass
// through it; that is the caller's side of the bargain.
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
	mu       sync.RWMutex
	known    map[string]bool
	replacer *strings.Replacer
	// forms are the known forms, longest first, for cut-off excerpts.
	forms []string
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
		for _, form := range encodings(v) {
			if !r.known[form] {
				r.known[form] = true
				changed = true
			}
		}
	}
	if !changed {
		return
	}
	forms := make([]string, 0, len(r.known))
	for f := range r.known {
		forms = append(forms, f)
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
	r.replacer = strings.NewReplacer(pairs...)
	r.forms = forms
}

// Known reports whether s is, or contains, a secret the redactor was taught.
func (r *Redactor) Known(s string) bool { return r.literal(s) != s }

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

// literal masks the known secrets. The masks already in s are left whole
// (a secret such as "dact" must not eat into one), and masking repeats
// until nothing changes, since it can join text into a secret again.
func (r *Redactor) literal(s string) string {
	if r == nil || s == "" {
		return s
	}
	r.mu.RLock()
	rep, forms := r.replacer, r.forms
	r.mu.RUnlock()
	if rep == nil {
		return s
	}
	for range 4 {
		parts := strings.Split(s, Mask)
		for i, p := range parts {
			parts[i] = cutSecrets(rep.Replace(p), forms)
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
// tool's description. Known secrets are replaced wherever they stand; in
// the URLs the text holds, user info, query values, fragments and key-like
// path segments are masked in place; and tokens that say what they are (a
// JSON Web Token, a GitHub or Slack token) are masked. Nothing else is
// touched, so the text keeps every character that is not a secret.
func (r *Redactor) Text(s string) string {
	if s == "" {
		return s
	}
	s = r.literal(s)
	s = textURLs(s)
	s = selfDescribingTokens(s)
	return s
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
