/* SPDX-License-Identifier: MIT
 * executor.c - the run loop: pop the oldest ready task, poll it, and act on
 * what it returned. */
#include "internal.h"

int bcsc_executor_init(bcsc_executor_t *ex,
                       const bcsc_executor_config_t *config) {
  if (ex == NULL)
    BCSC__FAIL(NULL_OBJECT, ex, BCSC_EINVAL);
  if (config != NULL) {
    /* Read only what the caller's version of the struct has. */
    size_t has = config->size;
    if (has < sizeof config->size ||
        (has >=
             offsetof(bcsc_executor_config_t, flags) + sizeof config->flags &&
         config->flags != 0))
      BCSC__FAIL(BAD_ARGUMENT, config, BCSC_EINVAL);
  }
  ex->data = NULL;
  ex->priv.run_head = NULL;
  ex->priv.run_tail = NULL;
  ex->priv.current = NULL;
  ex->priv.polls = 0;
  ex->priv.wakes = 0;
  ex->priv.spawns = 0;
  ex->priv.completions = 0;
  ex->priv.cancels = 0;
  ex->priv.state = 0;
  ex->priv.magic = BCSC__MAGIC_EXECUTOR;
  ex->priv.self_tag = bcsc__self_tag(ex);
  ex->priv.ready = 0;
  ex->priv.reserved32 = 0;
  for (size_t i = 0; i < sizeof ex->priv.reserved / sizeof ex->priv.reserved[0];
       i++)
    ex->priv.reserved[i] = 0;
  bcsc__scope_open_root(&ex->priv.root, ex);
  return 0;
}

int bcsc_executor_deinit(bcsc_executor_t *ex) {
  int rc = bcsc__check_executor(ex);
  if (rc != 0)
    return rc;
  if (ex->priv.current != NULL)
    BCSC__FAIL(REENTRANT_POLL, ex, BCSC_EBUSY);
  if (ex->priv.root.priv.live != 0)
    BCSC__FAIL(EXECUTOR_BUSY, ex, BCSC_EBUSY);
  ex->priv.magic = 0;
  ex->priv.self_tag = 0;
  ex->priv.root.priv.magic = 0;
  return 0;
}

int bcsc_executor_spawn(bcsc_executor_t *ex, bcsc_task_t *root) {
  int rc = bcsc__check_executor(ex);
  if (rc != 0)
    return rc;
  return bcsc_scope_spawn(&ex->priv.root, root);
}

/* The checked build's canary at each tick: the frame about to be polled,
 * and the scopes it hangs from and owns, must still be what was linked.
 * The release build trusts its links and skips the walk. */
static int frame_intact(const bcsc_task_t *t) {
  if (!BCSC__CHECKED)
    return 1;
  if (BCSC__CANARY_BAD(t, BCSC__MAGIC_TASK) ||
      BCSC__CANARY_BAD(t->priv.scope, BCSC__MAGIC_SCOPE))
    return 0;
  for (const bcsc_scope_t *s = t->priv.scopes; s != NULL; s = s->priv.outer)
    if (BCSC__CANARY_BAD(s, BCSC__MAGIC_SCOPE))
      return 0;
  return 1;
}

/* One turn: poll the oldest ready task (or advance its drain). */
static int run_one(bcsc_executor_t *ex) {
  bcsc_task_t *t = ex->priv.run_head;
  int rc;

  if (!frame_intact(t))
    BCSC__FAIL(FRAME_CLOBBERED, t, BCSC_EBADOBJ);
  ex->priv.run_head = t->priv.link.run_next;
  if (ex->priv.run_head == NULL)
    ex->priv.run_tail = NULL;
  ex->priv.ready--;
  t->priv.link.waits = NULL;
  if (t->priv.state & BCSC__TASK_DRAINING) {
    bcsc__task_drain(t);
    return 0;
  }

  bcsc__task_set_state(t, BCSC__TASK_RUNNING);
  ex->priv.current = t;
  ex->priv.polls++;
  rc = t->poll(t);
  ex->priv.current = NULL;

  if (rc == BCSC_PENDING) {
    if (t->priv.state & BCSC__TASK_WOKEN) {
      /* Woken during its own poll (a yield, a wake or a cancel): whatever
       * it registered after that is dropped, and it runs again. */
      t->priv.state &= (uint16_t)~BCSC__TASK_WOKEN;
      bcsc__task_unlink_waits(t);
      bcsc__runq_push(ex, t);
      return 0;
    }
    bcsc__task_set_state(t, BCSC__TASK_WAITING);
    if (t->priv.link.waits == NULL)
      BCSC__REPORT(PENDING_NO_WAKE, t); /* release: stays waiting; see run */
    return 0;
  }
  if (rc > BCSC_PENDING) {
    BCSC__REPORT(BAD_ARGUMENT, t);
    rc = BCSC_EINVAL;
  }
  t->priv.state &= (uint16_t)~BCSC__TASK_WOKEN;
  bcsc__task_unlink_waits(t);
  bcsc__task_returned(t, rc);
  return 0;
}

