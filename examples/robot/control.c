/* SPDX-License-Identifier: MIT
 * control.c - the 1 kHz control loop and the watchdog that restarts it.
 *
 * The control loop reads the newest IMU velocity, camera fix and setpoint
 * each tick (no waiting: a 1 kHz loop must not block on a 50 Hz sensor),
 * fuses them into a position estimate and sets the cart's acceleration. It
 * counts missed deadlines in a row; at CONTROL_MISS_LIMIT it raises the
 * alarm. The watchdog owns the control scope: on the alarm it cancels the
 * scope, waits until the control task has cleaned up (the scope is
 * drained), and starts a fresh control task in the same frame. */
#include <inttypes.h>

#include "robot.h"

/* A critically damped position loop (natural frequency about 1 Hz):
 * acceleration = KP (setpoint - estimate) - KD velocity, bounded. */
#define KP 40                               /* 1/s^2 */
#define KD 12                               /* 1/s */
#define COMMAND_LIMIT ((int64_t)2000000000) /* 2 m/s^2, in nm/s^2 */
/* Each camera fix pulls the dead-reckoned estimate 1/8 of the way to it. */
#define CAMERA_WEIGHT 8

/* Busy for `length` ns of reactor time: an overrun the watchdog must see.
 * In simulated time, work takes no time unless the clock is moved. */
static void stall(robot_t *r, uint64_t length) {
  uint64_t until = bcsc_executor_now(&r->executor) + length;
  if (r->options.sim) {
    bcsc_sim_reactor_advance(&r->sim, length);
    return;
  }
  while (bcsc_executor_now(&r->executor) < until)
    ;
}

/* One control tick at `now`: the work between two timer waits. */
static void control_tick(robot_t *r, control_t *c, uint64_t now) {
  loop_stats_t *stats = &r->loops[LOOP_CONTROL];
  uint32_t missed = bcsc_timer_missed(&c->timer);
  uint64_t dt = now - c->last;
  int64_t command;

  loop_stats_tick(stats, now - c->deadline, missed);
  c->ticks++;
  c->last = now;
  /* Missed deadlines in a row: a tick on time ends the run. */
  c->consecutive = missed != 0 ? c->consecutive + missed : 0;
  if (c->consecutive >= CONTROL_MISS_LIMIT && !c->alarmed) {
    c->alarmed = 1;
    robot_log(r, "control", "%" PRIu32 " deadlines missed in a row: alarm",
              c->consecutive);
    digest_event(&r->digest, EVENT_ALARM, robot_elapsed(r), c->consecutive);
    bcsc_waitq_wake_all(&r->alarm, c->consecutive);
  }

  plant_advance(&r->plant, now);
  if (dt > BCSC_SEC)
    dt = BCSC_SEC;
  c->estimate += r->imu.value * (int64_t)dt / (int64_t)BCSC_SEC;
  if (r->camera.seq != c->camera_seen) {
    c->camera_seen = r->camera.seq;
    c->estimate += (r->camera.value - c->estimate) / CAMERA_WEIGHT;
  }
  command = KP * (r->setpoint.value - c->estimate) - KD * r->imu.value;
  if (command > COMMAND_LIMIT)
    command = COMMAND_LIMIT;
  if (command < -COMMAND_LIMIT)
    command = -COMMAND_LIMIT;
  r->plant.command = command;
  digest_event(&r->digest, EVENT_COMMAND, robot_elapsed(r), command);

  if (r->options.stall && !r->stall_done &&
      robot_elapsed(r) >= r->options.stall_at) {
    r->stall_done = 1;
    robot_log(r, "control", "injected stall: busy for %.3f ms",
              (double)r->options.stall_length / 1e6);
    digest_event(&r->digest, EVENT_STALL, robot_elapsed(r),
                 (int64_t)r->options.stall_length);
    stall(r, r->options.stall_length);
  }
}

