/* SPDX-License-Identifier: MIT
 * test_supervise.c - supervised children (bcsc/supervise.h) through the
 * public API: each policy, the restart budget, restart functions that fail
 * or misbehave, a wrapper cancelled while its child runs (never
 * restarted), a FAIL_FAST supervisor scope whose escalating child cancels
 * an ignoring sibling, nested supervision, frames really re-initialised
 * between runs, the getters, bad arguments, and misuse through the
 * recording handler (reported in the checked build only, same error
 * codes in both). */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include <bcsc.h>

#include "bcsc_test.h"

#define RUNS 8

static bcsc_executor_t g_ex;
static bcsc_test_misuse_t g_misuse;

static void ex_setup(void) { cr_assert_eq(bcsc_executor_init(&g_ex, NULL), 0); }

static void ex_teardown(void) {
  bcsc_test_misuse_uninstall();
  cr_assert_eq(bcsc_executor_deinit(&g_ex), 0);
}

static void run_all(void) {
  cr_assert_geq(bcsc_executor_poll(&g_ex, 1u << 20), 0);
}

/* ---- a driver: the supervised child ---------------------------------------
 * Each run optionally waits on `gate` once, then returns results[run] (the
 * last entry for later runs). `step` and `waited` are its per-run state,
 * which the restart function resets: a run that began with them left over
 * from the previous one is counted in `stale_starts`. */
typedef struct driver {
  bcsc_task_t task; /* first: the restart function casts back */
  bcsc_wait_t wait;
  /* configuration */
  bcsc_waitq_t *gate; /* NULL: no wait */
  int results[RUNS];
  int cancel_result; /* returned when it sees a cancellation */
  int cancel_self;   /* cancel itself (bcsc_task_cancel) on its first poll */
  /* per-run state */
  uint32_t step;
  int waited;
  /* observations, over every run */
  uint32_t runs; /* runs begun: polls that found step 0 */
  uint32_t polls;
  uint32_t stale_starts; /* first polls after a restart that found step != 0 */
  uint32_t saw_cancel;   /* polls that saw a cancellation */
  int restart_pending;   /* set by the restart function, cleared by a poll */
} driver_t;

static int driver_poll(bcsc_task_t *self) {
  driver_t *d = (driver_t *)self;
  d->polls++;
  if (d->restart_pending && d->step != 0)
    d->stale_starts++;
  d->restart_pending = 0;
  if (d->step++ == 0)
    d->runs++;
  if (d->cancel_self && d->step == 1)
    cr_assert_eq(bcsc_task_cancel(self), 0);
  if (bcsc_task_cancelled(self)) {
    d->saw_cancel++;
    return d->cancel_result;
  }
  if (d->gate != NULL && !d->waited) {
    int rc = bcsc_wait_on(self, &d->wait, d->gate);
    if (rc == BCSC_PENDING)
      return rc;
    d->waited = 1;
  }
  return d->results[d->runs - 1 < RUNS ? d->runs - 1 : RUNS - 1];
}

/* Every run returns `result`. */
static void driver_init(driver_t *d, int result) {
  memset(d, 0, sizeof *d);
  cr_assert_eq(bcsc_task_init(&d->task, driver_poll, NULL), 0);
  bcsc_wait_init(&d->wait);
  for (int i = 0; i < RUNS; i++)
    d->results[i] = result;
  d->cancel_result = BCSC_ECANCELED;
}

/* ---- the restart function and what it saw ---------------------------------
 */
typedef struct restarter {
  uint32_t calls;
  uint32_t numbers[RUNS];  /* the restart numbers passed, in order */
  int child_results[RUNS]; /* bcsc_task_result() of the child then */
  uint32_t child_not_done; /* calls that found the child not completed */
  uint32_t fail_at;        /* restart number that returns fail_rc; 0: none */
  int fail_rc;
  int skip_init;            /* leave the task header as it is */
  int keep_state;           /* re-init the header but keep step/waited */
  bcsc_task_t *cancel_task; /* cancelled from inside the call, if set */
} restarter_t;

