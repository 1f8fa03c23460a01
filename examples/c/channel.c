/* SPDX-License-Identifier: MIT
 * channel.c - a three-stage pipeline over two bounded channels, and a
 * worker cancelled mid-stream that loses nothing.
 *
 * The robot story: an IMU task sends 24 raw samples into `raw` (room for
 * 2). Two filter workers take samples from `raw`, smooth them, and send
 * the results into `filtered` (room for 2), which a logger drains. Halfway
 * through, the operator shuts filter A down - at the worst moment: right
 * after `raw` woke it for a sample it has not taken yet, while filter B
 * waits in line behind it. The channel had reserved that sample for A;
 * since A never takes it, bcsc hands the wake to B, which takes the
 * sample. (With a plain waiter list, B would sleep next to a full `raw`
 * and the IMU would wait for room forever.) The IMU closes `raw` when it is
 * done, the last filter out closes `filtered`, and the logger checks that
 * every sample arrived exactly once.
 *
 * The IMU also reports its temperature with each sample, on a `health`
 * channel (room for 4) that must never slow it down: it uses
 * bcsc_channel_try_send() and drops a report when the channel is full,
 * counting the drops. The host reads `health` between polls, now and
 * then, with bcsc_channel_try_recv(), which never waits either; every
 * report is either received or counted as dropped.
 *
 * main drives the executor one poll at a time (a host loop), so it can
 * cancel A at that exact moment. Exits 0 only if everything went as
 * described, so it doubles as a smoke test. */
#include <stdint.h>
#include <stdio.h>

#include <bcsc.h>
#include <bcsc/channel.h>

#define SAMPLES 24
#define CANCEL_AFTER 8  /* samples A must have filtered before the shutdown */
#define HEALTH_EVERY 20 /* host polls between two reads of `health` */

typedef struct sample {
  uint32_t seq;
  int32_t value;
} sample_t;

typedef struct pipeline {
  bcsc_channel_t raw, filtered, health;
  sample_t raw_ring[2], filtered_ring[2], health_ring[4];
  int filters_live; /* the last filter out closes `filtered` */
} pipeline_t;

typedef struct imu {
  bcsc_task_t task;
  bcsc_co_t co;
  bcsc_wait_t wait;
  pipeline_t *pipe;
  sample_t out, temperature;
  uint32_t reports_dropped; /* `health` was full */
} imu_t;

typedef struct filter {
  bcsc_task_t task;
  bcsc_co_t co;
  bcsc_wait_t wait; /* one registration for both channels, in turn */
  pipeline_t *pipe;
  const char *name;
  sample_t in, out;
  int32_t previous;
  uint32_t filtered;
  int receiving; /* waiting on raw (not on filtered) */
  int end;
} filter_t;

typedef struct logger {
  bcsc_task_t task;
  bcsc_co_t co;
  bcsc_wait_t wait;
  pipeline_t *pipe;
  sample_t in;
  uint32_t count;
  uint32_t seen[SAMPLES]; /* how often each sample arrived */
} logger_t;

static int imu_poll(bcsc_task_t *self) {
  imu_t *f = (imu_t *)self;
  int rc;
  BCSC_CO_BEGIN(&f->co);
  for (f->out.seq = 0; f->out.seq < SAMPLES; f->out.seq++) {
    f->out.value = (int32_t)(f->out.seq * 10 + (f->out.seq % 3));
    /* Waits while `raw` is full: the filters set the pace. */
    BCSC_AWAIT(&f->co, rc,
               bcsc_channel_send(self, &f->pipe->raw, &f->wait, &f->out,
                                 sizeof f->out));
    if (rc != 0)
      return rc;
    /* Diagnostics must not hold the samples up: drop a report rather than
     * wait for room. */
    f->temperature.seq = f->out.seq;
    f->temperature.value = 40 + (int32_t)(f->out.seq % 4);
    if (bcsc_channel_try_send(&f->pipe->health, &f->temperature,
                              sizeof f->temperature) == BCSC_EAGAIN)
      f->reports_dropped++;
    /* One sample per turn, like a sensor with a sample rate. */
    BCSC_YIELD(&f->co, self);
  }
  printf("imu: sent %d samples (%u health reports dropped), closing raw and "
         "health\n",
         SAMPLES, (unsigned)f->reports_dropped);
  bcsc_channel_close(&f->pipe->raw);
  bcsc_channel_close(&f->pipe->health);
  BCSC_CO_END(&f->co);
}

