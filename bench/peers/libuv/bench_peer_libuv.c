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
 *  wake_local     one thread: uv_async_send, then uv_run(UV_RUN_NOWAIT),
 *                 which finds the eventfd readable and calls the async
 *                 callback once (bench_wake's bcsc_waker_wake +
 *                 bcsc_executor_poll(1)); 10^6 times. Checked: 10^6
 *                 callbacks.
 *  wake_latency   bench_wake's: 20000 wakes one at a time from another
 *                 thread, which stamps the time, stores the number,
 *                 uv_async_send()s and waits for the callback's
 *                 acknowledgement; the callback records now - stamp.
 *                 PEERRUN lines wake_latency_p50, _p90, _p99.
 *  jitter         bench_jitter's 1 kHz loop: a uv_timer_t repeating every
 *                 1 ms, 2000 ticks in blocks of 500, timer slack 1 ns as
 *                 bench_jitter sets it; each sample is uv_hrtime() in the
 *                 callback - the tick's deadline in libuv's millisecond
 *                 loop clock. A repeat is re-armed at the loop time of the
 *                 callback + 1 ms (libuv keeps no fixed schedule, so
 *                 nothing is skipped; a late tick moves the next).
 *                 PEERRUN lines jitter_p50, jitter_p99.
 *
 * A timer or wake has no task behind it here (a callback, not a task to
 * poll), so these are the cost of libuv's mechanism alone. Prints
 *   PEERRUN scenario=<s> peer=libuv peer_ns=<best> median_ns=<m>
 *           allocs_per_op=<a> ops=<n>
 * (allocs_per_op=-1: not counted, two threads; wake_latency and jitter:
 * peer_ns = median_ns = the percentile, ops = samples). Options: those of
 * every benchmark (--reps=N, --quiet; --callgrind: 10^4 timers and local
 * wakes, one repetition, no warm-up, only the one-thread scenarios, and a
 * line
 *   CALLGRIND_PEER scenario=<s> peer=libuv region=<fn>[+<fn>] ops=<n> calls=1
 * per scenario for scripts/bench-callgrind.sh), --smoke (1000 timers,
 * 10^4 wakes, 20 ticks, one repetition: a check that it runs, not a
 * figure) and --only=NAME,... (the scenarios to run; default all). Exit
 * status 3 if a check fails, 2 if libuv fails. */
#include "bench.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#if defined(__linux__)
#include <sys/prctl.h>
#endif

#define TIMERS 100000u
#define SMOKE_TIMERS 1000u
#define CALLGRIND_TIMERS 10000u
#define STREAM_WAKES 2000000u
#define SMOKE_WAKES 10000u
#define LOCAL_WAKES 1000000u
#define LATENCY_SAMPLES 20000u
#define SMOKE_SAMPLES 1000u
#define TICKS 2000u
#define SMOKE_TICKS 20u
#define BLOCK 500u

static uint32_t n_timers = TIMERS;
static uint32_t n_wakes = STREAM_WAKES;
static uint32_t n_local = LOCAL_WAKES;
static uint32_t n_samples = LATENCY_SAMPLES;
static uint32_t n_ticks = TICKS;
static const char *only; /* --only=NAME,...: NULL runs every scenario */

/* Whether --only names `scenario` (or there is no --only). */
static int wanted(const char *scenario) {
  size_t len = strlen(scenario);
  for (const char *p = only; p != NULL; p = strchr(p, ',')) {
    p += *p == ',';
    if (strncmp(p, scenario, len) == 0 && (p[len] == ',' || p[len] == '\0'))
      return 1;
  }
  return only == NULL;
}

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

/* ---- wake_local --------------------------------------------------------- */

static uint32_t local_callbacks;

static void local_cb(uv_async_t *handle) {
  (void)handle;
  local_callbacks++;
}

BENCH_REGION void bench_region_libuv_wake_local(uv_async_t *async) {
  for (uint32_t i = 0; i < n_local; i++) {
    uv_async_send(async);
    uv_run(async->loop, UV_RUN_NOWAIT);
  }
}

