/* SPDX-License-Identifier: MIT
 * test_broadcast.c - the broadcast channel through the public API: every
 * receiver sees every message, lag counts, close and drain, select with
 * another source, cancelled receivers (nothing lost, nobody woken twice),
 * deinit with waiters, bad arguments, and a randomized run checked against
 * the sequence numbers the senders used. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <bcsc.h>
#include <bcsc/broadcast.h>

#include "bcsc_stepped.h"
#include "bcsc_test.h"

#define MAX_GOT 2048

/* A task that receives until the channel closes, recording each message
 * and its lag. With `other` set it also waits there (a select), and stops
 * with `other_result` when that source wins. */
typedef struct reader {
  bcsc_task_t task;
  bcsc_wait_t wait;
  bcsc_wait_t other_wait;
  bcsc_broadcast_receiver_t rx;
  bcsc_waitq_t *other;
  uint32_t stop_after; /* return DONE after this many messages; 0: never */
  /* observations */
  uint32_t polls;
  uint32_t n;
  int got[MAX_GOT];
  uint64_t lag[MAX_GOT];
  uint64_t lag_total;
  int other_fired;
  int end_rc; /* what ended it: ECLOSED, ECANCELED, ... */
} reader_t;

static int reader_poll(bcsc_task_t *self) {
  reader_t *r = (reader_t *)self;
  r->polls++;
  if (r->other != NULL && bcsc_wait_fired(&r->other_wait)) {
    r->other_fired++;
    (void)bcsc_wait_on(self, &r->other_wait, r->other); /* consume */
  }
  for (;;) {
    int value = -1;
    uint64_t lag = UINT64_MAX;
    int rc =
        bcsc_broadcast_recv(self, &r->rx, &r->wait, &value, sizeof value, &lag);
    if (rc == BCSC_PENDING) {
      if (r->other != NULL && !bcsc_wait_linked(&r->other_wait)) {
        rc = bcsc_wait_register(self, &r->other_wait, r->other);
        if (rc != 0)
          return rc;
      }
      return BCSC_PENDING;
    }
    if (rc != 0) {
      r->end_rc = rc;
      return rc == BCSC_ECLOSED ? BCSC_DONE : rc;
    }
    cr_assert_lt(r->n, MAX_GOT);
    cr_assert_neq(lag, UINT64_MAX, "lag written on success");
    r->got[r->n] = value;
    r->lag[r->n] = lag;
    r->n++;
    r->lag_total += lag;
    if (r->stop_after != 0 && r->n == r->stop_after)
      return BCSC_DONE;
  }
}

static void reader_init(reader_t *r, bcsc_broadcast_t *bc) {
  memset(r, 0, sizeof *r);
  cr_assert_eq(bcsc_task_init(&r->task, reader_poll, NULL), 0);
  cr_assert_eq(bcsc_wait_init(&r->wait), 0);
  cr_assert_eq(bcsc_wait_init(&r->other_wait), 0);
  cr_assert_eq(bcsc_broadcast_subscribe(bc, &r->rx), 0);
}

static void send_int(bcsc_broadcast_t *bc, int v) {
  cr_assert_eq(bcsc_broadcast_send(bc, &v, sizeof v), 0);
}

static void teardown(bcsc_executor_t *ex) {
  cr_assert_eq(bcsc_executor_live_roots(ex), 0);
  cr_assert_eq(bcsc_executor_deinit(ex), 0);
}

Test(broadcast, every_receiver_sees_every_message_in_order) {
  bcsc_executor_t ex;
  bcsc_broadcast_t bc;
  int ring[8];
  reader_t r[3];

  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  cr_assert_eq(bcsc_broadcast_init(&bc, ring, sizeof ring, sizeof(int)), 0);
  for (int i = 0; i < 3; i++) {
    reader_init(&r[i], &bc);
    cr_assert_eq(bcsc_executor_spawn(&ex, &r[i].task), 0);
  }
  cr_assert_eq(bcsc_executor_poll(&ex, 100), 3);
  for (int v = 0; v < 20; v++) {
    send_int(&bc, v);
    /* One send wakes every waiting receiver once. */
    cr_assert_eq(bcsc_executor_ready(&ex), 3);
    cr_assert_eq(bcsc_executor_poll(&ex, 100), 3);
  }
  cr_assert_eq(bcsc_broadcast_close(&bc), 0);
  cr_assert(bcsc_broadcast_closed(&bc));
  cr_assert_eq(bcsc_executor_run(&ex, NULL), 0);
  for (int i = 0; i < 3; i++) {
    cr_assert_eq(r[i].end_rc, BCSC_ECLOSED);
    cr_assert_eq(r[i].n, 20);
    cr_assert_eq(r[i].lag_total, 0);
    cr_assert_eq(r[i].polls, 22, "one poll per send, plus first and close");
    for (int v = 0; v < 20; v++)
      cr_assert_eq(r[i].got[v], v);
  }
  cr_assert_eq(bcsc_broadcast_deinit(&bc), 0);
  teardown(&ex);
}

