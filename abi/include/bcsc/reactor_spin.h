/* SPDX-License-Identifier: MIT
 * bcsc/reactor_spin.h - a reactor for bare metal: no OS, a clock the
 * program supplies, and a park that busy-waits on it.
 *
 * park(deadline) loops until the clock reaches the deadline or an unpark
 * arrives, calling an optional relax function on each turn (a pause
 * instruction, or a WFI that an interrupt ends). unpark only sets an atomic
 * flag, so an interrupt handler may call it. No libc: it builds
 * freestanding with the core. */
#ifndef BCSC_REACTOR_SPIN_H
#define BCSC_REACTOR_SPIN_H

#include <stddef.h>
#include <stdint.h>

#include "bcsc/export.h"
#include "bcsc/reactor.h"
#include "bcsc/types.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * The program's clock: nanoseconds of a monotonic 64-bit time base (a
 * cycle counter scaled to ns, a timer extended to 64 bits). Must never go
 * back. Called on the executor's thread with the context given to
 * bcsc_spin_reactor_init().
 */
typedef uint64_t (*bcsc_spin_clock_fn)(void *context);

/**
 * Called on each turn of a park's busy loop: a CPU pause or yield hint,
 * or a sleep until the next interrupt. A sleep must not outlast an unpark
 * made by an interrupt that ran between bcsc's check of the flag and the
 * sleep: keep a periodic interrupt running, or use a sleep that returns at
 * once if such an interrupt ran (Arm: WFE, with each handler that unparks
 * also executing SEV).
 */
typedef void (*bcsc_spin_relax_fn)(void *context);

/** bcsc's part of a spin reactor. PRIVATE - DO NOT TOUCH. */
struct bcsc_spin_reactor_private {
  bcsc_spin_clock_fn clock;
  bcsc_spin_relax_fn relax; /* or NULL */
  void *context;
  uint64_t parks;
  uint32_t unparked; /* an unpark is pending (accessed atomically) */
  uint32_t magic;    /* set by _init (D90); there is no _deinit */
  uintptr_t reserved[2];
};

/** A busy-waiting reactor. Caller-owned; outlives its executor; must not
 *  move after bcsc_spin_reactor_init(), which marks it as one (misuse is
 *  reported as for bcsc's own objects: BCSC_MISUSE_NULL_OBJECT,
 *  BCSC_MISUSE_BAD_ARGUMENT, in the checked build). */
typedef struct bcsc_spin_reactor {
  bcsc_reactor_t base; /**< Pass &r->base to bcsc_executor_config_t. */
  struct bcsc_spin_reactor_private priv;
} bcsc_spin_reactor_t;

/**
 * Prepare a spin reactor on the program's clock.
 * @param r        the reactor.
 * @param clock    the time base (required).
 * @param relax    called on each turn of a park's loop, or NULL.
 * @param context  passed to @p clock and @p relax; bcsc never reads it.
 * @retval 0            ready
 * @retval BCSC_EINVAL  @p r or @p clock is NULL
 * @thread any  @allocates never  @since 0.1
 */
BCSC_API int bcsc_spin_reactor_init(bcsc_spin_reactor_t *r,
                                    bcsc_spin_clock_fn clock,
                                    bcsc_spin_relax_fn relax, void *context);

/**
 * How many times the executor has called park, its looks outside included
 * (a park with a deadline already past, every 64 turns while tasks keep
 * being ready, bcsc/reactor.h) (0 for NULL).
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API uint64_t bcsc_spin_reactor_parks(const bcsc_spin_reactor_t *r);

/**
 * sizeof(bcsc_spin_reactor_t) in the library as built.
 * @thread any  @allocates never  @since 0.1
 */
BCSC_API size_t bcsc_spin_reactor_sizeof(void);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* BCSC_REACTOR_SPIN_H */
