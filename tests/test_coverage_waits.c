/* SPDX-License-Identifier: MIT
 * test_coverage_waits.c - corners of the waiting calls that the other
 * suites and the fuzzer do not reach (found with the coverage lane's
 * report), through the public API:
 *  - a waiting call asked twice in one poll (the registration is still
 *    linked from the first call: the second answers PENDING, links nothing
 *    twice), and cancelled between the two (BCSC_ECANCELED);
 *  - a cancelled task passing a registration it has linked elsewhere (a
 *    plain list): the call unlinks it and answers BCSC_ECANCELED;
 *  - a call whose registration is linked on another object of the same
 *    kind (a receiver that has a message while the node waits for another);
 *  - a wake from another list, passed on to that list's next waiter;
 *  - arguments the calls refuse: NULL objects, a registration linked for
 *    another task, a task that is not being
 *    polled, a ring too large for its counters.
 *
 * Every test ends with bcsc_executor_deinit() returning 0. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include <bcsc.h>

#include "bcsc_stepped.h"
#include "bcsc_test.h"

TestSuite(coverage_waits, .init = ct_record_misuse);

static void spawn(ct_t *c) {
  cr_assert_eq(bcsc_executor_spawn(&ct_ex, &c->task), 0);
}

static void run(void) { cr_assert_eq(bcsc_executor_run(&ct_ex, NULL), 0); }

/* ---- asked twice in one poll, and cancelled between -------------------
 * Each step function: first poll, call, call again (still linked:
 * PENDING), then - for the "cancelled" variants (c->leader set) - cancel
 * itself and call a third time: BCSC_ECANCELED, registration unlinked. */

static int finish_twice(ct_t *c, int rc) {
  if (!c->leader)
    return BCSC_PENDING;
  cr_assert_eq(bcsc_task_cancel(&c->task), 0);
  c->rc[2] = rc;
  c->rc[3] = bcsc_wait_linked(&c->w);
  return c->rc[2] == BCSC_ECANCELED ? 0 : -1;
}

static int channel_send_twice(ct_t *c) {
  bcsc_channel_t *ch = c->obj;
  uint32_t m = 7;
  if (c->polls > 1)
    return bcsc_channel_send(&c->task, ch, &c->w, &m, sizeof m);
  c->rc[0] = bcsc_channel_send(&c->task, ch, &c->w, &m, sizeof m);
  c->rc[1] = bcsc_channel_send(&c->task, ch, &c->w, &m, sizeof m);
  if (!c->leader)
    return BCSC_PENDING;
  cr_assert_eq(bcsc_task_cancel(&c->task), 0);
  return finish_twice(c, bcsc_channel_send(&c->task, ch, &c->w, &m, sizeof m));
}

static int channel_recv_twice(ct_t *c) {
  bcsc_channel_t *ch = c->obj;
  if (c->polls > 1)
    return bcsc_channel_recv(&c->task, ch, &c->w, &c->msg, sizeof c->msg);
  c->rc[0] = bcsc_channel_recv(&c->task, ch, &c->w, &c->msg, sizeof c->msg);
  c->rc[1] = bcsc_channel_recv(&c->task, ch, &c->w, &c->msg, sizeof c->msg);
  if (!c->leader)
    return BCSC_PENDING;
  cr_assert_eq(bcsc_task_cancel(&c->task), 0);
  return finish_twice(
      c, bcsc_channel_recv(&c->task, ch, &c->w, &c->msg, sizeof c->msg));
}

Test(coverage_waits, channel_calls_asked_twice_in_one_poll) {
  for (int cancelled = 0; cancelled < 2; cancelled++) {
    bcsc_channel_t ch;
    uint32_t ring[1], m = 1, got = 0;
    ct_t s, r;
    ct_up_sim();
    cr_assert_eq(bcsc_channel_init(&ch, ring, sizeof ring, sizeof m), 0);
    cr_assert_eq(bcsc_channel_try_send(&ch, &m, sizeof m), 0); /* full */
    ct_init(&s, channel_send_twice);
    s.obj = &ch;
    s.leader = cancelled;
    spawn(&s);
    cr_assert_eq(bcsc_executor_poll(&ct_ex, 1), 1);
    cr_assert_eq(s.rc[0], BCSC_PENDING);
    cr_assert_eq(s.rc[1], BCSC_PENDING, "the second call: still queued");
    if (cancelled) {
      cr_assert_eq(s.rc[2], BCSC_ECANCELED);
      cr_assert_eq(s.rc[3], 0, "cancelling unlinked the node");
    } else {
      cr_assert_eq(bcsc_wait_linked(&s.w), 1);
    }
    /* The ring empties: a waiting sender gets the slot and sends. */
    cr_assert_eq(bcsc_channel_try_recv(&ch, &got, sizeof got), 0);
    run();
    cr_assert_eq(bcsc_task_result(&s.task), 0);
    cr_assert_eq(bcsc_channel_buffered(&ch), cancelled ? 0u : 1u);
    if (!cancelled)
      cr_assert_eq(bcsc_channel_try_recv(&ch, &got, sizeof got), 0);

    ct_init(&r, channel_recv_twice);
    r.obj = &ch;
    r.leader = cancelled;
    spawn(&r);
    cr_assert_eq(bcsc_executor_poll(&ct_ex, 1), 1);
    cr_assert_eq(r.rc[0], BCSC_PENDING);
    cr_assert_eq(r.rc[1], BCSC_PENDING);
    if (cancelled)
      cr_assert_eq(r.rc[3], 0);
    cr_assert_eq(bcsc_channel_try_send(&ch, &m, sizeof m), cancelled ? 0 : 0);
    run();
    cr_assert_eq(bcsc_task_result(&r.task), 0);
    cr_assert_eq(bcsc_channel_buffered(&ch), cancelled ? 1u : 0u);
    if (!cancelled)
      cr_assert_eq(r.msg, 1u);
    cr_assert_eq(bcsc_channel_deinit(&ch), 0);
    ct_down();
  }
  cr_assert_eq(ct_misuse.count, 0);
}

