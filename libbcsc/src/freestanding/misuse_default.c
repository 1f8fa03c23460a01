/* SPDX-License-Identifier: MIT
 * freestanding/misuse_default.c - the default misuse handler without an OS:
 * stop at once, where a debugger sees the caller. Install a handler with
 * bcsc_set_misuse_handler() to log through the board's own channel. */
#include "../internal.h"

_Noreturn void bcsc__misuse_default(int32_t code, const char *message,
                                    const void *object) {
  (void)code;
  (void)message;
  (void)object;
  __builtin_trap();
}
