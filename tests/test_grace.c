/* SPDX-License-Identifier: MIT
 * test_grace.c - a scope's drain grace (bcsc_scope_set_drain_grace(), D59)
 * and the queries its report uses (bcsc_task_wait_next(),
 * bcsc_wait_queue()), through the public API, in virtual time.
 *
 * The stuck child is a test leaf whose cleanup after a cancellation waits
 * on `ack` - a motor driver waiting for a CAN bus to acknowledge its stop.
 * An acker task outside the scope fires `ack` at a chosen virtual time.
 * The simulated clock jumps to each deadline, so the report's time is
 * exact: the cancellation's time plus the grace. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include <bcsc.h>

#include "bcsc_test.h"
#include "internal.h" /* the clobber tests write into private fields */

#define T0 ((uint64_t)1000) /* the clock at start */
#define MAX_REPORTS 8
#define MAX_WAITS 4

static bcsc_executor_t g_ex;
static bcsc_sim_reactor_t g_sim;
static bcsc_waitq_t g_work; /* never fired: what the children do */
static bcsc_waitq_t g_ack;  /* the acknowledgement the stuck child awaits */

static void executor_with_clock(void) {
  bcsc_executor_config_t cfg = {.size = sizeof cfg, .reactor = &g_sim.base};
  cr_assert_eq(bcsc_sim_reactor_init(&g_sim, T0), 0);
  cr_assert_eq(bcsc_executor_init(&g_ex, &cfg), 0);
  cr_assert_eq(bcsc_waitq_init(&g_work), 0);
  cr_assert_eq(bcsc_waitq_init(&g_ack), 0);
}

static void teardown(void) {
  cr_assert_eq(bcsc_waitq_deinit(&g_work), 0);
  cr_assert_eq(bcsc_waitq_deinit(&g_ack), 0);
  cr_assert_eq(bcsc_executor_deinit(&g_ex), 0);
}

/* ---- what the report saw ------------------------------------------------- */

typedef struct report {
  bcsc_scope_t *scope;
  bcsc_task_t *child;
  uint64_t at;
  uint32_t nwaits;
  bcsc_waitq_t *queues[MAX_WAITS];
  bcsc_wait_t *waits[MAX_WAITS];
  int cancelled;
} report_t;

typedef struct report_log {
  uint32_t n;
  report_t r[MAX_REPORTS];
  /* What the callback tried that it may not do, and got. */
  int try_run;
  int run_rc;
  int try_set;
  int set_rc;
  bcsc_drain_grace_t node; /* what try_set passes */
} report_log_t;

static void record(void *context, bcsc_scope_t *scope, bcsc_task_t *child) {
  report_log_t *log = context;
  report_t *r;
  cr_assert_lt(log->n, MAX_REPORTS);
  r = &log->r[log->n++];
  r->scope = scope;
  r->child = child;
  r->at = bcsc_sim_reactor_now(&g_sim);
  r->cancelled = bcsc_task_cancelled(child);
  for (bcsc_wait_t *w = bcsc_task_wait_next(child, NULL); w != NULL;
       w = bcsc_task_wait_next(child, w)) {
    cr_assert_lt(r->nwaits, MAX_WAITS);
    r->waits[r->nwaits] = w;
    r->queues[r->nwaits++] = bcsc_wait_queue(w);
  }
  if (log->try_run)
    log->run_rc = bcsc_executor_run(&g_ex, NULL);
  if (log->try_set) {
    cr_assert_eq(bcsc_drain_grace_init(&log->node), 0);
    log->set_rc =
        bcsc_scope_set_drain_grace(scope, &log->node, BCSC_SEC, record, log);
  }
}

/* ---- the tasks ----------------------------------------------------------- */

/* Fires `ack` at `at` (virtual time). */
typedef struct acker {
  bcsc_task_t task;
  bcsc_timer_t timer;
  uint64_t at;
} acker_t;

static int acker_poll(bcsc_task_t *self) {
  acker_t *a = (acker_t *)self;
  int rc = bcsc_sleep_until(self, &a->timer, a->at);
  if (rc != 0)
    return rc;
  (void)bcsc_waitq_wake_all(&g_ack, 1);
  return 0;
}

static void acker_start(acker_t *a, uint64_t at) {
  cr_assert_eq(bcsc_task_init(&a->task, acker_poll, NULL), 0);
  cr_assert_eq(bcsc_timer_init(&a->timer), 0);
  a->at = at;
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &a->task), 0);
}

/* A child that works on `g_work` and, once cancelled, waits for `g_ack`
 * before it ends. */
static void stuck_init(bcsc_test_leaf_t *leaf, int id) {
  bcsc_test_leaf_init(leaf, id);
  leaf->queue = &g_work;
  leaf->cleanup_queue = &g_ack;
}

/* How the parent's scope gets cancelled. */
enum how {
  HOW_NONE,     /* not at all: it is joined when its children are done */
  HOW_CANCEL,   /* bcsc_scope_cancel() at once */
  HOW_DEADLINE, /* its deadline, `deadline` */
  HOW_RETURN,   /* the parent returns with it open */
  HOW_EXTERNAL  /* someone else (its owner's cancellation, a policy) */
};

/* Opens a scope with `policy`, sets the grace (before or after cancelling,
 * `grace_late`), spawns its children, cancels as `how` says, joins. */
typedef struct parent {
  bcsc_task_t task;
  bcsc_scope_t scope;
  bcsc_drain_grace_t node;
  bcsc_timer_t timer;
  int phase;
  uint32_t policy;
  int how;
  uint64_t deadline;
  uint64_t grace;
  uint64_t grace_late; /* set the grace this long after cancelling; 0: first */
  report_log_t *log;
  bcsc_stuck_fn report; /* record() unless a test says otherwise */
  bcsc_task_t *children[4];
  uint32_t nchildren;
  int set_rc;
  int joined;
  int join_rc;
  uint64_t joined_at;
} parent_t;

static int parent_poll(bcsc_task_t *self) {
  parent_t *p = (parent_t *)self;
  int rc;
  switch (p->phase) {
  case 0:
    cr_assert_eq(bcsc_scope_init(&p->scope, self, p->policy), 0);
    cr_assert_eq(bcsc_drain_grace_init(&p->node), 0);
    if (p->grace_late == 0)
      p->set_rc = bcsc_scope_set_drain_grace(&p->scope, &p->node, p->grace,
                                             p->report, p->log);
    if (p->how == HOW_DEADLINE)
      cr_assert_eq(bcsc_scope_set_deadline(&p->scope, p->deadline,
                                           BCSC_DEADLINE_MOVE_ON),
                   0);
    for (uint32_t i = 0; i < p->nchildren; i++)
      cr_assert_eq(bcsc_scope_spawn(&p->scope, p->children[i]), 0);
    if (p->how == HOW_RETURN)
      return 0; /* bcsc cancels and drains the scope */
    if (p->how == HOW_CANCEL)
      cr_assert_eq(bcsc_scope_cancel(&p->scope), 0);
    p->phase = 1;
    /* fall through */
  case 1:
    if (p->grace_late != 0) {
      rc = bcsc_sleep_for(self, &p->timer, p->grace_late);
      if (rc != 0)
        return rc;
      p->set_rc = bcsc_scope_set_drain_grace(&p->scope, &p->node, p->grace,
                                             p->report, p->log);
    }
    p->phase = 2;
    /* fall through */
  default:
    rc = bcsc_scope_join(&p->scope);
    if (rc == BCSC_PENDING)
      return BCSC_PENDING;
    p->joined = 1;
    p->join_rc = rc;
    p->joined_at = bcsc_sim_reactor_now(&g_sim);
    return 0;
  }
}

static void parent_init(parent_t *p, report_log_t *log, int how,
                        uint64_t grace) {
  memset(p, 0, sizeof *p);
  cr_assert_eq(bcsc_task_init(&p->task, parent_poll, NULL), 0);
  cr_assert_eq(bcsc_timer_init(&p->timer), 0);
  p->policy = BCSC_SCOPE_FAIL_FAST;
  p->how = how;
  p->grace = grace;
  p->log = log;
  p->report = record;
  p->set_rc = 1; /* not set yet */
}

static void parent_add(parent_t *p, bcsc_task_t *child) {
  cr_assert_lt(p->nchildren, 4);
  p->children[p->nchildren++] = child;
}

static void run_all(void) { cr_assert_eq(bcsc_executor_run(&g_ex, NULL), 0); }

/* The one report of `log` is `child` of `scope`, at `at`, waiting on
 * `g_ack` through its cleanup registration. */
static void assert_stuck_on_ack(const report_log_t *log, uint32_t i,
                                bcsc_scope_t *scope, bcsc_test_leaf_t *child,
                                uint64_t at) {
  const report_t *r = &log->r[i];
  cr_assert_eq(r->scope, scope);
  cr_assert_eq(r->child, &child->task);
  cr_assert_eq(r->at, at, "reported at %llu, expected %llu",
               (unsigned long long)r->at, (unsigned long long)at);
  cr_assert_eq(r->cancelled, 1);
  cr_assert_eq(r->nwaits, 1);
  cr_assert_eq(r->waits[0], &child->cleanup_wait);
  cr_assert_eq(r->queues[0], &g_ack);
}

TestSuite(grace, .init = executor_with_clock);

/* ---- the report ---------------------------------------------------------- */

