// Command conformanceclient is the client the official MCP conformance
// suite drives (mcptest.ConformanceClient): it gets the test server's URL
// as its last argument, the scenario in MCP_CONFORMANCE_SCENARIO and its
// context in MCP_CONFORMANCE_CONTEXT, and uses the mcpdoctor binary named
// by MCPDOCTOR_BINARY as a user would: probe the server, log in when it
// wants OAuth (with a browser that approves at once), probe again, and call
// the tools it lists. It fails when any output of mcpdoctor holds a token,
// a secret or an authorization code of the run.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/mcpdoctor/mcpdoctor/internal/tokens"
)

func main() { os.Exit(conformanceClient()) }

func conformanceClient() int {
	binary := os.Getenv("MCPDOCTOR_BINARY")
	if binary == "" || len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: MCPDOCTOR_BINARY=path conformanceclient SERVER_URL")
		return 2
	}
	serverURL := os.Args[len(os.Args)-1]
	scenario := os.Getenv("MCP_CONFORMANCE_SCENARIO")
	var scenarioCtx map[string]any
	json.Unmarshal([]byte(os.Getenv("MCP_CONFORMANCE_CONTEXT")), &scenarioCtx)
	dir, err := os.MkdirTemp("", "conformance-client-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	os.Chmod(dir, 0o700)
	config := fmt.Sprintf("[mcp_servers.conformance]\nurl = %q\n", serverURL)
	if id, ok := scenarioCtx["client_id"].(string); ok && id != "" {
		// A pre-registered client: its id in the config, its secret in
		// the environment.
		config += fmt.Sprintf("oauth = { client_id = %q }\n", id)
	}
	if secret, ok := scenarioCtx["client_secret"].(string); ok {
		os.Setenv("MCPDOCTOR_CLIENT_SECRET", secret)
	}
	path := filepath.Join(dir, "config.toml")
	os.WriteFile(path, []byte(config), 0o600)
	for k, v := range map[string]string{"HOME": dir, "CODEX_HOME": dir, "MCPDOCTOR_TOKENS_FILE": filepath.Join(dir, "tokens.json"), "BROWSER": "", "NO_COLOR": "1"} {
		os.Setenv(k, v)
	}

	c := &conformanceRun{binary: binary, config: path, tokensFile: filepath.Join(dir, "tokens.json")}
	// The suite names the protocol version a scenario's client speaks, as
	// a user pins a client to one.
	probeArgs := []string{"probe", "conformance", "--timeout", "10s"}
	if v := os.Getenv("MCP_CONFORMANCE_PROTOCOL_VERSION"); v != "" {
		probeArgs = append(probeArgs, "--protocol", v)
	}
	probeJSON := append(slices.Clone(probeArgs), "--json")
	probe := c.mcpdoctor(nil, probeJSON...)
	if strings.HasPrefix(scenario, "auth/") || wantsLogin(probe) {
		args := []string{"login", "conformance", "--no-browser", "--timeout", "20s"}
		if strings.HasPrefix(scenario, "auth/client-credentials") {
			args = append(args, "--client-credentials")
			if key, ok := scenarioCtx["private_key_pem"].(string); ok {
				keyFile := filepath.Join(dir, "key.pem")
				os.WriteFile(keyFile, []byte(key), 0o600)
				args = append(args, "--private-key-file", keyFile)
			}
		}
		if scenario == "auth/basic-cimd" {
			// The document a user publishes for mcpdoctor, as the
			// scenario expects it.
			args = append(args, "--client-metadata-url", "https://conformance-test.local/client-metadata.json")
		}
		c.mcpdoctor(c.browse, args...)
		probe = c.mcpdoctor(nil, probeJSON...)
		// A probe that says to log in again (the login no longer holds:
		// the authorization server changed) is followed, once.
		if loginAgain.Match(probe) {
			c.mcpdoctor(c.browse, args...)
			probe = c.mcpdoctor(nil, probeJSON...)
		}
	}
	for _, tc := range toolCalls(scenario, scenarioCtx, toolsOf(probe)) {
		call := append(slices.Clone(probeArgs), "--call", tc.name, "--args", tc.args)
		out := c.mcpdoctor(nil, call...)
		// A server that wants more scope says which, and the login to
		// run; a user runs it and calls again.
		if m := stepUp.FindStringSubmatch(string(out)); m != nil {
			c.mcpdoctor(c.browse, "login", "conformance", "--no-browser", "--timeout", "20s", "--scopes", m[1])
			c.mcpdoctor(nil, call...)
		}
	}
	if leaks := c.leaks(); len(leaks) > 0 {
		fmt.Fprintf(os.Stderr, "%s mcpdoctor printed %d secrets of the run (their lengths: %v)\n", leakMark, len(leaks), lengths(leaks))
		return 1
	}
	return 0
}

