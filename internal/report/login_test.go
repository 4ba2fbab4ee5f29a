package report

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/mcpdoctor/mcpdoctor/internal/config"
	"github.com/mcpdoctor/mcpdoctor/internal/probe"
	"github.com/mcpdoctor/mcpdoctor/internal/redact"
	"github.com/mcpdoctor/mcpdoctor/internal/schematest"
)

func TestExpiry(t *testing.T) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	for d, want := range map[time.Duration]string{
		45 * time.Second:                 "expires in 45s",
		59*time.Minute + 40*time.Second:  "expires in 1h",
		59 * time.Minute:                 "expires in 59m",
		3*time.Hour + 5*time.Minute:      "expires in 3h5m",
		50 * time.Hour:                   "expires in 2d",
		-3 * time.Minute:                 "expired 3m ago",
		-(26*time.Hour + 10*time.Minute): "expired 26h10m ago",
	} {
		if got := Expiry(now.Add(d), now); got != want {
			t.Errorf("Expiry(now%+v) = %q, want %q", d, got, want)
		}
	}
	if got := Expiry(time.Time{}, now); got != "" {
		t.Errorf("unknown expiry = %q, want empty", got)
	}
}

// The login state is told against the probe's start, so the same result
// renders the same way whenever it is printed.
func TestLoginStateInTableAndProbe(t *testing.T) {
	started := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	res := &probe.Result{Name: "docs", Transport: config.TransportStreamableHTTP, Started: started, Healthy: true,
		Auth: probe.Verdict{Status: probe.AuthOAuth, Credential: &probe.Credential{Header: "Authorization", Source: "oauth token store", Sent: true},
			OAuth: &probe.OAuthState{LoggedIn: true, ExpiresAt: started.Add(42 * time.Minute)}}}
	e := Entry{Server: config.Server{Name: "docs", Enabled: true, Transport: config.TransportStreamableHTTP, URL: config.Literal("https://docs.example/mcp")}, Result: res}
	var table, text bytes.Buffer
	ListTable(&table, []Entry{e}, redact.New(), Style{})
	ProbeText(&text, e, redact.New(), Style{})
	if !strings.Contains(table.String(), "oauth (logged in, expires in 42m)") {
		t.Errorf("table lacks the login state:\n%s", table.String())
	}
	if !strings.Contains(text.String(), "oauth — Authorization from oauth token store (sent) — logged in, expires in 42m") {
		t.Errorf("probe text lacks the login state:\n%s", text.String())
	}
	res.Auth.OAuth = &probe.OAuthState{Required: true}
	table.Reset()
	ListTable(&table, []Entry{e}, redact.New(), Style{})
	if !strings.Contains(table.String(), "oauth (not logged in)") {
		t.Errorf("table lacks \"not logged in\":\n%s", table.String())
	}
}

func TestLoginTextNamesNoToken(t *testing.T) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	var b bytes.Buffer
	LoginText(&b, Login{Name: "docs", LoggedIn: true, AuthorizationServer: "https://as.example", ClientID: "c-1", RegisteredClient: true,
		Scopes: []string{"mcp:read"}, ScopesFrom: "--scopes", Resource: "https://docs.example/mcp", ExpiresAt: now.Add(time.Hour),
		Refreshable: true, TokenFile: "/home/u/.config/mcpdoctor/tokens.json"}, now)
	want := `Logged in to docs with https://as.example.
  client     c-1 (registered now)
  scopes     mcp:read (from --scopes)
  resource   https://docs.example/mcp
  token      expires in 1h; refreshed automatically
  stored in  /home/u/.config/mcpdoctor/tokens.json
Check it: mcpdoctor probe docs
`
	if b.String() != want {
		t.Errorf("LoginText:\n%s\nwant:\n%s", b.String(), want)
	}
}

func TestLoginJSONContract(t *testing.T) {
	l := NewLogin(Login{Name: "docs", LoggedIn: true, AuthorizationServer: "https://as.example/?tenant=t-1", ClientID: "c-1",
		Resource: "https://docs.example/mcp", TokenFile: "/tmp/tokens.json"}, redact.New())
	var b bytes.Buffer
	if err := WriteJSON(&b, l); err != nil {
		t.Fatal(err)
	}
	if err := schematest.Validate("login", b.Bytes()); err != nil {
		t.Fatalf("%v\n%s", err, b.String())
	}
	if strings.Contains(b.String(), "t-1") {
		t.Errorf("a query value of the authorization server's URL survives: %s", b.String())
	}
}
