/* SPDX-License-Identifier: MIT
 * bench_tree.c - a binary tree of scopes, depth 16: 2^16 leaves, 2^17 - 1
 * tasks.
 *
 * bcsc: every inner node is a task that opens a scope, spawns its two
 * children and joins; a leaf returns at once with sum 1; each inner node
 * adds its children's sums after the join. All frames (task header, scope,
 * sum) live in one caller array laid out as a binary heap: node i's children
 * are 2i+1 and 2i+2. The executor runs ready tasks FIFO, so the tree unfolds
 * breadth first.
 *
 * Two lower bounds, both reported as scenarios:
 *  - "recursive" (scenario tree): the true no-runtime bound, the same sum as
 *    a plain recursive function over an array of per-node sums. It does no
 *    bookkeeping at all, so its ratio says what the whole task machinery
 *    costs, not how well bcsc implements it.
 *  - "bookkeeping" (scenario tree_bookkeeping): the fairer bound - an
 *    explicit-stack iterative traversal doing the per-node work a scope tree
 *    needs: initialise each node, link it into its parent's doubly-linked
 *    child list, count the parent's pending children down as children
 *    finish, unlink finished children, propagate sums upwards.
 * And two diagnostics (DIAGNOSTIC lines) that explain the figure:
 *  - tree_bookkeeping_bfs: the same bookkeeping breadth first, through an
 *    intrusive FIFO, which is the order bcsc's executor runs the tree in;
 *  - tree_bookkeeping_bfs_fat: that, with nodes as big as bcsc's frame whose
 *    scope part has its first cache line written when a node opens its
 *    children (as bcsc_scope_init() does: the scope's cold fields are
 *    written only when first needed): the gap between the two is what the
 *    memory footprint alone costs.
 *
 * One operation = one node (task). */
#include <stdint.h>
#include <stdio.h>

#include "bcsc.h"
#include "bench.h"

#define FULL_DEPTH 16u
#define CALLGRIND_DEPTH 13u /* 16383 nodes */
#define MAX_NODES ((1u << (FULL_DEPTH + 1)) - 1)

static uint32_t depth;
static uint32_t n_nodes;

/* ---- bcsc --------------------------------------------------------------- */

typedef struct tree_frame {
  bcsc_task_t task;
  bcsc_scope_t scope; /* unused by leaves */
  uint64_t sum;
  uint32_t index;
  uint32_t height; /* 0 for a leaf */
  uint32_t state;
} tree_frame_t;

static tree_frame_t frames[MAX_NODES];

static int tree_poll(bcsc_task_t *self) {
  tree_frame_t *f = (tree_frame_t *)self;
  tree_frame_t *kids;
  int rc;
  if (f->height == 0) {
    f->sum = 1;
    return BCSC_DONE;
  }
  kids = &frames[2 * f->index + 1];
  if (f->state == 0) {
    if ((rc = bcsc_scope_init(&f->scope, self, BCSC_SCOPE_FAIL_FAST)) != 0)
      return rc;
    for (uint32_t k = 0; k < 2; k++) {
      tree_frame_t *c = &kids[k];
      c->index = 2 * f->index + 1 + k;
      c->height = f->height - 1;
      c->state = 0;
      c->sum = 0;
      if ((rc = bcsc_task_init(&c->task, tree_poll, NULL)) != 0 ||
          (rc = bcsc_scope_spawn(&f->scope, &c->task)) != 0)
        return rc;
    }
    f->state = 1;
  }
  rc = bcsc_scope_join(&f->scope);
  if (rc != 0)
    return rc; /* PENDING, or a child's error */
  f->sum = kids[0].sum + kids[1].sum;
  return BCSC_DONE;
}

typedef struct bcsc_ctx {
  int init_rc, run_rc, deinit_rc;
  bcsc_executor_stats_t stats;
} bcsc_ctx_t;

