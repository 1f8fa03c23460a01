/* SPDX-License-Identifier: MIT
 * signal_waker.c - value wakes from signal handlers: a 1 kHz setitimer
 * (SIGALRM) and a pthread_kill storm (SIGUSR1), both aimed at the
 * executor's own thread, so a handler may interrupt the run loop anywhere -
 * mid-drain, mid-park, mid-handshake. Each handler counts itself, then
 * wakes one task. A plain C driver (ThreadSanitizer can run it); prints
 * "N passed, N failed".
 *
 * The task ends once it has seen at least TARGET handler runs. The signals
 * stop at TARGET, so the only wakes that can make it see the last count
 * are the handlers' own: if one of those is lost the task sleeps for good
 * and the watchdog fails the run. At the end, wakes sent from handlers ==
 * wakes_received + wakes_stale exactly.
 *
 *   signal_waker [handler wakes, default 100000] */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <bcsc.h>

static int passed, failed;
static void check(int ok, const char *what) {
  if (ok) {
    passed++;
  } else {
    failed++;
    printf("FAIL: %s\n", what);
  }
}

static bcsc_executor_t ex;
static bcsc_waker_t task_waker; /* written before any signal is armed */
static atomic_ulong fired;      /* handler runs */
static atomic_ulong sent;       /* bcsc_waker_wake() returned 0 in one */
static atomic_ulong timer_runs;
static atomic_int task_done;
static unsigned long target;

static void on_signal(int sig) {
  int saved = errno;
  atomic_fetch_add(&fired, 1);
  if (sig == SIGALRM)
    atomic_fetch_add(&timer_runs, 1);
  if (bcsc_waker_wake(task_waker) == 0)
    atomic_fetch_add(&sent, 1);
  errno = saved;
}

typedef struct counter {
  bcsc_task_t task;
  int started;
  uint64_t polls;
  uint64_t value_wakes;
  atomic_int *ready;
} counter_t;

static int counter_poll(bcsc_task_t *self) {
  counter_t *c = (counter_t *)self;
  c->polls++;
  if (!c->started) {
    c->started = 1;
    if (bcsc_task_waker(self, &task_waker) != 0)
      return BCSC_EINVAL;
    atomic_store(c->ready, 1); /* the signals may start */
    return BCSC_PENDING;
  }
  c->value_wakes += (uint64_t)bcsc_task_waker_woken(self);
  if (atomic_load(&fired) >= target) {
    atomic_store(&task_done, 1);
    return BCSC_DONE;
  }
  return BCSC_PENDING;
}

typedef struct storm {
  pthread_t executor_thread;
  atomic_int *ready;
  uint64_t kills;
} storm_t;

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void timer_set(long usec) {
  struct itimerval it;
  memset(&it, 0, sizeof it);
  it.it_interval.tv_usec = usec;
  it.it_value.tv_usec = usec;
  setitimer(ITIMER_REAL, &it, NULL);
}

/* Sends SIGUSR1 to the executor's thread until the handlers have run
 * `target` times, stops the timer, then watches for the task to end. */
static void *storm_main(void *arg) {
  storm_t *s = arg;
  double deadline;
  while (!atomic_load(s->ready))
    ;
  timer_set(1000); /* 1 kHz */
  while (atomic_load(&fired) < target) {
    pthread_kill(s->executor_thread, SIGUSR1);
    s->kills++;
  }
  timer_set(0);
  /* A watchdog, not synchronisation: the run must end soon after. */
  deadline = now_s() + 60.0;
  while (!atomic_load(&task_done)) {
    struct timespec pause = {0, 1000000};
    if (now_s() > deadline) {
      static const char msg[] =
          "FAIL: the task did not see the last handler's wake (lost?)\n"
          "0 passed, 1 failed\n";
      if (write(1, msg, sizeof msg - 1) < 0)
        _exit(2);
      _exit(1);
    }
    nanosleep(&pause, NULL);
  }
  return NULL;
}

int main(int argc, char **argv) {
  bcsc_posix_reactor_t reactor;
  bcsc_executor_config_t config;
  static bcsc_waker_slot_t slots[2];
  bcsc_executor_stats_t st;
  struct sigaction sa;
  sigset_t block, old;
  counter_t counter;
  storm_t storm;
  atomic_int ready;
  pthread_t thread;
  double t0, t1;
  int rc;

  setvbuf(stdout, NULL, _IOLBF, 0);
  target = argc > 1 ? strtoul(argv[1], NULL, 10) : 100000;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  sigaction(SIGUSR1, &sa, NULL);
  sigaction(SIGALRM, &sa, NULL);

  if (bcsc_posix_reactor_init(&reactor) != 0) {
    printf("FAIL: posix reactor\n0 passed, 1 failed\n");
    return 1;
  }
  memset(&config, 0, sizeof config);
  config.size = sizeof config;
  config.reactor = &reactor.base;
  config.waker_slots = slots;
  config.waker_slot_count = 2;
  check(bcsc_executor_init(&ex, &config) == 0, "executor init");
  memset(&counter, 0, sizeof counter);
  atomic_init(&ready, 0);
  counter.ready = &ready;
  bcsc_task_init(&counter.task, counter_poll, NULL);

  /* The storm thread blocks both signals: every one lands on the
   * executor's thread. */
  sigemptyset(&block);
  sigaddset(&block, SIGUSR1);
  sigaddset(&block, SIGALRM);
  pthread_sigmask(SIG_BLOCK, &block, &old);
  memset(&storm, 0, sizeof storm);
  storm.executor_thread = pthread_self();
  storm.ready = &ready;
  pthread_create(&thread, NULL, storm_main, &storm);
  pthread_sigmask(SIG_SETMASK, &old, NULL);

  t0 = now_s();
  rc = bcsc_executor_run(&ex, &counter.task);
  t1 = now_s();
  pthread_join(thread, NULL);
  /* Signals still pending now are handled here, after the task ended:
   * their wakes are stale, and counted. */
  pthread_sigmask(SIG_BLOCK, &block, NULL);

  memset(&st, 0, sizeof st);
  st.size = sizeof st;
  check(bcsc_executor_stats(&ex, &st) == 0, "stats");
  check(rc == 0, "the task ended with 0");
  check(atomic_load(&fired) >= target, "handlers ran at least target times");
  check(atomic_load(&sent) == atomic_load(&fired),
        "every handler's wake was accepted");
  check(atomic_load(&sent) == st.wakes_received + st.wakes_stale,
        "sent == received + stale, exactly");
  check(st.wakes_delivered <= st.wakes_received, "delivered <= received");
  check(atomic_load(&timer_runs) > 0, "the 1 kHz timer's handler ran");
  check(bcsc_executor_deinit(&ex) == 0, "executor deinit");
  bcsc_posix_reactor_deinit(&reactor);
  printf("signal_waker: %.2f s: handler wakes %lu (timer %lu, kills %llu): "
         "received %llu + stale %llu; delivered %llu, polls %llu, parks "
         "%llu, notifies %llu\n",
         t1 - t0, atomic_load(&sent), atomic_load(&timer_runs),
         (unsigned long long)storm.kills, (unsigned long long)st.wakes_received,
         (unsigned long long)st.wakes_stale,
         (unsigned long long)st.wakes_delivered,
         (unsigned long long)counter.polls, (unsigned long long)st.parks,
         (unsigned long long)st.waker_notifies);
  printf("%d passed, %d failed\n", passed, failed);
  return failed != 0;
}
