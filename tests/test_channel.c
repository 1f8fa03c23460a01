/* SPDX-License-Identifier: MIT
 * test_channel.c - the bounded MPMC channel through the public API:
 * ping-pong over capacity 1, FIFO among waiting senders and among waiting
 * receivers (no barging while a woken task has not run), close and drain,
 * select over two channels and with another source, cancellation of woken
 * and waiting tasks (the wake goes on, nothing is lost), a randomized
 * producer/consumer run under a cancellation storm, and misuse through the
 * recording handler.
 *
 * The randomized suite runs several seeds; BCSC_SEED=<n> runs that one
 * seed alone (the seed is in every failure message). */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bcsc.h>
#include <bcsc/channel.h>

#include "bcsc_test.h"

#define MAX_GOT 256
#define BRANCHES 2

/* ---- frames ---------------------------------------------------------------
 * A consumer receives until a channel closes, from one channel or from two
 * (a select), optionally also waiting on a plain list (`other`). Each poll
 * tries the branch that woke it first; when one branch delivers, the other
 * branches' registrations are cancelled (a wake one of them holds goes on
 * to the next waiter). */
typedef struct consumer {
  bcsc_task_t task;
  bcsc_wait_t wait[BRANCHES];
  bcsc_wait_t other_wait;
  bcsc_channel_t *ch[BRANCHES]; /* ch[1] NULL: one channel */
  bcsc_waitq_t *other;
  uint32_t stop_after; /* finish after this many messages; 0: never */
  int id;
  bcsc_test_log_t *log; /* logs id once per message */
  /* observations */
  uint32_t polls;
  uint32_t n;
  int got[MAX_GOT];
  int branch[MAX_GOT];
  int other_fired;
  int end_rc;
} consumer_t;

static void consumer_cancel_others(consumer_t *c, int keep) {
  for (int j = 0; j < BRANCHES; j++)
    if (j != keep && c->ch[j] != NULL)
      cr_assert_geq(bcsc_wait_cancel(&c->wait[j]), 0);
}

static int consumer_poll(bcsc_task_t *self) {
  consumer_t *c = (consumer_t *)self;
  c->polls++;
  if (c->other != NULL && bcsc_wait_fired(&c->other_wait)) {
    c->other_fired++;
    cr_assert_eq(bcsc_wait_on(self, &c->other_wait, c->other), 0);
  }
  for (;;) {
    int first = c->ch[1] != NULL && bcsc_wait_fired(&c->wait[1]) ? 1 : 0;
    int delivered = 0;
    for (int k = 0; k < BRANCHES && !delivered; k++) {
      int i = (first + k) % BRANCHES;
      int value = -1, rc;
      if (c->ch[i] == NULL)
        continue;
      rc = bcsc_channel_recv(self, c->ch[i], &c->wait[i], &value, sizeof value);
      if (rc == BCSC_PENDING)
        continue;
      consumer_cancel_others(c, i);
      if (rc != 0) {
        c->end_rc = rc;
        return rc == BCSC_ECLOSED ? BCSC_DONE : rc;
      }
      cr_assert_lt(c->n, MAX_GOT);
      c->got[c->n] = value;
      c->branch[c->n] = i;
      c->n++;
      if (c->log != NULL)
        bcsc_test_log_push(c->log, c->id);
      if (c->stop_after != 0 && c->n == c->stop_after)
        return BCSC_DONE;
      delivered = 1;
    }
    if (delivered)
      continue;
    if (c->other != NULL && !bcsc_wait_linked(&c->other_wait))
      cr_assert_eq(bcsc_wait_register(self, &c->other_wait, c->other), 0);
    return BCSC_PENDING;
  }
}

static void consumer_init(consumer_t *c, bcsc_channel_t *ch, int id) {
  memset(c, 0, sizeof *c);
  cr_assert_eq(bcsc_task_init(&c->task, consumer_poll, NULL), 0);
  for (int i = 0; i < BRANCHES; i++)
    cr_assert_eq(bcsc_wait_init(&c->wait[i]), 0);
  cr_assert_eq(bcsc_wait_init(&c->other_wait), 0);
  c->ch[0] = ch;
  c->id = id;
}

/* A producer sends values[0..count) in order, then finishes. */
typedef struct producer {
  bcsc_task_t task;
  bcsc_wait_t wait;
  bcsc_channel_t *ch;
  int base;
  uint32_t count;
  int id;
  bcsc_test_log_t *log; /* logs id once per message sent */
  uint32_t polls;
  uint32_t sent;
  int end_rc;
} producer_t;

static int producer_poll(bcsc_task_t *self) {
  producer_t *p = (producer_t *)self;
  p->polls++;
  while (p->sent < p->count) {
    int value = p->base + (int)p->sent;
    int rc = bcsc_channel_send(self, p->ch, &p->wait, &value, sizeof value);
    if (rc == BCSC_PENDING)
      return BCSC_PENDING;
    if (rc != 0) {
      p->end_rc = rc;
      return rc == BCSC_ECLOSED ? BCSC_DONE : rc;
    }
    p->sent++;
    if (p->log != NULL)
      bcsc_test_log_push(p->log, p->id);
  }
  return BCSC_DONE;
}

static void producer_init(producer_t *p, bcsc_channel_t *ch, int id, int base,
                          uint32_t count) {
  memset(p, 0, sizeof *p);
  cr_assert_eq(bcsc_task_init(&p->task, producer_poll, NULL), 0);
  cr_assert_eq(bcsc_wait_init(&p->wait), 0);
  p->ch = ch;
  p->id = id;
  p->base = base;
  p->count = count;
}

static void try_send_int(bcsc_channel_t *ch, int v) {
  cr_assert_eq(bcsc_channel_try_send(ch, &v, sizeof v), 0);
}

static int try_recv_int(bcsc_channel_t *ch, int *v) {
  return bcsc_channel_try_recv(ch, v, sizeof *v);
}

static void teardown(bcsc_executor_t *ex) {
  cr_assert_eq(bcsc_executor_live_roots(ex), 0);
  cr_assert_eq(bcsc_executor_deinit(ex), 0);
}

/* ---- ping-pong --------------------------------------------------------- */

#define ROUNDS 1000

/* Sends i on `ping` and waits for i + 1 on `pong`, ROUNDS times, through
 * one registration used for both (each call completes before the next).
 * Then closes ping. */
typedef struct pinger {
  bcsc_task_t task;
  bcsc_wait_t wait;
  bcsc_co_t co;
  bcsc_channel_t *ping, *pong;
  int i, reply;
  uint32_t polls;
} pinger_t;

static int pinger_poll(bcsc_task_t *self) {
  pinger_t *p = (pinger_t *)self;
  int rc;
  p->polls++;
  BCSC_CO_BEGIN(&p->co);
  for (p->i = 0; p->i < ROUNDS; p->i++) {
    BCSC_AWAIT(&p->co, rc,
               bcsc_channel_send(self, p->ping, &p->wait, &p->i, sizeof p->i));
    cr_assert_eq(rc, 0);
    BCSC_AWAIT(
        &p->co, rc,
        bcsc_channel_recv(self, p->pong, &p->wait, &p->reply, sizeof p->reply));
    cr_assert_eq(rc, 0);
    cr_assert_eq(p->reply, p->i + 1);
  }
  cr_assert_eq(bcsc_channel_close(p->ping), 0);
  BCSC_CO_END(&p->co);
}

/* Answers v + 1 to each v until ping closes. */
typedef struct ponger {
  bcsc_task_t task;
  bcsc_wait_t wait;
  bcsc_co_t co;
  bcsc_channel_t *ping, *pong;
  int v;
  uint32_t polls, answered;
  int end_rc;
} ponger_t;

static int ponger_poll(bcsc_task_t *self) {
  ponger_t *p = (ponger_t *)self;
  int rc;
  p->polls++;
  BCSC_CO_BEGIN(&p->co);
  for (;;) {
    BCSC_AWAIT(&p->co, rc,
               bcsc_channel_recv(self, p->ping, &p->wait, &p->v, sizeof p->v));
    if (rc != 0)
      break;
    p->v++;
    BCSC_AWAIT(&p->co, rc,
               bcsc_channel_send(self, p->pong, &p->wait, &p->v, sizeof p->v));
    cr_assert_eq(rc, 0);
    p->answered++;
  }
  p->end_rc = rc;
  BCSC_CO_END(&p->co);
}

