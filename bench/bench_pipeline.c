/* SPDX-License-Identifier: MIT
 * bench_pipeline.c - a two-executor pipeline: stage A on executor 1 feeds
 * stage B on executor 2, each executor on a thread of its own parked in
 * the POSIX reactor when idle - against a lower bound that does the same
 * hand-off between two plain threads with atomics and an eventfd (the
 * store-buffering handshake bcsc uses, without tasks, slots or
 * executors), in the same run.
 *
 *  remote_local     one thread drives both executors: a task on executor 1
 *                   sends a remote child to executor 2 (bcsc_scope_spawn_on),
 *                   executor 2 runs it, and the join on executor 1 returns -
 *                   one remote child's whole round trip (spawn message,
 *                   host spawn, poll, completion, done message, scope end).
 *                   Lower: a request flag and a done flag and two direct
 *                   calls. Counted by scripts/bench-callgrind.sh.
 *  pipeline_remote  stage A sends each item to stage B as a remote child,
 *                   BATCH at a time into one scope, and joins the batch
 *                   before the next (fork-join across threads). Lower: A
 *                   writes BATCH items and publishes the batch, B
 *                   processes them and publishes each one's end (as each
 *                   remote child sends DONE), A waits for all BATCH; each
 *                   side sleeps in poll() on an eventfd when it must wait.
 *  mpmc_2x2         2 producers on executor 1 x 2 consumers on executor 2
 *                   (issue 4): the producers send into a bcsc_channel_t of
 *                   64 on executor 1, a bridge task moves the messages into
 *                   the ring of pipeline_wake, a bridge task on executor 2
 *                   sends them into a channel of 64 there, the consumers
 *                   receive (a channel belongs to one executor: this is how
 *                   2 x 2 across executors is built today). Lower: the
 *                   same two threads, 2 producers taking turns on one and
 *                   2 consumers on the other, one ring between them with
 *                   the flag + eventfd hand-off.
 *  pipeline_wake    a stream through a single-producer single-consumer ring
 *                   of RING items: stage A (a task on executor 1) fills it
 *                   and wakes stage B (a task on executor 2) with a value
 *                   waker; B empties it and wakes A when A waits for room.
 *                   Lower: the same ring between two threads with the
 *                   flag + eventfd hand-off in both directions.
 *
 * Every scenario runs through bench_run_sides (a warm-up, then alternating
 * repetitions, best and median) with heap calls counted on every thread.
 * The two-thread scenarios start their second thread in the untimed
 * set-up - glibc's first pthread_create in a process calls the allocator
 * once - so a region is the work and the wait for its end. Wall-clock
 * figures on a shared 2-core machine drift; compare the ratios within one
 * run (docs/benchmarks.md). --callgrind runs remote_local only: in the
 * two-thread scenarios stage B's instructions run on a thread that never
 * enters the region function, and how often each side spins, parks and
 * posts depends on how the two threads are scheduled. */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "bcsc.h"
#include "bench.h"

#define LOCAL_OPS 200000u
#define CALLGRIND_OPS 10000u
#define REMOTE_ITEMS 200000u
#define BATCH 16u
#define STREAM_ITEMS 2000000u
#define RING 256u
#define MPMC_ITEMS 1000000u

/* ---- remote_local ---------------------------------------------------------
 */

typedef struct item_task {
  bcsc_remote_task_t remote; /* first */
  uint64_t value;
  uint64_t *sum;
} item_task_t;

static int item_poll(bcsc_task_t *self) {
  item_task_t *t = (item_task_t *)(void *)self;
  *t->sum += t->value; /* stage B's work */
  return BCSC_DONE;
}

typedef struct local_owner {
  bcsc_task_t task;
  bcsc_scope_t scope;
  item_task_t child;
  bcsc_executor_t *host;
  uint64_t sent;
  uint64_t joined;
  uint64_t sum;
  int open;
} local_owner_t;

/* One child at a time: send, wait for the join, send the next. */
static int local_owner_poll(bcsc_task_t *self) {
  local_owner_t *o = (local_owner_t *)(void *)self;
  int rc;
  if (bcsc_task_cancelled(self))
    return o->open ? bcsc_scope_join(&o->scope) : BCSC_DONE;
  if (o->open) {
    if ((rc = bcsc_scope_join(&o->scope)) != 0)
      return rc; /* PENDING, or an error */
    o->open = 0;
    o->joined++;
  }
  if (bcsc_scope_init(&o->scope, self, BCSC_SCOPE_WAIT_ALL) != 0 ||
      bcsc_remote_task_init(&o->child.remote, item_poll, NULL) != 0)
    return BCSC_EINVAL;
  o->child.value = ++o->sent;
  o->child.sum = &o->sum;
  if (bcsc_scope_spawn_on(&o->scope, &o->child.remote, o->host) != 0)
    return BCSC_EINVAL;
  o->open = 1;
  return bcsc_scope_join(&o->scope); /* PENDING */
}

typedef struct local_ctx {
  bcsc_executor_t ex1, ex2;
  local_owner_t owner;
  uint64_t ops;
  int rc;
} local_ctx_t;

static void local_setup(void *ctx) {
  local_ctx_t *c = (local_ctx_t *)ctx;
  memset(&c->owner, 0, sizeof c->owner);
  c->owner.host = &c->ex2;
  c->rc = bcsc_executor_init(&c->ex1, NULL);
  if (c->rc == 0)
    c->rc = bcsc_executor_init(&c->ex2, NULL);
  if (c->rc == 0)
    c->rc = bcsc_task_init(&c->owner.task, local_owner_poll, NULL);
  if (c->rc == 0)
    c->rc = bcsc_executor_spawn(&c->ex1, &c->owner.task);
  /* The first child is on its way: each op below completes one. */
  if (c->rc == 0 && bcsc_executor_poll(&c->ex1, 1) != 1)
    c->rc = -1;
}

BENCH_REGION static void bench_region_bcsc_remote_local(void *ctx) {
  local_ctx_t *c = (local_ctx_t *)ctx;
  for (uint64_t i = 0; i < c->ops; i++) {
    bcsc_executor_poll(&c->ex2, 1); /* take the spawn, run the child */
    bcsc_executor_poll(&c->ex1, 1); /* take the done, join, send the next */
  }
}

