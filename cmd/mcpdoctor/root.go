package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mcpdoctor/mcpdoctor/internal/config"
	"github.com/mcpdoctor/mcpdoctor/internal/redact"
	"github.com/mcpdoctor/mcpdoctor/internal/tokens"
)

// Exit statuses (DESIGN.md): 0 all healthy, 1 something is not, 2 usage or
// config errors.
const (
	exitOK        = 0
	exitUnhealthy = 1
	exitUsage     = 2
)

// exitError carries an exit status up to run. An empty message means the
// command has already said everything.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return ""
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

func usageError(format string, args ...any) error {
	return &exitError{code: exitUsage, err: fmt.Errorf(format, args...)}
}

// silentFailure ends the command with status 1 after it printed its result.
var silentFailure = &exitError{code: exitUnhealthy}

// app is what every command shares: the streams and the run's redactor,
// which grows as config and probes reveal secrets.
type app struct {
	io         *IOStreams
	red        *redact.Redactor
	configPath string
	// raw are the streams before redaction, for the one thing that must
	// reach the user verbatim: the authorization URL of a login, whose
	// state and code_challenge a redactor would blank. It carries no
	// credential.
	raw *IOStreams
	// tokens is the OAuth token store, opened on first use.
	tokens *tokens.Store
}

func run(args []string, streams *IOStreams) int {
	a := &app{io: streams, raw: streams, red: redact.New()}
	// Everything the commands print passes through the redactor, errors
	// included: no renderer can forget it.
	out, errOut := a.red.Writer(streams.Out), a.red.Writer(streams.Err)
	a.io = &IOStreams{In: streams.In, Out: out, Err: errOut, OutTTY: streams.OutTTY, ErrTTY: streams.ErrTTY,
		Getenv: streams.Getenv, LookupEnv: streams.LookupEnv}
	defer out.Flush()
	defer errOut.Flush()

	root := newRootCmd(a)
	root.SetArgs(args)
	root.SetOut(out)
	root.SetErr(errOut)
	err := root.Execute()
	if err == nil {
		return exitOK
	}
	code := exitUnhealthy
	var ee *exitError
	if errors.As(err, &ee) {
		code = ee.code
	} else {
		// Cobra's own errors (unknown command, bad flag, wrong arguments)
		// are usage errors.
		code = exitUsage
	}
	if msg := err.Error(); msg != "" {
		fmt.Fprintln(errOut, "mcpdoctor: "+msg)
		if code == exitUsage && isCobraUsage(msg) {
			fmt.Fprintln(errOut, "Run 'mcpdoctor --help' for usage.")
		}
	}
	return code
}

func isCobraUsage(msg string) bool {
	for _, s := range []string{"unknown command", "unknown flag", "unknown shorthand", "accepts", "requires", "invalid argument", "flag needs"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

func newRootCmd(a *app) *cobra.Command {
	root := &cobra.Command{
		Use:   "mcpdoctor",
		Short: "Inspect and diagnose the MCP servers your client is configured with",
		Long: `mcpdoctor reads the MCP servers a client is configured with (Codex's
config.toml), talks to each one as a real client would — initialize,
tools/list, and tools/call when asked — over stdio, Streamable HTTP or legacy
SSE, and reports what happened: health, auth status (none, bearer, oauth or
failed), and the exchanges that prove it. Secrets are never printed.

The config is found as Codex finds it: --config FILE, else
$CODEX_HOME/config.toml, else ~/.codex/config.toml.

Exit status: 0 when every enabled server is healthy (or the config is valid),
1 when one is not, 2 for usage or config errors.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       version(),
	}
	root.PersistentFlags().StringVar(&a.configPath, "config", "", "the client config `FILE` (default: $CODEX_HOME/config.toml, else ~/.codex/config.toml)")
	root.SetVersionTemplate("mcpdoctor {{.Version}}\n")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return &exitError{code: exitUsage, err: err}
	})
	root.AddCommand(
		newListCmd(a),
		newProbeCmd(a),
		newValidateCmd(a),
		newReportCmd(a),
		newLoginCmd(a),
		newLogoutCmd(a),
		newVersionCmd(a),
	)
	return root
}

// loadConfig locates and reads the config. A file that cannot be found,
// read or parsed is a config error (status 2) whose message names the file,
// and for syntax errors the line and column.
func (a *app) loadConfig() (*config.File, error) {
	path, err := config.Locate(a.configPath, a.io.Getenv)
	if err != nil {
		return nil, &exitError{code: exitUsage, err: err}
	}
	f, err := config.Load(path)
	if err != nil {
		return nil, &exitError{code: exitUsage, err: err}
	}
	a.learnSecrets(f)
	return f, nil
}

// learnSecrets teaches the redactor every credential the config holds or
// points to, before anything about the config is printed.
func (a *app) learnSecrets(f *config.File) {
	for _, s := range f.Servers {
		a.red.Add(s.SecretValues()...)
		vars := []string{s.BearerTokenEnvVar}
		for _, v := range s.EnvHTTPHeaders {
			vars = append(vars, v)
		}
		for _, v := range vars {
			if v == "" {
				continue
			}
			if val, ok := a.io.LookupEnv(v); ok {
				a.red.Add(val)
			}
		}
	}
}

// loadParsedConfig is loadConfig for the commands that need the servers: a
// file that does not parse is a config error (status 2) for them.
func (a *app) loadParsedConfig() (*config.File, error) {
	f, err := a.loadConfig()
	if err != nil {
		return nil, err
	}
	if p := f.Fatal(); p != nil {
		return nil, &exitError{code: exitUsage, err: fmt.Errorf("%s (run `mcpdoctor validate` for details)", p)}
	}
	return f, nil
}

// server returns the named server or a usage error that lists the names.
func (a *app) server(f *config.File, name string) (config.Server, error) {
	s, ok := f.Server(name)
	if ok {
		return s, nil
	}
	names := f.Names()
	if len(names) == 0 {
		return s, usageError("no server named %q: %s configures no MCP servers", name, f.Path)
	}
	return s, usageError("no server named %q in %s; configured: %s", name, f.Path, strings.Join(names, ", "))
}

// problems returns a server's config problems and, for enabled servers,
// what this machine lacks to start it.
func (a *app) problems(f *config.File, s config.Server) []config.Problem {
	ps := append(append([]config.Problem{}, s.Problems...), config.CheckEnvironment(f.Path, s, a.machine())...)
	config.SortProblems(ps)
	return ps
}

// machine is this machine as config checks see it, with the environment
// the streams carry (tests swap it).
func (a *app) machine() config.Env {
	env := config.OSEnv()
	env.LookupEnv = a.io.LookupEnv
	return env
}
