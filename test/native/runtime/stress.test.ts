/**
 * 100,000 live coroutines, and the death tests: a stack overflow in a
 * coroutine must be reported (name, stack size) and abort the process, and
 * faults that are not overflows must reach the handler installed before
 * the runtime's.
 */
import { TARGETS, targetAvailable } from '../../helpers/toolchain';
import { buildProgram, describeRun, expectSuccess, run, scaleFor } from './harness';

describe.each(TARGETS)('stress and death tests on $name', (t) => {
  const available = targetAvailable(t);
  const maybe = available ? test : test.skip;
  let overflowBin = '';
  const overflow = () => (overflowBin ||= buildProgram(t, 'overflow_test'));

  // a freestanding target (riscv32) links the test shim, which reads no numbers (fscanf) and prints no floating point
  const many = t.support?.length ? test.skip : maybe;
  const manyTitle = `100,000 coroutines blocked at once, then released and finished${t.support?.length ? ' (skipped on freestanding targets: many_test needs fscanf and %f, which the test shim lacks)' : ''}`;
  many(manyTitle, () => {
    const bin = buildProgram(t, 'many_test');
    const r = run(t, bin, ['100000'], { SY_TEST_SCALE: scaleFor(t) });
    expectSuccess(r);
    const m = /resident memory per idle coroutine: (\d+) bytes/.exec(r.stdout);
    expect(m).not.toBeNull();
    const perCoroutine = Number(m![1]);
    expect(perCoroutine).toBeLessThan(16 * 1024);
    process.stdout.write(`[${t.name}] ${r.stdout}`);
  });

  for (const mode of ['overflow-sched', 'overflow-manual']) {
    maybe(`${mode}: the overflow is reported with the coroutine's name and stack size, then SIGABRT`, () => {
      const r = run(t, overflow(), [mode]);
      expect(r.signal).toBe('SIGABRT');
      expect(r.stdout).toContain('BEFORE');
      expect(r.stdout).not.toContain('AFTER');
      const id = mode === 'overflow-sched' ? 2 : 1;
      expect(r.stderr).toMatch(
        new RegExp(`switchyard: stack overflow in coroutine ${id} "deep-recursion" \\(stack size 65536 bytes\\): guard page hit`),
      );
    });
  }

  maybe('an overwritten canary on an unguarded stack is reported, then SIGABRT', () => {
    const r = run(t, overflow(), ['canary']);
    expect(r.signal).toBe('SIGABRT');
    expect(r.stdout).not.toContain('AFTER');
    expect(r.stderr).toMatch(/stack overflow in coroutine 1 "unguarded" \(stack size 16384 bytes\): canary overwritten/);
  });

  maybe('a fault that is not an overflow goes to the earlier SA_SIGINFO handler', () => {
    const r = run(t, overflow(), ['chain-siginfo']);
    if (r.status !== 42) throw new Error(describeRun(r));
    expect(r.stdout).toContain('previous SA_SIGINFO handler called');
    expect(r.stderr).not.toContain('switchyard:');
  });

  maybe('a fault that is not an overflow goes to the earlier plain handler', () => {
    const r = run(t, overflow(), ['chain-plain']);
    if (r.status !== 43) throw new Error(describeRun(r));
    expect(r.stdout).toContain('previous plain handler called');
  });

  for (const mode of ['chain-default', 'wild-pointer']) {
    maybe(`${mode}: with no earlier handler the fault takes its default action (SIGSEGV)`, () => {
      const r = run(t, overflow(), [mode]);
      expect(r.signal).toBe('SIGSEGV');
      expect(r.stdout).not.toContain('AFTER');
      expect(r.stderr).not.toContain('switchyard:');
    });
  }
});
