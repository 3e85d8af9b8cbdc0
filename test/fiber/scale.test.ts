/** Many fibers: interleaved live ones and pooling of finished ones. */
import { Fiber, fiberStats } from '../../lib';

describe('Fiber scale', () => {
  // The addon is loaded once per jest worker (shared by test files), so
  // counters are compared before/after, never against absolute values.
  test('1,000 live fibers interleaved', () => {
    const activeBefore = fiberStats().active;
    const N = 1000;
    const fibers: Fiber<number, number>[] = [];
    for (let i = 0; i < N; i++) {
      fibers.push(
        new Fiber<number, number>((start) => {
          let acc = start;
          for (let round = 0; round < 10; round++) acc += Fiber.yield<number>(acc);
          return acc;
        }),
      );
    }
    for (let i = 0; i < N; i++) expect(fibers[i].resume(i)).toBe(i);
    for (let round = 0; round < 10; round++) {
      // resume in a different order every round
      for (let k = 0; k < N; k++) {
        const i = (k * 7 + round * 13) % N;
        fibers[i].resume(1);
      }
    }
    expect(fibers.every((f) => f.done)).toBe(true);
    expect(fiberStats().active).toBe(activeBefore);
  });

  test('200,000 sequential fibers complete; carriers are pooled, not leaked', () => {
    const before = fiberStats();
    let sum = 0;
    for (let i = 0; i < 200_000; i++) {
      const f = new Fiber<number, number>((x) => Fiber.yield<number>(x) + 1);
      sum += f.resume(i);
      sum += f.resume(1);
    }
    expect(sum).toBe((199_999 * 200_000) / 2 + 2 * 200_000);
    const after = fiberStats();
    // one carrier (stack + V8 thread id) served them all
    expect(after.created - before.created).toBeLessThanOrEqual(1);
    expect(after.active).toBe(before.active);
  });
});
