/* SPDX-License-Identifier: MIT
 * inbox_handshake.c - CBMC litmus tests of the wake inbox (issue 5) under
 * weak memory: goto-cc, then goto-instrument --mm tso|rmo, then cbmc.
 * Threads start with __CPROVER_ASYNC_1 (pthread harnesses are refused as
 * unsound by CBMC's pointer handling for concurrency).
 *
 * The inbox is a lock-free multi-producer, single-consumer list: any
 * thread pushes a wake, the executor drains them all at once; an executor
 * that finds it empty parks, and a producer whose push lands while it is
 * parked (or about to park) must unpark it. The last part is the
 * store-buffering handshake of research/reliability.md Appendix C:
 *
 *   producer                         executor
 *   push(item)          (store)      parked = 1          (store)
 *   FENCE                            FENCE
 *   if (parked) unpark  (load)       if (inbox empty) sleep (load)
 *
 * Without both fences each load may pass its own store (TSO already
 * allows it), both sides read the old values, and the executor sleeps on
 * a wake nobody will signal: a lost wake-up.
 *
 * HARNESS selects the test:
 *   HARNESS_SB    one producer, one executor about to park: never does the
 *                 executor sleep with a wake pushed and no unpark sent
 *   HARNESS_MP    message passing: a wake's payload, written before its
 *                 push, is what the drain reads after it (fails under pso
 *                 and rmo without the push's and the drain's fences)
 *   HARNESS_MPSC  two producers push one wake each while the executor
 *                 drains: every wake is drained exactly once, none lost or
 *                 seen twice, and the walk stays inside the slot table
 *                 (interleavings only, --mm sc: goto-instrument cannot
 *                 instrument the CAS loop and the array of links)
 *
 * The protocol's operations come from INBOX_SOURCE when it is defined: the
 * real libbcsc/src/inbox.c once issue 5 lands, through the adapter in
 * inbox_adapter.h. Until then they come from the model below, written to
 * the issue 5 design (an atomic exchange to drain, a compare-and-swap to
 * push, seq_cst RMWs and fences around `parked`). -DBUGGY drops the
 * fences (and makes the push's CAS a plain store): it must FAIL under tso
 * and rmo. */
#include <assert.h>
#include <stddef.h>

#if !defined(HARNESS_SB) && !defined(HARNESS_MP) && !defined(HARNESS_MPSC)
#define HARNESS_SB 1
#endif

#ifdef INBOX_SOURCE
#include INBOX_SOURCE
#include "inbox_adapter.h"
#else
/* Wakes are slot indices (the inbox is bounded by the waker slot table,
 * each slot in it at most once), linked through a per-slot next index.
 * Whole variables and arrays, not struct members: goto-instrument's
 * weak-memory pass tracks shared globals (a member trips an invariant in
 * cbmc 6.6). */
#define INBOX_NONE (-1)
int inbox_head = INBOX_NONE; /* newest first */
int inbox_next[2];
int inbox_parked;

/* The C11 atomics of the real code in the terms goto-instrument models:
 * a seq_cst fence is mfence (a full fence under every --mm), and an RMW
 * is an atomic section followed by one (a locked instruction on x86, a
 * fenced LL/SC loop on ARM). CBMC refuses the __atomic builtins in a
 * concurrent program ("pointer handling for concurrency is unsound"). */
#ifdef BUGGY
#define INBOX_FENCE() ((void)0)
#else
#define INBOX_FENCE() __asm__ __volatile__("mfence" ::: "memory")
#endif

/* Any thread: one attempt to push slot `n` (a compare-and-swap), given
 * the head it last read; returns INBOX_PUSHED, or the head found if
 * another push or a drain came first. Callers loop. (No pointer
 * arguments: cbmc calls pointers in a concurrent program unsound.) */
