/* SPDX-License-Identifier: MIT
 * test_waker.c - value wakers through the public API: a slot is taken on
 * the first ask and given back when the poll function returns a result,
 * exhaustion, stale wakes after completion and after reuse, coalescing and
 * its exact accounting, a value wake against cancellation, a value wake as
 * one branch of a select with a waiter list, teardown with wakes still in
 * the inbox, the pender and a parked executor woken from another thread,
 * and bad arguments. The generation wrap-around has its own target
 * (tests/waker_wrap/). */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include <bcsc.h>

#include "bcsc_test.h"

/* A sleeper takes its waker on the first poll and publishes it, then waits
 * for value wakes (and, with `queue`, for that list too) until it has seen
 * `rounds` of them. */
typedef struct sleeper {
  bcsc_task_t task;
  bcsc_wait_t wait;
  bcsc_waitq_t *queue; /* NULL: value wakes only */
  uint32_t rounds;
  int wake_self_and_end; /* fire its own waker in its last poll */
  /* observations */
  bcsc_waker_t waker;
  int waker_rc;
  uint32_t polls;
  uint32_t value_wakes; /* polls on which bcsc_task_waker_woken() was 1 */
  uint32_t queue_wakes;
  int saw_cancel;
  int done;
} sleeper_t;

static int sleeper_poll(bcsc_task_t *self) {
  sleeper_t *s = (sleeper_t *)self;
  int woken;
  s->polls++;
  if (s->polls == 1) {
    s->waker_rc = bcsc_task_waker(self, &s->waker);
    if (s->waker_rc != 0) {
      s->done = 1;
      return s->waker_rc;
    }
  }
  woken = bcsc_task_waker_woken(self);
  cr_assert(woken == 0 || woken == 1, "woken %d", woken);
  s->value_wakes += (uint32_t)woken;
  if (s->queue != NULL && bcsc_wait_fired(&s->wait)) {
    cr_assert_eq(bcsc_wait_on(self, &s->wait, s->queue), 0);
    s->queue_wakes++;
  }
  if (bcsc_task_cancelled(self)) {
    s->saw_cancel = 1;
    s->done = 1;
    return BCSC_ECANCELED;
  }
  if (s->value_wakes + s->queue_wakes >= s->rounds) {
    if (s->wake_self_and_end)
      cr_assert_eq(bcsc_waker_wake(s->waker), 0);
    s->done = 1;
    return BCSC_DONE;
  }
  if (s->queue != NULL)
    cr_assert_eq(bcsc_wait_register(self, &s->wait, s->queue), 0);
  return BCSC_PENDING;
}

static void sleeper_init(sleeper_t *s, uint32_t rounds) {
  memset(s, 0, sizeof *s);
  cr_assert_eq(bcsc_task_init(&s->task, sleeper_poll, NULL), 0);
  cr_assert_eq(bcsc_wait_init(&s->wait), 0);
  s->rounds = rounds;
}

static bcsc_executor_stats_t stats_of(const bcsc_executor_t *ex) {
  bcsc_executor_stats_t st;
  memset(&st, 0, sizeof st);
  st.size = sizeof st;
  cr_assert_eq(bcsc_executor_stats(ex, &st), 0);
  return st;
}

static void init_with_slots(bcsc_executor_t *ex, bcsc_waker_slot_t *slots,
                            uint32_t n) {
  cr_assert_eq(bcsc_executor_init(ex, NULL), 0);
  cr_assert_eq(bcsc_executor_set_waker_slots(ex, slots, n), 0);
}

Test(waker, sizes_and_layout) {
  cr_assert_eq(bcsc_waker_slot_sizeof(), sizeof(bcsc_waker_slot_t));
  cr_assert_eq(bcsc_waker_slot_alignof(), _Alignof(bcsc_waker_slot_t));
  cr_assert_eq(bcsc_waker_sizeof(), sizeof(bcsc_waker_t));
  cr_assert_eq(bcsc_waker_generation_bits(), 24); /* D47 */
  /* The task header stays one cache line with the slot in it (D23). */
  if (sizeof(void *) == 8) {
    cr_assert_eq(sizeof(bcsc_task_t), 64);
    cr_assert_eq(sizeof(bcsc_waker_slot_t), 16);
  }
}

