/* SPDX-License-Identifier: MIT
 * combinators.c - select, race, timeout and streams in one small robot
 * story, in simulated time.
 *
 * A range sensor publishes readings on a channel. The `monitor` task reads
 * them as a stream and, in the same select, watches a 50 Hz heartbeat
 * interval (a second stream), a stop event, the one-shot timer of its next
 * status report, and the scope of the map backup it runs in the background:
 * whichever comes first wins, and a reading is never consumed by a branch
 * that lost. When the operator asks for a calibration, the monitor races
 * two calibration strategies (the first to finish wins, the other is
 * cancelled and drained), and runs the whole race under a 30 ms timeout.
 * The first calibration wins the race; the second one is made too slow on
 * purpose and times out. A report falls due while the monitor calibrates:
 * the select takes it first when the monitor comes back, and the readings
 * queued meanwhile wait in the channel for the selects after it. When a
 * backup's scope has no child left, its join wins and the monitor starts
 * the next backup; the stop cancels the one in progress.
 *
 * main drives everything through bcsc_executor_run() on a simulated clock;
 * the program checks its own outcome and exits non-zero if anything went
 * differently, so it doubles as a smoke test. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <bcsc.h>

#define READINGS 12

typedef struct world {
  bcsc_sim_reactor_t clock;
  bcsc_executor_t ex;
  bcsc_channel_t ranges;
  uint32_t range_ring[4];
  bcsc_event_t stop;
  bcsc_event_t calibrate;  /* set: the operator asks for a calibration */
  uint64_t strategy_ms[2]; /* how long each strategy takes, this time */
} world_t;

/* One calibration strategy: works for strategy_ms, then succeeds. */
typedef struct strategy {
  bcsc_task_t task;
  bcsc_co_t co;
  bcsc_timer_t timer;
  world_t *w;
  int index;
  int cleaned_up;
} strategy_t;

static int strategy_poll(bcsc_task_t *self) {
  strategy_t *s = (strategy_t *)self;
  int rc;
  BCSC_CO_BEGIN(&s->co);
  BCSC_AWAIT(
      &s->co, rc,
      bcsc_sleep_for(self, &s->timer, s->w->strategy_ms[s->index] * BCSC_MSEC));
  if (rc == BCSC_ECANCELED) {
    s->cleaned_up = 1; /* lost the race or timed out: put the tool away */
    return BCSC_ECANCELED;
  }
  BCSC_CO_END(&s->co);
}

/* A map backup: takes 35 ms, in a scope of the monitor's own. */
typedef struct backup {
  bcsc_task_t task;
  bcsc_co_t co;
  bcsc_timer_t timer;
  int cleaned_up;
} backup_t;

static int backup_poll(bcsc_task_t *self) {
  backup_t *b = (backup_t *)self;
  int rc;
  BCSC_CO_BEGIN(&b->co);
  BCSC_AWAIT(&b->co, rc, bcsc_sleep_for(self, &b->timer, 35 * BCSC_MSEC));
  if (rc == BCSC_ECANCELED) {
    b->cleaned_up = 1; /* stopped mid-write: drop the partial file */
    return BCSC_ECANCELED;
  }
  BCSC_CO_END(&b->co);
}

/* The calibration: a race of two strategies under a timeout. */
typedef struct calibration {
  bcsc_task_t task;
  bcsc_co_t co;
  bcsc_scope_t race_scope;
  strategy_t strategies[2];
  bcsc_task_t *racers[2];
  size_t winner;
} calibration_t;

static int calibration_poll(bcsc_task_t *self) {
  calibration_t *c = (calibration_t *)self;
  int rc;
  BCSC_CO_BEGIN(&c->co);
  BCSC_AWAIT(&c->co, rc,
             bcsc_race(self, &c->race_scope, c->racers, 2, &c->winner));
  return rc;
  BCSC_CO_END(&c->co);
}

