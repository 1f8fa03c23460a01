/* SPDX-License-Identifier: MIT
 * inbox_wmm.c - the real libbcsc/src/inbox.c under weak memory (D43):
 * inbox_real.c's scenario, with every atomic call of the file going
 * through the explicit memory model of wmm.h - x86-TSO (-DWMM_TSO) or
 * C11 release/acquire/relaxed (-DWMM_RA). cbmc runs it sequentially: a
 * nondeterministic scheduler picks, STEPS times, a whole operation of a
 * thread - a producer's wake (push, for the current generation or a stale
 * one), the executor's drain (take + settle), a slot taken or given back,
 * the executor going to sleep - and the model decides what each load of
 * it reads (store buffers not yet flushed, stale messages).
 *
 * Threads: the executor (0) and NPROD producers. A producer writes the
 * wake's payload (a word of its own per slot, relaxed) and then pushes.
 * Every wake answers a request: the producer acquires what the executor
 * published after its last operation other than going to sleep (so a
 * parking announcement reaches the producer only through the inbox's own
 * handshake, and the harness knows which wakes are live); an unpark hands
 * the producer's view back to the executor. Operations are whole: the
 * model's stale reads and unflushed buffers are what the other thread may
 * fail to see (docs/testing.md lists what the models leave out).
 *
 * Checked after every step (the properties of inbox-real, under the model):
 *  - every wake is counted once: received + stale == sent, and received
 *    exactly when the slot is held at the wake's generation - received
 *    being the executor's folded total, its 32-bit counter and the counts
 *    in the slots' words (D47; -DBCSC__SLOT_COUNT_BITS=1 makes the second
 *    wake of a slot find its count full and take the counter);
 *  - a drain wakes exactly the slots whose holder got a wake since the
 *    last drain, once each; the taken list stays in the table;
 *  - no lost wake-up: a first wake into the empty inbox of an executor that
 *    decided to sleep notifies it;
 *  - message passing: the drain that delivers a slot reads the payload of
 *    the wake that queued it (or a later one), never an older one.
 *
 * Controls: below, with controls.h. */
#include <stdatomic.h>
#include <stdint.h>

#ifndef NSLOT
#define NSLOT 2
#endif
#ifndef NPROD
#define NPROD 1
#endif
#ifndef STEPS
#define STEPS 4
#endif

/* The modelled words, the data first (under RA a message's view covers
 * them: wmm.h). relay_head is only read (bcsc__inbox_sleep): plain. */
enum {
  L_NEXT,
  L_PAY = L_NEXT + NSLOT,
  L_HEAD = L_PAY + NSLOT * NPROD,
  L_SLEEP,
  L_RECV, /* inbox_received: a wake past a full count publishes there */
  L_STATE,
  L_COUNT = L_STATE + NSLOT
};
#define WMM_NLOC L_COUNT
#define WMM_NDATA L_HEAD
#define WMM_NTHR (1 + NPROD)
#define EXEC 0

/* The controls (controls.h): each weakens one order the source asks for.
 * SB: the executor's seq_cst store of inbox_sleep in bcsc__inbox_sleep()
 * made release (store buffering: a lost wake-up, under both models). MP:
 * the push's CAS of inbox_head made relaxed (message passing: the drain
 * reads a stale inbox_next and loses a wake; under RA - on x86 every RMW
 * is a full barrier). COALESCE: the coalescing CAS of a slot's state (the
 * only release CAS of it; the queuing one is acq_rel) made relaxed: a
 * coalesced wake publishes nothing. SETTLED: the drain's read of
 * inbox_received after its settles made relaxed: a wake counted there
 * (past a full count) publishes nothing (D48). RECHECK: the second look at
 * the slot of a wake past a full count made relaxed: it may miss the
 * settle that came between, and not mark the slot again. */
#define HARNESS_CONTROLS(X)                                                    \
  X(SB, 1) X(MP, 2) X(COALESCE, 3) X(SETTLED, 4) X(RECHECK, 5)
#include "controls.h"

#define WMM_ORDER_STORE(x, mo)                                                 \
  (BROKEN(SB) && (x) == L_SLEEP && (mo) == memory_order_seq_cst                \
       ? memory_order_release                                                  \
       : (mo))
