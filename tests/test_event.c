/* SPDX-License-Identifier: MIT
 * test_event.c - bcsc/event.h through the public API: level-triggered
 * waits (at once while set, woken by set or pulse), edge-triggered waits
 * (always register first, then complete on the next set or pulse), reset,
 * the static initialiser, select with another source, cancelled waiters,
 * teardown with waiters, bad arguments, and a randomized run checking that
 * every waiter wakes exactly once per edge it waited through and never
 * without one. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include <bcsc.h>
#include <bcsc/event.h>

#include "bcsc_stepped.h"
#include "bcsc_test.h"

/* A waiter: waits `rounds` times (level or edge), optionally in a select
 * with `other`; with stop_on_other a wake from `other` ends it. */
typedef struct waiter {
  bcsc_task_t task;
  bcsc_wait_t wait;
  bcsc_wait_t other_wait;
  bcsc_event_t *ev;
  bcsc_waitq_t *other;
  int edge;
  int stop_on_other;
  uint32_t rounds;
  uint32_t completed; /* waits that returned 0 */
  uint32_t polls;
  uint32_t other_wakes;
  uintptr_t last_value; /* wait.value when the last wait completed */
  int rc;
  int done;
} waiter_t;

static int waiter_poll(bcsc_task_t *self) {
  waiter_t *w = (waiter_t *)self;
  int rc;
  w->polls++;
  if (w->other != NULL && bcsc_wait_fired(&w->other_wait)) {
    cr_assert_eq(bcsc_wait_on(self, &w->other_wait, w->other), 0);
    w->other_wakes++;
    if (w->stop_on_other) {
      w->done = 1;
      return BCSC_DONE;
    }
  }
  while (w->completed < w->rounds) {
    rc = w->edge ? bcsc_event_wait_edge(self, w->ev, &w->wait)
                 : bcsc_event_wait(self, w->ev, &w->wait);
    if (rc == BCSC_PENDING) {
      if (w->other != NULL)
        cr_assert_eq(bcsc_wait_register(self, &w->other_wait, w->other), 0);
      return BCSC_PENDING;
    }
    if (rc != 0) {
      w->rc = rc;
      w->done = 1;
      return BCSC_DONE;
    }
    w->completed++;
    w->last_value = w->wait.value;
  }
  w->done = 1;
  return BCSC_DONE;
}

static void waiter_init(waiter_t *w, bcsc_event_t *ev, int edge,
                        uint32_t rounds) {
  memset(w, 0, sizeof *w);
  cr_assert_eq(bcsc_task_init(&w->task, waiter_poll, NULL), 0);
  cr_assert_eq(bcsc_wait_init(&w->wait), 0);
  cr_assert_eq(bcsc_wait_init(&w->other_wait), 0);
  w->ev = ev;
  w->edge = edge;
  w->rounds = rounds;
}

static void teardown(bcsc_executor_t *ex) {
  cr_assert_eq(bcsc_executor_live_roots(ex), 0);
  cr_assert_eq(bcsc_executor_deinit(ex), 0);
}

Test(event, static_initialiser_and_init_agree) {
  bcsc_event_t a = BCSC_EVENT_INITIALIZER, b;
  memset(&b, 0xa5, sizeof b);
  cr_assert_eq(bcsc_event_init(&b), 0);
  cr_assert_eq(memcmp(&a, &b, sizeof a), 0);
  cr_assert_eq(bcsc_event_is_set(&a), 0);
  cr_assert_eq(bcsc_event_set(&a), 0, "nobody waits");
  cr_assert_eq(bcsc_event_is_set(&a), 1);
  cr_assert_eq(bcsc_event_reset(&a), 0);
  cr_assert_eq(bcsc_event_is_set(&a), 0);
  cr_assert_eq(bcsc_event_deinit(&a), 0);
  cr_assert_eq(bcsc_event_deinit(&b), 0);
}

/* D89: a torn-down event answers its queries as a zero one does: one left
 * set is not set any more. The caller's field is left alone. */