typedef struct monitor {
  bcsc_task_t task;
  bcsc_co_t co;
  world_t *w;
  bcsc_stream_t ranges, heartbeat;
  bcsc_timer_t heartbeat_timer;
  bcsc_wait_t stop_wait, calibrate_wait;
  bcsc_timer_t report_timer; /* one-shot, re-armed after each report */
  bcsc_scope_t backup_scope;
  backup_t backup;
  bcsc_scope_t timeout_scope;
  calibration_t calibration;
  uint32_t range;
  uint64_t beat;
  int which;
  /* what happened */
  uint32_t readings, sum, beats, calibrations, backups, reports;
  int calibration_rc[2];
  size_t calibration_winner[2];
  uint32_t queued_at_first_report; /* readings left in the channel */
  uint64_t first_report_ms;
  int backup_end_rc;
  char trace[16]; /* the branches that won, except readings and beats */
  uint32_t traced;
} monitor_t;

static void trace(monitor_t *m, char what) {
  if (m->traced < sizeof m->trace - 1)
    m->trace[m->traced++] = what;
}

static void backup_start(monitor_t *m, bcsc_task_t *self) {
  backup_t *b = &m->backup;
  bcsc_task_init(&b->task, backup_poll, NULL);
  b->co = (bcsc_co_t)BCSC_CO_INITIALIZER;
  bcsc_timer_init(&b->timer);
  b->cleaned_up = 0;
  bcsc_scope_init(&m->backup_scope, self, BCSC_SCOPE_FAIL_FAST);
  bcsc_scope_spawn(&m->backup_scope, &b->task);
}

static void calibration_prepare(monitor_t *m) {
  calibration_t *c = &m->calibration;
  bcsc_task_init(&c->task, calibration_poll, NULL);
  c->co = (bcsc_co_t)BCSC_CO_INITIALIZER;
  for (int i = 0; i < 2; i++) {
    strategy_t *s = &c->strategies[i];
    bcsc_task_init(&s->task, strategy_poll, NULL);
    s->co = (bcsc_co_t)BCSC_CO_INITIALIZER;
    bcsc_timer_init(&s->timer);
    s->w = m->w;
    s->index = i;
    s->cleaned_up = 0;
    c->racers[i] = &s->task;
  }
}

static int monitor_poll(bcsc_task_t *self) {
  monitor_t *m = (monitor_t *)self;
  world_t *w = m->w;
  bcsc_select_t sel;
  int rc;
  BCSC_CO_BEGIN(&m->co);
  backup_start(m, self);
  for (;;) {
    /* Earlier branches win when several are ready: the report and the
     * backup's end come before the readings, which wait in the channel. */
    BCSC_SELECT_BEGIN(&m->co, &sel, self);
    BCSC_SELECT_BRANCH(&sel, bcsc_event_wait(self, &w->stop, &m->stop_wait));
    BCSC_SELECT_BRANCH(
        &sel, bcsc_event_wait(self, &w->calibrate, &m->calibrate_wait));
    BCSC_SELECT_BRANCH(&sel, bcsc_timer_wait(self, &m->report_timer));
    BCSC_SELECT_BRANCH(&sel, bcsc_scope_join(&m->backup_scope));
    BCSC_SELECT_BRANCH(
        &sel, bcsc_stream_next(self, &m->ranges, &m->range, sizeof m->range));
    BCSC_SELECT_BRANCH(
        &sel, bcsc_stream_next(self, &m->heartbeat, &m->beat, sizeof m->beat));
    BCSC_SELECT_END(&sel, m->which);
    rc = bcsc_select_result(&sel);
    if (m->which == 0 || rc != 0) {
      trace(m, m->which == 0 ? 's' : '!');
      break; /* stop, cancellation, a failed backup, or a stream ended */
    }
    if (m->which == 4) {
      m->readings++;
      m->sum += m->range;
    } else if (m->which == 5) {
      m->beats++;
    } else if (m->which == 2) {
      trace(m, 'r');
      if (m->reports++ == 0) {
        m->first_report_ms = bcsc_executor_now(&w->ex) / BCSC_MSEC;
        m->queued_at_first_report = bcsc_channel_buffered(&w->ranges);
      }
      /* The next report is due 28 ms from this one, however late it was. */
      bcsc_timer_set(&m->report_timer,
                     bcsc_executor_now(&w->ex) + 28 * BCSC_MSEC);
    } else if (m->which == 3) {
      trace(m, 'b'); /* the join closed the scope: open the next one */
      m->backups++;
      backup_start(m, self);
    } else {
      trace(m, 'c');
      bcsc_event_reset(&w->calibrate); /* the request is taken */
      calibration_prepare(m);
      BCSC_AWAIT(&m->co, rc,
                 bcsc_timeout(self, &m->timeout_scope,
                              bcsc_executor_now(&w->ex) + 30 * BCSC_MSEC,
                              &m->calibration.task));
      m->calibration_rc[m->calibrations] = rc;
      m->calibration_winner[m->calibrations] = m->calibration.winner;
      printf("calibration %u: %s (winner %d)\n", m->calibrations + 1,
             rc == 0 ? "done" : bcsc_err_name(rc),
             m->calibration.winner == BCSC_NO_WINNER
                 ? -1
                 : (int)m->calibration.winner);
      m->calibrations++;
    }
  }
  bcsc_timer_stop(&m->heartbeat_timer);
  bcsc_timer_stop(&m->report_timer);
  if (m->which != 3) { /* the backup in progress is not needed any more */
    bcsc_scope_cancel(&m->backup_scope);
    BCSC_AWAIT(&m->co, rc, bcsc_scope_join(&m->backup_scope));
    m->backup_end_rc = rc;
  }
  BCSC_CO_END(&m->co);
}

