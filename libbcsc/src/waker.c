/* SPDX-License-Identifier: MIT
 * waker.c - value wakers: the slot table, the public calls, and the drain
 * that turns the inbox's wakes into task wakes on the executor's thread.
 * The lock-free part is inbox.c. */
#include "inbox.h"
#include "internal.h"

_Static_assert(BCSC_WAKER_SLOTS_MAX <= 0xffffu,
               "a task records its slot + 1 in 16 bits (D23)");

void bcsc__waker_table_init(bcsc_executor_t *ex, bcsc_waker_slot_t *slots,
                            uint32_t count) {
  /* Plain stores: no waker for this table exists yet, so no other thread
   * can look at it. The free list is FIFO so that a slot waits as long as
   * possible before its generation is reused (docs/threads.md). */
  for (uint32_t i = 0; i < count; i++) {
    slots[i].priv.owner.free_next = i + 1 < count ? i + 2 : 0;
    slots[i].priv.state = 0;
    slots[i].priv.inbox_next = 0;
  }
  ex->priv.waker_slots = slots;
  ex->priv.waker_slot_count = count;
  ex->priv.waker_free_head = count != 0 ? 1 : 0;
  ex->priv.waker_free_tail = count;
  ex->priv.waker_held = 0;
}

int bcsc_executor_set_waker_slots(bcsc_executor_t *ex, bcsc_waker_slot_t *slots,
                                  uint32_t count) {
  int rc = bcsc__check_executor(ex);
  if (rc != 0)
    return rc;
  if (slots == NULL || count == 0 || count > BCSC_WAKER_SLOTS_MAX)
    BCSC__FAIL(BAD_ARGUMENT, slots, BCSC_EINVAL);
  if (ex->priv.waker_slots != NULL)
    return BCSC_EBUSY;
  bcsc__waker_table_init(ex, slots, count);
  return 0;
}

int bcsc_task_waker(bcsc_task_t *self, bcsc_waker_t *out) {
  bcsc_executor_t *ex;
  bcsc_waker_slot_t *slot;
  uint32_t n;
  int rc = bcsc__check_self(self);
  if (rc != 0)
    return rc;
  if (out == NULL)
    BCSC__FAIL(BAD_ARGUMENT, out, BCSC_EINVAL);
  ex = bcsc__task_executor(self);
  n = bcsc__task_slot1(self);
  if (n == 0) {
    n = ex->priv.waker_free_head;
    if (n == 0)
      return BCSC_ENOSPC;
    slot = &ex->priv.waker_slots[n - 1];
    ex->priv.waker_free_head = (uint32_t)slot->priv.owner.free_next;
    if (ex->priv.waker_free_head == 0)
      ex->priv.waker_free_tail = 0;
    slot->priv.owner.task = self;
    bcsc__inbox_slot_hold(slot);
    ex->priv.waker_held++;
    self->priv.self_tag |= n << BCSC__TASK_SLOT_SHIFT;
  } else {
    slot = &ex->priv.waker_slots[n - 1];
  }
  out->executor = ex;
  out->slot = n - 1;
  /* Only the executor's thread changes the generation: a plain read. */
  out->generation = (atomic_load_explicit(BCSC__A32(&slot->priv.state),
                                          memory_order_relaxed) >>
                     BCSC__SLOT_GEN_SHIFT) &
                    BCSC__SLOT_GEN_MASK;
  return 0;
}

int bcsc_task_waker_woken(bcsc_task_t *self) {
  /* The running task itself, whatever its flags (D32); anything else takes
   * the full checks. */
  const uint32_t any_flag = 0xffffu & ~(uint32_t)BCSC__TASK_STATE_MASK;
  int rc;
  if (BCSC__UNLIKELY(self == NULL || !bcsc__task_polled(self, any_flag)) &&
      (rc = bcsc__check_self(self)) != 0)
    return rc;
  if (!(self->priv.state & BCSC__TASK_VALUE_WOKEN))
    return 0;
  bcsc__task_store_state(self, self->priv.state & ~BCSC__TASK_VALUE_WOKEN);
  return 1;
}

void bcsc__waker_release(bcsc_task_t *t) {
  bcsc_executor_t *ex = bcsc__task_executor(t);
  uint32_t n = bcsc__task_slot1(t);
  bcsc_waker_slot_t *slot = &ex->priv.waker_slots[n - 1];
  bcsc__inbox_slot_release(ex, slot); /* its wakers are stale from now on */
  slot->priv.owner.free_next = 0;
  if (ex->priv.waker_free_tail != 0)
    ex->priv.waker_slots[ex->priv.waker_free_tail - 1].priv.owner.free_next = n;
  else
    ex->priv.waker_free_head = n;
  ex->priv.waker_free_tail = n;
  ex->priv.waker_held--;
  t->priv.self_tag &= BCSC__TASK_TAG_MASK;
  bcsc__task_store_state(t, t->priv.state & ~BCSC__TASK_VALUE_WOKEN);
}

/* Move what the inbox has counted into the executor's 64-bit totals. The
 * waking threads count in 32-bit words (lock-free everywhere); the drain
 * moves a word only once it is large, since an exchange is a locked
 * instruction and a load is not - so the counts stay exact for any number
 * of wakes, and readers add the words to the totals (stats). */
