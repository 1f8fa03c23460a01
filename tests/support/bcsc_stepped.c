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
