/**
 * Async context per fiber: a fiber runs in the context current when it was
 * created (its own async id, triggered by its creator; the creator's
 * AsyncLocalStorage stores), keeps whatever it changes across yields, and
 * its resumer gets its own context back. The behaviour checks run in a child
 * (tests/fiber/fixtures/async-context.js), since a corrupted async-id stack
 * aborts the process, with AsyncLocalStorage on each mechanism this Node
 * has; a randomized sequence of switches, store changes and nested scopes
 * runs here against a model.
 */
import * as fc from 'fast-check';
import { AsyncLocalStorage, AsyncResource, executionAsyncId, triggerAsyncId } from 'async_hooks';
import { Fiber } from '../../lib';
import { native } from '../../lib/native';
import { describeChild, runFixture } from './helpers';

const major = Number(process.versions.node.split('.')[0]);
// AsyncLocalStorage keeps its stores through async_hooks on Node 20 and 22,
// in V8's continuation-preserved embedder data on 24+ (22: behind a flag).
const mechanisms: Array<[string, string[]]> = [[major >= 24 ? 'async context frame' : 'async_hooks', []]];
if (major === 22) mechanisms.push(['async context frame', ['--experimental-async-context-frame']]);
if (major >= 24) mechanisms.push(['async_hooks', ['--no-async-context-frame']]);

describe('async context per fiber', () => {
  test('the async-id stack is switched per fiber on this Node', () => {
    expect(native.asyncContext).toBe(major >= 22 ? 'ids+cped' : 'ids');
  });

  test.each(mechanisms)('behaviour checks, AsyncLocalStorage through %s', (_name, flags) => {
    const r = runFixture('async-context.js', flags);
    if (r.status !== 0 || !r.json?.ok) throw new Error(describeChild(r));
    expect(r.json.checks).toBe(10);
    expect(r.stderr).toBe('');
  });
});

// The model: each fiber is a stack of frames (its base frame, then one per
// als.run() or runInAsyncScope it is inside), each with the store it
// shows and its async id; the main side must see its own store and id after
// every switch.
type Op =
  | { kind: 'resume'; fiber: number; cmd: 'enter' | 'run' | 'scope' | 'pop' | 'check' }
  | { kind: 'main-enter' }
  | { kind: 'create' };

interface Report {
  store: unknown;
  eid: number;
  tid: number;
}

describe('randomized switches against a model', () => {
  test('stores and async ids stay per fiber', () => {
    const als = new AsyncLocalStorage<string>();
    const opArb: fc.Arbitrary<Op> = fc.oneof(
      { weight: 8, arbitrary: fc.record({ kind: fc.constant('resume' as const), fiber: fc.nat(5), cmd: fc.constantFrom('enter', 'run', 'scope', 'pop', 'check') as fc.Arbitrary<'enter' | 'run' | 'scope' | 'pop' | 'check'> }) },
      { weight: 1, arbitrary: fc.constant({ kind: 'main-enter' as const }) },
      { weight: 2, arbitrary: fc.constant({ kind: 'create' as const }) },
    );
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: 60 }), (ops) => {
        let counter = 0;
        const fresh = () => `v${counter++}`;
        als.run('main-0', () => {
          const mainId = executionAsyncId();
          // model
          const frames: Array<Array<{ store: string; eid: number | undefined }>> = [];
          const triggers: number[] = [];
          const fibers: Array<Fiber<{ cmd: string; v: string }, Report>> = [];
          // The fiber's side: answers every resume with what it sees now.
          const interpret = (depth: number): void => {
            for (;;) {
              const { cmd, v } = Fiber.yield<{ cmd: string; v: string }>({ store: als.getStore(), eid: executionAsyncId(), tid: triggerAsyncId() });
              if (cmd === 'enter') als.enterWith(v);
              else if (cmd === 'run') als.run(v, () => interpret(depth + 1));
              else if (cmd === 'scope') new AsyncResource('Model').runInAsyncScope(() => interpret(depth + 1));
              else if (cmd === 'pop' && depth > 0) return;
            }
          };
          const create = () => {
            const store = fresh();
            als.enterWith(store); // the creator's store, inherited
            fibers.push(new Fiber<{ cmd: string; v: string }, Report>(() => (interpret(0), { store: undefined, eid: 0, tid: 0 })));
            frames.push([{ store, eid: undefined }]);
            triggers.push(mainId);
            fibers[fibers.length - 1].resume(); // runs to its first yield
          };
          create();
          let mainStore = als.getStore();
          for (const op of ops) {
            if (op.kind === 'create') {
              create();
              mainStore = als.getStore();
              continue;
            }
            if (op.kind === 'main-enter') {
              mainStore = fresh();
              als.enterWith(mainStore);
              continue;
            }
            const i = op.fiber % fibers.length;
            const stack = frames[i];
            const v = fresh();
            const report = fibers[i].resume({ cmd: op.cmd, v });
            // what the fiber must have shown at the yield that answered
            if (op.cmd === 'enter') stack[stack.length - 1].store = v;
            else if (op.cmd === 'run') stack.push({ store: v, eid: stack[stack.length - 1].eid });
            else if (op.cmd === 'scope') stack.push({ store: stack[stack.length - 1].store, eid: undefined });
            else if (op.cmd === 'pop' && stack.length > 1) stack.pop();
            const top = stack[stack.length - 1];
            if (top.eid === undefined) top.eid = report.eid; // a new resource: learn its id once
            if (report.store !== top.store || report.eid !== top.eid) {
              throw new Error(`fiber ${i} after ${op.cmd}: saw ${JSON.stringify(report)}, model ${JSON.stringify(top)}`);
            }
            if (stack.length === 1 && report.tid !== triggers[i]) throw new Error(`fiber ${i}: trigger ${report.tid}, expected ${triggers[i]}`);
            if (executionAsyncId() !== mainId || als.getStore() !== mainStore) {
              throw new Error(`main side after resuming fiber ${i}: id ${executionAsyncId()} store ${als.getStore()}, expected ${mainId} ${mainStore}`);
            }
          }
          // unwind every fiber's frames so none is left inside a scope
          for (let i = 0; i < fibers.length; i++) {
            for (let d = frames[i].length; d > 1; d--) fibers[i].resume({ cmd: 'pop', v: '' });
          }
        });
      }),
      { numRuns: process.env.SWITCHYARD_EMULATED_NODE ? 20 : 150 },
    );
  });
});
