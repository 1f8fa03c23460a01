/* SPDX-License-Identifier: MIT
 * topics.c - the coordination primitives a robot's tasks talk through.
 *
 * A "mission" task opens a scope with four children, every frame inside
 * its own:
 *  - a localiser publishes the robot's pose on a watch (latest value +
 *    version: readers see the newest, never a queue of stale ones) and logs
 *    each fix on a broadcast (every subscriber sees every entry, or learns
 *    how many it missed);
 *  - two arms wait at a barrier for each other before each of three moves,
 *    then for the next tick of the motion clock, then read the newest pose;
 *  - a logger subscribes to the broadcast with a small ring and reads it
 *    slowly, as a stream, so it reports how many entries it lagged.
 * The mission asks the localiser for its calibration through a oneshot
 * (one request, one reply) and ends everything with an event ("stop"),
 * which wakes every task waiting on it.
 *
 * The motion clock is an event too: set while the clock runs, pulsed on
 * each tick. A level-triggered wait on it would return at once while it is
 * set; the arms wait edge-triggered, so each move starts on the next tick.
 *
 * Exits 0 only if every task saw what it should have. */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>

#include <bcsc.h>

#define MOVES 3
#define LOG_RING 4

typedef struct pose {
  int32_t x, y;
} pose_t;

typedef struct topics {
  bcsc_watch_t pose;
  pose_t pose_slot;
  bcsc_broadcast_t log;
  uint32_t log_ring[LOG_RING];
  bcsc_barrier_t arms_ready;
  bcsc_oneshot_t calibration;
  int32_t calibration_slot;
  bcsc_event_t stop;
  bcsc_event_t motion_clock; /* set while running; pulsed on each tick */
} topics_t;

/* ---- the localiser: publishes a pose and a log entry per step ---------- */

typedef struct localiser {
  bcsc_task_t task;
  bcsc_co_t co;
  bcsc_wait_t stop_wait;
  topics_t *t;
  uint32_t step;
} localiser_t;

static int localiser_poll(bcsc_task_t *self) {
  localiser_t *l = (localiser_t *)self;
  int32_t offset = 42;
  int rc;
  BCSC_CO_BEGIN(&l->co);
  bcsc_oneshot_send(&l->t->calibration, &offset, sizeof offset);
  for (l->step = 1;; l->step++) {
    pose_t p = {(int32_t)l->step * 10, (int32_t)l->step * -5};
    bcsc_watch_publish(&l->t->pose, &p, sizeof p);
    bcsc_broadcast_send(&l->t->log, &l->step, sizeof l->step);
    /* Let the others run between fixes; stop when told. */
    if (bcsc_event_is_set(&l->t->stop))
      break;
    BCSC_YIELD(&l->co, self);
  }
  printf("  localiser: stopped after %" PRIu32 " fixes\n", l->step);
  bcsc_broadcast_close(&l->t->log);
  BCSC_CO_END(&l->co);
  (void)rc;
}

/* ---- an arm: barrier, then the newest pose, three times ---------------- */

typedef struct arm {
  bcsc_task_t task;
  bcsc_co_t co;
  bcsc_wait_t wait;
  topics_t *t;
  const char *name;
  int move;
  int leader; /* this move: it was the last to arrive */
  int led;    /* moves it led */
  uint64_t seen;
} arm_t;

