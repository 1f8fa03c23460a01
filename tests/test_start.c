/* SPDX-License-Identifier: MIT
 * test_start.c - bcsc_scope_start() and bcsc_start_ready() through the
 * public API (Trio's nursery.start, D56-D58): the child moves into the
 * target when ready and keeps running there, the target's join waits for
 * it and for a start still pending, the value comes back; a child that
 * fails or returns before it is ready; the caller's and the target's
 * cancellation before and after the move; a target owned by another task,
 * which returns while the start is pending; registrations the child holds
 * as it moves (the checked build's audit, D29); bad arguments. The misuse
 * codes of bcsc_start_ready() are provoked in test_misuse.c.
 *
 * Every test installs a recording misuse handler and ends with no report
 * and a clean teardown. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include <bcsc.h>

#include "bcsc_test.h"

static bcsc_executor_t g_ex;
static bcsc_test_misuse_t g_misuse;

static void run_all(void) {
  cr_assert_geq(bcsc_executor_poll(&g_ex, 1u << 20), 0);
}

/* ---- the started child: a driver ---------------------------------------- */

typedef struct driver {
  bcsc_task_t task; /* first */
  bcsc_wait_t wait;
  bcsc_wait_t held;
  /* configuration */
  bcsc_start_t *start;
  bcsc_waitq_t *before; /* waits here before it is ready (NULL: at once) */
  int returns_early;    /* returns `early` instead of saying ready */
  int early;
  uintptr_t value;
  bcsc_waitq_t *hold;       /* registers `held` here as it says ready */
  bcsc_waitq_t *after;      /* waits here once ready (NULL: returns at once) */
  int result;               /* returned once `after` fired */
  int ready_when_cancelled; /* says ready even when cancelled first */
  bcsc_test_leaf_t *kid;    /* spawned into its own scope before ready */
  bcsc_scope_t scope;
  /* observations */
  int ready;    /* 0: not yet called; 1: called */
  int ready_rc; /* what bcsc_start_ready() returned */
  uint32_t polls;
  uint32_t cancelled_polls; /* polls that saw the cancellation */
  int finished;             /* returned `result` */
  int scope_cancelled;      /* its own scope, right after the move */
} driver_t;

static int driver_poll(bcsc_task_t *self) {
  driver_t *d = (driver_t *)(void *)self;
  int rc;
  d->polls++;
  if (bcsc_task_cancelled(self)) {
    d->cancelled_polls++;
    if (!d->ready && d->ready_when_cancelled) {
      d->ready = 1;
      d->ready_rc = bcsc_start_ready(self, d->start, d->value);
    }
    return BCSC_ECANCELED;
  }
  if (!d->ready) {
    if (d->before != NULL) {
      rc = bcsc_wait_on(self, &d->wait, d->before);
      if (rc != 0)
        return rc;
    }
    if (d->returns_early)
      return d->early;
    if (d->hold != NULL)
      cr_assert_eq(bcsc_wait_register(self, &d->held, d->hold), 0);
    if (d->kid != NULL) {
      cr_assert_eq(bcsc_scope_init(&d->scope, self, BCSC_SCOPE_WAIT_ALL), 0);
      cr_assert_eq(bcsc_scope_spawn(&d->scope, &d->kid->task), 0);
    }
    d->ready = 1;
    d->ready_rc = bcsc_start_ready(self, d->start, d->value);
    if (d->ready_rc != 0)
      return d->ready_rc;
    if (d->kid != NULL)
      d->scope_cancelled = bcsc_scope_cancelled(&d->scope);
  }
  if (d->after != NULL) {
    rc = bcsc_wait_on(self, &d->wait, d->after);
    if (rc != 0)
      return rc;
  }
  d->finished = 1;
  return d->result;
}

static void driver_init(driver_t *d, bcsc_start_t *start) {
  memset(d, 0, sizeof *d);
  cr_assert_eq(bcsc_task_init(&d->task, driver_poll, NULL), 0);
  cr_assert_eq(bcsc_wait_init(&d->wait), 0);
  cr_assert_eq(bcsc_wait_init(&d->held), 0);
  d->start = start;
}

/* ---- the caller ---------------------------------------------------------- */