static int check_not_polling(const bcsc_executor_t *ex) {
  int rc = bcsc__check_executor(ex);
  if (rc != 0)
    return rc;
  if (ex->priv.current != NULL)
    BCSC__FAIL(REENTRANT_POLL, ex, BCSC_EBUSY);
  return 0;
}

int bcsc_executor_run(bcsc_executor_t *ex, bcsc_task_t *root) {
  int rc = check_not_polling(ex);
  if (rc != 0)
    return rc;
  if (root != NULL) {
    if ((rc = bcsc__check_task(root)) != 0)
      return rc;
    if (bcsc__task_state(root) == BCSC__TASK_IDLE &&
        (rc = bcsc_scope_spawn(&ex->priv.root, root)) != 0)
      return rc;
    if (bcsc__task_state(root) != BCSC__TASK_DONE &&
        bcsc__task_executor(root) != ex)
      BCSC__FAIL(BAD_ARGUMENT, root, BCSC_EINVAL);
  }
  for (;;) {
    if (root != NULL ? bcsc__task_state(root) == BCSC__TASK_DONE
                     : ex->priv.root.priv.live == 0)
      break;
    if (ex->priv.run_head == NULL)
      return BCSC_EDEADLK;
    if ((rc = run_one(ex)) != 0)
      return rc;
  }
  return root != NULL ? (int)root->priv.link.result : 0;
}

int bcsc_executor_poll(bcsc_executor_t *ex, uint32_t budget) {
  int rc = check_not_polling(ex);
  int turns = 0;
  if (rc != 0)
    return rc;
  if (budget > (uint32_t)INT32_MAX)
    budget = (uint32_t)INT32_MAX;
  while ((uint32_t)turns < budget && ex->priv.run_head != NULL) {
    if ((rc = run_one(ex)) != 0)
      return rc;
    turns++;
  }
  return turns;
}

uint32_t bcsc_executor_ready(const bcsc_executor_t *ex) {
  return ex != NULL ? ex->priv.ready : 0;
}

uint32_t bcsc_executor_live_roots(const bcsc_executor_t *ex) {
  return ex != NULL ? ex->priv.root.priv.live : 0;
}

bcsc_task_t *bcsc_executor_current(const bcsc_executor_t *ex) {
  return ex != NULL ? ex->priv.current : NULL;
}

int bcsc_executor_stats(const bcsc_executor_t *ex,
                        bcsc_executor_stats_t *stats) {
  bcsc_executor_stats_t full;
  unsigned char *out;
  const unsigned char *in;
  size_t n;
  int rc = bcsc__check_executor(ex);
  if (rc != 0)
    return rc;
  if (stats == NULL || stats->size < sizeof stats->size)
    BCSC__FAIL(BAD_ARGUMENT, stats, BCSC_EINVAL);
  full.size = stats->size;
  full.reserved0 = 0;
  full.polls = ex->priv.polls;
  full.wakes = ex->priv.wakes;
  full.spawns = ex->priv.spawns;
  full.completions = ex->priv.completions;
  full.cancels = ex->priv.cancels;
  /* Copy as much as the caller's struct holds (no memcpy: freestanding). */
  n = stats->size < sizeof full ? stats->size : sizeof full;
  out = (unsigned char *)stats;
  in = (const unsigned char *)&full;
  for (size_t i = 0; i < n; i++)
    out[i] = in[i];
  return 0;
}

size_t bcsc_executor_sizeof(void) { return sizeof(bcsc_executor_t); }
size_t bcsc_executor_alignof(void) { return _Alignof(bcsc_executor_t); }