Test(broadcast, a_receiver_starts_at_the_next_message) {
  bcsc_broadcast_t bc;
  bcsc_broadcast_receiver_t early, late;
  int ring[4], v = -1;
  uint64_t lag = 99;

  cr_assert_eq(bcsc_broadcast_init(&bc, ring, sizeof ring, sizeof v), 0);
  cr_assert_eq(bcsc_broadcast_subscribe(&bc, &early), 0);
  send_int(&bc, 10);
  cr_assert_eq(bcsc_broadcast_subscribe(&bc, &late), 0);
  cr_assert_eq(bcsc_broadcast_receiver_ready(&late), 0);
  cr_assert_eq(bcsc_broadcast_try_recv(&late, &v, sizeof v, &lag), BCSC_EAGAIN);
  cr_assert_eq(v, -1, "nothing written on failure");
  cr_assert_eq(lag, 99);
  send_int(&bc, 11);
  cr_assert_eq(bcsc_broadcast_receiver_ready(&early), 2);
  cr_assert_eq(bcsc_broadcast_try_recv(&early, &v, sizeof v, &lag), 0);
  cr_assert_eq(v, 10);
  cr_assert_eq(lag, 0);
  cr_assert_eq(bcsc_broadcast_try_recv(&late, &v, sizeof v, NULL), 0);
  cr_assert_eq(v, 11);
  cr_assert_eq(bcsc_broadcast_deinit(&bc), 0);
}

Test(broadcast, a_lagging_receiver_learns_exactly_how_many_it_missed) {
  bcsc_broadcast_t bc;
  bcsc_broadcast_receiver_t rx;
  int ring[4], v;
  uint64_t lag;

  cr_assert_eq(bcsc_broadcast_init(&bc, ring, sizeof ring, sizeof v), 0);
  cr_assert_eq(bcsc_broadcast_subscribe(&bc, &rx), 0);
  for (int i = 0; i < 10; i++)
    send_int(&bc, i);
  /* The ring holds 6..9: 0..5 were overwritten before rx read them. */
  cr_assert_eq(bcsc_broadcast_receiver_ready(&rx), 4);
  cr_assert_eq(bcsc_broadcast_try_recv(&rx, &v, sizeof v, &lag), 0);
  cr_assert_eq(v, 6);
  cr_assert_eq(lag, 6);
  for (int i = 7; i < 10; i++) {
    cr_assert_eq(bcsc_broadcast_try_recv(&rx, &v, sizeof v, &lag), 0);
    cr_assert_eq(v, i);
    cr_assert_eq(lag, 0, "the lag is reported once");
  }
  cr_assert_eq(bcsc_broadcast_try_recv(&rx, &v, sizeof v, &lag), BCSC_EAGAIN);
  /* Behind by exactly one ring: nothing lost yet. Then one more. */
  for (int i = 10; i < 14; i++)
    send_int(&bc, i);
  cr_assert_eq(bcsc_broadcast_try_recv(&rx, &v, sizeof v, &lag), 0);
  cr_assert_eq(v, 10);
  cr_assert_eq(lag, 0);
  for (int i = 14; i < 18; i++)
    send_int(&bc, i);
  cr_assert_eq(bcsc_broadcast_try_recv(&rx, &v, sizeof v, &lag), 0);
  cr_assert_eq(v, 14);
  cr_assert_eq(lag, 3, "11, 12 and 13 were overwritten");
  cr_assert_eq(bcsc_broadcast_deinit(&bc), 0);
}

Test(broadcast, a_waiting_receiver_gets_the_lag_too) {
  bcsc_executor_t ex;
  bcsc_broadcast_t bc;
  int ring[2];
  reader_t r;

  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  cr_assert_eq(bcsc_broadcast_init(&bc, ring, sizeof ring, sizeof(int)), 0);
  reader_init(&r, &bc);
  cr_assert_eq(bcsc_executor_spawn(&ex, &r.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 10), 1);
  for (int i = 0; i < 5; i++)
    send_int(&bc, i);
  cr_assert_eq(bcsc_executor_ready(&ex), 1, "woken once, not five times");
  cr_assert_eq(bcsc_broadcast_close(&bc), 0);
  cr_assert_eq(bcsc_executor_run(&ex, NULL), 0);
  cr_assert_eq(r.polls, 2);
  cr_assert_eq(r.n, 2);
  cr_assert_eq(r.got[0], 3);
  cr_assert_eq(r.lag[0], 3);
  cr_assert_eq(r.got[1], 4);
  cr_assert_eq(r.lag[1], 0);
  cr_assert_eq(r.end_rc, BCSC_ECLOSED);
  cr_assert_eq(bcsc_broadcast_deinit(&bc), 0);
  teardown(&ex);
}

