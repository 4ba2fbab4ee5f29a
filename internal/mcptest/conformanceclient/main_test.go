package main

import (
	"path/filepath"
	"testing"

	"github.com/mcpdoctor/mcpdoctor/internal/mcptest"
	"github.com/mcpdoctor/mcpdoctor/internal/tokens"
)

func TestLeakMarkIsMcptests(t *testing.T) {
	if leakMark != mcptest.ConformanceLeakMark {
		t.Errorf("leakMark %q, mcptest looks for %q", leakMark, mcptest.ConformanceLeakMark)
	}
}

// The leak check finds a token, a refresh token, a client secret and an
// authorization code wherever mcpdoctor printed them.
func TestLeakCheck(t *testing.T) {
	store := tokens.Open(filepath.Join(t.TempDir(), "tokens.json"))
	entry := tokens.Entry{ServerName: "conformance", ServerURL: "http://127.0.0.1:1/mcp", AccessToken: "access-7f3e91c2", RefreshToken: "refresh-0b5d2a77", ClientSecret: "secret-9c4e1d08"}
	if err := store.Put(entry); err != nil {
		t.Fatal(err)
	}
	c := &conformanceRun{tokensFile: store.Path(), codes: []string{"code-5a8b3f61"}}
	c.printed.WriteString("nothing secret here\n")
	if leaks := c.leaks(); len(leaks) != 0 {
		t.Fatalf("leaks %q in clean output", leaks)
	}
	for _, secret := range []string{"access-7f3e91c2", "refresh-0b5d2a77", "secret-9c4e1d08", "code-5a8b3f61"} {
		c.printed.Reset()
		c.printed.WriteString("a line with " + secret + " in it\n")
		if leaks := c.leaks(); len(leaks) != 1 || leaks[0] != secret {
			t.Errorf("printed %s: leaks %q", secret, leaks)
		}
	}
	// A token a later login replaced still counts.
	entry.AccessToken = "access-new-31b0e6aa"
	if err := store.Put(entry); err != nil {
		t.Fatal(err)
	}
	c.printed.Reset()
	c.printed.WriteString("access-7f3e91c2 and access-new-31b0e6aa\n")
	if leaks := c.leaks(); len(leaks) != 2 {
		t.Errorf("leaks %q, want the replaced token and the new one", leaks)
	}
}
