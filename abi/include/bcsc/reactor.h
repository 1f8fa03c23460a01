/* SPDX-License-Identifier: MIT
 * bcsc/reactor.h - the interface between an executor and the outside world.
 *
 * A reactor gives an executor a clock and a way to block its thread: when no
 * task is ready, bcsc_executor_run() asks it to park until the next timer
 * deadline, and anything that makes a task ready from outside - another
 * thread, a signal handler, an interrupt - calls unpark to end the park
 * early. A reactor may also own event sources (file descriptors, DMA
 * channels) and wake their waiter lists from inside park.
 *
 * It is a vtable plus the reactor's own state, so a host can supply its own
 * (an asyncio loop, a ROS 2 wait set, an interrupt controller) through plain
 * function pointers - trampolines work. Shipped implementations, each in its
 * own translation unit outside the freestanding core: bcsc/reactor_sim.h
 * (virtual time), bcsc/reactor_posix.h (monotonic clock + eventfd/poll),
 * bcsc/reactor_epoll.h (fd readiness), bcsc/reactor_uring.h (io_uring
 * completions into task frames), bcsc/reactor_spin.h (busy wait on a
 * user clock, no OS). */
#ifndef BCSC_REACTOR_H
#define BCSC_REACTOR_H

#include <stddef.h>
#include <stdint.h>

#include "bcsc/export.h"
#include "bcsc/types.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The vtable version this header describes. */
#define BCSC_REACTOR_VTABLE_VERSION 1

/**
 * A reactor's operations. The first field is the size of the struct the
 * reactor was written against; bcsc reads only the entries inside it, so
 * entries added later are optional for reactors written earlier. Every
 * vtable holds version 1's entries, now, park and unpark (park and unpark
 * may be NULL): bcsc_reactor_check() refuses a size that ends before them.
 */
typedef struct bcsc_reactor_vtable {
  uint32_t size;    /**< sizeof(bcsc_reactor_vtable_t) */
  uint32_t version; /**< BCSC_REACTOR_VTABLE_VERSION */
  /**
   * The current time in nanoseconds of a monotonic clock. Never goes back.
   * Called from the executor's thread. Required.
   */
  uint64_t (*now)(bcsc_reactor_t *reactor);
  /**
   * Block until @p deadline (a now() value; BCSC_NO_DEADLINE: no limit), an
   * unpark, or an event of the reactor's own sources - whichever comes
   * first. May return early for no reason; the executor checks again. It may
   * wake waiter lists (bcsc_waitq_wake_one() and friends) before it returns.
   * With a deadline that has passed it must not block: it only collects the
   * events already there. bcsc_executor_run() calls it so, with deadline 0,
   * every 64 turns while tasks keep being ready, so that a busy executor
   * still hears from its event sources.
   * Return 0, or a negative BCSC_E* code that bcsc_executor_run() returns
   * to its caller (BCSC_EDEADLK when nothing could ever end the park).
   * Called from the executor's thread, never from inside a poll function.
   * Required for bcsc_executor_run(); a host that drives the executor with
   * bcsc_executor_poll() may leave it NULL.
   */
  int (*park)(bcsc_reactor_t *reactor, uint64_t deadline);
  /**
   * End a park in progress, or make the next one return at once. Must be
   * safe from any thread and from a signal handler (async-signal-safe, no
   * locks). May be NULL for a reactor used from one thread only.
   */
  void (*unpark)(bcsc_reactor_t *reactor);
} bcsc_reactor_vtable_t;

/**
 * A reactor. Implementations embed it as their first member. Caller-owned;
 * must outlive every executor that uses it. One reactor serves one executor.
 */
struct bcsc_reactor {
  const bcsc_reactor_vtable_t *vtable;
  void *data; /**< The implementation's or the host's; bcsc never reads it. */
};

/**
 * Check @p reactor's vtable: non-NULL, a size that covers version 1's
 * entries (now, park, unpark), now set, a known version.
 * @retval 0             usable
 * @retval BCSC_EINVAL   @p reactor, its vtable or its now is NULL, or the
 *                       size ends before unpark
 * @retval BCSC_ENOTSUP  the vtable version is newer than this library knows
 * @thread any  @allocates never  @since 0.1
 */
BCSC_API int bcsc_reactor_check(const bcsc_reactor_t *reactor);

/**
 * sizeof(bcsc_reactor_vtable_t) in the library as built.
 * @thread any  @allocates never  @since 0.1
 */
BCSC_API size_t bcsc_reactor_vtable_sizeof(void);

/**
 * sizeof(bcsc_reactor_t) in the library as built.
 * @thread any  @allocates never  @since 0.1
 */
BCSC_API size_t bcsc_reactor_sizeof(void);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* BCSC_REACTOR_H */
