/**
 * Independent run-time proof that each generated context switcher
 * (native/gen/context_<abi>.S + context_make_<abi>.c) is correct.
 *
 * The register sets checked here come from the ABI documents (see
 * regcheck.h), never from codegen/spec: a register a spec forgets makes the
 * harness fail. Every test below has a way to fail; the negative controls
 * prove that the checks can see what they claim to see.
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import { execFileSync, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import {
  BUILD_DIR,
  GEN_DIR,
  HOST_ARCH,
  INCLUDE_DIR,
  STRICT_SKIP,
  TARGETS,
  Target,
  WIN64,
  abiStem,
  binutil,
  buildC,
  buildCCapture,
  disposeWine,
  missingToolchain,
  runBinary,
  switcherSources,
  target,
  targetAvailable,
  wineEnv,
} from '../../helpers/toolchain';

const HERE = __dirname;
const REGCHECK_C = path.join(HERE, 'regcheck.c');
const regcheckAsm = (t: Target) => path.join(HERE, `regcheck_${t.asm}.S`);

/** per ISA: what the summary line must report (counts follow from the ABI lists in regcheck.c) */
const EXPECTED_SETS: Record<Target['name'], { gpr: number; fpr: number; fpctl: number; entryMod16: number; entryAlign?: number }> = {
  x86_64: { gpr: 6, fpr: 0, fpctl: 2, entryMod16: 8 }, // rbx rbp r12-r15; MXCSR, x87 CW
  aarch64: { gpr: 11, fpr: 8, fpctl: 1, entryMod16: 0 }, // x19-x29; d8-d15; FPCR
  riscv64: { gpr: 12, fpr: 12, fpctl: 1, entryMod16: 0 }, // s0-s11; fs0-fs11; frm
  riscv32: { gpr: 12, fpr: 12, fpctl: 1, entryMod16: 0 }, // s0-s11 (32-bit); fs0-fs11 (64-bit); frm
  // r2, r14-r31; f14-f31 + v20-v31 as two doublewords each; FPSCR, VSCR, CR (CR2-CR4)
  ppc64le: { gpr: 19, fpr: 42, fpctl: 3, entryMod16: 0 },
  s390x: { gpr: 8, fpr: 8, fpctl: 1, entryMod16: 0, entryAlign: 8 }, // r6-r13; f8-f15; FPC; 8-byte aligned stack
  i386: { gpr: 4, fpr: 0, fpctl: 1, entryMod16: 12 }, // ebx esi edi ebp; x87 CW (the i686 baseline has no SSE); (esp + 4) % 16 == 0
  mips64el: { gpr: 10, fpr: 8, fpctl: 1, entryMod16: 0 }, // $16-$23, $28, $30; $f24-$f31; FCSR
  win64: { gpr: 8, fpr: 20, fpctl: 2, entryMod16: 8 }, // rbx rbp rdi rsi r12-r15; xmm6-xmm15 as two quadwords each; MXCSR, x87 CW
  armhf: { gpr: 8, fpr: 8, fpctl: 1, entryMod16: 0, entryAlign: 8 }, // r4-r11; d8-d15; FPSCR; 8-byte aligned stack
  'armhf-arm': { gpr: 8, fpr: 8, fpctl: 1, entryMod16: 0, entryAlign: 8 },
};

function summaryRegex(t: Target, override: Partial<(typeof EXPECTED_SETS)[Target['name']]> = {}): RegExp {
  const e = { ...EXPECTED_SETS[t.name], ...override };
  return new RegExp(
    `^regcheck ${t.name} OK: pingpong 19999 switches checked, ring\\(3\\) 11997 switches checked; ` +
      `${e.gpr} gpr \\+ ${e.fpr} fpr \\+ ${e.fpctl} fp-control registers, sp, values; entry sp % ${e.entryAlign ?? 16} == ${e.entryMod16}$`,
    'm',
  );
}

function requireGenerated(file: string): string {
  const p = path.join(GEN_DIR, file);
  if (!fs.existsSync(p)) throw new Error(`generated file missing: ${p} (run \`npm run gen\`)`);
  return p;
}

function describeRun(r: ReturnType<typeof runBinary>): string {
  return `status=${r.status} signal=${r.signal} error=${r.error ?? ''}\n--- stdout ---\n${r.stdout}\n--- stderr ---\n${r.stderr}`;
}

function tool(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: 'pipe' });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')} failed: ${err.message}\n${err.stdout ?? ''}${err.stderr ?? ''}`);
  }
}

function have(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

/** C string literals in a file (good enough for generated code: no escaped quotes needed) */
function stringLiterals(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  return [...text.matchAll(/"((?:[^"\\\n]|\\.)*)"/g)].map((m) => m[1].replace(/\\n$/, ''));
}

function scratchDir(name: string): string {
  const d = path.join(BUILD_DIR, 'switcher', name);
  fs.mkdirSync(d, { recursive: true });
  return d;
}

const buildHarness = (t: Target, out: string, switcher: string[] = switcherSources(t), flags: string[] = []) =>
  buildC(t, { sources: [REGCHECK_C, regcheckAsm(t), ...switcher], out, includes: [HERE], flags });

describe.each(TARGETS)('generated switcher on $name ($abi)', (t) => {
  const maybe = targetAvailable(t) ? test : test.skip;

  maybe('preserves every ABI callee-saved register, FP control, sp and the values, across 32k switches', () => {
    switcherSources(t).forEach((f) => requireGenerated(path.basename(f)));
    const bin = buildHarness(t, 'regcheck');
    const r = runBinary(t, bin, [], 120000);
    expect({ status: r.status, signal: r.signal, stderr: r.stderr }).toEqual({ status: 0, signal: null, stderr: '' });
    expect(r.stdout).toMatch(summaryRegex(t));
  });

  maybe('an entry function that returns aborts with the generator message', () => {
    const bin = buildHarness(t, 'regcheck');
    const r = runBinary(t, bin, ['--entry-returns'], 60000);
    const detail = describeRun(r);
    // killed by SIGABRT (qemu-user re-raises the guest's fatal signal on itself)
    expect({ signal: r.signal, detail }).toEqual({ signal: 'SIGABRT', detail });
    expect(r.stdout).not.toMatch(/FAIL/);
    const after = r.stderr.split('regcheck: entry function returning now')[1];
    expect(after).toBeDefined();
    // the message printed must be one the generated code contains
    const literals = switcherSources(t)
      .flatMap(stringLiterals)
      .filter((s) => s.length >= 20 && !s.includes('%'));
    const printed = literals.filter((s) => (after ?? '').includes(s));
    expect({ printed: printed.length > 0, literals, stderr: r.stderr }).toEqual(
      expect.objectContaining({ printed: true }),
    );
  });
});

