/* SPDX-License-Identifier: MIT
 * bench_channel.c - bounded channels: a token handed back and forth through
 * two capacity-1 channels, and 2 producers x 2 consumers over one channel of
 * capacity 64.
 *
 * channel_ping_pong: player A sends a token on channel ab and receives it
 * back on ba; player B receives on ab and sends on ba. The token is the hop
 * number: each receiver checks it against the hop count, counts the hop
 * and sends the next number on. The receiver of the last hop closes the
 * channel it would send on, so the other player, waiting to receive from
 * it, learns the end (BCSC_ECLOSED) and finishes too. Since the two
 * players alternate, a send always finds its one slot free: per hop, one
 * send that wakes the waiting receiver, one executor turn, one receive that
 * takes the message its wake reserved and one receive that registers.
 * One operation = one hop (one message received).
 *
 * channel_mpmc: two producers send 10^6 distinct uint64_t values in all
 * (producer p sends p * N/2 + 1 .. (p + 1) * N/2) into one channel of 64
 * slots; two consumers receive until the channel is closed (by the last
 * producer to finish) and drained, summing what they get. Every message
 * must be received exactly once: the count must be N and the sum
 * N (N + 1) / 2, or the program exits 3. One operation = one message.
 *
 * bcsc: a root task spawns the players (or producers and consumers), their
 * frames inside the root's frame, into one scope and joins it.
 *
 * Lower bounds: the same state machines driven by a hand-rolled ready FIFO,
 * over a hand-rolled capacity-1 slot (ping-pong) or ring (mpmc) with two
 * hand-rolled intrusive doubly-linked waiter lists (receivers, senders);
 * a wake pops the oldest waiter, marks it fired and queues its task. They
 * have no hand-off reservations: a woken task that finds its message (or
 * slot) taken by another simply waits again, so they are not FIFO-fair,
 * which bcsc's channel is.
 *
 * 2 producers x 2 consumers across two executors (a channel on each,
 * bridged by a ring with value wakes) is bench_pipeline.c's mpmc_2x2. */
#include <stdint.h>
#include <stdio.h>

#include "bcsc.h"
#include "bench.h"

#define FULL_HOPS 1000000u
#define CALLGRIND_HOPS 10000u
#define FULL_MESSAGES 1000000u
#define CALLGRIND_MESSAGES 10000u
#define MPMC_CAPACITY 64u
#define MPMC_PRODUCERS 2u
#define MPMC_CONSUMERS 2u

static uint32_t n_hops;
static uint32_t n_messages; /* a multiple of MPMC_PRODUCERS */

/* ======================================================================
 * channel_ping_pong, bcsc
 * ====================================================================== */

typedef struct pp_game {
  uint64_t hops;
  uint64_t target;
  uint32_t bad; /* a token arrived out of turn */
} pp_game_t;

typedef struct pp_player {
  bcsc_task_t task;
  bcsc_wait_t send_wait;
  bcsc_wait_t recv_wait;
  bcsc_channel_t *in;
  bcsc_channel_t *out;
  pp_game_t *game;
  uint64_t token;
  uint32_t sending; /* holds the token and has not sent it yet */
} pp_player_t;

static int pp_player_poll(bcsc_task_t *self) {
  pp_player_t *p = (pp_player_t *)self;
  pp_game_t *g = p->game;
  for (;;) {
    int rc;
    if (p->sending) {
      rc = bcsc_channel_send(self, p->out, &p->send_wait, &p->token,
                             sizeof p->token);
      if (rc != 0)
        return rc; /* BCSC_PENDING, or an error */
      p->sending = 0;
    }
    rc = bcsc_channel_recv(self, p->in, &p->recv_wait, &p->token,
                           sizeof p->token);
    if (rc == BCSC_ECLOSED)
      return BCSC_DONE; /* the other player received the last hop */
    if (rc != 0)
      return rc;
    if (p->token != ++g->hops)
      g->bad = 1;
    if (p->token == g->target) {
      (void)bcsc_channel_close(p->out);
      return BCSC_DONE;
    }
    p->token++;
    p->sending = 1;
  }
}

typedef struct pp_root {
  bcsc_task_t task;
  bcsc_scope_t scope;
  pp_player_t players[2];
  pp_game_t *game;
  bcsc_channel_t *channels; /* [0]: A -> B, [1]: B -> A */
  uint32_t state;
} pp_root_t;

