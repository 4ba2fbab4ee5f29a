package redact

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand"
	"net/url"
	"strings"
	"testing"
)

func TestURL(t *testing.T) {
	r := New("tok-abcdef-123456")
	cases := []struct{ in, want string }{
		{"https://example.com/server/abcdef0123456789abcdef?key=secret-key-value",
			"https://example.com/server/<redacted>?key=<redacted>"},
		{"https://user:pw@example.com/mcp", "https://<redacted>@example.com/mcp"},
		{"http://127.0.0.1:8080/mcp", "http://127.0.0.1:8080/mcp"},
		{"https://mcp.example.com/server-everything/v1/2025-06-18/sse", "https://mcp.example.com/server-everything/v1/2025-06-18/sse"},
		{"https://h/cb?code=abc&state=xyz&page=2", "https://h/cb?code=<redacted>&state=<redacted>&page=2"},
		{"https://h/x?api_key=1&X-Amz-Signature=2&sig=3&Access_Token=4&password=5&authz=6&q=ok",
			"https://h/x?api_key=<redacted>&X-Amz-Signature=<redacted>&sig=<redacted>&Access_Token=<redacted>&password=<redacted>&authz=<redacted>&q=ok"},
		{"https://h/cb#access_token=abc&token_type=bearer", "https://h/cb#access_token=<redacted>&token_type=<redacted>"},
		{"https://h/p/tok-abcdef-123456/x", "https://h/p/<redacted>/x"},
		{"/message?sessionId=5f2c&key=k", "/message?sessionId=5f2c&key=<redacted>"},
		{"https://h/.well-known/oauth-protected-resource/mcp", "https://h/.well-known/oauth-protected-resource/mcp"},
	}
	for _, c := range cases {
		if got := r.URL(c.in); got != c.want {
			t.Errorf("URL(%q)\n got %q\nwant %q", c.in, got, c.want)
		}
	}
}

func TestStringPatterns(t *testing.T) {
	var r *Redactor // nil: patterns only
	cases := []struct{ in, want string }{
		{"POST http://127.0.0.1:8080/mcp initialize → 200 application/json (84 ms)",
			"POST http://127.0.0.1:8080/mcp initialize → 200 application/json (84 ms)"},
		{"see https://h/a?token=abc.", "see https://h/a?token=<redacted>."},
		{"GET /callback?code=abc123&state=xyz HTTP/1.1", "GET /callback?code=<redacted>&state=<redacted> HTTP/1.1"},
		{"Authorization: Bearer abcdef123456", "Authorization: Bearer <redacted>"},
		{"  X-Api-Key: k-123456789", "  X-Api-Key: <redacted>"},
		{"Cookie: a=b; c=d", "Cookie: <redacted>"},
		{"sent Bearer eyJhbGciOi.xyz to it", "sent Bearer <redacted> to it"},
		{`WWW-Authenticate: Bearer resource_metadata="https://x/.well-known/oauth-protected-resource"`,
			`WWW-Authenticate: Bearer resource_metadata="https://x/.well-known/oauth-protected-resource"`},
		{`Bearer realm="mcp", error="invalid_token", scope="files:read"`, `Bearer realm="mcp", error="invalid_token", scope="files:read"`},
		{"Mcp-Session-Id: 1868a90c-5a1b", "Mcp-Session-Id: 1868a90c-5a1b"},
		{"configure a Bearer token in bearer_token_env_var", "configure a Bearer token in bearer_token_env_var"},
		{"its Bearer challenge: error=invalid_token", "its Bearer challenge: error=invalid_token"},
		{`{"access_token":"abc","token_type":"Bearer","expires_in":3600,"refresh_token":"def"}`,
			`{"access_token":"<redacted>","token_type":"Bearer","expires_in":3600,"refresh_token":"<redacted>"}`},
		{`{"token_endpoint":"https://as/token","token_endpoint_auth_methods_supported":["none"],"max_tokens":5,"keywords":"a"}`,
			`{"token_endpoint":"https://as/token","token_endpoint_auth_methods_supported":["none"],"max_tokens":5,"keywords":"a"}`},
		{`{"client_secret": "s3cr3t", "api_key": "k", "password": "p"}`, `{"client_secret": "<redacted>", "api_key": "<redacted>", "password": "<redacted>"}`},
		{`{"code": "bearer_token_unsupported", "key": "url", "auth_status": "none"}`, `{"code": "bearer_token_unsupported", "key": "url", "auth_status": "none"}`},
		{`"Authorization": "Bearer $TODO_TOKEN"`, `"Authorization": "Bearer $TODO_TOKEN"`},
		{`"Authorization": "Bearer abcdefgh"`, `"Authorization": "Bearer <redacted>"`},
		{"fatal: OPENAI_API_KEY=sk-123456 rejected", "fatal: OPENAI_API_KEY=<redacted> rejected"},
		{"jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl here", "jwt <redacted> here"},
		{"", ""},
		{"GET http://h/mcp?key=<redacted> and ?token=&x=1", "GET http://h/mcp?key=<redacted> and ?token=&x=1"},
	}
	for _, c := range cases {
		if got := r.String(c.in); got != c.want {
			t.Errorf("String(%q)\n got %q\nwant %q", c.in, got, c.want)
		}
	}
}

