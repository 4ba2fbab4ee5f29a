package tokens_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/mcpdoctor/mcpdoctor/internal/mcptest"
	"github.com/mcpdoctor/mcpdoctor/internal/oauth"
	"github.com/mcpdoctor/mcpdoctor/internal/tokens"
)

// TestHelperCurrent is not a test: run by TestTwoProcessesRefreshOnce as a
// process of its own, it asks for the current token and prints it.
func TestHelperCurrent(t *testing.T) {
	path, url := os.Getenv("TOKENS_HELPER_FILE"), os.Getenv("TOKENS_HELPER_URL")
	if path == "" {
		t.Skip("a helper process, run by TestTwoProcessesRefreshOnce")
	}
	e, refreshed, err := tokens.Open(path).Current(context.Background(), "docs", url, nil, nil, false)
	if err != nil || e == nil {
		fmt.Println("ERROR", err)
		os.Exit(1)
	}
	fmt.Println("TOKEN", e.AccessToken, refreshed)
	os.Exit(0)
}

// loggedIn logs in at the fake authorization server and stores the login,
// with an access token that has expired.
func loggedIn(t *testing.T, f *mcptest.FakeOAuthServer, path string) tokens.Entry {
	t.Helper()
	res, err := oauth.Flow{
		Endpoints: oauth.Endpoints{AuthorizationURL: f.URL + "/authorize", TokenURL: f.URL + "/token", RegistrationURL: f.URL + "/register", CodeChallengeMethods: []string{"S256"}},
		Resource:  f.MCPURL, Timeout: 10 * time.Second,
		Open: func(u string) error { go mcptest.Browse(u, mcptest.BrowseApprove); return nil },
	}.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	e := tokens.Entry{ServerName: "docs", ServerURL: f.MCPURL, TokenEndpoint: f.URL + "/token", ClientID: res.ClientID, Resource: f.MCPURL}
	e.SetToken(res.Token, time.Now())
	e.Expiry = time.Now().Add(-time.Minute)
	if err := tokens.Open(path).Put(e); err != nil {
		t.Fatal(err)
	}
	return e
}

// Two runs at once with an expired login, against an authorization server
// that rotates refresh tokens and revokes the login when one is reused:
// one refreshes, the other waits for it and uses the new token; both work
// and the login survives.
func TestTwoProcessesRefreshOnce(t *testing.T) {
	f := mcptest.FakeOAuth(t, mcptest.FakeOAuthOptions{AuthServer: true, Authorize: true, ReuseDetection: true})
	path := filepath.Join(t.TempDir(), "tokens.json")
	loggedIn(t, f, path)
	var cmds []*exec.Cmd
	var outs []*strings.Builder
	for range 2 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestHelperCurrent$", "-test.count=1")
		cmd.Env = append(os.Environ(), "TOKENS_HELPER_FILE="+path, "TOKENS_HELPER_URL="+f.MCPURL)
		out := &strings.Builder{}
		cmd.Stdout, cmd.Stderr = out, out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds, outs = append(cmds, cmd), append(outs, out)
	}
	var tokensSeen []string
	for i, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Fatalf("process %d: %v\n%s", i, err, outs[i])
		}
		fields := strings.Fields(outs[i].String()[strings.Index(outs[i].String(), "TOKEN"):])
		tokensSeen = append(tokensSeen, fields[1])
	}
	refreshes := 0
	for _, g := range f.Grants() {
		if g.GrantType == "refresh_token" {
			refreshes++
		}
	}
	if refreshes != 1 {
		t.Errorf("%d refreshes, want one: %+v", refreshes, f.Grants())
	}
	if tokensSeen[0] != tokensSeen[1] || !f.AccessTokenValid(tokensSeen[0]) {
		t.Errorf("the two runs ended with %q, want the same valid token", tokensSeen)
	}
}

// A token file reached through a symbolic link: the link stays a link, the
// file it points to is the one written, and a logout removes the login
// from it.
func TestSymlinkedTokenFile(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("symbolic links need privileges on Windows")
	}
	dir := t.TempDir()
	real := filepath.Join(dir, "real", "tokens.json")
	os.MkdirAll(filepath.Dir(real), 0o700)
	link := filepath.Join(dir, "link.json")
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	s := tokens.Open(link)
	if err := s.Put(tokens.Entry{ServerName: "docs", ServerURL: "https://a.example/mcp", AccessToken: "tok-linked", RefreshToken: "ref-linked"}); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("the link was replaced: %v %v", fi.Mode(), err)
	}
	if data, _ := os.ReadFile(real); !strings.Contains(string(data), "tok-linked") {
		t.Fatalf("the file the link points to was not written: %s", data)
	}
	if n, err := s.Delete("docs"); n != 1 || err != nil {
		t.Fatalf("Delete = %d, %v", n, err)
	}
	if data, _ := os.ReadFile(real); strings.Contains(string(data), "tok-linked") || strings.Contains(string(data), "ref-linked") {
		t.Errorf("logout said removed, and the tokens are still in %s: %s", real, data)
	}
	if fi, _ := os.Lstat(link); fi.Mode()&os.ModeSymlink == 0 {
		t.Error("the link was replaced by the logout")
	}
}
