/* SPDX-License-Identifier: MIT
 * executor.c - the run loop: pop the oldest ready task, poll it, and act on
 * what it returned. */
#include "inbox.h"
#include "internal.h"
#include "relay.h"

/* Whether the caller's version of the config struct has `field`. */
#define CONFIG_HAS(config, field)                                              \
  ((config)->size >=                                                           \
   offsetof(bcsc_executor_config_t, field) + sizeof((config)->field))

int bcsc_executor_init(bcsc_executor_t *ex,
                       const bcsc_executor_config_t *config) {
  bcsc_reactor_t *reactor = NULL;
  bcsc_pender_fn pender = NULL;
  void *pender_context = NULL;
  bcsc_waker_slot_t *waker_slots = NULL;
  uint32_t waker_slot_count = 0;
  int rc;
  if (ex == NULL)
    BCSC__FAIL(NULL_OBJECT, ex, BCSC_EINVAL);
  if (config != NULL) {
    /* Read only what the caller's version of the struct has. */
    if (config->size < sizeof config->size ||
        (CONFIG_HAS(config, flags) && config->flags != 0))
      BCSC__FAIL(BAD_ARGUMENT, config, BCSC_EINVAL);
    if (CONFIG_HAS(config, reactor))
      reactor = config->reactor;
    if (CONFIG_HAS(config, pender))
      pender = config->pender;
    if (CONFIG_HAS(config, pender_context))
      pender_context = config->pender_context;
    if (CONFIG_HAS(config, reserved0) && config->reserved0 != 0)
      BCSC__FAIL(BAD_ARGUMENT, config, BCSC_EINVAL);
    if (CONFIG_HAS(config, waker_slot_count)) {
      waker_slots = config->waker_slots;
      waker_slot_count = config->waker_slot_count;
      if ((waker_slots == NULL) != (waker_slot_count == 0) ||
          waker_slot_count > BCSC_WAKER_SLOTS_MAX)
        BCSC__FAIL(BAD_ARGUMENT, config, BCSC_EINVAL);
    }
  }
  if (reactor != NULL && (rc = bcsc_reactor_check(reactor)) != 0)
    BCSC__FAIL(BAD_ARGUMENT, reactor, rc);
  ex->data = NULL;
  ex->priv.run_head = NULL;
  ex->priv.run_tail = NULL;
  ex->priv.current = NULL;
  ex->priv.polls = 0;
  ex->priv.wakes = 0;
  ex->priv.spawns = 0;
  ex->priv.completions = 0;
  ex->priv.cancels = 0;
  ex->priv.timers_fired = 0;
  ex->priv.parks = 0;
  ex->priv.wakes_received = 0;
  ex->priv.wakes_stale = 0;
  ex->priv.wakes_delivered = 0;
  ex->priv.waker_notifies = 0;
  ex->priv.inbox_head = 0;
  ex->priv.inbox_sleep = BCSC__INBOX_OUTSIDE; /* nobody is in run or poll */
  ex->priv.inbox_received = 0;
  ex->priv.inbox_stale = 0;
  ex->priv.inbox_notifies = 0;
  ex->priv.relay_pins = 0;
  ex->priv.relay_head = 0;
  bcsc__waker_table_init(ex, waker_slots, waker_slot_count);
  ex->priv.wheel_time = reactor != NULL ? reactor->vtable->now(reactor) : 0;
  ex->priv.next_deadline = BCSC_NO_DEADLINE;
  for (size_t i = 0; i < BCSC_WHEEL_LEVELS; i++)
    ex->priv.occupied[i] = 0;
  for (size_t i = 0; i < BCSC_WHEEL_LEVELS * BCSC_WHEEL_SLOTS; i++)
    ex->priv.wheel[i] = NULL;
  ex->priv.wheel_due = NULL;
  ex->priv.batons = NULL;
  ex->priv.held_mutexes = NULL;
  ex->priv.owner_thread = 0;
  ex->priv.timers = 0;
  ex->priv.wheel_exact = 0;
  ex->priv.reactor = reactor;
  ex->priv.pender = pender;
  ex->priv.pender_context = pender_context;
  ex->priv.state = 0;
  ex->priv.magic = BCSC__MAGIC_EXECUTOR;
  ex->priv.self_tag = bcsc__self_tag(ex);
  ex->priv.ready = 0;
  ex->priv.next_slot = 0;
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
  /* A relay message not yet taken is for a remote child it hosts (a spawn
   * or a cancel) or for a scope of one of its live tasks (a done). */
  if (ex->priv.root.priv.live != 0 || bcsc__relay_nonempty(ex))
    BCSC__FAIL(EXECUTOR_BUSY, ex, BCSC_EBUSY);
  /* The root scope ends here: no registration of a root task may still be
   * linked (D29; reported, the teardown goes on). */
  if (BCSC__CHECKED && BCSC__SCOPE_LINKED(&ex->priv.root) != 0)
    BCSC__REPORT(SCOPE_END_LINKED, &ex->priv.root);
  /* Wakes still in the inbox are for tasks that have ended: settle them,
   * so that the slot table is left clean. */
  bcsc__waker_drain(ex);
  bcsc__waker_fold(ex, 1);
  /* A thread that pushed the last message may still be telling it. */
  bcsc__relay_wait_unpinned(ex);
  BCSC__FORGET(ex);
  return 0;
}

