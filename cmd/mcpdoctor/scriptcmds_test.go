package main

import (
	"strings"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

// cmdWithin runs a program like exits, and also fails when it takes
// longer than the duration: "within 1s 1 mcpdoctor validate c.json". A
// regression that hangs for good is stopped by the test's deadline; the
// packages' own tests catch it in a second.
func cmdWithin(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 3 {
		ts.Fatalf("usage: within DURATION CODE PROGRAM [ARGS...]")
	}
	limit, err := time.ParseDuration(args[0])
	if err != nil {
		ts.Fatalf("within: %v", err)
	}
	start := time.Now()
	cmdExits(ts, false, args[1:])
	if took := time.Since(start); took > limit {
		ts.Fatalf("%s took %v, more than %v", strings.Join(args[2:], " "), took.Round(time.Millisecond), limit)
	}
}
