#!/usr/bin/env node
'use strict';
/**
 * Fetch one Node release (binary + headers) into .cache/node/<arch>-<version>
 * from the npm packages node-linux-<arch>. Skips the download when present.
 *
 *   node scripts/fetch-node.js 22            # x64, pinned version of Node 22
 *   node scripts/fetch-node.js 26 --arch arm64
 *   node scripts/fetch-node.js 22.23.3 --arch x64 --print   # prints the dir only
 *
 * As a module: ensureNode(arch, versionOrMajor) -> { version, dir, bin, include }.
 */
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');
const { CACHE, resolveVersion, nodePaths } = require('./targets');

function ensureNode(arch, spec, { quiet = false } = {}) {
  const version = resolveVersion(arch, spec);
  const p = nodePaths(arch, version);
  if (fs.existsSync(p.bin) && fs.existsSync(path.join(p.include, 'node.h'))) return { version, ...p };

  const prefix = path.join(CACHE, `${arch}-${version}`);
  fs.mkdirSync(prefix, { recursive: true });
  const pkg = `node-linux-${arch}@${version}`;
  if (!quiet) process.stderr.write(`fetch-node: npm install ${pkg} into ${path.relative(process.cwd(), prefix) || prefix}\n`);
  const args = ['install', '--prefix', prefix, '--no-audit', '--no-fund', '--no-save', '--loglevel=error'];
  // npm refuses a package whose "cpu" field is not the host's: say which cpu we want
  if (arch !== process.arch) args.push('--force', `--cpu=${arch}`);
  args.push(pkg);
  const r = spawnSync('npm', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.error || r.status !== 0) {
    throw new Error(`fetch-node: \`npm ${args.join(' ')}\` failed (${r.error ? r.error.message : `exit ${r.status}`}):\n${(r.stderr || '').trim()}`);
  }
  for (const f of [p.bin, path.join(p.include, 'node.h'), path.join(p.include, 'common.gypi')]) {
    if (!fs.existsSync(f)) throw new Error(`fetch-node: ${pkg} installed but ${f} is missing`);
  }
  return { version, ...p };
}

function main(argv) {
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
  if (rest.length !== 1 || rest[0] === 'help') {
    console.error('usage: node scripts/fetch-node.js <major|version> [--arch x64|arm64] [--print]');
    process.exit(2);
  }
  const n = ensureNode(arch, rest[0], { quiet: print });
  console.log(print ? n.dir : `node ${n.version} (${arch}): ${n.bin}\nheaders: ${n.include}`);
}

if (require.main === module) {
  try {
    main(process.argv.slice(2));
  } catch (e) {
    console.error(e.message);
    process.exit(1);
  }
}
module.exports = { ensureNode };
