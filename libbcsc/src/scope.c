/* SPDX-License-Identifier: MIT
 * scope.c - the scope rules: spawning into a scope, what a child's result
 * does to the scope, cancellation of subtrees, joining, and draining the
 * scopes a task left open. None of it recurses: a tree of any depth is
 * cancelled and drained in constant C stack. */
#include "internal.h"
#include "list.h"

_Static_assert(BCSC__MAGIC_TASK == 0x7a5c,
               "BCSC_TASK_INITIALIZER spells this magic");

static void scope_open(bcsc_scope_t *s, bcsc_executor_t *ex, bcsc_task_t *owner,
                       uint32_t policy) {
  s->priv.executor = ex;
  s->priv.owner = owner;
  s->priv.outer = NULL;
  s->priv.head = NULL;
  s->priv.tail = NULL;
  s->priv.live = 0;
  s->priv.policy = (uint16_t)policy;
  s->priv.flags = 0;
  BCSC__HEADER_SET(s, bcsc__header_expect(BCSC__SCOPE_OPEN, BCSC__MAGIC_SCOPE,
                                          bcsc__self_tag(s)));
  if (BCSC__CHECKED)
    BCSC__SCOPE_LINKED(s) = 0;
  /* The cold fields are written when first needed (see their flags), so
   * that opening a scope touches one cache line. */
}

void bcsc__scope_open_root(bcsc_scope_t *root, bcsc_executor_t *ex) {
  scope_open(root, ex, NULL, BCSC_SCOPE_WAIT_ALL);
  root->priv.flags = BCSC__SCOPE_ROOT;
}

/* ---- cancellation ------------------------------------------------------ */

/* Mark one task cancelled and wake it so that it observes the request. */
static void cancel_one(bcsc_task_t *t) {
  uint16_t state = t->priv.state;
  bcsc__task_store_state(t, state | BCSC__TASK_CANCELLED);
  bcsc__task_executor(t)->priv.cancels++;
  if (!(state & BCSC__TASK_DRAINING))
    bcsc__task_wake(t);
  BCSC__HOOK(bcsc__task_executor(t), BCSC__HOOK_CANCELLED, t);
}

/* The next task after `t` in a depth-first walk of `top`'s subtree, not
 * descending below `t`. Climbs through the scopes of each owner, innermost
 * to outermost, then to the owner's next sibling. Scopes with a flag of
 * `skip` are not entered: the cancellation walk skips shielded ones (D80),
 * the grace's report enters every scope. */
static BCSC__ALWAYS_INLINE bcsc_task_t *
next_after(bcsc_task_t *t, const bcsc_scope_t *top, uint16_t skip) {
  for (;;) {
    bcsc_scope_t *s;
    if (t->priv.sibling_next != NULL)
      return t->priv.sibling_next;
    s = t->priv.scope;
    if (s == top)
      return NULL;
    for (bcsc_scope_t *o = s->priv.outer; o != NULL; o = o->priv.outer)
      if (o->priv.head != NULL && !(o->priv.flags & skip))
        return o->priv.head;
    t = s->priv.owner;
  }
}

/* ---- drain grace (D59) ---------------------------------------------------
 * The grace timer borrows the scope's deadline link: once the scope is
 * cancelled its deadline has nothing left to do, so the link goes to the
 * grace period, and the grace node's `kept` keeps the deadline the link
 * held (what bcsc_scope_deadline() and a later bcsc_scope_set_deadline()
 * see). The node is on the scope's attachment list (D64). */

/* What a cancellation does beyond the mark, for a scope that has one. */
#define SCOPE_CANCEL_RARE (BCSC__SCOPE_REMOTE | BCSC__SCOPE_GRACE)

/* `s`'s drain grace (BCSC__SCOPE_GRACE is set), or NULL if a node on the
 * way to it was overwritten (reported). */
static bcsc_drain_grace_t *scope_grace(bcsc_scope_t *s) {
  struct bcsc_attach_private **link = bcsc__attachment(s, BCSC__ATTACH_GRACE);
  /* The header is the node's first member. */
  return link != NULL ? (bcsc_drain_grace_t *)(void *)*link : NULL;
}

/* Start `s`'s grace period `g` now: its link leaves the wheel if its
 * deadline was still there, and goes in again for now + the period. */
static void grace_arm(bcsc_scope_t *s, bcsc_drain_grace_t *g) {
  bcsc_executor_t *ex = s->priv.executor;
  bcsc_timer_link_t *link = &s->priv.deadline;
  uint64_t now = bcsc__executor_clock(ex);
  uint64_t kept = BCSC_NO_DEADLINE;
  if (s->priv.flags & BCSC__SCOPE_DEADLINE_SET) {
    if (link->linked)
      bcsc__wheel_remove(ex, link);
    kept = link->deadline;
  } else {
    link->next = NULL;
    link->prev = NULL;
    link->slot = 0;
    link->kind = BCSC__LINK_SCOPE;
    link->linked = 0;
  }
  /* Saturating, and short of "never": a period that long still runs. */
  link->deadline = g->period < BCSC_NO_DEADLINE - now ? now + g->period
                                                      : BCSC_NO_DEADLINE - 1;
  g->priv.kept = kept;
  s->priv.flags |= BCSC__SCOPE_GRACE_ARMED;
  bcsc__wheel_insert(ex, link);
}

/* `s`'s grace timer, out of the wheel, gives the link back: it holds the
 * deadline `g` kept again (unless `g` was overwritten, reported). */
static void grace_stopped(bcsc_scope_t *s, const bcsc_drain_grace_t *g) {
  if (g != NULL)
    s->priv.deadline.deadline = g->priv.kept;
  s->priv.flags &= (uint16_t)~BCSC__SCOPE_GRACE_ARMED;
}

/* Stop `s`'s running grace period (its link is in the wheel while it
 * runs): the link holds the deadline again. */
static void grace_disarm(bcsc_scope_t *s, const bcsc_drain_grace_t *g) {
  bcsc__wheel_remove(s->priv.executor, &s->priv.deadline);
  grace_stopped(s, g);
}

/* A scope was marked cancelled and has remote children or a grace (not
 * started yet: a scope the walk marks again keeps its period). */
static BCSC__COLD void scope_cancelled_rare(bcsc_scope_t *s) {
  bcsc_drain_grace_t *g;
  if (s->priv.flags & BCSC__SCOPE_REMOTE)
    bcsc__remote_cancel_scope(s);
  if (!(s->priv.flags & BCSC__SCOPE_GRACE_ARMED) &&
      (s->priv.flags & BCSC__SCOPE_GRACE) && (g = scope_grace(s)) != NULL)
    grace_arm(s, g);
}

/* The next task after `t` in a depth-first walk of `top`'s subtree,
 * descending into the scopes `t` owns, innermost first. */
static bcsc_task_t *subtree_next(bcsc_task_t *t, const bcsc_scope_t *top) {
  for (const bcsc_scope_t *s = t->priv.scopes; s != NULL; s = s->priv.outer)
    if (s->priv.head != NULL)
      return s->priv.head;
  return next_after(t, top, 0);
}

