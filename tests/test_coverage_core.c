/* SPDX-License-Identifier: MIT
 * test_coverage_core.c - corners of the executor, scopes, combinators,
 * selects, reactors and value wakers that the other suites and the fuzzer
 * do not reach (found with the coverage lane's report), through the public
 * API:
 *  - reactors: every vtable bcsc_reactor_check() refuses; a reactor
 *    without park (a busy run still looks outside every 64 turns; an idle
 *    one deadlocks) or without unpark (a value wake into a park is then
 *    left to the park's own return); a park that fails while tasks keep
 *    being ready;
 *  - the executor's NULL queries, its config checks, binding a thread from
 *    inside a park;
 *  - scope deadlines set with every bad argument, moved, dropped, on a
 *    cancelled scope; an owner that returns while its join waits; an owner
 *    whose join waits beside a timer and a hand-off list, woken by either;
 *  - a select begun by a task that is not being polled; broadcast
 *    receivers that have left.
 *
 * Every test ends with bcsc_executor_deinit() returning 0. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include <bcsc.h>

#include "bcsc_fault_reactor.h"
#include "bcsc_stepped.h"
#include "bcsc_test.h"

TestSuite(coverage_core, .init = ct_record_misuse);

/* Yield c->n times, then return 0. */
static int yielder(ct_t *c) {
  if (c->polls <= c->n)
    return bcsc_task_yield(&c->task);
  return 0;
}

/* Wait on the list in obj until woken (or cancelled). */
static int waiter(ct_t *c) {
  int rc = bcsc_wait_on(&c->task, &c->w, c->obj);
  return rc;
}

/* ---- reactors ------------------------------------------------------------ */

static uint64_t g_clock;
static uint64_t fake_now(bcsc_reactor_t *r) {
  (void)r;
  return g_clock;
}

Test(coverage_core, reactor_check_refuses_every_bad_vtable) {
  bcsc_reactor_vtable_t vt = {.size = sizeof vt,
                              .version = BCSC_REACTOR_VTABLE_VERSION,
                              .now = fake_now};
  bcsc_reactor_t r = {.vtable = NULL, .data = NULL};
  cr_assert_eq(bcsc_reactor_check(NULL), BCSC_EINVAL);
  cr_assert_eq(bcsc_reactor_check(&r), BCSC_EINVAL, "no vtable");
  r.vtable = &vt;
  cr_assert_eq(bcsc_reactor_check(&r), 0);
  vt.size = 8; /* size and version only: no now */
  cr_assert_eq(bcsc_reactor_check(&r), BCSC_EINVAL, "too small for now");
  /* Version 1's park and unpark are read without a size test (the busy
   * run's look every 64 turns, a wake from anywhere): a size that ends
   * before either is refused, here and by the executor that would use it
   * (which read park from beyond such a size). */
  vt.size = (uint32_t)offsetof(bcsc_reactor_vtable_t, park);
  cr_assert_eq(bcsc_reactor_check(&r), BCSC_EINVAL, "ends before park");
  vt.size = (uint32_t)offsetof(bcsc_reactor_vtable_t, unpark);
  cr_assert_eq(bcsc_reactor_check(&r), BCSC_EINVAL, "ends before unpark");
  vt.size = sizeof vt;
  vt.now = NULL;
  cr_assert_eq(bcsc_reactor_check(&r), BCSC_EINVAL, "no now");
  vt.now = fake_now;
  vt.version = BCSC_REACTOR_VTABLE_VERSION + 1;
  cr_assert_eq(bcsc_reactor_check(&r), BCSC_ENOTSUP, "from the future");
  cr_assert_eq(ct_misuse.count, 0, "a check, not a misuse");
  /* The executor that would use it refuses it (a bad argument there). */
  vt.version = BCSC_REACTOR_VTABLE_VERSION;
  vt.size = (uint32_t)offsetof(bcsc_reactor_vtable_t, park);
  {
    bcsc_executor_config_t config = {.size = sizeof config, .reactor = &r};
    bcsc_executor_t ex;
    cr_assert_eq(bcsc_executor_init(&ex, &config), BCSC_EINVAL);
  }
  cr_assert_eq(ct_misuse.count, bcsc_test_misuse_expected(1));
}

