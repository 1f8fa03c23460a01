/* SPDX-License-Identifier: MIT
 * test_coverage_paths.c - the rare turns of the executor driven through
 * EACH of its entry points (found with the coverage lane's report).
 *
 * The turn (run_one() in executor.c) and the wake paths of wait.c are
 * inlined at several call sites: bcsc_executor_run() with a root, without
 * one, bcsc_executor_poll() (and bcsc_executor_run_once(), which polls one
 * turn). gcov counts each inlined copy's branches on its own, so a rare
 * situation tested through one entry point leaves the other copies' branch
 * untaken. Each scenario here runs once per entry point (enum mode):
 *  - a poll function returning a value above BCSC_PENDING (BAD_ARGUMENT,
 *    the task's result is BCSC_EINVAL);
 *  - a task woken during its own poll (a yield, a wake of its own
 *    registration on a plain or a hand-off list) that returns PENDING (it
 *    runs again) or a result (the wake is dropped; a baton is passed on);
 *  - a task returning with a registration still linked (plain and hand-off);
 *  - a task returning PENDING with nothing to wake it (PENDING_NO_WAKE),
 *    cancelled afterwards;
 *  - a value waker: woken from outside (the loop drains the inbox), and
 *    held by a task that returns (its slot is released);
 *  - an owner that returns with a live child (it drains);
 *  - a frame on the run queue, or a scope it hangs from, clobbered (the
 *    turn refuses it with FRAME_CLOBBERED; with the bytes back it runs).
 * Each asserts the results, poll counts and misuse reports.
 *
 * Every test ends with bcsc_executor_deinit() returning 0. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include <bcsc.h>

#include "bcsc_stepped.h"
#include "bcsc_test.h"
#include "inbox.h"
#include "internal.h"

TestSuite(coverage_paths, .init = ct_record_misuse);

static void need_canaries(void) {
  if (!bcsc_is_checked_build())
    cr_skip_test("the release build has no canaries");
}

/* ---- the entry points ---------------------------------------------------- */

enum mode { M_RUN_ROOT, M_RUN_NULL, M_POLL, M_ONCE, M_COUNT };

/* Drive the executor until no root task is live (or the loop gives up):
 * through `mode`'s entry point, `root` being the task run() waits for in
 * M_RUN_ROOT (spawned there if idle; the others spawn it if it is idle).
 * Returns what the entry point last returned (run: its result; poll and
 * run_once: 0 once nothing is left, or their error). */
static int drive(int mode, ct_t *root) {
  int rc = 0;
  if (mode == M_RUN_ROOT)
    return bcsc_executor_run(&ct_ex, &root->task);
  if (root != NULL && !bcsc_task_done(&root->task) &&
      bcsc_executor_live_roots(&ct_ex) == 0)
    cr_assert_eq(bcsc_executor_spawn(&ct_ex, &root->task), 0);
  if (mode == M_RUN_NULL)
    return bcsc_executor_run(&ct_ex, NULL);
  for (int i = 0; i < 1000; i++) {
    if (mode == M_POLL) {
      rc = bcsc_executor_poll(&ct_ex, 2);
    } else {
      bcsc_task_t *t = (bcsc_task_t *)&rc; /* overwritten */
      rc = bcsc_executor_run_once(&ct_ex, &t);
      cr_assert(rc != 1 || t != NULL);
      cr_assert(rc != 0 || t == NULL);
    }
    if (rc < 0)
      return rc;
    if (rc == 0)
      return 0;
  }
  cr_assert_fail("the executor never ran out of ready tasks");
  return -1;
}

/* What drive() returns for a root whose result is `result` in `mode`. */
static int ended(int mode, int result) {
  return mode == M_RUN_ROOT ? result : 0;
}

/* ---- a bad poll result ----------------------------------------------------
 */

static int step_bad_result(ct_t *c) {
  (void)c;
  return 7; /* neither a result (<= 0) nor BCSC_PENDING */
}

Test(coverage_paths, bad_poll_result_each_entry) {
  for (int mode = 0; mode < M_COUNT; mode++) {
    ct_t a;
    ct_up(NULL);
    ct_init(&a, step_bad_result);
    cr_assert_eq(drive(mode, &a), ended(mode, BCSC_EINVAL), "mode %d", mode);
    cr_assert(bcsc_task_done(&a.task));
    cr_assert_eq(bcsc_task_result(&a.task), BCSC_EINVAL);
    cr_assert_eq(a.polls, 1);
    cr_assert_eq(ct_reports(BCSC_MISUSE_BAD_ARGUMENT),
                 bcsc_test_misuse_expected(1));
    ct_down();
  }
}

/* ---- woken during its own poll ---------------------------------------- */

/* Yields, then returns a result in the same poll: the wake is dropped. */
static int step_yield_then_return(ct_t *c) {
  c->rc[0] = bcsc_task_yield(&c->task);
  return BCSC_TEST_E1;
}

Test(coverage_paths, yield_then_return_each_entry) {
  for (int mode = 0; mode < M_COUNT; mode++) {
    ct_t a;
    ct_up(NULL);
    ct_init(&a, step_yield_then_return);
    cr_assert_eq(drive(mode, &a), ended(mode, BCSC_TEST_E1), "mode %d", mode);
    cr_assert_eq(a.rc[0], BCSC_PENDING);
    cr_assert_eq(a.polls, 1);
    cr_assert_eq(bcsc_task_result(&a.task), BCSC_TEST_E1);
    cr_assert_eq(ct_misuse.count, 0);
    ct_down();
  }
}

/* Registers on its list, wakes that list itself (the wake finds it
 * running), returns PENDING: it runs again and finds its registration
 * fired (a baton on a hand-off list). */
static int step_self_wake(ct_t *c) {
  if (c->polls == 1) {
    c->rc[0] = bcsc_wait_on(&c->task, &c->w, c->q);
    c->rc[1] = bcsc_waitq_wake_one(c->q, 5);
    return BCSC_PENDING;
  }
  c->rc[2] = bcsc_wait_on(&c->task, &c->w, c->q);
  return 0;
}

/* The same, but it returns a result in the poll that woke itself. */
static int step_self_wake_return(ct_t *c) {
  c->rc[0] = bcsc_wait_on(&c->task, &c->w, c->q);
  c->rc[1] = bcsc_waitq_wake_one(c->q, 5);
  return BCSC_TEST_E2;
}

Test(coverage_paths, woken_in_own_poll_each_entry) {
  for (int handoff = 0; handoff < 2; handoff++) {
    for (int mode = 0; mode < M_COUNT; mode++) {
      ct_t a, b;
      bcsc_waitq_t q;
      ct_up(NULL);
      cr_assert_eq(bcsc_waitq_init(&q), 0);
      cr_assert_eq(bcsc_waitq_set_handoff(&q, handoff), 0);
      ct_init(&a, step_self_wake);
      a.q = &q;
      cr_assert_eq(drive(mode, &a), ended(mode, 0), "mode %d", mode);
      cr_assert_eq(a.polls, 2);
      cr_assert_eq(a.rc[0], BCSC_PENDING);
      cr_assert_eq(a.rc[1], 1);
      cr_assert_eq(a.rc[2], 0, "handoff %d mode %d: %d", handoff, mode,
                   a.rc[2]);
      cr_assert_eq(bcsc_task_result(&a.task), 0);

      ct_init(&b, step_self_wake_return);
      b.q = &q;
      cr_assert_eq(drive(mode, &b), ended(mode, BCSC_TEST_E2), "mode %d", mode);
      cr_assert_eq(b.polls, 1);
      cr_assert_eq(b.rc[0], BCSC_PENDING);
      cr_assert_eq(b.rc[1], 1);
      cr_assert_eq(bcsc_task_result(&b.task), BCSC_TEST_E2);
      cr_assert(bcsc_waitq_empty(&q));
      cr_assert_eq(bcsc_waitq_deinit(&q), 0); /* no baton left out */
      cr_assert_eq(ct_misuse.count, 0);
      ct_down();
    }
  }
}

/* ---- a baton passed on by a task that returns ------------------------ */

/* First in line: waits, then returns without taking the baton the second
 * one fired at it. */
static int step_first_in_line(ct_t *c) {
  if (c->polls == 1) {
    c->rc[0] = bcsc_wait_on(&c->task, &c->w, c->q);
    return BCSC_PENDING;
  }
  return BCSC_TEST_E3;
}

/* Second in line: waits, wakes the first; later takes the baton passed on. */
static int step_second_in_line(ct_t *c) {
  if (c->polls == 1) {
    c->rc[0] = bcsc_wait_on(&c->task, &c->w, c->q);
    c->rc[1] = bcsc_waitq_wake_one(c->q, 9);
    return BCSC_PENDING;
  }
  c->rc[2] = bcsc_wait_on(&c->task, &c->w, c->q);
  return c->rc[2];
}

Test(coverage_paths, baton_passed_by_returning_task_each_entry) {
  for (int mode = 0; mode < M_COUNT; mode++) {
    ct_t a, b;
    bcsc_waitq_t q;
    ct_up(NULL);
    cr_assert_eq(bcsc_waitq_init(&q), 0);
    cr_assert_eq(bcsc_waitq_set_handoff(&q, 1), 0);
    ct_init(&a, step_first_in_line);
    ct_init(&b, step_second_in_line);
    a.q = b.q = &q;
    cr_assert_eq(bcsc_executor_spawn(&ct_ex, &a.task), 0);
    cr_assert_eq(bcsc_executor_spawn(&ct_ex, &b.task), 0);
    cr_assert_eq(drive(mode, &b), ended(mode, 0), "mode %d", mode);
    cr_assert(bcsc_task_done(&a.task));
    cr_assert_eq(bcsc_task_result(&a.task), BCSC_TEST_E3);
    cr_assert_eq(a.polls, 2);
    cr_assert_eq(b.polls, 2);
    cr_assert_eq(b.rc[1], 1);
    cr_assert_eq(b.rc[2], 0); /* the baton came to it */
    cr_assert_eq(bcsc_task_result(&b.task), 0);
    cr_assert_eq(bcsc_waitq_deinit(&q), 0);
    cr_assert_eq(ct_misuse.count, 0);
    ct_down();
  }
}

/* ---- returning with a registration linked ----------------------------- */

static int step_return_linked(ct_t *c) {
  c->rc[0] = bcsc_wait_on(&c->task, &c->w, c->q);
  c->rc[1] = bcsc_wait_linked(&c->w);
  return BCSC_TEST_E4;
}

