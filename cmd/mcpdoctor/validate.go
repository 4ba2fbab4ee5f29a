package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mcpdoctor/mcpdoctor/internal/config"
	"github.com/mcpdoctor/mcpdoctor/internal/report"
)

type validateOptions struct {
	formatFlags
	Static bool
}

func newValidateCmd(a *app) *cobra.Command {
	opts := &validateOptions{}
	cmd := &cobra.Command{
		Use:   "validate [FILE...]",
		Short: "Check configs without starting or contacting anything (for CI)",
		Long: `Check a config statically: its syntax and types, every rule its client
enforces (for Codex: a transport per server, fields that belong to it, valid
names and timeouts), the keys the client silently ignores, what it would do
differently from what the entry seems to say (a url without a type, a
variable it passes on as written), and — unless --static — what this
machine lacks to start each enabled server (an unset token variable, a
command not on PATH, a missing cwd). Nothing is started and no network is
used, whatever the file says.

FILE, or --config FILE, is any supported client's file; the client is
recognised from its name and content, or named with --client. Several
FILEs are each checked by their own client's rules, as a pre-commit hook
or a CI job passes them: the text and the annotations follow one another,
--json prints an array with one object per file (one FILE prints the
object alone), and --format sarif prints one log with every file's
results. A file that cannot be read among several is reported as its own
"unreadable" error and the others are still checked.

Output formats: text, for people; json, as --json
(schema/validate.schema.json, an array of those for several files); sarif,
a SARIF 2.1.0 log for code scanning (github/codeql-action/upload-sarif),
one result per problem at its file, line and column; github, workflow
commands that annotate each line in a GitHub Actions run. Use --static in
CI, where the servers' variables and commands are absent.

Exit status: 0 when every file is valid (warnings allowed), 1 when one has
errors (a file that does not parse included), 2 when a file cannot be read
at all; with several files, the worst of them.`,
		Example: `  mcpdoctor validate
  mcpdoctor validate .mcp.json
  mcpdoctor validate --static .mcp.json .cursor/mcp.json .vscode/mcp.json
  mcpdoctor validate --static --format sarif .mcp.json > mcpdoctor.sarif
  mcpdoctor validate --config ./codex/config.toml --static --format github`,
		Args: cobra.ArbitraryArgs,
		RunE: runE(func(args []string) error {
			files := args
			switch {
			case len(args) == 0 && a.configPath != "":
				files = []string{a.configPath}
			case len(args) > 0 && a.configPath != "" && (len(args) > 1 || args[0] != a.configPath):
				return usageError("validate takes FILEs or --config FILE, not both: leave out --config %s", a.configPath)
			}
			return validateRun(a, opts, files)
		}),
	}
	opts.formatFlags.register(cmd, "print the result as JSON")
	cmd.Flags().BoolVar(&opts.Static, "static", false, "check only the file, not this machine's environment (for CI, where the servers' variables and commands are absent)")
	return cmd
}

// validateRun checks files, or with none the config found as without
// --config. One file that cannot be read is a config error (status 2, an
// error document); among several it is that file's result.
func validateRun(a *app, opts *validateOptions, files []string) error {
	format, err := opts.resolve()
	if err != nil {
		return err
	}
	if len(files) <= 1 {
		path := ""
		if len(files) == 1 {
			path = files[0]
		}
		f, err := a.loadConfigAt(path)
		if err != nil {
			return err
		}
		v := a.validation(f, opts.Static)
		if err := writeValidations(a, format, []report.Validation{v}, true); err != nil {
			return err
		}
		if !v.Valid {
			return silentFailure
		}
		return nil
	}
	// Every file is read, and the redactor has learnt the secrets of all
	// of them, before anything about any of them is printed.
	loaded := make([]*config.File, len(files))
	errs := make([]error, len(files))
	for i, path := range files {
		loaded[i], errs[i] = a.loadConfigAt(path)
	}
	vs := make([]report.Validation, len(files))
	unreadable, valid := false, true
	for i, path := range files {
		if errs[i] != nil {
			unreadable = true
			// The problem names the file already.
			msg := strings.TrimPrefix(errs[i].Error(), path+": ")
			vs[i] = report.NewValidation(path, 0, []config.Problem{{
				Severity: config.SeverityError, Code: config.CodeUnreadable, File: path, Message: msg,
			}}, a.red)
			if format != formatText {
				// The text shows it among the results; a document
				// carries it where a person reading the log misses it.
				report.ErrorText(a.io.Err, a.red, errs[i].Error())
			}
			continue
		}
		vs[i] = a.validation(loaded[i], opts.Static)
		valid = valid && vs[i].Valid
	}
	if err := writeValidations(a, format, vs, false); err != nil {
		return err
	}
	switch {
	case unreadable:
		return &exitError{code: exitUsage, category: report.ErrorConfig}
	case !valid:
		return silentFailure
	}
	return nil
}

// validation is one file's problems: the file's own and, unless static,
// what this machine lacks to start each server.
func (a *app) validation(f *config.File, static bool) report.Validation {
	problems := append([]config.Problem{}, f.Problems...)
	if !static {
		for _, s := range f.Servers {
			problems = append(problems, config.CheckEnvironment(s, a.machine())...)
		}
	}
	config.SortProblems(problems)
	v := report.NewValidation(f.Path, len(f.Servers), problems, a.red)
	v.Client = string(f.Client)
	return v
}

// writeValidations prints the results in format; one is a single file's
// (its JSON is the object, not an array of one).
func writeValidations(a *app, format string, vs []report.Validation, one bool) error {
	switch format {
	case formatJSON:
		if one {
			return report.WriteJSON(a.io.Out, vs[0])
		}
		return report.WriteJSON(a.io.Out, vs)
	case formatSARIF:
		return report.ValidateSARIF(a.io.Out, vs, version())
	case formatGitHub:
		for _, v := range vs {
			report.ValidateGitHub(a.io.Out, v)
		}
	case formatText:
		for _, v := range vs {
			report.ValidateText(a.io.Out, v, report.Style{Color: a.io.colorOut()})
		}
	default:
		return fmt.Errorf("validate: no writer for the format %q", format)
	}
	return nil
}
