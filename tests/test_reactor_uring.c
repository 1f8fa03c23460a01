/* SPDX-License-Identifier: MIT
 * test_reactor_uring.c - the io_uring reactor: the clock and unpark
 * contract it shares with the POSIX reactor (both ways of waiting for a
 * deadline), then operations under an executor - pipe and socketpair reads
 * and writes, a write and a read at a file offset, poll readiness and
 * hang-ups, the errors of a busy op and a busy reactor - and last what the
 * reactor is for: a read into a task's frame whose task is cancelled, by
 * its scope, its scope's deadline, or a registration that fires first,
 * holds the frame until the kernel has reported the read's end, and a read
 * that completed while its cancel was on its way delivers its data. Then
 * the same with the kernel refusing submissions (a seam below): cancels
 * owed for want of a free SQE, one and several, a park that must send an
 * owed cancel before it sleeps, a drain grace that reports a reader whose
 * cancel the kernel has not had, and parks with no room for their timeout
 * request.
 *
 * If this machine has no io_uring (ENOSYS, or EPERM from a seccomp profile
 * or kernel.io_uring_disabled) every test fails and says so, unless
 * BCSC_TEST_NO_URING=1 is set: then each is skipped, saying it did not
 * run (docs/testing.md). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* pipe2() */
#endif

#include <criterion/criterion.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/io_uring.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <bcsc.h>
#include <bcsc/reactor_uring.h>

#include "bcsc_test.h"
#include "bcsc_test_unpark.h"

/* ---- the submission seam -------------------------------------------------
 *
 * The reactor makes its system calls through libc's syscall(), and the
 * tests link libbcsc.a: this definition of syscall() is the one the
 * reactor calls in this program (and, being exported, in any shared
 * library of it). It forwards every call to libc's, except io_uring_enter()
 * while `refuse` is set: then that fails with `refuse` as its errno, the
 * way the kernel refuses a submission it has no memory for (EAGAIN) or
 * whose completions are backed up (EBUSY). No SQE is consumed, so the
 * reactor's submission ring stays as full as the test made it; that is the
 * only way to reach its owed cancels (D78), which a kernel with memory to
 * spare never causes. With `refuse_setup` set, io_uring_setup() fails
 * with it as its errno, as a kernel without io_uring (ENOSYS) or one
 * that forbids it (EPERM) does. Before failing, the seam makes one real system
 * call (sched_yield()): the kernel runs the io_uring work it owes this thread
 * on the way back, as it would in a refused io_uring_enter(), so completions of
 * requests already submitted still arrive in the completion ring. Like libc's
 * own syscall(), it passes on six argument words whatever the call takes (the
 * Linux ABIs it runs on read them from registers). */
static struct {
  int refuse;       /* 0, or the errno io_uring_enter() fails with */
  int left;         /* refusals left before it works again; -1: no end */
  uint64_t refused; /* how many calls it refused */
  int refuse_setup; /* 0, or the errno io_uring_setup() fails with */
  long (*real)(long, ...);
} seam;

long syscall(long number, ...) {
  long a[6];
  va_list ap;
  int i;
  va_start(ap, number);
  for (i = 0; i < 6; i++)
    a[i] = va_arg(ap, long);
  va_end(ap);
  if (seam.real == NULL) {
    void *sym = dlsym(RTLD_NEXT, "syscall");
    if (sym == NULL)
      abort();
    memcpy(&seam.real, &sym, sizeof sym); /* ISO C: no void* -> fn cast */
  }
  if (number == __NR_io_uring_setup && seam.refuse_setup != 0) {
    errno = seam.refuse_setup;
    return -1;
  }
  if (number == __NR_io_uring_enter && seam.refuse != 0) {
    int err = seam.refuse;
    seam.refused++;
    if (seam.left > 0 && --seam.left == 0)
      seam.refuse = 0; /* the next call works */
    (void)seam.real(__NR_sched_yield);
    errno = err;
    return -1;
  }
  return seam.real(number, a[0], a[1], a[2], a[3], a[4], a[5]);
}

/* Makes the next @p times calls of io_uring_enter() fail with @p err (-1:
 * every call from now on); 0 for @p err: they work again. */
static void refuse_submission_times(int err, int times) {
  seam.refuse = err;
  seam.left = times;
  if (err != 0)
    seam.refused = 0;
}

static void refuse_submission(int err) { refuse_submission_times(err, -1); }

/* Open @p r, or end the test: failed, unless BCSC_TEST_NO_URING=1 says
 * this environment has no io_uring on purpose. */
static void uring_open(bcsc_uring_reactor_t *r, uint32_t entries,
                       uint32_t flags) {
  int rc = bcsc_uring_reactor_init(r, entries, flags);
  if (rc == BCSC_ENOTSUP) {
    const char *no = getenv("BCSC_TEST_NO_URING");
    if (no != NULL && strcmp(no, "1") == 0)
      cr_skip_test("not run: io_uring_setup() is refused here and "
                   "BCSC_TEST_NO_URING=1 is set");
    cr_assert_fail(
        "io_uring_setup() is refused on this machine (ENOSYS or EPERM: "
        "an old kernel, a seccomp profile, kernel.io_uring_disabled); "
        "set BCSC_TEST_NO_URING=1 to skip these tests");
  }
  cr_assert_eq(rc, 0, "bcsc_uring_reactor_init: %d", rc);
}

static uint64_t vnow(bcsc_uring_reactor_t *r) {
  return r->base.vtable->now(&r->base);
}
static int vpark(bcsc_uring_reactor_t *r, uint64_t deadline) {
  return r->base.vtable->park(&r->base, deadline);
}

static void make_pipe(int fds[2]) {
  cr_assert_eq(pipe2(fds, O_NONBLOCK | O_CLOEXEC), 0);
}

/* ---- the reactor on its own --------------------------------------------- */

Test(reactor_uring, init_deinit_and_null_arguments) {
  bcsc_uring_reactor_t r;
  bcsc_uring_op_t op = BCSC_URING_OP_INITIALIZER;
  bcsc_test_misuse_t rec;
  char c;
  bcsc_test_misuse_install(&rec);
  cr_assert_eq(bcsc_uring_reactor_init(NULL, 8, 0), BCSC_EINVAL);
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_NULL_OBJECT, NULL));
  cr_assert_eq(bcsc_uring_reactor_init(&r, 0, 0), BCSC_EINVAL);
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_BAD_ARGUMENT, &r));
  cr_assert_eq(bcsc_uring_reactor_init(&r, 4097, 0), BCSC_EINVAL);
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_BAD_ARGUMENT, &r));
  cr_assert_eq(bcsc_uring_reactor_init(&r, 8, 0x80), BCSC_EINVAL);
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_BAD_ARGUMENT, &r));
  cr_assert_eq(bcsc_uring_reactor_deinit(NULL), BCSC_EINVAL);
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_NULL_OBJECT, NULL));
  cr_assert_eq(bcsc_uring_reactor_set_spin(NULL, 1), BCSC_EINVAL);
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_NULL_OBJECT, NULL));
  cr_assert_null(bcsc_uring_reactor_unparked(NULL));
  cr_assert_eq(bcsc_uring_reactor_parks(NULL), 0);
  cr_assert_eq(bcsc_uring_reactor_enters(NULL), 0);
  cr_assert_eq(bcsc_uring_reactor_in_flight(NULL), 0);
  cr_assert_eq(bcsc_uring_reactor_sizeof(), sizeof(bcsc_uring_reactor_t));
  cr_assert_eq(bcsc_uring_reactor_alignof(), _Alignof(bcsc_uring_reactor_t));
  cr_assert_eq(bcsc_uring_op_sizeof(), sizeof(bcsc_uring_op_t));
  cr_assert_eq(bcsc_uring_op_alignof(), _Alignof(bcsc_uring_op_t));
  cr_assert_eq(bcsc_uring_op_init(NULL), BCSC_EINVAL);
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_NULL_OBJECT, NULL));
  cr_assert_eq(bcsc_uring_op_busy(NULL), 0);
  cr_assert_eq(bcsc_uring_op_result(NULL), 0);
  cr_assert_null(bcsc_uring_op_queue(NULL));
  cr_assert_eq(bcsc_uring_op_cancel(NULL), BCSC_EINVAL);
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_NULL_OBJECT, NULL));
  bcsc_test_misuse_uninstall();

  memset(&r, 0xa5, sizeof r);
  uring_open(&r, 8, 0);
  cr_assert_null(r.base.data, "_init writes the host's data word");
  cr_assert_eq(bcsc_reactor_check(&r.base), 0);
  bcsc_test_misuse_install(&rec);
  cr_assert_eq(bcsc_uring_read(NULL, &op, 0, &c, 1, 0), BCSC_EINVAL);
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_NULL_OBJECT, NULL));
  cr_assert_eq(bcsc_uring_read(&r, NULL, 0, &c, 1, 0), BCSC_EINVAL);
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_NULL_OBJECT, NULL));
  /* Bad arguments are told as the core tells them: BAD_ARGUMENT on the op. */
  cr_assert_eq(bcsc_uring_read(&r, &op, -1, &c, 1, 0), BCSC_EINVAL);
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_BAD_ARGUMENT, &op));
  cr_assert_eq(bcsc_uring_read(&r, &op, 0, NULL, 1, 0), BCSC_EINVAL);
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_BAD_ARGUMENT, &op));
  cr_assert_eq(bcsc_uring_poll_add(&r, &op, 0, 0), BCSC_EINVAL);
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_BAD_ARGUMENT, &op));
  bcsc_test_misuse_uninstall();
  cr_assert_eq(bcsc_uring_start(&r, &op, 0xff, 0, 0, 0, 0, 0), BCSC_ENOTSUP);
  cr_assert_eq(bcsc_uring_op_busy(&op), 0);
  cr_assert_eq(bcsc_uring_op_cancel(&op), 0); /* not busy: nothing to do */
  cr_assert_eq(bcsc_uring_reactor_deinit(&r), 0);
}

/* The OS refusing the ring's descriptor (EMFILE) is BCSC_ENOSPC - a
 * resource, where a kernel without io_uring is BCSC_ENOTSUP - and not
 * misuse; once descriptors are free again the same call succeeds. */
Test(reactor_uring, init_without_a_free_descriptor_is_enospc) {
  bcsc_uring_reactor_t r;
  bcsc_test_misuse_t rec;
  uring_open(&r, 8, 0); /* io_uring is there: the refusal is the limit's */
  cr_assert_eq(bcsc_uring_reactor_deinit(&r), 0);
  bcsc_test_misuse_install(&rec);
  cr_assert_eq(bcsc_test_fds_exhaust(), 0);
  cr_assert_eq(bcsc_uring_reactor_init(&r, 8, 0), BCSC_ENOSPC);
  cr_assert_eq(bcsc_test_fds_restore(), 0);
  cr_assert_eq(rec.count, 0);
  bcsc_test_misuse_uninstall();
  uring_open(&r, 8, 0);
  cr_assert_eq(bcsc_uring_reactor_deinit(&r), 0);
}

/* A kernel without io_uring (ENOSYS) or one that forbids it (EPERM: a
 * seccomp profile, kernel.io_uring_disabled) is BCSC_ENOTSUP, through the
 * seam; not misuse, and the reactor is left closed, so a program can fall
 * back to another. */
Test(reactor_uring, a_kernel_that_refuses_io_uring_is_enotsup) {
  static const int refusals[] = {ENOSYS, EPERM};
  bcsc_uring_reactor_t r;
  bcsc_test_misuse_t rec;
  for (size_t i = 0; i < sizeof refusals / sizeof refusals[0]; i++) {
    memset(&r, 0, sizeof r);
    bcsc_test_misuse_install(&rec);
    seam.refuse_setup = refusals[i];
    cr_assert_eq(bcsc_uring_reactor_init(&r, 8, 0), BCSC_ENOTSUP, "errno %d",
                 refusals[i]);
    seam.refuse_setup = 0;
    cr_assert_eq(rec.count, 0);
    cr_assert_eq(bcsc_uring_reactor_deinit(&r), BCSC_EBADOBJ,
                 "a refused init left a reactor");
    bcsc_test_misuse_uninstall();
  }
  uring_open(&r, 8, 0);
  cr_assert_eq(bcsc_uring_reactor_deinit(&r), 0);
}