/* Another task's registration is not this call's to use. */
static int hold_node(ct_t *c) {
  if (c->polls == 1)
    return bcsc_wait_register(&c->task, &c->w, c->obj) == 0 ? BCSC_PENDING : -1;
  return 0;
}

static int send_with_others_node(ct_t *c) {
  uint32_t m = 3;
  c->rc[0] = bcsc_channel_send(&c->task, c->obj, &c->other->w, &m, sizeof m);
  c->rc[1] = bcsc_channel_recv(&c->task, c->obj, &c->other->w, &m, sizeof m);
  return 0;
}

Test(coverage_waits, channel_call_with_another_tasks_registration_is_ebusy) {
  bcsc_channel_t ch;
  bcsc_waitq_t q;
  uint32_t ring[2];
  ct_t holder, caller;
  ct_up_sim();
  cr_assert_eq(bcsc_waitq_init(&q), 0);
  cr_assert_eq(bcsc_channel_init(&ch, ring, sizeof ring, sizeof ring[0]), 0);
  ct_init(&holder, hold_node);
  holder.obj = &q;
  ct_init(&caller, send_with_others_node);
  caller.obj = &ch;
  caller.other = &holder;
  spawn(&holder);
  spawn(&caller);
  cr_assert_eq(bcsc_executor_poll(&ct_ex, 2), 2);
  cr_assert_eq(caller.rc[0], BCSC_EBUSY);
  cr_assert_eq(caller.rc[1], BCSC_EBUSY);
  cr_assert_eq(ct_misuse.count, bcsc_test_misuse_expected(2));
  cr_assert_eq(ct_reports(BCSC_MISUSE_NODE_LINKED),
               bcsc_test_misuse_expected(2));
  cr_assert_eq(bcsc_channel_buffered(&ch), 0u, "nothing was sent");
  cr_assert_eq(bcsc_waitq_count(&q), 1u, "the holder still waits there");
  cr_assert_eq(bcsc_waitq_wake_all(&q, 0), 1);
  run();
  cr_assert_eq(bcsc_channel_deinit(&ch), 0);
  cr_assert_eq(bcsc_waitq_deinit(&q), 0);
  ct_down();
}

Test(coverage_waits, rings_too_large_for_their_counters_are_refused) {
  /* Only the sizes are looked at: the one-byte buffer is never touched. */
  unsigned char byte = 0;
  bcsc_channel_t ch;
  bcsc_broadcast_t bc;
  size_t huge = (size_t)UINT32_MAX + 1;
  if (sizeof(size_t) <= sizeof(uint32_t))
    cr_skip_test("size_t cannot describe more than UINT32_MAX slots here");
  cr_assert_eq(bcsc_channel_init(&ch, &byte, huge, 1), BCSC_EINVAL);
  cr_assert_eq(bcsc_broadcast_init(&bc, &byte, huge, 1), BCSC_EINVAL);
  cr_assert_eq(ct_misuse.count, bcsc_test_misuse_expected(2));
  cr_assert_eq(ct_reports(BCSC_MISUSE_BAD_ARGUMENT),
               bcsc_test_misuse_expected(2));
}

/* ---- barrier ----------------------------------------------------------- */

static int barrier_twice(ct_t *c) {
  if (c->polls == 1) {
    c->rc[0] = bcsc_barrier_wait(&c->task, c->obj, &c->w, &c->leader);
    c->rc[1] = bcsc_barrier_wait(&c->task, c->obj, &c->w, &c->leader);
    return BCSC_PENDING;
  }
  c->leader = 7;
  return bcsc_barrier_wait(&c->task, c->obj, &c->w, &c->leader);
}

static int barrier_once(ct_t *c) {
  c->leader = 7;
  return bcsc_barrier_wait(&c->task, c->obj, &c->w, &c->leader);
}

Test(coverage_waits, barrier_wait_asked_twice_in_one_poll) {
  bcsc_barrier_t b;
  ct_t a, z;
  ct_up_sim();
  cr_assert_eq(bcsc_barrier_init(&b, 2), 0);
  ct_init(&a, barrier_twice);
  a.obj = &b;
  ct_init(&z, barrier_once);
  z.obj = &b;
  spawn(&a);
  cr_assert_eq(bcsc_executor_poll(&ct_ex, 1), 1);
  cr_assert_eq(a.rc[0], BCSC_PENDING);
  cr_assert_eq(a.rc[1], BCSC_PENDING);
  cr_assert_eq(bcsc_barrier_arrived(&b), 1u, "one arrival, not two");
  spawn(&z);
  run();
  cr_assert_eq(bcsc_task_result(&a.task), 0);
  cr_assert_eq(bcsc_task_result(&z.task), 0);
  cr_assert_eq(a.leader, 0);
  cr_assert_eq(z.leader, 1);
  cr_assert_eq(bcsc_barrier_deinit(&b), 0);
  ct_down();
  cr_assert_eq(ct_misuse.count, 0);
}