Test(waker, slot_taken_on_first_ask_and_given_back) {
  bcsc_executor_t ex;
  bcsc_waker_slot_t slots[2];
  sleeper_t a, b;
  init_with_slots(&ex, slots, 2);
  sleeper_init(&a, 1);
  cr_assert_eq(bcsc_executor_spawn(&ex, &a.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 10), 1);
  cr_assert_eq(a.waker_rc, 0);
  cr_assert_eq(a.waker.executor, &ex);
  cr_assert_eq(a.waker.slot, 0);
  cr_assert_eq(a.waker.generation, 0);
  /* Waiting on nothing but its waker is not misuse: it is woken by it. */
  cr_assert_eq(bcsc_waker_wake(a.waker), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 10), 1);
  cr_assert(a.done);
  cr_assert_eq(a.value_wakes, 1);
  /* Given back at the end: the next task takes the other free slot first
   * (FIFO), then this one with the next generation. */
  sleeper_init(&b, 1);
  cr_assert_eq(bcsc_executor_spawn(&ex, &b.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 10), 1);
  cr_assert_eq(b.waker.slot, 1);
  cr_assert_eq(bcsc_waker_wake(b.waker), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 10), 1);
  sleeper_init(&a, 1);
  cr_assert_eq(bcsc_executor_spawn(&ex, &a.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 10), 1);
  cr_assert_eq(a.waker.slot, 0);
  cr_assert_eq(a.waker.generation, 1);
  cr_assert_eq(bcsc_waker_wake(a.waker), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 10), 1);
  cr_assert(a.done);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
}

/* Asks twice in one poll and once in a later poll: the same waker. */
typedef struct asker {
  bcsc_task_t task;
  bcsc_waker_t first, second, later;
  int polls;
} asker_t;

static int asker_poll(bcsc_task_t *self) {
  asker_t *a = (asker_t *)self;
  if (a->polls++ == 0) {
    cr_assert_eq(bcsc_task_waker(self, &a->first), 0);
    cr_assert_eq(bcsc_task_waker(self, &a->second), 0);
    return bcsc_task_yield(self);
  }
  cr_assert_eq(bcsc_task_waker(self, &a->later), 0);
  return BCSC_DONE;
}

Test(waker, asking_again_returns_the_same_waker) {
  bcsc_executor_t ex;
  bcsc_waker_slot_t slots[1];
  asker_t a;
  memset(&a, 0, sizeof a);
  init_with_slots(&ex, slots, 1);
  cr_assert_eq(bcsc_task_init(&a.task, asker_poll, NULL), 0);
  cr_assert_eq(bcsc_executor_run(&ex, &a.task), 0);
  cr_assert_eq(memcmp(&a.first, &a.second, sizeof a.first), 0);
  cr_assert_eq(memcmp(&a.first, &a.later, sizeof a.first), 0);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
}

Test(waker, exhaustion_is_an_error_code) {
  bcsc_executor_t ex;
  bcsc_waker_slot_t slots[1];
  sleeper_t a, b;
  init_with_slots(&ex, slots, 1);
  sleeper_init(&a, 1);
  sleeper_init(&b, 1);
  cr_assert_eq(bcsc_executor_spawn(&ex, &a.task), 0);
  cr_assert_eq(bcsc_executor_spawn(&ex, &b.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 10), 2);
  cr_assert_eq(a.waker_rc, 0);
  cr_assert_eq(b.waker_rc, BCSC_ENOSPC);
  cr_assert(b.done);
  cr_assert_eq(bcsc_task_result(&b.task), BCSC_ENOSPC);
  cr_assert_eq(bcsc_waker_wake(a.waker), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 10), 1);
  cr_assert(a.done);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
}

Test(waker, no_table_means_no_slot) {
  bcsc_executor_t ex;
  sleeper_t a;
  bcsc_waker_t w = {&ex, 0, 0};
  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  sleeper_init(&a, 1);
  cr_assert_eq(bcsc_executor_run(&ex, &a.task), BCSC_ENOSPC);
  cr_assert_eq(bcsc_waker_wake(w), BCSC_ENOSPC);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
}