#define INBOX_PUSHED (-2)
static int inbox_try_push(int n, int old) {
  int result;
  inbox_next[n] = old;
#ifdef BUGGY
  inbox_head = n; /* a plain store: no CAS */
  result = INBOX_PUSHED;
#else
  __CPROVER_atomic_begin();
  result = inbox_head == old ? INBOX_PUSHED : inbox_head;
  if (result == INBOX_PUSHED)
    inbox_head = n;
  __CPROVER_atomic_end();
#endif
  INBOX_FENCE();
  return result;
}

/* Any thread, after a push: whether the executor must be unparked. */
static int inbox_should_unpark(void) {
  INBOX_FENCE();
  return inbox_parked;
}

/* Executor: take every wake, newest first (an exchange). */
static int inbox_drain(void) {
  int head;
  __CPROVER_atomic_begin();
  head = inbox_head;
  inbox_head = INBOX_NONE;
  __CPROVER_atomic_end();
  INBOX_FENCE();
  return head;
}

/* Executor, about to park: returns 1 if it may sleep. */
static int inbox_prepare_park(void) {
  inbox_parked = 1;
  INBOX_FENCE();
  return inbox_head == INBOX_NONE;
}
#endif

#ifdef HARNESS_SB
int unparked = -1;
int producer_done;

/* The handshake's steps are spelled out in the threads, as in Appendix C:
 * goto-instrument's weak-memory pass misses the reordering when they sit
 * in called functions (checked: the BUGGY variant then passes), and cbmc
 * 6.6 crashes on an instrumented array store. With one producer and no
 * drain the push's CAS cannot fail, so it is one store. */
void producer(void) {
  inbox_head = 1; /* the push (its next link is not shared yet) */
  INBOX_FENCE();
  unparked = inbox_parked;
  producer_done = 1;
}

int main(void) {
  int sleeps;
__CPROVER_ASYNC_1:
  producer();
  inbox_parked = 1; /* about to park */
  INBOX_FENCE();
  sleeps = inbox_head == INBOX_NONE;
  __CPROVER_assume(producer_done);
  /* Asleep with a wake in the inbox and no unpark coming: lost. */
  assert(!(sleeps && unparked == 0));
  return 0;
}
#endif

#ifdef HARNESS_MP
/* Message passing: a wake's payload (the slot's generation, say) is
 * written before the push publishes it, and the drain reads the head
 * before the payload. Without the fences the two writes (or the two
 * reads) may be reordered under pso and rmo, and the executor would act
 * on a stale payload. */
int payload;
int consumer_saw = -1;
int producer_done;

void producer(void) {
  payload = 42;
  INBOX_FENCE(); /* the push's release */
  inbox_head = 1;
  producer_done = 1;
}

int main(void) {
  int head;
__CPROVER_ASYNC_1:
  producer();
  head = inbox_head; /* the drain */
  INBOX_FENCE();     /* its acquire */
  if (head == 1)
    consumer_saw = payload;
  __CPROVER_assume(producer_done);
  assert(head != 1 || consumer_saw == 42);
  return 0;
}
#endif

#ifdef HARNESS_MPSC
static int done0, done1;
static int seen[2];

static void inbox_push(int n) {
  int old = inbox_head;
  while ((old = inbox_try_push(n, old)) != INBOX_PUSHED)
    ;
}

static void producer0(void) {
  inbox_push(0);
  done0 = 1;
}
static void producer1(void) {
  inbox_push(1);
  done1 = 1;
}

static void take_all(void) {
  int n = inbox_drain();
  int k = 0;
  while (n != INBOX_NONE) {
    assert(n == 0 || n == 1);
    seen[n]++;
    n = inbox_next[n];
    assert(++k <= 2);
  }
}

int main(void) {
__CPROVER_ASYNC_1:
  producer0();
__CPROVER_ASYNC_2:
  producer1();
  take_all(); /* concurrent with the pushes */
  __CPROVER_assume(done0 && done1);
  take_all(); /* what is left */
  assert(seen[0] == 1 && seen[1] == 1);
  return 0;
}
#endif