Test(channel, ping_pong_over_capacity_one) {
  bcsc_executor_t ex;
  bcsc_channel_t ping, pong;
  int ping_slot, pong_slot;
  pinger_t a;
  ponger_t b;

  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  cr_assert_eq(
      bcsc_channel_init(&ping, &ping_slot, sizeof ping_slot, sizeof ping_slot),
      0);
  cr_assert_eq(
      bcsc_channel_init(&pong, &pong_slot, sizeof pong_slot, sizeof pong_slot),
      0);
  cr_assert_eq(bcsc_channel_capacity(&ping), 1);
  memset(&a, 0, sizeof a);
  memset(&b, 0, sizeof b);
  cr_assert_eq(bcsc_task_init(&a.task, pinger_poll, NULL), 0);
  cr_assert_eq(bcsc_task_init(&b.task, ponger_poll, NULL), 0);
  cr_assert_eq(bcsc_wait_init(&a.wait), 0);
  cr_assert_eq(bcsc_wait_init(&b.wait), 0);
  a.ping = b.ping = &ping;
  a.pong = b.pong = &pong;
  cr_assert_eq(bcsc_executor_spawn(&ex, &b.task), 0);
  cr_assert_eq(bcsc_executor_spawn(&ex, &a.task), 0);
  cr_assert_eq(bcsc_executor_run(&ex, NULL), 0);
  cr_assert_eq(b.answered, ROUNDS);
  cr_assert_eq(b.end_rc, BCSC_ECLOSED);
  /* One poll per round each, plus the first and the last: a wake is never
   * wasted on a task that finds nothing. */
  cr_assert_eq(a.polls, ROUNDS + 1, "pinger polled %u times", a.polls);
  cr_assert_eq(b.polls, ROUNDS + 2, "ponger polled %u times", b.polls);
  cr_assert_eq(bcsc_channel_buffered(&ping), 0);
  cr_assert_eq(bcsc_channel_buffered(&pong), 0);
  cr_assert_eq(bcsc_channel_deinit(&ping), 0);
  cr_assert_eq(bcsc_channel_deinit(&pong), 0);
  teardown(&ex);
}

/* ---- without tasks ----------------------------------------------------- */

Test(channel, try_send_and_try_recv_keep_fifo_order_around_the_ring) {
  bcsc_channel_t ch;
  int ring[3], v = -1;

  cr_assert_eq(bcsc_channel_init(&ch, ring, sizeof ring, sizeof v), 0);
  cr_assert_eq(bcsc_channel_capacity(&ch), 3);
  cr_assert_eq(try_recv_int(&ch, &v), BCSC_EAGAIN);
  cr_assert_eq(v, -1, "nothing written on failure");
  for (int round = 0; round < 5; round++) {
    for (int i = 0; i < 3; i++)
      try_send_int(&ch, round * 10 + i);
    v = 99;
    cr_assert_eq(bcsc_channel_try_send(&ch, &v, sizeof v), BCSC_EAGAIN);
    cr_assert_eq(bcsc_channel_buffered(&ch), 3);
    for (int i = 0; i < 2; i++) {
      cr_assert_eq(try_recv_int(&ch, &v), 0);
      cr_assert_eq(v, round * 10 + i);
    }
    try_send_int(&ch, round * 10 + 3);
    for (int i = 2; i < 4; i++) {
      cr_assert_eq(try_recv_int(&ch, &v), 0);
      cr_assert_eq(v, round * 10 + i);
    }
    cr_assert_eq(bcsc_channel_buffered(&ch), 0);
  }
  cr_assert_eq(bcsc_channel_deinit(&ch), 0);
}

Test(channel, elements_of_any_size_are_copied_whole) {
  typedef struct {
    uint8_t bytes[13];
  } odd_t;
  bcsc_channel_t ch;
  odd_t ring[2], in, out;

  cr_assert_eq(bcsc_channel_init(&ch, ring, sizeof ring, sizeof in), 0);
  for (int round = 0; round < 4; round++) {
    for (int i = 0; i < 13; i++)
      in.bytes[i] = (uint8_t)(round * 13 + i);
    cr_assert_eq(bcsc_channel_try_send(&ch, &in, sizeof in), 0);
    memset(&out, 0, sizeof out);
    cr_assert_eq(bcsc_channel_try_recv(&ch, &out, sizeof out), 0);
    cr_assert_eq(memcmp(&in, &out, sizeof in), 0);
  }
  cr_assert_eq(bcsc_channel_deinit(&ch), 0);
}

/* ---- FIFO among waiters ---------------------------------------------- */

Test(channel, waiting_receivers_are_served_in_arrival_order) {
  bcsc_executor_t ex;
  bcsc_channel_t ch;
  int ring[4];
  consumer_t c[4];

  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  cr_assert_eq(bcsc_channel_init(&ch, ring, sizeof ring, sizeof(int)), 0);
  for (int i = 0; i < 4; i++) {
    consumer_init(&c[i], &ch, i);
    c[i].stop_after = 2;
    cr_assert_eq(bcsc_executor_spawn(&ex, &c[i].task), 0);
  }
  cr_assert_eq(bcsc_executor_poll(&ex, 100), 4);
  /* One message, one wake: the oldest waiter's. */
  for (int v = 0; v < 4; v++) {
    try_send_int(&ch, v);
    cr_assert_eq(bcsc_executor_ready(&ex), 1);
    cr_assert_eq(bcsc_executor_poll(&ex, 100), 1);
    cr_assert_eq(c[v].n, 1);
    cr_assert_eq(c[v].got[0], v);
  }
  /* Each went back to the end of the line; four messages at once wake all
   * four, in that order, and each finds its own. */
  for (int v = 4; v < 8; v++)
    try_send_int(&ch, v);
  cr_assert_eq(bcsc_executor_ready(&ex), 4);
  cr_assert_eq(bcsc_executor_run(&ex, NULL), 0);
  for (int i = 0; i < 4; i++) {
    cr_assert_eq(c[i].n, 2);
    cr_assert_eq(c[i].got[1], 4 + i);
    cr_assert_eq(c[i].polls, 3, "never woken for nothing");
  }
  cr_assert_eq(bcsc_channel_deinit(&ch), 0);
  teardown(&ex);
}

Test(channel, waiting_senders_are_served_in_arrival_order) {
  bcsc_executor_t ex;
  bcsc_channel_t ch;
  int ring[1], v;
  producer_t p[4];

  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  cr_assert_eq(bcsc_channel_init(&ch, ring, sizeof ring, sizeof(int)), 0);
  try_send_int(&ch, -1); /* full */
  for (int i = 0; i < 4; i++) {
    producer_init(&p[i], &ch, i, 100 * i, 2);
    cr_assert_eq(bcsc_executor_spawn(&ex, &p[i].task), 0);
  }
  cr_assert_eq(bcsc_executor_poll(&ex, 100), 4);
  cr_assert_eq(try_recv_int(&ch, &v), 0);
  cr_assert_eq(v, -1);
  /* Round one: a slot wakes the oldest sender only. */
  for (int i = 0; i < 4; i++) {
    cr_assert_eq(bcsc_executor_ready(&ex), 1);
    cr_assert_eq(bcsc_executor_poll(&ex, 100), 1);
    cr_assert_eq(p[i].sent, 1);
    cr_assert_eq(try_recv_int(&ch, &v), 0);
    cr_assert_eq(v, 100 * i);
  }
  /* Round two, same order. */
  for (int i = 0; i < 4; i++) {
    cr_assert_eq(bcsc_executor_poll(&ex, 100), 1);
    cr_assert_eq(try_recv_int(&ch, &v), 0);
    cr_assert_eq(v, 100 * i + 1);
  }
  cr_assert_eq(bcsc_executor_ready(&ex), 0);
  for (int i = 0; i < 4; i++) {
    cr_assert(bcsc_task_done(&p[i].task));
    cr_assert_eq(p[i].polls, 3);
  }
  cr_assert_eq(bcsc_channel_deinit(&ch), 0);
  teardown(&ex);
}

Test(channel, a_newcomer_takes_only_what_woken_receivers_left) {
  bcsc_executor_t ex;
  bcsc_channel_t ch;
  int ring[4], v = -1;
  consumer_t c[2];
  bcsc_test_log_t log;

  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  cr_assert_eq(bcsc_channel_init(&ch, ring, sizeof ring, sizeof(int)), 0);
  bcsc_test_log_init(&log);
  for (int i = 0; i < 2; i++) {
    consumer_init(&c[i], &ch, i);
    c[i].stop_after = 1;
    c[i].log = &log;
    cr_assert_eq(bcsc_executor_spawn(&ex, &c[i].task), 0);
  }
  cr_assert_eq(bcsc_executor_poll(&ex, 100), 2);
  try_send_int(&ch, 10); /* a message reserved for c0, which has not run */
  cr_assert_eq(try_recv_int(&ch, &v), BCSC_EAGAIN);
  try_send_int(&ch, 11); /* one reserved for c1 */
  cr_assert_eq(try_recv_int(&ch, &v), BCSC_EAGAIN);
  cr_assert_eq(v, -1);
  /* A third message is left over beyond the two reservations: nobody
   * waits, so a newcomer may take one (the oldest), and each woken
   * receiver still finds one. */
  try_send_int(&ch, 12);
  cr_assert_eq(try_recv_int(&ch, &v), 0);
  cr_assert_eq(v, 10);
  cr_assert_eq(try_recv_int(&ch, &v), BCSC_EAGAIN);
  cr_assert_eq(bcsc_executor_run(&ex, NULL), 0);
  cr_assert_eq(c[0].got[0], 11);
  cr_assert_eq(c[1].got[0], 12);
  cr_assert(bcsc_test_log_equals(&log, (int[]){0, 1}, 2));
  /* Nobody ahead now: a message is free for anyone. */
  try_send_int(&ch, 13);
  cr_assert_eq(try_recv_int(&ch, &v), 0);
  cr_assert_eq(v, 13);
  cr_assert_eq(bcsc_channel_deinit(&ch), 0);
  teardown(&ex);
}