/* D90: a deinitialised reactor, and memory never initialised as one, are
 * refused - nothing closed, nothing started - and (checked build) reported
 * once each, naming them; so is an op that is not one, on every call that
 * takes it. */
Test(reactor_uring, a_deinitialised_or_zero_reactor_is_refused_and_reported) {
  bcsc_uring_reactor_t r, zero;
  bcsc_uring_op_t op = BCSC_URING_OP_INITIALIZER, bad;
  bcsc_task_t task;
  bcsc_wait_t wait;
  bcsc_test_misuse_t rec;
  char c;
  memset(&zero, 0, sizeof zero);
  memset(&bad, 0x5a, sizeof bad);
  uring_open(&r, 8, 0);
  cr_assert_eq(bcsc_uring_reactor_deinit(&r), 0);
  bcsc_test_misuse_install(&rec);
  cr_assert_eq(bcsc_uring_reactor_deinit(&r), BCSC_EBADOBJ);
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_BAD_OBJECT, &r));
  cr_assert_eq(bcsc_uring_reactor_set_spin(&r, 1), BCSC_EBADOBJ);
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_BAD_OBJECT, &r));
  cr_assert_eq(bcsc_uring_read(&r, &op, 0, &c, 1, 0), BCSC_EBADOBJ,
               "a closed reactor starts nothing");
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_BAD_OBJECT, &r));
  cr_assert_eq(bcsc_uring_start(&r, &op, 0xff, 0, 0, 0, 0, 0), BCSC_EBADOBJ);
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_BAD_OBJECT, &r));
  cr_assert_eq(bcsc_uring_reactor_deinit(&zero), BCSC_EBADOBJ);
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_BAD_OBJECT, &zero));
  cr_assert_eq(bcsc_uring_reactor_set_spin(&zero, 1), BCSC_EBADOBJ);
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_BAD_OBJECT, &zero));
  cr_assert_eq(bcsc_uring_poll_add(&zero, &op, 0, 1), BCSC_EBADOBJ);
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_BAD_OBJECT, &zero));
  cr_assert_eq(zero.priv.spin_ns, 0, "not written");
  cr_assert_neq(fcntl(0, F_GETFD), -1, "stdin is still open");
  bcsc_test_misuse_uninstall();

  uring_open(&r, 8, 0);
  bcsc_test_misuse_install(&rec);
  cr_assert_eq(bcsc_uring_read(&r, &bad, 0, &c, 1, 0), BCSC_EBADOBJ,
               "an uninitialised op is refused");
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_BAD_OBJECT, &bad));
  cr_assert_eq(bcsc_uring_op_cancel(&bad), BCSC_EBADOBJ);
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_BAD_OBJECT, &bad));
  cr_assert_eq(bcsc_uring_wait(&task, &bad, &wait), BCSC_EBADOBJ);
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_BAD_OBJECT, &bad));
  bcsc_test_misuse_uninstall();
  cr_assert_eq(bcsc_uring_reactor_deinit(&r), 0);
}

/* D89: a deinitialised reactor answers its queries as a zero one does:
 * its parks and ring entries are not counted on. Its base (vtable, the
 * host's data) is the caller's and stays. */
Test(reactor_uring, queries_after_deinit_answer_as_for_a_zero_reactor) {
  bcsc_uring_reactor_t r;
  uring_open(&r, 8, 0);
  r.base.data = &r;
  cr_assert_eq(vpark(&r, vnow(&r) + 1000000), 0);
  cr_assert_eq(bcsc_uring_reactor_parks(&r), 1);
  cr_assert_geq(bcsc_uring_reactor_enters(&r), 1);
  cr_assert_eq(bcsc_uring_reactor_deinit(&r), 0);
  cr_assert_eq(bcsc_uring_reactor_parks(&r), 0);
  cr_assert_eq(bcsc_uring_reactor_enters(&r), 0);
  cr_assert_eq(bcsc_uring_reactor_in_flight(&r), 0);
  cr_assert_eq(bcsc_waitq_count(bcsc_uring_reactor_unparked(&r)), 0);
  cr_assert_eq(r.base.data, &r);
}

static void parks_end_at_their_deadlines(uint32_t flags) {
  bcsc_uring_reactor_t r;
  uint64_t deadline, prev;
  int i;
  uring_open(&r, 4, flags);
  prev = vnow(&r);
  cr_assert_geq(prev, bcsc_test_monotonic_ns() - BCSC_SEC);
  for (i = 0; i < 5; i++) {
    deadline = vnow(&r) + 1 * BCSC_MSEC + (uint64_t)i * 333 * BCSC_USEC;
    cr_assert_eq(vpark(&r, deadline), 0);
    cr_assert_geq(vnow(&r), deadline);
    cr_assert_geq(vnow(&r), prev);
    prev = vnow(&r);
  }
  /* The same deadline twice: the armed timeout is kept (or has expired). */
  deadline = vnow(&r) + 2 * BCSC_MSEC;
  cr_assert_eq(vpark(&r, deadline), 0);
  cr_assert_eq(vpark(&r, deadline), 0);
  cr_assert_geq(vnow(&r), deadline);
  /* A deadline that moves closer replaces the armed one. */
  cr_assert_eq(vpark(&r, vnow(&r) + 1), 0);
  /* Past deadlines return at once, after one look at the rings. */
  cr_assert_eq(vpark(&r, 0), 0);
  cr_assert_eq(bcsc_uring_reactor_parks(&r), 9);
  /* The spin option ends at the deadline too. */
  cr_assert_eq(bcsc_uring_reactor_set_spin(&r, 500 * BCSC_USEC), 0);
  deadline = vnow(&r) + 2 * BCSC_MSEC;
  cr_assert_eq(vpark(&r, deadline), 0);
  cr_assert_geq(vnow(&r), deadline);
  cr_assert_eq(bcsc_uring_reactor_deinit(&r), 0);
}

Test(reactor_uring, a_timeout_only_park_ends_at_its_deadline) {
  parks_end_at_their_deadlines(0);
}

Test(reactor_uring, a_timeout_request_park_ends_at_its_deadline) {
  parks_end_at_their_deadlines(BCSC_URING_TIMEOUT_SQE);
}

Test(reactor_uring, unparks_before_during_and_from_a_signal_end_parks) {
  bcsc_uring_reactor_t r;
  uring_open(&r, 4, 0);
  bcsc_test_unparks_end_parks(&r.base);
  cr_assert_eq(bcsc_uring_reactor_deinit(&r), 0);
}

Test(reactor_uring, unparks_from_many_threads_are_never_lost) {
  bcsc_uring_reactor_t r;
  uring_open(&r, 4, 0);
  bcsc_test_unparks_race_parks(&r.base);
  cr_assert_eq(bcsc_uring_reactor_deinit(&r), 0);
}

/* ---- an I/O task -------------------------------------------------------- */

enum { IO_READ, IO_WRITE, IO_POLL };

/* Starts one op on its first poll and waits for it with
 * bcsc_uring_wait(); the buffer the kernel reads into is in this frame.
 * With `timeout`, a timer races the op: if it wins, the task returns at
 * once and leaves the op to the reactor's abort. */
typedef struct io_task {
  bcsc_task_t task; /* first */
  bcsc_uring_op_t op;
  bcsc_wait_t wait;
  bcsc_timer_t timer;
  bcsc_uring_reactor_t *r;
  int fd;
  int kind;
  uint32_t events;
  uint32_t len;
  uint64_t offset;
  uint64_t timeout;
  char buf[64];
  /* observations */
  uint32_t polls;
  int rc;
  int32_t result;
  uintptr_t value;
  int saw_cancelled;
  int timed_out;
} io_task_t;

static int io_poll(bcsc_task_t *self) {
  io_task_t *t = (io_task_t *)(void *)self;
  int rc;
  if (t->polls++ == 0) {
    switch (t->kind) {
    case IO_READ:
      rc = bcsc_uring_read(t->r, &t->op, t->fd, t->buf, t->len, t->offset);
      break;
    case IO_WRITE:
      rc = bcsc_uring_write(t->r, &t->op, t->fd, t->buf, t->len, t->offset);
      break;
    default:
      rc = bcsc_uring_poll_add(t->r, &t->op, t->fd, t->events);
      break;
    }
    if (rc != 0)
      return t->rc = rc;
  }
  if (t->timeout != 0) {
    rc = bcsc_sleep_for(self, &t->timer, t->timeout);
    if (rc == 0) {
      t->timed_out = 1;
      return t->rc = 0; /* the op is still in flight */
    }
    if (rc != BCSC_PENDING && rc != BCSC_ECANCELED)
      return t->rc = rc;
  }
  rc = bcsc_uring_wait(self, &t->op, &t->wait);
  if (rc == BCSC_PENDING)
    return rc;
  (void)bcsc_timer_stop(&t->timer);
  t->rc = rc;
  t->result = bcsc_uring_op_result(&t->op);
  t->value = t->wait.value;
  t->saw_cancelled = bcsc_task_cancelled(self);
  return rc < 0 ? rc : 0;
}

static void io_init(io_task_t *t, bcsc_uring_reactor_t *r, int kind, int fd) {
  memset(t, 0, sizeof *t);
  cr_assert_eq(bcsc_task_init(&t->task, io_poll, NULL), 0);
  cr_assert_eq(bcsc_uring_op_init(&t->op), 0);
  cr_assert_eq(bcsc_wait_init(&t->wait), 0);
  cr_assert_eq(bcsc_timer_init(&t->timer), 0);
  t->r = r;
  t->kind = kind;
  t->fd = fd;
  t->len = sizeof t->buf;
  t->offset = BCSC_URING_OFFSET_CURRENT;
  t->rc = 1;
}

Test(reactor_uring, a_pipe_carries_a_write_to_a_read) {
  bcsc_uring_reactor_t r;
  bcsc_executor_t ex;
  io_task_t reader, writer;
  int fds[2];
  uring_open(&r, 8, 0);
  bcsc_test_executor_with(&ex, &r.base);
  make_pipe(fds);
  io_init(&reader, &r, IO_READ, fds[0]);
  io_init(&writer, &r, IO_WRITE, fds[1]);
  memcpy(writer.buf, "hello", 5);
  writer.len = 5;
  cr_assert_eq(bcsc_executor_spawn(&ex, &reader.task), 0);
  cr_assert_eq(bcsc_executor_spawn(&ex, &writer.task), 0);
  cr_assert_eq(bcsc_executor_run(&ex, NULL), 0);

  cr_assert_eq(writer.rc, 0);
  cr_assert_eq(writer.result, 5);
  cr_assert_eq(writer.value, 5);
  cr_assert_eq(reader.rc, 0);
  cr_assert_eq(reader.result, 5);
  cr_assert_eq((intptr_t)reader.value, 5);
  cr_assert_eq(reader.polls, 2); /* to start, and once completed */
  cr_assert_eq(memcmp(reader.buf, "hello", 5), 0);
  cr_assert_eq(bcsc_uring_op_busy(&reader.op), 0);
  cr_assert_eq(bcsc_uring_reactor_in_flight(&r), 0);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
  cr_assert_eq(bcsc_uring_reactor_deinit(&r), 0);
  close(fds[0]);
  close(fds[1]);
}

Test(reactor_uring, a_socketpair_carries_data_both_ways) {
  bcsc_uring_reactor_t r;
  bcsc_executor_t ex;
  io_task_t a_read, b_read, a_write, b_write;
  int sv[2];
  uring_open(&r, 8, BCSC_URING_TIMEOUT_SQE);
  bcsc_test_executor_with(&ex, &r.base);
  cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
  io_init(&a_read, &r, IO_READ, sv[0]);
  io_init(&b_read, &r, IO_READ, sv[1]);
  io_init(&a_write, &r, IO_WRITE, sv[0]);
  io_init(&b_write, &r, IO_WRITE, sv[1]);
  memcpy(a_write.buf, "ping", 4);
  a_write.len = 4;
  memcpy(b_write.buf, "pong!", 5);
  b_write.len = 5;
  /* The readers first: they wait in the kernel until the writes land. */
  cr_assert_eq(bcsc_executor_spawn(&ex, &a_read.task), 0);
  cr_assert_eq(bcsc_executor_spawn(&ex, &b_read.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 2), 2);
  cr_assert_eq(vpark(&r, 0), 0);
  cr_assert_eq(bcsc_uring_reactor_in_flight(&r), 2);
  cr_assert_eq(bcsc_executor_spawn(&ex, &a_write.task), 0);
  cr_assert_eq(bcsc_executor_spawn(&ex, &b_write.task), 0);
  cr_assert_eq(bcsc_executor_run(&ex, NULL), 0);
  cr_assert_eq(b_read.result, 4);
  cr_assert_eq(memcmp(b_read.buf, "ping", 4), 0);
  cr_assert_eq(a_read.result, 5);
  cr_assert_eq(memcmp(a_read.buf, "pong!", 5), 0);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
  cr_assert_eq(bcsc_uring_reactor_deinit(&r), 0);
  close(sv[0]);
  close(sv[1]);
}

