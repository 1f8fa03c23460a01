/* SPDX-License-Identifier: MIT
 * test_stream.c - bcsc_stream through the public API: one consumer loop
 * iterates a channel, a broadcast receiver and an interval until the
 * source ends; lag is reported for broadcasts and dropped ticks; a
 * cancelled consumer takes nothing; a stream is a select branch; bad
 * arguments. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include <bcsc.h>

#include "bcsc_test.h"

#define MAX_ITEMS 64

static bcsc_executor_t g_ex;
static bcsc_sim_reactor_t g_sim;

static void executor_with_clock(void) {
  bcsc_executor_config_t cfg = {.size = sizeof cfg, .reactor = &g_sim.base};
  cr_assert_eq(bcsc_sim_reactor_init(&g_sim, 0), 0);
  cr_assert_eq(bcsc_executor_init(&g_ex, &cfg), 0);
}

static void run_all(void) {
  cr_assert_geq(bcsc_executor_poll(&g_ex, 1u << 20), 0);
}

/* The one consumer loop, whatever the stream's source. */
typedef struct consumer {
  bcsc_task_t task;
  bcsc_co_t co;
  bcsc_stream_t *in;
  uint64_t item;  /* every source here has 8-byte items */
  uint32_t limit; /* stop after this many (0: until the end) */
  /* observations */
  uint32_t n;
  uint64_t items[MAX_ITEMS];
  uint64_t lagged[MAX_ITEMS];
  int end_rc;
  int done;
} consumer_t;

static int consumer_poll(bcsc_task_t *self) {
  consumer_t *c = (consumer_t *)self;
  int rc;
  BCSC_CO_BEGIN(&c->co);
  for (;;) {
    BCSC_AWAIT(&c->co, rc,
               bcsc_stream_next(self, c->in, &c->item, sizeof c->item));
    if (rc != 0) {
      c->end_rc = rc;
      break;
    }
    cr_assert_lt(c->n, MAX_ITEMS);
    c->items[c->n] = c->item;
    c->lagged[c->n] = bcsc_stream_lagged(c->in);
    c->n++;
    if (c->limit != 0 && c->n == c->limit)
      break;
  }
  c->done = 1;
  BCSC_CO_END(&c->co);
}

static void consumer_start(consumer_t *c, bcsc_stream_t *in) {
  memset(c, 0, sizeof *c);
  cr_assert_eq(bcsc_task_init(&c->task, consumer_poll, NULL), 0);
  c->in = in;
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &c->task), 0);
}

Test(stream, a_channel_stream_delivers_in_order_until_the_close) {
  bcsc_channel_t ch;
  uint64_t ring[2];
  bcsc_stream_t in;
  consumer_t c;
  cr_assert_eq(bcsc_executor_init(&g_ex, NULL), 0);
  cr_assert_eq(bcsc_channel_init(&ch, ring, sizeof ring, sizeof ring[0]), 0);
  cr_assert_eq(bcsc_stream_channel(&in, &ch), 0);
  cr_assert_eq(bcsc_stream_kind(&in), BCSC_STREAM_CHANNEL);
  consumer_start(&c, &in);
  run_all();
  for (uint64_t v = 10; v < 15; v++) {
    cr_assert_eq(bcsc_channel_try_send(&ch, &v, sizeof v), 0);
    run_all();
  }
  cr_assert_eq(bcsc_channel_close(&ch), 0);
  run_all();
  cr_assert(c.done);
  cr_assert_eq(c.end_rc, BCSC_ECLOSED);
  cr_assert_eq(c.n, 5);
  for (uint32_t i = 0; i < 5; i++) {
    cr_assert_eq(c.items[i], 10 + i);
    cr_assert_eq(c.lagged[i], 0);
  }
  cr_assert_eq(bcsc_stream_count(&in), 5);
  cr_assert_eq(bcsc_channel_deinit(&ch), 0);
  cr_assert_eq(bcsc_executor_deinit(&g_ex), 0);
}

