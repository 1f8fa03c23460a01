/* SPDX-License-Identifier: MIT
 * task.c - task frames: initialisation, cancellation requests, results. */
#include "internal.h"

int bcsc_task_init(bcsc_task_t *task, bcsc_poll_fn poll, void *data) {
  if (task == NULL)
    BCSC__FAIL(NULL_OBJECT, task, BCSC_EINVAL);
  if (poll == NULL)
    BCSC__FAIL(BAD_ARGUMENT, task, BCSC_EINVAL);
  bcsc__task_unpoison(task); /* ASan: a completed frame's header (D29) */
  *task = (bcsc_task_t)BCSC_TASK_INITIALIZER(poll, data);
  /* The header word again, as one store: inlined into a caller (LTO) the
   * copy above was split into two 32-bit stores, and the spawn that
   * follows loads the word whole - a load that cannot be forwarded from
   * two stores waits for both to retire (bench_spawn_join under LTO:
   * 9.2 -> 5.7 ns per child). The compiler merges the two writes. */
  BCSC__HEADER_SET(task,
                   bcsc__header_expect(BCSC__TASK_IDLE, BCSC__MAGIC_TASK, 0));
  return 0;
}

/* A task that can be cancelled, woken or asked for its result must have
 * been spawned; one that has completed must not be touched (its frame may
 * already belong to someone else, e.g. a pool's next task). */
int bcsc__check_live(const bcsc_task_t *task) {
  int rc = bcsc__check_task(task);
  if (rc != 0)
    return rc;
  switch (bcsc__task_state(task)) {
  case BCSC__TASK_IDLE:
    BCSC__FAIL(BAD_ARGUMENT, task, BCSC_ESTATE);
  case BCSC__TASK_DONE:
    BCSC__FAIL(TASK_DONE, task, BCSC_ESTATE);
  default:
    return 0;
  }
}

int bcsc_task_cancel(bcsc_task_t *task) {
  int rc = bcsc__check_live(task);
  if (rc != 0)
    return rc;
  return bcsc__task_cancel(task);
}

void bcsc_task_cleanup(bcsc_task_t *task) {
  bcsc_executor_t *ex;
  uint16_t state;
  /* Zero: never initialised (the declaration's `= {0}`). */
  if (task == NULL || task->priv.magic == 0 || bcsc__check_task(task) != 0)
    return; /* a frame that is not one is reported by the check */
  state = bcsc__task_state(task);
  if (state == BCSC__TASK_IDLE || state == BCSC__TASK_DONE)
    return;
  /* Live: end it, unless a poll is under way or an abort function is
   * being asked (D76) - the executor cannot run from inside either, and the
   * frame's memory goes away regardless: one report, FRAME_LEFT_LIVE. */
  ex = bcsc__task_executor(task);
  if (!bcsc__executor_inside(ex)) {
    (void)bcsc__task_cancel(task);
    (void)bcsc_executor_run(ex, task);
    if (bcsc__task_state(task) == BCSC__TASK_DONE)
      return;
  }
  BCSC__REPORT_ALWAYS(FRAME_LEFT_LIVE, task);
}

int bcsc_task_cancelled(const bcsc_task_t *task) {
  return task != NULL && (task->priv.state & BCSC__TASK_CANCELLED) != 0;
}

int bcsc_task_done(const bcsc_task_t *task) {
  return task != NULL && task->priv.magic == BCSC__MAGIC_TASK &&
         bcsc__task_state(task) == BCSC__TASK_DONE;
}

uint64_t bcsc_task_now(const bcsc_task_t *task) {
  uint32_t state;
  const bcsc_scope_t *scope;
  /* Every pointer is followed only once what holds it has proved itself:
   * a query must not crash on memory that is not a live frame. */
  if (task == NULL || task->priv.magic != BCSC__MAGIC_TASK)
    return 0;
  state = bcsc__task_state(task);
  if (state == BCSC__TASK_IDLE || state == BCSC__TASK_DONE)
    return 0;
  scope = task->priv.scope;
  if (scope == NULL || scope->priv.magic != BCSC__MAGIC_SCOPE)
    return 0;
  return bcsc_executor_now(scope->priv.executor);
}

int bcsc_task_result(const bcsc_task_t *task) {
  if (!bcsc_task_done(task))
    return BCSC_ESTATE;
  return (int)task->priv.link.result;
}

int bcsc_task_yield(bcsc_task_t *self) {
  int rc = bcsc__check_self(self);
  if (rc != 0)
    return rc;
  bcsc__task_wake(self);
  return BCSC_PENDING;
}

size_t bcsc_task_sizeof(void) { return sizeof(bcsc_task_t); }
size_t bcsc_task_alignof(void) { return _Alignof(bcsc_task_t); }
