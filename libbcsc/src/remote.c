/* SPDX-License-Identifier: MIT
 * remote.c - remote children (bcsc/remote.h): spawning a child onto
 * another executor, what each executor does with the messages it drains,
 * and the parent scope's list of remote children. The lock-free part is
 * relay.c; the scope rules stay in scope.c.
 *
 * Ownership (docs/threads.md): the relay's parent, parent_next,
 * parent_prev, remote and state are the parent's executor's thread's; the
 * task header is the host's from its drain of SPAWN until DONE is pushed,
 * and the parent's before and after; flags and relay_next go through
 * relay.c. No thread reads a word it does not own. */
#include "internal.h"
#include "list.h"
#include "relay.h"

_Static_assert(BCSC__MAGIC_REMOTE == 0x3e70,
               "BCSC_REMOTE_TASK_INITIALIZER spells this magic");
_Static_assert(offsetof(bcsc_remote_task_t, task) == 0,
               "a remote child's poll function gets &remote->task");

/* A relay's state, on the parent's thread. */
enum {
  REMOTE_IDLE = 0, /* initialised, never spawned */
  REMOTE_LIVE = 1, /* spawned, in its scope's remote list */
  REMOTE_ENDED = 2 /* its scope has counted it ended */
};

static bcsc_remote_task_t *remote_of(bcsc_task_t *t) {
  return BCSC__CONTAINER_OF(t, bcsc_remote_task_t, task);
}

int bcsc_remote_task_init(bcsc_remote_task_t *remote, bcsc_poll_fn poll,
                          void *data) {
  if (remote == NULL)
    BCSC__FAIL(NULL_OBJECT, remote, BCSC_EINVAL);
  if (poll == NULL)
    BCSC__FAIL(BAD_ARGUMENT, remote, BCSC_EINVAL);
  *remote = (bcsc_remote_task_t)BCSC_REMOTE_TASK_INITIALIZER(poll, data);
  return 0;
}

/* Every check of bcsc_scope_spawn_on(), in order: 0 if it may go ahead.
 * The task header of a live remote child is its host's: its state is read
 * only once the relay says the frame is not live. */
static int spawn_on_checks(const bcsc_scope_t *scope,
                           const bcsc_remote_task_t *child,
                           const bcsc_executor_t *host) {
  int rc;
  if ((rc = bcsc__check_scope(scope)) != 0)
    return rc;
  if (scope->priv.state != BCSC__SCOPE_OPEN)
    BCSC__FAIL(SCOPE_CLOSED, scope, BCSC_ESTATE);
  if (child == NULL)
    BCSC__FAIL(NULL_OBJECT, child, BCSC_EINVAL);
  if (child->priv.magic != BCSC__MAGIC_REMOTE)
    BCSC__FAIL(BAD_OBJECT, child, BCSC_EBADOBJ);
  if (child->priv.state == REMOTE_LIVE)
    BCSC__FAIL(DOUBLE_SPAWN, child, BCSC_EBUSY);
  /* (bcsc_remote_task_init() rewrites the whole header, so a frame out of
   * a pool is never a pooled task here.) */
  if ((rc = bcsc__check_spawnable(&child->task)) != 0)
    return rc;
  if ((rc = bcsc__check_executor(host)) != 0)
    return rc;
  if (host == scope->priv.executor)
    BCSC__FAIL(REMOTE_SELF, host, BCSC_EINVAL);
  if (BCSC__CHECKED && bcsc__wrong_thread(scope->priv.executor))
    BCSC__FAIL(WRONG_THREAD, scope, BCSC_EPERM);
  return 0;
}

int bcsc_scope_spawn_on(bcsc_scope_t *scope, bcsc_remote_task_t *child,
                        bcsc_executor_t *host) {
  uint32_t flags = BCSC__RELAY_SPAWN | BCSC__RELAY_QUEUED;
  int rc = spawn_on_checks(scope, child, host);
  if (rc != 0)
    return rc;
  /* A cancelled scope's children are all cancelled (scope.c): this one
   * starts so. */
  if (scope->priv.flags & BCSC__SCOPE_CANCELLED)
    flags |= BCSC__RELAY_CANCEL;
  child->priv.parent = scope;
  child->priv.remote = host;
  child->priv.state = REMOTE_LIVE;
  /* The task header stays idle until the host takes the message and
   * writes it, but says REMOTE already: a local spawn of the task
   * meanwhile is a second spawn (bcsc__check_spawnable()), and every other
   * call reads an idle frame and follows no pointer of it (D98). */
  bcsc__task_store_state(&child->task, BCSC__TASK_IDLE | BCSC__TASK_REMOTE);
  atomic_store_explicit(BCSC__A32(&child->priv.flags), flags,
                        memory_order_relaxed);
  if (!(scope->priv.flags & BCSC__SCOPE_REMOTE)) {
    scope->priv.remote_head = NULL;
    scope->priv.flags |= BCSC__SCOPE_REMOTE;
  }
  BCSC__HLIST_PUSH(scope->priv.remote_head, child, parent_next, parent_prev);
  scope->priv.live++;
  /* The push publishes all of the above (and the frame) to the host. */
  bcsc__relay_push(host, child);
  return 0;
}