static int run_wake_local(int reps) {
  static double ns[64];
  static uv_async_t async;
  uv_loop_t loop;
  uint64_t allocs = 0;
  if (uv_loop_init(&loop) != 0 || uv_async_init(&loop, &async, local_cb) != 0)
    return 2;
  for (int rep = bench_opts.callgrind; rep <= reps; rep++) {
    uint64_t t0, t1;
    bench_alloc_counts_t a;
    local_callbacks = 0;
    bench_alloc_start();
    t0 = bench_now_ns();
    bench_region_libuv_wake_local(&async);
    t1 = bench_now_ns();
    a = bench_alloc_stop();
    if (local_callbacks != n_local) {
      fprintf(stderr, "bench_peer_libuv: wake_local: %u callbacks of %u\n",
              local_callbacks, n_local);
      return 3;
    }
    if (rep > 0) {
      ns[rep - 1] = (double)(t1 - t0) / n_local;
      allocs += a.allocs;
    }
  }
  uv_close((uv_handle_t *)&async, NULL);
  uv_run(&loop, UV_RUN_DEFAULT);
  if (uv_loop_close(&loop) != 0)
    return 2;
  report("wake_local",
         "uv_async_send, then uv_run(UV_RUN_NOWAIT) calls the callback once; "
         "one thread",
         n_local, "wake", summarise(ns, reps, allocs), reps, 1,
         "bench_region_libuv_wake_local");
  return 0;
}

/* ---- wake_stream, wake_latency ------------------------------------------ */

typedef struct stream {
  uv_async_t async;
  _Atomic uint32_t seq;
  _Atomic uint32_t ack;
  _Atomic uint64_t stamp;
  int64_t *samples; /* NULL: stream (the callbacks only look for seq == n) */
  uint32_t seen;
  uint32_t n;
  uint32_t callbacks;
  uint64_t start; /* written by the producer before its first send */
  uint64_t end;
} stream_t;

static void async_cb(uv_async_t *handle) {
  stream_t *s = (stream_t *)handle->data;
  uint32_t seq = atomic_load_explicit(&s->seq, memory_order_acquire);
  s->callbacks++;
  if (s->samples != NULL && seq != s->seen) {
    s->samples[seq - 1] =
        (int64_t)(bench_now_ns() -
                  atomic_load_explicit(&s->stamp, memory_order_relaxed));
    atomic_store_explicit(&s->ack, seq, memory_order_release);
  }
  s->seen = seq;
  if (seq == s->n) {
    s->end = bench_now_ns();
    uv_close((uv_handle_t *)handle, NULL);
  }
}

/* bench_wake.c's spin_until: the waker waits for the acknowledgement. */
static void spin_until(_Atomic uint32_t *ack, uint32_t value) {
  uint32_t spins = 0;
  while (atomic_load_explicit(ack, memory_order_acquire) != value)
    if (++spins % 256 == 0)
      sched_yield();
}

