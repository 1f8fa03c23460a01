/* SPDX-License-Identifier: MIT
 * bench_jitter.c - real-time wake-up jitter of a 1 kHz loop: through bcsc,
 * and through a bare clock_nanosleep(TIMER_ABSTIME) loop, in the same run.
 *
 * Bare (the lower bound): next = now + 1 ms; loop { clock_nanosleep(
 * CLOCK_MONOTONIC, TIMER_ABSTIME, next); record now - next; next += 1 ms }
 * (if a wake is so late that later deadlines have passed too, they are
 * skipped, as BCSC_TICK_SKIP does).
 *
 * bcsc: one task on an executor with a bcsc_posix_reactor_t waits on a
 * periodic timer (1 ms, BCSC_TICK_SKIP); at each tick it records
 * bcsc_executor_now() - the tick's deadline. The executor parks in the
 * reactor (ppoll with a nanosecond timeout) between ticks.
 *
 * The two sides run in alternating blocks of BLOCK ticks (bare, bcsc,
 * bare, ...), so that machine noise - another job, the host taking the
 * CPU - hits both. On Linux the thread's timer slack is set to 1 ns first
 * (prctl PR_SET_TIMERSLACK), for both sides alike: the default 50 us slack
 * would dominate both figures. Figures are wall-clock latencies on
 * whatever machine runs this: there is no pass/fail on them. The exit
 * status is non-zero only on errors (a failed call, a wrong tick count, or
 * a heap allocation on the bcsc side).
 *
 * --ticks=N: ticks per side (default 2000); --callgrind: a few ticks, one
 * block per side, for instructions per tick (scripts/bench-callgrind.sh). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* prctl */
#endif

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#if defined(__linux__)
#include <sys/prctl.h>
#endif

#include "bcsc.h"
#include "bench.h"

#define DEFAULT_TICKS 2000u
#define MAX_TICKS 600000u /* ten minutes at 1 kHz */
#define CALLGRIND_TICKS 20u
#define BLOCK 500u
#define PERIOD_NS ((uint64_t)1000000u)

static int64_t bare_samples[MAX_TICKS];
static int64_t bcsc_samples[MAX_TICKS];

/* ---- bare loop ---------------------------------------------------------- */

typedef struct bare_ctx {
  int64_t *samples;
  uint32_t ticks;
  uint32_t taken;
  uint64_t missed;
  int error; /* errno of a failed call */
} bare_ctx_t;

static uint64_t ts_ns(const struct timespec *ts) {
  return (uint64_t)ts->tv_sec * 1000000000u + (uint64_t)ts->tv_nsec;
}

BENCH_REGION static void bench_region_lower_jitter(void *ctx) {
  bare_ctx_t *c = (bare_ctx_t *)ctx;
  struct timespec ts;
  uint64_t next, now;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  next = ts_ns(&ts) + PERIOD_NS;
  for (uint32_t i = 0; i < c->ticks; i++) {
    int rc;
    ts.tv_sec = (time_t)(next / 1000000000u);
    ts.tv_nsec = (long)(next % 1000000000u);
    do
      rc = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
    while (rc == EINTR);
    if (rc != 0) {
      c->error = rc;
      return;
    }
    clock_gettime(CLOCK_MONOTONIC, &ts);
    now = ts_ns(&ts);
    c->samples[c->taken++] = (int64_t)(now - next);
    next += PERIOD_NS;
    while (next <= now) { /* skip the deadlines a late wake missed */
      next += PERIOD_NS;
      c->missed++;
    }
  }
}

/* ---- bcsc --------------------------------------------------------------- */

typedef struct ticker {
  bcsc_task_t task;
  bcsc_timer_t tick;
  bcsc_executor_t *ex;
  int64_t *samples;
  uint32_t ticks;
  uint32_t taken;
} ticker_t;

static int ticker_poll(bcsc_task_t *self) {
  ticker_t *t = (ticker_t *)self;
  for (;;) {
    /* The deadline of the tick this wait takes: the timer moves to the
     * next one only when bcsc_timer_wait() returns 0. */
    uint64_t deadline = bcsc_timer_deadline(&t->tick);
    int rc = bcsc_timer_wait(self, &t->tick);
    if (rc != 0)
      return rc; /* PENDING, or an error that ends the task */
    t->samples[t->taken++] = (int64_t)(bcsc_executor_now(t->ex) - deadline);
    if (t->taken == t->ticks)
      return BCSC_DONE;
  }
}