Test(coverage_core, a_reactor_without_park_still_runs_a_busy_executor) {
  bcsc_reactor_vtable_t vt = {.size = sizeof vt,
                              .version = BCSC_REACTOR_VTABLE_VERSION,
                              .now = fake_now};
  bcsc_reactor_t r = {.vtable = &vt, .data = NULL};
  bcsc_executor_config_t config = {.size = sizeof config, .reactor = &r};
  bcsc_executor_t ex;
  bcsc_waitq_t q;
  bcsc_executor_stats_t st = {.size = sizeof st};
  ct_t busy, idle;
  cr_assert_eq(bcsc_executor_init(&ex, &config), 0);
  cr_assert_eq(bcsc_waitq_init(&q), 0);
  /* 200 turns: every 64th looks outside, and finds no park to call. */
  ct_init(&busy, yielder);
  busy.n = 200;
  cr_assert_eq(bcsc_executor_run(&ex, &busy.task), 0);
  cr_assert_eq(busy.polls, 201);
  cr_assert_eq(bcsc_executor_stats(&ex, &st), 0);
  cr_assert_eq(st.parks, 0u, "nothing to park in");
  /* Nothing ready, nothing to park in: a deadlock. */
  ct_init(&idle, waiter);
  idle.obj = &q;
  cr_assert_eq(bcsc_executor_run(&ex, &idle.task), BCSC_EDEADLK);
  cr_assert_eq(bcsc_waitq_wake_one(&q, 1), 1);
  cr_assert_eq(bcsc_executor_run(&ex, &idle.task), 0);
  cr_assert_eq(bcsc_waitq_deinit(&q), 0);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
  cr_assert_eq(ct_misuse.count, 0);
}

Test(coverage_core, a_park_that_fails_while_tasks_keep_running_ends_run) {
  bcsc_fault_reactor_t fr;
  bcsc_executor_config_t config = {.size = sizeof config, .reactor = &fr.base};
  bcsc_executor_t ex;
  ct_t busy;
  bcsc_fault_reactor_init(&fr, 100);
  cr_assert_eq(bcsc_executor_init(&ex, &config), 0);
  /* The first park is the look outside after 64 turns (deadline 0). */
  bcsc_fault_reactor_fail(&fr, 1, BCSC_FAULT_ONCE, BCSC_EUSER - 3);
  ct_init(&busy, yielder);
  busy.n = 100;
  cr_assert_eq(bcsc_executor_run(&ex, &busy.task), BCSC_EUSER - 3);
  cr_assert_eq(busy.polls, 64, "it ended at the 64th turn");
  cr_assert(bcsc_fault_reactor_fault_fired(&fr));
  cr_assert_eq(bcsc_executor_run(&ex, &busy.task), 0, "then it goes on");
  cr_assert_eq(busy.polls, 101);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
  cr_assert_eq(ct_misuse.count, 0);
}

/* A reactor whose park fires a value waker (as an interrupt handler
 * would) and has no unpark to call. */
static bcsc_waker_t g_park_waker;
static int g_park_wakes;

static int park_and_wake(bcsc_reactor_t *r, uint64_t deadline) {
  (void)r;
  (void)deadline;
  if (g_park_wakes++ == 0)
    return bcsc_waker_wake(g_park_waker) >= 0 ? 0 : -1;
  return BCSC_EDEADLK;
}

static int wait_for_value_wake(ct_t *c) {
  if (c->polls == 1) {
    cr_assert_eq(bcsc_task_waker(&c->task, &g_park_waker), 0);
    return BCSC_PENDING;
  }
  return bcsc_task_waker_woken(&c->task) ? 0 : BCSC_PENDING;
}

