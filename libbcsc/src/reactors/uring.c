/* SPDX-License-Identifier: MIT
 * reactors/uring.c - the POSIX reactor's clock and unpark protocol, with
 * park sleeping in io_uring_enter() so that completions of operations the
 * kernel performs into task frames can wake tasks.
 *
 * Raw system calls (io_uring_setup, io_uring_enter, mmap of the rings), as
 * libuv does: no liburing. The rings are shared with the kernel; the
 * executor's thread is their only user-side reader and writer, and the
 * orderings are the ones io_uring(7) prescribes:
 *
 *   executor (user)                         kernel
 *   write the SQE, sq_array[i]
 *   store-release sq_tail          ------>  load-acquire sq_tail, read SQE
 *   load-acquire sq_head           <------  store-release sq_head (consumed)
 *   load-acquire cq_tail           <------  write the CQE, store-release
 *   read the CQE                            cq_tail
 *   store-release cq_head          ------>  load-acquire cq_head (slot free)
 *
 * Nothing is submitted from inside a poll function but the requests the
 * ops queue: a start or a cancel writes an SQE and moves the tail, and the
 * next park (the executor's sleep, or its periodic look outside with a
 * past deadline) submits them in one io_uring_enter(). A park returns only
 * after submitting what is queued, or after the kernel refused to take it:
 * either way the ring keeps its order, so a cancel queued for an op always
 * reaches the kernel before anything that could start the op again (D71).
 * A cancel with no free SQE is owed: park retries it, and does not sleep
 * while one is owed (D78).
 *
 * Unpark is wake_fd.c's protocol on an eventfd; park sleeps on it through a
 * one-shot IORING_OP_POLL_ADD re-armed before each sleep. Deadlines use
 * IORING_ENTER_EXT_ARG's timeout where the kernel has it (5.11), else an
 * IORING_OP_TIMEOUT request with an absolute CLOCK_MONOTONIC time, re-armed
 * only when the deadline changes (D70). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <linux/io_uring.h>
#include <linux/time_types.h>
#include <poll.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "bcsc/reactor_uring.h"
#include "internal.h"
#include "wake_fd.h"

_Static_assert(BCSC_URING_POLLIN == POLLIN && BCSC_URING_POLLPRI == POLLPRI &&
                   BCSC_URING_POLLOUT == POLLOUT &&
                   BCSC_URING_POLLERR == POLLERR &&
                   BCSC_URING_POLLHUP == POLLHUP &&
                   BCSC_URING_POLLRDHUP == POLLRDHUP,
               "bcsc/reactor_uring.h spells the kernel's poll bits");

enum { OP_MAGIC = 0xe7a1, OP_IDLE = 0, OP_IN_FLIGHT = 1, OP_DONE = 2 };
enum { CANCEL_ASKED = 1, CANCEL_OWED = 2 };
enum { MAX_ENTRIES = 4096 };

/* priv.flags: the init flags in the low bits, park's state above. */
#define FLAG_WAKE_ARMED 0x100u
#define FLAG_EXT_ARG 0x200u /* deadlines through IORING_ENTER_EXT_ARG */

/* An SQE's user_data: an op's address (8-aligned: low bits 0), or one of
 * the reactor's own requests in the low three bits. */
#define TAG_MASK 7u
#define TAG_WAKE 1u    /* the poll on the eventfd */
#define TAG_TIMEOUT 2u /* a deadline; the generation above the tag */
#define TAG_IGNORE 3u  /* a cancel or timeout removal: result unused */

/* The operations refuse memory that is not an open io_uring reactor, or
 * not an initialised op (D90), or a copy of either (D99); of the vtable's
 * entries only park checks, and only for a copy: the executor took the
 * reactor at its init. */
BCSC__DEFINE_REACTOR_CHECK(uring_reactor, bcsc_uring_reactor_t,
                           BCSC__MAGIC_URING_REACTOR)
BCSC__DEFINE_HELD_CHECK(uring_op, bcsc_uring_op_t, OP_MAGIC, OP_IN_FLIGHT)

static bcsc_uring_reactor_t *uring_of(bcsc_reactor_t *base) {
  return (bcsc_uring_reactor_t *)(void *)base;
}

static int sys_enter(int fd, unsigned to_submit, unsigned min_complete,
                     unsigned flags, const void *arg, size_t argsz) {
  return (int)syscall(__NR_io_uring_enter, fd, to_submit, min_complete, flags,
                      arg, argsz);
}

static uint64_t uring_now(bcsc_reactor_t *base) {
  (void)base;
  return bcsc__monotonic_ns();
}

