/* SPDX-License-Identifier: MIT
 * bcsc/supervise.h - supervised children: what a child's failure does,
 * per child - ignore it, restart the child, or escalate it.
 *
 * A supervised child runs inside a wrapper, itself a task: the caller
 * provides both frames, initialises the wrapper with
 * bcsc_supervised_init() and spawns the wrapper (&s->task), not the
 * child, into any scope - normally a BCSC_SCOPE_FAIL_FAST one, the
 * supervisor scope. The wrapper opens a scope of its own, runs the child
 * in it and, when the child fails, applies its policy:
 *
 *   IGNORE    the failure is counted; the wrapper ends with 0 and its
 *             siblings never hear of it.
 *   RESTART   the caller's restart function re-initialises the child's
 *             frame and the child runs again, up to max_restarts times;
 *             then the failure escalates.
 *   ESCALATE  the wrapper ends with the child's error: a FAIL_FAST
 *             supervisor scope cancels the wrapper's siblings.
 *
 *   bcsc_supervised_init(&f->lidar_sup, &f->lidar.task,
 *                        BCSC_SUPERVISE_RESTART, 3, lidar_restart, f);
 *   bcsc_scope_spawn(&f->scope, &f->lidar_sup.task);
 *
 * Built on scopes alone (like bcsc/combinator.h): a cancelled wrapper
 * cancels its child through its scope, and never restarts it. See
 * docs/guide.md, "Supervised children", and D63. */
#ifndef BCSC_SUPERVISE_H
#define BCSC_SUPERVISE_H

#include <stddef.h>
#include <stdint.h>

#include "bcsc/export.h"
#include "bcsc/scope.h"
#include "bcsc/task.h"
#include "bcsc/types.h"