Test(coverage_core, a_value_wake_into_a_park_without_unpark) {
  bcsc_reactor_vtable_t vt = {.size = (uint32_t)sizeof vt,
                              .version = BCSC_REACTOR_VTABLE_VERSION,
                              .now = fake_now,
                              .park = park_and_wake,
                              .unpark = NULL};
  bcsc_reactor_t r = {.vtable = &vt, .data = NULL};
  bcsc_waker_slot_t slots[2];
  bcsc_executor_config_t config = {.size = sizeof config,
                                   .reactor = &r,
                                   .waker_slots = slots,
                                   .waker_slot_count = 2};
  bcsc_executor_t ex;
  ct_t c;
  g_park_wakes = 0;
  cr_assert_eq(bcsc_executor_init(&ex, &config), 0);
  ct_init(&c, wait_for_value_wake);
  cr_assert_eq(bcsc_executor_run(&ex, &c.task), 0);
  cr_assert_eq(c.polls, 2);
  cr_assert_eq(g_park_wakes, 1);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
  cr_assert_eq(ct_misuse.count, 0);
}

/* A reactor whose clock fires a value waker once it is told to: the wake
 * lands after the run loop's last drain and before its park (the window a
 * wake from another thread can hit). The park must then not block: it is
 * never called. */
static int g_now_wakes; /* 1: the next now() wakes g_park_waker */

static uint64_t now_and_wake(bcsc_reactor_t *r) {
  (void)r;
  if (g_now_wakes == 1) {
    g_now_wakes = 2;
    cr_assert_eq(bcsc_waker_wake(g_park_waker), 0);
  }
  return g_clock;
}

static int park_never(bcsc_reactor_t *r, uint64_t deadline) {
  (void)r;
  (void)deadline;
  cr_assert_fail("parked with a wake in the inbox");
  return BCSC_EDEADLK;
}

/* Binds its waker and sleeps long (so the run loop looks at the clock
 * before it parks), then finishes on the value wake. */
static int sleep_and_wait_for_value_wake(ct_t *c) {
  if (c->polls == 1) {
    cr_assert_eq(bcsc_task_waker(&c->task, &g_park_waker), 0);
    cr_assert_eq(bcsc_sleep_until(&c->task, &c->timer, 1000000), BCSC_PENDING);
    g_now_wakes = 1;
    return BCSC_PENDING;
  }
  return bcsc_task_waker_woken(&c->task) ? 0 : BCSC_PENDING;
}

Test(coverage_core, a_value_wake_before_the_park_announcement_skips_the_park) {
  bcsc_reactor_vtable_t vt = {.size = sizeof vt,
                              .version = BCSC_REACTOR_VTABLE_VERSION,
                              .now = now_and_wake,
                              .park = park_never};
  bcsc_reactor_t r = {.vtable = &vt, .data = NULL};
  bcsc_waker_slot_t slots[1];
  bcsc_executor_config_t config = {.size = sizeof config,
                                   .reactor = &r,
                                   .waker_slots = slots,
                                   .waker_slot_count = 1};
  bcsc_executor_stats_t st = {.size = sizeof st};
  bcsc_executor_t ex;
  ct_t c;
  g_now_wakes = 0;
  g_clock = 1000;
  cr_assert_eq(bcsc_executor_init(&ex, &config), 0);
  ct_init(&c, sleep_and_wait_for_value_wake);
  cr_assert_eq(bcsc_executor_run(&ex, &c.task), 0);
  cr_assert_eq(c.polls, 2);
  cr_assert_eq(g_now_wakes, 2);
  cr_assert_eq(bcsc_executor_stats(&ex, &st), 0);
  cr_assert_eq(st.parks, 0u);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
  cr_assert_eq(ct_misuse.count, 0);
}

/* ---- the executor ---------------------------------------------------------
 */

Test(coverage_core, executor_queries_answer_neutrally_for_null) {
  cr_assert_eq(bcsc_executor_next_deadline(NULL), BCSC_NO_DEADLINE);
  cr_assert_null(bcsc_executor_reactor(NULL));
  cr_assert_eq(bcsc_executor_now(NULL), 0u);
  cr_assert_eq(ct_misuse.count, 0);
}

