/* SPDX-License-Identifier: MIT
 * bcsc/misuse.h - how API misuse is reported.
 *
 * Every misuse the library can detect has a code. The checked build
 * (BCSC_CHECKED, the default for Debug builds) reports each one through the
 * misuse handler before the call fails; the release build keeps the same
 * layout, skips the report and still returns the documented error code
 * wherever the check is cheap - except for the two ends of C scopes that
 * cannot end what they hold, FRAME_LEFT_LIVE (39) and EXECUTOR_LEFT_LIVE
 * (40), which every build reports: the caller's memory goes away whatever
 * the call answers, and those cleanup functions return nothing (D84). */
#ifndef BCSC_MISUSE_H
#define BCSC_MISUSE_H

#include <stdint.h>

#include "bcsc/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* XX(name, value, message): the one table the codes, bcsc_misuse_name() and
 * the default handler's messages come from. */
#define BCSC_MISUSE_TABLE(XX)                                                  \
  XX(NULL_OBJECT, 1, "NULL object pointer")                                    \
  XX(BAD_OBJECT, 2, "object is not initialised (bad magic)")                   \
  XX(MOVED, 3, "object was moved or copied while linked")                      \
  XX(DOUBLE_SPAWN, 4, "spawning a task frame that is already live")            \
  XX(NODE_LINKED, 5, "registering a wait node that is already linked")         \
  XX(REENTRANT_POLL, 6,                                                        \
     "executor run/poll called from inside a poll "                            \
     "function")                                                               \
  XX(TASK_DONE, 7, "operation on a task that has already completed")           \
  XX(SCOPE_ORDER, 8,                                                           \
     "scope joined out of LIFO order (an inner scope of "                      \
     "the same task is still open)")                                           \
  XX(FOREIGN_SCOPE, 9, "scope joined by a task that does not own it")          \
  XX(NOT_RUNNING, 10, "task argument is not the task being polled")            \
  XX(EXECUTOR_BUSY, 11, "executor torn down with live tasks")                  \
  XX(WAITQ_BUSY, 12, "waiter list torn down with waiters linked")              \
  XX(POOL_EXHAUSTED, 13, "strict pool exhausted")                              \
  XX(POOL_FOREIGN, 14,                                                         \
     "frame released to a pool it is not out of, or "                          \
     "released while spawned")                                                 \
  XX(PENDING_NO_WAKE, 15,                                                      \
     "poll returned PENDING with nothing registered "                          \
     "that can wake the task (it would be lost)")                              \
  XX(SCOPE_CLOSED, 16, "spawning into or joining a scope that is not open")    \
  XX(FRAME_CLOBBERED, 17,                                                      \
     "a linked frame's memory was overwritten (stack "                         \
     "reused while still linked?)")                                            \
  XX(BAD_ARGUMENT, 18, "invalid argument value")                               \
  XX(POOL_BUSY, 19, "pool torn down with frames still out")                    \
  XX(SCOPE_REOPENED, 20, "opening a scope that is already open")               \
  XX(SELECT_DECIDED, 21,                                                       \
     "select branch called after another branch won (what it took "            \
     "would be dropped)")                                                      \
  XX(WRONG_THREAD, 22,                                                         \
     "executor run, polled or spawned into from a thread that is not its "     \
     "own")                                                                    \
  XX(REMOTE_SELF, 23,                                                          \
     "remote child spawned onto the executor of its own scope (spawn it "      \
     "there with bcsc_scope_spawn())")                                         \
  XX(SCOPE_END_LIVE, 30,                                                       \
     "scope ended with a child still linked to it (its live count and its "    \
     "child list disagree)")                                                   \
  XX(SCOPE_END_LINKED, 31,                                                     \
     "scope ended with a registration of one of its tasks still linked")       \
  XX(NODE_UNLINKED, 32,                                                        \
     "a list link leads to or through a node that is not linked (unlinked "    \
     "twice, or followed after its unlink)")                                   \
  XX(ATTACHED, 33,                                                             \
     "attaching a node (context entry, drain grace, error list) that is "      \
     "already attached to another scope, or to this one as a context entry")   \
  XX(ERROR_LIST_LATE, 34,                                                      \
     "setting a scope's error list after a child has failed (the list would "  \
     "miss it)")                                                               \
  XX(START_FOREIGN, 35,                                                        \
     "bcsc_start_ready() called by a task that is not the start's pending "    \
     "child")                                                                  \
  XX(START_TWICE, 36,                                                          \
     "bcsc_start_ready() called again by a child that has moved already")      \
  XX(ABORT_RESULT, 37,                                                         \
     "a completion source's abort function returned neither 0 nor "            \
     "BCSC_PENDING (taken as 0)")                                              \
  XX(ABORT_REENTERED, 38,                                                      \
     "bcsc_executor_run(), _poll() or _run_once() called from a completion "   \
     "source's abort function")                                                \
  XX(FRAME_LEFT_LIVE, 39,                                                      \
     "a task frame's C scope ended while the task was live and it could not "  \
     "be ended (bcsc_task_cleanup())")                                         \
  XX(EXECUTOR_LEFT_LIVE, 40,                                                   \
     "an executor's C scope ended while it had live tasks that could not be "  \
     "ended (bcsc_executor_cleanup())")                                        \
  XX(REACTOR_BUSY, 41,                                                         \
     "reactor, watch or I/O op torn down or restarted while in use")           \
  XX(REACTOR_STATE, 42,                                                        \
     "watch or I/O op used in the wrong state (added twice, removed or "       \
     "waited on while not added, removed from another reactor, waited on "     \
     "before its start)")

