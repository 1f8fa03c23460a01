/* SPDX-License-Identifier: MIT
 * select.c - several waiting calls in one poll; the first that completes
 * wins. A select is bookkeeping over the wake path's own rule (D1): a task
 * waits on everything it registered in one poll, and whatever ends that
 * wait unlinks the rest. A branch that completes without waiting ends it
 * the same way, so the losers' registrations are dropped here exactly as a
 * wake drops them. */
#include "bcsc/select.h"
#include "internal.h"

enum { SELECT_OPEN = 1, SELECT_DECIDED = 2 };

static int select_check(const bcsc_select_t *sel) {
  if (sel == NULL)
    BCSC__FAIL(NULL_OBJECT, sel, BCSC_EINVAL);
  if (sel->priv.magic != BCSC__MAGIC_SELECT)
    BCSC__FAIL(BAD_OBJECT, sel, BCSC_EBADOBJ);
  return 0;
}

int bcsc_select_begin(bcsc_select_t *sel, bcsc_task_t *self) {
  int rc;
  if (sel == NULL)
    BCSC__FAIL(NULL_OBJECT, sel, BCSC_EINVAL);
  if ((rc = bcsc__check_self(self)) != 0)
    return rc;
  sel->data = NULL;
  sel->priv.self = self;
  sel->priv.branches = 0;
  sel->priv.winner = BCSC_SELECT_NONE;
  sel->priv.result = BCSC_PENDING;
  sel->priv.state = SELECT_OPEN;
  sel->priv.magic = BCSC__MAGIC_SELECT;
  return 0;
}

int bcsc_select_undecided(const bcsc_select_t *sel) {
  return sel != NULL && sel->priv.magic == BCSC__MAGIC_SELECT &&
         sel->priv.state == SELECT_OPEN;
}

int bcsc_select_offer(bcsc_select_t *sel, int rc) {
  int err = select_check(sel);
  if (err != 0)
    return err;
  /* A branch called after the winner ran its waiting call anyway: if it
   * took a message, the select is about to drop it on the floor. */
  if (sel->priv.state != SELECT_OPEN)
    BCSC__FAIL(SELECT_DECIDED, sel, BCSC_ESTATE);
  if (rc >= BCSC_PENDING) {
    /* Above BCSC_PENDING is no waiting call's result; it cannot win. */
    if (rc > BCSC_PENDING)
      BCSC__REPORT(BAD_ARGUMENT, sel);
    sel->priv.branches++;
    return 0;
  }
  sel->priv.winner = sel->priv.branches++;
  sel->priv.result = rc;
  sel->priv.state = SELECT_DECIDED;
  return 1;
}

int bcsc_select_end(bcsc_select_t *sel) {
  bcsc_task_t *self;
  int rc = select_check(sel);
  if (rc != 0)
    return rc;
  if (sel->priv.branches == 0)
    BCSC__FAIL(BAD_ARGUMENT, sel, BCSC_EINVAL);
  self = sel->priv.self;
  if ((rc = bcsc__check_task(self)) != 0)
    return rc;
  if (!bcsc__task_is_running(self))
    BCSC__FAIL(NOT_RUNNING, self, BCSC_EPERM);
  if (sel->priv.state != SELECT_DECIDED)
    return BCSC_PENDING;
  /* The wait is over: what the losers registered must not wake the task
   * for a wait it has left (nor, for a wake_one, be chosen over a task
   * that would consume the wake). */
  bcsc__task_unlink_waits(self);
  return 0;
}

int bcsc_select_result(const bcsc_select_t *sel) {
  if (sel == NULL || sel->priv.magic != BCSC__MAGIC_SELECT ||
      sel->priv.state != SELECT_DECIDED)
    return BCSC_PENDING;
  return sel->priv.result;
}

uint32_t bcsc_select_winner(const bcsc_select_t *sel) {
  if (sel == NULL || sel->priv.magic != BCSC__MAGIC_SELECT)
    return BCSC_SELECT_NONE;
  return sel->priv.winner;
}

size_t bcsc_select_sizeof(void) { return sizeof(bcsc_select_t); }
size_t bcsc_select_alignof(void) { return _Alignof(bcsc_select_t); }