/* Called on every way out of a filter: the last one closes `filtered`, so
 * the logger learns that nothing more will come. */
static void filter_leave(filter_t *f, int end) {
  f->end = end;
  printf("%s: %s after %u samples\n", f->name, bcsc_err_name(end),
         (unsigned)f->filtered);
  if (--f->pipe->filters_live == 0)
    bcsc_channel_close(&f->pipe->filtered);
}

static int filter_poll(bcsc_task_t *self) {
  filter_t *f = (filter_t *)self;
  int rc;
  BCSC_CO_BEGIN(&f->co);
  for (;;) {
    /* A cancelled task's recv returns BCSC_ECANCELED and takes nothing -
     * not even a sample the channel reserved for it. */
    f->receiving = 1;
    BCSC_AWAIT(
        &f->co, rc,
        bcsc_channel_recv(self, &f->pipe->raw, &f->wait, &f->in, sizeof f->in));
    f->receiving = 0;
    if (rc != 0)
      break;
    f->out.seq = f->in.seq;
    f->out.value = (f->in.value + f->previous) / 2;
    f->previous = f->in.value;
    BCSC_AWAIT(&f->co, rc,
               bcsc_channel_send(self, &f->pipe->filtered, &f->wait, &f->out,
                                 sizeof f->out));
    if (rc != 0)
      break;
    f->filtered++;
  }
  filter_leave(f, rc);
  return rc == BCSC_ECLOSED ? BCSC_DONE : rc;
  BCSC_CO_END(&f->co);
}

static int logger_poll(bcsc_task_t *self) {
  logger_t *f = (logger_t *)self;
  int rc;
  BCSC_CO_BEGIN(&f->co);
  for (;;) {
    BCSC_AWAIT(&f->co, rc,
               bcsc_channel_recv(self, &f->pipe->filtered, &f->wait, &f->in,
                                 sizeof f->in));
    if (rc != 0)
      break;
    if (f->in.seq < SAMPLES)
      f->seen[f->in.seq]++;
    f->count++;
  }
  printf("logger: %u samples, then %s\n", (unsigned)f->count,
         bcsc_err_name(rc));
  BCSC_CO_END(&f->co);
}

/* The host's diagnostics panel: takes what `health` holds without
 * waiting. Returns BCSC_EAGAIN once it is empty, BCSC_ECLOSED once it is
 * closed and empty. */
static int health_read(pipeline_t *pipe, uint32_t *received,
                       uint32_t *out_of_order, uint32_t *next_seq) {
  sample_t report;
  int rc;
  while ((rc = bcsc_channel_try_recv(&pipe->health, &report, sizeof report)) ==
         0) {
    /* Reports come out in the order sent, with gaps where one was
     * dropped. */
    if (report.seq < *next_seq)
      (*out_of_order)++;
    *next_seq = report.seq + 1;
    (*received)++;
  }
  return rc;
}

static void filter_init(filter_t *f, pipeline_t *pipe, const char *name) {
  bcsc_task_init(&f->task, filter_poll, NULL);
  f->co = (bcsc_co_t)BCSC_CO_INITIALIZER;
  bcsc_wait_init(&f->wait);
  f->pipe = pipe;
  f->name = name;
  f->previous = 0;
  f->filtered = 0;
  f->receiving = 0;
  f->end = 0;
}

