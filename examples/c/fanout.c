/* SPDX-License-Identifier: MIT
 * fanout.c - a parent fans out children whose frames live inside its own
 * frame, on main's stack; one child fails, its siblings are cancelled and
 * clean up, and the error comes back to main.
 *
 * The robot story: "calibrate" opens a FAIL_FAST scope and spawns four
 * sensor probes and a feeder. The feeder stands in for the sensor hardware:
 * each tick it fires the "sample ready" waiter list with the tick number.
 * Each probe waits for five samples; probe 2 reads a dropout on tick 3 and
 * fails with PROBE_EFAULT. bcsc cancels the other children, they power their
 * sensors down, the scope's join returns PROBE_EFAULT, calibrate returns it,
 * and bcsc_executor_run() hands it to main.
 *
 * Exits 0 only if exactly that happened, so it doubles as a smoke test. */
#include <stdint.h>
#include <stdio.h>

#include <bcsc.h>

#define PROBE_COUNT 4
#define SAMPLES_NEEDED 5
#define FAULTY_PROBE 2
#define FAULT_TICK 3
/* Task errors live at or below BCSC_EUSER so they never collide with
 * bcsc's own codes. */
#define PROBE_EFAULT (BCSC_EUSER - 1)

/* Every frame starts with its bcsc_task_t, so a poll function can cast
 * `self` back to its frame. State that must survive an await (the loop
 * counters, the registration) lives in the frame, never in C locals. */
typedef struct probe {
  bcsc_task_t task;
  bcsc_co_t co;
  bcsc_wait_t sample_wait;    /* our node on the sample-ready list */
  bcsc_waitq_t *sample_ready; /* the list, owned by calibrate */
  int id;
  int samples;
} probe_t;

typedef struct feeder {
  bcsc_task_t task;
  bcsc_co_t co;
  bcsc_waitq_t *sample_ready;
  unsigned tick;
} feeder_t;

/* The parent's frame holds its children's frames and the event source they
 * wait on. The scope guarantees the children end before this frame does. */
typedef struct calibrate {
  bcsc_task_t task;
  bcsc_co_t co;
  bcsc_scope_t scope;
  bcsc_waitq_t sample_ready;
  feeder_t feeder;
  probe_t probes[PROBE_COUNT];
} calibrate_t;

static const char *error_name(int rc) {
  return rc == PROBE_EFAULT ? "PROBE_EFAULT" : bcsc_err_name(rc);
}

/* A fake sensor: about 1.5 V, except for one dropout. */
static unsigned read_sensor_mv(int id, unsigned tick) {
  if (id == FAULTY_PROBE && tick == FAULT_TICK)
    return 0;
  return 1500u + (unsigned)id * 10u + tick;
}

static int probe_poll(bcsc_task_t *self) {
  probe_t *p = (probe_t *)self;
  unsigned tick, mv;
  int rc;

  BCSC_CO_BEGIN(&p->co);
  printf("probe %d: armed\n", p->id);
  for (p->samples = 0; p->samples < SAMPLES_NEEDED; p->samples++) {
    /* Registers sample_wait and returns PENDING until the feeder fires the
     * list; returns 0 once it has, or BCSC_ECANCELED once we are cancelled. */
    BCSC_AWAIT(&p->co, rc,
               bcsc_wait_on(self, &p->sample_wait, p->sample_ready));
    /* A sample may have fired in the same tick as the cancellation:
     * the request wins, so test it before using the sample. */
    if (bcsc_task_cancelled(self))
      break;
    if (rc < 0)
      return rc;
    tick = (unsigned)p->sample_wait.value;
    mv = read_sensor_mv(p->id, tick);
    if (mv < 1000 || mv > 2000) {
      printf("probe %d: tick %u: %u mV out of range -> PROBE_EFAULT\n", p->id,
             tick, mv);
      return PROBE_EFAULT;
    }
    printf("probe %d: tick %u: %u mV ok\n", p->id, tick, mv);
  }
  if (bcsc_task_cancelled(self)) {
    printf("probe %d: cancelled after %d samples, powering down\n", p->id,
           p->samples);
    /* Cleanup may take more than one poll; the scope waits for it. */
    BCSC_YIELD(&p->co, self);
    printf("probe %d: sensor off\n", p->id);
    return BCSC_ECANCELED;
  }
  printf("probe %d: calibrated\n", p->id);
  BCSC_CO_END(&p->co);
}

