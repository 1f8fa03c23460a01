/* SPDX-License-Identifier: MIT
 * test_timer.c - timers, the timing wheel, periodic ticks, scope deadlines
 * and the host-driven executor, through the public API.
 *
 * The suite brings its own reactor, a manual clock whose park jumps to the
 * deadline it is given: every wake then happens exactly at a deadline, so
 * the tests can assert exact times and count parks. The shipped
 * reactors have their own suites. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include "bcsc_stepped.h"
#include "bcsc_test.h"

/* ---- a manual clock reactor ---------------------------------------------- */

typedef struct test_clock {
  bcsc_reactor_t base;
  uint64_t now;
  uint64_t parks;
  uint64_t last_park_deadline;
  int park_result; /* returned by park when non-zero */
} test_clock_t;

static uint64_t clock_now(bcsc_reactor_t *r) {
  return ((test_clock_t *)r)->now;
}

static int clock_park(bcsc_reactor_t *r, uint64_t deadline) {
  test_clock_t *c = (test_clock_t *)r;
  c->parks++;
  c->last_park_deadline = deadline;
  if (c->park_result != 0)
    return c->park_result;
  if (deadline == BCSC_NO_DEADLINE)
    return BCSC_EDEADLK;
  if (deadline > c->now)
    c->now = deadline;
  return 0;
}

static const bcsc_reactor_vtable_t clock_vtable = {
    sizeof(bcsc_reactor_vtable_t), BCSC_REACTOR_VTABLE_VERSION, clock_now,
    clock_park, NULL};

static test_clock_t g_clock;
static bcsc_executor_t g_ex;

static void executor_with_clock(uint64_t start) {
  bcsc_executor_config_t cfg = {.size = sizeof cfg, .reactor = &g_clock.base};
  memset(&g_clock, 0, sizeof g_clock);
  g_clock.base.vtable = &clock_vtable;
  g_clock.now = start;
  cr_assert_eq(bcsc_executor_init(&g_ex, &cfg), 0);
}

/* ---- a sleeper: sleeps `duration` (or until `deadline`), records when --- */

typedef struct sleeper {
  bcsc_task_t task;
  bcsc_timer_t timer;
  bcsc_co_t co;
  uint64_t duration; /* 0: use deadline */
  uint64_t deadline;
  uint64_t woke_at;
  int rc;
  int id;
  bcsc_test_log_t *log;
} sleeper_t;

static int sleeper_poll(bcsc_task_t *self) {
  sleeper_t *s = (sleeper_t *)self;
  BCSC_CO_BEGIN(&s->co);
  if (s->duration != 0)
    BCSC_AWAIT(&s->co, s->rc, bcsc_sleep_for(self, &s->timer, s->duration));
  else
    BCSC_AWAIT(&s->co, s->rc, bcsc_sleep_until(self, &s->timer, s->deadline));
  s->woke_at = bcsc_executor_now(&g_ex);
  if (s->log != NULL)
    bcsc_test_log_push(s->log, s->id);
  BCSC_CO_END(&s->co);
}

static void sleeper_init(sleeper_t *s, int id, uint64_t duration,
                         uint64_t deadline) {
  memset(s, 0, sizeof *s);
  cr_assert_eq(bcsc_task_init(&s->task, sleeper_poll, NULL), 0);
  cr_assert_eq(bcsc_timer_init(&s->timer), 0);
  s->id = id;
  s->duration = duration;
  s->deadline = deadline;
}

Test(timer, sleep_for_wakes_exactly_at_its_deadline) {
  sleeper_t s;
  bcsc_executor_stats_t st = {.size = sizeof st};
  executor_with_clock(1000);
  sleeper_init(&s, 1, 5 * BCSC_MSEC, 0);
  cr_assert_eq(bcsc_executor_run(&g_ex, &s.task), 0);
  cr_assert_eq(s.rc, 0);
  cr_assert_eq(s.woke_at, 1000 + 5 * BCSC_MSEC);
  cr_assert_eq(bcsc_timer_deadline(&s.timer), BCSC_NO_DEADLINE,
               "a one-shot sleep leaves the timer disarmed");
  cr_assert_eq(bcsc_executor_stats(&g_ex, &st), 0);
  cr_assert_eq(st.timers_fired, 1);
  cr_assert_geq(st.parks, 1);
  cr_assert_eq(bcsc_executor_deinit(&g_ex), 0);
}

/* A task reads its executor's clock through its own frame: a sleep of
 * 250 ns from 1000 reads 1000 before and 1250 after; a frame that is not
 * live, or whose executor has no clock, reads 0. */
typedef struct clock_reader {
  bcsc_task_t task;
  bcsc_timer_t timer;
  uint64_t before, after;
} clock_reader_t;

static int clock_reader_poll(bcsc_task_t *self) {
  clock_reader_t *r = (clock_reader_t *)self;
  int rc;
  if (r->before == 0)
    r->before = bcsc_task_now(self);
  if ((rc = bcsc_sleep_for(self, &r->timer, 250)) != 0)
    return rc;
  r->after = bcsc_task_now(self);
  return 0;
}

static int returns_now(bcsc_task_t *self) { return (int)bcsc_task_now(self); }

Test(timer, a_task_reads_its_executors_clock) {
  clock_reader_t r;
  bcsc_executor_t bare;
  bcsc_task_t idle;
  memset(&r, 0, sizeof r);
  executor_with_clock(1000);
  cr_assert_eq(bcsc_task_init(&r.task, clock_reader_poll, NULL), 0);
  cr_assert_eq(bcsc_timer_init(&r.timer), 0);
  cr_assert_eq(bcsc_task_now(&r.task), 0, "not spawned yet");
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &r.task), 0);
  cr_assert_eq(bcsc_task_now(&r.task), 1000, "queued: live");
  {
    /* A query must not follow a clobbered frame's pointer (D89): a live
     * frame whose scope pointer was overwritten - NULL, or memory that is
     * not a scope - answers 0. The pointer is put back before the run. */
    bcsc_scope_t *scope = r.task.priv.scope;
    bcsc_scope_t not_a_scope;
    memset(&not_a_scope, 0, sizeof not_a_scope);
    r.task.priv.scope = NULL;
    cr_assert_eq(bcsc_task_now(&r.task), 0);
    r.task.priv.scope = &not_a_scope;
    cr_assert_eq(bcsc_task_now(&r.task), 0);
    r.task.priv.scope = scope;
  }
  cr_assert_eq(bcsc_executor_run(&g_ex, NULL), 0);
  cr_assert_eq(r.before, 1000);
  cr_assert_eq(r.after, 1250);
  cr_assert_eq(bcsc_task_now(&r.task), 0, "completed");
  cr_assert_eq(bcsc_task_now(NULL), 0);
  cr_assert_eq(bcsc_executor_deinit(&g_ex), 0);
  /* An executor without a reactor has no clock. */
  cr_assert_eq(bcsc_executor_init(&bare, NULL), 0);
  cr_assert_eq(bcsc_task_init(&idle, returns_now, NULL), 0);
  cr_assert_eq(bcsc_executor_spawn(&bare, &idle), 0);
  cr_assert_eq(bcsc_task_now(&idle), 0);
  cr_assert_eq(bcsc_executor_poll(&bare, 10), 1);
  cr_assert_eq(bcsc_task_result(&idle), 0, "no clock while it runs either");
  cr_assert_eq(bcsc_executor_deinit(&bare), 0);
}

Test(timer, a_deadline_already_passed_completes_without_waiting) {
  sleeper_t s;
  executor_with_clock(5000);
  sleeper_init(&s, 1, 0, 4000);
  cr_assert_eq(bcsc_executor_run(&g_ex, &s.task), 0);
  cr_assert_eq(s.woke_at, 5000);
  cr_assert_eq(g_clock.parks, 0);
  cr_assert_eq(bcsc_executor_deinit(&g_ex), 0);
}

/* ---- many sleepers, deadlines across every wheel level --------------------
 */

typedef struct parent {
  bcsc_task_t task;
  bcsc_scope_t scope;
  bcsc_co_t co;
  sleeper_t *kids;
  uint32_t n;
  int join_rc;
  uint64_t scope_deadline;
  uint32_t deadline_kind;
  int cancel_index; /* -1: none; else cancel kids[cancel_index] mid-way */
  int first_kind;   /* >= 0: set the deadline with this kind first */
  uint32_t policy;  /* the scope's; WAIT_ALL unless a test says */
} parent_t;

