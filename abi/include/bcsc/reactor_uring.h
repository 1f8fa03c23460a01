/* SPDX-License-Identifier: MIT
 * bcsc/reactor_uring.h - Linux io_uring: the POSIX reactor's clock and
 * unpark, plus operations (read, write, poll, and any other request whose
 * one SQE gives one CQE: bcsc_uring_start()) that the kernel completes
 * into memory the task owns.
 *
 * An operation is caller-owned, normally in the frame of the task that
 * waits for it, together with the buffer the kernel reads or writes. Once
 * started, the kernel may write into that buffer until it reports the
 * operation's completion; so the operation's waiter list is a completion
 * source's list (bcsc_waitq_set_abort()): when bcsc must take a task's
 * registration back - the task is cancelled, returns, or another of its
 * registrations fired - the reactor asks the kernel to cancel the
 * operation (IORING_OP_ASYNC_CANCEL) and the task stays in its scope, its
 * frame reserved, until the kernel has reported the operation's end
 * (-ECANCELED, or its result if it completed first). Raw system calls, no
 * liburing. Linux only; not built freestanding. */
#ifndef BCSC_REACTOR_URING_H
#define BCSC_REACTOR_URING_H

#include <stddef.h>
#include <stdint.h>

#include "bcsc/export.h"
#include "bcsc/reactor.h"
#include "bcsc/types.h"
#include "bcsc/wait.h"

