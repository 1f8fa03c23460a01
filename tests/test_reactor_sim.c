/* SPDX-License-Identifier: MIT
 * test_reactor_sim.c - the simulated-time reactor: its vtable on its own
 * (the clock moves only to a deadline, an unpark ends the next park without
 * moving it, no deadline is a deadlock) and under an executor (sleeps wake
 * in deadline order at exactly their deadlines, one park per distinct
 * deadline). */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <bcsc.h>
#include <bcsc/reactor_sim.h>

#include "bcsc_test.h"
#include "bcsc_test_unpark.h"

static uint64_t vnow(bcsc_sim_reactor_t *r) {
  return r->base.vtable->now(&r->base);
}
static int vpark(bcsc_sim_reactor_t *r, uint64_t deadline) {
  return r->base.vtable->park(&r->base, deadline);
}
static void vunpark(bcsc_sim_reactor_t *r) { r->base.vtable->unpark(&r->base); }

Test(reactor_sim, init_checks_and_reads_the_start_time) {
  bcsc_sim_reactor_t r;
  bcsc_test_misuse_t rec;
  bcsc_test_misuse_install(&rec);
  cr_assert_eq(bcsc_sim_reactor_init(NULL, 0), BCSC_EINVAL);
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_NULL_OBJECT, NULL));
  bcsc_test_misuse_uninstall();
  memset(&r, 0xa5, sizeof r);
  cr_assert_eq(bcsc_sim_reactor_init(&r, 5 * BCSC_SEC), 0);
  cr_assert_null(r.base.data, "_init writes the host's data word");
  cr_assert_eq(bcsc_reactor_check(&r.base), 0);
  cr_assert_eq(r.base.vtable->size, sizeof(bcsc_reactor_vtable_t));
  cr_assert_eq(r.base.vtable->version, BCSC_REACTOR_VTABLE_VERSION);
  cr_assert_eq(vnow(&r), 5 * BCSC_SEC);
  cr_assert_eq(bcsc_sim_reactor_now(&r), 5 * BCSC_SEC);
  cr_assert_eq(bcsc_sim_reactor_parks(&r), 0);
  cr_assert_eq(bcsc_sim_reactor_now(NULL), 0);
  cr_assert_eq(bcsc_sim_reactor_parks(NULL), 0);
  cr_assert_eq(bcsc_sim_reactor_sizeof(), sizeof(bcsc_sim_reactor_t));
}

Test(reactor_sim, advance_moves_forward_and_saturates) {
  bcsc_sim_reactor_t r;
  bcsc_test_misuse_t rec;
  cr_assert_eq(bcsc_sim_reactor_init(&r, 10), 0);
  bcsc_test_misuse_install(&rec);
  cr_assert_eq(bcsc_sim_reactor_advance(NULL, 1), BCSC_EINVAL);
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_NULL_OBJECT, NULL));
  bcsc_test_misuse_uninstall();
  cr_assert_eq(bcsc_sim_reactor_advance(&r, 0), 0);
  cr_assert_eq(vnow(&r), 10);
  cr_assert_eq(bcsc_sim_reactor_advance(&r, 32), 0);
  cr_assert_eq(vnow(&r), 42);
  cr_assert_eq(bcsc_sim_reactor_advance(&r, UINT64_MAX - 10), 0);
  cr_assert_eq(vnow(&r), UINT64_MAX);
  cr_assert_eq(bcsc_sim_reactor_parks(&r), 0);
}

/* D90: memory that is not a sim reactor - never initialised - is refused,
 * not advanced, and (checked build) reported once, naming it. A sim
 * reactor has no deinit. */
