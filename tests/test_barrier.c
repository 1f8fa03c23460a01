/* SPDX-License-Identifier: MIT
 * test_barrier.c - the barrier through the public API: one leader per
 * round, rounds that reset, arrivals withdrawn by cancellation or by a
 * select's other source, a waiter cancelled after the trip, deinit with
 * waiters, bad arguments, and a randomized run checking that every round
 * releases exactly `parties` tasks. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <bcsc.h>
#include <bcsc/barrier.h>

#include "bcsc_stepped.h"
#include "bcsc_test.h"

#define MAX_ROUNDS 4096

/* A party: waits at the barrier `rounds` times (0: until cancelled). With
 * `other` set it also waits there (a select); when that wins, it arrives
 * again on the same poll. */
typedef struct party {
  bcsc_task_t task;
  bcsc_wait_t wait;
  bcsc_wait_t other_wait;
  bcsc_barrier_t *barrier;
  bcsc_waitq_t *other;
  uint32_t rounds;
  /* observations */
  uint32_t polls;
  uint32_t passed;
  uint32_t led;
  uint32_t other_fired;
  int end_rc;
  uint64_t generations[64]; /* the round each pass completed */
} party_t;

/* Counted by every party of the randomized test: passes per round. */
static uint32_t *round_passes;
static uint32_t *round_leaders;

static int party_poll(bcsc_task_t *self) {
  party_t *p = (party_t *)self;
  p->polls++;
  if (p->other != NULL && bcsc_wait_fired(&p->other_wait)) {
    p->other_fired++;
    (void)bcsc_wait_on(self, &p->other_wait, p->other); /* consume */
  }
  for (;;) {
    int leader = -1;
    uint64_t generation;
    int rc = bcsc_barrier_wait(self, p->barrier, &p->wait, &leader);
    if (rc == BCSC_PENDING) {
      if (p->other != NULL && !bcsc_wait_linked(&p->other_wait)) {
        rc = bcsc_wait_register(self, &p->other_wait, p->other);
        if (rc != 0)
          return rc;
      }
      return BCSC_PENDING;
    }
    if (rc != 0) {
      p->end_rc = rc;
      return rc;
    }
    cr_assert(leader == 0 || leader == 1);
    /* A leader tripped the barrier itself; the others were woken with the
     * new generation as their registration's value. */
    generation = leader ? bcsc_barrier_generation(p->barrier) : p->wait.value;
    if (p->passed < 64)
      p->generations[p->passed] = generation;
    p->passed++;
    p->led += (uint32_t)leader;
    if (round_passes != NULL) {
      cr_assert_lt(generation, MAX_ROUNDS);
      round_passes[generation]++;
      round_leaders[generation] += (uint32_t)leader;
    }
    if (p->rounds != 0 && p->passed == p->rounds)
      return BCSC_DONE;
  }
}

static void party_init(party_t *p, bcsc_barrier_t *b, uint32_t rounds) {
  memset(p, 0, sizeof *p);
  cr_assert_eq(bcsc_task_init(&p->task, party_poll, NULL), 0);
  cr_assert_eq(bcsc_wait_init(&p->wait), 0);
  cr_assert_eq(bcsc_wait_init(&p->other_wait), 0);
  p->barrier = b;
  p->rounds = rounds;
}

static void teardown(bcsc_executor_t *ex) {
  cr_assert_eq(bcsc_executor_live_roots(ex), 0);
  cr_assert_eq(bcsc_executor_deinit(ex), 0);
}

