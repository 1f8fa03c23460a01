/* SPDX-License-Identifier: MIT
 * test_mutation.c - corners that mutation testing (scripts/mutate.sh, seeds
 * 3 and later; docs/testing.md#mutation-testing) found unchecked: a change
 * to the core there passed every other suite. Each test names the mutant
 * it kills (file:line:col:op, line numbers as of the run that found it).
 *
 * Every test ends with bcsc_executor_deinit() returning 0, but one that
 * abandons its executors on purpose (it says why). */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include <bcsc.h>

#include "bcsc_test.h"

static bcsc_test_misuse_t g_misuse;

static void install_recorder(void) { bcsc_test_misuse_install(&g_misuse); }

TestSuite(mutation, .init = install_recorder);

static uint32_t reports(int32_t code) {
  return bcsc_test_misuse_count_code(&g_misuse, code);
}

/* ---- a task whose poll is a test's function ----------------------------- */

typedef struct mt mt_t;
typedef int (*mt_step_fn)(mt_t *c);

struct mt {
  bcsc_task_t task; /* first: the poll function casts back */
  mt_step_fn step;
  int polls;
  int rc[4];
  bcsc_wait_t w;
  void *obj;
  uint32_t msg;
};

static int mt_poll(bcsc_task_t *t) {
  mt_t *c = (mt_t *)(void *)t;
  c->polls++;
  return c->step(c);
}

static void mt_init(mt_t *c, mt_step_fn step) {
  memset(c, 0, sizeof *c);
  cr_assert_eq(bcsc_task_init(&c->task, mt_poll, NULL), 0);
  cr_assert_eq(bcsc_wait_init(&c->w), 0);
  c->step = step;
  for (int i = 0; i < 4; i++)
    c->rc[i] = 12345; /* not called */
}

static bcsc_executor_t g_ex;

static void up(void) { cr_assert_eq(bcsc_executor_init(&g_ex, NULL), 0); }

static void down(void) {
  cr_assert_eq(bcsc_executor_live_roots(&g_ex), 0);
  cr_assert_eq(bcsc_executor_deinit(&g_ex), 0);
}

static void need_canaries(void) {
  if (!bcsc_is_checked_build())
    cr_skip_test("the release build has no canaries");
}

/* ---- an object's own waiter list clobbered -------------------------------
 * The object itself reads as valid, but the list inside it does not: a
 * receive that would wait reports it and fails, and registers nothing.
 * (The canary flip is undone before anything else runs.) */

static int step_broadcast_recv(mt_t *c) {
  int i = c->polls - 1;
  c->rc[i] = bcsc_broadcast_recv(&c->task, c->obj, &c->w, &c->msg,
                                 sizeof c->msg, NULL);
  return c->rc[i] == BCSC_PENDING ? BCSC_PENDING : c->rc[i];
}

/* Kills broadcast.c:211:12:rvr (return rc -> return 0 after the list's
 * check): the receive answered 0, "a message was delivered", with none. */
Test(mutation, broadcast_recv_refuses_a_clobbered_reader_list) {
  bcsc_broadcast_t bc;
  bcsc_broadcast_receiver_t rx;
  uint32_t ring[2], one = 7;
  mt_t a;
  need_canaries();
  up();
  cr_assert_eq(bcsc_broadcast_init(&bc, ring, sizeof ring, sizeof ring[0]), 0);
  cr_assert_eq(bcsc_broadcast_subscribe(&bc, &rx), 0);
  mt_init(&a, step_broadcast_recv);
  a.obj = &rx;
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &a.task), 0);
  bc.priv.readers.priv.magic ^= 0x0100;
  cr_assert_eq(bcsc_executor_poll(&g_ex, 8), 1);
  bc.priv.readers.priv.magic ^= 0x0100;
  cr_assert_eq(a.rc[0], BCSC_EBADOBJ);
  cr_assert_eq(reports(BCSC_MISUSE_BAD_OBJECT), 1);
  cr_assert_eq(bcsc_task_result(&a.task), BCSC_EBADOBJ);
  /* Nothing was linked: the broadcast still works. */
  cr_assert_eq(bcsc_broadcast_send(&bc, &one, sizeof one), 0);
  cr_assert_eq(bcsc_broadcast_try_recv(&rx, &a.msg, sizeof a.msg, NULL), 0);
  cr_assert_eq(a.msg, 7);
  cr_assert_eq(bcsc_broadcast_unsubscribe(&rx), 0);
  cr_assert_eq(bcsc_broadcast_deinit(&bc), 0);
  down();
}

static int step_channel_recv(mt_t *c) {
  int i = c->polls - 1;
  c->rc[i] = bcsc_channel_recv(&c->task, c->obj, &c->w, &c->msg, sizeof c->msg);
  return c->rc[i] == BCSC_PENDING ? BCSC_PENDING : c->rc[i];
}

/* The same for a channel (channel.c:201-202, channel_wait()'s check). */
Test(mutation, channel_recv_refuses_a_clobbered_receiver_list) {
  bcsc_channel_t ch;
  uint32_t ring[2], one = 7;
  mt_t a;
  need_canaries();
  up();
  cr_assert_eq(bcsc_channel_init(&ch, ring, sizeof ring, sizeof ring[0]), 0);
  mt_init(&a, step_channel_recv);
  a.obj = &ch;
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &a.task), 0);
  ch.priv.receivers.priv.magic ^= 0x0100;
  cr_assert_eq(bcsc_executor_poll(&g_ex, 8), 1);
  ch.priv.receivers.priv.magic ^= 0x0100;
  cr_assert_eq(a.rc[0], BCSC_EBADOBJ);
  cr_assert_eq(reports(BCSC_MISUSE_BAD_OBJECT), 1);
  cr_assert_eq(bcsc_task_result(&a.task), BCSC_EBADOBJ);
  cr_assert_eq(bcsc_channel_try_send(&ch, &one, sizeof one), 0);
  cr_assert_eq(bcsc_channel_try_recv(&ch, &a.msg, sizeof a.msg), 0);
  cr_assert_eq(a.msg, 7);
  cr_assert_eq(bcsc_channel_deinit(&ch), 0);
  down();
}

/* ---- a park that does not happen leaves the executor awake ---------------
 * park() first announces it (inbox_sleep = PARKED), then looks at the
 * inbox once more; if a value wake landed in between, it does not park and
 * must take the announcement back. Otherwise the next wake that finds the
 * inbox empty - even one from the executor's own thread, during a poll -
 * believes the executor parked and unparks it: a system call (and, with a
 * real reactor, a spurious wake-up of the next park) for nothing.
 *
 * The wake lands in that window deterministically here: the reactor's now(),
 * which the run loop calls to fire due timers just before park(), sends it
 * (as a signal handler could). Kills executor.c:305:5:sdl (the take-back
 * deleted): the task's own wake then counted an unpark and a notify. */

static uint64_t g_now;
static int g_wake_in_now, g_parks, g_unparks;
static bcsc_waker_t g_waker;

static uint64_t window_now(bcsc_reactor_t *r) {
  (void)r;
  if (g_wake_in_now) {
    g_wake_in_now = 0;
    cr_assert_eq(bcsc_waker_wake(g_waker), 0);
  }
  return g_now;
}

static int window_park(bcsc_reactor_t *r, uint64_t deadline) {
  (void)r;
  g_parks++;
  if (deadline != BCSC_NO_DEADLINE && deadline > g_now)
    g_now = deadline; /* a simulated sleep until the deadline */
  return 0;
}

static void window_unpark(bcsc_reactor_t *r) {
  (void)r;
  g_unparks++;
}

/* Takes a value waker and waits; woken, wakes itself once (a wake from the
 * executor's own thread, during a poll), waits for that, and ends. */
static int step_wake_in_window(mt_t *c) {
  switch (c->polls) {
  case 1:
    c->rc[0] = bcsc_task_waker(&c->task, &g_waker);
    g_wake_in_now = 1;
    return BCSC_PENDING;
  case 2:
    c->rc[1] = bcsc_task_waker_woken(&c->task);
    c->rc[2] = bcsc_waker_wake(g_waker);
    return BCSC_PENDING;
  default:
    c->rc[3] = bcsc_task_waker_woken(&c->task);
    return 0;
  }
}

static int step_sleeper(mt_t *c) {
  c->rc[c->polls > 1] = bcsc_sleep_for(&c->task, c->obj, 100);
  return c->rc[c->polls > 1] == BCSC_PENDING ? BCSC_PENDING : 0;
}