static int parent_poll(bcsc_task_t *self) {
  parent_t *p = (parent_t *)self;
  int rc;
  BCSC_CO_BEGIN(&p->co);
  cr_assert_eq(bcsc_scope_init(&p->scope, self, p->policy), 0);
  if (p->first_kind >= 0)
    cr_assert_eq(bcsc_scope_set_deadline(&p->scope, p->scope_deadline,
                                         (uint32_t)p->first_kind),
                 0);
  if (p->scope_deadline != 0)
    cr_assert_eq(
        bcsc_scope_set_deadline(&p->scope, p->scope_deadline, p->deadline_kind),
        0);
  for (uint32_t i = 0; i < p->n; i++)
    cr_assert_eq(bcsc_scope_spawn(&p->scope, &p->kids[i].task), 0);
  BCSC_AWAIT(&p->co, rc, bcsc_scope_join(&p->scope));
  p->join_rc = rc;
  BCSC_CO_END(&p->co);
  return 0;
}

static void parent_init(parent_t *p, sleeper_t *kids, uint32_t n) {
  memset(p, 0, sizeof *p);
  cr_assert_eq(bcsc_task_init(&p->task, parent_poll, NULL), 0);
  p->kids = kids;
  p->n = n;
  p->cancel_index = -1;
  p->first_kind = -1;
  p->policy = BCSC_SCOPE_WAIT_ALL;
}

static uint64_t rng_state = 0x9e3779b97f4a7c15u;
static uint64_t rng(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return rng_state;
}

#define MANY 2000
static sleeper_t many[MANY];

Test(timer, every_sleeper_wakes_exactly_at_its_deadline_in_deadline_order) {
  parent_t p;
  bcsc_test_log_t log;
  uint64_t start = 123456789;
  executor_with_clock(start);
  bcsc_test_log_init(&log);
  for (uint32_t i = 0; i < MANY; i++) {
    /* Spread over 1 ns .. 2^42 ns (beyond the wheel's 2^36 ns top level),
     * with some deadlines shared by several sleepers. */
    uint64_t span = (uint64_t)1 << (rng() % 43);
    uint64_t d =
        i % 7 == 0 ? start + 1000 * (i % 5 + 1) : start + 1 + rng() % span;
    sleeper_init(&many[i], (int)i, 0, d);
  }
  parent_init(&p, many, MANY);
  cr_assert_eq(bcsc_executor_run(&g_ex, &p.task), 0);
  cr_assert_eq(p.join_rc, 0);
  for (uint32_t i = 0; i < MANY; i++)
    cr_assert_eq(many[i].woke_at, many[i].deadline,
                 "sleeper %u: deadline %llu woke at %llu", i,
                 (unsigned long long)many[i].deadline,
                 (unsigned long long)many[i].woke_at);
  cr_assert_eq(bcsc_executor_next_deadline(&g_ex), BCSC_NO_DEADLINE);
  cr_assert_eq(bcsc_executor_deinit(&g_ex), 0);
}

/* Deadlines beyond the wheel's top level (2^36 ns, 68.7 s) wait there and
 * move down turn by turn; the executor parks until the deadline itself, not
 * until each turn's slot comes round (which woke it every 68.7 s before):
 * one park per distinct deadline, each exactly at it. */
Test(timer, far_sleepers_park_once_each_exactly_until_their_deadlines) {
  enum { N = 5 };
  static const uint64_t after[N] = {
      (uint64_t)100 * BCSC_SEC, (uint64_t)3600 * BCSC_SEC,
      (uint64_t)86400 * 365 * BCSC_SEC, (uint64_t)70 * BCSC_SEC,
      (uint64_t)3600 * BCSC_SEC + 1};
  sleeper_t kids[N];
  parent_t p;
  uint64_t start = 987654321; /* mid-slot at every level */
  executor_with_clock(start);
  for (uint32_t i = 0; i < N; i++)
    sleeper_init(&kids[i], (int)i, 0, start + after[i]);
  parent_init(&p, kids, N);
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &p.task), 0);
  cr_assert_eq(bcsc_executor_poll(&g_ex, 100), 1 + N,
               "the parent and its sleepers");
  cr_assert_eq(bcsc_executor_next_deadline(&g_ex), start + after[3],
               "the earliest deadline, exactly");
  cr_assert_eq(bcsc_executor_run(&g_ex, &p.task), 0);
  cr_assert_eq(p.join_rc, 0);
  for (uint32_t i = 0; i < N; i++)
    cr_assert_eq(kids[i].woke_at, start + after[i], "sleeper %u woke at %llu",
                 i, (unsigned long long)kids[i].woke_at);
  cr_assert_eq(g_clock.parks, N, "one park per deadline, not one per turn");
  cr_assert_eq(g_clock.last_park_deadline, start + after[2]);
  cr_assert_eq(bcsc_executor_deinit(&g_ex), 0);
}

/* Sleepers log in the order they woke: by deadline, FIFO on ties. */
Test(timer, equal_deadlines_fire_in_the_order_the_waits_were_made) {
  enum { N = 6 };
  sleeper_t kids[N];
  parent_t p;
  bcsc_test_log_t log;
  static const int want[N] = {1, 3, 5, 0, 2, 4};
  char buf[64];
  executor_with_clock(0);
  bcsc_test_log_init(&log);
  for (int i = 0; i < N; i++) {
    sleeper_init(&kids[i], i, 0, i % 2 == 0 ? 2000 : 1000);
    kids[i].log = &log;
  }
  parent_init(&p, kids, N);
  cr_assert_eq(bcsc_executor_run(&g_ex, &p.task), 0);
  cr_assert(bcsc_test_log_equals(&log, want, N), "woke in order %s",
            bcsc_test_log_format(&log, buf, sizeof buf));
  cr_assert_eq(bcsc_executor_deinit(&g_ex), 0);
}

/* ---- cancellation and first-wake-wins unlink timers from the wheel ------- */

Test(timer, cancelling_a_sleeper_unlinks_its_timer) {
  sleeper_t s;
  executor_with_clock(0);
  sleeper_init(&s, 1, 0, 10 * BCSC_SEC);
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &s.task), 0);
  cr_assert_eq(bcsc_executor_poll(&g_ex, 10), 1);
  cr_assert_eq(bcsc_timer_linked(&s.timer), 1);
  cr_assert_eq(bcsc_executor_next_deadline(&g_ex), 10 * BCSC_SEC);
  cr_assert_eq(bcsc_task_cancel(&s.task), 0);
  cr_assert_eq(bcsc_timer_linked(&s.timer), 0);
  cr_assert_eq(bcsc_executor_next_deadline(&g_ex), 0, "the task is ready");
  cr_assert_eq(bcsc_executor_run(&g_ex, &s.task), 0);
  cr_assert_eq(s.rc, BCSC_ECANCELED);
  cr_assert_eq(bcsc_executor_next_deadline(&g_ex), BCSC_NO_DEADLINE);
  cr_assert_eq(g_clock.now, 0, "the clock never moved");
  cr_assert_eq(bcsc_executor_deinit(&g_ex), 0);
}

typedef struct selector {
  bcsc_task_t task;
  bcsc_timer_t timer;
  bcsc_wait_t wait;
  bcsc_waitq_t *queue;
  uint64_t deadline;
  int round;
  int by_queue;
  int by_timer;
  uint64_t woke_at[4];
} selector_t;

/* Waits on a waiter list and a timer at once, twice; learns which fired. */
static int selector_poll(bcsc_task_t *self) {
  selector_t *s = (selector_t *)self;
  int rc;
  for (;;) {
    if (bcsc_wait_fired(&s->wait)) {
      cr_assert_eq(bcsc_wait_on(self, &s->wait, s->queue), 0);
      s->by_queue++;
    } else if (bcsc_timer_fired(&s->timer)) {
      cr_assert_eq(bcsc_timer_wait(self, &s->timer), 0);
      s->by_timer++;
    } else if (s->round == 0 && s->deadline != 0) {
      cr_assert_eq(bcsc_timer_set(&s->timer, s->deadline), 0);
    } else {
      rc = bcsc_wait_register(self, &s->wait, s->queue);
      cr_assert_eq(rc, 0);
      rc = bcsc_timer_wait(self, &s->timer);
      cr_assert_eq(rc, BCSC_PENDING);
      return BCSC_PENDING;
    }
    s->woke_at[s->round++] = bcsc_executor_now(&g_ex);
    if (s->round == 2)
      return 0;
  }
}

