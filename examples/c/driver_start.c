/* SPDX-License-Identifier: MIT
 * driver_start.c - drivers started with a readiness handshake
 * (bcsc_scope_start(), Trio's nursery.start), in simulated time.
 *
 * A robot's supervisor keeps its device drivers in one long-lived scope.
 * It starts each driver with bcsc_scope_start(): the supervisor resumes as
 * soon as the driver has opened its device and said ready with
 * bcsc_start_ready() - handing back its port - not when the driver ends;
 * the driver moves into the drivers scope and keeps streaming readings
 * there. The lidar opens in 5 ms and is ready with port 4000. The motor
 * controller fails to open: its start fails with the driver's error and the
 * supervisor carries on without it. After 55 ms of lidar readings the
 * supervisor shuts the drivers down by cancelling their scope and joins it.
 *
 * main drives everything through bcsc_executor_run() on a simulated clock;
 * the program checks its own outcome and exits non-zero if anything went
 * differently, so it doubles as a smoke test. */
#include <stdint.h>
#include <stdio.h>

#include <bcsc.h>

#define DRIVER_ENODEV (BCSC_EUSER - 1) /* the device did not open */
#define LIDAR_PORT 4000u

typedef struct driver {
  bcsc_task_t task;
  bcsc_co_t co;
  bcsc_timer_t timer;
  const char *name;
  bcsc_start_t *start; /* the start it says ready to */
  uint64_t open_ms;    /* how long opening the device takes */
  int open_fails;
  uintptr_t port;
  uint32_t readings;
} driver_t;

static int driver_poll(bcsc_task_t *self) {
  driver_t *d = (driver_t *)self;
  int rc;
  BCSC_CO_BEGIN(&d->co);
  /* Opening the device. Until it says ready the driver runs in the
   * supervisor's subtree: cancelling the supervisor would cancel it here. */
  BCSC_AWAIT(&d->co, rc,
             bcsc_sleep_for(self, &d->timer, d->open_ms * BCSC_MSEC));
  if (rc != 0)
    return rc;
  if (d->open_fails) {
    printf("%s: device did not open\n", d->name);
    return DRIVER_ENODEV;
  }
  printf("%s: open, ready on port %u\n", d->name, (unsigned)d->port);
  if ((rc = bcsc_start_ready(self, d->start, d->port)) != 0)
    return rc;
  /* Now in the drivers scope: stream until that scope is cancelled. */
  for (;;) {
    BCSC_AWAIT(&d->co, rc, bcsc_sleep_for(self, &d->timer, 10 * BCSC_MSEC));
    if (rc != 0)
      break;
    d->readings++;
  }
  printf("%s: stopped after %u readings\n", d->name, (unsigned)d->readings);
  BCSC_CO_END(&d->co);
}

typedef struct supervisor {
  bcsc_task_t task;
  bcsc_co_t co;
  bcsc_timer_t timer;
  bcsc_scope_t drivers; /* where the drivers live once ready */
  bcsc_start_t lidar_start, motor_start;
  driver_t lidar, motor;
  /* outcome */
  int lidar_rc, motor_rc, join_rc;
  uintptr_t lidar_port;
  uint32_t readings_seen;
} supervisor_t;

static void driver_init(driver_t *d, const char *name, bcsc_start_t *start,
                        uint64_t open_ms, int open_fails, uintptr_t port) {
  bcsc_task_init(&d->task, driver_poll, NULL);
  bcsc_co_suspend_at(&d->co, 0);
  bcsc_timer_init(&d->timer);
  d->name = name;
  d->start = start;
  d->open_ms = open_ms;
  d->open_fails = open_fails;
  d->port = port;
  d->readings = 0;
}

static int supervisor_poll(bcsc_task_t *self) {
  supervisor_t *s = (supervisor_t *)self;
  int rc;
  BCSC_CO_BEGIN(&s->co);
  if ((rc = bcsc_scope_init(&s->drivers, self, BCSC_SCOPE_WAIT_ALL)) != 0)
    return rc;
  driver_init(&s->lidar, "lidar", &s->lidar_start, 5, 0, LIDAR_PORT);
  driver_init(&s->motor, "motor", &s->motor_start, 3, 1, 0);

  BCSC_AWAIT(
      &s->co, s->lidar_rc,
      bcsc_scope_start(self, &s->lidar_start, &s->drivers, &s->lidar.task));
  s->lidar_port = bcsc_start_value(&s->lidar_start);
  printf("supervisor: lidar started (rc %d), port %u\n", s->lidar_rc,
         (unsigned)s->lidar_port);

  /* While the motor's start is pending, the drivers scope counts it as a
   * live child: it cannot close under a driver that has not moved in. */
  BCSC_AWAIT(
      &s->co, s->motor_rc,
      bcsc_scope_start(self, &s->motor_start, &s->drivers, &s->motor.task));
  printf("supervisor: motor not started (rc %d%s); going on without it\n",
         s->motor_rc, s->motor_rc == DRIVER_ENODEV ? ", no device" : "");

  BCSC_AWAIT(&s->co, rc, bcsc_sleep_for(self, &s->timer, 55 * BCSC_MSEC));
  if (rc != 0)
    return rc;
  s->readings_seen = s->lidar.readings;
  printf("supervisor: shutting down, %u lidar readings so far\n",
         (unsigned)s->readings_seen);
  bcsc_scope_cancel(&s->drivers);
  BCSC_AWAIT(&s->co, s->join_rc, bcsc_scope_join(&s->drivers));
  BCSC_CO_END(&s->co);
}

int main(void) {
  static supervisor_t sup; /* the whole task tree, drivers included */
  bcsc_sim_reactor_t clock;
  bcsc_executor_t ex;
  bcsc_executor_config_t cfg = {.size = sizeof cfg, .reactor = &clock.base};
  int rc;

  bcsc_sim_reactor_init(&clock, 0);
  if (bcsc_executor_init(&ex, &cfg) != 0 ||
      bcsc_task_init(&sup.task, supervisor_poll, NULL) != 0 ||
      bcsc_timer_init(&sup.timer) != 0)
    return 1;
  rc = bcsc_executor_run(&ex, &sup.task);
  printf("done at %u ms: run %s, drivers joined with %s\n",
         (unsigned)(bcsc_sim_reactor_now(&clock) / BCSC_MSEC),
         bcsc_err_name(rc), bcsc_err_name(sup.join_rc));
  if (bcsc_executor_deinit(&ex) != 0)
    return 1;

  /* The lidar said ready at 5 ms and moved; the motor failed at 8 ms
   * before it was ready; the lidar then read at 15, 25, ..., 55 ms and
   * was cancelled at 63 ms with the drivers scope (a cancelled scope
   * joins with BCSC_ECANCELED). */
  if (rc != 0 || sup.lidar_rc != 0 || sup.lidar_port != LIDAR_PORT ||
      sup.motor_rc != DRIVER_ENODEV || sup.readings_seen != 5 ||
      sup.lidar.readings != 5 || sup.join_rc != BCSC_ECANCELED ||
      !bcsc_task_done(&sup.lidar.task) || !bcsc_task_done(&sup.motor.task)) {
    printf("unexpected outcome\n");
    return 1;
  }
  printf("ok\n");
  return 0;
}
