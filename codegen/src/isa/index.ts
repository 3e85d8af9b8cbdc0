/** The ISA emitters that exist; a new architecture registers its emitter here. */
import type { Isa } from '../../spec/schema';
import { aarch64 } from './aarch64';
import { arm } from './arm';
import { i386 } from './i386';
import type { IsaEmitter } from './isa-emitter';
import { mips64el } from './mips64el';
import { ppc64le } from './ppc64le';
import { riscv32, riscv64 } from './riscv';
import { s390x } from './s390x';
import { x86_64 } from './x86_64';

export const ISA_EMITTERS: Partial<Record<Isa, IsaEmitter>> = { x86_64, aarch64, riscv64, riscv32, ppc64le, s390x, i386, mips64el, arm };
