package probe

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"syscall"
)

// Error is a failure a transport or the probe understood: it carries the
// category and a hint, so the user learns what to try, not only what broke.
type Error struct {
	Category string
	Message  string
	Hint     string
	Err      error
}

func (e *Error) Error() string {
	if e.Err != nil && e.Message == "" {
		return e.Err.Error()
	}
	return e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// HTTPStatusError is an HTTP answer that is not a success. The auth decision
// reads it (401 and 403 with WWW-Authenticate), so it keeps the headers.
type HTTPStatusError struct {
	Method string
	URL    string
	Status int
	Header http.Header
	// Body is an excerpt.
	Body string
}

func (e *HTTPStatusError) Error() string {
	return fmt.Sprintf("%s %s answered %d %s", e.Method, e.URL, e.Status, http.StatusText(e.Status))
}

// Classify turns any error into a categorised *Error with a hint. Errors
// that already are *Error pass through.
func Classify(err error) *Error {
	if err == nil {
		return nil
	}
	var pe *Error
	if errors.As(err, &pe) {
		return pe
	}
	var se *HTTPStatusError
	if errors.As(err, &se) {
		return &Error{Category: CategoryHTTPStatus, Message: se.Error(), Hint: statusHint(se.Status), Err: err}
	}
	var dnsErr *net.DNSError
	var certErr *tls.CertificateVerificationError
	var unknownAuth x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var recErr tls.RecordHeaderError
	switch {
	case errors.Is(err, context.DeadlineExceeded) || isTimeout(err):
		return &Error{Category: CategoryTimeout, Message: err.Error(), Err: err,
			Hint: "the server did not answer in time: check that it is running and reachable, or raise startup_timeout_sec (or pass --timeout)"}
	case errors.As(err, &dnsErr):
		return &Error{Category: CategoryDNS, Message: err.Error(), Err: err,
			Hint: "the host name does not resolve: check the spelling of the URL, your VPN and DNS"}
	case errors.Is(err, syscall.ECONNREFUSED):
		return &Error{Category: CategoryRefused, Message: err.Error(), Err: err,
			Hint: "nothing is listening there: start the server, or check the host and port in the URL"}
	case errors.As(err, &certErr), errors.As(err, &unknownAuth), errors.As(err, &hostErr), errors.As(err, &recErr):
		return &Error{Category: CategoryTLS, Message: err.Error(), Err: err,
			Hint: "the TLS handshake failed: check the certificate (expired, self-signed, wrong host) or whether the port speaks plain HTTP"}
	}
	return &Error{Category: CategoryNetwork, Message: err.Error(), Err: err,
		Hint: "the connection failed: check that the server is reachable from this machine"}
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func statusHint(status int) string {
	switch {
	case status == http.StatusUnauthorized:
		return "the server wants a credential: configure bearer_token_env_var or env_http_headers, or log in with `mcpdoctor login`"
	case status == http.StatusForbidden:
		return "the server refused the credential or this client: check the token's scopes and the server's access rules"
	case status == http.StatusNotFound:
		return "nothing is served at this path: check the URL's path (often /mcp or /sse)"
	case status == http.StatusMethodNotAllowed:
		return "the URL does not accept POST: it may be a legacy SSE endpoint or not an MCP endpoint at all"
	case status >= 500:
		return "the server failed while answering: look at its logs"
	}
	return "the server refused the request: check the URL and the server's documentation"
}