static void *producer_main(void *arg) {
  stream_t *s = (stream_t *)arg;
  s->start = bench_now_ns();
  for (uint32_t i = 1; i <= s->n; i++) {
    if (s->samples != NULL) { /* latency: one wake at a time */
      spin_until(&s->ack, i - 1);
      atomic_store_explicit(&s->stamp, bench_now_ns(), memory_order_relaxed);
    }
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

/* One cross-thread run of n wakes; with samples, one at a time (latency). */
static int run_stream(uint32_t n, int64_t *samples, double *ns_per_wake,
                      uint32_t *callbacks) {
  static stream_t s;
  uv_loop_t loop;
  pthread_t thread;
  if (uv_loop_init(&loop) != 0)
    return 2;
  memset(&s, 0, sizeof s);
  s.n = n;
  s.samples = samples;
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

/* ---- percentiles (wake_latency, jitter) --------------------------------- */

/* Sorts the samples and prints a PEERRUN line <scenario>_p<q> per
 * percentile q (peer_ns = median_ns = the percentile, ops = samples). */
static void report_percentiles(const char *scenario, const char *what,
                               int64_t *samples, uint32_t n, const double *qs,
                               int nq, double allocs_per_op) {
  bench_sort_samples(samples, n);
  if (!bench_opts.quiet) {
    printf("scenario %s on libuv: %s\n  %u samples:", scenario, what, n);
    for (int i = 0; i < nq; i++)
      printf("  p%.0f %8.1f us", qs[i] * 100,
             (double)bench_percentile(samples, n, qs[i]) / 1e3);
    printf("  max %8.1f us  (min %.1f us)\n", (double)samples[n - 1] / 1e3,
           (double)samples[0] / 1e3);
  }
  for (int i = 0; i < nq; i++)
    printf("PEERRUN scenario=%s_p%.0f peer=libuv peer_ns=%lld "
           "median_ns=%lld allocs_per_op=%.3f ops=%u\n",
           scenario, qs[i] * 100,
           (long long)bench_percentile(samples, n, qs[i]),
           (long long)bench_percentile(samples, n, qs[i]), allocs_per_op, n);
}

/* ---- jitter ------------------------------------------------------------- */

typedef struct ticker {
  uv_timer_t timer;
  int64_t *samples;
  uint32_t taken, ticks;
  uint64_t deadline_ms; /* of the tick that fires next, in the loop clock */
} ticker_t;

static void tick_cb(uv_timer_t *timer) {
  ticker_t *k = (ticker_t *)timer->data;
  k->samples[k->taken++] =
      (int64_t)(uv_hrtime() - k->deadline_ms * UINT64_C(1000000));
  /* libuv has already re-armed the repeat at the loop time + 1 ms. */
  k->deadline_ms = uv_now(timer->loop) + 1u;
  if (k->taken == k->ticks)
    uv_timer_stop(timer);
}

static int run_jitter(void) {
  static int64_t samples[TICKS];
  static ticker_t k;
  uv_loop_t loop;
  bench_alloc_counts_t a;
  const char *slack = "1 ns";
#if defined(__linux__)
  if (prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL) != 0)
    slack = "the default (prctl failed)";
#else
  slack = "the OS default";
#endif
  if (uv_loop_init(&loop) != 0 || uv_timer_init(&loop, &k.timer) != 0)
    return 2;
  k.timer.data = &k;
  k.samples = samples;
  bench_alloc_start();
  while (k.taken < n_ticks) {
    k.ticks = k.taken + (n_ticks - k.taken < BLOCK ? n_ticks - k.taken : BLOCK);
    uv_update_time(&loop);
    k.deadline_ms = uv_now(&loop) + 1u;
    uv_timer_start(&k.timer, tick_cb, 1, 1);
    uv_run(&loop, UV_RUN_DEFAULT); /* until the block's last tick stops it */
  }
  a = bench_alloc_stop();
  uv_close((uv_handle_t *)&k.timer, NULL);
  uv_run(&loop, UV_RUN_DEFAULT);
  if (uv_loop_close(&loop) != 0)
    return 2;
  if (!bench_opts.quiet)
    printf("(jitter on libuv: timer slack %s)\n", slack);
  {
    static const double qs[] = {0.50, 0.99};
    report_percentiles("jitter",
                       "uv_timer_t repeating every 1 ms, blocks of 500 ticks; "
                       "sample = uv_hrtime() in the callback - the tick's "
                       "deadline (ms loop clock)",
                       samples, n_ticks, qs, 2, (double)a.allocs / n_ticks);
  }
  return 0;
}

static int run_timer_scenarios(int reps) {
  uv_loop_t loop;
  int rc = 0;
  shuffle_deadlines();
  if (uv_loop_init(&loop) != 0)
    return 2;
  for (uint32_t i = 0; i < n_timers; i++)
    if (uv_timer_init(&loop, &timers[i]) != 0)
      return 2;
  if (wanted("timers"))
    rc = run_timers(&loop, reps);
  if (rc == 0 && wanted("timers_cancel"))
    rc = run_timers_cancel(&loop, reps);
  if (rc != 0)
    return rc;
  for (uint32_t i = 0; i < n_timers; i++)
    uv_close((uv_handle_t *)&timers[i], NULL);
  uv_run(&loop, UV_RUN_DEFAULT);
  return uv_loop_close(&loop) != 0 ? 2 : 0;
}

static int run_wake_stream(void) {
  double stream_ns[3];
  uint32_t callbacks = 0;
  stats_t s;
  int rc;
  for (int i = 0; i < 3; i++)
    if ((rc = run_stream(n_wakes, NULL, &stream_ns[i], &callbacks)) != 0) {
      fprintf(stderr, "bench_peer_libuv: wake_stream failed\n");
      return rc;
    }
  s = summarise(stream_ns, 3, 0);
  /* bench_wake reports the median of 3 runs: so does this peer_ns. */
  s.best = s.median;
  if (!bench_opts.quiet)
    printf("(wake_stream last run: %u callbacks for %u sends)\n", callbacks,
           n_wakes);
  report("wake_stream",
         "uv_async_send x N from another thread, loop in uv_run; median "
         "of 3 runs",
         n_wakes, "wake", s, 1, 0, "");
  return 0;
}

static int run_wake_latency(void) {
  static int64_t samples[LATENCY_SAMPLES];
  static const double qs[] = {0.50, 0.90, 0.99};
  double ns;
  uint32_t callbacks;
  int rc = run_stream(n_samples, samples, &ns, &callbacks);
  if (rc != 0) {
    fprintf(stderr, "bench_peer_libuv: wake_latency failed\n");
    return rc;
  }
  if (callbacks != n_samples) { /* one wake at a time: one callback each */
    fprintf(stderr, "bench_peer_libuv: wake_latency: %u callbacks of %u\n",
            callbacks, n_samples);
    return 3;
  }
  report_percentiles("wake_latency",
                     "one uv_async_send at a time from another thread "
                     "(stamp, seq, send; wait for the ack), loop in uv_run; "
                     "the callback records now - stamp",
                     samples, n_samples, qs, 3, -1.0);
  return 0;
}

int main(int argc, char **argv) {
  int reps, rc = 0, smoke = 0, kept = 1;

  /* --smoke (few operations, one repetition: a check that it runs, not a
   * figure) and --only are this program's own; the rest go to bench_init. */
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--smoke") == 0)
      smoke = 1;
    else if (strncmp(argv[i], "--only=", 7) == 0)
      only = argv[i] + 7;
    else
      argv[kept++] = argv[i];
  }
  argc = kept;
  bench_init(argc, argv, "bench_peer_libuv",
             "libuv peer: timers, timers_cancel, wake_local, wake_stream, "
             "wake_latency, jitter (PEERRUN lines)");
  if (smoke) {
    n_timers = SMOKE_TIMERS;
    n_wakes = SMOKE_WAKES;
    n_local = SMOKE_WAKES;
    n_samples = SMOKE_SAMPLES;
    n_ticks = SMOKE_TICKS;
  } else if (bench_opts.callgrind) {
    n_timers = CALLGRIND_TIMERS;
    n_local = CALLGRIND_TIMERS;
  }
  reps = smoke || bench_opts.callgrind ? 1 : bench_opts.reps;
  if (reps > 64)
    reps = 64;
  if (!bench_opts.quiet)
    printf("libuv %s\n", uv_version_string());
  if (wanted("timers") || wanted("timers_cancel"))
    rc = run_timer_scenarios(reps);
  if (rc == 0 && wanted("wake_local"))
    rc = run_wake_local(reps);
  /* Two threads, or real time: not for callgrind (nor are bench_wake's
   * and bench_jitter's). */
  if (rc != 0 || bench_opts.callgrind)
    return rc;
  if (wanted("wake_stream"))
    rc = run_wake_stream();
  if (rc == 0 && wanted("wake_latency"))
    rc = run_wake_latency();
  if (rc == 0 && wanted("jitter"))
    rc = run_jitter();
  return rc;
}
