/* SPDX-License-Identifier: MIT
 * criterion/criterion.h (shim) - the part of Criterion's API the suites use,
 * for targets Debian ships no Criterion for (armhf) or where the suites run
 * under qemu-user from a cross build (aarch64, armhf: the qemu lane of
 * scripts/test.sh). Native builds use the real Criterion.
 *
 * Each test runs in a forked child, as in Criterion, so a failed assertion,
 * a crash or an expected signal ends only that test: Test(suite, name,
 * .init, .fini, .signal, .exit_code, .timeout, .disabled), TestSuite(name,
 * .init, .fini), cr_assert*, cr_assert_fail, cr_skip_test, cr_log_info.
 * Tests run one after another; `--filter GLOB` (suite/name) selects.
 * The runner is criterion_shim.c (it provides main). */
#ifndef BCSC_CRITERION_SHIM_H
#define BCSC_CRITERION_SHIM_H

#include <stddef.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

struct cr_shim_test {
  const char *suite;
  const char *name;
  void (*fn)(void);
  void (*init)(void);
  void (*fini)(void);
  int signal;
  int exit_code;
  double timeout;
  int disabled;
  const char *description;
  int cr_sentinel;
  struct cr_shim_test *next;
};

struct cr_shim_suite {
  const char *name;
  void (*init)(void);
  void (*fini)(void);
  double timeout;
  int disabled;
  const char *description;
  int cr_sentinel;
  struct cr_shim_suite *next;
};

void cr_shim_register(struct cr_shim_test *test);
void cr_shim_register_suite(struct cr_shim_suite *suite);
/* Not a printf-like declaration on purpose: the macros pass an extra ""
 * after the caller's arguments so that the message stays optional. */
void cr_shim_fail(const char *file, int line, const char *expression,
                  const char *format, ...);
void cr_shim_skip(const char *format, ...);
void cr_shim_log(const char *format, ...);

#define CR_SHIM_CAT_(a, b) a##b
#define CR_SHIM_CAT(a, b) CR_SHIM_CAT_(a, b)

/* The sentinel keeps `...` non-empty, as Criterion's own macro does, so
 * Test(suite, name) is valid ISO C. */
#define Test(...) CR_SHIM_TEST_(__VA_ARGS__, .cr_sentinel = 0)
#define CR_SHIM_TEST_(suite_name, test_name, ...)                              \
  static void CR_SHIM_CAT(suite_name##_##test_name, _impl)(void);              \
  static struct cr_shim_test CR_SHIM_CAT(suite_name##_##test_name, _desc) = {  \
      .suite = #suite_name,                                                    \
      .name = #test_name,                                                      \
      .fn = CR_SHIM_CAT(suite_name##_##test_name, _impl),                      \
      __VA_ARGS__};                                                            \
  __attribute__((constructor)) static void CR_SHIM_CAT(                        \
      suite_name##_##test_name, _register)(void) {                             \
    cr_shim_register(&CR_SHIM_CAT(suite_name##_##test_name, _desc));           \
  }                                                                            \
  static void CR_SHIM_CAT(suite_name##_##test_name, _impl)(void)

#define TestSuite(...) CR_SHIM_SUITE_(__VA_ARGS__, .cr_sentinel = 0)
#define CR_SHIM_SUITE_(suite_name, ...)                                        \
  static struct cr_shim_suite CR_SHIM_CAT(suite_name, _suite_desc) = {         \
      .name = #suite_name, __VA_ARGS__};                                       \
  __attribute__((constructor)) static void CR_SHIM_CAT(                        \
      suite_name, _suite_register)(void) {                                     \
    cr_shim_register_suite(&CR_SHIM_CAT(suite_name, _suite_desc));             \
  }                                                                            \
  typedef int CR_SHIM_CAT(suite_name, _suite_semicolon)

#define CR_SHIM_CHECK_(condition, expression, ...)                             \
  do {                                                                         \
    if (!(condition))                                                          \
      cr_shim_fail(__FILE__, __LINE__, expression, __VA_ARGS__);               \
  } while (0)

#define cr_assert(...) CR_SHIM_ASSERT_(__VA_ARGS__, "")
#define CR_SHIM_ASSERT_(condition, ...)                                        \
  CR_SHIM_CHECK_(condition, #condition, __VA_ARGS__)
#define cr_assert_not(...) CR_SHIM_ASSERT_NOT_(__VA_ARGS__, "")
#define CR_SHIM_ASSERT_NOT_(condition, ...)                                    \
  CR_SHIM_CHECK_(!(condition), "!(" #condition ")", __VA_ARGS__)

#define CR_SHIM_COMPARE_(op, a, b, ...)                                        \
  CR_SHIM_CHECK_((a)op(b), #a " " #op " " #b, __VA_ARGS__)
#define cr_assert_eq(...) CR_SHIM_COMPARE_(==, __VA_ARGS__, "")
#define cr_assert_neq(...) CR_SHIM_COMPARE_(!=, __VA_ARGS__, "")
#define cr_assert_lt(...) CR_SHIM_COMPARE_(<, __VA_ARGS__, "")
#define cr_assert_leq(...) CR_SHIM_COMPARE_(<=, __VA_ARGS__, "")
#define cr_assert_gt(...) CR_SHIM_COMPARE_(>, __VA_ARGS__, "")
#define cr_assert_geq(...) CR_SHIM_COMPARE_(>=, __VA_ARGS__, "")

#define cr_assert_null(...) CR_SHIM_NULL_(==, __VA_ARGS__, "")
#define cr_assert_not_null(...) CR_SHIM_NULL_(!=, __VA_ARGS__, "")
#define CR_SHIM_NULL_(op, value, ...)                                          \
  CR_SHIM_CHECK_((value)op NULL, #value " " #op " NULL", __VA_ARGS__)

#define cr_assert_str_eq(...) CR_SHIM_STR_(==, __VA_ARGS__, "")
#define cr_assert_str_neq(...) CR_SHIM_STR_(!=, __VA_ARGS__, "")
#define CR_SHIM_STR_(op, a, b, ...)                                            \
  CR_SHIM_CHECK_(strcmp((a), (b)) op 0, "strcmp(" #a ", " #b ") " #op " 0",    \
                 __VA_ARGS__)

#define cr_assert_fail(...)                                                    \
  cr_shim_fail(__FILE__, __LINE__, "cr_assert_fail", "" __VA_ARGS__)
#define cr_skip_test(...) cr_shim_skip("" __VA_ARGS__)
#define cr_log_info(...) cr_shim_log("" __VA_ARGS__)

#ifdef __cplusplus
}
#endif

#endif
