/* SPDX-License-Identifier: MIT
 * barrier.c - a barrier whose arrivals are the waiters' registrations: the
 * core unlinks a cancelled or out-selected task's registration by itself,
 * so a withdrawn arrival needs no cooperation from its task, and the count
 * is never wrong. */
#include "bcsc/barrier.h"
#include "internal.h"

_Static_assert(BCSC__MAGIC_BARRIER == 0x6ba7,
               "BCSC_BARRIER_INITIALIZER spells it");

static int barrier_check(const bcsc_barrier_t *b) {
  if (b == NULL)
    BCSC__FAIL(NULL_OBJECT, b, BCSC_EINVAL);
  if (b->priv.magic != BCSC__MAGIC_BARRIER || b->priv.parties == 0)
    BCSC__FAIL(BAD_OBJECT, b, BCSC_EBADOBJ);
  /* The list carries the move check: it is tagged while it has waiters. */
  return bcsc__check_waitq_of(&b->priv.arrivals, b);
}

int bcsc_barrier_init(bcsc_barrier_t *barrier, uint32_t parties) {
  if (barrier == NULL)
    BCSC__FAIL(NULL_OBJECT, barrier, BCSC_EINVAL);
  if (parties == 0)
    BCSC__FAIL(BAD_ARGUMENT, barrier, BCSC_EINVAL);
  *barrier = (bcsc_barrier_t)BCSC_BARRIER_INITIALIZER(parties);
  return 0;
}

int bcsc_barrier_deinit(bcsc_barrier_t *barrier) {
  int rc = barrier_check(barrier);
  if (rc != 0)
    return rc;
  if (!bcsc_waitq_empty(&barrier->priv.arrivals))
    BCSC__FAIL(WAITQ_BUSY, barrier, BCSC_EBUSY);
  BCSC__FORGET(barrier);
  return 0;
}

/* Whether `value` is a wake of a trip of `barrier`: a trip wakes its
 * arrivals with the generation it reached, 1 or more, which cannot be
 * ahead of the generation now. Where uintptr_t is narrower than the count
 * (32-bit targets) the value is the count truncated, and once the count has
 * passed what uintptr_t holds (2^32 rounds, 50 days at 1 kHz) the value
 * can no longer tell: every mark is taken, as before D94. */
static int barrier_reached(const bcsc_barrier_t *barrier, uintptr_t value) {
#if UINTPTR_MAX < UINT64_MAX
  if (barrier->priv.generation > UINTPTR_MAX)
    return 1;
#endif
  return value != 0 && value <= (uintptr_t)barrier->priv.generation;
}

int bcsc_barrier_wait(bcsc_task_t *self, bcsc_barrier_t *barrier,
                      bcsc_wait_t *wait, int *leader) {
  int rc, node;
  if ((rc = barrier_check(barrier)) != 0)
    return rc;
  if ((node = bcsc__wait_take(self, wait, NULL)) < 0)
    return node;
  if (node == BCSC__NODE_LINKED)
    return BCSC_PENDING; /* asked twice in one poll */
  /* Fired: the trip counted this arrival and the others have gone on, so
   * the round is complete for this task too, cancelled or not. A mark is
   * the trip's only if its value is a round this barrier has reached; any
   * other came from another source, and the node is taken as idle. */
  if (node == BCSC__NODE_FIRED && barrier_reached(barrier, wait->value)) {
    if (leader != NULL)
      *leader = 0;
    return 0;
  }
  if (self->priv.state & BCSC__TASK_CANCELLED)
    return BCSC_ECANCELED;
  if (bcsc_waitq_count(&barrier->priv.arrivals) + 1 >= barrier->priv.parties) {
    barrier->priv.generation++;
    if (!bcsc_waitq_empty(&barrier->priv.arrivals) &&
        (rc = bcsc_waitq_wake_all(&barrier->priv.arrivals,
                                  (uintptr_t)barrier->priv.generation)) < 0)
      return rc;
    if (leader != NULL)
      *leader = 1;
    return 0;
  }
  bcsc__wait_link(self, wait, &barrier->priv.arrivals);
  return BCSC_PENDING;
}

uint32_t bcsc_barrier_arrived(const bcsc_barrier_t *barrier) {
  return barrier != NULL ? bcsc_waitq_count(&barrier->priv.arrivals) : 0;
}

uint64_t bcsc_barrier_generation(const bcsc_barrier_t *barrier) {
  return barrier != NULL ? barrier->priv.generation : 0;
}

size_t bcsc_barrier_sizeof(void) { return sizeof(bcsc_barrier_t); }
size_t bcsc_barrier_alignof(void) { return _Alignof(bcsc_barrier_t); }
