/* SPDX-License-Identifier: MIT
 * test_scope.c - scope semantics through the public API: nesting (1000
 * levels, every frame on this test's stack), cancellation of subtrees, the
 * three policies, draining the scopes a task left open, join results, and
 * cancelling one task. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include <bcsc.h>

#include "bcsc_stepped.h"
#include "bcsc_test.h"

/* Every test ends the same way: the executor has no live task left. */
static void teardown(bcsc_executor_t *ex) {
  cr_assert_eq(bcsc_executor_live_roots(ex), 0);
  cr_assert_eq(bcsc_executor_deinit(ex), 0);
}

/* ---- nesting 1000 deep ---------------------------------------------------
 * Level i opens a scope and spawns level i+1 into it; the deepest level
 * opens its scope too and waits on a list. All 1000 frames are one array
 * on the test's stack: scopes nest like stack frames, so this is legal. */

#define DEPTH 1000

typedef struct nest {
  bcsc_task_t task;
  bcsc_scope_t scope;
  bcsc_wait_t wait;
  struct nest *child; /* NULL at the deepest level */
  bcsc_waitq_t *bottom;
  int phase;
  /* observations */
  uint32_t polls;
  int saw_cancel;
  int wait_rc;
  int joined;
  int join_rc;
} nest_t;

static int nest_poll(bcsc_task_t *self) {
  nest_t *n = (nest_t *)self;
  int rc;
  n->polls++;
  if (bcsc_task_cancelled(self))
    n->saw_cancel = 1;
  if (n->phase == 0) {
    if ((rc = bcsc_scope_init(&n->scope, self, BCSC_SCOPE_FAIL_FAST)) != 0)
      return rc;
    if (n->child != NULL &&
        (rc = bcsc_scope_spawn(&n->scope, &n->child->task)) != 0)
      return rc;
    n->phase = 1;
  }
  if (n->phase == 1) {
    if (n->child == NULL) {
      rc = bcsc_wait_on(self, &n->wait, n->bottom);
      if (rc == BCSC_PENDING)
        return BCSC_PENDING;
      n->wait_rc = rc;
    }
    n->phase = 2;
  }
  rc = bcsc_scope_join(&n->scope);
  if (rc == BCSC_PENDING)
    return BCSC_PENDING;
  n->joined = 1;
  n->join_rc = rc;
  return rc;
}

static void nest_init(nest_t *levels, bcsc_waitq_t *bottom) {
  memset(levels, 0, sizeof(nest_t) * DEPTH);
  for (int i = 0; i < DEPTH; i++) {
    bcsc_task_init(&levels[i].task, nest_poll, NULL);
    bcsc_wait_init(&levels[i].wait);
    levels[i].child = i + 1 < DEPTH ? &levels[i + 1] : NULL;
    levels[i].bottom = bottom;
  }
}

/* Runs until the whole tree is built and waiting: one poll per level, the
 * deepest registered on `bottom`, every scope with exactly one live child
 * (none at the bottom). */
static void nest_build(bcsc_executor_t *ex, nest_t *levels,
                       bcsc_waitq_t *bottom) {
  cr_assert_eq(bcsc_executor_run(ex, &levels[0].task), BCSC_EDEADLK);
  cr_assert_eq(bcsc_waitq_count(bottom), 1);
  for (int i = 0; i < DEPTH; i++) {
    cr_assert_eq(levels[i].polls, 1, "level %d polled %u times", i,
                 levels[i].polls);
    cr_assert_eq(bcsc_scope_live(&levels[i].scope), i + 1 < DEPTH ? 1u : 0u,
                 "level %d", i);
    cr_assert_eq(bcsc_task_done(&levels[i].task), 0);
  }
}

Test(scope, nests_1000_deep_on_one_stack_and_all_complete) {
  bcsc_executor_t ex;
  bcsc_waitq_t bottom;
  nest_t levels[DEPTH];
  bcsc_executor_stats_t st = {.size = sizeof st};

  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  cr_assert_eq(bcsc_waitq_init(&bottom), 0);
  nest_init(levels, &bottom);
  nest_build(&ex, levels, &bottom);

  cr_assert_eq(bcsc_waitq_wake_one(&bottom, 7), 1);
  cr_assert_eq(bcsc_executor_run(&ex, &levels[0].task), 0);
  for (int i = 0; i < DEPTH; i++) {
    cr_assert_eq(levels[i].polls, 2, "level %d polled %u times", i,
                 levels[i].polls);
    cr_assert(levels[i].joined, "level %d did not join", i);
    cr_assert_eq(levels[i].join_rc, 0, "level %d", i);
    cr_assert_eq(levels[i].saw_cancel, 0, "level %d", i);
    cr_assert(bcsc_task_done(&levels[i].task));
    cr_assert_eq(bcsc_task_result(&levels[i].task), 0);
  }
  cr_assert_eq(levels[DEPTH - 1].wait_rc, 0);
  cr_assert_eq(levels[DEPTH - 1].wait.value, 7);
  /* Each level completes once, and each but the bottom is woken once by
   * its child's completion; the bottom is woken by the list. */
  cr_assert_eq(bcsc_executor_stats(&ex, &st), 0);
  cr_assert_eq(st.spawns, DEPTH);
  cr_assert_eq(st.completions, DEPTH);
  cr_assert_eq(st.polls, 2 * DEPTH);
  cr_assert_eq(st.wakes, DEPTH);
  cr_assert_eq(st.cancels, 0);
  cr_assert_eq(bcsc_waitq_deinit(&bottom), 0);
  teardown(&ex);
}

