/**
 * The runtime's behaviour on every target: the scenario tests
 * (runtime_test.c) and the randomized model check (model_test.c), natively
 * on the machine's own ISA and under qemu for the others; on riscv32
 * freestanding, linked with the test shim (test/native/freestanding) instead
 * of a C library.
 */
import { TARGETS, targetAvailable } from '../../helpers/toolchain';
import { buildProgram, expectSuccess, run, scaleFor } from './harness';

describe.each(TARGETS)('runtime on $name', (t) => {
  const available = targetAvailable(t);
  const maybe = available ? test : test.skip;

  maybe('scenarios: resume/yield, channels, close, select, determinism, deadlock, destroy, stack reuse', () => {
    const bin = buildProgram(t, 'runtime_test');
    const r = run(t, bin, [], { SY_TEST_SCALE: scaleFor(t) === '1' ? '1' : '10' });
    expectSuccess(r);
    for (const scenario of [
      'resume/yield value passing',
      'ping-pong',
      'producer/consumer cap=0',
      'producer/consumer cap=16',
      'fan-in',
      'fan-out',
      'buffered FIFO order',
      'unbuffered rendezvous',
      'close semantics',
      'select with and without default',
      'deterministic order',
      'deadlock detection',
      'destroy suspended coroutine',
      'destroy blocked/ready scheduled coroutines',
      'stack pool reuse',
      'slab stacks share mappings',
      '8 MiB coroutine stack used 4 MiB deep',
    ])
      expect(r.stdout).toContain(`ok ${scenario}`);
    // the deadlock report names each blocked coroutine and what it waits on
    expect(r.stdout).toMatch(/coroutine \d+ "worker" blocked in recv on channel \d+ "jobs"/);
    expect(r.stdout).toMatch(/coroutine \d+ blocked in select \{ recv channel \d+ "jobs", send channel \d+ \}/);
  });

  maybe('randomized operation sequences agree with the reference model', () => {
    const bin = buildProgram(t, 'model_test');
    const seeds = t.runner.length ? '5000' : '20000';
    const r = run(t, bin, [seeds, '1']);
    expectSuccess(r);
    const m = /ALL OK: (\d+) seeds .*?, (\d+) operations checked, (\d+) selects with a choice/.exec(r.stdout);
    expect(m).not.toBeNull();
    expect(Number(m![1])).toBe(Number(seeds));
    expect(Number(m![2])).toBeGreaterThan(10 * Number(seeds));
    expect(Number(m![3])).toBeGreaterThan(Number(seeds) / 4);
  });

  maybe('the same seed gives the same run (a second process agrees)', () => {
    const bin = buildProgram(t, 'model_test');
    const a = run(t, bin, ['300', '777']);
    const b = run(t, bin, ['300', '777']);
    expectSuccess(a);
    expect(b.stdout).toBe(a.stdout);
  });
});
