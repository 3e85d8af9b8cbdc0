#!/usr/bin/env node
'use strict';
/**
 * The patch-release fiber smoke: on the oldest and the newest patch release
 * of each supported major (pinned in scripts/patch-releases.json, x64), load
 * the addon from its prebuild, print the tls backend's hand-off and
 * async-context modes, and run a short fiber workload with gc() (scrambled
 * interleaving checked against a model, a channel ping-pong, an async store)
 * three times: on the tls backend, on the tls backend with every swap
 * checked against V8's own archive and restore (SWITCHYARD_CHECK_SWAP=1),
 * and on the threads backend. A Node release whose V8 code changed must show
 * up as a visible fallback, not a crash: a crash, a hang or a wrong result
 * fails, and so does a hand-off or async-context mode other than the one
 * scripts/patch-smoke-expected.json expects, with a message naming the line
 * to change.
 *
 *   npm run patch-smoke                    # every pinned release (downloads the missing ones first)
 *   npm run patch-smoke -- 24              # the pinned releases of Node 24
 *   npm run patch-smoke -- 24.5.0          # any release on npm, pinned or not
 *   npm run patch-smoke -- --run threads   # one of the runs: tls, tls-checked, threads
 */
const path = require('path');
const { spawnSync } = require('child_process');
const { ROOT, hostArch } = require('./targets');
const { fetchNode } = require('./fetch-node');
const { ARCH, pinnedReleases, parseRelease } = require('./patch-releases');
const { readExpected, judgeRun, handoffKind } = require('./patch-smoke-judge');

const WORKLOAD = path.join(__dirname, 'patch-smoke-workload.js');
const RUNS = [
  { name: 'tls', backend: 'tls', env: { SWITCHYARD_FIBER_BACKEND: 'tls' } },
  { name: 'tls-checked', backend: 'tls', env: { SWITCHYARD_FIBER_BACKEND: 'tls', SWITCHYARD_CHECK_SWAP: '1' } },
  { name: 'threads', backend: 'threads', env: { SWITCHYARD_FIBER_BACKEND: 'threads' } },
];
// a few seconds each; far more means a hang (the machine may be loaded)
const RUN_TIMEOUT_MS = 180_000;
const USAGE = 'usage: npm run patch-smoke -- [<major|version>...] [--run tls|tls-checked|threads]';

class UsageError extends Error {}

function parse(argv) {
  const opts = { select: [], runs: RUNS };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--run') {
      const name = argv[++i];
      const run = RUNS.find((r) => r.name === name);
      if (!run) throw new UsageError(`--run takes ${RUNS.map((r) => r.name).join(', ')}; got '${name ?? ''}'`);
      opts.runs = [run];
    } else if (a.startsWith('-')) throw new UsageError(`unknown option '${a}'`);
    else if (/^\d+$/.test(a) || parseRelease(a)) opts.select.push(a);
    else throw new UsageError(`'${a}' is not a Node major (24) or release (24.5.0)`);
  }
  return opts;
}

/** the releases to run: the pinned ones of the majors asked for, and any full versions asked for */
function releasesFor(select) {
  const pinned = pinnedReleases();
  if (!select.length) return pinned;
  const out = [];
  for (const s of select) {
    if (parseRelease(s)) {
      const p = pinned.find((r) => r.version === s);
      out.push(p || { arch: ARCH, major: Number(s.split('.')[0]), which: 'asked for', version: s });
    } else {
      const of = pinned.filter((r) => String(r.major) === s);
      if (!of.length) throw new UsageError(`no pinned releases of Node ${s} in scripts/patch-releases.json`);
      out.push(...of);
    }
  }
  return out;
}

/** the environment of a workload run: none of the caller's SWITCHYARD_* or NODE_OPTIONS, the prebuild only */
function runEnv(run) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('SWITCHYARD_') && k !== 'NODE_OPTIONS') env[k] = v;
  return { ...env, PREBUILDS_ONLY: '1', ...run.env };
}

