/* SPDX-License-Identifier: MIT
 * bench_cancel.c - 10^5 tasks blocked on a waiter list that never fires;
 * the scope is cancelled and drained.
 *
 * bcsc: untimed setup spawns a root task that opens a scope and spawns
 * 10^5 children; bcsc_executor_poll() runs them until each has registered
 * on one waiter list that is never woken and the root waits in
 * bcsc_scope_join(). The measured region is bcsc_scope_cancel() on that
 * scope (mark every child, unlink its registration, queue it) followed by
 * bcsc_executor_run() until the root completes: each child is polled once,
 * sees BCSC_ECANCELED from bcsc_wait_on() and returns it, completes and
 * leaves the scope; the last one wakes the root, whose join returns
 * BCSC_ECANCELED.
 *
 * Lower bound: the same state built by hand in the untimed setup - 10^5
 * nodes, each linked into a doubly-linked waiter list and into its group's
 * doubly-linked child list. Measured: walk the child list, mark each node,
 * unlink its waiter, queue it on a ready FIFO; then pop each, "poll" it
 * once through its function pointer (it sees the mark and returns
 * cancelled), unlink it from the child list and count the group down.
 *
 * One operation = one cancelled task. */
#include <stdint.h>
#include <stdio.h>

#include "bcsc.h"
#include "bench.h"

#define FULL_TASKS 100000u
#define CALLGRIND_TASKS 10000u

static uint32_t n_tasks;

/* ---- bcsc --------------------------------------------------------------- */

typedef struct sleeper {
  bcsc_task_t task;
  bcsc_wait_t wait;
} sleeper_t;

static sleeper_t sleepers[FULL_TASKS];
static bcsc_waitq_t never; /* nobody ever wakes it */
static uint32_t cancelled_seen;

static int sleeper_poll(bcsc_task_t *self) {
  sleeper_t *s = (sleeper_t *)self;
  int rc = bcsc_wait_on(self, &s->wait, &never);
  if (rc == BCSC_ECANCELED)
    cancelled_seen++;
  return rc; /* PENDING, or ECANCELED: not a failure for a cancelled child */
}

typedef struct root_frame {
  bcsc_task_t task;
  bcsc_scope_t scope;
  uint32_t state;
  int join_rc;
} root_frame_t;

static int root_poll(bcsc_task_t *self) {
  root_frame_t *f = (root_frame_t *)self;
  int rc;
  if (f->state == 0) {
    if ((rc = bcsc_scope_init(&f->scope, self, BCSC_SCOPE_FAIL_FAST)) != 0)
      return rc;
    for (uint32_t i = 0; i < n_tasks; i++) {
      if ((rc = bcsc_task_init(&sleepers[i].task, sleeper_poll, NULL)) != 0 ||
          (rc = bcsc_wait_init(&sleepers[i].wait)) != 0 ||
          (rc = bcsc_scope_spawn(&f->scope, &sleepers[i].task)) != 0)
        return rc;
    }
    f->state = 1;
  }
  rc = bcsc_scope_join(&f->scope);
  if (rc == BCSC_PENDING)
    return rc;
  f->join_rc = rc;
  return rc == BCSC_ECANCELED ? BCSC_DONE : rc;
}

typedef struct bcsc_ctx {
  bcsc_executor_t ex;
  root_frame_t root;
  int setup_rc, run_rc, deinit_rc, q_rc;
  uint32_t blocked;
  bcsc_executor_stats_t before, after;
} bcsc_ctx_t;

