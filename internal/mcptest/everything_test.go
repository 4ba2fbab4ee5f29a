package mcptest

import (
	"bufio"
	"fmt"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestEverythingStdio(t *testing.T) {
	t.Parallel()
	command, args, env := EverythingStdio(t)
	p := startStdio(t, command, args, env)
	res := p.initialize()
	if res.ServerInfo.Name != EverythingName {
		t.Errorf("serverInfo.name = %q, want %q", res.ServerInfo.Name, EverythingName)
	}
	names, _ := listAllTools(t, p.call)
	if !slices.Contains(names, "echo") {
		t.Errorf("tools/list = %v, want echo among them", names)
	}
	p.closeStdin(10 * time.Second)
}

func TestEverythingStreamableHTTP(t *testing.T) {
	t.Parallel()
	endpoint := EverythingHTTP(t, EverythingModeStreamableHTTP)
	if u, _ := url.Parse(endpoint); u.Hostname() != "127.0.0.1" || u.Path != "/mcp" {
		t.Errorf("URL = %s, want http://127.0.0.1:PORT/mcp", endpoint)
	}
	s := openSession(t, endpoint, nil)
	if s.init.ServerInfo.Name != EverythingName {
		t.Errorf("serverInfo.name = %q, want %q", s.init.ServerInfo.Name, EverythingName)
	}
	if s.header.Get("Mcp-Session-Id") == "" {
		t.Error("initialize answered without Mcp-Session-Id; the everything server is stateful")
	}
	res := decodeResult[callToolResult](t, s.call("tools/call", map[string]any{"name": "echo", "arguments": map[string]any{"message": "hi"}}))
	if len(res.Content) == 0 || !strings.Contains(res.Content[0].Text, "hi") {
		t.Errorf("tools/call echo = %+v, want the message back", res)
	}
	assertLoopbackOnly(t, endpoint)
}

func TestEverythingSSE(t *testing.T) {
	t.Parallel()
	stream := EverythingHTTP(t, EverythingModeSSE)
	if u, _ := url.Parse(stream); u.Hostname() != "127.0.0.1" || u.Path != "/sse" {
		t.Errorf("URL = %s, want http://127.0.0.1:PORT/sse", stream)
	}
	endpoint, res := legacySSEInitialize(t, stream)
	if res.ServerInfo.Name != EverythingName {
		t.Errorf("serverInfo.name = %q, want %q", res.ServerInfo.Name, EverythingName)
	}
	if u, _ := url.Parse(endpoint); u.Path != "/message" || u.Query().Get("sessionId") == "" {
		t.Errorf("endpoint = %s, want /message?sessionId=ID", endpoint)
	}
	assertLoopbackOnly(t, stream)
}

func TestEverythingHTTPUnknownMode(t *testing.T) {
	ft := &fatalRecorder{TB: t}
	func() {
		defer func() { recover() }()
		EverythingHTTP(ft, "websocket")
	}()
	if !strings.Contains(ft.msg, "unknown mode") {
		t.Errorf("EverythingHTTP(websocket) failed with %q, want an unknown mode error", ft.msg)
	}
}

// fatalRecorder records a Fatal instead of ending the test; Fatal panics to
// unwind the helper, and the caller recovers.
type fatalRecorder struct {
	testing.TB
	msg string
}

func (f *fatalRecorder) Fatalf(format string, args ...any) {
	f.msg = fmt.Sprintf(format, args...)
	panic(f)
}

func (f *fatalRecorder) Fatal(args ...any) {
	f.msg = fmt.Sprint(args...)
	panic(f)
}

// assertLoopbackOnly reads the kernel's socket table and wants every socket
// listening on the URL's port bound to 127.0.0.1, none to a wildcard or
// another interface.
func assertLoopbackOnly(t *testing.T, rawURL string) {
	t.Helper()
	u, err := url.Parse(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	port, err := strconv.Atoi(u.Port())
	if err != nil {
		t.Fatalf("%s: no port: %v", rawURL, err)
	}
	wantHex := strings.ToUpper(strconv.FormatInt(int64(port), 16))
	var found []string
	for _, table := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		f, err := os.Open(table)
		if err != nil {
			continue
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			fields := strings.Fields(sc.Text())
			// sl local_address rem_address st …; st 0A is LISTEN.
			if len(fields) < 4 || fields[3] != "0A" {
				continue
			}
			addr, p, ok := strings.Cut(fields[1], ":")
			if !ok || strings.TrimLeft(p, "0") != wantHex {
				continue
			}
			found = append(found, table+" "+addr)
			if addr != "0100007F" { // 127.0.0.1, little-endian hex
				t.Errorf("port %d is listening on %s address %s, want 127.0.0.1 only", port, table, addr)
			}
		}
		f.Close()
	}
	if len(found) == 0 {
		t.Logf("no listener on port %d in /proc/net/tcp{,6}; cannot check the bind address here", port)
	}
}
