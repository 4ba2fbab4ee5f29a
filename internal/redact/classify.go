package redact

import (
	"regexp"
	"strings"
	"unicode"
)

// Which values are hunted.
//
// Where a value stands decides whether it is masked there: an env value,
// a query value, an Authorization header are masked whatever they hold.
// Whether the redactor also searches every other text for it is decided
// here, by the value itself and the name it is kept under, because a
// value that is searched for blanks every text that holds the same
// characters: LOG_LEVEL=info must not turn "info" into <redacted>
// wherever it is written, MODE=stdio must not blank "stdio" in a server's
// name, and WORKDIR=/tmp must not eat the start of every path.
//
// A value is hunted when it could be a secret ([CouldBeSecret]): when it
// has the shape of a credential whatever its name ([CredentialShaped]), or
// when its name says credential ([NamesCredential]) and it is not
// obviously something else ([ObviousNonSecret]). Values in credential
// places (Authorization, a bearer token's variable, env_http_headers,
// query values, user info, a credential flag's value, stored tokens) are
// hunted whatever they look like; that is the caller's choice, made by
// where it found them (internal/config's Secrets).

// NamesCredential reports whether a name — an environment variable, a
// header, a config key, or several of them separated by spaces — says it
// holds a credential: one of its words (split at punctuation and at
// camelCase humps) ends like key, token, secret, password, passwd,
// passphrase, auth, authorization, cookie, credential, signature or
// bearer, or is api, pass, pwd, pat, pin, otp, session, private, sig,
// jwt or salt. GITHUB_TOKEN, X-Api-Key, apiKey, AUTH_MODE, DB_PASSWORD
// and SESSION_ID do; LOG_LEVEL, NODE_ENV, AUTHOR and KEYBOARD_LAYOUT do
// not.
func NamesCredential(name string) bool {
	for _, w := range nameWords(name) {
		if credentialWords[w] {
			return true
		}
		for _, end := range credentialEnds {
			if strings.HasSuffix(w, end) {
				return true
			}
		}
	}
	return false
}

var credentialEnds = []string{"key", "keys", "token", "tokens", "secret", "secrets", "password", "passwords", "passwd",
	"passphrase", "auth", "authorization", "cookie", "cookies", "credential", "credentials", "signature", "bearer"}

var credentialWords = setOf("api", "pass", "pwd", "pat", "pin", "otp", "session", "sessionid", "private", "sig", "jwt", "salt")

// nameWords splits a name into lower-case words: at every character that
// is neither a letter nor a digit, and where a lower-case letter or digit
// is followed by an upper-case one (apiKey → api, key).
func nameWords(name string) []string {
	var words []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			words = append(words, strings.ToLower(string(cur)))
			cur = cur[:0]
		}
	}
	prev := rune(0)
	for _, c := range name {
		switch {
		case !unicode.IsLetter(c) && !unicode.IsDigit(c):
			flush()
		case unicode.IsUpper(c) && (unicode.IsLower(prev) || unicode.IsDigit(prev)):
			flush()
			cur = append(cur, c)
		default:
			cur = append(cur, c)
		}
		prev = c
	}
	flush()
	return words
}

// CouldBeSecret reports whether a configured value, kept under key (an
// environment variable's or a header's name; several names separated by
// spaces when the value comes through a reference), could be a secret,
// so that the redactor must search all other text for it:
//
//   - whatever the key, when the value has the shape of a credential
//     ([CredentialShaped]): OPENAI=sk-proj-…, NOTES=eyJhbGciOi…,
//     DATABASE_URL=postgres://u:pw@db/x, X-Workspace: 3f9a6c0e1b2d4a5f8e7c…;
//   - when the key names a credential ([NamesCredential]) and the value
//     is not an obvious non-secret ([ObviousNonSecret]): DB_PASSWORD=hunter2,
//     API_KEY=abc, X-Auth-Token: letmein.
//
// It is not for LOG_LEVEL=info, NODE_ENV=production, MODE=stdio,
// WORKDIR=/tmp, TINY_VERSIONS=2026-07-28, SERVER_NAME=mcptest-fake, nor
// for AUTH_MODE=http, AUTH_ENABLED=true, API_VERSION=2026-07-28,
// SESSION_TIMEOUT=30 or PRIVATE_KEY_PATH=/home/me/.ssh/id_ed25519: a
// credential's name with a value that is plainly no credential.
func CouldBeSecret(key, value string) bool {
	v := strings.TrimSpace(value)
	if v == "" {
		return false
	}
	if CredentialShaped(v) {
		return true
	}
	return NamesCredential(key) && !ObviousNonSecret(v)
}

