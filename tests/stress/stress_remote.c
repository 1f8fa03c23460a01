/* SPDX-License-Identifier: MIT
 * stress_remote.c - remote children (bcsc/remote.h) between two executors
 * on two threads, each the other's host, racing spawn, cancel and
 * completion. A plain C driver (Criterion cannot start under
 * ThreadSanitizer): it prints its figures and "N passed, N failed", and
 * exits non-zero on a failure.
 *
 * Each side's driver task runs ROUNDS rounds. A round opens a scope with a
 * random policy (wait-all, fail-fast, race) and sends KIDS children to the
 * other side. A child finishes after a few yields (with 0 or an error),
 * or waits on its host's waiter list until cancelled, or opens a scope of
 * its own and sends a grandchild back to the first side, which finishes or
 * waits. The driver cancels the scope after a random number of yields
 * (always, if something would wait for ever), then joins. Cancels, spawns
 * and completions cross in flight, so the CANCEL/DONE compare-and-swaps
 * meet in every order; a yielding driver keeps its host busy while
 * messages arrive, and an idle one parks, so messages also end parks.
 *
 * Checked:
 *  - every round's join returns: no message and no wake-up lost (a
 *    watchdog fails the run if no round ends for WATCHDOG seconds);
 *  - every child has ended when the join returns (bcsc_remote_task_done),
 *    its recorded result is its task's result, and it was polled only on
 *    its host's thread and never after it ended;
 *  - the join's result and error count follow the policy exactly, from
 *    what the children returned;
 *  - each executor completed exactly the tasks it was sent plus its own
 *    (stats), and cancels reached only live tasks.
 *
 *   stress_remote [rounds per side, default 20000] */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bcsc.h>

enum { KIDS = 6, WATCHDOG = 30 };
enum { KIND_FINISH, KIND_FAIL, KIND_FOREVER, KIND_NEST, KINDS };
#define E_KID (BCSC_EUSER - 7)

static int passed, failed;
static void check(int ok, const char *what) {
  if (ok) {
    passed++;
  } else {
    failed++;
    printf("FAIL: %s\n", what);
  }
}

/* Failures found on the executors' threads: counted, reported at the end
 * (the first one's text kept). */
static atomic_int problems;
static const char *_Atomic first_problem;
static void problem(const char *what) {
  const char *none = NULL;
  atomic_fetch_add(&problems, 1);
  atomic_compare_exchange_strong(&first_problem, &none, what);
}

typedef struct side side_t;

typedef struct kid {
  bcsc_remote_task_t remote; /* first: the poll function casts back */
  bcsc_wait_t wait;
  bcsc_scope_t scope;
  side_t *home; /* whose scope it is in */
  side_t *host; /* where it runs */
  struct kid *grand;
  int kind;
  int grand_kind;
  uint32_t yields;
  uint32_t yielded;
  uint32_t spin; /* busy iterations in its last poll: a cancel lands in it */
  int result;    /* KIND_FINISH / KIND_FAIL: what it returns */
  int phase;
  /* observations, written on the host */
  int ended;
  int returned;
} kid_t;

struct side {
  const char *name;
  bcsc_executor_t ex;
  bcsc_posix_reactor_t reactor;
  bcsc_waker_slot_t slots[2];
  pthread_t thread;
  pthread_t tid;
  bcsc_waitq_t q; /* FOREVER children wait here */
  side_t *other;
  bcsc_task_t server;
  bcsc_waker_t server_waker;
  atomic_int published;
  bcsc_task_t driver;
  bcsc_scope_t scope;
  kid_t kids[KIDS];
  kid_t grands[KIDS];
  uint32_t rng;
  uint32_t round;
  uint32_t policy;
  int phase;
  uint32_t cancel_after; /* driver yields before its cancel; 0: none */
  uint32_t yielded;
  int run_rc;
  /* counts */
  atomic_uint hosted_sent; /* remote tasks sent to this side */
  uint64_t joins_by_rc[4]; /* 0, ECANCELED, E_KID, other */
  uint64_t kids_by_kind[KINDS];
  uint64_t cancels_sent;
  uint64_t races_won;
};

static side_t sides[2];
static atomic_uint rounds_done;
static atomic_int drivers_done;
static atomic_int stop;
static uint32_t rounds;
static atomic_int dead_polls, off_thread;

static uint32_t next_random(uint32_t *state) {
  *state ^= *state << 13;
  *state ^= *state >> 17;
  *state ^= *state << 5;
  return *state;
}

/* ---- the children (on their host's thread) ------------------------------- */

static int kid_poll(bcsc_task_t *self);

