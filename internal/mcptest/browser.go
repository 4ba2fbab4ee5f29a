package mcptest

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"
)

// What [Browse] does at the authorization server and with its redirect.
const (
	// BrowseApprove follows the authorization server's redirect back, as
	// a browser would after the user approved.
	BrowseApprove = ""
	// BrowseWrongState follows it with its state replaced: a stale tab or
	// a forged redirect.
	BrowseWrongState = "wrong-state"
	// BrowseDeny goes back to the redirect URI with error=access_denied
	// and the right state, as after the user declined; the authorization
	// server is not asked.
	BrowseDeny = "deny"
)

// Browse is a browser for authorization servers that approve at once, such
// as the OAuth example's and FakeOAuth's: it asks authURL, takes the 302,
// and delivers the redirect to the client's loopback listener, altered as
// mode says. It returns the listener's status, or an error when a step
// did not happen as a browser would see it.
func Browse(authURL, mode string) (int, error) {
	client := &http.Client{
		Timeout:       10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	auth, err := url.Parse(authURL)
	if err != nil {
		return 0, err
	}
	var back *url.URL
	if mode == BrowseDeny {
		back, err = url.Parse(auth.Query().Get("redirect_uri"))
		if err != nil {
			return 0, err
		}
		back.RawQuery = url.Values{"error": {"access_denied"}, "error_description": {"the user declined"}, "state": {auth.Query().Get("state")}}.Encode()
	} else {
		resp, err := client.Get(authURL)
		if err != nil {
			return 0, err
		}
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		resp.Body.Close()
		if resp.StatusCode != http.StatusFound && resp.StatusCode != http.StatusSeeOther {
			return 0, fmt.Errorf("the authorization server answered %d, not a redirect: %s", resp.StatusCode, body)
		}
		back, err = resp.Location()
		if err != nil {
			return 0, err
		}
		if mode == BrowseWrongState {
			q := back.Query()
			q.Set("state", "not-the-state-mcpdoctor-sent")
			back.RawQuery = q.Encode()
		}
	}
	if back.Hostname() != "127.0.0.1" {
		return 0, errors.New("the redirect goes to " + back.Host + ", not to a loopback listener")
	}
	resp, err := client.Get(back.String())
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}
