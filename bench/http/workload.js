// @ts-check
/**
 * The HTTP workload's request handler, written twice: once with async/await
 * and once as a spawned fiber that blocks in wait(). Both compute the same
 * body, so the load generator can check every response (expectedBody).
 *
 * One request = N calls to a pretend database driver, one after the other;
 * each call returns a promise its driver resolves from a setImmediate
 * callback, the way a driver written over libuv answers from the event loop.
 * The response body names the request (x) and sums the N answers: a body
 * sent for the wrong request, or missing an answer, does not match.
 */
'use strict';

/** the handlers, by the name used in URLs and reports */
const HANDLERS = /** @type {const} */ (['async', 'fiber']);

/** what the pretend driver answers to call i of request x (small integers, exact in doubles) */
/** @param {number} x @param {number} i */
function answer(x, i) {
  return (x * 31 + i * 7) % 1009;
}

/** one driver call: a promise resolved from a setImmediate callback @param {number} x @param {number} i */
function driverCall(x, i) {
  return new Promise((resolve) => setImmediate(resolve, answer(x, i)));
}

/** the body both handlers send for request x with n driver calls @param {number} x @param {number} n */
function expectedBody(x, n) {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += answer(x, i);
  return `${x}:${sum}`;
}

/** the request path the load generator asks for @param {string} handler @param {number} n @param {number} x */
function requestPath(handler, n, x) {
  return `/${handler}/${n}?x=${x}`;
}

/** @param {string} url @returns {{ handler: string, n: number, x: number } | null} */
function parsePath(url) {
  const m = /^\/(async|fiber)\/(\d+)\?x=(\d+)$/.exec(url);
  return m ? { handler: m[1], n: Number(m[2]), x: Number(m[3]) } : null;
}

/**
 * The async/await handler.
 * @param {import('http').ServerResponse} res @param {number} x @param {number} n
 */
async function asyncHandler(res, x, n) {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += /** @type {number} */ (await driverCall(x, i));
  res.end(`${x}:${sum}`);
}

/**
 * The fiber handler: the same code without async, in a fiber of its own on
 * the default scheduler, blocking in wait() where the other awaits.
 * @param {(fn: () => void) => unknown} spawn @param {<T>(p: Promise<T>) => T} wait
 * @returns {(res: import('http').ServerResponse, x: number, n: number) => void}
 */
function fiberHandler(spawn, wait) {
  return (res, x, n) => {
    spawn(() => {
      try {
        let sum = 0;
        for (let i = 0; i < n; i++) sum += /** @type {number} */ (wait(driverCall(x, i)));
        res.end(`${x}:${sum}`);
      } catch (err) {
        // an error escaping a spawned fiber would stop the scheduler: answer it here
        fail(res, err);
      }
    });
  };
}

/** a 500 naming the error: counted as a mismatch by the load generator @param {import('http').ServerResponse} res @param {unknown} err */
function fail(res, err) {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.statusCode = 500;
  res.end(`error: ${err instanceof Error ? err.message : String(err)}`);
}

module.exports = { HANDLERS, answer, driverCall, expectedBody, requestPath, parsePath, asyncHandler, fiberHandler, fail };