Test(grace, a_child_stuck_past_the_grace_is_reported_once_with_its_wait) {
  report_log_t log = {0};
  parent_t p;
  bcsc_test_leaf_t stuck, quick;
  acker_t ack;
  parent_init(&p, &log, HOW_CANCEL, BCSC_SEC);
  stuck_init(&stuck, 1);
  bcsc_test_leaf_init(&quick, 2); /* cleans up at once when cancelled */
  quick.queue = &g_work;
  parent_add(&p, &quick.task);
  parent_add(&p, &stuck.task);
  acker_start(&ack, T0 + 3 * BCSC_SEC);
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &p.task), 0);
  run_all();
  cr_assert_eq(p.set_rc, 0);
  cr_assert_eq(log.n, 1, "reports: %u", log.n);
  assert_stuck_on_ack(&log, 0, &p.scope, &stuck, T0 + BCSC_SEC);
  /* The report changed nothing: the join waited for the acknowledgement. */
  cr_assert_eq(p.joined, 1);
  cr_assert_eq(p.join_rc, BCSC_ECANCELED);
  cr_assert_eq(p.joined_at, T0 + 3 * BCSC_SEC);
  cr_assert_eq(stuck.cleaned, 1);
  cr_assert_eq(bcsc_executor_next_deadline(&g_ex), BCSC_NO_DEADLINE);
  teardown();
}

Test(grace, a_child_that_finishes_within_the_grace_is_not_reported) {
  report_log_t log = {0};
  parent_t p;
  bcsc_test_leaf_t stuck;
  acker_t ack;
  parent_init(&p, &log, HOW_CANCEL, BCSC_SEC);
  stuck_init(&stuck, 1);
  parent_add(&p, &stuck.task);
  acker_start(&ack, T0 + BCSC_SEC / 2);
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &p.task), 0);
  run_all();
  cr_assert_eq(log.n, 0);
  cr_assert_eq(p.joined_at, T0 + BCSC_SEC / 2);
  /* The grace timer left with the scope: the clock never went to it. */
  cr_assert_eq(bcsc_executor_next_deadline(&g_ex), BCSC_NO_DEADLINE);
  cr_assert_eq(bcsc_sim_reactor_now(&g_sim), T0 + BCSC_SEC / 2);
  teardown();
}

Test(grace, a_scope_that_is_never_cancelled_arms_no_timer) {
  report_log_t log = {0};
  parent_t p;
  bcsc_test_leaf_t a, b;
  parent_init(&p, &log, HOW_NONE, BCSC_SEC);
  bcsc_test_leaf_init(&a, 1);
  bcsc_test_leaf_init(&b, 2);
  b.yields = 3;
  parent_add(&p, &a.task);
  parent_add(&p, &b.task);
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &p.task), 0);
  run_all();
  cr_assert_eq(p.join_rc, 0);
  cr_assert_eq(log.n, 0);
  cr_assert_eq(bcsc_executor_next_deadline(&g_ex), BCSC_NO_DEADLINE);
  cr_assert_eq(bcsc_sim_reactor_parks(&g_sim), 0);
  teardown();
}

Test(grace, an_inner_scope_cancelled_alone_leaves_the_outer_timer_off) {
  report_log_t outer_log = {0}, inner_log = {0};
  parent_t outer, inner;
  bcsc_test_leaf_t deep;
  acker_t ack;
  parent_init(&outer, &outer_log, HOW_NONE, BCSC_SEC);
  parent_init(&inner, &inner_log, HOW_CANCEL, 2 * BCSC_SEC);
  stuck_init(&deep, 1);
  parent_add(&inner, &deep.task);
  parent_add(&outer, &inner.task);
  acker_start(&ack, T0 + 3 * BCSC_SEC);
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &outer.task), 0);
  run_all();
  cr_assert_eq(outer_log.n, 0);
  cr_assert_eq(inner_log.n, 1);
  assert_stuck_on_ack(&inner_log, 0, &inner.scope, &deep, T0 + 2 * BCSC_SEC);
  cr_assert_eq(outer.join_rc, 0);
  teardown();
}

/* ---- every way a scope is cancelled starts the period -------------------- */

Test(grace, a_deadline_starts_the_period) {
  report_log_t log = {0};
  parent_t p;
  bcsc_test_leaf_t stuck;
  acker_t ack;
  parent_init(&p, &log, HOW_DEADLINE, BCSC_SEC);
  p.deadline = T0 + BCSC_SEC / 2;
  stuck_init(&stuck, 1);
  parent_add(&p, &stuck.task);
  acker_start(&ack, T0 + 3 * BCSC_SEC);
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &p.task), 0);
  run_all();
  cr_assert_eq(log.n, 1);
  assert_stuck_on_ack(&log, 0, &p.scope, &stuck, T0 + 3 * BCSC_SEC / 2);
  /* The deadline is still the scope's, and it timed out. */
  cr_assert_eq(bcsc_scope_timed_out(&p.scope), 1);
  cr_assert_eq(bcsc_scope_deadline(&p.scope), T0 + BCSC_SEC / 2);
  cr_assert_eq(p.join_rc, 0); /* move on */
  teardown();
}

Test(grace, a_failing_child_starts_the_period) {
  report_log_t log = {0};
  parent_t p;
  bcsc_test_leaf_t stuck, failing;
  acker_t ack;
  parent_init(&p, &log, HOW_EXTERNAL, BCSC_SEC);
  stuck_init(&stuck, 1);
  bcsc_test_leaf_init(&failing, 2);
  failing.yields = 1; /* fails in its second poll, still at T0 */
  failing.result = BCSC_TEST_E1;
  parent_add(&p, &stuck.task);
  parent_add(&p, &failing.task);
  acker_start(&ack, T0 + 3 * BCSC_SEC);
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &p.task), 0);
  run_all();
  cr_assert_eq(log.n, 1);
  assert_stuck_on_ack(&log, 0, &p.scope, &stuck, T0 + BCSC_SEC);
  cr_assert_eq(p.join_rc, BCSC_TEST_E1);
  teardown();
}

Test(grace, a_race_won_starts_the_period) {
  report_log_t log = {0};
  parent_t p;
  bcsc_test_leaf_t stuck, winner;
  acker_t ack;
  parent_init(&p, &log, HOW_EXTERNAL, BCSC_SEC);
  p.policy = BCSC_SCOPE_RACE;
  stuck_init(&stuck, 1);
  bcsc_test_leaf_init(&winner, 2);
  winner.result = 7 - 7; /* wins with 0 */
  parent_add(&p, &stuck.task);
  parent_add(&p, &winner.task);
  acker_start(&ack, T0 + 3 * BCSC_SEC);
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &p.task), 0);
  run_all();
  cr_assert_eq(log.n, 1);
  assert_stuck_on_ack(&log, 0, &p.scope, &stuck, T0 + BCSC_SEC);
  cr_assert_eq(bcsc_scope_winner(&p.scope), &winner.task);
  teardown();
}

Test(grace, the_owner_returning_with_the_scope_open_starts_the_period) {
  report_log_t log = {0};
  parent_t p;
  bcsc_test_leaf_t stuck;
  acker_t ack;
  parent_init(&p, &log, HOW_RETURN, BCSC_SEC);
  stuck_init(&stuck, 1);
  parent_add(&p, &stuck.task);
  acker_start(&ack, T0 + 3 * BCSC_SEC);
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &p.task), 0);
  run_all();
  cr_assert_eq(log.n, 1);
  assert_stuck_on_ack(&log, 0, &p.scope, &stuck, T0 + BCSC_SEC);
  cr_assert_eq(bcsc_task_done(&p.task), 1);
  cr_assert_eq(bcsc_executor_next_deadline(&g_ex), BCSC_NO_DEADLINE);
  teardown();
}

/* Cancels `target` at `at`. */
typedef struct canceller {
  bcsc_task_t task;
  bcsc_timer_t timer;
  bcsc_task_t *target;
  uint64_t at;
} canceller_t;

static int canceller_poll(bcsc_task_t *self) {
  canceller_t *c = (canceller_t *)self;
  int rc = bcsc_sleep_until(self, &c->timer, c->at);
  if (rc != 0)
    return rc;
  cr_assert_eq(bcsc_task_cancel(c->target), 0);
  return 0;
}

/* Spawn `target` and a canceller that cancels it at `at`, and run. */
static void run_cancelling(canceller_t *c, bcsc_task_t *target, uint64_t at) {
  cr_assert_eq(bcsc_task_init(&c->task, canceller_poll, NULL), 0);
  cr_assert_eq(bcsc_timer_init(&c->timer), 0);
  c->target = target;
  c->at = at;
  cr_assert_eq(bcsc_executor_spawn(&g_ex, target), 0);
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &c->task), 0);
  run_all();
}

/* The outer owner is cancelled while the inner scope is open: the
 * cancellation walk reaches the inner scope and starts its period too. */
Test(grace, every_task_of_the_subtree_is_reported_depth_first) {
  report_log_t outer_log = {0}, inner_log = {0};
  parent_t outer, inner;
  bcsc_test_leaf_t stuck, deep;
  acker_t ack;
  canceller_t c;
  /* outer (grace 2 s) > inner (grace 1 s) > deep; outer > stuck. */
  parent_init(&outer, &outer_log, HOW_EXTERNAL, 2 * BCSC_SEC);
  parent_init(&inner, &inner_log, HOW_EXTERNAL, BCSC_SEC);
  stuck_init(&deep, 1);
  stuck_init(&stuck, 2);
  parent_add(&inner, &deep.task);
  parent_add(&outer, &inner.task);
  parent_add(&outer, &stuck.task);
  acker_start(&ack, T0 + 4 * BCSC_SEC);
  run_cancelling(&c, &outer.task, T0 + BCSC_SEC / 2);
  /* The inner scope reports its own child 1 s after the cancellation. */
  cr_assert_eq(inner_log.n, 1);
  assert_stuck_on_ack(&inner_log, 0, &inner.scope, &deep,
                      T0 + 3 * BCSC_SEC / 2);
  /* The outer one, after 2 s, reports the inner owner (waiting on its
   * scope only: no registration), then its child, then its sibling. */
  cr_assert_eq(outer_log.n, 3, "reports: %u", outer_log.n);
  cr_assert_eq(outer_log.r[0].child, &inner.task);
  cr_assert_eq(outer_log.r[0].scope, &outer.scope);
  cr_assert_eq(outer_log.r[0].nwaits, 0);
  cr_assert_eq(outer_log.r[0].at, T0 + 5 * BCSC_SEC / 2);
  assert_stuck_on_ack(&outer_log, 1, &outer.scope, &deep,
                      T0 + 5 * BCSC_SEC / 2);
  assert_stuck_on_ack(&outer_log, 2, &outer.scope, &stuck,
                      T0 + 5 * BCSC_SEC / 2);
  cr_assert_eq(outer.joined_at, T0 + 4 * BCSC_SEC);
  cr_assert_eq(outer.join_rc, BCSC_ECANCELED);
  teardown();
}

