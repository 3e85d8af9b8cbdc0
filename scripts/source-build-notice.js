'use strict';
/**
 * Run by `node-gyp-build` at install time (package.json "install"), only
 * when no prebuilt binary loads: says why, and that a source build follows.
 * Shipped in the package; needs nothing but node.
 */
const path = require('path');

const root = path.resolve(__dirname, '..');
const where = `${process.platform}-${process.arch}, Node ${process.versions.node} (ABI ${process.versions.modules})`;
let why;
try {
  process.env.PREBUILDS_ONLY = '1';
  const file = require('node-gyp-build').path(root);
  try {
    require(file);
    why = `the prebuild ${path.relative(root, file)} loads now; building anyway (--build-from-source?)`;
  } catch (e) {
    why = `the prebuild ${path.relative(root, file)} does not load: ${e.message.split('\n')[0]}`;
  }
} catch {
  why = 'switchyard ships prebuilt binaries for linux-x64 and linux-arm64 with Node 20, 22, 24 and 26 only';
}
console.error(
  `switchyard: no usable prebuilt addon for ${where}: ${why}.\n` +
    'switchyard: building the addon from source with node-gyp; this needs python3, make and a C/C++ compiler.',
);
