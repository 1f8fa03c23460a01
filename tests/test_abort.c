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
#include <string.h>

#include <bcsc.h>

#include "bcsc_test.h"

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

#define MAX_Q 2

typedef struct reader {
  bcsc_task_t task;
  bcsc_wait_t w[MAX_Q];
  bcsc_waitq_t *q[MAX_Q];
  uint32_t nq;
  int ret_early;  /* return `result` in the poll that registers */
  int cancel_own; /* bcsc_wait_cancel() its first node in that poll */
  int yield;      /* bcsc_task_yield() after registering */
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
    for (uint32_t i = 0; i < r->nq; i++)
      cr_assert_eq(bcsc_wait_on(self, &r->w[i], r->q[i]), BCSC_PENDING);
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
  cr_assert_eq(bcsc_wait_cancel(&r.w[0]), BCSC_PENDING);
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
  cr_assert_eq(r.cancel_rc, BCSC_PENDING);
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
