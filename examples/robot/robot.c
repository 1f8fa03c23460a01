/* SPDX-License-Identifier: MIT
 * robot.c - the project's main demo: a simulated robot whose whole task
 * tree lives in one struct on main's stack (see robot.h and docs/robot.md).
 *
 *   robot [--sim] [--duration=S] [--quiet] [--seed=N] [--spin=US]
 *         [--inject-stall=MS@T] [--expect-restarts=N] [--expect-misses=N]
 *
 *   --sim              virtual time (bcsc_sim_reactor_t): as fast as the CPU
 *                      goes, and bit for bit reproducible; the summary's
 *                      digest is then the same on every run with the same
 *                      options. Default: real time (bcsc_posix_reactor_t).
 *   --duration=S       how long the robot runs, in seconds of its clock.
 *                      Default 3 (real time), 60 (--sim).
 *   --quiet            no per-second progress lines.
 *   --seed=N           seed of the sensors' noise. Default 1.
 *   --spin=US          real time: busy-wait the last US microseconds before
 *                      each deadline (less jitter, more CPU). Default 0.
 *   --inject-stall=MS@T  at T seconds the control loop is busy for MS
 *                      milliseconds (in --sim: the clock jumps MS ms), so it
 *                      misses deadlines and the watchdog restarts it.
 *   --expect-restarts=N, --expect-misses=N
 *                      for tests: exit 4 unless the run had exactly N
 *                      watchdog restarts / N missed deadlines in all loops.
 *   --sigint-at=N      for tests: the robot sends itself SIGINT at second N
 *                      (as its progress line N is due); exit 4 unless that
 *                      stopped the run before its duration.
 *
 * Stops after --duration or on SIGINT, by cancelling the root scope; every
 * task logs its cleanup. Exit status: 0 clean, 1 a task or bcsc failed,
 * 2 bad usage, 3 the run allocated heap memory, 4 an expectation failed. */
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#if defined(__linux__)
#include <sys/prctl.h>
#endif

#include "bench.h" /* the heap-allocation counter, shared with bench/ */
#include "robot.h"

#define EXIT_FAILED 1
#define EXIT_USAGE 2
#define EXIT_ALLOCATED 3
#define EXIT_UNEXPECTED 4

/* The signal handler's view of the program: a flag, and the reactor to
 * unpark so that the executor notices the flag without waiting for its next
 * deadline. Set before the handler is installed, cleared after it is
 * removed. */
static volatile sig_atomic_t stop_flag;
static bcsc_reactor_t *volatile signal_reactor;

static void on_sigint(int signal_number) {
  bcsc_reactor_t *reactor = signal_reactor;
  (void)signal_number;
  stop_flag = 1;
  /* The posix reactor's unpark is async-signal-safe (a write to its
   * eventfd). */
  if (reactor != NULL && reactor->vtable->unpark != NULL)
    reactor->vtable->unpark(reactor);
}

int robot_stop_requested(void) { return stop_flag != 0; }

uint64_t robot_elapsed(const robot_t *robot) {
  return bcsc_executor_now(&robot->executor) - robot->start;
}

uint64_t robot_first_tick(const robot_t *robot, uint64_t period) {
  return robot->start + (robot_elapsed(robot) / period + 1) * period;
}

void robot_log(const robot_t *robot, const char *who, const char *format, ...) {
  uint64_t t = robot_elapsed(robot);
  va_list args;
  printf("[%5" PRIu64 ".%06" PRIu64 "] %-10s ", t / BCSC_SEC,
         t % BCSC_SEC / 1000, who);
  va_start(args, format);
  vprintf(format, args);
  va_end(args);
  putchar('\n');
}

static int usage(const char *program) {
  fprintf(stderr,
          "usage: %s [--sim] [--duration=S] [--quiet] [--seed=N] "
          "[--spin=US]\n"
          "          [--inject-stall=MS@T] [--expect-restarts=N] "
          "[--expect-misses=N] [--sigint-at=N]\n"
          "(see the comment at the top of examples/robot/robot.c)\n",
          program);
  return EXIT_USAGE;
}