Test(stream, a_cancelled_channel_consumer_takes_nothing) {
  bcsc_channel_t ch;
  uint64_t ring[2], v = 3, got = 0;
  bcsc_stream_t in;
  consumer_t c;
  cr_assert_eq(bcsc_executor_init(&g_ex, NULL), 0);
  cr_assert_eq(bcsc_channel_init(&ch, ring, sizeof ring, sizeof ring[0]), 0);
  cr_assert_eq(bcsc_stream_channel(&in, &ch), 0);
  consumer_start(&c, &in);
  run_all();
  /* The message's wake reaches the consumer, which is cancelled before it
   * runs: the message stays for the next receiver. */
  cr_assert_eq(bcsc_channel_try_send(&ch, &v, sizeof v), 0);
  cr_assert_eq(bcsc_task_cancel(&c.task), 0);
  run_all();
  cr_assert(c.done);
  cr_assert_eq(c.end_rc, BCSC_ECANCELED);
  cr_assert_eq(c.n, 0);
  cr_assert_eq(bcsc_channel_try_recv(&ch, &got, sizeof got), 0);
  cr_assert_eq(got, 3);
  cr_assert_eq(bcsc_channel_deinit(&ch), 0);
  cr_assert_eq(bcsc_executor_deinit(&g_ex), 0);
}

Test(stream, a_broadcast_stream_reports_its_lag_exactly) {
  bcsc_broadcast_t bc;
  uint64_t ring[2];
  bcsc_broadcast_receiver_t rx;
  bcsc_stream_t in;
  consumer_t c;
  cr_assert_eq(bcsc_executor_init(&g_ex, NULL), 0);
  cr_assert_eq(bcsc_broadcast_init(&bc, ring, sizeof ring, sizeof ring[0]), 0);
  cr_assert_eq(bcsc_broadcast_subscribe(&bc, &rx), 0);
  cr_assert_eq(bcsc_stream_broadcast(&in, &rx), 0);
  cr_assert_eq(bcsc_stream_kind(&in), BCSC_STREAM_BROADCAST);
  consumer_start(&c, &in);
  run_all();
  /* Five messages before the consumer runs: a ring of two keeps 3 and 4. */
  for (uint64_t v = 0; v < 5; v++)
    cr_assert_geq(bcsc_broadcast_send(&bc, &v, sizeof v), 0);
  run_all();
  cr_assert_eq(bcsc_broadcast_close(&bc), 0);
  run_all();
  cr_assert(c.done);
  cr_assert_eq(c.end_rc, BCSC_ECLOSED);
  cr_assert_eq(c.n, 2);
  cr_assert_eq(c.items[0], 3);
  cr_assert_eq(c.lagged[0], 3, "0, 1 and 2 were overwritten");
  cr_assert_eq(c.items[1], 4);
  cr_assert_eq(c.lagged[1], 0);
  cr_assert_eq(c.n + c.lagged[0] + c.lagged[1], 5, "received + lagged = sent");
  cr_assert_eq(bcsc_broadcast_deinit(&bc), 0);
  cr_assert_eq(bcsc_executor_deinit(&g_ex), 0);
}

Test(stream, an_interval_ticks_on_its_grid_and_reports_dropped_ticks) {
  bcsc_timer_t timer;
  bcsc_stream_t in;
  consumer_t c;
  executor_with_clock();
  cr_assert_eq(bcsc_timer_init(&timer), 0);
  cr_assert_eq(bcsc_timer_set_periodic(&timer, 100, 100, BCSC_TICK_SKIP), 0);
  cr_assert_eq(bcsc_stream_interval(&in, &timer), 0);
  cr_assert_eq(bcsc_stream_kind(&in), BCSC_STREAM_INTERVAL);
  consumer_start(&c, &in);
  c.limit = 3;
  run_all();
  cr_assert_eq(c.n, 0);
  cr_assert_eq(bcsc_sim_reactor_advance(&g_sim, 100), 0); /* t = 100 */
  run_all();
  cr_assert_eq(c.n, 1);
  cr_assert_eq(c.items[0], 100);
  cr_assert_eq(c.lagged[0], 0);
  /* Late by two and a half periods: SKIP drops the ticks at 300 and 400. */
  cr_assert_eq(bcsc_sim_reactor_advance(&g_sim, 350), 0); /* t = 450 */
  run_all();
  cr_assert_eq(c.n, 2);
  cr_assert_eq(c.items[1], 200);
  cr_assert_eq(c.lagged[1], 2);
  cr_assert_eq(bcsc_sim_reactor_advance(&g_sim, 50), 0); /* t = 500 */
  run_all();
  cr_assert(c.done);
  cr_assert_eq(c.n, 3);
  cr_assert_eq(c.items[2], 500, "on the grid: drift-free");
  cr_assert_eq(c.lagged[2], 0);
  cr_assert_eq(bcsc_executor_deinit(&g_ex), 0);
}

