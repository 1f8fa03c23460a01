/* SPDX-License-Identifier: MIT
 * fleet.c - context entries a subtree inherits, and an error list that
 * says which children failed, not only the first error.
 *
 * The robot story: "fleet" opens a WAIT_ALL scope, tags it with a trace id
 * (a context entry), gives it a list for failed children and spawns three
 * robots. Each robot tags its own FAIL_FAST scope with its robot id and
 * spawns two joints. A joint logs with the trace id and robot id it looks
 * up (bcsc_task_context()): nothing is passed down by hand. Joint 1 of
 * robot 1 and joint 0 of robot 2 fault; each fault cancels its robot's
 * other joint and becomes that robot's result. Robot 0 homes. fleet's
 * join returns the first failure, and its error list names both robots in
 * the order they failed.
 *
 * Exits 0 only if exactly that happened, so it doubles as a smoke test. */
#include <stdint.h>
#include <stdio.h>

#include <bcsc.h>

#define ROBOTS 3
#define JOINTS 2
#define TRACE_ID 0x7ace
/* Context keys are the program's own. */
enum { KEY_TRACE = 1, KEY_ROBOT = 2 };
#define JOINT_EFAULT (BCSC_EUSER - 1)

typedef struct joint {
  bcsc_task_t task;
  int id;
  int steps; /* polls left before it reaches home */
  int faults;
} joint_t;

typedef struct robot {
  bcsc_task_t task;
  bcsc_co_t co;
  bcsc_scope_t scope;
  bcsc_context_t robot_id; /* lives as long as the scope: in this frame */
  int id;
  joint_t joints[JOINTS];
} robot_t;

typedef struct fleet {
  bcsc_task_t task;
  bcsc_co_t co;
  bcsc_scope_t scope;
  bcsc_context_t trace;
  bcsc_error_list_t failures;        /* holds `failed` for the scope */
  bcsc_child_error_t failed[ROBOTS]; /* written as robots fail */
  robot_t robots[ROBOTS];
} fleet_t;

/* What every log line of a task below the fleet starts with. */
static void log_prefix(const bcsc_task_t *self) {
  uintptr_t trace = 0, robot = 0;
  (void)bcsc_task_context(self, KEY_TRACE, &trace);
  (void)bcsc_task_context(self, KEY_ROBOT, &robot);
  printf("[trace %lx robot %lu] ", (unsigned long)trace, (unsigned long)robot);
}

static int joint_poll(bcsc_task_t *self) {
  joint_t *j = (joint_t *)self;
  if (bcsc_task_cancelled(self)) {
    log_prefix(self);
    printf("joint %d: cancelled, braking\n", j->id);
    return BCSC_ECANCELED;
  }
  if (j->faults && j->steps == 1) {
    log_prefix(self);
    printf("joint %d: encoder fault\n", j->id);
    return JOINT_EFAULT;
  }
  if (--j->steps > 0)
    return bcsc_task_yield(self);
  log_prefix(self);
  printf("joint %d: home\n", j->id);
  return BCSC_DONE;
}

static int robot_poll(bcsc_task_t *self) {
  robot_t *r = (robot_t *)self;
  int rc, i;
  BCSC_CO_BEGIN(&r->co);
  if ((rc = bcsc_scope_init(&r->scope, self, BCSC_SCOPE_FAIL_FAST)) != 0 ||
      (rc = bcsc_scope_set_context(&r->scope, &r->robot_id, KEY_ROBOT,
                                   (uintptr_t)r->id)) != 0)
    return rc;
  for (i = 0; i < JOINTS; i++)
    if ((rc = bcsc_scope_spawn(&r->scope, &r->joints[i].task)) != 0)
      return rc;
  BCSC_AWAIT(&r->co, rc, bcsc_scope_join(&r->scope));
  /* The join closed the scope and detached robot_id: from here on this
   * task sees only the fleet's entries. */
  printf("robot %d: %s\n", r->id, rc == 0 ? "homed" : "stopped");
  if (rc != 0)
    return rc;
  BCSC_CO_END(&r->co);
}

