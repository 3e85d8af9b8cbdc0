#!/usr/bin/env node
'use strict';
/**
 * Run the JS-facing suites (test/fiber, test/csp) on other Node majors on
 * this machine's architecture, loading each ABI's prebuild (never build/),
 * once per fiber backend.
 *
 *   npm run test:node -- 22 24 26              # 20, 22, 24, 26 or a full version; both backends
 *   npm run test:node -- 20 --backend threads  # one backend (tls or threads)
 *   npm run test:node -- 24 --strict-skip      # exit 1 if the addon refuses that Node
 *   npm run test:node -- 22 -- -t "nested"     # extra jest arguments after a second --
 */
const { runSuites, splitArgs } = require('./jest-on-node');

const BACKENDS = ['tls', 'threads'];
const USAGE = 'usage: npm run test:node -- <major|version>... [--backend tls|threads] [--strict-skip] [-- <jest args>]';

function parse(argv) {
  const opts = { versions: [], backends: BACKENDS, strictSkip: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--strict-skip') opts.strictSkip = true;
    else if (a === '--backend') {
      const b = argv[++i];
      if (!BACKENDS.includes(b)) throw new Error(`--backend takes ${BACKENDS.join(' or ')}, got '${b ?? ''}'`);
      opts.backends = [b];
    } else if (a.startsWith('--')) throw new Error(`unknown option '${a}'`);
    else opts.versions.push(a);
  }
  if (!opts.versions.length) throw new Error('no Node version given');
  return opts;
}

const [own, jestArgs] = splitArgs(process.argv.slice(2));
let opts;
try {
  opts = parse(own);
} catch (e) {
  console.error(`test:node: ${e.message}\n${USAGE}`);
  process.exit(2);
}
const results = [];
let rc = 0;
try {
  for (const v of opts.versions) {
    for (const backend of opts.backends) {
      // the child jest (and the addon it loads) picks the backend from the environment
      process.env.SWITCHYARD_FIBER_BACKEND = backend;
      const code = runSuites({ arch: process.arch, spec: v, suites: ['test/fiber', 'test/csp'], jestArgs, strictSkip: opts.strictSkip, label: `test:node (${backend})` });
      results.push(`node ${v} ${backend}: ${code === 0 ? 'passed' : 'FAILED'}`);
      rc |= code;
    }
  }
} catch (e) {
  console.error(`test:node: ${e.message}`);
  rc = 1;
}
if (results.length > 1) console.log(`\ntest:node summary:\n  ${results.join('\n  ')}`);
process.exitCode = rc;
