/* SPDX-License-Identifier: MIT
 * pool.c - a server that spawns a task per request from a pool of frames,
 * and sheds load when the pool is empty.
 *
 * A map server on a robot answers path queries from a planner. It cannot
 * know how many queries will be in flight, so it does not give each one a
 * frame of its own: it takes a handler's frame from a pool of 3 over an
 * array in its own frame (bcsc/pool.h), spawns the handler into its scope,
 * and the frame goes back to the pool by itself when the handler completes.
 * The planner sends a query every 2 ms; a handler takes 7 ms. When all 3
 * frames are out, bcsc_pool_acquire() returns BCSC_ENOSPC - back-pressure,
 * not a bug (D7) - and the server answers "busy" at once rather than queue
 * the query; the next query finds a frame that came back meanwhile.
 *
 * main drives everything through bcsc_executor_run() on a simulated clock,
 * every frame on its stack or in the pool's array; the program checks which
 * queries were answered and which were refused, and that every frame is
 * back in the pool at the end. Exits non-zero otherwise. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <bcsc.h>

#define QUERIES 12
#define HANDLERS 3 /* frames in the pool */

typedef struct server server_t;

/* A pooled frame: it must begin with its task header (D8). */
typedef struct handler {
  bcsc_task_t task;
  bcsc_co_t co;
  bcsc_timer_t timer;
  server_t *server;
  uint32_t query;
} handler_t;

struct server {
  bcsc_task_t task;
  bcsc_co_t co;
  bcsc_scope_t scope;
  bcsc_wait_t wait;
  bcsc_channel_t *queries;
  bcsc_pool_t handlers;
  _Alignas(BCSC_POOL_ALIGN) unsigned char handler_memory[BCSC_POOL_BYTES(
      sizeof(handler_t), HANDLERS)];
  uint32_t query;
  uint32_t peak_out;         /* most frames out of the pool at once */
  char answers[QUERIES + 1]; /* per query: 'a' answered, 'b' busy */
  int result;
};

static int handler_poll(bcsc_task_t *self) {
  handler_t *h = (handler_t *)self;
  int rc;
  BCSC_CO_BEGIN(&h->co);
  /* Plan the path. */
  BCSC_AWAIT(&h->co, rc, bcsc_sleep_for(self, &h->timer, 7 * BCSC_MSEC));
  if (rc != 0)
    return rc;
  h->server->answers[h->query] = 'a';
  BCSC_CO_END(&h->co);
}

static int server_poll(bcsc_task_t *self) {
  server_t *s = (server_t *)self;
  handler_t *h;
  void *frame;
  uint32_t out;
  int rc;
  BCSC_CO_BEGIN(&s->co);
  bcsc_scope_init(&s->scope, self, BCSC_SCOPE_FAIL_FAST);
  for (;;) {
    BCSC_AWAIT(&s->co, rc,
               bcsc_channel_recv(self, s->queries, &s->wait, &s->query,
                                 sizeof s->query));
    if (rc != 0)
      break; /* BCSC_ECLOSED: the planner is done */
    rc = bcsc_pool_acquire(&s->handlers, handler_poll, NULL, &frame);
    if (rc == BCSC_ENOSPC) {
      s->answers[s->query] = 'b'; /* every handler is busy: shed the load */
      continue;
    }
    if (rc != 0)
      return rc;
    h = frame; /* its task header is ready: fill in the rest */
    h->co = (bcsc_co_t)BCSC_CO_INITIALIZER;
    bcsc_timer_init(&h->timer);
    h->server = s;
    h->query = s->query;
    bcsc_scope_spawn(&s->scope, &h->task);
    out = bcsc_pool_capacity(&s->handlers) - bcsc_pool_available(&s->handlers);
    if (out > s->peak_out)
      s->peak_out = out;
  }
  /* The queries in flight are answered before the server ends. */
  BCSC_AWAIT(&s->co, rc, bcsc_scope_join(&s->scope));
  s->result = rc;
  BCSC_CO_END(&s->co);
}

/* The planner: a query every 2 ms, then it closes the channel. */
typedef struct planner {
  bcsc_task_t task;
  bcsc_co_t co;
  bcsc_timer_t timer;
  bcsc_wait_t wait;
  bcsc_channel_t *queries;
  uint32_t query;
} planner_t;