Test(barrier, the_last_arrival_trips_it_and_leads) {
  bcsc_executor_t ex;
  bcsc_barrier_t b;
  party_t p[3];

  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  cr_assert_eq(bcsc_barrier_init(&b, 3), 0);
  for (int i = 0; i < 3; i++)
    party_init(&p[i], &b, 1);
  for (int i = 0; i < 2; i++) {
    cr_assert_eq(bcsc_executor_spawn(&ex, &p[i].task), 0);
    cr_assert_eq(bcsc_executor_poll(&ex, 10), 1);
    cr_assert_eq(bcsc_barrier_arrived(&b), (uint32_t)i + 1);
  }
  cr_assert_eq(bcsc_barrier_generation(&b), 0);
  cr_assert_eq(bcsc_executor_spawn(&ex, &p[2].task), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 1), 1);
  /* The third one did not wait: it tripped the barrier and went on. */
  cr_assert(bcsc_task_done(&p[2].task));
  cr_assert_eq(p[2].led, 1);
  cr_assert_eq(p[2].polls, 1);
  cr_assert_eq(bcsc_barrier_generation(&b), 1);
  cr_assert_eq(bcsc_barrier_arrived(&b), 0);
  cr_assert_eq(bcsc_executor_ready(&ex), 2);
  cr_assert_eq(bcsc_executor_run(&ex, NULL), 0);
  for (int i = 0; i < 3; i++) {
    cr_assert_eq(p[i].passed, 1);
    cr_assert_eq(p[i].led, i == 2);
    cr_assert_eq(p[i].generations[0], 1);
    cr_assert_eq(bcsc_task_result(&p[i].task), 0);
  }
  cr_assert_eq(bcsc_barrier_deinit(&b), 0);
  teardown(&ex);
}

Test(barrier, rounds_reset_and_each_has_one_leader) {
  bcsc_executor_t ex;
  bcsc_barrier_t b = BCSC_BARRIER_INITIALIZER(4);
  party_t p[4];
  uint32_t leaders = 0;

  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  for (int i = 0; i < 4; i++) {
    party_init(&p[i], &b, 10);
    cr_assert_eq(bcsc_executor_spawn(&ex, &p[i].task), 0);
  }
  cr_assert_eq(bcsc_executor_run(&ex, NULL), 0);
  cr_assert_eq(bcsc_barrier_generation(&b), 10);
  for (int i = 0; i < 4; i++) {
    cr_assert_eq(p[i].passed, 10);
    for (uint32_t r = 0; r < 10; r++)
      cr_assert_eq(p[i].generations[r], r + 1, "nobody ran ahead a round");
    leaders += p[i].led;
  }
  cr_assert_eq(leaders, 10);
  cr_assert_eq(bcsc_barrier_deinit(&b), 0);
  teardown(&ex);
}

Test(barrier, one_party_never_waits) {
  bcsc_executor_t ex;
  bcsc_barrier_t b;
  party_t p;

  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  cr_assert_eq(bcsc_barrier_init(&b, 1), 0);
  party_init(&p, &b, 3);
  cr_assert_eq(bcsc_executor_run(&ex, &p.task), 0);
  cr_assert_eq(p.polls, 1);
  cr_assert_eq(p.led, 3);
  cr_assert_eq(bcsc_barrier_generation(&b), 3);
  cr_assert_eq(bcsc_barrier_deinit(&b), 0);
  teardown(&ex);
}

/* D89: a torn-down barrier answers its queries as a zero one does: the
 * rounds it counted do not outlive it. The caller's field is left alone. */
Test(barrier, queries_after_deinit_answer_as_for_a_zero_barrier) {
  bcsc_executor_t ex;
  bcsc_barrier_t b = BCSC_BARRIER_INITIALIZER(2);
  party_t p[2];

  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  b.data = &p;
  for (int i = 0; i < 2; i++) {
    party_init(&p[i], &b, 3);
    cr_assert_eq(bcsc_executor_spawn(&ex, &p[i].task), 0);
  }
  cr_assert_eq(bcsc_executor_poll(&ex, 1), 1);
  cr_assert_eq(bcsc_barrier_arrived(&b), 1);
  cr_assert_eq(bcsc_executor_run(&ex, NULL), 0);
  cr_assert_eq(bcsc_barrier_generation(&b), 3);
  cr_assert_eq(bcsc_barrier_deinit(&b), 0);
  cr_assert_eq(bcsc_barrier_generation(&b), 0);
  cr_assert_eq(bcsc_barrier_arrived(&b), 0);
  cr_assert_eq(b.data, &p);
  teardown(&ex);
}