typedef struct parent {
  bcsc_task_t task; /* first */
  bcsc_co_t co;
  bcsc_wait_t wait;
  bcsc_scope_t drivers; /* the target when `target` is NULL */
  bcsc_start_t start;
  /* configuration */
  bcsc_scope_t *target; /* NULL: its own `drivers` */
  bcsc_task_t *child;
  bcsc_waitq_t *gate;   /* waited on after the start, before the join */
  int return_on_cancel; /* returns at once when cancelled (a drain) */
  /* observations */
  uint32_t polls;
  int started; /* the start returned */
  int rc;      /* ...this */
  uintptr_t value;
  int joined;
  int join_rc;
} parent_t;

static int parent_poll(bcsc_task_t *self) {
  parent_t *p = (parent_t *)(void *)self;
  int rc;
  p->polls++;
  if (p->return_on_cancel && bcsc_task_cancelled(self))
    return BCSC_ECANCELED;
  BCSC_CO_BEGIN(&p->co);
  if (p->target == NULL) {
    cr_assert_eq(bcsc_scope_init(&p->drivers, self, BCSC_SCOPE_WAIT_ALL), 0);
    p->target = &p->drivers;
  }
  BCSC_AWAIT(&p->co, p->rc,
             bcsc_scope_start(self, &p->start, p->target, p->child));
  p->started = 1;
  p->value = bcsc_start_value(&p->start);
  if (p->gate != NULL)
    BCSC_AWAIT(&p->co, rc, bcsc_wait_on(self, &p->wait, p->gate));
  if (p->target == &p->drivers) {
    BCSC_AWAIT(&p->co, p->join_rc, bcsc_scope_join(&p->drivers));
    p->joined = 1;
  }
  BCSC_CO_END(&p->co);
}

static void parent_init(parent_t *p, bcsc_task_t *child) {
  memset(p, 0, sizeof *p);
  cr_assert_eq(bcsc_task_init(&p->task, parent_poll, NULL), 0);
  cr_assert_eq(bcsc_wait_init(&p->wait), 0);
  p->child = child;
}

/* ---- another owner of a target ------------------------------------------- */

typedef struct holder {
  bcsc_task_t task; /* first */
  bcsc_wait_t wait;
  bcsc_scope_t scope;
  bcsc_waitq_t *gate; /* joins once this fired */
  int returns;        /* returns (draining the scope) once it fired */
  int opened;
  int joined; /* the gate fired */
  int join_rc;
} holder_t;

static int holder_poll(bcsc_task_t *self) {
  holder_t *h = (holder_t *)(void *)self;
  int rc;
  if (!h->opened) {
    cr_assert_eq(bcsc_scope_init(&h->scope, self, BCSC_SCOPE_WAIT_ALL), 0);
    h->opened = 1;
  }
  if (!h->joined) {
    rc = bcsc_wait_on(self, &h->wait, h->gate);
    if (rc != 0)
      return rc;
    h->joined = 1;
    if (h->returns)
      return BCSC_DONE;
  }
  rc = bcsc_scope_join(&h->scope);
  if (rc != BCSC_PENDING)
    h->join_rc = rc;
  return rc;
}

static void holder_init(holder_t *h, bcsc_waitq_t *gate) {
  memset(h, 0, sizeof *h);
  cr_assert_eq(bcsc_task_init(&h->task, holder_poll, NULL), 0);
  cr_assert_eq(bcsc_wait_init(&h->wait), 0);
  h->gate = gate;
}

/* ---- set-up -------------------------------------------------------------- */

typedef struct env {
  bcsc_waitq_t before, after, hold, gate;
  driver_t d;
  parent_t p;
  holder_t h;
} env_t;

static void env_setup(env_t *e) {
  memset(e, 0, sizeof *e);
  bcsc_test_misuse_install(&g_misuse);
  cr_assert_eq(bcsc_executor_init(&g_ex, NULL), 0);
  cr_assert_eq(bcsc_waitq_init(&e->before), 0);
  cr_assert_eq(bcsc_waitq_init(&e->after), 0);
  cr_assert_eq(bcsc_waitq_init(&e->hold), 0);
  cr_assert_eq(bcsc_waitq_init(&e->gate), 0);
  driver_init(&e->d, &e->p.start);
  parent_init(&e->p, &e->d.task);
  holder_init(&e->h, &e->gate);
}

static void env_spawn_parent(env_t *e) {
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &e->p.task), 0);
  run_all();
}