Test(waker, table_from_config) {
  bcsc_executor_t ex;
  bcsc_waker_slot_t slots[3];
  bcsc_executor_config_t config;
  bcsc_test_misuse_t rec;
  sleeper_t a;
  memset(&config, 0, sizeof config);
  config.size = sizeof config;
  config.waker_slots = slots;
  config.waker_slot_count = 3;
  cr_assert_eq(bcsc_executor_init(&ex, &config), 0);
  cr_assert_eq(bcsc_executor_set_waker_slots(&ex, slots, 3), BCSC_EBUSY);
  sleeper_init(&a, 1);
  cr_assert_eq(bcsc_executor_spawn(&ex, &a.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 1), 1);
  cr_assert_eq(a.waker_rc, 0);
  cr_assert_eq(bcsc_waker_wake(a.waker), 0);
  cr_assert_eq(bcsc_executor_run(&ex, NULL), 0);
  cr_assert(a.done);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
  /* A table without a count, or a count without a table. */
  bcsc_test_misuse_install(&rec);
  config.waker_slot_count = 0;
  cr_assert_eq(bcsc_executor_init(&ex, &config), BCSC_EINVAL);
  config.waker_slots = NULL;
  config.waker_slot_count = 1;
  cr_assert_eq(bcsc_executor_init(&ex, &config), BCSC_EINVAL);
  cr_assert_eq(rec.count, bcsc_test_misuse_expected(2));
  bcsc_test_misuse_uninstall();
}

Test(waker, stale_after_completion) {
  bcsc_executor_t ex;
  bcsc_waker_slot_t slots[4];
  sleeper_t a;
  bcsc_executor_stats_t st;
  init_with_slots(&ex, slots, 4);
  sleeper_init(&a, 1);
  cr_assert_eq(bcsc_executor_spawn(&ex, &a.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 1), 1);
  cr_assert_eq(bcsc_waker_wake(a.waker), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 10), 1);
  cr_assert(a.done);
  /* The frame may be gone: the wake must not touch it. */
  memset(&a.task, 0xa5, sizeof a.task);
  cr_assert_eq(bcsc_waker_wake(a.waker), 0);
  cr_assert_eq(bcsc_waker_wake(a.waker), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 10), 0);
  st = stats_of(&ex);
  cr_assert_eq(st.wakes_received, 1);
  cr_assert_eq(st.wakes_stale, 2);
  cr_assert_eq(st.wakes_delivered, 1);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
}

Test(waker, stale_after_reuse) {
  bcsc_executor_t ex;
  bcsc_waker_slot_t slots[1];
  sleeper_t a, b;
  bcsc_waker_t old;
  bcsc_executor_stats_t st;
  init_with_slots(&ex, slots, 1);
  sleeper_init(&a, 1);
  a.wake_self_and_end = 0;
  cr_assert_eq(bcsc_executor_spawn(&ex, &a.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 1), 1);
  old = a.waker;
  cr_assert_eq(bcsc_task_cancel(&a.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 10), 1);
  cr_assert(a.saw_cancel);
  /* b takes the same slot, one generation on. */
  sleeper_init(&b, 1);
  cr_assert_eq(bcsc_executor_spawn(&ex, &b.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 1), 1);
  cr_assert_eq(b.waker.slot, old.slot);
  cr_assert_eq(b.waker.generation, old.generation + 1);
  cr_assert_eq(bcsc_waker_wake(old), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 10), 0); /* b not woken */
  cr_assert_eq(b.polls, 1);
  cr_assert_eq(bcsc_waker_wake(b.waker), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 10), 1);
  cr_assert(b.done);
  st = stats_of(&ex);
  cr_assert_eq(st.wakes_stale, 1);
  cr_assert_eq(st.wakes_received, 1);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
}