Test(scope, cancelling_a_1000_deep_tree_from_the_root_reaches_every_level) {
  bcsc_executor_t ex;
  bcsc_waitq_t bottom;
  nest_t levels[DEPTH];
  bcsc_executor_stats_t st = {.size = sizeof st};

  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  cr_assert_eq(bcsc_waitq_init(&bottom), 0);
  nest_init(levels, &bottom);
  nest_build(&ex, levels, &bottom);

  cr_assert_eq(bcsc_task_cancel(&levels[0].task), 0);
  /* Eager (D10): the whole subtree is marked and unlinked at once. */
  cr_assert_eq(bcsc_waitq_count(&bottom), 0);
  for (int i = 0; i < DEPTH; i++) {
    cr_assert(bcsc_task_cancelled(&levels[i].task), "level %d", i);
    cr_assert(bcsc_scope_cancelled(&levels[i].scope), "level %d", i);
  }
  cr_assert_eq(bcsc_executor_ready(&ex), DEPTH);

  cr_assert_eq(bcsc_executor_run(&ex, &levels[0].task), BCSC_ECANCELED);
  for (int i = 0; i < DEPTH; i++) {
    cr_assert(levels[i].saw_cancel, "level %d never saw cancellation", i);
    cr_assert(levels[i].joined, "level %d did not join", i);
    cr_assert_eq(levels[i].join_rc, BCSC_ECANCELED, "level %d", i);
    cr_assert_eq(bcsc_task_result(&levels[i].task), BCSC_ECANCELED);
  }
  cr_assert_eq(levels[DEPTH - 1].wait_rc, BCSC_ECANCELED);
  /* A cancelled child returning ECANCELED is no error of its scope. */
  for (int i = 0; i < DEPTH; i++)
    cr_assert_eq(bcsc_scope_error_count(&levels[i].scope), 0);
  cr_assert_eq(bcsc_executor_stats(&ex, &st), 0);
  cr_assert_eq(st.cancels, DEPTH);
  cr_assert_eq(st.completions, DEPTH);
  cr_assert_eq(bcsc_waitq_deinit(&bottom), 0);
  teardown(&ex);
}

/* ---- cancel propagation ---------------------------------------------------
 * root (FAIL_FAST) -> l1 (waits q1), l2 (waits q2, async cleanup on cq),
 *                     sub (WAIT_ALL) -> l3 (waits q1), l4 (waits q3) */

Test(scope, cancel_reaches_every_descendant_and_unlinks_its_registrations) {
  bcsc_executor_t ex;
  bcsc_waitq_t q1, q2, q3, cq;
  bcsc_test_leaf_t l1, l2, l3, l4;
  bcsc_test_owner_t root, sub;
  bcsc_task_t *sub_children[] = {&l3.task, &l4.task};
  bcsc_task_t *root_children[] = {&l1.task, &l2.task, &sub.task};
  bcsc_test_leaf_t *leaves[] = {&l1, &l2, &l3, &l4};

  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  bcsc_waitq_init(&q1);
  bcsc_waitq_init(&q2);
  bcsc_waitq_init(&q3);
  bcsc_waitq_init(&cq);
  bcsc_test_leaf_init(&l1, 1);
  l1.queue = &q1;
  bcsc_test_leaf_init(&l2, 2);
  l2.queue = &q2;
  l2.cleanup_queue = &cq;
  bcsc_test_leaf_init(&l3, 3);
  l3.queue = &q1;
  bcsc_test_leaf_init(&l4, 4);
  l4.queue = &q3;
  bcsc_test_owner_init(&sub, 10, BCSC_SCOPE_WAIT_ALL, sub_children, 2);
  bcsc_test_owner_init(&root, 0, BCSC_SCOPE_FAIL_FAST, root_children, 3);

  cr_assert_eq(bcsc_executor_run(&ex, &root.task), BCSC_EDEADLK);
  cr_assert_eq(bcsc_waitq_count(&q1), 2);
  cr_assert_eq(bcsc_waitq_count(&q2), 1);
  cr_assert_eq(bcsc_waitq_count(&q3), 1);
  cr_assert_eq(bcsc_scope_live(&root.scope), 3);
  cr_assert_eq(bcsc_scope_live(&sub.scope), 2);

  /* Cancel from outside any poll: the owner keeps running, its scope and
   * everything below it is cancelled. */
  cr_assert_eq(bcsc_scope_cancel(&root.scope), 0);
  cr_assert_eq(bcsc_waitq_count(&q1), 0);
  cr_assert_eq(bcsc_waitq_count(&q2), 0);
  cr_assert_eq(bcsc_waitq_count(&q3), 0);
  for (int i = 0; i < 4; i++) {
    cr_assert(bcsc_task_cancelled(&leaves[i]->task), "leaf %d", i + 1);
    cr_assert_eq(bcsc_wait_linked(&leaves[i]->wait), 0, "leaf %d", i + 1);
  }
  cr_assert(bcsc_task_cancelled(&sub.task));
  cr_assert(bcsc_scope_cancelled(&sub.scope));
  cr_assert_eq(bcsc_task_cancelled(&root.task), 0);

  /* l2's cleanup is asynchronous: it keeps the tree open. */
  cr_assert_eq(bcsc_executor_run(&ex, &root.task), BCSC_EDEADLK);
  cr_assert_eq(bcsc_waitq_count(&cq), 1);
  cr_assert(l2.cleanup_waiting);
  cr_assert_eq(l2.cleaned, 0);
  cr_assert_eq(bcsc_scope_live(&root.scope), 1);
  cr_assert_eq(root.joined, 0);
  cr_assert(l1.cleaned && l3.cleaned && l4.cleaned);
  cr_assert(sub.joined);
  cr_assert_eq(sub.join_rc, BCSC_ECANCELED);

  cr_assert_eq(bcsc_waitq_wake_one(&cq, 0), 1);
  cr_assert_eq(bcsc_executor_run(&ex, &root.task), BCSC_ECANCELED);
  for (int i = 0; i < 4; i++) {
    cr_assert(leaves[i]->saw_cancel, "leaf %d", i + 1);
    cr_assert(leaves[i]->cleaned, "leaf %d", i + 1);
    cr_assert_eq(leaves[i]->finished, 0, "leaf %d", i + 1);
    cr_assert_eq(bcsc_task_result(&leaves[i]->task), BCSC_ECANCELED);
  }
  cr_assert(sub.saw_cancel);
  cr_assert_eq(root.saw_cancel, 0);
  cr_assert(root.joined);
  cr_assert_eq(root.join_rc, BCSC_ECANCELED);
  cr_assert_eq(bcsc_scope_error_count(&root.scope), 0);
  cr_assert_eq(bcsc_scope_error_count(&sub.scope), 0);
  cr_assert_eq(bcsc_waitq_deinit(&q1), 0);
  cr_assert_eq(bcsc_waitq_deinit(&q2), 0);
  cr_assert_eq(bcsc_waitq_deinit(&q3), 0);
  cr_assert_eq(bcsc_waitq_deinit(&cq), 0);
  teardown(&ex);
}

/* ---- policies ---------------------------------------------------------------
 */

