/* SPDX-License-Identifier: MIT
 * test_cleanup.c - ends that cannot be skipped (D82): bcsc_executor_shutdown(),
 * bcsc_executor_cleanup() with BCSC_CLEANUP_EXECUTOR, and bcsc_task_cleanup()
 * behind a frame's own cleanup wrapper, through the public API.
 *
 * The slow root's cleanup waits 10 ms of virtual time behind a shielded
 * scope (a motor that must stop), so "returns once the cleanups have
 * ended" is a time the test can check. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include <bcsc.h>

#include "bcsc_test.h"

#define T0 ((uint64_t)1000)

static bcsc_sim_reactor_t g_sim;
static bcsc_waitq_t g_work; /* never fired: what the roots wait for */
static bcsc_waitq_t g_ack;  /* fired only when a test says so */

static void setup(void) {
  cr_assert_eq(bcsc_sim_reactor_init(&g_sim, T0), 0);
  cr_assert_eq(bcsc_waitq_init(&g_work), 0);
  cr_assert_eq(bcsc_waitq_init(&g_ack), 0);
}

static void teardown(void) {
  cr_assert_eq(bcsc_waitq_deinit(&g_work), 0);
  cr_assert_eq(bcsc_waitq_deinit(&g_ack), 0);
}

static void executor_init(bcsc_executor_t *ex, int with_clock) {
  bcsc_executor_config_t cfg = {.size = sizeof cfg, .reactor = &g_sim.base};
  cr_assert_eq(bcsc_executor_init(ex, with_clock ? &cfg : NULL), 0);
}

/* ---- a root whose cleanup takes 10 ms -------------------------------------
 */

typedef struct sleeper {
  bcsc_task_t task;
  bcsc_timer_t timer;
} sleeper_t;

static int sleeper_poll(bcsc_task_t *self) {
  sleeper_t *s = (sleeper_t *)self;
  return bcsc_sleep_for(self, &s->timer, 10 * BCSC_MSEC);
}

typedef struct slow_root {
  bcsc_task_t task;
  bcsc_wait_t wait;
  bcsc_scope_t shield;
  sleeper_t stop;
  int stage;
  /* observations */
  int rc;
  int done;
  uint64_t ended_at;
} slow_root_t;

static int slow_root_poll(bcsc_task_t *self) {
  slow_root_t *r = (slow_root_t *)self;
  int rc;
  if (r->stage == 0) {
    rc = bcsc_wait_on(self, &r->wait, &g_work);
    if (rc != BCSC_ECANCELED)
      return rc;
    cr_assert_eq(bcsc_scope_init(&r->shield, self,
                                 BCSC_SCOPE_FAIL_FAST | BCSC_SCOPE_SHIELD),
                 0);
    cr_assert_eq(bcsc_task_init(&r->stop.task, sleeper_poll, NULL), 0);
    cr_assert_eq(bcsc_timer_init(&r->stop.timer), 0);
    cr_assert_eq(bcsc_scope_spawn(&r->shield, &r->stop.task), 0);
    r->stage = 1;
  }
  rc = bcsc_scope_join(&r->shield);
  if (rc == BCSC_PENDING)
    return rc;
  r->rc = rc;
  r->done = 1;
  r->ended_at = bcsc_sim_reactor_now(&g_sim);
  return BCSC_ECANCELED;
}

static void slow_root_init(slow_root_t *r) {
  memset(r, 0, sizeof *r);
  cr_assert_eq(bcsc_task_init(&r->task, slow_root_poll, NULL), 0);
  cr_assert_eq(bcsc_wait_init(&r->wait), 0);
}

/* A root whose cleanup waits for g_ack (bcsc_test_leaf_t's cleanup). */
static void stuck_leaf_init(bcsc_test_leaf_t *leaf, int id) {
  bcsc_test_leaf_init(leaf, id);
  leaf->queue = &g_work;
  leaf->cleanup_queue = &g_ack;
}

TestSuite(cleanup, .init = setup, .fini = teardown);

