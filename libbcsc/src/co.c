/* SPDX-License-Identifier: MIT
 * co.c - the functions under the bcsc/co.h coroutine macros. */
#include "internal.h"

uint32_t bcsc_co_resume_point(const bcsc_co_t *co) {
  return co != NULL ? co->resume_point : 0;
}

void bcsc_co_suspend_at(bcsc_co_t *co, uint32_t point) {
  /* Nothing to return an error with: a coroutine without a frame would
   * start over at every poll, so the checked build says so. */
  if (co == NULL) {
    BCSC__REPORT(NULL_OBJECT, co);
    return;
  }
  co->resume_point = point;
}

size_t bcsc_co_sizeof(void) { return sizeof(bcsc_co_t); }
size_t bcsc_co_alignof(void) { return _Alignof(bcsc_co_t); }