static int driver_restart(void *context, bcsc_task_t *child,
                          uint32_t restarts) {
  restarter_t *r = context;
  driver_t *d = (driver_t *)child;
  if (r->calls < RUNS) {
    r->numbers[r->calls] = restarts;
    r->child_results[r->calls] = bcsc_task_result(child);
  }
  r->calls++;
  if (!bcsc_task_done(child))
    r->child_not_done++;
  if (r->cancel_task != NULL)
    cr_assert_eq(bcsc_task_cancel(r->cancel_task), 0);
  if (r->fail_at != 0 && restarts == r->fail_at)
    return r->fail_rc;
  if (!r->skip_init)
    cr_assert_eq(bcsc_task_init(child, driver_poll, NULL), 0);
  bcsc_wait_init(&d->wait);
  if (!r->keep_state) {
    d->step = 0;
    d->waited = 0;
  }
  d->restart_pending = 1;
  return 0;
}

static void sup_init(bcsc_supervised_t *s, driver_t *d, uint32_t policy,
                     uint32_t max_restarts, restarter_t *r) {
  memset(r, 0, sizeof *r);
  cr_assert_eq(bcsc_supervised_init(s, &d->task, policy, max_restarts,
                                    driver_restart, r),
               0);
}

/* The usual cast of a test: one driver under one wrapper. */
typedef struct env {
  bcsc_supervised_t s;
  driver_t d;
  restarter_t r;
} env_t;

/* A driver whose every run returns `result`, supervised with `policy`. */
static void env_up(env_t *e, int result, uint32_t policy,
                   uint32_t max_restarts) {
  driver_init(&e->d, result);
  sup_init(&e->s, &e->d, policy, max_restarts, &e->r);
}

static void expect_counts(const bcsc_supervised_t *s, uint32_t restarts,
                          uint32_t failures, int last_error) {
  cr_assert_eq(bcsc_supervised_restarts(s), restarts, "restarts %u, not %u",
               bcsc_supervised_restarts(s), restarts);
  cr_assert_eq(bcsc_supervised_failures(s), failures, "failures %u, not %u",
               bcsc_supervised_failures(s), failures);
  cr_assert_eq(
      bcsc_supervised_last_error(s), last_error, "last error %s, not %s",
      bcsc_err_name(bcsc_supervised_last_error(s)), bcsc_err_name(last_error));
}

/* Run the wrapper as the root to its end: its result, the driver's runs
 * and the restart function's calls. */
static void run_expect(env_t *e, int rc, uint32_t runs, uint32_t calls) {
  int got = bcsc_executor_run(&g_ex, &e->s.task);
  cr_assert_eq(got, rc, "wrapper ended with %s, not %s", bcsc_err_name(got),
               bcsc_err_name(rc));
  cr_assert_eq(e->d.runs, runs, "%u runs, not %u", e->d.runs, runs);
  cr_assert_eq(e->r.calls, calls, "%u restart calls, not %u", e->r.calls,
               calls);
}

/* The checked build reported exactly `code` (about `object`, unless
 * NULL); release reported nothing. */
static void expect_report(int32_t code, const void *object) {
  cr_assert_eq(g_misuse.count, bcsc_test_misuse_expected(1));
  if (g_misuse.count) {
    cr_assert_eq(g_misuse.codes[0], code, "reported %s, not %s",
                 bcsc_misuse_name(g_misuse.codes[0]), bcsc_misuse_name(code));
    if (object != NULL)
      cr_assert_eq(g_misuse.objects[0], object);
  }
}

/* ---- each policy ------------------------------------------------------------
 */

TestSuite(supervise, .init = ex_setup, .fini = ex_teardown);

Test(supervise, a_child_that_succeeds_ends_the_wrapper_with_0) {
  for (uint32_t policy = 0; policy <= BCSC_SUPERVISE_RESTART; policy++) {
    env_t e;
    env_up(&e, 0, policy, 5);
    cr_assert_eq(bcsc_executor_run(&g_ex, &e.s.task), 0, "policy %u", policy);
    cr_assert(bcsc_task_done(&e.d.task));
    cr_assert_eq(e.d.runs, 1);
    cr_assert_eq(e.r.calls, 0);
    expect_counts(&e.s, 0, 0, 0);
  }
}

