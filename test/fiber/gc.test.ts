/**
 * The GC with fibers: full and minor GCs inside fibers and between them,
 * compaction moving objects referenced only from suspended fiber frames,
 * incremental marking interleaved with switches. Each case runs in a child
 * node so it can use V8 flags.
 */
import { describeChild, runFixture } from './helpers';

const cases: Array<[string, string[], Record<string, string>]> = [
  ['gc() inside and between fibers', ['--expose-gc'], { LIVE: '300', ROUNDS: '40', GC_EVERY: '5' }],
  ['--stress-compaction', ['--expose-gc', '--stress-compaction'], { LIVE: '100', ROUNDS: '20', GC_EVERY: '3' }],
  ['--stress-incremental-marking', ['--expose-gc', '--stress-incremental-marking'], { LIVE: '200', ROUNDS: '30' }],
  ['--conservative-stack-scanning', ['--expose-gc', '--conservative-stack-scanning'], { LIVE: '200', ROUNDS: '20' }],
  ['tiny young generation', ['--max-semi-space-size=1', '--min-semi-space-size=1'], { LIVE: '300', ROUNDS: '30' }],
];

describe('Fiber and the GC', () => {
  test.each(cases)('%s', (_name, flags, env) => {
    const r = runFixture('gc-workload.js', flags, env);
    expect({ status: r.status, ok: r.json?.ok }).toEqual({ status: 0, ok: true });
    if (r.status !== 0) throw new Error(describeChild(r));
    expect(r.json.stats.active).toBe(0);
  });
});
