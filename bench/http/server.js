// @ts-check
/**
 * The HTTP workload's server, one process per Node under test (started by
 * bench/run.js with that Node): both handlers of workload.js on one loopback
 * port, so that the A B A B runs of a pair measure the same process.
 *
 *   node bench/http/server.js
 *
 * Prints one JSON line once listening: {port, fiber: true} or {port, fiber:
 * "why not"} (the fiber handler then answers 503 and the bench reports the
 * reason). GET /async/N?x=X and /fiber/N?x=X answer "X:SUM" (workload.js).
 * Exits when its stdin closes, so it never outlives the runner.
 */
'use strict';

const http = require('http');
const path = require('path');
const fs = require('fs');
const { asyncHandler, fiberHandler, parsePath, fail } = require('./workload');

// the same switchyard build the JS cases measure (cases.js)
const ROOT = process.env.SWITCHYARD_BENCH_ROOT
  ? path.resolve(process.env.SWITCHYARD_BENCH_ROOT)
  : path.resolve(__dirname, '..', '..');

/** @returns {((res: import('http').ServerResponse, x: number, n: number) => void) | string} the fiber handler, or why it cannot run */
function loadFiberHandler() {
  const entry = path.join(ROOT, 'dist', 'lib', 'index.js');
  if (!fs.existsSync(entry)) return 'dist/lib not built (npm run build)';
  try {
    const { spawn, wait } = require(entry);
    return fiberHandler(spawn, wait);
  } catch (err) {
    return `switchyard addon not loadable: ${err instanceof Error ? err.message.split('\n')[0] : err}`;
  }
}

const fiber = loadFiberHandler();

const server = http.createServer((req, res) => {
  const r = req.method === 'GET' && req.url ? parsePath(req.url) : null;
  if (!r) {
    res.statusCode = 404;
    res.end('not found');
  } else if (r.handler === 'async') {
    asyncHandler(res, r.x, r.n).catch((err) => fail(res, err));
  } else if (typeof fiber === 'string') {
    res.statusCode = 503;
    res.end(fiber);
  } else {
    fiber(res, r.x, r.n);
  }
});

server.listen(0, '127.0.0.1', () => {
  const address = /** @type {import('net').AddressInfo} */ (server.address());
  process.stdout.write(JSON.stringify({ port: address.port, fiber: typeof fiber === 'string' ? fiber : true }) + '\n');
});

process.stdin.resume();
process.stdin.on('end', () => {
  server.close();
  process.exit(0);
});
