/* SPDX-License-Identifier: MIT
 * reactors/epoll.c - the POSIX reactor's clock and unpark protocol, with
 * park sleeping in epoll_wait() so that fd readiness can wake tasks.
 *
 * Precise timeouts come from a timerfd (CLOCK_MONOTONIC, TFD_TIMER_ABSTIME)
 * in the epoll set rather than from epoll_pwait2(): the timerfd works on
 * every kernel since 2.6.25 (epoll_pwait2 needs 5.11, and seccomp profiles
 * of older container runtimes refuse it with ENOSYS, so it would need this
 * path as a fallback anyway); its deadline is absolute on the same clock as
 * now(), so no relative timeout is computed or rounded; and it is re-armed
 * only when the deadline changes. epoll_wait() itself then blocks with no
 * timeout.
 *
 * Interest is one-shot: a watch's fd is armed (EPOLL_CTL_MOD) when a task
 * registers on it, the kernel disarms it when it reports, and park re-arms
 * it only for lists that still have waiters. A waiter that is cancelled
 * leaves at most one report behind, never a level-triggered fd that makes
 * every epoll_wait() return at once. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "bcsc/reactor_epoll.h"
#include "internal.h"
#include "wake_fd.h"

_Static_assert(BCSC_EPOLL_IN == EPOLLIN && BCSC_EPOLL_PRI == EPOLLPRI &&
                   BCSC_EPOLL_OUT == EPOLLOUT && BCSC_EPOLL_ERR == EPOLLERR &&
                   BCSC_EPOLL_HUP == EPOLLHUP && BCSC_EPOLL_RDHUP == EPOLLRDHUP,
               "bcsc/reactor_epoll.h spells the kernel's event bits");

enum { WATCH_MAGIC = 0xe901, WATCH_ADDED = 1 };
enum { EVENTS_PER_WAIT = 32 };

/* The operations refuse memory that is not an open epoll reactor, or not
 * an initialised watch (D90), or a copy of either (D99); of the vtable's
 * entries only park checks, and only for a copy: the executor took the
 * reactor at its init. */
BCSC__DEFINE_REACTOR_CHECK(epoll_reactor, bcsc_epoll_reactor_t,
                           BCSC__MAGIC_EPOLL_REACTOR)
BCSC__DEFINE_HELD_CHECK(epoll_watch, bcsc_epoll_watch_t, WATCH_MAGIC,
                        WATCH_ADDED)

/* What wakes which list: errors and hang-ups wake both, so a writer learns
 * that its reader went away and a reader that its writer did. */
#define READ_EVENTS (EPOLLIN | EPOLLPRI | EPOLLRDHUP | EPOLLERR | EPOLLHUP)
#define WRITE_EVENTS (EPOLLOUT | EPOLLERR | EPOLLHUP)

static bcsc_epoll_reactor_t *epoll_of(bcsc_reactor_t *base) {
  return (bcsc_epoll_reactor_t *)(void *)base;
}

static uint64_t epoll_now(bcsc_reactor_t *base) {
  (void)base;
  return bcsc__monotonic_ns();
}

/* The unpark protocol is the POSIX reactor's (wake_fd.c); on Linux the
 * wake fd is an eventfd, read and written through the same descriptor. */
static int consume_unpark(bcsc_epoll_reactor_t *r) {
  return bcsc__wake_fd_consume(&r->priv.pending, r->priv.wake_fd,
                               &r->priv.unparks_seen, &r->priv.unparked);
}

static void epoll_unpark(bcsc_reactor_t *base) {
  bcsc_epoll_reactor_t *r = epoll_of(base);
  bcsc__wake_fd_unpark(&r->priv.pending, r->priv.wake_fd);
}

/* The interest a watch needs: one bit per list that has waiters. */
static uint32_t interest_of(const bcsc_epoll_watch_t *w) {
  uint32_t want = 0;
  if (!bcsc_waitq_empty(&w->priv.readable))
    want |= EPOLLIN | EPOLLRDHUP;
  if (!bcsc_waitq_empty(&w->priv.writable))
    want |= EPOLLOUT;
  return want;
}

