/* SPDX-License-Identifier: MIT
 * test_reactor_epoll.c - the epoll reactor: the clock and unpark contract
 * it shares with the POSIX reactor, then fd watches under an executor - a
 * pipe's read end becomes readable, its write end writable again, a
 * hang-up reaches the waiter in the value, a waiter cancelled while armed
 * does not make park spin, a task waits on a pipe and a timer at once, and
 * teardown is refused while anything waits. Last, a loopback TCP
 * connection: a non-blocking connect completes as writable and the
 * listener as readable, data from the peer wakes a reader, and the peer's
 * close or reset reaches the reader as RDHUP (and ERR | HUP). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* pipe2(), accept4(), syscall(SYS_gettid) */
#endif

#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <bcsc.h>
#include <bcsc/reactor_epoll.h>

#include "bcsc_test.h"
#include "bcsc_test_unpark.h"

static uint64_t vnow(bcsc_epoll_reactor_t *r) {
  return r->base.vtable->now(&r->base);
}
static int vpark(bcsc_epoll_reactor_t *r, uint64_t deadline) {
  return r->base.vtable->park(&r->base, deadline);
}
static void vunpark(bcsc_epoll_reactor_t *r) {
  r->base.vtable->unpark(&r->base);
}

static void make_pipe(int fds[2]) {
  cr_assert_eq(pipe2(fds, O_NONBLOCK | O_CLOEXEC), 0);
}

/* ---- the reactor on its own --------------------------------------------- */

Test(reactor_epoll, init_deinit_and_null_arguments) {
  bcsc_epoll_reactor_t r;
  bcsc_epoll_watch_t w = BCSC_EPOLL_WATCH_INITIALIZER;
  bcsc_test_misuse_t rec;
  bcsc_test_misuse_install(&rec);
  cr_assert_eq(bcsc_epoll_reactor_init(NULL), BCSC_EINVAL);
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_NULL_OBJECT, NULL));
  cr_assert_eq(bcsc_epoll_reactor_deinit(NULL), BCSC_EINVAL);
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_NULL_OBJECT, NULL));
  cr_assert_eq(bcsc_epoll_reactor_set_spin(NULL, 1), BCSC_EINVAL);
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_NULL_OBJECT, NULL));
  cr_assert_null(bcsc_epoll_reactor_unparked(NULL));
  cr_assert_eq(bcsc_epoll_reactor_parks(NULL), 0);
  cr_assert_eq(bcsc_epoll_reactor_polls(NULL), 0);
  cr_assert_eq(bcsc_epoll_watch_events(NULL), 0);
  cr_assert_eq(bcsc_epoll_reactor_sizeof(), sizeof(bcsc_epoll_reactor_t));
  cr_assert_eq(bcsc_epoll_watch_sizeof(), sizeof(bcsc_epoll_watch_t));

  memset(&r, 0xa5, sizeof r);
  cr_assert_eq(bcsc_epoll_reactor_init(&r), 0);
  cr_assert_null(r.base.data, "_init writes the host's data word");
  cr_assert_eq(bcsc_reactor_check(&r.base), 0);
  cr_assert_eq(bcsc_epoll_watch_add(NULL, &w, 0), BCSC_EINVAL);
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_NULL_OBJECT, NULL));
  cr_assert_eq(bcsc_epoll_watch_add(&r, NULL, 0), BCSC_EINVAL);
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_NULL_OBJECT, NULL));
  cr_assert_eq(bcsc_epoll_watch_add(&r, &w, -1), BCSC_EINVAL);
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_BAD_ARGUMENT, &w));
  cr_assert_eq(bcsc_epoll_watch_remove(&r, NULL), BCSC_EINVAL);
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_NULL_OBJECT, NULL));
  {
    bcsc_task_t task;
    bcsc_wait_t wait;
    cr_assert_eq(bcsc_task_init(&task, bcsc_test_leaf_poll, NULL), 0);
    cr_assert_eq(bcsc_wait_init(&wait), 0);
    cr_assert_eq(bcsc_epoll_wait_readable(&task, NULL, &wait), BCSC_EINVAL);
    cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_NULL_OBJECT, NULL));
    cr_assert_eq(bcsc_epoll_wait_readable(&task, &w, NULL), BCSC_EINVAL);
    cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_NULL_OBJECT, NULL));
    cr_assert_eq(bcsc_epoll_wait_writable(NULL, &w, &wait), BCSC_EINVAL);
    cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_NULL_OBJECT, NULL));
  }
  bcsc_test_misuse_uninstall();
  cr_assert_eq(bcsc_epoll_reactor_deinit(&r), 0);
}

/* The OS refusing the epoll set, the wake or the timer descriptor is
 * BCSC_ENOSPC, not misuse, and leaves nothing open: once descriptors are
 * free again the same call succeeds. */
Test(reactor_epoll, init_without_a_free_descriptor_is_enospc) {
  bcsc_epoll_reactor_t r;
  bcsc_test_misuse_t rec;
  int probe;
  bcsc_test_misuse_install(&rec);
  cr_assert_eq(bcsc_test_fds_exhaust(), 0);
  cr_assert_eq(bcsc_epoll_reactor_init(&r), BCSC_ENOSPC);
  cr_assert_eq(bcsc_test_fds_restore(), 0);
  cr_assert_eq(rec.count, 0);
  bcsc_test_misuse_uninstall();
  /* Nothing was left open: the lowest free descriptor is where it was. */
  cr_assert_geq(probe = dup(0), 0);
  cr_assert_eq(close(probe), 0);
  cr_assert_eq(bcsc_epoll_reactor_init(&r), 0);
  cr_assert_eq(bcsc_epoll_reactor_deinit(&r), 0);
}

/* D90: a deinitialised reactor, and memory never initialised as one, are
 * refused - nothing closed, nothing written - and (checked build) reported
 * once each, naming them; so is a watch that is not one, on every call
 * that takes it. */
Test(reactor_epoll, a_deinitialised_or_zero_reactor_is_refused_and_reported) {
  bcsc_epoll_reactor_t r, zero;
  bcsc_epoll_watch_t w, bad;
  bcsc_task_t task;
  bcsc_wait_t wait;
  bcsc_test_misuse_t rec;
  memset(&zero, 0, sizeof zero);
  memset(&bad, 0, sizeof bad);
  cr_assert_eq(bcsc_epoll_watch_init(&w), 0);
  cr_assert_eq(bcsc_epoll_reactor_init(&r), 0);
  cr_assert_eq(bcsc_epoll_reactor_deinit(&r), 0);
  bcsc_test_misuse_install(&rec);
  cr_assert_eq(bcsc_epoll_reactor_deinit(&r), BCSC_EBADOBJ);
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_BAD_OBJECT, &r));
  cr_assert_eq(bcsc_epoll_reactor_set_spin(&r, 1), BCSC_EBADOBJ);
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_BAD_OBJECT, &r));
  cr_assert_eq(bcsc_epoll_watch_add(&r, &w, 0), BCSC_EBADOBJ);
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_BAD_OBJECT, &r));
  cr_assert_eq(bcsc_epoll_watch_remove(&r, &w), BCSC_EBADOBJ);
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_BAD_OBJECT, &r));
  cr_assert_eq(bcsc_epoll_reactor_deinit(&zero), BCSC_EBADOBJ);
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_BAD_OBJECT, &zero));
  cr_assert_eq(bcsc_epoll_reactor_set_spin(&zero, 1), BCSC_EBADOBJ);
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_BAD_OBJECT, &zero));
  cr_assert_eq(bcsc_epoll_watch_add(&zero, &w, 0), BCSC_EBADOBJ);
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_BAD_OBJECT, &zero));
  cr_assert_eq(zero.priv.spin_ns, 0, "not written");
  cr_assert_neq(fcntl(0, F_GETFD), -1, "stdin is still open");

  cr_assert_eq(bcsc_epoll_reactor_init(&r), 0);
  cr_assert_eq(bcsc_epoll_watch_add(&r, &bad, 0), BCSC_EBADOBJ);
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_BAD_OBJECT, &bad));
  cr_assert_eq(bcsc_epoll_watch_remove(&r, &bad), BCSC_EBADOBJ);
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_BAD_OBJECT, &bad));
  cr_assert_eq(bcsc_epoll_wait_readable(&task, &bad, &wait), BCSC_EBADOBJ);
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_BAD_OBJECT, &bad));
  cr_assert_eq(bcsc_epoll_wait_writable(&task, &bad, &wait), BCSC_EBADOBJ);
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_BAD_OBJECT, &bad));
  bcsc_test_misuse_uninstall();
  cr_assert_eq(bcsc_epoll_reactor_deinit(&r), 0);
}