Test(reactor_sim, a_zero_reactor_is_refused_and_reported) {
  bcsc_sim_reactor_t zero, garbage;
  bcsc_test_misuse_t rec;
  memset(&zero, 0, sizeof zero);
  memset(&garbage, 0xa5, sizeof garbage);
  bcsc_test_misuse_install(&rec);
  cr_assert_eq(bcsc_sim_reactor_advance(&zero, 5), BCSC_EBADOBJ);
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_BAD_OBJECT, &zero));
  cr_assert_eq(bcsc_sim_reactor_now(&zero), 0, "not written");
  cr_assert_eq(bcsc_sim_reactor_advance(&garbage, 5), BCSC_EBADOBJ);
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_BAD_OBJECT, &garbage));
  bcsc_test_misuse_uninstall();
}

Test(reactor_sim, park_jumps_to_the_deadline_and_never_goes_back) {
  bcsc_sim_reactor_t r;
  cr_assert_eq(bcsc_sim_reactor_init(&r, 100), 0);
  cr_assert_eq(vpark(&r, 250), 0);
  cr_assert_eq(vnow(&r), 250);
  /* A deadline already past: the park returns, the clock stays. */
  cr_assert_eq(vpark(&r, 200), 0);
  cr_assert_eq(vnow(&r), 250);
  cr_assert_eq(vpark(&r, 250), 0);
  cr_assert_eq(vnow(&r), 250);
  cr_assert_eq(bcsc_sim_reactor_parks(&r), 3);
}

Test(reactor_sim, park_without_a_deadline_is_a_deadlock) {
  bcsc_sim_reactor_t r;
  cr_assert_eq(bcsc_sim_reactor_init(&r, 7), 0);
  cr_assert_eq(vpark(&r, BCSC_NO_DEADLINE), BCSC_EDEADLK);
  cr_assert_eq(vnow(&r), 7);
  cr_assert_eq(bcsc_sim_reactor_parks(&r), 0);
}

Test(reactor_sim, an_unpark_ends_the_next_park_without_moving_the_clock) {
  bcsc_sim_reactor_t r;
  cr_assert_eq(bcsc_sim_reactor_init(&r, 0), 0);
  vunpark(&r);
  vunpark(&r); /* unparks do not add up: one pending flag */
  cr_assert_eq(vpark(&r, BCSC_NO_DEADLINE), 0);
  cr_assert_eq(vnow(&r), 0);
  cr_assert_eq(vpark(&r, BCSC_NO_DEADLINE), BCSC_EDEADLK);
  vunpark(&r);
  cr_assert_eq(vpark(&r, 1000), 0);
  cr_assert_eq(vnow(&r), 0);
  cr_assert_eq(vpark(&r, 1000), 0);
  cr_assert_eq(vnow(&r), 1000);
  cr_assert_eq(bcsc_sim_reactor_parks(&r), 1);
}

static void *unpark_thread(void *arg) {
  vunpark(arg);
  return NULL;
}

Test(reactor_sim, an_unpark_from_another_thread_is_seen) {
  bcsc_sim_reactor_t r;
  pthread_t t;
  cr_assert_eq(bcsc_sim_reactor_init(&r, 0), 0);
  cr_assert_eq(pthread_create(&t, NULL, unpark_thread, &r), 0);
  cr_assert_eq(pthread_join(t, NULL), 0);
  cr_assert_eq(vpark(&r, BCSC_NO_DEADLINE), 0);
  cr_assert_eq(vpark(&r, BCSC_NO_DEADLINE), BCSC_EDEADLK);
}

/* ---- under an executor ------------------------------------------------ */

typedef struct sleeper {
  bcsc_task_t task; /* first */
  bcsc_timer_t timer;
  bcsc_executor_t *ex;
  bcsc_test_log_t *log;
  int id;
  uint64_t duration;
  uint64_t started_at;
  uint64_t woke_at;
  uint32_t polls;
  int rc;
} sleeper_t;

static int sleeper_poll(bcsc_task_t *self) {
  sleeper_t *s = (sleeper_t *)(void *)self;
  int rc;
  if (s->polls++ == 0)
    s->started_at = bcsc_executor_now(s->ex);
  rc = bcsc_sleep_for(self, &s->timer, s->duration);
  if (rc == BCSC_PENDING)
    return rc;
  s->rc = rc;
  s->woke_at = bcsc_executor_now(s->ex);
  bcsc_test_log_push(s->log, s->id);
  return rc;
}