#define BCSC_MISUSE_ENUM_ITEM_(name, value, message)                           \
  BCSC_MISUSE_##name = (value),

/** Misuse codes passed to the handler. Stable within an ABI version;
 *  BCSC_MISUSE_LIMIT is one past the highest code (for tables). Codes
 *  ascend but need not be dense: 24-29 were never assigned (set aside
 *  for work that landed under other numbers; bcsc_misuse_name() says
 *  "BCSC_MISUSE_?" for them), and new codes take the next number after
 *  the highest. Codes 30 to
 *  32 are reported by the design-for-test checks (docs/testing.md); 33 and
 *  34 by context entries, drain graces and error lists (bcsc/context.h,
 *  bcsc/scope.h); 35 and 36 by
 *  bcsc_start_ready() (bcsc/start.h); 37 and 38 by completion sources'
 *  lists (bcsc_waitq_set_abort(), bcsc/wait.h); 39 by bcsc_task_cleanup()
 *  (bcsc/task.h) and 40 by bcsc_executor_cleanup() (bcsc/executor.h) - in
 *  every build, these two; 41 by the shipped reactors (bcsc/reactor_posix.h,
 *  bcsc/reactor_epoll.h, bcsc/reactor_uring.h) and 42 by their epoll
 *  watches and io_uring ops (bcsc/reactor_epoll.h, bcsc/reactor_uring.h). */
enum bcsc_misuse {
  BCSC_MISUSE_TABLE(BCSC_MISUSE_ENUM_ITEM_) BCSC_MISUSE_LIMIT
};

/**
 * A misuse handler.
 *
 * Called on the thread that made the bad call, before that call fails.
 * @param ctx      the pointer given to bcsc_set_misuse_handler().
 * @param code     a BCSC_MISUSE_* code.
 * @param message  a static one-line English description of @p code.
 * @param object   the offending object (may be NULL or invalid: print it,
 *                 never dereference it).
 * If the handler returns, the call that detected the misuse fails with its
 * documented error code, exactly as in the release build (a misuse found
 * deep inside a wake or a cancellation walk stops that walk; the call that
 * started it may still report what it did before). The default handler does
 * not return. A handler must not call bcsc functions other than
 * bcsc_misuse_name(), bcsc_misuse_message(), bcsc_strerror() and
 * bcsc_err_name(): it runs in the middle of an operation.
 */
typedef void (*bcsc_misuse_fn)(void *ctx, int32_t code, const char *message,
                               const void *object);

/**
 * Replace the process-wide misuse handler.
 *
 * This is bcsc's only process-wide state. Set it once at start-up, before
 * other threads use bcsc. The default handler (restored by passing NULL)
 * writes one line naming the misuse and the object's address to stderr and
 * calls abort(); in a freestanding build it executes a trap instruction.
 * Handlers are called only by the checked build, except for
 * BCSC_MISUSE_FRAME_LEFT_LIVE and BCSC_MISUSE_EXECUTOR_LEFT_LIVE, which
 * every build reports (a release build's handler for those may log, reset
 * the device or abort; if it returns, the memory of the live frames goes
 * away while they are linked).
 * @param fn   the handler, or NULL for the default.
 * @param ctx  passed to @p fn unchanged.
 * @thread any (but see above)  @allocates never  @since 0.1
 */
BCSC_API void bcsc_set_misuse_handler(bcsc_misuse_fn fn, void *ctx);

/**
 * The constant's name of a misuse code: "BCSC_MISUSE_DOUBLE_SPAWN".
 *
 * @return a static string; "BCSC_MISUSE_?" for an unknown code. Never NULL.
 * @thread any  @allocates never  @since 0.1
 */
BCSC_API const char *bcsc_misuse_name(int32_t code);

/**
 * The one-line description of a misuse code, as handlers receive it.
 *
 * @return a static string; "unknown misuse" for an unknown code.
 * @thread any  @allocates never  @since 0.1
 */
BCSC_API const char *bcsc_misuse_message(int32_t code);

/**
 * Whether this library was built with the checks (BCSC_CHECKED).
 *
 * @return 1 for the checked build, 0 for release.
 * @thread any  @allocates never  @since 0.1
 */
BCSC_API int bcsc_is_checked_build(void);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* BCSC_MISUSE_H */
