/* SPDX-License-Identifier: MIT
 * mutex.c - an async mutex: one permit and an owner, on a hand-off waiter
 * list.
 *
 * Unlocking with waiters does not free the lock: it sets MUTEX_HANDING and
 * wakes the oldest waiter, so the lock travels with that wake and nobody can
 * take it in between. The woken task becomes the owner in its next lock
 * call. A wake it does not take is passed by the core to the next waiter;
 * a wake passed to an empty list is dropped, and the list's count of wakes
 * out (`batons`) falls to 0: mutex_reconcile() then frees the lock. Every
 * entry point reconciles first.
 *
 * A held mutex is linked into its holder's executor's list of held
 * mutexes, so that the holder's completion can release it
 * (bcsc__mutexes_release()): a lock is a guard whose scope is the task. */
#include "bcsc/mutex.h"
#include "internal.h"
#include "list.h"

/* Not in internal.h's table: the primitive is outside the core's original
 * set of objects. The static initialiser spells these. */
_Static_assert(BCSC__MAGIC_WAITQ == 0x3b29 && BCSC__WAITQ_HANDOFF == 1,
               "BCSC_MUTEX_INITIALIZER spells a hand-off waiter list");

enum { MUTEX_HANDING = 0x1 }; /* the lock travels with a wake */

static int mutex_check(const bcsc_mutex_t *m) {
  if (m == NULL)
    BCSC__FAIL(NULL_OBJECT, m, BCSC_EINVAL);
  if (m->priv.magic != BCSC__MAGIC_MUTEX)
    BCSC__FAIL(BAD_OBJECT, m, BCSC_EBADOBJ);
  /* A held mutex is on its holder's executor's list, waiters or not: a
   * copy unlocked would unlink the original's neighbours (D97). */
  if (m->priv.self_tag != 0 && m->priv.self_tag != bcsc__self_tag(m))
    BCSC__FAIL(MOVED, m, BCSC_EBADOBJ);
  /* The list carries the move check while it has waiters. */
  return bcsc__check_waitq_of(&m->priv.waiters, m);
}

/* With no wake out, nobody can still take a lock that was handed over. */
static void mutex_reconcile(bcsc_mutex_t *m) {
  if ((m->priv.state & MUTEX_HANDING) && m->priv.waiters.priv.batons == 0)
    m->priv.state &= (uint16_t)~MUTEX_HANDING;
}

/* A free lock goes to the oldest waiter, if any. */
static int mutex_hand_over(bcsc_mutex_t *m) {
  int rc;
  if (m->priv.owner != NULL || (m->priv.state & MUTEX_HANDING) ||
      bcsc_waitq_empty(&m->priv.waiters))
    return 0;
  rc = bcsc_waitq_wake_one(&m->priv.waiters, 1);
  if (rc == 1)
    m->priv.state |= MUTEX_HANDING;
  return rc < 0 ? rc : 0;
}

/* `self` takes the lock. */
static void mutex_own(bcsc_mutex_t *m, bcsc_task_t *self) {
  bcsc_executor_t *ex = bcsc__task_executor(self);
  m->priv.owner = self;
  m->priv.self_tag = bcsc__self_tag(m);
  BCSC__HLIST_PUSH(ex->priv.held_mutexes, m, held_next, held_prev);
}

/* The owner lets go of the lock (it is not handed over yet). */
static void mutex_disown(bcsc_mutex_t *m) {
  bcsc_executor_t *ex = bcsc__task_executor(m->priv.owner);
  BCSC__HLIST_REMOVE(ex->priv.held_mutexes, m, held_next, held_prev);
  m->priv.owner = NULL;
  m->priv.self_tag = 0;
}

void bcsc__mutexes_release(bcsc_executor_t *ex, const bcsc_task_t *t) {
  bcsc_mutex_t *m = ex->priv.held_mutexes;
  while (m != NULL) {
    bcsc_mutex_t *next = m->priv.held_next;
    if (BCSC__UNLIKELY(m->priv.magic != BCSC__MAGIC_MUTEX)) {
      /* Torn down or overwritten while held: its links are garbage. */
      BCSC__REPORT(FRAME_CLOBBERED, m);
      ex->priv.held_mutexes = NULL;
      return;
    }
    if (m->priv.owner == t) {
      mutex_disown(m);
      mutex_reconcile(m);
      (void)mutex_hand_over(m);
    }
    m = next;
  }
}

int bcsc_mutex_init(bcsc_mutex_t *mutex) {
  if (mutex == NULL)
    BCSC__FAIL(NULL_OBJECT, mutex, BCSC_EINVAL);
  *mutex = (bcsc_mutex_t)BCSC_MUTEX_INITIALIZER;
  return 0;
}

