/* SPDX-License-Identifier: MIT
 * co.c - the functions under the bcsc/co.h coroutine macros. */
#include "internal.h"

uint32_t bcsc_co_resume_point(const bcsc_co_t *co) { return co->resume_point; }

void bcsc_co_suspend_at(bcsc_co_t *co, uint32_t point) {
  co->resume_point = point;
}

size_t bcsc_co_sizeof(void) { return sizeof(bcsc_co_t); }
size_t bcsc_co_alignof(void) { return _Alignof(bcsc_co_t); }
