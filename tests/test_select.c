/* SPDX-License-Identifier: MIT
 * test_select.c - bcsc_select through the public API: the first branch that
 * completes wins and later branches are not called; registrations of
 * earlier branches are dropped; the source that fires wins the next poll;
 * channels, timers, events, semaphores and a scope's join as branches;
 * cancellation; misuse; and a randomized cross-primitive run under a
 * cancellation storm checking that no message or permit is lost or
 * duplicated by a branch that lost (sent = received + buffered, per-producer
 * order per channel).
 *
 * BCSC_SEED=<n> runs the randomized suite with that seed alone (the seed is
 * in every failure message). */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <bcsc.h>

#include "bcsc_test.h"

static bcsc_executor_t g_ex;
static bcsc_sim_reactor_t g_sim;

static void executor_with_clock(void) {
  bcsc_executor_config_t cfg = {.size = sizeof cfg, .reactor = &g_sim.base};
  cr_assert_eq(bcsc_sim_reactor_init(&g_sim, 1000), 0);
  cr_assert_eq(bcsc_executor_init(&g_ex, &cfg), 0);
}

static void run_all(void) {
  cr_assert_geq(bcsc_executor_poll(&g_ex, 1u << 20), 0);
}

/* ---- a two-channel selector --------------------------------------------
 * Selects over recv on a, recv on b and (if set) a third branch that counts
 * its calls; records every poll's outcome. */
typedef struct selector {
  bcsc_task_t task;
  bcsc_wait_t wait_a, wait_b, wait_c;
  bcsc_channel_t *a, *b;
  bcsc_waitq_t *c; /* NULL: two branches */
  uint32_t c_calls;
  int stop_after_win;
  bcsc_waitq_t *park; /* set: after a win, wait here (and finish) */
  bcsc_wait_t park_wait;
  /* observations */
  uint32_t polls;
  int which;  /* last select_end */
  int result; /* its select_result */
  int value;
  int wins[3];
} selector_t;

static int selector_poll(bcsc_task_t *self) {
  selector_t *s = (selector_t *)self;
  bcsc_select_t sel;
  s->polls++;
  if (bcsc_wait_fired(&s->park_wait))
    return BCSC_DONE;
  cr_assert_eq(bcsc_select_begin(&sel, self), 0);
  BCSC_SELECT_BRANCH(&sel, bcsc_channel_recv(self, s->a, &s->wait_a, &s->value,
                                             sizeof s->value));
  BCSC_SELECT_BRANCH(&sel, bcsc_channel_recv(self, s->b, &s->wait_b, &s->value,
                                             sizeof s->value));
  if (s->c != NULL && bcsc_select_undecided(&sel)) {
    s->c_calls++;
    (void)bcsc_select_offer(&sel, bcsc_wait_on(self, &s->wait_c, s->c));
  }
  s->which = bcsc_select_end(&sel);
  if (s->which == BCSC_PENDING)
    return BCSC_PENDING;
  cr_assert_eq(s->which, 0);
  s->which = (int)bcsc_select_winner(&sel);
  s->result = bcsc_select_result(&sel);
  s->wins[s->which]++;
  if (s->park != NULL)
    return bcsc_wait_on(self, &s->park_wait, s->park);
  if (s->result != 0 || s->stop_after_win)
    return BCSC_DONE;
  return bcsc_task_yield(self);
}

typedef struct two_channels {
  bcsc_channel_t a, b;
  int ring_a[4], ring_b[4];
} two_channels_t;

static void channels_init(two_channels_t *c) {
  cr_assert_eq(bcsc_channel_init(&c->a, c->ring_a, sizeof c->ring_a, 4), 0);
  cr_assert_eq(bcsc_channel_init(&c->b, c->ring_b, sizeof c->ring_b, 4), 0);
}

static void selector_init(selector_t *s, two_channels_t *c) {
  memset(s, 0, sizeof *s);
  cr_assert_eq(bcsc_task_init(&s->task, selector_poll, NULL), 0);
  cr_assert_eq(bcsc_wait_init(&s->wait_a), 0);
  cr_assert_eq(bcsc_wait_init(&s->wait_b), 0);
  cr_assert_eq(bcsc_wait_init(&s->wait_c), 0);
  cr_assert_eq(bcsc_wait_init(&s->park_wait), 0);
  s->a = &c->a;
  s->b = &c->b;
  s->stop_after_win = 1;
}

