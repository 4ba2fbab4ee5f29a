package tokens_test

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mcpdoctor/mcpdoctor/internal/mcptest"
	"github.com/mcpdoctor/mcpdoctor/internal/oauth"
	"github.com/mcpdoctor/mcpdoctor/internal/tokens"
)

func TestStoreKeepsOneEntryPerNameAndURL(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state", "tokens.json")
	s := tokens.Open(path)
	if e, err := s.Get("docs", "https://a.example/mcp"); e != nil || err != nil {
		t.Fatalf("empty store: Get = %v, %v", e, err)
	}
	put := func(name, url, token string) {
		t.Helper()
		if err := s.Put(tokens.Entry{ServerName: name, ServerURL: url, AccessToken: token}); err != nil {
			t.Fatal(err)
		}
	}
	put("docs", "https://a.example/mcp", "tok-a-1")
	put("docs", "https://b.example/mcp", "tok-b")
	put("other", "https://a.example/mcp", "tok-other")
	put("docs", "https://a.example/mcp", "tok-a-2")

	// A fresh Store reads the file, not memory.
	s = tokens.Open(path)
	e, err := s.Get("docs", "https://a.example/mcp")
	if err != nil || e == nil || e.AccessToken != "tok-a-2" {
		t.Fatalf("Get = %+v, %v; want the replaced entry", e, err)
	}
	// The token of one URL is not handed to another URL of the same name.
	if e, _ := s.Get("docs", "https://c.example/mcp"); e != nil {
		t.Errorf("Get for another URL = %+v, want nil", e)
	}
	entries, _ := s.Entries()
	if len(entries) != 3 || !slices.Equal(tokens.Names(entries), []string{"docs", "other"}) {
		t.Errorf("entries = %+v", entries)
	}

	if runtime.GOOS != "windows" {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("token file mode = %v, want 0600", fi.Mode().Perm())
		}
		di, _ := os.Stat(filepath.Dir(path))
		if di.Mode().Perm() != 0o700 {
			t.Errorf("token folder mode = %v, want 0700", di.Mode().Perm())
		}
		// Left with a looser mode, the file is refused, with the chmod
		// that fixes it, and not changed.
		os.Chmod(path, 0o644)
		if _, err := s.Get("docs", "https://a.example/mcp"); err == nil || !strings.Contains(err.Error(), "chmod 600 "+path) {
			t.Errorf("a 0644 token file: %v", err)
		}
		if err := s.Put(tokens.Entry{ServerName: "third"}); err == nil {
			t.Error("a 0644 token file was written")
		}
		os.Chmod(path, 0o600)
		// A folder others may list is fine; one they may write is not.
		os.Chmod(filepath.Dir(path), 0o755)
		if _, err := s.Get("docs", "https://a.example/mcp"); err != nil {
			t.Errorf("a 0755 token folder: %v", err)
		}
		os.Chmod(filepath.Dir(path), 0o777)
		if _, err := s.Get("docs", "https://a.example/mcp"); err == nil || !strings.Contains(err.Error(), "chmod go-w "+filepath.Dir(path)) {
			t.Errorf("a 0777 token folder: %v", err)
		}
		os.Chmod(filepath.Dir(path), 0o700)
	}

	n, err := s.Delete("docs")
	if err != nil || n != 2 {
		t.Fatalf("Delete = %d, %v; want both docs entries", n, err)
	}
	if e, _ := s.Get("docs", "https://b.example/mcp"); e != nil {
		t.Errorf("deleted entry still there: %+v", e)
	}
	if e, _ := s.Get("other", "https://a.example/mcp"); e == nil {
		t.Errorf("Delete removed another server's entry")
	}
	if n, err := s.Delete("docs"); n != 0 || err != nil {
		t.Errorf("second Delete = %d, %v", n, err)
	}
	left, _ := os.ReadDir(filepath.Dir(path))
	var names []string
	for _, e := range left {
		names = append(names, e.Name())
	}
	// The lock file stays: removing it would race with a process about to
	// lock it.
	if !slices.Equal(names, []string{"tokens.json", "tokens.json.lock"}) {
		t.Errorf("the folder holds %v, want tokens.json and its lock (no temporary files left)", names)
	}
}

