package oauth

import "testing"

func FuzzWWWAuthenticate(f *testing.F) {
	for _, s := range []string{
		`Bearer error="invalid_token", error_description="Missing Authorization header", resource_metadata="http://localhost:3000/.well-known/oauth-protected-resource/mcp"`,
		`Basic realm="x", Bearer scope="a b"`, `Bearer`, `Bearer ,,,`, `Newauth realm="apps", type=1, title="Login to \"apps\"", Basic realm="simple"`,
		`Bearer realm="unterminated`, `=`, `,`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, header string) {
		for _, c := range ParseWWWAuthenticate([]string{header, header}) {
			for _, p := range c.Params {
				if v, ok := c.Param(p.Name); !ok || (v != p.Value && !paramBefore(c, p)) {
					t.Fatalf("Param(%q) = %q, %v; the parameter says %q", p.Name, v, ok, p.Value)
				}
			}
		}
		BearerChallenge([]string{header})
	})
}

// paramBefore says an earlier parameter has p's name: Param returns the
// first.
func paramBefore(c Challenge, p AuthParam) bool {
	for _, q := range c.Params {
		if q == p {
			return false
		}
		if q.Name == p.Name {
			return true
		}
	}
	return false
}
