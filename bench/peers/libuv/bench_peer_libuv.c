/* SPDX-License-Identifier: MIT
 * bench_peer_libuv.c - the scenarios of bench_timers.c and bench_wake.c's
 * wake_stream on libuv, where libuv has the concept: a peer, not a bcsc
 * benchmark (scripts/bench.sh sets its figures against the C lower bounds
 * of the same run; docs/benchmarks.md, "Peers").
 *
 *  timers         10^5 uv_timer_t (initialised once, untimed) started with
 *                 the deadlines of bench_timers.c - the same shuffled
 *                 permutation of start + (i + 1) us, same xorshift seed -
 *                 which libuv's millisecond clock truncates to 100 distinct
 *                 values (ties fire in start order). libuv has no simulated
 *                 clock, so the 100 ms of waiting are taken out: measured
 *                 are the 10^5 uv_timer_start calls (heap inserts), then,
 *                 after an untimed wait past the last deadline (spinning
 *                 on the clock, not sleeping, to keep the cache ours),
 *                 uv_run(UV_RUN_NOWAIT), which pops every timer from the
 *                 heap in deadline order and calls its callback. Checked:
 *                 10^5 callbacks, in non-decreasing deadline order.
 *  timers_cancel  the same 10^5 timers started (untimed); measured:
 *                 uv_timer_stop on each, in start order (a heap removal by
 *                 the node's position). Checked: none fired, none active.
 *  wake_stream    a second thread stores a sequence number and calls
 *                 uv_async_send 2 * 10^6 times back to back; the loop's
 *                 thread is in uv_run (epoll) and its async callback ends
 *                 the run when it sees the last number. ns per wake from
 *                 the first send to the end; median of 3 runs. libuv
 *                 coalesces sends as bcsc's value wakes do. The number is
 *                 stored seq_cst (see producer_main).
 *
 * A timer or wake has no task behind it here (a callback, not a task to
 * poll), so these are the cost of libuv's mechanism alone. Prints
 *   PEERRUN scenario=<s> peer=libuv peer_ns=<best> median_ns=<m>
 *           allocs_per_op=<a> ops=<n>
 * (allocs_per_op=-1: not counted, two threads). Options: those of every
 * benchmark (--reps=N, --quiet; --callgrind: 10^4 timers, one repetition,
 * no warm-up, no wake_stream, and a line
 *   CALLGRIND_PEER scenario=<s> peer=libuv region=<fn>[+<fn>] ops=<n> calls=1
 * per scenario for scripts/bench-callgrind.sh) and --smoke (1000 timers,
 * 10^4 wakes, one repetition: a check that it runs, not a figure). Exit status
 * 3 if a check fails, 2 if libuv fails. */
#include "bench.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#define TIMERS 100000u
#define SMOKE_TIMERS 1000u
#define CALLGRIND_TIMERS 10000u
#define STREAM_WAKES 2000000u
#define SMOKE_WAKES 10000u

static uint32_t n_timers = TIMERS;
static uint32_t n_wakes = STREAM_WAKES;

/* ---- timers ------------------------------------------------------------- */

static uint32_t perm[TIMERS]; /* deadline of timer i: perm[i] + 1 us */
static uv_timer_t timers[TIMERS];
static uint32_t fired;
static uint64_t last_ms;
static int out_of_order;

/* xorshift64 and the shuffle of bench_timers.c: the same deadlines. */
static void shuffle_deadlines(void) {
  uint64_t x = 0x9e3779b97f4a7c15u;
  for (uint32_t i = 0; i < n_timers; i++)
    perm[i] = i;
  for (uint32_t i = n_timers - 1; i > 0; i--) {
    uint32_t j, t;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    j = (uint32_t)(x % ((uint64_t)i + 1u));
    t = perm[i];
    perm[i] = perm[j];
    perm[j] = t;
  }
}

static uint64_t timeout_ms(uint32_t i) {
  /* libuv's clock counts milliseconds: (perm + 1) us, truncated. */
  return (uint64_t)(perm[i] + 1u) / 1000u;
}

static void timer_cb(uv_timer_t *t) {
  uint64_t ms = timeout_ms((uint32_t)(t - timers));
  if (ms < last_ms)
    out_of_order = 1;
  last_ms = ms;
  fired++;
}

/* Waits by spinning on the clock rather than sleeping, so the cache holds
 * what the timed part left there as it would without the wait. */
static void spin_ms(uint64_t ms) {
  uint64_t until = bench_now_ns() + ms * 1000000u;
  while (bench_now_ns() < until) {
  }
}

BENCH_REGION void bench_region_libuv_timers_start(uv_loop_t *loop) {
  uv_update_time(loop);
  for (uint32_t i = 0; i < n_timers; i++)
    uv_timer_start(&timers[i], timer_cb, timeout_ms(i), 0);
}