static void bcsc_setup(void *ctx) {
  bcsc_ctx_t *c = (bcsc_ctx_t *)ctx;
  int rc;
  cancelled_seen = 0;
  bcsc_waitq_init(&never);
  c->setup_rc = bcsc_executor_init(&c->ex, NULL);
  bcsc_task_init(&c->root.task, root_poll, NULL);
  c->root.state = 0;
  c->root.join_rc = 1;
  if (c->setup_rc == 0)
    c->setup_rc = bcsc_executor_spawn(&c->ex, &c->root.task);
  /* Root spawns, children register; then nothing is ready. */
  rc = bcsc_executor_poll(&c->ex, UINT32_MAX);
  if (c->setup_rc == 0 && rc < 0)
    c->setup_rc = rc;
  c->blocked = bcsc_waitq_count(&never);
  c->before.size = sizeof c->before;
  bcsc_executor_stats(&c->ex, &c->before);
}

BENCH_REGION static void bench_region_bcsc_cancel(void *ctx) {
  bcsc_ctx_t *c = (bcsc_ctx_t *)ctx;
  bcsc_scope_cancel(&c->root.scope);
  c->run_rc = bcsc_executor_run(&c->ex, &c->root.task);
}

static int bcsc_finish(void *ctx) {
  bcsc_ctx_t *c = (bcsc_ctx_t *)ctx;
  c->after.size = sizeof c->after;
  bcsc_executor_stats(&c->ex, &c->after);
  c->deinit_rc = bcsc_executor_deinit(&c->ex);
  c->q_rc = bcsc_waitq_deinit(&never);
  if (c->setup_rc != 0 || c->blocked != n_tasks || c->run_rc != 0 ||
      c->root.join_rc != BCSC_ECANCELED || cancelled_seen != n_tasks ||
      c->deinit_rc != 0 || c->q_rc != 0) {
    fprintf(stderr,
            "cancel/bcsc: setup %s, %u of %u blocked, run %s, join %s, %u "
            "saw the cancel, deinit %d, waitq %d\n",
            bcsc_err_name(c->setup_rc), c->blocked, n_tasks,
            bcsc_err_name(c->run_rc), bcsc_err_name(c->root.join_rc),
            cancelled_seen, c->deinit_rc, c->q_rc);
    return 1;
  }
  return 0;
}

/* ---- lower bound ----------------------------------------------------------
 */

typedef struct lb_node lb_node_t;
typedef struct lb_list {
  lb_node_t *head, *tail;
} lb_list_t;

typedef struct lb_group {
  lb_node_t *head, *tail; /* live children */
  uint32_t live;
  uint32_t joined;
} lb_group_t;

struct lb_node {
  /* the task part */
  lb_node_t *ready_next;
  int (*fn)(lb_node_t *n);
  lb_group_t *group;
  lb_node_t *sibling_prev, *sibling_next;
  uint32_t cancelled;
  int result;
  /* the waiter part */
  lb_node_t *wait_prev, *wait_next;
  lb_list_t *wait_list;
};

static lb_node_t lb_nodes[FULL_TASKS];
static lb_list_t lb_never;
static uint32_t lb_cancelled_seen;

__attribute__((noinline)) static int lb_sleeper(lb_node_t *n) {
  if (n->cancelled) {
    lb_cancelled_seen++;
    return -1;
  }
  return 1; /* would register again; never happens here */
}

static int (*volatile lb_sleeper_fn)(lb_node_t *) = lb_sleeper;

static void lb_setup(void *ctx) {
  lb_group_t *g = (lb_group_t *)ctx;
  int (*fn)(lb_node_t *) = lb_sleeper_fn;
  lb_cancelled_seen = 0;
  lb_never.head = lb_never.tail = NULL;
  g->head = g->tail = NULL;
  g->live = 0;
  g->joined = 0;
  for (uint32_t i = 0; i < n_tasks; i++) {
    lb_node_t *n = &lb_nodes[i];
    n->fn = fn;
    n->group = g;
    n->cancelled = 0;
    n->result = 1;
    n->ready_next = NULL;
    n->sibling_next = NULL;
    n->sibling_prev = g->tail;
    if (g->tail != NULL)
      g->tail->sibling_next = n;
    else
      g->head = n;
    g->tail = n;
    g->live++;
    n->wait_list = &lb_never;
    n->wait_next = NULL;
    n->wait_prev = lb_never.tail;
    if (lb_never.tail != NULL)
      lb_never.tail->wait_next = n;
    else
      lb_never.head = n;
    lb_never.tail = n;
  }
}

