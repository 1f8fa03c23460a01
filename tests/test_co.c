/* SPDX-License-Identifier: MIT
 * test_co.c - the bcsc/co.h coroutine macros: a poll function written top
 * to bottom that awaits several times, yields, awaits a scope join, and
 * sees errors (cancellation) in its await's result. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include <bcsc.h>

#include "bcsc_test.h"

static void teardown(bcsc_executor_t *ex) {
  cr_assert_eq(bcsc_executor_live_roots(ex), 0);
  cr_assert_eq(bcsc_executor_deinit(ex), 0);
}

Test(co, resume_point_starts_at_zero_and_follows_suspend_at) {
  bcsc_co_t co = BCSC_CO_INITIALIZER;
  cr_assert_eq(bcsc_co_resume_point(&co), 0);
  bcsc_co_suspend_at(&co, 42);
  cr_assert_eq(bcsc_co_resume_point(&co), 42);
  bcsc_co_suspend_at(&co, 7);
  cr_assert_eq(bcsc_co_resume_point(&co), 7);
  bcsc_co_suspend_at(&co, 0);
  cr_assert_eq(bcsc_co_resume_point(&co), 0);
}

/* D89: without a frame there is nowhere to keep the resume point. The
 * query answers "start"; the store does nothing and, in the checked build,
 * says so (a coroutine that cannot suspend starts over at every poll). */
Test(co, a_null_frame_starts_at_zero_and_its_suspend_is_reported) {
  bcsc_test_misuse_t rec;
  bcsc_test_misuse_install(&rec);
  cr_assert_eq(bcsc_co_resume_point(NULL), 0);
  cr_assert_eq(rec.count, 0, "a query's NULL answer is not misuse");
  bcsc_co_suspend_at(NULL, 42);
  cr_assert_eq(rec.count, bcsc_test_misuse_expected(1));
  if (rec.count == 1) {
    cr_assert_eq(rec.codes[0], BCSC_MISUSE_NULL_OBJECT);
    cr_assert_null(rec.objects[0]);
  }
  bcsc_test_misuse_uninstall();
}

/* Awaits `q` three times, summing the values, and yields after each. Every
 * local that lives across an await is in the frame. */
typedef struct ticker {
  bcsc_task_t task;
  bcsc_co_t co;
  bcsc_wait_t wait;
  bcsc_waitq_t *q;
  bcsc_test_log_t *log;
  int i;
  uintptr_t sum;
  uint32_t polls;
  int await_rc;
} ticker_t;

static int ticker_poll(bcsc_task_t *self) {
  ticker_t *f = (ticker_t *)self;
  int rc;
  f->polls++;
  BCSC_CO_BEGIN(&f->co);
  bcsc_test_log_push(f->log, 100);
  for (f->i = 0; f->i < 3; f->i++) {
    BCSC_AWAIT(&f->co, rc, bcsc_wait_on(self, &f->wait, f->q));
    f->await_rc = rc;
    if (rc < 0)
      return rc;
    f->sum += f->wait.value;
    bcsc_test_log_push(f->log, 200 + f->i);
    BCSC_YIELD(&f->co, self);
    bcsc_test_log_push(f->log, 300 + f->i);
  }
  bcsc_test_log_push(f->log, 400);
  BCSC_CO_END(&f->co);
}

static void ticker_init(ticker_t *f, bcsc_waitq_t *q, bcsc_test_log_t *log) {
  memset(f, 0, sizeof *f);
  bcsc_task_init(&f->task, ticker_poll, NULL);
  bcsc_wait_init(&f->wait);
  f->co = (bcsc_co_t)BCSC_CO_INITIALIZER;
  f->q = q;
  f->log = log;
}

Test(co, a_coroutine_awaits_three_times_and_yields_to_others_between) {
  /* After each wake a fresh leaf (7, 8, 9) is spawned behind the ticker:
   * it runs between the ticker's yield and its resumption. */
  static const int order[] = {100, 200, 7, 300, 201, 8, 301, 202, 9, 302, 400};
  static const uintptr_t values[] = {1, 2, 4};
  bcsc_executor_t ex;
  bcsc_waitq_t q;
  bcsc_test_log_t log;
  ticker_t f;
  bcsc_test_leaf_t others[3];
  char buf[256];

  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  bcsc_waitq_init(&q);
  bcsc_test_log_init(&log);
  ticker_init(&f, &q, &log);
  cr_assert_eq(bcsc_executor_run(&ex, &f.task), BCSC_EDEADLK);
  cr_assert_eq(f.polls, 1);
  cr_assert_neq(bcsc_co_resume_point(&f.co), 0, "suspended mid-body");

  for (int n = 0; n < 3; n++) {
    cr_assert_eq(bcsc_waitq_count(&q), 1, "iteration %d", n);
    cr_assert_eq(bcsc_waitq_wake_one(&q, values[n]), 1);
    bcsc_test_leaf_init(&others[n], 7 + n);
    others[n].log = &log;
    cr_assert_eq(bcsc_executor_spawn(&ex, &others[n].task), 0);
    cr_assert_eq(bcsc_executor_run(&ex, &f.task), n < 2 ? BCSC_EDEADLK : 0);
  }
  cr_assert(bcsc_test_log_equals(&log, order, 11), "ran: %s",
            bcsc_test_log_format(&log, buf, sizeof buf));
  cr_assert_eq(f.sum, 7);
  cr_assert_eq(f.polls, 7);
  cr_assert_eq(f.i, 3);
  cr_assert_eq(bcsc_co_resume_point(&f.co), 0, "CO_END resets the point");
  cr_assert_eq(bcsc_waitq_deinit(&q), 0);
  teardown(&ex);
}