static int local_finish(void *ctx) {
  local_ctx_t *c = (local_ctx_t *)ctx;
  int ok = c->rc == 0 && c->owner.joined == c->ops &&
           c->owner.sum == c->ops * (c->ops + 1) / 2;
  bcsc_task_cancel(&c->owner.task);
  for (int i = 0; i < 4; i++) {
    bcsc_executor_poll(&c->ex2, 8);
    bcsc_executor_poll(&c->ex1, 8);
  }
  if (bcsc_executor_deinit(&c->ex2) != 0 || bcsc_executor_deinit(&c->ex1) != 0)
    ok = 0;
  if (!ok)
    fprintf(stderr, "remote_local/bcsc: rc %d, %llu joins of %llu\n", c->rc,
            (unsigned long long)c->owner.joined, (unsigned long long)c->ops);
  return !ok;
}

typedef struct lower_local {
  atomic_uint request, done;
  uint64_t value;
  uint64_t sum;
  uint64_t joined;
  uint64_t ops;
} lower_local_t;

static __attribute__((noinline)) void lower_stage_b(lower_local_t *c) {
  c->sum += c->value;
}

BENCH_REGION static void bench_region_lower_remote_local(void *ctx) {
  lower_local_t *c = (lower_local_t *)ctx;
  for (uint64_t i = 0; i < c->ops; i++) {
    /* A sends, B takes and runs it and says so, A takes the answer. */
    c->value = i + 1;
    atomic_store_explicit(&c->request, 1, memory_order_release);
    if (atomic_exchange_explicit(&c->request, 0, memory_order_acquire)) {
      lower_stage_b(c);
      atomic_store_explicit(&c->done, 1, memory_order_release);
    }
    if (atomic_exchange_explicit(&c->done, 0, memory_order_acquire))
      c->joined++;
  }
}

static void lower_local_setup(void *ctx) {
  lower_local_t *c = (lower_local_t *)ctx;
  c->sum = 0;
  c->joined = 0;
}

static int lower_local_finish(void *ctx) {
  lower_local_t *c = (lower_local_t *)ctx;
  return c->joined != c->ops || c->sum != c->ops * (c->ops + 1) / 2;
}

/* ---- the lower bound's hand-off: a sequence number + an eventfd --------- */

typedef struct signal {
  int efd;
  atomic_uint seq;      /* moved on by the other side */
  atomic_uint sleeping; /* this side announced a sleep */
} signal_t;

static int signal_init(signal_t *s) {
  atomic_store(&s->seq, 0);
  atomic_store(&s->sleeping, 0);
  s->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  return s->efd < 0;
}

/* The other side: move seq on, tell a sleeper. */
static void signal_post(signal_t *s) {
  atomic_fetch_add_explicit(&s->seq, 1, memory_order_seq_cst);
  if (atomic_load_explicit(&s->sleeping, memory_order_seq_cst) &&
      atomic_exchange_explicit(&s->sleeping, 0, memory_order_seq_cst)) {
    uint64_t one = 1;
    if (write(s->efd, &one, sizeof one) < 0)
      abort();
  }
}

/* This side: wait until seq is past `seen`; returns it. */
static uint32_t signal_wait(signal_t *s, uint32_t seen) {
  for (;;) {
    uint32_t v = atomic_load_explicit(&s->seq, memory_order_acquire);
    struct pollfd pfd = {s->efd, POLLIN, 0};
    uint64_t drained;
    if (v != seen)
      return v;
    atomic_store_explicit(&s->sleeping, 1, memory_order_seq_cst);
    if (atomic_load_explicit(&s->seq, memory_order_seq_cst) != seen) {
      atomic_store_explicit(&s->sleeping, 0, memory_order_relaxed);
      continue;
    }
    while (poll(&pfd, 1, -1) < 0 && errno == EINTR)
      ;
    if (read(s->efd, &drained, sizeof drained) < 0 && errno != EAGAIN)
      abort();
    atomic_store_explicit(&s->sleeping, 0, memory_order_relaxed);
  }
}

/* A lower bound's two threads: the hand-off signals both ways and the
 * second thread - the first member of the bound's state, which set-up
 * zeroes before every run but n. */
typedef struct lower_pair {
  signal_t to_b, to_a; /* to the second thread / back to this one */
  pthread_t thread;
  uint32_t n; /* items per run */
  int rc;     /* set-up failed */
} lower_pair_t;

/* Zeroes `size` bytes of a run's state, which begin with its lower_pair_t,
 * keeping n, and opens both signals; returns the pair's rc. */
static int lower_pair_reset(void *state, size_t size) {
  lower_pair_t *p = (lower_pair_t *)state;
  uint32_t n = p->n;
  memset(state, 0, size);
  p->n = n;
  p->rc = signal_init(&p->to_b) || signal_init(&p->to_a);
  return p->rc;
}

/* Starts the second thread, second(state), once the pair is reset. */
static void lower_pair_start(lower_pair_t *p, void *(*second)(void *),
                             void *state) {
  p->rc = pthread_create(&p->thread, NULL, second, state) != 0;
}

/* The end of a run, the second thread joined: closes both signals; 1 if
 * the set-up had failed. */
static int lower_pair_end(const char *what, lower_pair_t *p) {
  if (p->rc != 0) {
    fprintf(stderr, "%s: set-up failed\n", what);
    return 1;
  }
  close(p->to_b.efd);
  close(p->to_a.efd);
  return 0;
}

/* ---- two executors on two threads -----------------------------------------
 */

typedef struct stage_ex {
  bcsc_executor_t ex;
  bcsc_posix_reactor_t reactor;
  bcsc_waker_slot_t slots[4];
  bcsc_task_t *root;
  pthread_t thread;
  int rc;
} stage_ex_t;

static int stage_ex_init(stage_ex_t *s) {
  bcsc_executor_config_t config;
  memset(&config, 0, sizeof config);
  config.size = sizeof config;
  config.reactor = &s->reactor.base;
  config.waker_slots = s->slots;
  config.waker_slot_count = 4;
  if (bcsc_posix_reactor_init(&s->reactor) != 0)
    return 1;
  return bcsc_executor_init(&s->ex, &config) != 0;
}

static void stage_ex_deinit(stage_ex_t *s) {
  bcsc_executor_bind_thread(&s->ex);
  bcsc_executor_deinit(&s->ex);
  bcsc_posix_reactor_deinit(&s->reactor);
}

