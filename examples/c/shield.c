/* SPDX-License-Identifier: MIT
 * shield.c - a cancelled motor driver that must still stop its motor
 * properly: a shielded scope (BCSC_SCOPE_SHIELD, D80).
 *
 * A `drive` runs in a session scope with a 35 ms deadline. Every 10 ms it
 * sends the cruise speed to the motor over a CAN channel, which a `bus`
 * task (outside the session) forwards. At 35 ms the deadline cancels the
 * drive. Cutting the power at cruise speed would throw the arm, so the
 * stop is a sequence: ramp the speed down 200, 100, 0 in 10 ms steps,
 * send BRAKE, and wait for the motor's acknowledgement. Every step of it
 * waits - a sleep, a channel send, a receive - and a cancelled task's
 * waits answer BCSC_ECANCELED at once.
 *
 * So the drive opens a shielded scope: the session's cancellation stops at
 * it, and the stop sequence spawned into it runs uncancelled. The shield
 * has its own 100 ms deadline (BCSC_DEADLINE_FAIL), so a motor that never
 * acknowledges cannot hold the session up for ever: the join would return
 * BCSC_ETIMEDOUT. Here the motor acknowledges 5 ms after BRAKE, at 70 ms,
 * and only then does the session's join return.
 *
 * Simulated time; the program checks its own outcome and exits non-zero
 * if anything went differently, so it doubles as a smoke test. */
#include <stdint.h>
#include <stdio.h>

#include <bcsc.h>

enum { CMD_SPEED = 1, CMD_BRAKE = 2 };

typedef struct command {
  uint32_t kind;
  uint32_t speed; /* rpm, for CMD_SPEED */
} command_t;

#define CRUISE 300u
#define LOG_MAX 16

typedef struct world world_t;

/* The stop sequence: ramps down, brakes, waits for the acknowledgement. */
typedef struct stopper {
  bcsc_task_t task;
  bcsc_co_t co;
  bcsc_timer_t timer;
  bcsc_wait_t wait;
  command_t cmd;
  uint32_t ack;
  uint32_t step;
  world_t *w;
} stopper_t;

typedef struct drive {
  bcsc_task_t task;
  bcsc_co_t co;
  bcsc_timer_t timer;
  bcsc_wait_t wait;
  command_t cmd;
  bcsc_scope_t shield; /* opened once cancelled */
  stopper_t stopper;   /* spawned into it */
  int shield_rc;
  world_t *w;
} drive_t;

typedef struct session {
  bcsc_task_t task;
  bcsc_co_t co;
  bcsc_scope_t scope;
  int rc;
  uint64_t ended_ms;
  world_t *w;
} session_t;

/* The CAN bus: forwards commands to the motor; the motor acknowledges
 * BRAKE 5 ms later on its own channel. */
typedef struct bus {
  bcsc_task_t task;
  bcsc_co_t co;
  bcsc_timer_t timer;
  bcsc_wait_t wait;
  command_t cmd;
  uint32_t ack;
  world_t *w;
} bus_t;

struct world {
  bcsc_sim_reactor_t clock;
  bcsc_executor_t ex;
  bcsc_channel_t can; /* drive -> motor */
  command_t can_ring[4];
  bcsc_channel_t acks; /* motor -> drive */
  uint32_t ack_ring[1];
  bus_t bus;
  session_t session;
  drive_t drive;
  /* What the motor saw: speeds (0 for BRAKE) and when. */
  uint32_t n;
  uint32_t seen[LOG_MAX];
  uint64_t seen_ms[LOG_MAX];
  uint64_t cancelled_ms, acked_ms;
};

static world_t g_world;

static uint64_t now_ms(world_t *w) {
  return bcsc_sim_reactor_now(&w->clock) / BCSC_MSEC;
}