/* `s`'s grace period ran out (its link is out of the wheel): the deadline
 * goes back into the link, the grace is spent (its node detached, so the
 * callback may set it again elsewhere later), and every task still live
 * in the subtree is reported. No task runs and none completes meanwhile -
 * completion happens only in a turn of the run loop, which the callback
 * cannot enter - so the walk's links hold. */
static BCSC__COLD void grace_fire(bcsc_scope_t *s) {
  struct bcsc_attach_private **link = bcsc__attachment(s, BCSC__ATTACH_GRACE);
  bcsc_stuck_fn report = NULL;
  void *context = NULL;
  s->priv.flags &= (uint16_t)~BCSC__SCOPE_GRACE_ARMED;
  if (link != NULL) { /* else overwritten (reported): nothing to call */
    const bcsc_drain_grace_t *g = (const bcsc_drain_grace_t *)(void *)*link;
    report = g->report;
    context = g->context;
    s->priv.deadline.deadline = g->priv.kept;
    bcsc__detach(s, link, BCSC__SCOPE_GRACE);
  }
  for (bcsc_task_t *t = report != NULL ? s->priv.head : NULL; t != NULL;
       t = subtree_next(t, s)) {
    /* The links are in the tasks' frames (as for the cancellation walk):
     * one overwritten while linked ends the report there. */
    if (BCSC__CHECKED && (void *)t == BCSC__POISONED) {
      bcsc__misuse(BCSC_MISUSE_NODE_UNLINKED, s);
      return;
    }
    if (BCSC__TASK_CANARY_BAD(t)) {
      bcsc__misuse(BCSC_MISUSE_FRAME_CLOBBERED, t);
      return;
    }
    report(context, s, t);
  }
}

/* Invariant kept here: a cancelled scope's children are all cancelled, and
 * a cancelled task's scopes are all cancelled but its shielded ones (spawn
 * and scope_init start new ones cancelled). So a cancelled task or scope
 * needs no walk. A shielded scope is where the walk stops: it is cancelled
 * only as `top` (D80). */
static BCSC__ALWAYS_INLINE int cancel_walk(bcsc_scope_t *top) {
  bcsc_task_t *t;
  if (top->priv.flags & BCSC__SCOPE_CANCELLED)
    return 0;
  t = top->priv.head;
  while (t != NULL) {
    bcsc_task_t *down = NULL;
    /* The walk follows links stored in the children's frames: a frame
     * overwritten while linked would send it into garbage, and a link to a
     * completed child is poisoned in the checked build (D29). */
    if (BCSC__CHECKED && (void *)t == BCSC__POISONED)
      BCSC__FAIL(NODE_UNLINKED, top, BCSC_EBADOBJ);
    if (BCSC__TASK_CANARY_BAD(t))
      BCSC__FAIL(FRAME_CLOBBERED, t, BCSC_EBADOBJ);
    if (!(t->priv.state & BCSC__TASK_CANCELLED)) {
      /* (Guarded: the compiler may not drop a loop it cannot prove ends.) */
      if (BCSC__CHECKED)
        for (bcsc_scope_t *s = t->priv.scopes; s != NULL; s = s->priv.outer)
          if (BCSC__CANARY_BAD(s, BCSC__MAGIC_SCOPE))
            BCSC__FAIL(FRAME_CLOBBERED, s, BCSC_EBADOBJ);
      cancel_one(t);
      for (bcsc_scope_t *s = t->priv.scopes; s != NULL; s = s->priv.outer) {
        if (BCSC__UNLIKELY(s->priv.flags & BCSC__SCOPE_SHIELDED))
          continue;
        s->priv.flags |= BCSC__SCOPE_CANCELLED;
        /* Children on other executors hear of it through their relays; a
         * drain grace starts its period. */
        if (BCSC__UNLIKELY(s->priv.flags & SCOPE_CANCEL_RARE))
          scope_cancelled_rare(s);
        if (down == NULL)
          down = s->priv.head;
      }
    }
    t = down != NULL ? down : next_after(t, top, BCSC__SCOPE_SHIELDED);
  }
  /* Marked only once the walk is complete: a walk stopped by a clobbered
   * frame leaves the scope cancellable again. No task runs during the walk,
   * so nothing can be spawned into the scope unmarked meanwhile. */
  top->priv.flags |= BCSC__SCOPE_CANCELLED;
  if (BCSC__UNLIKELY(top->priv.flags & SCOPE_CANCEL_RARE))
    scope_cancelled_rare(top);
  return 0;
}

/* Whether `s` is the scope of a start pending into `target` from inside
 * its shield (D83): shielded as the target is, by the same owner. */
static int start_behind(bcsc_scope_t *s, const bcsc_scope_t *target) {
  return (s->priv.flags & (BCSC__SCOPE_START | BCSC__SCOPE_SHIELDED)) ==
             (BCSC__SCOPE_START | BCSC__SCOPE_SHIELDED) &&
         bcsc__start_target(s) == target;
}

/* The next scope after `s` that a cancellation of `top` walks too, or
 * NULL: a shielded scope's own end also reaches the children its owner is
 * starting into it (D83). They wait to be ready in the starts' scopes,
 * inner scopes of the same owner behind the same shield, which the walk
 * from `top` does not enter. */
static BCSC__COLD bcsc_scope_t *start_behind_next(bcsc_scope_t *s,
                                                  const bcsc_scope_t *top) {
  for (s = s == top ? top->priv.owner->priv.scopes : s->priv.outer; s != top;
       s = s->priv.outer)
    if (start_behind(s, top))
      return s;
  return NULL;
}

/* Cancel `top` (see cancel_walk()); a shielded one's pending starts too.
 * One loop, so that the walk is a level of no call chain but this one. */
static int cancel_scope(bcsc_scope_t *top) {
  bcsc_scope_t *s = top;
  for (;;) {
    int rc = cancel_walk(s);
    if (rc != 0)
      return rc;
    if (BCSC__LIKELY(!(top->priv.flags & BCSC__SCOPE_SHIELDED)) ||
        (s = start_behind_next(s, top)) == NULL)
      return 0;
  }
}

int bcsc__task_cancel(bcsc_task_t *t) {
  int rc = 0;
  if (t->priv.state & BCSC__TASK_CANCELLED)
    return 0;
  if (BCSC__CANARY_BAD(t->priv.scope, BCSC__MAGIC_SCOPE))
    BCSC__FAIL(FRAME_CLOBBERED, t->priv.scope, BCSC_EBADOBJ);
  cancel_one(t);
  for (bcsc_scope_t *s = t->priv.scopes; s != NULL; s = s->priv.outer) {
    int r;
    if (s->priv.flags & BCSC__SCOPE_SHIELDED)
      continue; /* a cancellation from outside stops there (D80) */
    r = cancel_scope(s);
    if (rc == 0)
      rc = r;
  }
  return rc;
}

/* ---- completion -------------------------------------------------------- */

