// A test peer for mcpdoctor: an MCP server written with the official
// TypeScript SDK 2.x (@modelcontextprotocol/server), which speaks the
// modern protocol (2026-07-28) and, unless told otherwise, the legacy one.
//
// Usage: node ts-v2-server.mjs stdio [both|modern-only|legacy-only]
//        node ts-v2-server.mjs http PORT [both|modern-only|legacy-only]
//
// Over HTTP it listens on 127.0.0.1:PORT only, at /mcp, and refuses other
// Host and Origin headers than localhost's. It writes "ready" to stderr
// once it can be reached.
import { createServer } from 'node:http';
import { McpServer, createMcpHandler, legacyStatelessFallback } from '@modelcontextprotocol/server';
import { serveStdio, StdioServerTransport } from '@modelcontextprotocol/server/stdio';
import { toNodeHandler, localhostHostValidation, localhostOriginValidation } from '@modelcontextprotocol/node';
import * as z from 'zod';

const [mode, ...rest] = process.argv.slice(2);
const port = mode === 'http' ? Number(rest.shift()) : undefined;
const eras = rest[0] ?? 'both';
if (!['stdio', 'http'].includes(mode) || !['both', 'modern-only', 'legacy-only'].includes(eras) ||
    (mode === 'http' && !(port > 0 && port < 65536))) {
  console.error('usage: node ts-v2-server.mjs stdio [both|modern-only|legacy-only]\n       node ts-v2-server.mjs http PORT [both|modern-only|legacy-only]');
  process.exit(2);
}

function factory() {
  const server = new McpServer({ name: 'mcptest-ts-v2', version: '1.0.0' }, { capabilities: { tools: {} } });
  server.registerTool('echo', { description: 'Returns its text argument unchanged.', inputSchema: z.object({ text: z.string() }) },
    async ({ text }) => ({ content: [{ type: 'text', text }] }));
  server.registerTool('add', { description: 'Adds a and b.', inputSchema: z.object({ a: z.number(), b: z.number() }) },
    async ({ a, b }) => ({ content: [{ type: 'text', text: String(a + b) }] }));
  return server;
}
const onerror = (e) => console.error('[mcptest-ts-v2]', e?.message ?? e);

if (mode === 'stdio') {
  if (eras === 'legacy-only') {
    // The SDK's serving entries always add 2026-07-28; a bare transport
    // speaks the legacy protocol only.
    await factory().connect(new StdioServerTransport());
  } else {
    serveStdio(factory, { legacy: eras === 'modern-only' ? 'reject' : 'serve', onerror });
  }
  console.error(`[mcptest-ts-v2] stdio ready (${eras})`);
} else {
  const handler = eras === 'legacy-only'
    ? { fetch: legacyStatelessFallback(factory, onerror) }
    : createMcpHandler(factory, { legacy: eras === 'modern-only' ? 'reject' : 'stateless', onerror });
  const node = toNodeHandler(handler, { onerror });
  const validateHost = localhostHostValidation();
  const validateOrigin = localhostOriginValidation();
  const httpServer = createServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    if (path !== '/mcp') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    if (!validateHost(req, res) || !validateOrigin(req, res)) return;
    await node(req, res);
  });
  httpServer.listen(port, '127.0.0.1', () => console.error(`[mcptest-ts-v2] http ready on http://127.0.0.1:${port}/mcp (${eras})`));
  const stop = () => httpServer.close(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