Test(barrier, a_waiter_cancelled_before_the_trip_withdraws_its_arrival) {
  bcsc_executor_t ex;
  bcsc_barrier_t b;
  party_t p[4];

  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  cr_assert_eq(bcsc_barrier_init(&b, 3), 0);
  for (int i = 0; i < 4; i++)
    party_init(&p[i], &b, 1);
  cr_assert_eq(bcsc_executor_spawn(&ex, &p[0].task), 0);
  cr_assert_eq(bcsc_executor_spawn(&ex, &p[1].task), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 10), 2);
  cr_assert_eq(bcsc_barrier_arrived(&b), 2);

  cr_assert_eq(bcsc_task_cancel(&p[0].task), 0);
  cr_assert_eq(bcsc_barrier_arrived(&b), 1, "withdrawn at once");
  cr_assert_eq(bcsc_executor_poll(&ex, 10), 1);
  cr_assert_eq(p[0].end_rc, BCSC_ECANCELED);
  cr_assert_eq(bcsc_task_result(&p[0].task), BCSC_ECANCELED);

  /* Two live arrivals of three: no trip. */
  cr_assert_eq(bcsc_executor_spawn(&ex, &p[2].task), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 10), 1);
  cr_assert_eq(bcsc_barrier_arrived(&b), 2);
  cr_assert_eq(bcsc_barrier_generation(&b), 0);
  cr_assert_eq(bcsc_executor_spawn(&ex, &p[3].task), 0);
  cr_assert_eq(bcsc_executor_run(&ex, NULL), 0);
  cr_assert_eq(bcsc_barrier_generation(&b), 1);
  cr_assert_eq(p[0].passed, 0);
  for (int i = 1; i < 4; i++) {
    cr_assert_eq(p[i].passed, 1);
    cr_assert_eq(p[i].led, i == 3);
  }
  cr_assert_eq(bcsc_barrier_deinit(&b), 0);
  teardown(&ex);
}

Test(barrier, a_waiter_cancelled_after_the_trip_still_completes_the_round) {
  bcsc_executor_t ex;
  bcsc_barrier_t b;
  party_t p[3];

  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  cr_assert_eq(bcsc_barrier_init(&b, 3), 0);
  for (int i = 0; i < 3; i++) {
    party_init(&p[i], &b, 2);
    cr_assert_eq(bcsc_executor_spawn(&ex, &p[i].task), 0);
  }
  cr_assert_eq(bcsc_executor_poll(&ex, 3), 3);
  cr_assert_eq(bcsc_barrier_generation(&b), 1);
  /* p[0] and p[1] were woken by the trip; cancel p[0] before it runs. */
  cr_assert(bcsc_wait_fired(&p[0].wait));
  cr_assert_eq(bcsc_task_cancel(&p[0].task), 0);
  /* p[2], the leader, went straight on to round 2 in its own poll. */
  cr_assert_eq(bcsc_executor_poll(&ex, 10), 2);
  /* Its arrival counted: round 1 is complete for it too (0, not the
   * leader). Its next arrival is refused: it is cancelled. */
  cr_assert_eq(p[0].passed, 1);
  cr_assert_eq(p[0].generations[0], 1);
  cr_assert_eq(p[0].led, 0);
  cr_assert_eq(p[0].end_rc, BCSC_ECANCELED);
  /* Round 2 has only two live parties of three. */
  cr_assert_eq(bcsc_barrier_arrived(&b), 2);
  cr_assert_eq(bcsc_barrier_generation(&b), 1);
  cr_assert_eq(bcsc_task_cancel(&p[1].task), 0);
  cr_assert_eq(bcsc_task_cancel(&p[2].task), 0);
  cr_assert_eq(bcsc_executor_run(&ex, NULL), 0);
  cr_assert_eq(bcsc_barrier_arrived(&b), 0);
  cr_assert_eq(bcsc_barrier_deinit(&b), 0);
  teardown(&ex);
}

