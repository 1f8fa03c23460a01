/* SPDX-License-Identifier: MIT
 * test_shield.c - shielded scopes (BCSC_SCOPE_SHIELD, D80) through the
 * public API, in virtual time.
 *
 * The story is a cancelled task's cleanup that must wait: a worker is
 * cancelled while it waits for work; to stop its motor it must sleep 50 ms
 * and then send a command on a channel, neither of which a cancelled task
 * may do. It opens a shielded scope, spawns the cleanup into it and joins.
 * Each test also runs the same tree without the shield where that is what
 * tells the two apart, so that a shield that did nothing fails. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include <bcsc.h>

#include "bcsc_test.h"

#define T0 ((uint64_t)1000) /* the clock at start */
#define STOP_CMD 42u

static bcsc_executor_t g_ex;
static bcsc_sim_reactor_t g_sim;
static bcsc_waitq_t g_work; /* never fired: what workers wait for */
static bcsc_channel_t g_ch; /* the motor's command line, one slot */
static uint32_t g_ch_buf[1];

static void setup(void) {
  bcsc_executor_config_t cfg = {.size = sizeof cfg, .reactor = &g_sim.base};
  cr_assert_eq(bcsc_sim_reactor_init(&g_sim, T0), 0);
  cr_assert_eq(bcsc_executor_init(&g_ex, &cfg), 0);
  cr_assert_eq(bcsc_waitq_init(&g_work), 0);
  cr_assert_eq(
      bcsc_channel_init(&g_ch, g_ch_buf, sizeof g_ch_buf, sizeof g_ch_buf[0]),
      0);
}

static void teardown(void) {
  cr_assert_eq(bcsc_channel_deinit(&g_ch), 0);
  cr_assert_eq(bcsc_waitq_deinit(&g_work), 0);
  cr_assert_eq(bcsc_executor_deinit(&g_ex), 0);
}

static uint64_t now(void) { return bcsc_executor_now(&g_ex); }

/* ---- a child that sleeps, then may send or fail ---------------------------
 */

typedef struct sleeper {
  bcsc_task_t task;
  bcsc_timer_t timer;
  bcsc_wait_t wait;
  uint64_t ns;
  int send; /* send STOP_CMD once the sleep is over */
  int fail; /* return BCSC_TEST_E1 once the sleep is over */
  int slept;
  /* observations */
  uint32_t polls;
  int cancelled_first; /* cancelled at its first poll */
  int cancelled_last;  /* cancelled when it returned */
  int rc;
  int done;
  uint64_t ended_at;
} sleeper_t;

static int sleeper_end(sleeper_t *s, int rc) {
  s->rc = rc;
  s->done = 1;
  s->ended_at = now();
  s->cancelled_last = bcsc_task_cancelled(&s->task);
  return rc;
}

static int sleeper_poll(bcsc_task_t *self) {
  sleeper_t *s = (sleeper_t *)self;
  int rc;
  if (s->polls++ == 0)
    s->cancelled_first = bcsc_task_cancelled(self);
  if (!s->slept) {
    rc = bcsc_sleep_for(self, &s->timer, s->ns);
    if (rc == BCSC_PENDING)
      return rc;
    if (rc != 0)
      return sleeper_end(s, rc);
    s->slept = 1;
  }
  if (s->send) {
    uint32_t cmd = STOP_CMD;
    rc = bcsc_channel_send(self, &g_ch, &s->wait, &cmd, sizeof cmd);
    if (rc == BCSC_PENDING)
      return rc;
    if (rc != 0)
      return sleeper_end(s, rc);
  }
  return sleeper_end(s, s->fail ? BCSC_TEST_E1 : 0);
}

static void sleeper_init(sleeper_t *s, uint64_t ns) {
  memset(s, 0, sizeof *s);
  cr_assert_eq(bcsc_task_init(&s->task, sleeper_poll, NULL), 0);
  cr_assert_eq(bcsc_timer_init(&s->timer), 0);
  cr_assert_eq(bcsc_wait_init(&s->wait), 0);
  s->ns = ns;
}

/* ---- a worker whose cleanup runs in a scope once it is cancelled ----------
 */

typedef struct worker {
  bcsc_task_t task;
  bcsc_wait_t wait;
  bcsc_scope_t scope;
  sleeper_t cleanup;
  uint32_t options; /* OR-ed into the cleanup scope's policy */
  uint64_t
      deadline_in; /* the cleanup scope's deadline after opening; 0: none */
  uint32_t deadline_kind;
  int stage;
  /* observations */
  int scope_cancelled; /* bcsc_scope_cancelled() just after opening */
  int join_rc;
  int rc;
  int done;
} worker_t;

static int worker_poll(bcsc_task_t *self) {
  worker_t *w = (worker_t *)self;
  int rc;
  switch (w->stage) {
  case 0:
    rc = bcsc_wait_on(self, &w->wait, &g_work);
    if (rc != BCSC_ECANCELED)
      return rc == 0 ? BCSC_EINVAL : rc; /* g_work never fires */
    /* Cancelled: the motor must be stopped before this task may end. */
    cr_assert_eq(
        bcsc_scope_init(&w->scope, self, BCSC_SCOPE_FAIL_FAST | w->options), 0);
    w->scope_cancelled = bcsc_scope_cancelled(&w->scope);
    if (w->deadline_in != 0)
      cr_assert_eq(bcsc_scope_set_deadline(&w->scope, now() + w->deadline_in,
                                           w->deadline_kind),
                   0);
    cr_assert_eq(bcsc_scope_spawn(&w->scope, &w->cleanup.task), 0);
    w->stage = 1;
    /* fall through */
  default:
    rc = bcsc_scope_join(&w->scope);
    if (rc == BCSC_PENDING)
      return rc;
    w->join_rc = rc;
    w->rc = BCSC_ECANCELED;
    w->done = 1;
    return w->rc;
  }
}

static void worker_init(worker_t *w, uint32_t options, uint64_t cleanup_ns) {
  memset(w, 0, sizeof *w);
  cr_assert_eq(bcsc_task_init(&w->task, worker_poll, NULL), 0);
  cr_assert_eq(bcsc_wait_init(&w->wait), 0);
  sleeper_init(&w->cleanup, cleanup_ns);
  w->cleanup.send = 1;
  w->options = options;
}

/* ---- a task that cancels a task or a scope at a given time ----------------
 */

typedef struct canceller {
  bcsc_task_t task;
  bcsc_timer_t timer;
  uint64_t at;
  bcsc_task_t *target_task;
  bcsc_scope_t *target_scope;
  int shield;    /* set target_scope's shield instead (shielder_start()) */
  int shield_on; /* ... to this */
  int scope_was_cancelled; /* target_scope's state when it acted */
  int rc;
} canceller_t;

static int canceller_poll(bcsc_task_t *self) {
  canceller_t *c = (canceller_t *)self;
  int rc = bcsc_sleep_until(self, &c->timer, c->at);
  if (rc != 0)
    return rc;
  c->scope_was_cancelled = bcsc_scope_cancelled(c->target_scope);
  if (c->shield)
    c->rc = bcsc_scope_set_shield(c->target_scope, c->shield_on);
  else
    c->rc = c->target_task != NULL ? bcsc_task_cancel(c->target_task)
                                   : bcsc_scope_cancel(c->target_scope);
  return 0;
}

static void canceller_start(canceller_t *c, uint64_t at, bcsc_task_t *task,
                            bcsc_scope_t *scope) {
  memset(c, 0, sizeof *c);
  cr_assert_eq(bcsc_task_init(&c->task, canceller_poll, NULL), 0);
  cr_assert_eq(bcsc_timer_init(&c->timer), 0);
  c->at = at;
  c->target_task = task;
  c->target_scope = scope;
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &c->task), 0);
}