Test(select, a_branch_ready_at_once_wins_and_later_branches_are_not_called) {
  two_channels_t c;
  selector_t s;
  bcsc_waitq_t q;
  int v = 7;
  cr_assert_eq(bcsc_executor_init(&g_ex, NULL), 0);
  channels_init(&c);
  cr_assert_eq(bcsc_waitq_init(&q), 0);
  selector_init(&s, &c);
  s.c = &q;
  cr_assert_eq(bcsc_channel_try_send(&c.a, &v, sizeof v), 0);
  cr_assert_eq(bcsc_channel_try_send(&c.b, &v, sizeof v), 0);
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &s.task), 0);
  run_all();
  cr_assert(bcsc_task_done(&s.task));
  cr_assert_eq(s.which, 0);
  cr_assert_eq(s.result, 0);
  cr_assert_eq(s.value, 7);
  cr_assert_eq(s.c_calls, 0, "a branch after the winner was called");
  cr_assert_eq(bcsc_channel_buffered(&c.b), 1, "the losing channel kept it");
  cr_assert_eq(bcsc_waitq_deinit(&q), 0);
  cr_assert_eq(bcsc_executor_deinit(&g_ex), 0);
}

Test(select, registrations_of_branches_before_the_winner_are_dropped) {
  two_channels_t c;
  selector_t s;
  bcsc_waitq_t park;
  int v = 5, got = 0;
  uint32_t polls;
  cr_assert_eq(bcsc_executor_init(&g_ex, NULL), 0);
  channels_init(&c);
  cr_assert_eq(bcsc_waitq_init(&park), 0);
  selector_init(&s, &c);
  s.park = &park; /* after the select it waits for something else */
  cr_assert_eq(bcsc_channel_try_send(&c.b, &v, sizeof v), 0);
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &s.task), 0);
  run_all();
  cr_assert_eq(s.which, 1);
  cr_assert_eq(s.value, 5);
  /* Branch 0 registered on a before b won: that registration is gone, so
   * the task waits on `park` alone. */
  cr_assert_not(bcsc_wait_linked(&s.wait_a));
  cr_assert(bcsc_wait_linked(&s.park_wait));
  polls = s.polls;
  cr_assert_eq(bcsc_channel_try_send(&c.a, &v, sizeof v), 0);
  run_all();
  cr_assert_eq(s.polls, polls, "a message on a woke a task that left it");
  cr_assert_eq(bcsc_channel_buffered(&c.a), 1);
  /* A receiver arriving now is not overtaken by a stale registration. */
  cr_assert_eq(bcsc_channel_try_recv(&c.a, &got, sizeof got), 0);
  cr_assert_eq(got, 5);
  cr_assert_eq(bcsc_waitq_wake_all(&park, 0), 1);
  run_all();
  cr_assert(bcsc_task_done(&s.task));
  cr_assert_eq(bcsc_waitq_deinit(&park), 0);
  cr_assert_eq(bcsc_channel_deinit(&c.a), 0);
  cr_assert_eq(bcsc_channel_deinit(&c.b), 0);
  cr_assert_eq(bcsc_executor_deinit(&g_ex), 0);
}

Test(select, the_source_that_fires_wins_the_next_poll) {
  two_channels_t c;
  selector_t s;
  int v = 9;
  cr_assert_eq(bcsc_executor_init(&g_ex, NULL), 0);
  channels_init(&c);
  selector_init(&s, &c);
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &s.task), 0);
  run_all();
  cr_assert_eq(s.which, BCSC_PENDING);
  cr_assert(bcsc_wait_linked(&s.wait_a) && bcsc_wait_linked(&s.wait_b));
  cr_assert_eq(bcsc_channel_try_send(&c.b, &v, sizeof v), 0);
  /* First wake wins: the registration on a is gone already. */
  cr_assert_not(bcsc_wait_linked(&s.wait_a));
  run_all();
  cr_assert(bcsc_task_done(&s.task));
  cr_assert_eq(s.which, 1);
  cr_assert_eq(s.value, 9);
  cr_assert_eq(s.polls, 2);
  cr_assert_eq(bcsc_channel_deinit(&c.a), 0);
  cr_assert_eq(bcsc_channel_deinit(&c.b), 0);
  cr_assert_eq(bcsc_executor_deinit(&g_ex), 0);
}

Test(select, a_wake_left_by_a_losing_channel_branch_goes_to_the_next_receiver) {
  two_channels_t c;
  selector_t s;
  int v = 1, w = 2;
  cr_assert_eq(bcsc_executor_init(&g_ex, NULL), 0);
  channels_init(&c);
  selector_init(&s, &c);
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &s.task), 0);
  run_all(); /* s waits on a and b */
  /* Both channels get a message in the same turn: b's wake reaches the
   * selector first (it is woken), then a's message is there too. The
   * selector takes a (branch 0 comes first); b's wake is handed on. */
  cr_assert_eq(bcsc_channel_try_send(&c.b, &w, sizeof w), 0);
  cr_assert_eq(bcsc_channel_try_send(&c.a, &v, sizeof v), 0);
  run_all();
  cr_assert_eq(s.which, 0);
  cr_assert_eq(s.value, 1);
  cr_assert_eq(bcsc_channel_buffered(&c.b), 1, "b's message is still there");
  {
    int got = 0;
    cr_assert_eq(bcsc_channel_try_recv(&c.b, &got, sizeof got), 0,
                 "nobody holds a stale reservation on b's message");
    cr_assert_eq(got, 2);
  }
  cr_assert_eq(bcsc_channel_deinit(&c.a), 0);
  cr_assert_eq(bcsc_channel_deinit(&c.b), 0);
  cr_assert_eq(bcsc_executor_deinit(&g_ex), 0);
}