Test(coverage_paths, return_with_registration_linked_each_entry) {
  for (int handoff = 0; handoff < 2; handoff++) {
    for (int mode = 0; mode < M_COUNT; mode++) {
      ct_t a;
      bcsc_waitq_t q;
      ct_up(NULL);
      cr_assert_eq(bcsc_waitq_init(&q), 0);
      cr_assert_eq(bcsc_waitq_set_handoff(&q, handoff), 0);
      ct_init(&a, step_return_linked);
      a.q = &q;
      cr_assert_eq(drive(mode, &a), ended(mode, BCSC_TEST_E4), "mode %d", mode);
      cr_assert_eq(a.rc[0], BCSC_PENDING);
      cr_assert_eq(a.rc[1], 1);
      cr_assert_eq(bcsc_wait_linked(&a.w), 0); /* unlinked at the return */
      cr_assert(bcsc_waitq_empty(&q));
      cr_assert_eq(bcsc_waitq_deinit(&q), 0);
      ct_down();
    }
  }
}

/* ---- PENDING with nothing to wake it --------------------------------- */

static int step_pending_no_wake(ct_t *c) {
  if (bcsc_task_cancelled(&c->task))
    return BCSC_ECANCELED;
  return BCSC_PENDING;
}

Test(coverage_paths, pending_without_wake_each_entry) {
  for (int mode = 0; mode < M_COUNT; mode++) {
    ct_t a;
    int rc;
    ct_up(NULL);
    ct_init(&a, step_pending_no_wake);
    rc = drive(mode, &a);
    /* run() finds nothing ready and nothing to wait for; poll and
     * run_once have simply run out of ready tasks. */
    cr_assert_eq(rc, mode <= M_RUN_NULL ? BCSC_EDEADLK : 0, "mode %d: %d", mode,
                 rc);
    cr_assert_eq(a.polls, 1);
    cr_assert_not(bcsc_task_done(&a.task));
    cr_assert_eq(ct_reports(BCSC_MISUSE_PENDING_NO_WAKE),
                 bcsc_test_misuse_expected(1));
    cr_assert_eq(bcsc_task_cancel(&a.task), 0);
    cr_assert_eq(drive(mode, &a), ended(mode, BCSC_ECANCELED), "mode %d", mode);
    cr_assert_eq(a.polls, 2);
    cr_assert_eq(bcsc_task_result(&a.task), BCSC_ECANCELED);
    ct_down();
  }
}

/* ---- value wakers ----------------------------------------------------- */

/* Takes a waker and waits for it; woken, returns holding it. */
static int step_value_waiter(ct_t *c) {
  if (c->polls == 1) {
    c->rc[0] = bcsc_task_waker(&c->task, &c->waker);
    return BCSC_PENDING;
  }
  c->rc[1] = bcsc_task_waker_woken(&c->task);
  return BCSC_TEST_E5;
}

Test(coverage_paths, value_wake_from_outside_each_entry) {
  for (int mode = 0; mode < M_COUNT; mode++) {
    ct_t a;
    ct_up(NULL);
    ct_init(&a, step_value_waiter);
    cr_assert_eq(bcsc_executor_spawn(&ct_ex, &a.task), 0);
    cr_assert_eq(bcsc_executor_poll(&ct_ex, 8), 1);
    cr_assert_eq(a.rc[0], 0);
    cr_assert_eq(bcsc_executor_ready(&ct_ex), 0);
    /* From outside the executor: into its inbox, drained by the loop. */
    cr_assert_eq(bcsc_waker_wake(a.waker), 0);
    cr_assert_eq(drive(mode, &a), ended(mode, BCSC_TEST_E5), "mode %d", mode);
    cr_assert_eq(a.polls, 2);
    cr_assert_eq(a.rc[1], 1);
    cr_assert_eq(bcsc_task_result(&a.task), BCSC_TEST_E5);
    /* Its slot was released when it returned: a wake through the stale
     * waker reaches no task (nothing is ready, nothing runs). */
    cr_assert_eq(bcsc_waker_wake(a.waker), 0);
    cr_assert_eq(bcsc_executor_poll(&ct_ex, 8), 0);
    cr_assert_eq(a.polls, 2);
    cr_assert_eq(ct_misuse.count, 0);
    ct_down();
  }
}

/* ---- an owner that returns with a live child (it drains) ------------- */

static int step_child_waits(ct_t *c) {
  if (bcsc_task_cancelled(&c->task))
    return BCSC_ECANCELED;
  c->rc[0] = bcsc_wait_on(&c->task, &c->w, c->q);
  return c->rc[0];
}

static int step_owner_leaves(ct_t *c) {
  if (c->polls == 1) {
    cr_assert_eq(bcsc_scope_init(&c->scope, &c->task, BCSC_SCOPE_WAIT_ALL), 0);
    cr_assert_eq(bcsc_scope_spawn(&c->scope, &c->other->task), 0);
    c->rc[0] = bcsc_task_yield(&c->task); /* the child waits first */
    return c->rc[0];
  }
  c->rc[1] = (int)bcsc_scope_live(&c->scope);
  return 0; /* with the child still live: bcsc cancels and drains it */
}

Test(coverage_paths, draining_owner_each_entry) {
  for (int mode = 0; mode < M_COUNT; mode++) {
    ct_t owner, child;
    bcsc_waitq_t q;
    ct_up(NULL);
    cr_assert_eq(bcsc_waitq_init(&q), 0);
    ct_init(&owner, step_owner_leaves);
    ct_init(&child, step_child_waits);
    child.q = &q;
    owner.other = &child;
    owner.step = step_owner_leaves;
    cr_assert_eq(drive(mode, &owner), ended(mode, 0), "mode %d", mode);
    cr_assert(bcsc_task_done(&owner.task));
    cr_assert(bcsc_task_done(&child.task));
    cr_assert_eq(bcsc_task_result(&child.task), BCSC_ECANCELED);
    cr_assert_eq(bcsc_task_result(&owner.task), 0);
    cr_assert_eq(child.rc[0], BCSC_PENDING);
    cr_assert_eq(owner.rc[1], 1);
    cr_assert(bcsc_waitq_empty(&q));
    cr_assert_eq(bcsc_waitq_deinit(&q), 0);
    ct_down();
  }
}

/* ---- a timer registration among others --------------------------------
 * A task sleeping on a timer while it also waits on a list: every path that
 * unlinks its registrations meets a timer's node (the other kind) - woken
 * while waiting (by another task), woken during its own poll (by itself),
 * and returning with both linked. Each with the timer's node first and
 * second in the task's list. */

#define LONG_SLEEP 1000000000u /* never reached in these tests */

static int link_both(ct_t *c) {
  int rc0, rc1;
  if (c->order == 0) {
    rc0 = bcsc_sleep_for(&c->task, &c->timer, LONG_SLEEP);
    rc1 = bcsc_wait_on(&c->task, &c->w, c->q);
  } else {
    rc1 = bcsc_wait_on(&c->task, &c->w, c->q);
    rc0 = bcsc_sleep_for(&c->task, &c->timer, LONG_SLEEP);
  }
  c->rc[0] = rc0;
  c->rc[1] = rc1;
  return rc0 == BCSC_PENDING && rc1 == BCSC_PENDING;
}

/* kind 0: waits for another task's wake; 1: wakes itself; 2: returns. */
static int step_timer_and_list(ct_t *c) {
  if (c->polls == 1) {
    cr_assert(link_both(c));
    if (c->other != NULL) /* kind 1 marks itself with other == self */
      c->rc[2] = bcsc_waitq_wake_one(c->q, 3);
    return c->rc[3] == 2 ? BCSC_TEST_E1 : BCSC_PENDING;
  }
  c->rc[2] = bcsc_timer_linked(&c->timer);
  return c->rc[2] == 0 ? 0 : -1;
}

static int step_waker(ct_t *c) {
  c->rc[0] = bcsc_waitq_wake_one(c->q, 4);
  return 0;
}

Test(coverage_paths, timer_and_list_unlinked_each_entry) {
  for (int kind = 0; kind < 3; kind++) {
    for (int order = 0; order < 2; order++) {
      for (int mode = 0; mode < M_COUNT; mode++) {
        ct_t a, b;
        bcsc_waitq_t q;
        int want = kind == 2 ? BCSC_TEST_E1 : 0;
        ct_up_sim();
        cr_assert_eq(bcsc_waitq_init(&q), 0);
        ct_init(&a, step_timer_and_list);
        a.q = &q;
        a.order = order;
        a.rc[3] = kind;
        if (kind == 1)
          a.other = &a;
        cr_assert_eq(bcsc_executor_spawn(&ct_ex, &a.task), 0);
        if (kind == 0) {
          ct_init(&b, step_waker);
          b.q = &q;
          cr_assert_eq(bcsc_executor_spawn(&ct_ex, &b.task), 0);
        }
        cr_assert_eq(drive(mode, &a), ended(mode, want),
                     "kind %d order %d mode %d", kind, order, mode);
        cr_assert_eq(bcsc_task_result(&a.task), want);
        cr_assert_eq(a.polls, kind == 2 ? 1 : 2);
        if (kind == 0)
          cr_assert_eq(b.rc[0], 1);
        if (kind == 1)
          cr_assert_eq(a.rc[2], 0); /* the timer was unlinked at the wake */
        cr_assert_eq(bcsc_timer_linked(&a.timer), 0);
        cr_assert(bcsc_waitq_empty(&q));
        cr_assert_eq(bcsc_waitq_deinit(&q), 0);
        /* Nobody slept: the simulated clock never moved. */
        cr_assert_eq(bcsc_sim_reactor_now(&ct_sim), 1000);
        cr_assert_eq(ct_misuse.count, 0);
        ct_down();
      }
    }
  }
}

/* ---- a clobbered frame at the head of the run queue --------------------
 * An owner (with a scope and a child) is queued behind its child; the
 * child's poll overwrites one field of the owner's frame, of the scope it
 * hangs from, or of the scope it owns: the entry point's turn finds it at
 * the head of the run queue, reports FRAME_CLOBBERED and returns
 * BCSC_EBADOBJ, leaving it there. With the field back, the same entry
 * point runs it to completion. */

enum clobber {
  CL_TASK_MAGIC,
  CL_TASK_TAG,
  CL_TASK_STATE,
  CL_SCOPE_MAGIC,
  CL_SCOPE_TAG,
  CL_OWNED_MAGIC,
  CL_OWNED_TAG,
  CL_COUNT
};

static int g_clobber;

