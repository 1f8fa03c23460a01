/* SPDX-License-Identifier: MIT
 * bcsc/reactor_posix.h - the default reactor on Linux and other POSIX
 * systems: CLOCK_MONOTONIC, and a park that sleeps in ppoll() (or poll())
 * on an eventfd (a pipe where there is no eventfd), which unpark writes to.
 *
 * unpark is async-signal-safe: a signal handler can set a flag and call it.
 * Tasks that must notice - a shutdown watcher woken by SIGINT - wait on the
 * reactor's unpark list, which park wakes every time it consumes an
 * unpark. */
#ifndef BCSC_REACTOR_POSIX_H
#define BCSC_REACTOR_POSIX_H

#include <stddef.h>
#include <stdint.h>

#include "bcsc/export.h"
#include "bcsc/reactor.h"
#include "bcsc/types.h"
#include "bcsc/wait.h"

#ifdef __cplusplus
extern "C" {
#endif

/** bcsc's part of a POSIX reactor. PRIVATE - DO NOT TOUCH. */
struct bcsc_posix_reactor_private {
  uint64_t spin_ns; /* busy-wait the last spin_ns before a deadline */
  uint64_t parks;
  uint64_t unparks_seen;
  bcsc_waitq_t unparked; /* woken when park consumes an unpark */
  int32_t wake_fd;       /* eventfd, or the read end of a pipe */
  int32_t wake_fd_write; /* same as wake_fd for an eventfd */
  uint32_t pending;      /* an unpark is pending (accessed atomically) */
  uint32_t magic;        /* set by _init, cleared by _deinit (D90) */
  uintptr_t reserved[2]; /* [0]: its address tag from _init to _deinit */
};

/** A POSIX reactor. Caller-owned; outlives its executor. Its operations
 *  refuse memory that is not an open one - never initialised, or
 *  deinitialised - with BCSC_EBADOBJ (NULL: BCSC_EINVAL), and the checked
 *  build reports it first (BCSC_MISUSE_BAD_OBJECT, BCSC_MISUSE_NULL_OBJECT),
 *  as for bcsc's own objects. It must not move after its init: a copy of
 *  an open one is refused the same way as moved (BCSC_MISUSE_MOVED), by
 *  park too - its wake fds are the original's (D99). */
typedef struct bcsc_posix_reactor {
  bcsc_reactor_t base; /**< Pass &r->base to bcsc_executor_config_t. */
  struct bcsc_posix_reactor_private priv;
} bcsc_posix_reactor_t;

/**
 * Open a POSIX reactor (creates its eventfd or pipe).
 * @retval 0              ready
 * @retval BCSC_EINVAL    @p r is NULL
 * @retval BCSC_ENOSPC    the OS refused a file descriptor
 * @thread any  @allocates never (one file descriptor)  @since 0.1
 */
BCSC_API int bcsc_posix_reactor_init(bcsc_posix_reactor_t *r);

/**
 * Close the reactor's file descriptors. Its executor must be torn down
 * first, and nothing may wait on its unpark list. Afterwards its queries answer
 * as for a zero reactor (D89); its base is left alone.
 * @retval 0             closed
 * @retval BCSC_EINVAL   @p r is NULL
 * @retval BCSC_EBADOBJ  @p r is not an open POSIX reactor (a second deinit
 *                       included), or is a copy of one
 * @retval BCSC_EBUSY    a task still waits on the unpark list (nothing is
 *                       closed; the checked build reports
 *                       BCSC_MISUSE_REACTOR_BUSY naming @p r first)
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_posix_reactor_deinit(bcsc_posix_reactor_t *r);

/**
 * Busy-wait the last @p ns nanoseconds before each deadline instead of
 * sleeping, for loops whose jitter must stay below the OS's timer slack
 * (tens of microseconds on Linux). 0 (the default) never spins.
 * @retval 0 or BCSC_EINVAL (@p r NULL) or BCSC_EBADOBJ (@p r not an open
 *         POSIX reactor, or a copy of one)
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_posix_reactor_set_spin(bcsc_posix_reactor_t *r, uint64_t ns);

/**
 * The list park wakes (bcsc_waitq_wake_all()) each time it consumes an
 * unpark: wait on it to react to a signal handler's unpark. NULL for NULL.
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API bcsc_waitq_t *bcsc_posix_reactor_unparked(bcsc_posix_reactor_t *r);

/**
 * How many times the executor has called park, its looks outside included
 * (a park with a deadline already past, every 64 turns while tasks keep
 * being ready, bcsc/reactor.h) (0 for NULL).
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API uint64_t bcsc_posix_reactor_parks(const bcsc_posix_reactor_t *r);

/**
 * sizeof(bcsc_posix_reactor_t) in the library as built.
 * @thread any  @allocates never  @since 0.1
 */
BCSC_API size_t bcsc_posix_reactor_sizeof(void);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* BCSC_REACTOR_POSIX_H */
