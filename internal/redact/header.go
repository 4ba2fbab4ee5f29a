package redact

import (
	"encoding/base64"
	"strings"
)

// IsSensitiveHeader says whether a header carries a credential:
// Authorization, Proxy-Authorization, Cookie, Set-Cookie, and names with a
// word that says key, token, secret, auth, password, signature or
// credential (X-Api-Key, X-Auth-Token; not Author, not Keyboard). The
// challenge headers (WWW-Authenticate) and Mcp-Session-Id are evidence and
// stay visible.
func IsSensitiveHeader(name string) bool {
	switch strings.ToLower(name) {
	case "www-authenticate", "proxy-authenticate", "authentication-info", "proxy-authentication-info":
		return false
	case "authorization", "proxy-authorization", "cookie", "set-cookie":
		return true
	}
	return namesCredential(name, "signature", "credential", "credentials")
}

// namesCredential says whether a name ("X-Api-Key", "client_secret",
// "--auth-token") has a word that ends like a credential's: key, token,
// secret, password, passwd, auth, or one of more.
func namesCredential(name string, more ...string) bool {
	words := strings.FieldsFunc(strings.ToLower(name), func(c rune) bool { return c == '-' || c == '_' || c == '.' || c == ' ' })
	for _, w := range words {
		for _, end := range append([]string{"key", "token", "secret", "password", "passwd", "auth", "authorization"}, more...) {
			if strings.HasSuffix(w, end) {
				return true
			}
		}
	}
	return false
}

// Header redacts one header value by the header's name. A credential
// header is masked, keeping the scheme of Authorization and
// Proxy-Authorization ("Bearer <redacted>"), because which scheme was sent
// is evidence. Location is a URL. The headers that say what a message is
// (Content-Type, MCP-Protocol-Version, Mcp-Method, Mcp-Session-Id…) are
// fields. Everything else — WWW-Authenticate with its
// error="invalid_token" and its resource_metadata URL among it — is
// text, with known secrets and the secrets of URLs masked.
func (r *Redactor) Header(name, value string) string {
	if IsSensitiveHeader(name) {
		if scheme, _, ok := authScheme(name, value); ok {
			return scheme + " " + Mask
		}
		return Mask
	}
	switch n := strings.ToLower(name); {
	case n == "location" || n == "content-location":
		return r.URL(value)
	case standardHeaders[n] || fieldHeaders[n]:
		return r.Field(value)
	}
	return r.Text(value)
}

// SentHeader redacts the value of a header as a client sends it: a
// configured one, or one mcpdoctor sent. A credential header is masked as
// Header masks it; any other is the user's own setting or mcpdoctor's, a
// field (X-Mode: production, MCP-Protocol-Version: 2026-07-28), masked
// only where it holds a credential. What a server sends back is Header's.
func (r *Redactor) SentHeader(name, value string) string {
	if IsSensitiveHeader(name) {
		return r.Header(name, value)
	}
	return r.Field(value)
}

// fieldHeaders, with standardHeaders, are evidence by what they are.
var fieldHeaders = map[string]bool{
	"content-length": true, "content-encoding": true, "mcp-method": true, "mcp-name": true, "mcp-session-id": true,
	"date": true, "server": true, "vary": true, "connection": true, "transfer-encoding": true,
}

// authScheme splits "Bearer abc" into its scheme and credential, for the
// headers that carry one (RFC 9110 §11.6.2, §11.7.2).
func authScheme(name, value string) (scheme, credential string, ok bool) {
	n := strings.ToLower(name)
	if n != "authorization" && n != "proxy-authorization" {
		return "", "", false
	}
	scheme, credential, ok = strings.Cut(strings.TrimSpace(value), " ")
	credential = strings.TrimSpace(credential)
	if !ok || credential == "" || !isToken(scheme) {
		return "", "", false
	}
	return scheme, credential, true
}

// standardHeaders carry no secret of the user's: their configured values
// ("application/json") are not taught to the redactor, which would blank
// them everywhere.
var standardHeaders = map[string]bool{
	"accept": true, "accept-encoding": true, "accept-language": true, "content-type": true,
	"user-agent": true, "cache-control": true, "mcp-protocol-version": true,
}

// HeaderSecrets lists the forms of a configured or sent header value that
// are secrets wherever they turn up: the value itself, its credential
// without the scheme ("Bearer X" → X), and for Basic the Base64 blob, the
// "user:password" it decodes to and the password.
func HeaderSecrets(name, value string) []string {
	if standardHeaders[strings.ToLower(name)] || strings.TrimSpace(value) == "" {
		return nil
	}
	out := []string{value}
	credential := strings.TrimSpace(value)
	if scheme, c, ok := strings.Cut(credential, " "); ok && isToken(scheme) && strings.TrimSpace(c) != "" {
		credential = strings.TrimSpace(c)
		out = append(out, credential)
		if strings.EqualFold(scheme, "basic") {
			out = append(out, basicSecrets(credential)...)
		}
	}
	return out
}

// basicSecrets decodes a Basic credential into "user:password" and the
// password.
func basicSecrets(blob string) []string {
	plain, err := base64.StdEncoding.DecodeString(blob)
	if err != nil {
		if plain, err = base64.RawStdEncoding.DecodeString(blob); err != nil {
			return nil
		}
	}
	out := []string{string(plain)}
	if _, pw, ok := strings.Cut(string(plain), ":"); ok {
		out = append(out, pw)
	}
	return out
}

func isToken(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isWordByte(s[i]) {
			return false
		}
	}
	return s != ""
}

func isWordByte(c byte) bool {
	return c == '_' || c == '-' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}