/* ---- broadcast ----------------------------------------------------------- */

static int broadcast_twice(ct_t *c) {
  bcsc_broadcast_receiver_t *rx = c->obj, *rx_with_message = c->obj2;
  if (c->polls > 1)
    return 0;
  c->rc[0] = bcsc_broadcast_recv(&c->task, rx, &c->w, &c->msg, sizeof c->msg,
                                 &c->lagged);
  c->rc[1] = bcsc_broadcast_recv(&c->task, rx, &c->w, &c->msg, sizeof c->msg,
                                 &c->lagged);
  c->rc[2] = bcsc_wait_linked(&c->w);
  /* The node waits on the other receiver's behalf; this one has a
   * message: taken now, and the node leaves the list. */
  c->rc[3] = bcsc_broadcast_recv(&c->task, rx_with_message, &c->w, &c->msg,
                                 sizeof c->msg, &c->lagged);
  c->rc[4] = bcsc_wait_linked(&c->w);
  return 0;
}

Test(coverage_waits, broadcast_recv_asked_twice_and_through_another_receiver) {
  bcsc_broadcast_t bc;
  bcsc_broadcast_receiver_t early, late;
  uint32_t ring[2], m = 42;
  ct_t c;
  ct_up_sim();
  cr_assert_eq(bcsc_broadcast_init(&bc, ring, sizeof ring, sizeof m), 0);
  cr_assert_eq(bcsc_broadcast_subscribe(&bc, &early), 0);
  cr_assert_eq(bcsc_broadcast_send(&bc, &m, sizeof m), 0);
  cr_assert_eq(bcsc_broadcast_subscribe(&bc, &late), 0); /* after it */
  ct_init(&c, broadcast_twice);
  c.obj = &late;
  c.obj2 = &early;
  spawn(&c);
  run();
  cr_assert_eq(c.rc[0], BCSC_PENDING);
  cr_assert_eq(c.rc[1], BCSC_PENDING);
  cr_assert_eq(c.rc[2], 1);
  cr_assert_eq(c.rc[3], 0);
  cr_assert_eq(c.rc[4], 0, "unlinked when the message was taken");
  cr_assert_eq(c.msg, 42u);
  cr_assert_eq(bcsc_broadcast_unsubscribe(&early), 0);
  cr_assert_eq(bcsc_broadcast_unsubscribe(&late), 0);
  cr_assert_eq(bcsc_broadcast_deinit(&bc), 0);
  ct_down();
  cr_assert_eq(ct_misuse.count, 0);
}

/* ---- event, oneshot, watch: asked twice, then cancelled ---------------- */

static int event_twice(ct_t *c) {
  c->rc[0] = bcsc_event_wait(&c->task, c->obj, &c->w);
  c->rc[1] = bcsc_event_wait_edge(&c->task, c->obj, &c->w);
  cr_assert_eq(bcsc_task_cancel(&c->task), 0);
  c->rc[2] = bcsc_event_wait(&c->task, c->obj, &c->w);
  c->rc[3] = bcsc_wait_linked(&c->w);
  return 0;
}

static int oneshot_twice(ct_t *c) {
  c->rc[0] = bcsc_oneshot_recv(&c->task, c->obj, &c->w, &c->msg, sizeof c->msg);
  c->rc[1] = bcsc_oneshot_recv(&c->task, c->obj, &c->w, &c->msg, sizeof c->msg);
  if (c->obj2 != NULL) {
    /* Linked on the first oneshot, the node takes the second's value. */
    c->rc[2] =
        bcsc_oneshot_recv(&c->task, c->obj2, &c->w, &c->msg, sizeof c->msg);
  } else {
    cr_assert_eq(bcsc_task_cancel(&c->task), 0);
    c->rc[2] =
        bcsc_oneshot_recv(&c->task, c->obj, &c->w, &c->msg, sizeof c->msg);
  }
  c->rc[3] = bcsc_wait_linked(&c->w);
  /* The wrong element size: refused before anything is looked at. */
  c->rc[4] = bcsc_oneshot_recv(&c->task, c->obj, &c->w, &c->msg, 1);
  return 0;
}

static int watch_twice(ct_t *c) {
  uint64_t v = bcsc_watch_version(c->obj);
  c->rc[0] = bcsc_watch_changed(&c->task, c->obj, &c->w, v);
  c->rc[1] = bcsc_watch_changed(&c->task, c->obj, &c->w, v);
  cr_assert_eq(bcsc_task_cancel(&c->task), 0);
  c->rc[2] = bcsc_watch_changed(&c->task, c->obj, &c->w, v);
  c->rc[3] = bcsc_wait_linked(&c->w);
  return 0;
}

