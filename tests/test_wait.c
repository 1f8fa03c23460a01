/* SPDX-License-Identifier: MIT
 * test_wait.c - the wake path through the public API: registrations are
 * unlinked when their task is cancelled or completes (so a source can only
 * reach live waiters, even when the waiter's frame was on a stack that has
 * since been reused), select over several lists, FIFO wake order,
 * bcsc_wait_cancel, and waiter lists that cannot be torn down while used.
 *
 * Run under ASan with ASAN_OPTIONS=detect_stack_use_after_return=1: the
 * stack-reuse tests then also catch any read of a dead frame. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include <bcsc.h>

#include "bcsc_test.h"

#if defined(__GNUC__) || defined(__clang__)
#define NOINLINE __attribute__((noinline))
#else
#define NOINLINE
#endif

static void teardown(bcsc_executor_t *ex) {
  cr_assert_eq(bcsc_executor_live_roots(ex), 0);
  cr_assert_eq(bcsc_executor_deinit(ex), 0);
}

Test(wait, wait_on_pends_then_completes_with_the_source_value) {
  bcsc_executor_t ex;
  bcsc_waitq_t q;
  bcsc_test_leaf_t a;

  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  cr_assert_eq(bcsc_waitq_init(&q), 0);
  bcsc_test_leaf_init(&a, 1);
  a.queue = &q;
  cr_assert_eq(bcsc_executor_run(&ex, &a.task), BCSC_EDEADLK);
  cr_assert_eq(a.polls, 1);
  cr_assert(bcsc_wait_linked(&a.wait));
  cr_assert_eq(bcsc_wait_fired(&a.wait), 0);
  cr_assert_eq(bcsc_waitq_count(&q), 1);
  cr_assert_eq(bcsc_waitq_empty(&q), 0);

  cr_assert_eq(bcsc_waitq_wake_one(&q, 42), 1);
  /* Fired and unlinked before the task runs again. */
  cr_assert_eq(bcsc_wait_linked(&a.wait), 0);
  cr_assert(bcsc_wait_fired(&a.wait));
  cr_assert_eq(a.wait.value, 42);
  cr_assert_eq(bcsc_waitq_count(&q), 0);
  cr_assert_eq(bcsc_waitq_empty(&q), 1);
  cr_assert_eq(bcsc_waitq_empty(NULL), 1);
  cr_assert_eq(bcsc_waitq_wake_one(&q, 43), 0, "nobody left to wake");

  cr_assert_eq(bcsc_executor_run(&ex, &a.task), 0);
  cr_assert_eq(a.polls, 2);
  cr_assert_eq(a.wait_rc, 0);
  cr_assert_eq(a.value, 42);
  /* bcsc_wait_on consumed the fired mark; the value stays readable. */
  cr_assert_eq(bcsc_wait_fired(&a.wait), 0);
  cr_assert_eq(a.wait.value, 42);
  cr_assert_eq(bcsc_waitq_deinit(&q), 0);
  teardown(&ex);
}

/* ---- registrations never dangle -------------------------------------------
 * The waiter's frame lives on the stack of a helper that returns; another
 * call then reuses that stack area; only then does the source fire. If bcsc
 * left the registration linked, the fire would follow a pointer into dead
 * stack: ASan (detect_stack_use_after_return=1) reports it, the checked
 * build's canary reports FRAME_CLOBBERED, and the counts below fail. */

static NOINLINE void waiter_cancelled_on_this_stack(bcsc_executor_t *ex,
                                                    bcsc_waitq_t *q) {
  bcsc_test_leaf_t leaf;
  bcsc_test_leaf_init(&leaf, 1);
  leaf.queue = q;
  cr_assert_eq(bcsc_executor_spawn(ex, &leaf.task), 0);
  cr_assert_eq(bcsc_executor_poll(ex, 1), 1);
  cr_assert_eq(bcsc_waitq_count(q), 1);
  cr_assert(bcsc_wait_linked(&leaf.wait));

  cr_assert_eq(bcsc_task_cancel(&leaf.task), 0);
  cr_assert_eq(bcsc_waitq_count(q), 0);
  cr_assert_eq(bcsc_wait_linked(&leaf.wait), 0);
  cr_assert_eq(bcsc_executor_run(ex, &leaf.task), BCSC_ECANCELED);
  cr_assert(leaf.saw_cancel);
  cr_assert_eq(leaf.finished, 0);
}