/* The inner owner cancels its own scope at once; the outer owner is
 * cancelled later, and its walk marks the inner scope again: the period
 * already running is not restarted. */
Test(grace, a_later_cancellation_does_not_restart_a_running_period) {
  report_log_t outer_log = {0}, inner_log = {0};
  parent_t outer, inner;
  bcsc_test_leaf_t deep;
  acker_t ack;
  canceller_t c;
  parent_init(&outer, &outer_log, HOW_NONE, 10 * BCSC_SEC);
  parent_init(&inner, &inner_log, HOW_CANCEL, 2 * BCSC_SEC);
  stuck_init(&deep, 1);
  parent_add(&inner, &deep.task);
  parent_add(&outer, &inner.task);
  acker_start(&ack, T0 + 3 * BCSC_SEC);
  run_cancelling(&c, &outer.task, T0 + BCSC_SEC);
  cr_assert_eq(inner_log.n, 1);
  assert_stuck_on_ack(&inner_log, 0, &inner.scope, &deep, T0 + 2 * BCSC_SEC);
  cr_assert_eq(outer_log.n, 0);
  teardown();
}

/* Owns an open scope with no child, and waits on `g_ack` whatever
 * happens; then joins its empty scope. */
typedef struct holder {
  bcsc_task_t task;
  bcsc_scope_t scope;
  bcsc_wait_t wait;
  int phase;
} holder_t;

static int holder_poll(bcsc_task_t *self) {
  holder_t *h = (holder_t *)self;
  if (h->phase == 0) {
    h->phase = 1;
    cr_assert_eq(bcsc_scope_init(&h->scope, self, BCSC_SCOPE_FAIL_FAST), 0);
  }
  if (!bcsc_wait_fired(&h->wait)) {
    cr_assert_eq(bcsc_wait_register(self, &h->wait, &g_ack), 0);
    return BCSC_PENDING;
  }
  return bcsc_scope_join(&h->scope);
}

Test(grace, a_stuck_owner_of_an_empty_scope_is_reported_with_its_wait) {
  report_log_t log = {0};
  parent_t p;
  holder_t h;
  bcsc_test_leaf_t stuck;
  acker_t ack;
  parent_init(&p, &log, HOW_CANCEL, BCSC_SEC);
  memset(&h, 0, sizeof h);
  cr_assert_eq(bcsc_task_init(&h.task, holder_poll, NULL), 0);
  cr_assert_eq(bcsc_wait_init(&h.wait), 0);
  stuck_init(&stuck, 1);
  parent_add(&p, &h.task);
  parent_add(&p, &stuck.task);
  acker_start(&ack, T0 + 3 * BCSC_SEC);
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &p.task), 0);
  run_all();
  cr_assert_eq(log.n, 2);
  cr_assert_eq(log.r[0].child, &h.task);
  cr_assert_eq(log.r[0].nwaits, 1);
  cr_assert_eq(log.r[0].waits[0], &h.wait);
  cr_assert_eq(log.r[0].queues[0], &g_ack);
  assert_stuck_on_ack(&log, 1, &p.scope, &stuck, T0 + BCSC_SEC);
  cr_assert_eq(bcsc_task_result(&h.task), BCSC_ECANCELED);
  teardown();
}

Test(grace, the_owner_cancelled_starts_the_period) {
  report_log_t log = {0};
  parent_t p;
  bcsc_test_leaf_t stuck;
  acker_t ack;
  canceller_t c;
  parent_init(&p, &log, HOW_EXTERNAL, BCSC_SEC);
  stuck_init(&stuck, 1);
  parent_add(&p, &stuck.task);
  acker_start(&ack, T0 + 3 * BCSC_SEC);
  run_cancelling(&c, &p.task, T0 + BCSC_SEC / 4);
  cr_assert_eq(log.n, 1);
  assert_stuck_on_ack(&log, 0, &p.scope, &stuck, T0 + 5 * BCSC_SEC / 4);
  teardown();
}

Test(grace, a_grace_set_after_the_cancellation_starts_when_set) {
  report_log_t log = {0};
  parent_t p;
  bcsc_test_leaf_t stuck;
  acker_t ack;
  parent_init(&p, &log, HOW_CANCEL, BCSC_SEC);
  p.grace_late = BCSC_SEC / 2;
  stuck_init(&stuck, 1);
  parent_add(&p, &stuck.task);
  acker_start(&ack, T0 + 3 * BCSC_SEC);
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &p.task), 0);
  run_all();
  cr_assert_eq(p.set_rc, 0);
  cr_assert_eq(log.n, 1);
  assert_stuck_on_ack(&log, 0, &p.scope, &stuck, T0 + 3 * BCSC_SEC / 2);
  teardown();
}

/* ---- setting it again ---------------------------------------------------- */

/* Cancels its scope, then after `step` sets the grace again (`again`:
 * the new period, 0 to remove it), and after another `step` reads the
 * scope's deadline. */
typedef struct resetter {
  bcsc_task_t task;
  bcsc_scope_t scope;
  bcsc_timer_t timer;
  bcsc_test_leaf_t stuck;
  report_log_t *log;
  int phase;
  uint64_t step;
  uint64_t again;
  uint64_t deadline_armed; /* bcsc_scope_deadline() with the timer on */
  uint64_t deadline_moved; /* ...after bcsc_scope_set_deadline() */
  bcsc_drain_grace_t node;
  int set_again_rc;
  int set_deadline_rc;
} resetter_t;

static int resetter_poll(bcsc_task_t *self) {
  resetter_t *r = (resetter_t *)self;
  int rc;
  switch (r->phase) {
  case 0:
    cr_assert_eq(bcsc_scope_init(&r->scope, self, BCSC_SCOPE_WAIT_ALL), 0);
    cr_assert_eq(bcsc_scope_set_deadline(&r->scope, T0 + 10 * BCSC_SEC,
                                         BCSC_DEADLINE_FAIL),
                 0);
    cr_assert_eq(bcsc_drain_grace_init(&r->node), 0);
    cr_assert_eq(bcsc_scope_set_drain_grace(&r->scope, &r->node, BCSC_SEC,
                                            record, r->log),
                 0);
    stuck_init(&r->stuck, 1);
    cr_assert_eq(bcsc_scope_spawn(&r->scope, &r->stuck.task), 0);
    cr_assert_eq(bcsc_scope_cancel(&r->scope), 0);
    r->deadline_armed = bcsc_scope_deadline(&r->scope);
    r->phase = 1;
    /* fall through */
  case 1:
    if ((rc = bcsc_sleep_for(self, &r->timer, r->step)) != 0)
      return rc;
    r->set_again_rc = bcsc_scope_set_drain_grace(
        &r->scope, &r->node, r->again, r->again ? record : NULL, r->log);
    r->set_deadline_rc = bcsc_scope_set_deadline(&r->scope, T0 + 20 * BCSC_SEC,
                                                 BCSC_DEADLINE_MOVE_ON);
    r->deadline_moved = bcsc_scope_deadline(&r->scope);
    r->phase = 2;
    /* fall through */
  default:
    return bcsc_scope_join(&r->scope);
  }
}

static void resetter_run(resetter_t *r, report_log_t *log, uint64_t step,
                         uint64_t again) {
  acker_t ack;
  memset(r, 0, sizeof *r);
  cr_assert_eq(bcsc_task_init(&r->task, resetter_poll, NULL), 0);
  cr_assert_eq(bcsc_timer_init(&r->timer), 0);
  r->log = log;
  r->step = step;
  r->again = again;
  acker_start(&ack, T0 + 5 * BCSC_SEC);
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &r->task), 0);
  run_all();
  cr_assert_eq(r->set_again_rc, 0);
  cr_assert_eq(r->set_deadline_rc, 0);
  /* The grace timer borrows the deadline's link; the deadline reads as
   * set, and moves, all along. */
  cr_assert_eq(r->deadline_armed, T0 + 10 * BCSC_SEC);
  cr_assert_eq(r->deadline_moved, T0 + 20 * BCSC_SEC);
  cr_assert_eq(bcsc_scope_deadline(&r->scope), T0 + 20 * BCSC_SEC);
  cr_assert_eq(bcsc_scope_timed_out(&r->scope), 0);
  cr_assert_eq(bcsc_task_result(&r->task), BCSC_ECANCELED);
  cr_assert_eq(bcsc_executor_next_deadline(&g_ex), BCSC_NO_DEADLINE);
}

Test(grace, setting_it_again_restarts_a_running_period) {
  report_log_t log = {0};
  resetter_t r;
  resetter_run(&r, &log, BCSC_SEC / 2, 2 * BCSC_SEC);
  cr_assert_eq(log.n, 1);
  assert_stuck_on_ack(&log, 0, &r.scope, &r.stuck, T0 + 5 * BCSC_SEC / 2);
  teardown();
}

Test(grace, a_null_report_removes_a_running_period) {
  report_log_t log = {0};
  resetter_t r;
  resetter_run(&r, &log, BCSC_SEC / 2, 0);
  cr_assert_eq(log.n, 0);
  cr_assert_eq(bcsc_sim_reactor_now(&g_sim), T0 + 5 * BCSC_SEC);
  teardown();
}

