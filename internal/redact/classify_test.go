package redact

import (
	"math/rand"
	"testing"
)

// TestCouldBeSecret is the rule both ways: what the redactor hunts through
// free text, and what it leaves alone because it is evidence.
func TestCouldBeSecret(t *testing.T) {
	cases := []struct {
		key, value string
		want       bool
	}{
		// Innocent values under innocent names: never hunted.
		{"TINY_VERSIONS", "2026-07-28", false},
		{"MODE", "stdio", false},
		{"TRANSPORT", "http", false},
		{"WORKDIR", "/tmp", false},
		{"SERVER_DIR", "/tmp/go-test-script3396219181/script-issue20", false},
		{"CACHE", "/var/folders/7g/x2f3kq9n6v1b8c4d0000gn/T", false}, // a path, key-like segment and all
		{"LOG_LEVEL", "info", false},
		{"LOG_LEVEL", "DEBUG", false},
		{"NODE_ENV", "production", false},
		{"ENABLED", "true", false},
		{"PORT", "8080", false},
		{"SERVER_NAME", "mcptest-fake-stdio", false},
		{"ERA", "modern", false},
		{"MODEL", "claude-3-5-sonnet-20241022", false},
		{"MODEL", "gpt-4o-mini-2024-07-18", false},
		{"BASE_URL", "https://api.example.com/v1", false},
		{"GREETING", "hello world", false},
		{"PROJECT", "my-project-123456", false},
		{"TOOLSETS", "repos,issues,pull_requests", false},
		{"NODE_OPTIONS", "--max-old-space-size=4096", false},
		{"DEFAULT_TOOL", "getUserProfileById2", false},
		// Innocent values under credential names: plainly no credential.
		{"AUTH_MODE", "http", false},
		{"AUTH_ENABLED", "true", false},
		{"API_VERSION", "2026-07-28", false},
		{"API_VERSION", "v1.2.3", false},
		{"SESSION_TIMEOUT", "30", false},
		{"SESSION_TIMEOUT", "30s", false},
		{"MAX_TOKENS", "4096", false},
		{"PRIVATE_KEY_PATH", "/home/me/.ssh/id_ed25519", false},
		{"TOKEN_FILE", "~/.config/app/token", false},
		{"API_HOST", "api.example.com", false},
		{"AUTH_SERVER", "127.0.0.1:9000", false},
		{"AUTH_URL", "https://auth.example.com/authorize", false},
		{"AUTH_TYPE", "oauth", false},
		{"API_KEY", "", false},
		// Credential names with anything else: hunted.
		{"API_KEY", "abcd", true},
		{"DB_PASSWORD", "hunter2", true},
		{"DB_PASSWORD", "correct horse battery staple", true},
		{"GITHUB_TOKEN", "my-token-value", true},
		{"X-Auth-Token", "letmein", true},
		{"apiKey", "mcptest-fake", true},
		{"SESSION_SECRET", "12345678901234567", true}, // a number too long to be one
		{"SECRET_PEM", "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg\n-----END PRIVATE KEY-----", true},
		{"STRIPE_KEY", "admin", true},
		// Credential shapes, whatever the name.
		{"OPENAI", "sk-proj-abcdefghijklmnopqrstuvwx", true},
		{"X", "ghp_0123456789abcdefghijABCDEFGHIJ012345", true},
		{"X", "github_pat_11ABCDEFG0123456789_abcdefghij", true},
		{"NOTES", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl", true},
		{"DATABASE_URL", "postgres://app:pa55word@db.internal:5432/app", true},
		{"CALLBACK", "https://h/mcp?key=abc123", true},
		{"WORKSPACE", "3f9a6c0e1b2d4a5f8e7c9b0a", true},
		{"WORKSPACE", "1868a90c-5a1b-4c2d-9e3f-0a1b2c3d4e5f", true},
		{"ID", "abc123def456ghi7", true},
		{"BLOB", "dGhpcyBpcyBhIHNlY3JldA==", true},
		{"AWS", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY", true},
		{"HEADER", "Bearer abc", true},
		{"CERT", "-----BEGIN CERTIFICATE-----", true},
		{"MULTI", "first line\nZx81Kq29Lm47Np03Rt65Qa", true},
	}
	for _, c := range cases {
		if got := CouldBeSecret(c.key, c.value); got != c.want {
			t.Errorf("CouldBeSecret(%q, %q) = %v, want %v", c.key, c.value, got, c.want)
		}
	}
}

func TestNamesCredential(t *testing.T) {
	for name, want := range map[string]bool{
		"API_KEY": true, "X-Api-Key": true, "apiKey": true, "GITHUB_PERSONAL_ACCESS_TOKEN": true, "DB_PASSWORD": true,
		"DB_PASS": true, "PASSWD": true, "AUTH_MODE": true, "OAUTH_CLIENT_SECRET": true, "Authorization": true,
		"Cookie": true, "SESSION_ID": true, "PRIVATE_DIR": true, "X-Goog-Signature": true, "BEARER": true,
		"Proxy-Authorization": true, "TINY_VERSIONS SECRET_FWD": true, "CREDENTIALS_FILE": true, "MCP_PIN": true,
		"LOG_LEVEL": false, "NODE_ENV": false, "MODE": false, "WORKDIR": false, "AUTHOR": false, "KEYBOARD_LAYOUT": false,
		"TOKENIZER": false, "X-Tenant": false, "Mcp-Session-Id": true, "PASSPORT": false, "SIGNAL": false, "": false,
	} {
		if got := NamesCredential(name); got != want {
			t.Errorf("NamesCredential(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestObviousNonSecret(t *testing.T) {
	for v, want := range map[string]bool{
		"2026-07-28": true, "2025-06-18T10:00:00Z": true, "1.2.3": true, "v2.0.0-beta.1": true, "06-18": true,
		"12:30": true, "8080": true, "0.5": true, "-1": true, "100%": true, "true": true, "False": true, "off": true,
		"stdio": true, "HTTP": true, "streamable_http": true, "info": true, "production": true, "legacy": true,
		"/tmp": true, "./bin/server": true, "~/.codex": true, `C:\tools\server.exe`: true, "/usr/bin:/bin": true,
		"127.0.0.1": true, "127.0.0.1:8080": true, "[::1]:80": true, "localhost:3000": true, "api.example.com": true,
		"https://api.example.com/v1": true, "http://127.0.0.1:9/mcp": true,
		"hunter2": false, "mcptest-fake": false, "1234567890123": false, "1234-5678-9012-3456": false,
		"https://h/mcp?key=k": false, "https://u:p@h/": false, "correct horse": false, "/tmp/x\"y": false,
		"Api.Example.Com": false, "admin": false,
	} {
		if got := ObviousNonSecret(v); got != want {
			t.Errorf("ObviousNonSecret(%q) = %v, want %v", v, got, want)
		}
	}
}

// TestLooksSecretBothWays: URL path segments and arguments that look
// like keys are masked; names, versions and words are not.
func TestLooksSecretBothWays(t *testing.T) {
	for seg, want := range map[string]bool{
		"abc123def456ghi7": true, "abcdef0123456789abcdef": true, "Zx81Kq29Lm47Np03Rt65": true,
		"1868a90c-5a1b-4c2d-9e3f-0a1b2c3d4e5f": true, "deadbeefcafe0123": true, "k3j5h6g7f8d9s0a1": true,
		"kLmNoPqRsTuVwXyZ0123": true, "0abcd1234efgh5678": true,
		"server": false, "v1": false, "mcp": false, "api": false, "2025-06-18": false, "server-everything": false,
		"server-everything-v2": false, "oauth-protected-resource": false, "claude-3-5-sonnet-20241022": false,
		"gpt-4o-mini-2024-07-18": false, "node18-alpine3.19": false, "x86_64-unknown-linux-gnu": false,
		"TestPlantedSecretsNeverLeak2938475": false, "ThisIsMyServerName2024": false, "aaaaaaaaaaaaaaaaaaaaaaa1": false,
		"a1a1a1a1a1a1a1a1": false, "abc123def456ghi": false, // 15 characters
		"very-long-but-only-words-here": false, "2025061812345678": false, "abc123def456/ghi7": false,
	} {
		if got := LooksSecret(seg); got != want {
			t.Errorf("LooksSecret(%q) = %v, want %v", seg, got, want)
		}
	}
}

// TestKeyLikeCatchesRandomKeys: a shape rule cannot know every key, but it
// knows nearly every random one of 24 characters and more, and every hex
// one.
func TestKeyLikeCatchesRandomKeys(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for _, tc := range []struct {
		alphabet string
		n        int
		maxMiss  float64
	}{
		{"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 24, 0.02},
		{"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 32, 0.005},
		{"abcdefghijklmnopqrstuvwxyz0123456789", 32, 0.005},
		{"0123456789abcdef", 16, 0},
		{"0123456789abcdef", 40, 0},
	} {
		miss, n := 0, 0
		for n < 4000 {
			b := make([]byte, tc.n)
			for i := range b {
				b[i] = tc.alphabet[rng.Intn(len(tc.alphabet))]
			}
			s := string(b)
			letters, digits := false, false
			for _, c := range b {
				letters = letters || isLetter(c)
				digits = digits || isDigit(c)
			}
			if !letters || !digits {
				continue
			}
			n++
			if !LooksSecret(s) {
				miss++
			}
		}
		if rate := float64(miss) / float64(n); rate > tc.maxMiss {
			t.Errorf("%d random keys of %d from %q: %.2f%% not key-like, want at most %.2f%%", n, tc.n, tc.alphabet, 100*rate, 100*tc.maxMiss)
		}
	}
}

// TestHarmlessSecretsStayOutOfFields: a value learned because of where it
// stood (a query value) that looks like no credential is masked in free
// text, never in a structured field, nor in a URL's scheme and host.
func TestHarmlessSecretsStayOutOfFields(t *testing.T) {
	r := New("2025-06-18", "stdio", "http", "/tmp", "127.0.0.1", "sk-live-0123456789")
	for in, want := range map[string]string{
		"2025-06-18":                          "2025-06-18",
		"mcptest-fake-stdio":                  "mcptest-fake-stdio",
		"/tmp/x/tiny":                         "/tmp/x/tiny",
		"Codex gives stdio servers no status": "Codex gives stdio servers no status",
		"tiny sk-live-0123456789":             "tiny <redacted>",
		"see http://127.0.0.1:9/mcp?k=v":      "see http://127.0.0.1:9/mcp?k=<redacted>",
	} {
		if got := r.Field(in); got != want {
			t.Errorf("Field(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{
		"POST http://127.0.0.1:8080/mcp initialize → 200": "POST http://127.0.0.1:8080/mcp initialize → 200",
		"server said: stdio is 2025-06-18":                "server said: <redacted> is <redacted>",
		"http://127.0.0.1:9/tmp/stdio?x=1 and http":       "http://127.0.0.1:9<redacted>/<redacted>?x=<redacted> and <redacted>",
		"a secret sk-live-0123456789 in http://h/x":       "a secret <redacted> in http://h/x",
	} {
		if got := r.Text(in); got != want {
			t.Errorf("Text(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{
		"http://127.0.0.1:9/mcp":        "http://127.0.0.1:9/mcp",
		"http://127.0.0.1:9/stdio/x":    "http://127.0.0.1:9/<redacted>/x",
		"https://sk-live-0123456789.io": "https://<redacted>.io", // a credential is masked even in a host
	} {
		if got := r.URL(in); got != want {
			t.Errorf("URL(%q) = %q, want %q", in, got, want)
		}
	}
	// A header sent is the user's setting or mcpdoctor's; one received is
	// the server's text.
	for _, c := range []struct{ name, value, sent, received string }{
		{"X-Transport", "stdio", "stdio", Mask},
		{"Mcp-Protocol-Version", "2025-06-18", "2025-06-18", "2025-06-18"},
		{"X-Echo", "key sk-live-0123456789", "key <redacted>", "key <redacted>"},
		{"Authorization", "Bearer stdio", "Bearer <redacted>", "Bearer <redacted>"},
	} {
		if got := r.SentHeader(c.name, c.value); got != c.sent {
			t.Errorf("SentHeader(%q, %q) = %q, want %q", c.name, c.value, got, c.sent)
		}
		if got := r.Header(c.name, c.value); got != c.received {
			t.Errorf("Header(%q, %q) = %q, want %q", c.name, c.value, got, c.received)
		}
	}
}
