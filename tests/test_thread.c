/* SPDX-License-Identifier: MIT
 * test_thread.c - an executor and the operating system's threads:
 * bcsc_executor_pin() pins the calling thread to exactly the CPU asked for
 * and nothing else, and refuses CPUs the thread may not use. */
#define _GNU_SOURCE /* sched_getaffinity and the CPU_* macros */
#include <criterion/criterion.h>
#include <pthread.h>
#include <sched.h>
#include <string.h>

#include <bcsc.h>

#include "bcsc_test.h"

/* The first CPU the calling thread may run on, or -1. */
static int first_allowed_cpu(const cpu_set_t *set) {
  for (int cpu = 0; cpu < CPU_SETSIZE; cpu++)
    if (CPU_ISSET(cpu, set))
      return cpu;
  return -1;
}

Test(executor_pin, pins_the_calling_thread_to_one_cpu) {
  bcsc_executor_t ex;
  cpu_set_t before, after;
  cr_assert_eq(sched_getaffinity(0, sizeof before, &before), 0);
  int cpu = first_allowed_cpu(&before);
  cr_assert_geq(cpu, 0);
  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
#if defined(__linux__)
  cr_assert_eq(bcsc_executor_pin(&ex, (uint32_t)cpu), 0);
  cr_assert_eq(sched_getaffinity(0, sizeof after, &after), 0);
  cr_assert_eq(CPU_COUNT(&after), 1);
  cr_assert(CPU_ISSET(cpu, &after));
  /* Pinning again, to the same CPU, is no change. */
  cr_assert_eq(bcsc_executor_pin(&ex, (uint32_t)cpu), 0);
  cr_assert_eq(sched_setaffinity(0, sizeof before, &before), 0);
#else
  cr_assert_eq(bcsc_executor_pin(&ex, (uint32_t)cpu), BCSC_ENOTSUP);
#endif
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
}

/* Only the calling thread moves: a thread that was already running keeps
 * its mask. It reads the mask after the pin (the barrier orders the two). */
typedef struct other_thread {
  pthread_barrier_t pinned;
  cpu_set_t set;
} other_thread_t;

static void *read_affinity(void *arg) {
  other_thread_t *o = arg;
  pthread_barrier_wait(&o->pinned);
  sched_getaffinity(0, sizeof o->set, &o->set);
  return NULL;
}

Test(executor_pin, leaves_other_threads_alone) {
  bcsc_executor_t ex;
  cpu_set_t before;
  other_thread_t other;
  pthread_t thread;
  cr_assert_eq(sched_getaffinity(0, sizeof before, &before), 0);
  int cpu = first_allowed_cpu(&before);
  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  CPU_ZERO(&other.set);
  cr_assert_eq(pthread_barrier_init(&other.pinned, NULL, 2), 0);
  cr_assert_eq(pthread_create(&thread, NULL, read_affinity, &other), 0);
  cr_assert_eq(bcsc_executor_pin(&ex, (uint32_t)cpu), 0);
  pthread_barrier_wait(&other.pinned);
  cr_assert_eq(pthread_join(thread, NULL), 0);
  cr_assert(CPU_EQUAL(&other.set, &before));
  cr_assert_eq(sched_setaffinity(0, sizeof before, &before), 0);
  pthread_barrier_destroy(&other.pinned);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
}

Test(executor_pin, refuses_cpus_the_thread_may_not_use) {
  bcsc_executor_t ex;
  cpu_set_t before, after;
  cr_assert_eq(sched_getaffinity(0, sizeof before, &before), 0);
  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  /* Past what the OS can name, and a CPU this machine does not have. */
  cr_assert_eq(bcsc_executor_pin(&ex, UINT32_MAX), BCSC_EINVAL);
  cr_assert_eq(bcsc_executor_pin(&ex, (uint32_t)CPU_SETSIZE), BCSC_EINVAL);
  int absent = -1;
  for (int cpu = CPU_SETSIZE - 1; cpu >= 0 && absent < 0; cpu--)
    if (!CPU_ISSET(cpu, &before))
      absent = cpu;
  cr_assert_geq(absent, 0);
  cr_assert_eq(bcsc_executor_pin(&ex, (uint32_t)absent), BCSC_EINVAL);
  /* A refused pin changes nothing. */
  cr_assert_eq(sched_getaffinity(0, sizeof after, &after), 0);
  cr_assert(CPU_EQUAL(&after, &before));
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
}

Test(executor_pin, bad_executors) {
  bcsc_test_misuse_t rec;
  bcsc_executor_t ex;
  bcsc_test_misuse_install(&rec);
  cr_assert_eq(bcsc_executor_pin(NULL, 0), BCSC_EINVAL);
  memset(&ex, 0, sizeof ex);
  cr_assert_eq(bcsc_executor_pin(&ex, 0), BCSC_EBADOBJ);
  cr_assert_eq(rec.count, bcsc_test_misuse_expected(2));
  bcsc_test_misuse_uninstall();
}