/* The sensor: a reading every 5 ms, then the operator's requests. */
typedef struct sensor {
  bcsc_task_t task;
  bcsc_co_t co;
  bcsc_timer_t timer;
  bcsc_wait_t wait;
  world_t *w;
  uint32_t i, reading;
} sensor_t;

static int sensor_poll(bcsc_task_t *self) {
  sensor_t *s = (sensor_t *)self;
  world_t *w = s->w;
  int rc;
  BCSC_CO_BEGIN(&s->co);
  for (s->i = 0; s->i < READINGS; s->i++) {
    BCSC_AWAIT(&s->co, rc, bcsc_sleep_for(self, &s->timer, 5 * BCSC_MSEC));
    if (rc != 0)
      return rc;
    s->reading = 100 + s->i;
    BCSC_AWAIT(&s->co, rc,
               bcsc_channel_send(self, &w->ranges, &s->wait, &s->reading,
                                 sizeof s->reading));
    if (rc != 0)
      return rc;
    if (s->i == 3) {
      w->strategy_ms[0] = 12; /* first request: strategy 0 wins in 12 ms */
      w->strategy_ms[1] = 20;
      bcsc_event_set(&w->calibrate);
    }
    if (s->i == 9) {
      w->strategy_ms[0] = 45; /* second: both too slow for 30 ms */
      w->strategy_ms[1] = 50;
      bcsc_event_set(&w->calibrate);
    }
  }
  /* Let the monitor drain, then stop it. */
  BCSC_AWAIT(&s->co, rc, bcsc_sleep_for(self, &s->timer, 40 * BCSC_MSEC));
  bcsc_event_set(&w->stop);
  BCSC_CO_END(&s->co);
}

typedef struct app {
  bcsc_task_t task;
  bcsc_co_t co;
  bcsc_scope_t scope;
  monitor_t monitor;
  sensor_t sensor;
  bcsc_task_t *tasks[2];
} app_t;

static int app_poll(bcsc_task_t *self) {
  app_t *a = (app_t *)self;
  int rc;
  BCSC_CO_BEGIN(&a->co);
  BCSC_AWAIT(&a->co, rc, bcsc_join_all(self, &a->scope, a->tasks, 2));
  return rc;
  BCSC_CO_END(&a->co);
}

