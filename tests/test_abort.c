/* SPDX-License-Identifier: MIT
 * test_abort.c - completion sources' lists (bcsc_waitq_set_abort(), D67):
 * a registration that stands for an operation writing into its task's
 * frame (an io_uring read, a DMA transfer) is never simply unlinked. The
 * fake source here is a list with an abort function that records each
 * call and answers as the test says: done, pending, or "completed anyway"
 * (it fires the node itself). The test body fires it later, as the
 * device's completion would. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bcsc.h>

#include "bcsc_test.h"
#include "internal.h" /* the clobber test writes a private field */

#define MAX_ASKED 64

/* What the abort function answers. */
enum { ANSWER_DONE = 0, ANSWER_PENDING = BCSC_PENDING, ANSWER_FIRE = 100 };

typedef struct source {
  bcsc_waitq_t q;
  int answer;
  int bad_answer; /* returned instead, when not 0 */
  uintptr_t fire_value;
  uint32_t aborts;
  bcsc_wait_t *asked[MAX_ASKED];
  bcsc_waitq_t *asked_queue[MAX_ASKED]; /* bcsc_wait_queue() during the call */
} source_t;

static int source_abort(void *context, bcsc_wait_t *wait) {
  source_t *s = context;
  cr_assert_lt(s->aborts, MAX_ASKED);
  s->asked_queue[s->aborts] = bcsc_wait_queue(wait);
  s->asked[s->aborts++] = wait;
  if (s->bad_answer != 0)
    return s->bad_answer;
  if (s->answer == ANSWER_FIRE) {
    /* It completed after all: the node is the oldest here. */
    cr_assert_eq(bcsc_waitq_wake_one(&s->q, s->fire_value), 1);
    return BCSC_PENDING;
  }
  return s->answer;
}

static void source_init(source_t *s, int answer) {
  memset(s, 0, sizeof *s);
  cr_assert_eq(bcsc_waitq_init(&s->q), 0);
  cr_assert_eq(bcsc_waitq_set_abort(&s->q, source_abort, s), 0);
  s->answer = answer;
}

/* ---- a reader: registers on its lists, then records what it sees ------- */

#define MAX_Q 3

typedef struct reader {
  bcsc_task_t task;
  bcsc_wait_t w[MAX_Q];
  bcsc_waitq_t *q[MAX_Q];
  uint32_t nq;
  int ret_early;   /* return `result` in the poll that registers */
  int cancel_own;  /* bcsc_wait_cancel() its first node in that poll */
  int yield;       /* bcsc_task_yield() after registering */
  int take_waker;  /* take a value waker in the poll that registers */
  int reverse;     /* register the last list first */
  int yield_first; /* bcsc_task_yield() before registering */
  bcsc_waker_t waker;
  int result;
  /* observations */
  uint32_t polls;
  int cancel_rc;
  int cancelled;
  int fired[MAX_Q];
  uintptr_t value[MAX_Q];
} reader_t;

static int reader_poll(bcsc_task_t *self) {
  reader_t *r = (reader_t *)self;
  if (r->polls++ == 0) {
    if (r->yield_first)
      cr_assert_eq(bcsc_task_yield(self), BCSC_PENDING);
    for (uint32_t i = 0; i < r->nq; i++) {
      uint32_t k = r->reverse ? r->nq - 1 - i : i;
      cr_assert_eq(bcsc_wait_on(self, &r->w[k], r->q[k]), BCSC_PENDING);
    }
    if (r->take_waker)
      cr_assert_eq(bcsc_task_waker(self, &r->waker), 0);
    if (r->cancel_own)
      r->cancel_rc = bcsc_wait_cancel(&r->w[0]);
    if (r->yield)
      cr_assert_eq(bcsc_task_yield(self), BCSC_PENDING);
    return r->ret_early ? r->result : BCSC_PENDING;
  }
  r->cancelled = bcsc_task_cancelled(self);
  for (uint32_t i = 0; i < r->nq; i++) {
    r->fired[i] = bcsc_wait_fired(&r->w[i]);
    r->value[i] = r->w[i].value;
  }
  return r->result;
}

static void reader_init(reader_t *r, bcsc_waitq_t *q0, bcsc_waitq_t *q1) {
  memset(r, 0, sizeof *r);
  cr_assert_eq(bcsc_task_init(&r->task, reader_poll, NULL), 0);
  r->q[0] = q0;
  r->q[1] = q1;
  r->nq = q1 != NULL ? 2 : 1;
  for (uint32_t i = 0; i < MAX_Q; i++)
    cr_assert_eq(bcsc_wait_init(&r->w[i]), 0);
  r->result = 0;
}

static bcsc_executor_t g_ex;

static void setup(void) { cr_assert_eq(bcsc_executor_init(&g_ex, NULL), 0); }
static void teardown(void) { cr_assert_eq(bcsc_executor_deinit(&g_ex), 0); }

static void run(void) {
  while (bcsc_executor_poll(&g_ex, 1000) > 0) {
  }
}

TestSuite(abort, .init = setup, .fini = teardown);

/* ---- cancellation ---------------------------------------------------------
 */

Test(abort, cancel_waits_for_the_completion) {
  source_t src;
  reader_t r;
  source_init(&src, ANSWER_PENDING);
  reader_init(&r, &src.q, NULL);
  r.result = BCSC_ECANCELED;
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &r.task), 0);
  run();
  cr_assert_eq(r.polls, 1);
  cr_assert_eq(bcsc_task_cancel(&r.task), 0);
  cr_assert_eq(src.aborts, 1);
  cr_assert_eq(src.asked[0], &r.w[0]);
  cr_assert_eq(src.asked_queue[0], &src.q, "the list is known during the call");
  run();
  /* Not queued: the read still writes into its frame. */
  cr_assert_eq(r.polls, 1);
  cr_assert_eq(bcsc_task_done(&r.task), 0);
  cr_assert_eq(bcsc_executor_live_roots(&g_ex), 1);
  cr_assert(bcsc_wait_linked(&r.w[0]));
  cr_assert_eq(bcsc_task_wait_next(&r.task, NULL), &r.w[0]);
  cr_assert_eq(bcsc_wait_queue(&r.w[0]), &src.q);
  /* Asked at most once per link. */
  cr_assert_eq(bcsc_task_cancel(&r.task), 0);
  cr_assert_eq(bcsc_wait_cancel(&r.w[0]), BCSC_WAIT_HELD);
  cr_assert_eq(src.aborts, 1);
  {
    bcsc_test_misuse_t rec;
    bcsc_test_misuse_install(&rec);
    cr_assert_eq(bcsc_waitq_deinit(&src.q), BCSC_EBUSY);
    cr_assert_eq(bcsc_executor_deinit(&g_ex), BCSC_EBUSY);
    cr_assert_eq(bcsc_test_misuse_count_code(&rec, BCSC_MISUSE_WAITQ_BUSY),
                 bcsc_test_misuse_expected(1));
    bcsc_test_misuse_uninstall();
  }
  /* The completion: 42 bytes arrived anyway. */
  cr_assert_eq(bcsc_waitq_wake_one(&src.q, 42), 1);
  run();
  cr_assert_eq(r.polls, 2);
  cr_assert(r.cancelled);
  cr_assert(r.fired[0]);
  cr_assert_eq(r.value[0], 42);
  cr_assert(bcsc_task_done(&r.task));
  cr_assert_eq(bcsc_task_result(&r.task), BCSC_ECANCELED);
  cr_assert_eq(src.aborts, 1);
  cr_assert_eq(bcsc_waitq_deinit(&src.q), 0);
}

