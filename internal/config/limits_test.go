package config

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// nestedTOML is the file of the issue: inline tables inside each other,
// n deep, about 6 bytes a level.
func nestedTOML(n int) []byte {
	return []byte("[mcp_servers.a]\ncommand = \"x\"\nenv = " + strings.Repeat("{ b = ", n) + "\"1\"" + strings.Repeat(" }", n) + "\n")
}

func TestTooDeepIsRefusedWithAPosition(t *testing.T) {
	cases := []struct {
		name   string
		client Client
		data   []byte
		line   int
	}{
		{"config.toml", ClientCodex, nestedTOML(7000), 3},
		{".mcp.json", ClientClaudeCode, []byte("{\"mcpServers\": {\n\"a\": " + strings.Repeat("[", 100) + strings.Repeat("]", 100) + "}}"), 2},
		{"config.yaml", ClientContinue, []byte("mcpServers:\n  - name: a\n    args: " + strings.Repeat("[", 100) + strings.Repeat("]", 100) + "\n"), 3},
	}
	for _, c := range cases {
		start := time.Now()
		f, err := Read(c.name, c.data, ReadOptions{Client: c.client})
		if err != nil {
			t.Fatal(err)
		}
		p := f.Fatal()
		if p == nil || p.Code != CodeTooDeep || p.Line != c.line || p.Column == 0 {
			t.Errorf("%s: %v, want too_deep on line %d", c.name, f.Problems, c.line)
		}
		if d := time.Since(start); d > 100*time.Millisecond {
			t.Errorf("%s: %v to refuse", c.name, d)
		}
	}
	// Brackets in strings and comments do not count; real nesting below
	// the limit is read.
	ok := "# [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\n[mcp_servers.a]\ncommand = \"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\"\nargs = ['{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{']\nenv = " + strings.Repeat("{ b = ", 20) + "\"1\"" + strings.Repeat(" }", 20) + "\n"
	f := ParseCodex("c.toml", []byte(ok))
	if p := f.Fatal(); p != nil || len(f.Servers) != 1 {
		t.Errorf("a config within the limit: %v", f.Problems)
	}
}

func TestTooLargeIsRefusedUnread(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.toml")
	big := bytes.Repeat([]byte("# padding\n"), MaxConfigBytes/10+10)
	if err := os.WriteFile(path, big, 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := Load(path, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if p := f.Fatal(); p == nil || p.Code != CodeTooLarge || !strings.Contains(p.Message, "up to 4 MiB") {
		t.Errorf("problems %v", f.Problems)
	}
}

// BenchmarkNestedConfig: the 40 KB file of nested inline tables that once
// took seconds and gigabytes is refused at once.
func BenchmarkNestedConfig(b *testing.B) {
	data := nestedTOML(40 << 10 / 6)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		f, _ := Read("config.toml", data, ReadOptions{Client: ClientCodex})
		if p := f.Fatal(); p == nil || p.Code != CodeTooDeep {
			b.Fatalf("not refused: %v", f.Problems)
		}
	}
}
