#!/usr/bin/env node
// @ts-check
/**
 * bench/run.js: switchyard's benchmark runner (`npm run bench`).
 *
 *   node bench/run.js [--quick] [--out DIR] [--filter SUBSTRING] [--reps N]
 *                     [--case-timeout SECONDS] [--no-progress]   (--help: what each does)
 *
 * 1. builds the native bench (bench/native/bench.c) with gcc -O2 against
 *    native/gen + native/src (+ Boost.Context when installed) and a no-op
 *    N-API addon (bench/js/noop.c) for the JS baseline;
 * 2. measures the cycle counter's frequency once, in a process that does
 *    nothing else;
 * 3. runs every case in its own process (native: bench-native run CASE;
 *    JS: node bench/js/cases.js run CASE), one after the other, with a
 *    progress bar;
 * 4. prints a table (median, min, max, max/min spread, ratio to the
 *    baselines measured in the same run), and writes DIR/latest.json and
 *    DIR/latest.svg (default DIR: bench/results, gitignored).
 *
 * A case whose max/min > 3 is flagged "noisy". Figures are reported, never
 * asserted: the targets at the end say met / not met.
 */
'use strict';

const { spawn, spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { Command, InvalidArgumentError } = require('commander');

const ROOT = path.resolve(__dirname, '..');
const NOISY_SPREAD = 3;

/**
 * @typedef {{ quick: boolean, out: string, filter: string | undefined, reps: number, caseTimeoutMs: number,
 *   nativeRepMs: number, jsRepMs: number, calibrateMs: number, progress: boolean }} Options
 * @typedef {{ case: string, unit?: string, iters?: number, reps?: number[], note?: string,
 *   skipped?: string }} RawResult
 * @typedef {{ name: string, median: number | null, ratio: number | null }} BaselineRef
 * @typedef {{ name: string, group: 'native' | 'js', role: 'case' | 'baseline', unit: string,
 *   median: number | null, min: number | null, max: number | null, spread: number | null,
 *   noisy: boolean, iters: number | null, reps: number[], note: string,
 *   baselines: BaselineRef[], seconds: number, skipped?: string, error?: string }} CaseResult
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
};

/** targets from the issue: figures to report, never assertions */
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
  { name: 'JS fiber round trip <= 250 ns', caseName: 'js.fiber.roundtrip', absoluteNs: 250 },
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

/** @param {string[]} argv @returns {Options} */
function parseArgs(argv) {
  const cli = new Command('bench')
    .description("switchyard's benchmarks: ns per operation beside the baselines measured in the same run")
    .option('--quick', 'short repetitions (CI smoke: checks that it runs, never its figures)', false)
    .option('--out <dir>', 'where latest.json and latest.svg go', path.join(ROOT, 'bench', 'results'))
    .option('--filter <substring>', 'run only the cases whose name contains this')
    .option('--reps <n>', 'repetitions per case (median of these; default 9, quick 7)', integerAtLeast(7))
    .option(
      '--case-timeout <seconds>',
      'give up on one case after this long (default 180, quick 30; an emulated node needs more)',
      integerAtLeast(1),
    )
    .option('--no-progress', 'no progress bar or per-case lines')
    .parse(argv, { from: 'user' });
  const o = cli.opts();
  const quick = Boolean(o.quick);
  return {
    quick,
    out: path.resolve(o.out),
    filter: o.filter,
    reps: o.reps ?? (quick ? 7 : 9),
    caseTimeoutMs: (o.caseTimeout ?? (quick ? 30 : 180)) * 1000,
    nativeRepMs: quick ? 10 : 100,
    jsRepMs: quick ? 20 : 150,
    calibrateMs: quick ? 100 : 300,
    progress: o.progress,
  };
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
 * @param {string} cmd @param {string[]} args @param {number} timeoutMs
 * @returns {Promise<{ code: number | null, stdout: string, stderr: string }>}
 */
function run(cmd, args, timeoutMs) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
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

/** @param {number[]} xs */
function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * @param {string} name @param {'native' | 'js'} group @param {RawResult | null} raw @param {string} [error]
 * @returns {CaseResult}
 */
function summarize(name, group, raw, error) {
  /** @type {CaseResult} */
  const c = {
    name,
    group,
    role: name in BASELINES ? 'case' : 'baseline',
    unit: raw?.unit ?? 'ns/op',
    median: null,
    min: null,
    max: null,
    spread: null,
    noisy: false,
    iters: raw?.iters ?? null,
    reps: raw?.reps ?? [],
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
  } else c.error = 'no repetitions reported';
  return c;
}

/** @param {string} stdout @returns {any} the last JSON line, or null */
function lastJsonLine(stdout) {
  const lines = stdout.trim().split('\n').filter((l) => l.startsWith('{'));
  if (!lines.length) return null;
  return JSON.parse(lines[lines.length - 1]);
}

// ------------------------------------------------------------------ output

/** @param {number | null} v @param {string} unit */
function fmt(v, unit) {
  if (v === null) return '-';
  if (unit === 'bytes') return `${Math.round(v)} B`;
  if (v >= 1000) return `${(v / 1000).toFixed(2)} µs`;
  if (v >= 100) return `${v.toFixed(0)} ns`;
  if (v >= 10) return `${v.toFixed(1)} ns`;
  return `${v.toFixed(2)} ns`;
}

/** @param {number} r */
function fmtRatio(r) {
  return r >= 10 ? `${r.toFixed(0)}x` : r >= 0.1 ? `${r.toFixed(2)}x` : `${r.toFixed(3)}x`;
}

/** a short display name for a baseline in the table */
/** @param {string} name */
function shortName(name) {
  return name.replace(/^native\./, '').replace(/^js\./, '');
}

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

/** @param {string} s */
function esc(s) {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
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
  const mems = cases.filter((c) => c.unit === 'bytes');
  // the memory figures are lines of text under the axis, one each
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
    const txt = mem.median !== null ? `${mem.name}: median ${fmt(mem.median, 'bytes')} (min ${fmt(mem.min, 'bytes')}, max ${fmt(mem.max, 'bytes')})` : `${mem.name}: ${mem.skipped ?? mem.error}`;
    parts.push(`<text x="10" y="${height - 12 - 14 * (mems.length - 1 - i)}" fill="#333">${esc(txt)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}

// ------------------------------------------------------------------ main

/** @param {Options} opt */
async function main(opt) {
  const started = Date.now();
  const buildDir = path.join(opt.out, 'build');
  fs.mkdirSync(buildDir, { recursive: true });

  process.stderr.write('bench: building the native bench...\n');
  const nat = buildNative(buildDir);
  const noop = buildNoop(buildDir);

  // the counter's frequency, measured once in a process that never switches
  const cal = await run(nat.exe, ['calibrate', String(opt.calibrateMs)], 30000);
  const tickHz = cal.code === 0 ? lastJsonLine(cal.stdout)?.tick_hz : undefined;
  if (!tickHz || !(Number(tickHz) > 0)) throw new Error(`bench: calibration failed: ${cal.stderr}`);

  const nativeList = spawnSync(nat.exe, ['list'], { encoding: 'utf8' }).stdout.trim().split('\n');
  const jsList = spawnSync(process.execPath, [path.join(__dirname, 'js', 'cases.js'), 'list'], { encoding: 'utf8' })
    .stdout.trim()
    .split('\n');
  /** @type {{ name: string, group: 'native' | 'js' }[]} */
  let plan = [
    ...nativeList.map((name) => ({ name, group: /** @type {const} */ ('native') })),
    ...jsList.map((name) => ({ name, group: /** @type {const} */ ('js') })),
  ];
  if (opt.filter) {
    const f = opt.filter;
    plan = plan.filter((p) => p.name.includes(f) || Object.entries(BASELINES).some(([k, bs]) => k.includes(f) && bs.includes(p.name)));
  }

  /** @type {any} */
  let bar = null;
  if (opt.progress && process.stderr.isTTY) {
    const cliProgress = require('cli-progress');
    bar = new cliProgress.SingleBar(
      {
        format: 'bench |{bar}| {value}/{total} cases | {duration_formatted} | {case}',
        hideCursor: true,
        clearOnComplete: true,
        stream: process.stderr,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(plan.length, 0, { case: 'starting' });
  }

  /** @type {CaseResult[]} */
  const results = [];
  for (let i = 0; i < plan.length; i++) {
    const { name, group } = plan[i];
    if (bar) bar.update(i, { case: name });
    else if (opt.progress) process.stderr.write(`bench: [${i + 1}/${plan.length}] ${name}\n`);
    const args =
      group === 'native'
        ? [nat.exe, ['run', name, '--tick-hz', String(tickHz), '--reps', String(opt.reps), '--rep-ms', String(opt.nativeRepMs)]]
        : [
            process.execPath,
            [
              path.join(__dirname, 'js', 'cases.js'),
              'run',
              name,
              '--reps',
              String(opt.reps),
              '--rep-ms',
              String(opt.jsRepMs),
              ...(noop.path ? ['--noop', noop.path] : []),
            ],
          ];
    const caseStart = Date.now();
    const r = await run(/** @type {string} */ (args[0]), /** @type {string[]} */ (args[1]), opt.caseTimeoutMs);
    let raw = null;
    let error;
    try {
      raw = /** @type {RawResult | null} */ (lastJsonLine(r.stdout));
    } catch (e) {
      error = `bad output: ${e}`;
    }
    if (r.code !== 0 || !raw) error = error ?? `exit ${r.code}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`;
    const result = summarize(name, group, raw, error);
    result.seconds = Math.round((Date.now() - caseStart) / 100) / 10;
    results.push(result);
  }
  if (bar) {
    bar.update(plan.length, { case: 'done' });
    bar.stop();
  }

  // ratios against baselines measured in this run
  const byName = new Map(results.map((c) => [c.name, c]));
  for (const c of results) {
    for (const b of BASELINES[c.name] ?? []) {
      const base = byName.get(b);
      const ratio = c.median !== null && base && base.median ? c.median / base.median : null;
      c.baselines.push({ name: b, median: base ? base.median : null, ratio });
    }
  }
  const targets = TARGETS.map((t) => {
    const c = byName.get(t.caseName);
    const value = c ? c.median : null;
    let limit = null;
    if (t.absoluteNs !== undefined) limit = t.absoluteNs;
    else if (t.absoluteBytes !== undefined) limit = t.absoluteBytes;
    else if (t.against) {
      const b = byName.get(t.against);
      limit = b && b.median !== null && t.factor !== undefined ? b.median * t.factor : null;
    }
    const unit = t.absoluteBytes !== undefined ? 'bytes' : 'ns/op';
    return { name: t.name, case: t.caseName, unit, value, limit, met: value !== null && limit !== null ? value <= limit : null };
  });

  const report = {
    schema: 1,
    generatedAt: new Date().toISOString(),
    quick: opt.quick,
    durationSeconds: Math.round((Date.now() - started) / 100) / 10,
    settings: { reps: opt.reps, nativeRepMs: opt.nativeRepMs, jsRepMs: opt.jsRepMs, noisySpread: NOISY_SPREAD },
    timing:
      'native: cycle counter (rdtsc) around one loop per repetition, frequency calibrated once in a separate process, ' +
      'switch cases (sy_switch and Boost alike): median over 16 code placements of the coroutine side per repetition (bench.c), ' +
      'no clock_gettime while switching, one process per case; js: process.hrtime.bigint() around one loop per repetition, one node process per case',
    machine: {
      cpu: os.cpus()[0]?.model ?? 'unknown',
      cores: os.cpus().length,
      arch: os.arch(),
      node: process.version,
      gcc: spawnSync('gcc', ['-dumpfullversion'], { encoding: 'utf8' }).stdout.trim(),
      tickHz: Number(tickHz),
      loadavg: os.loadavg(),
    },
    build: { boost: nat.boost, runtime: nat.runtime, notes: nat.notes, napiNoop: noop.note },
    cases: results,
    targets,
  };
  fs.mkdirSync(opt.out, { recursive: true });
  const jsonPath = path.join(opt.out, 'latest.json');
  const svgPath = path.join(opt.out, 'latest.svg');
  fs.writeFileSync(jsonPath, JSON.stringify(report, null, 2) + '\n');
  fs.writeFileSync(svgPath, svgChart(results, `switchyard bench ${report.generatedAt}${opt.quick ? ' (quick)' : ''}`));

  const out = [];
  out.push(table(results));
  out.push('');
  out.push(`median of ${opt.reps} repetitions each; max/min > ${NOISY_SPREAD} flagged NOISY; ratios are median / baseline median, same run`);
  if (!nat.boost) out.push('note: Boost.Context baselines skipped (apt-get install -y libboost-context-dev)');
  out.push('targets (figures, not assertions):');
  for (const t of targets) {
    const state = t.met === null ? 'n/a' : t.met ? 'met' : 'NOT met';
    out.push(`  ${state.padEnd(7)} ${t.name}: ${fmt(t.value, t.unit)} vs limit ${fmt(t.limit, t.unit)}`);
  }
  out.push(`load average at the end: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}; took ${report.durationSeconds} s`);
  out.push(`wrote ${path.relative(process.cwd(), jsonPath) || jsonPath} and ${path.relative(process.cwd(), svgPath) || svgPath}`);
  process.stdout.write(out.join('\n') + '\n');
}

main(parseArgs(process.argv.slice(2))).catch((err) => {
  process.stderr.write(`${err && err.stack ? err.stack : String(err)}\n`);
  process.exit(1);
});