Test(abort, cancel_with_abort_done_unlinks_at_once) {
  source_t src;
  reader_t r;
  source_init(&src, ANSWER_DONE);
  reader_init(&r, &src.q, NULL);
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &r.task), 0);
  run();
  cr_assert_eq(bcsc_task_cancel(&r.task), 0);
  cr_assert_eq(src.aborts, 1);
  cr_assert(bcsc_waitq_empty(&src.q));
  cr_assert_not(bcsc_wait_linked(&r.w[0]));
  run();
  cr_assert_eq(r.polls, 2);
  cr_assert(r.cancelled);
  cr_assert_not(r.fired[0]);
  cr_assert(bcsc_task_done(&r.task));
  cr_assert_eq(bcsc_waitq_deinit(&src.q), 0);
}

Test(abort, abort_that_fires_the_node_counts_as_done) {
  source_t src;
  reader_t r;
  source_init(&src, ANSWER_FIRE);
  src.fire_value = 17;
  reader_init(&r, &src.q, NULL);
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &r.task), 0);
  run();
  cr_assert_eq(bcsc_task_cancel(&r.task), 0);
  cr_assert_eq(src.aborts, 1);
  cr_assert(bcsc_waitq_empty(&src.q));
  cr_assert(bcsc_wait_fired(&r.w[0]));
  run();
  cr_assert_eq(r.polls, 2);
  cr_assert(r.cancelled);
  cr_assert(r.fired[0]);
  cr_assert_eq(r.value[0], 17);
  cr_assert(bcsc_task_done(&r.task));
  cr_assert_eq(bcsc_waitq_deinit(&src.q), 0);
}

/* ---- select ------------------------------------------------------------- */

Test(abort, select_other_branch_waits_for_the_abort) {
  source_t src;
  bcsc_waitq_t plain;
  reader_t r;
  source_init(&src, ANSWER_PENDING);
  cr_assert_eq(bcsc_waitq_init(&plain), 0);
  reader_init(&r, &src.q, &plain);
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &r.task), 0);
  run();
  cr_assert_eq(bcsc_waitq_wake_one(&plain, 5), 1);
  cr_assert_eq(src.aborts, 1);
  run();
  cr_assert_eq(r.polls, 1, "not queued while the read is in flight");
  /* The read raced the abort and delivered its data. */
  cr_assert_eq(bcsc_waitq_wake_all(&src.q, 99), 1);
  run();
  cr_assert_eq(r.polls, 2);
  cr_assert_not(r.cancelled);
  cr_assert(r.fired[0]);
  cr_assert_eq(r.value[0], 99);
  cr_assert(r.fired[1]);
  cr_assert_eq(r.value[1], 5);
  cr_assert(bcsc_task_done(&r.task));
  cr_assert_eq(bcsc_waitq_deinit(&src.q), 0);
  cr_assert_eq(bcsc_waitq_deinit(&plain), 0);
}

/* ---- a task that returns holding one ------------------------------------- */

Test(abort, returned_task_completes_after_the_fire) {
  source_t src;
  reader_t r;
  source_init(&src, ANSWER_PENDING);
  reader_init(&r, &src.q, NULL);
  r.ret_early = 1;
  r.result = BCSC_TEST_E1;
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &r.task), 0);
  run();
  cr_assert_eq(src.aborts, 1);
  cr_assert_eq(r.polls, 1);
  cr_assert_eq(bcsc_task_done(&r.task), 0);
  cr_assert_eq(bcsc_executor_live_roots(&g_ex), 1);
  cr_assert_eq(bcsc_task_wait_next(&r.task, NULL), &r.w[0]);
  cr_assert_eq(bcsc_wait_queue(&r.w[0]), &src.q);
  cr_assert_eq(bcsc_task_cancel(&r.task), 0);
  cr_assert_eq(src.aborts, 1);
  run();
  cr_assert_eq(bcsc_task_done(&r.task), 0);
  cr_assert_eq(bcsc_waitq_wake_one(&src.q, 3), 1);
  run();
  cr_assert_eq(r.polls, 1, "completes without another poll");
  cr_assert(bcsc_task_done(&r.task));
  cr_assert_eq(bcsc_task_result(&r.task), BCSC_TEST_E1);
  cr_assert(bcsc_wait_fired(&r.w[0]));
  cr_assert_eq(r.w[0].value, 3);
  cr_assert_eq(bcsc_waitq_deinit(&src.q), 0);
}

/* ---- bcsc_wait_cancel() ----------------------------------------------------
 */

Test(abort, wait_cancel_pending_then_fired) {
  source_t src;
  reader_t r;
  source_init(&src, ANSWER_PENDING);
  reader_init(&r, &src.q, NULL);
  r.cancel_own = 1;
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &r.task), 0);
  run();
  cr_assert_eq(r.cancel_rc, BCSC_WAIT_HELD);
  cr_assert_eq(src.aborts, 1);
  cr_assert(bcsc_wait_linked(&r.w[0]));
  cr_assert_eq(r.polls, 1);
  cr_assert_eq(bcsc_waitq_wake_one(&src.q, 8), 1);
  run();
  cr_assert_eq(r.polls, 2);
  cr_assert(r.fired[0]);
  cr_assert_eq(r.value[0], 8);
  cr_assert_not(r.cancelled);
  cr_assert_eq(bcsc_waitq_deinit(&src.q), 0);
}

Test(abort, wait_cancel_done_unlinks) {
  source_t src;
  reader_t r;
  source_init(&src, ANSWER_DONE);
  reader_init(&r, &src.q, NULL);
  r.cancel_own = 1;
  r.yield = 1; /* it registered nothing else: it must be woken */
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &r.task), 0);
  run();
  cr_assert_eq(r.cancel_rc, 1);
  cr_assert_eq(src.aborts, 1);
  cr_assert(bcsc_waitq_empty(&src.q));
  cr_assert_eq(r.polls, 2);
  cr_assert_not(r.fired[0]);
  cr_assert_eq(bcsc_waitq_deinit(&src.q), 0);
}

/* ---- the API's errors ------------------------------------------------------
 */

Test(abort, set_abort_errors) {
  bcsc_waitq_t q;
  bcsc_test_misuse_t rec;
  source_t src;
  reader_t r;
  bcsc_test_misuse_install(&rec);
  cr_assert_eq(bcsc_waitq_set_abort(NULL, source_abort, NULL), BCSC_EINVAL);
  memset(&q, 0, sizeof q);
  cr_assert_eq(bcsc_waitq_set_abort(&q, source_abort, NULL), BCSC_EBADOBJ);
  cr_assert_eq(bcsc_waitq_init(&q), 0);
  cr_assert_eq(bcsc_waitq_set_handoff(&q, 1), 0);
  cr_assert_eq(bcsc_waitq_set_abort(&q, source_abort, NULL), BCSC_EINVAL);
  cr_assert_eq(bcsc_waitq_set_abort(&q, NULL, NULL), BCSC_EINVAL);
  cr_assert_eq(bcsc_waitq_set_handoff(&q, 0), 0);
  cr_assert_eq(bcsc_waitq_set_abort(&q, source_abort, NULL), 0);
  cr_assert_eq(bcsc_waitq_set_handoff(&q, 1), BCSC_EINVAL);
  cr_assert_eq(bcsc_waitq_set_handoff(&q, 0), 0);
  cr_assert_eq(bcsc_waitq_set_abort(&q, NULL, NULL), 0, "clears it");
  cr_assert_eq(bcsc_waitq_set_handoff(&q, 1), 0);
  cr_assert_eq(bcsc_waitq_deinit(&q), 0);
  cr_assert_eq(rec.count, bcsc_test_misuse_expected(5));
  cr_assert_eq(bcsc_test_misuse_count_code(&rec, BCSC_MISUSE_BAD_ARGUMENT),
               bcsc_test_misuse_expected(3));
  /* Busy: a waiter linked. */
  source_init(&src, ANSWER_DONE);
  reader_init(&r, &src.q, NULL);
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &r.task), 0);
  run();
  cr_assert_eq(bcsc_waitq_set_abort(&src.q, NULL, NULL), BCSC_EBUSY);
  cr_assert_eq(bcsc_waitq_set_abort(&src.q, source_abort, &src), BCSC_EBUSY);
  cr_assert_eq(bcsc_test_misuse_count_code(&rec, BCSC_MISUSE_WAITQ_BUSY),
               bcsc_test_misuse_expected(2));
  cr_assert_eq(bcsc_waitq_wake_one(&src.q, 0), 1);
  run();
  cr_assert_eq(bcsc_waitq_deinit(&src.q), 0);
  bcsc_test_misuse_uninstall();
}