/* D89: a deinitialised reactor answers its queries as a zero one does:
 * its parks and polls are not counted on. Its base (vtable, the host's
 * data) is the caller's and stays. */
Test(reactor_epoll, queries_after_deinit_answer_as_for_a_zero_reactor) {
  bcsc_epoll_reactor_t r;
  cr_assert_eq(bcsc_epoll_reactor_init(&r), 0);
  r.base.data = &r;
  cr_assert_eq(vpark(&r, vnow(&r) + 1000000), 0);
  cr_assert_eq(bcsc_epoll_reactor_parks(&r), 1);
  cr_assert_geq(bcsc_epoll_reactor_polls(&r), 1);
  cr_assert_eq(bcsc_epoll_reactor_deinit(&r), 0);
  cr_assert_eq(bcsc_epoll_reactor_parks(&r), 0);
  cr_assert_eq(bcsc_epoll_reactor_polls(&r), 0);
  cr_assert_eq(bcsc_waitq_count(bcsc_epoll_reactor_unparked(&r)), 0);
  cr_assert_eq(r.base.data, &r);
}

Test(reactor_epoll, add_refuses_files_without_readiness_and_duplicates) {
  bcsc_epoll_reactor_t r;
  bcsc_epoll_watch_t a, b;
  int fds[2], file;
  bcsc_test_misuse_t rec;
  cr_assert_eq(bcsc_epoll_reactor_init(&r), 0);
  make_pipe(fds);
  bcsc_test_misuse_install(&rec);
  cr_assert_eq(bcsc_epoll_watch_init(NULL), BCSC_EINVAL);
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_NULL_OBJECT, NULL));
  memset(&a, 0x5a, sizeof a);
  cr_assert_eq(bcsc_epoll_watch_add(&r, &a, fds[0]), BCSC_EBADOBJ,
               "an uninitialised watch is refused");
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_BAD_OBJECT, &a));
  bcsc_test_misuse_uninstall();
  cr_assert_eq(bcsc_epoll_watch_init(&a), 0);
  cr_assert_eq(bcsc_epoll_watch_init(&b), 0);
  cr_assert_eq(bcsc_epoll_watch_add(&r, &a, fds[0]), 0);
  /* Adding twice and removing what is not added break the watch's rules
   * (D92, amended): REACTOR_STATE naming the watch, checked build only. */
  bcsc_test_misuse_install(&rec);
  cr_assert_eq(bcsc_epoll_watch_add(&r, &a, fds[1]), BCSC_ESTATE,
               "a watch is added once");
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_REACTOR_STATE, &a));
  /* The kernel's EEXIST is no misuse the caller could see coming (D92):
   * no report. */
  cr_assert_eq(bcsc_epoll_watch_add(&r, &b, fds[0]), BCSC_EBUSY);
  cr_assert_eq(rec.count, 0);
  cr_assert_eq(bcsc_epoll_watch_remove(&r, &b), BCSC_ESTATE);
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_REACTOR_STATE, &b));
  bcsc_test_misuse_uninstall();
  /* A regular file is always ready: epoll refuses it. */
  cr_assert_geq(file = open("/proc/self/exe", O_RDONLY | O_CLOEXEC), 0);
  cr_assert_eq(bcsc_epoll_watch_add(&r, &b, file), BCSC_ENOTSUP);
  close(file);
  cr_assert_eq(bcsc_epoll_watch_add(&r, &b, 1000000), BCSC_EINVAL);
  bcsc_test_misuse_install(&rec);
  cr_assert_eq(bcsc_epoll_reactor_deinit(&r), BCSC_EBUSY); /* a is added */
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_REACTOR_BUSY, &r));
  bcsc_test_misuse_uninstall();
  cr_assert_eq(bcsc_epoll_watch_remove(&r, &a), 0);
  bcsc_test_misuse_install(&rec);
  cr_assert_eq(bcsc_epoll_watch_remove(&r, &a), BCSC_ESTATE);
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_REACTOR_STATE, &a));
  bcsc_test_misuse_uninstall();
  /* The refusals changed nothing: both watches add and remove. */
  cr_assert_eq(bcsc_epoll_watch_add(&r, &a, fds[0]), 0);
  cr_assert_eq(bcsc_epoll_watch_add(&r, &b, fds[1]), 0);
  cr_assert_eq(bcsc_epoll_watch_remove(&r, &a), 0);
  cr_assert_eq(bcsc_epoll_watch_remove(&r, &b), 0);
  close(fds[0]);
  close(fds[1]);
  cr_assert_eq(bcsc_epoll_reactor_deinit(&r), 0);
}

/* A watch removed through a reactor it is not added to (D92, amended):
 * refused and reported on the watch, which stays added to its own reactor;
 * the other reactor's count of watches is untouched (its deinit is 0). */
Test(reactor_epoll, a_watch_removed_from_another_reactor_is_refused) {
  bcsc_epoll_reactor_t mine, other;
  bcsc_epoll_watch_t w;
  bcsc_test_misuse_t rec;
  int fds[2];
  cr_assert_eq(bcsc_epoll_reactor_init(&mine), 0);
  cr_assert_eq(bcsc_epoll_reactor_init(&other), 0);
  make_pipe(fds);
  cr_assert_eq(bcsc_epoll_watch_init(&w), 0);
  cr_assert_eq(bcsc_epoll_watch_add(&mine, &w, fds[0]), 0);
  bcsc_test_misuse_install(&rec);
  cr_assert_eq(bcsc_epoll_watch_remove(&other, &w), BCSC_ESTATE);
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_REACTOR_STATE, &w));
  bcsc_test_misuse_uninstall();
  cr_assert_eq(bcsc_epoll_reactor_deinit(&other), 0);
  cr_assert_eq(bcsc_epoll_watch_remove(&mine, &w), 0);
  close(fds[0]);
  close(fds[1]);
  cr_assert_eq(bcsc_epoll_reactor_deinit(&mine), 0);
}