/* A task that sets `scope`'s shield to `on` at `at` (bcsc_scope_set_shield(),
 * D83). */
static void shielder_start(canceller_t *c, uint64_t at, bcsc_scope_t *scope,
                           int on) {
  canceller_start(c, at, NULL, scope);
  c->shield = 1;
  c->shield_on = on;
}

/* ---- a task with up to two scopes, joined innermost first -----------------
 */

#define HOLDER_KIDS 3

typedef struct holder {
  bcsc_task_t task;
  bcsc_scope_t scope[2]; /* [0] opened first: the outer one */
  uint32_t policy[2];    /* each scope's, options included */
  bcsc_task_t *kids[2][HOLDER_KIDS];
  uint32_t nscopes;
  /* A drain grace for scope[0], when `grace_ns` is not 0. */
  bcsc_drain_grace_t grace;
  uint64_t grace_ns;
  bcsc_stuck_fn report;
  void *report_context;
  uint64_t deadline_at[2]; /* each scope's deadline (MOVE_ON); 0: none */
  int return_early;        /* return 0 at once, leaving the scopes open */
  int stage;
  /* observations */
  int join_rc[2];
  uint64_t joined_at[2];
  int rc;
  int done;
} holder_t;

static int holder_poll(bcsc_task_t *self) {
  holder_t *h = (holder_t *)self;
  int rc;
  if (h->stage == 0) {
    for (uint32_t i = 0; i < h->nscopes; i++) {
      cr_assert_eq(bcsc_scope_init(&h->scope[i], self, h->policy[i]), 0);
      for (uint32_t k = 0; k < HOLDER_KIDS && h->kids[i][k] != NULL; k++)
        cr_assert_eq(bcsc_scope_spawn(&h->scope[i], h->kids[i][k]), 0);
    }
    for (uint32_t i = 0; i < h->nscopes; i++)
      if (h->deadline_at[i] != 0)
        cr_assert_eq(bcsc_scope_set_deadline(&h->scope[i], h->deadline_at[i],
                                             BCSC_DEADLINE_MOVE_ON),
                     0);
    if (h->grace_ns != 0) {
      cr_assert_eq(bcsc_drain_grace_init(&h->grace), 0);
      cr_assert_eq(bcsc_scope_set_drain_grace(&h->scope[0], &h->grace,
                                              h->grace_ns, h->report,
                                              h->report_context),
                   0);
    }
    h->stage = 1;
    if (h->return_early) {
      h->done = 1;
      return 0; /* bcsc cancels and drains the scopes left open */
    }
  }
  /* Innermost first (LIFO). */
  while (h->stage <= (int)h->nscopes) {
    uint32_t i = h->nscopes - (uint32_t)h->stage;
    rc = bcsc_scope_join(&h->scope[i]);
    if (rc == BCSC_PENDING)
      return rc;
    h->join_rc[i] = rc;
    h->joined_at[i] = now();
    h->stage++;
  }
  h->rc = bcsc_task_cancelled(self) ? BCSC_ECANCELED : 0;
  h->done = 1;
  return h->rc;
}

static void holder_init(holder_t *h, uint32_t nscopes) {
  memset(h, 0, sizeof *h);
  cr_assert_eq(bcsc_task_init(&h->task, holder_poll, NULL), 0);
  h->nscopes = nscopes;
  h->policy[0] = h->policy[1] = BCSC_SCOPE_WAIT_ALL;
}

/* Reports of a drain grace: which tasks were stuck, and when. */
typedef struct stuck_log {
  uint32_t n;
  bcsc_task_t *tasks[8];
  uint64_t at;
} stuck_log_t;

static void stuck_record(void *context, bcsc_scope_t *scope,
                         bcsc_task_t *child) {
  stuck_log_t *log = context;
  (void)scope;
  cr_assert_lt(log->n, 8);
  log->tasks[log->n++] = child;
  log->at = now();
}

static int stuck_has(const stuck_log_t *log, const bcsc_task_t *t) {
  for (uint32_t i = 0; i < log->n; i++)
    if (log->tasks[i] == t)
      return 1;
  return 0;
}

static void run_all(void) { cr_assert_eq(bcsc_executor_run(&g_ex, NULL), 0); }

/* ---- a cancelled task's cleanup -------------------------------------------
 */

TestSuite(shield, .init = setup, .fini = teardown);

Test(shield, a_cancelled_task_runs_cleanup_that_sleeps_and_sends) {
  worker_t w;
  canceller_t c;
  uint32_t cmd = 0;
  worker_init(&w, BCSC_SCOPE_SHIELD, 50 * BCSC_MSEC);
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &w.task), 0);
  canceller_start(&c, T0 + 10 * BCSC_MSEC, &w.task, NULL);
  run_all();

  cr_assert_eq(c.rc, 0);
  cr_assert(w.done);
  cr_assert_eq(w.scope_cancelled, 0, "a shielded scope starts uncancelled");
  cr_assert_eq(w.cleanup.cancelled_first, 0);
  cr_assert_eq(w.cleanup.cancelled_last, 0);
  cr_assert_eq(w.cleanup.rc, 0, "cleanup: %s", bcsc_err_name(w.cleanup.rc));
  cr_assert_eq(w.cleanup.ended_at, T0 + 60 * BCSC_MSEC,
               "the whole 50 ms sleep after the cancel at 10 ms");
  cr_assert_eq(w.join_rc, 0);
  cr_assert_eq(w.rc, BCSC_ECANCELED);
  cr_assert(bcsc_task_cancelled(&w.task), "the owner itself stays cancelled");
  cr_assert_eq(bcsc_channel_try_recv(&g_ch, &cmd, sizeof cmd), 0);
  cr_assert_eq(cmd, STOP_CMD);
}

Test(shield, without_the_shield_the_cleanup_is_cancelled_at_once) {
  worker_t w;
  canceller_t c;
  uint32_t cmd = 0;
  worker_init(&w, 0, 50 * BCSC_MSEC);
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &w.task), 0);
  canceller_start(&c, T0 + 10 * BCSC_MSEC, &w.task, NULL);
  run_all();

  cr_assert(w.done);
  cr_assert_eq(w.scope_cancelled, 1);
  cr_assert_eq(w.cleanup.cancelled_first, 1);
  cr_assert_eq(w.cleanup.rc, BCSC_ECANCELED);
  cr_assert_eq(w.cleanup.ended_at, T0 + 10 * BCSC_MSEC);
  cr_assert_eq(w.join_rc, BCSC_ECANCELED);
  cr_assert_neq(bcsc_channel_try_recv(&g_ch, &cmd, sizeof cmd), 0,
                "nothing was sent");
}

Test(shield, its_own_deadline_bounds_the_cleanup) {
  static const uint32_t kinds[] = {BCSC_DEADLINE_MOVE_ON, BCSC_DEADLINE_FAIL};
  for (int i = 0; i < 2; i++) {
    worker_t w;
    canceller_t c;
    uint32_t cmd = 0;
    if (i > 0) {
      teardown();
      setup();
    }
    worker_init(&w, BCSC_SCOPE_SHIELD, BCSC_SEC); /* a motor that never acks */
    w.deadline_in = 50 * BCSC_MSEC;
    w.deadline_kind = kinds[i];
    cr_assert_eq(bcsc_executor_spawn(&g_ex, &w.task), 0);
    canceller_start(&c, T0 + 10 * BCSC_MSEC, &w.task, NULL);
    run_all();

    cr_assert(w.done);
    cr_assert_eq(w.cleanup.cancelled_first, 0);
    cr_assert_eq(w.cleanup.cancelled_last, 1, "the deadline cancelled it");
    cr_assert_eq(w.cleanup.rc, BCSC_ECANCELED);
    cr_assert_eq(w.cleanup.ended_at, T0 + 60 * BCSC_MSEC);
    cr_assert_eq(w.join_rc, i == 0 ? 0 : BCSC_ETIMEDOUT, "%s",
                 bcsc_err_name(w.join_rc));
    cr_assert_neq(bcsc_channel_try_recv(&g_ch, &cmd, sizeof cmd), 0);
  }
}

