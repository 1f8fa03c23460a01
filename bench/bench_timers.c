/* SPDX-License-Identifier: MIT
 * bench_timers.c - 10^5 tasks sleeping to distinct deadlines in simulated
 * time; and the same sleepers cancelled before any deadline comes.
 *
 * Scenario timers (one operation = one timer: armed, fired, its task woken
 * and completed). bcsc: a root task opens a scope and spawns 10^5 children
 * (frames in a static array); each calls bcsc_sleep_until() with its own
 * deadline - a shuffled permutation of start + (i + 1) us, from a fixed
 * PRNG seed, so the wheel sees them in random order - and completes when
 * woken; the root joins. The executor's reactor is a bcsc_sim_reactor_t,
 * so park jumps the clock to the next deadline. Measured: the whole
 * bcsc_executor_run(). Lower bound: the same 10^5 tasks as plain structs,
 * a binary min-heap of deadlines (an array of node pointers, each node
 * keeping its heap index) and a hand-rolled ready FIFO: initialise and
 * insert every node, then pop the earliest, advance a virtual clock to it,
 * queue it, and call its function, which records the time, marks it done
 * and counts the group down.
 *
 * Diagnostic timers_sorted_list: the same at 10^4 timers against a sorted
 * doubly-linked intrusive list (O(n) insertion: at 10^5 random deadlines it
 * would take seconds per repetition, which is the point of a wheel or heap).
 *
 * Scenario timers_cancel (one operation = one cancelled sleeper). bcsc:
 * untimed setup runs the root until all 10^5 children have armed their
 * timers; measured: bcsc_scope_cancel() (mark, unlink each timer from the
 * wheel, queue) and bcsc_executor_run() until the root completes - each
 * child sees BCSC_ECANCELED once and leaves the scope, no deadline fires.
 * Lower bound: the same state built by hand (nodes in the heap and in their
 * group's doubly-linked child list); measured: walk the child list, remove
 * each node from the heap by its index, mark it and queue it; then call
 * each, unlink it from the child list and count the group down.
 *
 * Every run is checked (exit 3 if wrong): each task woke exactly at its
 * deadline and in deadline order, counts, the clock did not move when
 * cancelling, nothing is left in the wheel or heap, clean teardown. */
#include <stdint.h>
#include <stdio.h>

#include "bcsc.h"
#include "bench.h"

#define FULL_TASKS 100000u
#define CALLGRIND_TASKS 10000u
#define LIST_TASKS 10000u
#define CALLGRIND_LIST_TASKS 2000u

#define START_NS ((uint64_t)1000000000u) /* the simulated clock at init */
#define SPACING_NS ((uint64_t)1000u)

static uint32_t n_tasks;
static uint32_t perm[FULL_TASKS]; /* task i's deadline is slot perm[i] */

static uint64_t deadline_of(uint32_t i) {
  return START_NS + ((uint64_t)perm[i] + 1u) * SPACING_NS;
}

/* xorshift64: a fixed, portable sequence, so every run and both sides see
 * the same deadlines. */
static uint64_t prng_state = 0x9e3779b97f4a7c15u;
static uint64_t prng_next(void) {
  prng_state ^= prng_state << 13;
  prng_state ^= prng_state >> 7;
  prng_state ^= prng_state << 17;
  return prng_state;
}

static void shuffle_deadlines(void) {
  for (uint32_t i = 0; i < FULL_TASKS; i++)
    perm[i] = i;
  for (uint32_t i = FULL_TASKS - 1; i > 0; i--) {
    uint32_t j = (uint32_t)(prng_next() % ((uint64_t)i + 1u));
    uint32_t t = perm[i];
    perm[i] = perm[j];
    perm[j] = t;
  }
}

/* Only slots below n_tasks are used by a run with fewer tasks: remap so
 * that its deadlines are still 1..n_tasks us apart, in shuffled order. */
static uint32_t small_perm[FULL_TASKS];
static void rank_prefix(uint32_t n) {
  /* Counting pass: rank of perm[i] among perm[0..n). */
  static uint32_t seen[FULL_TASKS];
  uint32_t rank = 0;
  for (uint32_t v = 0; v < FULL_TASKS; v++)
    seen[v] = UINT32_MAX;
  for (uint32_t i = 0; i < n; i++)
    seen[perm[i]] = i;
  for (uint32_t v = 0; v < FULL_TASKS; v++)
    if (seen[v] != UINT32_MAX)
      small_perm[seen[v]] = rank++;
}