Test(coverage_waits, event_oneshot_watch_asked_twice_then_cancelled) {
  bcsc_event_t ev;
  bcsc_oneshot_t os, os2;
  bcsc_watch_t wt;
  uint32_t slot, slot2, wslot = 0, v = 9;
  ct_t e, o, o2, w;
  ct_up_sim();
  cr_assert_eq(bcsc_event_init(&ev), 0);
  cr_assert_eq(bcsc_oneshot_init(&os, &slot, sizeof slot), 0);
  cr_assert_eq(bcsc_oneshot_init(&os2, &slot2, sizeof slot2), 0);
  cr_assert_eq(bcsc_oneshot_send(&os2, &v, sizeof v), 0);
  cr_assert_eq(bcsc_watch_init(&wt, &wslot, sizeof wslot), 0);
  ct_init(&e, event_twice);
  e.obj = &ev;
  ct_init(&o, oneshot_twice);
  o.obj = &os;
  ct_init(&o2, oneshot_twice);
  o2.obj = &os;
  o2.obj2 = &os2;
  ct_init(&w, watch_twice);
  w.obj = &wt;
  spawn(&e);
  spawn(&o);
  spawn(&o2);
  spawn(&w);
  run();
  for (int i = 0; i < 2; i++) {
    cr_assert_eq(e.rc[i], BCSC_PENDING);
    cr_assert_eq(o.rc[i], BCSC_PENDING);
    cr_assert_eq(o2.rc[i], BCSC_PENDING);
    cr_assert_eq(w.rc[i], BCSC_PENDING);
  }
  cr_assert_eq(e.rc[2], BCSC_ECANCELED);
  cr_assert_eq(o.rc[2], BCSC_ECANCELED);
  cr_assert_eq(o2.rc[2], 0);
  cr_assert_eq(o2.msg, 9u);
  cr_assert_eq(w.rc[2], BCSC_ECANCELED);
  cr_assert_eq(e.rc[3] + o.rc[3] + o2.rc[3] + w.rc[3], 0, "all unlinked");
  cr_assert_eq(o.rc[4], BCSC_EINVAL);
  cr_assert_eq(o2.rc[4], BCSC_EINVAL);
  cr_assert_eq(ct_misuse.count, bcsc_test_misuse_expected(2));
  cr_assert_eq(bcsc_event_deinit(&ev), 0);
  cr_assert_eq(bcsc_oneshot_deinit(&os), 0);
  cr_assert_eq(bcsc_oneshot_deinit(&os2), 0);
  cr_assert_eq(bcsc_watch_deinit(&wt), 0);
  ct_down();
}

/* ---- mutex --------------------------------------------------------------- */

static int mutex_hold(ct_t *c) {
  /* Locks obj, then obj2; on its second poll unlocks obj (the older)
   * first, then obj2. */
  if (c->polls == 1) {
    c->rc[0] = bcsc_mutex_lock(&c->task, c->obj, &c->w);
    if (c->obj2 != NULL)
      c->rc[1] = bcsc_mutex_try_lock(&c->task, c->obj2);
    return bcsc_task_yield(&c->task);
  }
  if (c->polls == 2)
    return bcsc_task_yield(&c->task);
  c->rc[2] = bcsc_mutex_unlock(&c->task, c->obj);
  if (c->obj2 != NULL)
    c->rc[3] = bcsc_mutex_unlock(&c->task, c->obj2);
  return 0;
}

static int mutex_twice(ct_t *c) {
  if (c->polls == 1) {
    c->rc[0] = bcsc_mutex_lock(&c->task, c->obj, &c->w);
    c->rc[1] = bcsc_mutex_lock(&c->task, c->obj, &c->w);
    return BCSC_PENDING;
  }
  c->rc[2] = bcsc_mutex_lock(&c->task, c->obj, &c->w);
  if (c->rc[2] != 0)
    return c->rc[2];
  return bcsc_mutex_unlock(&c->task, c->obj);
}

Test(coverage_waits, mutex_lock_asked_twice_and_locks_released_out_of_order) {
  bcsc_mutex_t m1, m2;
  ct_t holder, waiter;
  ct_up_sim();
  cr_assert_eq(bcsc_mutex_init(&m1), 0);
  cr_assert_eq(bcsc_mutex_init(&m2), 0);
  ct_init(&holder, mutex_hold);
  holder.obj = &m1;
  holder.obj2 = &m2;
  ct_init(&waiter, mutex_twice);
  waiter.obj = &m1;
  spawn(&holder);
  spawn(&waiter);
  cr_assert_eq(bcsc_executor_poll(&ct_ex, 2), 2);
  cr_assert_eq(holder.rc[0], 0);
  cr_assert_eq(holder.rc[1], 0);
  cr_assert_eq(waiter.rc[0], BCSC_PENDING);
  cr_assert_eq(waiter.rc[1], BCSC_PENDING);
  cr_assert_eq(bcsc_mutex_waiting(&m1), 1u, "queued once");
  run();
  cr_assert_eq(holder.rc[2], 0, "the older lock released first");
  cr_assert_eq(holder.rc[3], 0);
  cr_assert_eq(bcsc_task_result(&waiter.task), 0);
  cr_assert_eq(bcsc_mutex_locked(&m1), 0);
  cr_assert_eq(bcsc_mutex_locked(&m2), 0);
  cr_assert_eq(bcsc_mutex_deinit(&m1), 0);
  cr_assert_eq(bcsc_mutex_deinit(&m2), 0);
  ct_down();
  cr_assert_eq(ct_misuse.count, 0);
}

/* A lock handed over to a woken waiter that has not run yet: the mutex is
 * still busy, and tearing it down is refused. */
static int mutex_unlock_now(ct_t *c) {
  if (c->polls == 1) {
    c->rc[0] = bcsc_mutex_lock(&c->task, c->obj, &c->w);
    return bcsc_task_yield(&c->task);
  }
  return bcsc_mutex_unlock(&c->task, c->obj);
}