static void stage_ex_stats(stage_ex_t *s, bcsc_executor_stats_t *st) {
  memset(st, 0, sizeof *st);
  st->size = sizeof *st;
  bcsc_executor_stats(&s->ex, st);
}

/* Stage B of pipeline_remote and pipeline_wake adds up the items 1 .. n. */
static int check_sum(const char *what, uint64_t sum, uint64_t n) {
  if (sum == n * (n + 1) / 2)
    return 0;
  fprintf(stderr, "%s: items sum to %llu (want %llu)\n", what,
          (unsigned long long)sum, (unsigned long long)(n * (n + 1) / 2));
  return 1;
}

static void *stage_main(void *arg) {
  stage_ex_t *s = (stage_ex_t *)arg;
  s->rc = bcsc_executor_run(&s->ex, s->root);
  return NULL;
}

/* The two executors of a two-thread scenario's bcsc side: the first
 * member of its state, which set-up zeroes before every run but n. */
typedef struct stage_pair {
  stage_ex_t a, b;
  uint32_t n; /* items per run */
  int rc;     /* set-up failed */
} stage_pair_t;

/* Zeroes `size` bytes of a run's state, which begin with its stage_pair_t,
 * keeping n, and initialises both executors; returns the pair's rc. */
static int stage_pair_reset(void *state, size_t size) {
  stage_pair_t *p = (stage_pair_t *)state;
  uint32_t n = p->n;
  memset(state, 0, size);
  p->n = n;
  p->rc = stage_ex_init(&p->a) || stage_ex_init(&p->b);
  return p->rc;
}

/* Starts executor 2's thread, running until `root` ends (NULL: until its
 * tasks have all ended); returns the pair's rc. */
static int stage_pair_start_b(stage_pair_t *p, bcsc_task_t *root) {
  p->b.root = root;
  p->rc = pthread_create(&p->b.thread, NULL, stage_main, &p->b) != 0;
  return p->rc;
}

/* The end of a run, executor 2's thread joined: both executors' runs must
 * have returned 0. Tears them down. */
static int stage_pair_end(const char *what, stage_pair_t *p) {
  int bad = p->a.rc != 0 || p->b.rc != 0;
  if (bad)
    fprintf(stderr, "%s: executor runs returned %d, %d\n", what, p->a.rc,
            p->b.rc);
  stage_ex_deinit(&p->b);
  stage_ex_deinit(&p->a);
  return bad;
}

/* Executor 2's root while it hosts: waits for a value wake that says the
 * pipeline is over. */
typedef struct keeper {
  bcsc_task_t task;
  bcsc_waker_t waker;
  atomic_int published;
  atomic_int stop;
} keeper_t;

static int keeper_poll(bcsc_task_t *self) {
  keeper_t *k = (keeper_t *)(void *)self;
  if (!atomic_load_explicit(&k->published, memory_order_relaxed)) {
    if (bcsc_task_waker(self, &k->waker) != 0)
      return BCSC_EINVAL;
    atomic_store_explicit(&k->published, 1, memory_order_release);
  }
  (void)bcsc_task_waker_woken(self);
  return atomic_load_explicit(&k->stop, memory_order_acquire) ? BCSC_DONE
                                                              : BCSC_PENDING;
}

static void keeper_stop(keeper_t *k) {
  while (!atomic_load_explicit(&k->published, memory_order_acquire))
    ;
  atomic_store_explicit(&k->stop, 1, memory_order_release);
  bcsc_waker_wake(k->waker);
}

/* ---- pipeline_remote ------------------------------------------------------
 */

typedef struct batch_owner {
  bcsc_task_t task;
  bcsc_scope_t scope;
  item_task_t children[BATCH];
  bcsc_executor_t *host;
  uint64_t items;
  uint64_t sent;
  uint64_t sum; /* written by stage B's tasks, one batch at a time */
  int open;
} batch_owner_t;

static int batch_owner_poll(bcsc_task_t *self) {
  batch_owner_t *o = (batch_owner_t *)(void *)self;
  int rc;
  for (;;) {
    if (o->open) {
      if ((rc = bcsc_scope_join(&o->scope)) != 0)
        return rc;
      o->open = 0;
    }
    if (o->sent == o->items)
      return BCSC_DONE;
    if (bcsc_scope_init(&o->scope, self, BCSC_SCOPE_WAIT_ALL) != 0)
      return BCSC_EINVAL;
    o->open = 1;
    for (uint32_t i = 0; i < BATCH && o->sent < o->items; i++) {
      item_task_t *c = &o->children[i];
      bcsc_remote_task_init(&c->remote, item_poll, NULL);
      c->value = ++o->sent;
      c->sum = &o->sum;
      if (bcsc_scope_spawn_on(&o->scope, &c->remote, o->host) != 0)
        return BCSC_EINVAL;
    }
  }
}

/* Executor 2's thread is started, and its keeper polled once, in the
 * untimed set-up. The region is stage A's executor running until the last
 * batch is joined - every item's work is done then; stopping the keeper
 * and joining the thread come after it. */
typedef struct remote_bcsc {
  stage_pair_t pair; /* first */
  batch_owner_t owner;
  keeper_t keeper;
  bcsc_executor_stats_t st1, st2; /* of the last run */
} remote_bcsc_t;

static void remote_bcsc_setup(void *ctx) {
  remote_bcsc_t *c = (remote_bcsc_t *)ctx;
  if (stage_pair_reset(c, sizeof *c) != 0)
    return;
  bcsc_task_init(&c->owner.task, batch_owner_poll, NULL);
  bcsc_task_init(&c->keeper.task, keeper_poll, NULL);
  c->owner.host = &c->pair.b.ex;
  c->owner.items = c->pair.n;
  bcsc_executor_spawn(&c->pair.b.ex, &c->keeper.task);
  if (stage_pair_start_b(&c->pair, &c->keeper.task) != 0)
    return;
  while (!atomic_load_explicit(&c->keeper.published, memory_order_acquire))
    ;
}

BENCH_REGION static void bench_region_bcsc_pipeline_remote(void *ctx) {
  remote_bcsc_t *c = (remote_bcsc_t *)ctx;
  if (c->pair.rc != 0)
    return;
  c->pair.a.rc = bcsc_executor_run(&c->pair.a.ex, &c->owner.task); /* stage A */
}

