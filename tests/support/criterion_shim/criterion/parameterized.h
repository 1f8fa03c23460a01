/* SPDX-License-Identifier: MIT
 * criterion/parameterized.h (shim) - Criterion's parameterized tests for the
 * shim (criterion.h beside it): ParameterizedTestParameters(suite, name)
 * returning cr_make_param_array(type, array, length), and
 * ParameterizedTest(type *p, suite, name, ...options).
 *
 * Unlike Criterion, which forks once per parameter, the shim runs every
 * parameter one after another in the test's one child: the first failure
 * ends the test, and the cr_log_info() the test prints before each case
 * says which one it was. */
#ifndef BCSC_CRITERION_SHIM_PARAMETERIZED_H
#define BCSC_CRITERION_SHIM_PARAMETERIZED_H

#include <criterion/criterion.h>

struct criterion_test_params {
  size_t size;   /* of one parameter */
  void *params;  /* the array */
  size_t length; /* in parameters */
};

#define cr_make_param_array(type, array, len)                                  \
  ((struct criterion_test_params){sizeof(type), (void *)(array), (len)})

#define ParameterizedTestParameters(suite_name, test_name)                     \
  static struct criterion_test_params CR_SHIM_CAT(suite_name##_##test_name,    \
                                                  _params)(void)

#define ParameterizedTest(...) CR_SHIM_PTEST_(__VA_ARGS__, .cr_sentinel = 0)
#define CR_SHIM_PTEST_(param_decl, suite_name, test_name, ...)                 \
  static void CR_SHIM_CAT(suite_name##_##test_name, _case)(param_decl);        \
  CR_SHIM_TEST_(suite_name, test_name, __VA_ARGS__) {                          \
    struct criterion_test_params ps_ =                                         \
        CR_SHIM_CAT(suite_name##_##test_name, _params)();                      \
    for (size_t i_ = 0; i_ < ps_.length; i_++)                                 \
      CR_SHIM_CAT(suite_name##_##test_name, _case)                             \
    ((void *)((char *)ps_.params + i_ * ps_.size));                            \
  }                                                                            \
  static void CR_SHIM_CAT(suite_name##_##test_name, _case)(param_decl)

#endif /* BCSC_CRITERION_SHIM_PARAMETERIZED_H */
