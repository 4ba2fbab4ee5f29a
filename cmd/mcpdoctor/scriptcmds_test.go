package main

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/rogpeppe/go-internal/testscript"
)

// cmdWithin runs a program like exits, and also fails when it takes
// longer than the duration: "within 1s 1 mcpdoctor validate c.json". The
// time includes starting the program; under the race detector the limit
// is raceSlowdown times longer. A regression that hangs for good is
// stopped by the test's deadline; the packages' own tests catch it in a
// second.
func cmdWithin(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 3 {
		ts.Fatalf("usage: within DURATION CODE PROGRAM [ARGS...]")
	}
	limit, err := time.ParseDuration(args[0])
	if err != nil {
		ts.Fatalf("within: %v", err)
	}
	limit *= raceSlowdown
	start := time.Now()
	cmdExits(ts, false, args[1:])
	if took := time.Since(start); took > limit {
		ts.Fatalf("%s took %v, more than %v", strings.Join(args[2:], " "), took.Round(time.Millisecond), limit)
	}
}

// cmdNoInvisible reads the last command's stdout and stderr character by
// character, as a terminal does, and fails on any it would act on or a
// reader could not see: a control character but newline and tab, a format
// character (bidi, zero-width, soft hyphen, tag), a line or paragraph
// separator, a variation selector, another default-ignorable character,
// invalid UTF-8. Each ESCAPE given must appear in one of them, so that the
// check cannot pass for want of the text it guards against:
// "noinvisible '\U000e0041' '\u00ad'".
func cmdNoInvisible(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("usage: noinvisible [ESCAPE...]")
	}
	both := ""
	for _, stream := range []string{"stdout", "stderr"} {
		text := ts.ReadFile(stream)
		both += text
		line, col := 1, 0
		for i := 0; i < len(text); {
			r, size := utf8.DecodeRuneInString(text[i:])
			col++
			switch {
			case r == utf8.RuneError && size == 1:
				ts.Fatalf("%s:%d:%d: invalid UTF-8 %#x", stream, line, col, text[i])
			case r == '\n':
				line, col = line+1, 0
			case r == '\t':
			case unicode.In(r, unicode.Cc, unicode.Cf, unicode.Zl, unicode.Zp, unicode.Variation_Selector, unicode.Other_Default_Ignorable_Code_Point):
				ts.Fatalf("%s:%d:%d: %U reaches the terminal", stream, line, col, r)
			}
			i += size
		}
	}
	for _, esc := range args {
		if !strings.Contains(both, esc) {
			ts.Fatalf("neither stdout nor stderr shows %s", esc)
		}
	}
}