Test(barrier, a_select_that_another_source_wins_withdraws_then_arrives_again) {
  bcsc_executor_t ex;
  bcsc_barrier_t b;
  bcsc_waitq_t q;
  party_t p[2];

  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  cr_assert_eq(bcsc_waitq_init(&q), 0);
  cr_assert_eq(bcsc_barrier_init(&b, 2), 0);
  party_init(&p[0], &b, 1);
  party_init(&p[1], &b, 1);
  p[0].other = &q;
  cr_assert_eq(bcsc_executor_spawn(&ex, &p[0].task), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 10), 1);
  cr_assert_eq(bcsc_barrier_arrived(&b), 1);
  cr_assert_eq(bcsc_waitq_wake_one(&q, 0), 1);
  cr_assert_eq(bcsc_barrier_arrived(&b), 0, "the other source won");
  cr_assert_eq(bcsc_executor_poll(&ex, 10), 1);
  cr_assert_eq(p[0].other_fired, 1);
  cr_assert_eq(bcsc_barrier_arrived(&b), 1, "arrived again");
  cr_assert_eq(bcsc_executor_spawn(&ex, &p[1].task), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 10), 2);
  cr_assert_eq(bcsc_waitq_wake_one(&q, 0), 0, "the barrier won: unlinked");
  cr_assert_eq(bcsc_executor_run(&ex, NULL), 0);
  cr_assert_eq(p[0].passed, 1);
  cr_assert_eq(p[1].passed, 1);
  cr_assert_eq(p[0].led + p[1].led, 1);
  cr_assert_eq(bcsc_barrier_generation(&b), 1);
  cr_assert_eq(bcsc_barrier_deinit(&b), 0);
  cr_assert_eq(bcsc_waitq_deinit(&q), 0);
  teardown(&ex);
}