function runWorkload(node, run) {
  const r = spawnSync(node.bin, ['--expose-gc', WORKLOAD], {
    cwd: ROOT,
    env: runEnv(run),
    encoding: 'utf8',
    timeout: RUN_TIMEOUT_MS,
    killSignal: 'SIGKILL',
    maxBuffer: 16 * 1024 * 1024,
  });
  const timedOut = Boolean(r.error && /ETIMEDOUT/.test(String(r.error.code || r.error.message)));
  if (r.error && !timedOut) return { status: null, signal: null, stdout: '', stderr: `could not start ${node.bin}: ${r.error.message}`, timedOut };
  return { status: r.status, signal: timedOut ? null : r.signal, stdout: r.stdout, stderr: r.stderr, timedOut };
}

function summaryLine(report) {
  const i = report.interleave;
  const parts = [];
  if (i) parts.push(`${i.hops} hops of ${i.fibers} fibers (${i.nested} from inside a fiber, ${i.gcs} gc() calls)`);
  if (report.pingPong) parts.push(`${report.pingPong.rounds} ping-pongs`);
  if (report.asyncStore) parts.push('async store kept');
  return parts.join(', ');
}

async function main(argv) {
  const opts = parse(argv);
  if (hostArch() !== 'x64') {
    console.log(`patch-smoke: SKIPPED: it runs x64 Nodes, and this machine is ${hostArch()}`);
    return 0;
  }
  const table = readExpected();
  const releases = releasesFor(opts.select);
  const started = Date.now();

  // every download first, so that a network failure is not mistaken for a smoke failure
  const nodes = [];
  for (const rel of releases) nodes.push({ rel, node: await fetchNode(rel.arch, rel.version) });

  const failures = [];
  const rows = [];
  for (const { rel, node } of nodes) {
    const label = `node ${rel.version} (${rel.arch}, ${rel.which === 'asked for' ? 'asked for' : `${rel.which} of ${rel.major}`})`;
    const row = { version: rel.version, which: rel.which, runs: {}, handoff: '', asyncContext: '' };
    for (const run of opts.runs) {
      const t0 = Date.now();
      const { report, problems } = judgeRun(runWorkload(node, run), {
        run,
        arch: rel.arch,
        version: rel.version,
        prebuildDir: `prebuilds/linux-${rel.arch}`,
        table,
      });
      const secs = ((Date.now() - t0) / 1000).toFixed(1);
      const ok = problems.length === 0;
      row.runs[run.name] = ok ? 'ok' : 'FAILED';
      if (report && run.backend === 'tls' && !row.handoff) row.handoff = handoffKind(report.handoff);
      if (report && !row.asyncContext) row.asyncContext = String(report.asyncContext);
      const modes = report ? (run.backend === 'tls' ? `hand-off ${report.handoff} · async context ${report.asyncContext}` : `async context ${report.asyncContext}`) : 'no report';
      console.log(`patch-smoke: ${label} ${run.name}: ${ok ? 'ok' : 'FAILED'} (${secs} s) · ${modes}${report && report.addon ? ` · addon ${report.addon}` : ''}`);
      if (ok) console.log(`  ${summaryLine(report)}`);
      for (const p of problems) {
        console.log(`  ${p.replace(/\n/g, '\n    ')}`);
        failures.push(`${label} ${run.name}: ${p.split('\n')[0]}`);
      }
    }
    rows.push(row);
  }

  const cols = ['release', 'which', ...opts.runs.map((r) => r.name), 'hand-off', 'async context'];
  const cells = rows.map((r) => [r.version, r.which, ...opts.runs.map((run) => r.runs[run.name]), r.handoff || '-', r.asyncContext || '-']);
  const widths = cols.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i].length)));
  const fmt = (row) => row.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  console.log(`\npatch-smoke summary (${Math.round((Date.now() - started) / 1000)} s):\n  ${fmt(cols)}\n  ${cells.map(fmt).join('\n  ')}`);
  if (failures.length) {
    console.log(`\npatch-smoke: ${failures.length} FAILED:\n  ${failures.join('\n  ')}`);
    return 1;
  }
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (rc) => {
      process.exitCode = rc;
    },
    (e) => {
      console.error(`patch-smoke: ${e.message}${e instanceof UsageError ? `\n${USAGE}` : ''}`);
      process.exitCode = e instanceof UsageError ? 2 : 1;
    },
  );
}

module.exports = { RUNS, parse, releasesFor, runEnv };