func TestStoreRefusesWhatItCannotRead(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{
		"garbage.json": "{not json",
		"future.json":  `{"version": 9, "entries": []}`,
	} {
		path := filepath.Join(dir, name)
		os.WriteFile(path, []byte(content), 0o600)
		s := tokens.Open(path)
		_, err := s.Get("x", "y")
		if err == nil || !strings.Contains(err.Error(), path) {
			t.Errorf("%s: Get error = %v, want one that names the file", name, err)
		}
		if err := s.Put(tokens.Entry{ServerName: "x"}); err == nil {
			t.Errorf("%s: Put overwrote a file it could not read", name)
		}
		if data, _ := os.ReadFile(path); string(data) != content {
			t.Errorf("%s: the file was changed", name)
		}
	}
}

func TestDefaultPath(t *testing.T) {
	env := map[string]string{}
	getenv := func(k string) string { return env[k] }
	p, err := tokens.DefaultPath(getenv)
	if err != nil || !strings.HasSuffix(p, filepath.Join("mcpdoctor", "tokens.json")) {
		t.Errorf("DefaultPath = %q, %v", p, err)
	}
	env[tokens.EnvFile] = "/elsewhere/t.json"
	if p, _ := tokens.DefaultPath(getenv); p != "/elsewhere/t.json" {
		t.Errorf("with $%s: %q", tokens.EnvFile, p)
	}
}

// TestCurrentRefreshesAndStores: an expired login is refreshed at the
// fake authorization server and the rotated tokens are written back.
func TestCurrentRefreshesAndStores(t *testing.T) {
	f := mcptest.FakeOAuth(t, mcptest.FakeOAuthOptions{AuthServer: true, Authorize: true, TokenLifetime: time.Second})
	res, err := oauth.Flow{
		Endpoints: oauth.Endpoints{AuthorizationURL: f.URL + "/authorize", TokenURL: f.URL + "/token", RegistrationURL: f.URL + "/register", CodeChallengeMethods: []string{"S256"}},
		Resource:  f.MCPURL, Timeout: 10 * time.Second,
		Open: func(u string) error { go mcptest.Browse(u, mcptest.BrowseApprove); return nil },
	}.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	s := tokens.Open(filepath.Join(t.TempDir(), "tokens.json"))
	e := tokens.Entry{ServerName: "docs", ServerURL: f.MCPURL, TokenEndpoint: f.URL + "/token", ClientID: res.ClientID, Resource: f.MCPURL}
	e.SetToken(res.Token, time.Now())
	if err := s.Put(e); err != nil {
		t.Fatal(err)
	}
	var learned []string
	got, refreshed, err := s.Current(context.Background(), "docs", f.MCPURL, nil, func(v ...string) { learned = append(learned, v...) }, false)
	if err != nil || !refreshed {
		t.Fatalf("Current = %v, %v", refreshed, err)
	}
	if got.AccessToken == e.AccessToken || !f.AccessTokenValid(got.AccessToken) {
		t.Errorf("Current did not return the refreshed token")
	}
	stored, _ := s.Get("docs", f.MCPURL)
	if stored.AccessToken != got.AccessToken || stored.RefreshToken != got.RefreshToken || stored.RefreshToken == e.RefreshToken {
		t.Errorf("the refreshed tokens were not stored")
	}
	for _, secret := range []string{e.AccessToken, e.RefreshToken, got.AccessToken, got.RefreshToken} {
		if !slices.Contains(learned, secret) {
			t.Errorf("the redactor was not told a token")
		}
	}
	// No login for another URL of the same name.
	if e, _, err := s.Current(context.Background(), "docs", f.URL+"/other", nil, nil, false); e != nil || err != nil {
		t.Errorf("Current for another URL = %v, %v", e, err)
	}
}
