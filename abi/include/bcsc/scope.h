/* SPDX-License-Identifier: MIT
 * bcsc/scope.h - scopes (nurseries): where children live and how they end.
 *
 * A scope is opened by a running task - its owner - inside the owner's own
 * frame. Children are spawned into it; their frames may live inside the
 * owner's frame, because a scope cannot end while it has a live child:
 *  - bcsc_scope_join() returns BCSC_PENDING until every child has completed,
 *    then the scope's result, and closes the scope.
 *  - A task whose poll function returns (a result or an error) while it still
 *    has open scopes does not complete: bcsc cancels those scopes, waits for
 *    their children to finish cleaning up, then completes the task.
 *  - A task's scopes close in LIFO order, like the stack frames they model. */
#ifndef BCSC_SCOPE_H
#define BCSC_SCOPE_H

#include <stddef.h>
#include <stdint.h>

#include "bcsc/export.h"
#include "bcsc/timer.h"
#include "bcsc/types.h"
#include "bcsc/wait.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Scope policies: what a child's result does to its siblings and to join. */
enum bcsc_scope_policy {
  /** Default. The first error cancels the other children; join returns it. */
  BCSC_SCOPE_FAIL_FAST = 0,
  /** Every child runs to the end; join returns the first error (if any). */
  BCSC_SCOPE_WAIT_ALL = 1,
  /** The first child to finish wins: the others are cancelled and drained,
   *  join returns the winner's result. */
  BCSC_SCOPE_RACE = 2
};

/** Options OR-ed into bcsc_scope_init()'s policy argument. */
enum bcsc_scope_option {
  /** A shielded scope (Trio's shield): a cancellation from outside - its
   *  owner's, or one of any scope or task above - stops at it, so its
   *  children keep running and are not cancelled. Only the scope's own end
   *  cancels it: bcsc_scope_cancel(), its deadline, its policy, its owner
   *  returning with it open. This is how a cancelled task runs cleanup
   *  that must wait (stop the motors, wait for the acknowledgement): it
   *  opens a shielded scope, gives it a deadline, spawns the cleanup into
   *  it and joins. Without a deadline a shielded scope can hold a
   *  cancellation up forever (D80). */
  BCSC_SCOPE_SHIELD = 0x100
};

/** What a scope's deadline does to its result (bcsc_scope_set_deadline()). */
enum bcsc_deadline_kind {
  /** At the deadline the children are cancelled and join returns as if
   *  nothing happened: 0 unless a child failed (Trio's move_on_at). */
  BCSC_DEADLINE_MOVE_ON = 0,
  /** At the deadline the children are cancelled and join returns
   *  BCSC_ETIMEDOUT unless a child failed first (Trio's fail_at). */
  BCSC_DEADLINE_FAIL = 1
};

/**
 * What a scope's drain grace reports (bcsc_scope_set_drain_grace()): called
 * once for each task still live in @p scope's subtree when the grace period
 * after its cancellation ran out - its children, and the tasks below them.
 * Called on the executor's thread; must not unwind into bcsc (a binding's
 * trampoline catches what its language throws).
 * @param context  the pointer given with the callback.
 * @param scope    the scope whose grace period ran out (cancelled, open).
 * @param child    a live task of that subtree; its registrations are listed
 *                 by bcsc_task_wait_next() (bcsc/wait.h).
 */
typedef void (*bcsc_stuck_fn)(void *context, bcsc_scope_t *scope,
                              bcsc_task_t *child);

/** bcsc's part of a scope. PRIVATE - DO NOT TOUCH.
 *
 * What spawn, completion and join touch comes first: with the public data
 * word it is the scope's first 64 bytes on 64-bit targets. The rest is
 * written only when a child fails, a race is won, the owner returns with
 * the scope open or a deadline is set. */
