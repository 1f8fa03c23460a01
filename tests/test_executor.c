/* SPDX-License-Identifier: MIT
 * test_executor.c - the run loop through the public API: what run and poll
 * return, deadlock without a reactor, FIFO order and yield fairness, exact
 * statistics, and teardown while tasks are live. */
#include <criterion/criterion.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <bcsc.h>

#include "bcsc_test.h"

static void teardown(bcsc_executor_t *ex) {
  cr_assert_eq(bcsc_executor_live_roots(ex), 0);
  cr_assert_eq(bcsc_executor_ready(ex), 0);
  cr_assert_eq(bcsc_executor_deinit(ex), 0);
}

Test(executor, run_returns_the_root_result) {
  bcsc_executor_t ex;
  bcsc_test_leaf_t a, b;

  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  bcsc_test_leaf_init(&a, 1);
  a.yields = 2;
  a.result = BCSC_TEST_E4;
  cr_assert_eq(bcsc_executor_run(&ex, &a.task), BCSC_TEST_E4);
  cr_assert_eq(a.polls, 3);
  cr_assert(bcsc_task_done(&a.task));
  cr_assert_eq(bcsc_task_result(&a.task), BCSC_TEST_E4);
  /* Running a completed root again just reports its result. */
  cr_assert_eq(bcsc_executor_run(&ex, &a.task), BCSC_TEST_E4);
  cr_assert_eq(a.polls, 3);

  bcsc_test_leaf_init(&b, 2);
  b.yields = 1;
  cr_assert_eq(bcsc_executor_run(&ex, &b.task), 0);
  cr_assert_eq(b.polls, 2);
  cr_assert_eq(bcsc_task_result(&b.task), 0);
  teardown(&ex);
}

Test(executor, run_without_a_root_drains_every_root_and_returns_zero) {
  bcsc_executor_t ex;
  bcsc_test_leaf_t a, b, c;

  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  bcsc_test_leaf_init(&a, 1);
  a.result = BCSC_TEST_E1;
  bcsc_test_leaf_init(&b, 2);
  b.yields = 3;
  bcsc_test_leaf_init(&c, 3);
  c.result = BCSC_TEST_E2;
  cr_assert_eq(bcsc_executor_spawn(&ex, &a.task), 0);
  cr_assert_eq(bcsc_executor_spawn(&ex, &b.task), 0);
  cr_assert_eq(bcsc_executor_spawn(&ex, &c.task), 0);
  cr_assert_eq(bcsc_executor_live_roots(&ex), 3);
  cr_assert_eq(bcsc_executor_ready(&ex), 3);
  cr_assert_eq(bcsc_executor_run(&ex, NULL), 0);
  /* A root's error cancels no other root. */
  cr_assert(b.finished);
  cr_assert_eq(b.saw_cancel, 0);
  cr_assert_eq(bcsc_task_result(&a.task), BCSC_TEST_E1);
  cr_assert_eq(bcsc_task_result(&c.task), BCSC_TEST_E2);
  teardown(&ex);
}