/* ---- timers, events, semaphores and joins as branches ------------------ */

typedef struct mixed {
  bcsc_task_t task;
  bcsc_co_t co;
  bcsc_timer_t timer;
  bcsc_wait_t ev_wait;
  bcsc_semaphore_waiter_t sem_waiter;
  bcsc_scope_t scope;
  bcsc_test_leaf_t child;
  bcsc_event_t *ev;
  bcsc_semaphore_t *sem;
  bcsc_waitq_t *child_gate; /* the child waits here */
  uint64_t deadline;
  int which;
  int result;
  uint32_t polls;
  int join_rc;
} mixed_t;

/* select { join the scope; event; semaphore; timer } */
static int mixed_poll(bcsc_task_t *self) {
  mixed_t *m = (mixed_t *)self;
  bcsc_select_t sel;
  m->polls++;
  BCSC_CO_BEGIN(&m->co);
  cr_assert_eq(bcsc_scope_init(&m->scope, self, BCSC_SCOPE_FAIL_FAST), 0);
  cr_assert_eq(bcsc_scope_spawn(&m->scope, &m->child.task), 0);
  BCSC_SELECT_BEGIN(&m->co, &sel, self);
  BCSC_SELECT_BRANCH(&sel, bcsc_scope_join(&m->scope));
  BCSC_SELECT_BRANCH(&sel, bcsc_event_wait(self, m->ev, &m->ev_wait));
  BCSC_SELECT_BRANCH(&sel,
                     bcsc_semaphore_acquire(self, m->sem, &m->sem_waiter, 1));
  BCSC_SELECT_BRANCH(&sel, bcsc_sleep_until(self, &m->timer, m->deadline));
  BCSC_SELECT_END(&sel, m->which);
  m->result = bcsc_select_result(&sel);
  if (m->which == 2)
    cr_assert_eq(bcsc_semaphore_release(m->sem, 1), 0);
  if (m->which != 0) {
    /* Not joined yet: the join's flag was dropped with the select, so the
     * child ending later must not wake this task before it joins again. */
    cr_assert_eq(bcsc_scope_cancel(&m->scope), 0);
  }
  BCSC_AWAIT(&m->co, m->join_rc,
             m->which == 0 ? m->result : bcsc_scope_join(&m->scope));
  BCSC_CO_END(&m->co);
}

typedef struct mixed_env {
  bcsc_event_t ev;
  bcsc_semaphore_t sem;
  bcsc_waitq_t gate;
  mixed_t m;
} mixed_env_t;

static void mixed_setup(mixed_env_t *e, uint64_t deadline) {
  memset(e, 0, sizeof *e);
  executor_with_clock();
  cr_assert_eq(bcsc_event_init(&e->ev), 0);
  cr_assert_eq(bcsc_semaphore_init(&e->sem, 0), 0);
  cr_assert_eq(bcsc_waitq_init(&e->gate), 0);
  cr_assert_eq(bcsc_task_init(&e->m.task, mixed_poll, NULL), 0);
  cr_assert_eq(bcsc_timer_init(&e->m.timer), 0);
  cr_assert_eq(bcsc_wait_init(&e->m.ev_wait), 0);
  cr_assert_eq(bcsc_semaphore_waiter_init(&e->m.sem_waiter), 0);
  bcsc_test_leaf_init(&e->m.child, 1);
  e->m.child.queue = &e->gate;
  e->m.child.result = BCSC_TEST_E1;
  e->m.ev = &e->ev;
  e->m.sem = &e->sem;
  e->m.deadline = deadline;
  e->m.which = -100;
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &e->m.task), 0);
  run_all();
  cr_assert_eq(e->m.which, -100, "nothing has won yet");
  cr_assert_not(bcsc_task_done(&e->m.task));
}

static void mixed_teardown(mixed_env_t *e) {
  run_all();
  cr_assert(bcsc_task_done(&e->m.task));
  cr_assert_eq(bcsc_event_deinit(&e->ev), 0);
  cr_assert_eq(bcsc_semaphore_deinit(&e->sem), 0);
  cr_assert_eq(bcsc_waitq_deinit(&e->gate), 0);
  cr_assert_eq(bcsc_executor_deinit(&g_ex), 0);
}

