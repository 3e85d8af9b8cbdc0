/**
 * The thread-per-fiber backend (SWITCHYARD_FIBER_BACKEND=threads) and the
 * automatic fallback to it. Every case runs in a child node with the
 * backend chosen explicitly, so this file means the same under any
 * SWITCHYARD_FIBER_BACKEND the suite itself runs with.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import { assertBuilt, ChildResult, DEFAULT_BACKEND, describeChild, lastJsonLine, ROOT } from './helpers';

const INDEX = JSON.stringify(path.join(ROOT, 'dist', 'lib', 'index.js'));
const NATIVE = JSON.stringify(path.join(ROOT, 'dist', 'lib', 'native.js'));

/** Runs `code` (CommonJS) in a fresh node; `lib` is the package, `native` the raw binding. */
function runNode(
  code: string,
  env: Record<string, string | undefined> = { SWITCHYARD_FIBER_BACKEND: 'threads' },
  flags: string[] = [],
  timeoutMs = 120_000,
): ChildResult & { ms: number } {
  assertBuilt();
  const childEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && k !== 'SWITCHYARD_FIBER_BACKEND' && !k.startsWith('SWITCHYARD_THREADS_')) childEnv[k] = v;
  }
  for (const [k, v] of Object.entries(env)) if (v !== undefined) childEnv[k] = v;
  const prelude = `const lib = require(${INDEX}); const { native } = require(${NATIVE}); const { Fiber } = lib;\n`;
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [...flags, '-e', prelude + code], {
    env: childEnv,
    encoding: 'utf8',
    timeout: timeoutMs,
    maxBuffer: 16 * 1024 * 1024,
  });
  const ms = Date.now() - t0;
  return { status: r.status, signal: r.signal, stdout: r.stdout ?? '', stderr: r.stderr ?? '', json: lastJsonLine(r.stdout), ms };
}

function expectClean(r: ChildResult, status = 0): void {
  if (r.status !== status || r.json === undefined) throw new Error(describeChild(r));
}

describe('threads backend: selection', () => {
  test('SWITCHYARD_FIBER_BACKEND=threads selects it; no fallback note', () => {
    const r = runNode(`console.log(JSON.stringify({ backend: lib.fiberBackend, fb: Fiber.backend, note: native.backendNote ?? null }))`);
    expectClean(r);
    expect(r.json).toEqual({ backend: 'threads', fb: 'threads', note: null });
  });

  test('when tls cannot run, the default falls back to threads with a note', () => {
    const code = `const f = new Fiber((x) => Fiber.yield(x + 1) * 2);
      console.log(JSON.stringify({ backend: lib.fiberBackend, note: native.backendNote ?? null, a: f.resume(1), b: f.resume(5) }))`;
    const r = runNode(code, { SWITCHYARD_TEST_TLS_UNAVAILABLE: '1' });
    expectClean(r);
    expect(r.json.backend).toBe('threads');
    // (on Node 24+ the default is threads anyway, with its own note)
    expect(r.json.note).toMatch(
      DEFAULT_BACKEND === 'tls'
        ? /'tls' fiber backend cannot run.*using the slower thread-per-fiber backend 'threads'/
        : /thread-per-fiber backend 'threads'/,
    );
    expect([r.json.a, r.json.b]).toEqual([2, 10]);
    // with tls working, the default is this Node's default, with a note only if it is not tls
    const d = runNode(`console.log(JSON.stringify({ backend: lib.fiberBackend, note: native.backendNote ?? null }))`, {});
    expectClean(d);
    expect(d.json.backend).toBe(DEFAULT_BACKEND);
    expect(d.json.note === null).toBe(DEFAULT_BACKEND === 'tls');
  });

  test('an explicit tls request that cannot run is an error, not a silent fallback', () => {
    // the prelude's require of the package throws
    const r = runNode('', { SWITCHYARD_FIBER_BACKEND: 'tls', SWITCHYARD_TEST_TLS_UNAVAILABLE: '1' });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/'tls' fiber backend cannot run in this Node.*SWITCHYARD_FIBER_BACKEND=threads may work/);
  });
});

