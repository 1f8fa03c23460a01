/* SPDX-License-Identifier: MIT
 * combinator.c - join, race and timeout over a scope. A scope already is
 * each of them (its policy and deadline); these functions only open it,
 * spawn the children and join, in one call a poll function can await. */
#include "bcsc/combinator.h"
#include "bcsc/scope.h"
#include "internal.h"

/* Check the children before anything is opened, so a bad one leaves
 * nothing half-started: each a frame that could be spawned now, none
 * twice (the second spawn of one frame would fail with the first live). */
static int check_children(bcsc_task_t *const *tasks, size_t count) {
  int rc;
  if (count != 0 && tasks == NULL)
    BCSC__FAIL(BAD_ARGUMENT, tasks, BCSC_EINVAL);
  for (size_t i = 0; i < count; i++) {
    bcsc_task_t *t = tasks[i];
    if ((rc = bcsc__check_spawnable(t)) != 0)
      return rc;
    for (size_t j = 0; j < i; j++)
      if (tasks[j] == t)
        BCSC__FAIL(DOUBLE_SPAWN, t, BCSC_EBUSY);
  }
  return 0;
}

/* The combinators' one body. *used says whether `scope` was open by the
 * end of the call (this one or an earlier), i.e. whether it may be read. */
static int combine(bcsc_task_t *self, bcsc_scope_t *scope, uint32_t policy,
                   bcsc_task_t *const *tasks, size_t count, uint64_t deadline,
                   int *used) {
  int rc;
  *used = 0;
  if ((rc = bcsc__check_task(self)) != 0)
    return rc;
  if (scope == NULL)
    BCSC__FAIL(NULL_OBJECT, scope, BCSC_EINVAL);
  if (self->priv.scope == NULL || !bcsc__task_is_running(self))
    BCSC__FAIL(NOT_RUNNING, self, BCSC_EPERM);
  if (bcsc__scope_open_by(self, scope)) {
    *used = 1;
    return bcsc_scope_join(scope);
  }

  if ((rc = check_children(tasks, count)) != 0)
    return rc;
  if (deadline != BCSC_NO_DEADLINE &&
      bcsc__task_executor(self)->priv.reactor == NULL)
    return BCSC_ENOTSUP;
  /* Its checks are those above (self running, scope not NULL and not one
   * of self's open scopes; the policy is the combinator's own), so it
   * cannot fail. */
  (void)bcsc_scope_init(scope, self, policy);
  *used = 1;
  if (deadline != BCSC_NO_DEADLINE)
    (void)bcsc_scope_set_deadline(scope, deadline, BCSC_DEADLINE_FAIL);
  /* Checked above, so no spawn fails: no child is left out of a scope
   * that already runs the others. */
  for (size_t i = 0; i < count; i++)
    (void)bcsc_scope_spawn(scope, tasks[i]);
  return bcsc_scope_join(scope);
}

int bcsc_join_all(bcsc_task_t *self, bcsc_scope_t *scope,
                  bcsc_task_t *const *tasks, size_t count) {
  int used;
  return combine(self, scope, BCSC_SCOPE_FAIL_FAST, tasks, count,
                 BCSC_NO_DEADLINE, &used);
}

int bcsc_race(bcsc_task_t *self, bcsc_scope_t *scope, bcsc_task_t *const *tasks,
              size_t count, size_t *winner) {
  int used;
  int rc = combine(self, scope, BCSC_SCOPE_RACE, tasks, count, BCSC_NO_DEADLINE,
                   &used);
  if (rc != BCSC_PENDING && winner != NULL) {
    const bcsc_task_t *won = used ? bcsc_scope_winner(scope) : NULL;
    *winner = BCSC_NO_WINNER;
    for (size_t i = 0; won != NULL && tasks != NULL && i < count; i++)
      if (tasks[i] == won)
        *winner = i;
  }
  return rc;
}

int bcsc_timeout(bcsc_task_t *self, bcsc_scope_t *scope, uint64_t deadline,
                 bcsc_task_t *task) {
  int used;
  if (task == NULL)
    BCSC__FAIL(NULL_OBJECT, task, BCSC_EINVAL);
  return combine(self, scope, BCSC_SCOPE_FAIL_FAST, &task, 1, deadline, &used);
}