static void flip(ct_t *owner) {
  switch (g_clobber) {
  case CL_TASK_MAGIC:
    owner->task.priv.magic ^= 0x0100;
    break;
  case CL_TASK_TAG:
    owner->task.priv.self_tag ^= 0x0010;
    break;
  case CL_TASK_STATE: /* not QUEUED any more, yet on the run queue */
    owner->task.priv.state ^= 0x0003;
    break;
  case CL_SCOPE_MAGIC:
    ct_ex.priv.root.priv.magic ^= 0x0100;
    break;
  case CL_SCOPE_TAG:
    ct_ex.priv.root.priv.self_tag ^= 0x0010;
    break;
  case CL_OWNED_MAGIC:
    owner->scope.priv.magic ^= 0x0100;
    break;
  default:
    owner->scope.priv.self_tag ^= 0x0010;
    break;
  }
}

static int step_clobbering_child(ct_t *c) {
  if (c->polls == 1) {
    flip(c->other);
    return bcsc_task_yield(&c->task);
  }
  return 0;
}

static int step_joining_owner(ct_t *c) {
  if (c->polls == 1) {
    cr_assert_eq(bcsc_scope_init(&c->scope, &c->task, BCSC_SCOPE_WAIT_ALL), 0);
    cr_assert_eq(bcsc_scope_spawn(&c->scope, &c->other->task), 0);
    return bcsc_task_yield(&c->task);
  }
  return bcsc_scope_join(&c->scope);
}

Test(coverage_paths, clobbered_head_of_run_queue_each_entry) {
  need_canaries();
  for (g_clobber = 0; g_clobber < CL_COUNT; g_clobber++) {
    for (int mode = 0; mode < M_COUNT; mode++) {
      ct_t owner, child;
      int rc;
      ct_up(NULL);
      ct_init(&owner, step_joining_owner);
      ct_init(&child, step_clobbering_child);
      owner.other = &child;
      child.other = &owner;
      rc = drive(mode, &owner);
      cr_assert_eq(rc, BCSC_EBADOBJ, "clobber %d mode %d: %d", g_clobber, mode,
                   rc);
      cr_assert_eq(ct_reports(BCSC_MISUSE_FRAME_CLOBBERED), 1);
      cr_assert_eq(owner.polls, 1); /* refused, not polled */
      cr_assert_eq(child.polls, 1);
      flip(&owner); /* the same bytes back */
      cr_assert_eq(drive(mode, &owner), ended(mode, 0), "mode %d", mode);
      cr_assert_eq(owner.polls, 3);
      cr_assert_eq(child.polls, 2);
      cr_assert_eq(bcsc_task_result(&owner.task), 0);
      cr_assert_eq(bcsc_task_result(&child.task), 0);
      cr_assert_eq(ct_reports(BCSC_MISUSE_FRAME_CLOBBERED), 1);
      ct_down();
    }
  }
}

/* ---- a clobbered waiter met by a wake ----------------------------------
 * A task waits on a list (plain or hand-off); one field of its
 * registration, its frame or the scope it hangs from is overwritten; the
 * wake refuses (FRAME_CLOBBERED, BCSC_EBADOBJ) and leaves it linked. With
 * the field back the wake reaches it. */

enum wclobber {
  WC_WAIT_MAGIC,
  WC_WAIT_TAG,
  WC_TASK_MAGIC,
  WC_TASK_TAG,
  WC_SCOPE_MAGIC,
  WC_SCOPE_TAG,
  WC_COUNT
};

static void wflip(ct_t *c, int which) {
  switch (which) {
  case WC_WAIT_MAGIC:
    c->w.priv.magic ^= 0x0100;
    break;
  case WC_WAIT_TAG:
    c->w.priv.self_tag ^= 0x0010;
    break;
  case WC_TASK_MAGIC:
    c->task.priv.magic ^= 0x0100;
    break;
  case WC_TASK_TAG:
    c->task.priv.self_tag ^= 0x0010;
    break;
  case WC_SCOPE_MAGIC:
    ct_ex.priv.root.priv.magic ^= 0x0100;
    break;
  default:
    ct_ex.priv.root.priv.self_tag ^= 0x0010;
    break;
  }
}

static int step_wait_once(ct_t *c) {
  c->rc[c->polls > 1] = bcsc_wait_on(&c->task, &c->w, c->q);
  return c->rc[c->polls > 1];
}

Test(coverage_paths, clobbered_waiter_met_by_wake) {
  need_canaries();
  for (int handoff = 0; handoff < 2; handoff++) {
    ct_t a;
    bcsc_waitq_t q;
    ct_up(NULL);
    cr_assert_eq(bcsc_waitq_init(&q), 0);
    cr_assert_eq(bcsc_waitq_set_handoff(&q, handoff), 0);
    ct_init(&a, step_wait_once);
    a.q = &q;
    cr_assert_eq(bcsc_executor_spawn(&ct_ex, &a.task), 0);
    cr_assert_eq(bcsc_executor_poll(&ct_ex, 8), 1);
    cr_assert_eq(a.rc[0], BCSC_PENDING);
    for (int which = 0; which < WC_COUNT; which++) {
      wflip(&a, which);
      cr_assert_eq(bcsc_waitq_wake_one(&q, 1), BCSC_EBADOBJ,
                   "handoff %d field %d", handoff, which);
      wflip(&a, which);
      cr_assert_eq(ct_reports(BCSC_MISUSE_FRAME_CLOBBERED),
                   (uint32_t)which + 1);
      cr_assert(bcsc_wait_linked(&a.w));
      cr_assert_eq(bcsc_executor_ready(&ct_ex), 0);
    }
    cr_assert_eq(bcsc_waitq_wake_one(&q, 1), 1);
    cr_assert_eq(bcsc_executor_run(&ct_ex, NULL), 0);
    cr_assert_eq(a.polls, 2);
    cr_assert_eq(a.rc[1], 0);
    cr_assert_eq(bcsc_waitq_deinit(&q), 0);
    ct_down();
  }
}

/* ---- moved (re-tagged) objects met by a cancel, a wake, a timer --------
 * Each flips the address tag of one object - what a frame moved while
 * linked carries - in front of the call that meets it first, checks the
 * report and the refusal, flips it back and finishes cleanly. The magic
 * numbers stay right: these are the "moved" halves of the canary checks
 * (the "overwritten" halves mostly have their tests in
 * test_coverage_clobber.c; the cancel and unjoin tests here flip the magic
 * number as well, for the checks no suite overwrote). */

/* A root that waits on a list until cancelled. */
static int step_wait_until_cancelled(ct_t *c) {
  if (bcsc_task_cancelled(&c->task))
    return BCSC_ECANCELED;
  c->rc[0] = bcsc_wait_on(&c->task, &c->w, c->q);
  return c->rc[0];
}

/* The field a test flips: the address tag (a move) or the magic number
 * (an overwrite). */
static void flip_scope(bcsc_scope_t *s, int magic) {
  if (magic)
    s->priv.magic ^= 0x0100;
  else
    s->priv.self_tag ^= 0x0010;
}

Test(coverage_paths, cancel_meets_moved_root_scope) {
  need_canaries();
  for (int magic = 0; magic < 2; magic++) {
    ct_t a;
    bcsc_waitq_t q;
    ct_up(NULL);
    cr_assert_eq(bcsc_waitq_init(&q), 0);
    ct_init(&a, step_wait_until_cancelled);
    a.q = &q;
    cr_assert_eq(bcsc_executor_spawn(&ct_ex, &a.task), 0);
    cr_assert_eq(bcsc_executor_poll(&ct_ex, 8), 1);
    flip_scope(&ct_ex.priv.root, magic);
    cr_assert_eq(bcsc_task_cancel(&a.task), BCSC_EBADOBJ);
    flip_scope(&ct_ex.priv.root, magic);
    cr_assert_eq(ct_reports(BCSC_MISUSE_FRAME_CLOBBERED), 1);
    cr_assert_not(bcsc_task_cancelled(&a.task));
    cr_assert_eq(bcsc_task_cancel(&a.task), 0);
    cr_assert_eq(bcsc_executor_run(&ct_ex, NULL), 0);
    cr_assert_eq(bcsc_task_result(&a.task), BCSC_ECANCELED);
    cr_assert_eq(bcsc_waitq_deinit(&q), 0);
    ct_down();
  }
}

/* An owner of a scope whose one child owns a scope of its own with one
 * grandchild waiting: cancelling the owner walks the tree. */
static int step_mid_owner(ct_t *c) {
  if (c->polls == 1) {
    cr_assert_eq(bcsc_scope_init(&c->scope, &c->task, BCSC_SCOPE_WAIT_ALL), 0);
    cr_assert_eq(bcsc_scope_spawn(&c->scope, &c->other->task), 0);
  }
  return bcsc_scope_join(&c->scope);
}

Test(coverage_paths, cancel_meets_moved_inner_scope) {
  ct_t top, mid, leaf;
  bcsc_waitq_t q;
  int rc;
  need_canaries();
  ct_up(NULL);
  cr_assert_eq(bcsc_waitq_init(&q), 0);
  ct_init(&top, step_mid_owner);
  ct_init(&mid, step_mid_owner);
  ct_init(&leaf, step_wait_until_cancelled);
  top.other = &mid;
  mid.other = &leaf;
  leaf.q = &q;
  cr_assert_eq(bcsc_executor_spawn(&ct_ex, &top.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ct_ex, 16), 3);
  mid.scope.priv.self_tag ^= 0x0010;
  rc = bcsc_task_cancel(&top.task);
  mid.scope.priv.self_tag ^= 0x0010;
  cr_assert_eq(rc, BCSC_EBADOBJ);
  cr_assert_eq(ct_reports(BCSC_MISUSE_FRAME_CLOBBERED), 1);
  /* The walk stopped at the moved scope: the top is marked, the subtree
   * below it is not (a cancel of the top again has nothing left to do). */
  cr_assert(bcsc_task_cancelled(&top.task));
  cr_assert_not(bcsc_task_cancelled(&leaf.task));
  cr_assert_eq(bcsc_task_cancel(&leaf.task), 0);
  cr_assert_eq(bcsc_executor_run(&ct_ex, NULL), 0);
  cr_assert_eq(bcsc_task_result(&leaf.task), BCSC_ECANCELED);
  cr_assert(bcsc_task_done(&mid.task));
  cr_assert(bcsc_task_done(&top.task));
  cr_assert_eq(bcsc_waitq_deinit(&q), 0);
  ct_down();
}

/* The last child of a joining owner re-tags the owner as it returns: the
 * wake of the owner is refused (reported), the owner stays waiting; with
 * its tag back, a cancel wakes it and its join ends the scope. */
