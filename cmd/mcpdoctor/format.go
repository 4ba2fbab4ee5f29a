package main

import (
	"slices"
	"strings"

	"github.com/spf13/cobra"
)

// Output formats of the commands that check configs and servers (list,
// validate): text for people, json for scripts (the stable contract, as
// --json), sarif for code scanning (SARIF 2.1.0), github for annotations
// in a GitHub Actions log.
const (
	formatText   = "text"
	formatJSON   = "json"
	formatSARIF  = "sarif"
	formatGitHub = "github"
)

var formats = []string{formatText, formatJSON, formatSARIF, formatGitHub}

// formatFlags are --format and --json, its older spelling.
type formatFlags struct {
	JSON   bool
	Format string
}

func (f *formatFlags) register(cmd *cobra.Command, jsonHelp string) {
	cmd.Flags().BoolVar(&f.JSON, "json", false, jsonHelp+" (as --format json)")
	cmd.Flags().StringVar(&f.Format, "format", formatText, "output `format`: text; json (as --json); sarif, a SARIF 2.1.0 log for code scanning (github/codeql-action/upload-sarif); github, annotations for a GitHub Actions log (::error file=…,line=…::)")
	_ = cmd.RegisterFlagCompletionFunc("format", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return formats, cobra.ShellCompDirectiveNoFileComp
	})
}

// resolve says which format was asked for, refusing what cannot be meant.
func (f *formatFlags) resolve() (string, error) {
	if !slices.Contains(formats, f.Format) {
		return "", usageError("--format must be %s, not %q", strings.Join(formats, ", "), f.Format)
	}
	if f.JSON {
		if f.Format != formatText && f.Format != formatJSON {
			return "", usageError("--json and --format %s are different outputs: choose one", f.Format)
		}
		return formatJSON, nil
	}
	return f.Format, nil
}

// requestedFormat says which document the user asked for, so that a
// failure still prints one: the command's --format and --json as parsed,
// or, when parsing stopped before them, as they stand among the
// arguments. Commands without --format only know --json.
func requestedFormat(cmd *cobra.Command, args []string) string {
	hasFormat := true
	if cmd != nil {
		hasFormat = cmd.Flags().Lookup("format") != nil
		if f := cmd.Flags().Lookup("json"); f != nil && f.Changed && f.Value.String() == "true" {
			return formatJSON
		}
		if f := cmd.Flags().Lookup("format"); f != nil && f.Changed {
			return f.Value.String()
		}
	}
	for i, arg := range args {
		switch {
		case arg == "--":
			return formatText
		case arg == "--json" || arg == "--json=true":
			return formatJSON
		case hasFormat && strings.HasPrefix(arg, "--format="):
			return strings.TrimPrefix(arg, "--format=")
		case hasFormat && arg == "--format" && i+1 < len(args):
			return args[i+1]
		}
	}
	return formatText
}
