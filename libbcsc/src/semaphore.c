/* SPDX-License-Identifier: MIT
 * semaphore.c - a FIFO-fair counting semaphore on a hand-off waiter list.
 *
 * Permits are reserved when a waiter is woken: `available` loses them and
 * `granted` gains them, and the wake's value says how many travel with it.
 * The woken task takes them in its next poll. A wake it does not take is
 * passed by the core to the next waiter with the same value, so the permits
 * travel on with it. The core tells the semaphore nothing when a passed
 * wake finds the list empty and is dropped; but then the list's count of
 * wakes out (`batons`) falls, and once it is 0 every permit still counted
 * in `granted` belonged to a dropped wake: semaphore_reconcile() gives them
 * back. Every entry point reconciles first. A waiter that leaves the head
 * of the line without its wake hands its turn to the next (D34,
 * bcsc__wait_link_in_line()). */
#include "bcsc/semaphore.h"
#include "internal.h"

/* Not in internal.h's table: the primitive is outside the core's original
 * set of objects. The static initialiser spells these. */
_Static_assert(BCSC__MAGIC_WAITQ == 0x3b29 && BCSC__WAITQ_HANDOFF == 1,
               "BCSC_SEMAPHORE_INITIALIZER spells a hand-off waiter list");

static int semaphore_check(const bcsc_semaphore_t *sem) {
  if (sem == NULL)
    BCSC__FAIL(NULL_OBJECT, sem, BCSC_EINVAL);
  if (sem->priv.magic != BCSC__MAGIC_SEMAPHORE)
    BCSC__FAIL(BAD_OBJECT, sem, BCSC_EBADOBJ);
  /* The list carries the move check: it is tagged while it has waiters. */
  return bcsc__check_waitq_of(&sem->priv.waiters, sem);
}

/* With no wake out, nobody can still take the permits in `granted`. */
static void semaphore_reconcile(bcsc_semaphore_t *sem) {
  if (sem->priv.granted != 0 && sem->priv.waiters.priv.batons == 0) {
    sem->priv.available += sem->priv.granted;
    sem->priv.granted = 0;
  }
}

static bcsc_semaphore_waiter_t *semaphore_head(bcsc_semaphore_t *sem) {
  struct bcsc_wait_link *first = sem->priv.waiters.priv.waiters.next;
  bcsc_wait_t *w;
  if (first == NULL)
    return NULL;
  w = BCSC__CONTAINER_OF(first, bcsc_wait_t, priv.queue);
  /* Its request is read from its frame: that frame must still be one. */
  if (BCSC__CANARY_BAD(w, BCSC__MAGIC_WAIT)) {
    bcsc__misuse(BCSC_MISUSE_FRAME_CLOBBERED, w);
    return NULL;
  }
  return BCSC__CONTAINER_OF(w, bcsc_semaphore_waiter_t, priv.wait);
}

/* Wake waiters from the head while the free permits cover their requests:
 * strict FIFO, so a head that is not covered holds back the others. */
static int semaphore_dispatch(bcsc_semaphore_t *sem) {
  bcsc_semaphore_waiter_t *head;
  while ((head = semaphore_head(sem)) != NULL &&
         head->priv.permits <= sem->priv.available) {
    uint32_t n = head->priv.permits;
    int rc = bcsc_waitq_wake_one(&sem->priv.waiters, n);
    if (rc != 1)
      return rc < 0 ? rc : 0;
    sem->priv.available -= n;
    sem->priv.granted += n;
  }
  return 0;
}

/* Whether place `a` comes before place `b` in line (places wrap). */
static int semaphore_before(uint32_t a, uint32_t b) {
  return (int32_t)(a - b) < 0;
}

/* The first waiter whose place comes after `place`: the link to put a
 * waiter in front of to keep the line in order (the list's own links when
 * there is none, which is the end). Walks the line: only a waiter whose
 * wake was passed on to it comes here. */
