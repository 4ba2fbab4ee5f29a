package main

import (
	"encoding/json"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
	"github.com/rogpeppe/go-internal/txtar"

	"github.com/mcpdoctor/mcpdoctor/internal/mcptest"
	"github.com/mcpdoctor/mcpdoctor/internal/mcptest/sdkserver"
	"github.com/mcpdoctor/mcpdoctor/internal/schematest"
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

// sdkGuardToken is the token SDK_GUARDED_URL wants.
const sdkGuardToken = "sdk-guard-7c1e9a44f0b2d8e6"

// TestScripts runs the command-line scripts in testdata/script: each is a
// txtar archive of commands, configs and expected output (the cmd/go way).
//
// Real and fake servers are started once for all scripts, on 127.0.0.1,
// and handed to them as environment variables.
func TestScripts(t *testing.T) {
	fakeStdio, _ := mcptest.FakeStdio(t, mcptest.FakeStdioOK)
	everythingCommand, everythingArgs, _ := mcptest.EverythingStdio(t)
	tlsServer := mcptest.GoSDKHTTP(t, mcptest.GoSDKOptions{TLS: true})
	tlsCert := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(tlsCert, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: tlsServer.Certificate().Raw}), 0o644); err != nil {
		t.Fatal(err)
	}
	proxy := mcptest.ForwardProxy(t)
	hits := mcptest.Hits(t)
	// Where hostile servers send a client: the cloud metadata service and
	// a private network, on the hit counter's port, which the forward
	// proxy reaches at 127.0.0.1 (no test sends anything elsewhere).
	_, hitsPort, _ := net.SplitHostPort(strings.TrimPrefix(hits.URL, "http://"))
	metadata := func(path string) string { return "http://169.254.169.254:" + hitsPort + path }
	metaChallenge := func(path string) []string {
		return []string{`Bearer resource_metadata="` + metadata(path+"/latest/meta-data/iam/security-credentials/") + `"`}
	}
	proxied := mcptest.GoSDKHTTP(t, mcptest.GoSDKOptions{})
	_, proxiedPort, _ := net.SplitHostPort(proxied.Listener.Addr().String())
	servers := map[string]string{
		// The fake stdio server; its first argument picks the misbehaviour.
		"FAKE_STDIO": fakeStdio,
		"SDK_URL":    mcptest.GoSDKHTTP(t, mcptest.GoSDKOptions{}).URL + mcptest.GoSDKPath,
		// The Go SDK requiring a bearer token (auth.RequireBearerToken).
		"SDK_GUARDED_URL": mcptest.GoSDKHTTP(t, mcptest.GoSDKOptions{BearerToken: sdkGuardToken}).URL + mcptest.GoSDKPath,
		"SDK_GUARD_TOKEN": sdkGuardToken,
		// The Go SDK over TLS, with httptest's certificate, and that
		// certificate in a PEM file (for SSL_CERT_FILE).
		"SDK_TLS_URL":  tlsServer.URL + mcptest.GoSDKPath,
		"SDK_TLS_CERT": tlsCert,
		// A forward proxy, and a server named by a host name that is not
		// loopback (clients do not proxy loopback), which the proxy
		// reaches at 127.0.0.1.
		"PROXY_URL":   proxy.URL,
		"PROXIED_URL": "http://mcp.example.test:" + proxiedPort + mcptest.GoSDKPath,
		"HANG_URL":    mcptest.FakeHTTP(t, mcptest.FakeHang).URL + "/mcp",
		"HTML_URL":    mcptest.FakeHTTP(t, mcptest.FakeHTML).URL + "/mcp",
		"LEGACY_URL":  mcptest.GoSDKSSE(t).URL + mcptest.GoSDKSSEPath,
		// Works without a credential, yet advertises OAuth metadata.
		"ADVERTISED_URL": mcptest.FakeOAuth(t, mcptest.FakeOAuthOptions{AuthServer: true}).MCPURL,
		// Wants a token and offers no way to get one.
		"BARE401_URL": mcptest.FakeOAuth(t, mcptest.FakeOAuthOptions{Token: "the-right-token-1234"}).MCPURL,
		// The OAuth example shipped in @modelcontextprotocol/sdk (npm).
		"OAUTH_URL": mcptest.OAuthExample(t).MCPURL,
		// The reference server from npm, over its three transports.
		"EVERYTHING_HTTP_URL": mcptest.EverythingHTTP(t, mcptest.EverythingModeStreamableHTTP),
		"EVERYTHING_SSE_URL":  mcptest.EverythingHTTP(t, mcptest.EverythingModeSSE),
		"EVERYTHING_NODE":     everythingCommand,
		"EVERYTHING_SCRIPT":   everythingArgs[0],
		// The Go SDK by protocol era: stateless, it serves modern requests.
		"MODERN_URL":      mcptest.GoSDKHTTP(t, mcptest.GoSDKOptions{Stateless: true, Versions: sdkserver.ModernVersions}).URL + mcptest.GoSDKPath,
		"BOTH_URL":        mcptest.GoSDKHTTP(t, mcptest.GoSDKOptions{Stateless: true}).URL + mcptest.GoSDKPath,
		"LEGACY_ONLY_URL": mcptest.GoSDKHTTP(t, mcptest.GoSDKOptions{Versions: sdkserver.LegacyVersions}).URL + mcptest.GoSDKPath,
		"GOSDK_STDIO":     mcptest.GoSDKStdioCommand(t),
		// Redirects every request to another origin, which serves MCP.
		"REDIRECT_URL": mcptest.FakeHTTP(t, mcptest.FakeRedirectCrossOrigin).URL + "/mcp",
		// A working authorization server whose tokens last a second, so
		// that every probe refreshes.
		"AUTHFAKE_URL": mcptest.FakeOAuth(t, mcptest.FakeOAuthOptions{ProtectedResource: true, AuthServer: true, Authorize: true, TokenLifetime: time.Second}).MCPURL,
		// One without dynamic registration, with a pre-registered client.
		"NOREG_URL": mcptest.FakeOAuth(t, mcptest.FakeOAuthOptions{ProtectedResource: true, AuthServer: true, Authorize: true, NoRegistration: true, ClientID: "preset-client"}).MCPURL,
		// Metadata a client must not use: protected resource metadata for
		// another resource (RFC 9728 §3.3), authorization server metadata
		// with another issuer (RFC 8414 §3.3).
		"WRONGRESOURCE_URL": mcptest.FakeOAuth(t, mcptest.FakeOAuthOptions{ProtectedResource: true, AuthServer: true, Authorize: true, Resource: "https://elsewhere.example.com/mcp"}).MCPURL,
		"WRONGISSUER_URL":   mcptest.FakeOAuth(t, mcptest.FakeOAuthOptions{ProtectedResource: true, AuthServer: true, Authorize: true, Issuer: "https://impostor.example.com"}).MCPURL,
		// One that offers only the plain PKCE method.
		"PLAINPKCE_URL": mcptest.FakeOAuth(t, mcptest.FakeOAuthOptions{ProtectedResource: true, AuthServer: true, Authorize: true, CodeChallengeMethods: []string{"plain"}}).MCPURL,
		// Counts the requests it gets, by path ("contacted PATH"): each
		// script gives the URLs it must never see contacted paths of its
		// own.
		"HITS_URL": hits.URL,
		// Servers that name where they should not: the metadata service as
		// their resource_metadata, a private address as their
		// authorization server, a redirect of the MCP POST to the metadata
		// service. Each has a twin (_ROUTE_) whose URLs differ only in
		// path, to check the route with --allow-private-discovery first.
		"META_URL":       mcptest.FakeOAuth(t, mcptest.FakeOAuthOptions{Token: "t0k3n-never-sent", Challenges: metaChallenge("/ssrf")}).MCPURL,
		"META_ROUTE_URL": mcptest.FakeOAuth(t, mcptest.FakeOAuthOptions{Token: "t0k3n-never-sent", Challenges: metaChallenge("/ssrf-route")}).MCPURL,
		"PRIVATE_AS_URL": mcptest.FakeOAuth(t, mcptest.FakeOAuthOptions{Token: "t0k3n-never-sent", ProtectedResource: true,
			AuthorizationServers: []string{"http://10.0.0.1:" + hitsPort + "/ssrf-as"}}).MCPURL,
		"PRIVATE_AS_ROUTE_URL": mcptest.FakeOAuth(t, mcptest.FakeOAuthOptions{Token: "t0k3n-never-sent", ProtectedResource: true,
			AuthorizationServers: []string{"http://10.0.0.1:" + hitsPort + "/ssrf-as-route"}}).MCPURL,
		"REDIRECT_META_URL":       mcptest.RedirectTo(t, metadata("/ssrf-redirect")).URL + "/mcp",
		"REDIRECT_META_ROUTE_URL": mcptest.RedirectTo(t, metadata("/ssrf-redirect-route")).URL + "/mcp",
		"SSRF_MARKER":             mcptest.HitCounterSecret,
		// Hostile authorization servers: one registers a client_id, and
		// one refuses the token with an error_description, that hold
		// lines of their own (mcptest.FakeForgedLines).
		"FORGEDID_URL": mcptest.FakeOAuth(t, mcptest.FakeOAuthOptions{ProtectedResource: true, AuthServer: true, Authorize: true, RegisteredClientID: mcptest.FakeForgedLines}).MCPURL,
		// Faults on the wire (issue 22): a response under the request's id
		// as a string, a 301 and a 307 of the MCP URL to /mcp/.
		"STRINGID_URL":  mcptest.FakeHTTP(t, mcptest.FakeStringID).URL + "/mcp",
		"MOVED_URL":     mcptest.FakeHTTP(t, mcptest.FakeMoved).URL + "/mcp",
		"TEMPREDIR_URL": mcptest.FakeHTTP(t, mcptest.FakeTemporaryRedirect).URL + "/mcp",
		// Tools as servers get them wrong (mcptest.BadTools), a second
		// server offering one of their names, and 400 tools whose
		// definitions pass the context warning (about 180 KB).
		"TOOLS_BAD_URL":   mcptest.FakeTools(t, mcptest.ToolsOptions{Tools: mcptest.BadTools()}).URL + "/mcp",
		"TOOLS_OTHER_URL": mcptest.FakeTools(t, mcptest.ToolsOptions{Tools: mcptest.OtherTools()}).URL + "/mcp",
		"TOOLS_MANY_URL":  mcptest.FakeTools(t, mcptest.ToolsOptions{Generated: 400, DescriptionBytes: 400}).URL + "/mcp",
		"FORGEDERR_URL":   mcptest.FakeOAuth(t, mcptest.FakeOAuthOptions{ProtectedResource: true, AuthServer: true, Authorize: true, TokenErrorDescription: mcptest.FakeForgedLines}).MCPURL,
	}
	// The GitHub Action's scripts, which action.txt runs.
	actionDir, err := filepath.Abs(filepath.Join("..", "..", "action"))
	if err != nil {
		t.Fatal(err)
	}
	servers["ACTION_DIR"] = actionDir
	// action/install.sh builds mcpdoctor with this Go's caches, offline.
	for _, v := range []string{"GOCACHE", "GOMODCACHE"} {
		out, err := exec.Command("go", "env", v).Output()
		if err != nil {
			t.Fatal(err)
		}
		servers[v] = strings.TrimSpace(string(out))
	}
	// Read here, so that go test's cache sees a change to them: bash
	// reads them in another process, which the cache does not watch.
	for _, name := range []string{"check.sh", "install.sh"} {
		if _, err := os.ReadFile(filepath.Join(actionDir, name)); err != nil {
			t.Fatal(err)
		}
	}
	testscript.Run(t, testscript.Params{
		Dir:           "testdata/script",
		UpdateScripts: *update,
		Cmds: map[string]func(*testscript.TestScript, bool, []string){"exits": cmdExits, "expand": cmdExpand, "notokens": cmdNoTokens,
			"jsonvalid": cmdJSONValid, "schema": cmdSchema, "json": cmdJSON, "contacted": cmdContacted(hits),
			"within": cmdWithin, "noinvisible": cmdNoInvisible},
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

// cmdContacted checks that $HITS_URL got a request for a path:
// "contacted /approvals/x"; "! contacted /approvals/x" that it got none.
func cmdContacted(hits *mcptest.HitCounter) func(*testscript.TestScript, bool, []string) {
	return func(ts *testscript.TestScript, neg bool, args []string) {
		if len(args) != 1 {
			ts.Fatalf("usage: contacted PATH")
		}
		n := hits.Count(args[0])
		switch {
		case neg && n > 0:
			ts.Fatalf("%s was contacted %d times", args[0], n)
		case !neg && n == 0:
			ts.Fatalf("%s was never contacted", args[0])
		}
	}
}

// cmdJSONValid checks that the last command's stdout is exactly one JSON
// document: "jsonvalid".
func cmdJSONValid(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 0 {
		ts.Fatalf("usage: jsonvalid")
	}
	if _, err := schematest.Parse([]byte(ts.ReadFile("stdout"))); err != nil {
		ts.Fatalf("stdout: %v", err)
	}
}

// cmdSchema checks that the last command's stdout is one JSON document
// valid against the named schema of schema/: "schema list", "schema error".
func cmdSchema(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: schema NAME")
	}
	err := schematest.Validate(args[0], []byte(ts.ReadFile("stdout")))
	switch {
	case neg && err == nil:
		ts.Fatalf("stdout is valid against %s, want it not to be", args[0])
	case !neg && err != nil:
		ts.Fatalf("stdout: %v", err)
	}
}

// cmdJSON matches a value in the last command's stdout, parsed as JSON:
// "json .auth_status none" compares the value at the path with WANT (a
// JSON literal such as true, 3 or "x", else a plain string); with no WANT
// it checks that the path exists. A path is made of .name and [index]
// steps; [*] matches when any element does, and [key=value] when any
// element whose member key is that string does:
// "json .findings[code=tool_duplicate].tool search". "! json" inverts.
func cmdJSON(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 1 || len(args) > 2 {
		ts.Fatalf("usage: json PATH [WANT]")
	}
	doc, err := schematest.Parse([]byte(ts.ReadFile("stdout")))
	if err != nil {
		ts.Fatalf("stdout: %v", err)
	}
	steps, err := parseJSONPath(args[0])
	if err != nil {
		ts.Fatalf("json: %v", err)
	}
	var want any
	if len(args) == 2 {
		if err := json.Unmarshal([]byte(args[1]), &want); err != nil {
			want = args[1]
		}
	}
	found := jsonMatch(doc, steps, len(args) == 2, want)
	switch {
	case neg && found:
		ts.Fatalf("stdout has %s %s", args[0], strings.Join(args[1:], " "))
	case !neg && !found:
		ts.Fatalf("stdout lacks %s %s", args[0], strings.Join(args[1:], " "))
	}
}

func parseJSONPath(path string) ([]string, error) {
	var steps []string
	for path != "" {
		switch {
		case strings.HasPrefix(path, "."):
			end := strings.IndexAny(path[1:], ".[")
			if end < 0 {
				end = len(path) - 1
			}
			if end > 0 {
				steps = append(steps, path[1:end+1])
			}
			path = path[end+1:]
		case strings.HasPrefix(path, "["):
			end := strings.IndexByte(path, ']')
			if end < 0 {
				return nil, fmt.Errorf("unclosed [ in %q", path)
			}
			steps = append(steps, path[:end+1])
			path = path[end+1:]
		default:
			return nil, fmt.Errorf("a path starts with . or [, not %q", path)
		}
	}
	return steps, nil
}

func jsonMatch(v any, steps []string, compare bool, want any) bool {
	if len(steps) == 0 {
		if !compare {
			return true
		}
		if n, ok := v.(json.Number); ok {
			f, _ := n.Float64()
			v = f
		}
		return reflect.DeepEqual(v, want)
	}
	step, rest := steps[0], steps[1:]
	if strings.HasPrefix(step, "[") {
		arr, ok := v.([]any)
		if !ok {
			return false
		}
		if key, value, ok := strings.Cut(step[1:len(step)-1], "="); ok || step == "[*]" {
			for _, e := range arr {
				if obj, isObj := e.(map[string]any); ok && (!isObj || obj[key] != value) {
					continue
				}
				if jsonMatch(e, rest, compare, want) {
					return true
				}
			}
			return false
		}
		i, err := strconv.Atoi(step[1 : len(step)-1])
		if err != nil || i < 0 || i >= len(arr) {
			return false
		}
		return jsonMatch(arr[i], rest, compare, want)
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return false
	}
	e, ok := obj[step]
	return ok && jsonMatch(e, rest, compare, want)
}

// TestEveryJSONRunIsSchemaChecked keeps the scripts honest: each command
// that runs mcpdoctor with --json, --format json or --format sarif is
// followed, before the next command runs, by a "schema NAME" check of what
// it printed. A JSON output nobody validates is where a broken contract
// would hide.
func TestEveryJSONRunIsSchemaChecked(t *testing.T) {
	scripts, err := filepath.Glob("testdata/script/*.txt")
	if err != nil || len(scripts) == 0 {
		t.Fatalf("no scripts: %v", err)
	}
	runs := regexp.MustCompile(`^!?\s*(exec|exits\s+\d+)\s`)
	for _, script := range scripts {
		a, err := txtar.ParseFile(script)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(string(a.Comment), "\n")
		for i, line := range lines {
			line = strings.TrimSpace(line)
			if !runs.MatchString(line) || !slices.Contains(strings.Fields(line), "mcpdoctor") || !printsDocument(strings.Fields(line)) {
				continue
			}
			checked := false
			for _, next := range lines[i+1:] {
				next = strings.TrimSpace(next)
				if runs.MatchString(next) {
					break
				}
				if strings.HasPrefix(next, "schema ") {
					checked = true
				}
			}
			if !checked {
				t.Errorf("%s:%d: %q prints JSON that no \"schema NAME\" checks", script, i+1, line)
			}
		}
	}
}

// printsDocument says whether a command line asks for a JSON document.
func printsDocument(fields []string) bool {
	for i, f := range fields {
		switch {
		case f == "--json", f == "--format=json", f == "--format=sarif":
			return true
		case f == "--format" && i+1 < len(fields) && (fields[i+1] == "json" || fields[i+1] == "sarif"):
			return true
		}
	}
	return false
}