Test(stream, a_stopped_interval_ends_the_stream) {
  bcsc_timer_t timer;
  bcsc_stream_t in;
  consumer_t c;
  executor_with_clock();
  cr_assert_eq(bcsc_timer_init(&timer), 0);
  cr_assert_eq(bcsc_timer_set_periodic(&timer, 10, 10, BCSC_TICK_BURST), 0);
  cr_assert_eq(bcsc_stream_interval(&in, &timer), 0);
  consumer_start(&c, &in);
  cr_assert_eq(bcsc_sim_reactor_advance(&g_sim, 35), 0);
  run_all();
  /* BURST: the three ticks due by 35 come one per call, none dropped. */
  cr_assert_eq(c.n, 3);
  for (uint32_t i = 0; i < 3; i++) {
    cr_assert_eq(c.items[i], 10 * (i + 1));
    cr_assert_eq(c.lagged[i], 0);
  }
  cr_assert_eq(bcsc_timer_stop(&timer), 1);
  /* Nothing wakes it: cancel it to end the wait, like a shutdown would. */
  cr_assert_eq(bcsc_task_cancel(&c.task), 0);
  run_all();
  cr_assert(c.done);
  cr_assert_eq(c.end_rc, BCSC_ECANCELED);
  /* A fresh consumer of the stopped interval learns that it has ended. */
  consumer_start(&c, &in);
  run_all();
  cr_assert(c.done);
  cr_assert_eq(c.end_rc, BCSC_ECLOSED);
  cr_assert_eq(bcsc_executor_deinit(&g_ex), 0);
}

/* A stream as one branch of a select, with a plain waiter list. */
typedef struct chooser {
  bcsc_task_t task;
  bcsc_stream_t *in;
  bcsc_wait_t stop_wait;
  bcsc_waitq_t *stop;
  uint64_t item;
  uint32_t items;
  int stopped;
} chooser_t;

static int chooser_poll(bcsc_task_t *self) {
  chooser_t *c = (chooser_t *)self;
  for (;;) {
    bcsc_select_t sel;
    cr_assert_eq(bcsc_select_begin(&sel, self), 0);
    BCSC_SELECT_BRANCH(&sel, bcsc_wait_on(self, &c->stop_wait, c->stop));
    BCSC_SELECT_BRANCH(&sel,
                       bcsc_stream_next(self, c->in, &c->item, sizeof c->item));
    if (bcsc_select_end(&sel) == BCSC_PENDING)
      return BCSC_PENDING;
    if (bcsc_select_winner(&sel) == 0) {
      c->stopped = 1;
      return BCSC_DONE;
    }
    cr_assert_eq(bcsc_select_result(&sel), 0);
    c->items++;
  }
}

