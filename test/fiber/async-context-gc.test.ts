/**
 * AsyncLocalStorage with suspended fibers across young-generation GCs.
 *
 * On V8 12+ the active AsyncLocalStorage frame lives in one isolate slot
 * ("continuation preserved embedder data") that V8 visits once per suspended
 * fiber; without the addon's guard (native/addon/cped_guard.h) a scavenge
 * copied it twice and the heap was corrupted: Node 24 and 26 crashed with
 * many live fibers under jest, whose own AsyncLocalStorage use is enough.
 * The fixture fails every time without the guard (checked on Node 24).
 */
import { describeChild, runFixture } from './helpers';

const major = Number(process.versions.node.split('.')[0]);
// Node 22 keeps the frame in that slot only behind a flag; 24+ by default
// (where --no-async-context-frame goes back to async_hooks).
const frameFlags = major === 22 ? ['--experimental-async-context-frame'] : [];

const cases: Array<[string, string[]]> = [
  [major >= 22 ? 'store in the isolate slot (async context frame)' : 'store through async_hooks', frameFlags],
];
if (major >= 24) cases.push(['store through async_hooks (--no-async-context-frame)', ['--no-async-context-frame']]);

describe('AsyncLocalStorage, suspended fibers and scavenges', () => {
  test.each(cases)('%s', (_name, flags) => {
    const r = runFixture('async-context-gc.js', ['--expose-gc', ...flags], { LIVE: '50', ROUNDS: '20' });
    if (r.status !== 0) throw new Error(describeChild(r));
    expect(r.json).toEqual({ ok: true, scavenges: 20, allDone: true, reactions: 20 });
  });
});
