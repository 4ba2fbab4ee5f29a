package report

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/mcpdoctor/mcpdoctor/internal/redact"
)

// Login is what `mcpdoctor login` did, as `login --json` prints it. It
// names the token file, never a token.
type Login struct {
	SchemaVersion       int       `json:"schema_version"`
	Name                string    `json:"name"`
	LoggedIn            bool      `json:"logged_in"`
	AuthorizationServer string    `json:"authorization_server"`
	ClientID            string    `json:"client_id"`
	RegisteredClient    bool      `json:"registered_client"`
	Scopes              []string  `json:"scopes"`
	ScopesFrom          string    `json:"scopes_from,omitempty"`
	Resource            string    `json:"resource,omitempty"`
	ExpiresAt           time.Time `json:"expires_at,omitzero"`
	Refreshable         bool      `json:"refreshable"`
	TokenFile           string    `json:"token_file"`
	// Check is the command that probes the server with the token, for a
	// person; empty means mcpdoctor probe NAME.
	Check string `json:"-"`
}

// NewLogin is the view of a login's outcome, redacted: the URLs by their
// parts, the client ID, the token file's path and the scopes as the
// fields they are. It never holds a token to begin with.
func NewLogin(l Login, red *redact.Redactor) Login {
	l.SchemaVersion = SchemaVersion
	l.AuthorizationServer, l.Resource = red.URL(l.AuthorizationServer), red.URL(l.Resource)
	l.ClientID, l.TokenFile, l.ScopesFrom = red.Field(l.ClientID), red.Field(l.TokenFile), red.Field(l.ScopesFrom)
	l.Scopes = red.Fields(l.Scopes)
	if l.Scopes == nil {
		l.Scopes = []string{}
	}
	return l
}

// LoginText prints a login's outcome for a person.
func LoginText(w io.Writer, l Login, now time.Time) {
	l = forDisplay(l)
	fmt.Fprintf(w, "Logged in to %s with %s.\n", l.Name, l.AuthorizationServer)
	scopes := "none asked for (the authorization server's default)"
	if len(l.Scopes) > 0 {
		scopes = strings.Join(l.Scopes, " ") + " (from " + l.ScopesFrom + ")"
	}
	client := l.ClientID + " (from the config)"
	if l.RegisteredClient {
		client = l.ClientID + " (registered now)"
	}
	expiry := Expiry(l.ExpiresAt, now)
	if expiry == "" {
		expiry = "no expiry given"
	}
	if l.Refreshable {
		expiry += "; refreshed automatically"
	} else {
		expiry += "; no refresh token, so log in again when it expires"
	}
	rows := [][2]string{{"client", client}, {"scopes", scopes}, {"resource", l.Resource}, {"token", expiry}, {"stored in", l.TokenFile}}
	for _, r := range rows {
		if r[1] != "" {
			fmt.Fprintf(w, "  %-10s %s\n", r[0], r[1])
		}
	}
	check := l.Check
	if check == "" {
		check = "mcpdoctor probe " + l.Name
	}
	fmt.Fprintf(w, "Check it: %s\n", check)
}

// Expiry renders a token's expiry against now: "expires in 59m",
// "expired 3m ago"; empty when the expiry is unknown.
func Expiry(at, now time.Time) string {
	if at.IsZero() {
		return ""
	}
	d := at.Sub(now)
	if d < 0 {
		return "expired " + roughDuration(-d) + " ago"
	}
	return "expires in " + roughDuration(d)
}

// roughDuration rounds to what a person reads: "45s", "59m", "1h",
// "3h5m", "2d".
func roughDuration(d time.Duration) string {
	if d < time.Minute {
		return d.Round(time.Second).String()
	}
	d = d.Round(time.Minute)
	h, m := int(d.Hours()), int(d.Minutes())%60
	switch {
	case h >= 48:
		return fmt.Sprintf("%dd", h/24)
	case h > 0 && m > 0:
		return fmt.Sprintf("%dh%dm", h, m)
	case h > 0:
		return fmt.Sprintf("%dh", h)
	}
	return fmt.Sprintf("%dm", m)
}