#define WMM_ORDER_CAS(x, mo)                                                   \
  ((BROKEN(MP) && (x) == L_HEAD) || (BROKEN(COALESCE) && (x) >= L_STATE &&     \
                                     (mo) == memory_order_release)             \
       ? memory_order_relaxed                                                  \
       : (mo))
#define WMM_ORDER_LOAD(x, mo)                                                  \
  ((BROKEN(SETTLED) && (x) == L_RECV) ||                                       \
           (BROKEN(RECHECK) && (x) >= L_STATE && (mo) == memory_order_seq_cst) \
       ? memory_order_relaxed                                                  \
       : (mo))

#include "wmm.h"

/* The checked build's hook points of the wake path (inbox.h, D41). With
 * -DWINDOW, at BCSC__HOOK_COUNTING - a wake that found its slot PENDING
 * with a full count, before it counts itself and looks again - the
 * executor may drain, once per run. That is the one window inside an
 * operation that D48's argument is about; the others stay whole
 * operations. */
#define BCSC_CHECKED 1
static void drain(void);
static int nested_drains;

#include "inbox.c"

void bcsc__inbox_hook(bcsc_executor_t *executor, int point, void *object) {
  (void)executor;
  (void)object;
#ifdef WINDOW
  if (point == BCSC__HOOK_COUNTING && nested_drains == 0 && nondet_bool()) {
    int me = wmm_thread;
    nested_drains++;
    drain();
    wmm_thread = me;
  }
#else
  (void)point;
#endif
}

/* The received wakes the slots' words hold: their newest values (only
 * RMWs write them, so that is what the next RMW reads under both models). */
static uint64_t counted(void) {
  uint64_t sum = 0;
  unsigned i;
  for (i = 0; i < NSLOT; i++)
    sum += bcsc__slot_count((uint32_t)wmm_latest(L_STATE + (int)i));
  return sum + wmm_latest(L_RECV);
}

static bcsc_executor_t ex;
static bcsc_waker_slot_t slots[NSLOT];
static uint32_t payload[NPROD][NSLOT];
static unsigned notified;

/* The model. */
static int held[NSLOT];
static uint32_t gen[NSLOT];
static int woken[NSLOT];       /* the holder got a wake since the last drain */
static uint32_t expect[NSLOT]; /* the payload of the wake that queued it */
static int expect_from[NSLOT]; /* and its producer */
static unsigned sent, asleep;
/* What a task's request for a wake carries: the executor's state after its
 * last operation other than going to sleep (the task asked in a poll,
 * which follows the drain and the slot's hold). */
static wmm_snap_t request;
static wmm_snap_t unpark;

void bcsc__inbox_notify(bcsc_executor_t *executor, uint32_t how) {
  CHECK(executor == &ex && how == BCSC__INBOX_PARKED);
  notified++;
  /* The unpark: the executor's thread returns from its park after it. */
  wmm_publish(wmm_thread, &unpark);
  wmm_acquire(EXEC, &unpark);
}

static void wake(int p, unsigned i) {
  uint32_t g = nondet_unsigned() & BCSC__SLOT_GEN_MASK;
  int empty, live, rc;
  unsigned before = notified;
  live = held[i] && g == gen[i];
  /* The wake answers a request of the holder's (or of an ended task's):
   * what the executor did before it is visible to this producer - not a
   * later parking announcement. */
  wmm_acquire(p, &request);
  wmm_thread = p;
  sent++;
  /* The payload of a wake that will queue the slot (the one checked):
   * other wakes write none, so that their stores do not fill the store
   * buffer bound. */
  if (live)
    atomic_store_explicit(&payload[p - 1][i], sent, memory_order_relaxed);
  empty = wmm_latest(L_HEAD) == 0;
  rc = bcsc__inbox_push(&ex, i, g);
  CHECK(rc == live);
  /* (Its slot may have been drained inside the push: then it is woken
   * anew - D48.) */
  if (live && !woken[i]) {
    woken[i] = 1;
    expect[i] = sent;
    expect_from[i] = p - 1;
  }
  /* A wake that coalesces with the queued one publishes too (D44): the
   * drain must read this wake's payload, not only the first one's. */
  if (live) {
    expect[i] = sent;
    expect_from[i] = p - 1;
  }
  /* No lost wake-up: a sleeping executor hears of a first wake. */
  if (asleep && empty && live)
    CHECK(notified == before + 1);
  if (notified != before)
    asleep = 0;
}

