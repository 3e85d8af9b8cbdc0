'use strict';
/**
 * Run jest suites on another Node (version and/or architecture) so that the
 * addon comes from that Node's prebuild, never from build/Release (which is
 * built for the host's Node): PREBUILDS_ONLY=1 makes node-gyp-build skip
 * build/. Used by test-node.js and test-arm64.js.
 *
 * Emulated runs (arm64 on x64) need one more thing: tests spawn
 * `process.execPath` (and jest forks its workers with it), which is an
 * aarch64 ELF that the kernel cannot execute without binfmt_misc. A preload
 * (qemu-preload.js, via NODE_OPTIONS) points process.execPath at a small
 * shell wrapper that starts the same node under qemu. On real arm64 hardware
 * none of this is used: the node runs directly.
 */
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');
const { ROOT, runnerFor } = require('./targets');
const { ensureNode } = require('./fetch-node');

/** the addon's own words when its fiber backend cannot run in this Node */
const BACKEND_UNAVAILABLE = /fiber backend cannot run in this Node|backend is not implemented/;

function emulationEnv(arch, node) {
  const runner = runnerFor(arch, node.bin);
  if (runner.length === 1) return {};
  const dir = path.join(ROOT, '.cache', 'emu');
  fs.mkdirSync(dir, { recursive: true });
  const wrapper = path.join(dir, `node-${arch}-${node.version}`);
  const quoted = runner.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  fs.writeFileSync(wrapper, `#!/bin/sh\n# ${arch} node ${node.version} under emulation (written by scripts/jest-on-node.js)\nexec ${quoted} "$@"\n`, { mode: 0o755 });
  const preload = path.join(__dirname, 'qemu-preload.js');
  return {
    SWITCHYARD_EMULATED_NODE: wrapper,
    // process.arch in there is the emulated arch; tests that run programs built for this machine need its own
    SWITCHYARD_HOST_ARCH: process.arch,
    NODE_OPTIONS: `${process.env.NODE_OPTIONS || ''} --require ${preload}`.trim(),
  };
}

/** which binary node-gyp-build picks for the target node, and whether it loads */
function probe(arch, node, env) {
  const code =
    `const g=require('node-gyp-build');let r={abi:process.versions.modules,arch:process.arch};` +
    `try{r.path=g.path(${JSON.stringify(ROOT)});const b=require(r.path);r.load='ok';r.backend=b.backend}catch(e){r.load=String(e&&e.message||e)}` +
    `console.log(JSON.stringify(r))`;
  const argv = [...runnerFor(arch, node.bin), '-e', code];
  const r = spawnSync(argv[0], argv.slice(1), { cwd: ROOT, env, encoding: 'utf8' });
  try {
    return JSON.parse(r.stdout.trim().split('\n').pop());
  } catch {
    throw new Error(`could not start node ${node.version} (${arch}): ${(r.stderr || String(r.error)).trim()}`);
  }
}

/**
 * opts: { arch, spec (major or version), suites: [paths], jestArgs: [], label }
 * returns the exit code: 0 passed, 1 failed, 0 + a SKIPPED line when the
 * addon says its backend cannot run in this Node (unless strictSkip).
 */
function runSuites(opts) {
  const t0 = Date.now();
  const node = ensureNode(opts.arch, opts.spec);
  const env = { ...process.env, PREBUILDS_ONLY: '1', ...emulationEnv(opts.arch, node) };
  if (opts.arch === process.arch) env.PATH = `${path.dirname(node.bin)}${path.delimiter}${env.PATH}`;
  const label = `${opts.label || 'test'}: node ${node.version} (linux-${opts.arch})`;

  const p = probe(opts.arch, node, env);
  const expected = path.join(ROOT, 'prebuilds', `linux-${opts.arch}`, `switchyard.abi${p.abi}.node`);
  if (!p.path) {
    console.error(`${label}: no prebuild for ABI ${p.abi}: ${p.load}\nBuild it with \`npm run prebuild -- --only ${opts.arch}-${node.version.split('.')[0]}\`.`);
    return 1;
  }
  if (path.resolve(p.path) !== expected) {
    console.error(`${label}: node-gyp-build picked ${p.path}, expected ${path.relative(ROOT, expected)}`);
    return 1;
  }
  console.log(`${label}: addon from ${path.relative(ROOT, p.path)} (ABI ${p.abi})`);
  if (p.load !== 'ok') {
    if (BACKEND_UNAVAILABLE.test(p.load)) {
      console.log(`${label}: SKIPPED ${opts.suites.join(' ')}: the addon refuses this Node: ${p.load}`);
      return opts.strictSkip ? 1 : 0;
    }
    console.error(`${label}: the prebuild does not load: ${p.load}`);
    return 1;
  }
  console.log(`${label}: backend ${p.backend}; running jest ${opts.suites.join(' ')}`);
  const jest = path.join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js');
  // emulation is several times slower: give each test (and its child processes, see test/fiber/helpers.ts) more time
  const emulated = runnerFor(opts.arch, node.bin).length > 1 ? ['--testTimeout=1200000'] : [];
  // the suites go before the caller's options: an array option such as --testPathIgnorePatterns
  // would otherwise swallow them as more patterns (and then no test is found)
  const argv = [...runnerFor(opts.arch, node.bin), jest, '--ci', ...emulated, ...opts.suites, ...(opts.jestArgs || [])];
  const r = spawnSync(argv[0], argv.slice(1), { cwd: ROOT, env, stdio: 'inherit' });
  const secs = ((Date.now() - t0) / 1000).toFixed(1);
  const ok = r.status === 0;
  console.log(`${label}: ${ok ? 'passed' : `FAILED (jest exit ${r.status ?? r.signal})`} in ${secs}s`);
  return ok ? 0 : 1;
}

/** split "a b -- c d" style argv into [own, passThrough] */
function splitArgs(argv) {
  const i = argv.indexOf('--');
  return i < 0 ? [argv, []] : [argv.slice(0, i), argv.slice(i + 1)];
}

module.exports = { runSuites, splitArgs, emulationEnv, BACKEND_UNAVAILABLE };