/* ---- bcsc_executor_shutdown() ---------------------------------------------
 */

Test(cleanup, shutdown_cancels_every_root_and_waits_for_their_cleanup) {
  bcsc_executor_t ex;
  slow_root_t slow;
  bcsc_test_leaf_t quick;
  bcsc_test_misuse_t rec;
  executor_init(&ex, 1);
  slow_root_init(&slow);
  bcsc_test_leaf_init(&quick, 1);
  quick.queue = &g_work;
  cr_assert_eq(bcsc_executor_spawn(&ex, &slow.task), 0);
  cr_assert_eq(bcsc_executor_spawn(&ex, &quick.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 16), 2); /* both wait now */
  cr_assert_eq(bcsc_executor_live_roots(&ex), 2);

  cr_assert_eq(bcsc_executor_shutdown(&ex), 0);
  cr_assert(bcsc_task_done(&quick.task));
  cr_assert_eq(bcsc_task_result(&quick.task), BCSC_ECANCELED);
  cr_assert(quick.saw_cancel);
  cr_assert(slow.done);
  cr_assert_eq(slow.rc, 0, "the shielded stop ran to its end");
  cr_assert_eq(slow.ended_at, T0 + 10 * BCSC_MSEC);
  cr_assert(bcsc_task_done(&slow.task));

  /* Torn down: the memory is the caller's again, and not an executor. */
  bcsc_test_misuse_install(&rec);
  cr_assert_eq(bcsc_executor_shutdown(&ex), BCSC_EBADOBJ);
  cr_assert_eq(rec.count, bcsc_test_misuse_expected(1));
  bcsc_test_misuse_uninstall();
}

Test(cleanup, shutdown_of_an_idle_executor_tears_it_down) {
  bcsc_executor_t ex;
  executor_init(&ex, 0);
  cr_assert_eq(bcsc_executor_shutdown(&ex), 0);
  executor_init(&ex, 0); /* the memory may be initialised again */
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
}

Test(cleanup, a_shutdown_that_cannot_drain_keeps_everything_in_place) {
  bcsc_executor_t ex;
  bcsc_test_leaf_t stuck, later;
  for (int with_clock = 0; with_clock < 2; with_clock++) {
    executor_init(&ex, with_clock);
    stuck_leaf_init(&stuck, 1);
    cr_assert_eq(bcsc_executor_spawn(&ex, &stuck.task), 0);
    cr_assert_eq(bcsc_executor_shutdown(&ex), BCSC_EDEADLK);
    cr_assert(stuck.cleanup_waiting);
    cr_assert_not(bcsc_task_done(&stuck.task));
    cr_assert_eq(bcsc_executor_live_roots(&ex), 1, "still initialised");
    /* Roots spawned now start cancelled: the executor is shutting down. */
    bcsc_test_leaf_init(&later, 2);
    cr_assert_eq(bcsc_executor_spawn(&ex, &later.task), 0);
    cr_assert(bcsc_task_cancelled(&later.task));
    /* What the cleanup waits for comes: the second shutdown ends. */
    cr_assert_eq(bcsc_waitq_wake_all(&g_ack, 0), 1);
    cr_assert_eq(bcsc_executor_shutdown(&ex), 0);
    cr_assert(stuck.cleaned);
    cr_assert(bcsc_task_done(&later.task));
  }
}

typedef struct inside {
  bcsc_task_t task;
  bcsc_executor_t *ex;
  int rc;
} inside_t;

static int inside_poll(bcsc_task_t *self) {
  inside_t *in = (inside_t *)self;
  in->rc = bcsc_executor_shutdown(in->ex);
  return 0;
}