Test(timer, select_on_a_list_and_a_timer_the_first_wake_wins) {
  selector_t s;
  bcsc_waitq_t q;
  memset(&s, 0, sizeof s);
  executor_with_clock(0);
  cr_assert_eq(bcsc_waitq_init(&q), 0);
  cr_assert_eq(bcsc_task_init(&s.task, selector_poll, NULL), 0);
  cr_assert_eq(bcsc_timer_init(&s.timer), 0);
  cr_assert_eq(bcsc_wait_init(&s.wait), 0);
  s.queue = &q;
  cr_assert_eq(bcsc_timer_set(&s.timer, 7000), 0);
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &s.task), 0);
  cr_assert_eq(bcsc_executor_poll(&g_ex, 10), 1);
  cr_assert_eq(bcsc_timer_linked(&s.timer), 1);
  /* The list wins: the timer is unlinked from the wheel, keeps its
   * deadline, and the next round's wait links it again. */
  cr_assert_eq(bcsc_waitq_wake_one(&q, 5), 1);
  cr_assert_eq(bcsc_timer_linked(&s.timer), 0);
  cr_assert_eq(bcsc_timer_deadline(&s.timer), 7000);
  cr_assert_eq(bcsc_executor_run(&g_ex, &s.task), 0);
  cr_assert_eq(s.by_queue, 1);
  cr_assert_eq(s.by_timer, 1);
  cr_assert_eq(s.woke_at[0], 0);
  cr_assert_eq(s.woke_at[1], 7000);
  cr_assert_eq(bcsc_waitq_count(&q), 0, "the losing registration is gone");
  cr_assert_eq(bcsc_executor_deinit(&g_ex), 0);
}

/* ---- periodic timers ----------------------------------------------------- */

typedef struct ticker {
  bcsc_task_t task;
  bcsc_timer_t timer;
  uint32_t policy;
  uint32_t ticks;
  uint32_t want_ticks;
  uint32_t stall_at; /* on this tick, the clock jumps by stall_ns */
  uint64_t stall_ns;
  uint64_t seen[32];   /* time each tick was taken */
  uint32_t missed[32]; /* bcsc_timer_missed() after each tick */
} ticker_t;

static int ticker_poll(bcsc_task_t *self) {
  ticker_t *t = (ticker_t *)self;
  int rc;
  while (t->ticks < t->want_ticks) {
    if ((rc = bcsc_timer_wait(self, &t->timer)) != 0)
      return rc;
    t->seen[t->ticks] = bcsc_executor_now(&g_ex);
    t->missed[t->ticks] = bcsc_timer_missed(&t->timer);
    if (t->ticks == t->stall_at)
      g_clock.now += t->stall_ns; /* the task overran its period */
    t->ticks++;
  }
  return 0;
}

static void run_ticker(ticker_t *t, uint32_t policy, uint32_t want,
                       uint32_t stall_at, uint64_t stall_ns) {
  memset(t, 0, sizeof *t);
  executor_with_clock(0);
  cr_assert_eq(bcsc_task_init(&t->task, ticker_poll, NULL), 0);
  cr_assert_eq(bcsc_timer_init(&t->timer), 0);
  cr_assert_eq(bcsc_timer_set_periodic(&t->timer, 1000, 1000, policy), 0);
  t->policy = policy;
  t->want_ticks = want;
  t->stall_at = stall_at;
  t->stall_ns = stall_ns;
  cr_assert_eq(bcsc_executor_run(&g_ex, &t->task), 0);
  cr_assert_eq(bcsc_executor_deinit(&g_ex), 0);
}

Test(timer, periodic_ticks_are_drift_free) {
  ticker_t t;
  run_ticker(&t, BCSC_TICK_SKIP, 20, 99, 0);
  for (uint32_t i = 0; i < 20; i++) {
    cr_assert_eq(t.seen[i], 1000 * (i + 1));
    cr_assert_eq(t.missed[i], 0);
  }
  cr_assert_eq(bcsc_timer_missed_total(&t.timer), 0);
  cr_assert_eq(bcsc_timer_deadline(&t.timer), 21000);
}

/* Tick 2 (taken at 3000) overruns by 3500 ns, to 6500: the deadlines 4000,
 * 5000 and 6000 have passed. */
Test(timer, skip_drops_missed_ticks_and_keeps_the_grid) {
  ticker_t t;
  run_ticker(&t, BCSC_TICK_SKIP, 6, 2, 3500);
  static const uint64_t want[6] = {1000, 2000, 3000, 6500, 7000, 8000};
  for (uint32_t i = 0; i < 6; i++)
    cr_assert_eq(t.seen[i], want[i], "tick %u at %llu", i,
                 (unsigned long long)t.seen[i]);
  cr_assert_eq(t.missed[3], 2, "4000 taken at 6500: 5000 and 6000 passed");
  cr_assert_eq(bcsc_timer_missed_total(&t.timer), 2);
}

Test(timer, burst_delivers_missed_ticks_at_once_then_keeps_the_grid) {
  ticker_t t;
  run_ticker(&t, BCSC_TICK_BURST, 7, 2, 3500);
  static const uint64_t want[7] = {1000, 2000, 3000, 6500, 6500, 6500, 7000};
  static const uint32_t missed[7] = {0, 0, 0, 2, 1, 0, 0};
  for (uint32_t i = 0; i < 7; i++) {
    cr_assert_eq(t.seen[i], want[i], "tick %u at %llu", i,
                 (unsigned long long)t.seen[i]);
    cr_assert_eq(t.missed[i], missed[i], "tick %u missed %u", i, t.missed[i]);
  }
  cr_assert_eq(bcsc_timer_missed_total(&t.timer), 2);
}

Test(timer, delay_restarts_the_grid_after_a_late_tick) {
  ticker_t t;
  run_ticker(&t, BCSC_TICK_DELAY, 6, 2, 3500);
  static const uint64_t want[6] = {1000, 2000, 3000, 6500, 7500, 8500};
  for (uint32_t i = 0; i < 6; i++)
    cr_assert_eq(t.seen[i], want[i], "tick %u at %llu", i,
                 (unsigned long long)t.seen[i]);
  cr_assert_eq(bcsc_timer_missed_total(&t.timer), 2);
}

Test(timer, bad_arguments_fail_with_their_codes) {
  bcsc_timer_t t;
  bcsc_test_misuse_t rec;
  bcsc_test_misuse_install(&rec);
  cr_assert_eq(bcsc_timer_init(NULL), BCSC_EINVAL);
  cr_assert_eq(bcsc_timer_init(&t), 0);
  cr_assert_eq(bcsc_timer_set_periodic(&t, 0, 0, BCSC_TICK_SKIP), BCSC_EINVAL);
  cr_assert_eq(bcsc_timer_set_periodic(&t, 0, 10, 7), BCSC_EINVAL);
  memset(&t, 0x5a, sizeof t);
  cr_assert_eq(bcsc_timer_set(&t, 10), BCSC_EBADOBJ);
  cr_assert_eq(bcsc_timer_set_periodic(&t, 0, 10, BCSC_TICK_SKIP),
               BCSC_EBADOBJ);
  cr_assert_eq(bcsc_timer_stop(NULL), BCSC_EINVAL);
  cr_assert_eq(bcsc_timer_set(NULL, 10), BCSC_EINVAL);
  cr_assert_eq(rec.count, bcsc_test_misuse_expected(7));
  bcsc_test_misuse_uninstall();
  cr_assert_eq(bcsc_timer_deadline(NULL), BCSC_NO_DEADLINE);
  cr_assert_eq(bcsc_timer_sizeof(), sizeof(bcsc_timer_t));
  cr_assert_eq(bcsc_timer_alignof(), _Alignof(bcsc_timer_t));
}

/* ---- without a reactor there is no clock --------------------------------- */