static struct bcsc_wait_link *semaphore_position(bcsc_semaphore_t *sem,
                                                 uint32_t place) {
  struct bcsc_wait_link *list = &sem->priv.waiters.priv.waiters;
  struct bcsc_wait_link *l = list->next;
  if (l == NULL)
    return list;
  for (; l != list; l = l->next) {
    bcsc_wait_t *w = BCSC__CONTAINER_OF(l, bcsc_wait_t, priv.queue);
    bcsc_semaphore_waiter_t *other =
        BCSC__CONTAINER_OF(w, bcsc_semaphore_waiter_t, priv.wait);
    if (semaphore_before(place, other->priv.place))
      return l;
  }
  return list;
}

/* Move the newest registration of `q` in front of `pos` (a node's links,
 * or the list's own for the end). The ring is described in bcsc/wait.h. */
static void semaphore_newest_before(bcsc_waitq_t *q,
                                    struct bcsc_wait_link *pos) {
  struct bcsc_wait_link *list = &q->priv.waiters;
  struct bcsc_wait_link *node = list->prev;
  if (pos == list || pos == node)
    return;
  node->prev->next = list;
  list->prev = node->prev;
  node->prev = pos->prev;
  node->next = pos;
  pos->prev->next = node;
  pos->prev = node;
}

int bcsc_semaphore_init(bcsc_semaphore_t *sem, uint32_t permits) {
  if (sem == NULL)
    BCSC__FAIL(NULL_OBJECT, sem, BCSC_EINVAL);
  *sem = (bcsc_semaphore_t)BCSC_SEMAPHORE_INITIALIZER(permits);
  return 0;
}

int bcsc_semaphore_deinit(bcsc_semaphore_t *sem) {
  int rc = semaphore_check(sem);
  if (rc != 0)
    return rc;
  if ((rc = bcsc_waitq_deinit(&sem->priv.waiters)) != 0)
    return rc;
  BCSC__FORGET(sem);
  return 0;
}

int bcsc_semaphore_waiter_init(bcsc_semaphore_waiter_t *waiter) {
  if (waiter == NULL)
    BCSC__FAIL(NULL_OBJECT, waiter, BCSC_EINVAL);
  *waiter = (bcsc_semaphore_waiter_t)BCSC_SEMAPHORE_WAITER_INITIALIZER;
  return 0;
}

/* The waiter's wake came with `granted` permits: keep what it asked for,
 * or give them all back if its task is cancelled. */
static int semaphore_take(bcsc_task_t *self, bcsc_semaphore_t *sem,
                          bcsc_semaphore_waiter_t *waiter, uint32_t granted) {
  uint32_t want = waiter->priv.permits;
  struct bcsc_wait_link *first, *pos;
  int rc;
  /* The baton is already taken, so `batons` has fallen: take its permits
   * out of `granted` before reconciling, or they would count twice. */
  sem->priv.granted -=
      granted < sem->priv.granted ? granted : sem->priv.granted;
  semaphore_reconcile(sem);
  sem->priv.available += granted;
  if (self->priv.state & BCSC__TASK_CANCELLED) {
    rc = semaphore_dispatch(sem);
    return rc != 0 ? rc : BCSC_ECANCELED;
  }
  if (granted >= want) {
    sem->priv.available -= want;
    return semaphore_dispatch(sem); /* what it did not need */
  }
  /* A wake passed on from a smaller request. The task goes back to its
   * place in line - the head, unless another such task, older, went back
   * first - and takes the permits now if it is the head and they are
   * enough. */
  first = sem->priv.waiters.priv.waiters.next;
  pos = semaphore_position(sem, waiter->priv.place);
  if ((first == NULL || pos == first) && want <= sem->priv.available) {
    sem->priv.available -= want;
    return semaphore_dispatch(sem);
  }
  bcsc__wait_link_in_line(self, &waiter->priv.wait, &sem->priv.waiters);
  semaphore_newest_before(&sem->priv.waiters, pos);
  rc = semaphore_dispatch(sem);
  return rc != 0 ? rc : BCSC_PENDING;
}

