package main

import (
	"errors"
	"fmt"
	"os/exec"
	"runtime"
	"strings"
	"time"

	"github.com/mcpdoctor/mcpdoctor/internal/printable"
)

// errNoBrowser says there is no browser to open here (a server, a
// container, an SSH session).
var errNoBrowser = errors.New("no graphical session here")

// openBrowser opens url in the user's browser without waiting for it:
// $BROWSER when set (the first of a colon-separated list, "%s" standing
// for the URL), else the platform's opener. On Linux the opener is only
// tried in a graphical session, since xdg-open would otherwise start a
// text browser on the terminal the login is printing to.
func openBrowser(getenv func(string) string, url string) error {
	var argv []string
	if b, _, _ := strings.Cut(getenv("BROWSER"), ":"); strings.TrimSpace(b) != "" {
		argv = strings.Fields(b)
		replaced := false
		for i, f := range argv {
			if strings.Contains(f, "%s") {
				argv[i] = strings.ReplaceAll(f, "%s", url)
				replaced = true
			}
		}
		if !replaced {
			argv = append(argv, url)
		}
	} else {
		switch runtime.GOOS {
		case "darwin":
			argv = []string{"open", url}
		case "windows":
			argv = []string{"rundll32", "url.dll,FileProtocolHandler", url}
		default:
			if getenv("DISPLAY") == "" && getenv("WAYLAND_DISPLAY") == "" {
				return errNoBrowser
			}
			argv = []string{"xdg-open", url}
		}
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	if err := cmd.Start(); err != nil {
		return err
	}
	go cmd.Wait()
	return nil
}

// showAuthorizationURL prints the URL whole and opens the browser when
// asked. It holds no credential: its state and code_challenge are what the
// login needs the browser to carry, so they are deliberately shown.
func (a *app) showAuthorizationURL(name, url string, browser bool, timeout time.Duration) {
	fmt.Fprintf(a.io.Err, "Open this URL in a browser on this machine to log in to %s:\n\n  %s\n\n", printable.Text(name, false), printable.Text(url, false))
	if browser {
		if err := openBrowser(a.io.Getenv, url); err != nil {
			a.say("Could not open a browser (%v); open the URL yourself.", err)
		} else {
			a.say("Opened your browser.")
		}
	}
	a.say("Waiting up to %s for the browser to come back…", timeout)
}