Test(scope, fail_fast_first_error_cancels_siblings_and_join_returns_it) {
  bcsc_executor_t ex;
  bcsc_waitq_t q, cq;
  bcsc_test_leaf_t a, b, c;
  bcsc_test_owner_t owner;
  bcsc_task_t *children[] = {&a.task, &b.task, &c.task};

  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  bcsc_waitq_init(&q);
  bcsc_waitq_init(&cq);
  bcsc_test_leaf_init(&a, 1);
  a.queue = &q;
  bcsc_test_leaf_init(&b, 2);
  b.yields = 1; /* fails only once a and c are waiting */
  b.result = BCSC_TEST_E1;
  bcsc_test_leaf_init(&c, 3);
  c.queue = &q;
  c.cleanup_queue = &cq;
  c.cancel_result = BCSC_TEST_E2; /* a cleanup that fails after the first */
  bcsc_test_owner_init(&owner, 0, BCSC_SCOPE_FAIL_FAST, children, 3);

  cr_assert_eq(bcsc_executor_run(&ex, &owner.task), BCSC_EDEADLK);
  cr_assert(b.finished);
  cr_assert(bcsc_scope_cancelled(&owner.scope));
  cr_assert_eq(bcsc_waitq_count(&q), 0, "siblings' registrations unlinked");
  cr_assert(a.saw_cancel);
  cr_assert(a.cleaned);
  cr_assert_eq(a.finished, 0);
  cr_assert(c.saw_cancel);
  cr_assert(c.cleanup_waiting);
  cr_assert_eq(b.saw_cancel, 0);
  cr_assert_eq(owner.joined, 0, "join waits for c's cleanup");
  cr_assert_eq(bcsc_scope_live(&owner.scope), 1);

  cr_assert_eq(bcsc_waitq_wake_one(&cq, 0), 1);
  cr_assert_eq(bcsc_executor_run(&ex, &owner.task), BCSC_TEST_E1);
  cr_assert(owner.joined);
  cr_assert_eq(owner.join_rc, BCSC_TEST_E1, "the first error, not c's");
  cr_assert_eq(bcsc_scope_error_count(&owner.scope), 2);
  cr_assert_eq(bcsc_task_result(&a.task), BCSC_ECANCELED);
  cr_assert_eq(bcsc_task_result(&b.task), BCSC_TEST_E1);
  cr_assert_eq(bcsc_task_result(&c.task), BCSC_TEST_E2);
  cr_assert_eq(bcsc_waitq_deinit(&q), 0);
  cr_assert_eq(bcsc_waitq_deinit(&cq), 0);
  teardown(&ex);
}

Test(scope, wait_all_runs_every_child_to_the_end_and_keeps_the_first_error) {
  bcsc_executor_t ex;
  bcsc_waitq_t q;
  bcsc_test_leaf_t a, b, c;
  bcsc_test_owner_t owner;
  bcsc_task_t *children[] = {&a.task, &b.task, &c.task};

  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  bcsc_waitq_init(&q);
  bcsc_test_leaf_init(&a, 1);
  a.result = BCSC_TEST_E1; /* fails first */
  bcsc_test_leaf_init(&b, 2);
  b.yields = 3;
  b.result = BCSC_TEST_E2; /* fails later */
  bcsc_test_leaf_init(&c, 3);
  c.queue = &q;
  c.result = 0; /* succeeds last, after the list fires */
  bcsc_test_owner_init(&owner, 0, BCSC_SCOPE_WAIT_ALL, children, 3);

  cr_assert_eq(bcsc_executor_run(&ex, &owner.task), BCSC_EDEADLK);
  cr_assert(a.finished);
  cr_assert(b.finished);
  cr_assert_eq(b.yielded, 3);
  cr_assert_eq(bcsc_scope_cancelled(&owner.scope), 0);
  cr_assert_eq(c.saw_cancel, 0);
  cr_assert_eq(bcsc_waitq_count(&q), 1, "c still waits: nobody cancelled it");
  cr_assert_eq(bcsc_scope_error_count(&owner.scope), 2);
  cr_assert_eq(owner.joined, 0);

  cr_assert_eq(bcsc_waitq_wake_one(&q, 5), 1);
  cr_assert_eq(bcsc_executor_run(&ex, &owner.task), BCSC_TEST_E1);
  cr_assert(c.finished);
  cr_assert_eq(c.value, 5);
  cr_assert_eq(owner.join_rc, BCSC_TEST_E1);
  cr_assert_eq(bcsc_scope_error_count(&owner.scope), 2);
  cr_assert_eq(a.saw_cancel + b.saw_cancel + c.saw_cancel, 0);
  cr_assert_eq(bcsc_waitq_deinit(&q), 0);
  teardown(&ex);
}

Test(scope, wait_all_without_errors_joins_to_zero) {
  bcsc_executor_t ex;
  bcsc_test_leaf_t a, b;
  bcsc_test_owner_t owner;
  bcsc_task_t *children[] = {&a.task, &b.task};

  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  bcsc_test_leaf_init(&a, 1);
  a.yields = 2;
  bcsc_test_leaf_init(&b, 2);
  bcsc_test_owner_init(&owner, 0, BCSC_SCOPE_WAIT_ALL, children, 2);
  owner.early_result = BCSC_TEST_E3; /* unused: proves join's 0 is real */
  cr_assert_eq(bcsc_executor_run(&ex, &owner.task), 0);
  cr_assert(owner.joined);
  cr_assert_eq(owner.join_rc, 0);
  cr_assert(a.finished && b.finished);
  cr_assert_eq(bcsc_scope_error_count(&owner.scope), 0);
  teardown(&ex);
}

