/* SPDX-License-Identifier: MIT
 * bcsc_fault_reactor.c - see bcsc_fault_reactor.h. */
#include "bcsc_fault_reactor.h"

#include <pthread.h>
#include <stdlib.h>

static bcsc_fault_reactor_t *fault_of(bcsc_reactor_t *base) {
  return (bcsc_fault_reactor_t *)(void *)base;
}

static uint64_t fault_now(bcsc_reactor_t *base) {
  bcsc_fault_reactor_t *r = fault_of(base);
  r->calls++;
  return r->now;
}

static int fault_fires(bcsc_fault_reactor_t *r) {
  if (r->fail_at == 0 || r->fail_mode == BCSC_FAULT_OFF)
    return 0;
  if (r->fail_mode == BCSC_FAULT_ONCE ? r->parks == r->fail_at
                                      : r->parks >= r->fail_at) {
    r->faults++;
    return 1;
  }
  return 0;
}

static uint64_t earliest_event(const bcsc_fault_reactor_t *r) {
  uint64_t at = BCSC_NO_DEADLINE;
  for (int i = 0; i < BCSC_FAULT_EVENTS; i++)
    if (r->events[i].queue != NULL && r->events[i].at < at)
      at = r->events[i].at;
  return at;
}

/* Deliver the due events, earliest first (ties: slot order), as a real
 * reactor hands over what its poll returned. A delayed event is held back
 * at the first park that finds it due and comes with the next one. */
static int deliver_events(bcsc_fault_reactor_t *r) {
  unsigned skipped = 0;
  int made = 0;
  for (;;) {
    bcsc_fault_event_t *e = NULL;
    int slot = -1;
    for (int i = 0; i < BCSC_FAULT_EVENTS; i++) {
      bcsc_fault_event_t *c = &r->events[i];
      if (c->queue != NULL && c->at <= r->now && !(skipped & (1u << i)) &&
          (e == NULL || c->at < e->at)) {
        e = c;
        slot = i;
      }
    }
    if (e == NULL)
      break;
    if (e->kind == BCSC_FAULT_EVENT_DELAYED && !e->held) {
      e->held = 1;
      skipped |= 1u << slot;
      continue;
    }
    for (int copy = 0; copy < (e->kind == BCSC_FAULT_EVENT_DUPLICATE ? 2 : 1);
         copy++) {
      int rc = bcsc_waitq_wake_one(e->queue, e->value);
      r->delivered++;
      if (rc > 0)
        r->woke += (uint64_t)rc;
    }
    e->queue = NULL;
    made++;
  }
  return made;
}

static int fault_park(bcsc_reactor_t *base, uint64_t deadline) {
  bcsc_fault_reactor_t *r = fault_of(base);
  uint64_t target = earliest_event(r);
  int mode = BCSC_FAULT_WAKE_ON_TIME, made;
  r->calls++;
  r->parks++;
  if (fault_fires(r))
    return r->fail_rc;
  if (__atomic_exchange_n(&r->unparked, 0, __ATOMIC_ACQUIRE) != 0)
    return 0;
  if (r->wake_count > 0) {
    r->wake_count--;
    mode = r->wake_mode;
  }
  if (deadline < target)
    target = deadline;
  if (target != BCSC_NO_DEADLINE && target > r->now) {
    switch (mode) {
    case BCSC_FAULT_WAKE_SPURIOUS:
      break;
    case BCSC_FAULT_WAKE_EARLY:
      r->now += (target - r->now) / 2;
      break;
    case BCSC_FAULT_WAKE_LATE:
      r->now = target > BCSC_NO_DEADLINE - 1 - r->late_ns ? BCSC_NO_DEADLINE - 1
                                                          : target + r->late_ns;
      break;
    default:
      r->now = target;
      break;
    }
  }
  made = deliver_events(r);
  if (r->hook != NULL)
    made += r->hook(r, r->hook_context, deadline);
  if (mode == BCSC_FAULT_WAKE_ON_TIME && target == BCSC_NO_DEADLINE &&
      made == 0 && bcsc_fault_reactor_pending(r) == 0)
    return BCSC_EDEADLK; /* nothing could ever end this park */
  return 0;
}

static void fault_unpark(bcsc_reactor_t *base) {
  bcsc_fault_reactor_t *r = fault_of(base);
  __atomic_fetch_add(&r->unparks, 1, __ATOMIC_RELAXED);
  __atomic_store_n(&r->unparked, 1, __ATOMIC_RELEASE);
}

static const bcsc_reactor_vtable_t fault_vtable = {
    sizeof(bcsc_reactor_vtable_t), BCSC_REACTOR_VTABLE_VERSION, fault_now,
    fault_park, fault_unpark};

void bcsc_fault_reactor_init(bcsc_fault_reactor_t *r, uint64_t start) {
  *r = (bcsc_fault_reactor_t){0};
  r->base.vtable = &fault_vtable;
  r->now = start;
  r->fail_rc = BCSC_ESTATE;
}

void bcsc_fault_reactor_fail(bcsc_fault_reactor_t *r, uint64_t k, int mode,
                             int rc) {
  r->fail_at = k;
  r->fail_mode = k != 0 ? mode : BCSC_FAULT_OFF;
  r->fail_rc = rc;
  r->faults = 0;
}

int bcsc_fault_reactor_fault_fired(const bcsc_fault_reactor_t *r) {
  return r->faults != 0;
}

void bcsc_fault_reactor_wake(bcsc_fault_reactor_t *r, int mode, uint32_t count,
                             uint64_t late_ns) {
  r->wake_mode = mode;
  r->wake_count = count;
  r->late_ns = late_ns;
}

int bcsc_fault_reactor_event(bcsc_fault_reactor_t *r, bcsc_waitq_t *queue,
                             uint64_t at, uintptr_t value, int kind) {
  for (int i = 0; i < BCSC_FAULT_EVENTS; i++) {
    bcsc_fault_event_t *e = &r->events[i];
    if (e->queue == NULL) {
      *e = (bcsc_fault_event_t){queue, at, value, kind, 0};
      return 0;
    }
  }
  return BCSC_ENOSPC;
}

void bcsc_fault_reactor_forget(bcsc_fault_reactor_t *r, bcsc_waitq_t *queue) {
  for (int i = 0; i < BCSC_FAULT_EVENTS; i++)
    if (r->events[i].queue == queue)
      r->events[i].queue = NULL;
}

uint32_t bcsc_fault_reactor_pending(const bcsc_fault_reactor_t *r) {
  uint32_t n = 0;
  for (int i = 0; i < BCSC_FAULT_EVENTS; i++)
    n += r->events[i].queue != NULL;
  return n;
}

void bcsc_fault_reactor_advance(bcsc_fault_reactor_t *r, uint64_t ns) {
  r->now =
      ns > BCSC_NO_DEADLINE - 1 - r->now ? BCSC_NO_DEADLINE - 1 : r->now + ns;
}

static void *unpark_thread(void *arg) {
  bcsc_reactor_t *base = arg;
  base->vtable->unpark(base);
  return NULL;
}

void bcsc_fault_reactor_unpark_from_thread(bcsc_fault_reactor_t *r) {
  pthread_t thread;
  if (pthread_create(&thread, NULL, unpark_thread, &r->base) != 0)
    abort();
  pthread_join(thread, NULL);
}
