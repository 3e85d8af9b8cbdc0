'use strict';
/**
 * The inputs compiled into the addon, and their hashes. A prebuild records
 * these (prebuilds/manifest.json); prebuild-check.js compares them.
 *
 * Inputs: binding.gyp, everything under native/ (addon, C runtime, public
 * headers, generated switchers), and node-addon-api's headers (its version is
 * pinned by package-lock.json; the Node headers are implied by the target).
 */
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { ROOT } = require('./targets');

function walk(dir, rel, out) {
  for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) walk(dir, r, out);
    else if (e.isFile()) out.push(r);
  }
  return out;
}

/** repo-relative paths of the addon's inputs, sorted */
function sourceList(root = ROOT) {
  const files = ['binding.gyp', ...walk(root, 'native', [])];
  // native/cmake holds the CMake package for other addons: not compiled into this one
  const list = files.filter((f) => !f.startsWith('native/cmake/'));
  const napi = path.join(root, 'node_modules', 'node-addon-api');
  if (fs.existsSync(napi)) {
    for (const f of fs.readdirSync(napi)) if (f.endsWith('.h')) list.push(`node_modules/node-addon-api/${f}`);
  }
  return list.sort();
}

function sha256(buf) {
  return crypto.createHash('sha256').update(buf).digest('hex');
}

/** { files: { path: sha256 }, total } — total is the sha256 of the `sha256sum`-style listing */
function hashSources(root = ROOT) {
  const files = {};
  for (const f of sourceList(root)) files[f] = sha256(fs.readFileSync(path.join(root, f)));
  const listing = Object.keys(files).map((f) => `${files[f]}  ${f}\n`).join('');
  return { files, total: sha256(listing) };
}

/** human-readable differences between two { path: hash } maps */
function diffSources(before, after) {
  const out = [];
  for (const f of Object.keys(after)) {
    if (!(f in before)) out.push(`added:    ${f}`);
    else if (before[f] !== after[f]) out.push(`modified: ${f}`);
  }
  for (const f of Object.keys(before)) if (!(f in after)) out.push(`removed:  ${f}`);
  return out.sort((a, b) => a.slice(10).localeCompare(b.slice(10)));
}

module.exports = { sourceList, hashSources, diffSources, sha256 };
