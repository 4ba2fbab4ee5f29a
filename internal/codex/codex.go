// Package codex says what Codex would show for a server: the auth status
// `codex mcp list` prints, computed the way Codex computes it, and where
// that disagrees with what the probe measured, a finding that says what
// Codex will do and what to do about it. It reads the config entry,
// Codex's own token file, and the probe's result; the probe itself knows
// no client.
package codex

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/mcpdoctor/mcpdoctor/internal/config"
	"github.com/mcpdoctor/mcpdoctor/internal/evidence"
	"github.com/mcpdoctor/mcpdoctor/internal/probe"
	"github.com/mcpdoctor/mcpdoctor/internal/safefile"
)

// What Codex would say: the auth status `codex mcp list` shows, computed the
// way Codex computes it, from the config, its token store and OAuth
// metadata, without a handshake. Read from Codex's source (openai/codex):
//
//   - codex-rs/core/src/mcp/auth.rs, compute_auth_status: stdio servers are
//     Unsupported; Streamable HTTP servers go to
//     codex-rs/rmcp-client/src/auth_status.rs,
//     determine_streamable_http_auth_status, which decides in this order:
//     bearer_token_env_var configured → BearerToken (whether or not the
//     variable is set); an Authorization header among http_headers and the
//     env_http_headers whose variable is set and not blank
//     (utils.rs, build_default_headers) → BearerToken; stored OAuth tokens
//     for the server → OAuth (tokens that can no longer be used or
//     refreshed → NotLoggedIn); OAuth metadata found → NotLoggedIn;
//     otherwise, or when discovery fails, Unsupported.
//   - The metadata counts when a GET answers exactly 200 with JSON holding
//     authorization_endpoint and token_endpoint, at the RFC 8414 URLs on the
//     MCP URL: path-inserted, path-appended, then the root
//     (discovery_paths). Newer releases ask rmcp's AuthorizationManager
//     (resolve_metadata) first and keep these paths as a fallback;
//     mcpdoctor counts metadata found through protected resource metadata
//     as seen by Codex too.
//   - Stored tokens live in the OS keyring or, as a fallback (and with
//     mcp_oauth_credentials_store = "file"), in CODEX_HOME/.credentials.json
//     (codex-rs/rmcp-client/src/oauth.rs, FALLBACK_FILENAME): a JSON object
//     whose values hold server_name, server_url, client_id, access_token,
//     expires_at (Unix milliseconds), refresh_token and scopes. An entry
//     belongs to a server when both its name and its URL are equal
//     (compute_store_key hashes the URL with the name).
//   - The statuses serialise in snake_case (McpAuthStatus): "unsupported",
//     "not_logged_in", "bearer_token", "o_auth".
//   - A bearer_token_env_var that is unset or empty stops the server at
//     start-up: "Environment variable VAR for MCP server 'NAME' is not set"
//     (mcp_connection_manager.rs, resolve_bearer_token), while an unset
//     env_http_headers variable only drops its header.

// Status is one of Codex's auth statuses, as `codex mcp list --json`
// spells them.
type Status string

const (
	Unsupported Status = "unsupported"
	NotLoggedIn Status = "not_logged_in"
	BearerToken Status = "bearer_token"
	OAuth       Status = "o_auth"
)

// refreshSkew is how early Codex treats a token as expired
// (oauth.rs, REFRESH_SKEW_MILLIS).
const refreshSkew = 30 * time.Second

// Home is where Codex keeps its files: $CODEX_HOME, else ~/.codex
// (codex-rs/rmcp-client/src/find_codex_home.rs); "" when neither can be
// told.
func Home(lookupEnv func(string) (string, bool)) string {
	if v, ok := lookupEnv("CODEX_HOME"); ok && v != "" {
		return v
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	return filepath.Join(home, ".codex")
}

// BeforeDiscovery is what Codex decides from the config and its token
// store. status is "" when Codex would go on to OAuth discovery.
func BeforeDiscovery(s config.Server, l config.Launch, home string, now time.Time) (status Status, reason string) {
	if s.Transport == config.TransportStdio {
		return Unsupported, "Codex gives stdio servers no auth status"
	}
	for _, h := range l.Headers {
		if h.Key != "bearer_token_env_var" {
			continue
		}
		reason := "bearer_token_env_var is configured"
		if !h.Sent && len(h.Vars) > 0 {
			reason += fmt.Sprintf(" (Codex does not check that $%s is set, and it is not)", h.Vars[0])
		}
		return BearerToken, reason
	}
	for _, h := range l.Headers {
		if h.Key == "http_headers" && strings.EqualFold(h.Name, "Authorization") && validHeaderValue(h.Value) {
			return BearerToken, "http_headers sets Authorization"
		}
	}
	for _, h := range l.Headers {
		if h.Key == "env_http_headers" && strings.EqualFold(h.Name, "Authorization") && h.Sent &&
			strings.TrimSpace(h.Value) != "" && validHeaderValue(h.Value) && len(h.Vars) > 0 {
			return BearerToken, fmt.Sprintf("env_http_headers sets Authorization from $%s", h.Vars[0])
		}
	}
	if home == "" {
		return "", ""
	}
	path := filepath.Join(home, ".credentials.json")
	entry, err := readCredentials(path, s.Name, l.URL)
	switch {
	case err != nil:
		return Unsupported, fmt.Sprintf("Codex cannot read %s (%v) and falls back to unsupported", path, err)
	case entry == nil:
		return "", ""
	case entry.usable(now):
		return OAuth, fmt.Sprintf("Codex holds an OAuth token for this server in %s", path)
	default:
		return NotLoggedIn, fmt.Sprintf("Codex holds an OAuth token for this server in %s that has expired and cannot be refreshed", path)
	}
}

// validHeaderValue is what http::HeaderValue::from_str accepts:
// visible characters, spaces and tabs, no control characters.
func validHeaderValue(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; (c < 0x20 && c != '\t') || c == 0x7f {
			return false
		}
	}
	return true
}

