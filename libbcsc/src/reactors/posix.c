/* SPDX-License-Identifier: MIT
 * reactors/posix.c - CLOCK_MONOTONIC, and a park that sleeps in ppoll() on
 * one file descriptor that unpark writes to: an eventfd on Linux, the read
 * end of a non-blocking pipe elsewhere.
 *
 * The pending flag in front of the fd keeps unpark to one atomic exchange
 * when an unpark is already on its way, and lets park see an unpark without
 * a system call; the protocol is in wake_fd.c, shared with the epoll
 * reactor. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* ppoll() */
#endif

#include <errno.h>
#include <poll.h>
#include <time.h>
#include <unistd.h>

#include "bcsc/reactor_posix.h"
#include "internal.h"
#include "wake_fd.h"

#if defined(__linux__) || defined(__FreeBSD__) || defined(__NetBSD__) ||       \
    defined(__OpenBSD__) || defined(__DragonFly__)
#define USE_PPOLL 1
#else
#define USE_PPOLL 0
#endif

/* The operations refuse memory that is not an open POSIX reactor (D90),
 * or a copy of one (D99); of the vtable's entries only park checks, and
 * only for a copy: the executor took the reactor at its init. */
BCSC__DEFINE_REACTOR_CHECK(posix_reactor, bcsc_posix_reactor_t,
                           BCSC__MAGIC_POSIX_REACTOR)

static bcsc_posix_reactor_t *posix_of(bcsc_reactor_t *base) {
  return (bcsc_posix_reactor_t *)(void *)base;
}

static uint64_t posix_now(bcsc_reactor_t *base) {
  (void)base;
  return bcsc__monotonic_ns();
}

static int consume_unpark(bcsc_posix_reactor_t *r) {
  return bcsc__wake_fd_consume(&r->priv.pending, r->priv.wake_fd,
                               &r->priv.unparks_seen, &r->priv.unparked);
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
  /* A copy given to an executor: the kernel objects are the original's
   * (D99). */
  if (BCSC__REACTOR_MOVED(r))
    BCSC__FAIL(MOVED, r, BCSC_EBADOBJ);
  r->priv.parks++;
  for (;;) {
    uint64_t now, sleep_until;
    int rc;
    if (consume_unpark(r))
      return 0;
    now = bcsc__monotonic_ns();
    if (now >= deadline)
      return 0;
    sleep_until = bcsc__sleep_until(now, deadline, r->priv.spin_ns);
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
        /* A late write of an unpark already consumed. */
        bcsc__wake_fd_drain(r->priv.wake_fd);
      }
      continue;
    }
    while (bcsc__monotonic_ns() < deadline &&
           __atomic_load_n(&r->priv.pending, __ATOMIC_RELAXED) == 0) {
    }
  }
}

/* Async-signal-safe (wake_fd.c). */
static void posix_unpark(bcsc_reactor_t *base) {
  bcsc_posix_reactor_t *r = posix_of(base);
  bcsc__wake_fd_unpark(&r->priv.pending, r->priv.wake_fd_write);
}

static const bcsc_reactor_vtable_t posix_vtable = {
    sizeof(bcsc_reactor_vtable_t), BCSC_REACTOR_VTABLE_VERSION, posix_now,
    posix_park, posix_unpark};

int bcsc_posix_reactor_init(bcsc_posix_reactor_t *r) {
  int32_t read_fd, write_fd;
  int rc;
  if (r == NULL)
    BCSC__FAIL(NULL_OBJECT, r, BCSC_EINVAL);
  if ((rc = bcsc__wake_fd_open(&read_fd, &write_fd)) != 0)
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
  r->priv.magic = BCSC__MAGIC_POSIX_REACTOR;
  BCSC__REACTOR_TAG(r) = bcsc__self_tag(r);
  r->priv.reserved[1] = 0;
  return 0;
}

int bcsc_posix_reactor_deinit(bcsc_posix_reactor_t *r) {
  int rc;
  if ((rc = bcsc__check_posix_reactor(r)) != 0)
    return rc;
  /* Checked here, not left to bcsc_waitq_deinit(): its WAITQ_BUSY would
   * name a list the caller never made; the reactor is what was torn down
   * in use (D92). */
  if (!bcsc_waitq_empty(&r->priv.unparked))
    BCSC__FAIL(REACTOR_BUSY, r, BCSC_EBUSY);
  if ((rc = bcsc_waitq_deinit(&r->priv.unparked)) != 0)
    return rc;
  (void)close(r->priv.wake_fd);
  if (r->priv.wake_fd_write != r->priv.wake_fd)
    (void)close(r->priv.wake_fd_write);
  BCSC__FORGET(r);
  /* -1, not the zero object's 0: that names stdin. */
  r->priv.wake_fd = -1;
  r->priv.wake_fd_write = -1;
  return 0;
}

int bcsc_posix_reactor_set_spin(bcsc_posix_reactor_t *r, uint64_t ns) {
  int rc;
  if ((rc = bcsc__check_posix_reactor(r)) != 0)
    return rc;
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
