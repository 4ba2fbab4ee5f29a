package probe

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"

	"github.com/mcpdoctor/mcpdoctor/internal/config"
)

// credentials are the headers the config asks us to send to an HTTP server,
// filled in as its client fills them in, with what could not be.
type credentials struct {
	// Header holds every configured header the client sends, in the order
	// it builds them (a later one wins). These go to the configured origin
	// only.
	Header http.Header
	// Auth describes the credential that authenticates, if one is
	// configured: Authorization, or a header whose name says key or token.
	Auth *Credential
	// Missing lists what was configured but could not be filled in, as
	// sentences ("$GITHUB_TOKEN (bearer_token_env_var) is not set, so no
	// Authorization header was sent").
	Missing []string
	// Secrets are the values sent and their credential parts, for
	// redaction.
	Secrets []string
}

// resolveCredentials reads the headers of a launched server: for Codex,
// http_headers first, then env_http_headers (a variable that is unset
// drops the header, as Codex silently does), then bearer_token_env_var,
// which wins for Authorization; for the others, their headers with their
// variables filled in by their rules.
func resolveCredentials(l config.Launch) credentials {
	c := credentials{Header: http.Header{}}
	for _, h := range l.Headers {
		if h.Sent {
			c.Header.Set(h.Name, h.Value)
			c.Secrets = append(c.Secrets, h.Secrets()...)
		}
		if !isCredentialHeader(h.Name) {
			continue
		}
		// The first credential header counts, unless a later one is sent
		// where it was not, or replaces it; Codex's bearer_token_env_var
		// counts even unset, because then Codex does not start the server.
		replace := c.Auth == nil || !c.Auth.Sent && h.Sent || h.Key == "bearer_token_env_var" ||
			h.Sent && strings.EqualFold(c.Auth.Header, h.Name)
		if replace {
			source := h.Key
			if len(h.Refs) > 0 {
				source += " " + strings.Join(h.Refs, " ")
			}
			c.Auth = &Credential{Header: http.CanonicalHeaderKey(h.Name), Source: source, Sent: h.Sent, Key: h.Key}
			if len(h.Vars) > 0 {
				c.Auth.Variable = h.Vars[0]
			}
		}
	}
	for _, g := range l.Gaps {
		if g.Header != "" {
			c.Missing = append(c.Missing, g.Sentence())
		}
	}
	return c
}

// fromUserInfo makes the URL's user info the credential when nothing else
// sets Authorization: HTTP clients, Go's and Codex's reqwest among them,
// send it as Basic authentication, and a header set explicitly (a
// configured one, a helper's, a stored OAuth token) wins over it. Set
// here, the header is sent, recorded and redacted like any other, and,
// like them, goes to the configured origin only. It returns the secrets
// the header holds, for redaction.
func (c *credentials) fromUserInfo(rawURL string) (secrets []string) {
	if c.Auth != nil || c.Header.Get("Authorization") != "" {
		return nil
	}
	u, err := url.Parse(rawURL)
	if err != nil || u.User == nil {
		return nil
	}
	password, _ := u.User.Password()
	pair := u.User.Username() + ":" + password
	blob := base64.StdEncoding.EncodeToString([]byte(pair))
	c.Header.Set("Authorization", "Basic "+blob)
	c.Auth = &Credential{Header: "Authorization", Source: UserInfoSource, Sent: true, Key: UserInfoSource}
	return []string{blob, pair, password}
}

// UserInfoSource names the URL's user info as where a credential comes
// from, in evidence and hints.
const UserInfoSource = "the URL's user info"

// isCredentialHeader says whether a header authenticates the client.
func isCredentialHeader(name string) bool {
	n := strings.ToLower(name)
	if n == "authorization" || n == "cookie" || n == "proxy-authorization" {
		return true
	}
	for _, w := range []string{"key", "token", "secret", "auth"} {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}
