package oauth

import (
	"cmp"
	"context"
	"crypto"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"time"
)

// A login as a client does it, from what discovery found (Metadata): the
// checks the RFCs ask for before any request, the authorization server's
// endpoints (or the 2025-03-26 defaults), the scopes and the resource,
// then the authorization code flow with a browser, or the client
// credentials grant without one.

// LoginOptions say what to log in to, and how.
type LoginOptions struct {
	// ServerName names the server in messages and hints; ServerURL is
	// its MCP URL, the resource when nothing else names one.
	ServerName, ServerURL string
	// ChallengeScope is the scope of the server's Bearer challenge.
	ChallengeScope string
	// Refused says the server refused a request without a credential
	// (401): it needs a login.
	Refused bool
	// Status and Hint are the probe's auth verdict, for the message when
	// there is nothing to log in to.
	Status, Hint string

	// What the config says: a pre-registered client, its scopes, the
	// resource, a fixed callback port.
	ClientID     string
	ConfigScopes []string
	Resource     string
	CallbackPort int

	// Scopes are asked for as they are (--scopes), before anything else.
	Scopes []string
	// HeldScopes are those of the login already stored with HeldIssuer:
	// a server that asks for more wants them added, not swapped.
	HeldScopes []string
	HeldIssuer string

	// ClientSecret is a confidential client's (from the environment);
	// ClientMetadataURL a client ID metadata document to use as client_id.
	ClientSecret      string
	ClientMetadataURL string
	// ClientCredentials uses that grant (headless), authenticated by the
	// secret or by PrivateKey's signature.
	ClientCredentials bool
	PrivateKey        crypto.Signer

	// Port pins the loopback redirect's (0: CallbackPort, else a free
	// one); Timeout bounds the wait for the browser.
	Port    int
	Timeout time.Duration
	// HTTPClient carries registration and token requests; nil means a
	// fresh connection each. The caller's context may carry the policy
	// that bounds where they lead (internal/netguard).
	HTTPClient *http.Client
	// Open is handed the authorization URL; Progress hears each step.
	Open     func(authURL string) error
	Progress func(string)
}

// LoggedIn is a successful login and what it chose.
type LoggedIn struct {
	*Result
	// Issuer is the authorization server; TokenEndpoint where refreshes
	// go.
	Issuer, TokenEndpoint string
	Resource              string
	Scopes                []string
	// ScopesFrom says where the scopes came from, for people.
	ScopesFrom string
	// DefaultEndpoints says the server advertised no metadata and the
	// 2025-03-26 defaults were used.
	DefaultEndpoints bool
}

// StepDiscovery names the failures before any request of the login: no
// authorization server, or metadata a client must not use. Their message
// says it all.
const StepDiscovery = "discovery"

// LogIn logs in to the server whose discovery found md: nil, or without
// authorization server metadata, the server's own 401 (opts.Refused) is
// what allows the 2025-03-26 default endpoints.
func LogIn(ctx context.Context, md *Metadata, opts LoginOptions) (*LoggedIn, error) {
	l := login{LoginOptions: opts, md: md}
	return l.run(ctx)
}

// login is one LogIn.
type login struct {
	LoginOptions
	md *Metadata
}

