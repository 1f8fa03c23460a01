/* SPDX-License-Identifier: MIT
 * stress_waker.c - value wakes from four threads at tasks that complete and
 * hand their slots on while the wakes are in flight. A plain C driver (no
 * Criterion, which cannot start under ThreadSanitizer): it prints its
 * figures and "N passed, N failed", and exits non-zero on a failure.
 *
 * The executor (this thread, parked in the POSIX reactor when idle) runs a
 * supervisor and ENTRIES waiters. A waiter takes a value waker, publishes
 * it on its board entry with a request number, and waits until a thread has
 * answered that request; after ROUNDS answers it spawns its successor (in
 * the entry's other frame, so a new slot generation) and ends. Four threads
 * answer requests - one wake per request - and, until each has sent its
 * share, fire racy wakes at entries' current wakers (live or just ended)
 * and stale wakes at wakers of tasks known to have ended. Then the
 * supervisor lets the waiters finish: each ends at its next answer, with no
 * successor, and nothing else wakes them. So a wake lost on the way to a
 * live waiter leaves it asleep for good, and the watchdog fails the run.
 *
 * Checked at the end:
 *  - the run ended: every waiter saw the answer to its last request (no
 *    wake to a live waiter lost);
 *  - no poll of a frame whose task had ended (none reached a dead one);
 *  - wakes sent (bcsc_waker_wake() returned 0) == wakes_received +
 *    wakes_stale, exactly; delivered <= received; stale > 0 and
 *    received > 0 (both paths ran).
 *
 *   stress_waker [total wakes, default 1000000] */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bcsc.h>

enum { THREADS = 4, ENTRIES = 16, ROUNDS = 3, RETIRED = 64 };
enum { SLOTS = 2 * ENTRIES + 1 };

static int passed, failed;
static void check(int ok, const char *what) {
  if (ok) {
    passed++;
  } else {
    failed++;
    printf("FAIL: %s\n", what);
  }
}

/* ---- what the threads see ------------------------------------------------ */

typedef struct entry {
  _Atomic uint64_t waker; /* slot << 32 | generation; 0 before the first */
  atomic_uint request;    /* the newest request of the entry's waiter */
  atomic_uint answered;   /* the newest request a thread has answered */
  char pad[48];
} entry_t;

static bcsc_executor_t ex;
static entry_t board[ENTRIES];
static _Atomic uint64_t retired[RETIRED]; /* wakers of ended tasks, +1 */
static atomic_uint retired_next;
static _Atomic uint64_t supervisor_waker;
static atomic_int threads_done;
static atomic_int stop;
static uint64_t quota; /* wakes per thread before it reports done */
static uint64_t sent[THREADS];

static uint64_t pack(bcsc_waker_t w) {
  return (uint64_t)w.slot << 32 | w.generation;
}
static bcsc_waker_t unpack(uint64_t v) {
  bcsc_waker_t w;
  w.executor = &ex;
  w.slot = (uint32_t)(v >> 32);
  w.generation = (uint32_t)v;
  return w;
}

/* ---- the tasks (executor thread only) ----------------------------------- */

typedef struct waiter {
  bcsc_task_t task;
  uint32_t entry;
  uint32_t which; /* 0 or 1: the entry's two frames */
  int live;
  int started;
  uint32_t request;
  uint32_t got;
} waiter_t;

typedef struct supervisor {
  bcsc_task_t task;
  bcsc_scope_t scope;
  bcsc_waker_t waker;
  int phase;
} supervisor_t;

static waiter_t frames[ENTRIES][2];
static supervisor_t sup;
static int draining; /* waiters end at their next answer */
static uint64_t dead_polls, answers_seen, waiters_ended, waiters_spawned;
static uint64_t spawn_failures;

static int waiter_poll(bcsc_task_t *self);

static int spawn_waiter(uint32_t entry, uint32_t which) {
  waiter_t *w = &frames[entry][which];
  memset(w, 0, sizeof *w);
  bcsc_task_init(&w->task, waiter_poll, NULL);
  w->entry = entry;
  w->which = which;
  w->live = 1;
  waiters_spawned++;
  return bcsc_scope_spawn(&sup.scope, &w->task);
}

