/* SPDX-License-Identifier: MIT
 * bcsc/watch.h - the latest value and its version: sensor topics.
 *
 * A watch keeps one element - the newest published value - in a buffer the
 * caller provides, and a version number that each publish increments. Any
 * number of readers copy the latest value out and wait for the version to
 * move past the one they last saw. Nothing queues: a slow reader skips the
 * values it missed and reads the newest. A wake only tells a waiter to look
 * again, so a reader that is cancelled, or woken by another branch of a
 * select, loses nothing. */
#ifndef BCSC_WATCH_H
#define BCSC_WATCH_H

#include <stddef.h>
#include <stdint.h>

#include "bcsc/export.h"
#include "bcsc/types.h"
#include "bcsc/wait.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct bcsc_watch bcsc_watch_t;

/** bcsc's part of a watch. PRIVATE - DO NOT TOUCH. */
struct bcsc_watch_private {
  bcsc_waitq_t waiters; /* readers waiting for a new version */
  void *buffer;         /* the caller's, elem_size bytes: the latest value */
  size_t elem_size;
  uint64_t version; /* publishes so far */
  uint16_t state;   /* open or closed */
  uint16_t magic;
  uint32_t reserved32;
  uintptr_t reserved[2];
};

/**
 * A watch: the latest value of something, and how many times it changed.
 *
 * Caller-owned, as is its buffer; both must stay in place from
 * bcsc_watch_init() until bcsc_watch_deinit(). There is no static
 * initialiser: a watch needs its buffer.
 */
struct bcsc_watch {
  /* public */
  void *data; /**< The caller's; bcsc never reads it. */
  /* private */
  struct bcsc_watch_private priv;
};

/**
 * Prepare an open watch over @p buffer, which holds one element of
 * @p elem_size bytes.
 *
 * What the buffer holds now is the value at version 0, read by readers
 * until the first publish. The buffer is the caller's and must outlive the
 * watch; write it only through bcsc_watch_publish() from now on.
 * @retval 0            ready
 * @retval BCSC_EINVAL  @p w or @p buffer is NULL, or @p elem_size is 0
 * @thread any  @allocates never  @since 0.1
 */
BCSC_API int bcsc_watch_init(bcsc_watch_t *w, void *buffer, size_t elem_size);

/**
 * Tear down @p w. No reader may be waiting. Afterwards its queries answer as
 * for a zero watch (D89); its data field is left alone.
 *
 * @retval 0             done; the watch and its buffer may be reused
 * @retval BCSC_EINVAL   @p w is NULL
 * @retval BCSC_EBADOBJ  @p w is not initialised
 * @retval BCSC_EBUSY    a task is waiting on it (nothing is changed)
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_watch_deinit(bcsc_watch_t *w);

/**
 * Publish a new value: copy @p size bytes from @p src in, increment the
 * version, and wake every waiting reader.
 *
 * @param size  must equal the element size given at init.
 * @retval 0             published
 * @retval BCSC_ECLOSED  @p w is closed (the value is not changed)
 * @retval BCSC_EINVAL   @p w or @p src is NULL, or @p size is wrong
 * @retval BCSC_EBADOBJ  @p w is not initialised
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_watch_publish(bcsc_watch_t *w, const void *src, size_t size);

/**
 * Copy the latest value to @p dst and, if @p version is not NULL, its
 * version to @p version. Works on a closed watch too.
 *
 * @param size  must equal the element size given at init.
 * @retval 0             copied
 * @retval BCSC_EINVAL   @p w or @p dst is NULL, or @p size is wrong
 * @retval BCSC_EBADOBJ  @p w is not initialised
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_watch_read(const bcsc_watch_t *w, void *dst, size_t size,
                             uint64_t *version);

/**
 * Wait, from @p self's poll function, until @p w's version differs from
 * @p seen_version.
 *
 * Returns 0 at once if the version already differs (read the value with
 * bcsc_watch_read(), which also gives the version to wait past next).
 * Otherwise registers @p wait on the watch and returns BCSC_PENDING: call
 * it again when woken. Follows bcsc_wait_on(), so it may be one branch of
 * a select; any fired mark on @p wait is consumed. A version not yet seen
 * is reported before a close, so a reader sees the last value first.
 * @param wait  a registration in @p self's frame, used for this watch only.
 * @retval 0               the version differs from @p seen_version
 * @retval BCSC_PENDING    registered; return BCSC_PENDING
 * @retval BCSC_ECANCELED  @p self is cancelled (nothing is linked)
 * @retval BCSC_ECLOSED    @p w is closed and nothing newer was published
 * @retval BCSC_EINVAL     a pointer is NULL
 * @retval BCSC_EBADOBJ    an object is not initialised, or was moved
 * @retval BCSC_EPERM      @p self is not the task being polled
 * @retval BCSC_EBUSY      @p wait is linked for another task
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_watch_changed(bcsc_task_t *self, bcsc_watch_t *w,
                                bcsc_wait_t *wait, uint64_t seen_version);

/**
 * Close @p w: no more publishes; waiting readers wake and get BCSC_ECLOSED.
 * The last value stays readable. Idempotent.
 * @retval 0             closed
 * @retval BCSC_EINVAL   @p w is NULL
 * @retval BCSC_EBADOBJ  @p w is not initialised
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_watch_close(bcsc_watch_t *w);

/**
 * @p w's version: the number of publishes so far (0 for NULL).
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API uint64_t bcsc_watch_version(const bcsc_watch_t *w);

/**
 * Whether @p w is closed (1) or open (0, also for NULL).
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_watch_closed(const bcsc_watch_t *w);

/**
 * sizeof(bcsc_watch_t) in the library as built.
 * @thread any  @allocates never  @since 0.1
 */
BCSC_API size_t bcsc_watch_sizeof(void);

/**
 * alignof(bcsc_watch_t) in the library as built.
 * @thread any  @allocates never  @since 0.1
 */
BCSC_API size_t bcsc_watch_alignof(void);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* BCSC_WATCH_H */