/* ---- where a cancellation stops -------------------------------------------
 */

/* R owns scope A with children X, Y and Z (in that order); Y owns an
 * unshielded scope with child Y1 and a shielded one with child Y2, opened
 * in the order `shield_outer` says. A is cancelled at 10 ms: the walk must
 * cancel X, Y, Y1 and Z - climbing back out of Y's unshielded scope past
 * its shielded one - and leave Y2 alone. */
typedef struct tree {
  holder_t r, y;
  sleeper_t x, z, y1, y2;
  canceller_t c;
} tree_t;

static void tree_build(tree_t *t, int shield_outer, uint32_t shield) {
  uint32_t plain = shield_outer ? 1 : 0;
  uint32_t shielded = shield_outer ? 0 : 1;
  holder_init(&t->r, 1);
  holder_init(&t->y, 2);
  sleeper_init(&t->x, BCSC_SEC);
  sleeper_init(&t->z, BCSC_SEC);
  sleeper_init(&t->y1, BCSC_SEC);
  sleeper_init(&t->y2, 100 * BCSC_MSEC);
  t->r.kids[0][0] = &t->x.task;
  t->r.kids[0][1] = &t->y.task;
  t->r.kids[0][2] = &t->z.task;
  t->y.kids[plain][0] = &t->y1.task;
  t->y.kids[shielded][0] = &t->y2.task;
  t->y.policy[shielded] = BCSC_SCOPE_WAIT_ALL | shield;
}

/* Spawn R, and a canceller of A at 10 ms unless `task` or neither. */
static void tree_start(tree_t *t, bcsc_task_t *task, int cancel) {
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &t->r.task), 0);
  if (cancel)
    canceller_start(&t->c, T0 + 10 * BCSC_MSEC, task,
                    task == NULL ? &t->r.scope[0] : NULL);
}

static void tree_check_cancelled_around(const tree_t *t) {
  const sleeper_t *gone[] = {&t->x, &t->z, &t->y1};
  for (int i = 0; i < 3; i++) {
    cr_assert_eq(gone[i]->rc, BCSC_ECANCELED, "child %d: %s", i,
                 bcsc_err_name(gone[i]->rc));
    cr_assert_eq(gone[i]->ended_at, T0 + 10 * BCSC_MSEC, "child %d", i);
  }
  cr_assert(bcsc_task_cancelled(&t->y.task));
}

Test(shield, a_scope_cancel_stops_at_the_shield_and_reaches_everything_else) {
  for (int shield_outer = 0; shield_outer < 2; shield_outer++) {
    tree_t t;
    uint32_t plain = shield_outer ? 1 : 0;
    uint32_t shielded = shield_outer ? 0 : 1;
    if (shield_outer) {
      teardown();
      setup();
    }
    tree_build(&t, shield_outer, BCSC_SCOPE_SHIELD);
    tree_start(&t, NULL, 1);
    run_all();

    cr_assert_eq(t.c.rc, 0);
    tree_check_cancelled_around(&t);
    cr_assert_eq(t.y2.cancelled_last, 0, "shield outer %d", shield_outer);
    cr_assert_eq(t.y2.rc, 0);
    cr_assert_eq(t.y2.ended_at, T0 + 100 * BCSC_MSEC);
    cr_assert_eq(t.y.join_rc[shielded], 0);
    cr_assert_eq(t.y.joined_at[shielded], T0 + 100 * BCSC_MSEC);
    cr_assert_eq(t.y.join_rc[plain], BCSC_ECANCELED);
    cr_assert_eq(t.y.rc, BCSC_ECANCELED);
    cr_assert_eq(t.r.join_rc[0], BCSC_ECANCELED);
    cr_assert_eq(t.r.joined_at[0], T0 + 100 * BCSC_MSEC,
                 "A waits for the shielded child");
  }
}

Test(shield, the_same_tree_unshielded_is_cancelled_whole) {
  tree_t t;
  tree_build(&t, 1, 0);
  tree_start(&t, NULL, 1);
  run_all();
  tree_check_cancelled_around(&t);
  cr_assert_eq(t.y2.rc, BCSC_ECANCELED);
  cr_assert_eq(t.y2.ended_at, T0 + 10 * BCSC_MSEC);
  cr_assert_eq(t.r.joined_at[0], T0 + 10 * BCSC_MSEC);
}

Test(shield, a_task_cancel_of_the_owner_stops_at_the_shield) {
  /* Y is cancelled as a task (not through A): bcsc_task_cancel()'s own
   * loop over Y's scopes. */
  tree_t t;
  tree_build(&t, 1, BCSC_SCOPE_SHIELD);
  tree_start(&t, &t.y.task, 1);
  run_all();
  cr_assert_eq(t.c.rc, 0);
  cr_assert_eq(t.x.rc, 0, "A was not cancelled: X slept its second");
  cr_assert_eq(t.z.rc, 0);
  cr_assert_eq(t.y1.rc, BCSC_ECANCELED);
  cr_assert_eq(t.y1.ended_at, T0 + 10 * BCSC_MSEC);
  cr_assert_eq(t.y2.rc, 0);
  cr_assert_eq(t.y2.cancelled_last, 0);
  cr_assert_eq(t.y2.ended_at, T0 + 100 * BCSC_MSEC);
  cr_assert_eq(t.r.join_rc[0], 0,
               "Y's ECANCELED after its cancel is no "
               "failure");
}

Test(shield, an_outer_deadline_stops_at_the_shield) {
  /* A's deadline is a cancellation from outside Y's shielded scope. */
  tree_t t;
  tree_build(&t, 0, BCSC_SCOPE_SHIELD);
  t.r.deadline_at[0] = T0 + 10 * BCSC_MSEC;
  tree_start(&t, NULL, 0);
  run_all();
  tree_check_cancelled_around(&t);
  cr_assert_eq(t.y2.rc, 0);
  cr_assert_eq(t.y2.cancelled_last, 0);
  cr_assert_eq(t.y2.ended_at, T0 + 100 * BCSC_MSEC);
  cr_assert_eq(t.r.join_rc[0], 0, "MOVE_ON: %s", bcsc_err_name(t.r.join_rc[0]));
  cr_assert_eq(t.r.joined_at[0], T0 + 100 * BCSC_MSEC);
}

Test(shield, a_shielded_scopes_deadline_is_its_own_not_an_outer_one) {
  /* bcsc_scope_deadline() is "the deadline that will cancel the scope":
   * A's deadline (10 ms) reaches Y's plain scope, not its shielded one,
   * whose own (30 ms) is the one that acts. Found while modelling shields
   * in the fuzzer: the lookup walked up the chain past the shield. */
  for (int shield = 0; shield < 2; shield++) {
    tree_t t;
    if (shield) {
      teardown();
      setup();
    }
    tree_build(&t, 0, shield ? BCSC_SCOPE_SHIELD : 0);
    t.r.deadline_at[0] = T0 + 10 * BCSC_MSEC;
    t.y.deadline_at[1] = T0 + 30 * BCSC_MSEC;
    tree_start(&t, NULL, 0);
    /* R opens A and spawns X, Y, Z; Y opens its two scopes. */
    cr_assert_eq(bcsc_executor_poll(&g_ex, 3), 3);
    cr_assert_eq(t.y.stage, 1);
    cr_assert_eq(bcsc_scope_deadline(&t.r.scope[0]), T0 + 10 * BCSC_MSEC);
    cr_assert_eq(bcsc_scope_deadline(&t.y.scope[0]), T0 + 10 * BCSC_MSEC);
    cr_assert_eq(bcsc_scope_deadline(&t.y.scope[1]),
                 T0 + (shield ? 30 : 10) * BCSC_MSEC, "shield %d", shield);
    run_all();
    cr_assert_eq(t.y2.rc, BCSC_ECANCELED);
    cr_assert_eq(t.y2.ended_at, T0 + (shield ? 30 : 10) * BCSC_MSEC,
                 "the deadline it reported is the one that acted");
  }
}