/* ---- more of the same task ----------------------------------------------- */

Test(abort, two_held_nodes_both_fire_before_it_runs) {
  source_t a, b;
  reader_t r;
  source_init(&a, ANSWER_PENDING);
  source_init(&b, ANSWER_PENDING);
  reader_init(&r, &a.q, &b.q);
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &r.task), 0);
  run();
  cr_assert_eq(bcsc_task_cancel(&r.task), 0);
  cr_assert_eq(a.aborts + b.aborts, 2);
  cr_assert_eq(bcsc_waitq_wake_one(&b.q, 2), 1);
  run();
  cr_assert_eq(r.polls, 1, "one is still in flight");
  cr_assert_eq(bcsc_task_wait_next(&r.task, NULL), &r.w[0]);
  cr_assert_null(bcsc_task_wait_next(&r.task, &r.w[0]));
  cr_assert_eq(bcsc_waitq_wake_one(&a.q, 1), 1);
  run();
  cr_assert_eq(r.polls, 2);
  cr_assert(r.fired[0] && r.fired[1]);
  cr_assert_eq(r.value[0], 1);
  cr_assert_eq(r.value[1], 2);
  cr_assert_eq(a.aborts + b.aborts, 2);
  cr_assert_eq(bcsc_waitq_deinit(&a.q), 0);
  cr_assert_eq(bcsc_waitq_deinit(&b.q), 0);
}

Test(abort, returned_with_two_held_nodes) {
  source_t a, b;
  reader_t r;
  source_init(&a, ANSWER_PENDING);
  source_init(&b, ANSWER_PENDING);
  reader_init(&r, &a.q, &b.q);
  r.ret_early = 1;
  r.result = BCSC_TEST_E2;
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &r.task), 0);
  run();
  cr_assert_eq(a.aborts + b.aborts, 2);
  cr_assert_eq(bcsc_waitq_wake_one(&a.q, 10), 1);
  run();
  cr_assert_eq(bcsc_task_done(&r.task), 0);
  cr_assert_eq(bcsc_waitq_wake_one(&b.q, 20), 1);
  run();
  cr_assert(bcsc_task_done(&r.task));
  cr_assert_eq(bcsc_task_result(&r.task), BCSC_TEST_E2);
  cr_assert_eq(r.polls, 1);
  cr_assert_eq(r.w[0].value, 10);
  cr_assert_eq(r.w[1].value, 20);
  cr_assert_eq(bcsc_waitq_deinit(&a.q), 0);
  cr_assert_eq(bcsc_waitq_deinit(&b.q), 0);
}

/* Several tasks that returned, queued to complete by fires before the run
 * loop takes any: each completes with its own result. */
Test(abort, returned_tasks_complete_with_their_own_results) {
  enum { N = 5 };
  source_t src[N];
  reader_t r[N];
  const int results[N] = {0, BCSC_TEST_E1, BCSC_TEST_E2, INT32_MIN, -1};
  for (int i = 0; i < N; i++) {
    source_init(&src[i], ANSWER_PENDING);
    reader_init(&r[i], &src[i].q, NULL);
    r[i].ret_early = 1;
    r[i].result = results[i];
    cr_assert_eq(bcsc_executor_spawn(&g_ex, &r[i].task), 0);
  }
  run();
  for (int i = N - 1; i >= 0; i--)
    cr_assert_eq(bcsc_waitq_wake_one(&src[i].q, (uintptr_t)i), 1);
  cr_assert_eq(bcsc_executor_live_roots(&g_ex), N);
  run();
  cr_assert_eq(bcsc_executor_live_roots(&g_ex), 0);
  for (int i = 0; i < N; i++) {
    cr_assert(bcsc_task_done(&r[i].task));
    cr_assert_eq(bcsc_task_result(&r[i].task), results[i], "task %d", i);
    cr_assert_eq(r[i].w[0].value, (uintptr_t)i);
    cr_assert_eq(bcsc_waitq_deinit(&src[i].q), 0);
  }
}

Test(abort, returned_with_abort_that_fires_completes_at_once) {
  source_t src;
  reader_t r;
  source_init(&src, ANSWER_FIRE);
  src.fire_value = 4;
  reader_init(&r, &src.q, NULL);
  r.ret_early = 1;
  r.result = BCSC_TEST_E3;
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &r.task), 0);
  run();
  cr_assert_eq(src.aborts, 1);
  cr_assert(bcsc_task_done(&r.task));
  cr_assert_eq(bcsc_task_result(&r.task), BCSC_TEST_E3);
  cr_assert(bcsc_wait_fired(&r.w[0]));
  cr_assert_eq(r.w[0].value, 4);
  cr_assert_eq(bcsc_waitq_deinit(&src.q), 0);
}

Test(abort, wait_cancel_with_abort_that_fires) {
  source_t src;
  reader_t r;
  source_init(&src, ANSWER_FIRE);
  src.fire_value = 6;
  reader_init(&r, &src.q, NULL);
  r.cancel_own = 1;
  r.yield = 1;
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &r.task), 0);
  run();
  cr_assert_eq(r.cancel_rc, 1);
  cr_assert_eq(r.polls, 2);
  cr_assert(r.fired[0], "the completion is not lost");
  cr_assert_eq(r.value[0], 6);
  cr_assert_eq(bcsc_waitq_deinit(&src.q), 0);
}

/* Woken during its own poll (a yield) while registered: the poll's end
 * asks the abort, and the task waits for the fire instead of running. */
Test(abort, woken_in_its_poll_waits_for_the_fire) {
  source_t src;
  reader_t r;
  source_init(&src, ANSWER_PENDING);
  reader_init(&r, &src.q, NULL);
  r.yield = 1;
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &r.task), 0);
  run();
  cr_assert_eq(src.aborts, 1);
  cr_assert_eq(r.polls, 1);
  cr_assert_eq(bcsc_task_wait_next(&r.task, NULL), &r.w[0]);
  cr_assert_eq(bcsc_waitq_wake_one(&src.q, 12), 1);
  run();
  cr_assert_eq(r.polls, 2);
  cr_assert(r.fired[0]);
  cr_assert_eq(r.value[0], 12);
  cr_assert_eq(bcsc_waitq_deinit(&src.q), 0);
}