describe('i386 with SSE: MXCSR is kept too', () => {
  const x32 = target('i386');
  (targetAvailable(x32) ? test : test.skip)('built with -msse2, the harness checks MXCSR as well and passes', () => {
    const bin = buildHarness(x32, 'regcheck_sse2', switcherSources(x32), ['-msse2']);
    const r = runBinary(x32, bin, [], 120000);
    expect({ status: r.status, signal: r.signal, stderr: r.stderr }).toEqual({ status: 0, signal: null, stderr: '' });
    expect(r.stdout).toMatch(summaryRegex(x32, { fpctl: 2 }));
    // a fresh context starts with its creator's MXCSR control bits (0x1f80 here) and the x87 CW
    const seen = /info: .* mxcsr=(0x[0-9a-f]+) x87_cw=0x37f$/m.exec(r.stdout);
    expect(seen).not.toBeNull();
    expect(Number((seen as RegExpExecArray)[1]) & 0xffc0).toBe(0x1f80);
  });
});

describe('negative controls: the harness sees a broken switcher', () => {
  const x86 = target('x86_64');
  const maybe = targetAvailable(x86) ? test : test.skip;

  /** copy of the generated .S without the lines (store, load, CFI) that mention `reg` */
  function withoutRegister(t: Target, reg: RegExp, tag: string): { file: string; removed: string[] } {
    const [asm] = switcherSources(t);
    const lines = fs.readFileSync(requireGenerated(path.basename(asm)), 'utf8').split('\n');
    const removed = lines.filter((l) => reg.test(l) && !/^\s*(\/\*|\*)/.test(l));
    const kept = lines.filter((l) => !removed.includes(l));
    const file = path.join(scratchDir(t.name), `context_${abiStem(t.abi)}_${tag}.S`);
    fs.writeFileSync(file, kept.join('\n'));
    return { file, removed };
  }

  maybe('x86-64: deleting the r13 save/restore makes the harness fail naming r13', () => {
    const { file, removed } = withoutRegister(x86, /%r13\b/, 'no_r13');
    // one store and one load instruction must have been removed (CFI lines may go too)
    const insns = removed.filter((l) => /^\s*[a-z]/.test(l) && !/^\s*\.cfi/.test(l));
    expect(insns.length).toBe(2);
    const bin = buildHarness(x86, 'regcheck_no_r13', [file, switcherSources(x86)[1]]);
    const r = runBinary(x86, bin);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^regcheck x86_64 FAIL: phase pingpong \S+ iter 0: register r13: expected 0x[0-9a-f]{16} got 0x[0-9a-f]{16}$/m);
  });

  maybe('x86-64: dropping the MXCSR restore makes the harness fail naming mxcsr', () => {
    const { file, removed } = withoutRegister(x86, /^\s*ldmxcsr\b/, 'no_ldmxcsr');
    expect(removed.length).toBe(1);
    const bin = buildHarness(x86, 'regcheck_no_ldmxcsr', [file, switcherSources(x86)[1]]);
    const r = runBinary(x86, bin);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/FAIL: phase pingpong \S+ iter 0: register mxcsr \(control bits mask 0xffc0\): expected/);
  });

  const rv = target('riscv64');
  (targetAvailable(rv) ? test : test.skip)('riscv64: deleting the fs7 save/restore makes the harness fail naming fs7', () => {
    const { file, removed } = withoutRegister(rv, /\bfs7\b/, 'no_fs7');
    expect(removed.filter((l) => !/^\s*\.cfi/.test(l)).length).toBe(2);
    const bin = buildHarness(rv, 'regcheck_no_fs7', [file, switcherSources(rv)[1]]);
    const r = runBinary(rv, bin);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/FAIL: phase pingpong \S+ iter 0: register fs7: expected/);
  });

  // riscv32 runs freestanding (test/native/freestanding): the harness links the shim instead of a libc
  const rv32 = target('riscv32');
  (targetAvailable(rv32) ? test : test.skip)('riscv32: deleting the fs7 save/restore makes the harness fail naming fs7', () => {
    const { file, removed } = withoutRegister(rv32, /\bfs7\b/, 'no_fs7');
    expect(removed.filter((l) => !/^\s*\.cfi/.test(l)).length).toBe(2);
    const bin = buildHarness(rv32, 'regcheck_no_fs7', [file, switcherSources(rv32)[1]]);
    const r = runBinary(rv32, bin);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^regcheck riscv32 FAIL: phase pingpong \S+ iter 0: register fs7: expected 0x[0-9a-f]{16} got 0x[0-9a-f]{16}$/m);
  });

  (targetAvailable(rv32) ? test : test.skip)('riscv32: saving fs0-fs11 as 32-bit floats (fsw/flw) makes the harness fail on their upper halves', () => {
    const [asm] = switcherSources(rv32);
    const text = fs.readFileSync(requireGenerated(path.basename(asm)), 'utf8');
    const narrowed = text.replace(/^(\s*)fsd (fs\d+),/gm, '$1fsw $2,').replace(/^(\s*)fld (fs\d+),/gm, '$1flw $2,');
    expect(narrowed.match(/^\s*(fsw|flw) fs\d+,/gm)).toHaveLength(24);
    const file = path.join(scratchDir(rv32.name), 'context_riscv32_ilp32d_fsw.S');
    fs.writeFileSync(file, narrowed);
    const bin = buildHarness(rv32, 'regcheck_fsw', [file, switcherSources(rv32)[1]]);
    const r = runBinary(rv32, bin);
    expect(r.status).toBe(1);
    // the low word survives (flw NaN-boxes it: the upper half comes back all ones)
    const m = /^regcheck riscv32 FAIL: phase pingpong \S+ iter 0: register (fs\d+): expected 0x([0-9a-f]{8})([0-9a-f]{8}) got 0x([0-9a-f]{8})([0-9a-f]{8})$/m.exec(r.stderr);
    expect(m).not.toBeNull();
    const [, , expHi, expLo, gotHi, gotLo] = m as RegExpExecArray;
    expect({ lowKept: gotLo === expLo, highLost: gotHi !== expHi }).toEqual({ lowKept: true, highLost: true });
  });

  const ppc = target('ppc64le');
  (targetAvailable(ppc) ? test : test.skip)('ppc64le: deleting the r2 (TOC) save/restore makes the harness fail naming r2', () => {
    // only sy_switch's std/ld of r2: the trampoline's TOC setup writes r2 too
    const { file, removed } = withoutRegister(ppc, /^\s*(std|ld) %r2,/, 'no_r2');
    expect(removed.length).toBe(2);
    const bin = buildHarness(ppc, 'regcheck_no_r2', [file, switcherSources(ppc)[1]]);
    const r = runBinary(ppc, bin);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^regcheck ppc64le FAIL: phase pingpong \S+ iter 0: register r2: expected 0x[0-9a-f]{16} got 0x[0-9a-f]{16}$/m);
  });

  (targetAvailable(ppc) ? test : test.skip)('ppc64le: dropping the DRN write-back makes the harness fail naming fpscr', () => {
    const { file, removed } = withoutRegister(ppc, /^\s*mtfsf 0x01, %f0, 0, 1\b/, 'no_drn');
    expect(removed.length).toBe(1);
    const bin = buildHarness(ppc, 'regcheck_no_drn', [file, switcherSources(ppc)[1]]);
    const r = runBinary(ppc, bin);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/FAIL: phase pingpong \S+ iter 0: register fpscr \(control bits mask 0x7000000ff\): expected/);
  });

  const z = target('s390x');
  (targetAvailable(z) ? test : test.skip)('s390x: deleting the f12 save/restore makes the harness fail naming f12', () => {
    const { file, removed } = withoutRegister(z, /%f12\b/, 'no_f12');
    expect(removed.filter((l) => !/^\s*\.cfi/.test(l)).length).toBe(2);
    const bin = buildHarness(z, 'regcheck_no_f12', [file, switcherSources(z)[1]]);
    const r = runBinary(z, bin);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^regcheck s390x FAIL: phase pingpong \S+ iter 0: register f12: expected 0x[0-9a-f]{16} got 0x[0-9a-f]{16}$/m);
  });

  const x32 = target('i386');
  (targetAvailable(x32) ? test : test.skip)('i386: deleting the esi save/restore makes the harness fail naming esi', () => {
    const { file, removed } = withoutRegister(x32, /%esi\b/, 'no_esi');
    expect(removed.filter((l) => !/^\s*\.cfi/.test(l)).length).toBe(2);
    const bin = buildHarness(x32, 'regcheck_no_esi', [file, switcherSources(x32)[1]]);
    const r = runBinary(x32, bin);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^regcheck i386 FAIL: phase pingpong \S+ iter 0: register esi: expected 0x[0-9a-f]{16} got 0x[0-9a-f]{16}$/m);
  });

  (targetAvailable(x32) ? test : test.skip)('i386 with SSE: dropping the MXCSR write-back makes the harness fail naming mxcsr', () => {
    const { file, removed } = withoutRegister(x32, /^\s*ldmxcsr\b/, 'no_ldmxcsr');
    expect(removed.length).toBe(1);
    const bin = buildHarness(x32, 'regcheck_no_ldmxcsr', [file, switcherSources(x32)[1]], ['-msse2']);
    const r = runBinary(x32, bin);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/FAIL: phase pingpong \S+ iter 0: register mxcsr \(control bits mask 0xffc0\): expected/);
  });

  // armhf: sy_switch moves r4-r11 and lr with one stm/ldm at sp; the control expands those into one
  // str/ldr per register at the same offsets (the frame layout sy_context_make wrote stays) and drops r9's
  for (const name of ['armhf', 'armhf-arm'] as const) {
    const arm = target(name);
    (targetAvailable(arm) ? test : test.skip)(`${name}: deleting the r9 save/restore makes the harness fail naming r9`, () => {
      const [asm, make] = switcherSources(arm);
      const src = fs.readFileSync(requireGenerated(path.basename(asm)), 'utf8');
      const expanded = src.replace(/^(\s*)(stm|ldm) sp, \{([^}]*)\}.*$/gm, (_m, indent: string, op: string, list: string) =>
        list
          .split(/,\s*/)
          .map((reg, i) => `${indent}${op === 'stm' ? 'str' : 'ldr'} ${reg}, [sp, #${4 * i}]`)
          .join('\n'),
      );
      const edited = expanded
        .split('\n')
        .filter((l) => !/^\s*(str|ldr|\.cfi_rel_offset) r9,/.test(l))
        .join('\n');
      // one store, one load and the CFI line of r9 went; every other register is still moved both ways
      expect(expanded.split('\n').length - edited.split('\n').length).toBe(3);
      expect(edited.match(/^\s*(str|ldr) (r4|r5|r6|r7|r8|r10|r11|lr), \[sp, #\d+\]$/gm)?.length).toBe(16);
      const file = path.join(scratchDir(name), 'context_armhf_aapcs_vfp_no_r9.S');
      fs.writeFileSync(file, edited);
      const bin = buildHarness(arm, 'regcheck_no_r9', [file, make]);
      const r = runBinary(arm, bin);
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`^regcheck ${name} FAIL: phase pingpong \\S+ iter 0: register r9: expected 0x[0-9a-f]{16} got 0x[0-9a-f]{16}$`, 'm'));
    });
  }

  const armhf = target('armhf');
  (targetAvailable(armhf) ? test : test.skip)('armhf: dropping the FPSCR write-back makes the harness fail naming fpscr', () => {
    const { file, removed } = withoutRegister(armhf, /^\s*vmsrne fpscr,/, 'no_vmsr');
    expect(removed.length).toBe(1);
    const bin = buildHarness(armhf, 'regcheck_no_vmsr', [file, switcherSources(armhf)[1]]);
    const r = runBinary(armhf, bin);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/FAIL: phase pingpong \S+ iter 0: register fpscr \(control bits mask 0x7c09f00\): expected/);
  });

  (targetAvailable(armhf) ? test : test.skip)('armhf: writing the saved FPSCR back whole (no merge) makes the harness fail on stale fpscr flags', () => {
    // load the saved word straight into the register the vmsr writes, and write it unconditionally
    const [asm, make] = switcherSources(armhf);
    const src = fs.readFileSync(requireGenerated(path.basename(asm)), 'utf8');
    const edited = src
      .split('\n')
      .filter((l) => !/^\s*(vmrs r12, fpscr|movw r1,|movt r1,|eor r3,|ands r3,|eorne r12,)/.test(l))
      .map((l) => l.replace(/^(\s*)ldr r3, \[sp, #36\]/, '$1ldr r12, [sp, #36]').replace(/^(\s*)vmsrne fpscr, r12/, '$1vmsr fpscr, r12'))
      .join('\n');
    expect(src.split('\n').length - edited.split('\n').length).toBe(6);
    const file = path.join(scratchDir('armhf'), 'context_armhf_aapcs_vfp_stale_fpscr.S');
    fs.writeFileSync(file, edited);
    const bin = buildHarness(armhf, 'regcheck_stale_fpscr', [file, make]);
    const r = runBinary(armhf, bin);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/FAIL: phase pingpong \S+ iter \d+: register fpscr status flags \(mask 0x9f\): expected the resuming side's 0x[0-9a-f]+ got 0x[0-9a-f]+ \(stale status came back\)/);
  });

  const mips = target('mips64el');
  (targetAvailable(mips) ? test : test.skip)('mips64el: deleting the gp save/restore makes the harness fail naming $28', () => {
    const { file, removed } = withoutRegister(mips, /^\s*(sd|ld|\.cfi_rel_offset) \$gp,/, 'no_gp');
    expect(removed.filter((l) => !/^\s*\.cfi/.test(l)).length).toBe(2);
    const bin = buildHarness(mips, 'regcheck_no_gp', [file, switcherSources(mips)[1]]);
    const r = runBinary(mips, bin);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^regcheck mips64el FAIL: phase pingpong \S+ iter 0: register \$28: expected 0x[0-9a-f]{16} got 0x[0-9a-f]{16}$/m);
  });

  (targetAvailable(mips) ? test : test.skip)('mips64el: dropping the FCSR write-back makes the harness fail naming fcsr', () => {
    const { file, removed } = withoutRegister(mips, /^\s*ctc1\b/, 'no_ctc1');
    expect(removed.length).toBe(1);
    const bin = buildHarness(mips, 'regcheck_no_ctc1', [file, switcherSources(mips)[1]]);
    const r = runBinary(mips, bin);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/FAIL: phase pingpong \S+ iter 0: register fcsr \(control bits mask 0x1000f83\): expected/);
  });

  (targetAvailable(mips) ? test : test.skip)('mips64el: writing the saved FCSR back whole (no merge) makes the harness fail on stale fcsr flags', () => {
    const { file, removed } = withoutRegister(mips, /^\s*(li \$a4, |and \$(v1|a3), |cfc1 \$a3, |or \$v1, )/, 'stale_fcsr');
    expect(removed.length).toBe(6); // both masks, both ands, the cfc1 of the current FCSR, the or
    const bin = buildHarness(mips, 'regcheck_stale_fcsr', [file, switcherSources(mips)[1]]);
    const r = runBinary(mips, bin);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/FAIL: phase pingpong \S+ iter \d+: register fcsr status flags \(mask 0x7c\): expected the resuming side's 0x[0-9a-f]+ got 0x[0-9a-f]+ \(stale status came back\)/);
  });

  const a64 = target('aarch64');
  (targetAvailable(a64) ? test : test.skip)('aarch64: dropping the FPCR write makes the harness fail naming fpcr', () => {
    const { file, removed } = withoutRegister(a64, /^\s*msr\s+fpcr\b/i, 'no_fpcr');
    expect(removed.length).toBe(1);
    const bin = buildHarness(a64, 'regcheck_no_fpcr', [file, switcherSources(a64)[1]]);
    const r = runBinary(a64, bin);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/FAIL: phase pingpong \S+ iter 0: register fpcr \(control bits mask 0x7c00000\): expected/);
  });
});

