/**
 * Each fiber is its own V8 thread: at every switch the hand-off archives the
 * running fiber's per-thread V8 state (handle scopes, the isolate's
 * thread-local top with its try/catch handlers and pending exception, the
 * RegExp backtracking stack, ...) and restores the other's, by copies of
 * its own where V8's functions were recognized as copies (handoff.test.ts
 * says which). These drive that state hard from several fibers at once in
 * random interleavings and check every fiber's results against running the
 * same body alone: interleaving must change nothing.
 */
import fc from 'fast-check';
import { Fiber } from '../../lib';

const gc = (globalThis as { gc?: () => void }).gc;

// What the resumer hands back for a yielded value: any deterministic function.
const answer = (v: unknown): string => `${String(v)}!`;

// Backtracking that needs a RegExp stack well beyond V8's static one (one
// entry per repetition), and a match or not depending on the last letter.
const deep = /^(?:a|ab)*c$/;
const deepInput = (reps: number, last: string): string => 'ab'.repeat(reps) + last;

/** A fiber body, written against a yield function so that it can also run alone (the model). */
function work(id: number, y: (v: unknown) => unknown): string {
  const out: string[] = [];
  for (let k = 0; k < 3; k++) {
    const m = deep.exec(deepInput(400 + id * 97 + k * 51, id % 2 === 0 ? 'c' : 'd'));
    out.push(String(y(m === null ? -1 : m[0].length)));
  }
  // Suspended inside String.prototype.replace's callback, between matches.
  out.push(`x${id} 12 345 6789`.replace(/\d+/g, (d) => String(y(d))));
  try {
    throw new RangeError(`e${id}`);
  } catch (e) {
    out.push(String(y((e as Error).message)));
    // The caught exception is this fiber's, whatever the others threw meanwhile.
    out.push(String(y(e instanceof RangeError && (e as Error).message === `e${id}`)));
    try {
      deep.exec(deepInput(300, 'c'));
      throw new TypeError(`inner${id}`);
    } catch (inner) {
      out.push(String(y((inner as Error).message)));
    } finally {
      out.push(String(y(`finally${id}`)));
    }
  }
  return out.join('|');
}

/** The model: the body alone, every yield answered at once. */
function alone(id: number): { yielded: unknown[]; result: string } {
  const yielded: unknown[] = [];
  const result = work(id, (v) => {
    yielded.push(v);
    return answer(v);
  });
  return { yielded, result };
}

describe('per-fiber V8 thread state across switches', () => {
  const nFibers = 5;
  const model = Array.from({ length: nFibers }, (_, id) => alone(id));

  test('the model itself is non-trivial', () => {
    expect(model[0].yielded).toContain(400 * 2 + 1);  // id 0 matches
    expect(model[1].yielded[0]).toBe(-1);  // id 1 does not
    expect(model[2].result).toContain('x2! 12! 345! 6789!');
  });

  test('random interleavings of RegExp, replace callbacks and try/catch/finally match each fiber alone', () => {
    const schedules = fc.array(fc.nat({ max: nFibers - 1 }), { minLength: 1, maxLength: 200 });
    fc.assert(
      fc.property(schedules, fc.boolean(), (schedule, withGc) => {
        const yielded: unknown[][] = Array.from({ length: nFibers }, () => []);
        const results: unknown[] = new Array(nFibers);
        const fibers = Array.from({ length: nFibers }, (_, id) => new Fiber(() => work(id, (v) => Fiber.yield(v))));
        const last: unknown[] = new Array(nFibers).fill(undefined);
        let step = 0;
        const pick = (): number => {
          // the schedule first, then round robin; finished fibers are skipped
          while (step < schedule.length) {
            const id = schedule[step++];
            if (!fibers[id].done) return id;
          }
          for (let i = 0; i < nFibers; i++) {
            const id = step++ % nFibers;
            if (!fibers[id].done) return id;
          }
          return -1;
        };
        for (let id = pick(); id !== -1; id = pick()) {
          const f = fibers[id];
          const v = f.resume(yielded[id].length === 0 ? undefined : answer(last[id]));
          if (f.done) {
            results[id] = v;
          } else {
            yielded[id].push(v);
            last[id] = v;
          }
          // The main stack uses the same machinery in between.
          expect(deep.exec(deepInput(1000, 'c'))?.[0].length).toBe(2001);
          try {
            throw new Error('main');
          } catch (e) {
            expect((e as Error).message).toBe('main');
          }
          if (withGc && gc && step % 17 === 0) gc();
        }
        for (let id = 0; id < nFibers; id++) {
          expect(yielded[id]).toEqual(model[id].yielded);
          expect(results[id]).toBe(model[id].result);
        }
      }),
      { numRuns: 40 },
    );
  });
});
