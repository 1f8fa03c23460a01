/* SPDX-License-Identifier: MIT
 * plant.c - the cart's physics and the sensors' noise. */
#include "plant.h"

#define STEP_NS 1000000u  /* integration step: 1 ms */
#define STEPS_PER_S 1000u /* so a rate times a step is rate / 1000 */

void plant_init(plant_t *plant, uint64_t now) {
  plant->time = now;
  plant->position = 0;
  plant->velocity = 0;
  plant->command = 0;
}

void plant_advance(plant_t *plant, uint64_t now) {
  /* Semi-implicit Euler: stable for the loop's gains at this step. */
  while (now >= plant->time + STEP_NS) {
    plant->velocity += plant->command / (int64_t)STEPS_PER_S;
    plant->position += plant->velocity / (int64_t)STEPS_PER_S;
    plant->time += STEP_NS;
  }
}

void noise_init(noise_t *noise, uint64_t seed, uint64_t stream) {
  noise->state = seed ^ (stream * 0x9e3779b97f4a7c15u);
}

int64_t noise_next(noise_t *noise, int64_t amplitude) {
  uint64_t z = (noise->state += 0x9e3779b97f4a7c15u);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
  z ^= z >> 31;
  return (int64_t)(z % (uint64_t)(2 * amplitude + 1)) - amplitude;
}
