// @ts-check
/**
 * The JavaScript benchmark cases and their baselines. bench/run.js starts
 * one node process per case, so that no case inherits another's JIT
 * feedback or heap:
 *
 *   node bench/js/cases.js list
 *   node bench/js/cases.js run CASE [--reps N] [--rep-ms MS] [--noop PATH]
 *   node bench/js/cases.js count CASE N [--noop PATH]
 *   node bench/js/cases.js idle-memory N      (one repetition of a memory case)
 *
 * `run` prints one JSON line: {case, unit, iters, reps: [ns/op...], note}
 * or {case, skipped: reason}. Each repetition is one long timed region
 * (process.hrtime.bigint() before and after n iterations), all with the same
 * n, chosen so that one lasts about --rep-ms; warm-up runs come first.
 *
 * Memory cases (unit bytes) run each repetition in a fresh node: N fibers
 * suspended at once, resident memory growth / N (`idle-memory N`).
 *
 * `count` warms up, then runs exactly N iterations untimed: for counting
 * instructions with `perf stat` (two values of N, the difference per
 * iteration), a figure that load on the machine does not move.
 *
 * The fiber API comes from the built package (dist/lib, `npm run build`).
 * APIs that do not exist yet make their cases print a skip, never fail.
 */
'use strict';

const path = require('path');
const fs = require('fs');

// SWITCHYARD_BENCH_ROOT: measure another checkout's build with these cases
// (bench/js/ab.js compares trees that way).
const ROOT = process.env.SWITCHYARD_BENCH_ROOT
  ? path.resolve(process.env.SWITCHYARD_BENCH_ROOT)
  : path.resolve(__dirname, '..', '..');

/**
 * @typedef {{ name: string, note: string, ops?: number,
 *   setup?: () => ((n: number) => void | Promise<void>) | string,
 *   measure?: (reps: number, repMs: number) => any }} JsCase
 * setup returns the loop body (n iterations per call), or a string: the
 * reason the case is skipped. measure (instead of setup) returns the whole
 * result line itself.
 */

/** @type {any} */
let libCache;
/** @returns {any | string} the switchyard JS API, or why it is unavailable */
function lib() {
  if (libCache !== undefined) return libCache;
  const entry = path.join(ROOT, 'dist', 'lib', 'index.js');
  if (!fs.existsSync(entry)) return (libCache = 'dist/lib not built (npm run build)');
  try {
    libCache = require(entry);
  } catch (err) {
    libCache = `switchyard addon not loadable: ${err instanceof Error ? err.message.split('\n')[0] : err}`;
  }
  return libCache;
}

/** @param {string} what @returns {any | string} an export of dist/lib, or the skip reason */
function api(what) {
  const l = lib();
  if (typeof l === 'string') return l;
  if (l[what] === undefined) return `${what} not available yet`;
  return l[what];
}

let sink = 0;

/**
 * A promise-based unbuffered channel: send resolves once a receiver took the
 * value; recv resolves with the next value. Plain async JS, the baseline.
 */
class PromiseChannel {
  constructor() {
    /** @type {{ value: any, done: () => void }[]} */
    this.senders = [];
    /** @type {((v: any) => void)[]} */
    this.receivers = [];
  }
  /** @param {any} value @returns {Promise<void>} */
  send(value) {
    const r = this.receivers.shift();
    if (r) {
      r(value);
      return Promise.resolve();
    }
    return new Promise((done) => this.senders.push({ value, done }));
  }
  /** @returns {Promise<any>} */
  recv() {
    const s = this.senders.shift();
    if (s) {
      s.done();
      return Promise.resolve(s.value);
    }
    return new Promise((resolve) => this.receivers.push(resolve));
  }
}

/**
 * An error escaping a fiber, its stack read where it was caught, with long
 * stack traces on or off.
 * @param {boolean} longStacks
 */