static int scope_result(const bcsc_scope_t *s) {
  /* Nothing failed, nothing was cancelled, no race ran: 0 whatever the
   * policy. */
  if (BCSC__LIKELY(
          (s->priv.flags &
           (BCSC__SCOPE_FAILED | BCSC__SCOPE_CANCELLED | BCSC__SCOPE_RACE_WON |
            BCSC__SCOPE_RACE_RAN | BCSC__SCOPE_TIMED_OUT)) == 0))
    return 0;
  if (s->priv.policy == BCSC_SCOPE_RACE) {
    if (s->priv.flags & BCSC__SCOPE_RACE_WON)
      return s->priv.kept_result;
  } else if (s->priv.flags & BCSC__SCOPE_FAILED) {
    return s->priv.first_error;
  }
  /* The scope's own deadline ended it: that is what join reports. */
  if (s->priv.flags & BCSC__SCOPE_TIMED_OUT)
    return (s->priv.flags & BCSC__SCOPE_DEADLINE_FAIL) ? BCSC_ETIMEDOUT : 0;
  if (s->priv.policy == BCSC_SCOPE_RACE &&
      (s->priv.flags & BCSC__SCOPE_RACE_RAN))
    return BCSC_ECANCELED;
  return (s->priv.flags & BCSC__SCOPE_CANCELLED) ? BCSC_ECANCELED : 0;
}

void bcsc__scope_deadline_fire(bcsc_scope_t *s) {
  if (BCSC__CANARY_BAD(s, BCSC__MAGIC_SCOPE)) {
    bcsc__misuse(BCSC_MISUSE_FRAME_CLOBBERED, s);
    return;
  }
  if (s->priv.flags & BCSC__SCOPE_GRACE_ARMED) {
    grace_fire(s);
    return;
  }
  if (s->priv.flags & BCSC__SCOPE_CANCELLED)
    return;
  s->priv.flags |= BCSC__SCOPE_TIMED_OUT;
  (void)cancel_scope(s);
}

/* The checked build's audit of a scope that ends (D29): no child is left in
 * its list, and no registration of any task spawned into it is still linked
 * anywhere (its count of linked registrations is 0). Returns 0, or
 * BCSC_EBADOBJ if a child is still linked to it (the scope must not close
 * under it); a registration left linked is reported and the count reset. */
static int scope_end_audit(bcsc_scope_t *s) {
  if (!BCSC__CHECKED)
    return 0;
  if (s->priv.live != 0 || s->priv.head != NULL || s->priv.tail != NULL)
    BCSC__FAIL(SCOPE_END_LIVE, s, BCSC_EBADOBJ);
  if (BCSC__SCOPE_LINKED(s) != 0) {
    BCSC__REPORT(SCOPE_END_LINKED, s);
    BCSC__SCOPE_LINKED(s) = 0;
  }
  return 0;
}

/* Take `s` off its owner's open scopes and mark it closed. */
static BCSC__ALWAYS_INLINE void scope_unlink(bcsc_scope_t *s) {
  s->priv.owner->priv.scopes = s->priv.outer;
  s->priv.outer = NULL;
  BCSC__HEADER_SET(s,
                   bcsc__header_with(BCSC__HEADER(s), BCSC__SCOPE_CLOSED, 0));
}

/* A start's scope `s` (D56) is empty without its child having moved: the
 * start gives its target's count back. */
static void scope_start_ended(bcsc_scope_t *s) {
  s->priv.flags &= (uint16_t)~BCSC__SCOPE_START;
  bcsc__start_abandoned(s);
}

/* The flags of what scope_close() has to undo besides the scope's links. */
#define SCOPE_CLOSE_RARE                                                       \
  (BCSC__SCOPE_DEADLINE_SET | BCSC__SCOPE_GRACE_ARMED | BCSC__SCOPE_START |    \
   BCSC__SCOPE_ATTACHED)

/* scope_close() of a scope with SCOPE_CLOSE_RARE: a deadline or a grace
 * timer (D60) still in the wheel, a start's count on its target (D56), the
 * attached nodes (D64). It returns `rc` so that the join reaches it with a
 * tail call: a call whose result the join still needed would give the
 * join's common path a stack frame (3 instructions per join, D55). */
static BCSC__COLD int scope_close_rare(bcsc_scope_t *s, int rc) {
  if ((s->priv.flags & (BCSC__SCOPE_DEADLINE_SET | BCSC__SCOPE_GRACE_ARMED)) &&
      s->priv.deadline.linked)
    bcsc__wheel_remove(s->priv.executor, &s->priv.deadline);
  /* The grace timer gives the link back: a closed scope's deadline still
   * reads as set (bcsc_scope_deadline()). */
  if (s->priv.flags & BCSC__SCOPE_GRACE_ARMED)
    grace_stopped(s, scope_grace(s));
  if (s->priv.flags & BCSC__SCOPE_START)
    scope_start_ended(s);
  if (s->priv.flags & BCSC__SCOPE_ATTACHED)
    bcsc__detach_all(s);
  scope_unlink(s);
  return rc;
}

/* Close `s`, an empty open scope; returns `rc` (see scope_close_rare()). */
static BCSC__ALWAYS_INLINE int scope_close(bcsc_scope_t *s, int rc) {
  /* One test for all of them, as the deadline's alone was. */
  if (BCSC__UNLIKELY(s->priv.flags & SCOPE_CLOSE_RARE))
    return scope_close_rare(s, rc);
  scope_unlink(s);
  return rc;
}

/* Whether a child's result counts as a failure: a child that was
 * cancelled may report the cancellation without failing its scope. */
static inline int child_failed(int result, int was_cancelled) {
  return result < 0 && !(result == BCSC_ECANCELED && was_cancelled);
}

/* Record the failure the count has just counted in `s`'s error list, while
 * it has room (D54): set before the first failure, so the count is this
 * failure's place in it. */
static void error_list_add(bcsc_scope_t *s, bcsc_task_t *child, int result,
                           int was_cancelled) {
  struct bcsc_attach_private **link =
      bcsc__attachment(s, BCSC__ATTACH_ERROR_LIST);
  const bcsc_error_list_t *l =
      link != NULL ? (const bcsc_error_list_t *)(void *)*link : NULL;
  if (l != NULL && s->priv.error_count <= l->capacity) {
    bcsc_child_error_t *e = &l->list[s->priv.error_count - 1];
    e->task = child;
    e->error = result;
    e->cancelled = was_cancelled != 0;
  }
}

/* A child completed with `result`, a failure or in a race: apply the scope's
 * policy. A success outside a race changes nothing, so that common case does
 * not come here. */
static BCSC__COLD void scope_child_done(bcsc_scope_t *s, bcsc_task_t *child,
                                        int result, int was_cancelled) {
  int failed = child_failed(result, was_cancelled);
  if (failed) {
    if (s->priv.flags & BCSC__SCOPE_FAILED) {
      s->priv.error_count++;
    } else {
      s->priv.flags |= BCSC__SCOPE_FAILED;
      s->priv.first_error = result;
      s->priv.error_count = 1;
    }
    /* The caller's list, while it has room (D54): set before the first
     * failure, so the count is this failure's place in it. */
    if (s->priv.flags & BCSC__SCOPE_ERROR_LIST)
      error_list_add(s, child, result, was_cancelled);
  }
  switch (s->priv.policy) {
  case BCSC_SCOPE_FAIL_FAST:
    if (failed)
      (void)cancel_scope(s);
    break;
  case BCSC_SCOPE_RACE:
    s->priv.flags |= BCSC__SCOPE_RACE_RAN;
    if (!was_cancelled && !(s->priv.flags & BCSC__SCOPE_RACE_WON)) {
      s->priv.flags |= BCSC__SCOPE_RACE_WON;
      s->priv.race_winner = child;
      /* An owner that returned with the scope open keeps its own result
       * in the same word, and will not join: a remote child's success can
       * still arrive after the cancel that the return sent (D75). */
      if (s->priv.owner == NULL ||
          !(s->priv.owner->priv.state & BCSC__TASK_DRAINING))
        s->priv.kept_result = result;
      (void)cancel_scope(s);
    }
    break;
  default:
    break;
  }
}

