/* SPDX-License-Identifier: MIT
 * test_error.c - the error table, the version, and the header/library ABI
 * check: every code has its own name and message, unknown codes are
 * handled, the linked library is the one the header describes, and the
 * struct sizes the header gives are the library's. */
#include <criterion/criterion.h>
#include <limits.h>
#include <stdalign.h>
#include <stdio.h>
#include <string.h>

#include <bcsc.h>

#include "bcsc_test.h"

/* The table as this header spells it; the library must agree. */
typedef struct error_row {
  int value;
  const char *name;
  const char *message;
} error_row_t;

#define ROW_(name, value, message) {BCSC_##name, "BCSC_" #name, message},
static const error_row_t rows[] = {BCSC_ERROR_TABLE(ROW_)};
#define NROWS (sizeof rows / sizeof rows[0])

Test(error, every_code_has_its_own_name_and_message) {
  cr_assert_geq(NROWS, 14);
  for (size_t i = 0; i < NROWS; i++) {
    const char *name = bcsc_err_name(rows[i].value);
    const char *message = bcsc_strerror(rows[i].value);
    cr_assert_lt(rows[i].value, 0, "%s", rows[i].name);
    cr_assert_gt(rows[i].value, BCSC_EUSER, "%s", rows[i].name);
    cr_assert_str_eq(name, rows[i].name);
    cr_assert_str_eq(message, rows[i].message);
    cr_assert_str_neq(message, "unknown error");
    cr_assert_str_neq(message, "success");
    for (size_t j = 0; j < i; j++) {
      cr_assert_neq(rows[i].value, rows[j].value, "%s and %s", rows[i].name,
                    rows[j].name);
      cr_assert_str_neq(name, bcsc_err_name(rows[j].value));
      cr_assert_str_neq(message, bcsc_strerror(rows[j].value));
    }
  }
}

Test(error, codes_keep_their_frozen_values) {
  cr_assert_eq(BCSC_EINVAL, -1);
  cr_assert_eq(BCSC_EBADOBJ, -2);
  cr_assert_eq(BCSC_EBUSY, -3);
  cr_assert_eq(BCSC_ESTATE, -4);
  cr_assert_eq(BCSC_EPERM, -5);
  cr_assert_eq(BCSC_ECANCELED, -6);
  cr_assert_eq(BCSC_ENOSPC, -7);
  cr_assert_eq(BCSC_EDEADLK, -8);
  cr_assert_eq(BCSC_EABI, -9);
  cr_assert_eq(BCSC_ETIMEDOUT, -10);
  cr_assert_eq(BCSC_ECLOSED, -11);
  cr_assert_eq(BCSC_EAGAIN, -12);
  cr_assert_eq(BCSC_ENOTSUP, -13);
  cr_assert_eq(BCSC_EPANIC, -14);
  cr_assert_eq(BCSC_EUSER, -1000);
  cr_assert_eq(BCSC_DONE, 0);
  cr_assert_eq(BCSC_PENDING, 1);
}

Test(error, zero_is_success) {
  cr_assert_str_eq(bcsc_strerror(0), "success");
  cr_assert_str_eq(bcsc_err_name(0), "0");
}

Test(error, unknown_codes_get_a_placeholder_never_null) {
  /* Just past the table's most negative code: unknown whatever the table
   * grows to, as is everything between it and BCSC_EUSER. */
  int past_table = 0;
  for (size_t i = 0; i < NROWS; i++)
    if (rows[i].value < past_table)
      past_table = rows[i].value;
  past_table--;
  const int unknown[] = {
      past_table, BCSC_EUSER + 1, BCSC_EUSER, BCSC_EUSER - 1, 1,
      2,          INT_MIN,        INT_MAX,    12345};
  for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
    cr_assert_str_eq(bcsc_strerror(unknown[i]), "unknown error", "%d",
                     unknown[i]);
    cr_assert_str_eq(bcsc_err_name(unknown[i]), "BCSC_E?", "%d", unknown[i]);
  }
}

Test(version, the_linked_library_is_the_one_the_header_describes) {
  char expected[32];
  cr_assert_eq(bcsc_version(), BCSC_VERSION_HEX);
  cr_assert_eq(BCSC_VERSION_HEX, (BCSC_VERSION_MAJOR << 16) |
                                     (BCSC_VERSION_MINOR << 8) |
                                     BCSC_VERSION_PATCH);
  cr_assert_not_null(bcsc_version_string());
  cr_assert_str_eq(bcsc_version_string(), BCSC_VERSION_STRING);
  snprintf(expected, sizeof expected, "%d.%d.%d", BCSC_VERSION_MAJOR,
           BCSC_VERSION_MINOR, BCSC_VERSION_PATCH);
  cr_assert_str_eq(BCSC_VERSION_STRING, expected);
}