/* bcsc_wait_cancel() made it held; a yield in the same poll keeps it. */
Test(abort, held_by_wait_cancel_then_woken_in_its_poll) {
  source_t src;
  reader_t r;
  source_init(&src, ANSWER_PENDING);
  reader_init(&r, &src.q, NULL);
  r.cancel_own = 1;
  r.yield = 1;
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &r.task), 0);
  run();
  cr_assert_eq(r.cancel_rc, BCSC_WAIT_HELD);
  cr_assert_eq(src.aborts, 1);
  cr_assert_eq(r.polls, 1);
  cr_assert_eq(bcsc_waitq_wake_all(&src.q, 13), 1);
  run();
  cr_assert_eq(r.polls, 2);
  cr_assert_eq(r.value[0], 13);
  cr_assert_eq(bcsc_waitq_deinit(&src.q), 0);
}

/* Plain lists do not ask anything; a list made plain again neither. */
Test(abort, plain_lists_are_unlinked_as_before) {
  source_t src;
  reader_t r;
  source_init(&src, ANSWER_PENDING);
  cr_assert_eq(bcsc_waitq_set_abort(&src.q, NULL, NULL), 0);
  reader_init(&r, &src.q, NULL);
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &r.task), 0);
  run();
  cr_assert_eq(bcsc_task_cancel(&r.task), 0);
  cr_assert_eq(src.aborts, 0);
  run();
  cr_assert(bcsc_task_done(&r.task));
  cr_assert_eq(bcsc_waitq_deinit(&src.q), 0);
}

/* ---- scopes ----------------------------------------------------------------
 */

#define MAX_CHILDREN 64

typedef struct owner {
  bcsc_task_t task;
  bcsc_scope_t scope;
  bcsc_timer_t timer;
  uint32_t policy;
  bcsc_task_t *children[MAX_CHILDREN];
  uint32_t n;
  uint64_t deadline; /* 0: none */
  uint32_t deadline_kind;
  bcsc_drain_grace_t grace;
  uint64_t grace_period; /* 0: none */
  bcsc_stuck_fn report;
  void *report_context;
  /* returning with the scope open and a held registration of its own */
  source_t *own_source;
  bcsc_wait_t own_wait;
  int own_result;
  /* observations */
  int phase;
  int join_rc;
  int joined;
  uint64_t joined_at;
} owner_t;

static int owner_poll(bcsc_task_t *self) {
  owner_t *o = (owner_t *)self;
  int rc;
  if (o->phase == 0) {
    o->phase = 1;
    cr_assert_eq(bcsc_scope_init(&o->scope, self, o->policy), 0);
    if (o->deadline != 0)
      cr_assert_eq(
          bcsc_scope_set_deadline(&o->scope, o->deadline, o->deadline_kind), 0);
    if (o->grace_period != 0) {
      cr_assert_eq(bcsc_drain_grace_init(&o->grace), 0);
      cr_assert_eq(bcsc_scope_set_drain_grace(&o->scope, &o->grace,
                                              o->grace_period, o->report,
                                              o->report_context),
                   0);
    }
    for (uint32_t i = 0; i < o->n; i++)
      cr_assert_eq(bcsc_scope_spawn(&o->scope, o->children[i]), 0);
    if (o->own_source != NULL)
      return bcsc_task_yield(self); /* its children register first */
  }
  if (o->own_source != NULL) {
    cr_assert_eq(bcsc_wait_on(self, &o->own_wait, &o->own_source->q),
                 BCSC_PENDING);
    return o->own_result; /* returns with the scope open */
  }
  rc = bcsc_scope_join(&o->scope);
  if (rc == BCSC_PENDING)
    return rc;
  o->join_rc = rc;
  o->joined = 1;
  o->joined_at = bcsc_executor_now(&g_ex);
  return 0;
}

static void owner_init(owner_t *o, uint32_t policy) {
  memset(o, 0, sizeof *o);
  cr_assert_eq(bcsc_task_init(&o->task, owner_poll, NULL), 0);
  cr_assert_eq(bcsc_wait_init(&o->own_wait), 0);
  o->policy = policy;
}

static void owner_add(owner_t *o, bcsc_task_t *child) {
  cr_assert_lt(o->n, MAX_CHILDREN);
  o->children[o->n++] = child;
}

Test(abort, scope_join_waits_for_a_returned_child) {
  source_t src;
  reader_t r;
  owner_t o;
  source_init(&src, ANSWER_PENDING);
  reader_init(&r, &src.q, NULL);
  r.ret_early = 1;
  r.result = BCSC_TEST_E4;
  owner_init(&o, BCSC_SCOPE_WAIT_ALL);
  owner_add(&o, &r.task);
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &o.task), 0);
  run();
  cr_assert_eq(src.aborts, 1);
  cr_assert_not(o.joined);
  cr_assert_eq(bcsc_scope_live(&o.scope), 1);
  cr_assert_eq(bcsc_waitq_wake_one(&src.q, 1), 1);
  run();
  cr_assert(o.joined);
  cr_assert_eq(o.join_rc, BCSC_TEST_E4, "its error reaches the scope");
  cr_assert_eq(bcsc_waitq_deinit(&src.q), 0);
}

Test(abort, scope_cancel_over_many_fired_in_reverse) {
  enum { N = 48 };
  static source_t src[N];
  static reader_t r[N];
  owner_t o;
  owner_init(&o, BCSC_SCOPE_WAIT_ALL);
  for (int i = 0; i < N; i++) {
    source_init(&src[i], ANSWER_PENDING);
    reader_init(&r[i], &src[i].q, NULL);
    r[i].result = BCSC_ECANCELED;
    owner_add(&o, &r[i].task);
  }
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &o.task), 0);
  run();
  cr_assert_eq(bcsc_scope_cancel(&o.scope), 0);
  run();
  for (int i = N - 1; i >= 0; i--) {
    cr_assert_eq(src[i].aborts, 1);
    cr_assert_eq(r[i].polls, 1);
    cr_assert_not(o.joined, "joined with %d in flight", i + 1);
    cr_assert_eq(bcsc_scope_live(&o.scope), (uint32_t)i + 1);
    cr_assert_eq(bcsc_waitq_wake_one(&src[i].q, (uintptr_t)i), 1);
    run();
    cr_assert(bcsc_task_done(&r[i].task));
    cr_assert_eq(r[i].polls, 2);
    cr_assert(r[i].cancelled);
    cr_assert_eq(r[i].value[0], (uintptr_t)i);
  }
  cr_assert(o.joined);
  cr_assert_eq(o.join_rc, BCSC_ECANCELED);
  for (int i = 0; i < N; i++)
    cr_assert_eq(bcsc_waitq_deinit(&src[i].q), 0);
}

/* An owner that returns with its scope open and a held registration: its
 * children are cancelled at once; it completes, with its result, once the
 * fire came and they have ended. */
Test(abort, owner_returns_with_open_scope_and_held_node) {
  source_t own, work;
  reader_t child;
  owner_t o;
  source_init(&own, ANSWER_PENDING);
  source_init(&work, ANSWER_DONE);
  reader_init(&child, &work.q, NULL);
  child.result = BCSC_ECANCELED;
  owner_init(&o, BCSC_SCOPE_WAIT_ALL);
  owner_add(&o, &child.task);
  o.own_source = &own;
  o.own_result = BCSC_TEST_E5;
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &o.task), 0);
  run();
  cr_assert_eq(own.aborts, 1);
  cr_assert(bcsc_task_done(&child.task), "its children were cancelled");
  cr_assert(child.cancelled);
  cr_assert_eq(bcsc_task_done(&o.task), 0);
  cr_assert_eq(bcsc_waitq_wake_one(&own.q, 3), 1);
  run();
  cr_assert(bcsc_task_done(&o.task));
  cr_assert_eq(bcsc_task_result(&o.task), BCSC_TEST_E5);
  cr_assert_eq(bcsc_waitq_deinit(&own.q), 0);
  cr_assert_eq(bcsc_waitq_deinit(&work.q), 0);
}