Test(broadcast, close_lets_receivers_drain_then_reports_closed) {
  bcsc_broadcast_t bc;
  bcsc_broadcast_receiver_t rx;
  int ring[4], v;

  cr_assert_eq(bcsc_broadcast_init(&bc, ring, sizeof ring, sizeof v), 0);
  cr_assert_eq(bcsc_broadcast_closed(&bc), 0);
  cr_assert_eq(bcsc_broadcast_closed(NULL), 0);
  cr_assert_eq(bcsc_broadcast_subscribe(&bc, &rx), 0);
  send_int(&bc, 1);
  send_int(&bc, 2);
  cr_assert_eq(bcsc_broadcast_close(&bc), 0);
  cr_assert_eq(bcsc_broadcast_close(&bc), 0, "closing twice is fine");
  v = 3;
  cr_assert_eq(bcsc_broadcast_send(&bc, &v, sizeof v), BCSC_ECLOSED);
  cr_assert_eq(bcsc_broadcast_try_recv(&rx, &v, sizeof v, NULL), 0);
  cr_assert_eq(v, 1);
  cr_assert_eq(bcsc_broadcast_try_recv(&rx, &v, sizeof v, NULL), 0);
  cr_assert_eq(v, 2);
  cr_assert_eq(bcsc_broadcast_try_recv(&rx, &v, sizeof v, NULL), BCSC_ECLOSED);
  cr_assert_eq(bcsc_broadcast_try_recv(&rx, &v, sizeof v, NULL), BCSC_ECLOSED);
  /* A receiver that subscribes after the close sees the close at once. */
  cr_assert_eq(bcsc_broadcast_subscribe(&bc, &rx), 0);
  cr_assert_eq(bcsc_broadcast_try_recv(&rx, &v, sizeof v, NULL), BCSC_ECLOSED);
  cr_assert_eq(bcsc_broadcast_deinit(&bc), 0);
}

Test(broadcast, close_wakes_waiting_receivers) {
  bcsc_executor_t ex;
  bcsc_broadcast_t bc;
  int ring[1];
  reader_t r[2];

  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  cr_assert_eq(bcsc_broadcast_init(&bc, ring, sizeof ring, sizeof(int)), 0);
  for (int i = 0; i < 2; i++) {
    reader_init(&r[i], &bc);
    cr_assert_eq(bcsc_executor_spawn(&ex, &r[i].task), 0);
  }
  cr_assert_eq(bcsc_executor_poll(&ex, 10), 2);
  cr_assert_eq(bcsc_broadcast_close(&bc), 0);
  cr_assert_eq(bcsc_executor_ready(&ex), 2);
  cr_assert_eq(bcsc_executor_run(&ex, NULL), 0);
  for (int i = 0; i < 2; i++) {
    cr_assert_eq(r[i].end_rc, BCSC_ECLOSED);
    cr_assert_eq(r[i].n, 0);
    cr_assert_eq(r[i].polls, 2);
  }
  cr_assert_eq(bcsc_broadcast_deinit(&bc), 0);
  teardown(&ex);
}

/* One registration serving two receivers of one channel in one poll: the
 * first has nothing and links it, the second has a message waiting and
 * takes it - it gets 0 and the registration is unlinked (the call's "asked
 * again with the registration still linked" branch; a send meanwhile would
 * have fired it instead). Mutation testing found that branch unchecked:
 * returning BCSC_PENDING there, with the message taken, passed every
 * suite. */
typedef struct recv_two {
  bcsc_task_t task;
  bcsc_wait_t wait;
  bcsc_broadcast_receiver_t rx[2];
  int rc[2], value;
  uint32_t polls;
} recv_two_t;

static int recv_two_poll(bcsc_task_t *self) {
  recv_two_t *t = (recv_two_t *)self;
  t->polls++;
  for (int i = 0; i < 2; i++)
    t->rc[i] = bcsc_broadcast_recv(self, &t->rx[i], &t->wait, &t->value,
                                   sizeof t->value, NULL);
  return t->rc[1] == 0 ? BCSC_DONE : t->rc[1];
}

Test(broadcast, one_registration_for_two_receivers_takes_the_waiting_message) {
  bcsc_executor_t ex;
  bcsc_broadcast_t bc;
  int ring[2], v;
  recv_two_t t;

  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  cr_assert_eq(bcsc_broadcast_init(&bc, ring, sizeof ring, sizeof(int)), 0);
  memset(&t, 0, sizeof t);
  cr_assert_eq(bcsc_task_init(&t.task, recv_two_poll, NULL), 0);
  cr_assert_eq(bcsc_wait_init(&t.wait), 0);
  cr_assert_eq(bcsc_broadcast_subscribe(&bc, &t.rx[1]), 0);
  send_int(&bc, 7);
  cr_assert_eq(bcsc_broadcast_subscribe(&bc, &t.rx[0]), 0);
  t.value = -1;
  cr_assert_eq(bcsc_executor_spawn(&ex, &t.task), 0);
  cr_assert_eq(bcsc_executor_run(&ex, NULL), 0);
  cr_assert_eq(t.rc[0], BCSC_PENDING);
  cr_assert_eq(t.rc[1], 0);
  cr_assert_eq(t.value, 7);
  cr_assert_eq(t.polls, 1);
  cr_assert_eq(bcsc_task_result(&t.task), 0);
  cr_assert_eq(bcsc_wait_linked(&t.wait), 0, "no longer waiting");
  cr_assert_eq(bcsc_broadcast_try_recv(&t.rx[1], &v, sizeof v, NULL),
               BCSC_EAGAIN, "taken once");
  cr_assert_eq(bcsc_broadcast_deinit(&bc), 0);
  teardown(&ex);
}

