/* SPDX-License-Identifier: MIT
 * bcsc/combinator.h - join, race and timeout as plain functions over a
 * scope.
 *
 * Each runs a set of caller-provided child frames in a scope of the
 * caller's and waits for them, in one awaitable call: the first call opens
 * the scope and spawns the children, every later call joins, and the call
 * that returns something other than BCSC_PENDING has closed the scope.
 *
 *   BCSC_AWAIT(&f->co, rc, bcsc_race(self, &f->scope, f->tries, 2, &which));
 *
 * Wakeups are precise: every child is a task with its own registrations,
 * so a wake polls the one child it is for, and the caller runs only when
 * the scope has emptied (no "poll everything on any wake", as futures'
 * join_all does). The children's frames must live until the call has
 * returned a result, like any scope's children - normally they are in the
 * caller's frame, next to the scope. */
#ifndef BCSC_COMBINATOR_H
#define BCSC_COMBINATOR_H

#include <stddef.h>
#include <stdint.h>

#include "bcsc/export.h"
#include "bcsc/types.h"

#ifdef __cplusplus
extern "C" {
#endif

/** bcsc_race()'s *winner when no child won. */
#define BCSC_NO_WINNER SIZE_MAX

/**
 * Run every task of @p tasks to the end and return when all have
 * completed: a BCSC_SCOPE_FAIL_FAST scope, so the first failure cancels
 * the rest and is the result.
 *
 * On the first call (@p scope is not one of @p self's open scopes) the
 * tasks are checked - each an initialised frame that is not live, none
 * listed twice - then @p scope is opened and they are spawned in order; if
 * a check fails nothing is opened or spawned and the error is returned.
 * Every call then joins @p scope (bcsc_scope_join()); later calls do not
 * look at @p tasks or @p count.
 * @param self   the task being polled, the scope's owner.
 * @param scope  a scope in @p self's frame, not open (or open by an
 *               earlier call of this function).
 * @param tasks  @p count initialised frames, spawned into @p scope.
 * @retval BCSC_PENDING    children are live; return BCSC_PENDING
 * @retval 0               every child succeeded
 * @retval (negative)      the first child's error; BCSC_ECANCELED if
 *                         @p self was cancelled; or the errors of
 *                         bcsc_scope_init(), bcsc_scope_spawn() (for the
 *                         task concerned) and bcsc_scope_join()
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_join_all(bcsc_task_t *self, bcsc_scope_t *scope,
                           bcsc_task_t *const *tasks, size_t count);

/**
 * Run the tasks of @p tasks until the first finishes; the others are
 * cancelled and drained before this returns: a BCSC_SCOPE_RACE scope.
 *
 * Calls work as for bcsc_join_all(). When the result comes, *@p winner
 * (if @p winner is not NULL) is the index in @p tasks of the child that
 * won - the first to finish without having been cancelled - or
 * BCSC_NO_WINNER if none did; @p tasks must then be the array of the first
 * call.
 * @retval BCSC_PENDING    children are live; return BCSC_PENDING
 * @retval 0 or negative   the winner's result; BCSC_ECANCELED if @p self
 *                         was cancelled before a child won; 0 if @p count
 *                         is 0; or the errors of bcsc_join_all()
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_race(bcsc_task_t *self, bcsc_scope_t *scope,
                       bcsc_task_t *const *tasks, size_t count, size_t *winner);

/**
 * Run @p task with a deadline: at @p deadline (reactor time, ns) it is
 * cancelled, drained, and the result is BCSC_ETIMEDOUT - a scope with
 * bcsc_scope_set_deadline(BCSC_DEADLINE_FAIL), Trio's fail_at.
 *
 * Calls work as for bcsc_join_all() with one task; later calls do not
 * look at @p deadline either, so bcsc_task_now(@p self) + d, given at
 * every call, is a timeout of d from the first (Trio's fail_after;
 * examples/c/request_reply.c). A deadline that has passed already cancels
 * the task before it first runs (it still runs, to see the
 * cancellation). Read bcsc_scope_timed_out(@p scope) to tell
 * a timeout from a task that returned BCSC_ETIMEDOUT itself.
 * @retval BCSC_PENDING    the task is live; return BCSC_PENDING
 * @retval 0 or negative   the task's result, or BCSC_ETIMEDOUT if the
 *                         deadline cancelled it first
 * @retval BCSC_ENOTSUP    @p self's executor has no reactor (no clock);
 *                         nothing was opened or spawned
 * @retval (negative)      the errors of bcsc_join_all()
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_timeout(bcsc_task_t *self, bcsc_scope_t *scope,
                          uint64_t deadline, bcsc_task_t *task);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* BCSC_COMBINATOR_H */