Test(reactor_uring, a_file_is_written_and_read_at_an_offset) {
  bcsc_uring_reactor_t r;
  bcsc_executor_t ex;
  io_task_t reader, writer;
  char path[] = "/tmp/bcsc_uring_XXXXXX";
  int fd = mkstemp(path);
  cr_assert_geq(fd, 0);
  (void)unlink(path);
  uring_open(&r, 8, 0);
  bcsc_test_executor_with(&ex, &r.base);
  io_init(&writer, &r, IO_WRITE, fd);
  memcpy(writer.buf, "at 4096", 7);
  writer.len = 7;
  writer.offset = 4096;
  cr_assert_eq(bcsc_executor_run(&ex, &writer.task), 0);
  cr_assert_eq(writer.result, 7);
  io_init(&reader, &r, IO_READ, fd);
  reader.offset = 4093;
  cr_assert_eq(bcsc_executor_run(&ex, &reader.task), 0);
  cr_assert_eq(reader.result, 10, "to the end of the file");
  cr_assert_eq(memcmp(reader.buf, "\0\0\0at 4096", 10), 0);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
  cr_assert_eq(bcsc_uring_reactor_deinit(&r), 0);
  close(fd);
}

Test(reactor_uring, poll_reports_readiness_and_a_hang_up) {
  bcsc_uring_reactor_t r;
  bcsc_executor_t ex;
  io_task_t poller, reader;
  int fds[2];
  uring_open(&r, 8, 0);
  bcsc_test_executor_with(&ex, &r.base);
  make_pipe(fds);
  /* Readable: the poll waits in the kernel until the byte lands. */
  io_init(&poller, &r, IO_POLL, fds[0]);
  poller.events = BCSC_URING_POLLIN;
  cr_assert_eq(bcsc_executor_spawn(&ex, &poller.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 1), 1);
  cr_assert_eq(vpark(&r, 0), 0);
  cr_assert_eq(bcsc_uring_op_busy(&poller.op), 1);
  cr_assert_eq(write(fds[1], "x", 1), 1);
  cr_assert_eq(bcsc_executor_run(&ex, &poller.task), 0);
  cr_assert_eq(poller.rc, 0);
  cr_assert_eq(poller.result, POLLIN);
  /* The writer goes away: a poll for readability sees the hang-up too,
   * and a read the byte, then the end of the pipe. */
  close(fds[1]);
  io_init(&poller, &r, IO_POLL, fds[0]);
  poller.events = BCSC_URING_POLLIN;
  cr_assert_eq(bcsc_executor_run(&ex, &poller.task), 0);
  cr_assert_eq(poller.result & (BCSC_URING_POLLIN | BCSC_URING_POLLHUP),
               BCSC_URING_POLLIN | BCSC_URING_POLLHUP);
  io_init(&reader, &r, IO_READ, fds[0]);
  cr_assert_eq(bcsc_executor_run(&ex, &reader.task), 0);
  cr_assert_eq(reader.result, 1);
  io_init(&reader, &r, IO_READ, fds[0]);
  cr_assert_eq(bcsc_executor_run(&ex, &reader.task), 0);
  cr_assert_eq(reader.result, 0, "end of file");
  /* A write to a pipe with no reader fails with -EPIPE (SIGPIPE is
   * ignored for it). */
  make_pipe(fds);
  close(fds[0]);
  signal(SIGPIPE, SIG_IGN);
  io_init(&reader, &r, IO_WRITE, fds[1]);
  reader.len = 1;
  cr_assert_eq(bcsc_executor_run(&ex, &reader.task), 0);
  cr_assert_eq(reader.result, -EPIPE);
  signal(SIGPIPE, SIG_DFL);
  close(fds[1]);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
  cr_assert_eq(bcsc_uring_reactor_deinit(&r), 0);
}

/* A task waits on an op never started (D92, amended): nothing could wake
 * it, so the wait answers BCSC_ESTATE, reported on the op. The same op
 * and task then start, wait and complete. */
Test(reactor_uring, a_wait_on_an_op_never_started_is_refused) {
  bcsc_uring_reactor_t r;
  bcsc_executor_t ex;
  io_task_t reader;
  bcsc_test_misuse_t rec;
  int fds[2];
  uring_open(&r, 4, 0);
  bcsc_test_executor_with(&ex, &r.base);
  make_pipe(fds);
  io_init(&reader, &r, IO_READ, fds[0]);
  reader.polls = 1; /* past the start: the first poll only waits */
  bcsc_test_misuse_install(&rec);
  cr_assert_eq(bcsc_executor_run(&ex, &reader.task), BCSC_ESTATE);
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_REACTOR_STATE, &reader.op));
  bcsc_test_misuse_uninstall();
  cr_assert_eq(reader.rc, BCSC_ESTATE);
  cr_assert_eq(bcsc_uring_op_busy(&reader.op), 0);
  cr_assert_eq(bcsc_uring_reactor_in_flight(&r), 0);
  cr_assert_eq(bcsc_task_init(&reader.task, io_poll, NULL), 0);
  reader.polls = 0;
  reader.rc = 1;
  cr_assert_eq(write(fds[1], "s", 1), 1);
  cr_assert_eq(bcsc_executor_run(&ex, &reader.task), 0);
  cr_assert_eq(reader.rc, 0);
  cr_assert_eq(reader.result, 1);
  cr_assert_eq(reader.buf[0], 's');
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
  cr_assert_eq(bcsc_uring_reactor_deinit(&r), 0);
  close(fds[0]);
  close(fds[1]);
}

/* Runs the reactor until nothing is in flight. */
static void settle(bcsc_uring_reactor_t *r) {
  int i;
  for (i = 0; i < 1000 && bcsc_uring_reactor_in_flight(r) != 0; i++)
    cr_assert_eq(vpark(r, vnow(r) + BCSC_MSEC), 0);
  cr_assert_eq(bcsc_uring_reactor_in_flight(r), 0);
}

/* A cancelled task gets 0 and the op's result, as any task does:
 * bcsc_uring_wait() never answers BCSC_ECANCELED. With @p before_start the
 * task is cancelled before it first runs: it starts its read, and its
 * first wait asks the kernel to cancel it and registers, so the op's own
 * completion (-ECANCELED) wakes it (mutation seed 14, reactors/uring.c:774,
 * `bcsc_wait_linked(wait)` negated: that wait returned BCSC_PENDING
 * unregistered - a lost wake, the run parked for ever). Else the read
 * completes while its task waits, and the task is cancelled before it
 * runs again: it gets the byte. */
static void a_cancelled_reader_gets_its_result(int before_start) {
  bcsc_uring_reactor_t r;
  bcsc_executor_t ex;
  io_task_t reader;
  int fds[2];
  uring_open(&r, 4, 0);
  bcsc_test_executor_with(&ex, &r.base);
  make_pipe(fds);
  io_init(&reader, &r, IO_READ, fds[0]);
  cr_assert_eq(bcsc_executor_spawn(&ex, &reader.task), 0);
  if (!before_start) {
    cr_assert_eq(bcsc_executor_poll(&ex, 1), 1); /* started, waiting */
    cr_assert_eq(bcsc_uring_op_busy(&reader.op), 1);
    cr_assert_eq(write(fds[1], "c", 1), 1);
    settle(&r); /* the completion lands and wakes the task */
  }
  cr_assert_eq(bcsc_task_cancel(&reader.task), 0);
  cr_assert_eq(bcsc_executor_run(&ex, NULL), 0);
  cr_assert(bcsc_task_done(&reader.task));
  cr_assert_eq(reader.polls, 2, "started and waited, then woken once");
  cr_assert_eq(reader.saw_cancelled, 1);
  cr_assert_eq(reader.rc, 0);
  if (before_start) {
    cr_assert_eq(reader.result, -ECANCELED);
  } else {
    cr_assert_eq(reader.result, 1);
    cr_assert_eq(reader.buf[0], 'c');
  }
  cr_assert_eq(bcsc_uring_reactor_in_flight(&r), 0);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
  cr_assert_eq(bcsc_uring_reactor_deinit(&r), 0);
  close(fds[0]);
  close(fds[1]);
}

Test(reactor_uring, a_cancelled_task_whose_op_is_done_gets_its_result) {
  a_cancelled_reader_gets_its_result(0);
}

Test(reactor_uring, a_task_cancelled_before_its_first_wait_is_woken_by_the_op,
     .timeout = 10) {
  a_cancelled_reader_gets_its_result(1);
}

/* A restart of an op in flight and a deinit with one in flight are misuse
 * (D92): REACTOR_BUSY naming the op or the reactor in the checked build;
 * a full reactor is back-pressure: BCSC_EBUSY without a report. */
Test(reactor_uring, a_busy_op_and_a_busy_reactor_are_refused) {
  bcsc_uring_reactor_t r;
  bcsc_uring_op_t a, b;
  bcsc_wait_t w = BCSC_WAIT_INITIALIZER;
  bcsc_test_misuse_t rec;
  char c, d;
  int fds[2];
  uring_open(&r, 1, 0); /* one op in flight at most */
  make_pipe(fds);
  cr_assert_eq(bcsc_uring_op_init(&a), 0);
  cr_assert_eq(bcsc_uring_op_init(&b), 0);
  bcsc_test_misuse_install(&rec);
  cr_assert_eq(bcsc_uring_wait(NULL, &a, &w), BCSC_EINVAL);
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_NULL_OBJECT, NULL));
  cr_assert_eq(bcsc_uring_read(&r, &a, fds[0], &c, 1, 0), 0);
  cr_assert_eq(bcsc_uring_op_busy(&a), 1);
  cr_assert_eq(bcsc_uring_read(&r, &a, fds[0], &c, 1, 0), BCSC_EBUSY,
               "an op in flight is not started again");
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_REACTOR_BUSY, &a));
  cr_assert_eq(bcsc_uring_read(&r, &b, fds[0], &d, 1, 0), BCSC_EBUSY,
               "as many ops in flight as entries");
  cr_assert_eq(rec.count, 0, "a full reactor is not misuse");
  cr_assert_eq(bcsc_uring_op_busy(&b), 0);
  cr_assert_eq(bcsc_uring_reactor_deinit(&r), BCSC_EBUSY,
               "the kernel may still write into c");
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_REACTOR_BUSY, &r));
  bcsc_test_misuse_uninstall();
  /* Submitted, then cancelled without a task: the op ends with
   * -ECANCELED and the reactor can close. */
  cr_assert_eq(vpark(&r, 0), 0);
  cr_assert_eq(bcsc_uring_op_cancel(&a), 0);
  cr_assert_eq(bcsc_uring_op_cancel(&a), 0); /* asked once */
  settle(&r);
  cr_assert_eq(bcsc_uring_op_busy(&a), 0);
  cr_assert_eq(bcsc_uring_op_result(&a), -ECANCELED);
  /* The refused restart left the op as it was: it starts again now. */
  cr_assert_eq(write(fds[1], "k", 1), 1);
  cr_assert_eq(bcsc_uring_read(&r, &a, fds[0], &c, 1, 0), 0);
  settle(&r);
  cr_assert_eq(bcsc_uring_op_result(&a), 1);
  cr_assert_eq(c, 'k');
  cr_assert_eq(bcsc_uring_reactor_deinit(&r), 0);
  close(fds[0]);
  close(fds[1]);
}

/* A task waits on an op's list (bcsc_uring_op_queue()) before the op is
 * started: starting it is starting an op still in use (D92), refused and
 * reported on the op; once the waiter is cancelled, the op starts. The
 * unpark list's waiter holds the reactor as an op in flight does. */