Test(coverage_core, executor_config_with_slots_but_no_count_is_refused) {
  bcsc_waker_slot_t slots[1];
  bcsc_executor_config_t config = {
      .size = sizeof config, .waker_slots = slots, .waker_slot_count = 0};
  bcsc_executor_t ex;
  cr_assert_eq(bcsc_executor_init(&ex, &config), BCSC_EINVAL);
  config.waker_slot_count = BCSC_WAKER_SLOTS_MAX + 1;
  cr_assert_eq(bcsc_executor_init(&ex, &config), BCSC_EINVAL);
  cr_assert_eq(ct_misuse.count, bcsc_test_misuse_expected(2));
}

static bcsc_executor_t *g_bind_ex;
static int g_bind_rc;

static int bind_from_park(bcsc_fault_reactor_t *r, void *context,
                          uint64_t deadline) {
  (void)r;
  (void)context;
  (void)deadline;
  g_bind_rc = bcsc_executor_bind_thread(g_bind_ex);
  return 0;
}

Test(coverage_core, binding_a_thread_from_inside_a_park_is_ebusy) {
  bcsc_fault_reactor_t fr;
  bcsc_executor_config_t config = {.size = sizeof config, .reactor = &fr.base};
  bcsc_executor_t ex;
  bcsc_timer_t t;
  ct_t c;
  bcsc_fault_reactor_init(&fr, 0);
  fr.hook = bind_from_park;
  g_bind_ex = &ex;
  g_bind_rc = 12345;
  cr_assert_eq(bcsc_executor_init(&ex, &config), 0);
  cr_assert_eq(bcsc_timer_init(&t), 0);
  ct_init(&c, yielder);
  cr_assert_eq(bcsc_executor_spawn(&ex, &c.task), 0);
  /* An idle run parks once (to the task's end there is no deadline: the
   * park after it finishes does not happen - so make one happen). */
  cr_assert_eq(bcsc_executor_run(&ex, NULL), 0);
  g_bind_rc = 12345;
  {
    bcsc_waitq_t q;
    ct_t w;
    cr_assert_eq(bcsc_waitq_init(&q), 0);
    ct_init(&w, waiter);
    w.obj = &q;
    cr_assert_eq(bcsc_executor_spawn(&ex, &w.task), 0);
    /* Nothing ready: run parks; the hook binds (refused) and returns 0
     * with nothing woken, so the fault reactor reports a deadlock on the
     * next park. */
    cr_assert_eq(bcsc_executor_run(&ex, NULL), BCSC_EDEADLK);
    cr_assert_eq(g_bind_rc, BCSC_EBUSY);
    cr_assert_eq(ct_reports(BCSC_MISUSE_REENTRANT_POLL),
                 bcsc_test_misuse_expected(1));
    fr.hook = NULL;
    cr_assert_eq(bcsc_waitq_wake_one(&q, 0), 1);
    cr_assert_eq(bcsc_executor_run(&ex, NULL), 0);
    cr_assert_eq(bcsc_waitq_deinit(&q), 0);
  }
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
}

/* ---- scope deadlines -------------------------------------------------------
 */

static int deadline_corners(ct_t *c) {
  bcsc_scope_t *s = &c->scope;
  if (c->polls == 1) {
    cr_assert_eq(bcsc_scope_init(s, &c->task, BCSC_SCOPE_WAIT_ALL), 0);
    c->rc[0] = bcsc_scope_set_deadline(NULL, 10, BCSC_DEADLINE_MOVE_ON);
    c->rc[1] = bcsc_scope_set_deadline(s, 10, BCSC_DEADLINE_FAIL + 1);
    /* Set, then moved: the first one leaves the wheel. */
    cr_assert_eq(bcsc_scope_set_deadline(s, 5000, BCSC_DEADLINE_FAIL), 0);
    cr_assert_eq(bcsc_scope_set_deadline(s, 9000, BCSC_DEADLINE_MOVE_ON), 0);
    c->rc[2] = (int)(bcsc_scope_deadline(s) == 9000);
    /* Dropped: no deadline at all. */
    cr_assert_eq(
        bcsc_scope_set_deadline(s, BCSC_NO_DEADLINE, BCSC_DEADLINE_MOVE_ON), 0);
    c->rc[3] = (int)(bcsc_scope_deadline(s) == BCSC_NO_DEADLINE);
    /* A cancelled scope keeps no deadline armed. */
    cr_assert_eq(bcsc_scope_cancel(s), 0);
    c->rc[4] = bcsc_scope_set_deadline(s, 2000, BCSC_DEADLINE_FAIL);
    return bcsc_task_yield(&c->task);
  }
  c->rc[5] = bcsc_scope_join(s);
  /* Joined: closed. */
  c->n = bcsc_scope_set_deadline(s, 3000, BCSC_DEADLINE_FAIL);
  return 0;
}