Test(stream, a_stream_is_a_select_branch_that_loses_nothing) {
  bcsc_channel_t ch;
  uint64_t ring[4], v = 1, got = 0;
  bcsc_stream_t in;
  bcsc_waitq_t stop;
  chooser_t c;
  cr_assert_eq(bcsc_executor_init(&g_ex, NULL), 0);
  cr_assert_eq(bcsc_channel_init(&ch, ring, sizeof ring, sizeof ring[0]), 0);
  cr_assert_eq(bcsc_waitq_init(&stop), 0);
  cr_assert_eq(bcsc_stream_channel(&in, &ch), 0);
  memset(&c, 0, sizeof c);
  cr_assert_eq(bcsc_task_init(&c.task, chooser_poll, NULL), 0);
  cr_assert_eq(bcsc_wait_init(&c.stop_wait), 0);
  c.in = &in;
  c.stop = &stop;
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &c.task), 0);
  run_all();
  cr_assert_eq(bcsc_channel_try_send(&ch, &v, sizeof v), 0);
  run_all();
  cr_assert_eq(c.items, 1);
  /* The stop and a message in the same turn: the stop branch comes first,
   * wins, and the message stays in the channel. */
  cr_assert_eq(bcsc_waitq_wake_all(&stop, 0), 1);
  v = 2;
  cr_assert_eq(bcsc_channel_try_send(&ch, &v, sizeof v), 0);
  run_all();
  cr_assert(c.stopped);
  cr_assert_eq(c.items, 1);
  cr_assert_eq(bcsc_channel_try_recv(&ch, &got, sizeof got), 0);
  cr_assert_eq(got, 2);
  cr_assert_eq(bcsc_waitq_deinit(&stop), 0);
  cr_assert_eq(bcsc_channel_deinit(&ch), 0);
  cr_assert_eq(bcsc_executor_deinit(&g_ex), 0);
}

Test(stream, bad_arguments_are_rejected) {
  bcsc_stream_t in;
  bcsc_channel_t ch;
  uint64_t ring[1], item;
  bcsc_test_misuse_t rec;
  /* What the checked build reports, call by call. */
  const int32_t codes[] = {BCSC_MISUSE_NULL_OBJECT,  BCSC_MISUSE_BAD_ARGUMENT,
                           BCSC_MISUSE_BAD_ARGUMENT, BCSC_MISUSE_BAD_ARGUMENT,
                           BCSC_MISUSE_BAD_OBJECT,   BCSC_MISUSE_NULL_OBJECT,
                           BCSC_MISUSE_NULL_OBJECT};
  const void *objects[] = {NULL, &in, &in, &in, &in, NULL, NULL};
  bcsc_test_misuse_install(&rec);
  cr_assert_eq(bcsc_stream_channel(NULL, &ch), BCSC_EINVAL);
  cr_assert_eq(bcsc_stream_channel(&in, NULL), BCSC_EINVAL);
  cr_assert_eq(bcsc_stream_broadcast(&in, NULL), BCSC_EINVAL);
  cr_assert_eq(bcsc_stream_interval(&in, NULL), BCSC_EINVAL);
  memset(&in, 0, sizeof in);
  cr_assert_eq(bcsc_stream_next(NULL, &in, &item, sizeof item), BCSC_EBADOBJ);
  cr_assert_eq(bcsc_stream_next(NULL, NULL, &item, sizeof item), BCSC_EINVAL);
  cr_assert_eq(bcsc_stream_kind(&in), BCSC_STREAM_NONE);
  cr_assert_eq(bcsc_stream_lagged(NULL), 0);
  cr_assert_eq(bcsc_stream_count(NULL), 0);
  cr_assert_eq(bcsc_channel_init(&ch, ring, sizeof ring, sizeof ring[0]), 0);
  cr_assert_eq(bcsc_stream_channel(&in, &ch), 0);
  /* The source's own call finds the missing task. */
  cr_assert_eq(bcsc_stream_next(NULL, &in, &item, sizeof item), BCSC_EINVAL);
  cr_assert_eq(bcsc_stream_sizeof(), sizeof(bcsc_stream_t));
  cr_assert_eq(bcsc_stream_alignof(), _Alignof(bcsc_stream_t));
  cr_assert_eq(bcsc_channel_deinit(&ch), 0);
  bcsc_test_misuse_uninstall();
  cr_assert_eq(rec.count, bcsc_test_misuse_expected(7));
  for (uint32_t i = 0; i < rec.count; i++) {
    cr_assert_eq(rec.codes[i], codes[i], "report %u: %s", i,
                 bcsc_misuse_name(rec.codes[i]));
    cr_assert_eq(rec.objects[i], objects[i], "report %u", i);
  }
}

