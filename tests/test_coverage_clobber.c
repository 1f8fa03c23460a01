/* SPDX-License-Identifier: MIT
 * test_coverage_clobber.c - what the primitives do when the checked build
 * finds a waiting task's frame clobbered while they wake it (found with the
 * coverage lane's report: the suites clobber frames under the executor and
 * the waiter lists, not under each primitive).
 *
 * In most tests a task waits on a primitive; its frame (the bcsc_task_t
 * only; its registration stays intact) is overwritten; the call that would
 * wake it must report BCSC_MISUSE_FRAME_CLOBBERED and return BCSC_EBADOBJ
 * (or, where the call succeeds for its own part, leave the waiter linked)
 * - and touch nothing of the frame. While a frame is clobbered no task
 * is spawned or completes (either writes the sibling links of its
 * neighbours in the scope's list - the clobbered frame among them - and
 * putting the old bytes back would undo that write): the tasks involved
 * yield once instead, and finish after the bytes are back. The last three
 * overwrite a select's task between begin and end, a mutex its owner still
 * holds when it completes, and a broadcast with an older copy of itself (a
 * receiver has read past its end). The bytes are then put back at the same
 * address, and the test finishes every task cleanly: the primitive is still
 * consistent. The release build has no canaries (it would follow the garbage):
 * these tests run in the checked build only.
 *
 * Every test ends with bcsc_executor_deinit() returning 0. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include <bcsc.h>

#include "bcsc_stepped.h"
#include "bcsc_test.h"
#include "internal.h"

TestSuite(coverage_clobber, .init = ct_record_misuse);

static void up(void) {
  if (!bcsc_is_checked_build())
    cr_skip_test("the release build has no canaries");
  ct_up(NULL);
}

/* The clobber and its undoing: the same bytes at the same address. */
static unsigned char g_saved[sizeof(bcsc_task_t)];

static void clobber(ct_t *c) {
  memcpy(g_saved, &c->task, sizeof c->task);
  memset(&c->task, 0x5a, sizeof c->task);
}

static void restore(ct_t *c) { memcpy(&c->task, g_saved, sizeof c->task); }

static uint32_t clobber_reports(void) {
  return ct_reports(BCSC_MISUSE_FRAME_CLOBBERED);
}

/* ---- barrier: the trip cannot wake the clobbered arrival ---------------- */

static int barrier_arrive(ct_t *c) {
  int rc = bcsc_barrier_wait(&c->task, c->obj, &c->w, NULL);
  return rc == BCSC_PENDING ? BCSC_PENDING : 0;
}

/* Arrives once, records the answer, and finishes on its next poll. */
static int barrier_arrive_once(ct_t *c) {
  if (c->polls > 1)
    return 0;
  c->rc[0] = bcsc_barrier_wait(&c->task, c->obj, &c->w, NULL);
  return bcsc_task_yield(&c->task);
}

Test(coverage_clobber, barrier_trip_over_a_clobbered_arrival) {
  bcsc_barrier_t b;
  ct_t w, z;
  up();
  cr_assert_eq(bcsc_barrier_init(&b, 2), 0);
  ct_init(&w, barrier_arrive);
  w.obj = &b;
  ct_init(&z, barrier_arrive_once);
  z.obj = &b;
  cr_assert_eq(bcsc_executor_spawn(&ct_ex, &w.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ct_ex, 1), 1);
  cr_assert_eq(bcsc_executor_spawn(&ct_ex, &z.task), 0);
  clobber(&w);
  cr_assert_eq(bcsc_executor_poll(&ct_ex, 1), 1);
  restore(&w);
  cr_assert_eq(z.rc[0], BCSC_EBADOBJ);
  cr_assert_eq(clobber_reports(), 1u);
  cr_assert_eq(bcsc_wait_linked(&w.w), 1, "still waiting, untouched");
  cr_assert_eq(bcsc_task_cancel(&w.task), 0);
  ct_run_down();
  cr_assert_eq(bcsc_barrier_deinit(&b), 0);
}

/* ---- broadcast: send and close cannot wake the clobbered reader -------- */

static int broadcast_reader_until_closed(ct_t *c) {
  int rc =
      bcsc_broadcast_recv(&c->task, c->rx, &c->w, &c->msg, sizeof c->msg, NULL);
  if (rc == 0)
    return bcsc_task_yield(&c->task);
  return rc == BCSC_ECLOSED ? 0 : rc;
}

Test(coverage_clobber, broadcast_send_and_close_over_a_clobbered_reader) {
  bcsc_broadcast_t bc;
  bcsc_broadcast_receiver_t rx;
  uint32_t ring[4], m = 11;
  ct_t r;
  up();
  cr_assert_eq(bcsc_broadcast_init(&bc, ring, sizeof ring, sizeof m), 0);
  cr_assert_eq(bcsc_broadcast_subscribe(&bc, &rx), 0);
  ct_init(&r, broadcast_reader_until_closed);
  r.rx = &rx;
  cr_assert_eq(bcsc_executor_spawn(&ct_ex, &r.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ct_ex, 1), 1);
  clobber(&r);
  cr_assert_eq(bcsc_broadcast_send(&bc, &m, sizeof m), BCSC_EBADOBJ);
  cr_assert_eq(bcsc_broadcast_close(&bc), BCSC_EBADOBJ);
  restore(&r);
  cr_assert_eq(clobber_reports(), 2u);
  /* The message went into the ring and the close stands; the reader was
   * not woken. Wake it the way a later send would: it reads, then learns
   * of the close. */
  cr_assert_eq(bcsc_wait_linked(&r.w), 1);
  cr_assert_eq(bcsc_broadcast_close(&bc), 0);
  ct_run_down();
  cr_assert_eq(r.msg, 11u);
  cr_assert_eq(bcsc_task_result(&r.task), 0);
  cr_assert_eq(bcsc_broadcast_unsubscribe(&rx), 0);
  cr_assert_eq(bcsc_broadcast_deinit(&bc), 0);
}

/* ---- semaphore: dispatch stops at the clobbered head ------------------- */

