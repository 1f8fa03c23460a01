/* SPDX-License-Identifier: MIT
 * test_wheel.c - the timing wheel against a reference model, through the
 * public API.
 *
 * A host-driven executor with a manual clock. Random operations: arm a
 * sleeper (a deadline at a random distance: every wheel level, and beyond
 * the top level's 2^36 ns turn), cancel a sleeper, move the clock (to a
 * random point, often exactly to bcsc_executor_next_deadline()) and poll.
 * The model is an array of deadlines. After every poll, a sleeper has
 * completed if and only if it was cancelled or its deadline is <= now, and
 * bcsc_executor_next_deadline() is exactly the earliest pending deadline
 * (never in the past). Runs from a start near 0 and from one
 * near 2^64 (saturating arithmetic).
 *
 * BCSC_SEED reproduces a run (printed with any failure); BCSC_MODEL_OPS
 * sets the number of operations (default 3 * 10^6, which arms over 10^6
 * timers; the valgrind lane uses fewer). */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bcsc_test.h"

typedef struct manual_clock {
  bcsc_reactor_t base;
  uint64_t now;
} manual_clock_t;

static uint64_t manual_now(bcsc_reactor_t *r) {
  return ((manual_clock_t *)r)->now;
}

static const bcsc_reactor_vtable_t manual_vtable = {
    sizeof(bcsc_reactor_vtable_t), BCSC_REACTOR_VTABLE_VERSION, manual_now,
    NULL, NULL};

enum { SLOTS = 256 };

typedef struct sleeper {
  bcsc_task_t task;
  bcsc_timer_t timer;
  uint64_t deadline;
  int rc;
  int fired;
} sleeper_t;

static int sleeper_poll(bcsc_task_t *self) {
  sleeper_t *s = (sleeper_t *)self;
  int rc = bcsc_sleep_until(self, &s->timer, s->deadline);
  if (rc == BCSC_PENDING)
    return rc;
  s->rc = rc;
  s->fired = rc == 0;
  return 0;
}

/* The model: what each slot holds. */
typedef struct model_slot {
  int live;      /* spawned, not yet seen completed */
  int cancelled; /* cancellation requested */
  uint64_t deadline;
} model_slot_t;

static manual_clock_t clock_;
static bcsc_executor_t ex;
static sleeper_t sleepers[SLOTS];
static model_slot_t model[SLOTS];
static uint64_t rng_state;
static unsigned long long seed;
static long op;
static long fired_total;
static long armed_total;
static long saturated_total; /* armed at the last deadline there is */

static uint64_t rng(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return rng_state;
}

static unsigned long long env_ull(const char *name, unsigned long long dflt) {
  const char *s = getenv(name);
  return s != NULL && *s != '\0' ? strtoull(s, NULL, 0) : dflt;
}

#define WCHECK(cond, ...)                                                      \
  do {                                                                         \
    if (!(cond)) {                                                             \
      fprintf(stderr, "wheel model: op %ld, reproduce with BCSC_SEED=%llu\n",  \
              op, seed);                                                       \
      cr_assert(0, __VA_ARGS__);                                               \
    }                                                                          \
  } while (0)

/* A distance that lands in a random wheel level, sometimes beyond it. */
static uint64_t random_distance(void) {
  unsigned bits = 1 + (unsigned)(rng() % 42); /* 2^1 .. 2^42 ns */
  return 1 + rng() % ((uint64_t)1 << bits);
}

static uint64_t saturating_add(uint64_t a, uint64_t b) {
  return a > UINT64_MAX - 1 - b ? UINT64_MAX - 1 : a + b;
}

static void arm(unsigned i) {
  sleeper_t *s = &sleepers[i];
  uint64_t d = saturating_add(clock_.now, random_distance());
  if (d <= clock_.now)
    return; /* no room left before the end of time */
  memset(s, 0, sizeof *s);
  cr_assert_eq(bcsc_task_init(&s->task, sleeper_poll, NULL), 0);
  cr_assert_eq(bcsc_timer_init(&s->timer), 0);
  s->deadline = d;
  WCHECK(bcsc_executor_spawn(&ex, &s->task) == 0, "spawn");
  model[i].live = 1;
  model[i].cancelled = 0;
  armed_total++;
  saturated_total += d == UINT64_MAX - 1;
  model[i].deadline = d;
}

static void poll_and_check(void) {
  uint64_t earliest = BCSC_NO_DEADLINE, next;
  int rc = bcsc_executor_poll(&ex, 1u << 20);
  WCHECK(rc >= 0, "poll failed: %d", rc);
  WCHECK(bcsc_executor_ready(&ex) == 0, "tasks left ready");
  for (unsigned i = 0; i < SLOTS; i++) {
    model_slot_t *m = &model[i];
    int done;
    if (!m->live)
      continue;
    done = bcsc_task_done(&sleepers[i].task);
    if (m->cancelled || m->deadline <= clock_.now) {
      WCHECK(done, "slot %u (deadline %llu, now %llu%s) not completed", i,
             (unsigned long long)m->deadline, (unsigned long long)clock_.now,
             m->cancelled ? ", cancelled" : "");
      WCHECK(
          sleepers[i].fired == !m->cancelled ||
              (m->cancelled && sleepers[i].fired && m->deadline <= clock_.now),
          "slot %u: fired %d cancelled %d", i, sleepers[i].fired, m->cancelled);
      fired_total += sleepers[i].fired;
      m->live = 0;
    } else {
      WCHECK(!done, "slot %u completed early (deadline %llu, now %llu)", i,
             (unsigned long long)m->deadline, (unsigned long long)clock_.now);
      if (m->deadline < earliest)
        earliest = m->deadline;
    }
  }
  next = bcsc_executor_next_deadline(&ex);
  /* Exact, whatever the distance: a deadline beyond the top level's turn
   * included (the executor parks until it, not until its slot comes
   * round). */
  WCHECK(next == earliest, "next deadline %llu, the earliest is %llu",
         (unsigned long long)next, (unsigned long long)earliest);
  WCHECK(earliest == BCSC_NO_DEADLINE || next > clock_.now,
         "next deadline %llu not after now %llu", (unsigned long long)next,
         (unsigned long long)clock_.now);
}

