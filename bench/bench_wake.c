/* SPDX-License-Identifier: MIT
 * bench_wake.c - value wakes: their cost on one thread, their throughput
 * from another thread, and the latency from a wake on one thread to the
 * poll of the woken task on another - each against a lower bound measured
 * in the same run.
 *
 * The lower bound of the two cross-thread scenarios is the least any
 * correct cross-thread wake can do: an atomic flag (a sequence number) the
 * waker stores, and an eventfd the waker writes only if the consumer has
 * announced that it sleeps - the same store-buffering handshake bcsc uses,
 * without slots, generations, an inbox or an executor. The consumer blocks
 * in poll() on the eventfd, as the bcsc executor does in the POSIX
 * reactor's ppoll().
 *
 *  wake_local   one thread: bcsc_waker_wake() then bcsc_executor_poll(),
 *               which drains the inbox and polls the task once; lower: an
 *               atomic flag set, read back and cleared, and the task's
 *               function called directly. Counted by
 *               scripts/bench-callgrind.sh.
 *  wake_stream  a thread fires N wakes back to back at a task on another
 *               thread; the task ends when it sees the last sequence
 *               number. ns per wake from the first wake to the end.
 *  wake_latency one wake at a time: the waker stamps the time, wakes, and
 *               waits for the task to acknowledge; the task records
 *               now - stamp when polled. p50 / p90 / p99 of that.
 *
 * Wall-clock figures on a shared 2-core machine drift; compare the ratios
 * within one run (docs/benchmarks.md). --callgrind runs wake_local only. */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "bcsc.h"
#include "bench.h"

#define LOCAL_OPS 1000000u
#define CALLGRIND_OPS 10000u
#define STREAM_WAKES 2000000u
#define LATENCY_SAMPLES 20000u

/* ---- wake_local ---------------------------------------------------------- */

typedef struct local_task {
  bcsc_task_t task;
  bcsc_waker_t waker;
  uint64_t polls;
  int started;
} local_task_t;

static int local_poll(bcsc_task_t *self) {
  local_task_t *t = (local_task_t *)self;
  if (bcsc_task_cancelled(self))
    return BCSC_DONE;
  if (!t->started) {
    t->started = 1;
    return bcsc_task_waker(self, &t->waker) == 0 ? BCSC_PENDING : BCSC_EINVAL;
  }
  t->polls++;
  (void)bcsc_task_waker_woken(self);
  return BCSC_PENDING;
}

typedef struct local_ctx {
  bcsc_executor_t ex;
  bcsc_waker_slot_t slots[1];
  local_task_t t;
  uint64_t ops;
  int rc;
} local_ctx_t;

static void local_setup(void *ctx) {
  local_ctx_t *c = (local_ctx_t *)ctx;
  memset(&c->t, 0, sizeof c->t);
  c->rc = bcsc_executor_init(&c->ex, NULL);
  if (c->rc == 0)
    c->rc = bcsc_executor_set_waker_slots(&c->ex, c->slots, 1);
  if (c->rc == 0)
    c->rc = bcsc_task_init(&c->t.task, local_poll, NULL);
  if (c->rc == 0)
    c->rc = bcsc_executor_spawn(&c->ex, &c->t.task);
  if (c->rc == 0 && bcsc_executor_poll(&c->ex, 1) != 1)
    c->rc = -1;
}

BENCH_REGION static void bench_region_bcsc_wake_local(void *ctx) {
  local_ctx_t *c = (local_ctx_t *)ctx;
  for (uint64_t i = 0; i < c->ops; i++) {
    bcsc_waker_wake(c->t.waker);
    bcsc_executor_poll(&c->ex, 1);
  }
}

static int local_finish(void *ctx) {
  local_ctx_t *c = (local_ctx_t *)ctx;
  int ok = c->rc == 0 && c->t.polls == c->ops;
  if (bcsc_task_cancel(&c->t.task) == 0)
    (void)bcsc_executor_poll(&c->ex, 1);
  if (bcsc_executor_deinit(&c->ex) != 0)
    ok = 0;
  if (!ok)
    fprintf(stderr, "wake_local/bcsc: rc %d, %llu polls of %llu\n", c->rc,
            (unsigned long long)c->t.polls, (unsigned long long)c->ops);
  return !ok;
}

typedef struct lower_local {
  atomic_uint flag;
  uint64_t polls;
  uint64_t ops;
} lower_local_t;

/* The task's function, called by the lower bound's "executor". */
static __attribute__((noinline)) void lower_task(lower_local_t *c) {
  c->polls++;
}