static int pp_root_poll(bcsc_task_t *self) {
  pp_root_t *f = (pp_root_t *)self;
  int rc;
  if (f->state == 0) {
    if ((rc = bcsc_scope_init(&f->scope, self, BCSC_SCOPE_FAIL_FAST)) != 0)
      return rc;
    for (uint32_t i = 0; i < 2; i++) {
      pp_player_t *p = &f->players[i];
      p->game = f->game;
      p->out = &f->channels[i];
      p->in = &f->channels[i ^ 1u];
      p->token = 1;
      p->sending = i == 0; /* A starts with the token */
      if ((rc = bcsc_task_init(&p->task, pp_player_poll, NULL)) != 0 ||
          (rc = bcsc_wait_init(&p->send_wait)) != 0 ||
          (rc = bcsc_wait_init(&p->recv_wait)) != 0 ||
          (rc = bcsc_scope_spawn(&f->scope, &p->task)) != 0)
        return rc;
    }
    f->state = 1;
  }
  return bcsc_scope_join(&f->scope);
}

typedef struct pp_bcsc_ctx {
  pp_game_t game;
  bcsc_channel_t channels[2];
  uint64_t slots[2];
  int init_rc, run_rc, deinit_rc, channel_rc;
  bcsc_executor_stats_t stats;
} pp_bcsc_ctx_t;

BENCH_REGION static void bench_region_bcsc_channel_ping_pong(void *ctx) {
  pp_bcsc_ctx_t *c = (pp_bcsc_ctx_t *)ctx;
  bcsc_executor_t ex;
  pp_root_t root;

  c->game.hops = 0;
  c->game.target = n_hops;
  c->game.bad = 0;
  c->channel_rc = 0;
  for (uint32_t i = 0; i < 2; i++)
    c->channel_rc |= bcsc_channel_init(&c->channels[i], &c->slots[i],
                                       sizeof c->slots[i], sizeof c->slots[i]);
  c->init_rc = bcsc_executor_init(&ex, NULL);
  bcsc_task_init(&root.task, pp_root_poll, NULL);
  root.game = &c->game;
  root.channels = c->channels;
  root.state = 0;
  c->run_rc = bcsc_executor_run(&ex, &root.task);
  c->stats.size = sizeof c->stats;
  bcsc_executor_stats(&ex, &c->stats);
  c->deinit_rc = bcsc_executor_deinit(&ex);
  c->channel_rc |= bcsc_channel_deinit(&c->channels[0]) |
                   bcsc_channel_deinit(&c->channels[1]);
}

static int pp_bcsc_finish(void *ctx) {
  pp_bcsc_ctx_t *c = (pp_bcsc_ctx_t *)ctx;
  if (c->init_rc != 0 || c->run_rc != 0 || c->deinit_rc != 0 ||
      c->channel_rc != 0 || c->game.hops != n_hops || c->game.bad) {
    fprintf(stderr,
            "channel_ping_pong/bcsc: init %d run %s deinit %d channels %d, "
            "%llu of %u hops%s\n",
            c->init_rc, bcsc_err_name(c->run_rc), c->deinit_rc, c->channel_rc,
            (unsigned long long)c->game.hops, n_hops,
            c->game.bad ? ", a token out of turn" : "");
    return 1;
  }
  return 0;
}

/* ======================================================================
 * The lower bounds' machinery: tasks, a ready FIFO, waiter lists
 * ====================================================================== */

enum { LB_DONE = 0, LB_PENDING = 1, LB_CLOSED = 2 };

typedef struct lb_task lb_task_t;
typedef struct lb_waiter lb_waiter_t;

typedef struct lb_sched {
  lb_task_t *head, *tail; /* ready FIFO */
} lb_sched_t;

struct lb_task {
  lb_task_t *ready_next;
  int (*fn)(lb_task_t *t);
  lb_sched_t *sched;
  uint32_t done;
};

struct lb_waiter {
  lb_waiter_t *prev, *next;
  lb_task_t *task;
  uint32_t fired;
};

typedef struct lb_waitlist {
  lb_waiter_t *head, *tail;
} lb_waitlist_t;

static void lb_ready_push(lb_sched_t *s, lb_task_t *t) {
  t->ready_next = NULL;
  if (s->tail != NULL)
    s->tail->ready_next = t;
  else
    s->head = t;
  s->tail = t;
}