Test(event, queries_after_deinit_answer_as_for_a_zero_event) {
  bcsc_event_t ev;

  cr_assert_eq(bcsc_event_init(&ev), 0);
  ev.data = &ev;
  cr_assert_eq(bcsc_event_set(&ev), 0);
  cr_assert_eq(bcsc_event_is_set(&ev), 1);
  cr_assert_eq(bcsc_event_deinit(&ev), 0);
  cr_assert_eq(bcsc_event_is_set(&ev), 0);
  cr_assert_eq(ev.data, &ev);
}

Test(event, level_wait_is_immediate_while_set_and_woken_by_set) {
  bcsc_executor_t ex;
  bcsc_event_t ev = BCSC_EVENT_INITIALIZER;
  waiter_t a, b;

  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  waiter_init(&a, &ev, 0, 1);
  cr_assert_eq(bcsc_executor_run(&ex, &a.task), BCSC_EDEADLK);
  cr_assert(bcsc_wait_linked(&a.wait));
  cr_assert_eq(bcsc_event_set(&ev), 1);
  cr_assert_eq(bcsc_executor_run(&ex, &a.task), 0);
  cr_assert_eq(a.completed, 1);
  cr_assert_eq(a.polls, 2);
  cr_assert_eq(a.last_value, BCSC_EVENT_WOKEN_SET);

  /* Still set: a level wait of any length completes without waiting. */
  waiter_init(&b, &ev, 0, 5);
  cr_assert_eq(bcsc_executor_run(&ex, &b.task), 0);
  cr_assert_eq(b.completed, 5);
  cr_assert_eq(b.polls, 1);
  cr_assert_eq(bcsc_event_deinit(&ev), 0);
  teardown(&ex);
}

/* A set that is reset before the woken task runs still completes its wait:
 * the wake is what counts, and the task re-checks nothing it could lose. */
Test(event, a_wake_by_set_survives_a_reset) {
  bcsc_executor_t ex;
  bcsc_event_t ev = BCSC_EVENT_INITIALIZER;
  waiter_t a;

  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  waiter_init(&a, &ev, 0, 1);
  cr_assert_eq(bcsc_executor_run(&ex, &a.task), BCSC_EDEADLK);
  cr_assert_eq(bcsc_event_set(&ev), 1);
  cr_assert_eq(bcsc_event_reset(&ev), 0);
  cr_assert_eq(bcsc_executor_run(&ex, &a.task), 0);
  cr_assert_eq(a.completed, 1);
  cr_assert_eq(bcsc_event_deinit(&ev), 0);
  teardown(&ex);
}

Test(event, pulse_wakes_current_waiters_and_does_not_stay_set) {
  bcsc_executor_t ex;
  bcsc_event_t ev = BCSC_EVENT_INITIALIZER;
  waiter_t level, edge, late;

  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  waiter_init(&level, &ev, 0, 1);
  waiter_init(&edge, &ev, 1, 1);
  cr_assert_eq(bcsc_executor_spawn(&ex, &level.task), 0);
  cr_assert_eq(bcsc_executor_spawn(&ex, &edge.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 100), 2);
  cr_assert_eq(bcsc_event_pulse(&ev), 2);
  cr_assert_eq(bcsc_event_is_set(&ev), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 100), 2);
  cr_assert(level.done && edge.done);
  cr_assert_eq(level.completed, 1);
  cr_assert_eq(edge.completed, 1);
  cr_assert_eq(level.last_value, BCSC_EVENT_WOKEN_PULSE);
  cr_assert_eq(edge.last_value, BCSC_EVENT_WOKEN_PULSE);

  /* A waiter that came after the pulse waits for the next one. */
  waiter_init(&late, &ev, 0, 1);
  cr_assert_eq(bcsc_executor_run(&ex, &late.task), BCSC_EDEADLK);
  cr_assert_eq(bcsc_event_pulse(&ev), 1);
  cr_assert_eq(bcsc_executor_run(&ex, &late.task), 0);
  cr_assert_eq(late.completed, 1);
  cr_assert_eq(bcsc_event_deinit(&ev), 0);
  teardown(&ex);
}

