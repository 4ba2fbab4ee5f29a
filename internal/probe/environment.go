package probe

import (
	"maps"
	"slices"

	"github.com/mcpdoctor/mcpdoctor/internal/config"
	"github.com/mcpdoctor/mcpdoctor/internal/wire"
)

// codexInheritedEnv is the environment Codex passes to a stdio server from
// its own, before env_vars and env (codex-rs/rmcp-client/src/utils.rs,
// DEFAULT_ENV_VARS on unix).
var codexInheritedEnv = []string{"HOME", "LOGNAME", "PATH", "SHELL", "USER", "__CF_USER_TEXT_ENCODING", "LANG", "LC_ALL", "TERM", "TMPDIR", "TZ"}

// stdioCommand is how the server is started, with the environment Codex
// builds for it: a small allow-list inherited from ours, then env_vars
// forwarded by name, then env.
func stdioCommand(s config.Server, lookup func(string) (string, bool)) wire.Command {
	vars := map[string]string{}
	for _, name := range codexInheritedEnv {
		if v, ok := lookup(name); ok {
			vars[name] = v
		}
	}
	for _, ev := range s.EnvVars {
		if v, ok := lookup(ev.Name); ok {
			vars[ev.Name] = v
		}
	}
	for k, v := range s.Env {
		vars[k] = v
	}
	env := make([]string, 0, len(vars))
	for _, k := range slices.Sorted(maps.Keys(vars)) {
		env = append(env, k+"="+vars[k])
	}
	return wire.Command{Name: s.Command, Args: s.Args, Env: env, Dir: s.Cwd}
}