static int consume_unpark(bcsc_uring_reactor_t *r) {
  return bcsc__wake_fd_consume(&r->priv.pending, r->priv.wake_fd,
                               &r->priv.unparks_seen, &r->priv.unparked);
}

static void uring_unpark(bcsc_reactor_t *base) {
  bcsc_uring_reactor_t *r = uring_of(base);
  bcsc__wake_fd_unpark(&r->priv.pending, r->priv.wake_fd);
}

/* ---- the submission ring ------------------------------------------------ */

/* SQEs written but not yet consumed by the kernel. */
static uint32_t sq_queued(const bcsc_uring_reactor_t *r) {
  return *r->priv.sq_tail - __atomic_load_n(r->priv.sq_head, __ATOMIC_ACQUIRE);
}

/* Hand every queued SQE to the kernel, without waiting for completions.
 * Without SQPOLL the kernel consumes them inside the call; a refusal
 * (EAGAIN, EBUSY: out of memory for requests, completions backed up)
 * leaves them queued for the next park. */
static void submit(bcsc_uring_reactor_t *r) {
  uint32_t n;
  while ((n = sq_queued(r)) != 0) {
    int got;
    r->priv.enters++;
    got = sys_enter(r->priv.ring_fd, n, 0, 0, NULL, 0);
    if (got <= 0 && !(got < 0 && errno == EINTR))
      return;
  }
}

/* A free SQE, zeroed, or NULL if the ring is full even after submitting.
 * It becomes visible to the kernel with push(). */
static struct io_uring_sqe *get_sqe(bcsc_uring_reactor_t *r) {
  struct io_uring_sqe *sqe;
  uint32_t tail = *r->priv.sq_tail;
  if (sq_queued(r) >= r->priv.sq_entries) {
    submit(r);
    if (sq_queued(r) >= r->priv.sq_entries)
      return NULL;
  }
  sqe = (struct io_uring_sqe *)r->priv.sqes + (tail & r->priv.sq_mask);
  memset(sqe, 0, sizeof *sqe);
  return sqe;
}

static void push(bcsc_uring_reactor_t *r) {
  uint32_t tail = *r->priv.sq_tail;
  r->priv.sq_array[tail & r->priv.sq_mask] = tail & r->priv.sq_mask;
  __atomic_store_n(r->priv.sq_tail, tail + 1, __ATOMIC_RELEASE);
}

/* ---- operations --------------------------------------------------------- */

static int op_in_flight(const bcsc_uring_op_t *op,
                        const bcsc_uring_reactor_t *r) {
  return op->priv.magic == (uint16_t)OP_MAGIC &&
         op->priv.self == (uintptr_t)op && op->priv.reactor == r &&
         op->priv.state == OP_IN_FLIGHT;
}

static void owed_remove(bcsc_uring_reactor_t *r, bcsc_uring_op_t *op) {
  bcsc_uring_op_t **pp = &r->priv.owed;
  while (*pp != op)
    pp = &(*pp)->priv.owed_next;
  *pp = op->priv.owed_next;
  op->priv.owed_next = NULL;
}

/* Queue an IORING_OP_ASYNC_CANCEL for @p op (in flight). With no free SQE
 * the cancel is owed: it goes on the owed list (newest first), which park
 * retries before anything else and does not sleep on; an op that completes
 * meanwhile leaves the list (op_complete()), so no cancel is left to reach
 * the op's next start. */
static void ask_cancel(bcsc_uring_op_t *op) {
  bcsc_uring_reactor_t *r = op->priv.reactor;
  struct io_uring_sqe *sqe;
  if (op->priv.cancel == CANCEL_ASKED)
    return;
  if ((sqe = get_sqe(r)) == NULL) {
    if (op->priv.cancel != CANCEL_OWED) {
      op->priv.cancel = CANCEL_OWED;
      op->priv.owed_next = r->priv.owed;
      r->priv.owed = op;
    }
    return;
  }
  if (op->priv.cancel == CANCEL_OWED)
    owed_remove(r, op);
  sqe->opcode = IORING_OP_ASYNC_CANCEL;
  sqe->fd = -1;
  sqe->addr = (uint64_t)(uintptr_t)op;
  sqe->user_data = TAG_IGNORE;
  push(r);
  op->priv.cancel = CANCEL_ASKED;
}

static void retry_owed(bcsc_uring_reactor_t *r) {
  while (r->priv.owed != NULL) {
    bcsc_uring_op_t *op = r->priv.owed;
    ask_cancel(op);
    if (op->priv.cancel == CANCEL_OWED)
      return; /* still no room */
  }
}

