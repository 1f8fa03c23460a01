/* SPDX-License-Identifier: MIT
 * test_semaphore.c - the counting semaphore through the public API: FIFO
 * order with a large request at the head, no barging, try_acquire,
 * cancellation of waiters before their wake and between wake and poll, wakes
 * declined for another branch of a select, wakes passed on to larger and
 * smaller requests, deinit with waiters, misuse, and randomized storms that
 * check permits are conserved and never sit next to a covered head. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <bcsc.h>
#include <bcsc/semaphore.h>

#include "bcsc_test.h"

/* How an acquirer reacts to cancellation and to a wake from the semaphore:
 * AWAIT calls acquire again (the BCSC_AWAIT pattern), BAIL returns as soon
 * as it sees it is cancelled, DECLINE returns without taking a wake from
 * the semaphore (another branch of a select won). */
enum { AWAIT = 0, BAIL = 1, DECLINE = 2 };

typedef struct acquirer {
  bcsc_task_t task;
  bcsc_semaphore_waiter_t waiter;
  bcsc_wait_t other_wait;
  bcsc_semaphore_t *sem;
  bcsc_waitq_t *other; /* a select's other source, or NULL */
  bcsc_test_log_t *log;
  int id;
  int style;
  uint32_t n;
  /* observations */
  uint32_t polls;
  int rc;          /* the last result that was not PENDING */
  int got;         /* holds n permits */
  int gaveup;      /* ended without permits (cancelled, declined, other won) */
  uint64_t ticket; /* when it joined the line (0: not waiting) */
} acquirer_t;

static uint64_t next_ticket = 1;

static int acquirer_poll(bcsc_task_t *self) {
  acquirer_t *a = (acquirer_t *)self;
  int rc;
  a->polls++;
  if (a->style == BAIL && bcsc_task_cancelled(self)) {
    a->rc = BCSC_ECANCELED;
    a->gaveup = 1;
    return 0;
  }
  if (a->other != NULL && bcsc_wait_fired(&a->other_wait)) {
    a->rc = 1;
    a->gaveup = 1;
    return 0; /* the other branch won */
  }
  /* Woken by the semaphore (its only source), not cancelled: leave. */
  if (a->style == DECLINE && a->ticket != 0 && !bcsc_task_cancelled(self)) {
    a->rc = 2;
    a->gaveup = 1;
    return 0;
  }
  rc = bcsc_semaphore_acquire(self, a->sem, &a->waiter, a->n);
  if (rc == BCSC_PENDING) {
    if (a->ticket == 0)
      a->ticket = next_ticket++;
    if (a->other != NULL && !bcsc_wait_linked(&a->other_wait))
      cr_assert_eq(bcsc_wait_register(self, &a->other_wait, a->other), 0);
    return BCSC_PENDING;
  }
  a->rc = rc;
  if (rc == 0) {
    a->got = 1;
    if (a->log != NULL)
      bcsc_test_log_push(a->log, a->id);
  } else {
    a->gaveup = 1; /* the tests check rc */
  }
  return 0;
}

static void acquirer_init(acquirer_t *a, bcsc_semaphore_t *sem, int id,
                          uint32_t n, int style) {
  memset(a, 0, sizeof *a);
  cr_assert_eq(bcsc_task_init(&a->task, acquirer_poll, NULL), 0);
  cr_assert_eq(bcsc_semaphore_waiter_init(&a->waiter), 0);
  cr_assert_eq(bcsc_wait_init(&a->other_wait), 0);
  a->sem = sem;
  a->id = id;
  a->n = n;
  a->style = style;
  a->rc = BCSC_PENDING;
}

static bcsc_executor_t ex;
static bcsc_semaphore_t sem;
static bcsc_test_log_t order;

static void setup(uint32_t permits) {
  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  cr_assert_eq(bcsc_semaphore_init(&sem, permits), 0);
  bcsc_test_log_init(&order);
}

static void spawn(acquirer_t *a) {
  a->log = &order;
  cr_assert_eq(bcsc_executor_spawn(&ex, &a->task), 0);
}

static void drain(void) {
  while (bcsc_executor_ready(&ex) > 0)
    cr_assert_geq(bcsc_executor_poll(&ex, 1000), 0);
}

static void teardown(void) {
  drain();
  cr_assert_eq(bcsc_executor_live_roots(&ex), 0);
  cr_assert_eq(bcsc_semaphore_deinit(&sem), 0);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
}

static void assert_order(const int *ids, uint32_t n) {
  char buf[256];
  bcsc_test_log_format(&order, buf, sizeof buf);
  cr_assert(bcsc_test_log_equals(&order, ids, n), "order was %s", buf);
}

Test(semaphore, acquire_try_and_release_without_waiting) {
  acquirer_t a;
  setup(3);
  cr_assert_eq(bcsc_semaphore_available(&sem), 3);
  cr_assert_eq(bcsc_semaphore_try_acquire(&sem, 2), 0);
  cr_assert_eq(bcsc_semaphore_try_acquire(&sem, 2), BCSC_EAGAIN);
  cr_assert_eq(bcsc_semaphore_available(&sem), 1);
  acquirer_init(&a, &sem, 1, 1, AWAIT);
  spawn(&a);
  drain();
  cr_assert_eq(a.rc, 0);
  cr_assert_eq(a.polls, 1, "taken at once");
  cr_assert_eq(bcsc_semaphore_available(&sem), 0);
  cr_assert_eq(bcsc_semaphore_release(&sem, 3), 0);
  cr_assert_eq(bcsc_semaphore_release(&sem, 0), 0);
  cr_assert_eq(bcsc_semaphore_available(&sem), 3);
  teardown();
}