static int remote_bcsc_finish(void *ctx) {
  remote_bcsc_t *c = (remote_bcsc_t *)ctx;
  int bad;
  if (c->pair.rc != 0) {
    fprintf(stderr, "pipeline_remote/bcsc: set-up failed\n");
    return 1;
  }
  keeper_stop(&c->keeper);
  pthread_join(c->pair.b.thread, NULL);
  stage_ex_stats(&c->pair.a, &c->st1);
  stage_ex_stats(&c->pair.b, &c->st2);
  bad = check_sum("pipeline_remote/bcsc", c->owner.sum, c->pair.n);
  return stage_pair_end("pipeline_remote/bcsc", &c->pair) | bad;
}

/* The bound's stage B thread is started in the set-up too; the region is
 * stage A sending every batch and waiting for each item's end. */
typedef struct lower_batch {
  lower_pair_t pair; /* first */
  uint64_t items[BATCH];
  uint32_t count;
  uint64_t sum;
} lower_batch_t;

static void *lower_batch_b(void *arg) {
  lower_batch_t *l = (lower_batch_t *)arg;
  uint32_t seen = 0;
  uint64_t done = 0;
  while (done < l->pair.n) {
    seen = signal_wait(&l->pair.to_b, seen);
    /* Each item says it is done, as each remote child does. */
    for (uint32_t i = 0; i < l->count; i++) {
      l->sum += l->items[i];
      signal_post(&l->pair.to_a);
    }
    done += l->count;
  }
  return NULL;
}

static void lower_batch_setup(void *ctx) {
  lower_batch_t *l = (lower_batch_t *)ctx;
  if (lower_pair_reset(l, sizeof *l) == 0)
    lower_pair_start(&l->pair, lower_batch_b, l);
}

BENCH_REGION static void bench_region_lower_pipeline_remote(void *ctx) {
  lower_batch_t *l = (lower_batch_t *)ctx;
  uint64_t sent = 0;
  uint32_t acked = 0;
  if (l->pair.rc != 0)
    return;
  while (sent < l->pair.n) {
    uint32_t n = 0;
    for (; n < BATCH && sent < l->pair.n; n++)
      l->items[n] = ++sent;
    l->count = n;
    signal_post(&l->pair.to_b);
    for (uint32_t target = acked + n; acked != target;)
      acked = signal_wait(&l->pair.to_a, acked);
  }
}

static int lower_batch_finish(void *ctx) {
  lower_batch_t *l = (lower_batch_t *)ctx;
  if (l->pair.rc == 0)
    pthread_join(l->pair.thread, NULL);
  if (lower_pair_end("pipeline_remote/lower", &l->pair) != 0)
    return 1;
  return check_sum("pipeline_remote/lower", l->sum, l->pair.n);
}

/* ---- pipeline_wake --------------------------------------------------------
 */

typedef struct ring {
  _Alignas(64) atomic_uint head; /* next to take (consumer) */
  _Alignas(64) atomic_uint tail; /* next to fill (producer) */
  _Alignas(64) uint64_t items[RING];
} ring_t;

typedef struct stream_stage {
  bcsc_task_t task;
  ring_t *ring;
  struct stream_stage *peer;
  bcsc_waker_t waker;
  atomic_int published;
  uint64_t n;
  uint64_t count; /* produced or consumed */
  uint64_t sum;
  uint64_t wakes_sent;
} stream_stage_t;

static int stream_publish_waker(stream_stage_t *s) {
  if (atomic_load_explicit(&s->published, memory_order_relaxed))
    return 0;
  if (bcsc_task_waker(&s->task, &s->waker) != 0)
    return BCSC_EINVAL;
  atomic_store_explicit(&s->published, 1, memory_order_release);
  return 0;
}

static void stream_wake(stream_stage_t *s) {
  stream_stage_t *p = s->peer;
  while (!atomic_load_explicit(&p->published, memory_order_acquire))
    ;
  bcsc_waker_wake(p->waker);
  s->wakes_sent++;
}

static int producer_poll(bcsc_task_t *self) {
  stream_stage_t *s = (stream_stage_t *)(void *)self;
  ring_t *r = s->ring;
  uint32_t head, tail;
  int pushed = 0;
  if (stream_publish_waker(s) != 0)
    return BCSC_EINVAL;
  (void)bcsc_task_waker_woken(self);
  tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
  head = atomic_load_explicit(&r->head, memory_order_acquire);
  while (s->count < s->n && tail - head < RING) {
    r->items[tail % RING] = ++s->count;
    tail++;
    pushed = 1;
  }
  if (pushed) {
    atomic_store_explicit(&r->tail, tail, memory_order_release);
    stream_wake(s);
  }
  if (s->count == s->n)
    return BCSC_DONE;
  /* Full: the consumer wakes this task once it has taken some. It may
   * have done so since the head was read: the wake is kept. */
  if (atomic_load_explicit(&r->head, memory_order_acquire) != head)
    return bcsc_task_yield(self);
  return BCSC_PENDING;
}

static int consumer_poll(bcsc_task_t *self) {
  stream_stage_t *s = (stream_stage_t *)(void *)self;
  ring_t *r = s->ring;
  uint32_t head, tail;
  if (stream_publish_waker(s) != 0)
    return BCSC_EINVAL;
  (void)bcsc_task_waker_woken(self);
  head = atomic_load_explicit(&r->head, memory_order_relaxed);
  tail = atomic_load_explicit(&r->tail, memory_order_acquire);
  if (head != tail) {
    s->count += tail - head;
    for (; head != tail; head++)
      s->sum += r->items[head % RING];
    atomic_store_explicit(&r->head, head, memory_order_release);
    if (s->count == s->n)
      return BCSC_DONE;
    stream_wake(s); /* there is room: a producer waiting for it goes on */
  }
  return BCSC_PENDING;
}

/* Executor 2's thread is started in the untimed set-up, as in
 * pipeline_remote; the region is the stream: executor 1 runs until the
 * producer has put in the last item, then executor 2's thread is joined -
 * its run returns when the consumer has taken the last one. */
typedef struct stream_bcsc {
  stage_pair_t pair; /* first */
  stream_stage_t prod, cons;
  ring_t ring;
  uint64_t wakes; /* value wakes sent in the last run */
} stream_bcsc_t;