static int stopper_poll(bcsc_task_t *self) {
  stopper_t *s = (stopper_t *)self;
  int rc;
  BCSC_CO_BEGIN(&s->co);
  for (s->step = 1; s->step <= 3; s->step++) {
    s->cmd = (command_t){CMD_SPEED, CRUISE - 100u * s->step};
    BCSC_AWAIT(
        &s->co, rc,
        bcsc_channel_send(self, &s->w->can, &s->wait, &s->cmd, sizeof s->cmd));
    if (rc != 0)
      return rc;
    BCSC_AWAIT(&s->co, rc, bcsc_sleep_for(self, &s->timer, 10 * BCSC_MSEC));
    if (rc != 0)
      return rc; /* the shield's own deadline */
  }
  s->cmd = (command_t){CMD_BRAKE, 0};
  BCSC_AWAIT(
      &s->co, rc,
      bcsc_channel_send(self, &s->w->can, &s->wait, &s->cmd, sizeof s->cmd));
  if (rc != 0)
    return rc;
  BCSC_AWAIT(
      &s->co, rc,
      bcsc_channel_recv(self, &s->w->acks, &s->wait, &s->ack, sizeof s->ack));
  if (rc != 0)
    return rc;
  s->w->acked_ms = now_ms(s->w);
  printf("[%3llu ms] stop: brake acknowledged\n",
         (unsigned long long)s->w->acked_ms);
  BCSC_CO_END(&s->co);
}

static int drive_poll(bcsc_task_t *self) {
  drive_t *d = (drive_t *)self;
  int rc;
  BCSC_CO_BEGIN(&d->co);
  for (;;) {
    d->cmd = (command_t){CMD_SPEED, CRUISE};
    BCSC_AWAIT(
        &d->co, rc,
        bcsc_channel_send(self, &d->w->can, &d->wait, &d->cmd, sizeof d->cmd));
    if (rc == 0)
      BCSC_AWAIT(&d->co, rc, bcsc_sleep_for(self, &d->timer, 10 * BCSC_MSEC));
    if (rc == BCSC_ECANCELED)
      break;
    if (rc != 0)
      return rc;
  }
  d->w->cancelled_ms = now_ms(d->w);
  printf("[%3llu ms] drive: cancelled at cruise speed, stopping safely\n",
         (unsigned long long)d->w->cancelled_ms);
  /* Uncancelled behind the shield; bounded by its own deadline. */
  if ((rc = bcsc_scope_init(&d->shield, self,
                            BCSC_SCOPE_FAIL_FAST | BCSC_SCOPE_SHIELD)) != 0 ||
      (rc = bcsc_scope_set_deadline(
           &d->shield, bcsc_executor_now(&d->w->ex) + 100 * BCSC_MSEC,
           BCSC_DEADLINE_FAIL)) != 0 ||
      (rc = bcsc_task_init(&d->stopper.task, stopper_poll, NULL)) != 0 ||
      (rc = bcsc_scope_spawn(&d->shield, &d->stopper.task)) != 0)
    return rc;
  BCSC_AWAIT(&d->co, rc, bcsc_scope_join(&d->shield));
  d->shield_rc = rc;
  /* The stop failed (BCSC_ETIMEDOUT: no acknowledgement in 100 ms) or
   * worked: then this task ends as cancelled tasks do. */
  return rc != 0 ? rc : BCSC_ECANCELED;
  BCSC_CO_END(&d->co);
}

static int session_poll(bcsc_task_t *self) {
  session_t *s = (session_t *)self;
  int rc;
  BCSC_CO_BEGIN(&s->co);
  if ((rc = bcsc_scope_init(&s->scope, self, BCSC_SCOPE_FAIL_FAST)) != 0 ||
      (rc = bcsc_scope_set_deadline(&s->scope, 35 * BCSC_MSEC,
                                    BCSC_DEADLINE_MOVE_ON)) != 0 ||
      (rc = bcsc_scope_spawn(&s->scope, &s->w->drive.task)) != 0)
    return rc;
  BCSC_AWAIT(&s->co, rc, bcsc_scope_join(&s->scope));
  s->rc = rc;
  s->ended_ms = now_ms(s->w);
  printf("[%3llu ms] session: joined: %s\n", (unsigned long long)s->ended_ms,
         bcsc_err_name(rc));
  BCSC_CO_END(&s->co);
}

