/* SPDX-License-Identifier: MIT
 * reactors/posix.c - CLOCK_MONOTONIC, and a park that sleeps in ppoll() on
 * one file descriptor that unpark writes to: an eventfd on Linux, the read
 * end of a non-blocking pipe elsewhere.
 *
 * The pending flag in front of the fd keeps unpark to one atomic exchange
 * when an unpark is already on its way, and lets park see an unpark without
 * a system call. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* ppoll(), eventfd(), pipe2() */
#endif

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <time.h>
#include <unistd.h>

#include "bcsc/error.h"
#include "bcsc/reactor_posix.h"
#include "bcsc/timer.h"

#if defined(__linux__)
#include <sys/eventfd.h>
#define USE_EVENTFD 1
#else
#define USE_EVENTFD 0
#endif

#if defined(__linux__) || defined(__FreeBSD__) || defined(__NetBSD__) ||       \
    defined(__OpenBSD__) || defined(__DragonFly__)
#define USE_PPOLL 1
#else
#define USE_PPOLL 0
#endif

static bcsc_posix_reactor_t *posix_of(bcsc_reactor_t *base) {
  return (bcsc_posix_reactor_t *)(void *)base;
}

static uint64_t monotonic_ns(void) {
  struct timespec ts;
  /* CLOCK_MONOTONIC cannot fail with a valid pointer. */
  (void)clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * BCSC_SEC + (uint64_t)ts.tv_nsec;
}

static uint64_t posix_now(bcsc_reactor_t *base) {
  (void)base;
  return monotonic_ns();
}

/* Empty the wake fd. Non-blocking, so an fd already empty costs one
 * EAGAIN. An eventfd is emptied by one read; a pipe may hold several
 * bytes. */
static void drain(bcsc_posix_reactor_t *r) {
#if USE_EVENTFD
  uint64_t count;
  ssize_t n = read(r->priv.wake_fd, &count, sizeof count);
  (void)n;
#else
  char buf[64];
  while (read(r->priv.wake_fd, buf, sizeof buf) > 0) {
  }
#endif
}

/* The unpark protocol. The flag says "an unpark has happened that no park
 * has consumed"; the fd only has to make a sleeping park return.
 *
 *   unpark (any thread, signal handler)    park (executor thread)
 *   if exchange(pending, 1) == 0:          top of each round:
 *       write(fd, 1)                           if exchange(pending, 0) == 1:
 *                                                  drain(fd); return
 *                                              ppoll(fd, timeout)
 *                                              fd readable: drain if the
 *                                              flag was clear, next round
 *
 * The exchange comes before the drain in park, so a drain can only eat the
 * write of an unpark whose flag is still set - and the next round sees that
 * flag. An unpark that finds the flag already set skips its write: the
 * earlier unpark's write is still to come or still unread, or the flag is
 * about to be consumed by a park that has not returned yet. Either way the
 * park in progress returns. A write that arrives after its flag was
 * consumed only makes one later ppoll return early (a spurious round). */
static int consume_unpark(bcsc_posix_reactor_t *r) {
  if (__atomic_load_n(&r->priv.pending, __ATOMIC_RELAXED) == 0)
    return 0;
  if (__atomic_exchange_n(&r->priv.pending, 0, __ATOMIC_ACQ_REL) == 0)
    return 0;
  drain(r);
  r->priv.unparks_seen++;
  /* Tasks waiting for "something outside happened" (a signal handler's
   * flag, another thread's queue) look now. The value is the number of
   * unparks park has consumed, so a task can tell two of them apart. */
  (void)bcsc_waitq_wake_all(&r->priv.unparked, (uintptr_t)r->priv.unparks_seen);
  return 1;
}

/* Sleep on the wake fd until `until` (BCSC_NO_DEADLINE: no limit).
 * Returns 1 if the fd became readable, 0 on a timeout, -errno on failure. */
static int sleep_on_fd(bcsc_posix_reactor_t *r, uint64_t now, uint64_t until) {
  struct pollfd pfd;
  int n;
  pfd.fd = r->priv.wake_fd;
  pfd.events = POLLIN;
  pfd.revents = 0;
#if USE_PPOLL
  if (until == BCSC_NO_DEADLINE) {
    n = ppoll(&pfd, 1, NULL, NULL);
  } else {
    /* ppoll takes nanoseconds: no rounding, so the kernel's wake-up is at
     * or after the deadline (plus its timer slack). Clamped to 2^31 s so
     * the seconds fit a 32-bit time_t; a park may return early. */
    uint64_t delta = until - now;
    struct timespec ts;
    if (delta > (uint64_t)INT32_MAX * BCSC_SEC)
      delta = (uint64_t)INT32_MAX * BCSC_SEC;
    ts.tv_sec = (time_t)(delta / BCSC_SEC);
    ts.tv_nsec = (long)(delta % BCSC_SEC);
    n = ppoll(&pfd, 1, &ts, NULL);
  }
#else
  {
    int ms = -1;
    if (until != BCSC_NO_DEADLINE) {
      /* poll takes milliseconds: round up, never wake before the
       * deadline (an early wake would park again for a zero timeout). */
      uint64_t delta = (until - now + BCSC_MSEC - 1) / BCSC_MSEC;
      ms = delta > (uint64_t)INT32_MAX ? INT32_MAX : (int)delta;
    }
    n = poll(&pfd, 1, ms);
  }
#endif
  if (n < 0)
    return -errno;
  return n > 0 ? 1 : 0;
}

