/* SPDX-License-Identifier: MIT
 * timer.c - timers: a registration whose source is the executor's timing
 * wheel, and the drift-free arithmetic of periodic ticks. */
#include "internal.h"

_Static_assert(BCSC__LINK_TIMER == 1 && BCSC__MAGIC_TIMER_WAIT == 0x3a18,
               "BCSC_TIMER_INITIALIZER spells these");

static bcsc_timer_t *timer_of_wait(bcsc_wait_t *w) {
  return BCSC__CONTAINER_OF(w, bcsc_timer_t, priv.wait);
}

static bcsc_timer_t *timer_of_link(bcsc_timer_link_t *link) {
  return BCSC__CONTAINER_OF(link, bcsc_timer_t, priv.link);
}

/* The timer's registration carries its magic and move check; a report
 * names the timer the caller passed, not the registration inside it. */
static int check_timer(const bcsc_timer_t *timer) {
  const bcsc_wait_t *wait;
  if (timer == NULL)
    BCSC__FAIL(NULL_OBJECT, timer, BCSC_EINVAL);
  wait = &timer->priv.wait;
  if (wait->priv.magic != BCSC__MAGIC_TIMER_WAIT ||
      timer->priv.link.kind != BCSC__LINK_TIMER)
    BCSC__FAIL(BAD_OBJECT, timer, BCSC_EBADOBJ);
  if (wait->priv.self_tag != 0 && wait->priv.self_tag != bcsc__self_tag(wait))
    BCSC__FAIL(MOVED, timer, BCSC_EBADOBJ);
  return 0;
}

void bcsc__timer_link_fire(bcsc_executor_t *ex, bcsc_timer_link_t *link) {
  ex->priv.timers_fired++;
  if (link->kind == BCSC__LINK_SCOPE) {
    bcsc__scope_deadline_fire(
        BCSC__CONTAINER_OF(link, bcsc_scope_t, priv.deadline));
    return;
  }
  if (BCSC__CANARY_BAD(&timer_of_link(link)->priv.wait,
                       BCSC__MAGIC_TIMER_WAIT)) {
    bcsc__misuse(BCSC_MISUSE_FRAME_CLOBBERED, link);
    return;
  }
  bcsc__wait_fire(&timer_of_link(link)->priv.wait, 0);
}

void bcsc__timer_wait_unlink(bcsc_wait_t *w) {
  bcsc_timer_t *timer = timer_of_wait(w);
  if (timer->priv.link.linked)
    bcsc__wheel_remove(bcsc__task_executor(w->priv.task), &timer->priv.link);
}

/* Deadline arithmetic saturates: a grid that runs past the end of time
 * ends at BCSC_NO_DEADLINE rather than wrapping to the past. */
static uint64_t add_saturating(uint64_t a, uint64_t b) {
  return a > BCSC_NO_DEADLINE - b ? BCSC_NO_DEADLINE : a + b;
}

static uint64_t mul_saturating(uint64_t a, uint64_t b) {
  return b != 0 && a > BCSC_NO_DEADLINE / b ? BCSC_NO_DEADLINE : a * b;
}

/* Take the tick whose deadline has passed (at `now`): disarm a one-shot
 * timer; move a periodic one to its next deadline on the grid of `first +
 * k * period` (BURST, SKIP) or to now + period (DELAY, when late). */
static void take_tick(bcsc_timer_t *timer, uint64_t now) {
  uint64_t deadline = timer->priv.link.deadline;
  uint64_t period = timer->priv.period;
  uint64_t late, next;
  timer->priv.wait.priv.state = BCSC__WAIT_IDLE;
  if (period == 0) {
    timer->priv.link.deadline = BCSC_NO_DEADLINE;
    timer->priv.missed = 0;
    return;
  }
  late = now > deadline ? (now - deadline) / period : 0;
  timer->priv.missed = late > UINT32_MAX ? UINT32_MAX : (uint32_t)late;
  switch (timer->priv.policy) {
  case BCSC_TICK_BURST:
    /* The missed ticks still come, one per wait: count each deadline once,
     * at the tick that was late past it. */
    next = add_saturating(deadline, period);
    timer->priv.missed_total += late != 0;
    break;
  case BCSC_TICK_SKIP:
    next = add_saturating(deadline, mul_saturating(late + 1, period));
    timer->priv.missed_total += late;
    break;
  default: /* BCSC_TICK_DELAY */
    next = add_saturating(late != 0 ? now : deadline, period);
    timer->priv.missed_total += late;
    break;
  }
  timer->priv.link.deadline = next;
}

/* Unlink a pending wait on `timer` (not firing it): 1 if one was linked.
 * Nothing here can fail once the timer has passed check_timer(). */
static int timer_unlink(bcsc_timer_t *timer) {
  bcsc_wait_t *w = &timer->priv.wait;
  if (w->priv.state != BCSC__WAIT_LINKED) {
    w->priv.state = BCSC__WAIT_IDLE; /* a new deadline drops an untaken fire */
    return 0;
  }
  bcsc__wait_unlink(w);
  return 1;
}

int bcsc_timer_init(bcsc_timer_t *timer) {
  if (timer == NULL)
    BCSC__FAIL(NULL_OBJECT, timer, BCSC_EINVAL);
  *timer = (bcsc_timer_t)BCSC_TIMER_INITIALIZER;
  return 0;
}

/* bcsc_timer_set() once the timer has passed check_timer(). */
static void timer_set_checked(bcsc_timer_t *timer, uint64_t deadline) {
  (void)timer_unlink(timer);
  timer->priv.link.deadline = deadline;
  timer->priv.period = 0;
  timer->priv.missed = 0;
}