struct bcsc_scope_private {
  bcsc_executor_t *executor;
  bcsc_task_t *owner;  /* NULL only for an executor's root scope */
  bcsc_scope_t *outer; /* the owner's next outer open scope */
  bcsc_task_t *head;   /* live children, in spawn order */
  bcsc_task_t *tail;
  uint32_t live;   /* children spawned and not yet completed */
  uint16_t policy; /* a bcsc_scope_policy */
  uint16_t flags;  /* cancelled, joining, failed, ... */
  uint16_t state;
  uint16_t magic;
  uint32_t self_tag;
  /* cold */
  int32_t first_error;  /* valid once a child failed */
  uint32_t error_count; /* likewise */
  /* The race winner's result once a race is won, then the owner's own
   * result once it returned with the scope open: such an owner never
   * joins, so the winner's is not read again (D75). */
  int32_t kept_result;
  /* The checked build: registrations of its tasks still linked, audited
   * when the scope ends (D29); 0 in the release build. */
  uint32_t linked;
  struct bcsc_timer_link deadline; /* in the wheel while a deadline is set;
                                      valid once one was set */
  bcsc_task_t *race_winner;        /* valid once a race is won */
  /* Children running on other executors (bcsc/remote.h), through their
   * relays; valid once the first was spawned. */
  bcsc_remote_task_t *remote_head;
  /* The nodes attached to the scope, newest first (D64): context entries
   * (bcsc/context.h, D53), its drain grace (D59) and its error list (D54).
   * Valid while a flag says the scope has one of them; written only by
   * those calls, when a grace is spent and when the scope closes. */
  struct bcsc_attach_private *attachments;
};

/**
 * One failed child, as a scope's error list records it
 * (bcsc_scope_set_error_list()).
 *
 * Written by bcsc into the caller's array, read by the caller. The task
 * pointer is an identity only: the child has completed when it is
 * written, and its frame may have been reused since (a pool's next task,
 * the same frame spawned again). Compare it or use it to find the
 * caller's own struct; do not call bcsc on it.
 */
struct bcsc_child_error {
  bcsc_task_t *task; /**< The child that failed. */
  int32_t error;     /**< Its result: a negative code. */
  /** 1 if the child had been cancelled when it failed (with another code
   *  than BCSC_ECANCELED, e.g. an error of its cleanup), else 0. */
  uint32_t cancelled;
};

/** bcsc's part of a drain grace. PRIVATE - DO NOT TOUCH. */
struct bcsc_drain_grace_private {
  struct bcsc_attach_private node; /* first: the scope's list holds it */
  /* While the grace timer runs, it borrows the scope's deadline link (a
   * cancelled scope's deadline has nothing left to do); this keeps the
   * deadline the link held, which bcsc_scope_deadline() reports. */
  uint64_t kept;
};

/**
 * A scope's drain grace (bcsc_scope_set_drain_grace()): the period, the
 * report and its context, attached to the scope.
 *
 * Caller-owned, normally in the scope owner's frame next to the scope;
 * initialise once (bcsc_drain_grace_init() or BCSC_DRAIN_GRACE_INITIALIZER),
 * then attach with bcsc_scope_set_drain_grace(). From then until it is
 * detached - removed, replaced, spent (its report ran), or its scope
 * closed - it must stay alive and must not move; after that it is idle
 * again and may be attached anew (D64).
 */
struct bcsc_drain_grace {
  /* private: first, as in every node a scope holds */
  struct bcsc_drain_grace_private priv;
  /* read-only: written by bcsc_scope_set_drain_grace() */
  uint64_t period;      /**< The period, in ns from the cancellation. */
  bcsc_stuck_fn report; /**< Called for each stuck task. */
  void *context;        /**< Passed to @c report. */
};

/** Static initialiser; same effect as bcsc_drain_grace_init(). */
#define BCSC_DRAIN_GRACE_INITIALIZER                                           \
  { {{NULL, 0, 0, 0x6ace, 0}, 0}, 0, NULL, NULL }

/**
 * A scope's error list (bcsc_scope_set_error_list()): the caller's array
 * of failed children and its length, attached to the scope.
 *
 * Caller-owned, normally in the scope owner's frame next to the scope;
 * initialise once (bcsc_error_list_init() or BCSC_ERROR_LIST_INITIALIZER),
 * then attach with bcsc_scope_set_error_list(). From then until it is
 * detached - removed, replaced, or its scope closed - it and its array must
 * stay alive and it must not move; after that it is idle again and may be
 * attached anew, and the array stays readable (D64).
 */
struct bcsc_error_list {
  /* private: first, as in every node a scope holds */
  struct bcsc_attach_private priv;
  /* read-only: written by bcsc_scope_set_error_list() */
  bcsc_child_error_t *list; /**< The caller's array. */
  uint32_t capacity;        /**< Its length in entries. */
};

/** Static initialiser; same effect as bcsc_error_list_init(). */
#define BCSC_ERROR_LIST_INITIALIZER                                            \
  { {NULL, 0, 0, 0xe415, 0}, NULL, 0 }

/**
 * A scope.
 *
 * Caller-owned, inside the owner task's frame; must not move from
 * bcsc_scope_init() until bcsc_scope_join() has returned a result (or the
 * owner has completed).
 */
