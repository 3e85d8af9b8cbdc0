/**
 * 100,000 fibers suspended at once (20,000 under emulation), each resumed
 * again and finished with its own result, in child processes: with the
 * stacks this kernel gives by default (guard regions in shared slabs where
 * Linux has them), and with the fallback for kernels without them (own
 * guard pages up to a budget, unguarded slab stacks beyond). Either way the
 * process stays far below vm.max_map_count, where one guarded mapping per
 * stack stopped at 32,667 fibers. And running out of address space for
 * stacks is a FiberResourceError naming it, on both backends.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import { assertBuilt, ChildResult, describeChild, FIXTURES, lastJsonLine, ROOT, runFixture } from './helpers';

/** out-of-stacks.js with `args`, in a bash that first runs `limit` (a ulimit). */
function runLimited(env: Record<string, string>, args: string[], limit = 'true'): ChildResult {
  assertBuilt();
  const r = spawnSync('bash', ['-c', `${limit} && exec "$0" "$@"`, process.execPath, path.join(FIXTURES, 'out-of-stacks.js'), ...args], {
    env: { ...process.env, ...env, SWITCHYARD_ROOT: ROOT },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: r.status, signal: r.signal, stdout: r.stdout ?? '', stderr: r.stderr ?? '', json: lastJsonLine(r.stdout) };
}

const COUNT = process.env.SWITCHYARD_EMULATED_NODE ? 20_000 : 100_000;

function expectAllFinished(json: any, count = COUNT): void {
  expect(json).toMatchObject({
    count,
    backend: 'tls',
    wrongYield: 0,
    wrongResult: 0,
    done: count,
    activeWhileLive: count,
    activeAfter: 0,
  });
}

// The children choose the tls backend themselves: run once, in the tls suite.
const describeTls = process.env.SWITCHYARD_FIBER_BACKEND === 'threads' ? describe.skip : describe;

describeTls(`${COUNT.toLocaleString('en')} live suspended fibers (tls backend)`, () => {
  test('default stacks: all finish correctly, few kernel mappings', () => {
    const r = runFixture('many-live.js', [], { COUNT: String(COUNT), SWITCHYARD_FIBER_BACKEND: 'tls' });
    if (r.status !== 0 || !r.json) throw new Error(describeChild(r));
    expectAllFinished(r.json);
    const { mapsLive, maxMaps, stacks } = r.json;
    if (stacks.guardRegions) {
      // every stack guarded, none by a mapping of its own: a slab per 64 stacks at most
      expect(stacks.ownGuardPages).toBe(0);
      expect(r.json.mapsAdded).toBeLessThanOrEqual(Math.ceil(COUNT / 64) + 200);
    }
    expect(mapsLive).toBeLessThan(maxMaps);
  });

  test('without guard regions: own guard pages up to the budget, slab stacks beyond', () => {
    const budget = 1000;
    const count = 5000;
    const r = runFixture('many-live.js', [], {
      COUNT: String(count),
      SWITCHYARD_FIBER_BACKEND: 'tls',
      SWITCHYARD_GUARD_REGIONS: '0',
      SWITCHYARD_GUARDED_STACKS: String(budget),
    });
    if (r.status !== 0 || !r.json) throw new Error(describeChild(r));
    expectAllFinished(r.json, count);
    const { stacks, mapsAdded } = r.json;
    expect(stacks).toMatchObject({ guardRegions: false, guardedStackBudget: budget, ownGuardPages: budget });
    // two mappings per own guard page, about one per slab of 64 for the rest
    expect(mapsAdded).toBeLessThanOrEqual(2 * budget + Math.ceil((count - budget) / 64) + 200);
    expect(mapsAdded).toBeGreaterThanOrEqual(2 * budget);
  });

  test('without guard regions, the default budget keeps 100k fibers under vm.max_map_count', () => {
    const r = runFixture('many-live.js', [], { COUNT: String(COUNT), SWITCHYARD_FIBER_BACKEND: 'tls', SWITCHYARD_GUARD_REGIONS: '0' });
    if (r.status !== 0 || !r.json) throw new Error(describeChild(r));
    expectAllFinished(r.json);
    const { stacks, mapsLive, maxMaps } = r.json;
    expect(stacks.guardedStackBudget).toBe(Math.floor(maxMaps / 4));
    expect(stacks.ownGuardPages).toBe(Math.min(COUNT, stacks.guardedStackBudget));
    expect(mapsLive).toBeLessThan(maxMaps);
  });
});

// ulimit -v limits qemu's own address space too: not under emulation
const describeNative = process.env.SWITCHYARD_EMULATED_NODE ? describe.skip : describe;

describeNative('running out of address space for a stack (RLIMIT_AS, `ulimit -v`)', () => {
  test.each(['tls', 'threads'])('%s backend: FiberResourceError naming it; the process carries on', (backend) => {
    const env = { SWITCHYARD_FIBER_BACKEND: backend };
    const size = runLimited(env, ['vmsize']);
    if (size.status !== 0 || !size.json) throw new Error(describeChild(size));
    // room for two 64 MiB stacks and V8's own growth, not for a 1 GiB stack
    const limitKiB = size.json.vmSizeKiB + 512 * 1024;
    const r = runLimited(env, [], `ulimit -v ${limitKiB}`);
    if (r.status !== 0 || !r.json) throw new Error(describeChild(r));
    expect(r.json).toMatchObject({
      finished: true,
      hugeState: 'created',
      after: 42,
      active: 0,
      error: { typed: true, name: 'FiberResourceError', code: 'ERR_FIBER_RESOURCES' },
    });
    expect(r.json.error.message).toMatch(
      backend === 'tls'
        ? /could not allocate a 1048576 KiB fiber stack: out of address space .*RLIMIT_AS/
        : /could not start an OS thread with a 1048576 KiB stack .*RLIMIT_AS/,
    );
  });
});