Test(select, a_scope_join_is_a_branch) {
  mixed_env_t e;
  mixed_setup(&e, 1000000);
  cr_assert_eq(bcsc_waitq_wake_all(&e.gate, 0), 1); /* the child finishes */
  run_all();
  cr_assert_eq(e.m.which, 0);
  cr_assert_eq(e.m.result, BCSC_TEST_E1, "the join's result is the child's");
  cr_assert_eq(e.m.join_rc, BCSC_TEST_E1);
  cr_assert_eq(bcsc_semaphore_waiting(&e.sem), 0);
  cr_assert_not(bcsc_timer_linked(&e.m.timer), "the timer branch lost");
  mixed_teardown(&e);
}

Test(select, an_event_branch_wins_and_the_join_branch_is_dropped) {
  mixed_env_t e;
  uint32_t polls;
  mixed_setup(&e, 1000000);
  cr_assert_eq(bcsc_event_set(&e.ev), 1);
  cr_assert_eq(bcsc_executor_poll(&g_ex, 1), 1); /* only the selector */
  cr_assert_eq(e.m.which, 1);
  cr_assert_eq(e.m.result, 0);
  cr_assert_not(bcsc_timer_linked(&e.m.timer));
  cr_assert_eq(bcsc_semaphore_waiting(&e.sem), 0);
  polls = e.m.polls;
  /* It cancelled the scope and joins again; the child cleans up. */
  run_all();
  cr_assert(bcsc_task_done(&e.m.task));
  cr_assert_eq(e.m.join_rc, BCSC_ECANCELED);
  cr_assert_eq(e.m.polls, polls + 1);
  mixed_teardown(&e);
}

Test(select, a_semaphore_branch_takes_one_permit_and_nothing_else) {
  mixed_env_t e;
  mixed_setup(&e, 1000000);
  cr_assert_eq(bcsc_semaphore_release(&e.sem, 1), 0);
  cr_assert_eq(bcsc_executor_poll(&g_ex, 1), 1); /* only the selector */
  cr_assert_eq(e.m.which, 2);
  cr_assert_eq(bcsc_semaphore_available(&e.sem), 1, "released it back");
  cr_assert_not(bcsc_wait_linked(&e.m.ev_wait), "the event branch lost");
  cr_assert_not(bcsc_timer_linked(&e.m.timer), "the timer branch lost");
  mixed_teardown(&e);
}

Test(select, a_timer_branch_wins_at_its_deadline) {
  mixed_env_t e;
  mixed_setup(&e, 5000);
  cr_assert_eq(bcsc_executor_next_deadline(&g_ex), 5000);
  cr_assert_eq(bcsc_sim_reactor_advance(&g_sim, 4000), 0);
  cr_assert_eq(bcsc_executor_poll(&g_ex, 1), 1); /* only the selector */
  cr_assert_eq(e.m.which, 3);
  cr_assert_eq(e.m.result, 0);
  cr_assert_eq(bcsc_semaphore_waiting(&e.sem), 0, "left the semaphore's line");
  cr_assert_not(bcsc_wait_linked(&e.m.ev_wait));
  mixed_teardown(&e);
}

Test(select, a_cancelled_task_wins_its_first_branch_with_ecanceled) {
  mixed_env_t e;
  mixed_setup(&e, 1000000);
  cr_assert_eq(bcsc_task_cancel(&e.m.task), 0);
  run_all();
  /* The cancel reached the child too. Whichever branch reports it first
   * - the join of the cancelled scope, or the event's wait seeing the
   * cancellation - wins with BCSC_ECANCELED. */
  cr_assert(bcsc_task_done(&e.m.task));
  cr_assert(e.m.which == 0 || e.m.which == 1, "which %d", e.m.which);
  cr_assert_eq(e.m.result, BCSC_ECANCELED);
  cr_assert_eq(e.m.join_rc, BCSC_ECANCELED);
  mixed_teardown(&e);
}

/* ---- misuse and errors --------------------------------------------------- */

typedef struct misuser {
  bcsc_task_t task;
  bcsc_wait_t wait;
  bcsc_waitq_t *q;
  int offer_after_win_rc;
  int end_empty_rc;
  int end_rc;
  int positive_rc;
  uint32_t winner;
} misuser_t;

static int misuser_poll(bcsc_task_t *self) {
  misuser_t *m = (misuser_t *)self;
  bcsc_select_t sel;
  cr_assert_eq(bcsc_select_begin(&sel, self), 0);
  m->end_empty_rc = bcsc_select_end(&sel);
  cr_assert_eq(bcsc_select_begin(&sel, self), 0);
  m->positive_rc = bcsc_select_offer(&sel, 5);
  cr_assert_eq(bcsc_select_offer(&sel, BCSC_EUSER), 1);
  cr_assert_eq(bcsc_select_undecided(&sel), 0);
  m->offer_after_win_rc = bcsc_select_offer(&sel, 0);
  m->end_rc = bcsc_select_end(&sel);
  m->winner = bcsc_select_winner(&sel);
  return BCSC_DONE;
}

