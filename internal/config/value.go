package config

import (
	"os"
	"strings"
)

// A Value is a config value that may refer to things the client fills in
// when it starts the server: an environment variable (${VAR},
// ${env:VAR}, $VAR), an input it prompts for (${input:id}), a secret from
// its own store (${{ secrets.X }}), a file ({file:path}). Readers parse
// each client's syntax into Parts; resolving them is the same for every
// client, with the client's own rule for what an unset variable becomes
// (Ref.Unset).
type Value struct {
	// Written is the value as the file writes it, for messages and for
	// showing a value whose references are names, not secrets.
	Written string
	Parts   []Part
}

// Part is literal text, or one reference.
type Part struct {
	Text string
	Ref  *Ref
}

// RefKind says what a reference names.
type RefKind string

const (
	// RefEnv is an environment variable of the client's process.
	RefEnv RefKind = "env"
	// RefInput is a value the client prompts the user for (VS Code's
	// ${input:id}); mcpdoctor cannot fill it in.
	RefInput RefKind = "input"
	// RefSecret is a secret from the client's own store (Continue's
	// ${{ secrets.X }}); mcpdoctor cannot fill it in.
	RefSecret RefKind = "secret"
	// RefFile is the contents of a file (opencode's {file:path}).
	RefFile RefKind = "file"
)

// Unset is what a client does with a reference it cannot fill in.
type Unset string

const (
	// UnsetEmpty: the reference becomes empty text.
	UnsetEmpty Unset = "empty"
	// UnsetLiteral: the reference stays as written, "${VAR}" and all.
	UnsetLiteral Unset = "literal"
	// UnsetFail: the client refuses to start the server (or to read the
	// config).
	UnsetFail Unset = "fail"
	// UnsetDrop: the client leaves out the header or variable it is in.
	UnsetDrop Unset = "drop"
)

// Ref is one reference in a Value.
type Ref struct {
	Kind RefKind
	// Name is the variable, input id, secret name or file path.
	Name string
	// Default is used when the variable is unset (${VAR:-default}).
	Default *string
	// Written is the reference as the file writes it ("${GITHUB_TOKEN}").
	Written string
	// Unset is what the client does when it cannot fill the reference in.
	Unset Unset
	// EmptyIsUnset: a variable set to an empty (or blank) value counts as
	// unset (Codex's bearer_token_env_var and env_http_headers).
	EmptyIsUnset bool
	// Trim: the value is trimmed of surrounding space when it is used.
	Trim bool
	// Elsewhere names where else the client looks for a variable that
	// mcpdoctor cannot read ("Goose's keyring").
	Elsewhere string
	// DotEnv are KEY=VALUE files a secret is looked up in first
	// (Continue's .env files).
	DotEnv []string
	// Withheld, when set, says why the client never fills this reference
	// in and sends it empty (Claude Code and credential variables toward
	// a remote server).
	Withheld string
}

// Variable is the environment variable that fills the reference in, or
// "" for a file.
func (r Ref) Variable() string {
	switch r.Kind {
	case RefEnv:
		return r.Name
	case RefInput:
		return InputVariable(r.Name)
	case RefSecret:
		return r.Name
	}
	return ""
}

// Literal is a Value without references.
func Literal(s string) Value { return Value{Written: s, Parts: []Part{{Text: s}}} }

// IsLiteral reports whether v has no references, and returns its text.
func (v Value) IsLiteral() (string, bool) {
	var b strings.Builder
	for _, p := range v.Parts {
		if p.Ref != nil {
			return "", false
		}
		b.WriteString(p.Text)
	}
	return b.String(), true
}

// Refs lists the references of v.
func (v Value) Refs() []Ref {
	var out []Ref
	for _, p := range v.Parts {
		if p.Ref != nil {
			out = append(out, *p.Ref)
		}
	}
	return out
}

// IsZero reports whether nothing is written.
func (v Value) IsZero() bool { return v.Written == "" && len(v.Parts) == 0 }