/* Wake the owner of `s`, which was joining it. Out of line: completion
 * then needs no saved registers. */
static BCSC__NOINLINE void scope_wake_owner(bcsc_scope_t *s) {
  bcsc_task_t *owner = s->priv.owner;
  uint64_t word;
  uint16_t state;
  if (BCSC__TASK_CANARY_BAD(owner)) {
    BCSC__REPORT(FRAME_CLOBBERED, owner);
    return;
  }
  s->priv.flags &= (uint16_t)~BCSC__SCOPE_JOINING;
  word = BCSC__HEADER(owner);
  state = bcsc__header_state(word);
  /* The common wake: an owner that waits for nothing else. */
  if (BCSC__LIKELY((state & (BCSC__TASK_STATE_MASK | BCSC__TASK_JOINING)) ==
                       (BCSC__TASK_WAITING | BCSC__TASK_JOINING) &&
                   owner->priv.link.waits == NULL)) {
    bcsc_executor_t *ex = s->priv.executor;
    BCSC__HEADER_SET(
        owner, bcsc__header_with_state(word, (state & ~(BCSC__TASK_STATE_MASK |
                                                        BCSC__TASK_JOINING)) |
                                                 BCSC__TASK_QUEUED));
    ex->priv.wakes++;
    bcsc__runq_append(ex, owner);
    return;
  }
  BCSC__HEADER_SET(owner,
                   bcsc__header_with_state(word, state & ~BCSC__TASK_JOINING));
  bcsc__task_wake(owner);
}

/* The scope's last child completed: wake its owner if it is joining. */
static BCSC__ALWAYS_INLINE void scope_emptied(bcsc_scope_t *s) {
  if (s->priv.flags & BCSC__SCOPE_JOINING)
    scope_wake_owner(s);
}

/* The rest of task_complete() for a child that failed, ran in a race,
 * came from a pool or was sent by another executor (then `s` is this
 * executor's root, and the parent's scope hears of it instead); and what
 * a remote child's end does to its parent's scope. */
static BCSC__COLD void task_complete_rare(bcsc_task_t *t, bcsc_scope_t *s,
                                          int result, uint16_t state,
                                          uint32_t live) {
  int was_cancelled = (state & BCSC__TASK_CANCELLED) != 0;
  if (state & BCSC__TASK_REMOTE) {
    bcsc__remote_returned(t, s);
    return;
  }
  if (child_failed(result, was_cancelled) || s->priv.policy == BCSC_SCOPE_RACE)
    scope_child_done(s, t, result, was_cancelled);
  if (state & BCSC__TASK_POOLED)
    bcsc__pool_reclaim(t);
  if (live == 0)
    scope_emptied(s);
}

/* A completing task that its scope's list does not hold: reported, and
 * made done without touching the scope (D29). */
static BCSC__COLD void task_complete_unlisted(bcsc_task_t *t, int result,
                                              uint16_t state) {
  BCSC__REPORT(NODE_UNLINKED, t);
  BCSC__HEADER_SET(
      t, bcsc__header_with(BCSC__HEADER(t),
                           BCSC__TASK_DONE | (state & (BCSC__TASK_CANCELLED |
                                                       BCSC__TASK_POOLED)),
                           0));
  t->priv.link.result = result;
}

/* task_complete() once no lock is held by the task. */
static BCSC__ALWAYS_INLINE void task_complete_unlocked(bcsc_task_t *t,
                                                       bcsc_scope_t *s,
                                                       bcsc_executor_t *ex,
                                                       int result) {
  uint64_t word = BCSC__HEADER(t);
  uint16_t state = bcsc__header_state(word);
  uint32_t live;

  /* The checked build: a task its scope's list does not hold (a stale copy
   * of a live frame put back over a completed one) must not unlink twice. */
  if (BCSC__CHECKED && !BCSC__LIST_LINKED(s->priv.head, s->priv.tail, t,
                                          sibling_next, sibling_prev)) {
    task_complete_unlisted(t, result, state);
    return;
  }
  /* A completed task's own sibling links are never followed again: spawn
   * rewrites both. The checked build poisons them (D29). */
  BCSC__LIST_UNLINK(bcsc_task_t, s->priv.head, s->priv.tail, t, sibling_next,
                    sibling_prev);
  if (BCSC__CHECKED)
    BCSC__LIST_POISON(t, sibling_next, sibling_prev);

  /* Done, and no longer linked (no tag): free to move or reuse. */
  BCSC__HEADER_SET(
      t, bcsc__header_with(word,
                           BCSC__TASK_DONE | (state & (BCSC__TASK_CANCELLED |
                                                       BCSC__TASK_POOLED)),
                           0));
  t->priv.link.result = result;
  bcsc__task_poison(ex, t); /* ASan, opt-in: what bcsc never reads again */
  ex->priv.completions++;
  live = --s->priv.live;
  if (BCSC__CHECKED) {
    BCSC__HOOK(ex, BCSC__HOOK_COMPLETED, t);
    live = s->priv.live; /* the hook may have spawned into it */
  }

  /* A success outside a race changes nothing in its scope, and most frames
   * are neither pooled nor remote: then nothing is left but waking a
   * joining owner. */
  if (BCSC__UNLIKELY(
          child_failed(result, (state & BCSC__TASK_CANCELLED) != 0) ||
          s->priv.policy == BCSC_SCOPE_RACE ||
          (state & (BCSC__TASK_POOLED | BCSC__TASK_REMOTE)))) {
    task_complete_rare(t, s, result, state, live);
    return;
  }
  if (live == 0)
    scope_emptied(s);
}

/* A lock it still holds is released before anything else can see it done
 * (a guard whose scope is the task). Out of line, with its own copy of the
 * rest, so that the common completion keeps no register across a call and
 * needs no stack frame (it had one while the release was inline: 13
 * instructions per completion). */
static BCSC__COLD void task_complete_locked(bcsc_task_t *t, bcsc_scope_t *s,
                                            bcsc_executor_t *ex, int result) {
  bcsc__mutexes_release(ex, t);
  task_complete_unlocked(t, s, ex, result);
}

static void task_complete(bcsc_task_t *t, int result) {
  bcsc_scope_t *s = t->priv.scope;
  bcsc_executor_t *ex = s->priv.executor;
  /* One load when no lock is held. */
  if (BCSC__UNLIKELY(ex->priv.held_mutexes != NULL)) {
    task_complete_locked(t, s, ex, result);
    return;
  }
  task_complete_unlocked(t, s, ex, result);
}

void bcsc__scope_child_ended(bcsc_scope_t *s, bcsc_task_t *child, int result,
                             int was_cancelled) {
  uint32_t live = --s->priv.live;
  task_complete_rare(child, s, result, was_cancelled ? BCSC__TASK_CANCELLED : 0,
                     live);
}