BENCH_REGION static void bench_region_lower_wake_local(void *ctx) {
  lower_local_t *c = (lower_local_t *)ctx;
  for (uint64_t i = 0; i < c->ops; i++) {
    atomic_store_explicit(&c->flag, 1, memory_order_release);
    if (atomic_exchange_explicit(&c->flag, 0, memory_order_acquire))
      lower_task(c);
  }
}

static void lower_local_setup(void *ctx) { ((lower_local_t *)ctx)->polls = 0; }

static int lower_local_finish(void *ctx) {
  lower_local_t *c = (lower_local_t *)ctx;
  return c->polls != c->ops;
}

/* ---- the lower bound's consumer: flag + eventfd ------------------------- */

typedef struct handoff {
  int efd;
  atomic_uint seq;      /* the waker's newest sequence number */
  atomic_uint sleeping; /* the consumer announced a sleep */
  atomic_uint ack;
  _Atomic uint64_t stamp;
  int64_t *samples;
  uint32_t n;
} handoff_t;

/* The waker's side: publish, then tell a sleeping consumer. */
static void handoff_wake(handoff_t *h, uint32_t seq) {
  atomic_store_explicit(&h->seq, seq, memory_order_seq_cst);
  if (atomic_load_explicit(&h->sleeping, memory_order_seq_cst) &&
      atomic_exchange_explicit(&h->sleeping, 0, memory_order_seq_cst)) {
    uint64_t one = 1;
    if (write(h->efd, &one, sizeof one) < 0)
      abort();
  }
}

/* The consumer's side: wait until seq moves past `seen`. */
static uint32_t handoff_wait(handoff_t *h, uint32_t seen) {
  for (;;) {
    uint32_t s = atomic_load_explicit(&h->seq, memory_order_acquire);
    struct pollfd pfd = {h->efd, POLLIN, 0};
    uint64_t drained;
    if (s != seen)
      return s;
    atomic_store_explicit(&h->sleeping, 1, memory_order_seq_cst);
    if (atomic_load_explicit(&h->seq, memory_order_seq_cst) != seen) {
      atomic_store_explicit(&h->sleeping, 0, memory_order_relaxed);
      continue;
    }
    while (poll(&pfd, 1, -1) < 0 && errno == EINTR)
      ;
    if (read(h->efd, &drained, sizeof drained) < 0 && errno != EAGAIN)
      abort();
    atomic_store_explicit(&h->sleeping, 0, memory_order_relaxed);
  }
}

/* ---- the bcsc consumer: a task on an executor with the POSIX reactor ---- */

typedef struct consumer {
  bcsc_task_t task;
  bcsc_waker_t waker;
  atomic_int published;
  atomic_uint seq;
  atomic_uint ack;
  _Atomic uint64_t stamp;
  int64_t *samples; /* NULL: stream (end at seq == n) */
  uint32_t n;
  uint32_t seen;
  uint64_t polls;
} consumer_t;

static int consumer_poll(bcsc_task_t *self) {
  consumer_t *c = (consumer_t *)self;
  uint32_t s;
  if (!atomic_load_explicit(&c->published, memory_order_relaxed)) {
    if (bcsc_task_waker(self, &c->waker) != 0)
      return BCSC_EINVAL;
    atomic_store_explicit(&c->published, 1, memory_order_release);
    return BCSC_PENDING;
  }
  c->polls++;
  (void)bcsc_task_waker_woken(self);
  s = atomic_load_explicit(&c->seq, memory_order_acquire);
  if (s != c->seen && c->samples != NULL) {
    c->samples[s - 1] =
        (int64_t)(bench_now_ns() -
                  atomic_load_explicit(&c->stamp, memory_order_relaxed));
    atomic_store_explicit(&c->ack, s, memory_order_release);
  }
  c->seen = s;
  return s == c->n ? BCSC_DONE : BCSC_PENDING;
}

typedef struct producer_arg {
  consumer_t *c; /* bcsc side, or NULL */
  handoff_t *h;  /* lower side, or NULL */
  uint32_t n;
  int latency;
  uint64_t start;
} producer_arg_t;

static void spin_until(atomic_uint *ack, uint32_t value) {
  uint32_t spins = 0;
  while (atomic_load_explicit(ack, memory_order_acquire) != value)
    if (++spins % 256 == 0)
      sched_yield();
}