Test(reactor_uring, an_op_with_a_waiter_or_a_reactor_with_one_is_refused) {
  bcsc_uring_reactor_t r;
  bcsc_executor_t ex;
  bcsc_uring_op_t op;
  bcsc_test_leaf_t early, watcher;
  bcsc_test_misuse_t rec;
  char c;
  int fds[2];
  uring_open(&r, 4, 0);
  make_pipe(fds);
  bcsc_test_executor_with(&ex, &r.base);
  cr_assert_eq(bcsc_uring_op_init(&op), 0);
  bcsc_test_leaf_init(&early, 1);
  early.queue = bcsc_uring_op_queue(&op);
  bcsc_test_leaf_init(&watcher, 2);
  watcher.queue = bcsc_uring_reactor_unparked(&r);
  cr_assert_eq(bcsc_executor_spawn(&ex, &early.task), 0);
  cr_assert_eq(bcsc_executor_spawn(&ex, &watcher.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 2), 2);
  cr_assert_eq(bcsc_waitq_count(bcsc_uring_op_queue(&op)), 1);
  bcsc_test_misuse_install(&rec);
  cr_assert_eq(bcsc_uring_read(&r, &op, fds[0], &c, 1, 0), BCSC_EBUSY);
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_REACTOR_BUSY, &op));
  cr_assert_eq(bcsc_uring_op_busy(&op), 0, "nothing was started");
  cr_assert_eq(bcsc_uring_reactor_in_flight(&r), 0);
  cr_assert_eq(bcsc_uring_reactor_deinit(&r), BCSC_EBUSY);
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_REACTOR_BUSY, &r));
  bcsc_test_misuse_uninstall();
  /* Both still work: the early waiter is cancelled (the op is idle: its
   * abort lets go at once), an unpark wakes the watcher. */
  cr_assert_eq(bcsc_task_cancel(&early.task), 0);
  r.base.vtable->unpark(&r.base);
  cr_assert_eq(bcsc_executor_run(&ex, NULL), 0);
  cr_assert(early.saw_cancel);
  cr_assert(watcher.waited);
  cr_assert_eq(bcsc_waitq_count(bcsc_uring_op_queue(&op)), 0);
  cr_assert_eq(write(fds[1], "u", 1), 1);
  cr_assert_eq(bcsc_uring_read(&r, &op, fds[0], &c, 1, 0), 0);
  settle(&r);
  cr_assert_eq(bcsc_uring_op_result(&op), 1);
  cr_assert_eq(c, 'u');
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
  cr_assert_eq(bcsc_uring_reactor_deinit(&r), 0);
  close(fds[0]);
  close(fds[1]);
}

/* No free submission entry (the kernel refused to take the queued ones)
 * with fewer ops in flight than entries: back-pressure the caller cannot
 * see coming, BCSC_EBUSY without a report (D92). */
Test(reactor_uring, a_full_submission_ring_is_refused_without_a_report) {
  bcsc_uring_reactor_t r;
  bcsc_uring_op_t a, b;
  bcsc_test_misuse_t rec;
  char c, d;
  int fds[2];
  uring_open(&r, 2, 0);
  make_pipe(fds);
  cr_assert_eq(bcsc_uring_op_init(&a), 0);
  cr_assert_eq(bcsc_uring_op_init(&b), 0);
  refuse_submission(EBUSY);
  cr_assert_eq(bcsc_uring_read(&r, &a, fds[0], &c, 1, 0), 0);
  cr_assert_eq(bcsc_uring_op_cancel(&a), 0); /* the second entry */
  bcsc_test_misuse_install(&rec);
  cr_assert_eq(bcsc_uring_read(&r, &b, fds[0], &d, 1, 0), BCSC_EBUSY);
  cr_assert_gt(seam.refused, 0, "the ring was full: it tried to submit");
  cr_assert_eq(rec.count, 0, "a full ring is not misuse");
  bcsc_test_misuse_uninstall();
  cr_assert_eq(bcsc_uring_op_busy(&b), 0);
  cr_assert_eq(bcsc_uring_reactor_in_flight(&r), 1);
  refuse_submission(0);
  settle(&r);
  cr_assert_eq(bcsc_uring_op_result(&a), -ECANCELED);
  cr_assert_eq(bcsc_uring_reactor_deinit(&r), 0);
  close(fds[0]);
  close(fds[1]);
}

/* ---- a frame the kernel writes into ------------------------------------- */

/* Owns a scope with one reader in it; records, when its join returns,
 * whether the reader's op was still in flight. */
typedef struct owner {
  bcsc_task_t task;
  bcsc_scope_t scope;
  io_task_t *child;
  uint64_t deadline; /* 0: none */
  bcsc_drain_grace_t grace;
  uint64_t grace_ns; /* 0: none */
  bcsc_stuck_fn report;
  void *report_context;
  int opened;
  int joined;
  int join_rc;
  int busy_at_join;
  int32_t result_at_join;
} owner_t;

static int owner_poll(bcsc_task_t *self) {
  owner_t *o = (owner_t *)(void *)self;
  int rc;
  if (!o->opened) {
    o->opened = 1;
    if ((rc = bcsc_scope_init(&o->scope, self, BCSC_SCOPE_WAIT_ALL)) != 0)
      return rc;
    if (o->deadline != 0 &&
        (rc = bcsc_scope_set_deadline(&o->scope, o->deadline,
                                      BCSC_DEADLINE_MOVE_ON)) != 0)
      return rc;
    if (o->grace_ns != 0 &&
        (rc = bcsc_scope_set_drain_grace(&o->scope, &o->grace, o->grace_ns,
                                         o->report, o->report_context)) != 0)
      return rc;
    if ((rc = bcsc_scope_spawn(&o->scope, &o->child->task)) != 0)
      return rc;
  }
  rc = bcsc_scope_join(&o->scope);
  if (rc == BCSC_PENDING)
    return rc;
  o->joined = 1;
  o->join_rc = rc;
  o->busy_at_join = bcsc_uring_op_busy(&o->child->op);
  o->result_at_join = bcsc_uring_op_result(&o->child->op);
  return 0;
}

static void owner_init(owner_t *o, io_task_t *child) {
  memset(o, 0, sizeof *o);
  cr_assert_eq(bcsc_task_init(&o->task, owner_poll, NULL), 0);
  cr_assert_eq(bcsc_drain_grace_init(&o->grace), 0);
  o->child = child;
}

/* How the reader stops waiting before its read is done. */
enum { BY_SCOPE_CANCEL, BY_DEADLINE, BY_TIMER_RACE };

/* Its own frame, so that the reader's frame - and the buffer the kernel
 * was given - is gone when it returns. */
static __attribute__((noinline)) void
read_into_a_frame_then_leave(bcsc_uring_reactor_t *r, int fd, int how,
                             int write_first, owner_t *seen,
                             io_task_t *reader_seen) {
  bcsc_executor_t ex;
  owner_t owner;
  io_task_t reader;
  bcsc_test_executor_with(&ex, &r->base);
  io_init(&reader, r, IO_READ, fd);
  owner_init(&owner, &reader);
  if (how == BY_DEADLINE)
    owner.deadline = vnow(r) + 5 * BCSC_MSEC;
  if (how == BY_TIMER_RACE)
    reader.timeout = 5 * BCSC_MSEC;
  cr_assert_eq(bcsc_executor_spawn(&ex, &owner.task), 0);
  /* The owner opens its scope, the reader starts its read; the park
   * submits it and the kernel waits for data. */
  while (bcsc_executor_poll(&ex, 8) > 0) {
  }
  cr_assert_eq(reader.polls, 1);
  cr_assert_eq(vpark(r, 0), 0);
  cr_assert_eq(bcsc_uring_op_busy(&reader.op), 1);
  if (write_first)
    /* The read completes in the kernel now; its CQE is not reaped. */
    cr_assert_eq(write(write_first, "d", 1), 1);
  if (how == BY_SCOPE_CANCEL)
    cr_assert_eq(bcsc_scope_cancel(&owner.scope), 0);
  cr_assert_eq(bcsc_executor_run(&ex, &owner.task), 0);
  *seen = owner;
  *reader_seen = reader;
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
}

/* Overwrites the stack where read_into_a_frame_then_leave()'s frame was. */
static __attribute__((noinline)) void reuse_the_stack(char fill) {
  volatile char junk[16384];
  size_t i;
  for (i = 0; i < sizeof junk; i++)
    junk[i] = fill;
}

/* After the frame the kernel was given is gone: overwrites its stack and
 * shows that no read is left in the kernel to write into it - a byte
 * written to the pipe stays there - then closes @p r and the pipe. */
static void the_kernel_holds_no_frame(bcsc_uring_reactor_t *r, int fds[2]) {
  char c = 0;
  reuse_the_stack(0x77);
  cr_assert_eq(write(fds[1], "z", 1), 1);
  cr_assert_eq(vpark(r, 0), 0);
  reuse_the_stack(0x66);
  cr_assert_eq(vpark(r, vnow(r) + BCSC_MSEC), 0);
  cr_assert_eq(read(fds[0], &c, 1), 1);
  cr_assert_eq(c, 'z');
  cr_assert_eq(bcsc_uring_reactor_deinit(r), 0);
  close(fds[0]);
  close(fds[1]);
}

static void cancel_a_read_then_reuse_its_frame(int how) {
  bcsc_uring_reactor_t r;
  owner_t owner;
  io_task_t reader;
  int fds[2];
  uring_open(&r, 8, 0);
  make_pipe(fds);
  read_into_a_frame_then_leave(&r, fds[0], how, 0, &owner, &reader);
  /* The join returned only after the kernel's -ECANCELED completion. */
  cr_assert_eq(owner.join_rc, how == BY_SCOPE_CANCEL ? BCSC_ECANCELED : 0);
  cr_assert_eq(owner.busy_at_join, 0);
  cr_assert_eq(owner.result_at_join, -ECANCELED);
  cr_assert_eq(bcsc_uring_reactor_in_flight(&r), 0);
  /* Polled to start, then once more: not while its read was aborting. */
  cr_assert_eq(reader.polls, 2);
  if (how == BY_TIMER_RACE) {
    cr_assert_eq(reader.timed_out, 1);
    cr_assert_eq(reader.rc, 0);
  } else {
    cr_assert_eq(reader.saw_cancelled, 1);
    cr_assert_eq(reader.rc, 0);
    cr_assert_eq(reader.result, -ECANCELED);
  }
  the_kernel_holds_no_frame(&r, fds);
}

Test(reactor_uring, a_cancelled_read_holds_its_frame_until_the_kernel_let_go) {
  cancel_a_read_then_reuse_its_frame(BY_SCOPE_CANCEL);
}

Test(reactor_uring, a_scope_deadline_holds_the_frame_until_the_kernel_let_go) {
  cancel_a_read_then_reuse_its_frame(BY_DEADLINE);
}

Test(reactor_uring,
     a_task_that_returns_holds_its_frame_until_the_kernel_let_go) {
  cancel_a_read_then_reuse_its_frame(BY_TIMER_RACE);
}

Test(reactor_uring, a_read_done_while_its_cancel_is_on_its_way_delivers) {
  bcsc_uring_reactor_t r;
  owner_t owner;
  io_task_t reader;
  int fds[2];
  uring_open(&r, 8, 0);
  make_pipe(fds);
  read_into_a_frame_then_leave(&r, fds[0], BY_SCOPE_CANCEL, fds[1], &owner,
                               &reader);
  cr_assert_eq(owner.busy_at_join, 0);
  cr_assert_eq(owner.result_at_join, 1, "the byte read is not lost");
  cr_assert_eq(reader.saw_cancelled, 1);
  cr_assert_eq(reader.rc, 0);
  cr_assert_eq(reader.result, 1);
  cr_assert_eq(reader.buf[0], 'd');
  cr_assert_eq(bcsc_uring_reactor_deinit(&r), 0);
  close(fds[0]);
  close(fds[1]);
}

/* Keeps the executor busy until its partner's read is done. */
typedef struct spinner {
  bcsc_task_t task;
  io_task_t *partner;
  uint32_t turns;
} spinner_t;

static int spinner_poll(bcsc_task_t *self) {
  spinner_t *s = (spinner_t *)(void *)self;
  if (s->partner->rc != 1 || ++s->turns > 1000000)
    return 0;
  return bcsc_task_yield(self);
}

