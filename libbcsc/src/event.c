/* SPDX-License-Identifier: MIT
 * event.c - a flag with a waiter list. Set and pulse wake every waiter, so
 * no waiter's wake is owed to another: one that never consumes its wake
 * (cancelled, or out-selected) costs the others nothing. */
#include "bcsc/event.h"
#include "internal.h"

/* Not in internal.h's table yet: the primitives are outside the core's
 * original set of objects. BCSC_EVENT_INITIALIZER spells it. */

enum { EVENT_CLEAR = 0, EVENT_SET = 1 };

static int event_check(const bcsc_event_t *ev) {
  if (ev == NULL)
    BCSC__FAIL(NULL_OBJECT, ev, BCSC_EINVAL);
  if (ev->priv.magic != BCSC__MAGIC_EVENT)
    BCSC__FAIL(BAD_OBJECT, ev, BCSC_EBADOBJ);
  /* The list carries the move check: it is tagged while it has waiters. */
  return bcsc__check_waitq_of(&ev->priv.waiters, ev);
}

/* Whether `wait`'s fired mark is a set's or a pulse's: another source's
 * wake (another value) does not say the event happened. */
static int event_woke(const bcsc_wait_t *wait) {
  return wait->value == BCSC_EVENT_WOKEN_SET ||
         wait->value == BCSC_EVENT_WOKEN_PULSE;
}

/* Both waits once the arguments have passed their checks: `level` says
 * whether being set already counts. */
static int event_wait_checked(bcsc_task_t *self, bcsc_event_t *ev,
                              bcsc_wait_t *wait, int level) {
  int node = bcsc__wait_take(self, wait, NULL);
  int rc;
  if (node < 0)
    return node;
  if (self->priv.state & BCSC__TASK_CANCELLED)
    rc = BCSC_ECANCELED;
  else if ((node == BCSC__NODE_FIRED && event_woke(wait)) ||
           (level && ev->priv.state == EVENT_SET))
    rc = 0;
  else
    rc = BCSC_PENDING;
  if (rc != BCSC_PENDING) {
    if (node == BCSC__NODE_LINKED)
      bcsc__wait_unlink(wait);
    return rc;
  }
  if (node != BCSC__NODE_LINKED)
    bcsc__wait_link(self, wait, &ev->priv.waiters);
  return BCSC_PENDING;
}

_Static_assert(BCSC__MAGIC_EVENT == 0xe7e0, "BCSC_EVENT_INITIALIZER spells it");

int bcsc_event_init(bcsc_event_t *ev) {
  if (ev == NULL)
    BCSC__FAIL(NULL_OBJECT, ev, BCSC_EINVAL);
  *ev = (bcsc_event_t)BCSC_EVENT_INITIALIZER;
  return 0;
}

int bcsc_event_deinit(bcsc_event_t *ev) {
  int rc = event_check(ev);
  if (rc != 0)
    return rc;
  if ((rc = bcsc_waitq_deinit(&ev->priv.waiters)) != 0)
    return rc;
  BCSC__FORGET(ev);
  return 0;
}

int bcsc_event_set(bcsc_event_t *ev) {
  int rc = event_check(ev);
  if (rc != 0)
    return rc;
  ev->priv.state = EVENT_SET;
  return bcsc_waitq_wake_all(&ev->priv.waiters, BCSC_EVENT_WOKEN_SET);
}

int bcsc_event_reset(bcsc_event_t *ev) {
  int rc = event_check(ev);
  if (rc != 0)
    return rc;
  ev->priv.state = EVENT_CLEAR;
  return 0;
}

int bcsc_event_pulse(bcsc_event_t *ev) {
  int rc = event_check(ev);
  if (rc != 0)
    return rc;
  return bcsc_waitq_wake_all(&ev->priv.waiters, BCSC_EVENT_WOKEN_PULSE);
}

int bcsc_event_is_set(const bcsc_event_t *ev) {
  return ev != NULL && ev->priv.state == EVENT_SET;
}

int bcsc_event_wait(bcsc_task_t *self, bcsc_event_t *ev, bcsc_wait_t *wait) {
  int rc = event_check(ev);
  if (rc != 0)
    return rc;
  return event_wait_checked(self, ev, wait, 1);
}

int bcsc_event_wait_edge(bcsc_task_t *self, bcsc_event_t *ev,
                         bcsc_wait_t *wait) {
  int rc = event_check(ev);
  if (rc != 0)
    return rc;
  return event_wait_checked(self, ev, wait, 0);
}

size_t bcsc_event_sizeof(void) { return sizeof(bcsc_event_t); }
size_t bcsc_event_alignof(void) { return _Alignof(bcsc_event_t); }