int bcsc_executor_bind_thread(bcsc_executor_t *ex) {
  int rc = bcsc__check_executor(ex);
  if (rc != 0)
    return rc;
  if (ex->priv.current != NULL || (ex->priv.state & BCSC__EXECUTOR_INSIDE))
    BCSC__FAIL(REENTRANT_POLL, ex, BCSC_EBUSY);
  ex->priv.owner_thread = bcsc__thread_self();
  return 0;
}

int bcsc_executor_spawn(bcsc_executor_t *ex, bcsc_task_t *root) {
  int rc = bcsc__check_executor(ex);
  if (rc != 0)
    return rc;
  return bcsc_scope_spawn(&ex->priv.root, root);
}

/* The checked build's canary at each tick: the frame about to be polled,
 * and the scopes it hangs from and owns, must still be what was linked -
 * and, being on the run queue, be QUEUED (run_one() moves it to RUNNING by
 * flipping those bits). The release build trusts its links and skips the
 * walk. */
static int frame_intact(const bcsc_task_t *t) {
  if (!BCSC__CHECKED)
    return 1;
  if (BCSC__TASK_CANARY_BAD(t) || bcsc__task_state(t) != BCSC__TASK_QUEUED ||
      BCSC__CANARY_BAD(t->priv.scope, BCSC__MAGIC_SCOPE))
    return 0;
  for (const bcsc_scope_t *s = t->priv.scopes; s != NULL; s = s->priv.outer)
    if (BCSC__CANARY_BAD(s, BCSC__MAGIC_SCOPE))
      return 0;
  return 1;
}

/* Whether bcsc_executor_run() is over once `t` has completed (or gone on
 * draining): its root is done, or with no root, no root task is left. A
 * task completes only in a turn of its own, so the loop asks only after
 * such a turn rather than at every turn. */
static BCSC__ALWAYS_INLINE int run_over(const bcsc_executor_t *ex,
                                        const bcsc_task_t *root,
                                        const bcsc_task_t *t) {
  if (root != NULL)
    return t == root && bcsc__task_state(root) == BCSC__TASK_DONE;
  return ex->priv.root.priv.live == 0 && !bcsc__relay_nonempty(ex);
}

/* A poll function returned `result`: its poll function will not run
 * again, so a value wake cannot reach it either. */
static BCSC__ALWAYS_INLINE void task_returned(bcsc_task_t *t, int result) {
  if (BCSC__UNLIKELY(bcsc__task_slot1(t) != 0))
    bcsc__waker_release(t);
  bcsc__task_returned(t, result);
}

/* The same for a task that returned holding registrations: they are
 * unlinked first. Out of line: most tasks hold none when they return. */
static BCSC__COLD void returned_linked(bcsc_task_t *t, int result) {
  bcsc__task_unlink_waits_walk(t);
  /* A place in a line it left is a wake for the next in line (D34). */
  if (BCSC__UNLIKELY(t->priv.state & BCSC__TASK_BATON))
    bcsc__task_batons(t, 1);
  /* Registrations whose aborts are pending (D67): it completes once they
   * have fired. */
  if (BCSC__UNLIKELY(t->priv.link.waits != NULL)) {
    bcsc__task_returned_held(t, result);
    return;
  }
  task_returned(t, result);
}

/* `t`, woken during its own poll, returned PENDING: whatever it
 * registered after the wake is dropped, and it runs again - once the
 * aborts it asked have fired, if some are pending (D67). Out of line, as
 * the rest of the rare paths after a poll. */
