/* SPDX-License-Identifier: MIT
 * test_cxx.cpp - bcsc hosted by C++17: the scenarios of cxx/host.cpp,
 * checked.
 *
 * The header check compiles every header alone as C++17; a host also
 * expands the macros in its own code (initialisers, BCSC_CO_*,
 * BCSC_POOL_BYTES, BCSC_ABI_CHECK), casts its frames back from their task,
 * and passes lambdas as poll functions and handlers - host.cpp does, under
 * strict C++ warnings (see host.h). */
#include <criterion/criterion.h>

#include "bcsc.h"
#include "cxx/host.h"

Test(cxx, the_library_s_sizes_are_the_cxx_compiler_s) {
  for (const cxx_host::outcome &o : cxx_host::sizes())
    cr_assert_eq(o.got, o.want, "%s: %lld, want %lld", o.what, o.got, o.want);
}

Test(cxx, every_static_initialiser_makes_a_working_object) {
  for (const cxx_host::outcome &o : cxx_host::initialisers())
    cr_assert_eq(o.got, o.want, "%s: %lld, want %lld", o.what, o.got, o.want);
}

Test(cxx, a_failed_child_cancels_its_siblings_and_its_error_comes_back) {
  cxx_host::fanout_result r = cxx_host::fanout();
  cr_assert_eq(r.run, cxx_host::kProbeFault, "run: %s", bcsc_err_name(r.run));
  for (int i = 0; i < 4; i++) {
    cr_assert_eq(r.done[i], 1, "probe %d ended", i);
    cr_assert_eq(r.cleaned[i], i != 2, "probe %d: cancelled and cleaned up", i);
  }
  cr_assert_eq(r.queue_deinit, 0, "nothing is left on the list");
}

Test(cxx, coroutine_and_select_macros_carry_a_channel_s_messages_in_order) {
  cxx_host::pipe_result r = cxx_host::pipe(100);
  cr_assert_eq(r.run, 0, "run: %s", bcsc_err_name(r.run));
  cr_assert_eq(r.sum, 5050u, "1..100, each once");
  cr_assert_eq(r.end, BCSC_ECLOSED);
  cr_assert_eq(r.stops, 0, "the unfired branch never won");
  cr_assert_eq(r.deinit, 0);
  cr_assert_eq(r.stop_deinit, 0, "each select dropped the losing branch");
}

Test(cxx, pool_frames_in_an_array_sized_by_the_constant_macro) {
  cxx_host::pool_result r = cxx_host::pool();
  cr_assert_eq(r.macro_bytes, r.function_bytes);
  cr_assert_eq(r.run, 0, "run: %s", bcsc_err_name(r.run));
  cr_assert_eq(r.jobs_done, 4);
  cr_assert_eq(r.refused, BCSC_ENOSPC, "the fifth frame is refused");
  cr_assert_eq(r.available, 4u, "every frame went home");
  cr_assert_eq(r.deinit, 0);
}

Test(cxx, a_lambda_is_a_misuse_handler) {
  cxx_host::misuse_result r = cxx_host::misuse();
  cr_assert_eq(r.rc, BCSC_EINVAL);
  if (bcsc_is_checked_build()) {
    cr_assert_eq(r.calls, 1);
    cr_assert_eq(r.code, BCSC_MISUSE_NULL_OBJECT);
  } else {
    cr_assert_eq(r.calls, 0, "release reports no misuse (D5)");
  }
}
