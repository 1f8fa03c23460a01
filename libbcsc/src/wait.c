/* SPDX-License-Identifier: MIT
 * wait.c - the wake path: registrations, waiter lists, and how a wake
 * reaches a task. Sources wake registrations, registrations queue tasks. */
#include "internal.h"
#include "list.h"

_Static_assert(BCSC__MAGIC_WAIT == 0x3a17 && BCSC__MAGIC_WAITQ == 0x3b29,
               "BCSC_WAIT_INITIALIZER and BCSC_WAITQ_INITIALIZER spell these");

static bcsc_waitq_t *waitq_of_links(struct bcsc_wait_link *l) {
  return BCSC__CONTAINER_OF(l, bcsc_waitq_t, priv.waiters);
}

/* Empty `q`. A list is tagged while it has waiters (moving it then would
 * leave them pointing at the old copy), so it is free to move again. */
static void waitq_clear(bcsc_waitq_t *q) {
  q->priv.waiters.next = NULL;
  q->priv.waiters.prev = NULL;
  q->priv.self_tag = 0;
}

/* ---- checked build: the front of a registration, and its links (D28, D29).
 * A linked node's `value` is 0 (linking clears it; only a fire sets it) or
 * its list's address (a place in a strict line, D34), and
 * its ring neighbours point back at it; once unlinked its links are
 * poisoned, so that a traversal that reaches it stops there. */

/* The `value` of a linked registration on a completion source's list
 * (D67): the list's address, with ABORT_CALLING while its abort function
 * runs; ABORT_HELD once the abort is pending; and for a task that returned
 * meanwhile (BCSC__TASK_ABORTED), the result it returned (abort_enc()). */
#define ABORT_HELD ((uintptr_t)1)
#define ABORT_CALLING ((uintptr_t)2)

/* Whether a linked node's front was overwritten: `value` is neither 0 nor,
 * for a place in a strict line (D34) or a completion source's registration
 * (D67), what those hold: the address of a valid waiter list (an aligned
 * one is looked at: the list's own canary), or an abort's marks. */
static int wait_front_bad(const bcsc_wait_t *w) {
  const bcsc_waitq_t *q;
  if (!BCSC__CHECKED || w->value == 0 || w->value == ABORT_HELD ||
      (w->priv.task->priv.state & BCSC__TASK_ABORTED))
    return 0;
  q = (const bcsc_waitq_t *)(w->value & ~ABORT_CALLING);
  return (uintptr_t)q % _Alignof(bcsc_waitq_t) != 0 ||
         ((w->value & ABORT_CALLING) &&
          q->priv.magic != BCSC__MAGIC_WAITQ_ABORT) ||
         (BCSC__CANARY_BAD(q, BCSC__MAGIC_WAITQ) &&
          BCSC__CANARY_BAD(q, BCSC__MAGIC_WAITQ_ABORT));
}

/* Whether a node that says it is linked is not where its ring links say:
 * unlinked already (a copy of the node from before its unlink, a second
 * unlink) or reached through a stale link. A plain node is always on a
 * list; a timer's is linked directly (no ring). */
static int wait_ring_bad(const bcsc_wait_t *w) {
  const struct bcsc_wait_link *next = w->priv.queue.next;
  const struct bcsc_wait_link *prev = w->priv.queue.prev;
  if (!BCSC__CHECKED || w->priv.magic == BCSC__MAGIC_TIMER_WAIT)
    return 0;
  return next == NULL || (const void *)next == BCSC__POISONED ||
         (const void *)prev == BCSC__POISONED || next->prev != &w->priv.queue ||
         prev->next != &w->priv.queue;
}

/* The same for its links in its task's list of registrations. */
static int wait_task_links_bad(const bcsc_wait_t *w) {
  const bcsc_wait_t *next = w->priv.task_next;
  if (!BCSC__CHECKED)
    return 0;
  return (const void *)w->priv.task_pprev == BCSC__POISONED ||
         (const void *)next == BCSC__POISONED || *w->priv.task_pprev != w ||
         (next != NULL && next->priv.task_pprev != &w->priv.task_next);
}

/* Whether linked `w` may be unlinked through its links: its front intact
 * (else FRAME_CLOBBERED) and its ring holding it (else NODE_UNLINKED).
 * Reports and returns the error. Out of line, as are the other checked
 * steps below: the walks that call them are inlined in several places. */
static BCSC__NOINLINE int wait_linked_check(const bcsc_wait_t *w) {
  if (wait_front_bad(w))
    BCSC__FAIL(FRAME_CLOBBERED, w, BCSC_EBADOBJ);
  if (wait_ring_bad(w))
    BCSC__FAIL(NODE_UNLINKED, w, BCSC_EBADOBJ);
  return 0;
}

static void wait_poison_queue(bcsc_wait_t *w) {
  w->priv.queue.next = BCSC__POISONED;
  w->priv.queue.prev = BCSC__POISONED;
}

static void wait_poison_task_links(bcsc_wait_t *w) {
  w->priv.task_next = BCSC__POISONED;
  w->priv.task_pprev = BCSC__POISONED;
}

/* A walk over `t`'s registrations left linked `w` (idle now, or a baton of
 * a strict line): its count, its links unless it is a baton, the hook. */
static BCSC__NOINLINE void wait_walk_unlinked(bcsc_task_t *t, bcsc_wait_t *w) {
  if (!bcsc__wait_is_baton(w))
    wait_poison_task_links(w);
  BCSC__SCOPE_LINKED(t->priv.scope)--;
  BCSC__HOOK(bcsc__task_executor(t), BCSC__HOOK_UNLINKED, w);
}

/* `w` of `t` has fired (out of its source, marked): its count, the hook. */
static BCSC__NOINLINE void wait_fired_checked(bcsc_task_t *t, bcsc_wait_t *w) {
  (void)w; /* the release build has no hook */
  BCSC__SCOPE_LINKED(t->priv.scope)--;
  BCSC__HOOK(bcsc__task_executor(t), BCSC__HOOK_FIRED, w);
}

/* Take `w` out of its waiter list in O(1), without knowing the list: its
 * neighbours are nodes or the list's own links. Both are the list's links
 * only when `w` is its last node. The node keeps stale links: only a LINKED
 * node's are read, and linking it again rewrites them. */
static void waitq_remove(bcsc_wait_t *w) {
  struct bcsc_wait_link *next = w->priv.queue.next;
  struct bcsc_wait_link *prev = w->priv.queue.prev;
  if (BCSC__CHECKED)
    wait_poison_queue(w);
  if (BCSC__LIKELY(next != prev)) {
    prev->next = next;
    next->prev = prev;
    return;
  }
  waitq_clear(waitq_of_links(next));
}

/* Take a linked `w` out of its source: its waiter list, or for a timer's
 * registration, the timing wheel. */
static void source_remove(bcsc_wait_t *w) {
  if (w->priv.magic == BCSC__MAGIC_TIMER_WAIT)
    bcsc__timer_wait_unlink(w);
  else if (w->priv.queue.next != NULL)
    waitq_remove(w);
}

/* ---- places in a strict line (D34) ----------------------------------------
 * A semaphore serves its line strictly in order, so a head whose request is
 * not covered holds back the smaller ones behind it. When such a head leaves
 * without its wake, the next in line is owed a look. Its node keeps its
 * list's address in `value` while linked; every other linked node's value
 * is 0, which is all the unlink paths test. */

/* Whether linked `w` holds a place in a strict line. The CBMC ring proofs
 * build without places (BCSC__PROOF_NO_LINE_PLACES): their lists never
 * hold one - they assert every linked node's value is 0 - but cbmc cannot
 * see that through merged paths and follows a symbolic list address into
 * line_leave() until it runs out of memory (docs/testing.md). */
