// Round-trip cost (resume + yield) of a fiber vs generator next(), in ns.
// Not a test: `node test/fiber/bench-roundtrip.js` after building. Medians of
// 7 runs of 200k round trips, one timed region per run, spread printed.
const path = require('path');
const root = path.resolve(__dirname, '..', '..');
const { Fiber } = require(path.join(root, 'dist', 'lib', 'index.js'));
const native = require(path.join(root, 'build', 'Release', 'switchyard.node'));

const N = Number(process.env.N || 200_000);
const RUNS = 7;

function measure(name, setup) {
  const samples = [];
  for (let r = 0; r < RUNS + 1; r++) {
    const step = setup();
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < N; i++) step(i);
    const ns = Number(process.hrtime.bigint() - t0) / N;
    if (r > 0) samples.push(ns); // first run is warm-up
  }
  samples.sort((a, b) => a - b);
  const med = samples[RUNS >> 1];
  console.log(`${name.padEnd(44)} median ${med.toFixed(1).padStart(7)} ns   min ${samples[0].toFixed(1)}  max ${samples[RUNS - 1].toFixed(1)}`);
  return med;
}

const results = {};
results.fiber = measure('Fiber resume()+Fiber.yield() (lib API)', () => {
  const f = new Fiber(() => { for (;;) Fiber.yield(1); });
  return (i) => f.resume(i);
});
results.native = measure('native resume()+yield() (addon directly)', () => {
  const f = new native.NativeFiber(() => { for (;;) native.yield(1); });
  return (i) => f.resume(i);
});
results.work = measure('Fiber round trip + JSON/string work per hop', () => {
  const f = new Fiber((x) => { for (;;) x = Fiber.yield(JSON.stringify({ x }).length); });
  return (i) => f.resume(i);
});
results.generator = measure('generator next()', () => {
  function* g() { for (;;) yield 1; }
  const it = g();
  return (i) => it.next(i);
});
results.createFinish = measure('create + run + finish a fiber', () => (i) => new Fiber((x) => x).resume(i));
console.log(JSON.stringify(results));
