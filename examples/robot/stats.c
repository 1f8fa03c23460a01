/* SPDX-License-Identifier: MIT
 * stats.c - jitter histograms and the event digest. */
#include "stats.h"

#include <string.h>

static unsigned bucket_of(uint64_t value) {
  unsigned shift = 0;
  if (value < 2 * JITTER_SUB_BUCKETS)
    return (unsigned)value;
  while ((value >> shift) >= 2 * JITTER_SUB_BUCKETS)
    shift++;
  if (shift > JITTER_MAX_SHIFT)
    return JITTER_BUCKETS - 1;
  /* value >> shift is in [64, 128): 64 buckets per shift, contiguous with
   * the exact ones below 128. */
  return shift * JITTER_SUB_BUCKETS + (unsigned)(value >> shift);
}

/* The largest value that falls into `bucket`. */
static uint64_t bucket_top(unsigned bucket) {
  unsigned shift;
  if (bucket < 2 * JITTER_SUB_BUCKETS)
    return bucket;
  shift = bucket / JITTER_SUB_BUCKETS - 1;
  return (((uint64_t)(bucket % JITTER_SUB_BUCKETS + JITTER_SUB_BUCKETS) + 1)
          << shift) -
         1;
}

void loop_stats_init(loop_stats_t *stats, const char *name, uint64_t period) {
  memset(stats, 0, sizeof *stats);
  stats->name = name;
  stats->period = period;
}

void loop_stats_tick(loop_stats_t *stats, uint64_t jitter, uint32_t missed) {
  stats->ticks++;
  stats->misses += missed;
  stats->histogram[bucket_of(jitter)]++;
  if (jitter > stats->max)
    stats->max = jitter;
  stats->window_ticks++;
  if (jitter > stats->window_max)
    stats->window_max = jitter;
}

uint64_t loop_stats_percentile(const loop_stats_t *stats, unsigned per_mille) {
  /* The rank of the tick we want, rounded up: p99 of 1000 ticks is the
   * 990th smallest. */
  uint64_t rank = (stats->ticks * per_mille + 999) / 1000;
  uint64_t seen = 0;
  unsigned b;
  if (stats->ticks == 0)
    return 0;
  if (rank == 0)
    rank = 1;
  for (b = 0; b < JITTER_BUCKETS; b++) {
    seen += stats->histogram[b];
    if (seen >= rank)
      return bucket_top(b) < stats->max ? bucket_top(b) : stats->max;
  }
  return stats->max;
}

void loop_stats_window_reset(loop_stats_t *stats) {
  stats->window_ticks = 0;
  stats->window_max = 0;
}

#define FNV_OFFSET 0xcbf29ce484222325u
#define FNV_PRIME 0x100000001b3u

static void digest_word(digest_t *digest, uint64_t word) {
  int i;
  for (i = 0; i < 8; i++) {
    digest->hash ^= (word >> (8 * i)) & 0xffu;
    digest->hash *= FNV_PRIME;
  }
}

void digest_init(digest_t *digest) {
  digest->hash = FNV_OFFSET;
  digest->events = 0;
}

void digest_event(digest_t *digest, uint32_t what, uint64_t time,
                  int64_t value) {
  digest->events++;
  digest_word(digest, what);
  digest_word(digest, time);
  digest_word(digest, (uint64_t)value);
}
