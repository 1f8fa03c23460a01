/* SPDX-License-Identifier: MIT
 * bcsc/abi.h - checking at run time that header and library agree.
 *
 * Task frames, scopes and registrations are allocated by the caller, so a
 * program compiled against one header and run against a library with other
 * layouts would corrupt memory. Every program and binding checks once, at
 * start-up, with BCSC_ABI_CHECK() or bcsc_abi_check(). */
#ifndef BCSC_ABI_H
#define BCSC_ABI_H

#include <stddef.h>
#include <stdint.h>

#include "bcsc/executor.h"
#include "bcsc/export.h"
#include "bcsc/pool.h"
#include "bcsc/scope.h"
#include "bcsc/task.h"
#include "bcsc/version.h"
#include "bcsc/wait.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Compare the caller's ABI version and struct sizes with the library's.
 *
 * @retval 0          they agree
 * @retval BCSC_EABI  any of them differs
 * @thread any  @allocates never  @since 0.1
 */
BCSC_API int bcsc_abi_check(uint32_t abi_version, size_t task_size,
                            size_t scope_size, size_t wait_size,
                            size_t waitq_size, size_t executor_size,
                            size_t pool_size);

/** bcsc_abi_check() with this header's version and sizes. */
#define BCSC_ABI_CHECK()                                                       \
  bcsc_abi_check(BCSC_ABI_VERSION, sizeof(bcsc_task_t), sizeof(bcsc_scope_t),  \
                 sizeof(bcsc_wait_t), sizeof(bcsc_waitq_t),                    \
                 sizeof(bcsc_executor_t), sizeof(bcsc_pool_t))

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* BCSC_ABI_H */