static void sleeper_init(sleeper_t *s, bcsc_executor_t *ex,
                         bcsc_test_log_t *log, int id, uint64_t duration) {
  memset(s, 0, sizeof *s);
  cr_assert_eq(bcsc_task_init(&s->task, sleeper_poll, NULL), 0);
  cr_assert_eq(bcsc_timer_init(&s->timer), 0);
  s->ex = ex;
  s->log = log;
  s->id = id;
  s->duration = duration;
  s->rc = 1;
}

Test(reactor_sim, sleeps_wake_in_deadline_order_at_their_deadlines) {
  bcsc_sim_reactor_t r;
  bcsc_executor_t ex;
  bcsc_test_log_t log;
  sleeper_t a, b, c, d;
  const int order[] = {2, 4, 3, 1};
  const uint64_t start = 1000 * BCSC_SEC;

  cr_assert_eq(bcsc_sim_reactor_init(&r, start), 0);
  bcsc_test_executor_with(&ex, &r.base);
  cr_assert_eq(bcsc_executor_reactor(&ex), &r.base);
  bcsc_test_log_init(&log);
  sleeper_init(&a, &ex, &log, 1, 3 * BCSC_SEC);
  sleeper_init(&b, &ex, &log, 2, 1 * BCSC_SEC);
  sleeper_init(&c, &ex, &log, 3, 2 * BCSC_SEC + 1);
  sleeper_init(&d, &ex, &log, 4, 2 * BCSC_SEC);
  cr_assert_eq(bcsc_executor_spawn(&ex, &a.task), 0);
  cr_assert_eq(bcsc_executor_spawn(&ex, &b.task), 0);
  cr_assert_eq(bcsc_executor_spawn(&ex, &c.task), 0);
  cr_assert_eq(bcsc_executor_spawn(&ex, &d.task), 0);
  cr_assert_eq(bcsc_executor_run(&ex, NULL), 0);

  cr_assert(bcsc_test_log_equals(&log, order, 4));
  /* Virtual time is exact: each task wakes at its deadline to the ns. */
  cr_assert_eq(a.started_at, start);
  cr_assert_eq(a.woke_at, start + 3 * BCSC_SEC);
  cr_assert_eq(b.woke_at, start + 1 * BCSC_SEC);
  cr_assert_eq(c.woke_at, start + 2 * BCSC_SEC + 1);
  cr_assert_eq(d.woke_at, start + 2 * BCSC_SEC);
  cr_assert_eq(a.rc, 0);
  cr_assert_eq(c.rc, 0);
  /* One park per distinct deadline, and one poll to sleep, one to wake. */
  cr_assert_eq(bcsc_sim_reactor_parks(&r), 4);
  cr_assert_eq(a.polls, 2);
  cr_assert_eq(bcsc_sim_reactor_now(&r), start + 3 * BCSC_SEC);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
}

Test(reactor_sim, a_task_waiting_on_nothing_timed_is_a_deadlock) {
  bcsc_sim_reactor_t r;
  bcsc_executor_t ex;
  bcsc_waitq_t q;
  bcsc_test_leaf_t leaf;

  cr_assert_eq(bcsc_sim_reactor_init(&r, 0), 0);
  bcsc_test_executor_with(&ex, &r.base);
  cr_assert_eq(bcsc_waitq_init(&q), 0);
  bcsc_test_leaf_init(&leaf, 1);
  leaf.queue = &q;
  cr_assert_eq(bcsc_executor_run(&ex, &leaf.task), BCSC_EDEADLK);
  cr_assert_eq(bcsc_sim_reactor_now(&r), 0);
  /* Every task is left as it was: a wake makes the next run finish. */
  cr_assert_eq(bcsc_waitq_wake_one(&q, 9), 1);
  cr_assert_eq(bcsc_executor_run(&ex, &leaf.task), 0);
  cr_assert_eq(leaf.value, 9);
  cr_assert_eq(bcsc_waitq_deinit(&q), 0);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
}

