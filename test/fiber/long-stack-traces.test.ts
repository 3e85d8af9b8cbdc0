/**
 * Long stack traces (lib/long-stack-traces.ts): off by default and then
 * invisible; when on, an error escaping a fiber ends with where each fiber
 * up the chain was resumed from, in order and bounded; scheduler hops,
 * Error.stackTraceLimit, a user's Error.prepareStackTrace, fibers' Future
 * splices; dropped fibers stay collectable.
 */
import { Channel, Fiber, FiberStateError, Scheduler, SpawnedFiberError, fiberBackend } from '../../lib';
import { longStackTracesEnabled, MAX_SITES, setLongStackTraces } from '../../lib/long-stack-traces';
import { native } from '../../lib/native';
import FibersFiber = require('../../lib/fibers-compat/fibers');
import Future = require('../../lib/fibers-compat/future');
import { describeChild, runFixture } from './helpers';

const SEPARATOR = /^ {4}- - - - - /;

/** The stack's sections: [own frames, then one per heading], each the list of its lines. */
function sections(stack: string): { heading: string; lines: string[] }[] {
  const out = [{ heading: 'own', lines: [] as string[] }];
  for (const line of stack.split('\n').slice(1)) {
    if (SEPARATOR.test(line)) out.push({ heading: line.trim(), lines: [] });
    else out[out.length - 1].lines.push(line);
  }
  return out;
}

/** The first function named in each section (its top frame), from the given names. */
function topNames(stack: string, names: string[]): (string | undefined)[] {
  return sections(stack).map(({ lines }) => names.find((n) => lines.some((l) => new RegExp(`at ${n}( |$)`).test(l))));
}

function caught(fn: () => unknown): any {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('nothing thrown');
}

// A chain of fibers: level0 (resumed from the test) resumes level1 ... which
// throws at the bottom. Named functions so that the frames say who is who.
function nestedThrow(depth: number): Error {
  const makeLevel = (i: number): (() => unknown) => {
    const fn = {
      [`level${i}`]: () => {
        if (i === depth - 1) throw new Error(`bottom of ${depth}`);
        return new Fiber(makeLevel(i + 1)).resume();
      },
    }[`level${i}`];
    return fn;
  };
  return caught(() => new Fiber(makeLevel(0)).resume());
}

afterEach(() => setLongStackTraces(false));

describe('long stack traces, off', () => {
  test('are off by default, and resume/throw are the native methods', () => {
    expect(longStackTracesEnabled()).toBe(false);
    expect(Object.getOwnPropertyNames(Fiber.prototype)).not.toContain('resume');
    expect(Fiber.prototype.resume).toBe(native.NativeFiber.prototype.resume);
    expect(Fiber.prototype.throw).toBe(native.NativeFiber.prototype.throw);
  });

  test('leave an escaping error’s stack as V8 made it', () => {
    const error = nestedThrow(3);
    expect(error.stack).not.toMatch(SEPARATOR);
    expect(sections(error.stack!)).toHaveLength(1);
    expect(error.stack).toMatch(/at level2 /);
    expect(error.stack).not.toMatch(/at level1 /); // a fiber's error has its own frames only
  });

  test('setLongStackTraces refuses what is not a boolean', () => {
    expect(() => setLongStackTraces('yes' as unknown as boolean)).toThrow(TypeError);
    expect(longStackTracesEnabled()).toBe(false);
  });
});