static void lb_link(lb_task_t *t, lb_waiter_t *w, lb_waitlist_t *l) {
  w->task = t;
  w->next = NULL;
  w->prev = l->tail;
  if (l->tail != NULL)
    l->tail->next = w;
  else
    l->head = w;
  l->tail = w;
}

static void lb_wake_one(lb_waitlist_t *l) {
  lb_waiter_t *w = l->head;
  if (w == NULL)
    return;
  l->head = w->next;
  if (l->head != NULL)
    l->head->prev = NULL;
  else
    l->tail = NULL;
  w->next = w->prev = NULL;
  w->fired = 1;
  lb_ready_push(w->task->sched, w->task);
}

static void lb_wake_all(lb_waitlist_t *l) {
  while (l->head != NULL)
    lb_wake_one(l);
}

/* Pop and run ready tasks until none is left; returns how many finished
 * and counts the polls into *polls (for the report, as bcsc's stats do). */
static uint32_t lb_run(lb_sched_t *s, uint64_t *polls) {
  uint32_t finished = 0;
  uint64_t n = 0;
  while (s->head != NULL) {
    lb_task_t *t = s->head;
    s->head = t->ready_next;
    if (s->head == NULL)
      s->tail = NULL;
    n++;
    if (t->fn(t) == LB_DONE) {
      t->done = 1;
      finished++;
    }
  }
  *polls = n;
  return finished;
}

/* ======================================================================
 * channel_ping_pong, lower bound: capacity-1 slots
 * ====================================================================== */

typedef struct lb_slot {
  uint64_t value;
  uint32_t full;
  uint32_t closed;
  lb_waitlist_t receivers, senders;
} lb_slot_t;

/* A woken task consumes its fired mark and looks again (it holds no
 * reservation). */
static int lb_slot_send(lb_task_t *t, lb_waiter_t *w, lb_slot_t *s,
                        uint64_t value) {
  w->fired = 0;
  if (s->closed)
    return LB_CLOSED;
  if (s->full) {
    lb_link(t, w, &s->senders);
    return LB_PENDING;
  }
  s->value = value;
  s->full = 1;
  lb_wake_one(&s->receivers);
  return LB_DONE;
}

static int lb_slot_recv(lb_task_t *t, lb_waiter_t *w, lb_slot_t *s,
                        uint64_t *value) {
  w->fired = 0;
  if (s->full) {
    *value = s->value;
    s->full = 0;
    lb_wake_one(&s->senders);
    return LB_DONE;
  }
  if (s->closed)
    return LB_CLOSED;
  lb_link(t, w, &s->receivers);
  return LB_PENDING;
}

static void lb_slot_close(lb_slot_t *s) {
  s->closed = 1;
  lb_wake_all(&s->senders);
  lb_wake_all(&s->receivers);
}

typedef struct lb_pp_player {
  lb_task_t task;
  lb_waiter_t send_wait;
  lb_waiter_t recv_wait;
  lb_slot_t *in;
  lb_slot_t *out;
  pp_game_t *game;
  uint64_t token;
  uint32_t sending;
} lb_pp_player_t;

__attribute__((noinline)) static int lb_pp_player_fn(lb_task_t *t) {
  lb_pp_player_t *p = (lb_pp_player_t *)t;
  pp_game_t *g = p->game;
  for (;;) {
    int rc;
    if (p->sending) {
      rc = lb_slot_send(t, &p->send_wait, p->out, p->token);
      if (rc != LB_DONE)
        return rc;
      p->sending = 0;
    }
    rc = lb_slot_recv(t, &p->recv_wait, p->in, &p->token);
    if (rc == LB_CLOSED)
      return LB_DONE;
    if (rc != LB_DONE)
      return rc;
    if (p->token != ++g->hops)
      g->bad = 1;
    if (p->token == g->target) {
      lb_slot_close(p->out);
      return LB_DONE;
    }
    p->token++;
    p->sending = 1;
  }
}

static int (*volatile lb_pp_player_fn_ptr)(lb_task_t *) = lb_pp_player_fn;

typedef struct lb_pp_ctx {
  pp_game_t game;
  lb_slot_t slots[2];
  lb_pp_player_t players[2];
  uint32_t finished;
  uint64_t polls;
} lb_pp_ctx_t;

