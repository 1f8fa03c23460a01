/* SPDX-License-Identifier: MIT
 * bcsc_test_unpark.c - see bcsc_test_unpark.h. */
#define _GNU_SOURCE /* syscall(SYS_gettid) */

#include "bcsc_test_unpark.h"

#include <criterion/criterion.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

uint64_t bcsc_test_monotonic_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * BCSC_SEC + (uint64_t)ts.tv_nsec;
}

static pid_t current_tid(void) { return (pid_t)syscall(SYS_gettid); }

/* Whether thread @p tid of this process is asleep ('S'), e.g. in ppoll. */
static int thread_sleeping(pid_t tid) {
  char path[64], buf[512];
  const char *paren;
  size_t n;
  FILE *f;
  snprintf(path, sizeof path, "/proc/self/task/%d/stat", (int)tid);
  if ((f = fopen(path, "r")) == NULL)
    return 0;
  n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = '\0';
  /* "tid (comm) S ...": the state follows the last parenthesis. */
  paren = strrchr(buf, ')');
  return paren != NULL && paren[1] == ' ' && paren[2] == 'S';
}

static void *poke_main(void *arg) {
  bcsc_test_poke_t *p = arg;
  uint64_t give_up = bcsc_test_monotonic_ns() + 10 * BCSC_SEC;
  while (!(p->saw_sleeping = thread_sleeping(p->main_tid)) &&
         bcsc_test_monotonic_ns() < give_up)
    sched_yield();
  if (p->signal != 0)
    pthread_kill(p->main_thread, p->signal);
  else
    p->reactor->vtable->unpark(p->reactor);
  return NULL;
}

void bcsc_test_poke_start(bcsc_test_poke_t *p, bcsc_reactor_t *reactor,
                          int sig) {
  memset(p, 0, sizeof *p);
  p->reactor = reactor;
  p->main_thread = pthread_self();
  p->main_tid = current_tid();
  p->signal = sig;
  cr_assert_eq(pthread_create(&p->thread, NULL, poke_main, p), 0);
}

void bcsc_test_poke_join(bcsc_test_poke_t *p) {
  cr_assert_eq(pthread_join(p->thread, NULL), 0);
  /* The main thread was parked with no deadline: it was asleep. */
  cr_assert(p->saw_sleeping);
}

static bcsc_reactor_t *volatile signal_reactor;
static volatile sig_atomic_t signals_seen;

static void on_signal(int sig) {
  (void)sig;
  signals_seen++;
  signal_reactor->vtable->unpark(signal_reactor);
}

static void set_sigusr1(void (*handler)(int)) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = handler;
  sigemptyset(&sa.sa_mask);
  cr_assert_eq(sigaction(SIGUSR1, &sa, NULL), 0);
}

void bcsc_test_unpark_on_sigusr1(bcsc_reactor_t *reactor) {
  signal_reactor = reactor;
  signals_seen = 0;
  set_sigusr1(on_signal);
}

void bcsc_test_sigusr1_default(void) { set_sigusr1(SIG_DFL); }

int bcsc_test_signals_seen(void) { return (int)signals_seen; }

void bcsc_test_executor_with(bcsc_executor_t *ex, bcsc_reactor_t *reactor) {
  bcsc_executor_config_t config;
  memset(&config, 0, sizeof config);
  config.size = sizeof config;
  config.reactor = reactor;
  cr_assert_eq(bcsc_executor_init(ex, &config), 0);
}

void bcsc_test_unparks_end_parks(bcsc_reactor_t *reactor) {
  const bcsc_reactor_vtable_t *v = reactor->vtable;
  bcsc_test_poke_t poke;
  uint64_t deadline;
  /* Before. */
  v->unpark(reactor);
  v->unpark(reactor);
  cr_assert_eq(v->park(reactor, BCSC_NO_DEADLINE), 0);
  /* From another thread, while asleep. */
  bcsc_test_poke_start(&poke, reactor, 0);
  cr_assert_eq(v->park(reactor, BCSC_NO_DEADLINE), 0);
  bcsc_test_poke_join(&poke);
  /* From a signal handler, while asleep. */
  bcsc_test_unpark_on_sigusr1(reactor);
  bcsc_test_poke_start(&poke, reactor, SIGUSR1);
  cr_assert_eq(v->park(reactor, BCSC_NO_DEADLINE), 0);
  bcsc_test_poke_join(&poke);
  cr_assert_eq(bcsc_test_signals_seen(), 1);
  bcsc_test_sigusr1_default();
  /* Nothing is left pending to end the next park early. */
  deadline = v->now(reactor) + 1 * BCSC_MSEC;
  cr_assert_eq(v->park(reactor, deadline), 0);
  cr_assert_geq(v->now(reactor), deadline);
}

static void *unpark_main(void *arg) {
  bcsc_reactor_t *reactor = arg;
  reactor->vtable->unpark(reactor);
  return NULL;
}

void bcsc_test_unparks_race_parks(bcsc_reactor_t *reactor) {
  enum { THREADS = 4, ROUNDS = 200 };
  pthread_t t[THREADS];
  int i, round;
  for (round = 0; round < ROUNDS; round++) {
    for (i = 0; i < THREADS; i++)
      cr_assert_eq(pthread_create(&t[i], NULL, unpark_main, reactor), 0);
    cr_assert_eq(reactor->vtable->park(reactor, BCSC_NO_DEADLINE), 0);
    for (i = 0; i < THREADS; i++)
      cr_assert_eq(pthread_join(t[i], NULL), 0);
    /* Whatever is left pending ends at most one more park. */
    (void)reactor->vtable->park(reactor, 0);
  }
}

void bcsc_test_unpark_after_deinit_writes_nowhere(bcsc_reactor_t *reactor) {
  int fds[2], saved;
  char c;
  cr_assert_eq(pipe(fds), 0);
  cr_assert_geq(saved = dup(0), 0);
  cr_assert_eq(dup2(fds[1], 0), 0);
  reactor->vtable->unpark(reactor);
  cr_assert_eq(dup2(saved, 0), 0);
  close(saved);
  close(fds[1]);
  cr_assert_eq(read(fds[0], &c, 1), 0, "the unpark wrote to fd 0");
  close(fds[0]);
}