Test(abi, the_header_and_library_agree) { cr_assert_eq(BCSC_ABI_CHECK(), 0); }

Test(abi, any_mismatch_is_eabi) {
  const uint32_t v = BCSC_ABI_VERSION;
  const size_t t = sizeof(bcsc_task_t), s = sizeof(bcsc_scope_t),
               w = sizeof(bcsc_wait_t), q = sizeof(bcsc_waitq_t),
               e = sizeof(bcsc_executor_t), p = sizeof(bcsc_pool_t);
  cr_assert_eq(bcsc_abi_check(v, t, s, w, q, e, p), 0);
  cr_assert_eq(bcsc_abi_check(v + 1, t, s, w, q, e, p), BCSC_EABI);
  cr_assert_eq(bcsc_abi_check(v, t + 8, s, w, q, e, p), BCSC_EABI);
  cr_assert_eq(bcsc_abi_check(v, t, s - 8, w, q, e, p), BCSC_EABI);
  cr_assert_eq(bcsc_abi_check(v, t, s, w + 1, q, e, p), BCSC_EABI);
  cr_assert_eq(bcsc_abi_check(v, t, s, w, q + 8, e, p), BCSC_EABI);
  cr_assert_eq(bcsc_abi_check(v, t, s, w, q, e - 8, p), BCSC_EABI);
  cr_assert_eq(bcsc_abi_check(v, t, s, w, q, e, p + 8), BCSC_EABI);
  cr_assert_eq(bcsc_abi_check(v, 0, 0, 0, 0, 0, 0), BCSC_EABI);
}

Test(abi, sizeof_and_alignof_functions_match_the_header) {
  cr_assert_eq(bcsc_task_sizeof(), sizeof(bcsc_task_t));
  cr_assert_eq(bcsc_task_alignof(), alignof(bcsc_task_t));
  cr_assert_eq(bcsc_scope_sizeof(), sizeof(bcsc_scope_t));
  cr_assert_eq(bcsc_scope_alignof(), alignof(bcsc_scope_t));
  cr_assert_eq(bcsc_wait_sizeof(), sizeof(bcsc_wait_t));
  cr_assert_eq(bcsc_wait_alignof(), alignof(bcsc_wait_t));
  cr_assert_eq(bcsc_waitq_sizeof(), sizeof(bcsc_waitq_t));
  cr_assert_eq(bcsc_waitq_alignof(), alignof(bcsc_waitq_t));
  cr_assert_eq(bcsc_executor_sizeof(), sizeof(bcsc_executor_t));
  cr_assert_eq(bcsc_executor_alignof(), alignof(bcsc_executor_t));
  cr_assert_eq(bcsc_pool_sizeof(), sizeof(bcsc_pool_t));
  cr_assert_eq(bcsc_co_sizeof(), sizeof(bcsc_co_t));
  cr_assert_eq(bcsc_co_alignof(), alignof(bcsc_co_t));
  cr_assert_eq(bcsc_pool_alignof(), alignof(bcsc_pool_t));
}

/* The task header is one cache line on 64-bit targets (DESIGN §4, D3).
 * Asserted at compile time too, so a layout change cannot even build. */
#if defined(__x86_64__) || defined(_M_X64)
_Static_assert(sizeof(bcsc_task_t) == 64, "bcsc_task_t is 64 bytes on x86-64");
#endif

Test(abi, task_header_is_64_bytes_on_x86_64) {
#if defined(__x86_64__) || defined(_M_X64)
  cr_assert_eq(sizeof(bcsc_task_t), 64);
  cr_assert_eq(bcsc_task_sizeof(), 64);
#else
  cr_skip_test("not an x86-64 target");
#endif
}

Test(abi, the_user_data_pointer_comes_first_in_every_object) {
  cr_assert_eq(offsetof(bcsc_task_t, data), 0);
  cr_assert_eq(offsetof(bcsc_scope_t, data), 0);
  cr_assert_eq(offsetof(bcsc_wait_t, data), 0);
  cr_assert_eq(offsetof(bcsc_waitq_t, data), 0);
  cr_assert_eq(offsetof(bcsc_executor_t, data), 0);
  cr_assert_eq(offsetof(bcsc_pool_t, data), 0);
}