// Lookup reads what a reference can be filled in from: the environment
// and files. The zero value looks nothing up.
type Lookup struct {
	Env      func(string) (string, bool)
	ReadFile func(string) ([]byte, error)
	// Environ lists the whole environment, for clients that pass all of it
	// on to a stdio server.
	Environ func() []string
}

// OSLookup is this machine.
func OSLookup() Lookup {
	return Lookup{Env: os.LookupEnv, ReadFile: ReadReferenced, Environ: os.Environ}
}

// Gap is a reference that could not be filled in.
type Gap struct {
	Ref Ref
	// State says why: "is not set", "is empty", "is an input the client
	// prompts for", "cannot be read", "cannot be read (/dev/zero is a
	// device, not a regular file)".
	State string
}

// Resolve fills v's references in, as its client would. ok is false when
// a reference could not be filled in and the client would refuse the whole
// value (UnsetFail) or leave it out (UnsetDrop); gaps lists every
// reference that could not be filled in, whatever the client does about
// it.
func (v Value) Resolve(look Lookup) (text string, ok bool, gaps []Gap) {
	var b strings.Builder
	ok = true
	for _, p := range v.Parts {
		if p.Ref == nil {
			b.WriteString(p.Text)
			continue
		}
		val, state := fill(*p.Ref, look)
		if state == "" {
			b.WriteString(val)
			continue
		}
		gaps = append(gaps, Gap{Ref: *p.Ref, State: state})
		if p.Ref.Withheld != "" {
			continue
		}
		switch p.Ref.Unset {
		case UnsetLiteral:
			b.WriteString(p.Ref.Written)
		case UnsetFail, UnsetDrop:
			ok = false
		}
	}
	return b.String(), ok, gaps
}

// fill looks one reference up; state is empty when it was filled in.
func fill(r Ref, look Lookup) (value, state string) {
	env := look.Env
	if env == nil {
		env = func(string) (string, bool) { return "", false }
	}
	if r.Withheld != "" {
		return "", r.Withheld
	}
	switch r.Kind {
	case RefEnv:
		v, set := env(r.Name)
		if r.Trim {
			v = strings.TrimSpace(v)
		}
		switch {
		case set && !(r.EmptyIsUnset && strings.TrimSpace(v) == ""):
			return v, ""
		case r.Default != nil:
			return *r.Default, ""
		case set:
			return "", "is empty"
		}
		return "", "is not set"
	case RefFile:
		if look.ReadFile == nil {
			return "", "cannot be read"
		}
		b, err := look.ReadFile(r.Name)
		if err != nil {
			return "", unreadable(err)
		}
		return strings.TrimRight(string(b), "\r\n"), ""
	case RefInput:
		// A prompt mcpdoctor cannot show; the user may answer it ahead.
		if v, ok := env(InputVariable(r.Name)); ok {
			return v, ""
		}
		return "", "is an input the client prompts for"
	case RefSecret:
		for _, f := range r.DotEnv {
			if look.ReadFile == nil {
				break
			}
			if b, err := look.ReadFile(f); err == nil {
				if v, ok := dotEnvValue(b, r.Name); ok {
					return v, ""
				}
			}
		}
		if v, ok := env(r.Name); ok && len(r.DotEnv) > 0 {
			return v, ""
		}
		if v, ok := env(SecretVariable(r.Name)); ok {
			return v, ""
		}
		return "", "is a secret of the client's own store"
	}
	return "", "is unknown"
}

// dotEnvValue reads one variable from a .env file.
func dotEnvValue(data []byte, name string) (string, bool) {
	v, ok := dotEnv(data)[name]
	return v, ok
}

// dotEnv reads a .env file: KEY=VALUE lines, an optional "export ",
// quotes around the value, # comments.
func dotEnv(data []byte) map[string]string {
	out := map[string]string{}
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(line), "export "))
		k, v, ok := strings.Cut(line, "=")
		if !ok || strings.HasPrefix(line, "#") {
			continue
		}
		v = strings.TrimSpace(v)
		if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
			v = v[1 : len(v)-1]
		}
		out[strings.TrimSpace(k)] = v
	}
	return out
}
