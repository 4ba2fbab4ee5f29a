package redact

import (
	"encoding/base64"
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
		// Every query value goes, whatever its name: hosted registries put
		// keys in ?config=, ?pat=, ?session=.
		{"https://h/cb?code=abc&state=xyz&page=2", "https://h/cb?code=<redacted>&state=<redacted>&page=<redacted>"},
		{"https://h/x?config=eyJhcGlLZXkiOiJzay0xIn0%3D&transport=sse", "https://h/x?config=<redacted>&transport=<redacted>"},
		{"https://h/x?sk-abcdef12345", "https://h/x?<redacted>"},
		{"https://h/x?empty=&ok", "https://h/x?empty=&<redacted>"},
		{"https://h/cb#access_token=abc&token_type=bearer", "https://h/cb#access_token=<redacted>&token_type=<redacted>"},
		{"https://h/cb#section-2", "https://h/cb#<redacted>"},
		{"https://h/p/tok-abcdef-123456/x", "https://h/p/<redacted>/x"},
		{"/message?sessionId=5f2c&key=k", "/message?sessionId=<redacted>&key=<redacted>"},
		{"https://h/.well-known/oauth-protected-resource/mcp", "https://h/.well-known/oauth-protected-resource/mcp"},
		{"not a url at all", "not a url at all"},
	}
	for _, c := range cases {
		if got := r.URL(c.in); got != c.want {
			t.Errorf("URL(%q)\n got %q\nwant %q", c.in, got, c.want)
		}
	}
}

// TestTextMasksURLsInPlace: the secret parts of URLs in free text are
// masked, and every character around them — quotes, backslashes,
// punctuation — stays.
func TestTextMasksURLsInPlace(t *testing.T) {
	var r *Redactor
	cases := []struct{ in, want string }{
		{`Post "http://127.0.0.1:9/mcp?token=abc123456": dial tcp 127.0.0.1:9: connect: connection refused`,
			`Post "http://127.0.0.1:9/mcp?token=<redacted>": dial tcp 127.0.0.1:9: connect: connection refused`},
		{`see \"https://example.com/a\"`, `see \"https://example.com/a\"`},
		{`Bearer resource_metadata="https://h/.well-known/oauth-protected-resource?x=1", error="invalid_token"`,
			`Bearer resource_metadata="https://h/.well-known/oauth-protected-resource?x=<redacted>", error="invalid_token"`},
		{"see https://h/a?token=abc.", "see https://h/a?token=<redacted>."},
		{"(at https://u:p@h/a?x=1&y=2#frag)", "(at https://<redacted>@h/a?x=<redacted>&y=<redacted>#<redacted>)"},
		{"GET http://h/mcp?key=<redacted>&b=2 done", "GET http://h/mcp?key=<redacted>&b=<redacted> done"},
		{"https://h/server/abcdef0123456789abcdef/mcp", "https://h/server/<redacted>/mcp"},
		{"POST http://127.0.0.1:8080/mcp initialize → 200 application/json (84 ms)",
			"POST http://127.0.0.1:8080/mcp initialize → 200 application/json (84 ms)"},
	}
	for _, c := range cases {
		if got := r.Text(c.in); got != c.want {
			t.Errorf("Text(%q)\n got %q\nwant %q", c.in, got, c.want)
		}
	}
}

// TestTextKeepsEvidence: what is no secret stays readable, whatever it
// looks like.
func TestTextKeepsEvidence(t *testing.T) {
	r := New("sk-live-0123456789")
	for _, in := range []string{
		`WWW-Authenticate: Bearer error="invalid_token", error_description="expired", scope="files:read"`,
		"bearer_token",
		"Author: Jane",
		"Keyboard: US",
		`Configure with "DOCS_API_KEY=your-key"`,
		`{"enabled": true, "type": "streamable_http"}`,
		"Mcp-Session-Id: 1868a90c-5a1b",
		"configure a Bearer token in bearer_token_env_var",
		"its Bearer challenge: error=invalid_token",
	} {
		if got := r.Text(in); got != in {
			t.Errorf("Text(%q) = %q, want it unchanged", in, got)
		}
	}
}

