/* SPDX-License-Identifier: MIT
 * bcsc_test_unpark.h - what the OS reactors' suites need to end a park from
 * outside: a helper thread that acts once the main thread is asleep (no
 * sleeps as synchronisation), and a SIGUSR1 handler that unparks. */
#ifndef BCSC_TEST_UNPARK_H
#define BCSC_TEST_UNPARK_H

#include <pthread.h>
#include <stdint.h>
#include <sys/types.h>

#include <bcsc.h>

/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t bcsc_test_monotonic_ns(void);

/* A thread that unparks a reactor (or sends this thread a signal) as soon
 * as this thread is asleep, read from /proc (e.g. parked in ppoll). */
typedef struct bcsc_test_poke {
  bcsc_reactor_t *reactor;
  pthread_t main_thread;
  pid_t main_tid;
  int signal; /* 0: unpark directly; else send this signal */
  int saw_sleeping;
  pthread_t thread;
} bcsc_test_poke_t;

void bcsc_test_poke_start(bcsc_test_poke_t *p, bcsc_reactor_t *reactor,
                          int sig);
/* Join the thread; asserts that it saw this thread asleep. */
void bcsc_test_poke_join(bcsc_test_poke_t *p);

/* SIGUSR1 counts itself and unparks @p reactor (async-signal-safe). */
void bcsc_test_unpark_on_sigusr1(bcsc_reactor_t *reactor);
/* SIGUSR1 back to its default action. */
void bcsc_test_sigusr1_default(void);
/* SIGUSR1s handled since bcsc_test_unpark_on_sigusr1(). */
int bcsc_test_signals_seen(void);

/* Initialise @p ex to park in @p reactor (asserts). */
void bcsc_test_executor_with(bcsc_executor_t *ex, bcsc_reactor_t *reactor);

/* What every OS reactor promises of unpark, asserted: unparks made before a
 * park (two of them) end one park; one from another thread and one from a
 * SIGUSR1 handler each end a park they find asleep; and none is left over
 * to end the next park early. */
void bcsc_test_unparks_end_parks(bcsc_reactor_t *reactor);

/* 200 rounds of 4 threads' unparks racing one park with no deadline: every
 * park must end (an unpark is never lost), asserted. */
void bcsc_test_unparks_race_parks(bcsc_reactor_t *reactor);

/* An unpark of a reactor its deinit closed (its base outlives it: a
 * signal handler or another thread may still unpark), made with stdin a
 * pipe: asserts that it wrote nothing there - the zero object's fd 0 is
 * no descriptor of the reactor's. */
void bcsc_test_unpark_after_deinit_writes_nowhere(bcsc_reactor_t *reactor);

#endif /* BCSC_TEST_UNPARK_H */