static int step_retagging_child(ct_t *c) {
  c->other->task.priv.self_tag ^= 0x0010;
  return 0;
}

Test(coverage_paths, owner_wake_meets_moved_owner) {
  ct_t owner, child;
  need_canaries();
  ct_up(NULL);
  ct_init(&owner, step_mid_owner);
  ct_init(&child, step_retagging_child);
  owner.other = &child;
  child.other = &owner;
  cr_assert_eq(bcsc_executor_spawn(&ct_ex, &owner.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ct_ex, 16), 2);
  cr_assert(bcsc_task_done(&child.task));
  cr_assert_eq(ct_reports(BCSC_MISUSE_FRAME_CLOBBERED), 1);
  cr_assert_eq(bcsc_executor_ready(&ct_ex), 0); /* not woken */
  owner.task.priv.self_tag ^= 0x0010;
  cr_assert_eq(bcsc_task_cancel(&owner.task), 0);
  cr_assert_eq(bcsc_executor_run(&ct_ex, NULL), 0);
  cr_assert_eq(owner.polls, 2);
  cr_assert(bcsc_task_done(&owner.task));
  cr_assert_eq(ct_reports(BCSC_MISUSE_FRAME_CLOBBERED), 1);
  ct_down();
}

/* A semaphore's first waiter re-tagged: a release cannot read its
 * request. */
static int step_sem_acquire(ct_t *c) {
  c->rc[c->polls > 1] = bcsc_semaphore_acquire(&c->task, c->sem, &c->sw, 1);
  return c->rc[c->polls > 1];
}

Test(coverage_paths, semaphore_release_meets_moved_waiter) {
  ct_t a;
  bcsc_semaphore_t sem;
  int rc;
  need_canaries();
  ct_up(NULL);
  cr_assert_eq(bcsc_semaphore_init(&sem, 0), 0);
  ct_init(&a, step_sem_acquire);
  cr_assert_eq(bcsc_semaphore_waiter_init(&a.sw), 0);
  a.sem = &sem;
  cr_assert_eq(bcsc_executor_spawn(&ct_ex, &a.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ct_ex, 8), 1);
  cr_assert_eq(a.rc[0], BCSC_PENDING);
  a.sw.priv.wait.priv.self_tag ^= 0x0010;
  rc = bcsc_semaphore_release(&sem, 1);
  a.sw.priv.wait.priv.self_tag ^= 0x0010;
  cr_assert_eq(ct_reports(BCSC_MISUSE_FRAME_CLOBBERED), 1, "rc %d", rc);
  cr_assert_eq(bcsc_executor_ready(&ct_ex), 0);
  cr_assert_eq(bcsc_semaphore_release(&sem, 1), 0);
  cr_assert_eq(bcsc_executor_run(&ct_ex, NULL), 0);
  cr_assert_eq(a.rc[1], 0);
  cr_assert_eq(bcsc_task_result(&a.task), 0);
  cr_assert_eq(bcsc_semaphore_deinit(&sem), 0);
  ct_down();
}

/* A value wake for a re-tagged holder: the drain refuses to deliver it. */
Test(coverage_paths, value_wake_meets_moved_holder) {
  ct_t a;
  need_canaries();
  ct_up(NULL);
  ct_init(&a, step_value_waiter);
  cr_assert_eq(bcsc_executor_spawn(&ct_ex, &a.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ct_ex, 8), 1);
  cr_assert_eq(bcsc_waker_wake(a.waker), 0);
  a.task.priv.self_tag ^= 0x0010;
  cr_assert_eq(bcsc_executor_poll(&ct_ex, 8), 0); /* drained, not queued */
  a.task.priv.self_tag ^= 0x0010;
  cr_assert_eq(ct_reports(BCSC_MISUSE_FRAME_CLOBBERED), 1);
  cr_assert_eq(a.polls, 1);
  cr_assert_eq(bcsc_waker_wake(a.waker), 0);
  cr_assert_eq(bcsc_executor_run(&ct_ex, NULL), 0);
  cr_assert_eq(a.polls, 2);
  cr_assert_eq(bcsc_task_result(&a.task), BCSC_TEST_E5);
  ct_down();
}

/* A timer, and a scope's deadline, re-tagged while in the wheel: when
 * they come due the wheel refuses them. */
static int step_sleeper(ct_t *c) {
  c->rc[c->polls > 1] = bcsc_sleep_for(&c->task, &c->timer, 10);
  return c->rc[c->polls > 1];
}

static int step_deadline_owner(ct_t *c) {
  if (c->polls == 1) {
    cr_assert_eq(bcsc_scope_init(&c->scope, &c->task, BCSC_SCOPE_WAIT_ALL), 0);
    cr_assert_eq(bcsc_scope_set_deadline(&c->scope,
                                         bcsc_executor_now(&ct_ex) + 10,
                                         BCSC_DEADLINE_FAIL),
                 0);
    cr_assert_eq(bcsc_scope_spawn(&c->scope, &c->other->task), 0);
  }
  return bcsc_scope_join(&c->scope);
}

/* Which field the wheel test changes: 0 the timer node's tag, 1 its magic,
 * 2 the timer link's linked count; 3 the scope's tag, 4 its magic. */
static void wheel_flip(ct_t *a, int which) {
  switch (which) {
  case 0:
    a->timer.priv.wait.priv.self_tag ^= 0x0010;
    break;
  case 1:
    a->timer.priv.wait.priv.magic ^= 0x0100;
    break;
  case 2:
    a->timer.priv.link.linked ^= 0x2;
    break;
  case 3:
    a->scope.priv.self_tag ^= 0x0010;
    break;
  default:
    a->scope.priv.magic ^= 0x0100;
    break;
  }
}

Test(coverage_paths, wheel_meets_moved_timer_and_scope) {
  need_canaries();
  for (int which = 0; which < 5; which++) {
    int scope = which >= 3;
    ct_t a, leaf;
    bcsc_waitq_t q;
    ct_up_sim();
    cr_assert_eq(bcsc_waitq_init(&q), 0);
    ct_init(&a, scope ? step_deadline_owner : step_sleeper);
    ct_init(&leaf, step_wait_until_cancelled);
    leaf.q = &q;
    a.other = &leaf;
    cr_assert_eq(bcsc_executor_spawn(&ct_ex, &a.task), 0);
    cr_assert(bcsc_executor_poll(&ct_ex, 8) >= 1);
    wheel_flip(&a, which);
    cr_assert_eq(bcsc_sim_reactor_advance(&ct_sim, 100), 0);
    (void)bcsc_executor_poll(&ct_ex, 8);
    wheel_flip(&a, which);
    cr_assert_eq(ct_reports(BCSC_MISUSE_FRAME_CLOBBERED), 1, "field %d", which);
    cr_assert_not(bcsc_task_done(&a.task));
    cr_assert_not(bcsc_task_done(&leaf.task));
    /* Its links were garbage to the wheel: it left them dropped, so
     * nothing will fire it (a run finds nothing to wait for). A cancel
     * ends the task. */
    cr_assert_eq(bcsc_sim_reactor_advance(&ct_sim, 100), 0);
    cr_assert_eq(bcsc_executor_run(&ct_ex, NULL), BCSC_EDEADLK, "field %d",
                 which);
    cr_assert_not(bcsc_task_done(&a.task));
    cr_assert_eq(bcsc_task_cancel(&a.task), 0);
    cr_assert_eq(bcsc_executor_run(&ct_ex, NULL), 0, "field %d", which);
    cr_assert_eq(bcsc_task_result(&a.task), BCSC_ECANCELED, "field %d: %d",
                 which, bcsc_task_result(&a.task));
    cr_assert_eq(ct_reports(BCSC_MISUSE_FRAME_CLOBBERED), 1);
    cr_assert_eq(bcsc_waitq_deinit(&q), 0);
    ct_down();
  }
}

/* ---- a reactor whose park fails -----------------------------------------
 * A run whose tasks keep being ready still looks outside every so often
 * (a park with a deadline in the past): an error from that park ends the
 * run, with a root and without. */

static int g_parks;

static uint64_t failing_now(bcsc_reactor_t *r) {
  (void)r;
  return 1000;
}

static int failing_park(bcsc_reactor_t *r, uint64_t deadline) {
  (void)r;
  g_parks++;
  cr_assert_eq(deadline, 0); /* only the look outside parks here */
  return BCSC_TEST_E4;
}

static void failing_unpark(bcsc_reactor_t *r) { (void)r; }

static const bcsc_reactor_vtable_t failing_vtable = {
    .size = sizeof(bcsc_reactor_vtable_t),
    .version = BCSC_REACTOR_VTABLE_VERSION,
    .now = failing_now,
    .park = failing_park,
    .unpark = failing_unpark};

static int step_yield_forever(ct_t *c) {
  if (bcsc_task_cancelled(&c->task))
    return BCSC_ECANCELED;
  return bcsc_task_yield(&c->task);
}

Test(coverage_paths, look_outside_park_error_ends_run) {
  for (int mode = M_RUN_ROOT; mode <= M_RUN_NULL; mode++) {
    bcsc_reactor_t reactor = {&failing_vtable, NULL};
    ct_t a;
    g_parks = 0;
    ct_up(&reactor);
    ct_init(&a, step_yield_forever);
    cr_assert_eq(drive(mode, &a), BCSC_TEST_E4, "mode %d", mode);
    cr_assert_eq(g_parks, 1);
    cr_assert_gt(a.polls, 1);
    cr_assert_not(bcsc_task_done(&a.task));
    cr_assert_eq(bcsc_task_cancel(&a.task), 0);
    cr_assert_eq(bcsc_executor_poll(&ct_ex, 8), 1);
    cr_assert_eq(bcsc_task_result(&a.task), BCSC_ECANCELED);
    ct_down();
  }
}

/* ---- a value waker's first wait through each entry point ---------------- */

Test(coverage_paths, value_waiter_parks_each_entry) {
  for (int mode = 0; mode < M_COUNT; mode++) {
    ct_t a;
    ct_up(NULL);
    ct_init(&a, step_value_waiter);
    /* Waiting for its waker alone is no PENDING_NO_WAKE; with nothing else
     * to do, run() has nothing to wait for (no reactor). */
    cr_assert_eq(drive(mode, &a), mode <= M_RUN_NULL ? BCSC_EDEADLK : 0,
                 "mode %d", mode);
    cr_assert_eq(a.polls, 1);
    cr_assert_eq(a.rc[0], 0);
    cr_assert_eq(ct_misuse.count, 0);
    cr_assert_eq(bcsc_waker_wake(a.waker), 0);
    cr_assert_eq(drive(mode, &a), ended(mode, BCSC_TEST_E5), "mode %d", mode);
    cr_assert_eq(a.polls, 2);
    ct_down();
  }
}

