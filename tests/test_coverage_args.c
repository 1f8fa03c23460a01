/* SPDX-License-Identifier: MIT
 * test_coverage_args.c - the arguments each call refuses, one condition at
 * a time, where the other suites refuse only some of them (found with the
 * coverage lane's report; the fast paths of channel send/recv and
 * bcsc_wait_on() test several conditions at once, and each must fall back
 * to the checks that report it):
 *  - a task that was spawned but is not the one being polled (queued, not
 *    yet run) - not only one never spawned;
 *  - NULL and uninitialised objects, wrong element sizes, unknown policies;
 *  - a copy of a waiter list that has waiters (moved), a hand-off list
 *    torn down while a wake it gave is still out;
 *  - calls that must answer "busy" during a mutex hand-over;
 *  - the neutral answers of queries on NULL or zeroed objects.
 * Each refusal changes nothing: the test then finishes every task cleanly.
 *
 * Every test ends with bcsc_executor_deinit() returning 0. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include <bcsc.h>

#include "bcsc_stepped.h"
#include "bcsc_test.h"

TestSuite(coverage_args, .init = ct_record_misuse);

/* ---- a task spawned but not being polled ------------------------------- */

Test(coverage_args, a_queued_task_is_not_the_task_being_polled) {
  bcsc_waitq_t q;
  bcsc_mutex_t m;
  bcsc_timer_t t;
  bcsc_channel_t ch;
  bcsc_select_t sel;
  bcsc_waker_t waker;
  bcsc_scope_t s;
  bcsc_task_t *kids[1];
  uint32_t ring[1], v = 1;
  ct_t queued, kid;
  uint32_t n = 0;
  ct_up_sim();
  cr_assert_eq(bcsc_waitq_init(&q), 0);
  cr_assert_eq(bcsc_mutex_init(&m), 0);
  cr_assert_eq(bcsc_timer_init(&t), 0);
  cr_assert_eq(bcsc_timer_set(&t, 5000), 0);
  cr_assert_eq(bcsc_channel_init(&ch, ring, sizeof ring, sizeof v), 0);
  ct_init(&queued, ct_finish);
  ct_init(&kid, ct_finish);
  kids[0] = &kid.task;
  cr_assert_eq(bcsc_executor_spawn(&ct_ex, &queued.task), 0);
  cr_assert_eq(bcsc_wait_register(&queued.task, &queued.w, &q), BCSC_EPERM);
  n++;
  cr_assert_eq(bcsc_wait_on(&queued.task, &queued.w, &q), BCSC_EPERM);
  n++;
  cr_assert_eq(bcsc_mutex_try_lock(&queued.task, &m), BCSC_EPERM);
  n++;
  cr_assert_eq(bcsc_timer_wait(&queued.task, &t), BCSC_EPERM);
  n++;
  cr_assert_eq(bcsc_channel_send(&queued.task, &ch, &queued.w, &v, sizeof v),
               BCSC_EPERM);
  n++;
  cr_assert_eq(bcsc_channel_recv(&queued.task, &ch, &queued.w, &v, sizeof v),
               BCSC_EPERM);
  n++;
  cr_assert_eq(bcsc_select_begin(&sel, &queued.task), BCSC_EPERM);
  n++;
  cr_assert_eq(bcsc_task_waker(&queued.task, &waker), BCSC_EPERM);
  n++;
  cr_assert_eq(bcsc_join_all(&queued.task, &s, kids, 1), BCSC_EPERM);
  n++;
  cr_assert_eq(ct_misuse.count, bcsc_test_misuse_expected(n));
  cr_assert_eq(ct_reports(BCSC_MISUSE_NOT_RUNNING),
               bcsc_test_misuse_expected(n));
  cr_assert_eq(bcsc_waitq_count(&q), 0u);
  cr_assert_eq(bcsc_mutex_locked(&m), 0);
  cr_assert_eq(bcsc_timer_linked(&t), 0);
  cr_assert_eq(bcsc_channel_buffered(&ch), 0u);
  ct_run_down();
  cr_assert_eq(bcsc_task_result(&queued.task), 0);
  cr_assert_eq(bcsc_task_done(&kid.task), 0, "never spawned");
  cr_assert_eq(bcsc_channel_deinit(&ch), 0);
  cr_assert_eq(bcsc_mutex_deinit(&m), 0);
  cr_assert_eq(bcsc_waitq_deinit(&q), 0);
}

