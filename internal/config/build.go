package config

import (
	"maps"
	"slices"
)

// Building an entry in code, with Codex's keys, as its reader does: for
// tests, and for tools that write entries rather than read them.

// Literals makes a list of values without references.
func Literals(ss ...string) []Value {
	if ss == nil {
		return nil
	}
	out := make([]Value, len(ss))
	for i, s := range ss {
		out[i] = Literal(s)
	}
	return out
}

// Client is the client the entry belongs to: Codex when the entry was
// built without a source.
func (s Server) Client() Client {
	if s.Source.Client == "" {
		return ClientCodex
	}
	return s.Source.Client
}

// SetEnv sets the variables of a stdio server (Codex's env).
func (s *Server) SetEnv(env map[string]string) {
	s.Env = nil
	for _, k := range slices.Sorted(maps.Keys(env)) {
		s.Env = append(s.Env, EnvVar{Name: k, Value: Literal(env[k])})
	}
}

// AddHTTPHeaders adds headers with fixed values (Codex's http_headers).
func (s *Server) AddHTTPHeaders(h map[string]string) {
	for _, k := range slices.Sorted(maps.Keys(h)) {
		s.Headers = append(s.Headers, Header{Name: k, Value: Literal(h[k]), Key: "http_headers"})
	}
}

// AddEnvHTTPHeaders adds headers whose values are variables (Codex's
// env_http_headers: an unset one drops the header).
func (s *Server) AddEnvHTTPHeaders(h map[string]string) {
	for _, k := range slices.Sorted(maps.Keys(h)) {
		s.Headers = append(s.Headers, Header{Name: k, Value: codexEnvValue(h[k], UnsetDrop, false), Key: "env_http_headers"})
	}
}

// SetBearerTokenEnvVar sends Authorization: Bearer $variable (Codex's
// bearer_token_env_var: an unset one stops the server).
func (s *Server) SetBearerTokenEnvVar(variable string) {
	bearer := codexEnvValue(variable, UnsetFail, true)
	bearer.Written = "Bearer " + bearer.Written
	bearer.Parts = append([]Part{{Text: "Bearer "}}, bearer.Parts...)
	s.Headers = append(s.Headers, Header{Name: "Authorization", Key: "bearer_token_env_var", Value: bearer})
}