int bcsc_mutex_deinit(bcsc_mutex_t *mutex) {
  int rc = mutex_check(mutex);
  if (rc != 0)
    return rc;
  mutex_reconcile(mutex);
  if (mutex->priv.owner != NULL)
    BCSC__FAIL(WAITQ_BUSY, mutex, BCSC_EBUSY);
  if ((rc = bcsc_waitq_deinit(&mutex->priv.waiters)) != 0)
    return rc;
  BCSC__FORGET(mutex);
  return 0;
}

int bcsc_mutex_lock(bcsc_task_t *self, bcsc_mutex_t *mutex, bcsc_wait_t *wait) {
  int rc, node;
  if ((rc = mutex_check(mutex)) != 0)
    return rc;
  if (wait == NULL)
    BCSC__FAIL(NULL_OBJECT, wait, BCSC_EINVAL);
  /* Another list's hand-over does not carry this lock: the take passes it
   * on to that list's next waiter, as every primitive does (D96). */
  if ((node = bcsc__wait_take(self, wait, &mutex->priv.waiters)) < 0)
    return node;
  if (node == BCSC__NODE_LINKED)
    return BCSC_PENDING; /* asked twice in one poll */
  /* Its wakes hand over (batons): a plain fired mark came from another
   * source and carries no lock - the node is idle (channel_enter()'s
   * rule). */
  if (node == BCSC__NODE_BATON) {
    /* The lock came with the wake: it is this task's, or the next one's. */
    mutex->priv.state &= (uint16_t)~MUTEX_HANDING;
    if (self->priv.state & BCSC__TASK_CANCELLED) {
      rc = mutex_hand_over(mutex);
      return rc != 0 ? rc : BCSC_ECANCELED;
    }
    mutex_own(mutex, self);
    return 0;
  }
  if (self->priv.state & BCSC__TASK_CANCELLED)
    return BCSC_ECANCELED;
  if (mutex->priv.owner == self)
    BCSC__FAIL(BAD_ARGUMENT, mutex, BCSC_EDEADLK);
  mutex_reconcile(mutex);
  if ((rc = mutex_hand_over(mutex)) != 0)
    return rc;
  if (mutex->priv.owner == NULL && !(mutex->priv.state & MUTEX_HANDING) &&
      bcsc_waitq_empty(&mutex->priv.waiters)) {
    mutex_own(mutex, self);
    return 0;
  }
  bcsc__wait_link(self, wait, &mutex->priv.waiters);
  return BCSC_PENDING;
}

int bcsc_mutex_try_lock(bcsc_task_t *self, bcsc_mutex_t *mutex) {
  int rc = mutex_check(mutex);
  if (rc != 0 || (rc = bcsc__check_self(self)) != 0)
    return rc;
  if (mutex->priv.owner == self)
    BCSC__FAIL(BAD_ARGUMENT, mutex, BCSC_EDEADLK);
  mutex_reconcile(mutex);
  if ((rc = mutex_hand_over(mutex)) != 0)
    return rc;
  if (mutex->priv.owner != NULL || (mutex->priv.state & MUTEX_HANDING) ||
      !bcsc_waitq_empty(&mutex->priv.waiters))
    return BCSC_EAGAIN;
  mutex_own(mutex, self);
  return 0;
}

int bcsc_mutex_unlock(bcsc_task_t *self, bcsc_mutex_t *mutex) {
  int rc = mutex_check(mutex);
  if (rc != 0 || (rc = bcsc__check_task(self)) != 0)
    return rc;
  if (mutex->priv.owner != self)
    BCSC__FAIL(BAD_ARGUMENT, mutex, BCSC_EPERM);
  mutex_disown(mutex);
  mutex_reconcile(mutex);
  return mutex_hand_over(mutex);
}

bcsc_task_t *bcsc_mutex_owner(const bcsc_mutex_t *mutex) {
  return mutex != NULL ? mutex->priv.owner : NULL;
}

int bcsc_mutex_locked(const bcsc_mutex_t *mutex) {
  if (mutex == NULL)
    return 0;
  /* A hand-over counts until its wake is taken or dropped. */
  return mutex->priv.owner != NULL || ((mutex->priv.state & MUTEX_HANDING) &&
                                       mutex->priv.waiters.priv.batons != 0);
}

uint32_t bcsc_mutex_waiting(const bcsc_mutex_t *mutex) {
  return mutex != NULL ? bcsc_waitq_count(&mutex->priv.waiters) : 0;
}

size_t bcsc_mutex_sizeof(void) { return sizeof(bcsc_mutex_t); }
size_t bcsc_mutex_alignof(void) { return _Alignof(bcsc_mutex_t); }