/* A task that returned while aborts were pending (D67) had the last of
 * them fire: it goes on as it would have when it returned, with the result
 * it returned then. Without scopes it completes (1); with them - cancelled
 * already - it drains them (0). */
static BCSC__COLD int task_unhold(bcsc_task_t *t) {
  int result = bcsc__abort_result(t);
  bcsc__task_store_state(t, t->priv.state & ~BCSC__TASK_ABORTED);
  if (t->priv.scopes != NULL) {
    t->priv.scopes->priv.kept_result = result;
    return 0;
  }
  bcsc__task_store_state(t, t->priv.state & ~BCSC__TASK_DRAINING);
  task_complete(t, result);
  return 1;
}

void bcsc__task_drain(bcsc_task_t *t) {
  bcsc_scope_t *innermost;
  int result;

  if (BCSC__UNLIKELY(t->priv.state & BCSC__TASK_ABORTED) && task_unhold(t))
    return;
  innermost = t->priv.scopes;
  result = innermost->priv.kept_result;
  for (bcsc_scope_t *s = innermost; s != NULL; s = s->priv.outer) {
    if (s->priv.live != 0) {
      s->priv.flags |= BCSC__SCOPE_JOINING;
      bcsc__task_store_state(t, (t->priv.state & ~BCSC__TASK_STATE_MASK) |
                                    BCSC__TASK_WAITING | BCSC__TASK_JOINING);
      return;
    }
    /* An empty start's scope gives its target's count back now, not when
     * it closes: the target may be an outer scope of this task, which
     * would wait for it forever (D56). */
    if (BCSC__UNLIKELY(s->priv.flags & BCSC__SCOPE_START))
      scope_start_ended(s);
  }
  /* Every scope is empty. An error of a child is not lost because its
   * owner returned without joining: it becomes the owner's result. */
  while (t->priv.scopes != NULL) {
    bcsc_scope_t *s = t->priv.scopes;
    if (result == 0 && (s->priv.flags & BCSC__SCOPE_FAILED))
      result = s->priv.first_error;
    if (BCSC__CHECKED)
      (void)scope_end_audit(s); /* reported; the owner completes anyway */
    (void)scope_close(s, 0);
  }
  bcsc__task_store_state(t, t->priv.state & ~BCSC__TASK_DRAINING);
  task_complete(t, result);
}

void bcsc__task_returned(bcsc_task_t *t, int result) {
  if (t->priv.scopes == NULL) {
    task_complete(t, result);
    return;
  }
  /* Returned with scopes open (DESIGN §3.3): the task does not complete
   * until those children have. Cancel them and wait for them, as join would;
   * the frame, and so their frames, stay alive meanwhile. A join it left
   * pending is dropped first: the drain chooses what to wait for. */
  if (t->priv.state & BCSC__TASK_JOINING)
    bcsc__task_unjoin(t);
  t->priv.scopes->priv.kept_result = result;
  bcsc__task_store_state(t, t->priv.state | BCSC__TASK_DRAINING);
  for (bcsc_scope_t *s = t->priv.scopes; s != NULL; s = s->priv.outer)
    (void)cancel_scope(s);
  bcsc__task_drain(t);
}

void bcsc__task_returned_held(bcsc_task_t *t, int result) {
  /* As for a drain: nothing can wake it but its held registrations (a
   * cancellation leaves a DRAINING task alone), and its children are
   * cancelled now rather than when they have fired. */
  if (BCSC__UNLIKELY(bcsc__task_slot1(t) != 0))
    bcsc__waker_release(t);
  bcsc__abort_hold(t, result);
  bcsc__task_store_state(t, (t->priv.state & ~BCSC__TASK_STATE_MASK) |
                                BCSC__TASK_WAITING | BCSC__TASK_DRAINING |
                                BCSC__TASK_ABORTED);
  for (bcsc_scope_t *s = t->priv.scopes; s != NULL; s = s->priv.outer)
    (void)cancel_scope(s);
}

/* ---- a started child's move (start.c, D56) ----------------------------- */

void bcsc__scope_reserve(bcsc_scope_t *target, bcsc_scope_t *home) {
  target->priv.live++;
  home->priv.flags |= BCSC__SCOPE_START;
}

void bcsc__scope_release(bcsc_scope_t *s) {
  if (--s->priv.live == 0)
    scope_emptied(s);
}

int bcsc__scope_move(bcsc_task_t *t, bcsc_scope_t *to) {
  bcsc_scope_t *from = t->priv.scope;
  /* A start's scope holds its child alone (start.c spawns nothing else
   * into it): taking the child out empties it. */
  from->priv.head = NULL;
  from->priv.tail = NULL;
  BCSC__LIST_APPEND(to->priv.head, to->priv.tail, t, sibling_next,
                    sibling_prev);
  t->priv.scope = to;
  /* `to` counted the child since the start: its count stays. */
  from->priv.flags &= (uint16_t)~BCSC__SCOPE_START;
  if (BCSC__CHECKED) {
    /* The registrations it holds now are its new scope's to audit (D29):
     * each one's unlink counts down its task's scope of the moment. */
    uintptr_t n = 0;
    for (const bcsc_wait_t *w = t->priv.link.waits; w != NULL;
         w = w->priv.task_next)
      n += w->priv.state == BCSC__WAIT_LINKED;
    BCSC__SCOPE_LINKED(from) -= n;
    BCSC__SCOPE_LINKED(to) += n;
  }
  /* Its start's caller waits for this. */
  from->priv.live = 0;
  scope_emptied(from);
  /* A cancelled scope's children are all cancelled. */
  if ((to->priv.flags & BCSC__SCOPE_CANCELLED) &&
      !(t->priv.state & BCSC__TASK_CANCELLED))
    return bcsc__task_cancel(t);
  return 0;
}

/* ---- public API -------------------------------------------------------- */

/* The checks of bcsc_scope_init() before the reopening test, each in its
 * order, for what the fast path does not take: 0 if they pass. */
static BCSC__COLD int scope_init_checked(const bcsc_scope_t *scope,
                                         const bcsc_task_t *owner,
                                         uint32_t policy) {
  int rc;
  if (scope == NULL)
    BCSC__FAIL(NULL_OBJECT, scope, BCSC_EINVAL);
  if ((rc = bcsc__check_task(owner)) != 0)
    return rc;
  if ((policy & ~(uint32_t)BCSC_SCOPE_SHIELD) > BCSC_SCOPE_RACE)
    BCSC__FAIL(BAD_ARGUMENT, scope, BCSC_EINVAL);
  if (owner->priv.scope == NULL || !bcsc__task_is_running(owner))
    BCSC__FAIL(NOT_RUNNING, owner, BCSC_EPERM);
  return 0;
}