/* The abort hook of every op's list (bcsc_waitq_set_abort(), D67): bcsc
 * takes a registration back. An op in flight may still be written by the
 * kernel: ask it to cancel and keep the registration until the op's own
 * completion fires it. */
static int op_abort(void *context, bcsc_wait_t *wait) {
  bcsc_uring_op_t *op = context;
  (void)wait;
  if (op->priv.state != OP_IN_FLIGHT)
    return 0;
  ask_cancel(op);
  return BCSC_PENDING;
}

/* The CQE of an op: it is done, whatever its waiters do next. Returns how
 * many tasks it woke. */
static int op_complete(bcsc_uring_reactor_t *r, bcsc_uring_op_t *op,
                       int32_t res, uint32_t flags) {
  int n;
  /* An op whose frame ended while the kernel held it: its memory is
   * someone else's now. Say so rather than write through it. */
  if (!op_in_flight(op, r)) {
    BCSC__REPORT_HELD_GONE(op, (uint16_t)OP_MAGIC);
    return BCSC_EBADOBJ;
  }
  if (op->priv.cancel == CANCEL_OWED)
    owed_remove(r, op);
  op->priv.reactor = NULL;
  op->priv.self = 0;
  op->priv.state = OP_DONE;
  op->priv.cancel = 0;
  op->priv.result = res;
  op->priv.cqe_flags = flags;
  r->priv.in_flight--;
  r->priv.completions++;
  n = bcsc_waitq_wake_all(&op->priv.queue, (uintptr_t)(intptr_t)res);
  return n > 0 ? n : 0;
}

/* ---- completions -------------------------------------------------------- */

static int complete(bcsc_uring_reactor_t *r, uint64_t user_data, int32_t res,
                    uint32_t flags) {
  switch ((uint32_t)user_data & TAG_MASK) {
  case 0:
    return op_complete(r, (bcsc_uring_op_t *)(uintptr_t)user_data, res, flags);
  case TAG_WAKE:
    r->priv.flags &= ~FLAG_WAKE_ARMED;
    if (consume_unpark(r))
      return 1;
    /* A late write of an unpark already consumed. */
    bcsc__wake_fd_drain(r->priv.wake_fd);
    return 0;
  case TAG_TIMEOUT:
    /* -ETIME: expired; -ECANCELED: replaced by a later deadline (its
     * generation is older then, and the newer one is still armed). */
    if ((uint32_t)(user_data >> 3) == r->priv.timeout_gen)
      r->priv.timeout_at = BCSC_NO_DEADLINE;
    return 0;
  default:
    return 0;
  }
}

/* Fire every CQE in the completion ring. Returns how many tasks it woke
 * (an unpark counts as one), or a negative code. */
static int reap(bcsc_uring_reactor_t *r) {
  const struct io_uring_cqe *cqes = r->priv.cqes;
  uint32_t head = *r->priv.cq_head;
  int woken = 0;
  for (;;) {
    uint32_t tail = __atomic_load_n(r->priv.cq_tail, __ATOMIC_ACQUIRE);
    if (head == tail)
      return woken;
    while (head != tail) {
      const struct io_uring_cqe *cqe = &cqes[head & r->priv.cq_mask];
      uint64_t user_data = cqe->user_data;
      int32_t res = cqe->res;
      uint32_t flags = cqe->flags;
      int rc;
      /* The slot is free once copied: the kernel may reuse it while the
       * completion wakes tasks. */
      __atomic_store_n(r->priv.cq_head, ++head, __ATOMIC_RELEASE);
      if ((rc = complete(r, user_data, res, flags)) < 0)
        return rc;
      woken += rc;
    }
  }
}

/* ---- park ---------------------------------------------------------------- */

/* A one-shot poll on the eventfd, so that an unpark ends the sleep. */
static void arm_wake(bcsc_uring_reactor_t *r) {
  struct io_uring_sqe *sqe;
  if ((r->priv.flags & FLAG_WAKE_ARMED) != 0 || (sqe = get_sqe(r)) == NULL)
    return;
  sqe->opcode = IORING_OP_POLL_ADD;
  sqe->fd = r->priv.wake_fd;
  sqe->poll32_events = POLLIN;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  sqe->poll32_events = (POLLIN << 16) | (POLLIN >> 16); /* word-reversed */
#endif
  sqe->user_data = TAG_WAKE;
  push(r);
  r->priv.flags |= FLAG_WAKE_ARMED;
}

