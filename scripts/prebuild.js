#!/usr/bin/env node
'use strict';
/**
 * Build the addon's prebuilt binaries into prebuilds/<platform>-<arch>/ for
 * every supported Node major on linux-x64 and linux-arm64 (the machine's
 * arch with gcc, the other one cross compiled with Debian's
 * aarch64-linux-gnu or x86_64-linux-gnu toolchain), and record the hashes
 * of the sources they were built from in prebuilds/manifest.json.
 *
 *   npm run prebuild                      # all targets
 *   npm run prebuild -- --only x64-22     # some targets (comma list: x64-22,arm64-20; or x64 / 24)
 *   npm run prebuild -- --list            # print the targets
 *
 * How: prebuildify (per-ABI names, --napi off: the fiber code uses V8's C++
 * API) drives node-gyp once per target. prebuildify has no option for local
 * headers, but node-gyp takes them from npm_config_nodedir (env), which also
 * wins over ~/.npmrc's nodedir; so each target gets the headers of its own
 * Node from .cache/node (scripts/fetch-node.js). Builds run in a staged copy
 * of the sources (.cache/prebuild/src), never in build/: node-gyp wipes its
 * build dir, and node-gyp-build would pick a stray build/Release over the
 * prebuilds.
 */
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');
const { ROOT, allTargets, hostArch, runnerFor, CROSS_TOOLCHAINS: CROSS } = require('./targets');
const { ensureNode } = require('./fetch-node');
const { hashSources, sha256 } = require('./sources');

const STAGE = path.join(ROOT, '.cache', 'prebuild', 'src');
const LOGS = path.join(ROOT, '.cache', 'prebuild', 'logs');
const MANIFEST = path.join(ROOT, 'prebuilds', 'manifest.json');
const HOST = hostArch();
/** the binutils/compiler prefix for building t here: none for the machine's own arch */
const prefixFor = (t) => (t.arch === HOST ? '' : CROSS[t.arch].prefix);

function parseArgs(argv) {
  const o = { only: null, list: false, jobs: 2 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--only') o.only = argv[++i];
    else if (a.startsWith('--only=')) o.only = a.slice(7);
    else if (a === '--list') o.list = true;
    else if (a === '-j' || a === '--jobs') o.jobs = Number(argv[++i]);
    else if (a === '-h' || a === '--help') o.help = true;
    else throw new Error(`prebuild: unknown argument '${a}' (try --help)`);
  }
  return o;
}

function selectTargets(only) {
  const all = allTargets();
  if (!only) return all;
  const picked = [];
  for (const w of only.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = all.filter((t) => t.id === w || t.arch === w || String(t.major) === w);
    if (!m.length) throw new Error(`prebuild: no target matches '${w}' (targets: ${all.map((t) => t.id).join(', ')})`);
    for (const t of m) if (!picked.includes(t)) picked.push(t);
  }
  return picked;
}

function readManifest() {
  try {
    return JSON.parse(fs.readFileSync(MANIFEST, 'utf8'));
  } catch {
    return { prebuilds: {}, sourceSets: {} };
  }
}

function writeManifest(m) {
  // keep only the source sets some binary still refers to
  const used = new Set(Object.values(m.prebuilds).map((p) => p.sources));
  for (const k of Object.keys(m.sourceSets)) if (!used.has(k)) delete m.sourceSets[k];
  const sorted = { ...m, prebuilds: Object.fromEntries(Object.entries(m.prebuilds).sort(([a], [b]) => a.localeCompare(b))) };
  fs.writeFileSync(MANIFEST, JSON.stringify(sorted, null, 2) + '\n');
}

/** copy the addon's inputs into the staging dir (fresh each run) */
function stage() {
  fs.rmSync(STAGE, { recursive: true, force: true });
  fs.mkdirSync(STAGE, { recursive: true });
  fs.cpSync(path.join(ROOT, 'binding.gyp'), path.join(STAGE, 'binding.gyp'));
  fs.cpSync(path.join(ROOT, 'native'), path.join(STAGE, 'native'), { recursive: true });
  // prebuildify names the binary after package.json's name
  fs.writeFileSync(path.join(STAGE, 'package.json'), JSON.stringify({ name: 'switchyard', private: true }) + '\n');
  // binding.gyp resolves node-addon-api with `node -p require(...)` from here
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(STAGE, 'node_modules'));
}