typedef struct bcsc_ctx {
  bcsc_posix_reactor_t *reactor;
  bcsc_executor_t ex;
  ticker_t ticker;
  uint32_t ticks;
  uint32_t taken; /* over every block */
  uint64_t missed;
  int rc; /* first error */
  bench_alloc_counts_t allocs;
} bcsc_ctx_t;

BENCH_REGION static void bench_region_bcsc_jitter(void *ctx) {
  bcsc_ctx_t *c = (bcsc_ctx_t *)ctx;
  int rc = bcsc_executor_run(&c->ex, &c->ticker.task);
  if (rc != 0 && c->rc == 0)
    c->rc = rc;
}

/* One block of c->ticks ticks through a fresh executor; the executor is set
 * up outside the counted and measured part. */
static void bcsc_block(bcsc_ctx_t *c, int64_t *samples) {
  bcsc_executor_config_t config;
  bench_alloc_counts_t counts;
  int rc;
  memset(&config, 0, sizeof config);
  config.size = sizeof config;
  config.reactor = &c->reactor->base;
  if ((rc = bcsc_executor_init(&c->ex, &config)) != 0 ||
      (rc = bcsc_task_init(&c->ticker.task, ticker_poll, NULL)) != 0 ||
      (rc = bcsc_timer_init(&c->ticker.tick)) != 0 ||
      (rc = bcsc_timer_set_periodic(&c->ticker.tick,
                                    bcsc_executor_now(&c->ex) + PERIOD_NS,
                                    PERIOD_NS, BCSC_TICK_SKIP)) != 0) {
    c->rc = rc;
    return;
  }
  c->ticker.ex = &c->ex;
  c->ticker.samples = samples;
  c->ticker.ticks = c->ticks;
  c->ticker.taken = 0;
  bench_alloc_start();
  bench_region_bcsc_jitter(c);
  counts = bench_alloc_stop();
  c->allocs.allocs += counts.allocs;
  c->allocs.frees += counts.frees;
  c->taken += c->ticker.taken;
  c->missed += bcsc_timer_missed_total(&c->ticker.tick);
  if ((rc = bcsc_executor_deinit(&c->ex)) != 0 && c->rc == 0)
    c->rc = rc;
}

/* ---- figures ------------------------------------------------------------ */

typedef struct figures {
  int64_t p50, p90, p99, max, min;
} figures_t;

static figures_t summarise(int64_t *samples, uint32_t n) {
  figures_t f;
  bench_sort_samples(samples, n);
  f.min = samples[0];
  f.p50 = bench_percentile(samples, n, 0.50);
  f.p90 = bench_percentile(samples, n, 0.90);
  f.p99 = bench_percentile(samples, n, 0.99);
  f.max = samples[n - 1];
  return f;
}

static void print_figures(const char *label, const figures_t *f,
                          uint64_t missed) {
  printf("  %-6s p50 %8.1f us  p90 %8.1f us  p99 %8.1f us  max %8.1f us  "
         "(min %.1f us, %llu deadlines skipped)\n",
         label, f->p50 / 1e3, f->p90 / 1e3, f->p99 / 1e3, f->max / 1e3,
         f->min / 1e3, (unsigned long long)missed);
}

static double ratio_of(int64_t bcsc, int64_t bare) {
  return bare > 0 ? (double)bcsc / (double)bare : 0.0;
}

/* The timer slack: Linux ends a sleep up to the thread's slack (50 us by
 * default) late, to batch wake-ups; a 1 kHz loop wants its deadlines. */
static const char *set_timer_slack(void) {
#if defined(__linux__)
  if (prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL) != 0)
    return "prctl(PR_SET_TIMERSLACK, 1) FAILED: the kernel's default slack "
           "applies to both sides";
  return "1 ns (prctl PR_SET_TIMERSLACK), for both sides";
#else
  return "the OS default (not Linux: no PR_SET_TIMERSLACK)";
#endif
}

