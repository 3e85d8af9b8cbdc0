'use strict';
/**
 * The patch-release smoke's workload, run by scripts/patch-smoke.js in each
 * Node under test (with --expose-gc, a backend from SWITCHYARD_FIBER_BACKEND
 * and PREBUILDS_ONLY=1). It reports how the addon runs there (which binary,
 * backend, hand-off and async-context modes) and checks that fibers work:
 *
 * - interleave: fibers yield values from varying call depths, resumed in a
 *   scrambled (seeded, so repeatable) order, some from inside other fibers,
 *   some finished by throw(); every value is checked against a model of
 *   where each fiber is, frame locals are checked after each hop, and gc()
 *   runs between hops and inside fibers;
 * - ping-pong: two scheduler fibers over unbuffered channels (fiber-to-fiber
 *   transfers on the tls backend), with wait() on promises and gc();
 * - async context: an AsyncLocalStorage store set in a fiber stays with it
 *   across a yield, and its resumer keeps its own.
 *
 * Prints one JSON line: { ok, error?, ...what it found }. A crash prints
 * nothing; the runner reports the signal. The scrambled order's seed comes
 * from the Node version (SWITCHYARD_SMOKE_SEED overrides it when the
 * workload is run by hand: the runner passes no SWITCHYARD_* variables).
 */
const path = require('path');
const { AsyncLocalStorage } = require('async_hooks');

const ROOT = path.resolve(__dirname, '..');
const gc = typeof global.gc === 'function' ? global.gc : null;
const FIBERS = 12;
const HOPS = 40;
const GC_EVERY = 7; // hops between gc() calls from the driver
const PING_PONGS = 300;
// For the smoke's own test: 'wrong-reply' makes the driver send one wrong
// value, which the model must catch (test/packaging/patch-smoke.test.ts).
// The runner never passes SWITCHYARD_* variables through, so CI cannot set it.
const FAULT = process.env.SWITCHYARD_SMOKE_FAULT || '';

/** a small seeded PRNG (mulberry32): the same order on every run of the same seed */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function seedFor(text) {
  let h = 2166136261;
  for (const c of text) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
  return h >>> 0;
}

const check = (cond, what) => {
  if (!cond) throw new Error(what);
};

// What fiber i yields at hop h, and what the driver sends back for it.
const token = (i, h) => i * 1000 + h;
const reply = (i, h) => `r${i}.${h}`;
const stopsByThrow = (i) => i % 4 === 3;

function interleave(Fiber, rand) {
  let gcs = 0;
  const collect = () => {
    if (gc) {
      gc();
      gcs++;
    }
  };

  function body(i) {
    return (start) => {
      check(start === `start ${i}`, `fiber ${i} started with ${String(start)}`);
      const kept = { i, replies: [] };
      // yield hop h from `depth` calls down, with a frame local to check after
      const hop = (depth, h) => {
        const local = { depth, fill: new Array(8).fill(i * 100 + depth) };
        const got = depth === 0 ? Fiber.yield({ i, h, token: token(i, h), blob: Buffer.alloc(16, (i + h) & 0xff) }) : hop(depth - 1, h);
        check(local.fill[5] === i * 100 + depth && local.depth === depth, `fiber ${i}: frame local at depth ${depth} corrupted`);
        return got;
      };
      for (let h = 0; h < HOPS; h++) {
        let got;
        try {
          got = hop((i * 7 + h) % 6, h);
        } catch (e) {
          check(stopsByThrow(i) && h === HOPS - 1 && e && e.message === `stop ${i}`, `fiber ${i} hop ${h}: unexpected throw ${e && e.message}`);
          return { i, stopped: h, replies: kept.replies.length };
        }
        check(got === reply(i, h), `fiber ${i} hop ${h}: resumed with ${String(got)}, expected ${reply(i, h)}`);
        kept.replies.push(got);
        if (h % 11 === i % 11) collect(); // gc() inside the fiber, with fibers suspended around it
      }
      for (let h = 0; h < kept.replies.length; h++) check(kept.replies[h] === reply(i, h), `fiber ${i}: kept reply ${h} corrupted`);
      return { i, done: HOPS, replies: kept.replies.length };
    };
  }

  const fibers = Array.from({ length: FIBERS }, (_, i) => new Fiber(body(i)));
  // the model: hops each fiber has yielded so far (0 = not started)
  const yielded = new Array(FIBERS).fill(0);
  const live = fibers.map((_, i) => i);
  let hops = 0;
  let nested = 0;
  let thrown = 0;
  let faulted = false;

  const expectHop = (i, v) => {
    const h = yielded[i];
    check(v && v.i === i && v.h === h && v.token === token(i, h), `fiber ${i}: yielded ${JSON.stringify(v)}, expected hop ${h} (token ${token(i, h)})`);
    check(Buffer.isBuffer(v.blob) && v.blob.every((b) => b === ((i + h) & 0xff)), `fiber ${i} hop ${h}: yielded buffer corrupted`);
  };

  while (live.length > 0) {
    const k = Math.floor(rand() * live.length);
    const i = live[k];
    const f = fibers[i];
    const h = yielded[i];
    const last = h === HOPS; // this resume ends the fiber
    const byThrow = last && stopsByThrow(i);
    // a third of the hops resume the fiber from inside another fiber
    const fromFiber = rand() < 1 / 3;
    const plain = h > 0 && !byThrow; // this resume sends fiber i a reply
    const sent = FAULT === 'wrong-reply' && plain && hops >= 100 && !faulted ? ((faulted = true), 'wrong') : reply(i, h - 1);
    const step = () => (h === 0 ? f.resume(`start ${i}`) : byThrow ? f.throw(new Error(`stop ${i}`)) : f.resume(sent));
    let v;
    if (fromFiber) {
      const outer = new Fiber(() => Fiber.yield(step()));
      v = outer.resume();
      check(!outer.done, 'the resuming fiber ended instead of yielding');
      check(outer.resume() === undefined && outer.done, 'the resuming fiber did not finish');
      nested++;
    } else v = step();
    if (last) {
      const want = byThrow ? { i, stopped: HOPS - 1, replies: HOPS - 1 } : { i, done: HOPS, replies: HOPS };
      check(f.done && JSON.stringify(v) === JSON.stringify(want), `fiber ${i}: ended with ${JSON.stringify(v)} (done ${f.done}), expected ${JSON.stringify(want)}`);
      if (byThrow) thrown++;
      live.splice(k, 1);
    } else {
      check(!f.done, `fiber ${i} ended at hop ${h}`);
      expectHop(i, v);
      yielded[i]++;
    }
    if (++hops % GC_EVERY === 0) collect();
  }
  return { fibers: FIBERS, hops, nested, thrown, gcs };
}