Test(coverage_core, scope_deadline_corners) {
  bcsc_sim_reactor_t sim;
  bcsc_executor_config_t config = {.size = sizeof config, .reactor = &sim.base};
  bcsc_executor_t ex;
  bcsc_scope_t *s;
  ct_t c;
  cr_assert_eq(bcsc_sim_reactor_init(&sim, 1000), 0);
  cr_assert_eq(bcsc_executor_init(&ex, &config), 0);
  ct_init(&c, deadline_corners);
  cr_assert_eq(bcsc_executor_spawn(&ex, &c.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 1), 1);
  s = &c.scope;
  /* From the host, not from the owner's poll. */
  cr_assert_eq(bcsc_scope_set_deadline(s, 3000, BCSC_DEADLINE_FAIL),
               BCSC_EPERM);
  cr_assert_eq(bcsc_executor_run(&ex, NULL), 0);
  cr_assert_eq(c.rc[0], BCSC_EINVAL);
  cr_assert_eq(c.rc[1], BCSC_EINVAL);
  cr_assert_eq(c.rc[2], 1);
  cr_assert_eq(c.rc[3], 1);
  cr_assert_eq(c.rc[4], 0);
  cr_assert_eq(c.rc[5], BCSC_ECANCELED);
  cr_assert_eq(c.n, BCSC_ESTATE);
  cr_assert_eq(bcsc_scope_timed_out(s), 0, "no deadline ever fired");
  cr_assert_eq(bcsc_executor_now(&ex), 1000u, "and no time passed");
  cr_assert_eq(ct_reports(BCSC_MISUSE_NULL_OBJECT),
               bcsc_test_misuse_expected(1));
  cr_assert_eq(ct_reports(BCSC_MISUSE_BAD_ARGUMENT),
               bcsc_test_misuse_expected(1));
  cr_assert_eq(ct_reports(BCSC_MISUSE_FOREIGN_SCOPE),
               bcsc_test_misuse_expected(1));
  cr_assert_eq(ct_reports(BCSC_MISUSE_SCOPE_CLOSED),
               bcsc_test_misuse_expected(1));
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
}

/* An owner whose join is waiting returns in the same poll: the join is
 * dropped, the scope drained (its child cancelled), then the owner
 * completes with its own result. */
static int join_then_return(ct_t *c) {
  if (c->polls == 1) {
    cr_assert_eq(bcsc_scope_init(&c->scope, &c->task, BCSC_SCOPE_WAIT_ALL), 0);
    cr_assert_eq(bcsc_scope_spawn(&c->scope, &c->child->task), 0);
    c->rc[0] = bcsc_scope_join(&c->scope);
    return BCSC_EUSER - 9;
  }
  return -1; /* never polled again: the drain finishes it */
}

Test(coverage_core, an_owner_returning_while_its_join_waits_drains) {
  bcsc_executor_t ex;
  bcsc_waitq_t q;
  ct_t owner, child;
  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  cr_assert_eq(bcsc_waitq_init(&q), 0);
  ct_init(&child, waiter);
  child.obj = &q;
  ct_init(&owner, join_then_return);
  owner.child = &child;
  cr_assert_eq(bcsc_executor_run(&ex, &owner.task), BCSC_EUSER - 9);
  cr_assert_eq(owner.rc[0], BCSC_PENDING);
  cr_assert_eq(owner.polls, 1);
  cr_assert_eq(bcsc_task_result(&child.task), BCSC_ECANCELED);
  cr_assert_eq(bcsc_waitq_deinit(&q), 0);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
  cr_assert_eq(ct_misuse.count, 0);
}