describe('armhf: VFPv3-D16 cores and the EHABI tables', () => {
  const arm = target('armhf');
  const maybe = targetAvailable(arm) ? test : test.skip;

  maybe('on a VFPv3-D16 core (qemu -cpu cortex-r5f, which faults on d16-d31) the harness passes, assembled with an FPU that has d16-d31', () => {
    // -mfpu=vfpv3 lets the assembler accept d16-d31, so only the CPU model can catch a use of them
    const bin = buildHarness(arm, 'regcheck_vfpv3', switcherSources(arm), ['-mfpu=vfpv3']);
    const r = spawnSync('qemu-arm-static', ['-cpu', 'cortex-r5f', bin], { encoding: 'utf8', timeout: 120000 });
    expect({ status: r.status, signal: r.signal, stderr: r.stderr }).toEqual({ status: 0, signal: null, stderr: '' });
    expect(r.stdout).toMatch(summaryRegex(arm));
    // the control: on that CPU model an instruction naming d16 does fault
    const probe = path.join(scratchDir('armhf'), 'd16_probe.c');
    fs.writeFileSync(probe, 'int main(void) { __asm__ volatile("vmov.f64 d16, d0" ::: "d16"); return 0; }\n');
    const d16 = buildC(arm, { sources: [probe], out: 'd16_probe', flags: ['-mfpu=vfpv3'] });
    expect(spawnSync('qemu-arm-static', ['-cpu', 'cortex-r5f', d16]).signal).toBe('SIGILL');
    expect(spawnSync('qemu-arm-static', [d16]).status).toBe(0);
  });

  // C++ on Arm unwinds through .ARM.exidx: exceptions thrown and caught inside a coroutine work across
  // switches, and one escaping the entry function stops at the trampoline's CANTUNWIND (std::terminate)
  for (const name of ['armhf', 'armhf-arm'] as const) {
    const t = target(name);
    const cxx = t.cc.replace(/gcc$/, 'g++');
    (targetAvailable(t) && have(cxx) ? test : test.skip)(`${name}: C++ exceptions inside a coroutine are caught there; one escaping entry ends in std::terminate`, () => {
      const dir = scratchDir(name);
      const [asm, make] = switcherSources(t);
      const makeObj = path.join(dir, 'context_make_ehabi.o');
      const cflags = t.flags.filter((f) => f !== '-static');
      tool(t.cc, [...cflags, '-O2', `-I${INCLUDE_DIR}`, `-I${GEN_DIR}`, '-c', make, '-o', makeObj]);
      const bin = path.join(dir, 'ehabi_probe');
      tool(cxx, [...t.flags, '-O2', '-Wall', '-Wextra', '-Werror', `-I${INCLUDE_DIR}`, `-I${GEN_DIR}`, path.join(HERE, 'ehabi_probe.cc'), asm, makeObj, '-o', bin]);
      const ok = runBinary(t, bin);
      expect({ status: ok.status, stderr: ok.stderr }).toEqual({ status: 0, stderr: '' });
      expect(ok.stdout).toMatch(/^ehabi OK: 1000 exceptions caught inside the coroutine, 1000 in main between switches$/m);
      const escaped = runBinary(t, bin, ['escape']);
      expect(escaped.signal).toBe('SIGABRT');
      expect(escaped.stderr).toMatch(/terminate called after throwing an instance of 'std::runtime_error'\n\s+what\(\): +thrown inside a coroutine/);
      expect(escaped.stdout).not.toMatch(/ehabi OK/);
    });
  }

  maybe('both functions have an EXIDX_CANTUNWIND entry; the CFI is in .debug_frame, not .eh_frame', () => {
    const obj = path.join(scratchDir('armhf'), 'context_armhf_aapcs_vfp.o');
    tool(arm.cc, ['-c', requireGenerated('context_armhf_aapcs_vfp.S'), '-o', obj]);
    const unwind = tool(binutil(arm, 'readelf'), ['-u', obj]);
    const entries = unwind.split('\n').filter((l) => /^0x[0-9a-f]+/.test(l));
    expect(entries).toHaveLength(2);
    expect(entries.every((l) => /\[cantunwind\]/.test(l))).toBe(true);
    expect(unwind).toMatch(/<sy_context_trampoline>: 0x1 \[cantunwind\]/);
    const sections = tool(binutil(arm, 'readelf'), ['-SW', obj]);
    expect(sections).toMatch(/\.debug_frame/);
    expect(sections).not.toMatch(/\.eh_frame/);
    // the switcher is ARM code whatever the build's default: its symbols have bit 0 clear
    const syms = tool(binutil(arm, 'readelf'), ['-sW', obj]);
    for (const sym of ['sy_switch', 'sy_context_trampoline']) {
      const m = new RegExp(`:\\s*([0-9a-f]+)\\s+\\d+\\s+FUNC\\s+\\S+\\s+\\S+\\s+\\S+\\s+${sym}$`, 'm').exec(syms);
      expect({ sym, armCode: m ? (parseInt(m[1], 16) & 1) === 0 : 'missing' }).toEqual({ sym, armCode: true });
    }
  });
});

