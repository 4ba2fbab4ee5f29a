package main

import (
	"encoding/json"
	"sync"

	"github.com/spf13/cobra"

	"github.com/mcpdoctor/mcpdoctor/internal/config"
	"github.com/mcpdoctor/mcpdoctor/internal/evidence"
	"github.com/mcpdoctor/mcpdoctor/internal/probe"
	"github.com/mcpdoctor/mcpdoctor/internal/report"
	"github.com/mcpdoctor/mcpdoctor/internal/toolcheck"
)

type probeOptions struct {
	JSON    bool
	Call    string
	Args    string
	Verbose bool
	// PrintConfig is --print-config: the client whose entry to print,
	// or printClientInUse.
	PrintConfig string
	probeFlags
	target targetFlags
}

// printClientInUse is --print-config without a client: the one whose
// config is in use.
const printClientInUse = "in-use"

func newProbeCmd(a *app) *cobra.Command {
	opts := &probeOptions{}
	cmd := &cobra.Command{
		Use:   "probe NAME | URL | -- COMMAND [ARGS...]",
		Short: "Probe one server in depth: every stage, every exchange, the verdict and its evidence",
		Long: `Probe one server as a client would: connect, the handshake
of its protocol era (server/discover; or initialize and
notifications/initialized), tools/list, and — only with --call — one
tools/call. Prints each stage with its duration and exchanges, the auth
verdict with the evidence that decided it, and what to try when something
failed. Tools are never called unless you ask.

The server is a configured one's NAME, or one that needs no config at all:
a URL (http:// or https://; Streamable HTTP, falling back to legacy SSE,
or --transport sse), with --header 'Name: value' and --bearer-env VAR for
its credentials; or the command that starts a stdio server, after --,
with --env and --cwd. Write a secret header as --header 'Authorization:
Bearer $TOKEN' (single quotes): mcpdoctor reads $TOKEN when it sends it,
so the token never sits in your shell's history, and never prints it.

--print-config prints the entry that configures what was probed, for the
client in use (--client, the entry's own, else Codex) or the one named
(--print-config=vscode: codex, claude-code, vscode or cursor), with every
secret as a reference to a variable: stdout gets the entry alone, ready to
paste or redirect into the client's file, and the probe goes to stderr.

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
		Example: `  mcpdoctor probe https://mcp.example.com/mcp
  mcpdoctor probe https://mcp.example.com/mcp --header 'Authorization: Bearer $TOKEN'
  mcpdoctor probe -- npx -y @modelcontextprotocol/server-everything
  mcpdoctor probe --env API_KEY -- uvx my-server --stdio
  mcpdoctor probe https://mcp.example.com/mcp --print-config=claude-code >> .mcp.json.new
  mcpdoctor probe docs
  mcpdoctor probe docs --json
  mcpdoctor probe docs --call search --args '{"query": "mcp"}'
  mcpdoctor probe docs --verbose --timeout 10s
  mcpdoctor probe docs --protocol legacy`,
		Args:              oneTarget(urlTargets|commandTargets, false),
		ValidArgsFunction: a.completeServerNames,
	}
	cmd.RunE = runE(func(args []string) error { return probeRun(a, cmd, args, opts) })
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print one JSON object (the stable contract), with every exchange")
	cmd.Flags().StringVar(&opts.Call, "call", "", "also call the `TOOL` named here (tools/call)")
	cmd.Flags().StringVar(&opts.Args, "args", "", "the tool's arguments as a JSON object (with --call)")
	opts.probeFlags.register(cmd)
	opts.target.register(cmd, urlTargets|commandTargets)
	cmd.Flags().StringVar(&opts.PrintConfig, "print-config", "", "print the entry that configures this server, for the client in use or the `CLIENT` named, on stdout (the probe goes to stderr)")
	cmd.Flags().Lookup("print-config").NoOptDefVal = printClientInUse
	a.trustProjectFlag(cmd)
	cmd.Flags().BoolVarP(&opts.Verbose, "verbose", "v", false, "trace every exchange on stderr as it happens (redacted)")
	return cmd
}

func probeRun(a *app, cmd *cobra.Command, args []string, opts *probeOptions) error {
	call, err := parseCall(opts.Call, opts.Args)
	if err != nil {
		return err
	}
	if err := opts.check(); err != nil {
		return err
	}
	if opts.PrintConfig != "" && opts.JSON {
		return usageError("--print-config prints the entry as the client's file holds it, --json the probe as JSON: use one")
	}
	f, s, err := a.targetServer(cmd, args, &opts.target)
	if err != nil {
		return err
	}
	var print config.Client
	if opts.PrintConfig != "" {
		// Before the probe: a client mcpdoctor cannot write for is a
		// usage error, not a surprise after a long probe.
		if print, err = a.printClient(s, opts.PrintConfig); err != nil {
			return err
		}
	}
	out, color := a.io.Out, a.io.colorOut()
	if print != "" {
		// stdout is for the entry alone, to paste or redirect.
		out, color = a.io.Err, a.io.colorErr()
	}
	entry := report.Entry{Server: s, Problems: a.problems(f, s)}
	if !s.MayStart() {
		// Its client would not start it yet: neither does mcpdoctor. That
		// is no failure of the run; the output says why and how to
		// approve it.
		if opts.JSON {
			return report.WriteJSON(a.io.Out, report.View(entry, a.red, report.Full))
		}
		report.ProbeText(out, entry, a.red, report.Style{Color: color})
		if print != "" {
			return a.printConfig(print, s, nil)
		}
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
	entry.ToolFindings = toolcheck.Check(s.Name, s.Client(), res.Tools)
	if opts.JSON {
		if err := report.WriteJSON(a.io.Out, report.View(entry, a.red, report.Full)); err != nil {
			return err
		}
	} else {
		report.ProbeText(out, entry, a.red, report.Style{Color: color})
	}
	if !res.Healthy {
		a.flagsAfterDash(cmd, s)
	}
	if print != "" {
		if err := a.printConfig(print, s, res); err != nil {
			return err
		}
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