static BCSC__ALWAYS_INLINE int line_place(const bcsc_wait_t *w) {
#ifdef BCSC__PROOF_NO_LINE_PLACES
  (void)w;
  return 0;
#else
  return w->value != 0;
#endif
}

/* Take the place `w` out of its line. Returns the list if `w` was its head
 * and others wait behind it - they are owed its turn - and NULL otherwise.
 * Every way here (the unlink walk, bcsc_wait_cancel()) has just passed
 * wait_linked_check(), whose front check is the list's canary: a list
 * reused under its waiters was reported there, and its links left. */
static bcsc_waitq_t *line_remove(bcsc_wait_t *w) {
  bcsc_waitq_t *q = (bcsc_waitq_t *)w->value;
  int head;
  w->value = 0;
  head = q->priv.waiters.next == &w->priv.queue;
  waitq_remove(w);
  return head && q->priv.waiters.next != NULL ? q : NULL;
}

void bcsc__wait_link(bcsc_task_t *t, bcsc_wait_t *w, bcsc_waitq_t *q) {
  w->value = 0;
  BCSC__HEADER_SET(w, bcsc__header_with(BCSC__HEADER(w), BCSC__WAIT_LINKED,
                                        bcsc__self_tag(w)));
  w->priv.task = t;
  if (BCSC__CHECKED)
    BCSC__SCOPE_LINKED(t->priv.scope)++;
  if (q != NULL) {
    struct bcsc_wait_link *tail = q->priv.waiters.prev;
    w->priv.queue.next = &q->priv.waiters;
    if (BCSC__LIKELY(tail == NULL)) {
      w->priv.queue.prev = &q->priv.waiters;
      q->priv.waiters.next = &w->priv.queue;
      q->priv.self_tag = bcsc__self_tag(q);
    } else {
      w->priv.queue.prev = tail;
      tail->next = &w->priv.queue;
    }
    q->priv.waiters.prev = &w->priv.queue;
  } else {
    w->priv.queue.next = NULL;
  }
  w->priv.task_next = t->priv.link.waits;
  w->priv.task_pprev = &t->priv.link.waits;
  if (t->priv.link.waits != NULL)
    t->priv.link.waits->priv.task_pprev = &w->priv.task_next;
  t->priv.link.waits = w;
}

/* What abort_leave() did: bit 0, `w` stays linked (held) - else it left
 * its list; bit 1, the abort function woke the task meanwhile (D76). */
enum { ABORT_KEPT = 1, ABORT_WOKE = 2 };

static void baton_record(bcsc_wait_t *w, bcsc_waitq_t *q);
static int waitq_fire_one(bcsc_waitq_t *q, uintptr_t value);
static int abort_place(const bcsc_wait_t *w);
static int abort_leave(bcsc_wait_t *w);

/* A place leaves its line in a walk over its task's registrations (the task
 * woken by another source, cancelled, or done). Firing the next in line
 * here would wake a task inside another task's wake, and that task's own
 * places could leave in turn: the node itself becomes a wake of 0 permits
 * from its list instead (D22's hand-off wake). The task takes it if it calls
 * the semaphore in its next poll (it looks again); otherwise the executor
 * passes it to the next in line when that poll returns, or at once when the
 * task is done - from the run loop, never from inside a wake.
 *
 * A completion source's registration (D67) comes here too: it leaves only
 * if its source lets go. Returns 1 if `w` stays linked (its abort is
 * pending), 0 if it left. */
static BCSC__COLD BCSC__NOINLINE int line_leave(bcsc_wait_t *w) {
  bcsc_waitq_t *owed;
  /* A wake by the abort function is the walk's own: its caller queues
   * the task when the walk is done. */
  if (abort_place(w))
    return abort_leave(w) & ABORT_KEPT;
  owed = line_remove(w);
  if (owed == NULL) {
    BCSC__HEADER_SET(w, bcsc__header_with(BCSC__HEADER(w), BCSC__WAIT_IDLE, 0));
    return 0;
  }
  BCSC__HEADER_SET(
      w, bcsc__header_with(BCSC__HEADER(w), BCSC__WAIT_FIRED_HANDOFF, 0));
  baton_record(w, owed);
  /* Even when it left inside its own poll (a select's end): nothing in
   * that poll is waiting for this wake, so it goes on when the poll
   * returns. */
  w->priv.state = BCSC__WAIT_FIRED_HANDOFF;
  return 0;
}

void bcsc__wait_link_in_line(bcsc_task_t *t, bcsc_wait_t *w, bcsc_waitq_t *q) {
  bcsc__wait_link(t, w, q);
  w->value = (uintptr_t)q;
}

/* Take `w` out of its task's list of registrations in O(1): after an early
 * bcsc_wait_cancel() the node's memory may be reused at once, so nothing of
 * the task may still point at it. */
static void task_waits_remove(bcsc_wait_t *w) {
  *w->priv.task_pprev = w->priv.task_next;
  if (w->priv.task_next != NULL)
    w->priv.task_next->priv.task_pprev = w->priv.task_pprev;
  w->priv.task_next = NULL;
  w->priv.task_pprev = NULL;
  if (BCSC__CHECKED)
    wait_poison_task_links(w);
}

/* ---- completion sources' lists (D67) --------------------------------------
 * A registration on a list made with bcsc_waitq_set_abort() stands for an
 * operation that writes into its task's frame until the source fires it.
 * Like a place in a line it keeps its list's address in `value` while
 * linked, so the plain paths test nothing more (line_place()); the paths
 * that take a place out ask abort_place() first. Once its source's abort
 * is pending the node is "held": it stays linked, on its list and in its
 * task's list of registrations, and every unlink path keeps it until the
 * source fires it. A task holding one is not queued, and a task that
 * returned is not completed, before it has fired. */

/* The result `r` a task returned (0 or negative), as a held node's
 * `value`: never 0, so the node still reads as a place. */
static uintptr_t abort_enc(int r) { return (uintptr_t)((uint32_t)r - 1u); }
static int abort_dec(uintptr_t v) {
  uint32_t u = (uint32_t)v + 1u;
  return u <= (uint32_t)INT32_MAX ? (int)u : -(int)~u - 1;
}

/* Whether linked `w`, which holds a place (line_place()), is held: its
 * source's abort is pending. Every linked node of a task that returned is. */
static int abort_held(const bcsc_wait_t *w) {
  return w->value == ABORT_HELD ||
         (w->priv.task->priv.state & BCSC__TASK_ABORTED) != 0;
}

/* Whether linked place `w` is a completion source's registration rather
 * than a place in a strict line. */
static int abort_place(const bcsc_wait_t *w) {
  return abort_held(w) ||
         (((const bcsc_waitq_t *)(w->value & ~ABORT_CALLING))->priv.state &
          BCSC__WAITQ_ABORT) != 0;
}

/* Ask the source of linked `w` to let go, once per link. Returns
 * ABORT_KEPT if `w` stays linked (held), without it if it left its list:
 * unlinked, its state for the caller to set, or fired by the abort
 * function itself (fire_abortable() fires a node whose abort is being
 * asked without waking its task); with ABORT_WOKE if the task was woken
 * during the call.
 *
 * The abort function may call bcsc on the same task (D76): cancel it or
 * its scope, fire or unlink its other registrations. Unless the task is
 * being polled (a bcsc_wait_cancel() of its own), such a wake is put off:
 * meanwhile the task reads as RUNNING, so that a wake only marks it
 * (BCSC__TASK_WOKEN) and unlinks what it holds, and never queues it in
 * the middle of the walk or unlink that asked. Its state and flag come
 * back after the call, and the caller acts on the wake: a walk is the
 * task's wake already, bcsc_wait_cancel() wakes it when the node is
 * settled. */
