package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mcpdoctor/mcpdoctor/internal/mcptest"
)

// TestConformance runs every client scenario of the official conformance
// suite, in its stable release and its 2026-07-28 prerelease, against
// mcpdoctor's probe, probe --call and login, driven as a user would (the
// client internal/mcptest/conformanceclient runs the mcpdoctor binary).
// Each release's expected-failures file in testdata/conformance names the
// scenarios that fail, and why; the suite fails on any other failure and
// on an entry that passes now, so the list only shrinks.
func TestConformance(t *testing.T) {
	for _, tt := range []struct {
		release, version string
		// scenarios is how many client scenarios the release has;
		// atLeast how many must pass.
		scenarios, atLeast int
	}{
		{mcptest.ConformanceStable, "0.1.16", 26, 24},
		{mcptest.ConformancePrerelease, "0.2.0-alpha.12", 48, 42},
	} {
		// One release at a time: the suite checks timing (an SSE retry
		// within 200 ms of what the server asked), which a machine busy
		// with two suites' scenarios at once can miss.
		t.Run(tt.version, func(t *testing.T) {
			baseline, err := filepath.Abs(filepath.Join("..", "..", "testdata", "conformance", "expected-failures-"+tt.version+".yaml"))
			if err != nil {
				t.Fatal(err)
			}
			run := mcptest.ConformanceClient(t, tt.release, baseline)
			if run.Err != nil {
				t.Errorf("the suite against its baseline: %v\n%s", run.Err, tail(run.Output, 2000))
				expected := expectedFailures(t, baseline)
				for _, s := range run.Scenarios {
					if !s.Passed && !expected[s.Name] {
						t.Logf("%s failed (%s); the client printed:\n%s\n%s", s.Name, strings.Join(s.Failed, "; "), tail(s.Stdout, 6000), tail(s.Stderr, 3000))
					}
				}
			}
			if len(run.Scenarios) != tt.scenarios {
				t.Errorf("%d scenarios ran, want %d", len(run.Scenarios), tt.scenarios)
			}
			passed := 0
			for _, s := range run.Scenarios {
				if s.Passed {
					passed++
				}
				if !strings.Contains(s.Stdout, "$ mcpdoctor probe conformance") {
					t.Errorf("%s: the client never ran mcpdoctor probe; it printed:\n%s\n%s", s.Name, s.Stdout, s.Stderr)
				}
				if s.Leaked {
					t.Errorf("%s: mcpdoctor printed a secret of the run:\n%s", s.Name, s.Stderr)
				}
			}
			t.Logf("%s: %d of %d client scenarios pass", tt.version, passed, len(run.Scenarios))
			if passed < tt.atLeast {
				t.Errorf("%d of %d scenarios pass, want at least %d", passed, len(run.Scenarios), tt.atLeast)
			}
		})
	}
}

// expectedFailures reads the scenario names of an expected-failures file:
// its "  - name" lines.
func expectedFailures(t *testing.T, path string) map[string]bool {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, line := range strings.Split(string(data), "\n") {
		if name, ok := strings.CutPrefix(line, "  - "); ok {
			names[strings.TrimSpace(name)] = true
		}
	}
	return names
}

// tail is the end of s, at most n bytes.
func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}