Test(barrier, deinit_with_waiters_is_busy_and_bad_arguments_fail) {
  bcsc_executor_t ex;
  bcsc_barrier_t b, copy, junk;
  bcsc_test_misuse_t rec;
  bcsc_task_t idle;
  bcsc_wait_t w, bad_wait;
  party_t p;
  int leader = 7;
  /* What the checked build reports, call by call. The copy is caught by
   * its waiter list, which carries the move check; the report names the
   * copy the caller passed. */
  const int32_t codes[] = {BCSC_MISUSE_WAITQ_BUSY,  BCSC_MISUSE_MOVED,
                           BCSC_MISUSE_NULL_OBJECT, BCSC_MISUSE_BAD_ARGUMENT,
                           BCSC_MISUSE_NULL_OBJECT, BCSC_MISUSE_BAD_OBJECT,
                           BCSC_MISUSE_NOT_RUNNING, BCSC_MISUSE_NULL_OBJECT,
                           BCSC_MISUSE_NULL_OBJECT, BCSC_MISUSE_BAD_OBJECT,
                           BCSC_MISUSE_NULL_OBJECT, BCSC_MISUSE_BAD_OBJECT};
  const void *objects[] = {&b,    &copy, NULL, &junk,     NULL, &junk,
                           &idle, NULL,  NULL, &bad_wait, NULL, &junk};
  const uint32_t reports = sizeof codes / sizeof codes[0];

  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  cr_assert_eq(bcsc_barrier_init(&b, 2), 0);
  party_init(&p, &b, 1);
  cr_assert_eq(bcsc_executor_spawn(&ex, &p.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 10), 1);

  bcsc_test_misuse_install(&rec);
  cr_assert_eq(bcsc_barrier_deinit(&b), BCSC_EBUSY);
  /* A copy of a barrier with waiters is not the barrier. */
  memcpy(&copy, &b, sizeof b);
  cr_assert_eq(bcsc_barrier_deinit(&copy), BCSC_EBADOBJ);
  cr_assert_eq(bcsc_barrier_init(NULL, 2), BCSC_EINVAL);
  cr_assert_eq(bcsc_barrier_init(&junk, 0), BCSC_EINVAL);
  cr_assert_eq(bcsc_barrier_deinit(NULL), BCSC_EINVAL);
  memset(&junk, 0, sizeof junk);
  cr_assert_eq(bcsc_barrier_deinit(&junk), BCSC_EBADOBJ);
  cr_assert_eq(bcsc_task_init(&idle, party_poll, NULL), 0);
  cr_assert_eq(bcsc_wait_init(&w), 0);
  memset(&bad_wait, 0, sizeof bad_wait);
  cr_assert_eq(bcsc_barrier_wait(&idle, &b, &w, &leader), BCSC_EPERM);
  cr_assert_eq(bcsc_barrier_wait(NULL, &b, &w, &leader), BCSC_EINVAL);
  cr_assert_eq(bcsc_barrier_wait(&idle, &b, NULL, &leader), BCSC_EINVAL);
  cr_assert_eq(bcsc_barrier_wait(&idle, &b, &bad_wait, &leader), BCSC_EBADOBJ);
  cr_assert_eq(bcsc_barrier_wait(&idle, NULL, &w, &leader), BCSC_EINVAL);
  cr_assert_eq(bcsc_barrier_wait(&idle, &junk, &w, &leader), BCSC_EBADOBJ);
  bcsc_test_misuse_uninstall();
  cr_assert_eq(rec.count, bcsc_test_misuse_expected(reports));
  for (uint32_t i = 0; i < rec.count; i++) {
    cr_assert_eq(rec.codes[i], codes[i], "report %u: %s", i,
                 bcsc_misuse_name(rec.codes[i]));
    cr_assert_eq(rec.objects[i], objects[i], "report %u", i);
  }
  cr_assert_eq(leader, 7, "nothing written on failure");

  /* Nothing changed: the waiter is still there and the barrier works. */
  cr_assert_eq(bcsc_barrier_arrived(&b), 1);
  cr_assert_eq(bcsc_barrier_arrived(NULL), 0);
  cr_assert_eq(bcsc_barrier_generation(NULL), 0);
  cr_assert_eq(bcsc_task_cancel(&p.task), 0);
  cr_assert_eq(bcsc_executor_run(&ex, NULL), 0);
  cr_assert_eq(bcsc_barrier_deinit(&b), 0);
  cr_assert_eq(bcsc_barrier_sizeof(), sizeof(bcsc_barrier_t));
  cr_assert_eq(bcsc_barrier_alignof(), _Alignof(bcsc_barrier_t));
  teardown(&ex);
}

/* A party waiting at a torn-down barrier is refused in every build; the
 * checked build names the barrier. */
Test(barrier, a_wait_after_deinit_is_refused) {
  bcsc_executor_t ex;
  bcsc_barrier_t gone;
  bcsc_test_misuse_t rec;
  party_t p;

  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  cr_assert_eq(bcsc_barrier_init(&gone, 2), 0);
  cr_assert_eq(bcsc_barrier_deinit(&gone), 0);
  party_init(&p, &gone, 1);
  bcsc_test_misuse_install(&rec);
  cr_assert_eq(bcsc_executor_spawn(&ex, &p.task), 0);
  cr_assert_eq(bcsc_executor_run(&ex, NULL), 0);
  bcsc_test_misuse_uninstall();
  cr_assert_eq(p.end_rc, BCSC_EBADOBJ);
  cr_assert_eq(p.passed, 0);
  cr_assert_eq(rec.count, bcsc_test_misuse_expected(1));
  if (rec.count == 1) {
    cr_assert_eq(rec.codes[0], BCSC_MISUSE_BAD_OBJECT);
    cr_assert_eq(rec.objects[0], &gone);
  }
  teardown(&ex);
}