Test(grace, after_the_report_a_new_grace_reports_again) {
  report_log_t log = {0};
  resetter_t r;
  resetter_run(&r, &log, 3 * BCSC_SEC / 2, BCSC_SEC);
  cr_assert_eq(log.n, 2);
  assert_stuck_on_ack(&log, 0, &r.scope, &r.stuck, T0 + BCSC_SEC);
  assert_stuck_on_ack(&log, 1, &r.scope, &r.stuck, T0 + 5 * BCSC_SEC / 2);
  teardown();
}

Test(grace, a_huge_grace_saturates_and_removing_an_unset_one_is_harmless) {
  report_log_t log = {0};
  resetter_t r;
  /* Set again with "never" as good as: the period runs, short of the end
   * of time; the acker ends it. */
  resetter_run(&r, &log, BCSC_SEC / 2, BCSC_NO_DEADLINE);
  cr_assert_eq(log.n, 0);
  teardown();
}

/* ---- what the callback may do -------------------------------------------- */

Test(grace, the_callback_cannot_run_the_executor_or_set_a_grace) {
  report_log_t log = {0};
  parent_t p;
  bcsc_test_leaf_t stuck;
  acker_t ack;
  bcsc_test_misuse_t rec;
  bcsc_test_misuse_install(&rec);
  log.try_run = 1;
  log.try_set = 1;
  parent_init(&p, &log, HOW_CANCEL, BCSC_SEC);
  stuck_init(&stuck, 1);
  parent_add(&p, &stuck.task);
  acker_start(&ack, T0 + 3 * BCSC_SEC);
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &p.task), 0);
  run_all();
  bcsc_test_misuse_uninstall();
  cr_assert_eq(log.n, 1);
  cr_assert_eq(log.run_rc, BCSC_EBUSY);
  cr_assert_eq(log.set_rc, BCSC_EPERM);
  cr_assert_eq(rec.count, bcsc_test_misuse_expected(2));
  cr_assert_eq(bcsc_test_misuse_count_code(&rec, BCSC_MISUSE_REENTRANT_POLL),
               bcsc_test_misuse_expected(1));
  cr_assert_eq(bcsc_test_misuse_count_code(&rec, BCSC_MISUSE_FOREIGN_SCOPE),
               bcsc_test_misuse_expected(1));
  teardown();
}

/* Records, cancels the reported task (cancelled already: nothing
 * happens) and wakes what it waits for: it runs after the report returns,
 * at the report's time. */
static void wake_ack(void *context, bcsc_scope_t *scope, bcsc_task_t *child) {
  record(context, scope, child);
  cr_assert_eq(bcsc_task_cancel(child), 0);
  cr_assert_eq(bcsc_waitq_wake_all(&g_ack, 2), 1);
  cr_assert_eq(bcsc_task_done(child), 0);
}

Test(grace, the_callback_may_wake_what_a_stuck_task_waits_for) {
  report_log_t log = {0};
  parent_t p;
  bcsc_test_leaf_t stuck;
  acker_t ack;
  parent_init(&p, &log, HOW_CANCEL, BCSC_SEC);
  p.report = wake_ack;
  stuck_init(&stuck, 1);
  parent_add(&p, &stuck.task);
  acker_start(&ack, T0 + 3 * BCSC_SEC);
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &p.task), 0);
  run_all();
  cr_assert_eq(log.n, 1);
  assert_stuck_on_ack(&log, 0, &p.scope, &stuck, T0 + BCSC_SEC);
  cr_assert_eq(stuck.cleaned, 1);
  cr_assert_eq(p.joined_at, T0 + BCSC_SEC);
  teardown();
}

/* ---- bad input ----------------------------------------------------------- */

/* Calls bcsc_scope_set_drain_grace() every wrong way from a running owner,
 * and once from a child that does not own the scope. */
typedef struct prober {
  bcsc_task_t task;
  bcsc_scope_t scope;
  bcsc_scope_t closed;
  bcsc_scope_t other; /* holds `held` */
  bcsc_drain_grace_t node, held, raw;
  bcsc_test_leaf_t child;
  int phase;
  int rc_null, rc_zero, rc_closed, rc_ok, rc_remove, rc_remove_unset;
  int rc_null_node, rc_raw_node, rc_busy, rc_replace;
} prober_t;

static int prober_poll(bcsc_task_t *self) {
  prober_t *p = (prober_t *)self;
  report_log_t *unused = NULL;
  if (p->phase == 0) {
    p->phase = 1;
    cr_assert_eq(bcsc_scope_init(&p->closed, self, BCSC_SCOPE_FAIL_FAST), 0);
    cr_assert_eq(bcsc_scope_join(&p->closed), 0);
    cr_assert_eq(bcsc_scope_init(&p->scope, self, BCSC_SCOPE_FAIL_FAST), 0);
    cr_assert_eq(bcsc_scope_init(&p->other, self, BCSC_SCOPE_FAIL_FAST), 0);
    cr_assert_eq(bcsc_drain_grace_init(&p->node), 0);
    cr_assert_eq(bcsc_drain_grace_init(&p->held), 0);
    p->rc_null =
        bcsc_scope_set_drain_grace(NULL, &p->node, BCSC_SEC, record, unused);
    p->rc_null_node =
        bcsc_scope_set_drain_grace(&p->scope, NULL, BCSC_SEC, record, unused);
    memset(&p->raw, 0x5a, sizeof p->raw); /* never initialised */
    p->rc_raw_node =
        bcsc_scope_set_drain_grace(&p->scope, &p->raw, BCSC_SEC, record, NULL);
    p->rc_zero =
        bcsc_scope_set_drain_grace(&p->scope, &p->node, 0, record, unused);
    p->rc_closed = bcsc_scope_set_drain_grace(&p->closed, &p->node, BCSC_SEC,
                                              record, unused);
    /* Removing one never set, and with a period of 0: both fine. */
    p->rc_remove_unset =
        bcsc_scope_set_drain_grace(&p->scope, &p->node, 0, NULL, NULL);
    p->rc_ok = bcsc_scope_set_drain_grace(&p->scope, &p->node, BCSC_SEC, record,
                                          unused);
    p->rc_remove =
        bcsc_scope_set_drain_grace(&p->scope, &p->node, 5, NULL, NULL);
    p->rc_ok |= bcsc_scope_set_drain_grace(&p->scope, &p->node, BCSC_SEC,
                                           record, unused);
    /* A node another scope holds is refused; another idle one replaces
     * the scope's, which is idle again (D64). */
    p->rc_ok |= bcsc_scope_set_drain_grace(&p->other, &p->held, BCSC_SEC,
                                           record, unused);
    p->rc_busy = bcsc_scope_set_drain_grace(&p->scope, &p->held, BCSC_SEC,
                                            record, unused);
    p->rc_ok |= bcsc_scope_set_drain_grace(&p->other, &p->held, 0, NULL, NULL);
    p->rc_replace = bcsc_scope_set_drain_grace(&p->scope, &p->held, BCSC_SEC,
                                               record, unused);
    cr_assert_eq(p->node.priv.node.state, 0, "the replaced node is idle");
    cr_assert_eq(p->node.priv.node.self_tag, 0u);
    cr_assert_eq(p->held.period, BCSC_SEC);
    cr_assert_eq(bcsc_scope_join(&p->other), 0);
    cr_assert_eq(bcsc_scope_spawn(&p->scope, &p->child.task), 0);
  }
  return bcsc_scope_join(&p->scope);
}

/* A child that tries to set its parent's grace: not its scope. */
typedef struct meddler {
  bcsc_task_t task;
  bcsc_scope_t *target;
  int rc;
} meddler_t;

static int meddler_poll(bcsc_task_t *self) {
  meddler_t *m = (meddler_t *)self;
  bcsc_drain_grace_t node = BCSC_DRAIN_GRACE_INITIALIZER;
  m->rc = bcsc_scope_set_drain_grace(m->target, &node, BCSC_SEC, record, NULL);
  return 0;
}

Test(grace, bad_arguments_fail_with_their_codes_and_report_misuse) {
  prober_t p;
  bcsc_test_misuse_t rec;
  bcsc_scope_t junk;
  memset(&p, 0, sizeof p);
  cr_assert_eq(bcsc_task_init(&p.task, prober_poll, NULL), 0);
  bcsc_test_leaf_init(&p.child, 1);
  bcsc_test_misuse_install(&rec);
  cr_assert_eq(bcsc_executor_run(&g_ex, &p.task), 0);
  cr_assert_eq(p.rc_null, BCSC_EINVAL);
  cr_assert_eq(p.rc_null_node, BCSC_EINVAL);
  cr_assert_eq(p.rc_raw_node, BCSC_EBADOBJ);
  cr_assert_eq(p.rc_zero, BCSC_EINVAL);
  cr_assert_eq(p.rc_closed, BCSC_ESTATE);
  cr_assert_eq(p.rc_remove_unset, 0);
  cr_assert_eq(p.rc_ok, 0);
  cr_assert_eq(p.rc_remove, 0);
  cr_assert_eq(p.rc_busy, BCSC_EBUSY);
  cr_assert_eq(p.rc_replace, 0);
  /* The scope closed: its node is idle again. */
  cr_assert_eq(p.held.priv.node.state, 0);
  cr_assert_eq(p.held.priv.node.self_tag, 0u);
  cr_assert_eq(bcsc_test_misuse_count_code(&rec, BCSC_MISUSE_NULL_OBJECT),
               bcsc_test_misuse_expected(2));
  cr_assert_eq(bcsc_test_misuse_count_code(&rec, BCSC_MISUSE_BAD_ARGUMENT),
               bcsc_test_misuse_expected(1));
  cr_assert_eq(bcsc_test_misuse_count_code(&rec, BCSC_MISUSE_SCOPE_CLOSED),
               bcsc_test_misuse_expected(1));
  cr_assert_eq(bcsc_test_misuse_count_code(&rec, BCSC_MISUSE_ATTACHED),
               bcsc_test_misuse_expected(1));
  cr_assert_eq(bcsc_test_misuse_count_code(&rec, BCSC_MISUSE_BAD_OBJECT),
               bcsc_test_misuse_expected(1));
  cr_assert_eq(rec.count, bcsc_test_misuse_expected(6));
  /* Not a scope at all; and from outside any poll (no owner polled). */
  memset(&junk, 0x5a, sizeof junk);
  cr_assert_eq(
      bcsc_scope_set_drain_grace(&junk, &p.node, BCSC_SEC, record, NULL),
      BCSC_EBADOBJ);
  cr_assert_eq(bcsc_test_misuse_count_code(&rec, BCSC_MISUSE_BAD_OBJECT),
               bcsc_test_misuse_expected(2));
  cr_assert_eq(bcsc_drain_grace_init(NULL), BCSC_EINVAL);
  cr_assert_eq(bcsc_drain_grace_sizeof(), sizeof(bcsc_drain_grace_t));
  cr_assert_eq(bcsc_drain_grace_alignof(), _Alignof(bcsc_drain_grace_t));
  bcsc_test_misuse_uninstall();
  teardown();
}

