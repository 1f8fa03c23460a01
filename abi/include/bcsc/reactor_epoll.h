/* SPDX-License-Identifier: MIT
 * bcsc/reactor_epoll.h - Linux file-descriptor readiness: the POSIX
 * reactor's clock and unpark, plus watches that wake tasks when an fd
 * becomes readable or writable.
 *
 * A watch is caller-owned, normally in the frame of the task that waits on
 * it, and carries two waiter lists (readable, writable). Interest is armed
 * one-shot when a task registers and is not re-armed while nobody waits,
 * so an fd nobody waits for never makes park spin. The value a woken
 * registration carries is the epoll event mask, so a task learns of
 * EPOLLERR and EPOLLHUP, not only of readiness. Linux only; not built
 * freestanding. */
#ifndef BCSC_REACTOR_EPOLL_H
#define BCSC_REACTOR_EPOLL_H

#include <stddef.h>
#include <stdint.h>

#include "bcsc/export.h"
#include "bcsc/reactor.h"
#include "bcsc/types.h"
#include "bcsc/wait.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The epoll event bits a watch reports (the values of <sys/epoll.h>, for
 *  bindings that do not have that header). */
#define BCSC_EPOLL_IN 0x001u
#define BCSC_EPOLL_PRI 0x002u
#define BCSC_EPOLL_OUT 0x004u
#define BCSC_EPOLL_ERR 0x008u
#define BCSC_EPOLL_HUP 0x010u
#define BCSC_EPOLL_RDHUP 0x2000u

typedef struct bcsc_epoll_reactor bcsc_epoll_reactor_t;
typedef struct bcsc_epoll_watch bcsc_epoll_watch_t;

/** bcsc's part of an epoll reactor. PRIVATE - DO NOT TOUCH. */
struct bcsc_epoll_reactor_private {
  uint64_t spin_ns; /* busy-wait the last spin_ns before a deadline */
  uint64_t parks;
  uint64_t polls; /* epoll_wait() calls */
  uint64_t unparks_seen;
  uint64_t timer_deadline; /* the timerfd's expiry; BCSC_NO_DEADLINE: off */
  bcsc_waitq_t unparked;   /* woken when park consumes an unpark */
  int32_t epoll_fd;
  int32_t wake_fd;  /* eventfd */
  int32_t timer_fd; /* timerfd, CLOCK_MONOTONIC, absolute */
  uint32_t pending; /* an unpark is pending (accessed atomically) */
  uint32_t watches; /* watches added */
  uint32_t magic;   /* set by _init, cleared by _deinit (D90) */
  /* [0]: its address tag from _init to _deinit (D99) */
  uintptr_t reserved[2];
};

/** An epoll reactor. Caller-owned; outlives its executor and its watches;
 *  must not move after bcsc_epoll_reactor_init(). Its operations, and a
 *  watch's, refuse memory that is not an open reactor (never initialised,
 *  or deinitialised) or not an initialised watch with BCSC_EBADOBJ (NULL:
 *  BCSC_EINVAL), and the checked build reports it first
 *  (BCSC_MISUSE_BAD_OBJECT, BCSC_MISUSE_NULL_OBJECT), as for bcsc's own
 *  objects. A copy of an open reactor, or of an added watch, is refused
 *  the same way as moved (BCSC_MISUSE_MOVED), by park too: its fds, and
 *  the kernel's hold on the watch, are the original's (D99). */
struct bcsc_epoll_reactor {
  bcsc_reactor_t base; /**< Pass &r->base to bcsc_executor_config_t. */
  struct bcsc_epoll_reactor_private priv;
};

/** bcsc's part of a watch. PRIVATE - DO NOT TOUCH. */
struct bcsc_epoll_watch_private {
  bcsc_epoll_reactor_t *reactor; /* while added, else NULL */
  bcsc_waitq_t readable;
  bcsc_waitq_t writable;
  uintptr_t self;  /* the watch's own address while added */
  uint32_t events; /* the last events seen */
  uint32_t armed;  /* interest armed in the kernel (one-shot) */
  int32_t fd;
  uint16_t state;
  uint16_t magic;
  uintptr_t reserved[2];
};

