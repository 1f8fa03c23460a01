/* SPDX-License-Identifier: MIT
 * bcsc/task.h - caller-allocated task frames.
 *
 * A task is a poll function plus a bcsc_task_t header that lives in memory
 * the caller provides: usually a struct on the parent's stack whose first
 * member is the header (any position works, via container_of). */
#ifndef BCSC_TASK_H
#define BCSC_TASK_H

#include <stddef.h>
#include <stdint.h>

#include "bcsc/export.h"
#include "bcsc/types.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * bcsc's part of a task frame. PRIVATE - DO NOT TOUCH.
 *
 * The header is one cache line on 64-bit targets and has no reserved words:
 * attributes added later (priorities, deadlines, context) live on scopes,
 * which children inherit, so the header never has to grow.
 */
/* Which member is live depends on the state: the run-queue link while
 * queued, the registration list while running or waiting, the result once
 * done. A task is never in two of those states at once. (Defined out here,
 * not inside bcsc_task_private: C++ would scope a nested definition to the
 * struct, and SWIG's C++ mode cannot wrap nested unions.) PRIVATE. */
union bcsc_task_link {
  bcsc_task_t *run_next;
  bcsc_wait_t *waits;
  intptr_t result;
};

struct bcsc_task_private {
  union bcsc_task_link link;
  bcsc_scope_t *scope;       /* the scope it was spawned into */
  bcsc_task_t *sibling_next; /* the scope's child list */
  bcsc_task_t *sibling_prev;
  bcsc_scope_t *scopes; /* innermost scope this task owns and has open */
  uint16_t state;       /* lifecycle state and flags */
  uint16_t magic;
  uint32_t self_tag; /* hash of the frame's address while live */
};

/**
 * A task frame header.
 *
 * Caller-owned (stack, static storage or a bcsc_pool_t); must stay alive and
 * unmoved from bcsc_scope_spawn() until the task has completed
 * (bcsc_task_done() is 1); bcsc never touches a completed frame again. Not
 * copyable or movable while live.
 */
struct bcsc_task {
  /* public */
  void *data; /**< The caller's; bcsc never reads it. */
  /* read-only */
  bcsc_poll_fn poll; /**< Set by bcsc_task_init(); do not change. */
  /* private */
  struct bcsc_task_private priv;
};

/** Static initialiser; same effect as bcsc_task_init(t, poll, data). */
#define BCSC_TASK_INITIALIZER(poll_fn, user_data)                              \
  {                                                                            \
    (user_data), (poll_fn), { {NULL}, NULL, NULL, NULL, NULL, 0, 0x7a5c, 0 }   \
  }

/**
 * Prepare a frame so it can be spawned.
 *
 * Overwrites the whole header; never call it on a live frame (one spawned and
 * not yet completed). A completed frame may be initialised again and reused.
 * @param task  the frame header.
 * @param poll  the task's poll function.
 * @param data  stored in task->data for the caller.
 * @retval 0            ready to spawn
 * @retval BCSC_EINVAL  @p task or @p poll is NULL
 * @thread any  @allocates never  @since 0.1
 */
BCSC_API int bcsc_task_init(bcsc_task_t *task, bcsc_poll_fn poll, void *data);

/**
 * Request cancellation of a task and everything below it.
 *
 * The task's registrations are unlinked, it is marked cancelled and queued so
 * that its poll function sees bcsc_task_cancelled() and can clean up (a task
 * whose poll function has already returned, and whose open scopes bcsc is
 * draining, is only marked). Cleanup may be asynchronous: the task may keep
 * waiting after observing the request. Every scope it owns is cancelled too,
 * recursively, and scopes it opens or tasks spawned into them later start
 * cancelled - except shielded scopes (BCSC_SCOPE_SHIELD), where the
 * cancellation stops. Cancelling an already cancelled task does nothing.
 * @retval 0              requested (or already requested)
 * @retval BCSC_EINVAL    @p task is NULL
 * @retval BCSC_EBADOBJ   @p task is not an initialised frame
 * @retval BCSC_ESTATE    @p task has not been spawned, or has completed
 * @retval BCSC_EBADOBJ   (checked build) the walk met a frame overwritten while
 *                        linked; the tasks before it were cancelled
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_task_cancel(bcsc_task_t *task);

/**
 * End a live task before the memory of its frame goes away: for the
 * cleanup of a C scope that holds a frame (`__attribute__((cleanup))` on
 * gcc and clang, through a one-line wrapper taking the caller's frame
 * type), so that no return can leave the frame linked.
 *
 * A zero frame (never initialised), an idle one (initialised, never
 * spawned) and a completed one are left alone. A live one is cancelled
 * (bcsc_task_cancel()) and its executor run until it has completed
 * (bcsc_executor_run(executor, @p task)): its cleanup may wait, and the
 * call returns once it has ended. If it cannot end - the run fails, or the
 * call is made where the executor cannot run: from a poll or an abort
 * function, or from anything else inside bcsc_executor_run() or _poll() (a
 * drain grace's report, the reactor's park) - the frame stays linked while
 * its memory goes away: every build,
 * release too, reports BCSC_MISUSE_FRAME_LEFT_LIVE through the misuse
 * handler (the default handler aborts; D84).
 * @thread executor  @allocates never  @since 0.6
 */
BCSC_API void bcsc_task_cleanup(bcsc_task_t *task);

/**
 * Whether cancellation of @p task has been requested.
 *
 * @return 1 if cancelled, 0 if not (or if @p task is NULL).
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_task_cancelled(const bcsc_task_t *task);

/**
 * Whether @p task has completed.
 *
 * @return 1 once its poll function returned a result and every scope it
 *         owned has drained; 0 before that or if @p task is NULL.
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_task_done(const bcsc_task_t *task);

/**
 * The result of a completed task: 0 or the negative code its poll function
 * returned (or an error from a scope it left open and bcsc drained).
 *
 * @retval BCSC_ESTATE  the task has not completed (or @p task is NULL)
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_task_result(const bcsc_task_t *task);

/**
 * The current time of the clock of the executor @p task runs on, in
 * nanoseconds: what bcsc_executor_now() answers for that executor, so
 * that a poll function can compute a deadline (a timer's, a scope's, a
 * bcsc_timeout()'s) from its own frame without keeping the executor's
 * address. A remote child reads the clock of the executor that hosts it.
 * @return the clock's now(), or 0 if @p task is NULL, not an initialised
 *         frame, not live (never spawned, or completed), or its executor
 *         has no reactor.
 * @thread executor  @allocates never  @since 0.6
 */
BCSC_API uint64_t bcsc_task_now(const bcsc_task_t *task);

/**
 * Give other ready tasks a turn: queue the running task behind them.
 *
 * Call from the task's own poll function and return the value:
 * `return bcsc_task_yield(self);`.
 * @retval BCSC_PENDING  always, when @p self is the running task
 * @retval BCSC_EPERM    @p self is not the task being polled
 * @retval BCSC_EINVAL   @p self is NULL
 * @retval BCSC_EBADOBJ  @p self is not an initialised frame, or was moved
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_task_yield(bcsc_task_t *self);

/**
 * sizeof(bcsc_task_t) in the library as built; bindings that allocate by size
 * compare it with their own copy of the layout.
 * @thread any  @allocates never  @since 0.1
 */
BCSC_API size_t bcsc_task_sizeof(void);

/**
 * alignof(bcsc_task_t) in the library as built.
 * @thread any  @allocates never  @since 0.1
 */
BCSC_API size_t bcsc_task_alignof(void);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* BCSC_TASK_H */
