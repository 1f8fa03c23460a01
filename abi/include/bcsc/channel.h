/* SPDX-License-Identifier: MIT
 * bcsc/channel.h - a bounded multi-producer, multi-consumer channel.
 *
 * Messages are fixed-size elements in a ring the caller provides. A send
 * copies one message into the ring; a receive copies the oldest one out.
 * A sender waits while the ring is full, a receiver while it is empty, each
 * on its own waiter list, and both lists are served first come, first
 * served: nobody passes a waiting task, and a woken task always finds the
 * unit reserved for it. A task arriving when nobody waits may take a unit
 * left over beyond those reservations.
 *
 * Each message or free slot wakes exactly one waiter, through hand-off
 * lists (D22): the woken task finds its message (or slot) reserved for it,
 * and if it never takes it - cancelled, or woken first by another branch of
 * a select - bcsc hands the wake to the next waiter. A message stays in the
 * ring until a receiver copies it out in its own poll, so a cancelled
 * receiver never holds one; a send copies its message in one call, so a
 * cancelled sender never leaves half a slot. */
#ifndef BCSC_CHANNEL_H
#define BCSC_CHANNEL_H

#include <stddef.h>
#include <stdint.h>

#include "bcsc/export.h"
#include "bcsc/types.h"
#include "bcsc/wait.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct bcsc_channel bcsc_channel_t;

/** bcsc's part of a channel. PRIVATE - DO NOT TOUCH. */
struct bcsc_channel_private {
  bcsc_waitq_t receivers; /* waiting for a message (a hand-off list) */
  bcsc_waitq_t senders;   /* waiting for a free slot (a hand-off list) */
  unsigned char *buffer;  /* capacity slots of elem_size bytes */
  size_t elem_size;
  uint32_t capacity; /* slots in the ring */
  uint32_t head;     /* the slot of the oldest message */
  uint32_t count;    /* messages in the ring */
  uint32_t reserved32;
  uint16_t state; /* open or closed */
  uint16_t magic;
  uint32_t self_tag; /* set from init to deinit: it must not move */
  uintptr_t reserved[2];
};

/**
 * A bounded channel over a caller's ring.
 *
 * Caller-owned, over caller-owned memory; neither may move from
 * bcsc_channel_init() until bcsc_channel_deinit() has succeeded. There is
 * no static initialiser: a channel needs its buffer.
 */
struct bcsc_channel {
  /* public */
  void *data; /**< The caller's; bcsc never reads it. */
  /* private */
  struct bcsc_channel_private priv;
};

/**
 * Prepare an open, empty channel over @p buffer.
 *
 * The ring holds @p buffer_size / @p elem_size messages (at least one);
 * @p buffer_size must be a multiple of @p elem_size. bcsc copies messages
 * into and out of it byte by byte, so it needs no particular alignment.
 * Writes the whole object; never reads it.
 * @param ch           the channel.
 * @param buffer       the ring; owned by the caller, used until deinit.
 * @param buffer_size  bytes at @p buffer.
 * @param elem_size    bytes of one message (> 0).
 * @retval 0            ready
 * @retval BCSC_EINVAL  @p ch or @p buffer is NULL, @p elem_size is 0,
 *                      @p buffer_size is not a non-zero multiple of it, or
 *                      the ring would have more than UINT32_MAX slots
 * @thread any  @allocates never  @since 0.1
 */
BCSC_API int bcsc_channel_init(bcsc_channel_t *ch, void *buffer,
                               size_t buffer_size, size_t elem_size);