/* An IORING_OP_TIMEOUT at the absolute time @p until, unless one is armed
 * for it already; one for another time is removed first. */
static int arm_timeout(bcsc_uring_reactor_t *r, uint64_t until) {
  struct io_uring_sqe *sqe;
  if (r->priv.timeout_at == until)
    return 0;
  if (r->priv.timeout_at != BCSC_NO_DEADLINE) {
    if ((sqe = get_sqe(r)) == NULL)
      return BCSC_EBUSY;
    sqe->opcode = IORING_OP_TIMEOUT_REMOVE;
    sqe->fd = -1;
    sqe->addr = TAG_TIMEOUT | ((uint64_t)r->priv.timeout_gen << 3);
    sqe->user_data = TAG_IGNORE;
    push(r);
    r->priv.timeout_at = BCSC_NO_DEADLINE;
  }
  if ((sqe = get_sqe(r)) == NULL)
    return BCSC_EBUSY;
  r->priv.timeout_gen = (r->priv.timeout_gen + 1) & 0x1fffffffu;
  r->priv.timeout_ts[0] = (int64_t)(until / BCSC_SEC);
  r->priv.timeout_ts[1] = (int64_t)(until % BCSC_SEC);
  sqe->opcode = IORING_OP_TIMEOUT;
  sqe->fd = -1;
  sqe->addr = (uint64_t)(uintptr_t)r->priv.timeout_ts;
  sqe->len = 1;
  sqe->off = 0; /* a pure timeout: no completion count */
  sqe->timeout_flags = IORING_TIMEOUT_ABS;
  sqe->user_data = TAG_TIMEOUT | ((uint64_t)r->priv.timeout_gen << 3);
  push(r);
  r->priv.timeout_at = until;
  return 0;
}

/* One io_uring_enter(): submit what is queued and, if @p block, sleep until
 * a completion arrives or @p until (absolute; BCSC_NO_DEADLINE: none).
 * Returns 0, 1 for a signal (the executor looks again), or a negative
 * code. */
static int enter(bcsc_uring_reactor_t *r, int block, uint64_t until,
                 uint64_t now) {
  struct io_uring_getevents_arg arg;
  struct __kernel_timespec ts;
  const void *argp = NULL;
  size_t argsz = 0;
  unsigned flags = IORING_ENTER_GETEVENTS;
  int got;
  if (block) {
    arm_wake(r);
    /* Without the eventfd poll an unpark could not end the sleep; with a
     * cancel still owed the sleep would keep its task's frame waiting for
     * whatever else ends it, though this very call may free SQEs for the
     * cancel (a refusal that has just ended). Either way: look without
     * sleeping this round, and retry (no SQE was free, a rare refusal;
     * D78). */
    if ((r->priv.flags & FLAG_WAKE_ARMED) == 0 || r->priv.owed != NULL)
      block = 0;
  }
  if (block) {
    if (until != BCSC_NO_DEADLINE) {
      if ((r->priv.flags & FLAG_EXT_ARG) != 0) {
        uint64_t rel = until - now;
        ts.tv_sec = (long long)(rel / BCSC_SEC);
        ts.tv_nsec = (long long)(rel % BCSC_SEC);
        memset(&arg, 0, sizeof arg);
        arg.ts = (uint64_t)(uintptr_t)&ts;
        argp = &arg;
        argsz = sizeof arg;
        flags |= IORING_ENTER_EXT_ARG;
      } else if (arm_timeout(r, until) != 0) {
        block = 0; /* no room for the timeout: look without sleeping */
      }
    }
  }
  r->priv.enters++;
  got = sys_enter(r->priv.ring_fd, sq_queued(r), block ? 1u : 0u, flags, argp,
                  argsz);
  if (got >= 0)
    return 0;
  switch (errno) {
  case ETIME: /* the EXT_ARG timeout */
  case EAGAIN:
  case EBUSY: /* completions backed up: reap them first */
    return 0;
  case EINTR:
    /* A signal: its handler may have unparked; either way the executor
     * looks again (a spurious return is allowed). */
    (void)consume_unpark(r);
    return 1;
  default:
    return BCSC_ESTATE;
  }
}