struct bcsc_scope {
  /* public */
  void *data; /**< The caller's; bcsc never reads it. */
  /* private */
  struct bcsc_scope_private priv;
};

/**
 * Open a scope owned by the running task.
 *
 * The scope becomes the owner's innermost open scope. If the owner has been
 * cancelled the scope starts cancelled, unless it is shielded
 * (BCSC_SCOPE_SHIELD). Never call it on an open scope.
 * @param scope   the scope, normally in @p owner's frame.
 * @param owner   the task being polled.
 * @param policy  a bcsc_scope_policy value, optionally OR-ed with
 *                BCSC_SCOPE_SHIELD.
 * @retval 0            open
 * @retval BCSC_EINVAL  an argument is NULL, or @p policy is unknown or has
 *                      an unknown option bit
 * @retval BCSC_EBADOBJ @p owner is not an initialised frame
 * @retval BCSC_EPERM   @p owner is not the task being polled
 * @retval BCSC_EBUSY   @p scope is one of @p owner's open scopes already
 *                      (nothing is changed)
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_scope_init(bcsc_scope_t *scope, bcsc_task_t *owner,
                             uint32_t policy);

/**
 * Start a child task in @p scope.
 *
 * The child is queued behind the tasks already ready and belongs to the scope
 * until it completes. If the scope is cancelled the child starts cancelled.
 * Any code on the executor's thread may spawn into an open scope. On failure
 * the frame is untouched and will never be polled.
 * @param scope  an open scope.
 * @param child  an initialised frame that is not live.
 * @retval 0             queued
 * @retval BCSC_EINVAL   an argument is NULL
 * @retval BCSC_EBADOBJ  an argument is not initialised, or was moved
 * @retval BCSC_EBUSY    @p child is already live (double spawn)
 * @retval BCSC_ESTATE   @p scope is not open (joined, or never opened),
 *                       or @p child has completed and was not initialised
 *                       again (bcsc_task_init())
 * @retval BCSC_EPERM    checked build: called from a thread that is not
 *                       the executor's (bcsc_executor_bind_thread())
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_scope_spawn(bcsc_scope_t *scope, bcsc_task_t *child);

/**
 * Wait for every child of @p scope, then close it.
 *
 * Called by the owner from its poll function. While children are live it
 * registers the owner to be woken when the last one completes and returns
 * BCSC_PENDING. Otherwise it closes the scope and returns its result:
 *  - FAIL_FAST, WAIT_ALL: the first child error; else, if the scope's own
 *    deadline cancelled it, BCSC_ETIMEDOUT (BCSC_DEADLINE_FAIL) or 0
 *    (BCSC_DEADLINE_MOVE_ON); else BCSC_ECANCELED if the scope was
 *    cancelled; else 0. A child that returns BCSC_ECANCELED after being
 *    cancelled has not failed.
 *  - RACE: the first finisher's result (a child that was cancelled never
 *    wins); else, if the scope's own deadline cancelled it, BCSC_ETIMEDOUT
 *    (BCSC_DEADLINE_FAIL) or 0 (BCSC_DEADLINE_MOVE_ON); else BCSC_ECANCELED
 *    if the scope was cancelled or every child that finished had been
 *    cancelled; else 0 (no child ever finished).
 * @retval BCSC_PENDING    children are live; return BCSC_PENDING
 * @retval 0 or negative   the scope's result, as above; the scope is closed
 * @retval BCSC_EINVAL     @p scope is NULL
 * @retval BCSC_EBADOBJ    @p scope is not initialised, or was moved
 * @retval BCSC_ESTATE     @p scope is not open, or an inner scope of the same
 *                         owner is still open (LIFO)
 * @retval BCSC_EPERM      the caller is not the scope's owner being polled
 * @retval BCSC_EBADOBJ    (checked build) the scope's count says it is empty
 *                         but a child is still in it; the scope stays open
 *                         (BCSC_MISUSE_SCOPE_END_LIVE). A registration of one
 *                         of its tasks still linked when it ends is reported
 *                         (BCSC_MISUSE_SCOPE_END_LINKED) and the join goes on.
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_scope_join(bcsc_scope_t *scope);

/**
 * Request cancellation of every child of @p scope, recursively.
 *
 * Children are marked cancelled, their registrations unlinked and they are
 * queued to observe it; scopes they own are cancelled too, but for shielded
 * ones (BCSC_SCOPE_SHIELD: the cancellation stops there; cancelling a
 * shielded scope itself reaches its children). Children spawned later
 * start cancelled. The scope stays open: join it as usual.
 * @retval 0             requested (or already requested)
 * @retval BCSC_EINVAL   @p scope is NULL
 * @retval BCSC_EBADOBJ  @p scope is not initialised; or (checked build) the
 *                       walk met a frame overwritten while linked or a
 *                       link to a completed task; the tasks before it were
 *                       cancelled
 * @retval BCSC_ESTATE   @p scope is not open
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_scope_cancel(bcsc_scope_t *scope);

/**
 * Shield @p scope (@p on non-zero) or take its shield away (@p on 0), as
 * Trio's `cancel_scope.shield = True / False`; BCSC_SCOPE_SHIELD at
 * bcsc_scope_init() is the same shield from the start.
 *
 * Turned on, it stops the cancellations from outside that come later
 * (its owner's, an outer scope's cancel, deadline or policy); what was
 * cancelled before stays cancelled. Taken away while such a cancellation
 * would have reached the scope - its owner is cancelled - the scope is
 * cancelled now (its children, recursively, as bcsc_scope_cancel()). A
 * start its owner has pending into it (bcsc/start.h) follows it (D83).
 * bcsc_scope_deadline() follows the shield as it is. Any code on the
 * executor's thread may call it; setting what is set changes nothing.
 * @param scope  an open scope, not an executor's root scope.
 * @param on     non-zero: shielded; 0: not.
 * @retval 0             done
 * @retval BCSC_EINVAL   @p scope is NULL, or an executor's root scope
 *                       (BCSC_MISUSE_BAD_ARGUMENT)
 * @retval BCSC_EBADOBJ  @p scope is not initialised, or was moved; or
 *                       (checked build) the cancellation's walk met a frame
 *                       overwritten while linked
 * @retval BCSC_ESTATE   @p scope is not open
 * @retval BCSC_EPERM    checked build: called from a thread that is not
 *                       the executor's (bcsc_executor_bind_thread())
 * @thread executor  @allocates never  @since 0.6
 */