BENCH_REGION static void bench_region_bcsc_tree(void *ctx) {
  bcsc_ctx_t *c = (bcsc_ctx_t *)ctx;
  bcsc_executor_t ex;
  tree_frame_t *root = &frames[0];

  c->init_rc = bcsc_executor_init(&ex, NULL);
  bcsc_task_init(&root->task, tree_poll, NULL);
  root->index = 0;
  root->height = depth;
  root->state = 0;
  root->sum = 0;
  c->run_rc = bcsc_executor_run(&ex, &root->task);
  c->stats.size = sizeof c->stats;
  bcsc_executor_stats(&ex, &c->stats);
  c->deinit_rc = bcsc_executor_deinit(&ex);
}

static int bcsc_finish(void *ctx) {
  bcsc_ctx_t *c = (bcsc_ctx_t *)ctx;
  if (c->init_rc != 0 || c->run_rc != 0 || c->deinit_rc != 0 ||
      frames[0].sum != (1ull << depth) || c->stats.completions != n_nodes) {
    fprintf(stderr,
            "tree/bcsc: init %d run %s deinit %d, sum %llu (want %llu), %llu "
            "of %u completed\n",
            c->init_rc, bcsc_err_name(c->run_rc), c->deinit_rc,
            (unsigned long long)frames[0].sum, 1ull << depth,
            (unsigned long long)c->stats.completions, n_nodes);
    return 1;
  }
  return 0;
}

/* ---- lower bound 1: plain recursion ---------------------------------------
 */

static uint64_t lb_sums[MAX_NODES];

/* Writes every node's sum so the calls cannot be merged into one. */
__attribute__((noinline)) static uint64_t lb_sum(uint32_t i, uint32_t height) {
  uint64_t s;
  if (height == 0)
    s = 1;
  else
    s = lb_sum(2 * i + 1, height - 1) + lb_sum(2 * i + 2, height - 1);
  lb_sums[i] = s;
  return s;
}

BENCH_REGION static void bench_region_lower_tree(void *ctx) {
  (void)ctx;
  lb_sum(0, depth);
}

static int lb_rec_finish(void *ctx) {
  (void)ctx;
  if (lb_sums[0] != (1ull << depth)) {
    fprintf(stderr, "tree/recursive: sum %llu\n",
            (unsigned long long)lb_sums[0]);
    return 1;
  }
  return 0;
}

/* ---- lower bound 2: the same bookkeeping, no runtime ------------------------
 */

typedef struct lb_node lb_node_t;
struct lb_node {
  lb_node_t *parent;
  lb_node_t *sibling_prev, *sibling_next; /* in the parent's child list */
  lb_node_t *child_head, *child_tail;
  lb_node_t *ready_next; /* FIFO variant only */
  uint64_t sum;
  uint32_t pending; /* live children */
  uint32_t height;
  uint32_t index;
  uint32_t done;
};

static lb_node_t lb_nodes[MAX_NODES];

/* Diagnostic only: a node as big as bcsc's tree frame, whose "scope" part
 * has its first 64 bytes written when the node opens its children, as
 * bcsc_scope_init() writes the scope's hot cache line. Same instructions as
 * the lean node except those stores; the difference is what the frame's
 * memory footprint costs. */
#define SCOPE_WORDS (sizeof(bcsc_scope_t) / sizeof(uint64_t))
#define SCOPE_HOT_WORDS (SCOPE_WORDS < 8 ? SCOPE_WORDS : 8)
typedef struct lb_fat_node {
  lb_node_t n;
  uint64_t
      scope_like[(sizeof(tree_frame_t) - sizeof(lb_node_t)) / sizeof(uint64_t)];
} lb_fat_node_t;
_Static_assert(sizeof(lb_fat_node_t) == sizeof(tree_frame_t) &&
                   sizeof(((lb_fat_node_t *)0)->scope_like) >=
                       sizeof(bcsc_scope_t),
               "the fat node mirrors bcsc's tree frame");

static lb_fat_node_t lb_fat_nodes[MAX_NODES];

#define LB_INLINE static inline __attribute__((always_inline))

LB_INLINE lb_node_t *lb_node_at(uint32_t index, int fat) {
  return fat ? &lb_fat_nodes[index].n : &lb_nodes[index];
}