Test(reactor_epoll, park_returns_at_or_after_its_deadline) {
  bcsc_epoll_reactor_t r;
  uint64_t deadline, prev;
  int i;
  cr_assert_eq(bcsc_epoll_reactor_init(&r), 0);
  prev = vnow(&r);
  cr_assert_geq(prev, bcsc_test_monotonic_ns() - BCSC_SEC);
  for (i = 0; i < 5; i++) {
    deadline = vnow(&r) + 1 * BCSC_MSEC + (uint64_t)i * 333 * BCSC_USEC;
    cr_assert_eq(vpark(&r, deadline), 0);
    cr_assert_geq(vnow(&r), deadline);
    cr_assert_geq(vnow(&r), prev);
    prev = vnow(&r);
  }
  /* Past deadlines return at once (after one look at the fds). */
  cr_assert_eq(vpark(&r, 0), 0);
  cr_assert_eq(bcsc_epoll_reactor_parks(&r), 6);
  /* The spin option ends at the deadline too. */
  cr_assert_eq(bcsc_epoll_reactor_set_spin(&r, 500 * BCSC_USEC), 0);
  deadline = vnow(&r) + 2 * BCSC_MSEC;
  cr_assert_eq(vpark(&r, deadline), 0);
  cr_assert_geq(vnow(&r), deadline);
  cr_assert_eq(bcsc_epoll_reactor_deinit(&r), 0);
}

Test(reactor_epoll, unparks_before_during_and_from_a_signal_end_parks) {
  bcsc_epoll_reactor_t r;
  cr_assert_eq(bcsc_epoll_reactor_init(&r), 0);
  bcsc_test_unparks_end_parks(&r.base);
  cr_assert_eq(bcsc_epoll_reactor_deinit(&r), 0);
}

Test(reactor_epoll, unparks_from_many_threads_are_never_lost) {
  bcsc_epoll_reactor_t r;
  cr_assert_eq(bcsc_epoll_reactor_init(&r), 0);
  bcsc_test_unparks_race_parks(&r.base);
  cr_assert_eq(bcsc_epoll_reactor_deinit(&r), 0);
}

/* ---- an I/O task -------------------------------------------------------- */

/* Waits until its fd is readable (or writable), optionally racing a timer,
 * then records what woke it. With own_fd >= 0 the watch lives in this
 * frame (added on the first poll, removed before it returns); otherwise
 * it uses `watch`, which the test owns. */
typedef struct io_task {
  bcsc_task_t task; /* first */
  bcsc_epoll_watch_t own_watch;
  bcsc_wait_t wait;
  bcsc_timer_t timer;
  bcsc_epoll_reactor_t *reactor;
  bcsc_epoll_watch_t *watch;
  int own_fd;
  int writable;
  uint64_t timeout; /* 0: no timer */
  /* observations */
  uint32_t polls;
  int rc;
  uintptr_t value;
  int timed_out;
  int removed_rc;
} io_task_t;

static int io_finish(io_task_t *t, int rc) {
  t->rc = rc;
  if (t->watch == &t->own_watch)
    t->removed_rc = bcsc_epoll_watch_remove(t->reactor, &t->own_watch);
  return rc < 0 ? rc : 0;
}

static int io_poll(bcsc_task_t *self) {
  io_task_t *t = (io_task_t *)(void *)self;
  int rc;
  if (t->polls++ == 0 && t->own_fd >= 0) {
    (void)bcsc_epoll_watch_init(&t->own_watch);
    if ((rc = bcsc_epoll_watch_add(t->reactor, &t->own_watch, t->own_fd)) != 0)
      return rc;
    t->watch = &t->own_watch;
  }
  if (t->timeout != 0) {
    rc = bcsc_sleep_for(self, &t->timer, t->timeout);
    if (rc == 0) {
      t->timed_out = 1;
      (void)bcsc_wait_cancel(&t->wait); /* the fd lost the race */
      return io_finish(t, 0);
    }
    if (rc != BCSC_PENDING)
      return io_finish(t, rc);
  }
  rc = t->writable ? bcsc_epoll_wait_writable(self, t->watch, &t->wait)
                   : bcsc_epoll_wait_readable(self, t->watch, &t->wait);
  if (rc == BCSC_PENDING)
    return rc;
  if (rc == 0)
    t->value = t->wait.value;
  (void)bcsc_timer_stop(&t->timer); /* the timer lost the race */
  return io_finish(t, rc);
}

static void io_init(io_task_t *t, bcsc_epoll_reactor_t *r) {
  memset(t, 0, sizeof *t);
  cr_assert_eq(bcsc_task_init(&t->task, io_poll, NULL), 0);
  cr_assert_eq(bcsc_wait_init(&t->wait), 0);
  cr_assert_eq(bcsc_timer_init(&t->timer), 0);
  t->reactor = r;
  t->own_fd = -1;
  t->rc = 1;
}

/* Writes one byte to `fd` after sleeping `delay`. */
typedef struct writer {
  bcsc_task_t task;
  bcsc_timer_t timer;
  int fd;
  uint64_t delay;
} writer_t;

static int writer_poll(bcsc_task_t *self) {
  writer_t *w = (writer_t *)(void *)self;
  int rc = bcsc_sleep_for(self, &w->timer, w->delay);
  if (rc != 0)
    return rc;
  return write(w->fd, "x", 1) == 1 ? 0 : BCSC_TEST_E1;
}

Test(reactor_epoll, a_task_wakes_when_its_pipe_becomes_readable) {
  bcsc_epoll_reactor_t r;
  bcsc_executor_t ex;
  io_task_t reader;
  writer_t writer;
  int fds[2];
  char c;

  cr_assert_eq(bcsc_epoll_reactor_init(&r), 0);
  bcsc_test_executor_with(&ex, &r.base);
  make_pipe(fds);
  io_init(&reader, &r);
  reader.own_fd = fds[0];
  memset(&writer, 0, sizeof writer);
  cr_assert_eq(bcsc_task_init(&writer.task, writer_poll, NULL), 0);
  cr_assert_eq(bcsc_timer_init(&writer.timer), 0);
  writer.fd = fds[1];
  writer.delay = 1 * BCSC_MSEC;
  cr_assert_eq(bcsc_executor_spawn(&ex, &reader.task), 0);
  cr_assert_eq(bcsc_executor_spawn(&ex, &writer.task), 0);
  cr_assert_eq(bcsc_executor_run(&ex, NULL), 0);

  cr_assert_eq(reader.rc, 0);
  cr_assert_eq(reader.polls, 2); /* to register, and once woken */
  cr_assert_neq(reader.value & EPOLLIN, 0);
  cr_assert_eq(reader.value & (EPOLLERR | EPOLLHUP), 0);
  cr_assert_eq(bcsc_epoll_watch_events(&reader.own_watch), reader.value);
  cr_assert_eq(reader.removed_rc, 0);
  cr_assert_eq(read(fds[0], &c, 1), 1);
  cr_assert_eq(c, 'x');
  close(fds[0]);
  close(fds[1]);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
  cr_assert_eq(bcsc_epoll_reactor_deinit(&r), 0);
}

/* A writer waits on @p fds[0], full; @p fds[1] is its peer, read to make
 * room. The watch is armed for writing only (mutation seed 14,
 * reactors/epoll.c:372: the add's `armed = 0` -> 1, EPOLLIN, armed it for
 * reading too): with @p readable, fds[0] also has data to read, and a
 * park still reports nothing until it can be written. */
