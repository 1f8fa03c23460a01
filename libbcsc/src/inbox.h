/* SPDX-License-Identifier: MIT
 * inbox.h - the value wakers' lock-free inbox: what inbox.c shares with
 * waker.c and executor.c. Never installed.
 *
 * The algorithm touches only the slot table and six 32-bit words of the
 * executor (inbox_head, inbox_sleep, the three counters, the table) - and
 * reads relay_head where it decides to sleep (relay.h), and adds to
 * wakes_received on the executor's thread - so a
 * model-checking harness can #include inbox.c with a stub executor and a
 * stub bcsc__inbox_notify(). */
#ifndef BCSC_INBOX_H
#define BCSC_INBOX_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "bcsc.h"

/* A slot's state word: 3 flags, the generation above them, and in the top
 * bits a count of the wakes it has received and the executor has not yet
 * folded into its statistics (D47) - at the top, so that reading it is one
 * shift. Counting in the word lets the one compare-and-swap that marks (or
 * coalesces with) a wake also count it. */
#ifndef BCSC__SLOT_COUNT_BITS
#define BCSC__SLOT_COUNT_BITS 5
#endif
_Static_assert(BCSC__SLOT_COUNT_BITS >= 1 && BCSC__SLOT_COUNT_BITS <= 28,
               "a slot's wake count has 1 to 28 bits");

/* How many bits of a slot's state word hold its generation. Test builds
 * narrow it to make the wrap-around reachable (docs/threads.md). */
#ifndef BCSC_WAKER_GENERATION_BITS
#define BCSC_WAKER_GENERATION_BITS (29 - BCSC__SLOT_COUNT_BITS)
#endif
_Static_assert(BCSC_WAKER_GENERATION_BITS >= 1 &&
                   BCSC_WAKER_GENERATION_BITS <= 29 - BCSC__SLOT_COUNT_BITS,
               "a slot's generation has 1 to 29 - BCSC__SLOT_COUNT_BITS bits");

/* The checked build's hook points on the wake path (D29, internal.h): a
 * value wake calls the executor's test hook, on the waking thread, where a
 * wake from another thread could be overtaken. waker.c calls the hook; a
 * harness that includes inbox.c without BCSC_CHECKED compiles them out. */
enum {
  /* A value wake has marked its slot PENDING (and QUEUED) and not yet
   * pushed it onto the inbox. Object: the slot. */
  BCSC__HOOK_MARKED = 5,
  /* A wake found the executor asleep and has not yet claimed the
   * notification. Object: the executor. */
  BCSC__HOOK_NOTIFYING = 6,
  /* A wake found its slot PENDING with a full count; it has not yet
   * counted itself in inbox_received, nor looked at the slot again (D48).
   * Object: the slot. */
  BCSC__HOOK_COUNTING = 7
};
#if defined(BCSC_CHECKED) && BCSC_CHECKED
void bcsc__inbox_hook(bcsc_executor_t *ex, int point, void *object);
#define BCSC__INBOX_HOOK(ex, point, object)                                    \
  bcsc__inbox_hook((ex), (point), (object))
#else
#define BCSC__INBOX_HOOK(ex, point, object) ((void)0)
#endif

/* A slot's state word. Only the executor sets HELD and changes the
 * generation; any thread sets PENDING and QUEUED and adds to the count;
 * only the executor's drain clears them (and a give-back clears PENDING
 * and the count). The count is not 0 only while PENDING: the wake that
 * sets PENDING counts 1, and what clears PENDING clears the count. */
enum {
  BCSC__SLOT_HELD = 0x1,    /* a live task holds the slot */
  BCSC__SLOT_PENDING = 0x2, /* a wake for the holder is not yet drained */
  BCSC__SLOT_QUEUED = 0x4,  /* the slot is on the inbox list */
  BCSC__SLOT_GEN_SHIFT = 3,
  BCSC__SLOT_COUNT_SHIFT = 32 - BCSC__SLOT_COUNT_BITS
};
#define BCSC__SLOT_GEN_MASK ((1u << BCSC_WAKER_GENERATION_BITS) - 1u)
/* The count field in place, and one wake in it. */
#define BCSC__SLOT_COUNT_ONE (1u << BCSC__SLOT_COUNT_SHIFT)
#define BCSC__SLOT_COUNT                                                       \
  (((1u << BCSC__SLOT_COUNT_BITS) - 1u) << BCSC__SLOT_COUNT_SHIFT)

/* The received wakes a state word holds. */
static inline uint32_t bcsc__slot_count(uint32_t state) {
  return (state & BCSC__SLOT_COUNT) >> BCSC__SLOT_COUNT_SHIFT;
}