/* Arm the kernel for what the watch's waiters need, if it is not armed for
 * it already. */
static int arm(bcsc_epoll_watch_t *w) {
  struct epoll_event ev;
  uint32_t want = interest_of(w);
  if (want == 0 || (want & ~w->priv.armed) == 0)
    return 0;
  want |= w->priv.armed; /* never drop bits a waiter may still need */
  ev.events = want | EPOLLONESHOT;
  ev.data.ptr = w;
  if (epoll_ctl(w->priv.reactor->priv.epoll_fd, EPOLL_CTL_MOD, w->priv.fd,
                &ev) != 0)
    return errno == ENOENT || errno == EBADF ? BCSC_ECLOSED : BCSC_ENOSPC;
  w->priv.armed = want;
  return 0;
}

/* The kernel reported @p events for @p w and disarmed it (one-shot). */
static int deliver(bcsc_epoll_watch_t *w, uint32_t events) {
  int woken = 0, n;
  w->priv.armed = 0;
  w->priv.events = events;
  if ((events & READ_EVENTS) != 0 &&
      (n = bcsc_waitq_wake_all(&w->priv.readable, events)) > 0)
    woken += n;
  if ((events & WRITE_EVENTS) != 0 &&
      (n = bcsc_waitq_wake_all(&w->priv.writable, events)) > 0)
    woken += n;
  /* Waiters for the other direction are still there: arm for them. If
   * that fails they stay registered and a later wait re-arms. */
  (void)arm(w);
  return woken;
}

/* Point the timerfd at @p until (absolute; BCSC_NO_DEADLINE: off), unless
 * it already is. */
static int set_timer(bcsc_epoll_reactor_t *r, uint64_t until) {
  struct itimerspec its;
  if (r->priv.timer_deadline == until)
    return 0;
  its.it_interval.tv_sec = 0;
  its.it_interval.tv_nsec = 0;
  if (until == BCSC_NO_DEADLINE) {
    its.it_value.tv_sec = 0; /* zero disarms */
    its.it_value.tv_nsec = 0;
  } else {
    /* Clamped so the seconds fit a 32-bit time_t; the park wakes early
     * then, which is allowed. until > now > 0, so it is never the zero
     * that would disarm. */
    uint64_t at = until;
    if (at / BCSC_SEC > (uint64_t)INT32_MAX)
      at = (uint64_t)INT32_MAX * BCSC_SEC;
    its.it_value.tv_sec = (time_t)(at / BCSC_SEC);
    its.it_value.tv_nsec = (long)(at % BCSC_SEC);
  }
  if (timerfd_settime(r->priv.timer_fd, TFD_TIMER_ABSTIME, &its, NULL) != 0)
    return BCSC_ESTATE;
  r->priv.timer_deadline = until;
  return 0;
}

/* One epoll_wait() and what it reported. Returns how many tasks it woke
 * (an unpark counts as one), or a negative code. */
static int wait_once(bcsc_epoll_reactor_t *r, int timeout_ms) {
  struct epoll_event events[EVENTS_PER_WAIT];
  int n, i, woken = 0;
  r->priv.polls++;
  n = epoll_wait(r->priv.epoll_fd, events, EVENTS_PER_WAIT, timeout_ms);
  if (n < 0) {
    if (errno != EINTR)
      return BCSC_ESTATE;
    /* A signal: its handler may have unparked; either way the executor
     * looks again (a spurious return is allowed). */
    (void)consume_unpark(r);
    return 1;
  }
  for (i = 0; i < n; i++) {
    void *tag = events[i].data.ptr;
    if (tag == &r->priv.wake_fd) {
      if (consume_unpark(r))
        woken++;
      else
        /* A late write of an unpark already consumed. */
        bcsc__wake_fd_drain(r->priv.wake_fd);
    } else if (tag == &r->priv.timer_fd) {
      uint64_t expirations;
      ssize_t got = read(r->priv.timer_fd, &expirations, sizeof expirations);
      (void)got;
      r->priv.timer_deadline = BCSC_NO_DEADLINE; /* expired: off */
    } else {
      bcsc_epoll_watch_t *w = tag;
      /* A watch whose frame ended without bcsc_epoll_watch_remove(): its
       * memory is someone else's now. Say so rather than wake through
       * it. */
      if (w->priv.magic != (uint16_t)WATCH_MAGIC ||
          w->priv.self != (uintptr_t)w || w->priv.reactor != r) {
        BCSC__REPORT_HELD_GONE(w, (uint16_t)WATCH_MAGIC);
        return BCSC_EBADOBJ;
      }
      woken += deliver(w, events[i].events);
    }
  }
  return woken;
}

