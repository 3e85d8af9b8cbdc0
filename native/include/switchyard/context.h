/*
 * switchyard/context.h: the one header a C consumer includes for the
 * context switch. It selects the header generated for the target ABI from
 * codegen/spec/ (native/gen/context_abi.h). Each generated header defines
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

/* generated from the specs: one branch per ABI in codegen/spec/ */
#include "../../gen/context_abi.h"

#endif /* SWITCHYARD_CONTEXT_H */
