package probe

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/mcpdoctor/mcpdoctor/internal/config"
	"github.com/mcpdoctor/mcpdoctor/internal/mcptest"
	"github.com/mcpdoctor/mcpdoctor/internal/mcptest/sdkserver"
)

// What speaking modern MCP first costs a legacy server: each legacy peer
// is probed as it is by default (--protocol auto: server/discover first)
// and as the probe did before the modern era (--protocol legacy:
// initialize first). A legacy server that answers server/discover with an
// error costs one exchange more over HTTP (one round trip) and next to
// nothing over stdio; one that stays silent costs StdioDiscoverGrace.
func BenchmarkProbeLegacy(b *testing.B) {
	httpSrv := mcptest.GoSDKHTTP(b, mcptest.GoSDKOptions{JSONResponse: true, Versions: sdkserver.LegacyVersions})
	fake, fakeArgs := mcptest.FakeStdio(b, mcptest.FakeStdioOK)
	silent, silentArgs := mcptest.FakeStdio(b, mcptest.FakeStdioSilentLegacy)
	servers := []struct {
		name   string
		server config.Server
	}{
		{"http", httpServerConfig("legacy", httpSrv.URL+mcptest.GoSDKPath, 10*time.Second)},
		{"stdio", stdioConfig("legacy", fake, fakeArgs)},
		{"stdio-silent", stdioConfig("silent", silent, silentArgs)},
	}
	for _, s := range servers {
		for _, protocol := range []string{ProtocolAuto, ProtocolLegacy} {
			b.Run(s.name+"/"+protocol, func(b *testing.B) {
				for b.Loop() {
					if res := Run(context.Background(), s.server, Options{Protocol: protocol}); !res.Healthy {
						b.Fatalf("not healthy:%s", dumpStages(res))
					}
				}
			})
		}
	}
}

// BenchmarkListFiftyLegacyServers: list over 50 legacy HTTP servers, by
// default and as before the modern era. Probes run concurrently, so the
// wall time follows one server's, and the one extra exchange each is not
// the sum.
func BenchmarkListFiftyLegacyServers(b *testing.B) {
	var servers []config.Server
	for i := range 50 {
		srv := mcptest.GoSDKHTTP(b, mcptest.GoSDKOptions{JSONResponse: true, Versions: sdkserver.LegacyVersions})
		servers = append(servers, httpServerConfig(fmt.Sprintf("legacy%02d", i), srv.URL+mcptest.GoSDKPath, 10*time.Second))
	}
	for _, protocol := range []string{ProtocolAuto, ProtocolLegacy} {
		b.Run(protocol, func(b *testing.B) {
			for b.Loop() {
				for _, r := range RunAll(context.Background(), servers, Options{Protocol: protocol}, JobsLimits(8), nil) {
					if !r.Healthy {
						b.Fatalf("%s: %+v", r.Name, r.Failure)
					}
				}
			}
		})
	}
}