Test(mutation, a_park_called_off_by_a_late_wake_leaves_the_executor_awake) {
  bcsc_reactor_vtable_t vt = {.size = sizeof vt,
                              .version = BCSC_REACTOR_VTABLE_VERSION,
                              .now = window_now,
                              .park = window_park,
                              .unpark = window_unpark};
  bcsc_reactor_t r = {.vtable = &vt, .data = NULL};
  bcsc_waker_slot_t slots[2];
  bcsc_executor_config_t config = {.size = sizeof config,
                                   .reactor = &r,
                                   .waker_slots = slots,
                                   .waker_slot_count = 2};
  bcsc_executor_stats_t st = {.size = sizeof st};
  bcsc_timer_t timer;
  mt_t a, b;
  g_now = 0;
  g_wake_in_now = g_parks = g_unparks = 0;
  cr_assert_eq(bcsc_executor_init(&g_ex, &config), 0);
  mt_init(&a, step_wake_in_window);
  mt_init(&b, step_sleeper);
  cr_assert_eq(bcsc_timer_init(&timer), 0);
  b.obj = &timer; /* a timer keeps the run loop looking at the clock */
  /* The sleeper first: its sleep_for() reads the clock too. */
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &b.task), 0);
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &a.task), 0);
  cr_assert_eq(bcsc_executor_run(&g_ex, NULL), 0);
  cr_assert_eq(a.polls, 3);
  cr_assert_eq(a.rc[0], 0);
  cr_assert_eq(a.rc[1], 1);
  cr_assert_eq(a.rc[2], 0);
  cr_assert_eq(a.rc[3], 1);
  cr_assert_eq(b.rc[1], 0);
  cr_assert_eq(bcsc_task_result(&a.task), 0);
  cr_assert_eq(g_now, 100);
  /* The only park is the sleeper's; nothing needed an unpark. */
  cr_assert_eq(g_parks, 1);
  cr_assert_eq(g_unparks, 0);
  cr_assert_eq(bcsc_executor_stats(&g_ex, &st), 0);
  cr_assert_eq(st.waker_notifies, 0);
  cr_assert_eq(st.wakes_received, 2);
  cr_assert_eq(g_misuse.count, 0);
  down();
}

/* ---- bcsc_pool_bytes() at the very edge of size_t ------------------------
 * The size of `count` frames is refused only when it would overflow: a
 * stride of exactly SIZE_MAX / count still fits. Kills pool.c:36:28:ror
 * (stride > SIZE_MAX / count -> >=: the largest pool that fits was
 * refused). The count is searched so that SIZE_MAX / count is a stride
 * (header + a multiple of the alignment), on any width of size_t. */
Test(mutation, pool_bytes_takes_the_largest_size_that_fits) {
  uint32_t count = 0;
  size_t stride = 0;
  for (uint32_t n = 2; n < 100000; n++) {
    size_t s = SIZE_MAX / n;
    if (s >= BCSC_POOL_SLOT_HEADER &&
        (s - BCSC_POOL_SLOT_HEADER) % BCSC_POOL_ALIGN == 0) {
      count = n;
      stride = s;
      break;
    }
  }
  cr_assert_neq(count, 0);
  cr_assert_eq(bcsc_pool_bytes(stride - BCSC_POOL_SLOT_HEADER, count),
               stride * count);
  /* One alignment more per frame no longer fits. */
  cr_assert_eq(
      bcsc_pool_bytes(stride - BCSC_POOL_SLOT_HEADER + BCSC_POOL_ALIGN, count),
      0);
}

/* ---- a mutex moved while a task waits on it ------------------------------
 * A mutex's header has no address tag of its own: its waiter list's tag is
 * the move check (mutex.c's mutex_check()). Kills mutex.c:33:10:rvr
 * (return bcsc__check_waitq() -> return 0): a moved copy was then taken for
 * the mutex (its deinit answered EBUSY, as if the copy were in use). */

static int step_lock_then_yield(mt_t *c) {
  if (c->polls == 1) {
    c->rc[0] = bcsc_mutex_try_lock(&c->task, c->obj);
    return bcsc_task_yield(&c->task);
  }
  c->rc[1] = bcsc_mutex_unlock(&c->task, c->obj);
  return 0;
}

static int step_lock_wait(mt_t *c) {
  int i = c->polls - 1;
  c->rc[i] = bcsc_mutex_lock(&c->task, c->obj, &c->w);
  if (c->rc[i] == BCSC_PENDING)
    return BCSC_PENDING;
  c->rc[2] = bcsc_mutex_unlock(&c->task, c->obj);
  return 0;
}

Test(mutation, a_mutex_moved_while_a_task_waits_is_refused) {
  bcsc_mutex_t m, copy;
  mt_t a, b;
  up();
  cr_assert_eq(bcsc_mutex_init(&m), 0);
  mt_init(&a, step_lock_then_yield);
  mt_init(&b, step_lock_wait);
  a.obj = b.obj = &m;
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &a.task), 0);
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &b.task), 0);
  cr_assert_eq(bcsc_executor_poll(&g_ex, 2), 2);
  cr_assert_eq(a.rc[0], 0);
  cr_assert_eq(b.rc[0], BCSC_PENDING);
  cr_assert_eq(bcsc_mutex_waiting(&m), 1);
  memcpy(&copy, &m, sizeof m);
  cr_assert_eq(bcsc_mutex_deinit(&copy), BCSC_EBADOBJ);
  cr_assert_eq(bcsc_mutex_try_lock(&a.task, &copy), BCSC_EBADOBJ);
  if (bcsc_is_checked_build())
    cr_assert_eq(reports(BCSC_MISUSE_MOVED), 2);
  /* The mutex itself is untouched: the lock goes to the waiter. */
  cr_assert_eq(bcsc_executor_run(&g_ex, NULL), 0);
  cr_assert_eq(a.rc[1], 0);
  cr_assert_eq(b.rc[1], 0);
  cr_assert_eq(b.rc[2], 0);
  cr_assert_eq(bcsc_mutex_deinit(&m), 0);
  down();
}

/* ---- a mutex moved while its lock is handed over --------------------------
 * Since D97 a held mutex carries its own tag, which refuses a copy of the
 * test above before its list's check. Between an unlock and the taking of
 * the lock by the woken waiter the mutex is held by nobody (its tag is 0),
 * and only its list's tag - another task still waits - tells a copy. Kills
 * mutex.c:37:10:rvr (return bcsc__check_waitq_of() -> return 0): a
 * try_lock of the copy answered BCSC_EAGAIN, as if the copy were the mutex
 * being handed over. */

static bcsc_mutex_t g_mutex_copy;

static int step_try_lock_a_copy(mt_t *c) {
  if (c->polls == 1)
    return bcsc_task_yield(&c->task);
  /* Polled after the holder's unlock, before the woken waiter. */
  c->rc[0] = bcsc_mutex_owner(c->obj) == NULL && bcsc_mutex_locked(c->obj) &&
             bcsc_mutex_waiting(c->obj) == 1;
  memcpy(&g_mutex_copy, c->obj, sizeof g_mutex_copy);
  c->rc[1] = bcsc_mutex_try_lock(&c->task, &g_mutex_copy);
  return 0;
}

Test(mutation, a_mutex_moved_while_its_lock_is_handed_over_is_refused) {
  bcsc_mutex_t m;
  mt_t a, b, c, d;
  up();
  cr_assert_eq(bcsc_mutex_init(&m), 0);
  mt_init(&a, step_lock_then_yield);
  mt_init(&b, step_lock_wait);
  mt_init(&c, step_lock_wait);
  mt_init(&d, step_try_lock_a_copy);
  a.obj = b.obj = c.obj = d.obj = &m;
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &a.task), 0);
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &b.task), 0);
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &c.task), 0);
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &d.task), 0);
  cr_assert_eq(bcsc_executor_run(&g_ex, NULL), 0);
  cr_assert_eq(d.rc[0], 1, "the copy was taken while the lock was handed over");
  cr_assert_eq(d.rc[1], BCSC_EBADOBJ);
  if (bcsc_is_checked_build()) {
    cr_assert_eq(reports(BCSC_MISUSE_MOVED), 1);
    cr_assert_eq(g_misuse.objects[0], &g_mutex_copy);
  }
  /* The mutex itself went on: B, then C, had the lock. */
  cr_assert_eq(a.rc[1], 0);
  cr_assert_eq(b.rc[1], 0);
  cr_assert_eq(b.rc[2], 0);
  cr_assert_eq(c.rc[1], 0);
  cr_assert_eq(c.rc[2], 0);
  cr_assert_eq(bcsc_mutex_deinit(&m), 0);
  down();
}