static void fold_one(uint64_t *total, uint32_t *counter, int all) {
  _Atomic uint32_t *word = BCSC__A32(counter);
  if (all || atomic_load_explicit(word, memory_order_relaxed) >= 1u << 30)
    *total += atomic_exchange_explicit(word, 0, memory_order_relaxed);
}

void bcsc__waker_fold(bcsc_executor_t *ex, int all) {
  fold_one(&ex->priv.wakes_received, &ex->priv.inbox_received, all);
  fold_one(&ex->priv.wakes_stale, &ex->priv.inbox_stale, all);
  fold_one(&ex->priv.waker_notifies, &ex->priv.inbox_notifies, all);
}

/* A wake for the live holder `t` of a slot: like any wake (first wake
 * wins), and marked so that the task can tell. */
static void deliver(bcsc_executor_t *ex, bcsc_task_t *t) {
  uint64_t word;
  uint16_t state;
  if (BCSC__TASK_CANARY_BAD(t)) {
    BCSC__REPORT(FRAME_CLOBBERED, t);
    return;
  }
  ex->priv.wakes_delivered++;
  word = BCSC__HEADER(t);
  state = bcsc__header_state(word);
  /* The common delivery: a task that waits on its waker alone (the slot is
   * this executor's, so the task is too). Marked and queued in one store,
   * as wait_fired() queues the only waiter of a registration. */
  if (BCSC__LIKELY((state & (BCSC__TASK_STATE_MASK | BCSC__TASK_JOINING)) ==
                       BCSC__TASK_WAITING &&
                   t->priv.link.waits == NULL)) {
    BCSC__HEADER_SET(
        t, bcsc__header_with_state(word, (state & ~BCSC__TASK_STATE_MASK) |
                                             BCSC__TASK_QUEUED |
                                             BCSC__TASK_VALUE_WOKEN));
    ex->priv.wakes++;
    bcsc__runq_append(ex, t);
    return;
  }
  bcsc__task_store_state(t, state | BCSC__TASK_VALUE_WOKEN);
  bcsc__task_wake(t);
}

void bcsc__waker_drain(bcsc_executor_t *ex) {
  uint32_t n = bcsc__inbox_take(ex);
  while (n != 0) {
    bcsc_waker_slot_t *slot = &ex->priv.waker_slots[n - 1];
    int wake;
    n = bcsc__inbox_settle(ex, n, &wake);
    /* HELD and PENDING: the slot's holder now is the task the wake found
     * (giving a slot back clears PENDING). */
    if (wake)
      deliver(ex, slot->priv.owner.task);
  }
  /* Fold only when a counter has come near the end of its 32 bits: the
   * test is one OR of three loads, the fold out of line. The first is the
   * drain's read of inbox_received after its settles (D48): it makes the
   * wakes counted there visible to the polls that follow. */
  if (BCSC__UNLIKELY((bcsc__inbox_settled(ex) |
                      atomic_load_explicit(BCSC__A32(&ex->priv.inbox_stale),
                                           memory_order_relaxed) |
                      atomic_load_explicit(BCSC__A32(&ex->priv.inbox_notifies),
                                           memory_order_relaxed)) >= 1u << 30))
    bcsc__waker_fold(ex, 0);
}

#if BCSC__CHECKED
void bcsc__inbox_hook(bcsc_executor_t *ex, int point, void *object) {
  BCSC__HOOK(ex, point, object);
}
#endif

void bcsc__inbox_notify(bcsc_executor_t *ex, uint32_t how) {
  bcsc_reactor_t *reactor = ex->priv.reactor;
  const bcsc_reactor_vtable_t *vt;
  if (how == BCSC__INBOX_OUTSIDE && ex->priv.pender != NULL) {
    ex->priv.pender(ex, ex->priv.pender_context);
    return;
  }
  if (reactor == NULL)
    return;
  vt = reactor->vtable;
  /* A version-1 entry: inside the size (bcsc_reactor_check()). */
  if (vt->unpark != NULL)
    vt->unpark(reactor);
}

int bcsc_waker_wake(bcsc_waker_t waker) {
  bcsc_executor_t *ex = waker.executor;
  /* Any thread: errors are returned, never reported to the misuse handler
   * (it may print and abort, which a signal handler must not). */
  if (ex == NULL)
    return BCSC_EINVAL;
  if (ex->priv.magic != BCSC__MAGIC_EXECUTOR)
    return BCSC_EBADOBJ;
  if (ex->priv.waker_slots == NULL)
    return BCSC_ENOSPC;
  if (waker.slot >= ex->priv.waker_slot_count ||
      waker.generation > BCSC__SLOT_GEN_MASK)
    return BCSC_EINVAL;
  (void)bcsc__inbox_push(ex, waker.slot, waker.generation);
  return 0;
}

int bcsc_waker_wake_ptr(const bcsc_waker_t *waker) {
  if (waker == NULL)
    return BCSC_EINVAL;
  return bcsc_waker_wake(*waker);
}

size_t bcsc_waker_slot_sizeof(void) { return sizeof(bcsc_waker_slot_t); }
size_t bcsc_waker_slot_alignof(void) { return _Alignof(bcsc_waker_slot_t); }
size_t bcsc_waker_sizeof(void) { return sizeof(bcsc_waker_t); }
uint32_t bcsc_waker_generation_bits(void) { return BCSC_WAKER_GENERATION_BITS; }
