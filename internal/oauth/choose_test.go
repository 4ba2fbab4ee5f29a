package oauth

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestChooseScopes(t *testing.T) {
	flag, cfg, supported := []string{"a"}, []string{"b"}, []string{"d", "e"}
	cases := []struct {
		flag, cfg []string
		challenge string
		supported []string
		want      []string
		from      string
	}{
		{flag, cfg, "c", supported, []string{"a"}, ScopesFromFlag},
		{nil, cfg, "c", supported, []string{"b"}, ScopesFromConfig},
		{nil, nil, "c1 c2", supported, []string{"c1", "c2"}, ScopesFromChallenge},
		{nil, nil, "  ", supported, []string{"d", "e"}, ScopesFromSupported},
		{nil, nil, "", nil, nil, ""},
	}
	for i, c := range cases {
		got, from := ChooseScopes(c.flag, c.cfg, c.challenge, c.supported)
		if !slices.Equal(got, c.want) || from != c.from {
			t.Errorf("case %d: got %q from %q, want %q from %q", i, got, from, c.want, c.from)
		}
	}
}

func TestChooseResource(t *testing.T) {
	cases := []struct{ cfg, advertised, url, want string }{
		{"https://cfg.example/mcp", "https://adv.example/mcp", "https://x.example/mcp", "https://cfg.example/mcp"},
		{"", "https://adv.example/mcp", "https://x.example/mcp", "https://adv.example/mcp"},
		{"", "", "HTTPS://X.Example:8443/mcp?key=secret#frag", "https://x.example:8443/mcp"},
	}
	for _, c := range cases {
		if got := ChooseResource(c.cfg, c.advertised, c.url); got != c.want {
			t.Errorf("ChooseResource(%q, %q, %q) = %q, want %q", c.cfg, c.advertised, c.url, got, c.want)
		}
	}
}

func TestCheckEndpoint(t *testing.T) {
	for raw, ok := range map[string]bool{
		"https://as.example/token":  true,
		"http://127.0.0.1:9/token":  true,
		"http://localhost:9/token":  true,
		"http://[::1]:9/token":      true,
		"http://as.example/token":   false,
		"ftp://as.example/token":    false,
		"/token":                    false,
		"http://127.0.0.1.nip.io/t": false,
	} {
		if err := checkEndpoint(raw); (err == nil) != ok {
			t.Errorf("checkEndpoint(%q) = %v, want ok=%v", raw, err, ok)
		}
	}
}

func TestSplitScopes(t *testing.T) {
	got := SplitScopes([]string{"mcp:read mcp:write", "admin", " a,b  "})
	want := []string{"mcp:read", "mcp:write", "admin", "a", "b"}
	if !slices.Equal(got, want) {
		t.Errorf("SplitScopes = %q, want %q", got, want)
	}
	if _, err := ReadPrivateKey(filepath.Join(t.TempDir(), "missing.pem")); err == nil || !strings.Contains(err.Error(), "missing.pem") {
		t.Errorf("ReadPrivateKey of a missing file: %v", err)
	}
}