BENCH_REGION static void bench_region_lower_channel_ping_pong(void *ctx) {
  lb_pp_ctx_t *c = (lb_pp_ctx_t *)ctx;
  lb_sched_t sched = {NULL, NULL};
  int (*fn)(lb_task_t *) = lb_pp_player_fn_ptr;

  c->game.hops = 0;
  c->game.target = n_hops;
  c->game.bad = 0;
  for (uint32_t i = 0; i < 2; i++) {
    lb_slot_t *s = &c->slots[i];
    s->full = s->closed = 0;
    s->receivers.head = s->receivers.tail = NULL;
    s->senders.head = s->senders.tail = NULL;
  }
  for (uint32_t i = 0; i < 2; i++) {
    lb_pp_player_t *p = &c->players[i];
    p->task.fn = fn;
    p->task.sched = &sched;
    p->task.done = 0;
    p->send_wait.fired = p->recv_wait.fired = 0;
    p->out = &c->slots[i];
    p->in = &c->slots[i ^ 1u];
    p->game = &c->game;
    p->token = 1;
    p->sending = i == 0;
    lb_ready_push(&sched, &p->task);
  }
  c->finished = lb_run(&sched, &c->polls);
}

static int lb_pp_finish(void *ctx) {
  lb_pp_ctx_t *c = (lb_pp_ctx_t *)ctx;
  int linked = 0;
  for (uint32_t i = 0; i < 2; i++)
    linked |=
        c->slots[i].receivers.head != NULL || c->slots[i].senders.head != NULL;
  if (c->finished != 2 || c->game.hops != n_hops || c->game.bad || linked) {
    fprintf(stderr,
            "channel_ping_pong/lower: %u finished, %llu of %u hops%s%s\n",
            c->finished, (unsigned long long)c->game.hops, n_hops,
            c->game.bad ? ", a token out of turn" : "",
            linked ? ", a waiter left linked" : "");
    return 1;
  }
  return 0;
}

/* ======================================================================
 * channel_mpmc, bcsc
 * ====================================================================== */

typedef struct mpmc_tally {
  uint64_t sum;
  uint64_t count;
  uint32_t producers_left;
} mpmc_tally_t;

typedef struct mpmc_producer {
  bcsc_task_t task;
  bcsc_wait_t wait;
  bcsc_channel_t *ch;
  mpmc_tally_t *tally;
  uint64_t next; /* the next value to send */
  uint64_t end;  /* one past the last */
} mpmc_producer_t;

typedef struct mpmc_consumer {
  bcsc_task_t task;
  bcsc_wait_t wait;
  bcsc_channel_t *ch;
  mpmc_tally_t *tally;
  uint64_t value;
  uint64_t sum;
  uint64_t count;
} mpmc_consumer_t;

static int mpmc_producer_poll(bcsc_task_t *self) {
  mpmc_producer_t *p = (mpmc_producer_t *)self;
  while (p->next != p->end) {
    int rc = bcsc_channel_send(self, p->ch, &p->wait, &p->next, sizeof p->next);
    if (rc != 0)
      return rc;
    p->next++;
  }
  /* The last producer closes, so the consumers finish once it is drained. */
  if (--p->tally->producers_left == 0)
    (void)bcsc_channel_close(p->ch);
  return BCSC_DONE;
}

static int mpmc_consumer_poll(bcsc_task_t *self) {
  mpmc_consumer_t *c = (mpmc_consumer_t *)self;
  for (;;) {
    int rc =
        bcsc_channel_recv(self, c->ch, &c->wait, &c->value, sizeof c->value);
    if (rc == BCSC_ECLOSED)
      break;
    if (rc != 0)
      return rc;
    c->sum += c->value;
    c->count++;
  }
  c->tally->sum += c->sum;
  c->tally->count += c->count;
  return BCSC_DONE;
}

typedef struct mpmc_root {
  bcsc_task_t task;
  bcsc_scope_t scope;
  mpmc_producer_t producers[MPMC_PRODUCERS];
  mpmc_consumer_t consumers[MPMC_CONSUMERS];
  bcsc_channel_t *ch;
  mpmc_tally_t *tally;
  uint32_t state;
} mpmc_root_t;

