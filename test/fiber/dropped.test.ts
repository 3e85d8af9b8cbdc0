/**
 * Dropped fibers: a suspended fiber whose Fiber object becomes unreachable
 * is collected, a FiberCollectedError is thrown in at its suspension point
 * so its finally blocks run, and its carrier is recycled (README, "Dropped
 * fibers"). Each case runs in a child node with --expose-gc (fixtures
 * dropped*.js), on the backend this suite runs with.
 */
import { describeChild, runFixture } from './helpers';

const emulated = !!process.env.SWITCHYARD_EMULATED_NODE;

function runCase(name: string, flags: string[] = []) {
  return runFixture('dropped.js', ['--expose-gc', ...flags], { CASE: name });
}

function expectOk(r: ReturnType<typeof runFixture>) {
  if (r.status !== 0 || !r.json?.ok) throw new Error(describeChild(r));
  return r.json;
}

const settled = { active: 0, orphaned: 0, liveFibers: 0 };
const collected = 'FiberCollectedError ERR_FIBER_COLLECTED current=undefined instanceof=true orphaned=1';

describe('dropped suspended fibers', () => {
  test('every finally block runs, innermost first, after gc() returned, with Fiber.current undefined; nothing stays bound', () => {
    const out = expectOk(runCase('finally'));
    expect(out.log).toEqual(['gc returned', 'a:finally 0', 'a:finally 1', 'a:finally 2', `a:caught ${collected}`]);
    expect(out.stats).toEqual(settled);
  });

  test('a fiber reachable only from another suspended fiber is unwound after it', () => {
    const out = expectOk(runCase('chain'));
    expect(out.log).toEqual(['a:finally', 'b:finally']);
    expect(out.stats).toEqual(settled);
  });

  test('a yield while being unwound throws the same error again at once', () => {
    const out = expectOk(runCase('yieldAgain'));
    expect(out.log).toEqual(['rethrown 100', 'finally after yields']);
    expect(out.stats).toEqual(settled);
  });

  test('a body that keeps yielding is left suspended after a bound and that is reported', () => {
    const out = expectOk(runCase('keptYielding'));
    expect(out.log).toEqual(['swallowed 5000', 'swallowed 10000', 'uncaught FiberCollectedError ERR_FIBER_COLLECTED']);
    expect(out.stats).toEqual({ active: 0, orphaned: 1, liveFibers: 0 });
  });

  test("another error thrown while unwinding reaches 'uncaughtException'", () => {
    const out = expectOk(runCase('otherErrorHandled'));
    expect(out.log).toEqual(['uncaught from finally']);
    expect(out.stats).toEqual(settled);
  });

  test('... and without a handler ends the process like an uncaught error', () => {
    const r = runCase('otherErrorUnhandled');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('Error: thrown while unwinding');
    expect(r.stdout).not.toContain('not reached');
  });

  test('a body that catches the error and returns ends normally', () => {
    const out = expectOk(runCase('caughtAndReturned'));
    expect(out.log).toEqual(['caught ERR_FIBER_COLLECTED']);
    expect(out.stats).toEqual(settled);
  });

  test("the internal hook chooses the error and gets other errors (the fibers-compatible layer's)", () => {
    const out = expectOk(runCase('hooks'));
    expect(out.log).toEqual([
      'zombie: caught This Fiber is a zombie',
      'other: caught This Fiber is a zombie',
      'onError other error',
    ]);
    expect(out.stats).toEqual(settled);
  });

  test('a fiber whose body refers to it stays reachable and is not unwound', () => {
    const out = expectOk(runCase('selfReference'));
    expect(out.log).toEqual(['alive true', 'finally', 'resumed 41']);
    expect(out.before).toEqual({ active: 1, orphaned: 0, liveFibers: 1 });
  });

  test('scheduler fibers nobody else holds are not unwound', () => {
    const out = expectOk(runCase('scheduler'));
    expect(out.log).toEqual([
      'before: {"active":3,"orphaned":0,"liveFibers":3}',
      'got go',
      'finally 0',
      'got go',
      'finally 1',
      'got go',
      'finally 2',
    ]);
    expect(out.stats.active).toBe(0);
  });

  test("fibers dropped in an 'exit' listener are not unwound and exit is undisturbed", () => {
    const r = runCase('exit');
    const out = expectOk(r);
    expect(out.log).toEqual(['before:finally 0', `before:caught ${collected}`]);
    expect(r.stdout).not.toContain('unwound at exit');
    expect(r.stderr).toBe('');
  });

  test('nor are fibers dropped as a worker exits or is terminated', () => {
    const r = runCase('workers');
    const out = expectOk(r);
    expect(out.exitCodes).toEqual([0, 1]);
    expect(r.stdout).not.toContain('unwound in');
    expect(r.stderr).toBe('');
  });
});

describe('dropping 100,000 suspended fibers over time', () => {
  const total = emulated ? 10_000 : 100_000;

  test(`${total} in batches of 50 with gc(): every finally ran, memory bounded, carriers reused`, () => {
    const r = runFixture('dropped-many.js', ['--expose-gc'], { TOTAL: String(total), BATCH: '50' });
    if (r.status !== 0 || !r.json) throw new Error(describeChild(r));
    const out = r.json;
    expect({ started: out.started, finallies: out.finallies, collectedErrors: out.collectedErrors }).toEqual({
      started: total,
      finallies: total,
      collectedErrors: total,
    });
    // four long-lived fibers stay bound; nothing else, nothing orphaned
    expect(out.stats).toMatchObject({ active: 4, orphaned: 0, liveFibers: 4 });
    expect(out.stats.created).toBeLessThan(200); // pooled carriers, not one each
    expect(out.rssGrowthMiB).toBeLessThan(64);
    expect(out.heapUsedMiB).toBeLessThan(64);
  });

  test('without gc(): V8 collects them on its own, knowing what started fibers cost', () => {
    const n = emulated ? 5_000 : 20_000;
    const r = runFixture('dropped-many.js', ['--expose-gc'], { TOTAL: String(n), BATCH: '100', NO_GC: '1' });
    if (r.status !== 0 || !r.json) throw new Error(describeChild(r));
    expect(r.json.finallies).toBe(n);
    expect(r.json.maxActive).toBeLessThan(12_000); // far from the mapping limit (~32k)
    expect(r.json.stats).toMatchObject({ active: 4, orphaned: 0 });
  });
});

describe('randomized drops, resumes and nesting against a model', () => {
  const runs = (n: number) => String(emulated ? Math.ceil(n / 5) : n);
  test.each([
    ['gc()', [] as string[], runs(150)],
    ['--stress-compaction', ['--stress-compaction'], runs(60)],
    ['--stress-incremental-marking', ['--stress-incremental-marking'], runs(60)],
  ])('%s', (_name, flags, n) => {
    const r = runFixture('dropped-model.js', ['--expose-gc', ...flags], { RUNS: n });
    if (r.status !== 0 || !r.json?.ok) throw new Error(describeChild(r));
    expect(r.json.stats).toMatchObject({ active: 0, orphaned: 0 });
  });
});