Test(scope, race_first_finisher_wins_and_losers_are_cancelled_and_drained) {
  bcsc_executor_t ex;
  bcsc_waitq_t qa, qb, qc, cq;
  bcsc_test_leaf_t a, b, c;
  bcsc_test_owner_t owner;
  bcsc_task_t *children[] = {&a.task, &b.task, &c.task};

  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  bcsc_waitq_init(&qa);
  bcsc_waitq_init(&qb);
  bcsc_waitq_init(&qc);
  bcsc_waitq_init(&cq);
  bcsc_test_leaf_init(&a, 1);
  a.queue = &qa;
  a.result = BCSC_TEST_E1;
  bcsc_test_leaf_init(&b, 2);
  b.queue = &qb;
  b.result = BCSC_TEST_E2;
  bcsc_test_leaf_init(&c, 3);
  c.queue = &qc;
  c.result = BCSC_TEST_E3;
  c.cleanup_queue = &cq;
  c.cancel_result = BCSC_TEST_E4; /* a loser finishing with its own code */
  bcsc_test_owner_init(&owner, 0, BCSC_SCOPE_RACE, children, 3);

  cr_assert_eq(bcsc_executor_run(&ex, &owner.task), BCSC_EDEADLK);
  /* b finishes first (the middle child, so spawn order cannot explain it). */
  cr_assert_eq(bcsc_waitq_wake_one(&qb, 0), 1);
  cr_assert_eq(bcsc_executor_run(&ex, &owner.task), BCSC_EDEADLK);
  cr_assert(b.finished);
  cr_assert(bcsc_scope_cancelled(&owner.scope));
  cr_assert_eq(bcsc_waitq_count(&qa), 0);
  cr_assert_eq(bcsc_waitq_count(&qc), 0);
  cr_assert(a.saw_cancel && a.cleaned);
  cr_assert(c.saw_cancel && c.cleanup_waiting);
  cr_assert_eq(owner.joined, 0, "join waits for the losers to drain");

  cr_assert_eq(bcsc_waitq_wake_one(&cq, 0), 1);
  cr_assert_eq(bcsc_executor_run(&ex, &owner.task), BCSC_TEST_E2);
  cr_assert_eq(owner.join_rc, BCSC_TEST_E2);
  cr_assert_eq(a.finished + c.finished, 0);
  cr_assert_eq(b.saw_cancel, 0);
  cr_assert_eq(bcsc_task_result(&c.task), BCSC_TEST_E4);
  cr_assert_eq(bcsc_waitq_deinit(&qa), 0);
  cr_assert_eq(bcsc_waitq_deinit(&qb), 0);
  cr_assert_eq(bcsc_waitq_deinit(&qc), 0);
  cr_assert_eq(bcsc_waitq_deinit(&cq), 0);
  teardown(&ex);
}

Test(scope, race_winner_is_the_first_to_finish_not_the_first_spawned) {
  bcsc_executor_t ex;
  bcsc_waitq_t qa, qc;
  bcsc_test_leaf_t a, c;
  bcsc_test_owner_t owner;
  bcsc_task_t *children[] = {&a.task, &c.task};

  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  bcsc_waitq_init(&qa);
  bcsc_waitq_init(&qc);
  bcsc_test_leaf_init(&a, 1);
  a.queue = &qa;
  a.result = BCSC_TEST_E1;
  bcsc_test_leaf_init(&c, 2);
  c.queue = &qc;
  c.result = BCSC_TEST_E2;
  bcsc_test_owner_init(&owner, 0, BCSC_SCOPE_RACE, children, 2);

  cr_assert_eq(bcsc_executor_run(&ex, &owner.task), BCSC_EDEADLK);
  /* Both become ready; c was woken first, so c runs and finishes first. By
   * the time a runs it has been cancelled: it never finishes. */
  cr_assert_eq(bcsc_waitq_wake_one(&qc, 0), 1);
  cr_assert_eq(bcsc_waitq_wake_one(&qa, 0), 1);
  cr_assert_eq(bcsc_executor_run(&ex, &owner.task), BCSC_TEST_E2);
  cr_assert(c.finished);
  cr_assert_eq(a.finished, 0);
  cr_assert(a.saw_cancel);
  cr_assert_eq(bcsc_task_result(&a.task), BCSC_ECANCELED);
  cr_assert_eq(bcsc_waitq_deinit(&qa), 0);
  cr_assert_eq(bcsc_waitq_deinit(&qc), 0);
  teardown(&ex);
}

Test(scope, race_cancelled_children_never_win) {
  bcsc_executor_t ex;
  bcsc_waitq_t q;
  bcsc_test_leaf_t a, b;
  bcsc_test_owner_t owner;
  bcsc_task_t *children[] = {&a.task, &b.task};

  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  bcsc_waitq_init(&q);
  bcsc_test_leaf_init(&a, 1);
  a.queue = &q;
  a.cancel_result = BCSC_TEST_E1; /* finishes first, but cancelled */
  bcsc_test_leaf_init(&b, 2);
  b.queue = &q;
  b.cancel_result = 0; /* even a cancelled success does not win */
  bcsc_test_owner_init(&owner, 0, BCSC_SCOPE_RACE, children, 2);

  cr_assert_eq(bcsc_executor_run(&ex, &owner.task), BCSC_EDEADLK);
  cr_assert_eq(bcsc_scope_cancel(&owner.scope), 0);
  cr_assert_eq(bcsc_executor_run(&ex, &owner.task), BCSC_ECANCELED);
  cr_assert_eq(owner.join_rc, BCSC_ECANCELED);
  cr_assert(a.cleaned && b.cleaned);
  cr_assert_eq(bcsc_task_result(&a.task), BCSC_TEST_E1);
  cr_assert_eq(bcsc_task_result(&b.task), 0);
  cr_assert_eq(bcsc_waitq_deinit(&q), 0);
  teardown(&ex);
}

/* ---- early return drains ------------------------------------------------- */

/* Owner waits on gate with a and b running, then returns with its scope
 * open. a cleans up asynchronously (waits on cq); the owner must not
 * complete before it. */
static void early_return_scenario(int owner_result, int a_cancel_result,
                                  int expected) {
  bcsc_executor_t ex;
  bcsc_waitq_t q, gate, cq;
  bcsc_test_leaf_t a, b;
  bcsc_test_owner_t owner;
  bcsc_task_t *children[] = {&a.task, &b.task};

  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  bcsc_waitq_init(&q);
  bcsc_waitq_init(&gate);
  bcsc_waitq_init(&cq);
  bcsc_test_leaf_init(&a, 1);
  a.queue = &q;
  a.cleanup_queue = &cq;
  a.cancel_result = a_cancel_result;
  bcsc_test_leaf_init(&b, 2);
  b.queue = &q;
  bcsc_test_owner_init(&owner, 0, BCSC_SCOPE_FAIL_FAST, children, 2);
  owner.gate = &gate;
  owner.early_return = 1;
  owner.early_result = owner_result;

  cr_assert_eq(bcsc_executor_run(&ex, &owner.task), BCSC_EDEADLK);
  cr_assert_eq(bcsc_waitq_count(&q), 2);
  cr_assert_eq(bcsc_waitq_wake_one(&gate, 0), 1);

  /* The owner returns; bcsc cancels a and b and waits for them. */
  cr_assert_eq(bcsc_executor_run(&ex, &owner.task), BCSC_EDEADLK);
  cr_assert_eq(owner.polls, 2);
  cr_assert_eq(owner.joined, 0);
  cr_assert_eq(bcsc_waitq_count(&q), 0);
  cr_assert(bcsc_scope_cancelled(&owner.scope));
  cr_assert(b.saw_cancel && b.cleaned);
  cr_assert(a.saw_cancel);
  cr_assert(a.cleanup_waiting);
  cr_assert_eq(a.cleaned, 0);
  cr_assert_eq(bcsc_waitq_count(&cq), 1);
  cr_assert_eq(bcsc_task_done(&owner.task), 0, "owner outlived a child");
  cr_assert_eq(bcsc_task_result(&owner.task), BCSC_ESTATE);
  cr_assert_eq(bcsc_executor_live_roots(&ex), 1);

  cr_assert_eq(bcsc_waitq_wake_one(&cq, 0), 1);
  cr_assert_eq(bcsc_executor_run(&ex, &owner.task), expected);
  cr_assert(a.cleaned);
  cr_assert(bcsc_task_done(&a.task));
  cr_assert(bcsc_task_done(&owner.task));
  cr_assert_eq(bcsc_task_result(&owner.task), expected);
  cr_assert_eq(owner.polls, 2, "bcsc drains without polling the owner");
  cr_assert_eq(bcsc_waitq_deinit(&q), 0);
  cr_assert_eq(bcsc_waitq_deinit(&gate), 0);
  cr_assert_eq(bcsc_waitq_deinit(&cq), 0);
  teardown(&ex);
}