Test(semaphore, static_initialisers_match_init) {
  bcsc_semaphore_t s1 = BCSC_SEMAPHORE_INITIALIZER(5), s2;
  bcsc_semaphore_waiter_t w1 = BCSC_SEMAPHORE_WAITER_INITIALIZER, w2;
  memset(&s2, 0xa5, sizeof s2);
  memset(&w2, 0xa5, sizeof w2);
  cr_assert_eq(bcsc_semaphore_init(&s2, 5), 0);
  cr_assert_eq(bcsc_semaphore_waiter_init(&w2), 0);
  cr_assert_eq(memcmp(&s1, &s2, sizeof s1), 0);
  cr_assert_eq(memcmp(&w1, &w2, sizeof w1), 0);
  cr_assert_eq(bcsc_semaphore_sizeof(), sizeof(bcsc_semaphore_t));
  cr_assert_eq(bcsc_semaphore_alignof(), _Alignof(bcsc_semaphore_t));
  cr_assert_eq(bcsc_semaphore_waiter_sizeof(), sizeof(bcsc_semaphore_waiter_t));
  cr_assert_eq(bcsc_semaphore_waiter_alignof(),
               _Alignof(bcsc_semaphore_waiter_t));
  cr_assert_eq(bcsc_semaphore_deinit(&s1), 0);
  cr_assert_eq(bcsc_semaphore_deinit(&s2), 0);
}

/* D89: a torn-down semaphore answers its queries as a zero one does: the
 * permits it held are not available any more. The caller's field is left
 * alone. */
Test(semaphore, queries_after_deinit_answer_as_for_a_zero_semaphore) {
  acquirer_t a;
  setup(5);
  sem.data = &a;
  cr_assert_eq(bcsc_semaphore_try_acquire(&sem, 2), 0);
  acquirer_init(&a, &sem, 1, 1, AWAIT);
  spawn(&a);
  drain();
  cr_assert_eq(a.rc, 0);
  cr_assert_eq(bcsc_semaphore_available(&sem), 2);
  cr_assert_eq(bcsc_semaphore_deinit(&sem), 0);
  cr_assert_eq(bcsc_semaphore_available(&sem), 0);
  cr_assert_eq(bcsc_semaphore_waiting(&sem), 0);
  cr_assert_eq(sem.data, &a);
  cr_assert_eq(bcsc_semaphore_init(&sem, 0), 0); /* for teardown() */
  teardown();
}

Test(semaphore, waiters_are_served_in_fifo_order) {
  acquirer_t a[4];
  setup(0);
  for (int i = 0; i < 4; i++) {
    acquirer_init(&a[i], &sem, i + 1, 1, AWAIT);
    spawn(&a[i]);
  }
  drain();
  cr_assert_eq(bcsc_semaphore_waiting(&sem), 4);
  cr_assert_eq(bcsc_semaphore_release(&sem, 1), 0);
  drain();
  cr_assert_eq(bcsc_semaphore_release(&sem, 3), 0);
  drain();
  assert_order((const int[]){1, 2, 3, 4}, 4);
  cr_assert_eq(bcsc_semaphore_available(&sem), 0);
  teardown();
}

Test(semaphore, a_large_request_at_the_head_holds_back_smaller_ones) {
  acquirer_t big, small, late;
  setup(1);
  acquirer_init(&big, &sem, 1, 3, AWAIT);
  acquirer_init(&small, &sem, 2, 1, AWAIT);
  acquirer_init(&late, &sem, 3, 1, AWAIT);
  spawn(&big);
  spawn(&small);
  drain();
  cr_assert_eq(bcsc_semaphore_waiting(&sem), 2,
               "the small one waits behind the big one, 1 permit or not");
  cr_assert_eq(bcsc_semaphore_try_acquire(&sem, 1), BCSC_EAGAIN,
               "no barging past the line");
  spawn(&late);
  drain();
  cr_assert_eq(late.rc, BCSC_PENDING, "a newcomer joins the line");
  cr_assert_eq(bcsc_semaphore_release(&sem, 1), 0);
  drain();
  cr_assert_eq(order.len, 0, "2 free, the head wants 3");
  cr_assert_eq(bcsc_semaphore_available(&sem), 2);
  cr_assert_eq(bcsc_semaphore_release(&sem, 2), 0);
  drain();
  assert_order((const int[]){1, 2}, 2);
  cr_assert_eq(bcsc_semaphore_release(&sem, 3), 0);
  drain();
  assert_order((const int[]){1, 2, 3}, 3);
  cr_assert_eq(bcsc_semaphore_available(&sem), 2);
  teardown();
}

Test(semaphore, a_release_wakes_every_head_it_covers_at_once) {
  acquirer_t a[3];
  setup(0);
  uint32_t wants[3] = {2, 1, 3};
  for (int i = 0; i < 3; i++) {
    acquirer_init(&a[i], &sem, i + 1, wants[i], AWAIT);
    spawn(&a[i]);
  }
  drain();
  cr_assert_eq(bcsc_semaphore_release(&sem, 4), 0);
  cr_assert_eq(bcsc_semaphore_available(&sem), 1,
               "3 travel with two wakes; the third head wants 3");
  drain();
  assert_order((const int[]){1, 2}, 2);
  cr_assert_eq(bcsc_semaphore_release(&sem, 2), 0);
  drain();
  assert_order((const int[]){1, 2, 3}, 3);
  teardown();
}

/* Cancelled while waiting, before any wake: it holds nothing, and the
 * next in line moves up. */