Test(coverage_waits, mutex_deinit_during_a_hand_over_is_ebusy) {
  bcsc_mutex_t m;
  ct_t holder, waiter;
  ct_up_sim();
  cr_assert_eq(bcsc_mutex_init(&m), 0);
  ct_init(&holder, mutex_unlock_now);
  holder.obj = &m;
  ct_init(&waiter, mutex_twice);
  waiter.obj = &m;
  spawn(&holder);
  spawn(&waiter);
  cr_assert_eq(bcsc_executor_poll(&ct_ex, 3), 3); /* lock, wait, unlock */
  cr_assert(bcsc_task_done(&holder.task));
  cr_assert_eq(bcsc_mutex_locked(&m), 1, "handed over, not yet taken");
  cr_assert_eq(bcsc_mutex_deinit(&m), BCSC_EBUSY);
  cr_assert_eq(ct_misuse.count, bcsc_test_misuse_expected(1));
  run();
  cr_assert_eq(bcsc_task_result(&waiter.task), 0);
  cr_assert_eq(bcsc_mutex_deinit(&m), 0);
  ct_down();
}

/* A registration holding a hand-off wake from another list: not a wake of
 * this mutex. */
static int take_a_baton_elsewhere(ct_t *c) {
  if (c->polls == 1)
    return bcsc_wait_register(&c->task, &c->w, c->obj2) == 0 ? BCSC_PENDING
                                                             : -1;
  /* Woken by the hand-off list: w holds its baton, which the lock passes
   * on before it locks (D96). */
  c->rc[0] = bcsc_mutex_lock(&c->task, c->obj, &c->w);
  c->rc[1] = bcsc_wait_fired(&c->w);
  c->rc[2] = bcsc_mutex_unlock(&c->task, c->obj);
  return 0;
}

/* Waits on the hand-off list and records the value it was handed. */
static int wait_for_the_baton(ct_t *c) {
  int rc = bcsc_wait_on(&c->task, &c->w, c->obj2);
  if (rc == 0)
    c->rc[0] = (int)c->w.value;
  return rc;
}

Test(coverage_waits, mutex_lock_passes_a_wake_from_another_list_on) {
  bcsc_mutex_t m;
  bcsc_waitq_t handoff;
  ct_t c, next;
  ct_up_sim();
  cr_assert_eq(bcsc_mutex_init(&m), 0);
  cr_assert_eq(bcsc_waitq_init(&handoff), 0);
  cr_assert_eq(bcsc_waitq_set_handoff(&handoff, 1), 0);
  ct_init(&c, take_a_baton_elsewhere);
  c.obj = &m;
  c.obj2 = &handoff;
  ct_init(&next, wait_for_the_baton);
  next.obj2 = &handoff;
  spawn(&c);
  spawn(&next);
  cr_assert_eq(bcsc_executor_poll(&ct_ex, 2), 2);
  cr_assert_eq(bcsc_waitq_wake_one(&handoff, 5), 1);
  run();
  cr_assert_eq(c.rc[0], 0, "the lock was free");
  cr_assert_eq(c.rc[1], 0, "the wake left the node");
  cr_assert_eq(c.rc[2], 0);
  cr_assert_eq(next.rc[0], 5, "the next waiter of its list got the wake");
  cr_assert_eq(bcsc_task_result(&next.task), 0);
  cr_assert_eq(ct_misuse.count, 0);
  cr_assert_eq(bcsc_mutex_locked(&m), 0);
  cr_assert_eq(bcsc_waitq_deinit(&handoff), 0);
  cr_assert_eq(bcsc_mutex_deinit(&m), 0);
  ct_down();
}

/* Not a task being polled, an uninitialised task, NULL objects. */
Test(coverage_waits, mutex_calls_refuse_bad_arguments) {
  bcsc_mutex_t m;
  bcsc_task_t idle, junk;
  bcsc_wait_t w;
  ct_up_sim();
  memset(&junk, 0x5a, sizeof junk);
  cr_assert_eq(bcsc_mutex_init(NULL), BCSC_EINVAL);
  cr_assert_eq(bcsc_mutex_init(&m), 0);
  cr_assert_eq(bcsc_wait_init(&w), 0);
  cr_assert_eq(bcsc_task_init(&idle, ct_poll, NULL), 0);
  cr_assert_eq(bcsc_mutex_lock(&idle, NULL, &w), BCSC_EINVAL);
  cr_assert_eq(bcsc_mutex_lock(&idle, &m, NULL), BCSC_EINVAL);
  cr_assert_eq(bcsc_mutex_lock(&idle, &m, &w), BCSC_EPERM);
  cr_assert_eq(bcsc_mutex_try_lock(&idle, &m), BCSC_EPERM);
  cr_assert_eq(bcsc_mutex_try_lock(&junk, &m), BCSC_EBADOBJ);
  cr_assert_eq(bcsc_mutex_unlock(&junk, &m), BCSC_EBADOBJ);
  cr_assert_eq(bcsc_mutex_locked(&m), 0);
  cr_assert_eq(ct_misuse.count, bcsc_test_misuse_expected(7));
  cr_assert_eq(bcsc_mutex_deinit(&m), 0);
  ct_down();
}

/* ---- semaphore ------------------------------------------------------------
 */

static int semaphore_twice(ct_t *c) {
  if (c->polls == 1) {
    c->rc[0] = bcsc_semaphore_acquire(&c->task, c->obj, &c->sw, 1);
    c->rc[1] = bcsc_semaphore_acquire(&c->task, c->obj, &c->sw, 1);
    return BCSC_PENDING;
  }
  if (c->polls == 2 && c->obj2 != NULL) {
    /* Woken by obj with its permit reserved: another semaphore's call
     * with this waiter passes the permit on (back to obj's free count:
     * nobody else waits) and takes one of its own (D96). */
    c->rc[2] = bcsc_semaphore_acquire(&c->task, c->obj2, &c->sw, 1);
    c->rc[4] = bcsc_semaphore_release(c->obj2, 1);
  }
  c->rc[3] = bcsc_semaphore_acquire(&c->task, c->obj, &c->sw, 1);
  if (c->rc[3] != 0)
    return c->rc[3];
  return bcsc_semaphore_release(c->obj, 1);
}