static void a_full_fd_wakes_its_writer(int fds[2], int readable) {
  bcsc_epoll_reactor_t r;
  bcsc_executor_t ex;
  bcsc_epoll_watch_t watch = BCSC_EPOLL_WATCH_INITIALIZER;
  io_task_t writer;
  char buf[4096];

  cr_assert_eq(bcsc_epoll_reactor_init(&r), 0);
  bcsc_test_executor_with(&ex, &r.base);
  memset(buf, 'y', sizeof buf);
  while (write(fds[0], buf, sizeof buf) > 0) {
  }
  cr_assert_eq(errno, EAGAIN);
  if (readable)
    cr_assert_eq(write(fds[1], "r", 1), 1);
  cr_assert_eq(bcsc_epoll_watch_add(&r, &watch, fds[0]), 0);
  io_init(&writer, &r);
  writer.watch = &watch;
  writer.writable = 1;
  cr_assert_eq(bcsc_executor_spawn(&ex, &writer.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 1), 1);
  /* Full: nothing to report yet. */
  cr_assert_eq(vpark(&r, 0), 0);
  cr_assert_eq(bcsc_epoll_watch_events(&watch), 0, "reported %#x",
               bcsc_epoll_watch_events(&watch));
  cr_assert_eq(writer.polls, 1);
  /* Drain it: the writer is woken by park. */
  while (read(fds[1], buf, sizeof buf) > 0) {
  }
  cr_assert_eq(bcsc_executor_run(&ex, &writer.task), 0);
  cr_assert_eq(writer.rc, 0);
  cr_assert_neq(writer.value & EPOLLOUT, 0);
  cr_assert_eq(bcsc_epoll_watch_remove(&r, &watch), 0);
  close(fds[0]);
  close(fds[1]);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
  cr_assert_eq(bcsc_epoll_reactor_deinit(&r), 0);
}

Test(reactor_epoll, a_task_wakes_when_a_full_pipe_becomes_writable) {
  int fds[2];
  make_pipe(fds);
  a_full_fd_wakes_its_writer((int[2]){fds[1], fds[0]}, 0);
}

Test(reactor_epoll, a_writer_arms_no_interest_in_reading) {
  int sv[2];
  cr_assert_eq(
      socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv),
      0);
  a_full_fd_wakes_its_writer(sv, 1);
}

Test(reactor_epoll, a_hang_up_reaches_the_reader_in_the_value) {
  bcsc_epoll_reactor_t r;
  bcsc_executor_t ex;
  io_task_t reader;
  int fds[2];

  cr_assert_eq(bcsc_epoll_reactor_init(&r), 0);
  bcsc_test_executor_with(&ex, &r.base);
  make_pipe(fds);
  io_init(&reader, &r);
  reader.own_fd = fds[0];
  cr_assert_eq(bcsc_executor_spawn(&ex, &reader.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 1), 1);
  close(fds[1]); /* the writer goes away */
  cr_assert_eq(bcsc_executor_run(&ex, &reader.task), 0);
  cr_assert_eq(reader.rc, 0);
  cr_assert_neq(reader.value & EPOLLHUP, 0);
  cr_assert_neq(bcsc_epoll_watch_events(&reader.own_watch) & EPOLLHUP, 0);
  cr_assert_eq(reader.removed_rc, 0);
  close(fds[0]);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
  cr_assert_eq(bcsc_epoll_reactor_deinit(&r), 0);
}

Test(reactor_epoll, a_cancelled_waiter_leaves_no_interest_that_spins) {
  bcsc_epoll_reactor_t r;
  bcsc_executor_t ex;
  bcsc_epoll_watch_t watch = BCSC_EPOLL_WATCH_INITIALIZER;
  io_task_t reader;
  uint64_t polls, deadline;
  int fds[2];

  cr_assert_eq(bcsc_epoll_reactor_init(&r), 0);
  bcsc_test_executor_with(&ex, &r.base);
  make_pipe(fds);
  cr_assert_eq(bcsc_epoll_watch_add(&r, &watch, fds[0]), 0);
  io_init(&reader, &r);
  reader.watch = &watch;
  cr_assert_eq(bcsc_executor_spawn(&ex, &reader.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 1), 1); /* armed for readable */
  cr_assert_eq(bcsc_task_cancel(&reader.task), 0);
  cr_assert_eq(bcsc_executor_run(&ex, &reader.task), BCSC_ECANCELED);
  /* The pipe becomes readable - level-triggered, forever, since nobody
   * reads it - with no waiter left. */
  cr_assert_eq(write(fds[1], "z", 1), 1);
  polls = bcsc_epoll_reactor_polls(&r);
  deadline = vnow(&r) + 20 * BCSC_MSEC;
  cr_assert_eq(vpark(&r, deadline), 0);
  cr_assert_geq(vnow(&r), deadline);
  /* At most: the one report the armed interest owed, and the timer. A
   * level-triggered interest would have made thousands. */
  cr_assert_leq(bcsc_epoll_reactor_polls(&r) - polls, 3);
  cr_assert_eq(bcsc_epoll_watch_remove(&r, &watch), 0);
  close(fds[0]);
  close(fds[1]);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
  cr_assert_eq(bcsc_epoll_reactor_deinit(&r), 0);
}

Test(reactor_epoll, a_task_waits_on_a_pipe_and_a_timer_at_once) {
  bcsc_epoll_reactor_t r;
  bcsc_executor_t ex;
  io_task_t late, early;
  int fds[2];
  uint64_t start;

  cr_assert_eq(bcsc_epoll_reactor_init(&r), 0);
  bcsc_test_executor_with(&ex, &r.base);
  make_pipe(fds);

  /* Nobody writes: the timer wins. */
  io_init(&late, &r);
  late.own_fd = fds[0];
  late.timeout = 2 * BCSC_MSEC;
  start = vnow(&r);
  cr_assert_eq(bcsc_executor_run(&ex, &late.task), 0);
  cr_assert(late.timed_out);
  cr_assert_geq(vnow(&r), start + 2 * BCSC_MSEC);
  cr_assert_eq(late.removed_rc, 0);

  /* Data is there before the (long) timer: the pipe wins, and the timer
   * is unlinked from the wheel. */
  io_init(&early, &r);
  early.own_fd = fds[0];
  early.timeout = 60 * BCSC_SEC;
  cr_assert_eq(bcsc_executor_spawn(&ex, &early.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 1), 1);
  cr_assert_eq(write(fds[1], "w", 1), 1);
  cr_assert_eq(bcsc_executor_run(&ex, &early.task), 0);
  cr_assert_eq(early.timed_out, 0);
  cr_assert_neq(early.value & EPOLLIN, 0);
  cr_assert_eq(bcsc_timer_linked(&early.timer), 0);
  cr_assert_eq(bcsc_executor_next_deadline(&ex), BCSC_NO_DEADLINE);
  cr_assert_eq(early.removed_rc, 0);
  close(fds[0]);
  close(fds[1]);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
  cr_assert_eq(bcsc_epoll_reactor_deinit(&r), 0);
}

/* A task waits on a watch that is not added (D92, amended): the wait
 * answers BCSC_ESTATE, reported on the watch, for readable and writable
 * alike; once added, the same watch and task wait and wake. */