static BCSC__NOINLINE void requeue_woken(bcsc_executor_t *ex, bcsc_task_t *t) {
  bcsc__task_unlink_waits(t);
  if (BCSC__UNLIKELY(t->priv.link.waits != NULL)) {
    bcsc__task_set_state(t, BCSC__TASK_WAITING);
    return;
  }
  ex->priv.ready++; /* queued as neither a spawn nor a wake (D37) */
  bcsc__runq_push(ex, t);
}

/* One turn: poll the oldest ready task (or advance its drain). Inline in
 * both loops: it is the body of every turn. `until`: 0 in poll(), which
 * never stops early; 1 in run() (with `root`, NULL or not). Returns 1 if
 * the run is over, 0 to go on, or an error. */
static BCSC__ALWAYS_INLINE int run_one(bcsc_executor_t *ex,
                                       const bcsc_task_t *root, int until) {
  bcsc_task_t *t = ex->priv.run_head;
  bcsc_task_t *next;
  uint64_t word;
  uint16_t state;
  int rc;

  if (!frame_intact(t))
    BCSC__FAIL(FRAME_CLOBBERED, t, BCSC_EBADOBJ);
  next = t->priv.link.run_next;
  ex->priv.run_head = next;
  if (next == NULL)
    ex->priv.run_tail = NULL;
  t->priv.link.waits = NULL;
  word = BCSC__HEADER(t);
  state = bcsc__header_state(word);
  if (BCSC__UNLIKELY(state & BCSC__TASK_DRAINING)) {
    ex->priv.ready--; /* off the queue without a poll (D37) */
    bcsc__task_drain(t);
    return until && run_over(ex, root, t);
  }

  /* QUEUED (as every task on the run queue is) -> RUNNING, flags kept. */
  BCSC__HEADER_SET(t, word ^ bcsc__header_expect(
                                 BCSC__TASK_QUEUED ^ BCSC__TASK_RUNNING, 0, 0));
  ex->priv.current = t;
  ex->priv.polls++;
  rc = t->poll(t);
  ex->priv.current = NULL;
  word = BCSC__HEADER(t);
  state = bcsc__header_state(word);
  /* Batons to pass on, or woken during its own poll: both rare, tested
   * together. The lifecycle state is still RUNNING either way. */
  if (BCSC__UNLIKELY(state & (BCSC__TASK_BATON | BCSC__TASK_WOKEN))) {
    if (state & BCSC__TASK_BATON) {
      /* A task that returned waits for nothing: unlink first, so that no
       * baton it passes on can come back to it. */
      if (rc != BCSC_PENDING)
        bcsc__task_unlink_waits(t);
      bcsc__task_batons(t, rc != BCSC_PENDING); /* may change the state */
      word = BCSC__HEADER(t);
      state = bcsc__header_state(word);
    }
    if (state & BCSC__TASK_WOKEN) {
      bcsc__task_store_state(t, state & ~BCSC__TASK_WOKEN);
      if (rc == BCSC_PENDING) {
        /* Woken during its own poll (a yield, a wake or a cancel). */
        requeue_woken(ex, t);
        return 0;
      }
      /* It returned a result: the wake has nothing left to do. */
    }
  }

  if (rc == BCSC_PENDING) {
    /* RUNNING -> WAITING, flags kept. */
    BCSC__HEADER_SET(
        t, word ^ bcsc__header_expect(BCSC__TASK_RUNNING ^ BCSC__TASK_WAITING,
                                      0, 0));
    /* A task holding a value waker may wait for nothing else. */
    if (BCSC__UNLIKELY(t->priv.link.waits == NULL &&
                       !(state & BCSC__TASK_JOINING) &&
                       bcsc__task_slot1(t) == 0))
      BCSC__REPORT(PENDING_NO_WAKE, t); /* release: stays waiting; see run */
    return 0;
  }
  if (BCSC__UNLIKELY(rc > BCSC_PENDING)) {
    BCSC__REPORT(BAD_ARGUMENT, t);
    rc = BCSC_EINVAL;
  }
  /* A join it left pending is undone by bcsc__task_returned(): a task that
   * joins has scopes, and one without goes straight to completion. */
  if (t->priv.link.waits != NULL)
    returned_linked(t, rc);
  else
    task_returned(t, rc);
  return until && run_over(ex, root, t);
}

void bcsc__runq_pend(bcsc_executor_t *ex) {
  if (!(ex->priv.state & BCSC__EXECUTOR_INSIDE))
    ex->priv.pender(ex, ex->priv.pender_context);
}

