package mcptest

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mcpdoctor/mcpdoctor/internal/mcptest/sdkserver"
)

func TestGoSDKHTTP(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		opts        GoSDKOptions
		contentType string // of the initialize answer
		session     bool   // whether an Mcp-Session-Id is issued
		pages       int    // tools/list pages; 0 when the server has no tools
	}{
		{name: "default", contentType: "text/event-stream", session: true, pages: 1},
		{name: "json", opts: GoSDKOptions{JSONResponse: true}, contentType: "application/json", session: true, pages: 1},
		{name: "stateless", opts: GoSDKOptions{Stateless: true, JSONResponse: true}, contentType: "application/json", pages: 1},
		{name: "paged", opts: GoSDKOptions{PageSize: 2}, contentType: "text/event-stream", session: true, pages: 4},
		{name: "no tools", opts: GoSDKOptions{NoTools: true}, contentType: "text/event-stream", session: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := GoSDKHTTP(t, tt.opts)
			endpoint := srv.URL + GoSDKPath

			res := post(t, endpoint, nil, initializeRequest(1))
			if res.Status != http.StatusOK {
				t.Fatalf("initialize: %d %s", res.Status, res.Body)
			}
			if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, tt.contentType) {
				t.Errorf("initialize answered in %q, want %s", ct, tt.contentType)
			}
			if got := res.Header.Get("Mcp-Session-Id") != ""; got != tt.session {
				t.Errorf("Mcp-Session-Id issued: %v, want %v", got, tt.session)
			}

			s := openSession(t, endpoint, nil)
			if s.init.ServerInfo.Name != GoSDKName || s.init.ServerInfo.Version != "1.0.0" {
				t.Errorf("serverInfo = %+v, want %s 1.0.0", s.init.ServerInfo, GoSDKName)
			}
			if _, ok := s.init.Capabilities["tools"]; ok != (tt.pages > 0) {
				t.Errorf("tools capability declared: %v, want %v", ok, tt.pages > 0)
			}
			if tt.pages == 0 {
				return
			}
			names, pages := listAllTools(t, s.call)
			if !slices.Equal(names, sdkserver.ToolNames) || pages != tt.pages {
				t.Errorf("tools/list = %v in %d pages, want %v in %d", names, pages, sdkserver.ToolNames, tt.pages)
			}
			assertTools(t, s.call)
		})
	}
}

// assertTools calls echo, add and fail.
func assertTools(t *testing.T, call func(string, any) rpcResponse) {
	t.Helper()
	echo := decodeResult[callToolResult](t, call("tools/call", map[string]any{"name": "echo", "arguments": map[string]any{"text": "hello"}}))
	if len(echo.Content) != 1 || echo.Content[0].Text != "hello" || echo.IsError {
		t.Errorf("echo = %+v, want hello", echo)
	}
	add := decodeResult[callToolResult](t, call("tools/call", map[string]any{"name": "add", "arguments": map[string]any{"a": 2, "b": 3.5}}))
	if len(add.Content) != 1 || add.Content[0].Text != "5.5" || add.StructuredContent["sum"] != 5.5 {
		t.Errorf("add = %+v, want 5.5 and structured sum", add)
	}
	fail := decodeResult[callToolResult](t, call("tools/call", map[string]any{"name": "fail", "arguments": map[string]any{}}))
	if !fail.IsError {
		t.Errorf("fail = %+v, want isError", fail)
	}
	for _, c := range []struct {
		tool string
		args map[string]any
		want string
	}{
		{"upper", map[string]any{"text": "abc"}, "ABC"},
		{"big", map[string]any{"bytes": 5}, "xxxxx"},
		{"sleep", map[string]any{"ms": 1}, "slept 1 ms"},
	} {
		res := decodeResult[callToolResult](t, call("tools/call", map[string]any{"name": c.tool, "arguments": c.args}))
		if len(res.Content) != 1 || res.Content[0].Text != c.want || res.IsError {
			t.Errorf("%s(%v) = %+v, want %q", c.tool, c.args, res, c.want)
		}
	}
}