static void env_teardown(env_t *e) {
  run_all();
  cr_assert(bcsc_task_done(&e->p.task), "the caller completed");
  cr_assert(bcsc_task_done(&e->d.task), "the child completed");
  cr_assert_eq(bcsc_waitq_deinit(&e->before), 0);
  cr_assert_eq(bcsc_waitq_deinit(&e->after), 0);
  cr_assert_eq(bcsc_waitq_deinit(&e->hold), 0);
  cr_assert_eq(bcsc_waitq_deinit(&e->gate), 0);
  cr_assert_eq(bcsc_executor_deinit(&g_ex), 0);
  cr_assert_eq(g_misuse.count, 0, "misuse reported: %s",
               bcsc_misuse_name(g_misuse.last_code));
  bcsc_test_misuse_uninstall();
}

TestSuite(start);

/* ---- ready ----------------------------------------------------------------
 */

Test(start, ready_moves_the_child_into_the_target_and_its_join_waits_for_it) {
  env_t e;
  env_setup(&e);
  e.d.before = &e.before;
  e.d.after = &e.after;
  e.d.value = 4242;
  env_spawn_parent(&e);
  cr_assert(!e.p.started, "the caller waits for the child to be ready");
  cr_assert_eq(e.p.polls, 1);
  cr_assert_eq(bcsc_scope_live(&e.p.drivers), 1, "the target counts the start");
  cr_assert_eq(bcsc_start_value(&e.p.start), 0);

  cr_assert_eq(bcsc_waitq_wake_all(&e.before, 0), 1);
  run_all();
  cr_assert_eq(e.d.ready_rc, 0);
  cr_assert(e.p.started);
  cr_assert_eq(e.p.rc, 0);
  cr_assert_eq(e.p.value, 4242);
  cr_assert_eq(e.p.polls, 2, "woken once, by the handshake");
  /* The child keeps running, in the target, which the caller now joins. */
  cr_assert(!bcsc_task_done(&e.d.task));
  cr_assert_eq(bcsc_scope_live(&e.p.drivers), 1);
  cr_assert(!e.p.joined);
  cr_assert_eq(bcsc_waitq_count(&e.after), 1, "it waits in the target");

  cr_assert_eq(bcsc_waitq_wake_all(&e.after, 0), 1);
  run_all();
  cr_assert(e.d.finished);
  cr_assert(e.p.joined);
  cr_assert_eq(e.p.join_rc, 0);
  cr_assert_eq(e.p.polls, 3);
  env_teardown(&e);
}

Test(start, a_child_ready_in_its_first_poll_returns_its_value_at_once) {
  env_t e;
  env_setup(&e);
  e.d.value = 7;
  e.d.result = BCSC_TEST_E3; /* its failure in the target is the target's */
  env_spawn_parent(&e);
  cr_assert(e.p.started);
  cr_assert_eq(e.p.rc, 0);
  cr_assert_eq(e.p.value, 7);
  cr_assert(e.p.joined);
  cr_assert_eq(e.p.join_rc, BCSC_TEST_E3, "it failed in the target");
  env_teardown(&e);
}

/* ---- the child ends before it is ready ----------------------------------- */

Test(start, a_child_that_fails_before_it_is_ready_fails_the_start) {
  env_t e;
  env_setup(&e);
  e.d.before = &e.before;
  e.d.returns_early = 1;
  e.d.early = BCSC_TEST_E1;
  env_spawn_parent(&e);
  cr_assert_eq(bcsc_waitq_wake_all(&e.before, 0), 1);
  run_all();
  cr_assert(e.p.started);
  cr_assert_eq(e.p.rc, BCSC_TEST_E1);
  cr_assert_eq(e.p.value, 0);
  cr_assert(e.p.joined);
  cr_assert_eq(e.p.join_rc, 0, "the target saw nothing of it");
  cr_assert_eq(bcsc_task_result(&e.d.task), BCSC_TEST_E1);
  env_teardown(&e);
}

Test(start, a_child_that_returns_0_without_ready_gives_eclosed) {
  env_t e;
  env_setup(&e);
  e.d.returns_early = 1;
  e.d.early = 0;
  env_spawn_parent(&e);
  cr_assert(e.p.started);
  cr_assert_eq(e.p.rc, BCSC_ECLOSED);
  cr_assert(e.p.joined);
  cr_assert_eq(e.p.join_rc, 0);
  env_teardown(&e);
}

/* ---- the caller's cancellation ------------------------------------------- */