static int mpmc_root_poll(bcsc_task_t *self) {
  mpmc_root_t *f = (mpmc_root_t *)self;
  uint64_t share = n_messages / MPMC_PRODUCERS;
  int rc;
  if (f->state == 0) {
    if ((rc = bcsc_scope_init(&f->scope, self, BCSC_SCOPE_FAIL_FAST)) != 0)
      return rc;
    for (uint32_t i = 0; i < MPMC_PRODUCERS; i++) {
      mpmc_producer_t *p = &f->producers[i];
      p->ch = f->ch;
      p->tally = f->tally;
      p->next = i * share + 1;
      p->end = (i + 1) * share + 1;
      if ((rc = bcsc_task_init(&p->task, mpmc_producer_poll, NULL)) != 0 ||
          (rc = bcsc_wait_init(&p->wait)) != 0 ||
          (rc = bcsc_scope_spawn(&f->scope, &p->task)) != 0)
        return rc;
    }
    for (uint32_t i = 0; i < MPMC_CONSUMERS; i++) {
      mpmc_consumer_t *c = &f->consumers[i];
      c->ch = f->ch;
      c->tally = f->tally;
      c->sum = c->count = 0;
      if ((rc = bcsc_task_init(&c->task, mpmc_consumer_poll, NULL)) != 0 ||
          (rc = bcsc_wait_init(&c->wait)) != 0 ||
          (rc = bcsc_scope_spawn(&f->scope, &c->task)) != 0)
        return rc;
    }
    f->state = 1;
  }
  return bcsc_scope_join(&f->scope);
}

typedef struct mpmc_bcsc_ctx {
  mpmc_tally_t tally;
  bcsc_channel_t ch;
  uint64_t ring[MPMC_CAPACITY];
  int init_rc, run_rc, deinit_rc, channel_rc;
  bcsc_executor_stats_t stats;
} mpmc_bcsc_ctx_t;

BENCH_REGION static void bench_region_bcsc_channel_mpmc(void *ctx) {
  mpmc_bcsc_ctx_t *c = (mpmc_bcsc_ctx_t *)ctx;
  bcsc_executor_t ex;
  mpmc_root_t root;

  c->tally.sum = c->tally.count = 0;
  c->tally.producers_left = MPMC_PRODUCERS;
  c->channel_rc =
      bcsc_channel_init(&c->ch, c->ring, sizeof c->ring, sizeof c->ring[0]);
  c->init_rc = bcsc_executor_init(&ex, NULL);
  bcsc_task_init(&root.task, mpmc_root_poll, NULL);
  root.ch = &c->ch;
  root.tally = &c->tally;
  root.state = 0;
  c->run_rc = bcsc_executor_run(&ex, &root.task);
  c->stats.size = sizeof c->stats;
  bcsc_executor_stats(&ex, &c->stats);
  c->deinit_rc = bcsc_executor_deinit(&ex);
  c->channel_rc |= bcsc_channel_deinit(&c->ch);
}

static int mpmc_check(const char *side, const mpmc_tally_t *t) {
  uint64_t n = n_messages;
  if (t->count != n || t->sum != n * (n + 1) / 2) {
    fprintf(stderr,
            "channel_mpmc/%s: received %llu messages summing to %llu, "
            "expected %llu summing to %llu\n",
            side, (unsigned long long)t->count, (unsigned long long)t->sum,
            (unsigned long long)n, (unsigned long long)(n * (n + 1) / 2));
    return 1;
  }
  return 0;
}

static int mpmc_bcsc_finish(void *ctx) {
  mpmc_bcsc_ctx_t *c = (mpmc_bcsc_ctx_t *)ctx;
  if (c->init_rc != 0 || c->run_rc != 0 || c->deinit_rc != 0 ||
      c->channel_rc != 0) {
    fprintf(stderr, "channel_mpmc/bcsc: init %d run %s deinit %d channel %d\n",
            c->init_rc, bcsc_err_name(c->run_rc), c->deinit_rc, c->channel_rc);
    return 1;
  }
  return mpmc_check("bcsc", &c->tally);
}

/* ======================================================================
 * channel_mpmc, lower bound: a ring
 * ====================================================================== */

typedef struct lb_ring {
  uint64_t *slots;
  uint32_t capacity, head, count, closed;
  lb_waitlist_t receivers, senders;
} lb_ring_t;

static int lb_ring_send(lb_task_t *t, lb_waiter_t *w, lb_ring_t *r,
                        uint64_t value) {
  uint32_t slot;
  w->fired = 0;
  if (r->closed)
    return LB_CLOSED;
  if (r->count == r->capacity) {
    lb_link(t, w, &r->senders);
    return LB_PENDING;
  }
  slot = r->head + r->count;
  if (slot >= r->capacity)
    slot -= r->capacity;
  r->slots[slot] = value;
  r->count++;
  lb_wake_one(&r->receivers);
  return LB_DONE;
}