Test(shield, the_shielded_scopes_own_deadline_still_acts) {
  /* Y's shielded scope (outer, index 0) ends at 30 ms, inside A's 10 ms
   * cancellation that stopped at it. */
  tree_t t;
  tree_build(&t, 1, BCSC_SCOPE_SHIELD);
  t.y.deadline_at[0] = T0 + 30 * BCSC_MSEC;
  tree_start(&t, NULL, 1);
  run_all();
  tree_check_cancelled_around(&t);
  cr_assert_eq(t.y2.cancelled_first, 0);
  cr_assert_eq(t.y2.cancelled_last, 1);
  cr_assert_eq(t.y2.rc, BCSC_ECANCELED);
  cr_assert_eq(t.y2.ended_at, T0 + 30 * BCSC_MSEC);
  cr_assert_eq(t.y.join_rc[0], 0, "MOVE_ON");
}

Test(shield, an_outer_drain_grace_reports_the_task_behind_the_shield) {
  /* Stuck from A's point of view: Y (joining) and Y2 (sleeping until
   * 100 ms) are live when A's 20 ms grace after its 10 ms cancel ends. */
  tree_t t;
  stuck_log_t log = {0};
  tree_build(&t, 0, BCSC_SCOPE_SHIELD);
  t.r.grace_ns = 20 * BCSC_MSEC;
  t.r.report = stuck_record;
  t.r.report_context = &log;
  tree_start(&t, NULL, 1);
  run_all();
  cr_assert_eq(log.n, 2);
  cr_assert(stuck_has(&log, &t.y.task));
  cr_assert(stuck_has(&log, &t.y2.task));
  cr_assert_eq(log.at, T0 + 30 * BCSC_MSEC);
  cr_assert_eq(t.y2.rc, 0);
}

Test(shield, an_explicit_cancel_of_the_shielded_scope_reaches_its_children) {
  tree_t t;
  tree_build(&t, 1, BCSC_SCOPE_SHIELD);
  tree_start(&t, NULL, 0);
  canceller_start(&t.c, T0 + 10 * BCSC_MSEC, NULL, &t.y.scope[0]);
  run_all();
  cr_assert_eq(t.c.rc, 0);
  cr_assert_eq(t.y2.rc, BCSC_ECANCELED);
  cr_assert_eq(t.y2.ended_at, T0 + 10 * BCSC_MSEC);
  cr_assert_eq(t.y.join_rc[0], BCSC_ECANCELED);
  cr_assert_eq(t.y1.rc, 0, "the other scope was not cancelled");
  cr_assert_eq(t.x.rc, 0);
}

Test(shield, its_policy_still_cancels_the_siblings_of_a_failure) {
  /* FAIL_FAST inside the shield: Y2 fails at 100 ms, its sibling Y3 (1 s)
   * is cancelled then. */
  tree_t t;
  sleeper_t y3;
  tree_build(&t, 1, BCSC_SCOPE_SHIELD);
  sleeper_init(&y3, BCSC_SEC);
  t.y2.fail = 1;
  t.y.kids[0][1] = &y3.task;
  t.y.policy[0] = BCSC_SCOPE_SHIELD | BCSC_SCOPE_FAIL_FAST;
  tree_start(&t, NULL, 1);
  run_all();
  cr_assert_eq(t.y2.rc, BCSC_TEST_E1);
  cr_assert_eq(y3.cancelled_first, 0);
  cr_assert_eq(y3.rc, BCSC_ECANCELED);
  cr_assert_eq(y3.ended_at, T0 + 100 * BCSC_MSEC);
  cr_assert_eq(t.y.join_rc[0], BCSC_TEST_E1);
}

Test(shield, an_owner_returning_with_its_shielded_scope_open_cancels_it) {
  /* The scope's own end: its owner returned. */
  holder_t h;
  sleeper_t k;
  holder_init(&h, 1);
  sleeper_init(&k, BCSC_SEC);
  h.kids[0][0] = &k.task;
  h.policy[0] = BCSC_SCOPE_SHIELD;
  h.return_early = 1;
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &h.task), 0);
  run_all();
  cr_assert_eq(k.cancelled_first, 1);
  cr_assert_eq(k.rc, BCSC_ECANCELED);
  cr_assert_eq(k.ended_at, T0);
  cr_assert(bcsc_task_done(&h.task));
}

/* ---- bad options ------------------------------------------------------------
 */

typedef struct opener {
  bcsc_task_t task;
  bcsc_scope_t scope;
  uint32_t policy;
  int rc;
} opener_t;

static int opener_poll(bcsc_task_t *self) {
  opener_t *o = (opener_t *)self;
  o->rc = bcsc_scope_init(&o->scope, self, o->policy);
  if (o->rc == 0)
    return bcsc_scope_join(&o->scope);
  return 0;
}

Test(shield, unknown_option_bits_are_refused) {
  static const uint32_t bad[] = {0x200, 0x80, BCSC_SCOPE_SHIELD | 3,
                                 BCSC_SCOPE_SHIELD | 0x10000, 0x80000000u};
  static const uint32_t good[] = {BCSC_SCOPE_SHIELD | BCSC_SCOPE_FAIL_FAST,
                                  BCSC_SCOPE_SHIELD | BCSC_SCOPE_WAIT_ALL,
                                  BCSC_SCOPE_SHIELD | BCSC_SCOPE_RACE};
  bcsc_test_misuse_t rec;
  bcsc_test_misuse_install(&rec);
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    opener_t o;
    cr_assert_eq(bcsc_task_init(&o.task, opener_poll, NULL), 0);
    o.policy = bad[i];
    cr_assert_eq(bcsc_executor_run(&g_ex, &o.task), 0);
    cr_assert_eq(o.rc, BCSC_EINVAL, "policy %#x: %s", bad[i],
                 bcsc_err_name(o.rc));
  }
  cr_assert_eq(rec.count, bcsc_test_misuse_expected(5));
  cr_assert_eq(bcsc_test_misuse_count_code(&rec, BCSC_MISUSE_BAD_ARGUMENT),
               bcsc_test_misuse_expected(5));
  for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
    opener_t o;
    cr_assert_eq(bcsc_task_init(&o.task, opener_poll, NULL), 0);
    o.policy = good[i];
    cr_assert_eq(bcsc_executor_run(&g_ex, &o.task), 0);
    cr_assert_eq(o.rc, 0, "policy %#x", good[i]);
  }
  bcsc_test_misuse_uninstall();
}

/* ---- starts into a shield (D83) ---------------------------------------------
 *
 * bcsc_scope_start() runs the child in a scope of the caller's until it
 * says ready (D56), as Trio's nursery.start() runs it in the caller's
 * context. A caller that starts into its own shielded scope does so from
 * inside the shield: the child is behind it before it is ready too. A
 * caller outside the shield is not: its cancellation reaches the child
 * until it has moved, and not after. */

/* The started child: sleeps `ready_ns`, says ready with `value`, sleeps
 * `after_ns` and returns 0. */
typedef struct readier {
  bcsc_task_t task;
  bcsc_timer_t timer[2];
  bcsc_start_t *start;
  uint64_t ready_ns, after_ns;
  uintptr_t value;
  int stage;
  /* observations */
  int cancelled_first;
  int cancelled_last;
  int ready_rc;
  uint64_t ready_at;
  int rc;
  int done;
  uint64_t ended_at;
} readier_t;

