/* SPDX-License-Identifier: MIT
 * version.c - the library's version and the header/library ABI check. */
#include "internal.h"

/* The task header is one cache line on 64-bit targets (DESIGN §4): the
 * scheduling attributes live on scopes so that this never has to grow. */
_Static_assert(sizeof(void *) != 8 || sizeof(bcsc_task_t) == 64,
               "bcsc_task_t must stay 64 bytes on 64-bit targets");
_Static_assert(offsetof(bcsc_task_t, data) == 0 &&
                   offsetof(bcsc_wait_t, data) == 0 &&
                   offsetof(bcsc_waitq_t, data) == 0 &&
                   offsetof(bcsc_scope_t, data) == 0 &&
                   offsetof(bcsc_executor_t, data) == 0 &&
                   offsetof(bcsc_pool_t, data) == 0,
               "the user's data pointer comes first in every object");

uint32_t bcsc_version(void) { return BCSC_VERSION_HEX; }

const char *bcsc_version_string(void) { return BCSC_VERSION_STRING; }

int bcsc_abi_check(uint32_t abi_version, size_t task_size, size_t scope_size,
                   size_t wait_size, size_t waitq_size, size_t executor_size,
                   size_t pool_size) {
  if (abi_version != BCSC_ABI_VERSION || task_size != sizeof(bcsc_task_t) ||
      scope_size != sizeof(bcsc_scope_t) || wait_size != sizeof(bcsc_wait_t) ||
      waitq_size != sizeof(bcsc_waitq_t) ||
      executor_size != sizeof(bcsc_executor_t) ||
      pool_size != sizeof(bcsc_pool_t))
    return BCSC_EABI;
  return 0;
}
