/* SPDX-License-Identifier: MIT
 * bench.c - options, clock, repetitions and reports shared by the
 * benchmarks (see bench.h). */
#include "bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bcsc.h"

bench_options_t bench_opts = {0, 7, 0};

static volatile uint64_t bench_sink;

void bench_keep_u64(uint64_t value) { bench_sink = value; }

uint64_t bench_now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void usage(const char *program) {
  fprintf(stderr,
          "usage: %s [--callgrind] [--reps=N] [--quiet]\n"
          "  --callgrind  few operations, one repetition, no warm-up (for\n"
          "               scripts/bench-callgrind.sh)\n"
          "  --reps=N     timed repetitions per side (default 7, at least 1)\n"
          "  --quiet      print only the RESULT lines\n",
          program);
}

/* The counter must count, or "allocs=0" would mean nothing: one malloc and
 * one free inside a counting window must read as exactly 1 and 1, and a
 * malloc outside the window must not be counted. The volatile pointer keeps
 * the compiler from deleting the malloc/free pair. */
static void alloc_self_test(void) {
  void *volatile p;
  bench_alloc_counts_t c;

  if (!bench_alloc_supported())
    return;
  bench_alloc_start();
  p = malloc(24);
  free(p);
  c = bench_alloc_stop();
  if (c.allocs != 1 || c.frees != 1) {
    fprintf(stderr,
            "bench: allocation counter self-test failed: one malloc and one "
            "free counted as %llu allocs, %llu frees (%s)\n",
            (unsigned long long)c.allocs, (unsigned long long)c.frees,
            bench_alloc_method());
    exit(2);
  }
  p = malloc(24); /* outside the window: must not count */
  free(p);
  bench_alloc_start();
  c = bench_alloc_stop();
  if (c.allocs != 0 || c.frees != 0) {
    fprintf(stderr, "bench: allocation counter counts outside its window\n");
    exit(2);
  }
}

void bench_init(int argc, char **argv, const char *program,
                const char *description) {
  const char *compiler_family = "";
  const char *compiler = "?";
  const char *optimised = ", optimised";
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--callgrind") == 0) {
      bench_opts.callgrind = 1;
    } else if (strncmp(argv[i], "--reps=", 7) == 0) {
      char *end;
      long n = strtol(argv[i] + 7, &end, 10);
      if (*end != '\0' || n < 1 || n > 1000) {
        usage(program);
        exit(2);
      }
      bench_opts.reps = (int)n;
    } else if (strcmp(argv[i], "--quiet") == 0) {
      bench_opts.quiet = 1;
    } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
      usage(program);
      exit(0);
    } else {
      usage(program);
      exit(2);
    }
  }
  if (bench_opts.callgrind)
    bench_opts.reps = 1;

  if (BCSC_ABI_CHECK() != 0) {
    fprintf(stderr, "%s: header and library disagree on the ABI\n", program);
    exit(2);
  }
  alloc_self_test();

  /* Line-buffered output: progress shows up in pipes and logs. */
  setvbuf(stdout, NULL, _IOLBF, 0);
  if (bench_opts.quiet)
    return;
#if defined(__VERSION__)
  compiler = __VERSION__; /* gcc: just the number; clang: names itself */
#endif
#if defined(__GNUC__) && !defined(__clang__)
  compiler_family = "gcc ";
#endif
#if !defined(__OPTIMIZE__)
  optimised = ", NOT optimised";
#endif
  printf("%s: %s\n", program, description);
  printf("  build: bcsc %s, %s%s; compiler %s%s%s\n", bcsc_version_string(),
         bcsc_is_checked_build() ? "CHECKED (BCSC_CHECKED=1)" : "release",
         bcsc_is_checked_build() ? " - not a release figure" : "",
         compiler_family, compiler, optimised);
  printf("  sizeof(bcsc_task_t)=%zu sizeof(bcsc_scope_t)=%zu "
         "sizeof(bcsc_wait_t)=%zu sizeof(bcsc_waitq_t)=%zu\n",
         sizeof(bcsc_task_t), sizeof(bcsc_scope_t), sizeof(bcsc_wait_t),
         sizeof(bcsc_waitq_t));
  printf("  heap-allocation counter: %s%s\n", bench_alloc_method(),
         bench_alloc_supported() ? " (self-test: 1 malloc counted as 1)" : "");
  printf("  mode: %s, %d repetition%s per side%s\n",
         bench_opts.callgrind ? "callgrind (few operations)" : "wall clock",
         bench_opts.reps, bench_opts.reps == 1 ? "" : "s",
         bench_opts.callgrind ? "" : " after one warm-up, alternating sides");
}

static int cmp_i64(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return (x > y) - (x < y);
}

void bench_sort_samples(int64_t *samples, uint32_t n) {
  qsort(samples, n, sizeof samples[0], cmp_i64);
}

