package config

import (
	"errors"
	"strconv"

	"maps"
	"slices"
	"strings"
)

// Launch is a server as its client would start it on this machine: every
// reference filled in by the client's rules, and what could not be.
type Launch struct {
	Command string
	Args    []string
	// Env is the whole environment of a stdio server, sorted: what the
	// client passes on from its own (Inherit), the forwarded variables,
	// then the server's own.
	Env []string
	Cwd string

	URL     string
	Headers []LaunchHeader

	// Gaps are the references that could not be filled in, with what the
	// client does about each.
	Gaps []LaunchGap
}

// LaunchHeader is one header as the client would send it, or not.
type LaunchHeader struct {
	Name  string
	Value string
	// Sent is false when the client leaves the header out, or refuses to
	// start the server, for want of a reference.
	Sent bool
	// Key is the config key it comes from; Refs are its references, as
	// written, for evidence that names them without their values.
	Key  string
	Refs []string
	refs []Ref
	// Vars are the environment variables that fill its references in
	// ("TOKEN" for ${env:TOKEN}; MCPDOCTOR_INPUT_KEY for ${input:key}).
	Vars []string
}

// LaunchGap is a reference the client could not fill in.
type LaunchGap struct {
	// Key is where it is written: "bearer_token_env_var",
	// "env_http_headers.X-Api-Key", "args[2]", "url".
	Key    string
	Ref    Ref
	State  string
	Effect Unset
	// Header is the header it stands in, if any.
	Header string
}

// Fails reports whether the client refuses to start the server over this
// gap.
func (g LaunchGap) Fails() bool { return g.Effect == UnsetFail }

// Sentence says it as evidence: "$GITHUB_TOKEN (bearer_token_env_var) is
// not set, so no Authorization header was sent".
func (g LaunchGap) Sentence() string {
	s := g.Ref.Written + " (" + g.Key + ") " + g.State
	switch {
	case g.Ref.Withheld != "":
	case g.Header != "" && g.Effect == UnsetFail:
		s += ", so no " + g.Header + " header was sent"
	case g.Header != "" && g.Effect == UnsetDrop:
		s += ", so the " + g.Header + " header was not sent"
	case g.Header != "" && g.Effect == UnsetEmpty:
		s += ", so the " + g.Header + " header was sent without it"
	case g.Header != "" && g.Effect == UnsetLiteral:
		s += ", so the " + g.Header + " header was sent with it as written"
	case g.Effect == UnsetEmpty:
		s += ", so it was left empty"
	case g.Effect == UnsetLiteral:
		s += ", so it was sent as written"
	case g.Effect == UnsetDrop:
		s += ", so it was left out"
	}
	return s
}

// Launch fills in the server's values as its client would.
func (s Server) Launch(look Lookup) Launch {
	var l Launch
	resolve := func(key string, v Value, header string) (string, bool) {
		text, ok, gaps := v.Resolve(look)
		for _, g := range gaps {
			l.Gaps = append(l.Gaps, LaunchGap{Key: key, Ref: g.Ref, State: g.State, Effect: g.Ref.Unset, Header: header})
		}
		return text, ok
	}
	l.Command, _ = resolve("command", s.Command, "")
	for i, a := range s.Args {
		text, _ := resolve("args["+strconv.Itoa(i)+"]", a, "")
		l.Args = append(l.Args, text)
	}
	l.Cwd, _ = resolve("cwd", s.Cwd, "")
	l.URL, _ = resolve("url", s.URL, "")
	for _, h := range s.Headers {
		key := h.Key
		if key != "bearer_token_env_var" && key != "apiKey" {
			key += "." + QuoteKey(h.Name)
		}
		text, ok := resolve(key, h.Value, h.Name)
		lh := LaunchHeader{Name: h.Name, Value: text, Sent: ok, Key: h.Key}
		lh.refs = h.Value.Refs()
		for _, r := range lh.refs {
			lh.Refs = append(lh.Refs, r.Written)
			if v := r.Variable(); v != "" {
				lh.Vars = append(lh.Vars, v)
			}
		}
		l.Headers = append(l.Headers, lh)
	}
	if s.Transport == TransportStdio {
		vars := map[string]string{}
		env := look.Env
		if env == nil {
			env = func(string) (string, bool) { return "", false }
		}
		if s.Inherit != nil {
			for _, name := range s.Inherit {
				if v, ok := env(name); ok {
					vars[name] = v
				}
			}
		} else {
			for _, kv := range environ(look) {
				if k, v, ok := strings.Cut(kv, "="); ok {
					vars[k] = v
				}
			}
		}
		for _, f := range s.Forward {
			if v, ok := env(f.Name); ok {
				vars[f.Name] = v
			}
		}
		if s.EnvFile != "" {
			var data []byte
			err := errors.New("no way to read files")
			if look.ReadFile != nil {
				data, err = look.ReadFile(s.EnvFile)
			}
			if err != nil {
				l.Gaps = append(l.Gaps, LaunchGap{Key: "envFile", Ref: Ref{Kind: RefFile, Name: s.EnvFile, Written: s.EnvFile}, State: unreadable(err), Effect: UnsetFail})
			}
			for k, v := range dotEnv(data) {
				vars[k] = v
			}
		}
		for _, e := range s.Env {
			if text, ok := resolve("env."+e.Name, e.Value, ""); ok {
				vars[e.Name] = text
			}
		}
		for _, k := range slices.Sorted(maps.Keys(vars)) {
			l.Env = append(l.Env, k+"="+vars[k])
		}
	}
	return l
}

// environ is the whole environment a client passes on when it passes all
// of it. Tests give a Lookup with Environ to control it.
func environ(look Lookup) []string {
	if look.Environ != nil {
		return look.Environ()
	}
	return nil
}

// HelperEnv is the environment the client runs its headers helper with:
// Codex builds it as for a stdio server (http_headers.rs), Claude Code
// passes its own on; both add the helper's variables.
func (s Server) HelperEnv(look Lookup) []string {
	vars := map[string]string{}
	if s.Inherit != nil {
		for _, name := range s.Inherit {
			if look.Env != nil {
				if v, ok := look.Env(name); ok {
					vars[name] = v
				}
			}
		}
	} else {
		for _, kv := range environ(look) {
			if k, v, ok := strings.Cut(kv, "="); ok {
				vars[k] = v
			}
		}
	}
	if s.HeadersHelper != nil {
		for _, kv := range s.HeadersHelper.Env {
			if k, v, ok := strings.Cut(kv, "="); ok {
				vars[k] = v
			}
		}
	}
	var out []string
	for _, k := range slices.Sorted(maps.Keys(vars)) {
		out = append(out, k+"="+vars[k])
	}
	return out
}
