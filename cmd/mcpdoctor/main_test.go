package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/mcpdoctor/mcpdoctor/internal/mcptest"
	"github.com/mcpdoctor/mcpdoctor/internal/tokens"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/script with the current output")

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"mcpdoctor": func() { os.Exit(run(os.Args[1:], systemStreams())) },
		// A browser for $BROWSER: it follows the authorization server's
		// redirect back to the login's listener, as $FAKEBROWSER says
		// (mcptest.BrowseApprove, BrowseWrongState, BrowseDeny).
		"fakebrowser": func() {
			if _, err := mcptest.Browse(os.Args[1], os.Getenv("FAKEBROWSER")); err != nil {
				fmt.Fprintln(os.Stderr, "fakebrowser:", err)
				os.Exit(1)
			}
			os.Exit(0)
		},
	})
}

// TestScripts runs the command-line scripts in testdata/script: each is a
// txtar archive of commands, configs and expected output (the cmd/go way).
//
// Real and fake servers are started once for all scripts, on 127.0.0.1,
// and handed to them as environment variables.
func TestScripts(t *testing.T) {
	fakeStdio, _ := mcptest.FakeStdio(t, mcptest.FakeStdioOK)
	servers := map[string]string{
		// The fake stdio server; its first argument picks the misbehaviour.
		"FAKE_STDIO": fakeStdio,
		"SDK_URL":    mcptest.GoSDKHTTP(t, mcptest.GoSDKOptions{}).URL + mcptest.GoSDKPath,
		"HANG_URL":   mcptest.FakeHTTP(t, mcptest.FakeHang).URL + "/mcp",
		"HTML_URL":   mcptest.FakeHTTP(t, mcptest.FakeHTML).URL + "/mcp",
		"LEGACY_URL": mcptest.GoSDKSSE(t).URL + mcptest.GoSDKSSEPath,
		// Works without a credential, yet advertises OAuth metadata.
		"ADVERTISED_URL": mcptest.FakeOAuth(t, mcptest.FakeOAuthOptions{AuthServer: true}).MCPURL,
		// Wants a token and offers no way to get one.
		"BARE401_URL": mcptest.FakeOAuth(t, mcptest.FakeOAuthOptions{Token: "the-right-token-1234"}).MCPURL,
		// The OAuth example shipped in @modelcontextprotocol/sdk (npm).
		"OAUTH_URL": mcptest.OAuthExample(t).MCPURL,
		// A working authorization server whose tokens last a second, so
		// that every probe refreshes.
		"AUTHFAKE_URL": mcptest.FakeOAuth(t, mcptest.FakeOAuthOptions{ProtectedResource: true, AuthServer: true, Authorize: true, TokenLifetime: time.Second}).MCPURL,
		// One without dynamic registration, with a pre-registered client.
		"NOREG_URL": mcptest.FakeOAuth(t, mcptest.FakeOAuthOptions{ProtectedResource: true, AuthServer: true, Authorize: true, NoRegistration: true, ClientID: "preset-client"}).MCPURL,
		// One that offers only the plain PKCE method.
		"PLAINPKCE_URL": mcptest.FakeOAuth(t, mcptest.FakeOAuthOptions{ProtectedResource: true, AuthServer: true, Authorize: true, CodeChallengeMethods: []string{"plain"}}).MCPURL,
	}
	testscript.Run(t, testscript.Params{
		Dir:           "testdata/script",
		UpdateScripts: *update,
		Cmds:          map[string]func(*testscript.TestScript, bool, []string){"exits": cmdExits, "expand": cmdExpand, "notokens": cmdNoTokens},
		Setup: func(env *testscript.Env) error {
			env.Setenv("HOME", env.WorkDir+"/home")
			env.Setenv("CODEX_HOME", "")
			env.Setenv("NO_COLOR", "")
			// Logins go to the script's own token file, never the user's.
			env.Setenv("MCPDOCTOR_TOKENS_FILE", env.WorkDir+"/tokens.json")
			env.Setenv("BROWSER", "")
			env.Setenv("DISPLAY", "")
			env.Setenv("WAYLAND_DISPLAY", "")
			for k, v := range servers {
				env.Setenv(k, v)
			}
			return nil
		},
	})
}

// cmdExits runs a program and checks its exit status exactly:
// "exits 2 mcpdoctor probe nope". Exit statuses are part of the contract,
// and testscript's "! exec" only tells zero from non-zero.
func cmdExits(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exits CODE PROGRAM [ARGS...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("exits: bad code %q", args[0])
	}
	got := 0
	if err := ts.Exec(args[1], args[2:]...); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			ts.Fatalf("exits: %v", err)
		}
		got = ee.ExitCode()
	}
	if got != want {
		ts.Fatalf("exit status %d, want %d", got, want)
	}
}

// cmdExpand replaces $VARS in files with the script's environment, so that
// configs can name the servers TestScripts started: "expand c.toml".
func cmdExpand(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) == 0 {
		ts.Fatalf("usage: expand FILE...")
	}
	for _, name := range args {
		path := ts.MkAbs(name)
		data, err := os.ReadFile(path)
		ts.Check(err)
		ts.Check(os.WriteFile(path, []byte(os.Expand(string(data), ts.Getenv)), 0o644))
	}
}

// cmdNoTokens checks that no secret of the token file appears in the last
// command's stdout or stderr. It fails when the file holds no token, so
// that it cannot pass for want of something to look for.
func cmdNoTokens(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 0 {
		ts.Fatalf("usage: notokens")
	}
	entries, err := tokens.Open(ts.Getenv("MCPDOCTOR_TOKENS_FILE")).Entries()
	ts.Check(err)
	var secrets []string
	for _, e := range entries {
		for _, s := range e.Secrets() {
			if s != "" {
				secrets = append(secrets, s)
			}
		}
	}
	if len(secrets) == 0 {
		ts.Fatalf("notokens: the token file holds no token")
	}
	for _, stream := range []string{"stdout", "stderr"} {
		text := ts.ReadFile(stream)
		for _, s := range secrets {
			if strings.Contains(text, s) {
				ts.Fatalf("a stored token appears in %s", stream)
			}
		}
	}
}