static void kid_init(kid_t *k, side_t *home, side_t *host, int kind,
                     uint32_t *rng) {
  bcsc_remote_task_init(&k->remote, kid_poll, NULL);
  bcsc_wait_init(&k->wait);
  k->home = home;
  k->host = host;
  k->kind = kind;
  k->yields = next_random(rng) % 4;
  k->spin = next_random(rng) % 8192;
  k->yielded = 0;
  k->result = kind == KIND_FAIL ? E_KID - (int)(next_random(rng) % 3) : 0;
  k->phase = 0;
  k->ended = 0;
  k->returned = 0;
  k->grand_kind = next_random(rng) % 2 ? KIND_FINISH : KIND_FOREVER;
}

static int kid_end(kid_t *k, int rc) {
  k->ended = 1;
  k->returned = rc;
  return rc;
}

static int kid_poll(bcsc_task_t *self) {
  kid_t *k = (kid_t *)(void *)self;
  int rc;
  if (k->ended) {
    atomic_fetch_add(&dead_polls, 1);
    return BCSC_DONE;
  }
  if (!pthread_equal(pthread_self(), k->host->tid))
    atomic_fetch_add(&off_thread, 1);
  if (k->kind == KIND_NEST) {
    /* Its cancellation reaches the grandchild through its scope. */
    if (k->phase == 0) {
      k->phase = 1;
      if (bcsc_scope_init(&k->scope, self, BCSC_SCOPE_WAIT_ALL) != 0)
        problem("nest: scope_init");
      kid_init(k->grand, k->host, k->home, k->grand_kind, &k->host->rng);
      atomic_fetch_add(&k->home->hosted_sent, 1);
      if (bcsc_scope_spawn_on(&k->scope, &k->grand->remote, &k->home->ex) != 0)
        problem("nest: spawn_on back home");
    }
    rc = bcsc_scope_join(&k->scope);
    return rc == BCSC_PENDING ? rc : kid_end(k, rc);
  }
  if (bcsc_task_cancelled(self))
    return kid_end(k, BCSC_ECANCELED);
  if (k->yielded < k->yields) {
    k->yielded++;
    return bcsc_task_yield(self);
  }
  if (k->kind == KIND_FOREVER) {
    if (k->phase == 0) {
      k->phase = 1;
      if (bcsc_wait_register(self, &k->wait, &k->host->q) != 0)
        problem("forever: register");
    }
    return BCSC_PENDING; /* only a cancel ends it */
  }
  /* Widen the window in which a cancel is queued while it completes (the
   * RETURNED path of relay.c): a few microseconds of work. */
  for (uint32_t i = 0; i < k->spin; i++)
    (void)atomic_load_explicit(&rounds_done, memory_order_relaxed);
  return kid_end(k, k->result);
}

/* ---- the driver (on its side's thread) ----------------------------------- */

static int would_wait_forever(const kid_t *k) {
  return k->kind == KIND_FOREVER ||
         (k->kind == KIND_NEST && k->grand_kind == KIND_FOREVER);
}

/* A child's result is a failure of its scope unless it reports the
 * cancellation it was sent (scope.c: child_failed). */
static int kid_failed(const kid_t *k) {
  return k->returned < 0 && !(k->returned == BCSC_ECANCELED &&
                              bcsc_task_cancelled(&k->remote.task));
}

static void verify_round(side_t *s, int rc) {
  uint32_t failures = 0;
  int failure_match = 0;
  bcsc_task_t *winner = bcsc_scope_winner(&s->scope);
  for (int i = 0; i < KIDS; i++) {
    kid_t *k = &s->kids[i];
    if (!bcsc_remote_task_done(&k->remote) || !k->ended) {
      problem("a child had not ended when the join returned");
      continue;
    }
    if (bcsc_task_result(&k->remote.task) != k->returned)
      problem("a child's task result is not what it returned");
    if (kid_failed(k)) {
      failures++;
      failure_match |= rc == k->returned;
    }
    if (k->kind == KIND_NEST && !bcsc_remote_task_done(&k->grand->remote))
      problem("a grandchild had not ended when its parent did");
  }
  if (s->policy == BCSC_SCOPE_RACE) {
    const kid_t *w = (const kid_t *)(const void *)winner;
    if (winner != NULL) {
      s->races_won++;
      if (rc != w->returned || bcsc_task_cancelled(winner))
        problem("race: join is not the uncancelled winner's result");
    } else if (rc != BCSC_ECANCELED) {
      problem("race: no winner, and join is not ECANCELED");
    }
  } else {
    if (bcsc_scope_error_count(&s->scope) != failures)
      problem("the scope's error count is not the children's failures");
    if (failures != 0 && !failure_match)
      problem("join is not one of the children's errors");
    if (failures == 0 &&
        rc != (bcsc_scope_cancelled(&s->scope) ? BCSC_ECANCELED : 0))
      problem("join without failures is not 0 / ECANCELED");
  }
  s->joins_by_rc[rc == 0                ? 0
                 : rc == BCSC_ECANCELED ? 1
                 : rc <= E_KID          ? 2
                                        : 3]++;
}

