/* SPDX-License-Identifier: MIT
 * channel.c - a bounded MPMC channel over a caller's ring, with two
 * hand-off waiter lists (D22): receivers waiting for a message, senders
 * waiting for a slot.
 *
 * Fairness and cancellation safety rest on one rule per list: each wake
 * from it reserves one unit (a message for a receiver, a free slot for a
 * sender), and the list's `batons` count is the number reserved. So
 *  - a task that calls in without a wake may take a unit directly only if
 *    nobody waits on the list and a unit is left beyond those reserved by
 *    the wakes out; otherwise it queues behind (no barging past a waiter,
 *    and never into a woken task's unit);
 *  - after every change, the list is "pumped": while someone waits and
 *    there are more units than wakes out, the oldest waiter is woken. A
 *    task woken this way always finds its unit, and a unit never sits next
 *    to a sleeping waiter.
 * A woken task that never takes its wake (cancelled, or another branch of
 * a select won) makes bcsc pass it to the next waiter, so the reservation
 * moves with it; with nobody left, the wake lapses and the unit is free
 * for anyone. */
#include "bcsc/channel.h"
#include "internal.h"

enum { CHANNEL_OPEN = 1, CHANNEL_CLOSED = 2 };

/* What a waiting call finds in its registration on entry. */
enum {
  CHANNEL_NODE_IDLE = 0,   /* no wake: a newcomer */
  CHANNEL_NODE_BATON = 1,  /* woken by this list: a unit is reserved */
  CHANNEL_NODE_LINKED = 2, /* already queued, in this same poll */
};

BCSC__DEFINE_OBJECT_CHECK(channel, bcsc_channel_t, BCSC__MAGIC_CHANNEL)
BCSC__ASSERT_HEADER(bcsc_channel_t);

/* The common call, recognised in a few compares of whole header words: an
 * open, unmoved channel, the right element size, the running task itself
 * (not cancelled, not woken in this poll; pooled or holding a baton is
 * fine), and a registration that is idle or holds a baton of `q`. Returns
 * the CHANNEL_NODE_* the checks of channel_enter() would give (a baton is
 * taken), or -1 for anything else: the caller then runs every check in
 * order, with its reports and error codes. */
static BCSC__ALWAYS_INLINE int
channel_fast_enter(bcsc_task_t *self, bcsc_channel_t *ch, bcsc_wait_t *wait,
                   int sending, const void *element, size_t size) {
  bcsc_executor_t *ex;
  uint64_t word;
  if (BCSC__UNLIKELY(ch == NULL || self == NULL || wait == NULL ||
                     element == NULL))
    return -1;
  if (BCSC__UNLIKELY(BCSC__HEADER(ch) !=
                         bcsc__header_expect(CHANNEL_OPEN, BCSC__MAGIC_CHANNEL,
                                             bcsc__self_tag(ch)) ||
                     size != ch->priv.elem_size))
    return -1;
  if (BCSC__UNLIKELY(!bcsc__task_polled(
          self, BCSC__TASK_POOLED | BCSC__TASK_BATON | BCSC__TASK_REMOTE)))
    return -1;
  ex = self->priv.scope->priv.executor;
  word = BCSC__HEADER(wait);
  if (BCSC__LIKELY(word ==
                   bcsc__header_expect(BCSC__WAIT_IDLE, BCSC__MAGIC_WAIT, 0)))
    return CHANNEL_NODE_IDLE;
  if (word ==
          bcsc__header_expect(BCSC__WAIT_FIRED_HANDOFF, BCSC__MAGIC_WAIT, 0) &&
      wait->value ==
          (uintptr_t)(sending ? &ch->priv.senders : &ch->priv.receivers) &&
      bcsc__baton_genuine(wait)) {
    bcsc__baton_take(ex, wait);
    return CHANNEL_NODE_BATON;
  }
  return -1;
}

static int channel_check_element(const bcsc_channel_t *ch, const void *element,
                                 size_t size) {
  if (element == NULL || size != ch->priv.elem_size)
    BCSC__FAIL(BAD_ARGUMENT, ch, BCSC_EINVAL);
  return 0;
}

/* Whether a list of the channel no longer reads as one (a clobbered
 * channel), without reporting it. */
