/* SPDX-License-Identifier: MIT
 * bcsc/barrier.h - a barrier: n tasks wait until all n have arrived, then
 * all go on together, and the barrier is ready for the next round.
 *
 * The arrivals are the waiting tasks' registrations, linked on the
 * barrier's waiter list: the barrier keeps no count of its own. So a task
 * that is cancelled, or woken by another branch of a select, before the
 * barrier trips withdraws its arrival by itself - bcsc unlinks its
 * registration, and it is no longer counted. The arrival that completes the
 * count trips the barrier: it wakes every waiter, starts the next round
 * (generation + 1) and is the round's leader.
 *
 * A round completes at once for everyone in it: a waiter woken by the trip
 * was counted, whatever happens to its task afterwards. */
#ifndef BCSC_BARRIER_H
#define BCSC_BARRIER_H

#include <stddef.h>
#include <stdint.h>

#include "bcsc/export.h"
#include "bcsc/types.h"
#include "bcsc/wait.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct bcsc_barrier bcsc_barrier_t;

/** bcsc's part of a barrier. PRIVATE - DO NOT TOUCH. */
struct bcsc_barrier_private {
  bcsc_waitq_t arrivals; /* one registration per waiting party */
  uint64_t generation;   /* rounds completed */
  uint32_t parties;
  uint32_t reserved32;
  uint16_t state;
  uint16_t magic;
  uint32_t self_tag; /* 0: the waiter list carries the move check */
  uintptr_t reserved[2];
};

/**
 * A barrier for a fixed number of parties.
 *
 * Caller-owned. It may move only while no task waits on it.
 */
struct bcsc_barrier {
  /* public */
  void *data; /**< The caller's; bcsc never reads it. */
  /* private */
  struct bcsc_barrier_private priv;
};

/** Static initialiser for @p parties (> 0) parties; same effect as
 *  bcsc_barrier_init(). */
#define BCSC_BARRIER_INITIALIZER(parties)                                      \
  {                                                                            \
    NULL, {                                                                    \
      BCSC_WAITQ_INITIALIZER, 0, (parties), 0, 0, 0x6ba7, 0, { 0, 0 }          \
    }                                                                          \
  }

/**
 * Prepare a barrier for @p parties tasks, generation 0.
 *
 * Writes the whole object; never reads it.
 * @retval 0            ready
 * @retval BCSC_EINVAL  @p barrier is NULL or @p parties is 0
 * @thread any  @allocates never  @since 0.1
 */
BCSC_API int bcsc_barrier_init(bcsc_barrier_t *barrier, uint32_t parties);

/**
 * Tear down a barrier. No task may be waiting on it. Afterwards its queries
 * answer as for a zero barrier (D89); its data field is left alone.
 * @retval 0             done
 * @retval BCSC_EINVAL   @p barrier is NULL
 * @retval BCSC_EBADOBJ  @p barrier is not initialised or is torn down,
 *                       or was moved
 * @retval BCSC_EBUSY    tasks are waiting (nothing changed)
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_barrier_deinit(bcsc_barrier_t *barrier);

/**
 * Arrive at @p barrier and wait for the other parties, from @p self's poll
 * function.
 *
 * If @p wait fired - the barrier tripped while @p self waited - the mark is
 * consumed and it returns 0 with *@p leader = 0, even if @p self has been
 * cancelled since: its arrival counted and the round is over (the others
 * have gone on). Otherwise a cancelled @p self gets BCSC_ECANCELED and does
 * not arrive. Otherwise, if @p self is the last party to arrive, the
 * barrier trips: every waiter is woken, the generation advances, and it
 * returns 0 with *@p leader = 1 - exactly one party of each round is the
 * leader. Otherwise @p wait is registered as @p self's arrival and it
 * returns BCSC_PENDING; call it again when woken.
 *
 * A waiter that is cancelled, or woken by another source of a select,
 * before the barrier trips is no longer counted (bcsc unlinks its
 * registration), and its next call arrives again. Called twice in one poll
 * with @p wait still linked, it returns BCSC_PENDING. Counting the arrivals
 * walks the waiter list: an arrival costs O(parties).
 * @param self    the task being polled.
 * @param barrier the barrier.
 * @param wait    an initialised registration (not a timer's), normally in
 *                @p self's frame: the arrival; meant for this barrier (a
 *                mark another list left on it is dropped unless its value
 *                is a round this barrier has reached, D94).
 * @param leader  NULL, or set to 1 for the arrival that tripped the
 *                barrier and 0 for the others, when it returns 0.
 * @retval 0               the round is complete
 * @retval BCSC_PENDING    arrived; return BCSC_PENDING from the poll
 * @retval BCSC_ECANCELED  @p self is cancelled (it has not arrived)
 * @retval BCSC_EINVAL     an argument is NULL
 * @retval BCSC_EBADOBJ    an argument is not initialised or is torn down,
 *                         or was moved
 * @retval BCSC_EPERM      @p self is not the task being polled
 * @retval BCSC_EBUSY      @p wait is linked for another task
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_barrier_wait(bcsc_task_t *self, bcsc_barrier_t *barrier,
                               bcsc_wait_t *wait, int *leader);

/**
 * How many parties are waiting at @p barrier now (0 for NULL). O(n).
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API uint32_t bcsc_barrier_arrived(const bcsc_barrier_t *barrier);

/**
 * How many rounds @p barrier has completed (0 for NULL).
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API uint64_t bcsc_barrier_generation(const bcsc_barrier_t *barrier);

/**
 * sizeof(bcsc_barrier_t) in the library as built.
 * @thread any  @allocates never  @since 0.1
 */
BCSC_API size_t bcsc_barrier_sizeof(void);

/**
 * alignof(bcsc_barrier_t) in the library as built.
 * @thread any  @allocates never  @since 0.1
 */
BCSC_API size_t bcsc_barrier_alignof(void);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* BCSC_BARRIER_H */