/* ---- a place in a semaphore's line, dropped by a wake during the poll ---- */

static int step_sem_then_yield(ct_t *c) {
  int rc = bcsc_semaphore_acquire(&c->task, c->sem, &c->sw, 1);
  c->rc[c->polls > 1 ? 1 : 0] = rc;
  if (c->polls == 1) {
    cr_assert_eq(bcsc_semaphore_waiting(c->sem), 1);
    return bcsc_task_yield(&c->task); /* drops the place it just took */
  }
  return rc;
}

Test(coverage_paths, line_place_dropped_by_own_wake_each_entry) {
  for (int mode = 0; mode < M_COUNT; mode++) {
    ct_t a;
    bcsc_semaphore_t sem;
    ct_up(NULL);
    cr_assert_eq(bcsc_semaphore_init(&sem, 0), 0);
    ct_init(&a, step_sem_then_yield);
    cr_assert_eq(bcsc_semaphore_waiter_init(&a.sw), 0);
    a.sem = &sem;
    cr_assert_eq(drive(mode, &a), mode <= M_RUN_NULL ? BCSC_EDEADLK : 0,
                 "mode %d", mode);
    cr_assert_eq(a.polls, 2);
    cr_assert_eq(a.rc[0], BCSC_PENDING);
    cr_assert_eq(a.rc[1], BCSC_PENDING);
    cr_assert_eq(bcsc_semaphore_waiting(&sem), 1);
    cr_assert_eq(bcsc_semaphore_release(&sem, 1), 0);
    cr_assert_eq(drive(mode, &a), ended(mode, 0), "mode %d", mode);
    cr_assert_eq(a.polls, 3);
    cr_assert_eq(bcsc_task_result(&a.task), 0);
    cr_assert_eq(bcsc_semaphore_available(&sem), 0);
    cr_assert_eq(bcsc_semaphore_deinit(&sem), 0);
    cr_assert_eq(ct_misuse.count, 0);
    ct_down();
  }
}

/* ---- a joining owner woken while its scope is re-tagged -----------------
 * A value wake (a second source) stops the owner joining: the walk of its
 * scopes for the joining one meets the moved scope and reports it. */

static int step_joining_waker_owner(ct_t *c) {
  if (c->polls == 1) {
    cr_assert_eq(bcsc_scope_init(&c->scope, &c->task, BCSC_SCOPE_WAIT_ALL), 0);
    cr_assert_eq(bcsc_scope_spawn(&c->scope, &c->other->task), 0);
    cr_assert_eq(bcsc_task_waker(&c->task, &c->waker), 0);
  }
  return bcsc_scope_join(&c->scope);
}

Test(coverage_paths, unjoin_meets_moved_scope) {
  need_canaries();
  for (int magic = 0; magic < 2; magic++) {
    ct_t owner, child;
    bcsc_waitq_t q;
    ct_up(NULL);
    cr_assert_eq(bcsc_waitq_init(&q), 0);
    ct_init(&owner, step_joining_waker_owner);
    ct_init(&child, step_wait_until_cancelled);
    owner.other = &child;
    child.q = &q;
    cr_assert_eq(bcsc_executor_spawn(&ct_ex, &owner.task), 0);
    cr_assert_eq(bcsc_executor_poll(&ct_ex, 8), 2);
    cr_assert_eq(bcsc_executor_ready(&ct_ex), 0);
    cr_assert_eq(bcsc_waker_wake(owner.waker), 0);
    flip_scope(&owner.scope, magic);
    cr_assert_eq(bcsc_executor_poll(&ct_ex, 0), 0); /* the drain only */
    flip_scope(&owner.scope, magic);
    cr_assert_eq(ct_reports(BCSC_MISUSE_FRAME_CLOBBERED), 1);
    cr_assert_eq(bcsc_executor_ready(&ct_ex), 1); /* woken all the same */
    cr_assert_eq(bcsc_task_cancel(&child.task), 0);
    cr_assert_eq(bcsc_executor_run(&ct_ex, NULL), 0);
    cr_assert(bcsc_task_done(&owner.task));
    cr_assert_eq(bcsc_task_result(&child.task), BCSC_ECANCELED);
    cr_assert_eq(bcsc_waitq_deinit(&q), 0);
    cr_assert_eq(ct_reports(BCSC_MISUSE_FRAME_CLOBBERED), 1);
    ct_down();
  }
}

/* ---- calls refused before they touch anything -------------------------
 * A task initialised but never spawned (no scope) passed as the running
 * task; the executor's own root scope (no owner) joined or given a
 * deadline; a timer whose link was overwritten with another kind. */

Test(coverage_paths, refused_arguments) {
  ct_t idle;
  bcsc_waitq_t q;
  bcsc_channel_t ch;
  uint32_t buf[4], m = 1;
  bcsc_scope_t scope;
  bcsc_timer_t timer;
  ct_up(NULL);
  ct_init(&idle, step_bad_result);
  cr_assert_eq(bcsc_waitq_init(&q), 0);
  cr_assert_eq(bcsc_channel_init(&ch, buf, sizeof buf, sizeof m), 0);
  cr_assert_eq(bcsc_wait_register(&idle.task, &idle.w, &q), BCSC_EPERM);
  cr_assert_eq(bcsc_channel_send(&idle.task, &ch, &idle.w, &m, sizeof m),
               BCSC_EPERM);
  memset(&scope, 0, sizeof scope);
  cr_assert_eq(bcsc_join_all(&idle.task, &scope, NULL, 0), BCSC_EPERM);
  cr_assert_eq(ct_reports(BCSC_MISUSE_NOT_RUNNING),
               bcsc_test_misuse_expected(3));
  cr_assert_eq(bcsc_waitq_empty(&q), 1);
  cr_assert_eq(bcsc_wait_linked(&idle.w), 0);

  cr_assert_eq(bcsc_scope_join(&ct_ex.priv.root), BCSC_EPERM);
  cr_assert_eq(bcsc_scope_set_deadline(&ct_ex.priv.root, 5, BCSC_DEADLINE_FAIL),
               BCSC_EPERM);
  cr_assert_eq(ct_reports(BCSC_MISUSE_FOREIGN_SCOPE),
               bcsc_test_misuse_expected(2));
  cr_assert_eq(bcsc_scope_deadline(&ct_ex.priv.root), BCSC_NO_DEADLINE);

  cr_assert_eq(bcsc_timer_init(&timer), 0);
  timer.priv.link.kind ^= 0x1;
  cr_assert_eq(bcsc_timer_set(&timer, 5), BCSC_EBADOBJ);
  timer.priv.link.kind ^= 0x1;
  cr_assert_eq(ct_reports(BCSC_MISUSE_BAD_OBJECT),
               bcsc_test_misuse_expected(1));
  cr_assert_eq(bcsc_timer_set(&timer, 5), 0);
  cr_assert_eq(bcsc_timer_deadline(&timer), 5);
  cr_assert_eq(bcsc_waitq_deinit(&q), 0);
  ct_down();
}

/* ---- a frame that reads as running but is not the one being polled -----
 * The fast checks of the calls a task makes on itself read its header
 * word: state RUNNING, right magic and tag. A waiting task's frame whose
 * state word was overwritten with the running task's passes that much;
 * the executor's current task is what tells it apart. Each call must
 * refuse it (NOT_RUNNING, BCSC_EPERM) and link nothing. */

static int g_impostor_rc;
static int g_other_rc[10];

static int step_impostor(ct_t *c) {
  ct_t *b = c->other;
  uint16_t saved = b->task.priv.state;
  uint32_t m = 1;
  bcsc_scope_t scope;
  b->task.priv.state = c->task.priv.state; /* reads as running */
  c->rc[0] = bcsc_wait_on(&b->task, &b->w, c->q);
  c->rc[1] = bcsc_channel_send(&b->task, c->obj, &b->w, &m, sizeof m);
  c->rc[2] = bcsc_scope_init(&scope, &b->task, BCSC_SCOPE_WAIT_ALL);
  c->rc[3] = bcsc_task_waker_woken(&b->task);
  g_impostor_rc = bcsc_channel_recv(&b->task, c->obj, &b->w, &m, sizeof m);
  g_other_rc[0] = bcsc_wait_register(&b->task, &b->w, c->q);
  b->task.priv.state = saved;
  /* And as it is: waiting, not running. */
  g_other_rc[1] = bcsc_wait_register(&b->task, &b->w, c->q);
  g_other_rc[2] = bcsc_wait_on(&b->task, &b->w, c->q);
  g_other_rc[3] = bcsc_channel_send(&b->task, c->obj, &b->w, &m, sizeof m);
  g_other_rc[4] = bcsc_channel_recv(&b->task, c->obj, &b->w, &m, sizeof m);
  g_other_rc[5] = bcsc_join_all(&b->task, &scope, NULL, 0);
  g_other_rc[6] = bcsc_scope_init(&scope, &b->task, BCSC_SCOPE_WAIT_ALL);
  g_other_rc[7] = bcsc_task_waker_woken(&b->task);
  g_other_rc[8] = bcsc_task_yield(&b->task);
  g_other_rc[9] = bcsc_sleep_for(&b->task, &b->timer, 5);
  return 0;
}

Test(coverage_paths, frame_reading_as_running_is_refused) {
  ct_t a, b;
  bcsc_waitq_t q, q2;
  bcsc_channel_t ch;
  uint32_t buf[4];
  ct_up(NULL);
  cr_assert_eq(bcsc_waitq_init(&q), 0);
  cr_assert_eq(bcsc_waitq_init(&q2), 0);
  cr_assert_eq(bcsc_channel_init(&ch, buf, sizeof buf, sizeof buf[0]), 0);
  ct_init(&b, step_wait_until_cancelled);
  b.q = &q2;
  ct_init(&a, step_impostor);
  a.other = &b;
  a.q = &q;
  a.obj = &ch;
  cr_assert_eq(bcsc_executor_spawn(&ct_ex, &b.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ct_ex, 8), 1);
  cr_assert_eq(bcsc_executor_spawn(&ct_ex, &a.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ct_ex, 8), 1);
  for (int i = 0; i < 4; i++)
    cr_assert_eq(a.rc[i], BCSC_EPERM, "call %d: %d", i, a.rc[i]);
  cr_assert_eq(g_impostor_rc, BCSC_EPERM);
  for (int i = 0; i < 10; i++)
    cr_assert_eq(g_other_rc[i], BCSC_EPERM, "other call %d: %d", i,
                 g_other_rc[i]);
  cr_assert_eq(ct_reports(BCSC_MISUSE_NOT_RUNNING),
               bcsc_test_misuse_expected(15));
  cr_assert(bcsc_waitq_empty(&q));
  cr_assert_eq(bcsc_channel_buffered(&ch), 0);
  cr_assert_eq(bcsc_waitq_count(&q2), 1); /* b still waits where it was */
  cr_assert_eq(bcsc_task_cancel(&b.task), 0);
  cr_assert_eq(bcsc_executor_run(&ct_ex, NULL), 0);
  cr_assert_eq(bcsc_task_result(&b.task), BCSC_ECANCELED);
  cr_assert_eq(bcsc_waitq_deinit(&q), 0);
  cr_assert_eq(bcsc_waitq_deinit(&q2), 0);
  ct_down();
}

