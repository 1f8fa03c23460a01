/* SPDX-License-Identifier: MIT
 * bcsc/wait.h - wait registrations and waiter lists: the wake path.
 *
 * An event source owns a bcsc_waitq_t. A task that wants to sleep until the
 * source fires links a bcsc_wait_t - a node in its own frame - into that
 * list and returns BCSC_PENDING. Firing the source unlinks the node, records
 * what fired, and queues the task.
 *
 * The rules that make a registration unable to dangle:
 *  - Registrations last one wait. When a task is woken - by any of its
 *    registrations, by cancellation or by a yield - every registration it
 *    still holds is unlinked before it runs again; the node that fired keeps
 *    "fired" and the source's value until it is registered again or
 *    bcsc_wait_on() consumes the wake. A task
 *    waiting on several lists (select) is therefore woken by exactly one of
 *    them, and a wake_one never goes to a task that will not consume it.
 *  - When a task completes or is cancelled, every registration it holds is
 *    unlinked, in O(1) each - on a completion source's list
 *    (bcsc_waitq_set_abort()) once the source says its operation is over,
 *    the task held until then. A source can only ever reach live waiters.
 *  - A waiter list that still has waiters cannot be torn down. */
#ifndef BCSC_WAIT_H
#define BCSC_WAIT_H

#include <stddef.h>
#include <stdint.h>

#include "bcsc/export.h"
#include "bcsc/types.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A registration's links in a waiter list. PRIVATE - DO NOT TOUCH.
 *  The list is a ring through the list's own links: a list's next is its
 *  oldest registration and its prev its newest, and those point back at the
 *  list, so a node is unlinked without knowing its list. An empty list's
 *  links are both NULL. */
struct bcsc_wait_link {
  struct bcsc_wait_link *next;
  struct bcsc_wait_link *prev;
};

/** bcsc's part of a registration. PRIVATE - DO NOT TOUCH. */
struct bcsc_wait_private {
  struct bcsc_wait_link queue; /* in a waiter list; next is NULL if not */
  bcsc_task_t *task;           /* the registering task, while linked */
  bcsc_wait_t *task_next;      /* the task's list of registrations */
  bcsc_wait_t **task_pprev;    /* the pointer that points at this node */
  uint16_t state;
  uint16_t magic; /* also says what the node is: a plain one or a timer's */
  uint32_t self_tag;
};

/**
 * A wait registration.
 *
 * Caller-owned, normally a member of the waiting task's frame; initialise
 * once, register as often as needed. Must not move while linked.
 */
struct bcsc_wait {
  /* public */
  void *data; /**< The caller's; bcsc never reads it. */
  /* read-only */
  uintptr_t value; /**< What the source passed when it fired this node. */
  /* private */
  struct bcsc_wait_private priv;
};

/** bcsc's part of a waiter list. PRIVATE - DO NOT TOUCH. */
struct bcsc_waitq_private {
  struct bcsc_wait_link waiters; /* FIFO: wake_one takes next, the oldest */
  uint16_t state;
  uint16_t magic;
  uint32_t self_tag;
  uintptr_t batons; /* hand-off wakes from this list not yet taken */
  uintptr_t reserved[2];
};

/**
 * A waiter list: the part of an event source that tasks wait on.
 *
 * Caller-owned (usually inside the source). Must not move after
 * bcsc_waitq_init() and must be empty when torn down.
 */
struct bcsc_waitq {
  /* public */
  void *data; /**< The caller's; bcsc never reads it. */
  /* private */
  struct bcsc_waitq_private priv;
};

/** Static initialisers; same effect as the _init functions. */
#define BCSC_WAIT_INITIALIZER                                                  \
  {                                                                            \
    NULL, 0, { {NULL, NULL}, NULL, NULL, NULL, 0, 0x3a17, 0 }                  \
  }
#define BCSC_WAITQ_INITIALIZER                                                 \
  {                                                                            \
    NULL, {                                                                    \
      {NULL, NULL}, 0, 0x3b29, 0, 0, { 0, 0 }                                  \
    }                                                                          \
  }

/**
 * Prepare a registration node.
 *
 * Never call it on a linked node, nor on one holding a hand-off wake its
 * task has not taken yet (until that task's next poll has returned,
 * bcsc_waitq_set_handoff()): the executor still lists that node.
 * @retval 0            ready
 * @retval BCSC_EINVAL  @p wait is NULL
 * @thread any  @allocates never  @since 0.1
 */
BCSC_API int bcsc_wait_init(bcsc_wait_t *wait);