/* Open `scope` for `owner` once the checks have passed. */
static BCSC__ALWAYS_INLINE int
scope_init_go(bcsc_scope_t *scope, bcsc_task_t *owner, uint32_t policy) {
  for (const bcsc_scope_t *s = owner->priv.scopes; s != NULL; s = s->priv.outer)
    if (s == scope)
      BCSC__FAIL(SCOPE_REOPENED, scope, BCSC_EBUSY);
  scope_open(scope, bcsc__task_executor(owner), owner,
             policy & ~(uint32_t)BCSC_SCOPE_SHIELD);
  scope->priv.outer = owner->priv.scopes;
  owner->priv.scopes = scope;
  /* The fast path knows the option is not there: this folds away. */
  if (policy & BCSC_SCOPE_SHIELD)
    scope->priv.flags |= BCSC__SCOPE_SHIELDED;
  else if (owner->priv.state & BCSC__TASK_CANCELLED)
    scope->priv.flags |= BCSC__SCOPE_CANCELLED;
  return 0;
}

/* bcsc_scope_init() past its fast path, whole (a tail call, as spawn's). */
static BCSC__COLD int scope_init_slow(bcsc_scope_t *scope, bcsc_task_t *owner,
                                      uint32_t policy) {
  int rc = scope_init_checked(scope, owner, policy);
  if (rc != 0)
    return rc;
  return scope_init_go(scope, owner, policy);
}

int bcsc_scope_init(bcsc_scope_t *scope, bcsc_task_t *owner, uint32_t policy) {
  const uint16_t flags = BCSC__TASK_CANCELLED | BCSC__TASK_WOKEN |
                         BCSC__TASK_POOLED | BCSC__TASK_VALUE_WOKEN |
                         BCSC__TASK_REMOTE;
  /* A running, unmoved owner on its executor, whatever its flags. */
  if (BCSC__UNLIKELY(scope == NULL || owner == NULL ||
                     policy > BCSC_SCOPE_RACE ||
                     !bcsc__task_polled(owner, flags)))
    return scope_init_slow(scope, owner, policy);
  return scope_init_go(scope, owner, policy);
}

/* Link a checked idle `child` into `scope` and queue it, with the state
 * flags `extra`. */
static BCSC__ALWAYS_INLINE void spawn_link(bcsc_scope_t *scope,
                                           bcsc_task_t *child, uint16_t extra) {
  bcsc_executor_t *ex = scope->priv.executor;
  /* Cancelled if its scope is: the flag carried over without a branch. */
  uint32_t state = (child->priv.state & BCSC__TASK_POOLED) | BCSC__TASK_QUEUED |
                   extra |
                   (uint32_t)(scope->priv.flags & BCSC__SCOPE_CANCELLED) *
                       (BCSC__TASK_CANCELLED / BCSC__SCOPE_CANCELLED);
  /* The checks saw the task magic. */
  BCSC__HEADER_SET(child, bcsc__header_expect(state, BCSC__MAGIC_TASK,
                                              bcsc__task_tag16(child)));
  child->priv.scope = scope;
  /* An idle frame owns no open scope: bcsc_task_init() and the initialiser
   * write NULL, and a task completes only once its scopes have closed. */
  if (BCSC__CHECKED)
    child->priv.scopes = NULL;
  BCSC__LIST_APPEND(scope->priv.head, scope->priv.tail, child, sibling_next,
                    sibling_prev);
  scope->priv.live++;
  ex->priv.spawns++;
  bcsc__runq_append(ex, child);
}

/* The checks of bcsc_scope_spawn(), each in its order, for what the fast
 * path does not take: 0 if the spawn may go ahead. */
int bcsc__check_spawnable(const bcsc_task_t *child) {
  int rc;
  if ((rc = bcsc__check_task(child)) != 0)
    return rc;
  switch (bcsc__task_state(child)) {
  case BCSC__TASK_IDLE:
    /* A remote child whose spawn message its host has not taken yet. */
    if (child->priv.state & BCSC__TASK_REMOTE)
      BCSC__FAIL(DOUBLE_SPAWN, child, BCSC_EBUSY);
    return 0;
  case BCSC__TASK_DONE:
    BCSC__FAIL(TASK_DONE, child, BCSC_ESTATE);
  default:
    BCSC__FAIL(DOUBLE_SPAWN, child, BCSC_EBUSY);
  }
}

static BCSC__COLD int spawn_checked(const bcsc_scope_t *scope,
                                    const bcsc_task_t *child) {
  int rc;
  if ((rc = bcsc__check_scope(scope)) != 0 ||
      (rc = bcsc__check_task(child)) != 0)
    return rc;
  if (scope->priv.state != BCSC__SCOPE_OPEN)
    BCSC__FAIL(SCOPE_CLOSED, scope, BCSC_ESTATE);
  return bcsc__check_spawnable(child);
}

/* Spawn once the checks have passed, but for the thread. */
static BCSC__ALWAYS_INLINE int spawn_go(bcsc_scope_t *scope,
                                        bcsc_task_t *child) {
  /* Only the executor's thread may link a frame into its tasks. */
  if (BCSC__CHECKED && BCSC__UNLIKELY(bcsc__wrong_thread(scope->priv.executor)))
    BCSC__FAIL(WRONG_THREAD, scope, BCSC_EPERM);
  spawn_link(scope, child, 0);
  return 0;
}

/* bcsc_scope_spawn() past its fast path, whole: a tail call from there,
 * so that the fast path makes no call and needs no stack frame. It spawns
 * a pool's frame, which is idle with its tag (D97; its checks have seen
 * that the tag is its own), and fails otherwise. Its checks refuse every
 * word the fast path refuses but two: an open scope with a tag of 0, and
 * an idle frame with some other tag or flag set. Neither is left by any
 * call - scope_open() tags a scope, only bcsc_task_init() and a pool's
 * acquire make a frame idle, and they clear the rest - so either was
 * overwritten; spawning it would link a frame that may be live already. */
static BCSC__COLD int spawn_slow(bcsc_scope_t *scope, bcsc_task_t *child) {
  int rc = spawn_checked(scope, child);
  if (rc != 0)
    return rc;
  if (scope->priv.self_tag == 0)
    BCSC__FAIL(FRAME_CLOBBERED, scope, BCSC_EBADOBJ);
  if (child->priv.state == BCSC__TASK_POOLED &&
      child->priv.self_tag == bcsc__task_tag16(child))
    return spawn_go(scope, child);
  BCSC__FAIL(FRAME_CLOBBERED, child, BCSC_EBADOBJ);
}

int bcsc_scope_spawn(bcsc_scope_t *scope, bcsc_task_t *child) {
  /* An open, unmoved scope and an idle, unlinked frame (a pool's frame
   * is tagged: spawn_slow() takes it). */
  if (BCSC__UNLIKELY(
          scope == NULL || child == NULL ||
          BCSC__HEADER(scope) != bcsc__header_expect(BCSC__SCOPE_OPEN,
                                                     BCSC__MAGIC_SCOPE,
                                                     bcsc__self_tag(scope)) ||
          BCSC__HEADER(child) !=
              bcsc__header_expect(BCSC__TASK_IDLE, BCSC__MAGIC_TASK, 0)))
    return spawn_slow(scope, child);
  return spawn_go(scope, child);
}

void bcsc__scope_host(bcsc_executor_t *host, bcsc_task_t *t, int cancelled) {
  spawn_link(&host->priv.root, t,
             BCSC__TASK_REMOTE | (cancelled ? BCSC__TASK_CANCELLED : 0));
}

/* The checks of bcsc_scope_join() that the header word covers, each in its
 * order, for a scope whose header word is not that of an open one: always
 * an error. The word is the state, the magic and the tag; a scope that
 * passes the first two checks is open with a tag of 0 (the check allows it
 * for objects that are untagged while idle), and an open scope always
 * carries its tag (scope_open()): the word was overwritten. */