/* A send or close whose wake finds a waiting receiver's registration
 * overwritten reports it and returns the error; restored, the channel goes
 * on. Checked build only: the release build has no canary to see it by.
 * (Mutation testing: close returning 0 there passed every suite.) */
Test(broadcast, a_wake_that_finds_a_clobbered_registration_is_an_error) {
  bcsc_executor_t ex;
  bcsc_broadcast_t bc;
  int ring[2];
  reader_t r;
  bcsc_wait_t saved;
  bcsc_test_misuse_t rec;
  int v = 5;

  if (!bcsc_is_checked_build())
    return;
  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  cr_assert_eq(bcsc_broadcast_init(&bc, ring, sizeof ring, sizeof(int)), 0);
  reader_init(&r, &bc);
  cr_assert_eq(bcsc_executor_spawn(&ex, &r.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 10), 1);
  cr_assert_eq(bcsc_wait_linked(&r.wait), 1);
  memcpy(&saved, &r.wait, sizeof saved);
  memset(&r.wait, 0, sizeof r.wait);
  bcsc_test_misuse_install(&rec);
  cr_assert_eq(bcsc_broadcast_send(&bc, &v, sizeof v), BCSC_EBADOBJ);
  cr_assert_eq(bcsc_broadcast_close(&bc), BCSC_EBADOBJ);
  cr_assert_eq(bcsc_test_misuse_count_code(&rec, BCSC_MISUSE_FRAME_CLOBBERED),
               2);
  bcsc_test_misuse_uninstall();
  memcpy(&r.wait, &saved, sizeof saved);
  cr_assert_eq(bcsc_executor_ready(&ex), 0, "nobody woken by a failed wake");
  cr_assert_eq(bcsc_broadcast_close(&bc), 0);
  cr_assert_eq(bcsc_executor_run(&ex, NULL), 0);
  cr_assert_eq(r.n, 1, "the message sent before the failed wake");
  cr_assert_eq(r.got[0], 5);
  cr_assert_eq(r.end_rc, BCSC_ECLOSED);
  cr_assert_eq(bcsc_broadcast_deinit(&bc), 0);
  teardown(&ex);
}

/* subscribe is the receiver's _init: like every _init it sets the
 * caller's `data` to NULL (api-conventions.md). Mutation testing found it
 * unchecked. */
Test(broadcast, subscribe_sets_the_receivers_data_to_null) {
  bcsc_broadcast_t bc;
  bcsc_broadcast_receiver_t rx;
  int ring[1];

  cr_assert_eq(bcsc_broadcast_init(&bc, ring, sizeof ring, sizeof(int)), 0);
  memset(&rx, 0xa5, sizeof rx);
  cr_assert_eq(bcsc_broadcast_subscribe(&bc, &rx), 0);
  cr_assert_null(rx.data);
  cr_assert_eq(bcsc_broadcast_unsubscribe(&rx), 0);
  cr_assert_eq(bcsc_broadcast_deinit(&bc), 0);
}

/* ---- select -------------------------------------------------------------- */

Test(broadcast, a_message_sent_after_another_source_won_is_not_lost) {
  bcsc_executor_t ex;
  bcsc_broadcast_t bc;
  bcsc_waitq_t q;
  int ring[2];
  reader_t r;

  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  cr_assert_eq(bcsc_waitq_init(&q), 0);
  cr_assert_eq(bcsc_broadcast_init(&bc, ring, sizeof ring, sizeof(int)), 0);
  reader_init(&r, &bc);
  r.other = &q;
  cr_assert_eq(bcsc_executor_spawn(&ex, &r.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 10), 1);
  cr_assert(bcsc_wait_linked(&r.wait));
  cr_assert(bcsc_wait_linked(&r.other_wait));

  cr_assert_eq(bcsc_waitq_wake_one(&q, 1), 1);
  /* The other source won: the receiver's registration is gone, so this
   * send wakes nobody, and the message waits in the ring. */
  cr_assert_eq(bcsc_wait_linked(&r.wait), 0);
  send_int(&bc, 5);
  cr_assert_eq(bcsc_executor_ready(&ex), 1);
  cr_assert_eq(bcsc_executor_poll(&ex, 10), 1);
  cr_assert_eq(r.other_fired, 1);
  cr_assert_eq(r.n, 1);
  cr_assert_eq(r.got[0], 5);

  cr_assert_eq(bcsc_broadcast_close(&bc), 0);
  cr_assert_eq(bcsc_executor_run(&ex, NULL), 0);
  cr_assert_eq(r.end_rc, BCSC_ECLOSED);
  cr_assert_eq(r.polls, 3);
  cr_assert_eq(bcsc_broadcast_deinit(&bc), 0);
  cr_assert_eq(bcsc_waitq_deinit(&q), 0);
  teardown(&ex);
}

