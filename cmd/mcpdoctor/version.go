package main

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// buildVersion is set at release time with -ldflags "-X main.buildVersion=…".
var buildVersion = ""

// version is the release version, else the module version `go install`
// recorded, else "dev".
func version() string {
	if buildVersion != "" {
		return buildVersion
	}
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
		return info.Main.Version
	}
	return "dev"
}

func newVersionCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print mcpdoctor's version, Go version and platform",
		Args:  cobra.NoArgs,
		RunE: runE(func([]string) error {
			fmt.Fprintf(a.io.Out, "mcpdoctor %s (%s, %s/%s)\n", version(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
			return nil
		}),
	}
}
