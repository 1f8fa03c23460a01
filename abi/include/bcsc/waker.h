/* SPDX-License-Identifier: MIT
 * bcsc/waker.h - value wakers: wake a task from any thread, a signal handler
 * or an interrupt, with a handle that is safe to fire after the task ended.
 *
 * A bcsc_waker_t is three words - executor, slot index, generation - and
 * nothing else: copy it anywhere (another thread, a driver's callback table,
 * a foreign runtime's waker), keep it as long as you like, fire it any
 * number of times. It names a slot in a table the executor owns (memory the
 * caller gives it, see bcsc_executor_set_waker_slots()), not the task: a
 * task takes a slot the first time it asks for a waker and gives it back
 * when its poll function returns a result, and the slot's generation moves
 * on. Firing a waker whose task has ended, or whose slot has since been
 * taken by another task, does nothing but count a stale wake.
 *
 * bcsc_waker_wake() never touches a task frame: it marks the slot and
 * pushes it onto the executor's lock-free inbox with C11 atomics (no lock,
 * no allocation; each slot is in the inbox at most once, so the table
 * bounds it). The executor drains the inbox on its own thread at every turn
 * and resolves each slot there. See docs/threads.md. */
#ifndef BCSC_WAKER_H
#define BCSC_WAKER_H

#include <stddef.h>
#include <stdint.h>

#include "bcsc/export.h"
#include "bcsc/types.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * A value waker. Plain data: copy it, store it, send it to another thread.
 * A zeroed waker (BCSC_WAKER_INITIALIZER) names no task; waking it fails
 * with BCSC_EINVAL.
 */
typedef struct bcsc_waker {
  bcsc_executor_t *executor; /**< The executor whose slot it names. */
  uint32_t slot;             /**< Index in the executor's slot table. */
  uint32_t generation;       /**< The slot's generation it was issued for. */
} bcsc_waker_t;

/** A waker that names no task. */
#define BCSC_WAKER_INITIALIZER                                                 \
  { NULL, 0, 0 }

/** One slot's state, shared between the executor and waking threads.
 *  PRIVATE - DO NOT TOUCH: the state and inbox words are C11 atomics. */
/* Who a slot belongs to. Defined out here for C++ and SWIG, as
 * bcsc_task_link is (bcsc/task.h). PRIVATE. */
union bcsc_waker_slot_owner {
  bcsc_task_t *task;   /* the task holding the slot */
  uintptr_t free_next; /* index + 1 of the next free slot; 0: last */
};

struct bcsc_waker_slot_private {
  union bcsc_waker_slot_owner owner;
  uint32_t state;      /* generation, held / pending / queued flags */
  uint32_t inbox_next; /* index + 1 of the next slot in the inbox */
};

/**
 * One entry of an executor's waker slot table. The caller provides an
 * array of them (bcsc_executor_set_waker_slots()); one per task that holds
 * a waker at the same time. Owned by the executor from then until
 * bcsc_executor_deinit() has succeeded; must not move meanwhile.
 */
typedef struct bcsc_waker_slot {
  struct bcsc_waker_slot_private priv;
} bcsc_waker_slot_t;

/** The most slots one executor can have (a task records its slot in 16
 *  bits of its header; see docs/decisions.md D23). */
#define BCSC_WAKER_SLOTS_MAX 65535u