Test(co, an_await_hands_its_error_to_the_body) {
  static const int order[] = {100, 200, 300};
  bcsc_executor_t ex;
  bcsc_waitq_t q;
  bcsc_test_log_t log;
  ticker_t f;
  char buf[256];

  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  bcsc_waitq_init(&q);
  bcsc_test_log_init(&log);
  ticker_init(&f, &q, &log);
  cr_assert_eq(bcsc_executor_run(&ex, &f.task), BCSC_EDEADLK);
  cr_assert_eq(bcsc_waitq_wake_one(&q, 5), 1);
  cr_assert_eq(bcsc_executor_run(&ex, &f.task), BCSC_EDEADLK);
  cr_assert_eq(bcsc_task_cancel(&f.task), 0);
  cr_assert_eq(bcsc_executor_run(&ex, &f.task), BCSC_ECANCELED);
  cr_assert_eq(f.await_rc, BCSC_ECANCELED);
  cr_assert_eq(f.i, 1, "stopped in the second await");
  cr_assert_eq(f.sum, 5);
  cr_assert(bcsc_test_log_equals(&log, order, 3), "ran: %s",
            bcsc_test_log_format(&log, buf, sizeof buf));
  cr_assert_eq(bcsc_waitq_deinit(&q), 0);
  teardown(&ex);
}

/* Opens a scope, spawns two leaves, awaits the join. */
typedef struct parent {
  bcsc_task_t task;
  bcsc_co_t co;
  bcsc_scope_t scope;
  bcsc_test_leaf_t a;
  bcsc_test_leaf_t b;
  uint32_t polls;
  int join_rc;
  int after_join;
} parent_t;

static int parent_poll(bcsc_task_t *self) {
  parent_t *f = (parent_t *)self;
  int rc;
  f->polls++;
  BCSC_CO_BEGIN(&f->co);
  if ((rc = bcsc_scope_init(&f->scope, self, BCSC_SCOPE_WAIT_ALL)) != 0 ||
      (rc = bcsc_scope_spawn(&f->scope, &f->a.task)) != 0 ||
      (rc = bcsc_scope_spawn(&f->scope, &f->b.task)) != 0)
    return rc;
  BCSC_AWAIT(&f->co, rc, bcsc_scope_join(&f->scope));
  f->join_rc = rc;
  f->after_join = 1;
  if (rc < 0)
    return rc;
  BCSC_CO_END(&f->co);
}

Test(co, await_a_scope_join) {
  bcsc_executor_t ex;
  parent_t f;

  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  memset(&f, 0, sizeof f);
  bcsc_task_init(&f.task, parent_poll, NULL);
  f.co = (bcsc_co_t)BCSC_CO_INITIALIZER;
  /* The children's frames live inside the parent's frame. */
  bcsc_test_leaf_init(&f.a, 1);
  f.a.yields = 2;
  bcsc_test_leaf_init(&f.b, 2);
  f.b.yields = 1;
  f.b.result = BCSC_TEST_E3;
  cr_assert_eq(bcsc_executor_run(&ex, &f.task), BCSC_TEST_E3);
  cr_assert(f.after_join);
  cr_assert_eq(f.join_rc, BCSC_TEST_E3);
  cr_assert_eq(f.polls, 2, "the join pends once, then completes");
  cr_assert(f.a.finished && f.b.finished);
  teardown(&ex);
}

/* Yields `count` times, logging its id each time it runs. */
typedef struct yielder {
  bcsc_task_t task;
  bcsc_co_t co;
  int id;
  int n;
  int count;
  bcsc_test_log_t *log;
} yielder_t;

static int yielder_poll(bcsc_task_t *self) {
  yielder_t *f = (yielder_t *)self;
  BCSC_CO_BEGIN(&f->co);
  for (f->n = 0; f->n < f->count; f->n++) {
    bcsc_test_log_push(f->log, f->id);
    BCSC_YIELD(&f->co, self);
  }
  bcsc_test_log_push(f->log, -f->id);
  BCSC_CO_END(&f->co);
}

Test(co, bcsc_yield_interleaves_two_coroutines) {
  static const int order[] = {1, 2, 1, 2, 1, 2, -1, -2};
  bcsc_executor_t ex;
  bcsc_test_log_t log;
  yielder_t a, b;
  char buf[128];

  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  bcsc_test_log_init(&log);
  memset(&a, 0, sizeof a);
  memset(&b, 0, sizeof b);
  bcsc_task_init(&a.task, yielder_poll, NULL);
  bcsc_task_init(&b.task, yielder_poll, NULL);
  a.id = 1;
  b.id = 2;
  a.count = b.count = 3;
  a.log = b.log = &log;
  cr_assert_eq(bcsc_executor_spawn(&ex, &a.task), 0);
  cr_assert_eq(bcsc_executor_spawn(&ex, &b.task), 0);
  cr_assert_eq(bcsc_executor_run(&ex, NULL), 0);
  cr_assert(bcsc_test_log_equals(&log, order, 8), "ran: %s",
            bcsc_test_log_format(&log, buf, sizeof buf));
  cr_assert_eq(bcsc_co_resume_point(&a.co), 0);
  cr_assert_eq(bcsc_co_resume_point(&b.co), 0);
  teardown(&ex);
}
