/* SPDX-License-Identifier: MIT
 * bcsc/broadcast.h - a broadcast channel: every receiver sees every message,
 * or learns exactly how many it missed.
 *
 * The messages live in a caller-provided ring of fixed-size elements. Each
 * message gets the next sequence number. The sender never waits: when the
 * ring is full, a send overwrites the oldest message. Each receiver is a
 * cursor in the receiver's own frame (the sequence number of the next
 * message it reads); a receiver that falls more than a ring behind is told
 * how many messages it lost and continues from the oldest one still in the
 * ring.
 *
 * A receiver that has read everything waits on the broadcast's waiter list;
 * every send and the close wake all of them (a broadcast), and each one
 * re-reads its own cursor. So a receiver woken by a send that never takes
 * its message - cancelled, or woken first by another branch of a select -
 * loses nothing: the message stays in the ring for its next recv. */
#ifndef BCSC_BROADCAST_H
#define BCSC_BROADCAST_H

#include <stddef.h>
#include <stdint.h>

#include "bcsc/export.h"
#include "bcsc/types.h"
#include "bcsc/wait.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct bcsc_broadcast bcsc_broadcast_t;
typedef struct bcsc_broadcast_receiver bcsc_broadcast_receiver_t;

/** bcsc's part of a broadcast channel. PRIVATE - DO NOT TOUCH. */
struct bcsc_broadcast_private {
  bcsc_waitq_t readers;  /* receivers that have read everything */
  unsigned char *buffer; /* capacity slots of elem_size bytes */
  size_t elem_size;
  uint64_t head;     /* the sequence number the next message gets */
  uint32_t capacity; /* slots in the ring */
  uint32_t reserved32;
  uint16_t state; /* open or closed */
  uint16_t magic;
  uint32_t self_tag; /* set from init to deinit: it must not move */
  uintptr_t reserved[2];
};

/**
 * A broadcast channel over a caller's ring.
 *
 * Caller-owned, over caller-owned memory; neither may move from
 * bcsc_broadcast_init() until bcsc_broadcast_deinit() has succeeded.
 * There is no static initialiser: it needs its buffer.
 */
struct bcsc_broadcast {
  /* public */
  void *data; /**< The caller's; bcsc never reads it. */
  /* private */
  struct bcsc_broadcast_private priv;
};

/** bcsc's part of a receiver. PRIVATE - DO NOT TOUCH. */
struct bcsc_broadcast_receiver_private {
  bcsc_broadcast_t *broadcast; /* what it is subscribed to */
  uint64_t next;               /* the sequence number it reads next */
  uint16_t state;
  uint16_t magic;
  uint32_t self_tag; /* always 0: a receiver is never linked */
  uintptr_t reserved[1];
};

/**
 * One receiver's cursor in a broadcast channel.
 *
 * Caller-owned, normally in the receiving task's frame. bcsc_broadcast_
 * subscribe() prepares it (there is no separate _init);
 * bcsc_broadcast_unsubscribe() ends it. The broadcast keeps no pointer to
 * it, so it may move, and a frame may end without unsubscribing.
 */
struct bcsc_broadcast_receiver {
  /* public */
  void *data; /**< The caller's; bcsc never reads it. */
  /* private */
  struct bcsc_broadcast_receiver_private priv;
};

/**
 * Prepare a broadcast channel over @p buffer.
 *
 * The ring holds @p buffer_size / @p elem_size messages (at least one);
 * @p buffer_size must be a multiple of @p elem_size. bcsc copies messages
 * into and out of it byte by byte, so it needs no particular alignment.
 * Writes the whole object; never reads it.
 * @param bc           the channel.
 * @param buffer       the ring; owned by the caller, used until deinit.
 * @param buffer_size  bytes at @p buffer.
 * @param elem_size    bytes of one message (> 0).
 * @retval 0            ready, open, no message sent yet
 * @retval BCSC_EINVAL  @p bc or @p buffer is NULL, @p elem_size is 0,
 *                      @p buffer_size is not a non-zero multiple of it, or
 *                      the ring would have more than UINT32_MAX slots
 * @thread any  @allocates never  @since 0.1
 */
BCSC_API int bcsc_broadcast_init(bcsc_broadcast_t *bc, void *buffer,
                                 size_t buffer_size, size_t elem_size);