static void *producer_main(void *arg) {
  producer_arg_t *p = (producer_arg_t *)arg;
  if (p->c != NULL)
    while (!atomic_load_explicit(&p->c->published, memory_order_acquire))
      sched_yield();
  p->start = bench_now_ns();
  for (uint32_t i = 1; i <= p->n; i++) {
    if (p->latency) {
      atomic_uint *ack = p->c != NULL ? &p->c->ack : &p->h->ack;
      _Atomic uint64_t *stamp = p->c != NULL ? &p->c->stamp : &p->h->stamp;
      spin_until(ack, i - 1);
      atomic_store_explicit(stamp, bench_now_ns(), memory_order_relaxed);
    }
    if (p->c != NULL) {
      atomic_store_explicit(&p->c->seq, i, memory_order_release);
      bcsc_waker_wake(p->c->waker);
    } else {
      handoff_wake(p->h, i);
    }
  }
  return NULL;
}

/* One cross-thread run on the bcsc side: ns per wake (stream) or samples
 * (latency). Returns 0 if it ran right. */
static int run_bcsc(uint32_t n, int64_t *samples, double *ns_per_wake,
                    bcsc_executor_stats_t *stats) {
  static bcsc_posix_reactor_t reactor;
  static bcsc_executor_t ex;
  static bcsc_waker_slot_t slots[2];
  static consumer_t c;
  bcsc_executor_config_t config;
  producer_arg_t p;
  pthread_t thread;
  uint64_t end;
  int rc;
  memset(&config, 0, sizeof config);
  config.size = sizeof config;
  config.reactor = &reactor.base;
  config.waker_slots = slots;
  config.waker_slot_count = 2;
  memset(&c, 0, sizeof c);
  c.samples = samples;
  c.n = n;
  if (bcsc_posix_reactor_init(&reactor) != 0 ||
      bcsc_executor_init(&ex, &config) != 0 ||
      bcsc_task_init(&c.task, consumer_poll, NULL) != 0)
    return 1;
  memset(&p, 0, sizeof p);
  p.c = &c;
  p.n = n;
  p.latency = samples != NULL;
  pthread_create(&thread, NULL, producer_main, &p);
  rc = bcsc_executor_run(&ex, &c.task);
  end = bench_now_ns();
  pthread_join(thread, NULL);
  *ns_per_wake = (double)(end - p.start) / n;
  memset(stats, 0, sizeof *stats);
  stats->size = sizeof *stats;
  bcsc_executor_stats(&ex, stats);
  bcsc_executor_deinit(&ex);
  bcsc_posix_reactor_deinit(&reactor);
  return rc != 0 || c.seen != n;
}

static int run_lower(uint32_t n, int64_t *samples, double *ns_per_wake,
                     uint64_t *wakeups) {
  static handoff_t h;
  producer_arg_t p;
  pthread_t thread;
  uint32_t seen = 0;
  uint64_t end;
  memset(&h, 0, sizeof h);
  h.efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (h.efd < 0)
    return 1;
  memset(&p, 0, sizeof p);
  p.h = &h;
  p.n = n;
  p.latency = samples != NULL;
  *wakeups = 0;
  pthread_create(&thread, NULL, producer_main, &p);
  while (seen != n) {
    uint32_t s = handoff_wait(&h, seen);
    (*wakeups)++;
    if (samples != NULL) {
      samples[s - 1] =
          (int64_t)(bench_now_ns() -
                    atomic_load_explicit(&h.stamp, memory_order_relaxed));
      atomic_store_explicit(&h.ack, s, memory_order_release);
    }
    seen = s;
  }
  end = bench_now_ns();
  pthread_join(thread, NULL);
  close(h.efd);
  *ns_per_wake = (double)(end - p.start) / n;
  return 0;
}

/* ---- figures ------------------------------------------------------------ */

static int64_t bcsc_samples[LATENCY_SAMPLES], lower_samples[LATENCY_SAMPLES];

static double median3(double a, double b, double c) {
  if (a > b) {
    double t = a;
    a = b;
    b = t;
  }
  return c < a ? a : c > b ? b : c;
}