Test(cleanup, shutdown_from_a_poll_function_is_refused) {
  bcsc_executor_t ex;
  inside_t in = {.ex = &ex};
  bcsc_test_misuse_t rec;
  executor_init(&ex, 0);
  cr_assert_eq(bcsc_task_init(&in.task, inside_poll, NULL), 0);
  bcsc_test_misuse_install(&rec);
  cr_assert_eq(bcsc_executor_run(&ex, &in.task), 0);
  bcsc_test_misuse_uninstall();
  cr_assert_eq(in.rc, BCSC_EBUSY);
  cr_assert_eq(rec.count, bcsc_test_misuse_expected(1));
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
}

/* ---- BCSC_CLEANUP_EXECUTOR --------------------------------------------------
 */

/* What the roots of a function's executor saw; the function's frame is
 * gone when the test looks. */
static slow_root_t g_slow;
static bcsc_test_leaf_t g_quick;

enum exit_at { BEFORE_INIT, AFTER_SPAWN, AFTER_DEINIT };

/* A host function with every return path the attribute must cover. */
static int host_function(enum exit_at at) {
  bcsc_executor_t ex BCSC_CLEANUP_EXECUTOR = {0};
  if (at == BEFORE_INIT)
    return 1; /* a zero executor: left alone */
  executor_init(&ex, 1);
  slow_root_init(&g_slow);
  bcsc_test_leaf_init(&g_quick, 1);
  g_quick.queue = &g_work;
  cr_assert_eq(bcsc_executor_spawn(&ex, &g_slow.task), 0);
  cr_assert_eq(bcsc_executor_spawn(&ex, &g_quick.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 16), 2);
  if (at == AFTER_SPAWN)
    return 2; /* an early return with two roots waiting */
  cr_assert_eq(bcsc_executor_shutdown(&ex), 0);
  return 3; /* torn down already: left alone */
}

Test(cleanup, the_executor_attribute_ends_the_tasks_on_every_return) {
  bcsc_test_misuse_t rec;
  bcsc_test_misuse_install(&rec);
  cr_assert_eq(host_function(BEFORE_INIT), 1);
  cr_assert_eq(host_function(AFTER_SPAWN), 2);
  cr_assert(g_slow.done);
  cr_assert_eq(g_slow.ended_at, T0 + 10 * BCSC_MSEC);
  cr_assert(bcsc_task_done(&g_quick.task));
  cr_assert_eq(host_function(AFTER_DEINIT), 3);
  cr_assert(bcsc_task_done(&g_slow.task));
  bcsc_test_misuse_uninstall();
  cr_assert_eq(rec.count, 0, "no path is misuse");
}

Test(cleanup, an_executor_cleanup_that_cannot_drain_is_reported) {
  static bcsc_executor_t ex; /* static: the test keeps the memory */
  static bcsc_test_leaf_t stuck;
  bcsc_test_misuse_t rec;
  executor_init(&ex, 0);
  stuck_leaf_init(&stuck, 1);
  cr_assert_eq(bcsc_executor_spawn(&ex, &stuck.task), 0);
  bcsc_test_misuse_install(&rec);
  bcsc_executor_cleanup(&ex);
  bcsc_test_misuse_uninstall();
  cr_assert_eq(rec.count, 1u);
  cr_assert_eq(
      bcsc_test_misuse_count_code(&rec, BCSC_MISUSE_EXECUTOR_LEFT_LIVE), 1u,
      "every build (D84)");
  /* Recover, so the suite ends clean. */
  cr_assert_eq(bcsc_waitq_wake_all(&g_ack, 0), 1);
  cr_assert_eq(bcsc_executor_shutdown(&ex), 0);
}

/* bcsc_executor_cleanup() on a thread that is not the executor's (checked
 * build), while the owner is inside a poll: that thread is not asked what
 * the owner is doing (it would race with it) - the shutdown refuses the
 * thread (WRONG_THREAD), the cleanup reports the tasks left linked, and
 * nothing is done to them. */
static void *cleanup_main(void *ex) {
  bcsc_executor_cleanup(ex);
  return NULL;
}

