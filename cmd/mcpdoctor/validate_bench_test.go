package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// oneLineServers is how many servers the one-line config of issue 25
// holds: 8,000 entries, about 460 KB minified.
const oneLineServers = 8000

// oneLineConfig is a Claude Code config (mcpServers) of n stdio servers, minified
// onto one line as tools write it, and its pretty-printed twin: the same
// servers, the same problems, other positions.
func oneLineConfig(tb testing.TB, n int) (oneLine, pretty []byte) {
	tb.Helper()
	var b strings.Builder
	b.WriteString(`{"mcpServers":{`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		// Non-ASCII in every entry, so that a column counts characters,
		// not bytes, all along the line.
		fmt.Fprintf(&b, `"srv-%05d":{"command":"npx","args":["-y","@acmé/m%05d"]}`, i, i)
	}
	b.WriteString("}}")
	oneLine = []byte(b.String())
	var buf bytes.Buffer
	if err := json.Indent(&buf, oneLine, "", "  "); err != nil {
		tb.Fatal(err)
	}
	return oneLine, buf.Bytes()
}

// BenchmarkValidateOneLine and BenchmarkValidatePretty run `validate
// --static` in process on the 460 KB one-line config and on its
// pretty-printed twin: reading, recognising the client, parsing, every
// position, and the report. A line's length must cost no more than the
// same bytes over many lines (issue 25: 8,000 servers on one line took
// 16 s, pretty-printed 94 ms); compare the two ns/op.
func BenchmarkValidateOneLine(b *testing.B) { benchmarkValidate(b, true) }

func BenchmarkValidatePretty(b *testing.B) { benchmarkValidate(b, false) }

func benchmarkValidate(b *testing.B, minified bool) {
	oneLine, pretty := oneLineConfig(b, oneLineServers)
	data := pretty
	if minified {
		data = oneLine
	}
	dir := b.TempDir()
	// A name no client uses, so that the client is recognised from the
	// content, which parses it once more.
	path := filepath.Join(dir, "servers.json")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	env := map[string]string{"HOME": dir}
	for b.Loop() {
		var out, errOut bytes.Buffer
		streams := &IOStreams{Out: &out, Err: &errOut,
			Getenv:    func(k string) string { return env[k] },
			LookupEnv: func(k string) (string, bool) { v, ok := env[k]; return v, ok },
			Getwd:     func() (string, error) { return dir, nil }}
		if code := run([]string{"validate", "--static", "--json", path}, streams); code != exitOK {
			b.Fatalf("exit %d: %s%s", code, out.Bytes()[:min(out.Len(), 2000)], errOut.String())
		}
		var v struct{ Servers int }
		if err := json.Unmarshal(out.Bytes(), &v); err != nil || v.Servers != oneLineServers {
			b.Fatalf("servers %d (%v)", v.Servers, err)
		}
	}
	b.ReportMetric(float64(len(data))/1024, "file-KiB")
}

// TestValidateCostGrowsWithTheConfig: validate's time grows with the
// number of servers, not with its square, when each holds a secret the
// redactor learns (teaching it one server at a time rebuilt its replacer
// each time: 8,000 servers took 35 s, 2,000 1.7 s). Four times the
// servers must cost less than ten times the time, the fastest of three
// runs each.
func TestValidateCostGrowsWithTheConfig(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"HOME": dir}
	fastest := func(n int) time.Duration {
		var b strings.Builder
		b.WriteString(`{"mcpServers":{`)
		for i := range n {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `"srv-%05d":{"command":"npx","env":{"API_KEY":"sk-secret-%08d-abcdef"}}`, i, i)
		}
		b.WriteString("}}")
		path := filepath.Join(dir, fmt.Sprintf("%d.mcp.json", n))
		if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
			t.Fatal(err)
		}
		best := time.Duration(math.MaxInt64)
		for range 3 {
			var out, errOut bytes.Buffer
			start := time.Now()
			code := run([]string{"validate", "--static", "--client", "claude-code", path}, &IOStreams{Out: &out, Err: &errOut,
				Getenv:    func(k string) string { return env[k] },
				LookupEnv: func(k string) (string, bool) { v, ok := env[k]; return v, ok },
				Getwd:     func() (string, error) { return dir, nil }})
			best = min(best, time.Since(start))
			if code != exitOK {
				t.Fatalf("exit %d: %s%s", code, out.String(), errOut.String())
			}
		}
		return best
	}
	small, large := fastest(1000), fastest(4000)
	if large > 10*small {
		t.Errorf("1,000 servers took %v, 4,000 took %v: more than ten times", small, large)
	}
}