Test(scope, early_return_cancels_children_and_waits_for_async_cleanup) {
  early_return_scenario(0, BCSC_ECANCELED, 0);
}

Test(scope, early_return_child_error_becomes_the_owner_result) {
  early_return_scenario(0, BCSC_TEST_E1, BCSC_TEST_E1);
}

Test(scope, early_return_owner_error_is_kept_over_a_child_error) {
  early_return_scenario(BCSC_TEST_E2, BCSC_TEST_E1, BCSC_TEST_E2);
}

Test(scope, early_return_cancels_children_that_never_ran) {
  bcsc_executor_t ex;
  bcsc_test_leaf_t a;
  bcsc_test_owner_t owner;
  bcsc_task_t *children[] = {&a.task};
  bcsc_test_log_t log;
  const int order[] = {0, 1};

  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  bcsc_test_log_init(&log);
  bcsc_test_leaf_init(&a, 1);
  a.log = &log;
  a.result = BCSC_TEST_E3;
  bcsc_test_owner_init(&owner, 0, BCSC_SCOPE_FAIL_FAST, children, 1);
  owner.log = &log;
  owner.early_return = 1;
  /* The child was spawned before the owner returned but is cancelled
   * before its first poll: it observes cancellation and never fails. */
  cr_assert_eq(bcsc_executor_run(&ex, &owner.task), 0);
  cr_assert(bcsc_test_log_equals(&log, order, 2));
  cr_assert(a.saw_cancel);
  cr_assert_eq(a.cancel_poll, 1);
  cr_assert_eq(a.finished, 0);
  teardown(&ex);
}

Test(scope, early_return_drains_nested_owners_and_their_errors_surface) {
  /* o returns early; its child c is then cancelled and returns early too;
   * c's child l cleans up asynchronously and fails. l's error becomes c's
   * result, c's becomes o's: errors are never dropped by a drain. */
  bcsc_executor_t ex;
  bcsc_waitq_t q, g1, g2, cq;
  bcsc_test_leaf_t l;
  bcsc_test_owner_t o, c;
  bcsc_task_t *o_children[] = {&c.task};
  bcsc_task_t *c_children[] = {&l.task};

  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  bcsc_waitq_init(&q);
  bcsc_waitq_init(&g1);
  bcsc_waitq_init(&g2);
  bcsc_waitq_init(&cq);
  bcsc_test_leaf_init(&l, 1);
  l.queue = &q;
  l.cleanup_queue = &cq;
  l.cancel_result = BCSC_TEST_E5;
  bcsc_test_owner_init(&c, 10, BCSC_SCOPE_FAIL_FAST, c_children, 1);
  c.gate = &g2;
  c.early_return = 1;
  bcsc_test_owner_init(&o, 0, BCSC_SCOPE_FAIL_FAST, o_children, 1);
  o.gate = &g1;
  o.early_return = 1;

  cr_assert_eq(bcsc_executor_run(&ex, &o.task), BCSC_EDEADLK);
  cr_assert_eq(bcsc_waitq_wake_one(&g1, 0), 1);
  cr_assert_eq(bcsc_executor_run(&ex, &o.task), BCSC_EDEADLK);
  cr_assert(c.saw_cancel);
  cr_assert_eq(c.joined, 0);
  cr_assert_eq(bcsc_waitq_count(&g2), 0);
  cr_assert(l.cleanup_waiting);
  cr_assert_eq(bcsc_task_done(&c.task), 0);
  cr_assert_eq(bcsc_task_done(&o.task), 0);

  cr_assert_eq(bcsc_waitq_wake_one(&cq, 0), 1);
  cr_assert_eq(bcsc_executor_run(&ex, &o.task), BCSC_TEST_E5);
  cr_assert_eq(bcsc_task_result(&l.task), BCSC_TEST_E5);
  cr_assert_eq(bcsc_task_result(&c.task), BCSC_TEST_E5);
  cr_assert_eq(o.polls, 2);
  cr_assert_eq(c.polls, 2);
  cr_assert_eq(bcsc_waitq_deinit(&q), 0);
  cr_assert_eq(bcsc_waitq_deinit(&g1), 0);
  cr_assert_eq(bcsc_waitq_deinit(&g2), 0);
  cr_assert_eq(bcsc_waitq_deinit(&cq), 0);
  teardown(&ex);
}

/* ---- join results
 * ------------------------------------------------------------ */

Test(scope, join_returns_ecanceled_when_cancelled_externally) {
  bcsc_executor_t ex;
  bcsc_waitq_t q;
  bcsc_test_leaf_t a;
  bcsc_test_owner_t owner;
  bcsc_task_t *children[] = {&a.task};

  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  bcsc_waitq_init(&q);
  bcsc_test_leaf_init(&a, 1);
  a.queue = &q;
  bcsc_test_owner_init(&owner, 0, BCSC_SCOPE_WAIT_ALL, children, 1);
  cr_assert_eq(bcsc_executor_run(&ex, &owner.task), BCSC_EDEADLK);
  cr_assert_eq(bcsc_scope_cancelled(&owner.scope), 0);
  cr_assert_eq(bcsc_scope_cancel(&owner.scope), 0);
  cr_assert_eq(bcsc_scope_cancel(&owner.scope), 0, "idempotent");
  cr_assert_eq(bcsc_executor_run(&ex, &owner.task), BCSC_ECANCELED);
  cr_assert_eq(owner.join_rc, BCSC_ECANCELED);
  cr_assert_eq(owner.saw_cancel, 0, "the owner itself was not cancelled");
  cr_assert_eq(bcsc_scope_error_count(&owner.scope), 0);
  cr_assert_eq(bcsc_waitq_deinit(&q), 0);
  teardown(&ex);
}