Test(semaphore, a_waiter_cancelled_before_its_wake_holds_nothing) {
  acquirer_t a, b;
  setup(0);
  acquirer_init(&a, &sem, 1, 1, AWAIT);
  acquirer_init(&b, &sem, 2, 1, AWAIT);
  spawn(&a);
  spawn(&b);
  drain();
  cr_assert_eq(bcsc_task_cancel(&a.task), 0);
  drain();
  cr_assert_eq(a.rc, BCSC_ECANCELED);
  cr_assert_eq(bcsc_semaphore_waiting(&sem), 1);
  cr_assert_eq(bcsc_semaphore_release(&sem, 1), 0);
  drain();
  assert_order((const int[]){2}, 1);
  cr_assert_eq(bcsc_semaphore_available(&sem), 0);
  teardown();
}

/* Woken, then cancelled before its poll: the permits go to the next waiter
 * whichever way the task leaves - through acquire, or without a word. */
static void woken_then_cancelled(int style, int cancel) {
  acquirer_t a, b;
  setup(0);
  acquirer_init(&a, &sem, 1, 2, style);
  acquirer_init(&b, &sem, 2, 2, AWAIT);
  spawn(&a);
  spawn(&b);
  drain();
  cr_assert_eq(bcsc_semaphore_release(&sem, 2), 0);
  cr_assert_eq(bcsc_semaphore_available(&sem), 0, "reserved for A");
  if (cancel)
    cr_assert_eq(bcsc_task_cancel(&a.task), 0);
  drain();
  cr_assert_eq(a.got, 0);
  cr_assert(a.gaveup);
  cr_assert_eq(a.rc, cancel ? BCSC_ECANCELED : 2);
  cr_assert_eq(b.got, 1, "B got A's permits");
  cr_assert_eq(bcsc_semaphore_available(&sem), 0);
  cr_assert_eq(bcsc_semaphore_release(&sem, 2), 0);
  cr_assert_eq(bcsc_semaphore_available(&sem), 2);
  teardown();
}

Test(semaphore, woken_then_cancelled_awaiting_passes_the_permits_on) {
  woken_then_cancelled(AWAIT, 1);
}

Test(semaphore, woken_then_cancelled_bailing_passes_the_permits_on) {
  woken_then_cancelled(BAIL, 1);
}

Test(semaphore, a_declined_wake_passes_the_permits_on) {
  woken_then_cancelled(DECLINE, 0);
}

Test(semaphore, a_dropped_wake_gives_its_permits_back) {
  acquirer_t a;
  setup(0);
  acquirer_init(&a, &sem, 1, 2, BAIL);
  spawn(&a);
  drain();
  cr_assert_eq(bcsc_semaphore_release(&sem, 3), 0);
  cr_assert_eq(bcsc_semaphore_available(&sem), 1);
  cr_assert_eq(bcsc_semaphore_try_acquire(&sem, 1), BCSC_EAGAIN,
               "a woken waiter has not run yet");
  cr_assert_eq(bcsc_task_cancel(&a.task), 0);
  drain();
  cr_assert_eq(a.got, 0);
  cr_assert_eq(bcsc_semaphore_available(&sem), 3,
               "nobody was left to take A's wake");
  cr_assert_eq(bcsc_semaphore_try_acquire(&sem, 3), 0);
  cr_assert_eq(bcsc_semaphore_release(&sem, 3), 0);
  teardown();
}

/* A's wake carried 1 permit; B, next, wants 3: B keeps its place at the
 * head, and C, who came later and wants 1, does not get past it. */
Test(semaphore, a_wake_passed_to_a_larger_request_keeps_its_place) {
  acquirer_t a, b, c;
  setup(0);
  acquirer_init(&a, &sem, 1, 1, BAIL);
  acquirer_init(&b, &sem, 2, 3, AWAIT);
  acquirer_init(&c, &sem, 3, 1, AWAIT);
  spawn(&a);
  spawn(&b);
  drain();
  cr_assert_eq(bcsc_semaphore_release(&sem, 1), 0);
  cr_assert_eq(bcsc_task_cancel(&a.task), 0);
  drain();
  cr_assert_eq(b.polls, 2, "B was handed A's wake");
  cr_assert_eq(b.got, 0);
  cr_assert_eq(bcsc_semaphore_available(&sem), 1);
  spawn(&c);
  drain();
  cr_assert_eq(c.got, 0);
  cr_assert_eq(bcsc_semaphore_release(&sem, 1), 0);
  drain();
  cr_assert_eq(order.len, 0, "2 free: B at the head wants 3");
  cr_assert_eq(bcsc_semaphore_release(&sem, 2), 0);
  drain();
  assert_order((const int[]){2, 3}, 2);
  cr_assert_eq(bcsc_semaphore_available(&sem), 0);
  teardown();
}

/* A's wake carried 1 permit and 1 more is free: B, who wants 2, finds
 * exactly enough and takes them in the poll the passed wake brings, with
 * nobody ahead of it. Kills semaphore.c:162:47:ror (want <= available ->
 * <): B went back into line and woke itself, taking them one poll later. */
Test(semaphore, a_passed_wake_that_makes_exactly_enough_is_taken_at_once) {
  acquirer_t a, b;
  setup(0);
  acquirer_init(&a, &sem, 1, 1, DECLINE);
  acquirer_init(&b, &sem, 2, 2, AWAIT);
  spawn(&a);
  spawn(&b);
  drain();
  cr_assert_eq(bcsc_semaphore_release(&sem, 1), 0, "wakes A");
  cr_assert_eq(bcsc_semaphore_release(&sem, 1), 0, "B wants 2: not yet");
  cr_assert_eq(bcsc_semaphore_available(&sem), 1);
  drain();
  cr_assert_eq(a.got, 0);
  cr_assert_eq(b.got, 1);
  cr_assert_eq(b.polls, 2, "taken in the poll A's wake brought");
  cr_assert_eq(bcsc_semaphore_available(&sem), 0);
  cr_assert_eq(bcsc_semaphore_release(&sem, 2), 0);
  teardown();
}