/**
 * A watch on one file descriptor.
 *
 * Caller-owned, normally a member of the waiting task's frame. Initialised
 * by bcsc_epoll_watch_init() (or BCSC_EPOLL_WATCH_INITIALIZER), then added;
 * must not move from bcsc_epoll_watch_add() until bcsc_epoll_watch_remove()
 * has succeeded, which must happen before the frame ends (also when the
 * task is cancelled) and before the fd is closed. A copy of an added
 * watch is refused as moved; a watch that moved anyway, its old memory
 * reused, makes park answer BCSC_EBADOBJ rather than wake through that
 * memory (D99).
 */
struct bcsc_epoll_watch {
  /* public */
  void *data; /**< The caller's; bcsc never reads it. */
  /* private */
  struct bcsc_epoll_watch_private priv;
};

/** Static initialiser; same effect as bcsc_epoll_watch_init(). */
#define BCSC_EPOLL_WATCH_INITIALIZER                                           \
  {                                                                            \
    NULL, {                                                                    \
      NULL, BCSC_WAITQ_INITIALIZER, BCSC_WAITQ_INITIALIZER, 0, 0, 0, -1, 0,    \
          0xe901, {                                                            \
        0, 0                                                                   \
      }                                                                        \
    }                                                                          \
  }

/**
 * Open an epoll reactor (an epoll fd, an eventfd and a timerfd).
 * @retval 0              ready
 * @retval BCSC_EINVAL    @p r is NULL
 * @retval BCSC_ENOSPC    the OS refused a file descriptor
 * @thread any  @allocates never (three file descriptors)  @since 0.1
 */
BCSC_API int bcsc_epoll_reactor_init(bcsc_epoll_reactor_t *r);

/**
 * Close the reactor's file descriptors. Its executor must be torn down
 * first. Afterwards its queries answer as for a zero reactor (D89); its base is
 * left alone.
 * @retval 0             closed
 * @retval BCSC_EINVAL   @p r is NULL
 * @retval BCSC_EBADOBJ  @p r is not an open epoll reactor (a second deinit
 *                       included), or is a copy of one
 * @retval BCSC_EBUSY    a task waits on the unpark list, or a watch is still
 *                       added (nothing is closed; the checked build reports
 *                       BCSC_MISUSE_REACTOR_BUSY naming @p r first)
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_epoll_reactor_deinit(bcsc_epoll_reactor_t *r);

/**
 * Busy-wait the last @p ns nanoseconds before each deadline (polling the
 * fds without blocking) instead of sleeping, as
 * bcsc_posix_reactor_set_spin(). 0 (the default) never spins.
 * @retval 0 or BCSC_EINVAL (@p r NULL) or BCSC_EBADOBJ (@p r not an open
 *         epoll reactor, or a copy of one)
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_epoll_reactor_set_spin(bcsc_epoll_reactor_t *r, uint64_t ns);

/**
 * The list park wakes (bcsc_waitq_wake_all(), value: the number of unparks
 * consumed so far) each time it consumes an unpark. NULL for NULL.
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API bcsc_waitq_t *bcsc_epoll_reactor_unparked(bcsc_epoll_reactor_t *r);

/**
 * How many times the executor has called park, its looks outside included
 * (a park with a deadline already past, every 64 turns while tasks keep
 * being ready, bcsc/reactor.h) (0 for NULL).
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API uint64_t bcsc_epoll_reactor_parks(const bcsc_epoll_reactor_t *r);

/**
 * How many times park has asked the kernel for events (epoll_wait()
 * calls; 0 for NULL): a park that blocks until its deadline with nobody
 * waiting makes one or two, a spinning one many.
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API uint64_t bcsc_epoll_reactor_polls(const bcsc_epoll_reactor_t *r);

/**
 * sizeof(bcsc_epoll_reactor_t) in the library as built.
 * @thread any  @allocates never  @since 0.1
 */
BCSC_API size_t bcsc_epoll_reactor_sizeof(void);

/**
 * Prepare a watch: not added to any reactor. Overwrites the whole watch;
 * never call it on an added one.
 * @retval 0 or BCSC_EINVAL (@p watch NULL)
 * @thread any  @allocates never  @since 0.1
 */
BCSC_API int bcsc_epoll_watch_init(bcsc_epoll_watch_t *watch);