static int abort_leave(bcsc_wait_t *w) {
  bcsc_task_t *t = w->priv.task;
  uint16_t state = t->priv.state;
  bcsc_executor_t *ex;
  uint16_t aborting;
  bcsc_waitq_t *q;
  bcsc_abort_fn fn;
  int rc, defer, woke = 0;
  if (abort_held(w) || (w->value & ABORT_CALLING))
    return ABORT_KEPT;
  defer = !bcsc__task_is_running(t);
  q = (bcsc_waitq_t *)w->value;
  fn = (bcsc_abort_fn)q->priv.reserved[0];
  w->value |= ABORT_CALLING;
  if (defer)
    bcsc__task_store_state(t, (state & ~BCSC__TASK_STATE_MASK) |
                                  BCSC__TASK_RUNNING);
  /* It must not run the executor (BCSC_MISUSE_ABORT_REENTERED): it is
   * called from inside walks and wakes, which whole polls of other tasks
   * would interleave with. */
  ex = bcsc__task_executor(t);
  aborting = ex->priv.state & BCSC__EXECUTOR_ABORTING;
  ex->priv.state |= BCSC__EXECUTOR_ABORTING;
  rc = fn((void *)q->priv.reserved[1], w);
  ex->priv.state =
      (uint16_t)((ex->priv.state & ~BCSC__EXECUTOR_ABORTING) | aborting);
  if (defer) {
    uint16_t now = t->priv.state;
    woke = (now & BCSC__TASK_WOKEN) ? ABORT_WOKE : 0;
    bcsc__task_store_state(t,
                           (now & ~(BCSC__TASK_STATE_MASK | BCSC__TASK_WOKEN)) |
                               (state & BCSC__TASK_STATE_MASK));
  }
  if (w->priv.state != BCSC__WAIT_LINKED)
    return woke;
  if (rc == BCSC_PENDING) {
    w->value = ABORT_HELD;
    return ABORT_KEPT | woke;
  }
  if (rc != 0)
    BCSC__REPORT(ABORT_RESULT, w);
  w->value = 0;
  waitq_remove(w);
  BCSC__HEADER_SET(w, bcsc__header_with(BCSC__HEADER(w), BCSC__WAIT_IDLE, 0));
  return woke;
}

/* Whether `w` is still in its task's list of registrations. */
static int task_waits_hold(const bcsc_task_t *t, const bcsc_wait_t *w) {
  for (const bcsc_wait_t *p = t->priv.link.waits;
       p != NULL && (const void *)p != BCSC__POISONED; p = p->priv.task_next)
    if (p == w)
      return 1;
  return 0;
}

/* bcsc__wait_unlink() for a completion source's registration. A wake of
 * a waiting task by its abort function was put off (abort_leave()): it
 * happens now, when `w` is settled. A wake of the task during the call
 * walked its registrations, and dropped `w` from them if `w` had fired
 * by then (its source completed it from the call, or from another task's
 * abort function): then it is out of the list already (found by the
 * model-based fuzzer; the list is short and this path cold). */
static BCSC__COLD BCSC__NOINLINE int abort_unlink(bcsc_wait_t *w) {
  bcsc_task_t *t = w->priv.task;
  int left = abort_leave(w);
  if (!(left & ABORT_KEPT)) {
    if (BCSC__CHECKED)
      BCSC__SCOPE_LINKED(t->priv.scope)--;
    w->priv.self_tag = 0;
    if (task_waits_hold(t, w))
      task_waits_remove(w);
  }
  if (left & ABORT_WOKE)
    bcsc__task_wake(t);
  return !(left & ABORT_KEPT);
}

void bcsc__abort_hold(bcsc_task_t *t, int result) {
  for (bcsc_wait_t *w = t->priv.link.waits; w != NULL; w = w->priv.task_next)
    w->value = abort_enc(result);
}

/* The executor's first two reserved words: a FIFO of the held tasks queued
 * to complete, through the last node each had fire (whose links are free
 * then): its task_next, and its queue.prev holds the result. Tasks leave
 * the run queue in the order they joined it, and each joins this FIFO in
 * the same call, so the head is always the task the run loop takes. */
#define ABORT_DONE_HEAD(ex) ((ex)->priv.reserved[0])
#define ABORT_DONE_TAIL(ex) ((ex)->priv.reserved[1])

static void abort_done_push(bcsc_executor_t *ex, bcsc_wait_t *w, int result) {
  w->priv.task_next = NULL;
  w->priv.queue.prev = (struct bcsc_wait_link *)abort_enc(result);
  if (ABORT_DONE_HEAD(ex) == 0)
    ABORT_DONE_HEAD(ex) = (uintptr_t)w;
  else
    ((bcsc_wait_t *)ABORT_DONE_TAIL(ex))->priv.task_next = w;
  ABORT_DONE_TAIL(ex) = (uintptr_t)w;
}

int bcsc__abort_result(bcsc_task_t *t) {
  bcsc_executor_t *ex = bcsc__task_executor(t);
  bcsc_wait_t *w = (bcsc_wait_t *)ABORT_DONE_HEAD(ex);
  ABORT_DONE_HEAD(ex) = (uintptr_t)w->priv.task_next;
  return abort_dec((uintptr_t)w->priv.queue.prev);
}

/* Stop `t` joining: the scope it waits for no longer wakes it. Rare: an
 * owner woken by its join does not come here (scope.c undoes the join). */
void bcsc__task_unjoin(bcsc_task_t *t) {
  bcsc__task_store_state(t, t->priv.state & ~BCSC__TASK_JOINING);
  for (bcsc_scope_t *s = t->priv.scopes; s != NULL; s = s->priv.outer) {
    if (BCSC__CANARY_BAD(s, BCSC__MAGIC_SCOPE)) {
      bcsc__misuse(BCSC_MISUSE_FRAME_CLOBBERED, s);
      return;
    }
    if (s->priv.flags & BCSC__SCOPE_JOINING) {
      s->priv.flags &= (uint16_t)~BCSC__SCOPE_JOINING;
      return;
    }
  }
}

/* The walk below reached `w`, a place (line_place()), with `next` the
 * rest of its chain and `*kept` the held registrations it has kept so far
 * (D67). Takes `w` out, or adds it to `*kept` if it stays held, and
 * returns the rest of the walk. While an abort function runs, the task's
 * list is whole again - the kept ones, then the rest - so that it may
 * fire, unlink or wake the task's other registrations (D76) and find them
 * where every call looks; a wake it makes walks them itself. The walk then
 * goes on over what the list holds after the call: a node kept before is
 * looked at again, and kept again without asking. */
static BCSC__COLD BCSC__NOINLINE bcsc_wait_t *walk_place(bcsc_task_t *t,
                                                         bcsc_wait_t *w,
                                                         bcsc_wait_t *next,
                                                         bcsc_wait_t **kept) {
  int asks = abort_place(w) && !abort_held(w) && !(w->value & ABORT_CALLING);
  int left;
  if (asks) {
    bcsc_wait_t **end = kept;
    while (*end != NULL)
      end = &(*end)->priv.task_next;
    *end = next;
    if (next != NULL)
      next->priv.task_pprev = end;
    t->priv.link.waits = *kept;
    if (*kept != NULL)
      (*kept)->priv.task_pprev = &t->priv.link.waits;
    *kept = NULL;
  }
  /* Idle, or a baton on the executor's list, or held (D67). */
  left = line_leave(w);
  if (asks) {
    next = t->priv.link.waits;
    t->priv.link.waits = NULL;
  }
  if (left) {
    w->priv.task_next = *kept;
    if (*kept != NULL)
      (*kept)->priv.task_pprev = &w->priv.task_next;
    *kept = w;
  } else if (BCSC__CHECKED) {
    wait_walk_unlinked(t, w);
  }
  return next;
}