static int barrier_wait_of(bcsc_task_t *self, void *b, bcsc_wait_t *wait) {
  return bcsc_barrier_wait(self, b, wait, NULL);
}

Test(barrier, a_registration_linked_for_another_task_is_refused) {
  bcsc_barrier_t b;
  cr_assert_eq(bcsc_barrier_init(&b, 2), 0);
  ct_up(NULL);
  /* The refused call is no arrival: the owner alone arrived, and its
   * cancellation leaves none. */
  ct_foreign_registration(barrier_wait_of, &b);
  cr_assert_eq(bcsc_barrier_deinit(&b), 0);
  ct_down();
}

/* ---- randomized ------------------------------------------------------------
 * Parties come and go: spawned into free slots, cancelled at random
 * (before or after a trip woke them), some out-selected by a second source.
 * Whatever the order, every round must release exactly `parties` tasks, one
 * of them its leader, and the barrier must end with nobody waiting. */

#define RANDOM_SLOTS 12
#define RANDOM_STEPS 4000

static party_t random_parties[RANDOM_SLOTS];
static uint32_t passes[MAX_ROUNDS], leaders[MAX_ROUNDS];

static uint64_t rng_state;
static uint32_t rng(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return (uint32_t)(rng_state >> 16);
}

static uint64_t random_round(uint64_t seed) {
  bcsc_executor_t ex;
  bcsc_barrier_t b;
  bcsc_waitq_t other;
  int used[RANDOM_SLOTS] = {0};
  uint32_t parties;
  uint64_t rounds;

  rng_state = seed | 1;
  parties = 1 + rng() % 5;
  memset(passes, 0, sizeof passes);
  memset(leaders, 0, sizeof leaders);
  round_passes = passes;
  round_leaders = leaders;
  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  cr_assert_eq(bcsc_waitq_init(&other), 0);
  cr_assert_eq(bcsc_barrier_init(&b, parties), 0);
  for (int step = 0; step < RANDOM_STEPS; step++) {
    uint32_t op = rng() % 100;
    int i = (int)(rng() % RANDOM_SLOTS);
    party_t *p = &random_parties[i];
    if (op < 50) {
      cr_assert_geq(bcsc_executor_poll(&ex, 1 + rng() % 6), 0);
    } else if (op < 70) {
      if (!used[i] || bcsc_task_done(&p->task)) {
        party_init(p, &b, 1 + rng() % 4);
        p->other = (i & 1) ? &other : NULL;
        used[i] = 1;
        cr_assert_eq(bcsc_executor_spawn(&ex, &p->task), 0);
      }
    } else if (op < 80) {
      if (used[i] && !bcsc_task_done(&p->task))
        cr_assert_eq(bcsc_task_cancel(&p->task), 0);
    } else {
      cr_assert_geq(bcsc_waitq_wake_one(&other, 0), 0);
    }
    cr_assert_lt(bcsc_barrier_arrived(&b), parties, "a full round waits");
  }
  for (int i = 0; i < RANDOM_SLOTS; i++)
    if (used[i] && !bcsc_task_done(&random_parties[i].task))
      cr_assert_eq(bcsc_task_cancel(&random_parties[i].task), 0);
  cr_assert_eq(bcsc_executor_run(&ex, NULL), 0);
  rounds = bcsc_barrier_generation(&b);
  cr_assert_lt(rounds, MAX_ROUNDS);
  cr_assert_eq(passes[0], 0);
  for (uint64_t g = 1; g <= rounds; g++) {
    cr_assert_eq(passes[g], parties, "round %llu released %u of %u",
                 (unsigned long long)g, passes[g], parties);
    cr_assert_eq(leaders[g], 1);
  }
  cr_assert_eq(passes[rounds + 1], 0);
  cr_assert_eq(bcsc_barrier_arrived(&b), 0);
  cr_assert_eq(bcsc_barrier_deinit(&b), 0);
  cr_assert_eq(bcsc_waitq_deinit(&other), 0);
  round_passes = NULL;
  round_leaders = NULL;
  teardown(&ex);
  return rounds;
}