/* ---- _init and _deinit write nothing past their object -------------------
 * Each object is followed by a guard word in the same struct; its init and
 * deinit must leave the guard as it was. Kills oneshot.c:50:21:crp+1
 * (reserved[1] -> reserved[2], a store one word past the oneshot, which only
 * a sanitizer saw before), and the same one word further for the broadcast,
 * its receiver, the channel, the watch, the pool and the stream. */
#define GUARD 0xa5a5a5a5a5a5a5a5ull
#define GUARDED(type)                                                          \
  struct {                                                                     \
    type obj;                                                                  \
    uint64_t guard;                                                            \
  }

Test(mutation, init_and_deinit_write_nothing_past_the_object) {
  GUARDED(bcsc_oneshot_t) os = {.guard = GUARD};
  GUARDED(bcsc_watch_t) watch = {.guard = GUARD};
  GUARDED(bcsc_channel_t) ch = {.guard = GUARD};
  GUARDED(bcsc_broadcast_t) bc = {.guard = GUARD};
  GUARDED(bcsc_broadcast_receiver_t) rx = {.guard = GUARD};
  GUARDED(bcsc_event_t) ev = {.guard = GUARD};
  GUARDED(bcsc_mutex_t) mutex = {.guard = GUARD};
  GUARDED(bcsc_semaphore_t) sem = {.guard = GUARD};
  GUARDED(bcsc_barrier_t) barrier = {.guard = GUARD};
  GUARDED(bcsc_timer_t) timer = {.guard = GUARD};
  GUARDED(bcsc_waitq_t) q = {.guard = GUARD};
  GUARDED(bcsc_wait_t) w = {.guard = GUARD};
  GUARDED(bcsc_task_t) task = {.guard = GUARD};
  GUARDED(bcsc_executor_t) ex = {.guard = GUARD};
  GUARDED(bcsc_pool_t) pool = {.guard = GUARD};
  GUARDED(bcsc_stream_t) stream = {.guard = GUARD};
  _Alignas(BCSC_POOL_ALIGN) unsigned char mem[BCSC_POOL_BYTES(128, 1)];
  uint32_t ring[2], slot, value;

  cr_assert_eq(bcsc_oneshot_init(&os.obj, &slot, sizeof slot), 0);
  cr_assert_eq(bcsc_watch_init(&watch.obj, &value, sizeof value), 0);
  cr_assert_eq(bcsc_channel_init(&ch.obj, ring, sizeof ring, sizeof ring[0]),
               0);
  cr_assert_eq(bcsc_broadcast_init(&bc.obj, ring, sizeof ring, sizeof ring[0]),
               0);
  cr_assert_eq(bcsc_broadcast_subscribe(&bc.obj, &rx.obj), 0);
  cr_assert_eq(bcsc_event_init(&ev.obj), 0);
  cr_assert_eq(bcsc_mutex_init(&mutex.obj), 0);
  cr_assert_eq(bcsc_semaphore_init(&sem.obj, 1), 0);
  cr_assert_eq(bcsc_barrier_init(&barrier.obj, 2), 0);
  cr_assert_eq(bcsc_timer_init(&timer.obj), 0);
  cr_assert_eq(bcsc_waitq_init(&q.obj), 0);
  cr_assert_eq(bcsc_wait_init(&w.obj), 0);
  cr_assert_eq(bcsc_task_init(&task.obj, mt_poll, NULL), 0);
  cr_assert_eq(bcsc_executor_init(&ex.obj, NULL), 0);
  cr_assert_eq(bcsc_pool_init(&pool.obj, mem, sizeof mem, 128, 0), 0);
  cr_assert_eq(bcsc_stream_channel(&stream.obj, &ch.obj), 0);
  cr_assert_eq(bcsc_pool_deinit(&pool.obj), 0);
  cr_assert_eq(bcsc_executor_deinit(&ex.obj), 0);
  cr_assert_eq(bcsc_waitq_deinit(&q.obj), 0);
  cr_assert_eq(bcsc_barrier_deinit(&barrier.obj), 0);
  cr_assert_eq(bcsc_semaphore_deinit(&sem.obj), 0);
  cr_assert_eq(bcsc_mutex_deinit(&mutex.obj), 0);
  cr_assert_eq(bcsc_event_deinit(&ev.obj), 0);
  cr_assert_eq(bcsc_broadcast_unsubscribe(&rx.obj), 0);
  cr_assert_eq(bcsc_broadcast_deinit(&bc.obj), 0);
  cr_assert_eq(bcsc_channel_deinit(&ch.obj), 0);
  cr_assert_eq(bcsc_watch_deinit(&watch.obj), 0);
  cr_assert_eq(bcsc_oneshot_deinit(&os.obj), 0);
  cr_assert_eq(os.guard, GUARD);
  cr_assert_eq(watch.guard, GUARD);
  cr_assert_eq(ch.guard, GUARD);
  cr_assert_eq(bc.guard, GUARD);
  cr_assert_eq(rx.guard, GUARD);
  cr_assert_eq(ev.guard, GUARD);
  cr_assert_eq(mutex.guard, GUARD);
  cr_assert_eq(sem.guard, GUARD);
  cr_assert_eq(barrier.guard, GUARD);
  cr_assert_eq(timer.guard, GUARD);
  cr_assert_eq(q.guard, GUARD);
  cr_assert_eq(w.guard, GUARD);
  cr_assert_eq(task.guard, GUARD);
  cr_assert_eq(ex.guard, GUARD);
  cr_assert_eq(pool.guard, GUARD);
  cr_assert_eq(stream.guard, GUARD);
}

/* ---- a drained scope is audited like a joined one ------------------------
 * An owner that returns with its scope open has it cancelled and drained;
 * when the scope ends, the checked build audits it as a join does (D29): a
 * registration of one of its tasks still linked is reported. The
 * registration here is overwritten with a copy of itself from before it
 * was linked (no canary can tell), so its task's completion skips it and
 * it dangles in its list. Kills scope.c:395:8:neg (the audit skipped on the
 * drain's way out, if (BCSC__CHECKED) negated). */
Test(mutation, a_drained_scope_is_audited_at_its_end) {
  bcsc_waitq_t q, gate;
  bcsc_wait_t idle_copy;
  bcsc_test_leaf_t child;
  bcsc_task_t *children[] = {&child.task};
  bcsc_test_owner_t owner;
  need_canaries();
  up();
  cr_assert_eq(bcsc_waitq_init(&q), 0);
  cr_assert_eq(bcsc_waitq_init(&gate), 0);
  bcsc_test_leaf_init(&child, 1);
  child.queue = &q;
  bcsc_test_owner_init(&owner, 0, BCSC_SCOPE_WAIT_ALL, children, 1);
  owner.gate = &gate;
  owner.early_return = 1;
  owner.early_result = 0;
  memcpy(&idle_copy, &child.wait, sizeof idle_copy);
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &owner.task), 0);
  cr_assert_eq(bcsc_executor_poll(&g_ex, 2), 2);
  cr_assert(bcsc_wait_linked(&child.wait));

  memcpy(&child.wait, &idle_copy, sizeof idle_copy); /* dangles in q */
  cr_assert_eq(bcsc_waitq_wake_one(&gate, 0), 1);
  cr_assert_eq(bcsc_executor_run(&g_ex, &owner.task), 0);
  cr_assert(child.saw_cancel);
  cr_assert_eq(g_misuse.count, 1);
  cr_assert_eq(g_misuse.codes[0], BCSC_MISUSE_SCOPE_END_LINKED);
  cr_assert_eq(g_misuse.objects[0], &owner.scope);
  cr_assert_eq(bcsc_waitq_count(&q), 1, "the dangling node is still there");
  cr_assert_eq(bcsc_waitq_init(&q), 0); /* abandon it */
  cr_assert_eq(bcsc_waitq_deinit(&gate), 0);
  down();
}

/* ---- a baton fired during its task's poll, declined in the next ----------
 * A hand-off wake that lands while its task is being polled is kept for the
 * task's next poll (it is "new" until that poll ends). If that next poll
 * does not take it either, it goes on to the next waiter like any declined
 * baton. Written for wait.c:461:9:sdl (the "new" mark not cleared in the
 * first walk over the batons), which turned out equivalent: the second
 * walk marks every baton of the task again (docs/testing.md). It checks the
 * path that mutant pointed at, and kills wait.c:460's ror and lcr (the
 * mark cleared at the wrong end). */