/* An owner selects between its join, a timer and a hand-off list: woken
 * by the timer or the list (not by its join), it sees which fired, the
 * join is dropped with the other registrations, and asked again it waits
 * again; a cancel of the scope then ends it. */
typedef struct join_select {
  ct_t c;
  bcsc_timer_t timer;
  bcsc_waitq_t *handoff;
  int timer_fired, list_fired, joins;
} join_select_t;

static int join_beside_others(ct_t *c) {
  join_select_t *js = (join_select_t *)(void *)c;
  int rc;
  if (c->polls == 1) {
    cr_assert_eq(bcsc_scope_init(&c->scope, &c->task, BCSC_SCOPE_WAIT_ALL), 0);
    cr_assert_eq(bcsc_scope_spawn(&c->scope, &c->child->task), 0);
  } else if (c->polls == 2) {
    js->timer_fired = bcsc_timer_fired(&js->timer);
    js->list_fired = bcsc_wait_fired(&c->w);
    /* Take the wake (a baton from the hand-off list), then end it. */
    if (js->list_fired)
      cr_assert_eq(bcsc_wait_on(&c->task, &c->w, js->handoff), 0);
    cr_assert_eq(bcsc_scope_cancel(&c->scope), 0);
  }
  rc = bcsc_scope_join(&c->scope);
  js->joins++;
  if (rc != BCSC_PENDING)
    return rc == BCSC_ECANCELED ? 0 : rc;
  if (c->polls == 1) {
    cr_assert_eq(bcsc_sleep_until(&c->task, &js->timer, 5000), BCSC_PENDING);
    cr_assert_eq(bcsc_wait_register(&c->task, &c->w, js->handoff), 0);
  }
  return BCSC_PENDING;
}

Test(coverage_core, an_owner_joining_beside_a_timer_and_a_hand_off_list) {
  for (int by_timer = 0; by_timer < 2; by_timer++) {
    bcsc_sim_reactor_t sim;
    bcsc_executor_config_t config = {.size = sizeof config,
                                     .reactor = &sim.base};
    bcsc_executor_t ex;
    bcsc_waitq_t q, h;
    join_select_t js;
    ct_t child;
    cr_assert_eq(bcsc_sim_reactor_init(&sim, 1000), 0);
    cr_assert_eq(bcsc_executor_init(&ex, &config), 0);
    cr_assert_eq(bcsc_waitq_init(&q), 0);
    cr_assert_eq(bcsc_waitq_init(&h), 0);
    cr_assert_eq(bcsc_waitq_set_handoff(&h, 1), 0);
    ct_init(&child, waiter);
    child.obj = &q;
    memset(&js, 0, sizeof js);
    ct_init(&js.c, join_beside_others);
    js.c.child = &child;
    js.handoff = &h;
    cr_assert_eq(bcsc_timer_init(&js.timer), 0);
    cr_assert_eq(bcsc_executor_spawn(&ex, &js.c.task), 0);
    cr_assert_eq(bcsc_executor_poll(&ex, 2), 2); /* owner, child: waiting */
    if (!by_timer)
      cr_assert_eq(bcsc_waitq_wake_one(&h, 77), 1);
    /* By the timer: run parks until its deadline. */
    cr_assert_eq(bcsc_executor_run(&ex, &js.c.task), 0);
    cr_assert_eq(js.timer_fired, by_timer);
    cr_assert_eq(js.list_fired, !by_timer);
    cr_assert_eq(bcsc_timer_linked(&js.timer), 0);
    cr_assert_eq(bcsc_wait_linked(&js.c.w), 0);
    cr_assert_eq(bcsc_task_result(&child.task), BCSC_ECANCELED);
    cr_assert_eq(bcsc_executor_now(&ex), by_timer ? 5000u : 1000u);
    cr_assert_eq(bcsc_waitq_deinit(&q), 0);
    cr_assert_eq(bcsc_waitq_deinit(&h), 0);
    cr_assert_eq(bcsc_executor_deinit(&ex), 0);
  }
  cr_assert_eq(ct_misuse.count, 0);
}