BCSC_API int bcsc_scope_set_shield(bcsc_scope_t *scope, int on);

/**
 * Whether @p scope has been cancelled: by bcsc_scope_cancel(), by its
 * owner's cancellation (unless it is shielded), by its deadline, by its
 * policy (a failure or a race winner), or by its owner returning with it
 * open.
 * @return 1 if cancelled, 0 if not (or if @p scope is NULL).
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_scope_cancelled(const bcsc_scope_t *scope);

/**
 * Give @p scope a deadline: at @p deadline (reactor time, ns) its children
 * are cancelled as by bcsc_scope_cancel(), unless the scope has been
 * cancelled already. @p kind (a bcsc_deadline_kind) says what join returns
 * then. The owner itself is not cancelled: it finds out when it joins.
 * Setting it again moves the deadline; BCSC_NO_DEADLINE removes it. A
 * deadline that has already passed cancels at once. Nested scopes need no
 * help: an outer deadline cancels the inner scopes with the rest of the
 * subtree, so the earliest deadline of a chain is the one that acts -
 * except below a shielded scope (BCSC_SCOPE_SHIELD), which only its own
 * deadline reaches.
 * @retval 0             set
 * @retval BCSC_EINVAL   @p scope is NULL or @p kind is unknown
 * @retval BCSC_EBADOBJ  @p scope is not initialised, or was moved
 * @retval BCSC_ESTATE   @p scope is not open
 * @retval BCSC_EPERM    the caller is not the scope's owner being polled
 * @retval BCSC_ENOTSUP  the executor has no reactor (no clock)
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_scope_set_deadline(bcsc_scope_t *scope, uint64_t deadline,
                                     uint32_t kind);

/**
 * Give @p scope a drain grace period: once the scope is cancelled, its
 * children get @p grace_ns to finish; if any task of its subtree is still
 * live then, @p report is called once for each, and never again for that
 * period.
 *
 * Every way a scope is cancelled starts the period: bcsc_scope_cancel(),
 * its deadline, its policy (a child's failure, a race won), its owner's
 * cancellation (bcsc_task_cancel(), or an outer scope's), and its owner
 * returning with it open. Set on a scope already cancelled, the period
 * starts now. The period, the callback and the time the timer keeps live
 * in @p grace, a node in the caller's memory that the scope holds until it
 * is detached (bcsc_drain_grace_t, D64). A scope has at most one: setting
 * it again - with the same node, or with another, which replaces the first
 * (that one is detached and idle again) - replaces the period and the
 * callback and restarts a period that is running; @p report NULL detaches
 * the scope's grace, whichever node holds it (and @p grace_ns is not
 * looked at; @p grace stays idle). Once the report has run the grace is
 * spent and its node detached; it may be set again. A scope that closes
 * before the period ends - its children finished - leaves no timer behind,
 * and detaches the node.
 *
 * The report changes nothing: the scope goes on draining, and its join or
 * its owner's completion waits for the stuck tasks as before. Tasks are
 * reported depth first, each before the tasks of the scopes it owns; a
 * task that waits on nothing but its own scopes' children has no
 * registration to show, and theirs follow it. Children running on other
 * executors (bcsc/remote.h) are not reported: their frames are another
 * thread's. The callback runs on the executor's thread, from its timer
 * processing in bcsc_executor_run() or _poll(), with no task being polled.
 * It may read (bcsc_task_wait_next(), bcsc_wait_queue(), bcsc_scope_live(),
 * bcsc_task_cancelled(), its own data), wake (bcsc_waitq_wake_one(),
 * bcsc_waker_wake(), ...) and cancel (bcsc_task_cancel(): a grace that
 * this starts reports later, never from inside the call); a task it wakes
 * runs after the callback has returned. It must not
 * run or poll the executor (refused: BCSC_EBUSY) and cannot call what needs
 * a running task (bcsc_scope_init(), _join(), this function: BCSC_EPERM).
 * @param scope     an open scope.
 * @param grace     an initialised node, idle or attached to @p scope.
 * @param grace_ns  the period, in ns from the cancellation; at least 1.
 * @param report    called for each stuck task, or NULL to remove the grace.
 * @param context   passed to @p report.
 * @retval 0             set (or removed)
 * @retval BCSC_EINVAL   @p scope or @p grace is NULL, or @p report is
 *                       set and @p grace_ns is 0
 * @retval BCSC_EBADOBJ  @p scope or @p grace is not initialised, or was
 *                       moved (@p grace while attached)
 * @retval BCSC_EBUSY    @p grace is attached to another scope (misuse
 *                       BCSC_MISUSE_ATTACHED)
 * @retval BCSC_ESTATE   @p scope is not open
 * @retval BCSC_EPERM    the caller is not the scope's owner being polled
 * @retval BCSC_ENOTSUP  the executor has no reactor (no clock)
 * @thread executor  @allocates never  @since 0.6
 */
