/* SPDX-License-Identifier: MIT
 * bcsc/reactor_sim.h - virtual time: a reactor whose clock only moves when
 * the executor parks.
 *
 * park(deadline) does not block: it sets the clock to the deadline and
 * returns, so an executor runs its task graph as fast as the CPU allows and
 * a simulated hour takes as long as the work in it. Nothing else moves the
 * clock (except bcsc_sim_reactor_advance()), so a run is reproducible bit
 * for bit. No OS, no libc: it builds freestanding with the core. */
#ifndef BCSC_REACTOR_SIM_H
#define BCSC_REACTOR_SIM_H

#include <stddef.h>
#include <stdint.h>

#include "bcsc/export.h"
#include "bcsc/reactor.h"
#include "bcsc/types.h"

#ifdef __cplusplus
extern "C" {
#endif

/** bcsc's part of a simulated-time reactor. PRIVATE - DO NOT TOUCH. */
struct bcsc_sim_reactor_private {
  uint64_t now;
  uint64_t parks;
  uint32_t unparked; /* an unpark is pending (accessed atomically) */
  uint32_t magic;    /* set by _init (D90); there is no _deinit */
  uintptr_t reserved[2];
};

/** A simulated-time reactor. Caller-owned; outlives its executor.
 *  Its operations refuse memory that is not one (BCSC_EBADOBJ; NULL:
 *  BCSC_EINVAL), and the checked build reports it first
 *  (BCSC_MISUSE_BAD_OBJECT, BCSC_MISUSE_NULL_OBJECT), as for bcsc's own
 *  objects. */
typedef struct bcsc_sim_reactor {
  bcsc_reactor_t base; /**< Pass &r->base to bcsc_executor_config_t. */
  struct bcsc_sim_reactor_private priv;
} bcsc_sim_reactor_t;

/**
 * Prepare a simulated clock reading @p start nanoseconds.
 * @retval 0            ready
 * @retval BCSC_EINVAL  @p r is NULL
 * @thread any  @allocates never  @since 0.1
 */
BCSC_API int bcsc_sim_reactor_init(bcsc_sim_reactor_t *r, uint64_t start);

/**
 * Move the clock forward by @p ns (saturating). Due timers fire the next
 * time the executor looks (at the latest when it runs out of ready tasks).
 * @retval 0            done
 * @retval BCSC_EINVAL  @p r is NULL
 * @retval BCSC_EBADOBJ @p r is not an initialised sim reactor
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_sim_reactor_advance(bcsc_sim_reactor_t *r, uint64_t ns);

/**
 * The simulated time (0 for NULL).
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API uint64_t bcsc_sim_reactor_now(const bcsc_sim_reactor_t *r);

/**
 * How many of the executor's calls of park did not end on a pending
 * unpark: one per deadline reached, plus the run loop's looks outside (a
 * park with a deadline already past, every 64 turns while tasks keep being
 * ready, bcsc/reactor.h), which leave the clock where it is. A park with no
 * deadline (BCSC_EDEADLK) is not counted either. 0 for NULL.
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API uint64_t bcsc_sim_reactor_parks(const bcsc_sim_reactor_t *r);

/**
 * sizeof(bcsc_sim_reactor_t) in the library as built.
 * @thread any  @allocates never  @since 0.1
 */
BCSC_API size_t bcsc_sim_reactor_sizeof(void);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* BCSC_REACTOR_SIM_H */