BENCH_REGION static void bench_region_lower_cancel(void *ctx) {
  lb_group_t *g = (lb_group_t *)ctx;
  lb_node_t *ready_head = NULL, *ready_tail = NULL;

  /* Cancel: mark, unlink the waiter in O(1), queue. */
  for (lb_node_t *n = g->head; n != NULL; n = n->sibling_next) {
    lb_list_t *l = n->wait_list;
    n->cancelled = 1;
    if (l != NULL) {
      if (n->wait_prev != NULL)
        n->wait_prev->wait_next = n->wait_next;
      else
        l->head = n->wait_next;
      if (n->wait_next != NULL)
        n->wait_next->wait_prev = n->wait_prev;
      else
        l->tail = n->wait_prev;
      n->wait_prev = n->wait_next = NULL;
      n->wait_list = NULL;
    }
    n->ready_next = NULL;
    if (ready_tail != NULL)
      ready_tail->ready_next = n;
    else
      ready_head = n;
    ready_tail = n;
  }
  /* Drain: poll each once, complete it, count the group down. */
  while (ready_head != NULL) {
    lb_node_t *n = ready_head;
    ready_head = n->ready_next;
    n->result = n->fn(n);
    if (n->sibling_prev != NULL)
      n->sibling_prev->sibling_next = n->sibling_next;
    else
      g->head = n->sibling_next;
    if (n->sibling_next != NULL)
      n->sibling_next->sibling_prev = n->sibling_prev;
    else
      g->tail = n->sibling_prev;
    n->sibling_prev = n->sibling_next = NULL;
    if (--g->live == 0)
      g->joined = 1;
  }
}

static int lb_finish(void *ctx) {
  lb_group_t *g = (lb_group_t *)ctx;
  if (!g->joined || g->head != NULL || lb_never.head != NULL ||
      lb_cancelled_seen != n_tasks) {
    fprintf(stderr, "cancel/lower: joined %u, %u saw the cancel\n", g->joined,
            lb_cancelled_seen);
    return 1;
  }
  return 0;
}

int main(int argc, char **argv) {
  static bcsc_ctx_t bctx;
  static lb_group_t group;
  bench_side_t sides[2] = {
      {"bcsc",
       "bcsc_scope_cancel + bcsc_executor_run: each child polled "
       "once, bcsc_wait_on -> BCSC_ECANCELED",
       bcsc_setup, bench_region_bcsc_cancel, bcsc_finish, &bctx,
       "bench_region_bcsc_cancel"},
      {"lower",
       "walk child list: mark, unlink waiter, queue; pop, call, "
       "unlink from child list, count down",
       lb_setup, bench_region_lower_cancel, lb_finish, &group,
       "bench_region_lower_cancel"},
  };
  bench_result_t results[2];
  int allocated;

  bench_init(argc, argv, "bench_cancel",
             "cancel and drain a scope of tasks blocked on a waiter list");
  n_tasks = bench_opts.callgrind ? CALLGRIND_TASKS : FULL_TASKS;
  bench_run_sides(sides, results, 2, n_tasks);
  allocated = bench_report(
      "cancel", "blocked tasks: scope cancelled and drained", &sides[0],
      &results[0], &sides[1], &results[1], n_tasks, "task");
  if (!bench_opts.quiet)
    printf("  bcsc executor per task (measured part): %.2f polls, %.2f "
           "cancels\n",
           (double)(bctx.after.polls - bctx.before.polls) / n_tasks,
           (double)(bctx.after.cancels - bctx.before.cancels) / n_tasks);
  return allocated ? 1 : 0;
}
