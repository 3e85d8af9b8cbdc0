/**
 * A million fibers created and finished, with resident memory checked to
 * stay flat: a finished fiber gives back its stack and V8 identity at once
 * (one pooled carrier serves them all) and the rest goes with its JS object.
 * Runs in a child node with --expose-gc; under emulation (arm64 on qemu) the
 * count is 200,000, the same check.
 */
import { describeChild, runFixture } from './helpers';

const TOTAL = process.env.SWITCHYARD_EMULATED_NODE ? 200_000 : 1_000_000;
// Growth allowed between the first batch (a tenth of the fibers) and the
// last: observed ≤ 3 MiB on x64 with either backend; a leak of even 16 bytes
// per fiber would add ~14 MiB.
const MAX_GROWTH_MIB = 8;

describe(`${TOTAL.toLocaleString('en')} fibers`, () => {
  test('created and finished with resident memory flat', () => {
    const r = runFixture('million.js', ['--expose-gc'], { TOTAL: String(TOTAL) });
    if (r.status !== 0 || !r.json) throw new Error(describeChild(r));
    const { ok, fibers, rssMiB, stats } = r.json;
    expect({ ok, fibers }).toEqual({ ok: true, fibers: TOTAL });
    const growth = rssMiB[rssMiB.length - 1] - rssMiB[0];
    if (growth > MAX_GROWTH_MIB) throw new Error(`resident memory grew ${growth.toFixed(1)} MiB: ${rssMiB.join(', ')}`);
    expect(stats).toMatchObject({ active: 0, orphaned: 0 });
    expect(stats.created).toBeLessThanOrEqual(2);
  });
});
