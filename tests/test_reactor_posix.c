/* SPDX-License-Identifier: MIT
 * test_reactor_posix.c - the POSIX reactor: a monotonic clock, parks that
 * never end before their deadline (with and without the spin option), and
 * unparks that are never lost - made before the park, from another thread
 * while the executor's thread sleeps in ppoll, or from a signal handler.
 * Under an executor: sleeps, a task woken through the unpark list, and
 * teardown refused while a task waits on it.
 *
 * The tests never sleep to synchronise: a helper thread that must act
 * while the main thread is parked reads the main thread's state in /proc
 * until it is asleep, and the assertions hold whenever it acts anyway. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* syscall(SYS_gettid) */
#endif

#include <criterion/criterion.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <bcsc.h>
#include <bcsc/reactor_posix.h>

#include "bcsc_test.h"
#include "bcsc_test_unpark.h"

static uint64_t vnow(bcsc_posix_reactor_t *r) {
  return r->base.vtable->now(&r->base);
}
static int vpark(bcsc_posix_reactor_t *r, uint64_t deadline) {
  return r->base.vtable->park(&r->base, deadline);
}
static void vunpark(bcsc_posix_reactor_t *r) {
  r->base.vtable->unpark(&r->base);
}

/* ---- the vtable on its own ---------------------------------------------- */

Test(reactor_posix, init_deinit_and_null_arguments) {
  bcsc_posix_reactor_t r;
  bcsc_test_misuse_t rec;
  bcsc_test_misuse_install(&rec);
  cr_assert_eq(bcsc_posix_reactor_init(NULL), BCSC_EINVAL);
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_NULL_OBJECT, NULL));
  cr_assert_eq(bcsc_posix_reactor_deinit(NULL), BCSC_EINVAL);
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_NULL_OBJECT, NULL));
  cr_assert_eq(bcsc_posix_reactor_set_spin(NULL, 1), BCSC_EINVAL);
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_NULL_OBJECT, NULL));
  bcsc_test_misuse_uninstall();
  cr_assert_null(bcsc_posix_reactor_unparked(NULL));
  cr_assert_eq(bcsc_posix_reactor_parks(NULL), 0);
  cr_assert_eq(bcsc_posix_reactor_sizeof(), sizeof(bcsc_posix_reactor_t));

  memset(&r, 0xa5, sizeof r);
  cr_assert_eq(bcsc_posix_reactor_init(&r), 0);
  cr_assert_null(r.base.data, "_init writes the host's data word");
  cr_assert_eq(bcsc_reactor_check(&r.base), 0);
  cr_assert_not_null(r.base.vtable->park);
  cr_assert_not_null(r.base.vtable->unpark);
  cr_assert_not_null(bcsc_posix_reactor_unparked(&r));
  cr_assert_eq(bcsc_waitq_count(bcsc_posix_reactor_unparked(&r)), 0);
  cr_assert_eq(bcsc_posix_reactor_parks(&r), 0);
  cr_assert_eq(bcsc_posix_reactor_deinit(&r), 0);
}

/* The OS refusing the wake descriptor is BCSC_ENOSPC, not misuse; once
 * descriptors are free again the same call succeeds. */
Test(reactor_posix, init_without_a_free_descriptor_is_enospc) {
  bcsc_posix_reactor_t r;
  bcsc_test_misuse_t rec;
  bcsc_test_misuse_install(&rec);
  cr_assert_eq(bcsc_test_fds_exhaust(), 0);
  cr_assert_eq(bcsc_posix_reactor_init(&r), BCSC_ENOSPC);
  cr_assert_eq(bcsc_test_fds_restore(), 0);
  cr_assert_eq(rec.count, 0);
  bcsc_test_misuse_uninstall();
  cr_assert_eq(bcsc_posix_reactor_init(&r), 0);
  cr_assert_eq(bcsc_posix_reactor_deinit(&r), 0);
}

