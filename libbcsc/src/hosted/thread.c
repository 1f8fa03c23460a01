/* SPDX-License-Identifier: MIT
 * hosted/thread.c - what an executor needs from the operating system's
 * threads: a name for the calling thread (the checked build's wrong-thread
 * check) and pinning the executor's thread to a CPU. Outside the
 * freestanding core, which knows no threads. */
#if defined(__linux__) && !defined(_GNU_SOURCE)
#define _GNU_SOURCE /* sched_setaffinity and the CPU_* macros */
#endif

#if defined(__linux__)
#include <errno.h>
#include <sched.h>
#endif

#include "../internal.h"

/* Its address names the thread: distinct for every live thread, and free
 * to obtain (no system call). A thread that has exited may hand its
 * address on to a new one - a check can then miss, never misfire. */
static _Thread_local char this_thread;

uintptr_t bcsc__thread_self(void) { return (uintptr_t)&this_thread; }

int bcsc_executor_pin(bcsc_executor_t *ex, uint32_t cpu) {
  int rc = bcsc__check_executor(ex);
  if (rc != 0)
    return rc;
#if defined(__linux__)
  /* Not a misuse: which CPUs exist is known only at run time. */
  if (cpu >= (uint32_t)CPU_SETSIZE)
    return BCSC_EINVAL;
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET((size_t)cpu, &set);
  /* Thread id 0: the calling thread, not the whole process. */
  if (sched_setaffinity(0, sizeof set, &set) == 0)
    return 0;
  /* EINVAL: the CPU is offline, absent or outside the cpuset the thread
   * may use; EPERM: a seccomp or LSM policy forbids the change. */
  return errno == EPERM ? BCSC_EPERM : BCSC_EINVAL;
#else
  (void)cpu;
  return BCSC_ENOTSUP;
#endif
}