/* bcsc__task_unlink_waits() for a task whose state field is `state`;
 * inline in the wake path. */
static BCSC__ALWAYS_INLINE void unlink_waits(bcsc_task_t *t, uint16_t state) {
  bcsc_wait_t *w = t->priv.link.waits;
  bcsc_wait_t *kept = NULL;
  if (BCSC__UNLIKELY(state & BCSC__TASK_JOINING))
    bcsc__task_unjoin(t);
  if (w == NULL)
    return;
  t->priv.link.waits = NULL;
  /* A node left here keeps stale task links: nothing reads them before
   * bcsc__wait_link() writes them again, since only a LINKED node's links
   * are followed. */
  while (w != NULL) {
    bcsc_wait_t *next;
    if (BCSC__CHECKED && (void *)w == BCSC__POISONED) {
      /* The list led into a node unlinked before (D29). */
      bcsc__misuse(BCSC_MISUSE_NODE_UNLINKED, t);
      break;
    }
    if (BCSC__WAIT_MAGIC_BAD(w)) {
      bcsc__misuse(BCSC_MISUSE_FRAME_CLOBBERED, w);
      break;
    }
    next = w->priv.task_next;
    if (w->priv.state == BCSC__WAIT_LINKED) {
      if (BCSC__WAIT_CANARY_BAD(w)) {
        /* The node's memory was reused while linked: its links are garbage
         * and following them would spread the damage. */
        bcsc__misuse(BCSC_MISUSE_FRAME_CLOBBERED, w);
        break;
      }
      if (BCSC__CHECKED && wait_linked_check(w) != 0)
        break;
      if (BCSC__UNLIKELY(line_place(w))) {
        w = walk_place(t, w, next, &kept);
        continue;
      }
      source_remove(w);
      BCSC__HEADER_SET(w,
                       bcsc__header_with(BCSC__HEADER(w), BCSC__WAIT_IDLE, 0));
      if (BCSC__CHECKED)
        wait_walk_unlinked(t, w);
    } else if (BCSC__CHECKED) {
      wait_poison_task_links(w); /* out of the list the walk empties */
    }
    w = next;
  }
  /* Held registrations stay the task's (D67). */
  if (BCSC__UNLIKELY(kept != NULL)) {
    kept->priv.task_pprev = &t->priv.link.waits;
    t->priv.link.waits = kept;
  }
}

void bcsc__task_unlink_waits_walk(bcsc_task_t *t) {
  unlink_waits(t, t->priv.state);
}

/* The first wake wins: whatever woke the task, every other registration it
 * holds is unlinked now, so no other source can pick it for a wake it would
 * not consume. A task being polled is only marked; the executor queues it
 * when its poll returns. */
static BCSC__NOINLINE void task_wake_general(bcsc_task_t *t) {
  bcsc_executor_t *ex;
  uint16_t state = t->priv.state;
  switch (state & BCSC__TASK_STATE_MASK) {
  case BCSC__TASK_WAITING:
    unlink_waits(t, state);
    /* A misuse handler called from the unlink may have queued it (only the
     * checked build calls one there). */
    if (BCSC__CHECKED && bcsc__task_state(t) != BCSC__TASK_WAITING)
      return;
    /* Held registrations (D67): queued when the last of them fires. */
    if (t->priv.link.waits != NULL)
      return;
    ex = bcsc__task_executor(t);
    ex->priv.wakes++;
    bcsc__runq_push(ex, t);
    return;
  case BCSC__TASK_RUNNING:
    unlink_waits(t, state);
    bcsc__task_store_state(t, t->priv.state | BCSC__TASK_WOKEN);
    return;
  default:
    /* Queued: it runs anyway. Idle or done: no registration can reach it. */
    return;
  }
}

#if !BCSC__CHECKED
/* The end of the common wake below: `w`, the waiting task's one
 * registration, is out of its source; mark it idle and queue the task
 * (`state`: the task's state field). The state is read and written as the
 * 16-bit field, not through the header word: the usual caller, a
 * cancellation, has just stored the field alone (its CANCELLED flag), and
 * a wider load of it would wait for that store to retire - it cost the
 * cancel benchmark 2.8 ns of its 10 per task. */
static BCSC__ALWAYS_INLINE void wake_lone(bcsc_task_t *t, bcsc_wait_t *w,
                                          uint16_t state) {
  bcsc_executor_t *ex = bcsc__task_executor(t);
  BCSC__HEADER_SET(w, bcsc__header_with(BCSC__HEADER(w), BCSC__WAIT_IDLE, 0));
  ex->priv.wakes++;
  t->priv.state =
      (uint16_t)((state & ~BCSC__TASK_STATE_MASK) | BCSC__TASK_QUEUED);
  bcsc__runq_append(ex, t);
}

/* The same for a timer's registration, which leaves the wheel (a call). */
static BCSC__NOINLINE void wake_lone_timer(bcsc_task_t *t, bcsc_wait_t *w,
                                           uint16_t state) {
  bcsc__timer_wait_unlink(w);
  wake_lone(t, w, state);
}
#endif

/* The common wake from outside its registrations (a cancellation, a
 * scope's owner, a value wake): a waiting task whose one registration is a
 * plain node on a waiter list or a timer's - not a place in a line. The
 * release build unlinks that one node without the walk, a plain one with
 * no stack frame; the rest, and the checked build with its canaries and
 * hooks, take task_wake_general(). Compiled out of the checked build, which
 * could never run it (and whose coverage would count it as missed). */
#if BCSC__CHECKED
void bcsc__task_wake(bcsc_task_t *t) { task_wake_general(t); }
#else
void bcsc__task_wake(bcsc_task_t *t) {
  uint16_t state = t->priv.state;
  bcsc_wait_t *w = t->priv.link.waits;
  uint64_t node;
  if ((state & (BCSC__TASK_STATE_MASK | BCSC__TASK_JOINING)) !=
          BCSC__TASK_WAITING ||
      w == NULL || w->priv.task_next != NULL || line_place(w)) {
    task_wake_general(t);
    return;
  }
  node = BCSC__HEADER(w) & bcsc__header_expect(0xffff, 0xffff, 0);
  if (node == bcsc__header_expect(BCSC__WAIT_LINKED, BCSC__MAGIC_WAIT, 0) &&
      w->priv.queue.next != NULL) {
    waitq_remove(w);
    wake_lone(t, w, state);
  } else if (node == bcsc__header_expect(BCSC__WAIT_LINKED,
                                         BCSC__MAGIC_TIMER_WAIT, 0)) {
    wake_lone_timer(t, w, state);
  } else {
    task_wake_general(t);
  }
}
#endif

/* bcsc__task_wake() for wait_fired(), as a tail call: a wake whose common
 * case makes no call then needs no stack frame. Returns 1. */
static BCSC__NOINLINE int task_wake_1(bcsc_task_t *t) {
  bcsc__task_wake(t);
  return 1;
}

