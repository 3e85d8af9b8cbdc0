/**
 * context_make_<abi>.c: sy_context_make builds the frame a first switch
 * "restores": the entry function in the entry register, the trampoline as
 * the return address, a zero frame pointer (backtraces end there) and the
 * creating thread's FP control state. Also the abort reporter the
 * trampoline calls if an entry function returns.
 */
import type { SwitchPlan } from '../isa/isa-emitter';
import { emitterFor, generatedFileNames, provenance } from '../plan';
import { ENTRY_RETURNED, TRAMPOLINE } from './assembly';
import { fieldName } from './c-header';

export function emitMakecontext(plan: SwitchPlan, source: string): string {
  const { spec } = plan;
  const isa = emitterFor(spec);
  const names = generatedFileNames(spec);
  const ra = spec.registers.returnAddress;
  const setReturnAddress =
    ra.in === 'stack'
      ? ['\t/* the trampoline is where the first switch "returns" to */', `\t*(uintptr_t *)(top - SY_RETURN_ADDRESS_BYTES_ON_STACK) = (uintptr_t)&${TRAMPOLINE};`]
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
    `extern void ${TRAMPOLINE}(void) __attribute__((visibility("hidden")));`,
    '',
    `void ${ENTRY_RETURNED}(void) __attribute__((visibility("hidden"), noreturn));`,
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
    '\tif (stack_base == NULL || stack_size < sizeof(sy_frame) + SY_RETURN_ADDRESS_BYTES_ON_STACK + 2 * SY_STACK_ALIGNMENT) {',
    '\t\tfprintf(stderr, "switchyard: sy_context_make: a %zu-byte stack at %p cannot hold even the switch frame\\n", stack_size, stack_base);',
    '\t\tabort();',
    '\t}',
    '\tsy_frame *frame = (sy_frame *)(top - SY_RETURN_ADDRESS_BYTES_ON_STACK - sizeof(sy_frame));',
    '',
    '\tmemset(frame, 0, sizeof *frame); /* the zero frame pointer ends frame-pointer backtraces */',
    `\tframe->${fieldName({ kind: 'general', register: spec.entryRegister, offset: 0 })} = (uintptr_t)entry;`,
    '\t/* a new context starts with its creator\'s FP environment */',
    ...spec.calleeSaved.control.map((c) => `\t${isa.captureControlC(c.register, `frame->${c.register}`)}`),
    ...setReturnAddress,
    '\tctx->sp = frame;',
    '}',
    '',
  ].join('\n');
}