// tokenEntry is one entry of CODEX_HOME/.credentials.json.
type tokenEntry struct {
	ServerName   string  `json:"server_name"`
	ServerURL    string  `json:"server_url"`
	ClientID     string  `json:"client_id"`
	AccessToken  string  `json:"access_token"`
	ExpiresAt    *uint64 `json:"expires_at"`
	RefreshToken *string `json:"refresh_token"`
}

// usable is oauth.rs's oauth_tokens_are_usable: a client id, and an access
// token that has not expired, or else a refresh token.
func (e *tokenEntry) usable(now time.Time) bool {
	if strings.TrimSpace(e.ClientID) == "" {
		return false
	}
	if e.ExpiresAt != nil && uint64(now.Add(refreshSkew).UnixMilli()) >= *e.ExpiresAt {
		return e.RefreshToken != nil && strings.TrimSpace(*e.RefreshToken) != ""
	}
	return strings.TrimSpace(e.AccessToken) != ""
}

// maxCredentialsBytes bounds the read of Codex's token file: a few
// KiB a login.
const maxCredentialsBytes = 4 << 20

// readCredentials finds the entry Codex would use for a server, nil
// when there is none. It only reads the file.
func readCredentials(path, name, serverURL string) (*tokenEntry, error) {
	b, err := safefile.ReadFile(path, maxCredentialsBytes)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var store map[string]tokenEntry
	if err := json.Unmarshal(b, &store); err != nil {
		return nil, fmt.Errorf("not the JSON Codex writes: %w", err)
	}
	keys := make([]string, 0, len(store))
	for k := range store {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if e := store[k]; e.ServerName == name && e.ServerURL == serverURL {
			return &e, nil
		}
	}
	return nil, nil
}

// keyringNote says what mcpdoctor cannot see.
const keyringNote = "; mcpdoctor reads only .credentials.json, not the OS keyring where Codex keeps tokens by default, so if `codex mcp login` succeeded there Codex shows o_auth instead"

// Verdict is what Codex would show for a server, why, and where that
// misleads, what to do.
type Verdict struct {
	Status   Status
	Reason   string
	Findings []evidence.Finding
}

// WantsMetadata says whether Codex's status for s depends on whether its
// origin advertises OAuth metadata: a probe of it must look, even when
// its own verdict does not need to.
func WantsMetadata(s config.Server, look config.Lookup, home string, now time.Time) bool {
	if s.Client() != config.ClientCodex {
		return false
	}
	status, _ := BeforeDiscovery(s, s.Launch(look), home, now)
	return status == ""
}

// Judge computes what Codex would show for a Codex entry the probe
// measured as res; nil for another client's entry.
func Judge(s config.Server, res *probe.Result, look config.Lookup, home string, now time.Time) *Verdict {
	if s.Client() != config.ClientCodex || res == nil {
		return nil
	}
	status, reason := BeforeDiscovery(s, s.Launch(look), home, now)
	// A failure filed under config is the entry's, not the server's: the
	// server answered, without what the entry could not fill in.
	failure := res.Failure
	if failure != nil && failure.Stage == probe.StageConfig {
		failure = nil
	}
	if status == "" {
		switch d := res.Discovery; {
		case d == nil && failure != nil && failure.Category.Unreachable():
			status = Unsupported
			reason = "the server did not answer, so Codex's discovery requests fail too and it shows unsupported"
		case d == nil && res.Transport == config.TransportSSE:
			status = Unsupported
			reason = "Codex cannot speak the legacy HTTP+SSE transport this server uses; mcpdoctor did not look for the OAuth metadata that would make Codex show not_logged_in instead of unsupported"
		case d == nil:
			status = Unsupported
			reason = "mcpdoctor did not look for OAuth metadata because the server failed before auth mattered; Codex shows not_logged_in if the server's origin advertises some, unsupported otherwise"
		case d.Found():
			status = NotLoggedIn
			reason = fmt.Sprintf("Codex finds OAuth metadata at %s and no stored token", d.ASURL) + keyringNote
		default:
			status = Unsupported
			reason = "Codex finds no OAuth metadata and no stored token" + keyringNote
		}
	}
	v := &Verdict{Status: status, Reason: reason}
	v.Findings = findings(s.Name, status, res, failure)
	return v
}