Test(grace, only_the_owner_being_polled_may_set_it) {
  parent_t p;
  report_log_t log = {0};
  meddler_t m;
  bcsc_test_misuse_t rec;
  parent_init(&p, &log, HOW_NONE, BCSC_SEC);
  cr_assert_eq(bcsc_task_init(&m.task, meddler_poll, NULL), 0);
  m.target = &p.scope;
  m.rc = 1;
  parent_add(&p, &m.task);
  bcsc_test_misuse_install(&rec);
  cr_assert_eq(bcsc_executor_run(&g_ex, &p.task), 0);
  cr_assert_eq(m.rc, BCSC_EPERM);
  cr_assert_eq(bcsc_test_misuse_count_code(&rec, BCSC_MISUSE_FOREIGN_SCOPE),
               bcsc_test_misuse_expected(1));
  cr_assert_eq(rec.count, bcsc_test_misuse_expected(1));
  bcsc_test_misuse_uninstall();
  cr_assert_eq(p.join_rc, 0);
  cr_assert_eq(log.n, 0);
  teardown();
}

/* The executor's root scope has no owner task: nobody may set it. */
typedef struct rooted {
  bcsc_task_t task;
  int rc;
} rooted_t;

static int rooted_poll(bcsc_task_t *self) {
  rooted_t *r = (rooted_t *)self;
  bcsc_drain_grace_t node = BCSC_DRAIN_GRACE_INITIALIZER;
  r->rc = bcsc_scope_set_drain_grace(self->priv.scope, &node, BCSC_SEC, record,
                                     NULL);
  return 0;
}

Test(grace, the_root_scope_has_no_owner_to_set_it) {
  rooted_t r;
  bcsc_test_misuse_t rec;
  cr_assert_eq(bcsc_task_init(&r.task, rooted_poll, NULL), 0);
  r.rc = 1;
  bcsc_test_misuse_install(&rec);
  cr_assert_eq(bcsc_executor_run(&g_ex, &r.task), 0);
  bcsc_test_misuse_uninstall();
  cr_assert_eq(r.rc, BCSC_EPERM);
  cr_assert_eq(bcsc_test_misuse_count_code(&rec, BCSC_MISUSE_FOREIGN_SCOPE),
               bcsc_test_misuse_expected(1));
  teardown();
}

/* An executor without a reactor has no clock: no grace, as no deadline. */
Test(grace, without_a_reactor_it_is_not_supported) {
  parent_t p;
  report_log_t log = {0};
  bcsc_executor_t ex;
  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  parent_init(&p, &log, HOW_NONE, BCSC_SEC);
  cr_assert_eq(bcsc_executor_run(&ex, &p.task), 0);
  cr_assert_eq(p.set_rc, BCSC_ENOTSUP);
  cr_assert_eq(p.joined, 1);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
  teardown();
}

/* ---- the queries --------------------------------------------------------- */

/* Waits on three things at once (a select by hand): `g_work`, a semaphore
 * with no permit, and a sleep. */
typedef struct waiter3 {
  bcsc_task_t task;
  bcsc_wait_t wait;
  bcsc_semaphore_waiter_t place;
  bcsc_timer_t timer;
  bcsc_semaphore_t *sem;
} waiter3_t;

static int waiter3_poll(bcsc_task_t *self) {
  waiter3_t *w = (waiter3_t *)self;
  if (bcsc_task_cancelled(self))
    return BCSC_ECANCELED;
  cr_assert_eq(bcsc_wait_register(self, &w->wait, &g_work), 0);
  cr_assert_eq(bcsc_semaphore_acquire(self, w->sem, &w->place, 1),
               BCSC_PENDING);
  cr_assert_eq(bcsc_sleep_for(self, &w->timer, BCSC_SEC), BCSC_PENDING);
  return BCSC_PENDING;
}

/* Runs after the waiters are waiting: reads what they wait on, then
 * cancels them all. */
typedef struct inspector {
  bcsc_task_t task;
  bcsc_test_leaf_t *first, *last; /* on g_work before and after w3 */
  waiter3_t *w3;
  bcsc_semaphore_t *sem;
  bcsc_scope_t *scope;
  bcsc_wait_t *seen[4];
  bcsc_waitq_t *queues[4];
  uint32_t n;
  bcsc_wait_t *first_next;
  bcsc_waitq_t *first_queue, *last_queue;
  bcsc_wait_t *queued_next; /* of a queued task: none */
} inspector_t;

static int inspector_poll(bcsc_task_t *self) {
  inspector_t *in = (inspector_t *)self;
  for (bcsc_wait_t *w = bcsc_task_wait_next(&in->w3->task, NULL); w != NULL;
       w = bcsc_task_wait_next(&in->w3->task, w)) {
    cr_assert_lt(in->n, 4);
    in->seen[in->n] = w;
    in->queues[in->n++] = bcsc_wait_queue(w);
  }
  in->first_next = bcsc_task_wait_next(&in->first->task, NULL);
  in->first_queue = bcsc_wait_queue(in->first_next);
  in->last_queue = bcsc_wait_queue(bcsc_task_wait_next(&in->last->task, NULL));
  /* Being polled, it holds none yet; once woken it is queued. */
  cr_assert_null(bcsc_task_wait_next(self, NULL));
  cr_assert_eq(bcsc_scope_cancel(in->scope), 0);
  in->queued_next = bcsc_task_wait_next(&in->w3->task, NULL);
  return 0;
}

Test(grace, a_tasks_registrations_and_their_lists_are_listed) {
  bcsc_test_owner_t owner;
  bcsc_test_leaf_t first, last;
  waiter3_t w3;
  inspector_t in;
  bcsc_semaphore_t sem;
  bcsc_task_t *kids[4];
  cr_assert_eq(bcsc_semaphore_init(&sem, 0), 0);
  bcsc_test_leaf_init(&first, 1);
  first.queue = &g_work;
  bcsc_test_leaf_init(&last, 2);
  last.queue = &g_work;
  memset(&w3, 0, sizeof w3);
  cr_assert_eq(bcsc_task_init(&w3.task, waiter3_poll, NULL), 0);
  cr_assert_eq(bcsc_wait_init(&w3.wait), 0);
  cr_assert_eq(bcsc_semaphore_waiter_init(&w3.place), 0);
  cr_assert_eq(bcsc_timer_init(&w3.timer), 0);
  w3.sem = &sem;
  memset(&in, 0, sizeof in);
  cr_assert_eq(bcsc_task_init(&in.task, inspector_poll, NULL), 0);
  in.first = &first;
  in.last = &last;
  in.w3 = &w3;
  in.sem = &sem;
  kids[0] = &first.task;
  kids[1] = &w3.task;
  kids[2] = &last.task;
  kids[3] = &in.task;
  bcsc_test_owner_init(&owner, 9, BCSC_SCOPE_WAIT_ALL, kids, 4);
  in.scope = &owner.scope;
  cr_assert_eq(bcsc_executor_run(&g_ex, &owner.task), BCSC_ECANCELED);
  /* Newest first: the sleep (no list: the wheel), the place in the
   * semaphore's line (its list, inside the semaphore), the plain wait. */
  cr_assert_eq(in.n, 3);
  cr_assert_null(in.queues[0]);
  cr_assert_eq(in.seen[2], &w3.wait);
  cr_assert_eq(in.queues[2], &g_work);
  cr_assert_not_null(in.queues[1]);
  cr_assert_geq((char *)in.queues[1], (char *)&sem);
  cr_assert_lt((char *)in.queues[1], (char *)&sem + sizeof sem);
  /* The oldest and the newest of three waiters on one list. */
  cr_assert_eq(in.first_next, &first.wait);
  cr_assert_eq(in.first_queue, &g_work);
  cr_assert_eq(in.last_queue, &g_work);
  cr_assert_null(in.queued_next);
  /* None once done; a registration no longer linked is on no list. */
  cr_assert_null(bcsc_task_wait_next(&w3.task, NULL));
  cr_assert_null(bcsc_wait_queue(&w3.wait));
  cr_assert_null(bcsc_task_wait_next(NULL, NULL));
  cr_assert_null(bcsc_wait_queue(NULL));
  cr_assert_eq(bcsc_semaphore_deinit(&sem), 0);
  teardown();
}

/* Asks for the registration after one that is not the task's. */
typedef struct strayer {
  bcsc_task_t task;
  bcsc_test_leaf_t *a, *b;
  bcsc_wait_t idle;
  bcsc_wait_t junk_wait;
  bcsc_wait_t *after_other, *after_idle, *after_junk;
  bcsc_wait_t *of_junk;
} strayer_t;