static int acquire_one(ct_t *c) {
  int rc = bcsc_semaphore_acquire(&c->task, c->obj, &c->sw, 1);
  if (rc != 0) {
    if (rc == BCSC_PENDING)
      return rc;
    c->rc[0] = rc; /* refused: try again on the next poll */
    return bcsc_task_yield(&c->task);
  }
  return bcsc_semaphore_release(c->obj, 1);
}

Test(coverage_clobber, semaphore_dispatch_to_a_clobbered_head) {
  bcsc_semaphore_t sem;
  unsigned char saved[sizeof(bcsc_semaphore_waiter_t)];
  ct_t w, z;
  up();
  cr_assert_eq(bcsc_semaphore_init(&sem, 0), 0);
  ct_init(&w, acquire_one);
  w.obj = &sem;
  ct_init(&z, acquire_one);
  z.obj = &sem;
  cr_assert_eq(bcsc_executor_spawn(&ct_ex, &w.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ct_ex, 1), 1);
  cr_assert_eq(bcsc_semaphore_waiting(&sem), 1u);
  cr_assert_eq(bcsc_executor_spawn(&ct_ex, &z.task), 0);
  /* Its frame: release, try_acquire and another task's acquire each fail
   * to wake it. */
  clobber(&w);
  cr_assert_eq(bcsc_semaphore_release(&sem, 1), BCSC_EBADOBJ);
  cr_assert_eq(bcsc_semaphore_try_acquire(&sem, 1), BCSC_EBADOBJ);
  cr_assert_eq(bcsc_executor_poll(&ct_ex, 1), 1);
  cr_assert_eq(z.rc[0], BCSC_EBADOBJ);
  restore(&w);
  cr_assert_eq(clobber_reports(), 3u);
  /* Its registration (the request is read from it): dispatch stops there,
   * and the release itself succeeds. */
  memcpy(saved, &w.sw, sizeof saved);
  memset(&w.sw, 0x5a, sizeof w.sw);
  cr_assert_eq(bcsc_semaphore_release(&sem, 1), 0);
  memcpy(&w.sw, saved, sizeof saved);
  cr_assert_eq(clobber_reports(), 4u);
  /* Intact again: the next change wakes both, in order. */
  cr_assert_eq(bcsc_semaphore_release(&sem, 0), 0);
  ct_run_down();
  cr_assert_eq(bcsc_task_result(&w.task), 0);
  cr_assert_eq(bcsc_task_result(&z.task), 0);
  cr_assert_eq(bcsc_semaphore_available(&sem), 2u);
  cr_assert_eq(bcsc_semaphore_deinit(&sem), 0);
}

/* ---- channel: the pump stops at the clobbered receiver ------------------ */

static int receive_one(ct_t *c) {
  return bcsc_channel_recv(&c->task, c->obj, &c->w, &c->msg, sizeof c->msg);
}

/* Two units beyond the wakes out (a second message while the oldest
 * receiver is still clobbered): the pump's loop, not its one-wake path,
 * meets the clobbered receiver and stops there too; once it is restored,
 * a third message makes the loop wake both receivers in one pass. */
Test(coverage_clobber, channel_pump_loop_stops_at_a_clobbered_receiver) {
  bcsc_channel_t ch;
  uint32_t ring[3], m1 = 1, m2 = 2, m3 = 3, got = 0;
  ct_t r, r2;
  up();
  cr_assert_eq(bcsc_channel_init(&ch, ring, sizeof ring, sizeof m1), 0);
  ct_init(&r, receive_one);
  ct_init(&r2, receive_one);
  r.obj = &ch;
  r2.obj = &ch;
  cr_assert_eq(bcsc_executor_spawn(&ct_ex, &r.task), 0);
  cr_assert_eq(bcsc_executor_spawn(&ct_ex, &r2.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ct_ex, 2), 2);
  clobber(&r);
  cr_assert_eq(bcsc_channel_try_send(&ch, &m1, sizeof m1), 0);
  cr_assert_eq(bcsc_channel_try_send(&ch, &m2, sizeof m2), 0);
  restore(&r);
  cr_assert_eq(clobber_reports(), 2u, "one report per refused wake");
  cr_assert_eq(bcsc_wait_linked(&r.w), 1, "not woken");
  cr_assert_eq(bcsc_wait_linked(&r2.w), 1, "woken past the clobbered one");
  cr_assert_eq(bcsc_channel_try_send(&ch, &m3, sizeof m3), 0);
  cr_assert_eq(bcsc_wait_linked(&r.w), 0);
  cr_assert_eq(bcsc_wait_linked(&r2.w), 0);
  ct_run_down();
  cr_assert_eq(r.msg, 1u);
  cr_assert_eq(r2.msg, 2u);
  cr_assert_eq(bcsc_channel_try_recv(&ch, &got, sizeof got), 0);
  cr_assert_eq(got, 3u);
  cr_assert_eq(bcsc_channel_deinit(&ch), 0);
}

/* The loop also stops at the units: two messages' worth for three waiting
 * receivers (the first wake was refused while the oldest was clobbered)
 * wakes the two oldest and leaves the third queued for the next send. */
Test(coverage_clobber, channel_pump_loop_stops_when_the_units_run_out) {
  bcsc_channel_t ch;
  uint32_t ring[3], m1 = 1, m2 = 2, m3 = 3;
  ct_t r[3];
  up();
  cr_assert_eq(bcsc_channel_init(&ch, ring, sizeof ring, sizeof m1), 0);
  for (int i = 0; i < 3; i++) {
    ct_init(&r[i], receive_one);
    r[i].obj = &ch;
    cr_assert_eq(bcsc_executor_spawn(&ct_ex, &r[i].task), 0);
  }
  cr_assert_eq(bcsc_executor_poll(&ct_ex, 3), 3);
  clobber(&r[0]);
  cr_assert_eq(bcsc_channel_try_send(&ch, &m1, sizeof m1), 0);
  restore(&r[0]);
  cr_assert_eq(clobber_reports(), 1u);
  cr_assert_eq(bcsc_channel_try_send(&ch, &m2, sizeof m2), 0);
  cr_assert_eq(bcsc_wait_linked(&r[0].w), 0);
  cr_assert_eq(bcsc_wait_linked(&r[1].w), 0);
  cr_assert_eq(bcsc_wait_linked(&r[2].w), 1, "woken without a message");
  cr_assert_eq(bcsc_channel_try_send(&ch, &m3, sizeof m3), 0);
  ct_run_down();
  cr_assert_eq(r[0].msg, 1u);
  cr_assert_eq(r[1].msg, 2u);
  cr_assert_eq(r[2].msg, 3u);
  cr_assert_eq(bcsc_channel_deinit(&ch), 0);
}

