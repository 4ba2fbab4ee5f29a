package probe

import (
	"github.com/mcpdoctor/mcpdoctor/internal/config"
	"github.com/mcpdoctor/mcpdoctor/internal/wire"
)

// stdioCommand is how the server is started, with the environment its
// client builds for it (config.Launch): for Codex, a small allow-list
// inherited from ours, then env_vars forwarded by name, then env; for the
// others, all of ours, then env.
func stdioCommand(l config.Launch) wire.Command {
	return wire.Command{Name: l.Command, Args: l.Args, Env: l.Env, Dir: l.Cwd}
}
