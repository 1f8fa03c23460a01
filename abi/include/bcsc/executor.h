/* SPDX-License-Identifier: MIT
 * bcsc/executor.h - the executor: a FIFO run queue and the loop that polls.
 *
 * One executor drives its tasks on one thread, one poll at a time, ready
 * tasks in FIFO order. It owns a root scope that tasks spawned with
 * bcsc_executor_spawn() or bcsc_executor_run() belong to; an executor with
 * live tasks cannot be torn down. It can own the thread (run) or be driven
 * by a host loop (poll).
 *
 * Given a slot table (bcsc_executor_set_waker_slots()), it also takes value
 * wakes from any thread or signal handler (bcsc/waker.h): they arrive in a
 * lock-free inbox that run() and poll() drain on the executor's thread at
 * every turn, and a wake that finds the executor parked ends the park
 * through the reactor's unpark (or, outside run and poll, calls the
 * pender). The messages of remote children (bcsc/remote.h) - spawn,
 * cancel, done - arrive and are drained the same way. See
 * docs/threads.md. */
#ifndef BCSC_EXECUTOR_H
#define BCSC_EXECUTOR_H

#include <stddef.h>
#include <stdint.h>

#include "bcsc/export.h"
#include "bcsc/reactor.h"
#include "bcsc/scope.h"
#include "bcsc/timer.h"
#include "bcsc/types.h"
#include "bcsc/waker.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * A host's pender: called while nobody is inside bcsc_executor_run() or
 * bcsc_executor_poll() for @p ex when the run queue goes from empty to
 * non-empty (D19), or when a value wake or a remote child's message
 * (bcsc/remote.h) is the first to arrive since the last run or poll - the
 * host's cue to call bcsc_executor_poll() again. A task made ready behind
 * one already ready does not call it. It must not call into bcsc; it should
 * only note the fact (set a flag, post to the host's loop, pend an
 * interrupt). Called on the thread that made the task ready - for a value
 * wake (bcsc_waker_wake()) that is the waking thread, possibly inside a
 * signal handler or an interrupt, so a pender used with value wakers must be
 * thread-safe and async-signal-safe. A burst of value wakes calls it once.
 */
typedef void (*bcsc_pender_fn)(bcsc_executor_t *ex, void *context);

/**
 * Options for bcsc_executor_init(). Set size to sizeof(bcsc_executor_config_t);
 * the library reads only the fields that fall inside size, so programs built
 * against an older header keep working.
 */
typedef struct bcsc_executor_config {
  uint32_t size;
  uint32_t flags; /**< Reserved: must be 0. */
  /** The clock and the parking of the thread, or NULL: no clock (timers
   *  fail with BCSC_ENOTSUP) and run() cannot wait (BCSC_EDEADLK). */
  bcsc_reactor_t *reactor;
  bcsc_pender_fn pender; /**< Or NULL. */
  void *pender_context;  /**< Passed to pender. */
  /** A waker slot table, as bcsc_executor_set_waker_slots() would give it,
   *  or NULL (the default: no value wakers until one is set). */
  bcsc_waker_slot_t *waker_slots;
  uint32_t waker_slot_count; /**< Entries in waker_slots. */
  uint32_t reserved0;        /**< Must be 0. */
  /* --- v0.1 ends here --- */
} bcsc_executor_config_t;

/**
 * Counters an executor keeps. Set size before calling bcsc_executor_stats();
 * the library fills only what fits. (The tag is not bcsc_executor_stats: a
 * function of that name hides it in C++ and in SWIG.)
 */
typedef struct bcsc_executor_statistics {
  uint32_t size;
  uint32_t reserved0;
  uint64_t polls;        /**< poll functions called */
  uint64_t wakes;        /**< tasks moved from waiting to ready */
  uint64_t spawns;       /**< tasks spawned */
  uint64_t completions;  /**< tasks completed */
  uint64_t cancels;      /**< live tasks a cancellation request reached (a
                            task spawned already cancelled is not counted) */
  uint64_t timers_fired; /**< timer and scope deadlines, and drain grace
                            periods, that ran out */
  uint64_t parks;        /**< calls to the reactor's park */
  /** Value wakes (bcsc_waker_wake() returning 0) that found their slot
   *  still held by the task the waker was issued to. Wakes that coalesce
   *  with one not yet drained count here too. */
  uint64_t wakes_received;
  /** Value wakes whose task had ended, or whose slot a later task holds.
   *  Wakes sent == wakes_received + wakes_stale, exactly. */
  uint64_t wakes_stale;
  /** Tasks the inbox drain woke or marked (at most wakes_received). */
  uint64_t wakes_delivered;
  /** Value wakes, and messages of remote children (bcsc/remote.h), that
   *  had to end a park (reactor unpark) or call the pender: the others
   *  cost no system call. */
  uint64_t waker_notifies;
  /* --- v0.1 ends here --- */
} bcsc_executor_stats_t;