Test(reactor_epoll, a_wait_on_a_watch_not_added_is_refused) {
  bcsc_epoll_reactor_t r;
  bcsc_executor_t ex;
  bcsc_epoll_watch_t watch = BCSC_EPOLL_WATCH_INITIALIZER;
  io_task_t waiter;
  bcsc_test_misuse_t rec;
  int fds[2], writable;

  cr_assert_eq(bcsc_epoll_reactor_init(&r), 0);
  bcsc_test_executor_with(&ex, &r.base);
  make_pipe(fds);
  for (writable = 0; writable <= 1; writable++) {
    io_init(&waiter, &r);
    waiter.watch = &watch;
    waiter.writable = writable;
    bcsc_test_misuse_install(&rec);
    cr_assert_eq(bcsc_executor_run(&ex, &waiter.task), BCSC_ESTATE);
    cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_REACTOR_STATE, &watch),
              "writable %d", writable);
    bcsc_test_misuse_uninstall();
    cr_assert_eq(waiter.rc, BCSC_ESTATE);
    cr_assert_eq(waiter.polls, 1);
  }
  cr_assert_eq(bcsc_epoll_watch_add(&r, &watch, fds[1]), 0);
  io_init(&waiter, &r);
  waiter.watch = &watch;
  waiter.writable = 1; /* an empty pipe is writable at once */
  cr_assert_eq(bcsc_executor_run(&ex, &waiter.task), 0);
  cr_assert_neq(waiter.value & EPOLLOUT, 0);
  cr_assert_eq(bcsc_epoll_watch_remove(&r, &watch), 0);
  close(fds[0]);
  close(fds[1]);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
  cr_assert_eq(bcsc_epoll_reactor_deinit(&r), 0);
}

/* The fd closed while watched: the wait cannot arm the kernel for it, and
 * says so (BCSC_ECLOSED, not misuse: the fd is the program's). */
Test(reactor_epoll, a_wait_on_a_watched_fd_closed_since_is_eclosed) {
  bcsc_epoll_reactor_t r;
  bcsc_executor_t ex;
  bcsc_epoll_watch_t watch = BCSC_EPOLL_WATCH_INITIALIZER;
  io_task_t waiter;
  bcsc_test_misuse_t rec;
  int fds[2];

  cr_assert_eq(bcsc_epoll_reactor_init(&r), 0);
  bcsc_test_executor_with(&ex, &r.base);
  make_pipe(fds);
  cr_assert_eq(bcsc_epoll_watch_add(&r, &watch, fds[0]), 0);
  cr_assert_eq(close(fds[0]), 0);
  io_init(&waiter, &r);
  waiter.watch = &watch;
  bcsc_test_misuse_install(&rec);
  cr_assert_eq(bcsc_executor_run(&ex, &waiter.task), BCSC_ECLOSED);
  cr_assert_eq(rec.count, 0);
  bcsc_test_misuse_uninstall();
  cr_assert_eq(waiter.rc, BCSC_ECLOSED);
  cr_assert_eq(waiter.polls, 1);
  cr_assert_not(bcsc_wait_linked(&waiter.wait), "a refused wait stayed linked");
  cr_assert_eq(bcsc_epoll_watch_remove(&r, &watch), 0);
  cr_assert_eq(close(fds[1]), 0);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
  cr_assert_eq(bcsc_epoll_reactor_deinit(&r), 0);
}

/* Each refusal is misuse (D92): REACTOR_BUSY naming the watch or the
 * reactor in the checked build, BCSC_EBUSY alone in release; and each
 * leaves its object working. */
Test(reactor_epoll, teardown_is_refused_while_tasks_wait) {
  bcsc_epoll_reactor_t r;
  bcsc_executor_t ex;
  bcsc_epoll_watch_t watch = BCSC_EPOLL_WATCH_INITIALIZER;
  bcsc_test_leaf_t watcher;
  io_task_t reader;
  int fds[2];
  bcsc_test_misuse_t rec;

  cr_assert_eq(bcsc_epoll_reactor_init(&r), 0);
  bcsc_test_executor_with(&ex, &r.base);
  make_pipe(fds);
  cr_assert_eq(bcsc_epoll_watch_add(&r, &watch, fds[0]), 0);
  io_init(&reader, &r);
  reader.watch = &watch;
  bcsc_test_leaf_init(&watcher, 1);
  watcher.queue = bcsc_epoll_reactor_unparked(&r);
  cr_assert_eq(bcsc_executor_spawn(&ex, &reader.task), 0);
  cr_assert_eq(bcsc_executor_spawn(&ex, &watcher.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 2), 2);
  bcsc_test_misuse_install(&rec);
  cr_assert_eq(bcsc_epoll_watch_remove(&r, &watch), BCSC_EBUSY);
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_REACTOR_BUSY, &watch));
  cr_assert_eq(bcsc_epoll_reactor_deinit(&r), BCSC_EBUSY);
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_REACTOR_BUSY, &r));
  bcsc_test_misuse_uninstall();
  /* Both still work: an unpark wakes the watcher, data the reader. */
  vunpark(&r);
  cr_assert_eq(write(fds[1], "q", 1), 1);
  cr_assert_eq(bcsc_executor_run(&ex, NULL), 0);
  cr_assert(watcher.waited);
  cr_assert_eq(watcher.value, 1);
  cr_assert_eq(reader.rc, 0);
  bcsc_test_misuse_install(&rec);
  cr_assert_eq(bcsc_epoll_reactor_deinit(&r), BCSC_EBUSY); /* still added */
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_REACTOR_BUSY, &r));
  bcsc_test_misuse_uninstall();
  cr_assert_eq(bcsc_epoll_watch_remove(&r, &watch), 0);
  close(fds[0]);
  close(fds[1]);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
  cr_assert_eq(bcsc_epoll_reactor_deinit(&r), 0);
}

/* Sleeps under the epoll reactor, as under the others. */
typedef struct sleeper {
  bcsc_task_t task;
  bcsc_timer_t timer;
  bcsc_executor_t *ex;
  uint64_t started_at;
  uint64_t woke_at;
  uint32_t polls;
} sleeper_t;

static int sleeper_poll(bcsc_task_t *self) {
  sleeper_t *s = (sleeper_t *)(void *)self;
  int rc;
  if (s->polls++ == 0)
    s->started_at = bcsc_executor_now(s->ex);
  if ((rc = bcsc_sleep_for(self, &s->timer, 2 * BCSC_MSEC)) != 0)
    return rc;
  s->woke_at = bcsc_executor_now(s->ex);
  return 0;
}

Test(reactor_epoll, sleep_for_wakes_at_or_after_the_deadline) {
  bcsc_epoll_reactor_t r;
  bcsc_executor_t ex;
  sleeper_t s;
  cr_assert_eq(bcsc_epoll_reactor_init(&r), 0);
  bcsc_test_executor_with(&ex, &r.base);
  memset(&s, 0, sizeof s);
  cr_assert_eq(bcsc_task_init(&s.task, sleeper_poll, NULL), 0);
  cr_assert_eq(bcsc_timer_init(&s.timer), 0);
  s.ex = &ex;
  cr_assert_eq(bcsc_executor_run(&ex, &s.task), 0);
  cr_assert_geq(s.woke_at, s.started_at + 2 * BCSC_MSEC);
  /* Once to sleep and once woken - or once, if the machine was so slow
   * (valgrind, load) that the deadline passed before the timer was linked:
   * never more, so no park ended early and made a task look due. */
  cr_assert(s.polls == 1 || s.polls == 2, "polled %u times", s.polls);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
  cr_assert_eq(bcsc_epoll_reactor_deinit(&r), 0);
}

