/* SPDX-License-Identifier: MIT
 * bcsc/pool.h - fixed-size frame pools over a caller array.
 *
 * For groups that grow at run time (the FuturesUnordered use case): frames
 * of one size are taken from a caller-provided array, and a spawned pooled
 * frame goes back to its pool by itself when its task completes. A full pool
 * is an error code, never an allocation. */
#ifndef BCSC_POOL_H
#define BCSC_POOL_H

#include <stddef.h>
#include <stdint.h>

#include "bcsc/export.h"
#include "bcsc/types.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Alignment of pool memory and of every frame handed out. */
#define BCSC_POOL_ALIGN 16
/** Bytes of bookkeeping before each frame in the pool's memory. */
#define BCSC_POOL_SLOT_HEADER 16
/** Bytes one frame of @p frame_size takes in pool memory. */
#define BCSC_POOL_STRIDE(frame_size)                                           \
  (BCSC_POOL_SLOT_HEADER +                                                     \
   (((frame_size) + BCSC_POOL_ALIGN - 1) / BCSC_POOL_ALIGN) * BCSC_POOL_ALIGN)
/** Bytes of pool memory for @p count frames of @p frame_size (a constant
 *  expression, for static arrays; bcsc_pool_bytes() is the function). */
#define BCSC_POOL_BYTES(frame_size, count)                                     \
  (BCSC_POOL_STRIDE(frame_size) * (count))

/** Pool flags. */
enum bcsc_pool_flags {
  /** The pool was sized so it can never run out: exhaustion is a bug, and
   *  the checked build reports it as BCSC_MISUSE_POOL_EXHAUSTED. */
  BCSC_POOL_STRICT = 1
};

/** bcsc's part of a pool. PRIVATE - DO NOT TOUCH. */
struct bcsc_pool_private {
  unsigned char *memory;
  size_t stride;
  size_t frame_size;
  void *free_head; /* slot headers of free frames */
  uint32_t capacity;
  uint32_t available;
  uint32_t flags;
  uint16_t state;
  uint16_t magic;
  uint32_t self_tag;
  uint32_t reserved32;
  uintptr_t reserved[2];
};

/**
 * A pool of equal-sized task frames.
 *
 * Caller-owned, over caller-owned memory; neither may move from
 * bcsc_pool_init() until bcsc_pool_deinit() has succeeded.
 */
struct bcsc_pool {
  /* public */
  void *data; /**< The caller's; bcsc never reads it. */
  /* private */
  struct bcsc_pool_private priv;
};

/**
 * Bytes of pool memory needed for @p count frames of @p frame_size.
 * @return the size, or 0 if it would overflow size_t.
 * @thread any  @allocates never  @since 0.1
 */
BCSC_API size_t bcsc_pool_bytes(size_t frame_size, uint32_t count);

/**
 * Prepare a pool over @p memory.
 *
 * Every frame type used with the pool must begin with its bcsc_task_t and be
 * at most @p frame_size bytes with alignment at most BCSC_POOL_ALIGN.
 * @param memory      BCSC_POOL_ALIGN-aligned memory.
 * @param size        its size in bytes: room for size /
 * BCSC_POOL_STRIDE(frame_size) frames.
 * @param frame_size  bytes of one frame (at least sizeof(bcsc_task_t)).
 * @param flags       0 or BCSC_POOL_STRICT.
 * @retval 0            ready
 * @retval BCSC_EINVAL  NULL pointer, misaligned memory, @p frame_size too
 *                      small, room for no frame, or unknown flags
 * @thread any  @allocates never  @since 0.1
 */
BCSC_API int bcsc_pool_init(bcsc_pool_t *pool, void *memory, size_t size,
                            size_t frame_size, uint32_t flags);

/**
 * Take a frame from the pool and initialise its task header.
 *
 * The frame's first bytes are a bcsc_task_t prepared as bcsc_task_init(poll,
 * data) would; fill in the rest of the frame, then bcsc_scope_spawn() it.
 * Once spawned, the frame returns to the pool when the task completes; a
 * frame that is never spawned goes back with bcsc_pool_release(). Do not
 * call bcsc_task_init() on the frame: it clears the mark that sends the
 * frame home, and the frame must then be released by hand once its task
 * has completed. The frame is tied to its slot from here: a copy of it is
 * refused as moved (D97).
 * @param frame  receives the frame; untouched on failure.
 * @retval 0             *frame is yours
 * @retval BCSC_ENOSPC   every frame is in use
 * @retval BCSC_EINVAL   a NULL argument
 * @retval BCSC_EBADOBJ  @p pool is not initialised
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_pool_acquire(bcsc_pool_t *pool, bcsc_poll_fn poll, void *data,
                               void **frame);

/**
 * Give back a frame taken with bcsc_pool_acquire() that was never spawned
 * (or whose task completed after bcsc_task_init() cleared its pool mark).
 *
 * @retval 0                  back in the pool
 * @retval BCSC_EINVAL        a NULL argument, or @p frame is not a frame of
 *                            this pool that is out
 * @retval BCSC_EBUSY         the frame's task is live (it returns by itself
 *                            when it completes)
 * @retval BCSC_EBADOBJ       @p pool is not initialised
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_pool_release(bcsc_pool_t *pool, void *frame);

/**
 * Frames of @p pool free right now (0 for NULL).
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API uint32_t bcsc_pool_available(const bcsc_pool_t *pool);
/**
 * Frames @p pool holds in all, free or out (0 for NULL).
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API uint32_t bcsc_pool_capacity(const bcsc_pool_t *pool);

/**
 * Tear down a pool. Every frame must be back. Afterwards its queries answer as
 * for a zero pool (D89); its data field is left alone.
 *
 * @retval 0             done
 * @retval BCSC_EINVAL   @p pool is NULL
 * @retval BCSC_EBADOBJ  @p pool is not initialised
 * @retval BCSC_EBUSY    frames are still out (nothing is changed)
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_pool_deinit(bcsc_pool_t *pool);

/**
 * sizeof(bcsc_pool_t) in the library as built; bindings that allocate by size
 * compare it with their own copy of the layout.
 * @thread any  @allocates never  @since 0.1
 */
BCSC_API size_t bcsc_pool_sizeof(void);

/**
 * alignof(bcsc_pool_t) in the library as built.
 * @thread any  @allocates never  @since 0.1
 */
BCSC_API size_t bcsc_pool_alignof(void);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* BCSC_POOL_H */