BCSC_API int bcsc_scope_set_drain_grace(bcsc_scope_t *scope,
                                        bcsc_drain_grace_t *grace,
                                        uint64_t grace_ns, bcsc_stuck_fn report,
                                        void *context);

/**
 * Prepare a drain grace node: idle, its period 0 and its report NULL.
 *
 * Never call it on an attached node.
 * @retval 0            ready
 * @retval BCSC_EINVAL  @p grace is NULL
 * @thread any  @allocates never  @since 0.6
 */
BCSC_API int bcsc_drain_grace_init(bcsc_drain_grace_t *grace);

/**
 * sizeof(bcsc_drain_grace_t) in the library as built.
 * @thread any  @allocates never  @since 0.6
 */
BCSC_API size_t bcsc_drain_grace_sizeof(void);

/**
 * alignof(bcsc_drain_grace_t) in the library as built.
 * @thread any  @allocates never  @since 0.6
 */
BCSC_API size_t bcsc_drain_grace_alignof(void);

/**
 * The deadline that will cancel @p scope: the earliest of its own and those
 * of the scopes it descends from (the scope its owner was spawned into, that
 * scope's owner's, and so on to the root), up to the first shielded one
 * (BCSC_SCOPE_SHIELD): its deadline counts, none above it does (D80).
 * Another open scope of the same owner does not count: cancelling it does
 * not reach this one's children. BCSC_NO_DEADLINE if none (or for NULL).
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API uint64_t bcsc_scope_deadline(const bcsc_scope_t *scope);

/**
 * Whether @p scope's own deadline fired and cancelled it (1) or not (0).
 * Still readable after join has closed the scope: Trio's cancelled_caught.
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_scope_timed_out(const bcsc_scope_t *scope);

/**
 * The child that won @p scope's race (BCSC_SCOPE_RACE): the first to finish
 * without having been cancelled. NULL while no child has won, for another
 * policy, or for NULL. Still readable after join has closed the scope; the
 * pointer is only compared or used to find the caller's own frame - the
 * task has completed.
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API bcsc_task_t *bcsc_scope_winner(const bcsc_scope_t *scope);

/**
 * The number of children of @p scope spawned and not yet completed.
 * @return the count (0 for NULL).
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API uint32_t bcsc_scope_live(const bcsc_scope_t *scope);

/**
 * How many children of @p scope have failed so far (a child that returned
 * BCSC_ECANCELED after being cancelled has not failed). With an error
 * list (bcsc_scope_set_error_list()) it is also how many the list would
 * hold: more than its capacity means it overflowed.
 * @return the count (0 for NULL).
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API uint32_t bcsc_scope_error_count(const bcsc_scope_t *scope);

/**
 * Give @p scope a list in which to record its failed children.
 *
 * From now on, every child of @p scope that fails - as
 * bcsc_scope_error_count() counts failures: a negative result, except
 * BCSC_ECANCELED from a child that had been cancelled - is written to
 * @p list in completion order, while fewer than @p capacity are recorded.
 * bcsc_scope_error_count() keeps counting past @p capacity, so the list
 * holds the first min(count, capacity) failures and overflowed if count >
 * capacity. Call it before the first child fails (before or after
 * spawning): a list set later would miss failures, and is refused. The
 * array and its length live in @p node, a node in the caller's memory
 * that the scope holds until it closes (bcsc_error_list_t, D64). A scope
 * has at most one: setting it again before a failure - with the same node,
 * or with another, which replaces the first (that one is detached and idle
 * again) - replaces the array, which bcsc no longer writes; @p list NULL
 * with @p capacity 0 detaches the scope's list, whichever node holds it
 * (@p node stays idle). The node and the array must stay alive until the
 * scope has closed, and the array stays readable after.
 * @param scope     an open scope owned by the running task.
 * @param node      an initialised node, idle or attached to @p scope.
 * @param list      the caller's array of @p capacity entries, or NULL
 *                  when @p capacity is 0.
 * @param capacity  how many entries @p list holds (0: count only).
 * @retval 0             set
 * @retval BCSC_EINVAL   @p scope or @p node is NULL, or @p list is NULL
 *                       and @p capacity is not 0
 * @retval BCSC_EBADOBJ  @p scope or @p node is not initialised, or was
 *                       moved (@p node while attached)
 * @retval BCSC_EBUSY    @p node is attached to another scope (misuse
 *                       BCSC_MISUSE_ATTACHED)
 * @retval BCSC_ESTATE   @p scope is not open; or a child has failed
 *                       already (misuse BCSC_MISUSE_ERROR_LIST_LATE)
 * @retval BCSC_EPERM    the caller is not the scope's owner being polled
 * @thread executor  @allocates never  @since 0.6
 */