Test(start, the_callers_cancellation_cancels_a_child_not_yet_ready) {
  env_t e;
  env_setup(&e);
  e.d.before = &e.before;
  env_spawn_parent(&e);
  cr_assert_eq(bcsc_task_cancel(&e.p.task), 0);
  run_all();
  cr_assert_eq(e.d.cancelled_polls, 1);
  cr_assert(e.p.started);
  cr_assert_eq(e.p.rc, BCSC_ECANCELED);
  cr_assert_eq(e.p.join_rc, BCSC_ECANCELED);
  cr_assert_eq(bcsc_waitq_count(&e.before), 0);
  env_teardown(&e);
}

Test(start, ready_after_the_callers_cancellation_leaves_the_child_in_place) {
  env_t e;
  env_setup(&e);
  e.d.before = &e.before;
  e.d.ready_when_cancelled = 1;
  e.d.value = 9;
  env_spawn_parent(&e);
  cr_assert_eq(bcsc_task_cancel(&e.p.task), 0);
  run_all();
  cr_assert_eq(e.d.ready_rc, BCSC_ECANCELED);
  cr_assert_eq(e.p.rc, BCSC_ECANCELED);
  cr_assert_eq(e.p.value, 0, "no value: it did not move");
  cr_assert_eq(e.p.join_rc, BCSC_ECANCELED);
  env_teardown(&e);
}

Test(start, a_caller_that_returns_while_the_start_is_pending_drains_it) {
  env_t e;
  env_setup(&e);
  e.d.before = &e.before;
  e.p.return_on_cancel = 1;
  env_spawn_parent(&e);
  cr_assert_eq(bcsc_task_cancel(&e.p.task), 0);
  run_all();
  /* It returned with its target and the start's scope open: both drain,
   * the start's first (it lets the target empty). */
  cr_assert(!e.p.started);
  cr_assert_eq(e.d.cancelled_polls, 1);
  cr_assert_eq(bcsc_task_result(&e.p.task), BCSC_ECANCELED);
  env_teardown(&e);
}

Test(start, the_child_moved_before_the_caller_was_cancelled_is_reported) {
  env_t e;
  env_setup(&e);
  e.d.after = &e.after;
  e.d.value = 5;
  e.p.gate = &e.gate;
  /* The child says ready in its first poll; the caller is cancelled
   * before it runs again. */
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &e.p.task), 0);
  cr_assert_eq(bcsc_executor_poll(&g_ex, 2), 2);
  cr_assert_eq(e.d.ready_rc, 0);
  cr_assert(!e.p.started);
  cr_assert_eq(bcsc_task_cancel(&e.p.task), 0);
  run_all();
  cr_assert(e.p.started);
  cr_assert_eq(e.p.rc, 0, "the child lives on: the caller is told");
  cr_assert_eq(e.p.value, 5);
  cr_assert_eq(e.d.cancelled_polls, 1, "in the target, cancelled with it");
  cr_assert_eq(e.p.join_rc, BCSC_ECANCELED);
  env_teardown(&e);
}

/* ---- the target's cancellation ------------------------------------------- */

Test(start, a_child_moving_into_a_cancelled_target_is_cancelled) {
  env_t e;
  bcsc_test_leaf_t kid;
  env_setup(&e);
  e.d.before = &e.before;
  e.d.after = &e.after;
  e.d.value = 3;
  /* It holds a registration and owns a scope with a child as it moves:
   * the cancellation unlinks the one (counted in the target, D29) and
   * reaches the other at once (a cancelled task's scopes are cancelled). */
  e.d.hold = &e.hold;
  bcsc_test_leaf_init(&kid, 1);
  kid.queue = &e.gate;
  e.d.kid = &kid;
  env_spawn_parent(&e);
  cr_assert_eq(bcsc_scope_cancel(&e.p.drivers), 0);
  run_all();
  cr_assert_eq(e.d.cancelled_polls, 0, "the target's cancellation waits");
  cr_assert_eq(bcsc_waitq_wake_all(&e.before, 0), 1);
  run_all();
  cr_assert_eq(e.d.ready_rc, 0);
  cr_assert_eq(e.p.rc, 0);
  cr_assert_eq(e.p.value, 3);
  /* Cancelled as it moved: its wait in the same poll saw it. */
  cr_assert(bcsc_task_cancelled(&e.d.task));
  cr_assert(e.d.scope_cancelled, "its own scope was cancelled with it");
  cr_assert(kid.saw_cancel);
  cr_assert_eq(bcsc_task_result(&e.d.task), BCSC_ECANCELED);
  cr_assert(!e.d.finished);
  cr_assert_eq(bcsc_waitq_count(&e.after), 0);
  cr_assert_eq(bcsc_waitq_count(&e.hold), 0);
  cr_assert_eq(bcsc_waitq_count(&e.gate), 0);
  cr_assert_eq(e.p.join_rc, BCSC_ECANCELED);
  env_teardown(&e);
}