/* The same, with a child still running when the fire comes: the owner then
 * drains as usual. */
Test(abort, owner_held_then_drains_a_child_still_in_flight) {
  source_t own, work;
  reader_t child;
  owner_t o;
  source_init(&own, ANSWER_PENDING);
  source_init(&work, ANSWER_PENDING);
  reader_init(&child, &work.q, NULL);
  child.result = BCSC_ECANCELED;
  owner_init(&o, BCSC_SCOPE_WAIT_ALL);
  owner_add(&o, &child.task);
  o.own_source = &own;
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &o.task), 0);
  run();
  cr_assert_eq(work.aborts, 1);
  cr_assert_eq(bcsc_waitq_wake_one(&own.q, 3), 1);
  run();
  cr_assert_eq(bcsc_task_done(&o.task), 0, "its child is in flight");
  cr_assert_eq(bcsc_waitq_wake_one(&work.q, 9), 1);
  run();
  cr_assert(bcsc_task_done(&child.task));
  cr_assert_eq(child.value[0], 9);
  cr_assert(bcsc_task_done(&o.task));
  cr_assert_eq(bcsc_task_result(&o.task), 0);
  cr_assert_eq(bcsc_waitq_deinit(&own.q), 0);
  cr_assert_eq(bcsc_waitq_deinit(&work.q), 0);
}

/* A race: the loser's read is in flight when the winner finishes. */
Test(abort, race_loser_waits_for_its_completion) {
  source_t src;
  bcsc_waitq_t plain;
  reader_t loser, winner;
  owner_t o;
  source_init(&src, ANSWER_PENDING);
  cr_assert_eq(bcsc_waitq_init(&plain), 0);
  reader_init(&loser, &src.q, NULL);
  loser.result = BCSC_ECANCELED;
  reader_init(&winner, &plain, NULL);
  winner.result = 0;
  owner_init(&o, BCSC_SCOPE_RACE);
  owner_add(&o, &loser.task);
  owner_add(&o, &winner.task);
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &o.task), 0);
  run();
  cr_assert_eq(bcsc_waitq_wake_one(&plain, 1), 1);
  run();
  cr_assert(bcsc_task_done(&winner.task));
  cr_assert_eq(src.aborts, 1);
  cr_assert_not(o.joined);
  cr_assert_eq(bcsc_waitq_wake_one(&src.q, 2), 1);
  run();
  cr_assert(o.joined);
  cr_assert_eq(o.join_rc, 0);
  cr_assert_eq(bcsc_scope_winner(&o.scope), &winner.task);
  cr_assert(loser.cancelled);
  cr_assert_eq(loser.value[0], 2);
  cr_assert_eq(bcsc_waitq_deinit(&src.q), 0);
  cr_assert_eq(bcsc_waitq_deinit(&plain), 0);
}

/* ---- in virtual time: deadlines and drain graces ----------------------------
 */

#define T0 ((uint64_t)1000)

static bcsc_sim_reactor_t g_sim;

static void setup_sim(void) {
  bcsc_executor_config_t cfg = {.size = sizeof cfg, .reactor = &g_sim.base};
  cr_assert_eq(bcsc_sim_reactor_init(&g_sim, T0), 0);
  cr_assert_eq(bcsc_executor_init(&g_ex, &cfg), 0);
}

TestSuite(abort_time, .init = setup_sim, .fini = teardown);

/* The device: completes every operation on `q` at `at` with `value`. */
typedef struct device {
  bcsc_task_t task;
  bcsc_timer_t timer;
  uint64_t at;
  bcsc_waitq_t *q;
  uintptr_t value;
} device_t;

static int device_poll(bcsc_task_t *self) {
  device_t *d = (device_t *)self;
  int rc = bcsc_sleep_until(self, &d->timer, d->at);
  if (rc != 0)
    return rc;
  (void)bcsc_waitq_wake_all(d->q, d->value);
  return 0;
}

static void device_start(device_t *d, bcsc_waitq_t *q, uint64_t at,
                         uintptr_t value) {
  cr_assert_eq(bcsc_task_init(&d->task, device_poll, NULL), 0);
  cr_assert_eq(bcsc_timer_init(&d->timer), 0);
  d->at = at;
  d->q = q;
  d->value = value;
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &d->task), 0);
}

Test(abort_time, deadline_waits_for_the_completion) {
  source_t src;
  reader_t r;
  owner_t o;
  device_t dev;
  source_init(&src, ANSWER_PENDING);
  reader_init(&r, &src.q, NULL);
  r.result = BCSC_ECANCELED;
  owner_init(&o, BCSC_SCOPE_WAIT_ALL);
  o.deadline = T0 + BCSC_SEC;
  o.deadline_kind = BCSC_DEADLINE_FAIL;
  owner_add(&o, &r.task);
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &o.task), 0);
  device_start(&dev, &src.q, T0 + 3 * BCSC_SEC, 77);
  cr_assert_eq(bcsc_executor_run(&g_ex, NULL), 0);
  cr_assert_eq(src.aborts, 1);
  cr_assert(o.joined);
  cr_assert_eq(o.joined_at, T0 + 3 * BCSC_SEC, "joined at the completion");
  cr_assert_eq(o.join_rc, BCSC_ETIMEDOUT);
  cr_assert(r.cancelled);
  cr_assert_eq(r.value[0], 77);
  cr_assert_eq(bcsc_waitq_deinit(&src.q), 0);
}

typedef struct stuck_log {
  uint32_t n;
  bcsc_task_t *child[4];
  uint64_t at[4];
  uint32_t nwaits[4];
  bcsc_wait_t *wait[4];
  bcsc_waitq_t *queue[4];
} stuck_log_t;

static void stuck_record(void *context, bcsc_scope_t *scope,
                         bcsc_task_t *child) {
  stuck_log_t *log = context;
  uint32_t i = log->n++;
  (void)scope;
  cr_assert_lt(i, 4);
  log->child[i] = child;
  log->at[i] = bcsc_sim_reactor_now(&g_sim);
  for (bcsc_wait_t *w = bcsc_task_wait_next(child, NULL); w != NULL;
       w = bcsc_task_wait_next(child, w)) {
    log->wait[i] = w;
    log->queue[i] = bcsc_wait_queue(w);
    log->nwaits[i]++;
  }
}

/* A drain grace reports both kinds of held task - cancelled while waiting,
 * and returned - with the registration each waits for. */