Test(coverage_waits, semaphore_acquire_asked_twice_and_with_a_foreign_wake) {
  bcsc_semaphore_t sem, other;
  ct_t c;
  ct_up_sim();
  cr_assert_eq(bcsc_semaphore_init(&sem, 0), 0);
  cr_assert_eq(bcsc_semaphore_init(&other, 5), 0);
  ct_init(&c, semaphore_twice);
  c.obj = &sem;
  c.obj2 = &other;
  spawn(&c);
  cr_assert_eq(bcsc_executor_poll(&ct_ex, 1), 1);
  cr_assert_eq(c.rc[0], BCSC_PENDING);
  cr_assert_eq(c.rc[1], BCSC_PENDING);
  cr_assert_eq(bcsc_semaphore_waiting(&sem), 1u, "queued once");
  cr_assert_eq(bcsc_semaphore_release(&sem, 1), 0);
  run();
  cr_assert_eq(c.rc[2], 0, "took one of other's five");
  cr_assert_eq(c.rc[4], 0);
  cr_assert_eq(c.rc[3], 0, "sem's permit went back and was taken again");
  cr_assert_eq(bcsc_task_result(&c.task), 0);
  cr_assert_eq(bcsc_semaphore_available(&sem), 1u);
  cr_assert_eq(bcsc_semaphore_available(&other), 5u);
  cr_assert_eq(ct_misuse.count, 0);
  cr_assert_eq(bcsc_semaphore_deinit(&sem), 0);
  cr_assert_eq(bcsc_semaphore_deinit(&other), 0);
  ct_down();
}

static int semaphore_with_others_waiter(ct_t *c) {
  c->rc[0] = bcsc_semaphore_acquire(&c->task, c->obj, &c->other->sw, 1);
  return 0;
}

static int semaphore_hold_waiter(ct_t *c) {
  if (c->polls == 1)
    return bcsc_semaphore_acquire(&c->task, c->obj, &c->sw, 1);
  return bcsc_semaphore_acquire(&c->task, c->obj, &c->sw, 1) == 0
             ? bcsc_semaphore_release(c->obj, 1)
             : -1;
}

Test(coverage_waits, semaphore_calls_refuse_bad_arguments) {
  bcsc_semaphore_t sem;
  bcsc_semaphore_waiter_t sw;
  bcsc_task_t idle;
  ct_t holder, caller;
  ct_up_sim();
  cr_assert_eq(bcsc_semaphore_init(&sem, 0), 0);
  cr_assert_eq(bcsc_semaphore_waiter_init(&sw), 0);
  cr_assert_eq(bcsc_task_init(&idle, ct_poll, NULL), 0);
  cr_assert_eq(bcsc_semaphore_acquire(&idle, NULL, &sw, 1), BCSC_EINVAL);
  cr_assert_eq(bcsc_semaphore_acquire(&idle, &sem, NULL, 1), BCSC_EINVAL);
  cr_assert_eq(bcsc_semaphore_acquire(&idle, &sem, &sw, 1), BCSC_EPERM);
  cr_assert_eq(ct_misuse.count, bcsc_test_misuse_expected(3));
  /* A waiter linked for another task. */
  ct_init(&holder, semaphore_hold_waiter);
  holder.obj = &sem;
  ct_init(&caller, semaphore_with_others_waiter);
  caller.obj = &sem;
  caller.other = &holder;
  spawn(&holder);
  spawn(&caller);
  cr_assert_eq(bcsc_executor_poll(&ct_ex, 2), 2);
  cr_assert_eq(caller.rc[0], BCSC_EBUSY);
  cr_assert_eq(ct_misuse.count, bcsc_test_misuse_expected(4));
  cr_assert_eq(bcsc_semaphore_release(&sem, 1), 0);
  run();
  cr_assert_eq(bcsc_task_result(&holder.task), 0);
  cr_assert_eq(bcsc_semaphore_deinit(&sem), 0);
  ct_down();
}

/* ---- timers -----------------------------------------------------------------
 */

static int timer_twice(ct_t *c) {
  if (c->polls == 1) {
    c->rc[0] = bcsc_sleep_until(&c->task, &c->timer, 5000);
    c->rc[1] = bcsc_timer_wait(&c->task, &c->timer);
    c->rc[2] = bcsc_timer_linked(&c->timer);
    return BCSC_PENDING;
  }
  return bcsc_sleep_until(&c->task, &c->timer, 5000);
}

Test(coverage_waits, timer_wait_asked_twice_in_one_poll) {
  ct_t c;
  ct_up_sim();
  ct_init(&c, timer_twice);
  spawn(&c);
  run();
  cr_assert_eq(c.rc[0], BCSC_PENDING);
  cr_assert_eq(c.rc[1], BCSC_PENDING);
  cr_assert_eq(c.rc[2], 1);
  cr_assert_eq(bcsc_task_result(&c.task), 0);
  cr_assert_eq(bcsc_executor_now(&ct_ex), 5000u);
  ct_down();
  cr_assert_eq(ct_misuse.count, 0);
}