Test(coverage_clobber, channel_pump_stops_at_a_clobbered_receiver) {
  bcsc_channel_t ch;
  uint32_t ring[2], m1 = 1, m2 = 2, got = 0;
  ct_t r;
  up();
  cr_assert_eq(bcsc_channel_init(&ch, ring, sizeof ring, sizeof m1), 0);
  ct_init(&r, receive_one);
  r.obj = &ch;
  cr_assert_eq(bcsc_executor_spawn(&ct_ex, &r.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ct_ex, 1), 1);
  clobber(&r);
  /* The send itself succeeds: the message is in the ring. */
  cr_assert_eq(bcsc_channel_try_send(&ch, &m1, sizeof m1), 0);
  restore(&r);
  cr_assert_eq(clobber_reports(), 1u);
  cr_assert_eq(bcsc_wait_linked(&r.w), 1, "not woken");
  /* The next change pumps again: the receiver gets the first message. */
  cr_assert_eq(bcsc_channel_try_send(&ch, &m2, sizeof m2), 0);
  ct_run_down();
  cr_assert_eq(r.msg, 1u);
  cr_assert_eq(bcsc_channel_try_recv(&ch, &got, sizeof got), 0);
  cr_assert_eq(got, 2u);
  cr_assert_eq(bcsc_channel_deinit(&ch), 0);
}

/* ---- mutex: the hand-over cannot reach the clobbered waiter ------------ */

static int lock_then_unlock(ct_t *c) {
  int rc;
  if (c->polls == 1 && c->rc[3] == 1) { /* the first holder */
    c->rc[0] = bcsc_mutex_lock(&c->task, c->obj, &c->w);
    return bcsc_task_yield(&c->task);
  }
  if (c->rc[3] == 1) {
    if (c->polls > 2)
      return 0;
    c->rc[1] = bcsc_mutex_unlock(&c->task, c->obj);
    return bcsc_task_yield(&c->task); /* finishes on its next poll */
  }
  rc = bcsc_mutex_lock(&c->task, c->obj, &c->w);
  if (rc != 0)
    return rc;
  return bcsc_mutex_unlock(&c->task, c->obj);
}

static int try_then_lock(ct_t *c) {
  if (c->polls > 1) /* finishes on its next poll: taking the lock then */
    return c->rc[1] == BCSC_PENDING ? bcsc_mutex_lock(&c->task, c->obj, &c->w)
                                    : 0;
  c->rc[0] = bcsc_mutex_try_lock(&c->task, c->obj);
  c->rc[1] = bcsc_mutex_lock(&c->task, c->obj, &c->w);
  return c->rc[1] == BCSC_PENDING ? BCSC_PENDING : bcsc_task_yield(&c->task);
}

Test(coverage_clobber, mutex_hand_over_to_a_clobbered_waiter) {
  bcsc_mutex_t m;
  ct_t h, w, z;
  up();
  cr_assert_eq(bcsc_mutex_init(&m), 0);
  ct_init(&h, lock_then_unlock);
  h.obj = &m;
  h.rc[3] = 1;
  ct_init(&w, lock_then_unlock);
  w.obj = &m;
  ct_init(&z, try_then_lock);
  z.obj = &m;
  cr_assert_eq(bcsc_executor_spawn(&ct_ex, &h.task), 0);
  cr_assert_eq(bcsc_executor_spawn(&ct_ex, &w.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ct_ex, 2), 2); /* h locks, w queues */
  cr_assert_eq(bcsc_mutex_waiting(&m), 1u);
  cr_assert_eq(bcsc_executor_spawn(&ct_ex, &z.task), 0);
  clobber(&w);
  /* h unlocks: the lock is free, but its hand-over to w fails; z finds it
   * free with a waiter still queued: its try_lock and lock try the
   * hand-over again, and fail the same way. */
  cr_assert_eq(bcsc_executor_poll(&ct_ex, 2), 2);
  restore(&w);
  cr_assert_eq(h.rc[1], BCSC_EBADOBJ);
  cr_assert_eq(z.rc[0], BCSC_EBADOBJ);
  cr_assert_eq(z.rc[1], BCSC_EBADOBJ);
  cr_assert_eq(clobber_reports(), 3u);
  cr_assert_null(bcsc_mutex_owner(&m));
  cr_assert_eq(bcsc_wait_linked(&w.w), 1);
  /* Intact again: h and z finish; then a try_lock hands the lock over to
   * w (and is refused). */
  cr_assert_eq(bcsc_executor_poll(&ct_ex, 2), 2);
  cr_assert(bcsc_task_done(&h.task) && bcsc_task_done(&z.task));
  {
    ct_t t2;
    ct_init(&t2, try_then_lock);
    t2.obj = &m;
    cr_assert_eq(bcsc_executor_spawn(&ct_ex, &t2.task), 0);
    cr_assert_eq(bcsc_executor_poll(&ct_ex, 1), 1);
    cr_assert_eq(t2.rc[0], BCSC_EAGAIN);
    cr_assert_eq(t2.rc[1], BCSC_PENDING);
    ct_run_down();
    cr_assert_eq(bcsc_task_result(&t2.task), 0);
  }
  cr_assert_eq(bcsc_task_result(&w.task), 0);
  cr_assert_eq(bcsc_mutex_locked(&m), 0);
  cr_assert_eq(bcsc_mutex_deinit(&m), 0);
}

