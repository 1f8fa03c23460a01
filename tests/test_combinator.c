/* SPDX-License-Identifier: MIT
 * test_combinator.c - bcsc_join_all, bcsc_race and bcsc_timeout through the
 * public API: results, cancellation and draining of the losers, the
 * winner's index, deadlines in virtual time, precise wakeups (a wake polls
 * the one child it is for; the caller runs once, when the scope empties),
 * and bad arguments that leave nothing half-started. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include <bcsc.h>

#include "bcsc_test.h"

#define KIDS 3

static bcsc_executor_t g_ex;
static bcsc_sim_reactor_t g_sim;

static void executor_with_clock(void) {
  bcsc_executor_config_t cfg = {.size = sizeof cfg, .reactor = &g_sim.base};
  cr_assert_eq(bcsc_sim_reactor_init(&g_sim, 0), 0);
  cr_assert_eq(bcsc_executor_init(&g_ex, &cfg), 0);
}

static void run_all(void) {
  cr_assert_geq(bcsc_executor_poll(&g_ex, 1u << 20), 0);
}

enum which_combinator { JOIN_ALL, RACE, TIMEOUT };

/* The caller: runs its kids through one combinator, awaiting it. */
typedef struct caller {
  bcsc_task_t task;
  bcsc_co_t co;
  bcsc_scope_t scope;
  bcsc_test_leaf_t kids[KIDS];
  bcsc_task_t *tasks[KIDS];
  size_t count;
  int kind;
  uint64_t deadline;
  /* observations */
  uint32_t polls;
  int rc;
  size_t winner;
  int done;
} caller_t;

static int caller_poll(bcsc_task_t *self) {
  caller_t *c = (caller_t *)self;
  c->polls++;
  BCSC_CO_BEGIN(&c->co);
  /* if/else, not a switch: an await's resume point is a case label of
   * BCSC_CO_BEGIN's switch, which a nested switch would capture. */
  if (c->kind == JOIN_ALL)
    BCSC_AWAIT(&c->co, c->rc,
               bcsc_join_all(self, &c->scope, c->tasks, c->count));
  else if (c->kind == RACE)
    BCSC_AWAIT(&c->co, c->rc,
               bcsc_race(self, &c->scope, c->tasks, c->count, &c->winner));
  else
    BCSC_AWAIT(&c->co, c->rc,
               bcsc_timeout(self, &c->scope, c->deadline, c->tasks[0]));
  c->done = 1;
  BCSC_CO_END(&c->co);
}

typedef struct env {
  bcsc_waitq_t gates[KIDS]; /* kid i waits on gates[i] */
  caller_t c;
} env_t;

static void env_setup(env_t *e, int kind) {
  memset(e, 0, sizeof *e);
  executor_with_clock();
  cr_assert_eq(bcsc_task_init(&e->c.task, caller_poll, NULL), 0);
  for (int i = 0; i < KIDS; i++) {
    cr_assert_eq(bcsc_waitq_init(&e->gates[i]), 0);
    bcsc_test_leaf_init(&e->c.kids[i], i);
    e->c.kids[i].queue = &e->gates[i];
    e->c.tasks[i] = &e->c.kids[i].task;
  }
  e->c.count = KIDS;
  e->c.kind = kind;
  e->c.winner = 12345;
  e->c.deadline = BCSC_NO_DEADLINE;
}

static void env_start(env_t *e) {
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &e->c.task), 0);
  run_all();
}

static void env_teardown(env_t *e) {
  run_all();
  cr_assert(bcsc_task_done(&e->c.task));
  for (int i = 0; i < KIDS; i++)
    cr_assert_eq(bcsc_waitq_deinit(&e->gates[i]), 0);
  cr_assert_eq(bcsc_executor_deinit(&g_ex), 0);
}

Test(combinator, join_all_waits_for_every_child_and_wakes_the_caller_once) {
  env_t e;
  env_setup(&e, JOIN_ALL);
  env_start(&e);
  cr_assert_eq(e.c.polls, 1);
  for (int i = 0; i < KIDS; i++)
    cr_assert_eq(e.c.kids[i].polls, 1);
  /* Precise wakeups: a kid's wake polls that kid alone; the caller runs
   * only when the last one has finished. */
  for (int i = 0; i < KIDS; i++) {
    cr_assert_eq(bcsc_waitq_wake_all(&e.gates[i], 0), 1);
    run_all();
    for (int k = 0; k < KIDS; k++)
      cr_assert_eq(e.c.kids[k].polls, k <= i ? 2u : 1u, "kid %d after %d", k,
                   i);
    cr_assert_eq(e.c.polls, i + 1 < KIDS ? 1u : 2u);
  }
  cr_assert(e.c.done);
  cr_assert_eq(e.c.rc, 0);
  env_teardown(&e);
}