Test(select, misuse_and_bad_arguments_are_reported) {
  misuser_t m;
  bcsc_select_t sel;
  bcsc_test_misuse_t rec;
  bcsc_test_misuse_install(&rec);
  memset(&m, 0, sizeof m);
  cr_assert_eq(bcsc_executor_init(&g_ex, NULL), 0);
  cr_assert_eq(bcsc_task_init(&m.task, misuser_poll, NULL), 0);
  /* Outside a poll: EPERM. */
  cr_assert_eq(bcsc_select_begin(&sel, &m.task), BCSC_EPERM);
  cr_assert_eq(bcsc_select_begin(NULL, &m.task), BCSC_EINVAL);
  cr_assert_eq(bcsc_select_undecided(NULL), 0);
  cr_assert_eq(bcsc_select_result(NULL), BCSC_PENDING);
  cr_assert_eq(bcsc_select_winner(NULL), BCSC_SELECT_NONE);
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &m.task), 0);
  run_all();
  cr_assert_eq(m.end_empty_rc, BCSC_EINVAL);
  cr_assert_eq(m.positive_rc, 0, "a positive value does not win");
  cr_assert_eq(m.offer_after_win_rc, BCSC_ESTATE);
  cr_assert_eq(m.end_rc, 0);
  cr_assert_eq(m.winner, 1, "the branch after the bad one won");
  cr_assert_eq(bcsc_test_misuse_count_code(&rec, BCSC_MISUSE_SELECT_DECIDED),
               bcsc_test_misuse_expected(1));
  cr_assert_eq(bcsc_test_misuse_count_code(&rec, BCSC_MISUSE_BAD_ARGUMENT),
               bcsc_test_misuse_expected(2));
  bcsc_test_misuse_uninstall();
  cr_assert_eq(bcsc_executor_deinit(&g_ex), 0);
}

Test(select, sizeof_and_alignof_match_the_header) {
  cr_assert_eq(bcsc_select_sizeof(), sizeof(bcsc_select_t));
  cr_assert_eq(bcsc_select_alignof(), _Alignof(bcsc_select_t));
}

/* ---- randomized: conservation across primitives under a storm ----------
 * Producers send numbered messages on two channels; consumers select over
 * recv on each channel, a permit of a semaphore (given back at once), an
 * event and a timer; the host cancels consumers at random - often right
 * after a wake reached them - starts new ones, sets and resets the event,
 * moves the clock and takes messages itself now and then. At every quiet
 * point: sent = received + buffered on each channel, every permit is back,
 * and nobody sleeps next to a message. At the end every message was
 * received once, in each producer's order. */

#define STORM_STEPS 4000
#define STORM_CONSUMERS 5
#define STORM_PRODUCERS 4 /* two per channel */

typedef struct storm storm_t;

typedef struct storm_task {
  bcsc_task_t task;
  bcsc_wait_t wait[2];
  bcsc_wait_t ev_wait;
  bcsc_semaphore_waiter_t sem_waiter;
  bcsc_timer_t timer;
  storm_t *storm;
  int slot;
  int closed[2]; /* channel c reported BCSC_ECLOSED: offered no more */
  uint64_t nap;  /* the timer branch's duration */
} storm_task_t;

struct storm {
  uint64_t seed, rng;
  bcsc_executor_t ex;
  bcsc_sim_reactor_t sim;
  bcsc_channel_t ch[2];
  uint32_t ring[2][4];
  bcsc_semaphore_t sem;
  bcsc_event_t ev;
  storm_task_t consumers[STORM_CONSUMERS];
  storm_task_t producers[STORM_PRODUCERS];
  uint32_t next_seq[STORM_PRODUCERS]; /* the next a producer sends */
  uint32_t expect[STORM_PRODUCERS];   /* the next one a receiver must see */
  uint64_t sent[2], received[2];
  uint64_t permits_given, permits_taken;
  uint64_t wins[5];
  uint64_t cancels;
  int closing;
};

static uint64_t storm_rng(storm_t *s) {
  s->rng ^= s->rng << 13;
  s->rng ^= s->rng >> 7;
  s->rng ^= s->rng << 17;
  return s->rng;
}

static void storm_received(storm_t *s, int ch, uint32_t msg) {
  uint32_t p = msg >> 24, seq = msg & 0xffffff;
  cr_assert_lt(p, STORM_PRODUCERS, "seed %llu", (unsigned long long)s->seed);
  cr_assert_eq((int)(p % 2), ch, "seed %llu: message on the wrong channel",
               (unsigned long long)s->seed);
  cr_assert_eq(seq, s->expect[p],
               "seed %llu: producer %u: got %u, expected %u (lost or "
               "duplicated by a select)",
               (unsigned long long)s->seed, p, seq, s->expect[p]);
  s->expect[p]++;
  s->received[ch]++;
}