/* `w` is out of its source: mark it fired and wake its task. Returns 1. */
static BCSC__ALWAYS_INLINE int wait_fired(bcsc_wait_t *w, uintptr_t value) {
  bcsc_task_t *t = w->priv.task;
  uint64_t word = BCSC__HEADER(t);
  uint16_t state = bcsc__header_state(word);
  BCSC__HEADER_SET(w, bcsc__header_with(BCSC__HEADER(w), BCSC__WAIT_FIRED, 0));
  w->value = value;
  if (BCSC__CHECKED) {
    /* A hook may wake or cancel the task: read its state again. */
    wait_fired_checked(t, w);
    word = BCSC__HEADER(t);
    state = bcsc__header_state(word);
  }
  /* The common wake: a waiting task whose only registration is this one.
   * Nothing else needs unlinking (the node is no longer LINKED, so the walk
   * would only step over it), and queueing overwrites the list head, which
   * shares its word with the run link. */
  if (BCSC__LIKELY((state & (BCSC__TASK_STATE_MASK | BCSC__TASK_JOINING)) ==
                       BCSC__TASK_WAITING &&
                   t->priv.link.waits == w && w->priv.task_next == NULL &&
                   !BCSC__WAIT_MAGIC_BAD(w))) {
    bcsc_executor_t *ex = bcsc__task_executor(t);
    BCSC__HEADER_SET(
        t, bcsc__header_with_state(word, (state & ~BCSC__TASK_STATE_MASK) |
                                             BCSC__TASK_QUEUED));
    ex->priv.wakes++;
    bcsc__runq_append(ex, t);
    return 1;
  }
  return task_wake_1(t);
}

/* Only timers call it, and a timer's registration is on no list
 * (bcsc__wait_link(.., NULL) in timer.c): the wheel has taken its link
 * out already. */
void bcsc__wait_fire(bcsc_wait_t *w, uintptr_t value) {
  (void)wait_fired(w, value);
}

/* ---- hand-off lists (D22) -------------------------------------------------
 * A fired registration from a hand-off list is a baton. Once its task has
 * been woken (which is done with the task's list of registrations), the
 * node's task links are free: they hold it on the executor's list of
 * batons, and its queue.prev names the list it came from. */

/* Put fired `w` on the executor's list of batons, naming the list `q` it
 * came from. Its state and its task's flag are the caller's: the two
 * callers write them differently (one through the header word, which the
 * call that takes the baton loads whole). */
static BCSC__ALWAYS_INLINE void baton_push(bcsc_executor_t *ex, bcsc_wait_t *w,
                                           bcsc_waitq_t *q) {
  w->priv.queue.prev = (struct bcsc_wait_link *)(void *)q;
  w->priv.task_next = ex->priv.batons;
  w->priv.task_pprev = &ex->priv.batons;
  if (ex->priv.batons != NULL)
    ex->priv.batons->priv.task_pprev = &w->priv.task_next;
  ex->priv.batons = w;
  q->priv.batons++;
}

static void baton_record(bcsc_wait_t *w, bcsc_waitq_t *q) {
  bcsc_task_t *t = w->priv.task;
  bcsc_executor_t *ex = bcsc__task_executor(t);
  /* Fired during the task's own poll: the poll that follows is the one
   * that must take it, not the one running now. Asked by its executor,
   * not by its state: a task whose abort function runs reads as RUNNING
   * (D76), and so does one whose poll has just returned. */
  w->priv.state = ex->priv.current == t ? BCSC__WAIT_FIRED_HANDOFF_NEW
                                        : BCSC__WAIT_FIRED_HANDOFF;
  baton_push(ex, w, q);
  bcsc__task_store_state(t, t->priv.state | BCSC__TASK_BATON);
}

static void baton_take(bcsc_wait_t *w) {
  bcsc__baton_take(bcsc__task_executor(w->priv.task), w);
}

/* Nobody took `w`'s wake: hand it to the next waiter of its list. */
static void baton_pass(bcsc_wait_t *w) {
  uintptr_t value = w->value;
  bcsc_waitq_t *q = bcsc__baton_source(w);
  /* The list must still be one: it may not move or end while a baton is
   * out (bcsc_waitq_deinit() refuses). Checked before anything is written
   * to it: memory reused after a move is the caller's, and the baton
   * still leaves the executor (D97). */
  if (bcsc__check_waitq(q) != 0) {
    bcsc__baton_unhook(w);
    return;
  }
  (void)bcsc__baton_drop(w);
  (void)waitq_fire_one(q, value);
}

/* Not inlined: in the run loop its body cost every scenario of
 * bench-callgrind 1-3 instructions an operation, batons or none (gcc
 * inlined it there once baton_pass() was no longer inlined into it). */
BCSC__NOINLINE void bcsc__task_batons(bcsc_task_t *t, int final) {
  bcsc_executor_t *ex = bcsc__task_executor(t);
  bcsc_wait_t *w = ex->priv.batons;
  int armed = 0;
  while (w != NULL) {
    bcsc_wait_t *next = w->priv.task_next;
    if (w->priv.task == t) {
      /* A baton fired during this poll is for the next one - unless there
       * is none: the task returned, and will never take it. */
      if (w->priv.state == BCSC__WAIT_FIRED_HANDOFF_NEW && !final)
        w->priv.state = BCSC__WAIT_FIRED_HANDOFF;
      else
        baton_pass(w); /* may add batons at the head: already walked */
    }
    w = next;
  }
  /* A baton passed on above may have gone to another registration of the
   * same task (two waits on one list): it is that task's to take in its
   * next poll, so the flag must stay. Batons are few; walk them again. A
   * final call comes after the task's registrations were unlinked, so no
   * pass can reach it then. */
  for (w = ex->priv.batons; w != NULL; w = w->priv.task_next) {
    if (w->priv.task == t) {
      w->priv.state = BCSC__WAIT_FIRED_HANDOFF;
      armed = 1;
    }
  }
  if (!armed)
    bcsc__task_store_state(t, t->priv.state & ~BCSC__TASK_BATON);
}

/* The checked build's checks of a node about to fire, found through its
 * list: 0, or the error (reported). Nothing in the release build. */
static BCSC__ALWAYS_INLINE int fire_check(const bcsc_wait_t *w) {
  int rc;
  if (BCSC__CANARY_BAD(w, BCSC__MAGIC_WAIT))
    BCSC__FAIL(FRAME_CLOBBERED, w, BCSC_EBADOBJ);
  if (BCSC__CHECKED && (rc = wait_linked_check(w)) != 0)
    return rc;
  /* The waiting task's frame too: a wake must not vanish into a frame that
   * no longer reads as waiting. */
  if (BCSC__TASK_CANARY_BAD(w->priv.task))
    BCSC__FAIL(FRAME_CLOBBERED, w->priv.task, BCSC_EBADOBJ);
  if (BCSC__CANARY_BAD(w->priv.task->priv.scope, BCSC__MAGIC_SCOPE))
    BCSC__FAIL(FRAME_CLOBBERED, w->priv.task->priv.scope, BCSC_EBADOBJ);
  return 0;
}

/* Fire the oldest registration of `q`. */
static BCSC__ALWAYS_INLINE int fire_oldest(bcsc_waitq_t *q, uintptr_t value,
                                           int handoff) {
  struct bcsc_wait_link *first = q->priv.waiters.next;
  struct bcsc_wait_link *next;
  bcsc_wait_t *w;
  int rc;
  if (first == NULL)
    return 0;
  w = BCSC__CONTAINER_OF(first, bcsc_wait_t, priv.queue);
  if ((rc = fire_check(w)) != 0)
    return rc;
  /* waitq_remove() for the oldest node. */
  next = first->next;
  if (BCSC__LIKELY(next != &q->priv.waiters)) {
    q->priv.waiters.next = next;
    next->prev = &q->priv.waiters;
  } else {
    waitq_clear(q);
  }
  if (BCSC__CHECKED)
    wait_poison_queue(w);
  if (!handoff)
    return wait_fired(w, value);
  (void)wait_fired(w, value);
  baton_record(w, q);
  return 1;
}