/* ---- channel: each argument of the fast path, from inside a poll ------- */

static int channel_bad_arguments(ct_t *c) {
  bcsc_channel_t *ch = c->obj;
  bcsc_wait_t junk;
  uint32_t v = 5;
  int i = 0;
  memset(&junk, 0x5a, sizeof junk);
  c->rc[i++] = bcsc_channel_send(&c->task, NULL, &c->w, &v, sizeof v);
  c->rc[i++] = bcsc_channel_send(NULL, ch, &c->w, &v, sizeof v);
  c->rc[i++] = bcsc_channel_send(&c->task, ch, NULL, &v, sizeof v);
  c->rc[i++] = bcsc_channel_send(&c->task, ch, &c->w, NULL, sizeof v);
  c->rc[i++] = bcsc_channel_send(&c->task, ch, &c->w, &v, 1);
  c->rc[i++] = bcsc_channel_send(&c->task, ch, &junk, &v, sizeof v);
  c->rc[i++] = bcsc_channel_recv(&c->task, NULL, &c->w, &v, sizeof v);
  c->rc[i++] = bcsc_channel_recv(NULL, ch, &c->w, &v, sizeof v);
  c->rc[i++] = bcsc_channel_recv(&c->task, ch, NULL, &v, sizeof v);
  c->rc[i++] = bcsc_channel_recv(&c->task, ch, &c->w, NULL, sizeof v);
  c->rc[i++] = bcsc_channel_recv(&c->task, ch, &c->w, &v, 1);
  c->rc[i++] = bcsc_channel_recv(&c->task, ch, &junk, &v, sizeof v);
  return 0;
}

Test(coverage_args, channel_send_and_recv_refuse_each_bad_argument) {
  static const int want[12] = {BCSC_EINVAL, BCSC_EINVAL, BCSC_EINVAL,
                               BCSC_EINVAL, BCSC_EINVAL, BCSC_EBADOBJ,
                               BCSC_EINVAL, BCSC_EINVAL, BCSC_EINVAL,
                               BCSC_EINVAL, BCSC_EINVAL, BCSC_EBADOBJ};
  bcsc_channel_t ch;
  uint32_t ring[2];
  ct_t c;
  ct_up_sim();
  cr_assert_eq(bcsc_channel_init(&ch, ring, sizeof ring, sizeof ring[0]), 0);
  ct_init(&c, channel_bad_arguments);
  c.obj = &ch;
  cr_assert_eq(bcsc_executor_spawn(&ct_ex, &c.task), 0);
  ct_run_down();
  for (int i = 0; i < 12; i++)
    cr_assert_eq(c.rc[i], want[i], "call %d returned %d", i, c.rc[i]);
  cr_assert_eq(ct_misuse.count, bcsc_test_misuse_expected(12));
  cr_assert_eq(bcsc_channel_buffered(&ch), 0u);
  cr_assert_eq(bcsc_wait_linked(&c.w), 0);
  cr_assert_eq(bcsc_channel_deinit(&ch), 0);
}

/* ---- wait_on / register: the list argument ----------------------------- */

static int wait_on_bad_lists(ct_t *c) {
  bcsc_waitq_t junk;
  memset(&junk, 0x5a, sizeof junk);
  c->rc[0] = bcsc_wait_on(&c->task, &c->w, NULL);
  c->rc[1] = bcsc_wait_on(&c->task, &c->w, &junk);
  /* A copy of a list with a waiter: the copy reads as moved. */
  c->rc[2] = bcsc_wait_on(&c->task, &c->w, c->obj2);
  c->rc[3] = bcsc_wait_linked(&c->w);
  return 0;
}

