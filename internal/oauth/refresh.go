package oauth

import (
	"bytes"
	"cmp"
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/oauth2"
)

// Login is what a refresh needs of a stored login.
type Login struct {
	TokenURL     string
	ClientID     string
	ClientSecret string
	// AuthMethod is how the client authenticates (none,
	// client_secret_basic, client_secret_post); empty chooses by secret.
	AuthMethod string
	Resource   string
	Token      *oauth2.Token
}

// Current returns a token for the login that is valid now: its own while
// it has more than x/oauth2's ten seconds left, else a refreshed one; with
// force, a refreshed one whatever the clock says (the server refused the
// token). It says whether it refreshed; the caller stores the new token,
// whose refresh token may have rotated.
func Current(ctx context.Context, base *http.Client, l Login, force bool) (*oauth2.Token, bool, error) {
	if l.Token.Valid() && !force {
		return l.Token, false, nil
	}
	if force {
		t := *l.Token
		t.Expiry = time.Unix(1, 0) // x/oauth2 refreshes only what has expired.
		l.Token = &t
	}
	if l.Token.RefreshToken == "" {
		return nil, false, &Error{Step: StepRefresh, Message: "the stored token has expired and the authorization server issued no refresh token",
			Hint: "log in again"}
	}
	if err := checkEndpoint(l.TokenURL); err != nil {
		return nil, false, &Error{Step: StepRefresh, Message: "token_endpoint " + l.TokenURL + ": " + err.Error(), Hint: "log in again"}
	}
	client := noRedirectClient(base)
	client.Transport = resourceParam{next: client.Transport, tokenURL: l.TokenURL, resource: l.Resource}
	ctx = context.WithValue(ctx, oauth2.HTTPClient, client)
	conf := &oauth2.Config{
		ClientID:     l.ClientID,
		ClientSecret: l.ClientSecret,
		Endpoint:     oauth2.Endpoint{TokenURL: l.TokenURL, AuthStyle: AuthStyle(cmp.Or(l.AuthMethod, ChooseAuthMethod(l.ClientSecret, "", nil)))},
	}
	tok, err := conf.TokenSource(ctx, l.Token).Token()
	if err != nil {
		return nil, false, tokenError(StepRefresh, err, "the refresh was sent")
	}
	return tok, true, nil
}

// resourceParam adds the RFC 8707 resource to refresh requests, which
// x/oauth2 builds without a way to add parameters; the MCP spec asks for it
// on every token request.
type resourceParam struct {
	next     http.RoundTripper
	tokenURL string
	resource string
}

func (r resourceParam) RoundTrip(req *http.Request) (*http.Response, error) {
	if r.resource == "" || req.Method != http.MethodPost || req.URL.String() != r.tokenURL || req.Body == nil ||
		!strings.HasPrefix(req.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		return r.next.RoundTrip(req)
	}
	data, err := io.ReadAll(req.Body)
	req.Body.Close()
	if err != nil {
		return nil, err
	}
	form, err := url.ParseQuery(string(data))
	if err == nil && form.Get("resource") == "" {
		form.Set("resource", r.resource)
		data = []byte(form.Encode())
	}
	out := req.Clone(req.Context())
	out.Body = io.NopCloser(bytes.NewReader(data))
	out.ContentLength = int64(len(data))
	out.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }
	return r.next.RoundTrip(out)
}
