/* SPDX-License-Identifier: MIT
 * bcsc/start.h - start a child with a readiness handshake (Trio's
 * nursery.start).
 *
 * bcsc_scope_start() runs a child in a scope of the caller's own until the
 * child calls bcsc_start_ready(): then the child moves into a long-lived
 * target scope and keeps running there, and the caller resumes with the
 * value the child passed - a driver's handle, a port. A child that fails
 * before it is ready fails the call instead, and the caller's cancellation
 * reaches the child until it is ready (it lives in the caller's subtree
 * until then).
 *
 *   BCSC_AWAIT(&f->co, rc, bcsc_scope_start(self, &f->start, &f->drivers,
 *                                           &f->driver.task));
 *   if (rc == 0) f->handle = bcsc_start_value(&f->start);
 *
 * While a start is pending the target cannot close: it counts the start
 * among its live children (bcsc_scope_live()), so its join waits for the
 * start to end one way or the other - the child's frame is never left
 * without a scope to move into. */
#ifndef BCSC_START_H
#define BCSC_START_H

#include <stddef.h>
#include <stdint.h>

#include "bcsc/export.h"
#include "bcsc/scope.h"
#include "bcsc/types.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct bcsc_start bcsc_start_t;

/** bcsc's part of a start. PRIVATE - DO NOT TOUCH. */
struct bcsc_start_private {
  bcsc_scope_t scope;   /* the child's home until it is ready */
  bcsc_scope_t *target; /* where it moves when ready */
  bcsc_task_t *child;
  uint32_t state; /* pending, ready or ended */
  uint32_t reserved32;
  uintptr_t reserved[2];
};

/**
 * A start: one child started with a readiness handshake.
 *
 * Caller-owned, normally in the frame of the task that calls
 * bcsc_scope_start(); needs no initialisation (the first call writes it).
 * Must not move from that first call until the call has returned a result
 * (not BCSC_PENDING). The child must not use it once bcsc_start_ready() has
 * returned 0. May be used again for another start once the call has
 * returned its result.
 *
 * The child's frame must live as long as a child of the target does: until
 * it completes, which the target's join waits for - not the start's caller.
 * With a target the caller owns, the caller's frame is such a place; with
 * another task's target, put the frame where that task's children live.
 */
struct bcsc_start {
  /* public */
  void *data; /**< The caller's; bcsc never reads it. */
  /* read-only */
  uintptr_t value; /**< The child's value once it is ready, else 0. */
  /* private */
  struct bcsc_start_private priv;
};

/**
 * Start @p child and wait until it is ready, not until it finishes:
 * awaitable, like bcsc_join_all().
 *
 * On the first call (@p start's scope is not one of @p self's open scopes)
 * @p target and @p child are checked - nothing is changed if a check fails
 * - then @p start's scope is opened for @p self, @p target counts the start
 * as a live child (it cannot close meanwhile), and @p child is spawned into
 * @p start's scope, where it runs in @p self's subtree: @p self's
 * cancellation cancels it - unless @p target is a shielded scope of
 * @p self's own (BCSC_SCOPE_SHIELD): @p self starts from inside the
 * shield, so @p start's scope is shielded too and a cancellation from
 * outside, earlier or later, stops there; the shield's own end (its
 * cancel, deadline, policy) reaches the child (D83). Every call then joins that
 * scope; later calls do not look at @p target or @p child.
 *
 * When the child calls bcsc_start_ready() it moves into @p target (see
 * there) and this call returns 0; the child keeps running and @p target's
 * join waits for it. If the child completes first, this call returns its
 * error, or BCSC_ECLOSED if it returned 0 without being ready (Trio's
 * "child exited without calling task_status.started()"), and @p target no
 * longer counts the start.
 * @param self    the task being polled.
 * @param start   caller memory, normally in @p self's frame.
 * @param target  an open scope on @p self's executor, owned by @p self (an
 *                outer scope of the start's) or by any other task; it may
 *                be cancelled (the child is then cancelled as it moves).
 * @param child   an initialised frame that is not live.
 * @retval BCSC_PENDING   the child is not ready yet; return BCSC_PENDING
 * @retval 0              the child is ready and lives in @p target now;
 *                        bcsc_start_value() gives its value (even if
 *                        @p self was cancelled after the move: the child
 *                        lives on, so it is reported)
 * @retval BCSC_ECLOSED   the child returned 0 without calling
 *                        bcsc_start_ready()
 * @retval BCSC_ECANCELED @p self was cancelled before the child was ready
 *                        (the child was cancelled and has completed); a
 *                        start into @p self's own shielded scope moves
 *                        the child all the same (D83)
 * @retval (negative)     the child's error, if it failed before it was
 *                        ready
 * @retval BCSC_EINVAL    @p start or @p target is NULL; or @p target is
 *                        on another executor (BCSC_MISUSE_BAD_ARGUMENT)
 * @retval BCSC_EBADOBJ   @p self, @p target or @p child is not initialised,
 *                        or was moved
 * @retval BCSC_EPERM     @p self is not the task being polled
 * @retval BCSC_ESTATE    @p target is not open, or @p child has completed
 * @retval BCSC_EBUSY     @p child is live already
 * @thread executor  @allocates never  @since 0.6
 */