Test(channel, a_newcomer_does_not_barge_past_a_woken_sender) {
  bcsc_executor_t ex;
  bcsc_channel_t ch;
  int ring[1], v = 7;
  producer_t p;

  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  cr_assert_eq(bcsc_channel_init(&ch, ring, sizeof ring, sizeof(int)), 0);
  try_send_int(&ch, 1);
  producer_init(&p, &ch, 0, 2, 1);
  cr_assert_eq(bcsc_executor_spawn(&ex, &p.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 10), 1);
  cr_assert_eq(try_recv_int(&ch, &v), 0);
  cr_assert_eq(v, 1);
  /* The free slot is the woken sender's. */
  cr_assert_eq(bcsc_channel_try_send(&ch, &v, sizeof v), BCSC_EAGAIN);
  cr_assert_eq(bcsc_executor_run(&ex, NULL), 0);
  cr_assert_eq(try_recv_int(&ch, &v), 0);
  cr_assert_eq(v, 2);
  cr_assert_eq(bcsc_channel_deinit(&ch), 0);
  teardown(&ex);
}

/* A newcomer task that runs before the task woken for a unit (it was
 * queued first) must not take that unit: it queues behind. */
Test(channel, a_newcomer_task_polled_first_does_not_take_a_reserved_message) {
  bcsc_executor_t ex;
  bcsc_channel_t ch;
  int ring[2];
  consumer_t woken, newcomer;

  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  cr_assert_eq(bcsc_channel_init(&ch, ring, sizeof ring, sizeof(int)), 0);
  consumer_init(&woken, &ch, 0);
  woken.stop_after = 1;
  consumer_init(&newcomer, &ch, 1);
  newcomer.stop_after = 1;
  cr_assert_eq(bcsc_executor_spawn(&ex, &woken.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 10), 1);
  cr_assert_eq(bcsc_executor_spawn(&ex, &newcomer.task), 0);
  try_send_int(&ch, 10); /* wakes `woken`, queued behind the newcomer */
  cr_assert_eq(bcsc_executor_poll(&ex, 10), 2);
  cr_assert_eq(newcomer.n, 0, "the newcomer queued behind");
  cr_assert(bcsc_wait_linked(&newcomer.wait[0]));
  cr_assert_eq(woken.n, 1);
  cr_assert_eq(woken.got[0], 10);
  try_send_int(&ch, 11);
  cr_assert_eq(bcsc_executor_run(&ex, NULL), 0);
  cr_assert_eq(newcomer.got[0], 11);
  cr_assert_eq(newcomer.polls, 2);
  cr_assert_eq(bcsc_channel_deinit(&ch), 0);
  teardown(&ex);
}

Test(channel, a_newcomer_task_polled_first_does_not_take_a_reserved_slot) {
  bcsc_executor_t ex;
  bcsc_channel_t ch;
  int ring[1], v;
  producer_t woken, newcomer;

  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  cr_assert_eq(bcsc_channel_init(&ch, ring, sizeof ring, sizeof(int)), 0);
  try_send_int(&ch, 0);
  producer_init(&woken, &ch, 0, 10, 1);
  producer_init(&newcomer, &ch, 1, 20, 1);
  cr_assert_eq(bcsc_executor_spawn(&ex, &woken.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 10), 1);
  cr_assert_eq(bcsc_executor_spawn(&ex, &newcomer.task), 0);
  cr_assert_eq(try_recv_int(&ch, &v), 0); /* wakes `woken` */
  cr_assert_eq(bcsc_executor_poll(&ex, 10), 2);
  cr_assert_eq(newcomer.sent, 0, "the newcomer queued behind");
  cr_assert_eq(woken.sent, 1);
  cr_assert_eq(try_recv_int(&ch, &v), 0);
  cr_assert_eq(v, 10);
  cr_assert_eq(bcsc_executor_run(&ex, NULL), 0);
  cr_assert_eq(try_recv_int(&ch, &v), 0);
  cr_assert_eq(v, 20);
  cr_assert_eq(bcsc_channel_deinit(&ch), 0);
  teardown(&ex);
}

/* ---- close --------------------------------------------------------------- */

Test(channel, close_lets_receivers_drain_then_reports_closed) {
  bcsc_channel_t ch;
  int ring[4], v;

  cr_assert_eq(bcsc_channel_init(&ch, ring, sizeof ring, sizeof v), 0);
  cr_assert_eq(bcsc_channel_closed(&ch), 0);
  cr_assert_eq(bcsc_channel_closed(NULL), 0);
  try_send_int(&ch, 1);
  try_send_int(&ch, 2);
  cr_assert_eq(bcsc_channel_close(&ch), 0);
  cr_assert_eq(bcsc_channel_close(&ch), 0, "closing twice is fine");
  cr_assert(bcsc_channel_closed(&ch));
  v = 3;
  cr_assert_eq(bcsc_channel_try_send(&ch, &v, sizeof v), BCSC_ECLOSED);
  cr_assert_eq(try_recv_int(&ch, &v), 0);
  cr_assert_eq(v, 1);
  cr_assert_eq(try_recv_int(&ch, &v), 0);
  cr_assert_eq(v, 2);
  cr_assert_eq(try_recv_int(&ch, &v), BCSC_ECLOSED);
  cr_assert_eq(try_recv_int(&ch, &v), BCSC_ECLOSED);
  cr_assert_eq(bcsc_channel_deinit(&ch), 0);
}

Test(channel, close_wakes_waiting_senders_and_receivers) {
  bcsc_executor_t ex;
  bcsc_channel_t full, empty;
  int ring_full[1], ring_empty[1];
  producer_t p[2];
  consumer_t c[2];

  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  cr_assert_eq(
      bcsc_channel_init(&full, ring_full, sizeof ring_full, sizeof(int)), 0);
  cr_assert_eq(
      bcsc_channel_init(&empty, ring_empty, sizeof ring_empty, sizeof(int)), 0);
  try_send_int(&full, 5);
  for (int i = 0; i < 2; i++) {
    producer_init(&p[i], &full, i, 10 * i, 1);
    consumer_init(&c[i], &empty, i);
    cr_assert_eq(bcsc_executor_spawn(&ex, &p[i].task), 0);
    cr_assert_eq(bcsc_executor_spawn(&ex, &c[i].task), 0);
  }
  cr_assert_eq(bcsc_executor_poll(&ex, 100), 4);
  cr_assert_eq(bcsc_channel_close(&full), 0);
  cr_assert_eq(bcsc_channel_close(&empty), 0);
  cr_assert_eq(bcsc_executor_ready(&ex), 4);
  cr_assert_eq(bcsc_executor_run(&ex, NULL), 0);
  for (int i = 0; i < 2; i++) {
    cr_assert_eq(p[i].end_rc, BCSC_ECLOSED);
    cr_assert_eq(p[i].sent, 0);
    cr_assert_eq(p[i].polls, 2);
    cr_assert_eq(c[i].end_rc, BCSC_ECLOSED);
    cr_assert_eq(c[i].n, 0);
    cr_assert_eq(c[i].polls, 2);
  }
  cr_assert_eq(bcsc_channel_buffered(&full), 1, "the message stays");
  cr_assert_eq(bcsc_channel_deinit(&full), 0);
  cr_assert_eq(bcsc_channel_deinit(&empty), 0);
  teardown(&ex);
}

/* c0 was woken for the last message, c1 waits behind it; then the channel
 * closes. c1 keeps its place: it gets the message if c0 does not take it,
 * else BCSC_ECLOSED once it is gone. */
static void closed_behind_a_woken_receiver(int cancel_first) {
  bcsc_executor_t ex;
  bcsc_channel_t ch;
  int ring[1];
  consumer_t c[2];

  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  cr_assert_eq(bcsc_channel_init(&ch, ring, sizeof ring, sizeof(int)), 0);
  for (int i = 0; i < 2; i++) {
    consumer_init(&c[i], &ch, i);
    cr_assert_eq(bcsc_executor_spawn(&ex, &c[i].task), 0);
  }
  cr_assert_eq(bcsc_executor_poll(&ex, 100), 2);
  try_send_int(&ch, 42);
  cr_assert_eq(bcsc_channel_close(&ch), 0);
  cr_assert_eq(bcsc_executor_ready(&ex), 1, "c1 keeps waiting its turn");
  if (cancel_first)
    cr_assert_eq(bcsc_task_cancel(&c[0].task), 0);
  cr_assert_eq(bcsc_executor_run(&ex, NULL), 0);
  cr_assert_eq(c[0].n, cancel_first ? 0u : 1u);
  cr_assert_eq(c[1].n, cancel_first ? 1u : 0u);
  cr_assert_eq(c[cancel_first ? 1 : 0].got[0], 42);
  cr_assert_eq(c[0].end_rc, cancel_first ? BCSC_ECANCELED : BCSC_ECLOSED);
  cr_assert_eq(c[1].end_rc, BCSC_ECLOSED);
  cr_assert_eq(bcsc_channel_buffered(&ch), 0);
  cr_assert_eq(bcsc_channel_deinit(&ch), 0);
  teardown(&ex);
}

Test(channel, a_receiver_queued_at_close_gets_eclosed_after_the_drain) {
  closed_behind_a_woken_receiver(0);
}

Test(channel, a_receiver_queued_at_close_gets_a_message_not_taken) {
  closed_behind_a_woken_receiver(1);
}

