/* SPDX-License-Identifier: MIT
 * bench_spawn_join.c - 10^6 trivial children spawned into one scope, joined.
 *
 * bcsc: a root task opens a scope, initialises and spawns 10^6 children
 * whose poll function counts a completion and returns BCSC_DONE, then joins
 * the scope. The child frames are one static array of 10^6 bcsc_task_t
 * (64 MB): bcsc's memory model is "the caller provides the frames", and
 * the scenario is literally "10^6 live children in one scope", which a pool
 * recycling a few hundred frames would not exercise (it would measure pool
 * recycling plus a scope that never holds more than a batch). The array's
 * pages are touched by the warm-up repetition, so page faults are not
 * measured.
 *
 * Lower bound: the same work with no runtime - initialise 10^6 nodes (link,
 * function, parent group), push each on an intrusive FIFO, then pop each,
 * call its function through the pointer, count the completion into its
 * group and mark the group joined when its count reaches zero.
 *
 * Diagnostic (DIAGNOSTIC line spawn_join_fat): the lower bound with its
 * nodes spaced like bcsc's 64-byte frames - same instructions, as many
 * cache lines as bcsc touches.
 *
 * One operation = one child: init + spawn + poll + completion. */
#include <stdint.h>
#include <stdio.h>

#include "bcsc.h"
#include "bench.h"

#define FULL_CHILDREN 1000000u
#define CALLGRIND_CHILDREN 10000u

static uint32_t n_children;

/* ---- bcsc --------------------------------------------------------------- */

static bcsc_task_t child_frames[FULL_CHILDREN];
static uint64_t bcsc_completions;

static int child_poll(bcsc_task_t *self) {
  (void)self;
  bcsc_completions++;
  return BCSC_DONE;
}

typedef struct root_frame {
  bcsc_task_t task;
  bcsc_scope_t scope;
  uint32_t state;
} root_frame_t;

static int root_poll(bcsc_task_t *self) {
  root_frame_t *f = (root_frame_t *)self;
  int rc;
  if (f->state == 0) {
    if ((rc = bcsc_scope_init(&f->scope, self, BCSC_SCOPE_FAIL_FAST)) != 0)
      return rc;
    for (uint32_t i = 0; i < n_children; i++) {
      if ((rc = bcsc_task_init(&child_frames[i], child_poll, NULL)) != 0 ||
          (rc = bcsc_scope_spawn(&f->scope, &child_frames[i])) != 0)
        return rc; /* bcsc drains the scope before completing us */
    }
    f->state = 1;
  }
  return bcsc_scope_join(&f->scope);
}

typedef struct bcsc_ctx {
  int init_rc, run_rc, deinit_rc;
  bcsc_executor_stats_t stats;
} bcsc_ctx_t;

static void bcsc_setup(void *ctx) {
  (void)ctx;
  bcsc_completions = 0;
}

BENCH_REGION static void bench_region_bcsc_spawn_join(void *ctx) {
  bcsc_ctx_t *c = (bcsc_ctx_t *)ctx;
  bcsc_executor_t ex;
  root_frame_t root;

  c->init_rc = bcsc_executor_init(&ex, NULL);
  bcsc_task_init(&root.task, root_poll, NULL);
  root.state = 0;
  c->run_rc = bcsc_executor_run(&ex, &root.task);
  c->stats.size = sizeof c->stats;
  bcsc_executor_stats(&ex, &c->stats);
  c->deinit_rc = bcsc_executor_deinit(&ex);
}

static int bcsc_finish(void *ctx) {
  bcsc_ctx_t *c = (bcsc_ctx_t *)ctx;
  if (c->init_rc != 0 || c->run_rc != 0 || c->deinit_rc != 0 ||
      bcsc_completions != n_children) {
    fprintf(stderr,
            "spawn_join/bcsc: init %d run %d (%s) deinit %d, %llu of %u "
            "children completed\n",
            c->init_rc, c->run_rc, bcsc_err_name(c->run_rc), c->deinit_rc,
            (unsigned long long)bcsc_completions, n_children);
    return 1;
  }
  return 0;
}

/* ---- lower bound ----------------------------------------------------------
 */

typedef struct lb_group {
  uint32_t live;
  uint32_t joined;
} lb_group_t;

typedef struct lb_node lb_node_t;
struct lb_node {
  lb_node_t *next;          /* FIFO link */
  void (*fn)(lb_node_t *n); /* what to run */
  lb_group_t *group;        /* whose completion count to decrement */
  intptr_t result;
};

static lb_node_t lb_nodes[FULL_CHILDREN];
static uint64_t lb_completions;

