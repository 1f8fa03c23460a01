/* SPDX-License-Identifier: MIT
 * bcsc.h - borrow-checked structured concurrency: the whole public API.
 *
 * An async runtime whose tasks live in memory the caller provides and whose
 * lifetimes nest like stack frames. It never allocates. See docs/guide.md.
 *
 * The shipped reactors' headers are included too; their functions exist in
 * the builds that have the OS they need: sim and spin everywhere (also
 * freestanding), posix on UNIX, epoll and uring on Linux (docs/reactors.md). */
#ifndef BCSC_H
#define BCSC_H

#include "bcsc/abi.h"
#include "bcsc/barrier.h"
#include "bcsc/broadcast.h"
#include "bcsc/channel.h"
#include "bcsc/co.h"
#include "bcsc/combinator.h"
#include "bcsc/context.h"
#include "bcsc/error.h"
#include "bcsc/event.h"
#include "bcsc/executor.h"
#include "bcsc/export.h"
#include "bcsc/misuse.h"
#include "bcsc/mutex.h"
#include "bcsc/oneshot.h"
#include "bcsc/pool.h"
#include "bcsc/reactor.h"
#include "bcsc/reactor_epoll.h"
#include "bcsc/reactor_posix.h"
#include "bcsc/reactor_sim.h"
#include "bcsc/reactor_spin.h"
#include "bcsc/reactor_uring.h"
#include "bcsc/remote.h"
#include "bcsc/scope.h"
#include "bcsc/select.h"
#include "bcsc/semaphore.h"
#include "bcsc/start.h"
#include "bcsc/stream.h"
#include "bcsc/supervise.h"
#include "bcsc/task.h"
#include "bcsc/timer.h"
#include "bcsc/types.h"
#include "bcsc/version.h"
#include "bcsc/wait.h"
#include "bcsc/waker.h"
#include "bcsc/watch.h"

#endif /* BCSC_H */