// leakMark starts the line the adapter prints when mcpdoctor printed a
// secret: mcptest.ConformanceLeakMark, which mcptest looks for.
const leakMark = "LEAK:"

// lengths are the lengths of secrets, which can be printed.
func lengths(secrets []string) []int {
	var n []int
	for _, s := range secrets {
		n = append(n, len(s))
	}
	return n
}

// conformanceRun is one adapter run: what mcpdoctor printed, and the codes
// the browser carried.
type conformanceRun struct {
	binary, config, tokensFile string
	mu                         sync.Mutex
	printed                    bytes.Buffer
	codes                      []string
	browsed                    map[string]bool
	// stored are the secrets the token file has held.
	stored map[string]bool
}

// mcpdoctor runs one command, its output copied to the adapter's (the
// suite keeps it) and kept for the leak check; watch, when set, sees
// stderr as it comes.
func (c *conformanceRun) mcpdoctor(watch func(string), args ...string) []byte {
	var out bytes.Buffer
	errOut := &watchWriter{watch: watch}
	cmd := exec.Command(c.binary, append(args, "--config", c.config)...)
	cmd.Stdout, cmd.Stderr = &out, errOut
	code := 0
	if err := cmd.Run(); err != nil {
		code = -1
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else {
			fmt.Fprintln(errOut, "conformanceclient:", err)
		}
	}
	fmt.Fprintf(os.Stdout, "$ mcpdoctor %s (exit %d)\n%s", strings.Join(args, " "), code, out.String())
	fmt.Fprint(os.Stderr, errOut.String())
	c.mu.Lock()
	c.printed.Write(out.Bytes())
	c.printed.WriteString(errOut.String())
	c.mu.Unlock()
	c.collectStored()
	return out.Bytes()
}

// watchWriter keeps what is written and shows each write to watch.
type watchWriter struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	watch func(string)
}

func (w *watchWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	w.buf.Write(p)
	text := w.buf.String()
	w.mu.Unlock()
	if w.watch != nil {
		w.watch(text)
	}
	return len(p), nil
}

