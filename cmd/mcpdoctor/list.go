package main

import (
	"cmp"
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/mcpdoctor/mcpdoctor/internal/codex"
	"github.com/mcpdoctor/mcpdoctor/internal/config"
	"github.com/mcpdoctor/mcpdoctor/internal/netguard"
	"github.com/mcpdoctor/mcpdoctor/internal/printable"
	"github.com/mcpdoctor/mcpdoctor/internal/probe"
	"github.com/mcpdoctor/mcpdoctor/internal/report"
	"github.com/mcpdoctor/mcpdoctor/internal/tokens"
	"github.com/mcpdoctor/mcpdoctor/internal/toolcheck"
)

type listOptions struct {
	formatFlags
	NoProbe    bool
	Jobs       int
	AllClients bool
	probeFlags
}

func newListCmd(a *app) *cobra.Command {
	opts := &listOptions{}
	var cmd *cobra.Command
	cmd = &cobra.Command{
		Use:   "list",
		Short: "List every configured server: transport, auth status, health, tool count",
		Long: `List every configured MCP server: Codex's, or those of --config FILE or
--client NAME; on a machine with no Codex config, those of every client
found (as --all-clients), which a line on stderr says. Enabled servers
are probed concurrently (initialize and tools/list, never tools/call);
disabled ones are listed but never started. Under the table, each server
with a problem gets what went wrong and what to try. With --json, each
server's object is written as soon as it and the ones before it are done.

How many run at once: stdio servers are processes, so at most four per CPU
are alive at once; HTTP probes mostly wait on the network, so they start as
many and double, up to 512, while the ones in flight are waiting and the
machine is not busy (a list of remote servers runs them nearly all at once,
one of local servers a few). --jobs N puts N on both. A slow server holds
its own slot, never the others.

With --no-probe nothing is started or contacted: the table shows the config
as read, its timeouts and its problems.

A project's own config (.mcp.json, .vscode/mcp.json, .cursor/mcp.json,
.gemini/settings.json, a project's .codex/config.toml, …) comes with the
repository, and no client starts its servers before the user approves them
or trusts the project. Neither does mcpdoctor: such a server is listed as
pending approval, untrusted, denied or not approved, with why (the client's
own file and key) and how to approve it, and nothing of it is started,
contacted or read; it does not count against the exit status.
--trust-project starts them all the same, once you have read them; so does
naming their file with --config.

--format sarif prints a SARIF 2.1.0 log for code scanning: each config
problem at its line, and what a probe found (a failure, findings) at the
server's entry in its file. --format github prints the same as GitHub
Actions annotations.

With --all-clients, list finds the config files of every client it knows on
this machine (Codex, Claude Code, Claude Desktop, Cursor, VS Code, Windsurf,
Gemini CLI, Zed, opencode, Copilot CLI, Cline, Continue, Goose: their user
files, and the project files of the directory it runs in) and lists each
server once per place it is configured, with its client and scope. A server
configured in three clients is probed three times, once per entry, because
each client may read it differently.

` + protocolHelp,
		Example: `  mcpdoctor list
  mcpdoctor list --json | jq '.[] | {name, auth_status, healthy}'
  mcpdoctor list --no-probe --config .mcp.json --format sarif > mcp.sarif
  mcpdoctor list --no-probe --config ./config.toml
  mcpdoctor list --config .vscode/mcp.json
  mcpdoctor list --client claude-code
  mcpdoctor list --all-clients --no-probe
  mcpdoctor list --client claude-code --trust-project`,
		Args: cobra.NoArgs,
		RunE: runE(func([]string) error { return listRun(a, cmd, opts) }),
	}
	opts.formatFlags.register(cmd, "print a JSON array, one object per server (the stable contract)")
	cmd.Flags().BoolVar(&opts.NoProbe, "no-probe", false, "only read the config: start and contact nothing")
	cmd.Flags().IntVarP(&opts.Jobs, "jobs", "j", 0, jobsHelp)
	cmd.Flags().BoolVar(&opts.AllClients, "all-clients", false, "list the servers of every client's config files on this machine")
	opts.probeFlags.register(cmd)
	a.trustProjectFlag(cmd)
	return cmd
}