static int storm_consumer_poll(bcsc_task_t *self) {
  storm_task_t *t = (storm_task_t *)self;
  storm_t *s = t->storm;
  for (;;) {
    bcsc_select_t sel;
    uint32_t msg[2] = {0, 0};
    int which;
    cr_assert_eq(bcsc_select_begin(&sel, self), 0);
    /* A channel that has ended stays a branch that never wins, so the
     * others keep their indices. */
    for (int c = 0; c < 2; c++)
      BCSC_SELECT_BRANCH(
          &sel, t->closed[c] ? BCSC_PENDING
                             : bcsc_channel_recv(self, &s->ch[c], &t->wait[c],
                                                 &msg[c], sizeof msg[c]));
    BCSC_SELECT_BRANCH(
        &sel, bcsc_semaphore_acquire(self, &s->sem, &t->sem_waiter, 1));
    BCSC_SELECT_BRANCH(&sel, bcsc_event_wait_edge(self, &s->ev, &t->ev_wait));
    BCSC_SELECT_BRANCH(&sel, bcsc_sleep_for(self, &t->timer, t->nap));
    BCSC_SELECT_END(&sel, which);
    cr_assert_geq(which, 0, "seed %llu", (unsigned long long)s->seed);
    if (bcsc_select_result(&sel) != 0) {
      int rc = bcsc_select_result(&sel);
      if (rc == BCSC_ECLOSED && which < 2) {
        t->closed[which] = 1;
        if (t->closed[0] && t->closed[1])
          return BCSC_DONE;
        continue;
      }
      cr_assert_eq(rc, BCSC_ECANCELED, "seed %llu: branch %d: %d",
                   (unsigned long long)s->seed, which, rc);
      return rc;
    }
    s->wins[which]++;
    if (which < 2)
      storm_received(s, which, msg[which]);
    else if (which == 2)
      s->permits_taken++; /* kept: only the host gives permits */
    if (!s->closing && storm_rng(s) % 8 == 0)
      return BCSC_DONE;
  }
}

static int storm_producer_poll(bcsc_task_t *self) {
  storm_task_t *t = (storm_task_t *)self;
  storm_t *s = t->storm;
  int ch = t->slot % 2;
  for (;;) {
    uint32_t msg = (uint32_t)t->slot << 24 | s->next_seq[t->slot];
    int rc = bcsc_channel_send(self, &s->ch[ch], &t->wait[0], &msg, sizeof msg);
    if (rc == BCSC_PENDING)
      return BCSC_PENDING;
    if (rc != 0)
      return rc == BCSC_ECLOSED ? BCSC_DONE : rc;
    s->next_seq[t->slot]++;
    s->sent[ch]++;
    if (storm_rng(s) % 5 == 0)
      return BCSC_DONE;
  }
}

static int storm_live(const storm_task_t *t) {
  return t->task.poll != NULL && !bcsc_task_done(&t->task);
}

static void storm_start(storm_t *s, storm_task_t *t, int slot, int consumer) {
  memset(t, 0, sizeof *t);
  cr_assert_eq(
      bcsc_task_init(
          &t->task, consumer ? storm_consumer_poll : storm_producer_poll, NULL),
      0);
  cr_assert_eq(bcsc_wait_init(&t->wait[0]), 0);
  cr_assert_eq(bcsc_wait_init(&t->wait[1]), 0);
  cr_assert_eq(bcsc_wait_init(&t->ev_wait), 0);
  cr_assert_eq(bcsc_semaphore_waiter_init(&t->sem_waiter), 0);
  cr_assert_eq(bcsc_timer_init(&t->timer), 0);
  t->storm = s;
  t->slot = slot;
  t->nap = 1 + storm_rng(s) % 50;
  cr_assert_eq(bcsc_executor_spawn(&s->ex, &t->task), 0);
}

static void storm_quiet_point(storm_t *s, int step) {
  cr_assert_eq(bcsc_executor_ready(&s->ex), 0);
  for (int c = 0; c < 2; c++) {
    uint32_t buffered = bcsc_channel_buffered(&s->ch[c]);
    cr_assert_eq(s->sent[c], s->received[c] + buffered,
                 "seed %llu step %d channel %d: sent %llu != received %llu + "
                 "buffered %u",
                 (unsigned long long)s->seed, step, c,
                 (unsigned long long)s->sent[c],
                 (unsigned long long)s->received[c], buffered);
    for (int i = 0; i < STORM_CONSUMERS; i++)
      cr_assert(!storm_live(&s->consumers[i]) || buffered == 0 ||
                    !bcsc_wait_linked(&s->consumers[i].wait[c]),
                "seed %llu step %d: consumer %d sleeps next to a message",
                (unsigned long long)s->seed, step, i);
  }
  cr_assert_eq(s->permits_given,
               s->permits_taken + bcsc_semaphore_available(&s->sem),
               "seed %llu step %d: a permit was lost or taken twice",
               (unsigned long long)s->seed, step);
  for (int i = 0; i < STORM_CONSUMERS; i++)
    cr_assert(!storm_live(&s->consumers[i]) ||
                  bcsc_semaphore_available(&s->sem) == 0 ||
                  bcsc_semaphore_waiting(&s->sem) == 0,
              "seed %llu step %d: a consumer sleeps next to a permit",
              (unsigned long long)s->seed, step);
}