static int check_not_polling(bcsc_executor_t *ex) {
  int rc = bcsc__check_executor(ex);
  if (rc != 0)
    return rc;
  /* The checked build: the first thread to run or poll it owns it (enter()
   * claims it, so that a call refused later leaves it unclaimed), unless
   * one was bound; any other thread is misuse. Before the reentrancy test,
   * which another thread would trip over while the owner is inside. */
  if (BCSC__CHECKED && bcsc__wrong_thread(ex))
    BCSC__FAIL(WRONG_THREAD, ex, BCSC_EPERM);
  /* Inside a poll function, or inside run/poll at all: a reactor's park
   * (or anything it calls back) must not run tasks under the outer loop.
   * Nor may an abort function, called from inside bcsc's walks and wakes
   * (D76). */
  if (bcsc__executor_inside(ex)) {
    if (ex->priv.state & BCSC__EXECUTOR_ABORTING)
      BCSC__FAIL(ABORT_REENTERED, ex, BCSC_EBUSY);
    BCSC__FAIL(REENTRANT_POLL, ex, BCSC_EBUSY);
  }
  return 0;
}

/* How many turns may pass between two looks at the clock while tasks keep
 * being ready: a due timer waits at most this many polls. */
enum { TIMER_CHECK_INTERVAL = 64 };

/* Fire the timers due by now. */
static void fire_due_timers(bcsc_executor_t *ex) {
  bcsc__wheel_advance(ex, bcsc__executor_clock(ex));
}

/* Nothing is ready: block in the reactor until the next deadline, an
 * unpark or one of its own events. */
static int park(bcsc_executor_t *ex) {
  bcsc_reactor_t *reactor = ex->priv.reactor;
  int rc;
  if (reactor == NULL || reactor->vtable->park == NULL)
    return BCSC_EDEADLK;
  /* Announce the park, then look at the inbox once more: a value wake
   * either lands before this look or sees the announcement and unparks
   * (the handshake in inbox.c). */
  if (bcsc__inbox_sleep(ex, BCSC__INBOX_PARKED)) {
    bcsc__inbox_awake(ex);
    return 0;
  }
  ex->priv.parks++;
  rc = reactor->vtable->park(reactor, bcsc__wheel_next_deadline(ex));
  bcsc__inbox_awake(ex);
  return rc;
}

/* Leaving run() or poll(): wakes from now on must tell the host. One that
 * came in after the last drain has not told it: tell it now. */
static void leave(bcsc_executor_t *ex) {
  ex->priv.state &= (uint16_t)~BCSC__EXECUTOR_INSIDE;
  if (bcsc__inbox_sleep(ex, BCSC__INBOX_OUTSIDE))
    bcsc__inbox_notify_if_sleeping(ex);
}

static void enter(bcsc_executor_t *ex) {
  if (BCSC__CHECKED && ex->priv.owner_thread == 0)
    ex->priv.owner_thread = bcsc__thread_self();
  ex->priv.state |= BCSC__EXECUTOR_INSIDE;
  bcsc__inbox_awake(ex);
}

/* Tasks keep being ready: every so often, look at the clock and at the
 * reactor's event sources anyway, so that neither waits for an idle moment
 * that may never come. A park with a deadline in the past does not block. */
static int look_outside(bcsc_executor_t *ex) {
  bcsc_reactor_t *reactor = ex->priv.reactor;
  if (reactor == NULL)
    return 0;
  if (ex->priv.timers != 0)
    fire_due_timers(ex);
  if (reactor->vtable->park == NULL)
    return 0;
  ex->priv.parks++;
  return reactor->vtable->park(reactor, 0);
}

/* What other threads sent: value wakes, and remote children's messages.
 * Both lists are tested with relaxed loads in one branch every turn. */
static BCSC__ALWAYS_INLINE int mail_waiting(const bcsc_executor_t *ex) {
  return bcsc__inbox_nonempty(ex) | bcsc__relay_nonempty(ex);
}

static BCSC__ALWAYS_INLINE void drain_mail(bcsc_executor_t *ex) {
  if (bcsc__inbox_nonempty(ex))
    bcsc__waker_drain(ex);
  if (bcsc__relay_nonempty(ex))
    bcsc__relay_drain(ex);
}

/* Inline in run_loop() twice, once with and once without a root, so that
 * the test of whether the run is over is a single compare. Only a turn
 * that completes a task can end the run (run_over()): nothing else in the
 * loop - drain, timers, park - completes a task or empties the root
 * scope. A remote child sent and not yet taken counts as live. */