static int uring_park(bcsc_reactor_t *base, uint64_t deadline) {
  bcsc_uring_reactor_t *r = uring_of(base);
  int first = 1;
  /* A copy given to an executor: the kernel objects are the original's
   * (D99). */
  if (BCSC__REACTOR_MOVED(r))
    BCSC__FAIL(MOVED, r, BCSC_EBADOBJ);
  r->priv.parks++;
  for (;;) {
    uint64_t now, until = BCSC_NO_DEADLINE;
    int block, rc;
    if ((rc = reap(r)) < 0)
      return rc;
    retry_owed(r);
    if (consume_unpark(r))
      rc++;
    if (rc > 0) {
      submit(r); /* cancels queued by the wakes' aborts, among others */
      return 0;
    }
    now = bcsc__monotonic_ns();
    if (now >= deadline) {
      /* Past the deadline: submit and reap without blocking, once, so a
       * park(0) - the executor's look outside - is an I/O poll. */
      if (!first) {
        submit(r);
        return 0;
      }
      block = 0;
    } else {
      until = bcsc__sleep_until(now, deadline, r->priv.spin_ns);
      block = until > now;
    }
    first = 0;
    if ((rc = enter(r, block, until, now)) != 0)
      return rc < 0 ? rc : 0;
  }
}

static const bcsc_reactor_vtable_t uring_vtable = {
    sizeof(bcsc_reactor_vtable_t), BCSC_REACTOR_VTABLE_VERSION, uring_now,
    uring_park, uring_unpark};

/* ---- the reactor --------------------------------------------------------- */

static void unmap_rings(bcsc_uring_reactor_t *r) {
  if (r->priv.sqes != NULL)
    (void)munmap(r->priv.sqes,
                 r->priv.sq_entries * sizeof(struct io_uring_sqe));
  if (r->priv.cq_ring != NULL && r->priv.cq_ring != r->priv.sq_ring)
    (void)munmap(r->priv.cq_ring, r->priv.cq_ring_size);
  if (r->priv.sq_ring != NULL)
    (void)munmap(r->priv.sq_ring, r->priv.sq_ring_size);
  r->priv.sqes = r->priv.cq_ring = r->priv.sq_ring = NULL;
}

static void *map_ring(int fd, size_t size, uint64_t offset) {
  void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE,
                 fd, (off_t)offset);
  return p == MAP_FAILED ? NULL : p;
}

/* Map the rings io_uring_setup() described into r (whose fields are
 * zeroed). */
static int map_rings(bcsc_uring_reactor_t *r, int fd,
                     const struct io_uring_params *p) {
  size_t sq_size = p->sq_off.array + p->sq_entries * sizeof(uint32_t);
  size_t cq_size = p->cq_off.cqes + p->cq_entries * sizeof(struct io_uring_cqe);
  char *sq, *cq;
  if ((p->features & IORING_FEAT_SINGLE_MMAP) != 0) {
    if (cq_size > sq_size)
      sq_size = cq_size;
    cq_size = sq_size;
  }
  r->priv.sq_ring_size = sq_size;
  r->priv.cq_ring_size = cq_size;
  r->priv.sq_entries = p->sq_entries;
  if ((r->priv.sq_ring = map_ring(fd, sq_size, IORING_OFF_SQ_RING)) == NULL)
    return BCSC_ENOSPC;
  r->priv.cq_ring = (p->features & IORING_FEAT_SINGLE_MMAP) != 0
                        ? r->priv.sq_ring
                        : map_ring(fd, cq_size, IORING_OFF_CQ_RING);
  r->priv.sqes = map_ring(fd, p->sq_entries * sizeof(struct io_uring_sqe),
                          IORING_OFF_SQES);
  if (r->priv.cq_ring == NULL || r->priv.sqes == NULL)
    return BCSC_ENOSPC;
  sq = r->priv.sq_ring;
  cq = r->priv.cq_ring;
  r->priv.sq_head = (uint32_t *)(void *)(sq + p->sq_off.head);
  r->priv.sq_tail = (uint32_t *)(void *)(sq + p->sq_off.tail);
  r->priv.sq_array = (uint32_t *)(void *)(sq + p->sq_off.array);
  r->priv.sq_mask = *(uint32_t *)(void *)(sq + p->sq_off.ring_mask);
  r->priv.cq_head = (uint32_t *)(void *)(cq + p->cq_off.head);
  r->priv.cq_tail = (uint32_t *)(void *)(cq + p->cq_off.tail);
  r->priv.cq_mask = *(uint32_t *)(void *)(cq + p->cq_off.ring_mask);
  r->priv.cqes = cq + p->cq_off.cqes;
  return 0;
}

