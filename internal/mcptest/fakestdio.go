package mcptest

import "testing"

// Modes of [FakeStdio]: the failure modes of stdio servers.
const (
	// FakeStdioOK is a correct minimal server with two tools: "ping"
	// answers "pong", "env" answers the environment it was started with.
	FakeStdioOK = "ok"
	// FakeStdioLogStdout prints log lines on stdout before and between its
	// answers, which breaks clients that read stdout as JSON-RPC.
	FakeStdioLogStdout = "log-stdout"
	// FakeStdioExitStderr writes "fatal: missing API key" on stderr and
	// exits with status 3 at once.
	FakeStdioExitStderr = "exit-stderr"
	// FakeStdioHang reads stdin and never answers, and stays when stdin
	// closes.
	FakeStdioHang = "hang"
	// FakeStdioNeverExit answers like ok, but ignores SIGTERM and a closed
	// stdin: only SIGKILL ends it.
	FakeStdioNeverExit = "never-exit"
	// FakeStdioSpawnChild starts a child (in hang mode), writes its pid to
	// the file named by $FAKE_CHILD_PID_FILE, then behaves like ok and
	// exits when stdin closes, leaving the child behind unless the client
	// kills the process group.
	FakeStdioSpawnChild = "spawn-child"
	// FakeStdioGarbage answers every request with a line of invalid JSON.
	FakeStdioGarbage = "garbage"
	// FakeStdioHuge answers every request with one 20 MiB line.
	FakeStdioHuge = "huge"
	// FakeStdioServerRequest sends a roots/list request before answering
	// tools/list and exits (status 4) unless the client answers it.
	FakeStdioServerRequest = "server-request"
	// FakeStdioEcho sends back the values of its SECRET_* environment
	// variables everywhere a stdio server's text reaches a client: on
	// stderr (every line of them), in a log line on stdout, in serverInfo,
	// instructions and its tools' names and descriptions, with the control
	// characters of [FakeHostileText]. With a second argument "crash" it
	// exits with status 1 after writing stderr, before answering.
	FakeStdioEcho = "echo"
	// FakeStdioSilentLegacy is a legacy server (2025-11-25) that answers
	// nothing before initialize: a request of any other method, such as
	// server/discover, gets no answer at all.
	FakeStdioSilentLegacy = "silent-legacy"
	// FakeStdioSlowModern is a modern server (2026-07-28 only) that takes
	// 1.5 s to answer server/discover and refuses initialize at once with
	// -32022, as a modern server still starting up does.
	FakeStdioSlowModern = "slow-modern"
	// FakeStdioSilentRefuse answers nothing but initialize, which it
	// refuses (-32603 "database unavailable"): a broken legacy server that
	// ignores unknown methods.
	FakeStdioSilentRefuse = "silent-refuse"
	// FakeStdioStubborn ignores SIGTERM, SIGINT and SIGHUP, starts a child
	// that ignores them too, writes both pids (its own, then the child's)
	// to $FAKE_CHILD_PID_FILE, and never answers: only SIGKILL to its
	// process group ends them.
	FakeStdioStubborn = "stubborn"
	// FakeStdioInvisible is a correct server whose tool "add" (its name
	// ending in a tag character) has a description that hides an
	// instruction to the model in Unicode tag characters, with variation
	// selectors, a soft hyphen, U+180E, Hangul fillers and zero-width
	// characters around it; the server's name and instructions carry
	// such characters too.
	FakeStdioInvisible = "invisible"
	// FakeStdioStringID answers each request with its id turned into a
	// string (1 becomes "1"), as a JSON-RPC layer that keeps ids as
	// strings does; otherwise it is FakeStdioOK.
	FakeStdioStringID = "string-id"
	// FakeStdioNullID answers every request with a JSON-RPC error whose
	// id is null (-32600), as a server that cannot read the request does.
	FakeStdioNullID = "null-id"
)

// FakeStdioName is the serverInfo.name of FakeStdio.
const FakeStdioName = "mcptest-fake-stdio"

// FakeStdio returns the command line of the fake stdio server in one of the
// modes above, built from internal/mcptest/fakestdio once per test process.
// The caller spawns it, and must kill it.
func FakeStdio(t testing.TB, mode string) (command string, args []string) {
	t.Helper()
	return buildMain(t, "fakestdio"), []string{mode}
}
