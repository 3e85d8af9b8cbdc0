/**
 * Structural facts about the generated files, checked by reading the
 * assembly back with patterns written here (not reusing the emitters):
 * every callee-saved register stored and reloaded at its spec offset, the
 * stack pointer exchanged through sy_context, hardening markers present.
 */
import type { AbiSpec } from '../../codegen/spec/schema';
import { emitAssembly } from '../../codegen/src/emit/assembly';
import { emitCHeader } from '../../codegen/src/emit/c-header';
import { emitMakecontext } from '../../codegen/src/emit/makecontext';
import { planSwitch } from '../../codegen/src/plan';
import { layouts } from '../../native/gen/layouts';
import { loadedSpec, specIds } from './spec-fixtures';

interface Access {
  register: string;
  offset: number;
}

/** the body of one function in the assembly text (up to its CFI or SEH end) */
function functionBody(asm: string, symbol: string): string {
  const start = asm.indexOf(`\n${symbol}:`);
  expect(start).toBeGreaterThan(0);
  const ends = ['.cfi_endproc', '.seh_endproc'].map((e) => asm.indexOf(e, start)).filter((i) => i > 0);
  return asm.slice(start, Math.min(...ends));
}

/** register stores/loads relative to the stack pointer, per ISA syntax; pairs count as two */
function accesses(isa: string, text: string): { stores: Access[]; loads: Access[] } {
  const stores: Access[] = [];
  const loads: Access[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\/\*.*\*\//, '').trim();
    let m: RegExpMatchArray | null;
    if (isa === 'x86_64') {
      if ((m = line.match(/^mov(?:q|ups) %(\w+), (\d+)\(%rsp\)$/))) stores.push({ register: m[1], offset: +m[2] });
      else if ((m = line.match(/^mov(?:q|ups) (\d+)\(%rsp\), %(\w+)$/))) loads.push({ register: m[2], offset: +m[1] });
      else if ((m = line.match(/^stmxcsr (\d+)\(%rsp\)$/))) stores.push({ register: 'mxcsr', offset: +m[1] });
      else if ((m = line.match(/^ldmxcsr (\d+)\(%rsp\)$/))) loads.push({ register: 'mxcsr', offset: +m[1] });
      else if ((m = line.match(/^fnstcw (\d+)\(%rsp\)$/))) stores.push({ register: 'x87cw', offset: +m[1] });
      else if ((m = line.match(/^fldcw (\d+)\(%rsp\)$/))) loads.push({ register: 'x87cw', offset: +m[1] });
    } else if (isa === 'aarch64') {
      if ((m = line.match(/^(stp|ldp) (\w+), (\w+), \[sp, #(\d+)\]$/))) {
        const list = m[1] === 'stp' ? stores : loads;
        list.push({ register: m[2], offset: +m[4] }, { register: m[3], offset: +m[4] + 8 });
      } else if ((m = line.match(/^(str|ldr) (\w+), \[sp, #(\d+)\]$/))) (m[1] === 'str' ? stores : loads).push({ register: m[2], offset: +m[3] });
    } else if (isa === 'riscv64' || isa === 'riscv32') {
      // RV64 moves integers with sd/ld, RV32 with sw/lw; FP registers always with fsd/fld (FLEN = 64)
      if ((m = line.match(/^(?:f?sd|sw) (\w+), (\d+)\(sp\)$/))) stores.push({ register: m[1], offset: +m[2] });
      else if ((m = line.match(/^(?:f?ld|lw) (\w+), (\d+)\(sp\)$/))) loads.push({ register: m[1], offset: +m[2] });
    } else if (isa === 's390x') {
      if ((m = line.match(/^(stmg|lmg) %r(\d+), %r(\d+), (\d+)\(%r15\)$/))) {
        for (let r = +m[2]; r <= +m[3]; r++) (m[1] === 'stmg' ? stores : loads).push({ register: `r${r}`, offset: +m[4] + 8 * (r - +m[2]) });
      } else if ((m = line.match(/^(stg|std) %(\w+), (\d+)\(%r15\)$/))) stores.push({ register: m[2], offset: +m[3] });
      else if ((m = line.match(/^(lg|ld) %(\w+), (\d+)\(%r15\)$/))) loads.push({ register: m[2], offset: +m[3] });
      else if ((m = line.match(/^stfpc (\d+)\(%r15\)$/))) stores.push({ register: 'fpc', offset: +m[1] });
      else if ((m = line.match(/^lfpc (\d+)\(%r15\)$/))) loads.push({ register: 'fpc', offset: +m[1] });
    }
  }
  if (isa === 'ppc64le') return ppcAccesses(text);
  if (isa === 'i386') return i386Accesses(text);
  if (isa === 'mips64el') return mipsAccesses(text);
  if (isa === 'arm') return armAccesses(text);
  return { stores, loads };
}

/**
 * Arm: stm/ldm and vstm/vldm move a register list at sp or at r12 = sp + N
 * (words for core registers, doublewords for d registers); FPSCR goes
 * through a core register (vmrs before its store; its load is merged and
 * written back with vmsr after).
 */
function armAccesses(text: string): { stores: Access[]; loads: Access[] } {
  const stores: Access[] = [];
  const loads: Access[] = [];
  const bases = new Map<string, number>([['sp', 0]]);
  const fromFpscr = new Set<string>();
  const writesFpscr = /^vmsr(ne)? fpscr, r\d+$/m.test(text.replace(/[ \t]*\/\*.*\*\//g, '').replace(/^\s+/gm, ''));
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\/\*.*\*\//, '').trim();
    let m: RegExpMatchArray | null;
    if ((m = line.match(/^add (r\d+), sp, #(\d+)$/))) bases.set(m[1], +m[2]);
    else if ((m = line.match(/^vmrs (r\d+), fpscr$/))) fromFpscr.add(m[1]);
    else if ((m = line.match(/^(v?)(stm|ldm) (\w+), \{([^}]*)\}$/))) {
      const at = bases.get(m[3]);
      if (at === undefined) continue;
      const size = m[1] ? 8 : 4;
      m[4].split(/,\s*/).forEach((register, i) => (m![2] === 'stm' ? stores : loads).push({ register, offset: at + size * i }));
    } else if ((m = line.match(/^v?str (\w+), \[sp, #(\d+)\]$/))) {
      stores.push({ register: fromFpscr.delete(m[1]) ? 'fpscr' : m[1], offset: +m[2] });
    } else if ((m = line.match(/^v?ldr (\w+), \[sp, #(\d+)\]$/))) {
      // a scratch register loaded from the frame only feeds the FPSCR write-back
      loads.push({ register: /^r(0|1|2|3|12)$/.test(m[1]) && writesFpscr ? 'fpscr' : m[1], offset: +m[2] });
    }
  }
  return { stores, loads };
}

/**
 * i386: stores are read before the stack switch and loads after it (the
 * MXCSR write-back reads the current MXCSR through its own slot after the switch).
 */
function i386Accesses(text: string): { stores: Access[]; loads: Access[] } {
  const stores: Access[] = [];
  const loads: Access[] = [];
  const cut = text.indexOf('to->sp');
  const lines = (part: string) => part.split('\n').map((raw) => raw.replace(/\/\*.*\*\//, '').trim());
  for (const line of lines(text.slice(0, cut))) {
    let m: RegExpMatchArray | null;
    if ((m = line.match(/^movl %(\w+), (\d+)\(%esp\)$/))) stores.push({ register: m[1], offset: +m[2] });
    else if ((m = line.match(/^stmxcsr (\d+)\(%esp\)$/))) stores.push({ register: 'mxcsr', offset: +m[1] });
    else if ((m = line.match(/^fnstcw (\d+)\(%esp\)$/))) stores.push({ register: 'x87cw', offset: +m[1] });
  }
  for (const line of lines(text.slice(cut))) {
    let m: RegExpMatchArray | null;
    if ((m = line.match(/^movl (\d+)\(%esp\), %(\w+)$/))) loads.push({ register: m[2], offset: +m[1] });
    else if ((m = line.match(/^ldmxcsr (\d+)\(%esp\)$/))) loads.push({ register: 'mxcsr', offset: +m[1] });
    else if ((m = line.match(/^fldcw (\d+)\(%esp\)$/))) loads.push({ register: 'x87cw', offset: +m[1] });
  }
  return { stores, loads };
}

/** MIPS: FCSR moves through a GPR (cfc1 before its store, ctc1 after its load and merge) */
function mipsAccesses(text: string): { stores: Access[]; loads: Access[] } {
  const stores: Access[] = [];
  const loads: Access[] = [];
  const fromFcsr = new Set<string>();
  const lastLoad = new Map<string, Access>();
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\/\*.*\*\//, '').trim();
    let m: RegExpMatchArray | null;
    if ((m = line.match(/^cfc1 \$(\w+), \$31$/))) fromFcsr.add(m[1]);
    else if ((m = line.match(/^ctc1 \$(\w+), \$31$/))) {
      const a = lastLoad.get(m[1]);
      if (a) a.register = 'fcsr';
    } else if ((m = line.match(/^(sd|sdc1|sw) \$(\w+), (\d+)\(\$sp\)$/))) {
      stores.push({ register: m[1] === 'sw' && fromFcsr.delete(m[2]) ? 'fcsr' : m[2], offset: +m[3] });
    } else if ((m = line.match(/^(ld|ldc1|lw) \$(\w+), (\d+)\(\$sp\)$/))) {
      const a = { register: m[2], offset: +m[3] };
      loads.push(a);
      lastLoad.set(m[2], a);
    }
  }
  return { stores, loads };
}

/**
 * Power: special registers move through a GPR/FPR/VR temporary (mflr, mfcr,
 * mffs, mfvscr before a store; mtlr, mtcrf, mtfsf, mtvscr after a load), and
 * vector slots are addressed by an index register set with li.
 */
function ppcAccesses(text: string): { stores: Access[]; loads: Access[] } {
  const stores: Access[] = [];
  const loads: Access[] = [];
  const alias = new Map<string, string>();
  const index = new Map<string, number>();
  const lastLoad = new Map<string, Access>();
  const from: Record<string, string> = { mflr: 'lr', mfcr: 'cr', mffs: 'fpscr', mfvscr: 'vscr' };
  const to: Record<string, string> = { mtlr: 'lr', mtcrf: 'cr', mtfsf: 'fpscr', mtvscr: 'vscr' };
  const store = (reg: string, offset: number) => {
    stores.push({ register: alias.get(reg) ?? reg, offset });
    alias.delete(reg);
  };
  const load = (reg: string, offset: number) => {
    const a = { register: reg, offset };
    loads.push(a);
    lastLoad.set(reg, a);
  };
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\/\*.*\*\//, '').trim();
    let m: RegExpMatchArray | null;
    if ((m = line.match(/^(mflr|mfcr|mffs|mfvscr) %(\w+)$/))) alias.set(m[2], from[m[1]]);
    else if ((m = line.match(/^(mtlr|mtcrf|mtfsf|mtvscr) (?:[^%]*)%(\w+)/))) {
      const a = lastLoad.get(m[2]);
      if (a) a.register = to[m[1]];
      lastLoad.delete(m[2]);
    } else if ((m = line.match(/^li %(\w+), (\d+)$/))) index.set(m[1], +m[2]);
    else if ((m = line.match(/^(std|stfd) %(\w+), (\d+)\(%r1\)$/))) store(m[2], +m[3]);
    else if ((m = line.match(/^(ld|lfd) %(\w+), (\d+)\(%r1\)$/))) load(m[2], +m[3]);
    else if ((m = line.match(/^(stvx|stvewx) %(\w+), %r1, %(\w+)$/))) store(m[2], index.get(m[3]) ?? NaN);
    else if ((m = line.match(/^(lvx|lvewx) %(\w+), %r1, %(\w+)$/))) load(m[2], index.get(m[3]) ?? NaN);
  }
  return { stores, loads };
}

/** control registers go through a temporary: map the temporary's access back to the control register */
function resolveControl(isa: string, text: string, list: Access[], spec: AbiSpec): Access[] {
  if (isa === 'x86_64' || isa === 'ppc64le' || isa === 's390x' || isa === 'i386' || isa === 'mips64el' || isa === 'arm') return list;
  return list.map((a) => {
    const slot = spec.frame.slots.find((s) => s.kind === 'control' && s.offset === a.offset);
    const moved = slot && slot.kind === 'control' && new RegExp(`(mrs|msr) ${a.register}, ${slot.register}|${slot.register}, ${a.register}|(frrm|fsrm|frcsr|fscsr) ${a.register}`).test(text);
    return moved && slot.kind === 'control' ? { register: slot.register, offset: a.offset } : a;
  });
}

describe.each(specIds)('generated switcher for %s', (id) => {
  const { spec, source } = loadedSpec(id);
  const plan = planSwitch(spec);
  const asm = emitAssembly(plan, source);
  const prefix = spec.objectFormat.symbolPrefix;
  const body = functionBody(asm, `${prefix}sy_switch`);
  const { stores, loads } = accesses(spec.isa, body);
  const saved = [...spec.calleeSaved.general, ...spec.calleeSaved.float.map((f) => f.register), ...spec.calleeSaved.control.map((c) => c.register)];
  if (spec.registers.returnAddress.in === 'register') saved.push(spec.registers.returnAddress.register);

  test('stores and reloads every callee-saved register exactly once, at its spec offset', () => {
    const st = resolveControl(spec.isa, body, stores, spec);
    const ld = resolveControl(spec.isa, body, loads, spec);
    for (const reg of saved) {
      const slot = spec.frame.slots.find((s) => (s.kind === 'general' || s.kind === 'float' || s.kind === 'control') && s.register === reg)!;
      expect({ reg, stores: st.filter((a) => a.register === reg) }).toEqual({ reg, stores: [{ register: reg, offset: slot.offset }] });
      expect({ reg, loads: ld.filter((a) => a.register === reg) }).toEqual({ reg, loads: [{ register: reg, offset: slot.offset }] });
    }
  });

  test('never touches a reserved register', () => {
    for (const reg of spec.registers.reserved) expect(body).not.toMatch(new RegExp(`\\b${reg}\\b`));
  });

  test('allocates a frame that keeps the stack aligned and frees the same amount', () => {
    const layout = layouts[id];
    expect(layout.frameSize).toBe(spec.frame.size);
    expect((layout.frameSize + layout.returnAddressBytesOnStack) % spec.stack.alignment).toBe(0);
    const size = spec.frame.size;
    const alloc = {
      x86_64: `subq $${size}, %rsp`,
      aarch64: `sub sp, sp, #${size}`,
      riscv64: `addi sp, sp, -${size}`,
      riscv32: `addi sp, sp, -${size}`,
      ppc64le: `addi %r1, %r1, -${size}`,
      s390x: `aghi %r15, -${size}`,
      i386: `subl $${size}, %esp`,
      mips64el: `daddiu $sp, $sp, -${size}`,
      arm: `sub sp, sp, #${size}`,
    }[spec.isa as 'x86_64'];
    const free = {
      x86_64: `addq $${size}, %rsp`,
      aarch64: `add sp, sp, #${size}`,
      riscv64: `addi sp, sp, ${size}`,
      riscv32: `addi sp, sp, ${size}`,
      ppc64le: `addi %r1, %r1, ${size}`,
      s390x: `aghi %r15, ${size}`,
      i386: `addl $${size}, %esp`,
      mips64el: `daddiu $sp, $sp, ${size}`,
      arm: `add sp, sp, #${size}`,
    }[spec.isa as 'x86_64'];
    expect(body).toContain(alloc);
    expect(body).toContain(free);
    // all stores happen before the stack switch, all loads after it
    const lines = body.split('\n');
    const switchLine = lines.findIndex((l) => /to->sp/.test(l));
    expect(switchLine).toBeGreaterThan(0);
    expect(body.indexOf('from->sp')).toBeLessThan(body.indexOf('to->sp'));
  });

  test('ends unwinding at the trampoline and marks the stack non-executable', () => {
    const trampoline = functionBody(asm, `${prefix}sy_context_trampoline`);
    const ra = { x86_64: '%rip', aarch64: 'x30', riscv64: 'ra', riscv32: 'ra', ppc64le: 'lr', s390x: '%r14', i386: '%eip', mips64el: '$ra', arm: 'lr' }[spec.isa as 'x86_64'];
    if (spec.objectFormat.kind === 'coff') {
      // Windows: the unwind codes put a (null) return address 40 bytes above the 32-byte home area's bottom
      expect(trampoline).toMatch(/subq \$32, %rsp[^\n]*\n\t\.seh_stackalloc 40[^\n]*\n\t\.seh_endprologue/);
      expect(asm).not.toContain('.cfi_');
    } else expect(trampoline).toContain(`.cfi_undefined ${ra}`);
    // Power calls through the global entry point: r12 = entry, then bctrl
    // MIPS calls through t9 = entry (the PIC convention), so entry can derive its gp from it
    // Arm calls with blx, which enters a Thumb entry function (bit 0 set) in Thumb state
    expect(trampoline).toMatch(new RegExp(`(call \\*%|blr |jalr |mr %r12, %|basr %r14, %|move \\$t9, \\$|blx )${spec.entryRegister}\\b`));
    if (spec.isa === 'ppc64le') expect(trampoline).toMatch(/mr %r12, %r\d+[^\n]*\n\tmtctr %r12[^\n]*\n\tbctrl/);
    if (spec.isa === 'mips64el') expect(trampoline).toMatch(/move \$t9, \$s0[^\n]*\n\tjalr \$t9/);
    if (spec.isa === 'arm') {
      // interworking returns, EHABI entries that stop C++ unwinding, and no d16-d31 (VFPv3-D16 has none)
      expect(body).toMatch(/\n\tbx lr\b/);
      expect(asm).not.toMatch(/\b(mov pc|ldm[^\n]*\bpc\b)/);
      for (const fn of ['sy_switch', 'sy_context_trampoline']) {
        expect(asm).toMatch(new RegExp(`\\n${fn}:\\n\\t\\.fnstart\\n\\t\\.cfi_startproc\\n[\\s\\S]*?\\.cfi_endproc\\n\\t\\.cantunwind.*\\n\\t\\.fnend\\n\\t\\.size ${fn},`));
      }
      expect(asm.replace(/\/\*[\s\S]*?\*\//g, '')).not.toMatch(/\bd(1[6-9]|2\d|3[01])\b/);
    }
    expect(trampoline).toContain(`${prefix}sy_context_entry_returned`);
    if (spec.objectFormat.kind === 'elf') expect(asm).toContain('.section .note.GNU-stack, "", %progbits');
    else if (spec.objectFormat.kind === 'coff') expect(asm).not.toMatch(/\.note|\.hidden|\.type \w+, %function/);
    else expect(asm).not.toContain('.note');
  });

  test('carries the hardening markers the spec asks for', () => {
    const kinds = spec.hardening.map((h) => h.kind);
    const firstInsn = body.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('.') && !l.endsWith(':'))[0];
    if (kinds.includes('x86-ibt')) {
      expect(firstInsn).toMatch(spec.isa === 'i386' ? /^endbr32/ : /^endbr64/);
      expect(asm).toMatch(/\.long 0xc0000002\s+\/\* feature_1_and \*\/\n\t\.long 4.*\n\t\.long 0x1\b/);
      expect(body).toMatch(/notrack jmp \*%\w+/);
    }
    if (kinds.includes('aarch64-bti')) expect(firstInsn).toMatch(/^hint #34/);
    if (kinds.includes('aarch64-pac')) {
      expect(body).toMatch(/hint #25[\s\S]*stp x29, x30[\s\S]*ldp x29, x30[\s\S]*hint #29\s[\s\S]*ret/);
      expect(asm).toMatch(/\.long 0xc0000000\s+\/\* feature_1_and \*\/\n\t\.long 4.*\n\t\.long 0x3\b/);
    }
    if (kinds.length === 0) expect(asm).not.toContain('.note.gnu.property');
    expect(asm.match(/sy_switch:/g)).toHaveLength(1);
  });

  test('header comment carries the layout table and the ABI rules', () => {
    expect(asm).toMatch(/offset {2}size {2}saved/);
    for (const reg of saved) expect(asm.slice(0, asm.indexOf('*/'))).toMatch(new RegExp(`\\n \\*\\s+\\d+\\s+\\d+\\s+${reg}\\n`));
    for (const ref of spec.references) expect(asm).toContain(ref);
  });

  test('the C header asserts every offset and makecontext sets up entry, trampoline and FP control', () => {
    const header = emitCHeader(plan, source);
    for (const slot of spec.frame.slots) {
      const name = slot.kind === 'padding' ? `padding_${slot.offset}` : slot.kind === 'thread-field' ? `thread_${slot.name.toLowerCase()}` : slot.register;
      expect(header).toContain(`SY_LAYOUT_ASSERT(offsetof(sy_frame, ${name}) == SY_FRAME_OFFSET_${name.toUpperCase()}`);
      expect(header).toMatch(new RegExp(`#define SY_FRAME_OFFSET_${name.toUpperCase()}\\s+${slot.offset}\\n`));
    }
    const make = emitMakecontext(plan, source);
    expect(make).toContain(`frame->${spec.entryRegister} = (uintptr_t)entry;`);
    for (const c of spec.calleeSaved.control) expect(make).toContain(`frame->${c.register}`);
    expect(make).toContain('&sy_context_trampoline');
    for (const slot of spec.frame.slots) if (slot.kind === 'thread-field') expect(make).toContain(`frame->thread_${slot.name.toLowerCase()} = `);
    if (spec.objectFormat.kind === 'coff') expect(make).not.toContain('visibility');
  });

  if (spec.objectFormat.kind === 'coff') {
    test('SEH: the prologue\'s unwind codes describe the frame and every register save, before the stack switch', () => {
      const prologue = body.slice(0, body.indexOf('.seh_endprologue'));
      expect(prologue).toContain(`.seh_stackalloc ${spec.frame.size}`);
      for (const slot of spec.frame.slots) {
        if (slot.kind === 'general') expect(prologue).toContain(`.seh_savereg %${slot.register}, ${slot.offset}`);
        if (slot.kind === 'float') expect(prologue).toContain(`.seh_savexmm %${slot.register}, ${slot.offset}`);
      }
      expect(body.indexOf('.seh_endprologue')).toBeLessThan(body.indexOf('to->sp'));
    });

    test('thread-block fields are read from and written back to their segment offsets', () => {
      for (const slot of spec.frame.slots) {
        if (slot.kind !== 'thread-field') continue;
        const seg = `%${slot.segment}:0x${slot.segmentOffset.toString(16)}`;
        expect(body).toMatch(new RegExp(`movq ${seg}, %(\\w+)[^\\n]*\\n\\tmovq %\\1, ${slot.offset}\\(%rsp\\)`));
        expect(body).toMatch(new RegExp(`movq ${slot.offset}\\(%rsp\\), %(\\w+)\\n\\tmovq %\\1, ${seg}`));
      }
    });
  }
});

describe('RISC-V: one emitter, two register widths', () => {
  const insns = (id: string) => {
    const { spec, source } = loadedSpec(id);
    const plan = planSwitch(spec);
    const body = functionBody(emitAssembly(plan, source), 'sy_switch');
    const mnemonics = body.split('\n').map((l) => l.replace(/\/\*.*\*\//, '').trim()).filter((l) => /^[a-z]/.test(l) && !l.startsWith('.'));
    return { spec, plan, mnemonics };
  };

  test('riscv32-ilp32d moves integers and sp with sw/lw and the callee-saved doubles whole with fsd/fld', () => {
    const { mnemonics, plan } = insns('riscv32-ilp32d');
    expect(mnemonics.filter((l) => /^(sd|ld) /.test(l))).toEqual([]);
    for (const r of ['ra', 's0', 's11']) {
      expect(mnemonics).toEqual(expect.arrayContaining([expect.stringMatching(new RegExp(`^sw ${r}, \\d+\\(sp\\)$`)), expect.stringMatching(new RegExp(`^lw ${r}, \\d+\\(sp\\)$`))]));
    }
    expect(mnemonics.filter((l) => /^fsd fs\d+,/.test(l))).toHaveLength(12);
    expect(mnemonics.filter((l) => /^fld fs\d+,/.test(l))).toHaveLength(12);
    expect(mnemonics).toContain('sw sp, 0(a0)');
    expect(mnemonics).toContain('lw sp, 0(a1)');
    // frm goes through an XLEN register into its 4-byte slot; the C side reads it into a 32-bit integer
    expect(mnemonics.join('\n')).toMatch(/frrm (t\d)\nsw \1, 52\(sp\)/);
    expect(mnemonics.join('\n')).toMatch(/lw (t\d), 52\(sp\)\nfsrm \1/);
    expect(emitMakecontext(plan, loadedSpec('riscv32-ilp32d').source)).toContain('{ uint32_t v; __asm__ volatile("frrm %0" : "=r"(v)); frame->frm = v; }');
  });

  test('riscv64-lp64d keeps doubleword moves (no word-sized access in its switch)', () => {
    const { mnemonics, plan } = insns('riscv64-lp64d');
    expect(mnemonics.filter((l) => /^(sw|lw) /.test(l))).toEqual([]);
    expect(mnemonics).toContain('sd sp, 0(a0)');
    expect(emitMakecontext(plan, loadedSpec('riscv64-lp64d').source)).toContain('{ uint64_t v; __asm__ volatile("frrm %0" : "=r"(v)); frame->frm = v; }');
  });
});