/* A hand-off list's wake where bcsc__waitq_fire_handoff() does not take
 * the common case. */
static BCSC__NOINLINE int fire_oldest_baton(bcsc_waitq_t *q, uintptr_t value) {
  return fire_oldest(q, value, 1);
}

/* The channel's wake. The common case - the release build, the oldest
 * waiter's task waiting on that registration alone, and no pender to call
 * - is done without a call, so that it needs no stack frame; the rest, the
 * canary checks of the checked build included, is fire_oldest(). */
int bcsc__waitq_fire_handoff(bcsc_waitq_t *q, uintptr_t value) {
  struct bcsc_wait_link *first = q->priv.waiters.next;
  struct bcsc_wait_link *next;
  bcsc_executor_t *ex;
  bcsc_wait_t *w;
  bcsc_task_t *t;
  bcsc_task_t *tail;
  uint64_t word;
  uint16_t state;
  if (BCSC__CHECKED || first == NULL)
    return fire_oldest_baton(q, value);
  w = BCSC__CONTAINER_OF(first, bcsc_wait_t, priv.queue);
  t = w->priv.task;
  word = BCSC__HEADER(t);
  state = bcsc__header_state(word);
  if (BCSC__UNLIKELY((state & (BCSC__TASK_STATE_MASK | BCSC__TASK_JOINING)) !=
                         BCSC__TASK_WAITING ||
                     t->priv.link.waits != w || w->priv.task_next != NULL))
    return fire_oldest_baton(q, value);
  ex = bcsc__task_executor(t);
  tail = ex->priv.run_tail;
  if (BCSC__UNLIKELY(tail == NULL && ex->priv.pender != NULL &&
                     !(ex->priv.state & BCSC__EXECUTOR_INSIDE)))
    return fire_oldest_baton(q, value);
  /* Out of the list (as fire_oldest() does it). */
  next = first->next;
  if (BCSC__LIKELY(next != &q->priv.waiters)) {
    q->priv.waiters.next = next;
    next->prev = &q->priv.waiters;
  } else {
    waitq_clear(q);
  }
  /* A baton (as baton_record() records it, the state written through the
   * header word: the call that takes it loads that word). */
  w->value = value;
  BCSC__HEADER_SET(
      w, bcsc__header_with(BCSC__HEADER(w), BCSC__WAIT_FIRED_HANDOFF, 0));
  baton_push(ex, w, q);
  /* Queued holding it (as bcsc__runq_append() queues, with no pender to
   * tell). */
  BCSC__HEADER_SET(t, bcsc__header_with_state(
                          word, (state & ~BCSC__TASK_STATE_MASK) |
                                    BCSC__TASK_QUEUED | BCSC__TASK_BATON));
  t->priv.link.run_next = NULL;
  ex->priv.run_tail = t;
  if (tail != NULL)
    tail->priv.link.run_next = t;
  else
    ex->priv.run_head = t;
  ex->priv.wakes++;
  return 1;
}

/* A completion source's wake (D67). A node whose abort is being asked
 * (its source completed it from the abort function) only fires: the walk
 * or bcsc_wait_cancel() that asked is taking it from its task. The last
 * held node of a task that returned queues the task to complete: the
 * result it returned goes with it. */
static BCSC__COLD BCSC__NOINLINE int fire_abortable(bcsc_waitq_t *q,
                                                    uintptr_t value) {
  struct bcsc_wait_link *first = q->priv.waiters.next;
  bcsc_wait_t *w;
  bcsc_task_t *t;
  int rc;
  if (first == NULL)
    return 0;
  w = BCSC__CONTAINER_OF(first, bcsc_wait_t, priv.queue);
  if ((rc = fire_check(w)) != 0)
    return rc;
  t = w->priv.task;
  if (t->priv.state & BCSC__TASK_ABORTED) {
    int result = abort_dec(w->value);
    rc = fire_oldest(q, value, 0);
    if (bcsc__task_state(t) == BCSC__TASK_QUEUED)
      abort_done_push(bcsc__task_executor(t), w, result);
    return rc;
  }
  if (w->value & ABORT_CALLING) {
    waitq_remove(w);
    w->value = value;
    BCSC__HEADER_SET(w,
                     bcsc__header_with(BCSC__HEADER(w), BCSC__WAIT_FIRED, 0));
    return 1;
  }
  return fire_oldest(q, value, 0);
}

static int waitq_fire_one(bcsc_waitq_t *q, uintptr_t value) {
  /* A hand-off list's wake, out of the way of the plain one: keeping the
   * list and the node live across the inlined wake cost the common path a
   * dozen instructions. */
  if (BCSC__UNLIKELY(q->priv.state & BCSC__WAITQ_HANDOFF))
    return bcsc__waitq_fire_handoff(q, value);
  return fire_oldest(q, value, 0);
}

int bcsc_wait_init(bcsc_wait_t *wait) {
  if (wait == NULL)
    BCSC__FAIL(NULL_OBJECT, wait, BCSC_EINVAL);
  *wait = (bcsc_wait_t)BCSC_WAIT_INITIALIZER;
  return 0;
}

/* bcsc_wait_register() once `self` and `wait` have passed their checks. */
static int wait_register_checked(bcsc_task_t *self, bcsc_wait_t *wait,
                                 bcsc_waitq_t *queue) {
  int rc = bcsc__check_waitq(queue);
  if (rc != 0)
    return rc;
  if (self->priv.scope == NULL || !bcsc__task_is_running(self))
    BCSC__FAIL(NOT_RUNNING, self, BCSC_EPERM);
  if (wait->priv.state == BCSC__WAIT_LINKED)
    BCSC__FAIL(NODE_LINKED, wait, BCSC_EBUSY);
  /* Waiting again on a node whose hand-off wake was not taken declines it:
   * the baton goes on before the node is reused. */
  if (bcsc__wait_is_baton(wait))
    baton_pass(wait);
  bcsc__wait_link(self, wait, queue);
  /* A completion source's registration keeps its list (D67). */
  if (BCSC__UNLIKELY(queue->priv.state & BCSC__WAITQ_ABORT))
    wait->value = (uintptr_t)queue;
  return 0;
}

int bcsc_wait_register(bcsc_task_t *self, bcsc_wait_t *wait,
                       bcsc_waitq_t *queue) {
  int rc;
  if ((rc = bcsc__check_task(self)) != 0 || (rc = bcsc__check_wait(wait)) != 0)
    return rc;
  return wait_register_checked(self, wait, queue);
}

int bcsc__wait_take(bcsc_task_t *self, bcsc_wait_t *wait,
                    const bcsc_waitq_t *own) {
  int rc;
  if ((rc = bcsc__check_task(self)) != 0 || (rc = bcsc__check_wait(wait)) != 0)
    return rc;
  if (self->priv.scope == NULL || !bcsc__task_is_running(self))
    BCSC__FAIL(NOT_RUNNING, self, BCSC_EPERM);
  if (bcsc__wait_is_baton(wait) && bcsc__baton_source(wait) != own) {
    baton_pass(wait);
    return BCSC__NODE_IDLE;
  }
  return bcsc__wait_take_checked(self, wait);
}