int main(void) {
  bcsc_executor_t ex;
  pipeline_t pipe;
  imu_t imu;
  filter_t a, b;
  logger_t log;
  int cancelled = 0, ok = 1, health_end;
  uint32_t polls = 0, reports = 0, out_of_order = 0, next_report = 0;

  if (bcsc_executor_init(&ex, NULL) != 0 ||
      bcsc_channel_init(&pipe.raw, pipe.raw_ring, sizeof pipe.raw_ring,
                        sizeof(sample_t)) != 0 ||
      bcsc_channel_init(&pipe.filtered, pipe.filtered_ring,
                        sizeof pipe.filtered_ring, sizeof(sample_t)) != 0 ||
      bcsc_channel_init(&pipe.health, pipe.health_ring, sizeof pipe.health_ring,
                        sizeof(sample_t)) != 0)
    return 1;
  pipe.filters_live = 2;

  bcsc_task_init(&imu.task, imu_poll, NULL);
  imu.co = (bcsc_co_t)BCSC_CO_INITIALIZER;
  bcsc_wait_init(&imu.wait);
  imu.pipe = &pipe;
  imu.reports_dropped = 0;
  filter_init(&a, &pipe, "filter A");
  filter_init(&b, &pipe, "filter B");
  bcsc_task_init(&log.task, logger_poll, NULL);
  log.co = (bcsc_co_t)BCSC_CO_INITIALIZER;
  bcsc_wait_init(&log.wait);
  log.pipe = &pipe;
  log.count = 0;
  for (int i = 0; i < SAMPLES; i++)
    log.seen[i] = 0;

  /* Receivers first, so they are already waiting when samples come. */
  bcsc_executor_spawn(&ex, &log.task);
  bcsc_executor_spawn(&ex, &a.task);
  bcsc_executor_spawn(&ex, &b.task);
  bcsc_executor_spawn(&ex, &imu.task);

  /* The host loop: one poll at a time, and the operator watches filter A.
   * A waiting on raw whose registration has fired (bcsc_wait_fired()) was
   * woken by raw and has not run since: raw holds a sample reserved for
   * it. (Cancelling A while it waits to *send* would drop the sample in
   * its own frame - that one is A's, not the channel's.) */
  while (bcsc_executor_live_roots(&ex) > 0) {
    if (bcsc_executor_poll(&ex, 1) <= 0) {
      fprintf(stderr, "main: nothing ready, yet tasks are live\n");
      return 1;
    }
    if (!cancelled && a.filtered >= CANCEL_AFTER && a.receiving &&
        bcsc_wait_fired(&a.wait) && b.receiving && bcsc_wait_linked(&b.wait)) {
      printf("main: shutting filter A down while a sample waits for it and "
             "filter B waits behind it (%u in raw)\n",
             (unsigned)bcsc_channel_buffered(&pipe.raw));
      bcsc_task_cancel(&a.task);
      cancelled = 1;
    }
    if (++polls % HEALTH_EVERY == 0)
      (void)health_read(&pipe, &reports, &out_of_order, &next_report);
  }
  health_end = health_read(&pipe, &reports, &out_of_order, &next_report);
  printf("main: %u health reports read, %u dropped by the imu, then %s\n",
         (unsigned)reports, (unsigned)imu.reports_dropped,
         bcsc_err_name(health_end));

  if (!cancelled) {
    fprintf(stderr, "main: filter A was never caught holding a wake\n");
    ok = 0;
  }
  if (a.end != BCSC_ECANCELED || b.end != BCSC_ECLOSED) {
    fprintf(stderr, "main: filters ended with %s and %s\n",
            bcsc_err_name(a.end), bcsc_err_name(b.end));
    ok = 0;
  }
  if (log.count != SAMPLES || a.filtered + b.filtered != SAMPLES) {
    fprintf(stderr, "main: %u logged, %u + %u filtered, of %d\n",
            (unsigned)log.count, (unsigned)a.filtered, (unsigned)b.filtered,
            SAMPLES);
    ok = 0;
  }
  /* Conservation: every report was received or dropped, none twice. */
  if (reports + imu.reports_dropped != SAMPLES || reports == 0 ||
      imu.reports_dropped == 0 || out_of_order != 0 ||
      health_end != BCSC_ECLOSED) {
    fprintf(stderr, "main: health: %u read + %u dropped of %d\n",
            (unsigned)reports, (unsigned)imu.reports_dropped, SAMPLES);
    ok = 0;
  }
  for (int i = 0; i < SAMPLES; i++)
    if (log.seen[i] != 1) {
      fprintf(stderr, "main: sample %d arrived %u times\n", i,
              (unsigned)log.seen[i]);
      ok = 0;
    }
  if (bcsc_channel_deinit(&pipe.raw) != 0 ||
      bcsc_channel_deinit(&pipe.filtered) != 0 ||
      bcsc_channel_deinit(&pipe.health) != 0 ||
      bcsc_executor_deinit(&ex) != 0) {
    fprintf(stderr, "main: teardown failed\n");
    ok = 0;
  }
  if (!ok)
    return 1;
  printf("main: every sample arrived exactly once; the one reserved for "
         "filter A went to filter B\n");
  return 0;
}