BENCH_REGION void bench_region_libuv_timers_fire(uv_loop_t *loop) {
  while (fired < n_timers)
    uv_run(loop, UV_RUN_NOWAIT);
}

BENCH_REGION void bench_region_libuv_timers_cancel(void) {
  for (uint32_t i = 0; i < n_timers; i++)
    uv_timer_stop(&timers[i]);
}

typedef struct stats {
  double best, median;
  uint64_t allocs;
} stats_t;

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static stats_t summarise(double *ns, int count, uint64_t allocs) {
  stats_t s;
  qsort(ns, (size_t)count, sizeof ns[0], cmp_double);
  s.best = ns[0];
  s.median = ns[count / 2];
  s.allocs = allocs;
  return s;
}

/* regions: the bench_region_* functions whose instructions make up one
 * operation, joined by '+', for scripts/bench-callgrind.sh. */
static void report(const char *scenario, const char *what, uint32_t ops,
                   const char *op, stats_t s, int reps, int counted,
                   const char *regions) {
  double per_op = counted ? (double)s.allocs / ((double)ops * reps) : -1.0;
  if (!bench_opts.quiet)
    printf("scenario %s on libuv: %s\n  %u operations (1 op = 1 %s); best "
           "%9.2f ns/%s  median %9.2f ns/%s  allocs/op %.3f\n",
           scenario, what, ops, op, s.best, op, s.median, op, per_op);
  printf("PEERRUN scenario=%s peer=libuv peer_ns=%.2f median_ns=%.2f "
         "allocs_per_op=%.3f ops=%u\n",
         scenario, s.best, s.median, per_op, ops);
  if (bench_opts.callgrind)
    printf("CALLGRIND_PEER scenario=%s peer=libuv region=%s ops=%u calls=%d\n",
           scenario, regions, ops, reps);
}

static int run_timers(uv_loop_t *loop, int reps) {
  static double ns[64], start_ns[64];
  uint64_t allocs = 0;
  for (int rep = bench_opts.callgrind; rep <= reps; rep++) {
    uint64_t t0, t1, t2, t3;
    bench_alloc_counts_t a, b;
    fired = 0;
    last_ms = 0;
    out_of_order = 0;
    bench_alloc_start();
    t0 = bench_now_ns();
    bench_region_libuv_timers_start(loop);
    t1 = bench_now_ns();
    a = bench_alloc_stop();
    /* Untimed: let the last deadline (99 ms) pass (+ the coarse clock's
     * few ms of resolution). */
    spin_ms(110);
    bench_alloc_start();
    t2 = bench_now_ns();
    bench_region_libuv_timers_fire(loop);
    t3 = bench_now_ns();
    b = bench_alloc_stop();
    if (fired != n_timers || out_of_order) {
      fprintf(stderr, "bench_peer_libuv: timers: %u fired of %u, order %s\n",
              fired, n_timers, out_of_order ? "wrong" : "right");
      return 3;
    }
    if (rep > 0) {
      ns[rep - 1] = (double)((t1 - t0) + (t3 - t2)) / n_timers;
      start_ns[rep - 1] = (double)(t1 - t0) / n_timers;
      allocs += a.allocs + b.allocs;
    }
  }
  if (!bench_opts.quiet) {
    stats_t st = summarise(start_ns, reps, 0);
    printf("(timers: of which uv_timer_start: median %.2f ns/timer)\n",
           st.median);
  }
  report("timers",
         "uv_timer_start x N (shuffled deadlines, ms clock), untimed wait, "
         "uv_run(NOWAIT) fires all in order",
         n_timers, "timer", summarise(ns, reps, allocs), reps, 1,
         "bench_region_libuv_timers_start+bench_region_libuv_timers_fire");
  return 0;
}

static int run_timers_cancel(uv_loop_t *loop, int reps) {
  static double ns[64];
  uint64_t allocs = 0;
  for (int rep = bench_opts.callgrind; rep <= reps; rep++) {
    uint64_t t0, t1;
    bench_alloc_counts_t a;
    fired = 0;
    uv_update_time(loop);
    for (uint32_t i = 0; i < n_timers; i++)
      uv_timer_start(&timers[i], timer_cb, 1000u + timeout_ms(i), 0);
    bench_alloc_start();
    t0 = bench_now_ns();
    bench_region_libuv_timers_cancel();
    t1 = bench_now_ns();
    a = bench_alloc_stop();
    uv_run(loop, UV_RUN_NOWAIT);
    for (uint32_t i = 0; i < n_timers; i++)
      if (uv_is_active((uv_handle_t *)&timers[i])) {
        fprintf(stderr, "bench_peer_libuv: timers_cancel: timer active\n");
        return 3;
      }
    if (fired != 0) {
      fprintf(stderr, "bench_peer_libuv: timers_cancel: %u fired\n", fired);
      return 3;
    }
    if (rep > 0) {
      ns[rep - 1] = (double)(t1 - t0) / n_timers;
      allocs += a.allocs;
    }
  }
  report("timers_cancel", "N started timers, uv_timer_stop on each", n_timers,
         "cancelled timer", summarise(ns, reps, allocs), reps, 1,
         "bench_region_libuv_timers_cancel");
  return 0;
}