describe('long stack traces, on', () => {
  beforeEach(() => setLongStackTraces(true));

  test('an error escaping a fiber shows where it was resumed from', () => {
    function resumesTheFiber(): Error {
      return caught(() => new Fiber(function throwsInFiber() {
        throw new Error('boom');
      }).resume());
    }
    const error = resumesTheFiber();
    const parts = sections(error.stack!);
    expect(parts.map((p) => p.heading)).toEqual(['own', '- - - - - fiber resumed']);
    expect(parts[0].lines.join('\n')).toMatch(/at throwsInFiber /);
    expect(parts[1].lines.join('\n')).toMatch(/at resumesTheFiber /);
    // the resume site starts at resume()'s caller: no frame of the wrapper itself
    expect(parts[1].lines[0]).toMatch(/^\s+at /);
    expect(parts[1].lines.join('\n')).not.toMatch(/lib\/long-stack-traces\./);
    expect(error.stack!.split('\n')[0]).toBe('Error: boom');
  });

  test('nested fibers: the chain from the innermost up, in order', () => {
    const error = nestedThrow(4);
    const names = ['level0', 'level1', 'level2', 'level3', 'nestedThrow'];
    expect(topNames(error.stack!, names)).toEqual(['level3', 'level2', 'level1', 'level0', 'nestedThrow']);
    expect(sections(error.stack!).slice(1).every((s) => s.heading === '- - - - - fiber resumed')).toBe(true);
  });

  test('the latest resume is shown, after yields', () => {
    const f = new Fiber(function yieldsThenThrows() {
      Fiber.yield();
      throw new Error('second run');
    });
    (function firstResumer() {
      f.resume();
    })();
    const error = (function secondResumer() {
      return caught(() => f.resume());
    })();
    const resumed = sections(error.stack).slice(1);
    expect(resumed).toHaveLength(1);
    expect(resumed[0].lines.join('\n')).toMatch(/at secondResumer /);
    expect(error.stack).not.toMatch(/firstResumer/);
  });

  test('the chain is bounded: MAX_SITES sites, then a count of the rest', () => {
    const depth = MAX_SITES + 5;
    const error = nestedThrow(depth);
    const parts = sections(error.stack!);
    expect(parts).toHaveLength(1 + MAX_SITES + 1);
    expect(parts[parts.length - 1].heading).toBe('- - - - - (5 more up the chain)');
    expect(parts[1].lines.join('\n')).toMatch(new RegExp(`at level${depth - 2} `));
  });

  test('an error passing up through several fibers gets the chain once', () => {
    const error = nestedThrow(3);
    expect(error.stack!.match(/fiber resumed/g)).toHaveLength(3);
  });

  test('Error.stackTraceLimit bounds every section; 0 leaves the chain out', () => {
    const limit = Error.stackTraceLimit;
    try {
      Error.stackTraceLimit = 1;
      const parts = sections(nestedThrow(3).stack!);
      expect(parts).toHaveLength(4);
      for (const p of parts) expect(p.lines).toHaveLength(1);
      Error.stackTraceLimit = 0;
      expect(nestedThrow(3).stack).toBe('Error: bottom of 3');
    } finally {
      Error.stackTraceLimit = limit;
    }
  });

  test('errors caught inside the fiber, or made outside fibers, are untouched', () => {
    let inside: Error | undefined;
    new Fiber(() => {
      try {
        throw new Error('caught inside');
      } catch (error) {
        inside = error as Error;
      }
    }).resume();
    expect(inside!.stack).not.toMatch(SEPARATOR);
    expect(new Error('outside').stack).not.toMatch(SEPARATOR);
  });

  test('throw(): the error sent in comes back untouched; one made in response gets the chain', () => {
    const sent = new Error('sent in');
    const before = sent.stack;
    const f = new Fiber(() => Fiber.yield());
    f.resume();
    expect(caught(() => f.throw(sent))).toBe(sent);
    expect(sent.stack).toBe(before);

    const g = new Fiber(function translates() {
      try {
        Fiber.yield();
      } catch {
        throw new Error('translated');
      }
    });
    g.resume();
    const error = (function throwsIn() {
      return caught(() => g.throw(new Error('cancel')));
    })();
    const parts = sections(error.stack);
    expect(parts.map((p) => p.heading)).toEqual(['own', '- - - - - fiber resumed by throw()']);
    expect(parts[1].lines.join('\n')).toMatch(/at throwsIn /);
  });

  test('a refused resume() throws FiberStateError with no chain', () => {
    const f = new Fiber(() => 1);
    f.resume();
    const error = caught(() => f.resume());
    expect(error).toBeInstanceOf(FiberStateError);
    expect(error.stack).not.toMatch(SEPARATOR);
    expect(caught(() => Fiber.prototype.resume.call({})).name).toBe('TypeError'); // from the addon's realm
  });

  test('a stack assigned later replaces the composed one', () => {
    const error = nestedThrow(2);
    error.stack = 'replaced';
    expect(error.stack).toBe('replaced');
  });

  test('each section goes through a user’s Error.prepareStackTrace', () => {
    const previous = Error.prepareStackTrace;
    Error.prepareStackTrace = (error, frames) =>
      `${String(error)}\n${frames.map((f) => `    at MAPPED ${f.getFunctionName() ?? '<anonymous>'}`).join('\n')}`;
    try {
      const error = nestedThrow(2);
      const parts = sections(error.stack!);
      expect(parts).toHaveLength(3);
      for (const p of parts) expect(p.lines.every((l) => l.startsWith('    at MAPPED '))).toBe(true);
      expect(topNames(error.stack!.replace(/MAPPED /g, ''), ['level0', 'level1', 'nestedThrow'])).toEqual([
        'level1',
        'level0',
        'nestedThrow',
      ]);
    } finally {
      Error.prepareStackTrace = previous;
    }
  });

  test('scheduler fibers: the scheduler loop resumed them (and a hop names the fiber that handed over)', async () => {
    const s = new Scheduler();
    const ch = new Channel<number>();
    s.spawn(function consumer() {
      ch.recv();
      ch.recv();
      throw new Error('in consumer');
    });
    s.spawn(function producer() {
      ch.send(1);
      ch.send(2);
    });
    const failure = await s.run().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(SpawnedFiberError);
    const stack = ((failure as SpawnedFiberError).cause as Error).stack!;
    const parts = sections(stack);
    expect(parts[0].lines.join('\n')).toMatch(/at consumer /);
    const last = parts[parts.length - 1];
    expect(last.heading).toBe('- - - - - fiber resumed');
    expect(last.lines.join('\n')).toMatch(/runBatch/);
    // Whether the scheduler switched straight from the producer's send into
    // the consumer (tls only) depends on its time budget for a batch (a slow,
    // emulated run goes back to the loop): either shape, each checked.
    const hopped = parts.length === 3;
    if (hopped) {
      expect(fiberBackend).toBe('tls');
      expect(parts.map((p) => p.heading)).toEqual(['own', '- - - - - fiber switched to from another fiber', '- - - - - fiber resumed']);
      expect(parts[1].lines.join('\n')).toMatch(/at producer /);
    } else {
      expect(parts.map((p) => p.heading)).toEqual(['own', '- - - - - fiber resumed']);
    }
  });

  test('fibers compat: Future’s own splice is not doubled', () => {
    const f = FibersFiber(function waits() {
      Future.task(function fails() {
        throw new Error('in task');
      }).wait();
    });
    const error = caught(() => f.run());
    expect(error.stack.match(/^ {4}- - - - -$/gm)).toHaveLength(1);
    expect(error.stack).not.toMatch(/fiber resumed/);
  });

  test('fibers compat: an error escaping run() gets the chain', () => {
    const error = (function callsRun() {
      return caught(() => FibersFiber(function fails() {
        throw new Error('compat');
      }).run());
    })();
    const parts = sections(error.stack);
    expect(parts.map((p) => p.heading)).toEqual(['own', '- - - - - fiber resumed']);
    expect(parts[1].lines.join('\n')).toMatch(/at callsRun /);
  });
});

