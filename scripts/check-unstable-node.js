#!/usr/bin/env node
'use strict';
/**
 * For a Node major where fibers are opt-in (V8 13+: Node 24, 26): checks that
 * loading switchyard without the opt-in refuses with its reason, and that
 * with SWITCHYARD_UNSTABLE_V8=1 fibers, channels and GC stress work in a
 * standalone process, with that ABI's prebuild.
 *
 *   node scripts/check-unstable-node.js 24 26
 */
const { spawnSync } = require('child_process');
const { ensureNode } = require('./fetch-node');
const { ROOT } = require('./targets');

const SMOKE = `
const { Fiber, Channel, spawn, run, fiberBackend, fiberBackendNote } = require(${JSON.stringify(ROOT)});
const dive = (n) => (n === 0 ? Fiber.yield('deep') : dive(n - 1));
const f = new Fiber(() => 'back ' + dive(500));
const out = [f.resume(), f.resume('x')];
const live = [];
for (let i = 0; i < 1000; i++) { const g = new Fiber((a) => { const o = { a }; Fiber.yield(); gc(); return o.a; }); g.resume(i); live.push(g); }
gc();
out.push(live.reduce((s, g) => s + g.resume(), 0));
const ch = new Channel(0);
let sum = 0;
spawn(() => { for (let i = 1; i <= 100; i++) ch.send(i); ch.close(); });
spawn(() => { for (const v of ch) sum += v; });
run().then(() => { out.push(sum); console.log(JSON.stringify({ out, fiberBackend, note: fiberBackendNote })); });
`;
const EXPECTED = JSON.stringify(['deep', 'back x', 499500, 5050]);

function check(major) {
  const { bin, version } = ensureNode(process.arch, major);
  const env = { ...process.env, PREBUILDS_ONLY: '1' };
  delete env.SWITCHYARD_UNSTABLE_V8;
  const refused = spawnSync(bin, ['-e', `require(${JSON.stringify(ROOT)})`], { env, encoding: 'utf8' });
  if (refused.status === 0 || !/fibers are not yet supported on V8 \d+ \(Node 24\+\).*SWITCHYARD_UNSTABLE_V8=1/.test(refused.stderr)) {
    throw new Error(`Node ${version}: loading without the opt-in should refuse with its reason; got exit ${refused.status}:\n${refused.stderr}`);
  }
  const smoke = spawnSync(bin, ['--expose-gc', '--stress-compaction', '-e', SMOKE], { env: { ...env, SWITCHYARD_UNSTABLE_V8: '1' }, encoding: 'utf8', timeout: 300000 });
  let result;
  try {
    result = JSON.parse(smoke.stdout.trim().split('\n').pop());
  } catch {
    throw new Error(`Node ${version}: the opted-in smoke run failed (exit ${smoke.status}, signal ${smoke.signal}):\n${smoke.stderr}`);
  }
  if (JSON.stringify(result.out) !== EXPECTED || !/experimental/.test(result.note || '')) {
    throw new Error(`Node ${version}: unexpected smoke result ${JSON.stringify(result)} (want out ${EXPECTED} and an 'experimental' note)`);
  }
  console.log(`check-unstable-node: Node ${version}: refuses without the opt-in; with it, fibers (${result.fiberBackend}), 1,000 live fibers under GC stress and a channel work`);
}

const majors = process.argv.slice(2);
if (!majors.length) {
  console.error('usage: node scripts/check-unstable-node.js <major>...');
  process.exit(2);
}
try {
  majors.forEach(check);
} catch (e) {
  console.error(`check-unstable-node: ${e.message}`);
  process.exitCode = 1;
}