/**
 * Give @p ex a table of @p count waker slots over @p slots. Once per
 * executor, before a task asks for a waker (or set it in
 * bcsc_executor_config_t). The array needs no initialisation.
 *
 * @retval 0             the executor owns the slots now
 * @retval BCSC_EINVAL   @p ex or @p slots is NULL, or @p count is 0 or
 *                       above BCSC_WAKER_SLOTS_MAX
 * @retval BCSC_EBADOBJ  @p ex is not initialised
 * @retval BCSC_EBUSY    @p ex already has a slot table (nothing changes)
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_executor_set_waker_slots(bcsc_executor_t *ex,
                                           bcsc_waker_slot_t *slots,
                                           uint32_t count);

/**
 * The value waker of the running task @p self, taking a slot of its
 * executor's table the first time the task asks. Asking again returns the
 * same waker until the task's poll function returns a result; then the
 * slot is given back and every waker issued for it goes stale.
 *
 * A wake that reaches the task behaves like any wake: if the task is
 * waiting, its registrations are unlinked (first wake wins) and it is
 * queued; if it is already queued, the wakes coalesce. Either way
 * bcsc_task_waker_woken() then reports it. A task that holds a waker may
 * return BCSC_PENDING with no registration at all: it waits for a value
 * wake.
 *
 * @param self  the task being polled.
 * @param out   receives the waker (untouched on error).
 * @retval 0             @p out holds the task's waker
 * @retval BCSC_ENOSPC   every slot is held by a live task, or the executor
 *                       has no slot table
 * @retval BCSC_EINVAL   an argument is NULL
 * @retval BCSC_EBADOBJ  @p self is not an initialised frame, or was moved
 * @retval BCSC_EPERM    @p self is not the task being polled
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_task_waker(bcsc_task_t *self, bcsc_waker_t *out);

/**
 * Whether a value wake has reached the running task @p self since the last
 * call, clearing the mark. A task that waits on a value waker and on
 * registrations (a select) tells this way which one woke it.
 *
 * @retval 1             a value wake reached it (one or several coalesced)
 * @retval 0             none has
 * @retval BCSC_EINVAL   @p self is NULL
 * @retval BCSC_EBADOBJ  @p self is not an initialised frame, or was moved
 * @retval BCSC_EPERM    @p self is not the task being polled
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_task_waker_woken(bcsc_task_t *self);

/**
 * Wake the task that @p waker was issued to, if it is still live.
 *
 * Lock-free and wait-free apart from retried compare-and-swaps that only
 * another wake can cause; async-signal-safe; never dereferences a task
 * frame. Marks the slot, puts it on the executor's inbox if it is not
 * there yet, and if the executor is parked ends the park through the
 * reactor's unpark, or if nobody is inside bcsc_executor_run() or _poll()
 * calls the host's pender (the reactor's unpark where there is none) - only the
 * wake that finds the inbox empty does, so a busy executor costs no system call
 * per wake.
 *
 * Memory order: everything the calling thread wrote before a wake that
 * counts as received is visible to the task's poll that the wake leads to
 * (the wake is a release, the executor's drain an acquire) - also when it
 * coalesces with a wake already queued.
 *
 * Accounting (bcsc_executor_stats()): a wake that returns 0 counts exactly
 * once, as received when the slot still belonged to the task the waker was
 * issued to (wakes to a task already marked coalesce and count too), else
 * as stale. So wakes sent == wakes_received + wakes_stale.
 *
 * The executor must outlive every call; a call after
 * bcsc_executor_deinit() on memory still intact returns BCSC_EBADOBJ.
 * Misuse is reported by error code only (no misuse handler: this may run
 * on any thread).
 *
 * @retval 0             delivered to the inbox, or counted stale
 * @retval BCSC_EINVAL   the waker names no executor, a slot outside the
 *                       table, or a generation no slot can have
 * @retval BCSC_EBADOBJ  the executor is not initialised
 * @retval BCSC_ENOSPC   the executor has no slot table
 * @thread any (also signal handlers and interrupts)  @allocates never
 * @since 0.1
 */
BCSC_API int bcsc_waker_wake(bcsc_waker_t waker);

/**
 * Wake through a pointer: bcsc_waker_wake(*waker). For bindings whose FFI
 * passes structs by pointer more easily than by value.
 *
 * @retval (as bcsc_waker_wake())
 * @retval BCSC_EINVAL   @p waker is NULL
 * @thread any (also signal handlers and interrupts)  @allocates never
 * @since 0.1
 */
BCSC_API int bcsc_waker_wake_ptr(const bcsc_waker_t *waker);

/**
 * sizeof(bcsc_waker_slot_t) in the library as built: the slot table's
 * memory per task that holds a waker.
 * @thread any  @allocates never  @since 0.1
 */
BCSC_API size_t bcsc_waker_slot_sizeof(void);

/**
 * alignof(bcsc_waker_slot_t) in the library as built.
 * @thread any  @allocates never  @since 0.1
 */
BCSC_API size_t bcsc_waker_slot_alignof(void);

/**
 * sizeof(bcsc_waker_t) in the library as built.
 * @thread any  @allocates never  @since 0.1
 */
BCSC_API size_t bcsc_waker_sizeof(void);

/**
 * The number of bits of a slot's generation in the library as built (24;
 * 29 before 0.5; test builds may narrow it). A slot taken 2^bits times
 * wraps around: a waker that old matches the slot again and wakes whichever
 * task holds it then - a spurious wake of a live task on the same executor,
 * never a touch of freed memory. See docs/threads.md.
 * @thread any  @allocates never  @since 0.1
 */
BCSC_API uint32_t bcsc_waker_generation_bits(void);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* BCSC_WAKER_H */
