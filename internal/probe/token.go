package probe

import (
	"context"
	"fmt"
	"net/http"

	"github.com/mcpdoctor/mcpdoctor/internal/evidence"
)

// storedTokenRefused says the probe sent a stored OAuth token that was
// not just refreshed, and the server answered 401.
func (p *prober) storedTokenRefused() bool {
	if p.token == nil || p.token.Refreshed || AuthServerMoved(p.token, p.oauth) {
		return false
	}
	r := p.refusal()
	return r != nil && r.Status == http.StatusUnauthorized
}

// useStoredToken sends the token of a stored OAuth login, when the server
// configures no credential of its own and a login is stored for it.
func (p *prober) useStoredToken(ctx context.Context) {
	if p.opts.OAuthToken == nil || p.creds.Auth != nil {
		return
	}
	tok, err := p.opts.OAuthToken(ctx, p.server, p.refreshToken)
	if err != nil && tok != nil {
		// Usable, but something went wrong around it (a refreshed token
		// that could not be stored).
		p.finding("oauth_token_store", evidence.SeverityWarning, err.Error(), "check that the token file can be written")
	} else if err != nil {
		p.tokenErr = err
		msg := "a stored OAuth login could not be used: " + err.Error()
		p.tokenEvidence = append(p.tokenEvidence, msg+"; the probe ran without it")
		p.finding("oauth_token_unusable", evidence.SeverityWarning, msg,
			fmt.Sprintf("log in again: `mcpdoctor login %s`", p.server.Name))
		return
	}
	if tok == nil || tok.AccessToken == "" {
		return
	}
	p.token = tok
	p.res.Secrets = append(p.res.Secrets, tok.AccessToken)
	p.creds.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	p.creds.Auth = &Credential{Header: "Authorization", Source: "oauth token store", Sent: true}
	line := "sent the OAuth token stored by `mcpdoctor login`"
	if tok.Issuer != "" {
		line += ", issued by " + tok.Issuer
	}
	switch {
	case tok.Refreshed && p.refreshToken:
		line += "; it was refreshed for this probe after the server refused it"
	case tok.Refreshed:
		line += "; it had expired and was refreshed for this probe"
	}
	p.tokenEvidence = append(p.tokenEvidence, line)
}
