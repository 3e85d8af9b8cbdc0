#!/usr/bin/env node
'use strict';
/**
 * Checks the AArch64 hand-off's pattern tables (native/addon/v8_handoff/
 * arm64_patterns.h) against arm64 node executables without running them:
 * compiles the discovery for this machine (arm64-handoff-check/main.cc) and
 * feeds it each executable's code read from its file. Seconds, where a
 * prebuild and a run under qemu take minutes: for adding a V8 build's
 * entry; the qemu runs (npm run test:arm64) remain the proof.
 *
 *   node scripts/arm64-handoff-check.js            # every .cache/node/arm64-*
 *   node scripts/arm64-handoff-check.js 26.12.0    # some versions
 *
 * Needs g++, nm and aarch64-linux-gnu-objdump (the cross toolchain the arm64
 * prebuilds are built with). Exit 1 when an executable gets the locker.
 */
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');
const { CACHE, nodePaths } = require('./targets');

const ROOT = path.join(__dirname, '..');
const HANDOFF = path.join(ROOT, 'native', 'addon', 'v8_handoff');

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 30, ...opts });
  if (r.error || r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${(r.stderr || String(r.error)).trim()}`);
  return r.stdout;
}

function main(argv) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'arm64-handoff-check-'));
  const tool = path.join(dir, 'check');
  run('g++', ['-std=c++17', '-O1', `-I${HANDOFF}`, `-I${path.join(ROOT, 'native', 'addon')}`, '-o', tool,
    path.join(__dirname, 'arm64-handoff-check', 'main.cc')]);
  const versions = argv.length > 0 ? argv : fs.readdirSync(CACHE).filter((d) => d.startsWith('arm64-')).map((d) => d.slice(6));
  let failed = 0;
  for (const version of versions) {
    const node = nodePaths('arm64', version).bin;
    if (!fs.existsSync(node)) {
      console.log(`arm64 ${version}: not in ${CACHE} (node scripts/fetch-node.js ${version} --arch arm64)`);
      failed++;
      continue;
    }
    const nm = path.join(dir, `nm-${version}`);
    fs.writeFileSync(nm, run('nm', [node]));
    const plt = run('aarch64-linux-gnu-objdump', ['-d', '-j', '.plt', node]).match(/^([0-9a-f]+) <memcpy@plt>:/m);
    const r = spawnSync(tool, [node, nm, plt ? plt[1] : '0'], { encoding: 'utf8' });
    process.stdout.write(`arm64 ${version}: ${r.stdout}${r.stderr}`);
    if (r.status !== 0) failed++;
  }
  fs.rmSync(dir, { recursive: true, force: true });
  return failed === 0 ? 0 : 1;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (e) {
  console.error(`arm64-handoff-check: ${e.message}`);
  process.exitCode = 1;
}
