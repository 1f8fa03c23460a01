/* SPDX-License-Identifier: MIT
 * planner.c - the 10 Hz planner: drives the cart through a fixed tour of
 * waypoints. Each tick it waits for a camera fix newer than the one it used
 * last (a waiter list), moves on to the next waypoint once the camera puts
 * the cart at the current one, and publishes a setpoint that ramps towards
 * the waypoint at a bounded speed. */
#include <inttypes.h>

#include "robot.h"

#define MM ((int64_t)1000000) /* nm */

/* The tour, in nm; it repeats. */
static const int64_t waypoints[] = {400 * MM, -200 * MM, 150 * MM, 0};
#define WAYPOINT_COUNT (sizeof waypoints / sizeof waypoints[0])

/* The setpoint moves at most 250 mm/s: 25 mm per 10 Hz tick. */
#define SETPOINT_STEP (25 * MM)
/* "At the waypoint": the camera fix within 5 mm (its noise is +-1 mm). */
#define ARRIVED (5 * MM)

static int64_t step_towards(int64_t from, int64_t to, int64_t step) {
  if (to > from + step)
    return from + step;
  if (to < from - step)
    return from - step;
  return to;
}

static int64_t distance(int64_t a, int64_t b) { return a > b ? a - b : b - a; }

int planner_poll(bcsc_task_t *self) {
  planner_t *p = (planner_t *)self;
  robot_t *r = self->data;
  loop_stats_t *stats = &r->loops[LOOP_PLANNER];
  int64_t target;
  uint64_t now;
  int rc;

  BCSC_CO_BEGIN(&p->co);
  bcsc_timer_init(&p->timer);
  bcsc_wait_init(&p->camera_wait);
  rc = bcsc_timer_set_periodic(&p->timer, robot_first_tick(r, stats->period),
                               stats->period, BCSC_TICK_SKIP);
  if (rc != 0)
    return rc;
  robot_log(r, "planner", "planning at 10 Hz, first waypoint %+.3f m",
            (double)waypoints[0] / 1e9);
  for (;;) {
    p->deadline = bcsc_timer_deadline(&p->timer);
    BCSC_AWAIT(&p->co, rc, bcsc_timer_wait(self, &p->timer));
    if (bcsc_task_cancelled(self))
      break;
    if (rc < 0)
      return rc;
    now = bcsc_executor_now(&r->executor);
    loop_stats_tick(stats, now - p->deadline, bcsc_timer_missed(&p->timer));

    /* Plan from a fix taken since the last plan (at most one camera period
     * away), never from a stale one. */
    BCSC_AWAIT(
        &p->co, rc,
        topic_await_newer(self, &p->camera_wait, &r->camera, p->camera_seen));
    if (bcsc_task_cancelled(self))
      break;
    if (rc < 0)
      return rc;
    p->camera_seen = r->camera.seq;

    target = waypoints[p->waypoint % WAYPOINT_COUNT];
    if (p->setpoint == target && distance(r->camera.value, target) < ARRIVED) {
      p->waypoint++;
      target = waypoints[p->waypoint % WAYPOINT_COUNT];
      robot_log(r, "planner", "waypoint reached, next %+.3f m",
                (double)target / 1e9);
    }
    p->setpoint = step_towards(p->setpoint, target, SETPOINT_STEP);
    digest_event(&r->digest, EVENT_SETPOINT, robot_elapsed(r), p->setpoint);
    rc = topic_publish(&r->setpoint, bcsc_executor_now(&r->executor),
                       p->setpoint);
    if (rc < 0)
      return rc;
  }
  robot_log(r, "planner",
            "cancelled (%" PRIu64 " waypoints reached): last setpoint %+.3f m",
            p->waypoint, (double)p->setpoint / 1e9);
  digest_event(&r->digest, EVENT_CLEANUP, robot_elapsed(r), LOOP_PLANNER);
  return BCSC_ECANCELED;
  BCSC_CO_END(&p->co);
}