static BCSC__COLD int join_checked(const bcsc_scope_t *scope) {
  int rc = bcsc__check_scope(scope);
  if (rc != 0)
    return rc;
  if (scope->priv.state != BCSC__SCOPE_OPEN)
    BCSC__FAIL(SCOPE_CLOSED, scope, BCSC_ESTATE);
  BCSC__FAIL(FRAME_CLOBBERED, scope, BCSC_EBADOBJ);
}

int bcsc_scope_join(bcsc_scope_t *scope) {
  bcsc_task_t *owner;
  int rc;
  if (BCSC__UNLIKELY(scope == NULL ||
                     BCSC__HEADER(scope) !=
                         bcsc__header_expect(BCSC__SCOPE_OPEN,
                                             BCSC__MAGIC_SCOPE,
                                             bcsc__self_tag(scope))))
    return join_checked(scope);
  owner = scope->priv.owner;
  if (owner == NULL || scope->priv.executor->priv.current != owner)
    BCSC__FAIL(FOREIGN_SCOPE, scope, BCSC_EPERM);
  if (owner->priv.scopes != scope)
    BCSC__FAIL(SCOPE_ORDER, scope, BCSC_ESTATE);
  if (scope->priv.live != 0) {
    if (!(scope->priv.flags & BCSC__SCOPE_JOINING)) {
      scope->priv.flags |= BCSC__SCOPE_JOINING;
      /* Through the whole header word, which the run loop loads as soon
       * as this poll returns: a narrower store would make that load wait
       * for it to retire (bench_tree: 1.5-2.4 ns per node). */
      BCSC__HEADER_SET(owner,
                       BCSC__HEADER(owner) |
                           bcsc__header_expect(BCSC__TASK_JOINING, 0, 0));
    }
    return BCSC_PENDING;
  }
  rc = scope_result(scope);
  if (BCSC__CHECKED && scope_end_audit(scope) != 0)
    return BCSC_EBADOBJ;
  return scope_close(scope, rc);
}

int bcsc_scope_cancel(bcsc_scope_t *scope) {
  int rc = bcsc__check_scope(scope);
  if (rc != 0)
    return rc;
  if (scope->priv.state != BCSC__SCOPE_OPEN)
    BCSC__FAIL(SCOPE_CLOSED, scope, BCSC_ESTATE);
  return cancel_scope(scope);
}

/* Shield `s` or not (D83). A shield taken away where a cancellation from
 * outside would have reached the scope - its owner is cancelled: by its
 * own cancel, or by a scope above - lets it in now, as Trio delivers it
 * at the next checkpoint. One turned on stops what comes later; what was
 * cancelled stays so. */
static int shield_set(bcsc_scope_t *s, int on) {
  if (on) {
    s->priv.flags |= BCSC__SCOPE_SHIELDED;
    return 0;
  }
  s->priv.flags &= (uint16_t)~BCSC__SCOPE_SHIELDED;
  if (s->priv.owner->priv.state & BCSC__TASK_CANCELLED)
    return cancel_scope(s);
  return 0;
}

int bcsc_scope_set_shield(bcsc_scope_t *scope, int on) {
  int rc = bcsc__check_scope(scope);
  if (rc != 0)
    return rc;
  if (scope->priv.state != BCSC__SCOPE_OPEN)
    BCSC__FAIL(SCOPE_CLOSED, scope, BCSC_ESTATE);
  /* An executor's root scope has nothing above it to shield from. */
  if (scope->priv.owner == NULL)
    BCSC__FAIL(BAD_ARGUMENT, scope, BCSC_EINVAL);
  if (BCSC__CHECKED && bcsc__wrong_thread(scope->priv.executor))
    BCSC__FAIL(WRONG_THREAD, scope, BCSC_EPERM);
  rc = shield_set(scope, on);
  /* The starts its owner has pending into it are made from inside: their
   * scopes follow (D83). Behind a shield that has ended already, a child
   * still getting ready is reached by that end, as one started then. */
  for (bcsc_scope_t *s = scope->priv.owner->priv.scopes; s != scope;
       s = s->priv.outer)
    if ((s->priv.flags & BCSC__SCOPE_START) && bcsc__start_target(s) == scope) {
      int r = shield_set(s, on);
      if (r == 0 && on && (scope->priv.flags & BCSC__SCOPE_CANCELLED))
        r = cancel_scope(s);
      if (rc == 0)
        rc = r;
    }
  return rc;
}

int bcsc__check_scope_owner(const bcsc_scope_t *scope) {
  if (scope->priv.state != BCSC__SCOPE_OPEN)
    BCSC__FAIL(SCOPE_CLOSED, scope, BCSC_ESTATE);
  if (scope->priv.owner == NULL ||
      scope->priv.executor->priv.current != scope->priv.owner)
    BCSC__FAIL(FOREIGN_SCOPE, scope, BCSC_EPERM);
  return 0;
}

int bcsc_scope_set_deadline(bcsc_scope_t *scope, uint64_t deadline,
                            uint32_t kind) {
  bcsc_executor_t *ex;
  uint64_t now;
  int rc = bcsc__check_scope(scope);
  if (rc != 0)
    return rc;
  if (kind > BCSC_DEADLINE_FAIL)
    BCSC__FAIL(BAD_ARGUMENT, scope, BCSC_EINVAL);
  if ((rc = bcsc__check_scope_owner(scope)) != 0)
    return rc;
  ex = scope->priv.executor;
  if (ex->priv.reactor == NULL)
    return BCSC_ENOTSUP;
  scope->priv.flags &= (uint16_t)~BCSC__SCOPE_DEADLINE_FAIL;
  if (kind == BCSC_DEADLINE_FAIL)
    scope->priv.flags |= BCSC__SCOPE_DEADLINE_FAIL;
  /* The grace timer has the link (D59): the scope is cancelled, so the
   * deadline is only kept, where the link's own would be. */
  if (BCSC__UNLIKELY(scope->priv.flags & BCSC__SCOPE_GRACE_ARMED)) {
    bcsc_drain_grace_t *g = scope_grace(scope);
    scope->priv.flags |= BCSC__SCOPE_DEADLINE_SET;
    if (g != NULL)
      g->priv.kept = deadline;
    return 0;
  }
  if (!(scope->priv.flags & BCSC__SCOPE_DEADLINE_SET)) {
    scope->priv.deadline.next = NULL;
    scope->priv.deadline.prev = NULL;
    scope->priv.deadline.slot = 0;
    scope->priv.deadline.kind = BCSC__LINK_SCOPE;
    scope->priv.deadline.linked = 0;
    scope->priv.flags |= BCSC__SCOPE_DEADLINE_SET;
  }
  if (scope->priv.deadline.linked)
    bcsc__wheel_remove(ex, &scope->priv.deadline);
  scope->priv.deadline.deadline = deadline;
  /* A cancelled scope has nothing left for a deadline to do. */
  if (deadline == BCSC_NO_DEADLINE ||
      (scope->priv.flags & BCSC__SCOPE_CANCELLED))
    return 0;
  now = bcsc__executor_clock(ex);
  if (deadline <= now)
    bcsc__scope_deadline_fire(scope);
  else
    bcsc__wheel_insert(ex, &scope->priv.deadline);
  return 0;
}