Test(supervise, escalate_ends_the_wrapper_with_the_childs_error) {
  bcsc_supervised_t s;
  driver_t d;
  driver_init(&d, BCSC_TEST_E1);
  /* No restart function needed for ESCALATE. */
  cr_assert_eq(
      bcsc_supervised_init(&s, &d.task, BCSC_SUPERVISE_ESCALATE, 9, NULL, NULL),
      0);
  cr_assert_eq(bcsc_executor_run(&g_ex, &s.task), BCSC_TEST_E1);
  cr_assert_eq(d.runs, 1);
  expect_counts(&s, 0, 1, BCSC_TEST_E1);
}

Test(supervise, ignore_counts_the_failure_and_ends_the_wrapper_with_0) {
  bcsc_supervised_t s;
  driver_t d;
  driver_init(&d, BCSC_TEST_E2);
  cr_assert_eq(
      bcsc_supervised_init(&s, &d.task, BCSC_SUPERVISE_IGNORE, 0, NULL, NULL),
      0);
  cr_assert_eq(bcsc_executor_run(&g_ex, &s.task), 0);
  cr_assert_eq(bcsc_task_result(&d.task), BCSC_TEST_E2);
  cr_assert_eq(d.runs, 1);
  expect_counts(&s, 0, 1, BCSC_TEST_E2);
}

Test(supervise, restart_reinitialises_the_frame_and_runs_it_again) {
  env_t e;
  bcsc_waitq_t gate;
  cr_assert_eq(bcsc_waitq_init(&gate), 0);
  env_up(&e, 0, BCSC_SUPERVISE_RESTART, 3);
  e.d.gate = &gate;
  e.d.results[0] = BCSC_TEST_E1;
  e.d.results[1] = BCSC_TEST_E2;
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &e.s.task), 0);
  for (uint32_t run = 1; run <= 3; run++) {
    run_all();
    /* Each run waits on the gate: its per-run state was reset, or it
     * would have skipped the wait (waited) and counted no run (step). */
    cr_assert_eq(e.d.runs, run);
    cr_assert_eq(e.d.step, 1, "run %u resumed at step %u", run, e.d.step);
    cr_assert_eq(bcsc_waitq_count(&gate), 1);
    cr_assert_eq(bcsc_supervised_restarts(&e.s), run - 1);
    cr_assert_not(bcsc_task_done(&e.s.task));
    cr_assert_eq(bcsc_waitq_wake_all(&gate, 0), 1);
  }
  run_all();
  cr_assert(bcsc_task_done(&e.s.task));
  cr_assert_eq(bcsc_task_result(&e.s.task), 0);
  cr_assert_eq(e.d.stale_starts, 0);
  cr_assert_eq(e.r.calls, 2);
  cr_assert_eq(e.r.numbers[0], 1);
  cr_assert_eq(e.r.numbers[1], 2);
  cr_assert_eq(e.r.child_results[0], BCSC_TEST_E1);
  cr_assert_eq(e.r.child_results[1], BCSC_TEST_E2);
  cr_assert_eq(e.r.child_not_done, 0);
  expect_counts(&e.s, 2, 2, BCSC_TEST_E2);
  cr_assert_eq(bcsc_waitq_deinit(&gate), 0);
}

Test(supervise, a_frame_left_with_its_state_resumes_where_it_was) {
  /* The control for the test above: a restart function that re-inits
   * only the header leaves the run's state, and the driver sees it. */
  env_t e;
  env_up(&e, 0, BCSC_SUPERVISE_RESTART, 3);
  e.d.results[0] = BCSC_TEST_E1;
  e.r.keep_state = 1;
  /* Each restart resumes the first run, which fails again, until the
   * budget is spent. */
  cr_assert_eq(bcsc_executor_run(&g_ex, &e.s.task), BCSC_TEST_E1);
  cr_assert_eq(e.d.runs, 1);
  cr_assert_eq(e.d.stale_starts, 3);
  expect_counts(&e.s, 3, 4, BCSC_TEST_E1);
}

Test(supervise, a_spent_restart_budget_escalates_the_last_failure) {
  env_t e;
  env_up(&e, BCSC_TEST_E3, BCSC_SUPERVISE_RESTART, 2);
  e.d.results[0] = BCSC_TEST_E1;
  e.d.results[1] = BCSC_TEST_E2;
  run_expect(&e, BCSC_TEST_E3, 3, 2);
  expect_counts(&e.s, 2, 3, BCSC_TEST_E3);
}

