/**
 * context_<abi>.h: sy_context, the frame struct, offset macros, the two
 * contract functions, and static asserts that tie the macros (which match
 * the assembly's offsets) to the struct the C compiler lays out.
 */
import type { FrameSlot, Isa } from '../../spec/schema';
import type { SwitchPlan } from '../isa/isa-emitter';
import { abiStem, generatedFileNames, provenance } from '../plan';
import { returnAddressBytesOnStack } from '../validate';

export function fieldName(slot: FrameSlot<Isa>): string {
  switch (slot.kind) {
    case 'padding':
      return `padding_${slot.offset}`;
    case 'thread-field':
      return `thread_${slot.name.replace(/\W+/g, '_').toLowerCase()}`;
    default:
      return slot.register;
  }
}

export function offsetMacro(slot: FrameSlot<Isa>): string {
  return `SY_FRAME_OFFSET_${fieldName(slot).toUpperCase()}`;
}

/**
 * 16-byte slots are declared 16-aligned when the frame's size allows it; a
 * frame whose size is 8 mod 16 (Win64: the return address above it makes
 * up the difference) cannot be a 16-aligned struct, so its vector slots are
 * plain byte arrays (the offset asserts still pin them).
 */
function fieldDeclaration(slot: FrameSlot<Isa>, pointerBytes: number, frameSize: number): string {
  const name = fieldName(slot);
  const bytes = slot.kind === 'general' ? pointerBytes : slot.bytes;
  if (slot.kind === 'padding') return `uint8_t ${name}[${bytes}];`;
  if (bytes === 16) return frameSize % 16 === 0 ? `uint8_t ${name}[16] __attribute__((aligned(16)));` : `uint8_t ${name}[16];`;
  return `uint${bytes * 8}_t ${name};`;
}

export function emitCHeader(plan: SwitchPlan, source: string): string {
  const { spec } = plan;
  const guard = `SWITCHYARD_GEN_CONTEXT_${abiStem(spec).toUpperCase()}_H`;
  const slots = spec.frame.slots.slice().sort((a, b) => a.offset - b.offset);
  const width = Math.max(...slots.map((s) => offsetMacro(s).length)) + 1;
  return [
    '/*',
    ` * ${generatedFileNames(spec).header}: the context layout for ${spec.title}.`,
    ` * ${provenance(source)}`,
    ' *',
    ' * Include <switchyard/context.h> rather than this file: it picks the header',
    ' * for the target being compiled.',
    ' */',
    `#ifndef ${guard}`,
    `#define ${guard}`,
    '',
    '#include <stddef.h>',
    '#include <stdint.h>',
    '',
    '#ifdef __cplusplus',
    'extern "C" {',
    '#endif',
    '',
    `#define SY_CONTEXT_ABI "${spec.id}"`,
    `#define SY_STACK_ALIGNMENT ${spec.stack.alignment}`,
    '/* bytes the return address takes above the frame (0: it is saved in the frame) */',
    `#define SY_RETURN_ADDRESS_BYTES_ON_STACK ${returnAddressBytesOnStack(spec)}`,
    `#define SY_FRAME_SIZE ${spec.frame.size}`,
    ...slots.map((s) => `#define ${offsetMacro(s).padEnd(width)}${s.offset}`),
    '',
    '/* A suspended context is its stack pointer; its registers are in the frame there. */',
    'typedef struct sy_context {',
    '\tvoid *sp;',
    '} sy_context;',
    '',
    '/* The frame sy_switch leaves at sy_context.sp, lowest address first. */',
    'typedef struct sy_frame {',
    ...slots.map((s) => `\t${fieldDeclaration(s, spec.pointerBytes, spec.frame.size)}`),
    '} sy_frame;',
    '',
    '/* Save the caller\'s callee-saved state into *from, resume *to and hand it value. */',
    'void *sy_switch(sy_context *from, sy_context *to, void *value);',
    '',
    '/* Prepare *ctx so that the first sy_switch into it calls entry(value) on',
    ' * [stack_base, stack_base + stack_size); entry must never return. */',
    'void sy_context_make(sy_context *ctx, void *stack_base, size_t stack_size, void (*entry)(void *value));',
    '',
    '#ifdef __cplusplus',
    '}',
    '#define SY_LAYOUT_ASSERT(cond, why) static_assert(cond, why)',
    '#else',
    '#define SY_LAYOUT_ASSERT(cond, why) _Static_assert(cond, why)',
    '#endif',
    '',
    '/* The assembly uses these numbers; the compiler must agree with them. */',
    'SY_LAYOUT_ASSERT(offsetof(sy_context, sp) == 0, "sy_switch reads and writes the stack pointer at offset 0");',
    'SY_LAYOUT_ASSERT(sizeof(sy_frame) == SY_FRAME_SIZE, "frame size differs from the spec");',
    ...slots.map((s) => `SY_LAYOUT_ASSERT(offsetof(sy_frame, ${fieldName(s)}) == ${offsetMacro(s)}, "${fieldName(s)} is not where the spec puts it");`),
    '',
    `#endif /* ${guard} */`,
    '',
  ].join('\n');
}
