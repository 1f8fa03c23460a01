/* SPDX-License-Identifier: MIT
 * broadcast.c - a broadcast channel: a ring that senders overwrite, and one
 * cursor per receiver. A send wakes every waiting receiver, and each reads
 * its own cursor again, so a wake that is never consumed loses nothing. */
#include "bcsc/broadcast.h"
#include "internal.h"

enum { BROADCAST_OPEN = 1, BROADCAST_CLOSED = 2 };

BCSC__DEFINE_OBJECT_CHECK(broadcast, bcsc_broadcast_t, BCSC__MAGIC_BROADCAST)

/* A receiver is never linked, so only its magic and its channel say it is
 * usable. A cursor past the channel's head cannot come from this channel's
 * sends: the channel was initialised again under the receiver. */
static int broadcast_check_receiver(const bcsc_broadcast_receiver_t *rx) {
  int rc;
  if (rx == NULL)
    BCSC__FAIL(NULL_OBJECT, rx, BCSC_EINVAL);
  if (rx->priv.magic != BCSC__MAGIC_BROADCAST_RECEIVER ||
      rx->priv.broadcast == NULL)
    BCSC__FAIL(BAD_OBJECT, rx, BCSC_EBADOBJ);
  if ((rc = bcsc__check_broadcast(rx->priv.broadcast)) != 0)
    return rc;
  if (rx->priv.next > rx->priv.broadcast->priv.head)
    BCSC__FAIL(BAD_OBJECT, rx, BCSC_EBADOBJ);
  return 0;
}

static int broadcast_check_out(const bcsc_broadcast_t *bc, const void *out,
                               size_t size) {
  if (out == NULL || size != bc->priv.elem_size)
    BCSC__FAIL(BAD_ARGUMENT, bc, BCSC_EINVAL);
  return 0;
}

/* The sequence number of the broadcast_oldest message still in the ring. */
static uint64_t broadcast_oldest(const bcsc_broadcast_t *bc) {
  uint64_t head = bc->priv.head;
  return head > bc->priv.capacity ? head - bc->priv.capacity : 0;
}

static int broadcast_has_message(const bcsc_broadcast_receiver_t *rx) {
  return rx->priv.next < rx->priv.broadcast->priv.head;
}

/* Copy out the next message for `rx` (there is one), skipping those that
 * were overwritten before it read them and counting them as its lag. */
static void broadcast_deliver(bcsc_broadcast_receiver_t *rx, void *out,
                              uint64_t *lagged) {
  bcsc_broadcast_t *bc = rx->priv.broadcast;
  uint64_t first = broadcast_oldest(bc);
  uint64_t lag = 0;
  size_t slot;
  if (rx->priv.next < first) {
    lag = first - rx->priv.next;
    rx->priv.next = first;
  }
  slot = (size_t)(rx->priv.next % bc->priv.capacity);
  bcsc__copy_bytes(out, bc->priv.buffer + slot * bc->priv.elem_size,
                   bc->priv.elem_size);
  rx->priv.next++;
  if (lagged != NULL)
    *lagged = lag;
}

/* Deliver a message, or say why there is none: ECLOSED once closed, else
 * EAGAIN. */
static int broadcast_take(bcsc_broadcast_receiver_t *rx, void *out,
                          uint64_t *lagged) {
  if (broadcast_has_message(rx)) {
    broadcast_deliver(rx, out, lagged);
    return 0;
  }
  return rx->priv.broadcast->priv.state == BROADCAST_CLOSED ? BCSC_ECLOSED
                                                            : BCSC_EAGAIN;
}

int bcsc_broadcast_init(bcsc_broadcast_t *bc, void *buffer, size_t buffer_size,
                        size_t elem_size) {
  size_t capacity;
  if (bc == NULL)
    BCSC__FAIL(NULL_OBJECT, bc, BCSC_EINVAL);
  if (buffer == NULL || elem_size == 0 || buffer_size < elem_size ||
      buffer_size % elem_size != 0)
    BCSC__FAIL(BAD_ARGUMENT, bc, BCSC_EINVAL);
  capacity = buffer_size / elem_size;
  if (capacity > UINT32_MAX)
    BCSC__FAIL(BAD_ARGUMENT, bc, BCSC_EINVAL);
  bc->data = NULL;
  bc->priv.readers = (bcsc_waitq_t)BCSC_WAITQ_INITIALIZER;
  bc->priv.buffer = (unsigned char *)buffer;
  bc->priv.elem_size = elem_size;
  bc->priv.head = 0;
  bc->priv.capacity = (uint32_t)capacity;
  bc->priv.reserved32 = 0;
  bc->priv.state = BROADCAST_OPEN;
  bc->priv.magic = BCSC__MAGIC_BROADCAST;
  /* Receivers and waiters point at it from now on. */
  bc->priv.self_tag = bcsc__self_tag(bc);
  bc->priv.reserved[0] = 0;
  bc->priv.reserved[1] = 0;
  return 0;
}

int bcsc_broadcast_deinit(bcsc_broadcast_t *bc) {
  int rc = bcsc__check_broadcast(bc);
  if (rc != 0)
    return rc;
  if (!bcsc_waitq_empty(&bc->priv.readers))
    BCSC__FAIL(WAITQ_BUSY, bc, BCSC_EBUSY);
  BCSC__FORGET(bc);
  return 0;
}

