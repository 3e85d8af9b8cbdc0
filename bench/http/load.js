// @ts-check
/**
 * The HTTP workload's load generator side: one autocannon run against a
 * server.js handler, in the runner's own process (the same load generator,
 * on the same Node, whichever Node serves), checking every response body.
 */
'use strict';

const autocannon = require('autocannon');
const { expectedBody, requestPath } = require('./workload');

/**
 * @typedef {{ port: number, handler: string, n: number, seconds: number, maxRequests: number,
 *   connections: number }} LoadOptions
 * @typedef {{ requests: number, seconds: number, reqPerSec: number, checked: number, mismatches: number,
 *   firstMismatch?: string, errors: number, timeouts: number }} LoadResult
 * requests: responses received (each one checked), in `seconds` from the
 * start to the last one
 */

/** each request asks for a fresh x, so that a body sent to the wrong request shows */
let nextX = 1;

/**
 * Loads one handler with `connections` connections until `seconds` have
 * passed or `maxRequests` were answered, whichever comes first.
 * @param {LoadOptions} o @returns {Promise<LoadResult>}
 */
async function loadHandler(o) {
  let checked = 0;
  let mismatches = 0;
  // timed here, from the start to the last response: autocannon notices the
  // end only at its next sample tick, which would round every run's length
  const t0 = performance.now();
  let tLast = t0;
  /** @type {string | undefined} */
  let firstMismatch;
  const result = await autocannon({
    url: `http://127.0.0.1:${o.port}`,
    connections: o.connections,
    pipelining: 1,
    duration: o.seconds,
    maxOverallRequests: Math.max(o.maxRequests, o.connections),
    // autocannon notices the end (time or requests) at its sample ticks
    sampleInt: 100,
    timeout: 10,
    requests: [
      {
        setupRequest(/** @type {any} */ req, /** @type {any} */ context) {
          context.x = nextX++;
          return { ...req, method: 'GET', path: requestPath(o.handler, o.n, context.x) };
        },
        onResponse(/** @type {number} */ status, /** @type {string} */ body, /** @type {any} */ context) {
          tLast = performance.now();
          checked++;
          const want = expectedBody(context.x, o.n);
          if (status !== 200 || body !== want) {
            mismatches++;
            firstMismatch ??= `${requestPath(o.handler, o.n, context.x)}: status ${status}, body ${JSON.stringify(String(body).slice(0, 200))}, expected ${JSON.stringify(want)}`;
          }
        },
      },
    ],
  });
  const seconds = (tLast - t0) / 1000;
  return {
    requests: checked,
    seconds: Number(seconds.toFixed(3)),
    reqPerSec: seconds > 0 ? checked / seconds : 0,
    checked,
    mismatches,
    ...(firstMismatch ? { firstMismatch } : {}),
    errors: result.errors,
    timeouts: result.timeouts,
  };
}

module.exports = { loadHandler };