/** Levels and slots of an executor's timing wheel (PRIVATE). Level L holds
 *  the deadlines that differ from the wheel's time first in bits 6L..6L+5;
 *  later ones sit in the last level and move down as time comes. */
#define BCSC_WHEEL_LEVELS 6
#define BCSC_WHEEL_SLOTS 64

/** bcsc's part of an executor. PRIVATE - DO NOT TOUCH. */
struct bcsc_executor_private {
  /* 64-bit counters first: 8-byte aligned on every target, also i686. */
  uint64_t polls;
  uint64_t wakes;
  uint64_t spawns;
  uint64_t completions;
  uint64_t cancels;
  uint64_t timers_fired;
  uint64_t parks;
  uint64_t wakes_received; /* folded from the inbox counters below */
  uint64_t wakes_stale;
  uint64_t wakes_delivered;
  uint64_t waker_notifies;
  uint64_t wheel_time;    /* every deadline <= this has been processed */
  uint64_t next_deadline; /* earliest wheel deadline; valid if wheel_exact */
  uint64_t occupied[BCSC_WHEEL_LEVELS]; /* bit i: slot i is not empty */
  bcsc_task_t *run_head; /* FIFO run queue through task link.run_next */
  bcsc_task_t *run_tail;
  bcsc_task_t *current; /* the task being polled, or NULL */
  uint16_t state;
  uint16_t magic;
  uint32_t self_tag;
  uint32_t ready;       /* tasks on the run queue */
  uint32_t next_slot;   /* the earliest occupied wheel slot, if cached */
  uint32_t timers;      /* links in the wheel */
  uint32_t wheel_exact; /* what next_deadline and next_slot cache */
  bcsc_reactor_t *reactor;
  bcsc_pender_fn pender;
  void *pender_context;
  bcsc_scope_t root; /* owner-less scope of the root tasks */
  struct bcsc_timer_link *wheel[BCSC_WHEEL_LEVELS * BCSC_WHEEL_SLOTS];
  struct bcsc_timer_link *wheel_due; /* the slot being processed */
  bcsc_wait_t *batons; /* fired hand-off registrations not yet taken */
  bcsc_waker_slot_t *waker_slots; /* the value wakers' slot table or NULL */
  uint32_t waker_slot_count;
  uint32_t waker_free_head; /* FIFO of free slots: index + 1; 0: none */
  uint32_t waker_free_tail;
  uint32_t waker_held; /* slots held by tasks */
  /* Written by any thread, only through C11 atomics (inbox.c). Far from
   * the fields the run loop writes, so wakes do not steal their line. */
  uint32_t inbox_head;     /* newest slot pushed: index + 1; 0: empty */
  uint32_t inbox_sleep;    /* whether a wake must unpark or pend */
  uint32_t inbox_received; /* counts since the executor last folded them */
  uint32_t inbox_stale;
  uint32_t inbox_notifies;
  /* Threads between pushing a message onto relay_head (bcsc/remote.h)
   * and their last touch of this executor: deinit waits for 0. */
  uint32_t relay_pins;
  struct bcsc_mutex *held_mutexes; /* locked by one of its tasks */
  /* The thread that drives it, as the platform layer names threads (the
   * checked build's wrong-thread check); 0: not known yet. */
  uintptr_t owner_thread;
  /* The newest relay pushed by another thread (a remote child's spawn,
   * cancel or done message), or 0; atomic, like the inbox words. */
  uintptr_t relay_head;
  uintptr_t reserved[3];
};

/**
 * An executor.
 *
 * Caller-owned (stack or static); must not move from bcsc_executor_init()
 * until bcsc_executor_deinit() has succeeded.
 */
struct bcsc_executor {
  /* public */
  void *data; /**< The caller's; bcsc never reads it. */
  /* private */
  struct bcsc_executor_private priv;
};