/* Overwrites the stack area the helpers above used. */
static NOINLINE void reuse_the_stack(void) {
  volatile unsigned char scratch[4096];
  for (size_t i = 0; i < sizeof scratch; i++)
    scratch[i] = (unsigned char)(0xA5 ^ i);
  (void)scratch[0];
}

Test(wait, a_source_fired_after_its_waiter_was_cancelled_wakes_nobody) {
  bcsc_executor_t ex;
  bcsc_waitq_t q;
  bcsc_executor_stats_t st = {.size = sizeof st};

  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  cr_assert_eq(bcsc_waitq_init(&q), 0);
  waiter_cancelled_on_this_stack(&ex, &q);
  reuse_the_stack();

  cr_assert_eq(bcsc_waitq_count(&q), 0);
  cr_assert_eq(bcsc_waitq_wake_one(&q, 1), 0);
  cr_assert_eq(bcsc_waitq_wake_all(&q, 2), 0);
  cr_assert_eq(bcsc_executor_ready(&ex), 0);
  cr_assert_eq(bcsc_executor_stats(&ex, &st), 0);
  cr_assert_eq(st.completions, 1);
  cr_assert_eq(bcsc_waitq_deinit(&q), 0);
  teardown(&ex);
}

/* Registers on two lists and returns DONE while both are still linked. */
typedef struct quitter {
  bcsc_task_t task;
  bcsc_wait_t w1;
  bcsc_wait_t w2;
  bcsc_waitq_t *q1;
  bcsc_waitq_t *q2;
  uint32_t linked_in_poll;
} quitter_t;

static int quitter_poll(bcsc_task_t *self) {
  quitter_t *f = (quitter_t *)self;
  int rc;
  if ((rc = bcsc_wait_register(self, &f->w1, f->q1)) != 0 ||
      (rc = bcsc_wait_register(self, &f->w2, f->q2)) != 0)
    return rc;
  f->linked_in_poll = bcsc_waitq_count(f->q1) + bcsc_waitq_count(f->q2);
  return BCSC_DONE;
}

static NOINLINE void waiter_completes_on_this_stack(bcsc_executor_t *ex,
                                                    bcsc_waitq_t *q1,
                                                    bcsc_waitq_t *q2) {
  quitter_t f;
  memset(&f, 0, sizeof f);
  bcsc_task_init(&f.task, quitter_poll, NULL);
  bcsc_wait_init(&f.w1);
  bcsc_wait_init(&f.w2);
  f.q1 = q1;
  f.q2 = q2;
  cr_assert_eq(bcsc_executor_run(ex, &f.task), 0);
  cr_assert_eq(f.linked_in_poll, 2);
  cr_assert_eq(bcsc_waitq_count(q1), 0);
  cr_assert_eq(bcsc_waitq_count(q2), 0);
}

Test(wait, a_task_that_completes_leaves_no_registration_behind) {
  bcsc_executor_t ex;
  bcsc_waitq_t q1, q2;

  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  bcsc_waitq_init(&q1);
  bcsc_waitq_init(&q2);
  waiter_completes_on_this_stack(&ex, &q1, &q2);
  reuse_the_stack();
  cr_assert_eq(bcsc_waitq_wake_one(&q1, 0), 0);
  cr_assert_eq(bcsc_waitq_wake_all(&q2, 0), 0);
  cr_assert_eq(bcsc_executor_ready(&ex), 0);
  cr_assert_eq(bcsc_waitq_deinit(&q1), 0);
  cr_assert_eq(bcsc_waitq_deinit(&q2), 0);
  teardown(&ex);
}

/* ---- select -----------------------------------------------------------------
 */

typedef struct selector {
  bcsc_task_t task;
  bcsc_wait_t w[3];
  bcsc_waitq_t *q[3];
  int phase;
  uint32_t polls;
  int fired_count;
  int fired_index;
  uintptr_t value;
  int linked_after; /* registrations still linked when it resumed */
} selector_t;

static int selector_poll(bcsc_task_t *self) {
  selector_t *f = (selector_t *)self;
  f->polls++;
  if (f->phase == 0) {
    for (int i = 0; i < 3; i++) {
      int rc = bcsc_wait_register(self, &f->w[i], f->q[i]);
      if (rc != 0)
        return rc;
    }
    f->phase = 1;
    return BCSC_PENDING;
  }
  f->fired_index = -1;
  for (int i = 0; i < 3; i++) {
    f->linked_after += bcsc_wait_linked(&f->w[i]);
    if (bcsc_wait_fired(&f->w[i])) {
      f->fired_count++;
      f->fired_index = i;
      f->value = f->w[i].value;
    }
  }
  return BCSC_DONE;
}