Test(executor, run_returns_edeadlk_when_nothing_is_ready_and_cancel_drains) {
  bcsc_executor_t ex;
  bcsc_waitq_t q, cq;
  bcsc_test_leaf_t a;

  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  bcsc_waitq_init(&q);
  bcsc_waitq_init(&cq);
  bcsc_test_leaf_init(&a, 1);
  a.queue = &q;
  a.cleanup_queue = &cq;
  cr_assert_eq(bcsc_executor_run(&ex, &a.task), BCSC_EDEADLK);
  /* Everything is left in place. */
  cr_assert_eq(bcsc_task_done(&a.task), 0);
  cr_assert_eq(bcsc_waitq_count(&q), 1);
  cr_assert_eq(bcsc_executor_ready(&ex), 0);
  cr_assert_eq(bcsc_executor_live_roots(&ex), 1);
  cr_assert_eq(bcsc_executor_run(&ex, &a.task), BCSC_EDEADLK);
  cr_assert_eq(a.polls, 1, "a second run polls nothing");

  cr_assert_eq(bcsc_task_cancel(&a.task), 0);
  cr_assert_eq(bcsc_waitq_count(&q), 0);
  cr_assert_eq(bcsc_executor_ready(&ex), 1);
  /* Its cleanup waits too: still a deadlock until cq fires. */
  cr_assert_eq(bcsc_executor_run(&ex, &a.task), BCSC_EDEADLK);
  cr_assert(a.saw_cancel);
  cr_assert_eq(bcsc_waitq_count(&cq), 1);
  cr_assert_eq(bcsc_waitq_wake_one(&cq, 0), 1);
  cr_assert_eq(bcsc_executor_run(&ex, &a.task), BCSC_ECANCELED);
  cr_assert(a.cleaned);
  cr_assert_eq(a.polls, 3);
  cr_assert_eq(bcsc_waitq_deinit(&q), 0);
  cr_assert_eq(bcsc_waitq_deinit(&cq), 0);
  teardown(&ex);
}

Test(executor, poll_respects_its_budget_and_returns_how_many_ran) {
  bcsc_executor_t ex;
  bcsc_test_leaf_t leaves[5];

  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  for (int i = 0; i < 5; i++) {
    bcsc_test_leaf_init(&leaves[i], i);
    leaves[i].yields = 2; /* three polls each, fifteen in all */
    cr_assert_eq(bcsc_executor_spawn(&ex, &leaves[i].task), 0);
  }
  cr_assert_eq(bcsc_executor_poll(&ex, 0), 0);
  cr_assert_eq(bcsc_test_stats(&ex).polls, 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 4), 4);
  cr_assert_eq(bcsc_test_stats(&ex).polls, 4);
  cr_assert_eq(bcsc_executor_ready(&ex), 5, "yielders are ready again");
  cr_assert_eq(leaves[4].polls, 0, "the fifth task has not run yet");
  /* Counts tasks that became ready meanwhile (the yielders). */
  cr_assert_eq(bcsc_executor_poll(&ex, 100), 11);
  cr_assert_eq(bcsc_executor_poll(&ex, 100), 0);
  cr_assert_eq(bcsc_test_stats(&ex).polls, 15);
  for (int i = 0; i < 5; i++)
    cr_assert(leaves[i].finished);
  teardown(&ex);
}

Test(executor, ready_tasks_run_in_fifo_order) {
  /* Roots 0 (an owner spawning 10 and 11), 1 and 2. The children are queued
   * behind the roots that were already ready. */
  static const int order[] = {0, 1, 2, 10, 11, 0};
  bcsc_executor_t ex;
  bcsc_test_log_t log;
  bcsc_test_owner_t p;
  bcsc_test_leaf_t q, r, x, y;
  bcsc_task_t *children[] = {&x.task, &y.task};
  char buf[128];

  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  bcsc_test_log_init(&log);
  bcsc_test_owner_init(&p, 0, BCSC_SCOPE_FAIL_FAST, children, 2);
  p.log = &log;
  bcsc_test_leaf_init(&q, 1);
  bcsc_test_leaf_init(&r, 2);
  bcsc_test_leaf_init(&x, 10);
  bcsc_test_leaf_init(&y, 11);
  q.log = r.log = x.log = y.log = &log;
  cr_assert_eq(bcsc_executor_spawn(&ex, &p.task), 0);
  cr_assert_eq(bcsc_executor_spawn(&ex, &q.task), 0);
  cr_assert_eq(bcsc_executor_spawn(&ex, &r.task), 0);
  cr_assert_eq(bcsc_executor_run(&ex, NULL), 0);
  cr_assert(bcsc_test_log_equals(&log, order, 6), "ran: %s",
            bcsc_test_log_format(&log, buf, sizeof buf));
  teardown(&ex);
}