Test(event, edge_wait_registers_even_while_set) {
  bcsc_executor_t ex;
  bcsc_event_t ev = BCSC_EVENT_INITIALIZER;
  waiter_t e;

  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  cr_assert_eq(bcsc_event_set(&ev), 0);
  waiter_init(&e, &ev, 1, 3);
  cr_assert_eq(bcsc_executor_run(&ex, &e.task), BCSC_EDEADLK);
  cr_assert_eq(e.completed, 0, "already set is not an edge");
  /* Each set (even of a set event) and each pulse is one edge. */
  cr_assert_eq(bcsc_event_set(&ev), 1);
  cr_assert_eq(bcsc_executor_run(&ex, &e.task), BCSC_EDEADLK);
  cr_assert_eq(e.completed, 1);
  cr_assert_eq(bcsc_event_pulse(&ev), 1);
  cr_assert_eq(bcsc_executor_run(&ex, &e.task), BCSC_EDEADLK);
  cr_assert_eq(e.completed, 2);
  cr_assert_eq(bcsc_event_reset(&ev), 0);
  cr_assert_eq(bcsc_event_reset(&ev), 0);
  cr_assert(bcsc_wait_linked(&e.wait), "a reset is not an edge");
  cr_assert_eq(bcsc_event_set(&ev), 1);
  cr_assert_eq(bcsc_executor_run(&ex, &e.task), 0);
  cr_assert_eq(e.completed, 3);
  cr_assert_eq(e.polls, 4);
  cr_assert_eq(bcsc_event_deinit(&ev), 0);
  teardown(&ex);
}

/* In a select the other source wins: the event's node is unlinked, so a
 * set that comes meanwhile is not seen as an edge; a level wait sees it as
 * state, an edge wait starts over. */
Test(event, select_with_another_source) {
  bcsc_executor_t ex;
  bcsc_event_t ev = BCSC_EVENT_INITIALIZER;
  bcsc_waitq_t other;
  waiter_t level, edge;

  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  cr_assert_eq(bcsc_waitq_init(&other), 0);
  waiter_init(&level, &ev, 0, 1);
  waiter_init(&edge, &ev, 1, 1);
  level.other = edge.other = &other;
  cr_assert_eq(bcsc_executor_spawn(&ex, &level.task), 0);
  cr_assert_eq(bcsc_executor_spawn(&ex, &edge.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 100), 2);
  cr_assert_eq(bcsc_waitq_wake_all(&other, 0), 2);
  cr_assert_eq(bcsc_event_set(&ev), 0, "both were woken by the other list");
  cr_assert_eq(bcsc_executor_poll(&ex, 100), 2);
  cr_assert(level.done);
  cr_assert_eq(level.completed, 1);
  cr_assert_eq(edge.done, 0);
  cr_assert(bcsc_wait_linked(&edge.wait));
  cr_assert_eq(bcsc_event_pulse(&ev), 1);
  cr_assert_eq(bcsc_executor_poll(&ex, 100), 1);
  cr_assert(edge.done);
  cr_assert_eq(edge.completed, 1);
  cr_assert_eq(edge.other_wakes, 1);
  cr_assert_eq(bcsc_waitq_deinit(&other), 0);
  cr_assert_eq(bcsc_event_deinit(&ev), 0);
  teardown(&ex);
}