int main(void) {
  static world_t w;
  static app_t app;
  monitor_t *m = &app.monitor;
  bcsc_executor_config_t cfg = {.size = sizeof cfg, .reactor = &w.clock.base};
  int rc, ok;

  bcsc_sim_reactor_init(&w.clock, 0);
  if (bcsc_executor_init(&w.ex, &cfg) != 0 ||
      bcsc_channel_init(&w.ranges, w.range_ring, sizeof w.range_ring,
                        sizeof w.range_ring[0]) != 0 ||
      bcsc_event_init(&w.stop) != 0 || bcsc_event_init(&w.calibrate) != 0)
    return 1;

  bcsc_task_init(&app.task, app_poll, NULL);
  bcsc_task_init(&m->task, monitor_poll, NULL);
  m->w = &w;
  bcsc_wait_init(&m->stop_wait);
  bcsc_wait_init(&m->calibrate_wait);
  bcsc_stream_channel(&m->ranges, &w.ranges);
  bcsc_timer_init(&m->report_timer);
  bcsc_timer_set(&m->report_timer, 28 * BCSC_MSEC);
  bcsc_timer_init(&m->heartbeat_timer);
  bcsc_timer_set_periodic(&m->heartbeat_timer, 20 * BCSC_MSEC, 20 * BCSC_MSEC,
                          BCSC_TICK_SKIP);
  bcsc_stream_interval(&m->heartbeat, &m->heartbeat_timer);
  bcsc_task_init(&app.sensor.task, sensor_poll, NULL);
  bcsc_timer_init(&app.sensor.timer);
  bcsc_wait_init(&app.sensor.wait);
  app.sensor.w = &w;
  app.tasks[0] = &m->task;
  app.tasks[1] = &app.sensor.task;

  rc = bcsc_executor_run(&w.ex, &app.task);
  printf("run: %s; %u readings (sum %u), %u heartbeats, %u calibrations, "
         "t = %llu ms\n",
         bcsc_err_name(rc), m->readings, m->sum, m->beats, m->calibrations,
         (unsigned long long)(bcsc_executor_now(&w.ex) / BCSC_MSEC));
  printf("first report at %llu ms with %u readings queued; %u reports, "
         "%u backups, the last one %s; branches won: %s\n",
         (unsigned long long)m->first_report_ms, m->queued_at_first_report,
         m->reports, m->backups, bcsc_err_name(m->backup_end_rc), m->trace);

  ok = rc == 0 && m->readings == READINGS &&
       m->sum == READINGS * 100 + READINGS * (READINGS - 1) / 2 &&
       m->beats > 0 && m->calibrations == 2 && m->calibration_rc[0] == 0 &&
       m->calibration_winner[0] == 0 &&
       m->calibration_rc[1] == BCSC_ETIMEDOUT &&
       m->calibration_winner[1] == BCSC_NO_WINNER &&
       m->calibration.strategies[0].cleaned_up &&
       m->calibration.strategies[1].cleaned_up &&
       /* Calibrate at 20 ms; the report due at 28 ms, at 32 when the
        * calibration ends, with the readings of 20, 25 and 30 ms queued;
        * a backup done at 35; calibrate at 50; the report due at 60 and the
        * backup done at 70, both at 80 when the timeout ends; stop at 100
        * with the third backup half-written. */
       strcmp(m->trace, "crbcrbs") == 0 && m->first_report_ms == 32 &&
       m->queued_at_first_report == 3 && m->reports == 2 && m->backups == 2 &&
       m->backup_end_rc == BCSC_ECANCELED && m->backup.cleaned_up;
  bcsc_channel_deinit(&w.ranges);
  bcsc_event_deinit(&w.stop);
  bcsc_event_deinit(&w.calibrate);
  if (bcsc_executor_deinit(&w.ex) != 0)
    ok = 0;
  printf("%s\n", ok ? "OK" : "UNEXPECTED OUTCOME");
  return ok ? 0 : 1;
}
