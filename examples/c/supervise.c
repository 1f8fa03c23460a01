/* SPDX-License-Identifier: MIT
 * supervise.c - a robot keeps its sensor drivers alive: supervised
 * children (bcsc/supervise.h), in simulated time.
 *
 * The `robot` task opens a FAIL_FAST supervisor scope with three
 * children. The lidar driver is supervised with RESTART (budget 2): its
 * hardware is dead, so every run fails after two good samples; the
 * restart function re-initialises its frame and gives it a longer back-off
 * each time, and the third failure escalates. The camera driver is
 * supervised with IGNORE: it glitches once and its wrapper swallows the
 * failure. Odometry is a plain child that ticks at 50 Hz until the
 * lidar's escalation cancels it; it cleans up and the scope ends with the
 * lidar's error, which main gets from bcsc_executor_run().
 *
 * The program checks its own outcome and exits non-zero if anything went
 * differently, so it doubles as a smoke test. */
#include <stdint.h>
#include <stdio.h>

#include <bcsc.h>

#define LIDAR_EIO (BCSC_EUSER - 1)
#define CAMERA_EGLITCH (BCSC_EUSER - 2)

static bcsc_executor_t g_ex;

/* bcsc_err_name() knows bcsc's codes; these two are the program's. */
static const char *err_name(int rc) {
  if (rc == LIDAR_EIO)
    return "LIDAR_EIO";
  if (rc == CAMERA_EGLITCH)
    return "CAMERA_EGLITCH";
  return bcsc_err_name(rc);
}

static unsigned long long now_ms(void) {
  return (unsigned long long)(bcsc_executor_now(&g_ex) / BCSC_MSEC);
}

/* The lidar driver. Its frame is re-initialised by lidar_restart() before
 * every run but the first; backoff_ms is what that run waits first. */
typedef struct lidar {
  bcsc_task_t task;
  bcsc_co_t co;
  bcsc_timer_t timer;
  uint64_t backoff_ms;
  int samples; /* this run's */
  int runs;    /* over every run: kept by the restart function */
} lidar_t;

static int lidar_poll(bcsc_task_t *self) {
  lidar_t *l = (lidar_t *)self;
  int rc;
  BCSC_CO_BEGIN(&l->co);
  l->runs++;
  if (l->backoff_ms != 0) {
    printf("[%4llu ms] lidar: run %d, backing off %llu ms\n", now_ms(), l->runs,
           (unsigned long long)l->backoff_ms);
    BCSC_AWAIT(&l->co, rc,
               bcsc_sleep_for(self, &l->timer, l->backoff_ms * BCSC_MSEC));
    if (rc != 0)
      return rc;
  }
  while (l->samples < 2) {
    BCSC_AWAIT(&l->co, rc, bcsc_sleep_for(self, &l->timer, 10 * BCSC_MSEC));
    if (rc != 0)
      return rc;
    l->samples++;
  }
  printf("[%4llu ms] lidar: run %d, %d samples, then no answer\n", now_ms(),
         l->runs, l->samples);
  return LIDAR_EIO;
  BCSC_CO_END(&l->co);
}

/* RESTART's function: a fresh frame and a longer back-off each time. */
static int lidar_restart(void *context, bcsc_task_t *child, uint32_t restarts) {
  lidar_t *l = context;
  printf("[%4llu ms] supervisor: lidar failed (%s), restart %u of 2\n",
         now_ms(), err_name(bcsc_task_result(child)), restarts);
  bcsc_task_init(&l->task, lidar_poll, NULL);
  bcsc_co_suspend_at(&l->co, 0); /* it returned from mid-body */
  bcsc_timer_init(&l->timer);
  l->backoff_ms = 5u * restarts;
  l->samples = 0;
  return 0;
}

/* The camera: glitches once, 15 ms in. */
typedef struct camera {
  bcsc_task_t task;
  bcsc_co_t co;
  bcsc_timer_t timer;
} camera_t;

static int camera_poll(bcsc_task_t *self) {
  camera_t *c = (camera_t *)self;
  int rc;
  BCSC_CO_BEGIN(&c->co);
  BCSC_AWAIT(&c->co, rc, bcsc_sleep_for(self, &c->timer, 15 * BCSC_MSEC));
  if (rc != 0)
    return rc;
  printf("[%4llu ms] camera: frame glitch\n", now_ms());
  return CAMERA_EGLITCH;
  BCSC_CO_END(&c->co);
}

/* Odometry: ticks every 20 ms until cancelled. */
typedef struct odometry {
  bcsc_task_t task;
  bcsc_timer_t timer;
  int ticks;
  int cleaned_up;
} odometry_t;