int bcsc_uring_reactor_init(bcsc_uring_reactor_t *r, uint32_t entries,
                            uint32_t flags) {
  struct io_uring_params p;
  int32_t wake_fd = -1, wake_fd_write;
  int fd, rc;
  if (r == NULL)
    BCSC__FAIL(NULL_OBJECT, r, BCSC_EINVAL);
  if (entries == 0 || entries > MAX_ENTRIES ||
      (flags & ~BCSC_URING_TIMEOUT_SQE) != 0)
    BCSC__FAIL(BAD_ARGUMENT, r, BCSC_EINVAL);
  memset(&p, 0, sizeof p);
  /* The kernel rounds the submission ring up to a power of two, and that
   * is how many ops may be in flight: round first, so that the completion
   * ring has room for every op in flight, its cancel, and the reactor's
   * own requests - a completion never waits in the kernel's overflow
   * list (which it would allocate). */
  while ((entries & (entries - 1)) != 0)
    entries += entries & -entries;
  p.flags = IORING_SETUP_CQSIZE;
  p.cq_entries = 2 * entries + 4;
  fd = (int)syscall(__NR_io_uring_setup, entries, &p);
  if (fd < 0)
    return errno == ENOMEM || errno == EMFILE || errno == ENFILE ? BCSC_ENOSPC
                                                                 : BCSC_ENOTSUP;
  memset(&r->priv, 0, sizeof r->priv);
  if ((rc = map_rings(r, fd, &p)) != 0 ||
      (rc = bcsc__wake_fd_open(&wake_fd, &wake_fd_write)) != 0) {
    unmap_rings(r);
    (void)close(fd);
    return rc;
  }
  r->base.vtable = &uring_vtable;
  r->base.data = NULL;
  r->priv.timeout_at = BCSC_NO_DEADLINE;
  (void)bcsc_waitq_init(&r->priv.unparked);
  r->priv.features = p.features;
  r->priv.flags = flags;
  if ((p.features & IORING_FEAT_EXT_ARG) != 0 &&
      (flags & BCSC_URING_TIMEOUT_SQE) == 0)
    r->priv.flags |= FLAG_EXT_ARG;
  r->priv.ring_fd = fd;
  r->priv.wake_fd = wake_fd; /* an eventfd: read and written alike */
  r->priv.magic = BCSC__MAGIC_URING_REACTOR;
  BCSC__REACTOR_TAG(r) = bcsc__self_tag(r);
  return 0;
}

int bcsc_uring_reactor_deinit(bcsc_uring_reactor_t *r) {
  int rc;
  if ((rc = bcsc__check_uring_reactor(r)) != 0)
    return rc;
  /* The kernel may still write into the frames of ops in flight; closing
   * the ring would not wait for it (D92: misuse, as a waiter list torn
   * down with waiters is). */
  if (!bcsc_waitq_empty(&r->priv.unparked) || r->priv.in_flight != 0)
    BCSC__FAIL(REACTOR_BUSY, r, BCSC_EBUSY);
  if ((rc = bcsc_waitq_deinit(&r->priv.unparked)) != 0)
    return rc;
  /* The reactor's own requests (the eventfd poll, a timeout) die with the
   * ring; the kernel read their arguments when they were submitted. */
  unmap_rings(r);
  (void)close(r->priv.ring_fd);
  (void)close(r->priv.wake_fd);
  BCSC__FORGET(r);
  /* -1, not the zero object's 0: that names stdin. */
  r->priv.ring_fd = -1;
  r->priv.wake_fd = -1;
  return 0;
}

int bcsc_uring_reactor_set_spin(bcsc_uring_reactor_t *r, uint64_t ns) {
  int rc;
  if ((rc = bcsc__check_uring_reactor(r)) != 0)
    return rc;
  r->priv.spin_ns = ns;
  return 0;
}

bcsc_waitq_t *bcsc_uring_reactor_unparked(bcsc_uring_reactor_t *r) {
  return r != NULL ? &r->priv.unparked : NULL;
}

uint64_t bcsc_uring_reactor_parks(const bcsc_uring_reactor_t *r) {
  return r != NULL ? r->priv.parks : 0;
}

uint64_t bcsc_uring_reactor_enters(const bcsc_uring_reactor_t *r) {
  return r != NULL ? r->priv.enters : 0;
}

uint32_t bcsc_uring_reactor_in_flight(const bcsc_uring_reactor_t *r) {
  return r != NULL ? r->priv.in_flight : 0;
}

size_t bcsc_uring_reactor_sizeof(void) { return sizeof(bcsc_uring_reactor_t); }

size_t bcsc_uring_reactor_alignof(void) {
  return _Alignof(bcsc_uring_reactor_t);
}

/* ---- operations: the API ------------------------------------------------- */

