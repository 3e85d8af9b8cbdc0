#!/usr/bin/env node
'use strict';
/**
 * Fetch one Node release (binary + headers) into .cache/node/<arch>-<version>
 * from the npm packages node-linux-<arch>. Skips the download when present.
 * Any release on npm can be fetched by its full version, not only the pinned
 * ones (scripts/targets.js) that a major stands for.
 *
 *   node scripts/fetch-node.js 22            # x64, pinned version of Node 22
 *   node scripts/fetch-node.js 26 --arch arm64
 *   node scripts/fetch-node.js 24.0.0        # any release on npm
 *   node scripts/fetch-node.js 22.23.3 --arch x64 --print   # prints the dir only
 *
 * As a module:
 *   ensureNode(arch, versionOrMajor) -> { version, dir, bin, include }
 *   fetchNode(arch, versionOrMajor) -> Promise of the same, with progress
 *     (megabytes unpacked so far) on stderr while npm downloads
 */
const fs = require('fs');
const path = require('path');
const { spawn, spawnSync } = require('child_process');
const { CACHE, resolveVersion, packagePaths, nodePrefix } = require('./targets');

const STAGING = '.staging-';

const isComplete = (p) => [p.bin, path.join(p.include, 'node.h'), path.join(p.include, 'common.gypi')].every((f) => fs.existsSync(f));

/**
 * What to install where. npm writes into a staging prefix of this process's
 * own, renamed into place once complete: several processes (jest workers, a
 * bench beside a test) may want the same Node at once, and two npm installs
 * into one prefix break each other (seen in CI: one exits 217, the other
 * finds bin/node missing).
 */
function installPlan(arch, spec) {
  const version = resolveVersion(arch, spec);
  const prefix = nodePrefix(arch, version);
  const paths = packagePaths(prefix, arch);
  const staging = path.join(CACHE, `${STAGING}${arch}-${version}-${process.pid}-${Date.now().toString(36)}`);
  const pkg = `node-linux-${arch}@${version}`;
  const args = ['install', '--prefix', staging, '--no-audit', '--no-fund', '--no-save', '--loglevel=error'];
  // npm refuses a package whose "cpu" field is not the host's: say which cpu we want
  if (arch !== process.arch) args.push('--force', `--cpu=${arch}`);
  args.push(pkg);
  return { arch, version, paths, present: isComplete(paths), prefix, staging, pkg, args };
}

function installFailed(plan, how, stderr) {
  return new Error(`fetch-node: \`npm ${plan.args.join(' ')}\` failed (${how}):\n${(stderr || '').trim()}`);
}

const removeTree = (dir) => fs.rmSync(dir, { recursive: true, force: true });

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

/** staging prefixes left by a process that died mid-install (killed, power cut) */
function removeAbandonedStaging() {
  for (const name of fs.readdirSync(CACHE)) {
    if (!name.startsWith(STAGING)) continue;
    const pid = Number(name.split('-').at(-2));
    if (Number.isInteger(pid) && pid !== process.pid && !alive(pid)) removeTree(path.join(CACHE, name));
  }
}

function prepare(plan, quiet) {
  fs.mkdirSync(CACHE, { recursive: true });
  removeAbandonedStaging();
  if (!quiet) process.stderr.write(`fetch-node: npm install ${plan.pkg} into ${path.relative(process.cwd(), plan.prefix) || plan.prefix}\n`);
}

/**
 * Move the finished staging prefix into place. When the place is taken,
 * either another process got there first with a complete install (ours is
 * dropped), or an install cut short by an older fetch-node, which wrote in
 * place, left a broken one (moved aside and replaced).
 */
function publish(plan) {
  try {
    if (!isComplete(packagePaths(plan.staging, plan.arch))) {
      throw new Error(`fetch-node: npm installed ${plan.pkg} but its bin/node or include/node headers are missing`);
    }
    for (let attempt = 1; ; attempt++) {
      try {
        fs.renameSync(plan.staging, plan.prefix);
        break;
      } catch (e) {
        if (e.code !== 'ENOTEMPTY' && e.code !== 'EEXIST') throw e;
        if (isComplete(plan.paths)) break;
        if (attempt === 3) throw new Error(`fetch-node: ${plan.prefix} is incomplete and could not be replaced`);
        const aside = `${plan.staging}.broken`;
        try {
          fs.renameSync(plan.prefix, aside);
        } catch (e2) {
          if (e2.code !== 'ENOENT') throw e2; // another process moved it meanwhile: try again
        }
        removeTree(aside);
      }
    }
  } finally {
    removeTree(plan.staging);
  }
  return { version: plan.version, ...plan.paths };
}

