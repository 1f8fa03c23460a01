/* SPDX-License-Identifier: MIT
 * hosted/misuse_default.c - the default misuse handler on a hosted system:
 * one line on stderr naming the misuse and the object, then abort(). */
#include <stdio.h>
#include <stdlib.h>

#include "../internal.h"

#ifdef BCSC_COVERAGE_BUILD
/* gcov's: write the counters now. abort() skips the exit handler that
 * writes them, and a death test that ends here runs in a child process
 * whose counts would be lost. Weak: a build without --coverage has none. */
void __gcov_dump(void) __attribute__((weak));
#endif

_Noreturn void bcsc__misuse_default(int32_t code, const char *message,
                                    const void *object) {
  fprintf(stderr, "bcsc: misuse %s: %s (object %p)\n", bcsc_misuse_name(code),
          message, object);
  fflush(stderr);
#ifdef BCSC_COVERAGE_BUILD
  if (__gcov_dump != NULL)
    __gcov_dump();
#endif
  abort();
}