static int foreign_cleanup_poll(bcsc_task_t *self) {
  inside_t *in = (inside_t *)self;
  pthread_t thread;
  cr_assert_eq(pthread_create(&thread, NULL, cleanup_main, in->ex), 0);
  cr_assert_eq(pthread_join(thread, NULL), 0);
  in->rc = bcsc_task_cancelled(self);
  return 0;
}

Test(cleanup, an_executor_cleanup_from_another_thread_leaves_it_to_its_owner) {
  bcsc_executor_t ex;
  inside_t in = {.ex = &ex, .rc = -1};
  bcsc_test_misuse_t rec;
  if (!bcsc_is_checked_build())
    cr_skip_test("the release build does not know the executor's thread");
  executor_init(&ex, 0);
  cr_assert_eq(bcsc_task_init(&in.task, foreign_cleanup_poll, NULL), 0);
  bcsc_test_misuse_install(&rec);
  cr_assert_eq(bcsc_executor_run(&ex, &in.task), 0);
  bcsc_test_misuse_uninstall();
  cr_assert_eq(in.rc, 0, "not cancelled: nothing was done");
  cr_assert_eq(bcsc_test_misuse_count_code(&rec, BCSC_MISUSE_WRONG_THREAD), 1u);
  cr_assert_eq(
      bcsc_test_misuse_count_code(&rec, BCSC_MISUSE_EXECUTOR_LEFT_LIVE), 1u);
  cr_assert_eq(rec.count, 2u);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
}

/* bcsc_executor_cleanup() where the executor cannot run: one report that
 * the tasks stay linked (not also the refused shutdown's REENTRANT_POLL or
 * ABORT_REENTERED), in every build, and nothing done to them (D84). */
static int inside_cleanup_poll(bcsc_task_t *self) {
  inside_t *in = (inside_t *)self;
  bcsc_executor_cleanup(in->ex);
  in->rc = bcsc_task_cancelled(self);
  return 0;
}

Test(cleanup, an_executor_cleanup_from_a_poll_function_is_reported_once) {
  bcsc_executor_t ex;
  inside_t in = {.ex = &ex, .rc = -1};
  bcsc_test_misuse_t rec;
  executor_init(&ex, 0);
  cr_assert_eq(bcsc_task_init(&in.task, inside_cleanup_poll, NULL), 0);
  bcsc_test_misuse_install(&rec);
  cr_assert_eq(bcsc_executor_run(&ex, &in.task), 0);
  bcsc_test_misuse_uninstall();
  cr_assert_eq(in.rc, 0, "not cancelled: no shutdown was tried");
  cr_assert_eq(rec.count, 1u);
  cr_assert_eq(rec.codes[0], BCSC_MISUSE_EXECUTOR_LEFT_LIVE);
  cr_assert_eq(rec.objects[0], &ex);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0, "still initialised");
}

/* ---- bcsc_task_cleanup()
 * ----------------------------------------------------- */

typedef struct frame {
  slow_root_t root; /* first */
  int mine;         /* the caller's own state beside it */
} frame_t;

static void frame_cleanup(frame_t *f) { bcsc_task_cleanup(&f->root.task); }

static bcsc_executor_t g_ex;
static slow_root_t g_seen; /* a copy of the frame as it ended */

/* A block that spawns a frame of its own into an executor that outlives it,
 * and leaves with the task live. */
static void block_with_a_frame(void) {
  frame_t f __attribute__((cleanup(frame_cleanup))) = {0};
  slow_root_init(&f.root);
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &f.root.task), 0);
  cr_assert_eq(bcsc_executor_poll(&g_ex, 16), 1);
  cr_assert_not(bcsc_task_done(&f.root.task));
}

static void frame_cleanup_and_record(frame_t *f) {
  bcsc_task_cleanup(&f->root.task);
  g_seen = f->root;
}

static void block_recorded(void) {
  frame_t f __attribute__((cleanup(frame_cleanup_and_record))) = {0};
  slow_root_init(&f.root);
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &f.root.task), 0);
  cr_assert_eq(bcsc_executor_poll(&g_ex, 16), 1);
}