func TestKnownSecretsInEveryForm(t *testing.T) {
	secret := `p&s"w<rd> /x+y`
	r := New(secret, "ab", " ") // too short: ignored
	js, _ := json.Marshal(secret)
	for _, in := range []string{
		"plain " + secret,
		"json " + string(js),
		"query " + url.QueryEscape(secret),
		"path " + url.PathEscape(secret),
	} {
		if got := r.String(in); strings.Contains(got, "w<rd") || strings.Contains(got, `w\u003crd`) || strings.Contains(got, "w%3Crd") {
			t.Errorf("String(%q) = %q leaks", in, got)
		}
	}
	if got := r.String("ab c"); got != "ab c" {
		t.Errorf("short values must not be masked: %q", got)
	}
}

func TestLongestSecretWins(t *testing.T) {
	r := New("abcd1234", "abcd1234efgh5678")
	if got := r.String("x abcd1234efgh5678 y"); got != "x <redacted> y" {
		t.Errorf("got %q", got)
	}
}

func TestHeaders(t *testing.T) {
	for name, want := range map[string]bool{
		"Authorization": true, "proxy-authorization": true, "Cookie": true, "Set-Cookie": true,
		"X-Api-Key": true, "X-Auth-Token": true, "X-Client-Secret": true, "X-Goog-Signature": true,
		"WWW-Authenticate": false, "Mcp-Session-Id": false, "Content-Type": false, "MCP-Protocol-Version": false, "Location": false,
	} {
		if got := IsSensitiveHeader(name); got != want {
			t.Errorf("IsSensitiveHeader(%q) = %v", name, got)
		}
	}
	r := New()
	if got := r.HeaderValue("Authorization", "Bearer abc"); got != "Bearer <redacted>" {
		t.Errorf("Authorization: %q", got)
	}
	if got := r.HeaderValue("Authorization", "abcdef"); got != Mask {
		t.Errorf("schemeless Authorization: %q", got)
	}
	if got := r.HeaderValue("X-Api-Key", "Bearer abc"); got != Mask {
		t.Errorf("X-Api-Key: %q", got)
	}
	if got := r.HeaderValue("Location", "https://h/cb?code=1"); got != "https://h/cb?code=<redacted>" {
		t.Errorf("Location: %q", got)
	}
}

func TestLooksSecret(t *testing.T) {
	for seg, want := range map[string]bool{
		"abcdef0123456789abcdef": true, "Zx81Kq29Lm47Np03Rt65": true, "1868a90c-5a1b-4c2d-9e3f-0a1b2c3d4e5f": true,
		"server-everything": false, "2025-06-18": false, "mcp": false, "oauth-protected-resource": false,
		"aaaaaaaaaaaaaaaaaaaaaaa1": false, "very-long-but-only-words-here": false,
	} {
		if got := LooksSecret(seg); got != want {
			t.Errorf("LooksSecret(%q) = %v", seg, got)
		}
	}
}