static int channel_waitq_bad(const bcsc_waitq_t *q) {
  return q->priv.magic != BCSC__MAGIC_WAITQ ||
         (q->priv.self_tag != 0 && q->priv.self_tag != bcsc__self_tag(q));
}

/* Whether `q` is quiet: nobody waits and no wake from it is out. */
static int channel_nobody_ahead(const bcsc_waitq_t *q) {
  return bcsc_waitq_empty(q) && q->priv.batons == 0;
}

/* Whether a task without a wake may take one of `units` units of `q`'s
 * kind now: nobody waits, and one is left beyond those the wakes out have
 * reserved. (Requiring no wake out at all made producers and consumers
 * take turns one unit per poll: 14x the lower bound in channel_mpmc.) */
static int channel_unreserved(const bcsc_waitq_t *q, uint32_t units) {
  return bcsc_waitq_empty(q) && units > q->priv.batons;
}

/* Wake the oldest waiters of `q` while there are more `units` than wakes
 * out. The wake's value names the list, so a waiting call can tell its own
 * list's wake from another's on a node used for both. A wake that fails
 * (a clobbered frame, already reported) stops the pump rather than spin. */
static BCSC__NOINLINE void channel_pump_loop(bcsc_waitq_t *q, uint32_t units) {
  /* The lists are part of the channel, which the caller has validated. */
  do
    if (bcsc__waitq_fire_handoff(q, (uintptr_t)q) <= 0)
      return;
  while (!bcsc_waitq_empty(q) && units > q->priv.batons);
}

/* The common case is one unit beyond the wakes out (a message into an empty
 * ring, a slot freed in a full one), so one wake: that one is made with no
 * loop around it, and so with no registers to save. */
static BCSC__NOINLINE void channel_pump_waiters(bcsc_waitq_t *q,
                                                uint32_t units) {
  if (BCSC__UNLIKELY(units != q->priv.batons + 1)) {
    channel_pump_loop(q, units);
    return;
  }
  (void)bcsc__waitq_fire_handoff(q, (uintptr_t)q);
}

/* The test inline, the wakes out of line: a send or receive that wakes
 * nobody then needs no stack frame. */
static BCSC__ALWAYS_INLINE void channel_pump(bcsc_waitq_t *q, uint32_t units) {
  if (!bcsc_waitq_empty(q) && units > q->priv.batons)
    channel_pump_waiters(q, units);
}

static void channel_pump_receivers(bcsc_channel_t *ch) {
  bcsc_waitq_t *q = &ch->priv.receivers;
  channel_pump(q, ch->priv.count);
  /* Closed and drained: whoever still waits learns it now. The wakes are
   * batons too; each is taken by a recv that returns BCSC_ECLOSED. */
  if (ch->priv.state == CHANNEL_CLOSED && ch->priv.count == 0 &&
      !bcsc_waitq_empty(q))
    (void)bcsc_waitq_wake_all(q, (uintptr_t)q);
}

static void channel_pump_senders(bcsc_channel_t *ch) {
  channel_pump(&ch->priv.senders, ch->priv.capacity - ch->priv.count);
}

static void channel_put(bcsc_channel_t *ch, const void *src) {
  uint32_t slot = ch->priv.head + ch->priv.count;
  if (slot >= ch->priv.capacity)
    slot -= ch->priv.capacity;
  bcsc__copy_bytes(ch->priv.buffer + (size_t)slot * ch->priv.elem_size, src,
                   ch->priv.elem_size);
  ch->priv.count++;
  channel_pump_receivers(ch);
}

static void channel_take(bcsc_channel_t *ch, void *dst) {
  bcsc__copy_bytes(dst,
                   ch->priv.buffer + (size_t)ch->priv.head * ch->priv.elem_size,
                   ch->priv.elem_size);
  if (++ch->priv.head == ch->priv.capacity)
    ch->priv.head = 0;
  ch->priv.count--;
  channel_pump_senders(ch);
  /* The last message of a closed channel: the receivers queued behind it
   * get BCSC_ECLOSED. */
  if (ch->priv.count == 0 && ch->priv.state == CHANNEL_CLOSED)
    channel_pump_receivers(ch);
}

