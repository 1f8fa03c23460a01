/* SPDX-License-Identifier: MIT
 * bcsc/remote.h - scopes across executors: a child that runs on another
 * executor's thread while its frame, and its scope, stay with the parent.
 *
 * A remote child is a bcsc_remote_task_t: a task header followed by a
 * relay, the few words the two threads exchange messages through. The
 * parent spawns it with bcsc_scope_spawn_on(); the other executor (the
 * host) spawns it as one of its root tasks when its run loop next turns,
 * polls it - only there: a task never migrates - and tells the parent when
 * it has ended. Until then the child counts in its scope like a local
 * child: join waits for it, the scope's policy (fail-fast, keep the first
 * error, race, deadline) acts on its result and cancels it with its
 * siblings, and the owner cannot complete before it has ended. The
 * messages travel through a lock-free list per executor, drained on each
 * executor's own thread at every turn, and a message to a parked executor
 * unparks it: no lock, no allocation. See docs/threads.md. */
#ifndef BCSC_REMOTE_H
#define BCSC_REMOTE_H

#include <stddef.h>
#include <stdint.h>

#include "bcsc/export.h"
#include "bcsc/task.h"
#include "bcsc/types.h"

#ifdef __cplusplus
extern "C" {
#endif

/** bcsc's part of a remote child after its task header. PRIVATE - DO NOT
 *  TOUCH: flags and relay_next are C11 atomics shared by two threads. */
struct bcsc_remote_task_private {
  bcsc_scope_t *parent; /* the scope it was spawned into, until it ended */
  bcsc_remote_task_t *parent_next; /* the scope's remote children */
  bcsc_remote_task_t *parent_prev;
  bcsc_executor_t *remote; /* the executor that runs it (the host) */
  uintptr_t relay_next;    /* next on an executor's relay list */
  uint32_t flags;          /* the messages: spawn, cancel, done, queued */
  uint16_t state;          /* idle, spawned or ended (the parent's) */
  uint16_t magic;
  uintptr_t reserved[1];
};

/**
 * A child frame that can run on another executor.
 *
 * Caller-owned, in the parent's memory like any child frame (usually the
 * first member of the caller's task struct, so that the poll function can
 * cast its bcsc_task_t * back); must stay alive and unmoved from
 * bcsc_scope_spawn_on() until the scope has counted it ended
 * (bcsc_remote_task_done() is 1, or the scope was joined). Its poll
 * function receives &task and may use every task API on the host's
 * thread. Not copyable or movable while live.
 */
struct bcsc_remote_task {
  /* public */
  bcsc_task_t task; /**< The task itself: data, poll. */
  /* private */
  struct bcsc_remote_task_private priv;
};

/** Static initialiser; same effect as bcsc_remote_task_init(r, poll, data). */
#define BCSC_REMOTE_TASK_INITIALIZER(poll_fn, user_data)                       \
  {                                                                            \
    BCSC_TASK_INITIALIZER(poll_fn, user_data), {                               \
      NULL, NULL, NULL, NULL, 0, 0, 0, 0x3e70, { 0 }                           \
    }                                                                          \
  }

/**
 * Prepare a remote child frame so it can be spawned with
 * bcsc_scope_spawn_on(): initialises the task header as bcsc_task_init()
 * does, and the relay.
 *
 * Never call it on a live frame (spawned, and not yet counted ended by its
 * scope). A frame that has ended may be initialised again and reused. The
 * frame may also be spawned locally with bcsc_scope_spawn(&r->task): it is
 * then an ordinary child and its relay stays unused.
 * @param remote  the frame.
 * @param poll    the task's poll function.
 * @param data    stored in remote->task.data for the caller.
 * @retval 0            ready to spawn
 * @retval BCSC_EINVAL  @p remote or @p poll is NULL
 * @thread any  @allocates never  @since 0.5
 */
BCSC_API int bcsc_remote_task_init(bcsc_remote_task_t *remote,
                                   bcsc_poll_fn poll, void *data);

/**
 * Start @p child in @p scope, running on executor @p host.
 *
 * The child counts in @p scope (bcsc_scope_live()) from now until the
 * scope's executor has learnt that it ended; meanwhile it belongs to @p
 * host, which spawns it as a root task at the next turn of its run loop
 * (bcsc_executor_run() or _poll() on the host's thread) and polls it
 * there. If @p scope is cancelled - now or later, by bcsc_scope_cancel(),
 * its policy, its deadline, or its owner returning early - the child is
 * cancelled on @p host at the host's next turn (or starts cancelled), and
 * a subtree it spawned there with it. Its result reaches the scope as a
 * local child's does: a failure cancels its siblings under
 * BCSC_SCOPE_FAIL_FAST, the first finisher of a race wins, and join
 * returns the first error.
 *
 * While the child is live, its task header belongs to @p host's thread:
 * from the scope's thread read only bcsc_remote_task_done(), and use
 * bcsc_task_done()/_result() once that is 1. To cancel only this child,
 * give it a scope of its own. @p host must stay initialised while it hosts
 * children (its bcsc_executor_deinit() fails with BCSC_EBUSY meanwhile),
 * and must be run: a host that returns from bcsc_executor_run() for good
 * leaves the child, and so the scope, waiting. A message that finds @p
 * host parked unparks it through its reactor (or calls its pender).
 *
 * On failure nothing is changed and @p host is not touched.
 * @param scope  an open scope, whose executor is the calling thread's.
 * @param child  a frame prepared with bcsc_remote_task_init(), not live.
 * @param host   an initialised executor other than @p scope's.
 * @retval 0             sent; the child is live in @p scope
 * @retval BCSC_EINVAL   an argument is NULL; @p host is the scope's own
 *                       executor (misuse REMOTE_SELF)
 * @retval BCSC_EBADOBJ  an argument is not initialised, or was moved
 * @retval BCSC_EBUSY    @p child is live (double spawn)
 * @retval BCSC_ESTATE   @p scope is not open; @p child has completed and
 *                       was not initialised again
 * @retval BCSC_EPERM    checked build: called from a thread that is not
 *                       @p scope's executor's
 * @thread executor (@p scope's)  @allocates never  @since 0.5
 */
BCSC_API int bcsc_scope_spawn_on(bcsc_scope_t *scope, bcsc_remote_task_t *child,
                                 bcsc_executor_t *host);

/**
 * Whether the scope @p remote was spawned into has counted it ended: its
 * host has polled it for the last time and the scope's executor has taken
 * the message. From then on the frame is the parent's again
 * (bcsc_task_done() and bcsc_task_result() read it, and it may be reused).
 *
 * @return 1 if ended, 0 if not (never spawned, still live, or NULL).
 * @thread executor (the scope's)  @allocates never  @since 0.5
 */
BCSC_API int bcsc_remote_task_done(const bcsc_remote_task_t *remote);

/**
 * sizeof(bcsc_remote_task_t) in the library as built (the task header
 * plus the relay); bindings that allocate by size compare it with their
 * own copy of the layout.
 * @thread any  @allocates never  @since 0.5
 */
BCSC_API size_t bcsc_remote_task_sizeof(void);

/**
 * alignof(bcsc_remote_task_t) in the library as built.
 * @thread any  @allocates never  @since 0.5
 */
BCSC_API size_t bcsc_remote_task_alignof(void);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* BCSC_REMOTE_H */