func TestWriterCatchesSecretsSplitAcrossWrites(t *testing.T) {
	secret := "split-secret-0987654321"
	var out bytes.Buffer
	w := New(secret).Writer(&out)
	text := "token is " + secret + "\nnext " + secret[:5]
	for i := 0; i < len(text); i++ {
		if _, err := w.Write([]byte{text[i]}); err != nil {
			t.Fatal(err)
		}
	}
	fmt.Fprint(w, secret[5:]+" done")
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), secret) {
		t.Errorf("leak: %q", out.String())
	}
	if want := "token is <redacted>\nnext <redacted> done"; out.String() != want {
		t.Errorf("got %q, want %q", out.String(), want)
	}
}

// randomSecret draws a secret from a varied alphabet, punctuation included.
func randomSecret(rng *rand.Rand) string {
	const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~+/=!$%&()*,;:@[]{}|^'\"<>\\ "
	for {
		n := MinSecretLen + rng.Intn(61)
		b := make([]byte, n)
		for i := range b {
			b[i] = alphabet[rng.Intn(len(alphabet))]
		}
		s := string(b)
		// A secret inside the mask word, or of spaces, cannot be told from
		// the output's own text; real credentials are neither.
		if strings.TrimSpace(s) != s || len(strings.TrimSpace(s)) < MinSecretLen || strings.Contains(Mask, s) {
			continue
		}
		return s
	}
}

// TestPlantedSecretsNeverSurvive is the property: for random secrets planted
// where credentials turn up — URLs, headers, JSON bodies, errors, logs —
// no output of String, URL or Writer contains them.
func TestPlantedSecretsNeverSurvive(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	templates := []func(s string) string{
		func(s string) string { return "https://" + url.UserPassword("u", s).String() + "@h/mcp" },
		func(s string) string { return "https://h/mcp?key=" + url.QueryEscape(s) },
		func(s string) string { return "https://h/" + url.PathEscape(s) + "/mcp" },
		func(s string) string { return "Authorization: Bearer " + s },
		func(s string) string { return "X-Api-Key: " + s },
		func(s string) string { b, _ := json.Marshal(map[string]string{"echo": s}); return string(b) },
		func(s string) string { return fmt.Sprintf("Post %q: dial tcp: connection refused", "https://h/?t="+s) },
		func(s string) string { return "stderr: invalid key " + s + " (check config)" },
		func(s string) string { return s },
	}
	for i := 0; i < 2000; i++ {
		secret := randomSecret(rng)
		r := New(secret)
		for j, tmpl := range templates {
			in := tmpl(secret)
			outs := map[string]string{"String": r.String(in), "URL": r.URL(in)}
			var w bytes.Buffer
			rw := r.Writer(&w)
			for k := 0; k < len(in); k += 1 + rng.Intn(7) {
				end := min(len(in), k+1+rng.Intn(7))
				rw.Write([]byte(in[k:end]))
				k = end - 1
			}
			rw.Close()
			outs["Writer"] = w.String()
			for how, out := range outs {
				if strings.Contains(out, secret) {
					t.Fatalf("template %d, %s: secret %q survives in %q", j, how, secret, out)
				}
			}
			// Output passes the redactor more than once (a view, then the
			// writer): a second pass must change nothing.
			if again := r.String(outs["String"]); again != outs["String"] {
				t.Fatalf("template %d: not idempotent:\n%q\n%q", j, outs["String"], again)
			}
		}
	}
}

func FuzzRedactString(f *testing.F) {
	f.Add("before ", "sk-live-1234", " after")
	f.Add(`{"a":"`, `p"w\d`, `"}`)
	f.Add("https://h/?k=", "abc&def", "")
	f.Add("", "dact", "re")
	f.Add("<re", "dacted>", "")
	f.Fuzz(func(t *testing.T, pre, secret, post string) {
		if len(strings.TrimSpace(secret)) < MinSecretLen || strings.TrimSpace(secret) != secret || strings.Contains(Mask, secret) {
			t.Skip()
		}
		out := New(secret).String(pre + secret + post)
		if strings.Contains(out, secret) {
			t.Errorf("secret %q survives in %q", secret, out)
		}
	})
}

func ExampleRedactor_String() {
	r := New("sk-live-4f3c2b1a")
	fmt.Println(r.String("POST https://api.example.com/mcp?key=abc → 401; sent Authorization: Bearer sk-live-4f3c2b1a"))
	// Output: POST https://api.example.com/mcp?key=<redacted> → 401; sent Authorization: Bearer <redacted>
}
