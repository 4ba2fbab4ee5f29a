package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mcpdoctor/mcpdoctor/internal/config"
	"github.com/mcpdoctor/mcpdoctor/internal/printable"
	"github.com/mcpdoctor/mcpdoctor/internal/tokens"
)

func newLogoutCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "logout NAME | URL",
		Short: "Remove the OAuth token `mcpdoctor login` stored for a server",
		Long: `Remove every OAuth token mcpdoctor stored for the server NAME, whatever its
URL, from the token file. The tokens are not revoked at the authorization
server; Codex's own logins are not touched (codex mcp logout).

NAME need not be in the config any more, so a server you removed can still
be logged out of. A URL you logged in to with mcpdoctor login URL is
logged out of by that URL too (or by the --name it was given).

Exit status: 0 when a token was removed, 1 when none was stored for NAME,
2 for usage errors.`,
		Example:           `  mcpdoctor logout notion`,
		Args:              oneServer,
		ValidArgsFunction: a.completeServerNames,
		RunE: runE(func(args []string) error {
			name := args[0]
			if isURL(name) {
				name = config.NameFor(config.Target{URL: name})
			}
			store, err := a.tokenStore()
			if err != nil {
				return configError(err)
			}
			n, err := store.Delete(name)
			if err != nil {
				return loginError(err)
			}
			if n == 0 {
				msg := fmt.Sprintf("no OAuth token is stored for %q in %s", name, store.Path())
				if entries, err := store.Entries(); err == nil && len(entries) > 0 {
					msg += "; stored: " + strings.Join(tokens.Names(entries), ", ")
				}
				return loginError(errors.New(msg))
			}
			fmt.Fprintf(a.io.Out, "Logged out of %s: removed its stored OAuth token from %s.\n", printable.Text(name, false), printable.Text(store.Path(), false))
			return nil
		}),
	}
}
