/* SPDX-License-Identifier: MIT
 * fuzz_libfuzzer.c - the model-based fuzzer as a libFuzzer target: the
 * input's bytes are the walk's choices (fuzz_model.c), so coverage guides
 * which API sequences are tried. Build: clang
 * -fsanitize=fuzzer,address,undefined (the fuzz lane of scripts/test.sh);
 * corpus in tests/fuzz/corpus/. BCSC_FUZZ_VERBOSE=1 prints the paths each
 * input took (which operations it reached), for choosing seeds. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "fuzz_model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static int verbose = -1;
  bcsc_fuzz_options_t o = {0};
  if (verbose < 0)
    verbose = getenv("BCSC_FUZZ_VERBOSE") != NULL;
  o.data = data;
  o.size = size;
  o.ops = 1000000;
  o.verbose = verbose;
  bcsc_fuzz_model_run(&o);
  return 0;
}