static void start_round(side_t *s, bcsc_task_t *self) {
  static const uint32_t policies[] = {BCSC_SCOPE_WAIT_ALL, BCSC_SCOPE_FAIL_FAST,
                                      BCSC_SCOPE_RACE};
  int forever = 0;
  s->policy = policies[next_random(&s->rng) % 3];
  if (bcsc_scope_init(&s->scope, self, s->policy) != 0)
    problem("driver: scope_init");
  for (int i = 0; i < KIDS; i++) {
    kid_t *k = &s->kids[i];
    kid_init(k, s, s->other, (int)(next_random(&s->rng) % KINDS), &s->rng);
    k->grand = &s->grands[i];
    forever |= would_wait_forever(k);
    s->kids_by_kind[k->kind]++;
  }
  /* A cancel at a random moment - always, if a child would wait for ever
   * (a race might end it anyway: then the cancel meets ended children). */
  s->cancel_after = next_random(&s->rng) % 8;
  if (forever || next_random(&s->rng) % 2)
    s->cancel_after++;
  else
    s->cancel_after = 0;
  s->yielded = 0;
  for (int i = 0; i < KIDS; i++) {
    atomic_fetch_add(&s->other->hosted_sent, 1);
    if (bcsc_scope_spawn_on(&s->scope, &s->kids[i].remote, &s->other->ex) != 0)
      problem("driver: spawn_on");
  }
}

static int driver_poll(bcsc_task_t *self) {
  side_t *s = self->data;
  int rc;
  for (;;) {
    if (s->phase == 0) {
      if (s->round == rounds) {
        if (atomic_fetch_add(&drivers_done, 1) + 1 == 2)
          for (int i = 0; i < 2; i++) {
            /* Published by each server's first poll, long before. */
            while (!atomic_load_explicit(&sides[i].published,
                                         memory_order_acquire)) {
            }
            (void)bcsc_waker_wake(sides[i].server_waker);
          }
        return BCSC_DONE;
      }
      start_round(s, self);
      s->phase = 1;
    }
    if (s->phase == 1) {
      if (s->cancel_after != 0) {
        if (++s->yielded < s->cancel_after)
          return bcsc_task_yield(self); /* busy while messages arrive */
        s->cancels_sent++;
        if (bcsc_scope_cancel(&s->scope) != 0)
          problem("driver: cancel");
      }
      s->phase = 2;
    }
    rc = bcsc_scope_join(&s->scope);
    if (rc == BCSC_PENDING)
      return rc;
    verify_round(s, rc);
    s->round++;
    atomic_fetch_add_explicit(&rounds_done, 1, memory_order_relaxed);
    s->phase = 0;
  }
}

/* ---- each side's thread -------------------------------------------------- */

static int server_poll(bcsc_task_t *self) {
  side_t *s = self->data;
  if (!atomic_load_explicit(&s->published, memory_order_relaxed)) {
    if (bcsc_task_waker(self, &s->server_waker) != 0)
      problem("server: no waker");
    atomic_store_explicit(&s->published, 1, memory_order_release);
  }
  (void)bcsc_task_waker_woken(self);
  /* Ends when both drivers have: the other side's children may come to
   * this one until then. */
  return atomic_load(&drivers_done) == 2 ? BCSC_DONE : BCSC_PENDING;
}

static void *side_main(void *arg) {
  side_t *s = arg;
  s->tid = pthread_self();
  s->run_rc = bcsc_executor_run(&s->ex, &s->server);
  if (s->run_rc == 0)
    s->run_rc = bcsc_executor_run(&s->ex, NULL);
  return NULL;
}

static void *watchdog_main(void *arg) {
  unsigned last = 0, still = 0;
  (void)arg;
  while (!atomic_load(&stop)) {
    struct timespec ts = {0, 100000000};
    unsigned now;
    nanosleep(&ts, NULL);
    now = atomic_load_explicit(&rounds_done, memory_order_relaxed);
    still = now == last ? still + 1 : 0;
    last = now;
    if (still >= WATCHDOG * 10) {
      printf("FAIL: no round ended for %d s (a lost message or wake-up?); "
             "rounds done %u\n0 passed, 1 failed\n",
             WATCHDOG, now);
      fflush(stdout);
      _exit(1);
    }
  }
  return NULL;
}