/**
 * Tear down a broadcast channel. No task may be waiting on it.
 *
 * Receivers still subscribed fail with BCSC_EBADOBJ afterwards. Its queries
 * then answer as for a zero broadcast channel, and its receivers'
 * bcsc_broadcast_receiver_ready() 0 (D89); its data field is left alone.
 * @retval 0             done; the channel and its buffer may be reused
 * @retval BCSC_EINVAL   @p bc is NULL
 * @retval BCSC_EBADOBJ  @p bc is not initialised, or was moved
 * @retval BCSC_EBUSY    tasks are waiting in recv (nothing changed)
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_broadcast_deinit(bcsc_broadcast_t *bc);

/**
 * Send a copy of @p size bytes at @p message to every receiver. Never
 * waits: if the ring is full, the oldest message is overwritten (receivers
 * that had not read it learn it through their lag count). Wakes every
 * waiting receiver. May be called from a poll function or from host code
 * between polls.
 * @retval 0             sent
 * @retval BCSC_ECLOSED  the channel is closed (nothing sent)
 * @retval BCSC_EINVAL   an argument is NULL, or @p size is not the element
 *                       size given at init
 * @retval BCSC_EBADOBJ  @p bc is not initialised, or was moved
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_broadcast_send(bcsc_broadcast_t *bc, const void *message,
                                 size_t size);

/**
 * Close the channel: no more sends. Receivers still read what is in the
 * ring, then get BCSC_ECLOSED. Wakes every waiting receiver.
 * @retval 0             closed (or already closed)
 * @retval BCSC_EINVAL   @p bc is NULL
 * @retval BCSC_EBADOBJ  @p bc is not initialised, or was moved
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_broadcast_close(bcsc_broadcast_t *bc);

/**
 * Whether @p bc is closed (1) or open (0, also for NULL).
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_broadcast_closed(const bcsc_broadcast_t *bc);

/**
 * Subscribe @p rx to @p bc: it will read the messages sent from now on.
 *
 * Writes the whole receiver (it is the receiver's _init) and never reads
 * it. Subscribing to a closed channel is allowed: recv then reports
 * BCSC_ECLOSED.
 * @retval 0             subscribed
 * @retval BCSC_EINVAL   an argument is NULL
 * @retval BCSC_EBADOBJ  @p bc is not initialised, or was moved
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_broadcast_subscribe(bcsc_broadcast_t *bc,
                                      bcsc_broadcast_receiver_t *rx);

/**
 * End @p rx: it reads nothing more, and every later call with it fails with
 * BCSC_EBADOBJ until it is subscribed again. Optional - the channel keeps no
 * record of its receivers - but it turns a later use into an error.
 * @retval 0             done
 * @retval BCSC_EINVAL   @p rx is NULL
 * @retval BCSC_EBADOBJ  @p rx is not subscribed
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_broadcast_unsubscribe(bcsc_broadcast_receiver_t *rx);

/**
 * Receive the next message for @p rx, from @p self's poll function.
 *
 * If @p self is cancelled, returns BCSC_ECANCELED and takes nothing (a
 * message already there stays for bcsc_broadcast_try_recv(), e.g. in
 * cleanup). Otherwise delivers the next message if there is one, returns
 * BCSC_ECLOSED if the channel is closed and @p rx has read everything, and
 * if neither, registers @p wait on the channel and returns BCSC_PENDING;
 * call it again when woken. A fired @p wait is consumed on the way: a wake
 * only means "look again", the message itself stays in the ring until @p
 * rx reads it. So it works in a select - register other sources too and
 * return BCSC_PENDING - and if another source wins, or the task is
 * cancelled, nothing is lost. Called twice in one poll with @p wait still
 * linked, it returns BCSC_PENDING (or unlinks @p wait and delivers a
 * message sent meanwhile).
 *
 * On 0, the message is copied to @p out and *@p lagged (if @p lagged is not
 * NULL) is the number of messages @p rx lost since its previous recv: sent
 * but overwritten before it read them. It then continues from the oldest
 * message still in the ring, the one delivered. On any other result
 * nothing is written.
 * @param self    the task being polled.
 * @param rx      a subscribed receiver.
 * @param wait    an initialised registration (not a timer's), normally in
 *                @p self's frame; used for this channel only while linked.
 * @param out     where the message is copied.
 * @param size    bytes at @p out: the element size given at init.
 * @param lagged  NULL, or where to store the lag count.
 * @retval 0               a message was delivered
 * @retval BCSC_PENDING    registered; return BCSC_PENDING from the poll
 * @retval BCSC_ECLOSED    closed, and @p rx has read every message
 * @retval BCSC_ECANCELED  @p self is cancelled (nothing is registered)
 * @retval BCSC_EINVAL     an argument is NULL, or @p size is wrong
 * @retval BCSC_EBADOBJ    @p rx is not subscribed, its channel or @p wait
 *                         or @p self is not initialised, or one was moved
 * @retval BCSC_EPERM      @p self is not the task being polled
 * @retval BCSC_EBUSY      @p wait is linked for another task
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_broadcast_recv(bcsc_task_t *self,
                                 bcsc_broadcast_receiver_t *rx,
                                 bcsc_wait_t *wait, void *out, size_t size,
                                 uint64_t *lagged);

/**
 * Receive the next message for @p rx without waiting: from a poll function
 * or from host code. Lag as in bcsc_broadcast_recv().
 * @retval 0             a message was delivered
 * @retval BCSC_EAGAIN   @p rx has read everything; the channel is open
 * @retval BCSC_ECLOSED  closed, and @p rx has read every message
 * @retval BCSC_EINVAL   an argument is NULL, or @p size is wrong
 * @retval BCSC_EBADOBJ  @p rx is not subscribed, or its channel is not
 *                       initialised or was moved
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_broadcast_try_recv(bcsc_broadcast_receiver_t *rx, void *out,
                                     size_t size, uint64_t *lagged);

/**
 * How many messages @p rx can read now without waiting: those still in the
 * ring that it has not read (0 for NULL or an unsubscribed receiver). The
 * lag is not included.
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API uint64_t
bcsc_broadcast_receiver_ready(const bcsc_broadcast_receiver_t *rx);

/**
 * sizeof(bcsc_broadcast_t) in the library as built.
 * @thread any  @allocates never  @since 0.1
 */
BCSC_API size_t bcsc_broadcast_sizeof(void);

/**
 * alignof(bcsc_broadcast_t) in the library as built.
 * @thread any  @allocates never  @since 0.1
 */
BCSC_API size_t bcsc_broadcast_alignof(void);

/**
 * sizeof(bcsc_broadcast_receiver_t) in the library as built.
 * @thread any  @allocates never  @since 0.1
 */
BCSC_API size_t bcsc_broadcast_receiver_sizeof(void);

/**
 * alignof(bcsc_broadcast_receiver_t) in the library as built.
 * @thread any  @allocates never  @since 0.1
 */
BCSC_API size_t bcsc_broadcast_receiver_alignof(void);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* BCSC_BROADCAST_H */