func listRun(a *app, cmd *cobra.Command, opts *listOptions) error {
	format, err := opts.resolve()
	if err != nil {
		return err
	}
	lim, err := limits(cmd, opts.Jobs)
	if err != nil {
		return err
	}
	if err := opts.check(); err != nil {
		return err
	}
	var f *config.File
	if opts.AllClients {
		f, err = a.discover()
	} else {
		f, err = a.loadParsedConfig()
	}
	if err != nil {
		return err
	}
	// A server its client would not start yet (a project's own, pending
	// the user's approval) is not started or contacted either, unless the
	// user opted in (--trust-project, or --config naming its file).
	pick := func(s config.Server) bool { return s.Enabled && s.MayStart() && !opts.NoProbe }
	if format == formatJSON {
		// One entry at a time, in the config's order, as soon as it is
		// ready: a script sees the first servers before the slowest ends.
		stream := report.NewListStream(a.io.Out, a.red, len(f.Servers))
		stream.Before = new(toolClashes).add
		a.stream = stream
		var werr error
		_, healthy := a.probeEntries(f, f.Servers, pick, a.probeOptions(opts.probeFlags), lim, func(i int, e report.Entry) {
			if err := stream.Put(i, e); err != nil && werr == nil {
				werr = err
			}
		})
		a.stream = nil
		if err := stream.Close(); err != nil || werr != nil {
			return cmp.Or(werr, err)
		}
		if !healthy {
			return silentFailure
		}
		return nil
	}
	entries, healthy := a.probeEntries(f, f.Servers, pick, a.probeOptions(opts.probeFlags), lim, nil)
	switch format {
	case formatSARIF:
		if err := report.ListSARIF(a.io.Out, entries, a.red, version()); err != nil {
			return err
		}
	case formatGitHub:
		report.ListGitHub(a.io.Out, entries, a.red)
	default:
		report.ListTable(a.io.Out, entries, a.red, report.Style{Color: a.io.colorOut()})
	}
	if !healthy {
		return silentFailure
	}
	return nil
}

// probeEntries gives every server an entry with its problems, probes those
// that pick chooses concurrently, and reports whether all of those are
// healthy and none has a config error. done, when set, gets each entry as soon as it is final (an
// entry that is not probed at once), from one goroutine at a time, and the
// entries returned then hold no results.
func (a *app) probeEntries(f *config.File, servers []config.Server, pick func(config.Server) bool, po probe.Options, limits probe.Limits, done func(int, report.Entry)) ([]report.Entry, bool) {
	entries := make([]report.Entry, len(servers))
	var chosen []config.Server
	var at []int
	healthy := true
	for i, s := range servers {
		entries[i] = report.Entry{Server: s, Problems: a.problems(f, s)}
		// A config error fails the run as a failed server does; an entry
		// its client would not start is no failure of the run.
		healthy = healthy && (!s.MayStart() || !config.HasErrors(entries[i].Problems))
		if pick(s) {
			chosen = append(chosen, s)
			at = append(at, i)
		} else if done != nil {
			done(i, entries[i])
		}
	}
	if len(chosen) == 0 {
		return entries, healthy
	}
	progress := a.progress(len(chosen))
	probe.RunAll(a.ctx, chosen, po, limits, func(p probe.Progress) {
		progress.update(p)
		if p.Result == nil {
			return
		}
		a.red.Add(p.Result.Secrets...)
		e := &entries[at[p.Index]]
		e.Result = p.Result
		e.Codex = a.codexVerdict(e.Server, p.Result)
		e.ToolFindings = toolcheck.Check(e.Server.Name, e.Server.Client(), p.Result.Tools)
		healthy = healthy && p.Result.Healthy
		if done != nil {
			done(at[p.Index], *e)
			// Handed over: a long list does not hold every result (with
			// its exchanges) until the end.
			e.Result = nil
		}
	})
	progress.done()
	if done == nil {
		clashes := new(toolClashes)
		for i := range entries {
			clashes.add(&entries[i])
		}
	}
	return entries, healthy
}

// toolClashes finds the tools of a server that clash with those of the
// servers before it of the same client (toolcheck.Clashes), entry by
// entry in the config's order, so that a streamed list can attach them
// too.
type toolClashes struct{ toolcheck.Clashes }

func (c *toolClashes) add(e *report.Entry) {
	if e.Result == nil {
		return
	}
	e.ToolFindings = append(e.ToolFindings, c.Add(toolcheck.Listed{Server: e.Server.Name, Client: e.Server.Client(), Tools: e.Result.Tools})...)
}

