package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/mcpdoctor/mcpdoctor/internal/config"
	"github.com/mcpdoctor/mcpdoctor/internal/evidence"
	"github.com/mcpdoctor/mcpdoctor/internal/netguard"
	"github.com/mcpdoctor/mcpdoctor/internal/oauth"
	"github.com/mcpdoctor/mcpdoctor/internal/printable"
	"github.com/mcpdoctor/mcpdoctor/internal/probe"
	"github.com/mcpdoctor/mcpdoctor/internal/report"
	"github.com/mcpdoctor/mcpdoctor/internal/tokens"
)

// loginOptions are login's flags, as their help says.
type loginOptions struct {
	Scopes                             []string
	Port                               int
	NoBrowser, JSON                    bool
	Timeout                            time.Duration
	ClientSecretEnv, ClientMetadataURL string
	ClientCredentials                  bool
	PrivateKeyFile                     string
	AllowPrivateDiscovery              bool
	target                             targetFlags
}

func newLoginCmd(a *app) *cobra.Command {
	opts := &loginOptions{}
	cmd := &cobra.Command{
		Use:   "login NAME | URL",
		Short: "Log in to an OAuth-protected server and store its token for probe and list",
		Long: `Log in to an HTTP server that needs OAuth, so that probe, list and report
can reach it as a logged-in client. NAME is a configured server's; a URL
needs no config, and probe URL then uses the token stored for it (both
name it after its host, or after --name).

mcpdoctor probes the server without any credential to find its
authorization server (RFC 9728, RFC 8414 / OpenID metadata; a 2025-03-26
server without metadata at its default /authorize, /token and /register),
refuses metadata for another resource or issuer (RFC 9728 §3.3, RFC 8414
§3.3), then runs the authorization code flow with PKCE S256:

  - the client is oauth.client_id from the config (its secret, if any, from
    the variable --client-secret-env names), else a client ID metadata
    document (--client-metadata-url), else one registered now (RFC 7591);
  - the resource (RFC 8707) is oauth_resource, else the server's, else its
    URL; scopes are --scopes, else the config's, else the challenge's, else
    scopes_supported, with those of a login already stored;
  - the browser ($BROWSER, else the system's; the URL is always printed)
    comes back to http://127.0.0.1:PORT/callback within --timeout, with a
    state that is checked and, when promised, RFC 9207's iss.

Headless (CI): --client-credentials, authenticated by the secret or by a
JWT signed with --private-key-file.

The token is kept, never printed, in a file only you can read
($MCPDOCTOR_TOKENS_FILE, else mcpdoctor/tokens.json in your config
directory), sent to this server's URL only and refreshed when it expires.
It does not log Codex in (codex mcp login).

Exit status: 0 when logged in, 1 when the login failed, 2 for usage or
config errors.`,
		Example: `  mcpdoctor login notion
  mcpdoctor login https://mcp.notion.com/mcp
  mcpdoctor login notion --no-browser --port 8765
  mcpdoctor login notion --scopes "mcp:read mcp:write"
  MCPDOCTOR_CLIENT_SECRET=… mcpdoctor login ci-server --client-credentials`,
		Args:              oneTarget(urlTargets, false),
		ValidArgsFunction: a.completeServerNames,
	}
	cmd.RunE = runE(func(args []string) error { return loginRun(a, cmd, args, opts) })
	cmd.Flags().StringSliceVar(&opts.Scopes, "scopes", nil, "the `SCOPES` to ask for, comma- or space-separated (default: from the config or the server)")
	cmd.Flags().IntVar(&opts.Port, "port", 0, "the loopback `PORT` the browser comes back to (default: a free one)")
	cmd.Flags().BoolVar(&opts.NoBrowser, "no-browser", false, "print the URL only; do not open a browser")
	cmd.Flags().DurationVar(&opts.Timeout, "timeout", oauth.DefaultTimeout, "how long to wait for the browser to come back")
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print the outcome as a JSON object")
	cmd.Flags().StringVar(&opts.ClientSecretEnv, "client-secret-env", "MCPDOCTOR_CLIENT_SECRET", "the environment `VARIABLE` that holds the configured client's secret, when it has one")
	cmd.Flags().StringVar(&opts.ClientMetadataURL, "client-metadata-url", "", "use the client ID metadata document at `URL` as the client_id, where the authorization server accepts them")
	cmd.Flags().BoolVar(&opts.ClientCredentials, "client-credentials", false, "get a token with the client credentials grant (no browser): for headless use")
	a.trustProjectFlag(cmd)
	cmd.Flags().BoolVar(&opts.AllowPrivateDiscovery, "allow-private-discovery", false, allowPrivateHelp)
	cmd.Flags().StringVar(&opts.PrivateKeyFile, "private-key-file", "", "with --client-credentials: sign the client's assertion with the PEM private key in `FILE` (private_key_jwt)")
	opts.target.register(cmd, urlTargets)
	return cmd
}