LB_INLINE void lb_node_init(lb_node_t *n, lb_node_t *parent, uint32_t index,
                            uint32_t height) {
  n->parent = parent;
  n->sibling_prev = n->sibling_next = NULL;
  n->child_head = n->child_tail = NULL;
  n->sum = 0;
  n->pending = 0;
  n->height = height;
  n->index = index;
  n->done = 0;
}

/* Finish `n` and every ancestor whose last live child it was: unlink from
 * the parent's child list, add the sum, count the parent down. */
LB_INLINE void lb_complete(lb_node_t *n) {
  for (;;) {
    lb_node_t *p = n->parent;
    n->done = 1;
    if (p == NULL)
      return;
    if (n->sibling_prev != NULL)
      n->sibling_prev->sibling_next = n->sibling_next;
    else
      p->child_head = n->sibling_next;
    if (n->sibling_next != NULL)
      n->sibling_next->sibling_prev = n->sibling_prev;
    else
      p->child_tail = n->sibling_prev;
    p->sum += n->sum;
    if (--p->pending != 0)
      return;
    n = p;
  }
}

/* Initialise both children of inner node `n`, link them into its child
 * list, and return them through c. */
LB_INLINE void lb_open(lb_node_t *n, int fat, lb_node_t *c[2]) {
  if (fat) {
    uint64_t *scope_like = ((lb_fat_node_t *)n)->scope_like;
    for (size_t i = 0; i < SCOPE_HOT_WORDS; i++)
      scope_like[i] = 0;
  }
  for (uint32_t k = 0; k < 2; k++) {
    uint32_t ci = 2 * n->index + 1 + k;
    c[k] = lb_node_at(ci, fat);
    lb_node_init(c[k], n, ci, n->height - 1);
    c[k]->sibling_prev = n->child_tail;
    if (n->child_tail != NULL)
      n->child_tail->sibling_next = c[k];
    else
      n->child_head = c[k];
    n->child_tail = c[k];
    n->pending++;
  }
}

/* Depth first, pending nodes on an explicit stack. */
BENCH_REGION static void bench_region_lower_tree_bookkeeping(void *ctx) {
  lb_node_t *stack[2 * FULL_DEPTH + 4];
  uint32_t sp = 0;
  (void)ctx;

  lb_node_init(&lb_nodes[0], NULL, 0, depth);
  stack[sp++] = &lb_nodes[0];
  while (sp != 0) {
    lb_node_t *n = stack[--sp];
    if (n->height != 0) {
      lb_node_t *c[2];
      lb_open(n, 0, c);
      stack[sp++] = c[0];
      stack[sp++] = c[1];
      continue;
    }
    n->sum = 1;
    lb_complete(n);
  }
}

/* Breadth first, pending nodes on an intrusive FIFO: the order bcsc's
 * executor runs them in (and, with the heap layout, a sequential walk of
 * the array). */
LB_INLINE void lb_tree_bfs(int fat) {
  lb_node_t *root = lb_node_at(0, fat);
  lb_node_t *head, *tail;

  lb_node_init(root, NULL, 0, depth);
  root->ready_next = NULL;
  head = tail = root;
  while (head != NULL) {
    lb_node_t *n = head;
    head = n->ready_next;
    if (head == NULL)
      tail = NULL;
    if (n->height != 0) {
      lb_node_t *c[2];
      lb_open(n, fat, c);
      c[0]->ready_next = c[1];
      c[1]->ready_next = NULL;
      if (tail != NULL)
        tail->ready_next = c[0];
      else
        head = c[0];
      tail = c[1];
      continue;
    }
    n->sum = 1;
    lb_complete(n);
  }
}

BENCH_REGION static void bench_region_lower_tree_bookkeeping_bfs(void *ctx) {
  (void)ctx;
  lb_tree_bfs(0);
}

BENCH_REGION static void
bench_region_lower_tree_bookkeeping_bfs_fat(void *ctx) {
  (void)ctx;
  lb_tree_bfs(1);
}

