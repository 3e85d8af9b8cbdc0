/**
 * Smoke test of the benchmark runner: `node bench/run.js --quick` builds
 * and runs every case (the HTTP workload too) and writes valid JSON with a
 * numeric median for each case that ran (or a reason for each skip) and an
 * SVG chart; `--nodes` runs cases on two Nodes side by side, each loading
 * its own addon. The figures themselves are never asserted: this machine
 * is shared and noisy.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');
/** the JS cases run in this node: under emulation (the arm64 suite on qemu) startup alone is seconds per case */
const EMULATED = Boolean(process.env.SWITCHYARD_EMULATED_NODE);
/** a safety limit, not a speed check: every case in fresh processes and the HTTP workload, with other suites running beside it (CI) */
const RUN_TIMEOUT_MS = EMULATED ? 1_200_000 : 300_000;
/** per case: a JS case under qemu on a loaded machine has taken over the default quick 30 s */
const CASE_TIMEOUT_S = EMULATED ? 240 : 30;

/** cases that must have run (no optional dependency) */
const ALWAYS = [
  'native.indirect_call',
  'native.calls_only',
  'native.sy_switch.roundtrip',
  'native.sy_switch.oneway',
  'native.sy_switch.roundtrip_with_calls',
  'native.glibc.swapcontext.roundtrip',
  'js.napi.noop',
  'js.generator.next',
  'js.generator.create_run_finish',
  'js.await.resolved',
  'js.promise_channel.oneway',
  'http.async.n3',
  'http.async.n30',
];
/** cases that may be skipped with a reason (Boost not installed, runtime or JS API not there yet) */
const OPTIONAL = [
  'native.boost.jump_fcontext.roundtrip',
  'native.boost.jump_fcontext.oneway',
  'native.boost.jump_fcontext.roundtrip_with_calls',
  'native.boost.make_fcontext.start_finish',
  'native.sched.yield_hop',
  'native.chan.unbuffered.oneway',
  'native.chan.buffered.throughput',
  'native.spawn_run_finish',
  'native.memory.idle_coroutine_rss',
  'native.memory.idle_coroutine_rss.guarded_30k',
  'js.fiber.roundtrip',
  'js.fiber.roundtrip.long_stacks',
  'js.fiber.error_escape',
  'js.fiber.error_escape.long_stacks',
  'js.fiber.spawn_run_finish',
  'js.fiber.channel.oneway',
  'js.fiber.wait_resolved',
  'js.fiber.memory.idle_rss_10k',
  'js.fiber.memory.idle_rss_100k', // skipped by --quick
  'http.fiber.n3',
  'http.fiber.n30',
];

interface BenchCase {
  name: string;
  group: 'native' | 'js' | 'http';
  node: string | null;
  unit: string;
  median: number | null;
  min: number | null;
  max: number | null;
  reps: number[];
  noisy: boolean;
  skipped?: string;
  error?: string;
  baselines: { name: string; ratio: number | null }[];
  http?: { requests: number; checked: number; mismatches: number; errors: number };
}

interface BenchNode {
  version: string;
  abi: string;
  addon: string | null;
  backend: string | null;
  handoff: string | null;
}

/** the figures min/median/max are over: repetitions in one process (>= 7), HTTP pairs (>= 3) */
const minFigures = (c: BenchCase): number => (c.unit === 'req/s' ? 3 : 7);

/** an HTTP case's checks: every response was checked and matched */
function expectHttpChecked(c: BenchCase): void {
  expect(c.http).toBeDefined();
  expect(c.http!.checked).toBeGreaterThan(0);
  expect(c.http!.requests).toBe(c.http!.checked);
  expect(c.http!.mismatches).toBe(0);
}

