package probe

import "fmt"

// decideAuth is the one place the auth status is decided, from what the
// server did (DESIGN.md, "The auth verdict"). Every observation it uses goes
// into the evidence.
func decideAuth(p *prober) Verdict {
	res := p.res
	v := Verdict{Credential: p.creds.Auth}
	for _, m := range p.creds.Missing {
		v.Evidence = append(v.Evidence, m)
	}
	if res.Failure != nil && res.Server == nil {
		v.Status = AuthFailed
		v.Evidence = append(v.Evidence, fmt.Sprintf("%s failed (%s): %s", res.Failure.Stage, res.Failure.Category, res.Failure.Message))
		v.Hint = res.Failure.Hint
		return v
	}
	if p.creds.Auth != nil && p.creds.Auth.Sent {
		v.Status = AuthBearer
		v.Evidence = append(v.Evidence, fmt.Sprintf("initialize succeeded with the %s header from %s", p.creds.Auth.Header, p.creds.Auth.Source))
		return v
	}
	v.Status = AuthNone
	v.Evidence = append(v.Evidence, "initialize succeeded with no credential sent")
	return v
}