uint64_t bcsc_scope_deadline(const bcsc_scope_t *scope) {
  uint64_t earliest = BCSC_NO_DEADLINE;
  /* Up the spawn chain: the scope, the scope its owner lives in, ... */
  for (const bcsc_scope_t *s = scope; s != NULL;
       s = s->priv.owner != NULL ? s->priv.owner->priv.scope : NULL) {
    /* A lookup only: scope_grace() writes nothing. */
    const bcsc_drain_grace_t *g = (s->priv.flags & BCSC__SCOPE_GRACE_ARMED)
                                      ? scope_grace((bcsc_scope_t *)s)
                                      : NULL;
    uint64_t own = g != NULL ? g->priv.kept : s->priv.deadline.deadline;
    if ((s->priv.flags & BCSC__SCOPE_DEADLINE_SET) && own < earliest)
      earliest = own;
    /* No deadline above a shielded scope reaches it (D80). */
    if (s->priv.flags & BCSC__SCOPE_SHIELDED)
      break;
  }
  return earliest;
}

int bcsc_scope_set_drain_grace(bcsc_scope_t *scope, bcsc_drain_grace_t *grace,
                               uint64_t grace_ns, bcsc_stuck_fn report,
                               void *context) {
  struct bcsc_attach_private **link = NULL;
  int rc = bcsc__check_scope(scope);
  if (rc != 0 || (rc = bcsc__check_drain_grace(grace)) != 0)
    return rc;
  if (report != NULL && grace_ns == 0)
    BCSC__FAIL(BAD_ARGUMENT, scope, BCSC_EINVAL);
  if ((rc = bcsc__check_scope_owner(scope)) != 0)
    return rc;
  if (scope->priv.executor->priv.reactor == NULL)
    return BCSC_ENOTSUP;
  /* The node the scope holds now, if any (D64). */
  if ((scope->priv.flags & BCSC__SCOPE_GRACE) &&
      (link = bcsc__attachment(scope, BCSC__ATTACH_GRACE)) == NULL)
    return BCSC_EBADOBJ;
  if (grace->priv.node.state != BCSC__ATTACH_IDLE &&
      (link == NULL || *link != &grace->priv.node))
    BCSC__FAIL(ATTACHED, grace, BCSC_EBUSY);
  if (scope->priv.flags & BCSC__SCOPE_GRACE_ARMED)
    grace_disarm(scope, (const bcsc_drain_grace_t *)(void *)*link);
  if (link != NULL)
    bcsc__detach(scope, link, BCSC__SCOPE_GRACE);
  if (report == NULL)
    return 0;
  grace->period = grace_ns;
  grace->report = report;
  grace->context = context;
  bcsc__attach(scope, &grace->priv.node, BCSC__ATTACH_GRACE, BCSC__SCOPE_GRACE);
  /* Cancelled already: the period starts now. */
  if (scope->priv.flags & BCSC__SCOPE_CANCELLED)
    grace_arm(scope, grace);
  return 0;
}

int bcsc_drain_grace_init(bcsc_drain_grace_t *grace) {
  if (grace == NULL)
    BCSC__FAIL(NULL_OBJECT, grace, BCSC_EINVAL);
  *grace = (bcsc_drain_grace_t)BCSC_DRAIN_GRACE_INITIALIZER;
  return 0;
}

int bcsc_scope_timed_out(const bcsc_scope_t *scope) {
  return scope != NULL && (scope->priv.flags & BCSC__SCOPE_TIMED_OUT) != 0;
}

int bcsc_scope_cancelled(const bcsc_scope_t *scope) {
  return scope != NULL && (scope->priv.flags & BCSC__SCOPE_CANCELLED) != 0;
}

bcsc_task_t *bcsc_scope_winner(const bcsc_scope_t *scope) {
  return scope != NULL && (scope->priv.flags & BCSC__SCOPE_RACE_WON) != 0
             ? scope->priv.race_winner
             : NULL;
}

uint32_t bcsc_scope_live(const bcsc_scope_t *scope) {
  return scope != NULL ? scope->priv.live : 0;
}

uint32_t bcsc_scope_error_count(const bcsc_scope_t *scope) {
  return scope != NULL && (scope->priv.flags & BCSC__SCOPE_FAILED)
             ? scope->priv.error_count
             : 0;
}

int bcsc_scope_set_error_list(bcsc_scope_t *scope, bcsc_error_list_t *node,
                              bcsc_child_error_t *list, uint32_t capacity) {
  struct bcsc_attach_private **link = NULL;
  int rc = bcsc__check_scope(scope);
  if (rc != 0 || (rc = bcsc__check_error_list(node)) != 0)
    return rc;
  if (list == NULL && capacity != 0)
    BCSC__FAIL(BAD_ARGUMENT, scope, BCSC_EINVAL);
  if ((rc = bcsc__check_scope_owner(scope)) != 0)
    return rc;
  /* A failure already counted could not be in the list: refused, so that
   * the list always holds the first min(count, capacity) (D54). */
  if (scope->priv.flags & BCSC__SCOPE_FAILED)
    BCSC__FAIL(ERROR_LIST_LATE, scope, BCSC_ESTATE);
  /* The node the scope holds now, if any (D64). */
  if ((scope->priv.flags & BCSC__SCOPE_ERROR_LIST) &&
      (link = bcsc__attachment(scope, BCSC__ATTACH_ERROR_LIST)) == NULL)
    return BCSC_EBADOBJ;
  if (node->priv.state != BCSC__ATTACH_IDLE &&
      (link == NULL || *link != &node->priv))
    BCSC__FAIL(ATTACHED, node, BCSC_EBUSY);
  if (link != NULL)
    bcsc__detach(scope, link, BCSC__SCOPE_ERROR_LIST);
  if (list == NULL)
    return 0;
  node->list = list;
  node->capacity = capacity;
  bcsc__attach(scope, &node->priv, BCSC__ATTACH_ERROR_LIST,
               BCSC__SCOPE_ERROR_LIST);
  return 0;
}

int bcsc_error_list_init(bcsc_error_list_t *node) {
  if (node == NULL)
    BCSC__FAIL(NULL_OBJECT, node, BCSC_EINVAL);
  *node = (bcsc_error_list_t)BCSC_ERROR_LIST_INITIALIZER;
  return 0;
}

size_t bcsc_child_error_sizeof(void) { return sizeof(bcsc_child_error_t); }
size_t bcsc_child_error_alignof(void) { return _Alignof(bcsc_child_error_t); }
size_t bcsc_scope_sizeof(void) { return sizeof(bcsc_scope_t); }
size_t bcsc_scope_alignof(void) { return _Alignof(bcsc_scope_t); }
size_t bcsc_drain_grace_sizeof(void) { return sizeof(bcsc_drain_grace_t); }
size_t bcsc_drain_grace_alignof(void) { return _Alignof(bcsc_drain_grace_t); }
size_t bcsc_error_list_sizeof(void) { return sizeof(bcsc_error_list_t); }
size_t bcsc_error_list_alignof(void) { return _Alignof(bcsc_error_list_t); }
