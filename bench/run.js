#!/usr/bin/env node
// @ts-check
/**
 * bench/run.js: switchyard's benchmark runner (`npm run bench`).
 *
 *   node bench/run.js [--quick] [--out DIR] [--filter SUBSTRING,...] [--reps N]
 *                     [--nodes 20,22,24,26 | all] [--rounds N]
 *                     [--http-pairs N] [--http-seconds S] [--http-requests N]
 *                     [--case-timeout SECONDS] [--no-progress]   (--help: what each does)
 *
 * 1. resolves the Nodes to measure (nodes.js): the one running this, or
 *    those --nodes names (fetched into .cache/node when missing), each
 *    loading its own addon (build/Release for this Node's ABI, prebuilds/
 *    for every other);
 * 2. without --nodes, builds the native bench (bench/native/bench.c) with
 *    gcc -O2 against native/gen + native/src (+ Boost.Context when
 *    installed) and measures the cycle counter's frequency once, in a
 *    process that does nothing else; the native cases do not depend on the
 *    Node, so --nodes runs only the JS and HTTP cases; builds a no-op N-API
 *    addon (bench/js/noop.c) for the JS baseline (N-API: one for every Node);
 * 3. runs every case in its own process (native: bench-native run CASE;
 *    JS: node bench/js/cases.js run CASE), with a progress bar. With
 *    several rounds (the default with several Nodes) each round runs every
 *    JS case once on each Node in turn (20 22 24 26 20 22 ...): the
 *    figure of a case is the median over rounds, and its ratio to a
 *    baseline the median of the ratios within a round;
 * 4. runs the HTTP workload (http/): an async/await handler and a fiber
 *    handler on one loopback server per Node, loaded by autocannon in pairs
 *    A B, for N = 3 and 30 driver calls a request, every response checked;
 * 5. prints a table (one Node: median, min, max, max/min spread, ratio to
 *    the baselines measured in the same run; several: side by side, see
 *    side-by-side.js), and writes DIR/latest.json and DIR/latest.svg
 *    (default DIR: bench/results, gitignored).
 *
 * A case whose max/min > 3 is flagged "noisy". Figures are reported, never
 * asserted: the targets at the end say met / not met. The exit status is 1
 * when an HTTP response was wrong (a correctness failure, not a figure).
 */
'use strict';