int bcsc__wait_take_checked(bcsc_task_t *self, bcsc_wait_t *wait) {
  if (wait->priv.state == BCSC__WAIT_LINKED) {
    if (wait->priv.task != self)
      BCSC__FAIL(NODE_LINKED, wait, BCSC_EBUSY);
    return BCSC__NODE_LINKED; /* asked twice in one poll */
  }
  if (wait->priv.state == BCSC__WAIT_FIRED) {
    wait->priv.state = BCSC__WAIT_IDLE;
    return BCSC__NODE_FIRED;
  }
  if (bcsc__wait_is_baton(wait)) {
    baton_take(wait);
    return BCSC__NODE_BATON;
  }
  return BCSC__NODE_IDLE;
}

int bcsc__wait_unlink(bcsc_wait_t *w) {
  bcsc_waitq_t *owed = NULL;
  if (BCSC__UNLIKELY(line_place(w)) && abort_place(w))
    return abort_unlink(w);
  if (BCSC__CHECKED)
    BCSC__SCOPE_LINKED(w->priv.task->priv.scope)--;
  if (BCSC__UNLIKELY(line_place(w)))
    owed = line_remove(w);
  else
    source_remove(w);
  w->priv.self_tag = 0;
  task_waits_remove(w);
  w->priv.state = BCSC__WAIT_IDLE;
  /* The node is free for reuse at once, so it cannot carry the turn: the
   * next in line gets it now (no walk is under way here). */
  if (BCSC__UNLIKELY(owed != NULL))
    (void)waitq_fire_one(owed, 0);
  return 1;
}

int bcsc_wait_cancel(bcsc_wait_t *wait) {
  int rc = bcsc__check_wait(wait);
  if (rc != 0)
    return rc;
  if (bcsc__wait_is_baton(wait)) {
    baton_pass(wait); /* declined: the next waiter gets it */
    return 0;
  }
  if (wait->priv.state != BCSC__WAIT_LINKED)
    return 0;
  /* The checked build: a node whose header says linked but whose list does
   * not hold it (a stale copy put back, a second unlink) is refused before
   * it writes into lists it is not on (D29). */
  if (BCSC__CHECKED && (rc = wait_linked_check(wait)) != 0)
    return rc;
  /* A node whose abort is being asked, from its abort function (D76): a
   * walk that asked may have taken it out of its task's list for now. It
   * is held, as for any later ask. (The mark may also be a bit of a held
   * node's encoded result, abort_enc(): such a node is held too, and an
   * unlink of it writes nothing.) */
  if (BCSC__CHECKED && wait_task_links_bad(wait) &&
      !(wait->value & ABORT_CALLING))
    BCSC__FAIL(NODE_UNLINKED, wait, BCSC_EBADOBJ);
  return bcsc__wait_unlink(wait) ? BCSC_WAIT_UNLINKED : BCSC_WAIT_HELD;
}

int bcsc_wait_fired(const bcsc_wait_t *wait) {
  return wait != NULL &&
         (wait->priv.state == BCSC__WAIT_FIRED || bcsc__wait_is_baton(wait));
}

int bcsc_wait_linked(const bcsc_wait_t *wait) {
  return wait != NULL && wait->priv.state == BCSC__WAIT_LINKED;
}

/* bcsc_wait_on() with every check in its order, for what the fast path
 * does not take. */
static BCSC__COLD int wait_on_checked(bcsc_task_t *self, bcsc_wait_t *wait,
                                      bcsc_waitq_t *queue) {
  int rc;
  if ((rc = bcsc__check_wait(wait)) != 0)
    return rc;
  /* The fast path consumed every fired node: a fire clears the tag in the
   * same write (wait_fired()). One marked fired that still carries its
   * tag is a linked node whose state was overwritten: consuming it would
   * leave it on its list. */
  if (wait->priv.state == BCSC__WAIT_FIRED)
    BCSC__FAIL(FRAME_CLOBBERED, wait, BCSC_EBADOBJ);
  if (bcsc__wait_is_baton(wait)) {
    baton_take(wait);
    return 0;
  }
  if ((rc = bcsc__check_task(self)) != 0)
    return rc;
  if (self->priv.state & BCSC__TASK_CANCELLED)
    return BCSC_ECANCELED;
  rc = wait_register_checked(self, wait, queue);
  return rc != 0 ? rc : BCSC_PENDING;
}

int bcsc_wait_on(bcsc_task_t *self, bcsc_wait_t *wait, bcsc_waitq_t *queue) {
  uint64_t word, task_word, task_tag;
  if (BCSC__UNLIKELY(wait == NULL))
    return wait_on_checked(self, wait, queue);
  word = BCSC__HEADER(wait);
  /* Fired (an unlinked node carries no tag): consume it. */
  if (word == bcsc__header_expect(BCSC__WAIT_FIRED, BCSC__MAGIC_WAIT, 0)) {
    BCSC__HEADER_SET(wait,
                     bcsc__header_expect(BCSC__WAIT_IDLE, BCSC__MAGIC_WAIT, 0));
    return 0;
  }
  if (BCSC__UNLIKELY(
          word != bcsc__header_expect(BCSC__WAIT_IDLE, BCSC__MAGIC_WAIT, 0) ||
          self == NULL))
    return wait_on_checked(self, wait, queue);
  /* An idle node of its own running, uncancelled, unmoved task (a pooled
   * one too) on a valid list: register. */
  if (BCSC__LIKELY(bcsc__task_polled(self, BCSC__TASK_POOLED |
                                               BCSC__TASK_VALUE_WOKEN |
                                               BCSC__TASK_REMOTE) &&
                   queue != NULL && queue->priv.magic == BCSC__MAGIC_WAITQ &&
                   (queue->priv.self_tag == 0 ||
                    queue->priv.self_tag == bcsc__self_tag(queue)))) {
    bcsc__wait_link(self, wait, queue);
    return BCSC_PENDING;
  }
  /* A valid task that has been cancelled: the answer comes before the
   * list is looked at. Whatever waker slot the task holds (D23): its bits
   * set on both sides. */
  task_word =
      BCSC__HEADER(self) | bcsc__header_expect(0, 0, BCSC__TASK_SLOT_BITS);
  task_tag = bcsc__header_expect(0, BCSC__MAGIC_TASK,
                                 bcsc__task_tag16(self) | BCSC__TASK_SLOT_BITS);
  if ((task_word &
       bcsc__header_expect(BCSC__TASK_CANCELLED, 0xffff, 0xffffffff)) ==
      (task_tag | BCSC__TASK_CANCELLED))
    return BCSC_ECANCELED;
  return wait_on_checked(self, wait, queue);
}

int bcsc_waitq_init(bcsc_waitq_t *queue) {
  if (queue == NULL)
    BCSC__FAIL(NULL_OBJECT, queue, BCSC_EINVAL);
  *queue = (bcsc_waitq_t)BCSC_WAITQ_INITIALIZER;
  return 0;
}

int bcsc_waitq_deinit(bcsc_waitq_t *queue) {
  int rc = bcsc__check_waitq(queue);
  if (rc != 0)
    return rc;
  if (queue->priv.waiters.next != NULL || queue->priv.batons != 0)
    BCSC__FAIL(WAITQ_BUSY, queue, BCSC_EBUSY);
  BCSC__FORGET(queue);
  return 0;
}