Test(supervise, a_budget_of_0_escalates_the_first_failure) {
  env_t e;
  env_up(&e, BCSC_TEST_E1, BCSC_SUPERVISE_RESTART, 0);
  run_expect(&e, BCSC_TEST_E1, 1, 0);
  expect_counts(&e.s, 0, 1, BCSC_TEST_E1);
}

Test(supervise, a_failing_restart_function_escalates_its_error) {
  env_t e;
  env_up(&e, BCSC_TEST_E1, BCSC_SUPERVISE_RESTART, 5);
  e.d.results[1] = BCSC_TEST_E2;
  e.r.fail_at = 2;
  e.r.fail_rc = BCSC_TEST_E4;
  /* The second restart was refused: two runs, one restart counted. */
  run_expect(&e, BCSC_TEST_E4, 2, 2);
  expect_counts(&e.s, 1, 2, BCSC_TEST_E2);
}

Test(supervise, a_restart_function_returning_a_positive_value_is_misuse) {
  env_t e;
  env_up(&e, BCSC_TEST_E1, BCSC_SUPERVISE_RESTART, 5);
  e.r.fail_at = 1;
  e.r.fail_rc = BCSC_PENDING;
  bcsc_test_misuse_install(&g_misuse);
  cr_assert_eq(bcsc_executor_run(&g_ex, &e.s.task), BCSC_EINVAL);
  expect_report(BCSC_MISUSE_BAD_ARGUMENT, &e.s);
  cr_assert_eq(e.d.runs, 1);
  expect_counts(&e.s, 0, 1, BCSC_TEST_E1);
}

Test(supervise, a_child_not_reinitialised_by_the_restart_fails_the_wrapper) {
  env_t e;
  env_up(&e, BCSC_TEST_E1, BCSC_SUPERVISE_RESTART, 5);
  e.r.skip_init = 1;
  bcsc_test_misuse_install(&g_misuse);
  /* bcsc_scope_spawn()'s check of a completed frame, with its report. */
  cr_assert_eq(bcsc_executor_run(&g_ex, &e.s.task), BCSC_ESTATE);
  expect_report(BCSC_MISUSE_TASK_DONE, &e.d.task);
  cr_assert_eq(e.d.runs, 1);
  cr_assert_eq(bcsc_task_result(&e.d.task), BCSC_TEST_E1);
  expect_counts(&e.s, 1, 1, BCSC_TEST_E1);
}

/* ---- cancellation
 * ------------------------------------------------------------ */

Test(supervise, a_wrapper_cancelled_while_its_child_runs_never_restarts) {
  static const int cleanups[] = {BCSC_ECANCELED, BCSC_TEST_E3};
  for (int i = 0; i < 2; i++) {
    env_t e;
    bcsc_waitq_t gate;
    cr_assert_eq(bcsc_waitq_init(&gate), 0);
    env_up(&e, 0, BCSC_SUPERVISE_RESTART, 5);
    e.d.gate = &gate;
    e.d.cancel_result = cleanups[i];
    cr_assert_eq(bcsc_executor_spawn(&g_ex, &e.s.task), 0);
    run_all();
    cr_assert_eq(bcsc_waitq_count(&gate), 1);
    cr_assert_eq(bcsc_task_cancel(&e.s.task), 0);
    run_all();
    cr_assert(bcsc_task_done(&e.s.task));
    cr_assert_eq(e.d.saw_cancel, 1);
    /* The cancellation came from outside: what the join gave - the
     * cancellation, or the child's failed cleanup - and no restart. */
    cr_assert_eq(bcsc_task_result(&e.s.task), cleanups[i]);
    cr_assert_eq(e.r.calls, 0);
    cr_assert_eq(e.d.runs, 1);
    expect_counts(&e.s, 0, 0, 0);
    cr_assert_eq(bcsc_waitq_deinit(&gate), 0);
  }
}

Test(supervise, a_child_cancelled_directly_has_stopped_not_failed) {
  env_t e;
  env_up(&e, BCSC_TEST_E1, BCSC_SUPERVISE_RESTART, 5);
  e.d.cancel_self = 1;
  cr_assert_eq(bcsc_executor_run(&g_ex, &e.s.task), 0);
  cr_assert_eq(bcsc_task_result(&e.d.task), BCSC_ECANCELED);
  cr_assert_eq(e.r.calls, 0);
  expect_counts(&e.s, 0, 0, 0);
}