/* Diagnostic only: the same nodes spaced like bcsc's frames (one
 * bcsc_task_t each), so the same instructions touch as many cache lines as
 * bcsc does. */
typedef struct lb_fat_node {
  lb_node_t n;
  unsigned char pad[sizeof(bcsc_task_t) - sizeof(lb_node_t)];
} lb_fat_node_t;
_Static_assert(sizeof(lb_fat_node_t) == sizeof(bcsc_task_t),
               "a fat node is as big as a task frame");
static lb_fat_node_t lb_fat_nodes[FULL_CHILDREN];

__attribute__((noinline)) static void lb_child(lb_node_t *n) {
  n->result = 0;
  lb_completions++;
}

/* Read through a volatile so the compiler cannot prove which function the
 * nodes hold and inline it: bcsc's poll call is indirect too. */
static void (*volatile lb_child_fn)(lb_node_t *) = lb_child;

static void lb_setup(void *ctx) {
  (void)ctx;
  lb_completions = 0;
}

static inline __attribute__((always_inline)) void lb_spawn_join(lb_group_t *g,
                                                                int fat) {
  void (*fn)(lb_node_t *) = lb_child_fn;
  lb_node_t *head = NULL, *tail = NULL;

  g->live = 0;
  g->joined = 0;
  for (uint32_t i = 0; i < n_children; i++) {
    lb_node_t *n = fat ? &lb_fat_nodes[i].n : &lb_nodes[i];
    n->next = NULL;
    n->fn = fn;
    n->group = g;
    n->result = 0;
    if (tail != NULL)
      tail->next = n;
    else
      head = n;
    tail = n;
    g->live++;
  }
  while (head != NULL) {
    lb_node_t *n = head;
    head = n->next;
    n->fn(n);
    if (--n->group->live == 0)
      n->group->joined = 1;
  }
}

BENCH_REGION static void bench_region_lower_spawn_join(void *ctx) {
  lb_spawn_join((lb_group_t *)ctx, 0);
}

BENCH_REGION static void bench_region_lower_spawn_join_fat(void *ctx) {
  lb_spawn_join((lb_group_t *)ctx, 1);
}

static int lb_finish(void *ctx) {
  lb_group_t *g = (lb_group_t *)ctx;
  if (!g->joined || lb_completions != n_children) {
    fprintf(stderr, "spawn_join/lower: %llu of %u completed, joined %u\n",
            (unsigned long long)lb_completions, n_children, g->joined);
    return 1;
  }
  return 0;
}

int main(int argc, char **argv) {
  bcsc_ctx_t bctx = {0};
  lb_group_t group = {0, 0};
  bench_side_t sides[3] = {
      {"bcsc",
       "bcsc_task_init + bcsc_scope_spawn per child, one "
       "bcsc_scope_join, bcsc_executor_run",
       bcsc_setup, bench_region_bcsc_spawn_join, bcsc_finish, &bctx,
       "bench_region_bcsc_spawn_join"},
      {"lower",
       "intrusive FIFO of 32-byte nodes: init + push, pop + "
       "indirect call + group count-down",
       lb_setup, bench_region_lower_spawn_join, lb_finish, &group,
       "bench_region_lower_spawn_join"},
      {"lower-fat",
       "the same, nodes spaced 64 bytes apart like bcsc_task_t "
       "frames",
       lb_setup, bench_region_lower_spawn_join_fat, lb_finish, &group,
       "bench_region_lower_spawn_join_fat"},
  };
  bench_result_t results[3];
  int allocated;

  bench_init(argc, argv, "bench_spawn_join",
             "spawn N trivial children into one scope and join them");
  n_children = bench_opts.callgrind ? CALLGRIND_CHILDREN : FULL_CHILDREN;
  bench_run_sides(sides, results, 3, n_children);
  allocated = bench_report(
      "spawn_join", "trivial children spawned into one scope, joined",
      &sides[0], &results[0], &sides[1], &results[1], n_children, "child");
  bench_report_diagnostic("spawn_join_fat",
                          "the lower bound with bcsc-sized frames: what the "
                          "memory footprint alone costs",
                          &sides[0], &results[0], &sides[2], &results[2],
                          n_children, "child");
  if (!bench_opts.quiet)
    printf("  bcsc executor per child: %.2f polls, %.2f wakes, %.2f spawns\n",
           (double)bctx.stats.polls / n_children,
           (double)bctx.stats.wakes / n_children,
           (double)bctx.stats.spawns / n_children);
  return allocated ? 1 : 0;
}