/* ---- select ------------------------------------------------------------- */

/* A consumer waits on channels a and b at once; messages come to both.
 * It takes exactly one, from the branch that woke it; the other message
 * stays, and a second consumer waiting on that channel alone gets it. */
static void select_two_channels(int a_first) {
  bcsc_executor_t ex;
  bcsc_channel_t a, b;
  int ring_a[2], ring_b[2], v = -1;
  consumer_t sel;

  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  cr_assert_eq(bcsc_channel_init(&a, ring_a, sizeof ring_a, sizeof(int)), 0);
  cr_assert_eq(bcsc_channel_init(&b, ring_b, sizeof ring_b, sizeof(int)), 0);
  consumer_init(&sel, &a, 0);
  sel.ch[1] = &b;
  sel.stop_after = 1;
  cr_assert_eq(bcsc_executor_spawn(&ex, &sel.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 10), 1);
  cr_assert(bcsc_wait_linked(&sel.wait[0]));
  cr_assert(bcsc_wait_linked(&sel.wait[1]));
  try_send_int(a_first ? &a : &b, 1);
  /* The first wake won: the other registration is gone, so the second
   * message wakes nobody and waits in its ring. */
  cr_assert_eq(bcsc_wait_linked(&sel.wait[a_first ? 1 : 0]), 0);
  try_send_int(a_first ? &b : &a, 2);
  cr_assert_eq(bcsc_executor_ready(&ex), 1);
  cr_assert_eq(bcsc_executor_run(&ex, NULL), 0);
  cr_assert_eq(sel.n, 1);
  cr_assert_eq(sel.got[0], 1);
  cr_assert_eq(sel.branch[0], a_first ? 0 : 1);
  cr_assert_eq(sel.polls, 2);
  cr_assert_eq(bcsc_channel_buffered(&a), a_first ? 0u : 1u);
  cr_assert_eq(bcsc_channel_buffered(&b), a_first ? 1u : 0u);
  cr_assert_eq(try_recv_int(a_first ? &b : &a, &v), 0);
  cr_assert_eq(v, 2);
  cr_assert_eq(bcsc_channel_deinit(&a), 0);
  cr_assert_eq(bcsc_channel_deinit(&b), 0);
  teardown(&ex);
}

Test(channel, select_over_two_channels_takes_exactly_one_message_a) {
  select_two_channels(1);
}

Test(channel, select_over_two_channels_takes_exactly_one_message_b) {
  select_two_channels(0);
}

/* A wake from the channel held by a selecting task that then takes another
 * branch (here: a message already waiting on its other channel, tried
 * first) goes to the next receiver, and nothing waits next to a message. */
Test(channel, a_wake_declined_by_a_select_goes_to_the_next_receiver) {
  bcsc_executor_t ex;
  bcsc_channel_t a, b;
  int ring_a[2], ring_b[2];
  consumer_t sel, plain;

  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  cr_assert_eq(bcsc_channel_init(&a, ring_a, sizeof ring_a, sizeof(int)), 0);
  cr_assert_eq(bcsc_channel_init(&b, ring_b, sizeof ring_b, sizeof(int)), 0);
  consumer_init(&sel, &b, 0); /* branch 0: b, branch 1: a */
  sel.ch[1] = &a;
  sel.stop_after = 1;
  consumer_init(&plain, &a, 1);
  plain.stop_after = 1;
  cr_assert_eq(bcsc_executor_spawn(&ex, &sel.task), 0);
  cr_assert_eq(bcsc_executor_spawn(&ex, &plain.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 10), 2);
  try_send_int(&a, 1); /* wakes sel, the oldest receiver of a */
  cr_assert(bcsc_wait_fired(&sel.wait[1]));
  /* Before sel runs, b gets a message; sel's select prefers its fired
   * branch, so make it decline a by taking b's through branch 0 with the
   * fired mark cleared by hand: bcsc_wait_cancel passes the wake on. */
  try_send_int(&b, 2);
  cr_assert_eq(bcsc_wait_cancel(&sel.wait[1]), 0);
  cr_assert(bcsc_wait_fired(&plain.wait[0]), "the wake went on at once");
  cr_assert_eq(bcsc_executor_run(&ex, NULL), 0);
  cr_assert_eq(sel.n, 1);
  cr_assert_eq(sel.got[0], 2);
  cr_assert_eq(plain.n, 1);
  cr_assert_eq(plain.got[0], 1);
  cr_assert_eq(bcsc_channel_buffered(&a), 0);
  cr_assert_eq(bcsc_channel_buffered(&b), 0);
  cr_assert_eq(bcsc_channel_deinit(&a), 0);
  cr_assert_eq(bcsc_channel_deinit(&b), 0);
  teardown(&ex);
}

Test(channel, a_message_sent_after_another_source_won_is_not_lost) {
  bcsc_executor_t ex;
  bcsc_channel_t ch;
  bcsc_waitq_t q;
  int ring[2];
  consumer_t sel, plain;

  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  cr_assert_eq(bcsc_waitq_init(&q), 0);
  cr_assert_eq(bcsc_channel_init(&ch, ring, sizeof ring, sizeof(int)), 0);
  consumer_init(&sel, &ch, 0);
  sel.other = &q;
  sel.stop_after = 1;
  consumer_init(&plain, &ch, 1);
  plain.stop_after = 1;
  cr_assert_eq(bcsc_executor_spawn(&ex, &sel.task), 0);
  cr_assert_eq(bcsc_executor_spawn(&ex, &plain.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 10), 2);
  cr_assert_eq(bcsc_waitq_wake_one(&q, 1), 1);
  cr_assert_eq(bcsc_wait_linked(&sel.wait[0]), 0);
  /* sel left the line: the message wakes plain, the next receiver. */
  try_send_int(&ch, 3);
  cr_assert(bcsc_wait_fired(&plain.wait[0]));
  cr_assert_eq(bcsc_executor_poll(&ex, 10), 2);
  cr_assert_eq(sel.other_fired, 1);
  cr_assert_eq(plain.n, 1);
  cr_assert_eq(plain.got[0], 3);
  cr_assert_eq(sel.n, 0);
  try_send_int(&ch, 4);
  cr_assert_eq(bcsc_executor_run(&ex, NULL), 0);
  cr_assert_eq(sel.n, 1);
  cr_assert_eq(sel.got[0], 4);
  cr_assert_eq(bcsc_channel_deinit(&ch), 0);
  cr_assert_eq(bcsc_waitq_deinit(&q), 0);
  teardown(&ex);
}

/* ---- cancellation ------------------------------------------------------ */

Test(channel, a_receiver_cancelled_after_its_wake_passes_the_message_on) {
  bcsc_executor_t ex;
  bcsc_channel_t ch;
  int ring[2];
  consumer_t c[3];

  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  cr_assert_eq(bcsc_channel_init(&ch, ring, sizeof ring, sizeof(int)), 0);
  for (int i = 0; i < 3; i++) {
    consumer_init(&c[i], &ch, i);
    c[i].stop_after = 1;
    cr_assert_eq(bcsc_executor_spawn(&ex, &c[i].task), 0);
  }
  cr_assert_eq(bcsc_executor_poll(&ex, 10), 3);
  try_send_int(&ch, 8);
  cr_assert(bcsc_wait_fired(&c[0].wait[0]));
  cr_assert_eq(bcsc_task_cancel(&c[0].task), 0);
  /* c0 runs, sees the cancel, takes nothing; its wake goes to c1. */
  cr_assert_eq(bcsc_executor_poll(&ex, 1), 1);
  cr_assert_eq(c[0].end_rc, BCSC_ECANCELED);
  cr_assert_eq(c[0].n, 0);
  cr_assert(bcsc_wait_fired(&c[1].wait[0]));
  cr_assert_eq(bcsc_executor_poll(&ex, 10), 1);
  cr_assert_eq(c[1].n, 1);
  cr_assert_eq(c[1].got[0], 8);
  cr_assert_eq(c[2].polls, 1, "c2 was not woken");
  cr_assert_eq(bcsc_task_cancel(&c[2].task), 0);
  cr_assert_eq(bcsc_executor_run(&ex, NULL), 0);
  cr_assert_eq(bcsc_channel_buffered(&ch), 0);
  cr_assert_eq(bcsc_channel_deinit(&ch), 0);
  teardown(&ex);
}

Test(channel, a_cancelled_receiver_with_nobody_behind_leaves_the_message) {
  bcsc_executor_t ex;
  bcsc_channel_t ch;
  int ring[2], v = -1;
  consumer_t c;
  bcsc_test_misuse_t rec;

  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  cr_assert_eq(bcsc_channel_init(&ch, ring, sizeof ring, sizeof(int)), 0);
  consumer_init(&c, &ch, 0);
  cr_assert_eq(bcsc_executor_spawn(&ex, &c.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 10), 1);
  try_send_int(&ch, 9);
  cr_assert_eq(bcsc_task_cancel(&c.task), 0);
  /* The wake is still out: the channel cannot end yet. */
  bcsc_test_misuse_install(&rec);
  cr_assert_eq(bcsc_channel_deinit(&ch), BCSC_EBUSY);
  cr_assert_eq(rec.count, bcsc_test_misuse_expected(1));
  bcsc_test_misuse_uninstall();
  cr_assert_eq(bcsc_executor_run(&ex, NULL), 0);
  cr_assert_eq(c.end_rc, BCSC_ECANCELED);
  cr_assert_eq(bcsc_channel_buffered(&ch), 1);
  cr_assert_eq(try_recv_int(&ch, &v), 0, "the lapsed wake frees it");
  cr_assert_eq(v, 9);
  cr_assert_eq(bcsc_channel_deinit(&ch), 0);
  teardown(&ex);
}