Test(start, a_cancelled_child_moving_into_a_cancelled_target_stays_so) {
  env_t e;
  env_setup(&e);
  e.d.before = &e.before;
  e.d.ready_when_cancelled = 1;
  env_spawn_parent(&e);
  cr_assert_eq(bcsc_scope_cancel(&e.p.drivers), 0);
  cr_assert_eq(bcsc_task_cancel(&e.d.task), 0);
  run_all();
  cr_assert_eq(e.d.ready_rc, 0, "its caller was not cancelled: it moved");
  cr_assert_eq(e.p.rc, 0);
  cr_assert_eq(e.d.cancelled_polls, 1);
  cr_assert_eq(e.p.join_rc, BCSC_ECANCELED);
  env_teardown(&e);
}

Test(start, the_targets_cancellation_after_the_move_reaches_the_child) {
  env_t e;
  env_setup(&e);
  e.d.after = &e.after;
  env_spawn_parent(&e);
  cr_assert_eq(e.p.rc, 0);
  cr_assert_eq(e.d.cancelled_polls, 0);
  cr_assert_eq(bcsc_scope_cancel(&e.p.drivers), 0);
  run_all();
  cr_assert_eq(e.d.cancelled_polls, 1);
  cr_assert_eq(e.p.join_rc, BCSC_ECANCELED);
  env_teardown(&e);
}

/* ---- a target of another task -------------------------------------------- */

static void holder_first(env_t *e) {
  e->p.target = &e->h.scope;
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &e->h.task), 0);
  run_all();
  cr_assert_eq(bcsc_waitq_count(&e->gate), 1);
}

static void holder_teardown(env_t *e) {
  run_all();
  cr_assert(bcsc_task_done(&e->h.task));
  env_teardown(e);
}

Test(start, a_target_of_another_task_takes_the_child_and_outlives_the_caller) {
  env_t e;
  env_setup(&e);
  holder_first(&e);
  e.d.after = &e.after;
  e.d.value = 11;
  env_spawn_parent(&e);
  cr_assert_eq(e.p.rc, 0);
  cr_assert_eq(e.p.value, 11);
  cr_assert(bcsc_task_done(&e.p.task), "the caller is gone");
  cr_assert_eq(bcsc_scope_live(&e.h.scope), 1);
  cr_assert_eq(bcsc_waitq_wake_all(&e.gate, 0), 1);
  run_all();
  cr_assert(e.h.joined);
  cr_assert(!bcsc_task_done(&e.h.task), "the holder waits for the child");
  cr_assert_eq(bcsc_waitq_wake_all(&e.after, 0), 1);
  run_all();
  cr_assert(e.d.finished);
  cr_assert_eq(e.h.join_rc, 0);
  holder_teardown(&e);
}

Test(start, the_targets_join_waits_for_a_pending_start_that_then_fails) {
  env_t e;
  env_setup(&e);
  holder_first(&e);
  e.d.before = &e.before;
  e.d.returns_early = 1;
  e.d.early = BCSC_TEST_E2;
  env_spawn_parent(&e);
  cr_assert_eq(bcsc_waitq_wake_all(&e.gate, 0), 1);
  run_all();
  cr_assert(e.h.joined);
  cr_assert(!bcsc_task_done(&e.h.task), "the pending start keeps it open");
  cr_assert_eq(bcsc_waitq_wake_all(&e.before, 0), 1);
  run_all();
  cr_assert_eq(e.p.rc, BCSC_TEST_E2);
  cr_assert(bcsc_task_done(&e.h.task));
  cr_assert_eq(e.h.join_rc, 0, "the start's failure is the caller's");
  holder_teardown(&e);
}