function ensureNode(arch, spec, { quiet = false } = {}) {
  const plan = installPlan(arch, spec);
  if (plan.present) return { version: plan.version, ...plan.paths };
  prepare(plan, quiet);
  const r = spawnSync('npm', plan.args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.error || r.status !== 0) {
    removeTree(plan.staging);
    throw installFailed(plan, r.error ? r.error.message : `exit ${r.status}`, r.stderr);
  }
  return publish(plan);
}

/** bytes under dir (files only; what npm has unpacked so far) */
function treeBytes(dir) {
  let total = 0;
  let entries;
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0; // not there yet, or npm just moved it
  }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) total += treeBytes(p);
    else if (e.isFile()) {
      try {
        total += fs.statSync(p).size;
      } catch {
        // removed meanwhile
      }
    }
  }
  return total;
}

const mb = (bytes) => `${Math.round(bytes / 1048576)} MB`;

/**
 * ensureNode with progress: npm unpacks the tarball into the staging prefix while it
 * downloads it, so the size unpacked so far says how far it got (the
 * registry gives no total for these packages). On a terminal one line is
 * rewritten; elsewhere (CI logs) a line every few seconds.
 */
function fetchNode(arch, spec, { quiet = false, everyMs } = {}) {
  const plan = installPlan(arch, spec);
  if (plan.present) return Promise.resolve({ version: plan.version, ...plan.paths });
  prepare(plan, quiet);
  const tty = Boolean(process.stderr.isTTY);
  const started = Date.now();
  const elapsed = () => `${Math.round((Date.now() - started) / 1000)} s`;
  const show = (text, final) => {
    if (quiet) return;
    if (tty) process.stderr.write(`\r\x1b[K${text}${final ? '\n' : ''}`);
    else process.stderr.write(`${text}\n`);
  };
  const timer = setInterval(() => show(`fetch-node: ${plan.pkg}: ${mb(treeBytes(plan.staging))} unpacked (${elapsed()})`, false), everyMs ?? (tty ? 500 : 5000));
  return new Promise((resolve, reject) => {
    const child = spawn('npm', plan.args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d) => (stderr += d));
    const finish = (how) => {
      clearInterval(timer);
      if (how) {
        removeTree(plan.staging);
        show(`fetch-node: ${plan.pkg}: failed after ${elapsed()}`, true);
        reject(installFailed(plan, how, stderr));
        return;
      }
      try {
        const bytes = treeBytes(plan.staging);
        const node = publish(plan);
        show(`fetch-node: ${plan.pkg}: ${mb(bytes)} in ${elapsed()}`, true);
        resolve(node);
      } catch (e) {
        reject(e);
      }
    };
    child.on('error', (e) => finish(e.message));
    child.on('close', (code, signal) => finish(code === 0 ? null : signal ? `signal ${signal}` : `exit ${code}`));
  });
}

function parseArgs(argv) {
  let arch = process.arch;
  let print = false;
  const rest = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--arch') arch = argv[++i];
    else if (argv[i].startsWith('--arch=')) arch = argv[i].slice(7);
    else if (argv[i] === '--print') print = true;
    else if (argv[i] === '-h' || argv[i] === '--help') rest.push('help');
    else rest.push(argv[i]);
  }
  return { arch, print, rest };
}

async function main(argv) {
  const { arch, print, rest } = parseArgs(argv);
  if (rest.length !== 1 || rest[0] === 'help') {
    console.error('usage: node scripts/fetch-node.js <major|version> [--arch x64|arm64] [--print]');
    process.exit(2);
  }
  const n = await fetchNode(arch, rest[0], { quiet: print });
  console.log(print ? n.dir : `node ${n.version} (${arch}): ${n.bin}\nheaders: ${n.include}`);
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((e) => {
    console.error(e.message);
    process.exit(1);
  });
}
module.exports = { ensureNode, fetchNode };
