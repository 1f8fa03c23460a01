/* SPDX-License-Identifier: MIT
 * misuse.c - the misuse table and the process-wide handler. */
#include <stdatomic.h>

#include "internal.h"

/* The library's only process-wide state: written once at start-up by
 * bcsc_set_misuse_handler(), read on the (rare) misuse path. Atomics keep a
 * report on another thread from reading a torn pointer; a report racing a
 * change of handler may see either handler with either context, which is
 * why the header asks for the handler to be set before threads start. */
static struct {
  _Atomic(bcsc_misuse_fn) fn;
  _Atomic(void *) ctx;
} bcsc__misuse_state;

#define BCSC__MISUSE_NAME_CASE(name, value, message)                           \
  case value:                                                                  \
    return "BCSC_MISUSE_" #name;
#define BCSC__MISUSE_MESSAGE_CASE(name, value, message)                        \
  case value:                                                                  \
    return message;

const char *bcsc_misuse_name(int32_t code) {
  switch (code) {
    BCSC_MISUSE_TABLE(BCSC__MISUSE_NAME_CASE)
  default:
    return "BCSC_MISUSE_?";
  }
}

const char *bcsc_misuse_message(int32_t code) {
  switch (code) {
    BCSC_MISUSE_TABLE(BCSC__MISUSE_MESSAGE_CASE)
  default:
    return "unknown misuse";
  }
}

void bcsc_set_misuse_handler(bcsc_misuse_fn fn, void *ctx) {
  atomic_store_explicit(&bcsc__misuse_state.ctx, ctx, memory_order_relaxed);
  atomic_store_explicit(&bcsc__misuse_state.fn, fn, memory_order_release);
}

int bcsc_is_checked_build(void) { return BCSC__CHECKED; }

void bcsc__misuse(int32_t code, const void *object) {
  bcsc_misuse_fn fn =
      atomic_load_explicit(&bcsc__misuse_state.fn, memory_order_acquire);
  const char *message = bcsc_misuse_message(code);
  if (fn == NULL)
    bcsc__misuse_default(code, message, object); /* does not return */
  fn(atomic_load_explicit(&bcsc__misuse_state.ctx, memory_order_relaxed), code,
     message, object);
}
