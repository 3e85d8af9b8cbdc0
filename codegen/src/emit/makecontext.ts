/**
 * context_make_<abi>.c: sy_context_make builds the frame a first switch
 * "restores": the entry function in the entry register, the trampoline as
 * the return address, a zero frame pointer (backtraces end there) and the
 * creating thread's FP control state, and (Win64) the thread-block fields
 * that describe the new stack. Also the abort reporter the trampoline calls
 * if an entry function returns.
 */
import type { SwitchPlan } from '../isa/isa-emitter';
import { emitterFor, generatedFileNames, provenance } from '../plan';
import { ENTRY_RETURNED, TRAMPOLINE } from './assembly';
import { fieldName } from './c-header';

export function emitMakecontext(plan: SwitchPlan, source: string): string {
  const { spec } = plan;
  const isa = emitterFor(spec);
  const names = generatedFileNames(spec);
  const threadFields = spec.frame.slots.filter((s): s is Extract<typeof s, { kind: 'thread-field' }> => s.kind === 'thread-field');
  const ra = spec.registers.returnAddress;
  // COFF has no symbol visibility (GCC warns that it ignores the attribute)
  const hidden = spec.objectFormat.kind === 'coff' ? [] : ['visibility("hidden")'];
  const attributes = (...extra: string[]) => ([...hidden, ...extra].length ? ` __attribute__((${[...hidden, ...extra].join(', ')}))` : '');
  const reserve = isa.newContextTopReserve?.(plan) ?? 0;
  /** where the return address and the frame go below */
  const under = reserve ? 'below_reserve' : 'top';
  const setReturnAddress =
    ra.in === 'stack'
      ? ['\t/* the trampoline is where the first switch "returns" to */', `\t*(uintptr_t *)(${under} - SY_RETURN_ADDRESS_BYTES_ON_STACK) = (uintptr_t)&${TRAMPOLINE};`]
      : [
          `\tuintptr_t ra = (uintptr_t)&${TRAMPOLINE}; /* where the first switch "returns" to */`,
          ...isa.prepareReturnAddressC(plan, 'ra', 'top').map((l) => `\t${l}`),
          `\tframe->${ra.register} = ra;`,
        ];
  return [
    '/*',
    ` * ${names.makecontext}: sy_context_make for ${spec.title}.`,
    ` * ${provenance(source)}`,
    ' */',
    '#include <stdint.h>',
    '#include <stdio.h>',
    '#include <stdlib.h>',
    '#include <string.h>',
    '',
    `#include "${names.header}"`,
    '',
    `/* In ${names.assembly}: calls the entry function kept in ${spec.entryRegister}. */`,
    `extern void ${TRAMPOLINE}(void)${attributes()};`,
    '',
    `void ${ENTRY_RETURNED}(void)${attributes('noreturn')};`,
    '',
    `/* Called by ${TRAMPOLINE} when an entry function returns: there is no caller to return to. */`,
    `void ${ENTRY_RETURNED}(void)`,
    '{',
    '\tfputs("switchyard: a coroutine entry function returned; it must switch away instead (sy_context_make)\\n", stderr);',
    '\tabort();',
    '}',
    '',
    'void sy_context_make(sy_context *ctx, void *stack_base, size_t stack_size, void (*entry)(void *value))',
    '{',
    '\t/* the trampoline runs with the stack pointer at the aligned top, as at a call site */',
    '\tuintptr_t top = ((uintptr_t)stack_base + stack_size) & ~(uintptr_t)(SY_STACK_ALIGNMENT - 1);',
    `\tif (stack_base == NULL || stack_size < sizeof(sy_frame) + SY_RETURN_ADDRESS_BYTES_ON_STACK + ${reserve ? `${reserve} + ` : ''}2 * SY_STACK_ALIGNMENT) {`,
    '\t\tfprintf(stderr, "switchyard: sy_context_make: a %zu-byte stack at %p cannot hold even the switch frame\\n", stack_size, stack_base);',
    '\t\tabort();',
    '\t}',
    ...(reserve
      ? [
          `\t/* the ${reserve} bytes under the top stay zero: ${isa.isa === 'x86_64' ? 'a null return address, where unwinding stops, and alignment' : 'an unwinder end marker'} */`,
          `\tuintptr_t below_reserve = top - ${reserve};`,
        ]
      : []),
    `\tsy_frame *frame = (sy_frame *)(${under} - SY_RETURN_ADDRESS_BYTES_ON_STACK - sizeof(sy_frame));`,
    '',
    '\tmemset(frame, 0, sizeof *frame); /* the zero frame pointer ends frame-pointer backtraces */',
    ...(reserve ? [`\tmemset((void *)below_reserve, 0, ${reserve});`] : []),
    `\tframe->${fieldName({ kind: 'general', register: spec.entryRegister, offset: 0 })} = (uintptr_t)entry;`,
    '\t/* a new context starts with its creator\'s FP environment */',
    ...spec.calleeSaved.control.map((c) => `\t${isa.captureControlC(c.register, `frame->${c.register}`)}`),
    ...threadFields.flatMap((t, i) => [
      ...(i === 0 ? ['\t/* the thread block describes the new stack while it runs (the switch swaps these in) */'] : []),
      `\tframe->${fieldName(t)} = ${{ 'stack-top': 'top', 'stack-base': '(uintptr_t)stack_base', 'all-ones': `(uint${t.bytes * 8}_t)-1` }[t.initial]}; /* ${t.name} */`,
    ]),
    ...setReturnAddress,
    '\tctx->sp = frame;',
    '}',
    '',
  ].join('\n');
}