/* The start of a waiting call on list `q`: validates `self` and `wait`,
 * consumes a wake the node holds, and answers cancellation. Returns a
 * CHANNEL_NODE_* value, BCSC_ECANCELED or an error. */
static int channel_enter(bcsc_task_t *self, bcsc_wait_t *wait,
                         bcsc_waitq_t *q) {
  int rc, ours;
  if ((rc = bcsc__check_task(self)) != 0 || (rc = bcsc__check_wait(wait)) != 0)
    return rc;
  if (self->priv.scope == NULL || !bcsc__task_is_running(self))
    BCSC__FAIL(NOT_RUNNING, self, BCSC_EPERM);
  if (bcsc__wait_is_baton(wait)) {
    if (wait->value != (uintptr_t)q) {
      /* The other list's wake (the node was used for a send, say, and is
       * now used for a recv): decline it, so that it reaches a task that
       * takes it, rather than consume a reservation nobody will use. */
      (void)bcsc_wait_cancel(wait);
    } else if (self->priv.state & BCSC__TASK_CANCELLED) {
      /* A cancelled task takes nothing; the wake it holds is left for
       * bcsc to pass on when this poll returns (D22). */
      return BCSC_ECANCELED;
    }
  }
  ours = bcsc__wait_is_baton(wait);
  if ((rc = bcsc__wait_take_checked(self, wait)) < 0)
    return rc;
  if (self->priv.state & BCSC__TASK_CANCELLED) {
    if (rc == BCSC__NODE_LINKED)
      bcsc__wait_unlink(wait);
    return BCSC_ECANCELED;
  }
  if (rc == BCSC__NODE_LINKED)
    return CHANNEL_NODE_LINKED;
  /* A plain fired mark came from some other source: not a reservation. */
  return ours ? CHANNEL_NODE_BATON : CHANNEL_NODE_IDLE;
}

/* Queue `self` on `q` behind the waiters there. If units are left over
 * (more than the wakes out), the pump wakes the oldest waiter, which may be
 * `self` itself: it then runs again behind the tasks woken before it. */
static int channel_wait(bcsc_task_t *self, bcsc_wait_t *wait, bcsc_waitq_t *q,
                        uint32_t units) {
  int rc = bcsc__check_waitq(q);
  if (rc != 0)
    return rc;
  bcsc__wait_link(self, wait, q);
  channel_pump(q, units);
  return BCSC_PENDING;
}

int bcsc_channel_init(bcsc_channel_t *ch, void *buffer, size_t buffer_size,
                      size_t elem_size) {
  size_t capacity;
  if (ch == NULL)
    BCSC__FAIL(NULL_OBJECT, ch, BCSC_EINVAL);
  if (buffer == NULL || elem_size == 0 || buffer_size < elem_size ||
      buffer_size % elem_size != 0)
    BCSC__FAIL(BAD_ARGUMENT, ch, BCSC_EINVAL);
  capacity = buffer_size / elem_size;
  if (capacity > UINT32_MAX)
    BCSC__FAIL(BAD_ARGUMENT, ch, BCSC_EINVAL);
  ch->data = NULL;
  ch->priv.receivers = (bcsc_waitq_t)BCSC_WAITQ_INITIALIZER;
  ch->priv.senders = (bcsc_waitq_t)BCSC_WAITQ_INITIALIZER;
  /* Fresh lists: making them hand-off lists cannot fail. */
  (void)bcsc_waitq_set_handoff(&ch->priv.receivers, 1);
  (void)bcsc_waitq_set_handoff(&ch->priv.senders, 1);
  ch->priv.buffer = (unsigned char *)buffer;
  ch->priv.elem_size = elem_size;
  ch->priv.capacity = (uint32_t)capacity;
  ch->priv.head = 0;
  ch->priv.count = 0;
  ch->priv.reserved32 = 0;
  ch->priv.state = CHANNEL_OPEN;
  ch->priv.magic = BCSC__MAGIC_CHANNEL;
  /* Wakes on their way name its lists from now on. */
  ch->priv.self_tag = bcsc__self_tag(ch);
  ch->priv.reserved[0] = 0;
  ch->priv.reserved[1] = 0;
  return 0;
}