/* ---- a scope opened twice by an owner holding a baton ------------------
 * A baton fired during the owner's own poll sets a flag the fast path of
 * bcsc_scope_init() does not take: the slow path must refuse the reopen
 * just the same (SCOPE_REOPENED). The baton is taken in the next poll. */

static int step_baton_reopen(ct_t *c) {
  if (c->polls == 1) {
    c->rc[0] = bcsc_wait_on(&c->task, &c->w, c->q);
    cr_assert_eq(bcsc_waitq_wake_one(c->q, 1), 1); /* a baton, for poll 2 */
    cr_assert_eq(bcsc_scope_init(&c->scope, &c->task, BCSC_SCOPE_WAIT_ALL), 0);
    c->rc[1] = bcsc_scope_init(&c->scope, &c->task, BCSC_SCOPE_WAIT_ALL);
    cr_assert_eq(bcsc_scope_join(&c->scope), 0);
    return BCSC_PENDING;
  }
  c->rc[2] = bcsc_wait_on(&c->task, &c->w, c->q);
  return c->rc[2];
}

Test(coverage_paths, reopen_refused_with_baton_held) {
  ct_t a;
  bcsc_waitq_t q;
  ct_up(NULL);
  cr_assert_eq(bcsc_waitq_init(&q), 0);
  cr_assert_eq(bcsc_waitq_set_handoff(&q, 1), 0);
  ct_init(&a, step_baton_reopen);
  a.q = &q;
  cr_assert_eq(bcsc_executor_run(&ct_ex, &a.task), 0);
  cr_assert_eq(a.rc[0], BCSC_PENDING);
  cr_assert_eq(a.rc[1], BCSC_EBUSY);
  cr_assert_eq(ct_reports(BCSC_MISUSE_SCOPE_REOPENED),
               bcsc_test_misuse_expected(1));
  cr_assert_eq(a.polls, 2);
  cr_assert_eq(a.rc[2], 0); /* the baton */
  cr_assert_eq(bcsc_waitq_deinit(&q), 0);
  ct_down();
}

/* ---- a combinator inside a scope the task opened itself ----------------
 * bcsc_join_all() looks through the caller's open scopes for its own:
 * here the first one it meets is another. */

static int step_leaf_done(ct_t *c) {
  (void)c;
  return BCSC_TEST_E2;
}

static int step_outer_then_join_all(ct_t *c) {
  bcsc_task_t *tasks[1] = {&c->other->task};
  if (c->polls == 1)
    cr_assert_eq(bcsc_scope_init(&c->scope, &c->task, BCSC_SCOPE_WAIT_ALL), 0);
  c->rc[0] = bcsc_join_all(&c->task, c->obj, tasks, 1);
  if (c->rc[0] == BCSC_PENDING)
    return BCSC_PENDING;
  c->rc[1] = bcsc_scope_join(&c->scope);
  return c->rc[0];
}

Test(coverage_paths, join_all_inside_own_scope) {
  ct_t a, leaf;
  bcsc_scope_t inner;
  ct_up(NULL);
  ct_init(&a, step_outer_then_join_all);
  ct_init(&leaf, step_leaf_done);
  a.other = &leaf;
  a.obj = &inner;
  cr_assert_eq(bcsc_executor_run(&ct_ex, &a.task), BCSC_TEST_E2);
  cr_assert_eq(a.polls, 2);
  cr_assert_eq(a.rc[1], 0);
  cr_assert_eq(bcsc_task_result(&leaf.task), BCSC_TEST_E2);
  cr_assert_eq(ct_misuse.count, 0);
  ct_down();
}

/* ---- a skipping periodic timer whose next grid point is past the end of
 * time: the product of missed ticks and period saturates, and the timer
 * ends at BCSC_NO_DEADLINE instead of wrapping into the past. */

static int step_tick_once(ct_t *c) {
  c->rc[0] = bcsc_timer_wait(&c->task, &c->timer);
  return c->rc[0];
}

Test(coverage_paths, skip_grid_saturates_at_end_of_time) {
  const uint64_t period = (uint64_t)1 << 63;
  ct_t a;
  cr_assert_eq(bcsc_sim_reactor_init(&ct_sim, UINT64_MAX - 100), 0);
  ct_up(&ct_sim.base);
  ct_init(&a, step_tick_once);
  cr_assert_eq(bcsc_timer_set_periodic(&a.timer, 1, period, BCSC_TICK_SKIP), 0);
  cr_assert_eq(bcsc_executor_run(&ct_ex, &a.task), 0);
  cr_assert_eq(a.rc[0], 0);
  /* (now - 1) / period = 1 tick missed; (1 + 1) * 2^63 overflows. */
  cr_assert_eq(bcsc_timer_missed(&a.timer), 1);
  cr_assert_eq(bcsc_timer_deadline(&a.timer), BCSC_NO_DEADLINE);
  cr_assert_eq(bcsc_timer_stop(&a.timer), 0);
  ct_down();
}

/* ---- a channel node holding a baton from the other side ----------------
 * A node that waited to receive is woken with a baton of the receivers'
 * list; the task then sends with it (and in the mirror test, a node woken
 * from the senders' list receives). The baton is not for that call: it is
 * declined (passed on: nobody else waits) and the call goes on as a fresh
 * one. */

static int step_recv_then_send(ct_t *c) {
  bcsc_channel_t *ch = c->obj;
  uint32_t m = 77, got = 0;
  if (c->polls == 1) {
    c->rc[0] = bcsc_channel_recv(&c->task, ch, &c->w, &got, sizeof got);
    return c->rc[0] == BCSC_PENDING ? BCSC_PENDING : -1;
  }
  c->rc[1] = bcsc_channel_send(&c->task, ch, &c->w, &m, sizeof m);
  c->rc[2] = bcsc_channel_recv(&c->task, ch, &c->w, &got, sizeof got);
  c->rc[3] = (int)got;
  return 0;
}

static int step_send_then_recv(ct_t *c) {
  bcsc_channel_t *ch = c->obj;
  uint32_t m = 88, got = 0;
  if (c->polls == 1) {
    c->rc[0] = bcsc_channel_send(&c->task, ch, &c->w, &m, sizeof m);
    return c->rc[0] == BCSC_PENDING ? BCSC_PENDING : -1;
  }
  c->rc[1] = bcsc_channel_recv(&c->task, ch, &c->w, &got, sizeof got);
  c->rc[3] = (int)got;
  c->rc[2] = bcsc_channel_send(&c->task, ch, &c->w, &m, sizeof m);
  return 0;
}

Test(coverage_paths, channel_baton_from_other_side) {
  for (int mirror = 0; mirror < 2; mirror++) {
    ct_t a;
    bcsc_channel_t ch;
    uint32_t buf[2], m = 5, got = 0;
    ct_up(NULL);
    /* Room for one message in the mirror test, two in the other. */
    cr_assert_eq(
        bcsc_channel_init(&ch, buf, mirror ? sizeof m : sizeof buf, sizeof m),
        0);
    ct_init(&a, mirror ? step_send_then_recv : step_recv_then_send);
    a.obj = &ch;
    if (mirror) /* full: the task's send waits */
      cr_assert_eq(bcsc_channel_try_send(&ch, &m, sizeof m), 0);
    cr_assert_eq(bcsc_executor_spawn(&ct_ex, &a.task), 0);
    cr_assert_eq(bcsc_executor_poll(&ct_ex, 8), 1);
    cr_assert_eq(a.rc[0], BCSC_PENDING);
    /* The other side, from outside: a baton for the waiting node. */
    if (mirror)
      cr_assert_eq(bcsc_channel_try_recv(&ch, &got, sizeof got), 0);
    else
      cr_assert_eq(bcsc_channel_try_send(&ch, &m, sizeof m), 0);
    cr_assert_eq(bcsc_executor_run(&ct_ex, NULL), 0);
    cr_assert_eq(a.polls, 2);
    if (mirror) {
      cr_assert_eq(got, 5);
      /* Empty: the receive waits, and the send asked with the node now
       * linked for receiving answers PENDING too (nothing sent). */
      cr_assert_eq(a.rc[1], BCSC_PENDING, "recv %d", a.rc[1]);
      cr_assert_eq(a.rc[2], BCSC_PENDING, "send %d", a.rc[2]);
      cr_assert_eq(bcsc_channel_buffered(&ch), 0);
    } else {
      cr_assert_eq(a.rc[1], 0, "send %d", a.rc[1]);
      cr_assert_eq(a.rc[2], 0, "recv %d", a.rc[2]);
      cr_assert_eq(a.rc[3], 5); /* the message sent from outside first */
      cr_assert_eq(bcsc_channel_buffered(&ch), 1); /* and the task's own */
    }
    cr_assert_eq(ct_misuse.count, 0);
    ct_down();
  }
}

/* ---- a race asked again without its task array ------------------------
 * The calls after the first only join: with no array to look the winner
 * up in, its index is BCSC_NO_WINNER (its frame is still the scope's
 * winner). */

static int step_race_again_without_tasks(ct_t *c) {
  bcsc_task_t *tasks[1] = {&c->other->task};
  size_t winner = 7;
  if (c->polls == 1)
    c->rc[0] = bcsc_race(&c->task, &c->scope, tasks, 1, &winner);
  else
    c->rc[0] = bcsc_race(&c->task, &c->scope, NULL, 0, &winner);
  c->rc[1] = (int)(winner == BCSC_NO_WINNER);
  return c->rc[0];
}

