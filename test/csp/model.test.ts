/**
 * Randomized check: fast-check generates small programs (fibers running
 * spawn / send / recv / select / close / yield on a few channels), runs them
 * on the real scheduler and on a synchronous reference model written here
 * from the documented semantics, and compares every outcome: the global
 * order of completed operations with their results, and the final verdict
 * (all done, or deadlock naming the same fibers).
 *
 * Choices among several ready select cases come from the scheduler's PRNG;
 * the model does not re-implement it but replays the choices the scheduler
 * made, checking that each one was offered the same number of ready cases.
 */
import fc from 'fast-check';
import { Channel, ChannelClosedError, DeadlockError, Scheduler, select, yieldNow } from '../../lib/csp';
import type { SelectCase } from '../../lib/csp';
import { assertBuilt } from './helpers';

beforeAll(assertBuilt);

type CaseSpec = { kind: 'recv'; ch: number } | { kind: 'send'; ch: number; v: number };
type Op =
  | { op: 'send'; ch: number; v: number }
  | { op: 'recv'; ch: number }
  | { op: 'close'; ch: number }
  | { op: 'yield' }
  | { op: 'select'; cases: CaseSpec[]; dflt: boolean }
  | { op: 'spawn'; body: Op[] };

interface Program {
  capacities: number[];
  fibers: Op[][];
}

interface Outcome {
  /** `fiber:opIndex result`, in completion order */
  trace: string[];
  /** undefined if every fiber finished */
  deadlocked: number[] | undefined;
}

// ---- the real thing ----------------------------------------------------------

class RecordingScheduler extends Scheduler {
  readonly choices: { n: number; picked: number }[] = [];
  override _choose(n: number): number {
    const picked = super._choose(n);
    this.choices.push({ n, picked });
    return picked;
  }
}

async function runReal(p: Program, seed: number): Promise<Outcome & { choices: { n: number; picked: number }[] }> {
  const s = new RecordingScheduler({ seed });
  const chans = p.capacities.map((c) => new Channel<number>(c));
  const trace: string[] = [];
  // `self.id` is filled in right after spawn() returns, before the fiber first runs
  const body = (ops: Op[], self: { id: number }) => () => {
    const me = self.id;
    ops.forEach((o, i) => {
      let result: string;
      try {
        switch (o.op) {
          case 'send':
            chans[o.ch].send(o.v);
            result = 'sent';
            break;
          case 'recv': {
            const r = chans[o.ch].recvOrDone();
            result = r.ok ? `got ${r.value}` : 'closed';
            break;
          }
          case 'close':
            chans[o.ch].close();
            result = 'closed it';
            break;
          case 'yield':
            yieldNow();
            result = 'yielded';
            break;
          case 'select': {
            const cases: SelectCase<number>[] = o.cases.map((c) =>
              c.kind === 'recv' ? chans[c.ch].recvCase() : chans[c.ch].sendCase(c.v),
            );
            const r = select(cases, { default: o.dflt });
            result =
              r.kind === 'default'
                ? 'default'
                : r.kind === 'send'
                  ? `case ${r.index} sent`
                  : `case ${r.index} ${r.ok ? `got ${r.value}` : 'closed'}`;
            break;
          }
          case 'spawn': {
            result = `spawned ${start(o.body)}`;
            break;
          }
        }
      } catch (e) {
        if (!(e instanceof ChannelClosedError)) throw e; // FiberCancelledError ends the fiber
        result = 'ChannelClosedError';
      }
      trace.push(`${me}:${i} ${result}`);
    });
  };
  const start = (ops: Op[]): number => {
    const self = { id: 0 };
    self.id = s.spawn(body(ops, self)).id;
    return self.id;
  };
  for (const ops of p.fibers) start(ops);
  try {
    await s.run();
    return { trace, deadlocked: undefined, choices: s.choices };
  } catch (e) {
    if (!(e instanceof DeadlockError)) throw e;
    return { trace, deadlocked: e.blocked.map((b) => b.fiberId), choices: s.choices };
  }
}

// ---- the reference model: a direct, synchronous simulation ------------------

interface MFiber {
  id: number;
  ops: Op[];
  pc: number;
  /** result of the op it was parked in, set by whoever woke it */
  wakeResult: string | undefined;
  parked: boolean;
}

interface MWaiter {
  fiber: MFiber;
  /** the select group it belongs to (siblings are withdrawn when one fires) */
  group: MWaiter[];
  caseIndex: number; // -1: a plain send/recv
  v: number; // for senders
}

interface MChan {
  cap: number;
  buf: number[];
  closed: boolean;
  senders: MWaiter[];
  receivers: MWaiter[];
}