static int epoll_park(bcsc_reactor_t *base, uint64_t deadline) {
  bcsc_epoll_reactor_t *r = epoll_of(base);
  int first = 1;
  /* A copy given to an executor: the kernel objects are the original's
   * (D99). */
  if (BCSC__REACTOR_MOVED(r))
    BCSC__FAIL(MOVED, r, BCSC_EBADOBJ);
  r->priv.parks++;
  for (;;) {
    uint64_t now, sleep_until;
    int timeout_ms, rc;
    if (consume_unpark(r))
      return 0;
    now = bcsc__monotonic_ns();
    if (now >= deadline) {
      /* Past the deadline: report what is ready without blocking, once,
       * so a park(0) is an I/O poll. */
      if (!first)
        return 0;
      timeout_ms = 0;
    } else {
      sleep_until = bcsc__sleep_until(now, deadline, r->priv.spin_ns);
      if (sleep_until > now) {
        if ((rc = set_timer(r, sleep_until)) != 0)
          return rc;
        timeout_ms = -1;
      } else {
        timeout_ms = 0; /* the spin window: poll without blocking */
      }
    }
    first = 0;
    if ((rc = wait_once(r, timeout_ms)) != 0)
      return rc < 0 ? rc : 0;
  }
}

static const bcsc_reactor_vtable_t epoll_vtable = {
    sizeof(bcsc_reactor_vtable_t), BCSC_REACTOR_VTABLE_VERSION, epoll_now,
    epoll_park, epoll_unpark};

static int add_fd(int epoll_fd, int fd, void *tag) {
  struct epoll_event ev;
  ev.events = EPOLLIN;
  ev.data.ptr = tag;
  return epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &ev);
}

int bcsc_epoll_reactor_init(bcsc_epoll_reactor_t *r) {
  int epoll_fd, timer_fd = -1;
  int32_t wake_fd = -1, wake_fd_write;
  if (r == NULL)
    BCSC__FAIL(NULL_OBJECT, r, BCSC_EINVAL);
  if ((epoll_fd = epoll_create1(EPOLL_CLOEXEC)) < 0)
    return BCSC_ENOSPC;
  /* Linux only: an eventfd, so wake_fd_write == wake_fd. */
  if (bcsc__wake_fd_open(&wake_fd, &wake_fd_write) != 0 ||
      (timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC)) <
          0 ||
      add_fd(epoll_fd, wake_fd, &r->priv.wake_fd) != 0 ||
      add_fd(epoll_fd, timer_fd, &r->priv.timer_fd) != 0) {
    if (timer_fd >= 0)
      (void)close(timer_fd);
    if (wake_fd >= 0)
      (void)close(wake_fd);
    (void)close(epoll_fd);
    return BCSC_ENOSPC;
  }
  r->base.vtable = &epoll_vtable;
  r->base.data = NULL;
  r->priv.spin_ns = 0;
  r->priv.parks = 0;
  r->priv.polls = 0;
  r->priv.unparks_seen = 0;
  r->priv.timer_deadline = BCSC_NO_DEADLINE;
  (void)bcsc_waitq_init(&r->priv.unparked);
  r->priv.epoll_fd = epoll_fd;
  r->priv.wake_fd = wake_fd;
  r->priv.timer_fd = timer_fd;
  r->priv.pending = 0;
  r->priv.watches = 0;
  r->priv.magic = BCSC__MAGIC_EPOLL_REACTOR;
  BCSC__REACTOR_TAG(r) = bcsc__self_tag(r);
  r->priv.reserved[1] = 0;
  return 0;
}