static long cancels_total, moves_total;

/* One executor from `start`, for `ops` operations or until the clock
 * passes `stop_at`; then everything left is cancelled and the wheel must
 * be empty. Returns the operations run. The totals add up over rounds. */
static long run_round(uint64_t start, long ops, uint64_t stop_at) {
  bcsc_executor_config_t cfg = {.size = sizeof cfg, .reactor = &clock_.base};
  memset(model, 0, sizeof model);
  clock_.base.vtable = &manual_vtable;
  clock_.now = start;
  cr_assert_eq(bcsc_executor_init(&ex, &cfg), 0);
  for (op = 0; op < ops && clock_.now < stop_at; op++) {
    unsigned i = (unsigned)(rng() % SLOTS);
    unsigned what = (unsigned)(rng() % 8);
    if (what < 4) {
      if (!model[i].live)
        arm(i);
      else
        what = 6; /* busy slot: move the clock instead */
    } else if (what == 4) {
      if (model[i].live && !model[i].cancelled &&
          !bcsc_task_done(&sleepers[i].task)) {
        WCHECK(bcsc_task_cancel(&sleepers[i].task) == 0, "cancel");
        model[i].cancelled = 1;
        cancels_total++;
      }
    }
    if (what >= 5) {
      uint64_t next = bcsc_executor_next_deadline(&ex);
      /* Exactly to the next deadline, or a little before or after it, or
       * somewhere at random. */
      if (next != BCSC_NO_DEADLINE && next > clock_.now && what != 7)
        clock_.now = what == 5 ? next : saturating_add(next, rng() % 3) - 1;
      else
        clock_.now = saturating_add(clock_.now, random_distance() / 64);
      if (clock_.now < start)
        clock_.now = start;
      moves_total++;
    }
    poll_and_check();
  }
  /* Drain: cancel everything left and check the wheel is empty. */
  for (unsigned i = 0; i < SLOTS; i++)
    if (model[i].live && !bcsc_task_done(&sleepers[i].task)) {
      cr_assert_eq(bcsc_task_cancel(&sleepers[i].task), 0);
      model[i].cancelled = 1;
    }
  poll_and_check();
  cr_assert_eq(bcsc_executor_next_deadline(&ex), BCSC_NO_DEADLINE);
  cr_assert_eq(bcsc_executor_live_roots(&ex), 0);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
  return op;
}

/* Rounds from `start` (each ends once the clock passes `stop_at`) until
 * `ops` operations have run; then the run must have done something of
 * each kind. */
static void run_model(uint64_t start, long ops, uint64_t stop_at) {
  long done = 0, rounds = 0;
  fired_total = 0;
  armed_total = 0;
  saturated_total = 0;
  cancels_total = 0;
  moves_total = 0;
  while (done < ops) {
    done += run_round(start, ops - done, stop_at);
    rounds++;
  }
  printf("wheel model: %ld timers armed (%ld at the end of time), %ld fired, "
         "%ld cancels, %ld clock moves, %ld rounds\n",
         armed_total, saturated_total, fired_total, cancels_total, moves_total,
         rounds);
  cr_assert_gt(fired_total, ops / 100);
  cr_assert_gt(cancels_total, ops / 100);
  cr_assert_gt(moves_total, ops / 10);
}

static long model_ops(void) {
  seed = env_ull("BCSC_SEED", 0x5eed7173u);
  rng_state = seed * 2654435761u + 1;
  return (long)env_ull("BCSC_MODEL_OPS", 3000000);
}

Test(wheel, random_timers_against_a_model) {
  long ops = model_ops();
  printf("wheel model: BCSC_SEED=%llu, %ld operations\n", seed, ops);
  run_model(1000, ops, UINT64_MAX);
  /* The default run covers at least a million timers. */
  if (ops >= 3000000)
    cr_assert_geq(armed_total, 1000000);
}

Test(wheel, near_the_end_of_time) {
  long ops = model_ops() / 10;
  /* Close enough to 2^64 that the top level's last turns and saturated
   * deadlines are reached. The clock follows the exact next deadline, up
   * to 2^42 ns a move, so it gets there within a few thousand operations
   * and then has nowhere to go: a round ends once the clock is within a
   * top-level turn (2^36 ns) of the end, and the next starts from here
   * again. */
  run_model(UINT64_MAX - ((uint64_t)1 << 43), ops,
            UINT64_MAX - ((uint64_t)1 << 36));
  cr_assert_gt(saturated_total, 0, "no deadline reached the end of time");
}