static int arm_poll(bcsc_task_t *self) {
  arm_t *a = (arm_t *)self;
  pose_t p;
  int rc;
  BCSC_CO_BEGIN(&a->co);
  for (a->move = 0; a->move < MOVES; a->move++) {
    BCSC_AWAIT(
        &a->co, rc,
        bcsc_barrier_wait(self, &a->t->arms_ready, &a->wait, &a->leader));
    if (rc != 0)
      return rc;
    a->led += a->leader;
    /* The clock is set, so only an edge-triggered wait waits for a tick. */
    BCSC_AWAIT(&a->co, rc,
               bcsc_event_wait_edge(self, &a->t->motion_clock, &a->wait));
    if (rc != 0)
      return rc;
    /* A newer pose than the last one this arm used, whatever came between. */
    BCSC_AWAIT(&a->co, rc,
               bcsc_watch_changed(self, &a->t->pose, &a->wait, a->seen));
    if (rc != 0)
      return rc;
    bcsc_watch_read(&a->t->pose, &p, sizeof p, &a->seen);
    printf("  %s: move %d to (%" PRId32 ", %" PRId32 ") [pose v%" PRIu64
           "]%s\n",
           a->name, a->move + 1, p.x, p.y, a->seen,
           a->leader ? " (last to the barrier)" : "");
  }
  BCSC_CO_END(&a->co);
}

/* ---- a slow logger on the broadcast ------------------------------------- */

/* It reads its receiver as a stream (bcsc/stream.h): the same loop would
 * take a channel's messages or an interval's ticks. */
typedef struct logger {
  bcsc_task_t task;
  bcsc_co_t co;
  bcsc_broadcast_receiver_t rx;
  bcsc_stream_t entries_in;
  topics_t *t;
  uint32_t entries;
  uint64_t lagged_total;
  int nap;
} logger_t;

static int logger_poll(bcsc_task_t *self) {
  logger_t *g = (logger_t *)self;
  uint32_t entry;
  uint64_t lagged;
  int rc;
  BCSC_CO_BEGIN(&g->co);
  for (;;) {
    BCSC_AWAIT(&g->co, rc,
               bcsc_stream_next(self, &g->entries_in, &entry, sizeof entry));
    if (rc == BCSC_ECLOSED)
      break;
    if (rc != 0)
      return rc;
    lagged = bcsc_stream_lagged(&g->entries_in);
    g->entries++;
    g->lagged_total += lagged;
    if (lagged != 0)
      printf("  logger: entry %" PRIu32 " (lagged %" PRIu64 ")\n", entry,
             lagged);
    /* Slow: several turns of the executor per entry. */
    for (g->nap = 0; g->nap < 6; g->nap++)
      BCSC_YIELD(&g->co, self);
  }
  printf("  logger: %" PRIu32 " entries read, %" PRIu64 " missed\n", g->entries,
         g->lagged_total);
  BCSC_CO_END(&g->co);
}

/* ---- the mission --------------------------------------------------------- */

typedef struct mission {
  bcsc_task_t task;
  bcsc_co_t co;
  bcsc_scope_t scope;
  bcsc_wait_t wait;
  topics_t *t;
  localiser_t localiser;
  arm_t left, right;
  logger_t logger;
  int32_t calibration;
  int result;
  uint32_t ticks, arm_wakes; /* pulses; the arms' waits the clock woke */
} mission_t;

static int mission_poll(bcsc_task_t *self) {
  mission_t *m = (mission_t *)self;
  int rc;
  BCSC_CO_BEGIN(&m->co);
  bcsc_scope_init(&m->scope, self, BCSC_SCOPE_FAIL_FAST);
  bcsc_broadcast_subscribe(&m->t->log, &m->logger.rx);
  bcsc_stream_broadcast(&m->logger.entries_in, &m->logger.rx);
  bcsc_scope_spawn(&m->scope, &m->localiser.task);
  bcsc_scope_spawn(&m->scope, &m->left.task);
  bcsc_scope_spawn(&m->scope, &m->right.task);
  bcsc_scope_spawn(&m->scope, &m->logger.task);
  BCSC_AWAIT(&m->co, rc,
             bcsc_oneshot_recv(self, &m->t->calibration, &m->wait,
                               &m->calibration, sizeof m->calibration));
  printf("  mission: calibration offset %" PRId32 "\n", m->calibration);
  /* The motion clock ticks once a turn until the arms have finished their
   * moves; then everyone is told to stop. */
  /* Starting the clock is an edge too: it wakes an arm already waiting. */
  m->arm_wakes = (uint32_t)bcsc_event_set(&m->t->motion_clock);
  while (!bcsc_task_done(&m->left.task) || !bcsc_task_done(&m->right.task)) {
    m->ticks++;
    m->arm_wakes += (uint32_t)bcsc_event_pulse(&m->t->motion_clock);
    BCSC_YIELD(&m->co, self);
  }
  bcsc_event_reset(&m->t->motion_clock);
  printf("  mission: arms done after %" PRIu32 " ticks; the clock woke "
         "the arms %" PRIu32 " times; stop\n",
         m->ticks, m->arm_wakes);
  bcsc_event_set(&m->t->stop);
  BCSC_AWAIT(&m->co, rc, bcsc_scope_join(&m->scope));
  m->result = rc;
  BCSC_CO_END(&m->co);
}

