/* SPDX-License-Identifier: MIT
 * bench.h - what every benchmark shares: options, the clock, repetitions
 * with best and median, the heap-allocation counter, and the report format.
 *
 * A benchmark program measures one scenario twice in the same process run:
 * with bcsc, and with a no-runtime lower bound that does the same work with
 * plain function calls over hand-rolled intrusive lists. The two sides are
 * run alternately (bcsc, lower, bcsc, lower, ...) so that a machine that
 * speeds up or slows down during the run affects both alike; what matters is
 * their ratio.
 *
 * Measured code lives in functions named bench_region_bcsc_<scenario> and
 * bench_region_lower_<scenario>, declared with BENCH_REGION so they stay
 * real functions in an optimised build. scripts/bench-callgrind.sh counts
 * the instructions executed inside them (valgrind --toggle-collect). */
#ifndef BENCH_H
#define BENCH_H

#include <stddef.h>
#include <stdint.h>

/* A measured region: never inlined or cloned under another name, so
 * callgrind's --toggle-collect=bench_region_* finds it by name. */
#if defined(__clang__)
#define BENCH_REGION __attribute__((noinline, used))
#elif defined(__GNUC__)
#define BENCH_REGION __attribute__((noinline, noclone, used))
#else
#define BENCH_REGION
#endif

/* Keeps the compiler from deleting a computation whose result is unused. */
#define BENCH_KEEP(value) bench_keep_u64((uint64_t)(value))
void bench_keep_u64(uint64_t value);

/* Command-line options shared by every benchmark program. */
typedef struct bench_options {
  int callgrind; /* --callgrind: few operations, one repetition, no warm-up */
  int reps;      /* --reps=N: timed repetitions per side (default 7) */
  int quiet;     /* --quiet: only the RESULT lines */
} bench_options_t;

/* The options of this run (valid after bench_init()). */
extern bench_options_t bench_opts;

/* Parse the options, check the allocation counter works, and print the
 * program's header (build flavour, struct sizes). Exits on a bad option or
 * a counter that does not count. */
void bench_init(int argc, char **argv, const char *program,
                const char *description);

/* Monotonic clock in nanoseconds. */
uint64_t bench_now_ns(void);

/* ---- heap-allocation counter (alloc_count.c) ----------------------------
 * malloc, calloc, realloc, free, posix_memalign, aligned_alloc, memalign
 * and valloc are interposed in the benchmark executable; calls made while
 * counting is on, by any thread, are counted. Under AddressSanitizer (which
 * owns malloc) the sanitizer's malloc/free hooks count instead. */
typedef struct bench_alloc_counts {
  uint64_t allocs; /* calls that may allocate: malloc, calloc, realloc, ... */
  uint64_t frees;  /* free calls */
} bench_alloc_counts_t;

void bench_alloc_start(void);
bench_alloc_counts_t bench_alloc_stop(void);
/* 1 if the counter is wired into this build, 0 if not (then counts are 0
 * and the report says "n/a"). */
int bench_alloc_supported(void);
/* How the counter is wired: "interposed (__libc_malloc)", ... */
const char *bench_alloc_method(void);

/* ---- one side of a scenario --------------------------------------------- */
typedef struct bench_side {
  const char *label;         /* "bcsc", "lower", ... */
  const char *what;          /* one line: what this side does */
  void (*setup)(void *ctx);  /* untimed, before each repetition; may be NULL */
  void (*region)(void *ctx); /* timed: a bench_region_* function */
  int (*finish)(void *ctx);  /* untimed, after; 0 if the run was right */
  void *ctx;
  const char *region_name; /* the region function's name, for callgrind */
} bench_side_t;

typedef struct bench_result {
  double best_ns;   /* best repetition, ns per operation */
  double median_ns; /* median repetition, ns per operation */
  uint64_t allocs;  /* allocation calls over every measured repetition */
  uint64_t frees;
} bench_result_t;

/* Run `count` sides alternately, bench_opts.reps times each (after one
 * untimed warm-up repetition each, except under --callgrind), every
 * repetition doing `ops` operations. Exits with a message if a side's
 * finish() reports a wrong result. */
void bench_run_sides(const bench_side_t *sides, bench_result_t *results,
                     int count, uint64_t ops);

/* Print a scenario's human-readable block and its RESULT line:
 *   RESULT scenario=<name> bcsc_ns=<x> lower_ns=<y> ratio=<r> allocs=<n>
 * (allocs: of the bcsc side). Under --callgrind it also prints
 *   CALLGRIND scenario=<name> bcsc_region=<fn> lower_region=<fn> ops=<n>
 *             calls=<repetitions> kind=result
 * for scripts/bench-callgrind.sh. Returns 1 if bcsc allocated, else 0. */
int bench_report(const char *scenario, const char *description,
                 const bench_side_t *bcsc_side, const bench_result_t *bcsc,
                 const bench_side_t *lower_side, const bench_result_t *lower,
                 uint64_t ops, const char *op_name);

/* The same block for a diagnostic comparison - one that explains a
 * scenario's figure rather than being one - with a DIAGNOSTIC line instead
 * of RESULT (same fields); under --callgrind also its CALLGRIND line. */
void bench_report_diagnostic(const char *scenario, const char *description,
                             const bench_side_t *bcsc_side,
                             const bench_result_t *bcsc,
                             const bench_side_t *lower_side,
                             const bench_result_t *lower, uint64_t ops,
                             const char *op_name);

/* Sort n latency samples (ns) in place, ascending. */
void bench_sort_samples(int64_t *samples, uint32_t n);

/* The nearest-rank percentile q (0 < q <= 1) of n >= 1 samples sorted by
 * bench_sort_samples() (bench_jitter, bench_peer_libuv). */
int64_t bench_percentile(const int64_t *sorted, uint32_t n, double q);

#endif /* BENCH_H */
