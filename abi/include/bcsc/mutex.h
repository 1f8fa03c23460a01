/* SPDX-License-Identifier: MIT
 * bcsc/mutex.h - an async mutex: one task at a time holds it, the others
 * wait in FIFO order without blocking the executor.
 *
 * A semaphore of one permit with an owner. Unlocking with waiters hands the
 * lock to the oldest waiter through a hand-off list (D22): the lock travels
 * with the wake, and if the woken task does not take it in its next poll -
 * it was cancelled, returned, or took another branch of a select - bcsc
 * hands it to the next waiter, or frees it when nobody is left. A task
 * cancelled while it waits for the lock gets BCSC_ECANCELED and never holds
 * it.
 *
 * The lock is the holder task's guard: a task that completes while holding
 * it - it returned without unlocking, or was cancelled and did not unlock
 * in its cleanup - releases it as it completes, and the next waiter gets
 * it. A lock can never stay held by a task that has ended. */
#ifndef BCSC_MUTEX_H
#define BCSC_MUTEX_H

#include <stddef.h>
#include <stdint.h>

#include "bcsc/export.h"
#include "bcsc/types.h"
#include "bcsc/wait.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct bcsc_mutex bcsc_mutex_t;

/** bcsc's part of a mutex. PRIVATE - DO NOT TOUCH. */
struct bcsc_mutex_private {
  bcsc_waitq_t waiters; /* a hand-off list */
  bcsc_task_t *owner;   /* the task holding the lock, or NULL */
  uint16_t state;       /* whether the lock travels with a wake */
  uint16_t magic;
  uint32_t self_tag; /* set while held; the waiter list's tag covers waits */
  /* In the holder's executor's list of held mutexes while owner is set,
   * so that the holder's completion releases it. */
  struct bcsc_mutex *held_next;
  struct bcsc_mutex *held_prev;
};

/**
 * An async mutex.
 *
 * Caller-owned. It may move only while it is free, nobody waits on it and
 * no wake from it is on its way to a task; its memory must outlive any
 * holder (while held it is linked into the holder's executor: a copy of
 * a held mutex is refused as moved, D97).
 */
struct bcsc_mutex {
  /* public */
  void *data; /**< The caller's; bcsc never reads it. */
  /* private */
  struct bcsc_mutex_private priv;
};

/** Static initialiser of a free mutex; same effect as bcsc_mutex_init().
 *  The inner list is a hand-off list. */
#define BCSC_MUTEX_INITIALIZER                                                 \
  {                                                                            \
    NULL, {                                                                    \
      {NULL, {{NULL, NULL}, 1, 0x3b29, 0, 0, {0, 0}}}, NULL, 0, 0x3071, 0,     \
          NULL, NULL                                                           \
    }                                                                          \
  }

/**
 * Prepare a free mutex.
 *
 * Writes the whole object; never reads it.
 * @retval 0            ready
 * @retval BCSC_EINVAL  @p mutex is NULL
 * @thread any  @allocates never  @since 0.1
 */
BCSC_API int bcsc_mutex_init(bcsc_mutex_t *mutex);