/**
 * Link @p wait into @p queue on behalf of the running task.
 *
 * Clears the node's "fired" mark; a hand-off wake the node held
 * and had not taken is declined (passed to the next waiter of its list,
 * bcsc_waitq_set_handoff()). The task is woken when a wake reaches the
 * node; registrations made during a poll in which the task has already been
 * woken are dropped when that poll returns (the task runs again anyway).
 * @param self   the task being polled.
 * @param wait   an initialised, unlinked node (normally in self's frame).
 * @param queue  an initialised waiter list.
 * @retval 0             linked
 * @retval BCSC_EINVAL   an argument is NULL
 * @retval BCSC_EBADOBJ  an argument is not initialised, or @p wait is a
 *                       copy of a node holding a hand-off wake (D96)
 * @retval BCSC_EPERM    @p self is not the task being polled
 * @retval BCSC_EBUSY    @p wait is already linked
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_wait_register(bcsc_task_t *self, bcsc_wait_t *wait,
                                bcsc_waitq_t *queue);

/** What bcsc_wait_cancel() did: its non-negative results. */
enum bcsc_wait_cancel_result {
  /** The node was not linked: nothing to do. */
  BCSC_WAIT_NOT_LINKED = 0,
  /** The node was linked and is now unlinked (or its completion source's
   *  abort function fired it: bcsc_wait_fired() says 1). */
  BCSC_WAIT_UNLINKED = 1,
  /** The node is on a completion source's list whose abort is pending
   *  (bcsc_waitq_set_abort()): it stays linked until the source fires it.
   *  Not BCSC_PENDING, which is 1 (BCSC_WAIT_UNLINKED). */
  BCSC_WAIT_HELD = 2
};

/**
 * Unlink a registration early, in O(1). Does nothing if it is not linked,
 * but for a hand-off wake it holds and has not taken: that one is declined
 * and goes to the next waiter of its list (bcsc_waitq_set_handoff()), and
 * the node is no longer fired.
 *
 * On a completion source's list (bcsc_waitq_set_abort()) the source's
 * abort function is asked first; if the operation is still in flight the
 * node stays linked and the call returns BCSC_WAIT_HELD (again, without
 * asking, while it stays so): the node's fire wakes the task as usual.
 * @retval BCSC_WAIT_UNLINKED    (1) it was linked and is now unlinked (or
 *                               its abort function fired it:
 *                               bcsc_wait_fired() says 1)
 * @retval BCSC_WAIT_NOT_LINKED  (0) it was not linked (a hand-off wake it
 *                               held untaken has gone on to its list's
 *                               next waiter)
 * @retval BCSC_WAIT_HELD        (2) its source's abort is pending: still
 *                               linked
 * @retval BCSC_EINVAL   @p wait is NULL
 * @retval BCSC_EBADOBJ  @p wait is not initialised, or is a copy of a
 *                       node holding a hand-off wake (D96); or (checked
 *                       build) it says it is linked but its lists do not
 *                       hold it (a second unlink,
 *                       BCSC_MISUSE_NODE_UNLINKED) or its
 *                       memory was overwritten (BCSC_MISUSE_FRAME_CLOBBERED);
 *                       nothing is changed
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_wait_cancel(bcsc_wait_t *wait);

/**
 * Whether @p wait has fired since it was last registered and the wake has
 * not been consumed: bcsc_wait_on() (or a primitive's waiting call) that
 * takes the wake clears the mark, as does bcsc_wait_cancel() of a hand-off
 * wake.
 *
 * @return 1 if fired, 0 if not (or if @p wait is NULL).
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_wait_fired(const bcsc_wait_t *wait);

/**
 * Whether @p wait is linked into a waiter list right now.
 *
 * @return 1 if linked, 0 if not (or if @p wait is NULL).
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_wait_linked(const bcsc_wait_t *wait);

/**
 * Wait for @p queue in one call: the building block of BCSC_AWAIT loops.
 *
 * If @p wait fired since it was registered, clears the mark and returns 0.
 * Otherwise, if @p self has been cancelled, returns BCSC_ECANCELED without
 * registering. Otherwise registers @p wait on @p queue and returns
 * BCSC_PENDING, which the poll function returns.
 * @retval 0               the wait completed (read wait->value)
 * @retval BCSC_PENDING    registered; return BCSC_PENDING from the poll
 * @retval BCSC_ECANCELED  the task is cancelled
 * @retval (negative)      the errors of bcsc_wait_register()
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_wait_on(bcsc_task_t *self, bcsc_wait_t *wait,
                          bcsc_waitq_t *queue);

/**
 * Prepare an empty waiter list.
 *
 * @retval 0            ready
 * @retval BCSC_EINVAL  @p queue is NULL
 * @thread any  @allocates never  @since 0.1
 */
