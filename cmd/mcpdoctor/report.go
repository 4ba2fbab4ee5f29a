package main

import (
	"fmt"
	"io"
	"os"
	"runtime"

	"github.com/spf13/cobra"

	"github.com/mcpdoctor/mcpdoctor/internal/config"
	"github.com/mcpdoctor/mcpdoctor/internal/printable"
	"github.com/mcpdoctor/mcpdoctor/internal/report"
)

type reportOptions struct {
	Out  string
	JSON bool
	Jobs int
	probeFlags
	target targetFlags
}

func newReportCmd(a *app) *cobra.Command {
	opts := &reportOptions{}
	var cmd *cobra.Command
	cmd = &cobra.Command{
		Use:   "report [NAME | URL | -- COMMAND [ARGS...]]",
		Short: "Write a redacted Markdown bug report for a server (or for every server)",
		Long: `Probe a server and write a Markdown report that can be attached to a bug
report as it is: mcpdoctor's version and platform, the config entry
(redacted) and the keys Codex ignores, the verdict and what Codex would say,
every finding, the timeline of stages, each exchange with its headers and
pretty-printed JSON-RPC, a stdio server's command line and stderr, and what
to try. Secrets are redacted before anything is written.

Without NAME, every configured server is covered (disabled ones are listed,
not started); with NAME, the report also says which protocol eras the
server accepts. A URL or a command after -- is reported on as probe takes
them, with no config at all (mcpdoctor probe --help).

` + protocolHelp,
		Example: `  mcpdoctor report docs > docs-report.md
  mcpdoctor report docs --out docs-report.md
  mcpdoctor report https://mcp.example.com/mcp --header 'Authorization: Bearer $TOKEN' > report.md
  mcpdoctor report -- npx -y @modelcontextprotocol/server-everything > report.md
  mcpdoctor report --json`,
		Args:              oneTarget(urlTargets|commandTargets, true),
		ValidArgsFunction: a.completeServerNames,
		RunE:              runE(func(args []string) error { return reportRun(a, cmd, args, opts) }),
	}
	cmd.Flags().StringVarP(&opts.Out, "out", "o", "", "write the report to `FILE` instead of stdout")
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "write the same content as one JSON document")
	opts.probeFlags.register(cmd)
	opts.target.register(cmd, urlTargets|commandTargets)
	a.trustProjectFlag(cmd)
	cmd.Flags().IntVarP(&opts.Jobs, "jobs", "j", 0, jobsHelp)
	return cmd
}

func reportRun(a *app, cmd *cobra.Command, args []string, opts *reportOptions) error {
	lim, err := limits(cmd, opts.Jobs)
	if err != nil {
		return err
	}
	if err := opts.check(); err != nil {
		return err
	}
	t, err := a.resolveTarget(cmd, args, &opts.target)
	if err != nil {
		return err
	}
	name := t.Name
	var f *config.File
	if t.named() {
		f = commandLineFile(*t.Server)
	} else if f, err = a.loadParsedConfig(); err != nil {
		return err
	}
	servers := f.Servers
	if name != "" && !t.named() {
		s, err := a.server(f, name)
		if err != nil {
			return err
		}
		servers = []config.Server{s}
	}
	// A server named on the command line is probed even when disabled: the
	// reporter wants to know what enabling it would do.
	po := a.probeOptions(opts.probeFlags)
	// A report on one server is a probe in depth: it says which eras the
	// server accepts too.
	po.CheckOtherEra = name != ""
	pick := func(s config.Server) bool { return (s.Enabled || name != "") && s.MayStart() }
	entries, healthy := a.probeEntries(f, servers, pick, po, lim, nil)
	about := report.About{Version: version(), GoVersion: runtime.Version(), OS: runtime.GOOS, Arch: runtime.GOARCH, ConfigPath: f.Path}
	br := report.NewBugReport(about, entries, a.red)

	var w io.Writer = a.io.Out
	if opts.Out != "" {
		file, err := os.Create(opts.Out)
		if err != nil {
			return usageError("cannot write the report: %w", err)
		}
		defer file.Close()
		w = file
	}
	if opts.JSON {
		err = report.WriteJSON(w, br)
	} else {
		report.Markdown(w, br)
	}
	if err != nil {
		return err
	}
	if opts.Out != "" {
		fmt.Fprintf(a.io.Err, "wrote %s\n", printable.Text(opts.Out, false))
	}
	if !healthy {
		return silentFailure
	}
	return nil
}