typedef struct hb {
  mt_t t;
  bcsc_wait_t w2;
  bcsc_waitq_t *q, *gate;
  uintptr_t value;
} hb_t;

/* A: registers on q and fires it in the same poll (its registration is
 * the only one: the baton comes during this poll); in the poll after, it
 * declines the wake and waits on the gate only. */
static int step_fire_then_decline(mt_t *c) {
  hb_t *h = (hb_t *)(void *)c;
  switch (c->polls) {
  case 1:
    c->rc[0] = bcsc_wait_register(&c->task, &c->w, h->q);
    c->rc[1] = bcsc_waitq_wake_one(h->q, 42);
    return BCSC_PENDING;
  case 2:
    c->rc[2] = bcsc_wait_fired(&c->w);
    c->rc[3] = bcsc_wait_register(&c->task, &h->w2, h->gate); /* declines */
    return BCSC_PENDING;
  default:
    return 0;
  }
}

/* B: waits on q behind A and takes what comes. */
static int step_take_q(mt_t *c) {
  hb_t *h = (hb_t *)(void *)c;
  c->rc[c->polls > 1] = bcsc_wait_on(&c->task, &c->w, h->q);
  if (c->rc[c->polls > 1] == BCSC_PENDING)
    return BCSC_PENDING;
  h->value = c->w.value;
  return 0;
}

Test(mutation, a_baton_fired_in_its_tasks_poll_and_then_declined_goes_on) {
  bcsc_waitq_t q, gate;
  hb_t a, b;
  up();
  cr_assert_eq(bcsc_waitq_init(&q), 0);
  cr_assert_eq(bcsc_waitq_set_handoff(&q, 1), 0);
  cr_assert_eq(bcsc_waitq_init(&gate), 0);
  mt_init(&a.t, step_fire_then_decline);
  mt_init(&b.t, step_take_q);
  cr_assert_eq(bcsc_wait_init(&a.w2), 0);
  a.q = b.q = &q;
  a.gate = &gate;
  b.value = 0;
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &a.t.task), 0);
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &b.t.task), 0);
  /* A fires its own registration and runs again after B has queued on q;
   * A declines; the baton goes on to B, which takes it. */
  cr_assert_eq(bcsc_executor_poll(&g_ex, 10), 4);
  cr_assert_eq(a.t.polls, 2);
  cr_assert_eq(a.t.rc[0], 0);
  cr_assert_eq(a.t.rc[1], 1);
  cr_assert_eq(a.t.rc[2], 1, "A saw the wake in the poll after it");
  cr_assert_eq(a.t.rc[3], 0);
  cr_assert(bcsc_task_done(&b.t.task), "the declined baton reached B");
  cr_assert_eq(b.t.polls, 2);
  cr_assert_eq(b.t.rc[1], 0);
  cr_assert_eq(b.value, 42);
  cr_assert_eq(bcsc_waitq_count(&q), 0);

  cr_assert_eq(bcsc_waitq_wake_one(&gate, 0), 1);
  cr_assert_eq(bcsc_executor_run(&g_ex, NULL), 0);
  cr_assert_eq(bcsc_task_result(&a.t.task), 0);
  cr_assert_eq(g_misuse.count, 0);
  cr_assert_eq(bcsc_waitq_deinit(&q), 0);
  cr_assert_eq(bcsc_waitq_deinit(&gate), 0);
  down();
}

/* ---- an executor with no timer armed does not read the clock -------------
 * The run loop looks at the clock only while the wheel holds a deadline
 * (ex->priv.timers != 0): before a park and every 64 turns of a busy run.
 * With a real reactor a clock read is a system call (or a vDSO call) per
 * idle turn. Once a timer's wait is linked and stopped again, the count
 * must be back to 0. Kills wheel.c:133:18:aor (the removal counting up: the
 * loop then read the clock for a wheel that was empty). */

static int g_clock_reads;

static uint64_t counting_now(bcsc_reactor_t *r) {
  (void)r;
  g_clock_reads++;
  return 1000;
}

/* A busy run also looks at the reactor's own events every 64 turns: a
 * park with deadline 0, which does not block. */
static int polling_park(bcsc_reactor_t *r, uint64_t deadline) {
  (void)r;
  cr_assert_eq(deadline, 0);
  return 0;
}

/* Links a wait on a timer and stops it in the same poll; then yields 200
 * times (three looks outside of a busy run) and ends. */
static int step_timer_then_yields(mt_t *c) {
  if (c->polls == 1) {
    c->rc[0] = bcsc_timer_set(c->obj, 5000);
    c->rc[1] = bcsc_timer_wait(&c->task, c->obj);
    c->rc[2] = bcsc_timer_stop(c->obj);
    g_clock_reads = 0;
  }
  if (c->polls <= 200)
    return bcsc_task_yield(&c->task);
  return 0;
}

Test(mutation, an_executor_with_no_timer_armed_does_not_read_the_clock) {
  bcsc_reactor_vtable_t vt = {.size = sizeof vt,
                              .version = BCSC_REACTOR_VTABLE_VERSION,
                              .now = counting_now,
                              .park = polling_park,
                              .unpark = NULL};
  bcsc_reactor_t r = {.vtable = &vt, .data = NULL};
  bcsc_executor_config_t config = {.size = sizeof config, .reactor = &r};
  bcsc_timer_t timer;
  mt_t a;
  cr_assert_eq(bcsc_executor_init(&g_ex, &config), 0);
  cr_assert_eq(bcsc_timer_init(&timer), 0);
  mt_init(&a, step_timer_then_yields);
  a.obj = &timer;
  cr_assert_eq(bcsc_executor_run(&g_ex, &a.task), 0);
  cr_assert_eq(a.polls, 201);
  cr_assert_eq(a.rc[0], 0);
  cr_assert_eq(a.rc[1], BCSC_PENDING);
  cr_assert_eq(a.rc[2], 1);
  cr_assert_eq(g_clock_reads, 0);
  cr_assert_eq(bcsc_timer_linked(&timer), 0);
  down();
}

/* ---- an ended remote child's frame is the caller's at once ---------------
 * When a remote child's DONE is drained, its scope counts it ended and
 * forgets it: the frame may be reused at once (bcsc/remote.h). A later
 * cancel of the scope walks its remote children still listed - not that
 * frame, whatever it holds now. Both executors run on this thread, each
 * polled by hand. Kills remote.c:156:3:sdl (the ended child left in its
 * scope's list: the cancel walk then followed the reused frame's bytes). */

static int remote_finish(bcsc_task_t *self) {
  (void)self;
  return 0;
}

/* Waits on a list nobody wakes until cancelled (the cancel wakes it). */
static bcsc_waitq_t g_never;
static bcsc_wait_t g_never_wait;
static int remote_wait_cancel(bcsc_task_t *self) {
  if (bcsc_task_cancelled(self))
    return BCSC_ECANCELED;
  cr_assert_eq(bcsc_wait_on(self, &g_never_wait, &g_never), BCSC_PENDING);
  return BCSC_PENDING;
}

typedef struct rowner {
  bcsc_task_t task;
  bcsc_scope_t scope;
  bcsc_remote_task_t *a, *b;
  bcsc_executor_t *host;
  int phase;
  int rc[3];
} rowner_t;

static int rowner_poll(bcsc_task_t *self) {
  rowner_t *o = (rowner_t *)(void *)self;
  int rc;
  if (o->phase == 0) {
    o->phase = 1;
    o->rc[0] = bcsc_scope_init(&o->scope, self, BCSC_SCOPE_WAIT_ALL);
    o->rc[1] = bcsc_scope_spawn_on(&o->scope, o->a, o->host);
    o->rc[2] = bcsc_scope_spawn_on(&o->scope, o->b, o->host);
  }
  rc = bcsc_scope_join(&o->scope);
  return rc == BCSC_PENDING ? BCSC_PENDING : rc;
}

/* The parent executor g_ex (up) and a host, both polled by hand here: the
 * owner spawns a (ends at once) and b (waits until cancelled) onto the
 * host and joins; the host runs both, so a's DONE is on its way. */
static void rowner_start(rowner_t *o, bcsc_executor_t *host,
                         bcsc_remote_task_t *a, bcsc_remote_task_t *b);