static void selector_init(selector_t *f, bcsc_waitq_t *q0, bcsc_waitq_t *q1,
                          bcsc_waitq_t *q2) {
  memset(f, 0, sizeof *f);
  bcsc_task_init(&f->task, selector_poll, NULL);
  for (int i = 0; i < 3; i++)
    bcsc_wait_init(&f->w[i]);
  f->q[0] = q0;
  f->q[1] = q1;
  f->q[2] = q2;
}

Test(wait, select_is_woken_by_one_list_and_unlinked_from_the_others) {
  bcsc_executor_t ex;
  bcsc_waitq_t q[3];
  selector_t sel;
  bcsc_test_leaf_t next; /* waits on q[0] behind the selector */

  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  for (int i = 0; i < 3; i++)
    bcsc_waitq_init(&q[i]);
  selector_init(&sel, &q[0], &q[1], &q[2]);
  bcsc_test_leaf_init(&next, 2);
  next.queue = &q[0];
  cr_assert_eq(bcsc_executor_spawn(&ex, &sel.task), 0);
  cr_assert_eq(bcsc_executor_spawn(&ex, &next.task), 0);
  cr_assert_eq(bcsc_executor_run(&ex, NULL), BCSC_EDEADLK);
  cr_assert_eq(bcsc_waitq_count(&q[0]), 2);
  cr_assert_eq(bcsc_waitq_count(&q[1]), 1);
  cr_assert_eq(bcsc_waitq_count(&q[2]), 1);

  /* The middle list fires: the selector's other registrations go at once,
   * before it even runs, so the wake_one on q[0] below reaches `next` - the
   * selector would not consume it (the lost-wake-up this rule prevents). */
  cr_assert_eq(bcsc_waitq_wake_one(&q[1], 11), 1);
  cr_assert_eq(bcsc_waitq_count(&q[0]), 1);
  cr_assert_eq(bcsc_waitq_count(&q[1]), 0);
  cr_assert_eq(bcsc_waitq_count(&q[2]), 0);
  cr_assert_eq(bcsc_wait_linked(&sel.w[0]), 0);
  cr_assert_eq(bcsc_wait_linked(&sel.w[2]), 0);
  cr_assert_eq(bcsc_waitq_wake_one(&q[0], 22), 1);
  cr_assert(bcsc_wait_fired(&next.wait));
  cr_assert_eq(bcsc_wait_fired(&sel.w[0]), 0);
  cr_assert_eq(bcsc_waitq_wake_one(&q[2], 33), 0);

  cr_assert_eq(bcsc_executor_run(&ex, NULL), 0);
  cr_assert_eq(sel.polls, 2);
  cr_assert_eq(sel.fired_count, 1);
  cr_assert_eq(sel.fired_index, 1);
  cr_assert_eq(sel.value, 11);
  cr_assert_eq(sel.linked_after, 0);
  cr_assert(next.finished);
  cr_assert_eq(next.value, 22);
  for (int i = 0; i < 3; i++)
    cr_assert_eq(bcsc_waitq_deinit(&q[i]), 0);
  teardown(&ex);
}

Test(wait, a_second_wake_before_the_task_runs_queues_it_once) {
  bcsc_executor_t ex;
  bcsc_waitq_t q[3];
  selector_t sel;
  bcsc_executor_stats_t st = {.size = sizeof st};

  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  for (int i = 0; i < 3; i++)
    bcsc_waitq_init(&q[i]);
  selector_init(&sel, &q[0], &q[1], &q[2]);
  cr_assert_eq(bcsc_executor_run(&ex, &sel.task), BCSC_EDEADLK);
  cr_assert_eq(bcsc_waitq_wake_all(&q[2], 5), 1);
  cr_assert_eq(bcsc_waitq_wake_all(&q[0], 6), 0);
  cr_assert_eq(bcsc_executor_ready(&ex), 1);
  cr_assert_eq(bcsc_executor_run(&ex, &sel.task), 0);
  cr_assert_eq(sel.fired_index, 2);
  cr_assert_eq(sel.value, 5);
  cr_assert_eq(bcsc_executor_stats(&ex, &st), 0);
  cr_assert_eq(st.wakes, 1);
  cr_assert_eq(st.polls, 2);
  for (int i = 0; i < 3; i++)
    cr_assert_eq(bcsc_waitq_deinit(&q[i]), 0);
  teardown(&ex);
}