Test(channel, a_sender_cancelled_after_its_wake_sends_nothing) {
  bcsc_executor_t ex;
  bcsc_channel_t ch;
  int ring[1], v;
  producer_t p[2];

  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  cr_assert_eq(bcsc_channel_init(&ch, ring, sizeof ring, sizeof(int)), 0);
  try_send_int(&ch, 0);
  for (int i = 0; i < 2; i++) {
    producer_init(&p[i], &ch, i, 10 * (i + 1), 1);
    cr_assert_eq(bcsc_executor_spawn(&ex, &p[i].task), 0);
  }
  cr_assert_eq(bcsc_executor_poll(&ex, 10), 2);
  cr_assert_eq(try_recv_int(&ch, &v), 0);
  cr_assert(bcsc_wait_fired(&p[0].wait));
  cr_assert_eq(bcsc_task_cancel(&p[0].task), 0);
  cr_assert_eq(bcsc_executor_run(&ex, NULL), 0);
  cr_assert_eq(p[0].end_rc, BCSC_ECANCELED);
  cr_assert_eq(p[0].sent, 0);
  cr_assert_eq(p[1].sent, 1, "the slot went to the next sender");
  cr_assert_eq(bcsc_channel_buffered(&ch), 1);
  cr_assert_eq(try_recv_int(&ch, &v), 0);
  cr_assert_eq(v, 20);
  cr_assert_eq(try_recv_int(&ch, &v), BCSC_EAGAIN);
  cr_assert_eq(bcsc_channel_deinit(&ch), 0);
  teardown(&ex);
}

Test(channel, a_waiting_receiver_cancelled_leaves_the_line) {
  bcsc_executor_t ex;
  bcsc_channel_t ch;
  int ring[1];
  consumer_t c[2];

  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  cr_assert_eq(bcsc_channel_init(&ch, ring, sizeof ring, sizeof(int)), 0);
  for (int i = 0; i < 2; i++) {
    consumer_init(&c[i], &ch, i);
    c[i].stop_after = 1;
    cr_assert_eq(bcsc_executor_spawn(&ex, &c[i].task), 0);
  }
  cr_assert_eq(bcsc_executor_poll(&ex, 10), 2);
  cr_assert_eq(bcsc_task_cancel(&c[0].task), 0);
  cr_assert_eq(bcsc_wait_linked(&c[0].wait[0]), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 10), 1);
  try_send_int(&ch, 5);
  cr_assert_eq(bcsc_executor_ready(&ex), 1);
  cr_assert_eq(bcsc_executor_run(&ex, NULL), 0);
  cr_assert_eq(c[1].got[0], 5);
  cr_assert_eq(c[0].polls, 2);
  cr_assert_eq(bcsc_channel_deinit(&ch), 0);
  teardown(&ex);
}

/* A task woken as a sender calls recv with the same registration (on
 * another channel) instead of sending: the sender's wake is declined, so
 * the slot it reserved goes to the next sender. */
typedef struct switcher {
  bcsc_task_t task;
  bcsc_wait_t wait;
  bcsc_channel_t *out, *in;
  uint32_t polls;
  int got;
} switcher_t;

static int switcher_poll(bcsc_task_t *self) {
  switcher_t *w = (switcher_t *)self;
  int v = 1, rc;
  if (w->polls++ == 0) {
    cr_assert_eq(bcsc_channel_send(self, w->out, &w->wait, &v, sizeof v),
                 BCSC_PENDING);
    return BCSC_PENDING;
  }
  rc = bcsc_channel_recv(self, w->in, &w->wait, &w->got, sizeof w->got);
  return rc == BCSC_PENDING ? BCSC_PENDING : BCSC_DONE;
}

Test(channel, a_wake_for_one_list_is_passed_on_when_the_node_is_reused) {
  bcsc_executor_t ex;
  bcsc_channel_t out, in;
  int ring_out[1], ring_in[1], v;
  switcher_t w;
  producer_t next;

  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  cr_assert_eq(bcsc_channel_init(&out, ring_out, sizeof ring_out, sizeof v), 0);
  cr_assert_eq(bcsc_channel_init(&in, ring_in, sizeof ring_in, sizeof v), 0);
  try_send_int(&out, 0);
  memset(&w, 0, sizeof w);
  cr_assert_eq(bcsc_task_init(&w.task, switcher_poll, NULL), 0);
  cr_assert_eq(bcsc_wait_init(&w.wait), 0);
  w.out = &out;
  w.in = &in;
  producer_init(&next, &out, 1, 7, 1);
  cr_assert_eq(bcsc_executor_spawn(&ex, &w.task), 0);
  cr_assert_eq(bcsc_executor_spawn(&ex, &next.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 10), 2);
  cr_assert_eq(try_recv_int(&out, &v), 0); /* the slot is w's */
  cr_assert(bcsc_wait_fired(&w.wait));
  cr_assert_eq(bcsc_executor_poll(&ex, 1), 1);
  cr_assert(bcsc_wait_linked(&w.wait), "w waits on `in` now");
  cr_assert(bcsc_wait_fired(&next.wait), "and its slot went on");
  cr_assert_eq(bcsc_executor_poll(&ex, 10), 1);
  cr_assert_eq(next.sent, 1);
  try_send_int(&in, 3);
  cr_assert_eq(bcsc_executor_run(&ex, NULL), 0);
  cr_assert_eq(w.got, 3);
  cr_assert_eq(try_recv_int(&out, &v), 0);
  cr_assert_eq(v, 7);
  cr_assert_eq(bcsc_channel_deinit(&out), 0);
  cr_assert_eq(bcsc_channel_deinit(&in), 0);
  teardown(&ex);
}

/* ---- misuse and teardown ------------------------------------------------ */

Test(channel, init_rejects_bad_arguments) {
  bcsc_channel_t ch;
  int ring[4];
  bcsc_test_misuse_t rec;

  bcsc_test_misuse_install(&rec);
  cr_assert_eq(bcsc_channel_init(NULL, ring, sizeof ring, 4), BCSC_EINVAL);
  cr_assert_eq(bcsc_channel_init(&ch, NULL, sizeof ring, 4), BCSC_EINVAL);
  cr_assert_eq(bcsc_channel_init(&ch, ring, sizeof ring, 0), BCSC_EINVAL);
  cr_assert_eq(bcsc_channel_init(&ch, ring, 3, 4), BCSC_EINVAL);
  cr_assert_eq(bcsc_channel_init(&ch, ring, 10, 4), BCSC_EINVAL);
  cr_assert_eq(rec.count, bcsc_test_misuse_expected(5));
  cr_assert_eq(bcsc_test_misuse_count_code(&rec, BCSC_MISUSE_BAD_ARGUMENT),
               bcsc_test_misuse_expected(4));
  bcsc_test_misuse_uninstall();
  cr_assert_eq(bcsc_channel_init(&ch, ring, sizeof ring, 4), 0);
  cr_assert_eq(bcsc_channel_deinit(&ch), 0);
}

Test(channel, a_wrong_element_size_is_rejected_and_changes_nothing) {
  bcsc_channel_t ch;
  int ring[2], v = 1;
  int64_t big = 0;
  bcsc_test_misuse_t rec;

  cr_assert_eq(bcsc_channel_init(&ch, ring, sizeof ring, sizeof(int)), 0);
  bcsc_test_misuse_install(&rec);
  cr_assert_eq(bcsc_channel_try_send(&ch, &big, sizeof big), BCSC_EINVAL);
  cr_assert_eq(bcsc_channel_try_send(&ch, NULL, sizeof v), BCSC_EINVAL);
  cr_assert_eq(bcsc_channel_buffered(&ch), 0);
  try_send_int(&ch, 1);
  cr_assert_eq(bcsc_channel_try_recv(&ch, &big, sizeof big), BCSC_EINVAL);
  cr_assert_eq(big, 0);
  cr_assert_eq(rec.count, bcsc_test_misuse_expected(3));
  cr_assert_eq(bcsc_test_misuse_count_code(&rec, BCSC_MISUSE_BAD_ARGUMENT),
               bcsc_test_misuse_expected(3));
  bcsc_test_misuse_uninstall();
  cr_assert_eq(bcsc_channel_buffered(&ch), 1);
  cr_assert_eq(try_recv_int(&ch, &v), 0);
  cr_assert_eq(v, 1);
  cr_assert_eq(bcsc_channel_deinit(&ch), 0);
}

/* A task that calls send and recv with a wrong size, and records what they
 * returned. */
typedef struct sizer {
  bcsc_task_t task;
  bcsc_wait_t wait;
  bcsc_channel_t *ch;
  int send_rc, recv_rc;
} sizer_t;