static int sleeps_without_clock(bcsc_task_t *self) {
  sleeper_t *s = (sleeper_t *)self;
  bcsc_scope_t scope;
  s->rc = bcsc_sleep_for(self, &s->timer, 100);
  cr_assert_eq(bcsc_scope_init(&scope, self, BCSC_SCOPE_FAIL_FAST), 0);
  cr_assert_eq(bcsc_scope_set_deadline(&scope, 100, BCSC_DEADLINE_FAIL),
               BCSC_ENOTSUP);
  cr_assert_eq(bcsc_scope_join(&scope), 0);
  return 0;
}

Test(timer, without_a_reactor_timers_are_not_supported) {
  bcsc_executor_t ex;
  sleeper_t s;
  sleeper_init(&s, 1, 0, 0);
  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  cr_assert_eq(bcsc_task_init(&s.task, sleeps_without_clock, NULL), 0);
  cr_assert_eq(bcsc_executor_run(&ex, &s.task), 0);
  cr_assert_eq(s.rc, BCSC_ENOTSUP);
  cr_assert_eq(bcsc_executor_now(&ex), 0);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
}

Test(timer, a_bad_reactor_is_refused_at_init) {
  bcsc_executor_t ex;
  static const bcsc_reactor_vtable_t no_now = {sizeof(bcsc_reactor_vtable_t),
                                               BCSC_REACTOR_VTABLE_VERSION,
                                               NULL, NULL, NULL};
  static const bcsc_reactor_vtable_t future = {sizeof(bcsc_reactor_vtable_t),
                                               BCSC_REACTOR_VTABLE_VERSION + 1,
                                               clock_now, clock_park, NULL};
  bcsc_reactor_t r = {&no_now, NULL};
  bcsc_executor_config_t cfg = {.size = sizeof cfg, .reactor = &r};
  bcsc_test_misuse_t rec;
  bcsc_test_misuse_install(&rec);
  cr_assert_eq(bcsc_executor_init(&ex, &cfg), BCSC_EINVAL);
  r.vtable = &future;
  cr_assert_eq(bcsc_executor_init(&ex, &cfg), BCSC_ENOTSUP);
  cr_assert_eq(rec.count, bcsc_test_misuse_expected(2));
  bcsc_test_misuse_uninstall();
  cr_assert_eq(bcsc_reactor_check(NULL), BCSC_EINVAL);
  cr_assert_eq(bcsc_reactor_vtable_sizeof(), sizeof(bcsc_reactor_vtable_t));
  cr_assert_eq(bcsc_reactor_sizeof(), sizeof(bcsc_reactor_t));
}

Test(timer, a_failing_park_ends_run_with_its_code) {
  sleeper_t s;
  executor_with_clock(0);
  sleeper_init(&s, 1, 50, 0);
  g_clock.park_result = BCSC_EUSER - 7;
  cr_assert_eq(bcsc_executor_run(&g_ex, &s.task), BCSC_EUSER - 7);
  cr_assert_eq(g_clock.last_park_deadline, 50);
  g_clock.park_result = 0;
  cr_assert_eq(bcsc_executor_run(&g_ex, &s.task), 0, "run again resumes");
  cr_assert_eq(s.woke_at, 50);
  cr_assert_eq(bcsc_executor_deinit(&g_ex), 0);
}

/* ---- scope deadlines ------------------------------------------------------
 */

static void run_deadline_scope(parent_t *p, sleeper_t *kids, uint32_t n,
                               uint64_t deadline, uint32_t kind) {
  parent_init(p, kids, n);
  p->scope_deadline = deadline;
  p->deadline_kind = kind;
  cr_assert_eq(bcsc_executor_run(&g_ex, &p->task), 0);
}

Test(deadline, move_on_cancels_the_children_and_join_returns_0) {
  sleeper_t kids[3];
  parent_t p;
  executor_with_clock(0);
  sleeper_init(&kids[0], 0, 0, 100);
  sleeper_init(&kids[1], 1, 0, 5000);
  sleeper_init(&kids[2], 2, 0, 9000);
  run_deadline_scope(&p, kids, 3, 1000, BCSC_DEADLINE_MOVE_ON);
  cr_assert_eq(p.join_rc, 0);
  cr_assert_eq(bcsc_scope_timed_out(&p.scope), 1);
  cr_assert_eq(kids[0].rc, 0);
  cr_assert_eq(kids[0].woke_at, 100);
  cr_assert_eq(kids[1].rc, BCSC_ECANCELED);
  cr_assert_eq(kids[2].rc, BCSC_ECANCELED);
  cr_assert_eq(g_clock.now, 1000, "nobody waited past the deadline");
  cr_assert_eq(bcsc_executor_deinit(&g_ex), 0);
}

Test(deadline, fail_makes_join_return_etimedout) {
  sleeper_t kids[1];
  parent_t p;
  executor_with_clock(0);
  sleeper_init(&kids[0], 0, 0, 5000);
  run_deadline_scope(&p, kids, 1, 1000, BCSC_DEADLINE_FAIL);
  cr_assert_eq(p.join_rc, BCSC_ETIMEDOUT);
  cr_assert_eq(bcsc_scope_timed_out(&p.scope), 1);
  cr_assert_eq(bcsc_executor_deinit(&g_ex), 0);
}

/* A race its own deadline ends before anyone wins: its children all end
 * cancelled (none wins), and join gives the deadline's kind, not the
 * ECANCELED of a race cancelled from elsewhere. */
Test(deadline, a_race_its_deadline_ends_gives_the_deadlines_kind) {
  static const uint32_t kinds[] = {BCSC_DEADLINE_MOVE_ON, BCSC_DEADLINE_FAIL};
  for (size_t k = 0; k < 2; k++) {
    sleeper_t kids[2];
    parent_t p;
    executor_with_clock(0);
    sleeper_init(&kids[0], 0, 0, 5000);
    sleeper_init(&kids[1], 1, 0, 9000);
    parent_init(&p, kids, 2);
    p.policy = BCSC_SCOPE_RACE;
    p.scope_deadline = 1000;
    p.deadline_kind = kinds[k];
    cr_assert_eq(bcsc_executor_run(&g_ex, &p.task), 0);
    cr_assert_eq(p.join_rc,
                 kinds[k] == BCSC_DEADLINE_FAIL ? BCSC_ETIMEDOUT : 0);
    cr_assert_eq(bcsc_scope_timed_out(&p.scope), 1);
    cr_assert_null(bcsc_scope_winner(&p.scope));
    cr_assert_eq(kids[0].rc, BCSC_ECANCELED);
    cr_assert_eq(kids[1].rc, BCSC_ECANCELED);
    cr_assert_eq(g_clock.now, 1000);
    cr_assert_eq(bcsc_executor_deinit(&g_ex), 0);
  }
}

Test(deadline, a_scope_done_before_its_deadline_leaves_nothing_in_the_wheel) {
  sleeper_t kids[1];
  parent_t p;
  executor_with_clock(0);
  sleeper_init(&kids[0], 0, 0, 500);
  run_deadline_scope(&p, kids, 1, 1000, BCSC_DEADLINE_FAIL);
  cr_assert_eq(p.join_rc, 0);
  cr_assert_eq(bcsc_scope_timed_out(&p.scope), 0);
  cr_assert_eq(bcsc_executor_next_deadline(&g_ex), BCSC_NO_DEADLINE);
  cr_assert_eq(g_clock.now, 500);
  cr_assert_eq(bcsc_executor_deinit(&g_ex), 0);
}

Test(deadline, a_passed_deadline_cancels_at_once) {
  sleeper_t kids[1];
  parent_t p;
  executor_with_clock(2000);
  sleeper_init(&kids[0], 0, 0, 5000);
  run_deadline_scope(&p, kids, 1, 1000, BCSC_DEADLINE_FAIL);
  cr_assert_eq(p.join_rc, BCSC_ETIMEDOUT);
  cr_assert_eq(kids[0].rc, BCSC_ECANCELED);
  cr_assert_eq(g_clock.now, 2000);
  cr_assert_eq(bcsc_executor_deinit(&g_ex), 0);
}

/* A child of the deadline scope owns a scope with a later deadline: the
 * earlier, outer one acts and reaches the inner scope's children. */
typedef struct nested {
  parent_t outer;
  parent_t inner;
  sleeper_t leaf;
  uint64_t inner_effective;
} nested_t;

static nested_t g_nested;

