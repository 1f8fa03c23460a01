/* SPDX-License-Identifier: MIT
 * watch.c - the latest value and its version. A publish wakes every reader
 * and each re-reads the version, so a wake carries nothing a cancelled
 * reader could lose. */
#include "bcsc/watch.h"
#include "internal.h"

/* Not in internal.h's table yet: the primitives are outside the core's
 * original set of objects. */

enum { WATCH_OPEN = 0, WATCH_CLOSED = 1 };

static int watch_check(const bcsc_watch_t *w) {
  if (w == NULL)
    BCSC__FAIL(NULL_OBJECT, w, BCSC_EINVAL);
  if (w->priv.magic != BCSC__MAGIC_WATCH)
    BCSC__FAIL(BAD_OBJECT, w, BCSC_EBADOBJ);
  /* The list carries the move check: it is tagged while it has waiters. */
  return bcsc__check_waitq_of(&w->priv.waiters, w);
}

static int watch_check_element(const bcsc_watch_t *w, const void *element,
                               size_t size) {
  if (element == NULL || size != w->priv.elem_size)
    BCSC__FAIL(BAD_ARGUMENT, w, BCSC_EINVAL);
  return 0;
}

int bcsc_watch_init(bcsc_watch_t *w, void *buffer, size_t elem_size) {
  if (w == NULL)
    BCSC__FAIL(NULL_OBJECT, w, BCSC_EINVAL);
  if (buffer == NULL || elem_size == 0)
    BCSC__FAIL(BAD_ARGUMENT, w, BCSC_EINVAL);
  w->data = NULL;
  bcsc_waitq_init(&w->priv.waiters);
  w->priv.buffer = buffer;
  w->priv.elem_size = elem_size;
  w->priv.version = 0;
  w->priv.state = WATCH_OPEN;
  w->priv.magic = BCSC__MAGIC_WATCH;
  w->priv.reserved32 = 0;
  w->priv.reserved[0] = 0;
  w->priv.reserved[1] = 0;
  return 0;
}

int bcsc_watch_deinit(bcsc_watch_t *w) {
  int rc = watch_check(w);
  if (rc != 0)
    return rc;
  if ((rc = bcsc_waitq_deinit(&w->priv.waiters)) != 0)
    return rc;
  BCSC__FORGET(w);
  return 0;
}

int bcsc_watch_publish(bcsc_watch_t *w, const void *src, size_t size) {
  int rc = watch_check(w);
  if (rc != 0 || (rc = watch_check_element(w, src, size)) != 0)
    return rc;
  if (w->priv.state == WATCH_CLOSED)
    return BCSC_ECLOSED;
  bcsc__copy_bytes(w->priv.buffer, src, size);
  w->priv.version++;
  /* The wake value is informative only: waiters compare the version
   * itself, which a uintptr_t may not hold on 32-bit targets. */
  rc = bcsc_waitq_wake_all(&w->priv.waiters, (uintptr_t)w->priv.version);
  return rc < 0 ? rc : 0;
}

int bcsc_watch_read(const bcsc_watch_t *w, void *dst, size_t size,
                    uint64_t *version) {
  int rc = watch_check(w);
  if (rc != 0 || (rc = watch_check_element(w, dst, size)) != 0)
    return rc;
  bcsc__copy_bytes(dst, w->priv.buffer, size);
  if (version != NULL)
    *version = w->priv.version;
  return 0;
}

int bcsc_watch_changed(bcsc_task_t *self, bcsc_watch_t *w, bcsc_wait_t *wait,
                       uint64_t seen_version) {
  int node, rc = watch_check(w);
  if (rc != 0)
    return rc;
  if ((node = bcsc__wait_take(self, wait, NULL)) < 0)
    return node;
  if (self->priv.state & BCSC__TASK_CANCELLED)
    rc = BCSC_ECANCELED;
  else if (w->priv.version != seen_version)
    rc = 0;
  else if (w->priv.state == WATCH_CLOSED)
    rc = BCSC_ECLOSED;
  else
    rc = BCSC_PENDING;
  if (rc != BCSC_PENDING) {
    if (node == BCSC__NODE_LINKED)
      bcsc__wait_unlink(wait);
    return rc;
  }
  if (node != BCSC__NODE_LINKED)
    bcsc__wait_link(self, wait, &w->priv.waiters);
  return BCSC_PENDING;
}

int bcsc_watch_close(bcsc_watch_t *w) {
  int rc = watch_check(w);
  if (rc != 0)
    return rc;
  if (w->priv.state == WATCH_CLOSED)
    return 0;
  w->priv.state = WATCH_CLOSED;
  rc = bcsc_waitq_wake_all(&w->priv.waiters, 0);
  return rc < 0 ? rc : 0;
}

uint64_t bcsc_watch_version(const bcsc_watch_t *w) {
  return w != NULL ? w->priv.version : 0;
}

int bcsc_watch_closed(const bcsc_watch_t *w) {
  return w != NULL && w->priv.state == WATCH_CLOSED;
}

size_t bcsc_watch_sizeof(void) { return sizeof(bcsc_watch_t); }
size_t bcsc_watch_alignof(void) { return _Alignof(bcsc_watch_t); }