Test(waker, wakes_before_the_task_runs_coalesce) {
  bcsc_executor_t ex;
  bcsc_waker_slot_t slots[2];
  sleeper_t a;
  bcsc_executor_stats_t st;
  init_with_slots(&ex, slots, 2);
  sleeper_init(&a, 2);
  cr_assert_eq(bcsc_executor_spawn(&ex, &a.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 1), 1);
  for (int i = 0; i < 5; i++)
    cr_assert_eq(bcsc_waker_wake(a.waker), 0);
  cr_assert_eq(bcsc_executor_next_deadline(&ex), 0); /* the inbox has some */
  cr_assert_eq(bcsc_executor_poll(&ex, 10), 1);      /* one poll for five */
  cr_assert_eq(a.value_wakes, 1);
  cr_assert_eq(a.polls, 2);
  st = stats_of(&ex);
  cr_assert_eq(st.wakes_received, 5); /* every one counts, once */
  cr_assert_eq(st.wakes_stale, 0);
  cr_assert_eq(st.wakes_delivered, 1);
  /* A queued task: the wake marks it and it runs once. */
  cr_assert_eq(bcsc_waker_wake(a.waker), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 10), 1);
  cr_assert(a.done);
  cr_assert_eq(a.value_wakes, 2);
  st = stats_of(&ex);
  cr_assert_eq(st.wakes_received + st.wakes_stale, 6);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
}

Test(waker, value_wake_against_cancellation) {
  bcsc_executor_t ex;
  bcsc_waker_slot_t slots[1];
  sleeper_t a;
  bcsc_executor_stats_t st;
  init_with_slots(&ex, slots, 1);
  sleeper_init(&a, 100);
  cr_assert_eq(bcsc_executor_spawn(&ex, &a.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 1), 1);
  /* Cancelled first, then woken: one poll sees both. */
  cr_assert_eq(bcsc_task_cancel(&a.task), 0);
  cr_assert_eq(bcsc_waker_wake(a.waker), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 10), 1);
  cr_assert(a.saw_cancel);
  cr_assert_eq(a.value_wakes, 1);
  cr_assert_eq(bcsc_task_result(&a.task), BCSC_ECANCELED);
  cr_assert_eq(bcsc_waker_wake(a.waker), 0);
  /* Woken first, cancelled before the drain: the wake was received (the
   * task was live) and the task ends cancelled. */
  sleeper_init(&a, 100);
  cr_assert_eq(bcsc_executor_spawn(&ex, &a.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 1), 1);
  cr_assert_eq(bcsc_waker_wake(a.waker), 0);
  cr_assert_eq(bcsc_task_cancel(&a.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 10), 1);
  cr_assert(a.saw_cancel);
  st = stats_of(&ex);
  cr_assert_eq(st.wakes_received, 2);
  cr_assert_eq(st.wakes_stale, 1);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
}

Test(waker, one_branch_of_a_select_with_a_waiter_list) {
  bcsc_executor_t ex;
  bcsc_waker_slot_t slots[1];
  bcsc_waitq_t q;
  sleeper_t a;
  init_with_slots(&ex, slots, 1);
  cr_assert_eq(bcsc_waitq_init(&q), 0);
  sleeper_init(&a, 3);
  a.queue = &q;
  cr_assert_eq(bcsc_executor_spawn(&ex, &a.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 1), 1);
  cr_assert_eq(bcsc_waitq_count(&q), 1);
  /* The value wake wins: the registration is unlinked before it runs. */
  cr_assert_eq(bcsc_waker_wake(a.waker), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 0), 0); /* drained, not polled */
  cr_assert(bcsc_waitq_empty(&q));
  cr_assert_eq(bcsc_waitq_wake_one(&q, 7), 0); /* nobody to wake */
  cr_assert_eq(bcsc_executor_poll(&ex, 10), 1);
  cr_assert_eq(a.value_wakes, 1);
  cr_assert_eq(a.queue_wakes, 0);
  /* The list wins: the value mark stays clear. */
  cr_assert_eq(bcsc_waitq_wake_one(&q, 7), 1);
  cr_assert_eq(bcsc_executor_poll(&ex, 10), 1);
  cr_assert_eq(a.value_wakes, 1);
  cr_assert_eq(a.queue_wakes, 1);
  /* Both before it runs: one poll, both seen. */
  cr_assert_eq(bcsc_waitq_wake_one(&q, 8), 1);
  cr_assert_eq(bcsc_waker_wake(a.waker), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 10), 1);
  cr_assert(a.done);
  cr_assert_eq(a.value_wakes, 2);
  cr_assert_eq(a.queue_wakes, 2);
  cr_assert_eq(bcsc_waitq_deinit(&q), 0);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
}