/* A sleep whose duration runs past the end of time is still a sleep: its
 * deadline saturates one short of BCSC_NO_DEADLINE ("no deadline"). */
static int sleep_forever(ct_t *c) {
  c->rc[0] = bcsc_sleep_for(&c->task, &c->timer, UINT64_MAX);
  c->lagged = bcsc_timer_deadline(&c->timer);
  return c->rc[0];
}

/* A periodic timer whose tick has not fired becomes this one-shot sleep
 * (same first deadline: only the period changes). */
static int sleep_on_periodic(ct_t *c) {
  if (c->polls == 1) {
    cr_assert_eq(bcsc_timer_set_periodic(&c->timer, 3000, 100, BCSC_TICK_BURST),
                 0);
    c->rc[0] = bcsc_sleep_until(&c->task, &c->timer, 3000);
    return c->rc[0];
  }
  c->rc[1] = bcsc_sleep_until(&c->task, &c->timer, 3000);
  c->lagged = bcsc_timer_deadline(&c->timer);
  return c->rc[1];
}

Test(coverage_waits, sleeps_past_the_end_of_time_and_on_a_periodic_timer) {
  ct_t a, b;
  ct_up_sim();
  ct_init(&a, sleep_forever);
  ct_init(&b, sleep_on_periodic);
  spawn(&a);
  spawn(&b);
  cr_assert_eq(bcsc_executor_poll(&ct_ex, 2), 2);
  cr_assert_eq(a.rc[0], BCSC_PENDING);
  cr_assert_eq(a.lagged, BCSC_NO_DEADLINE - 1);
  cr_assert_eq(b.rc[0], BCSC_PENDING);
  cr_assert_eq(bcsc_executor_run(&ct_ex, &b.task), 0);
  cr_assert_eq(b.rc[1], 0);
  cr_assert_eq(b.lagged, BCSC_NO_DEADLINE, "one-shot: no next tick");
  cr_assert_eq(bcsc_task_cancel(&a.task), 0);
  run();
  cr_assert_eq(bcsc_task_result(&a.task), BCSC_ECANCELED);
  ct_down();
  cr_assert_eq(ct_misuse.count, 0);
}

Test(coverage_waits, timer_calls_refuse_bad_arguments) {
  bcsc_timer_t t;
  bcsc_task_t idle, junk;
  ct_up_sim();
  memset(&junk, 0x5a, sizeof junk);
  cr_assert_eq(bcsc_timer_init(&t), 0);
  cr_assert_eq(bcsc_task_init(&idle, ct_poll, NULL), 0);
  cr_assert_eq(bcsc_timer_set_periodic(NULL, 1, 1, BCSC_TICK_BURST),
               BCSC_EINVAL);
  cr_assert_eq(bcsc_timer_wait(&idle, NULL), BCSC_EINVAL);
  cr_assert_eq(bcsc_timer_wait(&junk, &t), BCSC_EBADOBJ);
  cr_assert_eq(bcsc_sleep_until(&idle, NULL, 5), BCSC_EINVAL);
  cr_assert_eq(bcsc_sleep_until(&junk, &t, 5), BCSC_EBADOBJ);
  cr_assert_eq(bcsc_sleep_for(&idle, NULL, 5), BCSC_EINVAL);
  cr_assert_eq(bcsc_sleep_for(&junk, &t, 5), BCSC_EBADOBJ);
  cr_assert_eq(ct_misuse.count, bcsc_test_misuse_expected(7));
  /* A task that is not being polled: the wait is refused, nothing set. */
  cr_assert_eq(bcsc_timer_set(&t, 10), 0);
  cr_assert_eq(bcsc_timer_wait(&idle, &t), BCSC_EPERM);
  cr_assert_eq(bcsc_sleep_for(&idle, &t, 5), BCSC_EPERM);
  cr_assert_eq(bcsc_timer_linked(&t), 0);
  cr_assert_eq(ct_misuse.count, bcsc_test_misuse_expected(9));
  /* Queries answer neutrally for NULL. */
  cr_assert_eq(bcsc_timer_fired(NULL), 0);
  cr_assert_eq(bcsc_timer_linked(NULL), 0);
  cr_assert_eq(bcsc_timer_missed(NULL), 0u);
  cr_assert_eq(bcsc_timer_missed_total(NULL), 0u);
  cr_assert_eq(ct_misuse.count, bcsc_test_misuse_expected(9));
  ct_down();
}

/* ---- a cancelled task's registration linked elsewhere -------------------
 * bcsc_task_cancel() unlinks what a task waits on, but a cancelled task may
 * still register on a plain list (its cleanup may wait) and then pass that
 * registration to a waiting call: the call must unlink it, not leave it on
 * the other list, and answer BCSC_ECANCELED. */

enum { VIA_SEND, VIA_RECV, VIA_EVENT, VIA_ONESHOT, VIA_WATCH, VIA_N };

typedef struct via_objects {
  bcsc_waitq_t q;
  bcsc_channel_t ch;
  uint32_t ring[1];
  bcsc_event_t ev;
  bcsc_oneshot_t os;
  uint32_t slot;
  bcsc_watch_t wt;
  uint32_t wslot;
} via_objects_t;

