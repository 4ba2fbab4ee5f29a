package main

import (
	"encoding/json"
	"sync"

	"github.com/spf13/cobra"

	"github.com/mcpdoctor/mcpdoctor/internal/config"
	"github.com/mcpdoctor/mcpdoctor/internal/evidence"
	"github.com/mcpdoctor/mcpdoctor/internal/probe"
	"github.com/mcpdoctor/mcpdoctor/internal/report"
)

type probeOptions struct {
	JSON    bool
	Call    string
	Args    string
	Verbose bool
	probeFlags
}

func newProbeCmd(a *app) *cobra.Command {
	opts := &probeOptions{}
	cmd := &cobra.Command{
		Use:   "probe NAME",
		Short: "Probe one server in depth: every stage, every exchange, the verdict and its evidence",
		Long: `Probe one configured server as a client would: connect, the handshake
of its protocol era (server/discover; or initialize and
notifications/initialized), tools/list, and — only with --call — one
tools/call. Prints each stage with its duration and exchanges, the auth
verdict with the evidence that decided it, and what to try when something
failed. Tools are never called unless you ask.

` + protocolHelp + `

probe also tries the other era, afresh (a new process or connection, as a
client of that era would), and says which eras the server accepts: that
decides which clients can use it. With --protocol modern, legacy or a
version it speaks only that, as a client pinned to it does.

A server its client would not start yet (a project's own, pending the
user's approval, or in an untrusted project) is not started or contacted:
probe says why and how to approve it, and exits 0. --trust-project probes
it all the same, once you have read its entry.

Exit status: 0 when the server is healthy (or not started, as above), 1
when it is not or its entry has a config error (one its client refuses),
2 for usage or config errors (such as an unknown NAME).`,
		Example: `  mcpdoctor probe docs
  mcpdoctor probe docs --json
  mcpdoctor probe docs --call search --args '{"query": "mcp"}'
  mcpdoctor probe docs --verbose --timeout 10s
  mcpdoctor probe docs --protocol legacy`,
		Args:              oneServer,
		ValidArgsFunction: a.completeServerNames,
		RunE:              runE(func(args []string) error { return probeRun(a, args[0], opts) }),
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print one JSON object (the stable contract), with every exchange")
	cmd.Flags().StringVar(&opts.Call, "call", "", "also call the `TOOL` named here (tools/call)")
	cmd.Flags().StringVar(&opts.Args, "args", "", "the tool's arguments as a JSON object (with --call)")
	opts.probeFlags.register(cmd)
	a.trustProjectFlag(cmd)
	cmd.Flags().BoolVarP(&opts.Verbose, "verbose", "v", false, "trace every exchange on stderr as it happens (redacted)")
	return cmd
}

func probeRun(a *app, name string, opts *probeOptions) error {
	call, err := parseCall(opts.Call, opts.Args)
	if err != nil {
		return err
	}
	if err := opts.check(); err != nil {
		return err
	}
	f, err := a.loadParsedConfig()
	if err != nil {
		return err
	}
	s, err := a.server(f, name)
	if err != nil {
		return err
	}
	entry := report.Entry{Server: s, Problems: a.problems(f, s)}
	if !s.MayStart() {
		// Its client would not start it yet: neither does mcpdoctor. That
		// is no failure of the run; the output says why and how to
		// approve it.
		if opts.JSON {
			return report.WriteJSON(a.io.Out, report.View(entry, a.red, report.Full))
		}
		report.ProbeText(a.io.Out, entry, a.red, report.Style{Color: a.io.colorOut()})
		return nil
	}
	if !s.Enabled {
		// Asked by name, a disabled server is still probed: the user wants to
		// know whether enabling it would work.
		entry.Problems = append(entry.Problems, disabledNote(f.Path, s))
	}
	po := a.probeOptions(opts.probeFlags)
	po.Call = call
	// A pinned --protocol asks how a client of that era or version fares,
	// and such a client never sends the other era's handshake.
	po.CheckOtherEra = opts.Protocol == probe.ProtocolAuto
	if opts.Verbose {
		// Transports record from several goroutines; one exchange's
		// lines stay together.
		var mu sync.Mutex
		po.Trace = func(ex evidence.Exchange) {
			mu.Lock()
			defer mu.Unlock()
			report.Trace(a.io.Err, ex, a.red)
		}
	}
	res := probe.Run(a.ctx, s, po)
	a.red.Add(res.Secrets...)
	entry.Result = res
	entry.Codex = a.codexVerdict(s, res)
	if opts.JSON {
		if err := report.WriteJSON(a.io.Out, report.View(entry, a.red, report.Full)); err != nil {
			return err
		}
	} else {
		report.ProbeText(a.io.Out, entry, a.red, report.Style{Color: a.io.colorOut()})
	}
	if !res.Healthy || config.HasErrors(entry.Problems) {
		return silentFailure
	}
	return nil
}

// parseCall checks --call and --args before anything is started.
func parseCall(tool, args string) (*probe.ToolCall, error) {
	if tool == "" {
		if args != "" {
			return nil, usageError("--args needs --call TOOL: tools are never called unless you name one")
		}
		return nil, nil
	}
	call := &probe.ToolCall{Name: tool}
	if args != "" {
		var obj map[string]any
		if err := json.Unmarshal([]byte(args), &obj); err != nil {
			return nil, usageError("--args must be a JSON object such as '{\"query\": \"x\"}': %v", err)
		}
		call.Arguments = json.RawMessage(args)
	}
	return call, nil
}

func disabledNote(path string, s config.Server) config.Problem {
	return config.Problem{
		Severity: config.SeverityWarning, Code: "disabled", File: path, Line: s.Line, Column: s.Column,
		Server: s.Name, Key: "enabled",
		Message: "disabled in the config (enabled = false); probed because you named it — Codex does not start it",
	}
}
