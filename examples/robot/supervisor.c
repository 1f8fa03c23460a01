/* SPDX-License-Identifier: MIT
 * supervisor.c - the root task, whose scope is the robot's lifetime, and
 * the two tasks that end it or report on it: progress (one line per
 * second) and shutdown (SIGINT, in real time).
 *
 * The robot stops in one way only: its root scope is cancelled - by the
 * scope's deadline (--duration) or by a SIGINT - and every task below it
 * sees the cancellation, cleans up and completes before the supervisor's
 * join returns. */
#include <inttypes.h>
#include <signal.h>

#include "robot.h"

static int spawn(bcsc_scope_t *scope, bcsc_task_t *task, bcsc_co_t *co,
                 bcsc_poll_fn poll, robot_t *r) {
  bcsc_task_init(task, poll, r);
  *co = (bcsc_co_t)BCSC_CO_INITIALIZER;
  return bcsc_scope_spawn(scope, task);
}

int supervisor_poll(bcsc_task_t *self) {
  supervisor_t *s = (supervisor_t *)self;
  robot_t *r = self->data;
  int rc;

  BCSC_CO_BEGIN(&s->co);
  rc = bcsc_scope_init(&s->scope, self, BCSC_SCOPE_FAIL_FAST);
  if (rc != 0)
    return rc;
  /* MOVE_ON: reaching the end of --duration is a normal end, so join
   * returns 0 rather than BCSC_ETIMEDOUT. */
  rc = bcsc_scope_set_deadline(&s->scope, r->start + r->options.duration,
                               BCSC_DEADLINE_MOVE_ON);
  if (rc != 0)
    return rc;
  robot_log(r, "supervisor", "up for %.3f s of %s time",
            (double)r->options.duration / 1e9,
            r->options.sim ? "simulated" : "real");
  s->imu.loop = LOOP_IMU;
  s->camera.loop = LOOP_CAMERA;
  /* Returning early with the scope open is safe: bcsc cancels and drains
   * the children already spawned. */
  if ((rc = spawn(&s->scope, &s->imu.task, &s->imu.co, sensor_poll, r)) ||
      (rc = spawn(&s->scope, &s->camera.task, &s->camera.co, sensor_poll, r)) ||
      (rc = spawn(&s->scope, &s->planner.task, &s->planner.co, planner_poll,
                  r)) ||
      (rc = spawn(&s->scope, &s->watchdog.task, &s->watchdog.co, watchdog_poll,
                  r)) ||
      (rc = spawn(&s->scope, &s->progress.task, &s->progress.co, progress_poll,
                  r)))
    return rc;
  if (!r->options.sim && (rc = spawn(&s->scope, &s->shutdown.task,
                                     &s->shutdown.co, shutdown_poll, r)) != 0)
    return rc;

  BCSC_AWAIT(&s->co, rc, bcsc_scope_join(&s->scope));
  if (bcsc_scope_timed_out(&s->scope))
    robot_log(r, "supervisor", "duration reached: every task has stopped");
  else if (rc == BCSC_ECANCELED && robot_stop_requested())
    robot_log(r, "supervisor", "stopped on SIGINT: every task has stopped");
  else
    robot_log(r, "supervisor", "every task has stopped: %s", bcsc_err_name(rc));
  /* A stop someone asked for is a clean one. */
  if (rc == BCSC_ECANCELED && robot_stop_requested())
    rc = 0;
  return rc;
  BCSC_CO_END(&s->co);
}

int progress_poll(bcsc_task_t *self) {
  progress_t *p = (progress_t *)self;
  robot_t *r = self->data;
  loop_stats_t *l = r->loops;
  int rc, i;

  BCSC_CO_BEGIN(&p->co);
  bcsc_timer_init(&p->timer);
  rc = bcsc_timer_set_periodic(&p->timer, robot_first_tick(r, BCSC_SEC),
                               BCSC_SEC, BCSC_TICK_SKIP);
  if (rc != 0)
    return rc;
  for (;;) {
    BCSC_AWAIT(&p->co, rc, bcsc_timer_wait(self, &p->timer));
    if (bcsc_task_cancelled(self))
      break;
    if (rc < 0)
      return rc;
    p->lines++;
    if (!r->options.quiet) {
      robot_log(r, "progress",
                "x %+.3f m sp %+.3f m | control %" PRIu64
                " ticks max %.1f us | imu %" PRIu64 " camera %" PRIu64
                " planner %" PRIu64 " | misses %" PRIu64 " restarts %" PRIu64,
                (double)r->plant.position / 1e9,
                (double)r->setpoint.value / 1e9, l[LOOP_CONTROL].window_ticks,
                (double)l[LOOP_CONTROL].window_max / 1e3,
                l[LOOP_IMU].window_ticks, l[LOOP_CAMERA].window_ticks,
                l[LOOP_PLANNER].window_ticks,
                l[LOOP_CONTROL].misses + l[LOOP_IMU].misses +
                    l[LOOP_CAMERA].misses + l[LOOP_PLANNER].misses,
                r->restarts);
    }
    for (i = 0; i < LOOP_COUNT; i++)
      loop_stats_window_reset(&l[i]);
    /* The test of the SIGINT path: the same handler, flag and unpark as a
     * Ctrl-C, at a known time. */
    if (p->lines == r->options.sigint_at)
      raise(SIGINT);
    /* In simulated time there is no park for a signal to end, and a
     * simulated second passes quickly: look at the flag once per second. */
    if (r->options.sim && robot_stop_requested()) {
      robot_log(r, "progress", "SIGINT: cancelling the root scope");
      bcsc_scope_cancel(&r->supervisor.scope);
    }
  }
  robot_log(r, "progress", "cancelled after %" PRIu64 " progress ticks",
            p->lines);
  digest_event(&r->digest, EVENT_CLEANUP, robot_elapsed(r), LOOP_COUNT + 1);
  return BCSC_ECANCELED;
  BCSC_CO_END(&p->co);
}

int shutdown_poll(bcsc_task_t *self) {
  shutdown_t *d = (shutdown_t *)self;
  robot_t *r = self->data;
  int rc;

  BCSC_CO_BEGIN(&d->co);
  bcsc_wait_init(&d->unparked_wait);
  for (;;) {
    /* The flag first, then the wait, in one poll: the reactor cannot park
     * in between, so a SIGINT that came before we registered is not lost -
     * its unpark is consumed later, but the flag is already set. */
    if (robot_stop_requested()) {
      robot_log(r, "shutdown", "SIGINT: cancelling the root scope");
      bcsc_scope_cancel(&r->supervisor.scope);
    }
    BCSC_AWAIT(&d->co, rc,
               bcsc_wait_on(self, &d->unparked_wait,
                            bcsc_posix_reactor_unparked(&r->posix)));
    if (bcsc_task_cancelled(self))
      break;
    if (rc < 0)
      return rc;
  }
  robot_log(r, "shutdown", "cancelled: no longer watching for SIGINT");
  return BCSC_ECANCELED;
  BCSC_CO_END(&d->co);
}