static int fleet_poll(bcsc_task_t *self) {
  fleet_t *f = (fleet_t *)self;
  int rc, i;
  BCSC_CO_BEGIN(&f->co);
  if ((rc = bcsc_scope_init(&f->scope, self, BCSC_SCOPE_WAIT_ALL)) != 0 ||
      (rc = bcsc_scope_set_context(&f->scope, &f->trace, KEY_TRACE,
                                   TRACE_ID)) != 0 ||
      (rc = bcsc_scope_set_error_list(&f->scope, &f->failures, f->failed,
                                      ROBOTS)) != 0)
    return rc;
  for (i = 0; i < ROBOTS; i++)
    if ((rc = bcsc_scope_spawn(&f->scope, &f->robots[i].task)) != 0)
      return rc;
  /* The first failure; the list says who else failed. */
  BCSC_AWAIT(&f->co, rc, bcsc_scope_join(&f->scope));
  if (rc != 0)
    return rc;
  BCSC_CO_END(&f->co);
}

/* Robot 1's joint 1 faults on its third step, robot 2's joint 0 on its
 * fifth; the rest need four steps to home. */
static void fleet_init(fleet_t *f) {
  bcsc_task_init(&f->task, fleet_poll, NULL);
  f->co = (bcsc_co_t)BCSC_CO_INITIALIZER;
  bcsc_context_init(&f->trace);
  bcsc_error_list_init(&f->failures);
  for (int i = 0; i < ROBOTS; i++) {
    robot_t *r = &f->robots[i];
    bcsc_task_init(&r->task, robot_poll, NULL);
    r->co = (bcsc_co_t)BCSC_CO_INITIALIZER;
    bcsc_context_init(&r->robot_id);
    r->id = i;
    for (int k = 0; k < JOINTS; k++) {
      joint_t *j = &r->joints[k];
      bcsc_task_init(&j->task, joint_poll, NULL);
      j->id = k;
      j->steps = 4;
      j->faults = 0;
    }
  }
  f->robots[1].joints[1].steps = 3;
  f->robots[1].joints[1].faults = 1;
  f->robots[2].joints[0].steps = 5;
  f->robots[2].joints[0].faults = 1;
  f->robots[2].joints[1].steps = 6;
}

int main(void) {
  bcsc_executor_t ex;
  fleet_t fleet; /* the whole tree, on main's stack */
  uint32_t failures;
  int rc, ok;

  if ((rc = BCSC_ABI_CHECK()) != 0) {
    fprintf(stderr, "main: bcsc ABI mismatch: %s\n", bcsc_strerror(rc));
    return 1;
  }
  if (bcsc_executor_init(&ex, NULL) != 0)
    return 1;
  fleet_init(&fleet);
  rc = bcsc_executor_run(&ex, &fleet.task);
  failures = bcsc_scope_error_count(&fleet.scope);
  printf("main: fleet finished: %d, %u robot(s) failed\n", rc,
         (unsigned)failures);
  for (uint32_t i = 0; i < failures && i < ROBOTS; i++) {
    const robot_t *r = (const robot_t *)fleet.failed[i].task;
    printf("main:   robot %d: %d\n", r->id, (int)fleet.failed[i].error);
  }
  if (bcsc_executor_deinit(&ex) != 0) {
    fprintf(stderr, "main: executor still busy\n");
    return 1;
  }
  ok = rc == JOINT_EFAULT && failures == 2 &&
       fleet.failed[0].task == &fleet.robots[1].task &&
       fleet.failed[1].task == &fleet.robots[2].task &&
       fleet.failed[0].error == JOINT_EFAULT &&
       fleet.failed[1].error == JOINT_EFAULT;
  if (!ok) {
    fprintf(stderr, "main: expected robots 1 and 2 to fail, in that order\n");
    return 1;
  }
  printf("main: failures recorded as expected\n");
  return 0;
}