function errorEscapeCase(longStacks) {
  const Fiber = api('Fiber');
  if (typeof Fiber === 'string') return Fiber;
  const setLongStackTraces = api('setLongStackTraces');
  if (typeof setLongStackTraces === 'string') return setLongStackTraces;
  setLongStackTraces(longStacks);
  const body = () => {
    throw new Error('escapes');
  };
  return (/** @type {number} */ n) => {
    let s = 0;
    for (let i = 0; i < n; i++) {
      try {
        new Fiber(body).resume();
      } catch (error) {
        s += /** @type {Error} */ (error).stack?.length ?? 0;
      }
    }
    sink += s;
  };
}

/** @type {string | undefined} */
let noopPath;

/**
 * The timed loop of every round-trip case: `f`'s body yields v + 1 for each
 * v it is resumed with; it is started here, then resumed n times a call.
 * @param {{ resume(v: number): number }} f
 */
function roundTripLoop(f) {
  f.resume(0);
  return (/** @type {number} */ n) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += f.resume(i);
    sink += s;
  };
}

/** @type {JsCase[]} */
const CASES = [
  {
    name: 'js.napi.noop',
    note: 'a C N-API function that returns undefined',
    setup() {
      if (!noopPath || !fs.existsSync(noopPath)) return 'N-API no-op addon not built (no node headers?)';
      const { noop } = require(noopPath);
      return (n) => {
        for (let i = 0; i < n; i++) noop();
      };
    },
  },
  {
    name: 'js.generator.next',
    note: 'it.next() on an endless generator: resume + yield',
    setup() {
      function* gen() {
        let v = 0;
        for (;;) v = yield v + 1;
      }
      const it = gen();
      it.next();
      return (n) => {
        let s = 0;
        for (let i = 0; i < n; i++) s += /** @type {number} */ (it.next(i).value);
        sink += s;
      };
    },
  },
  {
    name: 'js.generator.create_run_finish',
    note: 'create a generator and run it to completion',
    setup() {
      function* empty() {
        return 1;
      }
      return (n) => {
        let s = 0;
        for (let i = 0; i < n; i++) s += /** @type {number} */ (empty().next().value);
        sink += s;
      };
    },
  },
  {
    name: 'js.await.resolved',
    note: 'await of an already-resolved promise in an async loop',
    setup() {
      const p = Promise.resolve(1);
      return async (n) => {
        let s = 0;
        for (let i = 0; i < n; i++) s += await p;
        sink += s;
      };
    },
  },
  {
    name: 'js.promise_channel.oneway',
    ops: 2,
    note: 'two async functions ping-pong over two promise-based unbuffered channels, per one-way message',
    setup() {
      return async (n) => {
        const a = new PromiseChannel();
        const b = new PromiseChannel();
        const ping = async () => {
          for (let i = 0; i < n; i++) {
            await a.send(i);
            await b.recv();
          }
        };
        const pong = async () => {
          for (let i = 0; i < n; i++) {
            const v = await a.recv();
            await b.send(v + 1);
          }
        };
        await Promise.all([ping(), pong()]);
      };
    },
  },
  {
    name: 'js.fiber.roundtrip',
    note: 'fiber.resume() + Fiber.yield() round trip',
    setup() {
      const Fiber = api('Fiber');
      if (typeof Fiber === 'string') return Fiber;
      const f = new Fiber(() => {
        let v = 0;
        for (;;) v = Fiber.yield(v + 1);
      });
      return roundTripLoop(f);
    },
  },
  {
    name: 'js.fiber.roundtrip.store',
    note: 'the same round trip with an AsyncLocalStorage store active, set by the resumer and by the fiber (each side keeps its own)',
    setup() {
      const Fiber = api('Fiber');
      if (typeof Fiber === 'string') return Fiber;
      const { AsyncLocalStorage } = require('async_hooks');
      const als = new AsyncLocalStorage();
      const f = als.run({ side: 'creator' }, () =>
        new Fiber(() => {
          als.enterWith({ side: 'fiber' });
          let v = 0;
          for (;;) v = Fiber.yield(v + 1);
        }),
      );
      als.enterWith({ side: 'resumer' });
      return roundTripLoop(f);
    },
  },
  {
    name: 'js.fiber.roundtrip.long_stacks',
    note: 'the same round trip with long stack traces on (setLongStackTraces: every resume() captures its call site)',
    setup() {
      const Fiber = api('Fiber');
      if (typeof Fiber === 'string') return Fiber;
      const setLongStackTraces = api('setLongStackTraces');
      if (typeof setLongStackTraces === 'string') return setLongStackTraces;
      setLongStackTraces(true);
      const f = new Fiber(() => {
        let v = 0;
        for (;;) v = Fiber.yield(v + 1);
      });
      return roundTripLoop(f);
    },
  },
  {
    name: 'js.fiber.error_escape',
    note: 'a fiber whose body throws a new Error: create, resume, catch it outside, read its stack',
    setup() {
      return errorEscapeCase(false);
    },
  },
  {
    name: 'js.fiber.error_escape.long_stacks',
    note: 'the same with long stack traces on: the stack read ends with the resume site',
    setup() {
      return errorEscapeCase(true);
    },
  },
  {
    name: 'js.fiber.roundtrip.addon',
    note: 'the addon\'s NativeFiber.resume() + yield directly, without lib/fiber.ts (what the JS wrapper costs)',
    setup() {
      const l = lib();
      if (typeof l === 'string') return l;
      const { native } = require(path.join(ROOT, 'dist', 'lib', 'native.js'));
      const y = native.NativeFiber.yield ?? native.yield;
      const f = new native.NativeFiber(() => {
        let v = 0;
        for (;;) v = y(v + 1);
      });
      return roundTripLoop(f);
    },
  },
  {
    name: 'js.fiber.spawn_run_finish',
    note: 'new Fiber(empty body) + resume() to completion',
    setup() {
      const Fiber = api('Fiber');
      if (typeof Fiber === 'string') return Fiber;
      const body = () => 1;
      return (n) => {
        let s = 0;
        for (let i = 0; i < n; i++) s += new Fiber(body).resume();
        sink += s;
      };
    },
  },
  {
    name: 'js.fiber.channel.oneway',
    ops: 2,
    note: 'two fibers ping-pong over two unbuffered channels, per one-way message',
    setup() {
      return channelCase();
    },
  },
  {
    name: 'js.fiber.wait_resolved',
    note: 'wait() on an already-resolved promise inside a fiber',
    setup() {
      return waitCase();
    },
  },
  {
    name: 'js.fiber.memory.idle_rss_10k',
    note: 'resident memory per suspended fiber: RSS growth / 10,000 fibers suspended at once, a fresh node per repetition',
    measure: (reps) => idleMemoryCase('js.fiber.memory.idle_rss_10k', 10_000, reps),
  },
  {
    name: 'js.fiber.memory.idle_rss_100k',
    note: 'resident memory per suspended fiber: RSS growth / 100,000 fibers suspended at once, a fresh node per repetition',
    // ~10 s a repetition: not in --quick (short repetitions), which is a smoke test
    measure: (reps, repMs) =>
      repMs < 100
        ? { case: 'js.fiber.memory.idle_rss_100k', skipped: 'not in --quick (about 10 s a repetition); js.fiber.memory.idle_rss_10k ran' }
        : idleMemoryCase('js.fiber.memory.idle_rss_100k', 100_000, Math.min(reps, 7)),
  },
];