/* rowner_start(), the scope's bytes `fill` before its init (a frame's old
 * contents: bcsc_scope_init() need not clear what it has not used yet). */
static void rowner_start_filled(rowner_t *o, bcsc_executor_t *host,
                                bcsc_remote_task_t *a, bcsc_remote_task_t *b,
                                int fill) {
  up();
  cr_assert_eq(bcsc_executor_init(host, NULL), 0);
  cr_assert_eq(bcsc_waitq_init(&g_never), 0);
  cr_assert_eq(bcsc_wait_init(&g_never_wait), 0);
  cr_assert_eq(bcsc_remote_task_init(a, remote_finish, NULL), 0);
  cr_assert_eq(bcsc_remote_task_init(b, remote_wait_cancel, NULL), 0);
  memset(o, 0, sizeof *o);
  memset(&o->scope, fill, sizeof o->scope);
  cr_assert_eq(bcsc_task_init(&o->task, rowner_poll, NULL), 0);
  o->a = a;
  o->b = b;
  o->host = host;
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &o->task), 0);
  cr_assert_eq(bcsc_executor_poll(&g_ex, 8), 1); /* spawns both, joins */
  cr_assert_eq(o->rc[1], 0);
  cr_assert_eq(o->rc[2], 0);
  cr_assert_eq(bcsc_executor_poll(host, 8), 2); /* a ends, b waits */
}

static void rowner_start(rowner_t *o, bcsc_executor_t *host,
                         bcsc_remote_task_t *a, bcsc_remote_task_t *b) {
  rowner_start_filled(o, host, a, b, 0);
}

Test(mutation, an_ended_remote_childs_frame_is_not_read_again) {
  bcsc_executor_t host;
  bcsc_remote_task_t a, b;
  rowner_t o;
  rowner_start(&o, &host, &a, &b);
  cr_assert_eq(bcsc_executor_poll(&g_ex, 8), 0); /* a's DONE drained */
  cr_assert(bcsc_remote_task_done(&a));
  cr_assert_eq(bcsc_scope_live(&o.scope), 1);

  memset(&a, 0x5a, sizeof a); /* the frame reused for something else */
  cr_assert_eq(bcsc_scope_cancel(&o.scope), 0);
  cr_assert_eq(bcsc_executor_poll(&host, 8), 1); /* b sees the cancel */
  cr_assert_eq(bcsc_executor_run(&g_ex, &o.task), BCSC_ECANCELED);
  cr_assert(bcsc_remote_task_done(&b));
  cr_assert_eq(bcsc_task_result(&b.task), BCSC_ECANCELED);
  cr_assert_eq(g_misuse.count, 0);
  cr_assert_eq(bcsc_waitq_deinit(&g_never), 0);
  cr_assert_eq(bcsc_executor_deinit(&host), 0);
  down();
}

/* ---- a scope's list of remote children starts empty -----------------------
 * The scope's frame held other bytes before bcsc_scope_init(); its list of
 * remote children is set empty by the first bcsc_scope_spawn_on(), so the
 * drain of a child's DONE and the cancel walk see only the children
 * spawned. Kills remote.c:88:5:sdl (the list left as the frame's old bytes:
 * the drain's unlink wrote through them). */
Test(mutation, a_scopes_remote_list_starts_empty_over_old_bytes) {
  bcsc_executor_t host;
  bcsc_remote_task_t a, b;
  rowner_t o;
  rowner_start_filled(&o, &host, &a, &b, 0x5a);
  cr_assert_eq(bcsc_executor_poll(&g_ex, 8), 0); /* a's DONE drained */
  cr_assert(bcsc_remote_task_done(&a));
  cr_assert_eq(bcsc_scope_live(&o.scope), 1);
  cr_assert_eq(bcsc_scope_cancel(&o.scope), 0);
  cr_assert_eq(bcsc_executor_poll(&host, 8), 1); /* b sees the cancel */
  cr_assert_eq(bcsc_executor_run(&g_ex, &o.task), BCSC_ECANCELED);
  cr_assert(bcsc_remote_task_done(&b));
  cr_assert_eq(g_misuse.count, 0);
  cr_assert_eq(bcsc_waitq_deinit(&g_never), 0);
  cr_assert_eq(bcsc_executor_deinit(&host), 0);
  down();
}

/* ---- a plain task is not a remote child ----------------------------------
 * bcsc_scope_spawn_on() takes only a frame bcsc_remote_task_init() made: a
 * bcsc_remote_task_t whose task header alone was initialised (with
 * bcsc_task_init()) is refused with BCSC_EBADOBJ and a BAD_OBJECT report
 * naming it, and nothing is spawned. Kills remote.c:56:5:sdl (the relay's
 * magic not checked: the task header passed every other check and the
 * child was sent). */
static int mt_spawn_plain_as_remote(mt_t *c) {
  bcsc_scope_t scope;
  bcsc_executor_t *host = c->obj;
  bcsc_remote_task_t r;
  memset(&r, 0, sizeof r);
  cr_assert_eq(bcsc_task_init(&r.task, remote_finish, NULL), 0);
  cr_assert_eq(bcsc_scope_init(&scope, &c->task, BCSC_SCOPE_WAIT_ALL), 0);
  c->rc[0] = bcsc_scope_spawn_on(&scope, &r, host);
  c->rc[1] = (int)bcsc_scope_live(&scope);
  c->rc[2] = bcsc_scope_join(&scope);
  if (bcsc_is_checked_build() && reports(BCSC_MISUSE_BAD_OBJECT) == 1 &&
      g_misuse.objects[0] != &r)
    c->rc[3] = -1;
  return 0;
}

Test(mutation, a_plain_task_is_refused_as_a_remote_child) {
  bcsc_executor_t host;
  mt_t c;
  up();
  cr_assert_eq(bcsc_executor_init(&host, NULL), 0);
  mt_init(&c, mt_spawn_plain_as_remote);
  c.obj = &host;
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &c.task), 0);
  cr_assert_eq(bcsc_executor_run(&g_ex, &c.task), 0);
  cr_assert_eq(c.rc[0], BCSC_EBADOBJ);
  cr_assert_eq(c.rc[1], 0, "nothing was spawned");
  cr_assert_eq(c.rc[2], 0);
  cr_assert_eq(c.rc[3], 12345, "the report names the frame passed");
  if (bcsc_is_checked_build())
    cr_assert_eq(reports(BCSC_MISUSE_BAD_OBJECT), 1);
  cr_assert_eq(bcsc_executor_poll(&host, 8), 0, "the host got nothing");
  cr_assert_eq(bcsc_executor_deinit(&host), 0);
  down();
}

/* ---- a remote child's DONE meets its scope clobbered ---------------------
 * The parent's drain takes a DONE whose scope no longer reads as a scope:
 * the checked build reports it (FRAME_CLOBBERED on the scope) and touches
 * nothing of it. Kills remote.c:153:5:sdl (the report deleted: the message
 * was dropped in silence). The message is gone, so the scope never counts
 * that child ended: this test abandons both executors instead of tearing
 * them down (they allocate nothing). */
Test(mutation, a_remote_done_for_a_clobbered_scope_is_reported) {
  bcsc_executor_t host;
  bcsc_remote_task_t a, b;
  rowner_t o;
  need_canaries();
  rowner_start(&o, &host, &a, &b); /* a's DONE is sent */
  o.scope.priv.magic ^= 0x0100;
  cr_assert_eq(bcsc_executor_poll(&g_ex, 8), 0); /* the drain takes it */
  o.scope.priv.magic ^= 0x0100;
  cr_assert_eq(reports(BCSC_MISUSE_FRAME_CLOBBERED), 1);
  cr_assert_eq(g_misuse.objects[0], &o.scope);
  cr_assert_eq(bcsc_scope_live(&o.scope), 2, "the scope was not touched");
}

/* ---- an object used after its deinit is reported as itself ---------------
 * A deinit marks the object dead (magic 0); every later call refuses it
 * with BCSC_EBADOBJ and a BAD_OBJECT report naming the object the caller
 * passed - not a list inside it, which a deinit that forgot its own magic
 * left for the check after to catch. Kills mutex.c:103:3:sdl (the mutex's
 * magic kept) and event.c:59:54:crp+1 (the event's deinit returning before
 * it marks itself dead), and the same for the barrier, semaphore, oneshot
 * and watch. */