static void waiter_end(waiter_t *w, bcsc_waker_t waker) {
  unsigned i = atomic_fetch_add(&retired_next, 1) % RETIRED;
  atomic_store(&retired[i], pack(waker) + 1);
  w->live = 0;
  waiters_ended++;
}

static void ask(waiter_t *w) {
  entry_t *e = &board[w->entry];
  w->request = atomic_load_explicit(&e->request, memory_order_relaxed) + 1;
  atomic_store_explicit(&e->request, w->request, memory_order_release);
}

static int waiter_poll(bcsc_task_t *self) {
  waiter_t *w = (waiter_t *)self;
  entry_t *e = &board[w->entry];
  bcsc_waker_t waker;
  if (!w->live) {
    dead_polls++;
    return BCSC_DONE;
  }
  if (bcsc_task_waker(self, &waker) != 0) {
    spawn_failures++;
    w->live = 0;
    return BCSC_DONE;
  }
  (void)bcsc_task_waker_woken(self); /* whatever woke it, look */
  if (!w->started) {
    w->started = 1;
    atomic_store_explicit(&e->waker, pack(waker), memory_order_release);
    ask(w);
    return BCSC_PENDING;
  }
  if (atomic_load_explicit(&e->answered, memory_order_acquire) < w->request)
    return BCSC_PENDING; /* a racy wake: keep waiting for the answer */
  answers_seen++;
  if (draining) {
    waiter_end(w, waker);
    return BCSC_DONE;
  }
  if (++w->got < ROUNDS) {
    ask(w);
    return BCSC_PENDING;
  }
  if (spawn_waiter(w->entry, 1 - w->which) != 0)
    spawn_failures++;
  waiter_end(w, waker);
  return BCSC_DONE;
}

static int supervisor_poll(bcsc_task_t *self) {
  supervisor_t *s = (supervisor_t *)self;
  switch (s->phase) {
  case 0:
    s->phase = 1;
    if (bcsc_task_waker(self, &s->waker) != 0 ||
        bcsc_scope_init(&s->scope, self, BCSC_SCOPE_WAIT_ALL) != 0)
      return BCSC_EINVAL;
    atomic_store(&supervisor_waker, pack(s->waker) + 1);
    for (uint32_t i = 0; i < ENTRIES; i++)
      if (spawn_waiter(i, 0) != 0)
        spawn_failures++;
    return BCSC_PENDING;
  case 1:
    /* Woken by the last thread to reach its quota (or spuriously). */
    if (atomic_load(&threads_done) < THREADS)
      return BCSC_PENDING;
    s->phase = 2;
    draining = 1;
    /* fall through */
  default: {
    int rc = bcsc_scope_join(&s->scope);
    return rc == BCSC_PENDING ? rc : 0;
  }
  }
}

/* ---- the waking threads -------------------------------------------------- */

static uint32_t next_random(uint32_t *state) {
  *state ^= *state << 13;
  *state ^= *state >> 17;
  *state ^= *state << 5;
  return *state;
}

static void fire(int id, uint64_t packed) {
  if (bcsc_waker_wake(unpack(packed)) == 0)
    sent[id]++;
}

static void *thread_main(void *arg) {
  int id = (int)(intptr_t)arg;
  uint32_t rng = 0x9e3779b9u * (uint32_t)(id + 1);
  int reported = 0;
  uint32_t turns = 0;
  while (!atomic_load_explicit(&stop, memory_order_acquire)) {
    uint32_t r = next_random(&rng);
    entry_t *e = &board[r % ENTRIES];
    unsigned request = atomic_load_explicit(&e->request, memory_order_acquire);
    unsigned answered =
        atomic_load_explicit(&e->answered, memory_order_relaxed);
    uint64_t v;
    if (request > answered) {
      /* The waker published before the request; claim the request so that
       * it is answered once, then wake. */
      v = atomic_load_explicit(&e->waker, memory_order_acquire);
      if (atomic_compare_exchange_strong(&e->answered, &answered, request))
        fire(id, v);
    }
    /* Five threads on two cores: let the executor run now and then. */
    if (++turns % 64 == 0)
      sched_yield();
    if (!reported) {
      if ((r >> 8) % 4 == 0 &&
          (v = atomic_load_explicit(&e->waker, memory_order_acquire)) != 0)
        fire(id, v); /* racy: live, or ended a moment ago */
      v = atomic_load(&retired[(r >> 16) % RETIRED]);
      if (v != 0)
        fire(id, v - 1); /* its task has ended: stale */
      if (sent[id] >= quota) {
        reported = 1;
        if (atomic_fetch_add(&threads_done, 1) + 1 == THREADS)
          fire(id, atomic_load(&supervisor_waker) - 1);
      }
    }
  }
  return NULL;
}