static int bus_poll(bcsc_task_t *self) {
  bus_t *b = (bus_t *)self;
  world_t *w = b->w;
  int rc;
  BCSC_CO_BEGIN(&b->co);
  for (;;) {
    BCSC_AWAIT(
        &b->co, rc,
        bcsc_channel_recv(self, &w->can, &b->wait, &b->cmd, sizeof b->cmd));
    if (rc != 0)
      return rc;
    if (w->n < LOG_MAX) {
      w->seen[w->n] = b->cmd.kind == CMD_BRAKE ? 0 : b->cmd.speed;
      w->seen_ms[w->n++] = now_ms(w);
    }
    if (b->cmd.kind == CMD_BRAKE)
      break;
    printf("[%3llu ms] motor: %u rpm\n", (unsigned long long)now_ms(w),
           b->cmd.speed);
  }
  printf("[%3llu ms] motor: BRAKE\n", (unsigned long long)now_ms(w));
  BCSC_AWAIT(&b->co, rc, bcsc_sleep_for(self, &b->timer, 5 * BCSC_MSEC));
  if (rc != 0)
    return rc;
  b->ack = 1;
  BCSC_AWAIT(
      &b->co, rc,
      bcsc_channel_send(self, &w->acks, &b->wait, &b->ack, sizeof b->ack));
  if (rc != 0)
    return rc;
  BCSC_CO_END(&b->co);
}

int main(void) {
  world_t *w = &g_world;
  bcsc_executor_config_t cfg = {.size = sizeof cfg, .reactor = &w->clock.base};
  /* What the motor must see: cruise at 0, 10, 20, 30 ms; the ramp from the
   * cancel at 35 ms; BRAKE (0) at 65 ms. */
  static const uint32_t want[] = {300, 300, 300, 300, 200, 100, 0, 0};
  static const uint64_t want_ms[] = {0, 10, 20, 30, 35, 45, 55, 65};
  int ok, rc;
  bcsc_sim_reactor_init(&w->clock, 0);
  if (bcsc_executor_init(&w->ex, &cfg) != 0 ||
      bcsc_channel_init(&w->can, w->can_ring, sizeof w->can_ring,
                        sizeof w->can_ring[0]) != 0 ||
      bcsc_channel_init(&w->acks, w->ack_ring, sizeof w->ack_ring,
                        sizeof w->ack_ring[0]) != 0)
    return 1;
  w->bus.w = w->session.w = w->drive.w = w->drive.stopper.w = w;
  /* g_world is static: every bcsc_co_t starts at 0, "start". */
  bcsc_timer_init(&w->bus.timer);
  bcsc_timer_init(&w->drive.timer);
  bcsc_timer_init(&w->drive.stopper.timer);
  bcsc_wait_init(&w->bus.wait);
  bcsc_wait_init(&w->drive.wait);
  bcsc_wait_init(&w->drive.stopper.wait);
  bcsc_task_init(&w->bus.task, bus_poll, NULL);
  bcsc_task_init(&w->session.task, session_poll, NULL);
  bcsc_task_init(&w->drive.task, drive_poll, NULL);
  bcsc_executor_spawn(&w->ex, &w->bus.task);
  /* The session, then the bus (it ends once it has acknowledged BRAKE). */
  if ((rc = bcsc_executor_run(&w->ex, &w->session.task)) != 0 ||
      (rc = bcsc_executor_run(&w->ex, NULL)) != 0) {
    printf("shield: FAILED (run: %s)\n", bcsc_err_name(rc));
    return 1;
  }

  ok = w->n == sizeof want / sizeof want[0] && w->cancelled_ms == 35 &&
       w->acked_ms == 70 && w->drive.shield_rc == 0 && w->session.rc == 0 &&
       w->session.ended_ms == 70 && bcsc_channel_deinit(&w->can) == 0 &&
       bcsc_channel_deinit(&w->acks) == 0 && bcsc_executor_deinit(&w->ex) == 0;
  for (uint32_t i = 0; ok && i < w->n; i++)
    ok = w->seen[i] == want[i] && w->seen_ms[i] == want_ms[i];
  printf("%s\n", ok ? "shield: OK" : "shield: FAILED");
  return ok ? 0 : 1;
}