/**
 * Prepare an executor.
 *
 * @param ex      the executor.
 * @param config  options, or NULL for the defaults.
 * @retval 0             ready
 * @retval BCSC_EINVAL   @p ex is NULL, or @p config has a size smaller than
 *                       its size field, non-zero reserved flags or
 *                       reserved0, waker_slots without waker_slot_count (or
 *                       the reverse), or more than BCSC_WAKER_SLOTS_MAX, or
 *                       its reactor is refused by bcsc_reactor_check()
 * @retval BCSC_ENOTSUP  its reactor's vtable version is newer than this
 *                       library knows (bcsc_reactor_check())
 * @thread any (the thread that will drive it)  @allocates never  @since 0.1
 */
BCSC_API int bcsc_executor_init(bcsc_executor_t *ex,
                                const bcsc_executor_config_t *config);

/**
 * Tear down an executor. It must have no live tasks, hosted remote children
 * included (bcsc/remote.h), and no remote child's message not yet taken.
 * Value wakes still in its inbox (their tasks have all ended) are settled,
 * so the slot table may be given to another executor; no wake may run
 * during or after this call. If another executor's thread is still
 * finishing a message it sent here (it has pushed it and is telling this
 * executor's reactor), the call waits for that thread's few instructions.
 * Afterwards its queries answer as for a zero executor (D89); its data field is
 * left alone.
 *
 * @retval 0             done; the memory may be reused
 * @retval BCSC_EINVAL   @p ex is NULL
 * @retval BCSC_EBADOBJ  @p ex is not initialised
 * @retval BCSC_EBUSY    tasks are still live (or a remote child's message
 *                       waits in its relay list), or a poll is in
 *                       progress (nothing is changed)
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_executor_deinit(bcsc_executor_t *ex);

/**
 * Make the calling thread @p ex's thread: the one thread that may run and
 * poll it and spawn into its scopes.
 *
 * An executor otherwise belongs to the first thread that runs or polls it
 * (before that, any one thread may set it up and spawn its first tasks).
 * The checked build reports any other thread's bcsc_executor_run(),
 * bcsc_executor_poll(), bcsc_executor_spawn() or bcsc_scope_spawn() as
 * BCSC_MISUSE_WRONG_THREAD (the call fails with BCSC_EPERM); the release
 * build checks nothing (such a call is a data race). Call this to hand an
 * executor over to another thread - after the old thread has stopped
 * driving it, with a happens-before edge between the two (a thread join, a
 * mutex, a release/acquire flag) - or to name the thread before any run.
 * A freestanding build knows no threads: the call succeeds, and no check is
 * made.
 *
 * @retval 0             the calling thread is @p ex's thread
 * @retval BCSC_EINVAL   @p ex is NULL
 * @retval BCSC_EBADOBJ  @p ex is not initialised
 * @retval BCSC_EBUSY    @p ex is inside bcsc_executor_run() or
 *                       bcsc_executor_poll() (on this thread: from a poll
 *                       function or the reactor's park); nothing changed
 * @thread any (never while another thread drives @p ex)  @allocates never
 * @since 0.4
 */
BCSC_API int bcsc_executor_bind_thread(bcsc_executor_t *ex);

/**
 * Spawn a root task: a task that belongs to the executor rather than to a
 * task's scope. Its errors do not cancel other roots.
 *
 * @retval 0 and the errors of bcsc_scope_spawn()
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_executor_spawn(bcsc_executor_t *ex, bcsc_task_t *root);

/**
 * Run until @p root has completed, and return its result.
 *
 * If @p root is initialised and not yet spawned it is spawned as a root task
 * first. With @p root NULL, runs until no root task is live (a remote child
 * sent here and not yet taken counts as live) and returns 0. Value wakes
 * and remote children's messages are drained at every turn. Due timers are
 * fired when no task is ready, and at least every 64 turns otherwise. When no
 * task is ready it parks the thread in the reactor until the next deadline or
 * an unpark. Without a reactor nothing can wake a task then, so it returns
 * BCSC_EDEADLK and leaves every task as it is: cancel @p root and run again to
 * drain it.
 * @retval 0 or negative  @p root's result
 * @retval BCSC_EDEADLK   no task is ready, @p root has not completed, and
 *                        there is no reactor (or its park says nothing can
 *                        ever end it)
 * @retval (negative)     the reactor's park failed with this code
 * @retval BCSC_EINVAL    @p ex is NULL
 * @retval BCSC_EBADOBJ   @p ex or @p root is not initialised, or the checked
 *                        build found a frame overwritten while linked
 * @retval BCSC_EINVAL    @p root is live on another executor
 * @retval BCSC_EBUSY     called while bcsc runs @p ex: from a poll
 *                        function, an abort function, the reactor's park
 *                        or a drain grace's report
 * @retval BCSC_EPERM     checked build: called from a thread that is not
 *                        @p ex's (see bcsc_executor_bind_thread())
 * @retval (negative)     spawning @p root failed (see bcsc_scope_spawn())
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_executor_run(bcsc_executor_t *ex, bcsc_task_t *root);

/**
 * Cancel every root task, run until none is live, and tear the executor
 * down: the end of a host's use of an executor (tokio's runtime shutdown,
 * the end of Trio's run).
 *
 * Every root task is cancelled with its subtree (shielded scopes stop the
 * cancellation as always, BCSC_SCOPE_SHIELD), remote children hosted here
 * too; the executor then runs as bcsc_executor_run(@p ex, NULL) does -
 * cleanups may wait, and the call returns only once they have ended - and
 * is torn down as bcsc_executor_deinit() does. If the run fails (no
 * reactor, and a cleanup waits for something nothing can fire), the call
 * returns that error and leaves the executor initialised with its tasks in
 * place and its roots cancelled: roots spawned later start cancelled.
 * @retval 0              every task ended; @p ex is torn down
 * @retval BCSC_EDEADLK   a cleanup cannot end (no reactor); nothing is torn
 *                        down
 * @retval (negative)     the errors of bcsc_executor_run() and
 *                        bcsc_executor_deinit()
 * @thread executor  @allocates never  @since 0.6
 */