/* D90: a deinitialised reactor, and memory never initialised as one, are
 * refused - nothing closed, nothing written - and (checked build) reported
 * once each, naming them. A zero reactor's wake fd reads 0: taken for an
 * open one, its deinit would close stdin. */
Test(reactor_posix, a_deinitialised_or_zero_reactor_is_refused_and_reported) {
  bcsc_posix_reactor_t r, zero;
  bcsc_test_misuse_t rec;
  memset(&zero, 0, sizeof zero);
  cr_assert_eq(bcsc_posix_reactor_init(&r), 0);
  cr_assert_eq(bcsc_posix_reactor_deinit(&r), 0);
  bcsc_test_misuse_install(&rec);
  cr_assert_eq(bcsc_posix_reactor_deinit(&r), BCSC_EBADOBJ);
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_BAD_OBJECT, &r));
  cr_assert_eq(bcsc_posix_reactor_set_spin(&r, 1), BCSC_EBADOBJ);
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_BAD_OBJECT, &r));
  cr_assert_eq(bcsc_posix_reactor_deinit(&zero), BCSC_EBADOBJ);
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_BAD_OBJECT, &zero));
  cr_assert_eq(bcsc_posix_reactor_set_spin(&zero, 1), BCSC_EBADOBJ);
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_BAD_OBJECT, &zero));
  bcsc_test_misuse_uninstall();
  cr_assert_eq(zero.priv.spin_ns, 0, "not written");
  cr_assert_neq(fcntl(0, F_GETFD), -1, "stdin is still open");
}

/* D89: a deinitialised reactor answers its queries as a zero one does:
 * its parks are not counted on. Its base (vtable, the host's data) is
 * the caller's and stays. */
Test(reactor_posix, queries_after_deinit_answer_as_for_a_zero_reactor) {
  bcsc_posix_reactor_t r;
  cr_assert_eq(bcsc_posix_reactor_init(&r), 0);
  r.base.data = &r;
  cr_assert_eq(vpark(&r, vnow(&r) + 1000000), 0);
  cr_assert_eq(bcsc_posix_reactor_parks(&r), 1);
  cr_assert_eq(bcsc_posix_reactor_deinit(&r), 0);
  cr_assert_eq(bcsc_posix_reactor_parks(&r), 0);
  cr_assert_eq(bcsc_waitq_count(bcsc_posix_reactor_unparked(&r)), 0);
  cr_assert_eq(r.base.data, &r);
}

Test(reactor_posix, now_is_the_monotonic_clock_and_never_goes_back) {
  bcsc_posix_reactor_t r;
  uint64_t before, prev, t;
  int i;
  cr_assert_eq(bcsc_posix_reactor_init(&r), 0);
  before = bcsc_test_monotonic_ns();
  prev = vnow(&r);
  cr_assert_geq(prev, before);
  for (i = 0; i < 10000; i++) {
    t = vnow(&r);
    cr_assert_geq(t, prev);
    prev = t;
  }
  cr_assert_leq(prev, bcsc_test_monotonic_ns());
  cr_assert_eq(bcsc_posix_reactor_deinit(&r), 0);
}

Test(reactor_posix, park_returns_at_or_after_its_deadline) {
  bcsc_posix_reactor_t r;
  uint64_t deadline;
  int i;
  cr_assert_eq(bcsc_posix_reactor_init(&r), 0);
  for (i = 0; i < 5; i++) {
    deadline = vnow(&r) + 1 * BCSC_MSEC + (uint64_t)i * 333 * BCSC_USEC;
    cr_assert_eq(vpark(&r, deadline), 0);
    cr_assert_geq(vnow(&r), deadline);
  }
  cr_assert_eq(bcsc_posix_reactor_parks(&r), 5);
  cr_assert_eq(bcsc_posix_reactor_deinit(&r), 0);
}