int main(int argc, char **argv) {
  static bcsc_posix_reactor_t reactor;
  static bcsc_ctx_t bc;
  static bare_ctx_t bare;
  char *args[64];
  int nargs = 0, rc;
  uint32_t ticks = DEFAULT_TICKS, done;
  const char *slack;
  figures_t fb, fl;
  double r50, r99;

  /* --ticks is ours; the rest goes to bench_init(). */
  for (int i = 0; i < argc && nargs < 63; i++) {
    if (strncmp(argv[i], "--ticks=", 8) == 0) {
      char *end;
      unsigned long n = strtoul(argv[i] + 8, &end, 10);
      if (*end != '\0' || n < 1 || n > MAX_TICKS) {
        fprintf(stderr, "bench_jitter: --ticks=N with 1 <= N <= %u\n",
                MAX_TICKS);
        return 2;
      }
      ticks = (uint32_t)n;
    } else {
      args[nargs++] = argv[i];
    }
  }
  args[nargs] = NULL;
  bench_init(nargs, args, "bench_jitter",
             "wake-up jitter of a 1 kHz loop in real time, bcsc vs bare "
             "clock_nanosleep");
  if (bench_opts.callgrind)
    ticks = CALLGRIND_TICKS;
  slack = set_timer_slack();
  if (!bench_opts.quiet) {
    printf("  --ticks=N: %u ticks per side, 1 kHz, alternating blocks of %u "
           "(--reps does not apply)\n",
           ticks, ticks < BLOCK ? ticks : BLOCK);
    printf("  timer slack: %s\n", slack);
    printf("  sizeof(bcsc_timer_t)=%zu sizeof(bcsc_posix_reactor_t)=%zu\n",
           sizeof(bcsc_timer_t), sizeof(bcsc_posix_reactor_t));
    printf("  jitter = time of the wake - the deadline (bare: clock_gettime "
           "after clock_nanosleep returns; bcsc: bcsc_executor_now() in the "
           "task's poll)\n");
  }

  if ((rc = bcsc_posix_reactor_init(&reactor)) != 0) {
    fprintf(stderr, "bench_jitter: bcsc_posix_reactor_init: %s\n",
            bcsc_err_name(rc));
    return 2;
  }
  bc.reactor = &reactor;
  bare.samples = bare_samples;
  for (done = 0; done < ticks;) {
    uint32_t block = ticks - done < BLOCK ? ticks - done : BLOCK;
    bare.ticks = block;
    bench_region_lower_jitter(&bare);
    bc.ticks = block;
    bcsc_block(&bc, bcsc_samples + done);
    if (bare.error != 0 || bc.rc != 0)
      break;
    done += block;
  }
  if ((rc = bcsc_posix_reactor_deinit(&reactor)) != 0 && bc.rc == 0)
    bc.rc = rc;
  if (bare.error != 0) {
    fprintf(stderr, "bench_jitter: clock_nanosleep: %s\n",
            strerror(bare.error));
    return 2;
  }
  if (bc.rc != 0 || bc.taken != ticks || bare.taken != ticks) {
    fprintf(stderr,
            "bench_jitter: bcsc side %s, %u of %u ticks taken (bare %u)\n",
            bcsc_err_name(bc.rc), bc.taken, ticks, bare.taken);
    return 3;
  }

  fl = summarise(bare_samples, ticks);
  fb = summarise(bcsc_samples, ticks);
  r50 = ratio_of(fb.p50, fl.p50);
  r99 = ratio_of(fb.p99, fl.p99);
  if (!bench_opts.quiet) {
    printf("\nscenario jitter: %u ticks per side at 1 kHz, late wake-up "
           "after each deadline\n",
           ticks);
    print_figures("bare", &fl, bare.missed);
    printf("         clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME), next "
           "+= 1 ms\n");
    print_figures("bcsc", &fb, bc.missed);
    printf("         periodic bcsc_timer_t (BCSC_TICK_SKIP) on a "
           "bcsc_posix_reactor_t, %llu allocs, %llu frees\n",
           (unsigned long long)bc.allocs.allocs,
           (unsigned long long)bc.allocs.frees);
    printf("  ratio  bcsc/bare = %.2fx (p50)  %.2fx (p99)  [no pass/fail: "
           "real time on a shared machine]\n",
           r50, r99);
    if (bc.allocs.allocs != 0 || bc.allocs.frees != 0)
      printf("  ERROR: bcsc allocated on the heap during the measured "
             "region\n");
  }
  printf("RESULT scenario=jitter_p50 bcsc_ns=%lld lower_ns=%lld ratio=%.2f "
         "allocs=%lld\n",
         (long long)fb.p50, (long long)fl.p50, r50,
         bench_alloc_supported() ? (long long)bc.allocs.allocs : -1LL);
  printf("RESULT scenario=jitter_p99 bcsc_ns=%lld lower_ns=%lld ratio=%.2f "
         "allocs=%lld\n",
         (long long)fb.p99, (long long)fl.p99, r99,
         bench_alloc_supported() ? (long long)bc.allocs.allocs : -1LL);
  if (bench_opts.callgrind)
    printf(
        "CALLGRIND scenario=jitter_tick bcsc_region=bench_region_bcsc_jitter "
        "lower_region=bench_region_lower_jitter ops=%u calls=1 "
        "kind=diagnostic\n",
        ticks);
  return bc.allocs.allocs != 0 || bc.allocs.frees != 0 ? 1 : 0;
}