static int inner_poll(bcsc_task_t *self) {
  parent_t *p = (parent_t *)self;
  int rc;
  BCSC_CO_BEGIN(&p->co);
  cr_assert_eq(bcsc_scope_init(&p->scope, self, BCSC_SCOPE_WAIT_ALL), 0);
  cr_assert_eq(bcsc_scope_set_deadline(&p->scope, 9000, BCSC_DEADLINE_FAIL), 0);
  g_nested.inner_effective = bcsc_scope_deadline(&p->scope);
  cr_assert_eq(bcsc_scope_spawn(&p->scope, &p->kids[0].task), 0);
  BCSC_AWAIT(&p->co, rc, bcsc_scope_join(&p->scope));
  p->join_rc = rc;
  BCSC_CO_END(&p->co);
}

Test(deadline, nested_deadlines_the_earliest_acts) {
  nested_t *n = &g_nested;
  memset(n, 0, sizeof *n);
  executor_with_clock(0);
  sleeper_init(&n->leaf, 0, 0, 20000);
  parent_init(&n->inner, &n->leaf, 1);
  cr_assert_eq(bcsc_task_init(&n->inner.task, inner_poll, NULL), 0);
  parent_init(&n->outer, NULL, 0);
  n->outer.kids = (sleeper_t *)(void *)&n->inner; /* spawns inner.task */
  n->outer.n = 1;
  n->outer.scope_deadline = 3000;
  n->outer.deadline_kind = BCSC_DEADLINE_MOVE_ON;
  cr_assert_eq(bcsc_executor_run(&g_ex, &n->outer.task), 0);
  cr_assert_eq(n->inner_effective, 3000);
  cr_assert_eq(n->leaf.rc, BCSC_ECANCELED);
  cr_assert_eq(n->inner.join_rc, BCSC_ECANCELED,
               "the inner scope was cancelled by the outer deadline, not its "
               "own");
  cr_assert_eq(bcsc_scope_timed_out(&n->inner.scope), 0);
  cr_assert_eq(bcsc_scope_timed_out(&n->outer.scope), 1);
  cr_assert_eq(n->outer.join_rc, 0);
  cr_assert_eq(g_clock.now, 3000);
  cr_assert_eq(bcsc_executor_deinit(&g_ex), 0);
}

/* ---- the host-driven executor ------------------------------------------- */

static int pends;
static void count_pend(bcsc_executor_t *ex, void *ctx) {
  (void)ex;
  cr_assert_eq(ctx, &pends);
  pends++;
}

Test(host, poll_next_deadline_and_the_pender) {
  bcsc_test_leaf_t leaf;
  sleeper_t s;
  bcsc_waitq_t q;
  bcsc_executor_config_t cfg = {.size = sizeof cfg,
                                .reactor = &g_clock.base,
                                .pender = count_pend,
                                .pender_context = &pends};
  memset(&g_clock, 0, sizeof g_clock);
  g_clock.base.vtable = &clock_vtable;
  pends = 0;
  cr_assert_eq(bcsc_executor_init(&g_ex, &cfg), 0);
  cr_assert_eq(bcsc_waitq_init(&q), 0);
  bcsc_test_leaf_init(&leaf, 1);
  leaf.queue = &q;
  sleeper_init(&s, 2, 0, 4000);
  cr_assert_eq(bcsc_executor_next_deadline(&g_ex), BCSC_NO_DEADLINE);
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &leaf.task), 0);
  cr_assert_eq(pends, 1, "spawned from outside: the host is told");
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &s.task), 0);
  cr_assert_eq(pends, 1, "the queue was not empty");
  cr_assert_eq(bcsc_executor_next_deadline(&g_ex), 0);
  cr_assert_eq(bcsc_executor_poll(&g_ex, 100), 2);
  cr_assert_eq(bcsc_executor_next_deadline(&g_ex), 4000);
  /* Time passes in the host; the host polls at the deadline. */
  g_clock.now = 3999;
  cr_assert_eq(bcsc_executor_poll(&g_ex, 100), 0);
  g_clock.now = 4000;
  cr_assert_eq(bcsc_executor_poll(&g_ex, 100), 1);
  cr_assert_eq(bcsc_task_done(&s.task), 1);
  cr_assert_eq(s.woke_at, 4000);
  cr_assert_eq(pends, 1, "timers fired inside poll do not pend");
  /* A wake from the host's own code while it is outside bcsc pends. */
  cr_assert_eq(bcsc_waitq_wake_one(&q, 9), 1);
  cr_assert_eq(pends, 2);
  cr_assert_eq(bcsc_executor_poll(&g_ex, 100), 1);
  cr_assert_eq(bcsc_task_done(&leaf.task), 1);
  cr_assert_eq(g_clock.parks, 0, "poll never parks");
  cr_assert_eq(bcsc_executor_deinit(&g_ex), 0);
}

/* ---- random sleepers under a cancellation storm -------------------------- */

typedef struct storm {
  bcsc_task_t task;
  bcsc_timer_t timer;
  sleeper_t *kids;
  uint32_t n;
  uint32_t cancels;
  uint64_t cancelled_at[MANY];
} storm_t;

static storm_t g_storm;

/* Wakes at random times and cancels a random sleeper (if still live), until
 * every sleeper has ended. */
static int storm_poll(bcsc_task_t *self) {
  storm_t *st = (storm_t *)self;
  int rc;
  for (;;) {
    uint32_t live = 0;
    for (uint32_t i = 0; i < st->n; i++)
      live += !bcsc_task_done(&st->kids[i].task);
    if (live == 0)
      return 0;
    if ((rc = bcsc_sleep_for(self, &st->timer, 1 + rng() % 5000000)) != 0)
      return rc;
    for (uint32_t tries = 0; tries < 4; tries++) {
      uint32_t k = (uint32_t)(rng() % st->n);
      if (!bcsc_task_done(&st->kids[k].task) &&
          !bcsc_task_cancelled(&st->kids[k].task)) {
        cr_assert_eq(bcsc_task_cancel(&st->kids[k].task), 0);
        st->cancelled_at[k] = bcsc_executor_now(&g_ex);
        st->cancels++;
        break;
      }
    }
  }
}

Test(timer, random_sleepers_under_a_cancellation_storm) {
  parent_t p;
  storm_t *st = &g_storm;
  uint32_t fired = 0, cancelled = 0;
  memset(st, 0, sizeof *st);
  executor_with_clock(0);
  rng_state = 0x2545f4914f6cdd1du;
  for (uint32_t i = 0; i < MANY; i++)
    sleeper_init(&many[i], (int)i, 0, 1 + rng() % (1000 * BCSC_MSEC));
  cr_assert_eq(bcsc_task_init(&st->task, storm_poll, NULL), 0);
  cr_assert_eq(bcsc_timer_init(&st->timer), 0);
  st->kids = many;
  st->n = MANY;
  parent_init(&p, many, MANY);
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &st->task), 0);
  cr_assert_eq(bcsc_executor_run(&g_ex, &p.task), 0);
  cr_assert_eq(bcsc_executor_run(&g_ex, &st->task), 0);
  for (uint32_t i = 0; i < MANY; i++) {
    if (st->cancelled_at[i] != 0 && many[i].rc == BCSC_ECANCELED) {
      cr_assert_lt(st->cancelled_at[i], many[i].deadline,
                   "sleeper %u cancelled after its deadline", i);
      cancelled++;
    } else {
      cr_assert_eq(many[i].rc, 0);
      cr_assert_eq(many[i].woke_at, many[i].deadline,
                   "sleeper %u: deadline %llu woke at %llu", i,
                   (unsigned long long)many[i].deadline,
                   (unsigned long long)many[i].woke_at);
      fired++;
    }
  }
  cr_assert_eq(fired + cancelled, MANY);
  cr_assert_gt(cancelled, MANY / 10, "the storm cancelled %u", cancelled);
  cr_assert_gt(fired, MANY / 10);
  cr_assert_eq(bcsc_executor_next_deadline(&g_ex), BCSC_NO_DEADLINE);
  cr_assert_eq(bcsc_executor_deinit(&g_ex), 0);
}

/* ---- misuse -------------------------------------------------------------- */

typedef struct thief {
  bcsc_task_t task;
  bcsc_timer_t *timer; /* another task's */
  int rc;
} thief_t;