Test(start, a_target_whose_owner_returned_cancels_the_child_as_it_moves) {
  env_t e;
  env_setup(&e);
  holder_first(&e);
  e.h.returns = 1;
  e.d.before = &e.before;
  e.d.after = &e.after;
  env_spawn_parent(&e);
  cr_assert_eq(bcsc_waitq_wake_all(&e.gate, 0), 1);
  run_all();
  cr_assert(e.h.joined);
  cr_assert(!bcsc_task_done(&e.h.task), "draining, for the pending start");
  cr_assert_eq(bcsc_waitq_wake_all(&e.before, 0), 1);
  run_all();
  cr_assert_eq(e.p.rc, 0);
  cr_assert_eq(bcsc_task_result(&e.d.task), BCSC_ECANCELED);
  cr_assert(!e.d.finished);
  cr_assert(bcsc_task_done(&e.h.task));
  holder_teardown(&e);
}

/* ---- registrations the child holds as it moves ----------------------------
 * Each registration counts in its task's scope until it is unlinked, and the
 * checked build audits the count when the scope ends (D29): the move takes
 * them along, or the start's scope would end with them counted and the
 * target's count would go below zero at their unlink. */

Test(start, registrations_held_across_the_move_count_in_the_target) {
  env_t e;
  bcsc_test_leaf_t kid;
  env_setup(&e);
  e.d.hold = &e.hold;
  e.d.after = &e.after;
  bcsc_test_leaf_init(&kid, 1);
  kid.queue = &e.gate;
  e.d.kid = &kid; /* its subtree moves with it, untouched */
  env_spawn_parent(&e);
  cr_assert_eq(e.p.rc, 0);
  cr_assert(!e.d.scope_cancelled);
  cr_assert_eq(bcsc_waitq_count(&e.gate), 1, "its child still waits");
  cr_assert_eq(bcsc_waitq_wake_all(&e.gate, 0), 1);
  cr_assert_eq(bcsc_waitq_count(&e.hold), 1);
  cr_assert_eq(bcsc_waitq_count(&e.after), 1);
  cr_assert_eq(bcsc_waitq_wake_all(&e.after, 0), 1);
  run_all();
  cr_assert_eq(bcsc_waitq_count(&e.hold), 0, "unlinked by the first wake");
  cr_assert_eq(e.p.join_rc, 0);
  env_teardown(&e);
}

/* The checked build: the move writes into the target's list, so a target
 * whose frame was overwritten (its magic) or moved (its address tag) is
 * refused. The release build does not look (its canaries are the checked
 * build's). */
static void ready_into_clobbered_target(int tag) {
  env_t e;
  uint16_t magic;
  uint32_t self_tag;
  if (!bcsc_is_checked_build())
    cr_skip_test("the canary is the checked build's");
  env_setup(&e);
  e.d.before = &e.before;
  env_spawn_parent(&e);
  magic = e.p.drivers.priv.magic;
  self_tag = e.p.drivers.priv.self_tag;
  if (tag)
    e.p.drivers.priv.self_tag = self_tag ^ 0x8u; /* another address's */
  else
    e.p.drivers.priv.magic = (uint16_t)~magic; /* overwritten */
  cr_assert_eq(bcsc_waitq_wake_all(&e.before, 0), 1);
  cr_assert_eq(bcsc_executor_poll(&g_ex, 1), 1); /* the child alone */
  e.p.drivers.priv.magic = magic;                /* repaired */
  e.p.drivers.priv.self_tag = self_tag;
  cr_assert_eq(e.d.ready_rc, BCSC_EBADOBJ);
  cr_assert_eq(g_misuse.count, 1);
  cr_assert_eq(g_misuse.last_code, BCSC_MISUSE_FRAME_CLOBBERED);
  cr_assert_eq(g_misuse.objects[0], &e.p.drivers);
  g_misuse.count = 0;
  run_all();
  cr_assert_eq(e.p.rc, BCSC_EBADOBJ, "the child failed with it");
  cr_assert_eq(e.p.join_rc, 0);
  env_teardown(&e);
}

Test(start, ready_refuses_an_overwritten_target_in_the_checked_build) {
  ready_into_clobbered_target(0);
}

Test(start, ready_refuses_a_moved_target_in_the_checked_build) {
  ready_into_clobbered_target(1);
}

/* ---- several starts into one target -------------------------------------- */

typedef struct starter {
  bcsc_task_t task; /* first */
  bcsc_co_t co;
  bcsc_scope_t drivers;
  bcsc_start_t start[3];
  driver_t d[3];
  int rc[3];
  int join_rc;
} starter_t;