Test(coverage_paths, race_again_without_tasks) {
  ct_t a, leaf;
  ct_up(NULL);
  ct_init(&a, step_race_again_without_tasks);
  ct_init(&leaf, step_leaf_done);
  a.other = &leaf;
  cr_assert_eq(bcsc_executor_run(&ct_ex, &a.task), BCSC_TEST_E2);
  cr_assert_eq(a.polls, 2);
  cr_assert_eq(a.rc[1], 1);
  cr_assert_eq(bcsc_scope_winner(&a.scope), &leaf.task);
  ct_down();
}

/* ---- timers at the end of time, and a periodic timer slept on ----------
 * With the clock 100 ns before the end of time, a sleep of 50 ns links a
 * deadline whose wheel slots would start past the end: their starts
 * saturate, and the sleep still ends 50 ns later. A periodic timer whose
 * tick has not fired, slept on at its own deadline, becomes that one-shot
 * sleep. */

static int step_sleep_50(ct_t *c) {
  c->rc[c->polls > 1] = bcsc_sleep_for(&c->task, &c->timer, 50);
  return c->rc[c->polls > 1];
}

static int step_sleep_until_own_tick(ct_t *c) {
  if (c->polls == 1)
    cr_assert_eq(
        bcsc_timer_set_periodic(&c->timer, 1500, 1000, BCSC_TICK_BURST), 0);
  c->rc[c->polls > 1] = bcsc_sleep_until(&c->task, &c->timer, 1500);
  return c->rc[c->polls > 1];
}

Test(coverage_paths, sleeps_at_the_end_of_time_and_on_a_tick) {
  ct_t a, b;
  cr_assert_eq(bcsc_sim_reactor_init(&ct_sim, UINT64_MAX - 100), 0);
  ct_up(&ct_sim.base);
  ct_init(&a, step_sleep_50);
  cr_assert_eq(bcsc_executor_spawn(&ct_ex, &a.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ct_ex, 8), 1);
  cr_assert_eq(a.rc[0], BCSC_PENDING);
  cr_assert_eq(bcsc_executor_next_deadline(&ct_ex), UINT64_MAX - 50);
  cr_assert_eq(bcsc_sim_reactor_advance(&ct_sim, 49), 0);
  cr_assert_eq(bcsc_executor_poll(&ct_ex, 8), 0);
  cr_assert_eq(bcsc_sim_reactor_advance(&ct_sim, 1), 0);
  cr_assert_eq(bcsc_executor_run(&ct_ex, NULL), 0);
  cr_assert_eq(a.rc[1], 0);
  ct_down();

  ct_up_sim(); /* the clock at 1000 */
  ct_init(&b, step_sleep_until_own_tick);
  cr_assert_eq(bcsc_executor_spawn(&ct_ex, &b.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ct_ex, 8), 1);
  cr_assert_eq(b.rc[0], BCSC_PENDING);
  cr_assert_eq(bcsc_executor_run(&ct_ex, NULL), 0); /* sleeps till 1500 */
  cr_assert_eq(b.rc[1], 0);
  cr_assert_eq(bcsc_sim_reactor_now(&ct_sim), 1500);
  /* A one-shot now: no next tick is armed. */
  cr_assert_eq(bcsc_timer_deadline(&b.timer), BCSC_NO_DEADLINE);
  ct_down();
}

/* ---- a channel whose waiting receivers already hold every message ------
 * Two receivers wait; one message comes (a baton for the first). Further
 * calls that look at the receivers' list find as many batons out as
 * messages: nobody else is woken until the second message. */

static int step_recv_one(ct_t *c) {
  uint32_t got = 0;
  c->rc[c->polls > 1] =
      bcsc_channel_recv(&c->task, c->obj, &c->w, &got, sizeof got);
  if (c->rc[c->polls > 1] == 0)
    c->rc[2] = (int)got;
  return c->rc[c->polls > 1] == BCSC_PENDING ? BCSC_PENDING : 0;
}

Test(coverage_paths, channel_batons_cover_every_message) {
  ct_t r1, r2;
  bcsc_channel_t ch;
  uint32_t buf[4], m = 1, got = 0;
  ct_up(NULL);
  cr_assert_eq(bcsc_channel_init(&ch, buf, sizeof buf, sizeof m), 0);
  ct_init(&r1, step_recv_one);
  ct_init(&r2, step_recv_one);
  r1.obj = r2.obj = &ch;
  cr_assert_eq(bcsc_executor_spawn(&ct_ex, &r1.task), 0);
  cr_assert_eq(bcsc_executor_spawn(&ct_ex, &r2.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ct_ex, 8), 2);
  cr_assert_eq(bcsc_channel_try_send(&ch, &m, sizeof m), 0);
  cr_assert_eq(bcsc_executor_ready(&ct_ex), 1); /* the first receiver */
  /* The message is the first receiver's: not for a caller from outside. */
  cr_assert_eq(bcsc_channel_try_recv(&ch, &got, sizeof got), BCSC_EAGAIN);
  cr_assert_eq(bcsc_executor_ready(&ct_ex), 1);
  m = 2;
  cr_assert_eq(bcsc_channel_try_send(&ch, &m, sizeof m), 0);
  cr_assert_eq(bcsc_executor_ready(&ct_ex), 2);
  cr_assert_eq(bcsc_executor_run(&ct_ex, NULL), 0);
  cr_assert_eq(r1.rc[2], 1);
  cr_assert_eq(r2.rc[2], 2);
  cr_assert_eq(bcsc_channel_buffered(&ch), 0);
  ct_down();
}

/* ---- value wakes overtaken on the waking thread ---------------------------
 * Two windows of the lock-free inbox that only another thread opens: the
 * checked build's hook points on the wake path (D29) let the test act in
 * them from the waking call itself, as the executor's thread or a second
 * waker would. Each hook acts once (its own calls come back to it). */

typedef struct wake_hook {
  bcsc__test_hook_t hook; /* first */
  int point;
  int acted;
  void (*act)(struct wake_hook *h);
  bcsc_executor_t *ex;
  ct_t *other;
} wake_hook_t;

static void wake_hook_fn(bcsc__test_hook_t *hook, bcsc_executor_t *ex,
                         int point, void *object) {
  wake_hook_t *h = (wake_hook_t *)(void *)hook;
  (void)ex;
  (void)object;
  if (h->acted || point != h->point)
    return;
  h->acted = 1;
  h->act(h);
}

static void wake_hook_install(wake_hook_t *h, bcsc_executor_t *ex, int point,
                              void (*act)(wake_hook_t *), ct_t *other) {
  memset(h, 0, sizeof *h);
  h->hook.fn = wake_hook_fn;
  h->point = point;
  h->act = act;
  h->ex = ex;
  h->other = other;
  cr_assert_eq(bcsc__test_set_hook(ex, &h->hook), 0);
}

static bcsc_executor_t g_wex;
static bcsc_waker_slot_t g_wslots[2];
static uint32_t g_penders;

static void count_pender(bcsc_executor_t *ex, void *context) {
  (void)ex;
  (void)context;
  g_penders++;
}

static void wake_up(uint32_t slots) {
  bcsc_executor_config_t config = {.size = sizeof config,
                                   .waker_slots = g_wslots,
                                   .waker_slot_count = slots,
                                   .pender = count_pender};
  if (!bcsc_is_checked_build())
    cr_skip_test("the hook points are the checked build's");
  g_penders = 0;
  cr_assert_eq(bcsc_executor_init(&g_wex, &config), 0);
}

static bcsc_executor_stats_t wake_stats(void) {
  bcsc_executor_stats_t st = {.size = sizeof st};
  cr_assert_eq(bcsc_executor_stats(&g_wex, &st), 0);
  return st;
}

/* Binds its waker and yields once; returns on its next poll. */
static int bind_and_yield(ct_t *c) {
  if (c->polls > 1)
    return 0;
  cr_assert_eq(bcsc_task_waker(&c->task, &c->waker), 0);
  return bcsc_task_yield(&c->task);
}

/* Binds its waker and wakes it itself; returns once woken. */
static int bind_and_wake_self(ct_t *c) {
  if (c->polls == 1) {
    cr_assert_eq(bcsc_task_waker(&c->task, &c->waker), 0);
    c->rc[0] = bcsc_waker_wake(c->waker);
  }
  return bcsc_task_waker_woken(&c->task) ? 0 : BCSC_PENDING;
}

/* In the window: the slot's holder ends and a new task takes the slot (one
 * slot: the same) and wakes it - while the slot is still marked QUEUED by
 * the wake for the holder before. */
static void end_holder_and_rebind(wake_hook_t *h) {
  cr_assert_eq(bcsc_executor_poll(h->ex, 2), 2);
  cr_assert_eq(h->other->rc[0], 0);
}

Test(coverage_paths, a_wake_for_a_new_holder_of_a_slot_still_queued) {
  wake_hook_t h;
  ct_t a, b;
  wake_up(1);
  ct_init(&a, bind_and_yield);
  ct_init(&b, bind_and_wake_self);
  cr_assert_eq(bcsc_executor_spawn(&g_wex, &a.task), 0);
  cr_assert_eq(bcsc_executor_poll(&g_wex, 1), 1);
  cr_assert_eq(bcsc_executor_spawn(&g_wex, &b.task), 0);
  wake_hook_install(&h, &g_wex, BCSC__HOOK_MARKED, end_holder_and_rebind, &b);
  cr_assert_eq(bcsc_waker_wake(a.waker), 0);
  cr_assert(h.acted);
  cr_assert(bcsc_task_done(&a.task));
  cr_assert_eq(b.waker.slot, a.waker.slot, "the same slot");
  cr_assert_eq(bcsc__test_set_hook(&g_wex, NULL), 0);
  /* One push carries both: the drain wakes the holder it finds, once. */
  cr_assert_eq(bcsc_executor_poll(&g_wex, 8), 1);
  cr_assert(bcsc_task_done(&b.task));
  cr_assert_eq(b.polls, 2);
  cr_assert_eq(wake_stats().wakes_received, 2u);
  cr_assert_eq(wake_stats().wakes_stale, 0u);
  cr_assert_eq(bcsc_executor_deinit(&g_wex), 0);
  cr_assert_eq(ct_misuse.count, 0);
}

/* Binds its waker and waits for a value wake. */
static int bind_and_wait(ct_t *c) {
  if (c->polls == 1) {
    cr_assert_eq(bcsc_task_waker(&c->task, &c->waker), 0);
    return BCSC_PENDING;
  }
  return bcsc_task_waker_woken(&c->task) ? 0 : BCSC_PENDING;
}

/* In the window: the executor takes the first wake, sleeps again, and a
 * second wake notifies it - before the first has claimed its notice. */