Test(event, cancelled_waiters_wake_once_and_take_nothing) {
  bcsc_executor_t ex;
  bcsc_event_t ev = BCSC_EVENT_INITIALIZER;
  waiter_t a, b, c;

  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  waiter_init(&a, &ev, 1, 1);
  waiter_init(&b, &ev, 1, 1);
  waiter_init(&c, &ev, 0, 1);
  cr_assert_eq(bcsc_executor_spawn(&ex, &a.task), 0);
  cr_assert_eq(bcsc_executor_spawn(&ex, &b.task), 0);
  cr_assert_eq(bcsc_executor_spawn(&ex, &c.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 100), 3);
  /* a: cancelled while waiting. b: woken by the set, then cancelled. */
  cr_assert_eq(bcsc_task_cancel(&a.task), 0);
  cr_assert_eq(bcsc_event_set(&ev), 2);
  cr_assert_eq(bcsc_task_cancel(&b.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 100), 3);
  cr_assert_eq(a.rc, BCSC_ECANCELED);
  cr_assert_eq(b.rc, BCSC_ECANCELED);
  cr_assert_eq(a.polls, 2);
  cr_assert_eq(b.polls, 2);
  cr_assert_eq(bcsc_wait_fired(&b.wait), 0, "the mark was consumed");
  cr_assert_eq(c.completed, 1);
  cr_assert_eq(c.polls, 2);
  cr_assert_eq(bcsc_event_deinit(&ev), 0);
  teardown(&ex);
}

Test(event, deinit_with_waiters_is_busy) {
  bcsc_executor_t ex;
  bcsc_event_t ev = BCSC_EVENT_INITIALIZER;
  bcsc_test_misuse_t rec;
  waiter_t a;

  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  waiter_init(&a, &ev, 1, 1);
  cr_assert_eq(bcsc_executor_run(&ex, &a.task), BCSC_EDEADLK);
  bcsc_test_misuse_install(&rec);
  cr_assert_eq(bcsc_event_deinit(&ev), BCSC_EBUSY);
  bcsc_test_misuse_uninstall();
  cr_assert_eq(bcsc_test_misuse_count_code(&rec, BCSC_MISUSE_WAITQ_BUSY),
               bcsc_test_misuse_expected(1));
  cr_assert(bcsc_wait_linked(&a.wait));
  cr_assert_eq(bcsc_event_pulse(&ev), 1);
  cr_assert_eq(bcsc_executor_run(&ex, &a.task), 0);
  cr_assert_eq(bcsc_event_deinit(&ev), 0);
  teardown(&ex);
}

Test(event, bad_arguments_and_use_after_deinit) {
  bcsc_event_t ev;
  bcsc_test_misuse_t rec;
  bcsc_task_t idle;
  bcsc_wait_t wait;

  bcsc_test_misuse_install(&rec);
  cr_assert_eq(bcsc_event_init(NULL), BCSC_EINVAL);
  cr_assert_eq(bcsc_event_init(&ev), 0);
  cr_assert_eq(bcsc_task_init(&idle, waiter_poll, NULL), 0);
  cr_assert_eq(bcsc_wait_init(&wait), 0);
  cr_assert_eq(bcsc_event_wait(&idle, &ev, &wait), BCSC_EPERM);
  cr_assert_eq(bcsc_event_wait_edge(&idle, &ev, &wait), BCSC_EPERM);
  cr_assert_eq(bcsc_event_wait(&idle, &ev, NULL), BCSC_EINVAL);
  cr_assert_eq(bcsc_event_wait(NULL, &ev, &wait), BCSC_EINVAL);
  cr_assert_eq(bcsc_event_wait(&idle, NULL, &wait), BCSC_EINVAL);
  cr_assert_eq(rec.count, bcsc_test_misuse_expected(6));
  rec.count = 0;
  cr_assert_eq(bcsc_event_set(NULL), BCSC_EINVAL);
  cr_assert_eq(bcsc_event_reset(NULL), BCSC_EINVAL);
  cr_assert_eq(bcsc_event_pulse(NULL), BCSC_EINVAL);
  cr_assert_eq(bcsc_event_deinit(NULL), BCSC_EINVAL);
  cr_assert_eq(bcsc_test_misuse_count_code(&rec, BCSC_MISUSE_NULL_OBJECT),
               bcsc_test_misuse_expected(4));
  cr_assert_eq(rec.count, bcsc_test_misuse_expected(4));

  cr_assert_eq(bcsc_event_deinit(&ev), 0);
  rec.count = 0;
  cr_assert_eq(bcsc_event_set(&ev), BCSC_EBADOBJ);
  cr_assert_eq(bcsc_event_reset(&ev), BCSC_EBADOBJ);
  cr_assert_eq(bcsc_event_pulse(&ev), BCSC_EBADOBJ);
  cr_assert_eq(bcsc_event_wait(&idle, &ev, &wait), BCSC_EBADOBJ);
  cr_assert_eq(bcsc_event_deinit(&ev), BCSC_EBADOBJ);
  cr_assert_eq(bcsc_test_misuse_count_code(&rec, BCSC_MISUSE_BAD_OBJECT),
               bcsc_test_misuse_expected(5));
  bcsc_test_misuse_uninstall();
  cr_assert_eq(bcsc_event_is_set(NULL), 0);
  cr_assert_eq(bcsc_event_sizeof(), sizeof(bcsc_event_t));
  cr_assert_eq(bcsc_event_alignof(), _Alignof(bcsc_event_t));
}

