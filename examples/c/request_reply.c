/* SPDX-License-Identifier: MIT
 * request_reply.c - requests that carry a oneshot for their reply, each
 * under a timeout, and what happens to the replies that come too late.
 *
 * An arm controller asks an inverse-kinematics solver for the joint angles
 * of nine targets, one at a time, over a channel. Each request carries a
 * pointer to a oneshot (bcsc/oneshot.h) for the reply, and the controller
 * waits for it under a 20 ms bcsc_timeout() (bcsc/combinator.h). Every
 * third target is near a singularity and takes the solver 30 ms: that
 * request times out, the request's task is cancelled, and in its cleanup it
 * takes a reply that came meanwhile (try_recv) or closes the oneshot. Either
 * side may close a oneshot: the solver's late send gets BCSC_ECLOSED, so it
 * knows nobody waits and drops the answer.
 *
 * The solver holds a pointer into the controller's frame after the
 * controller gave up, so that memory must stay a oneshot the solver may
 * send into. Each request has its own oneshot in the controller's frame,
 * never initialised again, and the solver is the controller's sibling in
 * the arm's scope: the frame outlives every send. (One oneshot initialised
 * again for each request would take a late answer as the next request's.)
 *
 * main runs it on a simulated clock and checks that both sides account for
 * every request: 6 answered in time, 3 abandoned and seen abandoned by the
 * solver, no answer lost. Exits non-zero otherwise. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <bcsc.h>

#define TARGETS 9
#define PATIENCE (20 * BCSC_MSEC) /* the controller's timeout per request */
#define QUICK (5 * BCSC_MSEC)     /* the solver's time for most targets */
#define SINGULAR (30 * BCSC_MSEC) /* ...and for every third one */

typedef struct request {
  uint32_t target;
  int32_t angle;         /* the pose to solve for, in millidegrees */
  bcsc_oneshot_t *reply; /* in the controller's frame */
} request_t;

typedef struct solver {
  bcsc_task_t task;
  bcsc_co_t co;
  bcsc_wait_t wait;
  bcsc_timer_t work;
  bcsc_channel_t *requests;
  request_t req;
  int32_t joints;
  int answered, abandoned;
} solver_t;

/* One request: send it, wait for its reply. bcsc_timeout() runs it. */
typedef struct call {
  bcsc_task_t task;
  bcsc_co_t co;
  bcsc_wait_t send_wait, reply_wait;
  bcsc_channel_t *requests;
  request_t req;
  int32_t joints;
  int replied;
} call_t;

typedef struct controller {
  bcsc_task_t task;
  bcsc_co_t co;
  bcsc_scope_t scope; /* the timeout's */
  call_t call;
  uint32_t target;
  int32_t reply_slot[TARGETS];
  bcsc_oneshot_t replies[TARGETS]; /* one per request, never reused */
  char outcome[TARGETS + 1];       /* s: solved, t: timed out */
  int solved, timed_out, late;
} controller_t;

typedef struct arm {
  bcsc_task_t task;
  bcsc_co_t co;
  bcsc_scope_t scope;
  bcsc_channel_t requests;
  request_t request_ring[2];
  solver_t solver;
  controller_t controller;
  bcsc_task_t *tasks[2]; /* the solver's and the controller's */
} arm_t;

static int32_t solve(int32_t angle) { return angle / 2; }

static int solver_poll(bcsc_task_t *self) {
  solver_t *s = (solver_t *)self;
  int rc;
  BCSC_CO_BEGIN(&s->co);
  for (;;) {
    BCSC_AWAIT(
        &s->co, rc,
        bcsc_channel_recv(self, s->requests, &s->wait, &s->req, sizeof s->req));
    if (rc == BCSC_ECLOSED)
      break; /* the controller is done */
    if (rc != 0)
      return rc;
    BCSC_AWAIT(&s->co, rc,
               bcsc_sleep_for(self, &s->work,
                              s->req.target % 3 == 2 ? SINGULAR : QUICK));
    if (rc != 0)
      return rc;
    s->joints = solve(s->req.angle);
    rc = bcsc_oneshot_send(s->req.reply, &s->joints, sizeof s->joints);
    if (rc == 0) {
      s->answered++;
    } else if (rc == BCSC_ECLOSED) {
      printf("%3llu ms  solver: target %u solved, nobody waits any more\n",
             (unsigned long long)(bcsc_task_now(self) / BCSC_MSEC),
             (unsigned)s->req.target);
      s->abandoned++;
    } else {
      return rc;
    }
  }
  BCSC_CO_END(&s->co);
}

static int call_poll(bcsc_task_t *self) {
  call_t *c = (call_t *)self;
  int rc;
  BCSC_CO_BEGIN(&c->co);
  BCSC_AWAIT(&c->co, rc,
             bcsc_channel_send(self, c->requests, &c->send_wait, &c->req,
                               sizeof c->req));
  if (rc == 0)
    BCSC_AWAIT(&c->co, rc,
               bcsc_oneshot_recv(self, c->req.reply, &c->reply_wait, &c->joints,
                                 sizeof c->joints));
  if (rc == BCSC_ECANCELED) {
    /* The timeout cancelled us. A cancelled recv takes nothing, so a reply
     * that came in the same instant is still in the oneshot: take it, or
     * close the oneshot so that the solver's send fails instead. */
    if (bcsc_oneshot_try_recv(c->req.reply, &c->joints, sizeof c->joints) == 0)
      c->replied = 1;
    else
      bcsc_oneshot_close(c->req.reply);
    return rc;
  }
  if (rc != 0)
    return rc;
  c->replied = 1;
  BCSC_CO_END(&c->co);
}

