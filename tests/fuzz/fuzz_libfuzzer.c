/* SPDX-License-Identifier: MIT
 * fuzz_libfuzzer.c - the model-based fuzzer as a libFuzzer target: the
 * input's bytes are the walk's choices (fuzz_model.c), so coverage guides
 * which API sequences are tried. Build: clang
 * -fsanitize=fuzzer,address,undefined (the fuzz lane of scripts/test.sh);
 * corpus in tests/fuzz/corpus/. */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  bcsc_fuzz_options_t o = {0};
  o.data = data;
  o.size = size;
  o.ops = 1000000;
  bcsc_fuzz_model_run(&o);
  return 0;
}
