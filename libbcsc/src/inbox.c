/* SPDX-License-Identifier: MIT
 * inbox.c - the lock-free multi-producer inbox of value wakes.
 *
 * Producers (any thread, signal handlers) push slots; the one consumer, the
 * executor's thread, takes the whole list at once with an exchange. There
 * is no pop of a single node, so a Treiber push cannot meet the ABA
 * problem. A slot is on the list at most once (its QUEUED bit), so the slot
 * table bounds the list and a push never fails for room.
 *
 * Which task a wake is for is decided by the slot's state word alone: a
 * wake marks the slot PENDING only while it is HELD at the generation the
 * waker carries, in one compare-and-swap; the executor gives a slot back by
 * moving the generation on and clearing HELD and PENDING in another. So a
 * wake is for the holder it found, and a holder that ended before the
 * drain never sees it. Neither side touches a task frame here. */
#include "inbox.h"

static bcsc_waker_slot_t *slot_at(bcsc_executor_t *ex, uint32_t index) {
  return &ex->priv.waker_slots[index];
}

static void count(uint32_t *counter) {
  atomic_fetch_add_explicit(BCSC__A32(counter), 1, memory_order_relaxed);
}

/* The wake that finds the inbox empty tells a sleeping executor. This is
 * the store-buffering handshake; each side writes one word, then reads the
 * other's, both seq_cst, so at least one of them sees the other's write:
 *
 *   waking thread                    executor (bcsc__inbox_sleep)
 *   CAS inbox_head: 0 -> slot        store inbox_sleep = PARKED
 *   load inbox_sleep                 load inbox_head
 *   PARKED? -> unpark                non-empty? -> do not park
 *
 * Only the empty -> non-empty push needs it: a later push finds the list
 * non-empty, which the executor sees before it parks. A woken executor is
 * AWAKE, so the common wake pays one load here and no system call. */
void bcsc__inbox_notify_if_sleeping(bcsc_executor_t *ex) {
  _Atomic uint32_t *sleep = BCSC__A32(&ex->priv.inbox_sleep);
  uint32_t how;
  if (atomic_load_explicit(sleep, memory_order_seq_cst) == BCSC__INBOX_AWAKE)
    return;
  BCSC__INBOX_HOOK(ex, BCSC__HOOK_NOTIFYING, ex);
  /* Several wakes may find it asleep: one of them notifies. */
  how =
      atomic_exchange_explicit(sleep, BCSC__INBOX_AWAKE, memory_order_seq_cst);
  if (how == BCSC__INBOX_AWAKE)
    return;
  count(&ex->priv.inbox_notifies);
  bcsc__inbox_notify(ex, how);
}

int bcsc__inbox_push(bcsc_executor_t *ex, uint32_t index, uint32_t generation) {
  bcsc_waker_slot_t *slot = slot_at(ex, index);
  _Atomic uint32_t *state = BCSC__A32(&slot->priv.state);
  _Atomic uint32_t *head = BCSC__A32(&ex->priv.inbox_head);
  const uint32_t mine =
      (generation << BCSC__SLOT_GEN_SHIFT) | (uint32_t)BCSC__SLOT_HELD;
  const uint32_t key =
      (BCSC__SLOT_GEN_MASK << BCSC__SLOT_GEN_SHIFT) | (uint32_t)BCSC__SLOT_HELD;
  uint32_t old = atomic_load_explicit(state, memory_order_relaxed);
  uint32_t add = BCSC__SLOT_COUNT_ONE; /* 0 once counted in inbox_received */
  uint32_t top;

  for (;;) {
    if ((old & key) != mine) {
      if (add == 0)
        return 1; /* counted while the task was live; it has ended since */
      count(&ex->priv.inbox_stale); /* ended, or another task holds it */
      return 0;
    }
    if (old & BCSC__SLOT_PENDING) {
      /* Counted in inbox_received, and the slot is (still, or again)
       * PENDING: the settle that clears it comes after this look, so the
       * drain's read of inbox_received after it sees the count (D48). */
      if (add == 0)
        return 1;
      if ((old & BCSC__SLOT_COUNT) == BCSC__SLOT_COUNT) {
        /* The count is full: count in the executor's word, which
         * publishes instead (a seq_cst RMW there, a seq_cst load here; the
         * drain's settle and its read of the word after it are seq_cst
         * too), then look at the slot again. Still PENDING: the settle to
         * come reads the count. Settled meanwhile: mark it again,
         * uncounted (D48). */
        BCSC__INBOX_HOOK(ex, BCSC__HOOK_COUNTING, slot);
        atomic_fetch_add_explicit(BCSC__A32(&ex->priv.inbox_received), 1,
                                  memory_order_seq_cst);
        add = 0;
        old = atomic_load_explicit(state, memory_order_seq_cst);
      } else if (atomic_compare_exchange_weak_explicit(
                     state, &old, old + BCSC__SLOT_COUNT_ONE,
                     memory_order_release, memory_order_relaxed)) {
        /* Coalesced with the wake queued, and counted in the slot's word.
         * A release RMW: the drain's acquire RMW of this word reads a
         * value at or after it, so what this thread wrote before the wake
         * is visible to the task's next poll, as for the wake that queued
         * the slot (D44). */
        return 1;
      }
      /* Not PENDING: the count is 0 (inbox.h); this wake makes it 1 - or
       * leaves it 0 if it is counted in inbox_received. seq_cst: a
       * failure that reads PENDING is the look above. */
    } else if (atomic_compare_exchange_weak_explicit(
                   state, &old,
                   (old + add) |
                       (uint32_t)(BCSC__SLOT_PENDING | BCSC__SLOT_QUEUED),
                   memory_order_seq_cst, memory_order_seq_cst)) {
      break;
    }
    /* A failed compare-and-swap, or the second look, read the word again:
     * check it again. */
  }
  BCSC__INBOX_HOOK(ex, BCSC__HOOK_MARKED, slot);
  /* Still on the list from a wake for an earlier holder that the drain has
   * not reached: it will settle this one too. */
  if (old & BCSC__SLOT_QUEUED)
    return 1;

  /* Ours until the drain clears QUEUED: nobody else writes inbox_next. */
  top = atomic_load_explicit(head, memory_order_relaxed);
  do {
    atomic_store_explicit(BCSC__A32(&slot->priv.inbox_next), top,
                          memory_order_relaxed);
  } while (!atomic_compare_exchange_weak_explicit(
      head, &top, index + 1, memory_order_seq_cst, memory_order_relaxed));
  if (top == 0)
    bcsc__inbox_notify_if_sleeping(ex);
  return 1;
}