#ifdef __cplusplus
extern "C" {
#endif

/** What a supervised child's failure does (bcsc_supervised_init()). */
enum bcsc_supervise_policy {
  /** Default. The wrapper ends with the child's error, as if the child had
   *  been spawned in its place. */
  BCSC_SUPERVISE_ESCALATE = 0,
  /** The failure is counted and dropped: the wrapper ends with 0. */
  BCSC_SUPERVISE_IGNORE = 1,
  /** The child is re-initialised and run again, a bounded number of
   *  times; a failure past the budget escalates. */
  BCSC_SUPERVISE_RESTART = 2
};

typedef struct bcsc_supervised bcsc_supervised_t;

/**
 * Re-initialise a failed child's frame so that it can run again.
 *
 * Called by a BCSC_SUPERVISE_RESTART wrapper, on the executor's thread
 * from inside the wrapper's poll, after the child's run ended with an
 * error and before it is spawned again. It must make @p child an idle
 * frame again - bcsc_task_init() on it (with the same or another poll
 * function) - and reset whatever state of the caller's the child starts
 * from. It may call what any code on the executor's thread may (spawn
 * into open scopes, wake, signal, send without waiting); it must not run
 * or poll an executor, call a function that takes the running task as
 * `self`, or touch the wrapper other than through the getters. It cannot
 * wait: a child that should back off waits at its own start (the @p
 * restarts number tells it how long).
 * @param context   the pointer given to bcsc_supervised_init().
 * @param child     the child's frame: completed, its result in
 *                  bcsc_task_result().
 * @param restarts  the number of this restart: 1 for the first.
 * @return 0 to restart the child; a negative error to escalate that error
 *         instead (the child is not spawned again). A positive value is
 *         misuse (BAD_ARGUMENT) and escalates BCSC_EINVAL.
 */
typedef int (*bcsc_restart_fn)(void *context, bcsc_task_t *child,
                               uint32_t restarts);

/** bcsc's part of a supervised child's wrapper. PRIVATE - DO NOT TOUCH. */
struct bcsc_supervised_private {
  bcsc_scope_t scope;      /* the child's scope, owned by the wrapper */
  bcsc_task_t *child;      /* the supervised frame */
  bcsc_restart_fn restart; /* NULL unless the policy is RESTART */
  void *context;           /* the restart function's */
  uint32_t policy;         /* a bcsc_supervise_policy */
  uint32_t max_restarts;   /* the restart budget */
  uint32_t restarts;       /* restarts so far */
  uint32_t failures;       /* failed runs of the child so far */
  int32_t last_error;      /* the last failure's error; 0 if none */
  uint32_t state;          /* whether the child's scope is open */
};

/**
 * A supervised child's wrapper: the task to spawn in the child's place.
 *
 * Caller-owned, normally in the supervising task's frame next to the
 * child's frame; must stay alive and unmoved from bcsc_supervised_init()
 * until the wrapper task has completed (bcsc_task_done(&s->task) is 1),
 * and so must the child's frame. Not copyable or movable while live. There
 * is no static initialiser: the wrapper's poll function is the library's,
 * set by bcsc_supervised_init().
 */
struct bcsc_supervised {
  /* public */
  bcsc_task_t task; /**< The wrapper task: spawn this. task.data is the
                         caller's (NULL after init); poll is read-only. */
  /* private */
  struct bcsc_supervised_private priv;
};

/**
 * Prepare a wrapper that supervises @p child with @p policy.
 *
 * Initialises @p s->task as a task (as bcsc_task_init() does, data NULL)
 * and the supervision state (no restarts, no failures). Spawn &@p s->task
 * afterwards; @p child must not be spawned by anyone else. When polled,
 * the wrapper opens its own scope, spawns @p child into it and joins:
 *  - the child finished (its run's result, as its scope's join gives it,
 *    is 0 - also when it was cancelled directly, bcsc_task_cancel() on
 *    the child, and returned BCSC_ECANCELED): the wrapper returns 0;
 *  - the wrapper itself was cancelled (its scope's cancellation, a
 *    deadline, a sibling's failure): it returns what the join gave -
 *    BCSC_ECANCELED, or the child's error - and never restarts;
 *  - otherwise the run failed: it is counted and the policy decides.
 *    IGNORE returns 0; ESCALATE returns the error; RESTART calls
 *    @p restart and runs the child again, unless @p max_restarts restarts
 *    were made already - then it returns the error.
 * A child that cannot be spawned when the wrapper starts it (spawned
 * elsewhere meanwhile; not re-initialised by @p restart) fails the
 * wrapper with bcsc_scope_spawn()'s error (misuse reported).
 *
 * Never call it on a live wrapper. A completed one may be initialised
 * again and reused.
 * @param s             the wrapper.
 * @param child         an initialised frame that is not live, other than
 *                      &@p s->task.
 * @param policy        a bcsc_supervise_policy value.
 * @param max_restarts  how many times RESTART restarts the child, over the
 *                      wrapper's life; ignored by the other policies.
 * @param restart       the child's re-initialisation; required with
 *                      RESTART, ignored (may be NULL) otherwise.
 * @param context       passed to @p restart unchanged.
 * @retval 0             ready: spawn &@p s->task
 * @retval BCSC_EINVAL   @p s or @p child is NULL; @p child is &@p s->task;
 *                       @p policy is unknown; RESTART without @p restart
 *                       (misuse BAD_ARGUMENT for the last three)
 * @retval BCSC_EBADOBJ  @p child is not an initialised frame, or was moved
 * @retval BCSC_EBUSY    @p child is live
 * @retval BCSC_ESTATE   @p child has completed and was not initialised
 *                       again
 * On failure @p s and @p child are untouched.
 * @thread any  @allocates never  @since 0.6
 */
BCSC_API int bcsc_supervised_init(bcsc_supervised_t *s, bcsc_task_t *child,
                                  uint32_t policy, uint32_t max_restarts,
                                  bcsc_restart_fn restart, void *context);

/**
 * How many times @p s has restarted its child so far (restart functions
 * that returned 0).
 * @return the count (0 for NULL).
 * @thread executor  @allocates never  @since 0.6
 */
BCSC_API uint32_t bcsc_supervised_restarts(const bcsc_supervised_t *s);

/**
 * How many runs of @p s's child have failed so far: every failure its
 * policy acted on - ignored, restarted or escalated. A run that ended
 * because the wrapper was cancelled is not counted.
 * @return the count (0 for NULL).
 * @thread executor  @allocates never  @since 0.6
 */
BCSC_API uint32_t bcsc_supervised_failures(const bcsc_supervised_t *s);

/**
 * The error of the last failure bcsc_supervised_failures() counted.
 * @return a negative code; 0 if no run has failed (or for NULL).
 * @thread executor  @allocates never  @since 0.6
 */
BCSC_API int bcsc_supervised_last_error(const bcsc_supervised_t *s);

/**
 * sizeof(bcsc_supervised_t) in the library as built; bindings that
 * allocate by size compare it with their own copy of the layout.
 * @thread any  @allocates never  @since 0.6
 */
BCSC_API size_t bcsc_supervised_sizeof(void);

/**
 * alignof(bcsc_supervised_t) in the library as built.
 * @thread any  @allocates never  @since 0.6
 */
BCSC_API size_t bcsc_supervised_alignof(void);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* BCSC_SUPERVISE_H */