Test(waker, deinit_with_wakes_in_the_inbox) {
  bcsc_executor_t ex;
  bcsc_waker_slot_t slots[2];
  sleeper_t a;
  bcsc_executor_stats_t st;
  init_with_slots(&ex, slots, 2);
  sleeper_init(&a, 1);
  a.wake_self_and_end = 1; /* left in the inbox as it ends */
  cr_assert_eq(bcsc_executor_spawn(&ex, &a.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 1), 1);
  cr_assert_eq(bcsc_waker_wake(a.waker), 0);
  cr_assert_eq(bcsc_executor_run(&ex, &a.task), 0);
  cr_assert(a.done);
  cr_assert_neq(bcsc_executor_next_deadline(&ex), BCSC_NO_DEADLINE);
  cr_assert_eq(bcsc_waker_wake(a.waker), 0); /* stale */
  st = stats_of(&ex);
  cr_assert_eq(st.wakes_received, 2);
  cr_assert_eq(st.wakes_stale, 1);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
  cr_assert_eq(bcsc_waker_wake(a.waker), BCSC_EBADOBJ);
  /* The table is clean: another executor takes it over. */
  init_with_slots(&ex, slots, 2);
  sleeper_init(&a, 1);
  cr_assert_eq(bcsc_executor_spawn(&ex, &a.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 1), 1);
  cr_assert_eq(bcsc_waker_wake(a.waker), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 10), 1);
  cr_assert(a.done);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
}

Test(waker, bad_arguments) {
  bcsc_executor_t ex, other;
  bcsc_waker_slot_t slots[2];
  bcsc_test_misuse_t rec;
  bcsc_waker_t w = BCSC_WAKER_INITIALIZER;
  int not_an_executor[64] = {0};
  bcsc_task_t t;
  init_with_slots(&ex, slots, 2);
  cr_assert_eq(bcsc_waker_wake(w), BCSC_EINVAL);
  cr_assert_eq(bcsc_waker_wake_ptr(NULL), BCSC_EINVAL);
  w.executor = &ex;
  w.slot = 2;
  cr_assert_eq(bcsc_waker_wake(w), BCSC_EINVAL);
  w.slot = 0;
  w.generation = 1u << 29;
  cr_assert_eq(bcsc_waker_wake_ptr(&w), BCSC_EINVAL);
  w.executor = (bcsc_executor_t *)(void *)not_an_executor;
  w.generation = 0;
  cr_assert_eq(bcsc_waker_wake(w), BCSC_EBADOBJ);
  /* A free slot of a valid table: stale, counted. */
  w.executor = &ex;
  cr_assert_eq(bcsc_waker_wake(w), 0);
  cr_assert_eq(stats_of(&ex).wakes_stale, 1);

  bcsc_test_misuse_install(&rec);
  cr_assert_eq(bcsc_executor_set_waker_slots(&ex, slots, 2), BCSC_EBUSY);
  cr_assert_eq(bcsc_executor_init(&other, NULL), 0);
  cr_assert_eq(bcsc_executor_set_waker_slots(&other, NULL, 2), BCSC_EINVAL);
  cr_assert_eq(bcsc_executor_set_waker_slots(&other, slots, 0), BCSC_EINVAL);
  cr_assert_eq(bcsc_executor_set_waker_slots(&other, slots, 70000),
               BCSC_EINVAL);
  cr_assert_eq(bcsc_executor_set_waker_slots(NULL, slots, 2), BCSC_EINVAL);
  cr_assert_eq(bcsc_executor_deinit(&other), 0);
  /* Torn down, it is no executor: its table is not set. */
  cr_assert_eq(bcsc_executor_set_waker_slots(&other, slots, 2), BCSC_EBADOBJ);
  /* Outside a poll. */
  cr_assert_eq(bcsc_task_init(&t, sleeper_poll, NULL), 0);
  cr_assert_eq(bcsc_task_waker(&t, &w), BCSC_EPERM);
  cr_assert_eq(bcsc_task_waker_woken(&t), BCSC_EPERM);
  cr_assert_eq(bcsc_task_waker(NULL, &w), BCSC_EINVAL);
  cr_assert_eq(bcsc_task_waker_woken(NULL), BCSC_EINVAL);
  /* A frame never initialised gets no waker, and the one given stays. */
  {
    bcsc_task_t zero;
    bcsc_waker_t kept = w;
    memset(&zero, 0, sizeof zero);
    cr_assert_eq(bcsc_task_waker(&zero, &w), BCSC_EBADOBJ);
    cr_assert_eq(memcmp(&kept, &w, sizeof w), 0, "a refused call wrote @p out");
    cr_assert_eq(bcsc_task_waker_woken(&zero), BCSC_EBADOBJ);
    cr_assert_eq(bcsc_test_misuse_count_code(&rec, BCSC_MISUSE_BAD_OBJECT),
                 bcsc_test_misuse_expected(3));
  }
  cr_assert_eq(rec.count, bcsc_test_misuse_expected(11), "%u reports",
               rec.count);
  bcsc_test_misuse_uninstall();
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
}

