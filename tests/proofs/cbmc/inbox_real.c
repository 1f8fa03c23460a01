/* SPDX-License-Identifier: MIT
 * inbox_real.c - CBMC proof over the real libbcsc/src/inbox.c (issue 5),
 * #included with a stub executor and a stub bcsc__inbox_notify(), as
 * inbox.h invites. Run by scripts/prove.sh only when inbox.c exists.
 *
 * cbmc 6.6 cannot check this file's atomics under weak memory (its
 * struct-member atomics trip goto-instrument, and cbmc refuses pointers in
 * a concurrent program), so this is the SEQUENTIAL half: any interleaving
 * of whole operations - a wake from another thread (push, for the current
 * generation or a stale one), a drain (take + settle), a slot taken or
 * given back, the executor going to sleep or waking - over NSLOT slots and
 * STEPS steps. After every step:
 *  - push counts every wake once: received + stale == wakes sent, where
 *    received is what the executor has folded, plus its 32-bit counter,
 *    plus the counts still in the slots' words (D47; the count has
 *    BCSC__SLOT_COUNT_BITS = 2 bits here, so that a full one is reached:
 *    the fourth wake of a slot between drains); and a wake is received
 *    exactly when its slot is held at its generation;
 *  - a slot's count is not 0 only while it is PENDING;
 *  - a drain wakes exactly the slots whose current holder got a wake since
 *    the last drain, once each: a wake for a holder that ended is dropped;
 *  - the taken list is a list (each slot at most once, within the table);
 *  - no lost wake-up: a push into the empty inbox of an executor that
 *    decided to sleep notifies it.
 * The weak-memory half is inbox_wmm.c: this file's scenario with every
 * atomic call of inbox.c going through the explicit memory model of wmm.h
 * (D43); the litmus tests of inbox_handshake.c check the protocol. */
/* The controls (controls.h): the mutants of scripts/prove.sh this harness
 * catches, each a switch of the schema tree. */
#define HARNESS_CONTROLS(X)                                                    \
  X(REQUEUE, 1)                                                                \
  X(FOLD_DROPPED, 2)                                                           \
  X(FULL_UNCOUNTED, 3) X(REMARK_COUNTED, 4) X(RECHECK_DROPPED, 5)
#include "controls.h"
#define MUTANT_REQUEUE BROKEN(REQUEUE)
#define MUTANT_FOLD_DROPPED BROKEN(FOLD_DROPPED)
#define MUTANT_FULL_UNCOUNTED BROKEN(FULL_UNCOUNTED)
#define MUTANT_REMARK_COUNTED BROKEN(REMARK_COUNTED)
#define MUTANT_RECHECK_DROPPED BROKEN(RECHECK_DROPPED)

#ifndef BCSC__SLOT_COUNT_BITS
#define BCSC__SLOT_COUNT_BITS 2
#endif
/* The checked build's hook points (inbox.h, D41). With -DWINDOW, at
 * BCSC__HOOK_COUNTING - a wake past a full count, before it counts itself
 * and looks at the slot again - the executor may drain, or give the slot
 * back, once per run (D48's window; run with a 1-bit count and fewer
 * steps: the window multiplies the formula); the other operations stay
 * whole. */
#define BCSC_CHECKED 1
#include "inbox.c"

#ifndef NSLOT
#define NSLOT 2
#endif
#ifndef STEPS
#define STEPS 5
#endif

unsigned nondet_unsigned(void);

static bcsc_executor_t ex;
static bcsc_waker_slot_t slots[NSLOT];
static unsigned notified;

void bcsc__inbox_notify(bcsc_executor_t *executor, uint32_t how) {
  CHECK(executor == &ex && how == BCSC__INBOX_PARKED);
  notified++;
}

/* The model. */
static int held[NSLOT];
static uint32_t gen[NSLOT];
static int woken[NSLOT]; /* the holder got a wake since the last drain */
static unsigned sent, asleep, nested;

