/* SPDX-License-Identifier: MIT
 * bench_ping_pong.c - two tasks hand a token back and forth through waiter
 * lists, 10^6 hops.
 *
 * Each player owns a waiter list. A player that does not hold the token
 * waits on its own list; the holder counts a hop, gives the token to the
 * other player and wakes the other's list, then waits for the token to come
 * back. The token is a variable, not the wake itself, so a wake that finds
 * nobody waiting is harmless (waiter lists are not semaphores). When the
 * hop count is reached the holder passes the token once more and returns;
 * the other player then sees the end and returns too.
 *
 * bcsc: a root task spawns both players (their frames inside the root's
 * frame) into a scope and joins it. A hop is one bcsc_waitq_wake_one, one
 * bcsc_wait_on that registers, one executor turn, and one bcsc_wait_on that
 * consumes the fired registration.
 *
 * Lower bound: the same two state machines driven by a hand-rolled ready
 * FIFO, with hand-rolled intrusive doubly-linked waiter lists; waking pops
 * the oldest waiter, marks it fired and queues its task.
 *
 * One operation = one hop. */
#include <stdint.h>
#include <stdio.h>

#include "bcsc.h"
#include "bench.h"

#define FULL_HOPS 1000000u
#define CALLGRIND_HOPS 10000u

static uint32_t n_hops;

/* ---- bcsc --------------------------------------------------------------- */

typedef struct game {
  uint32_t owner; /* which player holds the token */
  uint32_t hops;
  uint32_t target;
  bcsc_waitq_t queue[2]; /* queue[i]: where player i waits for the token */
} game_t;

typedef struct player {
  bcsc_task_t task;
  bcsc_wait_t wait;
  game_t *game;
  uint32_t id;
} player_t;

static int player_poll(bcsc_task_t *self) {
  player_t *p = (player_t *)self;
  game_t *g = p->game;
  uint32_t other = p->id ^ 1u;
  for (;;) {
    int rc;
    if (g->owner != p->id) {
      rc = bcsc_wait_on(self, &p->wait, &g->queue[p->id]);
      if (rc != 0)
        return rc; /* BCSC_PENDING, or an error */
      continue;
    }
    if (g->hops == g->target) {
      /* Done: hand the token over once more so the other player sees the
       * end too, and finish. */
      g->owner = other;
      bcsc_waitq_wake_one(&g->queue[other], 0);
      return BCSC_DONE;
    }
    g->hops++;
    g->owner = other;
    bcsc_waitq_wake_one(&g->queue[other], 0);
  }
}

typedef struct root_frame {
  bcsc_task_t task;
  bcsc_scope_t scope;
  player_t players[2];
  game_t *game;
  uint32_t state;
} root_frame_t;

static int root_poll(bcsc_task_t *self) {
  root_frame_t *f = (root_frame_t *)self;
  int rc;
  if (f->state == 0) {
    if ((rc = bcsc_scope_init(&f->scope, self, BCSC_SCOPE_FAIL_FAST)) != 0)
      return rc;
    for (uint32_t i = 0; i < 2; i++) {
      player_t *p = &f->players[i];
      p->game = f->game;
      p->id = i;
      if ((rc = bcsc_task_init(&p->task, player_poll, NULL)) != 0 ||
          (rc = bcsc_wait_init(&p->wait)) != 0 ||
          (rc = bcsc_scope_spawn(&f->scope, &p->task)) != 0)
        return rc;
    }
    f->state = 1;
  }
  return bcsc_scope_join(&f->scope);
}

typedef struct bcsc_ctx {
  game_t game;
  int init_rc, run_rc, deinit_rc, q_rc;
  bcsc_executor_stats_t stats;
} bcsc_ctx_t;

BENCH_REGION static void bench_region_bcsc_ping_pong(void *ctx) {
  bcsc_ctx_t *c = (bcsc_ctx_t *)ctx;
  bcsc_executor_t ex;
  root_frame_t root;

  c->game.owner = 0;
  c->game.hops = 0;
  c->game.target = n_hops;
  bcsc_waitq_init(&c->game.queue[0]);
  bcsc_waitq_init(&c->game.queue[1]);
  c->init_rc = bcsc_executor_init(&ex, NULL);
  bcsc_task_init(&root.task, root_poll, NULL);
  root.game = &c->game;
  root.state = 0;
  c->run_rc = bcsc_executor_run(&ex, &root.task);
  c->stats.size = sizeof c->stats;
  bcsc_executor_stats(&ex, &c->stats);
  c->deinit_rc = bcsc_executor_deinit(&ex);
  c->q_rc = bcsc_waitq_deinit(&c->game.queue[0]) |
            bcsc_waitq_deinit(&c->game.queue[1]);
}

static int bcsc_finish(void *ctx) {
  bcsc_ctx_t *c = (bcsc_ctx_t *)ctx;
  if (c->init_rc != 0 || c->run_rc != 0 || c->deinit_rc != 0 || c->q_rc != 0 ||
      c->game.hops != n_hops) {
    fprintf(stderr,
            "ping_pong/bcsc: init %d run %s deinit %d waitq %d, %u of %u "
            "hops\n",
            c->init_rc, bcsc_err_name(c->run_rc), c->deinit_rc, c->q_rc,
            c->game.hops, n_hops);
    return 1;
  }
  return 0;
}

/* ---- lower bound ----------------------------------------------------------
 */

typedef struct lb_task lb_task_t;
typedef struct lb_waiter lb_waiter_t;
typedef struct lb_waitlist lb_waitlist_t;

typedef struct lb_sched {
  lb_task_t *head, *tail; /* ready FIFO */
} lb_sched_t;