/* ---- the host and the other threads ------------------------------------ */

static int pended;
static void count_pender(bcsc_executor_t *ex, void *context) {
  (void)ex;
  (void)context;
  pended++;
}

Test(waker, a_wake_while_the_host_is_out_calls_the_pender_once) {
  bcsc_executor_t ex;
  bcsc_waker_slot_t slots[2];
  bcsc_executor_config_t config;
  sleeper_t a;
  memset(&config, 0, sizeof config);
  config.size = sizeof config;
  config.pender = count_pender;
  config.waker_slots = slots;
  config.waker_slot_count = 2;
  pended = 0;
  cr_assert_eq(bcsc_executor_init(&ex, &config), 0);
  sleeper_init(&a, 2);
  cr_assert_eq(bcsc_executor_spawn(&ex, &a.task), 0);
  pended = 0;
  cr_assert_eq(bcsc_executor_poll(&ex, 10), 1);
  cr_assert_eq(bcsc_waker_wake(a.waker), 0);
  cr_assert_eq(pended, 1);
  cr_assert_eq(bcsc_waker_wake(a.waker), 0); /* already told */
  cr_assert_eq(pended, 1);
  cr_assert_eq(bcsc_executor_next_deadline(&ex), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 10), 1);
  cr_assert_eq(stats_of(&ex).waker_notifies, 1);
  /* Out again: the next wake tells the host again. */
  cr_assert_eq(bcsc_waker_wake(a.waker), 0);
  cr_assert_eq(pended, 2);
  cr_assert_eq(bcsc_executor_poll(&ex, 10), 1);
  cr_assert(a.done);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
}

typedef struct remote {
  sleeper_t *sleepers;
  uint32_t n;
  atomic_int published; /* sleepers that have their waker */
  uint32_t rounds;
} remote_t;

static void *remote_main(void *arg) {
  remote_t *r = arg;
  while (atomic_load(&r->published) < (int)r->n)
    ;
  for (uint32_t round = 0; round < r->rounds; round++)
    for (uint32_t i = 0; i < r->n; i++)
      cr_assert_eq(bcsc_waker_wake(r->sleepers[i].waker), 0);
  return NULL;
}

typedef struct publisher {
  bcsc_task_t task;
  sleeper_t *sleepers;
  uint32_t n;
  remote_t *remote;
  bcsc_scope_t scope;
  int phase;
} publisher_t;