Test(reactor_uring, a_busy_executor_still_sees_completions) {
  bcsc_uring_reactor_t r;
  bcsc_executor_t ex;
  io_task_t reader;
  spinner_t spinner;
  int fds[2];
  uring_open(&r, 8, 0);
  bcsc_test_executor_with(&ex, &r.base);
  make_pipe(fds);
  cr_assert_eq(write(fds[1], "b", 1), 1);
  io_init(&reader, &r, IO_READ, fds[0]);
  memset(&spinner, 0, sizeof spinner);
  cr_assert_eq(bcsc_task_init(&spinner.task, spinner_poll, NULL), 0);
  spinner.partner = &reader;
  cr_assert_eq(bcsc_executor_spawn(&ex, &reader.task), 0);
  cr_assert_eq(bcsc_executor_spawn(&ex, &spinner.task), 0);
  cr_assert_eq(bcsc_executor_run(&ex, NULL), 0);
  cr_assert_eq(reader.result, 1);
  cr_assert_lt(spinner.turns, 1000000,
               "the executor's looks outside reaped the completion");
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
  cr_assert_eq(bcsc_uring_reactor_deinit(&r), 0);
  close(fds[0]);
  close(fds[1]);
}

/* The op's memory is reused before its completion is reaped - the misuse
 * bcsc_uring_wait() exists to prevent - by other bytes, or (@p moved) by a
 * new op after the op moved elsewhere: the kernel still names the old
 * address. Park does not write through it, answers BCSC_EBADOBJ, and the
 * checked build says so as a check of that memory would (D99). */
static void completion_for_an_op_no_longer_there(int moved) {
  bcsc_uring_reactor_t r;
  bcsc_uring_op_t op, elsewhere;
  bcsc_test_misuse_t rec;
  char c;
  int fds[2];
  uring_open(&r, 4, 0);
  make_pipe(fds);
  cr_assert_eq(write(fds[1], "q", 1), 1);
  cr_assert_eq(bcsc_uring_op_init(&op), 0);
  cr_assert_eq(bcsc_uring_read(&r, &op, fds[0], &c, 1, 0), 0);
  memcpy(&elsewhere, &op, sizeof op);
  if (moved)
    cr_assert_eq(bcsc_uring_op_init(&op), 0);
  else
    memset(&op, 0, sizeof op);
  /* Submitted, the read completes at once, and its CQE is reaped. */
  bcsc_test_misuse_install(&rec);
  cr_assert_eq(vpark(&r, vnow(&r) + 10 * BCSC_MSEC), BCSC_EBADOBJ);
  cr_assert(bcsc_test_misuse_one(
      &rec, moved ? BCSC_MISUSE_MOVED : BCSC_MISUSE_BAD_OBJECT, &op));
  cr_assert_eq(bcsc_uring_op_busy(&op), 0);
  cr_assert_eq(bcsc_uring_op_result(&op), 0, "written through");
  cr_assert_eq(bcsc_uring_reactor_deinit(&r), BCSC_EBUSY,
               "the lost op still counts as in flight");
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_REACTOR_BUSY, &r));
  bcsc_test_misuse_uninstall();
  close(fds[0]);
  close(fds[1]);
}

Test(reactor_uring,
     a_completion_for_an_op_that_is_gone_is_not_written_through) {
  completion_for_an_op_no_longer_there(0);
}

Test(reactor_uring, a_completion_for_an_op_that_moved_is_not_written_through) {
  completion_for_an_op_no_longer_there(1);
}

/* ---- copies (D99) --------------------------------------------------------
 * The ring and its fds are the original reactor's, and the kernel holds an
 * op in flight by its address (the SQE's user_data): a memcpy of either,
 * the original left in place, is refused as moved by every operation that
 * takes it (BCSC_EBADOBJ, one MOVED report in the checked build), and the
 * original works to its end. Before D99 a task waiting on the op's copy
 * waited on a list no completion wakes (and, cancelled, for a cancel of
 * the original that never woke it either); a cancel of the copy put it on
 * the reactor's owed list; the reactor's copy unmapped the original's
 * rings. */
Test(reactor_uring, copies_of_the_reactor_and_of_an_op_in_flight_are_refused) {
  bcsc_uring_reactor_t r, r_copy;
  bcsc_uring_op_t a, a_copy, other;
  bcsc_task_t task;
  bcsc_wait_t wait = BCSC_WAIT_INITIALIZER;
  bcsc_test_misuse_t rec;
  char c = 0, d = 0;
  int fds[2];
  uring_open(&r, 4, 0);
  make_pipe(fds);
  cr_assert_eq(bcsc_uring_op_init(&a), 0);
  cr_assert_eq(bcsc_uring_op_init(&other), 0);
  cr_assert_eq(bcsc_task_init(&task, io_poll, NULL), 0);
  cr_assert_eq(
      bcsc_uring_read(&r, &a, fds[0], &c, 1, BCSC_URING_OFFSET_CURRENT), 0);
  cr_assert_eq(vpark(&r, 0), 0); /* submitted: the kernel holds it */
  memcpy(&r_copy, &r, sizeof r);
  memcpy(&a_copy, &a, sizeof a);

  bcsc_test_misuse_install(&rec);
  cr_assert_eq(bcsc_uring_reactor_deinit(&r_copy), BCSC_EBADOBJ);
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_MOVED, &r_copy));
  cr_assert_eq(bcsc_uring_reactor_set_spin(&r_copy, 1), BCSC_EBADOBJ);
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_MOVED, &r_copy));
  cr_assert_eq(bcsc_uring_read(&r_copy, &other, fds[0], &d, 1,
                               BCSC_URING_OFFSET_CURRENT),
               BCSC_EBADOBJ);
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_MOVED, &r_copy));
  /* A copy given to an executor: its first park refuses it. */
  cr_assert_eq(vpark(&r_copy, 0), BCSC_EBADOBJ);
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_MOVED, &r_copy));
  /* The op's copy, with the original reactor. */
  cr_assert_eq(
      bcsc_uring_read(&r, &a_copy, fds[0], &d, 1, BCSC_URING_OFFSET_CURRENT),
      BCSC_EBADOBJ);
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_MOVED, &a_copy));
  cr_assert_eq(bcsc_uring_poll_add(&r, &a_copy, fds[0], BCSC_URING_POLLIN),
               BCSC_EBADOBJ);
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_MOVED, &a_copy));
  cr_assert_eq(bcsc_uring_op_cancel(&a_copy), BCSC_EBADOBJ);
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_MOVED, &a_copy));
  cr_assert_eq(bcsc_uring_wait(&task, &a_copy, &wait), BCSC_EBADOBJ);
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_MOVED, &a_copy));
  bcsc_test_misuse_uninstall();
  cr_assert(!bcsc_wait_linked(&wait));
  cr_assert_eq(bcsc_uring_op_busy(&other), 0);
  cr_assert_eq(bcsc_uring_reactor_in_flight(&r), 1);
  cr_assert_eq(bcsc_uring_reactor_parks(&r_copy), 1, "the copy never parked");

  /* The original op completes into its buffer; the reactor closes. */
  cr_assert_eq(write(fds[1], "k", 1), 1);
  settle(&r);
  cr_assert_eq(bcsc_uring_op_result(&a), 1);
  cr_assert_eq(c, 'k');
  cr_assert_eq(d, 0);
  cr_assert_eq(bcsc_uring_reactor_deinit(&r), 0, "its ring was its own");
  close(fds[0]);
  close(fds[1]);
}

/* Registers for its read, then gives up on it in the same poll: the
 * registration stays until the kernel has let go of the buffer. */
typedef struct quitter {
  bcsc_task_t task;
  bcsc_uring_op_t op;
  bcsc_wait_t wait;
  bcsc_uring_reactor_t *r;
  int fd;
  char buf[8];
  uint32_t polls;
  int cancel_rc;
  int rc;
  int32_t result;
} quitter_t;

static int quitter_poll(bcsc_task_t *self) {
  quitter_t *q = (quitter_t *)(void *)self;
  int rc;
  if (q->polls++ == 0) {
    if ((rc = bcsc_uring_read(q->r, &q->op, q->fd, q->buf, sizeof q->buf,
                              BCSC_URING_OFFSET_CURRENT)) != 0)
      return rc;
    if ((rc = bcsc_uring_wait(self, &q->op, &q->wait)) != BCSC_PENDING)
      return rc;
    q->cancel_rc = bcsc_wait_cancel(&q->wait);
    return BCSC_PENDING;
  }
  if ((rc = bcsc_uring_wait(self, &q->op, &q->wait)) == BCSC_PENDING)
    return rc;
  q->rc = rc;
  q->result = bcsc_uring_op_result(&q->op);
  return 0;
}

Test(reactor_uring, a_wait_cancel_on_an_op_in_flight_is_pending_until_it_ends) {
  bcsc_uring_reactor_t r;
  bcsc_executor_t ex;
  quitter_t q;
  int fds[2];
  uring_open(&r, 4, 0);
  bcsc_test_executor_with(&ex, &r.base);
  make_pipe(fds);
  memset(&q, 0, sizeof q);
  cr_assert_eq(bcsc_task_init(&q.task, quitter_poll, NULL), 0);
  cr_assert_eq(bcsc_uring_op_init(&q.op), 0);
  cr_assert_eq(bcsc_wait_init(&q.wait), 0);
  q.r = &r;
  q.fd = fds[0];
  q.rc = 1;
  cr_assert_eq(bcsc_executor_run(&ex, &q.task), 0);
  cr_assert_eq(q.cancel_rc, BCSC_WAIT_HELD);
  cr_assert_eq(q.polls, 2, "woken once, by the read's end");
  cr_assert_eq(q.rc, 0);
  cr_assert_eq(q.result, -ECANCELED);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
  cr_assert_eq(bcsc_uring_reactor_deinit(&r), 0);
  close(fds[0]);
  close(fds[1]);
}

Test(reactor_uring, a_read_that_beats_its_timer_stops_the_timer) {
  bcsc_uring_reactor_t r;
  bcsc_executor_t ex;
  io_task_t reader;
  uint64_t started;
  int fds[2];
  uring_open(&r, 4, BCSC_URING_TIMEOUT_SQE);
  bcsc_test_executor_with(&ex, &r.base);
  make_pipe(fds);
  io_init(&reader, &r, IO_READ, fds[0]);
  reader.timeout = 10 * BCSC_SEC;
  started = vnow(&r);
  cr_assert_eq(bcsc_executor_spawn(&ex, &reader.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 1), 1);
  cr_assert_eq(vpark(&r, 0), 0); /* the read is in the kernel */
  cr_assert_eq(write(fds[1], "r", 1), 1);
  cr_assert_eq(bcsc_executor_run(&ex, &reader.task), 0);
  cr_assert_eq(reader.timed_out, 0);
  cr_assert_eq(reader.rc, 0);
  cr_assert_eq(reader.result, 1);
  cr_assert_eq(reader.buf[0], 'r');
  cr_assert_eq(bcsc_timer_linked(&reader.timer), 0);
  cr_assert_lt(vnow(&r) - started, 5 * BCSC_SEC, "not kept until the timer");
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
  cr_assert_eq(bcsc_uring_reactor_deinit(&r), 0);
  close(fds[0]);
  close(fds[1]);
}

/* Runs one generic op to its end, with no task: start, then park until
 * its completion is reaped. */
static int32_t run_op(bcsc_uring_reactor_t *r, uint32_t opcode, int fd,
                      uint64_t addr, uint32_t len, uint64_t off,
                      uint32_t op_flags) {
  bcsc_uring_op_t op = BCSC_URING_OP_INITIALIZER;
  cr_assert_eq(bcsc_uring_start(r, &op, opcode, fd, addr, len, off, op_flags),
               0);
  cr_assert_eq(bcsc_uring_op_busy(&op), 1);
  settle(r);
  cr_assert_eq(bcsc_uring_op_busy(&op), 0);
  return bcsc_uring_op_result(&op);
}