/* ---- bcsc ----------------------------------------------------------------
 */

typedef struct sleeper {
  bcsc_task_t task;
  bcsc_timer_t timer;
  uint64_t deadline;
  uint64_t woke_at;
} sleeper_t;

static sleeper_t sleepers[FULL_TASKS];
static bcsc_executor_t *current_ex;
static uint32_t woken, out_of_order, cancelled_seen;
static uint64_t last_wake;

static int sleeper_poll(bcsc_task_t *self) {
  sleeper_t *s = (sleeper_t *)self;
  uint64_t now;
  int rc = bcsc_sleep_until(self, &s->timer, s->deadline);
  if (rc != 0) {
    if (rc == BCSC_ECANCELED)
      cancelled_seen++;
    return rc; /* PENDING, or ECANCELED: not a failure for a cancelled child */
  }
  now = bcsc_executor_now(current_ex);
  s->woke_at = now;
  out_of_order += now <= last_wake;
  last_wake = now;
  woken++;
  return BCSC_DONE;
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
      sleepers[i].deadline =
          n_tasks == FULL_TASKS
              ? deadline_of(i)
              : START_NS + ((uint64_t)small_perm[i] + 1u) * SPACING_NS;
      if ((rc = bcsc_task_init(&sleepers[i].task, sleeper_poll, NULL)) != 0 ||
          (rc = bcsc_timer_init(&sleepers[i].timer)) != 0 ||
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
  bcsc_sim_reactor_t sim;
  bcsc_executor_t ex;
  root_frame_t root;
  int cancel; /* timers_cancel: setup arms every timer first */
  int setup_rc, run_rc, deinit_rc;
  uint32_t armed;
  uint64_t end_now;
  bcsc_executor_stats_t before, after;
} bcsc_ctx_t;

static void bcsc_setup(void *ctx) {
  bcsc_ctx_t *c = (bcsc_ctx_t *)ctx;
  bcsc_executor_config_t config = {0};
  int rc;
  woken = out_of_order = cancelled_seen = 0;
  last_wake = 0;
  bcsc_sim_reactor_init(&c->sim, START_NS);
  config.size = sizeof config;
  config.reactor = &c->sim.base;
  c->setup_rc = bcsc_executor_init(&c->ex, &config);
  current_ex = &c->ex;
  bcsc_task_init(&c->root.task, root_poll, NULL);
  c->root.state = 0;
  c->root.join_rc = 1;
  c->armed = 0;
  if (c->cancel) {
    /* Root spawns, children arm their timers; nothing is due (the clock
     * stands at START_NS), and poll never parks. */
    if (c->setup_rc == 0)
      c->setup_rc = bcsc_executor_spawn(&c->ex, &c->root.task);
    rc = bcsc_executor_poll(&c->ex, UINT32_MAX);
    if (c->setup_rc == 0 && rc < 0)
      c->setup_rc = rc;
    for (uint32_t i = 0; i < n_tasks; i++)
      c->armed += (uint32_t)bcsc_timer_linked(&sleepers[i].timer);
  }
  c->before.size = sizeof c->before;
  bcsc_executor_stats(&c->ex, &c->before);
}

BENCH_REGION static void bench_region_bcsc_timers(void *ctx) {
  bcsc_ctx_t *c = (bcsc_ctx_t *)ctx;
  c->run_rc = bcsc_executor_run(&c->ex, &c->root.task);
}

/* The same run at LIST_TASKS timers, under its own name so that callgrind
 * counts it apart. */
BENCH_REGION static void bench_region_bcsc_timers_sorted_list(void *ctx) {
  bcsc_ctx_t *c = (bcsc_ctx_t *)ctx;
  c->run_rc = bcsc_executor_run(&c->ex, &c->root.task);
}

BENCH_REGION static void bench_region_bcsc_timers_cancel(void *ctx) {
  bcsc_ctx_t *c = (bcsc_ctx_t *)ctx;
  bcsc_scope_cancel(&c->root.scope);
  c->run_rc = bcsc_executor_run(&c->ex, &c->root.task);
}

static int bcsc_finish(void *ctx) {
  bcsc_ctx_t *c = (bcsc_ctx_t *)ctx;
  uint32_t late = 0, linked = 0;
  uint64_t fired;
  c->end_now = bcsc_sim_reactor_now(&c->sim);
  c->after.size = sizeof c->after;
  bcsc_executor_stats(&c->ex, &c->after);
  fired = c->after.timers_fired - c->before.timers_fired;
  for (uint32_t i = 0; i < n_tasks; i++) {
    linked += (uint32_t)bcsc_timer_linked(&sleepers[i].timer);
    if (!c->cancel && sleepers[i].woke_at != sleepers[i].deadline)
      late++;
  }
  c->deinit_rc = bcsc_executor_deinit(&c->ex);
  if (c->cancel) {
    if (c->setup_rc != 0 || c->armed != n_tasks || c->run_rc != 0 ||
        c->root.join_rc != BCSC_ECANCELED || cancelled_seen != n_tasks ||
        woken != 0 || fired != 0 || c->end_now != START_NS || linked != 0 ||
        c->deinit_rc != 0) {
      fprintf(stderr,
              "timers_cancel/bcsc: setup %s, %u of %u armed, run %s, join %s, "
              "%u saw the cancel, %u woke, %llu fired, clock moved %llu ns, "
              "%u still linked, deinit %d\n",
              bcsc_err_name(c->setup_rc), c->armed, n_tasks,
              bcsc_err_name(c->run_rc), bcsc_err_name(c->root.join_rc),
              cancelled_seen, woken, (unsigned long long)fired,
              (unsigned long long)(c->end_now - START_NS), linked,
              c->deinit_rc);
      return 1;
    }
    return 0;
  }
  if (c->setup_rc != 0 || c->run_rc != 0 || c->root.join_rc != 0 ||
      woken != n_tasks || late != 0 || out_of_order != 0 || fired != n_tasks ||
      linked != 0 || c->end_now != START_NS + n_tasks * SPACING_NS ||
      c->deinit_rc != 0) {
    fprintf(stderr,
            "timers/bcsc: setup %s, run %s, join %s, %u of %u woke, %u not "
            "at their deadline, %u out of order, %llu fired, %u still "
            "linked, clock at +%llu ns, deinit %d\n",
            bcsc_err_name(c->setup_rc), bcsc_err_name(c->run_rc),
            bcsc_err_name(c->root.join_rc), woken, n_tasks, late, out_of_order,
            (unsigned long long)fired, linked,
            (unsigned long long)(c->end_now - START_NS), c->deinit_rc);
    return 1;
  }
  return 0;
}

/* ---- lower bound: binary min-heap + ready FIFO ----------------------------
 */

typedef struct lb_node lb_node_t;
typedef struct lb_group {
  lb_node_t *head, *tail; /* live children (timers_cancel only) */
  uint32_t live;
  uint32_t joined;
} lb_group_t;

struct lb_node {
  uint64_t deadline;
  uint64_t woke_at;
  lb_node_t *ready_next;
  void (*fn)(lb_node_t *n);
  lb_group_t *group;
  lb_node_t *sibling_prev, *sibling_next; /* timers_cancel only */
  lb_node_t *list_prev, *list_next;       /* the sorted-list diagnostic */
  uint32_t heap_index;
  uint32_t cancelled;
  uint32_t done;
};

static lb_node_t lb_nodes[FULL_TASKS];
static lb_node_t *heap[FULL_TASKS];
static uint32_t heap_size;
static uint64_t lb_clock;
static uint32_t lb_woken, lb_out_of_order, lb_cancelled_seen;
static uint64_t lb_last_wake;

static inline void heap_place(lb_node_t *n, uint32_t i) {
  heap[i] = n;
  n->heap_index = i;
}

static inline void heap_sift_up(lb_node_t *n, uint32_t i) {
  while (i > 0) {
    uint32_t parent = (i - 1) / 2;
    if (heap[parent]->deadline <= n->deadline)
      break;
    heap_place(heap[parent], i);
    i = parent;
  }
  heap_place(n, i);
}

static inline void heap_sift_down(lb_node_t *n, uint32_t i) {
  for (;;) {
    uint32_t child = 2 * i + 1;
    if (child >= heap_size)
      break;
    if (child + 1 < heap_size &&
        heap[child + 1]->deadline < heap[child]->deadline)
      child++;
    if (n->deadline <= heap[child]->deadline)
      break;
    heap_place(heap[child], i);
    i = child;
  }
  heap_place(n, i);
}

static inline void heap_push(lb_node_t *n) { heap_sift_up(n, heap_size++); }

static inline lb_node_t *heap_pop(void) {
  lb_node_t *top = heap[0];
  lb_node_t *last = heap[--heap_size];
  if (heap_size > 0)
    heap_sift_down(last, 0);
  return top;
}

/* Remove the node at index i: the last node takes its place and moves up or
 * down from there. */
static inline void heap_remove(lb_node_t *n) {
  uint32_t i = n->heap_index;
  lb_node_t *last = heap[--heap_size];
  if (last == n)
    return;
  if (i > 0 && last->deadline < heap[(i - 1) / 2]->deadline)
    heap_sift_up(last, i);
  else
    heap_sift_down(last, i);
}

__attribute__((noinline)) static void lb_task(lb_node_t *n) {
  if (n->cancelled) {
    lb_cancelled_seen++;
  } else {
    n->woke_at = lb_clock;
    lb_out_of_order += lb_clock <= lb_last_wake;
    lb_last_wake = lb_clock;
    lb_woken++;
  }
  n->done = 1;
  if (--n->group->live == 0)
    n->group->joined = 1;
}

/* Through a volatile pointer, as a runtime would call a task's function:
 * the compiler cannot inline it into the loop. */
static void (*volatile lb_task_fn)(lb_node_t *) = lb_task;

static uint64_t lb_deadline(uint32_t i) {
  return n_tasks == FULL_TASKS
             ? deadline_of(i)
             : START_NS + ((uint64_t)small_perm[i] + 1u) * SPACING_NS;
}

static void lb_reset(lb_group_t *g) {
  lb_clock = START_NS;
  lb_last_wake = 0;
  lb_woken = lb_out_of_order = lb_cancelled_seen = 0;
  heap_size = 0;
  g->head = g->tail = NULL;
  g->live = 0;
  g->joined = 0;
}

static void lb_setup(void *ctx) { lb_reset((lb_group_t *)ctx); }

/* Drain a ready FIFO: call each task's function. */
#define LB_DRAIN(head)                                                         \
  while ((head) != NULL) {                                                     \
    lb_node_t *ready_ = (head);                                                \
    (head) = ready_->ready_next;                                               \
    ready_->fn(ready_);                                                        \
  }

BENCH_REGION static void bench_region_lower_timers(void *ctx) {
  lb_group_t *g = (lb_group_t *)ctx;
  void (*fn)(lb_node_t *) = lb_task_fn;
  lb_node_t *ready_head = NULL, *ready_tail = NULL;
  for (uint32_t i = 0; i < n_tasks; i++) {
    lb_node_t *n = &lb_nodes[i];
    n->deadline = lb_deadline(i);
    n->fn = fn;
    n->group = g;
    n->cancelled = 0;
    n->done = 0;
    g->live++;
    heap_push(n);
  }
  while (heap_size > 0) {
    /* Advance the clock to the earliest deadline, queue what is due. */
    if (heap[0]->deadline > lb_clock)
      lb_clock = heap[0]->deadline;
    while (heap_size > 0 && heap[0]->deadline <= lb_clock) {
      lb_node_t *n = heap_pop();
      n->ready_next = NULL;
      if (ready_tail != NULL)
        ready_tail->ready_next = n;
      else
        ready_head = n;
      ready_tail = n;
    }
    ready_tail = NULL;
    LB_DRAIN(ready_head);
  }
}

static int lb_check_fired(lb_group_t *g, const char *what) {
  uint32_t late = 0;
  for (uint32_t i = 0; i < n_tasks; i++)
    late += lb_nodes[i].woke_at != lb_nodes[i].deadline || !lb_nodes[i].done;
  if (!g->joined || lb_woken != n_tasks || late != 0 || lb_out_of_order != 0 ||
      heap_size != 0 || lb_clock != START_NS + n_tasks * SPACING_NS) {
    fprintf(stderr,
            "%s: joined %u, %u of %u woke, %u late or not done, %u out of "
            "order, %u left\n",
            what, g->joined, lb_woken, n_tasks, late, lb_out_of_order,
            heap_size);
    return 1;
  }
  return 0;
}

static int lb_finish(void *ctx) {
  return lb_check_fired((lb_group_t *)ctx, "timers/lower");
}

/* ---- lower bound for timers_cancel ----------------------------------------
 */

static void lb_cancel_setup(void *ctx) {
  lb_group_t *g = (lb_group_t *)ctx;
  void (*fn)(lb_node_t *) = lb_task_fn;
  lb_reset(g);
  for (uint32_t i = 0; i < n_tasks; i++) {
    lb_node_t *n = &lb_nodes[i];
    n->deadline = lb_deadline(i);
    n->fn = fn;
    n->group = g;
    n->cancelled = 0;
    n->done = 0;
    n->sibling_next = NULL;
    n->sibling_prev = g->tail;
    if (g->tail != NULL)
      g->tail->sibling_next = n;
    else
      g->head = n;
    g->tail = n;
    g->live++;
    heap_push(n);
  }
}

BENCH_REGION static void bench_region_lower_timers_cancel(void *ctx) {
  lb_group_t *g = (lb_group_t *)ctx;
  lb_node_t *ready_head = NULL, *ready_tail = NULL;
  /* Cancel: mark, remove from the heap by index, queue. */
  for (lb_node_t *n = g->head; n != NULL; n = n->sibling_next) {
    n->cancelled = 1;
    heap_remove(n);
    n->ready_next = NULL;
    if (ready_tail != NULL)
      ready_tail->ready_next = n;
    else
      ready_head = n;
    ready_tail = n;
  }
  /* Drain: call each once, unlink it from the child list. */
  while (ready_head != NULL) {
    lb_node_t *n = ready_head;
    ready_head = n->ready_next;
    n->fn(n);
    if (n->sibling_prev != NULL)
      n->sibling_prev->sibling_next = n->sibling_next;
    else
      g->head = n->sibling_next;
    if (n->sibling_next != NULL)
      n->sibling_next->sibling_prev = n->sibling_prev;
    else
      g->tail = n->sibling_prev;
    n->sibling_prev = n->sibling_next = NULL;
  }
}

static int lb_cancel_finish(void *ctx) {
  lb_group_t *g = (lb_group_t *)ctx;
  if (!g->joined || g->head != NULL || heap_size != 0 ||
      lb_cancelled_seen != n_tasks || lb_woken != 0 || lb_clock != START_NS) {
    fprintf(stderr,
            "timers_cancel/lower: joined %u, %u saw the cancel, %u woke, %u "
            "left in the heap\n",
            g->joined, lb_cancelled_seen, lb_woken, heap_size);
    return 1;
  }
  return 0;
}

/* ---- diagnostic lower bound: a sorted intrusive list ----------------------
 */

static lb_node_t *list_head, *list_tail;

BENCH_REGION static void bench_region_lower_timers_sorted_list(void *ctx) {
  lb_group_t *g = (lb_group_t *)ctx;
  void (*fn)(lb_node_t *) = lb_task_fn;
  lb_node_t *ready_head = NULL, *ready_tail = NULL;
  list_head = list_tail = NULL;
  for (uint32_t i = 0; i < n_tasks; i++) {
    lb_node_t *n = &lb_nodes[i], *after = list_tail;
    n->deadline = lb_deadline(i);
    n->fn = fn;
    n->group = g;
    n->cancelled = 0;
    n->done = 0;
    g->live++;
    /* Walk back from the tail to the last node due no later than n. */
    while (after != NULL && after->deadline > n->deadline)
      after = after->list_prev;
    n->list_prev = after;
    n->list_next = after != NULL ? after->list_next : list_head;
    if (n->list_next != NULL)
      n->list_next->list_prev = n;
    else
      list_tail = n;
    if (after != NULL)
      after->list_next = n;
    else
      list_head = n;
  }
  while (list_head != NULL) {
    if (list_head->deadline > lb_clock)
      lb_clock = list_head->deadline;
    while (list_head != NULL && list_head->deadline <= lb_clock) {
      lb_node_t *n = list_head;
      list_head = n->list_next;
      if (list_head != NULL)
        list_head->list_prev = NULL;
      n->ready_next = NULL;
      if (ready_tail != NULL)
        ready_tail->ready_next = n;
      else
        ready_head = n;
      ready_tail = n;
    }
    ready_tail = NULL;
    LB_DRAIN(ready_head);
  }
  list_tail = NULL;
}

static int lb_list_finish(void *ctx) {
  return lb_check_fired((lb_group_t *)ctx, "timers_sorted_list/lower");
}

/* ---- main ------------------------------------------------------------------
 */

int main(int argc, char **argv) {
  static bcsc_ctx_t bctx, bctx_cancel;
  static lb_group_t group;
  bench_side_t timers_sides[2] = {
      {"bcsc",
       "scope of sleepers, bcsc_sleep_until each, sim reactor, "
       "bcsc_executor_run",
       bcsc_setup, bench_region_bcsc_timers, bcsc_finish, &bctx,
       "bench_region_bcsc_timers"},
      {"lower",
       "binary min-heap of node pointers + ready FIFO, virtual clock, call "
       "through pointer",
       lb_setup, bench_region_lower_timers, lb_finish, &group,
       "bench_region_lower_timers"},
  };
  bench_side_t list_sides[2] = {
      {"bcsc", "the same bcsc run with fewer timers", bcsc_setup,
       bench_region_bcsc_timers_sorted_list, bcsc_finish, &bctx,
       "bench_region_bcsc_timers_sorted_list"},
      {"list",
       "sorted doubly-linked intrusive list (insert walks from the tail) + "
       "ready FIFO",
       lb_setup, bench_region_lower_timers_sorted_list, lb_list_finish, &group,
       "bench_region_lower_timers_sorted_list"},
  };
  bench_side_t cancel_sides[2] = {
      {"bcsc",
       "bcsc_scope_cancel (unlink each timer from the wheel) + "
       "bcsc_executor_run",
       bcsc_setup, bench_region_bcsc_timers_cancel, bcsc_finish, &bctx_cancel,
       "bench_region_bcsc_timers_cancel"},
      {"lower",
       "walk child list: mark, remove from heap by index, queue; call, "
       "unlink, count down",
       lb_cancel_setup, bench_region_lower_timers_cancel, lb_cancel_finish,
       &group, "bench_region_lower_timers_cancel"},
  };
  bench_result_t results[2];
  int allocated = 0;
  uint32_t list_tasks;

  bench_init(argc, argv, "bench_timers",
             "tasks sleeping to distinct deadlines in simulated time");
  if (!bench_opts.quiet)
    printf("  sizeof(bcsc_timer_t)=%zu sizeof(bcsc_sim_reactor_t)=%zu "
           "sizeof(bcsc_executor_t)=%zu; a sleeper frame (task + timer + "
           "deadline + wake time) is %zu bytes\n",
           sizeof(bcsc_timer_t), sizeof(bcsc_sim_reactor_t),
           sizeof(bcsc_executor_t), sizeof(sleeper_t));
  shuffle_deadlines();
  bctx_cancel.cancel = 1;

  n_tasks = bench_opts.callgrind ? CALLGRIND_TASKS : FULL_TASKS;
  if (n_tasks != FULL_TASKS)
    rank_prefix(n_tasks);
  bench_run_sides(timers_sides, results, 2, n_tasks);
  allocated |= bench_report(
      "timers",
      "sleepers to distinct shuffled deadlines 1 us apart, simulated time",
      &timers_sides[0], &results[0], &timers_sides[1], &results[1], n_tasks,
      "timer");
  if (!bench_opts.quiet)
    printf("  bcsc executor per timer: %.2f polls, %.2f parks, %.2f fired\n",
           (double)(bctx.after.polls - bctx.before.polls) / n_tasks,
           (double)(bctx.after.parks - bctx.before.parks) / n_tasks,
           (double)(bctx.after.timers_fired - bctx.before.timers_fired) /
               n_tasks);

  bench_run_sides(cancel_sides, results, 2, n_tasks);
  allocated |= bench_report("timers_cancel",
                            "armed sleepers cancelled before any deadline",
                            &cancel_sides[0], &results[0], &cancel_sides[1],
                            &results[1], n_tasks, "timer");

  list_tasks = bench_opts.callgrind ? CALLGRIND_LIST_TASKS : LIST_TASKS;
  n_tasks = list_tasks;
  rank_prefix(n_tasks);
  bench_run_sides(list_sides, results, 2, n_tasks);
  bench_report_diagnostic(
      "timers_sorted_list",
      "the timers scenario at fewer timers, against a sorted intrusive list",
      &list_sides[0], &results[0], &list_sides[1], &results[1], n_tasks,
      "timer");
  return allocated ? 1 : 0;
}