Test(broadcast, when_the_broadcast_wins_the_other_source_wakes_nobody) {
  bcsc_executor_t ex;
  bcsc_broadcast_t bc;
  bcsc_waitq_t q;
  int ring[2];
  reader_t r;

  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  cr_assert_eq(bcsc_waitq_init(&q), 0);
  cr_assert_eq(bcsc_broadcast_init(&bc, ring, sizeof ring, sizeof(int)), 0);
  reader_init(&r, &bc);
  r.other = &q;
  cr_assert_eq(bcsc_executor_spawn(&ex, &r.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 10), 1);
  send_int(&bc, 9);
  cr_assert_eq(bcsc_waitq_wake_one(&q, 1), 0, "already woken: unlinked");
  cr_assert_eq(bcsc_executor_poll(&ex, 10), 1);
  cr_assert_eq(r.other_fired, 0);
  cr_assert_eq(r.n, 1);
  cr_assert_eq(r.got[0], 9);
  cr_assert_eq(bcsc_broadcast_close(&bc), 0);
  cr_assert_eq(bcsc_executor_run(&ex, NULL), 0);
  cr_assert_eq(r.polls, 3);
  cr_assert_eq(bcsc_broadcast_deinit(&bc), 0);
  cr_assert_eq(bcsc_waitq_deinit(&q), 0);
  teardown(&ex);
}

/* ---- cancellation ----------------------------------------------------------
 */

Test(broadcast, a_cancelled_receiver_leaves_and_the_others_lose_nothing) {
  bcsc_executor_t ex;
  bcsc_broadcast_t bc;
  int ring[4];
  reader_t r[3];

  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  cr_assert_eq(bcsc_broadcast_init(&bc, ring, sizeof ring, sizeof(int)), 0);
  for (int i = 0; i < 3; i++) {
    reader_init(&r[i], &bc);
    cr_assert_eq(bcsc_executor_spawn(&ex, &r[i].task), 0);
  }
  cr_assert_eq(bcsc_executor_poll(&ex, 10), 3);
  cr_assert_eq(bcsc_task_cancel(&r[1].task), 0);
  cr_assert_eq(bcsc_wait_linked(&r[1].wait), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 10), 1);
  cr_assert(bcsc_task_done(&r[1].task));
  cr_assert_eq(bcsc_task_result(&r[1].task), BCSC_ECANCELED);
  cr_assert_eq(r[1].end_rc, BCSC_ECANCELED);

  send_int(&bc, 7);
  cr_assert_eq(bcsc_executor_ready(&ex), 2, "only the live receivers");
  cr_assert_eq(bcsc_broadcast_close(&bc), 0);
  cr_assert_eq(bcsc_executor_run(&ex, NULL), 0);
  for (int i = 0; i < 3; i += 2) {
    cr_assert_eq(r[i].n, 1);
    cr_assert_eq(r[i].got[0], 7);
    cr_assert_eq(r[i].end_rc, BCSC_ECLOSED);
  }
  cr_assert_eq(r[1].n, 0);
  cr_assert_eq(r[1].polls, 2);
  cr_assert_eq(bcsc_broadcast_deinit(&bc), 0);
  teardown(&ex);
}

Test(broadcast, a_receiver_cancelled_after_its_wake_takes_nothing) {
  bcsc_executor_t ex;
  bcsc_broadcast_t bc;
  int ring[4], v = -1;
  uint64_t lag = 99;
  reader_t r[2];

  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  cr_assert_eq(bcsc_broadcast_init(&bc, ring, sizeof ring, sizeof(int)), 0);
  for (int i = 0; i < 2; i++) {
    reader_init(&r[i], &bc);
    cr_assert_eq(bcsc_executor_spawn(&ex, &r[i].task), 0);
  }
  cr_assert_eq(bcsc_executor_poll(&ex, 10), 2);
  send_int(&bc, 8);
  cr_assert(bcsc_wait_fired(&r[0].wait));
  cr_assert_eq(bcsc_task_cancel(&r[0].task), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 10), 2);
  /* Cancellation comes first: the fired mark is dropped, and the message
   * stays where the receiver's cursor is, for its cleanup to take. */
  cr_assert_eq(r[0].n, 0);
  cr_assert_eq(r[0].end_rc, BCSC_ECANCELED);
  cr_assert_eq(bcsc_wait_fired(&r[0].wait), 0);
  cr_assert_eq(bcsc_broadcast_receiver_ready(&r[0].rx), 1);
  cr_assert_eq(bcsc_broadcast_try_recv(&r[0].rx, &v, sizeof v, &lag), 0);
  cr_assert_eq(v, 8);
  cr_assert_eq(lag, 0);
  cr_assert_eq(r[1].n, 1);
  cr_assert_eq(r[1].got[0], 8);
  cr_assert_eq(bcsc_broadcast_close(&bc), 0);
  cr_assert_eq(bcsc_executor_run(&ex, NULL), 0);
  cr_assert_eq(r[1].end_rc, BCSC_ECLOSED);
  cr_assert_eq(bcsc_broadcast_deinit(&bc), 0);
  teardown(&ex);
}