Test(executor, yield_lets_every_other_ready_task_run_first) {
  static const int order[] = {1, 2, 3, 1, 2, 1, 2, 1, 2};
  bcsc_executor_t ex;
  bcsc_test_log_t log;
  bcsc_test_leaf_t a, b, c;
  char buf[128];

  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  bcsc_test_log_init(&log);
  bcsc_test_leaf_init(&a, 1);
  a.yields = 3;
  bcsc_test_leaf_init(&b, 2);
  b.yields = 3;
  bcsc_test_leaf_init(&c, 3);
  a.log = b.log = c.log = &log;
  cr_assert_eq(bcsc_executor_spawn(&ex, &a.task), 0);
  cr_assert_eq(bcsc_executor_spawn(&ex, &b.task), 0);
  cr_assert_eq(bcsc_executor_spawn(&ex, &c.task), 0);
  cr_assert_eq(bcsc_executor_run(&ex, NULL), 0);
  cr_assert(bcsc_test_log_equals(&log, order, 9), "ran: %s",
            bcsc_test_log_format(&log, buf, sizeof buf));
  teardown(&ex);
}

Test(executor, stats_count_a_small_scenario_exactly) {
  bcsc_executor_t ex;
  bcsc_waitq_t q;
  bcsc_test_leaf_t l1, l2, l3;
  bcsc_test_owner_t owner;
  bcsc_task_t *children[] = {&l1.task, &l2.task};
  bcsc_executor_stats_t st;

  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  bcsc_waitq_init(&q);
  st = bcsc_test_stats(&ex);
  cr_assert_eq(st.polls + st.wakes + st.spawns + st.completions + st.cancels,
               0);

  /* owner spawns l1 (waits on q) and l2 (yields once). */
  bcsc_test_leaf_init(&l1, 1);
  l1.queue = &q;
  bcsc_test_leaf_init(&l2, 2);
  l2.yields = 1;
  bcsc_test_owner_init(&owner, 0, BCSC_SCOPE_FAIL_FAST, children, 2);
  cr_assert_eq(bcsc_executor_run(&ex, &owner.task), BCSC_EDEADLK);
  st = bcsc_test_stats(&ex);
  cr_assert_eq(st.polls, 4); /* owner, l1, l2, l2 again */
  cr_assert_eq(st.wakes, 0); /* a yield is no wake-up from waiting */
  cr_assert_eq(st.spawns, 3);
  cr_assert_eq(st.completions, 1); /* l2 */
  cr_assert_eq(st.cancels, 0);

  cr_assert_eq(bcsc_waitq_wake_one(&q, 0), 1);
  cr_assert_eq(bcsc_executor_run(&ex, &owner.task), 0);
  st = bcsc_test_stats(&ex);
  cr_assert_eq(st.polls, 6); /* l1 and the owner once more */
  cr_assert_eq(st.wakes, 2); /* l1 by q, the owner by its scope */
  cr_assert_eq(st.spawns, 3);
  cr_assert_eq(st.completions, 3);
  cr_assert_eq(st.cancels, 0);

  /* Cancelling a waiting task is a request and a wake-up. */
  bcsc_test_leaf_init(&l3, 3);
  l3.queue = &q;
  cr_assert_eq(bcsc_executor_run(&ex, &l3.task), BCSC_EDEADLK);
  cr_assert_eq(bcsc_task_cancel(&l3.task), 0);
  cr_assert_eq(bcsc_executor_run(&ex, &l3.task), BCSC_ECANCELED);
  st = bcsc_test_stats(&ex);
  cr_assert_eq(st.polls, 8);
  cr_assert_eq(st.wakes, 3);
  cr_assert_eq(st.spawns, 4);
  cr_assert_eq(st.completions, 4);
  cr_assert_eq(st.cancels, 1);
  cr_assert_eq(bcsc_waitq_deinit(&q), 0);
  teardown(&ex);
}

