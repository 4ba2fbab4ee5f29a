package redact

import (
	"encoding/base64"
	"net/url"
	"regexp"
	"strings"
)

// URL redacts a URL by its parts: user info, every query value and the
// fragment are masked, parameter names stay, and path segments that look
// like keys are masked (https://example.com/server/<redacted>?key=<redacted>).
// A relative reference is treated the same way; text that is no URL at all
// is redacted as text.
func (r *Redactor) URL(raw string) string {
	if raw == "" {
		return raw
	}
	u, err := url.Parse(raw)
	if err != nil || u.Opaque != "" || (u.Host == "" && u.Scheme != "") || strings.ContainsAny(raw, " \t\r\n") {
		return r.Text(raw)
	}
	var head, tail strings.Builder
	if u.Scheme != "" {
		head.WriteString(u.Scheme + ":")
	}
	if u.Host != "" || u.Scheme != "" {
		head.WriteString("//")
		if u.User != nil {
			head.WriteString(Mask + "@")
		}
		head.WriteString(u.Host)
	}
	tail.WriteString(maskPath(u.EscapedPath()))
	if u.ForceQuery || u.RawQuery != "" {
		tail.WriteString("?" + maskParams(u.RawQuery))
	}
	if u.Fragment != "" {
		tail.WriteString("#" + maskFragment(u.EscapedFragment()))
	}
	// A secret that could be a credential is masked wherever it stands; one
	// that looks like none (a scheme word, a host) never in the scheme and
	// host, which are evidence.
	out := r.literal(head.String()+r.literal(tail.String(), weakSet), strongSet)
	return out
}

// maskPath masks the segments of an escaped path that look like keys.
func maskPath(p string) string {
	segments := strings.Split(p, "/")
	for i, seg := range segments {
		if plain, err := url.PathUnescape(seg); err == nil && LooksSecret(plain) {
			segments[i] = Mask
		}
	}
	return strings.Join(segments, "/")
}

// maskParams masks every value of a query, keeping the names byte for byte:
// "key=abc&transport=sse" → "key=<redacted>&transport=<redacted>". A part
// without "=" is a value of its own ("?sk-123…") and is masked whole.
func maskParams(q string) string {
	parts := strings.Split(q, "&")
	for i, p := range parts {
		name, value, hasValue := strings.Cut(p, "=")
		switch {
		case !hasValue && p != "" && p != Mask:
			parts[i] = Mask
		case hasValue && value != "" && value != Mask:
			parts[i] = name + "=" + Mask
		}
	}
	return strings.Join(parts, "&")
}

// maskFragment masks a fragment: its values when it is name=value pairs
// (an implicit grant's "#access_token=…"), else the whole of it.
func maskFragment(f string) string {
	if f == "" || f == Mask {
		return f
	}
	if strings.Contains(f, "=") {
		return maskParams(f)
	}
	return Mask
}

// urlStart finds where a URL starts in text: a scheme and "://".
var urlStart = regexp.MustCompile(`(?i)\b[a-z][a-z0-9+.\-]*://`)

