package config

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/mcpdoctor/mcpdoctor/internal/safefile"
)

// Env is the part of the machine a config depends on. Tests replace it; the
// zero value is not useful, use OSEnv.
type Env struct {
	LookupEnv func(string) (string, bool)
	LookPath  func(string) (string, error)
	Stat      func(string) (os.FileInfo, error)
	ReadFile  func(string) ([]byte, error)
}

// OSEnv is the real machine.
func OSEnv() Env {
	return Env{LookupEnv: os.LookupEnv, LookPath: exec.LookPath, Stat: os.Stat, ReadFile: ReadReferenced}
}

// Lookup is what references are filled in from on this machine.
func (e Env) Lookup() Lookup { return Lookup{Env: e.LookupEnv, ReadFile: e.ReadFile} }

// CheckEnvironment finds what would stop or change an enabled server on
// this machine, although the file itself is valid: a variable that is
// unset (with what its client does about it), an input mcpdoctor cannot
// fill in, a command that is not on PATH, a cwd that does not exist.
// Disabled servers are not started, so nothing about this machine can
// break them; nor are those mcpdoctor may not start (a project's own entry
// pending its client's approval), whose files it does not read either.
func CheckEnvironment(s Server, env Env) []Problem {
	if !s.Enabled || !s.MayStart() {
		return nil
	}
	var out []Problem
	add := func(sev Severity, code Code, key, msg string) {
		file, line, col := s.Position(strings.SplitN(key, ".", 2)[0])
		out = append(out, Problem{
			Severity: sev, Code: code, File: file,
			Line: line, Column: col, Table: s.table,
			Server: s.Name, Key: key, Message: msg,
		})
	}
	l := s.Launch(env.Lookup())
	for _, g := range l.Gaps {
		sev, code, msg := gapProblem(s, g)
		add(sev, code, g.Key, msg)
	}
	for _, f := range s.Forward {
		if f.Source == "remote" {
			continue
		}
		if _, ok := env.LookupEnv(f.Name); !ok {
			add(SeverityWarning, CodeForwardedEnvUnset, "env_vars",
				"$"+f.Name+" is not set here, so it is not forwarded to the server")
		}
	}
	if s.Transport == TransportStdio && l.Command != "" {
		if msg := findCommand(l.Command, l.Cwd, env); msg != "" {
			add(SeverityError, CodeCommandNotFound, "command", msg)
		}
	}
	if l.Cwd != "" {
		info, err := env.Stat(l.Cwd)
		switch {
		case err != nil:
			add(SeverityError, CodeCwdMissing, "cwd", l.Cwd+" does not exist: the server cannot start there; fix cwd or create the directory")
		case !info.IsDir():
			add(SeverityError, CodeCwdMissing, "cwd", l.Cwd+" is not a directory")
		}
	}
	return out
}

// gapProblem says what a reference that could not be filled in does to
// the server, in its client's terms.
func gapProblem(s Server, g LaunchGap) (Severity, Code, string) {
	client := s.Client().Title()
	ref := g.Ref.Written
	switch {
	case g.Key == "bearer_token_env_var" && g.State == "is empty":
		return SeverityError, CodeEnvEmpty, ref + " is set but empty: Codex fails to start this server; give it the token"
	case g.Key == "bearer_token_env_var":
		return SeverityError, CodeEnvUnset, ref + " is not set: Codex fails to start this server; export it, or remove bearer_token_env_var if the server needs no token"
	case strings.HasPrefix(g.Key, "env_http_headers."):
		return SeverityWarning, CodeHeaderEnvUnset, ref + " is not set: Codex silently drops the " + g.Header + " header; export it"
	case g.Ref.Kind == RefInput:
		return SeverityWarning, CodeInputUnfilled, ref + " is an input " + client + " prompts for; mcpdoctor cannot ask: set " + InputVariable(g.Ref.Name) + " to probe with its value"
	case g.Ref.Kind == RefSecret && len(g.Ref.DotEnv) > 0:
		return SeverityWarning, CodeVariableUnset, ref + " is in none of " + strings.Join(g.Ref.DotEnv, ", ") + " nor the environment: " + client + " sends it as written; add " + g.Ref.Name + " to one of them"
	case g.Ref.Kind == RefSecret:
		return SeverityWarning, CodeInputUnfilled, ref + " is a secret from " + client + "'s own store; mcpdoctor cannot read it: set " + SecretVariable(g.Ref.Name) + " to probe with its value"
	case g.Ref.Elsewhere != "":
		return SeverityWarning, CodeVariableUnset, ref + " " + g.State + " here; " + client + " also looks in " + g.Ref.Elsewhere + ", which mcpdoctor cannot read: export it to probe with it"
	case g.Ref.Kind == RefFile:
		return SeverityError, CodeFileUnreadable, ref + " " + g.State + ": " + client + " cannot fill it in; point it at a readable regular file (mcpdoctor reads up to " + safefile.Size(MaxReferencedBytes) + ")"
	case g.Ref.Withheld != "":
		return SeverityWarning, CodeVariableWithheld, ref + " " + g.Ref.Withheld
	}
	what := "export it"
	if g.State == "is empty" {
		what = "give it a value"
	}
	switch {
	case s.Client() == ClientCommandLine:
		return SeverityError, CodeEnvUnset, ref + " " + g.State + ": mcpdoctor sends nothing in its place, so it does not probe; " + what
	}
	switch g.Effect {
	case UnsetFail:
		return SeverityError, CodeEnvUnset, ref + " " + g.State + ": " + client + " refuses to start this server; " + what
	case UnsetDrop:
		if g.Header != "" {
			return SeverityWarning, CodeVariableUnset, ref + " " + g.State + ": " + client + " leaves the " + g.Header + " header out; " + what
		}
		return SeverityWarning, CodeVariableUnset, ref + " " + g.State + ": " + client + " leaves it out; " + what
	case UnsetLiteral:
		return SeverityWarning, CodeVariableUnset, ref + " " + g.State + ": " + client + " passes it on as written, " + quote(ref) + "; " + what
	}
	return SeverityWarning, CodeVariableUnset, ref + " " + g.State + ": " + client + " passes it on as an empty string; " + what
}

// findCommand checks that the program exists where the client will look for
// it: a path relative to cwd when it has a slash, else PATH.
func findCommand(cmd, cwd string, env Env) string {
	if strings.ContainsRune(cmd, filepath.Separator) {
		p := cmd
		if !filepath.IsAbs(p) && cwd != "" {
			p = filepath.Join(cwd, p)
		}
		info, err := env.Stat(p)
		if err != nil {
			return p + " does not exist: fix command, or install the server"
		}
		if info.IsDir() || info.Mode()&0o111 == 0 {
			return p + " is not an executable file"
		}
		return ""
	}
	if _, err := env.LookPath(cmd); err != nil {
		return cmd + " is not on PATH: install it, or give its full path in command"
	}
	return ""
}

// InputVariable is the environment variable mcpdoctor fills a client's
// input prompt (${input:id}) from: MCPDOCTOR_INPUT_ and the id, upper-cased,
// with every other character than a letter or digit made '_'.
func InputVariable(id string) string { return "MCPDOCTOR_INPUT_" + envName(id) }

// SecretVariable is the environment variable mcpdoctor fills a client's
// secret reference (${{ secrets.NAME }}) from.
func SecretVariable(name string) string { return "MCPDOCTOR_SECRET_" + envName(name) }

func envName(s string) string {
	b := []byte(strings.ToUpper(s))
	for i, c := range b {
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			b[i] = '_'
		}
	}
	return string(b)
}

func quote(s string) string { return "\"" + s + "\"" }