static int feeder_poll(bcsc_task_t *self) {
  feeder_t *f = (feeder_t *)self;
  int woken;

  BCSC_CO_BEGIN(&f->co);
  for (f->tick = 1; f->tick <= SAMPLES_NEEDED; f->tick++) {
    if (bcsc_task_cancelled(self)) {
      printf("feeder: cancelled, stopping at tick %u\n", f->tick);
      return BCSC_ECANCELED;
    }
    woken = bcsc_waitq_wake_all(f->sample_ready, f->tick);
    if (woken < 0)
      return woken;
    printf("feeder: tick %u, %d probes woken\n", f->tick, woken);
    /* Queue behind the probes just woken, so they read this sample before
     * the next one fires. */
    BCSC_YIELD(&f->co, self);
  }
  BCSC_CO_END(&f->co);
}

static int calibrate_poll(bcsc_task_t *self) {
  calibrate_t *c = (calibrate_t *)self;
  int i, rc;

  BCSC_CO_BEGIN(&c->co);
  rc = bcsc_scope_init(&c->scope, self, BCSC_SCOPE_FAIL_FAST);
  if (rc != 0)
    return rc;
  bcsc_waitq_init(&c->sample_ready);
  printf("calibrate: scope open, spawning %d probes and the feeder\n",
         PROBE_COUNT);
  /* Probes first: the run queue is FIFO, so they register before the
   * feeder fires its first tick. */
  for (i = 0; i < PROBE_COUNT; i++) {
    probe_t *p = &c->probes[i];
    bcsc_task_init(&p->task, probe_poll, NULL);
    p->co = (bcsc_co_t)BCSC_CO_INITIALIZER;
    bcsc_wait_init(&p->sample_wait);
    p->sample_ready = &c->sample_ready;
    p->id = i;
    /* On failure, returning with the scope open is safe: bcsc cancels and
     * drains the probes already spawned before calibrate completes. */
    if ((rc = bcsc_scope_spawn(&c->scope, &p->task)) != 0)
      return rc;
  }
  bcsc_task_init(&c->feeder.task, feeder_poll, NULL);
  c->feeder.co = (bcsc_co_t)BCSC_CO_INITIALIZER;
  c->feeder.sample_ready = &c->sample_ready;
  if ((rc = bcsc_scope_spawn(&c->scope, &c->feeder.task)) != 0)
    return rc;

  /* PENDING until every child has completed, then the scope's result. */
  BCSC_AWAIT(&c->co, rc, bcsc_scope_join(&c->scope));
  printf("calibrate: scope joined: %s\n", error_name(rc));
  /* Every child has completed, so no registration is left on the list. */
  if (bcsc_waitq_deinit(&c->sample_ready) != 0)
    return BCSC_EBUSY;
  if (rc != 0)
    return rc;
  printf("calibrate: all probes calibrated\n");
  BCSC_CO_END(&c->co);
}

int main(void) {
  bcsc_executor_t ex;
  calibrate_t cal; /* the whole task tree, on main's stack */
  bcsc_executor_stats_t stats = {0};
  int rc;

  /* The frames above were laid out by this header: make sure the library
   * agrees before it touches them. */
  if ((rc = BCSC_ABI_CHECK()) != 0) {
    fprintf(stderr, "main: bcsc ABI mismatch: %s\n", bcsc_strerror(rc));
    return 1;
  }
  printf("main: bcsc %s, %s build\n", bcsc_version_string(),
         bcsc_is_checked_build() ? "checked" : "release");
  if ((rc = bcsc_executor_init(&ex, NULL)) != 0)
    return 1;
  bcsc_task_init(&cal.task, calibrate_poll, NULL);
  cal.co = (bcsc_co_t)BCSC_CO_INITIALIZER;

  rc = bcsc_executor_run(&ex, &cal.task);
  printf("main: calibrate finished: %s (%d)\n", error_name(rc), rc);

  stats.size = sizeof stats; /* how much of the struct this header knows */
  bcsc_executor_stats(&ex, &stats);
  printf("main: %llu spawns, %llu polls, %llu cancels\n",
         (unsigned long long)stats.spawns, (unsigned long long)stats.polls,
         (unsigned long long)stats.cancels);
  /* No task is live any more, so teardown must succeed. */
  if (bcsc_executor_deinit(&ex) != 0) {
    fprintf(stderr, "main: executor still busy\n");
    return 1;
  }
  if (rc != PROBE_EFAULT) {
    fprintf(stderr, "main: expected PROBE_EFAULT\n");
    return 1;
  }
  printf("main: fault reported as expected\n");
  return 0;
}
