/* SPDX-License-Identifier: MIT
 * relay_protocol.c - CBMC proof over the real libbcsc/src/relay.c: the
 * two-CAS protocol of a remote child's messages (docs/threads.md, D26),
 * #included with two stub executors and a stub
 * bcsc__inbox_notify_if_sleeping(), as relay.h invites.
 *
 * Like inbox_real.c this is the SEQUENTIAL half: any interleaving of the
 * protocol's atomic steps - each CAS and each push a step of its own, so
 * that the other thread can act between a CAS and its push - of the two
 * threads over one relay for STEPS steps, then a fair schedule that lets
 * every pending step run. The parent sends SPAWN (with or without CANCEL),
 * may cancel once; the host takes messages, may complete the task once it
 * runs; the parent takes DONE. Checked after every step:
 *  - a relay is pushed only while it is on no list, and a taken list holds
 *    it once (the one link is never shared);
 *  - a relay taken by the host is never DONE, and one taken by the parent
 *    always is;
 *  - a CANCEL the host acts on finds the task not completed (else the
 *    completion left RETURNED, and DONE goes instead); RETURNED is seen
 *    only for a completed task; a spawn is taken once;
 *  - DONE reaches the parent exactly once, and when it does no push of the
 *    relay is pending on either side: nothing touches it afterwards;
 *  - every push unpins its target;
 *  - at the end of the fair schedule the parent has taken DONE: no
 *    message is lost.
 * The weak-memory half (the handshake of a push with a park, and what the
 * take reads after it) is relay_wmm.c, under the explicit memory model of
 * wmm.h (D43). */
/* The controls (controls.h): the mutants of scripts/prove.sh this harness
 * catches, each a switch of the schema tree. */
#define HARNESS_CONTROLS(X) X(RETURNED_AS_DONE, 1) X(CANCEL_AFTER_DONE, 2)
#include "controls.h"
#define MUTANT_RETURNED_AS_DONE BROKEN(RETURNED_AS_DONE)
#define MUTANT_CANCEL_AFTER_DONE BROKEN(CANCEL_AFTER_DONE)

#include "relay.c"

#ifndef STEPS
#define STEPS 8
#endif

unsigned nondet_unsigned(void);
int nondet_int(void);

static bcsc_executor_t parent_ex, host_ex;
static bcsc_remote_task_t r;
static unsigned notified;

void bcsc__inbox_notify_if_sleeping(bcsc_executor_t *ex) {
  CHECK(ex == &parent_ex || ex == &host_ex);
  notified++;
}

/* The model. */
enum { ON_NONE, ON_HOST, ON_PARENT };
static int on_list;
static int cancel_requested, cancel_push_pending;
static int spawned, completed, host_cancelled;
static int done_push_pending, ended;

static void push(bcsc_executor_t *to, int where) {
  CHECK(on_list == ON_NONE);
  bcsc__relay_push(to, &r);
  CHECK(to->priv.relay_pins == 0);
  on_list = where;
}

static void parent_cancel_cas(void) {
  if (ended || cancel_requested)
    return; /* an ended child is off the scope's list; one cancel each */
  cancel_requested = 1;
  if (bcsc__relay_cancel(&r))
    cancel_push_pending = 1;
}

static void parent_cancel_push(void) {
  if (!cancel_push_pending)
    return;
  cancel_push_pending = 0;
  push(&host_ex, ON_HOST);
}

static void host_drain(void) {
  bcsc_remote_task_t *n = bcsc__relay_take(&host_ex);
  uint32_t old;
  if (n == NULL)
    return;
  CHECK(n == &r && on_list == ON_HOST);
  CHECK(bcsc__relay_next(n) == NULL);
  on_list = ON_NONE;
  CHECK(!(bcsc__relay_flags(n) & BCSC__RELAY_DONE));
  old = bcsc__relay_settle(n);
  CHECK(old & BCSC__RELAY_QUEUED);
  if (old & BCSC__RELAY_RETURNED) {
    CHECK(completed);
    CHECK(bcsc__relay_flags(n) & BCSC__RELAY_DONE);
    done_push_pending = 1;
  } else if (old & BCSC__RELAY_SPAWN) {
    CHECK(!spawned);
    spawned = 1;
    host_cancelled = (old & BCSC__RELAY_CANCEL) != 0;
  } else {
    CHECK(old & BCSC__RELAY_CANCEL);
    CHECK(spawned && !completed); /* a live task to cancel */
    host_cancelled = 1;
  }
}

static void host_complete(void) {
  if (!spawned || completed)
    return;
  completed = 1;
  if (bcsc__relay_returned(&r))
    done_push_pending = 1;
}

static void host_done_push(void) {
  if (!done_push_pending)
    return;
  CHECK(bcsc__relay_flags(&r) & BCSC__RELAY_DONE);
  done_push_pending = 0;
  push(&parent_ex, ON_PARENT);
}

static void parent_drain(void) {
  bcsc_remote_task_t *n = bcsc__relay_take(&parent_ex);
  if (n == NULL)
    return;
  CHECK(n == &r && on_list == ON_PARENT);
  CHECK(bcsc__relay_next(n) == NULL);
  on_list = ON_NONE;
  CHECK(bcsc__relay_flags(n) & BCSC__RELAY_DONE);
  CHECK(!ended && completed);
  /* Nobody will touch the relay again: no push is pending anywhere. */
  CHECK(!cancel_push_pending && !done_push_pending);
  ended = 1;
}

static void step(unsigned op) {
  switch (op) {
  case 0:
    parent_cancel_cas();
    break;
  case 1:
    parent_cancel_push();
    break;
  case 2:
    host_drain();
    break;
  case 3:
    host_complete();
    break;
  case 4:
    host_done_push();
    break;
  default:
    parent_drain();
    break;
  }
}

int main(void) {
  uint32_t flags = BCSC__RELAY_SPAWN | BCSC__RELAY_QUEUED;
  controls_choose();
  /* bcsc_scope_spawn_on(): a cancelled scope sends SPAWN|CANCEL. */
  if (nondet_int()) {
    flags |= BCSC__RELAY_CANCEL;
    cancel_requested = 1;
  }
  r.priv.flags = flags;
  push(&host_ex, ON_HOST);
  for (unsigned s = 0; s < STEPS; s++) {
    unsigned op = nondet_unsigned();
    __CPROVER_assume(op < 6);
    step(op);
  }
  /* A fair schedule: every thread's pending step runs, the task ends. */
  for (unsigned round = 0; round < 3; round++)
    for (unsigned op = 1; op < 6; op++)
      step(op);
  CHECK(ended);
  CHECK(on_list == ON_NONE && parent_ex.priv.relay_head == 0 &&
        host_ex.priv.relay_head == 0);
  (void)host_cancelled;
  (void)notified;
  return 0;
}
