// Package redact is the one place secrets are removed from what mcpdoctor
// prints (DESIGN.md, "Secrets never leave"). It works two ways at once:
// literally, replacing every credential value the run knows (in the forms it
// takes once JSON- or URL-encoded), and by pattern, for secrets nobody told
// it about: URL user info, query parameters and path segments that look like
// keys, Authorization values, sensitive headers and JSON members.
//
// Commands wrap stdout and stderr in a Writer, so no renderer can forget it.
package redact

import (
	"encoding/json"
	"io"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"sync"
)

// Mask replaces every secret.
const Mask = "<redacted>"

// MinSecretLen is the shortest value treated as a secret literal: shorter
// ones ("1", "yes") would blank out ordinary text and are no credential.
const MinSecretLen = 4

// Redactor knows the literal secrets of one run. The zero value and a nil
// *Redactor apply the pattern rules only. It is safe for concurrent use.
type Redactor struct {
	mu       sync.RWMutex
	known    map[string]bool
	replacer *strings.Replacer
}

// New returns a Redactor that knows secrets.
func New(secrets ...string) *Redactor {
	r := &Redactor{}
	r.Add(secrets...)
	return r
}

// Add teaches the redactor more secrets. Values shorter than MinSecretLen
// (after trimming space) are ignored.
func (r *Redactor) Add(secrets ...string) {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.known == nil {
		r.known = map[string]bool{}
	}
	changed := false
	for _, s := range secrets {
		if len(strings.TrimSpace(s)) < MinSecretLen {
			continue
		}
		for _, form := range encodings(s) {
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
	sort.Slice(forms, func(i, j int) bool {
		if len(forms[i]) != len(forms[j]) {
			return len(forms[i]) > len(forms[j])
		}
		return forms[i] < forms[j]
	})
	pairs := make([]string, 0, 2*len(forms))
	for _, f := range forms {
		pairs = append(pairs, f, Mask)
	}
	r.replacer = strings.NewReplacer(pairs...)
}

// encodings are the forms a secret takes in output: as it is, inside a JSON
// string (with and without HTML escaping), and URL-encoded.
func encodings(s string) []string {
	forms := []string{s, url.QueryEscape(s), url.PathEscape(s)}
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
	return forms
}

// literal masks the known secrets. Masking can join text into a secret
// again ("ab" + secret + "cd" where a secret spans the seam), so it repeats
// until nothing changes, a few rounds at most.
func (r *Redactor) literal(s string) string {
	if r == nil {
		return s
	}
	r.mu.RLock()
	rep := r.replacer
	r.mu.RUnlock()
	if rep == nil {
		return s
	}
	for range 4 {
		next := rep.Replace(s)
		if next == s {
			break
		}
		s = next
	}
	return s
}

var (
	urlPattern = regexp.MustCompile(`(?i)\b[a-z][a-z0-9+.\-]*://[^\s"'<>` + "`" + `]+`)
	// paramPattern finds name=value after ? & or ; even outside a URL
	// ("GET /callback?code=abc&state=xyz").
	paramPattern = regexp.MustCompile(`([?&;#])([A-Za-z0-9_.\-\[\]]+)=(<redacted>|[^&#;\s"'<>]*)`)
	// schemePattern finds credentials after the HTTP auth schemes that carry
	// one (Digest carries parameters; "Token" is too common a word).
	schemePattern = regexp.MustCompile(`(?i)\b(bearer|basic)(\s+)([A-Za-z0-9\-._~+/]+=*)`)
	// headerLine finds "Name: value" lines.
	headerLine = regexp.MustCompile(`(?m)^([ \t]*)([A-Za-z0-9][A-Za-z0-9\-]*)([ \t]*:[ \t]*)([^\r\n]+)$`)
	// jsonMember finds "name": "value" pairs.
	jsonMember = regexp.MustCompile(`"([A-Za-z0-9_\-]+)"(\s*:\s*)"((?:[^"\\]|\\.)*)"`)
	// envAssignment finds API_KEY=value, as servers print in their logs.
	envAssignment = regexp.MustCompile(`\b([A-Z][A-Z0-9_]*(?:KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIALS?)[A-Z0-9_]*)=([^\s"']+)`)
	// jwtPattern finds JSON Web Tokens wherever they are.
	jwtPattern = regexp.MustCompile(`\beyJ[A-Za-z0-9_\-]{5,}\.[A-Za-z0-9_\-]{5,}\.[A-Za-z0-9_\-]*`)
)

// proseWord is what follows "Bearer" in a sentence ("its Bearer challenge",
// "a Bearer token"): a lowercase word, never a credential's shape.
var proseWord = regexp.MustCompile(`^[a-z]+$`)

// String redacts free text.
func (r *Redactor) String(s string) string {
	if s == "" {
		return s
	}
	s = r.literal(s)
	s = urlPattern.ReplaceAllStringFunc(s, func(m string) string {
		// Punctuation that ends a sentence is not part of the URL.
		trimmed := strings.TrimRight(m, ".,;:!?)]}")
		return r.URL(trimmed) + m[len(trimmed):]
	})
	s = redactLooseParams(s)
	s = redactSchemes(s)
	s = headerLine.ReplaceAllStringFunc(s, func(m string) string {
		sub := headerLine.FindStringSubmatch(m)
		if !IsSensitiveHeader(sub[2]) || isVariableReference(sub[4]) {
			return m
		}
		return sub[1] + sub[2] + sub[3] + headerMask(sub[2], sub[4])
	})
	s = jsonMember.ReplaceAllStringFunc(s, func(m string) string {
		sub := jsonMember.FindStringSubmatch(m)
		if !isSensitiveJSONKey(sub[1]) || sub[3] == "" || sub[3] == Mask || isVariableReference(sub[3]) {
			return m
		}
		return `"` + sub[1] + `"` + sub[2] + `"` + headerMask(sub[1], sub[3]) + `"`
	})
	s = envAssignment.ReplaceAllString(s, "${1}="+Mask)
	s = jwtPattern.ReplaceAllString(s, Mask)
	return s
}

// variableReference is how output names where a value comes from
// ("$GITHUB_TOKEN", "Bearer $GITHUB_TOKEN"): a name, not a secret.
var variableReference = regexp.MustCompile(`^(?:[A-Za-z]+ )?\$[A-Za-z_][A-Za-z0-9_]*$`)

func isVariableReference(v string) bool { return variableReference.MatchString(strings.TrimSpace(v)) }

// redactSchemes masks "Bearer abc…" while keeping challenge parameters
// readable: in `Bearer realm="x", error="invalid_token"` what follows the
// scheme is an auth-param, not a credential.
func redactSchemes(s string) string {
	idx := schemePattern.FindAllStringSubmatchIndex(s, -1)
	if idx == nil {
		return s
	}
	var b strings.Builder
	last := 0
	for _, m := range idx {
		tokStart, tokEnd := m[6], m[7]
		tok := s[tokStart:tokEnd]
		rest := s[tokEnd:]
		isParam := strings.HasPrefix(strings.TrimLeft(rest, " \t"), "=") ||
			strings.HasSuffix(tok, "=") && rest != "" && (rest[0] == '"' || isWordByte(rest[0]))
		if isParam || proseWord.MatchString(tok) {
			continue
		}
		b.WriteString(s[last:tokStart])
		b.WriteString(Mask)
		last = tokEnd
	}
	b.WriteString(s[last:])
	return b.String()
}

func isWordByte(c byte) bool {
	return c == '_' || c == '-' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// URL redacts a URL structurally: user info, sensitive query and fragment
// parameters, path segments that look like keys, and known secrets. The
// result stays readable: https://example.com/server/<redacted>?key=<redacted>.
func (r *Redactor) URL(raw string) string {
	if raw == "" {
		return raw
	}
	u, err := url.Parse(raw)
	if err != nil || u.Opaque != "" || u.Host == "" && u.Scheme != "" {
		return r.literalAndParams(raw)
	}
	var b strings.Builder
	if u.Scheme != "" {
		b.WriteString(u.Scheme + ":")
	}
	if u.Host != "" || u.Scheme != "" {
		b.WriteString("//")
		if u.User != nil {
			b.WriteString(Mask + "@")
		}
		b.WriteString(u.Host)
	}
	segments := strings.Split(u.EscapedPath(), "/")
	for i, seg := range segments {
		if plain, err := url.PathUnescape(seg); err == nil && LooksSecret(plain) {
			segments[i] = Mask
		}
	}
	b.WriteString(strings.Join(segments, "/"))
	if u.ForceQuery || u.RawQuery != "" {
		b.WriteString("?" + redactParams(u.RawQuery))
	}
	if u.Fragment != "" {
		b.WriteString("#" + redactParams(u.EscapedFragment()))
	}
	return r.literal(b.String())
}

func (r *Redactor) literalAndParams(s string) string {
	return redactLooseParams(r.literal(s))
}

// redactLooseParams masks sensitive name=value pairs wherever they stand
// after ? & ; or #, inside a URL or not.
func redactLooseParams(s string) string {
	return paramPattern.ReplaceAllStringFunc(s, func(m string) string {
		sub := paramPattern.FindStringSubmatch(m)
		if IsSensitiveParam(sub[2]) && sub[3] != "" && sub[3] != Mask {
			return sub[1] + sub[2] + "=" + Mask
		}
		return m
	})
}

// redactParams masks the values of sensitive name=value pairs in a query or
// fragment, keeping the rest byte for byte.
func redactParams(q string) string {
	parts := strings.Split(q, "&")
	for i, p := range parts {
		name, value, _ := strings.Cut(p, "=")
		if plain, err := url.QueryUnescape(name); err == nil {
			name = plain
		}
		// An empty value hides nothing (and may be followed by a mask an
		// earlier pass wrote, which must not be masked twice).
		if value != "" && value != Mask && IsSensitiveParam(name) {
			parts[i] = p[:strings.IndexByte(p, '=')+1] + Mask
		}
	}
	return strings.Join(parts, "&")
}

// LooksSecret reports whether a path segment looks like a key rather than a
// name: long, of token characters only, mixing letters and digits, and
// varied. "server-everything", "v1" and "2025-06-18" are names;
// "3f9a6c0e1b2d4a5f8e7c" is not.
func LooksSecret(seg string) bool {
	if len(seg) < 20 {
		return false
	}
	var letters, digits int
	distinct := map[rune]bool{}
	for _, c := range seg {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
			letters++
		case c >= '0' && c <= '9':
			digits++
		case strings.ContainsRune("-_.~+=", c):
		default:
			return false
		}
		distinct[c] = true
	}
	return letters > 0 && digits > 0 && len(distinct) >= 10
}

// IsSensitiveParam says whether a query parameter carries a credential:
// names that say key, token, secret, sig, password or auth, and the OAuth
// code and state.
func IsSensitiveParam(name string) bool {
	n := strings.ToLower(name)
	switch n {
	case "code", "state", "pass", "pwd":
		return true
	}
	for _, w := range []string{"key", "token", "secret", "sig", "password", "auth"} {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}

// IsSensitiveHeader says whether a header carries a credential:
// Authorization, Proxy-Authorization, Cookie, Set-Cookie, and names that
// say key, token, secret, auth, password, signature or credential. The
// challenge headers (WWW-Authenticate) and Mcp-Session-Id are evidence and
// stay visible.
func IsSensitiveHeader(name string) bool {
	n := strings.ToLower(name)
	switch n {
	case "www-authenticate", "proxy-authenticate", "authentication-info", "proxy-authentication-info":
		return false
	case "authorization", "proxy-authorization", "cookie", "set-cookie":
		return true
	}
	for _, w := range []string{"key", "token", "secret", "auth", "password", "signature", "credential"} {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}

// HeaderValue redacts one header value. For Authorization the scheme stays
// visible ("Bearer <redacted>"), because which scheme was sent is evidence.
func (r *Redactor) HeaderValue(name, value string) string {
	if IsSensitiveHeader(name) {
		return headerMask(name, value)
	}
	return r.String(value)
}

func headerMask(name, value string) string {
	n := strings.ToLower(name)
	if n == "authorization" || n == "proxy-authorization" {
		if scheme, rest, ok := strings.Cut(strings.TrimSpace(value), " "); ok && strings.TrimSpace(rest) != "" && isToken(scheme) {
			return scheme + " " + Mask
		}
	}
	return Mask
}

func isToken(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isWordByte(s[i]) {
			return false
		}
	}
	return s != ""
}

// isSensitiveJSONKey says whether a JSON member holds a credential. It is
// narrower than the header rule: metadata documents are full of keys such
// as token_endpoint and token_endpoint_auth_methods_supported whose values
// are URLs and lists that must stay readable.
func isSensitiveJSONKey(key string) bool {
	n := strings.ToLower(strings.NewReplacer("_", "", "-", "").Replace(key))
	switch n {
	case "token", "secret", "password", "passwd", "authorization", "cookie", "setcookie":
		return true
	}
	for _, suffix := range []string{"token", "secret", "password", "apikey", "privatekey", "accesskey"} {
		if strings.HasSuffix(n, suffix) {
			return true
		}
	}
	return false
}

// Writer redacts everything written through it. It holds back a partial
// line until its newline arrives (or Flush), so a secret split across two
// writes is still caught.
type Writer struct {
	r   *Redactor
	w   io.Writer
	mu  sync.Mutex
	buf []byte
}

// Writer wraps w.
func (r *Redactor) Writer(w io.Writer) *Writer { return &Writer{r: r, w: w} }

// Write buffers p and writes out every complete line, redacted.
func (w *Writer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf = append(w.buf, p...)
	nl := strings.LastIndexByte(string(w.buf), '\n')
	if nl < 0 {
		return len(p), nil
	}
	out := w.r.String(string(w.buf[:nl+1]))
	w.buf = append(w.buf[:0], w.buf[nl+1:]...)
	if _, err := io.WriteString(w.w, out); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Flush writes out a partial line (a progress line, say), redacted.
func (w *Writer) Flush() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.buf) == 0 {
		return nil
	}
	out := w.r.String(string(w.buf))
	w.buf = w.buf[:0]
	_, err := io.WriteString(w.w, out)
	return err
}

// Close flushes.
func (w *Writer) Close() error { return w.Flush() }