int control_poll(bcsc_task_t *self) {
  control_t *c = (control_t *)self;
  robot_t *r = self->data;
  uint64_t period = r->loops[LOOP_CONTROL].period;
  int rc;

  BCSC_CO_BEGIN(&c->co);
  /* Never drive blind: wait for the first IMU sample (after a restart it
   * is there already). */
  BCSC_AWAIT(&c->co, rc, topic_await_newer(self, &c->imu_wait, &r->imu, 0));
  if (rc < 0 && rc != BCSC_ECANCELED)
    return rc;
  if (rc == 0) {
    bcsc_timer_init(&c->timer);
    rc = bcsc_timer_set_periodic(&c->timer, robot_first_tick(r, period), period,
                                 BCSC_TICK_SKIP);
    if (rc != 0)
      return rc;
    c->last = bcsc_executor_now(&r->executor);
    c->estimate = r->camera.seq != 0 ? r->camera.value : 0;
    c->camera_seen = r->camera.seq;
    robot_log(r, "control", "driving at 1000 Hz");
    for (;;) {
      c->deadline = bcsc_timer_deadline(&c->timer);
      BCSC_AWAIT(&c->co, rc, bcsc_timer_wait(self, &c->timer));
      if (bcsc_task_cancelled(self))
        break;
      if (rc < 0)
        return rc;
      control_tick(r, c, bcsc_executor_now(&r->executor));
    }
  }
  /* Cancelled: leave the cart in a safe state before the scope lets the
   * watchdog reuse this frame. */
  r->plant.command = 0;
  robot_log(r, "control",
            "cancelled after %" PRIu64 " ticks: command zeroed, brakes on",
            c->ticks);
  digest_event(&r->digest, EVENT_CLEANUP, robot_elapsed(r), LOOP_CONTROL);
  return BCSC_ECANCELED;
  BCSC_CO_END(&c->co);
}

/* Prepare the control frame (complete, or never spawned) and start it. */
static int control_start(watchdog_t *w, robot_t *r) {
  control_t *c = &w->control;
  bcsc_task_init(&c->task, control_poll, r);
  c->co = (bcsc_co_t)BCSC_CO_INITIALIZER;
  bcsc_wait_init(&c->imu_wait);
  c->ticks = 0;
  c->consecutive = 0;
  c->alarmed = 0;
  return bcsc_scope_spawn(&w->scope, &c->task);
}

/* Select: the alarm, or the control scope emptying by itself. Returns 0
 * with alarm_value set for the alarm, 0 with it 0 when control ended,
 * BCSC_ECANCELED when the watchdog is cancelled, or BCSC_PENDING. */
static int watchdog_watch(bcsc_task_t *self, watchdog_t *w) {
  robot_t *r = self->data;
  int rc;
  if (bcsc_wait_fired(&w->alarm_wait)) {
    w->alarm_value = w->alarm_wait.value;
    return bcsc_wait_on(self, &w->alarm_wait, &r->alarm); /* clears it: 0 */
  }
  if (bcsc_task_cancelled(self))
    return BCSC_ECANCELED;
  if (bcsc_scope_live(&w->scope) == 0)
    return 0;
  /* Two registrations; whichever fires first wakes us and unlinks the
   * other. */
  if ((rc = bcsc_wait_register(self, &w->alarm_wait, &r->alarm)) != 0)
    return rc;
  return bcsc_scope_join(&w->scope);
}

int watchdog_poll(bcsc_task_t *self) {
  watchdog_t *w = (watchdog_t *)self;
  robot_t *r = self->data;
  int rc;

  BCSC_CO_BEGIN(&w->co);
  bcsc_wait_init(&w->alarm_wait);
  robot_log(r, "watchdog",
            "watching control: restart after %d missed deadlines in a row",
            CONTROL_MISS_LIMIT);
  for (;;) {
    rc = bcsc_scope_init(&w->scope, self, BCSC_SCOPE_FAIL_FAST);
    if (rc != 0)
      return rc;
    /* On failure, returning with the scope open is safe: bcsc drains it. */
    if ((rc = control_start(w, r)) != 0)
      return rc;
    w->alarm_value = 0;
    BCSC_AWAIT(&w->co, rc, watchdog_watch(self, w));
    if (rc < 0 && rc != BCSC_ECANCELED)
      return rc;
    if (w->alarm_value != 0) {
      robot_log(r, "watchdog",
                "alarm (%u missed): cancelling the control scope",
                (unsigned)w->alarm_value);
      bcsc_scope_cancel(&w->scope);
    }
    /* Drained: the control task has run its cleanup and completed, so its
     * frame may be initialised again. */
    BCSC_AWAIT(&w->co, rc, bcsc_scope_join(&w->scope));
    if (bcsc_task_cancelled(self))
      break;
    if (w->alarm_value == 0) {
      /* A control loop only ends when cancelled; anything else is a fault
       * the supervisor must see. */
      robot_log(r, "watchdog", "control ended by itself: %s",
                bcsc_err_name(rc));
      return rc != 0 ? rc : BCSC_ESTATE;
    }
    r->restarts++;
    robot_log(r, "watchdog",
              "control scope drained (%s); restarting control (restart %" PRIu64
              ")",
              bcsc_err_name(rc), r->restarts);
    digest_event(&r->digest, EVENT_RESTART, robot_elapsed(r),
                 (int64_t)r->restarts);
  }
  robot_log(r, "watchdog", "cancelled: control scope drained (%s)",
            bcsc_err_name(rc));
  digest_event(&r->digest, EVENT_CLEANUP, robot_elapsed(r), LOOP_COUNT);
  return BCSC_ECANCELED;
  BCSC_CO_END(&w->co);
}