describe('long stack traces, turned off again', () => {
  test('new errors are untouched, extended ones keep their chain, resume is native again', () => {
    setLongStackTraces(true);
    const early = nestedThrow(2);
    setLongStackTraces(false);
    expect(longStackTracesEnabled()).toBe(false);
    expect(Object.getOwnPropertyNames(Fiber.prototype)).not.toContain('resume');
    expect(Object.getOwnPropertyNames(Fiber.prototype)).not.toContain('throw');
    expect(Fiber.prototype.resume).toBe(native.NativeFiber.prototype.resume);
    expect(nestedThrow(2).stack).not.toMatch(SEPARATOR);
    expect(sections(early.stack!)).toHaveLength(3);
  });

  test('turned off inside a fiber: the switch under way finishes as it began', () => {
    setLongStackTraces(true);
    const error = caught(() =>
      new Fiber(function turnsItOff() {
        setLongStackTraces(false);
        throw new Error('after off');
      }).resume(),
    );
    expect(sections(error.stack)).toHaveLength(2);
  });
});

describe('long stack traces and the environment', () => {
  test('SWITCHYARD_LONG_STACK_TRACES=1 turns them on at load; a bad value warns and leaves them off', () => {
    const on = runFixture('long-stack-traces-env.js', [], { SWITCHYARD_LONG_STACK_TRACES: '1' });
    expect(on.json).toEqual({ enabled: true, sections: 2 });
    const off = runFixture('long-stack-traces-env.js', [], { SWITCHYARD_LONG_STACK_TRACES: '0' });
    expect(off.json).toEqual({ enabled: false, sections: 1 });
    const bad = runFixture('long-stack-traces-env.js', [], { SWITCHYARD_LONG_STACK_TRACES: 'yes' });
    expect(bad.json).toEqual({ enabled: false, sections: 1 });
    expect(bad.stderr).toMatch(/SWITCHYARD_LONG_STACK_TRACES=yes/);
  });
});

describe('long stack traces and the GC', () => {
  test('dropped fibers are collected as often with them on as off', () => {
    const off = runFixture('long-stack-traces-gc.js', ['--expose-gc'], { LONG: '0' });
    const on = runFixture('long-stack-traces-gc.js', ['--expose-gc'], { LONG: '1' });
    if (off.json === undefined) throw new Error(describeChild(off));
    if (on.json === undefined) throw new Error(describeChild(on));
    // finished fibers, escaping errors and scheduler hops leave nothing behind
    expect(on.json.collected.done).toBe(on.json.made.done);
    expect(on.json.collected.spawned).toBe(on.json.made.spawned);
    // suspended ones: whatever the core lets go of (all, once unreachable
    // suspended fibers are unwound), the records here must not keep
    expect(on.json.collected.suspended).toBe(off.json.collected.suspended);
  });
});
