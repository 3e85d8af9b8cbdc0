// @ts-check
/**
 * The HTTP workload across Nodes: one server.js per Node, a warm-up run of
 * each handler, then pairs of runs, async then fiber (A B), for each N, the
 * Nodes one after the other within each pair (20 22 24 26 20 22 ...): a
 * slow minute on this shared machine hits every Node and both handlers
 * alike. The figure of a pair is fiber req/s / async req/s from two runs
 * seconds apart against the same server process.
 */
'use strict';

const path = require('path');
const { spawn } = require('child_process');
const { loadHandler } = require('./load');
const { HANDLERS } = require('./workload');

const SERVER_JS = path.join(__dirname, 'server.js');

/**
 * @typedef {import('../nodes').BenchNode} BenchNode
 * @typedef {import('./load').LoadResult} LoadResult
 * @typedef {{ nodes: BenchNode[], ns: number[], pairs: number, seconds: number, warmSeconds: number,
 *   maxRequests: number, connections: number, startTimeoutMs: number,
 *   step: (label: string) => void }} HttpPlan
 * @typedef {{ reps: number[], requests: number, checked: number, mismatches: number, errors: number,
 *   timeouts: number, firstMismatch?: string, skipped?: string, error?: string }} HttpRaw
 */

/** the bench case name of one handler at one N @param {string} handler @param {number} n */
function httpCaseName(handler, n) {
  return `http.${handler}.n${n}`;
}

/** every HTTP case name, the fiber ones compared with the async ones @param {number[]} ns */
function httpCases(ns) {
  return ns.flatMap((n) => HANDLERS.map((h) => httpCaseName(h, n)));
}

/**
 * Starts server.js in `node` and waits for its port.
 * @param {BenchNode} node @param {number} timeoutMs
 * @returns {Promise<{ port: number, fiber: true | string, stop: () => Promise<void>, exited: () => string | null }>}
 */
function startServer(node, timeoutMs) {
  return new Promise((resolve, reject) => {
    const child = spawn(node.argv[0], [...node.argv.slice(1), SERVER_JS], {
      env: { ...process.env, ...node.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    /** @type {string | null} */
    let exit = null;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no port after ${timeoutMs} ms: ${err.trim().split('\n').slice(-3).join(' | ')}`));
    }, timeoutMs);
    child.stderr.on('data', (d) => (err = (err + d).slice(-4000)));
    child.on('exit', (code, signal) => {
      exit = `server exited (${signal ?? code}): ${err.trim().split('\n').slice(-3).join(' | ')}`;
      clearTimeout(timer);
      reject(new Error(exit));
    });
    let ready = false;
    child.stdout.on('data', (d) => {
      if (ready) return;
      out += d;
      // complete lines only
      const line = out.split('\n').slice(0, -1).find((l) => l.startsWith('{'));
      if (!line) return;
      ready = true;
      clearTimeout(timer);
      const said = JSON.parse(line);
      resolve({
        port: said.port,
        fiber: said.fiber,
        exited: () => exit,
        stop: () =>
          new Promise((done) => {
            if (exit !== null) return done();
            const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
            child.once('exit', () => {
              clearTimeout(kill);
              done();
            });
            child.stdin.end();
          }),
      });
    });
  });
}

/** @returns {HttpRaw} */
function emptyRaw() {
  return { reps: [], requests: 0, checked: 0, mismatches: 0, errors: 0, timeouts: 0 };
}

/** @param {HttpRaw} raw @param {LoadResult} r @param {boolean} measured */
function account(raw, r, measured) {
  if (measured) raw.reps.push(Number(r.reqPerSec.toFixed(1)));
  raw.requests += r.requests;
  raw.checked += r.checked;
  raw.mismatches += r.mismatches;
  raw.errors += r.errors;
  raw.timeouts += r.timeouts;
  if (r.firstMismatch && !raw.firstMismatch) raw.firstMismatch = r.firstMismatch;
}

/**
 * Runs the workload; returns per Node version, per case name, what it saw.
 * A case whose responses did not all match (or whose connections failed)
 * gets an error naming the first wrong response.
 * @param {HttpPlan} plan @returns {Promise<Map<string, Map<string, HttpRaw>>>}
 */
async function runHttpWorkload(plan) {
  /** @type {Map<string, Map<string, HttpRaw>>} */
  const results = new Map();
  /** @type {Map<string, Awaited<ReturnType<typeof startServer>>>} */
  const servers = new Map();
  for (const node of plan.nodes) {
    const perCase = new Map(httpCases(plan.ns).map((c) => [c, emptyRaw()]));
    results.set(node.version, perCase);
    try {
      const s = await startServer(node, plan.startTimeoutMs);
      servers.set(node.version, s);
      if (s.fiber !== true) for (const n of plan.ns) /** @type {HttpRaw} */ (perCase.get(httpCaseName('fiber', n))).skipped = String(s.fiber);
    } catch (e) {
      for (const raw of perCase.values()) raw.error = `server: ${e instanceof Error ? e.message : e}`;
    }
  }
  /**
   * one run of one handler on one Node (pair: its index; -1: the warm-up),
   * or nothing when that case cannot run
   * @param {BenchNode} node @param {string} handler @param {number} n @param {number} pair
   */
  const once = async (node, handler, n, pair) => {
    const name = httpCaseName(handler, n);
    const measured = pair >= 0;
    const raw = /** @type {HttpRaw} */ (results.get(node.version)?.get(name));
    plan.step(`${measured ? `pair ${pair + 1}/${plan.pairs}` : 'warm-up'} node ${node.version} ${name}`);
    const server = servers.get(node.version);
    if (!server || raw.skipped || raw.error) return;
    const r = await loadHandler({
      port: server.port,
      handler,
      n,
      seconds: measured ? plan.seconds : plan.warmSeconds,
      maxRequests: plan.maxRequests,
      connections: plan.connections,
    });
    account(raw, r, measured);
    if (measured && r.checked === 0) raw.error ??= `no response in a ${plan.seconds} s run (raise --http-seconds on a slow or emulated machine)`;
    const died = server.exited();
    if (died) for (const other of /** @type {Map<string, HttpRaw>} */ (results.get(node.version)).values()) other.error ??= died;
  };
  try {
    for (const node of plan.nodes) for (const n of plan.ns) for (const h of HANDLERS) await once(node, h, n, -1);
    for (let p = 0; p < plan.pairs; p++) {
      for (const node of plan.nodes) for (const n of plan.ns) for (const h of HANDLERS) await once(node, h, n, p);
    }
  } finally {
    await Promise.all([...servers.values()].map((s) => s.stop()));
  }
  for (const perCase of results.values()) {
    for (const raw of perCase.values()) {
      if (raw.error || raw.skipped) continue;
      if (raw.mismatches) raw.error = `${raw.mismatches} of ${raw.checked} responses wrong; first: ${raw.firstMismatch}`;
      else if (raw.errors) raw.error = `${raw.errors} connection errors (${raw.timeouts} timeouts) in ${raw.requests} requests`;
    }
  }
  return results;
}

module.exports = { runHttpWorkload, httpCases, httpCaseName };