/* ---- selects, broadcast receivers ------------------------------------------
 */

Test(coverage_core, a_select_begun_outside_a_poll_is_eperm) {
  bcsc_select_t sel;
  bcsc_task_t idle;
  cr_assert_eq(bcsc_task_init(&idle, ct_poll, NULL), 0);
  cr_assert_eq(bcsc_select_begin(&sel, &idle), BCSC_EPERM);
  cr_assert_eq(bcsc_select_begin(NULL, &idle), BCSC_EINVAL);
  cr_assert_eq(bcsc_select_result(NULL), BCSC_PENDING);
  cr_assert_eq(ct_misuse.count, bcsc_test_misuse_expected(2));
}

Test(coverage_core, a_broadcast_receiver_that_left_answers_neutrally) {
  bcsc_broadcast_t bc;
  bcsc_broadcast_receiver_t rx;
  uint32_t ring[2], m = 1, out;
  uint64_t lagged;
  cr_assert_eq(bcsc_broadcast_init(&bc, ring, sizeof ring, sizeof m), 0);
  cr_assert_eq(bcsc_broadcast_subscribe(&bc, &rx), 0);
  cr_assert_eq(bcsc_broadcast_send(&bc, &m, sizeof m), 0);
  cr_assert_eq(bcsc_broadcast_receiver_ready(&rx), 1u);
  cr_assert_eq(bcsc_broadcast_unsubscribe(&rx), 0);
  cr_assert_eq(bcsc_broadcast_receiver_ready(&rx), 0u);
  cr_assert_eq(bcsc_broadcast_try_recv(&rx, &out, sizeof out, &lagged),
               BCSC_EBADOBJ);
  cr_assert_eq(ct_misuse.count, bcsc_test_misuse_expected(1));
  cr_assert_eq(bcsc_broadcast_deinit(&bc), 0);
}

/* ---- a draining owner cancelled -------------------------------------------
 * An owner returns with two scopes open: the inner one empty, the outer
 * one with a child still to end. The drain waits on the outer one; a
 * cancel of the owner meanwhile changes nothing: it has returned, is not
 * polled again, and completes with its own result once the child ends. */

static int open_two_and_return(ct_t *c) {
  cr_assert_eq(bcsc_scope_init(&c->scope, &c->task, BCSC_SCOPE_WAIT_ALL), 0);
  cr_assert_eq(bcsc_scope_spawn(&c->scope, &c->child->task), 0);
  cr_assert_eq(bcsc_scope_init(c->obj, &c->task, BCSC_SCOPE_WAIT_ALL), 0);
  return 0;
}

Test(coverage_core, a_draining_owner_cancelled_while_its_outer_scope_ends) {
  bcsc_executor_t ex;
  bcsc_waitq_t q;
  bcsc_scope_t inner;
  ct_t owner, kid;
  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  cr_assert_eq(bcsc_waitq_init(&q), 0);
  ct_init(&owner, open_two_and_return);
  ct_init(&kid, waiter);
  kid.obj = &q;
  owner.child = &kid;
  owner.obj = &inner;
  cr_assert_eq(bcsc_executor_spawn(&ex, &owner.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 1), 1); /* returns, drains, waits */
  cr_assert_not(bcsc_task_done(&owner.task));
  cr_assert_eq(bcsc_task_cancel(&owner.task), 0);
  cr_assert_eq(bcsc_executor_run(&ex, NULL), 0);
  cr_assert_eq(bcsc_task_result(&kid.task), BCSC_ECANCELED);
  cr_assert_eq(bcsc_task_result(&owner.task), 0, "its own result");
  cr_assert_eq(owner.polls, 1);
  cr_assert_eq(bcsc_waitq_deinit(&q), 0);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
  cr_assert_eq(ct_misuse.count, 0);
}