int bcsc_channel_deinit(bcsc_channel_t *ch) {
  int rc = bcsc__check_channel(ch);
  if (rc != 0)
    return rc;
  if (!channel_nobody_ahead(&ch->priv.receivers) ||
      !channel_nobody_ahead(&ch->priv.senders))
    BCSC__FAIL(WAITQ_BUSY, ch, BCSC_EBUSY);
  BCSC__FORGET(ch);
  return 0;
}

/* The checks of a waiting call in their order, for what
 * channel_fast_enter() does not take. */
static BCSC__NOINLINE int channel_slow_enter(bcsc_task_t *self,
                                             bcsc_channel_t *ch,
                                             bcsc_wait_t *wait, int sending,
                                             const void *element, size_t size) {
  int rc = bcsc__check_channel(ch);
  if (rc != 0 || (rc = channel_check_element(ch, element, size)) != 0)
    return rc;
  return channel_enter(self, wait,
                       sending ? &ch->priv.senders : &ch->priv.receivers);
}

/* bcsc_channel_send() past the common cases: `node` is what
 * channel_fast_enter() found (-1: run every check). */
static BCSC__NOINLINE int
channel_send_general(bcsc_task_t *self, bcsc_channel_t *ch, bcsc_wait_t *wait,
                     const void *src, size_t size, int node) {
  if (node < 0 && (node = channel_slow_enter(self, ch, wait, 1, src, size)) < 0)
    return node;
  if (node == CHANNEL_NODE_LINKED)
    return BCSC_PENDING; /* asked again in the poll that queued it */
  if (ch->priv.state == CHANNEL_CLOSED)
    return BCSC_ECLOSED;
  if (ch->priv.count < ch->priv.capacity &&
      (node == CHANNEL_NODE_BATON ||
       channel_unreserved(&ch->priv.senders,
                          ch->priv.capacity - ch->priv.count))) {
    channel_put(ch, src);
    return 0;
  }
  return channel_wait(self, wait, &ch->priv.senders,
                      ch->priv.capacity - ch->priv.count);
}

int bcsc_channel_send(bcsc_task_t *self, bcsc_channel_t *ch, bcsc_wait_t *wait,
                      const void *src, size_t size) {
  int node = channel_fast_enter(self, ch, wait, 1, src, size);
  uint32_t count;
  if (BCSC__UNLIKELY(node < 0))
    return channel_send_general(self, ch, wait, src, size, node);
  /* The channel is open (channel_fast_enter() saw it): a free slot that is
   * this task's - its wake reserved it, or nobody waits and it is left
   * over beyond the wakes out - takes the message now. */
  count = ch->priv.count;
  if (BCSC__LIKELY(
          count < ch->priv.capacity &&
          (node == CHANNEL_NODE_BATON ||
           channel_unreserved(&ch->priv.senders, ch->priv.capacity - count)))) {
    uint32_t slot = ch->priv.head + count;
    if (slot >= ch->priv.capacity)
      slot -= ch->priv.capacity;
    bcsc__copy_bytes(ch->priv.buffer + (size_t)slot * ch->priv.elem_size, src,
                     size);
    ch->priv.count = ++count;
    channel_pump(&ch->priv.receivers, count);
    return 0;
  }
  return channel_send_general(self, ch, wait, src, size, node);
}

/* bcsc_channel_recv() past the common cases, as channel_send_general(). */
static BCSC__NOINLINE int channel_recv_general(bcsc_task_t *self,
                                               bcsc_channel_t *ch,
                                               bcsc_wait_t *wait, void *dst,
                                               size_t size, int node) {
  if (node < 0 && (node = channel_slow_enter(self, ch, wait, 0, dst, size)) < 0)
    return node;
  if (node == CHANNEL_NODE_LINKED)
    return BCSC_PENDING;
  if (ch->priv.count > 0 &&
      (node == CHANNEL_NODE_BATON ||
       channel_unreserved(&ch->priv.receivers, ch->priv.count))) {
    channel_take(ch, dst);
    return 0;
  }
  if (ch->priv.state == CHANNEL_CLOSED && ch->priv.count == 0)
    return BCSC_ECLOSED;
  /* Closed with messages reserved for receivers woken before this one: it
   * waits its turn, and is woken for a message one of them does not take,
   * or to learn that none is left. */
  return channel_wait(self, wait, &ch->priv.receivers, ch->priv.count);
}

