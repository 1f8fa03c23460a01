/* SPDX-License-Identifier: MIT
 * freestanding/thread.c - without an OS there are no threads to pin: each
 * core runs its own executor from its own reset vector or task. */
#include "../internal.h"

/* No threads known: the wrong-thread check is off. */
uintptr_t bcsc__thread_self(void) { return 0; }

int bcsc_executor_pin(bcsc_executor_t *ex, uint32_t cpu) {
  int rc = bcsc__check_executor(ex);
  (void)cpu;
  if (rc != 0)
    return rc;
  return BCSC_ENOTSUP;
}