int bcsc_epoll_reactor_deinit(bcsc_epoll_reactor_t *r) {
  int rc;
  if ((rc = bcsc__check_epoll_reactor(r)) != 0)
    return rc;
  /* Checked here, not left to bcsc_waitq_deinit(): its WAITQ_BUSY would
   * name a list the caller never made; the reactor is what was torn down
   * in use (D92). */
  if (!bcsc_waitq_empty(&r->priv.unparked) || r->priv.watches != 0)
    BCSC__FAIL(REACTOR_BUSY, r, BCSC_EBUSY);
  if ((rc = bcsc_waitq_deinit(&r->priv.unparked)) != 0)
    return rc;
  (void)close(r->priv.timer_fd);
  (void)close(r->priv.wake_fd);
  (void)close(r->priv.epoll_fd);
  BCSC__FORGET(r);
  /* -1, not the zero object's 0: that names stdin. */
  r->priv.timer_fd = -1;
  r->priv.wake_fd = -1;
  r->priv.epoll_fd = -1;
  return 0;
}

int bcsc_epoll_reactor_set_spin(bcsc_epoll_reactor_t *r, uint64_t ns) {
  int rc;
  if ((rc = bcsc__check_epoll_reactor(r)) != 0)
    return rc;
  r->priv.spin_ns = ns;
  return 0;
}

bcsc_waitq_t *bcsc_epoll_reactor_unparked(bcsc_epoll_reactor_t *r) {
  return r != NULL ? &r->priv.unparked : NULL;
}

uint64_t bcsc_epoll_reactor_parks(const bcsc_epoll_reactor_t *r) {
  return r != NULL ? r->priv.parks : 0;
}

uint64_t bcsc_epoll_reactor_polls(const bcsc_epoll_reactor_t *r) {
  return r != NULL ? r->priv.polls : 0;
}

size_t bcsc_epoll_reactor_sizeof(void) { return sizeof(bcsc_epoll_reactor_t); }

static int watch_added(const bcsc_epoll_watch_t *w) {
  return w->priv.state == WATCH_ADDED &&
         w->priv.magic == (uint16_t)WATCH_MAGIC &&
         w->priv.self == (uintptr_t)w && w->priv.reactor != NULL;
}

int bcsc_epoll_watch_init(bcsc_epoll_watch_t *watch) {
  if (watch == NULL)
    BCSC__FAIL(NULL_OBJECT, watch, BCSC_EINVAL);
  *watch = (bcsc_epoll_watch_t)BCSC_EPOLL_WATCH_INITIALIZER;
  return 0;
}

