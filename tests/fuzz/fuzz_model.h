/* SPDX-License-Identifier: MIT
 * fuzz_model.h - the model-based API fuzzer (fuzz_model.c), shared by the
 * seeded walk (fuzz_walk.c) and the libFuzzer target (fuzz_libfuzzer.c). */
#ifndef BCSC_FUZZ_MODEL_H
#define BCSC_FUZZ_MODEL_H

#include <stddef.h>
#include <stdint.h>

typedef struct bcsc_fuzz_options {
  /* The choices: data[0..size) if data is set, else a stream from seed. */
  const uint8_t *data;
  size_t size;
  uint64_t seed;
  long ops;          /* operations at most (a walk stops there) */
  int verbose;       /* print the paths taken and the tree's shape */
  int require_paths; /* fail if an interesting path was never taken */
} bcsc_fuzz_options_t;

/* Run one walk from a clean slate and return the number of operations
 * made (each one or more API calls, each followed by a full comparison).
 * A divergence from the model prints a report and aborts. */
long bcsc_fuzz_model_run(const bcsc_fuzz_options_t *options);

#endif /* BCSC_FUZZ_MODEL_H */
