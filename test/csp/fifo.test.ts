/**
 * The scheduler's ready queue and a buffered channel's buffer (Fifo), checked
 * against a plain array: fast-check generates sequences of push, shift, pop
 * (undo a push), unshift (undo a shift) and clear, with bursts long enough to
 * cross the queue's compaction and shrink thresholds (1024 slots), and every
 * result and length must match the array's.
 */
import fc from 'fast-check';
import { Fifo } from '../../lib/csp-queues';

type Op =
  | { kind: 'push'; n: number }
  | { kind: 'shift'; n: number }
  | { kind: 'pop' }
  | { kind: 'unshiftLast' }
  | { kind: 'clear' };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('push' as const), n: fc.oneof(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1000, max: 2500 })) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('shift' as const), n: fc.oneof(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1000, max: 2500 })) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'pop' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'unshiftLast' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'clear' as const }) },
);

test('Fifo behaves as an array used as a queue', () => {
  fc.assert(
    fc.property(fc.array(op, { maxLength: 30 }), (ops) => {
      const fifo = new Fifo<number>();
      // the model: model[head..] is the queue
      let model: number[] = [];
      let head = 0;
      let next = 0;
      let lastShifted: number | undefined;
      for (const o of ops) {
        switch (o.kind) {
          case 'push':
            for (let i = 0; i < o.n; i++) {
              fifo.push(next);
              model.push(next++);
            }
            break;
          case 'shift': {
            const got: (number | undefined)[] = [];
            const want: (number | undefined)[] = [];
            for (let i = 0; i < o.n; i++) {
              got.push(fifo.shift());
              want.push(head < model.length ? model[head++] : undefined);
            }
            expect(got).toEqual(want);
            lastShifted = want.filter((v) => v !== undefined).pop() ?? lastShifted;
            break;
          }
          case 'pop':
            expect(fifo.pop()).toBe(head < model.length ? model.pop() : undefined);
            break;
          case 'unshiftLast':
            // the scheduler unshifts only what it just shifted
            if (lastShifted !== undefined) {
              fifo.unshift(lastShifted);
              model = [lastShifted, ...model.slice(head)];
              head = 0;
              lastShifted = undefined;
            }
            break;
          case 'clear':
            fifo.clear();
            model = [];
            head = 0;
            break;
        }
        expect(fifo.length).toBe(model.length - head);
      }
      const rest: (number | undefined)[] = [];
      while (fifo.length > 0) rest.push(fifo.shift());
      expect(rest).toEqual(model.slice(head));
      expect(fifo.shift()).toBeUndefined();
    }),
    { numRuns: 200 },
  );
});
