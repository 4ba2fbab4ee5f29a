package probe

import (
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/mcpdoctor/mcpdoctor/internal/config"
	"github.com/mcpdoctor/mcpdoctor/internal/redact"
)

// credentials are the headers the config asks us to send to an HTTP server,
// resolved against the environment, with what could not be resolved.
type credentials struct {
	// Header holds every configured header with a value: http_headers,
	// env_http_headers whose variable is set, and Authorization from
	// bearer_token_env_var. These go to the configured origin only.
	Header http.Header
	// Auth describes the credential that authenticates, if one is
	// configured: Authorization, or a header whose name says key or token.
	Auth *Credential
	// Missing lists what was configured but could not be sent, as
	// sentences ("$GITHUB_TOKEN (bearer_token_env_var) is not set").
	Missing []string
	// Secrets are the resolved values and their credential parts, for
	// redaction.
	Secrets []string
}

// resolveCredentials reads the config's headers as Codex would send them:
// http_headers first, then env_http_headers (a variable that is unset drops
// the header, as Codex silently does), then bearer_token_env_var, which wins
// for Authorization.
func resolveCredentials(s config.Server, lookup func(string) (string, bool)) credentials {
	c := credentials{Header: http.Header{}}
	for _, name := range slices.Sorted(maps.Keys(s.HTTPHeaders)) {
		v := s.HTTPHeaders[name]
		c.Header.Set(name, v)
		c.Secrets = append(c.Secrets, redact.HeaderSecrets(name, v)...)
		if isCredentialHeader(name) && c.Auth == nil {
			c.Auth = &Credential{Header: http.CanonicalHeaderKey(name), Source: "http_headers", Sent: true}
		}
	}
	for _, name := range slices.Sorted(maps.Keys(s.EnvHTTPHeaders)) {
		variable := s.EnvHTTPHeaders[name]
		v, ok := lookup(variable)
		sent := ok && v != ""
		if sent {
			c.Header.Set(name, v)
			c.Secrets = append(c.Secrets, redact.HeaderSecrets(name, v)...)
		} else {
			c.Missing = append(c.Missing, "$"+variable+" (env_http_headers."+name+") is not set, so the "+name+" header was not sent")
		}
		if isCredentialHeader(name) && (c.Auth == nil || !c.Auth.Sent) {
			c.Auth = &Credential{Header: http.CanonicalHeaderKey(name), Source: "env_http_headers $" + variable, Sent: sent}
		}
	}
	if variable := s.BearerTokenEnvVar; variable != "" {
		v, ok := lookup(variable)
		v = strings.TrimSpace(v)
		sent := ok && v != ""
		if sent {
			c.Header.Set("Authorization", "Bearer "+v)
			c.Secrets = append(c.Secrets, v)
		} else {
			state := "is not set"
			if ok {
				state = "is empty"
			}
			c.Missing = append(c.Missing, "$"+variable+" (bearer_token_env_var) "+state+", so no Authorization header was sent")
		}
		c.Auth = &Credential{Header: "Authorization", Source: "bearer_token_env_var $" + variable, Sent: sent}
	}
	return c
}

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
