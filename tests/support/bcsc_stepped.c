/* SPDX-License-Identifier: MIT
 * bcsc_stepped.c - the stepped task and executor of the coverage suites
 * (bcsc_stepped.h). */
#include "bcsc_stepped.h"

#include <criterion/criterion.h>
#include <string.h>

bcsc_test_misuse_t ct_misuse;
bcsc_executor_t ct_ex;
bcsc_waker_slot_t ct_slots[CT_SLOTS];
bcsc_sim_reactor_t ct_sim;

int ct_poll(bcsc_task_t *t) {
  ct_t *c = (ct_t *)(void *)t;
  c->polls++;
  return c->step(c);
}

void ct_init(ct_t *c, ct_step_fn step) {
  memset(c, 0, sizeof *c);
  cr_assert_eq(bcsc_task_init(&c->task, ct_poll, NULL), 0);
  cr_assert_eq(bcsc_wait_init(&c->w), 0);
  cr_assert_eq(bcsc_timer_init(&c->timer), 0);
  cr_assert_eq(bcsc_semaphore_waiter_init(&c->sw), 0);
  c->step = step;
  for (size_t i = 0; i < sizeof c->rc / sizeof c->rc[0]; i++)
    c->rc[i] = CT_NOT_CALLED;
}

int ct_finish(ct_t *c) {
  (void)c;
  return 0;
}

void ct_record_misuse(void) { bcsc_test_misuse_install(&ct_misuse); }

uint32_t ct_reports(int32_t code) {
  return bcsc_test_misuse_count_code(&ct_misuse, code);
}

void ct_up(bcsc_reactor_t *reactor) {
  bcsc_executor_config_t config = {.size = sizeof config,
                                   .reactor = reactor,
                                   .waker_slots = ct_slots,
                                   .waker_slot_count = CT_SLOTS};
  ct_record_misuse();
  cr_assert_eq(bcsc_executor_init(&ct_ex, &config), 0);
}

void ct_up_sim(void) {
  cr_assert_eq(bcsc_sim_reactor_init(&ct_sim, 1000), 0);
  ct_up(&ct_sim.base);
}

void ct_down(void) {
  cr_assert_eq(bcsc_executor_live_roots(&ct_ex), 0);
  cr_assert_eq(bcsc_executor_deinit(&ct_ex), 0);
}

void ct_run_down(void) {
  cr_assert_eq(bcsc_executor_run(&ct_ex, NULL), 0);
  ct_down();
}

static ct_wait_fn foreign_wait;

static int foreign_owner(ct_t *c) {
  int rc = foreign_wait(&c->task, c->obj, &c->w);
  if (rc == BCSC_PENDING)
    return BCSC_PENDING;
  c->rc[0] = rc;
  return 0;
}

static int foreign_caller(ct_t *c) {
  c->rc[0] = foreign_wait(&c->task, c->obj, &c->other->w);
  c->rc[1] = bcsc_wait_linked(&c->other->w);
  return 0;
}

static void ct_drain(void) {
  while (bcsc_executor_ready(&ct_ex) > 0)
    cr_assert_geq(bcsc_executor_poll(&ct_ex, 1000), 0);
}

void ct_foreign_registration(ct_wait_fn wait, void *obj) {
  ct_t owner, caller;
  foreign_wait = wait;
  ct_init(&owner, foreign_owner);
  owner.obj = obj;
  ct_init(&caller, foreign_caller);
  caller.obj = obj;
  caller.other = &owner;
  cr_assert_eq(bcsc_executor_spawn(&ct_ex, &owner.task), 0);
  ct_drain();
  cr_assert(bcsc_wait_linked(&owner.w), "the owner's wait did not wait");
  cr_assert_eq(bcsc_executor_spawn(&ct_ex, &caller.task), 0);
  ct_drain();
  cr_assert(bcsc_task_done(&caller.task));
  cr_assert_eq(caller.rc[0], BCSC_EBUSY, "answered %s",
               bcsc_err_name(caller.rc[0]));
  cr_assert(
      bcsc_test_misuse_one(&ct_misuse, BCSC_MISUSE_NODE_LINKED, &owner.w));
  cr_assert_eq(caller.rc[1], 1, "the refused call unlinked the registration");
  cr_assert_eq(owner.polls, 1, "the refused call woke the owner");
  cr_assert_eq(bcsc_task_cancel(&owner.task), 0);
  ct_drain();
  cr_assert(bcsc_task_done(&owner.task));
  cr_assert_eq(owner.rc[0], BCSC_ECANCELED, "answered %s",
               bcsc_err_name(owner.rc[0]));
  cr_assert_not(bcsc_wait_linked(&owner.w));
}