// ValueSecrets returns what the redactor should learn of a configured
// value kept under key: nothing when it could not be a secret
// (CouldBeSecret); a URL's secret parts (user info, query values,
// fragment, key-like path segments: [URLSecrets]), not its scheme and
// host, when it is a URL; else the value.
func ValueSecrets(key, value string) []string {
	if !CouldBeSecret(key, value) {
		return nil
	}
	if isURL(strings.TrimSpace(value)) {
		return URLSecrets(strings.TrimSpace(value))
	}
	return []string{value}
}

// CredentialShaped reports whether a value looks like a credential by
// itself, whatever it is called:
//
//   - a token that says what it is: a JSON Web Token (eyJ….eyJ….…) or a
//     service's token (ghp_…, xoxb-…, sk-…, AKIA…) anywhere in it, or a
//     known prefix (github_pat_, glpat-, sk_live_, AIza, npm_, hf_,
//     secret_, …) that starts it, followed by 8 token characters or more;
//   - a PEM block (-----BEGIN …);
//   - a credential with its scheme: "Bearer …", "Basic …", "Token …";
//   - a URL with user info, a query, a fragment or a key-like path
//     segment (https://u:pw@h/, https://h/mcp?key=…);
//   - one word (no spaces) of token characters that looks like a key
//     (LooksSecret, with "/" as one more separator), or a padded Base64
//     blob of 16 characters or more.
//
// A multi-line value is one when any of its lines is. A file path is
// never a credential by its shape, only by a token inside it.
func CredentialShaped(v string) bool {
	v = strings.TrimSpace(v)
	if len(v) < MinSecretLen {
		return false
	}
	if strings.Contains(v, "-----BEGIN ") || selfDescribing.MatchString(v) || knownPrefix(v) {
		return true
	}
	if strings.ContainsAny(v, "\r\n") {
		for _, line := range strings.FieldsFunc(v, func(c rune) bool { return c == '\n' || c == '\r' }) {
			if CredentialShaped(line) {
				return true
			}
		}
		return false
	}
	if scheme, cred, ok := strings.Cut(v, " "); ok && authSchemes[strings.ToLower(scheme)] && isTokenWord(strings.TrimSpace(cred)) {
		return true
	}
	if isURL(v) {
		return urlHasSecrets(v)
	}
	if isPath(v) || strings.ContainsAny(v, " \t") {
		return false
	}
	return keyLike(v, "-_.~+=/") || paddedBase64.MatchString(v) && hasBoth(v)
}

// urlHasSecrets says whether a URL holds user info, a query or fragment
// value, or a key-like path segment.
func urlHasSecrets(v string) bool {
	for _, s := range URLSecrets(v) {
		if s != "" {
			return true
		}
	}
	return false
}

var authSchemes = setOf("bearer", "basic", "token", "digest", "apikey", "api-key", "dpop")

// tokenPrefixes begin the keys of services MCP servers often wrap; a value
// that starts with one and goes on with at least 8 token characters is a
// credential. selfDescribing holds the stricter forms that are also
// found inside free text.
var tokenPrefixes = []string{"sk-", "sk_", "pk_", "rk_", "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "glpat-",
	"xoxa-", "xoxb-", "xoxp-", "xoxr-", "xoxs-", "xapp-", "AKIA", "ASIA", "AIza", "npm_", "hf_", "shpat_", "shpss_",
	"secret_", "ntn_", "lin_api_", "dop_v1_", "SG.", "pplx-", "gsk_", "r8_", "ya29.", "sq0atp-", "sq0csp-"}

func knownPrefix(v string) bool {
	for _, p := range tokenPrefixes {
		if rest, ok := strings.CutPrefix(v, p); ok && len(rest) >= 8 && isTokenWord(rest) {
			return true
		}
	}
	return false
}