Test(scope, cancelling_the_owner_cancels_its_scope_and_join_says_so) {
  bcsc_executor_t ex;
  bcsc_waitq_t q;
  bcsc_test_leaf_t a;
  bcsc_test_owner_t owner;
  bcsc_task_t *children[] = {&a.task};

  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  bcsc_waitq_init(&q);
  bcsc_test_leaf_init(&a, 1);
  a.queue = &q;
  bcsc_test_owner_init(&owner, 0, BCSC_SCOPE_FAIL_FAST, children, 1);
  cr_assert_eq(bcsc_executor_run(&ex, &owner.task), BCSC_EDEADLK);
  cr_assert_eq(bcsc_task_cancel(&owner.task), 0);
  cr_assert(bcsc_scope_cancelled(&owner.scope));
  cr_assert(bcsc_task_cancelled(&a.task));
  cr_assert_eq(bcsc_executor_run(&ex, &owner.task), BCSC_ECANCELED);
  cr_assert(owner.saw_cancel);
  cr_assert(a.saw_cancel);
  cr_assert_eq(owner.join_rc, BCSC_ECANCELED);
  cr_assert_eq(bcsc_waitq_deinit(&q), 0);
  teardown(&ex);
}

Test(scope, join_of_an_empty_scope_returns_zero_at_once) {
  bcsc_executor_t ex;
  bcsc_test_owner_t owner;

  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  bcsc_test_owner_init(&owner, 0, BCSC_SCOPE_FAIL_FAST, NULL, 0);
  cr_assert_eq(bcsc_executor_run(&ex, &owner.task), 0);
  cr_assert_eq(owner.polls, 1, "no PENDING for an empty scope");
  cr_assert(owner.joined);
  cr_assert_eq(owner.join_rc, 0);
  teardown(&ex);
}

Test(scope, join_of_an_empty_race_scope_returns_zero) {
  bcsc_executor_t ex;
  bcsc_test_owner_t owner;

  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  bcsc_test_owner_init(&owner, 0, BCSC_SCOPE_RACE, NULL, 0);
  cr_assert_eq(bcsc_executor_run(&ex, &owner.task), 0);
  cr_assert_eq(owner.polls, 1);
  cr_assert_eq(owner.join_rc, 0);
  teardown(&ex);
}

/* Opens outer then inner, and joins them in the wrong and the right order. */
typedef struct two_scopes {
  bcsc_task_t task;
  bcsc_scope_t outer;
  bcsc_scope_t inner;
  int outer_first_rc;
  int inner_rc;
  int outer_rc;
  int outer_again_rc;
} two_scopes_t;

static int two_scopes_poll(bcsc_task_t *self) {
  two_scopes_t *f = (two_scopes_t *)self;
  int rc;
  if ((rc = bcsc_scope_init(&f->outer, self, BCSC_SCOPE_FAIL_FAST)) != 0 ||
      (rc = bcsc_scope_init(&f->inner, self, BCSC_SCOPE_WAIT_ALL)) != 0)
    return rc;
  f->outer_first_rc = bcsc_scope_join(&f->outer);
  f->inner_rc = bcsc_scope_join(&f->inner);
  f->outer_rc = bcsc_scope_join(&f->outer);
  f->outer_again_rc = bcsc_scope_join(&f->outer);
  return BCSC_DONE;
}

Test(scope, joining_an_outer_scope_while_an_inner_one_is_open_is_estate) {
  bcsc_executor_t ex;
  bcsc_test_misuse_t misuse;
  two_scopes_t f;

  bcsc_test_misuse_install(&misuse);
  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  memset(&f, 0, sizeof f);
  bcsc_task_init(&f.task, two_scopes_poll, NULL);
  cr_assert_eq(bcsc_executor_run(&ex, &f.task), 0);
  cr_assert_eq(f.outer_first_rc, BCSC_ESTATE);
  cr_assert_eq(f.inner_rc, 0);
  cr_assert_eq(f.outer_rc, 0, "outer still open after the refused join");
  cr_assert_eq(f.outer_again_rc, BCSC_ESTATE, "a joined scope is closed");
  cr_assert_eq(misuse.count, bcsc_test_misuse_expected(2));
  cr_assert_eq(bcsc_test_misuse_count_code(&misuse, BCSC_MISUSE_SCOPE_ORDER),
               bcsc_test_misuse_expected(1));
  cr_assert_eq(bcsc_test_misuse_count_code(&misuse, BCSC_MISUSE_SCOPE_CLOSED),
               bcsc_test_misuse_expected(1));
  teardown(&ex);
}

/* ---- cancelling one task ---------------------------------------------------
 */

Test(scope, task_cancel_cancels_only_that_task) {
  bcsc_executor_t ex;
  bcsc_waitq_t q;
  bcsc_test_leaf_t a, b;
  bcsc_test_owner_t owner;
  bcsc_task_t *children[] = {&a.task, &b.task};

  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  bcsc_waitq_init(&q);
  bcsc_test_leaf_init(&a, 1);
  a.queue = &q;
  bcsc_test_leaf_init(&b, 2);
  b.queue = &q;
  bcsc_test_owner_init(&owner, 0, BCSC_SCOPE_FAIL_FAST, children, 2);

  cr_assert_eq(bcsc_executor_run(&ex, &owner.task), BCSC_EDEADLK);
  cr_assert_eq(bcsc_waitq_count(&q), 2);
  cr_assert_eq(bcsc_task_cancel(&a.task), 0);
  cr_assert_eq(bcsc_task_cancel(&a.task), 0, "idempotent");
  cr_assert_eq(bcsc_waitq_count(&q), 1);
  cr_assert_eq(bcsc_wait_linked(&a.wait), 0);
  cr_assert(bcsc_wait_linked(&b.wait));
  cr_assert_eq(bcsc_task_cancelled(&b.task), 0);
  cr_assert_eq(bcsc_scope_cancelled(&owner.scope), 0);
  cr_assert_eq(bcsc_task_cancelled(&owner.task), 0);

  cr_assert_eq(bcsc_executor_run(&ex, &owner.task), BCSC_EDEADLK);
  cr_assert(bcsc_task_done(&a.task));
  cr_assert_eq(bcsc_task_result(&a.task), BCSC_ECANCELED);
  cr_assert_eq(bcsc_scope_live(&owner.scope), 1);
  /* The wake goes to b, the only waiter left. */
  cr_assert_eq(bcsc_waitq_wake_one(&q, 3), 1);
  cr_assert_eq(bcsc_executor_run(&ex, &owner.task), 0,
               "a cancelled child's ECANCELED is not a failure");
  cr_assert(b.finished);
  cr_assert_eq(b.value, 3);
  cr_assert_eq(bcsc_scope_error_count(&owner.scope), 0);
  cr_assert_eq(bcsc_waitq_deinit(&q), 0);
  teardown(&ex);
}