Test(supervise, ecanceled_without_a_cancellation_is_a_failure) {
  env_t e;
  env_up(&e, 0, BCSC_SUPERVISE_RESTART, 5);
  e.d.results[0] = BCSC_ECANCELED;
  cr_assert_eq(bcsc_executor_run(&g_ex, &e.s.task), 0);
  cr_assert_eq(e.d.runs, 2);
  expect_counts(&e.s, 1, 1, BCSC_ECANCELED);
}

Test(supervise, a_restart_function_that_cancels_the_wrapper_ends_it) {
  /* The next run starts cancelled, sees it, and the wrapper ends with the
   * cancellation: no second restart. */
  env_t e;
  env_up(&e, BCSC_TEST_E1, BCSC_SUPERVISE_RESTART, 5);
  e.r.cancel_task = &e.s.task;
  cr_assert_eq(bcsc_executor_run(&g_ex, &e.s.task), BCSC_ECANCELED);
  cr_assert_eq(e.d.runs, 2);
  cr_assert_eq(e.d.saw_cancel, 1);
  cr_assert_eq(e.r.calls, 1);
  expect_counts(&e.s, 1, 1, BCSC_TEST_E1);
}

Test(supervise, a_wrapper_cancelled_before_it_starts_still_runs_the_child) {
  /* As any scope's child: spawned cancelled, it runs once to see it. */
  env_t e;
  env_up(&e, 0, BCSC_SUPERVISE_RESTART, 5);
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &e.s.task), 0);
  cr_assert_eq(bcsc_task_cancel(&e.s.task), 0);
  run_all();
  cr_assert_eq(bcsc_task_result(&e.s.task), BCSC_ECANCELED);
  cr_assert_eq(e.d.runs, 1);
  cr_assert_eq(e.d.saw_cancel, 1);
  expect_counts(&e.s, 0, 0, 0);
}

/* ---- supervisor scopes
 * -------------------------------------------------------- */

Test(supervise, an_escalation_in_a_fail_fast_scope_cancels_the_siblings) {
  /* Three drivers under one FAIL_FAST owner: `flaky` fails at once and
   * is ignored, `steady` (IGNORE) and `vital` (ESCALATE) wait on gates.
   * flaky's failure leaves steady running; vital's failure cancels it. */
  bcsc_supervised_t sup[3];
  driver_t drv[3];
  restarter_t rs[3];
  bcsc_waitq_t gates[2];
  bcsc_test_leaf_t plain;
  bcsc_test_owner_t owner;
  enum { FLAKY, STEADY, VITAL };
  bcsc_task_t *children[4] = {&sup[FLAKY].task, &sup[STEADY].task,
                              &sup[VITAL].task, &plain.task};
  for (int i = 0; i < 2; i++)
    cr_assert_eq(bcsc_waitq_init(&gates[i]), 0);
  driver_init(&drv[FLAKY], BCSC_TEST_E1);
  driver_init(&drv[STEADY], 0);
  drv[STEADY].gate = &gates[0];
  driver_init(&drv[VITAL], BCSC_TEST_E2);
  drv[VITAL].gate = &gates[1];
  sup_init(&sup[FLAKY], &drv[FLAKY], BCSC_SUPERVISE_IGNORE, 0, &rs[FLAKY]);
  sup_init(&sup[STEADY], &drv[STEADY], BCSC_SUPERVISE_IGNORE, 0, &rs[STEADY]);
  sup_init(&sup[VITAL], &drv[VITAL], BCSC_SUPERVISE_ESCALATE, 0, &rs[VITAL]);
  bcsc_test_leaf_init(&plain, 9);
  plain.queue = &gates[0];
  bcsc_test_owner_init(&owner, 0, BCSC_SCOPE_FAIL_FAST, children, 4);

  cr_assert_eq(bcsc_executor_spawn(&g_ex, &owner.task), 0);
  run_all();
  cr_assert(bcsc_task_done(&sup[FLAKY].task));
  cr_assert_eq(bcsc_task_result(&sup[FLAKY].task), 0);
  expect_counts(&sup[FLAKY], 0, 1, BCSC_TEST_E1);
  cr_assert_eq(bcsc_scope_error_count(&owner.scope), 0);
  cr_assert_not(bcsc_scope_cancelled(&owner.scope));
  cr_assert_eq(bcsc_waitq_count(&gates[0]), 2);

  cr_assert_eq(bcsc_waitq_wake_all(&gates[1], 0), 1);
  run_all();
  cr_assert(owner.joined);
  cr_assert_eq(owner.join_rc, BCSC_TEST_E2);
  expect_counts(&sup[VITAL], 0, 1, BCSC_TEST_E2);
  /* The ignoring sibling was cancelled with its child: not a failure. */
  cr_assert_eq(drv[STEADY].saw_cancel, 1);
  cr_assert_eq(bcsc_task_result(&sup[STEADY].task), BCSC_ECANCELED);
  expect_counts(&sup[STEADY], 0, 0, 0);
  cr_assert(plain.saw_cancel);
  cr_assert_eq(bcsc_scope_error_count(&owner.scope), 1);
  for (int i = 0; i < 2; i++)
    cr_assert_eq(bcsc_waitq_deinit(&gates[i]), 0);
}

