#!/usr/bin/env node
'use strict';
/**
 * Run the JS-facing suites (test/fiber, test/csp) on another Node major on
 * this machine's architecture, loading that ABI's prebuild (never build/).
 *
 *   npm run test:node -- 22                 # 22, 24, 26 or a full version
 *   npm run test:node -- 24 --strict-skip   # exit 1 if the addon refuses that Node
 *   npm run test:node -- 22 -- -t "nested"  # extra jest arguments after a second --
 */
const { runSuites, splitArgs } = require('./jest-on-node');

const [own, jestArgs] = splitArgs(process.argv.slice(2));
const strictSkip = own.includes('--strict-skip');
const versions = own.filter((a) => !a.startsWith('--'));
if (!versions.length) {
  console.error('usage: npm run test:node -- <major|version>... [--strict-skip] [-- <jest args>]');
  process.exit(2);
}
let rc = 0;
try {
  for (const v of versions) {
    rc |= runSuites({ arch: process.arch, spec: v, suites: ['test/fiber', 'test/csp'], jestArgs, strictSkip, label: 'test:node' });
  }
} catch (e) {
  console.error(`test:node: ${e.message}`);
  rc = 1;
}
process.exitCode = rc;