/* ---- a loopback TCP connection ------------------------------------------ */

/* A non-blocking listener on 127.0.0.1 and a port the kernel picks;
 * `addr` receives its address. */
static int tcp_listener(struct sockaddr_in *addr) {
  socklen_t len = sizeof *addr;
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  cr_assert_geq(fd, 0, "socket: %s", strerror(errno));
  memset(addr, 0, sizeof *addr);
  addr->sin_family = AF_INET;
  addr->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr->sin_port = 0;
  cr_assert_eq(bind(fd, (struct sockaddr *)addr, sizeof *addr), 0, "bind: %s",
               strerror(errno));
  cr_assert_eq(listen(fd, 4), 0);
  cr_assert_eq(getsockname(fd, (struct sockaddr *)addr, &len), 0);
  cr_assert_neq(addr->sin_port, 0);
  return fd;
}

/* Starts a non-blocking connect to `addr`: it may complete at once or,
 * as usual, later (EINPROGRESS). */
static int tcp_connect_start(const struct sockaddr_in *addr) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  cr_assert_geq(fd, 0);
  if (connect(fd, (const struct sockaddr *)addr, sizeof *addr) != 0)
    cr_assert_eq(errno, EINPROGRESS, "connect: %s", strerror(errno));
  return fd;
}

static int socket_error(int fd) {
  int err = -1;
  socklen_t len = sizeof err;
  cr_assert_eq(getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len), 0);
  return err;
}

/* Blocks in poll(2) until `fd` reports `events` - an event, not a sleep;
 * the timeout only turns a lost event into a failure instead of a hang. */
static void wait_for(int fd, short events) {
  struct pollfd p = {.fd = fd, .events = events, .revents = 0};
  cr_assert_eq(poll(&p, 1, 10000), 1, "fd %d never reported %#x", fd,
               (unsigned)events);
  cr_assert_neq(p.revents & events, 0);
}

/* A connected pair, set up without the reactor: `client` connected to
 * `server`, both non-blocking. */