BCSC_API int bcsc_executor_shutdown(bcsc_executor_t *ex);

/**
 * bcsc_executor_shutdown() for a C scope that ends: the function
 * BCSC_CLEANUP_EXECUTOR names, so that leaving the block that holds the
 * executor - by any return - cannot skip the end of its tasks.
 *
 * Declare the executor zero-initialised (`= {0}`): a zero executor (never
 * initialised, or already torn down by bcsc_executor_deinit() or a
 * shutdown) is left alone. Otherwise it shuts @p ex down. If that fails,
 * or the call is made where the executor cannot run (from a poll or an
 * abort function, or anything else inside bcsc_executor_run() or _poll():
 * a drain grace's report, the reactor's park; no shutdown is tried), its
 * tasks are still linked while their
 * memory goes away: every build, release too, reports
 * BCSC_MISUSE_EXECUTOR_LEFT_LIVE through the misuse handler, once (the
 * default handler aborts; D84).
 * @thread executor  @allocates never  @since 0.6
 */
BCSC_API void bcsc_executor_cleanup(bcsc_executor_t *ex);

/**
 * Declares an executor whose tasks cannot outlive its C scope (gcc and
 * clang): `bcsc_executor_t ex BCSC_CLEANUP_EXECUTOR = {0};` calls
 * bcsc_executor_cleanup(&ex) when the block ends. A convenience only: the
 * function is the API, and other compilers call it by hand.
 */
#if defined(__GNUC__) || defined(__clang__)
#define BCSC_CLEANUP_EXECUTOR __attribute__((cleanup(bcsc_executor_cleanup)))
#endif

/**
 * Take up to @p budget turns on ready tasks (including tasks woken
 * meanwhile) and return how many were taken. For hosts that keep their own
 * loop. A turn polls one task, or advances one task whose poll function has
 * returned while bcsc drains the scopes it left open (no poll function is
 * called then, so stats.polls may grow by less). Due timers are fired first
 * (and every 64 turns), value wakes in the inbox are drained before every
 * turn; it never parks. If a value wake arrives after its last drain, it
 * calls the pender before it returns. See bcsc_executor_next_deadline().
 *
 * @return the number of turns taken (0 when nothing was ready)
 * @retval BCSC_EINVAL   @p ex is NULL
 * @retval BCSC_EBADOBJ  @p ex is not initialised
 * @retval BCSC_EBUSY    called while bcsc runs @p ex: from a poll
 *                       function, an abort function, the reactor's park
 *                       or a drain grace's report
 * @retval BCSC_EPERM    checked build: called from a thread that is not
 *                       @p ex's (see bcsc_executor_bind_thread())
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_executor_poll(bcsc_executor_t *ex, uint32_t budget);

/**
 * Take at most one turn, and say which task took it: a hand-stepped
 * executor for tests, debuggers and simulations that interleave their own
 * actions with the executor's, one poll at a time.
 *
 * Does what bcsc_executor_poll(ex, 1) does - fires due timers, drains value
 * wakes and remote children's messages, then polls the oldest ready task (or
 * advances one whose poll function returned while bcsc drains the scopes it
 * left open), never parks - and also stores that task in @p *task. The task may
 * have completed in that turn (bcsc_task_done()); if it came from a pool, its
 * frame may already be free again, so use the pointer only to compare it
 * or, for a frame the caller owns, to ask about it.
 * @param ex    the executor.
 * @param task  receives the task that took the turn, or NULL if none was
 *              taken (or on error); may be NULL.
 * @retval 1             one turn was taken
 * @retval 0             no task was ready
 * @retval (negative)    the errors of bcsc_executor_poll()
 * @thread executor  @allocates never  @since 0.5
 */