Test(reactor_posix, a_deadline_already_past_returns_at_once) {
  bcsc_posix_reactor_t r;
  cr_assert_eq(bcsc_posix_reactor_init(&r), 0);
  cr_assert_eq(vpark(&r, 0), 0);
  cr_assert_eq(vpark(&r, vnow(&r)), 0);
  cr_assert_eq(bcsc_posix_reactor_parks(&r), 2);
  cr_assert_eq(bcsc_posix_reactor_deinit(&r), 0);
}

Test(reactor_posix, the_spin_option_still_ends_at_the_deadline) {
  bcsc_posix_reactor_t r;
  uint64_t deadline;
  cr_assert_eq(bcsc_posix_reactor_init(&r), 0);
  /* Part sleep, part spin. */
  cr_assert_eq(bcsc_posix_reactor_set_spin(&r, 500 * BCSC_USEC), 0);
  deadline = vnow(&r) + 2 * BCSC_MSEC;
  cr_assert_eq(vpark(&r, deadline), 0);
  cr_assert_geq(vnow(&r), deadline);
  /* All spin: the deadline is nearer than spin_ns. */
  cr_assert_eq(bcsc_posix_reactor_set_spin(&r, 10 * BCSC_MSEC), 0);
  deadline = vnow(&r) + 1 * BCSC_MSEC;
  cr_assert_eq(vpark(&r, deadline), 0);
  cr_assert_geq(vnow(&r), deadline);
  /* An unpark ends a spin too. */
  vunpark(&r);
  deadline = vnow(&r) + 60 * BCSC_SEC;
  cr_assert_eq(vpark(&r, deadline), 0);
  cr_assert_lt(vnow(&r), deadline);
  cr_assert_eq(bcsc_posix_reactor_deinit(&r), 0);
}

Test(reactor_posix, an_unpark_before_the_park_makes_it_return_at_once) {
  bcsc_posix_reactor_t r;
  uint64_t deadline;
  cr_assert_eq(bcsc_posix_reactor_init(&r), 0);
  vunpark(&r);
  vunpark(&r); /* one pending unpark, not two */
  cr_assert_eq(vpark(&r, BCSC_NO_DEADLINE), 0);
  /* It was consumed: the next park waits for its deadline. */
  deadline = vnow(&r) + 1 * BCSC_MSEC;
  cr_assert_eq(vpark(&r, deadline), 0);
  cr_assert_geq(vnow(&r), deadline);
  cr_assert_eq(bcsc_posix_reactor_deinit(&r), 0);
}

Test(reactor_posix, an_unpark_from_another_thread_ends_a_park_with_no_limit) {
  bcsc_posix_reactor_t r;
  bcsc_test_poke_t poke;
  int i;
  cr_assert_eq(bcsc_posix_reactor_init(&r), 0);
  for (i = 0; i < 3; i++) {
    bcsc_test_poke_start(&poke, &r.base, 0);
    cr_assert_eq(vpark(&r, BCSC_NO_DEADLINE), 0);
    bcsc_test_poke_join(&poke);
  }
  cr_assert_eq(bcsc_posix_reactor_deinit(&r), 0);
}

Test(reactor_posix, unparks_from_many_threads_are_never_lost) {
  bcsc_posix_reactor_t r;
  cr_assert_eq(bcsc_posix_reactor_init(&r), 0);
  bcsc_test_unparks_race_parks(&r.base);
  cr_assert_eq(bcsc_posix_reactor_deinit(&r), 0);
}

Test(reactor_posix, an_unpark_from_a_signal_handler_before_the_park) {
  bcsc_posix_reactor_t r;
  cr_assert_eq(bcsc_posix_reactor_init(&r), 0);
  bcsc_test_unpark_on_sigusr1(&r.base);
  cr_assert_eq(raise(SIGUSR1), 0);
  cr_assert_eq(bcsc_test_signals_seen(), 1);
  cr_assert_eq(vpark(&r, BCSC_NO_DEADLINE), 0);
  bcsc_test_sigusr1_default();
  cr_assert_eq(bcsc_posix_reactor_deinit(&r), 0);
}

