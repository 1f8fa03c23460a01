/* SPDX-License-Identifier: MIT
 * test_misuse.c - every misuse code in BCSC_MISUSE_TABLE, provoked through
 * the public API the way a real program gets it wrong.
 *
 * Each test installs a recording handler. In the checked build the handler
 * must have received exactly the expected code (and, where the library names
 * one, the offending object) and the call must return its documented error
 * code; in the release build the call must return the same code and the
 * handler must not have been called at all. A few misuses can only be seen
 * by the checked build's canaries (a clobbered frame, a poll that returns
 * PENDING with nothing to wake it); there the release branch asserts what
 * release does guarantee, as each test says.
 *
 * Every test ends with a clean teardown: bcsc_executor_deinit() returns 0. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bcsc.h"

/* ---- the recording handler ----------------------------------------------- */

#define MISUSE_LOG_MAX 16

typedef struct misuse_log {
  int count;
  int32_t code[MISUSE_LOG_MAX];
  const void *object[MISUSE_LOG_MAX];
  const char *message[MISUSE_LOG_MAX];
} misuse_log_t;

static misuse_log_t g_log;

static void record_misuse(void *ctx, int32_t code, const char *message,
                          const void *object) {
  misuse_log_t *log = ctx;
  if (log->count < MISUSE_LOG_MAX) {
    log->code[log->count] = code;
    log->object[log->count] = object;
    log->message[log->count] = message;
  }
  log->count++;
}

static void install_recorder(void) {
  memset(&g_log, 0, sizeof g_log);
  bcsc_set_misuse_handler(record_misuse, &g_log);
}

/* A marker for "any object": the library did report one, but which one is
 * an implementation detail the test does not pin down. */
static const char any_object_marker;
#define ANY_OBJECT ((const void *)&any_object_marker)

/* The two codes every build reports (D84): the ends of C scopes. */
static int reported_by_every_build(int32_t code) {
  return code == BCSC_MISUSE_FRAME_LEFT_LIVE ||
         code == BCSC_MISUSE_EXECUTOR_LEFT_LIVE;
}

/* Checked build: exactly one report, of `code`, about `object`. Release:
 * none, but for the codes every build reports. Either way the log is
 * emptied for the next call. */
static void expect_misuse_at(int line, int32_t code, const void *object) {
  if (bcsc_is_checked_build() || reported_by_every_build(code)) {
    cr_assert_eq(g_log.count, 1,
                 "line %d: expected one report of %s, got %d (first: %s)", line,
                 bcsc_misuse_name(code), g_log.count,
                 g_log.count ? bcsc_misuse_name(g_log.code[0]) : "none");
    cr_assert_eq(g_log.code[0], code, "line %d: expected %s, got %s", line,
                 bcsc_misuse_name(code), bcsc_misuse_name(g_log.code[0]));
    cr_assert_str_eq(g_log.message[0], bcsc_misuse_message(code),
                     "line %d: handler got another message", line);
    if (object != ANY_OBJECT)
      cr_assert_eq(g_log.object[0], object,
                   "line %d: %s reported object %p, expected %p", line,
                   bcsc_misuse_name(code), g_log.object[0], object);
  } else {
    cr_assert_eq(g_log.count, 0,
                 "line %d: release build called the handler (%s)", line,
                 bcsc_misuse_name(g_log.code[0]));
  }
  memset(&g_log, 0, sizeof g_log);
}

static void expect_no_misuse_at(int line) {
  cr_assert_eq(g_log.count, 0, "line %d: unexpected misuse report %s", line,
               g_log.count ? bcsc_misuse_name(g_log.code[0]) : "");
}