/* ---- value wakers: the drain will not deliver into a clobbered frame ---- */

static int wait_for_waker(ct_t *c) {
  if (c->polls == 1) {
    cr_assert_eq(bcsc_task_waker(&c->task, &c->waker), 0);
    return BCSC_PENDING;
  }
  return bcsc_task_waker_woken(&c->task) ? 0 : BCSC_PENDING;
}

Test(coverage_clobber, a_value_wake_for_a_clobbered_frame_is_not_delivered) {
  ct_t w;
  up();
  ct_init(&w, wait_for_waker);
  cr_assert_eq(bcsc_executor_spawn(&ct_ex, &w.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ct_ex, 1), 1);
  cr_assert_eq(bcsc_waker_wake(w.waker), 0);
  clobber(&w);
  cr_assert_eq(bcsc_executor_poll(&ct_ex, 8), 0, "nothing became ready");
  restore(&w);
  cr_assert_eq(clobber_reports(), 1u);
  cr_assert_eq(bcsc_task_done(&w.task), 0);
  /* Intact again: the next wake is delivered. */
  cr_assert_eq(bcsc_waker_wake(w.waker), 0);
  ct_run_down();
  cr_assert_eq(bcsc_task_result(&w.task), 0);
}

/* ---- a select whose task is clobbered between begin and end ------------- */

static int select_over_clobbered_self(ct_t *c) {
  bcsc_select_t sel;
  cr_assert_eq(bcsc_select_begin(&sel, &c->task), 0);
  cr_assert_eq(bcsc_select_offer(&sel, 0), 1); /* a ready branch: it wins */
  clobber(c);
  c->rc[0] = bcsc_select_end(&sel);
  restore(c);
  c->rc[1] = bcsc_select_end(&sel);
  return 0;
}

Test(coverage_clobber, a_select_whose_task_is_clobbered_before_its_end) {
  ct_t c;
  up();
  ct_init(&c, select_over_clobbered_self);
  cr_assert_eq(bcsc_executor_spawn(&ct_ex, &c.task), 0);
  ct_run_down();
  cr_assert_eq(c.rc[0], BCSC_EBADOBJ);
  cr_assert_eq(c.rc[1], 0, "intact again: the select ends");
  cr_assert_eq(ct_misuse.count, 1u);
}

/* ---- a held mutex overwritten before its owner completes ----------------- */

static int lock_and_return(ct_t *c) {
  if (c->polls == 1) {
    c->rc[0] = bcsc_mutex_lock(&c->task, c->obj, &c->w);
    return bcsc_task_yield(&c->task);
  }
  /* Returns holding it: bcsc releases the locks of a completed task - and
   * finds this one overwritten. */
  memset(c->obj, 0x5a, sizeof(bcsc_mutex_t));
  return 0;
}

Test(coverage_clobber, a_held_mutex_overwritten_before_its_owner_completes) {
  bcsc_mutex_t m;
  ct_t c;
  up();
  cr_assert_eq(bcsc_mutex_init(&m), 0);
  ct_init(&c, lock_and_return);
  c.obj = &m;
  cr_assert_eq(bcsc_executor_spawn(&ct_ex, &c.task), 0);
  ct_run_down();
  cr_assert_eq(c.rc[0], 0);
  cr_assert_eq(bcsc_task_result(&c.task), 0);
  cr_assert_eq(clobber_reports(), 1u);
  /* Its links were garbage: the executor dropped its list of held locks
   * rather than follow them. The memory can be made a mutex again. */
  cr_assert_eq(bcsc_mutex_init(&m), 0);
  cr_assert_eq(bcsc_mutex_deinit(&m), 0);
}

/* ---- a broadcast overwritten with an older copy of itself ---------------- */

Test(coverage_clobber, a_receiver_ahead_of_its_broadcast_is_refused) {
  bcsc_broadcast_t bc;
  bcsc_broadcast_receiver_t rx;
  unsigned char old[sizeof(bcsc_broadcast_t)], now[sizeof(bcsc_broadcast_t)];
  uint32_t ring[2], m = 4, out = 0;
  up();
  cr_assert_eq(bcsc_broadcast_init(&bc, ring, sizeof ring, sizeof m), 0);
  cr_assert_eq(bcsc_broadcast_subscribe(&bc, &rx), 0);
  memcpy(old, &bc, sizeof old);
  cr_assert_eq(bcsc_broadcast_send(&bc, &m, sizeof m), 0);
  cr_assert_eq(bcsc_broadcast_try_recv(&rx, &out, sizeof out, NULL), 0);
  /* The object goes back to before the send: the receiver has read past
   * its end. */
  memcpy(now, &bc, sizeof now);
  memcpy(&bc, old, sizeof old);
  cr_assert_eq(bcsc_broadcast_try_recv(&rx, &out, sizeof out, NULL),
               BCSC_EBADOBJ);
  cr_assert_eq(bcsc_broadcast_receiver_ready(&rx), 0u);
  memcpy(&bc, now, sizeof now);
  cr_assert_eq(ct_misuse.count, 1u);
  cr_assert_eq(bcsc_broadcast_try_recv(&rx, &out, sizeof out, NULL),
               BCSC_EAGAIN, "intact again: nothing new to read");
  cr_assert_eq(bcsc_broadcast_unsubscribe(&rx), 0);
  cr_assert_eq(bcsc_broadcast_deinit(&bc), 0);
  ct_run_down();
}

/* ---- a primitive's own waiter list overwritten under a valid object ----- */

static int broadcast_recv_once(ct_t *c) {
  c->rc[0] =
      bcsc_broadcast_recv(&c->task, c->rx, &c->w, &c->msg, sizeof c->msg, NULL);
  return 0;
}

static int channel_recv_once(ct_t *c) {
  c->rc[0] = bcsc_channel_recv(&c->task, c->obj, &c->w, &c->msg, sizeof c->msg);
  return 0;
}

