/**
 * The patch-release smoke's own logic (scripts/patch-smoke*.js,
 * scripts/patch-releases.js), without downloading a Node: which releases
 * it picks from npm's list, that the committed pins and expectations cover
 * every supported major, how a run is judged (a crash, a hang, a wrong
 * result, the wrong binary or backend, a mode the table does not expect,
 * with the message naming the entry to change), and that its workload passes
 * on this Node and catches a wrong value.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';

/* eslint-disable @typescript-eslint/no-var-requires */
const { MAJORS } = require('../../scripts/targets');
const releases = require('../../scripts/patch-releases');
const judge = require('../../scripts/patch-smoke-judge');
const smoke = require('../../scripts/patch-smoke');
/* eslint-enable @typescript-eslint/no-var-requires */

const ROOT = path.resolve(__dirname, '..', '..');
const WORKLOAD = path.join(ROOT, 'scripts', 'patch-smoke-workload.js');

describe('choosing the oldest and newest release of each major', () => {
  // npm lists versions in publish order: old majors' maintenance releases
  // come after newer majors, and there are pre-release and odd tags
  const npmList = [
    '20.0.0-rc.1', '20.0.0', '20.1.0', '20.9.0', '22.0.0', '20.10.0', '22.1.0',
    '24.0.0-pre', '24.0.0', '22.23.3', '24.0.1', '20.20.2', '22.23.5', '8.1.4-win12', '24.22.3', '20.20.1',
  ];

  test('by version order, not publish order or string order, leaving out tagged versions', () => {
    expect(releases.selectPatchReleases(npmList, [20, 22, 24])).toEqual({
      20: { oldest: '20.0.0', newest: '20.20.2' },
      22: { oldest: '22.0.0', newest: '22.23.5' },
      24: { oldest: '24.0.0', newest: '24.22.3' },
    });
  });

  test('a major with a single release has it as both', () => {
    expect(releases.selectPatchReleases(['26.0.0', '26.0.0-rc.2'], [26])).toEqual({ 26: { oldest: '26.0.0', newest: '26.0.0' } });
  });

  test('a major npm has no release of is an error naming it', () => {
    expect(() => releases.selectPatchReleases(npmList, [20, 28])).toThrow(/no release of Node 28/);
    expect(() => releases.selectPatchReleases({ error: 'E404' }, [20])).toThrow(/version list/);
  });

  test('the pins flatten to one run per release, a single release once', () => {
    const pins = { x64: { 22: { oldest: '22.0.0', newest: '22.23.5' }, 20: { oldest: '20.5.0', newest: '20.5.0' } } };
    expect(releases.pinnedReleases(pins, 'x64')).toEqual([
      { arch: 'x64', major: 20, which: 'oldest', version: '20.5.0' },
      { arch: 'x64', major: 22, which: 'oldest', version: '22.0.0' },
      { arch: 'x64', major: 22, which: 'newest', version: '22.23.5' },
    ]);
  });

  test('the committed pins are releases of every supported major, oldest first, as the updater writes them', () => {
    const file = releases.readPatchReleases();
    const pinned = file[releases.ARCH];
    expect(Object.keys(pinned).map(Number).sort()).toEqual([...MAJORS].sort());
    for (const [major, { oldest, newest }] of Object.entries(pinned) as [string, { oldest: string; newest: string }][]) {
      for (const v of [oldest, newest]) expect(releases.parseRelease(v)?.[0]).toBe(Number(major));
      expect(releases.compareReleases(oldest, newest)).toBeLessThanOrEqual(0);
    }
    expect(JSON.stringify(file, null, 2) + '\n').toBe(releases.formatPins(pinned));
  });
});