Test(scope, task_cancel_of_an_unspawned_or_completed_task_is_estate) {
  bcsc_executor_t ex;
  bcsc_test_misuse_t misuse;
  bcsc_test_leaf_t a;

  bcsc_test_misuse_install(&misuse);
  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  bcsc_test_leaf_init(&a, 1);
  cr_assert_eq(bcsc_task_cancel(&a.task), BCSC_ESTATE);
  cr_assert_eq(bcsc_executor_run(&ex, &a.task), 0);
  cr_assert_eq(bcsc_task_cancel(&a.task), BCSC_ESTATE);
  cr_assert_eq(bcsc_task_cancelled(&a.task), 0);
  cr_assert_eq(misuse.count, bcsc_test_misuse_expected(2));
  teardown(&ex);
}

Test(scope, children_spawned_into_a_cancelled_scope_start_cancelled) {
  bcsc_executor_t ex;
  bcsc_waitq_t q;
  bcsc_test_leaf_t a, late;
  bcsc_test_owner_t owner;
  bcsc_task_t *children[] = {&a.task};

  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  bcsc_waitq_init(&q);
  bcsc_test_leaf_init(&a, 1);
  a.queue = &q;
  bcsc_test_leaf_init(&late, 2);
  late.queue = &q;
  bcsc_test_owner_init(&owner, 0, BCSC_SCOPE_FAIL_FAST, children, 1);
  cr_assert_eq(bcsc_executor_run(&ex, &owner.task), BCSC_EDEADLK);
  cr_assert_eq(bcsc_scope_cancel(&owner.scope), 0);
  /* Any code on the executor's thread may spawn into an open scope. */
  cr_assert_eq(bcsc_scope_spawn(&owner.scope, &late.task), 0);
  cr_assert(bcsc_task_cancelled(&late.task));
  cr_assert_eq(bcsc_executor_run(&ex, &owner.task), BCSC_ECANCELED);
  cr_assert(late.saw_cancel);
  cr_assert_eq(late.cancel_poll, 1);
  cr_assert_eq(late.finished, 0);
  cr_assert_eq(bcsc_waitq_count(&q), 0);
  cr_assert_eq(bcsc_waitq_deinit(&q), 0);
  teardown(&ex);
}

/* ---- several scopes per task ---------------------------------------------
 * A task with an outer and an inner scope open at once; cancellation must
 * reach the children of both, and of the scopes those children own, but no
 * further than the subtree it was asked for. */

typedef struct layered {
  bcsc_task_t task;
  bcsc_scope_t outer;
  bcsc_scope_t inner;
  bcsc_task_t *outer_kids[2];
  bcsc_task_t *inner_kids[2];
  uint32_t n_outer;
  uint32_t n_inner;
  int phase;
  int saw_cancel;
  int inner_rc;
  int outer_rc;
} layered_t;

static int layered_poll(bcsc_task_t *self) {
  layered_t *f = (layered_t *)self;
  int rc;
  if (bcsc_task_cancelled(self))
    f->saw_cancel = 1;
  if (f->phase == 0) {
    if ((rc = bcsc_scope_init(&f->outer, self, BCSC_SCOPE_WAIT_ALL)) != 0)
      return rc;
    for (uint32_t i = 0; i < f->n_outer; i++)
      if ((rc = bcsc_scope_spawn(&f->outer, f->outer_kids[i])) != 0)
        return rc;
    if ((rc = bcsc_scope_init(&f->inner, self, BCSC_SCOPE_WAIT_ALL)) != 0)
      return rc;
    for (uint32_t i = 0; i < f->n_inner; i++)
      if ((rc = bcsc_scope_spawn(&f->inner, f->inner_kids[i])) != 0)
        return rc;
    f->phase = 1;
  }
  if (f->phase == 1) {
    if ((rc = bcsc_scope_join(&f->inner)) == BCSC_PENDING)
      return BCSC_PENDING;
    f->inner_rc = rc;
    f->phase = 2;
  }
  if ((rc = bcsc_scope_join(&f->outer)) == BCSC_PENDING)
    return BCSC_PENDING;
  f->outer_rc = rc;
  return rc != 0 ? rc : f->inner_rc;
}

static void layered_init(layered_t *f, bcsc_task_t *o0, bcsc_task_t *o1,
                         bcsc_task_t *i0, bcsc_task_t *i1) {
  memset(f, 0, sizeof *f);
  bcsc_task_init(&f->task, layered_poll, NULL);
  f->outer_kids[0] = o0;
  f->outer_kids[1] = o1;
  f->n_outer = o1 != NULL ? 2 : 1;
  f->inner_kids[0] = i0;
  f->inner_kids[1] = i1;
  f->n_inner = i1 != NULL ? 2 : 1;
}

/* r: outer {a: outer {a1} inner {a2}, l1}
 *    inner {b: outer {b1} inner {b2}, l2}
 * Every leaf waits on q. leaves[] lists them in that order. */
typedef struct forest {
  layered_t r, a, b;
  bcsc_test_leaf_t a1, a2, l1, b1, b2, l2;
  bcsc_test_leaf_t *leaves[6];
} forest_t;

static void forest_build(bcsc_executor_t *ex, forest_t *t, bcsc_waitq_t *q) {
  t->leaves[0] = &t->a1;
  t->leaves[1] = &t->a2;
  t->leaves[2] = &t->l1;
  t->leaves[3] = &t->b1;
  t->leaves[4] = &t->b2;
  t->leaves[5] = &t->l2;
  for (int i = 0; i < 6; i++) {
    bcsc_test_leaf_init(t->leaves[i], i + 1);
    t->leaves[i]->queue = q;
  }
  layered_init(&t->a, &t->a1.task, NULL, &t->a2.task, NULL);
  layered_init(&t->b, &t->b1.task, NULL, &t->b2.task, NULL);
  layered_init(&t->r, &t->a.task, &t->l1.task, &t->b.task, &t->l2.task);
  cr_assert_eq(bcsc_executor_run(ex, &t->r.task), BCSC_EDEADLK);
  cr_assert_eq(bcsc_waitq_count(q), 6);
}