Test(abort_time, drain_grace_reports_held_tasks_and_their_nodes) {
  source_t src;
  reader_t waiting, returned;
  owner_t o;
  device_t dev;
  stuck_log_t log = {0};
  source_init(&src, ANSWER_PENDING);
  reader_init(&waiting, &src.q, NULL);
  waiting.result = BCSC_ECANCELED;
  reader_init(&returned, &src.q, NULL);
  returned.ret_early = 1;
  owner_init(&o, BCSC_SCOPE_WAIT_ALL);
  o.deadline = T0 + BCSC_SEC;
  o.deadline_kind = BCSC_DEADLINE_MOVE_ON;
  o.grace_period = BCSC_SEC;
  o.report = stuck_record;
  o.report_context = &log;
  owner_add(&o, &waiting.task);
  owner_add(&o, &returned.task);
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &o.task), 0);
  device_start(&dev, &src.q, T0 + 5 * BCSC_SEC, 64);
  cr_assert_eq(bcsc_executor_run(&g_ex, NULL), 0);
  cr_assert_eq(src.aborts, 2);
  cr_assert_eq(log.n, 2);
  cr_assert_eq(log.child[0], &waiting.task);
  cr_assert_eq(log.child[1], &returned.task);
  for (int i = 0; i < 2; i++) {
    reader_t *r = i == 0 ? &waiting : &returned;
    cr_assert_eq(log.at[i], T0 + 2 * BCSC_SEC);
    cr_assert_eq(log.nwaits[i], 1);
    cr_assert_eq(log.wait[i], &r->w[0]);
    cr_assert_eq(log.queue[i], &src.q);
  }
  cr_assert_eq(o.joined_at, T0 + 5 * BCSC_SEC);
  cr_assert_eq(o.join_rc, 0);
  cr_assert_eq(waiting.value[0], 64);
  cr_assert_eq(returned.w[0].value, 64);
  cr_assert_eq(bcsc_waitq_deinit(&src.q), 0);
}

/* ---- the frame is the caller's again once the join returned ----------------
 */

/* Heap frames, freed as soon as the owner's join has returned: ASan (with
 * detect_stack_use_after_return, as every ASan lane runs) reports any later
 * touch of them by bcsc - the finished-task FIFO included, which another
 * round then uses. */
Test(abort, frames_are_untouched_after_the_join) {
  for (int round = 0; round < 3; round++) {
    source_t src;
    reader_t *held = malloc(sizeof *held);
    reader_t *returned = malloc(sizeof *returned);
    owner_t o;
    cr_assert_not_null(held);
    cr_assert_not_null(returned);
    source_init(&src, ANSWER_PENDING);
    reader_init(held, &src.q, NULL);
    held->result = BCSC_ECANCELED;
    reader_init(returned, &src.q, NULL);
    returned->ret_early = 1;
    owner_init(&o, BCSC_SCOPE_WAIT_ALL);
    owner_add(&o, &held->task);
    owner_add(&o, &returned->task);
    cr_assert_eq(bcsc_executor_spawn(&g_ex, &o.task), 0);
    run();
    cr_assert_eq(bcsc_scope_cancel(&o.scope), 0);
    run();
    cr_assert_eq(src.aborts, 2);
    cr_assert_eq(bcsc_waitq_wake_all(&src.q, 5), 2);
    run();
    cr_assert(o.joined);
    free(held);
    free(returned);
    cr_assert_eq(bcsc_waitq_deinit(&src.q), 0);
  }
}

/* ---- odds and ends ----------------------------------------------------------
 */

Test(abort, wake_on_an_empty_source_and_the_list_of_a_fresh_node) {
  source_t src;
  reader_t r;
  source_init(&src, ANSWER_DONE);
  cr_assert_eq(bcsc_waitq_wake_one(&src.q, 1), 0);
  cr_assert_eq(bcsc_waitq_wake_all(&src.q, 1), 0);
  reader_init(&r, &src.q, NULL);
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &r.task), 0);
  run();
  cr_assert_eq(bcsc_wait_queue(&r.w[0]), &src.q);
  cr_assert_eq(bcsc_waitq_count(&src.q), 1);
  cr_assert_eq(bcsc_waitq_wake_one(&src.q, 1), 1);
  run();
  cr_assert(bcsc_task_done(&r.task));
  cr_assert_eq(src.aborts, 0, "a fire asks nothing");
  cr_assert_eq(bcsc_waitq_deinit(&src.q), 0);
}

/* A registration overwritten while linked on a completion source's list:
 * the checked build refuses to fire it (FRAME_CLOBBERED); the release
 * build trusts its links. */
Test(abort, clobbered_node_is_not_fired_in_the_checked_build) {
  source_t src;
  reader_t r;
  bcsc_test_misuse_t rec;
  source_init(&src, ANSWER_DONE);
  reader_init(&r, &src.q, NULL);
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &r.task), 0);
  run();
  bcsc_test_misuse_install(&rec);
  r.w[0].priv.magic = 0;
  if (bcsc_is_checked_build()) {
    cr_assert_eq(bcsc_waitq_wake_one(&src.q, 1), BCSC_EBADOBJ);
    cr_assert_eq(bcsc_test_misuse_count_code(&rec, BCSC_MISUSE_FRAME_CLOBBERED),
                 1);
    r.w[0].priv.magic = 0x3a17; /* mended */
  }
  cr_assert_eq(bcsc_waitq_wake_one(&src.q, 1), 1);
  r.w[0].priv.magic = 0x3a17;
  bcsc_test_misuse_uninstall();
  run();
  cr_assert(bcsc_task_done(&r.task));
  cr_assert_eq(bcsc_waitq_deinit(&src.q), 0);
}

/* A task holding a value waker returns with a held registration: its slot
 * is given back at once (its waker goes stale), as for any return. */
Test(abort, returned_with_a_waker_gives_its_slot_back) {
  static bcsc_waker_slot_t slots[4];
  source_t src;
  reader_t r;
  bcsc_executor_stats_t st;
  cr_assert_eq(bcsc_executor_set_waker_slots(&g_ex, slots, 4), 0);
  source_init(&src, ANSWER_PENDING);
  reader_init(&r, &src.q, NULL);
  r.ret_early = 1;
  r.take_waker = 1;
  r.result = BCSC_TEST_E1;
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &r.task), 0);
  run();
  cr_assert_eq(bcsc_task_done(&r.task), 0);
  cr_assert_eq(bcsc_waker_wake(r.waker), 0);
  run();
  st.size = sizeof st;
  cr_assert_eq(bcsc_executor_stats(&g_ex, &st), 0);
  cr_assert_eq(st.wakes_stale, 1, "the slot went back when it returned");
  cr_assert_eq(r.polls, 1);
  cr_assert_eq(bcsc_waitq_wake_one(&src.q, 1), 1);
  run();
  cr_assert(bcsc_task_done(&r.task));
  cr_assert_eq(bcsc_task_result(&r.task), BCSC_TEST_E1);
  cr_assert_eq(bcsc_waitq_deinit(&src.q), 0);
}

/* Without a reactor nothing else can fire a held node: run() says so
 * (BCSC_EDEADLK) and leaves everything in place; the source's fire then
 * lets the run finish. */
Test(abort, run_without_a_reactor_reports_the_deadlock) {
  source_t src;
  reader_t r;
  source_init(&src, ANSWER_PENDING);
  reader_init(&r, &src.q, NULL);
  r.ret_early = 1;
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &r.task), 0);
  cr_assert_eq(bcsc_executor_run(&g_ex, NULL), BCSC_EDEADLK);
  cr_assert_eq(bcsc_executor_live_roots(&g_ex), 1);
  cr_assert_eq(bcsc_waitq_wake_one(&src.q, 2), 1);
  cr_assert_eq(bcsc_executor_run(&g_ex, NULL), 0);
  cr_assert(bcsc_task_done(&r.task));
  cr_assert_eq(bcsc_waitq_deinit(&src.q), 0);
}