/* ---- nested supervision
 * ------------------------------------------------------- */

/* The outer restart function restarts the inner wrapper: the driver's
 * frame and then the wrapper, each initialised again. */
typedef struct nest {
  bcsc_supervised_t outer;
  bcsc_supervised_t inner;
  driver_t d;
  restarter_t inner_r;
  uint32_t outer_calls;
  uint32_t inner_restarts_seen; /* the inner's restarts at each call */
} nest_t;

static int inner_restart(void *context, bcsc_task_t *child, uint32_t n) {
  nest_t *nest = context;
  (void)n;
  nest->outer_calls++;
  cr_assert_eq(child, &nest->inner.task);
  nest->inner_restarts_seen += bcsc_supervised_restarts(&nest->inner);
  cr_assert_eq(driver_restart(&nest->inner_r, &nest->d.task, 0), 0);
  nest->inner_r.calls = 0;
  return bcsc_supervised_init(&nest->inner, &nest->d.task,
                              BCSC_SUPERVISE_RESTART, 1, driver_restart,
                              &nest->inner_r);
}

Test(supervise, a_wrapper_supervises_another_wrapper) {
  nest_t n;
  memset(&n, 0, sizeof n);
  driver_init(&n.d, BCSC_TEST_E1);
  cr_assert_eq(bcsc_supervised_init(&n.inner, &n.d.task, BCSC_SUPERVISE_RESTART,
                                    1, driver_restart, &n.inner_r),
               0);
  cr_assert_eq(bcsc_supervised_init(&n.outer, &n.inner.task,
                                    BCSC_SUPERVISE_RESTART, 1, inner_restart,
                                    &n),
               0);
  /* Runs 1-2: the inner restarts once, then escalates; the outer restarts
   * it. Runs 3-4: the same, and the outer's budget is spent. */
  cr_assert_eq(bcsc_executor_run(&g_ex, &n.outer.task), BCSC_TEST_E1);
  cr_assert_eq(n.d.runs, 4);
  cr_assert_eq(n.d.stale_starts, 0);
  cr_assert_eq(n.outer_calls, 1);
  cr_assert_eq(n.inner_restarts_seen, 1);
  expect_counts(&n.inner, 1, 2, BCSC_TEST_E1);
  expect_counts(&n.outer, 1, 2, BCSC_TEST_E1);
}

Test(supervise, an_ignoring_wrapper_around_a_restarting_one) {
  bcsc_supervised_t outer, inner;
  driver_t d;
  restarter_t r;
  driver_init(&d, BCSC_TEST_E5);
  sup_init(&inner, &d, BCSC_SUPERVISE_RESTART, 2, &r);
  cr_assert_eq(bcsc_supervised_init(&outer, &inner.task, BCSC_SUPERVISE_IGNORE,
                                    0, NULL, NULL),
               0);
  cr_assert_eq(bcsc_executor_run(&g_ex, &outer.task), 0);
  cr_assert_eq(d.runs, 3);
  expect_counts(&inner, 2, 3, BCSC_TEST_E5);
  expect_counts(&outer, 0, 1, BCSC_TEST_E5);
}

