/*
 * switchyard/context.h: the one header a C consumer includes for the
 * context switch. It selects the header generated for the target ABI from
 * codegen/spec/ (see native/gen/). Each generated header defines
 * `sy_context` and declares the two functions of the switch contract:
 *
 *   void *sy_switch(sy_context *from, sy_context *to, void *value);
 *       Saves the caller's callee-saved state into *from, resumes *to and
 *       hands it `value`; returns, in the resumed context, the value that
 *       the switch into it carried.
 *
 *   void sy_context_make(sy_context *ctx, void *stack_base, size_t stack_size,
 *                        void (*entry)(void *value));
 *       Prepares *ctx so that the first sy_switch into it calls
 *       entry(value) on the stack [stack_base, stack_base + stack_size).
 *       entry must never return: returning aborts with a message.
 */
#ifndef SWITCHYARD_CONTEXT_H
#define SWITCHYARD_CONTEXT_H

#if defined(__x86_64__) && !defined(_WIN32)
#include "../../gen/context_x86_64_sysv.h"
#elif defined(__aarch64__) && defined(__APPLE__)
#include "../../gen/context_aarch64_apple.h"
#elif defined(__aarch64__) && defined(__ELF__)
#include "../../gen/context_aarch64_aapcs64.h"
#elif defined(__riscv) && __riscv_xlen == 64 && defined(__riscv_float_abi_double)
#include "../../gen/context_riscv64_lp64d.h"
#else
#error "switchyard: no generated context switcher for this target; add a spec in codegen/spec/ (see README)"
#endif

#endif /* SWITCHYARD_CONTEXT_H */
