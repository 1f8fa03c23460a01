/* SPDX-License-Identifier: MIT
 * bcsc/co.h - stackless coroutines for C poll functions.
 *
 * A poll function is a state machine; these macros let it read top to
 * bottom. The resume point lives in a bcsc_co_t in the task's frame, and so
 * must every local that is used across an await (the C stack does not
 * survive a return). Each macro is a convenience over the two functions
 * below, which hosts without macros call directly.
 *
 *   static int blink(bcsc_task_t *self) {
 *     blink_t *f = (blink_t *)self;
 *     int rc;
 *     BCSC_CO_BEGIN(&f->co);
 *     for (f->i = 0; f->i < 3; f->i++) {
 *       BCSC_AWAIT(&f->co, rc, bcsc_wait_on(self, &f->wait, f->tick));
 *       if (rc < 0) return rc;
 *     }
 *     BCSC_CO_END(&f->co);
 *   }
 *
 * One await per source line: the line number is the resume point. */
#ifndef BCSC_CO_H
#define BCSC_CO_H

#include <stddef.h>
#include <stdint.h>

#include "bcsc/export.h"
#include "bcsc/task.h"
#include "bcsc/types.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A coroutine's resume point. Zero (or the initialiser) means "start". */
typedef struct bcsc_co {
  uint32_t resume_point;
  uint32_t reserved;
} bcsc_co_t;

#define BCSC_CO_INITIALIZER                                                    \
  { 0, 0 }

/**
 * Where the coroutine resumes: 0 at the start (and for NULL), else a value
 * given to bcsc_co_suspend_at().
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API uint32_t bcsc_co_resume_point(const bcsc_co_t *co);

/**
 * Record where the coroutine resumes next time. With @p co NULL it does
 * nothing, and the checked build reports BCSC_MISUSE_NULL_OBJECT.
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API void bcsc_co_suspend_at(bcsc_co_t *co, uint32_t point);

/**
 * sizeof(bcsc_co_t) in the library as built.
 * @thread any  @allocates never  @since 0.1
 */
BCSC_API size_t bcsc_co_sizeof(void);

/**
 * alignof(bcsc_co_t) in the library as built.
 * @thread any  @allocates never  @since 0.1
 */
BCSC_API size_t bcsc_co_alignof(void);

/** Start of the coroutine body: jumps to the resume point. */
#define BCSC_CO_BEGIN(co)                                                      \
  switch (bcsc_co_resume_point(co)) {                                          \
  case 0:

/**
 * Evaluate @p expr (a call returning BCSC_PENDING, 0 or a negative code)
 * into @p rc; while it is BCSC_PENDING, return BCSC_PENDING and evaluate it
 * again on the next poll.
 */
#define BCSC_AWAIT(co, rc, expr)                                               \
  do {                                                                         \
    bcsc_co_suspend_at((co), __LINE__);                                        \
    if (0) {                                                                   \
    case __LINE__:;                                                            \
    }                                                                          \
    (rc) = (expr);                                                             \
    if ((rc) == BCSC_PENDING)                                                  \
      return BCSC_PENDING;                                                     \
  } while (0)

/** Let other ready tasks run, then continue after this line. */
#define BCSC_YIELD(co, self)                                                   \
  do {                                                                         \
    bcsc_co_suspend_at((co), __LINE__);                                        \
    if (bcsc_task_yield(self) == BCSC_PENDING)                                 \
      return BCSC_PENDING;                                                     \
    if (0) {                                                                   \
    case __LINE__:;                                                            \
    }                                                                          \
  } while (0)

/** End of the coroutine body: the task completes with BCSC_DONE. */
#define BCSC_CO_END(co)                                                        \
  default:                                                                     \
    break;                                                                     \
    }                                                                          \
    bcsc_co_suspend_at((co), 0);                                               \
    return BCSC_DONE

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* BCSC_CO_H */