static int strayer_poll(bcsc_task_t *self) {
  strayer_t *s = (strayer_t *)self;
  bcsc_task_t junk;
  s->after_other = bcsc_task_wait_next(&s->a->task, &s->b->wait);
  s->after_idle = bcsc_task_wait_next(&s->a->task, &s->idle);
  memset(&s->junk_wait, 0x5a, sizeof s->junk_wait);
  s->after_junk = bcsc_task_wait_next(&s->a->task, &s->junk_wait);
  memset(&junk, 0x5a, sizeof junk);
  s->of_junk = bcsc_task_wait_next(&junk, NULL);
  cr_assert_eq(bcsc_waitq_wake_all(&g_work, 0), 2);
  return 0;
}

Test(grace, asking_after_a_registration_of_another_task_is_misuse) {
  bcsc_test_owner_t owner;
  bcsc_test_leaf_t a, b;
  strayer_t s;
  bcsc_task_t *kids[3];
  bcsc_test_misuse_t rec;
  bcsc_test_leaf_init(&a, 1);
  a.queue = &g_work;
  bcsc_test_leaf_init(&b, 2);
  b.queue = &g_work;
  memset(&s, 0, sizeof s);
  cr_assert_eq(bcsc_task_init(&s.task, strayer_poll, NULL), 0);
  cr_assert_eq(bcsc_wait_init(&s.idle), 0);
  s.a = &a;
  s.b = &b;
  kids[0] = &a.task;
  kids[1] = &b.task;
  kids[2] = &s.task;
  bcsc_test_owner_init(&owner, 9, BCSC_SCOPE_WAIT_ALL, kids, 3);
  bcsc_test_misuse_install(&rec);
  cr_assert_eq(bcsc_executor_run(&g_ex, &owner.task), 0);
  bcsc_test_misuse_uninstall();
  cr_assert_null(s.after_other);
  cr_assert_null(s.after_idle);
  cr_assert_null(s.after_junk);
  cr_assert_null(s.of_junk);
  cr_assert_eq(bcsc_test_misuse_count_code(&rec, BCSC_MISUSE_BAD_ARGUMENT),
               bcsc_test_misuse_expected(3));
  cr_assert_eq(bcsc_test_misuse_count_code(&rec, BCSC_MISUSE_BAD_OBJECT),
               bcsc_test_misuse_expected(1));
  cr_assert_eq(rec.count, bcsc_test_misuse_expected(4));
  teardown();
}

/* A registration whose list no longer reads as one (overwritten while it
 * has waiters) is on no list that bcsc can name. */
typedef struct blinder {
  bcsc_task_t task;
  bcsc_test_leaf_t *waiting;
  bcsc_waitq_t *blind, *seen;
} blinder_t;

static int blinder_poll(bcsc_task_t *self) {
  blinder_t *b = (blinder_t *)self;
  bcsc_wait_t *w = bcsc_task_wait_next(&b->waiting->task, NULL);
  uint16_t magic = g_work.priv.magic;
  g_work.priv.magic = 0;
  b->blind = bcsc_wait_queue(w);
  g_work.priv.magic = magic;
  b->seen = bcsc_wait_queue(w);
  cr_assert_eq(bcsc_waitq_wake_all(&g_work, 0), 1);
  return 0;
}

Test(grace, a_list_overwritten_under_its_waiters_is_not_named) {
  bcsc_test_owner_t owner;
  bcsc_test_leaf_t a;
  blinder_t b;
  bcsc_task_t *kids[2];
  bcsc_test_leaf_init(&a, 1);
  a.queue = &g_work;
  memset(&b, 0, sizeof b);
  cr_assert_eq(bcsc_task_init(&b.task, blinder_poll, NULL), 0);
  b.waiting = &a;
  kids[0] = &a.task;
  kids[1] = &b.task;
  bcsc_test_owner_init(&owner, 9, BCSC_SCOPE_WAIT_ALL, kids, 2);
  cr_assert_eq(bcsc_executor_run(&g_ex, &owner.task), 0);
  cr_assert_null(b.blind);
  cr_assert_eq(b.seen, &g_work);
  teardown();
}

/* ---- frames overwritten while the grace runs (checked build) ------------- */

/* Runs `fn` at `at`. */
typedef struct timed {
  bcsc_task_t task;
  bcsc_timer_t timer;
  uint64_t at;
  void (*fn)(void *);
  void *arg;
} timed_t;

static int timed_poll(bcsc_task_t *self) {
  timed_t *t = (timed_t *)self;
  int rc = bcsc_sleep_until(self, &t->timer, t->at);
  if (rc != 0)
    return rc;
  t->fn(t->arg);
  return 0;
}

static void timed_start(timed_t *t, uint64_t at, void (*fn)(void *),
                        void *arg) {
  cr_assert_eq(bcsc_task_init(&t->task, timed_poll, NULL), 0);
  cr_assert_eq(bcsc_timer_init(&t->timer), 0);
  t->at = at;
  t->fn = fn;
  t->arg = arg;
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &t->task), 0);
}

/* Swaps a task's magic with a saved one: clobbers, then restores. */
static uint16_t g_saved_magic;
static void swap_magic(void *arg) {
  bcsc_task_t *t = arg;
  uint16_t m = t->priv.magic;
  t->priv.magic = g_saved_magic;
  g_saved_magic = m;
}

Test(grace, a_stuck_frame_overwritten_ends_the_report_with_a_misuse) {
  report_log_t log = {0};
  parent_t p;
  bcsc_test_leaf_t stuck;
  acker_t ack;
  timed_t clobber, restore;
  bcsc_test_misuse_t rec;
  parent_init(&p, &log, HOW_CANCEL, BCSC_SEC);
  stuck_init(&stuck, 1);
  parent_add(&p, &stuck.task);
  acker_start(&ack, T0 + 3 * BCSC_SEC);
  g_saved_magic = 0;
  timed_start(&clobber, T0 + BCSC_SEC / 2, swap_magic, &stuck.task);
  timed_start(&restore, T0 + 3 * BCSC_SEC / 2, swap_magic, &stuck.task);
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &p.task), 0);
  bcsc_test_misuse_install(&rec);
  run_all();
  bcsc_test_misuse_uninstall();
  /* The release build trusts its links: it reports the task. */
  cr_assert_eq(log.n, 1 - bcsc_test_misuse_expected(1));
  cr_assert_eq(rec.count, bcsc_test_misuse_expected(1));
  cr_assert_eq(bcsc_test_misuse_count_code(&rec, BCSC_MISUSE_FRAME_CLOBBERED),
               bcsc_test_misuse_expected(1));
  cr_assert_eq(p.joined_at, T0 + 3 * BCSC_SEC);
  teardown();
}

/* Flips a bit of the task's address tag (twice: back): a frame that
 * reads as copied from another address. */
static void flip_tag(void *arg) {
  bcsc_task_t *t = arg;
  t->priv.self_tag ^= 1;
}

Test(grace, a_stuck_frame_moved_ends_the_report_with_a_misuse) {
  report_log_t log = {0};
  parent_t p;
  bcsc_test_leaf_t stuck;
  acker_t ack;
  timed_t clobber, restore;
  bcsc_test_misuse_t rec;
  parent_init(&p, &log, HOW_CANCEL, BCSC_SEC);
  stuck_init(&stuck, 1);
  parent_add(&p, &stuck.task);
  acker_start(&ack, T0 + 3 * BCSC_SEC);
  timed_start(&clobber, T0 + BCSC_SEC / 2, flip_tag, &stuck.task);
  timed_start(&restore, T0 + 3 * BCSC_SEC / 2, flip_tag, &stuck.task);
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &p.task), 0);
  bcsc_test_misuse_install(&rec);
  run_all();
  bcsc_test_misuse_uninstall();
  cr_assert_eq(log.n, 1 - bcsc_test_misuse_expected(1));
  cr_assert_eq(bcsc_test_misuse_count_code(&rec, BCSC_MISUSE_FRAME_CLOBBERED),
               bcsc_test_misuse_expected(1));
  teardown();
}

/* Swaps a task's next-sibling link with a poisoned one. */
static bcsc_task_t *g_saved_link;
static void swap_link(void *arg) {
  bcsc_task_t *t = arg;
  bcsc_task_t *l = t->priv.sibling_next;
  t->priv.sibling_next = g_saved_link;
  g_saved_link = l;
}

Test(grace, a_poisoned_link_ends_the_report_with_a_misuse) {
  report_log_t log = {0};
  parent_t p;
  bcsc_test_leaf_t first, second;
  acker_t ack;
  timed_t clobber, restore;
  bcsc_test_misuse_t rec;
  if (!bcsc_is_checked_build())
    cr_skip_test("the release build has no canaries");
  parent_init(&p, &log, HOW_CANCEL, BCSC_SEC);
  stuck_init(&first, 1);
  stuck_init(&second, 2);
  parent_add(&p, &first.task);
  parent_add(&p, &second.task);
  acker_start(&ack, T0 + 3 * BCSC_SEC);
  g_saved_link = BCSC__POISONED;
  timed_start(&clobber, T0 + BCSC_SEC / 2, swap_link, &first.task);
  timed_start(&restore, T0 + 3 * BCSC_SEC / 2, swap_link, &first.task);
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &p.task), 0);
  bcsc_test_misuse_install(&rec);
  run_all();
  bcsc_test_misuse_uninstall();
  cr_assert_eq(log.n, 1); /* the first, before the link */
  assert_stuck_on_ack(&log, 0, &p.scope, &first, T0 + BCSC_SEC);
  cr_assert_eq(rec.count, 1);
  cr_assert_eq(bcsc_test_misuse_count_code(&rec, BCSC_MISUSE_NODE_UNLINKED), 1);
  teardown();
}