struct lb_task {
  lb_task_t *ready_next;
  int (*fn)(lb_task_t *t);
  lb_sched_t *sched;
  uint32_t done;
};

struct lb_waiter {
  lb_waiter_t *prev, *next;
  lb_waitlist_t *list;
  lb_task_t *task;
  uint32_t fired;
};

struct lb_waitlist {
  lb_waiter_t *head, *tail;
};

static void lb_ready_push(lb_sched_t *s, lb_task_t *t) {
  t->ready_next = NULL;
  if (s->tail != NULL)
    s->tail->ready_next = t;
  else
    s->head = t;
  s->tail = t;
}

/* Same contract as bcsc_wait_on: 0 once fired, else link and PENDING. */
static int lb_wait_on(lb_task_t *t, lb_waiter_t *w, lb_waitlist_t *l) {
  if (w->fired) {
    w->fired = 0;
    return 0;
  }
  w->task = t;
  w->list = l;
  w->next = NULL;
  w->prev = l->tail;
  if (l->tail != NULL)
    l->tail->next = w;
  else
    l->head = w;
  l->tail = w;
  return 1;
}

static void lb_wake_one(lb_waitlist_t *l) {
  lb_waiter_t *w = l->head;
  if (w == NULL)
    return;
  l->head = w->next;
  if (l->head != NULL)
    l->head->prev = NULL;
  else
    l->tail = NULL;
  w->next = w->prev = NULL;
  w->list = NULL;
  w->fired = 1;
  lb_ready_push(w->task->sched, w->task);
}

typedef struct lb_game {
  uint32_t owner, hops, target;
  lb_waitlist_t list[2];
} lb_game_t;

typedef struct lb_player {
  lb_task_t task;
  lb_waiter_t wait;
  lb_game_t *game;
  uint32_t id;
} lb_player_t;

__attribute__((noinline)) static int lb_player_fn(lb_task_t *t) {
  lb_player_t *p = (lb_player_t *)t;
  lb_game_t *g = p->game;
  uint32_t other = p->id ^ 1u;
  for (;;) {
    if (g->owner != p->id) {
      if (lb_wait_on(t, &p->wait, &g->list[p->id]) != 0)
        return 1;
      continue;
    }
    if (g->hops == g->target) {
      g->owner = other;
      lb_wake_one(&g->list[other]);
      return 0;
    }
    g->hops++;
    g->owner = other;
    lb_wake_one(&g->list[other]);
  }
}

static int (*volatile lb_player_fn_ptr)(lb_task_t *) = lb_player_fn;

typedef struct lb_ctx {
  lb_game_t game;
  lb_player_t players[2];
  uint32_t finished;
} lb_ctx_t;

BENCH_REGION static void bench_region_lower_ping_pong(void *ctx) {
  lb_ctx_t *c = (lb_ctx_t *)ctx;
  lb_sched_t sched = {NULL, NULL};
  int (*fn)(lb_task_t *) = lb_player_fn_ptr;

  c->game.owner = 0;
  c->game.hops = 0;
  c->game.target = n_hops;
  c->game.list[0].head = c->game.list[0].tail = NULL;
  c->game.list[1].head = c->game.list[1].tail = NULL;
  c->finished = 0;
  for (uint32_t i = 0; i < 2; i++) {
    lb_player_t *p = &c->players[i];
    p->task.fn = fn;
    p->task.sched = &sched;
    p->task.done = 0;
    p->wait.fired = 0;
    p->game = &c->game;
    p->id = i;
    lb_ready_push(&sched, &p->task);
  }
  while (sched.head != NULL) {
    lb_task_t *t = sched.head;
    sched.head = t->ready_next;
    if (sched.head == NULL)
      sched.tail = NULL;
    if (t->fn(t) == 0) {
      t->done = 1;
      c->finished++;
    }
  }
}

static int lb_finish(void *ctx) {
  lb_ctx_t *c = (lb_ctx_t *)ctx;
  if (c->finished != 2 || c->game.hops != n_hops ||
      c->game.list[0].head != NULL || c->game.list[1].head != NULL) {
    fprintf(stderr, "ping_pong/lower: %u finished, %u of %u hops\n",
            c->finished, c->game.hops, n_hops);
    return 1;
  }
  return 0;
}

int main(int argc, char **argv) {
  static bcsc_ctx_t bctx;
  static lb_ctx_t lctx;
  bench_side_t sides[2] = {
      {"bcsc",
       "2 tasks in one scope; bcsc_waitq_wake_one + bcsc_wait_on "
       "per hop, bcsc_executor_run",
       NULL, bench_region_bcsc_ping_pong, bcsc_finish, &bctx,
       "bench_region_bcsc_ping_pong"},
      {"lower",
       "2 state machines, hand-rolled ready FIFO + intrusive "
       "doubly-linked waiter lists",
       NULL, bench_region_lower_ping_pong, lb_finish, &lctx,
       "bench_region_lower_ping_pong"},
  };
  bench_result_t results[2];
  int allocated;

  bench_init(argc, argv, "bench_ping_pong",
             "two tasks hand a token back and forth through waiter lists");
  n_hops = bench_opts.callgrind ? CALLGRIND_HOPS : FULL_HOPS;
  bench_run_sides(sides, results, 2, n_hops);
  allocated = bench_report(
      "ping_pong", "a token handed between two tasks via waiter lists",
      &sides[0], &results[0], &sides[1], &results[1], n_hops, "hop");
  if (!bench_opts.quiet)
    printf("  bcsc executor per hop: %.2f polls, %.2f wakes\n",
           (double)bctx.stats.polls / n_hops,
           (double)bctx.stats.wakes / n_hops);
  return allocated ? 1 : 0;
}