int bcsc_timer_set(bcsc_timer_t *timer, uint64_t deadline) {
  int rc = check_timer(timer);
  if (rc != 0)
    return rc;
  timer_set_checked(timer, deadline);
  return 0;
}

int bcsc_timer_set_periodic(bcsc_timer_t *timer, uint64_t first,
                            uint64_t period, uint32_t policy) {
  int rc = check_timer(timer);
  if (rc != 0)
    return rc;
  if (period == 0 || policy > BCSC_TICK_DELAY)
    BCSC__FAIL(BAD_ARGUMENT, timer, BCSC_EINVAL);
  (void)timer_unlink(timer);
  timer->priv.link.deadline = first;
  timer->priv.period = period;
  timer->priv.policy = (uint16_t)policy;
  timer->priv.missed = 0;
  timer->priv.missed_total = 0;
  return 0;
}

/* bcsc_timer_wait() once both arguments have passed their checks. */
static int timer_wait_checked(bcsc_task_t *self, bcsc_timer_t *timer) {
  bcsc_wait_t *w = &timer->priv.wait;
  bcsc_executor_t *ex;
  uint64_t now;
  int node;

  if (self->priv.scope == NULL || !bcsc__task_is_running(self))
    BCSC__FAIL(NOT_RUNNING, self, BCSC_EPERM);
  if ((node = bcsc__wait_take_checked(self, w)) < 0)
    return node;
  if (node == BCSC__NODE_LINKED)
    return BCSC_PENDING; /* asked twice in one poll */
  ex = bcsc__task_executor(self);
  if (ex->priv.reactor == NULL)
    return BCSC_ENOTSUP;
  if (node == BCSC__NODE_FIRED) {
    take_tick(timer, bcsc__executor_clock(ex));
    return 0;
  }
  if (self->priv.state & BCSC__TASK_CANCELLED)
    return BCSC_ECANCELED;
  if (timer->priv.link.deadline == BCSC_NO_DEADLINE)
    return BCSC_ESTATE;
  now = bcsc__executor_clock(ex);
  if (timer->priv.link.deadline <= now) {
    take_tick(timer, now);
    return 0;
  }
  bcsc__wait_link(self, w, NULL);
  bcsc__wheel_insert(ex, &timer->priv.link);
  return BCSC_PENDING;
}

int bcsc_timer_wait(bcsc_task_t *self, bcsc_timer_t *timer) {
  int rc;
  if ((rc = bcsc__check_task(self)) != 0 || (rc = check_timer(timer)) != 0)
    return rc;
  return timer_wait_checked(self, timer);
}

int bcsc_sleep_until(bcsc_task_t *self, bcsc_timer_t *timer,
                     uint64_t deadline) {
  int rc;
  if ((rc = bcsc__check_task(self)) != 0 || (rc = check_timer(timer)) != 0)
    return rc;
  /* Called again on every poll until it returns 0: only a different
   * deadline is a new sleep, and it drops a fire of the old one that was
   * not taken (bcsc_timer_set()). A periodic timer becomes this one-shot
   * sleep, unless its tick has fired and waits to be taken. */
  if (timer->priv.link.deadline != deadline ||
      (timer->priv.period != 0 &&
       timer->priv.wait.priv.state != BCSC__WAIT_FIRED))
    timer_set_checked(timer, deadline);
  return timer_wait_checked(self, timer);
}

int bcsc_sleep_for(bcsc_task_t *self, bcsc_timer_t *timer, uint64_t duration) {
  bcsc_executor_t *ex;
  uint64_t now;
  int rc;
  if ((rc = bcsc__check_task(self)) != 0 || (rc = check_timer(timer)) != 0)
    return rc;
  if (timer->priv.link.deadline == BCSC_NO_DEADLINE &&
      timer->priv.wait.priv.state == BCSC__WAIT_IDLE && self->priv.scope &&
      (ex = bcsc__task_executor(self))->priv.reactor != NULL) {
    now = bcsc__executor_clock(ex);
    timer->priv.link.deadline = add_saturating(now, duration);
    if (timer->priv.link.deadline == BCSC_NO_DEADLINE)
      timer->priv.link.deadline = BCSC_NO_DEADLINE - 1; /* still a sleep */
    timer->priv.period = 0;
  }
  return timer_wait_checked(self, timer);
}

int bcsc_timer_stop(bcsc_timer_t *timer) {
  int rc = check_timer(timer);
  if (rc != 0)
    return rc;
  rc = timer_unlink(timer);
  timer->priv.link.deadline = BCSC_NO_DEADLINE;
  timer->priv.period = 0;
  return rc;
}

uint64_t bcsc_timer_deadline(const bcsc_timer_t *timer) {
  /* A zero timer (never initialised) has no deadline: its 0 is not one. */
  return timer != NULL && timer->priv.link.kind == BCSC__LINK_TIMER
             ? timer->priv.link.deadline
             : BCSC_NO_DEADLINE;
}

int bcsc_timer_fired(const bcsc_timer_t *timer) {
  return timer != NULL && timer->priv.wait.priv.state == BCSC__WAIT_FIRED;
}

int bcsc_timer_linked(const bcsc_timer_t *timer) {
  return timer != NULL && timer->priv.wait.priv.state == BCSC__WAIT_LINKED;
}

uint32_t bcsc_timer_missed(const bcsc_timer_t *timer) {
  return timer != NULL ? timer->priv.missed : 0;
}

uint64_t bcsc_timer_missed_total(const bcsc_timer_t *timer) {
  return timer != NULL ? timer->priv.missed_total : 0;
}

size_t bcsc_timer_sizeof(void) { return sizeof(bcsc_timer_t); }
size_t bcsc_timer_alignof(void) { return _Alignof(bcsc_timer_t); }