/* A's wake carried 3; B wants 1 and gives 2 back, which wake C. */
Test(semaphore, a_wake_passed_to_a_smaller_request_serves_the_rest) {
  acquirer_t a, b, c;
  setup(0);
  acquirer_init(&a, &sem, 1, 3, BAIL);
  acquirer_init(&b, &sem, 2, 1, AWAIT);
  acquirer_init(&c, &sem, 3, 2, AWAIT);
  spawn(&a);
  spawn(&b);
  spawn(&c);
  drain();
  cr_assert_eq(bcsc_semaphore_release(&sem, 3), 0);
  cr_assert_eq(bcsc_task_cancel(&a.task), 0);
  drain();
  assert_order((const int[]){2, 3}, 2);
  cr_assert_eq(bcsc_semaphore_available(&sem), 0);
  teardown();
}

Test(semaphore, a_select_whose_other_branch_wins_leaves_the_line) {
  bcsc_waitq_t other;
  acquirer_t a, b;
  setup(0);
  cr_assert_eq(bcsc_waitq_init(&other), 0);
  acquirer_init(&a, &sem, 1, 1, AWAIT);
  acquirer_init(&b, &sem, 2, 1, AWAIT);
  a.other = &other;
  spawn(&a);
  spawn(&b);
  drain();
  cr_assert_eq(bcsc_semaphore_waiting(&sem), 2);
  cr_assert_eq(bcsc_waitq_wake_one(&other, 0), 1);
  drain();
  cr_assert_eq(a.rc, 1, "the other branch won");
  cr_assert_eq(bcsc_semaphore_waiting(&sem), 1);
  cr_assert_eq(bcsc_semaphore_release(&sem, 1), 0);
  drain();
  assert_order((const int[]){2}, 1);
  cr_assert_eq(bcsc_waitq_deinit(&other), 0);
  teardown();
}

/* The head leaves without calling the semaphore (cancelled and bailing, or
 * another branch won): the core hands its turn to the next in line, which
 * looks again and takes the permits that were free all along (D34). */
Test(semaphore, a_head_that_leaves_silently_hands_its_turn_on) {
  acquirer_t holder, big, small;
  setup(3);
  acquirer_init(&holder, &sem, 9, 2, AWAIT);
  acquirer_init(&big, &sem, 1, 3, BAIL);
  acquirer_init(&small, &sem, 2, 1, AWAIT);
  spawn(&holder);
  spawn(&big);
  spawn(&small);
  drain();
  cr_assert_eq(bcsc_semaphore_available(&sem), 1);
  cr_assert_eq(small.got, 0, "held back by the head");
  cr_assert_eq(bcsc_task_cancel(&big.task), 0);
  drain();
  cr_assert_eq(big.rc, BCSC_ECANCELED);
  cr_assert_eq(small.got, 1, "the head's turn reached the next in line");
  cr_assert_eq(bcsc_semaphore_available(&sem), 0);
  cr_assert_eq(bcsc_semaphore_release(&sem, 3), 0);
  teardown();
}

/* The same through a select: the head's other branch wins. Two heads leave
 * one after the other; the turn travels past a middle request that is
 * still not covered (it looks, and goes back to its place) to none other:
 * strict FIFO still holds. */
Test(semaphore, a_head_whose_other_branch_wins_hands_its_turn_on) {
  bcsc_waitq_t other;
  acquirer_t holder, big, middle, small;
  setup(4);
  cr_assert_eq(bcsc_waitq_init(&other), 0);
  acquirer_init(&holder, &sem, 9, 2, AWAIT);
  acquirer_init(&big, &sem, 1, 4, AWAIT);
  acquirer_init(&middle, &sem, 2, 3, BAIL);
  acquirer_init(&small, &sem, 3, 1, AWAIT);
  big.other = &other;
  spawn(&holder);
  spawn(&big);
  spawn(&middle);
  spawn(&small);
  drain();
  cr_assert_eq(bcsc_semaphore_waiting(&sem), 3);
  cr_assert_eq(bcsc_waitq_wake_one(&other, 0), 1);
  drain();
  cr_assert_eq(big.rc, 1, "the other branch won");
  cr_assert_eq(middle.got, 0, "3 wanted, 2 free: it stays the head");
  cr_assert_eq(small.got, 0, "strict FIFO: not past the head");
  cr_assert_eq(bcsc_semaphore_waiting(&sem), 2);
  cr_assert_eq(bcsc_task_cancel(&middle.task), 0);
  drain();
  cr_assert_eq(middle.rc, BCSC_ECANCELED);
  cr_assert_eq(small.got, 1);
  cr_assert_eq(bcsc_semaphore_available(&sem), 1);
  cr_assert_eq(bcsc_semaphore_release(&sem, 3), 0);
  cr_assert_eq(bcsc_waitq_deinit(&other), 0);
  teardown();
}

/* The head's registration taken back with bcsc_wait_cancel() (here by the
 * host, while the task waits): the node is free for reuse at once, so the
 * turn goes to the next in line there and then, not through the node. */