/* ---- reuse, getters, layout
 * ----------------------------------------------------- */

Test(supervise, a_completed_wrapper_can_be_initialised_again) {
  env_t e;
  env_up(&e, BCSC_TEST_E1, BCSC_SUPERVISE_RESTART, 1);
  cr_assert_eq(bcsc_executor_run(&g_ex, &e.s.task), BCSC_TEST_E1);
  expect_counts(&e.s, 1, 2, BCSC_TEST_E1);
  env_up(&e, 0, BCSC_SUPERVISE_IGNORE, 0);
  e.s.task.data = &e.d;
  expect_counts(&e.s, 0, 0, 0);
  cr_assert_eq(bcsc_executor_run(&g_ex, &e.s.task), 0);
  cr_assert_eq(e.s.task.data, &e.d);
  expect_counts(&e.s, 0, 0, 0);
}

Test(supervise, getters_answer_0_for_null) {
  cr_assert_eq(bcsc_supervised_restarts(NULL), 0);
  cr_assert_eq(bcsc_supervised_failures(NULL), 0);
  cr_assert_eq(bcsc_supervised_last_error(NULL), 0);
}

Test(supervise, sizeof_and_alignof_match_the_header) {
  cr_assert_eq(bcsc_supervised_sizeof(), sizeof(bcsc_supervised_t));
  cr_assert_eq(bcsc_supervised_alignof(), _Alignof(bcsc_supervised_t));
  /* The wrapper is a task: its header comes first. */
  cr_assert_eq(offsetof(bcsc_supervised_t, task), 0);
}

/* ---- bad arguments and misuse
 * ------------------------------------------------- */

/* A failing init leaves the wrapper untouched: filled with a pattern
 * before, compared after. */
static void expect_init_fails(bcsc_task_t *child, uint32_t policy,
                              bcsc_restart_fn fn, int rc, int32_t code,
                              const void *object) {
  bcsc_supervised_t s, before;
  memset(&s, 0x5a, sizeof s);
  before = s;
  memset(&g_misuse, 0, sizeof g_misuse);
  bcsc_test_misuse_install(&g_misuse);
  cr_assert_eq(bcsc_supervised_init(&s, child, policy, 1, fn, NULL), rc);
  cr_assert_eq(memcmp(&s, &before, sizeof s), 0, "the wrapper was written");
  expect_report(code, object);
  bcsc_test_misuse_uninstall();
}

Test(supervise, bad_arguments_fail_with_their_codes_and_reports) {
  driver_t d;
  bcsc_supervised_t s;
  driver_init(&d, 0);
  bcsc_test_misuse_install(&g_misuse);
  cr_assert_eq(bcsc_supervised_init(NULL, &d.task, 0, 0, NULL, NULL),
               BCSC_EINVAL);
  expect_report(BCSC_MISUSE_NULL_OBJECT, NULL);
  bcsc_test_misuse_uninstall();

  expect_init_fails(NULL, 0, NULL, BCSC_EINVAL, BCSC_MISUSE_NULL_OBJECT, NULL);
  expect_init_fails(&d.task, 3, driver_restart, BCSC_EINVAL,
                    BCSC_MISUSE_BAD_ARGUMENT, NULL);
  expect_init_fails(&d.task, UINT32_MAX, NULL, BCSC_EINVAL,
                    BCSC_MISUSE_BAD_ARGUMENT, NULL);
  expect_init_fails(&d.task, BCSC_SUPERVISE_RESTART, NULL, BCSC_EINVAL,
                    BCSC_MISUSE_BAD_ARGUMENT, NULL);

  /* The wrapper as its own child. */
  memset(&s, 0, sizeof s);
  bcsc_test_misuse_install(&g_misuse);
  cr_assert_eq(bcsc_supervised_init(&s, &s.task, 0, 0, NULL, NULL),
               BCSC_EINVAL);
  expect_report(BCSC_MISUSE_BAD_ARGUMENT, &s.task);
  bcsc_test_misuse_uninstall();
}