static void drain_and_wake_other(wake_hook_t *h) {
  cr_assert_eq(bcsc_executor_poll(h->ex, 0), 0);
  cr_assert_eq(bcsc_waker_wake(h->other->waker), 0);
}

Test(coverage_paths, two_wakes_race_to_notify_a_sleeping_executor) {
  wake_hook_t h;
  ct_t a, b;
  wake_up(2);
  ct_init(&a, bind_and_wait);
  ct_init(&b, bind_and_wait);
  cr_assert_eq(bcsc_executor_spawn(&g_wex, &a.task), 0);
  cr_assert_eq(bcsc_executor_spawn(&g_wex, &b.task), 0);
  cr_assert_eq(bcsc_executor_poll(&g_wex, 8), 2);
  g_penders = 0;
  wake_hook_install(&h, &g_wex, BCSC__HOOK_NOTIFYING, drain_and_wake_other, &b);
  cr_assert_eq(bcsc_waker_wake(a.waker), 0);
  cr_assert(h.acted);
  cr_assert_eq(g_penders, 1u, "the second wake told it, the first did not");
  cr_assert_eq(wake_stats().waker_notifies, 1u);
  cr_assert_eq(bcsc__test_set_hook(&g_wex, NULL), 0);
  cr_assert_eq(bcsc_executor_poll(&g_wex, 8), 2);
  cr_assert(bcsc_task_done(&a.task) && bcsc_task_done(&b.task));
  cr_assert_eq(bcsc_executor_deinit(&g_wex), 0);
  cr_assert_eq(ct_misuse.count, 0);
}

/* ---- the inbox's 32-bit counters fold into the 64-bit totals -------------
 * The waking threads count in 32-bit words; a drain moves a word into the
 * executor's total once it nears 2^30. 2^30 wakes take minutes without
 * optimisation: the word is preset to one short of the mark (white box:
 * as if that many wakes had come), and the counts must stay exact. The
 * stale and notify words are preset at the mark: the same drain folds
 * them too (a word left unfolded wraps after 2^32 - the release build's
 * waker.c:120:3:sdl, scripts/mutate.sh --preset release seed 13, left
 * the stale word to wrap, and the stats, which add the word, did not
 * tell). */

Test(coverage_paths, the_wake_counters_fold_when_they_grow_large) {
  bcsc_executor_config_t config = {
      .size = sizeof config, .waker_slots = g_wslots, .waker_slot_count = 1};
  const uint32_t early = (1u << 30) - 1;
  uint64_t notifies;
  ct_t c;
  cr_assert_eq(bcsc_executor_init(&g_wex, &config), 0);
  ct_init(&c, bind_and_wait);
  cr_assert_eq(bcsc_executor_spawn(&g_wex, &c.task), 0);
  cr_assert_eq(bcsc_executor_poll(&g_wex, 1), 1);
  g_wex.priv.inbox_received = early;
  cr_assert_eq(wake_stats().wakes_received, early);
  g_wex.priv.inbox_stale = 1u << 30;
  g_wex.priv.inbox_notifies = 1u << 30;
  /* The slot's word counts the first wakes until its count is full (D47);
   * the one after goes to the 32-bit word and brings it to the mark. */
  for (uint32_t i = 0; i <= BCSC__SLOT_COUNT >> BCSC__SLOT_COUNT_SHIFT; i++)
    cr_assert_eq(bcsc_waker_wake(c.waker), 0);
  cr_assert_eq(g_wex.priv.inbox_received, 1u << 30);
  notifies = wake_stats().waker_notifies;
  cr_assert_geq(notifies, 1u << 30);
  cr_assert_eq(bcsc_executor_poll(&g_wex, 1), 1);
  cr_assert(bcsc_task_done(&c.task));
  cr_assert_eq(g_wex.priv.inbox_received, 0u, "folded by the drain");
  cr_assert_eq(g_wex.priv.inbox_stale, 0u, "folded by the drain");
  cr_assert_eq(g_wex.priv.inbox_notifies, 0u, "folded by the drain");
  cr_assert_eq(g_wex.priv.wakes_stale, 1u << 30);
  cr_assert_eq(wake_stats().wakes_stale, 1u << 30);
  cr_assert_eq(wake_stats().waker_notifies, notifies);
  cr_assert_eq(g_wex.priv.wakes_received,
               (uint64_t)early + 1 +
                   (BCSC__SLOT_COUNT >> BCSC__SLOT_COUNT_SHIFT));
  cr_assert_eq(wake_stats().wakes_received,
               (uint64_t)early + 1 +
                   (BCSC__SLOT_COUNT >> BCSC__SLOT_COUNT_SHIFT));
  cr_assert_eq(wake_stats().wakes_delivered, 1u);
  cr_assert_eq(bcsc_executor_deinit(&g_wex), 0);
}

/* ---- a wake past a full count, overtaken (D48) ---------------------------
 * A wake that finds its slot PENDING with a full count counts itself in
 * the executor's word and looks at the slot again. In the window before
 * that (BCSC__HOOK_COUNTING) the executor drains the slot: the wake finds
 * it settled and marks it again, uncounted - or finds its task ended. */

/* Fills the slot's count: every wake after these takes the full path. */
static void fill_count(bcsc_waker_t w) {
  for (uint32_t i = 0; i < BCSC__SLOT_COUNT >> BCSC__SLOT_COUNT_SHIFT; i++)
    cr_assert_eq(bcsc_waker_wake(w), 0);
}

/* Binds its waker; returns on its second value wake, counted in n. */
static int bind_and_wait_twice(ct_t *c) {
  if (c->polls == 1) {
    cr_assert_eq(bcsc_task_waker(&c->task, &c->waker), 0);
    return BCSC_PENDING;
  }
  c->n += bcsc_task_waker_woken(&c->task);
  return c->n >= 2 ? 0 : BCSC_PENDING;
}

/* In the window: the executor drains, and polls the task once. */
static void drain_and_poll(wake_hook_t *h) {
  cr_assert_eq(bcsc_executor_poll(h->ex, 8), 1);
}

/* The two tests' common start: task `a` (stepped by `step`) binds its
 * waker and fills the slot's count, then one more wake runs into the
 * window, where the executor drains and polls `a` once. Returns the host's
 * pender count from before that wake. */
static uint32_t wake_past_full_count(wake_hook_t *h, ct_t *a, ct_step_fn step) {
  uint32_t penders;
  wake_up(1);
  ct_init(a, step);
  cr_assert_eq(bcsc_executor_spawn(&g_wex, &a->task), 0);
  cr_assert_eq(bcsc_executor_poll(&g_wex, 8), 1);
  fill_count(a->waker);
  penders = g_penders; /* the first of them told the host */
  wake_hook_install(h, &g_wex, BCSC__HOOK_COUNTING, drain_and_poll, NULL);
  cr_assert_eq(bcsc_waker_wake(a->waker), 0);
  cr_assert(h->acted);
  return penders;
}

Test(coverage_paths, a_wake_past_a_full_count_marks_a_drained_slot_again) {
  wake_hook_t h;
  ct_t a;
  uint32_t penders;
  penders = wake_past_full_count(&h, &a, bind_and_wait_twice);
  cr_assert_eq(a.n, 1, "the drain in the window woke it once");
  cr_assert_eq(bcsc__test_set_hook(&g_wex, NULL), 0);
  /* Marked again and queued: the host was told, the task runs again. */
  cr_assert_eq(g_penders, penders + 1);
  cr_assert_eq(wake_stats().wakes_received,
               1u + (BCSC__SLOT_COUNT >> BCSC__SLOT_COUNT_SHIFT));
  cr_assert_eq(bcsc_executor_poll(&g_wex, 8), 1);
  cr_assert(bcsc_task_done(&a.task));
  cr_assert_eq(a.n, 2);
  cr_assert_eq(wake_stats().wakes_received,
               1u + (BCSC__SLOT_COUNT >> BCSC__SLOT_COUNT_SHIFT));
  cr_assert_eq(wake_stats().wakes_delivered, 2u);
  cr_assert_eq(wake_stats().wakes_stale, 0u);
  cr_assert_eq(bcsc_executor_deinit(&g_wex), 0);
  cr_assert_eq(ct_misuse.count, 0);
}

Test(coverage_paths, a_wake_past_a_full_count_whose_task_ends_meanwhile) {
  wake_hook_t h;
  ct_t a;
  uint32_t penders;
  penders = wake_past_full_count(&h, &a, bind_and_wait);
  cr_assert(bcsc_task_done(&a.task), "woken in the window, and ended");
  cr_assert_eq(bcsc__test_set_hook(&g_wex, NULL), 0);
  /* Counted received - its task was live when it looked - and nothing
   * queued for the slot's next holder. */
  cr_assert_eq(wake_stats().wakes_received,
               1u + (BCSC__SLOT_COUNT >> BCSC__SLOT_COUNT_SHIFT));
  cr_assert_eq(wake_stats().wakes_stale, 0u);
  cr_assert_eq(bcsc_executor_next_deadline(&g_wex), BCSC_NO_DEADLINE);
  cr_assert_eq(g_penders, penders);
  cr_assert_eq(bcsc_executor_deinit(&g_wex), 0);
  cr_assert_eq(ct_misuse.count, 0);
}

/* Two value wakes before a drain: the second pushes onto a list that is
 * not empty, and tells nobody (the first did). */
Test(coverage_paths, a_second_wake_before_the_drain_joins_the_list) {
  bcsc_executor_config_t config = {.size = sizeof config,
                                   .waker_slots = g_wslots,
                                   .waker_slot_count = 2,
                                   .pender = count_pender};
  ct_t a, b;
  cr_assert_eq(bcsc_executor_init(&g_wex, &config), 0);
  ct_init(&a, bind_and_wait);
  ct_init(&b, bind_and_wait);
  cr_assert_eq(bcsc_executor_spawn(&g_wex, &a.task), 0);
  cr_assert_eq(bcsc_executor_spawn(&g_wex, &b.task), 0);
  cr_assert_eq(bcsc_executor_poll(&g_wex, 8), 2);
  g_penders = 0;
  cr_assert_eq(bcsc_waker_wake(a.waker), 0);
  cr_assert_eq(bcsc_waker_wake(b.waker), 0);
  cr_assert_eq(g_penders, 1u);
  cr_assert_eq(bcsc_executor_poll(&g_wex, 8), 2);
  cr_assert(bcsc_task_done(&a.task) && bcsc_task_done(&b.task));
  cr_assert_eq(wake_stats().waker_notifies, 1u);
  cr_assert_eq(bcsc_executor_deinit(&g_wex), 0);
}