static void storm_run(uint64_t seed) {
  static storm_t s;
  bcsc_executor_config_t cfg = {.size = sizeof cfg};
  memset(&s, 0, sizeof s);
  s.seed = seed;
  s.rng = seed * 0x9e3779b97f4a7c15u + 1;
  cr_assert_eq(bcsc_sim_reactor_init(&s.sim, 0), 0);
  cfg.reactor = &s.sim.base;
  cr_assert_eq(bcsc_executor_init(&s.ex, &cfg), 0);
  for (int c = 0; c < 2; c++) {
    uint32_t capacity = 1 + (uint32_t)(storm_rng(&s) % 4);
    cr_assert_eq(bcsc_channel_init(&s.ch[c], s.ring[c],
                                   capacity * sizeof(uint32_t),
                                   sizeof(uint32_t)),
                 0);
  }
  cr_assert_eq(bcsc_semaphore_init(&s.sem, 0), 0);
  cr_assert_eq(bcsc_event_init(&s.ev), 0);
  for (int step = 0; step < STORM_STEPS; step++) {
    uint64_t r = storm_rng(&s);
    int consumer = (r >> 16) & 1;
    int i = (int)((r >> 8) % (consumer ? STORM_CONSUMERS : STORM_PRODUCERS));
    storm_task_t *t = consumer ? &s.consumers[i] : &s.producers[i];
    switch (r % 10) {
    case 0:
    case 1:
      if (!storm_live(t))
        storm_start(&s, t, i, consumer);
      break;
    case 2:
      /* Cancel a consumer, preferably one a wake has just reached. */
      for (int k = 0; k < STORM_CONSUMERS; k++) {
        storm_task_t *c = &s.consumers[k];
        if (storm_live(c) && !bcsc_task_cancelled(&c->task) &&
            (bcsc_wait_fired(&c->wait[0]) || bcsc_wait_fired(&c->wait[1]) ||
             storm_rng(&s) % 4 == 0)) {
          cr_assert_eq(bcsc_task_cancel(&c->task), 0);
          s.cancels++;
        }
      }
      break;
    case 3:
      if (storm_rng(&s) % 3 == 0) {
        cr_assert_eq(bcsc_semaphore_release(&s.sem, 1), 0);
        s.permits_given++;
      } else if (storm_rng(&s) % 2)
        cr_assert_geq(bcsc_event_pulse(&s.ev), 0);
      else
        cr_assert_geq(bcsc_event_set(&s.ev), 0);
      break;
    case 4:
      cr_assert_eq(bcsc_sim_reactor_advance(&s.sim, storm_rng(&s) % 20), 0);
      break;
    case 5: {
      uint32_t msg;
      int c = (int)(storm_rng(&s) % 2);
      if (bcsc_channel_try_recv(&s.ch[c], &msg, sizeof msg) == 0)
        storm_received(&s, c, msg);
      break;
    }
    default:
      cr_assert_geq(bcsc_executor_poll(&s.ex, (uint32_t)(storm_rng(&s) % 6)),
                    0);
      break;
    }
    if (step % 40 == 0) {
      cr_assert_geq(bcsc_executor_poll(&s.ex, 1u << 20), 0);
      storm_quiet_point(&s, step);
    }
  }
  /* Close and drain: every consumer slot gets a consumer that stays. */
  s.closing = 1;
  for (int c = 0; c < 2; c++)
    cr_assert_eq(bcsc_channel_close(&s.ch[c]), 0);
  for (int i = 0; i < STORM_CONSUMERS; i++)
    if (!storm_live(&s.consumers[i]))
      storm_start(&s, &s.consumers[i], i, 1);
  for (int round = 0; round < 10000 && bcsc_executor_live_roots(&s.ex) > 0;
       round++) {
    cr_assert_geq(bcsc_executor_poll(&s.ex, 1u << 20), 0);
    cr_assert_eq(bcsc_sim_reactor_advance(&s.sim, 100), 0);
  }
  cr_assert_eq(bcsc_executor_live_roots(&s.ex), 0, "seed %llu: stuck",
               (unsigned long long)s.seed);
  for (int c = 0; c < 2; c++) {
    cr_assert_eq(bcsc_channel_buffered(&s.ch[c]), 0);
    cr_assert_eq(s.sent[c], s.received[c], "seed %llu",
                 (unsigned long long)s.seed);
  }
  for (int p = 0; p < STORM_PRODUCERS; p++)
    cr_assert_eq(s.expect[p], s.next_seq[p], "seed %llu: producer %d",
                 (unsigned long long)s.seed, p);
  cr_assert_eq(s.permits_given,
               s.permits_taken + bcsc_semaphore_available(&s.sem));
  for (int b = 0; b < 5; b++)
    cr_assert_gt(s.wins[b], 0, "seed %llu: branch %d never won",
                 (unsigned long long)s.seed, b);
  cr_assert_gt(s.cancels, 0);
  cr_log_info("seed %llu: %llu + %llu messages, wins %llu/%llu/%llu/%llu/%llu, "
              "%llu cancels",
              (unsigned long long)s.seed, (unsigned long long)s.sent[0],
              (unsigned long long)s.sent[1], (unsigned long long)s.wins[0],
              (unsigned long long)s.wins[1], (unsigned long long)s.wins[2],
              (unsigned long long)s.wins[3], (unsigned long long)s.wins[4],
              (unsigned long long)s.cancels);
  for (int c = 0; c < 2; c++)
    cr_assert_eq(bcsc_channel_deinit(&s.ch[c]), 0);
  cr_assert_eq(bcsc_semaphore_deinit(&s.sem), 0);
  cr_assert_eq(bcsc_event_deinit(&s.ev), 0);
  cr_assert_eq(bcsc_executor_deinit(&s.ex), 0);
}