Test(executor, stats_fill_only_what_the_callers_struct_holds) {
  bcsc_executor_t ex;
  bcsc_test_leaf_t a;
  bcsc_executor_stats_t st;
  bcsc_test_misuse_t misuse;

  bcsc_test_misuse_install(&misuse);
  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  bcsc_test_leaf_init(&a, 1);
  a.yields = 1;
  cr_assert_eq(bcsc_executor_run(&ex, &a.task), 0);

  /* An older caller whose struct ends after `polls`. */
  memset(&st, 0xEE, sizeof st);
  st.size =
      (uint32_t)(offsetof(bcsc_executor_stats_t, polls) + sizeof st.polls);
  cr_assert_eq(bcsc_executor_stats(&ex, &st), 0);
  cr_assert_eq(st.polls, 2);
  cr_assert_eq(st.wakes, UINT64_C(0xEEEEEEEEEEEEEEEE),
               "beyond size: untouched");
  cr_assert_eq(st.size, offsetof(bcsc_executor_stats_t, polls) + 8);

  st.size = 2; /* cannot even hold its own size field */
  cr_assert_eq(bcsc_executor_stats(&ex, &st), BCSC_EINVAL);
  cr_assert_eq(bcsc_executor_stats(&ex, NULL), BCSC_EINVAL);
  cr_assert_eq(misuse.count, bcsc_test_misuse_expected(2));
  teardown(&ex);
}

/* Records what the executor says about itself from inside a poll. */
typedef struct introspect {
  bcsc_task_t task;
  bcsc_executor_t *ex;
  bcsc_task_t *current;
  uint32_t ready;
  int run_rc;
  int poll_rc;
  int deinit_rc;
} introspect_t;

static int introspect_poll(bcsc_task_t *self) {
  introspect_t *f = (introspect_t *)self;
  f->current = bcsc_executor_current(f->ex);
  f->ready = bcsc_executor_ready(f->ex);
  f->run_rc = bcsc_executor_run(f->ex, NULL);
  f->poll_rc = bcsc_executor_poll(f->ex, 1);
  f->deinit_rc = bcsc_executor_deinit(f->ex);
  return BCSC_DONE;
}

Test(executor, current_is_the_polled_task_and_reentry_is_ebusy) {
  bcsc_executor_t ex;
  introspect_t f;
  bcsc_test_leaf_t other;
  bcsc_test_misuse_t misuse;

  bcsc_test_misuse_install(&misuse);
  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  memset(&f, 0, sizeof f);
  bcsc_task_init(&f.task, introspect_poll, NULL);
  f.ex = &ex;
  bcsc_test_leaf_init(&other, 2);
  cr_assert_eq(bcsc_executor_spawn(&ex, &f.task), 0);
  cr_assert_eq(bcsc_executor_spawn(&ex, &other.task), 0);
  cr_assert_null(bcsc_executor_current(&ex));
  cr_assert_eq(bcsc_executor_run(&ex, &f.task), 0);
  cr_assert_eq(f.current, &f.task);
  cr_assert_eq(f.ready, 1, "the other root, still queued");
  cr_assert_eq(f.run_rc, BCSC_EBUSY);
  cr_assert_eq(f.poll_rc, BCSC_EBUSY);
  cr_assert_eq(f.deinit_rc, BCSC_EBUSY);
  cr_assert_eq(misuse.count, bcsc_test_misuse_expected(3));
  cr_assert_eq(bcsc_test_misuse_count_code(&misuse, BCSC_MISUSE_REENTRANT_POLL),
               bcsc_test_misuse_expected(3));
  cr_assert_null(bcsc_executor_current(&ex));
  cr_assert_eq(other.polls, 0, "run stopped once its root completed");
  cr_assert_eq(bcsc_executor_run(&ex, NULL), 0);
  cr_assert(other.finished);
  cr_assert_null(bcsc_executor_current(NULL));
  cr_assert_eq(bcsc_executor_ready(NULL), 0);
  cr_assert_eq(bcsc_executor_live_roots(NULL), 0);
  teardown(&ex);
}

