/* SPDX-License-Identifier: MIT
 * reactors/sim.c - virtual time: park moves the clock to the deadline
 * instead of blocking, so a run depends on nothing but the task graph.
 *
 * Outside the core (it is not part of the executor's contract) but as
 * freestanding as the core: no libc, only compiler atomics. */
#include "bcsc/reactor_sim.h"
#include "internal.h"

/* The operations refuse memory that is not a sim reactor (D90); the
 * vtable's entries do not check: the executor took the reactor at its
 * init, and they are on its hot path. */
BCSC__DEFINE_MAGIC_CHECK(sim_reactor, bcsc_sim_reactor_t,
                         BCSC__MAGIC_SIM_REACTOR)

/* The reactor is the first member of bcsc_sim_reactor_t. */
static bcsc_sim_reactor_t *sim_of(bcsc_reactor_t *base) {
  return (bcsc_sim_reactor_t *)(void *)base;
}

static uint64_t sim_now(bcsc_reactor_t *base) { return sim_of(base)->priv.now; }

/* Another thread or a signal handler may unpark at any time, so the pending
 * flag is the only field touched outside the executor's thread:
 *
 *   unparking thread                 executor thread (park)
 *   make a task ready (its own       exchange(unparked, 0) == 1
 *   release store, e.g. the inbox)     -> return at once: the executor
 *   store(unparked, 1, release)  -->      looks at its queues again
 *
 * The acquire exchange pairs with the release store, so whatever the
 * unparking thread did before unpark is visible once park has consumed it.
 * A lost unpark is impossible: the flag is set before the caller returns,
 * and park reads it before it touches the clock. */
static int sim_park(bcsc_reactor_t *base, uint64_t deadline) {
  bcsc_sim_reactor_t *r = sim_of(base);
  if (__atomic_exchange_n(&r->priv.unparked, 0, __ATOMIC_ACQUIRE) != 0)
    return 0;
  /* Virtual time only moves to a deadline: with none, nothing outside can
   * ever make a task ready (the unpark above was the only way). */
  if (deadline == BCSC_NO_DEADLINE)
    return BCSC_EDEADLK;
  if (deadline > r->priv.now)
    r->priv.now = deadline;
  r->priv.parks++;
  return 0;
}

static void sim_unpark(bcsc_reactor_t *base) {
  __atomic_store_n(&sim_of(base)->priv.unparked, 1, __ATOMIC_RELEASE);
}

static const bcsc_reactor_vtable_t sim_vtable = {sizeof(bcsc_reactor_vtable_t),
                                                 BCSC_REACTOR_VTABLE_VERSION,
                                                 sim_now, sim_park, sim_unpark};

int bcsc_sim_reactor_init(bcsc_sim_reactor_t *r, uint64_t start) {
  if (r == NULL)
    BCSC__FAIL(NULL_OBJECT, r, BCSC_EINVAL);
  r->base.vtable = &sim_vtable;
  r->base.data = NULL;
  r->priv.now = start;
  r->priv.parks = 0;
  r->priv.unparked = 0;
  r->priv.magic = BCSC__MAGIC_SIM_REACTOR;
  r->priv.reserved[0] = 0;
  r->priv.reserved[1] = 0;
  return 0;
}

int bcsc_sim_reactor_advance(bcsc_sim_reactor_t *r, uint64_t ns) {
  int rc;
  if ((rc = bcsc__check_sim_reactor(r)) != 0)
    return rc;
  /* Saturate: "the end of time" is a valid place for a simulation to go,
   * wrapping to the start of it is not. */
  r->priv.now = ns > UINT64_MAX - r->priv.now ? UINT64_MAX : r->priv.now + ns;
  return 0;
}

uint64_t bcsc_sim_reactor_now(const bcsc_sim_reactor_t *r) {
  return r != NULL ? r->priv.now : 0;
}

uint64_t bcsc_sim_reactor_parks(const bcsc_sim_reactor_t *r) {
  return r != NULL ? r->priv.parks : 0;
}

size_t bcsc_sim_reactor_sizeof(void) { return sizeof(bcsc_sim_reactor_t); }
