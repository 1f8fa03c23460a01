/* SPDX-License-Identifier: MIT
 * stream.c - a channel, a broadcast receiver and an interval behind one
 * waiting call. Each source's own call does the work, so a stream has no
 * semantics of its own to get wrong: it only chooses the call and keeps
 * the lag. */
#include "bcsc/stream.h"
#include "internal.h"

static int stream_prepare(bcsc_stream_t *stream, void *source, uint16_t kind) {
  if (stream == NULL)
    BCSC__FAIL(NULL_OBJECT, stream, BCSC_EINVAL);
  if (source == NULL)
    BCSC__FAIL(BAD_ARGUMENT, stream, BCSC_EINVAL);
  stream->data = NULL;
  (void)bcsc_wait_init(&stream->priv.wait);
  stream->priv.source = source;
  stream->priv.items = 0;
  stream->priv.lagged = 0;
  stream->priv.kind = kind;
  stream->priv.state = 0;
  stream->priv.magic = BCSC__MAGIC_STREAM;
  stream->priv.reserved16 = 0;
  stream->priv.reserved[0] = 0;
  return 0;
}

int bcsc_stream_channel(bcsc_stream_t *stream, bcsc_channel_t *ch) {
  return stream_prepare(stream, ch, BCSC_STREAM_CHANNEL);
}

int bcsc_stream_broadcast(bcsc_stream_t *stream,
                          bcsc_broadcast_receiver_t *rx) {
  return stream_prepare(stream, rx, BCSC_STREAM_BROADCAST);
}

int bcsc_stream_interval(bcsc_stream_t *stream, bcsc_timer_t *timer) {
  return stream_prepare(stream, timer, BCSC_STREAM_INTERVAL);
}

static int interval_next(bcsc_task_t *self, bcsc_stream_t *stream, void *item,
                         size_t size, uint64_t *lagged) {
  bcsc_timer_t *timer = (bcsc_timer_t *)stream->priv.source;
  uint64_t deadline;
  int rc;
  if (item == NULL || size != sizeof deadline)
    BCSC__FAIL(BAD_ARGUMENT, stream, BCSC_EINVAL);
  /* The tick a successful wait takes is the deadline it finds: read it
   * before the wait moves the timer on. */
  deadline = bcsc_timer_deadline(timer);
  rc = bcsc_timer_wait(self, timer);
  if (rc == BCSC_ESTATE)
    return BCSC_ECLOSED; /* disarmed: no tick will ever come */
  if (rc != 0)
    return rc;
  bcsc__copy_bytes(item, &deadline, sizeof deadline);
  /* BURST delivers the ticks it was late for, one per call: none is lost. */
  *lagged =
      timer->priv.policy == BCSC_TICK_BURST ? 0 : bcsc_timer_missed(timer);
  return 0;
}

int bcsc_stream_next(bcsc_task_t *self, bcsc_stream_t *stream, void *item,
                     size_t size) {
  uint64_t lagged = 0;
  int rc;
  if (stream == NULL)
    BCSC__FAIL(NULL_OBJECT, stream, BCSC_EINVAL);
  if (stream->priv.magic != BCSC__MAGIC_STREAM)
    BCSC__FAIL(BAD_OBJECT, stream, BCSC_EBADOBJ);
  switch (stream->priv.kind) {
  case BCSC_STREAM_CHANNEL:
    rc = bcsc_channel_recv(self, (bcsc_channel_t *)stream->priv.source,
                           &stream->priv.wait, item, size);
    break;
  case BCSC_STREAM_BROADCAST:
    rc = bcsc_broadcast_recv(self,
                             (bcsc_broadcast_receiver_t *)stream->priv.source,
                             &stream->priv.wait, item, size, &lagged);
    break;
  case BCSC_STREAM_INTERVAL:
    rc = interval_next(self, stream, item, size, &lagged);
    break;
  default:
    BCSC__FAIL(BAD_OBJECT, stream, BCSC_EBADOBJ);
  }
  if (rc == 0) {
    stream->priv.items++;
    stream->priv.lagged = lagged;
  }
  return rc;
}

uint64_t bcsc_stream_lagged(const bcsc_stream_t *stream) {
  return stream != NULL && stream->priv.magic == BCSC__MAGIC_STREAM
             ? stream->priv.lagged
             : 0;
}

uint64_t bcsc_stream_count(const bcsc_stream_t *stream) {
  return stream != NULL && stream->priv.magic == BCSC__MAGIC_STREAM
             ? stream->priv.items
             : 0;
}

uint32_t bcsc_stream_kind(const bcsc_stream_t *stream) {
  return stream != NULL && stream->priv.magic == BCSC__MAGIC_STREAM
             ? stream->priv.kind
             : BCSC_STREAM_NONE;
}

size_t bcsc_stream_sizeof(void) { return sizeof(bcsc_stream_t); }
size_t bcsc_stream_alignof(void) { return _Alignof(bcsc_stream_t); }