Test(broadcast, deinit_with_a_waiting_receiver_is_busy) {
  bcsc_executor_t ex;
  bcsc_broadcast_t bc;
  bcsc_test_misuse_t rec;
  int ring[1];
  reader_t r;

  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  cr_assert_eq(bcsc_broadcast_init(&bc, ring, sizeof ring, sizeof(int)), 0);
  reader_init(&r, &bc);
  cr_assert_eq(bcsc_executor_spawn(&ex, &r.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 10), 1);
  bcsc_test_misuse_install(&rec);
  cr_assert_eq(bcsc_broadcast_deinit(&bc), BCSC_EBUSY);
  bcsc_test_misuse_uninstall();
  cr_assert_eq(rec.count, bcsc_test_misuse_expected(1));
  cr_assert_eq(bcsc_test_misuse_count_code(&rec, BCSC_MISUSE_WAITQ_BUSY),
               bcsc_test_misuse_expected(1));
  /* Nothing changed: it still works. */
  send_int(&bc, 1);
  cr_assert_eq(bcsc_broadcast_close(&bc), 0);
  cr_assert_eq(bcsc_executor_run(&ex, NULL), 0);
  cr_assert_eq(r.n, 1);
  cr_assert_eq(bcsc_broadcast_deinit(&bc), 0);
  teardown(&ex);
}

/* D89: a torn-down broadcast answers its queries as a zero one does - not
 * its close - and so does a receiver of it; the ring and the caller's
 * field are left alone. */
Test(broadcast, queries_after_deinit_answer_as_for_a_zero_broadcast) {
  bcsc_broadcast_t bc;
  bcsc_broadcast_receiver_t rx;
  int ring[2] = {0};

  cr_assert_eq(bcsc_broadcast_init(&bc, ring, sizeof ring, sizeof(int)), 0);
  bc.data = &rx;
  cr_assert_eq(bcsc_broadcast_subscribe(&bc, &rx), 0);
  send_int(&bc, 5);
  cr_assert_eq(bcsc_broadcast_close(&bc), 0);
  cr_assert_eq(bcsc_broadcast_closed(&bc), 1);
  cr_assert_eq(bcsc_broadcast_receiver_ready(&rx), 1);
  cr_assert_eq(bcsc_broadcast_deinit(&bc), 0);
  cr_assert_eq(bcsc_broadcast_closed(&bc), 0);
  cr_assert_eq(bcsc_broadcast_receiver_ready(&rx), 0);
  cr_assert_eq(bc.data, &rx);
  cr_assert_eq(ring[0], 5, "the caller's ring is not written");
}

/* ---- bad arguments ----------------------------------------------------------
 */

static bcsc_test_misuse_t bad_rec;
static uint32_t bad_calls;

