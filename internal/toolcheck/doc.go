// Package toolcheck judges the tools a server lists as the clients will
// take them: whether each client can use a tool's name or renames, drops
// or chokes on it; duplicates within a server and across the servers of
// one client; input and output schemas (an object schema, a valid JSON
// Schema, references that resolve); annotations that contradict each
// other; text hidden in names, descriptions and schemas; and what the
// definitions cost the model's context.
//
// It works on what tools/list returned (probe.Tool) and touches nothing:
// no network, no files. A schema's $ref to anything outside the schema is
// reported, never loaded.
//
// # Context cost
//
// A client hands every tool's definition (name, description, input
// schema) to the model with each request, so a server's tools occupy
// part of the model's context before the user types a word. Estimate
// approximates it without a tokenizer: the bytes of the tool's JSON as
// tools/list carried it, plus ToolOverheadBytes for what the client wraps
// around each tool (its prefixed name, the function envelope), divided by
// BytesPerToken. Four bytes a token is the usual rule of thumb for English
// and JSON with the tokenizers of Anthropic and OpenAI; dense JSON and
// non-Latin text cost more tokens a byte, so the figure is an estimate,
// marked "~" wherever it is shown. Above WarnTokens for one server a
// finding names the biggest tools: Claude Code warns when MCP output
// passes 25,000 tokens, and a server whose definitions alone cost that
// much has taken a noticeable part of a 200k window.
package toolcheck