describe('threads backend: semantics and resources', () => {
  test('values, nesting, exceptions and fiber.throw across threads', () => {
    const code = `
      const out = {};
      const inner = new Fiber((x) => { const y = Fiber.yield(x * 2); return y + 1; });
      const outer = new Fiber((x) => { const a = inner.resume(x); const b = Fiber.yield(a); return inner.resume(b); });
      out.nested = [outer.resume(5), outer.resume(7), inner.done, outer.done];
      const err = new Error('sent');
      const t = new Fiber(() => { try { Fiber.yield('w'); } catch (e) { return e === err; } });
      t.resume(); out.thrown = t.throw(err);
      const boom = new Fiber(() => { Fiber.yield(); throw new TypeError('inside'); });
      boom.resume();
      try { boom.resume(); } catch (e) { out.escaped = e instanceof TypeError && /inside/.test(e.stack); }
      const deep = new Fiber(() => { const d = (n) => n === 0 ? Fiber.yield('bottom') : d(n - 1) + 1; return d(2000); });
      out.deep = [deep.resume(), deep.resume(0)];
      console.log(JSON.stringify(out));`;
    const r = runNode(code);
    expectClean(r);
    expect(r.json).toEqual({ nested: [10, 8, true, true], thrown: true, escaped: true, deep: ['bottom', 2000] });
  });

  test('threads are pooled: sequential fibers reuse one thread; the idle pool is bounded', () => {
    const code = `
      const s0 = lib.fiberStats();
      for (let i = 0; i < 2000; i++) { const f = new Fiber((x) => Fiber.yield(x) + 1); f.resume(i); f.resume(1); }
      const s1 = lib.fiberStats();
      const live = Array.from({ length: 150 }, () => new Fiber(() => Fiber.yield()));
      live.forEach((f) => f.resume());
      const s2 = lib.fiberStats();
      live.forEach((f) => f.resume());
      const s3 = lib.fiberStats();
      console.log(JSON.stringify({ seqCreated: s1.created - s0.created, s2, s3 }));`;
    const r = runNode(code);
    expectClean(r);
    expect(r.json.seqCreated).toBe(1);
    expect(r.json.s2.active).toBe(150);
    expect(r.json.s2.created).toBe(150); // the one pooled thread served the first of them
    expect(r.json.s3.active).toBe(0);
    expect(r.json.s3.pooled).toBe(64);
  });

  test('stack size is the thread stack size; overflow is a RangeError at every size', () => {
    const code = `
      const depthOn = (stackSize) => new Fiber(() => {
        let max = 0;
        const r = (n) => { max = n; return r(n + 1) + 1; };
        try { r(0); return { ok: false }; } catch (e) { return { ok: e instanceof RangeError, max }; }
      }, { stackSize }).resume();
      const viaNative = new Fiber(() => {
        const v = (n) => [n].map((x) => v(x + 1))[0];
        try { v(0); } catch (e) { return e instanceof RangeError; }
        return false;
      }, { stackSize: 256 * 1024 }).resume();
      console.log(JSON.stringify({ small: depthOn(256 * 1024), mid: depthOn(1024 * 1024), big: depthOn(8 * 1024 * 1024), viaNative }));`;
    const r = runNode(code);
    expectClean(r);
    const { small, mid, big, viaNative } = r.json;
    expect([small.ok, mid.ok, big.ok, viaNative]).toEqual([true, true, true, true]);
    // usable JS depth grows with the requested stack
    expect(mid.max).toBeGreaterThan(small.max * 2);
    expect(big.max).toBeGreaterThan(mid.max * 4);
  });

  test('each thread keeps its own stack limit across handoffs (deep throws after a small-stack fiber ran)', () => {
    // V8 >= 12 also keeps an isolate-wide stack size that V8 14 checks on
    // every throw; without re-applying each side's limit after a handoff,
    // the main thread's next deep throw aborted the process on Node 26.
    const code = `
      const overflow = () => { const r = (n) => r(n + 1) + 1; try { r(0); } catch (e) { return e instanceof RangeError; } return false; };
      const out = {};
      new Fiber(() => 1, { stackSize: 256 * 1024 }).resume();
      out.main = overflow();
      const small = new Fiber(() => { Fiber.yield(); return overflow(); }, { stackSize: 256 * 1024 });
      const big = new Fiber(() => { small.resume(); const a = overflow(); Fiber.yield(); return [a, small.resume(), overflow()]; }, { stackSize: 4 * 1024 * 1024 });
      big.resume();
      out.mainAgain = overflow();
      out.nested = big.resume();
      out.mainLast = overflow();
      console.log(JSON.stringify(out));`;
    const r = runNode(code);
    expectClean(r);
    expect(r.json).toEqual({ main: true, mainAgain: true, nested: [true, true, true], mainLast: true });
  });

  test('GC with suspended fibers on other threads (compaction, conservative scanning)', () => {
    for (const flags of [['--expose-gc', '--stress-compaction'], ['--expose-gc', '--conservative-stack-scanning']]) {
      const code = `
        const fibers = Array.from({ length: 50 }, (_, i) => new Fiber(() => {
          const kept = { i, list: Array.from({ length: 50 }, (_, k) => ({ k })) };
          for (let r = 0; ; r++) { const got = Fiber.yield(kept.list.length); if (got === 'stop') break; gc(); kept.list.push({ k: kept.list.length }); }
          return kept.list.every((o, k) => o.k === k) ? kept.i : -1;
        }));
        fibers.forEach((f) => f.resume());
        for (let r = 0; r < 5; r++) { fibers.forEach((f) => f.resume(r)); gc(); }
        const ends = fibers.map((f) => f.resume('stop'));
        console.log(JSON.stringify({ ok: ends.every((v, i) => v === i) }));`;
      const r = runNode(code, { SWITCHYARD_FIBER_BACKEND: 'threads' }, flags);
      expectClean(r);
      expect(r.json).toEqual({ ok: true });
    }
  });

  test('correct with spinning enabled too (SWITCHYARD_THREADS_SPIN)', () => {
    const code = `
      const fibers = Array.from({ length: 20 }, () => new Fiber((x) => { for (;;) x += Fiber.yield(x); }));
      let sum = 0; for (let r = 0; r < 50; r++) for (const f of fibers) sum += f.resume(1);
      console.log(JSON.stringify({ sum }));`;
    const r = runNode(code, { SWITCHYARD_FIBER_BACKEND: 'threads', SWITCHYARD_THREADS_SPIN: '500', SWITCHYARD_THREADS_YIELDS: '0' });
    expectClean(r);
    expect(r.json.sum).toBe(20 * ((50 * 51) / 2)); // each fiber yields 1, 2, ..., 50
  });
});

