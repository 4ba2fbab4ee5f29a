package main

import (
	"time"

	"github.com/spf13/cobra"

	"github.com/mcpdoctor/mcpdoctor/internal/probe"
)

// probeFlags are the flags of every command that probes: how long a server
// gets, and which protocol era to speak.
type probeFlags struct {
	Timeout  time.Duration
	Protocol string
	// RunHeadersHelper lets the probe run a config's headers helper.
	RunHeadersHelper bool
	// AllowPrivateDiscovery lets the URLs a server names reach private,
	// loopback and link-local addresses.
	AllowPrivateDiscovery bool

	timeoutSet bool
}

// protocolHelp says in two sentences what the eras are, for --help.
const protocolHelp = `MCP servers speak one of two protocol eras: modern (2026-07-28: no
initialize, the version and client capabilities on every request, and a
server/discover RPC) or legacy (2025-11-25 and older: an initialize
handshake). By default (--protocol auto) mcpdoctor asks server/discover
first and speaks legacy MCP when the answer says so, as the spec's
dual-era client does; a stdio server that answers nothing to it costs up
to one second before initialize goes out too.`

// allowPrivateHelp says what --allow-private-discovery lifts.
const allowPrivateHelp = "let the URLs a server names (its OAuth metadata, authorization servers, redirects, SSE endpoint) reach link-local, loopback and private addresses, which they may not beyond the server's own network: only for a server you trust"

func (f *probeFlags) register(cmd *cobra.Command) {
	cmd.Flags().DurationVar(&f.Timeout, "timeout", 0, "replace every server's startup_timeout_sec and tool_timeout_sec (e.g. 10s)")
	cmd.Flags().StringVar(&f.Protocol, "protocol", probe.ProtocolAuto, "the protocol to speak: auto, modern, legacy, or a version such as 2025-06-18")
	cmd.Flags().BoolVar(&f.RunHeadersHelper, "run-headers-helper", false, "run a server's http_headers_helper or headersHelper (a shell command from the config) to get its headers, as the client does; without it the probe goes without them")
	cmd.Flags().BoolVar(&f.AllowPrivateDiscovery, "allow-private-discovery", false, allowPrivateHelp)
	cmd.PreRun = func(cmd *cobra.Command, _ []string) { f.timeoutSet = cmd.Flags().Changed("timeout") }
}

// check refuses values that cannot be meant.
func (f *probeFlags) check() error {
	if f.Timeout < 0 || f.timeoutSet && f.Timeout == 0 {
		return usageError("--timeout must be a positive duration such as 10s, not %s", f.Timeout)
	}
	if err := probe.CheckProtocol(f.Protocol); err != nil {
		return usageError("--protocol: %v", err)
	}
	return nil
}