BCSC_API int bcsc_waitq_init(bcsc_waitq_t *queue);

/**
 * Tear down a waiter list. It must have no waiters. Afterwards its queries
 * answer as for a zero list (D89); its data field is left alone.
 *
 * @retval 0             done; the list may be freed or initialised again
 * @retval BCSC_EINVAL   @p queue is NULL
 * @retval BCSC_EBADOBJ  @p queue is not initialised
 * @retval BCSC_EBUSY    waiters are still linked (the list is left intact)
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_waitq_deinit(bcsc_waitq_t *queue);

/**
 * Wake the oldest registration on @p queue.
 *
 * The node is unlinked, marked fired with @p value, and its task queued
 * (the task's other registrations are unlinked).
 * @return the number of tasks woken (0 or 1), or BCSC_EINVAL / BCSC_EBADOBJ.
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_waitq_wake_one(bcsc_waitq_t *queue, uintptr_t value);

/**
 * Wake every registration on @p queue, oldest first.
 *
 * @return the number of tasks woken, or BCSC_EINVAL / BCSC_EBADOBJ.
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_waitq_wake_all(bcsc_waitq_t *queue, uintptr_t value);

/**
 * Make @p queue a hand-off list (@p on 1) or a plain one (0).
 *
 * A wake from a hand-off list is a baton that must reach a task that takes
 * it. The woken task takes it by consuming its registration in the poll
 * that follows the wake (bcsc_wait_on(), or the waiting call of the
 * primitive that owns the list). If that poll returns without doing so -
 * the task was cancelled, returned, or took another branch of a select -
 * or the task calls bcsc_wait_cancel() on the fired registration, bcsc
 * fires the next waiter of the list with the same value. Channels,
 * semaphores and mutexes, which wake one waiter per message or permit, are
 * built on this (D22); a source that wakes everyone needs no hand-off.
 *
 * While a baton is out the list must not move or be torn down
 * (bcsc_waitq_deinit() fails with BCSC_EBUSY), and the fired registration
 * must not be re-initialised until its task's next poll has returned.
 * @retval 0             done
 * @retval BCSC_EINVAL   @p queue is NULL, or @p on is 1 and @p queue is a
 *                       completion source's (bcsc_waitq_set_abort())
 * @retval BCSC_EBADOBJ  @p queue is not initialised
 * @retval BCSC_EBUSY    the list has waiters or batons out (nothing changes)
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_waitq_set_handoff(bcsc_waitq_t *queue, int on);

/**
 * What a completion source does when bcsc must take back one of its
 * registrations before it fired (see bcsc_waitq_set_abort()).
 *
 * Called on the executor's thread with the list's @p context and the
 * registration @p wait, at most once per link. Returns 0 (BCSC_DONE: the
 * source has let go of the operation, bcsc unlinks the node now) or
 * BCSC_PENDING (the operation is still in flight: the node stays linked,
 * "aborting", until the source fires it with bcsc_waitq_wake_one() or
 * _all() on its list, passing the operation's outcome as the value). Any
 * other value is taken as 0 (reported in the checked build,
 * BCSC_MISUSE_ABORT_RESULT). The function may fire @p wait itself (it
 * completed after all): that counts as done, and the node is fired with
 * that value. It may also cancel @p wait's task or a scope of it, fire or
 * bcsc_wait_cancel() the task's other registrations (bcsc_wait_cancel()
 * of @p wait itself returns BCSC_WAIT_HELD meanwhile), or wake anything
 * else: a wake of the task is put off until the call that asked is done
 * with the node, and the task then runs once, as for any wake (D76). It
 * must not run the executor: bcsc_executor_run(), _poll() and _run_once()
 * fail with BCSC_EBUSY (reported in the checked build,
 * BCSC_MISUSE_ABORT_REENTERED).
 */
typedef int (*bcsc_abort_fn)(void *context, bcsc_wait_t *wait);

