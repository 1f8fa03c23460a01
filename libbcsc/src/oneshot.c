/* SPDX-License-Identifier: MIT
 * oneshot.c - one value, one sender, one receiver. The value is kept in the
 * caller's buffer until the receiver copies it out in its own poll, so a
 * wake carries nothing that a cancelled receiver could lose. */
#include "bcsc/oneshot.h"
#include "internal.h"

/* Not in internal.h's table yet: the primitives are outside the core's
 * original set of objects. */

enum {
  ONESHOT_EMPTY = 0,
  ONESHOT_FULL = 1,  /* sent, not yet received */
  ONESHOT_TAKEN = 2, /* received */
  ONESHOT_CLOSED = 3 /* closed without a value */
};

/* What the receiver's registration fired with: it re-reads the state. */
enum { ONESHOT_WAKE_SENT = 1, ONESHOT_WAKE_CLOSED = 2 };

static int oneshot_check(const bcsc_oneshot_t *os) {
  if (os == NULL)
    BCSC__FAIL(NULL_OBJECT, os, BCSC_EINVAL);
  if (os->priv.magic != BCSC__MAGIC_ONESHOT)
    BCSC__FAIL(BAD_OBJECT, os, BCSC_EBADOBJ);
  /* The list carries the move check: it is tagged while it has a waiter. */
  return bcsc__check_waitq_of(&os->priv.waiters, os);
}

static int oneshot_check_element(const bcsc_oneshot_t *os, const void *element,
                                 size_t size) {
  if (element == NULL || size != os->priv.elem_size)
    BCSC__FAIL(BAD_ARGUMENT, os, BCSC_EINVAL);
  return 0;
}

int bcsc_oneshot_init(bcsc_oneshot_t *os, void *buffer, size_t elem_size) {
  if (os == NULL)
    BCSC__FAIL(NULL_OBJECT, os, BCSC_EINVAL);
  if (buffer == NULL || elem_size == 0)
    BCSC__FAIL(BAD_ARGUMENT, os, BCSC_EINVAL);
  os->data = NULL;
  bcsc_waitq_init(&os->priv.waiters);
  os->priv.buffer = buffer;
  os->priv.elem_size = elem_size;
  os->priv.state = ONESHOT_EMPTY;
  os->priv.magic = BCSC__MAGIC_ONESHOT;
  os->priv.reserved32 = 0;
  os->priv.reserved[0] = 0;
  os->priv.reserved[1] = 0;
  return 0;
}

int bcsc_oneshot_deinit(bcsc_oneshot_t *os) {
  int rc = oneshot_check(os);
  if (rc != 0)
    return rc;
  if ((rc = bcsc_waitq_deinit(&os->priv.waiters)) != 0)
    return rc;
  BCSC__FORGET(os);
  return 0;
}

int bcsc_oneshot_send(bcsc_oneshot_t *os, const void *src, size_t size) {
  int rc = oneshot_check(os);
  if (rc != 0 || (rc = oneshot_check_element(os, src, size)) != 0)
    return rc;
  if (os->priv.state == ONESHOT_CLOSED)
    return BCSC_ECLOSED;
  if (os->priv.state != ONESHOT_EMPTY)
    return BCSC_ESTATE;
  bcsc__copy_bytes(os->priv.buffer, src, size);
  os->priv.state = ONESHOT_FULL;
  /* All, not one: there is one receiver, but a misused oneshot with two
   * waiting tasks must not leave one asleep forever. */
  rc = bcsc_waitq_wake_all(&os->priv.waiters, ONESHOT_WAKE_SENT);
  return rc < 0 ? rc : 0;
}

int bcsc_oneshot_close(bcsc_oneshot_t *os) {
  int rc = oneshot_check(os);
  if (rc != 0)
    return rc;
  if (os->priv.state != ONESHOT_EMPTY)
    return 0;
  os->priv.state = ONESHOT_CLOSED;
  rc = bcsc_waitq_wake_all(&os->priv.waiters, ONESHOT_WAKE_CLOSED);
  return rc < 0 ? rc : 0;
}

/* The outcome of a receive that does not wait: 0 after copying the value
 * out, else the state's error; BCSC_EAGAIN if nothing has come yet. */
static int oneshot_take_value(bcsc_oneshot_t *os, void *dst) {
  switch (os->priv.state) {
  case ONESHOT_FULL:
    bcsc__copy_bytes(dst, os->priv.buffer, os->priv.elem_size);
    os->priv.state = ONESHOT_TAKEN;
    return 0;
  case ONESHOT_CLOSED:
    return BCSC_ECLOSED;
  case ONESHOT_TAKEN:
    return BCSC_ESTATE;
  default:
    return BCSC_EAGAIN;
  }
}

int bcsc_oneshot_closed(const bcsc_oneshot_t *os) {
  /* The magic first: memory that is no oneshot answers 0, as documented. */
  return os != NULL && os->priv.magic == BCSC__MAGIC_ONESHOT &&
         os->priv.state == ONESHOT_CLOSED;
}

int bcsc_oneshot_recv(bcsc_task_t *self, bcsc_oneshot_t *os, bcsc_wait_t *wait,
                      void *dst, size_t size) {
  int node, rc = oneshot_check(os);
  if (rc != 0 || (rc = oneshot_check_element(os, dst, size)) != 0)
    return rc;
  if ((node = bcsc__wait_take(self, wait, NULL)) < 0)
    return node;
  /* Cancellation first: a cancelled task would drop a value it took. */
  if (self->priv.state & BCSC__TASK_CANCELLED) {
    if (node == BCSC__NODE_LINKED)
      bcsc__wait_unlink(wait);
    return BCSC_ECANCELED;
  }
  rc = oneshot_take_value(os, dst);
  if (rc != BCSC_EAGAIN) {
    if (node == BCSC__NODE_LINKED)
      bcsc__wait_unlink(wait);
    return rc;
  }
  if (node != BCSC__NODE_LINKED)
    bcsc__wait_link(self, wait, &os->priv.waiters);
  return BCSC_PENDING;
}

int bcsc_oneshot_try_recv(bcsc_oneshot_t *os, void *dst, size_t size) {
  int rc = oneshot_check(os);
  if (rc != 0 || (rc = oneshot_check_element(os, dst, size)) != 0)
    return rc;
  return oneshot_take_value(os, dst);
}

size_t bcsc_oneshot_sizeof(void) { return sizeof(bcsc_oneshot_t); }
size_t bcsc_oneshot_alignof(void) { return _Alignof(bcsc_oneshot_t); }