func TestGoSDKHTTPBearer(t *testing.T) {
	t.Parallel()
	const token = "s3cret-token"
	srv := GoSDKHTTP(t, GoSDKOptions{BearerToken: token, JSONResponse: true})
	endpoint := srv.URL + GoSDKPath
	wantChallenge := `Bearer resource_metadata="` + srv.URL + GoSDKResourceMetadataPath + `"`

	for _, header := range []http.Header{nil, {"Authorization": {"Bearer wrong"}}} {
		res := post(t, endpoint, header, initializeRequest(1))
		if res.Status != http.StatusUnauthorized || res.Header.Get("WWW-Authenticate") != wantChallenge {
			t.Errorf("initialize with %v: %d, WWW-Authenticate %q; want 401 with %s", header, res.Status, res.Header.Get("WWW-Authenticate"), wantChallenge)
		}
	}

	for _, path := range []string{GoSDKResourceMetadataPath, GoSDKRootResourceMetadataPath} {
		var prm struct {
			Resource               string   `json:"resource"`
			AuthorizationServers   []string `json:"authorization_servers"`
			BearerMethodsSupported []string `json:"bearer_methods_supported"`
		}
		getJSON(t, srv.URL+path, &prm)
		if prm.Resource != endpoint || len(prm.AuthorizationServers) != 0 {
			t.Errorf("GET %s = %+v, want resource %s and no authorization servers", path, prm, endpoint)
		}
	}

	s := openSession(t, endpoint, http.Header{"Authorization": {"Bearer " + token}})
	if s.init.ServerInfo.Name != GoSDKName {
		t.Errorf("serverInfo.name = %q, want %q", s.init.ServerInfo.Name, GoSDKName)
	}
	assertTools(t, s.call)
}

// A server that advertises OAuth metadata but does not require a token: the
// case clients misjudge as needing a login.
func TestGoSDKHTTPAdvertisesOAuthWithoutRequiringIt(t *testing.T) {
	t.Parallel()
	const issuer = "http://127.0.0.1:1/"
	srv := GoSDKHTTP(t, GoSDKOptions{AuthorizationServers: []string{issuer}})
	var prm struct {
		AuthorizationServers []string `json:"authorization_servers"`
	}
	getJSON(t, srv.URL+GoSDKResourceMetadataPath, &prm)
	if !slices.Equal(prm.AuthorizationServers, []string{issuer}) {
		t.Errorf("authorization_servers = %v, want [%s]", prm.AuthorizationServers, issuer)
	}
	s := openSession(t, srv.URL+GoSDKPath, nil)
	if s.init.ServerInfo.Name != GoSDKName {
		t.Errorf("serverInfo.name = %q, want %q", s.init.ServerInfo.Name, GoSDKName)
	}
}

func TestGoSDKSSE(t *testing.T) {
	t.Parallel()
	srv := GoSDKSSE(t)
	endpoint, res := legacySSEInitialize(t, srv.URL+GoSDKSSEPath)
	if res.ServerInfo.Name != GoSDKName {
		t.Errorf("serverInfo.name = %q, want %q", res.ServerInfo.Name, GoSDKName)
	}
	if u, _ := url.Parse(endpoint); u.Path != GoSDKSSEPath || u.Query().Get("sessionid") == "" {
		t.Errorf("endpoint = %s, want %s?sessionid=ID", endpoint, GoSDKSSEPath)
	}
}

func TestGoSDKStdio(t *testing.T) {
	t.Parallel()
	bin := GoSDKStdioCommand(t)
	if again := GoSDKStdioCommand(t); again != bin {
		t.Errorf("second call built again: %s, then %s", bin, again)
	}

	p := startStdio(t, bin, []string{"-page-size", "2"}, nil)
	if res := p.initialize(); res.ServerInfo.Name != GoSDKName {
		t.Errorf("serverInfo.name = %q, want %q", res.ServerInfo.Name, GoSDKName)
	}
	names, pages := listAllTools(t, p.call)
	if !slices.Equal(names, sdkserver.ToolNames) || pages != 4 {
		t.Errorf("tools/list = %v in %d pages, want %v in 4", names, pages, sdkserver.ToolNames)
	}
	assertTools(t, p.call)
	p.closeStdin(10 * time.Second)

	p = startStdio(t, bin, nil, []string{sdkserver.EnvPrefix + "GREETING=hello"})
	p.initialize()
	for _, c := range []struct {
		name    string
		want    string
		wantErr bool
	}{
		{name: sdkserver.EnvPrefix + "GREETING", want: "hello"},
		{name: "HOME", wantErr: true},
	} {
		res := decodeResult[callToolResult](t, p.call("tools/call", map[string]any{"name": "getenv", "arguments": map[string]any{"name": c.name}}))
		if res.IsError != c.wantErr || (!c.wantErr && (len(res.Content) != 1 || res.Content[0].Text != c.want)) {
			t.Errorf("getenv %s = %+v, want %q (isError %v)", c.name, res, c.want, c.wantErr)
		}
	}

	p = startStdio(t, bin, []string{"-no-tools"}, nil)
	if res := p.initialize(); res.Capabilities["tools"] != nil {
		t.Errorf("-no-tools: capabilities = %v, want no tools", res.Capabilities)
	}
}