static void tcp_pair(int *client, int *server) {
  struct sockaddr_in addr;
  int listener = tcp_listener(&addr);
  *client = tcp_connect_start(&addr);
  wait_for(listener, POLLIN);
  *server = accept4(listener, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
  cr_assert_geq(*server, 0, "accept4: %s", strerror(errno));
  wait_for(*client, POLLOUT);
  cr_assert_eq(socket_error(*client), 0);
  close(listener);
}

Test(reactor_epoll, tcp_connect_completes_writable_and_the_listener_readable,
     .timeout = 30) {
  bcsc_epoll_reactor_t r;
  bcsc_executor_t ex;
  struct sockaddr_in addr;
  io_task_t connecting, accepting;
  int listener, client, server;

  cr_assert_eq(bcsc_epoll_reactor_init(&r), 0);
  bcsc_test_executor_with(&ex, &r.base);
  listener = tcp_listener(&addr);
  client = tcp_connect_start(&addr);

  /* One task waits for the connect to complete (writable), one for the
   * connection to queue on the listener (readable); each owns its watch. */
  io_init(&connecting, &r);
  connecting.own_fd = client;
  connecting.writable = 1;
  io_init(&accepting, &r);
  accepting.own_fd = listener;
  cr_assert_eq(bcsc_executor_spawn(&ex, &connecting.task), 0);
  cr_assert_eq(bcsc_executor_spawn(&ex, &accepting.task), 0);
  cr_assert_eq(bcsc_executor_run(&ex, NULL), 0);

  cr_assert_eq(connecting.rc, 0);
  cr_assert_neq(connecting.value & BCSC_EPOLL_OUT, 0);
  cr_assert_eq(connecting.value & (BCSC_EPOLL_ERR | BCSC_EPOLL_HUP), 0,
               "connect reported %#lx", (unsigned long)connecting.value);
  cr_assert_eq(socket_error(client), 0, "the connect succeeded");
  cr_assert_eq(connecting.removed_rc, 0);
  cr_assert_eq(accepting.rc, 0);
  cr_assert_neq(accepting.value & BCSC_EPOLL_IN, 0);
  cr_assert_eq(accepting.value & (BCSC_EPOLL_ERR | BCSC_EPOLL_HUP), 0);
  cr_assert_eq(accepting.removed_rc, 0);
  /* Readable meant it: a connection is there to accept. */
  server = accept4(listener, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
  cr_assert_geq(server, 0, "accept4: %s", strerror(errno));

  close(server);
  close(client);
  close(listener);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
  cr_assert_eq(bcsc_epoll_reactor_deinit(&r), 0);
}

Test(reactor_epoll, tcp_data_from_the_peer_wakes_the_reader, .timeout = 30) {
  bcsc_epoll_reactor_t r;
  bcsc_executor_t ex;
  io_task_t reader;
  int client, server;
  char buf[8];

  cr_assert_eq(bcsc_epoll_reactor_init(&r), 0);
  bcsc_test_executor_with(&ex, &r.base);
  tcp_pair(&client, &server);
  io_init(&reader, &r);
  reader.own_fd = client;
  cr_assert_eq(bcsc_executor_spawn(&ex, &reader.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 1), 1); /* watch added, armed */
  /* Nothing has been sent: a park that looks does not wake it. */
  cr_assert_eq(vpark(&r, 0), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 1), 0);
  cr_assert_eq(reader.polls, 1);

  cr_assert_eq(write(server, "ping", 4), 4);
  cr_assert_eq(bcsc_executor_run(&ex, &reader.task), 0);
  cr_assert_eq(reader.rc, 0);
  cr_assert_eq(reader.polls, 2);
  cr_assert_neq(reader.value & BCSC_EPOLL_IN, 0);
  cr_assert_eq(reader.value &
                   (BCSC_EPOLL_RDHUP | BCSC_EPOLL_HUP | BCSC_EPOLL_ERR),
               0, "an open peer reported %#lx", (unsigned long)reader.value);
  cr_assert_eq(bcsc_epoll_watch_events(&reader.own_watch), reader.value);
  cr_assert_eq(reader.removed_rc, 0);
  cr_assert_eq(read(client, buf, sizeof buf), 4);
  cr_assert_eq(memcmp(buf, "ping", 4), 0);

  close(server);
  close(client);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
  cr_assert_eq(bcsc_epoll_reactor_deinit(&r), 0);
}

Test(reactor_epoll, tcp_the_peer_closing_reaches_the_reader_as_rdhup,
     .timeout = 30) {
  bcsc_epoll_reactor_t r;
  bcsc_executor_t ex;
  io_task_t reader;
  int client, server;
  char c;

  cr_assert_eq(bcsc_epoll_reactor_init(&r), 0);
  bcsc_test_executor_with(&ex, &r.base);
  tcp_pair(&client, &server);
  io_init(&reader, &r);
  reader.own_fd = client;
  cr_assert_eq(bcsc_executor_spawn(&ex, &reader.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 1), 1);
  cr_assert_eq(reader.polls, 1);

  /* An orderly close (FIN): the reader's side is shut for reading. The
   * reactor arms EPOLLRDHUP with every read interest, so the waiter learns
   * "the peer is gone" from the value, not only "readable". */
  close(server);
  cr_assert_eq(bcsc_executor_run(&ex, &reader.task), 0);
  cr_assert_eq(reader.rc, 0);
  cr_assert_neq(reader.value & BCSC_EPOLL_IN, 0);
  cr_assert_neq(reader.value & BCSC_EPOLL_RDHUP, 0, "value %#lx",
                (unsigned long)reader.value);
  cr_assert_eq(reader.value & BCSC_EPOLL_ERR, 0);
  cr_assert_eq(bcsc_epoll_watch_events(&reader.own_watch), reader.value);
  cr_assert_eq(reader.removed_rc, 0);
  cr_assert_eq(read(client, &c, 1), 0, "end of stream");

  close(client);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
  cr_assert_eq(bcsc_epoll_reactor_deinit(&r), 0);
}

Test(reactor_epoll, tcp_a_reset_reaches_the_reader_as_err_and_hup,
     .timeout = 30) {
  bcsc_epoll_reactor_t r;
  bcsc_executor_t ex;
  io_task_t reader;
  int client, server;
  char c;

  cr_assert_eq(bcsc_epoll_reactor_init(&r), 0);
  bcsc_test_executor_with(&ex, &r.base);
  tcp_pair(&client, &server);
  io_init(&reader, &r);
  reader.own_fd = client;
  cr_assert_eq(bcsc_executor_spawn(&ex, &reader.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 1), 1);

  /* The peer closes with data it never read: TCP resets the connection,
   * which closes both directions - HUP, and the error in ERR. */
  cr_assert_eq(write(client, "unread", 6), 6);
  wait_for(server, POLLIN);
  close(server);
  cr_assert_eq(bcsc_executor_run(&ex, &reader.task), 0);
  cr_assert_eq(reader.rc, 0);
  cr_assert_neq(reader.value & BCSC_EPOLL_HUP, 0, "value %#lx",
                (unsigned long)reader.value);
  cr_assert_neq(reader.value & BCSC_EPOLL_ERR, 0, "value %#lx",
                (unsigned long)reader.value);
  cr_assert_neq(reader.value & BCSC_EPOLL_RDHUP, 0);
  cr_assert_eq(reader.removed_rc, 0);
  cr_assert_eq(read(client, &c, 1), -1);
  cr_assert_eq(errno, ECONNRESET);

  close(client);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
  cr_assert_eq(bcsc_epoll_reactor_deinit(&r), 0);
}

/* ---- copies (D99) --------------------------------------------------------
 * The reactor's fds are the original's, and the kernel's epoll set holds an
 * added watch by its address: a memcpy of either, the original left in
 * place, is refused as moved by every operation that takes it (BCSC_EBADOBJ,
 * one MOVED report in the checked build), and the original works to its
 * end. Before D99 the copy's deinit closed the original's fds, and its
 * watch_add put a watch in the original's set under the copy's count. */

Test(reactor_epoll, copies_of_the_reactor_and_of_an_added_watch_are_refused) {
  bcsc_epoll_reactor_t r, r_copy;
  bcsc_epoll_watch_t w, w_copy, other;
  bcsc_executor_t ex;
  bcsc_task_t task;
  bcsc_wait_t wait = BCSC_WAIT_INITIALIZER;
  io_task_t reader;
  bcsc_test_misuse_t rec;
  int fds[2];
  char c;
  cr_assert_eq(bcsc_epoll_reactor_init(&r), 0);
  bcsc_test_executor_with(&ex, &r.base);
  make_pipe(fds);
  cr_assert_eq(bcsc_epoll_watch_init(&w), 0);
  cr_assert_eq(bcsc_epoll_watch_init(&other), 0);
  cr_assert_eq(bcsc_epoll_watch_add(&r, &w, fds[0]), 0);
  cr_assert_eq(bcsc_task_init(&task, io_poll, NULL), 0);
  memcpy(&r_copy, &r, sizeof r);
  memcpy(&w_copy, &w, sizeof w);

  bcsc_test_misuse_install(&rec);
  cr_assert_eq(bcsc_epoll_reactor_deinit(&r_copy), BCSC_EBADOBJ);
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_MOVED, &r_copy));
  cr_assert_eq(bcsc_epoll_reactor_set_spin(&r_copy, 1), BCSC_EBADOBJ);
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_MOVED, &r_copy));
  cr_assert_eq(bcsc_epoll_watch_add(&r_copy, &other, fds[1]), BCSC_EBADOBJ);
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_MOVED, &r_copy));
  cr_assert_eq(bcsc_epoll_watch_remove(&r_copy, &w), BCSC_EBADOBJ);
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_MOVED, &r_copy));
  /* A copy given to an executor: its first park refuses it. */
  cr_assert_eq(vpark(&r_copy, 0), BCSC_EBADOBJ);
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_MOVED, &r_copy));
  cr_assert_eq(bcsc_epoll_reactor_parks(&r_copy), 0);
  /* The watch's copy, with the original reactor. */
  cr_assert_eq(bcsc_epoll_watch_add(&r, &w_copy, fds[1]), BCSC_EBADOBJ);
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_MOVED, &w_copy));
  cr_assert_eq(bcsc_epoll_watch_remove(&r, &w_copy), BCSC_EBADOBJ);
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_MOVED, &w_copy));
  cr_assert_eq(bcsc_epoll_wait_readable(&task, &w_copy, &wait), BCSC_EBADOBJ);
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_MOVED, &w_copy));
  cr_assert_eq(bcsc_epoll_wait_writable(&task, &w_copy, &wait), BCSC_EBADOBJ);
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_MOVED, &w_copy));
  bcsc_test_misuse_uninstall();
  cr_assert(!bcsc_wait_linked(&wait));

  /* The originals: a reader waits on the watch and is woken through it. */
  io_init(&reader, &r);
  reader.watch = &w;
  cr_assert_eq(write(fds[1], "x", 1), 1);
  cr_assert_eq(bcsc_executor_spawn(&ex, &reader.task), 0);
  cr_assert_eq(bcsc_executor_run(&ex, NULL), 0);
  cr_assert_eq(reader.rc, 0);
  cr_assert_neq(reader.value & EPOLLIN, 0);
  cr_assert_eq(read(fds[0], &c, 1), 1);
  cr_assert_eq(bcsc_epoll_watch_remove(&r, &w), 0);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
  cr_assert_eq(bcsc_epoll_reactor_deinit(&r), 0, "its fds were its own");
  close(fds[0]);
  close(fds[1]);
}

/* The watch moves while added and its old memory becomes something else
 * (@p reinit: a new watch, else other bytes): the kernel still names the
 * old address. Park does not wake through it, answers BCSC_EBADOBJ, and
 * the checked build says so as a check of that memory would (D99). */
