package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mcpdoctor/mcpdoctor/internal/mcptest"
	"github.com/mcpdoctor/mcpdoctor/internal/schematest"
)

// On a terminal, list's progress line names the servers it still waits
// for, and clears itself before the table; elsewhere there is none.
func TestProgressNamesTheServersStillRunning(t *testing.T) {
	config, streams := quickAndStuck(t)
	for _, tty := range []bool{true, false} {
		var out, errOut bytes.Buffer
		s := streams
		s.Out, s.Err, s.ErrTTY = &out, &errOut, tty
		run([]string{"list", "--config", config, "--timeout", "1s"}, &s)
		stderr := errOut.String()
		if !tty {
			if stderr != "" {
				t.Errorf("not a terminal, yet stderr has %q", stderr)
			}
			continue
		}
		// The last update before the end waits for the hung server only.
		lines := strings.Split(stderr, "\r")
		var waiting []string
		for _, l := range lines {
			if i := strings.Index(l, "waiting for "); i >= 0 {
				waiting = append(waiting, l[i+len("waiting for "):])
			}
		}
		if len(waiting) == 0 || waiting[len(waiting)-1] != "stuck" {
			t.Errorf("progress %q: the last wait must be for stuck alone", waiting)
		}
		if !strings.Contains(stderr, "probing servers: 1/2 done; waiting for stuck") {
			t.Errorf("stderr %q lacks the count and the name", stderr)
		}
		if !strings.HasSuffix(stderr, "\r\033[K") {
			t.Errorf("the line is not cleared at the end: %q", stderr)
		}
	}
}

// stampedWriter notes when each write arrived.
type stampedWriter struct {
	buf bytes.Buffer
	at  []time.Time
}

func (w *stampedWriter) Write(p []byte) (int, error) {
	w.at = append(w.at, time.Now())
	return w.buf.Write(p)
}

func (w *stampedWriter) Bytes() []byte  { return w.buf.Bytes() }
func (w *stampedWriter) String() string { return w.buf.String() }

// list --json writes each entry as soon as it and the ones before it are
// done: the fast first server is out long before the hung one ends.
func TestListJSONStreams(t *testing.T) {
	config, streams := quickAndStuck(t)
	out := &stampedWriter{}
	start := time.Now()
	streams.Out, streams.Err = out, io.Discard
	run([]string{"list", "--config", config, "--timeout", "2s", "--json"}, &streams)
	end := time.Now()
	if err := schematest.Validate("list", out.Bytes()); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if len(out.at) < 2 {
		t.Fatalf("one write for the whole list: %q", out.String())
	}
	if first := out.at[0].Sub(start); end.Sub(out.at[0]) < time.Second {
		t.Errorf("the first entry came %v after the start and %v before the end: not streamed", first, end.Sub(out.at[0]))
	}
}

// quickAndStuck writes a config of two servers, quick (the Go SDK) and
// stuck (one that never answers), and returns it with streams whose
// environment has only the config's home.
func quickAndStuck(t *testing.T) (config string, streams IOStreams) {
	hang := mcptest.FakeHTTP(t, mcptest.FakeHang)
	sdk := mcptest.GoSDKHTTP(t, mcptest.GoSDKOptions{})
	dir := t.TempDir()
	config = filepath.Join(dir, "config.toml")
	if err := os.WriteFile(config, []byte(fmt.Sprintf("[mcp_servers.quick]\nurl = %q\n\n[mcp_servers.stuck]\nurl = %q\n", sdk.URL+mcptest.GoSDKPath, hang.URL+"/mcp")), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"HOME": dir, "CODEX_HOME": dir}
	return config, IOStreams{
		Getenv:    func(k string) string { return env[k] },
		LookupEnv: func(k string) (string, bool) { v, ok := env[k]; return v, ok },
	}
}