Test(coverage_clobber, a_wait_on_a_clobbered_list_of_a_valid_object) {
  bcsc_broadcast_t bc;
  bcsc_broadcast_receiver_t rx;
  bcsc_channel_t ch;
  uint32_t ring[2], m = 4;
  ct_t b, r;
  up();
  cr_assert_eq(bcsc_broadcast_init(&bc, ring, sizeof ring, sizeof m), 0);
  cr_assert_eq(bcsc_broadcast_subscribe(&bc, &rx), 0);
  cr_assert_eq(bcsc_channel_init(&ch, ring, sizeof ring, sizeof m), 0);
  ct_init(&b, broadcast_recv_once);
  b.rx = &rx;
  ct_init(&r, channel_recv_once);
  r.obj = &ch;
  /* Nothing to read: each would wait - on a list whose magic is gone. */
  bc.priv.readers.priv.magic = 0;
  ch.priv.receivers.priv.magic = 0;
  cr_assert_eq(bcsc_executor_spawn(&ct_ex, &b.task), 0);
  cr_assert_eq(bcsc_executor_spawn(&ct_ex, &r.task), 0);
  ct_run_down();
  bc.priv.readers.priv.magic = BCSC__MAGIC_WAITQ;
  ch.priv.receivers.priv.magic = BCSC__MAGIC_WAITQ;
  cr_assert_eq(b.rc[0], BCSC_EBADOBJ);
  cr_assert_eq(r.rc[0], BCSC_EBADOBJ);
  cr_assert_eq(ct_reports(BCSC_MISUSE_BAD_OBJECT), 2u);
  cr_assert_eq(bcsc_wait_linked(&b.w), 0, "not linked anywhere");
  cr_assert_eq(bcsc_wait_linked(&r.w), 0, "not linked anywhere");
  cr_assert_eq(bcsc_broadcast_unsubscribe(&rx), 0);
  cr_assert_eq(bcsc_broadcast_deinit(&bc), 0);
  cr_assert_eq(bcsc_channel_deinit(&ch), 0);
}

/* ---- header words no call leaves ---------------------------------------
 * An open scope carries its address tag, an idle frame none and no flag,
 * a fired registration no tag: one that differs was overwritten, and the
 * checked path of the call refuses it (it may be live). */

static int join_an_untagged_scope(ct_t *c) {
  cr_assert_eq(bcsc_scope_init(&c->scope, &c->task, BCSC_SCOPE_WAIT_ALL), 0);
  c->scope.priv.self_tag = 0;
  c->rc[0] = bcsc_scope_join(&c->scope);
  c->rc[1] = bcsc_scope_spawn(&c->scope, &c->other->task);
  c->scope.priv.self_tag = bcsc__self_tag(&c->scope);
  c->rc[2] = bcsc_scope_join(&c->scope);
  return 0;
}

Test(coverage_clobber, an_open_scope_without_its_tag_is_refused) {
  ct_t c, kid;
  up();
  ct_init(&c, join_an_untagged_scope);
  ct_init(&kid, ct_finish);
  c.other = &kid;
  cr_assert_eq(bcsc_executor_spawn(&ct_ex, &c.task), 0);
  ct_run_down();
  cr_assert_eq(c.rc[0], BCSC_EBADOBJ);
  cr_assert_eq(c.rc[1], BCSC_EBADOBJ);
  cr_assert_eq(c.rc[2], 0, "tagged again: it joins");
  cr_assert_eq(ct_reports(BCSC_MISUSE_FRAME_CLOBBERED), 2u);
  cr_assert_eq(ct_misuse.objects[0], &c.scope);
  cr_assert_eq(ct_misuse.objects[1], &c.scope);
  cr_assert_eq(bcsc_task_done(&kid.task), 0, "never spawned");
}

Test(coverage_clobber, an_idle_frame_with_a_flag_is_refused) {
  ct_t c;
  up();
  ct_init(&c, ct_finish);
  /* A live frame's state word overwritten with "idle" keeps its flags. */
  c.task.priv.state |= BCSC__TASK_CANCELLED;
  cr_assert_eq(bcsc_executor_spawn(&ct_ex, &c.task), BCSC_EBADOBJ);
  cr_assert_eq(bcsc_executor_run(&ct_ex, &c.task), BCSC_EBADOBJ);
  cr_assert_eq(ct_reports(BCSC_MISUSE_FRAME_CLOBBERED), 2u);
  cr_assert_eq(ct_misuse.objects[1], &c.task);
  c.task.priv.state &= (uint16_t)~BCSC__TASK_CANCELLED;
  cr_assert_eq(bcsc_executor_run(&ct_ex, &c.task), 0);
  cr_assert_eq(bcsc_task_result(&c.task), 0);
  ct_run_down();
}

/* A pool's frame carries its tag from its acquire (D97): one idle with
 * the pool's flag and no tag was overwritten. */
Test(coverage_clobber, a_pool_frame_without_its_tag_is_refused) {
  _Alignas(BCSC_POOL_ALIGN) unsigned char
      memory[BCSC_POOL_STRIDE(sizeof(bcsc_test_leaf_t))];
  bcsc_pool_t pool;
  bcsc_test_leaf_t *leaf;
  uint32_t tag;
  up();
  cr_assert_eq(
      bcsc_pool_init(&pool, memory, sizeof memory, sizeof(bcsc_test_leaf_t), 0),
      0);
  leaf = bcsc_test_leaf_acquire(&pool, 1);
  cr_assert_not_null(leaf);
  tag = leaf->task.priv.self_tag;
  cr_assert_neq(tag, 0u);
  leaf->task.priv.self_tag = 0;
  cr_assert_eq(bcsc_executor_spawn(&ct_ex, &leaf->task), BCSC_EBADOBJ);
  cr_assert_eq(ct_reports(BCSC_MISUSE_FRAME_CLOBBERED), 1u);
  cr_assert_eq(ct_misuse.objects[0], &leaf->task);
  leaf->task.priv.self_tag = tag;
  cr_assert_eq(bcsc_executor_spawn(&ct_ex, &leaf->task), 0);
  ct_run_down();
  cr_assert(leaf->finished);
  cr_assert_eq(bcsc_pool_available(&pool), 1);
  cr_assert_eq(bcsc_pool_deinit(&pool), 0);
}