Test(mutation, an_object_used_after_deinit_is_reported_as_itself) {
  bcsc_mutex_t mutex;
  bcsc_event_t ev;
  bcsc_barrier_t barrier;
  bcsc_semaphore_t sem;
  bcsc_oneshot_t os;
  bcsc_watch_t watch;
  uint32_t slot, value;
  const void *objects[6] = {&mutex, &ev, &barrier, &sem, &os, &watch};
  need_canaries();
  cr_assert_eq(bcsc_mutex_init(&mutex), 0);
  cr_assert_eq(bcsc_event_init(&ev), 0);
  cr_assert_eq(bcsc_barrier_init(&barrier, 2), 0);
  cr_assert_eq(bcsc_semaphore_init(&sem, 1), 0);
  cr_assert_eq(bcsc_oneshot_init(&os, &slot, sizeof slot), 0);
  cr_assert_eq(bcsc_watch_init(&watch, &value, sizeof value), 0);
  cr_assert_eq(bcsc_mutex_deinit(&mutex), 0);
  cr_assert_eq(bcsc_event_deinit(&ev), 0);
  cr_assert_eq(bcsc_barrier_deinit(&barrier), 0);
  cr_assert_eq(bcsc_semaphore_deinit(&sem), 0);
  cr_assert_eq(bcsc_oneshot_deinit(&os), 0);
  cr_assert_eq(bcsc_watch_deinit(&watch), 0);
  cr_assert_eq(g_misuse.count, 0);
  cr_assert_eq(bcsc_mutex_deinit(&mutex), BCSC_EBADOBJ);
  cr_assert_eq(bcsc_event_deinit(&ev), BCSC_EBADOBJ);
  cr_assert_eq(bcsc_barrier_deinit(&barrier), BCSC_EBADOBJ);
  cr_assert_eq(bcsc_semaphore_deinit(&sem), BCSC_EBADOBJ);
  cr_assert_eq(bcsc_oneshot_deinit(&os), BCSC_EBADOBJ);
  cr_assert_eq(bcsc_watch_deinit(&watch), BCSC_EBADOBJ);
  cr_assert_eq(g_misuse.count, 6);
  for (int i = 0; i < 6; i++) {
    cr_assert_eq(g_misuse.codes[i], BCSC_MISUSE_BAD_OBJECT, "object %d", i);
    cr_assert_eq(g_misuse.objects[i], objects[i], "object %d", i);
  }
}

/* ---- hand-off turned off again -------------------------------------------
 * bcsc_waitq_set_handoff(q, 0) makes a hand-off list plain again: a wake
 * its task returns without taking is dropped, not passed to the next
 * waiter (the plain list's documented behaviour, test_handoff.c's negative
 * control). Kills wait.c:793:23:aor (&= -> |=: turning it off left it on,
 * with every other state bit set). */

static int step_register_then_return(mt_t *c) {
  if (c->polls == 1) {
    c->rc[0] = bcsc_wait_register(&c->task, &c->w, c->obj);
    return BCSC_PENDING;
  }
  return 0; /* woken or not, takes nothing */
}

Test(mutation, handoff_turned_off_again_is_a_plain_list) {
  bcsc_waitq_t q;
  mt_t a, b;
  up();
  cr_assert_eq(bcsc_waitq_init(&q), 0);
  cr_assert_eq(bcsc_waitq_set_handoff(&q, 1), 0);
  cr_assert_eq(bcsc_waitq_set_handoff(&q, 0), 0);
  mt_init(&a, step_register_then_return);
  mt_init(&b, step_register_then_return);
  a.obj = b.obj = &q;
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &a.task), 0);
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &b.task), 0);
  cr_assert_eq(bcsc_executor_poll(&g_ex, 10), 2);
  cr_assert_eq(bcsc_waitq_wake_one(&q, 7), 1);
  /* A returns without taking its wake: on a plain list it goes nowhere. */
  cr_assert_eq(bcsc_executor_poll(&g_ex, 10), 1);
  cr_assert(bcsc_task_done(&a.task));
  cr_assert_eq(b.polls, 1, "B was not woken");
  cr_assert_eq(bcsc_waitq_count(&q), 1);
  cr_assert_eq(bcsc_task_cancel(&b.task), 0);
  cr_assert_eq(bcsc_executor_run(&g_ex, NULL), 0);
  cr_assert_eq(g_misuse.count, 0);
  cr_assert_eq(bcsc_waitq_deinit(&q), 0);
  down();
}

/* ---- seed 1 again, against the sources of 0.5.0 ---------------------------
 * `scripts/mutate.sh --sample 150 --seed 1` (main at 472b3c5): 19 of 150
 * survived; these tests kill the five that were gaps (docs/testing.md). */

/* A race whose task array is longer than the count it is given: the winner
 * is looked up among the first `count` only. Kills combinator.c:89:58:ror
 * (i < count -> <=: the lookup read one element past the array it was
 * given, and here named that element, the same task, as the winner). */

typedef struct {
  bcsc_task_t task;
  bcsc_scope_t scope;
  bcsc_task_t *tasks[3];
  size_t winner;
  int rc;
} race_parent_t;

static int race_parent_poll(bcsc_task_t *t) {
  race_parent_t *p = (race_parent_t *)(void *)t;
  p->rc = bcsc_race(t, &p->scope, p->tasks, 2, &p->winner);
  return p->rc == BCSC_PENDING ? BCSC_PENDING : 0;
}

static int step_done_at_once(mt_t *c) {
  (void)c;
  return 0;
}

/* Yields until cancelled. */
static int step_yield_until_cancelled(mt_t *c) {
  if (bcsc_task_cancelled(&c->task))
    return BCSC_ECANCELED;
  return bcsc_task_yield(&c->task);
}

Test(mutation, a_race_looks_for_its_winner_only_among_count_tasks) {
  race_parent_t p;
  mt_t a, b;
  up();
  memset(&p, 0, sizeof p);
  mt_init(&a, step_done_at_once);
  mt_init(&b, step_yield_until_cancelled);
  cr_assert_eq(bcsc_task_init(&p.task, race_parent_poll, NULL), 0);
  p.tasks[0] = &a.task;
  p.tasks[1] = &b.task;
  p.tasks[2] = &a.task; /* beyond count: never to be read */
  p.winner = 99;
  cr_assert_eq(bcsc_executor_run(&g_ex, &p.task), 0);
  cr_assert_eq(p.rc, 0);
  cr_assert_eq(p.winner, 0);
  cr_assert(bcsc_task_cancelled(&b.task));
  cr_assert_eq(g_misuse.count, 0);
  down();
}

/* bcsc_executor_poll() with a large budget looks at the clock every 64
 * turns, as run() does: a sleeper whose deadline passes while other tasks
 * keep yielding is woken inside the same call, not after it. Kills
 * executor.c:446:7:sdl (the look deleted: the sleeper slept through the
 * 1,000 turns of the poll). */

static bcsc_sim_reactor_t g_sim;
static mt_t *g_yielder;

/* g_ex on a simulated clock at 0. */
static void sim_up(void) {
  bcsc_executor_config_t config = {.size = sizeof config,
                                   .reactor = &g_sim.base};
  cr_assert_eq(bcsc_sim_reactor_init(&g_sim, 0), 0);
  cr_assert_eq(bcsc_executor_init(&g_ex, &config), 0);
}

static int step_advance_and_yield(mt_t *c) {
  if (c->polls == 1)
    cr_assert_eq(bcsc_sim_reactor_advance(&g_sim, 1000), 0);
  return c->polls < 1000 ? bcsc_task_yield(&c->task) : 0;
}

static int step_sleep_and_note(mt_t *c) {
  int rc = bcsc_sleep_for(&c->task, c->obj, 100);
  if (rc == BCSC_PENDING)
    return rc;
  c->rc[0] = rc;
  c->msg = (uint32_t)g_yielder->polls; /* how long it overslept */
  return 0;
}

Test(mutation, poll_looks_at_the_clock_while_tasks_keep_yielding) {
  bcsc_timer_t timer;
  mt_t sleeper, yielder;
  sim_up();
  cr_assert_eq(bcsc_timer_init(&timer), 0);
  mt_init(&sleeper, step_sleep_and_note);
  mt_init(&yielder, step_advance_and_yield);
  sleeper.obj = &timer;
  g_yielder = &yielder;
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &sleeper.task), 0);
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &yielder.task), 0);
  cr_assert_eq(bcsc_executor_poll(&g_ex, 100000), 1002);
  cr_assert(bcsc_task_done(&sleeper.task), "the sleeper slept through it");
  cr_assert_eq(sleeper.rc[0], 0);
  /* Woken at the first look after the clock moved: within 64 turns. */
  cr_assert_leq(sleeper.msg, 66);
  cr_assert(bcsc_task_done(&yielder.task));
  cr_assert_eq(bcsc_sim_reactor_parks(&g_sim), 0);
  cr_assert_eq(g_misuse.count, 0);
  down();
}