static int starter_poll(bcsc_task_t *self) {
  starter_t *s = (starter_t *)(void *)self;
  BCSC_CO_BEGIN(&s->co);
  cr_assert_eq(bcsc_scope_init(&s->drivers, self, BCSC_SCOPE_WAIT_ALL), 0);
  BCSC_AWAIT(&s->co, s->rc[0],
             bcsc_scope_start(self, &s->start[0], &s->drivers, &s->d[0].task));
  BCSC_AWAIT(&s->co, s->rc[1],
             bcsc_scope_start(self, &s->start[1], &s->drivers, &s->d[1].task));
  BCSC_AWAIT(&s->co, s->rc[2],
             bcsc_scope_start(self, &s->start[2], &s->drivers, &s->d[2].task));
  BCSC_AWAIT(&s->co, s->join_rc, bcsc_scope_join(&s->drivers));
  BCSC_CO_END(&s->co);
}

Test(start, starts_into_a_target_with_children_join_its_list_in_order) {
  bcsc_waitq_t after;
  starter_t s;
  memset(&s, 0, sizeof s);
  bcsc_test_misuse_install(&g_misuse);
  cr_assert_eq(bcsc_executor_init(&g_ex, NULL), 0);
  cr_assert_eq(bcsc_waitq_init(&after), 0);
  cr_assert_eq(bcsc_task_init(&s.task, starter_poll, NULL), 0);
  for (int i = 0; i < 3; i++) {
    driver_init(&s.d[i], &s.start[i]);
    s.d[i].after = &after;
    s.d[i].value = (uintptr_t)(10 + i);
  }
  /* The third fails before it is ready, with two children in the
   * target: the target's count goes back to two. */
  s.d[2].returns_early = 1;
  s.d[2].early = BCSC_TEST_E4;
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &s.task), 0);
  run_all();
  cr_assert_eq(s.rc[0], 0);
  cr_assert_eq(s.rc[1], 0);
  cr_assert_eq(s.rc[2], BCSC_TEST_E4);
  cr_assert_eq(bcsc_start_value(&s.start[0]), 10);
  cr_assert_eq(bcsc_start_value(&s.start[1]), 11);
  cr_assert_eq(bcsc_start_value(&s.start[2]), 0);
  cr_assert_eq(bcsc_scope_live(&s.drivers), 2);
  cr_assert_eq(bcsc_waitq_count(&after), 2);
  /* Both moved children are in the target's list: its cancellation
   * reaches both. */
  cr_assert_eq(bcsc_scope_cancel(&s.drivers), 0);
  run_all();
  cr_assert(bcsc_task_cancelled(&s.d[0].task));
  cr_assert(bcsc_task_cancelled(&s.d[1].task));
  cr_assert(bcsc_task_done(&s.task));
  cr_assert_eq(s.join_rc, BCSC_ECANCELED);
  cr_assert_eq(bcsc_waitq_deinit(&after), 0);
  cr_assert_eq(bcsc_executor_deinit(&g_ex), 0);
  cr_assert_eq(g_misuse.count, 0);
  bcsc_test_misuse_uninstall();
}

/* ---- arguments ------------------------------------------------------------
 */

typedef struct checker {
  bcsc_task_t task;
  bcsc_scope_t scope;
  bcsc_scope_t closed; /* opened and joined at once */
  bcsc_start_t start;
  bcsc_task_t *child;
  bcsc_scope_t *foreign; /* open, on another executor */
  int rc[8];
} checker_t;

static int checker_poll(bcsc_task_t *self) {
  checker_t *c = (checker_t *)(void *)self;
  cr_assert_eq(bcsc_scope_init(&c->scope, self, BCSC_SCOPE_WAIT_ALL), 0);
  cr_assert_eq(bcsc_scope_init(&c->closed, self, BCSC_SCOPE_WAIT_ALL), 0);
  cr_assert_eq(bcsc_scope_join(&c->closed), 0);
  c->rc[0] = bcsc_scope_start(self, NULL, &c->scope, c->child);
  c->rc[1] = bcsc_scope_start(self, &c->start, NULL, c->child);
  c->rc[2] = bcsc_scope_start(self, &c->start, &c->closed, c->child);
  c->rc[3] = bcsc_scope_start(self, &c->start, c->foreign, c->child);
  c->rc[4] = bcsc_scope_start(self, &c->start, &c->scope, NULL);
  c->rc[5] = bcsc_scope_start(self, &c->start, &c->scope, self);
  c->rc[6] = bcsc_start_ready(self, NULL, 0);
  c->rc[7] = (int)bcsc_scope_live(&c->scope);
  return bcsc_scope_join(&c->scope);
}

