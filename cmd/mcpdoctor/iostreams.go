package main

import (
	"io"
	"os"

	"github.com/mattn/go-isatty"
)

// IOStreams are the command's standard streams and what it knows about
// them. Tests build one over buffers.
type IOStreams struct {
	In  io.Reader
	Out io.Writer
	Err io.Writer
	// OutTTY and ErrTTY say whether the streams are terminals: colour and
	// progress lines only go to terminals.
	OutTTY, ErrTTY bool
	// Getenv reads the environment (NO_COLOR, CODEX_HOME, HOME).
	Getenv func(string) string
	// LookupEnv resolves credential variables for the probe.
	LookupEnv func(string) (string, bool)
	// Environ is the whole environment, which most clients pass on to a
	// stdio server; nil means none.
	Environ func() []string
	// Getwd is the directory mcpdoctor runs in, where clients look for a
	// project's config; nil means os.Getwd.
	Getwd func() (string, error)
	// Signals says the run owns the process's signals: SIGINT, SIGTERM
	// and SIGHUP cancel it (tests that run in process leave them be).
	Signals bool
}

// cwd is the working directory, or "" when it cannot be told.
func (s *IOStreams) cwd() string {
	getwd := s.Getwd
	if getwd == nil {
		getwd = os.Getwd
	}
	dir, err := getwd()
	if err != nil {
		return ""
	}
	return dir
}

func systemStreams() *IOStreams {
	return &IOStreams{
		In: os.Stdin, Out: os.Stdout, Err: os.Stderr,
		OutTTY:    isTerminal(os.Stdout),
		ErrTTY:    isTerminal(os.Stderr),
		Getenv:    os.Getenv,
		LookupEnv: os.LookupEnv,
		Environ:   os.Environ,
		Signals:   true,
	}
}

func isTerminal(f *os.File) bool {
	return isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd())
}

// colorOut reports whether stdout may be coloured: a terminal, and the user
// has not asked for plain text (https://no-color.org).
func (s *IOStreams) colorOut() bool {
	return s.OutTTY && s.Getenv("NO_COLOR") == ""
}

// colorErr is colorOut for stderr, where probe --print-config shows the
// probe.
func (s *IOStreams) colorErr() bool {
	return s.ErrTTY && s.Getenv("NO_COLOR") == ""
}