static int controller_poll(bcsc_task_t *self) {
  controller_t *k = (controller_t *)self;
  call_t *c = &k->call;
  int rc;
  BCSC_CO_BEGIN(&k->co);
  for (k->target = 0; k->target < TARGETS; k->target++) {
    bcsc_oneshot_init(&k->replies[k->target], &k->reply_slot[k->target],
                      sizeof k->reply_slot[0]);
    /* The call's frame is reused: it completed, and its co may have been
     * left mid-body by the cancellation. Its registrations were
     * initialised once, in main. */
    bcsc_task_init(&c->task, call_poll, NULL);
    c->co = (bcsc_co_t)BCSC_CO_INITIALIZER;
    c->req.target = k->target;
    c->req.angle = 10000 * (int32_t)k->target;
    c->req.reply = &k->replies[k->target];
    c->replied = 0;
    BCSC_AWAIT(&k->co, rc,
               bcsc_timeout(self, &k->scope, bcsc_task_now(self) + PATIENCE,
                            &c->task));
    if (rc == 0 && c->replied && c->joints == solve(c->req.angle)) {
      k->outcome[k->target] = 's';
      k->solved++;
    } else if (rc == BCSC_ETIMEDOUT && bcsc_scope_timed_out(&k->scope)) {
      printf("%3llu ms  controller: target %u timed out\n",
             (unsigned long long)(bcsc_task_now(self) / BCSC_MSEC),
             (unsigned)k->target);
      k->outcome[k->target] = 't';
      k->timed_out++;
      k->late += c->replied; /* taken in the cleanup, not lost */
    } else {
      printf("controller: target %u: %s\n", (unsigned)k->target,
             bcsc_err_name(rc));
      return rc == 0 ? BCSC_EUSER : rc;
    }
  }
  bcsc_channel_close(c->requests); /* the solver drains it and ends */
  BCSC_CO_END(&k->co);
}

/* The solver and the controller side by side: the solver's sends into
 * the controller's oneshots all happen before this join returns. */
static int arm_poll(bcsc_task_t *self) {
  arm_t *a = (arm_t *)self;
  int rc;
  BCSC_CO_BEGIN(&a->co);
  BCSC_AWAIT(&a->co, rc, bcsc_join_all(self, &a->scope, a->tasks, 2));
  return rc;
  BCSC_CO_END(&a->co);
}

int main(void) {
  bcsc_sim_reactor_t clock;
  bcsc_executor_t ex;
  bcsc_executor_config_t cfg = {.size = sizeof cfg, .reactor = &clock.base};
  arm_t arm;
  solver_t *s = &arm.solver;
  controller_t *k = &arm.controller;
  int rc, ok, i;

  if (BCSC_ABI_CHECK() != 0)
    return 1;
  memset(&arm, 0, sizeof arm);
  bcsc_sim_reactor_init(&clock, 0);
  if (bcsc_executor_init(&ex, &cfg) != 0 ||
      bcsc_channel_init(&arm.requests, arm.request_ring,
                        sizeof arm.request_ring,
                        sizeof arm.request_ring[0]) != 0)
    return 1;
  /* Zeroed memory is not an initialised bcsc object: every registration
   * and timer gets its init once, before its task runs. */
  bcsc_task_init(&arm.task, arm_poll, NULL);
  bcsc_task_init(&s->task, solver_poll, NULL);
  bcsc_wait_init(&s->wait);
  bcsc_timer_init(&s->work);
  s->requests = &arm.requests;
  bcsc_task_init(&k->task, controller_poll, NULL);
  k->call.requests = &arm.requests;
  bcsc_wait_init(&k->call.send_wait);
  bcsc_wait_init(&k->call.reply_wait);
  memset(k->outcome, '-', TARGETS);
  arm.tasks[0] = &s->task;
  arm.tasks[1] = &k->task;

  rc = bcsc_executor_run(&ex, &arm.task);
  printf("run: %s at %llu ms; outcomes %s (s: solved, t: timed out); solver "
         "answered %d, saw %d abandoned; %d late replies taken\n",
         bcsc_err_name(rc),
         (unsigned long long)(bcsc_executor_now(&ex) / BCSC_MSEC), k->outcome,
         s->answered, s->abandoned, k->late);
  ok = rc == 0 && strcmp(k->outcome, "sstsstsst") == 0 &&
       s->answered == k->solved + k->late &&
       s->abandoned == k->timed_out - k->late;
  for (i = 0; i < TARGETS; i++)
    ok = bcsc_oneshot_deinit(&k->replies[i]) == 0 && ok;
  ok = bcsc_channel_deinit(&arm.requests) == 0 && ok;
  ok = bcsc_executor_deinit(&ex) == 0 && ok;
  printf("%s\n", ok ? "ok: every request answered, or abandoned and seen so"
                    : "FAILED");
  return ok ? 0 : 1;
}