Test(reactor_sim, a_host_loop_drives_the_executor_with_next_deadline) {
  bcsc_sim_reactor_t r;
  bcsc_executor_t ex;
  bcsc_test_log_t log;
  sleeper_t a, b;
  const int order[] = {1, 2};
  uint32_t rounds = 0;

  cr_assert_eq(bcsc_sim_reactor_init(&r, 0), 0);
  bcsc_test_executor_with(&ex, &r.base);
  bcsc_test_log_init(&log);
  sleeper_init(&a, &ex, &log, 1, 5 * BCSC_MSEC);
  sleeper_init(&b, &ex, &log, 2, 7 * BCSC_MSEC);
  cr_assert_eq(bcsc_executor_spawn(&ex, &a.task), 0);
  cr_assert_eq(bcsc_executor_spawn(&ex, &b.task), 0);
  /* The host's own loop: poll, ask when to come back, move its clock. */
  while (bcsc_executor_live_roots(&ex) != 0) {
    uint64_t next;
    cr_assert_geq(bcsc_executor_poll(&ex, 16), 0);
    next = bcsc_executor_next_deadline(&ex);
    if (bcsc_executor_live_roots(&ex) == 0)
      break;
    cr_assert_neq(next, BCSC_NO_DEADLINE);
    if (next > bcsc_sim_reactor_now(&r))
      bcsc_sim_reactor_advance(&r, next - bcsc_sim_reactor_now(&r));
    cr_assert_lt(++rounds, 10);
  }
  cr_assert(bcsc_test_log_equals(&log, order, 2));
  cr_assert_eq(a.woke_at, 5 * BCSC_MSEC);
  cr_assert_eq(b.woke_at, 7 * BCSC_MSEC);
  cr_assert_eq(bcsc_sim_reactor_parks(&r), 0);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
}

/* A memcpy of a sim reactor bound to an executor, the original left in
 * place, is another virtual clock (D99): the sim reactor holds no kernel
 * object and nothing points into it but the executor, at the original.
 * Advancing, parking or unparking the copy moves the copy alone; the
 * original's executor runs to the end at the original's times. */
Test(reactor_sim, a_copy_of_a_bound_reactor_is_a_clock_of_its_own) {
  bcsc_sim_reactor_t r, copy;
  bcsc_executor_t ex;
  bcsc_test_log_t log;
  sleeper_t a;
  const uint64_t start = 10 * BCSC_SEC;
  cr_assert_eq(bcsc_sim_reactor_init(&r, start), 0);
  bcsc_test_executor_with(&ex, &r.base);
  bcsc_test_log_init(&log);
  sleeper_init(&a, &ex, &log, 1, 2 * BCSC_SEC);
  cr_assert_eq(bcsc_executor_spawn(&ex, &a.task), 0);
  memcpy(&copy, &r, sizeof r);
  cr_assert_eq(bcsc_sim_reactor_advance(&copy, 5 * BCSC_SEC), 0);
  cr_assert_eq(vpark(&copy, start + 7 * BCSC_SEC), 0);
  vunpark(&copy);
  cr_assert_eq(bcsc_sim_reactor_now(&copy), start + 7 * BCSC_SEC);
  cr_assert_eq(bcsc_sim_reactor_now(&r), start, "the original did not move");
  cr_assert_eq(bcsc_executor_run(&ex, NULL), 0);
  cr_assert_eq(a.rc, 0);
  cr_assert_eq(a.started_at, start);
  cr_assert_eq(a.woke_at, start + 2 * BCSC_SEC);
  cr_assert_eq(bcsc_sim_reactor_parks(&r), 1);
  cr_assert_eq(bcsc_sim_reactor_parks(&copy), 1);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
}