static int wait_on_list(ct_t *c) {
  if (c->polls == 1)
    return bcsc_wait_on(&c->task, &c->w, c->obj);
  return 0;
}

Test(coverage_args, wait_on_refuses_null_uninitialised_and_moved_lists) {
  bcsc_waitq_t q, copy;
  ct_t holder, c;
  ct_up_sim();
  cr_assert_eq(bcsc_waitq_init(&q), 0);
  ct_init(&holder, wait_on_list);
  holder.obj = &q;
  cr_assert_eq(bcsc_executor_spawn(&ct_ex, &holder.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ct_ex, 1), 1);
  cr_assert_eq(bcsc_waitq_count(&q), 1u);
  memcpy(&copy, &q, sizeof q);
  ct_init(&c, wait_on_bad_lists);
  c.obj2 = &copy;
  cr_assert_eq(bcsc_executor_spawn(&ct_ex, &c.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ct_ex, 1), 1);
  cr_assert_eq(c.rc[0], BCSC_EINVAL);
  cr_assert_eq(c.rc[1], BCSC_EBADOBJ);
  cr_assert_eq(c.rc[2], BCSC_EBADOBJ);
  cr_assert_eq(c.rc[3], 0, "linked nowhere");
  cr_assert_eq(ct_misuse.count, bcsc_test_misuse_expected(3));
  cr_assert_eq(bcsc_waitq_wake_all(&q, 0), 1);
  ct_run_down();
  cr_assert_eq(bcsc_waitq_deinit(&q), 0);
}

/* A cancelled task calling bcsc_wait_on() with a node it has linked on
 * another list: ECANCELED before anything else. */
static int cancelled_wait_on_linked(ct_t *c) {
  if (c->polls == 1) {
    cr_assert_eq(bcsc_task_cancel(&c->task), 0);
    return bcsc_task_yield(&c->task);
  }
  c->rc[0] = bcsc_wait_register(&c->task, &c->w, c->obj);
  c->rc[1] = bcsc_wait_on(&c->task, &c->w, c->obj2);
  return BCSC_ECANCELED;
}

Test(coverage_args, a_cancelled_wait_on_with_a_node_linked_elsewhere) {
  bcsc_waitq_t q1, q2;
  ct_t c;
  ct_up_sim();
  cr_assert_eq(bcsc_waitq_init(&q1), 0);
  cr_assert_eq(bcsc_waitq_init(&q2), 0);
  ct_init(&c, cancelled_wait_on_linked);
  c.obj = &q1;
  c.obj2 = &q2;
  cr_assert_eq(bcsc_executor_spawn(&ct_ex, &c.task), 0);
  ct_run_down();
  cr_assert_eq(c.rc[0], 0);
  cr_assert_eq(c.rc[1], BCSC_ECANCELED);
  cr_assert_eq(bcsc_waitq_count(&q1), 0u, "unlinked when the task ended");
  cr_assert_eq(bcsc_waitq_count(&q2), 0u);
  cr_assert_eq(ct_misuse.count, 0);
  cr_assert_eq(bcsc_waitq_deinit(&q1), 0);
  cr_assert_eq(bcsc_waitq_deinit(&q2), 0);
}