static int lb_ring_recv(lb_task_t *t, lb_waiter_t *w, lb_ring_t *r,
                        uint64_t *value) {
  w->fired = 0;
  if (r->count > 0) {
    *value = r->slots[r->head];
    if (++r->head == r->capacity)
      r->head = 0;
    r->count--;
    lb_wake_one(&r->senders);
    return LB_DONE;
  }
  if (r->closed)
    return LB_CLOSED;
  lb_link(t, w, &r->receivers);
  return LB_PENDING;
}

static void lb_ring_close(lb_ring_t *r) {
  r->closed = 1;
  lb_wake_all(&r->senders);
  lb_wake_all(&r->receivers);
}

typedef struct lb_mpmc_producer {
  lb_task_t task;
  lb_waiter_t wait;
  lb_ring_t *ring;
  mpmc_tally_t *tally;
  uint64_t next, end;
} lb_mpmc_producer_t;

typedef struct lb_mpmc_consumer {
  lb_task_t task;
  lb_waiter_t wait;
  lb_ring_t *ring;
  mpmc_tally_t *tally;
  uint64_t value, sum, count;
} lb_mpmc_consumer_t;

__attribute__((noinline)) static int lb_mpmc_producer_fn(lb_task_t *t) {
  lb_mpmc_producer_t *p = (lb_mpmc_producer_t *)t;
  while (p->next != p->end) {
    int rc = lb_ring_send(t, &p->wait, p->ring, p->next);
    if (rc != LB_DONE)
      return rc;
    p->next++;
  }
  if (--p->tally->producers_left == 0)
    lb_ring_close(p->ring);
  return LB_DONE;
}

__attribute__((noinline)) static int lb_mpmc_consumer_fn(lb_task_t *t) {
  lb_mpmc_consumer_t *c = (lb_mpmc_consumer_t *)t;
  for (;;) {
    int rc = lb_ring_recv(t, &c->wait, c->ring, &c->value);
    if (rc == LB_CLOSED)
      break;
    if (rc != LB_DONE)
      return rc;
    c->sum += c->value;
    c->count++;
  }
  c->tally->sum += c->sum;
  c->tally->count += c->count;
  return LB_DONE;
}

static int (*volatile lb_mpmc_producer_fn_ptr)(lb_task_t *) =
    lb_mpmc_producer_fn;
static int (*volatile lb_mpmc_consumer_fn_ptr)(lb_task_t *) =
    lb_mpmc_consumer_fn;

typedef struct lb_mpmc_ctx {
  mpmc_tally_t tally;
  lb_ring_t ring;
  uint64_t slots[MPMC_CAPACITY];
  lb_mpmc_producer_t producers[MPMC_PRODUCERS];
  lb_mpmc_consumer_t consumers[MPMC_CONSUMERS];
  uint32_t finished;
  uint64_t polls;
} lb_mpmc_ctx_t;

BENCH_REGION static void bench_region_lower_channel_mpmc(void *ctx) {
  lb_mpmc_ctx_t *c = (lb_mpmc_ctx_t *)ctx;
  lb_sched_t sched = {NULL, NULL};
  lb_ring_t *r = &c->ring;
  uint64_t share = n_messages / MPMC_PRODUCERS;

  c->tally.sum = c->tally.count = 0;
  c->tally.producers_left = MPMC_PRODUCERS;
  r->slots = c->slots;
  r->capacity = MPMC_CAPACITY;
  r->head = r->count = r->closed = 0;
  r->receivers.head = r->receivers.tail = NULL;
  r->senders.head = r->senders.tail = NULL;
  /* Spawned in bcsc's order: producers first, then consumers. */
  for (uint32_t i = 0; i < MPMC_PRODUCERS; i++) {
    lb_mpmc_producer_t *p = &c->producers[i];
    p->task.fn = lb_mpmc_producer_fn_ptr;
    p->task.sched = &sched;
    p->task.done = 0;
    p->wait.fired = 0;
    p->ring = r;
    p->tally = &c->tally;
    p->next = i * share + 1;
    p->end = (i + 1) * share + 1;
    lb_ready_push(&sched, &p->task);
  }
  for (uint32_t i = 0; i < MPMC_CONSUMERS; i++) {
    lb_mpmc_consumer_t *k = &c->consumers[i];
    k->task.fn = lb_mpmc_consumer_fn_ptr;
    k->task.sched = &sched;
    k->task.done = 0;
    k->wait.fired = 0;
    k->ring = r;
    k->tally = &c->tally;
    k->sum = k->count = 0;
    lb_ready_push(&sched, &k->task);
  }
  c->finished = lb_run(&sched, &c->polls);
}