/* What a wake that finds the inbox empty must do (inbox_sleep). */
enum {
  BCSC__INBOX_AWAKE = 0,  /* the executor will look at the inbox anyway */
  BCSC__INBOX_PARKED = 1, /* parked, or about to: unpark the reactor */
  BCSC__INBOX_OUTSIDE = 2 /* nobody is in run() or poll(): the pender */
};

/* The public structs hold plain uint32_t words (no _Atomic in public
 * headers); the core reaches them only through this view. Same size and
 * alignment, and lock-free - so async-signal-safe and free of libatomic -
 * on every target. */
#define BCSC__A32(p) ((_Atomic uint32_t *)(void *)(p))
_Static_assert(sizeof(_Atomic uint32_t) == sizeof(uint32_t) &&
                   _Alignof(_Atomic uint32_t) == _Alignof(uint32_t),
               "an atomic 32-bit word is laid out as a plain one");
_Static_assert(ATOMIC_INT_LOCK_FREE == 2 && sizeof(unsigned) == 4,
               "32-bit atomics are always lock-free");

/* inbox.c. A wake of slot `index` for `generation` (both in range): marks
 * the slot and queues it, counts the wake, and notifies a sleeping
 * executor. Returns 1 if counted received, 0 if stale. */
int bcsc__inbox_push(bcsc_executor_t *ex, uint32_t index, uint32_t generation);
/* inbox.c. Take the whole inbox, oldest first: index + 1 of its first slot
 * (0: empty); follow with bcsc__inbox_settle(). Executor thread. */
uint32_t bcsc__inbox_take(bcsc_executor_t *ex);
/* inbox.c. Take the slot `n` (index + 1) off the taken list: its wake is
 * settled, its count folded into wakes_received, and the slot may be
 * queued again. Sets *deliver to 1 if the holder must be woken. Returns the
 * next slot of the list. Executor thread. */
uint32_t bcsc__inbox_settle(bcsc_executor_t *ex, uint32_t n, int *deliver);
/* inbox.c. The slot is taken by a task / given back (generation + 1; the
 * count of its wakes folded into wakes_received). Executor thread. */
void bcsc__inbox_slot_hold(bcsc_waker_slot_t *slot);
void bcsc__inbox_slot_release(bcsc_executor_t *ex, bcsc_waker_slot_t *slot);
/* inbox.c. The received wakes the slot table holds, not yet folded (for
 * bcsc_executor_stats(): one relaxed load per slot). Executor thread. */
uint64_t bcsc__inbox_counted(const bcsc_executor_t *ex);
/* inbox.c. The executor is about to park (`how` PARKED) or to leave
 * poll() (OUTSIDE). Returns 1 if the inbox has wakes, or the relay list
 * (relay.h) messages: do not sleep. */
int bcsc__inbox_sleep(bcsc_executor_t *ex, uint32_t how);
/* inbox.c. Notify the executor if it is asleep (for a poll() that leaves
 * with wakes in the inbox: the host must be told). */
void bcsc__inbox_notify_if_sleeping(bcsc_executor_t *ex);
/* inbox.c. The executor is awake again. */
void bcsc__inbox_awake(bcsc_executor_t *ex);
/* waker.c (a stub in a harness): end a park or call the pender. */
void bcsc__inbox_notify(bcsc_executor_t *ex, uint32_t how);

/* The drain has settled every slot it took: read inbox_received and
 * return it. Executor thread, before any task the drain delivered runs.
 *
 * Why seq_cst (D48). A wake W past a full count, and the drain:
 *
 *   W (any thread)                      executor (drain)
 *   load state: PENDING, count full     fetch_and state: settle   (seq_cst)
 *   fetch_add inbox_received (seq_cst)  ... every slot taken ...
 *   load state                (seq_cst) load inbox_received       (seq_cst)
 *
 * If W's second look finds the slot PENDING, the settle that clears it
 * comes after that look in the single order of seq_cst operations, so the
 * drain's load after the settle reads W's fetch_add or a later RMW of the
 * word: it synchronises with W, and W's writes are visible to every poll
 * after the drain. If the look finds the slot settled, W marks it again
 * and the next drain acquires W's compare-and-swap. Either way a wake
 * counted received publishes, as D44 requires. */
static inline uint32_t bcsc__inbox_settled(bcsc_executor_t *ex) {
  return atomic_load_explicit(BCSC__A32(&ex->priv.inbox_received),
                              memory_order_seq_cst);
}

/* Whether the inbox may hold wakes: one relaxed load, every turn. */
static inline int bcsc__inbox_nonempty(const bcsc_executor_t *ex) {
  return atomic_load_explicit(BCSC__A32(&ex->priv.inbox_head),
                              memory_order_relaxed) != 0;
}

#endif /* BCSC_INBOX_H */
