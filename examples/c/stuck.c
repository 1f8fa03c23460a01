/* SPDX-License-Identifier: MIT
 * stuck.c - a stop that is never acknowledged, found by a drain grace.
 *
 * A `drive` task runs two motor drivers in a scope with a 1 s deadline.
 * When the deadline cancels them, each driver sends "stop" over its CAN
 * node and waits for the node's acknowledgement before it lets its frame
 * go: the motor must not be left spinning. The left node acknowledges
 * 10 ms later; the right node is dead and never will. Without more, the
 * drive would wait forever, silently.
 *
 * The drive gives its scope a 200 ms drain grace. At 1.2 s bcsc calls the
 * report for the task still live - the right driver - and the report
 * lists what it waits on: the right node's acknowledgement list. The
 * report gives up on the node by waking that list with a NACK, the driver
 * ends with MOTOR_EDEAD, and the drive gets that error from its join.
 *
 * Simulated time; the program checks its own outcome and exits non-zero
 * if anything went differently, so it doubles as a smoke test. */
#include <stdint.h>
#include <stdio.h>

#include <bcsc.h>

#define MOTOR_EDEAD (BCSC_EUSER - 1) /* its CAN node never answered */
#define ACK 1
#define NACK 2

typedef struct world world_t;

typedef struct motor {
  bcsc_task_t task;
  bcsc_wait_t wait;
  bcsc_waitq_t commands; /* what the driver works on (never fires here) */
  bcsc_waitq_t acks;     /* the CAN node's acknowledgement of "stop" */
  const char *name;
  world_t *w;
  uint64_t stopped_ms;
} motor_t;

/* The CAN bus: acknowledges the left node's stop 10 ms after the
 * deadline; the right node is dead. */
typedef struct bus {
  bcsc_task_t task;
  bcsc_timer_t timer;
} bus_t;

typedef struct drive {
  bcsc_task_t task;
  bcsc_scope_t scope;
  bcsc_drain_grace_t grace; /* next to its scope: lives until it closes */
  int opened;
  int result;
  uint64_t ended_ms;
} drive_t;

struct world {
  bcsc_sim_reactor_t clock;
  bcsc_executor_t ex;
  motor_t left, right;
  bus_t bus;
  drive_t drive;
  /* What the grace report saw. */
  int reports;
  const motor_t *stuck;
  bcsc_waitq_t *stuck_on;
  uint64_t reported_ms;
};

static world_t g_world;

static uint64_t now_ms(world_t *w) {
  return bcsc_sim_reactor_now(&w->clock) / BCSC_MSEC;
}

/* A motor driver: works until cancelled, then stops the motor and waits
 * for its CAN node to confirm. */
static int motor_poll(bcsc_task_t *self) {
  motor_t *m = (motor_t *)self;
  int rc;
  if (!bcsc_task_cancelled(self)) {
    rc = bcsc_wait_on(self, &m->wait, &m->commands);
    if (rc != BCSC_ECANCELED)
      return rc; /* BCSC_PENDING: driving */
  }
  if (!bcsc_wait_fired(&m->wait)) {
    /* "stop" goes out. A cancelled task may still register (bcsc_wait_on
     * would refuse): the frame stays until the node answers. */
    printf("[%4llu ms] %s: cancelled, stopping the motor\n",
           (unsigned long long)now_ms(m->w), m->name);
    if ((rc = bcsc_wait_register(self, &m->wait, &m->acks)) != 0)
      return rc;
    return BCSC_PENDING;
  }
  m->stopped_ms = now_ms(m->w);
  printf("[%4llu ms] %s: %s\n", (unsigned long long)m->stopped_ms, m->name,
         m->wait.value == ACK ? "stop acknowledged" : "node given up");
  return m->wait.value == ACK ? BCSC_ECANCELED : MOTOR_EDEAD;
}

static int bus_poll(bcsc_task_t *self) {
  bus_t *b = (bus_t *)self;
  int rc = bcsc_sleep_until(self, &b->timer, 1010 * BCSC_MSEC);
  if (rc != 0)
    return rc;
  (void)bcsc_waitq_wake_all(&g_world.left.acks, ACK);
  return 0;
}