describe('npm run bench -- --quick', () => {
  let out: string;
  let report: { quick: boolean; nodes: BenchNode[]; cases: BenchCase[]; targets: unknown[] };

  beforeAll(() => {
    out = fs.mkdtempSync(path.join(os.tmpdir(), 'switchyard-bench-'));
    const started = Date.now();
    // an emulated server answers few requests in quick's 0.5 s runs: longer runs there
    const httpSeconds = EMULATED ? ['--http-seconds', '5'] : [];
    const r = spawnSync(process.execPath, [path.join(ROOT, 'bench', 'run.js'), '--quick', ...httpSeconds, '--case-timeout', String(CASE_TIMEOUT_S), '--out', out], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: RUN_TIMEOUT_MS,
    });
    if (r.status !== 0) throw new Error(`bench/run.js --quick failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
    // informative only: CI wants quick under a minute, but a loaded machine is no test failure
    const seconds = (Date.now() - started) / 1000;
    if (seconds > 60) console.warn(`bench --quick took ${seconds.toFixed(1)} s (goal: < 60 s)`);
    report = JSON.parse(fs.readFileSync(path.join(out, 'latest.json'), 'utf8'));
  }, RUN_TIMEOUT_MS + 10_000);

  afterAll(() => {
    if (out) fs.rmSync(out, { recursive: true, force: true });
  });

  it('writes valid JSON for a quick run', () => {
    expect(report.quick).toBe(true);
    expect(Array.isArray(report.cases)).toBe(true);
    expect(Array.isArray(report.targets)).toBe(true);
  });

  it('reports every expected case', () => {
    const names = report.cases.map((c) => c.name);
    for (const name of [...ALWAYS, ...OPTIONAL]) expect(names).toContain(name);
  });

  it('gives numeric medians, min <= median <= max, at least 7 repetitions', () => {
    for (const c of report.cases) {
      if (!ALWAYS.includes(c.name) && (c.skipped !== undefined || c.error !== undefined)) continue;
      expect({ name: c.name, error: c.error, skipped: c.skipped }).toEqual({ name: c.name, error: undefined, skipped: undefined });
      expect(typeof c.median).toBe('number');
      expect(Number.isFinite(c.median)).toBe(true);
      expect(c.reps.length).toBeGreaterThanOrEqual(minFigures(c));
      expect(c.min! <= c.median! && c.median! <= c.max!).toBe(true);
      expect(typeof c.noisy).toBe('boolean');
    }
  });

  it('explains every skip', () => {
    for (const c of report.cases.filter((x) => x.skipped !== undefined)) {
      expect(typeof c.skipped).toBe('string');
      expect(c.skipped!.length).toBeGreaterThan(0);
      expect(c.median).toBeNull();
    }
  });

  it('compares cases with their baselines from the same run', () => {
    const rt = report.cases.find((c) => c.name === 'native.sy_switch.roundtrip')!;
    expect(rt.baselines.map((b) => b.name)).toContain('native.glibc.swapcontext.roundtrip');
    const swap = rt.baselines.find((b) => b.name === 'native.glibc.swapcontext.roundtrip')!;
    expect(typeof swap.ratio).toBe('number');
  });

  it('draws the SVG chart', () => {
    const svg = fs.readFileSync(path.join(out, 'latest.svg'), 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('native.sy_switch.roundtrip');
    expect(svg).toContain('http.fiber.n30');
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
  });

  it('runs on the Node running it, and says which addon that loaded', () => {
    expect(report.nodes).toHaveLength(1);
    expect(report.nodes[0].version).toBe(process.version.slice(1));
    for (const c of report.cases) expect(c.node).toBe(c.group === 'native' ? null : report.nodes[0].version);
  });

  it('checks every HTTP response and gives the fiber/async ratio', () => {
    for (const n of [3, 30]) {
      const asyncCase = report.cases.find((c) => c.name === `http.async.n${n}`)!;
      expectHttpChecked(asyncCase);
      const fiber = report.cases.find((c) => c.name === `http.fiber.n${n}`)!;
      if (fiber.skipped !== undefined) continue;
      expectHttpChecked(fiber);
      expect(fiber.unit).toBe('req/s');
      const ratio = fiber.baselines.find((b) => b.name === `http.async.n${n}`)!.ratio;
      expect(typeof ratio).toBe('number');
      expect(ratio).toBeGreaterThan(0);
    }
  });
});

// Not under emulation: every process start costs seconds under qemu, and what
// this adds (running Nodes side by side) is the same JS on every arch; the
// single-Node run above covers the emulated Node, the HTTP workload included.
const describeNative = EMULATED ? describe.skip : describe;

describeNative('npm run bench -- --quick --nodes 20,22 (JS and HTTP cases side by side)', () => {
  const NODES = ['20', '22'];
  const FILTER = 'js.fiber.wait_resolved,http.';
  let out: string;
  let stdout: string;
  let report: { nodes: BenchNode[]; cases: BenchCase[]; settings: { rounds: number }; build: Record<string, unknown> };

  beforeAll(() => {
    out = fs.mkdtempSync(path.join(os.tmpdir(), 'switchyard-bench-nodes-'));
    const args = ['--quick', '--nodes', NODES.join(','), '--filter', FILTER, '--case-timeout', String(CASE_TIMEOUT_S), '--out', out, '--no-progress'];
    const r = spawnSync(process.execPath, [path.join(ROOT, 'bench', 'run.js'), ...args], { cwd: ROOT, encoding: 'utf8', timeout: RUN_TIMEOUT_MS });
    if (r.status !== 0) throw new Error(`bench/run.js ${args.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
    stdout = r.stdout;
    report = JSON.parse(fs.readFileSync(path.join(out, 'latest.json'), 'utf8'));
  }, RUN_TIMEOUT_MS + 10_000);

  afterAll(() => {
    if (out) fs.rmSync(out, { recursive: true, force: true });
  });

  it('measures each Node named, with its own addon: a prebuild on any other ABI than the runner\'s, never build/', () => {
    expect(report.nodes.map((n) => n.version.split('.')[0])).toEqual(NODES);
    for (const n of report.nodes) {
      if (n.abi !== process.versions.modules) expect(n.addon).toMatch(/^prebuilds\//);
      if (n.addon) expect(['tls', 'threads']).toContain(n.backend);
    }
  });

  it('runs the JS and HTTP cases on every Node, and no native case', () => {
    expect(report.build.native).toMatch(/not built/);
    expect(report.cases.some((c) => c.group === 'native')).toBe(false);
    const names = ['js.await.resolved', 'js.fiber.wait_resolved', 'http.async.n3', 'http.fiber.n3', 'http.async.n30', 'http.fiber.n30'];
    for (const n of report.nodes) {
      const mine = report.cases.filter((c) => c.node === n.version).map((c) => c.name);
      expect(mine.sort()).toEqual([...names].sort());
    }
  });

  it('gives medians over interleaved rounds, and ratios to the baseline on the same Node', () => {
    expect(report.settings.rounds).toBeGreaterThanOrEqual(3);
    for (const c of report.cases) {
      if (c.skipped !== undefined && !['js.await.resolved', 'http.async.n3', 'http.async.n30'].includes(c.name)) continue;
      expect({ name: c.name, node: c.node, error: c.error, skipped: c.skipped }).toEqual({ name: c.name, node: c.node, error: undefined, skipped: undefined });
      expect(c.reps.length).toBeGreaterThanOrEqual(3);
      expect(c.min! <= c.median! && c.median! <= c.max!).toBe(true);
      if (c.name.startsWith('http.')) expectHttpChecked(c);
      for (const b of c.baselines) expect(typeof b.ratio).toBe('number');
    }
  });

  it('prints a table with a column per Node and draws them in the SVG chart', () => {
    const header = stdout.split('\n').find((l) => l.startsWith('case '))!;
    for (const n of report.nodes) expect(header).toContain(n.version);
    const svg = fs.readFileSync(path.join(out, 'latest.svg'), 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    for (const n of report.nodes) expect(svg).toContain(`Node ${n.version}`);
    expect(svg).toContain('http.fiber.n3 / http.async.n3');
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
  });
});