#define BAD(call, err)                                                         \
  do {                                                                         \
    cr_assert_eq((call), (err), "%s", #call);                                  \
    bad_calls++;                                                               \
  } while (0)

Test(broadcast, bad_arguments_are_errors_and_reported) {
  bcsc_broadcast_t bc, copy;
  bcsc_broadcast_receiver_t rx, junk;
  bcsc_task_t idle;
  bcsc_wait_t w, bad_wait;
  int ring[4], v = 0;
  /* Wider than the int elements on every target (long is not on ILP32). */
  long long wide = 0;

  bcsc_test_misuse_install(&bad_rec);
  bad_calls = 0;
  BAD(bcsc_broadcast_init(NULL, ring, sizeof ring, sizeof v), BCSC_EINVAL);
  BAD(bcsc_broadcast_init(&bc, NULL, sizeof ring, sizeof v), BCSC_EINVAL);
  BAD(bcsc_broadcast_init(&bc, ring, sizeof ring, 0), BCSC_EINVAL);
  BAD(bcsc_broadcast_init(&bc, ring, sizeof ring - 1, sizeof v), BCSC_EINVAL);
  BAD(bcsc_broadcast_init(&bc, ring, sizeof v - 1, sizeof v), BCSC_EINVAL);
  cr_assert_eq(bcsc_broadcast_init(&bc, ring, sizeof ring, sizeof v), 0);

  BAD(bcsc_broadcast_send(NULL, &v, sizeof v), BCSC_EINVAL);
  BAD(bcsc_broadcast_send(&bc, NULL, sizeof v), BCSC_EINVAL);
  BAD(bcsc_broadcast_send(&bc, &wide, sizeof wide), BCSC_EINVAL);
  BAD(bcsc_broadcast_close(NULL), BCSC_EINVAL);
  BAD(bcsc_broadcast_deinit(NULL), BCSC_EINVAL);
  BAD(bcsc_broadcast_subscribe(NULL, &rx), BCSC_EINVAL);
  BAD(bcsc_broadcast_subscribe(&bc, NULL), BCSC_EINVAL);
  cr_assert_eq(bcsc_broadcast_subscribe(&bc, &rx), 0);
  send_int(&bc, 1);

  BAD(bcsc_broadcast_try_recv(NULL, &v, sizeof v, NULL), BCSC_EINVAL);
  BAD(bcsc_broadcast_try_recv(&rx, NULL, sizeof v, NULL), BCSC_EINVAL);
  BAD(bcsc_broadcast_try_recv(&rx, &wide, sizeof wide, NULL), BCSC_EINVAL);
  memset(&junk, 0, sizeof junk);
  BAD(bcsc_broadcast_try_recv(&junk, &v, sizeof v, NULL), BCSC_EBADOBJ);
  BAD(bcsc_broadcast_unsubscribe(NULL), BCSC_EINVAL);
  BAD(bcsc_broadcast_unsubscribe(&junk), BCSC_EBADOBJ);

  /* recv outside a poll, or with a registration that is not one. */
  cr_assert_eq(bcsc_task_init(&idle, reader_poll, NULL), 0);
  cr_assert_eq(bcsc_wait_init(&w), 0);
  memset(&bad_wait, 0, sizeof bad_wait);
  BAD(bcsc_broadcast_recv(&idle, &rx, &w, &v, sizeof v, NULL), BCSC_EPERM);
  BAD(bcsc_broadcast_recv(NULL, &rx, &w, &v, sizeof v, NULL), BCSC_EINVAL);
  BAD(bcsc_broadcast_recv(&idle, &rx, NULL, &v, sizeof v, NULL), BCSC_EINVAL);
  BAD(bcsc_broadcast_recv(&idle, &rx, &bad_wait, &v, sizeof v, NULL),
      BCSC_EBADOBJ);
  BAD(bcsc_broadcast_recv(&idle, &rx, &w, &wide, sizeof wide, NULL),
      BCSC_EINVAL);
  BAD(bcsc_broadcast_recv(&idle, NULL, &w, &v, sizeof v, NULL), BCSC_EINVAL);

  /* A copy of the channel is not the channel. */
  memcpy(&copy, &bc, sizeof bc);
  BAD(bcsc_broadcast_send(&copy, &v, sizeof v), BCSC_EBADOBJ);

  /* None of that changed anything. */
  cr_assert_eq(bcsc_broadcast_receiver_ready(&rx), 1);
  cr_assert_eq(bcsc_broadcast_try_recv(&rx, &v, sizeof v, NULL), 0);
  cr_assert_eq(v, 1);

  /* Use after unsubscribe, and after deinit. */
  cr_assert_eq(bcsc_broadcast_unsubscribe(&rx), 0);
  BAD(bcsc_broadcast_try_recv(&rx, &v, sizeof v, NULL), BCSC_EBADOBJ);
  BAD(bcsc_broadcast_unsubscribe(&rx), BCSC_EBADOBJ);
  cr_assert_eq(bcsc_broadcast_receiver_ready(&rx), 0);
  cr_assert_eq(bcsc_broadcast_subscribe(&bc, &rx), 0);
  cr_assert_eq(bcsc_broadcast_deinit(&bc), 0);
  BAD(bcsc_broadcast_try_recv(&rx, &v, sizeof v, NULL), BCSC_EBADOBJ);
  BAD(bcsc_broadcast_send(&bc, &v, sizeof v), BCSC_EBADOBJ);
  BAD(bcsc_broadcast_deinit(&bc), BCSC_EBADOBJ);
  BAD(bcsc_broadcast_subscribe(&bc, &rx), BCSC_EBADOBJ);
  cr_assert_eq(bcsc_broadcast_receiver_ready(&rx), 0);
  bcsc_test_misuse_uninstall();
  cr_assert_eq(bad_rec.count, bcsc_test_misuse_expected(bad_calls));
  cr_assert_eq(bcsc_broadcast_receiver_ready(NULL), 0);
  cr_assert_eq(bcsc_broadcast_sizeof(), sizeof(bcsc_broadcast_t));
  cr_assert_eq(bcsc_broadcast_alignof(), _Alignof(bcsc_broadcast_t));
  cr_assert_eq(bcsc_broadcast_receiver_sizeof(),
               sizeof(bcsc_broadcast_receiver_t));
  cr_assert_eq(bcsc_broadcast_receiver_alignof(),
               _Alignof(bcsc_broadcast_receiver_t));
}

static int broadcast_recv_of(bcsc_task_t *self, void *rx, bcsc_wait_t *wait) {
  int v;
  return bcsc_broadcast_recv(self, rx, wait, &v, sizeof v, NULL);
}

Test(broadcast, a_registration_linked_for_another_task_is_refused) {
  bcsc_broadcast_t bc;
  bcsc_broadcast_receiver_t rx;
  int ring[4], v = 0;
  cr_assert_eq(bcsc_broadcast_init(&bc, ring, sizeof ring, sizeof v), 0);
  cr_assert_eq(bcsc_broadcast_subscribe(&bc, &rx), 0);
  ct_up(NULL);
  ct_foreign_registration(broadcast_recv_of, &rx);
  /* The receiver lost nothing: the next message is its. */
  send_int(&bc, 5);
  cr_assert_eq(bcsc_broadcast_try_recv(&rx, &v, sizeof v, NULL), 0);
  cr_assert_eq(v, 5);
  cr_assert_eq(bcsc_broadcast_deinit(&bc), 0);
  ct_down();
}

/* ---- randomized ------------------------------------------------------------
 * Receivers subscribe at random times (the odd ones also wait on a second
 * source, a select), messages are sent, the upper half of the receivers
 * may be cancelled, and the
 * executor runs a few turns, all in random order; a host receiver polls
 * with try_recv. The message is its own sequence number, so each receiver's
 * record must read base, base + 1, ... with the lags filling exactly the
 * gaps; every receiver that was not cancelled ends at the last message. */

#define RANDOM_READERS 8
#define RANDOM_STEPS 3000

static reader_t random_readers[RANDOM_READERS];
static uint32_t random_totals[2]; /* receivers that saw the close; cancelled */

static uint64_t rng_state;
static uint32_t rng(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return (uint32_t)(rng_state >> 16);
}

static void check_record(const reader_t *r, int base, int sent, int closed) {
  int expect = base;
  for (uint32_t i = 0; i < r->n; i++) {
    expect += (int)r->lag[i];
    cr_assert_eq(r->got[i], expect, "message %u: got %d, expected %d", i,
                 r->got[i], expect);
    expect++;
  }
  if (closed)
    cr_assert_eq(expect, sent, "a receiver that saw the close read to %d of %d",
                 expect, sent);
  else
    cr_assert_leq(expect, sent);
}

static void random_round(uint64_t seed) {
  bcsc_executor_t ex;
  bcsc_broadcast_t bc;
  bcsc_broadcast_receiver_t host_rx;
  bcsc_waitq_t other;
  int ring[8];
  int base[RANDOM_READERS], spawned[RANDOM_READERS] = {0};
  int sent = 0, host_next = 0;
  uint32_t ends[2] = {0, 0};
  uint32_t capacity;

  rng_state = seed | 1;
  capacity = 1 + rng() % 8;
  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  cr_assert_eq(bcsc_waitq_init(&other), 0);
  cr_assert_eq(
      bcsc_broadcast_init(&bc, ring, capacity * sizeof(int), sizeof(int)), 0);
  cr_assert_eq(bcsc_broadcast_subscribe(&bc, &host_rx), 0);
  for (int step = 0; step < RANDOM_STEPS; step++) {
    uint32_t op = rng() % 100;
    int i = (int)(rng() % RANDOM_READERS);
    if (op < 35) {
      send_int(&bc, sent++);
    } else if (op < 65) {
      cr_assert_geq(bcsc_executor_poll(&ex, 1 + rng() % 4), 0);
    } else if (op < 70) {
      if (!spawned[i]) {
        reader_init(&random_readers[i], &bc);
        random_readers[i].other = (i & 1) ? &other : NULL;
        base[i] = sent;
        spawned[i] = 1;
        cr_assert_eq(bcsc_executor_spawn(&ex, &random_readers[i].task), 0);
      }
    } else if (op < 72) {
      /* Only the upper half is ever cancelled: the lower half must see
       * every message to the close. */
      if (i >= RANDOM_READERS / 2 && spawned[i] &&
          !bcsc_task_done(&random_readers[i].task))
        cr_assert_eq(bcsc_task_cancel(&random_readers[i].task), 0);
    } else if (op < 85) {
      cr_assert_geq(bcsc_waitq_wake_one(&other, 0), 0);
    } else {
      int v;
      uint64_t lag;
      int rc = bcsc_broadcast_try_recv(&host_rx, &v, sizeof v, &lag);
      if (rc == 0) {
        cr_assert_eq(v, host_next + (int)lag);
        host_next = v + 1;
      } else {
        cr_assert_eq(rc, BCSC_EAGAIN);
        cr_assert_eq(host_next, sent);
      }
    }
  }
  cr_assert_eq(bcsc_broadcast_close(&bc), 0);
  cr_assert_eq(bcsc_executor_run(&ex, NULL), 0);
  for (int i = 0; i < RANDOM_READERS; i++) {
    reader_t *r = &random_readers[i];
    int cancelled;
    if (!spawned[i])
      continue;
    cr_assert(bcsc_task_done(&r->task));
    cancelled = r->end_rc == BCSC_ECANCELED;
    if (!cancelled)
      cr_assert_eq(r->end_rc, BCSC_ECLOSED);
    cr_assert(!cancelled || i >= RANDOM_READERS / 2);
    check_record(r, base[i], sent, !cancelled);
    ends[cancelled]++;
    /* Every wake delivered a message, except the first poll, the other
     * source's wakes, the close and the cancellation: nobody was woken
     * for nothing, or twice for one send. */
    cr_assert_leq(r->polls, r->n + (uint32_t)r->other_fired + 3,
                  "reader %d: %u polls for %u messages", i, r->polls, r->n);
  }
  random_totals[0] += ends[0];
  random_totals[1] += ends[1];
  cr_assert_eq(bcsc_broadcast_deinit(&bc), 0);
  cr_assert_eq(bcsc_waitq_deinit(&other), 0);
  teardown(&ex);
}

Test(broadcast, randomized_sends_receives_selects_and_cancellations) {
  const char *env = getenv("BCSC_SEED");
  uint64_t seed = env != NULL ? strtoull(env, NULL, 0) : 0x5eed;
  cr_log_info("test_broadcast seed=%llu (BCSC_SEED reruns it)",
              (unsigned long long)seed);
  for (int round = 0; round < 40; round++) {
    random_round(seed);
    seed = seed * 6364136223846793005ull + 1442695040888963407ull;
  }
  /* The run exercised both endings. */
  cr_assert_gt(random_totals[0], 100);
  cr_assert_gt(random_totals[1], 20);
}