Test(reactor_posix, a_signal_whose_handler_unparks_ends_a_park) {
  bcsc_posix_reactor_t r;
  bcsc_test_poke_t poke;
  uint64_t deadline;
  cr_assert_eq(bcsc_posix_reactor_init(&r), 0);
  bcsc_test_unpark_on_sigusr1(&r.base);
  bcsc_test_poke_start(&poke, &r.base, SIGUSR1);
  cr_assert_eq(vpark(&r, BCSC_NO_DEADLINE), 0);
  bcsc_test_poke_join(&poke);
  cr_assert_eq(bcsc_test_signals_seen(), 1);
  /* The handler's unpark was consumed with the signal: nothing is left
   * to end the next park early. */
  deadline = vnow(&r) + 1 * BCSC_MSEC;
  cr_assert_eq(vpark(&r, deadline), 0);
  cr_assert_geq(vnow(&r), deadline);
  bcsc_test_sigusr1_default();
  cr_assert_eq(bcsc_posix_reactor_deinit(&r), 0);
}

/* ---- under an executor -------------------------------------------------- */

typedef struct sleeper {
  bcsc_task_t task; /* first */
  bcsc_timer_t timer;
  bcsc_executor_t *ex;
  uint64_t duration;
  uint64_t started_at;
  uint64_t woke_at;
  uint32_t polls;
} sleeper_t;

static int sleeper_poll(bcsc_task_t *self) {
  sleeper_t *s = (sleeper_t *)(void *)self;
  int rc;
  if (s->polls++ == 0)
    s->started_at = bcsc_executor_now(s->ex);
  rc = bcsc_sleep_for(self, &s->timer, s->duration);
  if (rc == BCSC_PENDING)
    return rc;
  s->woke_at = bcsc_executor_now(s->ex);
  return rc;
}

static void sleeper_init(sleeper_t *s, bcsc_executor_t *ex, uint64_t duration) {
  memset(s, 0, sizeof *s);
  cr_assert_eq(bcsc_task_init(&s->task, sleeper_poll, NULL), 0);
  cr_assert_eq(bcsc_timer_init(&s->timer), 0);
  s->ex = ex;
  s->duration = duration;
}

Test(reactor_posix, sleep_for_wakes_at_or_after_the_deadline) {
  bcsc_posix_reactor_t r;
  bcsc_executor_t ex;
  sleeper_t a, b;
  bcsc_executor_stats_t st;

  cr_assert_eq(bcsc_posix_reactor_init(&r), 0);
  bcsc_test_executor_with(&ex, &r.base);
  sleeper_init(&a, &ex, 3 * BCSC_MSEC);
  sleeper_init(&b, &ex, 1 * BCSC_MSEC);
  cr_assert_eq(bcsc_executor_spawn(&ex, &a.task), 0);
  cr_assert_eq(bcsc_executor_spawn(&ex, &b.task), 0);
  cr_assert_eq(bcsc_executor_run(&ex, NULL), 0);
  cr_assert_geq(a.woke_at, a.started_at + 3 * BCSC_MSEC);
  cr_assert_geq(b.woke_at, b.started_at + 1 * BCSC_MSEC);
  /* The earlier deadline is served first. Which one is earlier depends on
   * how far apart the two started (a slow machine, valgrind). */
  if (b.started_at + 1 * BCSC_MSEC <= a.started_at + 3 * BCSC_MSEC)
    cr_assert_leq(b.woke_at, a.woke_at);
  else
    cr_assert_leq(a.woke_at, b.woke_at);
  /* Each sleeper is polled to sleep and once more to wake - or once, if
   * the machine was so slow (valgrind, load) that its deadline passed
   * before the timer was linked. Never more: no park ended before its
   * deadline and made a task look due. */
  cr_assert(a.polls == 1 || a.polls == 2, "a polled %u times", a.polls);
  cr_assert(b.polls == 1 || b.polls == 2, "b polled %u times", b.polls);
  memset(&st, 0, sizeof st);
  st.size = sizeof st;
  cr_assert_eq(bcsc_executor_stats(&ex, &st), 0);
  cr_assert_eq(st.parks, bcsc_posix_reactor_parks(&r));
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
  cr_assert_eq(bcsc_posix_reactor_deinit(&r), 0);
}