/* ---- FIFO ------------------------------------------------------------------
 * Spawned 1 2 3 4; 1 and 3 yield once first, so they register last: the
 * list's order is 2 4 1 3, which is neither spawn order nor its reverse. */

static void fifo_setup(bcsc_executor_t *ex, bcsc_waitq_t *q,
                       bcsc_test_leaf_t *leaves, bcsc_test_log_t *log) {
  static const int polled[] = {1, 2, 3, 4, 1, 3};
  char buf[128];
  bcsc_test_log_init(log);
  for (int i = 0; i < 4; i++) {
    bcsc_test_leaf_init(&leaves[i], i + 1);
    leaves[i].queue = q;
    leaves[i].log = log;
    leaves[i].yields = (i % 2 == 0) ? 1 : 0;
    leaves[i].result = 0;
    cr_assert_eq(bcsc_executor_spawn(ex, &leaves[i].task), 0);
  }
  cr_assert_eq(bcsc_executor_run(ex, NULL), BCSC_EDEADLK);
  cr_assert(bcsc_test_log_equals(log, polled, 6), "polled: %s",
            bcsc_test_log_format(log, buf, sizeof buf));
  cr_assert_eq(bcsc_waitq_count(q), 4);
  bcsc_test_log_init(log);
}

Test(wait, wake_all_wakes_oldest_registration_first) {
  static const int woken[] = {2, 4, 1, 3};
  bcsc_executor_t ex;
  bcsc_waitq_t q;
  bcsc_test_leaf_t leaves[4];
  bcsc_test_log_t log;
  char buf[128];

  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  bcsc_waitq_init(&q);
  fifo_setup(&ex, &q, leaves, &log);
  cr_assert_eq(bcsc_waitq_wake_all(&q, 9), 4);
  cr_assert_eq(bcsc_waitq_count(&q), 0);
  cr_assert_eq(bcsc_executor_ready(&ex), 4);
  cr_assert_eq(bcsc_executor_run(&ex, NULL), 0);
  cr_assert(bcsc_test_log_equals(&log, woken, 4), "ran: %s",
            bcsc_test_log_format(&log, buf, sizeof buf));
  for (int i = 0; i < 4; i++) {
    cr_assert(leaves[i].finished);
    cr_assert_eq(leaves[i].value, 9);
  }
  cr_assert_eq(bcsc_waitq_deinit(&q), 0);
  teardown(&ex);
}

Test(wait, wake_one_takes_the_oldest_registration) {
  static const int woken[] = {2, 4, 1, 3};
  bcsc_executor_t ex;
  bcsc_waitq_t q;
  bcsc_test_leaf_t leaves[4];
  bcsc_test_log_t log;
  char buf[128];

  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  bcsc_waitq_init(&q);
  fifo_setup(&ex, &q, leaves, &log);
  for (uint32_t n = 0; n < 4; n++) {
    cr_assert_eq(bcsc_waitq_wake_one(&q, 100 + n), 1);
    cr_assert_eq(bcsc_waitq_count(&q), 3 - n);
    cr_assert_eq(bcsc_executor_poll(&ex, 10), 1);
  }
  cr_assert_eq(bcsc_waitq_wake_one(&q, 0), 0);
  cr_assert(bcsc_test_log_equals(&log, woken, 4), "ran: %s",
            bcsc_test_log_format(&log, buf, sizeof buf));
  cr_assert_eq(leaves[1].value, 100);
  cr_assert_eq(leaves[3].value, 101);
  cr_assert_eq(leaves[0].value, 102);
  cr_assert_eq(leaves[2].value, 103);
  cr_assert_eq(bcsc_executor_run(&ex, NULL), 0);
  cr_assert_eq(bcsc_waitq_deinit(&q), 0);
  teardown(&ex);
}

/* ---- bcsc_wait_cancel
 * -------------------------------------------------------- */