static int sizer_poll(bcsc_task_t *self) {
  sizer_t *s = (sizer_t *)self;
  int64_t big = 0;
  s->send_rc = bcsc_channel_send(self, s->ch, &s->wait, &big, sizeof big);
  s->recv_rc = bcsc_channel_recv(self, s->ch, &s->wait, &big, sizeof big);
  cr_assert_eq(big, 0);
  cr_assert_eq(bcsc_wait_linked(&s->wait), 0);
  return BCSC_DONE;
}

Test(channel, waiting_calls_reject_a_wrong_element_size) {
  bcsc_executor_t ex;
  bcsc_channel_t ch;
  int ring[2];
  sizer_t s;
  bcsc_test_misuse_t rec;

  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  cr_assert_eq(bcsc_channel_init(&ch, ring, sizeof ring, sizeof(int)), 0);
  memset(&s, 0, sizeof s);
  cr_assert_eq(bcsc_task_init(&s.task, sizer_poll, NULL), 0);
  cr_assert_eq(bcsc_wait_init(&s.wait), 0);
  s.ch = &ch;
  bcsc_test_misuse_install(&rec);
  cr_assert_eq(bcsc_executor_run(&ex, &s.task), 0);
  cr_assert_eq(s.send_rc, BCSC_EINVAL);
  cr_assert_eq(s.recv_rc, BCSC_EINVAL);
  cr_assert_eq(bcsc_test_misuse_count_code(&rec, BCSC_MISUSE_BAD_ARGUMENT),
               bcsc_test_misuse_expected(2));
  bcsc_test_misuse_uninstall();
  cr_assert_eq(bcsc_channel_buffered(&ch), 0);
  cr_assert_eq(bcsc_channel_deinit(&ch), 0);
  teardown(&ex);
}

Test(channel, waiting_calls_outside_the_tasks_poll_are_eperm) {
  bcsc_executor_t ex;
  bcsc_channel_t ch;
  int ring[1], v = 1;
  consumer_t c;
  bcsc_test_misuse_t rec;

  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  cr_assert_eq(bcsc_channel_init(&ch, ring, sizeof ring, sizeof v), 0);
  consumer_init(&c, &ch, 0);
  cr_assert_eq(bcsc_executor_spawn(&ex, &c.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 10), 1);
  try_send_int(&ch, 4); /* c holds a wake now */
  bcsc_test_misuse_install(&rec);
  cr_assert_eq(bcsc_channel_recv(&c.task, &ch, &c.wait[0], &v, sizeof v),
               BCSC_EPERM);
  cr_assert_eq(bcsc_channel_send(&c.task, &ch, &c.wait[1], &v, sizeof v),
               BCSC_EPERM);
  cr_assert_eq(bcsc_test_misuse_count_code(&rec, BCSC_MISUSE_NOT_RUNNING),
               bcsc_test_misuse_expected(2));
  bcsc_test_misuse_uninstall();
  cr_assert(bcsc_wait_fired(&c.wait[0]), "the wake is untouched");
  cr_assert_eq(bcsc_channel_close(&ch), 0);
  cr_assert_eq(bcsc_executor_run(&ex, NULL), 0);
  cr_assert_eq(c.n, 1);
  cr_assert_eq(c.got[0], 4);
  cr_assert_eq(c.end_rc, BCSC_ECLOSED);
  cr_assert_eq(bcsc_channel_deinit(&ch), 0);
  teardown(&ex);
}

Test(channel, use_after_deinit_is_reported) {
  bcsc_channel_t ch;
  int ring[2], v = 1;
  bcsc_test_misuse_t rec;

  cr_assert_eq(bcsc_channel_init(&ch, ring, sizeof ring, sizeof v), 0);
  cr_assert_eq(bcsc_channel_deinit(&ch), 0);
  bcsc_test_misuse_install(&rec);
  cr_assert_eq(bcsc_channel_try_send(&ch, &v, sizeof v), BCSC_EBADOBJ);
  cr_assert_eq(bcsc_channel_try_recv(&ch, &v, sizeof v), BCSC_EBADOBJ);
  cr_assert_eq(bcsc_channel_close(&ch), BCSC_EBADOBJ);
  cr_assert_eq(bcsc_channel_deinit(&ch), BCSC_EBADOBJ);
  cr_assert_eq(bcsc_channel_close(NULL), BCSC_EINVAL);
  cr_assert_eq(bcsc_channel_deinit(NULL), BCSC_EINVAL);
  cr_assert_eq(bcsc_test_misuse_count_code(&rec, BCSC_MISUSE_BAD_OBJECT),
               bcsc_test_misuse_expected(4));
  cr_assert_eq(bcsc_test_misuse_count_code(&rec, BCSC_MISUSE_NULL_OBJECT),
               bcsc_test_misuse_expected(2));
  bcsc_test_misuse_uninstall();
  cr_assert_eq(bcsc_channel_closed(&ch), 0);
  cr_assert_eq(bcsc_channel_buffered(&ch), 0);
  cr_assert_eq(bcsc_channel_capacity(&ch), 0);
}

/* D89: a torn-down channel answers its queries as a zero one does - not
 * the messages left in its ring, not its close - and leaves the ring and
 * the caller's field alone. */
Test(channel, queries_after_deinit_answer_as_for_a_zero_channel) {
  bcsc_channel_t ch;
  int ring[4] = {0}, v = 7;

  cr_assert_eq(bcsc_channel_init(&ch, ring, sizeof ring, sizeof v), 0);
  ch.data = &v;
  cr_assert_eq(bcsc_channel_try_send(&ch, &v, sizeof v), 0);
  cr_assert_eq(bcsc_channel_try_send(&ch, &v, sizeof v), 0);
  cr_assert_eq(bcsc_channel_close(&ch), 0);
  cr_assert_eq(bcsc_channel_buffered(&ch), 2);
  cr_assert_eq(bcsc_channel_deinit(&ch), 0);
  cr_assert_eq(bcsc_channel_closed(&ch), 0);
  cr_assert_eq(bcsc_channel_buffered(&ch), 0);
  cr_assert_eq(bcsc_channel_capacity(&ch), 0);
  cr_assert_eq(ch.data, &v);
  cr_assert_eq(ring[0], 7, "the caller's ring is not written");
  cr_assert_eq(ring[1], 7);
}

Test(channel, a_moved_channel_is_reported) {
  bcsc_channel_t ch, copy;
  int ring[2], v = 1;
  bcsc_test_misuse_t rec;

  cr_assert_eq(bcsc_channel_init(&ch, ring, sizeof ring, sizeof v), 0);
  memcpy(&copy, &ch, sizeof ch);
  bcsc_test_misuse_install(&rec);
  cr_assert_eq(bcsc_channel_try_send(&copy, &v, sizeof v), BCSC_EBADOBJ);
  cr_assert_eq(bcsc_test_misuse_count_code(&rec, BCSC_MISUSE_MOVED),
               bcsc_test_misuse_expected(1));
  bcsc_test_misuse_uninstall();
  cr_assert_eq(bcsc_channel_deinit(&ch), 0);
}

Test(channel, deinit_with_waiters_is_ebusy) {
  bcsc_executor_t ex;
  bcsc_channel_t ch;
  int ring[1];
  consumer_t c;
  bcsc_test_misuse_t rec;

  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  cr_assert_eq(bcsc_channel_init(&ch, ring, sizeof ring, sizeof(int)), 0);
  consumer_init(&c, &ch, 0);
  cr_assert_eq(bcsc_executor_spawn(&ex, &c.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 10), 1);
  bcsc_test_misuse_install(&rec);
  cr_assert_eq(bcsc_channel_deinit(&ch), BCSC_EBUSY);
  cr_assert_eq(bcsc_test_misuse_count_code(&rec, BCSC_MISUSE_WAITQ_BUSY),
               bcsc_test_misuse_expected(1));
  bcsc_test_misuse_uninstall();
  /* Still usable: the waiter gets the close. */
  cr_assert_eq(bcsc_channel_close(&ch), 0);
  cr_assert_eq(bcsc_executor_run(&ex, NULL), 0);
  cr_assert_eq(c.end_rc, BCSC_ECLOSED);
  cr_assert_eq(bcsc_channel_deinit(&ch), 0);
  teardown(&ex);
}

/* A task woken during its own poll (here: it yielded) takes the waiting
 * calls' general path, not the fast one; a send and a receive made there
 * must still move the message. (Mutation testing found the general path's
 * put and take unchecked: deleting either passed every suite.) */
typedef struct yield_then_io {
  bcsc_task_t task;
  bcsc_wait_t wait;
  bcsc_channel_t *ch;
  int sending;
  int value;
  int rc;
  uint32_t polls;
} yield_then_io_t;

static int yield_then_io_poll(bcsc_task_t *self) {
  yield_then_io_t *t = (yield_then_io_t *)self;
  if (t->polls++ > 0)
    return BCSC_DONE;
  cr_assert_eq(bcsc_task_yield(self), BCSC_PENDING);
  t->rc = t->sending ? bcsc_channel_send(self, t->ch, &t->wait, &t->value,
                                         sizeof t->value)
                     : bcsc_channel_recv(self, t->ch, &t->wait, &t->value,
                                         sizeof t->value);
  return BCSC_PENDING; /* the yield queued it: polled once more */
}

