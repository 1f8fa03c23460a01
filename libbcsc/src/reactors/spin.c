/* SPDX-License-Identifier: MIT
 * reactors/spin.c - park busy-waits on the program's clock: the reactor
 * for a bare-metal loop with no OS to sleep in. No libc, only compiler
 * atomics. */
#include "bcsc/reactor_spin.h"
#include "internal.h"

static bcsc_spin_reactor_t *spin_of(bcsc_reactor_t *base) {
  return (bcsc_spin_reactor_t *)(void *)base;
}

static uint64_t spin_now(bcsc_reactor_t *base) {
  bcsc_spin_reactor_t *r = spin_of(base);
  return r->priv.clock(r->priv.context);
}

/* The pending flag is the only field an interrupt or another thread
 * touches:
 *
 *   interrupt handler / other thread     executor thread (park loop)
 *   make a task ready (release)          exchange(unparked, 0) == 1
 *   store(unparked, 1, release)   -->      -> return: look at the queues
 *
 * The flag is checked on every turn of the loop, after relax returns, so
 * an unpark ends the park within one turn; acquire/release make what the
 * handler did before unparking visible to the executor afterwards. */
static int spin_park(bcsc_reactor_t *base, uint64_t deadline) {
  bcsc_spin_reactor_t *r = spin_of(base);
  r->priv.parks++;
  for (;;) {
    if (__atomic_exchange_n(&r->priv.unparked, 0, __ATOMIC_ACQUIRE) != 0)
      return 0;
    /* No deadline: only an unpark ends the park - from an interrupt, which
     * a bare-metal program cannot be without, so this is no deadlock. */
    if (deadline != BCSC_NO_DEADLINE &&
        r->priv.clock(r->priv.context) >= deadline)
      return 0;
    if (r->priv.relax != NULL)
      r->priv.relax(r->priv.context);
  }
}

/* ISR-safe: one atomic store, no lock. */
static void spin_unpark(bcsc_reactor_t *base) {
  __atomic_store_n(&spin_of(base)->priv.unparked, 1, __ATOMIC_RELEASE);
}

static const bcsc_reactor_vtable_t spin_vtable = {
    sizeof(bcsc_reactor_vtable_t), BCSC_REACTOR_VTABLE_VERSION, spin_now,
    spin_park, spin_unpark};

int bcsc_spin_reactor_init(bcsc_spin_reactor_t *r, bcsc_spin_clock_fn clock,
                           bcsc_spin_relax_fn relax, void *context) {
  if (r == NULL)
    BCSC__FAIL(NULL_OBJECT, r, BCSC_EINVAL);
  if (clock == NULL)
    BCSC__FAIL(BAD_ARGUMENT, r, BCSC_EINVAL);
  r->base.vtable = &spin_vtable;
  r->base.data = NULL;
  r->priv.clock = clock;
  r->priv.relax = relax;
  r->priv.context = context;
  r->priv.parks = 0;
  r->priv.unparked = 0;
  /* Nothing public takes a spin reactor after its init (the executor
   * checks its vtable), but a debugger or a later operation can tell one
   * from other memory (D90). */
  r->priv.magic = BCSC__MAGIC_SPIN_REACTOR;
  r->priv.reserved[0] = 0;
  r->priv.reserved[1] = 0;
  return 0;
}

uint64_t bcsc_spin_reactor_parks(const bcsc_spin_reactor_t *r) {
  return r != NULL ? r->priv.parks : 0;
}

size_t bcsc_spin_reactor_sizeof(void) { return sizeof(bcsc_spin_reactor_t); }