BCSC_API int bcsc_scope_set_error_list(bcsc_scope_t *scope,
                                       bcsc_error_list_t *node,
                                       bcsc_child_error_t *list,
                                       uint32_t capacity);

/**
 * Prepare an error list node: idle, no array, capacity 0.
 *
 * Never call it on an attached node.
 * @retval 0            ready
 * @retval BCSC_EINVAL  @p node is NULL
 * @thread any  @allocates never  @since 0.6
 */
BCSC_API int bcsc_error_list_init(bcsc_error_list_t *node);

/**
 * sizeof(bcsc_error_list_t) in the library as built.
 * @thread any  @allocates never  @since 0.6
 */
BCSC_API size_t bcsc_error_list_sizeof(void);

/**
 * alignof(bcsc_error_list_t) in the library as built.
 * @thread any  @allocates never  @since 0.6
 */
BCSC_API size_t bcsc_error_list_alignof(void);

/**
 * sizeof(bcsc_child_error_t) in the library as built: the stride of an
 * error list.
 * @thread any  @allocates never  @since 0.6
 */
BCSC_API size_t bcsc_child_error_sizeof(void);

/**
 * alignof(bcsc_child_error_t) in the library as built.
 * @thread any  @allocates never  @since 0.6
 */
BCSC_API size_t bcsc_child_error_alignof(void);

/**
 * sizeof(bcsc_scope_t) in the library as built; bindings that allocate by size
 * compare it with their own copy of the layout.
 * @thread any  @allocates never  @since 0.1
 */
BCSC_API size_t bcsc_scope_sizeof(void);

/**
 * alignof(bcsc_scope_t) in the library as built.
 * @thread any  @allocates never  @since 0.1
 */
BCSC_API size_t bcsc_scope_alignof(void);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* BCSC_SCOPE_H */