/* Setting a timer again forgets how late its last tick was: 0 for a
 * one-shot timer (bcsc_timer_missed()'s doc) and for a periodic one that
 * has not ticked yet. Kills timer.c:117:3:sdl (bcsc_timer_set() kept the
 * old count) and timer.c:139:24:crp+1 (bcsc_timer_set_periodic() started
 * it at 1). */

static int step_late_ticks(mt_t *c) {
  bcsc_timer_t *timer = c->obj;
  uint64_t now = bcsc_sim_reactor_now(&g_sim);
  /* Ticks at now+10, +20, +30, +40 all passed when the first is taken. */
  cr_assert_eq(bcsc_timer_set_periodic(timer, now + 10, 10, BCSC_TICK_BURST),
               0);
  cr_assert_eq(bcsc_sim_reactor_advance(&g_sim, 45), 0);
  cr_assert_eq(bcsc_timer_wait(&c->task, timer), 0);
  cr_assert_eq(bcsc_timer_missed(timer), 3);
  cr_assert_eq(bcsc_timer_set_periodic(timer, now + 100, 10, BCSC_TICK_BURST),
               0);
  cr_assert_eq(bcsc_timer_missed(timer), 0);
  cr_assert_eq(bcsc_timer_missed_total(timer), 0);
  now = bcsc_sim_reactor_now(&g_sim);
  cr_assert_eq(bcsc_timer_set_periodic(timer, now + 10, 10, BCSC_TICK_BURST),
               0);
  cr_assert_eq(bcsc_sim_reactor_advance(&g_sim, 45), 0);
  cr_assert_eq(bcsc_timer_wait(&c->task, timer), 0);
  cr_assert_eq(bcsc_timer_missed(timer), 3);
  cr_assert_eq(bcsc_timer_set(timer, now + 1000), 0);
  cr_assert_eq(bcsc_timer_missed(timer), 0);
  c->rc[0] = 0;
  return 0;
}

Test(mutation, setting_a_timer_again_clears_its_missed_ticks) {
  bcsc_timer_t timer;
  mt_t a;
  sim_up();
  cr_assert_eq(bcsc_timer_init(&timer), 0);
  mt_init(&a, step_late_ticks);
  a.obj = &timer;
  cr_assert_eq(bcsc_executor_run(&g_ex, &a.task), 0);
  cr_assert_eq(a.rc[0], 0);
  cr_assert_eq(g_misuse.count, 0);
  down();
}

/* The largest slot table there can be is taken. Kills waker.c:33:44:ror
 * (count > BCSC_WAKER_SLOTS_MAX -> >=: 65,535 slots were refused). */
Test(mutation, the_largest_waker_slot_table_is_taken) {
  static bcsc_waker_slot_t slots[BCSC_WAKER_SLOTS_MAX + 1];
  bcsc_executor_t ex;
  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  cr_assert_eq(
      bcsc_executor_set_waker_slots(&ex, slots, BCSC_WAKER_SLOTS_MAX + 1),
      BCSC_EINVAL);
  cr_assert_eq(reports(BCSC_MISUSE_BAD_ARGUMENT), bcsc_test_misuse_expected(1));
  cr_assert_eq(bcsc_executor_set_waker_slots(&ex, slots, BCSC_WAKER_SLOTS_MAX),
               0);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
}

/* A watch reader's registration overwritten while it waits: publishing
 * reports it and fails instead of answering "published, readers woken".
 * Kills watch.c:68:10:rvr (rc < 0 ? rc : 0 -> 0). */

static int step_watch_changed(mt_t *c) {
  int rc = bcsc_watch_changed(&c->task, c->obj, &c->w, 0);
  if (rc == BCSC_PENDING)
    return rc;
  c->rc[0] = rc;
  return rc == BCSC_ECANCELED ? 0 : rc;
}

Test(mutation, watch_publish_reports_a_clobbered_reader) {
  bcsc_watch_t w;
  uint32_t buffer = 0, value = 5, got = 0;
  mt_t a;
  need_canaries();
  up();
  cr_assert_eq(bcsc_watch_init(&w, &buffer, sizeof buffer), 0);
  mt_init(&a, step_watch_changed);
  a.obj = &w;
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &a.task), 0);
  cr_assert_eq(bcsc_executor_poll(&g_ex, 8), 1);
  a.w.priv.magic ^= 0x0100;
  cr_assert_eq(bcsc_watch_publish(&w, &value, sizeof value), BCSC_EBADOBJ);
  a.w.priv.magic ^= 0x0100;
  cr_assert_eq(reports(BCSC_MISUSE_FRAME_CLOBBERED), 1);
  /* The value went in; the reader, still linked, ends by cancellation. */
  cr_assert_eq(bcsc_watch_read(&w, &got, sizeof got, NULL), 0);
  cr_assert_eq(got, 5);
  cr_assert_eq(bcsc_task_cancel(&a.task), 0);
  cr_assert_eq(bcsc_executor_run(&g_ex, NULL), 0);
  cr_assert_eq(a.rc[0], BCSC_ECANCELED);
  cr_assert_eq(bcsc_watch_deinit(&w), 0);
  down();
}

/* ---- seed 2 again, against the sources of 0.5.0 ---------------------------
 * `scripts/mutate.sh --sample 100 --seed 2`: 10 of 100 survived; these
 * tests kill the two that were gaps (docs/testing.md). */

/* A semaphore moved while a task waits on it: a call on the copy is
 * refused even when it would not wake anybody. Kills semaphore.c:29:10:rvr
 * (the semaphore's check without its list's move check: a try_acquire on
 * the copy answered EAGAIN, as if the copy were the semaphore). */

typedef struct {
  bcsc_task_t task;
  bcsc_semaphore_t *sem;
  bcsc_semaphore_waiter_t waiter;
  int rc;
} sem_taker_t;

static int sem_taker_poll(bcsc_task_t *t) {
  sem_taker_t *s = (sem_taker_t *)(void *)t;
  s->rc = bcsc_semaphore_acquire(t, s->sem, &s->waiter, 1);
  if (s->rc == BCSC_PENDING)
    return s->rc;
  if (s->rc == 0)
    cr_assert_eq(bcsc_semaphore_release(s->sem, 1), 0);
  return s->rc;
}

Test(mutation, a_semaphore_moved_while_a_task_waits_is_refused) {
  bcsc_semaphore_t sem, moved;
  sem_taker_t s;
  need_canaries();
  up();
  cr_assert_eq(bcsc_semaphore_init(&sem, 0), 0);
  memset(&s, 0, sizeof s);
  cr_assert_eq(bcsc_task_init(&s.task, sem_taker_poll, NULL), 0);
  cr_assert_eq(bcsc_semaphore_waiter_init(&s.waiter), 0);
  s.sem = &sem;
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &s.task), 0);
  cr_assert_eq(bcsc_executor_poll(&g_ex, 8), 1);
  cr_assert_eq(s.rc, BCSC_PENDING);
  memcpy(&moved, &sem, sizeof sem);
  cr_assert_eq(bcsc_semaphore_try_acquire(&moved, 1), BCSC_EBADOBJ);
  cr_assert_eq(g_misuse.count, 1);
  /* The semaphore where it was is intact. */
  cr_assert_eq(bcsc_semaphore_release(&sem, 1), 0);
  cr_assert_eq(bcsc_executor_run(&g_ex, NULL), 0);
  cr_assert_eq(s.rc, 0);
  cr_assert_eq(bcsc_semaphore_available(&sem), 1);
  cr_assert_eq(bcsc_semaphore_deinit(&sem), 0);
  down();
}

/* bcsc_sleep_until() on a periodic timer whose tick has not fired turns it
 * into that one-shot sleep at once, even for the deadline it already has:
 * the tick then taken (here by bcsc_timer_wait(), the same timer) leaves
 * nothing armed. Kills timer.c:196:36:ror (state != FIRED -> ==: the timer
 * stayed periodic until the next bcsc_sleep_until() call, so the tick taken
 * in between armed it again for 110). */