Test(channel, a_task_woken_in_its_own_poll_still_sends_and_receives) {
  bcsc_executor_t ex;
  bcsc_channel_t ch;
  int ring[2], v = -1;
  yield_then_io_t t;

  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  cr_assert_eq(bcsc_channel_init(&ch, ring, sizeof ring, sizeof v), 0);
  for (int sending = 1; sending >= 0; sending--) {
    memset(&t, 0, sizeof t);
    cr_assert_eq(bcsc_task_init(&t.task, yield_then_io_poll, NULL), 0);
    cr_assert_eq(bcsc_wait_init(&t.wait), 0);
    t.ch = &ch;
    t.sending = sending;
    t.value = sending ? 42 : -1;
    cr_assert_eq(bcsc_executor_spawn(&ex, &t.task), 0);
    cr_assert_eq(bcsc_executor_run(&ex, NULL), 0);
    cr_assert_eq(t.rc, 0, "%s returned %d", sending ? "send" : "recv", t.rc);
    cr_assert_eq(t.polls, 2);
    if (sending)
      cr_assert_eq(bcsc_channel_buffered(&ch), 1, "the message is in");
  }
  cr_assert_eq(t.value, 42, "the receive got the message");
  cr_assert_eq(bcsc_channel_buffered(&ch), 0);
  cr_assert_eq(try_recv_int(&ch, &v), BCSC_EAGAIN);
  cr_assert_eq(bcsc_channel_deinit(&ch), 0);
  teardown(&ex);
}

/* A sender queued on a full channel frees the slot itself in the poll
 * that queued it: that receive hands its registration the slot (a wake
 * fired during its own poll, which the fast path leaves to the general
 * one). A send through a second registration then queues behind it - the
 * slot is reserved - and the send through the first takes the slot in the
 * same poll although the second still waits. (A task is polled again only
 * once woken, which unlinks its registrations: only the poll that queued a
 * node can see it fired under it.) */
typedef struct self_freeing_sender {
  bcsc_task_t task;
  bcsc_wait_t send_wait[2], recv_wait;
  bcsc_channel_t *ch;
  int rc[4];
  int got;
  uint32_t polls;
} self_freeing_sender_t;

static int self_freeing_sender_poll(bcsc_task_t *self) {
  self_freeing_sender_t *t = (self_freeing_sender_t *)self;
  int v[2] = {2, 3};
  t->polls++;
  t->rc[0] =
      bcsc_channel_send(self, t->ch, &t->send_wait[0], &v[0], sizeof v[0]);
  t->rc[1] =
      bcsc_channel_recv(self, t->ch, &t->recv_wait, &t->got, sizeof t->got);
  t->rc[2] =
      bcsc_channel_send(self, t->ch, &t->send_wait[1], &v[1], sizeof v[1]);
  t->rc[3] =
      bcsc_channel_send(self, t->ch, &t->send_wait[0], &v[0], sizeof v[0]);
  return BCSC_DONE;
}

Test(channel, a_sender_that_frees_the_slot_takes_its_own_wake_in_that_poll) {
  self_freeing_sender_t t;
  bcsc_channel_t ch;
  bcsc_executor_t ex;
  int v = -1, ring[1]; /* full with one message */
  memset(&t, 0, sizeof t);
  cr_assert_eq(bcsc_channel_init(&ch, ring, sizeof ring, sizeof v), 0);
  try_send_int(&ch, 1);
  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  cr_assert_eq(bcsc_task_init(&t.task, self_freeing_sender_poll, NULL), 0);
  cr_assert_eq(bcsc_wait_init(&t.send_wait[0]), 0);
  cr_assert_eq(bcsc_wait_init(&t.send_wait[1]), 0);
  cr_assert_eq(bcsc_wait_init(&t.recv_wait), 0);
  t.ch = &ch;
  cr_assert_eq(bcsc_executor_run(&ex, &t.task), 0);
  cr_assert_eq(t.polls, 1);
  cr_assert_eq(t.rc[0], BCSC_PENDING, "the channel was full");
  cr_assert_eq(t.rc[1], 0);
  cr_assert_eq(t.got, 1);
  cr_assert_eq(t.rc[2], BCSC_PENDING, "the slot was reserved");
  cr_assert_eq(t.rc[3], 0, "took the slot it handed itself");
  cr_assert_eq(try_recv_int(&ch, &v), 0);
  cr_assert_eq(v, 2);
  cr_assert_eq(try_recv_int(&ch, &v), BCSC_EAGAIN, "sent once");
  cr_assert_eq(bcsc_channel_deinit(&ch), 0, "no wake left out");
  teardown(&ex);
}

Test(channel, sizeof_and_alignof_match_the_header) {
  cr_assert_eq(bcsc_channel_sizeof(), sizeof(bcsc_channel_t));
  cr_assert_eq(bcsc_channel_alignof(), _Alignof(bcsc_channel_t));
  cr_assert_eq(bcsc_channel_buffered(NULL), 0);
  cr_assert_eq(bcsc_channel_capacity(NULL), 0);
}

/* ---- randomized: producers and consumers under a cancellation storm -----
 * Producers send (producer, sequence) pairs; a producer slot keeps its
 * next sequence number across restarts, so the messages of one slot must
 * come out of the channel exactly once each and in order. Consumers check
 * that as they receive. Tasks are cancelled at random - while waiting,
 * right after being woken (holding a wake), or while queued - and some
 * consumers and producers also wait on a "noise" list (a select) and now
 * and then decline a wake from the channel. At each quiet point (nothing
 * ready): sent == received + buffered, no receiver waits while a message
 * is in the ring, and no sender waits while a slot is free. */

#define STORM_PRODUCERS 6
#define STORM_CONSUMERS 6
#define STORM_STEPS 30000

typedef struct storm storm_t;

typedef struct storm_task {
  bcsc_task_t task;
  bcsc_wait_t wait;
  bcsc_wait_t noise_wait;
  storm_t *storm;
  int slot;
  int selects;  /* also waits on the noise list */
  int fickle;   /* may decline a wake from the channel */
  int cleanup;  /* a cancelled consumer try_recvs once in cleanup */
  uint32_t got; /* this incarnation's messages */
} storm_task_t;

struct storm {
  uint64_t seed, rng;
  bcsc_executor_t ex;
  bcsc_channel_t ch;
  bcsc_waitq_t noise;
  uint32_t ring[4];
  storm_task_t producers[STORM_PRODUCERS];
  storm_task_t consumers[STORM_CONSUMERS];
  uint32_t next_seq[STORM_PRODUCERS]; /* the next one a slot sends */
  uint32_t expect[STORM_PRODUCERS];   /* the next one receivers must see */
  uint64_t sent, received, declined, cancelled_woken;
  int closing;
};

static uint64_t storm_rng(storm_t *s) {
  s->rng ^= s->rng << 13;
  s->rng ^= s->rng >> 7;
  s->rng ^= s->rng << 17;
  return s->rng;
}

static void storm_received(storm_t *s, uint32_t msg) {
  uint32_t p = msg >> 24, seq = msg & 0xffffff;
  cr_assert_lt(p, STORM_PRODUCERS, "seed %llu: garbage %x",
               (unsigned long long)s->seed, msg);
  cr_assert_eq(seq, s->expect[p],
               "seed %llu: producer %u: got %u, expected %u (lost, doubled "
               "or reordered)",
               (unsigned long long)s->seed, p, seq, s->expect[p]);
  s->expect[p]++;
  s->received++;
}

/* Decline a wake from the channel: wait on the noise list alone, so the
 * channel's wake is not taken and bcsc passes it on. */
static int storm_decline(bcsc_task_t *self, storm_task_t *t) {
  storm_t *s = t->storm;
  if (!t->fickle || !bcsc_wait_fired(&t->wait) || s->closing ||
      storm_rng(s) % 4 != 0)
    return 0;
  s->declined++;
  cr_assert_eq(bcsc_wait_register(self, &t->noise_wait, &s->noise), 0);
  return 1;
}

static int storm_noise(bcsc_task_t *self, storm_task_t *t) {
  if (bcsc_wait_fired(&t->noise_wait))
    cr_assert_eq(bcsc_wait_on(self, &t->noise_wait, &t->storm->noise), 0);
  if (t->selects && !bcsc_wait_linked(&t->noise_wait))
    cr_assert_eq(bcsc_wait_register(self, &t->noise_wait, &t->storm->noise), 0);
  return BCSC_PENDING;
}

static int storm_consumer_poll(bcsc_task_t *self) {
  storm_task_t *t = (storm_task_t *)self;
  storm_t *s = t->storm;
  uint32_t msg;
  int rc;
  if (bcsc_task_cancelled(self)) {
    rc = bcsc_channel_recv(self, &s->ch, &t->wait, &msg, sizeof msg);
    cr_assert_eq(rc, BCSC_ECANCELED, "seed %llu", (unsigned long long)s->seed);
    if (t->cleanup && bcsc_channel_try_recv(&s->ch, &msg, sizeof msg) == 0)
      storm_received(s, msg);
    return BCSC_ECANCELED;
  }
  if (storm_decline(self, t))
    return BCSC_PENDING;
  for (;;) {
    rc = bcsc_channel_recv(self, &s->ch, &t->wait, &msg, sizeof msg);
    if (rc == BCSC_PENDING)
      return storm_noise(self, t);
    if (rc != 0) {
      cr_assert_eq(rc, BCSC_ECLOSED, "seed %llu: %d",
                   (unsigned long long)s->seed, rc);
      return BCSC_DONE;
    }
    storm_received(s, msg);
    t->got++;
    /* Sometimes stop after a message, so consumers come and go. */
    if (!s->closing && storm_rng(s) % 8 == 0)
      return BCSC_DONE;
  }
}