// isTokenWord says whether s is one word of the characters tokens are
// made of (letters, digits and -_.~+/=).
func isTokenWord(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isAlnum(c) && strings.IndexByte("-_.~+/=", c) < 0 {
			return false
		}
	}
	return true
}

var paddedBase64 = regexp.MustCompile(`^[A-Za-z0-9+/]{16,}={1,2}$`)

// hasBoth says whether s has upper- and lower-case letters.
func hasBoth(s string) bool {
	return strings.IndexFunc(s, unicode.IsUpper) >= 0 && strings.IndexFunc(s, unicode.IsLower) >= 0
}

// ObviousNonSecret reports whether a value is plainly no credential,
// whatever it is called:
//
//   - a number (8080, 0.5, 30s, 100%), up to 10 digits;
//   - a boolean or a word of a small vocabulary: true, false, yes, no,
//     on, off, none, auto; stdio, http, https, sse, ws, streamable_http;
//     trace, debug, info, warn, error; production, development, staging,
//     test; modern, legacy; oauth, bearer, basic; json, text…;
//   - a date or a time (2026-07-28, 2026-07-28T10:00:00Z), a version
//     (1.2.3, v2.0.0-beta.1), or digits with separators holding no more
//     than 8 digits (06-18, 12:30);
//   - a file path (/tmp, ~/x, ./bin, C:\tools) of path characters;
//   - an IP address, localhost or a lower-case host name, with a port or
//     not (127.0.0.1:8080, api.example.com);
//   - a URL with nothing secret in it: no user info, no query, no
//     fragment, no key-like path segment (https://api.example.com/v1).
//
// hunter2, letmein, mcptest-fake, Zx81Kq29… and "correct horse" are not.
func ObviousNonSecret(v string) bool {
	v = strings.TrimSpace(v)
	if v == "" {
		return true
	}
	l := strings.ToLower(v)
	switch {
	case vocabulary[l], numberRE.MatchString(v), dateRE.MatchString(v), versionRE.MatchString(v), fewDigits(v),
		isPath(v), ipRE.MatchString(v), hostRE.MatchString(v), localhostRE.MatchString(l):
		return true
	case isURL(v):
		return !urlHasSecrets(v)
	}
	return false
}

// harmless says whether a learned secret looks like no credential: the
// redactor hunts it through free text, but never through a structured
// field (Field) or a URL's scheme and host, where it would blank evidence
// (a version, a scheme word, a path). A path whose segment looks like a
// key stays a credential: a Base64 token may start with a slash.
func harmless(v string) bool {
	v = strings.TrimSpace(v)
	if !ObviousNonSecret(v) || CredentialShaped(v) {
		return false
	}
	if isPath(v) {
		for _, seg := range strings.FieldsFunc(v, func(c rune) bool { return c == '/' || c == '\\' }) {
			if keyLike(seg, "-_.~+=") || paddedBase64.MatchString(seg) {
				return false
			}
		}
	}
	return true
}

// vocabulary holds the words config values are made of that are never a
// credential: booleans and switches, transports and URL schemes, log
// levels, environments, eras, auth modes, formats.
var vocabulary = setOf(
	"true", "false", "yes", "no", "on", "off", "y", "n", "enabled", "disabled", "enable", "disable",
	"none", "null", "nil", "auto", "default", "always", "never", "required", "optional", "unset",
	"stdio", "http", "https", "sse", "ws", "wss", "tcp", "udp", "unix", "file", "grpc", "local", "remote",
	"streamable_http", "streamable-http", "streamablehttp", "streamable",
	"trace", "debug", "info", "notice", "warn", "warning", "error", "err", "fatal", "critical", "crit",
	"panic", "silent", "verbose", "quiet", "all",
	"production", "prod", "development", "dev", "staging", "stage", "test", "testing", "qa", "preview",
	"sandbox", "demo", "ci",
	"modern", "legacy", "latest", "stable", "next", "beta", "alpha", "canary", "nightly",
	"oauth", "oauth2", "bearer", "basic", "digest", "anonymous", "public", "token", "apikey", "api_key", "api-key",
	"json", "text", "yaml", "toml", "xml", "plain", "pretty", "compact", "csv", "markdown", "md", "html",
	"utc", "stateless", "stateful", "strict", "lax", "read", "write", "readonly", "read-only", "readwrite",
)

