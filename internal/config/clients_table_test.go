package config

import (
	"runtime"
	"slices"
	"strings"
	"testing"
)

// TestClientTable: every row of the client table is complete, and agrees
// with itself: its places are files its own name rule recognises, and a
// client that reads a project's files says how it approves them.
func TestClientTable(t *testing.T) {
	if len(clientTable) != 13 {
		t.Errorf("%d clients, want the 13 mcpdoctor reads", len(clientTable))
	}
	names := map[string]Client{}
	for _, c := range clientTable {
		t.Run(string(c.id), func(t *testing.T) {
			switch {
			case c.id == "", c.title == "":
				t.Fatal("no id or title")
			case c.places == nil, c.named == nil, c.read == nil:
				t.Fatal("no places, name rule or reader")
			case c.credentialHint == "":
				t.Error("no credential hint")
			}
			for _, n := range append([]string{string(c.id)}, c.aliases...) {
				if other, dup := names[n]; dup {
					t.Errorf("%q names both %s and %s", n, other, c.id)
				}
				names[n] = c.id
				if got, err := ParseClient(n); err != nil || got != c.id {
					t.Errorf("ParseClient(%q) = %s, %v", n, got, err)
				}
			}
			if c.id.Title() != c.title {
				t.Errorf("Title() = %q", c.id.Title())
			}
			for _, goos := range []string{"linux", "darwin", "windows"} {
				m := Machine{Getenv: func(string) string { return "" }, Home: "/home/u", Cwd: "/src/app", GOOS: goos}
				places := Places(c.id, m)
				if len(places) == 0 {
					t.Errorf("%s: no places", goos)
				}
				project := false
				for _, p := range places {
					project = project || projectScoped(p.Scope)
					if p.Client != c.id {
						t.Errorf("%s: place %s is %s's", goos, p.Path, p.Client)
					}
					if strings.Contains(p.Path, `\`) && runtime.GOOS != "windows" {
						continue // a Windows path, which only Windows splits
					}
					if got, ok := recogniseName(p.Path); !ok || got != c.id {
						t.Errorf("%s: %s is recognised as %q by its name, want %s", goos, p.Path, got, c.id)
					}
				}
				if project && c.approve == nil {
					t.Errorf("%s reads a project's files and says nothing of approving them", c.id)
				}
			}
		})
	}
	if got := Clients(); len(got) != len(clientTable) || got[0] != ClientCodex || !slices.Contains(got, ClientGoose) {
		t.Errorf("Clients() = %v", got)
	}
}
