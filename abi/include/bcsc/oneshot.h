/* SPDX-License-Identifier: MIT
 * bcsc/oneshot.h - one value from one sender to one receiver.
 *
 * A oneshot is a slot for one element in a buffer the caller provides. The
 * sender either sends once (the value is copied into the buffer) or closes
 * without sending; the receiver waits for either. The value lives in the
 * oneshot, never in a waiter: a wake only tells the receiver to look again,
 * so a receiver that is cancelled, or woken by another branch of a select,
 * loses nothing - the value stays until a recv copies it out. */
#ifndef BCSC_ONESHOT_H
#define BCSC_ONESHOT_H

#include <stddef.h>
#include <stdint.h>

#include "bcsc/export.h"
#include "bcsc/types.h"
#include "bcsc/wait.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct bcsc_oneshot bcsc_oneshot_t;

/** bcsc's part of a oneshot. PRIVATE - DO NOT TOUCH. */
struct bcsc_oneshot_private {
  bcsc_waitq_t waiters; /* the receiver's registration while it waits */
  void *buffer;         /* the caller's, elem_size bytes */
  size_t elem_size;
  uint16_t state; /* empty, full, taken or closed */
  uint16_t magic;
  uint32_t reserved32;
  uintptr_t reserved[2];
};

/**
 * A oneshot: one value, sent once.
 *
 * Caller-owned, as is its buffer; both must stay in place from
 * bcsc_oneshot_init() until bcsc_oneshot_deinit(). There is no static
 * initialiser: a oneshot needs its buffer.
 */
struct bcsc_oneshot {
  /* public */
  void *data; /**< The caller's; bcsc never reads it. */
  /* private */
  struct bcsc_oneshot_private priv;
};

/**
 * Prepare an empty oneshot over @p buffer, which holds one element of
 * @p elem_size bytes.
 *
 * The buffer is the caller's and must outlive the oneshot; bcsc writes it on
 * send and reads it on recv. Never call this on a oneshot that has waiters.
 * @retval 0            ready
 * @retval BCSC_EINVAL  @p os or @p buffer is NULL, or @p elem_size is 0
 * @thread any  @allocates never  @since 0.1
 */
BCSC_API int bcsc_oneshot_init(bcsc_oneshot_t *os, void *buffer,
                               size_t elem_size);

/**
 * Tear down @p os. Its receiver must not be waiting.
 *
 * A value sent and never received is dropped (it is bytes in the caller's
 * buffer). Afterwards bcsc's part of it is as in a zero oneshot (D89); its data
 * field is left alone.
 * @retval 0             done; the oneshot and its buffer may be reused
 * @retval BCSC_EINVAL   @p os is NULL
 * @retval BCSC_EBADOBJ  @p os is not initialised
 * @retval BCSC_EBUSY    a task is waiting on it (nothing is changed)
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_oneshot_deinit(bcsc_oneshot_t *os);

/**
 * Send the value: copy @p size bytes from @p src into the oneshot and wake
 * the receiver.
 *
 * Allowed once. The value stays in the oneshot until it is received.
 * @param size  must equal the element size given at init.
 * @retval 0             sent
 * @retval BCSC_ESTATE   a value was already sent
 * @retval BCSC_ECLOSED  the oneshot was closed
 * @retval BCSC_EINVAL   @p os or @p src is NULL, or @p size is wrong
 * @retval BCSC_EBADOBJ  @p os is not initialised
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_oneshot_send(bcsc_oneshot_t *os, const void *src,
                               size_t size);

/**
 * Close @p os without a value: the receiver gets BCSC_ECLOSED, and a send
 * after the close gets BCSC_ECLOSED.
 *
 * Idempotent, and harmless after a send (the value is still delivered), so
 * a sender's cleanup path may always call it. Either side may: a receiver
 * that stops waiting (its request timed out) closes the oneshot so that
 * the sender's late send fails instead of leaving a value nobody takes.
 * @retval 0             closed (or there was nothing left to close)
 * @retval BCSC_EINVAL   @p os is NULL
 * @retval BCSC_EBADOBJ  @p os is not initialised
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_oneshot_close(bcsc_oneshot_t *os);

/**
 * Whether @p os was closed without a value: what a send or a receive would
 * now answer BCSC_ECLOSED for. A server asks it before working on a
 * request whose receiver may have given up (its oneshot closed by the
 * receiver's timeout cleanup), as tokio's Sender::is_closed().
 * @return 1 if closed without a value; 0 while empty, once a value was
 *         sent (received or not), or if @p os is NULL or not initialised
 *         (or torn down).
 * @thread executor  @allocates never  @since 0.6
 */
BCSC_API int bcsc_oneshot_closed(const bcsc_oneshot_t *os);

/**
 * Receive the value, from @p self's poll function: copy it to @p dst, or
 * wait for it.
 *
 * Follows bcsc_wait_on(): if the value is there it is copied out and the
 * call returns 0 (consuming any fired mark on @p wait); otherwise it
 * registers @p wait on the oneshot and returns BCSC_PENDING - call it again
 * when woken. It may be combined with other registrations (select): if
 * another source wins, the value stays for the next call. A cancelled task
 * gets BCSC_ECANCELED and the value stays in the oneshot
 * (bcsc_oneshot_try_recv() can still take it during cleanup).
 * @param wait  a registration in @p self's frame, used for this oneshot only.
 * @param size  must equal the element size given at init.
 * @retval 0               received; @p dst holds the value
 * @retval BCSC_PENDING    registered; return BCSC_PENDING
 * @retval BCSC_ECANCELED  @p self is cancelled (nothing is linked or taken)
 * @retval BCSC_ECLOSED    the sender closed without sending
 * @retval BCSC_ESTATE     the value was already received
 * @retval BCSC_EINVAL     a pointer is NULL or @p size is wrong
 * @retval BCSC_EBADOBJ    an object is not initialised, or was moved
 * @retval BCSC_EPERM      @p self is not the task being polled
 * @retval BCSC_EBUSY      @p wait is linked for another task
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_oneshot_recv(bcsc_task_t *self, bcsc_oneshot_t *os,
                               bcsc_wait_t *wait, void *dst, size_t size);

/**
 * Receive the value if it is there, without waiting.
 *
 * @param size  must equal the element size given at init.
 * @retval 0             received; @p dst holds the value
 * @retval BCSC_EAGAIN   nothing sent yet
 * @retval BCSC_ECLOSED  the sender closed without sending
 * @retval BCSC_ESTATE   the value was already received
 * @retval BCSC_EINVAL   @p os or @p dst is NULL, or @p size is wrong
 * @retval BCSC_EBADOBJ  @p os is not initialised
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_oneshot_try_recv(bcsc_oneshot_t *os, void *dst, size_t size);

/**
 * sizeof(bcsc_oneshot_t) in the library as built.
 * @thread any  @allocates never  @since 0.1
 */
BCSC_API size_t bcsc_oneshot_sizeof(void);

/**
 * alignof(bcsc_oneshot_t) in the library as built.
 * @thread any  @allocates never  @since 0.1
 */
BCSC_API size_t bcsc_oneshot_alignof(void);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* BCSC_ONESHOT_H */