/** `mutant`: a deliberately wrong variant (receivers served newest first), to prove the check can fail. */
function runModel(p: Program, choices: { n: number; picked: number }[], mutant = false): Outcome {
  const chans: MChan[] = p.capacities.map((cap) => ({ cap, buf: [], closed: false, senders: [], receivers: [] }));
  const trace: string[] = [];
  const ready: MFiber[] = [];
  const all: MFiber[] = [];
  let nextId = 1;
  let choiceAt = 0;
  const spawnFiber = (ops: Op[]): MFiber => {
    const f: MFiber = { id: nextId++, ops, pc: 0, wakeResult: undefined, parked: false };
    all.push(f);
    ready.push(f);
    return f;
  };
  const withdraw = (w: MWaiter): void => {
    for (const sib of w.group) {
      for (const c of chans) {
        c.senders = c.senders.filter((x) => x !== sib);
        c.receivers = c.receivers.filter((x) => x !== sib);
      }
    }
  };
  const wake = (w: MWaiter, what: string): void => {
    withdraw(w);
    w.fiber.wakeResult = w.caseIndex < 0 || what === 'ChannelClosedError' ? what : `case ${w.caseIndex} ${what}`;
    w.fiber.parked = false;
    ready.push(w.fiber);
  };
  const sendNow = (c: MChan, v: number): boolean => {
    const r = mutant ? c.receivers.pop() : c.receivers.shift();
    if (r) {
      wake(r, `got ${v}`);
      return true;
    }
    if (c.buf.length < c.cap) {
      c.buf.push(v);
      return true;
    }
    return false;
  };
  /** undefined: would block */
  const recvNow = (c: MChan): string | undefined => {
    if (c.buf.length > 0) {
      const v = c.buf.shift()!;
      const s = c.senders.shift();
      if (s) {
        c.buf.push(s.v);
        wake(s, 'sent');
      }
      return `got ${v}`;
    }
    const s = c.senders.shift();
    if (s) {
      wake(s, 'sent');
      return `got ${s.v}`;
    }
    return c.closed ? 'closed' : undefined;
  };

  for (const ops of p.fibers) spawnFiber(ops);
  while (ready.length > 0) {
    const f = ready.shift()!;
    // finish the op it was parked in
    if (f.wakeResult !== undefined) {
      trace.push(`${f.id}:${f.pc} ${f.wakeResult}`);
      f.wakeResult = undefined;
      f.pc++;
    }
    // run until it parks or ends
    while (f.pc < f.ops.length && !f.parked) {
      const o = f.ops[f.pc];
      let result: string | undefined;
      switch (o.op) {
        case 'send': {
          const c = chans[o.ch];
          if (c.closed) result = 'ChannelClosedError';
          else if (sendNow(c, o.v)) result = 'sent';
          else {
            const w: MWaiter = { fiber: f, group: [], caseIndex: -1, v: o.v };
            w.group.push(w);
            c.senders.push(w);
          }
          break;
        }
        case 'recv': {
          const c = chans[o.ch];
          result = recvNow(c);
          if (result === undefined) {
            const w: MWaiter = { fiber: f, group: [], caseIndex: -1, v: 0 };
            w.group.push(w);
            c.receivers.push(w);
          }
          break;
        }
        case 'close': {
          const c = chans[o.ch];
          if (c.closed) result = 'ChannelClosedError';
          else {
            c.closed = true;
            while (c.receivers.length) wake(c.receivers[0], 'closed');
            while (c.senders.length) wake(c.senders[0], 'ChannelClosedError');
            result = 'closed it';
          }
          break;
        }
        case 'yield':
          ready.push(f);
          f.wakeResult = 'yielded';
          f.parked = true;
          break;
        case 'spawn':
          result = `spawned ${spawnFiber(o.body).id}`;
          break;
        case 'select': {
          const readyCases: number[] = [];
          o.cases.forEach((cs, i) => {
            const c = chans[cs.ch];
            const ok =
              cs.kind === 'recv'
                ? c.buf.length > 0 || c.senders.length > 0 || c.closed
                : c.closed || c.receivers.length > 0 || c.buf.length < c.cap;
            if (ok) readyCases.push(i);
          });
          if (readyCases.length > 0) {
            const choice = choices[choiceAt++];
            if (!choice || choice.n !== readyCases.length) {
              throw new Error(`model: select offered ${readyCases.length} ready cases, scheduler saw ${choice?.n}`);
            }
            const i = readyCases[choice.picked];
            const cs = o.cases[i];
            const c = chans[cs.ch];
            if (cs.kind === 'send') {
              if (c.closed) result = 'ChannelClosedError';
              else {
                sendNow(c, cs.v);
                result = `case ${i} sent`;
              }
            } else {
              result = `case ${i} ${recvNow(c)}`;
            }
          } else if (o.dflt) {
            result = 'default';
          } else {
            const group: MWaiter[] = [];
            o.cases.forEach((cs, i) => {
              const w: MWaiter = { fiber: f, group, caseIndex: i, v: cs.kind === 'send' ? cs.v : 0 };
              group.push(w);
              (cs.kind === 'send' ? chans[cs.ch].senders : chans[cs.ch].receivers).push(w);
            });
          }
          break;
        }
      }
      if (result !== undefined) {
        trace.push(`${f.id}:${f.pc} ${result}`);
        f.pc++;
      } else {
        f.parked = true;
      }
    }
    // a fiber that yielded is queued again: runnable, not blocked on anything
    if (f.parked && f.wakeResult === 'yielded') f.parked = false;
  }
  const blocked = all.filter((f) => f.parked).map((f) => f.id);
  return { trace, deadlocked: blocked.length ? blocked : undefined };
}