/* Seconds (a decimal) to ns; 0 on a malformed or negative number. */
static int parse_seconds(const char *text, double scale, uint64_t *out) {
  char *end;
  double value = strtod(text, &end);
  if (end == text || *end != '\0' || !(value >= 0) || value * scale > 1e18)
    return 0;
  *out = (uint64_t)(value * scale);
  return 1;
}

static int parse_count(const char *text, int64_t *out) {
  char *end;
  long long value = strtoll(text, &end, 10);
  if (end == text || *end != '\0' || value < 0)
    return 0;
  *out = value;
  return 1;
}

static int parse_options(int argc, char **argv, options_t *o) {
  int duration_given = 0, i;
  int64_t n;
  memset(o, 0, sizeof *o);
  o->seed = 1;
  o->expect_restarts = -1;
  o->expect_misses = -1;
  for (i = 1; i < argc; i++) {
    const char *a = argv[i];
    const char *at;
    char stall_ms[64];
    if (strcmp(a, "--sim") == 0) {
      o->sim = 1;
    } else if (strcmp(a, "--quiet") == 0) {
      o->quiet = 1;
    } else if (strncmp(a, "--duration=", 11) == 0) {
      if (!parse_seconds(a + 11, 1e9, &o->duration) || o->duration == 0)
        return 0;
      duration_given = 1;
    } else if (strncmp(a, "--seed=", 7) == 0) {
      if (!parse_count(a + 7, &n))
        return 0;
      o->seed = (uint64_t)n;
    } else if (strncmp(a, "--spin=", 7) == 0) {
      if (!parse_seconds(a + 7, 1e3, &o->spin))
        return 0;
    } else if (strncmp(a, "--inject-stall=", 15) == 0) {
      at = strchr(a + 15, '@');
      if (at == NULL || (size_t)(at - (a + 15)) >= sizeof stall_ms)
        return 0;
      memcpy(stall_ms, a + 15, (size_t)(at - (a + 15)));
      stall_ms[at - (a + 15)] = '\0';
      if (!parse_seconds(stall_ms, 1e6, &o->stall_length) ||
          !parse_seconds(at + 1, 1e9, &o->stall_at))
        return 0;
      o->stall = 1;
    } else if (strncmp(a, "--expect-restarts=", 18) == 0) {
      if (!parse_count(a + 18, &o->expect_restarts))
        return 0;
    } else if (strncmp(a, "--expect-misses=", 16) == 0) {
      if (!parse_count(a + 16, &o->expect_misses))
        return 0;
    } else if (strncmp(a, "--sigint-at=", 12) == 0) {
      if (!parse_count(a + 12, &n) || n == 0)
        return 0;
      o->sigint_at = (uint64_t)n;
    } else {
      return 0;
    }
  }
  if (!duration_given)
    o->duration = (o->sim ? 60 : 3) * BCSC_SEC;
  return 1;
}

static uint64_t wall_clock_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * BCSC_SEC + (uint64_t)ts.tv_nsec;
}

/* Everything the tasks share, before the first task runs. */
static void robot_init_state(robot_t *r) {
  static const char *const names[LOOP_COUNT] = {"control", "imu", "camera",
                                                "planner"};
  static const uint64_t periods[LOOP_COUNT] = {1 * BCSC_MSEC, 5 * BCSC_MSEC,
                                               20 * BCSC_MSEC, 100 * BCSC_MSEC};
  int i;
  r->start = bcsc_executor_now(&r->executor);
  topic_init(&r->imu);
  topic_init(&r->camera);
  topic_init(&r->setpoint);
  bcsc_waitq_init(&r->alarm);
  plant_init(&r->plant, r->start);
  noise_init(&r->imu_noise, r->options.seed, 1);
  noise_init(&r->camera_noise, r->options.seed, 2);
  r->stall_done = 0;
  for (i = 0; i < LOOP_COUNT; i++)
    loop_stats_init(&r->loops[i], names[i], periods[i]);
  r->restarts = 0;
  digest_init(&r->digest);
}