static int lb_mpmc_finish(void *ctx) {
  lb_mpmc_ctx_t *c = (lb_mpmc_ctx_t *)ctx;
  if (c->finished != MPMC_PRODUCERS + MPMC_CONSUMERS ||
      c->ring.receivers.head != NULL || c->ring.senders.head != NULL ||
      c->ring.count != 0) {
    fprintf(stderr, "channel_mpmc/lower: %u finished, %u left in the ring\n",
            c->finished, c->ring.count);
    return 1;
  }
  return mpmc_check("lower", &c->tally);
}

int main(int argc, char **argv) {
  static pp_bcsc_ctx_t pp_bctx;
  static lb_pp_ctx_t pp_lctx;
  static mpmc_bcsc_ctx_t mpmc_bctx;
  static lb_mpmc_ctx_t mpmc_lctx;
  bench_side_t pp_sides[2] = {
      {"bcsc",
       "2 tasks in one scope, 2 bcsc_channel_t of capacity 1; "
       "bcsc_channel_send + 2 bcsc_channel_recv per hop",
       NULL, bench_region_bcsc_channel_ping_pong, pp_bcsc_finish, &pp_bctx,
       "bench_region_bcsc_channel_ping_pong"},
      {"lower",
       "2 state machines, hand-rolled ready FIFO, capacity-1 slots + "
       "intrusive doubly-linked waiter lists",
       NULL, bench_region_lower_channel_ping_pong, lb_pp_finish, &pp_lctx,
       "bench_region_lower_channel_ping_pong"},
  };
  bench_side_t mpmc_sides[2] = {
      {"bcsc",
       "2 producers + 2 consumers in one scope, one bcsc_channel_t of "
       "capacity 64 (uint64_t)",
       NULL, bench_region_bcsc_channel_mpmc, mpmc_bcsc_finish, &mpmc_bctx,
       "bench_region_bcsc_channel_mpmc"},
      {"lower",
       "the same 4 state machines, hand-rolled ready FIFO, a ring + "
       "2 intrusive doubly-linked waiter lists",
       NULL, bench_region_lower_channel_mpmc, lb_mpmc_finish, &mpmc_lctx,
       "bench_region_lower_channel_mpmc"},
  };
  bench_result_t pp_results[2], mpmc_results[2];
  int allocated;

  bench_init(argc, argv, "bench_channel",
             "bounded channels: ping-pong through two capacity-1 channels, "
             "2 producers x 2 consumers over capacity 64");
  if (!bench_opts.quiet)
    printf("  sizeof(bcsc_channel_t)=%zu\n", sizeof(bcsc_channel_t));
  n_hops = bench_opts.callgrind ? CALLGRIND_HOPS : FULL_HOPS;
  n_messages = bench_opts.callgrind ? CALLGRIND_MESSAGES : FULL_MESSAGES;

  bench_run_sides(pp_sides, pp_results, 2, n_hops);
  allocated = bench_report(
      "channel_ping_pong",
      "a token handed between two tasks through two capacity-1 channels",
      &pp_sides[0], &pp_results[0], &pp_sides[1], &pp_results[1], n_hops,
      "hop");
  if (!bench_opts.quiet)
    printf("  per hop: bcsc %.3f polls, %.3f wakes; lower %.3f polls\n",
           (double)pp_bctx.stats.polls / n_hops,
           (double)pp_bctx.stats.wakes / n_hops,
           (double)pp_lctx.polls / n_hops);

  bench_run_sides(mpmc_sides, mpmc_results, 2, n_messages);
  allocated |=
      bench_report("channel_mpmc",
                   "2 producers x 2 consumers over one channel of capacity 64",
                   &mpmc_sides[0], &mpmc_results[0], &mpmc_sides[1],
                   &mpmc_results[1], n_messages, "msg");
  if (!bench_opts.quiet)
    printf("  per message: bcsc %.3f polls, %.3f wakes; lower %.3f polls\n",
           (double)mpmc_bctx.stats.polls / n_messages,
           (double)mpmc_bctx.stats.wakes / n_messages,
           (double)mpmc_lctx.polls / n_messages);
  return allocated ? 1 : 0;
}