static void drain(void) {
  int delivered[NSLOT] = {0};
  uint32_t n;
  unsigned k = 0, j;
  wmm_thread = EXEC;
  n = bcsc__inbox_take(&ex);
  while (n != 0) {
    uint32_t slot = n;
    int deliver;
    CHECK(n <= NSLOT);
    CHECK(++k <= NSLOT);
    n = bcsc__inbox_settle(&ex, slot, &deliver);
    if (deliver)
      delivered[slot - 1]++;
  }
  /* The drain's read of inbox_received after its settles (waker.c); the
   * tasks it delivered run only after it. */
  (void)bcsc__inbox_settled(&ex);
  for (j = 0; j < NSLOT; j++) {
    /* Message passing: what the producer wrote before the push. */
    if (delivered[j]) {
      uint32_t seen = (uint32_t)atomic_load_explicit(
          &payload[expect_from[j]][j], memory_order_relaxed);
      CHECK(seen >= expect[j]);
    }
    CHECK(delivered[j] == woken[j]);
    woken[j] = 0;
  }
}

int main(void) {
  unsigned i, p, step;
  controls_choose();
  ex.priv.waker_slots = slots;
  ex.priv.waker_slot_count = NSLOT;
  ex.priv.inbox_head = 0;
  ex.priv.inbox_sleep = BCSC__INBOX_AWAKE;
  ex.priv.wakes_received = 0;
  ex.priv.inbox_received = 0;
  ex.priv.inbox_stale = 0;
  ex.priv.inbox_notifies = 0;
  ex.priv.relay_head = 0;
  wmm_init_loc(L_HEAD, &ex.priv.inbox_head, 0);
  wmm_init_loc(L_SLEEP, &ex.priv.inbox_sleep, BCSC__INBOX_AWAKE);
  wmm_init_loc(L_RECV, &ex.priv.inbox_received, 0);
  for (i = 0; i < NSLOT; i++) {
    /* A slot starts free or held (generation 0), nothing pending. */
    held[i] = nondet_bool();
    slots[i].priv.state = held[i] ? (uint32_t)BCSC__SLOT_HELD : 0;
    slots[i].priv.inbox_next = 0;
    wmm_init_loc(L_STATE + (int)i, &slots[i].priv.state, slots[i].priv.state);
    wmm_init_loc(L_NEXT + (int)i, &slots[i].priv.inbox_next, 0);
    for (p = 0; p < NPROD; p++) {
      payload[p][i] = 0;
      wmm_init_loc(L_PAY + (int)(p * NSLOT + i), &payload[p][i], 0);
    }
  }
  /* Each step one operation. The slot and the producer are constants at
   * each call site (cbmc then resolves every modelled address statically):
   * one call per slot, unrolled. */
  for (step = 0; step < STEPS; step++) {
    unsigned op = nondet_unsigned();
    wmm_thread = EXEC;
    switch (op) {
#define SLOT_OPS(i)                                                            \
  case 4 * (i):                                                                \
    wake(1 + (int)(nondet_unsigned() % NPROD), (i));                           \
    break;                                                                     \
  case 4 * (i) + 1:                                                            \
    if (!held[i]) {                                                            \
      bcsc__inbox_slot_hold(&slots[i]);                                        \
      held[i] = 1;                                                             \
    }                                                                          \
    break;                                                                     \
  case 4 * (i) + 2:                                                            \
    if (held[i]) {                                                             \
      bcsc__inbox_slot_release(&ex, &slots[i]);                                \
      held[i] = 0;                                                             \
      woken[i] = 0; /* its wake, if any, goes with it */                       \
      gen[i] = (gen[i] + 1) & BCSC__SLOT_GEN_MASK;                             \
    }                                                                          \
    break;
      SLOT_OPS(0)
#if NSLOT > 1
      SLOT_OPS(1)
#endif
#if NSLOT > 2
#error "inbox_wmm.c: NSLOT is 1 or 2"
#endif
    case 3:
      drain();
      break;
    default:
      if (!asleep) {
        if (!bcsc__inbox_sleep(&ex, BCSC__INBOX_PARKED))
          asleep = 1;
        else
          bcsc__inbox_awake(&ex);
      }
      break;
    }
    if (op < 7 && op % 4 != 0) /* the executor's, not a sleep */
      wmm_publish(EXEC, &request);
    CHECK(ex.priv.wakes_received + counted() + ex.priv.inbox_stale == sent);
  }
  return 0;
}