static int event_wait_of(bcsc_task_t *self, void *ev, bcsc_wait_t *wait) {
  return bcsc_event_wait(self, ev, wait);
}

Test(event, a_registration_linked_for_another_task_is_refused) {
  bcsc_event_t ev = BCSC_EVENT_INITIALIZER;
  ct_up(NULL);
  ct_foreign_registration(event_wait_of, &ev);
  cr_assert_eq(bcsc_event_is_set(&ev), 0);
  cr_assert_eq(bcsc_event_deinit(&ev), 0, "no waiter is left on it");
  ct_down();
}

/* ---- randomized ------------------------------------------------------------
 * Edge waiters loop forever counting edges; sets, pulses, resets, wakes
 * from another source, cancellations and executor turns come in a seeded
 * random order. Each set or pulse is an edge for exactly the waiters linked
 * at that moment (the count the call returns): the test keeps a model of
 * who is linked and checks that each waiter completed exactly one wait per
 * edge that found it linked - no lost wakes, no double wakes. */

#define WAITERS 32

static uint64_t rng_state;

static uint32_t rng_next(void) {
  rng_state ^= rng_state >> 12;
  rng_state ^= rng_state << 25;
  rng_state ^= rng_state >> 27;
  return (uint32_t)((rng_state * 0x2545F4914F6CDD1Dull) >> 32);
}

Test(event, randomized_edges_are_counted_exactly) {
  static bcsc_executor_t ex;
  static bcsc_event_t ev;
  static bcsc_waitq_t other;
  static waiter_t w[WAITERS];
  static uint32_t edges[WAITERS]; /* edges that found it linked */
  uint32_t total_edges = 0;

  for (uint64_t seed = 1; seed <= 20; seed++) {
    rng_state = seed * 0x9E3779B97F4A7C15ull;
    cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
    cr_assert_eq(bcsc_event_init(&ev), 0);
    cr_assert_eq(bcsc_waitq_init(&other), 0);
    for (int i = 0; i < WAITERS; i++) {
      waiter_init(&w[i], &ev, 1, UINT32_MAX);
      if (rng_next() % 2)
        w[i].other = &other;
      edges[i] = 0;
      cr_assert_eq(bcsc_executor_spawn(&ex, &w[i].task), 0);
    }
    for (int step = 0; step < 600; step++) {
      int i = (int)(rng_next() % WAITERS), linked = 0, rc;
      switch (rng_next() % 6) {
      case 0:
      case 1:
        for (int j = 0; j < WAITERS; j++) {
          int l = bcsc_wait_linked(&w[j].wait);
          edges[j] += (uint32_t)l;
          linked += l;
        }
        rc = rng_next() % 2 ? bcsc_event_set(&ev) : bcsc_event_pulse(&ev);
        cr_assert_eq(rc, linked);
        total_edges += (uint32_t)linked;
        break;
      case 2:
        cr_assert_eq(bcsc_event_reset(&ev), 0);
        break;
      case 3:
        cr_assert_geq(bcsc_waitq_wake_one(&other, 0), 0);
        break;
      case 4:
        if (rng_next() % 16 == 0 && !bcsc_task_done(&w[i].task)) {
          /* Cancellation is reported before a wake not yet consumed. */
          edges[i] -= (uint32_t)bcsc_wait_fired(&w[i].wait);
          cr_assert_eq(bcsc_task_cancel(&w[i].task), 0);
        }
        break;
      default:
        cr_assert_geq(bcsc_executor_poll(&ex, rng_next() % 16), 0);
        break;
      }
    }
    /* Drain what is queued, then end everyone by cancellation. */
    cr_assert_geq(bcsc_executor_poll(&ex, 100000), 0);
    for (int i = 0; i < WAITERS; i++) {
      cr_assert_eq(w[i].completed, edges[i], "waiter %d: %u waits, %u edges", i,
                   w[i].completed, edges[i]);
      if (!bcsc_task_done(&w[i].task))
        cr_assert_eq(bcsc_task_cancel(&w[i].task), 0);
    }
    cr_assert_geq(bcsc_executor_poll(&ex, 100000), 0);
    for (int i = 0; i < WAITERS; i++) {
      cr_assert(bcsc_task_done(&w[i].task));
      cr_assert_eq(w[i].rc, BCSC_ECANCELED);
    }
    cr_assert_eq(bcsc_waitq_deinit(&other), 0);
    cr_assert_eq(bcsc_event_deinit(&ev), 0);
    teardown(&ex);
  }
  cr_assert_gt(total_edges, 0);
}