static void stream_bcsc_setup(void *ctx) {
  stream_bcsc_t *c = (stream_bcsc_t *)ctx;
  if (stage_pair_reset(c, sizeof *c) != 0)
    return;
  bcsc_task_init(&c->prod.task, producer_poll, NULL);
  bcsc_task_init(&c->cons.task, consumer_poll, NULL);
  c->prod.ring = c->cons.ring = &c->ring;
  c->prod.peer = &c->cons;
  c->cons.peer = &c->prod;
  c->prod.n = c->cons.n = c->pair.n;
  bcsc_executor_spawn(&c->pair.b.ex, &c->cons.task);
  (void)stage_pair_start_b(&c->pair, NULL);
}

BENCH_REGION static void bench_region_bcsc_pipeline_wake(void *ctx) {
  stream_bcsc_t *c = (stream_bcsc_t *)ctx;
  if (c->pair.rc != 0)
    return;
  c->pair.a.rc = bcsc_executor_run(&c->pair.a.ex, &c->prod.task);
  pthread_join(c->pair.b.thread, NULL);
}

static int stream_bcsc_finish(void *ctx) {
  stream_bcsc_t *c = (stream_bcsc_t *)ctx;
  int bad;
  if (c->pair.rc != 0) {
    fprintf(stderr, "pipeline_wake/bcsc: set-up failed\n");
    return 1;
  }
  c->wakes = c->prod.wakes_sent + c->cons.wakes_sent;
  bad = check_sum("pipeline_wake/bcsc", c->cons.sum, c->pair.n);
  return stage_pair_end("pipeline_wake/bcsc", &c->pair) | bad;
}

/* The bound's consumer thread is started in the set-up; the region is the
 * producer's loop and the join of the consumer, which ends when it has
 * taken the last item. */
typedef struct lower_stream {
  lower_pair_t pair; /* first; to_b: items there, to_a: room there */
  ring_t ring;
  uint64_t sum;
  uint64_t posts_to_b, posts_to_a; /* each written by one thread */
} lower_stream_t;

/* A lower bound's consumer: waits until the ring has items, returns its
 * tail and sets *head. */
static uint32_t lower_ring_wait_items(ring_t *r, signal_t *items,
                                      uint32_t *head) {
  for (;;) {
    uint32_t seen = atomic_load_explicit(&items->seq, memory_order_acquire);
    uint32_t tail;
    *head = atomic_load_explicit(&r->head, memory_order_relaxed);
    tail = atomic_load_explicit(&r->tail, memory_order_acquire);
    if (*head != tail)
      return tail;
    (void)signal_wait(items, seen);
  }
}

static void *lower_consumer(void *arg) {
  lower_stream_t *l = (lower_stream_t *)arg;
  ring_t *r = &l->ring;
  uint64_t count = 0;
  while (count < l->pair.n) {
    uint32_t head;
    uint32_t tail = lower_ring_wait_items(r, &l->pair.to_b, &head);
    count += tail - head;
    for (; head != tail; head++)
      l->sum += r->items[head % RING];
    atomic_store_explicit(&r->head, head, memory_order_release);
    if (count < l->pair.n) {
      signal_post(&l->pair.to_a);
      l->posts_to_a++;
    }
  }
  return NULL;
}

static void lower_stream_setup(void *ctx) {
  lower_stream_t *l = (lower_stream_t *)ctx;
  if (lower_pair_reset(l, sizeof *l) == 0)
    lower_pair_start(&l->pair, lower_consumer, l);
}

BENCH_REGION static void bench_region_lower_pipeline_wake(void *ctx) {
  lower_stream_t *l = (lower_stream_t *)ctx;
  ring_t *r = &l->ring;
  uint64_t count = 0;
  if (l->pair.rc != 0)
    return;
  while (count < l->pair.n) {
    uint32_t seen =
        atomic_load_explicit(&l->pair.to_a.seq, memory_order_acquire);
    uint32_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
    uint32_t head = atomic_load_explicit(&r->head, memory_order_acquire);
    int pushed = 0;
    while (count < l->pair.n && tail - head < RING) {
      r->items[tail % RING] = ++count;
      tail++;
      pushed = 1;
    }
    if (pushed) {
      atomic_store_explicit(&r->tail, tail, memory_order_release);
      signal_post(&l->pair.to_b);
      l->posts_to_b++;
    } else {
      (void)signal_wait(&l->pair.to_a, seen);
    }
  }
  pthread_join(l->pair.thread, NULL);
}

static int lower_stream_finish(void *ctx) {
  lower_stream_t *l = (lower_stream_t *)ctx;
  if (lower_pair_end("pipeline_wake/lower", &l->pair) != 0)
    return 1;
  return check_sum("pipeline_wake/lower", l->sum, l->pair.n);
}

/* ---- mpmc_2x2 ------------------------------------------------------------
 * Two producers on executor 1 send into a channel of executor 1; a bridge
 * task there moves what it receives into the ring; a bridge task on
 * executor 2 takes it out and sends it into a channel of executor 2, from
 * which two consumers there receive. A channel belongs to one executor, so
 * this is how 2 x 2 across two executors is built today. */

typedef struct m_producer {
  bcsc_task_t task;
  bcsc_wait_t wait;
  bcsc_channel_t *ch;
  uint64_t next, end;
  uint32_t *left;
} m_producer_t;

static int m_producer_poll(bcsc_task_t *self) {
  m_producer_t *p = (m_producer_t *)(void *)self;
  while (p->next != p->end) {
    int rc = bcsc_channel_send(self, p->ch, &p->wait, &p->next, sizeof p->next);
    if (rc != 0)
      return rc;
    p->next++;
  }
  if (--*p->left == 0)
    (void)bcsc_channel_close(p->ch);
  return BCSC_DONE;
}

/* What one consumer received. Producer 0 sends 1 .. n/2 and producer 1
 * n/2 + 1 .. n, so a value names its producer, and a consumer that gets a
 * producer's values out of the order it sent them counts a reordering. */
typedef struct m_tally {
  uint64_t half; /* n/2: the last value of producer 0 */
  uint64_t count, sum;
  uint64_t last[2]; /* per producer */
  uint64_t reordered;
} m_tally_t;

