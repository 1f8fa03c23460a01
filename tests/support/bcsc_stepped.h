/* SPDX-License-Identifier: MIT
 * bcsc_stepped.h - the stepped task of the test_coverage_*.c suites (and
 * of the object suites' tests that need a task for one call): a
 * frame whose poll function counts its polls and calls one step function
 * of the test's, with the objects a step needs kept beside the task (a
 * registration, a timer, a scope, a waker, ...), and the one executor a
 * test drives it on.
 *
 * A step reads and writes its frame's fields; the test then asserts on
 * what the step recorded. Unlike bcsc_test.h this calls Criterion (a
 * failed set-up is a failed test), so only the Criterion suites use it.
 *
 * The frame begins with its bcsc_task_t: a bcsc_task_t * converts back to
 * the frame with a cast. */
#ifndef BCSC_STEPPED_H
#define BCSC_STEPPED_H

#include <stdint.h>

#include <bcsc.h>

#include "bcsc_test.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ct ct_t;
/* One poll's work: BCSC_PENDING, or the task's result. */
typedef int (*ct_step_fn)(ct_t *c);

/* What ct_init() puts in each rc[] slot: "the step never recorded it". */
#define CT_NOT_CALLED 12345

struct ct {
  bcsc_task_t task; /* first: the poll function casts back */
  ct_step_fn step;
  int polls;  /* polls so far, this one included */
  int rc[12]; /* what the step's calls returned, in the test's order */
  int n;      /* a count the step is given */
  int order;  /* which of two registrations comes first */
  int leader; /* a barrier's leader flag */
  uint32_t msg;
  uint64_t lagged;
  bcsc_wait_t w;              /* initialised */
  bcsc_timer_t timer;         /* initialised */
  bcsc_semaphore_waiter_t sw; /* initialised */
  bcsc_scope_t scope;         /* not initialised: the step opens it */
  bcsc_waker_t waker;         /* not initialised: the step binds it */
  bcsc_waitq_t *q;            /* the test's objects, for the step */
  bcsc_semaphore_t *sem;
  bcsc_broadcast_receiver_t *rx;
  void *obj, *obj2;
  ct_t *other, *child; /* other frames the step acts on */
};

/* The poll function of every stepped frame. */
int ct_poll(bcsc_task_t *t);
/* Zero @p c, initialise its task (ct_poll), registration, timer and
 * semaphore place, set every rc[] to CT_NOT_CALLED and its step. */
void ct_init(ct_t *c, ct_step_fn step);
/* A step that returns 0 at once. */
int ct_finish(ct_t *c);

/* The misuse recorder every coverage suite installs (TestSuite .init =
 * ct_record_misuse): a test counts the reports it provoked in it. */
extern bcsc_test_misuse_t ct_misuse;
void ct_record_misuse(void);
/* How many of the recorded reports carry @p code. */
uint32_t ct_reports(int32_t code);

/* The test's executor: ct_up() initialises it with @p reactor (may be
 * NULL: a run with nothing ready and nothing to wait for then ends with
 * BCSC_EDEADLK) and the CT_SLOTS waker slots in ct_slots; ct_up_sim() with
 * ct_sim, a simulated clock at 1000 ns. It installs the recorder again
 * (a test may have uninstalled it). */
#define CT_SLOTS 4
extern bcsc_executor_t ct_ex;
extern bcsc_waker_slot_t ct_slots[CT_SLOTS];
extern bcsc_sim_reactor_t ct_sim;
void ct_up(bcsc_reactor_t *reactor);
void ct_up_sim(void);
/* The end of every test: no root left, and the executor deinitialises. */
void ct_down(void);
/* ct_down() after running what is left to its end (BCSC_EDEADLK fails). */
void ct_run_down(void);

/* A wait of an object: @p wait is the caller's registration. */
typedef int (*ct_wait_fn)(bcsc_task_t *self, void *obj, bcsc_wait_t *wait);
/* On ct_ex (up, with any roots the wait needs already spawned): an owner
 * waits on @p obj through @p wait with its registration and stays
 * pending; a second root calls @p wait with the owner's registration,
 * which every such wait refuses with BCSC_EBUSY ("@p wait is linked for
 * another task") and one NODE_LINKED report naming it, leaving it linked
 * and the owner's. The owner is then cancelled: its wait answers
 * BCSC_ECANCELED and the registration is unlinked. */
void ct_foreign_registration(ct_wait_fn wait, void *obj);

#ifdef __cplusplus
}
#endif

#endif