Test(combinator, join_all_fails_fast_with_the_first_error) {
  env_t e;
  env_setup(&e, JOIN_ALL);
  e.c.kids[1].result = BCSC_TEST_E2;
  env_start(&e);
  cr_assert_eq(bcsc_waitq_wake_all(&e.gates[1], 0), 1);
  run_all();
  cr_assert(e.c.done);
  cr_assert_eq(e.c.rc, BCSC_TEST_E2);
  cr_assert(e.c.kids[0].saw_cancel && e.c.kids[2].saw_cancel,
            "the others were cancelled and drained");
  cr_assert(bcsc_task_done(&e.c.kids[0].task) &&
            bcsc_task_done(&e.c.kids[2].task));
  env_teardown(&e);
}

Test(combinator, race_returns_the_first_to_finish_and_its_index) {
  env_t e;
  env_setup(&e, RACE);
  e.c.kids[2].result = BCSC_TEST_E3; /* a winner's error is the result */
  env_start(&e);
  cr_assert_eq(bcsc_waitq_wake_all(&e.gates[2], 0), 1);
  run_all();
  cr_assert(e.c.done);
  cr_assert_eq(e.c.rc, BCSC_TEST_E3);
  /* Precise wakeups: the winner once more for its wake, each loser once
   * more for its cancel, and the caller once, when the last has ended. */
  for (int k = 0; k < KIDS; k++)
    cr_assert_eq(e.c.kids[k].polls, 2u, "kid %d", k);
  cr_assert_eq(e.c.polls, 2u);
  cr_assert_eq(e.c.winner, 2);
  cr_assert_eq(bcsc_scope_winner(&e.c.scope), &e.c.kids[2].task);
  cr_assert(e.c.kids[0].saw_cancel && e.c.kids[1].saw_cancel);
  cr_assert(bcsc_task_done(&e.c.kids[0].task) &&
            bcsc_task_done(&e.c.kids[1].task));
  env_teardown(&e);
}

/* The caller cancelled while its kids wait: it answers BCSC_ECANCELED. */
static void start_and_cancel(env_t *e, int kind) {
  env_setup(e, kind);
  env_start(e);
  cr_assert_eq(bcsc_task_cancel(&e->c.task), 0);
  run_all();
  cr_assert(e->c.done);
  cr_assert_eq(e->c.rc, BCSC_ECANCELED);
}

Test(combinator, a_cancelled_race_has_no_winner) {
  env_t e;
  start_and_cancel(&e, RACE);
  cr_assert_eq(e.c.winner, BCSC_NO_WINNER);
  cr_assert_null(bcsc_scope_winner(&e.c.scope));
  env_teardown(&e);
}

Test(combinator, a_cancelled_join_all_answers_ecanceled) {
  env_t e;
  start_and_cancel(&e, JOIN_ALL);
  for (int k = 0; k < KIDS; k++) {
    cr_assert(e.c.kids[k].saw_cancel, "kid %d", k);
    cr_assert(bcsc_task_done(&e.c.kids[k].task), "kid %d", k);
  }
  cr_assert_eq(bcsc_scope_error_count(&e.c.scope), 0);
  env_teardown(&e);
}

Test(combinator, timeout_returns_the_tasks_result_before_the_deadline) {
  env_t e;
  env_setup(&e, TIMEOUT);
  e.c.deadline = 1000;
  e.c.kids[0].result = BCSC_TEST_E1;
  env_start(&e);
  cr_assert_eq(bcsc_waitq_wake_all(&e.gates[0], 0), 1);
  run_all();
  cr_assert(e.c.done);
  cr_assert_eq(e.c.rc, BCSC_TEST_E1);
  /* Precise wakeups: arming the deadline that woke the owner would poll
   * the caller a third time here (shown by a mutation of scope.c). */
  cr_assert_eq(e.c.kids[0].polls, 2u, "once to wait, once for its wake");
  cr_assert_eq(e.c.polls, 2u, "once to start, once when the task ended");
  cr_assert_not(bcsc_scope_timed_out(&e.c.scope));
  cr_assert_eq(bcsc_executor_next_deadline(&g_ex), BCSC_NO_DEADLINE,
               "the deadline left the wheel with the scope");
  env_teardown(&e);
}