Test(scope, cancelling_a_task_reaches_the_children_of_all_its_scopes) {
  bcsc_executor_t ex;
  bcsc_waitq_t q;
  forest_t t;

  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  bcsc_waitq_init(&q);
  forest_build(&ex, &t, &q);
  cr_assert_eq(bcsc_task_cancel(&t.r.task), 0);
  cr_assert_eq(bcsc_waitq_count(&q), 0);
  for (int i = 0; i < 6; i++)
    cr_assert(bcsc_task_cancelled(&t.leaves[i]->task), "leaf %d", i + 1);
  cr_assert(bcsc_task_cancelled(&t.a.task));
  cr_assert(bcsc_task_cancelled(&t.b.task));
  cr_assert_eq(bcsc_executor_run(&ex, &t.r.task), BCSC_ECANCELED);
  for (int i = 0; i < 6; i++) {
    cr_assert(t.leaves[i]->saw_cancel, "leaf %d", i + 1);
    cr_assert_eq(t.leaves[i]->finished, 0, "leaf %d", i + 1);
  }
  cr_assert(t.r.saw_cancel && t.a.saw_cancel && t.b.saw_cancel);
  cr_assert_eq(t.a.inner_rc, BCSC_ECANCELED);
  cr_assert_eq(t.a.outer_rc, BCSC_ECANCELED);
  cr_assert_eq(t.r.inner_rc, BCSC_ECANCELED);
  cr_assert_eq(t.r.outer_rc, BCSC_ECANCELED);
  cr_assert_eq(bcsc_waitq_deinit(&q), 0);
  teardown(&ex);
}

Test(scope, cancelling_an_outer_scope_leaves_the_inner_one_alone) {
  bcsc_executor_t ex;
  bcsc_waitq_t q;
  forest_t t;

  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  bcsc_waitq_init(&q);
  forest_build(&ex, &t, &q);
  cr_assert_eq(bcsc_scope_cancel(&t.r.outer), 0);
  /* a1, a2 and l1 (below r.outer) are unlinked; b1, b2, l2 still wait. */
  cr_assert_eq(bcsc_waitq_count(&q), 3);
  for (int i = 0; i < 6; i++)
    cr_assert_eq(bcsc_task_cancelled(&t.leaves[i]->task), i < 3, "leaf %d",
                 i + 1);
  cr_assert(bcsc_task_cancelled(&t.a.task));
  cr_assert_eq(bcsc_task_cancelled(&t.b.task), 0);
  cr_assert_eq(bcsc_scope_cancelled(&t.r.inner), 0);
  cr_assert_eq(bcsc_task_cancelled(&t.r.task), 0);

  cr_assert_eq(bcsc_executor_run(&ex, &t.r.task), BCSC_EDEADLK);
  cr_assert_eq(bcsc_scope_live(&t.r.outer), 0);
  cr_assert_eq(bcsc_scope_live(&t.r.inner), 2);
  cr_assert_eq(bcsc_waitq_wake_all(&q, 1), 3);
  cr_assert_eq(bcsc_executor_run(&ex, &t.r.task), BCSC_ECANCELED);
  for (int i = 0; i < 6; i++) {
    cr_assert_eq(t.leaves[i]->saw_cancel, i < 3, "leaf %d", i + 1);
    cr_assert_eq(t.leaves[i]->finished, i >= 3, "leaf %d", i + 1);
  }
  cr_assert_eq(t.b.saw_cancel, 0);
  cr_assert_eq(t.b.inner_rc, 0);
  cr_assert_eq(t.b.outer_rc, 0);
  cr_assert_eq(t.r.inner_rc, 0);
  cr_assert_eq(t.r.outer_rc, BCSC_ECANCELED);
  cr_assert_eq(bcsc_waitq_deinit(&q), 0);
  teardown(&ex);
}

Test(scope, a_scope_of_no_frame_or_no_scope_is_refused) {
  bcsc_scope_t scope, zero;
  bcsc_task_t owner;
  bcsc_test_misuse_t rec;
  memset(&owner, 0, sizeof owner);
  memset(&zero, 0, sizeof zero);
  memset(&scope, 0x5a, sizeof scope);
  bcsc_test_misuse_install(&rec);
  cr_assert_eq(bcsc_scope_init(&scope, &owner, BCSC_SCOPE_FAIL_FAST),
               BCSC_EBADOBJ);
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_BAD_OBJECT, &owner));
  for (size_t i = 0; i < sizeof scope; i++)
    cr_assert_eq(((unsigned char *)&scope)[i], 0x5a, "a refused init wrote");
  cr_assert_eq(bcsc_scope_set_deadline(&zero, 100, BCSC_DEADLINE_FAIL),
               BCSC_EBADOBJ);
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_BAD_OBJECT, &zero));
  bcsc_test_misuse_uninstall();
  cr_assert_eq(bcsc_scope_deadline(&zero), BCSC_NO_DEADLINE);
}

/* Spawns its child into its scope twice, then joins. */
static int spawn_twice_step(ct_t *c) {
  if (c->polls == 1) {
    cr_assert_eq(bcsc_scope_init(&c->scope, &c->task, BCSC_SCOPE_FAIL_FAST), 0);
    c->rc[0] = bcsc_scope_spawn(&c->scope, &c->child->task);
    c->rc[1] = bcsc_scope_spawn(&c->scope, &c->child->task);
    c->n = (int)bcsc_scope_live(&c->scope);
  }
  return bcsc_scope_join(&c->scope);
}

Test(scope, a_live_child_spawned_again_is_refused) {
  ct_t owner, child;
  ct_up(NULL);
  ct_init(&owner, spawn_twice_step);
  ct_init(&child, ct_finish);
  owner.child = &child;
  cr_assert_eq(bcsc_executor_run(&ct_ex, &owner.task), 0);
  cr_assert_eq(owner.rc[0], 0);
  cr_assert_eq(owner.rc[1], BCSC_EBUSY, "answered %s",
               bcsc_err_name(owner.rc[1]));
  cr_assert(
      bcsc_test_misuse_one(&ct_misuse, BCSC_MISUSE_DOUBLE_SPAWN, &child.task));
  cr_assert_eq(owner.n, 1, "the second spawn counted the child again");
  cr_assert_eq(child.polls, 1, "the child ran other than once");
  ct_down();
}
