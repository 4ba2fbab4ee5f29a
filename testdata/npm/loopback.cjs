// loopback.cjs pins every TCP listener of this Node process to 127.0.0.1.
// internal/mcptest preloads it (node --require …/loopback.cjs) into the npm
// MCP servers it starts for tests, because they call app.listen(PORT) with no
// host, which binds every interface, and have no option to say otherwise.
//
// A listen() on a port (a number, a numeric string, or options with a port)
// is rewritten onto 127.0.0.1, whatever host it named; one on a Unix socket,
// a pipe or an inherited handle is left alone.
//
// It reports on stderr where each listener ended up. A failed listen
// (EADDRINUSE when another process took the port between the test picking it
// and the server binding it) ends the process with status 98 unless the
// server handled the error itself first; either way the error code reaches
// stderr, and the process does not linger listening nowhere.
'use strict';

const net = require('node:net');

const host = '127.0.0.1';
const originalListen = net.Server.prototype.listen;

function isPort(value) {
  return typeof value === 'number' || (typeof value === 'string' && /^\d+$/.test(value));
}

net.Server.prototype.listen = function listen(...args) {
  const callback = typeof args[args.length - 1] === 'function' ? args.pop() : undefined;
  const [first] = args;
  let options;
  if (first === undefined || first === null || isPort(first)) {
    // listen([port[, host[, backlog]]]): any host given is replaced.
    options = { port: first == null ? 0 : Number(first), host };
    const backlog = args.slice(1).find((a) => typeof a === 'number');
    if (backlog !== undefined) options.backlog = backlog;
  } else if (typeof first === 'object' && first.path === undefined && first.handle === undefined &&
             first._handle === undefined && first.fd === undefined) {
    // listen(options): a TCP listen; the port may be absent (random).
    options = { ...first, host };
  } else {
    // A Unix socket, a pipe, or a handle: nothing to pin.
    return originalListen.apply(this, callback ? [...args, callback] : args);
  }

  const onError = (err) => {
    process.stderr.write(`mcptest-loopback: listen ${host}:${options.port} failed: ${err.code || err.message}\n`);
    process.exit(98);
  };
  this.once('error', onError);
  this.once('listening', () => {
    this.removeListener('error', onError);
    const address = this.address();
    process.stderr.write(`mcptest-loopback: listening on ${address.address}:${address.port}\n`);
  });
  return callback ? originalListen.call(this, options, callback) : originalListen.call(this, options);
};