/* ---- a cleanup that keeps yielding --------------------------------------- */

/* Once cancelled, burns `step` of virtual time per poll and yields, until
 * `until`: live, so reported, but waiting on nothing. */
typedef struct spinner {
  bcsc_task_t task;
  uint64_t step, until;
  uint32_t polls;
} spinner_t;

static int spinner_poll(bcsc_task_t *self) {
  spinner_t *s = (spinner_t *)self;
  s->polls++;
  if (!bcsc_task_cancelled(self))
    return bcsc_task_yield(self);
  if (bcsc_sim_reactor_now(&g_sim) >= s->until)
    return BCSC_ECANCELED;
  cr_assert_eq(bcsc_sim_reactor_advance(&g_sim, s->step), 0);
  return bcsc_task_yield(self);
}

Test(grace, a_cleanup_that_keeps_yielding_is_reported_with_no_wait) {
  report_log_t log = {0};
  parent_t p;
  spinner_t s;
  parent_init(&p, &log, HOW_CANCEL, BCSC_SEC);
  memset(&s, 0, sizeof s);
  cr_assert_eq(bcsc_task_init(&s.task, spinner_poll, NULL), 0);
  s.step = BCSC_MSEC;
  s.until = T0 + 3 * BCSC_SEC;
  parent_add(&p, &s.task);
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &p.task), 0);
  run_all();
  cr_assert_eq(log.n, 1);
  cr_assert_eq(log.r[0].child, &s.task);
  cr_assert_eq(log.r[0].nwaits, 0);
  /* The run loop looks at the clock every so many turns while tasks are
   * ready: the report comes at the first look past the grace. */
  cr_assert_geq(log.r[0].at, T0 + BCSC_SEC);
  cr_assert_lt(log.r[0].at, T0 + BCSC_SEC + 100 * BCSC_MSEC);
  cr_assert_eq(p.join_rc, BCSC_ECANCELED);
  teardown();
}

/* ---- the attachment list (D64) ------------------------------------------- */

/* A scope holding a context entry, an error list and a drain grace (newest
 * last): each found through the one list; a node another scope holds is
 * refused; a node overwritten while attached is reported where the list is
 * walked. */
typedef struct attacher {
  bcsc_task_t task;
  bcsc_scope_t scope, other;
  bcsc_context_t entry;
  bcsc_drain_grace_t grace, spare_grace;
  bcsc_error_list_t list, spare_list, other_list;
  bcsc_child_error_t errors[1];
  bcsc_test_leaf_t failing;
  uintptr_t value;
  int phase;
  int rc[12];
} attacher_t;

static int attacher_poll(bcsc_task_t *self) {
  attacher_t *h = (attacher_t *)self;
  bcsc_drain_grace_t grace_copy;
  bcsc_error_list_t list_copy;
  if (h->phase == 1) {
    h->list.priv.magic ^= 0xffff; /* the child's failure found it so */
    h->rc[7] = bcsc_scope_join(&h->scope);
    return 0;
  }
  h->phase = 1;
  cr_assert_eq(bcsc_scope_init(&h->scope, self, BCSC_SCOPE_WAIT_ALL), 0);
  cr_assert_eq(bcsc_scope_init(&h->other, self, BCSC_SCOPE_WAIT_ALL), 0);
  cr_assert_eq(bcsc_context_init(&h->entry) | bcsc_drain_grace_init(&h->grace) |
                   bcsc_drain_grace_init(&h->spare_grace) |
                   bcsc_error_list_init(&h->list) |
                   bcsc_error_list_init(&h->spare_list) |
                   bcsc_error_list_init(&h->other_list),
               0);
  h->rc[0] = bcsc_scope_set_context(&h->scope, &h->entry, 7, 70);
  h->rc[0] |= bcsc_scope_set_error_list(&h->scope, &h->list, h->errors, 1);
  h->rc[0] |=
      bcsc_scope_set_drain_grace(&h->scope, &h->grace, BCSC_SEC, record, NULL);
  h->rc[0] |= bcsc_scope_set_error_list(&h->other, &h->other_list, NULL, 0);
  /* The entry is the oldest node: the lookup walks past the other two. */
  h->rc[1] = bcsc_task_context(self, 7, &h->value);
  /* An error list another scope holds is refused ("list NULL" detached
   * the other scope's: none was attached, so other_list stayed idle). */
  h->rc[0] |=
      bcsc_scope_set_error_list(&h->other, &h->other_list, h->errors, 1);
  h->rc[2] = bcsc_scope_set_error_list(&h->scope, &h->other_list, h->errors, 1);
  /* The grace node is overwritten (its tag no longer its address's). */
  h->grace.priv.node.self_tag ^= 1;
  h->rc[3] = bcsc_scope_set_drain_grace(&h->scope, &h->spare_grace, BCSC_SEC,
                                        record, NULL);
  h->rc[4] = bcsc_task_context(self, 7, &h->value);
  h->grace.priv.node.self_tag ^= 1;
  /* Copies of attached nodes: moved. */
  grace_copy = h->grace;
  list_copy = h->list;
  h->rc[8] = bcsc_scope_set_drain_grace(&h->scope, &grace_copy, BCSC_SEC,
                                        record, NULL);
  h->rc[9] = bcsc_scope_set_error_list(&h->scope, &list_copy, h->errors, 1);
  /* The newest node, the grace, is fine; the list behind it is not (its
   * magic no longer any node's), when set again and when a child fails. */
  h->list.priv.magic ^= 0xffff;
  h->rc[5] = bcsc_scope_set_error_list(&h->scope, &h->spare_list, h->errors, 1);
  h->rc[6] = bcsc_scope_join(&h->other);
  bcsc_test_leaf_init(&h->failing, 1);
  h->failing.result = BCSC_TEST_E1;
  cr_assert_eq(bcsc_scope_spawn(&h->scope, &h->failing.task), 0);
  return bcsc_scope_join(&h->scope);
}

Test(grace, nodes_share_one_list_and_an_overwritten_one_is_reported) {
  attacher_t h;
  bcsc_test_misuse_t rec;
  if (!bcsc_is_checked_build())
    cr_skip_test("the release build has no canaries");
  memset(&h, 0, sizeof h);
  cr_assert_eq(bcsc_task_init(&h.task, attacher_poll, NULL), 0);
  bcsc_test_misuse_install(&rec);
  cr_assert_eq(bcsc_executor_run(&g_ex, &h.task), 0);
  cr_assert_eq(bcsc_error_list_init(NULL), BCSC_EINVAL);
  bcsc_test_misuse_uninstall();
  cr_assert_eq(h.rc[0], 0);
  cr_assert_eq(h.rc[1], 1);
  cr_assert_eq(h.rc[2], BCSC_EBUSY);
  cr_assert_eq(h.rc[3], BCSC_EBADOBJ);
  cr_assert_eq(h.rc[4], BCSC_EBADOBJ);
  cr_assert_eq(h.rc[5], BCSC_EBADOBJ);
  cr_assert_eq(h.rc[6], 0);
  cr_assert_eq(h.rc[7], BCSC_TEST_E1);
  cr_assert_eq(h.rc[8], BCSC_EBADOBJ);
  cr_assert_eq(h.rc[9], BCSC_EBADOBJ);
  cr_assert_eq(h.value, 70);
  /* The failure was counted, not recorded: the list could not be found. */
  cr_assert_eq(bcsc_scope_error_count(&h.scope), 1);
  cr_assert_null(h.errors[0].task);
  cr_assert_eq(bcsc_test_misuse_count_code(&rec, BCSC_MISUSE_ATTACHED), 1);
  cr_assert_eq(bcsc_test_misuse_count_code(&rec, BCSC_MISUSE_MOVED), 2);
  cr_assert_eq(bcsc_test_misuse_count_code(&rec, BCSC_MISUSE_FRAME_CLOBBERED),
               4);
  cr_assert_eq(bcsc_test_misuse_count_code(&rec, BCSC_MISUSE_NULL_OBJECT), 1);
  cr_assert_eq(rec.count, 8);
  /* The scopes closed: every node is idle again, the refused ones too. */
  cr_assert_eq(h.entry.priv.state | h.grace.priv.node.state |
                   h.spare_grace.priv.node.state | h.list.priv.state |
                   h.spare_list.priv.state | h.other_list.priv.state,
               0);
  cr_assert_eq(h.grace.priv.node.self_tag | h.list.priv.self_tag |
                   h.other_list.priv.self_tag | h.entry.priv.self_tag,
               0u);
  cr_assert_eq(bcsc_error_list_sizeof(), sizeof(bcsc_error_list_t));
  cr_assert_eq(bcsc_error_list_alignof(), _Alignof(bcsc_error_list_t));
  teardown();
}

/* A grace and an error list held by one scope are refused to another of
 * the same owner's scopes, whether that one holds none of its own yet or
 * holds its own (which it keeps): each scope still records its own child's
 * failure in its own list. */
typedef struct holder_pair {
  bcsc_task_t task;
  bcsc_scope_t scope[2];
  bcsc_drain_grace_t grace[2];
  bcsc_error_list_t list[2];
  bcsc_child_error_t errors[2][1];
  bcsc_test_leaf_t failing[2];
  int rc[4];
  int joined[2];
  int phase;
} holder_pair_t;

