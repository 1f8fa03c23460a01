/* SPDX-License-Identifier: MIT
 * plant.h - the simulated robot itself: one axis (a cart on a rail) that the
 * control loop drives with an acceleration command, and the seeded noise its
 * sensors add.
 *
 * Everything is integer: nanometres, nanometres per second, nanoseconds. A
 * simulated run then gives the same numbers - and the same digest - on every
 * compiler, optimisation level and target, not only on the same binary. */
#ifndef ROBOT_PLANT_H
#define ROBOT_PLANT_H

#include <stdint.h>

/* The cart. Its state is integrated in fixed 1 ms steps, whoever looks. */
typedef struct plant {
  uint64_t time;    /* ns: the state below is the state at this time */
  int64_t position; /* nm */
  int64_t velocity; /* nm/s */
  int64_t command;  /* nm/s^2, held until the control loop sets another */
} plant_t;

/* A cart at rest at position 0, at time `now`. */
void plant_init(plant_t *plant, uint64_t now);

/* Integrate up to `now` (in whole 1 ms steps, holding the command). */
void plant_advance(plant_t *plant, uint64_t now);

/* A small PRNG (splitmix64) per sensor: the same seed gives the same noise,
 * and each sensor has its own stream so adding one does not shift another's
 * numbers. */
typedef struct noise {
  uint64_t state;
} noise_t;

void noise_init(noise_t *noise, uint64_t seed, uint64_t stream);

/* A uniform integer in [-amplitude, amplitude] (amplitude > 0). */
int64_t noise_next(noise_t *noise, int64_t amplitude);

#endif /* ROBOT_PLANT_H */