Test(reactor_uring, a_generic_op_runs_single_shot_opcodes_only) {
  bcsc_uring_reactor_t r;
  bcsc_uring_op_t op = BCSC_URING_OP_INITIALIZER;
  char path[] = "/tmp/bcsc_uring_XXXXXX", buf[8] = {0};
  int sv[2], fd = mkstemp(path);
  cr_assert_geq(fd, 0);
  (void)unlink(path);
  uring_open(&r, 4, 0);
  cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
  cr_assert_eq(run_op(&r, IORING_OP_NOP, -1, 0, 0, 0, 0), 0);
  cr_assert_eq(run_op(&r, IORING_OP_FSYNC, fd, 0, 0, 0, 0), 0);
  cr_assert_eq(run_op(&r, IORING_OP_FSYNC, 1000000, 0, 0, 0, 0), -EBADF,
               "the kernel checks the descriptor");
  cr_assert_eq(run_op(&r, IORING_OP_SEND, sv[0], (uint64_t)(uintptr_t) "abc", 3,
                      0, MSG_NOSIGNAL),
               3);
  cr_assert_eq(run_op(&r, IORING_OP_RECV, sv[1], (uint64_t)(uintptr_t)buf,
                      sizeof buf, 0, 0),
               3);
  cr_assert_eq(memcmp(buf, "abc", 3), 0);
  /* Several CQEs for one SQE, or requests that reach other requests. */
  cr_assert_eq(
      bcsc_uring_start(&r, &op, IORING_OP_POLL_ADD, sv[0], 0, 0, 0, POLLIN),
      BCSC_ENOTSUP);
  cr_assert_eq(
      bcsc_uring_start(&r, &op, IORING_OP_ASYNC_CANCEL, -1, 0, 0, 0, 0),
      BCSC_ENOTSUP);
  cr_assert_eq(bcsc_uring_start(&r, &op, IORING_OP_SEND_ZC, sv[0], 0, 0, 0, 0),
               BCSC_ENOTSUP);
  cr_assert_eq(bcsc_uring_start(&r, &op, 200, -1, 0, 0, 0, 0), BCSC_ENOTSUP);
  {
    bcsc_test_misuse_t rec;
    bcsc_test_misuse_install(&rec);
    cr_assert_eq(bcsc_uring_start(NULL, &op, 200, -1, 0, 0, 0, 0), BCSC_EINVAL);
    cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_NULL_OBJECT, NULL));
    cr_assert_eq(bcsc_uring_start(&r, NULL, IORING_OP_NOP, -1, 0, 0, 0, 0),
                 BCSC_EINVAL);
    cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_NULL_OBJECT, NULL));
    bcsc_test_misuse_uninstall();
  }
  cr_assert_eq(bcsc_uring_op_busy(&op), 0);
  cr_assert_eq(bcsc_uring_reactor_deinit(&r), 0);
  close(sv[0]);
  close(sv[1]);
  close(fd);
}

enum { FLEET = 8 };

/* Owns a scope of FLEET readers, each blocked on its own empty pipe. */
typedef struct fleet {
  bcsc_task_t task;
  bcsc_scope_t scope;
  io_task_t readers[FLEET];
  int n; /* readers spawned: FLEET, or fewer */
  int opened;
  int joined;
  int join_rc;
  uint32_t busy_at_join;
} fleet_t;

static int fleet_poll(bcsc_task_t *self) {
  fleet_t *f = (fleet_t *)(void *)self;
  int rc, i;
  if (!f->opened) {
    f->opened = 1;
    if ((rc = bcsc_scope_init(&f->scope, self, BCSC_SCOPE_WAIT_ALL)) != 0)
      return rc;
    for (i = 0; i < f->n; i++)
      if ((rc = bcsc_scope_spawn(&f->scope, &f->readers[i].task)) != 0)
        return rc;
  }
  if ((rc = bcsc_scope_join(&f->scope)) == BCSC_PENDING)
    return rc;
  f->joined = 1;
  f->join_rc = rc;
  for (i = 0; i < f->n; i++)
    f->busy_at_join += (uint32_t)bcsc_uring_op_busy(&f->readers[i].op);
  return 0;
}

/* Spawns @p f with @p n readers, each on its own new pipe (@p fds), and
 * runs until their reads are in the kernel. */
static void fleet_start(fleet_t *f, int n, int fds[][2], bcsc_executor_t *ex,
                        bcsc_uring_reactor_t *r) {
  int i;
  memset(f, 0, sizeof *f);
  cr_assert_eq(bcsc_task_init(&f->task, fleet_poll, NULL), 0);
  f->n = n;
  for (i = 0; i < n; i++) {
    make_pipe(fds[i]);
    io_init(&f->readers[i], r, IO_READ, fds[i][0]);
  }
  cr_assert_eq(bcsc_executor_spawn(ex, &f->task), 0);
  while (bcsc_executor_poll(ex, 16) > 0) {
  }
  cr_assert_eq(vpark(r, 0), 0);
  cr_assert_eq(bcsc_uring_reactor_in_flight(r), (uint32_t)n);
}

Test(reactor_uring, a_scope_of_readers_is_cancelled_as_a_whole) {
  static bcsc_uring_reactor_t r;
  static bcsc_executor_t ex;
  static fleet_t f;
  int fds[FLEET][2], i;
  uring_open(&r, FLEET, 0); /* as many ops as entries, and their cancels */
  bcsc_test_executor_with(&ex, &r.base);
  fleet_start(&f, FLEET, fds, &ex, &r);
  /* The odd readers' reads complete in the kernel first: their bytes are
   * delivered, the others end with -ECANCELED. */
  for (i = 1; i < FLEET; i += 2)
    cr_assert_eq(write(fds[i][1], "o", 1), 1);
  cr_assert_eq(bcsc_scope_cancel(&f.scope), 0);
  cr_assert_eq(bcsc_executor_run(&ex, &f.task), 0);
  cr_assert_eq(f.join_rc, BCSC_ECANCELED);
  cr_assert_eq(f.busy_at_join, 0);
  cr_assert_eq(bcsc_uring_reactor_in_flight(&r), 0);
  for (i = 0; i < FLEET; i++) {
    cr_assert_eq(f.readers[i].polls, 2, "reader %d", i);
    cr_assert_eq(f.readers[i].saw_cancelled, 1);
    cr_assert_eq(f.readers[i].result, i % 2 ? 1 : -ECANCELED, "reader %d", i);
    close(fds[i][0]);
    close(fds[i][1]);
  }
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
  cr_assert_eq(bcsc_uring_reactor_deinit(&r), 0);
}

Test(reactor_uring, entries_round_up_to_a_power_of_two_of_ops_in_flight) {
  bcsc_uring_reactor_t r;
  bcsc_uring_op_t ops[9];
  bcsc_test_misuse_t rec;
  char bufs[9];
  int fds[2], i;
  uring_open(&r, 5, 0); /* 8 */
  make_pipe(fds);
  for (i = 0; i < 9; i++)
    cr_assert_eq(bcsc_uring_op_init(&ops[i]), 0);
  for (i = 0; i < 8; i++)
    cr_assert_eq(bcsc_uring_read(&r, &ops[i], fds[0], &bufs[i], 1, 0), 0);
  bcsc_test_misuse_install(&rec);
  cr_assert_eq(bcsc_uring_read(&r, &ops[8], fds[0], &bufs[8], 1, 0),
               BCSC_EBUSY);
  cr_assert_eq(rec.count, 0, "a full reactor is back-pressure (D92)");
  bcsc_test_misuse_uninstall();
  cr_assert_eq(bcsc_uring_reactor_in_flight(&r), 8);
  cr_assert_eq(vpark(&r, 0), 0);
  for (i = 0; i < 8; i++)
    cr_assert_eq(bcsc_uring_op_cancel(&ops[i]), 0);
  settle(&r);
  for (i = 0; i < 8; i++)
    cr_assert_eq(bcsc_uring_op_result(&ops[i]), -ECANCELED);
  cr_assert_eq(bcsc_uring_reactor_deinit(&r), 0);
  close(fds[0]);
  close(fds[1]);
}

/* ---- cancels owed for want of a free SQE (D78) --------------------------- */

/* While submission is refused, fills the submission ring: @p n NOPs, queued
 * and not consumed, and a cancel for each - 2n SQEs. The NOPs count as ops
 * in flight until submission works again; then they complete with 0 (the
 * kernel runs each before its cancel, which finds nothing). */
static void fill_the_ring(bcsc_uring_reactor_t *r, bcsc_uring_op_t *nops,
                          int n) {
  int i;
  cr_assert_neq(seam.refuse, 0, "a ring the kernel may consume is not full");
  for (i = 0; i < n; i++) {
    cr_assert_eq(bcsc_uring_op_init(&nops[i]), 0);
    cr_assert_eq(bcsc_uring_start(r, &nops[i], IORING_OP_NOP, -1, 0, 0, 0, 0),
                 0);
  }
  for (i = 0; i < n; i++)
    cr_assert_eq(bcsc_uring_op_cancel(&nops[i]), 0);
}

/* @p rounds turns of the executor, each until no task is ready and then a
 * park of a millisecond. */
static void turn(bcsc_executor_t *ex, bcsc_uring_reactor_t *r, int rounds) {
  int i;
  for (i = 0; i < rounds; i++) {
    while (bcsc_executor_poll(ex, 16) > 0) {
    }
    cr_assert_eq(vpark(r, vnow(r) + BCSC_MSEC), 0);
  }
}

/* Turns the executor until *done is set: a second at most, so that a cancel
 * that never goes out fails the test rather than hangs it. */
static void run_until(bcsc_executor_t *ex, bcsc_uring_reactor_t *r,
                      const int *done) {
  int i;
  for (i = 0; i < 1000 && !*done; i++)
    turn(ex, r, 1);
  cr_assert(*done, "not done after %d turns", i);
}

/* What the grace's report saw, and when. It lets submission work again:
 * the owed cancel can go out after the report. */
typedef struct stuck_seen {
  bcsc_uring_reactor_t *r;
  int n;
  bcsc_task_t *child;
  bcsc_wait_t *wait;
  bcsc_wait_t *next;
  bcsc_waitq_t *queue;
  uint64_t at;
  uint64_t refused;
  uint32_t in_flight;
} stuck_seen_t;

static void stuck_report(void *context, bcsc_scope_t *scope,
                         bcsc_task_t *child) {
  stuck_seen_t *s = context;
  (void)scope;
  s->n++;
  s->child = child;
  s->wait = bcsc_task_wait_next(child, NULL);
  s->next = s->wait != NULL ? bcsc_task_wait_next(child, s->wait) : NULL;
  s->queue = bcsc_wait_queue(s->wait);
  s->at = vnow(s->r);
  s->refused = seam.refused;
  s->in_flight = bcsc_uring_reactor_in_flight(s->r);
  refuse_submission(0);
}

enum { GRACE_DEADLINE = 5 * BCSC_MSEC, GRACE_PERIOD = 20 * BCSC_MSEC };

/* Its own frame, as read_into_a_frame_then_leave()'s: a reader's cancel is
 * owed - no SQE is free and io_uring_enter() fails with @p err - and the
 * owner's join must wait until it went out and the kernel has reported the
 * read's end. With @p s NULL the test cancels the owner's scope, checks
 * the frame is held, and lets submission work again; else a deadline
 * cancels it and the drain grace's report (stuck_report()) sees the held
 * reader and lets submission work. */