/**
 * Resident memory per idle fiber: `reps` fresh nodes each suspend `count`
 * fibers (after a warm-up that has run fibers once, so the addon's one-time
 * costs are paid) and report RSS growth / count, and the kernel mappings
 * the process has then. Cheap enough to run, unlike the most fibers one
 * process can hold (memory runs out first: ~11 KiB each).
 * @param {string} name @param {number} count @param {number} reps
 */
function idleMemoryCase(name, count, reps) {
  const Fiber = api('Fiber');
  if (typeof Fiber === 'string') return { case: name, skipped: Fiber };
  const { spawnSync } = require('child_process');
  /** @type {number[]} */
  const per = [];
  let last = null;
  for (let r = 0; r < reps; r++) {
    const child = spawnSync(process.execPath, ['--expose-gc', __filename, 'idle-memory', String(count)], {
      encoding: 'utf8',
      maxBuffer: 16 * 1024 * 1024,
    });
    const line = (child.stdout || '').trim().split('\n').pop() || '';
    if (child.status !== 0 || !line.startsWith('{')) {
      return { case: name, skipped: `child failed (status ${child.status}): ${(child.stderr || '').trim().split('\n').slice(-2).join(' | ')}` };
    }
    last = JSON.parse(line);
    per.push(last.bytesPerFiber);
  }
  const how = last.stacks ? (last.stacks.guardRegions ? 'stacks with guard regions in shared slabs' : `own guard pages for ${last.stacks.ownGuardPages}, slab stacks for the rest`) : '';
  return {
    case: name,
    unit: 'bytes',
    iters: count,
    reps: per,
    note: `${count} fibers suspended at once (${Fiber.backend} backend; ${how}; ${last.maps} kernel mappings of vm.max_map_count ${last.maxMaps} then)`,
  };
}

