/* SPDX-License-Identifier: MIT
 * bcsc/timer.h - time: timers, sleeps and drift-free periodic ticks.
 *
 * Time is uint64_t nanoseconds of the executor's reactor clock (see
 * bcsc/reactor.h); an executor without a reactor has no clock, and its
 * timers fail with BCSC_ENOTSUP. A timer lives in the waiting task's frame.
 * Waiting on it links it into the executor's timing wheel as one of the
 * task's registrations: like any registration it is unlinked in O(1) when
 * the task is woken by something else, cancelled or completes, so the wheel
 * never holds a timer whose frame has ended. The deadline stays in the
 * timer; the next wait links it again.
 *
 * Periodic timers are drift-free: each deadline is the previous deadline
 * plus the period, never "now plus the period". When a task comes late -
 * later deadlines have already passed when it takes a tick - the timer's
 * missed-tick policy decides what happens to them. */
#ifndef BCSC_TIMER_H
#define BCSC_TIMER_H

#include <stddef.h>
#include <stdint.h>

#include "bcsc/export.h"
#include "bcsc/types.h"
#include "bcsc/wait.h"

#ifdef __cplusplus
extern "C" {
#endif

/** "Never": no deadline. Every real deadline is smaller. */
#define BCSC_NO_DEADLINE UINT64_MAX

/** Nanoseconds in a microsecond, millisecond and second, for readability. */
#define BCSC_USEC UINT64_C(1000)
#define BCSC_MSEC UINT64_C(1000000)
#define BCSC_SEC UINT64_C(1000000000)

/** What a periodic timer does with the ticks a late task missed. */
enum bcsc_tick_policy {
  /** Deliver every tick: the missed ones come at once, one per wait, until
   *  the timer has caught up; the grid is kept. */
  BCSC_TICK_BURST = 0,
  /** Drop the missed ticks: the next deadline is the first grid point after
   *  now; the grid is kept. The usual choice for a control loop. */
  BCSC_TICK_SKIP = 1,
  /** Drop the missed ticks and restart the grid: the next deadline is now
   *  plus the period. */
  BCSC_TICK_DELAY = 2
};

/** A node in an executor's timing wheel. PRIVATE - DO NOT TOUCH. Shared by
 *  timers and by scope deadlines. */
struct bcsc_timer_link {
  struct bcsc_timer_link *next; /* the wheel slot's circular list */
  struct bcsc_timer_link *prev;
  uint64_t deadline; /* ns; BCSC_NO_DEADLINE when unset */
  uint16_t slot;     /* level * 64 + index while linked */
  uint16_t kind;     /* what owns the link: a timer or a scope */
  uint32_t linked;   /* 1 while in a wheel */
};

/** bcsc's part of a timer. PRIVATE - DO NOT TOUCH. */
struct bcsc_timer_private {
  bcsc_wait_t wait;            /* the registration in the task's list */
  struct bcsc_timer_link link; /* wheel link and the current deadline */
  uint64_t period;             /* 0: one-shot */
  uint64_t missed_total;
  uint32_t missed; /* later deadlines already past at the last tick taken */
  uint16_t policy;
  uint16_t state;
  uintptr_t reserved[1];
};

/**
 * A timer: one-shot or periodic.
 *
 * Caller-owned, normally in the waiting task's frame. It may move or be
 * reused whenever no wait on it is pending (bcsc_timer_linked() is 0); a
 * task that completes or is cancelled unlinks its timers itself.
 */
struct bcsc_timer {
  /* public */
  void *data; /**< The caller's; bcsc never reads it. */
  /* private */
  struct bcsc_timer_private priv;
};

/** Static initialiser; same effect as bcsc_timer_init(). */
#define BCSC_TIMER_INITIALIZER                                                 \
  {                                                                            \
    NULL, {                                                                    \
      {NULL, 0, {{NULL, NULL}, NULL, NULL, NULL, 0, 0x3a18, 0}},               \
          {NULL, NULL, UINT64_MAX, 0, 1, 0}, 0, 0, 0, 0, 0, {                  \
        0                                                                      \
      }                                                                        \
    }                                                                          \
  }

/**
 * Prepare a timer: no deadline, not linked.
 *
 * Overwrites the whole timer; never call it while a wait on it is pending.
 * @retval 0            ready
 * @retval BCSC_EINVAL  @p timer is NULL
 * @thread any  @allocates never  @since 0.1
 */
BCSC_API int bcsc_timer_init(bcsc_timer_t *timer);

/**
 * Give @p timer a one-shot absolute deadline (BCSC_NO_DEADLINE disarms it).
 *
 * Replaces any previous deadline or period. A wait already pending on the
 * timer is unlinked first, and its task is not woken: call this from the
 * waiting task itself, then wait again. A fire not yet taken is dropped.
 * @retval 0             set
 * @retval BCSC_EINVAL   @p timer is NULL
 * @retval BCSC_EBADOBJ  @p timer is not initialised
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_timer_set(bcsc_timer_t *timer, uint64_t deadline);

/**
 * Make @p timer periodic: ticks at @p first, @p first + @p period, ...
 *
 * Each tick is taken by one bcsc_timer_wait() that returns 0. Deadlines are
 * computed from the previous deadline, so the timer never drifts; @p policy
 * (a bcsc_tick_policy) says what happens to ticks a late task missed. As
 * bcsc_timer_set(), a pending wait is unlinked first.
 * @retval 0             set
 * @retval BCSC_EINVAL   @p timer is NULL, @p period is 0 or @p policy is
 *                       unknown
 * @retval BCSC_EBADOBJ  @p timer is not initialised
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_timer_set_periodic(bcsc_timer_t *timer, uint64_t first,
                                     uint64_t period, uint32_t policy);

/**
 * Wait until @p timer's deadline, from @p self's poll function.
 *
 * If the timer fired while a wait was pending, or its deadline has passed,
 * it takes the tick and returns 0: a one-shot timer is disarmed, a periodic
 * one moves to its next deadline (applying its policy if later deadlines
 * have passed too; see bcsc_timer_missed()). A cancelled @p self gets
 * BCSC_ECANCELED instead, unless the timer had fired already: that tick it
 * still takes. Otherwise it links the timer as one of @p self's registrations
 * and returns BCSC_PENDING; call it again when woken. Like bcsc_wait_on() it
 * may be combined with other registrations (select): whichever fires first wins
 * and the timer keeps its deadline for the next wait.
 * @retval 0               the deadline has passed; the tick is taken
 * @retval BCSC_PENDING    linked; return BCSC_PENDING
 * @retval BCSC_ECANCELED  @p self has been cancelled (nothing is linked)
 * @retval BCSC_ESTATE     @p timer has no deadline
 * @retval BCSC_ENOTSUP    @p self's executor has no reactor (no clock)
 * @retval BCSC_EINVAL     an argument is NULL
 * @retval BCSC_EBADOBJ    an argument is not initialised, or was moved
 * @retval BCSC_EPERM      @p self is not the task being polled
 * @retval BCSC_EBUSY      @p timer is linked for another task
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_timer_wait(bcsc_task_t *self, bcsc_timer_t *timer);

/**
 * Sleep until the absolute time @p deadline: bcsc_timer_set() (unless the
 * timer already has that deadline) and bcsc_timer_wait(). Call it again with
 * the same arguments each time the task is polled until it returns 0.
 * @retval as bcsc_timer_wait()
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_sleep_until(bcsc_task_t *self, bcsc_timer_t *timer,
                              uint64_t deadline);

/**
 * Sleep for @p duration nanoseconds. A call on a disarmed timer (no
 * deadline, no fire to take) sets the deadline to now plus @p duration;
 * every call while the timer has a deadline keeps it (so a task woken early
 * does not restart its sleep) - also one given before by bcsc_timer_set()
 * or bcsc_timer_set_periodic(), which the sleep then waits for instead.
 * Returns 0 once, when the deadline has passed, and leaves a one-shot timer
 * disarmed for the next sleep.
 * @retval as bcsc_timer_wait()
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_sleep_for(bcsc_task_t *self, bcsc_timer_t *timer,
                            uint64_t duration);

/**
 * Unlink any pending wait and disarm @p timer.
 * @retval 1             a wait was pending and is unlinked
 * @retval 0             nothing was pending
 * @retval BCSC_EINVAL   @p timer is NULL
 * @retval BCSC_EBADOBJ  @p timer is not initialised
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_timer_stop(bcsc_timer_t *timer);

/**
 * @p timer's next deadline, or BCSC_NO_DEADLINE if it has none (or is NULL,
 * or not an initialised timer).
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API uint64_t bcsc_timer_deadline(const bcsc_timer_t *timer);

/**
 * Whether @p timer's deadline has fired while a wait was pending (1) or not
 * (0): in a select, tells that the timer is what woke the task. The tick is
 * taken by the next bcsc_timer_wait().
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_timer_fired(const bcsc_timer_t *timer);

/**
 * Whether a wait on @p timer is pending (1) or not (0, also for NULL).
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_timer_linked(const bcsc_timer_t *timer);

/**
 * How late the last tick taken was, in periods: the number of later
 * deadlines that had also passed when bcsc_timer_wait() took it. 0 for a
 * task on time (and for one-shot timers).
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API uint32_t bcsc_timer_missed(const bcsc_timer_t *timer);

/**
 * Ticks missed since the last bcsc_timer_set_periodic(): each deadline that
 * passed while the task was still busy with an earlier tick. The same
 * figure under every policy - BURST delivers those ticks late, SKIP and
 * DELAY drop them.
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API uint64_t bcsc_timer_missed_total(const bcsc_timer_t *timer);

/**
 * sizeof(bcsc_timer_t) in the library as built.
 * @thread any  @allocates never  @since 0.1
 */
BCSC_API size_t bcsc_timer_sizeof(void);

/**
 * alignof(bcsc_timer_t) in the library as built.
 * @thread any  @allocates never  @since 0.1
 */
BCSC_API size_t bcsc_timer_alignof(void);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* BCSC_TIMER_H */