Test(wait, wait_cancel_unlinks_one_registration_early) {
  bcsc_executor_t ex;
  bcsc_waitq_t q[3];
  selector_t sel;
  bcsc_wait_t never;
  bcsc_test_misuse_t misuse;

  bcsc_test_misuse_install(&misuse);
  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  for (int i = 0; i < 3; i++)
    bcsc_waitq_init(&q[i]);
  selector_init(&sel, &q[0], &q[1], &q[2]);
  cr_assert_eq(bcsc_executor_run(&ex, &sel.task), BCSC_EDEADLK);

  cr_assert_eq(bcsc_wait_cancel(&sel.w[0]), 1);
  cr_assert_eq(bcsc_wait_linked(&sel.w[0]), 0);
  cr_assert_eq(bcsc_waitq_count(&q[0]), 0);
  cr_assert_eq(bcsc_wait_cancel(&sel.w[0]), 0, "already unlinked");
  cr_assert_eq(bcsc_waitq_wake_one(&q[0], 1), 0, "nothing left on q0");
  cr_assert_eq(bcsc_executor_ready(&ex), 0);
  /* The task still waits on its other registrations. */
  cr_assert_eq(bcsc_waitq_count(&q[1]), 1);
  cr_assert_eq(bcsc_waitq_wake_one(&q[1], 2), 1);
  cr_assert_eq(bcsc_executor_run(&ex, &sel.task), 0);
  cr_assert_eq(sel.fired_index, 1);
  cr_assert_eq(sel.value, 2);
  cr_assert_eq(bcsc_waitq_count(&q[2]), 0);

  cr_assert_eq(bcsc_wait_init(&never), 0);
  cr_assert_eq(bcsc_wait_cancel(&never), 0);
  cr_assert_eq(bcsc_wait_cancel(NULL), BCSC_EINVAL);
  cr_assert_eq(misuse.count, bcsc_test_misuse_expected(1));
  for (int i = 0; i < 3; i++)
    cr_assert_eq(bcsc_waitq_deinit(&q[i]), 0);
  teardown(&ex);
}

/* After bcsc_wait_cancel() returned, the node is not linked, so its memory
 * may go (STYLE.md's Linux wait-queue pattern: an entry on the waiter's
 * stack, removed before the frame ends). bcsc must never read or write it
 * again: not at the task's next wake, not when the task completes. These
 * frames keep the node in a byte buffer and overwrite it right after the
 * cancel, then check that no byte changed. */
typedef struct dropper {
  bcsc_task_t task;
  bcsc_wait_t kept; /* a registration that stays (the select's other arm) */
  bcsc_waitq_t *q_dropped;
  bcsc_waitq_t *q_kept;
  int stay; /* 1: wait on q_kept afterwards; 0: complete at once */
  uint32_t polls;
  int register_rc;
  int cancel_rc;
  union {
    bcsc_wait_t node;
    unsigned char bytes[sizeof(bcsc_wait_t)];
  } dropped;
} dropper_t;

#define REUSED_BYTE 0x5A

static int dropper_poll(bcsc_task_t *self) {
  dropper_t *f = (dropper_t *)self;
  f->polls++;
  if (f->polls > 1)
    return BCSC_DONE;
  bcsc_wait_init(&f->dropped.node);
  f->register_rc = bcsc_wait_register(self, &f->dropped.node, f->q_dropped);
  if (f->stay && bcsc_wait_register(self, &f->kept, f->q_kept) != 0)
    return BCSC_EINVAL;
  f->cancel_rc = bcsc_wait_cancel(&f->dropped.node);
  memset(f->dropped.bytes, REUSED_BYTE, sizeof f->dropped.bytes);
  return f->stay ? BCSC_PENDING : BCSC_DONE;
}

static void dropper_init(dropper_t *f, bcsc_waitq_t *q_dropped,
                         bcsc_waitq_t *q_kept, int stay) {
  memset(f, 0, sizeof *f);
  bcsc_task_init(&f->task, dropper_poll, NULL);
  bcsc_wait_init(&f->kept);
  f->q_dropped = q_dropped;
  f->q_kept = q_kept;
  f->stay = stay;
}

static size_t bytes_changed(const dropper_t *f) {
  size_t n = 0;
  for (size_t i = 0; i < sizeof f->dropped.bytes; i++)
    n += f->dropped.bytes[i] != REUSED_BYTE;
  return n;
}

Test(wait, a_node_given_up_with_wait_cancel_is_not_touched_at_completion) {
  bcsc_executor_t ex;
  bcsc_waitq_t q;
  dropper_t f;

  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  bcsc_waitq_init(&q);
  dropper_init(&f, &q, NULL, 0);
  cr_assert_eq(bcsc_executor_run(&ex, &f.task), 0);
  cr_assert_eq(f.register_rc, 0);
  cr_assert_eq(f.cancel_rc, 1);
  cr_assert_eq(bytes_changed(&f), 0, "bcsc wrote to a node it had let go");
  cr_assert_eq(bcsc_waitq_count(&q), 0);
  cr_assert_eq(bcsc_waitq_deinit(&q), 0);
  teardown(&ex);
}

