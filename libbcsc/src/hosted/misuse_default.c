/* SPDX-License-Identifier: MIT
 * hosted/misuse_default.c - the default misuse handler on a hosted system:
 * one line on stderr naming the misuse and the object, then abort(). */
#include <stdio.h>
#include <stdlib.h>

#include "../internal.h"

void bcsc__misuse_default(int32_t code, const char *message,
                          const void *object) {
  fprintf(stderr, "bcsc: misuse %s: %s (object %p)\n", bcsc_misuse_name(code),
          message, object);
  fflush(stderr);
  abort();
}