static int step_sleep_until_100(mt_t *c) {
  int rc;
  if (c->polls == 1) {
    rc = bcsc_sleep_until(&c->task, c->obj, 100);
    cr_assert_eq(rc, BCSC_PENDING);
    cr_assert_eq(bcsc_sim_reactor_advance(&g_sim, 100), 0);
    return rc;
  }
  c->rc[0] = bcsc_timer_wait(&c->task, c->obj);
  return 0;
}

Test(mutation, sleep_until_makes_an_unfired_periodic_timer_one_shot) {
  bcsc_timer_t timer;
  mt_t a;
  sim_up();
  cr_assert_eq(bcsc_timer_init(&timer), 0);
  cr_assert_eq(bcsc_timer_set_periodic(&timer, 100, 10, BCSC_TICK_BURST), 0);
  mt_init(&a, step_sleep_until_100);
  a.obj = &timer;
  cr_assert_eq(bcsc_executor_run(&g_ex, &a.task), 0);
  cr_assert_eq(a.rc[0], 0);
  cr_assert_eq(a.polls, 2);
  cr_assert_eq(bcsc_timer_deadline(&timer), BCSC_NO_DEADLINE);
  cr_assert_eq(g_misuse.count, 0);
  down();
}

/* ---- seed 12: the core's headers ------------------------------------------
 * `scripts/mutate.sh --file internal.h --sample 80 --seed 12`: the inline
 * helpers of internal.h, never drawn before (docs/testing.md). */

/* An object moved by 8 bytes, the least a move can be (objects are 8-byte
 * aligned), while its address is recorded: the call on it is refused as
 * moved, from either half of a 16-byte line (the tag is taken of a list
 * inside the semaphore, wherever that lies). Kills internal.h:291:42:crp+1
 * (bcsc__self_tag() keyed with the address >> 4: a move within 16 bytes
 * kept the tag, and a try_acquire on the moved semaphore answered EAGAIN,
 * as if it were where its waiter's registration points). */
static void move_by_eight(unsigned char *place) {
  bcsc_semaphore_t *sem = (bcsc_semaphore_t *)(void *)place;
  bcsc_semaphore_t *moved = (bcsc_semaphore_t *)(void *)(place + 8);
  sem_taker_t s;
  up();
  cr_assert_eq(bcsc_semaphore_init(sem, 0), 0);
  memset(&s, 0, sizeof s);
  cr_assert_eq(bcsc_task_init(&s.task, sem_taker_poll, NULL), 0);
  cr_assert_eq(bcsc_semaphore_waiter_init(&s.waiter), 0);
  s.sem = sem;
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &s.task), 0);
  cr_assert_eq(bcsc_executor_poll(&g_ex, 8), 1);
  cr_assert_eq(s.rc, BCSC_PENDING);
  memmove(moved, sem, sizeof *sem);
  cr_assert_eq(bcsc_semaphore_try_acquire(moved, 1), BCSC_EBADOBJ);
  cr_assert(bcsc_test_misuse_one(&g_misuse, BCSC_MISUSE_MOVED, moved));
  /* Back where its waiter's links point (the refused call wrote nothing),
   * it ends as it would have. */
  memmove(sem, moved, sizeof *sem);
  cr_assert_eq(bcsc_semaphore_release(sem, 1), 0);
  cr_assert_eq(bcsc_executor_run(&g_ex, NULL), 0);
  cr_assert_eq(s.rc, 0);
  cr_assert_eq(bcsc_semaphore_deinit(sem), 0);
  down();
}

Test(mutation, an_object_moved_by_eight_bytes_is_refused) {
  _Alignas(16) unsigned char line[sizeof(bcsc_semaphore_t) + 16];
  move_by_eight(line);
  move_by_eight(line + 8);
}

/* A task frame moved by 8 bytes while it waits: a call on it is refused as
 * moved, from either half of a 16-byte line. Kills internal.h:341:27:crp-1
 * (bcsc__task_tag16() masked with 0x7ffe: the bit that tells two frames
 * 8 bytes apart was dropped, and the moved frame was cancelled). */
static void move_task_by_eight(unsigned char *place) {
  sem_taker_t *s = (sem_taker_t *)(void *)place;
  sem_taker_t *moved = (sem_taker_t *)(void *)(place + 8);
  bcsc_semaphore_t sem;
  up();
  cr_assert_eq(bcsc_semaphore_init(&sem, 0), 0);
  memset(s, 0, sizeof *s);
  cr_assert_eq(bcsc_task_init(&s->task, sem_taker_poll, NULL), 0);
  cr_assert_eq(bcsc_semaphore_waiter_init(&s->waiter), 0);
  s->sem = &sem;
  cr_assert_eq(bcsc_executor_spawn(&g_ex, &s->task), 0);
  cr_assert_eq(bcsc_executor_poll(&g_ex, 8), 1);
  cr_assert_eq(s->rc, BCSC_PENDING);
  memmove(moved, s, sizeof *s);
  cr_assert_eq(bcsc_task_cancel(&moved->task), BCSC_EBADOBJ);
  cr_assert(bcsc_test_misuse_one(&g_misuse, BCSC_MISUSE_MOVED, moved));
  /* Back where the semaphore's list points, it ends as it would have. */
  memmove(s, moved, sizeof *s);
  cr_assert_eq(bcsc_semaphore_release(&sem, 1), 0);
  cr_assert_eq(bcsc_executor_run(&g_ex, NULL), 0);
  cr_assert_eq(s->rc, 0);
  cr_assert_eq(bcsc_semaphore_deinit(&sem), 0);
  down();
}

Test(mutation, a_task_moved_by_eight_bytes_is_refused) {
  _Alignas(16) unsigned char line[sizeof(sem_taker_t) + 16];
  move_task_by_eight(line);
  move_task_by_eight(line + 8);
}

/* A running task that asks about itself with a bit of its own header word
 * flipped: the fast compare of bcsc__task_polled() must send it to the
 * full checks, which refuse it - in the release build too, where that
 * compare is the only one on the fast path (D32). Bit 0 of each field:
 * the task magic 0x7a5c has it clear, RUNNING (2) too. Kills the release
 * build's internal.h:728:60:crp-1 (the magic's mask 0xffff as 0xfffe: a
 * frame whose magic was one bit off passed as polled, and its wait_on
 * registered it) and internal.h:728:45:crp-1 (the state's mask 0xfffe: a
 * RUNNING frame clobbered to WAITING passed); scripts/mutate.sh --preset
 * release. */

enum { CL_MAGIC, CL_STATE, CL_COUNT };

static void clobber_self(mt_t *c, int which) {
  if (which == CL_STATE)
    c->task.priv.state ^= 0x0001;
  else
    c->task.priv.magic ^= 0x0001;
}

static int step_clobbered_self(mt_t *c) {
  const int which = (int)(uintptr_t)c->obj;
  bcsc_waitq_t q;
  cr_assert_eq(bcsc_waitq_init(&q), 0);
  clobber_self(c, which);
  c->rc[0] = bcsc_task_waker_woken(&c->task);
  c->rc[1] = bcsc_wait_on(&c->task, &c->w, &q);
  clobber_self(c, which); /* the same bytes back */
  cr_assert_eq(bcsc_waitq_count(&q), 0);
  c->rc[2] = bcsc_task_waker_woken(&c->task);
  return 0;
}

Test(mutation, a_running_task_with_its_header_clobbered_is_refused) {
  for (int which = 0; which < CL_COUNT; which++) {
    const int32_t code =
        which == CL_STATE ? BCSC_MISUSE_NOT_RUNNING : BCSC_MISUSE_BAD_OBJECT;
    const int rc = which == CL_STATE ? BCSC_EPERM : BCSC_EBADOBJ;
    mt_t c;
    bcsc_test_misuse_install(&g_misuse); /* counts from 0 */
    up();
    mt_init(&c, step_clobbered_self);
    c.obj = (void *)(uintptr_t)which;
    cr_assert_eq(bcsc_executor_spawn(&g_ex, &c.task), 0);
    cr_assert_eq(bcsc_executor_run(&g_ex, NULL), 0);
    cr_assert_eq(c.rc[0], rc, "clobber %d: %d", which, c.rc[0]);
    cr_assert_eq(c.rc[1], rc, "clobber %d: %d", which, c.rc[1]);
    cr_assert_eq(c.rc[2], 0);
    cr_assert_eq(bcsc_task_result(&c.task), 0);
    cr_assert_eq(reports(code), bcsc_test_misuse_expected(2));
    down();
  }
}
