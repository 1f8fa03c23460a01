/* SPDX-License-Identifier: MIT
 * bcsc_fault_reactor.h - a reactor behind the public vtable (bcsc/reactor.h)
 * that misbehaves on request, within what the vtable allows or on purpose
 * beyond it, so that tests can show what the executor does then.
 *
 * Virtual time, like the sim reactor: park moves the clock instead of
 * blocking. On top of that:
 *  - faults: the k-th park (1-based, counted from bcsc_fault_reactor_init)
 *    returns fail_rc, once or on every park from the k-th on - the
 *    "fail the k-th call" loop of SQLite's OOM tests;
 *  - wake anomalies for the next parks: spurious (return at once, clock
 *    unmoved), early (clock halfway to the deadline), late (clock past it);
 *  - event sources: wakes of waiter lists at set times, delivered from park
 *    as a real reactor's I/O events are - each may be duplicated (delivered
 *    twice), delayed (held back for one park) or stale (its waiter is gone:
 *    the wake finds nobody);
 *  - an unpark from a foreign thread (a real pthread);
 *  - a hook called from inside every park that does not fail: the place
 *    where a test re-enters bcsc from a reactor callback.
 *
 * Only park can fail (now and unpark cannot report an error), so only parks
 * are counted for fail_at. Test code, hosted: uses libc and pthreads, not
 * Criterion, so a plain C driver or a libFuzzer target can use it too. */
#ifndef BCSC_FAULT_REACTOR_H
#define BCSC_FAULT_REACTOR_H

#include <stddef.h>
#include <stdint.h>

#include <bcsc.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct bcsc_fault_reactor bcsc_fault_reactor_t;

/* Called from inside park (not a failed one), after the clock moved and the
 * due events were delivered, with park's deadline. Returns how many things
 * it made happen (wakes, cancellations): a park with no deadline and no
 * events returns BCSC_EDEADLK only if the hook returned 0. */
typedef int (*bcsc_fault_hook_fn)(bcsc_fault_reactor_t *r, void *context,
                                  uint64_t deadline);

enum bcsc_fault_mode {
  BCSC_FAULT_OFF = 0,
  BCSC_FAULT_ONCE = 1,      /* the fail_at-th park fails, the rest do not */
  BCSC_FAULT_PERSISTENT = 2 /* every park from the fail_at-th on fails */
};

enum bcsc_fault_wake {
  BCSC_FAULT_WAKE_ON_TIME = 0, /* the clock goes to the deadline (sim) */
  BCSC_FAULT_WAKE_SPURIOUS,    /* return at once; the clock stays */
  BCSC_FAULT_WAKE_EARLY,       /* the clock goes halfway to the deadline */
  BCSC_FAULT_WAKE_LATE         /* the clock goes late_ns past the deadline */
};

enum bcsc_fault_event_kind {
  BCSC_FAULT_EVENT_NORMAL = 0,
  BCSC_FAULT_EVENT_DUPLICATE, /* delivered twice in a row */
  BCSC_FAULT_EVENT_DELAYED    /* held back at the first park that is due */
};

#define BCSC_FAULT_EVENTS 8

typedef struct bcsc_fault_event {
  bcsc_waitq_t *queue; /* NULL: the slot is free */
  uint64_t at;         /* due when the clock reaches it */
  uintptr_t value;
  int kind;
  int held; /* DELAYED: already held back once */
} bcsc_fault_event_t;

struct bcsc_fault_reactor {
  bcsc_reactor_t base; /* first: &r->base goes to bcsc_executor_config_t */
  uint64_t now;
  uint32_t unparked; /* an unpark is pending (atomic) */
  /* What happened. */
  uint64_t calls;     /* vtable calls of every kind */
  uint64_t parks;     /* park calls, failed ones included */
  uint64_t faults;    /* parks that failed on purpose */
  uint64_t delivered; /* event wakes made (a duplicate counts twice) */
  uint64_t woke;      /* tasks those wakes woke */
  uint64_t unparks;
  /* Faults. */
  uint64_t fail_at; /* 1-based park number; 0: none */
  int fail_mode;    /* enum bcsc_fault_mode */
  int fail_rc;      /* what a failing park returns (BCSC_ESTATE) */
  /* Wake anomalies: the next wake_count parks behave as wake_mode. */
  int wake_mode;
  uint32_t wake_count;
  uint64_t late_ns;
  bcsc_fault_hook_fn hook;
  void *hook_context;
  bcsc_fault_event_t events[BCSC_FAULT_EVENTS];
};

/* Clock at @p start, nothing armed. */
void bcsc_fault_reactor_init(bcsc_fault_reactor_t *r, uint64_t start);
/* Make the @p k-th park (1-based, counting every park since init) fail with
 * @p rc, once or persistently; k = 0 disarms. */
void bcsc_fault_reactor_fail(bcsc_fault_reactor_t *r, uint64_t k, int mode,
                             int rc);
/* Whether the armed fault has fired (at least once). */
int bcsc_fault_reactor_fault_fired(const bcsc_fault_reactor_t *r);
/* The next @p count parks behave as @p mode. */
void bcsc_fault_reactor_wake(bcsc_fault_reactor_t *r, int mode, uint32_t count,
                             uint64_t late_ns);
/* Schedule a wake of @p queue (bcsc_waitq_wake_one) at time @p at. Returns
 * 0, or BCSC_ENOSPC if all BCSC_FAULT_EVENTS slots are taken. */
int bcsc_fault_reactor_event(bcsc_fault_reactor_t *r, bcsc_waitq_t *queue,
                             uint64_t at, uintptr_t value, int kind);
/* Drop every pending event on @p queue (before it is deinitialised). */
void bcsc_fault_reactor_forget(bcsc_fault_reactor_t *r, bcsc_waitq_t *queue);
/* Events not yet delivered. */
uint32_t bcsc_fault_reactor_pending(const bcsc_fault_reactor_t *r);
/* Move the clock forward by @p ns (saturating), as time passing outside. */
void bcsc_fault_reactor_advance(bcsc_fault_reactor_t *r, uint64_t ns);
/* Unpark @p r from a new thread, and join it: a foreign-thread wake. */
void bcsc_fault_reactor_unpark_from_thread(bcsc_fault_reactor_t *r);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* BCSC_FAULT_REACTOR_H */
