import { defineAbi } from './schema';
import aapcs64 from './aarch64-aapcs64';

/**
 * Apple arm64 (macOS, iOS; Mach-O): AAPCS64 with Apple's changes that matter
 * here: x18 is reserved by the platform and never touched, symbols carry a
 * leading underscore, and there is no GNU property note (plain arm64 has no
 * BTI; arm64e pointer authentication is a different ABI).
 */
export default defineAbi({
  ...aapcs64,
  id: 'aarch64-apple',
  title: 'AArch64 Apple arm64 (Mach-O)',
  references: [
    ...aapcs64.references.slice(0, 2),
    'Apple, "Writing ARM64 code for Apple platforms": x18 reserved, frame pointer always valid',
  ],
  objectFormat: { kind: 'macho', symbolPrefix: '_' },
  cTargetCondition: 'defined(__aarch64__) && defined(__APPLE__)',
  registers: { ...aapcs64.registers, reserved: ['x18'] },
  hardening: [],
});