#define EXPECT_MISUSE(code, object)                                            \
  expect_misuse_at(__LINE__, BCSC_MISUSE_##code, (object))
#define EXPECT_NO_MISUSE() expect_no_misuse_at(__LINE__)

/* `call` returns `err`, and the misuse `code` was reported about `object`
 * (checked build) or nothing was reported (release). */
#define EXPECT_FAILS(call, err, code, object)                                  \
  do {                                                                         \
    int rc_ = (call);                                                          \
    cr_assert_eq(rc_, (err), "%s returned %s (%d), expected %s", #call,        \
                 bcsc_err_name(rc_), rc_, bcsc_err_name(err));                 \
    EXPECT_MISUSE(code, object);                                               \
  } while (0)

#define EXPECT_OK(call)                                                        \
  do {                                                                         \
    int rc_ = (call);                                                          \
    cr_assert_eq(rc_, 0, "%s returned %s", #call, bcsc_err_name(rc_));         \
    EXPECT_NO_MISUSE();                                                        \
  } while (0)

TestSuite(misuse, .init = install_recorder);

/* ---- a general-purpose task frame -------------------------------------- */

typedef struct probe probe_t;
typedef int (*probe_body_fn)(probe_t *p);

/* What each test's task does lives in `body`; what the calls it made inside
 * its poll returned is kept in `rc[]` and checked after the poll, outside
 * the executor. */
struct probe {
  bcsc_task_t task; /* first: pool frames require it */
  probe_body_fn body;
  bcsc_executor_t *ex;
  bcsc_waitq_t *q[2];
  bcsc_wait_t w[2];
  bcsc_scope_t scope[2];
  probe_t *other;
  int polls;
  int rc[8];
};

/* A report made inside a poll cannot be asserted on there (the assertions
 * run outside the executor): keep what the log holds in rc[at..at+2] - the
 * report count, the first code, whether it named `object` - and empty it. */
static void keep_report(probe_t *p, int at, const void *object) {
  p->rc[at] = g_log.count;
  p->rc[at + 1] = g_log.count ? g_log.code[0] : 0;
  p->rc[at + 2] = g_log.count && g_log.object[0] == object;
  memset(&g_log, 0, sizeof g_log);
}

/* What keep_report() kept: in the checked build exactly one report, of
 * `code`, naming the object; in release none. */
static void expect_kept_report_at(int line, const probe_t *p, int at,
                                  int32_t code) {
  if (bcsc_is_checked_build()) {
    cr_assert_eq(p->rc[at], 1, "line %d: expected one report", line);
    cr_assert_eq(p->rc[at + 1], code, "line %d: expected %s, got %s", line,
                 bcsc_misuse_name(code), bcsc_misuse_name(p->rc[at + 1]));
    cr_assert(p->rc[at + 2], "line %d: %s named another object", line,
              bcsc_misuse_name(code));
  } else {
    cr_assert_eq(p->rc[at], 0, "line %d: release build reported", line);
  }
}
#define EXPECT_KEPT_REPORT(p, at, code)                                        \
  expect_kept_report_at(__LINE__, (p), (at), BCSC_MISUSE_##code)

static int probe_poll(bcsc_task_t *self) {
  probe_t *p = (probe_t *)(void *)self;
  p->polls++;
  return p->body(p);
}

static void probe_init(probe_t *p, bcsc_executor_t *ex, probe_body_fn body) {
  memset(p, 0, sizeof *p);
  cr_assert_eq(bcsc_task_init(&p->task, probe_poll, p), 0);
  cr_assert_eq(bcsc_wait_init(&p->w[0]), 0);
  cr_assert_eq(bcsc_wait_init(&p->w[1]), 0);
  p->body = body;
  p->ex = ex;
}

/* Bodies shared by several tests. */
static int body_done(probe_t *p) {
  (void)p;
  return BCSC_DONE;
}

/* Waits on q[0] until woken or cancelled, then finishes. */
static int body_wait_q0(probe_t *p) {
  if (bcsc_task_cancelled(&p->task) || bcsc_wait_fired(&p->w[0]))
    return BCSC_DONE;
  p->rc[0] = bcsc_wait_register(&p->task, &p->w[0], p->q[0]);
  return BCSC_PENDING;
}

static void executor_up(bcsc_executor_t *ex) {
  cr_assert_eq(bcsc_executor_init(ex, NULL), 0);
}

/* Teardown every test ends with: nothing live, deinit succeeds. */
static void executor_down(bcsc_executor_t *ex) {
  cr_assert_eq(bcsc_executor_run(ex, NULL), 0);
  cr_assert_eq(bcsc_executor_live_roots(ex), 0);
  cr_assert_eq(bcsc_executor_deinit(ex), 0);
  EXPECT_NO_MISUSE();
}

/* ---- the table itself ---------------------------------------------------- */

typedef struct misuse_entry {
  int32_t code;
  const char *name;
  const char *message;
} misuse_entry_t;

#define MISUSE_ENTRY_(name, value, message)                                    \
  {BCSC_MISUSE_##name, "BCSC_MISUSE_" #name, message},
static const misuse_entry_t misuse_table[] = {BCSC_MISUSE_TABLE(MISUSE_ENTRY_)};
#define MISUSE_COUNT (sizeof misuse_table / sizeof misuse_table[0])

/* Codes ascend from 1; a gap (codes kept for work in progress, misuse.h) is
 * allowed and must read as unknown. */
Test(misuse, every_code_has_a_distinct_name_and_a_message) {
  cr_assert_eq(misuse_table[0].code, 1, "codes do not start at 1");
  cr_assert_eq(misuse_table[MISUSE_COUNT - 1].code, BCSC_MISUSE_LIMIT - 1,
               "BCSC_MISUSE_LIMIT is not one past the last code");
  for (size_t i = 0; i < MISUSE_COUNT; i++) {
    const misuse_entry_t *e = &misuse_table[i];
    if (i > 0) {
      cr_assert_gt(e->code, misuse_table[i - 1].code, "codes do not ascend");
      for (int32_t gap = misuse_table[i - 1].code + 1; gap < e->code; gap++) {
        cr_assert_str_eq(bcsc_misuse_name(gap), "BCSC_MISUSE_?");
        cr_assert_str_eq(bcsc_misuse_message(gap), "unknown misuse");
      }
    }
    cr_assert_str_eq(bcsc_misuse_name(e->code), e->name);
    cr_assert_str_eq(bcsc_misuse_message(e->code), e->message);
    cr_assert_gt(strlen(bcsc_misuse_message(e->code)), 0);
    cr_assert_str_neq(bcsc_misuse_message(e->code), "unknown misuse");
    for (size_t j = 0; j < i; j++) {
      cr_assert_str_neq(bcsc_misuse_name(e->code),
                        bcsc_misuse_name(misuse_table[j].code));
      cr_assert_str_neq(bcsc_misuse_message(e->code),
                        bcsc_misuse_message(misuse_table[j].code));
    }
  }
  cr_assert_str_eq(bcsc_misuse_name(0), "BCSC_MISUSE_?");
  cr_assert_str_eq(bcsc_misuse_name(BCSC_MISUSE_LIMIT), "BCSC_MISUSE_?");
  cr_assert_str_eq(bcsc_misuse_message(-1), "unknown misuse");
  cr_assert_str_eq(bcsc_misuse_message(BCSC_MISUSE_LIMIT), "unknown misuse");
  EXPECT_NO_MISUSE();
}

/* The codes this file provokes, one test (or more) each. A code added to the
 * table without a test here fails this check. */
static const int32_t codes_with_a_test[] = {
    BCSC_MISUSE_NULL_OBJECT,     BCSC_MISUSE_BAD_OBJECT,
    BCSC_MISUSE_MOVED,           BCSC_MISUSE_DOUBLE_SPAWN,
    BCSC_MISUSE_NODE_LINKED,     BCSC_MISUSE_REENTRANT_POLL,
    BCSC_MISUSE_TASK_DONE,       BCSC_MISUSE_SCOPE_ORDER,
    BCSC_MISUSE_FOREIGN_SCOPE,   BCSC_MISUSE_NOT_RUNNING,
    BCSC_MISUSE_EXECUTOR_BUSY,   BCSC_MISUSE_WAITQ_BUSY,
    BCSC_MISUSE_POOL_EXHAUSTED,  BCSC_MISUSE_POOL_FOREIGN,
    BCSC_MISUSE_PENDING_NO_WAKE, BCSC_MISUSE_SCOPE_CLOSED,
    BCSC_MISUSE_FRAME_CLOBBERED, BCSC_MISUSE_BAD_ARGUMENT,
    BCSC_MISUSE_POOL_BUSY,       BCSC_MISUSE_SCOPE_REOPENED,
    BCSC_MISUSE_SELECT_DECIDED,  BCSC_MISUSE_WRONG_THREAD,
    BCSC_MISUSE_SCOPE_END_LIVE,  BCSC_MISUSE_SCOPE_END_LINKED,
    BCSC_MISUSE_NODE_UNLINKED,   BCSC_MISUSE_REMOTE_SELF,
    BCSC_MISUSE_ATTACHED,        BCSC_MISUSE_ERROR_LIST_LATE,
    BCSC_MISUSE_START_FOREIGN,   BCSC_MISUSE_START_TWICE,
    BCSC_MISUSE_ABORT_RESULT,    BCSC_MISUSE_ABORT_REENTERED,
    BCSC_MISUSE_FRAME_LEFT_LIVE, BCSC_MISUSE_EXECUTOR_LEFT_LIVE,
    BCSC_MISUSE_REACTOR_BUSY,    BCSC_MISUSE_REACTOR_STATE};

Test(misuse, every_code_in_the_table_is_provoked_by_a_test_here) {
  for (size_t i = 0; i < MISUSE_COUNT; i++) {
    int found = 0;
    for (size_t j = 0;
         j < sizeof codes_with_a_test / sizeof codes_with_a_test[0]; j++)
      found |= codes_with_a_test[j] == misuse_table[i].code;
    cr_assert(found, "%s has no test in test_misuse.c", misuse_table[i].name);
  }
}

/* ---- NULL_OBJECT ------------------------------------------------------- */

/* Objects the NULL thunks pass as their other, valid, arguments. */
static bcsc_executor_t n_ex;
static bcsc_task_t n_task;
static bcsc_scope_t n_scope;
static bcsc_wait_t n_wait;
static bcsc_waitq_t n_q;
static bcsc_pool_t n_pool;
static _Alignas(BCSC_POOL_ALIGN) unsigned char n_mem[BCSC_POOL_BYTES(64, 2)];
static void *n_frame;
static bcsc_executor_stats_t n_stats = {.size = sizeof(bcsc_executor_stats_t)};

static int n_poll(bcsc_task_t *self) {
  (void)self;
  return BCSC_DONE;
}

typedef struct null_case {
  const char *what;
  int (*call)(void);
} null_case_t;

#define NULL_CASE(fn_name, expr)                                               \
  static int null_##fn_name(void) { return (expr); }
NULL_CASE(executor_init, bcsc_executor_init(NULL, NULL))
NULL_CASE(executor_deinit, bcsc_executor_deinit(NULL))
NULL_CASE(executor_spawn_ex, bcsc_executor_spawn(NULL, &n_task))
NULL_CASE(executor_spawn_task, bcsc_executor_spawn(&n_ex, NULL))
NULL_CASE(executor_run, bcsc_executor_run(NULL, NULL))
NULL_CASE(executor_poll, bcsc_executor_poll(NULL, 1))
NULL_CASE(executor_stats, bcsc_executor_stats(NULL, &n_stats))
NULL_CASE(task_init, bcsc_task_init(NULL, n_poll, NULL))
NULL_CASE(task_cancel, bcsc_task_cancel(NULL))
NULL_CASE(task_yield, bcsc_task_yield(NULL))
NULL_CASE(scope_init_scope, bcsc_scope_init(NULL, &n_task, 0))
NULL_CASE(scope_init_owner, bcsc_scope_init(&n_scope, NULL, 0))
NULL_CASE(scope_spawn, bcsc_scope_spawn(NULL, &n_task))
NULL_CASE(scope_join, bcsc_scope_join(NULL))
NULL_CASE(scope_cancel, bcsc_scope_cancel(NULL))
NULL_CASE(wait_init, bcsc_wait_init(NULL))
NULL_CASE(wait_register_task, bcsc_wait_register(NULL, &n_wait, &n_q))
NULL_CASE(wait_register_wait, bcsc_wait_register(&n_task, NULL, &n_q))
NULL_CASE(wait_register_queue, bcsc_wait_register(&n_task, &n_wait, NULL))
NULL_CASE(wait_cancel, bcsc_wait_cancel(NULL))
NULL_CASE(wait_on_task, bcsc_wait_on(NULL, &n_wait, &n_q))
NULL_CASE(wait_on_wait, bcsc_wait_on(&n_task, NULL, &n_q))
NULL_CASE(waitq_init, bcsc_waitq_init(NULL))
NULL_CASE(waitq_deinit, bcsc_waitq_deinit(NULL))
NULL_CASE(waitq_wake_one, bcsc_waitq_wake_one(NULL, 1))
NULL_CASE(waitq_wake_all, bcsc_waitq_wake_all(NULL, 1))
NULL_CASE(pool_init, bcsc_pool_init(NULL, n_mem, sizeof n_mem, 64, 0))
NULL_CASE(pool_acquire, bcsc_pool_acquire(NULL, n_poll, NULL, &n_frame))
NULL_CASE(pool_release, bcsc_pool_release(NULL, n_mem + 16))
NULL_CASE(pool_deinit, bcsc_pool_deinit(NULL))

static const null_case_t null_cases[] = {
#define NC(fn_name)                                                            \
  { #fn_name, null_##fn_name }
    NC(executor_init),       NC(executor_deinit),    NC(executor_spawn_ex),
    NC(executor_spawn_task), NC(executor_run),       NC(executor_poll),
    NC(executor_stats),      NC(task_init),          NC(task_cancel),
    NC(task_yield),          NC(scope_init_scope),   NC(scope_init_owner),
    NC(scope_spawn),         NC(scope_join),         NC(scope_cancel),
    NC(wait_init),           NC(wait_register_task), NC(wait_register_wait),
    NC(wait_register_queue), NC(wait_cancel),        NC(wait_on_task),
    NC(wait_on_wait),        NC(waitq_init),         NC(waitq_deinit),
    NC(waitq_wake_one),      NC(waitq_wake_all),     NC(pool_init),
    NC(pool_acquire),        NC(pool_release),       NC(pool_deinit),
#undef NC
};

Test(misuse, null_object_fails_with_einval_and_reports_null) {
  cr_assert_eq(bcsc_executor_init(&n_ex, NULL), 0);
  cr_assert_eq(bcsc_task_init(&n_task, n_poll, NULL), 0);
  cr_assert_eq(bcsc_wait_init(&n_wait), 0);
  cr_assert_eq(bcsc_waitq_init(&n_q), 0);
  cr_assert_eq(bcsc_pool_init(&n_pool, n_mem, sizeof n_mem, 64, 0), 0);
  for (size_t i = 0; i < sizeof null_cases / sizeof null_cases[0]; i++) {
    int rc = null_cases[i].call();
    cr_assert_eq(rc, BCSC_EINVAL, "%s(NULL) returned %s", null_cases[i].what,
                 bcsc_err_name(rc));
    if (bcsc_is_checked_build()) {
      cr_assert_eq(g_log.count, 1, "%s: %d reports", null_cases[i].what,
                   g_log.count);
      cr_assert_eq(g_log.code[0], BCSC_MISUSE_NULL_OBJECT, "%s: got %s",
                   null_cases[i].what, bcsc_misuse_name(g_log.code[0]));
      cr_assert_null(g_log.object[0], "%s", null_cases[i].what);
    }
    EXPECT_MISUSE(NULL_OBJECT, NULL);
  }
  /* Nothing the NULL calls could have touched changed. */
  cr_assert_eq(bcsc_executor_live_roots(&n_ex), 0);
  cr_assert_eq(bcsc_pool_available(&n_pool), 2);
  cr_assert_eq(bcsc_pool_deinit(&n_pool), 0);
  cr_assert_eq(bcsc_waitq_deinit(&n_q), 0);
  executor_down(&n_ex);
}

Test(misuse, null_queries_answer_neutrally_without_a_report) {
  cr_assert_eq(bcsc_task_done(NULL), 0);
  cr_assert_eq(bcsc_task_result(NULL), BCSC_ESTATE);
  cr_assert_eq(bcsc_task_cancelled(NULL), 0);
  cr_assert_eq(bcsc_scope_live(NULL), 0);
  cr_assert_eq(bcsc_scope_cancelled(NULL), 0);
  cr_assert_eq(bcsc_scope_error_count(NULL), 0);
  /* Mutation testing: winner's NULL test turned into || passed before. */
  cr_assert_null(bcsc_scope_winner(NULL));
  cr_assert_eq(bcsc_scope_timed_out(NULL), 0);
  cr_assert_eq(bcsc_wait_fired(NULL), 0);
  cr_assert_eq(bcsc_wait_linked(NULL), 0);
  cr_assert_eq(bcsc_waitq_count(NULL), 0);
  cr_assert_eq(bcsc_executor_ready(NULL), 0);
  cr_assert_eq(bcsc_executor_live_roots(NULL), 0);
  cr_assert_null(bcsc_executor_current(NULL));
  cr_assert_eq(bcsc_pool_available(NULL), 0);
  cr_assert_eq(bcsc_pool_capacity(NULL), 0);
  /* The primitives' and timers' queries too (mutation testing: a neutral
   * answer of 1 instead of 0 passed before). */
  cr_assert_eq(bcsc_timer_deadline(NULL), BCSC_NO_DEADLINE);
  cr_assert_eq(bcsc_timer_fired(NULL), 0);
  cr_assert_eq(bcsc_timer_linked(NULL), 0);
  cr_assert_eq(bcsc_timer_missed(NULL), 0);
  cr_assert_eq(bcsc_timer_missed_total(NULL), 0);
  cr_assert_eq(bcsc_barrier_arrived(NULL), 0);
  cr_assert_eq(bcsc_barrier_generation(NULL), 0);
  cr_assert_eq(bcsc_broadcast_closed(NULL), 0);
  cr_assert_eq(bcsc_event_is_set(NULL), 0);
  cr_assert_null(bcsc_mutex_owner(NULL));
  cr_assert_eq(bcsc_mutex_locked(NULL), 0);
  cr_assert_eq(bcsc_mutex_waiting(NULL), 0);
  cr_assert_eq(bcsc_semaphore_available(NULL), 0);
  cr_assert_eq(bcsc_semaphore_waiting(NULL), 0);
  cr_assert_eq(bcsc_watch_version(NULL), 0);
  cr_assert_eq(bcsc_watch_closed(NULL), 0);
  cr_assert_null(bcsc_executor_reactor(NULL));
  EXPECT_NO_MISUSE();
}

/* ---- BAD_OBJECT -------------------------------------------------------- */

/* Memory that was never initialised: garbage (0xA5 everywhere) and zeros
 * (static storage, or a fresh page). */
static void fill(void *object, size_t size, int byte) {
  memset(object, byte, size);
}

Test(misuse, uninitialised_objects_fail_with_ebadobj) {
  static const int patterns[] = {0x00, 0xA5};
  bcsc_executor_t ex;
  probe_t good;
  bcsc_waitq_t good_q;
  bcsc_semaphore_t good_sem;
  executor_up(&ex);
  cr_assert_eq(bcsc_waitq_init(&good_q), 0);
  cr_assert_eq(bcsc_semaphore_init(&good_sem, 1), 0);
  probe_init(&good, &ex, body_done);

  for (size_t i = 0; i < sizeof patterns / sizeof patterns[0]; i++) {
    bcsc_executor_t bad_ex;
    bcsc_task_t bad_task;
    bcsc_scope_t bad_scope;
    bcsc_wait_t bad_wait;
    bcsc_waitq_t bad_q;
    bcsc_pool_t bad_pool;
    bcsc_timer_t bad_timer;
    bcsc_semaphore_waiter_t bad_waiter;
    bcsc_executor_stats_t st = {.size = sizeof st};
    void *frame = NULL;
    fill(&bad_ex, sizeof bad_ex, patterns[i]);
    fill(&bad_task, sizeof bad_task, patterns[i]);
    fill(&bad_scope, sizeof bad_scope, patterns[i]);
    fill(&bad_wait, sizeof bad_wait, patterns[i]);
    fill(&bad_q, sizeof bad_q, patterns[i]);
    fill(&bad_pool, sizeof bad_pool, patterns[i]);
    fill(&bad_timer, sizeof bad_timer, patterns[i]);
    fill(&bad_waiter, sizeof bad_waiter, patterns[i]);

    EXPECT_FAILS(bcsc_executor_poll(&bad_ex, 1), BCSC_EBADOBJ, BAD_OBJECT,
                 &bad_ex);
    EXPECT_FAILS(bcsc_executor_run(&bad_ex, NULL), BCSC_EBADOBJ, BAD_OBJECT,
                 &bad_ex);
    EXPECT_FAILS(bcsc_executor_deinit(&bad_ex), BCSC_EBADOBJ, BAD_OBJECT,
                 &bad_ex);
    EXPECT_FAILS(bcsc_executor_spawn(&bad_ex, &good.task), BCSC_EBADOBJ,
                 BAD_OBJECT, &bad_ex);
    EXPECT_FAILS(bcsc_executor_stats(&bad_ex, &st), BCSC_EBADOBJ, BAD_OBJECT,
                 &bad_ex);

    EXPECT_FAILS(bcsc_executor_spawn(&ex, &bad_task), BCSC_EBADOBJ, BAD_OBJECT,
                 &bad_task);
    EXPECT_FAILS(bcsc_executor_run(&ex, &bad_task), BCSC_EBADOBJ, BAD_OBJECT,
                 &bad_task);
    EXPECT_FAILS(bcsc_task_cancel(&bad_task), BCSC_EBADOBJ, BAD_OBJECT,
                 &bad_task);
    EXPECT_FAILS(bcsc_task_yield(&bad_task), BCSC_EBADOBJ, BAD_OBJECT,
                 &bad_task);
    cr_assert_eq(bcsc_task_done(&bad_task), 0);

    EXPECT_FAILS(bcsc_scope_spawn(&bad_scope, &good.task), BCSC_EBADOBJ,
                 BAD_OBJECT, &bad_scope);
    EXPECT_FAILS(bcsc_scope_join(&bad_scope), BCSC_EBADOBJ, BAD_OBJECT,
                 &bad_scope);
    EXPECT_FAILS(bcsc_scope_cancel(&bad_scope), BCSC_EBADOBJ, BAD_OBJECT,
                 &bad_scope);

    EXPECT_FAILS(bcsc_wait_cancel(&bad_wait), BCSC_EBADOBJ, BAD_OBJECT,
                 &bad_wait);
    EXPECT_FAILS(bcsc_wait_register(&good.task, &bad_wait, &good_q),
                 BCSC_EBADOBJ, BAD_OBJECT, &bad_wait);
    EXPECT_FAILS(bcsc_wait_register(&good.task, &good.w[0], &bad_q),
                 BCSC_EBADOBJ, BAD_OBJECT, &bad_q);
    EXPECT_FAILS(bcsc_waitq_wake_one(&bad_q, 1), BCSC_EBADOBJ, BAD_OBJECT,
                 &bad_q);
    EXPECT_FAILS(bcsc_waitq_wake_all(&bad_q, 1), BCSC_EBADOBJ, BAD_OBJECT,
                 &bad_q);
    EXPECT_FAILS(bcsc_waitq_deinit(&bad_q), BCSC_EBADOBJ, BAD_OBJECT, &bad_q);

    EXPECT_FAILS(bcsc_pool_acquire(&bad_pool, n_poll, NULL, &frame),
                 BCSC_EBADOBJ, BAD_OBJECT, &bad_pool);
    cr_assert_null(frame, "a failed acquire wrote its out-parameter");
    EXPECT_FAILS(bcsc_pool_release(&bad_pool, &good), BCSC_EBADOBJ, BAD_OBJECT,
                 &bad_pool);
    EXPECT_FAILS(bcsc_pool_deinit(&bad_pool), BCSC_EBADOBJ, BAD_OBJECT,
                 &bad_pool);

    /* The report names the timer the caller passed, not the registration
     * inside it: a timer left zeroed in a frame is the usual slip. */
    EXPECT_FAILS(bcsc_timer_set(&bad_timer, 10), BCSC_EBADOBJ, BAD_OBJECT,
                 &bad_timer);
    EXPECT_FAILS(bcsc_timer_set_periodic(&bad_timer, 0, 10, BCSC_TICK_SKIP),
                 BCSC_EBADOBJ, BAD_OBJECT, &bad_timer);
    EXPECT_FAILS(bcsc_timer_stop(&bad_timer), BCSC_EBADOBJ, BAD_OBJECT,
                 &bad_timer);
    EXPECT_FAILS(bcsc_semaphore_acquire(&good.task, &good_sem, &bad_waiter, 1),
                 BCSC_EBADOBJ, BAD_OBJECT, &bad_waiter);
  }
  /* The good objects were never touched: the frame still spawns and runs. */
  cr_assert_eq(bcsc_executor_run(&ex, &good.task), 0);
  cr_assert_eq(good.polls, 1);
  cr_assert_eq(bcsc_waitq_deinit(&good_q), 0);
  cr_assert_eq(bcsc_semaphore_deinit(&good_sem), 0);
  executor_down(&ex);
}

Test(misuse, torn_down_objects_fail_with_ebadobj) {
  bcsc_executor_t ex, gone;
  bcsc_waitq_t q;
  bcsc_pool_t pool;
  static _Alignas(
      BCSC_POOL_ALIGN) unsigned char mem[BCSC_POOL_BYTES(sizeof(probe_t), 2)];
  probe_t p;
  void *frame = NULL;
  executor_up(&ex);
  executor_up(&gone);
  cr_assert_eq(bcsc_executor_deinit(&gone), 0);
  probe_init(&p, &ex, body_done);
  EXPECT_FAILS(bcsc_executor_spawn(&gone, &p.task), BCSC_EBADOBJ, BAD_OBJECT,
               &gone);
  EXPECT_FAILS(bcsc_executor_run(&gone, NULL), BCSC_EBADOBJ, BAD_OBJECT, &gone);

  cr_assert_eq(bcsc_waitq_init(&q), 0);
  cr_assert_eq(bcsc_waitq_deinit(&q), 0);
  EXPECT_FAILS(bcsc_waitq_wake_one(&q, 0), BCSC_EBADOBJ, BAD_OBJECT, &q);
  EXPECT_FAILS(bcsc_waitq_deinit(&q), BCSC_EBADOBJ, BAD_OBJECT, &q);

  /* A frame given back to its pool is no task any more. */
  cr_assert_eq(bcsc_pool_init(&pool, mem, sizeof mem, sizeof(probe_t), 0), 0);
  cr_assert_eq(bcsc_pool_acquire(&pool, probe_poll, NULL, &frame), 0);
  cr_assert_eq(bcsc_pool_release(&pool, frame), 0);
  EXPECT_FAILS(bcsc_executor_spawn(&ex, (bcsc_task_t *)frame), BCSC_EBADOBJ,
               BAD_OBJECT, frame);
  cr_assert_eq(bcsc_pool_deinit(&pool), 0);
  EXPECT_FAILS(bcsc_pool_acquire(&pool, probe_poll, NULL, &frame), BCSC_EBADOBJ,
               BAD_OBJECT, &pool);

  cr_assert_eq(bcsc_executor_run(&ex, &p.task), 0);
  executor_down(&ex);
}

/* ---- MOVED -------------------------------------------------------------- */

/* The size/offset-free way a frame moves by accident: a struct copy. The
 * address tag is set while an object is linked, so the copy carries the tag
 * of the original's address. That check is cheap and runs in release too
 * (docs/decisions.md D5): there the call fails the same way, unreported. */
Test(misuse, copy_of_a_spawned_task_is_rejected_as_moved) {
  bcsc_executor_t ex;
  probe_t p, copy;
  executor_up(&ex);
  probe_init(&p, &ex, body_done);
  EXPECT_OK(bcsc_executor_spawn(&ex, &p.task));
  memcpy(&copy, &p, sizeof p);
  EXPECT_FAILS(bcsc_task_cancel(&copy.task), BCSC_EBADOBJ, MOVED, &copy.task);
  EXPECT_FAILS(bcsc_executor_spawn(&ex, &copy.task), BCSC_EBADOBJ, MOVED,
               &copy.task);
  EXPECT_FAILS(bcsc_task_yield(&copy.task), BCSC_EBADOBJ, MOVED, &copy.task);
  /* The original is untouched: not cancelled, runs normally. */
  cr_assert_eq(bcsc_task_cancelled(&p.task), 0);
  cr_assert_eq(bcsc_executor_ready(&ex), 1);
  cr_assert_eq(bcsc_executor_run(&ex, &p.task), 0);
  cr_assert_eq(p.polls, 1);
  executor_down(&ex);
}

Test(misuse, copy_of_a_linked_wait_node_is_rejected_as_moved) {
  bcsc_executor_t ex;
  bcsc_waitq_t q;
  bcsc_wait_t copy;
  probe_t p;
  executor_up(&ex);
  cr_assert_eq(bcsc_waitq_init(&q), 0);
  probe_init(&p, &ex, body_wait_q0);
  p.q[0] = &q;
  EXPECT_OK(bcsc_executor_spawn(&ex, &p.task));
  cr_assert_eq(bcsc_executor_poll(&ex, 1), 1);
  cr_assert_eq(p.rc[0], 0);
  cr_assert(bcsc_wait_linked(&p.w[0]));
  memcpy(&copy, &p.w[0], sizeof copy);
  EXPECT_FAILS(bcsc_wait_cancel(&copy), BCSC_EBADOBJ, MOVED, &copy);
  cr_assert_eq(bcsc_waitq_count(&q), 1, "the failed cancel unlinked");
  cr_assert(bcsc_wait_linked(&p.w[0]));
  cr_assert_eq(bcsc_waitq_wake_one(&q, 7), 1);
  cr_assert_eq(p.w[0].value, 7);
  cr_assert_eq(bcsc_executor_run(&ex, &p.task), 0);
  cr_assert_eq(bcsc_waitq_deinit(&q), 0);
  executor_down(&ex);
}

Test(misuse, copy_of_a_waiter_list_with_waiters_is_rejected_as_moved) {
  bcsc_executor_t ex;
  bcsc_waitq_t q, copy, empty, empty_moved;
  probe_t p;
  executor_up(&ex);
  cr_assert_eq(bcsc_waitq_init(&q), 0);
  probe_init(&p, &ex, body_wait_q0);
  p.q[0] = &q;
  EXPECT_OK(bcsc_executor_spawn(&ex, &p.task));
  cr_assert_eq(bcsc_executor_poll(&ex, 1), 1);
  memcpy(&copy, &q, sizeof q);
  EXPECT_FAILS(bcsc_waitq_wake_one(&copy, 1), BCSC_EBADOBJ, MOVED, &copy);
  EXPECT_FAILS(bcsc_waitq_wake_all(&copy, 1), BCSC_EBADOBJ, MOVED, &copy);
  EXPECT_FAILS(bcsc_waitq_deinit(&copy), BCSC_EBADOBJ, MOVED, &copy);
  cr_assert(bcsc_wait_linked(&p.w[0]), "a refused wake fired the waiter");
  /* An empty list is not linked to anything: it may move. */
  cr_assert_eq(bcsc_waitq_init(&empty), 0);
  memcpy(&empty_moved, &empty, sizeof empty);
  EXPECT_OK(bcsc_waitq_wake_all(&empty_moved, 1));
  EXPECT_OK(bcsc_waitq_deinit(&empty_moved));
  cr_assert_eq(bcsc_waitq_wake_one(&q, 1), 1);
  cr_assert_eq(bcsc_waitq_deinit(&q), 0);
  executor_down(&ex);
}

/* Primitives whose waiter list carries their move check: a copy made
 * while a task waits is refused, and the report names the copy the caller
 * passed, not the waiter list inside it. */
static bcsc_event_t g_moved_event;
static bcsc_oneshot_t g_moved_oneshot;
static bcsc_watch_t g_moved_watch;
static bcsc_barrier_t g_moved_barrier;

static int body_wait_event_and_oneshot(probe_t *p) {
  uint32_t value;
  if (bcsc_task_cancelled(&p->task))
    return BCSC_DONE;
  p->rc[0] = bcsc_event_wait(&p->task, &g_moved_event, &p->w[0]);
  p->rc[1] = bcsc_oneshot_recv(&p->task, &g_moved_oneshot, &p->w[1], &value,
                               sizeof value);
  return BCSC_PENDING;
}

static int body_wait_watch_and_barrier(probe_t *p) {
  int leader;
  if (bcsc_task_cancelled(&p->task))
    return BCSC_DONE;
  p->rc[0] = bcsc_watch_changed(&p->task, &g_moved_watch, &p->w[0], 0);
  p->rc[1] = bcsc_barrier_wait(&p->task, &g_moved_barrier, &p->w[1], &leader);
  return BCSC_PENDING;
}

Test(misuse, copy_of_a_primitive_with_a_waiter_is_rejected_as_moved) {
  bcsc_executor_t ex;
  bcsc_event_t event_copy;
  bcsc_oneshot_t oneshot_copy;
  bcsc_watch_t watch_copy;
  bcsc_barrier_t barrier_copy;
  uint32_t oneshot_slot, watch_slot = 0, value = 1;
  probe_t a, b;
  executor_up(&ex);
  cr_assert_eq(bcsc_event_init(&g_moved_event), 0);
  cr_assert_eq(
      bcsc_oneshot_init(&g_moved_oneshot, &oneshot_slot, sizeof oneshot_slot),
      0);
  cr_assert_eq(bcsc_watch_init(&g_moved_watch, &watch_slot, sizeof watch_slot),
               0);
  cr_assert_eq(bcsc_barrier_init(&g_moved_barrier, 2), 0);
  probe_init(&a, &ex, body_wait_event_and_oneshot);
  probe_init(&b, &ex, body_wait_watch_and_barrier);
  EXPECT_OK(bcsc_executor_spawn(&ex, &a.task));
  EXPECT_OK(bcsc_executor_spawn(&ex, &b.task));
  cr_assert_eq(bcsc_executor_poll(&ex, 2), 2);
  for (int i = 0; i < 2; i++) {
    cr_assert_eq(a.rc[i], BCSC_PENDING);
    cr_assert_eq(b.rc[i], BCSC_PENDING);
  }

  memcpy(&event_copy, &g_moved_event, sizeof event_copy);
  EXPECT_FAILS(bcsc_event_set(&event_copy), BCSC_EBADOBJ, MOVED, &event_copy);
  memcpy(&oneshot_copy, &g_moved_oneshot, sizeof oneshot_copy);
  EXPECT_FAILS(bcsc_oneshot_close(&oneshot_copy), BCSC_EBADOBJ, MOVED,
               &oneshot_copy);
  memcpy(&watch_copy, &g_moved_watch, sizeof watch_copy);
  EXPECT_FAILS(bcsc_watch_publish(&watch_copy, &value, sizeof value),
               BCSC_EBADOBJ, MOVED, &watch_copy);
  memcpy(&barrier_copy, &g_moved_barrier, sizeof barrier_copy);
  EXPECT_FAILS(bcsc_barrier_deinit(&barrier_copy), BCSC_EBADOBJ, MOVED,
               &barrier_copy);

  /* The originals still hold their waiters; cancelling ends them. */
  cr_assert(bcsc_wait_linked(&a.w[0]) && bcsc_wait_linked(&a.w[1]));
  cr_assert(bcsc_wait_linked(&b.w[0]) && bcsc_wait_linked(&b.w[1]));
  EXPECT_OK(bcsc_task_cancel(&a.task));
  EXPECT_OK(bcsc_task_cancel(&b.task));
  executor_down(&ex);
  EXPECT_OK(bcsc_event_deinit(&g_moved_event));
  EXPECT_OK(bcsc_oneshot_deinit(&g_moved_oneshot));
  EXPECT_OK(bcsc_watch_deinit(&g_moved_watch));
  EXPECT_OK(bcsc_barrier_deinit(&g_moved_barrier));
}

Test(misuse, copy_of_an_executor_is_rejected_as_moved) {
  bcsc_executor_t ex, copy;
  executor_up(&ex);
  memcpy(&copy, &ex, sizeof ex);
  EXPECT_FAILS(bcsc_executor_poll(&copy, 1), BCSC_EBADOBJ, MOVED, &copy);
  EXPECT_FAILS(bcsc_executor_deinit(&copy), BCSC_EBADOBJ, MOVED, &copy);
  executor_down(&ex);
}

/* An open scope copied inside its owner's poll: spawning into the copy is
 * refused, the real scope still works. */
static int body_spawn_into_copied_scope(probe_t *p) {
  bcsc_scope_t copy;
  int rc;
  if (p->polls == 1) {
    p->rc[0] = bcsc_scope_init(&p->scope[0], &p->task, BCSC_SCOPE_WAIT_ALL);
    memcpy(&copy, &p->scope[0], sizeof copy);
    p->rc[1] = bcsc_scope_spawn(&copy, &p->other->task);
    keep_report(p, 2, &copy);
    p->rc[5] = bcsc_scope_spawn(&p->scope[0], &p->other->task);
  }
  rc = bcsc_scope_join(&p->scope[0]);
  return rc;
}

Test(misuse, copy_of_an_open_scope_is_rejected_as_moved) {
  bcsc_executor_t ex;
  probe_t parent, child;
  executor_up(&ex);
  probe_init(&parent, &ex, body_spawn_into_copied_scope);
  probe_init(&child, &ex, body_done);
  parent.other = &child;
  cr_assert_eq(bcsc_executor_run(&ex, &parent.task), 0);
  cr_assert_eq(parent.rc[0], 0);
  cr_assert_eq(parent.rc[1], BCSC_EBADOBJ);
  EXPECT_KEPT_REPORT(&parent, 2, MOVED);
  cr_assert_eq(parent.rc[5], 0);
  cr_assert_eq(child.polls, 1);
  EXPECT_NO_MISUSE();
  executor_down(&ex);
}

/* The flip side: objects may move freely while they are not linked (D4). */
Test(misuse, unlinked_objects_may_be_moved_without_a_report) {
  bcsc_executor_t ex;
  probe_t p, moved;
  bcsc_wait_t w, w_moved;
  executor_up(&ex);
  probe_init(&p, &ex, body_done);
  memcpy(&moved, &p, sizeof p);
  cr_assert_eq(bcsc_wait_init(&w), 0);
  memcpy(&w_moved, &w, sizeof w);
  EXPECT_OK(bcsc_wait_cancel(&w_moved));
  EXPECT_OK(bcsc_executor_spawn(&ex, &moved.task));
  cr_assert_eq(bcsc_executor_run(&ex, &moved.task), 0);
  cr_assert_eq(moved.polls, 1);
  /* A completed frame is unlinked again: moving it is fine too. */
  memcpy(&p, &moved, sizeof p);
  cr_assert_eq(bcsc_task_result(&p.task), 0);
  EXPECT_NO_MISUSE();
  executor_down(&ex);
}

/* ---- DOUBLE_SPAWN ------------------------------------------------------- */

Test(misuse, spawning_a_live_frame_again_fails_with_ebusy) {
  bcsc_executor_t ex;
  bcsc_waitq_t q;
  bcsc_executor_stats_t st = {.size = sizeof st};
  probe_t p;
  executor_up(&ex);
  cr_assert_eq(bcsc_waitq_init(&q), 0);
  probe_init(&p, &ex, body_wait_q0);
  p.q[0] = &q;
  EXPECT_OK(bcsc_executor_spawn(&ex, &p.task));
  /* Queued. */
  EXPECT_FAILS(bcsc_executor_spawn(&ex, &p.task), BCSC_EBUSY, DOUBLE_SPAWN,
               &p.task);
  cr_assert_eq(bcsc_executor_ready(&ex), 1, "queued twice");
  cr_assert_eq(bcsc_executor_live_roots(&ex), 1);
  /* Waiting. */
  cr_assert_eq(bcsc_executor_poll(&ex, 1), 1);
  EXPECT_FAILS(bcsc_executor_spawn(&ex, &p.task), BCSC_EBUSY, DOUBLE_SPAWN,
               &p.task);
  cr_assert_eq(bcsc_executor_ready(&ex), 0, "a failed spawn queued it");
  cr_assert(bcsc_wait_linked(&p.w[0]), "a failed spawn unlinked its wait");
  cr_assert_eq(bcsc_executor_stats(&ex, &st), 0);
  cr_assert_eq(st.spawns, 1);
  cr_assert_eq(bcsc_waitq_wake_one(&q, 0), 1);
  cr_assert_eq(bcsc_executor_run(&ex, &p.task), 0);
  cr_assert_eq(p.polls, 2);
  cr_assert_eq(bcsc_waitq_deinit(&q), 0);
  executor_down(&ex);
}

/* ---- NODE_LINKED -------------------------------------------------------- */

static int body_register_twice(probe_t *p) {
  if (p->polls > 1)
    return BCSC_DONE;
  p->rc[0] = bcsc_wait_register(&p->task, &p->w[0], p->q[0]);
  p->rc[1] = bcsc_wait_register(&p->task, &p->w[0], p->q[1]);
  p->rc[2] = bcsc_wait_on(&p->task, &p->w[0], p->q[1]);
  return BCSC_PENDING;
}

Test(misuse, registering_a_linked_node_fails_with_ebusy) {
  bcsc_executor_t ex;
  bcsc_waitq_t q0, q1;
  probe_t p;
  executor_up(&ex);
  cr_assert_eq(bcsc_waitq_init(&q0), 0);
  cr_assert_eq(bcsc_waitq_init(&q1), 0);
  probe_init(&p, &ex, body_register_twice);
  p.q[0] = &q0;
  p.q[1] = &q1;
  EXPECT_OK(bcsc_executor_spawn(&ex, &p.task));
  cr_assert_eq(bcsc_executor_poll(&ex, 1), 1);
  cr_assert_eq(p.rc[0], 0);
  cr_assert_eq(p.rc[1], BCSC_EBUSY);
  cr_assert_eq(p.rc[2], BCSC_EBUSY, "wait_on re-registered a linked node");
  if (bcsc_is_checked_build()) {
    cr_assert_eq(g_log.count, 2);
    cr_assert_eq(g_log.code[0], BCSC_MISUSE_NODE_LINKED);
    cr_assert_eq(g_log.object[0], &p.w[0]);
    cr_assert_eq(g_log.code[1], BCSC_MISUSE_NODE_LINKED);
    cr_assert_eq(g_log.object[1], &p.w[0]);
  } else {
    cr_assert_eq(g_log.count, 0);
  }
  memset(&g_log, 0, sizeof g_log);
  /* The node stayed where it was first linked. */
  cr_assert_eq(bcsc_waitq_count(&q0), 1);
  cr_assert_eq(bcsc_waitq_count(&q1), 0);
  cr_assert_eq(bcsc_waitq_wake_one(&q1, 0), 0);
  cr_assert_eq(bcsc_waitq_wake_one(&q0, 0), 1);
  cr_assert_eq(bcsc_executor_run(&ex, &p.task), 0);
  cr_assert_eq(bcsc_waitq_deinit(&q0), 0);
  cr_assert_eq(bcsc_waitq_deinit(&q1), 0);
  executor_down(&ex);
}

/* ---- REENTRANT_POLL ----------------------------------------------------- */

static int body_reenter(probe_t *p) {
  p->rc[0] = bcsc_executor_poll(p->ex, 1);
  p->rc[1] = g_log.count;
  p->rc[2] = bcsc_executor_run(p->ex, NULL);
  p->rc[3] = g_log.count;
  p->rc[4] = bcsc_executor_deinit(p->ex);
  p->rc[5] = g_log.count;
  p->rc[6] = bcsc_executor_run(p->ex, &p->other->task);
  return BCSC_DONE;
}

Test(misuse, polling_the_executor_from_inside_a_poll_fails_with_ebusy) {
  bcsc_executor_t ex;
  probe_t p, bystander;
  executor_up(&ex);
  probe_init(&p, &ex, body_reenter);
  probe_init(&bystander, &ex, body_done);
  p.other = &bystander;
  EXPECT_OK(bcsc_executor_spawn(&ex, &p.task));
  EXPECT_OK(bcsc_executor_spawn(&ex, &bystander.task));
  cr_assert_eq(bcsc_executor_poll(&ex, 1), 1);
  cr_assert_eq(p.rc[0], BCSC_EBUSY);
  cr_assert_eq(p.rc[2], BCSC_EBUSY);
  cr_assert_eq(p.rc[4], BCSC_EBUSY);
  cr_assert_eq(p.rc[6], BCSC_EBUSY);
  if (bcsc_is_checked_build()) {
    cr_assert_eq(g_log.count, 4);
    cr_assert_eq(p.rc[1], 1);
    cr_assert_eq(p.rc[3], 2);
    cr_assert_eq(p.rc[5], 3);
    for (int i = 0; i < 4; i++) {
      cr_assert_eq(g_log.code[i], BCSC_MISUSE_REENTRANT_POLL, "report %d: %s",
                   i, bcsc_misuse_name(g_log.code[i]));
      cr_assert_eq(g_log.object[i], &ex);
    }
  } else {
    cr_assert_eq(g_log.count, 0);
  }
  memset(&g_log, 0, sizeof g_log);
  /* The nested calls polled nothing and tore nothing down. */
  cr_assert_eq(bystander.polls, 0);
  cr_assert(bcsc_task_done(&p.task));
  cr_assert_eq(bcsc_executor_ready(&ex), 1);
  executor_down(&ex);
  cr_assert_eq(bystander.polls, 1);
}

/* ---- TASK_DONE ---------------------------------------------------------- */

Test(misuse, cancelling_or_respawning_a_completed_task_fails_with_estate) {
  bcsc_executor_t ex;
  probe_t p;
  executor_up(&ex);
  probe_init(&p, &ex, body_done);
  cr_assert_eq(bcsc_executor_run(&ex, &p.task), 0);
  cr_assert(bcsc_task_done(&p.task));
  EXPECT_FAILS(bcsc_task_cancel(&p.task), BCSC_ESTATE, TASK_DONE, &p.task);
  EXPECT_FAILS(bcsc_executor_spawn(&ex, &p.task), BCSC_ESTATE, TASK_DONE,
               &p.task);
  cr_assert_eq(bcsc_task_cancelled(&p.task), 0);
  cr_assert_eq(bcsc_task_result(&p.task), 0);
  cr_assert_eq(bcsc_executor_ready(&ex), 0);
  /* Initialising it again is how a completed frame is reused. */
  cr_assert_eq(bcsc_task_init(&p.task, probe_poll, &p), 0);
  EXPECT_OK(bcsc_executor_spawn(&ex, &p.task));
  cr_assert_eq(bcsc_executor_run(&ex, &p.task), 0);
  cr_assert_eq(p.polls, 2);
  executor_down(&ex);
}

/* ---- SCOPE_ORDER -------------------------------------------------------- */

static int body_join_out_of_order(probe_t *p) {
  p->rc[0] = bcsc_scope_init(&p->scope[0], &p->task, BCSC_SCOPE_FAIL_FAST);
  p->rc[1] = bcsc_scope_init(&p->scope[1], &p->task, BCSC_SCOPE_FAIL_FAST);
  p->rc[2] = bcsc_scope_join(&p->scope[0]); /* outer first: wrong */
  keep_report(p, 3, &p->scope[0]);
  p->rc[6] = bcsc_scope_join(&p->scope[1]);
  p->rc[7] = bcsc_scope_join(&p->scope[0]);
  return BCSC_DONE;
}

Test(misuse, joining_an_outer_scope_before_the_inner_fails_with_estate) {
  bcsc_executor_t ex;
  probe_t p;
  executor_up(&ex);
  probe_init(&p, &ex, body_join_out_of_order);
  cr_assert_eq(bcsc_executor_run(&ex, &p.task), 0);
  cr_assert_eq(p.rc[0], 0);
  cr_assert_eq(p.rc[1], 0);
  cr_assert_eq(p.rc[2], BCSC_ESTATE);
  EXPECT_KEPT_REPORT(&p, 3, SCOPE_ORDER);
  /* The failed join closed nothing: LIFO joins then succeed. */
  cr_assert_eq(p.rc[6], 0);
  cr_assert_eq(p.rc[7], 0);
  EXPECT_NO_MISUSE();
  executor_down(&ex);
}

/* ---- SCOPE_REOPENED ----------------------------------------------------- */

/* Opens an outer and an inner scope, then opens the outer one again - a
 * poll function that lost track of its phase. */
static int body_reopen_outer(probe_t *p) {
  p->rc[0] = bcsc_scope_init(&p->scope[0], &p->task, BCSC_SCOPE_FAIL_FAST);
  p->rc[1] = bcsc_scope_init(&p->scope[1], &p->task, BCSC_SCOPE_WAIT_ALL);
  p->rc[2] = bcsc_scope_init(&p->scope[0], &p->task, BCSC_SCOPE_RACE);
  keep_report(p, 3, &p->scope[0]);
  /* Nothing changed: both scopes are still open, in LIFO order. */
  p->rc[6] = bcsc_scope_join(&p->scope[1]);
  p->rc[7] = bcsc_scope_join(&p->scope[0]);
  return BCSC_DONE;
}

Test(misuse, opening_a_scope_that_is_open_fails_with_ebusy) {
  bcsc_executor_t ex;
  probe_t p;
  executor_up(&ex);
  probe_init(&p, &ex, body_reopen_outer);
  cr_assert_eq(bcsc_executor_run(&ex, &p.task), 0);
  cr_assert_eq(p.rc[0], 0);
  cr_assert_eq(p.rc[1], 0);
  cr_assert_eq(p.rc[2], BCSC_EBUSY);
  EXPECT_KEPT_REPORT(&p, 3, SCOPE_REOPENED);
  cr_assert_eq(p.rc[6], 0);
  cr_assert_eq(p.rc[7], 0);
  EXPECT_NO_MISUSE();
  executor_down(&ex);
}

/* ---- FOREIGN_SCOPE ------------------------------------------------------ */

/* Owner: opens a scope, spawns a waiting child, then joins. */
static int body_owner(probe_t *p) {
  if (p->polls == 1) {
    p->rc[0] = bcsc_scope_init(&p->scope[0], &p->task, BCSC_SCOPE_FAIL_FAST);
    p->rc[1] = bcsc_scope_spawn(&p->scope[0], &p->other->task);
  }
  return bcsc_scope_join(&p->scope[0]);
}

/* Intruder: tries to join the owner's scope from its own poll. */
static int body_intruder(probe_t *p) {
  p->rc[0] = bcsc_scope_join(&p->other->scope[0]);
  p->rc[1] = g_log.count;
  p->rc[2] = g_log.count ? g_log.code[0] : 0;
  p->rc[3] =
      g_log.count && g_log.object[0] == (const void *)&p->other->scope[0];
  memset(&g_log, 0, sizeof g_log);
  return BCSC_DONE;
}

Test(misuse, joining_a_scope_one_does_not_own_fails_with_eperm) {
  bcsc_executor_t ex;
  bcsc_waitq_t q;
  probe_t owner, child, intruder;
  executor_up(&ex);
  cr_assert_eq(bcsc_waitq_init(&q), 0);
  probe_init(&owner, &ex, body_owner);
  probe_init(&child, &ex, body_wait_q0);
  probe_init(&intruder, &ex, body_intruder);
  owner.other = &child;
  child.q[0] = &q;
  intruder.other = &owner;
  EXPECT_OK(bcsc_executor_spawn(&ex, &owner.task));
  cr_assert_eq(bcsc_executor_poll(&ex, 2), 2); /* owner, then child */
  cr_assert_eq(owner.rc[0], 0);
  cr_assert_eq(owner.rc[1], 0);
  cr_assert_eq(bcsc_scope_live(&owner.scope[0]), 1);

  /* From outside any poll. */
  EXPECT_FAILS(bcsc_scope_join(&owner.scope[0]), BCSC_EPERM, FOREIGN_SCOPE,
               &owner.scope[0]);
  /* From another task's poll. */
  EXPECT_OK(bcsc_executor_spawn(&ex, &intruder.task));
  cr_assert_eq(bcsc_executor_poll(&ex, 1), 1);
  cr_assert_eq(intruder.rc[0], BCSC_EPERM);
  if (bcsc_is_checked_build()) {
    cr_assert_eq(intruder.rc[1], 1);
    cr_assert_eq(intruder.rc[2], BCSC_MISUSE_FOREIGN_SCOPE);
    cr_assert(intruder.rc[3], "FOREIGN_SCOPE named another object");
  } else {
    cr_assert_eq(intruder.rc[1], 0);
  }
  /* Neither attempt closed the scope or disturbed its child. */
  cr_assert_eq(bcsc_scope_live(&owner.scope[0]), 1);
  cr_assert(bcsc_wait_linked(&child.w[0]));
  cr_assert_eq(bcsc_waitq_wake_one(&q, 0), 1);
  cr_assert_eq(bcsc_executor_run(&ex, &owner.task), 0);
  cr_assert(bcsc_task_done(&child.task));
  cr_assert_eq(bcsc_waitq_deinit(&q), 0);
  executor_down(&ex);
}

/* ---- NOT_RUNNING -------------------------------------------------------- */

static int body_acts_for_other(probe_t *p) {
  p->rc[0] = bcsc_wait_register(&p->other->task, &p->other->w[0], p->q[0]);
  p->rc[1] = bcsc_task_yield(&p->other->task);
  p->rc[2] = bcsc_scope_init(&p->scope[0], &p->other->task, 0);
  p->rc[3] = g_log.count;
  for (int i = 0; i < 3 && i < g_log.count; i++)
    p->rc[4] |= (g_log.code[i] == BCSC_MISUSE_NOT_RUNNING &&
                 g_log.object[i] == (const void *)&p->other->task)
                << i;
  memset(&g_log, 0, sizeof g_log);
  return BCSC_DONE;
}

Test(misuse, acting_for_a_task_that_is_not_being_polled_fails_with_eperm) {
  bcsc_executor_t ex;
  bcsc_waitq_t q;
  bcsc_scope_t s;
  probe_t victim, actor, never;
  executor_up(&ex);
  cr_assert_eq(bcsc_waitq_init(&q), 0);
  probe_init(&victim, &ex, body_wait_q0);
  probe_init(&actor, &ex, body_acts_for_other);
  probe_init(&never, &ex, body_done);
  victim.q[0] = &q;
  actor.q[0] = &q;
  actor.other = &victim;

  /* Never spawned. */
  EXPECT_FAILS(bcsc_wait_register(&never.task, &never.w[0], &q), BCSC_EPERM,
               NOT_RUNNING, &never.task);
  EXPECT_FAILS(bcsc_task_yield(&never.task), BCSC_EPERM, NOT_RUNNING,
               &never.task);
  EXPECT_FAILS(bcsc_scope_init(&s, &never.task, 0), BCSC_EPERM, NOT_RUNNING,
               &never.task);
  /* Spawned and queued, from outside any poll. */
  EXPECT_OK(bcsc_executor_spawn(&ex, &victim.task));
  EXPECT_FAILS(bcsc_wait_register(&victim.task, &victim.w[0], &q), BCSC_EPERM,
               NOT_RUNNING, &victim.task);
  EXPECT_FAILS(bcsc_task_yield(&victim.task), BCSC_EPERM, NOT_RUNNING,
               &victim.task);
  EXPECT_FAILS(bcsc_scope_init(&s, &victim.task, 0), BCSC_EPERM, NOT_RUNNING,
               &victim.task);
  cr_assert_eq(bcsc_waitq_count(&q), 0);
  /* Waiting, from another task's poll. */
  cr_assert_eq(bcsc_executor_poll(&ex, 1), 1);
  EXPECT_OK(bcsc_executor_spawn(&ex, &actor.task));
  cr_assert_eq(bcsc_executor_poll(&ex, 1), 1);
  cr_assert_eq(actor.rc[0], BCSC_EPERM);
  cr_assert_eq(actor.rc[1], BCSC_EPERM);
  cr_assert_eq(actor.rc[2], BCSC_EPERM);
  if (bcsc_is_checked_build()) {
    cr_assert_eq(actor.rc[3], 3);
    cr_assert_eq(actor.rc[4], 7, "not every report was NOT_RUNNING(victim)");
  } else {
    cr_assert_eq(actor.rc[3], 0);
  }
  /* The victim still waits on exactly its own registration. */
  cr_assert_eq(bcsc_waitq_count(&q), 1);
  cr_assert_eq(bcsc_executor_ready(&ex), 0);
  cr_assert_eq(bcsc_waitq_wake_all(&q, 0), 1);
  cr_assert_eq(bcsc_executor_run(&ex, &victim.task), 0);
  cr_assert_eq(bcsc_waitq_deinit(&q), 0);
  executor_down(&ex);
}

/* ---- EXECUTOR_BUSY ------------------------------------------------------ */

Test(misuse, tearing_down_an_executor_with_live_tasks_fails_with_ebusy) {
  bcsc_executor_t ex;
  bcsc_waitq_t q;
  probe_t p;
  executor_up(&ex);
  cr_assert_eq(bcsc_waitq_init(&q), 0);
  probe_init(&p, &ex, body_wait_q0);
  p.q[0] = &q;
  EXPECT_OK(bcsc_executor_spawn(&ex, &p.task));
  EXPECT_FAILS(bcsc_executor_deinit(&ex), BCSC_EBUSY, EXECUTOR_BUSY, &ex);
  cr_assert_eq(bcsc_executor_poll(&ex, 1), 1);
  EXPECT_FAILS(bcsc_executor_deinit(&ex), BCSC_EBUSY, EXECUTOR_BUSY, &ex);
  /* Still an executor: the task finishes and teardown succeeds. */
  cr_assert_eq(bcsc_executor_live_roots(&ex), 1);
  cr_assert_eq(bcsc_waitq_wake_one(&q, 0), 1);
  cr_assert_eq(bcsc_waitq_deinit(&q), 0);
  executor_down(&ex);
  cr_assert(bcsc_task_done(&p.task));
}

/* ---- WAITQ_BUSY --------------------------------------------------------- */

Test(misuse, tearing_down_a_waiter_list_with_waiters_fails_with_ebusy) {
  bcsc_executor_t ex;
  bcsc_waitq_t q;
  probe_t p;
  executor_up(&ex);
  cr_assert_eq(bcsc_waitq_init(&q), 0);
  probe_init(&p, &ex, body_wait_q0);
  p.q[0] = &q;
  EXPECT_OK(bcsc_executor_spawn(&ex, &p.task));
  cr_assert_eq(bcsc_executor_poll(&ex, 1), 1);
  EXPECT_FAILS(bcsc_waitq_deinit(&q), BCSC_EBUSY, WAITQ_BUSY, &q);
  /* The list is left intact: the waiter can still be woken through it. */
  cr_assert_eq(bcsc_waitq_count(&q), 1);
  cr_assert_eq(bcsc_waitq_wake_one(&q, 3), 1);
  cr_assert_eq(p.w[0].value, 3);
  EXPECT_OK(bcsc_waitq_deinit(&q));
  executor_down(&ex);
}

/* ---- POOL_EXHAUSTED ----------------------------------------------------- */

Test(misuse, exhausting_a_strict_pool_is_reported_a_plain_one_is_not) {
  static _Alignas(BCSC_POOL_ALIGN) unsigned char
      mem_strict[BCSC_POOL_BYTES(sizeof(probe_t), 2)];
  static _Alignas(BCSC_POOL_ALIGN) unsigned char
      mem_plain[BCSC_POOL_BYTES(sizeof(probe_t), 2)];
  bcsc_pool_t strict, plain;
  void *a, *b, *c;
  void *const untouched = (void *)&a;
  cr_assert_eq(bcsc_pool_init(&strict, mem_strict, sizeof mem_strict,
                              sizeof(probe_t), BCSC_POOL_STRICT),
               0);
  cr_assert_eq(
      bcsc_pool_init(&plain, mem_plain, sizeof mem_plain, sizeof(probe_t), 0),
      0);

  EXPECT_OK(bcsc_pool_acquire(&strict, probe_poll, NULL, &a));
  EXPECT_OK(bcsc_pool_acquire(&strict, probe_poll, NULL, &b));
  c = untouched;
  EXPECT_FAILS(bcsc_pool_acquire(&strict, probe_poll, NULL, &c), BCSC_ENOSPC,
               POOL_EXHAUSTED, &strict);
  cr_assert_eq(c, untouched, "a failed acquire wrote its out-parameter");
  cr_assert_eq(bcsc_pool_available(&strict), 0);
  EXPECT_OK(bcsc_pool_release(&strict, a));
  EXPECT_OK(bcsc_pool_release(&strict, b));

  /* Back-pressure, not misuse (D7): ENOSPC in both builds, no report. */
  EXPECT_OK(bcsc_pool_acquire(&plain, probe_poll, NULL, &a));
  EXPECT_OK(bcsc_pool_acquire(&plain, probe_poll, NULL, &b));
  c = untouched;
  cr_assert_eq(bcsc_pool_acquire(&plain, probe_poll, NULL, &c), BCSC_ENOSPC);
  EXPECT_NO_MISUSE();
  cr_assert_eq(c, untouched);
  EXPECT_OK(bcsc_pool_release(&plain, a));
  EXPECT_OK(bcsc_pool_release(&plain, b));

  EXPECT_OK(bcsc_pool_deinit(&strict));
  EXPECT_OK(bcsc_pool_deinit(&plain));
}

/* ---- POOL_FOREIGN ------------------------------------------------------- */

Test(misuse, releasing_a_frame_that_is_not_out_of_this_pool_fails) {
  static _Alignas(
      BCSC_POOL_ALIGN) unsigned char mem_a[BCSC_POOL_BYTES(sizeof(probe_t), 2)];
  static _Alignas(
      BCSC_POOL_ALIGN) unsigned char mem_b[BCSC_POOL_BYTES(sizeof(probe_t), 2)];
  bcsc_executor_t ex;
  bcsc_pool_t pa, pb;
  probe_t stack_frame;
  void *fa = NULL, *fb = NULL;
  probe_t *spawned;
  executor_up(&ex);
  cr_assert_eq(bcsc_pool_init(&pa, mem_a, sizeof mem_a, sizeof(probe_t), 0), 0);
  cr_assert_eq(bcsc_pool_init(&pb, mem_b, sizeof mem_b, sizeof(probe_t), 0), 0);
  probe_init(&stack_frame, &ex, body_done);
  EXPECT_OK(bcsc_pool_acquire(&pa, probe_poll, NULL, &fa));
  EXPECT_OK(bcsc_pool_acquire(&pb, probe_poll, NULL, &fb));

  /* To the wrong pool. */
  EXPECT_FAILS(bcsc_pool_release(&pb, fa), BCSC_EINVAL, POOL_FOREIGN, fa);
  /* A frame from no pool at all. */
  EXPECT_FAILS(bcsc_pool_release(&pa, &stack_frame), BCSC_EINVAL, POOL_FOREIGN,
               &stack_frame);
  /* Twice. */
  EXPECT_OK(bcsc_pool_release(&pb, fb));
  EXPECT_FAILS(bcsc_pool_release(&pb, fb), BCSC_EINVAL, POOL_FOREIGN, fb);
  cr_assert_eq(bcsc_pool_available(&pa), 1);
  cr_assert_eq(bcsc_pool_available(&pb), 2);

  /* Spawned: it goes back by itself when it completes. */
  spawned = fa;
  spawned->body = body_done;
  spawned->task.data = spawned;
  EXPECT_OK(bcsc_executor_spawn(&ex, &spawned->task));
  EXPECT_FAILS(bcsc_pool_release(&pa, fa), BCSC_EBUSY, POOL_FOREIGN, fa);
  cr_assert_eq(bcsc_executor_ready(&ex), 1);
  cr_assert_eq(bcsc_executor_run(&ex, NULL), 0);
  cr_assert_eq(bcsc_pool_available(&pa), 2, "completed frame not reclaimed");

  EXPECT_OK(bcsc_pool_deinit(&pa));
  EXPECT_OK(bcsc_pool_deinit(&pb));
  executor_down(&ex);
}

/* ---- POOL_BUSY ---------------------------------------------------------- */

Test(misuse, tearing_down_a_pool_with_frames_out_fails_with_ebusy) {
  static _Alignas(
      BCSC_POOL_ALIGN) unsigned char mem[BCSC_POOL_BYTES(sizeof(probe_t), 2)];
  bcsc_pool_t pool;
  void *f = NULL;
  cr_assert_eq(bcsc_pool_init(&pool, mem, sizeof mem, sizeof(probe_t), 0), 0);
  EXPECT_OK(bcsc_pool_acquire(&pool, probe_poll, NULL, &f));
  EXPECT_FAILS(bcsc_pool_deinit(&pool), BCSC_EBUSY, POOL_BUSY, &pool);
  /* Nothing changed: still a pool with one frame out. */
  cr_assert_eq(bcsc_pool_available(&pool), 1);
  EXPECT_OK(bcsc_pool_release(&pool, f));
  EXPECT_OK(bcsc_pool_deinit(&pool));
}

/* ---- PENDING_NO_WAKE ---------------------------------------------------- */

/* Returns PENDING without registering anything - unless cancelled. */
static int body_pending_forever(probe_t *p) {
  return bcsc_task_cancelled(&p->task) ? BCSC_DONE : BCSC_PENDING;
}

/* Checked build: reported when the poll returns. Release: no report is
 * possible without the check, and what it guarantees is D11: the task stays
 * waiting, run() reports the deadlock, cancellation still reaches it. */
Test(misuse, pending_with_nothing_registered_is_a_lost_task) {
  bcsc_executor_t ex;
  probe_t p;
  executor_up(&ex);
  probe_init(&p, &ex, body_pending_forever);
  EXPECT_OK(bcsc_executor_spawn(&ex, &p.task));
  cr_assert_eq(bcsc_executor_poll(&ex, 1), 1);
  EXPECT_MISUSE(PENDING_NO_WAKE, &p.task);
  cr_assert_eq(bcsc_task_done(&p.task), 0);
  cr_assert_eq(bcsc_executor_ready(&ex), 0);
  cr_assert_eq(bcsc_executor_run(&ex, &p.task), BCSC_EDEADLK);
  cr_assert_eq(p.polls, 1);
  EXPECT_NO_MISUSE();
  EXPECT_OK(bcsc_task_cancel(&p.task));
  cr_assert_eq(bcsc_executor_run(&ex, &p.task), 0);
  cr_assert_eq(p.polls, 2);
  executor_down(&ex);
}

/* ---- SCOPE_CLOSED ------------------------------------------------------- */

static int body_use_closed_scope(probe_t *p) {
  p->rc[0] = bcsc_scope_init(&p->scope[0], &p->task, BCSC_SCOPE_FAIL_FAST);
  p->rc[1] = bcsc_scope_join(&p->scope[0]); /* no children: closes */
  p->rc[2] = bcsc_scope_spawn(&p->scope[0], &p->other->task);
  p->rc[3] = bcsc_scope_join(&p->scope[0]);
  p->rc[4] = bcsc_scope_cancel(&p->scope[0]);
  p->rc[5] = g_log.count;
  for (int i = 0; i < 3 && i < g_log.count; i++)
    p->rc[6] |= (g_log.code[i] == BCSC_MISUSE_SCOPE_CLOSED &&
                 g_log.object[i] == (const void *)&p->scope[0])
                << i;
  memset(&g_log, 0, sizeof g_log);
  return BCSC_DONE;
}

Test(misuse, using_a_joined_scope_fails_with_estate) {
  bcsc_executor_t ex;
  probe_t p, child;
  executor_up(&ex);
  probe_init(&p, &ex, body_use_closed_scope);
  probe_init(&child, &ex, body_done);
  p.other = &child;
  cr_assert_eq(bcsc_executor_run(&ex, &p.task), 0);
  cr_assert_eq(p.rc[0], 0);
  cr_assert_eq(p.rc[1], 0);
  cr_assert_eq(p.rc[2], BCSC_ESTATE);
  cr_assert_eq(p.rc[3], BCSC_ESTATE);
  cr_assert_eq(p.rc[4], BCSC_ESTATE);
  if (bcsc_is_checked_build()) {
    cr_assert_eq(p.rc[5], 3);
    cr_assert_eq(p.rc[6], 7, "not every report was SCOPE_CLOSED(scope)");
  } else {
    cr_assert_eq(p.rc[5], 0);
  }
  /* The refused child was never touched: it spawns elsewhere later. */
  cr_assert_eq(child.polls, 0);
  /* And from outside, after the owner completed. */
  EXPECT_FAILS(bcsc_scope_spawn(&p.scope[0], &child.task), BCSC_ESTATE,
               SCOPE_CLOSED, &p.scope[0]);
  EXPECT_FAILS(bcsc_scope_cancel(&p.scope[0]), BCSC_ESTATE, SCOPE_CLOSED,
               &p.scope[0]);
  cr_assert_eq(bcsc_executor_run(&ex, &child.task), 0);
  cr_assert_eq(child.polls, 1);
  executor_down(&ex);
}

/* ---- FRAME_CLOBBERED ---------------------------------------------------- */

/* The bug this catches: a task frame on a stack that was reused (the
 * function returned) while the frame was still linked. It is simulated by
 * overwriting linked memory, and undone afterwards by writing the saved
 * bytes back, so that the test can still tear down cleanly.
 *
 * Only the checked build verifies canaries on the objects it reaches through
 * its links (D5); the release build trusts its links and would follow the
 * garbage. So in release the tests never poll or fire a clobbered object:
 * they assert what release does guarantee - the public entry points reject
 * the clobbered object itself with BCSC_EBADOBJ (cheap magic check), without
 * a report - and then put the memory back. */

Test(misuse, clobbered_wait_node_is_caught_when_its_queue_fires) {
  bcsc_executor_t ex;
  bcsc_waitq_t q;
  bcsc_wait_t saved;
  probe_t p;
  executor_up(&ex);
  cr_assert_eq(bcsc_waitq_init(&q), 0);
  probe_init(&p, &ex, body_wait_q0);
  p.q[0] = &q;
  EXPECT_OK(bcsc_executor_spawn(&ex, &p.task));
  cr_assert_eq(bcsc_executor_poll(&ex, 1), 1);
  cr_assert(bcsc_wait_linked(&p.w[0]));

  memcpy(&saved, &p.w[0], sizeof saved);
  memset(&p.w[0], 0, sizeof p.w[0]);
  if (bcsc_is_checked_build()) {
    EXPECT_FAILS(bcsc_waitq_wake_one(&q, 1), BCSC_EBADOBJ, FRAME_CLOBBERED,
                 &p.w[0]);
    EXPECT_FAILS(bcsc_waitq_wake_all(&q, 1), BCSC_EBADOBJ, FRAME_CLOBBERED,
                 &p.w[0]);
    cr_assert_eq(bcsc_waitq_count(&q), 1, "the clobbered node was unlinked");
    cr_assert_eq(bcsc_executor_ready(&ex), 0, "its task was woken");
  } else {
    EXPECT_FAILS(bcsc_wait_cancel(&p.w[0]), BCSC_EBADOBJ, BAD_OBJECT, &p.w[0]);
    cr_assert_eq(bcsc_waitq_count(&q), 1);
  }
  memcpy(&p.w[0], &saved, sizeof saved);
  cr_assert_eq(bcsc_waitq_wake_one(&q, 1), 1);
  cr_assert_eq(bcsc_executor_run(&ex, &p.task), 0);
  cr_assert_eq(bcsc_waitq_deinit(&q), 0);
  executor_down(&ex);
}

/* Waits on q[0] with w[0] and q[1] with w[1] (a select). */
static int body_select(probe_t *p) {
  if (bcsc_task_cancelled(&p->task) || p->polls > 1)
    return BCSC_DONE;
  p->rc[0] = bcsc_wait_register(&p->task, &p->w[0], p->q[0]);
  p->rc[1] = bcsc_wait_register(&p->task, &p->w[1], p->q[1]);
  return BCSC_PENDING;
}

/* The other detection point: when a task is woken its remaining
 * registrations are unlinked, and a clobbered one must not be followed. The
 * node's memory is taken over by another live registration - the stack was
 * reused by a frame that registered too - so it still looks linked. */
Test(misuse, clobbered_wait_node_is_caught_when_its_task_is_woken) {
  bcsc_executor_t ex;
  bcsc_waitq_t q0, q1, q_other;
  bcsc_wait_t saved;
  probe_t p, other;
  executor_up(&ex);
  cr_assert_eq(bcsc_waitq_init(&q0), 0);
  cr_assert_eq(bcsc_waitq_init(&q1), 0);
  cr_assert_eq(bcsc_waitq_init(&q_other), 0);
  probe_init(&p, &ex, body_select);
  probe_init(&other, &ex, body_wait_q0);
  p.q[0] = &q0;
  p.q[1] = &q1;
  other.q[0] = &q_other;
  EXPECT_OK(bcsc_executor_spawn(&ex, &p.task));
  EXPECT_OK(bcsc_executor_spawn(&ex, &other.task));
  cr_assert_eq(bcsc_executor_poll(&ex, 2), 2);
  cr_assert_eq(p.rc[0], 0);
  cr_assert_eq(p.rc[1], 0);

  memcpy(&saved, &p.w[1], sizeof saved);
  memcpy(&p.w[1], &other.w[0], sizeof saved);
  if (bcsc_is_checked_build()) {
    /* The wake itself is fine (w[0] is intact) and goes through. */
    cr_assert_eq(bcsc_waitq_wake_one(&q0, 5), 1);
    EXPECT_MISUSE(FRAME_CLOBBERED, &p.w[1]);
    cr_assert_eq(bcsc_executor_ready(&ex), 1);
    /* The clobbered node was left alone, not followed: q1 still holds it,
     * and the other task's registration is unharmed. */
    cr_assert_eq(bcsc_waitq_count(&q1), 1);
    cr_assert_eq(bcsc_waitq_count(&q_other), 1);
    /* Put the node back and fire it from its list: its task is queued
     * already, so the wake does nothing else. (bcsc_wait_cancel() would
     * follow the node's link into the task's registration list, which the
     * wake reset when it stopped at the clobbered node.) */
    memcpy(&p.w[1], &saved, sizeof saved);
    cr_assert_eq(bcsc_waitq_wake_one(&q1, 0), 1);
    EXPECT_NO_MISUSE();
  } else {
    /* The copy carries another address's tag: MOVED, checked in release. */
    EXPECT_FAILS(bcsc_wait_cancel(&p.w[1]), BCSC_EBADOBJ, MOVED, &p.w[1]);
    memcpy(&p.w[1], &saved, sizeof saved);
    cr_assert_eq(bcsc_waitq_wake_one(&q0, 5), 1);
  }
  cr_assert_eq(bcsc_waitq_count(&q1), 0);
  cr_assert_eq(bcsc_executor_run(&ex, &p.task), 0);
  cr_assert_eq(bcsc_waitq_wake_one(&q_other, 0), 1);
  cr_assert_eq(bcsc_executor_run(&ex, &other.task), 0);
  cr_assert_eq(bcsc_waitq_deinit(&q0), 0);
  cr_assert_eq(bcsc_waitq_deinit(&q1), 0);
  cr_assert_eq(bcsc_waitq_deinit(&q_other), 0);
  executor_down(&ex);
}

/* Waits on q[0] until cancelled, however often it is woken. */
static int body_wait_until_cancelled(probe_t *p) {
  if (bcsc_task_cancelled(&p->task))
    return BCSC_DONE;
  p->rc[0] = bcsc_wait_register(&p->task, &p->w[0], p->q[0]);
  return BCSC_PENDING;
}

/* A queued task frame overwritten before the executor reaches it. */
Test(misuse, clobbered_task_frame_is_caught_before_it_is_polled) {
  bcsc_executor_t ex;
  bcsc_waitq_t q;
  bcsc_task_t saved_waiting, saved_queued;
  probe_t p;
  executor_up(&ex);
  cr_assert_eq(bcsc_waitq_init(&q), 0);
  probe_init(&p, &ex, body_wait_until_cancelled);
  p.q[0] = &q;
  EXPECT_OK(bcsc_executor_spawn(&ex, &p.task));
  cr_assert_eq(bcsc_executor_poll(&ex, 1), 1);
  memcpy(&saved_waiting, &p.task, sizeof saved_waiting);
  cr_assert_eq(bcsc_waitq_wake_one(&q, 0), 1);
  cr_assert_eq(bcsc_executor_ready(&ex), 1);

  memcpy(&saved_queued, &p.task, sizeof saved_queued);
  memset(&p.task, 0, sizeof p.task);
  if (bcsc_is_checked_build()) {
    EXPECT_FAILS(bcsc_executor_poll(&ex, 1), BCSC_EBADOBJ, FRAME_CLOBBERED,
                 &p.task);
    cr_assert_eq(p.polls, 1, "the clobbered frame was polled");
    /* The executor dropped the frame it could not trust. Put back the
     * bytes of the frame as it was when waiting (its registration has since
     * fired), so that a cancel can wake and finish it. */
    memcpy(&p.task, &saved_waiting, sizeof saved_waiting);
  } else {
    EXPECT_FAILS(bcsc_task_cancel(&p.task), BCSC_EBADOBJ, BAD_OBJECT, &p.task);
    memcpy(&p.task, &saved_queued, sizeof saved_queued);
  }
  EXPECT_OK(bcsc_task_cancel(&p.task));
  cr_assert_eq(bcsc_executor_run(&ex, &p.task), 0);
  cr_assert(bcsc_task_done(&p.task));
  cr_assert_eq(bcsc_waitq_deinit(&q), 0);
  executor_down(&ex);
}

/* A waiting task whose frame header was overwritten - only the header: its
 * registration node is intact, as when the node lives elsewhere or the
 * reused stack happened to spare it. The wake reaches the task through the
 * node's task pointer, so that is where the checked build must look. */
Test(misuse, clobbered_task_frame_is_caught_when_its_registration_fires) {
  bcsc_executor_t ex;
  bcsc_waitq_t q;
  bcsc_task_t saved;
  probe_t p;
  executor_up(&ex);
  cr_assert_eq(bcsc_waitq_init(&q), 0);
  probe_init(&p, &ex, body_wait_until_cancelled);
  p.q[0] = &q;
  EXPECT_OK(bcsc_executor_spawn(&ex, &p.task));
  cr_assert_eq(bcsc_executor_poll(&ex, 1), 1);

  memcpy(&saved, &p.task, sizeof saved);
  memset(&p.task, 0, sizeof p.task);
  if (bcsc_is_checked_build()) {
    /* As for a clobbered node: report, fail, leave everything linked. */
    EXPECT_FAILS(bcsc_waitq_wake_one(&q, 1), BCSC_EBADOBJ, FRAME_CLOBBERED,
                 &p.task);
    cr_assert_eq(bcsc_waitq_count(&q), 1, "the registration was consumed");
    cr_assert(bcsc_wait_linked(&p.w[0]));
  } else {
    EXPECT_FAILS(bcsc_task_cancel(&p.task), BCSC_EBADOBJ, BAD_OBJECT, &p.task);
  }
  memcpy(&p.task, &saved, sizeof saved);
  EXPECT_OK(bcsc_task_cancel(&p.task));
  cr_assert_eq(bcsc_executor_run(&ex, &p.task), 0);
  cr_assert_eq(bcsc_waitq_count(&q), 0);
  cr_assert_eq(bcsc_waitq_deinit(&q), 0);
  executor_down(&ex);
}

/* Opens a scope, spawns `other` into it, joins. */
static int body_parent_of_other(probe_t *p) {
  if (p->polls == 1) {
    p->rc[0] = bcsc_scope_init(&p->scope[0], &p->task, BCSC_SCOPE_FAIL_FAST);
    p->rc[1] = bcsc_scope_spawn(&p->scope[0], &p->other->task);
  }
  return bcsc_scope_join(&p->scope[0]);
}

/* A cancellation walks the subtree through the children's links; a child
 * whose frame was overwritten must be reported, not followed. */
Test(misuse, clobbered_child_frame_is_caught_by_a_cancel_walk) {
  bcsc_executor_t ex;
  bcsc_waitq_t q;
  bcsc_task_t saved;
  probe_t parent, child;
  int rc;
  executor_up(&ex);
  cr_assert_eq(bcsc_waitq_init(&q), 0);
  probe_init(&parent, &ex, body_parent_of_other);
  probe_init(&child, &ex, body_wait_until_cancelled);
  parent.other = &child;
  child.q[0] = &q;
  EXPECT_OK(bcsc_executor_spawn(&ex, &parent.task));
  cr_assert_eq(bcsc_executor_poll(&ex, 2), 2);
  cr_assert_eq(parent.rc[1], 0);
  cr_assert_eq(bcsc_scope_live(&parent.scope[0]), 1);

  memcpy(&saved, &child.task, sizeof saved);
  memset(&child.task, 0, sizeof child.task);
  if (bcsc_is_checked_build()) {
    EXPECT_FAILS(bcsc_scope_cancel(&parent.scope[0]), BCSC_EBADOBJ,
                 FRAME_CLOBBERED, &child.task);
  } else {
    EXPECT_FAILS(bcsc_task_cancel(&child.task), BCSC_EBADOBJ, BAD_OBJECT,
                 &child.task);
  }
  memcpy(&child.task, &saved, sizeof saved);
  EXPECT_OK(bcsc_task_cancel(&child.task));
  /* Whether the refused cancel still marked the scope is the library's
   * choice: the join says 0 or, if it did, BCSC_ECANCELED. */
  rc = bcsc_executor_run(&ex, &parent.task);
  cr_assert(rc == 0 || (bcsc_is_checked_build() && rc == BCSC_ECANCELED),
            "parent finished with %s", bcsc_err_name(rc));
  cr_assert(bcsc_task_done(&child.task));
  cr_assert_eq(bcsc_waitq_deinit(&q), 0);
  executor_down(&ex);
}

/* ---- BAD_ARGUMENT ------------------------------------------------------- */

static int body_bad_policy(probe_t *p) {
  p->rc[0] = bcsc_scope_init(&p->scope[0], &p->task, 3);
  keep_report(p, 1, &p->scope[0]);
  return BCSC_DONE;
}

Test(misuse, invalid_argument_values_fail_with_their_documented_code) {
  bcsc_executor_t ex, ex2;
  bcsc_executor_config_t cfg = {.size = sizeof cfg, .flags = 1};
  bcsc_executor_config_t tiny = {.size = 2};
  bcsc_executor_stats_t st = {.size = 0};
  static _Alignas(BCSC_POOL_ALIGN) unsigned char
      mem[BCSC_POOL_BYTES(sizeof(probe_t), 2) + BCSC_POOL_ALIGN];
  bcsc_pool_t pool;
  void *frame = NULL;
  probe_t p, idle, foreign;

  EXPECT_FAILS(bcsc_executor_init(&ex, &cfg), BCSC_EINVAL, BAD_ARGUMENT, &cfg);
  EXPECT_FAILS(bcsc_executor_init(&ex, &tiny), BCSC_EINVAL, BAD_ARGUMENT,
               &tiny);
  executor_up(&ex);
  executor_up(&ex2);
  EXPECT_FAILS(bcsc_executor_stats(&ex, &st), BCSC_EINVAL, BAD_ARGUMENT, &st);
  EXPECT_FAILS(bcsc_executor_stats(&ex, NULL), BCSC_EINVAL, BAD_ARGUMENT, NULL);
  EXPECT_FAILS(bcsc_task_init(&p.task, NULL, NULL), BCSC_EINVAL, BAD_ARGUMENT,
               &p.task);

  /* Cancelling a frame that was never spawned. */
  probe_init(&idle, &ex, body_done);
  EXPECT_FAILS(bcsc_task_cancel(&idle.task), BCSC_ESTATE, BAD_ARGUMENT,
               &idle.task);
  cr_assert_eq(bcsc_task_cancelled(&idle.task), 0);

  /* An unknown scope policy. */
  probe_init(&p, &ex, body_bad_policy);
  cr_assert_eq(bcsc_executor_run(&ex, &p.task), 0);
  cr_assert_eq(p.rc[0], BCSC_EINVAL);
  EXPECT_KEPT_REPORT(&p, 1, BAD_ARGUMENT);

  /* run() on a task that belongs to another executor. */
  probe_init(&foreign, &ex2, body_done);
  EXPECT_OK(bcsc_executor_spawn(&ex2, &foreign.task));
  EXPECT_FAILS(bcsc_executor_run(&ex, &foreign.task), BCSC_EINVAL, BAD_ARGUMENT,
               &foreign.task);
  cr_assert_eq(foreign.polls, 0);

  /* Pools: misaligned memory, a frame smaller than a task header, unknown
   * flags, no room for one frame, no poll function. */
  EXPECT_FAILS(
      bcsc_pool_init(&pool, mem + 1, sizeof mem - 1, sizeof(probe_t), 0),
      BCSC_EINVAL, BAD_ARGUMENT, &pool);
  EXPECT_FAILS(
      bcsc_pool_init(&pool, mem, sizeof mem, sizeof(bcsc_task_t) - 1, 0),
      BCSC_EINVAL, BAD_ARGUMENT, &pool);
  EXPECT_FAILS(bcsc_pool_init(&pool, mem, sizeof mem, sizeof(probe_t), 2),
               BCSC_EINVAL, BAD_ARGUMENT, &pool);
  EXPECT_FAILS(bcsc_pool_init(&pool, mem, 8, sizeof(probe_t), 0), BCSC_EINVAL,
               BAD_ARGUMENT, &pool);
  EXPECT_OK(bcsc_pool_init(&pool, mem, sizeof mem, sizeof(probe_t), 0));
  EXPECT_FAILS(bcsc_pool_acquire(&pool, NULL, NULL, &frame), BCSC_EINVAL,
               BAD_ARGUMENT, &pool);
  EXPECT_FAILS(bcsc_pool_acquire(&pool, probe_poll, NULL, NULL), BCSC_EINVAL,
               BAD_ARGUMENT, &pool);
  cr_assert_null(frame);
  cr_assert_eq(bcsc_pool_available(&pool), 2);
  EXPECT_OK(bcsc_pool_deinit(&pool));

  executor_down(&ex2);
  executor_down(&ex);
}

/* A poll function must return DONE, PENDING or a negative code. */
static int body_returns_seven(probe_t *p) {
  (void)p;
  return 7;
}

Test(misuse, a_poll_result_above_pending_finishes_the_task_with_einval) {
  bcsc_executor_t ex;
  probe_t p;
  executor_up(&ex);
  probe_init(&p, &ex, body_returns_seven);
  EXPECT_OK(bcsc_executor_spawn(&ex, &p.task));
  cr_assert_eq(bcsc_executor_poll(&ex, 1), 1);
  EXPECT_MISUSE(BAD_ARGUMENT, &p.task);
  cr_assert(bcsc_task_done(&p.task));
  cr_assert_eq(bcsc_task_result(&p.task), BCSC_EINVAL);
  executor_down(&ex);
}

/* ---- the default handler ------------------------------------------------ */

/* These tests use the default handler: in the checked build it prints one
 * line and aborts, so the test is a Criterion death test there; the release
 * build has no handler to call, so the same test asserts the error code and
 * that nothing was printed. BCSC_CHECKED is the compile definition the test
 * is built with; the first assertion checks it matches the library. */
#if defined(BCSC_CHECKED) && BCSC_CHECKED
#define TEST_BUILT_CHECKED 1
#define DEFAULT_HANDLER_SIGNAL SIGABRT
#else
#define TEST_BUILT_CHECKED 0
#define DEFAULT_HANDLER_SIGNAL 0
#endif

/* stderr is a non-blocking pipe while the misuse happens. The SIGABRT
 * handler reads what was printed; if it is not the expected line it exits
 * with status 3 instead of dying by the signal, which fails the test. */
static int g_stderr_pipe = -1;
static char g_expected_line[256];

static void check_line_on_abort(int sig) {
  char buf[256];
  ssize_t n = read(g_stderr_pipe, buf, sizeof buf - 1);
  size_t want = strlen(g_expected_line);
  (void)sig;
  if (n != (ssize_t)want || memcmp(buf, g_expected_line, want) != 0)
    _exit(3);
  /* Returning lets abort() go on to kill the process by SIGABRT. */
}

static void capture_stderr(void) {
  int fds[2];
  cr_assert_eq(pipe(fds), 0);
  cr_assert_eq(fcntl(fds[0], F_SETFL, O_NONBLOCK), 0);
  fflush(stderr);
  cr_assert_neq(dup2(fds[1], STDERR_FILENO), -1);
  close(fds[1]);
  g_stderr_pipe = fds[0];
}

static void expect_abort_with_line(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = check_line_on_abort;
  sigemptyset(&sa.sa_mask);
  cr_assert_eq(sigaction(SIGABRT, &sa, NULL), 0);
}

static void expect_nothing_printed(void) {
  char buf[64];
  ssize_t n = read(g_stderr_pipe, buf, sizeof buf);
  cr_assert(n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK),
            "something was printed on stderr (%zd bytes)", n);
}

/* One death test per bad input the issue names, each a case of one shape
 * (DEFAULT_HANDLER_TEST): `prepare` sets the misuse up and names the object
 * the line must name, `misuse` makes it and returns what the call returned,
 * and `finish` cleans up in release, where the call returns. The misuse's
 * name in the line is spelled by the test, not taken from the library. */
typedef struct death_env {
  bcsc_executor_t ex;
  probe_t p[3];
  bcsc_waitq_t q;
  bcsc_task_t bad_task;
  bcsc_scope_t bad_scope;
  bcsc_pool_t pool;
  _Alignas(
      BCSC_POOL_ALIGN) unsigned char mem[BCSC_POOL_BYTES(sizeof(probe_t), 1)];
  void *frame;
  const void *object; /* what the line must name */
} death_env_t;

typedef struct death_case {
  int32_t code;
  const char *name;
  int err;
  void (*prepare)(death_env_t *e);
  int (*misuse)(death_env_t *e);
  void (*finish)(death_env_t *e);
} death_case_t;

static death_env_t g_death;

static void expect_default_handler(const death_case_t *c) {
  death_env_t *e = &g_death;
  int rc;
  cr_assert_eq(bcsc_is_checked_build(), TEST_BUILT_CHECKED,
               "test and library disagree on BCSC_CHECKED");
  bcsc_set_misuse_handler(NULL, NULL);
  memset(e, 0, sizeof *e);
  executor_up(&e->ex);
  c->prepare(e);
  snprintf(g_expected_line, sizeof g_expected_line,
           "bcsc: misuse %s: %s (object %p)\n", c->name,
           bcsc_misuse_message(c->code), e->object);
  capture_stderr();
  if (bcsc_is_checked_build())
    expect_abort_with_line();
  rc = c->misuse(e);
  /* Only the release build gets here. */
  cr_assert_not(bcsc_is_checked_build(), "the default handler returned");
  cr_assert_eq(rc, c->err, "the call returned %s, expected %s",
               bcsc_err_name(rc), bcsc_err_name(c->err));
  expect_nothing_printed();
  c->finish(e);
  executor_down(&e->ex);
}

#define DEFAULT_HANDLER_TEST(test_name, code_, err_, prepare_, misuse_,        \
                             finish_)                                          \
  Test(misuse_default_handler, test_name, .signal = DEFAULT_HANDLER_SIGNAL) {  \
    static const death_case_t c = {BCSC_MISUSE_##code_,                        \
                                   "BCSC_MISUSE_" #code_,                      \
                                   (err_),                                     \
                                   (prepare_),                                 \
                                   (misuse_),                                  \
                                   (finish_)};                                 \
    expect_default_handler(&c);                                                \
  }

static void finish_nothing(death_env_t *e) { (void)e; }

/* Double spawn: a frame spawned while it is still live. */
static void prepare_double_spawn(death_env_t *e) {
  probe_init(&e->p[0], &e->ex, body_done);
  cr_assert_eq(bcsc_executor_spawn(&e->ex, &e->p[0].task), 0);
  e->object = &e->p[0].task;
}
static int spawn_p0_again(death_env_t *e) {
  return bcsc_executor_spawn(&e->ex, &e->p[0].task);
}
DEFAULT_HANDLER_TEST(double_spawn_prints_one_line_and_aborts, DOUBLE_SPAWN,
                     BCSC_EBUSY, prepare_double_spawn, spawn_p0_again,
                     finish_nothing)

/* NULL objects go through the same default handler before any executor is
 * in reach: the misuse most often made first. */
static void prepare_null(death_env_t *e) { e->object = NULL; }
static int spawn_null(death_env_t *e) {
  return bcsc_executor_spawn(&e->ex, NULL);
}
DEFAULT_HANDLER_TEST(null_spawn_prints_one_line_and_aborts, NULL_OBJECT,
                     BCSC_EINVAL, prepare_null, spawn_null, finish_nothing)

/* Uninitialised objects: a task frame of garbage bytes, and a scope of
 * zeros (static storage, a fresh page), as uninitialised_objects_fail_
 * with_ebadobj makes them. */
static void prepare_garbage_task(death_env_t *e) {
  fill(&e->bad_task, sizeof e->bad_task, 0xA5);
  e->object = &e->bad_task;
}
static int spawn_garbage_task(death_env_t *e) {
  return bcsc_executor_spawn(&e->ex, &e->bad_task);
}
DEFAULT_HANDLER_TEST(uninitialised_task_prints_one_line_and_aborts, BAD_OBJECT,
                     BCSC_EBADOBJ, prepare_garbage_task, spawn_garbage_task,
                     finish_nothing)

static void prepare_zeroed_scope(death_env_t *e) {
  fill(&e->bad_scope, sizeof e->bad_scope, 0x00);
  probe_init(&e->p[0], &e->ex, body_done);
  e->object = &e->bad_scope;
}
static int spawn_into_zeroed_scope(death_env_t *e) {
  return bcsc_scope_spawn(&e->bad_scope, &e->p[0].task);
}
DEFAULT_HANDLER_TEST(uninitialised_scope_prints_one_line_and_aborts, BAD_OBJECT,
                     BCSC_EBADOBJ, prepare_zeroed_scope,
                     spawn_into_zeroed_scope, finish_nothing)

/* A join of a foreign scope: p[2] joins the scope p[0] opened (with p[1]
 * waiting in it), from p[2]'s own poll - as joining_a_scope_one_does_not_
 * own_fails_with_eperm's intruder does. */
static void prepare_foreign_join(death_env_t *e) {
  cr_assert_eq(bcsc_waitq_init(&e->q), 0);
  probe_init(&e->p[0], &e->ex, body_owner);
  probe_init(&e->p[1], &e->ex, body_wait_q0);
  probe_init(&e->p[2], &e->ex, body_intruder);
  e->p[0].other = &e->p[1];
  e->p[1].q[0] = &e->q;
  e->p[2].other = &e->p[0];
  cr_assert_eq(bcsc_executor_spawn(&e->ex, &e->p[0].task), 0);
  cr_assert_eq(bcsc_executor_poll(&e->ex, 2), 2); /* owner, then child */
  cr_assert_eq(bcsc_scope_live(&e->p[0].scope[0]), 1);
  cr_assert_eq(bcsc_executor_spawn(&e->ex, &e->p[2].task), 0);
  e->object = &e->p[0].scope[0];
}
static int run_intruder(death_env_t *e) {
  cr_assert_eq(bcsc_executor_poll(&e->ex, 1), 1);
  return e->p[2].rc[0];
}
static void finish_foreign_join(death_env_t *e) {
  cr_assert_eq(bcsc_scope_live(&e->p[0].scope[0]), 1, "the join closed it");
  cr_assert_eq(bcsc_waitq_wake_one(&e->q, 0), 1);
  cr_assert_eq(bcsc_executor_run(&e->ex, &e->p[0].task), 0);
  cr_assert_eq(bcsc_waitq_deinit(&e->q), 0);
}
DEFAULT_HANDLER_TEST(joining_a_foreign_scope_prints_one_line_and_aborts,
                     FOREIGN_SCOPE, BCSC_EPERM, prepare_foreign_join,
                     run_intruder, finish_foreign_join)

/* Pool exhaustion (D7): a strict pool was sized never to run out, so its
 * exhaustion is reported; a plain pool's is back-pressure (below). */
static void prepare_empty_pool(death_env_t *e, uint32_t flags) {
  cr_assert_eq(
      bcsc_pool_init(&e->pool, e->mem, sizeof e->mem, sizeof(probe_t), flags),
      0);
  cr_assert_eq(bcsc_pool_acquire(&e->pool, probe_poll, NULL, &e->frame), 0);
  e->object = &e->pool;
}
static void prepare_empty_strict_pool(death_env_t *e) {
  prepare_empty_pool(e, BCSC_POOL_STRICT);
}
static int acquire_one_more(death_env_t *e) {
  void *frame = NULL;
  int rc = bcsc_pool_acquire(&e->pool, probe_poll, NULL, &frame);
  cr_assert_null(frame, "a failed acquire wrote its out-parameter");
  return rc;
}
static void finish_pool(death_env_t *e) {
  cr_assert_eq(bcsc_pool_release(&e->pool, e->frame), 0);
  cr_assert_eq(bcsc_pool_deinit(&e->pool), 0);
}
DEFAULT_HANDLER_TEST(exhausting_a_strict_pool_prints_one_line_and_aborts,
                     POOL_EXHAUSTED, BCSC_ENOSPC, prepare_empty_strict_pool,
                     acquire_one_more, finish_pool)

/* A plain pool running out is not misuse: with the default handler in
 * place, every build returns ENOSPC, prints nothing and goes on. */
Test(misuse_default_handler, exhausting_a_plain_pool_prints_nothing) {
  death_env_t *e = &g_death;
  bcsc_set_misuse_handler(NULL, NULL);
  memset(e, 0, sizeof *e);
  executor_up(&e->ex);
  prepare_empty_pool(e, 0);
  capture_stderr();
  cr_assert_eq(acquire_one_more(e), BCSC_ENOSPC);
  expect_nothing_printed();
  finish_pool(e);
  executor_down(&e->ex);
}

/* Setting a handler and then NULL again restores the default. */
Test(misuse_default_handler, passing_null_restores_the_default_handler,
     .signal = DEFAULT_HANDLER_SIGNAL) {
  bcsc_executor_t ex;
  probe_t p;
  int rc;
  misuse_log_t log;
  memset(&log, 0, sizeof log);
  bcsc_set_misuse_handler(record_misuse, &log);
  executor_up(&ex);
  probe_init(&p, &ex, body_done);
  cr_assert_eq(bcsc_executor_spawn(&ex, &p.task), 0);
  cr_assert_eq(bcsc_executor_spawn(&ex, &p.task), BCSC_EBUSY);
  cr_assert_eq(log.count, bcsc_is_checked_build() ? 1 : 0);
  bcsc_set_misuse_handler(NULL, NULL);
  snprintf(g_expected_line, sizeof g_expected_line,
           "bcsc: misuse BCSC_MISUSE_DOUBLE_SPAWN: %s (object %p)\n",
           bcsc_misuse_message(BCSC_MISUSE_DOUBLE_SPAWN), (void *)&p.task);
  capture_stderr();
  if (bcsc_is_checked_build())
    expect_abort_with_line();
  rc = bcsc_executor_spawn(&ex, &p.task);
  cr_assert_not(bcsc_is_checked_build(), "the default handler returned");
  cr_assert_eq(rc, BCSC_EBUSY);
  cr_assert_eq(log.count, 0, "the replaced handler was still called");
  expect_nothing_printed();
  executor_down(&ex);
}

/* ---- SELECT_DECIDED ----------------------------------------------------- */

/* A select whose first branch won at once, then a second branch called
 * anyway (an `if` forgotten around it): what it took would be dropped. */
static int body_offer_after_win(probe_t *p) {
  bcsc_select_t sel;
  p->rc[0] = bcsc_select_begin(&sel, &p->task);
  p->rc[1] = bcsc_select_offer(&sel, 0);
  p->rc[2] = bcsc_select_offer(&sel, 0);
  keep_report(p, 3, &sel);
  p->rc[6] = bcsc_select_end(&sel);
  p->rc[7] = (int)bcsc_select_winner(&sel);
  return BCSC_DONE;
}

Test(misuse, offering_a_branch_after_a_select_was_won_fails_with_estate) {
  bcsc_executor_t ex;
  probe_t p;
  executor_up(&ex);
  probe_init(&p, &ex, body_offer_after_win);
  cr_assert_eq(bcsc_executor_run(&ex, &p.task), 0);
  cr_assert_eq(p.rc[0], 0);
  cr_assert_eq(p.rc[1], 1);
  cr_assert_eq(p.rc[2], BCSC_ESTATE);
  EXPECT_KEPT_REPORT(&p, 3, SELECT_DECIDED);
  cr_assert_eq(p.rc[6], 0);
  cr_assert_eq(p.rc[7], 0, "the first winner stands");
  EXPECT_NO_MISUSE();
  executor_down(&ex);
}

/* ---- WRONG_THREAD ------------------------------------------------------- */

/* One call made on a thread of its own; pthread_join orders it (and the
 * report it made into g_log) before the test's next line. */
typedef struct foreign_call {
  int (*call)(struct foreign_call *c);
  bcsc_executor_t *ex;
  bcsc_scope_t *scope;
  bcsc_task_t *task;
  int rc;
} foreign_call_t;

static void *foreign_call_main(void *arg) {
  foreign_call_t *c = arg;
  c->rc = c->call(c);
  return NULL;
}

static int on_another_thread(int (*call)(foreign_call_t *c),
                             bcsc_executor_t *ex, bcsc_scope_t *scope,
                             bcsc_task_t *task) {
  foreign_call_t c = {call, ex, scope, task, 0};
  pthread_t thread;
  cr_assert_eq(pthread_create(&thread, NULL, foreign_call_main, &c), 0);
  cr_assert_eq(pthread_join(thread, NULL), 0);
  return c.rc;
}

static int call_run(foreign_call_t *c) {
  return bcsc_executor_run(c->ex, NULL);
}
static int call_poll(foreign_call_t *c) { return bcsc_executor_poll(c->ex, 8); }
static int call_spawn(foreign_call_t *c) {
  return bcsc_executor_spawn(c->ex, c->task);
}
static int call_scope_spawn(foreign_call_t *c) {
  return bcsc_scope_spawn(c->scope, c->task);
}
static int call_bind_and_poll(foreign_call_t *c) {
  int rc = bcsc_executor_bind_thread(c->ex);
  return rc != 0 ? rc : bcsc_executor_poll(c->ex, 8);
}

/* Opens scope[0] and waits on q[0] with it open; joins it when woken. */
static int body_open_and_wait(probe_t *p) {
  if (p->polls == 1) {
    p->rc[0] = bcsc_scope_init(&p->scope[0], &p->task, BCSC_SCOPE_WAIT_ALL);
    p->rc[1] = bcsc_wait_register(&p->task, &p->w[0], p->q[0]);
    return BCSC_PENDING;
  }
  return bcsc_scope_join(&p->scope[0]);
}

Test(misuse, running_polling_or_spawning_from_another_thread_fails_with_eperm) {
  bcsc_executor_t ex;
  bcsc_waitq_t q;
  probe_t owner, child, root;
  executor_up(&ex);
  cr_assert_eq(bcsc_waitq_init(&q), 0);
  probe_init(&owner, &ex, body_open_and_wait);
  probe_init(&child, &ex, body_done);
  probe_init(&root, &ex, body_done);
  owner.q[0] = &q;
  EXPECT_OK(bcsc_executor_spawn(&ex, &owner.task));
  /* The first poll makes this thread the executor's. */
  cr_assert_eq(bcsc_executor_poll(&ex, 8), 1);
  cr_assert_eq(owner.rc[0], 0);
  cr_assert_eq(owner.rc[1], 0);
  if (!bcsc_is_checked_build()) {
    /* Release checks nothing: the calls below would be carried out. */
    cr_assert_eq(bcsc_waitq_wake_all(&q, 0), 1);
    cr_assert_eq(bcsc_waitq_deinit(&q), 0);
    executor_down(&ex);
    return;
  }
  EXPECT_FAILS(on_another_thread(call_run, &ex, NULL, NULL), BCSC_EPERM,
               WRONG_THREAD, &ex);
  EXPECT_FAILS(on_another_thread(call_poll, &ex, NULL, NULL), BCSC_EPERM,
               WRONG_THREAD, &ex);
  EXPECT_FAILS(on_another_thread(call_spawn, &ex, NULL, &root.task), BCSC_EPERM,
               WRONG_THREAD, ANY_OBJECT);
  EXPECT_FAILS(
      on_another_thread(call_scope_spawn, &ex, &owner.scope[0], &child.task),
      BCSC_EPERM, WRONG_THREAD, &owner.scope[0]);
  /* Nothing was linked: both frames are still idle, and may be spawned by
   * the executor's own thread. */
  cr_assert_eq(bcsc_executor_ready(&ex), 0);
  cr_assert_eq(bcsc_executor_live_roots(&ex), 1);
  EXPECT_OK(bcsc_scope_spawn(&owner.scope[0], &child.task));
  EXPECT_OK(bcsc_executor_spawn(&ex, &root.task));
  cr_assert_eq(bcsc_waitq_wake_all(&q, 0), 1);
  cr_assert_eq(bcsc_waitq_deinit(&q), 0);
  executor_down(&ex);
  cr_assert(bcsc_task_done(&child.task));
  cr_assert(bcsc_task_done(&root.task));
}

Test(misuse, an_executor_belongs_to_the_first_thread_that_runs_it) {
  bcsc_executor_t ex;
  probe_t first, second;
  executor_up(&ex);
  probe_init(&first, &ex, body_done);
  probe_init(&second, &ex, body_done);
  /* Before any run, the thread that sets it up may be another one. */
  cr_assert_eq(on_another_thread(call_spawn, &ex, NULL, &first.task), 0);
  EXPECT_NO_MISUSE();
  cr_assert_eq(on_another_thread(call_run, &ex, NULL, NULL), 0);
  EXPECT_NO_MISUSE();
  cr_assert(bcsc_task_done(&first.task));
  /* That thread has it now (checked build); a hand-over is explicit. */
  if (bcsc_is_checked_build())
    EXPECT_FAILS(bcsc_executor_spawn(&ex, &second.task), BCSC_EPERM,
                 WRONG_THREAD, ANY_OBJECT);
  EXPECT_OK(bcsc_executor_bind_thread(&ex));
  EXPECT_OK(bcsc_executor_spawn(&ex, &second.task));
  /* And back: the other thread binds, then polls. */
  cr_assert_eq(on_another_thread(call_bind_and_poll, &ex, NULL, NULL), 1);
  EXPECT_NO_MISUSE();
  cr_assert(bcsc_task_done(&second.task));
  if (bcsc_is_checked_build())
    EXPECT_FAILS(bcsc_executor_poll(&ex, 1), BCSC_EPERM, WRONG_THREAD, &ex);
  EXPECT_OK(bcsc_executor_bind_thread(&ex));
  executor_down(&ex);
}

static int body_bind(probe_t *p) {
  p->rc[0] = bcsc_executor_bind_thread(p->ex);
  keep_report(p, 1, p->ex);
  return BCSC_DONE;
}

Test(misuse, binding_a_thread_from_inside_a_poll_fails_with_ebusy) {
  bcsc_executor_t ex;
  probe_t p;
  executor_up(&ex);
  probe_init(&p, &ex, body_bind);
  EXPECT_OK(bcsc_executor_spawn(&ex, &p.task));
  cr_assert_eq(bcsc_executor_poll(&ex, 1), 1);
  cr_assert_eq(p.rc[0], BCSC_EBUSY);
  EXPECT_KEPT_REPORT(&p, 1, REENTRANT_POLL);
  EXPECT_FAILS(bcsc_executor_bind_thread(NULL), BCSC_EINVAL, NULL_OBJECT, NULL);
  executor_down(&ex);
}

/* ---- design-for-test checks (D29): a scope's end, unlinked nodes --------
 * Planted corruptions the canaries cannot see, because the object carries
 * its own magic and tag: a stale copy of a node or frame put back over it,
 * or a stray write into a count. The checked build finds them through the
 * lists themselves (a node its neighbours do not point back at, a poisoned
 * link) and through each scope's counts at its end. */

/* A registration put back from a copy taken while it was linked claims to
 * be linked again; a second unlink would write into a list that no longer
 * holds it. */
Test(misuse, a_registration_unlinked_twice_is_caught) {
  bcsc_executor_t ex;
  bcsc_waitq_t q;
  bcsc_wait_t linked_copy;
  probe_t p;
  executor_up(&ex);
  cr_assert_eq(bcsc_waitq_init(&q), 0);
  probe_init(&p, &ex, body_wait_until_cancelled);
  p.q[0] = &q;
  EXPECT_OK(bcsc_executor_spawn(&ex, &p.task));
  cr_assert_eq(bcsc_executor_poll(&ex, 1), 1);
  memcpy(&linked_copy, &p.w[0], sizeof linked_copy);
  cr_assert_eq(bcsc_waitq_wake_one(&q, 0), 1); /* unlinked, task queued */
  memcpy(&p.w[0], &linked_copy, sizeof linked_copy);
  cr_assert(bcsc_wait_linked(&p.w[0]), "the copy says linked");
  if (bcsc_is_checked_build()) {
    EXPECT_FAILS(bcsc_wait_cancel(&p.w[0]), BCSC_EBADOBJ, NODE_UNLINKED,
                 &p.w[0]);
  } else {
    /* Release trusts the node; here its stale links happen to name only an
     * empty list and a queued task's link, which the unlink rewrites to
     * what they hold already. */
    cr_assert_eq(bcsc_wait_cancel(&p.w[0]), 1);
    EXPECT_NO_MISUSE();
  }
  cr_assert(bcsc_waitq_empty(&q));
  cr_assert_eq(bcsc_wait_init(&p.w[0]), 0);
  EXPECT_OK(bcsc_task_cancel(&p.task));
  cr_assert_eq(bcsc_executor_run(&ex, &p.task), 0);
  cr_assert_eq(bcsc_waitq_deinit(&q), 0);
  executor_down(&ex);
}

/* A neighbour's link left pointing at a registration that has gone (an
 * update lost): the release build would follow it and write into the
 * unlinked node; the checked build poisoned the node's links when it left
 * the list, so the neighbour's unlink sees they do not point back. */
Test(misuse, a_link_left_to_an_unlinked_registration_is_not_followed) {
  bcsc_executor_t ex;
  bcsc_waitq_t q;
  bcsc_wait_t stale_copy, good_copy;
  probe_t first, second;
  if (!bcsc_is_checked_build())
    cr_skip_test("links are poisoned in the checked build only");
  executor_up(&ex);
  cr_assert_eq(bcsc_waitq_init(&q), 0);
  probe_init(&first, &ex, body_wait_until_cancelled);
  probe_init(&second, &ex, body_wait_until_cancelled);
  first.q[0] = second.q[0] = &q;
  EXPECT_OK(bcsc_executor_spawn(&ex, &first.task));
  EXPECT_OK(bcsc_executor_spawn(&ex, &second.task));
  cr_assert_eq(bcsc_executor_poll(&ex, 2), 2);
  memcpy(&stale_copy, &second.w[0], sizeof stale_copy); /* after first's */
  cr_assert_eq(bcsc_waitq_wake_one(&q, 0), 1);          /* first's goes */
  cr_assert(!bcsc_wait_linked(&first.w[0]));
  memcpy(&good_copy, &second.w[0], sizeof good_copy);
  memcpy(&second.w[0], &stale_copy, sizeof stale_copy);
  EXPECT_FAILS(bcsc_wait_cancel(&second.w[0]), BCSC_EBADOBJ, NODE_UNLINKED,
               &second.w[0]);
  cr_assert_eq(bcsc_waitq_count(&q), 1, "the list was written through");
  memcpy(&second.w[0], &good_copy, sizeof good_copy);
  EXPECT_OK(bcsc_task_cancel(&first.task));
  EXPECT_OK(bcsc_task_cancel(&second.task));
  cr_assert_eq(bcsc_executor_run(&ex, NULL), 0);
  cr_assert(bcsc_waitq_empty(&q));
  cr_assert_eq(bcsc_waitq_deinit(&q), 0);
  executor_down(&ex);
}

/* A completed frame brought back from a copy taken while it waited: its
 * registration list leads into a node unlinked since (poisoned), and when
 * it completes again its scope's list does not hold it. Either unlink
 * would corrupt the lists and the scope's count in release. */
Test(misuse, a_completed_frame_brought_back_is_not_unlinked_twice) {
  bcsc_executor_t ex;
  bcsc_waitq_t q;
  bcsc_task_t waiting_copy;
  probe_t p;
  if (!bcsc_is_checked_build())
    cr_skip_test("list membership is checked in the checked build only");
  executor_up(&ex);
  cr_assert_eq(bcsc_waitq_init(&q), 0);
  probe_init(&p, &ex, body_wait_until_cancelled);
  p.q[0] = &q;
  EXPECT_OK(bcsc_executor_spawn(&ex, &p.task));
  cr_assert_eq(bcsc_executor_poll(&ex, 1), 1);
  memcpy(&waiting_copy, &p.task, sizeof waiting_copy);
  EXPECT_OK(bcsc_task_cancel(&p.task));
  cr_assert_eq(bcsc_executor_run(&ex, &p.task), 0);
  cr_assert_eq(bcsc_executor_live_roots(&ex), 0);

  memcpy(&p.task, &waiting_copy, sizeof waiting_copy);
  /* The cancel's walk of its registrations stops at the poisoned link. */
  cr_assert_eq(bcsc_task_cancel(&p.task), 0);
  cr_assert_eq(g_log.count, 1);
  cr_assert_eq(g_log.code[0], BCSC_MISUSE_NODE_UNLINKED);
  cr_assert_eq(g_log.object[0], &p.task);
  memset(&g_log, 0, sizeof g_log);
  /* It is polled again and returns: its scope no longer lists it. */
  cr_assert_eq(bcsc_executor_poll(&ex, 1), 1);
  EXPECT_MISUSE(NODE_UNLINKED, &p.task);
  cr_assert(bcsc_task_done(&p.task));
  cr_assert_eq(bcsc_executor_live_roots(&ex), 0, "the root count moved");
  cr_assert_eq(bcsc_waitq_deinit(&q), 0);
  executor_down(&ex);
}

/* Owner of scope[0] with one child (`other`), joined once the child has
 * ended: rc[0] the spawn, rc[1] the join. */
static int body_owner_of_other(probe_t *p) {
  if (p->polls == 1) {
    p->rc[0] = bcsc_scope_init(&p->scope[0], &p->task, BCSC_SCOPE_WAIT_ALL);
    if (p->rc[0] == 0)
      p->rc[0] = bcsc_scope_spawn(&p->scope[0], &p->other->task);
  }
  p->rc[1] = bcsc_scope_join(&p->scope[0]);
  return p->rc[1] == BCSC_PENDING ? BCSC_PENDING : BCSC_DONE;
}

/* A registration overwritten with a copy of itself from before it was
 * linked (idle, untagged: no canary can tell) is skipped when its task
 * completes and stays in its list - a dangling registration. The scope the
 * task was spawned into counts the registrations its tasks hold linked,
 * and says so when it ends. */
Test(misuse, a_scope_that_ends_with_a_registration_still_linked_is_reported) {
  bcsc_executor_t ex;
  bcsc_waitq_t q;
  bcsc_wait_t idle_copy;
  probe_t owner, child;
  executor_up(&ex);
  cr_assert_eq(bcsc_waitq_init(&q), 0);
  probe_init(&owner, &ex, body_owner_of_other);
  probe_init(&child, &ex, body_wait_until_cancelled);
  owner.other = &child;
  child.q[0] = &q;
  memcpy(&idle_copy, &child.w[0], sizeof idle_copy);
  EXPECT_OK(bcsc_executor_spawn(&ex, &owner.task));
  cr_assert_eq(bcsc_executor_poll(&ex, 2), 2);
  cr_assert_eq(owner.rc[0], 0);
  cr_assert(bcsc_wait_linked(&child.w[0]));

  memcpy(&child.w[0], &idle_copy, sizeof idle_copy);
  EXPECT_OK(bcsc_task_cancel(&child.task));
  cr_assert_eq(bcsc_executor_run(&ex, &owner.task), 0);
  EXPECT_MISUSE(SCOPE_END_LINKED, &owner.scope[0]);
  cr_assert_eq(owner.rc[1], 0, "the join still reports the children");
  cr_assert_eq(bcsc_waitq_count(&q), 1, "the dangling node is still there");
  cr_assert_eq(bcsc_waitq_init(&q), 0); /* abandon it */
  executor_down(&ex);
}

/* Owner that opens scope[0], spawns `other`, then waits on its gate q[0]
 * (w[0]) before each join; rc[1] holds each join's result. */
static int body_gated_owner(probe_t *p) {
  if (p->polls == 1) {
    p->rc[0] = bcsc_scope_init(&p->scope[0], &p->task, BCSC_SCOPE_WAIT_ALL);
    if (p->rc[0] == 0)
      p->rc[0] = bcsc_scope_spawn(&p->scope[0], &p->other->task);
  }
  if (!bcsc_wait_fired(&p->w[0]) && !bcsc_wait_linked(&p->w[0])) {
    p->rc[2] = bcsc_wait_register(&p->task, &p->w[0], p->q[0]);
    return BCSC_PENDING;
  }
  if (bcsc_wait_linked(&p->w[0]))
    return BCSC_PENDING; /* woken by its join */
  p->rc[1] = bcsc_scope_join(&p->scope[0]);
  if (p->rc[1] == BCSC_PENDING)
    return BCSC_PENDING;
  if (p->rc[1] == BCSC_EBADOBJ) {
    p->rc[3]++;
    (void)bcsc_wait_cancel(&p->w[0]); /* consume the wake: gate again */
    cr_assert_eq(bcsc_wait_init(&p->w[0]), 0);
    p->rc[2] = bcsc_wait_register(&p->task, &p->w[0], p->q[0]);
    return BCSC_PENDING;
  }
  return BCSC_DONE;
}

/* A stray write that zeroes a scope's live count while a child is still in
 * it: join would close the scope under the child. The checked build
 * compares the count with the child list at the scope's end and refuses. */
Test(misuse, a_scope_that_ends_with_a_child_still_in_it_is_refused) {
  bcsc_executor_t ex;
  bcsc_waitq_t gate, q;
  probe_t owner, child;
  if (!bcsc_is_checked_build())
    cr_skip_test("scope ends are audited in the checked build only");
  executor_up(&ex);
  cr_assert_eq(bcsc_waitq_init(&gate), 0);
  cr_assert_eq(bcsc_waitq_init(&q), 0);
  probe_init(&owner, &ex, body_gated_owner);
  probe_init(&child, &ex, body_wait_until_cancelled);
  owner.other = &child;
  owner.q[0] = &gate;
  child.q[0] = &q;
  EXPECT_OK(bcsc_executor_spawn(&ex, &owner.task));
  cr_assert_eq(bcsc_executor_poll(&ex, 2), 2);
  cr_assert_eq(owner.rc[0], 0);
  cr_assert_eq(bcsc_scope_live(&owner.scope[0]), 1);

  owner.scope[0].priv.live = 0; /* the planted stray write */
  cr_assert_eq(bcsc_waitq_wake_one(&gate, 0), 1);
  cr_assert_eq(bcsc_executor_poll(&ex, 1), 1);
  EXPECT_MISUSE(SCOPE_END_LIVE, &owner.scope[0]);
  cr_assert_eq(owner.rc[3], 1, "the join did not fail");
  cr_assert(!bcsc_task_done(&child.task));

  owner.scope[0].priv.live = 1; /* repaired */
  EXPECT_OK(bcsc_task_cancel(&child.task));
  cr_assert_eq(bcsc_waitq_wake_one(&gate, 0), 1);
  cr_assert_eq(bcsc_executor_run(&ex, &owner.task), 0);
  cr_assert_eq(owner.rc[1], 0);
  cr_assert(bcsc_task_done(&child.task));
  cr_assert_eq(bcsc_waitq_deinit(&gate), 0);
  cr_assert_eq(bcsc_waitq_deinit(&q), 0);
  executor_down(&ex);
}

/* ---- REMOTE_SELF ----------------------------------------------------------
 */

/* A remote child spawned onto the executor its scope already runs on: the
 * caller meant bcsc_scope_spawn(). Then the other misuses of spawn_on. The
 * second executor is driven by this same thread (the remote's messages do
 * not care which thread runs it, only that one does). */
static bcsc_executor_t rs_host;
static bcsc_remote_task_t rs_child, rs_other;

static int checked_reports(int n) { return bcsc_is_checked_build() ? n : 0; }

static int remote_child_poll(bcsc_task_t *self) {
  (void)self;
  return BCSC_DONE;
}

static int body_spawn_on_self(probe_t *p) {
  if (p->polls == 1) {
    p->rc[0] = bcsc_scope_init(&p->scope[0], &p->task, BCSC_SCOPE_WAIT_ALL);
    p->rc[1] = bcsc_scope_spawn_on(&p->scope[0], &rs_child, p->ex);
    keep_report(p, 2, p->ex);
    p->rc[5] = bcsc_scope_spawn_on(&p->scope[0], &rs_child, &rs_host);
    p->rc[6] = bcsc_scope_spawn_on(&p->scope[0], &rs_child, &rs_host);
    /* rc[7]: one report (checked build) of DOUBLE_SPAWN. */
    p->rc[7] = g_log.count == checked_reports(1) &&
               (g_log.count == 0 || g_log.code[0] == BCSC_MISUSE_DOUBLE_SPAWN);
    memset(&g_log, 0, sizeof g_log);
    return bcsc_scope_join(&p->scope[0]);
  }
  return bcsc_scope_join(&p->scope[0]);
}

Test(misuse, spawning_a_remote_child_onto_its_own_executor_fails_with_einval) {
  bcsc_executor_t ex;
  probe_t p;
  executor_up(&ex);
  executor_up(&rs_host);
  cr_assert_eq(bcsc_remote_task_init(&rs_child, remote_child_poll, NULL), 0);
  probe_init(&p, &ex, body_spawn_on_self);
  EXPECT_OK(bcsc_executor_spawn(&ex, &p.task));
  cr_assert_eq(bcsc_executor_poll(&ex, 1), 1);
  cr_assert_eq(p.rc[0], 0);
  cr_assert_eq(p.rc[1], BCSC_EINVAL);
  EXPECT_KEPT_REPORT(&p, 2, REMOTE_SELF);
  cr_assert_eq(p.rc[5], 0, "the same frame onto another executor is fine");
  cr_assert_eq(p.rc[6], BCSC_EBUSY, "a live remote frame spawned again");
  cr_assert(p.rc[7]);
  /* The host runs the child; the parent takes its end and completes. */
  cr_assert(!bcsc_remote_task_done(&rs_child));
  cr_assert_eq(bcsc_executor_poll(&rs_host, 8), 1);
  cr_assert_eq(bcsc_executor_poll(&ex, 8), 1);
  cr_assert(bcsc_task_done(&p.task));
  cr_assert(bcsc_remote_task_done(&rs_child));
  cr_assert_eq(bcsc_task_result(&rs_child.task), 0);
  executor_down(&rs_host);
  executor_down(&ex);
}

static int body_spawn_on_bad(probe_t *p) {
  bcsc_executor_t not_init;
  memset(&not_init, 0, sizeof not_init);
  p->rc[0] = bcsc_scope_init(&p->scope[0], &p->task, BCSC_SCOPE_WAIT_ALL);
  p->rc[1] = bcsc_scope_spawn_on(&p->scope[0], NULL, &rs_host);
  keep_report(p, 2, NULL);
  p->rc[5] = bcsc_scope_spawn_on(&p->scope[0], &rs_other, &not_init);
  p->rc[6] = g_log.count == checked_reports(1) &&
             (g_log.count == 0 || g_log.code[0] == BCSC_MISUSE_BAD_OBJECT);
  memset(&g_log, 0, sizeof g_log);
  p->rc[7] = bcsc_scope_join(&p->scope[0]);
  return BCSC_DONE;
}

Test(misuse, spawn_on_checks_its_arguments_and_changes_nothing) {
  bcsc_executor_t ex;
  probe_t p;
  bcsc_scope_t closed;
  executor_up(&ex);
  executor_up(&rs_host);
  memset(&rs_other, 0, sizeof rs_other);
  /* Never initialised: not a remote frame. */
  memset(&closed, 0, sizeof closed);
  EXPECT_FAILS(bcsc_scope_spawn_on(&closed, &rs_other, &rs_host), BCSC_EBADOBJ,
               BAD_OBJECT, &closed);
  cr_assert_eq(bcsc_remote_task_init(&rs_other, remote_child_poll, NULL), 0);
  EXPECT_FAILS(bcsc_remote_task_init(NULL, remote_child_poll, NULL),
               BCSC_EINVAL, NULL_OBJECT, NULL);
  EXPECT_FAILS(bcsc_remote_task_init(&rs_other, NULL, NULL), BCSC_EINVAL,
               BAD_ARGUMENT, &rs_other);
  probe_init(&p, &ex, body_spawn_on_bad);
  EXPECT_OK(bcsc_executor_spawn(&ex, &p.task));
  cr_assert_eq(bcsc_executor_run(&ex, &p.task), 0);
  cr_assert_eq(p.rc[1], BCSC_EINVAL);
  EXPECT_KEPT_REPORT(&p, 2, NULL_OBJECT);
  cr_assert_eq(p.rc[5], BCSC_EBADOBJ);
  cr_assert(p.rc[6]);
  cr_assert_eq(p.rc[7], 0, "nothing was spawned");
  cr_assert(!bcsc_remote_task_done(&rs_other));
  cr_assert_eq(bcsc_executor_live_roots(&rs_host), 0);
  executor_down(&rs_host);
  executor_down(&ex);
}

/* ---- START_FOREIGN, START_TWICE -------------------------------------------
 * bcsc_start_ready() by a task that is not the start's pending child, and a
 * second time by a child that has moved already. The parent opens its
 * target in scope[0] and awaits the start; the child's calls are kept in
 * its rc[]. */
static bcsc_start_t st_start, st_other;

static int body_start_parent(probe_t *p) {
  int rc;
  if (p->polls == 1)
    p->rc[6] = bcsc_scope_init(&p->scope[0], &p->task, BCSC_SCOPE_WAIT_ALL);
  if (!p->rc[7]) {
    rc = bcsc_scope_start(&p->task, &st_start, &p->scope[0], &p->other->task);
    if (rc == BCSC_PENDING)
      return rc;
    p->rc[0] = rc;
    p->rc[7] = 1;
    /* The start is ready and its child is another task. */
    p->rc[1] = bcsc_start_ready(&p->task, &st_start, 5);
    keep_report(p, 2, &st_start);
  }
  return bcsc_scope_join(&p->scope[0]);
}

/* rc[0]: ready with a start that does not wait for it; then ready. */
static int body_ready_foreign(probe_t *p) {
  p->rc[0] = bcsc_start_ready(&p->task, &st_other, 1);
  keep_report(p, 1, &st_other);
  p->rc[4] = bcsc_start_ready(&p->task, &st_start, 2);
  return BCSC_DONE;
}

/* rc[4]: ready; rc[0]: ready again. */
static int body_ready_twice(probe_t *p) {
  p->rc[4] = bcsc_start_ready(&p->task, &st_start, 3);
  p->rc[0] = bcsc_start_ready(&p->task, &st_start, 4);
  keep_report(p, 1, &st_start);
  return BCSC_DONE;
}

static void start_misuse(probe_body_fn child_body, uintptr_t value) {
  bcsc_executor_t ex;
  probe_t parent, child;
  executor_up(&ex);
  memset(&st_start, 0, sizeof st_start);
  memset(&st_other, 0, sizeof st_other);
  probe_init(&parent, &ex, body_start_parent);
  probe_init(&child, &ex, child_body);
  parent.other = &child;
  EXPECT_OK(bcsc_executor_spawn(&ex, &parent.task));
  cr_assert_eq(bcsc_executor_run(&ex, &parent.task), 0);
  cr_assert_eq(parent.rc[6], 0);
  cr_assert_eq(parent.rc[0], 0, "the start succeeded");
  cr_assert_eq(bcsc_start_value(&st_start), value);
  cr_assert_eq(parent.rc[1], BCSC_EPERM);
  EXPECT_KEPT_REPORT(&parent, 2, START_FOREIGN);
  cr_assert_eq(child.rc[4], 0);
  if (child_body == body_ready_foreign) {
    cr_assert_eq(child.rc[0], BCSC_EPERM);
    EXPECT_KEPT_REPORT(&child, 1, START_FOREIGN);
  } else {
    cr_assert_eq(child.rc[0], BCSC_ESTATE);
    EXPECT_KEPT_REPORT(&child, 1, START_TWICE);
  }
  cr_assert(bcsc_task_done(&child.task));
  executor_down(&ex);
}

Test(misuse, ready_by_a_task_the_start_does_not_wait_for_fails_with_eperm) {
  start_misuse(body_ready_foreign, 2);
}

Test(misuse, ready_twice_fails_with_estate_and_keeps_the_first_value) {
  start_misuse(body_ready_twice, 3);
}
/* ---- ATTACHED, ERROR_LIST_LATE ------------------------------------------- */

/* An entry attached to one scope is attached again, to another of the same
 * owner's scopes; then a failed child's scope is given an error list. */
static bcsc_context_t ca_entry;
static bcsc_child_error_t ca_list[1];
static bcsc_error_list_t ca_node = BCSC_ERROR_LIST_INITIALIZER;

static int body_context_twice_list_late(probe_t *p) {
  if (p->polls == 1) {
    p->rc[0] = bcsc_scope_init(&p->scope[0], &p->task, BCSC_SCOPE_WAIT_ALL);
    p->rc[1] = bcsc_scope_init(&p->scope[1], &p->task, BCSC_SCOPE_WAIT_ALL);
    p->rc[2] = bcsc_scope_set_context(&p->scope[0], &ca_entry, 1, 10);
    p->rc[3] = bcsc_scope_set_context(&p->scope[1], &ca_entry, 2, 20);
    keep_report(p, 4, &ca_entry);
    p->rc[7] = bcsc_scope_spawn(&p->scope[1], &p->other->task);
    return bcsc_task_yield(&p->task); /* the child fails meanwhile */
  }
  p->rc[0] = bcsc_scope_set_error_list(&p->scope[1], &ca_node, ca_list, 1);
  keep_report(p, 4, &p->scope[1]);
  p->rc[1] = bcsc_scope_join(&p->scope[1]);
  p->rc[2] = bcsc_scope_join(&p->scope[0]);
  return BCSC_DONE;
}

static int body_fail(probe_t *p) {
  (void)p;
  return BCSC_EUSER - 1;
}

Test(misuse, an_attached_context_entry_and_a_late_error_list_are_refused) {
  bcsc_executor_t ex;
  probe_t p, child;
  executor_up(&ex);
  cr_assert_eq(bcsc_context_init(&ca_entry), 0);
  probe_init(&p, &ex, body_context_twice_list_late);
  probe_init(&child, &ex, body_fail);
  p.other = &child;
  EXPECT_OK(bcsc_executor_spawn(&ex, &p.task));
  cr_assert_eq(bcsc_executor_poll(&ex, 1), 1);
  cr_assert_eq(p.rc[2], 0);
  cr_assert_eq(p.rc[3], BCSC_EBUSY);
  EXPECT_KEPT_REPORT(&p, 4, ATTACHED);
  cr_assert_eq(ca_entry.key, 1, "the refused call changed nothing");
  cr_assert_eq(ca_entry.value, 10);
  cr_assert_eq(p.rc[7], 0);
  cr_assert_eq(bcsc_executor_run(&ex, &p.task), 0);
  cr_assert_eq(p.rc[0], BCSC_ESTATE);
  EXPECT_KEPT_REPORT(&p, 4, ERROR_LIST_LATE);
  cr_assert_eq(p.rc[1], BCSC_EUSER - 1);
  cr_assert_eq(p.rc[2], 0);
  executor_down(&ex);
}

/* ---- ABORT_RESULT ---------------------------------------------------------
 * A completion source's abort function answers neither 0 nor BCSC_PENDING:
 * taken as 0 (the node is unlinked), reported about the node. */
static int abort_answers_7(void *context, bcsc_wait_t *wait) {
  (void)context;
  (void)wait;
  return 7;
}

Test(misuse, abort_answering_neither_done_nor_pending_is_taken_as_done) {
  bcsc_executor_t ex;
  bcsc_waitq_t q;
  probe_t p;
  executor_up(&ex);
  EXPECT_OK(bcsc_waitq_init(&q));
  EXPECT_OK(bcsc_waitq_set_abort(&q, abort_answers_7, NULL));
  probe_init(&p, &ex, body_wait_q0);
  p.q[0] = &q;
  EXPECT_OK(bcsc_executor_spawn(&ex, &p.task));
  cr_assert_eq(bcsc_executor_poll(&ex, 8), 1);
  cr_assert_eq(p.rc[0], 0);
  cr_assert_eq(bcsc_task_cancel(&p.task), 0);
  EXPECT_MISUSE(ABORT_RESULT, &p.w[0]);
  cr_assert(bcsc_waitq_empty(&q));
  executor_down(&ex);
  EXPECT_OK(bcsc_waitq_deinit(&q));
}

/* ---- FRAME_LEFT_LIVE --------------------------------------------------------
 * bcsc_task_cleanup() of a live task from a poll function, where the
 * executor cannot run: the frame would stay linked while its memory goes
 * (D82). Reported about that task, which is left as it was. */
static int body_cleanup_other(probe_t *p) {
  bcsc_task_cleanup(&p->other->task);
  return BCSC_DONE;
}

Test(misuse, a_live_frame_whose_cleanup_cannot_end_it_is_reported) {
  bcsc_executor_t ex;
  bcsc_waitq_t q;
  probe_t waiter, cleaner;
  executor_up(&ex);
  EXPECT_OK(bcsc_waitq_init(&q));
  probe_init(&waiter, &ex, body_wait_q0);
  waiter.q[0] = &q;
  probe_init(&cleaner, &ex, body_cleanup_other);
  cleaner.other = &waiter;
  EXPECT_OK(bcsc_executor_spawn(&ex, &waiter.task));
  cr_assert_eq(bcsc_executor_run(&ex, &cleaner.task), 0);
  EXPECT_MISUSE(FRAME_LEFT_LIVE, &waiter.task);
  cr_assert_not(bcsc_task_cancelled(&waiter.task));
  cr_assert_eq(bcsc_waitq_wake_all(&q, 0), 1);
  executor_down(&ex);
  EXPECT_OK(bcsc_waitq_deinit(&q));
}

/* ---- EXECUTOR_LEFT_LIVE -----------------------------------------------------
 * bcsc_executor_cleanup() whose shutdown cannot drain (no reactor, a task
 * waits on a list nothing fires): its tasks stay linked while its memory
 * goes (D84). Reported about the executor, in every build; everything is
 * left in place. */
/* A task whose cleanup waits too: it ends only once q[0] fires. */
static int body_wait_q0_through_cancel(probe_t *p) {
  if (bcsc_wait_fired(&p->w[0]))
    return BCSC_DONE;
  p->rc[0] = bcsc_wait_register(&p->task, &p->w[0], p->q[0]);
  return BCSC_PENDING;
}

Test(misuse, an_executor_whose_cleanup_cannot_end_its_tasks_is_reported) {
  bcsc_executor_t ex;
  bcsc_waitq_t q;
  probe_t stuck;
  executor_up(&ex);
  EXPECT_OK(bcsc_waitq_init(&q));
  probe_init(&stuck, &ex, body_wait_q0_through_cancel);
  stuck.q[0] = &q;
  EXPECT_OK(bcsc_executor_spawn(&ex, &stuck.task));
  bcsc_executor_cleanup(&ex);
  EXPECT_MISUSE(EXECUTOR_LEFT_LIVE, &ex);
  cr_assert(bcsc_task_cancelled(&stuck.task), "the shutdown cancelled it");
  cr_assert_eq(stuck.polls, 1, "polled once, cancelled: it waits");
  cr_assert_eq(bcsc_waitq_wake_all(&q, 0), 1);
  executor_down(&ex);
  EXPECT_OK(bcsc_waitq_deinit(&q));
}

/* ---- ABORT_REENTERED ------------------------------------------------------
 * A completion source's abort function runs the executor: refused with
 * BCSC_EBUSY, reported about the executor; the cancel goes on. */
typedef struct reenter {
  bcsc_executor_t *ex;
  int rc[3];
} reenter_t;

static int abort_runs_the_executor(void *context, bcsc_wait_t *wait) {
  reenter_t *r = context;
  (void)wait;
  r->rc[0] = bcsc_executor_poll(r->ex, 8);
  r->rc[1] = bcsc_executor_run(r->ex, NULL);
  r->rc[2] = bcsc_executor_run_once(r->ex, NULL);
  return 0;
}

Test(misuse, abort_function_running_the_executor_is_refused) {
  bcsc_executor_t ex;
  bcsc_waitq_t q;
  probe_t p;
  reenter_t r = {0};
  executor_up(&ex);
  r.ex = &ex;
  EXPECT_OK(bcsc_waitq_init(&q));
  EXPECT_OK(bcsc_waitq_set_abort(&q, abort_runs_the_executor, &r));
  probe_init(&p, &ex, body_wait_q0);
  p.q[0] = &q;
  EXPECT_OK(bcsc_executor_spawn(&ex, &p.task));
  cr_assert_eq(bcsc_executor_poll(&ex, 8), 1);
  cr_assert_eq(bcsc_task_cancel(&p.task), 0); /* outside the run loop */
  for (int i = 0; i < 3; i++)
    cr_assert_eq(r.rc[i], BCSC_EBUSY, "call %d", i);
  if (bcsc_is_checked_build()) {
    cr_assert_eq(g_log.count, 3);
    for (int i = 0; i < 3; i++) {
      cr_assert_eq(g_log.code[i], BCSC_MISUSE_ABORT_REENTERED, "report %d: %s",
                   i, bcsc_misuse_name(g_log.code[i]));
      cr_assert_eq(g_log.object[i], &ex);
    }
  } else {
    cr_assert_eq(g_log.count, 0);
  }
  memset(&g_log, 0, sizeof g_log);
  cr_assert(bcsc_waitq_empty(&q));
  /* Not left set: the executor runs again. */
  cr_assert_eq(bcsc_executor_poll(&ex, 8), 1);
  cr_assert(bcsc_task_done(&p.task));
  executor_down(&ex);
  EXPECT_OK(bcsc_waitq_deinit(&q));
}

/* ---- REACTOR_BUSY ---------------------------------------------------------
 * A shipped reactor torn down while a task waits on its unpark list (D92);
 * tests/test_reactor_{posix,epoll,uring}.c give each reactor's, the epoll
 * watch's and the io_uring op's. The reactor is left open: the waiter is
 * cancelled, and the deinit then succeeds. */
Test(misuse, tearing_down_a_reactor_with_a_waiter_fails_with_ebusy) {
  bcsc_executor_t ex;
  bcsc_posix_reactor_t r;
  probe_t p;
  executor_up(&ex);
  EXPECT_OK(bcsc_posix_reactor_init(&r));
  probe_init(&p, &ex, body_wait_q0);
  p.q[0] = bcsc_posix_reactor_unparked(&r);
  EXPECT_OK(bcsc_executor_spawn(&ex, &p.task));
  cr_assert_eq(bcsc_executor_poll(&ex, 1), 1);
  EXPECT_FAILS(bcsc_posix_reactor_deinit(&r), BCSC_EBUSY, REACTOR_BUSY, &r);
  cr_assert_eq(bcsc_waitq_count(bcsc_posix_reactor_unparked(&r)), 1);
  EXPECT_OK(bcsc_task_cancel(&p.task));
  executor_down(&ex);
  cr_assert(bcsc_task_done(&p.task));
  EXPECT_OK(bcsc_posix_reactor_deinit(&r));
}

/* ---- REACTOR_STATE --------------------------------------------------------
 * An epoll watch removed while it is not added (D92, amended);
 * tests/test_reactor_{epoll,uring}.c give the other cases. The watch is
 * left as it was: it is added and removed afterwards. */
#ifdef __linux__ /* the epoll reactor is built on Linux only */
Test(misuse, removing_a_watch_that_is_not_added_fails_with_estate) {
  bcsc_epoll_reactor_t r;
  bcsc_epoll_watch_t w;
  int fds[2];
  EXPECT_OK(bcsc_epoll_reactor_init(&r));
  EXPECT_OK(bcsc_epoll_watch_init(&w));
  cr_assert_eq(pipe(fds), 0);
  EXPECT_FAILS(bcsc_epoll_watch_remove(&r, &w), BCSC_ESTATE, REACTOR_STATE, &w);
  EXPECT_OK(bcsc_epoll_watch_add(&r, &w, fds[0]));
  EXPECT_OK(bcsc_epoll_watch_remove(&r, &w));
  close(fds[0]);
  close(fds[1]);
  EXPECT_OK(bcsc_epoll_reactor_deinit(&r));
}
#endif