const { spawn, spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { Command, InvalidArgumentError } = require('commander');
const { median, fmt, fmtRatio, shortName, esc } = require('./format');
const { resolveNodes, usageError } = require('./nodes');
const { runHttpWorkload, httpCases } = require('./http/pairs');
const { sideBySideTable, sideBySideSvg } = require('./side-by-side');

const ROOT = path.resolve(__dirname, '..');
const NOISY_SPREAD = 3;
/** the HTTP workload's driver calls per request, and its load */
const HTTP_NS = [3, 30];
const HTTP_CONNECTIONS = 20;

/**
 * @typedef {import('./nodes').BenchNode} BenchNode
 * @typedef {{ quick: boolean, out: string, filter: string[] | undefined, nodes: string | undefined,
 *   rounds: number | undefined, reps: number | undefined, caseTimeoutMs: number, nativeRepMs: number,
 *   jsRepMs: number, calibrateMs: number, httpPairs: number, httpSeconds: number, httpWarmSeconds: number,
 *   httpRequests: number, progress: boolean }} Options
 * rounds and reps: undefined until the Nodes are known (their defaults depend on how many)
 * @typedef {{ case: string, unit?: string, iters?: number, reps?: number[], note?: string,
 *   skipped?: string }} RawResult
 * @typedef {{ name: string, median: number | null, ratio: number | null }} BaselineRef
 * @typedef {{ name: string, group: 'native' | 'js' | 'http', node: string | null, role: 'case' | 'baseline',
 *   unit: string, median: number | null, min: number | null, max: number | null, spread: number | null,
 *   noisy: boolean, iters: number | null, reps: number[], rounds: number[], note: string,
 *   baselines: BaselineRef[], seconds: number, skipped?: string, error?: string,
 *   http?: { requests: number, checked: number, mismatches: number, errors: number, timeouts: number } }} CaseResult
 * node: the Node version it ran on (null: a native case). reps: the
 * figures min, median and max are taken over: a process's repetitions with
 * one round, the per-round medians with several, the per-pair req/s of an
 * HTTP case. rounds: the figure of each round (or HTTP pair), which the
 * ratios to baselines pair up.
 */

/** which cases each case is compared with (the first one is its main baseline) */
/** @type {Record<string, string[]>} */
const BASELINES = {
  'native.sy_switch.roundtrip': [
    'native.boost.jump_fcontext.roundtrip',
    'native.glibc.swapcontext.roundtrip',
    'native.indirect_call',
  ],
  'native.sy_switch.oneway': ['native.boost.jump_fcontext.oneway'],
  'native.sy_switch.roundtrip_with_calls': ['native.boost.jump_fcontext.roundtrip_with_calls', 'native.calls_only'],
  'native.sched.yield_hop': ['native.sy_switch.oneway', 'native.sy_switch.roundtrip'],
  'native.chan.unbuffered.oneway': ['native.sy_switch.roundtrip'],
  'native.chan.buffered.throughput': ['native.chan.unbuffered.oneway'],
  'native.spawn_run_finish': ['native.boost.make_fcontext.start_finish'],
  'native.memory.idle_coroutine_rss': [],
  'js.fiber.memory.idle_rss_10k': [],
  'js.fiber.memory.idle_rss_100k': [],
  'js.fiber.roundtrip': ['js.generator.next', 'js.napi.noop'],
  'js.fiber.roundtrip.store': ['js.fiber.roundtrip'],
  'js.fiber.roundtrip.long_stacks': ['js.fiber.roundtrip'],
  'js.fiber.error_escape.long_stacks': ['js.fiber.error_escape'],
  'js.fiber.channel.oneway': ['js.promise_channel.oneway'],
  'js.fiber.wait_resolved': ['js.await.resolved'],
  'js.fiber.spawn_run_finish': ['js.generator.create_run_finish'],
  // req/s: the ratio is fiber / async, above 1 when the fiber handler serves more
  'http.fiber.n3': ['http.async.n3'],
  'http.fiber.n30': ['http.async.n30'],
};

/**
 * Targets from the issues: figures to report, never assertions. `against`
 * compares the case's ratio to that baseline (same run) with `factor`: at
 * most, or at least with `atLeast`; evaluated on each Node that ran the case.
 * @type {{ name: string, caseName: string, absoluteNs?: number, absoluteBytes?: number,
 *   against?: string, factor?: number, atLeast?: boolean }[]}
 */
const TARGETS = [
  {
    name: 'sy_switch round trip no slower than Boost.Context',
    caseName: 'native.sy_switch.roundtrip',
    against: 'native.boost.jump_fcontext.roundtrip',
    factor: 1,
  },
  {
    name: 'channel one-way hop within 3x of a raw switch round trip',
    caseName: 'native.chan.unbuffered.oneway',
    against: 'native.sy_switch.roundtrip',
    factor: 3,
  },
  { name: 'JS fiber round trip <= 200 ns', caseName: 'js.fiber.roundtrip', absoluteNs: 200 },
  { name: 'JS fiber round trip <= 10x generator next()', caseName: 'js.fiber.roundtrip', against: 'js.generator.next', factor: 10 },
  {
    name: 'fiber channel one-way <= 1.0x the promise channel',
    caseName: 'js.fiber.channel.oneway',
    against: 'js.promise_channel.oneway',
    factor: 1,
  },
  { name: 'wait() on a resolved promise <= 5x await', caseName: 'js.fiber.wait_resolved', against: 'js.await.resolved', factor: 5 },
  { name: 'fiber spawn + run + finish <= 1 µs', caseName: 'js.fiber.spawn_run_finish', absoluteNs: 1000 },
  { name: 'HTTP, N = 3: fiber handler >= 0.95x async/await', caseName: 'http.fiber.n3', against: 'http.async.n3', factor: 0.95, atLeast: true },
  { name: 'HTTP, N = 30: fiber handler >= 0.95x async/await', caseName: 'http.fiber.n30', against: 'http.async.n30', factor: 0.95, atLeast: true },
  {
    name: 'resident memory per idle JS fiber <= 8 KiB (100,000 suspended)',
    caseName: 'js.fiber.memory.idle_rss_100k',
    absoluteBytes: 8192,
  },
];

/** whole-number option values, refused with the option named when they are not */
/** @param {number} min @returns {(v: string) => number} */
function integerAtLeast(min) {
  return (v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`expected an integer >= ${min}, got '${v}'`);
    return n;
  };
}

/** a positive number of seconds @param {string} v */
function positiveSeconds(v) {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`expected a positive number of seconds, got '${v}'`);
  return n;
}

/** @param {string[]} argv @returns {Options} */
function parseArgs(argv) {
  const cli = new Command('bench')
    .description("switchyard's benchmarks: ns per operation beside the baselines measured in the same run")
    .option('--quick', 'short repetitions (CI smoke: checks that it runs, never its figures)', false)
    .option('--out <dir>', 'where latest.json and latest.svg go', path.join(ROOT, 'bench', 'results'))
    .option('--filter <substrings>', 'run only the cases whose name contains one of these (comma-separated), and their baselines')
    .option(
      '--nodes <list>',
      'run the JS and HTTP cases on each of these Nodes, side by side: majors or versions (20,22,24.21.0) or all; ' +
        'fetched into .cache/node when missing (default: only the Node running this, with the native cases too)',
    )
    .option('--rounds <n>', 'run each JS case this many times per Node, in turn on each (default 1 with one Node, 7 with several; quick 3)', integerAtLeast(1))
    .option('--reps <n>', 'repetitions per process, their median is its figure (default 9, quick 7; with several rounds 3)', integerAtLeast(1))
    .option('--http-pairs <n>', 'HTTP workload: async then fiber runs per Node and N (default 3)', integerAtLeast(3))
    .option('--http-seconds <s>', 'HTTP workload: length of one run (default 5, quick 0.5)', positiveSeconds)
    .option('--http-requests <n>', 'HTTP workload: most requests in one run (default 200000, quick 3000)', integerAtLeast(HTTP_CONNECTIONS))
    .option(
      '--case-timeout <seconds>',
      'give up on one case after this long (default 180, quick 30; an emulated node needs more)',
      integerAtLeast(1),
    )
    .option('--no-progress', 'no progress bar or per-case lines')
    .parse(argv, { from: 'user' });
  const o = cli.opts();
  const quick = Boolean(o.quick);
  if (o.rounds === 2) cli.error("error: option '--rounds <n>' must be 1 or at least 3 (a median of two is no median)");
  return {
    quick,
    out: path.resolve(o.out),
    filter: o.filter === undefined ? undefined : String(o.filter).split(',').filter(Boolean),
    nodes: o.nodes,
    rounds: o.rounds,
    reps: o.reps,
    caseTimeoutMs: (o.caseTimeout ?? (quick ? 30 : 180)) * 1000,
    nativeRepMs: quick ? 10 : 100,
    jsRepMs: quick ? 20 : 150,
    calibrateMs: quick ? 100 : 300,
    httpPairs: o.httpPairs ?? 3,
    httpSeconds: o.httpSeconds ?? (quick ? 0.5 : 5),
    httpWarmSeconds: quick ? 0.3 : 1,
    httpRequests: o.httpRequests ?? (quick ? 3000 : 200000),
    progress: o.progress,
  };
}