Test(stream, an_interval_item_must_be_a_uint64_and_a_clobbered_kind_is_caught) {
  bcsc_timer_t timer;
  bcsc_stream_t in;
  uint32_t small;
  bcsc_test_misuse_t rec;
  const int32_t codes[] = {BCSC_MISUSE_BAD_ARGUMENT, BCSC_MISUSE_BAD_ARGUMENT,
                           BCSC_MISUSE_BAD_OBJECT};
  bcsc_test_misuse_install(&rec);
  cr_assert_eq(bcsc_timer_init(&timer), 0);
  cr_assert_eq(bcsc_stream_interval(&in, &timer), 0);
  cr_assert_eq(bcsc_stream_next(NULL, &in, &small, sizeof small), BCSC_EINVAL);
  cr_assert_eq(bcsc_stream_next(NULL, &in, NULL, sizeof(uint64_t)),
               BCSC_EINVAL);
  in.priv.kind = 99;
  cr_assert_eq(bcsc_stream_next(NULL, &in, &small, sizeof small), BCSC_EBADOBJ);
  bcsc_test_misuse_uninstall();
  cr_assert_eq(rec.count, bcsc_test_misuse_expected(3));
  for (uint32_t i = 0; i < rec.count; i++) {
    cr_assert_eq(rec.codes[i], codes[i], "report %u: %s", i,
                 bcsc_misuse_name(rec.codes[i]));
    cr_assert_eq(rec.objects[i], &in, "report %u", i);
  }
}

/* ---- copies (D99) --------------------------------------------------------
 * bcsc points at a stream's registration while a next is pending, and a
 * stream points at its source. Another task passes a memcpy of the stream,
 * the original left in place, to bcsc_stream_next(), and the same call on
 * the original for comparison. */

typedef struct copier {
  bcsc_task_t task;
  bcsc_stream_t *original;
  bcsc_stream_t copy;
  uint64_t item;
  int rc_copy;
  int rc_original; /* 1: not called */
} copier_t;

static int copier_poll(bcsc_task_t *self) {
  copier_t *k = (copier_t *)self;
  memcpy(&k->copy, k->original, sizeof k->copy);
  k->rc_copy = bcsc_stream_next(self, &k->copy, &k->item, sizeof k->item);
  if (k->rc_original != 1)
    k->rc_original =
        bcsc_stream_next(self, k->original, &k->item, sizeof k->item);
  /* Once: a registration left would be taken back here. */
  return k->rc_copy == BCSC_PENDING ? BCSC_TEST_E1 : 0;
}

static void copier_start(copier_t *k, bcsc_stream_t *original,
                         int with_original) {
  memset(k, 0, sizeof *k);
  cr_assert_eq(bcsc_task_init(&k->task, copier_poll, NULL), 0);
  k->original = original;
  k->rc_copy = 1;
  k->rc_original = with_original ? 0 : 1;
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &k->task), 0);
}

/* A channel or broadcast stream's pending next: its registration is linked
 * and carries its tag, so the copy's next is refused as moved; the
 * original receives the next message. Between nexts nothing points at the
 * stream: a copy is a second stream over the same source. */
static void copy_a_waiting_stream(bcsc_stream_t *in, void (*send)(void *),
                                  void *source) {
  consumer_t c;
  copier_t k;
  bcsc_test_misuse_t rec;
  consumer_start(&c, in);
  c.limit = 1;
  run_all();
  bcsc_test_misuse_install(&rec);
  copier_start(&k, in, 0);
  run_all();
  cr_assert_eq(k.rc_copy, BCSC_EBADOBJ);
  cr_assert_eq(rec.count, bcsc_test_misuse_expected(1));
  if (rec.count != 0)
    cr_assert_eq(rec.codes[0], BCSC_MISUSE_MOVED);
  bcsc_test_misuse_uninstall();
  send(source); /* 7 */
  run_all();
  cr_assert(c.done);
  cr_assert_eq(c.n, 1);
  cr_assert_eq(c.items[0], 7);
  cr_assert_eq(bcsc_stream_count(in), 1);
  send(source); /* 8 */
  copier_start(&k, in, 0);
  run_all();
  cr_assert_eq(k.rc_copy, 0);
  cr_assert_eq(k.item, 8);
  cr_assert_eq(bcsc_stream_count(&k.copy), 2);
  cr_assert_eq(bcsc_stream_count(in), 1, "the copy counts its own");
}

