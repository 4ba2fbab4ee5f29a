package tokens

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"time"

	"golang.org/x/oauth2"

	"github.com/mcpdoctor/mcpdoctor/internal/oauth"
)

// Current returns the server's stored login with a token valid now,
// refreshing and storing it when it has expired, or whatever its expiry
// when force is set; nil when no login is stored for this name and URL. learn, when set, is told every secret the
// entry holds, before and after a refresh, so that none can be printed.
//
// A refresh happens under the store's file lock, after reading the entry
// again: a run that waited for another's refresh finds the new token and
// uses it instead of spending the refresh token that was just replaced.
func (s *Store) Current(ctx context.Context, name, url string, client *http.Client, learn func(...string), force bool) (e *Entry, refreshed bool, err error) {
	e, err = s.Get(name, url)
	if err != nil || e == nil {
		return nil, false, err
	}
	if learn != nil {
		learn(e.Secrets()...)
	}
	if !force && e.OAuth2Token().Valid() {
		return e, false, nil
	}
	refused := e.AccessToken
	var stored error
	err = s.locked(ctx, func() error {
		f, err := s.read()
		if err != nil {
			return err
		}
		i := slices.IndexFunc(f.Entries, func(o Entry) bool { return o.ServerName == name && o.ServerURL == url })
		if i < 0 {
			e = nil // logged out meanwhile
			return nil
		}
		e = &f.Entries[i]
		if learn != nil {
			learn(e.Secrets()...)
		}
		// Another run refreshed while this one waited: its token is the
		// current one.
		if e.AccessToken != refused && e.OAuth2Token().Valid() {
			return nil
		}
		tok, did, err := oauth.Current(ctx, client, oauth.Login{
			TokenURL:     e.TokenEndpoint,
			ClientID:     e.ClientID,
			ClientSecret: e.ClientSecret,
			AuthMethod:   e.AuthMethod,
			Resource:     e.Resource,
			Token:        e.OAuth2Token(),
		}, force)
		if err != nil || !did {
			return err
		}
		refreshed = true
		e.SetToken(tok, time.Now())
		if learn != nil {
			learn(e.Secrets()...)
		}
		if err := s.write(f); err != nil {
			// The refreshed token works for this run; the next run
			// refreshes again, or, if the refresh token rotated, needs a
			// login.
			stored = fmt.Errorf("the refreshed OAuth token could not be stored, so the next run may need a login: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, false, err
	}
	if e == nil {
		return nil, false, nil
	}
	entry := *e
	return &entry, refreshed, stored
}

// OAuth2Token is the entry's token as x/oauth2 holds it.
func (e *Entry) OAuth2Token() *oauth2.Token {
	return &oauth2.Token{AccessToken: e.AccessToken, TokenType: e.TokenType, RefreshToken: e.RefreshToken, Expiry: e.Expiry}
}

// SetToken stores a newly issued token in the entry. A refresh that
// issues no refresh token keeps the old one (RFC 6749 §6).
func (e *Entry) SetToken(t *oauth2.Token, now time.Time) {
	e.AccessToken = t.AccessToken
	e.TokenType = t.Type()
	if t.RefreshToken != "" {
		e.RefreshToken = t.RefreshToken
	}
	e.Expiry = t.Expiry
	e.Updated = now
}