static void m_tally_add(m_tally_t *t, uint64_t value) {
  uint64_t *last = &t->last[value > t->half];
  t->reordered += value <= *last;
  *last = value;
  t->count++;
  t->sum += value;
}

/* Both consumers' tallies must add up to every value once, in order. */
static int m_tally_check(const char *side, const m_tally_t tally[2],
                         uint64_t n) {
  uint64_t count = tally[0].count + tally[1].count;
  uint64_t sum = tally[0].sum + tally[1].sum;
  uint64_t reordered = tally[0].reordered + tally[1].reordered;
  if (count == n && sum == n * (n + 1) / 2 && reordered == 0)
    return 0;
  fprintf(stderr,
          "mpmc_2x2/%s: received %llu values summing to %llu (want %llu, "
          "%llu), %llu out of their producer's order\n",
          side, (unsigned long long)count, (unsigned long long)sum,
          (unsigned long long)n, (unsigned long long)(n * (n + 1) / 2),
          (unsigned long long)reordered);
  return 1;
}

typedef struct m_consumer {
  bcsc_task_t task;
  bcsc_wait_t wait;
  bcsc_channel_t *ch;
  uint64_t value;
  m_tally_t *tally;
} m_consumer_t;

static int m_consumer_poll(bcsc_task_t *self) {
  m_consumer_t *c = (m_consumer_t *)(void *)self;
  for (;;) {
    int rc =
        bcsc_channel_recv(self, c->ch, &c->wait, &c->value, sizeof c->value);
    if (rc == BCSC_ECLOSED)
      return BCSC_DONE;
    if (rc != 0)
      return rc;
    m_tally_add(c->tally, c->value);
  }
}

typedef struct m_bridge {
  stream_stage_t stage; /* first: task, ring, peer, waker */
  bcsc_wait_t wait;
  bcsc_channel_t *ch;
  atomic_int *closed; /* the ring gets no more items */
  uint64_t value;
  int have;
  uint32_t taken; /* since the last wake of the peer */
} m_bridge_t;

/* Executor 1: channel -> ring. */
static int bridge_out_poll(bcsc_task_t *self) {
  m_bridge_t *b = (m_bridge_t *)(void *)self;
  ring_t *r = b->stage.ring;
  if (stream_publish_waker(&b->stage) != 0)
    return BCSC_EINVAL;
  (void)bcsc_task_waker_woken(self);
  for (;;) {
    uint32_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
    uint32_t head = atomic_load_explicit(&r->head, memory_order_acquire);
    int rc = 0, pushed = 0;
    while (tail - head < RING) {
      if (!b->have) {
        rc = bcsc_channel_recv(self, b->ch, &b->wait, &b->value,
                               sizeof b->value);
        if (rc != 0)
          break;
        b->have = 1;
      }
      r->items[tail % RING] = b->value;
      tail++;
      b->have = 0;
      pushed = 1;
    }
    if (pushed) {
      atomic_store_explicit(&r->tail, tail, memory_order_release);
      stream_wake(&b->stage);
    }
    if (rc == BCSC_ECLOSED) {
      atomic_store_explicit(b->closed, 1, memory_order_release);
      stream_wake(&b->stage);
      return BCSC_DONE;
    }
    if (rc != 0)
      return rc; /* PENDING: registered on the channel */
    /* Full: bridge_in wakes this task when it has taken some. */
    if (atomic_load_explicit(&r->head, memory_order_acquire) == head)
      return BCSC_PENDING;
  }
}

/* Executor 2: ring -> channel. */
static int bridge_in_poll(bcsc_task_t *self) {
  m_bridge_t *b = (m_bridge_t *)(void *)self;
  ring_t *r = b->stage.ring;
  if (stream_publish_waker(&b->stage) != 0)
    return BCSC_EINVAL;
  (void)bcsc_task_waker_woken(self);
  for (;;) {
    uint32_t head, tail;
    if (b->have) {
      int rc =
          bcsc_channel_send(self, b->ch, &b->wait, &b->value, sizeof b->value);
      if (rc == BCSC_PENDING && b->taken != 0) {
        b->taken = 0;
        stream_wake(&b->stage); /* room in the ring meanwhile */
      }
      if (rc != 0)
        return rc;
      b->have = 0;
    }
    head = atomic_load_explicit(&r->head, memory_order_relaxed);
    tail = atomic_load_explicit(&r->tail, memory_order_acquire);
    if (head != tail) {
      b->value = r->items[head % RING];
      atomic_store_explicit(&r->head, head + 1, memory_order_release);
      b->have = 1;
      if (++b->taken == RING / 4) {
        b->taken = 0;
        stream_wake(&b->stage);
      }
      continue;
    }
    if (atomic_load_explicit(b->closed, memory_order_acquire)) {
      if (atomic_load_explicit(&r->tail, memory_order_acquire) != head)
        continue; /* items that came before the close */
      (void)bcsc_channel_close(b->ch);
      return BCSC_DONE;
    }
    if (b->taken != 0) {
      b->taken = 0;
      stream_wake(&b->stage);
    }
    return BCSC_PENDING;
  }
}

/* The whole pipeline is set up and executor 2's thread started before the
 * measured region - what is measured is the stream, not thread creation,
 * and glibc's first pthread_create in a process calls the allocator once
 * (later ones reuse the cached stack) - so the region is: executor 1 runs
 * until its tasks end, then executor 2's thread is joined. */
typedef struct mpmc_bcsc {
  stage_pair_t pair; /* first */
  ring_t ring;
  m_producer_t prod[2];
  m_consumer_t cons[2];
  m_tally_t tally[2];
  m_bridge_t out, in;
  bcsc_channel_t ch1, ch2;
  uint64_t slots1[64], slots2[64];
  atomic_int closed;
  uint32_t left;
  bcsc_executor_stats_t st2; /* executor 2's, of the last run */
} mpmc_bcsc_t;

