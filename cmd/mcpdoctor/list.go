package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mcpdoctor/mcpdoctor/internal/config"
	"github.com/mcpdoctor/mcpdoctor/internal/probe"
	"github.com/mcpdoctor/mcpdoctor/internal/report"
	"github.com/mcpdoctor/mcpdoctor/internal/tokens"
)

type listOptions struct {
	JSON       bool
	NoProbe    bool
	Jobs       int
	AllClients bool
	probeFlags
}

func newListCmd(a *app) *cobra.Command {
	opts := &listOptions{}
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List every configured server: transport, auth status, health, tool count",
		Long: `List every configured MCP server. Enabled servers are probed concurrently
(initialize and tools/list, never tools/call); disabled ones are listed but
never started. Under the table, each server with a problem gets what went
wrong and what to try.

With --no-probe nothing is started or contacted: the table shows the config
as read, its timeouts and its problems.

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
  mcpdoctor list --no-probe --config ./config.toml
  mcpdoctor list --config .vscode/mcp.json
  mcpdoctor list --client claude-code
  mcpdoctor list --all-clients --no-probe`,
		Args: cobra.NoArgs,
		RunE: runE(func([]string) error { return listRun(a, opts) }),
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print a JSON array, one object per server (the stable contract)")
	cmd.Flags().BoolVar(&opts.NoProbe, "no-probe", false, "only read the config: start and contact nothing")
	cmd.Flags().IntVarP(&opts.Jobs, "jobs", "j", 8, "probe at most `N` servers at once")
	cmd.Flags().BoolVar(&opts.AllClients, "all-clients", false, "list the servers of every client's config files on this machine")
	opts.probeFlags.register(cmd)
	return cmd
}

func listRun(a *app, opts *listOptions) error {
	if opts.Jobs < 1 {
		return usageError("--jobs must be at least 1, not %d", opts.Jobs)
	}
	if err := opts.check(); err != nil {
		return err
	}
	var f *config.File
	var err error
	if opts.AllClients {
		f, err = a.discover()
	} else {
		f, err = a.loadParsedConfig()
	}
	if err != nil {
		return err
	}
	entries, healthy := a.probeEntries(f, f.Servers, func(s config.Server) bool { return s.Enabled && !opts.NoProbe }, a.probeOptions(opts.probeFlags), opts.Jobs)
	if opts.JSON {
		if err := report.ListJSON(a.io.Out, entries, a.red); err != nil {
			return err
		}
	} else {
		report.ListTable(a.io.Out, entries, a.red, report.Style{Color: a.io.colorOut()})
	}
	if !healthy {
		return silentFailure
	}
	return nil
}

// probeEntries gives every server an entry with its problems, probes those
// that pick chooses concurrently, and reports whether all of those are
// healthy.
func (a *app) probeEntries(f *config.File, servers []config.Server, pick func(config.Server) bool, po probe.Options, jobs int) ([]report.Entry, bool) {
	entries := make([]report.Entry, len(servers))
	var chosen []config.Server
	var at []int
	for i, s := range servers {
		entries[i] = report.Entry{Server: s, Problems: a.problems(f, s)}
		if pick(s) {
			chosen = append(chosen, s)
			at = append(at, i)
		}
	}
	if len(chosen) == 0 {
		return entries, true
	}
	progress := a.progress(len(chosen))
	results := probe.RunAll(context.Background(), chosen, po, jobs, progress.update)
	progress.done()
	healthy := true
	for j, r := range results {
		a.red.Add(r.Secrets...)
		entries[at[j]].Result = r
		healthy = healthy && r.Healthy
	}
	return entries, healthy
}

// probeOptions are the probe settings every command shares.
func (a *app) probeOptions(flags probeFlags) probe.Options {
	opts := probe.Options{
		Timeout:          flags.Timeout,
		Protocol:         flags.Protocol,
		LookupEnv:        a.io.LookupEnv,
		Environ:          a.io.Environ,
		ClientVersion:    version(),
		RunHeadersHelper: flags.RunHeadersHelper,
	}
	if store, err := a.tokenStore(); err == nil {
		opts.OAuthToken = func(ctx context.Context, s config.Server, refresh bool) (*probe.OAuthToken, error) {
			url, _, _ := s.URL.Resolve(a.lookup())
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
			names[i] = report.Printable(p.a.red.Text(n), true)
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
