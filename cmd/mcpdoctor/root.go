package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mcpdoctor/mcpdoctor/internal/config"
	"github.com/mcpdoctor/mcpdoctor/internal/oauth"
	"github.com/mcpdoctor/mcpdoctor/internal/printable"
	"github.com/mcpdoctor/mcpdoctor/internal/redact"
	"github.com/mcpdoctor/mcpdoctor/internal/report"
	"github.com/mcpdoctor/mcpdoctor/internal/tokens"
)

// Exit statuses: 0 all healthy, 1 something is not, 2 usage or config
// errors, 3 mcpdoctor's own failure (a bug to report).
const (
	exitOK        = 0
	exitUnhealthy = 1
	exitUsage     = 2
	exitInternal  = 3
)

// exitError carries an exit status and an error category (report.ErrorUsage
// and the others) up to run. An empty message means the command has
// already said everything.
type exitError struct {
	code     int
	category string
	err      error
	// shown is the message for a person when err's holds text from
	// outside (a server's error_description, a registered client_id):
	// each such value printed as one line, so that the message's only
	// line breaks are mcpdoctor's ("Try: …"). JSON carries err's message,
	// exact.
	shown string
}

func (e *exitError) Error() string {
	if e.err == nil {
		return ""
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

func usageError(format string, args ...any) error {
	return &exitError{code: exitUsage, category: report.ErrorUsage, err: fmt.Errorf(format, args...)}
}

func configError(err error) error {
	return &exitError{code: exitUsage, category: report.ErrorConfig, err: err}
}

// loginError is a login or logout that did not happen: status 1, like an
// unhealthy server.
func loginError(err error) error {
	return &exitError{code: exitUnhealthy, category: report.ErrorLogin, err: err}
}

// loginFailure is loginError for a message whose arguments hold text
// from outside (a server's answer, a config's value); format takes %s and
// %v only. A person sees each argument redacted and on one line.
func (a *app) loginFailure(format string, args ...any) error {
	shown := make([]any, len(args))
	for i, arg := range args {
		shown[i] = printable.Text(a.red.Text(fmt.Sprint(arg)), false)
	}
	return &exitError{code: exitUnhealthy, category: report.ErrorLogin, err: fmt.Errorf(format, args...), shown: fmt.Sprintf(format, shown...)}
}

// loginFailed says why a login did not happen: the step, what went wrong
// and what to try. What the server said (an error_description, a
// client_id) is one line each; only "Try:" starts a line.
func (a *app) loginFailed(name string, err error) error {
	var oe *oauth.Error
	switch {
	case errors.As(err, &oe) && oe.Step == oauth.StepDiscovery:
		return a.loginFailure("%s", oe.Message)
	case errors.As(err, &oe) && oe.Hint != "":
		return a.loginFailure("login to %s failed at the %s step: %s\nTry: %s", name, oe.Step, oe.Message, oe.Hint)
	case errors.As(err, &oe):
		return a.loginFailure("login to %s failed at the %s step: %s", name, oe.Step, oe.Message)
	}
	return a.loginFailure("login to %s failed: %v", name, err)
}

// silentFailure ends the command with status 1 after it printed its result.
var silentFailure = &exitError{code: exitUnhealthy}

// app is what every command shares: the streams and the run's redactor,
// which learns the secrets of the config, the environment, the token file
// and the probes before anything about them is printed. Output is redacted
// where each view is built (internal/report); nothing rewrites the streams.
type app struct {
	io         *IOStreams
	red        *redact.Redactor
	configPath string
	// clientName is --client: whose rules read --config, or whose files
	// are read without it.
	clientName string
	// trustProject is --trust-project: start and contact the entries of a
	// project's own config that their client would not start yet.
	trustProject bool
	// tokens is the OAuth token store, opened on first use.
	tokens *tokens.Store
	// stream is list --json's array while it is being written: a failure
	// then ends the array, so stdout stays one document.
	stream *report.ListStream
	// ctx is the run's: cancelled on SIGINT, SIGTERM or SIGHUP.
	ctx context.Context
	// completing is set while a shell completes a NAME: nothing is said
	// on stderr.
	completing bool
}

func run(args []string, streams *IOStreams) (code int) {
	a := &app{io: streams, red: redact.New(), ctx: context.Background()}
	var in *interruption
	if streams.Signals {
		a.ctx, in = watchSignals(context.Background(), func(line string) { fmt.Fprintln(streams.Err, line) })
		defer in.stop()
	}
	root := newRootCmd(a)
	root.SetArgs(args)
	root.SetOut(streams.Out)
	root.SetErr(streams.Err)
	var cmd *cobra.Command
	defer func() {
		// A bug must still end in a clear message and, under --json, in one
		// valid document.
		if p := recover(); p != nil {
			fmt.Fprintf(streams.Err, "%s\n", debug.Stack())
			code = a.fail(cmd, args, &exitError{code: exitInternal, category: report.ErrorInternal, err: fmt.Errorf("internal error: %v", p)})
		}
	}()
	cmd, err := root.ExecuteC()
	code = exitOK
	if err != nil {
		code = a.fail(cmd, args, err)
	}
	if status := in.status(); status != 0 {
		// What finished was printed; the rest is marked cancelled.
		return status
	}
	return code
}

// fail reports the error that ended a command and returns its exit status.
// Under --json (--format json), stdout gets one error document; under
// --format sarif, a SARIF log whose invocation failed; under --format
// github, an error annotation. The message goes to stderr in every case.
func (a *app) fail(cmd *cobra.Command, args []string, err error) int {
	code, category := exitUsage, report.ErrorUsage
	var ee *exitError
	if errors.As(err, &ee) {
		code, category = ee.code, ee.category
	}
	// Otherwise, Cobra's own errors (unknown command, bad flag, wrong
	// arguments) are usage errors.
	msg := err.Error()
	if msg == "" {
		return code
	}
	if a.stream != nil {
		// Entries are already out: close the array they are in.
		_ = a.stream.Close()
	} else {
		// The document asked for, saying what failed.
		doc := report.NewError(msg, category, code, a.red)
		var werr error
		switch requestedFormat(cmd, args) {
		case formatJSON:
			werr = report.WriteJSON(a.io.Out, doc)
		case formatSARIF:
			werr = report.ErrorSARIF(a.io.Out, doc, version())
		case formatGitHub:
			report.ErrorGitHub(a.io.Out, doc)
		}
		if werr != nil {
			code = exitInternal
		}
	}
	// A person reads the message on one line, and a login's "Try:" on
	// the next.
	lines := []string{msg}
	if ee != nil && ee.shown != "" {
		lines = strings.Split(ee.shown, "\n")
	}
	report.ErrorText(a.io.Err, a.red, lines[0], lines[1:]...)
	var arity *arityError
	if category == report.ErrorUsage && (isCobraUsage(msg) || errors.As(err, &arity)) {
		path := "mcpdoctor"
		if cmd != nil {
			path = cmd.CommandPath()
		}
		fmt.Fprintf(a.io.Err, "Run '%s --help' for usage.\n", path)
	}
	return code
}

// arityError: a command was given the wrong number of arguments.
type arityError struct{ msg string }

func (e *arityError) Error() string { return e.msg }

// oneServer is the argument rule of the commands that work on one server:
// it says what is missing in words, and where the names are.
func oneServer(cmd *cobra.Command, args []string) error {
	switch len(args) {
	case 1:
		return nil
	case 0:
		return &arityError{fmt.Sprintf("%s needs the NAME of a configured server (`mcpdoctor list` shows them)", cmd.Name())}
	}
	return &arityError{fmt.Sprintf("%s takes one server NAME, not %d (%s): run it once per server, or `mcpdoctor list` for all of them",
		cmd.Name(), len(args), strings.Join(args, ", "))}
}

// say prints a line for the person at the terminal, on stderr, redacted as
// text and printed as one line: what it says of a server (a client_id a
// registration returned) cannot start a line of its own.
func (a *app) say(format string, args ...any) {
	fmt.Fprintln(a.io.Err, printable.Text(a.red.Text(fmt.Sprintf(format, args...)), false))
}

// runE adapts a command's work to Cobra: an error that is not an exitError
// is mcpdoctor's own failure, not the user's.
func runE(f func(args []string) error) func(*cobra.Command, []string) error {
	return func(_ *cobra.Command, args []string) error {
		err := f(args)
		var ee *exitError
		if err != nil && !errors.As(err, &ee) {
			return &exitError{code: exitInternal, category: report.ErrorInternal, err: err}
		}
		return err
	}
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
		Long: `mcpdoctor reads the MCP servers a client is configured with, talks to each
one as a real client would — the handshake of its protocol era
(server/discover, or initialize), tools/list, and tools/call when asked —
over stdio, Streamable HTTP or legacy SSE, and reports what happened:
health, auth status (none, bearer, oauth or failed), and the exchanges that
prove it. Secrets are never printed.

It reads the files of Codex, Claude Code, Claude Desktop, Cursor, VS Code,
Windsurf, Gemini CLI, Zed, opencode, Copilot CLI, Cline, Continue and Goose,
each by its client's own rules (which transport an entry means, what
${VAR} becomes when it is unset). --config FILE reads any of them and
recognises the client from the file's name and content; --client NAME
overrides that, or, without --config, reads that client's files on this
machine. With neither, the config is Codex's: $CODEX_HOME/config.toml, else
~/.codex/config.toml, with a trusted project's .codex/config.toml; with no
Codex config, every client's files found on this machine, as
` + "`mcpdoctor list --all-clients`" + ` reads them.

No config is needed to probe one server: mcpdoctor probe URL, or
mcpdoctor probe -- COMMAND ARGS for a stdio server (mcpdoctor probe --help).

Exit status: 0 when every enabled server is healthy and the config has no
error (validate: the config is valid); 1 when a server is not, or the
config has an error (a problem its client refuses, such as a refused name
or an unset token variable); 2 for usage errors and a config that cannot be
read at all (missing, unparsable: validate says where, and exits 1); 3 when
mcpdoctor itself failed (a bug: please report it); 130 (128+n) when
interrupted by SIGINT (signal n: SIGTERM, SIGHUP): servers still running
are closed as on a timeout, what finished is printed and the rest marked
cancelled; a second interrupt stops at once. With --json, every outcome
prints one JSON document; a failure that is no server's is
{"error": {...}}.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       version(),
	}
	root.PersistentFlags().StringVar(&a.configPath, "config", "", "the client config `FILE`, any supported client's (default: Codex's, $CODEX_HOME/config.toml, else ~/.codex/config.toml)")
	root.PersistentFlags().StringVar(&a.clientName, "client", "", "read by this client's rules, or without --config its files on this machine: "+config.ClientNames())
	_ = root.RegisterFlagCompletionFunc("client", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return strings.Split(config.ClientNames(), ", "), cobra.ShellCompDirectiveNoFileComp
	})
	root.SetVersionTemplate("mcpdoctor {{.Version}}\n")
	// --version only: -v is probe's --verbose, and means one thing.
	root.Flags().Bool("version", false, "print mcpdoctor's version")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return &exitError{code: exitUsage, category: report.ErrorUsage, err: err}
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

// loadConfig locates and reads the config: --config FILE by the rules of
// --client or of the client it is recognised as; else --client's files on
// this machine; else Codex's. A file that cannot be found, read or parsed
// is a config error (status 2) whose message names the file, and for
// syntax errors the line and column.
func (a *app) loadConfig() (*config.File, error) {
	return a.loadConfigAt(a.configPath)
}

// loadConfigAt is loadConfig for the file at path; "" is as without
// --config.
func (a *app) loadConfigAt(path string) (*config.File, error) {
	var client config.Client
	if a.clientName != "" {
		c, err := config.ParseClient(a.clientName)
		if err != nil {
			return nil, usageError("--client: %v", err)
		}
		client = c
	}
	m := a.machineInfo()
	var f *config.File
	var err error
	switch {
	case path != "":
		f, err = config.Load(path, config.ReadOptions{Client: client, Home: m.Home, Cwd: m.Cwd, Getenv: m.Getenv, GOOS: m.GOOS})
	case client != "":
		f, err = config.LoadClient(client, m)
	default:
		f, err = config.LoadClient(config.ClientCodex, m)
		if errors.Is(err, config.ErrNoConfig) {
			// Codex is the default, but its missing config is not the
			// user's problem: the clients that are here are read.
			return a.everyClient(m, "No Codex config here")
		}
	}
	if err != nil {
		return nil, configError(err)
	}
	a.optIn(f, path != "")
	a.learnSecrets(f)
	return f, nil
}

// optIn marks the entries their client would not start (a project's own
// servers, pending the user's approval) that the user chose to start all
// the same: every one with --trust-project, and those of a file the user
// named (--config FILE, validate FILE), which the user chose to read.
func (a *app) optIn(f *config.File, named bool) {
	switch {
	case a.trustProject:
		f.OptIn("--trust-project")
	case named:
		f.OptIn("--config")
	}
}

// trustProjectFlag adds --trust-project to a command that starts or
// contacts servers.
func (a *app) trustProjectFlag(cmd *cobra.Command) {
	cmd.Flags().BoolVar(&a.trustProject, "trust-project", false,
		"also start and contact the servers of a project's own config that their client would not start yet (pending approval, an untrusted project): only after you have read them")
}

// discover reads every client's files on this machine. --config and
// --client choose one client's, so they do not go with it. A file that
// does not parse is listed as a problem, not an error: the others still
// count.
func (a *app) discover() (*config.File, error) {
	if a.configPath != "" || a.clientName != "" {
		return nil, usageError("--all-clients reads every client's files: leave out --config and --client")
	}
	return a.everyClient(a.machineInfo(), "")
}

// everyClient reads every client's files found on this machine; why,
// when set, starts the line that says so on stderr. A machine with none
// is a config error that lists the places looked at and how to probe a
// server without a config.
func (a *app) everyClient(m config.Machine, why string) (*config.File, error) {
	f, errs := config.Discover(m)
	for _, err := range errs {
		a.say("%v", err)
	}
	if len(f.Paths) == 0 {
		return nil, noConfigAnywhere(m)
	}
	if why != "" && !a.completing {
		a.say("%s; reading the MCP servers of every client found instead (as --all-clients): %s", why, strings.Join(f.Paths, ", "))
	}
	a.optIn(f, false)
	a.learnSecrets(f)
	for _, p := range f.Problems {
		if p.Code == config.CodeSyntax {
			a.say("%s", p)
		}
	}
	return f, nil
}

// noConfigAnywhere says that no client has a config on this machine:
// where mcpdoctor looked, client by client, and that a server can be
// probed without one.
func noConfigAnywhere(m config.Machine) error {
	const first = "no MCP client's config was found on this machine"
	const try = "Try: mcpdoctor probe https://… (a server's URL) or mcpdoctor probe -- COMMAND ARGS (a stdio server), which need no config; or --config FILE"
	lines := []string{first, "Looked at:"}
	var looked []string
	for _, c := range config.Clients() {
		var paths []string
		for _, p := range config.Places(c, m) {
			paths = append(paths, p.Path)
		}
		lines = append(lines, fmt.Sprintf("  %s: %s", c.Title(), strings.Join(paths, ", ")))
		looked = append(looked, fmt.Sprintf("%s (%s)", c.Title(), strings.Join(paths, ", ")))
	}
	lines = append(lines, try)
	return &exitError{code: exitUsage, category: report.ErrorConfig,
		err:   fmt.Errorf("%s; looked at %s. %s", first, strings.Join(looked, "; "), try),
		shown: strings.Join(lines, "\n")}
}

// machineInfo is where clients look for their files on this machine.
func (a *app) machineInfo() config.Machine {
	home := a.io.Getenv("HOME")
	if home == "" {
		home, _ = os.UserHomeDir()
	}
	return config.Machine{Getenv: a.io.Getenv, Home: home, Cwd: a.io.cwd(), GOOS: runtime.GOOS}
}

// lookup is what the config's references are filled in from.
func (a *app) lookup() config.Lookup {
	return config.Lookup{Env: a.io.LookupEnv, ReadFile: config.ReadReferenced, Environ: a.io.Environ}
}

// learnSecrets teaches the redactor every secret the config holds or
// points to, before anything about the config is printed. The files an
// entry mcpdoctor does not start points to are not read.
func (a *app) learnSecrets(f *config.File) {
	look := a.lookup()
	unread := look
	unread.ReadFile = nil
	var secrets []string
	for _, s := range f.Servers {
		if s.MayStart() {
			secrets = append(secrets, s.Secrets(look)...)
		} else {
			secrets = append(secrets, s.Secrets(unread)...)
		}
	}
	// At once: each Add builds the redactor's replacer anew, so one per
	// server made a config of many servers quadratic to read.
	a.red.Add(secrets...)
}

// loadParsedConfig is loadConfig for the commands that need the servers: a
// file that does not parse is a config error (status 2) for them.
func (a *app) loadParsedConfig() (*config.File, error) {
	f, err := a.loadConfig()
	if err != nil {
		return nil, err
	}
	if p := f.Fatal(); p != nil {
		return nil, configError(fmt.Errorf("%s (run `mcpdoctor validate` for details)", p))
	}
	return f, nil
}

// completeServerNames completes NAME from the config in use (--config,
// --client, or Codex's): names only, nothing probed or printed.
func (a *app) completeServerNames(_ *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
	if len(args) > 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	// The shell shows stderr under the prompt: completing says nothing.
	a.completing = true
	f, err := a.loadConfig()
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	return f.Names(), cobra.ShellCompDirectiveNoFileComp
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
	ps := append(append([]config.Problem{}, s.Problems...), config.CheckEnvironment(s, a.machine())...)
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