// codexVerdict is what Codex would show for a Codex entry probed as res.
func (a *app) codexVerdict(s config.Server, res *probe.Result) *codex.Verdict {
	return codex.Judge(s, res, a.lookup(), codex.Home(a.io.LookupEnv), res.Started)
}

// limits turns --jobs into the probe's limits; without it, the defaults.
func limits(cmd *cobra.Command, jobs int) (probe.Limits, error) {
	switch {
	case !cmd.Flags().Changed("jobs"):
		return probe.DefaultLimits(), nil
	case jobs < 1:
		return probe.Limits{}, usageError("--jobs must be at least 1, not %d", jobs)
	}
	return probe.JobsLimits(jobs), nil
}

// jobsHelp says what --jobs changes, for the flag's help.
var jobsHelp = fmt.Sprintf("probe at most `N` servers at once (default: %d HTTP probes, which mostly wait on the network, and %d stdio servers, which are processes: four per CPU)",
	probe.DefaultLimits().Network, probe.DefaultLimits().Stdio)

// probeOptions are the probe settings every command shares.
func (a *app) probeOptions(flags probeFlags) probe.Options {
	opts := probe.Options{
		Timeout:               flags.Timeout,
		Protocol:              flags.Protocol,
		LookupEnv:             a.io.LookupEnv,
		Environ:               a.io.Environ,
		ClientVersion:         version(),
		RunHeadersHelper:      flags.RunHeadersHelper,
		AllowPrivateDiscovery: flags.AllowPrivateDiscovery,
	}
	// What Codex shows for its entries depends on whether the origin
	// advertises OAuth metadata: the probe looks where Codex would.
	now, home := time.Now(), codex.Home(a.io.LookupEnv)
	opts.WantOAuthMetadata = func(s config.Server) bool { return codex.WantsMetadata(s, a.lookup(), home, now) }
	if store, err := a.tokenStore(); err == nil {
		opts.OAuthToken = func(ctx context.Context, s config.Server, refresh bool) (*probe.OAuthToken, error) {
			url, _, _ := s.URL.Resolve(a.lookup())
			// A refresh goes to the token endpoint the server's
			// authorization server named: no more private than the server.
			ctx = netguard.With(ctx, opts.Guard(url))
			e, refreshed, err := store.Current(ctx, s.Name, url, nil, a.red.Add, refresh)
			if e == nil {
				return nil, err
			}
			return &probe.OAuthToken{AccessToken: e.AccessToken, Expiry: e.Expiry, Refreshed: refreshed, Issuer: e.Issuer}, err
		}
	}
	return opts
}

// tokenStore opens the OAuth token store `login` writes and probes read,
// and teaches the redactor every token and client secret it holds.
func (a *app) tokenStore() (*tokens.Store, error) {
	if a.tokens == nil {
		path, err := tokens.DefaultPath(a.io.Getenv)
		if err != nil {
			return nil, err
		}
		a.tokens = tokens.Open(path)
		if entries, err := a.tokens.Entries(); err == nil {
			for _, e := range entries {
				a.red.Add(e.Secrets()...)
			}
		}
	}
	return a.tokens, nil
}

// progressLine shows "probing 3/12…" on a terminal's stderr, and nothing
// elsewhere, so pipes and CI logs stay clean.
type progressLine struct {
	a     *app
	total int
	shown bool
}

func (a *app) progress(total int) *progressLine {
	p := &progressLine{a: a, total: total}
	p.update(probe.Progress{Total: total})
	return p
}

// progressWidth bounds the line so that it never wraps on an 80-column
// terminal, which would break the carriage return that redraws it.
const progressWidth = 79

// update redraws the line: how many are done, and which are running.
func (p *progressLine) update(pr probe.Progress) {
	if !p.a.io.ErrTTY {
		return
	}
	p.shown = true
	line := fmt.Sprintf("probing servers: %d/%d done", pr.Done, pr.Total)
	if len(pr.Running) > 0 {
		names := make([]string, len(pr.Running))
		for i, n := range pr.Running {
			names[i] = printable.Text(p.a.red.Field(n), false) // a name, as the table shows it
		}
		line += "; waiting for " + strings.Join(names, ", ")
	}
	if r := []rune(line); len(r) > progressWidth {
		line = string(r[:progressWidth-1]) + "…"
	}
	fmt.Fprintf(p.a.io.Err, "\r\033[K%s", line)
}

func (p *progressLine) done() {
	if p.shown {
		fmt.Fprint(p.a.io.Err, "\r\033[K")
	}
}
