/* SPDX-License-Identifier: MIT
 * reactors/wake_fd.h - what the POSIX, epoll and io_uring reactors share:
 * the monotonic clock, the unpark protocol over a pending flag and a wake
 * file descriptor (see wake_fd.c), and their move check. Internal: not
 * installed, not exported. */
#ifndef BCSC_REACTORS_WAKE_FD_H
#define BCSC_REACTORS_WAKE_FD_H

#include <stdint.h>

#include "bcsc/wait.h"
#include "internal.h"

/* D99: an OS reactor's kernel objects (its fds, a ring's maps) are the
 * original's, and the kernel holds its address (an epoll tag), so a copy
 * must not close them, add to them or start on them. Its first reserved
 * word carries its address tag from _init to _deinit - a word the layout
 * already has: no table moves - and every operation that takes the
 * reactor refuses memory that carries another address's tag as moved; so
 * does park (once per park, beside a system call), for a copy given to an
 * executor. */
#define BCSC__REACTOR_TAG(object) ((object)->priv.reserved[0])
#define BCSC__REACTOR_MOVED(object)                                            \
  (BCSC__REACTOR_TAG(object) != bcsc__self_tag(object))
#define BCSC__DEFINE_REACTOR_CHECK(name, type, magic_value)                    \
  static inline int bcsc__check_##name(const type *object) {                   \
    BCSC__CHECK_MAGIC(object, magic_value);                                    \
    if (BCSC__REACTOR_MOVED(object))                                           \
      BCSC__FAIL(MOVED, object, BCSC_EBADOBJ);                                 \
    return 0;                                                                  \
  }

/* A watch or an op the kernel holds (added, in flight) records its own
 * address in priv.self: a copy of one is refused as moved (D99), not as
 * one in another state, and never reaches the kernel's or the reactor's
 * lists in the original's place. */
#define BCSC__DEFINE_HELD_CHECK(name, type, magic_value, held_state)           \
  static inline int bcsc__check_##name(const type *object) {                   \
    BCSC__CHECK_MAGIC(object, magic_value);                                    \
    if (object->priv.state == (held_state) &&                                  \
        object->priv.self != (uintptr_t)object)                                \
      BCSC__FAIL(MOVED, object, BCSC_EBADOBJ);                                 \
    return 0;                                                                  \
  }

/* The kernel reported on a watch or an op whose memory no longer holds it
 * (it moved, or its frame ended): park answers BCSC_EBADOBJ rather than
 * write through it, reported in the checked build as the checks above
 * would report that memory (D99). */
#define BCSC__REPORT_HELD_GONE(object, magic_value)                            \
  do {                                                                         \
    if ((object)->priv.magic != (magic_value))                                 \
      BCSC__REPORT(BAD_OBJECT, object);                                        \
    else                                                                       \
      BCSC__REPORT(MOVED, object);                                             \
  } while (0)

/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t bcsc__monotonic_ns(void);

/* Open the wake fd: an eventfd on Linux (read_fd == write_fd), a
 * non-blocking pipe elsewhere. Returns 0 or BCSC_ENOSPC. */
int bcsc__wake_fd_open(int32_t *read_fd, int32_t *write_fd);

/* Empty the wake fd (non-blocking). */
void bcsc__wake_fd_drain(int32_t read_fd);

/* The unpark half: async-signal-safe, callable from any thread. */
void bcsc__wake_fd_unpark(uint32_t *pending, int32_t write_fd);

/* The park half: if an unpark is pending, consume it, drain the fd, count
 * it in *seen and wake every task on `unparked`. Returns 1 if it did. */
int bcsc__wake_fd_consume(uint32_t *pending, int32_t read_fd, uint64_t *seen,
                          bcsc_waitq_t *unparked);

/* When a park until `deadline` should stop sleeping and busy-wait the
 * rest, given `spin_ns` (0: never spin). Returns `now` or later. */
uint64_t bcsc__sleep_until(uint64_t now, uint64_t deadline, uint64_t spin_ns);

#endif /* BCSC_REACTORS_WAKE_FD_H */