/* ---- an abort function that calls back into bcsc (D76) -------------------
 * The abort function of `src` does one more thing to the same task during
 * its first call - cancels it, wakes or unlinks its other registration -
 * and then answers. The task holds w[0] on `src`, w[1] on `other` (plain,
 * or a second completion source) and w[2] on `trigger` (plain);
 * `reverse` registers w[0] last (a walk takes the newest first, so w[1] is
 * still ahead of it). The outer call is one of those that ask an abort.
 * Whatever happens, the task must run exactly once more (or, if it had
 * returned, complete without a poll), see every fire, be lost by no wake
 * and leave nothing linked. Before D76, 222 of these 630 cases failed in
 * the checked build: a task queued twice, a walk cut short by the unlink
 * of its next node, a wake lost under bcsc_wait_cancel(). */

enum {
  OUT_CANCEL,       /* bcsc_task_cancel() of the waiting task */
  OUT_SELECT,       /* a wake of `trigger` */
  OUT_WAIT_CANCEL,  /* bcsc_wait_cancel(&w[0]) from outside its poll */
  OUT_CANCEL_OWN,   /* bcsc_wait_cancel(&w[0]) in its own poll */
  OUT_RETURN,       /* it returns holding them */
  OUT_SCOPE_CANCEL, /* its scope is cancelled */
  OUT_YIELD_FIRST   /* woken in its poll before it registers: the
                       executor unlinks them when the poll returns */
};
enum {
  ACT_CANCEL_TASK,  /* bcsc_task_cancel(task) */
  ACT_WAKE_OTHER,   /* bcsc_waitq_wake_one(other, 77) */
  ACT_UNLINK_OTHER, /* bcsc_wait_cancel(&w[1]) */
  ACT_CANCEL_SCOPE, /* bcsc_scope_cancel(task's scope) */
  ACT_UNLINK_SELF   /* bcsc_wait_cancel() of the node asked about */
};

typedef struct meddler {
  source_t src;
  int action;
  bcsc_task_t *task;
  bcsc_scope_t *scope;
  bcsc_wait_t *other_node;
  bcsc_waitq_t *other;
  int done;
  int rc;
} meddler_t;

static int meddler_abort(void *context, bcsc_wait_t *wait) {
  meddler_t *m = context;
  if (!m->done) {
    m->done = 1;
    switch (m->action) {
    case ACT_CANCEL_TASK:
      m->rc = bcsc_task_cancel(m->task);
      break;
    case ACT_WAKE_OTHER:
      m->rc = bcsc_waitq_wake_one(m->other, 77);
      break;
    case ACT_UNLINK_OTHER:
      m->rc = bcsc_wait_cancel(m->other_node);
      break;
    case ACT_UNLINK_SELF:
      m->rc = bcsc_wait_cancel(wait);
      cr_assert_eq(m->rc, BCSC_WAIT_HELD, "it is being asked");
      break;
    default:
      m->rc = bcsc_scope_cancel(m->scope);
      break;
    }
  }
  return source_abort(&m->src, wait);
}

typedef struct meddling {
  int outer;
  int action;
  int answer;          /* what src answers: ANSWER_DONE or ANSWER_PENDING */
  int reverse;         /* w[0] registered last: walked before w[1] */
  int other_abortable; /* `other` is a completion source: 1 answers done,
                          2 pending */
} meddling_t;

/* Fire whatever still holds the task, one source at a time, until it
 * has run; a task left waiting with nothing linked lost its wake. */
static void meddling_finish(reader_t *r, meddler_t *m, bcsc_waitq_t *other,
                            bcsc_waitq_t *trigger) {
  for (int round = 0; round < 4 && !bcsc_task_done(&r->task); round++) {
    if (!bcsc_waitq_empty(&m->src.q))
      cr_assert_eq(bcsc_waitq_wake_one(&m->src.q, 42), 1);
    else if (!bcsc_waitq_empty(other))
      cr_assert_eq(bcsc_waitq_wake_one(other, 88), 1);
    else if (!bcsc_waitq_empty(trigger))
      cr_assert_eq(bcsc_waitq_wake_one(trigger, 5), 1);
    else
      cr_assert_fail("lost wake: waiting with nothing linked (polls %u)",
                     r->polls);
    run();
  }
}

static void meddle(const meddling_t *p) {
  meddler_t m;
  source_t osrc;
  bcsc_waitq_t plain, trigger;
  bcsc_waitq_t *other = p->other_abortable ? &osrc.q : &plain;
  reader_t r;
  owner_t o;
  memset(&m, 0, sizeof m);
  source_init(&m.src, p->answer);
  m.src.fire_value = 31;
  cr_assert_eq(bcsc_waitq_set_abort(&m.src.q, meddler_abort, &m), 0);
  source_init(&osrc, p->other_abortable == 2 ? ANSWER_PENDING : ANSWER_DONE);
  cr_assert_eq(bcsc_waitq_init(&plain), 0);
  cr_assert_eq(bcsc_waitq_init(&trigger), 0);
  reader_init(&r, &m.src.q, other);
  r.q[2] = &trigger;
  r.nq = 3;
  r.reverse = p->reverse;
  r.result = p->outer == OUT_RETURN ? BCSC_TEST_E1 : 0;
  r.ret_early = p->outer == OUT_RETURN;
  r.cancel_own = p->outer == OUT_CANCEL_OWN;
  r.yield_first = p->outer == OUT_YIELD_FIRST;
  owner_init(&o, BCSC_SCOPE_WAIT_ALL);
  owner_add(&o, &r.task);
  m.action = p->action;
  m.task = &r.task;
  m.scope = &o.scope;
  m.other = other;
  m.other_node = &r.w[1];
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &o.task), 0);
  run();
  switch (p->outer) {
  case OUT_CANCEL:
    cr_assert_eq(bcsc_task_cancel(&r.task), 0);
    break;
  case OUT_SELECT:
    cr_assert_eq(bcsc_waitq_wake_one(&trigger, 5), 1);
    break;
  case OUT_WAIT_CANCEL:
    cr_assert_geq(bcsc_wait_cancel(&r.w[0]), 1);
    break;
  case OUT_SCOPE_CANCEL:
    cr_assert_eq(bcsc_scope_cancel(&o.scope), 0);
    break;
  default: /* in its first poll */
    break;
  }
  cr_assert_eq(m.src.aborts, 1);
  cr_assert(m.done);
  run();
  /* Held: waiting for its fire, with no wake left over that would poll it
   * once more after that. */
  if (!bcsc_task_done(&r.task))
    cr_assert_eq(r.task.priv.state & BCSC__TASK_WOKEN, 0);
  meddling_finish(&r, &m, other, &trigger);
  cr_assert(bcsc_task_done(&r.task));
  cr_assert_eq(r.polls, p->outer == OUT_RETURN ? 1u : 2u);
  cr_assert(o.joined);
  if (p->outer != OUT_RETURN) {
    cr_assert_eq(r.cancelled, p->outer == OUT_CANCEL ||
                                  p->outer == OUT_SCOPE_CANCEL ||
                                  p->action == ACT_CANCEL_TASK ||
                                  p->action == ACT_CANCEL_SCOPE);
    if (p->action == ACT_WAKE_OTHER && m.rc == 1)
      cr_assert(r.fired[1] && r.value[1] == 77);
    if (p->answer == ANSWER_FIRE)
      cr_assert(r.fired[0] && r.value[0] == 31, "its completion is kept");
  }
  cr_assert_geq(m.rc, 0);
  cr_assert(bcsc_waitq_empty(&m.src.q));
  cr_assert(bcsc_waitq_empty(other));
  cr_assert(bcsc_waitq_empty(&trigger));
  cr_assert_eq(bcsc_waitq_deinit(&m.src.q), 0);
  cr_assert_eq(bcsc_waitq_deinit(&osrc.q), 0);
  cr_assert_eq(bcsc_waitq_deinit(&plain), 0);
  cr_assert_eq(bcsc_waitq_deinit(&trigger), 0);
}