describe('the runner', () => {
  test('runs the pinned releases of a major, or any release asked for by version', () => {
    const pinned24 = releases.pinnedReleases().filter((r: { major: number }) => r.major === 24);
    expect(smoke.releasesFor(['24'])).toEqual(pinned24);
    expect(smoke.releasesFor(['24.5.0'])).toEqual([{ arch: 'x64', major: 24, which: 'asked for', version: '24.5.0' }]);
    expect(() => smoke.releasesFor(['19'])).toThrow(/no pinned releases of Node 19/);
    expect(() => smoke.parse(['24.x'])).toThrow(/not a Node major/);
    expect(smoke.parse(['--run', 'tls-checked']).runs.map((r: { name: string }) => r.name)).toEqual(['tls-checked']);
    expect(() => smoke.parse(['--run', 'fast'])).toThrow(/--run takes tls, tls-checked, threads/);
  });

  test("passes none of the caller's switchyard settings or NODE_OPTIONS to the workload, and loads prebuilds only", () => {
    const saved = { ...process.env };
    try {
      Object.assign(process.env, { SWITCHYARD_FIBER_HANDOFF: 'locker', SWITCHYARD_ASYNC_IDS: 'off', NODE_OPTIONS: '--require nothing' });
      for (const run of smoke.RUNS) {
        const env = smoke.runEnv(run);
        expect(env.SWITCHYARD_FIBER_HANDOFF).toBeUndefined();
        expect(env.SWITCHYARD_ASYNC_IDS).toBeUndefined();
        expect(env.NODE_OPTIONS).toBeUndefined();
        expect(env.PREBUILDS_ONLY).toBe('1');
        expect(env.SWITCHYARD_FIBER_BACKEND).toBe(run.backend);
      }
      expect(smoke.runEnv(smoke.RUNS.find((r: { name: string }) => r.name === 'tls-checked')).SWITCHYARD_CHECK_SWAP).toBe('1');
    } finally {
      for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
      Object.assign(process.env, saved);
    }
  });
});