/** one repetition of idleMemoryCase, in this (fresh) process @param {number} count */
function idleMemoryChild(count) {
  const { Fiber } = lib();
  const { native } = require(path.join(ROOT, 'dist', 'lib', 'native.js'));
  const gc = /** @type {any} */ (global).gc || (() => {});
  const body = (/** @type {number} */ x) => Fiber.yield(x) + 1;
  for (let i = 0; i < 1000; i++) {
    const f = new Fiber(body);
    f.resume(i);
    f.resume(1);
  }
  gc();
  const before = process.memoryUsage().rss;
  const fibers = new Array(count);
  for (let i = 0; i < count; i++) {
    fibers[i] = new Fiber(body);
    fibers[i].resume(i);
  }
  gc();
  const grown = process.memoryUsage().rss - before;
  const maps = fs.readFileSync('/proc/self/maps', 'utf8').split('\n').length - 1;
  let maxMaps = 0;
  try {
    maxMaps = Number(fs.readFileSync('/proc/sys/vm/max_map_count', 'utf8'));
  } catch {
    // not Linux
  }
  const stacks = native.stackInfo ? native.stackInfo() : null;
  let sum = 0;
  for (let i = 0; i < count; i++) sum += fibers[i].resume(1);
  if (sum !== 2 * count) throw new Error('idle-memory: fibers did not finish correctly');
  process.stdout.write(JSON.stringify({ bytesPerFiber: Math.round(grown / count), maps, maxMaps, stacks }) + '\n');
}

/**
 * Channels between fibers. The channel API is not in lib/ yet; this case
 * turns on by itself once lib exports `Channel` and a way to run fibers
 * under a scheduler (`spawn` + `run`).
 * @returns {((n: number) => void | Promise<void>) | string}
 */
function channelCase() {
  const Channel = api('Channel');
  if (typeof Channel === 'string') return 'Channel: ' + Channel;
  const spawn = api('spawn');
  if (typeof spawn === 'string') return 'spawn: ' + spawn;
  const run = api('run');
  if (typeof run === 'string') return 'run: ' + run;
  return async (n) => {
    const a = new Channel();
    const b = new Channel();
    spawn(() => {
      for (let i = 0; i < n; i++) {
        a.send(i);
        b.recv();
      }
    });
    spawn(() => {
      for (let i = 0; i < n; i++) b.send(a.recv() + 1);
    });
    await run();
  };
}

/** @returns {((n: number) => void | Promise<void>) | string} */
function waitCase() {
  const wait = api('wait');
  if (typeof wait === 'string') return 'wait(): ' + wait;
  const spawn = api('spawn');
  if (typeof spawn === 'string') return spawn;
  const run = api('run');
  if (typeof run === 'string') return run;
  // wait() suspends a scheduler fiber until the promise settles, so time it in one
  return async (n) => {
    const p = Promise.resolve(1);
    spawn(() => {
      let s = 0;
      for (let i = 0; i < n; i++) s += wait(p);
      return s;
    });
    await run();
  };
}