int bcsc_epoll_watch_add(bcsc_epoll_reactor_t *r, bcsc_epoll_watch_t *watch,
                         int fd) {
  struct epoll_event ev;
  int rc;
  if ((rc = bcsc__check_epoll_reactor(r)) != 0 ||
      (rc = bcsc__check_epoll_watch(watch)) != 0)
    return rc;
  if (fd < 0)
    BCSC__FAIL(BAD_ARGUMENT, watch, BCSC_EINVAL);
  /* D92 (amended): adding twice breaks the watch's documented rule, which
   * the caller can know; the kernel's EEXIST below is not bcsc's to
   * judge. */
  if (watch->priv.state == WATCH_ADDED)
    BCSC__FAIL(REACTOR_STATE, watch, BCSC_ESTATE);
  /* Added with no interest but one-shot: the kernel always reports errors
   * and hang-ups, and one-shot makes that one report, not one per
   * epoll_wait() while nobody waits. */
  ev.events = EPOLLONESHOT;
  ev.data.ptr = watch;
  if (epoll_ctl(r->priv.epoll_fd, EPOLL_CTL_ADD, fd, &ev) != 0) {
    switch (errno) {
    case EEXIST:
      return BCSC_EBUSY;
    case EPERM:
      return BCSC_ENOTSUP;
    case ENOMEM:
    case ENOSPC:
      return BCSC_ENOSPC;
    default:
      return BCSC_EINVAL;
    }
  }
  watch->data = NULL;
  watch->priv.reactor = r;
  (void)bcsc_waitq_init(&watch->priv.readable);
  (void)bcsc_waitq_init(&watch->priv.writable);
  watch->priv.self = (uintptr_t)watch;
  watch->priv.events = 0;
  watch->priv.armed = 0;
  watch->priv.fd = fd;
  watch->priv.state = WATCH_ADDED;
  watch->priv.magic = (uint16_t)WATCH_MAGIC;
  watch->priv.reserved[0] = 0;
  watch->priv.reserved[1] = 0;
  r->priv.watches++;
  return 0;
}

int bcsc_epoll_watch_remove(bcsc_epoll_reactor_t *r,
                            bcsc_epoll_watch_t *watch) {
  int rc;
  if ((rc = bcsc__check_epoll_reactor(r)) != 0 ||
      (rc = bcsc__check_epoll_watch(watch)) != 0)
    return rc;
  if (!watch_added(watch) || watch->priv.reactor != r)
    BCSC__FAIL(REACTOR_STATE, watch, BCSC_ESTATE);
  if (!bcsc_waitq_empty(&watch->priv.readable) ||
      !bcsc_waitq_empty(&watch->priv.writable))
    BCSC__FAIL(REACTOR_BUSY, watch, BCSC_EBUSY);
  /* ENOENT/EBADF: the fd was closed first and the kernel dropped it
   * already; the watch is removed all the same. */
  (void)epoll_ctl(r->priv.epoll_fd, EPOLL_CTL_DEL, watch->priv.fd, NULL);
  (void)bcsc_waitq_deinit(&watch->priv.readable);
  (void)bcsc_waitq_deinit(&watch->priv.writable);
  watch->priv.reactor = NULL;
  watch->priv.self = 0;
  watch->priv.state = 0;
  watch->priv.armed = 0;
  r->priv.watches--;
  return 0;
}

static int wait_ready(bcsc_task_t *self, bcsc_epoll_watch_t *watch,
                      bcsc_wait_t *wait, int writable) {
  int rc;
  /* Every object before the state of the source: a task or node that is
   * not one is told as such whatever the watch's state would answer. */
  if ((rc = bcsc__check_epoll_watch(watch)) != 0 ||
      (rc = bcsc__check_task(self)) != 0 || (rc = bcsc__check_wait(wait)) != 0)
    return rc;
  if (!watch_added(watch))
    BCSC__FAIL(REACTOR_STATE, watch, BCSC_ESTATE);
  rc = bcsc_wait_on(self, wait,
                    writable ? &watch->priv.writable : &watch->priv.readable);
  if (rc != BCSC_PENDING)
    return rc;
  if ((rc = arm(watch)) != 0) {
    (void)bcsc_wait_cancel(wait);
    return rc;
  }
  return BCSC_PENDING;
}

int bcsc_epoll_wait_readable(bcsc_task_t *self, bcsc_epoll_watch_t *watch,
                             bcsc_wait_t *wait) {
  return wait_ready(self, watch, wait, 0);
}

int bcsc_epoll_wait_writable(bcsc_task_t *self, bcsc_epoll_watch_t *watch,
                             bcsc_wait_t *wait) {
  return wait_ready(self, watch, wait, 1);
}

uint32_t bcsc_epoll_watch_events(const bcsc_epoll_watch_t *watch) {
  return watch != NULL ? watch->priv.events : 0;
}

size_t bcsc_epoll_watch_sizeof(void) { return sizeof(bcsc_epoll_watch_t); }