static int robot_deinit_state(robot_t *r) {
  int rc = 0;
  /* Every task has completed, so no registration can be left on a list;
   * a non-zero here would be a bug in bcsc or in the demo. */
  rc |= topic_deinit(&r->imu);
  rc |= topic_deinit(&r->camera);
  rc |= topic_deinit(&r->setpoint);
  rc |= bcsc_waitq_deinit(&r->alarm);
  return rc;
}

static void install_sigint(bcsc_reactor_t *reactor) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  signal_reactor = reactor;
  sa.sa_handler = on_sigint;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, NULL);
}

static void remove_sigint(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = SIG_DFL;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, NULL);
  signal_reactor = NULL;
}

static void print_summary(robot_t *r, const bcsc_executor_stats_t *st,
                          uint64_t wall) {
  int i;
  printf("\nsummary: %.3f s of %s time in %.3f s (%s reactor, %s build)\n",
         (double)robot_elapsed(r) / 1e9, r->options.sim ? "simulated" : "real",
         (double)wall / 1e9, r->options.sim ? "sim" : "posix",
         bcsc_is_checked_build() ? "checked" : "release");
  printf("  %-8s %8s %10s %9s %9s %9s %8s\n", "loop", "rate", "ticks", "p50 us",
         "p99 us", "max us", "misses");
  for (i = 0; i < LOOP_COUNT; i++) {
    const loop_stats_t *l = &r->loops[i];
    printf("  %-8s %5" PRIu64 " Hz %10" PRIu64 " %9.1f %9.1f %9.1f %8" PRIu64
           "\n",
           l->name, (uint64_t)BCSC_SEC / l->period, l->ticks,
           (double)loop_stats_percentile(l, 500) / 1e3,
           (double)loop_stats_percentile(l, 990) / 1e3, (double)l->max / 1e3,
           l->misses);
  }
  printf("  watchdog restarts: %" PRIu64 "\n", r->restarts);
  printf("  executor: %" PRIu64 " polls, %" PRIu64 " wakes, %" PRIu64
         " spawns, %" PRIu64 " timers fired, %" PRIu64 " parks\n",
         st->polls, st->wakes, st->spawns, st->timers_fired, st->parks);
}

/* Run the robot in `r` (options already set). Returns an exit status. */
static int robot_run(robot_t *r) {
  bcsc_executor_config_t config;
  bcsc_executor_stats_t stats;
  bcsc_reactor_t *reactor;
  uint64_t wall = wall_clock_ns();
  int rc, status = 0;

  if (r->options.sim) {
    bcsc_sim_reactor_init(&r->sim, 0);
    reactor = &r->sim.base;
  } else {
    if ((rc = bcsc_posix_reactor_init(&r->posix)) != 0) {
      fprintf(stderr, "robot: posix reactor: %s\n", bcsc_strerror(rc));
      return EXIT_FAILED;
    }
    bcsc_posix_reactor_set_spin(&r->posix, r->options.spin);
#if defined(__linux__)
    /* Linux lets a sleep end up to the thread's timer slack (50 us by
     * default) late, to batch wake-ups. A 1 kHz loop wants its deadlines:
     * ask for 1 ns. A real robot would also run this thread SCHED_FIFO. */
    (void)prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
#endif
    reactor = &r->posix.base;
  }
  memset(&config, 0, sizeof config);
  config.size = sizeof config;
  config.reactor = reactor;
  if ((rc = bcsc_executor_init(&r->executor, &config)) != 0) {
    fprintf(stderr, "robot: executor: %s\n", bcsc_strerror(rc));
    return EXIT_FAILED;
  }
  robot_init_state(r);
  install_sigint(reactor);

  bcsc_task_init(&r->supervisor.task, supervisor_poll, r);
  r->supervisor.co = (bcsc_co_t)BCSC_CO_INITIALIZER;
  rc = bcsc_executor_run(&r->executor, &r->supervisor.task);
  if (rc != 0) {
    fprintf(stderr, "robot: stopped with %s: %s\n", bcsc_err_name(rc),
            bcsc_strerror(rc));
    status = EXIT_FAILED;
  }
  wall = wall_clock_ns() - wall;

  memset(&stats, 0, sizeof stats);
  stats.size = sizeof stats;
  bcsc_executor_stats(&r->executor, &stats);
  remove_sigint();
  print_summary(r, &stats, wall);

  /* In simulated time the executor's counters are part of the run. */
  digest_event(&r->digest, EVENT_STATS, stats.polls, (int64_t)stats.wakes);
  digest_event(&r->digest, EVENT_STATS, stats.timers_fired,
               (int64_t)stats.parks);
  printf("  digest: %016" PRIx64 " over %" PRIu64 " events%s\n", r->digest.hash,
         r->digest.events,
         r->options.sim ? "" : " (real time: differs from run to run)");

  /* Nothing may point into `r` once main returns: the executor must have
   * no live task, the lists no waiter. */
  if (bcsc_executor_deinit(&r->executor) != 0 || robot_deinit_state(r) != 0 ||
      (!r->options.sim && bcsc_posix_reactor_deinit(&r->posix) != 0)) {
    fprintf(stderr, "robot: teardown found live tasks or waiters\n");
    status = EXIT_FAILED;
  }
  return status;
}

