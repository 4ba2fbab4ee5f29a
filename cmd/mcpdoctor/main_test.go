package main

import (
	"errors"
	"flag"
	"os"
	"os/exec"
	"strconv"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/script with the current output")

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"mcpdoctor": func() { os.Exit(run(os.Args[1:], systemStreams())) },
	})
}

// TestScripts runs the command-line scripts in testdata/script: each is a
// txtar archive of commands, configs and expected output (the cmd/go way).
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:           "testdata/script",
		UpdateScripts: *update,
		Cmds:          map[string]func(*testscript.TestScript, bool, []string){"exits": cmdExits},
		Setup: func(env *testscript.Env) error {
			env.Setenv("HOME", env.WorkDir+"/home")
			env.Setenv("CODEX_HOME", "")
			env.Setenv("NO_COLOR", "")
			return nil
		},
	})
}

// cmdExits runs a program and checks its exit status exactly:
// "exits 2 mcpdoctor probe nope". Exit statuses are part of the contract,
// and testscript's "! exec" only tells zero from non-zero.
func cmdExits(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exits CODE PROGRAM [ARGS...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("exits: bad code %q", args[0])
	}
	got := 0
	if err := ts.Exec(args[1], args[2:]...); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			ts.Fatalf("exits: %v", err)
		}
		got = ee.ExitCode()
	}
	if got != want {
		ts.Fatalf("exit status %d, want %d", got, want)
	}
}