/* The drain: each slot woken once, only for its current holder. */
static void drain(void) {
  int delivered[NSLOT] = {0};
  uint32_t n = bcsc__inbox_take(&ex);
  unsigned k = 0;
  while (n != 0) {
    uint32_t slot = n;
    int deliver;
    CHECK(n <= NSLOT);
    CHECK(++k <= NSLOT);
    n = bcsc__inbox_settle(&ex, slot, &deliver);
    if (deliver)
      delivered[slot - 1]++;
  }
  (void)bcsc__inbox_settled(&ex);
  for (unsigned j = 0; j < NSLOT; j++) {
    CHECK(delivered[j] == woken[j]);
    woken[j] = 0;
  }
}

static void release(unsigned i) {
  bcsc__inbox_slot_release(&ex, &slots[i]);
  held[i] = 0;
  woken[i] = 0; /* its wake, if any, goes with it */
  gen[i] = (gen[i] + 1) & BCSC__SLOT_GEN_MASK;
}

void bcsc__inbox_hook(bcsc_executor_t *executor, int point, void *object) {
  (void)executor;
#ifdef WINDOW
  if (point != BCSC__HOOK_COUNTING || nested != 0)
    return;
  switch (nondet_unsigned()) {
  case 1:
    nested++;
    drain();
    break;
  case 2:
    nested++;
    release((unsigned)((bcsc_waker_slot_t *)object - slots));
    break;
  default:
    break;
  }
#else
  (void)point;
  (void)object;
#endif
}

int main(void) {
  controls_choose();
  ex.priv.waker_slots = slots;
  ex.priv.waker_slot_count = NSLOT;
  ex.priv.inbox_head = 0;
  ex.priv.inbox_sleep = BCSC__INBOX_AWAKE;
  ex.priv.wakes_received = 0;
  ex.priv.inbox_received = 0;
  ex.priv.inbox_stale = 0;
  ex.priv.inbox_notifies = 0;
  for (unsigned i = 0; i < NSLOT; i++) {
    slots[i].priv.state = 0;
    slots[i].priv.inbox_next = 0;
  }
  for (unsigned step = 0; step < STEPS; step++) {
    unsigned op = nondet_unsigned(), i = nondet_unsigned();
    __CPROVER_assume(i < NSLOT);
    if (op == 0) {
      /* A wake for the current generation or an older one. */
      uint32_t g = nondet_unsigned() & BCSC__SLOT_GEN_MASK;
      int empty = ex.priv.inbox_head == 0;
      unsigned before = notified;
      int live = held[i] && g == gen[i];
      int rc = bcsc__inbox_push(&ex, i, g);
      sent++;
      CHECK(rc == live);
      /* (Unless its task ended inside the push: its wake went with it.) */
      if (live && held[i] && gen[i] == g)
        woken[i] = 1;
      /* No lost wake-up: a sleeping executor hears of a first wake. */
      if (asleep && empty && live)
        CHECK(notified == before + 1);
      if (notified != before)
        asleep = 0;
    } else if (op == 1) {
      drain();
    } else if (op == 2 && !held[i]) {
      bcsc__inbox_slot_hold(&slots[i]);
      held[i] = 1;
    } else if (op == 3 && held[i]) {
      release(i);
    } else if (op == 4 && !asleep) {
      if (!bcsc__inbox_sleep(&ex, BCSC__INBOX_PARKED))
        asleep = 1;
      else
        bcsc__inbox_awake(&ex);
    }
    CHECK(ex.priv.wakes_received + ex.priv.inbox_received +
              bcsc__inbox_counted(&ex) + ex.priv.inbox_stale ==
          sent);
    for (unsigned j = 0; j < NSLOT; j++)
      CHECK(bcsc__slot_count(slots[j].priv.state) == 0 ||
            (slots[j].priv.state & BCSC__SLOT_PENDING));
  }
  return 0;
}