Test(barrier, randomized_arrivals_cancellations_and_selects) {
  const char *env = getenv("BCSC_SEED");
  uint64_t seed = env != NULL ? strtoull(env, NULL, 0) : 0xba55;
  uint64_t total = 0;
  cr_log_info("test_barrier seed=%llu (BCSC_SEED reruns it)",
              (unsigned long long)seed);
  for (int round = 0; round < 40; round++) {
    total += random_round(seed);
    seed = seed * 6364136223846793005ull + 1442695040888963407ull;
  }
  cr_assert_gt(total, 1000, "only %llu rounds completed",
               (unsigned long long)total);
}

/* A node fired by another list with a value that is no round this
 * barrier has reached, passed to bcsc_barrier_wait() unconsumed, is not
 * the trip: the call arrives. A barrier's wakes carry the round they
 * reached, 1 or more. */
typedef struct stray {
  bcsc_task_t task;
  bcsc_wait_t wait;
  bcsc_barrier_t *barrier;
  bcsc_waitq_t *other;
  int step;
  int first_rc; /* the barrier call that found the stray mark */
  int leader;
} stray_t;

static int stray_poll(bcsc_task_t *self) {
  stray_t *s = (stray_t *)self;
  int rc;
  if (s->other != NULL && s->step == 0) {
    s->step = 1;
    cr_assert_eq(bcsc_wait_register(self, &s->wait, s->other), 0);
    return BCSC_PENDING;
  }
  rc = bcsc_barrier_wait(self, s->barrier, &s->wait, &s->leader);
  if (s->step == 1)
    s->first_rc = rc;
  s->step = 2;
  return rc;
}

/* Values 0 (no round) and 5 (a round not reached yet). */
static void stray_case(uintptr_t value) {
  bcsc_executor_t ex;
  bcsc_barrier_t b;
  bcsc_waitq_t other;
  stray_t s = {0}, t = {0};
  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  cr_assert_eq(bcsc_barrier_init(&b, 2), 0);
  cr_assert_eq(bcsc_waitq_init(&other), 0);
  s.barrier = t.barrier = &b;
  s.other = &other;
  cr_assert_eq(bcsc_wait_init(&s.wait), 0);
  cr_assert_eq(bcsc_wait_init(&t.wait), 0);
  cr_assert_eq(bcsc_task_init(&s.task, stray_poll, NULL), 0);
  cr_assert_eq(bcsc_task_init(&t.task, stray_poll, NULL), 0);
  cr_assert_eq(bcsc_executor_spawn(&ex, &s.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 8), 1);
  cr_assert_eq(bcsc_waitq_wake_one(&other, value), 1);
  cr_assert_eq(bcsc_executor_poll(&ex, 8), 1);
  cr_assert_eq(s.first_rc, BCSC_PENDING,
               "a stray mark (%ju) passed the barrier", (uintmax_t)value);
  cr_assert_eq(bcsc_barrier_arrived(&b), 1);
  cr_assert_eq(bcsc_barrier_generation(&b), 0);
  /* The second party trips it; the first is woken with round 1. */
  cr_assert_eq(bcsc_executor_spawn(&ex, &t.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 8), 2);
  cr_assert(bcsc_task_done(&s.task) && bcsc_task_done(&t.task));
  cr_assert_eq(t.leader, 1);
  cr_assert_eq(s.leader, 0);
  cr_assert_eq(s.wait.value, 1);
  cr_assert_eq(bcsc_barrier_generation(&b), 1);
  cr_assert_eq(bcsc_barrier_deinit(&b), 0);
  cr_assert_eq(bcsc_waitq_deinit(&other), 0);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
}

Test(barrier, a_wake_from_another_list_is_not_the_trip) {
  stray_case(0);
  stray_case(5);
}
