/* SPDX-License-Identifier: MIT
 * relay.h - the lock-free half of remote children (bcsc/remote.h): the
 * message word of a relay and the per-executor relay list. What relay.c
 * shares with remote.c and executor.c. Never installed.
 *
 * relay.c touches only a relay's flags and relay_next, and an executor's
 * relay_head and relay_pins (plus bcsc__inbox_notify_if_sleeping()), so a
 * model-checking harness can #include it with stub executors, as the inbox
 * proof does with inbox.c. */
#ifndef BCSC_RELAY_H
#define BCSC_RELAY_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "bcsc.h"
#include "inbox.h"

/* A relay's flags word: the messages between the parent's executor and
 * the host, and which list the relay is on. Set with atomic
 * read-modify-writes only.
 *
 *   SPAWN     parent -> host: spawn the task (not yet taken by the host)
 *   CANCEL    parent -> host: cancel it; set once, never cleared
 *   QUEUED    on the host's relay list, or about to be pushed there: the
 *             host's next drain will look at the relay
 *   RETURNED  the task completed on the host while QUEUED: the drain that
 *             clears QUEUED sends DONE (the completion cannot: the relay
 *             is still, or about to be, on the host's list)
 *   DONE      host -> parent: ended; on the parent's list, or about to be.
 *             Set only while QUEUED is clear, so a relay is on one list at
 *             a time and the host never touches it after the push.
 *
 * Who sets what: the parent sets SPAWN|QUEUED before publishing, then
 * CANCEL|QUEUED once (CAS, only while neither CANCEL nor DONE); the host
 * clears SPAWN|QUEUED when it takes the message (CAS, which also turns
 * RETURNED into DONE) and sets DONE or RETURNED when the task completes. */
enum {
  BCSC__RELAY_SPAWN = 0x1,
  BCSC__RELAY_CANCEL = 0x2,
  BCSC__RELAY_QUEUED = 0x4,
  BCSC__RELAY_RETURNED = 0x8,
  BCSC__RELAY_DONE = 0x10
};

/* Pointer-sized words of the public structs (relay_head, relay_next) are
 * plain uintptr_t; the core reaches them through this view, lock-free on
 * every target like the 32-bit words of inbox.h. */
#define BCSC__APTR(p) ((_Atomic uintptr_t *)(void *)(p))
_Static_assert(sizeof(_Atomic uintptr_t) == sizeof(uintptr_t) &&
                   _Alignof(_Atomic uintptr_t) == _Alignof(uintptr_t),
               "an atomic pointer-sized word is laid out as a plain one");
_Static_assert(ATOMIC_POINTER_LOCK_FREE == 2,
               "pointer-sized atomics are always lock-free");

/* Push `r` onto `to`'s relay list and wake `to` if it sleeps (the inbox's
 * handshake). `to` is pinned meanwhile: its deinit waits for the pusher's
 * last touch. The caller has just set QUEUED or DONE: the link is its. */
void bcsc__relay_push(bcsc_executor_t *to, bcsc_remote_task_t *r);
/* Take `ex`'s whole relay list, oldest first (NULL: empty). Follow it with
 * bcsc__relay_next() before acting on each relay. Executor thread. */
bcsc_remote_task_t *bcsc__relay_take(bcsc_executor_t *ex);
/* The relay after `r` on a taken list: read it before the relay can be
 * pushed again (before bcsc__relay_settle() or acting on a DONE). */
bcsc_remote_task_t *bcsc__relay_next(const bcsc_remote_task_t *r);
/* The flags of a taken relay (acquire). */
uint32_t bcsc__relay_flags(const bcsc_remote_task_t *r);
/* Parent: request cancellation. 1 if the caller must push the relay to its
 * host (it was not queued), 0 if nothing is to be done (already cancelled,
 * already on the host's list - the cancel rides along - or done). */
int bcsc__relay_cancel(bcsc_remote_task_t *r);
/* Host: the drain took `r` (not DONE). Clears SPAWN and QUEUED - RETURNED
 * becomes DONE - and returns the flags it found. */
uint32_t bcsc__relay_settle(bcsc_remote_task_t *r);
/* Host: `r`'s task completed. 1 if DONE was set (push it to the parent
 * now), 0 if RETURNED was (the drain that takes its queued message will). */
int bcsc__relay_returned(bcsc_remote_task_t *r);
/* Wait until no thread is between a push onto `ex` and its last touch. */
void bcsc__relay_wait_unpinned(bcsc_executor_t *ex);

/* Whether `ex`'s relay list may hold messages: one relaxed load. */
static inline int bcsc__relay_nonempty(const bcsc_executor_t *ex) {
  return atomic_load_explicit(BCSC__APTR(&ex->priv.relay_head),
                              memory_order_relaxed) != 0;
}

#endif /* BCSC_RELAY_H */