static int readier_end(readier_t *r, int rc) {
  r->rc = rc;
  r->done = 1;
  r->ended_at = now();
  r->cancelled_last = bcsc_task_cancelled(&r->task);
  return rc;
}

static int readier_poll(bcsc_task_t *self) {
  readier_t *r = (readier_t *)self;
  int rc;
  if (r->stage == 0) {
    r->cancelled_first = bcsc_task_cancelled(self);
    r->stage = 1;
  }
  if (r->stage == 1) {
    rc = bcsc_sleep_for(self, &r->timer[0], r->ready_ns);
    if (rc == BCSC_PENDING)
      return rc;
    if (rc != 0)
      return readier_end(r, rc);
    r->ready_rc = bcsc_start_ready(self, r->start, r->value);
    r->ready_at = now();
    if (r->ready_rc != 0)
      return readier_end(r, r->ready_rc);
    r->stage = 2;
  }
  rc = bcsc_sleep_for(self, &r->timer[1], r->after_ns);
  if (rc == BCSC_PENDING)
    return rc;
  return readier_end(r, rc);
}

static void readier_init(readier_t *r, bcsc_start_t *start, uint64_t ready_ns,
                         uint64_t after_ns) {
  memset(r, 0, sizeof *r);
  cr_assert_eq(bcsc_task_init(&r->task, readier_poll, NULL), 0);
  cr_assert_eq(bcsc_timer_init(&r->timer[0]), 0);
  cr_assert_eq(bcsc_timer_init(&r->timer[1]), 0);
  r->start = start;
  r->ready_ns = ready_ns;
  r->after_ns = after_ns;
  r->value = 7;
}

/* The caller: waits for work until cancelled first if `wait_first`; starts
 * `child` into `target`, or into a scope of its own opened with `options`
 * when `target` is NULL; then, if `wait_after`, waits for work until
 * cancelled; then joins its own scope, if any. */
typedef struct starter {
  bcsc_task_t task;
  bcsc_wait_t wait;
  bcsc_start_t start;
  bcsc_scope_t scope;
  bcsc_scope_t *target;
  uint32_t options;
  int wait_first, wait_after;
  uint64_t deadline_in; /* its own scope's deadline after opening; 0: none */
  int cancel_first;     /* cancel its own scope before the start */
  readier_t child;
  int stage;
  int own;
  /* observations */
  int scope_cancelled; /* its own scope's, right after opening */
  int start_rc;
  uint64_t started_at;
  uintptr_t value;
  int join_rc;
  int rc;
  int done;
} starter_t;

static int starter_poll(bcsc_task_t *self) {
  starter_t *s = (starter_t *)self;
  int rc;
  switch (s->stage) {
  case 0:
    if (s->wait_first) {
      rc = bcsc_wait_on(self, &s->wait, &g_work);
      if (rc != BCSC_ECANCELED)
        return rc == 0 ? BCSC_EINVAL : rc; /* g_work never fires */
    }
    if (s->target == NULL) {
      cr_assert_eq(
          bcsc_scope_init(&s->scope, self, BCSC_SCOPE_WAIT_ALL | s->options),
          0);
      s->own = 1;
      s->target = &s->scope;
      s->scope_cancelled = bcsc_scope_cancelled(&s->scope);
      if (s->deadline_in != 0)
        cr_assert_eq(bcsc_scope_set_deadline(&s->scope, now() + s->deadline_in,
                                             BCSC_DEADLINE_MOVE_ON),
                     0);
      if (s->cancel_first)
        cr_assert_eq(bcsc_scope_cancel(&s->scope), 0);
    }
    s->stage = 1;
    /* fall through */
  case 1:
    rc = bcsc_scope_start(self, &s->start, s->target, &s->child.task);
    if (rc == BCSC_PENDING)
      return rc;
    s->start_rc = rc;
    s->started_at = now();
    s->value = bcsc_start_value(&s->start);
    s->stage = 2;
    /* fall through */
  case 2:
    if (s->wait_after) {
      rc = bcsc_wait_on(self, &s->wait, &g_work);
      if (rc == BCSC_PENDING)
        return rc;
    }
    s->stage = 3;
    /* fall through */
  default:
    if (s->own) {
      rc = bcsc_scope_join(&s->scope);
      if (rc == BCSC_PENDING)
        return rc;
      s->join_rc = rc;
    }
    s->rc = bcsc_task_cancelled(self) ? BCSC_ECANCELED : 0;
    s->done = 1;
    return s->rc;
  }
}

static void starter_init(starter_t *s, bcsc_scope_t *target, uint32_t options,
                         uint64_t ready_ns, uint64_t after_ns) {
  memset(s, 0, sizeof *s);
  cr_assert_eq(bcsc_task_init(&s->task, starter_poll, NULL), 0);
  cr_assert_eq(bcsc_wait_init(&s->wait), 0);
  s->target = target;
  s->options = options;
  readier_init(&s->child, &s->start, ready_ns, after_ns);
}

Test(shield, a_cancelled_task_starts_a_child_into_its_own_shielded_scope) {
  /* Cleanup that needs a readiness handshake: cancelled at 10 ms, the
   * caller opens a scope and starts the child into it; ready at 30 ms, the
   * child runs on to 50 ms. Unshielded, the child is cancelled at once. */
  for (int shield = 0; shield < 2; shield++) {
    starter_t s;
    canceller_t c;
    if (shield) {
      teardown();
      setup();
    }
    starter_init(&s, NULL, shield ? BCSC_SCOPE_SHIELD : 0, 20 * BCSC_MSEC,
                 20 * BCSC_MSEC);
    s.wait_first = 1;
    cr_assert_eq(bcsc_executor_spawn(&g_ex, &s.task), 0);
    canceller_start(&c, T0 + 10 * BCSC_MSEC, &s.task, NULL);
    run_all();

    cr_assert(s.done);
    cr_assert(s.child.done);
    cr_assert_eq(s.scope_cancelled, !shield);
    cr_assert_eq(s.child.cancelled_first, !shield, "shield %d", shield);
    if (shield) {
      cr_assert_eq(s.start_rc, 0, "%s", bcsc_err_name(s.start_rc));
      cr_assert_eq(s.value, 7);
      cr_assert_eq(s.started_at, T0 + 30 * BCSC_MSEC);
      cr_assert_eq(s.child.ready_rc, 0);
      cr_assert_eq(s.child.rc, 0);
      cr_assert_eq(s.child.cancelled_last, 0);
      cr_assert_eq(s.child.ended_at, T0 + 50 * BCSC_MSEC);
      cr_assert_eq(s.join_rc, 0);
    } else {
      cr_assert_eq(s.start_rc, BCSC_ECANCELED);
      cr_assert_eq(s.child.rc, BCSC_ECANCELED);
      cr_assert_eq(s.child.ended_at, T0 + 10 * BCSC_MSEC);
      cr_assert_eq(s.join_rc, BCSC_ECANCELED);
    }
    cr_assert_eq(s.rc, BCSC_ECANCELED, "the caller stays cancelled");
  }
}

