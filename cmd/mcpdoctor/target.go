package main

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mcpdoctor/mcpdoctor/internal/config"
	"github.com/mcpdoctor/mcpdoctor/internal/probe"
)

// A command that works on one server takes it by NAME from the config,
// or names it itself: a URL, or a command after --. The second needs no
// config at all, which is how a new user starts ("is this server
// working?").

// targetFlags describe a server named on the command line.
type targetFlags struct {
	Name      string
	Transport string
	Headers   []string
	BearerEnv string
	Env       []string
	Cwd       string

	// changed lists the flags that were given, for the error that says
	// they do not go with a NAME.
	changed func() []string
}

// targetKinds says which kinds of target a command takes.
type targetKinds int

const (
	urlTargets     targetKinds = 1 << iota // http(s)://…
	commandTargets                         // -- CMD ARGS
)

func (t *targetFlags) register(cmd *cobra.Command, kinds targetKinds) {
	fs := cmd.Flags()
	fs.StringVar(&t.Name, "name", "", "with a URL or a command: the `NAME` it goes by in output and the token file (default: made from the host or the program)")
	names := []string{"name"}
	if kinds&urlTargets != 0 {
		fs.StringVar(&t.Transport, "transport", "", "with a URL: streamable_http (the default, falling back to SSE as most clients do) or sse")
		fs.StringArrayVar(&t.Headers, "header", nil, "with a URL: send the header 'Name: value' (repeatable); write the value as $VAR to read it from the environment, so it never sits in your shell's history")
		fs.StringVar(&t.BearerEnv, "bearer-env", "", "with a URL: send Authorization: Bearer with the token in the environment `VARIABLE`")
		names = append(names, "transport", "header", "bearer-env")
	}
	if kinds&commandTargets != 0 {
		fs.StringArrayVar(&t.Env, "env", nil, "with a command: set NAME=value in its environment, or pass NAME on from yours (repeatable)")
		fs.StringVar(&t.Cwd, "cwd", "", "with a command: the `DIR` it runs in")
		names = append(names, "env", "cwd")
	}
	t.changed = func() []string {
		var out []string
		for _, n := range names {
			if fs.Changed(n) {
				out = append(out, "--"+n)
			}
		}
		return out
	}
}

// target is what the arguments name: a configured server's Name, or a
// server the command line describes (Server set).
type target struct {
	Name   string
	Server *config.Server
}

// named reports whether the target is a server the command line names,
// not a configured one.
func (t target) named() bool { return t.Server != nil }

// oneTarget is the argument rule of probe and report NAME: one NAME or
// URL, or a command after --.
func oneTarget(kinds targetKinds, optional bool) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		dash := cmd.ArgsLenAtDash()
		switch {
		case dash >= 0 && kinds&commandTargets == 0:
			return &arityError{fmt.Sprintf("%s takes a NAME or a URL, not a command after --", cmd.Name())}
		case dash > 0:
			return &arityError{fmt.Sprintf("%s takes a NAME or URL, or a command after --, not both (%s and -- %s)", cmd.Name(), strings.Join(args[:dash], " "), strings.Join(args[dash:], " "))}
		case dash == 0 && len(args) == 0:
			return &arityError{fmt.Sprintf("-- needs the command that starts the server after it: mcpdoctor %s -- npx -y @modelcontextprotocol/server-everything", cmd.Name())}
		case dash == 0, len(args) == 1, len(args) == 0 && optional:
			return nil
		case len(args) == 0:
			what := "the NAME of a configured server (`mcpdoctor list` shows them) or a server's URL"
			if kinds&commandTargets != 0 {
				what += ", or a command after --"
			}
			return &arityError{fmt.Sprintf("%s needs %s", cmd.Name(), what)}
		}
		msg := fmt.Sprintf("%s takes one server NAME or URL, not %d (%s): run it once per server, or `mcpdoctor list` for all of them", cmd.Name(), len(args), strings.Join(args, ", "))
		if kinds&commandTargets != 0 {
			msg += fmt.Sprintf("; to start a server, put its command after --: mcpdoctor %s -- %s", cmd.Name(), strings.Join(args, " "))
		}
		return &arityError{msg}
	}
}

// isURL tells a URL argument from a NAME: no client accepts "://" in a
// name.
func isURL(arg string) bool { return strings.Contains(arg, "://") }

