/* SPDX-License-Identifier: MIT
 * bcsc/types.h - the names every other header shares: the object types and
 * the values a poll function returns. */
#ifndef BCSC_TYPES_H
#define BCSC_TYPES_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct bcsc_executor bcsc_executor_t;       /* bcsc/executor.h */
typedef struct bcsc_task bcsc_task_t;               /* bcsc/task.h */
typedef struct bcsc_scope bcsc_scope_t;             /* bcsc/scope.h */
typedef struct bcsc_wait bcsc_wait_t;               /* bcsc/wait.h */
typedef struct bcsc_waitq bcsc_waitq_t;             /* bcsc/wait.h */
typedef struct bcsc_pool bcsc_pool_t;               /* bcsc/pool.h */
typedef struct bcsc_timer bcsc_timer_t;             /* bcsc/timer.h */
typedef struct bcsc_reactor bcsc_reactor_t;         /* bcsc/reactor.h */
typedef struct bcsc_remote_task bcsc_remote_task_t; /* bcsc/remote.h */
typedef struct bcsc_context bcsc_context_t;         /* bcsc/context.h */
typedef struct bcsc_child_error bcsc_child_error_t; /* bcsc/scope.h */
typedef struct bcsc_drain_grace bcsc_drain_grace_t; /* bcsc/scope.h */
typedef struct bcsc_error_list bcsc_error_list_t;   /* bcsc/scope.h */

/** bcsc's header of a node a scope holds on its attachment list: the first
 *  member of a context entry, a drain grace and an error list (D64).
 *  PRIVATE - DO NOT TOUCH. */
struct bcsc_attach_private {
  struct bcsc_attach_private *next; /* the scope's next older node */
  uint8_t state;                    /* idle or attached */
  uint8_t kind;   /* context entry, drain grace or error list, once attached */
  uint16_t magic; /* initialised; one magic per kind */
  uint32_t self_tag; /* hash of the node's address while attached */
};

/*
 * The three kinds of result used throughout bcsc: 0 means finished
 * successfully, BCSC_PENDING means "not yet, you will be woken", and a
 * negative value is an error (a BCSC_E* code, or a task's own code at or
 * below BCSC_EUSER).
 */
enum bcsc_poll_status {
  /** Finished; a poll function returning this completes its task. */
  BCSC_DONE = 0,
  /** Not finished; the task has registered something that will wake it. */
  BCSC_PENDING = 1
};

/**
 * Advance a task by one step.
 *
 * Called by the executor on its own thread, never re-entrantly for the same
 * task. Must not block. Returns BCSC_PENDING after registering a wait (or
 * yielding), BCSC_DONE when finished, or a negative code, which finishes the
 * task with that error. Inside, @p self is "the running task": the one
 * argument bcsc_wait_register(), bcsc_scope_init() and bcsc_scope_join()
 * accept as their task.
 */
typedef int (*bcsc_poll_fn)(bcsc_task_t *self);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* BCSC_TYPES_H */