#ifdef __cplusplus
extern "C" {
#endif

/** bcsc_uring_reactor_init() flag: wait for deadlines with an
 *  IORING_OP_TIMEOUT request even where the kernel has
 *  IORING_ENTER_EXT_ARG (what kernels before 5.11 always get). */
#define BCSC_URING_TIMEOUT_SQE 0x1u

/** The offset of a read or write that uses (and moves) the file's current
 *  position, as read(2) and write(2) do; the only one pipes and sockets
 *  take besides 0. */
#define BCSC_URING_OFFSET_CURRENT UINT64_MAX

/** The poll bits of bcsc_uring_poll_add() and its result (the values of
 *  <poll.h>, for bindings that do not have that header). */
#define BCSC_URING_POLLIN 0x001u
#define BCSC_URING_POLLPRI 0x002u
#define BCSC_URING_POLLOUT 0x004u
#define BCSC_URING_POLLERR 0x008u
#define BCSC_URING_POLLHUP 0x010u
#define BCSC_URING_POLLRDHUP 0x2000u

typedef struct bcsc_uring_reactor bcsc_uring_reactor_t;
typedef struct bcsc_uring_op bcsc_uring_op_t;

/** bcsc's part of an io_uring reactor. PRIVATE - DO NOT TOUCH. */
struct bcsc_uring_reactor_private {
  uint64_t spin_ns; /* busy-wait the last spin_ns before a deadline */
  uint64_t parks;
  uint64_t enters; /* io_uring_enter() calls */
  uint64_t unparks_seen;
  uint64_t completions;  /* operations' CQEs reaped */
  uint64_t timeout_at;   /* the armed timeout request's deadline */
  int64_t timeout_ts[2]; /* its timespec, read by the kernel on submit */
  bcsc_waitq_t unparked; /* woken when park consumes an unpark */
  void *sq_ring;         /* the rings' mmap (one map, or two) */
  void *cq_ring;
  void *sqes;
  void *cqes;
  uint32_t *sq_head;
  uint32_t *sq_tail;
  uint32_t *sq_array;
  uint32_t *cq_head;
  uint32_t *cq_tail;
  bcsc_uring_op_t *owed; /* operations whose cancel found no free SQE */
  uintptr_t sq_ring_size;
  uintptr_t cq_ring_size;
  uint32_t sq_mask;
  uint32_t sq_entries;
  uint32_t cq_mask;
  uint32_t in_flight; /* operations started whose CQE is not reaped */
  uint32_t features;  /* the kernel's IORING_FEAT_* */
  uint32_t flags;     /* init flags, and what park has armed */
  uint32_t timeout_gen;
  int32_t ring_fd;
  int32_t wake_fd;  /* eventfd */
  uint32_t pending; /* an unpark is pending (accessed atomically) */
  /* set by _init, cleared by _deinit (D90): a reserved word, as the
   * struct had no spare 32-bit one */
  uintptr_t magic;
  uintptr_t reserved[1]; /* its address tag from _init to _deinit (D99) */
};

/** An io_uring reactor. Caller-owned; outlives its executor and every
 *  operation started on it; must not move after
 *  bcsc_uring_reactor_init(). Its operations, and an op's, refuse memory
 *  that is not an open reactor (never initialised, or deinitialised) or
 *  not an initialised op with BCSC_EBADOBJ (NULL: BCSC_EINVAL), and the
 *  checked build reports it first (BCSC_MISUSE_BAD_OBJECT,
 *  BCSC_MISUSE_NULL_OBJECT), as for bcsc's own objects. A copy of an open
 *  reactor, or of an op in flight, is refused the same way as moved
 *  (BCSC_MISUSE_MOVED), by park too: its ring, and the kernel's hold on
 *  the op, are the original's (D99). */
struct bcsc_uring_reactor {
  bcsc_reactor_t base; /**< Pass &r->base to bcsc_executor_config_t. */
  struct bcsc_uring_reactor_private priv;
};

/** bcsc's part of an operation. PRIVATE - DO NOT TOUCH. */
struct bcsc_uring_op_private {
  bcsc_uring_reactor_t *reactor; /* while in flight, else NULL */
  bcsc_uring_op_t *owed_next;    /* in the reactor's owed list */
  bcsc_waitq_t queue;            /* fired with the result (abortable) */
  uintptr_t self;                /* the op's own address while in flight */
  int32_t result;                /* the CQE's res once done */
  uint32_t cqe_flags;
  uint16_t state;
  uint16_t magic;
  uint16_t opcode;
  uint16_t cancel; /* a cancel was asked for (1), is owed (2) */
  uintptr_t reserved[2];
};

/**
 * One io_uring operation (a read, a write, a poll).
 *
 * Caller-owned, normally a member of the waiting task's frame, next to
 * the buffer it reads into or writes from. Initialised by
 * bcsc_uring_op_init() (or BCSC_URING_OP_INITIALIZER); from a start
 * (bcsc_uring_read(), ...) until its completion has been reaped
 * (bcsc_uring_op_busy() says 0) neither the op nor its buffer may move or
 * end: wait for it with bcsc_uring_wait(), which holds the task until the
 * kernel has let go, also when the task is cancelled. A copy of an op in
 * flight is refused as moved; an op that moved anyway, its old memory
 * reused, makes park answer BCSC_EBADOBJ rather than complete into that
 * memory (D99).
 */
struct bcsc_uring_op {
  /* public */
  void *data; /**< The caller's; bcsc never reads it. */
  /* private */
  struct bcsc_uring_op_private priv;
};

/** Static initialiser; same effect as bcsc_uring_op_init() (the op's list
 *  gets its abort hook at the first start). */
#define BCSC_URING_OP_INITIALIZER                                              \
  {                                                                            \
    NULL, {                                                                    \
      NULL, NULL, BCSC_WAITQ_INITIALIZER, 0, 0, 0, 0, 0xe7a1, 0, 0, { 0, 0 }   \
    }                                                                          \
  }

/**
 * Open an io_uring reactor: an io_uring instance (io_uring_setup(2), its
 * rings mapped) and an eventfd for unpark.
 * @param r        the reactor.
 * @param entries  submission queue entries (1..4096, rounded up to a
 *                 power of two); also the most operations in flight at
 *                 once.
 * @param flags    0, or BCSC_URING_TIMEOUT_SQE.
 * @retval 0              ready
 * @retval BCSC_EINVAL    @p r is NULL, @p entries is out of range, or
 *                        @p flags has an unknown bit
 * @retval BCSC_ENOTSUP   the kernel has no io_uring, or refuses it
 *                        (ENOSYS, EPERM: a seccomp profile, or
 *                        kernel.io_uring_disabled)
 * @retval BCSC_ENOSPC    the OS refused memory or a file descriptor
 * @thread any  @allocates never (kernel memory for the rings, two file
 *         descriptors)  @since 0.6
 */
BCSC_API int bcsc_uring_reactor_init(bcsc_uring_reactor_t *r, uint32_t entries,
                                     uint32_t flags);

/**
 * Close the reactor's ring and eventfd. Its executor must be torn down
 * first. Afterwards its queries answer as for a zero reactor (D89); its base is
 * left alone.
 * @retval 0             closed
 * @retval BCSC_EINVAL   @p r is NULL
 * @retval BCSC_EBADOBJ  @p r is not an open io_uring reactor (a second
 *                       deinit included), or is a copy of one
 * @retval BCSC_EBUSY    an operation is in flight (its completion not
 *                       reaped), or a task waits on the unpark list
 *                       (nothing is closed; the checked build reports
 *                       BCSC_MISUSE_REACTOR_BUSY naming @p r first)
 * @thread executor  @allocates never  @since 0.6
 */
BCSC_API int bcsc_uring_reactor_deinit(bcsc_uring_reactor_t *r);

/**
 * Busy-wait the last @p ns nanoseconds before each deadline (reaping
 * completions without blocking) instead of sleeping, as
 * bcsc_posix_reactor_set_spin(). 0 (the default) never spins.
 * @retval 0 or BCSC_EINVAL (@p r NULL) or BCSC_EBADOBJ (@p r not an open
 *         io_uring reactor, or a copy of one)
 * @thread executor  @allocates never  @since 0.6
 */
BCSC_API int bcsc_uring_reactor_set_spin(bcsc_uring_reactor_t *r, uint64_t ns);

/**
 * The list park wakes (bcsc_waitq_wake_all(), value: the number of unparks
 * consumed so far) each time it consumes an unpark. NULL for NULL.
 * @thread executor  @allocates never  @since 0.6
 */
BCSC_API bcsc_waitq_t *bcsc_uring_reactor_unparked(bcsc_uring_reactor_t *r);

/**
 * How many times the executor has parked, a look without blocking
 * included (0 for NULL).
 * @thread executor  @allocates never  @since 0.6
 */
BCSC_API uint64_t bcsc_uring_reactor_parks(const bcsc_uring_reactor_t *r);

/**
 * How many io_uring_enter(2) calls park has made (0 for NULL).
 * @thread executor  @allocates never  @since 0.6
 */
BCSC_API uint64_t bcsc_uring_reactor_enters(const bcsc_uring_reactor_t *r);

/**
 * How many operations are in flight: started, their completion not yet
 * reaped (0 for NULL).
 * @thread executor  @allocates never  @since 0.6
 */
BCSC_API uint32_t bcsc_uring_reactor_in_flight(const bcsc_uring_reactor_t *r);

/**
 * sizeof(bcsc_uring_reactor_t) in the library as built.
 * @thread any  @allocates never  @since 0.6
 */
BCSC_API size_t bcsc_uring_reactor_sizeof(void);

/**
 * alignof(bcsc_uring_reactor_t) in the library as built.
 * @thread any  @allocates never  @since 0.6
 */
BCSC_API size_t bcsc_uring_reactor_alignof(void);

/**
 * Prepare an operation: idle, not started, its waiter list a completion
 * source's (bcsc_waitq_set_abort()). Overwrites the whole op; never call
 * it on a busy one.
 * @retval 0 or BCSC_EINVAL (@p op NULL)
 * @thread any  @allocates never  @since 0.6
 */
BCSC_API int bcsc_uring_op_init(bcsc_uring_op_t *op);

/**
 * Start reading up to @p len bytes of @p fd into @p buf at @p offset
 * (BCSC_URING_OFFSET_CURRENT: the file position) (IORING_OP_READ, Linux
 * 5.6). The request is queued in the submission ring and submitted at the
 * next park (the executor's next sleep, or its periodic look outside);
 * the result is the byte count (0 at end of file) or a negative errno.
 * @p buf must stay valid and unmoved until the op is no longer busy.
 * @retval 0              started; wait with bcsc_uring_wait()
 * @retval BCSC_EINVAL    @p r or @p op is NULL, @p buf is NULL with
 *                        @p len > 0, or @p fd is negative
 * @retval BCSC_EBADOBJ   @p r is not an open io_uring reactor (never
 *                        initialised, or deinitialised), or @p op is not
 *                        initialised, or either is a copy of an open
 *                        reactor or an op in flight
 * @retval BCSC_EBUSY     @p op is busy already (in flight), or a task
 *                        still waits on it (the checked build reports
 *                        BCSC_MISUSE_REACTOR_BUSY naming @p op first); or
 *                        the reactor has as many operations in flight as
 *                        its entries, or no submission entry is free even
 *                        after submitting (back-pressure: not reported).
 *                        Nothing is started.
 * @thread executor  @allocates never  @since 0.6
 */
BCSC_API int bcsc_uring_read(bcsc_uring_reactor_t *r, bcsc_uring_op_t *op,
                             int fd, void *buf, uint32_t len, uint64_t offset);

/**
 * Start writing @p len bytes of @p buf to @p fd at @p offset
 * (IORING_OP_WRITE), as bcsc_uring_read(); the result is the byte count
 * written or a negative errno (-EPIPE for a pipe with no reader).
 * @retval as bcsc_uring_read()
 * @thread executor  @allocates never  @since 0.6
 */
BCSC_API int bcsc_uring_write(bcsc_uring_reactor_t *r, bcsc_uring_op_t *op,
                              int fd, const void *buf, uint32_t len,
                              uint64_t offset);

/**
 * Start waiting until @p fd has one of @p events (BCSC_URING_POLLIN, ...;
 * IORING_OP_POLL_ADD, one-shot). The result is the events the fd has
 * (POLLERR and POLLHUP are reported whether asked for or not) or a
 * negative errno.
 * @retval as bcsc_uring_read() (@p events 0 is BCSC_EINVAL)
 * @thread executor  @allocates never  @since 0.6
 */
BCSC_API int bcsc_uring_poll_add(bcsc_uring_reactor_t *r, bcsc_uring_op_t *op,
                                 int fd, uint32_t events);

/**
 * Start an io_uring operation the caller describes: one SQE with
 * @p opcode (an IORING_OP_* value of <linux/io_uring.h>), @p fd, @p addr,
 * @p len, @p off (also addr2) and @p op_flags (the SQE's per-opcode flags
 * word: rw_flags, fsync_flags, msg_flags, open_flags, ...), the other
 * fields 0; as bcsc_uring_read() otherwise, but that @p fd may be
 * negative (AT_FDCWD for the *AT calls; NOP and TIMEOUT take none): the
 * kernel checks it, not bcsc. For the operations whose one
 * SQE gives exactly one CQE: NOP, READV, WRITEV, FSYNC, SYNC_FILE_RANGE,
 * SENDMSG, RECVMSG, TIMEOUT, ACCEPT, CONNECT, FALLOCATE, OPENAT, CLOSE,
 * STATX, READ, WRITE, FADVISE, MADVISE, SEND, RECV, OPENAT2, SPLICE, TEE,
 * SHUTDOWN, RENAMEAT, UNLINKAT, MKDIRAT, SYMLINKAT, LINKAT, SOCKET. What
 * @p addr points to (buffers, iovecs, a path, a sockaddr) must stay valid
 * and unmoved until the op is no longer busy, as a read's buffer.
 * @retval as bcsc_uring_read(); BCSC_ENOTSUP for any other opcode
 *         (multishot or zero-copy requests give several CQEs, cancels and
 *         removals could reach the reactor's own requests: use the calls
 *         above)
 * @thread executor  @allocates never  @since 0.6
 */
BCSC_API int bcsc_uring_start(bcsc_uring_reactor_t *r, bcsc_uring_op_t *op,
                              uint32_t opcode, int fd, uint64_t addr,
                              uint32_t len, uint64_t off, uint32_t op_flags);

/**
 * Wait for @p op to complete, from @p self's poll function, like
 * bcsc_wait_on(): 0 once it has (read bcsc_uring_op_result(); @p wait's
 * value holds the same result cast to uintptr_t when it fired), else
 * registers @p wait on the op's list and returns BCSC_PENDING.
 *
 * Unlike bcsc_wait_on(), a cancelled task whose op is in flight is not
 * answered BCSC_ECANCELED: the kernel may still write into the frame. The
 * call asks the kernel to cancel the op, registers, and returns
 * BCSC_PENDING; the op's completion wakes the task, and the call returns 0
 * with the result (-ECANCELED, or what the op did if it completed first).
 * A cancelled task whose op is done gets 0 and the result at once, as any
 * task does: this call never answers BCSC_ECANCELED (an op that was never
 * started is BCSC_ESTATE, cancelled or not).
 * @retval 0               done: read bcsc_uring_op_result()
 * @retval BCSC_PENDING    registered; return BCSC_PENDING
 * @retval BCSC_ESTATE     @p op was never started (the checked build
 *                         reports BCSC_MISUSE_REACTOR_STATE naming @p op
 *                         first)
 * @retval BCSC_EINVAL     an argument is NULL
 * @retval BCSC_EBADOBJ    @p op is not initialised, or is a copy of an op
 *                         in flight
 * @retval (negative)      the errors of bcsc_wait_register()
 * @thread executor  @allocates never  @since 0.6
 */
BCSC_API int bcsc_uring_wait(bcsc_task_t *self, bcsc_uring_op_t *op,
                             bcsc_wait_t *wait);

/**
 * Ask the kernel to cancel @p op (IORING_OP_ASYNC_CANCEL, sent by the next
 * park that finds a free SQE). The op stays busy until its own completion:
 * -ECANCELED, or its result if it completed first. Asking twice asks once.
 * @retval 0              asked (or not busy: nothing to do)
 * @retval BCSC_EINVAL    @p op is NULL
 * @retval BCSC_EBADOBJ   @p op is not initialised, or is a copy of an op
 *                        in flight
 * @thread executor  @allocates never  @since 0.6
 */
BCSC_API int bcsc_uring_op_cancel(bcsc_uring_op_t *op);

/**
 * Whether @p op is in flight (1: started, its completion not reaped) or
 * not (0, also for NULL).
 * @thread executor  @allocates never  @since 0.6
 */
BCSC_API int bcsc_uring_op_busy(const bcsc_uring_op_t *op);

/**
 * The result of @p op's last completion: the CQE's res, a byte count or a
 * negative errno (Linux's, not a BCSC_E* code). 0 before any, or for NULL.
 * @thread executor  @allocates never  @since 0.6
 */
BCSC_API int32_t bcsc_uring_op_result(const bcsc_uring_op_t *op);

/**
 * The waiter list @p op's completion fires (value: the result cast to
 * uintptr_t), for a task that waits on it among other sources
 * (bcsc_wait_register()). It is abortable (bcsc_waitq_set_abort()):
 * taking a registration back cancels the op. NULL for NULL.
 * @thread executor  @allocates never  @since 0.6
 */
BCSC_API bcsc_waitq_t *bcsc_uring_op_queue(bcsc_uring_op_t *op);

/**
 * sizeof(bcsc_uring_op_t) in the library as built.
 * @thread any  @allocates never  @since 0.6
 */
BCSC_API size_t bcsc_uring_op_sizeof(void);

/**
 * alignof(bcsc_uring_op_t) in the library as built.
 * @thread any  @allocates never  @since 0.6
 */
BCSC_API size_t bcsc_uring_op_alignof(void);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* BCSC_REACTOR_URING_H */