int bcsc_waitq_set_handoff(bcsc_waitq_t *queue, int on) {
  int rc = bcsc__check_waitq(queue);
  if (rc != 0)
    return rc;
  if (on && (queue->priv.state & BCSC__WAITQ_ABORT))
    BCSC__FAIL(BAD_ARGUMENT, queue, BCSC_EINVAL);
  if (queue->priv.waiters.next != NULL || queue->priv.batons != 0)
    BCSC__FAIL(WAITQ_BUSY, queue, BCSC_EBUSY);
  if (on)
    queue->priv.state |= BCSC__WAITQ_HANDOFF;
  else
    queue->priv.state &= (uint16_t)~BCSC__WAITQ_HANDOFF;
  return 0;
}

int bcsc_waitq_set_abort(bcsc_waitq_t *queue, bcsc_abort_fn abort,
                         void *context) {
  int rc = bcsc__check_waitq(queue);
  if (rc != 0)
    return rc;
  if (queue->priv.state & BCSC__WAITQ_HANDOFF)
    BCSC__FAIL(BAD_ARGUMENT, queue, BCSC_EINVAL);
  if (queue->priv.waiters.next != NULL)
    BCSC__FAIL(WAITQ_BUSY, queue, BCSC_EBUSY);
  if (abort == NULL) {
    queue->priv.state &= (uint16_t)~BCSC__WAITQ_ABORT;
    queue->priv.magic = BCSC__MAGIC_WAITQ;
    queue->priv.reserved[0] = 0;
    queue->priv.reserved[1] = 0;
    return 0;
  }
  queue->priv.state |= BCSC__WAITQ_ABORT;
  queue->priv.magic = BCSC__MAGIC_WAITQ_ABORT;
  queue->priv.reserved[0] = (uintptr_t)abort;
  queue->priv.reserved[1] = (uintptr_t)context;
  return 0;
}

/* bcsc_waitq_wake_one() for what its fast test does not pass: every list
 * in the checked build; in release, one that fails its checks or is a
 * completion source's (whose magic is not the plain one). Wakes from a
 * completion source's list go through fire_abortable(): only these two
 * calls fire such a list (primitives never own one). */
static BCSC__COLD int wake_one_checked(bcsc_waitq_t *q, uintptr_t value) {
  int rc = bcsc__check_waitq(q);
  if (rc != 0)
    return rc;
  if (BCSC__UNLIKELY(q->priv.state & BCSC__WAITQ_ABORT))
    return fire_abortable(q, value);
  return waitq_fire_one(q, value);
}

/* The checked build takes the checked path for every list (its coverage
 * would count the release build's fast line as missed). */
#if BCSC__CHECKED
int bcsc_waitq_wake_one(bcsc_waitq_t *queue, uintptr_t value) {
  return wake_one_checked(queue, value);
}
#else
/* Whether the release build may skip bcsc__check_waitq() for `q`: a valid
 * list recognised without computing its address tag (D32). An empty list
 * carries no tag, and the first waiter of a list that moved points back
 * at the old copy, so a moved list fails this as it fails the tag compare. */
static BCSC__ALWAYS_INLINE int waitq_plainly_valid(const bcsc_waitq_t *q) {
  const struct bcsc_wait_link *first;
  if (q == NULL || q->priv.magic != BCSC__MAGIC_WAITQ)
    return 0;
  first = q->priv.waiters.next;
  return first != NULL ? first->prev == &q->priv.waiters
                       : q->priv.self_tag == 0;
}

int bcsc_waitq_wake_one(bcsc_waitq_t *queue, uintptr_t value) {
  if (BCSC__UNLIKELY(!waitq_plainly_valid(queue)))
    return wake_one_checked(queue, value);
  return waitq_fire_one(queue, value);
}
#endif

int bcsc_waitq_wake_all(bcsc_waitq_t *queue, uintptr_t value) {
  int rc = bcsc__check_waitq(queue);
  int woken = 0;
  if (rc != 0)
    return rc;
  /* Every registration linked now is woken; one linked meanwhile (a task
   * woken here cannot register before it runs) is not, so this ends. */
  if (BCSC__UNLIKELY(queue->priv.state & BCSC__WAITQ_ABORT)) {
    while ((rc = fire_abortable(queue, value)) == 1)
      woken++;
  } else {
    while ((rc = waitq_fire_one(queue, value)) == 1)
      woken++;
  }
  return rc < 0 ? rc : woken;
}

int bcsc_waitq_empty(const bcsc_waitq_t *queue) {
  return queue == NULL || queue->priv.waiters.next == NULL;
}

uint32_t bcsc_waitq_count(const bcsc_waitq_t *queue) {
  const struct bcsc_wait_link *last, *l;
  uint32_t n = 0;
  if (queue == NULL || queue->priv.waiters.next == NULL)
    return 0;
  /* Up to the newest node rather than back to the list's links: a list
   * moved while it had waiters has nodes that point at the old copy. */
  last = queue->priv.waiters.prev;
  for (l = queue->priv.waiters.next;; l = l->next) {
    n++;
    if (l == last)
      return n;
  }
}

/* ---- what a task waits on (D59) ----------------------------------------- */

bcsc_wait_t *bcsc_task_wait_next(const bcsc_task_t *task,
                                 const bcsc_wait_t *prev) {
  uint32_t state;
  if (task == NULL || bcsc__check_task(task) != 0)
    return NULL;
  /* The list shares its word with the run link and the result: it is the
   * task's only while it waits or runs. */
  state = bcsc__task_state(task);
  if (state != BCSC__TASK_WAITING && state != BCSC__TASK_RUNNING)
    return NULL;
  if (prev == NULL)
    return task->priv.link.waits;
  if (BCSC__WAIT_MAGIC_BAD(prev) || prev->priv.state != BCSC__WAIT_LINKED ||
      prev->priv.task != task)
    BCSC__FAIL(BAD_ARGUMENT, prev, NULL);
  return prev->priv.task_next;
}

bcsc_waitq_t *bcsc_wait_queue(const bcsc_wait_t *wait) {
  const struct bcsc_wait_link *l;
  if (wait == NULL || wait->priv.magic != BCSC__MAGIC_WAIT ||
      wait->priv.state != BCSC__WAIT_LINKED)
    return NULL; /* a timer's registration is on no list */
  if (line_place(wait) && !abort_held(wait))
    return (bcsc_waitq_t *)(wait->value & ~ABORT_CALLING);
  /* Round the ring (a linked plain node is always on one) to the list's
   * own links: the one link whose list header is a tagged list's (a list
   * is tagged while it has waiters). Read through the header word, which
   * at a node's link aliases the node's own pointers: on 64-bit targets
   * never a list's header (a user-space pointer's high half lacks the
   * tag's top bit); on 32-bit ones only if two of its words happen to hold
   * the magic and that address's tag. */
  for (l = wait->priv.queue.next; l != &wait->priv.queue; l = l->next) {
    bcsc_waitq_t *q = waitq_of_links((struct bcsc_wait_link *)l);
    uint64_t word =
        BCSC__HEADER(q) & bcsc__header_expect(0, 0xffff, 0xffffffff);
    /* A held node's list is a completion source's (D67). */
    if (word == bcsc__header_expect(0, BCSC__MAGIC_WAITQ, bcsc__self_tag(q)) ||
        word ==
            bcsc__header_expect(0, BCSC__MAGIC_WAITQ_ABORT, bcsc__self_tag(q)))
      return q;
  }
  return NULL;
}

size_t bcsc_wait_sizeof(void) { return sizeof(bcsc_wait_t); }
size_t bcsc_wait_alignof(void) { return _Alignof(bcsc_wait_t); }
size_t bcsc_waitq_sizeof(void) { return sizeof(bcsc_waitq_t); }
size_t bcsc_waitq_alignof(void) { return _Alignof(bcsc_waitq_t); }