int bcsc_uring_op_init(bcsc_uring_op_t *op) {
  if (op == NULL)
    BCSC__FAIL(NULL_OBJECT, op, BCSC_EINVAL);
  *op = (bcsc_uring_op_t)BCSC_URING_OP_INITIALIZER;
  return bcsc_waitq_set_abort(&op->priv.queue, op_abort, op);
}

/* Checks shared by every start (@p bad_args: the caller's arguments are
 * invalid, told after the objects' checks); on success the SQE to fill. */
static int op_begin(bcsc_uring_reactor_t *r, bcsc_uring_op_t *op, int fd,
                    int bad_args, struct io_uring_sqe **sqe) {
  int rc;
  if ((rc = bcsc__check_uring_reactor(r)) != 0 ||
      (rc = bcsc__check_uring_op(op)) != 0)
    return rc;
  /* A bad argument is told as the core tells one (a NULL buffer of a
   * channel names the channel): BAD_ARGUMENT on the op. */
  if (fd < 0 || bad_args)
    BCSC__FAIL(BAD_ARGUMENT, op, BCSC_EINVAL);
  /* D92: restarting an op in use breaks its documented rule and is
   * reported; a full ring is back-pressure, as an empty pool is (D7),
   * answered with the same code alone. */
  if (op->priv.state == OP_IN_FLIGHT || !bcsc_waitq_empty(&op->priv.queue))
    BCSC__FAIL(REACTOR_BUSY, op, BCSC_EBUSY);
  if (r->priv.in_flight >= r->priv.sq_entries)
    return BCSC_EBUSY;
  /* The list is empty: make it the op's completion source's (again: a
   * statically initialised op has no hook yet). */
  if (bcsc_waitq_set_abort(&op->priv.queue, op_abort, op) != 0 ||
      (*sqe = get_sqe(r)) == NULL)
    return BCSC_EBUSY;
  (*sqe)->fd = fd;
  (*sqe)->user_data = (uint64_t)(uintptr_t)op;
  return 0;
}

/* The SQE is filled: the op is in flight from here. */
static int op_go(bcsc_uring_reactor_t *r, bcsc_uring_op_t *op, uint8_t opcode) {
  push(r);
  op->priv.reactor = r;
  op->priv.owed_next = NULL;
  op->priv.self = (uintptr_t)op;
  op->priv.result = 0;
  op->priv.cqe_flags = 0;
  op->priv.state = OP_IN_FLIGHT;
  op->priv.opcode = opcode;
  op->priv.cancel = 0;
  r->priv.in_flight++;
  return 0;
}

static int op_rw(bcsc_uring_reactor_t *r, bcsc_uring_op_t *op, uint8_t opcode,
                 int fd, const void *buf, uint32_t len, uint64_t offset) {
  struct io_uring_sqe *sqe;
  int rc;
  if ((rc = op_begin(r, op, fd, buf == NULL && len > 0, &sqe)) != 0)
    return rc;
  sqe->opcode = opcode;
  sqe->addr = (uint64_t)(uintptr_t)buf;
  sqe->len = len;
  sqe->off = offset;
  return op_go(r, op, opcode);
}

int bcsc_uring_read(bcsc_uring_reactor_t *r, bcsc_uring_op_t *op, int fd,
                    void *buf, uint32_t len, uint64_t offset) {
  return op_rw(r, op, IORING_OP_READ, fd, buf, len, offset);
}

int bcsc_uring_write(bcsc_uring_reactor_t *r, bcsc_uring_op_t *op, int fd,
                     const void *buf, uint32_t len, uint64_t offset) {
  return op_rw(r, op, IORING_OP_WRITE, fd, buf, len, offset);
}

int bcsc_uring_poll_add(bcsc_uring_reactor_t *r, bcsc_uring_op_t *op, int fd,
                        uint32_t events) {
  struct io_uring_sqe *sqe;
  int rc;
  if ((rc = op_begin(r, op, fd, events == 0, &sqe)) != 0)
    return rc;
  sqe->opcode = IORING_OP_POLL_ADD;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  events = (events << 16) | (events >> 16); /* word-reversed */
#endif
  sqe->poll32_events = events;
  return op_go(r, op, IORING_OP_POLL_ADD);
}