static int wait_on_a_node_marked_fired(ct_t *c) {
  if (c->polls > 1)
    return bcsc_wait_on(&c->task, &c->w, c->obj);
  c->rc[0] = bcsc_wait_on(&c->task, &c->w, c->obj);
  c->w.priv.state = BCSC__WAIT_FIRED; /* its tag is still there */
  c->rc[1] = bcsc_wait_on(&c->task, &c->w, c->obj);
  c->w.priv.state = BCSC__WAIT_LINKED;
  return BCSC_PENDING;
}

Test(coverage_clobber, a_linked_registration_marked_fired_is_refused) {
  bcsc_waitq_t q;
  ct_t c;
  up();
  cr_assert_eq(bcsc_waitq_init(&q), 0);
  ct_init(&c, wait_on_a_node_marked_fired);
  c.obj = &q;
  cr_assert_eq(bcsc_executor_spawn(&ct_ex, &c.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ct_ex, 1), 1);
  cr_assert_eq(c.rc[0], BCSC_PENDING);
  cr_assert_eq(c.rc[1], BCSC_EBADOBJ);
  cr_assert_eq(ct_reports(BCSC_MISUSE_FRAME_CLOBBERED), 1u);
  cr_assert_eq(bcsc_waitq_count(&q), 1u, "still on its list");
  cr_assert_eq(bcsc_waitq_wake_one(&q, 0), 1);
  ct_run_down();
  cr_assert_eq(bcsc_task_result(&c.task), 0);
  cr_assert_eq(bcsc_waitq_deinit(&q), 0);
}

/* ---- a hand-off list overwritten while a baton is out ----------------- */

static int wait_then_return(ct_t *c) {
  if (c->polls > 1) {
    c->rc[1] = bcsc_wait_fired(&c->w);
    return 0; /* declines the hand-off it was given */
  }
  return bcsc_wait_on(&c->task, &c->w, c->obj);
}

Test(coverage_clobber, a_baton_declined_over_a_clobbered_list) {
  bcsc_waitq_t q;
  ct_t c;
  up();
  cr_assert_eq(bcsc_waitq_init(&q), 0);
  cr_assert_eq(bcsc_waitq_set_handoff(&q, 1), 0);
  ct_init(&c, wait_then_return);
  c.obj = &q;
  cr_assert_eq(bcsc_executor_spawn(&ct_ex, &c.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ct_ex, 1), 1);
  cr_assert_eq(bcsc_waitq_wake_one(&q, 0), 1);
  q.priv.magic = 0;
  ct_run_down();
  q.priv.magic = BCSC__MAGIC_WAITQ;
  cr_assert_eq(c.rc[1], 1, "it held the baton");
  cr_assert_eq(ct_reports(BCSC_MISUSE_BAD_OBJECT), 1u);
  /* What did not read as a list was not written to (D97): its count of
   * wakes out still has the one that left the executor. */
  cr_assert_eq(q.priv.batons, 1u);
  cr_assert_eq(bcsc_waitq_deinit(&q), BCSC_EBUSY);
  cr_assert_eq(ct_reports(BCSC_MISUSE_WAITQ_BUSY), 1u);
}

/* ---- a link of the timing wheel overwritten as the one before it fires --
 * Two deadlines fall due in one pass; the wheel checks each owner's canary
 * as the slot falls due. A hook point (D29) acts as the first fires, as
 * another thread's stray write could: it overwrites the other owner, which
 * must then be reported and not fired. */

typedef struct due_hook {
  bcsc__test_hook_t hook; /* first */
  void *owner[2];         /* the two registrations, or the two scopes */
  uint16_t *magic[2];     /* their magic words */
  int fired_first;        /* which owner fired first (index) */
  uint16_t saved;
  int acted;
} due_hook_t;

static void overwrite_the_other(bcsc__test_hook_t *hook, bcsc_executor_t *ex,
                                int point, void *object) {
  due_hook_t *h = (due_hook_t *)(void *)hook;
  (void)ex;
  if (h->acted || (point != BCSC__HOOK_FIRED && point != BCSC__HOOK_CANCELLED))
    return;
  h->acted = 1;
  /* The owner acted on first: the registration a fire is about, or the
   * scope of the task a deadline cancels first. */
  if (point == BCSC__HOOK_CANCELLED)
    object = ((bcsc_task_t *)object)->priv.scope;
  h->fired_first = object == h->owner[1];
  h->saved = *h->magic[!h->fired_first];
  *h->magic[!h->fired_first] = 0;
}

static void due_hook_install(due_hook_t *h, void *a, uint16_t *a_magic, void *b,
                             uint16_t *b_magic) {
  memset(h, 0, sizeof *h);
  h->hook.fn = overwrite_the_other;
  h->owner[0] = a;
  h->owner[1] = b;
  h->magic[0] = a_magic;
  h->magic[1] = b_magic;
  cr_assert_eq(bcsc__test_set_hook(&ct_ex, &h->hook), 0);
}

static void due_hook_undo(due_hook_t *h) {
  cr_assert(h->acted);
  *h->magic[!h->fired_first] = h->saved;
  cr_assert_eq(bcsc__test_set_hook(&ct_ex, NULL), 0);
}

static int sleep_until_2000(ct_t *c) {
  return bcsc_sleep_until(&c->task, &c->timer, 2000);
}