static BCSC__ALWAYS_INLINE int run_until(bcsc_executor_t *ex,
                                         const bcsc_task_t *root) {
  /* Turns left until the next look outside: a count down costs a turn one
   * instruction less than a count and a modulo. */
  uint32_t until_look = TIMER_CHECK_INTERVAL;
  int rc;
  /* Over before it starts; afterwards run_one() says when. */
  if (root != NULL ? bcsc__task_state(root) == BCSC__TASK_DONE
                   : ex->priv.root.priv.live == 0 && !bcsc__relay_nonempty(ex))
    return 0;
  for (;;) {
    if (BCSC__UNLIKELY(mail_waiting(ex))) {
      drain_mail(ex);
      /* The one exception to "only a turn ends the run": a drain that takes
       * a message for a remote child that has already returned sends its
       * DONE, and that was all a run without a root waited for (D27). */
      if (root == NULL && ex->priv.root.priv.live == 0 &&
          !bcsc__relay_nonempty(ex))
        return 0;
    }
    if (ex->priv.run_head != NULL) {
      if ((rc = run_one(ex, root, 1)) != 0)
        return rc < 0 ? rc : 0;
      if (BCSC__UNLIKELY(--until_look == 0)) {
        until_look = TIMER_CHECK_INTERVAL;
        if ((rc = look_outside(ex)) < 0)
          return rc;
      }
      continue;
    }
    if (ex->priv.timers != 0) {
      fire_due_timers(ex);
      if (ex->priv.run_head != NULL)
        continue;
    }
    if ((rc = park(ex)) < 0)
      return rc;
  }
}

static int run_loop(bcsc_executor_t *ex, const bcsc_task_t *root) {
  return root != NULL ? run_until(ex, root) : run_until(ex, NULL);
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
  enter(ex);
  rc = run_loop(ex, root);
  leave(ex);
  if (rc != 0)
    return rc;
  return root != NULL ? (int)root->priv.link.result : 0;
}

int bcsc_executor_poll(bcsc_executor_t *ex, uint32_t budget) {
  int rc = check_not_polling(ex);
  int turns = 0;
  if (rc != 0)
    return rc;
  if (budget > (uint32_t)INT32_MAX)
    budget = (uint32_t)INT32_MAX;
  enter(ex);
  if (ex->priv.timers != 0)
    fire_due_timers(ex);
  for (;;) {
    if (BCSC__UNLIKELY(mail_waiting(ex)))
      drain_mail(ex);
    if ((uint32_t)turns >= budget || ex->priv.run_head == NULL)
      break;
    if ((rc = run_one(ex, NULL, 0)) != 0)
      break;
    turns++;
    if (ex->priv.timers != 0 && turns % TIMER_CHECK_INTERVAL == 0)
      fire_due_timers(ex);
  }
  leave(ex);
  return rc != 0 ? rc : turns;
}

/* One turn of bcsc_executor_poll(), whose task is the head of the run
 * queue once due timers have fired and the mail is drained: do those
 * first (poll then finds nothing more to do there), note the head, and let
 * poll take the turn. Wakes that land in between are appended, behind the
 * head; with none ready at the look, it returns 0 and leaves them to the
 * next call, which the pender announces. Not a second copy of the run loop,
 * so that poll and run compile exactly as before (a second inlined run_one
 * shifted the compiler's inlining elsewhere in the unit). */
int bcsc_executor_run_once(bcsc_executor_t *ex, bcsc_task_t **task) {
  bcsc_task_t *head;
  int rc = check_not_polling(ex);
  if (task != NULL)
    *task = NULL;
  if (rc != 0)
    return rc;
  enter(ex);
  if (ex->priv.timers != 0)
    fire_due_timers(ex);
  drain_mail(ex);
  head = ex->priv.run_head;
  leave(ex); /* a wake since the drain tells the host, as poll would */
  if (head == NULL)
    return 0;
  rc = bcsc_executor_poll(ex, 1);
  if (task != NULL && rc == 1)
    *task = head;
  return rc;
}

/* The end of a host's use of `ex` (D82): the root scope's cancellation
 * reaches every root and what it owns, as any scope's does; the run is
 * bcsc_executor_run()'s, so that cleanups that wait are waited for. */
int bcsc_executor_shutdown(bcsc_executor_t *ex) {
  int rc = check_not_polling(ex);
  if (rc != 0)
    return rc;
  if ((rc = bcsc_scope_cancel(&ex->priv.root)) != 0 ||
      (rc = bcsc_executor_run(ex, NULL)) != 0)
    return rc;
  return bcsc_executor_deinit(ex);
}