int main(void) {
  topics_t t;
  mission_t m = {0};
  bcsc_executor_t ex;
  int rc;

  if (BCSC_ABI_CHECK() != 0)
    return 1;
  t.pose_slot = (pose_t){0, 0};
  if (bcsc_watch_init(&t.pose, &t.pose_slot, sizeof t.pose_slot) != 0 ||
      bcsc_broadcast_init(&t.log, t.log_ring, sizeof t.log_ring,
                          sizeof t.log_ring[0]) != 0 ||
      bcsc_barrier_init(&t.arms_ready, 2) != 0 ||
      bcsc_oneshot_init(&t.calibration, &t.calibration_slot,
                        sizeof t.calibration_slot) != 0 ||
      bcsc_event_init(&t.stop) != 0 || bcsc_event_init(&t.motion_clock) != 0)
    return 1;
  bcsc_task_init(&m.task, mission_poll, NULL);
  m.t = &t;
  bcsc_task_init(&m.localiser.task, localiser_poll, NULL);
  m.localiser.t = &t;
  bcsc_task_init(&m.left.task, arm_poll, NULL);
  m.left.t = &t;
  m.left.name = "left arm";
  bcsc_task_init(&m.right.task, arm_poll, NULL);
  m.right.t = &t;
  m.right.name = "right arm";
  bcsc_task_init(&m.logger.task, logger_poll, NULL);
  m.logger.t = &t;
  bcsc_wait_init(&m.wait);
  bcsc_wait_init(&m.left.wait);
  bcsc_wait_init(&m.right.wait);

  bcsc_executor_init(&ex, NULL);
  printf("topics: mission starts\n");
  rc = bcsc_executor_run(&ex, &m.task);
  printf("topics: mission ended: %s\n", rc == 0 ? "ok" : bcsc_err_name(rc));
  if (rc != 0 || m.result != 0 || m.left.move != MOVES ||
      m.right.move != MOVES || m.left.led + m.right.led != MOVES ||
      m.calibration != 42 || m.arm_wakes != 2 * MOVES ||
      m.logger.entries + m.logger.lagged_total != m.localiser.step ||
      bcsc_stream_count(&m.logger.entries_in) != m.logger.entries) {
    fprintf(stderr, "topics: unexpected outcome\n");
    return 1;
  }
  if (bcsc_watch_deinit(&t.pose) != 0 || bcsc_broadcast_deinit(&t.log) != 0 ||
      bcsc_barrier_deinit(&t.arms_ready) != 0 ||
      bcsc_oneshot_deinit(&t.calibration) != 0 ||
      bcsc_event_deinit(&t.stop) != 0 ||
      bcsc_event_deinit(&t.motion_clock) != 0 ||
      bcsc_executor_deinit(&ex) != 0) {
    fprintf(stderr, "topics: teardown failed\n");
    return 1;
  }
  printf("topics: every message accounted for (%" PRIu32
         " log entries: %" PRIu32 " read, %" PRIu64
         " missed by the slow logger)\n",
         m.localiser.step, m.logger.entries, m.logger.lagged_total);
  return 0;
}