/* A node fired by another list (a value that is neither
 * BCSC_EVENT_WOKEN_SET nor _PULSE) and passed to an edge-triggered wait
 * unconsumed does not say the event happened: the call waits. */
typedef struct stray {
  bcsc_task_t task;
  bcsc_wait_t wait;
  bcsc_event_t *event;
  bcsc_waitq_t *other;
  int step;
  int first_rc; /* the event call that found the stray mark */
} stray_t;

static int stray_poll(bcsc_task_t *self) {
  stray_t *s = (stray_t *)self;
  int rc;
  if (s->step == 0) {
    s->step = 1;
    cr_assert_eq(bcsc_wait_register(self, &s->wait, s->other), 0);
    return BCSC_PENDING;
  }
  rc = bcsc_event_wait_edge(self, s->event, &s->wait);
  if (s->step == 1)
    s->first_rc = rc;
  s->step = 2;
  return rc;
}

Test(event, a_wake_from_another_list_is_not_an_edge) {
  bcsc_executor_t ex;
  bcsc_event_t ev;
  bcsc_waitq_t other;
  stray_t s = {0};
  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  cr_assert_eq(bcsc_event_init(&ev), 0);
  cr_assert_eq(bcsc_waitq_init(&other), 0);
  s.event = &ev;
  s.other = &other;
  cr_assert_eq(bcsc_wait_init(&s.wait), 0);
  cr_assert_eq(bcsc_task_init(&s.task, stray_poll, NULL), 0);
  cr_assert_eq(bcsc_executor_spawn(&ex, &s.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 8), 1);
  cr_assert_eq(bcsc_waitq_wake_one(&other, 7), 1);
  cr_assert_eq(bcsc_executor_poll(&ex, 8), 1);
  cr_assert_eq(s.first_rc, BCSC_PENDING, "a stray mark was taken as an edge");
  cr_assert_not(bcsc_task_done(&s.task));
  cr_assert_eq(bcsc_event_pulse(&ev), 1);
  cr_assert_eq(bcsc_executor_poll(&ex, 8), 1);
  cr_assert(bcsc_task_done(&s.task));
  cr_assert_eq(bcsc_task_result(&s.task), 0);
  cr_assert_eq(s.wait.value, BCSC_EVENT_WOKEN_PULSE);
  cr_assert_eq(bcsc_event_deinit(&ev), 0);
  cr_assert_eq(bcsc_waitq_deinit(&other), 0);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
}
