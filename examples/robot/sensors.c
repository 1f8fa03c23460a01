/* SPDX-License-Identifier: MIT
 * sensors.c - the IMU (200 Hz, velocity) and the camera (50 Hz, position):
 * one task, two descriptions. Each tick samples the cart, adds the sensor's
 * noise and publishes the sample to its topic. */
#include <inttypes.h>

#include "robot.h"

/* Noise amplitudes: the IMU sees velocity to +-2 mm/s, the camera position
 * to +-1 mm. */
#define IMU_NOISE ((int64_t)2000000)
#define CAMERA_NOISE ((int64_t)1000000)

int sensor_poll(bcsc_task_t *self) {
  sensor_t *s = (sensor_t *)self;
  robot_t *r = self->data;
  loop_stats_t *stats = &r->loops[s->loop];
  int is_imu = s->loop == LOOP_IMU;
  uint64_t now;
  int64_t value;
  int rc;

  BCSC_CO_BEGIN(&s->co);
  bcsc_timer_init(&s->timer);
  /* SKIP: a sensor that fell behind takes the newest sample, not a burst
   * of stale ones. */
  rc = bcsc_timer_set_periodic(&s->timer, robot_first_tick(r, stats->period),
                               stats->period, BCSC_TICK_SKIP);
  if (rc != 0)
    return rc;
  robot_log(r, stats->name, "sampling at %" PRIu64 " Hz",
            (uint64_t)BCSC_SEC / stats->period);
  for (;;) {
    s->deadline = bcsc_timer_deadline(&s->timer);
    BCSC_AWAIT(&s->co, rc, bcsc_timer_wait(self, &s->timer));
    /* A tick may come in the same turn as the cancellation: the request
     * wins. */
    if (bcsc_task_cancelled(self))
      break;
    if (rc < 0)
      return rc;
    now = bcsc_executor_now(&r->executor);
    loop_stats_tick(stats, now - s->deadline, bcsc_timer_missed(&s->timer));
    plant_advance(&r->plant, now);
    if (is_imu)
      value = r->plant.velocity + noise_next(&r->imu_noise, IMU_NOISE);
    else
      value = r->plant.position + noise_next(&r->camera_noise, CAMERA_NOISE);
    digest_event(&r->digest, is_imu ? EVENT_IMU : EVENT_CAMERA,
                 robot_elapsed(r), value);
    rc = topic_publish(is_imu ? &r->imu : &r->camera, now, value);
    if (rc < 0)
      return rc;
  }
  robot_log(r, stats->name, "cancelled after %" PRIu64 " samples: powered down",
            stats->ticks);
  digest_event(&r->digest, EVENT_CLEANUP, robot_elapsed(r), s->loop);
  return BCSC_ECANCELED;
  BCSC_CO_END(&s->co);
}
