/* SPDX-License-Identifier: MIT
 * stats.h - what the robot measures about itself, without allocating: a
 * fixed-size jitter histogram per rate loop, and a digest of the run's
 * events so that two simulated runs can be compared bit for bit. */
#ifndef ROBOT_STATS_H
#define ROBOT_STATS_H

#include <stdint.h>

/* Log-linear buckets (the HdrHistogram layout): exact below 128 ns, then 64
 * buckets per power of two, so any value is known to within 1.6%. The last
 * bucket collects everything from about 137 s up. */
#define JITTER_SUB_BUCKETS 64
#define JITTER_MAX_SHIFT 30
#define JITTER_BUCKETS ((JITTER_MAX_SHIFT + 2) * JITTER_SUB_BUCKETS)

/* One periodic loop's record. */
typedef struct loop_stats {
  const char *name;
  uint64_t period;       /* ns */
  uint64_t ticks;        /* ticks taken */
  uint64_t misses;       /* deadlines that passed while the loop was late */
  uint64_t max;          /* worst jitter, ns */
  uint64_t window_ticks; /* since the last progress line */
  uint64_t window_max;
  uint32_t histogram[JITTER_BUCKETS];
} loop_stats_t;

void loop_stats_init(loop_stats_t *stats, const char *name, uint64_t period);

/* Record one tick: woken `jitter` ns after its deadline, with `missed`
 * later deadlines already past (bcsc_timer_missed()). */
void loop_stats_tick(loop_stats_t *stats, uint64_t jitter, uint32_t missed);

/* The jitter at or below which `per_mille` thousandths of the ticks fell
 * (an upper bound, at most 1.6% high, never above the true maximum). */
uint64_t loop_stats_percentile(const loop_stats_t *stats, unsigned per_mille);

/* Start a new progress window. */
void loop_stats_window_reset(loop_stats_t *stats);

/* FNV-1a over the 64-bit words of every event the robot logs. */
typedef struct digest {
  uint64_t hash;
  uint64_t events;
} digest_t;

void digest_init(digest_t *digest);

/* Add one event: what happened (a small code), when, and one value. */
void digest_event(digest_t *digest, uint32_t what, uint64_t time,
                  int64_t value);

#endif /* ROBOT_STATS_H */