/* A hand-off list whose wake is out (its task has not run): busy. */
Test(coverage_args, a_hand_off_list_with_a_wake_out_is_busy) {
  bcsc_waitq_t q;
  ct_t c;
  ct_up_sim();
  cr_assert_eq(bcsc_waitq_init(&q), 0);
  cr_assert_eq(bcsc_waitq_set_handoff(&q, 1), 0);
  ct_init(&c, wait_on_list);
  c.obj = &q;
  cr_assert_eq(bcsc_executor_spawn(&ct_ex, &c.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ct_ex, 1), 1);
  cr_assert_eq(bcsc_waitq_wake_one(&q, 3), 1);
  cr_assert_eq(bcsc_waitq_count(&q), 0u, "nobody waits, but...");
  cr_assert_eq(bcsc_waitq_deinit(&q), BCSC_EBUSY, "...a wake is out");
  cr_assert_eq(bcsc_waitq_set_handoff(&q, 0), BCSC_EBUSY);
  cr_assert_eq(ct_misuse.count, bcsc_test_misuse_expected(2));
  ct_run_down();
  cr_assert_eq(bcsc_waitq_deinit(&q), 0, "taken: the list is quiet");
}

/* ---- mutex: a hand-over in flight -------------------------------------- */

static int lock_hold_one_poll(ct_t *c) {
  if (c->polls == 1) {
    c->rc[0] = bcsc_mutex_lock(&c->task, c->obj, &c->w);
    return bcsc_task_yield(&c->task);
  }
  return bcsc_mutex_unlock(&c->task, c->obj);
}

static int lock_and_unlock(ct_t *c) {
  int rc = bcsc_mutex_lock(&c->task, c->obj, &c->w);
  if (rc != 0)
    return rc;
  c->rc[1] = c->polls;
  return bcsc_mutex_unlock(&c->task, c->obj);
}

/* Runs while the lock travels to its next owner: try_lock is refused, a
 * lock queues behind; NULL mutexes are refused. */
static int during_hand_over(ct_t *c) {
  if (c->polls == 1) {
    c->rc[0] = bcsc_mutex_try_lock(&c->task, c->obj);
    c->rc[2] = bcsc_mutex_try_lock(&c->task, NULL);
    c->rc[3] = bcsc_mutex_unlock(&c->task, NULL);
    c->rc[4] = bcsc_mutex_lock(&c->task, c->obj, &c->w);
    return c->rc[4];
  }
  return lock_and_unlock(c);
}

Test(coverage_args, mutex_calls_during_a_hand_over) {
  bcsc_mutex_t m;
  ct_t holder, next, late;
  ct_up_sim();
  cr_assert_eq(bcsc_mutex_init(&m), 0);
  ct_init(&holder, lock_hold_one_poll);
  holder.obj = &m;
  ct_init(&next, lock_and_unlock);
  next.obj = &m;
  ct_init(&late, during_hand_over);
  late.obj = &m;
  cr_assert_eq(bcsc_executor_spawn(&ct_ex, &holder.task), 0);
  cr_assert_eq(bcsc_executor_spawn(&ct_ex, &next.task), 0);
  /* holder locks; next queues; late is queued behind holder; holder
   * unlocks: handed to next, queued behind late. */
  cr_assert_eq(bcsc_executor_poll(&ct_ex, 2), 2);
  cr_assert_eq(bcsc_executor_spawn(&ct_ex, &late.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ct_ex, 1), 1);
  cr_assert(bcsc_task_done(&holder.task));
  cr_assert_null(bcsc_mutex_owner(&m));
  cr_assert_eq(bcsc_mutex_locked(&m), 1);
  /* late runs before next: the lock is not free for it. */
  ct_run_down();
  cr_assert_eq(late.rc[0], BCSC_EAGAIN);
  cr_assert_eq(late.rc[2], BCSC_EINVAL);
  cr_assert_eq(late.rc[3], BCSC_EINVAL);
  cr_assert_eq(late.rc[4], BCSC_PENDING, "queued behind the hand-over");
  cr_assert_eq(bcsc_task_result(&next.task), 0);
  cr_assert_eq(bcsc_task_result(&late.task), 0);
  cr_assert_lt(next.rc[1], late.rc[1] + 10, "both got the lock");
  cr_assert_eq(ct_misuse.count, bcsc_test_misuse_expected(2));
  cr_assert_eq(bcsc_mutex_deinit(&m), 0);
}