// ---- generators ---------------------------------------------------------------

function opArb(nChans: number, allowSpawn: boolean): fc.Arbitrary<Op> {
  const ch = fc.nat({ max: nChans - 1 });
  const v = fc.nat({ max: 99 });
  const caseArb: fc.Arbitrary<CaseSpec> = fc.oneof(
    fc.record({ kind: fc.constant('recv' as const), ch }),
    fc.record({ kind: fc.constant('send' as const), ch, v }),
  );
  const base: fc.WeightedArbitrary<Op>[] = [
    { weight: 4, arbitrary: fc.record({ op: fc.constant('send' as const), ch, v }) },
    { weight: 4, arbitrary: fc.record({ op: fc.constant('recv' as const), ch }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('close' as const), ch }) },
    { weight: 2, arbitrary: fc.constant({ op: 'yield' as const }) },
    {
      weight: 3,
      arbitrary: fc.record({
        op: fc.constant('select' as const),
        cases: fc.array(caseArb, { minLength: 1, maxLength: 3 }),
        dflt: fc.boolean(),
      }),
    },
  ];
  if (allowSpawn) {
    base.push({
      weight: 1,
      arbitrary: fc.record({ op: fc.constant('spawn' as const), body: fc.array(opArb(nChans, false), { maxLength: 4 }) }),
    });
  }
  return fc.oneof(...base);
}

const programArb: fc.Arbitrary<Program> = fc
  .integer({ min: 1, max: 3 })
  .chain((nChans) =>
    fc.record({
      capacities: fc.array(fc.nat({ max: 2 }), { minLength: nChans, maxLength: nChans }),
      fibers: fc.array(fc.array(opArb(nChans, true), { maxLength: 7 }), { minLength: 1, maxLength: 4 }),
    }),
  );

describe('randomized: scheduler + channels against a reference model', () => {
  test('every operation result, their global order and the deadlock verdict match the model', async () => {
    let deadlocks = 0;
    let completions = 0;
    let selectsChosen = 0;
    await fc.assert(
      fc.asyncProperty(programArb, fc.integer({ min: 1, max: 1000 }), async (program, seed) => {
        const real = await runReal(program, seed);
        const model = runModel(program, real.choices);
        expect(real.trace).toEqual(model.trace);
        expect(real.deadlocked).toEqual(model.deadlocked);
        if (real.deadlocked) deadlocks++;
        else completions++;
        selectsChosen += real.choices.filter((c) => c.n > 1).length;
      }),
      { numRuns: 1000 },
    );
    // the generator exercises both verdicts and real choices
    expect(deadlocks).toBeGreaterThan(20);
    expect(completions).toBeGreaterThan(20);
    expect(selectsChosen).toBeGreaterThan(10);
  });

  test('a fixed program gives the expected trace, and a wrong model is caught', async () => {
    const program: Program = {
      capacities: [0],
      fibers: [[{ op: 'recv', ch: 0 }], [{ op: 'recv', ch: 0 }], [{ op: 'send', ch: 0, v: 1 }, { op: 'send', ch: 0, v: 2 }]],
    };
    const real = await runReal(program, 1);
    // both receivers park; the sender hands 1 then 2 to them in arrival order without parking
    expect(real.trace).toEqual(['3:0 sent', '3:1 sent', '1:0 got 1', '2:0 got 2']);
    expect(runModel(program, real.choices).trace).toEqual(real.trace);
    expect(runModel(program, real.choices, true).trace).not.toEqual(real.trace);
    // and the randomized property finds the mutant's mistake by itself
    const verdict = await fc.check(
      fc.asyncProperty(programArb, fc.integer({ min: 1, max: 1000 }), async (prog, seed) => {
        const r = await runReal(prog, seed);
        const m = runModel(prog, r.choices, true);
        return JSON.stringify(m) === JSON.stringify({ trace: r.trace, deadlocked: r.deadlocked });
      }),
      { numRuns: 400, seed: 42 },
    );
    expect(verdict.failed).toBe(true);
  });
});