static int storm_producer_poll(bcsc_task_t *self) {
  storm_task_t *t = (storm_task_t *)self;
  storm_t *s = t->storm;
  int rc;
  if (bcsc_task_cancelled(self)) {
    uint32_t msg = 0;
    rc = bcsc_channel_send(self, &s->ch, &t->wait, &msg, sizeof msg);
    cr_assert_eq(rc, BCSC_ECANCELED, "seed %llu", (unsigned long long)s->seed);
    return BCSC_ECANCELED;
  }
  if (storm_decline(self, t))
    return BCSC_PENDING;
  for (;;) {
    uint32_t msg = (uint32_t)t->slot << 24 | s->next_seq[t->slot];
    rc = bcsc_channel_send(self, &s->ch, &t->wait, &msg, sizeof msg);
    if (rc == BCSC_PENDING)
      return storm_noise(self, t);
    if (rc != 0) {
      cr_assert_eq(rc, BCSC_ECLOSED, "seed %llu: %d",
                   (unsigned long long)s->seed, rc);
      return BCSC_DONE;
    }
    s->next_seq[t->slot]++;
    s->sent++;
    if (storm_rng(s) % 6 == 0)
      return BCSC_DONE;
  }
}

static void storm_start(storm_t *s, storm_task_t *t, int slot, int consumer) {
  memset(t, 0, sizeof *t);
  cr_assert_eq(
      bcsc_task_init(
          &t->task, consumer ? storm_consumer_poll : storm_producer_poll, NULL),
      0);
  cr_assert_eq(bcsc_wait_init(&t->wait), 0);
  cr_assert_eq(bcsc_wait_init(&t->noise_wait), 0);
  t->storm = s;
  t->slot = slot;
  t->selects = storm_rng(s) % 3 == 0;
  t->fickle = storm_rng(s) % 3 == 0;
  t->cleanup = storm_rng(s) % 2 == 0;
  cr_assert_eq(bcsc_executor_spawn(&s->ex, &t->task), 0);
}

static int storm_live(const storm_task_t *t) {
  return t->task.poll != NULL && !bcsc_task_done(&t->task);
}

/* Nothing ready: check conservation and that nobody sleeps next to a unit
 * the channel could give them. */
static void storm_quiet_point(storm_t *s, int step) {
  uint32_t buffered = bcsc_channel_buffered(&s->ch);
  uint32_t capacity = bcsc_channel_capacity(&s->ch);
  cr_assert_eq(bcsc_executor_ready(&s->ex), 0);
  cr_assert_eq(s->sent, s->received + buffered,
               "seed %llu step %d: sent %llu != received %llu + buffered %u",
               (unsigned long long)s->seed, step, (unsigned long long)s->sent,
               (unsigned long long)s->received, buffered);
  for (int i = 0; i < STORM_CONSUMERS; i++) {
    const storm_task_t *t = &s->consumers[i];
    cr_assert(!storm_live(t) || buffered == 0 || !bcsc_wait_linked(&t->wait),
              "seed %llu step %d: consumer %d sleeps next to %u messages",
              (unsigned long long)s->seed, step, i, buffered);
    cr_assert(!bcsc_wait_fired(&t->wait), "seed %llu step %d: wake left",
              (unsigned long long)s->seed, step);
  }
  for (int i = 0; i < STORM_PRODUCERS; i++) {
    const storm_task_t *t = &s->producers[i];
    cr_assert(!storm_live(t) || buffered == capacity ||
                  !bcsc_wait_linked(&t->wait),
              "seed %llu step %d: producer %d sleeps next to a free slot",
              (unsigned long long)s->seed, step, i);
    cr_assert(!bcsc_wait_fired(&t->wait), "seed %llu step %d: wake left",
              (unsigned long long)s->seed, step);
  }
}

static void storm_cancel(storm_t *s, storm_task_t *t) {
  if (!storm_live(t) || bcsc_task_cancelled(&t->task))
    return;
  if (bcsc_wait_fired(&t->wait))
    s->cancelled_woken++;
  cr_assert_eq(bcsc_task_cancel(&t->task), 0);
}

static void storm_run(uint64_t seed) {
  static storm_t s; /* large, and tasks point into it */
  uint32_t capacity;
  memset(&s, 0, sizeof s);
  s.seed = seed;
  s.rng = seed * 0x9e3779b97f4a7c15u + 1;
  capacity = 1 + (uint32_t)(storm_rng(&s) % 4);
  cr_assert_eq(bcsc_executor_init(&s.ex, NULL), 0);
  cr_assert_eq(bcsc_waitq_init(&s.noise), 0);
  cr_assert_eq(bcsc_channel_init(&s.ch, s.ring, capacity * sizeof(uint32_t), 4),
               0);
  for (int step = 0; step < STORM_STEPS; step++) {
    uint64_t r = storm_rng(&s);
    int i = (int)((r >> 8) % STORM_PRODUCERS);
    int consumer = (r >> 16) & 1;
    storm_task_t *t = consumer ? &s.consumers[i] : &s.producers[i];
    switch (r % 8) {
    case 0:
    case 1:
      if (!storm_live(t))
        storm_start(&s, t, i, consumer);
      break;
    case 2:
      storm_cancel(&s, t);
      break;
    case 3:
      /* Cancel whoever holds a wake right now, if anyone does. */
      for (int k = 0; k < STORM_CONSUMERS; k++)
        if (bcsc_wait_fired(&s.consumers[k].wait) && storm_rng(&s) % 2 == 0)
          storm_cancel(&s, &s.consumers[k]);
      for (int k = 0; k < STORM_PRODUCERS; k++)
        if (bcsc_wait_fired(&s.producers[k].wait) && storm_rng(&s) % 2 == 0)
          storm_cancel(&s, &s.producers[k]);
      break;
    case 4:
      cr_assert_geq(bcsc_waitq_wake_one(&s.noise, 0), 0);
      break;
    case 5: {
      /* The host takes a message now and then (only if nobody is
       * ahead of it). */
      uint32_t msg;
      if (bcsc_channel_try_recv(&s.ch, &msg, sizeof msg) == 0)
        storm_received(&s, msg);
      break;
    }
    default:
      cr_assert_geq(bcsc_executor_poll(&s.ex, (uint32_t)(storm_rng(&s) % 6)),
                    0);
      break;
    }
    if (step % 50 == 0) {
      /* Wake the decliners too, so everyone is back in line. */
      cr_assert_geq(bcsc_waitq_wake_all(&s.noise, 0), 0);
      cr_assert_geq(bcsc_executor_poll(&s.ex, 1u << 20), 0);
      storm_quiet_point(&s, step);
    }
  }
  /* Close and drain: a consumer in every slot takes what is left (none
   * stops early or declines now), producers learn the close. */
  s.closing = 1;
  cr_assert_eq(bcsc_channel_close(&s.ch), 0);
  for (int i = 0; i < STORM_CONSUMERS; i++)
    if (!storm_live(&s.consumers[i]))
      storm_start(&s, &s.consumers[i], i, 1);
  for (int round = 0; round < 1000 && bcsc_executor_live_roots(&s.ex) > 0;
       round++) {
    cr_assert_geq(bcsc_waitq_wake_all(&s.noise, 0), 0);
    cr_assert_geq(bcsc_executor_poll(&s.ex, 1u << 20), 0);
  }
  cr_assert_eq(bcsc_executor_live_roots(&s.ex), 0, "seed %llu: stuck tasks",
               (unsigned long long)s.seed);
  cr_assert_eq(bcsc_channel_buffered(&s.ch), 0,
               "seed %llu: the last consumer drained the channel",
               (unsigned long long)s.seed);
  for (int p = 0; p < STORM_PRODUCERS; p++)
    cr_assert_eq(s.expect[p], s.next_seq[p], "seed %llu: producer %d",
                 (unsigned long long)s.seed, p);
  cr_assert_eq(s.sent, s.received);
  cr_assert_gt(s.sent, 500, "seed %llu: enough traffic",
               (unsigned long long)s.seed);
  cr_assert_gt(s.cancelled_woken, 0, "seed %llu: woken tasks were cancelled",
               (unsigned long long)s.seed);
  cr_log_info("seed %llu: capacity %u, %llu messages, %llu wakes declined, "
              "%llu woken tasks cancelled",
              (unsigned long long)s.seed, capacity, (unsigned long long)s.sent,
              (unsigned long long)s.declined,
              (unsigned long long)s.cancelled_woken);
  cr_assert_eq(bcsc_channel_deinit(&s.ch), 0);
  cr_assert_eq(bcsc_waitq_deinit(&s.noise), 0);
  teardown(&s.ex);
}

Test(channel, random_producers_and_consumers_under_a_cancellation_storm,
     .timeout = 120) {
  const char *env = getenv("BCSC_SEED");
  if (env != NULL && *env != '\0') {
    storm_run(strtoull(env, NULL, 0));
    return;
  }
  for (uint64_t seed = 1; seed <= 6; seed++)
    storm_run(seed);
}
