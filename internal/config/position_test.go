package config

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// naiveAt is what lineIndex.at must equal: the line, and the characters
// from the line's start counted one by one.
func naiveAt(data []byte, off int) (line, col int) {
	off = max(min(off, len(data)), 0)
	start := bytes.LastIndexByte(data[:off], '\n') + 1
	return bytes.Count(data[:off], []byte("\n")) + 1, utf8.RuneCount(data[start:off]) + 1
}

// TestLineIndexCountsCharacters compares the index with counting, at every
// offset of files of long and short lines, multi-byte characters that
// straddle the index's marks, and invalid bytes.
func TestLineIndexCountsCharacters(t *testing.T) {
	rng := rand.New(rand.NewPCG(25, 1))
	pieces := []string{"a", "{", "\"k\":", "é", "€", "😀", "\n", "\r\n", "\xff", "\xe2\x82", "\xf0\x9f", " ", strings.Repeat("x", 300)}
	files := [][]byte{nil, []byte("\n"), []byte("€"), bytes.Repeat([]byte("é"), 1000)}
	for range 40 {
		var b bytes.Buffer
		for range rng.IntN(400) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		files = append(files, b.Bytes())
	}
	for i, data := range files {
		li := newLineIndex(data)
		for off := -1; off <= len(data)+1; off++ {
			gl, gc := li.at(off)
			wl, wc := naiveAt(data, off)
			if gl != wl || gc != wc {
				t.Fatalf("file %d (%d bytes), offset %d: %d:%d, want %d:%d", i, len(data), off, gl, gc, wl, wc)
			}
		}
	}
}

// TestRuneColumnCountsCharacters: hujson's byte column, in a long line
// of multi-byte characters, becomes the character column.
func TestRuneColumnCountsCharacters(t *testing.T) {
	data := []byte("{\n" + strings.Repeat("\"é\":1,", 500) + "oops}")
	line2 := strings.Repeat("\"é\":1,", 500)
	if got, want := runeColumn(data, 2, len(line2)+1), utf8.RuneCountInString(line2)+1; got != want {
		t.Errorf("column %d, want %d", got, want)
	}
	for _, c := range []struct{ line, byteCol int }{{0, 3}, {3, 1}, {2, 0}, {2, len(line2) + 100}} {
		if got := runeColumn(data, c.line, c.byteCol); got != c.byteCol {
			t.Errorf("line %d byte column %d out of range: %d, want it as given", c.line, c.byteCol, got)
		}
	}
}

// TestOneLineSyntaxErrorIsPlaced: a syntax error at the end of a long
// minified line is placed by characters, not bytes.
func TestOneLineSyntaxErrorIsPlaced(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"mcpServers":{`)
	for i := range 2000 {
		fmt.Fprintf(&b, `"é%d":{"command":"x"},`, i)
	}
	good := b.String()
	data := []byte(good + `oops}}`)
	f, err := Read(".mcp.json", data, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	p := f.Fatal()
	if p == nil || p.Code != CodeSyntax || p.Line != 1 || p.Column != utf8.RuneCountInString(good)+1 {
		t.Errorf("%+v, want a syntax error at 1:%d", p, utf8.RuneCountInString(good)+1)
	}
}

// manyServers writes n servers in a client's format, on one line or
// over many.
func manyServers(format string, n int, oneLine bool) []byte {
	var b strings.Builder
	sep, indent := "\n", "  "
	if oneLine {
		sep, indent = "", ""
	}
	switch format {
	case "json":
		b.WriteString(`{"mcpServers":{` + sep)
		for i := range n {
			if i > 0 {
				b.WriteString("," + sep)
			}
			fmt.Fprintf(&b, `%s"srv-%05d":{"command":"npx","args":["-y","@acmé/m%05d"]}`, indent, i, i)
		}
		b.WriteString(sep + "}}")
	case "toml":
		// TOML has no one-line form of tables: an inline table is the
		// longest line a Codex config can have.
		b.WriteString("mcp_servers = {" + sep)
		for i := range n {
			if i > 0 {
				b.WriteString("," + sep)
			}
			fmt.Fprintf(&b, `%ssrv-%05d = { command = "npx", args = ["-y", "@acmé/m%05d"] }`, indent, i, i)
		}
		b.WriteString(sep + "}\n")
	case "yaml":
		// A flow sequence is YAML's one line; Continue's mcpServers.
		b.WriteString("mcpServers: [" + sep)
		for i := range n {
			if i > 0 {
				b.WriteString("," + sep)
			}
			fmt.Fprintf(&b, `%s{name: srv-%05d, command: npx, args: [-y, "@acmé/m%05d"]}`, indent, i, i)
		}
		b.WriteString(sep + "]\n")
	}
	return []byte(b.String())
}

// BenchmarkReadLongLine reads 8,000 servers (about 460 KB) on one line
// and over many, in each format with its own client, recognised from the
// content where a name does not tell it: compare one-line with lines.
func BenchmarkReadLongLine(b *testing.B) {
	for _, c := range []struct {
		format, path string
	}{{"json", "servers.json"}, {"toml", "config.toml"}, {"yaml", "x/.continue/config.yaml"}} {
		for _, oneLine := range []bool{true, false} {
			name := c.format + "/lines"
			if oneLine {
				name = c.format + "/one-line"
			}
			data := manyServers(c.format, 8000, oneLine)
			b.Run(name, func(b *testing.B) {
				b.SetBytes(int64(len(data)))
				for b.Loop() {
					f, err := Read(c.path, data, ReadOptions{})
					if err != nil || len(f.Servers) != 8000 {
						b.Fatalf("%v; %d servers, problems %v", err, len(f.Servers), f.Problems[:min(len(f.Problems), 3)])
					}
				}
			})
		}
	}
}

// TestOneLineCostsNoMoreThanLines: reading servers minified onto one line
// takes no more than twice as long as reading them pretty-printed (issue
// 25: before, 8,000 servers took 160 times as long, 2,000 about 40
// times). The fastest of three runs each, so that a busy machine does not
// decide.
func TestOneLineCostsNoMoreThanLines(t *testing.T) {
	fastest := func(data []byte) time.Duration {
		best := time.Duration(math.MaxInt64)
		for range 3 {
			start := time.Now()
			if f, err := Read("servers.json", data, ReadOptions{}); err != nil || len(f.Servers) != 2000 {
				t.Fatalf("%v, %d servers", err, len(f.Servers))
			}
			best = min(best, time.Since(start))
		}
		return best
	}
	oneLine, lines := fastest(manyServers("json", 2000, true)), fastest(manyServers("json", 2000, false))
	if oneLine > 2*lines {
		t.Errorf("one line took %v, the same servers over lines %v: more than twice", oneLine, lines)
	}
}
