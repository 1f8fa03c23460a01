/* SPDX-License-Identifier: MIT
 * reactors/wake_fd.h - what the POSIX and epoll reactors share: the
 * monotonic clock, and the unpark protocol over a pending flag and a wake
 * file descriptor (see wake_fd.c). Internal: not installed, not exported. */
#ifndef BCSC_REACTORS_WAKE_FD_H
#define BCSC_REACTORS_WAKE_FD_H

#include <stdint.h>

#include "bcsc/wait.h"

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