int bcsc_remote_task_done(const bcsc_remote_task_t *remote) {
  return remote != NULL && remote->priv.magic == BCSC__MAGIC_REMOTE &&
         remote->priv.state == REMOTE_ENDED;
}

void bcsc__remote_cancel_scope(bcsc_scope_t *s) {
  /* Children that have ended but whose DONE is not drained yet are still
   * listed: relay_cancel leaves them alone. */
  for (bcsc_remote_task_t *r = s->priv.remote_head; r != NULL;
       r = r->priv.parent_next)
    if (bcsc__relay_cancel(r))
      bcsc__relay_push(r->priv.remote, r);
}

/* Host: tell the parent's executor that `r` has ended. The push is this
 * thread's last touch of the relay: the parent may reuse it at once. */
static void send_done(bcsc_remote_task_t *r) {
  bcsc__relay_push(r->priv.parent->priv.executor, r);
}

void bcsc__remote_returned(bcsc_task_t *t, bcsc_scope_t *root) {
  bcsc_remote_task_t *r = remote_of(t);
  if (bcsc__relay_returned(r)) {
    send_done(r);
    return;
  }
  /* A message for it is still queued here: the drain that takes it sends
   * DONE. Until then the executor still hosts the child - its run loop
   * must not end, nor may it be torn down. */
  root->priv.live++;
}

/* Host: a spawn or cancel message for `r`, or the completion it waited
 * for. */
static void host_message(bcsc_executor_t *ex, bcsc_remote_task_t *r) {
  uint32_t old = bcsc__relay_settle(r);
  if (old & BCSC__RELAY_RETURNED) {
    send_done(r);
    ex->priv.root.priv.live--; /* counted back in by remote_returned() */
    return;
  }
  if (old & BCSC__RELAY_SPAWN) {
    bcsc__scope_host(ex, &r->task, (old & BCSC__RELAY_CANCEL) != 0);
    return;
  }
  /* Else a cancel: a host is sent nothing else (bcsc_scope_spawn_on()
   * sends SPAWN, bcsc__remote_cancel_scope() CANCEL). A task that is
   * cancelled already ignores it. */
  (void)bcsc__task_cancel(&r->task);
}

/* Parent: `r` has ended on its host. */
static void child_ended(bcsc_remote_task_t *r) {
  bcsc_scope_t *s = r->priv.parent;
  bcsc_task_t *t = &r->task;
  if (BCSC__CANARY_BAD(s, BCSC__MAGIC_SCOPE)) {
    BCSC__REPORT(FRAME_CLOBBERED, s);
    return;
  }
  BCSC__HLIST_REMOVE(s->priv.remote_head, r, parent_next, parent_prev);
  r->priv.parent = NULL;
  r->priv.state = REMOTE_ENDED;
  bcsc__scope_child_ended(s, t, (int)t->priv.link.result,
                          (t->priv.state & BCSC__TASK_CANCELLED) != 0);
}

void bcsc__relay_drain(bcsc_executor_t *ex) {
  bcsc_remote_task_t *r = bcsc__relay_take(ex);
  while (r != NULL) {
    /* Read the link first: once settled, a relay may be pushed again. */
    bcsc_remote_task_t *next = bcsc__relay_next(r);
    /* DONE relays are on their parent's list, the others on their
     * host's: the flag says which side this executor is on. */
    if (bcsc__relay_flags(r) & BCSC__RELAY_DONE)
      child_ended(r);
    else
      host_message(ex, r);
    r = next;
  }
}

size_t bcsc_remote_task_sizeof(void) { return sizeof(bcsc_remote_task_t); }
size_t bcsc_remote_task_alignof(void) { return _Alignof(bcsc_remote_task_t); }