Test(cleanup, a_live_frame_leaving_its_block_is_cancelled_and_drained) {
  bcsc_test_misuse_t rec;
  executor_init(&g_ex, 1);
  bcsc_test_misuse_install(&rec);
  block_recorded();
  cr_assert(g_seen.done, "its cleanup ran before the block's memory went");
  cr_assert_eq(g_seen.ended_at, T0 + 10 * BCSC_MSEC);
  block_with_a_frame();
  cr_assert_eq(bcsc_executor_live_roots(&g_ex), 0);
  bcsc_test_misuse_uninstall();
  cr_assert_eq(rec.count, 0);
  cr_assert_eq(bcsc_executor_deinit(&g_ex), 0);
}

Test(cleanup, zero_idle_and_completed_frames_are_left_alone) {
  bcsc_task_t zero;
  bcsc_test_leaf_t idle, done;
  bcsc_test_misuse_t rec;
  memset(&zero, 0, sizeof zero);
  executor_init(&g_ex, 0);
  bcsc_test_leaf_init(&idle, 1);
  bcsc_test_leaf_init(&done, 2);
  cr_assert_eq(bcsc_executor_run(&g_ex, &done.task), 0);
  bcsc_test_misuse_install(&rec);
  bcsc_task_cleanup(NULL);
  bcsc_task_cleanup(&zero);
  bcsc_task_cleanup(&idle.task);
  bcsc_task_cleanup(&done.task);
  bcsc_test_misuse_uninstall();
  cr_assert_eq(rec.count, 0);
  cr_assert_eq(idle.polls, 0, "never spawned by the cleanup");
  cr_assert_eq(bcsc_task_result(&done.task), 0);
  cr_assert_eq(bcsc_executor_deinit(&g_ex), 0);
}

Test(cleanup, a_frame_that_is_not_one_is_reported_as_such) {
  bcsc_task_t junk;
  bcsc_test_misuse_t rec;
  memset(&junk, 0x5a, sizeof junk);
  bcsc_test_misuse_install(&rec);
  bcsc_task_cleanup(&junk);
  bcsc_test_misuse_uninstall();
  cr_assert_eq(rec.count, bcsc_test_misuse_expected(1));
  cr_assert_eq(bcsc_test_misuse_count_code(&rec, BCSC_MISUSE_BAD_OBJECT),
               bcsc_test_misuse_expected(1));
}

Test(cleanup, a_frame_that_cannot_end_is_reported_left_live) {
  static bcsc_test_leaf_t stuck; /* static: the test keeps the memory */
  bcsc_test_misuse_t rec;
  executor_init(&g_ex, 0);
  stuck_leaf_init(&stuck, 1);
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &stuck.task), 0);
  bcsc_test_misuse_install(&rec);
  bcsc_task_cleanup(&stuck.task); /* no reactor: nothing fires g_ack */
  bcsc_test_misuse_uninstall();
  cr_assert(bcsc_task_cancelled(&stuck.task));
  cr_assert(stuck.cleanup_waiting);
  cr_assert_eq(rec.count, 1u);
  cr_assert_eq(bcsc_test_misuse_count_code(&rec, BCSC_MISUSE_FRAME_LEFT_LIVE),
               1u, "every build (D84)");
  cr_assert_eq(bcsc_waitq_wake_all(&g_ack, 0), 1);
  cr_assert_eq(bcsc_executor_run(&g_ex, NULL), 0);
  cr_assert_eq(bcsc_executor_deinit(&g_ex), 0);
}

typedef struct cleaner {
  bcsc_task_t task;
  bcsc_task_t *victim;
} cleaner_t;

static int cleaner_poll(bcsc_task_t *self) {
  cleaner_t *c = (cleaner_t *)self;
  bcsc_task_cleanup(c->victim);
  return 0;
}