Test(semaphore, a_head_registration_cancelled_hands_its_turn_on_at_once) {
  acquirer_t holder, big, small;
  setup(3);
  acquirer_init(&holder, &sem, 9, 2, AWAIT);
  acquirer_init(&big, &sem, 1, 3, BAIL);
  acquirer_init(&small, &sem, 2, 1, AWAIT);
  spawn(&holder);
  spawn(&big);
  spawn(&small);
  drain();
  cr_assert_eq(small.got, 0);
  cr_assert_eq(bcsc_wait_cancel(&big.waiter.priv.wait), 1);
  cr_assert_eq(bcsc_executor_ready(&ex), 1, "the next in line was woken");
  drain();
  cr_assert_eq(small.got, 1);
  cr_assert_eq(bcsc_semaphore_available(&sem), 0);
  cr_assert_eq(bcsc_task_cancel(&big.task), 0);
  drain();
  cr_assert_eq(big.rc, BCSC_ECANCELED);
  cr_assert_eq(bcsc_semaphore_release(&sem, 3), 0);
  teardown();
}

/* A task goes back to the head of the line in its poll (a passed wake did
 * not cover it) and then returns anyway: its place is unlinked as it
 * completes, and the turn goes on from there. */
static int give_up_when_woken_poll(bcsc_task_t *self) {
  acquirer_t *a = (acquirer_t *)self;
  int rc;
  a->polls++;
  rc = bcsc_semaphore_acquire(self, a->sem, &a->waiter, a->n);
  if (rc == BCSC_PENDING && a->polls == 1)
    return BCSC_PENDING;
  a->rc = rc;
  a->gaveup = rc != 0;
  a->got = rc == 0;
  return 0; /* even if that acquire put it back in line */
}

Test(semaphore, a_head_that_returns_while_back_in_line_hands_its_turn_on) {
  acquirer_t x, head, small;
  setup(0);
  acquirer_init(&x, &sem, 1, 1, DECLINE);
  acquirer_init(&head, &sem, 2, 3, AWAIT);
  acquirer_init(&small, &sem, 3, 1, AWAIT);
  head.task.poll = give_up_when_woken_poll;
  spawn(&x);
  spawn(&head);
  spawn(&small);
  drain();
  cr_assert_eq(bcsc_semaphore_waiting(&sem), 3);
  /* x is woken with 1 permit and declines it; it passes to `head`, which
   * wants 3, goes back to the head of the line - and returns. */
  cr_assert_eq(bcsc_semaphore_release(&sem, 1), 0);
  drain();
  cr_assert_eq(x.rc, 2, "x declined");
  cr_assert_eq(head.polls, 2);
  cr_assert_eq(head.rc, BCSC_PENDING, "it returned while back in line");
  cr_assert_eq(small.got, 1, "the turn reached the next in line");
  cr_assert_eq(bcsc_semaphore_available(&sem), 0);
  cr_assert_eq(bcsc_semaphore_release(&sem, 1), 0);
  teardown();
}

/* Not the head: nobody is owed anything, and nobody is woken. */
Test(semaphore, a_waiter_behind_the_head_leaves_without_waking_anyone) {
  acquirer_t holder, big, mid, small;
  setup(3);
  acquirer_init(&holder, &sem, 9, 2, AWAIT);
  acquirer_init(&big, &sem, 1, 3, AWAIT);
  acquirer_init(&mid, &sem, 2, 2, BAIL);
  acquirer_init(&small, &sem, 3, 1, AWAIT);
  spawn(&holder);
  spawn(&big);
  spawn(&mid);
  spawn(&small);
  drain();
  cr_assert_eq(bcsc_task_cancel(&mid.task), 0);
  drain();
  cr_assert_eq(mid.rc, BCSC_ECANCELED);
  cr_assert_eq(big.polls, 1, "the head was not woken");
  cr_assert_eq(small.polls, 1, "nor the one behind");
  cr_assert_eq(bcsc_semaphore_waiting(&sem), 2);
  cr_assert_eq(bcsc_semaphore_release(&sem, 2), 0);
  drain();
  cr_assert_eq(big.got, 1);
  cr_assert_eq(small.got, 0, "strict FIFO: 3 - 3 = 0 left");
  cr_assert_eq(bcsc_semaphore_release(&sem, 3), 0);
  teardown();
}

Test(semaphore, a_head_cancelled_in_acquire_wakes_the_next_at_once) {
  acquirer_t holder, big, small;
  setup(3);
  acquirer_init(&holder, &sem, 9, 2, AWAIT);
  acquirer_init(&big, &sem, 1, 3, AWAIT);
  acquirer_init(&small, &sem, 2, 1, AWAIT);
  spawn(&holder);
  spawn(&big);
  spawn(&small);
  drain();
  cr_assert_eq(bcsc_task_cancel(&big.task), 0);
  drain();
  cr_assert_eq(big.rc, BCSC_ECANCELED);
  cr_assert_eq(small.got, 1);
  cr_assert_eq(bcsc_semaphore_release(&sem, 3), 0);
  teardown();
}

Test(semaphore, deinit_is_refused_while_waiting_or_a_wake_is_out) {
  acquirer_t a;
  bcsc_test_misuse_t rec;
  setup(0);
  acquirer_init(&a, &sem, 1, 1, AWAIT);
  spawn(&a);
  drain();
  bcsc_test_misuse_install(&rec);
  cr_assert_eq(bcsc_semaphore_deinit(&sem), BCSC_EBUSY);
  cr_assert_eq(bcsc_semaphore_release(&sem, 1), 0);
  cr_assert_eq(bcsc_semaphore_deinit(&sem), BCSC_EBUSY, "A not run yet");
  cr_assert_eq(rec.count, bcsc_test_misuse_expected(2));
  bcsc_test_misuse_uninstall();
  drain();
  cr_assert_eq(a.got, 1);
  teardown();
}