Test(executor, deinit_with_live_tasks_is_ebusy) {
  bcsc_executor_t ex;
  bcsc_waitq_t q;
  bcsc_test_leaf_t a, b;
  bcsc_test_misuse_t misuse;

  bcsc_test_misuse_install(&misuse);
  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  bcsc_waitq_init(&q);
  bcsc_test_leaf_init(&a, 1);
  a.queue = &q;
  bcsc_test_leaf_init(&b, 2);
  /* Spawned, never polled: live all the same. */
  cr_assert_eq(bcsc_executor_spawn(&ex, &b.task), 0);
  cr_assert_eq(bcsc_executor_deinit(&ex), BCSC_EBUSY);
  cr_assert_eq(bcsc_executor_run(&ex, NULL), 0);
  /* Waiting on a list. */
  cr_assert_eq(bcsc_executor_run(&ex, &a.task), BCSC_EDEADLK);
  cr_assert_eq(bcsc_executor_deinit(&ex), BCSC_EBUSY);
  cr_assert_eq(misuse.count, bcsc_test_misuse_expected(2));
  cr_assert_eq(bcsc_test_misuse_count_code(&misuse, BCSC_MISUSE_EXECUTOR_BUSY),
               bcsc_test_misuse_expected(2));
  /* Nothing changed: the executor still drives its task. */
  cr_assert_eq(bcsc_waitq_wake_one(&q, 1), 1);
  cr_assert_eq(bcsc_executor_run(&ex, &a.task), 0);
  cr_assert_eq(a.value, 1);
  cr_assert_eq(bcsc_waitq_deinit(&q), 0);
  teardown(&ex);
  /* Torn down: no longer an executor, nor one a thread can take. */
  cr_assert_eq(bcsc_executor_deinit(&ex), BCSC_EBADOBJ);
  cr_assert_eq(bcsc_executor_bind_thread(&ex), BCSC_EBADOBJ);
  cr_assert_eq(misuse.count, bcsc_test_misuse_expected(4));
  cr_assert_eq(bcsc_test_misuse_count_code(&misuse, BCSC_MISUSE_BAD_OBJECT),
               bcsc_test_misuse_expected(2));
}

/* D89: a torn-down executor answers its queries as a zero one does: no
 * reactor, no time, no deadline, no task. The caller's field is left
 * alone. */
Test(executor, queries_after_deinit_answer_as_for_a_zero_executor) {
  bcsc_sim_reactor_t sim;
  bcsc_executor_config_t cfg = {.size = sizeof cfg, .reactor = &sim.base};
  bcsc_executor_t ex;
  bcsc_test_leaf_t a;

  cr_assert_eq(bcsc_sim_reactor_init(&sim, 1000), 0);
  cr_assert_eq(bcsc_executor_init(&ex, &cfg), 0);
  ex.data = &a;
  bcsc_test_leaf_init(&a, 1);
  a.yields = 2;
  cr_assert_eq(bcsc_executor_run(&ex, &a.task), 0);
  cr_assert_eq(bcsc_executor_reactor(&ex), &sim.base);
  cr_assert_eq(bcsc_executor_now(&ex), 1000);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
  cr_assert_null(bcsc_executor_reactor(&ex));
  cr_assert_eq(bcsc_executor_now(&ex), 0);
  cr_assert_eq(bcsc_executor_next_deadline(&ex), BCSC_NO_DEADLINE);
  cr_assert_eq(bcsc_executor_ready(&ex), 0);
  cr_assert_eq(bcsc_executor_live_roots(&ex), 0);
  cr_assert_null(bcsc_executor_current(&ex));
  cr_assert_eq(ex.data, &a);
}

