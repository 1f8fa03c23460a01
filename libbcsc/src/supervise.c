/* SPDX-License-Identifier: MIT
 * supervise.c - supervised children (D63). The wrapper is an ordinary
 * task that owns one scope with one child in it: the scope rules already
 * cancel the child with the wrapper and drain it before the wrapper ends,
 * so all this file adds is what a failed run leads to. */
#include "bcsc/supervise.h"
#include "bcsc/scope.h"
#include "bcsc/task.h"
#include "internal.h"

/* Whether the wrapper's scope is open, with the child spawned into it. */
enum { SUPERVISED_IDLE = 0, SUPERVISED_LIVE = 1 };

/* Open the wrapper's scope and spawn the child into it. The child is
 * checked first, with the checks (and reports) of bcsc_scope_spawn(), so
 * that a child spawned elsewhere, or not re-initialised by the restart
 * function, fails the wrapper with nothing opened. */
static int start(bcsc_supervised_t *s) {
  struct bcsc_supervised_private *p = &s->priv;
  int rc = bcsc__check_spawnable(p->child);
  if (rc != 0)
    return rc;
  /* Fails only when the wrapper is not the task being polled: its poll
   * function called by hand. */
  if ((rc = bcsc_scope_init(&p->scope, &s->task, BCSC_SCOPE_FAIL_FAST)) != 0)
    return rc;
  /* The scope was just opened and the child checked: cannot fail. */
  (void)bcsc_scope_spawn(&p->scope, p->child);
  p->state = SUPERVISED_LIVE;
  return 0;
}

/* The restart function's turn: 0 if the child may run again. */
static int restart_child(bcsc_supervised_t *s) {
  struct bcsc_supervised_private *p = &s->priv;
  int rc = p->restart(p->context, p->child, p->restarts + 1);
  if (rc > 0)
    BCSC__FAIL(BAD_ARGUMENT, s, BCSC_EINVAL);
  if (rc == 0)
    p->restarts++;
  return rc;
}

static int supervised_poll(bcsc_task_t *self) {
  bcsc_supervised_t *s = BCSC__CONTAINER_OF(self, bcsc_supervised_t, task);
  struct bcsc_supervised_private *p = &s->priv;
  int rc;
  for (;;) {
    if (p->state == SUPERVISED_IDLE && (rc = start(s)) != 0)
      return rc;
    rc = bcsc_scope_join(&p->scope);
    if (rc == BCSC_PENDING)
      return rc;
    /* A join that fails without closing the scope (the poll function
     * called by hand, the checked build's audit of the scope) leaves the
     * child live: that frame must not be restarted. */
    if (rc == 0 || bcsc_task_cancelled(self) || !bcsc_task_done(p->child))
      return rc;
    p->state = SUPERVISED_IDLE;
    p->failures++;
    p->last_error = rc;
    if (p->policy == BCSC_SUPERVISE_IGNORE)
      return 0;
    if (p->policy == BCSC_SUPERVISE_ESCALATE || p->restarts == p->max_restarts)
      return rc;
    if ((rc = restart_child(s)) != 0)
      return rc;
  }
}

int bcsc_supervised_init(bcsc_supervised_t *s, bcsc_task_t *child,
                         uint32_t policy, uint32_t max_restarts,
                         bcsc_restart_fn restart, void *context) {
  int rc;
  if (s == NULL)
    BCSC__FAIL(NULL_OBJECT, s, BCSC_EINVAL);
  /* Before the child's checks: &s->task is not initialised yet, and would
   * fail them as an uninitialised frame rather than as what it is. */
  if (child == &s->task)
    BCSC__FAIL(BAD_ARGUMENT, child, BCSC_EINVAL);
  if ((rc = bcsc__check_spawnable(child)) != 0)
    return rc;
  if (policy > BCSC_SUPERVISE_RESTART)
    BCSC__FAIL(BAD_ARGUMENT, s, BCSC_EINVAL);
  if (policy == BCSC_SUPERVISE_RESTART && restart == NULL)
    BCSC__FAIL(BAD_ARGUMENT, s, BCSC_EINVAL);
  (void)bcsc_task_init(&s->task, supervised_poll, NULL);
  s->priv.child = child;
  s->priv.restart = restart;
  s->priv.context = context;
  s->priv.policy = policy;
  s->priv.max_restarts = max_restarts;
  s->priv.restarts = 0;
  s->priv.failures = 0;
  s->priv.last_error = 0;
  s->priv.state = SUPERVISED_IDLE;
  return 0;
}

uint32_t bcsc_supervised_restarts(const bcsc_supervised_t *s) {
  return s != NULL ? s->priv.restarts : 0;
}

uint32_t bcsc_supervised_failures(const bcsc_supervised_t *s) {
  return s != NULL ? s->priv.failures : 0;
}

int bcsc_supervised_last_error(const bcsc_supervised_t *s) {
  return s != NULL ? s->priv.last_error : 0;
}

size_t bcsc_supervised_sizeof(void) { return sizeof(bcsc_supervised_t); }
size_t bcsc_supervised_alignof(void) { return _Alignof(bcsc_supervised_t); }