#define N_OUTER 7
#define N_ACTION 5
#define N_MEDDLING (N_OUTER * N_ACTION * 3 * 2 * 3)

/* The case running, which a failure's report names (meddling_fini): a
 * copy, as the test's frame is gone when a failed assertion ends it. */
static meddling_t g_meddling;
static int g_meddling_running;

static void meddling_fini(void) {
  const meddling_t *p = &g_meddling;
  if (g_meddling_running)
    fprintf(stderr,
            "abort/meddling failed in: outer %d action %d answer %d "
            "reverse %d other %d\n",
            p->outer, p->action, p->answer, p->reverse, p->other_abortable);
}

/* Every case in one test, each on a fresh executor: Criterion runs each
 * test in a new process, which costs about 0.7 s under valgrind's memcheck
 * - 630 tests took 7.5 minutes of the valgrind lane. */
Test(abort, meddling, .fini = meddling_fini) {
  uint32_t n = 0;
  for (int outer = 0; outer < N_OUTER; outer++)
    for (int action = 0; action < N_ACTION; action++)
      for (int answer = 0; answer < 3; answer++)
        for (int reverse = 0; reverse < 2; reverse++)
          for (int oa = 0; oa < 3; oa++) {
            const meddling_t c = {outer, action,
                                  answer == 0   ? ANSWER_DONE
                                  : answer == 1 ? ANSWER_PENDING
                                                : ANSWER_FIRE,
                                  reverse, oa};
            g_meddling = c;
            g_meddling_running = 1;
            meddle(&c);
            g_meddling_running = 0;
            teardown();
            setup();
            n++;
          }
  cr_assert_eq(n, N_MEDDLING);
}

/* A hand-off wake the abort function gives the task (D76) is a baton for
 * its next poll, as any wake of a waiting task: if that poll leaves it,
 * it goes on to the next waiter then, not one poll later. */
Test(abort, baton_from_an_abort_function_is_for_the_next_poll) {
  static bcsc_waker_slot_t slots[4];
  meddler_t m;
  bcsc_waitq_t h;
  reader_t r, r2;
  cr_assert_eq(bcsc_executor_set_waker_slots(&g_ex, slots, 4), 0);
  memset(&m, 0, sizeof m);
  source_init(&m.src, ANSWER_DONE);
  cr_assert_eq(bcsc_waitq_set_abort(&m.src.q, meddler_abort, &m), 0);
  cr_assert_eq(bcsc_waitq_init(&h), 0);
  cr_assert_eq(bcsc_waitq_set_handoff(&h, 1), 0);
  reader_init(&r, &m.src.q, &h);
  r.reverse = 1;    /* the walk asks src while w[1] is still on h */
  r.take_waker = 1; /* so that it may wait for nothing else after */
  r.result = BCSC_PENDING;
  reader_init(&r2, &h, NULL);
  m.action = ACT_WAKE_OTHER;
  m.other = &h;
  m.task = &r.task;
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &r.task), 0);
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &r2.task), 0);
  run();
  cr_assert_eq(bcsc_task_cancel(&r.task), 0);
  cr_assert_eq(m.rc, 1, "r's registration, the oldest, had it");
  run();
  cr_assert_eq(r.polls, 2);
  cr_assert(r.fired[1]);
  cr_assert_eq(r2.polls, 2, "left by r's poll, it went on at once");
  cr_assert_eq(r2.value[0], 77);
  r.result = 0;
  cr_assert_eq(bcsc_waker_wake(r.waker), 0);
  run();
  cr_assert(bcsc_task_done(&r.task));
  cr_assert(bcsc_task_done(&r2.task));
  cr_assert_eq(bcsc_waitq_deinit(&h), 0);
  cr_assert_eq(bcsc_waitq_deinit(&m.src.q), 0);
}

/* An abort function that first completes the node it is asked about (it
 * fires it: the oldest on its list), then cancels the node's task (D76).
 * The cancel's wake walks the task's registrations while the call runs,
 * and the node, fired by then, is no longer one of them. */
typedef struct fire_then_cancel {
  source_t src;
  bcsc_task_t *task;
  int fire_rc, cancel_rc;
} fire_then_cancel_t;

static int fire_then_cancel_abort(void *context, bcsc_wait_t *wait) {
  fire_then_cancel_t *f = context;
  (void)wait;
  f->src.aborts++;
  f->fire_rc = bcsc_waitq_wake_one(&f->src.q, 31);
  f->cancel_rc = bcsc_task_cancel(f->task);
  return BCSC_PENDING;
}

/* Found by the model-based fuzzer (a sibling's abort function fired the
 * node while this one cancelled the scope): bcsc_wait_cancel() took the
 * fired node out of its task's list a second time, after the wake's walk
 * had dropped it - through links the checked build poisons (a crash) and
 * the release build leaves stale (the list rewritten). Asked from outside
 * the task's poll and from inside it. */
static void fire_then_cancel_case(int from_poll) {
  fire_then_cancel_t f;
  bcsc_waitq_t plain;
  reader_t r;
  memset(&f, 0, sizeof f);
  source_init(&f.src, ANSWER_PENDING);
  cr_assert_eq(bcsc_waitq_set_abort(&f.src.q, fire_then_cancel_abort, &f), 0);
  cr_assert_eq(bcsc_waitq_init(&plain), 0);
  reader_init(&r, &f.src.q, &plain);
  r.cancel_own = from_poll;
  f.task = &r.task;
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &r.task), 0);
  if (from_poll) {
    run();
    cr_assert_eq(r.cancel_rc, BCSC_WAIT_UNLINKED, "it completed: gone");
  } else {
    cr_assert_eq(bcsc_executor_poll(&g_ex, 1), 1);
    cr_assert(bcsc_wait_linked(&r.w[0]) && bcsc_wait_linked(&r.w[1]));
    cr_assert_eq(bcsc_wait_cancel(&r.w[0]), BCSC_WAIT_UNLINKED);
    cr_assert_eq(bcsc_executor_ready(&g_ex), 1, "the put-off wake queued it");
    run();
  }
  cr_assert_eq(f.src.aborts, 1);
  cr_assert_eq(f.fire_rc, 1);
  cr_assert_eq(f.cancel_rc, 0);
  cr_assert(bcsc_task_done(&r.task));
  cr_assert_eq(r.polls, 2);
  cr_assert(r.cancelled);
  cr_assert(r.fired[0] && r.value[0] == 31, "its completion is kept");
  cr_assert(!r.fired[1] && !bcsc_wait_linked(&r.w[1]));
  cr_assert(bcsc_waitq_empty(&f.src.q));
  cr_assert(bcsc_waitq_empty(&plain));
  cr_assert_eq(bcsc_waitq_deinit(&f.src.q), 0);
  cr_assert_eq(bcsc_waitq_deinit(&plain), 0);
}

Test(abort, wait_cancel_of_a_node_its_abort_function_fired_then_woke) {
  fire_then_cancel_case(1);
  teardown();
  setup();
  fire_then_cancel_case(0);
}
