package main

import (
	"github.com/spf13/cobra"

	"github.com/mcpdoctor/mcpdoctor/internal/config"
	"github.com/mcpdoctor/mcpdoctor/internal/report"
)

type validateOptions struct {
	JSON   bool
	Format string
	Static bool
}

func newValidateCmd(a *app) *cobra.Command {
	opts := &validateOptions{}
	cmd := &cobra.Command{
		Use:   "validate [FILE]",
		Short: "Check a config without starting or contacting anything (for CI)",
		Long: `Check a config statically: its syntax and types, every rule its client
enforces (for Codex: a transport per server, fields that belong to it, valid
names and timeouts), the keys the client silently ignores, what it would do
differently from what the entry seems to say (a url without a type, a
variable it passes on as written), and — unless --static — what this
machine lacks to start each enabled server (an unset token variable, a
command not on PATH, a missing cwd). Nothing is started and no network is
used.

FILE, or --config FILE, is any supported client's file; the client is
recognised from its name and content, or named with --client.

Exit status: 0 when valid (warnings allowed), 1 when there are errors, 2 when
the file cannot be read.`,
		Example: `  mcpdoctor validate
  mcpdoctor validate .mcp.json
  mcpdoctor validate --config ./codex/config.toml --static --format github`,
		Args: cobra.MaximumNArgs(1),
		RunE: runE(func(args []string) error {
			if len(args) == 1 {
				if a.configPath != "" && a.configPath != args[0] {
					return usageError("validate takes one file: %s or --config %s, not both", args[0], a.configPath)
				}
				a.configPath = args[0]
			}
			return validateRun(a, opts)
		}),
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print the result as JSON")
	cmd.Flags().StringVar(&opts.Format, "format", "text", "output `format`: text, or github for GitHub Actions annotations (::error file=…,line=…::)")
	cmd.Flags().BoolVar(&opts.Static, "static", false, "check only the file, not this machine's environment (for CI, where the servers' variables and commands are absent)")
	return cmd
}

func validateRun(a *app, opts *validateOptions) error {
	if opts.Format != "text" && opts.Format != "github" {
		return usageError("--format must be text or github, not %q", opts.Format)
	}
	if opts.JSON && opts.Format != "text" {
		return usageError("--json and --format github are different outputs: choose one")
	}
	f, err := a.loadConfig()
	if err != nil {
		return err
	}
	problems := append([]config.Problem{}, f.Problems...)
	if !opts.Static {
		for _, s := range f.Servers {
			problems = append(problems, config.CheckEnvironment(s, a.machine())...)
		}
	}
	config.SortProblems(problems)
	v := report.NewValidation(f.Path, len(f.Servers), problems, a.red)
	v.Client = string(f.Client)
	switch {
	case opts.JSON:
		if err := report.WriteJSON(a.io.Out, v); err != nil {
			return err
		}
	case opts.Format == "github":
		report.ValidateGitHub(a.io.Out, v)
	default:
		report.ValidateText(a.io.Out, v, report.Style{Color: a.io.colorOut()})
	}
	if !v.Valid {
		return silentFailure
	}
	return nil
}
