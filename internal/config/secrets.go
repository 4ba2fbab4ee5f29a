package config

import (
	"strings"

	"github.com/mcpdoctor/mcpdoctor/internal/redact"
)

// Secrets returns the values of the entry the redactor must hunt through
// every text mcpdoctor prints, in the forms they are sent or shown in
// (schema/README.md: "What is never in it"). Where a value stands decides
// what is masked there — output shows env and env_vars by name only, a
// URL without its query — and these are the values that are also
// searched for everywhere else:
//
//   - values in credential places, whatever they look like: each value
//     of a header that carries a credential (Authorization,
//     Proxy-Authorization, a header named like a key or token, Codex's
//     bearer_token_env_var and env_http_headers, a header filled from a
//     prompt, a secret store or a file), as written and as resolved, with
//     its credential part (Bearer X → X; Basic → the blob,
//     user:password, password); the URL's user info, query values,
//     fragment and key-like path segments; the values that follow
//     credential flags on the command line;
//   - values elsewhere (env, env_vars, other headers, and the variables
//     they refer to) only when they could be a secret
//     (redact.CouldBeSecret): by their shape, or by a name that says
//     credential with a value that is not plainly something else. So
//     API_KEY=sk-live-… and DB_PASSWORD=hunter2 are hunted, and
//     LOG_LEVEL=info, MODE=stdio, WORKDIR=/tmp, TINY_VERSIONS=2026-07-28,
//     AUTH_ENABLED=true and X-Tenant: acme are not, so that they never
//     blank the same words in a server's name, a path or a version.
//
// The OAuth client_id is no secret. The redactor ignores values shorter
// than redact.MinSecretLen.
func (s Server) Secrets(look Lookup) []string {
	var out []string
	for _, e := range s.Env {
		if lit, ok := e.Value.IsLiteral(); ok {
			out = append(out, redact.ValueSecrets(e.Name, lit)...)
			continue
		}
		refs := e.Value.Refs()
		if v, _, _ := e.Value.Resolve(look); v != "" {
			out = append(out, NotReferences(learn(e.Name, refs, v), refs)...)
		}
		out = append(out, refValues(e.Name, refs, look, false)...)
	}
	for _, f := range s.Forward {
		if look.Env != nil {
			if v, ok := look.Env(f.Name); ok {
				out = append(out, redact.ValueSecrets(f.Name, v)...)
			}
		}
	}
	for _, h := range s.Headers {
		refs := h.Value.Refs()
		place := credentialHeader(h.Name, h.Key, refs)
		if lit, ok := h.Value.IsLiteral(); ok {
			if place || redact.CouldBeSecret(h.Name, lit) {
				out = append(out, redact.HeaderSecrets(h.Name, lit)...)
			}
			continue
		}
		if v, ok, _ := h.Value.Resolve(look); ok {
			if place || redact.CouldBeSecret(refNames(h.Name, refs), v) {
				out = append(out, NotReferences(redact.HeaderSecrets(h.Name, v), refs)...)
			}
			out = append(out, refValues(h.Name, refs, look, place)...)
		}
	}
	url, _, _ := s.URL.Resolve(look)
	out = append(out, redact.URLSecrets(url)...)
	var args []string
	for _, a := range s.Args {
		v, _, _ := a.Resolve(look)
		args = append(args, v)
	}
	out = append(out, redact.ArgSecrets(args)...)
	return out
}

// Secrets are the header's value and its credential part, as the
// redactor learns them (Server.Secrets): for a header that carries a
// credential, whatever it holds; for another, only a value that could be
// a secret. A reference sent as written is none.
func (h LaunchHeader) Secrets() []string {
	if !credentialHeader(h.Name, h.Key, h.refs) && !redact.CouldBeSecret(refNames(h.Name, h.refs), h.Value) {
		return nil
	}
	return NotReferences(redact.HeaderSecrets(h.Name, h.Value), h.refs)
}

// credentialHeader says whether a header is a credential place, whose
// value is a secret whatever it looks like: one named for a credential
// (redact.IsSensitiveHeader), one of Codex's keys that exist to carry one,
// or one filled from a prompt, a client's secret store or a file.
func credentialHeader(name, key string, refs []Ref) bool {
	if redact.IsSensitiveHeader(name) || key == "bearer_token_env_var" || key == "env_http_headers" {
		return true
	}
	return fromStore(refs)
}

// fromStore says whether a value is filled from a prompt (VS Code's
// ${input:…}), a client's secret store or a file's contents: places
// users keep credentials in.
func fromStore(refs []Ref) bool {
	for _, r := range refs {
		if r.Kind == RefInput || r.Kind == RefSecret || r.Kind == RefFile {
			return true
		}
	}
	return false
}

// learn is what to learn of a value with references kept under name.
func learn(name string, refs []Ref, v string) []string {
	if fromStore(refs) {
		return []string{v}
	}
	return redact.ValueSecrets(refNames(name, refs), v)
}

// refValues are the values the references fill in, each on its own (a
// server may echo the variable rather than the whole value): all of them
// in a credential place, else those that could be a secret.
func refValues(name string, refs []Ref, look Lookup, place bool) []string {
	var out []string
	for _, r := range refs {
		val, state := fill(r, look)
		if state != "" {
			continue
		}
		if place {
			out = append(out, val)
		} else {
			out = append(out, learn(name, []Ref{r}, val)...)
		}
	}
	return out
}

// refNames is a value's key with the names of the variables it refers
// to, for redact.CouldBeSecret: "X-Team TEAM_TOKEN" names a credential.
func refNames(name string, refs []Ref) string {
	names := []string{name}
	for _, r := range refs {
		names = append(names, r.Name)
	}
	return strings.Join(names, " ")
}