/**
 * Tear down a channel. No task may be waiting on it, and no wake it gave
 * may still be on its way to a task (a woken sender or receiver that has
 * not run yet).
 *
 * Messages still in the ring are dropped (they are bytes in the caller's
 * buffer). Afterwards its queries answer as for a zero channel (D89); its data
 * field is left alone.
 * @retval 0             done; the channel and its buffer may be reused
 * @retval BCSC_EINVAL   @p ch is NULL
 * @retval BCSC_EBADOBJ  @p ch is not initialised, or was moved
 * @retval BCSC_EBUSY    tasks wait in send or recv, or were woken and have
 *                       not run yet (nothing changed)
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_channel_deinit(bcsc_channel_t *ch);

/**
 * Send a copy of @p size bytes at @p src, from @p self's poll function:
 * into the ring now, or once a slot is free.
 *
 * Follows bcsc_wait_on(). If a slot is free beyond those reserved for
 * senders already woken, and no sender waits, the message is copied in, one
 * waiting receiver is woken, and the call returns 0. Otherwise it registers @p
 * wait behind the waiting senders and returns BCSC_PENDING; call it again, with
 * the same message, when woken: the wake reserves a slot for this sender, which
 * it takes in that call. The message is copied in one call, so a sender that
 * stops waiting (it is cancelled, or another branch of a select wins) has sent
 * nothing and left nothing behind; its wake, if it had one, goes to the next
 * sender.
 *
 * A cancelled task gets BCSC_ECANCELED and sends nothing. After
 * bcsc_channel_close() it gets BCSC_ECLOSED, and a waiting sender is woken
 * to learn it.
 *
 * BCSC_PENDING may come with @p wait already fired: a free slot turned up
 * while this sender joined the queue, and the task runs again behind the
 * tasks woken before it, so that they keep their turn.
 * @param self  the task being polled.
 * @param ch    the channel.
 * @param wait  an initialised registration (not a timer's), normally in
 *              @p self's frame; used for this channel's sends only while
 *              linked or fired.
 * @param src   the message.
 * @param size  bytes at @p src: the element size given at init.
 * @retval 0               sent
 * @retval BCSC_PENDING    registered; return BCSC_PENDING from the poll
 * @retval BCSC_ECLOSED    the channel is closed (nothing sent)
 * @retval BCSC_ECANCELED  @p self is cancelled (nothing sent or linked)
 * @retval BCSC_EINVAL     a pointer is NULL, or @p size is wrong
 * @retval BCSC_EBADOBJ    @p ch, @p wait or @p self is not initialised, or
 *                         one was moved
 * @retval BCSC_EPERM      @p self is not the task being polled
 * @retval BCSC_EBUSY      @p wait is linked for another task
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_channel_send(bcsc_task_t *self, bcsc_channel_t *ch,
                               bcsc_wait_t *wait, const void *src, size_t size);

/**
 * Receive the oldest message into @p dst, from @p self's poll function:
 * now, or once one comes.
 *
 * Follows bcsc_wait_on(). If a message is there beyond those reserved for
 * receivers already woken, and no receiver waits, it is copied out, one waiting
 * sender is woken, and the call returns 0. Otherwise it registers @p wait
 * behind the waiting receivers and returns BCSC_PENDING; call it again when
 * woken: the wake reserves a message for this receiver, which it takes in that
 * call. The message stays in the ring until then, so a receiver that stops
 * waiting (it is cancelled, or another branch of a select wins) holds nothing;
 * its wake, if it had one, goes to the next receiver.
 *
 * A cancelled task gets BCSC_ECANCELED and takes nothing, even a message
 * that is there. After bcsc_channel_close(), receivers still take every
 * message in the ring, then get BCSC_ECLOSED.
 *
 * BCSC_PENDING may come with @p wait already fired, as for
 * bcsc_channel_send().
 * @param self  the task being polled.
 * @param ch    the channel.
 * @param wait  an initialised registration (not a timer's), normally in
 *              @p self's frame; used for this channel's receives only while
 *              linked or fired.
 * @param dst   where the message is copied; untouched unless 0 is
 *              returned.
 * @param size  bytes at @p dst: the element size given at init.
 * @retval 0               received; @p dst holds the message
 * @retval BCSC_PENDING    registered; return BCSC_PENDING from the poll
 * @retval BCSC_ECLOSED    closed, and every message has been received
 * @retval BCSC_ECANCELED  @p self is cancelled (nothing taken or linked)
 * @retval BCSC_EINVAL     a pointer is NULL, or @p size is wrong
 * @retval BCSC_EBADOBJ    @p ch, @p wait or @p self is not initialised, or
 *                         one was moved
 * @retval BCSC_EPERM      @p self is not the task being polled
 * @retval BCSC_EBUSY      @p wait is linked for another task
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_channel_recv(bcsc_task_t *self, bcsc_channel_t *ch,
                               bcsc_wait_t *wait, void *dst, size_t size);

/**
 * Send without waiting: from a poll function or from host code.
 *
 * Succeeds only when a send would not wait: no sender waits and a slot is
 * free beyond those reserved for senders already woken. Wakes one waiting
 * receiver.
 * @retval 0             sent
 * @retval BCSC_EAGAIN   the ring is full, or senders are ahead (nothing
 *                       sent)
 * @retval BCSC_ECLOSED  the channel is closed (nothing sent)
 * @retval BCSC_EINVAL   an argument is NULL, or @p size is not the element
 *                       size given at init
 * @retval BCSC_EBADOBJ  @p ch is not initialised, or was moved
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_channel_try_send(bcsc_channel_t *ch, const void *src,
                                   size_t size);

/**
 * Receive without waiting: from a poll function (a cancelled task's
 * cleanup too) or from host code.
 *
 * Succeeds only when a receive would not wait: no receiver waits and a
 * message is there beyond those reserved for receivers already woken.
 * Wakes one waiting sender.
 * @retval 0             received; @p dst holds the message
 * @retval BCSC_EAGAIN   the ring is empty, or receivers are ahead
 * @retval BCSC_ECLOSED  closed, and every message has been received
 * @retval BCSC_EINVAL   an argument is NULL, or @p size is not the element
 *                       size given at init
 * @retval BCSC_EBADOBJ  @p ch is not initialised, or was moved
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_channel_try_recv(bcsc_channel_t *ch, void *dst, size_t size);

/**
 * Close the channel, from either side: no more sends.
 *
 * Waiting senders are woken and get BCSC_ECLOSED, as does every later
 * send. Receivers still take what is in the ring, in turn, then get
 * BCSC_ECLOSED; a receiver waiting when the ring is (or becomes) empty is
 * woken to learn it. Idempotent, so either side's cleanup may always call
 * it.
 * @retval 0             closed (or already closed)
 * @retval BCSC_EINVAL   @p ch is NULL
 * @retval BCSC_EBADOBJ  @p ch is not initialised, or was moved
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_channel_close(bcsc_channel_t *ch);

/**
 * Whether @p ch is closed (1) or open (0, also for NULL).
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_channel_closed(const bcsc_channel_t *ch);

/**
 * The number of messages in the ring now, those reserved for woken
 * receivers included (0 for NULL or a channel that is not initialised).
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API uint32_t bcsc_channel_buffered(const bcsc_channel_t *ch);

/**
 * The number of slots in the ring (0 for NULL or a channel that is not
 * initialised).
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API uint32_t bcsc_channel_capacity(const bcsc_channel_t *ch);

/**
 * sizeof(bcsc_channel_t) in the library as built.
 * @thread any  @allocates never  @since 0.1
 */
BCSC_API size_t bcsc_channel_sizeof(void);

/**
 * alignof(bcsc_channel_t) in the library as built.
 * @thread any  @allocates never  @since 0.1
 */
BCSC_API size_t bcsc_channel_alignof(void);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* BCSC_CHANNEL_H */