BCSC_API int bcsc_scope_start(bcsc_task_t *self, bcsc_start_t *start,
                              bcsc_scope_t *target, bcsc_task_t *child);

/**
 * Say "ready", from the started child's own poll function: the child moves
 * from @p start's scope into its target scope and the task waiting in
 * bcsc_scope_start() is woken with @p value.
 *
 * The child keeps running (and returns from this poll as it likes); it now
 * belongs to the target: the target's cancellation reaches it and its
 * result counts in the target's join. If the target has been cancelled the
 * child is cancelled as it moves (its registrations are unlinked and it is
 * polled again). If the cancellation of the task waiting in
 * bcsc_scope_start() has reached the start's scope, the child does not
 * move: the call returns BCSC_ECANCELED and the child, cancelled already,
 * should clean up and return. A start into the caller's own shielded scope
 * waits behind that shield (D83): there it is the shield's own end (its
 * cancel, deadline, policy) that answers BCSC_ECANCELED, whether or not
 * the caller is cancelled, and a cancellation of the caller from outside
 * does not stop the move.
 * @param self   the started child, being polled.
 * @param start  the start it was started by.
 * @param value  handed to the waiting task (bcsc_start_value()).
 * @retval 0              moved; @p start must not be used by the child again
 * @retval BCSC_ECANCELED the start's caller was cancelled and the cancel
 *                        reaches the target (not behind a shield the
 *                        caller opened, D83); nothing moved
 * @retval BCSC_EINVAL    @p start is NULL
 * @retval BCSC_EBADOBJ   @p self is not an initialised frame, or was moved;
 *                        or (checked build) the target's frame was
 *                        overwritten (BCSC_MISUSE_FRAME_CLOBBERED)
 * @retval BCSC_EPERM     @p self is not the task being polled; or it is not
 *                        the child @p start waits for
 *                        (BCSC_MISUSE_START_FOREIGN)
 * @retval BCSC_ESTATE    @p self said ready already (BCSC_MISUSE_START_TWICE)
 * @thread executor  @allocates never  @since 0.6
 */
BCSC_API int bcsc_start_ready(bcsc_task_t *self, bcsc_start_t *start,
                              uintptr_t value);

/**
 * The value the child passed to bcsc_start_ready(); 0 once
 * bcsc_scope_start() has been called and until the child is ready (or if
 * it never is), and for NULL. Undefined for a start never used.
 * @thread executor  @allocates never  @since 0.6
 */
BCSC_API uintptr_t bcsc_start_value(const bcsc_start_t *start);

/**
 * sizeof(bcsc_start_t) in the library as built; bindings that allocate by
 * size compare it with their own copy of the layout.
 * @thread any  @allocates never  @since 0.6
 */
BCSC_API size_t bcsc_start_sizeof(void);

/**
 * alignof(bcsc_start_t) in the library as built.
 * @thread any  @allocates never  @since 0.6
 */
BCSC_API size_t bcsc_start_alignof(void);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* BCSC_START_H */