Test(shield, the_owners_cancellation_stops_at_the_shield_before_ready) {
  /* The caller owns the shielded target and is not cancelled when it
   * starts; it is cancelled at 10 ms while the child is still waiting to
   * be ready (20 ms): from outside the shield, as its task (i = 0) or
   * through the scope it lives in (i = 1). */
  for (int i = 0; i < 4; i++) {
    int shield = i & 1, through_scope = i >> 1;
    holder_t r;
    starter_t s;
    canceller_t c;
    if (i > 0) {
      teardown();
      setup();
    }
    holder_init(&r, 1);
    starter_init(&s, NULL, shield ? BCSC_SCOPE_SHIELD : 0, 20 * BCSC_MSEC,
                 20 * BCSC_MSEC);
    r.kids[0][0] = &s.task;
    cr_assert_eq(bcsc_executor_spawn(&g_ex, &r.task), 0);
    canceller_start(&c, T0 + 10 * BCSC_MSEC, through_scope ? NULL : &s.task,
                    through_scope ? &r.scope[0] : NULL);
    run_all();

    cr_assert_eq(c.rc, 0);
    cr_assert(s.done);
    cr_assert_eq(s.scope_cancelled, 0);
    cr_assert_eq(s.child.cancelled_first, 0);
    if (shield) {
      cr_assert_eq(s.start_rc, 0, "i %d: %s", i, bcsc_err_name(s.start_rc));
      cr_assert_eq(s.started_at, T0 + 20 * BCSC_MSEC);
      cr_assert_eq(s.child.cancelled_last, 0, "i %d", i);
      cr_assert_eq(s.child.rc, 0);
      cr_assert_eq(s.child.ended_at, T0 + 40 * BCSC_MSEC);
      cr_assert_eq(s.join_rc, 0);
    } else {
      cr_assert_eq(s.start_rc, BCSC_ECANCELED, "i %d", i);
      cr_assert_eq(s.child.rc, BCSC_ECANCELED);
      cr_assert_eq(s.child.ended_at, T0 + 10 * BCSC_MSEC);
    }
    cr_assert(bcsc_task_cancelled(&s.task));
  }
}

/* R owns scope A with children H and C. H owns a scope S (shielded or
 * not) whose child K sleeps 100 ms; C, outside S, starts its child into
 * S: ready at 20 ms, done at 70 ms. */
typedef struct start_tree {
  holder_t r, h;
  sleeper_t k;
  starter_t c;
  canceller_t x;
} start_tree_t;

static void start_tree_build(start_tree_t *t, uint32_t shield) {
  holder_init(&t->r, 1);
  holder_init(&t->h, 1);
  sleeper_init(&t->k, 100 * BCSC_MSEC);
  starter_init(&t->c, &t->h.scope[0], 0, 20 * BCSC_MSEC, 50 * BCSC_MSEC);
  t->h.policy[0] = BCSC_SCOPE_WAIT_ALL | shield;
  t->h.kids[0][0] = &t->k.task;
  t->r.kids[0][0] = &t->h.task;
  t->r.kids[0][1] = &t->c.task;
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &t->r.task), 0);
}

Test(shield, a_caller_outside_the_shield_cancels_its_child_before_ready) {
  /* C is cancelled at 10 ms: the child still lives in C's start, outside
   * the shield, and is cancelled with C; S does not wait for it. */
  start_tree_t t;
  start_tree_build(&t, BCSC_SCOPE_SHIELD);
  canceller_start(&t.x, T0 + 10 * BCSC_MSEC, &t.c.task, NULL);
  run_all();
  cr_assert_eq(t.c.start_rc, BCSC_ECANCELED, "%s", bcsc_err_name(t.c.start_rc));
  cr_assert_eq(t.c.started_at, T0 + 10 * BCSC_MSEC);
  cr_assert_eq(t.c.child.rc, BCSC_ECANCELED);
  cr_assert_eq(t.c.child.ended_at, T0 + 10 * BCSC_MSEC);
  cr_assert_eq(t.k.rc, 0);
  cr_assert_eq(t.h.join_rc[0], 0);
  cr_assert_eq(t.h.joined_at[0], T0 + 100 * BCSC_MSEC);
}

Test(shield, after_the_move_the_caller_and_outer_scopes_cancels_stop_there) {
  /* The child moved into S at 20 ms; at 30 ms A is cancelled (i = 0) or
   * C alone (i = 1): C and H are cancelled, the child behind the shield
   * runs on to 70 ms. Without the shield A's cancel reaches it. */
  for (int i = 0; i < 3; i++) {
    int shield = i < 2, whole = i != 1;
    start_tree_t t;
    if (i > 0) {
      teardown();
      setup();
    }
    start_tree_build(&t, shield ? BCSC_SCOPE_SHIELD : 0);
    t.c.wait_after = 1;
    canceller_start(&t.x, T0 + 30 * BCSC_MSEC, whole ? NULL : &t.c.task,
                    whole ? &t.r.scope[0] : NULL);
    run_all();
    cr_assert_eq(t.x.rc, 0);
    cr_assert_eq(t.c.start_rc, 0, "i %d: %s", i, bcsc_err_name(t.c.start_rc));
    cr_assert_eq(t.c.started_at, T0 + 20 * BCSC_MSEC);
    cr_assert_eq(t.c.rc, BCSC_ECANCELED, "the caller was cancelled");
    cr_assert(bcsc_task_cancelled(&t.c.task));
    cr_assert_eq(bcsc_task_cancelled(&t.h.task), whole);
    if (shield) {
      cr_assert_eq(t.c.child.cancelled_last, 0, "i %d", i);
      cr_assert_eq(t.c.child.rc, 0);
      cr_assert_eq(t.c.child.ended_at, T0 + 70 * BCSC_MSEC);
      cr_assert_eq(t.k.rc, 0);
      cr_assert_eq(t.h.join_rc[0], 0);
      cr_assert_eq(t.h.joined_at[0], T0 + 100 * BCSC_MSEC);
    } else {
      cr_assert_eq(t.c.child.rc, BCSC_ECANCELED);
      cr_assert_eq(t.c.child.ended_at, T0 + 30 * BCSC_MSEC);
      cr_assert_eq(t.k.rc, BCSC_ECANCELED);
    }
  }
}

Test(shield, the_shields_own_deadline_reaches_a_child_started_into_it) {
  /* The target's own end still reaches the child once it moved: S's
   * deadline at 40 ms cancels it (its 70 ms are not run). */
  start_tree_t t;
  start_tree_build(&t, BCSC_SCOPE_SHIELD);
  t.h.deadline_at[0] = T0 + 40 * BCSC_MSEC;
  canceller_start(&t.x, T0 + 30 * BCSC_MSEC, NULL, &t.r.scope[0]);
  run_all();
  cr_assert_eq(t.c.start_rc, 0);
  cr_assert_eq(t.c.child.rc, BCSC_ECANCELED);
  cr_assert_eq(t.c.child.ended_at, T0 + 40 * BCSC_MSEC);
  cr_assert_eq(t.k.ended_at, T0 + 40 * BCSC_MSEC);
}

Test(shield, the_shields_own_end_reaches_a_child_still_getting_ready) {
  /* Behind its owner's shield the child is out of reach of the owner's
   * cancellation (10 ms); the shield's own deadline (at 50 ms) still ends
   * it before it is ready (1 s): the cleanup is bounded, as D80 promises.
   * A shield that ended already (cancelled before the start, i = 1) has
   * the child start cancelled. */
  for (int i = 0; i < 2; i++) {
    starter_t s;
    canceller_t c;
    if (i > 0) {
      teardown();
      setup();
    }
    starter_init(&s, NULL, BCSC_SCOPE_SHIELD, BCSC_SEC, 0);
    s.wait_first = 1;
    s.deadline_in = i == 0 ? 40 * BCSC_MSEC : 0;
    s.cancel_first = i;
    cr_assert_eq(bcsc_executor_spawn(&g_ex, &s.task), 0);
    canceller_start(&c, T0 + 10 * BCSC_MSEC, &s.task, NULL);
    run_all();
    cr_assert(s.done);
    cr_assert_eq(s.child.cancelled_first, i, "i %d", i);
    cr_assert_eq(s.child.rc, BCSC_ECANCELED);
    cr_assert_eq(s.child.ended_at, T0 + (i == 0 ? 50 : 10) * BCSC_MSEC);
    cr_assert_eq(s.start_rc, BCSC_ECANCELED, "%s", bcsc_err_name(s.start_rc));
    cr_assert_eq(s.started_at, s.child.ended_at);
    cr_assert_eq(s.join_rc, i == 0 ? 0 : BCSC_ECANCELED, "%s",
                 bcsc_err_name(s.join_rc));
  }
}

