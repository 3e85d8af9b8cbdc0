// @ts-check
/**
 * The Nodes a bench run measures: `--nodes 20,22,24,26` (majors or full
 * versions, or `all`) names Nodes of this machine's architecture from
 * .cache/node, fetched when missing (scripts/fetch-node.js); without
 * `--nodes`, the Node running the bench.
 *
 * Which addon each Node loads: a Node with the ABI of the Node running the
 * bench may load build/Release (node-gyp builds it for that Node, from the
 * sources as they are now); every other Node loads its prebuild from
 * prebuilds/, never build/ (PREBUILDS_ONLY=1, as scripts/jest-on-node.js
 * does for the test suites). A probe in each Node reports the file it
 * picked, the fiber backend and the V8 hand-off mode, and whether a prebuild
 * was built from the sources as they are now.
 *
 * Inside an emulated run (the arm64 suite under qemu) each Node starts
 * through qemu, with the wrapper jest-on-node.js makes for it.
 */
'use strict';

const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');
const ROOT = path.resolve(__dirname, '..');

// scripts/ is plain untyped JS: required through a computed path so that
// `tsc -p bench` checks the bench, not them
/** @param {string} name @returns {any} */
const script = (name) => require(path.join(ROOT, 'scripts', name));
const { MAJORS, resolveVersion, nodePaths, runnerFor } = script('targets');
const { ensureNode } = script('fetch-node');
const { emulationEnv } = script('jest-on-node');
const { hashSources } = script('sources');

/**
 * @typedef {{ version: string, argv: string[], host: boolean, abi: string, env: Record<string, string>,
 *   addon: string | null, backend: string | null, handoff: string | null, loadError?: string,
 *   prebuildCurrent?: boolean }} BenchNode
 * argv: what starts this Node here (its binary, or qemu and its binary).
 * addon: the addon file, relative to the package root; null when none loads
 * (loadError says why: the fiber cases then report a skip). prebuildCurrent:
 * for a prebuild, whether it was built from the sources as they are now.
 */

/** an error in what the user asked for: run.js prints its message alone @param {string} message */
function usageError(message) {
  return Object.assign(new Error(message), { usage: true });
}

/**
 * "20,22" / "all" -> the specs to resolve, in the order given.
 * @param {string} list @returns {string[]}
 */
function parseNodeList(list) {
  const specs = list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .flatMap((s) => (s === 'all' ? /** @type {number[]} */ (MAJORS).map(String) : [s]));
  if (!specs.length) throw new Error('no Node given (majors like 20,22 or versions like 24.21.0, or all)');
  return specs;
}

/**
 * What a Node reports about itself and the addon it would load.
 * @param {string[]} argv @param {Record<string, string>} env
 */
function probe(argv, env) {
  const code =
    `const r={version:process.version.slice(1),abi:process.versions.modules};` +
    `try{const g=require('node-gyp-build');r.addon=g.path(${JSON.stringify(ROOT)});const b=require(r.addon);` +
    `r.backend=b.backend;r.handoff=b.NativeFiber&&b.NativeFiber.handoff||null}catch(e){r.loadError=String(e&&e.message||e).split('\\n')[0]}` +
    `console.log(JSON.stringify(r))`;
  const r = spawnSync(argv[0], [...argv.slice(1), '-e', code], { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 120_000 });
  const line = (r.stdout || '').trim().split('\n').pop() || '';
  if (!line.startsWith('{')) throw new Error(`bench: ${argv.join(' ')} does not start: ${(r.stderr || String(r.error || `exit ${r.status}`)).trim()}`);
  return JSON.parse(line);
}

/** @type {string | undefined} */
let sourcesHash;

/** @param {string} rel addon path relative to ROOT @returns {boolean | undefined} */
function prebuildIsCurrent(rel) {
  if (!rel.startsWith('prebuilds/')) return undefined;
  try {
    const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'prebuilds', 'manifest.json'), 'utf8'));
    const entry = manifest.prebuilds[rel.slice('prebuilds/'.length)];
    sourcesHash ??= hashSources(ROOT).total;
    return entry ? entry.sources === sourcesHash : false;
  } catch {
    return false;
  }
}

/**
 * Resolves (fetching what is missing) and probes the Nodes to measure.
 * @param {string | undefined} list the --nodes value; undefined: the Node running the bench
 * @param {(line: string) => void} say progress lines
 * @returns {BenchNode[]}
 */
function resolveNodes(list, say) {
  /** @type {{ argv: string[], env: Record<string, string>, host: boolean }[]} */
  const found = [];
  if (list === undefined) found.push({ argv: [process.execPath], env: {}, host: true });
  else {
    /** @type {string[]} */
    let versions;
    try {
      versions = [...new Set(parseNodeList(list).map((spec) => /** @type {string} */ (resolveVersion(process.arch, spec))))];
    } catch (e) {
      throw usageError(`--nodes: ${e instanceof Error ? e.message : e}`);
    }
    for (const version of versions) {
      const cached = fs.existsSync(nodePaths(process.arch, version).bin);
      const started = Date.now();
      if (!cached) say(`bench: fetching Node ${version} (npm node-linux-${process.arch}) into .cache/node...`);
      const node = ensureNode(process.arch, version, { quiet: true });
      if (!cached) say(`bench: Node ${node.version} fetched in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      found.push({ argv: runnerFor(process.arch, node.bin), env: emulationEnv(process.arch, node), host: false });
    }
  }
  return found.map(({ argv, env: emuEnv, host }) => {
    // the ABI first, loading nothing: build/Release loaded into another ABI's Node can kill it
    const abi = spawnSync(argv[0], [...argv.slice(1), '-p', 'process.versions.modules'], {
      env: { ...process.env, ...emuEnv },
      encoding: 'utf8',
      timeout: 120_000,
    }).stdout?.trim();
    if (!abi) throw new Error(`bench: ${argv.join(' ')} does not start`);
    /** @type {Record<string, string>} */
    const env = { ...emuEnv, ...(abi === process.versions.modules ? {} : { PREBUILDS_ONLY: '1' }) };
    const p = probe(argv, env);
    const addon = p.addon ? path.relative(ROOT, p.addon) : null;
    if (env.PREBUILDS_ONLY && addon && !addon.startsWith('prebuilds/')) {
      throw new Error(`bench: Node ${p.version} would load ${addon}, not a prebuild`);
    }
    /** @type {BenchNode} */
    const n = { version: p.version, argv, host, abi, env, addon, backend: p.backend ?? null, handoff: p.handoff ?? null };
    if (p.loadError) n.loadError = p.loadError;
    const current = addon ? prebuildIsCurrent(addon) : undefined;
    if (current !== undefined) n.prebuildCurrent = current;
    return n;
  });
}

module.exports = { parseNodeList, resolveNodes, usageError };