int bcsc_channel_recv(bcsc_task_t *self, bcsc_channel_t *ch, bcsc_wait_t *wait,
                      void *dst, size_t size) {
  int node = channel_fast_enter(self, ch, wait, 0, dst, size);
  uint32_t count;
  if (BCSC__UNLIKELY(node < 0))
    return channel_recv_general(self, ch, wait, dst, size, node);
  count = ch->priv.count;
  if (count > 0 && (node == CHANNEL_NODE_BATON ||
                    channel_unreserved(&ch->priv.receivers, count))) {
    uint32_t head = ch->priv.head;
    bcsc__copy_bytes(dst, ch->priv.buffer + (size_t)head * ch->priv.elem_size,
                     size);
    if (++head == ch->priv.capacity)
      head = 0;
    ch->priv.head = head;
    ch->priv.count = --count;
    /* Open (channel_fast_enter() saw it): no close to report. */
    channel_pump(&ch->priv.senders, ch->priv.capacity - count);
    return 0;
  }
  /* Nothing to take, and the channel is open: queue. With no message,
   * there is nothing to pump. (The checked build looks at the list's own
   * header too; if it is bad, channel_wait() reports it.) */
  if (count == 0 && node == CHANNEL_NODE_IDLE &&
      (!BCSC__CHECKED || !channel_waitq_bad(&ch->priv.receivers))) {
    bcsc__wait_link(self, wait, &ch->priv.receivers);
    return BCSC_PENDING;
  }
  return channel_recv_general(self, ch, wait, dst, size, node);
}

int bcsc_channel_try_send(bcsc_channel_t *ch, const void *src, size_t size) {
  int rc = bcsc__check_channel(ch);
  if (rc != 0 || (rc = channel_check_element(ch, src, size)) != 0)
    return rc;
  if (ch->priv.state == CHANNEL_CLOSED)
    return BCSC_ECLOSED;
  if (!channel_unreserved(&ch->priv.senders,
                          ch->priv.capacity - ch->priv.count))
    return BCSC_EAGAIN;
  channel_put(ch, src);
  return 0;
}

int bcsc_channel_try_recv(bcsc_channel_t *ch, void *dst, size_t size) {
  int rc = bcsc__check_channel(ch);
  if (rc != 0 || (rc = channel_check_element(ch, dst, size)) != 0)
    return rc;
  if (channel_unreserved(&ch->priv.receivers, ch->priv.count)) {
    channel_take(ch, dst);
    return 0;
  }
  if (ch->priv.state == CHANNEL_CLOSED && ch->priv.count == 0)
    return BCSC_ECLOSED;
  return BCSC_EAGAIN;
}

int bcsc_channel_close(bcsc_channel_t *ch) {
  int rc = bcsc__check_channel(ch);
  if (rc != 0)
    return rc;
  if (ch->priv.state == CHANNEL_CLOSED)
    return 0;
  ch->priv.state = CHANNEL_CLOSED;
  /* Every waiting sender learns it; none can queue again. */
  if (!bcsc_waitq_empty(&ch->priv.senders))
    (void)bcsc_waitq_wake_all(&ch->priv.senders, (uintptr_t)&ch->priv.senders);
  /* Receivers keep their turns for the messages left; if there are none,
   * the waiting ones learn it now. */
  channel_pump_receivers(ch);
  return 0;
}

int bcsc_channel_closed(const bcsc_channel_t *ch) {
  return ch != NULL && ch->priv.magic == BCSC__MAGIC_CHANNEL &&
         ch->priv.state == CHANNEL_CLOSED;
}

uint32_t bcsc_channel_buffered(const bcsc_channel_t *ch) {
  if (ch == NULL || ch->priv.magic != BCSC__MAGIC_CHANNEL)
    return 0;
  return ch->priv.count;
}

uint32_t bcsc_channel_capacity(const bcsc_channel_t *ch) {
  if (ch == NULL || ch->priv.magic != BCSC__MAGIC_CHANNEL)
    return 0;
  return ch->priv.capacity;
}

size_t bcsc_channel_sizeof(void) { return sizeof(bcsc_channel_t); }
size_t bcsc_channel_alignof(void) { return _Alignof(bcsc_channel_t); }