Test(reactor_posix, a_signal_wakes_the_tasks_on_the_unpark_list) {
  bcsc_posix_reactor_t r;
  bcsc_executor_t ex;
  bcsc_test_leaf_t watcher;
  bcsc_test_poke_t poke;

  cr_assert_eq(bcsc_posix_reactor_init(&r), 0);
  bcsc_test_executor_with(&ex, &r.base);
  bcsc_test_unpark_on_sigusr1(&r.base);
  /* A shutdown watcher: waits on the unpark list, nothing else. */
  bcsc_test_leaf_init(&watcher, 1);
  watcher.queue = bcsc_posix_reactor_unparked(&r);
  bcsc_test_poke_start(&poke, &r.base, SIGUSR1);
  cr_assert_eq(bcsc_executor_run(&ex, &watcher.task), 0);
  bcsc_test_poke_join(&poke);
  cr_assert_eq(bcsc_test_signals_seen(), 1);
  cr_assert(watcher.waited);
  cr_assert_eq(watcher.value, 1); /* the first unpark park consumed */
  bcsc_test_sigusr1_default();
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
  cr_assert_eq(bcsc_posix_reactor_deinit(&r), 0);
}

/* A refused deinit is misuse (D92): reported as REACTOR_BUSY on the reactor
 * in the checked build, BCSC_EBUSY alone in release. */
Test(reactor_posix, deinit_is_refused_while_a_task_waits_on_the_unpark_list) {
  bcsc_posix_reactor_t r;
  bcsc_executor_t ex;
  bcsc_test_leaf_t watcher;
  bcsc_test_misuse_t rec;

  cr_assert_eq(bcsc_posix_reactor_init(&r), 0);
  bcsc_test_executor_with(&ex, &r.base);
  bcsc_test_leaf_init(&watcher, 1);
  watcher.queue = bcsc_posix_reactor_unparked(&r);
  cr_assert_eq(bcsc_executor_spawn(&ex, &watcher.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 1), 1);
  cr_assert_eq(bcsc_waitq_count(bcsc_posix_reactor_unparked(&r)), 1);
  bcsc_test_misuse_install(&rec);
  cr_assert_eq(bcsc_posix_reactor_deinit(&r), BCSC_EBUSY);
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_REACTOR_BUSY, &r));
  bcsc_test_misuse_uninstall();
  /* Nothing was closed: an unpark still reaches the watcher. */
  vunpark(&r);
  cr_assert_eq(bcsc_executor_run(&ex, &watcher.task), 0);
  cr_assert(watcher.waited);
  cr_assert_eq(bcsc_posix_reactor_deinit(&r), 0);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
}

/* A memcpy of a reactor bound to an executor, the original left in place
 * (D99): its wake fds are the original's, so every operation that takes it
 * refuses it as moved (BCSC_EBADOBJ, one MOVED report in the checked
 * build), a park of it too (a copy given to an executor); the original
 * runs its executor to the end and closes. Before D99 the copy's deinit
 * closed the original's wake fd. */