Test(coverage_clobber, a_due_timer_overwritten_as_another_fires) {
  due_hook_t h;
  ct_t a, b;
  if (!bcsc_is_checked_build())
    cr_skip_test("the release build has no canaries");
  ct_up_sim();
  ct_init(&a, sleep_until_2000);
  ct_init(&b, sleep_until_2000);
  cr_assert_eq(bcsc_executor_spawn(&ct_ex, &a.task), 0);
  cr_assert_eq(bcsc_executor_spawn(&ct_ex, &b.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ct_ex, 8), 2);
  due_hook_install(&h, &a.timer.priv.wait, &a.timer.priv.wait.priv.magic,
                   &b.timer.priv.wait, &b.timer.priv.wait.priv.magic);
  cr_assert_eq(bcsc_sim_reactor_advance(&ct_sim, 1000), 0);
  cr_assert_eq(bcsc_executor_poll(&ct_ex, 8), 1, "only one woke");
  due_hook_undo(&h);
  cr_assert_eq(ct_reports(BCSC_MISUSE_FRAME_CLOBBERED), 1u);
  /* Not fired: still linked for its task, out of the wheel. */
  ct_t *late = h.fired_first ? &a : &b;
  cr_assert_eq(bcsc_timer_linked(&late->timer), 1);
  cr_assert_eq(bcsc_task_cancel(&late->task), 0);
  ct_run_down();
  cr_assert_eq(bcsc_task_result(&late->task), BCSC_ECANCELED);
  cr_assert_eq(bcsc_task_result(&(h.fired_first ? &b : &a)->task), 0);
}

static int wait_forever(ct_t *c) {
  return bcsc_wait_on(&c->task, &c->w, c->obj);
}

/* Opens a scope due at 2000, spawns its child into it, and joins. */
static int scope_due_at_2000(ct_t *c) {
  if (c->polls == 1) {
    cr_assert_eq(bcsc_scope_init(&c->scope, &c->task, BCSC_SCOPE_WAIT_ALL), 0);
    cr_assert_eq(
        bcsc_scope_set_deadline(&c->scope, 2000, BCSC_DEADLINE_MOVE_ON), 0);
    cr_assert_eq(bcsc_scope_spawn(&c->scope, &c->child->task), 0);
  }
  return bcsc_scope_join(&c->scope);
}

Test(coverage_clobber, a_due_scope_overwritten_as_another_fires) {
  bcsc_waitq_t q;
  due_hook_t h;
  ct_t a, b, ka, kb;
  if (!bcsc_is_checked_build())
    cr_skip_test("the release build has no canaries");
  ct_up_sim();
  cr_assert_eq(bcsc_waitq_init(&q), 0);
  ct_init(&a, scope_due_at_2000);
  ct_init(&b, scope_due_at_2000);
  ct_init(&ka, wait_forever);
  ct_init(&kb, wait_forever);
  ka.obj = kb.obj = &q;
  a.child = &ka;
  b.child = &kb;
  cr_assert_eq(bcsc_executor_spawn(&ct_ex, &a.task), 0);
  cr_assert_eq(bcsc_executor_spawn(&ct_ex, &b.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ct_ex, 8), 4);
  due_hook_install(&h, &a.scope, &a.scope.priv.magic, &b.scope,
                   &b.scope.priv.magic);
  cr_assert_eq(bcsc_sim_reactor_advance(&ct_sim, 1000), 0);
  (void)bcsc_executor_poll(&ct_ex, 8);
  due_hook_undo(&h);
  cr_assert_eq(ct_reports(BCSC_MISUSE_FRAME_CLOBBERED), 1u);
  ct_t *late = h.fired_first ? &a : &b, *early = h.fired_first ? &b : &a;
  cr_assert_eq(bcsc_task_result(&early->task), 0, "timed out, moved on");
  cr_assert_eq(bcsc_scope_timed_out(&late->scope), 0, "not fired");
  cr_assert_eq(bcsc_task_done(&late->task), 0);
  cr_assert_eq(bcsc_task_cancel(&late->task), 0);
  ct_run_down();
  cr_assert_eq(bcsc_task_result(&late->task), BCSC_ECANCELED);
  cr_assert_eq(bcsc_waitq_deinit(&q), 0);
}

/* ---- a scope's child list overwritten as it ends ----------------------- */

static int join_with_a_stray_child_link(ct_t *c) {
  cr_assert_eq(bcsc_scope_init(&c->scope, &c->task, BCSC_SCOPE_WAIT_ALL), 0);
  c->scope.priv.tail = &c->other->task;
  c->rc[0] = bcsc_scope_join(&c->scope);
  c->scope.priv.tail = NULL;
  c->scope.priv.head = &c->other->task;
  c->rc[1] = bcsc_scope_join(&c->scope);
  c->scope.priv.head = NULL;
  c->rc[2] = bcsc_scope_join(&c->scope);
  return 0;
}

Test(coverage_clobber, a_scope_that_ends_with_a_child_link_is_not_closed) {
  ct_t c, other;
  up();
  ct_init(&c, join_with_a_stray_child_link);
  ct_init(&other, ct_finish);
  c.other = &other;
  cr_assert_eq(bcsc_executor_spawn(&ct_ex, &c.task), 0);
  ct_run_down();
  cr_assert_eq(c.rc[0], BCSC_EBADOBJ);
  cr_assert_eq(c.rc[1], BCSC_EBADOBJ);
  cr_assert_eq(c.rc[2], 0, "an empty list again: it closes");
  cr_assert_eq(ct_reports(BCSC_MISUSE_SCOPE_END_LIVE), 2u);
}

/* ---- a hook with flags only --------------------------------------------- */

static int wait_once(ct_t *c) { return bcsc_wait_on(&c->task, &c->w, c->obj); }

Test(coverage_clobber, a_hook_with_flags_only_is_called_at_no_point) {
  bcsc__test_hook_t flags_only = {NULL, NULL, BCSC__TEST_POISON_FRAMES};
  bcsc_waitq_t q;
  ct_t c;
  up();
  cr_assert_eq(bcsc__test_set_hook(&ct_ex, &flags_only), 0);
  cr_assert_eq(bcsc_waitq_init(&q), 0);
  ct_init(&c, wait_once);
  c.obj = &q;
  cr_assert_eq(bcsc_executor_spawn(&ct_ex, &c.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ct_ex, 1), 1);
  cr_assert_eq(bcsc_waitq_wake_one(&q, 0), 1); /* a hook point: FIRED */
  cr_assert_eq(bcsc_executor_poll(&ct_ex, 1), 1);
  cr_assert_eq(bcsc_task_result(&c.task), 0);
  cr_assert_eq(bcsc__test_set_hook(&ct_ex, NULL), 0);
  /* ASan builds poisoned the finished frame's dead words: a stack frame
   * the test reuses must be made whole again. */
  cr_assert_eq(bcsc_task_init(&c.task, ct_poll, NULL), 0);
  ct_run_down();
  cr_assert_eq(bcsc_waitq_deinit(&q), 0);
  cr_assert_eq(ct_misuse.count, 0);
}