Test(cleanup, a_cleanup_from_a_poll_function_cannot_run_the_executor) {
  static bcsc_test_leaf_t victim;
  cleaner_t c = {0};
  bcsc_test_misuse_t rec;
  executor_init(&g_ex, 0);
  bcsc_test_leaf_init(&victim, 1);
  victim.queue = &g_work;
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &victim.task), 0);
  cr_assert_eq(bcsc_task_init(&c.task, cleaner_poll, NULL), 0);
  c.victim = &victim.task;
  bcsc_test_misuse_install(&rec);
  cr_assert_eq(bcsc_executor_run(&g_ex, &c.task), 0);
  bcsc_test_misuse_uninstall();
  cr_assert_eq(bcsc_test_misuse_count_code(&rec, BCSC_MISUSE_FRAME_LEFT_LIVE),
               1u, "every build (D84)");
  cr_assert_eq(rec.count, 1u);
  cr_assert_not(bcsc_task_cancelled(&victim.task), "nothing was done to it");
  cr_assert_eq(bcsc_executor_shutdown(&g_ex), 0);
  cr_assert(victim.saw_cancel);
}

Test(cleanup,
     an_executor_cleanup_leaves_null_alone_and_reports_a_non_executor) {
  bcsc_executor_t junk;
  bcsc_test_misuse_t rec;
  memset(&junk, 0x5a, sizeof junk);
  bcsc_test_misuse_install(&rec);
  bcsc_executor_cleanup(NULL);
  cr_assert_eq(rec.count, 0);
  bcsc_executor_cleanup(&junk);
  bcsc_test_misuse_uninstall();
  /* Reported once, as what it is - not also as an executor left busy. */
  cr_assert_eq(rec.count, bcsc_test_misuse_expected(1));
  cr_assert_eq(bcsc_test_misuse_count_code(&rec, BCSC_MISUSE_BAD_OBJECT),
               bcsc_test_misuse_expected(1));
}

/* An owner that cancels its own scope at once; the scope's drain grace
 * report tries to end the stuck child with bcsc_task_cleanup(). */
typedef struct graced {
  bcsc_task_t task;
  bcsc_scope_t scope;
  bcsc_drain_grace_t grace;
  bcsc_test_leaf_t *child;
  int opened;
  int reports;
} graced_t;

static void report_cleans_up(void *context, bcsc_scope_t *scope,
                             bcsc_task_t *child) {
  graced_t *g = context;
  (void)scope;
  g->reports++;
  bcsc_task_cleanup(child); /* from the timer processing: cannot run */
}

static int graced_poll(bcsc_task_t *self) {
  graced_t *g = (graced_t *)self;
  if (!g->opened) {
    g->opened = 1;
    cr_assert_eq(bcsc_scope_init(&g->scope, self, BCSC_SCOPE_FAIL_FAST), 0);
    cr_assert_eq(bcsc_drain_grace_init(&g->grace), 0);
    cr_assert_eq(bcsc_scope_set_drain_grace(
                     &g->scope, &g->grace, 10 * BCSC_MSEC, report_cleans_up, g),
                 0);
    cr_assert_eq(bcsc_scope_spawn(&g->scope, &g->child->task), 0);
    cr_assert_eq(bcsc_scope_cancel(&g->scope), 0);
  }
  return bcsc_scope_join(&g->scope);
}

Test(cleanup, a_task_cleanup_from_a_grace_report_cannot_run_the_executor) {
  static bcsc_test_leaf_t stuck;
  graced_t g = {0};
  bcsc_test_misuse_t rec;
  executor_init(&g_ex, 1);
  stuck_leaf_init(&stuck, 1);
  g.child = &stuck;
  cr_assert_eq(bcsc_task_init(&g.task, graced_poll, NULL), 0);
  bcsc_test_misuse_install(&rec);
  /* Nothing fires g_ack: the run ends once only that could end it. */
  cr_assert_eq(bcsc_executor_run(&g_ex, &g.task), BCSC_EDEADLK);
  bcsc_test_misuse_uninstall();
  cr_assert_eq(g.reports, 1);
  cr_assert_eq(bcsc_test_misuse_count_code(&rec, BCSC_MISUSE_FRAME_LEFT_LIVE),
               1u, "every build (D84)");
  cr_assert_eq(rec.count, 1u);
  cr_assert(stuck.cleanup_waiting, "left as it was");
  cr_assert_eq(bcsc_waitq_wake_all(&g_ack, 0), 1);
  cr_assert_eq(bcsc_executor_run(&g_ex, &g.task), BCSC_ECANCELED,
               "the join of a cancelled scope");
  cr_assert(stuck.cleaned);
  cr_assert_eq(bcsc_executor_deinit(&g_ex), 0);
}

