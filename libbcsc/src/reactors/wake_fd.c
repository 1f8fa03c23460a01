/* SPDX-License-Identifier: MIT
 * reactors/wake_fd.c - the unpark protocol of the POSIX and epoll
 * reactors, in one place.
 *
 * The pending flag says "an unpark has happened that no park has
 * consumed"; the fd only has to make a sleeping park return.
 *
 *   unpark (any thread, signal handler)    park (executor thread)
 *   if exchange(pending, 1) == 0:          top of each round:
 *       write(fd, 1)                           if exchange(pending, 0) == 1:
 *                                                  drain(fd); return
 *                                              sleep on fd until timeout
 *                                              fd readable: drain if the
 *                                              flag was clear, next round
 *
 * The exchange comes before the drain in park, so a drain can only eat the
 * write of an unpark whose flag is still set - and the next round sees that
 * flag. An unpark that finds the flag already set skips its write: the
 * earlier unpark's write is still to come or still unread, or the flag is
 * about to be consumed by a park that has not returned yet. Either way the
 * park in progress returns. A write that arrives after its flag was
 * consumed only makes one later sleep return early (a spurious round). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* eventfd() */
#endif

#include "wake_fd.h"

#include <errno.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include "bcsc/error.h"
#include "bcsc/timer.h"

#if defined(__linux__)
#include <sys/eventfd.h>
#define USE_EVENTFD 1
#else
#define USE_EVENTFD 0
#endif

uint64_t bcsc__monotonic_ns(void) {
  struct timespec ts;
  /* CLOCK_MONOTONIC cannot fail with a valid pointer. */
  (void)clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * BCSC_SEC + (uint64_t)ts.tv_nsec;
}

int bcsc__wake_fd_open(int32_t *read_fd, int32_t *write_fd) {
#if USE_EVENTFD
  int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (fd < 0)
    return BCSC_ENOSPC;
  *read_fd = fd;
  *write_fd = fd;
#else
  int fds[2], i;
  if (pipe(fds) != 0)
    return BCSC_ENOSPC;
  for (i = 0; i < 2; i++) {
    int fl = fcntl(fds[i], F_GETFL);
    if (fl < 0 || fcntl(fds[i], F_SETFL, fl | O_NONBLOCK) != 0 ||
        fcntl(fds[i], F_SETFD, FD_CLOEXEC) != 0) {
      (void)close(fds[0]);
      (void)close(fds[1]);
      return BCSC_ENOSPC;
    }
  }
  *read_fd = fds[0];
  *write_fd = fds[1];
#endif
  return 0;
}

/* An eventfd is emptied by one read; a pipe may hold several bytes. */
void bcsc__wake_fd_drain(int32_t read_fd) {
#if USE_EVENTFD
  uint64_t count;
  ssize_t n = read(read_fd, &count, sizeof count);
  (void)n;
#else
  char buf[64];
  while (read(read_fd, buf, sizeof buf) > 0) {
  }
#endif
}

/* One atomic exchange and at most one write(2); errno is restored for the
 * code a signal interrupted. */
void bcsc__wake_fd_unpark(uint32_t *pending, int32_t write_fd) {
  int saved_errno;
  ssize_t n;
  if (__atomic_exchange_n(pending, 1, __ATOMIC_ACQ_REL) != 0)
    return;
  saved_errno = errno;
#if USE_EVENTFD
  {
    uint64_t one = 1;
    n = write(write_fd, &one, sizeof one);
  }
#else
  {
    char one = 1;
    n = write(write_fd, &one, 1);
  }
#endif
  /* EAGAIN: the counter or the pipe is full, so the fd is readable
   * already - the wake is not lost. */
  (void)n;
  errno = saved_errno;
}

int bcsc__wake_fd_consume(uint32_t *pending, int32_t read_fd, uint64_t *seen,
                          bcsc_waitq_t *unparked) {
  if (__atomic_load_n(pending, __ATOMIC_RELAXED) == 0)
    return 0;
  if (__atomic_exchange_n(pending, 0, __ATOMIC_ACQ_REL) == 0)
    return 0;
  bcsc__wake_fd_drain(read_fd);
  ++*seen;
  /* Tasks waiting for "something outside happened" (a signal handler's
   * flag, another thread's queue) look now. The value is the number of
   * unparks park has consumed, so a task can tell two of them apart. */
  (void)bcsc_waitq_wake_all(unparked, (uintptr_t)*seen);
  return 1;
}

/* The OS wakes a sleeper up to its timer slack late, a spinner on time:
 * sleep until spin_ns before the deadline, then busy-wait. */
uint64_t bcsc__sleep_until(uint64_t now, uint64_t deadline, uint64_t spin_ns) {
  if (deadline == BCSC_NO_DEADLINE || spin_ns == 0)
    return deadline;
  return deadline - now > spin_ns ? deadline - spin_ns : now;
}