void bcsc_executor_cleanup(bcsc_executor_t *ex) {
  /* Zero: never initialised (the declaration's `= {0}`), or torn down. */
  if (ex == NULL || ex->priv.magic == 0)
    return;
  /* From inside a poll or an abort function the shutdown would only be
   * refused, with a report of its own: the one report is that the tasks
   * stay linked, as bcsc_task_cleanup() says of a frame. (Another thread
   * is not asked what the owner is doing: the shutdown reports it.) */
  if (ex->priv.magic == BCSC__MAGIC_EXECUTOR && !bcsc__wrong_thread(ex) &&
      bcsc__executor_inside(ex)) {
    BCSC__REPORT_ALWAYS(EXECUTOR_LEFT_LIVE, ex);
    return;
  }
  if (bcsc_executor_shutdown(ex) == 0)
    return;
  /* Still initialised, tasks still linked, and its memory about to go. */
  if (ex->priv.magic == BCSC__MAGIC_EXECUTOR)
    BCSC__REPORT_ALWAYS(EXECUTOR_LEFT_LIVE, ex);
}

/* ---- test hooks (checked build; internal-for-tests, D29) ---- */

int bcsc__test_set_hook(bcsc_executor_t *ex, bcsc__test_hook_t *hook) {
  int rc = bcsc__check_executor(ex);
  if (rc != 0)
    return rc;
  if (!BCSC__CHECKED)
    return BCSC_ENOTSUP;
  if (hook != NULL && hook->fn == NULL && hook->flags == 0)
    BCSC__FAIL(BAD_ARGUMENT, hook, BCSC_EINVAL);
  BCSC__EXECUTOR_HOOK(ex) = (uintptr_t)hook;
  return 0;
}

void bcsc__test_hook_call(bcsc_executor_t *ex, int point, void *object) {
  bcsc__test_hook_t *hook = (bcsc__test_hook_t *)BCSC__EXECUTOR_HOOK(ex);
  if (hook->fn != NULL)
    hook->fn(hook, ex, point, object);
}

uint64_t bcsc_executor_now(const bcsc_executor_t *ex) {
  /* The magic first: the reactor pointer of memory that is not an executor
   * is not one either, and calling through it would crash. */
  if (ex == NULL || ex->priv.magic != BCSC__MAGIC_EXECUTOR ||
      ex->priv.reactor == NULL)
    return 0;
  return ex->priv.reactor->vtable->now(ex->priv.reactor);
}

uint64_t bcsc_executor_next_deadline(bcsc_executor_t *ex) {
  if (ex == NULL)
    return BCSC_NO_DEADLINE;
  if (ex->priv.run_head != NULL || mail_waiting(ex))
    return 0;
  return bcsc__wheel_next_deadline(ex);
}

bcsc_reactor_t *bcsc_executor_reactor(const bcsc_executor_t *ex) {
  return ex != NULL ? ex->priv.reactor : NULL;
}

uint32_t bcsc_executor_ready(const bcsc_executor_t *ex) {
  return ex != NULL ? bcsc__runq_ready(ex) : 0;
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
  full.timers_fired = ex->priv.timers_fired;
  full.parks = ex->priv.parks;
  /* The totals plus what the inbox has counted since the last fold: in
   * its counters, and in the slots' words (a walk of the table, D47). */
  full.wakes_received =
      ex->priv.wakes_received +
      atomic_load_explicit(BCSC__A32(&ex->priv.inbox_received),
                           memory_order_relaxed) +
      bcsc__inbox_counted(ex);
  full.wakes_stale = ex->priv.wakes_stale +
                     atomic_load_explicit(BCSC__A32(&ex->priv.inbox_stale),
                                          memory_order_relaxed);
  full.wakes_delivered = ex->priv.wakes_delivered;
  full.waker_notifies =
      ex->priv.waker_notifies +
      atomic_load_explicit(BCSC__A32(&ex->priv.inbox_notifies),
                           memory_order_relaxed);
  /* Copy as much as the caller's struct holds (no memcpy: freestanding). */
  n = stats->size < sizeof full ? stats->size : sizeof full;
  bcsc__copy_bytes(stats, &full, n);
  return 0;
}

size_t bcsc_executor_sizeof(void) { return sizeof(bcsc_executor_t); }
size_t bcsc_executor_alignof(void) { return _Alignof(bcsc_executor_t); }