BCSC_API int bcsc_executor_run_once(bcsc_executor_t *ex, bcsc_task_t **task);

/**
 * The current time of @p ex's reactor clock, in nanoseconds.
 * @return the reactor's now(), or 0 if @p ex is NULL, not an initialised
 *         executor, or has no reactor.
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API uint64_t bcsc_executor_now(const bcsc_executor_t *ex);

/**
 * When a host that drives @p ex with bcsc_executor_poll() must call it
 * again, at the latest: 0 if a task is ready now, or value wakes or remote
 * children's messages (bcsc/remote.h) wait to be drained, else the earliest
 * timer or scope deadline (or end of a drain grace period), else
 * BCSC_NO_DEADLINE (only a wake can make a task ready: the pender will say
 * so). Also BCSC_NO_DEADLINE for NULL.
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API uint64_t bcsc_executor_next_deadline(bcsc_executor_t *ex);

/**
 * The reactor @p ex was initialised with, or NULL.
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API bcsc_reactor_t *bcsc_executor_reactor(const bcsc_executor_t *ex);

/**
 * The number of tasks ready to be polled (0 for NULL).
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API uint32_t bcsc_executor_ready(const bcsc_executor_t *ex);

/**
 * The number of live root tasks (0 for NULL).
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API uint32_t bcsc_executor_live_roots(const bcsc_executor_t *ex);

/**
 * The task being polled by @p ex, or NULL outside a poll.
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API bcsc_task_t *bcsc_executor_current(const bcsc_executor_t *ex);

/**
 * Copy the executor's counters into @p stats (which must have size set).
 * The value-wake counts are exact: they include the wakes still waiting
 * in the inbox, which the call sums from the slot table (one load per
 * slot, at most BCSC_WAKER_SLOTS_MAX: statistics are for a rare look, not
 * for every turn).
 *
 * @retval 0             filled (as much as stats->size allows)
 * @retval BCSC_EINVAL   an argument is NULL or stats->size is too small
 * @retval BCSC_EBADOBJ  @p ex is not initialised
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_executor_stats(const bcsc_executor_t *ex,
                                 bcsc_executor_stats_t *stats);

/**
 * Pin the calling thread - the thread that drives @p ex - to CPU @p cpu, so
 * that the executor's tasks always run on that core ("one executor per
 * core", docs/threads.md). Call it from the executor's thread, before
 * bcsc_executor_run() or from inside a poll function; it changes only the
 * calling thread's affinity, never another thread's.
 *
 * Per platform:
 * - Linux (hosted build): sched_setaffinity() of the calling thread to the
 *   one CPU. The pin outlives @p ex: it belongs to the thread.
 * - other hosted systems: not implemented, returns BCSC_ENOTSUP and changes
 *   nothing (the program runs correctly unpinned).
 * - freestanding build: BCSC_ENOTSUP; without an OS each core starts its own
 *   executor and is pinned by construction.
 *
 * @param ex   the executor the calling thread drives.
 * @param cpu  the CPU number, as the OS counts them (0 is the first).
 * @retval 0             the calling thread now runs only on @p cpu
 * @retval BCSC_EINVAL   @p ex is NULL, or @p cpu is not a CPU this thread
 *                       may run on (absent, offline, outside its cpuset)
 * @retval BCSC_EBADOBJ  @p ex is not initialised
 * @retval BCSC_EPERM    the system refused (a seccomp or security policy)
 * @retval BCSC_ENOTSUP  not supported on this platform (see above)
 * @thread executor  @allocates never  @since 0.4
 */
BCSC_API int bcsc_executor_pin(bcsc_executor_t *ex, uint32_t cpu);

/**
 * sizeof(bcsc_executor_t) in the library as built; bindings that allocate by
 * size compare it with their own copy of the layout.
 * @thread any  @allocates never  @since 0.1
 */
BCSC_API size_t bcsc_executor_sizeof(void);

/**
 * alignof(bcsc_executor_t) in the library as built.
 * @thread any  @allocates never  @since 0.1
 */
BCSC_API size_t bcsc_executor_alignof(void);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* BCSC_EXECUTOR_H */
