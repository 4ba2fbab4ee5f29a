package oauth

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// maxResponseBytes caps a registration answer; real ones are a few hundred
// bytes.
const maxResponseBytes = 1 << 20

// registration is the client metadata sent (RFC 7591 §2): a public client
// that uses the code and refresh grants on a loopback redirect.
type registration struct {
	ClientName   string   `json:"client_name"`
	RedirectURIs []string `json:"redirect_uris"`
	// ApplicationType native: a client on the user's machine with a
	// loopback redirect (OpenID Connect Registration; MCP 2026-07-28).
	ApplicationType         string   `json:"application_type"`
	GrantTypes              []string `json:"grant_types"`
	ResponseTypes           []string `json:"response_types"`
	TokenEndpointAuthMethod string   `json:"token_endpoint_auth_method"`
	Scope                   string   `json:"scope,omitempty"`
	SoftwareID              string   `json:"software_id"`
}

type registered struct {
	ClientID                string `json:"client_id"`
	ClientSecret            string `json:"client_secret"`
	TokenEndpointAuthMethod string `json:"token_endpoint_auth_method"`
}

type oauthErrorBody struct {
	Error       string `json:"error"`
	Description string `json:"error_description"`
}

// register registers mcpdoctor with the authorization server (RFC 7591 §3).
func (f Flow) register(ctx context.Context, client *http.Client, redirectURI string) (id, secret, method string, err error) {
	name := f.ServerName
	if name == "" {
		name = "NAME"
	}
	preRegister := fmt.Sprintf("register a client with the authorization server by hand, with redirect URI http://127.0.0.1:PORT%s (then log in with --port PORT), and name it in the config: oauth = { client_id = \"…\" } under [mcp_servers.%s]",
		CallbackPath, name)
	if f.Endpoints.RegistrationURL == "" {
		return "", "", "", &Error{Step: StepRegistration,
			Message: "the authorization server offers no dynamic client registration (its metadata has no registration_endpoint) and the config names no oauth.client_id",
			Hint:    preRegister}
	}
	clientName := f.ClientName
	if clientName == "" {
		clientName = "mcpdoctor"
	}
	body, _ := json.Marshal(registration{
		ClientName:              clientName,
		RedirectURIs:            []string{redirectURI},
		ApplicationType:         "native",
		GrantTypes:              []string{"authorization_code", "refresh_token"},
		ResponseTypes:           []string{"code"},
		TokenEndpointAuthMethod: "none",
		Scope:                   strings.Join(f.Scopes, " "),
		SoftwareID:              "mcpdoctor",
	})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, f.Endpoints.RegistrationURL, bytes.NewReader(body))
	if err != nil {
		return "", "", "", &Error{Step: StepRegistration, Message: err.Error(), Hint: preRegister, Err: err}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return "", "", "", &Error{Step: StepRegistration, Message: fmt.Sprintf("POST %s failed: %v", f.Endpoints.RegistrationURL, err),
			Hint: "check that the authorization server is reachable, then run the login again", Err: err}
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	if resp.StatusCode != http.StatusCreated && resp.StatusCode != http.StatusOK {
		msg := fmt.Sprintf("the authorization server refused dynamic client registration: POST %s answered %d", f.Endpoints.RegistrationURL, resp.StatusCode)
		var e oauthErrorBody
		if json.Unmarshal(data, &e) == nil && e.Error != "" {
			msg += " " + e.Error
			if e.Description != "" {
				msg += " (" + e.Description + ")"
			}
		}
		return "", "", "", &Error{Step: StepRegistration, Message: msg, Hint: preRegister}
	}
	var r registered
	if err := json.Unmarshal(data, &r); err != nil || r.ClientID == "" {
		return "", "", "", &Error{Step: StepRegistration, Message: fmt.Sprintf("POST %s answered %d without a client_id", f.Endpoints.RegistrationURL, resp.StatusCode), Hint: preRegister}
	}
	return r.ClientID, r.ClientSecret, r.TokenEndpointAuthMethod, nil
}