/* ---- a shield that changes: bcsc_scope_set_shield() (D83) -----------------
 */

Test(shield, turned_on_it_stops_later_cancellations_not_earlier_ones) {
  /* Y's second scope opens plain; its shield is turned on at 5 ms (before
   * A's cancel at 10 ms: Y2 runs its 100 ms) or just after the cancel, in
   * the same turn at 10 ms (too late: Y2 was cancelled, and stays so; its
   * scope is still open). */
  static const uint64_t at[] = {5, 10};
  for (int i = 0; i < 2; i++) {
    tree_t t;
    canceller_t sh;
    if (i > 0) {
      teardown();
      setup();
    }
    tree_build(&t, 0, 0);
    tree_start(&t, NULL, 1);
    shielder_start(&sh, T0 + at[i] * BCSC_MSEC, &t.y.scope[1], 1);
    run_all();
    cr_assert_eq(sh.rc, 0);
    /* At 10 ms the canceller goes first: its timer was set first. */
    cr_assert_eq(sh.scope_was_cancelled, i);
    tree_check_cancelled_around(&t);
    if (i == 0) {
      cr_assert_eq(t.y2.cancelled_last, 0);
      cr_assert_eq(t.y2.rc, 0);
      cr_assert_eq(t.y2.ended_at, T0 + 100 * BCSC_MSEC);
      cr_assert_eq(t.y.join_rc[1], 0);
    } else {
      cr_assert_eq(t.y2.rc, BCSC_ECANCELED);
      cr_assert_eq(t.y2.ended_at, T0 + 10 * BCSC_MSEC);
      cr_assert_eq(t.y.join_rc[1], BCSC_ECANCELED);
    }
  }
}

Test(shield, taken_away_it_lets_in_the_cancellation_it_stopped) {
  /* The cancellation from outside at 10 ms - A's cancel, Y's own task
   * cancel, A's deadline - stops at the shield; taken away at 30 ms, it
   * reaches Y2 then. */
  for (int cause = 0; cause < 3; cause++) {
    tree_t t;
    canceller_t sh;
    if (cause > 0) {
      teardown();
      setup();
    }
    tree_build(&t, 0, BCSC_SCOPE_SHIELD);
    if (cause == 2)
      t.r.deadline_at[0] = T0 + 10 * BCSC_MSEC;
    tree_start(&t, cause == 1 ? &t.y.task : NULL, cause < 2);
    shielder_start(&sh, T0 + 30 * BCSC_MSEC, &t.y.scope[1], 0);
    run_all();
    cr_assert_eq(sh.rc, 0);
    cr_assert_eq(t.y1.rc, BCSC_ECANCELED);
    cr_assert_eq(t.y1.ended_at, T0 + 10 * BCSC_MSEC);
    cr_assert_eq(t.y2.cancelled_first, 0);
    cr_assert_eq(t.y2.cancelled_last, 1, "cause %d", cause);
    cr_assert_eq(t.y2.rc, BCSC_ECANCELED);
    cr_assert_eq(t.y2.ended_at, T0 + 30 * BCSC_MSEC, "cause %d", cause);
    cr_assert_eq(t.y.join_rc[1], BCSC_ECANCELED);
    cr_assert_eq(t.y.joined_at[1], T0 + 30 * BCSC_MSEC);
  }
}

Test(shield, taken_away_with_nothing_pending_it_changes_nothing_until_later) {
  /* Nothing cancelled Y when the shield goes at 10 ms: Y2 sleeps on. A's
   * cancel at 20 ms (i = 1) reaches it then, as any plain scope's. */
  for (int i = 0; i < 2; i++) {
    tree_t t;
    canceller_t sh;
    if (i > 0) {
      teardown();
      setup();
    }
    tree_build(&t, 0, BCSC_SCOPE_SHIELD);
    tree_start(&t, NULL, 0);
    shielder_start(&sh, T0 + 10 * BCSC_MSEC, &t.y.scope[1], 0);
    if (i == 1)
      canceller_start(&t.c, T0 + 20 * BCSC_MSEC, NULL, &t.r.scope[0]);
    run_all();
    cr_assert_eq(sh.rc, 0);
    cr_assert_eq(t.y2.rc, i == 0 ? 0 : BCSC_ECANCELED);
    cr_assert_eq(t.y2.ended_at, T0 + (i == 0 ? 100 : 20) * BCSC_MSEC);
    cr_assert_eq(t.y.join_rc[1], i == 0 ? 0 : BCSC_ECANCELED);
  }
}

Test(shield, the_deadline_lookup_follows_the_shield_as_it_is) {
  tree_t t;
  tree_build(&t, 0, BCSC_SCOPE_SHIELD);
  t.r.deadline_at[0] = T0 + 10 * BCSC_MSEC;
  t.y.deadline_at[1] = T0 + 30 * BCSC_MSEC;
  tree_start(&t, NULL, 0);
  cr_assert_eq(bcsc_executor_poll(&g_ex, 3), 3);
  cr_assert_eq(bcsc_scope_deadline(&t.y.scope[1]), T0 + 30 * BCSC_MSEC);
  /* From the executor's thread outside a poll, as any caller may. */
  cr_assert_eq(bcsc_scope_set_shield(&t.y.scope[1], 0), 0);
  cr_assert_eq(bcsc_scope_deadline(&t.y.scope[1]), T0 + 10 * BCSC_MSEC);
  cr_assert_not(bcsc_scope_cancelled(&t.y.scope[1]), "nothing was pending");
  cr_assert_eq(bcsc_scope_set_shield(&t.y.scope[1], 0), 0, "again: no-op");
  cr_assert_eq(bcsc_scope_set_shield(&t.y.scope[1], 1), 0);
  cr_assert_eq(bcsc_scope_set_shield(&t.y.scope[1], 2), 0, "any non-zero");
  cr_assert_eq(bcsc_scope_deadline(&t.y.scope[1]), T0 + 30 * BCSC_MSEC);
  run_all();
  cr_assert_eq(t.y2.rc, BCSC_ECANCELED);
  cr_assert_eq(t.y2.ended_at, T0 + 30 * BCSC_MSEC);
}

Test(shield, a_start_pending_into_the_scope_follows_its_shield) {
  /* S is the caller's own scope; the child is ready at 20 ms.
   * i = 0: S plain, shielded at 5 ms; the caller cancelled at 10 ms does
   *        not reach the child, which moves in at 20 ms.
   * i = 1: S shielded; the caller's cancel at 10 ms stops there; the
   *        shield taken away at 15 ms lets it reach the child.
   * i = 2: S plain, cancelled at 5 ms (its cancel does not reach the
   *        pending child, D56), shielded at 10 ms: the shield's end came
   *        already, and reaches the child behind it. */
  for (int i = 0; i < 3; i++) {
    holder_t r;
    starter_t s;
    canceller_t c, sh;
    if (i > 0) {
      teardown();
      setup();
    }
    holder_init(&r, 1);
    starter_init(&s, NULL, i == 1 ? BCSC_SCOPE_SHIELD : 0, 20 * BCSC_MSEC,
                 20 * BCSC_MSEC);
    r.kids[0][0] = &s.task;
    cr_assert_eq(bcsc_executor_spawn(&g_ex, &r.task), 0);
    if (i < 2)
      canceller_start(&c, T0 + 10 * BCSC_MSEC, &s.task, NULL);
    else
      canceller_start(&c, T0 + 5 * BCSC_MSEC, NULL, &s.scope);
    shielder_start(&sh,
                   T0 + (i == 0   ? 5
                         : i == 1 ? 15
                                  : 10) *
                            BCSC_MSEC,
                   &s.scope, i != 1);
    run_all();
    cr_assert_eq(c.rc, 0);
    cr_assert_eq(sh.rc, 0);
    cr_assert_eq(s.child.cancelled_first, 0);
    if (i == 0) {
      cr_assert_eq(s.start_rc, 0, "%s", bcsc_err_name(s.start_rc));
      cr_assert_eq(s.child.rc, 0);
      cr_assert_eq(s.child.ended_at, T0 + 40 * BCSC_MSEC);
    } else {
      uint64_t at = (i == 1 ? 15 : 10) * BCSC_MSEC;
      cr_assert_eq(s.start_rc, BCSC_ECANCELED, "i %d: %s", i,
                   bcsc_err_name(s.start_rc));
      cr_assert_eq(s.child.rc, BCSC_ECANCELED);
      cr_assert_eq(s.child.ended_at, T0 + at, "i %d", i);
    }
  }
}