/* A task that acquires in one call and waits again in the same poll. */
typedef struct twice {
  bcsc_task_t task;
  bcsc_semaphore_waiter_t waiter;
  int rc1, rc2;
} twice_t;

static int twice_poll(bcsc_task_t *self) {
  twice_t *t = (twice_t *)self;
  if (bcsc_task_cancelled(self))
    return 0;
  t->rc1 = bcsc_semaphore_acquire(self, &sem, &t->waiter, 1);
  t->rc2 = bcsc_semaphore_acquire(self, &sem, &t->waiter, 1);
  return BCSC_PENDING;
}

Test(semaphore, acquire_twice_in_one_poll_stays_pending) {
  twice_t t;
  setup(0);
  cr_assert_eq(bcsc_task_init(&t.task, twice_poll, NULL), 0);
  cr_assert_eq(bcsc_semaphore_waiter_init(&t.waiter), 0);
  cr_assert_eq(bcsc_executor_spawn(&ex, &t.task), 0);
  drain();
  cr_assert_eq(t.rc1, BCSC_PENDING);
  cr_assert_eq(t.rc2, BCSC_PENDING);
  cr_assert_eq(bcsc_semaphore_waiting(&sem), 1);
  cr_assert_eq(bcsc_task_cancel(&t.task), 0);
  teardown();
}

/* A waiter that releases permits itself, in the poll that queued it, is
 * handed them by that release (a wake fired during its own poll, which
 * would otherwise arm for its next poll) and takes them in the same poll. */
typedef struct self_feeder {
  bcsc_task_t task;
  bcsc_semaphore_waiter_t waiter;
  int polls;
  int rc[3];
  uint32_t available_after;
} self_feeder_t;

static int self_feeder_poll(bcsc_task_t *self) {
  self_feeder_t *f = (self_feeder_t *)self;
  f->polls++;
  f->rc[0] = bcsc_semaphore_acquire(self, &sem, &f->waiter, 2);
  f->rc[1] = bcsc_semaphore_release(&sem, 2);
  f->rc[2] = bcsc_semaphore_acquire(self, &sem, &f->waiter, 2);
  f->available_after = bcsc_semaphore_available(&sem);
  return bcsc_semaphore_release(&sem, 2);
}

Test(semaphore, a_waiter_that_releases_takes_its_own_wake_in_that_poll) {
  self_feeder_t f;
  setup(0);
  memset(&f, 0, sizeof f);
  cr_assert_eq(bcsc_task_init(&f.task, self_feeder_poll, NULL), 0);
  cr_assert_eq(bcsc_semaphore_waiter_init(&f.waiter), 0);
  cr_assert_eq(bcsc_executor_run(&ex, &f.task), 0);
  cr_assert_eq(f.polls, 1);
  cr_assert_eq(f.rc[0], BCSC_PENDING);
  cr_assert_eq(f.rc[1], 0);
  cr_assert_eq(f.rc[2], 0, "took the permits it handed itself");
  cr_assert_eq(f.available_after, 0);
  cr_assert_eq(bcsc_semaphore_available(&sem), 2);
  cr_assert_eq(bcsc_semaphore_waiting(&sem), 0);
  teardown();
}

Test(semaphore, bad_arguments_are_refused) {
  bcsc_test_misuse_t rec;
  bcsc_semaphore_t other, junk;
  acquirer_t a, b;
  /* What the checked build reports, call by call. */
  const int32_t codes[] = {BCSC_MISUSE_NULL_OBJECT,  BCSC_MISUSE_NULL_OBJECT,
                           BCSC_MISUSE_NULL_OBJECT,  BCSC_MISUSE_BAD_OBJECT,
                           BCSC_MISUSE_BAD_ARGUMENT, BCSC_MISUSE_BAD_OBJECT,
                           BCSC_MISUSE_NULL_OBJECT,  BCSC_MISUSE_BAD_ARGUMENT};
  const void *objects[] = {NULL, NULL, NULL, &junk, &sem, &junk, NULL, &sem};
  setup(0);
  cr_assert_eq(bcsc_semaphore_init(&other, 0), 0);
  memset(&junk, 0, sizeof junk);
  bcsc_test_misuse_install(&rec);
  cr_assert_eq(bcsc_semaphore_init(NULL, 1), BCSC_EINVAL);
  cr_assert_eq(bcsc_semaphore_waiter_init(NULL), BCSC_EINVAL);
  cr_assert_eq(bcsc_semaphore_deinit(NULL), BCSC_EINVAL);
  cr_assert_eq(bcsc_semaphore_deinit(&junk), BCSC_EBADOBJ);
  cr_assert_eq(bcsc_semaphore_try_acquire(&sem, 0), BCSC_EINVAL);
  cr_assert_eq(bcsc_semaphore_try_acquire(&junk, 1), BCSC_EBADOBJ);
  cr_assert_eq(bcsc_semaphore_release(NULL, 1), BCSC_EINVAL);
  cr_assert_eq(bcsc_semaphore_release(&sem, 5), 0);
  cr_assert_eq(bcsc_semaphore_release(&sem, UINT32_MAX), BCSC_EINVAL,
               "the count would overflow");
  cr_assert_eq(bcsc_semaphore_available(&sem), 5, "nothing changed");
  cr_assert_eq(rec.count, bcsc_test_misuse_expected(8));
  for (uint32_t i = 0; i < rec.count; i++) {
    cr_assert_eq(rec.codes[i], codes[i], "report %u: %s", i,
                 bcsc_misuse_name(rec.codes[i]));
    cr_assert_eq(rec.objects[i], objects[i], "report %u", i);
  }
  bcsc_test_misuse_uninstall();
  cr_assert_eq(bcsc_semaphore_try_acquire(&sem, 5), 0);
  cr_assert_eq(bcsc_semaphore_available(NULL), 0);
  cr_assert_eq(bcsc_semaphore_waiting(NULL), 0);

  /* acquire with n == 0, and a copy of a waiter woken by another
   * semaphore */
  acquirer_init(&a, &sem, 1, 0, AWAIT);
  acquirer_init(&b, &other, 2, 1, DECLINE);
  spawn(&b);
  drain();
  bcsc_test_misuse_install(&rec);
  spawn(&a);
  drain();
  cr_assert_eq(a.rc, BCSC_EINVAL);
  /* A copy of b's waiter while it carries a wake from `other`, offered to
   * `sem` once b has declined the wake: a copy of a baton is refused as
   * moved (D96) - taking or passing it on would count `other`'s wakes out
   * down twice. */
  cr_assert_eq(bcsc_semaphore_release(&other, 1), 0);
  acquirer_init(&a, &sem, 3, 1, AWAIT);
  a.waiter = b.waiter;
  spawn(&a);
  drain();
  cr_assert_eq(b.rc, 2, "b declined the wake");
  cr_assert_eq(a.rc, BCSC_EBADOBJ);
  cr_assert_eq(rec.count, bcsc_test_misuse_expected(2));
  if (rec.count == 2) {
    cr_assert_eq(rec.codes[0], BCSC_MISUSE_BAD_ARGUMENT);
    cr_assert_eq(rec.objects[0], &sem, "n == 0 names the semaphore");
    cr_assert_eq(rec.codes[1], BCSC_MISUSE_MOVED);
    cr_assert((const char *)rec.objects[1] >= (const char *)&a.waiter &&
                  (const char *)rec.objects[1] <
                      (const char *)&a.waiter + sizeof a.waiter,
              "the copy names its registration, in its waiter");
  }
  bcsc_test_misuse_uninstall();
  drain();
  cr_assert_eq(bcsc_semaphore_available(&other), 1, "b declined");
  cr_assert_eq(bcsc_semaphore_deinit(&other), 0);
  teardown();
}