Test(combinator, timeout_cancels_the_task_at_the_deadline) {
  env_t e;
  env_setup(&e, TIMEOUT);
  e.c.deadline = 1000;
  env_start(&e);
  cr_assert_eq(bcsc_executor_next_deadline(&g_ex), 1000);
  cr_assert_eq(bcsc_sim_reactor_advance(&g_sim, 999), 0);
  run_all();
  cr_assert_not(e.c.done, "not before the deadline");
  cr_assert_eq(e.c.kids[0].polls, 1u, "time passing polls nobody");
  cr_assert_eq(e.c.polls, 1u);
  cr_assert_eq(bcsc_sim_reactor_advance(&g_sim, 1), 0);
  run_all();
  cr_assert(e.c.done);
  cr_assert_eq(e.c.rc, BCSC_ETIMEDOUT);
  /* A deadline's timer wake that also woke the owner, before the cancel
   * reached the task, would poll the caller while the task is live, and
   * again when it has ended: 3 (shown by a mutation of timer.c). */
  cr_assert_eq(e.c.kids[0].polls, 2u, "once more, for its cancel");
  cr_assert_eq(e.c.polls, 2u, "once more, when the task had ended");
  cr_assert(bcsc_scope_timed_out(&e.c.scope));
  cr_assert(e.c.kids[0].saw_cancel);
  env_teardown(&e);
}

/* A task whose cleanup takes a wake of its own: while it cleans up, the
 * caller is not polled - its deadline cancels the task, and only the
 * task's end wakes the caller. */
Test(combinator, timeout_polls_the_caller_once_after_an_asynchronous_cleanup) {
  env_t e;
  env_setup(&e, TIMEOUT);
  e.c.deadline = 1000;
  e.c.kids[0].cleanup_queue = &e.gates[1];
  env_start(&e);
  cr_assert_eq(bcsc_sim_reactor_advance(&g_sim, 1000), 0);
  run_all();
  cr_assert(e.c.kids[0].saw_cancel);
  cr_assert_eq(e.c.kids[0].polls, 2u, "once more, for its cancel");
  cr_assert_not(e.c.done, "not before the task's cleanup ended");
  /* A deadline that woke the caller too, even after cancelling the task,
   * would poll it here, with the task still cleaning up (shown by a
   * mutation of scope.c's bcsc__scope_deadline_fire()). */
  cr_assert_eq(e.c.polls, 1u, "the caller is not polled while it cleans up");
  cr_assert_eq(bcsc_waitq_wake_all(&e.gates[1], 0), 1);
  run_all();
  cr_assert(e.c.kids[0].cleaned);
  cr_assert_eq(e.c.kids[0].polls, 3u, "once more, for its cleanup's wake");
  cr_assert(e.c.done);
  cr_assert_eq(e.c.rc, BCSC_ETIMEDOUT);
  cr_assert_eq(e.c.polls, 2u, "once more, when the task had ended");
  env_teardown(&e);
}

Test(combinator, timeout_needs_a_clock) {
  env_t e;
  env_setup(&e, TIMEOUT);
  cr_assert_eq(bcsc_executor_deinit(&g_ex), 0);
  cr_assert_eq(bcsc_executor_init(&g_ex, NULL), 0); /* no reactor */
  e.c.deadline = 1000;
  env_start(&e);
  cr_assert(e.c.done);
  cr_assert_eq(e.c.rc, BCSC_ENOTSUP);
  cr_assert_eq(e.c.kids[0].polls, 0, "nothing was spawned");
  env_teardown(&e);
}

Test(combinator, no_children_completes_at_once) {
  env_t e;
  env_setup(&e, RACE);
  e.c.count = 0;
  env_start(&e);
  cr_assert(e.c.done);
  cr_assert_eq(e.c.rc, 0);
  cr_assert_eq(e.c.winner, BCSC_NO_WINNER);
  env_teardown(&e);
}

Test(combinator, a_bad_child_leaves_nothing_started) {
  env_t e;
  bcsc_test_misuse_t rec;
  bcsc_test_misuse_install(&rec);
  env_setup(&e, JOIN_ALL);
  e.c.tasks[2] = e.c.tasks[0]; /* listed twice */
  env_start(&e);
  cr_assert(e.c.done);
  cr_assert_eq(e.c.rc, BCSC_EBUSY);
  for (int i = 0; i < KIDS; i++)
    cr_assert_eq(e.c.kids[i].polls, 0, "kid %d was started", i);
  cr_assert_eq(bcsc_test_misuse_count_code(&rec, BCSC_MISUSE_DOUBLE_SPAWN),
               bcsc_test_misuse_expected(1));
  bcsc_test_misuse_uninstall();
  env_teardown(&e);
}