Test(supervise, a_child_that_cannot_be_spawned_is_refused_at_init) {
  driver_t d;
  bcsc_task_t junk;
  /* Never initialised. */
  memset(&junk, 0xab, sizeof junk);
  expect_init_fails(&junk, 0, NULL, BCSC_EBADOBJ, BCSC_MISUSE_BAD_OBJECT,
                    &junk);
  /* Live: queued as a root. */
  driver_init(&d, 0);
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &d.task), 0);
  expect_init_fails(&d.task, 0, NULL, BCSC_EBUSY, BCSC_MISUSE_DOUBLE_SPAWN,
                    &d.task);
  run_all();
  /* Completed and not initialised again. */
  cr_assert(bcsc_task_done(&d.task));
  expect_init_fails(&d.task, 0, NULL, BCSC_ESTATE, BCSC_MISUSE_TASK_DONE,
                    &d.task);
}

Test(supervise, a_child_spawned_elsewhere_after_init_fails_the_wrapper) {
  env_t e;
  bcsc_waitq_t gate;
  cr_assert_eq(bcsc_waitq_init(&gate), 0);
  env_up(&e, 0, BCSC_SUPERVISE_RESTART, 5);
  e.d.gate = &gate;
  /* Spawned as a root, it runs first and waits: still live when the
   * wrapper starts. */
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &e.d.task), 0);
  bcsc_test_misuse_install(&g_misuse);
  cr_assert_eq(bcsc_executor_run(&g_ex, &e.s.task), BCSC_EBUSY);
  expect_report(BCSC_MISUSE_DOUBLE_SPAWN, &e.d.task);
  bcsc_test_misuse_uninstall();
  cr_assert_eq(bcsc_waitq_wake_all(&gate, 0), 1);
  run_all();
  cr_assert_eq(bcsc_waitq_deinit(&gate), 0);
  /* It ran once, as a root, and nothing restarted it. */
  cr_assert(bcsc_task_done(&e.d.task));
  cr_assert_eq(e.d.runs, 1);
  cr_assert_eq(e.r.calls, 0);
  expect_counts(&e.s, 0, 0, 0);
}

Test(supervise, the_wrapper_polled_by_hand_opens_nothing) {
  env_t e;
  env_up(&e, 0, BCSC_SUPERVISE_RESTART, 5);
  bcsc_test_misuse_install(&g_misuse);
  /* Not the task being polled: bcsc_scope_init() refuses, and the child
   * is still an idle frame. */
  cr_assert_eq(e.s.task.poll(&e.s.task), BCSC_EPERM);
  expect_report(BCSC_MISUSE_NOT_RUNNING, NULL);
  bcsc_test_misuse_uninstall();
  /* Spawned properly, it works. */
  cr_assert_eq(bcsc_executor_run(&g_ex, &e.s.task), 0);
  cr_assert_eq(e.d.runs, 1);
}

Test(supervise,
     the_wrapper_polled_by_hand_while_its_child_runs_restarts_nothing) {
  env_t e;
  bcsc_waitq_t gate;
  cr_assert_eq(bcsc_waitq_init(&gate), 0);
  env_up(&e, BCSC_TEST_E1, BCSC_SUPERVISE_RESTART, 5);
  e.d.gate = &gate;
  e.d.results[1] = 0;
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &e.s.task), 0);
  run_all();
  cr_assert_eq(bcsc_waitq_count(&gate), 1);
  /* The join refuses a caller that is not being polled, and leaves the
   * scope open: the wrapper passes the error on and must not take the
   * live child for a failed one. */
  bcsc_test_misuse_install(&g_misuse);
  cr_assert_eq(e.s.task.poll(&e.s.task), BCSC_EPERM);
  cr_assert_eq(g_misuse.count, bcsc_test_misuse_expected(1));
  bcsc_test_misuse_uninstall();
  cr_assert_eq(e.r.calls, 0);
  expect_counts(&e.s, 0, 0, 0);
  /* Nothing was disturbed: the run fails, is restarted, and succeeds. */
  cr_assert_eq(bcsc_waitq_wake_all(&gate, 0), 1);
  run_all();
  cr_assert_eq(bcsc_waitq_wake_all(&gate, 0), 1);
  run_all();
  cr_assert_eq(bcsc_task_result(&e.s.task), 0);
  cr_assert_eq(e.d.runs, 2);
  expect_counts(&e.s, 1, 1, BCSC_TEST_E1);
  cr_assert_eq(bcsc_waitq_deinit(&gate), 0);
}