static void report_for_a_watch_that_moved(int reinit) {
  bcsc_epoll_reactor_t r;
  bcsc_epoll_watch_t w, moved, before;
  bcsc_test_misuse_t rec;
  int fds[2];
  cr_assert_eq(bcsc_epoll_reactor_init(&r), 0);
  make_pipe(fds);
  cr_assert_eq(bcsc_epoll_watch_init(&w), 0);
  cr_assert_eq(bcsc_epoll_watch_add(&r, &w, fds[0]), 0);
  memcpy(&moved, &w, sizeof w);
  if (reinit)
    cr_assert_eq(bcsc_epoll_watch_init(&w), 0);
  else
    memset(&w, 0x5a, sizeof w);
  memcpy(&before, &w, sizeof w);
  /* A hang-up is reported with no interest armed. */
  close(fds[1]);
  bcsc_test_misuse_install(&rec);
  cr_assert_eq(vpark(&r, vnow(&r) + 10 * BCSC_MSEC), BCSC_EBADOBJ);
  cr_assert(bcsc_test_misuse_one(
      &rec, reinit ? BCSC_MISUSE_MOVED : BCSC_MISUSE_BAD_OBJECT, &w));
  bcsc_test_misuse_uninstall();
  cr_assert_eq(memcmp(&w, &before, sizeof w), 0, "written through");
  /* Put back, it is removed and the reactor closes. */
  memcpy(&w, &moved, sizeof w);
  cr_assert_eq(bcsc_epoll_watch_remove(&r, &w), 0);
  cr_assert_eq(bcsc_epoll_reactor_deinit(&r), 0);
  close(fds[0]);
}

Test(reactor_epoll, a_report_for_a_watch_that_moved_is_not_written_through) {
  report_for_a_watch_that_moved(1);
}

Test(reactor_epoll, a_report_for_a_watch_overwritten_is_not_written_through) {
  report_for_a_watch_that_moved(0);
}

/* Mutation seed 14 (reactors/epoll.c:341 `fd < 0` -> `fd <= 0`): fd 0 is
 * a descriptor like any other - a daemon that closed its stdin gets it
 * back from its next socket() - and is watched like one. */
Test(reactor_epoll, fd_0_is_watched_like_any_other) {
  bcsc_epoll_reactor_t r;
  bcsc_epoll_watch_t w;
  int fds[2], saved;
  cr_assert_eq(bcsc_epoll_reactor_init(&r), 0);
  make_pipe(fds);
  cr_assert_geq(saved = dup(0), 0);
  cr_assert_eq(dup2(fds[0], 0), 0);
  cr_assert_eq(bcsc_epoll_watch_init(&w), 0);
  cr_assert_eq(bcsc_epoll_watch_add(&r, &w, 0), 0);
  /* The hang-up of fd 0's writer is reported for the watch. */
  close(fds[1]);
  cr_assert_eq(vpark(&r, 0), 0);
  cr_assert_neq(bcsc_epoll_watch_events(&w) & EPOLLHUP, 0);
  cr_assert_eq(bcsc_epoll_watch_remove(&r, &w), 0);
  cr_assert_eq(dup2(saved, 0), 0);
  close(saved);
  close(fds[0]);
  cr_assert_eq(bcsc_epoll_reactor_deinit(&r), 0);
}

/* The header says 0 before any report, for a watch just added and for
 * one added again after reports of its earlier fd (the add's `events =
 * 0`, reactors/epoll.c:371). */
Test(reactor_epoll, events_are_0_until_a_report_after_each_add) {
  bcsc_epoll_reactor_t r;
  bcsc_epoll_watch_t w;
  int fds[2], again[2];
  cr_assert_eq(bcsc_epoll_reactor_init(&r), 0);
  make_pipe(fds);
  make_pipe(again);
  cr_assert_eq(bcsc_epoll_watch_init(&w), 0);
  cr_assert_eq(bcsc_epoll_watch_add(&r, &w, fds[0]), 0);
  cr_assert_eq(bcsc_epoll_watch_events(&w), 0);
  /* A hang-up is reported with no interest armed. */
  close(fds[1]);
  cr_assert_eq(vpark(&r, 0), 0);
  cr_assert_neq(bcsc_epoll_watch_events(&w) & EPOLLHUP, 0);
  cr_assert_eq(bcsc_epoll_watch_remove(&r, &w), 0);
  cr_assert_eq(bcsc_epoll_watch_add(&r, &w, again[0]), 0);
  cr_assert_eq(bcsc_epoll_watch_events(&w), 0);
  cr_assert_eq(bcsc_epoll_watch_remove(&r, &w), 0);
  close(fds[0]);
  close(again[0]);
  close(again[1]);
  cr_assert_eq(bcsc_epoll_reactor_deinit(&r), 0);
}

/* The same for the epoll reactor (reactors/epoll.c:294, `wake_fd = -1`,
 * the descriptor its unpark writes to): deinit leaves the base alone, and
 * an unpark through it afterwards must write to no descriptor, not to
 * stdin. */
Test(reactor_epoll, an_unpark_after_deinit_writes_to_no_descriptor) {
  bcsc_epoll_reactor_t r;
  cr_assert_eq(bcsc_epoll_reactor_init(&r), 0);
  cr_assert_eq(bcsc_epoll_reactor_deinit(&r), 0);
  bcsc_test_unpark_after_deinit_writes_nowhere(&r.base);
}

/* Deinit gives back every descriptor init opened (the epoll fd, the
 * eventfd, the timerfd), after a park that armed the timer. */
Test(reactor_epoll, deinit_closes_every_descriptor_init_opened) {
  bcsc_epoll_reactor_t r;
  int before = bcsc_test_fds_open();
  cr_assert_eq(bcsc_epoll_reactor_init(&r), 0);
  cr_assert_eq(bcsc_test_fds_open(), before + 3);
  cr_assert_eq(vpark(&r, vnow(&r) + BCSC_MSEC), 0);
  cr_assert_eq(bcsc_epoll_reactor_deinit(&r), 0);
  cr_assert_eq(bcsc_test_fds_open(), before);
}

/* Mutation seed 14 (reactors/wake_fd.c:133, the no-spin test of
 * bcsc__sleep_until() negated: a spin window was never left to spin): a
 * park whose deadline is nearer than spin_ns busy-waits, polling the fds
 * without blocking over and over, and one without the option sleeps in
 * one or two epoll_wait() calls. Each poll takes a system call of a
 * microsecond or so: 20 ms of spinning makes thousands, even on a loaded
 * machine. */
Test(reactor_epoll, a_spin_window_polls_without_blocking_and_a_sleep_does_not) {
  bcsc_epoll_reactor_t r;
  uint64_t deadline, polls;
  cr_assert_eq(bcsc_epoll_reactor_init(&r), 0);
  polls = bcsc_epoll_reactor_polls(&r);
  deadline = vnow(&r) + 20 * BCSC_MSEC;
  cr_assert_eq(vpark(&r, deadline), 0);
  cr_assert_geq(vnow(&r), deadline);
  cr_assert_leq(bcsc_epoll_reactor_polls(&r) - polls, 3, "a sleep");
  cr_assert_eq(bcsc_epoll_reactor_set_spin(&r, BCSC_SEC), 0);
  polls = bcsc_epoll_reactor_polls(&r);
  deadline = vnow(&r) + 20 * BCSC_MSEC;
  cr_assert_eq(vpark(&r, deadline), 0);
  cr_assert_geq(vnow(&r), deadline);
  cr_assert_gt(bcsc_epoll_reactor_polls(&r) - polls, 10, "a spin");
  cr_assert_eq(bcsc_epoll_reactor_deinit(&r), 0);
}
