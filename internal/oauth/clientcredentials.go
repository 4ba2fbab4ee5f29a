package oauth

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"net/url"
	"os"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// ClientCredentials is the client credentials grant (RFC 6749 §4.4; the
// MCP extension io.modelcontextprotocol/oauth-client-credentials): a
// headless client, such as a CI job, gets a token with its own
// credentials and no browser. The client authenticates with its secret
// (client_secret_basic or client_secret_post, as the authorization server
// lists them) or with a JWT signed by its private key (private_key_jwt,
// RFC 7523).
type ClientCredentials struct {
	Endpoints    Endpoints
	ClientID     string
	ClientSecret string
	// PrivateKey signs the client's assertion instead of a secret.
	PrivateKey crypto.Signer
	Resource   string
	Scopes     []string
	HTTPClient *http.Client
	// Progress, when set, hears the request go out.
	Progress func(string)
}

// Run asks the token endpoint for a token.
func (c ClientCredentials) Run(ctx context.Context) (*Result, error) {
	if c.Endpoints.TokenURL == "" {
		return nil, &Error{Step: StepMetadata, Message: "the authorization server's metadata has no token_endpoint", Hint: "the server's OAuth metadata is incomplete; tell its operator"}
	}
	if err := checkEndpoint(c.Endpoints.TokenURL); err != nil {
		return nil, &Error{Step: StepMetadata, Message: "token_endpoint " + c.Endpoints.TokenURL + ": " + err.Error(), Hint: "OAuth endpoints must use https (plain http only on this machine's loopback)"}
	}
	if c.ClientID == "" {
		return nil, &Error{Step: StepToken, Message: "the client credentials grant needs a client registered for it, and the config names no oauth.client_id",
			Hint: "register a client for the client credentials grant with the authorization server and put its id in the config (oauth = { client_id = \"…\" })"}
	}
	if !c.Endpoints.grantListed(GrantClientCredentials) {
		return nil, &Error{Step: StepMetadata, Message: "the authorization server does not offer the client credentials grant: " + c.Endpoints.grantsSaid(),
			Hint: "log in with a browser instead (without --client-credentials), or ask the server's operator to enable the grant"}
	}
	params := url.Values{}
	if c.Resource != "" {
		params.Set("resource", c.Resource)
	}
	method := ChooseAuthMethod(c.ClientSecret, "", c.Endpoints.TokenAuthMethods)
	if c.PrivateKey != nil {
		method = AuthJWT
		assertion, err := c.assertion()
		if err != nil {
			return nil, &Error{Step: StepToken, Message: "cannot sign the client assertion: " + err.Error(), Hint: "give an EC (P-256) or RSA private key in PEM", Err: err}
		}
		params.Set("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
		params.Set("client_assertion", assertion)
	} else if c.ClientSecret == "" {
		return nil, &Error{Step: StepToken, Message: "the client credentials grant needs the client's secret or its private key",
			Hint: "put the secret in the environment variable --client-secret-env names, or give the key with --private-key-file"}
	}
	conf := clientcredentials.Config{
		ClientID: c.ClientID, ClientSecret: c.ClientSecret, TokenURL: c.Endpoints.TokenURL,
		Scopes: c.Scopes, EndpointParams: params, AuthStyle: AuthStyle(method),
	}
	if c.Progress != nil {
		c.Progress("Asking " + c.Endpoints.TokenURL + " for a token with the client credentials grant…")
	}
	ctx = context.WithValue(ctx, oauth2.HTTPClient, noRedirectClient(c.HTTPClient))
	tok, err := conf.Token(ctx)
	if err != nil {
		return nil, tokenErrorFor(StepToken, err, "the client's credentials were sent", method, GrantClientCredentials, c.Endpoints)
	}
	return &Result{Token: tok, ClientID: c.ClientID, ClientSecret: c.ClientSecret, AuthMethod: method}, nil
}

// assertion is the client's JWT (RFC 7523 §3): issued and about the
// client, for the authorization server's issuer, for a minute.
func (c ClientCredentials) assertion() (string, error) {
	alg := ""
	switch k := c.PrivateKey.Public().(type) {
	case *ecdsa.PublicKey:
		if k.Curve.Params().BitSize != 256 {
			return "", errors.New("only P-256 EC keys (ES256)")
		}
		alg = "ES256"
	case *rsa.PublicKey:
		alg = "RS256"
	default:
		return "", fmt.Errorf("a %T key", k)
	}
	aud := c.Endpoints.Issuer
	if aud == "" {
		aud = c.Endpoints.TokenURL
	}
	now := time.Now()
	jti := make([]byte, 16)
	rand.Read(jti)
	enc := func(v any) string {
		b, _ := json.Marshal(v)
		return base64.RawURLEncoding.EncodeToString(b)
	}
	signing := enc(map[string]string{"alg": alg, "typ": "JWT"}) + "." + enc(map[string]any{
		"iss": c.ClientID, "sub": c.ClientID, "aud": aud, "jti": base64.RawURLEncoding.EncodeToString(jti),
		"iat": now.Unix(), "exp": now.Add(time.Minute).Unix(),
	})
	digest := sha256.Sum256([]byte(signing))
	var sig []byte
	switch k := c.PrivateKey.(type) {
	case *ecdsa.PrivateKey:
		r, s, err := ecdsa.Sign(rand.Reader, k, digest[:])
		if err != nil {
			return "", err
		}
		sig = append(pad32(r), pad32(s)...) // JWS: r and s, 32 bytes each
	default:
		var err error
		if sig, err = c.PrivateKey.Sign(rand.Reader, digest[:], crypto.SHA256); err != nil {
			return "", err
		}
	}
	return signing + "." + base64.RawURLEncoding.EncodeToString(sig), nil
}

func pad32(n *big.Int) []byte {
	b := make([]byte, 32)
	return n.FillBytes(b)
}

// ReadPrivateKey reads the PEM private key in the file at path (see
// ParsePrivateKey), naming the file in its error.
func ReadPrivateKey(path string) (crypto.Signer, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	key, err := ParsePrivateKey(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return key, nil
}

// ParsePrivateKey reads a PEM private key: PKCS #8, SEC 1 (EC) or
// PKCS #1 (RSA).
func ParsePrivateKey(data []byte) (crypto.Signer, error) {
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, errors.New("no PEM block")
	}
	if k, err := x509.ParsePKCS8PrivateKey(block.Bytes); err == nil {
		if s, ok := k.(crypto.Signer); ok {
			return s, nil
		}
		return nil, fmt.Errorf("a %T key cannot sign", k)
	}
	if k, err := x509.ParseECPrivateKey(block.Bytes); err == nil {
		return k, nil
	}
	if k, err := x509.ParsePKCS1PrivateKey(block.Bytes); err == nil {
		return k, nil
	}
	return nil, errors.New("not a PKCS #8, EC or RSA private key")
}
