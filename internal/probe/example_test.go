package probe_test

import (
	"context"
	"fmt"
	"time"

	"github.com/mcpdoctor/mcpdoctor/internal/config"
	"github.com/mcpdoctor/mcpdoctor/internal/probe"
)

// Run probes one server from the neutral model: here an entry built in
// code for a server that is not there, so that the example needs none.
// The result says which stage failed, in which category, and the verdict.
func ExampleRun() {
	s := config.Server{Name: "docs", Transport: config.TransportStreamableHTTP, URL: config.Literal("http://127.0.0.1:9/mcp"),
		Enabled: true, StartupTimeout: 5 * time.Second}
	res := probe.Run(context.Background(), s, probe.Options{})
	fmt.Println(res.Healthy, res.Auth.Status)
	fmt.Println(res.Failure.Stage, res.Failure.Category)
	// Output:
	// false failed
	// server/discover refused
}
