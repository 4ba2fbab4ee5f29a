package wire

import (
	"errors"
	"io"
	"net/url"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/mcpdoctor/mcpdoctor/internal/evidence"
)

func TestSSEReader(t *testing.T) {
	tests := []struct {
		name   string
		stream string
		want   []sseEvent
	}{
		{"one event", "data: {}\n\n", []sseEvent{{Name: "message", Data: []byte("{}")}}},
		{"named with id", "event: endpoint\nid: 7\ndata: /messages?s=1\n\n", []sseEvent{{Name: "endpoint", ID: "7", Data: []byte("/messages?s=1")}}},
		{"data lines joined with LF", "data: {\ndata: \"a\": 1}\n\n", []sseEvent{{Name: "message", Data: []byte("{\n\"a\": 1}")}}},
		{"CRLF", "event: message\r\ndata: x\r\n\r\n", []sseEvent{{Name: "message", Data: []byte("x")}}},
		{"lone CR", "data: x\rdata: y\r\r\n", []sseEvent{{Name: "message", Data: []byte("x\ny")}}},
		{"comments and blank lines skipped", ": hello\n\n:\n\ndata: x\n\n", []sseEvent{{Name: "message", Data: []byte("x")}}},
		{"no space after colon", "data:x\n\n", []sseEvent{{Name: "message", Data: []byte("x")}}},
		{"only the first space is stripped", "data:  x\n\n", []sseEvent{{Name: "message", Data: []byte(" x")}}},
		{"priming event: id and empty data", "id: p1\ndata:\n\ndata: x\n\n", []sseEvent{{Name: "message", ID: "p1", Data: []byte("")}, {Name: "message", ID: "p1", Data: []byte("x")}}},
		{"event without data is not dispatched", "event: ping\n\ndata: x\n\n", []sseEvent{{Name: "message", Data: []byte("x")}}},
		{"unknown fields ignored", "foo: bar\ndata: x\nbaz\n\n", []sseEvent{{Name: "message", Data: []byte("x")}}},
		{"unterminated event dropped", "data: x\n\ndata: y\n", []sseEvent{{Name: "message", Data: []byte("x")}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// One byte at a time, so that no line arrives whole.
			sr := newSSEReader(iotest.OneByteReader(strings.NewReader(tt.stream)), 1<<20)
			var got []sseEvent
			for {
				ev, err := sr.next()
				if err != nil {
					if !errors.Is(err, io.EOF) {
						t.Fatalf("next: %v", err)
					}
					break
				}
				got = append(got, ev)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %d events %q, want %d", len(got), got, len(tt.want))
			}
			for i := range got {
				if got[i].Name != tt.want[i].Name || got[i].ID != tt.want[i].ID || string(got[i].Data) != string(tt.want[i].Data) {
					t.Errorf("event %d = {%q %q %q}, want {%q %q %q}", i, got[i].Name, got[i].ID, got[i].Data, tt.want[i].Name, tt.want[i].ID, tt.want[i].Data)
				}
			}
		})
	}
}

func TestSSEReaderState(t *testing.T) {
	sr := newSSEReader(strings.NewReader(": c1\n: c2\nid: e9\nretry: 1500\ndata: x\n\nretry: soon\ndata: y"), 1<<20)
	if _, err := sr.next(); err != nil {
		t.Fatal(err)
	}
	if sr.lastID != "e9" || sr.retry != 1500*time.Millisecond || sr.comments != 2 || sr.events != 1 {
		t.Errorf("lastID %q retry %v comments %d events %d; want e9 1.5s 2 1", sr.lastID, sr.retry, sr.comments, sr.events)
	}
	if _, err := sr.next(); !errors.Is(err, io.EOF) {
		t.Fatalf("second next: %v, want EOF", err)
	}
	if !sr.discarded {
		t.Error("the unterminated event at the end is not reported as discarded")
	}
	if sr.retry != 1500*time.Millisecond {
		t.Errorf("an invalid retry changed it to %v", sr.retry)
	}
}

func TestSSEReaderCap(t *testing.T) {
	for name, stream := range map[string]string{
		"one long line":    "data: " + strings.Repeat("x", 2000) + "\n\n",
		"many short lines": strings.Repeat("data: xxxxxxxxxx\n", 200) + "\n",
	} {
		t.Run(name, func(t *testing.T) {
			sr := newSSEReader(strings.NewReader(stream), 1000)
			_, err := sr.next()
			if !errors.Is(err, ErrTooLarge) {
				t.Fatalf("next: %v, want the size cap", err)
			}
			if e := Classify(err); e.Category != evidence.CategoryProtocol || e.Message != "the response is larger than 1000 bytes, mcpdoctor's cap for one message" {
				t.Errorf("classified as %s %q", e.Category, e.Message)
			}
		})
	}
}

func TestReadCapped(t *testing.T) {
	b, err := ReadCapped(strings.NewReader("12345"), 5)
	if err != nil || string(b) != "12345" {
		t.Errorf("at the cap: %q, %v", b, err)
	}
	if _, err := ReadCapped(strings.NewReader("123456"), 5); !errors.Is(err, ErrTooLarge) {
		t.Errorf("over the cap: %v", err)
	}
}

func TestSameOrigin(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"https://example.com/mcp", "https://example.com:443/other", true},
		{"http://example.com/mcp", "http://EXAMPLE.com:80/", true},
		{"https://example.com/mcp", "http://example.com/mcp", false},
		{"http://127.0.0.1:8080/mcp", "http://127.0.0.1:8081/mcp", false},
		{"https://example.com/mcp", "https://api.example.com/mcp", false},
	}
	for _, tt := range tests {
		a, _ := url.Parse(tt.a)
		b, _ := url.Parse(tt.b)
		if got := SameOrigin(a, b); got != tt.want {
			t.Errorf("SameOrigin(%s, %s) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}