/**
 * Tear down a mutex. It must be free, with no task waiting and no wake on
 * its way to a task. Afterwards its queries answer as for a zero mutex (D89);
 * its data field is left alone.
 * @retval 0             done
 * @retval BCSC_EINVAL   @p mutex is NULL
 * @retval BCSC_EBADOBJ  @p mutex is not initialised or is torn down,
 *                       or was moved
 * @retval BCSC_EBUSY    it is held, tasks wait, or a woken waiter has not
 *                       run yet (nothing changed)
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_mutex_deinit(bcsc_mutex_t *mutex);

/**
 * Lock @p mutex for @p self, from @p self's poll function.
 *
 * Follows bcsc_wait_on(). If an unlock handed the lock to @p wait, or the
 * mutex is free with nobody waiting and no hand-over under way, @p self
 * becomes the owner and the call returns 0. Otherwise @p wait joins the end
 * of the line and the call returns BCSC_PENDING: return BCSC_PENDING from
 * the poll and call again when woken.
 *
 * A cancelled @p self gets BCSC_ECANCELED and does not hold the lock: if an
 * unlock had handed it the lock, the lock goes on to the next waiter. A
 * task woken by another source of a select may instead not call again: the
 * lock passes on by itself at the end of its poll. Called twice in one poll
 * with @p wait still linked, it returns BCSC_PENDING.
 * @param self   the task being polled.
 * @param mutex  the mutex.
 * @param wait   an initialised registration in @p self's frame, meant for
 *               this mutex: only this mutex's hand-over carries the lock;
 *               a mark another list left on it is dropped (D94), and
 *               another list's hand-off wake goes on to that list's next
 *               waiter (D96).
 * @retval 0               @p self holds the lock; unlock it when done
 * @retval BCSC_PENDING    waiting; return BCSC_PENDING from the poll
 * @retval BCSC_ECANCELED  @p self is cancelled (it does not hold the lock)
 * @retval BCSC_EDEADLK    @p self already holds it (misuse: it would wait
 *                         for itself forever; reported as BAD_ARGUMENT)
 * @retval BCSC_EINVAL     a pointer is NULL
 * @retval BCSC_EBADOBJ    an object is not initialised or is torn down,
 *                         or was moved
 * @retval BCSC_EPERM      @p self is not the task being polled
 * @retval BCSC_EBUSY      @p wait is linked for another task
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_mutex_lock(bcsc_task_t *self, bcsc_mutex_t *mutex,
                             bcsc_wait_t *wait);

/**
 * Lock @p mutex for @p self if that needs no waiting.
 *
 * No barging: it fails while any task waits or a hand-over is under way.
 * @retval 0             @p self holds the lock
 * @retval BCSC_EAGAIN   not without waiting (nothing changed)
 * @retval BCSC_EDEADLK  @p self already holds it (misuse, as for lock)
 * @retval BCSC_EINVAL   a pointer is NULL
 * @retval BCSC_EBADOBJ  an object is not initialised or is torn down,
 *                       or was moved
 * @retval BCSC_EPERM    @p self is not the task being polled
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_mutex_try_lock(bcsc_task_t *self, bcsc_mutex_t *mutex);

/**
 * Unlock @p mutex, which @p self holds, and hand it to the oldest waiter.
 *
 * Normally from @p self's poll function. A task that completes while
 * holding the lock releases it as it completes (cancelled or not), so a
 * cleanup path that forgets to unlock strands nobody.
 * @retval 0             unlocked
 * @retval BCSC_EPERM    @p self does not hold the lock (misuse, reported
 *                       as BAD_ARGUMENT; nothing changed)
 * @retval BCSC_EINVAL   a pointer is NULL
 * @retval BCSC_EBADOBJ  an object is not initialised or is torn down,
 *                       or was moved
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_mutex_unlock(bcsc_task_t *self, bcsc_mutex_t *mutex);

/**
 * The task holding @p mutex, or NULL if none does (also while the lock is
 * on its way to a woken waiter, and for NULL).
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API bcsc_task_t *bcsc_mutex_owner(const bcsc_mutex_t *mutex);

/**
 * Whether @p mutex is taken (1): held, or on its way to a woken waiter.
 * 0 if free or NULL.
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_mutex_locked(const bcsc_mutex_t *mutex);

/**
 * How many tasks wait for @p mutex (0 for NULL). O(n).
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API uint32_t bcsc_mutex_waiting(const bcsc_mutex_t *mutex);

/**
 * sizeof(bcsc_mutex_t) in the library as built.
 * @thread any  @allocates never  @since 0.1
 */
BCSC_API size_t bcsc_mutex_sizeof(void);

/**
 * alignof(bcsc_mutex_t) in the library as built.
 * @thread any  @allocates never  @since 0.1
 */
BCSC_API size_t bcsc_mutex_alignof(void);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* BCSC_MUTEX_H */
