'use strict';
/**
 * What one run of the patch-release smoke must show, and the messages when
 * it does not: the workload's report (scripts/patch-smoke-workload.js) is
 * checked for a crash, a wrong result, the addon it loaded, and the tls
 * backend's modes against the committed table
 * scripts/patch-smoke-expected.json. Pure functions: the tests feed them
 * made-up runs (test/packaging/patch-smoke.test.ts).
 */
const fs = require('fs');
const path = require('path');

const EXPECTED_FILE = path.join(__dirname, 'patch-smoke-expected.json');
const TABLE_NAME = 'scripts/patch-smoke-expected.json';

function readExpected(file = EXPECTED_FILE) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/** NativeFiber.handoff -> the table's word: 'v8' (direct), 'locker' (with any reason), or 'absent' */
function handoffKind(handoff) {
  if (handoff === undefined || handoff === null) return 'absent';
  if (handoff === 'v8') return 'v8';
  if (/^locker(:|$)/.test(handoff)) return 'locker';
  return `unknown (${handoff})`;
}

/**
 * The expectations for one release: the major's entry with the release's
 * own entry (if any) laid over it, and for each field the key it came from.
 * null when the table has no entry for the major.
 */
function expectationFor(table, arch, version) {
  const major = String(version).split('.')[0];
  const forArch = (table && table[arch]) || {};
  const base = forArch[major];
  if (!base) return null;
  const own = forArch[version] || {};
  const out = { values: {}, keys: {} };
  for (const field of new Set([...Object.keys(base), ...Object.keys(own)])) {
    const fromOwn = Object.prototype.hasOwnProperty.call(own, field);
    out.values[field] = fromOwn ? own[field] : base[field];
    out.keys[field] = fromOwn ? version : major;
  }
  return out;
}

const describeHandoff = (handoff) => (handoff === 'v8' ? '"v8" (the direct hand-off)' : JSON.stringify(handoff ?? null));

const ALL_FIELDS = ['handoff', 'asyncContext', 'microtaskCheck'];

function describeField(field, { handoff, asyncContext, microtaskCheck }) {
  if (field === 'handoff') return `the tls backend's hand-off is ${describeHandoff(handoff)}`;
  if (field === 'asyncContext') return `the async context is ${JSON.stringify(asyncContext ?? null)}`;
  return `the yield-in-microtask check is ${JSON.stringify(microtaskCheck ?? null)}`;
}

/**
 * The tls backend's hand-off, async-context and yield-check modes against
 * the table (`fields`: which of them; the threads backend has no hand-off).
 * A field the table does not name is not compared. Returns the mismatches,
 * each a message saying exactly what to change.
 */
function compareWithExpected(table, { arch, version, handoff, asyncContext, microtaskCheck }, fields = ALL_FIELDS) {
  const major = String(version).split('.')[0];
  const seen = { handoff: handoffKind(handoff), asyncContext, microtaskCheck };
  const exp = expectationFor(table, arch, version);
  if (!exp) {
    const entry = {
      handoff: fields.includes('handoff') ? seen.handoff : '<v8 or locker, as the tls run shows>',
      asyncContext: seen.asyncContext,
      microtaskCheck: seen.microtaskCheck,
    };
    return [
      `Node ${version} (${arch}): ${TABLE_NAME} has no entry for Node ${major} under "${arch}". ` +
        `Add "${major}": ${JSON.stringify(entry)} there if that is what Node ${major} should do.`,
    ];
  }
  const problems = [];
  for (const field of fields) {
    const want = exp.values[field];
    const got = seen[field];
    if (want === undefined || want === got) continue;
    const key = exp.keys[field];
    const what = describeField(field, { handoff, asyncContext, microtaskCheck });
    const scope = key === major ? `every Node ${major} release` : `Node ${version} only`;
    let msg =
      `Node ${version} (${arch}): ${what}, but ${TABLE_NAME} expects ${JSON.stringify(want)} ("${key}" under "${arch}"). ` +
      `If that is intended, set "${field}": ${JSON.stringify(got)} in the "${key}" entry (${scope})`;
    if (key === major) msg += `, or add "${version}": { "${field}": ${JSON.stringify(got)} } beside it (this release only)`;
    msg += '.';
    if (field === 'handoff' && got === 'locker') msg += ` If not, the hand-off did not recognize this release's V8 code, for the reason after "locker:".`;
    if (field === 'microtaskCheck' && got === 'queues')
      msg += ` If not, the probe did not recognize this release's microtask queues (SWITCHYARD_DEBUG_HANDOFF=1 says why).`;
    problems.push(msg);
  }
  return problems;
}

/** the last line of stdout that is JSON, or null */
function lastJsonLine(stdout) {
  const lines = String(stdout || '').trim().split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    try {
      const v = JSON.parse(lines[i]);
      if (v && typeof v === 'object') return v;
    } catch {
      // not JSON
    }
  }
  return null;
}

function tail(text, n = 15) {
  const lines = String(text || '').trimEnd().split('\n');
  return lines.slice(-n).join('\n');
}

/**
 * child: { status, signal, stdout, stderr, timedOut } of one workload run.
 * run: { backend: 'tls' | 'threads' }; arch, version: the Node under test;
 * prebuildDir: where its addon must come from ('prebuilds/linux-x64').
 * Returns { report (the workload's JSON, or null), problems: [messages] }.
 */
function judgeRun(child, { run, arch, version, prebuildDir, table }) {
  const report = lastJsonLine(child.stdout);
  const problems = [];
  const stderr = tail(child.stderr);
  const withStderr = (msg) => (stderr ? `${msg}; its stderr ends:\n${stderr}` : msg);
  if (child.timedOut) problems.push(withStderr(`timed out (hung or far too slow)`));
  else if (child.signal) problems.push(withStderr(`crashed (${child.signal})`));
  else if (child.status !== 0) problems.push(withStderr(`exited with status ${child.status}`));
  if (!report) {
    if (!problems.length) problems.push(withStderr('printed no report'));
    return { report: null, problems };
  }
  if (!report.ok) problems.push(`wrong result: ${report.error || 'no error given'}`);
  if (report.gc === false) problems.push('ran without gc() between hops (node did not take --expose-gc)');
  if (report.addon !== undefined && report.abi !== undefined) {
    const want = `${prebuildDir}/switchyard.abi${report.abi}.node`;
    if (report.addon !== want) problems.push(`loaded the addon from ${report.addon}, not the prebuild ${want}`);
  }
  if (report.backend !== undefined) {
    const seen = { arch, version, handoff: report.handoff, asyncContext: report.asyncContext, microtaskCheck: report.microtaskCheck };
    if (report.backend !== run.backend) {
      problems.push(`runs the ${report.backend} backend, not ${run.backend}${report.backendNote ? `: ${report.backendNote}` : ''}`);
    } else if (run.backend === 'threads') {
      if (report.handoff !== undefined) problems.push(`the threads backend reports a hand-off mode (${report.handoff}); it has none`);
      problems.push(...compareWithExpected(table, seen, ['asyncContext', 'microtaskCheck']));
    } else {
      problems.push(...compareWithExpected(table, seen));
    }
  }
  return { report, problems };
}

module.exports = { EXPECTED_FILE, TABLE_NAME, readExpected, handoffKind, expectationFor, compareWithExpected, lastJsonLine, judgeRun };