/* ---- timers -------------------------------------------------------------- */

/* A periodic timer whose tick has fired and is not taken: a sleep until
 * its current deadline takes that tick instead of starting a new sleep. */
static int take_periodic_tick(ct_t *c) {
  bcsc_timer_t *t = c->obj;
  if (c->polls == 1) {
    cr_assert_eq(bcsc_timer_set_periodic(t, 2000, 500, BCSC_TICK_SKIP), 0);
    return bcsc_timer_wait(&c->task, t);
  }
  if (c->polls == 2) {
    /* Fired at 2000; the tick is taken by this call. */
    c->rc[0] = bcsc_timer_wait(&c->task, t);
    /* Arm the next one, let it fire, then ask with sleep_until(). */
    return bcsc_timer_wait(&c->task, t);
  }
  c->rc[1] = bcsc_sleep_until(&c->task, t, bcsc_timer_deadline(t));
  c->rc[2] = (int)bcsc_timer_fired(t);
  return 0;
}

Test(coverage_args, sleep_until_takes_a_fired_periodic_tick) {
  bcsc_timer_t t;
  ct_t c;
  ct_up_sim();
  cr_assert_eq(bcsc_timer_init(&t), 0);
  ct_init(&c, take_periodic_tick);
  c.obj = &t;
  cr_assert_eq(bcsc_executor_spawn(&ct_ex, &c.task), 0);
  ct_run_down();
  cr_assert_eq(c.rc[0], 0);
  cr_assert_eq(c.rc[1], 0, "the fired tick was taken");
  cr_assert_eq(c.rc[2], 0);
  cr_assert_eq(c.polls, 3);
  /* The clock's time: the torn-down executor is no executor to ask. */
  cr_assert_eq(bcsc_sim_reactor_now(&ct_sim), 2500u);
  cr_assert_eq(ct_misuse.count, 0);
}

/* D89: a query answers a zero object as it answers NULL: a timer declared
 * `= {0}` and never initialised has no deadline (its 0 would be one long
 * passed). */
Test(coverage_args, a_zero_timer_has_no_deadline) {
  bcsc_timer_t t;
  memset(&t, 0, sizeof t);
  cr_assert_eq(bcsc_timer_deadline(&t), BCSC_NO_DEADLINE);
  cr_assert_eq(bcsc_timer_init(&t), 0);
  cr_assert_eq(bcsc_timer_deadline(&t), BCSC_NO_DEADLINE);
  cr_assert_eq(bcsc_timer_set(&t, 1234), 0);
  cr_assert_eq(bcsc_timer_deadline(&t), 1234u);
}

/* Memory that is not an executor has no clock: the reactor pointer in it
 * is not one either and must not be called through (it crashed, D89). */
Test(coverage_args, the_time_of_a_non_executor_is_zero) {
  bcsc_executor_t ex;
  memset(&ex, 0xa5, sizeof ex);
  cr_assert_eq(bcsc_executor_now(&ex), 0);
  memset(&ex, 0, sizeof ex);
  cr_assert_eq(bcsc_executor_now(&ex), 0);
}

/* A period of 1 ns and a clock that jumps 2^33 ns: more missed ticks than
 * a uint32_t holds - the count saturates, the total does not. */
static int tick_after_a_long_stall(ct_t *c) {
  bcsc_timer_t *t = c->obj;
  if (c->polls == 1) {
    cr_assert_eq(bcsc_timer_set_periodic(t, 1001, 1, BCSC_TICK_SKIP), 0);
    cr_assert_eq(bcsc_sim_reactor_advance(&ct_sim, (uint64_t)1 << 33), 0);
  }
  return bcsc_timer_wait(&c->task, t);
}

