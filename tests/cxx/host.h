/* SPDX-License-Identifier: MIT
 * cxx/host.h - a C++17 host of bcsc (host.cpp), for test_cxx.cpp.
 *
 * host.cpp uses bcsc as a robotics stack would - frames as members of C++
 * structs, lambdas as poll functions and handlers, the macros expanded in
 * its code - and is compiled with the warnings strict C++ code bases make
 * errors of (-Wold-style-cast, -Wzero-as-null-pointer-constant, gcc's
 * -Wuseless-cast) on top of the project's. Criterion's own macros do not
 * pass those, so the checks are in test_cxx.cpp: each function here runs a
 * scenario and returns what it saw. */
#ifndef BCSC_TEST_CXX_HOST_H
#define BCSC_TEST_CXX_HOST_H

#include <array>
#include <cstddef>
#include <cstdint>

namespace cxx_host {

/* One observation: what a call gave and what it should. */
struct outcome {
  const char *what;
  long long got;
  long long want;
};

/* Every static initialiser of the header, each object then used once. */
std::array<outcome, 19> initialisers();

/* BCSC_ABI_CHECK() and the library's size of each object against sizeof. */
std::array<outcome, 7> sizes();

/* A parent fans out four children whose frames are members of its own;
 * child 2 fails at once, the others wait and are cancelled. */
struct fanout_result {
  int run;                     /* bcsc_executor_run()'s result */
  std::array<int, 4> done;     /* bcsc_task_done() of each child */
  std::array<bool, 4> cleaned; /* each child saw its cancellation */
  int queue_deinit;            /* the list they waited on, torn down */
};
fanout_result fanout();
constexpr int kProbeFault = -1001; /* BCSC_EUSER - 1 (host.cpp asserts it) */

/* Two coroutines (BCSC_CO_BEGIN, BCSC_AWAIT, BCSC_YIELD, BCSC_CO_END) over
 * a capacity-1 channel: 1..messages sent, then closed; the consumer takes
 * each through a select (BCSC_SELECT_*) against a list nobody fires. */
struct pipe_result {
  int run;
  std::uint64_t sum; /* what the consumer received, added up */
  int end;           /* what ended the consumer's loop */
  int stops;         /* selects the stop branch won */
  int deinit;        /* the channel, torn down */
  int stop_deinit;   /* the stop list, torn down: nothing left on it */
};
pipe_result pipe(std::uint32_t messages);

/* A pool in a static array sized with BCSC_POOL_BYTES: frames taken until
 * it refuses, each spawned; all go home. */
struct pool_result {
  std::size_t macro_bytes;    /* BCSC_POOL_BYTES(sizeof(job), 4) */
  std::size_t function_bytes; /* bcsc_pool_bytes(sizeof(job), 4) */
  int run;
  int jobs_done;
  int refused; /* the fifth acquire's result */
  std::uint32_t available;
  int deinit;
};
pool_result pool();

/* A captureless lambda as the misuse handler, for bcsc_task_init(NULL). */
struct misuse_result {
  int rc;
  int calls;
  std::int32_t code;
};
misuse_result misuse();

} // namespace cxx_host

#endif
