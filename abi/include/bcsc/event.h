/* SPDX-License-Identifier: MIT
 * bcsc/event.h - a flag tasks wait on: set / reset, level- and
 * edge-triggered waits, and pulses.
 *
 * An event is set or clear. A level-triggered wait completes while it is
 * set (or when it is set or pulsed while the task waits); an edge-triggered
 * wait completes only on a set or pulse that comes after the wait began.
 * Every set and pulse wakes every waiter, so a waiter that is cancelled, or
 * woken by another branch of a select, takes nothing from the others. */
#ifndef BCSC_EVENT_H
#define BCSC_EVENT_H

#include <stddef.h>
#include <stdint.h>

#include "bcsc/export.h"
#include "bcsc/types.h"
#include "bcsc/wait.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct bcsc_event bcsc_event_t;

/** What a registration woken by an event holds in its value field: the
 *  event was set, or pulsed. */
#define BCSC_EVENT_WOKEN_SET 1
#define BCSC_EVENT_WOKEN_PULSE 2

/** bcsc's part of an event. PRIVATE - DO NOT TOUCH. */
struct bcsc_event_private {
  bcsc_waitq_t waiters;
  uint16_t state; /* 1 while set */
  uint16_t magic;
  uint32_t reserved32;
  uintptr_t reserved[1];
};

/**
 * An event: a flag with a waiter list.
 *
 * Caller-owned; must stay in place from init (or its static initialiser)
 * until bcsc_event_deinit(), at least while tasks wait on it.
 */
struct bcsc_event {
  /* public */
  void *data; /**< The caller's; bcsc never reads it. */
  /* private */
  struct bcsc_event_private priv;
};

/** Static initialiser: a clear event; same effect as bcsc_event_init(). */
#define BCSC_EVENT_INITIALIZER                                                 \
  {                                                                            \
    NULL, {                                                                    \
      BCSC_WAITQ_INITIALIZER, 0, 0xe7e0, 0, { 0 }                              \
    }                                                                          \
  }

/**
 * Prepare a clear event.
 * @retval 0            ready
 * @retval BCSC_EINVAL  @p ev is NULL
 * @thread any  @allocates never  @since 0.1
 */
BCSC_API int bcsc_event_init(bcsc_event_t *ev);

/**
 * Tear down @p ev. No task may be waiting on it. Afterwards its queries answer
 * as for a zero event (D89); its data field is left alone.
 * @retval 0             done; the event may be reused or initialised again
 * @retval BCSC_EINVAL   @p ev is NULL
 * @retval BCSC_EBADOBJ  @p ev is not initialised
 * @retval BCSC_EBUSY    a task is waiting on it (nothing is changed)
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_event_deinit(bcsc_event_t *ev);

/**
 * Set @p ev and wake every waiter (level- and edge-triggered), also when it
 * was already set. Their registrations hold BCSC_EVENT_WOKEN_SET.
 * @return the number of tasks woken (0 or more)
 * @retval BCSC_EINVAL   @p ev is NULL
 * @retval BCSC_EBADOBJ  @p ev is not initialised, or was moved
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_event_set(bcsc_event_t *ev);

/**
 * Clear @p ev. Wakes nobody; tasks already woken by a set still complete
 * their wait.
 * @retval 0             cleared
 * @retval BCSC_EINVAL   @p ev is NULL
 * @retval BCSC_EBADOBJ  @p ev is not initialised, or was moved
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_event_reset(bcsc_event_t *ev);

/**
 * Wake every task waiting on @p ev now, without changing whether it is set.
 * Their waits complete; later waits are not affected. Their registrations
 * hold BCSC_EVENT_WOKEN_PULSE.
 * @return the number of tasks woken (0 or more)
 * @retval BCSC_EINVAL   @p ev is NULL
 * @retval BCSC_EBADOBJ  @p ev is not initialised, or was moved
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_event_pulse(bcsc_event_t *ev);

/**
 * Whether @p ev is set (1) or clear (0, also for NULL).
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_event_is_set(const bcsc_event_t *ev);

/**
 * Level-triggered wait, from @p self's poll function: returns 0 at once if
 * @p ev is set, else registers @p wait and returns BCSC_PENDING.
 *
 * Call it again when woken: it returns 0 if @p wait was fired by a set or a
 * pulse (even if the event was reset meanwhile), consuming the mark. It may
 * be one branch of a select (see bcsc_wait_on()).
 * @param wait  a registration in @p self's frame, meant for this event (a
 *              mark another list left on it, with a value that is neither
 *              BCSC_EVENT_WOKEN_SET nor _PULSE, does not count, D94).
 * @retval 0               the event is set, or was set or pulsed while waiting
 * @retval BCSC_PENDING    registered; return BCSC_PENDING
 * @retval BCSC_ECANCELED  @p self is cancelled (nothing is linked)
 * @retval BCSC_EINVAL     a pointer is NULL
 * @retval BCSC_EBADOBJ    an object is not initialised, or was moved
 * @retval BCSC_EPERM      @p self is not the task being polled
 * @retval BCSC_EBUSY      @p wait is linked for another task
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_event_wait(bcsc_task_t *self, bcsc_event_t *ev,
                             bcsc_wait_t *wait);

/**
 * Edge-triggered wait, from @p self's poll function: waits for the next
 * set or pulse after the call, whether or not @p ev is set now.
 *
 * The first call always registers @p wait and returns BCSC_PENDING; the
 * call after @p wait has fired returns 0 and consumes the mark. If the task
 * was woken by something else (a select), the next call registers again: a
 * new wait for the next edge.
 * @param wait  a registration in @p self's frame, meant for this event (a
 *              mark another list left on it, with a value that is neither
 *              BCSC_EVENT_WOKEN_SET nor _PULSE, does not count, D94).
 * @retval 0               a set or pulse came since the wait began
 * @retval BCSC_PENDING    registered; return BCSC_PENDING
 * @retval (other)         the errors of bcsc_event_wait()
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_event_wait_edge(bcsc_task_t *self, bcsc_event_t *ev,
                                  bcsc_wait_t *wait);

/**
 * sizeof(bcsc_event_t) in the library as built.
 * @thread any  @allocates never  @since 0.1
 */
BCSC_API size_t bcsc_event_sizeof(void);

/**
 * alignof(bcsc_event_t) in the library as built.
 * @thread any  @allocates never  @since 0.1
 */
BCSC_API size_t bcsc_event_alignof(void);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* BCSC_EVENT_H */
