/* SPDX-License-Identifier: MIT
 * robot.h - the robot demo's one struct: every task frame, scope, timer,
 * waiter list and sample of the program, in a `robot_t` on main's stack.
 *
 * The task tree (docs/robot.md draws it):
 *
 *   supervisor          root task; its scope is the robot's lifetime
 *    |- imu             200 Hz: publishes velocity samples (topic imu)
 *    |- camera           50 Hz: publishes position fixes (topic camera)
 *    |- planner          10 Hz: waits for a fresh camera fix, publishes a
 *    |                          setpoint (topic setpoint)
 *    |- watchdog         owns the control scope; restarts control when it
 *    |   `- control    1 kHz: reads the latest imu/camera/setpoint, drives
 *    |                        the cart, raises the alarm after 3 misses
 *    |- progress          1 Hz: one line per second
 *    `- shutdown         (real time only) SIGINT -> cancel the root scope
 *
 * Children's frames sit inside their parent's frame: a scope cannot end
 * before its children, so that is safe, and the whole tree needs no memory
 * but the robot_t. */
#ifndef ROBOT_ROBOT_H
#define ROBOT_ROBOT_H

#include <stdint.h>

#include <bcsc.h>
#include <bcsc/reactor_posix.h>
#include <bcsc/reactor_sim.h>

#include "plant.h"
#include "stats.h"

/* The rate loops, in the order the summary prints them. */
enum { LOOP_CONTROL, LOOP_IMU, LOOP_CAMERA, LOOP_PLANNER, LOOP_COUNT };

/* Event codes for the digest. */
enum {
  EVENT_IMU = 1,
  EVENT_CAMERA,
  EVENT_SETPOINT,
  EVENT_COMMAND,
  EVENT_ALARM,
  EVENT_RESTART,
  EVENT_CLEANUP,
  EVENT_PROGRESS,
  EVENT_STALL,
  EVENT_STATS
};

/* Consecutive missed deadlines at which the control loop raises the alarm. */
#define CONTROL_MISS_LIMIT 3

/* Command-line options (robot.c documents them). */
typedef struct options {
  int sim;                 /* --sim: virtual time */
  uint64_t duration;       /* --duration: ns */
  int quiet;               /* --quiet: no progress lines */
  uint64_t seed;           /* --seed: sensor noise */
  int stall;               /* --inject-stall given */
  uint64_t stall_length;   /* ns */
  uint64_t stall_at;       /* ns after start */
  uint64_t spin;           /* --spin: ns the posix reactor busy-waits */
  int64_t expect_restarts; /* --expect-restarts, or -1 */
  int64_t expect_misses;   /* --expect-misses, or -1 */
  uint64_t sigint_at;      /* --sigint-at: second to raise SIGINT, or 0 */
} options_t;

/* A latest-value slot: the newest sample, its sequence number, and the
 * waiter list of tasks that want the next one. Readers that only need the
 * latest value read it; readers that need a fresh one wait. */
typedef struct topic {
  bcsc_waitq_t ready; /* woken with the new sequence number */
  uint64_t seq;       /* 0: nothing published yet */
  uint64_t stamp;     /* reactor time of the sample */
  int64_t value;
} topic_t;

typedef struct robot robot_t;

/* imu and camera: the same task with a different description. */
typedef struct sensor {
  bcsc_task_t task; /* data: the robot */
  bcsc_co_t co;
  bcsc_timer_t timer;
  uint64_t deadline; /* of the tick being waited for */
  int loop;          /* LOOP_IMU or LOOP_CAMERA */
} sensor_t;

typedef struct planner {
  bcsc_task_t task;
  bcsc_co_t co;
  bcsc_timer_t timer;
  uint64_t deadline;
  bcsc_wait_t camera_wait;
  uint64_t camera_seen; /* seq of the last camera fix used */
  uint64_t waypoint;    /* how many waypoints reached */
  int64_t setpoint;
} planner_t;

typedef struct control {
  bcsc_task_t task;
  bcsc_co_t co;
  bcsc_timer_t timer;
  uint64_t deadline;
  bcsc_wait_t imu_wait;
  uint64_t last;        /* time of the previous tick */
  uint64_t ticks;       /* this incarnation's */
  uint32_t consecutive; /* missed deadlines in a row */
  int alarmed;          /* raised the alarm already */
  uint64_t camera_seen;
  int64_t estimate; /* nm: fused position estimate */
} control_t;

typedef struct watchdog {
  bcsc_task_t task;
  bcsc_co_t co;
  bcsc_scope_t scope; /* the control scope */
  bcsc_wait_t alarm_wait;
  uintptr_t alarm_value; /* misses the control loop reported */
  control_t control;
} watchdog_t;

typedef struct progress {
  bcsc_task_t task;
  bcsc_co_t co;
  bcsc_timer_t timer;
  uint64_t lines;
} progress_t;

typedef struct shutdown {
  bcsc_task_t task;
  bcsc_co_t co;
  bcsc_wait_t unparked_wait;
} shutdown_t;

typedef struct supervisor {
  bcsc_task_t task;
  bcsc_co_t co;
  bcsc_scope_t scope; /* the root scope: the robot's lifetime */
  sensor_t imu;
  sensor_t camera;
  planner_t planner;
  watchdog_t watchdog;
  progress_t progress;
  shutdown_t shutdown;
} supervisor_t;

struct robot {
  options_t options;
  bcsc_executor_t executor;
  bcsc_sim_reactor_t sim;     /* with --sim */
  bcsc_posix_reactor_t posix; /* otherwise */
  uint64_t start;             /* reactor time when the robot started */

  /* The data flow between tasks. */
  topic_t imu;        /* velocity, nm/s */
  topic_t camera;     /* position, nm */
  topic_t setpoint;   /* position, nm */
  bcsc_waitq_t alarm; /* control -> watchdog: misses in a row */

  plant_t plant;
  noise_t imu_noise;
  noise_t camera_noise;
  int stall_done;

  loop_stats_t loops[LOOP_COUNT];
  uint64_t restarts;
  digest_t digest;

  supervisor_t supervisor; /* the task tree */
};

/* Reactor time since the robot started. */
uint64_t robot_elapsed(const robot_t *robot);

/* Print "[  12.345678] who: message" unless the line is a progress line
 * and --quiet is set. */
void robot_log(const robot_t *robot, const char *who, const char *format, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* The SIGINT flag (set by the handler in robot.c). */
int robot_stop_requested(void);

/* Topics. */
void topic_init(topic_t *topic);
int topic_deinit(topic_t *topic);
/* Store a sample and wake every task waiting for one. */
int topic_publish(topic_t *topic, uint64_t stamp, int64_t value);
/* From `self`'s poll: 0 once `topic` has a sample newer than `seen`,
 * BCSC_PENDING (registered on the topic), or BCSC_ECANCELED. */
int topic_await_newer(bcsc_task_t *self, bcsc_wait_t *wait, topic_t *topic,
                      uint64_t seen);

/* The poll functions (data: the robot). */
int supervisor_poll(bcsc_task_t *self);
int sensor_poll(bcsc_task_t *self);
int planner_poll(bcsc_task_t *self);
int watchdog_poll(bcsc_task_t *self);
int control_poll(bcsc_task_t *self);
int progress_poll(bcsc_task_t *self);
int shutdown_poll(bcsc_task_t *self);

/* The first tick of a loop with `period`: the next multiple of the period
 * after now, counted from the robot's start, so loops of related rates tick
 * together. */
uint64_t robot_first_tick(const robot_t *robot, uint64_t period);

#endif /* ROBOT_ROBOT_H */