Test(coverage_args, missed_ticks_beyond_uint32_saturate) {
  bcsc_timer_t t;
  ct_t c;
  ct_up_sim();
  cr_assert_eq(bcsc_timer_init(&t), 0);
  ct_init(&c, tick_after_a_long_stall);
  c.obj = &t;
  cr_assert_eq(bcsc_executor_spawn(&ct_ex, &c.task), 0);
  ct_run_down();
  cr_assert_eq(bcsc_timer_missed(&t), UINT32_MAX);
  cr_assert_gt(bcsc_timer_missed_total(&t), (uint64_t)UINT32_MAX);
  cr_assert_eq(ct_misuse.count, 0);
}

/* Without a reactor there is no clock: sleep_for cannot start a sleep. */
static int sleep_without_clock(ct_t *c) {
  bcsc_timer_t *t = c->obj;
  c->rc[0] = bcsc_sleep_for(&c->task, t, 10);
  return 0;
}

Test(coverage_args, sleep_for_without_a_reactor_is_enotsup) {
  bcsc_executor_t ex;
  bcsc_timer_t t;
  ct_t c;
  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  cr_assert_eq(bcsc_timer_init(&t), 0);
  ct_init(&c, sleep_without_clock);
  c.obj = &t;
  cr_assert_eq(bcsc_executor_run(&ex, &c.task), 0);
  cr_assert_eq(c.rc[0], BCSC_ENOTSUP);
  cr_assert_eq(bcsc_timer_linked(&t), 0);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
  cr_assert_eq(ct_misuse.count, 0);
}

/* ---- barrier without a leader flag -------------------------------------- */

static int barrier_no_leader(ct_t *c) {
  return bcsc_barrier_wait(&c->task, c->obj, &c->w, NULL);
}

Test(coverage_args, barrier_wait_without_a_leader_flag) {
  bcsc_barrier_t b;
  ct_t a, z;
  ct_up_sim();
  cr_assert_eq(bcsc_barrier_init(&b, 2), 0);
  ct_init(&a, barrier_no_leader);
  a.obj = &b;
  ct_init(&z, barrier_no_leader);
  z.obj = &b;
  cr_assert_eq(bcsc_executor_spawn(&ct_ex, &a.task), 0);
  cr_assert_eq(bcsc_executor_spawn(&ct_ex, &z.task), 0);
  ct_run_down();
  cr_assert_eq(bcsc_task_result(&a.task), 0);
  cr_assert_eq(bcsc_task_result(&z.task), 0);
  cr_assert_eq(bcsc_barrier_generation(&b), 1u);
  cr_assert_eq(bcsc_barrier_deinit(&b), 0);
  cr_assert_eq(ct_misuse.count, 0);
}

/* ---- selects, scopes, oneshots, streams ---------------------------------- */

static int select_undecided(ct_t *c) {
  bcsc_select_t sel;
  cr_assert_eq(bcsc_select_begin(&sel, &c->task), 0);
  c->rc[0] = bcsc_select_result(&sel);
  c->rc[1] = bcsc_select_undecided(&sel);
  c->rc[2] = bcsc_scope_init(&(bcsc_scope_t){0}, &c->task, BCSC_SCOPE_RACE + 1);
  c->rc[3] = bcsc_oneshot_recv(&c->task, NULL, &c->w, &c->rc[4], sizeof(int));
  return 0;
}

Test(coverage_args, an_undecided_select_a_bad_policy_a_null_oneshot) {
  ct_t c;
  ct_up_sim();
  ct_init(&c, select_undecided);
  cr_assert_eq(bcsc_executor_spawn(&ct_ex, &c.task), 0);
  ct_run_down();
  cr_assert_eq(c.rc[0], BCSC_PENDING, "no branch has won");
  cr_assert_eq(c.rc[1], 1);
  cr_assert_eq(c.rc[2], BCSC_EINVAL);
  cr_assert_eq(c.rc[3], BCSC_EINVAL);
  cr_assert_eq(ct_misuse.count, bcsc_test_misuse_expected(2));
}