// textURLs masks, in place, the parts of the URLs in s that carry secrets.
// Only the bytes of user info, query values, fragments and key-like path
// segments are replaced, so the text around a URL — quotes, punctuation,
// whatever it is — is never touched.
func textURLs(s string) string {
	var b strings.Builder
	last := 0
	for from := 0; ; {
		start, schemeEnd := nextURL(s, from)
		if start < 0 {
			break
		}
		from = schemeEnd
		if start < last {
			continue // inside the previous URL
		}
		end := urlEnd(s, schemeEnd)
		b.WriteString(s[last:start])
		b.WriteString(maskURLText(s[start:schemeEnd], s[schemeEnd:end]))
		last = end
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// nextURL finds the next match of urlStart at or after from, as
// urlStart.FindStringIndex would, without running the regexp over text
// that holds no "://": a text of megabytes (a tool list) is scanned once.
func nextURL(s string, from int) (start, end int) {
	for from < len(s) {
		i := strings.Index(s[from:], "://")
		if i < 0 {
			return -1, -1
		}
		i += from
		// The scheme is the run of scheme characters before "://"; the
		// regexp takes the first of them where a word begins.
		run := i
		for run > from && isSchemeChar(s[run-1]) {
			run--
		}
		// One character more, so that \b sees what stands before.
		lo := max(run-1, 0)
		if loc := urlStart.FindStringIndex(s[lo : i+3]); loc != nil {
			return lo + loc[0], lo + loc[1]
		}
		from = i + 1
	}
	return -1, -1
}

func isSchemeChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '+' || c == '.' || c == '-'
}

// urlEnd finds where a URL that starts its authority at i ends: at white
// space, a control character or a character that cannot stand unescaped
// in a URL and often quotes one ("'<>`\{}|^), with the punctuation that
// ends a sentence left outside. A mask already in the URL is stepped over.
func urlEnd(s string, i int) int {
	for i < len(s) {
		if strings.HasPrefix(s[i:], Mask) {
			i += len(Mask)
			continue
		}
		c := s[i]
		if c <= ' ' || c == 0x7f || strings.IndexByte("\"'<>`\\{}|^", c) >= 0 {
			break
		}
		i++
	}
	for i > 0 && strings.IndexByte(".,;:!?)]}", s[i-1]) >= 0 && !strings.HasSuffix(s[:i], Mask) {
		i--
	}
	return i
}

// maskURLText masks the secret-bearing parts of one URL found in text,
// given its "scheme://" and the rest.
func maskURLText(scheme, rest string) string {
	authEnd := strings.IndexAny(rest, "/?#")
	if authEnd < 0 {
		authEnd = len(rest)
	}
	authority := rest[:authEnd]
	if at := strings.LastIndexByte(authority, '@'); at >= 0 && authority[:at] != Mask {
		authority = Mask + authority[at:]
	}
	tail := rest[authEnd:]
	path, query, fragment := tail, "", ""
	hasQuery, hasFragment := false, false
	if i := strings.IndexByte(path, '#'); i >= 0 {
		path, fragment, hasFragment = path[:i], path[i+1:], true
	}
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path, query, hasQuery = path[:i], path[i+1:], true
	}
	var b strings.Builder
	b.WriteString(scheme + authority + maskPath(path))
	if hasQuery {
		b.WriteString("?" + maskParams(query))
	}
	if hasFragment {
		b.WriteString("#" + maskFragment(fragment))
	}
	return b.String()
}

// URLSecrets lists the values in a URL that are secrets wherever they turn
// up: the user info (as written, its password, and the Base64 of it that a
// Basic credential carries), every query value, the fragment, and path
// segments that look like keys.
func URLSecrets(raw string) []string {
	u, err := url.Parse(raw)
	if err != nil {
		return nil
	}
	var out []string
	if u.User != nil {
		user := u.User.String()
		plain := u.User.Username()
		if pw, ok := u.User.Password(); ok {
			out = append(out, pw)
			plain += ":" + pw
		}
		out = append(out, user, plain, base64.StdEncoding.EncodeToString([]byte(plain)))
	}
	for _, q := range []string{u.RawQuery, u.EscapedFragment()} {
		for _, p := range strings.Split(q, "&") {
			name, value, hasValue := strings.Cut(p, "=")
			if !hasValue {
				value = name
			}
			out = append(out, value)
			if plain, err := url.QueryUnescape(value); err == nil {
				out = append(out, plain)
			}
		}
	}
	if u.Fragment != "" {
		out = append(out, u.Fragment)
	}
	for _, seg := range strings.Split(u.EscapedPath(), "/") {
		if plain, err := url.PathUnescape(seg); err == nil && LooksSecret(plain) {
			out = append(out, seg, plain)
		}
	}
	return out
}

// LooksSecret reports whether a path segment or an argument looks like a
// key rather than a name (keyLike): 16 characters or more of letters,
// digits and -_.~+=, with letters and digits both, and a UUID, hex,
// letters and digits alternating three times or more (abc123def456ghi7),
// or random mixed case. "server-everything", "v1", "mcp", "2025-06-18"
// and "claude-3-5-sonnet-20241022" are names; "3f9a6c0e1b2d4a5f8e7c" and
// "abc123def456ghi7" are not.
func LooksSecret(seg string) bool { return keyLike(seg, "-_.~+=") }

// IsSensitiveParam says whether a parameter, flag or variable name says it
// carries a credential: a word ending in key, token, secret, password or
// auth, or sig, and the OAuth code and state.
func IsSensitiveParam(name string) bool {
	switch strings.ToLower(name) {
	case "code", "state", "pass", "pwd", "sig":
		return true
	}
	return namesCredential(name, "signature", "credential", "credentials")
}