typedef struct foreign_call {
  bcsc_scope_t *scope;
  int rc;
} foreign_call_t;

static void *set_shield_elsewhere(void *arg) {
  foreign_call_t *f = arg;
  f->rc = bcsc_scope_set_shield(f->scope, 0);
  return NULL;
}

Test(shield, set_shield_refuses_what_it_cannot_shield) {
  opener_t o;
  bcsc_scope_t zero;
  tree_t t;
  pthread_t thread;
  foreign_call_t f;
  bcsc_test_misuse_t rec;
  bcsc_test_misuse_install(&rec);
  cr_assert_eq(bcsc_scope_set_shield(NULL, 1), BCSC_EINVAL);
  memset(&zero, 0, sizeof zero);
  cr_assert_eq(bcsc_scope_set_shield(&zero, 1), BCSC_EBADOBJ);
  /* A scope that was opened and has closed. */
  cr_assert_eq(bcsc_task_init(&o.task, opener_poll, NULL), 0);
  o.policy = BCSC_SCOPE_SHIELD;
  cr_assert_eq(bcsc_executor_run(&g_ex, &o.task), 0);
  cr_assert_eq(bcsc_scope_set_shield(&o.scope, 0), BCSC_ESTATE);
  /* The executor's root scope: nothing above it (reachable only so). */
  cr_assert_eq(bcsc_scope_set_shield(&g_ex.priv.root, 1), BCSC_EINVAL);
  cr_assert_eq(rec.count, bcsc_test_misuse_expected(4));
  cr_assert_eq(bcsc_test_misuse_count_code(&rec, BCSC_MISUSE_NULL_OBJECT),
               bcsc_test_misuse_expected(1));
  cr_assert_eq(bcsc_test_misuse_count_code(&rec, BCSC_MISUSE_BAD_OBJECT),
               bcsc_test_misuse_expected(1));
  cr_assert_eq(bcsc_test_misuse_count_code(&rec, BCSC_MISUSE_SCOPE_CLOSED),
               bcsc_test_misuse_expected(1));
  cr_assert_eq(bcsc_test_misuse_count_code(&rec, BCSC_MISUSE_BAD_ARGUMENT),
               bcsc_test_misuse_expected(1));
  /* Another thread (the join orders its call before what follows; the
   * release build does not check and takes the shield away). */
  tree_build(&t, 0, BCSC_SCOPE_SHIELD);
  tree_start(&t, NULL, 0);
  cr_assert_eq(bcsc_executor_poll(&g_ex, 3), 3);
  f.scope = &t.y.scope[1];
  f.rc = 1;
  cr_assert_eq(pthread_create(&thread, NULL, set_shield_elsewhere, &f), 0);
  cr_assert_eq(pthread_join(thread, NULL), 0);
  cr_assert_eq(f.rc, bcsc_is_checked_build() ? BCSC_EPERM : 0, "%s",
               bcsc_err_name(f.rc));
  cr_assert_eq(bcsc_test_misuse_count_code(&rec, BCSC_MISUSE_WRONG_THREAD),
               bcsc_test_misuse_expected(1));
  bcsc_test_misuse_uninstall();
  cr_assert_eq(bcsc_task_cancel(&t.r.task), 0);
  run_all();
  cr_assert(t.r.done);
}

/* ---- a shield's end reaches only the starts pending into it --------------
 * The owner starts a child into its outer shield A from inside an inner
 * shield B (D83: the start's scope is shielded, behind B). B's cancel is
 * B's own end: it must not reach the child getting ready for A; A's
 * cancel must. */
typedef struct two_shields {
  bcsc_task_t task;
  bcsc_scope_t a, b;
  bcsc_start_t start;
  bcsc_task_t child;
  bcsc_wait_t child_wait;
  int polls;
  int child_cancelled_after_b, child_cancelled_after_a;
  int rc[6];
} two_shields_t;

static int waits_until_cancelled(bcsc_task_t *self) {
  two_shields_t *s = self->data;
  if (bcsc_task_cancelled(self))
    return BCSC_ECANCELED;
  cr_assert_eq(bcsc_wait_register(self, &s->child_wait, &g_work), 0);
  return BCSC_PENDING;
}

static int two_shields_poll(bcsc_task_t *self) {
  two_shields_t *s = (two_shields_t *)self;
  if (++s->polls == 1) {
    cr_assert_eq(
        bcsc_scope_init(&s->a, self, BCSC_SCOPE_WAIT_ALL | BCSC_SCOPE_SHIELD),
        0);
    cr_assert_eq(
        bcsc_scope_init(&s->b, self, BCSC_SCOPE_WAIT_ALL | BCSC_SCOPE_SHIELD),
        0);
    s->rc[0] = bcsc_scope_start(self, &s->start, &s->a, &s->child);
    s->rc[1] = bcsc_scope_cancel(&s->b);
    s->child_cancelled_after_b = bcsc_task_cancelled(&s->child);
    s->rc[2] = bcsc_scope_cancel(&s->a);
    s->child_cancelled_after_a = bcsc_task_cancelled(&s->child);
  }
  if ((s->rc[3] = bcsc_scope_start(self, &s->start, &s->a, &s->child)) ==
      BCSC_PENDING)
    return BCSC_PENDING;
  s->rc[5] = bcsc_scope_join(&s->b);
  s->rc[4] = bcsc_scope_join(&s->a);
  return 0;
}

Test(shield, an_inner_shields_cancel_misses_a_start_into_the_outer_one) {
  two_shields_t s;
  memset(&s, 0, sizeof s);
  cr_assert_eq(bcsc_task_init(&s.task, two_shields_poll, NULL), 0);
  cr_assert_eq(bcsc_task_init(&s.child, waits_until_cancelled, &s), 0);
  cr_assert_eq(bcsc_wait_init(&s.child_wait), 0);
  cr_assert_eq(bcsc_executor_run(&g_ex, &s.task), 0);
  cr_assert_eq(s.rc[0], BCSC_PENDING);
  cr_assert_eq(s.rc[1], 0);
  cr_assert_eq(s.rc[2], 0);
  cr_assert_eq(s.child_cancelled_after_b, 0, "B's end reached A's start");
  cr_assert_eq(s.child_cancelled_after_a, 1, "A's end missed its start");
  cr_assert_eq(s.rc[3], BCSC_ECANCELED, "%s", bcsc_err_name(s.rc[3]));
  cr_assert_eq(s.rc[4], BCSC_ECANCELED, "%s", bcsc_err_name(s.rc[4]));
  cr_assert_eq(s.rc[5], BCSC_ECANCELED, "%s", bcsc_err_name(s.rc[5]));
  cr_assert(bcsc_task_done(&s.child));
}
