package oauth

import (
	"fmt"
	"strings"
	"testing"
)

// render writes challenges in one canonical form, so that a table can spell
// out what it expects: Scheme[token68]{name=value;...}.
func render(cs []Challenge) string {
	var parts []string
	for _, c := range cs {
		s := c.Scheme
		if c.Token68 != "" {
			s += "[" + c.Token68 + "]"
		}
		if len(c.Params) > 0 {
			var ps []string
			for _, p := range c.Params {
				ps = append(ps, p.Name+"="+p.Value)
			}
			s += "{" + strings.Join(ps, ";") + "}"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " | ")
}

func TestParseWWWAuthenticate(t *testing.T) {
	tests := []struct {
		name   string
		values []string
		want   string
	}{
		{"bare scheme", []string{"Bearer"}, "Bearer"},
		{"resource_metadata", []string{`Bearer resource_metadata="https://mcp.example.com/.well-known/oauth-protected-resource"`},
			"Bearer{resource_metadata=https://mcp.example.com/.well-known/oauth-protected-resource}"},
		{"the OAuth example's challenge", []string{`Bearer error="invalid_token", error_description="Missing Authorization header", resource_metadata="http://localhost:3000/.well-known/oauth-protected-resource/mcp"`},
			"Bearer{error=invalid_token;error_description=Missing Authorization header;resource_metadata=http://localhost:3000/.well-known/oauth-protected-resource/mcp}"},
		{"spec example with a line break", []string{"Bearer resource_metadata=\"https://mcp.example.com/.well-known/oauth-protected-resource\",\n\t                         scope=\"files:read\""},
			"Bearer{resource_metadata=https://mcp.example.com/.well-known/oauth-protected-resource;scope=files:read}"},
		{"case-insensitive names, scheme kept as written", []string{`bEaReR Realm="x", SCOPE="a b"`}, "bEaReR{realm=x;scope=a b}"},
		{"escaped quotes and backslashes", []string{`Bearer realm="say \"hi\" \\o/", error="invalid_token"`}, `Bearer{realm=say "hi" \o/;error=invalid_token}`},
		{"comma inside a quoted string", []string{`Basic realm="a, b", Bearer realm="c"`}, "Basic{realm=a, b} | Bearer{realm=c}"},
		{"two challenges, one value", []string{`Basic realm="simple", Newauth realm="apps", type=1, title="Login to \"apps\""`},
			`Basic{realm=simple} | Newauth{realm=apps;type=1;title=Login to "apps"}`},
		{"two header lines", []string{`Basic realm="x"`, `Bearer error="insufficient_scope", scope="files:read files:write"`},
			"Basic{realm=x} | Bearer{error=insufficient_scope;scope=files:read files:write}"},
		{"scheme without params before another", []string{"Basic, Bearer realm=x"}, "Basic | Bearer{realm=x}"},
		{"token68 with padding", []string{"Negotiate dG9rZW4=="}, "Negotiate[dG9rZW4==]"},
		{"token68 with one pad then another challenge", []string{"Negotiate abc=, Bearer"}, "Negotiate[abc=] | Bearer"},
		{"token68 without padding", []string{"Negotiate a/b+c.d~e"}, "Negotiate[a/b+c.d~e]"},
		{"odd spacing around equals and commas", []string{"Bearer   realm = \"x\"  ,scope= y ,  , error =z"}, "Bearer{realm=x;scope=y;error=z}"},
		{"unquoted URL", []string{"Bearer resource_metadata=https://h/.well-known/oauth-protected-resource, scope=a"},
			"Bearer{resource_metadata=https://h/.well-known/oauth-protected-resource;scope=a}"},
		{"empty quoted value", []string{`Bearer realm=""`}, "Bearer{realm=}"},
		{"unterminated quote runs to the end", []string{`Bearer realm="abc, error=x`}, "Bearer{realm=abc, error=x}"},
		{"leading and trailing commas", []string{", Bearer realm=x ,"}, "Bearer{realm=x}"},
		{"garbage is skipped", []string{`;;; Bearer error="invalid_token"`}, `Bearer{error=invalid_token}`},
		{"empty", []string{"", "   "}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := render(ParseWWWAuthenticate(tt.values)); got != tt.want {
				t.Errorf("ParseWWWAuthenticate(%q)\n got %s\nwant %s", tt.values, got, tt.want)
			}
		})
	}
}

func TestWWWAuthenticateBearerChallenge(t *testing.T) {
	c, ok := BearerChallenge([]string{`Basic realm="x"`, `DPoP algs="ES256", bearer Resource_Metadata="https://h/prm", scope="a"`})
	if !ok {
		t.Fatal("no Bearer challenge found")
	}
	if v, _ := c.Param("resource_metadata"); v != "https://h/prm" {
		t.Errorf("resource_metadata = %q", v)
	}
	if v, _ := c.Param("SCOPE"); v != "a" {
		t.Errorf("scope = %q", v)
	}
	if _, ok := c.Param("error"); ok {
		t.Error("error param found where there is none")
	}
	if _, ok := BearerChallenge([]string{`Basic realm="Bearer"`}); ok {
		t.Error("a Basic challenge whose realm says Bearer counted as Bearer")
	}
}

// The parser must end on any input.
func FuzzParseWWWAuthenticate(f *testing.F) {
	for _, s := range []string{`Bearer a="b\"`, `x=,=,"`, `Basic ==`, "\\\"", fmt.Sprint(strings.Repeat(`a="`, 10))} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_ = ParseWWWAuthenticate([]string{s})
	})
}