func loginRun(a *app, cmd *cobra.Command, args []string, opts *loginOptions) error {
	if opts.Port < 0 || opts.Port > 65535 {
		return usageError("--port must be between 1 and 65535, or 0 for a free port")
	}
	_, s, err := a.targetServer(cmd, args, &opts.target)
	if err != nil {
		return err
	}
	name := s.Name
	if !s.MayStart() {
		return loginError(fmt.Errorf("mcpdoctor does not contact %s: %s would not start it (%s): %s; approve it: %s; or, once you have read the entry, log in anyway with --trust-project",
			name, s.Client().Title(), s.Approval.Label(), s.Approval.Reason, s.Approval.Approve))
	}
	if s.Transport == config.TransportStdio {
		return usageError("%s is a stdio server: OAuth is for HTTP servers; a stdio server takes its credentials from env in %s", name, s.Entry())
	}
	if !s.Probeable() {
		return usageError("%s names no URL mcpdoctor can reach; fix it first (mcpdoctor validate)", s.Entry())
	}
	store, err := a.tokenStore()
	if err != nil {
		return configError(err)
	}
	// A token file that cannot take the login (unreadable, not private)
	// is said before the browser opens, not after.
	if _, err := store.Entries(); err != nil {
		return loginError(err)
	}

	serverURL, _, _ := s.URL.Resolve(a.lookup())
	// Discovery is the probe's: run it as a client with no login would.
	a.say("Probing %s to find its authorization server…", name)
	po := a.probeOptions(probeFlags{AllowPrivateDiscovery: opts.AllowPrivateDiscovery})
	po.OAuthToken = nil
	res := probe.Run(a.ctx, s, po)
	a.red.Add(res.Secrets...)
	if c := res.Auth.Credential; c != nil {
		return a.loginFailure("%s is configured with a static credential (%s, via %s) that %s and mcpdoctor send instead of an OAuth token: remove it from %s to log in with OAuth", name, c.Header, c.Source, s.Client().Title(), s.Entry())
	}
	lo := oauth.LoginOptions{
		ServerName: name, ServerURL: serverURL, Status: string(res.Auth.Status), Hint: res.Auth.Hint,
		// A 401 that stopped the probe: the server needs a login.
		Refused:  res.Failure != nil && res.Failure.Category == evidence.CategoryAuth,
		ClientID: s.OAuth.ClientID, ConfigScopes: s.OAuth.Scopes, Resource: s.OAuth.Resource, CallbackPort: s.OAuth.CallbackPort,
		Scopes: oauth.SplitScopes(opts.Scopes), ClientMetadataURL: opts.ClientMetadataURL, ClientCredentials: opts.ClientCredentials,
		Port: opts.Port, Timeout: opts.Timeout,
		Open:     func(u string) error { a.showAuthorizationURL(name, u, !opts.NoBrowser, opts.Timeout); return nil },
		Progress: func(line string) { a.say("%s", line) },
	}
	var md *oauth.Metadata
	if st := res.Auth.OAuth; st != nil {
		md, lo.ChallengeScope = st.Metadata, st.ChallengeScope
	}
	if held, _ := store.Get(name, serverURL); held != nil {
		lo.HeldScopes, lo.HeldIssuer = held.Scopes, held.Issuer
	}
	if opts.ClientSecretEnv != "" && s.OAuth.ClientID != "" {
		lo.ClientSecret, _ = a.io.LookupEnv(opts.ClientSecretEnv)
		a.red.Add(lo.ClientSecret)
	}
	if opts.PrivateKeyFile != "" {
		if lo.PrivateKey, err = oauth.ReadPrivateKey(opts.PrivateKeyFile); err != nil {
			return usageError("--private-key-file: %v", err)
		}
	}
	// Registration and the token requests go to endpoints the server's
	// authorization server named: no more private than the server.
	result, err := oauth.LogIn(netguard.With(a.ctx, po.Guard(serverURL)), md, lo)
	if err != nil {
		return a.loginFailed(name, err)
	}
	now := time.Now()
	entry := tokens.Entry{
		ServerName: name, ServerURL: serverURL, Issuer: result.Issuer, TokenEndpoint: result.TokenEndpoint,
		ClientID: result.ClientID, ClientSecret: result.ClientSecret, AuthMethod: result.AuthMethod, Resource: result.Resource, Scopes: result.Scopes,
	}
	entry.SetToken(result.Token, now)
	a.red.Add(entry.Secrets()...)
	if err := store.Put(entry); err != nil {
		return a.loginFailure("logged in to %s, but the token could not be stored: %v", name, err)
	}
	outcome := report.NewLogin(report.Login{
		Name: name, LoggedIn: true, AuthorizationServer: result.Issuer, ClientID: result.ClientID, RegisteredClient: result.Registered,
		Scopes: result.Scopes, ScopesFrom: result.ScopesFrom, Resource: result.Resource, ExpiresAt: entry.Expiry,
		Refreshable: entry.RefreshToken != "", TokenFile: store.Path(),
	}, a.red)
	if s.Client() == config.ClientCommandLine {
		// The token is the URL's under this name: probe it the same way.
		outcome.Check = "mcpdoctor probe " + printable.Text(a.red.URL(serverURL), false)
		if opts.target.Name != "" {
			outcome.Check += " --name " + name
		}
	}
	if opts.JSON {
		return report.WriteJSON(a.io.Out, outcome)
	}
	report.LoginText(a.io.Out, outcome, now)
	return nil
}