/* ---- a cancelled taker passes the lock on to a clobbered waiter ---------- */

/* Locks; records what the lock call said once it stops pending, and ends
 * on a later poll (no task completes while a frame is clobbered). */
static int lock_then_record(ct_t *c) {
  if (c->rc[2] != CT_NOT_CALLED)
    return c->rc[2];
  c->rc[0] = bcsc_mutex_lock(&c->task, c->obj, &c->w);
  if (c->rc[0] == BCSC_PENDING)
    return BCSC_PENDING;
  c->rc[2] = c->rc[0];
  return bcsc_task_yield(&c->task);
}

Test(coverage_clobber, a_cancelled_taker_passes_the_lock_to_a_clobbered_one) {
  bcsc_mutex_t m;
  ct_t h, w1, w2;
  up();
  cr_assert_eq(bcsc_mutex_init(&m), 0);
  ct_init(&h, lock_then_unlock);
  h.obj = &m;
  h.rc[3] = 1;
  ct_init(&w1, lock_then_record);
  w1.obj = &m;
  ct_init(&w2, lock_then_unlock);
  w2.obj = &m;
  cr_assert_eq(bcsc_executor_spawn(&ct_ex, &h.task), 0);
  cr_assert_eq(bcsc_executor_spawn(&ct_ex, &w1.task), 0);
  cr_assert_eq(bcsc_executor_spawn(&ct_ex, &w2.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ct_ex, 3), 3); /* h locks, w1, w2 queue */
  cr_assert_eq(bcsc_executor_poll(&ct_ex, 1), 1); /* h unlocks: to w1 */
  cr_assert_eq(h.rc[1], 0);
  cr_assert_eq(bcsc_task_cancel(&w1.task), 0);
  clobber(&w2);
  /* w1 takes its wake cancelled: the lock goes on to w2 - and cannot. */
  cr_assert_eq(bcsc_executor_poll(&ct_ex, 1), 1);
  restore(&w2);
  cr_assert_eq(w1.rc[2], BCSC_EBADOBJ);
  cr_assert_eq(clobber_reports(), 1u);
  cr_assert_eq(ct_misuse.count, 1u);
  cr_assert_null(bcsc_mutex_owner(&m));
  cr_assert_eq(bcsc_mutex_waiting(&m), 1u, "w2 still waits, untouched");
  /* Intact again: a try_lock hands the lock over to w2. */
  {
    ct_t t2;
    ct_init(&t2, try_then_lock);
    t2.obj = &m;
    cr_assert_eq(bcsc_executor_spawn(&ct_ex, &t2.task), 0);
    ct_run_down();
    cr_assert_eq(t2.rc[0], BCSC_EAGAIN);
    cr_assert_eq(bcsc_task_result(&t2.task), 0);
  }
  cr_assert_eq(bcsc_task_result(&w1.task), BCSC_EBADOBJ);
  cr_assert_eq(bcsc_task_result(&w2.task), 0);
  cr_assert_eq(bcsc_task_result(&h.task), 0);
  cr_assert_eq(bcsc_mutex_locked(&m), 0);
  cr_assert_eq(bcsc_mutex_deinit(&m), 0);
}

/* The same for a semaphore: a cancelled waiter gives its permits back, and
 * the dispatch to the next one meets a clobbered frame. */
static int acquire_then_record(ct_t *c) {
  if (c->rc[2] != CT_NOT_CALLED)
    return c->rc[2];
  c->rc[0] = bcsc_semaphore_acquire(&c->task, c->obj, &c->sw, 1);
  if (c->rc[0] == BCSC_PENDING)
    return BCSC_PENDING;
  c->rc[2] = c->rc[0];
  return bcsc_task_yield(&c->task);
}

Test(coverage_clobber, a_cancelled_waiter_gives_permits_to_a_clobbered_one) {
  bcsc_semaphore_t sem;
  ct_t a, b;
  up();
  cr_assert_eq(bcsc_semaphore_init(&sem, 0), 0);
  ct_init(&a, acquire_then_record);
  a.obj = &sem;
  ct_init(&b, acquire_then_record);
  b.obj = &sem;
  cr_assert_eq(bcsc_executor_spawn(&ct_ex, &a.task), 0);
  cr_assert_eq(bcsc_executor_spawn(&ct_ex, &b.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ct_ex, 2), 2);
  cr_assert_eq(bcsc_semaphore_release(&sem, 1), 0); /* to a */
  cr_assert_eq(bcsc_task_cancel(&a.task), 0);
  clobber(&b);
  cr_assert_eq(bcsc_executor_poll(&ct_ex, 1), 1);
  restore(&b);
  cr_assert_eq(a.rc[2], BCSC_EBADOBJ);
  cr_assert_eq(clobber_reports(), 1u);
  cr_assert_eq(ct_misuse.count, 1u);
  cr_assert_eq(bcsc_semaphore_waiting(&sem), 1u, "b still waits");
  cr_assert_eq(bcsc_semaphore_available(&sem), 1u, "a's permit is back");
  /* Intact again: the next change gives b the permit. */
  cr_assert_eq(bcsc_semaphore_release(&sem, 0), 0);
  ct_run_down();
  cr_assert_eq(bcsc_task_result(&a.task), BCSC_EBADOBJ);
  cr_assert_eq(bcsc_task_result(&b.task), 0);
  cr_assert_eq(bcsc_semaphore_available(&sem), 0u);
  cr_assert_eq(bcsc_semaphore_deinit(&sem), 0);
}