func (l login) run(ctx context.Context) (*LoggedIn, error) {
	endpoints, resourceAdvertised, defaults, err := l.endpoints()
	if err != nil {
		return nil, err
	}
	if defaults {
		l.say(fmt.Sprintf("Note: %s advertises no OAuth metadata; trying the default endpoints of the 2025-03-26 revision at %s.", l.ServerName, endpoints.Issuer))
	} else if !l.Refused {
		l.say(fmt.Sprintf("Note: %s answered without any credential; logging in anyway, since its origin advertises OAuth.", l.ServerName))
	}
	out := &LoggedIn{Issuer: endpoints.Issuer, TokenEndpoint: endpoints.TokenURL, DefaultEndpoints: defaults}
	challengeScope := l.ChallengeScope
	if defaults {
		challengeScope = "" // what a server that advertises nothing asks is no guide
	}
	out.Scopes, out.ScopesFrom = ChooseScopes(l.Scopes, l.ConfigScopes, challengeScope, l.scopesSupported())
	if l.HeldIssuer == out.Issuer && len(l.HeldScopes) > 0 && len(out.Scopes) > 0 {
		out.Scopes = union(l.HeldScopes, out.Scopes)
		out.ScopesFrom += " and the stored login's"
	}
	out.Resource = ChooseResource(l.Resource, resourceAdvertised, l.ServerURL)
	if l.ClientCredentials {
		out.Result, err = ClientCredentials{Endpoints: endpoints, ClientID: l.ClientID, ClientSecret: l.ClientSecret, PrivateKey: l.PrivateKey,
			Resource: out.Resource, Scopes: out.Scopes, HTTPClient: l.HTTPClient, Progress: l.Progress}.Run(ctx)
	} else {
		out.Result, err = Flow{
			ServerName: l.ServerName, Endpoints: endpoints, ClientID: l.ClientID, ClientSecret: l.ClientSecret,
			ClientMetadataURL: l.ClientMetadataURL, ClientName: "mcpdoctor", Resource: out.Resource, Scopes: out.Scopes,
			Port: cmp.Or(l.Port, l.CallbackPort), Timeout: l.Timeout, HTTPClient: l.HTTPClient, Open: l.Open, Progress: l.Progress,
		}.Run(ctx)
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

// endpoints are the authorization server's, from its metadata, refused
// where a client must refuse them; or the 2025-03-26 defaults for a server
// that refused the probe and advertises nothing.
func (l login) endpoints() (e Endpoints, resource string, defaults bool, err error) {
	md := l.md
	if md != nil && md.PRM != nil {
		resource = md.PRM.Resource
	}
	if !md.Found() {
		origin, ok := l.defaultOrigin()
		if !ok {
			msg := fmt.Sprintf("found no OAuth authorization server for %s (auth status %s), so there is nothing to log in to", l.ServerName, l.Status)
			if l.Hint != "" {
				msg += "; " + l.Hint
			}
			return e, "", false, &Error{Step: StepDiscovery, Message: msg}
		}
		// MCP 2025-03-26, basic/authorization, "Fallbacks for Servers
		// without Metadata Discovery".
		return Endpoints{Issuer: origin, AuthorizationURL: origin + "/authorize", TokenURL: origin + "/token",
			RegistrationURL: origin + "/register", CodeChallengeMethods: []string{"S256"}}, resource, true, nil
	}
	// RFC 9728 §3.3 and RFC 8414 §3.3: metadata for another resource or
	// issuer must not be used.
	switch {
	case md.ResourceMismatch:
		return e, "", false, &Error{Step: StepDiscovery, Message: fmt.Sprintf("%s's protected resource metadata is for the resource %s, not for this server (%s): RFC 9728 §3.3 says a client must not use it, so mcpdoctor does not log in with it; the server's operator must put its own URL in resource",
			l.ServerName, md.PRM.Resource, l.ServerURL)}
	case md.IssuerMismatch:
		return e, "", false, &Error{Step: StepDiscovery, Message: fmt.Sprintf("the authorization server metadata of %s says issuer %s, but it was looked up for %s: RFC 8414 §3.3 says a client must not use it, so mcpdoctor does not log in with it",
			l.ServerName, md.AS.Issuer, md.AuthServer)}
	}
	as := md.AS
	return Endpoints{
		Issuer: cmp.Or(as.Issuer, md.AuthServer), AuthorizationURL: as.AuthorizationEndpoint, TokenURL: as.TokenEndpoint,
		RegistrationURL: as.RegistrationEndpoint, CodeChallengeMethods: as.CodeChallengeMethodsSupported,
		TokenAuthMethods: as.TokenEndpointAuthMethodsSupported, IssParameter: as.AuthorizationResponseIssParameterSupported,
		ClientIDMetadataDocuments: as.ClientIDMetadataDocumentSupported, GrantTypes: as.GrantTypesSupported,
	}, resource, false, nil
}

// defaultOrigin is where the 2025-03-26 default endpoints are: the MCP
// server's origin, for a server that refused the probe with 401 and
// advertises no metadata at all.
func (l login) defaultOrigin() (string, bool) {
	if !l.Refused || l.md.Advertised() {
		return "", false
	}
	u, err := url.Parse(l.ServerURL)
	if err != nil || u.Host == "" {
		return "", false
	}
	return u.Scheme + "://" + u.Host, true
}

// scopesSupported is the spec's fallback list: the protected resource's
// scopes_supported, else the authorization server's.
func (l login) scopesSupported() []string {
	md := l.md
	switch {
	case md == nil:
		return nil
	case md.PRM != nil && len(md.PRM.ScopesSupported) > 0:
		return md.PRM.ScopesSupported
	case md.AS != nil:
		return md.AS.ScopesSupported
	}
	return nil
}

func (l login) say(s string) {
	if l.Progress != nil {
		l.Progress(s)
	}
}

// union is a's scopes, then b's that a lacks.
func union(a, b []string) []string {
	out := slices.Clone(a)
	for _, s := range b {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}
