#!/usr/bin/env node
'use strict';
/**
 * Fail when a committed prebuild no longer matches the sources it claims to
 * be built from (prebuilds/manifest.json), naming the files that changed.
 * Also fails on binaries the manifest does not know, manifest entries without
 * a binary, and binaries whose bytes differ from the recorded hash.
 *
 *   npm run prebuild:check            # exit 0: every prebuild is current
 *   npm run prebuild:check -- --all   # also require every target of scripts/targets.js
 */
const fs = require('fs');
const path = require('path');
const { ROOT, allTargets } = require('./targets');
const { hashSources, diffSources, sha256 } = require('./sources');

const DIR = path.join(ROOT, 'prebuilds');

function main(argv) {
  const requireAll = argv.includes('--all');
  const problems = [];
  let manifest;
  try {
    manifest = JSON.parse(fs.readFileSync(path.join(DIR, 'manifest.json'), 'utf8'));
  } catch (e) {
    console.error(`prebuild:check: cannot read prebuilds/manifest.json (${e.message}); run \`npm run prebuild\``);
    return 1;
  }
  const current = hashSources(ROOT);
  const onDisk = [];
  for (const d of fs.existsSync(DIR) ? fs.readdirSync(DIR, { withFileTypes: true }) : []) {
    if (!d.isDirectory()) continue;
    for (const f of fs.readdirSync(path.join(DIR, d.name))) if (f.endsWith('.node')) onDisk.push(`${d.name}/${f}`);
  }
  const changedBySet = new Map();
  for (const rel of onDisk) {
    const entry = manifest.prebuilds[rel];
    if (!entry) {
      problems.push(`prebuilds/${rel}: not in the manifest (built by hand?)`);
      continue;
    }
    if (sha256(fs.readFileSync(path.join(DIR, rel))) !== entry.sha256) problems.push(`prebuilds/${rel}: binary differs from the one the manifest recorded`);
    if (entry.sources !== current.total) {
      if (!changedBySet.has(entry.sources)) {
        const recorded = manifest.sourceSets && manifest.sourceSets[entry.sources];
        changedBySet.set(entry.sources, recorded ? diffSources(recorded, current.files) : ['(its source list is missing from the manifest)']);
      }
      problems.push(`prebuilds/${rel} (${entry.target}, node ${entry.node}) is stale; since it was built:\n      ${changedBySet.get(entry.sources).join('\n      ')}`);
    }
  }
  for (const rel of Object.keys(manifest.prebuilds)) if (!onDisk.includes(rel)) problems.push(`prebuilds/${rel}: in the manifest but missing`);
  if (requireAll) {
    const built = new Set(Object.values(manifest.prebuilds).map((e) => e.target));
    for (const t of allTargets()) if (!built.has(t.id)) problems.push(`target ${t.id} (node ${t.version}) has no prebuild`);
  }
  if (problems.length) {
    console.error(`prebuild:check: ${problems.length} problem(s):\n  ${problems.join('\n  ')}\nRebuild with \`npm run prebuild\` (or \`npm run prebuild -- --only <target>\`).`);
    return 1;
  }
  console.log(`prebuild:check: ${onDisk.length} prebuild(s) match the sources (${current.total.slice(0, 12)}): ${onDisk.join(', ')}`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