function elfMachine(file) {
  const b = fs.readFileSync(file);
  if (b.readUInt32BE(0) !== 0x7f454c46) return -1;
  return b.readUInt16LE(18);
}

function have(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/** ask the target's own node for its ABI and whether it loads the binary */
function probe(t, node, file) {
  const code =
    'let r={abi:process.versions.modules};' +
    `try{const b=require(${JSON.stringify(file)});r.load='ok';r.backend=b.backend}catch(e){r.load=String(e&&e.message||e)}` +
    'console.log(JSON.stringify(r))';
  const argv = [...runnerFor(t.arch, node.bin), '-e', code];
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', timeout: 120000 });
  try {
    return JSON.parse(r.stdout.trim().split('\n').pop());
  } catch {
    return { abi: null, load: `probe failed: ${(r.stderr || r.error || '').toString().trim().split('\n').pop()}` };
  }
}

function runNode(t, node, code) {
  const argv = [...runnerFor(t.arch, node.bin), '-e', code];
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', timeout: 120000 });
  return r.status === 0 ? r.stdout.trim() : `exit ${r.status}: ${(r.stderr || String(r.error)).trim()}`;
}

function buildOne(t, opts, log) {
  const node = ensureNode(t.arch, t.version, { quiet: true });
  const cross = CROSS[t.arch];
  const env = { ...process.env, npm_config_nodedir: node.dir, npm_config_jobs: String(opts.jobs) };
  delete env.npm_config_build_from_source;
  if (t.arch === HOST) {
    // node-gyp and binding.gyp's `node -p` run on the target's own node
    env.PATH = `${path.dirname(node.bin)}${path.delimiter}${env.PATH}`;
  } else {
    for (const tool of ['gcc', 'g++']) {
      if (!have(cross.prefix + tool)) throw new Error(`${cross.prefix}${tool} not found: install ${cross.apt} (apt) to cross compile for ${t.arch}`);
    }
    Object.assign(env, {
      CC: `${cross.prefix}gcc`,
      CXX: `${cross.prefix}g++`,
      LINK: `${cross.prefix}g++`,
      AR: `${cross.prefix}ar`,
      CC_host: 'gcc',
      CXX_host: 'g++',
    });
  }
  // the name node-gyp-build looks for: switchyard.abi<process.versions.modules>.node
  const abi = runNode(t, node, 'process.stdout.write(process.versions.modules)');
  if (!/^\d+$/.test(abi)) throw new Error(`could not read the ABI of node ${t.version}: ${abi}`);
  const dir = path.join(ROOT, 'prebuilds', `linux-${t.arch}`);
  const file = path.join(dir, `switchyard.abi${abi}.node`);
  fs.rmSync(file, { force: true });
  const args = [
    require.resolve('prebuildify/bin.js'),
    '--no-napi', // per-ABI binaries: V8's C++ API is not ABI-stable
    `--target=node@${t.version}`,
    `--arch=${t.arch}`,
    '--platform=linux',
    '--strip',
    `--strip-bin=${prefixFor(t)}strip`,
    `--cwd=${STAGE}`,
    `--out=${ROOT}`,
  ];
  fs.appendFileSync(log, `$ npm_config_nodedir=${node.dir} ${t.arch !== HOST ? `CC=${env.CC} CXX=${env.CXX} ` : ''}node ${args.join(' ')}\n`);
  const fd = fs.openSync(log, 'a');
  const r = spawnSync(process.execPath, args, { cwd: STAGE, env, stdio: ['ignore', fd, fd] });
  fs.closeSync(fd);
  if (r.status !== 0) throw new Error(`prebuildify exited with ${r.status ?? r.signal}`);

  // prebuildify names the file from node-abi's table: check it agrees with the target node
  if (!fs.existsSync(file)) throw new Error(`prebuildify did not produce ${path.relative(ROOT, file)} (found: ${listPrebuilds(t.arch).join(', ')})`);
  if (elfMachine(file) !== cross.elfMachine) throw new Error(`${file} is not a ${t.arch} ELF (e_machine ${elfMachine(file)})`);
  const p = probe(t, node, file);
  return { file, node, probe: p };
}

function listPrebuilds(arch) {
  try {
    return fs.readdirSync(path.join(ROOT, 'prebuilds', `linux-${arch}`)).filter((f) => f.endsWith('.node'));
  } catch {
    return [];
  }
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.help) {
    console.log('usage: node scripts/prebuild.js [--only x64-22,arm64|24] [--list] [-j N]');
    return 0;
  }
  const targets = selectTargets(opts.only);
  if (opts.list) {
    for (const t of targets) console.log(`${t.id}\tnode ${t.version}`);
    return 0;
  }
  if (process.platform !== 'linux' || !CROSS[HOST]) {
    throw new Error(`prebuild: this script builds on linux-x64 or linux-arm64; this is ${process.platform}-${HOST}`);
  }
  stage();
  const sources = hashSources(STAGE);
  fs.mkdirSync(LOGS, { recursive: true });
  const manifest = readManifest();
  manifest.comment =
    'Written by scripts/prebuild.js. Each binary names the source set (sha256 of the sha256sum listing of binding.gyp, native/**, node-addon-api headers) it was built from; `npm run prebuild:check` compares them with the working tree.';
  manifest.sourceSets = manifest.sourceSets || {};
  manifest.prebuilds = manifest.prebuilds || {};
  manifest.sourceSets[sources.total] = sources.files;

  const results = [];
  targets.forEach((t, i) => {
    const log = path.join(LOGS, `${t.id}.log`);
    fs.writeFileSync(log, '');
    process.stdout.write(`[${i + 1}/${targets.length}] ${t.id} (node ${t.version}): building ... `);
    const t0 = Date.now();
    try {
      const { file, node, probe: p } = buildOne(t, opts, log);
      const secs = (Date.now() - t0) / 1000;
      const rel = path.relative(path.join(ROOT, 'prebuilds'), file);
      const buf = fs.readFileSync(file);
      // drop the manifest entry of an older binary for the same arch+ABI under another name
      for (const [k, v] of Object.entries(manifest.prebuilds)) if (v.target === t.id && k !== rel) delete manifest.prebuilds[k];
      manifest.prebuilds[rel] = { target: t.id, arch: t.arch, node: node.version, abi: p.abi, sha256: sha256(buf), sources: sources.total };
      const load = p.load === 'ok' ? `loads (backend ${p.backend})` : `does NOT load here: ${p.load}`;
      console.log(`ok in ${secs.toFixed(1)}s -> prebuilds/${rel} (${Math.round(buf.length / 1024)} KiB), ${load}`);
      results.push({ t, ok: true, secs, rel, load: p.load });
    } catch (e) {
      const secs = (Date.now() - t0) / 1000;
      const tail = fs.readFileSync(log, 'utf8').trim().split('\n').slice(-15).join('\n    ');
      console.log(`FAILED after ${secs.toFixed(1)}s: ${e.message}\n    log: ${path.relative(ROOT, log)}\n    ${tail}`);
      results.push({ t, ok: false, secs, error: e.message });
    }
  });
  writeManifest(manifest);

  const now = hashSources(ROOT);
  console.log('\nsummary:');
  for (const r of results) {
    const what = r.ok ? `prebuilds/${r.rel}${r.load === 'ok' ? '' : '  (built; refuses to load on this Node, see above)'}` : `FAILED: ${r.error}`;
    console.log(`  ${r.t.id.padEnd(9)} ${r.t.version.padEnd(8)} ${r.secs.toFixed(1).padStart(6)}s  ${what}`);
  }
  const failed = results.filter((r) => !r.ok).length;
  console.log(`${results.length - failed} built, ${failed} failed; sources ${sources.total.slice(0, 12)}; manifest: prebuilds/manifest.json`);
  if (now.total !== sources.total) {
    console.log('WARNING: the sources changed while building; `npm run prebuild:check` will say which. Run the prebuild again.');
    return 1;
  }
  return failed ? 1 : 0;
}

try {
  process.exitCode = main();
} catch (e) {
  console.error(e.message);
  process.exitCode = 1;
}