static void mpmc_bcsc_setup(void *ctx) {
  mpmc_bcsc_t *c = (mpmc_bcsc_t *)ctx;
  uint32_t n;
  if (stage_pair_reset(c, sizeof *c) != 0)
    return;
  n = c->pair.n;
  atomic_store(&c->closed, 0);
  c->left = 2;
  c->pair.rc = bcsc_channel_init(&c->ch1, c->slots1, sizeof c->slots1,
                                 sizeof c->slots1[0]) ||
               bcsc_channel_init(&c->ch2, c->slots2, sizeof c->slots2,
                                 sizeof c->slots2[0]);
  if (c->pair.rc != 0)
    return;
  for (uint32_t i = 0; i < 2; i++) {
    m_producer_t *p = &c->prod[i];
    m_consumer_t *k = &c->cons[i];
    bcsc_task_init(&p->task, m_producer_poll, NULL);
    bcsc_wait_init(&p->wait);
    p->ch = &c->ch1;
    p->next = (uint64_t)i * (n / 2) + 1;
    p->end = (uint64_t)(i + 1) * (n / 2) + 1;
    p->left = &c->left;
    bcsc_task_init(&k->task, m_consumer_poll, NULL);
    bcsc_wait_init(&k->wait);
    k->ch = &c->ch2;
    k->tally = &c->tally[i];
    c->tally[i].half = n / 2;
  }
  bcsc_task_init(&c->out.stage.task, bridge_out_poll, NULL);
  bcsc_task_init(&c->in.stage.task, bridge_in_poll, NULL);
  bcsc_wait_init(&c->out.wait);
  bcsc_wait_init(&c->in.wait);
  c->out.stage.ring = c->in.stage.ring = &c->ring;
  c->out.stage.peer = &c->in.stage;
  c->in.stage.peer = &c->out.stage;
  c->out.ch = &c->ch1;
  c->in.ch = &c->ch2;
  c->out.closed = c->in.closed = &c->closed;
  for (uint32_t i = 0; i < 2; i++) {
    bcsc_executor_spawn(&c->pair.a.ex, &c->prod[i].task);
    bcsc_executor_spawn(&c->pair.b.ex, &c->cons[i].task);
  }
  bcsc_executor_spawn(&c->pair.a.ex, &c->out.stage.task);
  bcsc_executor_spawn(&c->pair.b.ex, &c->in.stage.task);
  (void)stage_pair_start_b(&c->pair, NULL);
}

BENCH_REGION static void bench_region_bcsc_mpmc_2x2(void *ctx) {
  mpmc_bcsc_t *c = (mpmc_bcsc_t *)ctx;
  if (c->pair.rc != 0)
    return;
  c->pair.a.rc = bcsc_executor_run(&c->pair.a.ex, NULL);
  pthread_join(c->pair.b.thread, NULL);
}

static int mpmc_bcsc_finish(void *ctx) {
  mpmc_bcsc_t *c = (mpmc_bcsc_t *)ctx;
  int bad;
  if (c->pair.rc != 0) {
    fprintf(stderr, "mpmc_2x2/bcsc: set-up failed\n");
    return 1;
  }
  stage_ex_stats(&c->pair.b, &c->st2);
  bad = m_tally_check("bcsc", c->tally, c->pair.n);
  bcsc_channel_deinit(&c->ch1);
  bcsc_channel_deinit(&c->ch2);
  return stage_pair_end("mpmc_2x2/bcsc", &c->pair) | bad;
}

/* The lower bound on the same two threads: this one runs the 2 producers,
 * the other the 2 consumers, so the only structure between them is one
 * single-producer single-consumer ring of RING with the flag + eventfd
 * hand-off of pipeline_wake's bound. Without a runtime two producers on
 * one thread just take turns; so do the consumers. */
typedef struct mpmc_lower {
  lower_pair_t pair; /* first; to_b: items there, to_a: room there */
  ring_t ring;
  uint64_t next[2], end[2];
  m_tally_t tally[2];
  uint64_t posts_to_b, posts_to_a; /* each written by one thread */
} mpmc_lower_t;

static void *mpmc_lower_consumers(void *arg) {
  mpmc_lower_t *l = (mpmc_lower_t *)arg;
  ring_t *r = &l->ring;
  uint64_t count = 0;
  uint32_t turn = 0;
  while (count < l->pair.n) {
    uint32_t head;
    uint32_t tail = lower_ring_wait_items(r, &l->pair.to_b, &head);
    /* A consumer takes everything there is, as a consumer task receives
     * until the channel is empty; then the other has its turn. */
    count += tail - head;
    for (; head != tail; head++)
      m_tally_add(&l->tally[turn], r->items[head % RING]);
    turn ^= 1;
    atomic_store_explicit(&r->head, head, memory_order_release);
    if (count < l->pair.n) {
      signal_post(&l->pair.to_a);
      l->posts_to_a++;
    }
  }
  return NULL;
}

static void mpmc_lower_setup(void *ctx) {
  mpmc_lower_t *l = (mpmc_lower_t *)ctx;
  uint32_t n = l->pair.n;
  if (lower_pair_reset(l, sizeof *l) != 0)
    return;
  for (uint32_t i = 0; i < 2; i++) {
    l->next[i] = (uint64_t)i * (n / 2) + 1;
    l->end[i] = (uint64_t)(i + 1) * (n / 2) + 1;
    l->tally[i].half = n / 2;
  }
  lower_pair_start(&l->pair, mpmc_lower_consumers, l);
}

BENCH_REGION static void bench_region_lower_mpmc_2x2(void *ctx) {
  mpmc_lower_t *l = (mpmc_lower_t *)ctx;
  ring_t *r = &l->ring;
  uint32_t turn = 0;
  if (l->pair.rc != 0)
    return;
  while (l->next[0] != l->end[0] || l->next[1] != l->end[1]) {
    uint32_t seen =
        atomic_load_explicit(&l->pair.to_a.seq, memory_order_acquire);
    uint32_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
    uint32_t head = atomic_load_explicit(&r->head, memory_order_acquire);
    if (tail - head == RING) {
      (void)signal_wait(&l->pair.to_a, seen);
      continue;
    }
    /* A producer fills the room there is (or sends what it has left);
     * then the other has its turn. */
    if (l->next[turn] == l->end[turn])
      turn ^= 1;
    while (l->next[turn] != l->end[turn] && tail - head < RING) {
      r->items[tail % RING] = l->next[turn]++;
      tail++;
    }
    turn ^= 1;
    atomic_store_explicit(&r->tail, tail, memory_order_release);
    signal_post(&l->pair.to_b);
    l->posts_to_b++;
  }
  pthread_join(l->pair.thread, NULL);
}

