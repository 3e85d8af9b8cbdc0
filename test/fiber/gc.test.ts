/**
 * The GC with fibers: full and minor GCs inside fibers and between them,
 * compaction moving objects referenced only from suspended fiber frames,
 * incremental marking interleaved with switches, for plain fibers and for
 * scheduler fibers that switch into each other. Each case runs in a child
 * node so it can use V8 flags.
 */
import { describeChild, runFixture } from './helpers';

// Under emulation (the arm64 suite on qemu; scripts/jest-on-node.js sets the
// variable) fewer rounds, the same live fibers and GC frequency: every case
// still runs gc() inside the fibers and between rounds, and checks the same.
const rounds = (native: number, emulated: number) => String(process.env.SWITCHYARD_EMULATED_NODE ? emulated : native);

const cases: Array<[string, string[], Record<string, string>]> = [
  ['gc() inside and between fibers', ['--expose-gc'], { LIVE: '300', ROUNDS: rounds(40, 10), GC_EVERY: '5' }],
  ['--stress-compaction', ['--expose-gc', '--stress-compaction'], { LIVE: '100', ROUNDS: rounds(20, 6), GC_EVERY: '3' }],
  ['--stress-incremental-marking', ['--expose-gc', '--stress-incremental-marking'], { LIVE: '200', ROUNDS: rounds(30, 8) }],
  ['--conservative-stack-scanning', ['--expose-gc', '--conservative-stack-scanning'], { LIVE: '200', ROUNDS: rounds(20, 8) }],
  ['tiny young generation', ['--max-semi-space-size=1', '--min-semi-space-size=1'], { LIVE: '300', ROUNDS: rounds(30, 10) }],
];

// Scheduler fibers handing tokens around a ring of channels: nearly every
// hop is a fiber-to-fiber transfer on the tls backend (a plain yield and
// resume on the threads backend).
const ringCases: Array<[string, string[], Record<string, string>]> = [
  ['gc() inside fibers', ['--expose-gc'], { RING: '16', LAPS: rounds(200, 40), GC_EVERY: '50' }],
  ['--stress-compaction', ['--expose-gc', '--stress-compaction'], { RING: '16', LAPS: rounds(100, 20), GC_EVERY: '40' }],
  ['--stress-incremental-marking', ['--expose-gc', '--stress-incremental-marking'], { RING: '16', LAPS: rounds(100, 20) }],
];

describe.each([
  ['Fiber and the GC', 'gc-workload.js', cases],
  ['scheduler fibers on a channel ring and the GC', 'csp-gc-workload.js', ringCases],
] as const)('%s', (_title, fixture, table) => {
  test.each(table)('%s', (_name, flags, env) => {
    const r = runFixture(fixture, flags, env);
    expect({ status: r.status, ok: r.json?.ok }).toEqual({ status: 0, ok: true });
    if (r.status !== 0) throw new Error(describeChild(r));
    expect(r.json.stats.active).toBe(0);
  });
});