Test(reactor_posix, a_copy_of_a_bound_reactor_is_refused_as_moved) {
  bcsc_posix_reactor_t r, copy;
  bcsc_executor_t ex;
  sleeper_t s;
  bcsc_test_misuse_t rec;
  cr_assert_eq(bcsc_posix_reactor_init(&r), 0);
  bcsc_test_executor_with(&ex, &r.base);
  memcpy(&copy, &r, sizeof r);
  bcsc_test_misuse_install(&rec);
  cr_assert_eq(bcsc_posix_reactor_deinit(&copy), BCSC_EBADOBJ);
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_MOVED, &copy));
  cr_assert_eq(bcsc_posix_reactor_set_spin(&copy, 1), BCSC_EBADOBJ);
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_MOVED, &copy));
  cr_assert_eq(vpark(&copy, 0), BCSC_EBADOBJ);
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_MOVED, &copy));
  bcsc_test_misuse_uninstall();
  cr_assert_eq(bcsc_posix_reactor_parks(&copy), 0);
  /* An unpark through the copy writes the original's fd: that is the
   * original's unpark, which its next park consumes. */
  vunpark(&copy);
  cr_assert_eq(vpark(&r, vnow(&r) + BCSC_SEC), 0);
  sleeper_init(&s, &ex, 1 * BCSC_MSEC);
  cr_assert_eq(bcsc_executor_spawn(&ex, &s.task), 0);
  cr_assert_eq(bcsc_executor_run(&ex, NULL), 0);
  cr_assert_geq(s.woke_at, s.started_at + 1 * BCSC_MSEC);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
  cr_assert_eq(bcsc_posix_reactor_deinit(&r), 0, "its fds were its own");
}

/* Mutation seed 14 (reactors/posix.c:87 `n > 0 ? 1 : 0` -> 0): the write
 * of an unpark whose flag a park consumed already (wake_fd.c: the write
 * comes after the exchange, so it can land after the park that took the
 * flag) makes the wake fd readable with nothing pending. The next park
 * drains it and sleeps; a readable fd left behind would make it and every
 * later park spin until its deadline. The write is made here by hand,
 * where the race would put it. */
Test(reactor_posix, a_late_unpark_write_is_drained_not_spun_on) {
  bcsc_posix_reactor_t r;
  struct pollfd pfd;
  uint64_t one = 1, deadline;
  cr_assert_eq(bcsc_posix_reactor_init(&r), 0);
  cr_assert_eq(write(r.priv.wake_fd_write, &one, sizeof one),
               (ssize_t)sizeof one);
  deadline = vnow(&r) + 5 * BCSC_MSEC;
  cr_assert_eq(vpark(&r, deadline), 0);
  cr_assert_geq(vnow(&r), deadline);
  pfd.fd = r.priv.wake_fd;
  pfd.events = POLLIN;
  pfd.revents = 0;
  cr_assert_eq(poll(&pfd, 1, 0), 0, "the late write was left readable");
  cr_assert_eq(bcsc_posix_reactor_deinit(&r), 0);
}

/* Mutation seed 14 (reactors/posix.c:179 `wake_fd_write = -1` -> `-0`):
 * deinit leaves the base alone, so an unpark can still reach a closed
 * reactor through its vtable (a signal handler or another thread racing
 * the teardown). Its write must go to no descriptor: with the fd left as
 * 0, the zero object's value, it went to stdin. */
Test(reactor_posix, an_unpark_after_deinit_writes_to_no_descriptor) {
  bcsc_posix_reactor_t r;
  cr_assert_eq(bcsc_posix_reactor_init(&r), 0);
  cr_assert_eq(bcsc_posix_reactor_deinit(&r), 0);
  bcsc_test_unpark_after_deinit_writes_nowhere(&r.base);
}

/* Deinit gives back every descriptor init opened (the eventfd on Linux,
 * a pipe's two ends elsewhere). */
Test(reactor_posix, deinit_closes_every_descriptor_init_opened) {
  bcsc_posix_reactor_t r;
  int before = bcsc_test_fds_open();
  cr_assert_eq(bcsc_posix_reactor_init(&r), 0);
  cr_assert_gt(bcsc_test_fds_open(), before);
  cr_assert_eq(vpark(&r, vnow(&r) + BCSC_MSEC), 0);
  cr_assert_eq(bcsc_posix_reactor_deinit(&r), 0);
  cr_assert_eq(bcsc_test_fds_open(), before);
}