Test(coverage_args, queries_on_null_or_zeroed_objects_answer_neutrally) {
  bcsc_stream_t zero;
  memset(&zero, 0, sizeof zero);
  cr_assert_eq(bcsc_stream_lagged(&zero), 0u);
  cr_assert_eq(bcsc_stream_count(&zero), 0u);
  cr_assert_eq(bcsc_stream_kind(&zero), BCSC_STREAM_NONE);
  cr_assert_eq(bcsc_stream_kind(NULL), BCSC_STREAM_NONE);
  cr_assert_eq(bcsc_scope_timed_out(NULL), 0);
  cr_assert_null(bcsc_scope_winner(NULL));
  cr_assert_eq(bcsc_scope_deadline(NULL), BCSC_NO_DEADLINE);
  {
    bcsc_select_t sel;
    bcsc_remote_task_t remote;
    memset(&sel, 0, sizeof sel);
    memset(&remote, 0, sizeof remote);
    cr_assert_eq(bcsc_select_undecided(NULL), 0);
    cr_assert_eq(bcsc_select_undecided(&sel), 0);
    cr_assert_eq(bcsc_remote_task_done(NULL), 0);
    cr_assert_eq(bcsc_remote_task_done(&remote), 0);
    cr_assert_eq(bcsc_remote_task_init(&remote, ct_poll, NULL), 0);
    cr_assert_eq(bcsc_remote_task_done(&remote), 0, "never spawned");
  }
  cr_assert_eq(ct_misuse.count, 0);
}

/* An object whose magic is right and whose other identifying field reads
 * as never set: a barrier of no parties, a receiver of no broadcast. */
Test(coverage_args, objects_valid_but_for_one_field_are_refused) {
  bcsc_barrier_t b;
  bcsc_broadcast_t bc;
  bcsc_broadcast_receiver_t rx;
  uint32_t ring[2], m = 1;
  cr_assert_eq(bcsc_barrier_init(&b, 2), 0);
  b.priv.parties = 0;
  cr_assert_eq(bcsc_barrier_deinit(&b), BCSC_EBADOBJ);
  b.priv.parties = 2;
  cr_assert_eq(bcsc_barrier_deinit(&b), 0);
  cr_assert_eq(bcsc_broadcast_init(&bc, ring, sizeof ring, sizeof m), 0);
  cr_assert_eq(bcsc_broadcast_subscribe(&bc, &rx), 0);
  rx.priv.broadcast = NULL;
  cr_assert_eq(bcsc_broadcast_try_recv(&rx, &m, sizeof m, NULL), BCSC_EBADOBJ);
  cr_assert_eq(bcsc_broadcast_unsubscribe(&rx), BCSC_EBADOBJ);
  cr_assert_eq(bcsc_broadcast_receiver_ready(&rx), 0u);
  rx.priv.broadcast = &bc;
  cr_assert_eq(bcsc_broadcast_send(&bc, &m, sizeof m), 0);
  cr_assert_eq(bcsc_broadcast_receiver_ready(&rx), 1u);
  cr_assert_eq(bcsc_broadcast_unsubscribe(&rx), 0);
  cr_assert_eq(bcsc_broadcast_deinit(&bc), 0);
  cr_assert_eq(ct_misuse.count, bcsc_test_misuse_expected(3));
  cr_assert_eq(ct_reports(BCSC_MISUSE_BAD_OBJECT),
               bcsc_test_misuse_expected(3));
}

/* bcsc_sleep_for() asked by a task that is not running, and by one whose
 * executor has no clock: the deadline is not computed, the wait refuses. */
static int sleep_for_without_a_clock(ct_t *c) {
  c->rc[0] = bcsc_sleep_for(&c->task, &c->timer, 5);
  return 0;
}