// resolveTarget reads the arguments oneTarget allowed. A URL or a command
// is a server of its own: no config is read for it, so it works on a
// machine with none.
func (a *app) resolveTarget(cmd *cobra.Command, args []string, tf *targetFlags) (target, error) {
	// Every flag goes in: FromCommandLine refuses those of the other kind.
	t := config.Target{Name: tf.Name, Transport: config.Transport(tf.Transport), Headers: tf.Headers, BearerEnv: tf.BearerEnv, Env: tf.Env, Cwd: tf.Cwd}
	switch {
	case cmd.ArgsLenAtDash() == 0:
		t.Command, t.Args = args[0], args[1:]
	case len(args) == 1 && isURL(args[0]):
		t.URL = args[0]
	default:
		name := ""
		if len(args) == 1 {
			name = args[0]
		}
		if changed := tf.changed(); len(changed) > 0 {
			verb := "is"
			if len(changed) > 1 {
				verb = "are"
			}
			return target{}, usageError("%s %s for a server named by its URL or command (mcpdoctor %s URL, or -- COMMAND); %s comes from its config entry, which says all that",
				strings.Join(changed, ", "), verb, cmd.Name(), cmp.Or(name, "every server"))
		}
		return target{Name: name}, nil
	}
	if a.configPath != "" {
		return target{}, usageError("--config reads a client's file, but a URL or a command names its server itself: leave out --config, or name the server in that file")
	}
	if a.clientName != "" {
		return target{}, usageError("--client chooses whose files to read, but a URL or a command needs none: leave it out (probe --print-config=CLIENT prints the entry for a client)")
	}
	s, err := config.FromCommandLine(t)
	if err != nil {
		return target{}, usageError("%v", err)
	}
	a.red.Add(s.Secrets(a.lookup())...)
	return target{Name: s.Name, Server: &s}, nil
}

// targetServer is the server args name, and the file it is in: a configured
// one's config, or for a URL or a command a file of its own, with no
// config read at all.
func (a *app) targetServer(cmd *cobra.Command, args []string, tf *targetFlags) (*config.File, config.Server, error) {
	t, err := a.resolveTarget(cmd, args, tf)
	if err != nil {
		return nil, config.Server{}, err
	}
	if t.named() {
		return commandLineFile(*t.Server), *t.Server, nil
	}
	f, err := a.loadParsedConfig()
	if err != nil {
		return nil, config.Server{}, err
	}
	s, err := a.server(f, t.Name)
	return f, s, err
}

// commandLineFile is the file a server the command line names stands in:
// it has no path, and holds that one server.
func commandLineFile(s config.Server) *config.File {
	return &config.File{Client: config.ClientCommandLine, Servers: []config.Server{s}}
}

// printClient is the client probe --print-config writes for: the one
// named, else --client, else the entry's own, else Codex (the default
// client, and a URL's or a command's, which have none).
func (a *app) printClient(s config.Server, flag string) (config.Client, error) {
	name := flag
	if flag == printClientInUse {
		name = a.clientName
	}
	if name == "" {
		name = string(s.Client())
		if s.Client() == config.ClientCommandLine {
			name = string(config.ClientCodex)
		}
	}
	c, err := config.ParseClient(name)
	if err != nil {
		return "", usageError("--print-config: %v", err)
	}
	if !slices.Contains(config.WritableClients(), c) {
		return "", usageError("--print-config: mcpdoctor writes entries for %s, not for %s: name one, as --print-config=%s",
			clientList(config.WritableClients()), c.Title(), config.WritableClients()[0])
	}
	return c, nil
}

// printConfig writes the entry that configures s for c: on stdout alone,
// ready to paste or redirect; what to do with it on stderr.
func (a *app) printConfig(c config.Client, s config.Server, res *probe.Result) error {
	w, err := config.WriteEntry(c, s)
	if err != nil {
		return usageError("--print-config: %v", err)
	}
	a.say("")
	switch {
	case res == nil:
		a.say("%s was not probed; its %s entry, for %s, is on stdout:", s.Name, c.Title(), w.File)
	case !res.Healthy:
		a.say("%s is not healthy: the %s entry on stdout, for %s, configures what failed; fix the server or the entry first:", s.Name, c.Title(), w.File)
	default:
		a.say("The %s entry for %s is on stdout: add it to %s.", c.Title(), s.Name, w.File)
	}
	for _, n := range w.Notes {
		a.say("  - %s", n)
	}
	_, err = fmt.Fprint(a.io.Out, a.red.Text(w.Text))
	return err
}

func clientList(cs []config.Client) string {
	names := make([]string, len(cs))
	for i, c := range cs {
		names[i] = string(c)
	}
	return strings.Join(names, ", ")
}

// flagsAfterDash says, when a command after -- failed, which of its
// arguments are mcpdoctor's own flags: after --, they went to the server.
func (a *app) flagsAfterDash(cmd *cobra.Command, s config.Server) {
	if s.Client() != config.ClientCommandLine || s.Transport != config.TransportStdio {
		return
	}
	var ours []string
	for _, arg := range s.Args {
		name, _, _ := strings.Cut(strings.TrimPrefix(arg.Written, "--"), "=")
		if strings.HasPrefix(arg.Written, "--") && name != "" && cmd.Flags().Lookup(name) != nil {
			ours = append(ours, "--"+name)
		}
	}
	if len(ours) == 0 {
		return
	}
	verb := "it"
	if len(ours) > 1 {
		verb = "they"
	}
	a.say("%s came after --, so %s went to the server as its argument, not to mcpdoctor: put mcpdoctor's flags before --", strings.Join(ours, ", "), verb)
}
