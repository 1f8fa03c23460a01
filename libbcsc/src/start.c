/* SPDX-License-Identifier: MIT
 * start.c - a child started with a readiness handshake (Trio's
 * nursery.start, D56-D58). The child runs in a scope of the caller's, the
 * start's own, until it says ready; then scope.c moves it into the target
 * scope, which has counted it as live since the start so that it cannot
 * close meanwhile. */
#include "bcsc/start.h"
#include "internal.h"

enum {
  START_PENDING = 1, /* the child lives in the start's scope */
  START_READY = 2,   /* it moved into the target */
  START_ENDED = 3    /* it completed without moving */
};

/* Join the start's scope: the call's result once it has closed. */
static int start_join(bcsc_start_t *start) {
  int rc = bcsc_scope_join(&start->priv.scope);
  if (rc == BCSC_PENDING)
    return rc;
  /* Ready: the child lives on in the target whatever happened to the
   * caller since, and the caller must know it (D57). */
  if (start->priv.state == START_READY)
    return 0;
  /* Completed before it was ready: its error, or no value at all. */
  return rc == 0 ? BCSC_ECLOSED : rc;
}

/* The shield a start's scope takes (D83): the target's, when the caller
 * owns it - as Trio's nursery.start() runs the child in the caller's
 * context until it is ready, and a caller starting into its own shielded
 * scope is inside that shield. */
static uint32_t start_shield(const bcsc_scope_t *target,
                             const bcsc_task_t *caller) {
  return (target->priv.flags & BCSC__SCOPE_SHIELDED) &&
                 target->priv.owner == caller
             ? (uint32_t)BCSC_SCOPE_SHIELD
             : 0;
}

int bcsc_scope_start(bcsc_task_t *self, bcsc_start_t *start,
                     bcsc_scope_t *target, bcsc_task_t *child) {
  uint32_t shield;
  int rc = bcsc__check_self(self);
  if (rc != 0)
    return rc;
  if (start == NULL)
    BCSC__FAIL(NULL_OBJECT, start, BCSC_EINVAL);
  if (bcsc__scope_open_by(self, &start->priv.scope))
    return start_join(start);

  if ((rc = bcsc__check_scope(target)) != 0)
    return rc;
  if (target->priv.state != BCSC__SCOPE_OPEN)
    BCSC__FAIL(SCOPE_CLOSED, target, BCSC_ESTATE);
  /* The move relinks the child in one executor's lists. */
  if (target->priv.executor != bcsc__task_executor(self))
    BCSC__FAIL(BAD_ARGUMENT, target, BCSC_EINVAL);
  if ((rc = bcsc__check_spawnable(child)) != 0)
    return rc;
  /* Its checks are those above (self running, the scope not one of its
   * open scopes), so it cannot fail; nor can the spawn into it. A start
   * into the caller's own shielded scope is made from inside the shield:
   * the child waits for its readiness behind it too (D83). */
  shield = start_shield(target, self);
  (void)bcsc_scope_init(&start->priv.scope, self,
                        BCSC_SCOPE_FAIL_FAST | shield);
  /* The shield ended already: its own end reaches the child behind it. */
  if (shield != 0 && (target->priv.flags & BCSC__SCOPE_CANCELLED))
    (void)bcsc_scope_cancel(&start->priv.scope);
  start->value = 0;
  start->priv.target = target;
  start->priv.child = child;
  start->priv.state = START_PENDING;
  bcsc__scope_reserve(target, &start->priv.scope);
  (void)bcsc_scope_spawn(&start->priv.scope, child);
  return start_join(start);
}

void bcsc__start_abandoned(bcsc_scope_t *s) {
  bcsc_start_t *start = BCSC__CONTAINER_OF(s, bcsc_start_t, priv.scope);
  start->priv.state = START_ENDED;
  bcsc__scope_release(start->priv.target);
}

int bcsc_start_ready(bcsc_task_t *self, bcsc_start_t *start, uintptr_t value) {
  bcsc_scope_t *target;
  int rc = bcsc__check_self(self);
  if (rc != 0)
    return rc;
  if (start == NULL)
    BCSC__FAIL(NULL_OBJECT, start, BCSC_EINVAL);
  /* Its child lives in its scope, and nothing else does: the one test
   * needs nothing of `start` to be valid. */
  if (self->priv.scope != &start->priv.scope) {
    if (start->priv.state == START_READY && start->priv.child == self)
      BCSC__FAIL(START_TWICE, start, BCSC_ESTATE);
    BCSC__FAIL(START_FOREIGN, start, BCSC_EPERM);
  }
  /* The caller was cancelled: it no longer waits for a value, and a
   * cancelled child must not move where no cancellation reaches it (Trio
   * leaves it in place likewise). */
  if (bcsc_scope_cancelled(&start->priv.scope))
    return BCSC_ECANCELED;
  target = start->priv.target;
  /* The move writes into the target's list. */
  if (BCSC__CANARY_BAD(target, BCSC__MAGIC_SCOPE))
    BCSC__FAIL(FRAME_CLOBBERED, target, BCSC_EBADOBJ);
  start->value = value;
  start->priv.state = START_READY;
  return bcsc__scope_move(self, target);
}

bcsc_scope_t *bcsc__start_target(bcsc_scope_t *s) {
  return BCSC__CONTAINER_OF(s, bcsc_start_t, priv.scope)->priv.target;
}

uintptr_t bcsc_start_value(const bcsc_start_t *start) {
  return start != NULL ? start->value : 0;
}

size_t bcsc_start_sizeof(void) { return sizeof(bcsc_start_t); }
size_t bcsc_start_alignof(void) { return _Alignof(bcsc_start_t); }
