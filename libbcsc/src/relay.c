/* SPDX-License-Identifier: MIT
 * relay.c - the lock-free messages of remote children: a relay's flags
 * word, and a multi-producer list of relays per executor.
 *
 * The list is the wake inbox's algorithm (inbox.c) on pointers: any thread
 * pushes with a CAS of the head, the executor's thread takes the whole
 * list with one exchange and reverses it. There is no pop of one node, so
 * no ABA. A relay is pushed only by the thread that has just set QUEUED
 * (parent -> host) or DONE (host -> parent) in its flags, and each is
 * cleared only by the drain that takes it, so a relay is on at most one
 * list at a time and the lists need no bound but the relays themselves.
 *
 * The protocol in two CASes (docs/threads.md): a cancel is sent only while
 * the relay is not DONE, and DONE is set only while it is not QUEUED, so
 * the host's last touch of a relay is the push of DONE, after which it is
 * the parent's alone. A completion that finds a message still queued sets
 * RETURNED instead and leaves DONE to the drain that takes the message:
 * neither thread ever waits for the other. */
#include "relay.h"

void bcsc__relay_push(bcsc_executor_t *to, bcsc_remote_task_t *r) {
  _Atomic uintptr_t *head = BCSC__APTR(&to->priv.relay_head);
  _Atomic uint32_t *pins = BCSC__A32(&to->priv.relay_pins);
  uintptr_t top;
  /* The receiving thread may take the relay the moment it is pushed, end
   * the child, and tear its executor down - while this thread still has
   * to read inbox_sleep and maybe unpark. The pin keeps the executor
   * (and so its reactor) alive until then: bcsc_executor_deinit() waits
   * for relay_pins == 0. Taken before the push, so that a drain that sees
   * the relay sees the pin (happens-before through the push). */
  atomic_fetch_add_explicit(pins, 1, memory_order_relaxed);
  top = atomic_load_explicit(head, memory_order_relaxed);
  do {
    atomic_store_explicit(BCSC__APTR(&r->priv.relay_next), top,
                          memory_order_relaxed);
  } while (!atomic_compare_exchange_weak_explicit(
      head, &top, (uintptr_t)r, memory_order_seq_cst, memory_order_relaxed));
  /* The empty -> non-empty push tells a sleeping executor: the same
   * store-buffering handshake as a value wake (inbox.c), whose park looks
   * at relay_head too. */
  if (top == 0)
    bcsc__inbox_notify_if_sleeping(to);
  atomic_fetch_sub_explicit(pins, 1, memory_order_release);
}

bcsc_remote_task_t *bcsc__relay_take(bcsc_executor_t *ex) {
  uintptr_t n = atomic_exchange_explicit(BCSC__APTR(&ex->priv.relay_head), 0,
                                         memory_order_acquire);
  uintptr_t first = 0;
  /* Newest first: reverse, so that messages act in the order sent (a
   * spawn before the cancel that follows it). The links are this thread's
   * until each relay is settled. */
  while (n != 0) {
    _Atomic uintptr_t *link =
        BCSC__APTR(&((bcsc_remote_task_t *)n)->priv.relay_next);
    uintptr_t next = atomic_load_explicit(link, memory_order_relaxed);
    atomic_store_explicit(link, first, memory_order_relaxed);
    first = n;
    n = next;
  }
  return (bcsc_remote_task_t *)first;
}

bcsc_remote_task_t *bcsc__relay_next(const bcsc_remote_task_t *r) {
  return (bcsc_remote_task_t *)atomic_load_explicit(
      BCSC__APTR(&r->priv.relay_next), memory_order_relaxed);
}

uint32_t bcsc__relay_flags(const bcsc_remote_task_t *r) {
  return atomic_load_explicit(BCSC__A32(&r->priv.flags), memory_order_acquire);
}

int bcsc__relay_cancel(bcsc_remote_task_t *r) {
  _Atomic uint32_t *flags = BCSC__A32(&r->priv.flags);
  uint32_t old = atomic_load_explicit(flags, memory_order_relaxed);
  do {
    if (old & (BCSC__RELAY_CANCEL | BCSC__RELAY_DONE))
      return 0;
  } while (!atomic_compare_exchange_weak_explicit(
      flags, &old, old | BCSC__RELAY_CANCEL | BCSC__RELAY_QUEUED,
      memory_order_acq_rel, memory_order_relaxed));
  /* Already queued (its spawn, or a completion's RETURNED waiting for the
   * drain): the drain that takes it sees CANCEL. */
  return !(old & BCSC__RELAY_QUEUED);
}

uint32_t bcsc__relay_settle(bcsc_remote_task_t *r) {
  _Atomic uint32_t *flags = BCSC__A32(&r->priv.flags);
  uint32_t old = atomic_load_explicit(flags, memory_order_relaxed);
  uint32_t next;
  do {
    next = old & ~(uint32_t)(BCSC__RELAY_SPAWN | BCSC__RELAY_QUEUED);
    if (old & BCSC__RELAY_RETURNED)
      next |= BCSC__RELAY_DONE;
  } while (!atomic_compare_exchange_weak_explicit(
      flags, &old, next, memory_order_acq_rel, memory_order_relaxed));
  return old;
}

int bcsc__relay_returned(bcsc_remote_task_t *r) {
  _Atomic uint32_t *flags = BCSC__A32(&r->priv.flags);
  uint32_t old = atomic_load_explicit(flags, memory_order_relaxed);
  uint32_t next;
  do {
    next = old | ((old & BCSC__RELAY_QUEUED) ? BCSC__RELAY_RETURNED
                                             : BCSC__RELAY_DONE);
  } while (!atomic_compare_exchange_weak_explicit(
      flags, &old, next, memory_order_acq_rel, memory_order_relaxed));
  return !(old & BCSC__RELAY_QUEUED);
}

void bcsc__relay_wait_unpinned(bcsc_executor_t *ex) {
  /* A pusher holds the pin for a few instructions and at most one unpark
   * (a system call): wait it out rather than fail a teardown the caller
   * cannot retry at a better moment. */
  while (atomic_load_explicit(BCSC__A32(&ex->priv.relay_pins),
                              memory_order_acquire) != 0) {
  }
}