static int done_poll(bcsc_task_t *self) {
  (void)self;
  return BCSC_DONE;
}

Test(start, bad_arguments_fail_and_change_nothing) {
  bcsc_executor_t other;
  bcsc_waitq_t gate;
  holder_t there;
  checker_t c;
  bcsc_task_t child, outside;
  memset(&c, 0, sizeof c);
  bcsc_test_misuse_install(&g_misuse);
  cr_assert_eq(bcsc_executor_init(&g_ex, NULL), 0);
  cr_assert_eq(bcsc_executor_init(&other, NULL), 0);
  cr_assert_eq(bcsc_waitq_init(&gate), 0);
  /* An open scope on the other executor. */
  holder_init(&there, &gate);
  cr_assert_eq(bcsc_executor_spawn(&other, &there.task), 0);
  cr_assert_geq(bcsc_executor_poll(&other, 16), 0);
  cr_assert_eq(bcsc_task_init(&c.task, checker_poll, NULL), 0);
  cr_assert_eq(bcsc_task_init(&child, done_poll, NULL), 0);
  cr_assert_eq(bcsc_task_init(&outside, done_poll, NULL), 0);
  c.child = &child;
  c.foreign = &there.scope;
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &c.task), 0);
  run_all();
  cr_assert(bcsc_task_done(&c.task));
  cr_assert_eq(c.rc[0], BCSC_EINVAL, "NULL start");
  cr_assert_eq(c.rc[1], BCSC_EINVAL, "NULL target");
  cr_assert_eq(c.rc[2], BCSC_ESTATE, "closed target");
  cr_assert_eq(c.rc[3], BCSC_EINVAL, "a target on another executor");
  cr_assert_eq(c.rc[4], BCSC_EINVAL, "NULL child");
  cr_assert_eq(c.rc[5], BCSC_EBUSY, "a live child");
  cr_assert_eq(c.rc[6], BCSC_EINVAL, "NULL start");
  cr_assert_eq(c.rc[7], 0, "nothing was reserved in the target");
  cr_assert(!bcsc_task_done(&child), "nothing was spawned");
  cr_assert_eq(bcsc_scope_live(&there.scope), 0);
  cr_assert_eq(g_misuse.count, bcsc_test_misuse_expected(7));
  if (bcsc_is_checked_build()) {
    cr_assert_eq(g_misuse.codes[0], BCSC_MISUSE_NULL_OBJECT);
    cr_assert_eq(g_misuse.codes[1], BCSC_MISUSE_NULL_OBJECT);
    cr_assert_eq(g_misuse.codes[2], BCSC_MISUSE_SCOPE_CLOSED);
    cr_assert_eq(g_misuse.codes[3], BCSC_MISUSE_BAD_ARGUMENT);
    cr_assert_eq(g_misuse.codes[4], BCSC_MISUSE_NULL_OBJECT);
    cr_assert_eq(g_misuse.codes[5], BCSC_MISUSE_DOUBLE_SPAWN);
    cr_assert_eq(g_misuse.codes[6], BCSC_MISUSE_NULL_OBJECT);
  }
  /* Called from outside any poll. */
  g_misuse.count = 0;
  cr_assert_eq(bcsc_scope_start(&outside, &c.start, &c.scope, &child),
               BCSC_EPERM);
  cr_assert_eq(bcsc_start_ready(&outside, &c.start, 0), BCSC_EPERM);
  cr_assert_eq(g_misuse.count, bcsc_test_misuse_expected(2));
  cr_assert_eq(bcsc_waitq_wake_all(&gate, 0), 1);
  cr_assert_geq(bcsc_executor_poll(&other, 16), 0);
  cr_assert(bcsc_task_done(&there.task));
  cr_assert_eq(bcsc_waitq_deinit(&gate), 0);
  cr_assert_eq(bcsc_executor_deinit(&other), 0);
  cr_assert_eq(bcsc_executor_deinit(&g_ex), 0);
  bcsc_test_misuse_uninstall();
}

Test(start, layout_and_value_accessors) {
  cr_assert_eq(bcsc_start_sizeof(), sizeof(bcsc_start_t));
  cr_assert_eq(bcsc_start_alignof(), _Alignof(bcsc_start_t));
  cr_assert_eq(bcsc_start_value(NULL), 0);
}