static __attribute__((noinline)) void
read_with_its_cancel_owed(bcsc_uring_reactor_t *r, int fd, int err,
                          stuck_seen_t *s, owner_t *seen,
                          io_task_t *reader_seen) {
  bcsc_executor_t ex;
  owner_t owner;
  io_task_t reader;
  bcsc_uring_op_t nop;
  bcsc_test_misuse_t rec;
  bcsc_test_executor_with(&ex, &r->base);
  io_init(&reader, r, IO_READ, fd);
  owner_init(&owner, &reader);
  if (s != NULL) {
    owner.deadline = vnow(r) + GRACE_DEADLINE;
    owner.grace_ns = GRACE_PERIOD;
    owner.report = stuck_report;
    owner.report_context = s;
  }
  cr_assert_eq(bcsc_executor_spawn(&ex, &owner.task), 0);
  while (bcsc_executor_poll(&ex, 8) > 0) {
  }
  cr_assert_eq(vpark(r, 0), 0);
  cr_assert_eq(bcsc_uring_op_busy(&reader.op), 1, "the read is in the kernel");
  refuse_submission(err);
  fill_the_ring(r, &nop, 1); /* two entries: both taken */
  if (s == NULL) {
    cr_assert_eq(bcsc_scope_cancel(&owner.scope), 0);
    turn(&ex, r, 20);
    cr_assert_gt(seam.refused, 0);
    cr_assert_eq(owner.joined, 0, "the join waits for the kernel");
    cr_assert_eq(reader.polls, 1, "not polled while its read is aborting");
    cr_assert_eq(bcsc_uring_op_busy(&reader.op), 1);
    cr_assert_eq(bcsc_uring_reactor_in_flight(r), 2);
    bcsc_test_misuse_install(&rec);
    cr_assert_eq(bcsc_uring_reactor_deinit(r), BCSC_EBUSY,
                 "the kernel may still write into the reader's frame");
    cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_REACTOR_BUSY, r));
    bcsc_test_misuse_uninstall();
    /* Submission works again: the next park sends the owed cancel. */
    refuse_submission(0);
  }
  /* With a grace: the deadline cancels the reader, whose cancel is owed;
   * the grace runs out with the read still in the kernel, and its report
   * lets the cancel go out. */
  run_until(&ex, r, &owner.joined);
  if (s != NULL) {
    cr_assert_eq(s->n, 1, "reported once");
    cr_assert_eq(s->child, &reader.task);
    cr_assert_eq(s->wait, &reader.wait, "its one registration");
    cr_assert_null(s->next);
    cr_assert_eq(s->queue, bcsc_uring_op_queue(&reader.op),
                 "held by the op's list");
  }
  cr_assert_eq(bcsc_uring_op_busy(&nop), 0);
  cr_assert_eq(bcsc_uring_op_result(&nop), 0);
  *seen = owner;
  *reader_seen = reader;
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
}

static void owe_a_cancel_then_reuse_the_frame(int err) {
  bcsc_uring_reactor_t r;
  owner_t owner;
  io_task_t reader;
  int fds[2];
  uring_open(&r, 2, 0);
  make_pipe(fds);
  read_with_its_cancel_owed(&r, fds[0], err, NULL, &owner, &reader);
  cr_assert_eq(owner.join_rc, BCSC_ECANCELED);
  cr_assert_eq(owner.busy_at_join, 0);
  cr_assert_eq(owner.result_at_join, -ECANCELED);
  cr_assert_eq(reader.polls, 2);
  cr_assert_eq(reader.saw_cancelled, 1);
  cr_assert_eq(reader.rc, 0);
  cr_assert_eq(reader.result, -ECANCELED);
  cr_assert_eq(bcsc_uring_reactor_in_flight(&r), 0);
  the_kernel_holds_no_frame(&r, fds);
}

Test(reactor_uring, a_cancel_owed_while_enter_is_busy_holds_the_frame) {
  owe_a_cancel_then_reuse_the_frame(EBUSY);
}

Test(reactor_uring, a_cancel_owed_while_enter_has_no_memory_holds_the_frame) {
  owe_a_cancel_then_reuse_the_frame(EAGAIN);
}

enum { CREW = 4 };

/* A task waits on a copy of its own op in flight (D99). Before D99 the
 * copy's list took the registration, and the completion woke the
 * original's list only: the task waited for ever (and, cancelled, stayed
 * held by the original's cancel). Refused as moved; the task then waits
 * on the original and gets its byte. */
typedef struct copy_waiter {
  io_task_t io; /* first: its op, wait, fd and buffer */
  bcsc_uring_op_t copy;
  int copy_rc;
} copy_waiter_t;

static int copy_waiter_poll(bcsc_task_t *self) {
  copy_waiter_t *t = (copy_waiter_t *)(void *)self;
  int rc;
  if (t->copy_rc == 1) {
    cr_assert_eq(bcsc_uring_read(t->io.r, &t->io.op, t->io.fd, t->io.buf, 1,
                                 BCSC_URING_OFFSET_CURRENT),
                 0);
    memcpy(&t->copy, &t->io.op, sizeof t->copy);
    t->copy_rc = bcsc_uring_wait(self, &t->copy, &t->io.wait);
    if (t->copy_rc == BCSC_PENDING)
      return BCSC_PENDING;
  }
  rc = bcsc_uring_wait(self, &t->io.op, &t->io.wait);
  if (rc == BCSC_PENDING)
    return rc;
  t->io.rc = rc;
  return 0;
}

Test(reactor_uring, a_wait_on_a_copy_of_an_op_in_flight_is_refused,
     .timeout = 30) {
  bcsc_uring_reactor_t r;
  bcsc_executor_t ex;
  copy_waiter_t t;
  bcsc_test_misuse_t rec;
  int fds[2];
  uring_open(&r, 4, 0);
  bcsc_test_executor_with(&ex, &r.base);
  make_pipe(fds);
  io_init(&t.io, &r, IO_READ, fds[0]);
  cr_assert_eq(bcsc_task_init(&t.io.task, copy_waiter_poll, NULL), 0);
  t.copy_rc = 1;
  cr_assert_eq(write(fds[1], "w", 1), 1);
  cr_assert_eq(bcsc_executor_spawn(&ex, &t.io.task), 0);
  bcsc_test_misuse_install(&rec);
  cr_assert_eq(bcsc_executor_run(&ex, NULL), 0);
  cr_assert_eq(t.copy_rc, BCSC_EBADOBJ);
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_MOVED, &t.copy));
  bcsc_test_misuse_uninstall();
  cr_assert_eq(t.io.rc, 0);
  cr_assert_eq(bcsc_uring_op_result(&t.io.op), 1);
  cr_assert_eq(t.io.buf[0], 'w');
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
  cr_assert_eq(bcsc_uring_reactor_deinit(&r), 0);
  close(fds[0]);
  close(fds[1]);
}

/* A copy of an op whose cancel is owed (D99): the original is on the
 * reactor's owed list, and the copy's link says so too. Before D99 the
 * copy's cancel, once an SQE was free, looked for the copy in that list
 * and walked past its end. Refused as moved; the original's cancel goes
 * out at the next park. */
Test(reactor_uring, a_copy_of_an_op_whose_cancel_is_owed_is_refused) {
  bcsc_uring_reactor_t r;
  bcsc_uring_op_t a, a_copy, nop;
  bcsc_test_misuse_t rec;
  char c = 0;
  int fds[2];
  uring_open(&r, 2, 0);
  make_pipe(fds);
  cr_assert_eq(bcsc_uring_op_init(&a), 0);
  cr_assert_eq(bcsc_uring_op_init(&nop), 0);
  refuse_submission(EBUSY);
  cr_assert_eq(
      bcsc_uring_read(&r, &a, fds[0], &c, 1, BCSC_URING_OFFSET_CURRENT), 0);
  cr_assert_eq(bcsc_uring_start(&r, &nop, IORING_OP_NOP, -1, 0, 0, 0, 0), 0);
  cr_assert_eq(bcsc_uring_op_cancel(&a), 0); /* no free SQE: owed */
  memcpy(&a_copy, &a, sizeof a);
  refuse_submission(0); /* an SQE can be freed now */
  bcsc_test_misuse_install(&rec);
  cr_assert_eq(bcsc_uring_op_cancel(&a_copy), BCSC_EBADOBJ);
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_MOVED, &a_copy));
  bcsc_test_misuse_uninstall();
  settle(&r);
  cr_assert_eq(bcsc_uring_op_result(&a), -ECANCELED);
  cr_assert_eq(bcsc_uring_op_result(&nop), 0);
  cr_assert_eq(bcsc_uring_reactor_deinit(&r), 0);
  close(fds[0]);
  close(fds[1]);
}

/* Four readers' cancels owed at once. Readers 1 and 2 - inside the owed
 * list, whichever order it keeps - get their bytes while their cancels are
 * owed: their completions must take them off the list, or the cancel sent
 * later would reach the read their op is started for next. */
Test(reactor_uring, owed_cancels_leave_the_list_when_their_ops_complete) {
  static bcsc_uring_reactor_t r;
  static bcsc_executor_t ex;
  static fleet_t f;
  bcsc_uring_op_t nops[CREW];
  bcsc_test_misuse_t rec;
  int fds[CREW][2], i;
  uring_open(&r, 2 * CREW, 0);
  bcsc_test_executor_with(&ex, &r.base);
  fleet_start(&f, CREW, fds, &ex, &r);
  refuse_submission(EBUSY);
  fill_the_ring(&r, nops, CREW); /* 2 * CREW SQEs: the ring is full */
  cr_assert_eq(bcsc_scope_cancel(&f.scope), 0);
  turn(&ex, &r, 5);
  for (i = 0; i < CREW; i++) {
    cr_assert_eq(bcsc_uring_op_busy(&f.readers[i].op), 1, "reader %d", i);
    cr_assert_eq(f.readers[i].polls, 1);
  }
  cr_assert_eq(f.joined, 0);
  cr_assert_eq(write(fds[1][1], "1", 1), 1);
  cr_assert_eq(write(fds[2][1], "2", 1), 1);
  turn(&ex, &r, 5);
  for (i = 1; i <= 2; i++) {
    cr_assert_eq(bcsc_uring_op_busy(&f.readers[i].op), 0, "reader %d", i);
    cr_assert_eq(f.readers[i].polls, 2);
    cr_assert_eq(f.readers[i].saw_cancelled, 1);
    cr_assert_eq(f.readers[i].rc, 0);
    cr_assert_eq(f.readers[i].result, 1, "the byte read is not lost");
    cr_assert_eq(f.readers[i].buf[0], '0' + i);
  }
  cr_assert_eq(bcsc_uring_op_busy(&f.readers[0].op), 1);
  cr_assert_eq(bcsc_uring_op_busy(&f.readers[3].op), 1);
  cr_assert_eq(f.joined, 0);
  cr_assert_eq(bcsc_uring_reactor_in_flight(&r), 2 + CREW);
  bcsc_test_misuse_install(&rec);
  cr_assert_eq(bcsc_uring_reactor_deinit(&r), BCSC_EBUSY);
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_REACTOR_BUSY, &r));
  bcsc_test_misuse_uninstall();
  /* Submission works again. Readers 1 and 2's ops start new reads, at the
   * same addresses, before any park could send what is owed. */
  refuse_submission(0);
  for (i = 1; i <= 2; i++)
    cr_assert_eq(bcsc_uring_read(&r, &f.readers[i].op, fds[i][0],
                                 f.readers[i].buf, 1,
                                 BCSC_URING_OFFSET_CURRENT),
                 0);
  run_until(&ex, &r, &f.joined);
  cr_assert_eq(f.join_rc, BCSC_ECANCELED);
  for (i = 0; i < CREW; i += 3) {
    cr_assert_eq(f.readers[i].polls, 2, "reader %d", i);
    cr_assert_eq(f.readers[i].saw_cancelled, 1);
    cr_assert_eq(f.readers[i].result, -ECANCELED);
  }
  for (i = 0; i < CREW; i++)
    cr_assert_eq(bcsc_uring_op_busy(&nops[i]), 0);
  /* The new reads were left alone: still in the kernel, they take the next
   * bytes. */
  cr_assert_eq(bcsc_uring_reactor_in_flight(&r), 2);
  for (i = 1; i <= 2; i++) {
    cr_assert_eq(bcsc_uring_op_busy(&f.readers[i].op), 1, "reader %d", i);
    cr_assert_eq(write(fds[i][1], "n", 1), 1);
  }
  settle(&r);
  for (i = 1; i <= 2; i++) {
    cr_assert_eq(bcsc_uring_op_result(&f.readers[i].op), 1, "reader %d", i);
    cr_assert_eq(f.readers[i].buf[0], 'n');
  }
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
  cr_assert_eq(bcsc_uring_reactor_deinit(&r), 0);
  for (i = 0; i < CREW; i++) {
    close(fds[i][0]);
    close(fds[i][1]);
  }
}

/* A refusal that ends between a park's retry of an owed cancel and its
 * sleep: the sleep's io_uring_enter() would submit the ring's other
 * requests - none of which completes - and sleep with the cancel still
 * owed, holding the reader's frame until something else ends the sleep.
 * The park must look again, and send the cancel, before it sleeps. */