static int holder_pair_poll(bcsc_task_t *self) {
  holder_pair_t *h = (holder_pair_t *)self;
  /* The inner scope (opened last) is joined first. */
  for (int i = 1; h->phase > 0 && i >= 0; i--) {
    if (h->phase == 2 - i) {
      if ((h->joined[i] = bcsc_scope_join(&h->scope[i])) == BCSC_PENDING)
        return BCSC_PENDING;
      h->phase++;
    }
  }
  if (h->phase == 3)
    return 0;
  h->phase = 1;
  for (int i = 0; i < 2; i++) {
    cr_assert_eq(bcsc_scope_init(&h->scope[i], self, BCSC_SCOPE_WAIT_ALL), 0);
    cr_assert_eq(bcsc_drain_grace_init(&h->grace[i]), 0);
    cr_assert_eq(bcsc_error_list_init(&h->list[i]), 0);
  }
  cr_assert_eq(bcsc_scope_set_drain_grace(&h->scope[1], &h->grace[1], BCSC_SEC,
                                          record, NULL),
               0);
  cr_assert_eq(
      bcsc_scope_set_error_list(&h->scope[1], &h->list[1], h->errors[1], 1), 0);
  h->rc[0] = bcsc_scope_set_drain_grace(&h->scope[0], &h->grace[1], BCSC_SEC,
                                        record, NULL);
  h->rc[1] =
      bcsc_scope_set_error_list(&h->scope[0], &h->list[1], h->errors[0], 1);
  cr_assert_eq(bcsc_scope_set_drain_grace(&h->scope[0], &h->grace[0], BCSC_SEC,
                                          record, NULL),
               0);
  cr_assert_eq(
      bcsc_scope_set_error_list(&h->scope[0], &h->list[0], h->errors[0], 1), 0);
  h->rc[2] = bcsc_scope_set_drain_grace(&h->scope[0], &h->grace[1], BCSC_SEC,
                                        record, NULL);
  h->rc[3] =
      bcsc_scope_set_error_list(&h->scope[0], &h->list[1], h->errors[0], 1);
  for (int i = 0; i < 2; i++) {
    bcsc_test_leaf_init(&h->failing[i], i + 1);
    h->failing[i].result = i == 0 ? BCSC_TEST_E1 : BCSC_TEST_E2;
    cr_assert_eq(bcsc_scope_spawn(&h->scope[i], &h->failing[i].task), 0);
  }
  return bcsc_task_yield(self);
}

Test(grace, a_node_another_scope_holds_is_refused_with_or_without_one) {
  holder_pair_t h;
  bcsc_test_misuse_t rec;
  memset(&h, 0, sizeof h);
  cr_assert_eq(bcsc_task_init(&h.task, holder_pair_poll, NULL), 0);
  bcsc_test_misuse_install(&rec);
  cr_assert_eq(bcsc_executor_run(&g_ex, &h.task), 0);
  bcsc_test_misuse_uninstall();
  for (int i = 0; i < 4; i++)
    cr_assert_eq(h.rc[i], BCSC_EBUSY, "call %d", i);
  cr_assert_eq(bcsc_test_misuse_count_code(&rec, BCSC_MISUSE_ATTACHED),
               bcsc_test_misuse_expected(4));
  cr_assert_eq(rec.count, bcsc_test_misuse_expected(4));
  cr_assert_eq(h.joined[0], BCSC_TEST_E1);
  cr_assert_eq(h.joined[1], BCSC_TEST_E2);
  /* Each scope kept its own list: neither failure went to the other's. */
  cr_assert_eq(h.errors[0][0].task, &h.failing[0].task);
  cr_assert_eq(h.errors[0][0].error, BCSC_TEST_E1);
  cr_assert_eq(h.errors[1][0].task, &h.failing[1].task);
  cr_assert_eq(h.errors[1][0].error, BCSC_TEST_E2);
  teardown();
}

/* An error list that is NULL or not one is refused before anything is
 * looked at; the scope then takes a real one as usual. */
typedef struct list_prober {
  bcsc_task_t task;
  bcsc_scope_t scope;
  bcsc_error_list_t junk, list;
  bcsc_child_error_t errors[1];
  int rc[3];
} list_prober_t;

static int list_prober_poll(bcsc_task_t *self) {
  list_prober_t *p = (list_prober_t *)self;
  cr_assert_eq(bcsc_scope_init(&p->scope, self, BCSC_SCOPE_WAIT_ALL), 0);
  memset(&p->junk, 0x5a, sizeof p->junk);
  cr_assert_eq(bcsc_error_list_init(&p->list), 0);
  p->rc[0] = bcsc_scope_set_error_list(&p->scope, NULL, p->errors, 1);
  p->rc[1] = bcsc_scope_set_error_list(&p->scope, &p->junk, p->errors, 1);
  p->rc[2] = bcsc_scope_set_error_list(&p->scope, &p->list, p->errors, 1);
  return bcsc_scope_join(&p->scope);
}

Test(grace, an_error_list_null_or_not_one_is_refused) {
  list_prober_t p;
  bcsc_test_misuse_t rec;
  memset(&p, 0, sizeof p);
  cr_assert_eq(bcsc_task_init(&p.task, list_prober_poll, NULL), 0);
  bcsc_test_misuse_install(&rec);
  cr_assert_eq(bcsc_executor_run(&g_ex, &p.task), 0);
  bcsc_test_misuse_uninstall();
  cr_assert_eq(p.rc[0], BCSC_EINVAL);
  cr_assert_eq(p.rc[1], BCSC_EBADOBJ);
  cr_assert_eq(p.rc[2], 0);
  cr_assert_eq(bcsc_test_misuse_count_code(&rec, BCSC_MISUSE_NULL_OBJECT),
               bcsc_test_misuse_expected(1));
  cr_assert_eq(bcsc_test_misuse_count_code(&rec, BCSC_MISUSE_BAD_OBJECT),
               bcsc_test_misuse_expected(1));
  cr_assert_eq(rec.count, bcsc_test_misuse_expected(2));
  /* The refused junk was not attached: its bytes are as they were. */
  cr_assert_eq(p.junk.priv.state, 0x5a);
  cr_assert_eq(p.junk.priv.self_tag, 0x5a5a5a5au);
  teardown();
}

static void flip_grace_tag(void *arg) {
  bcsc_drain_grace_t *g = arg;
  g->priv.node.self_tag ^= 1;
}

/* Overwritten while its timer runs: setting it again, moving the deadline,
 * reading it and the timer's end each report it and use nothing of it. */
Test(grace, an_overwritten_running_grace_is_reported_and_not_used) {
  report_log_t log = {0};
  resetter_t r;
  acker_t ack;
  timed_t clobber;
  bcsc_test_misuse_t rec;
  if (!bcsc_is_checked_build())
    cr_skip_test("the release build has no canaries");
  memset(&r, 0, sizeof r);
  cr_assert_eq(bcsc_task_init(&r.task, resetter_poll, NULL), 0);
  cr_assert_eq(bcsc_timer_init(&r.timer), 0);
  r.log = &log;
  r.step = BCSC_SEC / 2;
  r.again = BCSC_SEC;
  acker_start(&ack, T0 + 5 * BCSC_SEC);
  timed_start(&clobber, T0 + BCSC_SEC / 4, flip_grace_tag, &r.node);
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &r.task), 0);
  bcsc_test_misuse_install(&rec);
  run_all();
  bcsc_test_misuse_uninstall();
  cr_assert_eq(r.set_again_rc, BCSC_EBADOBJ);
  cr_assert_eq(r.set_deadline_rc, 0);
  cr_assert_eq(log.n, 0);
  /* set again: the node itself moved; set_deadline, deadline, the timer's
   * end and the close: found overwritten through the list */
  cr_assert_eq(bcsc_test_misuse_count_code(&rec, BCSC_MISUSE_MOVED), 1);
  cr_assert_eq(bcsc_test_misuse_count_code(&rec, BCSC_MISUSE_FRAME_CLOBBERED),
               4);
  cr_assert_eq(rec.count, 5);
  cr_assert_eq(bcsc_task_result(&r.task), BCSC_ECANCELED);
  cr_assert_eq(bcsc_executor_next_deadline(&g_ex), BCSC_NO_DEADLINE);
  teardown();
}

/* Overwritten before the cancellation (the timer does not start) and
 * while the timer runs when the scope closes (the link is given back). */
Test(grace, an_overwritten_grace_neither_starts_nor_stops_a_timer) {
  report_log_t log = {0};
  parent_t by_deadline, by_cancel;
  bcsc_test_leaf_t stuck1, stuck2;
  acker_t ack;
  timed_t clobber1, clobber2;
  bcsc_test_misuse_t rec;
  if (!bcsc_is_checked_build())
    cr_skip_test("the release build has no canaries");
  parent_init(&by_deadline, &log, HOW_DEADLINE, BCSC_SEC);
  by_deadline.deadline = T0 + BCSC_SEC;
  parent_init(&by_cancel, &log, HOW_CANCEL, 2 * BCSC_SEC);
  stuck_init(&stuck1, 1);
  stuck_init(&stuck2, 2);
  parent_add(&by_deadline, &stuck1.task);
  parent_add(&by_cancel, &stuck2.task);
  acker_start(&ack, T0 + 3 * BCSC_SEC / 2);
  timed_start(&clobber1, T0 + BCSC_SEC / 2, flip_grace_tag, &by_deadline.node);
  timed_start(&clobber2, T0 + BCSC_SEC / 2, flip_grace_tag, &by_cancel.node);
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &by_deadline.task), 0);
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &by_cancel.task), 0);
  bcsc_test_misuse_install(&rec);
  run_all();
  bcsc_test_misuse_uninstall();
  cr_assert_eq(log.n, 0);
  cr_assert_eq(by_deadline.joined_at, T0 + 3 * BCSC_SEC / 2);
  cr_assert_eq(by_cancel.joined_at, T0 + 3 * BCSC_SEC / 2);
  /* the cancellation's lookup and the close; the close's two lookups */
  cr_assert_eq(bcsc_test_misuse_count_code(&rec, BCSC_MISUSE_FRAME_CLOBBERED),
               4);
  cr_assert_eq(rec.count, 4);
  cr_assert_eq(bcsc_executor_next_deadline(&g_ex), BCSC_NO_DEADLINE);
  teardown();
}