int bcsc_broadcast_send(bcsc_broadcast_t *bc, const void *message,
                        size_t size) {
  int rc = bcsc__check_broadcast(bc);
  size_t slot;
  if (rc != 0)
    return rc;
  if (message == NULL || size != bc->priv.elem_size)
    BCSC__FAIL(BAD_ARGUMENT, bc, BCSC_EINVAL);
  if (bc->priv.state == BROADCAST_CLOSED)
    return BCSC_ECLOSED;
  slot = (size_t)(bc->priv.head % bc->priv.capacity);
  bcsc__copy_bytes(bc->priv.buffer + slot * bc->priv.elem_size, message, size);
  bc->priv.head++;
  if (!bcsc_waitq_empty(&bc->priv.readers)) {
    rc = bcsc_waitq_wake_all(&bc->priv.readers, 0);
    if (rc < 0)
      return rc;
  }
  return 0;
}

int bcsc_broadcast_close(bcsc_broadcast_t *bc) {
  int rc = bcsc__check_broadcast(bc);
  if (rc != 0)
    return rc;
  bc->priv.state = BROADCAST_CLOSED;
  if (!bcsc_waitq_empty(&bc->priv.readers)) {
    rc = bcsc_waitq_wake_all(&bc->priv.readers, 0);
    if (rc < 0)
      return rc;
  }
  return 0;
}

int bcsc_broadcast_closed(const bcsc_broadcast_t *bc) {
  return bc != NULL && bc->priv.state == BROADCAST_CLOSED;
}

int bcsc_broadcast_subscribe(bcsc_broadcast_t *bc,
                             bcsc_broadcast_receiver_t *rx) {
  int rc = bcsc__check_broadcast(bc);
  if (rc != 0)
    return rc;
  if (rx == NULL)
    BCSC__FAIL(NULL_OBJECT, rx, BCSC_EINVAL);
  rx->data = NULL;
  rx->priv.broadcast = bc;
  rx->priv.next = bc->priv.head;
  rx->priv.state = 0;
  rx->priv.magic = BCSC__MAGIC_BROADCAST_RECEIVER;
  rx->priv.self_tag = 0;
  rx->priv.reserved[0] = 0;
  return 0;
}

int bcsc_broadcast_unsubscribe(bcsc_broadcast_receiver_t *rx) {
  if (rx == NULL)
    BCSC__FAIL(NULL_OBJECT, rx, BCSC_EINVAL);
  if (rx->priv.magic != BCSC__MAGIC_BROADCAST_RECEIVER ||
      rx->priv.broadcast == NULL)
    BCSC__FAIL(BAD_OBJECT, rx, BCSC_EBADOBJ);
  rx->priv.broadcast = NULL;
  rx->priv.magic = 0;
  return 0;
}

int bcsc_broadcast_recv(bcsc_task_t *self, bcsc_broadcast_receiver_t *rx,
                        bcsc_wait_t *wait, void *out, size_t size,
                        uint64_t *lagged) {
  bcsc_broadcast_t *bc;
  int rc;
  if ((rc = broadcast_check_receiver(rx)) != 0)
    return rc;
  bc = rx->priv.broadcast;
  if ((rc = broadcast_check_out(bc, out, size)) != 0)
    return rc;
  /* A wake only says "look again": the message stays in the ring until
   * this receiver's cursor passes it, so a fired mark is just dropped. */
  if ((rc = bcsc__wait_take(self, wait, NULL)) < 0)
    return rc;
  if (rc == BCSC__NODE_LINKED) {
    /* Asked again in the poll that registered it. */
    if (!broadcast_has_message(rx))
      return BCSC_PENDING;
    bcsc__wait_unlink(wait);
    broadcast_deliver(rx, out, lagged);
    return 0;
  }
  /* A cancelled task takes nothing, even a message that is there: it would
   * move the cursor past a message the task will not use. */
  if (self->priv.state & BCSC__TASK_CANCELLED)
    return BCSC_ECANCELED;
  if ((rc = broadcast_take(rx, out, lagged)) != BCSC_EAGAIN)
    return rc;
  if ((rc = bcsc__check_waitq_of(&bc->priv.readers, bc)) != 0)
    return rc;
  bcsc__wait_link(self, wait, &bc->priv.readers);
  return BCSC_PENDING;
}

int bcsc_broadcast_try_recv(bcsc_broadcast_receiver_t *rx, void *out,
                            size_t size, uint64_t *lagged) {
  int rc;
  if ((rc = broadcast_check_receiver(rx)) != 0 ||
      (rc = broadcast_check_out(rx->priv.broadcast, out, size)) != 0)
    return rc;
  return broadcast_take(rx, out, lagged);
}

uint64_t bcsc_broadcast_receiver_ready(const bcsc_broadcast_receiver_t *rx) {
  const bcsc_broadcast_t *bc;
  uint64_t first;
  if (rx == NULL || rx->priv.magic != BCSC__MAGIC_BROADCAST_RECEIVER ||
      (bc = rx->priv.broadcast) == NULL ||
      bc->priv.magic != BCSC__MAGIC_BROADCAST || rx->priv.next > bc->priv.head)
    return 0;
  first = broadcast_oldest(bc);
  return bc->priv.head - (rx->priv.next > first ? rx->priv.next : first);
}

size_t bcsc_broadcast_sizeof(void) { return sizeof(bcsc_broadcast_t); }
size_t bcsc_broadcast_alignof(void) { return _Alignof(bcsc_broadcast_t); }
size_t bcsc_broadcast_receiver_sizeof(void) {
  return sizeof(bcsc_broadcast_receiver_t);
}
size_t bcsc_broadcast_receiver_alignof(void) {
  return _Alignof(bcsc_broadcast_receiver_t);
}