static int mpmc_lower_finish(void *ctx) {
  mpmc_lower_t *l = (mpmc_lower_t *)ctx;
  if (lower_pair_end("mpmc_2x2/lower", &l->pair) != 0)
    return 1;
  return m_tally_check("lower", l->tally, l->pair.n);
}

/* ---- figures ------------------------------------------------------------ */

int main(int argc, char **argv) {
  static local_ctx_t lctx;
  static lower_local_t llctx;
  bench_side_t sides[2] = {
      {"bcsc",
       "spawn_on + host poll + join, both executors polled by one thread",
       local_setup, bench_region_bcsc_remote_local, local_finish, &lctx,
       "bench_region_bcsc_remote_local"},
      {"lower", "request flag + direct call + done flag", lower_local_setup,
       bench_region_lower_remote_local, lower_local_finish, &llctx,
       "bench_region_lower_remote_local"},
  };
  static remote_bcsc_t remote_bctx;
  static lower_batch_t remote_lctx;
  bench_side_t remote_sides[2] = {
      {"bcsc",
       "a task on executor 1 spawns 16 remote children on executor 2 per "
       "scope and joins them, both parked in POSIX reactors when idle",
       remote_bcsc_setup, bench_region_bcsc_pipeline_remote, remote_bcsc_finish,
       &remote_bctx, "bench_region_bcsc_pipeline_remote"},
      {"lower",
       "16 items per batch published to the other thread, an end posted per "
       "item, flag + eventfd",
       lower_batch_setup, bench_region_lower_pipeline_remote,
       lower_batch_finish, &remote_lctx, "bench_region_lower_pipeline_remote"},
  };
  static stream_bcsc_t stream_bctx;
  static lower_stream_t stream_lctx;
  bench_side_t stream_sides[2] = {
      {"bcsc",
       "producer task (executor 1) -> ring of 256 -> consumer task "
       "(executor 2), value wakes both ways",
       stream_bcsc_setup, bench_region_bcsc_pipeline_wake, stream_bcsc_finish,
       &stream_bctx, "bench_region_bcsc_pipeline_wake"},
      {"lower", "the same ring between two threads, flag + eventfd both ways",
       lower_stream_setup, bench_region_lower_pipeline_wake,
       lower_stream_finish, &stream_lctx, "bench_region_lower_pipeline_wake"},
  };
  static mpmc_bcsc_t mpmc_bctx;
  static mpmc_lower_t mpmc_lctx;
  bench_side_t mpmc_sides[2] = {
      {"bcsc",
       "2 producer tasks -> channel of 64 -> bridge task -> ring of 256 "
       "-> bridge task -> channel of 64 -> 2 consumer tasks",
       mpmc_bcsc_setup, bench_region_bcsc_mpmc_2x2, mpmc_bcsc_finish,
       &mpmc_bctx, "bench_region_bcsc_mpmc_2x2"},
      {"lower",
       "2 producers taking turns on one thread, 2 consumers on the other, "
       "a ring of 256, flag + eventfd",
       mpmc_lower_setup, bench_region_lower_mpmc_2x2, mpmc_lower_finish,
       &mpmc_lctx, "bench_region_lower_mpmc_2x2"},
  };
  bench_result_t results[2];
  int allocated;

  bench_init(argc, argv, "bench_pipeline",
             "two executors on two threads: stage A feeds stage B through "
             "remote children or value wakes, vs two threads with a flag + "
             "eventfd");
  lctx.ops = llctx.ops = bench_opts.callgrind ? CALLGRIND_OPS : LOCAL_OPS;
  bench_run_sides(sides, results, 2, lctx.ops);
  allocated = bench_report(
      "remote_local",
      "one remote child's round trip, both executors on one thread", &sides[0],
      &results[0], &sides[1], &results[1], lctx.ops, "child");
  if (bench_opts.callgrind)
    return allocated ? 1 : 0;

  remote_bctx.pair.n = REMOTE_ITEMS;
  remote_lctx.pair.n = REMOTE_ITEMS;
  bench_run_sides(remote_sides, results, 2, REMOTE_ITEMS);
  allocated |=
      bench_report("pipeline_remote",
                   "each item a remote child, 16 per scope, joined per "
                   "batch",
                   &remote_sides[0], &results[0], &remote_sides[1], &results[1],
                   REMOTE_ITEMS, "item");
  if (!bench_opts.quiet)
    printf("  last run: bcsc executor 1 %llu parks; executor 2 %llu polls, "
           "%llu parks\n",
           (unsigned long long)remote_bctx.st1.parks,
           (unsigned long long)remote_bctx.st2.polls,
           (unsigned long long)remote_bctx.st2.parks);

  stream_bctx.pair.n = STREAM_ITEMS;
  stream_lctx.pair.n = STREAM_ITEMS;
  bench_run_sides(stream_sides, results, 2, STREAM_ITEMS);
  allocated |= bench_report("pipeline_wake",
                            "a stream through a 256-item ring, value wakes",
                            &stream_sides[0], &results[0], &stream_sides[1],
                            &results[1], STREAM_ITEMS, "item");
  if (!bench_opts.quiet)
    printf(
        "  last run: bcsc %llu value wakes; lower %llu posts\n",
        (unsigned long long)stream_bctx.wakes,
        (unsigned long long)(stream_lctx.posts_to_b + stream_lctx.posts_to_a));

  mpmc_bctx.pair.n = mpmc_lctx.pair.n = MPMC_ITEMS;
  bench_run_sides(mpmc_sides, results, 2, MPMC_ITEMS);
  allocated |= bench_report(
      "mpmc_2x2",
      "2 producers (executor 1) x 2 consumers (executor 2), a channel of 64 "
      "on each, bridged by the ring",
      &mpmc_sides[0], &results[0], &mpmc_sides[1], &results[1], MPMC_ITEMS,
      "msg");
  if (!bench_opts.quiet)
    printf("  last run: bcsc executor 2 %llu polls, %llu parks, %llu wakes; "
           "lower %llu posts\n",
           (unsigned long long)mpmc_bctx.st2.polls,
           (unsigned long long)mpmc_bctx.st2.parks,
           (unsigned long long)mpmc_bctx.st2.wakes,
           (unsigned long long)(mpmc_lctx.posts_to_b + mpmc_lctx.posts_to_a));
  return allocated ? 1 : 0;
}
