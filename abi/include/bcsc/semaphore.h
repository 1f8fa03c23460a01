/* SPDX-License-Identifier: MIT
 * bcsc/semaphore.h - a FIFO-fair counting semaphore: tasks acquire and
 * release any number of permits; waiters are served strictly in the order
 * they came.
 *
 * A waiting task links a bcsc_semaphore_waiter_t - a registration that also
 * says how many permits it asks for - on the semaphore's waiter list, which
 * is a hand-off list (D22). A release wakes waiters from the head while the
 * free permits cover the head's request; a large request at the head holds
 * back the smaller ones behind it.
 *
 * Permits are reserved when a waiter is woken: they leave the free count
 * and travel with the wake (the registration's value). The woken task takes
 * them in its next poll (bcsc_semaphore_acquire() returns 0). If it does not
 * - it was cancelled, returned, or took another branch of a select - bcsc
 * hands the wake, and so the permits, to the next waiter; with nobody left
 * to hand it to, the permits go back to the free count. A cancelled task
 * never ends up holding permits it did not ask to keep. */
#ifndef BCSC_SEMAPHORE_H
#define BCSC_SEMAPHORE_H

#include <stddef.h>
#include <stdint.h>

#include "bcsc/export.h"
#include "bcsc/types.h"
#include "bcsc/wait.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct bcsc_semaphore bcsc_semaphore_t;
typedef struct bcsc_semaphore_waiter bcsc_semaphore_waiter_t;

/** bcsc's part of a semaphore. PRIVATE - DO NOT TOUCH. */
struct bcsc_semaphore_private {
  bcsc_waitq_t waiters; /* a hand-off list of bcsc_semaphore_waiter_t */
  uint32_t available;   /* free permits */
  uint32_t granted;     /* permits travelling with wakes not yet taken */
  uint16_t state;
  uint16_t magic;
  uint32_t self_tag;    /* 0: the waiter list carries the move check */
  uintptr_t next_place; /* the place in line the next waiter gets */
  uintptr_t reserved[1];
};

/**
 * A counting semaphore.
 *
 * Caller-owned. It may move only while no task waits on it and no wake
 * from it is on its way to a task.
 */
struct bcsc_semaphore {
  /* public */
  void *data; /**< The caller's; bcsc never reads it. */
  /* private */
  struct bcsc_semaphore_private priv;
};

/** bcsc's part of a semaphore waiter. PRIVATE - DO NOT TOUCH. */
struct bcsc_semaphore_waiter_private {
  bcsc_wait_t wait; /* linked on the semaphore's waiter list */
  uint32_t permits; /* how many it asks for, while it waits */
  uint32_t place;   /* its place in line (wrapping), while it waits */
  uintptr_t reserved[1];
};

/**
 * A task's place in a semaphore's line: a registration plus the number of
 * permits it asks for.
 *
 * Caller-owned, normally a member of the waiting task's frame; initialise
 * once, use for one semaphore wait at a time. Must not move while linked or
 * while a wake from the semaphore is on its way to it (until the task's next
 * poll has returned).
 */
struct bcsc_semaphore_waiter {
  /* public */
  void *data; /**< The caller's; bcsc never reads it. */
  /* private */
  struct bcsc_semaphore_waiter_private priv;
};

/** Static initialiser: @p permits free permits, nobody waiting; same effect
 *  as bcsc_semaphore_init(). The inner list is a hand-off list. */
#define BCSC_SEMAPHORE_INITIALIZER(permits)                                    \
  {                                                                            \
    NULL, {                                                                    \
      {NULL, {{NULL, NULL}, 1, 0x3b29, 0, 0, {0, 0}}}, (permits), 0, 0,        \
          0x5e3a, 0, 0, {                                                      \
        0                                                                      \
      }                                                                        \
    }                                                                          \
  }

/** Static initialiser of a waiter; same effect as
 *  bcsc_semaphore_waiter_init(). */
#define BCSC_SEMAPHORE_WAITER_INITIALIZER                                      \
  {                                                                            \
    NULL, {                                                                    \
      BCSC_WAIT_INITIALIZER, 0, 0, { 0 }                                       \
    }                                                                          \
  }

/**
 * Prepare a semaphore with @p permits free permits.
 *
 * Writes the whole object; never reads it.
 * @retval 0            ready
 * @retval BCSC_EINVAL  @p sem is NULL
 * @thread any  @allocates never  @since 0.1
 */
BCSC_API int bcsc_semaphore_init(bcsc_semaphore_t *sem, uint32_t permits);

/**
 * Tear down a semaphore. No task may wait on it, and no wake from it may be
 * on its way to a task. Permits held by tasks are not tracked: tearing the
 * semaphore down simply forgets them. Afterwards its queries answer as for a
 * zero semaphore (D89); its data field is left alone.
 * @retval 0             done
 * @retval BCSC_EINVAL   @p sem is NULL
 * @retval BCSC_EBADOBJ  @p sem is not initialised or is torn down, or was moved
 * @retval BCSC_EBUSY    tasks wait, or a woken waiter has not run yet
 *                       (nothing changed)
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_semaphore_deinit(bcsc_semaphore_t *sem);

/**
 * Prepare a waiter. Never call it on a waiter that is linked, or whose
 * wake has not been taken yet.
 * @retval 0            ready
 * @retval BCSC_EINVAL  @p waiter is NULL
 * @thread any  @allocates never  @since 0.1
 */
