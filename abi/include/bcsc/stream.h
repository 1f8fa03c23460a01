/* SPDX-License-Identifier: MIT
 * bcsc/stream.h - one way to iterate a channel, a broadcast receiver or an
 * interval until it ends.
 *
 * A stream wraps a source and a registration; bcsc_stream_next() is the
 * source's own waiting call behind one signature, so a consumer loop does
 * not care where its items come from:
 *
 *   for (;;) {
 *     BCSC_AWAIT(&f->co, rc, bcsc_stream_next(self, &f->in, &f->item,
 *                                             sizeof f->item));
 *     if (rc != 0)
 *       break;   // BCSC_ECLOSED: the source ended; BCSC_ECANCELED
 *     if (bcsc_stream_lagged(&f->in) != 0) ...   // items skipped
 *     ...
 *   }
 *
 * It keeps each source's guarantees: a channel stream takes a message only
 * in the call that returns it (a cancelled consumer, or one whose select
 * took another branch, takes nothing); a broadcast stream reports exactly
 * how many messages it lagged; an interval never drifts. bcsc_stream_next()
 * is a waiting call like the others, so it can be a branch of a select. */
#ifndef BCSC_STREAM_H
#define BCSC_STREAM_H

#include <stddef.h>
#include <stdint.h>

#include "bcsc/broadcast.h"
#include "bcsc/channel.h"
#include "bcsc/export.h"
#include "bcsc/timer.h"
#include "bcsc/types.h"
#include "bcsc/wait.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct bcsc_stream bcsc_stream_t;

/** What a stream iterates: its source, as bcsc_stream_kind() answers.
 *  (The tag is not bcsc_stream_kind: a tag named like a function is legal
 *  C, but SWIG, which keeps one namespace, drops one of the two.) */
enum bcsc_stream_source {
  BCSC_STREAM_NONE = 0,      /**< not prepared */
  BCSC_STREAM_CHANNEL = 1,   /**< messages received from a channel */
  BCSC_STREAM_BROADCAST = 2, /**< messages of a broadcast receiver */
  BCSC_STREAM_INTERVAL = 3   /**< the ticks of a periodic timer */
};

/** bcsc's part of a stream. PRIVATE - DO NOT TOUCH. */
struct bcsc_stream_private {
  bcsc_wait_t wait; /* the registration of channel and broadcast streams */
  void *source;     /* the channel, broadcast receiver or timer */
  uint64_t items;   /* items delivered so far */
  uint64_t lagged;  /* items skipped just before the last one */
  uint16_t kind;    /* a bcsc_stream_source */
  uint16_t state;
  uint16_t magic;
  uint16_t reserved16;
  uintptr_t reserved[1];
};

/**
 * A stream.
 *
 * Caller-owned, normally in the consuming task's frame; holds a
 * registration, so it must not move while a bcsc_stream_next() is
 * pending (a copy's next meanwhile is refused, D99). The source must
 * outlive the stream's use.
 */
struct bcsc_stream {
  /* public */
  void *data; /**< The caller's; bcsc never reads it. */
  /* private */
  struct bcsc_stream_private priv;
};

/**
 * Prepare @p stream to receive from @p ch: each item is a message, of the
 * channel's element size. Writes the whole stream; never reads it.
 * @retval 0            ready
 * @retval BCSC_EINVAL  an argument is NULL
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_stream_channel(bcsc_stream_t *stream, bcsc_channel_t *ch);

/**
 * Prepare @p stream to read through @p rx, a subscribed broadcast
 * receiver: each item is a message, of the broadcast's element size, and
 * bcsc_stream_lagged() says how many were overwritten before it. Writes
 * the whole stream; never reads it.
 * @retval 0            ready
 * @retval BCSC_EINVAL  an argument is NULL
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_stream_broadcast(bcsc_stream_t *stream,
                                   bcsc_broadcast_receiver_t *rx);

/**
 * Prepare @p stream to take the ticks of @p timer, made periodic with
 * bcsc_timer_set_periodic() (before or after this call). Each item is a
 * uint64_t: the deadline of the tick taken (reactor time, ns). With the
 * SKIP and DELAY policies bcsc_stream_lagged() is the number of ticks
 * dropped before it; BURST drops none. The stream ends (BCSC_ECLOSED) once
 * the timer is disarmed, e.g. by bcsc_timer_stop(). Writes the whole
 * stream; never reads it.
 * @retval 0            ready
 * @retval BCSC_EINVAL  an argument is NULL
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_stream_interval(bcsc_stream_t *stream, bcsc_timer_t *timer);

/**
 * The next item, from @p self's poll function: now, or once there is one.
 *
 * Follows the source's waiting call (bcsc_channel_recv(),
 * bcsc_broadcast_recv(), bcsc_timer_wait()) and bcsc_wait_on(): 0 with
 * the item copied to @p item, or BCSC_PENDING after registering (call it
 * again when woken), or the end of the stream.
 * @param size  bytes at @p item: the source's element size (sizeof(uint64_t)
 *              for an interval).
 * @retval 0               an item was copied to @p item
 * @retval BCSC_PENDING    registered; return BCSC_PENDING from the poll
 * @retval BCSC_ECLOSED    the source ended: a closed channel or broadcast
 *                         that has delivered everything, a disarmed timer
 * @retval BCSC_ECANCELED  @p self is cancelled (nothing taken or linked);
 *                         an interval's tick that has already fired is
 *                         still taken (0), as bcsc_timer_wait() takes it
 * @retval BCSC_EINVAL     a pointer is NULL, or @p size is wrong
 * @retval BCSC_EBADOBJ    @p stream is not prepared, or the source is not
 *                         initialised
 * @retval (negative)      the other errors of the source's waiting call
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_stream_next(bcsc_task_t *self, bcsc_stream_t *stream,
                              void *item, size_t size);

/**
 * How many items the source skipped just before the last item delivered:
 * a broadcast receiver's lag, an interval's dropped ticks; always 0 for a
 * channel. 0 for NULL.
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API uint64_t bcsc_stream_lagged(const bcsc_stream_t *stream);

/**
 * How many items @p stream has delivered (0 for NULL).
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API uint64_t bcsc_stream_count(const bcsc_stream_t *stream);

/**
 * What @p stream iterates: a bcsc_stream_source (BCSC_STREAM_NONE for NULL
 * or a stream not prepared).
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API uint32_t bcsc_stream_kind(const bcsc_stream_t *stream);

/**
 * sizeof(bcsc_stream_t) in the library as built.
 * @thread any  @allocates never  @since 0.1
 */
BCSC_API size_t bcsc_stream_sizeof(void);

/**
 * alignof(bcsc_stream_t) in the library as built.
 * @thread any  @allocates never  @since 0.1
 */
BCSC_API size_t bcsc_stream_alignof(void);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* BCSC_STREAM_H */