int main(int argc, char **argv) {
  pthread_t watchdog;
  struct timespec t0, t1;
  bcsc_executor_stats_t st[2];
  uint64_t joins[4] = {0, 0, 0, 0}, kinds[KINDS] = {0, 0, 0, 0};
  uint64_t cancels = 0, races = 0;
  setvbuf(stdout, NULL, _IOLBF, 0);
  rounds = argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 10) : 20000;
  for (int i = 0; i < 2; i++) {
    side_t *s = &sides[i];
    bcsc_executor_config_t config;
    s->name = i == 0 ? "A" : "B";
    s->other = &sides[1 - i];
    s->rng = 0x9e3779b9u * (uint32_t)(i + 1);
    check(bcsc_posix_reactor_init(&s->reactor) == 0, "posix reactor");
    memset(&config, 0, sizeof config);
    config.size = sizeof config;
    config.reactor = &s->reactor.base;
    config.waker_slots = s->slots;
    config.waker_slot_count = 2;
    check(bcsc_executor_init(&s->ex, &config) == 0, "executor init");
    bcsc_waitq_init(&s->q);
    bcsc_task_init(&s->server, server_poll, s);
    bcsc_task_init(&s->driver, driver_poll, s);
    /* Set up here; each side's thread runs it from then on. */
    check(bcsc_executor_spawn(&s->ex, &s->server) == 0, "spawn server");
    check(bcsc_executor_spawn(&s->ex, &s->driver) == 0, "spawn driver");
  }
  clock_gettime(CLOCK_MONOTONIC, &t0);
  pthread_create(&watchdog, NULL, watchdog_main, NULL);
  for (int i = 0; i < 2; i++)
    pthread_create(&sides[i].thread, NULL, side_main, &sides[i]);
  for (int i = 0; i < 2; i++)
    pthread_join(sides[i].thread, NULL);
  atomic_store(&stop, 1);
  pthread_join(watchdog, NULL);
  clock_gettime(CLOCK_MONOTONIC, &t1);

  for (int i = 0; i < 2; i++) {
    side_t *s = &sides[i];
    /* The joins order both threads' work before this one's. */
    check(s->run_rc == 0, "each side's run ends with 0");
    check(bcsc_executor_bind_thread(&s->ex) == 0, "bind");
    memset(&st[i], 0, sizeof st[i]);
    st[i].size = sizeof st[i];
    check(bcsc_executor_stats(&s->ex, &st[i]) == 0, "stats");
    check(s->round == rounds, "every round of both drivers ended");
    /* Its own two root tasks, and every remote task sent to it. */
    check(st[i].completions == 2 + atomic_load(&s->hosted_sent),
          "completions == own tasks + remote tasks sent to it, exactly");
    check(st[i].spawns == st[i].completions, "spawns == completions");
    check(st[i].cancels <= atomic_load(&s->hosted_sent),
          "cancels reached only the remote tasks it hosted");
    check(bcsc_waitq_empty(&s->q), "no registration left on a host's list");
    check(bcsc_waitq_deinit(&s->q) == 0, "waitq deinit");
    check(bcsc_executor_deinit(&s->ex) == 0, "executor deinit");
    bcsc_posix_reactor_deinit(&s->reactor);
    for (int j = 0; j < 4; j++)
      joins[j] += s->joins_by_rc[j];
    for (int j = 0; j < KINDS; j++)
      kinds[j] += s->kids_by_kind[j];
    cancels += s->cancels_sent;
    races += s->races_won;
  }
  check(atomic_load(&problems) == 0, "no problem seen on the executors");
  if (atomic_load(&problems) != 0)
    printf("  %d problem(s); the first: %s\n", atomic_load(&problems),
           atomic_load(&first_problem));
  check(atomic_load(&dead_polls) == 0, "no poll of a child that had ended");
  check(atomic_load(&off_thread) == 0, "every child ran on its host only");
  /* Every outcome happened, or the run proved less than it claims. */
  check(joins[0] > 0 && joins[1] > 0 && joins[2] > 0,
        "joins returned 0, ECANCELED and a child's error");
  check(cancels > 0 && races > 0, "cancels were sent and races won");

  printf("stress_remote: 2 x %u rounds, %.2f s: remote tasks A->B %u, "
         "B->A %u (finish %llu, fail %llu, wait %llu, nest %llu); joins 0 "
         "%llu, ECANCELED %llu, error %llu, other %llu; cancels sent %llu, "
         "host cancels %llu + %llu, races won %llu, parks %llu + %llu\n",
         rounds,
         (double)(t1.tv_sec - t0.tv_sec) +
             (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
         atomic_load(&sides[1].hosted_sent), atomic_load(&sides[0].hosted_sent),
         (unsigned long long)kinds[0], (unsigned long long)kinds[1],
         (unsigned long long)kinds[2], (unsigned long long)kinds[3],
         (unsigned long long)joins[0], (unsigned long long)joins[1],
         (unsigned long long)joins[2], (unsigned long long)joins[3],
         (unsigned long long)cancels, (unsigned long long)st[0].cancels,
         (unsigned long long)st[1].cancels, (unsigned long long)races,
         (unsigned long long)st[0].parks, (unsigned long long)st[1].parks);
  printf("%d passed, %d failed\n", passed, failed);
  return failed != 0;
}