/* A completion source's abort function that, asked to let go of a task's
 * operation, tries to end the task with bcsc_task_cleanup() (its frame is
 * about to go). The executor cannot run from there (D76): one report,
 * FRAME_LEFT_LIVE - not also ABORT_REENTERED from a run it tried. */
typedef struct holder {
  bcsc_task_t task;
  bcsc_wait_t wait;
  int aborts;
} holder_t;

static int abort_cleans_up(void *context, bcsc_wait_t *wait) {
  holder_t *h = context;
  (void)wait;
  h->aborts++;
  bcsc_task_cleanup(&h->task);
  return 0; /* let go */
}

static int abort_cleans_up_executor(void *context, bcsc_wait_t *wait) {
  holder_t *h = context;
  (void)wait;
  h->aborts++;
  bcsc_executor_cleanup(&g_ex);
  return 0; /* let go */
}

static int holder_poll(bcsc_task_t *self) {
  holder_t *h = (holder_t *)self;
  return bcsc_wait_on(self, &h->wait, &g_work);
}

/* A task holding a node on g_work, whose abort function is `abort`,
 * cancelled from the host (not inside a poll): `abort` is asked once, and
 * the reports made meanwhile are left in `rec`. Then the cancellation goes
 * on: the wait answers it and g_ex is torn down. */
static void cancel_a_holder(bcsc_abort_fn abort, bcsc_test_misuse_t *rec) {
  holder_t h = {0};
  executor_init(&g_ex, 0);
  cr_assert_eq(bcsc_waitq_set_abort(&g_work, abort, &h), 0);
  cr_assert_eq(bcsc_task_init(&h.task, holder_poll, NULL), 0);
  cr_assert_eq(bcsc_wait_init(&h.wait), 0);
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &h.task), 0);
  cr_assert_eq(bcsc_executor_poll(&g_ex, 10), 1);
  bcsc_test_misuse_install(rec);
  cr_assert_eq(bcsc_task_cancel(&h.task), 0);
  bcsc_test_misuse_uninstall();
  cr_assert_eq(h.aborts, 1);
  cr_assert_eq(bcsc_executor_run(&g_ex, &h.task), BCSC_ECANCELED,
               "its wait answers the cancellation");
  cr_assert_eq(bcsc_waitq_set_abort(&g_work, NULL, NULL), 0);
  cr_assert_eq(bcsc_executor_deinit(&g_ex), 0);
}

Test(cleanup, a_task_cleanup_from_an_abort_function_is_reported_once) {
  bcsc_test_misuse_t rec;
  cancel_a_holder(abort_cleans_up, &rec);
  cr_assert_eq(bcsc_test_misuse_count_code(&rec, BCSC_MISUSE_FRAME_LEFT_LIVE),
               1u, "every build (D84)");
  cr_assert_eq(rec.count, 1u);
}

/* The executor's cleanup there: no shutdown tried (ABORT_REENTERED), one
 * report that its tasks stay linked (D84). */
Test(cleanup, an_executor_cleanup_from_an_abort_function_is_reported_once) {
  bcsc_test_misuse_t rec;
  cancel_a_holder(abort_cleans_up_executor, &rec);
  cr_assert_eq(rec.count, 1u);
  cr_assert_eq(rec.codes[0], BCSC_MISUSE_EXECUTOR_LEFT_LIVE);
  cr_assert_eq(rec.objects[0], &g_ex);
}