int bcsc_semaphore_acquire(bcsc_task_t *self, bcsc_semaphore_t *sem,
                           bcsc_semaphore_waiter_t *waiter, uint32_t n) {
  int rc, node;
  bcsc_wait_t *wait;
  if ((rc = semaphore_check(sem)) != 0)
    return rc;
  if (waiter == NULL)
    BCSC__FAIL(NULL_OBJECT, waiter, BCSC_EINVAL);
  if (n == 0)
    BCSC__FAIL(BAD_ARGUMENT, sem, BCSC_EINVAL);
  wait = &waiter->priv.wait;
  /* Reported as the waiter the caller passed, not the registration in it:
   * a waiter left zeroed in a pooled frame is the usual slip. */
  if (wait->priv.magic != BCSC__MAGIC_WAIT)
    BCSC__FAIL(BAD_OBJECT, waiter, BCSC_EBADOBJ);
  /* Another semaphore's permits are not this one's: the take passes them
   * on to that semaphore's next waiter (D96). */
  if ((node = bcsc__wait_take(self, wait, &sem->priv.waiters)) < 0)
    return node;
  if (node == BCSC__NODE_LINKED)
    return BCSC_PENDING; /* asked twice in one poll */
  if (node == BCSC__NODE_BATON)
    return semaphore_take(self, sem, waiter, (uint32_t)wait->value);
  semaphore_reconcile(sem);
  /* Free permits a head left behind (a waiter that leaves the head hands
   * its turn on, D34, but a call may come first): look again. */
  if ((rc = semaphore_dispatch(sem)) != 0)
    return rc;
  if (self->priv.state & BCSC__TASK_CANCELLED)
    return BCSC_ECANCELED;
  if (bcsc_waitq_empty(&sem->priv.waiters) &&
      sem->priv.waiters.priv.batons == 0 && n <= sem->priv.available) {
    sem->priv.available -= n;
    return 0;
  }
  waiter->priv.permits = n;
  waiter->priv.place = (uint32_t)sem->priv.next_place++;
  bcsc__wait_link_in_line(self, wait, &sem->priv.waiters);
  return BCSC_PENDING;
}

int bcsc_semaphore_try_acquire(bcsc_semaphore_t *sem, uint32_t n) {
  int rc = semaphore_check(sem);
  if (rc != 0)
    return rc;
  if (n == 0)
    BCSC__FAIL(BAD_ARGUMENT, sem, BCSC_EINVAL);
  semaphore_reconcile(sem);
  if ((rc = semaphore_dispatch(sem)) != 0)
    return rc;
  if (!bcsc_waitq_empty(&sem->priv.waiters) ||
      sem->priv.waiters.priv.batons != 0 || n > sem->priv.available)
    return BCSC_EAGAIN;
  sem->priv.available -= n;
  return 0;
}

int bcsc_semaphore_release(bcsc_semaphore_t *sem, uint32_t n) {
  int rc = semaphore_check(sem);
  if (rc != 0)
    return rc;
  semaphore_reconcile(sem);
  if (n > UINT32_MAX - sem->priv.available - sem->priv.granted)
    BCSC__FAIL(BAD_ARGUMENT, sem, BCSC_EINVAL);
  sem->priv.available += n;
  return semaphore_dispatch(sem);
}

uint32_t bcsc_semaphore_available(const bcsc_semaphore_t *sem) {
  if (sem == NULL)
    return 0;
  /* What semaphore_reconcile() would give back, without writing. */
  if (sem->priv.waiters.priv.batons == 0)
    return sem->priv.available + sem->priv.granted;
  return sem->priv.available;
}

uint32_t bcsc_semaphore_waiting(const bcsc_semaphore_t *sem) {
  return sem != NULL ? bcsc_waitq_count(&sem->priv.waiters) : 0;
}

size_t bcsc_semaphore_sizeof(void) { return sizeof(bcsc_semaphore_t); }
size_t bcsc_semaphore_alignof(void) { return _Alignof(bcsc_semaphore_t); }
size_t bcsc_semaphore_waiter_sizeof(void) {
  return sizeof(bcsc_semaphore_waiter_t);
}
size_t bcsc_semaphore_waiter_alignof(void) {
  return _Alignof(bcsc_semaphore_waiter_t);
}