static int odometry_poll(bcsc_task_t *self) {
  odometry_t *o = (odometry_t *)self;
  for (;;) {
    int rc = bcsc_timer_wait(self, &o->timer);
    if (rc == BCSC_PENDING)
      return rc;
    if (rc != 0) {
      printf("[%4llu ms] odometry: cancelled after %d ticks, parking\n",
             now_ms(), o->ticks);
      bcsc_timer_stop(&o->timer);
      o->cleaned_up = 1;
      return rc;
    }
    o->ticks++;
  }
}

typedef struct robot {
  bcsc_task_t task;
  bcsc_co_t co;
  bcsc_scope_t scope; /* the supervisor scope */
  lidar_t lidar;
  camera_t camera;
  odometry_t odometry;
  bcsc_supervised_t lidar_sup;
  bcsc_supervised_t camera_sup;
} robot_t;

static int robot_poll(bcsc_task_t *self) {
  robot_t *r = (robot_t *)self;
  int rc;
  BCSC_CO_BEGIN(&r->co);
  if ((rc = bcsc_scope_init(&r->scope, self, BCSC_SCOPE_FAIL_FAST)) != 0 ||
      (rc = bcsc_scope_spawn(&r->scope, &r->lidar_sup.task)) != 0 ||
      (rc = bcsc_scope_spawn(&r->scope, &r->camera_sup.task)) != 0 ||
      (rc = bcsc_scope_spawn(&r->scope, &r->odometry.task)) != 0)
    return rc;
  BCSC_AWAIT(&r->co, rc, bcsc_scope_join(&r->scope));
  printf("[%4llu ms] robot: supervisor scope ended: %s\n", now_ms(),
         err_name(rc));
  return rc;
  BCSC_CO_END(&r->co);
}

int main(void) {
  static bcsc_sim_reactor_t clock;
  static robot_t r;
  bcsc_executor_config_t cfg = {.size = sizeof cfg, .reactor = &clock.base};
  int rc, ok;

  if (BCSC_ABI_CHECK() != 0 || bcsc_sim_reactor_init(&clock, 0) != 0 ||
      bcsc_executor_init(&g_ex, &cfg) != 0)
    return 1;
  bcsc_task_init(&r.task, robot_poll, NULL);
  bcsc_task_init(&r.lidar.task, lidar_poll, NULL);
  bcsc_timer_init(&r.lidar.timer);
  bcsc_task_init(&r.camera.task, camera_poll, NULL);
  bcsc_timer_init(&r.camera.timer);
  bcsc_task_init(&r.odometry.task, odometry_poll, NULL);
  bcsc_timer_init(&r.odometry.timer);
  bcsc_timer_set_periodic(&r.odometry.timer, 20 * BCSC_MSEC, 20 * BCSC_MSEC,
                          BCSC_TICK_SKIP);
  if (bcsc_supervised_init(&r.lidar_sup, &r.lidar.task, BCSC_SUPERVISE_RESTART,
                           2, lidar_restart, &r.lidar) != 0 ||
      bcsc_supervised_init(&r.camera_sup, &r.camera.task, BCSC_SUPERVISE_IGNORE,
                           0, NULL, NULL) != 0)
    return 1;

  rc = bcsc_executor_run(&g_ex, &r.task);
  printf("run: %s; lidar %u restarts, %u failures; camera %u failure "
         "(%s, ignored); odometry %d ticks; t = %llu ms\n",
         err_name(rc), bcsc_supervised_restarts(&r.lidar_sup),
         bcsc_supervised_failures(&r.lidar_sup),
         bcsc_supervised_failures(&r.camera_sup),
         err_name(bcsc_supervised_last_error(&r.camera_sup)), r.odometry.ticks,
         now_ms());

  /* Lidar runs: 20 ms, then 5 + 20, then 10 + 20 = 75 ms in all. */
  ok = rc == LIDAR_EIO && r.lidar.runs == 3 &&
       bcsc_supervised_restarts(&r.lidar_sup) == 2 &&
       bcsc_supervised_failures(&r.lidar_sup) == 3 &&
       bcsc_task_result(&r.lidar_sup.task) == LIDAR_EIO &&
       bcsc_task_result(&r.camera_sup.task) == 0 &&
       bcsc_supervised_last_error(&r.camera_sup) == CAMERA_EGLITCH &&
       r.odometry.cleaned_up && r.odometry.ticks == 3 &&
       bcsc_executor_now(&g_ex) == 75 * BCSC_MSEC;
  if (bcsc_executor_deinit(&g_ex) != 0)
    ok = 0;
  printf("%s\n", ok ? "OK" : "UNEXPECTED OUTCOME");
  return ok ? 0 : 1;
}