static int thief_poll(bcsc_task_t *self) {
  thief_t *t = (thief_t *)self;
  t->rc = bcsc_timer_wait(self, t->timer);
  return 0;
}

Test(timer, a_timer_linked_for_another_task_is_refused) {
  sleeper_t s;
  thief_t th;
  bcsc_test_misuse_t rec;
  executor_with_clock(0);
  sleeper_init(&s, 1, 0, 1000);
  cr_assert_eq(bcsc_task_init(&th.task, thief_poll, NULL), 0);
  th.timer = &s.timer;
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &s.task), 0);
  cr_assert_eq(bcsc_executor_poll(&g_ex, 10), 1);
  bcsc_test_misuse_install(&rec);
  cr_assert_eq(bcsc_executor_run(&g_ex, &th.task), 0);
  cr_assert_eq(th.rc, BCSC_EBUSY);
  cr_assert_eq(bcsc_test_misuse_count_code(&rec, BCSC_MISUSE_NODE_LINKED),
               bcsc_test_misuse_expected(1));
  bcsc_test_misuse_uninstall();
  cr_assert_eq(bcsc_executor_run(&g_ex, &s.task), 0);
  cr_assert_eq(s.woke_at, 1000);
  cr_assert_eq(bcsc_executor_deinit(&g_ex), 0);
}

/* A frame reused while its timer is in the wheel: the checked build finds
 * the canary broken when the slot comes due and does not follow its links. */
Test(timer, a_timer_clobbered_in_the_wheel_is_reported_not_followed) {
  sleeper_t s;
  bcsc_test_misuse_t rec;
  if (!bcsc_is_checked_build())
    cr_skip_test("canaries are checked in the checked build only");
  executor_with_clock(0);
  sleeper_init(&s, 1, 0, 1000);
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &s.task), 0);
  cr_assert_eq(bcsc_executor_poll(&g_ex, 10), 1);
  cr_assert_eq(bcsc_timer_linked(&s.timer), 1);
  bcsc_test_misuse_install(&rec);
  memset(&s.timer, 0xa5, sizeof s.timer); /* the stack slot is reused */
  cr_assert_eq(bcsc_executor_run(&g_ex, &s.task), BCSC_EDEADLK,
               "the clobbered timer can never fire");
  cr_assert_geq(bcsc_test_misuse_count_code(&rec, BCSC_MISUSE_FRAME_CLOBBERED),
                1);
  cr_assert_eq(rec.objects[0], &s.timer);
  bcsc_test_misuse_uninstall();
}

/* The same canary where the wheel looks for a far deadline: every link in
 * the top level, the earliest slot holding only a later turn's (a), so the
 * answer is the least of the whole level - and another slot's link (b) was
 * overwritten. It is reported and not followed; the answer is a's. */
Test(timer, a_timer_clobbered_in_the_top_level_is_reported_not_followed) {
  sleeper_t a, b;
  bcsc_test_misuse_t rec;
  const uint64_t slot = (uint64_t)1 << 30, turn = (uint64_t)1 << 36;
  if (!bcsc_is_checked_build())
    cr_skip_test("canaries are checked in the checked build only");
  executor_with_clock(0);
  sleeper_init(&a, 1, 0, turn + 5 * slot); /* top-level slot 5, next turn */
  sleeper_init(&b, 2, 0, 6 * slot);        /* top-level slot 6, this turn */
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &a.task), 0);
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &b.task), 0);
  cr_assert_eq(bcsc_executor_poll(&g_ex, 10), 2);
  cr_assert_eq(bcsc_timer_linked(&b.timer), 1);
  bcsc_test_misuse_install(&rec);
  memset(&b.timer, 0xa5, sizeof b.timer); /* the stack slot is reused */
  cr_assert_eq(bcsc_executor_next_deadline(&g_ex), turn + 5 * slot);
  cr_assert_eq(bcsc_test_misuse_count_code(&rec, BCSC_MISUSE_FRAME_CLOBBERED),
               1);
  cr_assert_eq(rec.objects[0], &b.timer);
  bcsc_test_misuse_uninstall();
}

/* A task that never stops being ready must not starve the reactor: every
 * 64 turns the run loop fires due timers and polls the reactor without
 * blocking (a park with a deadline in the past). */
typedef struct spinner {
  bcsc_task_t task;
  uint32_t yields;
  uint64_t parks_seen_at_end;
} spinner_t;

static int spinner_poll(bcsc_task_t *self) {
  spinner_t *s = (spinner_t *)self;
  if (s->yields++ < 640)
    return bcsc_task_yield(self);
  s->parks_seen_at_end = g_clock.parks;
  return 0;
}

Test(timer, a_busy_executor_still_polls_its_reactor_and_fires_timers) {
  spinner_t sp = {0};
  sleeper_t s;
  executor_with_clock(0);
  cr_assert_eq(bcsc_task_init(&sp.task, spinner_poll, NULL), 0);
  sleeper_init(&s, 1, 0, 10);
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &s.task), 0);
  cr_assert_eq(bcsc_executor_poll(&g_ex, 1), 1); /* the sleeper waits */
  g_clock.now = 50;                              /* its deadline passed */
  cr_assert_eq(bcsc_executor_run(&g_ex, &sp.task), 0);
  cr_assert_geq(sp.parks_seen_at_end, 640 / 64 - 1,
                "the reactor was polled %llu times",
                (unsigned long long)sp.parks_seen_at_end);
  cr_assert_eq(g_clock.last_park_deadline, 0, "non-blocking polls");
  cr_assert_eq(bcsc_task_done(&s.task), 1,
               "the due timer fired while the spinner kept running");
  cr_assert_eq(s.woke_at, 50);
}

/* ---- deadline scopes: cancelled before the deadline, and a deadline that
 * comes while the children are still cleaning up ------------------------ */

typedef struct slow_cleaner {
  bcsc_task_t task;
  bcsc_timer_t timer;
  bcsc_co_t co;
  uint64_t cleanup_ns; /* async cleanup: sleeps this long after cancel */
  int rc;
  uint64_t cleaned_at;
} slow_cleaner_t;

/* Sleeps "forever"; when cancelled, cleans up asynchronously: each poll
 * spends 100 ns of the clock and yields, until cleanup_ns have passed. */
static int slow_cleaner_poll(bcsc_task_t *self) {
  slow_cleaner_t *c = (slow_cleaner_t *)self;
  BCSC_CO_BEGIN(&c->co);
  BCSC_AWAIT(&c->co, c->rc, bcsc_sleep_until(self, &c->timer, 1000000));
  if (c->rc == BCSC_ECANCELED) {
    c->cleaned_at = bcsc_executor_now(&g_ex) + c->cleanup_ns;
    while (bcsc_executor_now(&g_ex) < c->cleaned_at) {
      g_clock.now += 100; /* the cleanup takes time */
      BCSC_YIELD(&c->co, self);
    }
  }
  BCSC_CO_END(&c->co);
}

typedef struct deadline_owner {
  bcsc_task_t task;
  bcsc_scope_t scope;
  bcsc_co_t co;
  slow_cleaner_t kid;
  uint64_t deadline;
  uint64_t cancel_at; /* 0: never cancels the scope itself */
  bcsc_timer_t timer;
  int join_rc;
} deadline_owner_t;

static int deadline_owner_poll(bcsc_task_t *self) {
  deadline_owner_t *o = (deadline_owner_t *)self;
  int rc;
  BCSC_CO_BEGIN(&o->co);
  cr_assert_eq(bcsc_scope_init(&o->scope, self, BCSC_SCOPE_FAIL_FAST), 0);
  cr_assert_eq(
      bcsc_scope_set_deadline(&o->scope, o->deadline, BCSC_DEADLINE_FAIL), 0);
  cr_assert_eq(bcsc_scope_deadline(&o->scope), o->deadline);
  cr_assert_eq(bcsc_scope_spawn(&o->scope, &o->kid.task), 0);
  if (o->cancel_at != 0) {
    BCSC_AWAIT(&o->co, rc, bcsc_sleep_until(self, &o->timer, o->cancel_at));
    cr_assert_eq(bcsc_scope_cancel(&o->scope), 0);
  }
  BCSC_AWAIT(&o->co, rc, bcsc_scope_join(&o->scope));
  o->join_rc = rc;
  BCSC_CO_END(&o->co);
}