static int publisher_poll(bcsc_task_t *self) {
  publisher_t *p = (publisher_t *)self;
  if (p->phase == 0) {
    p->phase = 1;
    cr_assert_eq(bcsc_scope_init(&p->scope, self, BCSC_SCOPE_WAIT_ALL), 0);
    for (uint32_t i = 0; i < p->n; i++)
      cr_assert_eq(bcsc_scope_spawn(&p->scope, &p->sleepers[i].task), 0);
    return bcsc_task_yield(self);
  }
  if (p->phase == 1) {
    /* The children have run once: their wakers are set. */
    p->phase = 2;
    atomic_store(&p->remote->published, (int)p->n);
  }
  return bcsc_scope_join(&p->scope);
}

/* A parked executor is woken by wakes from another thread: no wake lost
 * (each sleeper needs one per round, and the run ends only if they all
 * arrive), and a busy executor is not unparked for every wake. */
Test(waker, wakes_from_another_thread_end_a_park, .timeout = 60) {
  enum { N = 4 };
  bcsc_posix_reactor_t reactor;
  bcsc_executor_t ex;
  bcsc_waker_slot_t slots[N];
  bcsc_executor_config_t config;
  sleeper_t sleepers[N];
  publisher_t pub;
  remote_t remote;
  pthread_t thread;
  bcsc_executor_stats_t st;
  cr_assert_eq(bcsc_posix_reactor_init(&reactor), 0);
  memset(&config, 0, sizeof config);
  config.size = sizeof config;
  config.reactor = &reactor.base;
  config.waker_slots = slots;
  config.waker_slot_count = N;
  cr_assert_eq(bcsc_executor_init(&ex, &config), 0);
  for (int i = 0; i < N; i++)
    sleeper_init(&sleepers[i], 1);
  memset(&pub, 0, sizeof pub);
  cr_assert_eq(bcsc_task_init(&pub.task, publisher_poll, NULL), 0);
  pub.sleepers = sleepers;
  pub.n = N;
  pub.remote = &remote;
  remote.sleepers = sleepers;
  remote.n = N;
  remote.rounds = 1;
  atomic_init(&remote.published, 0);
  cr_assert_eq(pthread_create(&thread, NULL, remote_main, &remote), 0);
  cr_assert_eq(bcsc_executor_run(&ex, &pub.task), 0);
  cr_assert_eq(pthread_join(thread, NULL), 0);
  for (int i = 0; i < N; i++)
    cr_assert(sleepers[i].done);
  st = stats_of(&ex);
  cr_assert_eq(st.wakes_received + st.wakes_stale, N);
  cr_assert_leq(st.waker_notifies, N);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
  cr_assert_eq(bcsc_posix_reactor_deinit(&reactor), 0);
}

/* Bad arguments the other tests do not make: a NULL out pointer for the
 * waker, and a configuration with its reserved field set. */
typedef struct nullasker {
  bcsc_task_t task;
  int rc;
} nullasker_t;

static int nullasker_poll(bcsc_task_t *self) {
  nullasker_t *n = (nullasker_t *)self;
  n->rc = bcsc_task_waker(self, NULL);
  return BCSC_DONE;
}

Test(waker, a_null_out_pointer_and_a_reserved_config_field_are_einval) {
  static bcsc_waker_slot_t table[2];
  bcsc_executor_t ex;
  bcsc_executor_config_t cfg;
  nullasker_t n;
  bcsc_test_misuse_t rec;
  bcsc_test_misuse_install(&rec);
  memset(&cfg, 0, sizeof cfg);
  cfg.size = sizeof cfg;
  cfg.reserved0 = 1;
  cr_assert_eq(bcsc_executor_init(&ex, &cfg), BCSC_EINVAL);
  cfg.reserved0 = 0;
  cfg.waker_slots = table;
  cfg.waker_slot_count = 2;
  cr_assert_eq(bcsc_executor_init(&ex, &cfg), 0);
  memset(&n, 0, sizeof n);
  cr_assert_eq(bcsc_task_init(&n.task, nullasker_poll, NULL), 0);
  cr_assert_eq(bcsc_executor_run(&ex, &n.task), 0);
  cr_assert_eq(n.rc, BCSC_EINVAL);
  cr_assert_eq(bcsc_test_misuse_count_code(&rec, BCSC_MISUSE_BAD_ARGUMENT),
               bcsc_test_misuse_expected(2));
  bcsc_test_misuse_uninstall();
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
}