/* A torn-down semaphore is refused by every call, in every build; the
 * checked build names it. */
Test(semaphore, every_call_after_deinit_is_refused) {
  bcsc_test_misuse_t rec;
  bcsc_semaphore_t gone;
  acquirer_t a;
  setup(0);
  cr_assert_eq(bcsc_semaphore_init(&gone, 2), 0);
  cr_assert_eq(bcsc_semaphore_deinit(&gone), 0);
  acquirer_init(&a, &gone, 1, 1, AWAIT);
  bcsc_test_misuse_install(&rec);
  spawn(&a);
  drain();
  cr_assert_eq(a.rc, BCSC_EBADOBJ);
  cr_assert_eq(bcsc_semaphore_try_acquire(&gone, 1), BCSC_EBADOBJ);
  cr_assert_eq(bcsc_semaphore_release(&gone, 1), BCSC_EBADOBJ);
  bcsc_test_misuse_uninstall();
  cr_assert_eq(rec.count, bcsc_test_misuse_expected(3));
  for (uint32_t i = 0; i < rec.count; i++) {
    cr_assert_eq(rec.codes[i], BCSC_MISUSE_BAD_OBJECT, "report %u", i);
    cr_assert_eq(rec.objects[i], &gone, "report %u", i);
  }
  teardown();
}

/* ---- randomized storms ------------------------------------------------ */

#define STORM_TASKS 48
static acquirer_t storm[STORM_TASKS];
static bcsc_waitq_t storm_other;

static uint64_t rng_state;
static uint64_t rng(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return rng_state;
}

/* Tasks acquire 1..4 of `permits`, hold them for a while, and give them
 * back; tasks are cancelled at random, before or after their wake. With
 * `silent` the tasks may also leave the line without calling the
 * semaphore (BAIL, another branch winning): the turn of a head that leaves
 * so must reach the next in line by itself (D34). At every quiet point: permits
 * held + free == permits, and the head of the line wants more than is free. */