static int planner_poll(bcsc_task_t *self) {
  planner_t *p = (planner_t *)self;
  int rc;
  BCSC_CO_BEGIN(&p->co);
  for (p->query = 0; p->query < QUERIES; p->query++) {
    BCSC_AWAIT(&p->co, rc, bcsc_sleep_for(self, &p->timer, 2 * BCSC_MSEC));
    if (rc != 0)
      return rc;
    BCSC_AWAIT(&p->co, rc,
               bcsc_channel_send(self, p->queries, &p->wait, &p->query,
                                 sizeof p->query));
    if (rc != 0)
      return rc;
  }
  bcsc_channel_close(p->queries);
  BCSC_CO_END(&p->co);
}

typedef struct robot {
  bcsc_task_t task;
  bcsc_co_t co;
  bcsc_scope_t scope;
  server_t server;
  planner_t planner;
  bcsc_task_t *tasks[2];
} robot_t;

static int robot_poll(bcsc_task_t *self) {
  robot_t *r = (robot_t *)self;
  int rc;
  BCSC_CO_BEGIN(&r->co);
  BCSC_AWAIT(&r->co, rc, bcsc_join_all(self, &r->scope, r->tasks, 2));
  return rc;
  BCSC_CO_END(&r->co);
}

int main(void) {
  bcsc_sim_reactor_t clock;
  bcsc_executor_t ex;
  bcsc_executor_config_t cfg = {.size = sizeof cfg, .reactor = &clock.base};
  bcsc_channel_t queries;
  uint32_t query_ring[4];
  robot_t robot;
  server_t *s = &robot.server;
  planner_t *p = &robot.planner;
  int rc, ok;

  if (BCSC_ABI_CHECK() != 0)
    return 1;
  memset(&robot, 0, sizeof robot);
  bcsc_sim_reactor_init(&clock, 0);
  if (bcsc_executor_init(&ex, &cfg) != 0 ||
      bcsc_channel_init(&queries, query_ring, sizeof query_ring,
                        sizeof query_ring[0]) != 0 ||
      bcsc_pool_init(&s->handlers, s->handler_memory, sizeof s->handler_memory,
                     sizeof(handler_t), 0) != 0)
    return 1;

  bcsc_task_init(&robot.task, robot_poll, NULL);
  robot.co = (bcsc_co_t)BCSC_CO_INITIALIZER;
  bcsc_task_init(&s->task, server_poll, NULL);
  s->co = (bcsc_co_t)BCSC_CO_INITIALIZER;
  bcsc_wait_init(&s->wait);
  s->queries = &queries;
  memset(s->answers, '-', QUERIES);
  bcsc_task_init(&p->task, planner_poll, NULL);
  p->co = (bcsc_co_t)BCSC_CO_INITIALIZER;
  bcsc_timer_init(&p->timer);
  bcsc_wait_init(&p->wait);
  p->queries = &queries;
  robot.tasks[0] = &s->task;
  robot.tasks[1] = &p->task;

  rc = bcsc_executor_run(&ex, &robot.task);
  printf("run: %s at %llu ms; answers %s (a: answered, b: busy); at most %u "
         "of %u frames out, %u back in the pool\n",
         bcsc_err_name(rc),
         (unsigned long long)(bcsc_executor_now(&ex) / BCSC_MSEC), s->answers,
         (unsigned)s->peak_out, (unsigned)bcsc_pool_capacity(&s->handlers),
         (unsigned)bcsc_pool_available(&s->handlers));

  /* Queries come at 2, 4, 6 ... ms and take 7 ms: the fourth finds the 3
   * frames out, the fifth the first one back (at 9 ms), and so on. */
  ok = rc == 0 && s->result == 0 && strcmp(s->answers, "aaabaaabaaab") == 0 &&
       s->peak_out == HANDLERS && bcsc_pool_available(&s->handlers) == HANDLERS;
  if (bcsc_pool_deinit(&s->handlers) != 0 ||
      bcsc_channel_deinit(&queries) != 0 || bcsc_executor_deinit(&ex) != 0)
    ok = 0;
  printf("%s\n", ok ? "OK" : "UNEXPECTED OUTCOME");
  return ok ? 0 : 1;
}