var (
	numberRE    = regexp.MustCompile(`(?i)^[+-]?\d{1,10}(?:\.\d+)?(?:ms|s|m|h|d|kb|mb|gb|k|%)?$`)
	dateRE      = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$`)
	versionRE   = regexp.MustCompile(`^[vV]?\d+(?:\.\d+){1,3}(?:[-+][0-9A-Za-z][0-9A-Za-z.\-]{0,30})?$`)
	ipRE        = regexp.MustCompile(`^(?:(?:\d{1,3}\.){3}\d{1,3}(?::\d{1,5})?|\[[0-9A-Fa-f:.]+\](?::\d{1,5})?|::1)$`)
	hostRE      = regexp.MustCompile(`^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24}(?::\d{1,5})?$`)
	localhostRE = regexp.MustCompile(`^localhost(?::\d{1,5})?$`)
	// pathRE is a file path as configs write them: absolute, from the
	// home directory, relative with ./ or ../, or a Windows drive's, of
	// letters, digits and the punctuation file names use. Paths joined by
	// : or ; (a PATH) count too.
	pathRE = regexp.MustCompile(`^(?:~|\.{1,2})?[/\\]|^[A-Za-z]:[/\\]`)
)

// fewDigits says whether v is digits and separators with at most 8
// digits: a date's or a version's piece (06-18, 1.2, 12:30).
func fewDigits(v string) bool {
	if v == "" || v[0] < '0' || v[0] > '9' {
		return false
	}
	digits := 0
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c >= '0' && c <= '9':
			digits++
		case strings.IndexByte("._:/-", c) >= 0:
		default:
			return false
		}
	}
	return digits <= 8
}

func isPath(v string) bool {
	if !pathRE.MatchString(v) {
		return false
	}
	for _, c := range v {
		if !unicode.IsLetter(c) && !unicode.IsDigit(c) && !strings.ContainsRune(`/\._-~+@%,=:; `, c) {
			return false
		}
	}
	return true
}

// keyLike says whether a word looks like a key rather than a name: at
// least 16 characters, of letters and digits and the separators given,
// with letters and digits both, six different characters or more, and
// one of:
//
//   - a UUID, or hexadecimal (3f9a6c0e1b2d4a5f…);
//   - letters and digits alternating at least three times within a part
//     between separators (abc123def456ghi7: five times);
//   - the case changing at least six times between neighbouring letters,
//     with no more than a quarter of them vowels: random mixed case, not
//     words run together (ThisIsMyServerName2024 has a third vowels).
//
// server-everything, 2025-06-18, claude-3-5-sonnet-20241022,
// gpt-4o-mini-2024-07-18 and node18-alpine are names.
func keyLike(s, separators string) bool {
	if len(s) < 16 {
		return false
	}
	var letters, digits, vowels, alternations, caseChanges int
	var prev byte // the previous letter or digit in this part; 0 after a separator
	var prevLetter byte
	var seen [256]bool
	distinct := 0
	hex := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !seen[c] {
			seen[c] = true
			distinct++
		}
		switch {
		case isLetter(c):
			letters++
			if strings.IndexByte("aeiouAEIOU", c) >= 0 {
				vowels++
			}
			if isDigit(prev) {
				alternations++
			}
			if prevLetter != 0 && isUpper(c) != isUpper(prevLetter) {
				caseChanges++
			}
			if !strings.ContainsRune("abcdefABCDEF", rune(c)) {
				hex = false
			}
			prev, prevLetter = c, c
		case isDigit(c):
			digits++
			if isLetter(prev) {
				alternations++
			}
			prev = c
		case strings.IndexByte(separators, c) >= 0:
			if c != '-' {
				hex = false
			}
			prev, prevLetter = 0, 0
		default:
			return false
		}
	}
	switch {
	case letters == 0 || digits == 0 || distinct < 6:
		return false
	case hex || uuidRE.MatchString(s):
		return true
	case alternations >= 3:
		return true
	}
	return caseChanges >= max(4, letters/3) && 10*vowels <= 3*letters
}

var uuidRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isUpper(c byte) bool  { return c >= 'A' && c <= 'Z' }
func isAlnum(c byte) bool  { return isLetter(c) || isDigit(c) }

func setOf(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}