static void deadline_owner_init(deadline_owner_t *o, uint64_t deadline,
                                uint64_t cancel_at, uint64_t cleanup_ns) {
  memset(o, 0, sizeof *o);
  cr_assert_eq(bcsc_task_init(&o->task, deadline_owner_poll, NULL), 0);
  cr_assert_eq(bcsc_timer_init(&o->timer), 0);
  cr_assert_eq(bcsc_task_init(&o->kid.task, slow_cleaner_poll, NULL), 0);
  cr_assert_eq(bcsc_timer_init(&o->kid.timer), 0);
  o->deadline = deadline;
  o->cancel_at = cancel_at;
  o->kid.cleanup_ns = cleanup_ns;
}

Test(deadline, a_scope_cancelled_before_its_deadline_is_not_timed_out) {
  deadline_owner_t o;
  executor_with_clock(0);
  deadline_owner_init(&o, 5000, 1000, 0);
  cr_assert_eq(bcsc_executor_run(&g_ex, &o.task), 0);
  cr_assert_eq(o.join_rc, BCSC_ECANCELED);
  cr_assert_eq(bcsc_scope_timed_out(&o.scope), 0);
  cr_assert_eq(o.kid.rc, BCSC_ECANCELED);
  cr_assert_eq(g_clock.now, 1000, "nothing waited for the deadline");
  cr_assert_eq(bcsc_executor_next_deadline(&g_ex), BCSC_NO_DEADLINE,
               "closing the scope took its deadline out of the wheel");
  cr_assert_eq(bcsc_executor_deinit(&g_ex), 0);
}

Test(deadline, a_deadline_during_a_childs_cleanup_changes_nothing) {
  deadline_owner_t o;
  executor_with_clock(0);
  /* Cancelled at 1000; the child cleans up for 10 us, past the 5000
   * deadline. */
  deadline_owner_init(&o, 5000, 1000, 10000);
  cr_assert_eq(bcsc_executor_run(&g_ex, &o.task), 0);
  cr_assert_eq(o.join_rc, BCSC_ECANCELED, "the explicit cancel came first");
  cr_assert_eq(bcsc_scope_timed_out(&o.scope), 0);
  cr_assert_geq(g_clock.now, 11000, "join waited for the whole cleanup");
  cr_assert_eq(bcsc_executor_deinit(&g_ex), 0);
}

Test(deadline, a_deadline_whose_children_clean_up_slowly_waits_for_them) {
  deadline_owner_t o;
  executor_with_clock(0);
  deadline_owner_init(&o, 5000, 0, 10000);
  cr_assert_eq(bcsc_executor_run(&g_ex, &o.task), 0);
  cr_assert_eq(o.join_rc, BCSC_ETIMEDOUT);
  cr_assert_eq(bcsc_scope_timed_out(&o.scope), 1);
  cr_assert_geq(o.kid.cleaned_at, 15000);
  cr_assert_geq(g_clock.now, 15000, "join waited for the async cleanup");
  cr_assert_eq(bcsc_executor_deinit(&g_ex), 0);
}

/* A sleep with a new deadline is a new sleep, even when the old deadline
 * fired and its tick was never taken: the stale fire is dropped
 * (bcsc_sleep_until() sets the timer; a regression the fuzzer found). */
typedef struct resleeper {
  bcsc_task_t task;
  bcsc_timer_t timer;
  uint64_t deadline;
  int rc;
  uint32_t polls;
} resleeper_t;

static int resleeper_poll(bcsc_task_t *self) {
  resleeper_t *r = (resleeper_t *)self;
  r->polls++;
  r->rc = bcsc_sleep_until(self, &r->timer, r->deadline);
  return r->rc == BCSC_PENDING ? BCSC_PENDING : BCSC_DONE;
}

Test(timer, a_new_deadline_drops_a_fire_not_taken) {
  resleeper_t r;
  executor_with_clock(0);
  memset(&r, 0, sizeof r);
  cr_assert_eq(bcsc_task_init(&r.task, resleeper_poll, NULL), 0);
  cr_assert_eq(bcsc_timer_init(&r.timer), 0);
  r.deadline = 100;
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &r.task), 0);
  cr_assert_geq(bcsc_executor_poll(&g_ex, 10), 0);
  cr_assert_eq(r.rc, BCSC_PENDING);
  g_clock.now = 100;
  r.deadline = 200; /* the task changes its mind before it runs again */
  cr_assert_geq(bcsc_executor_poll(&g_ex, 10), 0);
  cr_assert_eq(r.polls, 2, "woken by the fire at 100");
  cr_assert_eq(r.rc, BCSC_PENDING, "a new sleep, not the stale tick");
  cr_assert_eq(bcsc_timer_deadline(&r.timer), 200);
  g_clock.now = 200;
  cr_assert_geq(bcsc_executor_poll(&g_ex, 10), 0);
  cr_assert_eq(r.rc, 0);
  cr_assert(bcsc_task_done(&r.task));
  cr_assert_eq(bcsc_executor_deinit(&g_ex), 0);
}

/* ---- found by mutation testing --------------------------------------------
 * Each of these corners had a mutant that passed every suite (the mutant's
 * id, from scripts/mutate.sh, in the comment). */

/* A scripted task: on each poll, step() runs with the poll's number. */
typedef struct timer_script {
  bcsc_task_t task;
  bcsc_timer_t timer;
  int (*step)(struct timer_script *s, bcsc_task_t *self);
  uint32_t polls;
  int rc[4];
  uint64_t deadline[4];
  uint32_t missed[4];
} timer_script_t;

static int timer_script_poll(bcsc_task_t *self) {
  timer_script_t *s = (timer_script_t *)self;
  return s->step(s, self);
}

static void timer_script_run(timer_script_t *s, uint64_t start,
                             int (*step)(timer_script_t *, bcsc_task_t *)) {
  memset(s, 0, sizeof *s);
  executor_with_clock(start);
  cr_assert_eq(bcsc_task_init(&s->task, timer_script_poll, NULL), 0);
  cr_assert_eq(bcsc_timer_init(&s->timer), 0);
  s->step = step;
}

/* timer.c:210 sdl: a duration that runs past the end of time is still a
 * sleep (it ends at BCSC_NO_DEADLINE - 1), not "no deadline" (ESTATE). */
static int sleep_forever_step(timer_script_t *s, bcsc_task_t *self) {
  s->rc[0] = bcsc_sleep_for(self, &s->timer, UINT64_MAX);
  s->deadline[0] = bcsc_timer_deadline(&s->timer);
  s->rc[1] = bcsc_timer_linked(&s->timer);
  cr_assert_eq(bcsc_timer_stop(&s->timer), s->rc[1]);
  return BCSC_DONE;
}

Test(timer, a_sleep_for_past_the_end_of_time_is_still_a_sleep) {
  timer_script_t s;
  timer_script_run(&s, 1000, sleep_forever_step);
  cr_assert_eq(bcsc_executor_run(&g_ex, &s.task), 0);
  cr_assert_eq(s.rc[0], BCSC_PENDING);
  cr_assert_eq(s.deadline[0], BCSC_NO_DEADLINE - 1);
  cr_assert_eq(s.rc[1], 1, "linked");
  cr_assert_eq(bcsc_executor_deinit(&g_ex), 0);
}

/* timer.c:191 ror: sleep_until on a periodic timer whose next deadline is
 * the one asked for makes it that one-shot sleep (the header: "A periodic
 * timer becomes this one-shot sleep"); after the sleep it is disarmed, not
 * moved to its next period. */
static int sleep_until_periodic_step(timer_script_t *s, bcsc_task_t *self) {
  int rc = bcsc_sleep_until(self, &s->timer, 2000);
  s->polls++;
  if (rc != 0)
    return rc;
  s->deadline[0] = bcsc_timer_deadline(&s->timer);
  return BCSC_DONE;
}