static int posix_park(bcsc_reactor_t *base, uint64_t deadline) {
  bcsc_posix_reactor_t *r = posix_of(base);
  r->priv.parks++;
  for (;;) {
    uint64_t now, sleep_until;
    int rc;
    if (consume_unpark(r))
      return 0;
    now = monotonic_ns();
    if (now >= deadline)
      return 0;
    /* Sleep until spin_ns before the deadline, then busy-wait the rest:
     * the OS wakes a sleeper up to its timer slack late, a spinner on
     * time. */
    sleep_until = deadline;
    if (deadline != BCSC_NO_DEADLINE && r->priv.spin_ns != 0)
      sleep_until =
          deadline - now > r->priv.spin_ns ? deadline - r->priv.spin_ns : now;
    if (sleep_until > now) {
      rc = sleep_on_fd(r, now, sleep_until);
      if (rc == -EINTR) {
        /* A signal: its handler may have unparked. Either way the
         * executor looks again (a spurious return is allowed). */
        (void)consume_unpark(r);
        return 0;
      }
      if (rc < 0)
        return BCSC_ESTATE; /* the wake fd is gone (closed under us) */
      if (rc == 1) {
        if (consume_unpark(r))
          return 0;
        drain(r); /* a late write of an unpark already consumed */
      }
      continue;
    }
    while (monotonic_ns() < deadline &&
           __atomic_load_n(&r->priv.pending, __ATOMIC_RELAXED) == 0) {
    }
  }
}

/* Async-signal-safe: one atomic exchange and at most one write(2). errno
 * is restored for the code the signal interrupted. */
static void posix_unpark(bcsc_reactor_t *base) {
  bcsc_posix_reactor_t *r = posix_of(base);
  int saved_errno;
  ssize_t n;
  if (__atomic_exchange_n(&r->priv.pending, 1, __ATOMIC_ACQ_REL) != 0)
    return;
  saved_errno = errno;
#if USE_EVENTFD
  {
    uint64_t one = 1;
    n = write(r->priv.wake_fd_write, &one, sizeof one);
  }
#else
  {
    char one = 1;
    n = write(r->priv.wake_fd_write, &one, 1);
  }
#endif
  /* EAGAIN: the counter or the pipe is full, so the fd is readable
   * already - the wake is not lost. */
  (void)n;
  errno = saved_errno;
}

static const bcsc_reactor_vtable_t posix_vtable = {
    sizeof(bcsc_reactor_vtable_t), BCSC_REACTOR_VTABLE_VERSION, posix_now,
    posix_park, posix_unpark};

static int open_wake_fd(int32_t *read_fd, int32_t *write_fd) {
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

int bcsc_posix_reactor_init(bcsc_posix_reactor_t *r) {
  int32_t read_fd, write_fd;
  int rc;
  if (r == NULL)
    return BCSC_EINVAL;
  if ((rc = open_wake_fd(&read_fd, &write_fd)) != 0)
    return rc;
  r->base.vtable = &posix_vtable;
  r->base.data = NULL;
  r->priv.spin_ns = 0;
  r->priv.parks = 0;
  r->priv.unparks_seen = 0;
  (void)bcsc_waitq_init(&r->priv.unparked);
  r->priv.wake_fd = read_fd;
  r->priv.wake_fd_write = write_fd;
  r->priv.pending = 0;
  r->priv.reserved32 = 0;
  r->priv.reserved[0] = 0;
  r->priv.reserved[1] = 0;
  return 0;
}

int bcsc_posix_reactor_deinit(bcsc_posix_reactor_t *r) {
  int rc;
  if (r == NULL)
    return BCSC_EINVAL;
  if (r->priv.wake_fd < 0)
    return 0; /* already closed */
  /* Checked here, not left to bcsc_waitq_deinit(): a reactor reports
   * misuse with its return value, not through the misuse handler. */
  if (!bcsc_waitq_empty(&r->priv.unparked))
    return BCSC_EBUSY;
  if ((rc = bcsc_waitq_deinit(&r->priv.unparked)) != 0)
    return rc;
  (void)close(r->priv.wake_fd);
  if (r->priv.wake_fd_write != r->priv.wake_fd)
    (void)close(r->priv.wake_fd_write);
  r->priv.wake_fd = -1;
  r->priv.wake_fd_write = -1;
  return 0;
}

int bcsc_posix_reactor_set_spin(bcsc_posix_reactor_t *r, uint64_t ns) {
  if (r == NULL)
    return BCSC_EINVAL;
  r->priv.spin_ns = ns;
  return 0;
}

bcsc_waitq_t *bcsc_posix_reactor_unparked(bcsc_posix_reactor_t *r) {
  return r != NULL ? &r->priv.unparked : NULL;
}

uint64_t bcsc_posix_reactor_parks(const bcsc_posix_reactor_t *r) {
  return r != NULL ? r->priv.parks : 0;
}

size_t bcsc_posix_reactor_sizeof(void) { return sizeof(bcsc_posix_reactor_t); }