int64_t bench_percentile(const int64_t *sorted, uint32_t n, double q) {
  uint32_t rank = (uint32_t)(q * n + 0.999999);
  if (rank < 1)
    rank = 1;
  if (rank > n)
    rank = n;
  return sorted[rank - 1];
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static void run_once(const bench_side_t *side, int timed, double *ns,
                     bench_alloc_counts_t *counts) {
  uint64_t t0, t1;
  if (side->setup != NULL)
    side->setup(side->ctx);
  bench_alloc_start();
  t0 = bench_now_ns();
  side->region(side->ctx);
  t1 = bench_now_ns();
  *counts = bench_alloc_stop();
  *ns = (double)(t1 - t0);
  if (side->finish != NULL && side->finish(side->ctx) != 0) {
    fprintf(stderr, "bench: side '%s' produced a wrong result%s\n", side->label,
            timed ? "" : " (warm-up)");
    exit(3);
  }
}

void bench_run_sides(const bench_side_t *sides, bench_result_t *results,
                     int count, uint64_t ops) {
  enum { MAX_SIDES = 6, MAX_REPS = 1000 };
  static double samples[MAX_SIDES][MAX_REPS];
  int reps = bench_opts.reps;

  if (count > MAX_SIDES || reps > MAX_REPS) {
    fprintf(stderr, "bench: too many sides or repetitions\n");
    exit(2);
  }
  for (int s = 0; s < count; s++)
    memset(&results[s], 0, sizeof results[s]);

  /* Warm-up: first touch of the frames' pages, caches, branch predictors. */
  if (!bench_opts.callgrind) {
    for (int s = 0; s < count; s++) {
      double ns;
      bench_alloc_counts_t c;
      run_once(&sides[s], 0, &ns, &c);
      results[s].allocs += c.allocs;
      results[s].frees += c.frees;
    }
  }
  for (int r = 0; r < reps; r++) {
    for (int s = 0; s < count; s++) {
      bench_alloc_counts_t c;
      run_once(&sides[s], 1, &samples[s][r], &c);
      results[s].allocs += c.allocs;
      results[s].frees += c.frees;
    }
  }
  for (int s = 0; s < count; s++) {
    qsort(samples[s], (size_t)reps, sizeof samples[s][0], cmp_double);
    results[s].best_ns = samples[s][0] / (double)ops;
    results[s].median_ns =
        (reps % 2 == 1
             ? samples[s][reps / 2]
             : (samples[s][reps / 2 - 1] + samples[s][reps / 2]) / 2.0) /
        (double)ops;
  }
}

static void print_side(const bench_side_t *side, const bench_result_t *r,
                       const char *op_name) {
  char allocs[64];
  if (bench_alloc_supported())
    snprintf(allocs, sizeof allocs, "%llu allocs, %llu frees",
             (unsigned long long)r->allocs, (unsigned long long)r->frees);
  else
    snprintf(allocs, sizeof allocs, "allocs n/a");
  printf("  %-12s best %9.2f ns/%s  median %9.2f ns/%s  %s\n", side->label,
         r->best_ns, op_name, r->median_ns, op_name, allocs);
  printf("               %s\n", side->what);
}

static int report(const char *kind, const char *scenario,
                  const char *description, const bench_side_t *bcsc_side,
                  const bench_result_t *bcsc, const bench_side_t *lower_side,
                  const bench_result_t *lower, uint64_t ops,
                  const char *op_name) {
  double ratio = bcsc->best_ns / lower->best_ns;
  double ratio_median = bcsc->median_ns / lower->median_ns;
  int allocated = bcsc->allocs != 0 || bcsc->frees != 0;

  if (!bench_opts.quiet) {
    printf("\n%s %s: %s\n",
           strcmp(kind, "RESULT") == 0 ? "scenario" : "diagnostic", scenario,
           description);
    printf("  %llu operations per repetition (1 op = 1 %s)\n",
           (unsigned long long)ops, op_name);
    print_side(bcsc_side, bcsc, op_name);
    print_side(lower_side, lower, op_name);
    printf("  ratio        bcsc/%s = %.2fx (best)  %.2fx (median)%s\n",
           lower_side->label, ratio, ratio_median,
           bench_opts.callgrind ? "  [callgrind run: wall clock is "
                                  "meaningless, read the Ir counts]"
                                : "");
    if (allocated)
      printf("  ERROR: bcsc allocated on the heap during the measured "
             "region\n");
  }
  printf("%s scenario=%s bcsc_ns=%.2f lower_ns=%.2f ratio=%.2f "
         "allocs=%lld\n",
         kind, scenario, bcsc->best_ns, lower->best_ns, ratio,
         bench_alloc_supported() ? (long long)bcsc->allocs : -1LL);
  if (bench_opts.callgrind)
    printf("CALLGRIND scenario=%s bcsc_region=%s lower_region=%s ops=%llu "
           "calls=%d kind=%s\n",
           scenario, bcsc_side->region_name, lower_side->region_name,
           (unsigned long long)ops, bench_opts.reps,
           strcmp(kind, "RESULT") == 0 ? "result" : "diagnostic");
  return allocated;
}

int bench_report(const char *scenario, const char *description,
                 const bench_side_t *bcsc_side, const bench_result_t *bcsc,
                 const bench_side_t *lower_side, const bench_result_t *lower,
                 uint64_t ops, const char *op_name) {
  return report("RESULT", scenario, description, bcsc_side, bcsc, lower_side,
                lower, ops, op_name);
}

void bench_report_diagnostic(const char *scenario, const char *description,
                             const bench_side_t *bcsc_side,
                             const bench_result_t *bcsc,
                             const bench_side_t *lower_side,
                             const bench_result_t *lower, uint64_t ops,
                             const char *op_name) {
  report("DIAGNOSTIC", scenario, description, bcsc_side, bcsc, lower_side,
         lower, ops, op_name);
}