uint32_t bcsc__inbox_take(bcsc_executor_t *ex) {
  uint32_t n = atomic_exchange_explicit(BCSC__A32(&ex->priv.inbox_head), 0,
                                        memory_order_acquire);
  uint32_t first = 0;
  /* The list is newest first: reverse it so that wakes resolve in the order
   * they were queued. Its links are the executor's until settled. */
  while (n != 0) {
    _Atomic uint32_t *link = BCSC__A32(&slot_at(ex, n - 1)->priv.inbox_next);
    uint32_t next = atomic_load_explicit(link, memory_order_relaxed);
    atomic_store_explicit(link, first, memory_order_relaxed);
    first = n;
    n = next;
  }
  return first;
}

uint32_t bcsc__inbox_settle(bcsc_executor_t *ex, uint32_t n, int *deliver) {
  bcsc_waker_slot_t *slot = slot_at(ex, n - 1);
  /* Read the link before QUEUED is cleared: a wake may push the slot again
   * at once and overwrite it. */
  uint32_t next = atomic_load_explicit(BCSC__A32(&slot->priv.inbox_next),
                                       memory_order_relaxed);
  /* One RMW settles the wake and takes the count with it: wakes that
   * come after it count in the word again, from 1. */
  uint32_t old = atomic_fetch_and_explicit(
      BCSC__A32(&slot->priv.state),
      ~(uint32_t)(BCSC__SLOT_PENDING | BCSC__SLOT_QUEUED | BCSC__SLOT_COUNT),
      memory_order_seq_cst);
  ex->priv.wakes_received += bcsc__slot_count(old);
  *deliver = (old & (BCSC__SLOT_HELD | BCSC__SLOT_PENDING)) ==
             (BCSC__SLOT_HELD | BCSC__SLOT_PENDING);
  return next;
}

void bcsc__inbox_slot_hold(bcsc_waker_slot_t *slot) {
  atomic_fetch_or_explicit(BCSC__A32(&slot->priv.state),
                           (uint32_t)BCSC__SLOT_HELD, memory_order_release);
}

void bcsc__inbox_slot_release(bcsc_executor_t *ex, bcsc_waker_slot_t *slot) {
  _Atomic uint32_t *state = BCSC__A32(&slot->priv.state);
  uint32_t old = atomic_load_explicit(state, memory_order_relaxed);
  uint32_t next;
  /* Retried only when a wake sets a bit or counts meanwhile. A wake
   * pending for the ending holder is dropped with HELD: it was counted
   * received when it reached the live task (the count the word held moves
   * to the executor's total), and that task is gone. */
  do {
    uint32_t generation =
        ((old >> BCSC__SLOT_GEN_SHIFT) + 1u) & BCSC__SLOT_GEN_MASK;
    next = (generation << BCSC__SLOT_GEN_SHIFT) |
           (old & (uint32_t)BCSC__SLOT_QUEUED);
  } while (!atomic_compare_exchange_weak_explicit(
      state, &old, next, memory_order_acq_rel, memory_order_relaxed));
  ex->priv.wakes_received += bcsc__slot_count(old);
}

uint64_t bcsc__inbox_counted(const bcsc_executor_t *ex) {
  uint64_t sum = 0;
  for (uint32_t i = 0; i < ex->priv.waker_slot_count; i++)
    sum += bcsc__slot_count(atomic_load_explicit(
        BCSC__A32(&ex->priv.waker_slots[i].priv.state), memory_order_relaxed));
  return sum;
}

int bcsc__inbox_sleep(bcsc_executor_t *ex, uint32_t how) {
  atomic_store_explicit(BCSC__A32(&ex->priv.inbox_sleep), how,
                        memory_order_seq_cst);
  /* Remote children's messages (relay.c) use the same handshake: their
   * push reads inbox_sleep after its CAS of relay_head, so the second
   * list is read here after the same announcement. */
  return atomic_load_explicit(BCSC__A32(&ex->priv.inbox_head),
                              memory_order_seq_cst) != 0 ||
         atomic_load_explicit((_Atomic uintptr_t *)(void *)&ex->priv.relay_head,
                              memory_order_seq_cst) != 0;
}

void bcsc__inbox_awake(bcsc_executor_t *ex) {
  atomic_store_explicit(BCSC__A32(&ex->priv.inbox_sleep), BCSC__INBOX_AWAKE,
                        memory_order_relaxed);
}