static uint64_t total_misses(const robot_t *r) {
  uint64_t misses = 0;
  int i;
  for (i = 0; i < LOOP_COUNT; i++)
    misses += r->loops[i].misses;
  return misses;
}

int main(int argc, char **argv) {
  /* stdio's buffer would otherwise come from malloc on the first printf;
   * static, because exit() flushes it after main's frame is gone. */
  static char stdout_buffer[1 << 14];
  robot_t robot; /* the whole program: every frame, scope, timer, list */
  bench_alloc_counts_t heap;
  int rc, status;

  setvbuf(stdout, stdout_buffer, _IOLBF, sizeof stdout_buffer);
  memset(&robot, 0, sizeof robot);
  if (argc == 2 && strcmp(argv[1], "--help") == 0) {
    usage(argv[0]);
    return 0;
  }
  if (!parse_options(argc, argv, &robot.options))
    return usage(argv[0]);
  if ((rc = BCSC_ABI_CHECK()) != 0) {
    fprintf(stderr, "robot: bcsc ABI mismatch: %s\n", bcsc_strerror(rc));
    return EXIT_FAILED;
  }
  printf("robot: bcsc %s, robot_t is %zu bytes on main's stack\n",
         bcsc_version_string(), sizeof robot);

  (void)bench_alloc_supported(); /* installs the hooks under ASan */
  bench_alloc_start();
  status = robot_run(&robot);
  heap = bench_alloc_stop();

  printf("  heap allocations: %" PRIu64 " (%s)\n", heap.allocs,
         bench_alloc_supported() ? bench_alloc_method() : "not counted here");
  if (heap.allocs != 0) {
    fprintf(stderr, "robot: the run allocated heap memory\n");
    return EXIT_ALLOCATED;
  }
  if (status != 0)
    return status;
  if (robot.options.expect_restarts >= 0 &&
      robot.restarts != (uint64_t)robot.options.expect_restarts) {
    fprintf(stderr, "robot: expected %" PRId64 " restarts, saw %" PRIu64 "\n",
            robot.options.expect_restarts, robot.restarts);
    return EXIT_UNEXPECTED;
  }
  if (robot.options.sigint_at != 0 &&
      (!robot_stop_requested() ||
       bcsc_scope_timed_out(&robot.supervisor.scope))) {
    fprintf(stderr, "robot: --sigint-at did not stop the run\n");
    return EXIT_UNEXPECTED;
  }
  if (robot.options.expect_misses >= 0 &&
      total_misses(&robot) != (uint64_t)robot.options.expect_misses) {
    fprintf(stderr, "robot: expected %" PRId64 " misses, saw %" PRIu64 "\n",
            robot.options.expect_misses, total_misses(&robot));
    return EXIT_UNEXPECTED;
  }
  return 0;
}