static int lb_book_check(const lb_node_t *root, const char *what) {
  if (root->sum != (1ull << depth) || !root->done) {
    fprintf(stderr, "tree/%s: sum %llu\n", what, (unsigned long long)root->sum);
    return 1;
  }
  return 0;
}

static int lb_book_finish(void *ctx) {
  (void)ctx;
  return lb_book_check(&lb_nodes[0], "bookkeeping");
}

static int lb_fat_finish(void *ctx) {
  (void)ctx;
  return lb_book_check(&lb_fat_nodes[0].n, "bookkeeping, fat nodes");
}

int main(int argc, char **argv) {
  static bcsc_ctx_t bctx;
  bench_side_t sides[5] = {
      {"bcsc",
       "every inner node a task: bcsc_scope_init, 2 x "
       "(bcsc_task_init + bcsc_scope_spawn), bcsc_scope_join",
       NULL, bench_region_bcsc_tree, bcsc_finish, &bctx,
       "bench_region_bcsc_tree"},
      {"recursive",
       "plain recursive sum writing each node's sum (no "
       "bookkeeping at all)",
       NULL, bench_region_lower_tree, lb_rec_finish, NULL,
       "bench_region_lower_tree"},
      {"bookkeeping",
       "explicit stack (depth first); init node, link into "
       "parent's child list, count down, unlink, add sum",
       NULL, bench_region_lower_tree_bookkeeping, lb_book_finish, NULL,
       "bench_region_lower_tree_bookkeeping"},
      {"bookkeep-bfs",
       "the same bookkeeping on an intrusive FIFO (breadth "
       "first: bcsc's order)",
       NULL, bench_region_lower_tree_bookkeeping_bfs, lb_book_finish, NULL,
       "bench_region_lower_tree_bookkeeping_bfs"},
      {"bfs-fat",
       "bookkeep-bfs with nodes as big as bcsc's frame, the "
       "scope-sized part written on open",
       NULL, bench_region_lower_tree_bookkeeping_bfs_fat, lb_fat_finish, NULL,
       "bench_region_lower_tree_bookkeeping_bfs_fat"},
  };
  bench_result_t results[5];
  int allocated;

  bench_init(argc, argv, "bench_tree",
             "a binary tree of scopes: every node a task with a 2-child "
             "scope");
  depth = bench_opts.callgrind ? CALLGRIND_DEPTH : FULL_DEPTH;
  n_nodes = (1u << (depth + 1)) - 1;
  if (!bench_opts.quiet)
    printf("  depth %u: %u leaves, %u tasks; bcsc frame %zu bytes (%.1f MB), "
           "bookkeeping node %zu bytes (%.1f MB)\n",
           depth, 1u << depth, n_nodes, sizeof(tree_frame_t),
           (double)n_nodes * sizeof(tree_frame_t) / 1e6, sizeof(lb_node_t),
           (double)n_nodes * sizeof(lb_node_t) / 1e6);
  bench_run_sides(sides, results, 5, n_nodes);
  allocated = bench_report("tree",
                           "binary scope tree vs the true no-runtime bound "
                           "(plain recursion)",
                           &sides[0], &results[0], &sides[1], &results[1],
                           n_nodes, "node");
  allocated |= bench_report("tree_bookkeeping",
                            "binary scope tree vs the fairer bound (same "
                            "per-node bookkeeping, explicit stack)",
                            &sides[0], &results[0], &sides[2], &results[2],
                            n_nodes, "node");
  bench_report_diagnostic(
      "tree_bookkeeping_bfs", "the fairer bound in bcsc's breadth-first order",
      &sides[0], &results[0], &sides[3], &results[3], n_nodes, "node");
  bench_report_diagnostic("tree_bookkeeping_bfs_fat",
                          "... and with bcsc-sized frames: what the memory "
                          "footprint alone costs",
                          &sides[0], &results[0], &sides[4], &results[4],
                          n_nodes, "node");
  if (!bench_opts.quiet)
    printf("  bcsc executor per node: %.2f polls, %.2f wakes\n",
           (double)bctx.stats.polls / n_nodes,
           (double)bctx.stats.wakes / n_nodes);
  return allocated ? 1 : 0;
}