Test(reactor_uring, a_park_sends_an_owed_cancel_before_it_sleeps) {
  bcsc_uring_reactor_t r;
  bcsc_executor_t ex;
  owner_t owner;
  io_task_t reader;
  bcsc_uring_op_t filler;
  uint64_t started;
  char d;
  int fds[2], other[2];
  uring_open(&r, 2, 0);
  bcsc_test_executor_with(&ex, &r.base);
  make_pipe(fds);
  make_pipe(other);
  io_init(&reader, &r, IO_READ, fds[0]);
  owner_init(&owner, &reader);
  cr_assert_eq(bcsc_executor_spawn(&ex, &owner.task), 0);
  while (bcsc_executor_poll(&ex, 8) > 0) {
  }
  cr_assert_eq(vpark(&r, 0), 0);
  cr_assert_eq(bcsc_uring_op_busy(&reader.op), 1);
  /* A read that never completes, and the wake-up poll a park that would
   * sleep queues: the ring's two entries, neither consumed. */
  refuse_submission(EBUSY);
  cr_assert_eq(bcsc_uring_op_init(&filler), 0);
  cr_assert_eq(
      bcsc_uring_read(&r, &filler, other[0], &d, 1, BCSC_URING_OFFSET_CURRENT),
      0);
  cr_assert_eq(vpark(&r, vnow(&r) + BCSC_MSEC), 0);
  cr_assert_eq(bcsc_scope_cancel(&owner.scope), 0);
  while (bcsc_executor_poll(&ex, 8) > 0) {
  }
  cr_assert_eq(owner.joined, 0);
  /* The park's retry is refused once; its sleep would not be. */
  refuse_submission_times(EBUSY, 1);
  started = vnow(&r);
  cr_assert_eq(vpark(&r, started + 2 * BCSC_SEC), 0);
  cr_assert_lt(vnow(&r) - started, BCSC_SEC,
               "woken by the read's end, not by the deadline");
  cr_assert_eq(seam.refused, 1);
  cr_assert_eq(bcsc_uring_op_busy(&reader.op), 0);
  run_until(&ex, &r, &owner.joined);
  cr_assert_eq(owner.result_at_join, -ECANCELED);
  cr_assert_eq(bcsc_uring_op_busy(&filler), 1);
  cr_assert_eq(bcsc_uring_op_cancel(&filler), 0);
  settle(&r);
  cr_assert_eq(bcsc_uring_op_result(&filler), -ECANCELED);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
  cr_assert_eq(bcsc_uring_reactor_deinit(&r), 0);
  close(fds[0]);
  close(fds[1]);
  close(other[0]);
  close(other[1]);
}

/* Unparks a reactor after two seconds unless stopped first: a park that
 * sleeps with nothing to end it fails a test instead of hanging it. */
typedef struct watchdog {
  bcsc_uring_reactor_t *r;
  volatile int stop;
  pthread_t thread;
} watchdog_t;

static void *watchdog_main(void *arg) {
  watchdog_t *w = arg;
  int i;
  for (i = 0; i < 200 && !w->stop; i++)
    usleep(10000);
  if (!w->stop)
    w->r->base.vtable->unpark(&w->r->base);
  return NULL;
}

/* The timeout request's refusals (BCSC_URING_TIMEOUT_SQE): a park whose
 * deadline moved while one SQE is free - room for the old timeout's
 * removal, none for the new timeout - looks without sleeping until its
 * deadline, and the next park, the kernel willing, arms it; a park with no
 * room for its timeout does not sleep without one. */
Test(reactor_uring, a_park_with_no_room_for_its_timeout_ends_at_its_deadline) {
  bcsc_uring_reactor_t r;
  bcsc_executor_t ex;
  io_task_t reader;
  bcsc_uring_op_t nop, stuck[2];
  watchdog_t dog;
  uint64_t started, deadline;
  char bytes[2];
  int fds[2], i;
  uring_open(&r, 2, BCSC_URING_TIMEOUT_SQE);
  bcsc_test_executor_with(&ex, &r.base);
  make_pipe(fds);
  cr_assert_eq(write(fds[1], "t", 1), 1);
  io_init(&reader, &r, IO_READ, fds[0]);
  cr_assert_eq(bcsc_executor_spawn(&ex, &reader.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 1), 1);
  /* A sleep the read's completion ends: its timeout, far off, stays. */
  started = vnow(&r);
  cr_assert_eq(vpark(&r, started + 10 * BCSC_SEC), 0);
  cr_assert_lt(vnow(&r) - started, 5 * BCSC_SEC);
  cr_assert_eq(bcsc_executor_run(&ex, &reader.task), 0);
  cr_assert_eq(reader.result, 1);
  refuse_submission(EBUSY);
  cr_assert_eq(bcsc_uring_op_init(&nop), 0);
  cr_assert_eq(bcsc_uring_start(&r, &nop, IORING_OP_NOP, -1, 0, 0, 0, 0), 0);
  deadline = vnow(&r) + 5 * BCSC_MSEC;
  cr_assert_eq(vpark(&r, deadline), 0);
  cr_assert_geq(vnow(&r), deadline);
  cr_assert_gt(seam.refused, 0);
  refuse_submission(0);
  deadline = vnow(&r) + 2 * BCSC_MSEC;
  cr_assert_eq(vpark(&r, deadline), 0);
  cr_assert_geq(vnow(&r), deadline);
  cr_assert_eq(bcsc_uring_op_busy(&nop), 0);
  cr_assert_eq(bcsc_uring_op_result(&nop), 0);
  /* That timeout has expired. Two reads that never complete fill the
   * ring; the timeout's SQE finds no room once (the refusal), and the
   * same park's io_uring_enter() - taking the reads, none of which
   * completes - must not sleep without a timeout. */
  refuse_submission(EBUSY);
  for (i = 0; i < 2; i++) {
    cr_assert_eq(bcsc_uring_op_init(&stuck[i]), 0);
    cr_assert_eq(bcsc_uring_read(&r, &stuck[i], fds[0], &bytes[i], 1,
                                 BCSC_URING_OFFSET_CURRENT),
                 0);
  }
  refuse_submission_times(EBUSY, 1);
  memset(&dog, 0, sizeof dog);
  dog.r = &r;
  cr_assert_eq(pthread_create(&dog.thread, NULL, watchdog_main, &dog), 0);
  started = vnow(&r);
  deadline = started + 5 * BCSC_MSEC;
  cr_assert_eq(vpark(&r, deadline), 0);
  dog.stop = 1;
  cr_assert_eq(pthread_join(dog.thread, NULL), 0);
  cr_assert_geq(vnow(&r), deadline);
  cr_assert_lt(vnow(&r) - started, BCSC_SEC, "not ended by the watchdog");
  cr_assert_eq(seam.refused, 1);
  for (i = 0; i < 2; i++)
    cr_assert_eq(bcsc_uring_op_cancel(&stuck[i]), 0);
  settle(&r);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
  cr_assert_eq(bcsc_uring_reactor_deinit(&r), 0);
  close(fds[0]);
  close(fds[1]);
}

/* ---- a drain grace over a cancel the kernel has not had ------------------ */

Test(reactor_uring, a_drain_grace_reports_a_reader_whose_cancel_is_owed) {
  bcsc_uring_reactor_t r;
  stuck_seen_t s;
  owner_t owner;
  io_task_t reader;
  int fds[2];
  uring_open(&r, 2, 0);
  make_pipe(fds);
  memset(&s, 0, sizeof s);
  s.r = &r;
  read_with_its_cancel_owed(&r, fds[0], EAGAIN, &s, &owner, &reader);
  cr_assert_gt(s.refused, 0);
  cr_assert_eq(s.in_flight, 2, "the read and the NOP");
  cr_assert_geq(s.at, owner.deadline + GRACE_PERIOD);
  cr_assert_eq(owner.joined, 1);
  cr_assert_eq(owner.join_rc, 0, "a deadline that moves on");
  cr_assert_eq(owner.busy_at_join, 0);
  cr_assert_eq(owner.result_at_join, -ECANCELED);
  cr_assert_eq(reader.polls, 2);
  cr_assert_eq(reader.result, -ECANCELED);
  the_kernel_holds_no_frame(&r, fds); /* the one the report pointed into */
}

/* Mutation seed 14 (reactors/uring.c:329 `timeout_ts[0]` -> `[1]`: the
 * timeout request's seconds lost, so it expired at once): a park sleeps
 * until its deadline in a few io_uring_enter() calls, with the timeout
 * request and with the enter's own timeout, rather than spinning through
 * one enter per expired request. */
static void a_park_sleeps_in_a_few_enters(uint32_t flags) {
  bcsc_uring_reactor_t r;
  uint64_t deadline, enters;
  uring_open(&r, 4, flags);
  enters = bcsc_uring_reactor_enters(&r);
  deadline = vnow(&r) + 20 * BCSC_MSEC;
  cr_assert_eq(vpark(&r, deadline), 0);
  cr_assert_geq(vnow(&r), deadline);
  cr_assert_leq(bcsc_uring_reactor_enters(&r) - enters, 4,
                "%llu enters for one sleep",
                (unsigned long long)(bcsc_uring_reactor_enters(&r) - enters));
  cr_assert_eq(bcsc_uring_reactor_deinit(&r), 0);
}

Test(reactor_uring, a_timeout_only_park_sleeps_in_a_few_enters) {
  a_park_sleeps_in_a_few_enters(0);
}

Test(reactor_uring, a_timeout_request_park_sleeps_in_a_few_enters) {
  a_park_sleeps_in_a_few_enters(BCSC_URING_TIMEOUT_SQE);
}

/* Mutation seed 14 (reactors/uring.c:472, the larger ring's size for the
 * one mapping of both rings negated): with IORING_FEAT_SINGLE_MMAP the
 * mapping must be as large as the larger ring - here the completion ring,
 * 2n + 4 entries of 16 bytes rounded up, against 4 bytes an entry for the
 * submission ring's array. At the largest size every op of a full ring
 * completes, twice over, through completion slots far past the end of the
 * submission ring's size. */
static bcsc_uring_op_t full_ring[4096];

Test(reactor_uring, the_largest_ring_completes_a_full_ring_of_ops_twice) {
  bcsc_uring_reactor_t r;
  int i, round;
  uring_open(&r, 4096, 0);
  for (round = 0; round < 2; round++) {
    for (i = 0; i < 4096; i++) {
      if (round == 0)
        cr_assert_eq(bcsc_uring_op_init(&full_ring[i]), 0);
      cr_assert_eq(
          bcsc_uring_start(&r, &full_ring[i], IORING_OP_NOP, -1, 0, 0, 0, 0),
          0);
    }
    cr_assert_eq(bcsc_uring_reactor_in_flight(&r), 4096);
    settle(&r);
    for (i = 0; i < 4096; i++) {
      cr_assert_eq(bcsc_uring_op_busy(&full_ring[i]), 0);
      cr_assert_eq(bcsc_uring_op_result(&full_ring[i]), 0);
    }
  }
  cr_assert_eq(bcsc_uring_reactor_deinit(&r), 0);
}

/* Mutation seed 14 (reactors/uring.c:562, the ring's close deleted):
 * deinit gives back every descriptor init opened (the ring's, the
 * eventfd), after parks that armed the reactor's own requests. */
Test(reactor_uring, deinit_closes_every_descriptor_init_opened) {
  bcsc_uring_reactor_t r;
  int before = bcsc_test_fds_open();
  uring_open(&r, 4, 0);
  cr_assert_eq(bcsc_test_fds_open(), before + 2, "the ring and the eventfd");
  cr_assert_eq(vpark(&r, vnow(&r) + BCSC_MSEC), 0);
  cr_assert_eq(bcsc_uring_reactor_deinit(&r), 0);
  cr_assert_eq(bcsc_test_fds_open(), before);
}

/* As the POSIX reactor's (mutation seed 14, reactors/posix.c:179), for
 * the io_uring reactor's `wake_fd = -1` at deinit (uring.c:567): the base
 * outlives deinit, and an unpark through it afterwards (a signal handler
 * or another thread racing the teardown) must write to no descriptor,
 * not to stdin. */
Test(reactor_uring, an_unpark_after_deinit_writes_to_no_descriptor) {
  bcsc_uring_reactor_t r;
  uring_open(&r, 4, 0);
  cr_assert_eq(bcsc_uring_reactor_deinit(&r), 0);
  bcsc_test_unpark_after_deinit_writes_nowhere(&r.base);
}