Test(wait, a_node_given_up_with_wait_cancel_is_not_touched_at_the_next_wake) {
  bcsc_executor_t ex;
  bcsc_waitq_t q_dropped, q_kept;
  dropper_t f;

  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  bcsc_waitq_init(&q_dropped);
  bcsc_waitq_init(&q_kept);
  dropper_init(&f, &q_dropped, &q_kept, 1);
  cr_assert_eq(bcsc_executor_run(&ex, &f.task), BCSC_EDEADLK);
  cr_assert_eq(f.cancel_rc, 1);
  cr_assert_eq(bcsc_waitq_count(&q_dropped), 0);
  cr_assert_eq(bcsc_waitq_count(&q_kept), 1);
  cr_assert_eq(bcsc_waitq_wake_one(&q_kept, 0), 1);
  cr_assert_eq(bytes_changed(&f), 0, "bcsc wrote to a node it had let go");
  cr_assert_eq(bcsc_executor_run(&ex, &f.task), 0);
  cr_assert_eq(f.polls, 2);
  cr_assert_eq(bytes_changed(&f), 0);
  cr_assert_eq(bcsc_waitq_deinit(&q_dropped), 0);
  cr_assert_eq(bcsc_waitq_deinit(&q_kept), 0);
  teardown(&ex);
}

/* The same on a real stack: the node is a local of a helper the poll
 * function calls, gone when the helper returns. With ASan
 * (detect_stack_use_after_return=1) any later access is reported. */
static NOINLINE int register_and_give_up_local(bcsc_task_t *self,
                                               bcsc_waitq_t *q) {
  bcsc_wait_t local;
  int rc;
  bcsc_wait_init(&local);
  if ((rc = bcsc_wait_register(self, &local, q)) != 0)
    return rc;
  return bcsc_wait_cancel(&local);
}

typedef struct stack_dropper {
  bcsc_task_t task;
  bcsc_waitq_t *q;
  int cancel_rc;
} stack_dropper_t;

static int stack_dropper_poll(bcsc_task_t *self) {
  stack_dropper_t *f = (stack_dropper_t *)self;
  f->cancel_rc = register_and_give_up_local(self, f->q);
  reuse_the_stack();
  return BCSC_DONE;
}

Test(wait, a_stack_node_given_up_with_wait_cancel_may_die_at_once) {
  bcsc_executor_t ex;
  bcsc_waitq_t q;
  stack_dropper_t f;

  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  bcsc_waitq_init(&q);
  memset(&f, 0, sizeof f);
  bcsc_task_init(&f.task, stack_dropper_poll, NULL);
  f.q = &q;
  cr_assert_eq(bcsc_executor_run(&ex, &f.task), 0);
  cr_assert_eq(f.cancel_rc, 1);
  cr_assert_eq(bcsc_waitq_count(&q), 0);
  cr_assert_eq(bcsc_waitq_deinit(&q), 0);
  teardown(&ex);
}

/* ---- tearing down a list --------------------------------------------------
 */

Test(wait, waitq_deinit_with_waiters_is_ebusy_and_leaves_the_list_intact) {
  bcsc_executor_t ex;
  bcsc_waitq_t q;
  bcsc_test_leaf_t a;
  bcsc_test_misuse_t misuse;

  bcsc_test_misuse_install(&misuse);
  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  bcsc_waitq_init(&q);
  bcsc_test_leaf_init(&a, 1);
  a.queue = &q;
  cr_assert_eq(bcsc_executor_run(&ex, &a.task), BCSC_EDEADLK);
  cr_assert_eq(bcsc_waitq_deinit(&q), BCSC_EBUSY);
  cr_assert_eq(misuse.count, bcsc_test_misuse_expected(1));
  cr_assert_eq(bcsc_test_misuse_count_code(&misuse, BCSC_MISUSE_WAITQ_BUSY),
               bcsc_test_misuse_expected(1));
  /* Still a working list: the waiter can be woken through it. */
  cr_assert_eq(bcsc_waitq_count(&q), 1);
  cr_assert_eq(bcsc_waitq_wake_one(&q, 4), 1);
  cr_assert_eq(bcsc_executor_run(&ex, &a.task), 0);
  cr_assert_eq(a.value, 4);
  cr_assert_eq(bcsc_waitq_deinit(&q), 0);
  /* Torn down: no longer a list. */
  cr_assert_eq(bcsc_waitq_wake_one(&q, 0), BCSC_EBADOBJ);
  cr_assert_eq(misuse.count, bcsc_test_misuse_expected(2));
  teardown(&ex);
}