/* ---- wake_stream -------------------------------------------------------- */

typedef struct stream {
  uv_async_t async;
  _Atomic uint32_t seq;
  uint32_t n;
  uint32_t callbacks;
  uint64_t start; /* written by the producer before its first send */
  uint64_t end;
} stream_t;

static void async_cb(uv_async_t *handle) {
  stream_t *s = (stream_t *)handle->data;
  s->callbacks++;
  if (atomic_load_explicit(&s->seq, memory_order_acquire) == s->n) {
    s->end = bench_now_ns();
    uv_close((uv_handle_t *)handle, NULL);
  }
}

static void *producer_main(void *arg) {
  stream_t *s = (stream_t *)arg;
  s->start = bench_now_ns();
  for (uint32_t i = 1; i <= s->n; i++) {
    /* seq_cst, not release: libuv 1.44's uv_async_send returns after a
     * plain read of the handle's pending flag when a send is pending, and
     * without a full barrier between this store and that read (x86 lets
     * the read pass the store) the loop could clear the flag, run the
     * callback, read the old number and never be woken for the last one.
     * The lower bound's handshake pays the same barrier. */
    atomic_store_explicit(&s->seq, i, memory_order_seq_cst);
    uv_async_send(&s->async);
  }
  return NULL;
}

static int run_stream(double *ns_per_wake, uint32_t *callbacks) {
  static stream_t s;
  uv_loop_t loop;
  pthread_t thread;
  if (uv_loop_init(&loop) != 0)
    return 2;
  s.n = n_wakes;
  s.callbacks = 0;
  s.end = 0;
  atomic_store(&s.seq, 0);
  if (uv_async_init(&loop, &s.async, async_cb) != 0)
    return 2;
  s.async.data = &s;
  if (pthread_create(&thread, NULL, producer_main, &s) != 0)
    return 2;
  uv_run(&loop, UV_RUN_DEFAULT);
  pthread_join(thread, NULL);
  if (uv_loop_close(&loop) != 0 || s.end == 0)
    return 3;
  *ns_per_wake = (double)(s.end - s.start) / s.n;
  *callbacks = s.callbacks;
  return 0;
}

int main(int argc, char **argv) {
  uv_loop_t loop;
  double stream_ns[3];
  uint32_t callbacks = 0;
  int reps, rc, smoke = 0, kept = 1;

  /* --smoke (few operations, one repetition: a check that it runs, not a
   * figure) is this program's own; the rest go to bench_init. */
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--smoke") == 0)
      smoke = 1;
    else
      argv[kept++] = argv[i];
  }
  argc = kept;
  bench_init(argc, argv, "bench_peer_libuv",
             "libuv peer: timers, timers_cancel, wake_stream (PEERRUN lines)");
  if (smoke) {
    n_timers = SMOKE_TIMERS;
    n_wakes = SMOKE_WAKES;
  } else if (bench_opts.callgrind) {
    n_timers = CALLGRIND_TIMERS;
  }
  reps = smoke || bench_opts.callgrind ? 1 : bench_opts.reps;
  if (reps > 64)
    reps = 64;
  if (!bench_opts.quiet)
    printf("libuv %s\n", uv_version_string());
  shuffle_deadlines();
  if (uv_loop_init(&loop) != 0)
    return 2;
  for (uint32_t i = 0; i < n_timers; i++)
    if (uv_timer_init(&loop, &timers[i]) != 0)
      return 2;
  rc = run_timers(&loop, reps);
  if (rc == 0)
    rc = run_timers_cancel(&loop, reps);
  if (rc != 0)
    return rc;
  for (uint32_t i = 0; i < n_timers; i++)
    uv_close((uv_handle_t *)&timers[i], NULL);
  uv_run(&loop, UV_RUN_DEFAULT);
  if (uv_loop_close(&loop) != 0)
    return 2;
  /* Two threads: not for callgrind (bench_wake's stream is not either). */
  if (bench_opts.callgrind)
    return 0;

  for (int i = 0; i < 3; i++)
    if ((rc = run_stream(&stream_ns[i], &callbacks)) != 0) {
      fprintf(stderr, "bench_peer_libuv: wake_stream failed\n");
      return rc;
    }
  {
    stats_t s = summarise(stream_ns, 3, 0);
    /* bench_wake reports the median of 3 runs: so does this peer_ns. */
    s.best = s.median;
    if (!bench_opts.quiet)
      printf("(wake_stream last run: %u callbacks for %u sends)\n", callbacks,
             n_wakes);
    report("wake_stream",
           "uv_async_send x N from another thread, loop in uv_run; median "
           "of 3 runs",
           n_wakes, "wake", s, 1, 0, "");
  }
  return 0;
}