/* The drain grace's report: which task is stuck, and on what. */
static void report_stuck(void *context, bcsc_scope_t *scope,
                         bcsc_task_t *child) {
  world_t *w = context;
  motor_t *m = (motor_t *)child;
  (void)scope;
  w->reports++;
  w->stuck = m;
  w->reported_ms = now_ms(w);
  for (bcsc_wait_t *r = bcsc_task_wait_next(child, NULL); r != NULL;
       r = bcsc_task_wait_next(child, r)) {
    bcsc_waitq_t *q = bcsc_wait_queue(r);
    w->stuck_on = q;
    printf("[%4llu ms] grace over: %s still waits on %s\n",
           (unsigned long long)w->reported_ms, m->name,
           q == &m->acks ? "its CAN node's acknowledgement" : "something else");
  }
  /* Give up on the dead node: the driver ends, and says so. */
  (void)bcsc_waitq_wake_all(&m->acks, NACK);
}

static int drive_poll(bcsc_task_t *self) {
  drive_t *d = (drive_t *)self;
  world_t *w = &g_world;
  int rc;
  if (!d->opened) {
    d->opened = 1;
    if ((rc = bcsc_scope_init(&d->scope, self, BCSC_SCOPE_WAIT_ALL)) != 0 ||
        (rc = bcsc_scope_set_deadline(&d->scope, 1000 * BCSC_MSEC,
                                      BCSC_DEADLINE_MOVE_ON)) != 0 ||
        (rc = bcsc_drain_grace_init(&d->grace)) != 0 ||
        (rc = bcsc_scope_set_drain_grace(&d->scope, &d->grace, 200 * BCSC_MSEC,
                                         report_stuck, w)) != 0 ||
        (rc = bcsc_scope_spawn(&d->scope, &w->left.task)) != 0 ||
        (rc = bcsc_scope_spawn(&d->scope, &w->right.task)) != 0)
      return rc;
  }
  rc = bcsc_scope_join(&d->scope);
  if (rc == BCSC_PENDING)
    return BCSC_PENDING;
  d->result = rc;
  d->ended_ms = now_ms(w);
  printf("[%4llu ms] drive: joined: %s\n", (unsigned long long)d->ended_ms,
         rc == MOTOR_EDEAD ? "MOTOR_EDEAD" : bcsc_err_name(rc));
  return 0;
}

static void motor_init(motor_t *m, const char *name) {
  bcsc_task_init(&m->task, motor_poll, NULL);
  bcsc_wait_init(&m->wait);
  bcsc_waitq_init(&m->commands);
  bcsc_waitq_init(&m->acks);
  m->name = name;
  m->w = &g_world;
  m->stopped_ms = 0;
}

int main(void) {
  world_t *w = &g_world;
  bcsc_executor_config_t cfg = {.size = sizeof cfg, .reactor = &w->clock.base};
  int ok;
  bcsc_sim_reactor_init(&w->clock, 0);
  if (bcsc_executor_init(&w->ex, &cfg) != 0)
    return 1;
  motor_init(&w->left, "left motor");
  motor_init(&w->right, "right motor");
  bcsc_task_init(&w->bus.task, bus_poll, NULL);
  bcsc_timer_init(&w->bus.timer);
  bcsc_task_init(&w->drive.task, drive_poll, NULL);
  bcsc_executor_spawn(&w->ex, &w->bus.task);
  if (bcsc_executor_run(&w->ex, &w->drive.task) != 0)
    return 1;
  if (bcsc_executor_run(&w->ex, NULL) != 0) /* the bus, if still live */
    return 1;
  ok = w->reports == 1 && w->stuck == &w->right &&
       w->stuck_on == &w->right.acks && w->reported_ms == 1200 &&
       w->left.stopped_ms == 1010 && w->right.stopped_ms == 1200 &&
       w->drive.result == MOTOR_EDEAD && w->drive.ended_ms == 1200 &&
       bcsc_waitq_deinit(&w->left.acks) == 0 &&
       bcsc_waitq_deinit(&w->right.acks) == 0 &&
       bcsc_executor_deinit(&w->ex) == 0;
  printf("%s\n", ok ? "stuck: OK" : "stuck: FAILED");
  return ok ? 0 : 1;
}