/**
 * Rounds and repetitions once the Nodes are known: one round of 9 (quick
 * 7) repetitions for one Node, as ever; with several, 7 rounds (quick 3) of
 * 3, so that every Node is measured in every stretch of the run.
 * @param {Options} opt @param {number} nodeCount
 */
function roundsAndReps(opt, nodeCount) {
  const rounds = opt.rounds ?? (nodeCount > 1 ? (opt.quick ? 3 : 7) : 1);
  const reps = opt.reps ?? (rounds > 1 ? 3 : opt.quick ? 7 : 9);
  if (rounds === 1 && reps < 7) throw usageError('--reps must be at least 7 with one round (or run several --rounds)');
  // native and memory cases run once whatever the rounds: native ones do not
  // depend on the Node, and bytes do not drift with the machine's load
  const onceReps = opt.reps !== undefined && rounds === 1 ? opt.reps : opt.quick ? 7 : 9;
  return { rounds, reps, onceReps };
}

// ------------------------------------------------------------------ build

/**
 * @param {string[]} args
 * @returns {{ ok: boolean, stderr: string }}
 */
function gcc(args, cc = 'gcc') {
  const r = spawnSync(cc, args, { cwd: ROOT, encoding: 'utf8' });
  return { ok: r.status === 0, stderr: (r.stderr || '') + (r.error ? String(r.error) : '') };
}

/**
 * The C compiler for addons this node loads: gcc, unless gcc builds for
 * another machine (an emulated node: the arm64 suite on x64 under qemu), then
 * the cross compiler for this node's arch.
 */
function addonCompiler() {
  const cpu = spawnSync('gcc', ['-dumpmachine'], { encoding: 'utf8' }).stdout.trim().split('-')[0];
  const want = { x64: 'x86_64', arm64: 'aarch64', riscv64: 'riscv64' }[process.arch];
  return !want || cpu === want ? 'gcc' : `${want}-linux-gnu-gcc`;
}

/**
 * The generated switcher for the machine gcc builds for. The native bench is
 * a host program: under an emulated node (the arm64 suite in qemu) os.arch()
 * is the emulated one, not the compiler's.
 */
function switcherSources() {
  const machine = spawnSync('gcc', ['-dumpmachine'], { encoding: 'utf8' }).stdout.trim();
  const cpu = machine.split('-')[0];
  const abi = cpu === 'x86_64' ? 'x86_64_sysv' : cpu === 'aarch64' ? 'aarch64_aapcs64' : cpu === 'riscv64' ? 'riscv64_lp64d' : null;
  if (!abi || !machine.includes('linux')) throw new Error(`bench: no generated switcher for gcc's target '${machine || 'unknown'}'`);
  return [`native/gen/context_${abi}.S`, `native/gen/context_make_${abi}.c`];
}

/**
 * Builds bench-native: with the runtime and Boost if possible, then without
 * Boost, then without the runtime; the cases that lost their code skip.
 * @param {string} buildDir
 */
function buildNative(buildDir) {
  const exe = path.join(buildDir, 'bench-native');
  const runtime = fs
    .readdirSync(path.join(ROOT, 'native', 'src'))
    .filter((f) => f.endsWith('.c'))
    .map((f) => `native/src/${f}`);
  const common = ['-O2', '-g', '-Inative/include', '-Inative/src', 'bench/native/bench.c', ...switcherSources()];
  /** @type {string[]} */
  const notes = [];
  const attempts = [
    { boost: true, runtime: true, args: ['-DSY_BENCH_BOOST', ...common, ...runtime, '-lboost_context'] },
    { boost: false, runtime: true, args: [...common, ...runtime] },
    { boost: false, runtime: false, args: ['-DSY_BENCH_NO_RUNTIME', ...common] },
  ];
  for (const a of attempts) {
    const r = gcc([...a.args, '-o', exe]);
    if (r.ok) return { exe, boost: a.boost, runtime: a.runtime, notes };
    notes.push(
      `${a.boost ? 'with Boost.Context' : a.runtime ? 'without Boost' : 'switcher only'}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`,
    );
  }
  throw new Error(`bench: the native bench does not build:\n${notes.join('\n')}`);
}