/**
 * Make @p queue a completion source's list (@p abort not NULL), or a plain
 * one again (NULL).
 *
 * Every registration on such a list is abortable: it stands for an
 * operation (an io_uring read, a DMA transfer) that writes into its task's
 * frame until the source reports completion, so it is never simply
 * unlinked. Whenever bcsc would unlink one that has not fired - its task
 * is cancelled (task or scope cancel, deadline, race loss, drain), another
 * registration of the task fired (select), the task returned while it was
 * linked, or bcsc_wait_cancel() was called on it - it first calls
 * @p abort(@p context, node). If that returns BCSC_PENDING the node stays
 * linked until the source fires it, and the task's frame stays reserved
 * meanwhile:
 *  - a cancelled or woken task is not queued until every aborting
 *    registration it holds has fired; it then runs once, sees
 *    bcsc_task_cancelled() and every fired node (with the outcome the source
 *    passed, say the bytes a read delivered anyway);
 *  - a task that returned (done or an error) stays live in its scope -
 *    the scope's join waits, a drain grace reports it stuck - until they
 *    have fired; it then completes with the result it returned, without
 *    another poll;
 *  - bcsc_wait_cancel() returns BCSC_WAIT_HELD and the node stays an
 *    ordinary registration of the task: its fire wakes the task.
 * bcsc_task_wait_next() lists a task's aborting registrations. The list's
 * reserved words hold @p abort and @p context (no layout change);
 * registering on it takes the checked path of bcsc_wait_on().
 * @retval 0             done
 * @retval BCSC_EINVAL   @p queue is NULL, or is a hand-off list
 *                       (bcsc_waitq_set_handoff()), whose wakes are batons
 * @retval BCSC_EBADOBJ  @p queue is not initialised
 * @retval BCSC_EBUSY    the list has waiters (nothing changes)
 * @thread executor  @allocates never  @since 0.6
 */
BCSC_API int bcsc_waitq_set_abort(bcsc_waitq_t *queue, bcsc_abort_fn abort,
                                  void *context);

/**
 * The number of registrations linked into @p queue (0 if NULL).
 *
 * O(n): it counts them (a list keeps no count, so that a registration is
 * unlinked without knowing its list).
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API uint32_t bcsc_waitq_count(const bcsc_waitq_t *queue);

/**
 * Whether no registration is linked into @p queue (1) or some are (0). O(1):
 * what a source asks before deciding whether anyone waits. 1 for NULL.
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_waitq_empty(const bcsc_waitq_t *queue);

/**
 * The registrations @p task holds linked now, one at a time: the newest
 * with @p prev NULL, then the one after @p prev; NULL after the last.
 *
 * What a drain grace's report (bcsc_scope_set_drain_grace()) shows of a
 * stuck task. Only a task that is waiting or being polled holds any: for
 * one that is queued, idle or done, the answer is NULL. A task that waits
 * for a value wake (bcsc/waker.h) or for its own scopes' children holds no
 * registration for it. Read-only; the list must not change during the
 * walk (no wake, cancel or unlink of the task in between).
 * @param task  a task frame.
 * @param prev  NULL, or a registration this function returned for @p task.
 * @return the next registration, or NULL (also for a NULL @p task). An
 *         invalid @p task or a @p prev that is not a linked registration of
 *         @p task is misuse: NULL, reported in the checked build
 *         (BCSC_MISUSE_BAD_OBJECT, _MOVED, _BAD_ARGUMENT).
 * @thread executor  @allocates never  @since 0.6
 */
BCSC_API bcsc_wait_t *bcsc_task_wait_next(const bcsc_task_t *task,
                                          const bcsc_wait_t *prev);

/**
 * The waiter list @p wait is linked into: which source a task waits on.
 *
 * NULL if @p wait is not linked, or is linked with no list: a timer's
 * registration, whose source is the executor's timing wheel (its timer is
 * the bcsc_timer_t that contains it). O(n) in the length of the list: the
 * list is found by walking its ring from the node.
 * @return the list, or NULL (also for NULL).
 * @thread executor  @allocates never  @since 0.6
 */
BCSC_API bcsc_waitq_t *bcsc_wait_queue(const bcsc_wait_t *wait);

/**
 * sizeof(bcsc_wait_t) in the library as built; bindings that allocate by size
 * compare it with their own copy of the layout.
 * @thread any  @allocates never  @since 0.1
 */
BCSC_API size_t bcsc_wait_sizeof(void);

/**
 * alignof(bcsc_wait_t) in the library as built.
 * @thread any  @allocates never  @since 0.1
 */
BCSC_API size_t bcsc_wait_alignof(void);

/**
 * sizeof(bcsc_waitq_t) in the library as built; bindings that allocate by size
 * compare it with their own copy of the layout.
 * @thread any  @allocates never  @since 0.1
 */
BCSC_API size_t bcsc_waitq_sizeof(void);

/**
 * alignof(bcsc_waitq_t) in the library as built.
 * @thread any  @allocates never  @since 0.1
 */
BCSC_API size_t bcsc_waitq_alignof(void);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* BCSC_WAIT_H */