static void storm_run(uint64_t seed, int silent, int steps) {
  const uint32_t permits = 6;
  uint32_t held = 0, acquired = 0, cancels = 0;
  rng_state = seed;
  next_ticket = 1;
  setup(permits);
  memset(storm, 0, sizeof storm);
  cr_assert_eq(bcsc_waitq_init(&storm_other), 0);
  for (int step = 0; step < steps; step++) {
    acquirer_t *a = &storm[rng() % STORM_TASKS];
    switch (rng() % 6) {
    case 0:
    case 1:
      if (a->task.poll == NULL || (bcsc_task_done(&a->task) && !a->got)) {
        int style =
            silent ? (int)(rng() % 3) : (rng() % 4 == 0 ? DECLINE : AWAIT);
        acquirer_init(a, &sem, (int)(a - storm), 1 + (uint32_t)(rng() % 4),
                      style);
        if (silent && rng() % 4 == 0)
          a->other = &storm_other;
        cr_assert_eq(bcsc_executor_spawn(&ex, &a->task), 0);
      }
      break;
    case 2: /* a holder, the first from a random one on, gives back */
      for (int i = 0; i < STORM_TASKS; i++) {
        acquirer_t *h = &storm[(a - storm + i) % STORM_TASKS];
        if (h->got && h->ticket == UINT64_MAX) {
          cr_assert_eq(bcsc_semaphore_release(&sem, h->n), 0);
          held -= h->n;
          h->got = 0;
          break;
        }
      }
      break;
    case 3:
      if (a->task.poll != NULL && !bcsc_task_done(&a->task) &&
          !bcsc_task_cancelled(&a->task) && rng() % 3 == 0) {
        cr_assert_eq(bcsc_task_cancel(&a->task), 0);
        cancels++;
      }
      break;
    case 4:
      if (silent)
        cr_assert_geq(bcsc_waitq_wake_one(&storm_other, 0), 0);
      else
        cr_assert_geq(bcsc_executor_poll(&ex, (uint32_t)(rng() % 4)), 0);
      break;
    default:
      cr_assert_geq(bcsc_executor_poll(&ex, (uint32_t)(rng() % 4)), 0);
      break;
    }
    /* Count permits the moment a task gets them. */
    for (int i = 0; i < STORM_TASKS; i++) {
      acquirer_t *t = &storm[i];
      if (t->got == 1 && t->ticket != UINT64_MAX) {
        held += t->n;
        acquired++;
        t->ticket = UINT64_MAX; /* counted */
      }
    }
    if (step % 16 == 0) {
      uint32_t live = 0, free_now;
      acquirer_t *head = NULL;
      drain();
      for (int i = 0; i < STORM_TASKS; i++) {
        acquirer_t *t = &storm[i];
        if (t->got == 1 && t->ticket != UINT64_MAX) {
          held += t->n;
          acquired++;
          t->ticket = UINT64_MAX;
        }
        if (t->task.poll != NULL && bcsc_task_done(&t->task))
          cr_assert(t->rc == 0 || t->rc == BCSC_ECANCELED || t->rc == 1 ||
                        t->rc == 2,
                    "step %d: task %d ended with %d", step, t->id, t->rc);
        if (t->task.poll == NULL || bcsc_task_done(&t->task))
          continue;
        live++;
        if (head == NULL || t->ticket < head->ticket)
          head = t;
      }
      free_now = bcsc_semaphore_available(&sem);
      cr_assert_eq(held + free_now, permits, "step %d: %u held + %u free != %u",
                   step, held, free_now, permits);
      cr_assert_eq(bcsc_semaphore_waiting(&sem), live,
                   "step %d: every live task waits in line", step);
      if (head != NULL && head->n <= free_now) { /* say who waits */
        for (int i = 0; i < STORM_TASKS; i++) {
          acquirer_t *t = &storm[i];
          if (t->task.poll == NULL || bcsc_task_done(&t->task))
            continue;
          fprintf(stderr, "id %d n %u ticket %lu polls %u style %d rc %d\n",
                  t->id, t->n, (unsigned long)t->ticket, t->polls, t->style,
                  t->rc);
        }
      }
      if (head != NULL)
        cr_assert_gt(head->n, free_now,
                     "step %d: head %d wants %u, %u free: it should run", step,
                     head->id, head->n, free_now);
    }
  }
  for (int i = 0; i < STORM_TASKS; i++)
    if (storm[i].task.poll != NULL && !bcsc_task_done(&storm[i].task))
      cr_assert_eq(bcsc_task_cancel(&storm[i].task), 0);
  drain();
  for (int i = 0; i < STORM_TASKS; i++) {
    if (storm[i].got == 1 && storm[i].ticket != UINT64_MAX) {
      held += storm[i].n;
      acquired++;
    }
  }
  cr_assert_eq(held + bcsc_semaphore_available(&sem), permits);
  cr_assert_eq(bcsc_semaphore_release(&sem, held), 0);
  cr_assert_eq(bcsc_semaphore_available(&sem), permits);
  cr_assert_gt(acquired, (uint32_t)steps / 40,
               "the storm made progress: %u acquired, %u cancels", acquired,
               cancels);
  cr_assert_gt(cancels, (uint32_t)steps / 200, "only %u cancels (%u acquired)",
               cancels, acquired);
  cr_assert_eq(bcsc_waitq_deinit(&storm_other), 0);
  teardown();
}

Test(semaphore, storm_of_acquires_and_cancellations_conserves_permits) {
  for (uint64_t seed = 1; seed <= 4; seed++)
    storm_run(0x9e3779b97f4a7c15u * seed, 0, 20000);
}

Test(semaphore, storm_with_silent_leavers_conserves_permits) {
  for (uint64_t seed = 1; seed <= 4; seed++)
    storm_run(0xd1b54a32d192ed03u * seed, 1, 20000);
}

/* Two wakes of 1 permit are declined and passed to B (wants 2) and C
 * (wants 3): both go back in line in their order, and the 2 permits they
 * bring back serve B, the older - C does not jump ahead of it. */
Test(semaphore, wakes_passed_to_two_larger_requests_keep_the_line_in_order) {
  acquirer_t x, y, b, c;
  setup(0);
  acquirer_init(&x, &sem, 1, 1, DECLINE);
  acquirer_init(&y, &sem, 2, 1, DECLINE);
  acquirer_init(&b, &sem, 3, 2, AWAIT);
  acquirer_init(&c, &sem, 4, 3, AWAIT);
  spawn(&x);
  spawn(&y);
  spawn(&b);
  spawn(&c);
  drain();
  cr_assert_eq(bcsc_semaphore_release(&sem, 2), 0);
  drain();
  cr_assert_eq(x.rc, 2);
  cr_assert_eq(y.rc, 2);
  assert_order((const int[]){3}, 1);
  cr_assert_eq(bcsc_semaphore_waiting(&sem), 1);
  cr_assert_eq(bcsc_semaphore_release(&sem, 3), 0);
  drain();
  assert_order((const int[]){3, 4}, 2);
  teardown();
}