func (w *watchWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// loginAgain finds a probe's advice to log in again.
var loginAgain = regexp.MustCompile("`mcpdoctor login conformance`")

// stepUp finds the login probe's insufficient_scope hint asks for.
var stepUp = regexp.MustCompile("`mcpdoctor login conformance --scopes \"([^\"]*)\"`")

var authorizeURL = regexp.MustCompile(`(?m)^\s+(https?://\S+)$`)

// browse plays the browser once login prints its authorization URL: it
// asks the authorization server, which approves at once, and delivers the
// redirect to login's listener.
func (c *conformanceRun) browse(stderr string) {
	m := authorizeURL.FindStringSubmatch(stderr)
	if m == nil {
		return
	}
	c.mu.Lock()
	if c.browsed[m[1]] {
		c.mu.Unlock()
		return
	}
	if c.browsed == nil {
		c.browsed = map[string]bool{}
	}
	c.browsed[m[1]] = true
	c.mu.Unlock()
	go func() {
		client := &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := client.Get(m[1])
		if err != nil {
			return
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		back, err := resp.Location()
		if err != nil {
			return
		}
		if code := back.Query().Get("code"); code != "" {
			c.mu.Lock()
			c.codes = append(c.codes, code)
			c.mu.Unlock()
		}
		if r, err := client.Get(back.String()); err == nil {
			r.Body.Close()
		}
	}()
}

// collectStored remembers the secrets the token file holds now: a later
// refresh or login replaces them, and they must not have been printed
// either.
func (c *conformanceRun) collectStored() {
	entries, err := tokens.Open(c.tokensFile).Entries()
	if err != nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stored == nil {
		c.stored = map[string]bool{}
	}
	for _, e := range entries {
		for _, s := range e.Secrets() {
			c.stored[s] = true
		}
	}
}

// leaks lists the secrets of the run that mcpdoctor printed: every token
// and secret the token file held after any command, the codes the browser
// carried, the configured client's secret.
func (c *conformanceRun) leaks() []string {
	c.collectStored()
	c.mu.Lock()
	defer c.mu.Unlock()
	secrets := slices.Clone(c.codes)
	for s := range c.stored {
		secrets = append(secrets, s)
	}
	if s := os.Getenv("MCPDOCTOR_CLIENT_SECRET"); s != "" {
		secrets = append(secrets, s)
	}
	var found []string
	printed := c.printed.String()
	for _, s := range secrets {
		if len(s) >= 4 && strings.Contains(printed, s) {
			found = append(found, s)
		}
	}
	slices.Sort(found)
	return found
}

// wantsLogin says whether a probe found an OAuth login to get.
func wantsLogin(probe []byte) bool {
	var v struct {
		AuthStatus string `json:"auth_status"`
	}
	json.Unmarshal(probe, &v)
	return v.AuthStatus == "oauth"
}

type conformanceTool struct {
	Name        string          `json:"name"`
	InputSchema json.RawMessage `json:"input_schema"`
}

func toolsOf(probe []byte) []conformanceTool {
	var v struct {
		Tools []conformanceTool `json:"tools"`
	}
	json.Unmarshal(probe, &v)
	return v.Tools
}

// toolCall is one --call and its --args.
type toolCall struct{ name, args string }

// toolCalls are the calls a user makes: those the scenario asks for in its
// context, with its arguments; else one of every listed tool, with
// arguments made up from its schema. json-schema-2020-12-preservation asks
// (in its description) for the focal tool's inputSchema, as mcpdoctor
// printed it, passed back to its echo tool: it checks that mcpdoctor's
// output keeps a schema whole.
func toolCalls(scenario string, scenarioCtx map[string]any, tools []conformanceTool) []toolCall {
	var out []toolCall
	if asked, ok := scenarioCtx["toolCalls"].([]any); ok {
		for _, a := range asked {
			m, _ := a.(map[string]any)
			name, _ := m["name"].(string)
			args, _ := json.Marshal(m["arguments"])
			out = append(out, toolCall{name, string(args)})
		}
		return out
	}
	for _, t := range tools {
		args := argsFor(t.InputSchema)
		if scenario == "json-schema-2020-12-preservation" && t.Name == "json_schema_echo" {
			for _, focal := range tools {
				if focal.Name != t.Name {
					args = `{"schema":` + string(focal.InputSchema) + `}`
				}
			}
		}
		out = append(out, toolCall{t.Name, args})
	}
	return out
}

// argsFor makes arguments a user would type for a schema: a number for a
// number, text for a string, true for a boolean.
func argsFor(schema json.RawMessage) string {
	var s struct {
		Properties map[string]struct {
			Type string `json:"type"`
		} `json:"properties"`
	}
	json.Unmarshal(schema, &s)
	args := map[string]any{}
	for name, p := range s.Properties {
		switch p.Type {
		case "number", "integer":
			args[name] = 1
		case "boolean":
			args[name] = true
		case "string":
			args[name] = "conformance"
		}
	}
	b, _ := json.Marshal(args)
	return string(b)
}