describe('threads backend: exit and teardown', () => {
  test('the process exits promptly with code 0 while fiber threads are blocked', () => {
    for (const flags of [[], ['--expose-gc']]) {
      const code = `
        const keep = [];
        for (let i = 0; i < 100; i++) { const f = new Fiber(() => { const d = (n) => n === 0 ? Fiber.yield(i) : d(n - 1); d(i); }); f.resume(); keep.push(f); }
        const inner = new Fiber(() => Fiber.yield('inner'));
        const outer = new Fiber(() => { inner.resume(); return Fiber.yield('outer'); });
        outer.resume();
        for (let i = 0; i < 50; i++) new Fiber(() => Fiber.yield()).resume(); // unwound once collected
        if (global.gc) global.gc();
        for (let i = 0; i < 10; i++) new Fiber(() => i).resume(); // a pooled, idle thread
        // the dropped fibers are unwound by finalizers, which run as native
        // immediates: with gc(), look again each loop turn until they have
        // (a timer here raced them: under qemu the loop's first turn can come
        // after any short timer has expired)
        let turns = 0;
        (function report() {
          const s = lib.fiberStats();
          const active = s.active + s.orphaned;
          if (global.gc && active > 102 && ++turns < 1000) return setImmediate(report);
          console.log(JSON.stringify({ ok: true, active }));
        })();`;
      const r = runNode(code, { SWITCHYARD_FIBER_BACKEND: 'threads' }, flags, 60_000);
      expectClean(r);
      // 100 kept, inner and outer; the 50 dropped ones are unwound (their
      // threads pooled) once a GC collected them: with gc(), within a few turns
      expect(r.json.ok).toBe(true);
      if (flags.length > 0) expect(r.json.active).toBe(102);
      else expect([102, 152]).toContain(r.json.active);
      // promptly: a hang would take until runNode's timeout (emulation is slower)
      expect(r.ms).toBeLessThan(process.env.SWITCHYARD_EMULATED_NODE ? 300_000 : 30_000);
    }
  });

  test('process.exit() on a fiber thread: exit handlers run, the code is kept', () => {
    const code = `
      process.on('exit', (code) => console.log(JSON.stringify({ code, inFiber: Fiber.current !== undefined })));
      new Fiber(() => Fiber.yield()).resume();
      new Fiber(() => { const d = (n) => n === 0 ? process.exit(7) : d(n - 1); d(50); }).resume();`;
    const r = runNode(code);
    expectClean(r, 7);
    expect(r.json).toEqual({ code: 7, inFiber: true });
  });

  test('worker threads with fibers, one worker left with a suspended fiber, one terminated mid-fiber', () => {
    const code = `
      const { Worker } = require('worker_threads');
      const src = (mode) => \`
        const { parentPort } = require('worker_threads');
        const lib = require(\${JSON.stringify(${INDEX})}); const { Fiber } = lib;
        if ('\${mode}' === 'spin') { new Fiber(() => { parentPort.postMessage('spinning'); for (;;); }).resume(); }
        const fibers = Array.from({ length: 50 }, () => new Fiber((x) => { for (;;) x += Fiber.yield(x); }));
        let sum = 0; for (let r = 0; r < 20; r++) for (const f of fibers) sum += f.resume(1);
        new Fiber(() => Fiber.yield()).resume();
        parentPort.postMessage({ sum, backend: lib.fiberBackend });\`;
      const results = [];
      const w = new Worker(src('normal'), { eval: true });
      w.on('message', (m) => results.push(m));
      const s = new Worker(src('spin'), { eval: true });
      s.on('message', () => setTimeout(() => s.terminate(), 30));
      let exits = 0; const codes = {};
      w.on('exit', (c) => { codes.normal = c; if (++exits === 2) done(); });
      s.on('exit', (c) => { codes.spin = c; if (++exits === 2) done(); });
      function done() { console.log(JSON.stringify({ results, codes })); }`;
    const r = runNode(code);
    expectClean(r);
    expect(r.json).toEqual({ results: [{ sum: 50 * 210, backend: 'threads' }], codes: { normal: 0, spin: 1 } });
  });
});
