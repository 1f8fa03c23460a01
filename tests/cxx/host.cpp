/* SPDX-License-Identifier: MIT
 * cxx/host.cpp - a C++17 host of bcsc; see host.h. */
#include "host.h"

#include <type_traits>

#include "bcsc.h"

namespace cxx_host {
namespace {

/* A frame begins with its bcsc_task_t, so the poll function's pointer is
 * the frame's: sound in C++ only for a standard-layout frame. */
template <typename Frame> Frame *frame_of(bcsc_task_t *self) {
  static_assert(std::is_standard_layout<Frame>::value,
                "a frame must be standard-layout to be cast from its task");
  return reinterpret_cast<Frame *>(self);
}

/* Runs @root on an executor of its own; an init or deinit failure is
 * returned in its place (every scenario expects both to succeed). */
int run(bcsc_task_t *root) {
  bcsc_executor_t ex;
  int rc = bcsc_executor_init(&ex, nullptr);
  if (rc != 0)
    return rc;
  rc = bcsc_executor_run(&ex, root);
  int deinit = bcsc_executor_deinit(&ex);
  return deinit != 0 ? deinit : rc;
}

static_assert(std::is_standard_layout<bcsc_task_t>::value, "task");
static_assert(std::is_trivially_copyable<bcsc_scope_t>::value, "scope");
static_assert(std::is_standard_layout<bcsc_executor_t>::value, "executor");
static_assert(std::is_trivial<bcsc_wait_t>::value, "wait");

struct tick {
  bcsc_task_t task;
  int polls;
};

} // namespace

std::array<outcome, 7> sizes() {
  return {{
      {"BCSC_ABI_CHECK()", BCSC_ABI_CHECK(), 0},
      {"bcsc_task_sizeof()", static_cast<long long>(bcsc_task_sizeof()),
       static_cast<long long>(sizeof(bcsc_task_t))},
      {"bcsc_task_alignof()", static_cast<long long>(bcsc_task_alignof()),
       static_cast<long long>(alignof(bcsc_task_t))},
      {"bcsc_scope_sizeof()", static_cast<long long>(bcsc_scope_sizeof()),
       static_cast<long long>(sizeof(bcsc_scope_t))},
      {"bcsc_wait_sizeof()", static_cast<long long>(bcsc_wait_sizeof()),
       static_cast<long long>(sizeof(bcsc_wait_t))},
      {"bcsc_channel_sizeof()", static_cast<long long>(bcsc_channel_sizeof()),
       static_cast<long long>(sizeof(bcsc_channel_t))},
      {"bcsc_executor_sizeof()", static_cast<long long>(bcsc_executor_sizeof()),
       static_cast<long long>(sizeof(bcsc_executor_t))},
  }};
}

std::array<outcome, 19> initialisers() {
  bcsc_waitq_t queue = BCSC_WAITQ_INITIALIZER;
  bcsc_wait_t wait = BCSC_WAIT_INITIALIZER;
  bcsc_event_t event = BCSC_EVENT_INITIALIZER;
  bcsc_mutex_t mutex = BCSC_MUTEX_INITIALIZER;
  bcsc_timer_t timer = BCSC_TIMER_INITIALIZER;
  bcsc_barrier_t barrier = BCSC_BARRIER_INITIALIZER(2);
  bcsc_semaphore_t sem = BCSC_SEMAPHORE_INITIALIZER(3);
  bcsc_semaphore_waiter_t waiter = BCSC_SEMAPHORE_WAITER_INITIALIZER;
  bcsc_waker_t waker = BCSC_WAKER_INITIALIZER;
  bcsc_co_t co = BCSC_CO_INITIALIZER;
  bcsc_context_t entry = BCSC_CONTEXT_INITIALIZER;
  bcsc_drain_grace_t grace = BCSC_DRAIN_GRACE_INITIALIZER;
  bcsc_error_list_t errors = BCSC_ERROR_LIST_INITIALIZER;
  bcsc_epoll_watch_t watch = BCSC_EPOLL_WATCH_INITIALIZER;
  bcsc_uring_op_t op = BCSC_URING_OP_INITIALIZER;
  tick t = {BCSC_TASK_INITIALIZER(
                +[](bcsc_task_t *self) noexcept -> int {
                  frame_of<tick>(self)->polls++;
                  return BCSC_DONE;
                },
                nullptr),
            0};
  bcsc_remote_task_t remote = BCSC_REMOTE_TASK_INITIALIZER(
      +[](bcsc_task_t *) noexcept -> int { return BCSC_DONE; }, nullptr);

  /* In order: each call runs before the next is made. */
  std::array<outcome, 19> out{};
  std::size_t i = 0;
  auto note = [&](const char *what, long long got, long long want) {
    out[i++] = outcome{what, got, want};
  };
  note("bcsc_wait_linked(BCSC_WAIT_INITIALIZER)", bcsc_wait_linked(&wait), 0);
  note("bcsc_waitq_deinit(BCSC_WAITQ_INITIALIZER)", bcsc_waitq_deinit(&queue),
       0);
  note("bcsc_event_set(BCSC_EVENT_INITIALIZER)", bcsc_event_set(&event), 0);
  note("bcsc_event_is_set() after the set", bcsc_event_is_set(&event), 1);
  note("bcsc_mutex_deinit(BCSC_MUTEX_INITIALIZER)", bcsc_mutex_deinit(&mutex),
       0);
  note("bcsc_timer_linked(BCSC_TIMER_INITIALIZER)", bcsc_timer_linked(&timer),
       0);
  note("bcsc_barrier_deinit(BCSC_BARRIER_INITIALIZER(2))",
       bcsc_barrier_deinit(&barrier), 0);
  note("bcsc_semaphore_try_acquire(BCSC_SEMAPHORE_INITIALIZER(3), 2)",
       bcsc_semaphore_try_acquire(&sem, 2), 0);
  note("bcsc_semaphore_available() after it", bcsc_semaphore_available(&sem),
       1);
  note("bcsc_semaphore_waiter_init(BCSC_SEMAPHORE_WAITER_INITIALIZER)",
       bcsc_semaphore_waiter_init(&waiter), 0);
  note("bcsc_waker_wake(BCSC_WAKER_INITIALIZER): names no executor",
       bcsc_waker_wake(waker), BCSC_EINVAL);
  note("bcsc_co_resume_point(BCSC_CO_INITIALIZER)", bcsc_co_resume_point(&co),
       0);
  note("bcsc_context_init(BCSC_CONTEXT_INITIALIZER)", bcsc_context_init(&entry),
       0);
  note("bcsc_drain_grace_init(BCSC_DRAIN_GRACE_INITIALIZER)",
       bcsc_drain_grace_init(&grace), 0);
  note("bcsc_error_list_init(BCSC_ERROR_LIST_INITIALIZER)",
       bcsc_error_list_init(&errors), 0);
  note("bcsc_epoll_watch_events(BCSC_EPOLL_WATCH_INITIALIZER)",
       bcsc_epoll_watch_events(&watch), 0);
  note("bcsc_uring_op_busy(BCSC_URING_OP_INITIALIZER)", bcsc_uring_op_busy(&op),
       0);
  note("BCSC_TASK_INITIALIZER's task runs to its end",
       run(&t.task) * 10 + t.polls, 1);
  note("bcsc_remote_task_done(BCSC_REMOTE_TASK_INITIALIZER)",
       bcsc_remote_task_done(&remote), 0);
  return out;
}

namespace {

/* Issue 2's example as a C++ host writes it: a parent fans out children
 * whose frames are members of its own; one fails, the others are
 * cancelled and clean up, and the error comes back to the caller. */
static_assert(kProbeFault == BCSC_EUSER - 1, "a task error below BCSC_EUSER");

struct probe {
  bcsc_task_t task;
  bcsc_wait_t wait;
  bcsc_waitq_t *sample_ready;
  int id;
  bool cleaned_up;
};

struct calibrate {
  bcsc_task_t task;
  bcsc_scope_t scope;
  bcsc_waitq_t sample_ready;
  std::array<probe, 4> probes;
  bool opened;
};

int probe_poll(bcsc_task_t *self) noexcept {
  probe *p = frame_of<probe>(self);
  if (p->id == 2)
    return kProbeFault; /* a dropout */
  int rc = bcsc_wait_on(self, &p->wait, p->sample_ready);
  if (rc == BCSC_ECANCELED)
    p->cleaned_up = true; /* power the sensor down */
  return rc;
}

int calibrate_poll(bcsc_task_t *self) noexcept {
  calibrate *c = frame_of<calibrate>(self);
  if (!c->opened) {
    c->opened = true;
    int rc = bcsc_scope_init(&c->scope, self, BCSC_SCOPE_FAIL_FAST);
    if (rc != 0)
      return rc;
    int id = 0;
    for (probe &p : c->probes) {
      p.sample_ready = &c->sample_ready;
      p.id = id++;
      if ((rc = bcsc_task_init(&p.task, probe_poll, &p)) != 0 ||
          (rc = bcsc_wait_init(&p.wait)) != 0 ||
          (rc = bcsc_scope_spawn(&c->scope, &p.task)) != 0)
        return rc;
    }
  }
  return bcsc_scope_join(&c->scope);
}

} // namespace

fanout_result fanout() {
  calibrate c{};
  fanout_result r{};
  if ((r.run = bcsc_waitq_init(&c.sample_ready)) != 0 ||
      (r.run = bcsc_task_init(&c.task, calibrate_poll, nullptr)) != 0)
    return r;
  r.run = run(&c.task);
  for (std::size_t i = 0; i < c.probes.size(); i++) {
    r.done[i] = bcsc_task_done(&c.probes[i].task);
    r.cleaned[i] = c.probes[i].cleaned_up;
  }
  r.queue_deinit = bcsc_waitq_deinit(&c.sample_ready);
  return r;
}

namespace {

struct pipe_frame {
  bcsc_task_t task;
  bcsc_scope_t scope;
  bcsc_channel_t channel;
  std::array<std::uint32_t, 1> ring;
  struct producer_frame {
    bcsc_task_t task;
    bcsc_co_t co;
    bcsc_wait_t wait;
    bcsc_channel_t *channel;
    std::uint32_t next;
    std::uint32_t last;
  } producer;
  struct consumer_frame {
    bcsc_task_t task;
    bcsc_co_t co;
    bcsc_wait_t wait;
    bcsc_wait_t stop_wait;
    bcsc_channel_t *channel;
    bcsc_waitq_t *stop; /* never fired: the select's losing branch */
    std::uint32_t value;
    std::uint64_t sum;
    int end;
    int stops;
  } consumer;
  bcsc_waitq_t stop;
  bool opened;
};

int produce(bcsc_task_t *self) noexcept {
  auto *p = frame_of<pipe_frame::producer_frame>(self);
  int rc;
  BCSC_CO_BEGIN(&p->co);
  for (p->next = 1; p->next <= p->last; p->next++) {
    BCSC_AWAIT(&p->co, rc,
               bcsc_channel_send(self, p->channel, &p->wait, &p->next,
                                 sizeof p->next));
    if (rc != 0)
      return rc;
    BCSC_YIELD(&p->co, self);
  }
  if ((rc = bcsc_channel_close(p->channel)) != 0)
    return rc;
  BCSC_CO_END(&p->co);
}

/* Each message through a select (BCSC_SELECT_BEGIN, _BRANCH, _END) of the
 * channel against a stop list nobody fires. */
int consume(bcsc_task_t *self) noexcept {
  auto *c = frame_of<pipe_frame::consumer_frame>(self);
  bcsc_select_t sel;
  int which;
  BCSC_CO_BEGIN(&c->co);
  for (;;) {
    BCSC_SELECT_BEGIN(&c->co, &sel, self);
    BCSC_SELECT_BRANCH(&sel, bcsc_channel_recv(self, c->channel, &c->wait,
                                               &c->value, sizeof c->value));
    BCSC_SELECT_BRANCH(&sel, bcsc_wait_on(self, &c->stop_wait, c->stop));
    BCSC_SELECT_END(&sel, which);
    if (which != 0) {
      c->stops++;
      break;
    }
    if ((c->end = bcsc_select_result(&sel)) != 0)
      break;
    c->sum += c->value;
  }
  BCSC_CO_END(&c->co);
}

int pipe_poll(bcsc_task_t *self) noexcept {
  auto *f = frame_of<pipe_frame>(self);
  if (!f->opened) {
    f->opened = true;
    int rc = bcsc_scope_init(&f->scope, self, BCSC_SCOPE_FAIL_FAST);
    if (rc != 0 || (rc = bcsc_scope_spawn(&f->scope, &f->producer.task)) != 0 ||
        (rc = bcsc_scope_spawn(&f->scope, &f->consumer.task)) != 0)
      return rc;
  }
  return bcsc_scope_join(&f->scope);
}

} // namespace

pipe_result pipe(std::uint32_t messages) {
  pipe_frame f{};
  pipe_result r{};
  f.producer.channel = f.consumer.channel = &f.channel;
  f.consumer.stop = &f.stop;
  f.producer.last = messages;
  if ((r.run = bcsc_channel_init(&f.channel, f.ring.data(), sizeof f.ring,
                                 sizeof f.ring[0])) != 0 ||
      (r.run = bcsc_waitq_init(&f.stop)) != 0 ||
      (r.run = bcsc_wait_init(&f.consumer.stop_wait)) != 0 ||
      (r.run = bcsc_task_init(&f.producer.task, produce, nullptr)) != 0 ||
      (r.run = bcsc_task_init(&f.consumer.task, consume, nullptr)) != 0 ||
      (r.run = bcsc_wait_init(&f.producer.wait)) != 0 ||
      (r.run = bcsc_wait_init(&f.consumer.wait)) != 0 ||
      (r.run = bcsc_task_init(&f.task, pipe_poll, nullptr)) != 0)
    return r;
  r.run = run(&f.task);
  r.sum = f.consumer.sum;
  r.end = f.consumer.end;
  r.stops = f.consumer.stops;
  r.deinit = bcsc_channel_deinit(&f.channel);
  r.stop_deinit = bcsc_waitq_deinit(&f.stop);
  return r;
}

namespace {

struct job {
  bcsc_task_t task;
  int *done;
};

struct pool_root {
  bcsc_task_t task;
  bcsc_scope_t scope;
  bcsc_pool_t *pool;
  int done;
  int refused;
  bool opened;
};

int job_poll(bcsc_task_t *self) noexcept {
  ++*frame_of<job>(self)->done;
  return BCSC_DONE;
}

int pool_root_poll(bcsc_task_t *self) noexcept {
  auto *r = frame_of<pool_root>(self);
  if (!r->opened) {
    r->opened = true;
    int rc = bcsc_scope_init(&r->scope, self, BCSC_SCOPE_FAIL_FAST);
    if (rc != 0)
      return rc;
    for (;;) {
      void *frame = nullptr;
      rc = bcsc_pool_acquire(r->pool, job_poll, nullptr, &frame);
      if (rc != 0) {
        r->refused = rc;
        break;
      }
      auto *j = static_cast<job *>(frame);
      j->done = &r->done;
      if ((rc = bcsc_scope_spawn(&r->scope, &j->task)) != 0)
        return rc;
    }
  }
  return bcsc_scope_join(&r->scope);
}

/* A constant expression, as a static array's size needs. */
constexpr std::size_t kPoolBytes = BCSC_POOL_BYTES(sizeof(job), 4);
alignas(BCSC_POOL_ALIGN) unsigned char pool_memory[kPoolBytes];

} // namespace

pool_result pool() {
  pool_result r{};
  r.macro_bytes = kPoolBytes;
  r.function_bytes = bcsc_pool_bytes(sizeof(job), 4);
  bcsc_pool_t p;
  if ((r.run = bcsc_pool_init(&p, pool_memory, sizeof pool_memory, sizeof(job),
                              0)) != 0)
    return r;
  pool_root root{};
  root.pool = &p;
  if ((r.run = bcsc_task_init(&root.task, pool_root_poll, nullptr)) != 0)
    return r;
  r.run = run(&root.task);
  r.jobs_done = root.done;
  r.refused = root.refused;
  r.available = bcsc_pool_available(&p);
  r.deinit = bcsc_pool_deinit(&p);
  return r;
}

misuse_result misuse() {
  misuse_result r{};
  bcsc_set_misuse_handler(
      +[](void *ctx, std::int32_t code, const char *, const void *) {
        auto *seen = static_cast<misuse_result *>(ctx);
        seen->calls++;
        seen->code = code;
      },
      &r);
  r.rc = bcsc_task_init(nullptr, job_poll, nullptr);
  bcsc_set_misuse_handler(nullptr, nullptr);
  return r;
}

} // namespace cxx_host