/* D89: a torn-down list answers its queries as a zero one does, whatever
 * waited on it before; the caller's field is left alone. */
Test(wait, queries_after_waitq_deinit_answer_as_for_a_zero_list) {
  bcsc_executor_t ex;
  bcsc_waitq_t q;
  bcsc_test_leaf_t a;

  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  cr_assert_eq(bcsc_waitq_init(&q), 0);
  q.data = &a;
  bcsc_test_leaf_init(&a, 1);
  a.queue = &q;
  cr_assert_eq(bcsc_executor_run(&ex, &a.task), BCSC_EDEADLK);
  cr_assert_eq(bcsc_waitq_wake_one(&q, 4), 1);
  cr_assert_eq(bcsc_executor_run(&ex, &a.task), 0);
  cr_assert_eq(bcsc_waitq_deinit(&q), 0);
  cr_assert_eq(bcsc_waitq_count(&q), 0);
  cr_assert_eq(bcsc_waitq_empty(&q), 1);
  cr_assert_eq(q.data, &a);
  teardown(&ex);
}

/* ---- wait_on and cancellation -------------------------------------------- */

typedef struct probe {
  bcsc_task_t task;
  bcsc_wait_t w;
  bcsc_waitq_t *q;
  uint32_t polls;
  int second_rc;
  uint32_t count_after;
  int linked_after;
} probe_t;

static int probe_poll(bcsc_task_t *self) {
  probe_t *f = (probe_t *)self;
  int rc = bcsc_wait_on(self, &f->w, f->q);
  f->polls++;
  if (f->polls == 1)
    return rc;
  f->second_rc = rc;
  f->count_after = bcsc_waitq_count(f->q);
  f->linked_after = bcsc_wait_linked(&f->w);
  return rc == BCSC_PENDING ? BCSC_EINVAL : rc;
}

Test(wait, wait_on_in_a_cancelled_task_returns_ecanceled_without_registering) {
  bcsc_executor_t ex;
  bcsc_waitq_t q;
  probe_t f;

  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  bcsc_waitq_init(&q);
  memset(&f, 0, sizeof f);
  bcsc_task_init(&f.task, probe_poll, NULL);
  bcsc_wait_init(&f.w);
  f.q = &q;
  cr_assert_eq(bcsc_executor_run(&ex, &f.task), BCSC_EDEADLK);
  cr_assert_eq(bcsc_waitq_count(&q), 1);
  cr_assert_eq(bcsc_task_cancel(&f.task), 0);
  cr_assert_eq(bcsc_executor_run(&ex, &f.task), BCSC_ECANCELED);
  cr_assert_eq(f.polls, 2);
  cr_assert_eq(f.second_rc, BCSC_ECANCELED);
  cr_assert_eq(f.count_after, 0);
  cr_assert_eq(f.linked_after, 0);
  cr_assert_eq(bcsc_waitq_deinit(&q), 0);
  teardown(&ex);
}

/* Yields (so it is woken during its own poll), then registers: that
 * registration is dropped when the poll returns, since the task runs again
 * anyway and must not hold a wake it would not consume. */
typedef struct late_register {
  bcsc_task_t task;
  bcsc_wait_t w;
  bcsc_waitq_t *q;
  uint32_t polls;
  int register_rc;
  uint32_t count_in_poll;
} late_register_t;

static int late_register_poll(bcsc_task_t *self) {
  late_register_t *f = (late_register_t *)self;
  f->polls++;
  if (f->polls > 1)
    return BCSC_DONE;
  (void)bcsc_task_yield(self);
  f->register_rc = bcsc_wait_register(self, &f->w, f->q);
  f->count_in_poll = bcsc_waitq_count(f->q);
  return BCSC_PENDING;
}