/** @param {(n: number) => void | Promise<void>} fn @param {number} n @returns {Promise<number>} ns */
async function timeOnce(fn, n) {
  const t0 = process.hrtime.bigint();
  const r = fn(n);
  if (r && typeof r.then === 'function') await r;
  const t1 = process.hrtime.bigint();
  return Number(t1 - t0);
}

/** @param {JsCase} c @param {number} reps @param {number} repMs */
async function runCase(c, reps, repMs) {
  if (c.measure) return c.measure(reps, repMs);
  const fn = /** @type {() => any} */ (c.setup)();
  if (typeof fn === 'string') {
    return { case: c.name, skipped: fn };
  }
  const target = repMs * 1e6;
  let n = 16;
  let t = await timeOnce(fn, n);
  while (t < target / 8) {
    n *= 4;
    t = await timeOnce(fn, n);
  }
  // early runs are interpreted: rescale twice at full length while the JIT
  // tiers settle (these double as warm-up)
  for (let k = 0; k < 3; k++) {
    n = Math.max(1, Math.round((n * target) / Math.max(t, 1)));
    t = await timeOnce(fn, n);
  }
  const ops = c.ops ?? 1;
  const out = [];
  const cpu = [];
  for (let r = 0; r < reps; r++) {
    const c0 = process.cpuUsage();
    out.push((await timeOnce(fn, n)) / (n * ops));
    const c1 = process.cpuUsage(c0);
    cpu.push(((c1.user + c1.system) * 1000) / (n * ops));
  }
  // cpuReps: the same repetitions in CPU time of the process (all threads,
  // µs resolution): time spent descheduled on a loaded machine drops out
  return {
    case: c.name,
    unit: 'ns/op',
    iters: n,
    reps: out.map((v) => Number(v.toFixed(4))),
    cpuReps: cpu.map((v) => Number(v.toFixed(4))),
    note: c.note,
  };
}

async function main() {
  const argv = process.argv.slice(2);
  if (argv[0] === 'list') {
    for (const c of CASES) console.log(c.name);
    return;
  }
  if (argv[0] === 'idle-memory') {
    idleMemoryChild(Number(argv[1]));
    return;
  }
  if ((argv[0] !== 'run' && argv[0] !== 'count') || !argv[1]) {
    console.error('usage: cases.js list | run CASE [--reps N] [--rep-ms MS] [--noop PATH] | count CASE N [--noop PATH]');
    process.exit(2);
  }
  let reps = 9;
  let repMs = 100;
  const count = argv[0] === 'count' ? Number(argv[2]) : 0;
  for (let i = argv[0] === 'count' ? 3 : 2; i + 1 < argv.length; i += 2) {
    if (argv[i] === '--reps') reps = Number(argv[i + 1]);
    else if (argv[i] === '--rep-ms') repMs = Number(argv[i + 1]);
    else if (argv[i] === '--noop') noopPath = path.resolve(argv[i + 1]);
  }
  const c = CASES.find((x) => x.name === argv[1]);
  if (!c) {
    console.error(`cases.js: unknown case ${argv[1]}`);
    process.exit(2);
  }
  if (argv[0] === 'count') {
    if (!c.setup) throw new Error(`${c.name} is a memory case: nothing to count`);
    const fn = c.setup();
    if (typeof fn === 'string') throw new Error(`${c.name} skipped: ${fn}`);
    // the same warm-up for every N, so that it cancels out in the difference
    for (let k = 0; k < 20; k++) await fn(5000);
    await fn(count);
    return;
  }
  const result = await runCase(c, reps, repMs);
  process.stdout.write(JSON.stringify(result) + '\n');
  if (sink === 42.5) console.error(''); // keep results observable
}

main().catch((err) => {
  console.error(err && err.stack ? err.stack : String(err));
  process.exit(1);
});