static uint64_t next_message;

static void send_to_channel(void *ch) {
  uint64_t v = next_message++;
  cr_assert_eq(bcsc_channel_try_send(ch, &v, sizeof v), 0);
}

static void send_to_broadcast(void *bc) {
  uint64_t v = next_message++;
  cr_assert_geq(bcsc_broadcast_send(bc, &v, sizeof v), 0);
}

Test(stream, a_copy_of_a_waiting_channel_stream_is_refused_as_moved) {
  bcsc_channel_t ch;
  uint64_t ring[2];
  bcsc_stream_t in;
  cr_assert_eq(bcsc_executor_init(&g_ex, NULL), 0);
  cr_assert_eq(bcsc_channel_init(&ch, ring, sizeof ring, sizeof ring[0]), 0);
  cr_assert_eq(bcsc_stream_channel(&in, &ch), 0);
  next_message = 7;
  copy_a_waiting_stream(&in, send_to_channel, &ch);
  cr_assert_eq(bcsc_channel_deinit(&ch), 0);
  cr_assert_eq(bcsc_executor_deinit(&g_ex), 0);
}

Test(stream, a_copy_of_a_waiting_broadcast_stream_is_refused_as_moved) {
  bcsc_broadcast_t bc;
  uint64_t ring[2];
  bcsc_broadcast_receiver_t rx;
  bcsc_stream_t in;
  cr_assert_eq(bcsc_executor_init(&g_ex, NULL), 0);
  cr_assert_eq(bcsc_broadcast_init(&bc, ring, sizeof ring, sizeof ring[0]), 0);
  cr_assert_eq(bcsc_broadcast_subscribe(&bc, &rx), 0);
  cr_assert_eq(bcsc_stream_broadcast(&in, &rx), 0);
  next_message = 7;
  copy_a_waiting_stream(&in, send_to_broadcast, &bc);
  cr_assert_eq(bcsc_broadcast_unsubscribe(&rx), 0);
  cr_assert_eq(bcsc_broadcast_deinit(&bc), 0);
  cr_assert_eq(bcsc_executor_deinit(&g_ex), 0);
}

/* An interval stream waits through its timer, not its own registration:
 * the copy names the same timer, so its next is the original's next from
 * that task - refused alike (the timer is linked: NODE_LINKED), and the
 * consumer takes its tick. */
Test(stream, a_copy_of_a_waiting_interval_stream_is_the_stream_itself) {
  bcsc_timer_t timer;
  bcsc_stream_t in;
  consumer_t c;
  copier_t k;
  bcsc_test_misuse_t rec;
  executor_with_clock();
  cr_assert_eq(bcsc_timer_init(&timer), 0);
  cr_assert_eq(bcsc_timer_set_periodic(&timer, 100, 100, BCSC_TICK_SKIP), 0);
  cr_assert_eq(bcsc_stream_interval(&in, &timer), 0);
  consumer_start(&c, &in);
  c.limit = 1;
  run_all();
  bcsc_test_misuse_install(&rec);
  copier_start(&k, &in, 1);
  run_all();
  cr_assert_eq(k.rc_copy, BCSC_EBUSY);
  cr_assert_eq(k.rc_original, k.rc_copy);
  cr_assert_eq(rec.count, bcsc_test_misuse_expected(2));
  for (uint32_t i = 0; i < rec.count; i++)
    cr_assert_eq(rec.codes[i], BCSC_MISUSE_NODE_LINKED);
  bcsc_test_misuse_uninstall();
  cr_assert_eq(bcsc_sim_reactor_advance(&g_sim, 100), 0);
  run_all();
  cr_assert(c.done);
  cr_assert_eq(c.n, 1);
  cr_assert_eq(c.items[0], 100);
  cr_assert_eq(bcsc_stream_count(&in), 1);
  cr_assert_eq(bcsc_executor_deinit(&g_ex), 0);
}