Test(combinator, calls_outside_the_poll_are_eperm) {
  env_t e;
  bcsc_test_misuse_t rec;
  size_t winner = 7;
  bcsc_test_misuse_install(&rec);
  env_setup(&e, JOIN_ALL);
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &e.c.task), 0);
  cr_assert_eq(bcsc_join_all(&e.c.task, &e.c.scope, e.c.tasks, KIDS),
               BCSC_EPERM);
  cr_assert_eq(bcsc_race(&e.c.task, &e.c.scope, e.c.tasks, KIDS, &winner),
               BCSC_EPERM);
  cr_assert_eq(winner, BCSC_NO_WINNER);
  cr_assert_eq(bcsc_timeout(&e.c.task, &e.c.scope, 5, NULL), BCSC_EINVAL);
  cr_assert_eq(bcsc_join_all(&e.c.task, NULL, e.c.tasks, KIDS), BCSC_EINVAL);
  bcsc_test_misuse_uninstall();
  /* Let the caller finish normally. */
  run_all();
  for (int i = 0; i < KIDS; i++)
    cr_assert_geq(bcsc_waitq_wake_all(&e.gates[i], 0), 0);
  env_teardown(&e);
}

/* Every refusal of a first call, made from inside a poll; nothing starts. */
typedef struct refuser {
  bcsc_task_t task;
  bcsc_scope_t scope;
  bcsc_task_t *bad[1];
  int rc[6];
} refuser_t;

static bcsc_test_leaf_t g_done, g_live, g_garbage;

static int refuser_poll(bcsc_task_t *self) {
  refuser_t *r = (refuser_t *)self;
  r->rc[0] = bcsc_join_all(self, &r->scope, NULL, 2);
  r->bad[0] = &g_garbage.task;
  r->rc[1] = bcsc_join_all(self, &r->scope, r->bad, 1);
  r->bad[0] = &g_done.task;
  r->rc[2] = bcsc_race(self, &r->scope, r->bad, 1, NULL);
  r->bad[0] = &g_live.task;
  r->rc[3] = bcsc_join_all(self, &r->scope, r->bad, 1);
  r->rc[4] = bcsc_join_all(NULL, &r->scope, r->bad, 1);
  r->rc[5] = bcsc_scope_live(&r->scope) == 0 ? 0 : -1;
  return BCSC_DONE;
}

Test(combinator, each_bad_first_call_is_refused_and_opens_nothing) {
  refuser_t r;
  bcsc_waitq_t gate;
  bcsc_test_misuse_t rec;
  bcsc_test_misuse_install(&rec);
  cr_assert_eq(bcsc_executor_init(&g_ex, NULL), 0);
  cr_assert_eq(bcsc_waitq_init(&gate), 0);
  bcsc_test_leaf_init(&g_done, 1);
  bcsc_test_leaf_init(&g_live, 2);
  g_live.queue = &gate;
  memset(&g_garbage, 0xa5, sizeof g_garbage);
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &g_done.task), 0);
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &g_live.task), 0);
  run_all();
  memset(&r, 0, sizeof r);
  cr_assert_eq(bcsc_task_init(&r.task, refuser_poll, NULL), 0);
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &r.task), 0);
  run_all();
  cr_assert_eq(r.rc[0], BCSC_EINVAL);
  cr_assert_eq(r.rc[1], BCSC_EBADOBJ);
  cr_assert_eq(r.rc[2], BCSC_ESTATE);
  cr_assert_eq(r.rc[3], BCSC_EBUSY);
  cr_assert_eq(r.rc[4], BCSC_EINVAL);
  cr_assert_eq(bcsc_test_misuse_count_code(&rec, BCSC_MISUSE_TASK_DONE),
               bcsc_test_misuse_expected(1));
  cr_assert_eq(bcsc_test_misuse_count_code(&rec, BCSC_MISUSE_DOUBLE_SPAWN),
               bcsc_test_misuse_expected(1));
  bcsc_test_misuse_uninstall();
  cr_assert_eq(bcsc_waitq_wake_all(&gate, 0), 1);
  run_all();
  cr_assert_eq(bcsc_waitq_deinit(&gate), 0);
  cr_assert_eq(bcsc_executor_deinit(&g_ex), 0);
}