Test(coverage_args, sleep_for_without_a_running_task_or_a_clock) {
  ct_t c;
  ct_up(NULL);
  ct_init(&c, sleep_for_without_a_clock);
  cr_assert_eq(bcsc_sleep_for(&c.task, &c.timer, 5), BCSC_EPERM);
  cr_assert_eq(bcsc_timer_deadline(&c.timer), BCSC_NO_DEADLINE);
  cr_assert_eq(bcsc_executor_spawn(&ct_ex, &c.task), 0);
  ct_run_down();
  cr_assert_eq(c.rc[0], BCSC_ENOTSUP);
  cr_assert_eq(bcsc_timer_deadline(&c.timer), BCSC_NO_DEADLINE);
  cr_assert_eq(ct_reports(BCSC_MISUSE_NOT_RUNNING),
               bcsc_test_misuse_expected(1));
}

/* ---- copies of live objects read as moved ---------------------------------
 * A broadcast, a channel, a pool and an executor carry their address tag
 * from init; a timer's registration while it is linked. A call on a copy
 * is refused (BCSC_EBADOBJ, MOVED) before it touches anything. */

static int sleep_and_copy_the_timer(ct_t *c) {
  bcsc_timer_t copy;
  if (c->polls > 1)
    return 0;
  c->rc[0] = bcsc_sleep_until(&c->task, &c->timer, 5000);
  memcpy(&copy, &c->timer, sizeof copy);
  c->rc[1] = bcsc_timer_stop(&copy);
  c->rc[2] = bcsc_timer_stop(&c->timer);
  return bcsc_task_yield(&c->task);
}

Test(coverage_args, copies_of_live_objects_are_refused) {
  bcsc_broadcast_t bc, bc2;
  bcsc_channel_t ch, ch2;
  bcsc_pool_t pool, pool2;
  bcsc_executor_t ex2;
  uint32_t ring[2], m = 1;
  static _Alignas(BCSC_POOL_ALIGN) unsigned char memory[4096];
  bcsc_task_t *frame = NULL;
  ct_t c;
  ct_up_sim();
  cr_assert_eq(bcsc_broadcast_init(&bc, ring, sizeof ring, sizeof m), 0);
  memcpy(&bc2, &bc, sizeof bc2);
  cr_assert_eq(bcsc_broadcast_send(&bc2, &m, sizeof m), BCSC_EBADOBJ);
  cr_assert_eq(bcsc_broadcast_deinit(&bc), 0);
  cr_assert_eq(bcsc_channel_init(&ch, ring, sizeof ring, sizeof m), 0);
  memcpy(&ch2, &ch, sizeof ch2);
  cr_assert_eq(bcsc_channel_try_send(&ch2, &m, sizeof m), BCSC_EBADOBJ);
  cr_assert_eq(bcsc_channel_deinit(&ch), 0);
  cr_assert_eq(bcsc_pool_init(&pool, memory, sizeof memory, sizeof(ct_t), 0),
               0);
  memcpy(&pool2, &pool, sizeof pool2);
  cr_assert_eq(bcsc_pool_acquire(&pool2, ct_poll, NULL, (void **)&frame),
               BCSC_EBADOBJ);
  cr_assert_null(frame);
  cr_assert_eq(bcsc_pool_deinit(&pool), 0);
  memcpy(&ex2, &ct_ex, sizeof ex2);
  cr_assert_eq(bcsc_executor_poll(&ex2, 1), BCSC_EBADOBJ);
  ct_init(&c, sleep_and_copy_the_timer);
  cr_assert_eq(bcsc_executor_spawn(&ct_ex, &c.task), 0);
  ct_run_down();
  cr_assert_eq(c.rc[0], BCSC_PENDING);
  cr_assert_eq(c.rc[1], BCSC_EBADOBJ);
  cr_assert_eq(c.rc[2], 1, "the timer itself was linked");
  cr_assert_eq(ct_reports(BCSC_MISUSE_MOVED), bcsc_test_misuse_expected(5));
}