func TestTextSelfDescribingTokens(t *testing.T) {
	var r *Redactor
	cases := map[string]string{
		"jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl here": "jwt <redacted> here",
		"token ghp_0123456789abcdefghijABCDEFGHIJ012345 end":         "token <redacted> end",
		"key=sk-proj-abcdefghijklmnopqrstuvwx":                       "key=<redacted>",
		"AKIAIOSFODNN7EXAMPLE is an id":                              "<redacted> is an id",
	}
	for in, want := range cases {
		if got := r.Text(in); got != want {
			t.Errorf("Text(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestKnownSecretsInEveryForm(t *testing.T) {
	secret := `p&s"w<rd> /x+y`
	r := New(secret, "ab", " ") // too short: ignored
	js, _ := json.Marshal(secret)
	b64 := base64.StdEncoding.EncodeToString([]byte(secret))
	for _, in := range []string{
		"plain " + secret,
		"json " + string(js),
		"query " + url.QueryEscape(secret),
		"path " + url.PathEscape(secret),
		"base64 " + b64,
		"base64url " + base64.RawURLEncoding.EncodeToString([]byte(secret)),
	} {
		if got := r.Text(in); strings.Contains(got, "w<rd") || strings.Contains(got, `w\u003crd`) || strings.Contains(got, "w%3Crd") || strings.Contains(got, b64[:8]) {
			t.Errorf("Text(%q) = %q leaks", in, got)
		}
	}
	if got := r.Text("ab c"); got != "ab c" {
		t.Errorf("short values must not be masked: %q", got)
	}
}

func TestLongestSecretWins(t *testing.T) {
	r := New("abcd1234", "abcd1234efgh5678")
	if got := r.Text("x abcd1234efgh5678 y"); got != "x <redacted> y" {
		t.Errorf("got %q", got)
	}
}

// TestMultiLineSecret: a PEM key in env shows up line by line in a log.
func TestMultiLineSecret(t *testing.T) {
	pem := "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEF\nAASCBKcwggSjAgEAAoIBAQC7\n-----END PRIVATE KEY-----\n"
	r := New(pem)
	got := r.Text("error: bad key line AASCBKcwggSjAgEAAoIBAQC7 at 2")
	if strings.Contains(got, "AASCBKcwggSjAgEAAoIBAQC7") {
		t.Errorf("a line of a multi-line secret survives: %q", got)
	}
}

// TestMaskIsNeverEaten: a mask already in the text stays whole: a secret
// that would match across its end must not eat into it, and a value that
// is part of the mask word is no secret (real credentials are not).
func TestMaskIsNeverEaten(t *testing.T) {
	r := New("dact", "ted> c1", "sk-real-1234")
	once := r.Text("a dact b <redacted> c1 sk-real-1234")
	if once != "a dact b <redacted> c1 <redacted>" {
		t.Errorf("got %q", once)
	}
	if twice := r.Text(once); twice != once {
		t.Errorf("not idempotent: %q → %q", once, twice)
	}
}

func TestHeader(t *testing.T) {
	for name, want := range map[string]bool{
		"Authorization": true, "proxy-authorization": true, "Cookie": true, "Set-Cookie": true,
		"X-Api-Key": true, "X-Auth-Token": true, "X-Client-Secret": true, "X-Goog-Signature": true,
		"WWW-Authenticate": false, "Mcp-Session-Id": false, "Content-Type": false, "MCP-Protocol-Version": false, "Location": false,
		"Author": false, "Keyboard": false, "X-Session-Token": true, "Apikey": true,
	} {
		if got := IsSensitiveHeader(name); got != want {
			t.Errorf("IsSensitiveHeader(%q) = %v", name, got)
		}
	}
	r := New()
	cases := []struct{ name, value, want string }{
		{"Authorization", "Bearer abc", "Bearer <redacted>"},
		{"Authorization", "Basic dXNlcjpwYXNz", "Basic <redacted>"},
		{"Authorization", "abcdef", Mask},
		{"X-Api-Key", "Bearer abc", Mask},
		{"Location", "https://h/cb?code=1", "https://h/cb?code=<redacted>"},
		{"WWW-Authenticate", `Bearer error="invalid_token", resource_metadata="https://h/prm?k=v"`, `Bearer error="invalid_token", resource_metadata="https://h/prm?k=<redacted>"`},
		{"Content-Type", "application/json", "application/json"},
	}
	for _, c := range cases {
		if got := r.Header(c.name, c.value); got != c.want {
			t.Errorf("Header(%q, %q) = %q, want %q", c.name, c.value, got, c.want)
		}
	}
}

func TestHeaderSecrets(t *testing.T) {
	basic := base64.StdEncoding.EncodeToString([]byte("alice:pa55word"))
	cases := []struct {
		name, value string
		want        []string
	}{
		{"Authorization", "Bearer tok-123", []string{"Bearer tok-123", "tok-123"}},
		{"Authorization", "Basic " + basic, []string{"Basic " + basic, basic, "alice:pa55word", "pa55word"}},
		{"X-Api-Key", "k-1234", []string{"k-1234"}},
		{"Accept", "application/json", nil},
	}
	for _, c := range cases {
		got := HeaderSecrets(c.name, c.value)
		if fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("HeaderSecrets(%q, %q) = %q, want %q", c.name, c.value, got, c.want)
		}
	}
}

func TestURLSecrets(t *testing.T) {
	got := URLSecrets("https://alice:pa55word@h/server/abcdef0123456789abcdef/mcp?pat=ghp_x1&session=s-9&v#frag")
	for _, want := range []string{"pa55word", "alice:pa55word", base64.StdEncoding.EncodeToString([]byte("alice:pa55word")),
		"ghp_x1", "s-9", "v", "frag", "abcdef0123456789abcdef"} {
		if !contains(got, want) {
			t.Errorf("URLSecrets lacks %q: %q", want, got)
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestBody(t *testing.T) {
	r := New("true", "sk-echoed-12345")
	cases := []struct{ in, want string }{
		// Members by name; order, numbers and literals kept.
		{`{"access_token":"abc","token_type":"Bearer","expires_in":3600,"refresh_token":"def"}`,
			`{"access_token":"<redacted>","token_type":"Bearer","expires_in":3600,"refresh_token":"<redacted>"}`},
		{`{"token_endpoint":"https://as/token","token_endpoint_auth_methods_supported":["none"],"max_tokens":5}`,
			`{"token_endpoint":"https://as/token","token_endpoint_auth_methods_supported":["none"],"max_tokens":5}`},
		{`{"client_secret": "s3cr3t", "api_key": "k", "password": "p", "nested": {"credentials": {"user": "u"}}}`,
			`{"client_secret":"<redacted>","api_key":"<redacted>","password":"<redacted>","nested":{"credentials":{"user":"<redacted>"}}}`},
		// A secret that is a JSON word is masked in strings, never in the
		// literal.
		{`{"enabled":true,"mode":"true"}`, `{"enabled":true,"mode":"<redacted>"}`},
		// Known secrets and URLs inside strings.
		{`{"description":"Configure with \"DOCS_API_KEY=your-key\"; echo sk-echoed-12345","url":"https://h/m?k=v"}`,
			`{"description":"Configure with \"DOCS_API_KEY=your-key\"; echo <redacted>","url":"https://h/m?k=<redacted>"}`},
		// Nothing to redact: the server's own bytes.
		{"{ \"jsonrpc\": \"2.0\",\n  \"id\": 1 }", "{ \"jsonrpc\": \"2.0\",\n  \"id\": 1 }"},
		// An event stream: each data line as JSON.
		{"event: message\ndata: {\"access_token\":\"x\"}\n\n", "event: message\ndata: {\"access_token\":\"<redacted>\"}\n\n"},
		// Not JSON (cut off, or HTML): text.
		{`{"access_token":"abc","echo":"sk-echoed-12345"…`, `{"access_token":"abc","echo":"<redacted>"…`},
		{`<html>see https://h/?k=v</html>`, `<html>see https://h/?k=<redacted></html>`},
	}
	for _, c := range cases {
		got := r.Body(c.in)
		if got != c.want {
			t.Errorf("Body(%q)\n got %q\nwant %q", c.in, got, c.want)
		}
		if json.Valid([]byte(c.in)) && !json.Valid([]byte(got)) {
			t.Errorf("Body(%q) broke the JSON: %q", c.in, got)
		}
	}
}

func TestArgs(t *testing.T) {
	r := New()
	args := []string{"-y", "@acme/docs-mcp", "--api-key", "sk-1", "--token=abc", "API_KEY=xyz", "Zx81Kq29Lm47Np03Rt65Qa", "--port", "8080", "--author", "jane"}
	got := r.Args(args)
	want := []string{"-y", "@acme/docs-mcp", "--api-key", Mask, "--token=" + Mask, "API_KEY=" + Mask, Mask, "--port", "8080", "--author", "jane"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("Args = %q\nwant   %q", got, want)
	}
	secrets := ArgSecrets(args)
	for _, s := range []string{"sk-1", "abc", "xyz", "Zx81Kq29Lm47Np03Rt65Qa"} {
		if !contains(secrets, s) {
			t.Errorf("ArgSecrets lacks %q: %q", s, secrets)
		}
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

// randomSecret draws a secret from a varied alphabet: punctuation, quotes,
// backslashes, percent signs, unicode, and now and then a newline or ESC.
func randomSecret(rng *rand.Rand) string {
	alphabet := []rune("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~+/=!$%&()*,;:@[]{}|^'\"<>\\ äé€😀\n\x1b")
	for {
		n := MinSecretLen + 4 + rng.Intn(57)
		b := make([]rune, n)
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

// TestPlantedSecretsNeverSurvive is the property: for random secrets
// planted where credentials turn up, learned the way the commands learn
// them, no redacted value contains them in any form, a JSON document stays
// valid, and a second pass changes nothing.
func TestPlantedSecretsNeverSurvive(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for i := 0; i < 1500; i++ {
		secret := randomSecret(rng)
		userinfo := "https://" + url.UserPassword("u", secret).String() + "@h/mcp"
		query := "https://h/mcp?key=" + url.QueryEscape(secret)
		r := New()
		r.Add(HeaderSecrets("Authorization", "Bearer "+secret)...)
		r.Add(URLSecrets(userinfo)...)
		r.Add(URLSecrets(query)...)
		body, _ := json.Marshal(map[string]string{"echo": secret, "access_token": "x" + secret})
		outs := map[string]string{
			"URL userinfo":  r.URL(userinfo),
			"URL query":     r.URL(query),
			"URL path":      r.URL("https://h/" + url.PathEscape(secret) + "/mcp"),
			"Header":        r.Header("Authorization", "Bearer "+secret),
			"Header other":  r.Header("X-Echo", "got "+secret),
			"Body":          r.Body(string(body)),
			"Text error":    r.Text(fmt.Sprintf("Post %q: dial tcp: connection refused", query)),
			"Text stderr":   r.Text("stderr: invalid key " + secret + " (check config)"),
			"Text base64":   r.Text("Basic " + base64.StdEncoding.EncodeToString([]byte("u:"+secret))),
			"Text JSON":     r.Text(string(body)),
			"Args":          strings.Join(r.Args([]string{"--token", secret, "x"}), " "),
			"Text verbatim": r.Text(secret),
		}
		for how, out := range outs {
			for _, form := range []string{secret, url.QueryEscape(secret), base64.StdEncoding.EncodeToString([]byte(secret))} {
				if strings.Contains(out, form) {
					t.Fatalf("%s: secret %q survives in %q", how, secret, out)
				}
			}
			if again := r.Text(out); how != "Body" && how != "Text JSON" && again != out {
				t.Fatalf("%s: not idempotent:\n%q\n%q", how, out, again)
			}
		}
		if !json.Valid([]byte(outs["Body"])) {
			t.Fatalf("Body broke the JSON: %q", outs["Body"])
		}
	}
}

func FuzzText(f *testing.F) {
	f.Add("before ", "sk-live-1234", " after")
	f.Add(`{"a":"`, `p"w\d`, `"}`)
	f.Add("https://h/?k=", "abc&def", "")
	f.Add("", "dact", "re")
	f.Add("<re", "dacted>", "")
	f.Add("Post \"http://h/mcp?token=", "abc123", "\": refused")
	f.Fuzz(func(t *testing.T, pre, secret, post string) {
		if len(strings.TrimSpace(secret)) < MinSecretLen || strings.TrimSpace(secret) != secret || strings.Contains(Mask, secret) {
			t.Skip()
		}
		out := New(secret).Text(pre + secret + post)
		if strings.Contains(out, secret) {
			t.Errorf("secret %q survives in %q", secret, out)
		}
	})
}

// FuzzBody: whatever JSON a server sends, its redacted body is still JSON,
// and a planted secret is gone from its strings.
func FuzzBody(f *testing.F) {
	f.Add(`{"a":"x","b":[1,2.5e3,true,null,{"c":"d"}]}`, "sk-live-1234")
	f.Add(`{"access_token":"t","x":"\u001b[31m"}`, "\u001b[31m")
	f.Add(`["true","null"]`, "true")
	f.Fuzz(func(t *testing.T, doc, secret string) {
		if !json.Valid([]byte(doc)) || len(strings.TrimSpace(secret)) < MinSecretLen || strings.TrimSpace(secret) != secret || strings.Contains(Mask, secret) {
			t.Skip()
		}
		out, ok := New(secret).JSON(doc)
		trimmed := strings.TrimSpace(doc)
		if trimmed[0] != '{' && trimmed[0] != '[' {
			if ok {
				t.Errorf("a JSON %s is not a document to walk", trimmed)
			}
			return
		}
		if !ok {
			t.Fatalf("JSON(%q) refused a valid document", doc)
		}
		if !json.Valid([]byte(out)) {
			t.Fatalf("JSON(%q) = %q, not JSON", doc, out)
		}
		var strs []string
		var walk func(v any)
		walk = func(v any) {
			switch x := v.(type) {
			case string:
				strs = append(strs, x)
			case []any:
				for _, e := range x {
					walk(e)
				}
			case map[string]any:
				for k, e := range x {
					strs = append(strs, k)
					walk(e)
				}
			}
		}
		var v any
		_ = json.Unmarshal([]byte(out), &v)
		walk(v)
		for _, s := range strs {
			if strings.Contains(s, secret) {
				t.Errorf("secret %q survives in %q", secret, out)
			}
		}
	})
}

func ExampleRedactor_Text() {
	r := New("sk-live-4f3c2b1a")
	fmt.Println(r.Text(`POST https://api.example.com/mcp?key=abc → 401; sent "sk-live-4f3c2b1a"`))
	// Output: POST https://api.example.com/mcp?key=<redacted> → 401; sent "<redacted>"
}

func ExampleRedactor_Body() {
	r := New()
	fmt.Println(r.Body(`{"access_token":"eyJ…","token_type":"Bearer","expires_in":3600}`))
	// Output: {"access_token":"<redacted>","token_type":"Bearer","expires_in":3600}
}

// TestCutOffSecret: an excerpt that ends inside a secret shows its start;
// that start is masked too.
func TestCutOffSecret(t *testing.T) {
	r := New("sk-live-0123456789abcdef")
	for in, want := range map[string]string{
		`{"echo":"sk-live-01234…`:                 `{"echo":"<redacted>…`,
		`the server wrote "log sk-live-0123…"; x`: `the server wrote "log <redacted>…"; x`,
		`short sk-…`:                              `short sk-…`, // three bytes tell nothing
		`unrelated…`:                              `unrelated…`,
	} {
		if got := r.Text(in); got != want {
			t.Errorf("Text(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestQuotedAndFoldedForms: the forms mcpdoctor's own messages give a
// secret — Go-quoted (%q) and with white space folded — are masked.
func TestQuotedAndFoldedForms(t *testing.T) {
	secret := "a\"b\x1bc  d\ne-123"
	r := New(secret)
	for _, in := range []string{fmt.Sprintf("line %q seen", secret), "excerpt: " + strings.Join(strings.Fields(secret), " ")} {
		if got := r.Text(in); strings.Contains(got, "c  d") || strings.Contains(got, `b\x1bc`) || strings.Contains(got, "c d e-123") {
			t.Errorf("Text(%q) = %q leaks", in, got)
		}
	}
}

// A tool's inputSchema keeps its parameters, credential-named ones
// included, while a learned secret or a token in its strings is masked.
func TestSchema(t *testing.T) {
	r := New("learned-secret-4a9c")
	schema := `{"type":"object","properties":{"api_key":{"type":"string","description":"Your key"},"password":{"type":"string","default":"learned-secret-4a9c"},"token":{"type":"string","examples":["ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789"]}},"required":["api_key"]}`
	out, ok := r.Schema(schema)
	if !ok {
		t.Fatal("not read as JSON")
	}
	var got struct {
		Properties map[string]struct {
			Type        string   `json:"type"`
			Description string   `json:"description"`
			Default     string   `json:"default"`
			Examples    []string `json:"examples"`
		} `json:"properties"`
		Required []string `json:"required"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	p := got.Properties
	if p["api_key"].Type != "string" || p["api_key"].Description != "Your key" || p["password"].Type != "string" || p["token"].Type != "string" || len(got.Required) != 1 {
		t.Errorf("the schema lost its declarations: %s", out)
	}
	if p["password"].Default != Mask || len(p["token"].Examples) != 1 || strings.Contains(out, "ghp_") {
		t.Errorf("a secret survived: %s", out)
	}
	// JSON, for bodies, masks by name.
	if body, _ := r.JSON(schema); !strings.Contains(body, `"api_key":{"type":"`+Mask) {
		t.Errorf("JSON no longer masks by member name: %s", body)
	}
}