describe('the expectations table', () => {
  const table = {
    x64: {
      22: { handoff: 'v8', asyncContext: 'ids+cped' },
      24: { handoff: 'locker', asyncContext: 'ids+cped' },
      '24.0.0': { handoff: 'v8' },
    },
  };
  const seen = (version: string, handoff: string | undefined, asyncContext = 'ids+cped') => ({ arch: 'x64', version, handoff, asyncContext });

  test('hand-off modes: v8, locker with any reason, or absent', () => {
    expect(judge.handoffKind('v8')).toBe('v8');
    expect(judge.handoffKind('locker: this node does not export X')).toBe('locker');
    expect(judge.handoffKind('locker')).toBe('locker');
    expect(judge.handoffKind(undefined)).toBe('absent');
    expect(judge.handoffKind('v9')).toBe('unknown (v9)');
  });

  test("a release's own entry overrides its major's, field by field", () => {
    expect(judge.expectationFor(table, 'x64', '24.0.0')).toEqual({
      values: { handoff: 'v8', asyncContext: 'ids+cped' },
      keys: { handoff: '24.0.0', asyncContext: '24' },
    });
    expect(judge.expectationFor(table, 'x64', '24.1.0').values.handoff).toBe('locker');
    expect(judge.expectationFor(table, 'x64', '26.0.0')).toBeNull();
  });

  test('matching modes pass', () => {
    expect(judge.compareWithExpected(table, seen('22.4.0', 'v8'))).toEqual([]);
    expect(judge.compareWithExpected(table, seen('24.3.0', 'locker: this node does not export X'))).toEqual([]);
    expect(judge.compareWithExpected(table, seen('24.0.0', 'v8'))).toEqual([]);
  });

  test('the direct path where the table says locker names the major entry to change, and the per-release alternative', () => {
    const [msg, ...more] = judge.compareWithExpected(table, seen('24.5.0', 'v8'));
    expect(more).toEqual([]);
    expect(msg).toContain('Node 24.5.0 (x64)');
    expect(msg).toContain('scripts/patch-smoke-expected.json expects "locker" ("24" under "x64")');
    expect(msg).toContain('set "handoff": "v8" in the "24" entry (every Node 24 release)');
    expect(msg).toContain('or add "24.5.0": { "handoff": "v8" } beside it (this release only)');
  });

  test('a fallback where the table says v8 gives the reason, and what to change if it is intended', () => {
    const [msg] = judge.compareWithExpected(table, seen('22.30.0', "locker: V8's ThreadManager::RestoreThread is not the code this was written for"));
    expect(msg).toContain(`hand-off is "locker: V8's ThreadManager::RestoreThread is not the code this was written for"`);
    expect(msg).toContain('set "handoff": "locker" in the "22" entry');
    expect(msg).toContain("did not recognize this release's V8 code");
  });

  test("a mismatch on a release's own entry names that entry", () => {
    const [msg] = judge.compareWithExpected(table, seen('24.0.0', 'locker: X'));
    expect(msg).toContain('set "handoff": "locker" in the "24.0.0" entry (Node 24.0.0 only)');
    expect(msg).not.toContain('or add');
  });

  test('the async-context mode is compared exactly', () => {
    const [msg] = judge.compareWithExpected(table, seen('22.4.0', 'v8', 'cped: the async-id stack was not found'));
    expect(msg).toContain('the async context is "cped: the async-id stack was not found"');
    expect(msg).toContain('set "asyncContext": "cped: the async-id stack was not found" in the "22" entry');
  });

  test('the yield check is compared where the table names it, and a fallback to the API says what to look at', () => {
    const withCheck = { x64: { 24: { handoff: 'v8', asyncContext: 'ids+cped', microtaskCheck: 'ring' } } };
    expect(judge.compareWithExpected(withCheck, { ...seen('24.5.0', 'v8'), microtaskCheck: 'ring' })).toEqual([]);
    const [msg, ...more] = judge.compareWithExpected(withCheck, { ...seen('24.5.0', 'v8'), microtaskCheck: 'queues' });
    expect(more).toEqual([]);
    expect(msg).toContain('the yield-in-microtask check is "queues"');
    expect(msg).toContain('set "microtaskCheck": "queues" in the "24" entry');
    expect(msg).toContain("did not recognize this release's microtask queues");
    // a table without the field does not compare it
    expect(judge.compareWithExpected(table, { ...seen('22.4.0', 'v8'), microtaskCheck: 'queues' })).toEqual([]);
  });

  test('a major missing from the table fails, with the entry to add', () => {
    const [msg] = judge.compareWithExpected(table, seen('26.1.0', 'v8'));
    expect(msg).toContain('has no entry for Node 26 under "x64". Add "26": {"handoff":"v8","asyncContext":"ids+cped"}');
  });

  test('the committed table covers every supported major with a known mode', () => {
    const committed = judge.readExpected();
    for (const major of MAJORS) {
      const exp = judge.expectationFor(committed, 'x64', `${major}.0.0`);
      expect(exp).not.toBeNull();
      expect(['v8', 'locker']).toContain(exp.values.handoff);
      expect(typeof exp.values.asyncContext).toBe('string');
    }
  });
});