describe('object files: CET / BTI / PAC property notes', () => {
  const x86 = target('x86_64');
  (targetAvailable(x86) ? test : test.skip)('x86-64 object carries IBT, endbr64 at sy_switch and the trampoline; SHSTK only if declared', () => {
    const asm = requireGenerated('context_x86_64_sysv.S');
    const dir = scratchDir('x86_64');
    const obj = path.join(dir, 'context_x86_64_sysv.o');
    // assembled exactly as a consumer compiles it (no -fcf-protection needed for the note); gcc, or the cross gcc off x64
    tool(x86.cc, ['-c', asm, '-o', obj]);
    const notes = tool(binutil(x86, 'readelf'), ['-n', obj]);
    const feat = /x86 feature: (.*)$/m.exec(notes);
    expect(feat).not.toBeNull();
    const features = (feat as RegExpExecArray)[1].split(/,\s*/);
    expect(features).toContain('IBT');
    // SHSTK must appear if and only if the generated file claims it
    const src = fs.readFileSync(asm, 'utf8');
    const propWord = /\.long\s+(0x[0-9a-f]+)\s*\/\*[^*]*IBT[^*]*\*\//i.exec(src);
    const claimsShstk = propWord ? (parseInt(propWord[1], 16) & 2) !== 0 : /SHSTK/.test(src) && !/SHSTK is not claimed/.test(src);
    expect({ shstkInNote: features.includes('SHSTK'), claimsShstk }).toEqual({ shstkInNote: claimsShstk, claimsShstk });
    if (claimsShstk) {
      // a switcher that claims SHSTK must switch shadow stacks too
      expect(src).toMatch(/rstorssp|saveprevssp/);
    }
    // every indirect-branch target has its landing pad
    const dis = tool(binutil(x86, 'objdump'), ['-d', '--no-show-raw-insn', obj]);
    for (const sym of ['sy_switch', 'sy_context_trampoline']) {
      const m = new RegExp(`<${sym}>:\\n\\s*[0-9a-f]+:\\s*(\\S+)`).exec(dis);
      expect({ sym, first: m?.[1] }).toEqual({ sym, first: 'endbr64' });
    }
  });

  const x32 = target('i386');
  (targetAvailable(x32) ? test : test.skip)('i386 object carries IBT, endbr32 at sy_switch and the trampoline', () => {
    const asm = requireGenerated('context_i386_sysv.S');
    const obj = path.join(scratchDir('i386'), 'context_i386_sysv.o');
    tool(x32.cc, ['-c', asm, '-o', obj]);
    const feat = /x86 feature: (.*)$/m.exec(tool(binutil(x32, 'readelf'), ['-n', obj]));
    expect(feat?.[1].split(/,\s*/)).toEqual(['IBT']);
    const dis = tool(binutil(x32, 'objdump'), ['-d', '--no-show-raw-insn', obj]);
    for (const sym of ['sy_switch', 'sy_context_trampoline']) {
      const m = new RegExp(`<${sym}>:\\n\\s*[0-9a-f]+:\\s*(\\S+)`).exec(dis);
      expect({ sym, first: m?.[1] }).toEqual({ sym, first: 'endbr32' });
    }
    // without SSE in the build there is no MXCSR access at all (an i686 without SSE would fault on it)
    expect(dis).not.toMatch(/mxcsr/);
  });

  const a64 = target('aarch64');
  (targetAvailable(a64) ? test : test.skip)('aarch64 object carries BTI and PAC', () => {
    const asm = requireGenerated('context_aarch64_aapcs64.S');
    const obj = path.join(scratchDir('aarch64'), 'context_aarch64_aapcs64.o');
    tool(a64.cc, [...a64.flags.filter((f) => f !== '-static'), '-c', asm, '-o', obj]);
    const notes = tool(binutil(a64, 'readelf'), ['-n', obj]);
    const feat = /AArch64 feature: (.*)$/m.exec(notes);
    expect(feat).not.toBeNull();
    const features = (feat as RegExpExecArray)[1].split(/,\s*/);
    expect(features).toEqual(expect.arrayContaining(['BTI', 'PAC']));
    // sy_switch is reachable by an indirect call: its first instruction must be a BTI landing pad
    const dis = tool(binutil(a64, 'objdump'), ['-d', '--no-show-raw-insn', obj]);
    const first = /<sy_switch>:\n\s*[0-9a-f]+:\s*(.+)$/m.exec(dis);
    expect(first?.[1].trim()).toMatch(/^(bti\s+c|hint\s+#0x22|paciasp|hint\s+#0x19)/);
  });
});

describe('linking: no executable stack', () => {
  for (const name of ['x86_64', 'aarch64', 'ppc64le', 's390x', 'i386', 'armhf', 'riscv32'] as const) {
    const t = target(name);
    (targetAvailable(t) ? test : test.skip)(`${name}: linking the harness with --warn-execstack warns about nothing; GNU_STACK is RW`, () => {
      const { out, output } = buildCCapture(t, {
        sources: [REGCHECK_C, regcheckAsm(t), ...switcherSources(t)],
        out: 'regcheck_execstack',
        includes: [HERE],
        flags: ['-Wl,--warn-execstack'],
      });
      expect(output).not.toMatch(/exec(utable)?\s*stack/i);
      const ph = tool(binutil(t, 'readelf'), ['-lW', out]);
      const gs = /GNU_STACK\s+(?:\S+\s+){5}(\S+(?: \S+)?)\s+0x/.exec(ph);
      expect(gs?.[1].replace(/\s/g, '')).toBe('RW');
    });
  }

  // Debian's mips64el crt1.o has no .note.GNU-stack, so every binary linked there asks for an
  // executable stack whatever its other objects say: judge the switcher's object and ld's blame instead
  const mips = target('mips64el');
  (targetAvailable(mips) ? test : test.skip)('mips64el: the switcher object marks its stack non-executable; ld blames only the C runtime start files', () => {
    const { output } = buildCCapture(mips, {
      sources: [REGCHECK_C, regcheckAsm(mips), ...switcherSources(mips)],
      out: 'regcheck_execstack',
      includes: [HERE],
      flags: ['-Wl,--warn-execstack'],
    });
    const blamed = output.split('\n').filter((l) => /exec(utable)?\s*stack/i.test(l));
    expect(blamed.filter((l) => !/\/crt\w*\.o:/.test(l))).toEqual([]);
    const obj = path.join(scratchDir('mips64el'), 'context_mips64el_n64.o');
    tool(mips.cc, ['-c', requireGenerated('context_mips64el_n64.S'), '-o', obj]);
    const sections = tool(binutil(mips, 'readelf'), ['-SW', obj]);
    const note = /\.note\.GNU-stack\s+PROGBITS\s+(?:\S+\s+){4}(\S*)\s/.exec(sections);
    expect(note).not.toBeNull();
    expect((note as RegExpExecArray)[1]).not.toMatch(/X/);
  });

  const x86 = target('x86_64');
  (targetAvailable(x86) ? test : test.skip)('control: the same link with .note.GNU-stack removed from the switcher does warn', () => {
    const [asm, make] = switcherSources(x86);
    const src = fs.readFileSync(requireGenerated(path.basename(asm)), 'utf8');
    const stripped = src.split('\n').filter((l) => !/\.note\.GNU-stack/.test(l)).join('\n');
    expect(stripped).not.toEqual(src);
    const file = path.join(scratchDir('x86_64'), 'context_x86_64_sysv_execstack.S');
    fs.writeFileSync(file, stripped);
    const { output } = buildCCapture(x86, {
      sources: [REGCHECK_C, regcheckAsm(x86), file, make],
      out: 'regcheck_execstack_control',
      includes: [HERE],
      flags: ['-Wl,--warn-execstack'],
    });
    expect(output).toMatch(/exec(utable)?\s*stack/i);
  });
});

describe('Apple arm64 (Mach-O) variant', () => {
  const ok = have('clang') && have('llvm-nm') && have('llvm-objdump');
  (ok ? test : test.skip)('assembles/compiles for arm64-apple-macos; exports _sy_switch and _sy_context_make; never touches x18', () => {
    const asm = requireGenerated('context_aarch64_apple.S');
    const make = requireGenerated('context_make_aarch64_apple.c');
    const dir = scratchDir('apple');
    const asmObj = path.join(dir, 'context_aarch64_apple.o');
    const makeObj = path.join(dir, 'context_make_aarch64_apple.o');
    tool('clang', ['--target=arm64-apple-macos', '-c', asm, '-o', asmObj]);
    // No macOS SDK here: compile freestanding against clang's own stddef/stdint
    // plus tiny stand-ins for stdio/stdlib/string (apple-sdk-stub/).
    const resource = tool('clang', ['-print-resource-dir']).trim();
    tool('clang', [
      '--target=arm64-apple-macos', '-std=gnu11', '-O2', '-Wall', '-Wextra', '-Werror',
      '-ffreestanding', '-nostdinc', '-isystem', path.join(resource, 'include'),
      '-isystem', path.join(HERE, 'apple-sdk-stub'), `-I${GEN_DIR}`, '-c', make, '-o', makeObj,
    ]);
    const syms = (obj: string) => tool('llvm-nm', ['-m', obj]);
    const a = syms(asmObj);
    const c = syms(makeObj);
    expect(a).toMatch(/\(__TEXT,__text\) external _sy_switch$/m);
    expect(c).toMatch(/\(__TEXT,__text\) external _sy_context_make$/m);
    // the trampoline is defined once, not exported, and is what make.c references
    expect(a).toMatch(/\(__TEXT,__text\) private external _sy_context_trampoline$/m);
    expect(c).toMatch(/\(undefined\) external _sy_context_trampoline$/m);
    // and the abort hook the trampoline calls is defined by make.c
    const hook = /\(undefined\) external (_sy_\w+)$/m.exec(a);
    if (hook) expect(c).toMatch(new RegExp(`\\(__TEXT,__text\\) (private )?external ${hook[1]}$`, 'm'));
    // no ELF-only symbols leaked in unprefixed
    expect(a).not.toMatch(/ sy_switch$/m);
    // x18 is the platform register on Apple: never read or written
    const dis = tool('llvm-objdump', ['-d', '--no-show-raw-insn', asmObj]);
    expect(dis.split('\n').filter((l) => /\b[wx]18\b/.test(l))).toEqual([]);
  });
});

/**
 * gdb script: break in the coroutine on first entry and after a resume, then
 * single-step the coroutine's own switch back to main: the CFI must describe
 * every instruction, on either side of the stack swap.
 */
function gdbScript(start: string[], steps = 40): string[] {
  return [
    'set pagination off',
    'set confirm off',
    'set width 0',
    'break gdbprobe_marker',
    ...start,
    'echo ===BT first entry===\\n',
    'bt',
    'continue',
    'echo ===BT after resume===\\n',
    'bt',
    'break sy_switch',
    'continue',
    'set $n = 0',
    `while $n < ${steps}`,
    '  echo ===STEP===\\n',
    '  bt',
    '  stepi',
    '  set $n = $n + 1',
    'end',
    'echo ===END===\\n',
    'kill',
    'quit',
    '',
  ];
}

function checkGdbTranscript(all: string, steps = 40): void {
  expect(all).toMatch(/===END===/);
  const cut = all.indexOf('===STEP===\n');
  expect(cut).toBeGreaterThan(0);
  const beforeSteps = all.slice(0, cut);
  const stepText = all.slice(cut);
  const frameNames = (s: string) =>
    s.split('\n').filter((l) => /^#\d+\s/.test(l)).map((l) => /^#\d+\s+(?:0x[0-9a-f]+ in )?(\S+)/.exec(l)?.[1] ?? '?');
  const bad = /\?\?|corrupt stack|previous frame inner|Backtrace stopped/i;
  const sections = beforeSteps.split(/===BT [a-z ]+===\n/).slice(1);
  expect(sections.length).toBe(2);
  for (const s of sections) {
    const names = frameNames(s);
    const report = { names, text: s };
    expect({ names: names.slice(0, 3), report }).toEqual({
      names: ['gdbprobe_marker', 'gdbprobe_level2', 'gdbprobe_entry'],
      report,
    });
    expect({ last: names[names.length - 1], report }).toEqual({ last: 'sy_context_trampoline', report });
    expect({ clean: !bad.test(s), report }).toEqual({ clean: true, report });
    expect(names).not.toContain('main');
  }
  // stepping through sy_switch: every backtrace is clean and ends at the
  // trampoline (still on the coroutine stack) or at main (after the swap)
  const allSteps = stepText.split('===STEP===\n').slice(1).map((s) => s.split('===END===')[0]);
  expect(allSteps.length).toBe(steps);
  // judge the steps inside sy_switch and the first one after it (back in
  // main); later steps wander into printf, which is not ours to judge
  const inside = allSteps.findIndex((s) => frameNames(s)[0] !== 'sy_switch');
  expect(inside).toBeGreaterThan(10);
  const ends = new Set<string>();
  for (const s of allSteps.slice(0, inside + 1)) {
    const names = frameNames(s);
    const report = { names, text: s };
    expect({ clean: !bad.test(s), report }).toEqual({ clean: true, report });
    const last = names[names.length - 1];
    expect({ last: ['sy_context_trampoline', 'main'].includes(last), report }).toEqual({ last: true, report });
    if (names[0] === 'sy_switch') ends.add(last);
  }
  // the steps did cross from the coroutine stack to main's inside sy_switch
  expect([...ends].sort()).toEqual(['main', 'sy_context_trampoline']);
}

/** how the gdb tests name each target: the titles of the x86-64 ones predate the others */
const GDB_LABEL: Record<Target['name'], string> = {
  x86_64: 'x86-64',
  aarch64: 'aarch64',
  riscv64: 'riscv64',
  riscv32: 'riscv32',
  ppc64le: 'ppc64le',
  s390x: 's390x',
  i386: 'i386',
  mips64el: 'mips64el',
  win64: 'win64',
  armhf: 'armhf (Thumb-2)',
  'armhf-arm': 'armhf (ARM)',
};
/**
 * qemu -cpu for the remote-gdb runs: qemu 7.2's gdbstub does not tell gdb
 * the PAC mask, so gdb cannot strip signed return addresses on a PAuth CPU
 * (even plain C frames show ??). cortex-a72 has no PAuth/BTI: paciasp/
 * autiasp/bti are hint NOPs there, and everything else in the switcher's CFI
 * is exercised unchanged. qemu's default x86-64 CPU needs nothing.
 */
const GDB_QEMU_CPU: Partial<Record<Target['name'], string>> = { aarch64: 'cortex-a72' };
/** stepi count that crosses sy_switch into main: Power's switch saves 12 vector registers one instruction pair at a time; MIPS's runs 60 instructions */
const GDB_STEPS: Partial<Record<Target['name'], number>> = { ppc64le: 200, mips64el: 100 };

describe('debugger unwinding inside a coroutine (gdb)', () => {
  // the machine's own target under gdb (a native gdb on a real arm64 machine reads the PAC mask from the kernel)
  const native = TARGETS.find((t) => t.runner.length === 0);
  if (native) {
    const x = native;
    (targetAvailable(x) && have('gdb') ? test : test.skip)(`${GDB_LABEL[x.name]}: bt ends at sy_context_trampoline with no ?? / corrupt frames, never reaching main; clean while stepping sy_switch`, () => {
      const bin = buildC(x, { sources: [path.join(HERE, 'gdbprobe.c'), ...switcherSources(x)], out: 'gdbprobe', flags: ['-O0'] });
      const cmds = path.join(scratchDir(x.name), 'gdbprobe.gdb');
      fs.writeFileSync(cmds, gdbScript(['run']).join('\n'));
      const r = spawnSync('gdb', ['-q', '-batch', '-nx', '-x', cmds, bin], { encoding: 'utf8', timeout: 60000 });
      checkGdbTranscript(`${r.stdout}\n${r.stderr}`);
    });
  }

  // the other of x86-64 / AArch64, and ppc64le and s390x, under qemu-user's gdbstub, debugged by gdb-multiarch
  // (not RISC-V: gdbprobe is not among the checks asked of either; riscv32 would also need the shim's stdio under gdb)
  for (const x of TARGETS.filter((t) => t.runner.length > 0 && t.name !== 'riscv64' && t.name !== 'riscv32')) {
    const cpu = GDB_QEMU_CPU[x.name];
    const steps = GDB_STEPS[x.name] ?? 40;
    (targetAvailable(x) && have('gdb-multiarch') ? test : test.skip)(`${GDB_LABEL[x.name]} (qemu -g${cpu ? `, ${cpu}` : ''}): same backtrace checks`, () => {
      const bin = buildC(x, { sources: [path.join(HERE, 'gdbprobe.c'), ...switcherSources(x)], out: 'gdbprobe', flags: ['-O0'] });
      const port = 20000 + ((process.pid * 7919 + Date.now()) % 20000);
      const qemu = spawn(x.runner[0], [...(cpu ? ['-cpu', cpu] : x.runner.slice(1)), '-g', String(port), bin], { stdio: 'ignore' });
      try {
        const cmds = path.join(scratchDir(x.name), 'gdbprobe.gdb');
        fs.writeFileSync(cmds, gdbScript(['set tcp connect-timeout 20', `target remote 127.0.0.1:${port}`, 'continue'], steps).join('\n'));
        const r = spawnSync('gdb-multiarch', ['-q', '-batch', '-nx', '-x', cmds, bin], { encoding: 'utf8', timeout: 90000 });
        checkGdbTranscript(`${r.stdout}\n${r.stderr}`, steps);
      } finally {
        if (qemu.exitCode === null) qemu.kill('SIGKILL');
      }
    });
  }
});

/**
 * x86-64 Windows, built with mingw-w64 and run under wine64 (a quiet, private
 * WINEPREFIX per test file: see wineEnv). The same harness as above, plus
 * what only Windows has: the TEB's stack fields following the running stack,
 * SEH unwind codes, and C++ exceptions (mingw-w64 g++ raises them through
 * Windows' SEH dispatcher) thrown and caught inside coroutines.
 */
const win64Missing = HOST_ARCH !== 'x64' ? 'wine runs x86-64 Windows programs only on an x86-64 machine' : missingToolchain(WIN64, ['x86_64-w64-mingw32-g++']);
describe(`x86-64 Windows (x86_64-win64) under wine${win64Missing ? ` (skipped: ${win64Missing})` : ''}`, () => {
  const missing = win64Missing;
  const maybe = missing ? test.skip : test;
  if (missing && STRICT_SKIP && HOST_ARCH === 'x64') {
    test('the Windows toolchain is installed (SWITCHYARD_STRICT_SKIP=1)', () => {
      throw new Error(`x86_64-win64 tests cannot run: ${missing} (apt-get install g++-mingw-w64-x86-64 wine64)`);
    });
  }
  afterAll(() => disposeWine());

  const SEH_CC = path.join(HERE, 'win64_seh.cc');
  /** the C++ probe, linked with the given switcher assembly (the generated one by default) */
  function buildSeh(out: string, asm = switcherSources(WIN64)[0]): string {
    const [, make] = switcherSources(WIN64);
    const dir = scratchDir('win64');
    const makeObj = path.join(dir, 'context_make_x86_64_win64.o');
    tool(WIN64.cc, ['-std=gnu11', '-O2', '-Wall', '-Wextra', '-Werror', `-I${GEN_DIR}`, '-c', make, '-o', makeObj]);
    const exe = path.join(dir, out);
    tool('x86_64-w64-mingw32-g++', ['-std=gnu++17', '-O2', '-g', '-Wall', '-Wextra', '-Werror', '-static', `-I${path.join(GEN_DIR, '..', 'include')}`, `-I${GEN_DIR}`, SEH_CC, asm, makeObj, '-o', exe]);
    return exe;
  }

  /** copy of the generated .S without the instruction lines matching `reg` (and their unwind directives) */
  function win64Without(reg: RegExp, tag: string): { file: string; removed: string[] } {
    const [asm] = switcherSources(WIN64);
    const lines = fs.readFileSync(requireGenerated(path.basename(asm)), 'utf8').split('\n');
    const removed = lines.filter((l) => reg.test(l) && !/^\s*(\/\*|\*)/.test(l));
    const file = path.join(scratchDir('win64'), `context_x86_64_win64_${tag}.S`);
    fs.writeFileSync(file, lines.filter((l) => !removed.includes(l)).join('\n'));
    return { file, removed };
  }

  maybe('wine starts in a private prefix (first start timed)', () => {
    const started = Date.now();
    const env = wineEnv();
    expect(env.WINEPREFIX).toMatch(/switchyard-wine-/);
    expect(env.WINEDEBUG).toBe('-all');
    // shown in the test log: the one-off cost of a fresh prefix
    console.log(`wine first start (prefix + wineboot): ${((Date.now() - started) / 1000).toFixed(1)} s in ${env.WINEPREFIX}`);
  });

  maybe('preserves rbx rbp rdi rsi r12-r15, xmm6-xmm15 in full, MXCSR and the x87 CW, sp and the values; TEB stack fields follow the stack', () => {
    switcherSources(WIN64).forEach((f) => requireGenerated(path.basename(f)));
    const bin = buildHarness(WIN64, 'regcheck.exe');
    const r = runBinary(WIN64, bin, [], 120000);
    expect({ status: r.status, signal: r.signal, stderr: r.stderr }).toEqual({ status: 0, signal: null, stderr: '' });
    expect(r.stdout).toMatch(summaryRegex(WIN64));
  });

  maybe('an entry function that returns aborts with the generator message (the CRT\'s abort: exit status 3)', () => {
    const bin = buildHarness(WIN64, 'regcheck.exe');
    const r = runBinary(WIN64, bin, ['--entry-returns'], 60000);
    expect({ status: r.status, detail: describeRun(r) }).toEqual({ status: 3, detail: describeRun(r) });
    const after = r.stderr.split('regcheck: entry function returning now')[1] ?? '';
    const literals = switcherSources(WIN64).flatMap(stringLiterals).filter((l) => l.length >= 20 && !l.includes('%'));
    expect(literals.filter((l) => after.includes(l)).length).toBeGreaterThan(0);
  });

  test.each([
    ['rsi', /%rsi\b/, /register rsi: expected/],
    ['xmm13', /%xmm13\b/, /register xmm13\[lo\]: expected/],
    ['the TEB stack fields', /%gs:0x(8|10|1478)\b/, /TEB StackBase 0x[0-9a-f]+ StackLimit 0x[0-9a-f]+ DeallocationStack 0x[0-9a-f]+ do not describe its stack/],
  ])('negative control: without the %s save/restore the harness fails naming it', (what, reg, message) => {
    if (missing) return;
    const { file, removed } = win64Without(reg, `no_${what.replace(/\W+/g, '_')}`);
    expect(removed.length).toBeGreaterThanOrEqual(2);
    const [, make] = switcherSources(WIN64);
    const bin = buildHarness(WIN64, `regcheck_no_${what.replace(/\W+/g, '_')}.exe`, [file, make]);
    const r = runBinary(WIN64, bin, [], 120000);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(message);
  });

  maybe('C++ exceptions thrown and caught inside coroutines (a try left open across a switch too); unwinding ends at the trampoline with a null return address at StackBase', () => {
    const r = runBinary(WIN64, buildSeh('win64_seh.exe'), [], 120000);
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
    expect(r.stdout).toMatch(
      /^win64-seh OK: 1000 exceptions caught inside coroutines and 500 in main, 6000 destructors run; unwind walk: walk_from_here <- walk_level2 <- a_entry <- sy_context_trampoline, ends at StackBase$/m,
    );
  });

  maybe('an exception nobody catches in a coroutine: the dispatcher\'s walk ends at its StackBase (unhandled, not "not in stack limits")', () => {
    const exe = buildSeh('win64_seh.exe');
    const r = spawnSync(WIN64.runner[0], [exe, '--uncaught'], { encoding: 'utf8', timeout: 60000, env: { ...wineEnv(), WINEDEBUG: '-all,err+seh' } });
    // the process ends with the exception's code (0x20474343, libgcc's C++ exception); the shell sees its low byte
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0x43, stderr: expect.stringMatching(/Unhandled exception code 20474343/) });
    expect(r.stderr).not.toMatch(/stack limits|invalid frame/i);
  });

  test('negative control: without the thread-block swaps a C++ exception in a coroutine is not caught', () => {
    if (missing) return;
    const { file, removed } = win64Without(/%gs:/, 'no_teb');
    expect(removed.length).toBe(2 * 4); // a store and a load for each of the four fields
    const r = runBinary(WIN64, buildSeh('win64_seh_no_teb.exe', file), [], 120000);
    expect(r.status).not.toBe(0);
    expect(r.stdout).not.toMatch(/win64-seh OK/);
  });

  maybe('the object has .pdata/.xdata unwind entries for sy_switch and the trampoline, and no ELF-only sections', () => {
    const obj = path.join(scratchDir('win64'), 'context_x86_64_win64.o');
    tool(WIN64.cc, ['-c', requireGenerated('context_x86_64_win64.S'), '-o', obj]);
    const dump = tool('x86_64-w64-mingw32-objdump', ['-x', obj]);
    expect(dump).toMatch(/file format pe-x86-64/);
    const unwind = dump.slice(dump.indexOf('Dump of .xdata'));
    // sy_switch: the 264-byte frame and every nonvolatile register's save; the trampoline: 40 bytes
    expect(unwind).toMatch(/alloc large area: rsp = rsp - 0x108/);
    for (const reg of ['rbx', 'rbp', 'rdi', 'rsi', 'r12', 'r13', 'r14', 'r15', ...Array.from({ length: 10 }, (_, i) => `xmm${i + 6}`)]) {
      expect(unwind).toMatch(new RegExp(`save ${reg} at rsp \\+ 0x[0-9a-f]+`));
    }
    expect(unwind).toMatch(/alloc small area: rsp = rsp - 0x28/);
    const table = /The Function Table[^\n]*\n[^\n]*\n((?:\s*[0-9a-f]+:\s+[0-9a-f]+ [0-9a-f]+ [0-9a-f]+\n)+)/.exec(dump);
    expect(table?.[1].trim().split('\n')).toHaveLength(2); // one .pdata entry per function
    expect(dump).not.toMatch(/\.note|\.eh_frame/);
  });
});