Test(select, conservation_across_primitives_under_a_cancellation_storm,
     .timeout = 120) {
  const char *env = getenv("BCSC_SEED");
  if (env != NULL && *env != '\0') {
    storm_run(strtoull(env, NULL, 0));
    return;
  }
  for (uint64_t seed = 1; seed <= 6; seed++)
    storm_run(seed);
}

/* A select begun in a poll and ended outside it; bad objects. */
typedef struct leaver {
  bcsc_task_t task;
  bcsc_select_t sel;
} leaver_t;

static int leaver_poll(bcsc_task_t *self) {
  leaver_t *l = (leaver_t *)self;
  cr_assert_eq(bcsc_select_begin(&l->sel, self), 0);
  cr_assert_eq(bcsc_select_offer(&l->sel, 0), 1);
  return BCSC_DONE;
}

Test(select, a_select_used_outside_its_poll_or_uninitialised_is_refused) {
  leaver_t l;
  bcsc_select_t zero;
  bcsc_task_t garbage;
  bcsc_test_misuse_t rec;
  /* What the checked build reports, call by call. */
  const int32_t codes[] = {BCSC_MISUSE_NULL_OBJECT, BCSC_MISUSE_BAD_OBJECT,
                           BCSC_MISUSE_BAD_OBJECT, BCSC_MISUSE_BAD_OBJECT,
                           BCSC_MISUSE_NOT_RUNNING};
  const void *objects[] = {NULL, &zero, &zero, &garbage, &l.task};
  bcsc_test_misuse_install(&rec);
  memset(&zero, 0, sizeof zero);
  memset(&garbage, 0xa5, sizeof garbage);
  cr_assert_eq(bcsc_select_offer(NULL, 0), BCSC_EINVAL);
  cr_assert_eq(bcsc_select_offer(&zero, 0), BCSC_EBADOBJ);
  cr_assert_eq(bcsc_select_end(&zero), BCSC_EBADOBJ);
  cr_assert_eq(bcsc_select_begin(&zero, &garbage), BCSC_EBADOBJ);
  cr_assert_eq(bcsc_select_result(&zero), BCSC_PENDING);
  cr_assert_eq(bcsc_select_winner(&zero), BCSC_SELECT_NONE);
  cr_assert_eq(bcsc_executor_init(&g_ex, NULL), 0);
  memset(&l, 0, sizeof l);
  cr_assert_eq(bcsc_task_init(&l.task, leaver_poll, NULL), 0);
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &l.task), 0);
  run_all();
  cr_assert_eq(bcsc_select_end(&l.sel), BCSC_EPERM,
               "its task is not being polled");
  bcsc_test_misuse_uninstall();
  cr_assert_eq(rec.count, bcsc_test_misuse_expected(5));
  for (uint32_t i = 0; i < rec.count; i++) {
    cr_assert_eq(rec.codes[i], codes[i], "report %u: %s", i,
                 bcsc_misuse_name(rec.codes[i]));
    cr_assert_eq(rec.objects[i], objects[i], "report %u", i);
  }
  cr_assert_eq(bcsc_executor_deinit(&g_ex), 0);
}