Test(executor, init_reads_a_sized_config) {
  bcsc_executor_t ex;
  bcsc_executor_config_t config;
  bcsc_test_misuse_t misuse;

  bcsc_test_misuse_install(&misuse);
  memset(&config, 0, sizeof config);
  config.size = sizeof config;
  cr_assert_eq(bcsc_executor_init(&ex, &config), 0);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
  config.flags = 1;
  cr_assert_eq(bcsc_executor_init(&ex, &config), BCSC_EINVAL);
  /* An older caller whose struct ends before flags: only size is read, so
   * whatever lies past it is ignored. */
  config.size = sizeof config.size;
  cr_assert_eq(bcsc_executor_init(&ex, &config), 0);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
  config.size = sizeof config.size - 1; /* cannot even hold its size */
  cr_assert_eq(bcsc_executor_init(&ex, &config), BCSC_EINVAL);
  cr_assert_eq(bcsc_executor_init(NULL, NULL), BCSC_EINVAL);
  cr_assert_eq(misuse.count, bcsc_test_misuse_expected(3));
}

/* A reactor whose park calls back into the executor it parks for: run and
 * poll must refuse, or tasks would run under the outer loop's feet. */
typedef struct reentrant_reactor {
  bcsc_reactor_t base;
  bcsc_executor_t *ex;
  uint64_t now;
  int parks;
  int run_rc, poll_rc;
} reentrant_reactor_t;

static uint64_t reentrant_now(bcsc_reactor_t *r) {
  return ((reentrant_reactor_t *)r)->now;
}

static int reentrant_park(bcsc_reactor_t *r, uint64_t deadline) {
  reentrant_reactor_t *rr = (reentrant_reactor_t *)r;
  if (rr->parks++ == 0) {
    rr->run_rc = bcsc_executor_run(rr->ex, NULL);
    rr->poll_rc = bcsc_executor_poll(rr->ex, 8);
  }
  if (deadline != BCSC_NO_DEADLINE && deadline > rr->now)
    rr->now = deadline;
  return 0;
}

static const bcsc_reactor_vtable_t reentrant_vtable = {
    sizeof(bcsc_reactor_vtable_t), BCSC_REACTOR_VTABLE_VERSION, reentrant_now,
    reentrant_park, NULL};

typedef struct napper {
  bcsc_task_t task;
  bcsc_timer_t timer;
  int rc;
} napper_t;

static int napper_poll(bcsc_task_t *self) {
  napper_t *n = (napper_t *)self;
  n->rc = bcsc_sleep_until(self, &n->timer, 100);
  return n->rc == BCSC_PENDING ? BCSC_PENDING : BCSC_DONE;
}

Test(executor, run_and_poll_from_inside_park_are_refused) {
  bcsc_executor_t ex;
  reentrant_reactor_t r;
  napper_t n;
  bcsc_test_misuse_t misuse;
  bcsc_executor_config_t cfg = {.size = sizeof cfg, .reactor = &r.base};
  bcsc_test_misuse_install(&misuse);
  memset(&r, 0, sizeof r);
  r.base.vtable = &reentrant_vtable;
  r.ex = &ex;
  cr_assert_eq(bcsc_executor_init(&ex, &cfg), 0);
  memset(&n, 0, sizeof n);
  cr_assert_eq(bcsc_task_init(&n.task, napper_poll, NULL), 0);
  cr_assert_eq(bcsc_timer_init(&n.timer), 0);
  cr_assert_eq(bcsc_executor_run(&ex, &n.task), 0);
  cr_assert_eq(n.rc, 0, "the sleeper woke at its deadline");
  cr_assert_geq(r.parks, 1);
  cr_assert_eq(r.run_rc, BCSC_EBUSY);
  cr_assert_eq(r.poll_rc, BCSC_EBUSY);
  cr_assert_eq(bcsc_test_misuse_count_code(&misuse, BCSC_MISUSE_REENTRANT_POLL),
               bcsc_test_misuse_expected(2));
  bcsc_test_misuse_uninstall();
  teardown(&ex);
}