Test(timer, sleep_until_turns_a_periodic_timer_into_that_one_shot_sleep) {
  timer_script_t s;
  timer_script_run(&s, 1000, sleep_until_periodic_step);
  cr_assert_eq(bcsc_timer_set_periodic(&s.timer, 2000, 500, BCSC_TICK_SKIP), 0);
  cr_assert_eq(bcsc_executor_run(&g_ex, &s.task), 0);
  cr_assert_eq(s.polls, 2);
  cr_assert_eq(bcsc_executor_now(&g_ex), 2000);
  cr_assert_eq(s.deadline[0], BCSC_NO_DEADLINE, "one-shot: disarmed");
  cr_assert_eq(bcsc_executor_deinit(&g_ex), 0);
}

/* timer.c:69 sdl and timer.c:136 sdl: a late periodic tick sets missed
 * (5 here) and missed_total; a later one-shot sleep on the same timer
 * reports 0 missed ("0 for one-shot timers"), and set_periodic starts
 * missed_total again ("since the last bcsc_timer_set_periodic()"). */
static int missed_step(timer_script_t *s, bcsc_task_t *self) {
  int rc;
  if (s->polls == 0) {
    cr_assert_eq(bcsc_timer_wait(self, &s->timer), 0, "late: taken at once");
    s->missed[0] = bcsc_timer_missed(&s->timer);
    s->deadline[0] = bcsc_timer_missed_total(&s->timer);
    /* Disarmed, its period gone: the sleep below is a one-shot. */
    cr_assert_eq(bcsc_timer_stop(&s->timer), 0);
    s->polls = 1;
  }
  if ((rc = bcsc_sleep_for(self, &s->timer, 100)) != 0)
    return rc;
  s->missed[1] = bcsc_timer_missed(&s->timer);
  cr_assert_eq(bcsc_timer_set_periodic(&s->timer, 5000, 100, BCSC_TICK_SKIP),
               0);
  s->deadline[1] = bcsc_timer_missed_total(&s->timer);
  cr_assert_eq(bcsc_timer_stop(&s->timer), 0);
  return BCSC_DONE;
}

Test(timer, one_shot_misses_nothing_and_set_periodic_restarts_the_total) {
  timer_script_t s;
  timer_script_run(&s, 1550, missed_step);
  cr_assert_eq(bcsc_timer_set_periodic(&s.timer, 1000, 100, BCSC_TICK_SKIP), 0);
  cr_assert_eq(bcsc_executor_run(&g_ex, &s.task), 0);
  cr_assert_eq(s.missed[0], 5, "1000 taken at 1550: 1100..1500 passed");
  cr_assert_eq(s.deadline[0], 5, "missed_total");
  cr_assert_eq(s.missed[1], 0, "a one-shot tick is never late by periods");
  cr_assert_eq(s.deadline[1], 0, "set_periodic restarts missed_total");
  cr_assert_eq(bcsc_executor_deinit(&g_ex), 0);
}

/* scope.c:514 sdl: a deadline set again takes the new kind - FAIL then
 * MOVE_ON moves on (the FAIL flag is cleared, not kept). */
Test(deadline, a_deadline_set_again_takes_the_new_kind) {
  sleeper_t kids[1];
  parent_t p;
  executor_with_clock(0);
  sleeper_init(&kids[0], 0, 0, 5000);
  parent_init(&p, kids, 1);
  p.first_kind = BCSC_DEADLINE_FAIL;
  p.scope_deadline = 1000;
  p.deadline_kind = BCSC_DEADLINE_MOVE_ON;
  cr_assert_eq(bcsc_executor_run(&g_ex, &p.task), 0);
  cr_assert_eq(p.join_rc, 0, "moved on, not %d", p.join_rc);
  cr_assert_eq(bcsc_scope_timed_out(&p.scope), 1);
  cr_assert_eq(kids[0].rc, BCSC_ECANCELED);
  cr_assert_eq(bcsc_executor_deinit(&g_ex), 0);
}

/* timer.c:86 crp+1: DELAY keeps the grid when a tick is taken late by less
 * than a period (3000 taken at 3500: next 4000), and restarts it from now
 * when a whole period passed (3000 taken at 4500: next 5500). The test
 * above is late by three periods, where both read the same. */
Test(timer, delay_keeps_the_grid_unless_a_whole_period_passed) {
  ticker_t t;
  static const uint64_t within[5] = {1000, 2000, 3500, 4000, 5000};
  static const uint64_t past[5] = {1000, 2000, 4500, 5500, 6500};
  run_ticker(&t, BCSC_TICK_DELAY, 5, 1, 1500);
  for (uint32_t i = 0; i < 5; i++)
    cr_assert_eq(t.seen[i], within[i], "tick %u at %llu", i,
                 (unsigned long long)t.seen[i]);
  cr_assert_eq(bcsc_timer_missed_total(&t.timer), 0);
  run_ticker(&t, BCSC_TICK_DELAY, 5, 1, 2500);
  for (uint32_t i = 0; i < 5; i++)
    cr_assert_eq(t.seen[i], past[i], "tick %u at %llu", i,
                 (unsigned long long)t.seen[i]);
  cr_assert_eq(t.missed[2], 1, "4000 passed too");
  cr_assert_eq(bcsc_timer_missed_total(&t.timer), 1);
}

/* A sleeper polled again before its deadline (here it yielded; any other
 * wake does the same) asks for the same sleep again: the timer keeps the
 * deadline of the first ask - the sleep is not pushed back by each poll. */
typedef struct repolled {
  bcsc_task_t task;
  bcsc_timer_t timer;
  int polls;
  int rc;
  uint64_t woke_at;
} repolled_t;

static int repolled_poll(bcsc_task_t *self) {
  repolled_t *s = (repolled_t *)self;
  int rc = bcsc_sleep_for(self, &s->timer, 100);
  s->polls++;
  if (rc == BCSC_PENDING)
    return s->polls == 1 ? bcsc_task_yield(self) : BCSC_PENDING;
  s->rc = rc;
  s->woke_at = bcsc_executor_now(&g_ex);
  return 0;
}

Test(timer, a_sleep_asked_again_keeps_its_first_deadline) {
  repolled_t s;
  memset(&s, 0, sizeof s);
  executor_with_clock(1000);
  cr_assert_eq(bcsc_task_init(&s.task, repolled_poll, NULL), 0);
  cr_assert_eq(bcsc_timer_init(&s.timer), 0);
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &s.task), 0);
  cr_assert_eq(bcsc_executor_poll(&g_ex, 1), 1);
  cr_assert_eq(bcsc_timer_deadline(&s.timer), 1100);
  g_clock.now = 1050;
  cr_assert_eq(bcsc_executor_poll(&g_ex, 1), 1);
  cr_assert_eq(s.polls, 2);
  cr_assert_eq(bcsc_timer_deadline(&s.timer), 1100, "pushed back");
  cr_assert_eq(bcsc_executor_run(&g_ex, &s.task), 0);
  cr_assert_eq(s.rc, 0);
  cr_assert_eq(s.woke_at, 1100);
  cr_assert_eq(s.polls, 3);
  cr_assert_eq(bcsc_executor_deinit(&g_ex), 0);
}

/* Waits on its timer once; c->n says whether to set it first (to 5000). */
static int wait_once_step(ct_t *c) {
  if (c->n)
    cr_assert_eq(bcsc_timer_set(&c->timer, 5000), 0);
  c->rc[0] = bcsc_timer_wait(&c->task, &c->timer);
  c->rc[1] = bcsc_wait_linked(&c->timer.priv.wait);
  return 0;
}

/* A wait that cannot end is refused at once, nothing linked, no report:
 * on a timer with no deadline (BCSC_ESTATE), and on an executor without a
 * clock (BCSC_ENOTSUP), whose timer is set. */
Test(timer, a_wait_that_cannot_end_is_refused) {
  static const struct {
    int with_clock;
    int want;
  } cases[] = {{1, BCSC_ESTATE}, {0, BCSC_ENOTSUP}};
  ct_t c;
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    if (cases[i].with_clock)
      ct_up_sim();
    else
      ct_up(NULL);
    ct_init(&c, wait_once_step);
    c.n = !cases[i].with_clock;
    cr_assert_eq(bcsc_executor_run(&ct_ex, &c.task), 0);
    cr_assert_eq(c.rc[0], cases[i].want, "answered %s", bcsc_err_name(c.rc[0]));
    cr_assert_eq(c.rc[1], 0, "a refused wait linked the timer");
    cr_assert_eq(c.polls, 1);
    cr_assert_eq(ct_misuse.count, 0);
    ct_down();
  }
}