static int cancelled_linked_elsewhere(ct_t *c) {
  via_objects_t *o = c->obj;
  uint32_t m = 1;
  if (c->polls == 1) {
    cr_assert_eq(bcsc_task_cancel(&c->task), 0);
    return bcsc_task_yield(&c->task);
  }
  c->rc[0] = bcsc_wait_register(&c->task, &c->w, &o->q);
  c->rc[1] = bcsc_wait_linked(&c->w);
  switch (c->leader) {
  case VIA_SEND:
    c->rc[2] = bcsc_channel_send(&c->task, &o->ch, &c->w, &m, sizeof m);
    break;
  case VIA_RECV:
    c->rc[2] = bcsc_channel_recv(&c->task, &o->ch, &c->w, &m, sizeof m);
    break;
  case VIA_EVENT:
    c->rc[2] = bcsc_event_wait(&c->task, &o->ev, &c->w);
    break;
  case VIA_ONESHOT:
    c->rc[2] = bcsc_oneshot_recv(&c->task, &o->os, &c->w, &m, sizeof m);
    break;
  default:
    c->rc[2] =
        bcsc_watch_changed(&c->task, &o->wt, &c->w, bcsc_watch_version(&o->wt));
    break;
  }
  c->rc[3] = bcsc_wait_linked(&c->w);
  c->rc[4] = (int)bcsc_waitq_count(&o->q);
  return BCSC_ECANCELED;
}

Test(coverage_waits,
     a_cancelled_tasks_registration_linked_elsewhere_is_unlinked) {
  via_objects_t o;
  for (int via = 0; via < VIA_N; via++) {
    ct_t c;
    ct_up_sim();
    cr_assert_eq(bcsc_waitq_init(&o.q), 0);
    cr_assert_eq(bcsc_channel_init(&o.ch, o.ring, sizeof o.ring, 4), 0);
    cr_assert_eq(bcsc_event_init(&o.ev), 0);
    cr_assert_eq(bcsc_oneshot_init(&o.os, &o.slot, sizeof o.slot), 0);
    cr_assert_eq(bcsc_watch_init(&o.wt, &o.wslot, sizeof o.wslot), 0);
    ct_init(&c, cancelled_linked_elsewhere);
    c.obj = &o;
    c.leader = via;
    spawn(&c);
    run();
    cr_assert_eq(c.rc[0], 0, "a cancelled task may still register");
    cr_assert_eq(c.rc[1], 1);
    cr_assert_eq(c.rc[2], BCSC_ECANCELED, "via %d", via);
    cr_assert_eq(c.rc[3], 0, "via %d: the call unlinked it", via);
    cr_assert_eq(c.rc[4], 0, "via %d: off the other list", via);
    cr_assert_eq(bcsc_task_result(&c.task), BCSC_ECANCELED);
    cr_assert_eq(bcsc_waitq_deinit(&o.q), 0);
    cr_assert_eq(bcsc_channel_deinit(&o.ch), 0);
    cr_assert_eq(bcsc_event_deinit(&o.ev), 0);
    cr_assert_eq(bcsc_oneshot_deinit(&o.os), 0);
    cr_assert_eq(bcsc_watch_deinit(&o.wt), 0);
    ct_down();
  }
  cr_assert_eq(ct_misuse.count, 0);
}

Test(coverage_waits, event_wait_edge_refuses_a_null_event) {
  bcsc_task_t idle;
  bcsc_wait_t w;
  cr_assert_eq(bcsc_task_init(&idle, ct_poll, NULL), 0);
  cr_assert_eq(bcsc_wait_init(&w), 0);
  cr_assert_eq(bcsc_event_wait_edge(&idle, NULL, &w), BCSC_EINVAL);
  cr_assert_eq(ct_misuse.count, bcsc_test_misuse_expected(1));
}

/* ---- timers at the end of time -------------------------------------------
 * Deadlines in the wheel's last turn before 2^64: the slots' starts
 * saturate instead of wrapping, and each timer still fires at its
 * deadline, in order. (A deadline beyond the top level's turn, 2^36 ns,
 * is looked at once a turn: the clock starts 2^40 ns before the end, so
 * the run parks a few dozen times at most.) */

static uint64_t g_fired_at[3];
static int g_fired;

static int sleep_until_obj(ct_t *c) {
  int rc = bcsc_sleep_until(&c->task, &c->timer, *(uint64_t *)c->obj);
  if (rc == 0)
    g_fired_at[g_fired++] = bcsc_executor_now(&ct_ex);
  return rc;
}

Test(coverage_waits, timers_in_the_last_turn_before_the_end_of_time) {
  uint64_t deadlines[3] = {BCSC_NO_DEADLINE - 2,
                           BCSC_NO_DEADLINE - (1ull << 37),
                           BCSC_NO_DEADLINE - (1ull << 39)};
  ct_t c[3];
  g_fired = 0;
  cr_assert_eq(bcsc_sim_reactor_init(&ct_sim, BCSC_NO_DEADLINE - (1ull << 40)),
               0);
  ct_up(&ct_sim.base);
  for (int i = 0; i < 3; i++) {
    ct_init(&c[i], sleep_until_obj);
    c[i].obj = &deadlines[i];
    cr_assert_eq(bcsc_executor_spawn(&ct_ex, &c[i].task), 0);
  }
  cr_assert_eq(bcsc_executor_run(&ct_ex, NULL), 0);
  cr_assert_eq(g_fired, 3);
  cr_assert_eq(g_fired_at[0], deadlines[2]);
  cr_assert_eq(g_fired_at[1], deadlines[1]);
  cr_assert_eq(g_fired_at[2], deadlines[0]);
  cr_assert_leq(bcsc_sim_reactor_parks(&ct_sim), 64u);
  ct_down();
}