describe('judging one run', () => {
  const table = { x64: { 24: { handoff: 'locker', asyncContext: 'ids+cped' } } };
  const opts = (backend: 'tls' | 'threads') => ({ run: { backend }, arch: 'x64', version: '24.2.0', prebuildDir: 'prebuilds/linux-x64', table });
  const good = {
    ok: true,
    gc: true,
    abi: '137',
    addon: 'prebuilds/linux-x64/switchyard.abi137.node',
    backend: 'tls',
    handoff: 'locker: this node does not export X',
    asyncContext: 'ids+cped',
  };
  const child = (report: object | null, more: object = {}) => ({
    status: 0,
    signal: null,
    stdout: report ? `some output\n${JSON.stringify(report)}\n` : '',
    stderr: '',
    timedOut: false,
    ...more,
  });

  test('a clean run with the expected modes passes', () => {
    expect(judge.judgeRun(child(good), opts('tls')).problems).toEqual([]);
    expect(judge.judgeRun(child({ ...good, backend: 'threads', handoff: undefined }), opts('threads')).problems).toEqual([]);
  });

  test('a crash fails with the signal and the end of its stderr', () => {
    const { problems } = judge.judgeRun(child(null, { status: null, signal: 'SIGSEGV', stderr: 'line\nFATAL ERROR: in V8\n' }), opts('tls'));
    expect(problems).toEqual(['crashed (SIGSEGV); its stderr ends:\nline\nFATAL ERROR: in V8']);
  });

  test('a hang, a bad exit status or no report fails', () => {
    expect(judge.judgeRun(child(null, { timedOut: true }), opts('tls')).problems[0]).toMatch(/^timed out/);
    expect(judge.judgeRun(child(good, { status: 134 }), opts('tls')).problems).toEqual(['exited with status 134']);
    expect(judge.judgeRun(child(null), opts('tls')).problems).toEqual(['printed no report']);
  });

  test('a run without gc() fails', () => {
    expect(judge.judgeRun(child({ ...good, gc: false }), opts('tls')).problems).toEqual(['ran without gc() between hops (node did not take --expose-gc)']);
  });

  test('a wrong result fails with the workload\'s error', () => {
    const { problems } = judge.judgeRun(child({ ...good, ok: false, error: 'Error: fiber 3 hop 9: resumed with x' }), opts('tls'));
    expect(problems).toEqual(['wrong result: Error: fiber 3 hop 9: resumed with x']);
  });

  test('an addon from build/ instead of the prebuild fails', () => {
    const { problems } = judge.judgeRun(child({ ...good, addon: 'build/Release/switchyard.node' }), opts('tls'));
    expect(problems).toEqual(['loaded the addon from build/Release/switchyard.node, not the prebuild prebuilds/linux-x64/switchyard.abi137.node']);
  });

  test('a tls run that fell back to the threads backend fails, with the addon\'s note', () => {
    const { problems } = judge.judgeRun(child({ ...good, backend: 'threads', handoff: undefined, backendNote: 'tls cannot run here' }), opts('tls'));
    expect(problems).toEqual(['runs the threads backend, not tls: tls cannot run here']);
  });

  test('a hand-off mode the table does not expect fails; the threads backend is held to the async-context mode only', () => {
    expect(judge.judgeRun(child({ ...good, handoff: 'v8' }), opts('tls')).problems[0]).toContain('set "handoff": "v8" in the "24" entry');
    const threads = { ...good, backend: 'threads', handoff: undefined };
    expect(judge.judgeRun(child({ ...threads, asyncContext: 'ids' }), opts('threads')).problems[0]).toContain('set "asyncContext": "ids" in the "24" entry');
    expect(judge.judgeRun(child({ ...threads, handoff: 'v8' }), opts('threads')).problems).toEqual(['the threads backend reports a hand-off mode (v8); it has none']);
  });
});

describe('the workload on this Node', () => {
  const runWorkload = (env: Record<string, string> = {}) => {
    const r = spawnSync(process.execPath, ['--expose-gc', WORKLOAD], { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 240_000 });
    return { status: r.status, signal: r.signal, stderr: r.stderr, report: judge.lastJsonLine(r.stdout) };
  };

  test('passes, and reports the modes it ran with', () => {
    const r = runWorkload();
    expect({ status: r.status, signal: r.signal, error: r.report?.error }).toEqual({ status: 0, signal: null, error: undefined });
    expect(r.report).toMatchObject({ ok: true, gc: true, node: process.versions.node, active: 0 });
    expect(r.report.interleave).toMatchObject({ fibers: 12, hops: 12 * 41, thrown: 3 });
    expect(r.report.interleave.nested).toBeGreaterThan(0);
    expect(r.report.interleave.gcs).toBeGreaterThan(50);
    expect(r.report.pingPong).toEqual({ rounds: 300, waits: 12 });
    expect(['v8', 'locker', 'absent']).toContain(judge.handoffKind(r.report.handoff));
  });

  test('catches a wrong value handed to a fiber', () => {
    const r = runWorkload({ SWITCHYARD_SMOKE_FAULT: 'wrong-reply' });
    expect(r.signal).toBeNull();
    expect(r.report).toMatchObject({ ok: false });
    expect(r.report.error).toMatch(/fiber \d+ hop \d+: resumed with wrong, expected r\d+\.\d+/);
  });
});