/* The opcodes whose one SQE gives exactly one CQE (bcsc_uring_start()). */
static int single_shot(uint32_t opcode) {
  switch (opcode) {
  case IORING_OP_NOP:
  case IORING_OP_READV:
  case IORING_OP_WRITEV:
  case IORING_OP_FSYNC:
  case IORING_OP_SYNC_FILE_RANGE:
  case IORING_OP_SENDMSG:
  case IORING_OP_RECVMSG:
  case IORING_OP_TIMEOUT:
  case IORING_OP_ACCEPT:
  case IORING_OP_CONNECT:
  case IORING_OP_FALLOCATE:
  case IORING_OP_OPENAT:
  case IORING_OP_CLOSE:
  case IORING_OP_STATX:
  case IORING_OP_READ:
  case IORING_OP_WRITE:
  case IORING_OP_FADVISE:
  case IORING_OP_MADVISE:
  case IORING_OP_SEND:
  case IORING_OP_RECV:
  case IORING_OP_OPENAT2:
  case IORING_OP_SPLICE:
  case IORING_OP_TEE:
  case IORING_OP_SHUTDOWN:
  case IORING_OP_RENAMEAT:
  case IORING_OP_UNLINKAT:
  case IORING_OP_MKDIRAT:
  case IORING_OP_SYMLINKAT:
  case IORING_OP_LINKAT:
  case IORING_OP_SOCKET:
    return 1;
  default:
    return 0;
  }
}

int bcsc_uring_start(bcsc_uring_reactor_t *r, bcsc_uring_op_t *op,
                     uint32_t opcode, int fd, uint64_t addr, uint32_t len,
                     uint64_t off, uint32_t op_flags) {
  struct io_uring_sqe *sqe;
  int rc;
  if (!single_shot(opcode)) {
    if ((rc = bcsc__check_uring_reactor(r)) != 0 ||
        (rc = bcsc__check_uring_op(op)) != 0)
      return rc;
    return BCSC_ENOTSUP;
  }
  /* A NOP or a TIMEOUT has no file, SOCKET and the *AT calls may take
   * AT_FDCWD: the kernel checks the descriptor. */
  if ((rc = op_begin(r, op, fd < 0 ? 0 : fd, 0, &sqe)) != 0)
    return rc;
  sqe->opcode = (uint8_t)opcode;
  sqe->fd = fd;
  sqe->addr = addr;
  sqe->len = len;
  sqe->off = off;
  sqe->rw_flags = op_flags;
  return op_go(r, op, (uint8_t)opcode);
}

int bcsc_uring_wait(bcsc_task_t *self, bcsc_uring_op_t *op, bcsc_wait_t *wait) {
  int rc;
  /* Every object before the state of the source: a task or node that is
   * not one is told as such whatever the op's state would answer. */
  if ((rc = bcsc__check_uring_op(op)) != 0 ||
      (rc = bcsc__check_task(self)) != 0 || (rc = bcsc__check_wait(wait)) != 0)
    return rc;
  if (bcsc_wait_fired(wait))
    return bcsc_wait_on(self, wait, &op->priv.queue); /* consumes: 0 */
  if (op->priv.state == OP_DONE)
    return 0;
  /* D92 (amended): an op never started has nothing that could wake the
   * task; a done op answered above, so no race with a completion ends
   * here. */
  if (op->priv.state != OP_IN_FLIGHT)
    BCSC__FAIL(REACTOR_STATE, op, BCSC_ESTATE);
  if (bcsc_task_cancelled(self) == 1) {
    /* Not BCSC_ECANCELED: the frame must outlive the kernel's hold on it.
     * The cancel's outcome, the op's completion, wakes the task. */
    ask_cancel(op);
    if (bcsc_wait_linked(wait))
      return BCSC_PENDING;
    rc = bcsc_wait_register(self, wait, &op->priv.queue);
    return rc != 0 ? rc : BCSC_PENDING;
  }
  return bcsc_wait_on(self, wait, &op->priv.queue);
}

int bcsc_uring_op_cancel(bcsc_uring_op_t *op) {
  int rc = bcsc__check_uring_op(op);
  if (rc != 0)
    return rc;
  if (op->priv.state == OP_IN_FLIGHT && op->priv.reactor != NULL)
    ask_cancel(op);
  return 0;
}

int bcsc_uring_op_busy(const bcsc_uring_op_t *op) {
  return op != NULL && op->priv.state == OP_IN_FLIGHT;
}

int32_t bcsc_uring_op_result(const bcsc_uring_op_t *op) {
  return op != NULL ? op->priv.result : 0;
}

bcsc_waitq_t *bcsc_uring_op_queue(bcsc_uring_op_t *op) {
  return op != NULL ? &op->priv.queue : NULL;
}

size_t bcsc_uring_op_sizeof(void) { return sizeof(bcsc_uring_op_t); }

size_t bcsc_uring_op_alignof(void) { return _Alignof(bcsc_uring_op_t); }