/** @param {string} buildDir @returns {{ path: string | null, note: string }} */
function buildNoop(buildDir) {
  const candidates = [
    path.resolve(path.dirname(process.execPath), '..', 'include', 'node'),
    path.join(os.homedir(), '.cache', 'node-gyp', process.versions.node, 'include', 'node'),
    '/usr/include/node',
  ];
  const inc = candidates.find((d) => fs.existsSync(path.join(d, 'node_api.h')));
  if (!inc) return { path: null, note: 'node headers (node_api.h) not found' };
  const out = path.join(buildDir, 'noop.node');
  const r = gcc(['-O2', '-shared', '-fPIC', '-DNODE_GYP_MODULE_NAME=noop', `-I${inc}`, 'bench/js/noop.c', '-o', out], addonCompiler());
  return r.ok ? { path: out, note: `built against ${inc}` } : { path: null, note: r.stderr.trim() };
}

// ------------------------------------------------------------------ running

/**
 * @param {string} cmd @param {string[]} args @param {number} timeoutMs @param {Record<string, string>} [env] added to ours
 * @returns {Promise<{ code: number | null, stdout: string, stderr: string }>}
 */
function run(cmd, args, timeoutMs, env = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      stderr += `\n(timed out after ${timeoutMs} ms)`;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * One case on one Node (node null: native) from its figures, raw.reps.
 * `rounds`: the figure of each round, when there were several (else the
 * median of raw.reps is round 0's).
 * @param {string} name @param {'native' | 'js' | 'http'} group @param {string | null} node
 * @param {RawResult | null} raw @param {string} [error] @param {number[]} [rounds]
 * @returns {CaseResult}
 */
function summarize(name, group, node, raw, error, rounds) {
  /** @type {CaseResult} */
  const c = {
    name,
    group,
    node,
    role: name in BASELINES ? 'case' : 'baseline',
    unit: raw?.unit ?? 'ns/op',
    median: null,
    min: null,
    max: null,
    spread: null,
    noisy: false,
    iters: raw?.iters ?? null,
    reps: raw?.reps ?? [],
    rounds: [],
    note: raw?.note ?? '',
    baselines: [],
    seconds: 0,
  };
  if (error) c.error = error;
  else if (raw?.skipped) c.skipped = raw.skipped;
  else if (raw?.reps && raw.reps.length) {
    c.median = median(raw.reps);
    c.min = Math.min(...raw.reps);
    c.max = Math.max(...raw.reps);
    c.spread = c.min > 0 ? c.max / c.min : null;
    c.noisy = c.spread !== null && c.spread > NOISY_SPREAD;
    c.rounds = rounds ?? [c.median];
  } else c.error = 'no repetitions reported';
  return c;
}

/**
 * A case's ratio to a baseline: the median of the ratios within each round
 * (or HTTP pair), which the machine's drift between rounds leaves alone;
 * with one round, the ratio of the medians.
 * @param {CaseResult} c @param {CaseResult | undefined} base @returns {number | null}
 */
function ratioTo(c, base) {
  if (!base || c.median === null || !base.median) return null;
  const n = c.rounds.length;
  if (n > 1 && base.rounds.length === n && base.rounds.every((v) => v > 0)) return median(c.rounds.map((v, i) => v / base.rounds[i]));
  return c.median / base.median;
}

/** @param {string} stdout @returns {any} the last JSON line, or null */
function lastJsonLine(stdout) {
  const lines = stdout.trim().split('\n').filter((l) => l.startsWith('{'));
  if (!lines.length) return null;
  return JSON.parse(lines[lines.length - 1]);
}

// ------------------------------------------------------------------ output

/** @param {CaseResult[]} cases */
function table(cases) {
  const rows = [['case', 'median', 'min', 'max', 'max/min', 'vs baseline (median ratio)']];
  for (const c of cases) {
    if (c.skipped || c.error) {
      rows.push([c.name, c.skipped ? `skipped: ${c.skipped}` : `error: ${c.error}`, '', '', '', '']);
      continue;
    }
    const vs = c.baselines
      .map((b) => (b.ratio === null ? `${shortName(b.name)} n/a` : `${fmtRatio(b.ratio)} ${shortName(b.name)}`))
      .join(', ');
    rows.push([
      (c.role === 'baseline' ? '  (baseline) ' : '') + c.name,
      fmt(c.median, c.unit),
      fmt(c.min, c.unit),
      fmt(c.max, c.unit),
      (c.spread === null ? '-' : c.spread.toFixed(2)) + (c.noisy ? ' NOISY' : ''),
      vs,
    ]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.filter((r) => r[2] !== '' || i === 0).map((r) => r[i].length)));
  const lines = rows.map((r) =>
    r[2] === '' && r !== rows[0]
      ? `${r[0].padEnd(widths[0])}  ${r[1]}`
      : r.map((cell, i) => (i >= 1 && i <= 4 ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))).join('  ').trimEnd(),
  );
  lines.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  return lines.join('\n');
}

/**
 * A horizontal bar chart, log scale: each case (blue) with its baselines
 * (grey) right under it; whiskers span min..max.
 * @param {CaseResult[]} cases @param {string} title
 */
function svgChart(cases, title) {
  const byName = new Map(cases.map((c) => [c.name, c]));
  /** @type {{ label: string, c: CaseResult | undefined, kind: 'case' | 'baseline', name: string }[][]} */
  const groups = [];
  for (const c of cases) {
    if (c.role !== 'case' || c.unit !== 'ns/op') continue;
    groups.push([
      { label: c.name, c, kind: 'case', name: c.name },
      ...(BASELINES[c.name] ?? []).map((b) => ({ label: `vs ${b}`, c: byName.get(b), kind: /** @type {const} */ ('baseline'), name: b })),
    ]);
  }
  const vals = cases.filter((c) => c.unit === 'ns/op' && c.min !== null && c.max !== null);
  const lo = Math.pow(10, Math.floor(Math.log10(Math.max(0.1, Math.min(...vals.map((c) => /** @type {number} */ (c.min)))))));
  const hi = Math.pow(10, Math.ceil(Math.log10(Math.max(10, ...vals.map((c) => /** @type {number} */ (c.max))))));
  const labelW = 400;
  const plotW = 560;
  const rowH = 18;
  const gap = 10;
  const top = 50;
  const rowsN = groups.reduce((a, g) => a + g.length, 0);
  const mems = cases.filter((c) => c.unit === 'bytes' || c.unit === 'req/s');
  // the memory and HTTP figures are lines of text under the axis, one each
  const memH = 14 * Math.max(0, mems.length - 1);
  const height = top + rowsN * rowH + groups.length * gap + 60 + memH;
  const width = labelW + plotW + 130;
  /** @param {number} v */
  const x = (v) => labelW + (Math.log10(Math.max(v, lo)) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo)) * plotW;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="10" y="20" font-size="15" font-weight="bold">${esc(title)}</text>`,
    `<text x="10" y="38" fill="#555">ns/op, log scale; bar = median, whisker = min..max; blue = switchyard, grey = its baselines in the same run</text>`,
  ];
  for (let d = lo; d <= hi * 1.0001; d *= 10) {
    const gx = x(d).toFixed(1);
    parts.push(`<line x1="${gx}" y1="${top - 4}" x2="${gx}" y2="${height - memH - 50}" stroke="#ddd"/>`);
    parts.push(`<text x="${gx}" y="${height - memH - 36}" text-anchor="middle" fill="#555">${d >= 1000 ? `${d / 1000} µs` : `${d} ns`}</text>`);
  }
  let y = top;
  for (const g of groups) {
    for (const row of g) {
      const c = row.c;
      const color = row.kind === 'case' ? '#2f6fbf' : '#9a9a9a';
      const weight = row.kind === 'case' ? ' font-weight="bold"' : '';
      const lx = row.kind === 'case' ? 10 : 26;
      parts.push(`<text x="${lx}" y="${y + 13}"${weight}>${esc(row.label)}</text>`);
      if (!c || c.median === null) {
        const why = !c ? 'not run' : c.skipped ? `skipped: ${c.skipped}` : `error`;
        parts.push(`<text x="${labelW + 4}" y="${y + 13}" fill="#b00" font-style="italic">${esc(why)}</text>`);
      } else {
        const w = Math.max(1, x(c.median) - labelW);
        parts.push(`<rect x="${labelW}" y="${y + 3}" width="${w.toFixed(1)}" height="${rowH - 6}" fill="${color}"/>`);
        if (c.min !== null && c.max !== null) {
          const x1 = x(c.min).toFixed(1);
          const x2 = x(c.max).toFixed(1);
          const ym = y + rowH / 2;
          parts.push(`<line x1="${x1}" y1="${ym}" x2="${x2}" y2="${ym}" stroke="black"/>`);
          parts.push(`<line x1="${x1}" y1="${ym - 4}" x2="${x1}" y2="${ym + 4}" stroke="black"/>`);
          parts.push(`<line x1="${x2}" y1="${ym - 4}" x2="${x2}" y2="${ym + 4}" stroke="black"/>`);
        }
        const label = fmt(c.median, c.unit) + (c.noisy ? ' (noisy)' : '');
        parts.push(`<text x="${labelW + plotW + 8}" y="${y + 13}">${esc(label)}</text>`);
      }
      y += rowH;
    }
    y += gap;
  }
  mems.forEach((mem, i) => {
    const vs = mem.baselines.map((b) => (b.ratio === null ? '' : `, ${fmtRatio(b.ratio)} ${b.name}`)).join('');
    const txt =
      mem.median !== null
        ? `${mem.name}: median ${fmt(mem.median, mem.unit)} (min ${fmt(mem.min, mem.unit)}, max ${fmt(mem.max, mem.unit)})${vs}`
        : `${mem.name}: ${mem.skipped ?? mem.error}`;
    parts.push(`<text x="10" y="${height - 12 - 14 * (mems.length - 1 - i)}" fill="#333">${esc(txt)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}

// ------------------------------------------------------------------ main

/** the memory cases: bytes, measured once per Node in fresh processes of their own @param {string} name */
const isMemoryCase = (name) => name.includes('.memory.');

/**
 * The targets, on each Node that ran the case (one entry with no figures
 * when none did).
 * @param {CaseResult[]} results
 */
function evaluateTargets(results) {
  return TARGETS.flatMap((t) => {
    const ran = results.filter((c) => c.name === t.caseName);
    return (ran.length ? ran : [undefined]).map((c) => {
      const unit = t.against ? 'ratio' : t.absoluteBytes !== undefined ? 'bytes' : 'ns/op';
      const limit = t.against ? /** @type {number} */ (t.factor) : t.absoluteBytes ?? /** @type {number} */ (t.absoluteNs);
      const value = !c ? null : t.against ? c.baselines.find((b) => b.name === t.against)?.ratio ?? null : c.median;
      const met = value === null ? null : t.atLeast ? value >= limit : value <= limit;
      return { name: t.name, case: t.caseName, node: c ? c.node : null, unit, value, limit, atLeast: Boolean(t.atLeast), met };
    });
  });
}

/** @param {Options} opt */
async function main(opt) {
  const started = Date.now();
  const buildDir = path.join(opt.out, 'build');
  fs.mkdirSync(buildDir, { recursive: true });
  /** @param {string} line */
  const say = (line) => process.stderr.write(line + '\n');

  const nodes = resolveNodes(opt.nodes, say);
  for (const n of nodes) {
    const addon = n.addon ? `${n.addon}${n.prebuildCurrent === false ? ' (STALE: built from other sources than native/ now)' : ''}` : 'no addon';
    say(`bench: Node ${n.version}: ${addon}, ${n.loadError ? `does not load: ${n.loadError}` : `${n.backend} backend, hand-off ${n.handoff ?? 'n/a'}`}`);
  }
  const { rounds, reps, onceReps } = roundsAndReps(opt, nodes.length);
  const withNative = opt.nodes === undefined;

  let nat = null;
  let tickHz = 0;
  if (withNative) {
    say('bench: building the native bench...');
    nat = buildNative(buildDir);
    // the counter's frequency, measured once in a process that never switches
    const cal = await run(nat.exe, ['calibrate', String(opt.calibrateMs)], 30000);
    tickHz = cal.code === 0 ? lastJsonLine(cal.stdout)?.tick_hz : undefined;
    if (!tickHz || !(Number(tickHz) > 0)) throw new Error(`bench: calibration failed: ${cal.stderr}`);
  }
  const noop = buildNoop(buildDir);

  const nativeList = nat ? spawnSync(nat.exe, ['list'], { encoding: 'utf8' }).stdout.trim().split('\n') : [];
  const jsList = spawnSync(process.execPath, [path.join(__dirname, 'js', 'cases.js'), 'list'], { encoding: 'utf8' })
    .stdout.trim()
    .split('\n');
  /** @type {{ name: string, group: 'native' | 'js' | 'http' }[]} */
  let plan = [
    ...nativeList.map((name) => ({ name, group: /** @type {const} */ ('native') })),
    ...jsList.map((name) => ({ name, group: /** @type {const} */ ('js') })),
    ...httpCases(HTTP_NS).map((name) => ({ name, group: /** @type {const} */ ('http') })),
  ];
  if (opt.filter) {
    const filters = opt.filter;
    const wanted = (/** @type {string} */ name) => filters.some((f) => name.includes(f));
    plan = plan.filter((p) => wanted(p.name) || Object.entries(BASELINES).some(([k, bs]) => wanted(k) && bs.includes(p.name)));
  }
  const nativePlan = plan.filter((p) => p.group === 'native').map((p) => p.name);
  const jsPlan = plan.filter((p) => p.group === 'js' && !isMemoryCase(p.name)).map((p) => p.name);
  const memoryPlan = plan.filter((p) => p.group === 'js' && isMemoryCase(p.name)).map((p) => p.name);
  const httpNs = HTTP_NS.filter((n) => plan.some((p) => p.group === 'http' && p.name.endsWith(`.n${n}`)));
  const httpSteps = nodes.length * httpNs.length * 2 * (1 + opt.httpPairs);
  const total = nativePlan.length + nodes.length * (rounds * jsPlan.length + memoryPlan.length) + httpSteps;

  /** @type {any} */
  let bar = null;
  if (opt.progress && process.stderr.isTTY) {
    const cliProgress = require('cli-progress');
    bar = new cliProgress.SingleBar(
      {
        format: 'bench |{bar}| {value}/{total} | {duration_formatted} | {case}',
        hideCursor: true,
        clearOnComplete: true,
        stream: process.stderr,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, { case: 'starting' });
  }
  let done = 0;
  /** @param {string} label */
  const step = (label) => {
    if (bar) bar.update(done, { case: label });
    else if (opt.progress) say(`bench: [${done + 1}/${total}] ${label}`);
    done++;
  };
  const several = nodes.length > 1;

  /** @type {CaseResult[]} */
  const results = [];

  // native cases: once each, they do not depend on the Node
  for (const name of nativePlan) {
    step(name);
    const exe = /** @type {NonNullable<typeof nat>} */ (nat).exe;
    const caseStart = Date.now();
    const r = await run(exe, ['run', name, '--tick-hz', String(tickHz), '--reps', String(onceReps), '--rep-ms', String(opt.nativeRepMs)], opt.caseTimeoutMs);
    const { raw, error } = parseCaseOutput(r);
    const result = summarize(name, 'native', null, raw, error);
    result.seconds = Math.round((Date.now() - caseStart) / 100) / 10;
    results.push(result);
  }

  // JS cases: round after round, each Node in turn, a fresh process per case
  /** @type {Map<string, { raws: RawResult[], error?: string, skipped?: string, seconds: number }>} */
  const js = new Map();
  const casesJs = path.join(__dirname, 'js', 'cases.js');
  /** @param {BenchNode} node @param {string} name @param {number} r @param {number} caseReps */
  const runJs = async (node, name, r, caseReps) => {
    step(`${rounds > 1 ? `round ${r + 1}/${rounds} ` : ''}${several ? `node ${node.version} ` : ''}${name}`);
    const key = `${node.version}\0${name}`;
    const slot = js.get(key) ?? { raws: [], seconds: 0 };
    js.set(key, slot);
    if (slot.error || slot.skipped) return;
    const caseStart = Date.now();
    const args = [...node.argv.slice(1), casesJs, 'run', name, '--reps', String(caseReps), '--rep-ms', String(opt.jsRepMs)];
    if (noop.path) args.push('--noop', noop.path);
    const res = await run(node.argv[0], args, opt.caseTimeoutMs, node.env);
    const { raw, error } = parseCaseOutput(res);
    slot.seconds += (Date.now() - caseStart) / 1000;
    if (error) slot.error = rounds > 1 ? `round ${r + 1}: ${error}` : error;
    else if (raw?.skipped) slot.skipped = raw.skipped;
    else if (raw) slot.raws.push(raw);
  };
  for (let r = 0; r < rounds; r++) {
    for (const node of nodes) {
      for (const name of jsPlan) await runJs(node, name, r, reps);
      if (r === 0) for (const name of memoryPlan) await runJs(node, name, 0, onceReps);
    }
  }
  for (const node of nodes) {
    for (const name of [...jsPlan, ...memoryPlan]) {
      const slot = js.get(`${node.version}\0${name}`);
      if (!slot) continue;
      const last = slot.raws[slot.raws.length - 1] ?? null;
      let result;
      if (slot.error || slot.skipped) result = summarize(name, 'js', node.version, { case: name, skipped: slot.skipped }, slot.error);
      else if (slot.raws.length > 1) {
        // several rounds: a round's figure is its process's median
        const perRound = slot.raws.map((raw) => median(raw.reps ?? []));
        result = summarize(name, 'js', node.version, { ...last, case: name, reps: perRound }, undefined, perRound);
      } else result = summarize(name, 'js', node.version, last, undefined);
      result.seconds = Math.round(slot.seconds * 10) / 10;
      results.push(result);
    }
  }

  // the HTTP workload: pairs of runs, each Node in turn
  let httpFailed = false;
  if (httpNs.length) {
    const httpStart = Date.now();
    const http = await runHttpWorkload({
      nodes,
      ns: httpNs,
      pairs: opt.httpPairs,
      seconds: opt.httpSeconds,
      warmSeconds: opt.httpWarmSeconds,
      maxRequests: opt.httpRequests,
      connections: HTTP_CONNECTIONS,
      startTimeoutMs: opt.caseTimeoutMs,
      step,
    });
    const seconds = Math.round((Date.now() - httpStart) / 100) / 10;
    for (const node of nodes) {
      for (const [name, raw] of /** @type {Map<string, import('./http/pairs').HttpRaw>} */ (http.get(node.version))) {
        const handler = name.split('.')[1];
        const result = summarize(
          name,
          'http',
          node.version,
          {
            case: name,
            unit: 'req/s',
            reps: raw.reps,
            skipped: raw.skipped,
            note: `${handler === 'fiber' ? 'spawned fiber, wait()' : 'async/await'} handler awaiting ${name.split('.n')[1]} promises resolved from setImmediate, ${HTTP_CONNECTIONS} connections, pairs of ${opt.httpSeconds} s runs (async then fiber)`,
          },
          raw.error,
          raw.reps,
        );
        result.http = { requests: raw.requests, checked: raw.checked, mismatches: raw.mismatches, errors: raw.errors, timeouts: raw.timeouts };
        result.seconds = seconds;
        if (raw.mismatches) httpFailed = true;
        results.push(result);
      }
    }
  }
  if (bar) {
    bar.update(total, { case: 'done' });
    bar.stop();
  }

  // ratios against baselines measured in this run, on the same Node
  const byKey = new Map(results.map((c) => [`${c.node}\0${c.name}`, c]));
  for (const c of results) {
    for (const b of BASELINES[c.name] ?? []) {
      const base = byKey.get(`${c.node}\0${b}`);
      c.baselines.push({ name: b, median: base ? base.median : null, ratio: ratioTo(c, base) });
    }
  }
  const targets = evaluateTargets(results);

  const report = {
    schema: 2,
    generatedAt: new Date().toISOString(),
    quick: opt.quick,
    durationSeconds: Math.round((Date.now() - started) / 100) / 10,
    settings: {
      reps,
      rounds,
      onceReps,
      nativeRepMs: opt.nativeRepMs,
      jsRepMs: opt.jsRepMs,
      noisySpread: NOISY_SPREAD,
      http: {
        ns: httpNs,
        pairs: opt.httpPairs,
        seconds: opt.httpSeconds,
        warmSeconds: opt.httpWarmSeconds,
        maxRequests: opt.httpRequests,
        connections: HTTP_CONNECTIONS,
      },
    },
    timing:
      'native: cycle counter (rdtsc) around one loop per repetition, frequency calibrated once in a separate process, ' +
      'switch cases (sy_switch and Boost alike): median over 16 code placements of the coroutine side per repetition (bench.c), ' +
      'no clock_gettime while switching, one process per case; js: process.hrtime.bigint() around one loop per repetition, one node process per case ' +
      '(per case and round with several rounds: the rounds run every Node in turn); ' +
      'http: autocannon in the runner against one server process per Node, requests / seconds of each run, pairs of runs async then fiber, every body checked',
    machine: {
      cpu: os.cpus()[0]?.model ?? 'unknown',
      cores: os.cpus().length,
      arch: os.arch(),
      node: process.version,
      gcc: spawnSync('gcc', ['-dumpfullversion'], { encoding: 'utf8' }).stdout.trim(),
      tickHz: Number(tickHz) || null,
      loadavg: os.loadavg(),
    },
    nodes: nodes.map(({ env, ...n }) => ({ ...n, prebuildsOnly: (env.PREBUILDS_ONLY ?? process.env.PREBUILDS_ONLY) === '1' })),
    build: nat ? { boost: nat.boost, runtime: nat.runtime, notes: nat.notes, napiNoop: noop.note } : { native: 'not built (--nodes runs the JS and HTTP cases only)', napiNoop: noop.note },
    cases: results,
    targets,
  };
  fs.mkdirSync(opt.out, { recursive: true });
  const jsonPath = path.join(opt.out, 'latest.json');
  const svgPath = path.join(opt.out, 'latest.svg');
  const title = `switchyard bench ${report.generatedAt}${opt.quick ? ' (quick)' : ''}`;
  fs.writeFileSync(jsonPath, JSON.stringify(report, null, 2) + '\n');
  fs.writeFileSync(svgPath, several ? sideBySideSvg(results, report.nodes, BASELINES, title) : svgChart(results, title));

  const out = [];
  for (const n of report.nodes) {
    out.push(
      `Node ${n.version}: ${n.addon ?? 'no addon'}${n.prebuildCurrent === false ? ' (STALE prebuild)' : ''}, ` +
        (n.loadError ? `does not load: ${n.loadError}` : `${n.backend} backend, hand-off ${n.handoff ?? 'n/a'}`),
    );
  }
  out.push('');
  out.push(several ? sideBySideTable(results, report.nodes, BASELINES) : table(results));
  out.push('');
  out.push(
    rounds > 1
      ? `median over ${rounds} rounds (each: a fresh process per case and Node, median of ${reps} repetitions; ` +
          `native and memory cases once, median of ${onceReps}); ratios are the median of the same-round ratios to the baseline on the same Node`
      : `median of ${reps} repetitions each; max/min > ${NOISY_SPREAD} flagged NOISY; ratios are median / baseline median, same run`,
  );
  if (httpNs.length) {
    out.push(
      `HTTP: ${opt.httpPairs} pairs of runs (async, then fiber) of up to ${opt.httpSeconds} s / ${opt.httpRequests} requests, ${HTTP_CONNECTIONS} connections, ` +
        `every response body checked; ratio = median of the per-pair fiber/async req/s`,
    );
  }
  if (nat && !nat.boost) out.push('note: Boost.Context baselines skipped (apt-get install -y libboost-context-dev)');
  out.push('targets (figures, not assertions):');
  for (const t of targets) {
    const state = t.met === null ? 'n/a' : t.met ? 'met' : 'NOT met';
    const where = several && t.node ? ` [Node ${t.node}]` : '';
    // ratios with two decimals here, so that 10.3x does not read as a 10x that missed a limit of 10x
    /** @param {number | null} v */
    const show = (v) => (t.unit === 'ratio' && v !== null ? `${v.toFixed(2)}x` : fmt(v, t.unit));
    out.push(`  ${state.padEnd(7)} ${t.name}${where}: ${show(t.value)} vs ${t.atLeast ? 'at least' : 'limit'} ${show(t.limit)}`);
  }
  out.push(`load average at the end: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}; took ${report.durationSeconds} s`);
  out.push(`wrote ${path.relative(process.cwd(), jsonPath) || jsonPath} and ${path.relative(process.cwd(), svgPath) || svgPath}`);
  if (httpFailed) out.push('FAILED: an HTTP handler sent a wrong response (see the http.* errors above)');
  process.stdout.write(out.join('\n') + '\n');
  if (httpFailed) process.exitCode = 1;
}

/**
 * A case process's result line, or what went wrong.
 * @param {{ code: number | null, stdout: string, stderr: string }} r
 * @returns {{ raw: RawResult | null, error: string | undefined }}
 */
function parseCaseOutput(r) {
  let raw = null;
  let error;
  try {
    raw = /** @type {RawResult | null} */ (lastJsonLine(r.stdout));
  } catch (e) {
    error = `bad output: ${e}`;
  }
  if (r.code !== 0 || !raw) error = error ?? `exit ${r.code}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`;
  return { raw, error };
}

main(parseArgs(process.argv.slice(2))).catch((err) => {
  if (err && err.usage) {
    process.stderr.write(`bench: ${err.message} (see --help)\n`);
    process.exit(2);
  }
  process.stderr.write(`${err && err.stack ? err.stack : String(err)}\n`);
  process.exit(1);
});