static void watchdog(int sig) {
  static const char msg[] =
      "FAIL: no progress for the watchdog period (a lost wake?)\n"
      "0 passed, 1 failed\n";
  (void)sig;
  if (write(1, msg, sizeof msg - 1) < 0)
    _exit(2);
  _exit(1);
}

int main(int argc, char **argv) {
  uint64_t total = argc > 1 ? strtoull(argv[1], NULL, 10) : 1000000;
  bcsc_posix_reactor_t reactor;
  bcsc_executor_config_t config;
  static bcsc_waker_slot_t slots[SLOTS];
  bcsc_executor_stats_t st;
  pthread_t threads[THREADS];
  struct timespec t0, t1;
  uint64_t all_sent = 0;
  int rc;

  setvbuf(stdout, NULL, _IOLBF, 0);
  signal(SIGALRM, watchdog);
  alarm(300);
  quota = (total + THREADS - 1) / THREADS;
  if (bcsc_posix_reactor_init(&reactor) != 0) {
    printf("FAIL: posix reactor\n0 passed, 1 failed\n");
    return 1;
  }
  memset(&config, 0, sizeof config);
  config.size = sizeof config;
  config.reactor = &reactor.base;
  config.waker_slots = slots;
  config.waker_slot_count = SLOTS;
  check(bcsc_executor_init(&ex, &config) == 0, "executor init");
  bcsc_task_init(&sup.task, supervisor_poll, NULL);

  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (int i = 0; i < THREADS; i++)
    pthread_create(&threads[i], NULL, thread_main, (void *)(intptr_t)i);
  rc = bcsc_executor_run(&ex, &sup.task);
  atomic_store_explicit(&stop, 1, memory_order_release);
  for (int i = 0; i < THREADS; i++) {
    pthread_join(threads[i], NULL);
    all_sent += sent[i];
  }
  clock_gettime(CLOCK_MONOTONIC, &t1);
  alarm(0);

  /* The threads are joined: every wake they sent has been counted. */
  memset(&st, 0, sizeof st);
  st.size = sizeof st;
  check(bcsc_executor_stats(&ex, &st) == 0, "stats");
  check(rc == 0, "the supervisor's run ends with 0");
  check(all_sent >= total, "at least the requested number of wakes sent");
  check(all_sent == st.wakes_received + st.wakes_stale,
        "sent == received + stale, exactly");
  check(st.wakes_delivered <= st.wakes_received, "delivered <= received");
  check(st.wakes_stale > 0 && st.wakes_received > 0, "both outcomes ran");
  check(dead_polls == 0, "no poll of an ended waiter");
  check(spawn_failures == 0, "every waiter got a slot and spawned");
  check(waiters_spawned == waiters_ended, "every waiter ended");
  check(answers_seen >= waiters_ended, "each waiter ended on an answer");
  check(bcsc_executor_deinit(&ex) == 0, "executor deinit");
  bcsc_posix_reactor_deinit(&reactor);

  printf("stress_waker: %d threads, %.2f s: sent %llu = received %llu + "
         "stale %llu; delivered %llu, notifies %llu, parks %llu, answers "
         "%llu, waiters ended %llu\n",
         THREADS,
         (double)(t1.tv_sec - t0.tv_sec) +
             (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
         (unsigned long long)all_sent, (unsigned long long)st.wakes_received,
         (unsigned long long)st.wakes_stale,
         (unsigned long long)st.wakes_delivered,
         (unsigned long long)st.waker_notifies, (unsigned long long)st.parks,
         (unsigned long long)answers_seen, (unsigned long long)waiters_ended);
  printf("%d passed, %d failed\n", passed, failed);
  return failed != 0;
}