BCSC_API int bcsc_semaphore_waiter_init(bcsc_semaphore_waiter_t *waiter);

/**
 * Acquire @p n permits from @p sem, from @p self's poll function.
 *
 * Follows bcsc_wait_on(). If a release woke @p waiter, the permits it
 * carried are taken and the call returns 0: @p self now holds @p n permits
 * (any more it was handed go back to the semaphore). Otherwise, if nobody
 * waits and no woken waiter is still to run, and @p n permits are free,
 * they are taken at once and the call returns 0. Otherwise @p waiter joins
 * the end of the line and the call returns BCSC_PENDING: return
 * BCSC_PENDING from the poll and call again, with the same @p n, when
 * woken. A waiter is woken only when its request is covered.
 *
 * A cancelled @p self gets BCSC_ECANCELED and holds nothing: if a release
 * had woken it, the permits go on to the next waiter (or back to the free
 * count). A task woken by another source of a select may instead not call
 * again: its wake passes on by itself at the end of its poll. A task that
 * inherits such a passed wake carrying fewer permits than it asks for keeps
 * its place at the head of the line.
 *
 * Called twice in one poll with @p waiter still linked, it returns
 * BCSC_PENDING. A request larger than every permit that will ever be free
 * never completes, and holds back everyone behind it.
 * @param self    the task being polled.
 * @param sem     the semaphore.
 * @param waiter  an initialised waiter in @p self's frame, meant for this
 *                semaphore: permits another list handed to it go on to
 *                that list's next waiter (D96).
 * @param n       permits to acquire, at least 1.
 * @retval 0               @p self holds @p n more permits
 * @retval BCSC_PENDING    waiting; return BCSC_PENDING from the poll
 * @retval BCSC_ECANCELED  @p self is cancelled (it holds nothing more)
 * @retval BCSC_EINVAL     a pointer is NULL or @p n is 0
 * @retval BCSC_EBADOBJ    an object is not initialised or is torn down,
 *                         or was moved
 * @retval BCSC_EPERM      @p self is not the task being polled
 * @retval BCSC_EBUSY      @p waiter is linked for another task
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_semaphore_acquire(bcsc_task_t *self, bcsc_semaphore_t *sem,
                                    bcsc_semaphore_waiter_t *waiter,
                                    uint32_t n);

/**
 * Acquire @p n permits if that needs no waiting.
 *
 * No barging: it fails while any task waits or a woken waiter has not run
 * yet, even if @p n permits are free - they are the line's.
 * @retval 0             the caller holds @p n more permits
 * @retval BCSC_EAGAIN   not without waiting (nothing changed)
 * @retval BCSC_EINVAL   @p sem is NULL or @p n is 0
 * @retval BCSC_EBADOBJ  @p sem is not initialised or is torn down, or was moved
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_semaphore_try_acquire(bcsc_semaphore_t *sem, uint32_t n);

/**
 * Give @p n permits back to @p sem (or add new ones), and wake waiters from
 * the head of the line while the free permits cover their requests.
 *
 * Any code on the executor's thread may release, not only a task that
 * acquired. @p n may be 0: nothing is added, but the head of the line is
 * looked at again (see docs/primitives.md on a waiter cancelled at the
 * head).
 * @retval 0             released
 * @retval BCSC_EINVAL   @p sem is NULL, or the count would pass UINT32_MAX
 *                       (nothing changed)
 * @retval BCSC_EBADOBJ  @p sem is not initialised or is torn down, or was moved
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_semaphore_release(bcsc_semaphore_t *sem, uint32_t n);

/**
 * The free permits of @p sem: neither held by a task nor travelling with a
 * wake (0 for NULL).
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API uint32_t bcsc_semaphore_available(const bcsc_semaphore_t *sem);

/**
 * How many tasks wait in @p sem's line (0 for NULL). O(n).
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API uint32_t bcsc_semaphore_waiting(const bcsc_semaphore_t *sem);

/**
 * sizeof(bcsc_semaphore_t) in the library as built.
 * @thread any  @allocates never  @since 0.1
 */
BCSC_API size_t bcsc_semaphore_sizeof(void);

/**
 * alignof(bcsc_semaphore_t) in the library as built.
 * @thread any  @allocates never  @since 0.1
 */
BCSC_API size_t bcsc_semaphore_alignof(void);

/**
 * sizeof(bcsc_semaphore_waiter_t) in the library as built.
 * @thread any  @allocates never  @since 0.1
 */
BCSC_API size_t bcsc_semaphore_waiter_sizeof(void);

/**
 * alignof(bcsc_semaphore_waiter_t) in the library as built.
 * @thread any  @allocates never  @since 0.1
 */
BCSC_API size_t bcsc_semaphore_waiter_alignof(void);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* BCSC_SEMAPHORE_H */