function pingPong({ Scheduler, Channel, wait }) {
  const s = new Scheduler({ name: 'patch-smoke' });
  const ping = new Channel(0, { name: 'ping' });
  const pong = new Channel(0, { name: 'pong' });
  let rounds = 0;
  let waits = 0;
  s.spawn(() => {
    for (let n = 0; n < PING_PONGS; n++) {
      ping.send({ n, blob: Buffer.alloc(8, n & 0xff) });
      const back = pong.recv();
      check(back === n * 2 + 1, `ping ${n}: pong answered ${back}`);
      rounds++;
      if (gc && n % 50 === 0) gc();
    }
    ping.close();
  });
  s.spawn(() => {
    for (const m of ping) {
      check(m.blob.every((b) => b === (m.n & 0xff)), `pong: message ${m.n} corrupted`);
      let answer = m.n * 2 + 1;
      if (m.n % 25 === 0) {
        answer = wait(Promise.resolve(answer));
        waits++;
      }
      pong.send(answer);
    }
  });
  return s.run().then(() => {
    check(rounds === PING_PONGS, `ping-pong stopped after ${rounds} of ${PING_PONGS} rounds`);
    return { rounds, waits };
  });
}

function asyncStore(Fiber) {
  const als = new AsyncLocalStorage();
  return als.run('resumer', () => {
    const f = new Fiber(() => {
      const inherited = als.getStore();
      als.enterWith('fiber');
      Fiber.yield(inherited);
      if (gc) gc();
      return als.getStore();
    });
    const inherited = f.resume();
    const between = als.getStore();
    const kept = f.resume();
    const after = als.getStore();
    const seen = { inherited, between, kept, after };
    const want = { inherited: 'resumer', between: 'resumer', kept: 'fiber', after: 'resumer' };
    check(JSON.stringify(seen) === JSON.stringify(want), `AsyncLocalStorage across a yield: saw ${JSON.stringify(seen)}, expected ${JSON.stringify(want)}`);
    return seen;
  });
}

async function main() {
  const report = { ok: false, node: process.versions.node, v8: process.versions.v8, abi: process.versions.modules, gc: Boolean(gc) };
  const print = () => console.log(JSON.stringify(report));
  try {
    report.addon = path.relative(ROOT, require('node-gyp-build').path(ROOT));
    let lib;
    try {
      lib = require(path.join(ROOT, 'dist', 'lib', 'index.js'));
    } catch (e) {
      if (e && e.code === 'MODULE_NOT_FOUND' && /dist[\\/]lib[\\/]index\.js/.test(e.message)) throw new Error('dist/lib is not built: run `npm run build`');
      throw e;
    }
    const { native } = require(path.join(ROOT, 'dist', 'lib', 'native.js'));
    Object.assign(report, {
      backend: native.backend,
      backendNote: native.backendNote,
      handoff: native.NativeFiber.handoff,
      asyncContext: native.asyncContext,
      microtaskCheck: native.NativeFiber.microtaskCheck,
    });
    const seed = process.env.SWITCHYARD_SMOKE_SEED ? Number(process.env.SWITCHYARD_SMOKE_SEED) : seedFor(process.versions.node);
    report.seed = seed;
    report.interleave = interleave(lib.Fiber, prng(seed));
    report.pingPong = await pingPong(lib);
    report.asyncStore = asyncStore(lib.Fiber);
    report.active = lib.fiberStats().active;
    check(report.active === 0, `${report.active} fibers still bound to carriers at the end`);
    report.ok = true;
  } catch (e) {
    report.error = e && e.stack ? e.stack : String(e);
  }
  print();
}

main();