/**
 * Add @p fd to @p r through @p watch. No interest is armed until a task
 * waits (bcsc_epoll_wait_readable(), bcsc_epoll_wait_writable()).
 * @retval 0              added
 * @retval BCSC_EINVAL    an argument is NULL, or @p fd is negative or not
 *                        an open file descriptor
 * @retval BCSC_EBADOBJ   @p r is not an open epoll reactor, or @p watch is
 *                        not initialised, or either is a copy of an open
 *                        reactor or an added watch
 * @retval BCSC_ESTATE    @p watch is added already (to any reactor; the
 *                        checked build reports BCSC_MISUSE_REACTOR_STATE
 *                        naming @p watch first)
 * @retval BCSC_EBUSY     @p fd is already watched by @p r (by another
 *                        watch: the kernel's answer, not reported)
 * @retval BCSC_ENOTSUP   @p fd does not support epoll (a regular file)
 * @retval BCSC_ENOSPC    the kernel is out of memory or watches
 * @thread executor  @allocates never (kernel memory for the watch)
 * @since 0.1
 */
BCSC_API int bcsc_epoll_watch_add(bcsc_epoll_reactor_t *r,
                                  bcsc_epoll_watch_t *watch, int fd);

/**
 * Remove @p watch from @p r; the watch may then move, be reused or end.
 * @retval 0              removed
 * @retval BCSC_EINVAL    an argument is NULL
 * @retval BCSC_EBADOBJ   @p r is not an open epoll reactor, or @p watch is
 *                        not initialised, or either is a copy of an open
 *                        reactor or an added watch
 * @retval BCSC_ESTATE    @p watch is not added, or is added to another
 *                        reactor (nothing is changed; the checked build
 *                        reports BCSC_MISUSE_REACTOR_STATE naming @p watch
 *                        first)
 * @retval BCSC_EBUSY     a task still waits on it (nothing is changed; the
 *                        checked build reports BCSC_MISUSE_REACTOR_BUSY
 *                        naming @p watch first)
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_epoll_watch_remove(bcsc_epoll_reactor_t *r,
                                     bcsc_epoll_watch_t *watch);

/**
 * Wait until @p watch's fd is readable (or has an error or a hang-up),
 * from @p self's poll function, like bcsc_wait_on(): 0 once @p wait has
 * fired (wait->value holds the epoll events, e.g. BCSC_EPOLL_IN |
 * BCSC_EPOLL_HUP), else registers @p wait, arms the interest and returns
 * BCSC_PENDING. Readiness is level: data left unread fires the next wait
 * again.
 * @retval 0               fired: read wait->value
 * @retval BCSC_PENDING    registered; return BCSC_PENDING
 * @retval BCSC_ECANCELED  @p self is cancelled (nothing registered)
 * @retval BCSC_EINVAL     an argument is NULL
 * @retval BCSC_EBADOBJ    @p watch is not initialised, or is a copy of an
 *                         added watch
 * @retval BCSC_ESTATE     @p watch is not added to a reactor (the checked
 *                         build reports BCSC_MISUSE_REACTOR_STATE naming
 *                         @p watch first)
 * @retval BCSC_ECLOSED    the fd was closed while watched
 * @retval BCSC_ENOSPC     the kernel refused to arm the interest
 * @retval (negative)      the errors of bcsc_wait_register()
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_epoll_wait_readable(bcsc_task_t *self,
                                      bcsc_epoll_watch_t *watch,
                                      bcsc_wait_t *wait);

/**
 * As bcsc_epoll_wait_readable(), for writable (or an error or hang-up).
 * @retval as bcsc_epoll_wait_readable()
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_epoll_wait_writable(bcsc_task_t *self,
                                      bcsc_epoll_watch_t *watch,
                                      bcsc_wait_t *wait);

/**
 * The last epoll events park saw for @p watch (0 before any, or for NULL).
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API uint32_t bcsc_epoll_watch_events(const bcsc_epoll_watch_t *watch);

/**
 * sizeof(bcsc_epoll_watch_t) in the library as built.
 * @thread any  @allocates never  @since 0.1
 */
BCSC_API size_t bcsc_epoll_watch_sizeof(void);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* BCSC_REACTOR_EPOLL_H */