// findings explain, where Codex's status and the measured one disagree,
// what Codex will do and what to do about it.
func findings(name string, codex Status, res *probe.Result, failure *evidence.Failure) []evidence.Finding {
	var out []evidence.Finding
	finding := func(code string, severity evidence.Severity, msg, hint string) {
		out = append(out, evidence.Finding{Code: code, Severity: severity, Message: msg, Hint: hint})
	}
	measured := res.Auth.Status
	cred := res.Auth.Credential
	sent := cred != nil && cred.Sent
	// staticOK: the server took a static credential Codex sends but does
	// not count: a header other than Authorization, or the URL's user info
	// (reqwest sends it as Basic authentication, as Go does).
	staticOK := measured == probe.AuthBearer && (!strings.EqualFold(cred.Header, "Authorization") || cred.Key == probe.UserInfoSource)
	staticWhat := ""
	if staticOK {
		staticWhat = "the " + cred.Header + " header"
		if cred.Key == probe.UserInfoSource {
			staticWhat = "the URL's user info (sent as Basic authentication)"
		}
	}
	// worked: initialize and tools/list answered without an Authorization
	// header, which is how Codex, showing not_logged_in, would connect.
	worked := res.Server != nil && (failure == nil || failure.Stage == probe.StageToolsCall) && (!sent || staticOK)
	switch {
	case codex == NotLoggedIn && worked && res.Transport == config.TransportStreamableHTTP:
		what := "without any credential"
		if staticOK {
			what = "with " + staticWhat + " alone"
		}
		why := "its origin advertises OAuth metadata"
		if !res.Discovery.Found() {
			why = "the OAuth token Codex holds for it has expired and cannot be refreshed"
		}
		finding("codex_hides_tools", evidence.SeverityWarning,
			fmt.Sprintf("Codex shows %s as not_logged_in and hides its tools, because %s, although it answered initialize and tools/list %s", name, why, what),
			fmt.Sprintf("run `codex mcp login %s` once so that Codex holds a token and shows o_auth; or, if you run the server, stop advertising OAuth metadata it does not enforce (bearer_token_env_var also makes Codex skip the check, but Codex then sends that token and will not start while the variable is unset)", name))
	case codex == BearerToken && cred != nil && cred.Key == "bearer_token_env_var" && !sent:
		variable := cred.Variable
		hint := fmt.Sprintf("export %s in the environment Codex starts from", variable)
		switch probe.Needed(res.Refusal != nil, res.Server != nil) {
		case probe.NeedNo:
			hint += ", or remove bearer_token_env_var: the server works without it"
		case probe.NeedYes:
			hint += ": the server refuses requests without it"
		}
		finding("codex_bearer_token_unset", evidence.SeverityWarning,
			fmt.Sprintf("Codex shows %s as bearer_token, but $%s is not set, so Codex will not start it (\"Environment variable %s for MCP server '%s' is not set\")", name, variable, variable, name),
			hint)
	case codex == Unsupported && failure != nil && failure.Category.Unreachable() && res.Transport != config.TransportStdio:
		// Codex shows every stdio server as unsupported: no auth to tell.
		// The failure's own hint says what to do; no second copy here.
		finding("codex_unsupported_unreachable", evidence.SeverityInfo,
			fmt.Sprintf("Codex shows %s as unsupported, which says only that it found no OAuth metadata: the server did not answer (%s)", name, failure.Category), "")
	case codex == OAuth && measured != probe.AuthOAuth:
		finding("codex_has_tokens", evidence.SeverityInfo,
			fmt.Sprintf("Codex holds an OAuth token for %s and sends it; mcpdoctor does not use Codex's tokens, so its verdict (%s) is what a client without them gets", name, measured),
			"compare with `codex mcp list`; `codex mcp logout "+name+"` removes Codex's token")
	case codex == Unsupported && staticOK:
		finding("codex_static_header", evidence.SeverityInfo,
			fmt.Sprintf("Codex shows %s as unsupported: it counts only a configured Authorization header as a static credential, and this server authenticates with %s", name, staticWhat),
			"nothing to do: the label is all that differs")
	}
	return out
}