int main(int argc, char **argv) {
  static local_ctx_t lctx;
  static lower_local_t llctx;
  bench_side_t sides[2] = {
      {"bcsc", "bcsc_waker_wake + bcsc_executor_poll(1): push, drain, one poll",
       local_setup, bench_region_bcsc_wake_local, local_finish, &lctx,
       "bench_region_bcsc_wake_local"},
      {"lower", "atomic flag store + exchange, direct call of the task",
       lower_local_setup, bench_region_lower_wake_local, lower_local_finish,
       &llctx, "bench_region_lower_wake_local"},
  };
  bench_result_t results[2];
  bcsc_executor_stats_t st;
  double stream_b[3], stream_l[3], sb, sl, dummy;
  uint64_t lower_wakeups = 0;
  int64_t b50, b90, b99, l50, l90, l99;
  int allocated, failed = 0;

  bench_init(argc, argv, "bench_wake",
             "value wakes: on one thread, a stream from another thread, "
             "and wake -> poll latency, each vs a flag + eventfd bound");
  lctx.ops = llctx.ops = bench_opts.callgrind ? CALLGRIND_OPS : LOCAL_OPS;
  bench_run_sides(sides, results, 2, lctx.ops);
  allocated = bench_report(
      "wake_local", "wake a task and poll it, on one thread", &sides[0],
      &results[0], &sides[1], &results[1], lctx.ops, "wake");
  if (bench_opts.callgrind)
    return allocated ? 1 : 0;

  /* Stream: three runs per side, alternating; the median of each. */
  for (int i = 0; i < 3; i++) {
    failed |= run_bcsc(STREAM_WAKES, NULL, &stream_b[i], &st);
    failed |= run_lower(STREAM_WAKES, NULL, &stream_l[i], &lower_wakeups);
  }
  sb = median3(stream_b[0], stream_b[1], stream_b[2]);
  sl = median3(stream_l[0], stream_l[1], stream_l[2]);
  if (!bench_opts.quiet) {
    printf("\nscenario wake_stream: %u wakes back to back from another "
           "thread (median of 3 runs per side)\n",
           STREAM_WAKES);
    printf("  bcsc   %8.1f ns/wake  (last run: %llu polls, %llu delivered, "
           "%llu notifies, %llu parks)\n",
           sb, (unsigned long long)st.polls,
           (unsigned long long)st.wakes_delivered,
           (unsigned long long)st.waker_notifies, (unsigned long long)st.parks);
    printf("  lower  %8.1f ns/wake  (last run: %llu consumer wake-ups)\n", sl,
           (unsigned long long)lower_wakeups);
    printf("  ratio  bcsc/lower = %.2fx\n", sl > 0 ? sb / sl : 0.0);
  }
  printf("RESULT scenario=wake_stream bcsc_ns=%.1f lower_ns=%.1f ratio=%.2f "
         "allocs=-1\n",
         sb, sl, sl > 0 ? sb / sl : 0.0);

  /* Latency: one run per side; samples sorted. */
  failed |= run_bcsc(LATENCY_SAMPLES, bcsc_samples, &dummy, &st);
  failed |= run_lower(LATENCY_SAMPLES, lower_samples, &dummy, &lower_wakeups);
  bench_sort_samples(bcsc_samples, LATENCY_SAMPLES);
  bench_sort_samples(lower_samples, LATENCY_SAMPLES);
  b50 = bench_percentile(bcsc_samples, LATENCY_SAMPLES, 0.50);
  b90 = bench_percentile(bcsc_samples, LATENCY_SAMPLES, 0.90);
  b99 = bench_percentile(bcsc_samples, LATENCY_SAMPLES, 0.99);
  l50 = bench_percentile(lower_samples, LATENCY_SAMPLES, 0.50);
  l90 = bench_percentile(lower_samples, LATENCY_SAMPLES, 0.90);
  l99 = bench_percentile(lower_samples, LATENCY_SAMPLES, 0.99);
  if (!bench_opts.quiet) {
    printf("\nscenario wake_latency: %u wakes one at a time, wake -> poll "
           "on another thread\n",
           LATENCY_SAMPLES);
    printf("  bcsc   p50 %8.1f us  p90 %8.1f us  p99 %8.1f us  (%llu "
           "parks, %llu notifies)\n",
           b50 / 1e3, b90 / 1e3, b99 / 1e3, (unsigned long long)st.parks,
           (unsigned long long)st.waker_notifies);
    printf("  lower  p50 %8.1f us  p90 %8.1f us  p99 %8.1f us\n", l50 / 1e3,
           l90 / 1e3, l99 / 1e3);
    printf("  ratio  bcsc/lower = %.2fx (p50)  %.2fx (p90)  %.2fx (p99)\n",
           (double)b50 / l50, (double)b90 / l90, (double)b99 / l99);
  }
  printf("RESULT scenario=wake_latency_p50 bcsc_ns=%llu lower_ns=%llu "
         "ratio=%.2f allocs=-1\n",
         (unsigned long long)b50, (unsigned long long)l50, (double)b50 / l50);
  printf("RESULT scenario=wake_latency_p90 bcsc_ns=%llu lower_ns=%llu "
         "ratio=%.2f allocs=-1\n",
         (unsigned long long)b90, (unsigned long long)l90, (double)b90 / l90);
  printf("RESULT scenario=wake_latency_p99 bcsc_ns=%llu lower_ns=%llu "
         "ratio=%.2f allocs=-1\n",
         (unsigned long long)b99, (unsigned long long)l99, (double)b99 / l99);
  if (failed)
    fprintf(stderr, "bench_wake: a cross-thread run went wrong\n");
  return allocated || failed ? 1 : 0;
}