Test(wait, a_registration_made_after_a_wake_in_the_same_poll_is_dropped) {
  bcsc_executor_t ex;
  bcsc_waitq_t q;
  late_register_t f;

  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  bcsc_waitq_init(&q);
  memset(&f, 0, sizeof f);
  bcsc_task_init(&f.task, late_register_poll, NULL);
  bcsc_wait_init(&f.w);
  f.q = &q;
  cr_assert_eq(bcsc_executor_spawn(&ex, &f.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 1), 1);
  cr_assert_eq(f.register_rc, 0);
  cr_assert_eq(f.count_in_poll, 1);
  cr_assert_eq(bcsc_waitq_count(&q), 0);
  cr_assert_eq(bcsc_wait_linked(&f.w), 0);
  cr_assert_eq(bcsc_executor_ready(&ex), 1);
  cr_assert_eq(bcsc_waitq_wake_one(&q, 0), 0);
  cr_assert_eq(bcsc_executor_run(&ex, &f.task), 0);
  cr_assert_eq(f.polls, 2);
  cr_assert_eq(bcsc_waitq_deinit(&q), 0);
  teardown(&ex);
}

Test(wait, static_initialisers_make_working_objects) {
  bcsc_executor_t ex;
  bcsc_waitq_t q = BCSC_WAITQ_INITIALIZER;
  bcsc_test_leaf_t a;

  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  bcsc_test_leaf_init(&a, 1);
  a.queue = &q;
  a.wait = (bcsc_wait_t)BCSC_WAIT_INITIALIZER;
  cr_assert_eq(bcsc_executor_run(&ex, &a.task), BCSC_EDEADLK);
  cr_assert_eq(bcsc_waitq_count(&q), 1);
  cr_assert_eq(bcsc_waitq_wake_all(&q, 8), 1);
  cr_assert_eq(bcsc_executor_run(&ex, &a.task), 0);
  cr_assert_eq(a.value, 8);
  cr_assert_eq(bcsc_waitq_deinit(&q), 0);
  teardown(&ex);
}

/* A waiting call names a task that is not being polled: one never spawned
 * (it has no scope, so no executor to look at), and one spawned but
 * waiting on the run queue. Both are refused (wait.c's bcsc__wait_take())
 * and leave the registration idle; the spawned one then runs as usual. */
static int returns_at_once(bcsc_task_t *self) {
  (void)self;
  return 0;
}

Test(wait, only_the_task_being_polled_can_wait) {
  bcsc_test_misuse_t rec;
  bcsc_executor_t ex;
  bcsc_task_t idle, queued;
  bcsc_event_t ev;
  bcsc_wait_t w;

  bcsc_test_misuse_install(&rec);
  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  bcsc_task_init(&idle, returns_at_once, NULL);
  bcsc_task_init(&queued, returns_at_once, NULL);
  cr_assert_eq(bcsc_executor_spawn(&ex, &queued), 0);
  cr_assert_eq(bcsc_event_init(&ev), 0);
  cr_assert_eq(bcsc_wait_init(&w), 0);
  cr_assert_eq(bcsc_event_wait(&idle, &ev, &w), BCSC_EPERM);
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_NOT_RUNNING, &idle));
  cr_assert_eq(bcsc_event_wait(&queued, &ev, &w), BCSC_EPERM);
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_NOT_RUNNING, &queued));
  cr_assert_eq(bcsc_wait_linked(&w), 0);
  cr_assert_eq(bcsc_executor_run(&ex, &queued), 0);
  cr_assert_eq(bcsc_event_deinit(&ev), 0);
  teardown(&ex);
  bcsc_test_misuse_uninstall();
}

Test(wait, a_list_that_is_not_one_takes_no_mode) {
  bcsc_waitq_t q = BCSC_WAITQ_INITIALIZER, zero;
  bcsc_test_misuse_t rec;
  memset(&zero, 0, sizeof zero);
  bcsc_test_misuse_install(&rec);
  cr_assert_eq(bcsc_waitq_set_handoff(&zero, 1), BCSC_EBADOBJ);
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_BAD_OBJECT, &zero));
  cr_assert_eq(bcsc_waitq_deinit(&q), 0);
  cr_assert_eq(bcsc_waitq_set_handoff(&q, 1), BCSC_EBADOBJ, "torn down");
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_BAD_OBJECT, &q));
  cr_assert_eq(bcsc_waitq_set_handoff(NULL, 1), BCSC_EINVAL);
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_NULL_OBJECT, NULL));
  bcsc_test_misuse_uninstall();
  /* What the refused calls were given is still a list that is not one. */
  cr_assert_eq(memcmp(&zero, &(bcsc_waitq_t){0}, sizeof zero), 0);
}
