/* SPDX-License-Identifier: MIT
 * test_mutex.c - the async mutex through the public API: lock, try_lock
 * and unlock, FIFO hand-over, tasks cancelled while they wait (before and
 * after the hand-over) never holding the lock, declined hand-overs, misuse
 * (unlock by a task that does not hold it, locking twice, deinit while in
 * use), release by a holder that completes without unlocking, and a
 * randomized storm checking mutual exclusion, FIFO order and
 * that a free lock never sits next to a sleeping waiter. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include <bcsc.h>
#include <bcsc/mutex.h>

#include "bcsc_stepped.h"
#include "bcsc_test.h"

/* AWAIT, BAIL, DECLINE as in test_semaphore.c; FORGET: a holder that
 * returns without unlocking, when let go or cancelled. */
enum { AWAIT = 0, BAIL = 1, DECLINE = 2, FORGET = 3 };

typedef struct locker {
  bcsc_task_t task;
  bcsc_wait_t wait;
  bcsc_wait_t hold_wait;
  bcsc_waitq_t hold; /* the test wakes it to make the holder unlock */
  bcsc_mutex_t *mutex;
  bcsc_test_log_t *log;
  int id;
  int style;
  uint32_t polls;
  uint64_t ticket; /* when it first asked (0: not yet) */
  int holding;
  int got; /* held the lock at some point */
  int rc;
} locker_t;

static uint64_t next_ticket = 1;
static uint64_t last_ticket_served;
static uint32_t holders;

static int locker_poll(bcsc_task_t *self) {
  locker_t *l = (locker_t *)self;
  int rc;
  l->polls++;
  if (l->holding) {
    /* Cleanup unlocks too, unless the test wants the core to do it. */
    if (bcsc_task_cancelled(self) || bcsc_wait_fired(&l->hold_wait)) {
      if (l->style != FORGET)
        cr_assert_eq(bcsc_mutex_unlock(self, l->mutex), 0);
      l->holding = 0;
      holders--;
      return 0;
    }
    cr_assert_eq(bcsc_wait_register(self, &l->hold_wait, &l->hold), 0);
    return BCSC_PENDING;
  }
  if (l->style == BAIL && bcsc_task_cancelled(self)) {
    l->rc = BCSC_ECANCELED;
    return 0;
  }
  if (l->style == DECLINE && l->ticket != 0 && !bcsc_task_cancelled(self)) {
    l->rc = 2;
    return 0;
  }
  if (l->ticket == 0)
    l->ticket = next_ticket++;
  rc = bcsc_mutex_lock(self, l->mutex, &l->wait);
  if (rc == BCSC_PENDING)
    return BCSC_PENDING;
  l->rc = rc;
  if (rc != 0)
    return 0;
  cr_assert_eq(bcsc_mutex_owner(l->mutex), self);
  cr_assert_eq(holders, 0, "two holders");
  cr_assert_gt(l->ticket, last_ticket_served, "served out of order");
  last_ticket_served = l->ticket;
  holders++;
  l->holding = 1;
  l->got = 1;
  if (l->log != NULL)
    bcsc_test_log_push(l->log, l->id);
  cr_assert_eq(bcsc_wait_register(self, &l->hold_wait, &l->hold), 0);
  return BCSC_PENDING;
}

static bcsc_executor_t ex;
static bcsc_mutex_t mutex;
static bcsc_test_log_t order;

static void locker_init(locker_t *l, int id, int style) {
  memset(l, 0, sizeof *l);
  cr_assert_eq(bcsc_task_init(&l->task, locker_poll, NULL), 0);
  cr_assert_eq(bcsc_wait_init(&l->wait), 0);
  cr_assert_eq(bcsc_wait_init(&l->hold_wait), 0);
  cr_assert_eq(bcsc_waitq_init(&l->hold), 0);
  l->mutex = &mutex;
  l->id = id;
  l->style = style;
  l->rc = BCSC_PENDING;
  l->log = &order;
}

static void setup(void) {
  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  cr_assert_eq(bcsc_mutex_init(&mutex), 0);
  bcsc_test_log_init(&order);
  next_ticket = 1;
  last_ticket_served = 0;
  holders = 0;
}

static void drain(void) {
  while (bcsc_executor_ready(&ex) > 0)
    cr_assert_geq(bcsc_executor_poll(&ex, 1000), 0);
}

static void teardown(void) {
  drain();
  cr_assert_eq(bcsc_executor_live_roots(&ex), 0);
  cr_assert_eq(bcsc_mutex_locked(&mutex), 0);
  cr_assert_eq(bcsc_mutex_deinit(&mutex), 0);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
}

static void spawn(locker_t *l) {
  cr_assert_eq(bcsc_executor_spawn(&ex, &l->task), 0);
}

static void let_go(locker_t *l) {
  cr_assert(l->holding);
  cr_assert_eq(bcsc_waitq_wake_all(&l->hold, 0), 1);
}

static void assert_order(const int *ids, uint32_t n) {
  char buf[256];
  bcsc_test_log_format(&order, buf, sizeof buf);
  cr_assert(bcsc_test_log_equals(&order, ids, n), "order was %s", buf);
}

Test(mutex, lock_and_unlock_hand_over_in_fifo_order) {
  locker_t l[3];
  setup();
  for (int i = 0; i < 3; i++) {
    locker_init(&l[i], i + 1, AWAIT);
    spawn(&l[i]);
  }
  drain();
  assert_order((const int[]){1}, 1);
  cr_assert_eq(bcsc_mutex_owner(&mutex), &l[0].task);
  cr_assert_eq(bcsc_mutex_waiting(&mutex), 2);
  let_go(&l[0]);
  drain();
  let_go(&l[1]);
  drain();
  let_go(&l[2]);
  drain();
  assert_order((const int[]){1, 2, 3}, 3);
  cr_assert_eq(bcsc_mutex_owner(&mutex), NULL);
  teardown();
}

/* bcsc_mutex_locked() is true from the lock to its last unlock: held, and
 * handed over to a waiter that has not taken it yet. */
Test(mutex, locked_while_held_and_while_handed_over) {
  locker_t a, b;
  setup();
  locker_init(&a, 1, AWAIT);
  locker_init(&b, 2, AWAIT);
  cr_assert_eq(bcsc_mutex_locked(&mutex), 0);
  spawn(&a);
  spawn(&b);
  drain();
  cr_assert_eq(bcsc_mutex_owner(&mutex), &a.task);
  cr_assert_eq(bcsc_mutex_locked(&mutex), 1, "held");
  let_go(&a);
  cr_assert_eq(bcsc_executor_poll(&ex, 1), 1); /* a unlocks: b is woken */
  cr_assert_eq(bcsc_mutex_owner(&mutex), NULL);
  cr_assert_eq(bcsc_mutex_locked(&mutex), 1, "handed over");
  drain();
  cr_assert_eq(bcsc_mutex_owner(&mutex), &b.task);
  cr_assert_eq(bcsc_mutex_locked(&mutex), 1, "held by the next");
  let_go(&b);
  drain();
  cr_assert_eq(bcsc_mutex_locked(&mutex), 0);
  teardown();
}

/* A task may unlock for the holder (bcsc_mutex_unlock() names the holder,
 * and need not be called from its poll): a waiter that does so in the poll
 * that queued it is handed the lock during its own poll, and its next lock
 * call through that registration takes it. A wake handed over so from
 * another mutex's list and offered to a lock on a third one goes on, as
 * any other list's wake does (D96): nobody else waits for it, so that
 * mutex is free, and the registration is idle for the next call. */
typedef struct holders_unlocker {
  bcsc_task_t task;
  bcsc_wait_t wait[2];
  bcsc_task_t *holder[2]; /* of `mutex`, of `other` */
  bcsc_mutex_t *other, *free_one;
  int rc[10];
  bcsc_task_t *owner[2]; /* of `mutex`, of `other`, once taken */
} holders_unlocker_t;

static int holders_unlocker_poll(bcsc_task_t *self) {
  holders_unlocker_t *u = (holders_unlocker_t *)self;
  u->rc[0] = bcsc_mutex_lock(self, &mutex, &u->wait[0]);
  u->rc[1] = bcsc_mutex_unlock(u->holder[0], &mutex);
  u->rc[2] = bcsc_mutex_lock(self, &mutex, &u->wait[0]);
  u->rc[3] = bcsc_mutex_lock(self, u->other, &u->wait[1]);
  u->rc[4] = bcsc_mutex_unlock(u->holder[1], u->other);
  u->rc[5] = bcsc_mutex_lock(self, u->free_one, &u->wait[1]);
  u->rc[6] = bcsc_mutex_lock(self, u->other, &u->wait[1]);
  u->owner[0] = bcsc_mutex_owner(&mutex);
  u->owner[1] = bcsc_mutex_owner(u->other);
  u->rc[7] = bcsc_mutex_unlock(self, &mutex);
  u->rc[8] = bcsc_mutex_unlock(self, u->other);
  u->rc[9] = bcsc_mutex_unlock(self, u->free_one);
  return 0;
}

Test(mutex, a_waiter_that_unlocks_for_the_holder_takes_the_lock_in_that_poll) {
  bcsc_test_misuse_t rec;
  bcsc_mutex_t other, free_one;
  locker_t a, b;
  holders_unlocker_t u;
  setup();
  cr_assert_eq(bcsc_mutex_init(&other), 0);
  cr_assert_eq(bcsc_mutex_init(&free_one), 0);
  /* FORGET: once told to let go, the holders return without an unlock
   * (the lock is no longer theirs). */
  locker_init(&a, 1, FORGET);
  locker_init(&b, 2, FORGET);
  b.mutex = &other;
  spawn(&a);
  drain();
  holders = 0; /* the lockers count the holders of one mutex */
  spawn(&b);
  drain();
  cr_assert_eq(bcsc_mutex_owner(&mutex), &a.task);
  cr_assert_eq(bcsc_mutex_owner(&other), &b.task);
  memset(&u, 0, sizeof u);
  cr_assert_eq(bcsc_task_init(&u.task, holders_unlocker_poll, NULL), 0);
  cr_assert_eq(bcsc_wait_init(&u.wait[0]), 0);
  cr_assert_eq(bcsc_wait_init(&u.wait[1]), 0);
  u.holder[0] = &a.task;
  u.holder[1] = &b.task;
  u.other = &other;
  u.free_one = &free_one;
  bcsc_test_misuse_install(&rec);
  cr_assert_eq(bcsc_executor_spawn(&ex, &u.task), 0);
  drain();
  cr_assert(bcsc_task_done(&u.task));
  cr_assert_eq(u.rc[0], BCSC_PENDING);
  cr_assert_eq(u.rc[1], 0);
  cr_assert_eq(u.rc[2], 0, "took the lock handed to it in this poll");
  cr_assert_eq(u.rc[3], BCSC_PENDING);
  cr_assert_eq(u.rc[4], 0);
  cr_assert_eq(u.rc[5], 0, "free_one was free");
  cr_assert_eq(rec.count, 0);
  cr_assert_eq(u.rc[6], 0, "the wake went on and left other free");
  cr_assert_eq(u.owner[0], &u.task);
  cr_assert_eq(u.owner[1], &u.task);
  cr_assert_eq(u.rc[7], 0);
  cr_assert_eq(u.rc[8], 0);
  cr_assert_eq(u.rc[9], 0);
  bcsc_test_misuse_uninstall();
  let_go(&a);
  let_go(&b);
  drain();
  cr_assert_eq(bcsc_mutex_locked(&other), 0);
  cr_assert_eq(bcsc_mutex_deinit(&other), 0);
  cr_assert_eq(bcsc_mutex_deinit(&free_one), 0);
  teardown();
}

Test(mutex, static_initialiser_matches_init) {
  bcsc_mutex_t m1 = BCSC_MUTEX_INITIALIZER, m2;
  memset(&m2, 0x5a, sizeof m2);
  cr_assert_eq(bcsc_mutex_init(&m2), 0);
  cr_assert_eq(memcmp(&m1, &m2, sizeof m1), 0);
  cr_assert_eq(bcsc_mutex_sizeof(), sizeof(bcsc_mutex_t));
  cr_assert_eq(bcsc_mutex_alignof(), _Alignof(bcsc_mutex_t));
  cr_assert_eq(bcsc_mutex_deinit(&m1), 0);
  cr_assert_eq(bcsc_mutex_deinit(&m2), 0);
}

/* try_lock from a task: free -> 0; held -> EAGAIN; while a hand-over is
 * under way -> EAGAIN too (no barging). */
typedef struct trier {
  bcsc_task_t task;
  int rc;
  int unlock_rc;
} trier_t;

static int trier_poll(bcsc_task_t *self) {
  trier_t *t = (trier_t *)self;
  t->rc = bcsc_mutex_try_lock(self, &mutex);
  if (t->rc == 0)
    t->unlock_rc = bcsc_mutex_unlock(self, &mutex);
  return 0;
}

static void try_once(trier_t *t) {
  memset(t, 0, sizeof *t);
  cr_assert_eq(bcsc_task_init(&t->task, trier_poll, NULL), 0);
  cr_assert_eq(bcsc_executor_spawn(&ex, &t->task), 0);
  drain();
}

Test(mutex, try_lock_never_waits_and_never_barges) {
  locker_t a, b;
  trier_t t;
  setup();
  try_once(&t);
  cr_assert_eq(t.rc, 0);
  cr_assert_eq(t.unlock_rc, 0);
  locker_init(&a, 1, AWAIT);
  locker_init(&b, 2, AWAIT);
  spawn(&a);
  spawn(&b);
  drain();
  try_once(&t);
  cr_assert_eq(t.rc, BCSC_EAGAIN);
  let_go(&a);
  cr_assert_eq(bcsc_executor_poll(&ex, 1), 1); /* a unlocks: b is woken */
  cr_assert_eq(bcsc_mutex_owner(&mutex), NULL);
  cr_assert_eq(bcsc_mutex_locked(&mutex), 1, "on its way to b");
  memset(&t, 0, sizeof t);
  cr_assert_eq(bcsc_task_init(&t.task, trier_poll, NULL), 0);
  cr_assert_eq(bcsc_executor_spawn(&ex, &t.task), 0);
  drain();
  cr_assert_eq(t.rc, BCSC_EAGAIN);
  cr_assert_eq(b.holding, 1);
  let_go(&b);
  teardown();
}

Test(mutex, a_waiter_cancelled_before_the_hand_over_never_holds_it) {
  locker_t a, b, c;
  setup();
  locker_init(&a, 1, AWAIT);
  locker_init(&b, 2, AWAIT);
  locker_init(&c, 3, BAIL);
  spawn(&a);
  spawn(&b);
  spawn(&c);
  drain();
  cr_assert_eq(bcsc_task_cancel(&b.task), 0);
  drain();
  cr_assert_eq(b.rc, BCSC_ECANCELED);
  cr_assert_eq(b.got, 0);
  let_go(&a);
  drain();
  assert_order((const int[]){1, 3}, 2);
  let_go(&c);
  teardown();
}

/* Handed the lock, then cancelled before its poll: it never holds it, and
 * the lock goes on to the next waiter, however the task leaves. */
static void handed_then_left(int style, int cancel) {
  locker_t a, b, c;
  setup();
  locker_init(&a, 1, AWAIT);
  locker_init(&b, 2, style);
  locker_init(&c, 3, AWAIT);
  spawn(&a);
  spawn(&b);
  spawn(&c);
  drain();
  let_go(&a);
  cr_assert_eq(bcsc_executor_poll(&ex, 1), 1); /* a unlocks: b is woken */
  if (cancel)
    cr_assert_eq(bcsc_task_cancel(&b.task), 0);
  drain();
  cr_assert_eq(b.got, 0);
  cr_assert_eq(b.rc, cancel ? BCSC_ECANCELED : 2);
  assert_order((const int[]){1, 3}, 2);
  let_go(&c);
  teardown();
}

Test(mutex, handed_then_cancelled_awaiting_passes_the_lock_on) {
  handed_then_left(AWAIT, 1);
}

Test(mutex, handed_then_cancelled_bailing_passes_the_lock_on) {
  handed_then_left(BAIL, 1);
}

Test(mutex, a_declined_hand_over_passes_the_lock_on) {
  handed_then_left(DECLINE, 0);
}

Test(mutex, a_hand_over_nobody_takes_frees_the_lock) {
  locker_t a, b;
  trier_t t;
  setup();
  locker_init(&a, 1, AWAIT);
  locker_init(&b, 2, BAIL);
  spawn(&a);
  spawn(&b);
  drain();
  let_go(&a);
  cr_assert_eq(bcsc_executor_poll(&ex, 1), 1);
  cr_assert_eq(bcsc_task_cancel(&b.task), 0);
  drain();
  cr_assert_eq(bcsc_mutex_locked(&mutex), 0);
  try_once(&t);
  cr_assert_eq(t.rc, 0, "free again");
  teardown();
}

/* A holder that completes without unlocking - cancelled, or returning -
 * releases the lock as it completes: the next waiter gets it, in order. */
static void holder_forgets(int cancel) {
  locker_t a, b, c;
  setup();
  locker_init(&a, 1, FORGET);
  locker_init(&b, 2, AWAIT);
  locker_init(&c, 3, AWAIT);
  spawn(&a);
  spawn(&b);
  spawn(&c);
  drain();
  cr_assert_eq(bcsc_mutex_owner(&mutex), &a.task);
  if (cancel)
    cr_assert_eq(bcsc_task_cancel(&a.task), 0);
  else
    let_go(&a);
  drain();
  cr_assert(bcsc_task_done(&a.task));
  cr_assert_eq(bcsc_mutex_owner(&mutex), &b.task, "released to the next");
  let_go(&b);
  drain();
  let_go(&c);
  drain();
  assert_order((const int[]){1, 2, 3}, 3);
  teardown();
}

Test(mutex, a_cancelled_holder_that_does_not_unlock_releases_the_lock) {
  holder_forgets(1);
}

Test(mutex, a_holder_that_returns_holding_the_lock_releases_it) {
  holder_forgets(0);
}

/* A task holding two mutexes (one by try_lock) releases both when it
 * completes, and leaves a third, held by another task, alone. */
typedef struct hoarder {
  bcsc_task_t task;
  bcsc_mutex_t *a, *b;
  int rc_a, rc_b;
} hoarder_t;

static int hoarder_poll(bcsc_task_t *self) {
  hoarder_t *h = (hoarder_t *)self;
  h->rc_a = bcsc_mutex_try_lock(self, h->a);
  h->rc_b = bcsc_mutex_try_lock(self, h->b);
  return BCSC_DONE; /* without unlocking either */
}

Test(mutex, every_lock_of_a_completing_task_is_released_and_only_those) {
  bcsc_mutex_t m1, m2;
  hoarder_t h;
  trier_t t;
  locker_t other;
  setup();
  cr_assert_eq(bcsc_mutex_init(&m1), 0);
  cr_assert_eq(bcsc_mutex_init(&m2), 0);
  locker_init(&other, 1, AWAIT); /* holds `mutex` throughout */
  spawn(&other);
  drain();
  memset(&h, 0, sizeof h);
  cr_assert_eq(bcsc_task_init(&h.task, hoarder_poll, NULL), 0);
  h.a = &m1;
  h.b = &m2;
  cr_assert_eq(bcsc_executor_spawn(&ex, &h.task), 0);
  drain();
  cr_assert(bcsc_task_done(&h.task));
  cr_assert_eq(h.rc_a, 0);
  cr_assert_eq(h.rc_b, 0);
  cr_assert_eq(bcsc_mutex_locked(&m1), 0);
  cr_assert_eq(bcsc_mutex_locked(&m2), 0);
  cr_assert_eq(bcsc_mutex_owner(&mutex), &other.task, "not released");
  try_once(&t);
  cr_assert_eq(t.rc, BCSC_EAGAIN, "still held by the other task");
  cr_assert_eq(bcsc_mutex_deinit(&m1), 0);
  cr_assert_eq(bcsc_mutex_deinit(&m2), 0);
  let_go(&other);
  teardown();
}

/* Misuse: unlock by a task that does not hold it, locking twice. */
typedef struct misuser {
  bcsc_task_t task;
  bcsc_wait_t wait;
  int unlock_rc, lock_rc, try_rc;
} misuser_t;

static int misuser_poll(bcsc_task_t *self) {
  misuser_t *m = (misuser_t *)self;
  m->unlock_rc = bcsc_mutex_unlock(self, &mutex);
  cr_assert_eq(bcsc_mutex_lock(self, &mutex, &m->wait), 0);
  m->lock_rc = bcsc_mutex_lock(self, &mutex, &m->wait);
  m->try_rc = bcsc_mutex_try_lock(self, &mutex);
  cr_assert_eq(bcsc_mutex_unlock(self, &mutex), 0);
  return 0;
}

Test(mutex, misuse_is_refused) {
  bcsc_test_misuse_t rec;
  misuser_t m;
  locker_t a;
  bcsc_mutex_t junk;
  setup();
  memset(&junk, 0, sizeof junk);
  cr_assert_eq(bcsc_task_init(&m.task, misuser_poll, NULL), 0);
  cr_assert_eq(bcsc_wait_init(&m.wait), 0);
  bcsc_test_misuse_install(&rec);
  cr_assert_eq(bcsc_mutex_init(NULL), BCSC_EINVAL);
  cr_assert_eq(bcsc_mutex_deinit(&junk), BCSC_EBADOBJ);
  cr_assert_eq(bcsc_mutex_deinit(NULL), BCSC_EINVAL);
  cr_assert_eq(bcsc_mutex_try_lock(&m.task, &mutex), BCSC_EPERM,
               "not the running task");
  cr_assert_eq(bcsc_executor_spawn(&ex, &m.task), 0);
  drain();
  cr_assert_eq(m.unlock_rc, BCSC_EPERM);
  cr_assert_eq(m.lock_rc, BCSC_EDEADLK);
  cr_assert_eq(m.try_rc, BCSC_EDEADLK);
  cr_assert_eq(rec.count, bcsc_test_misuse_expected(7));
  /* deinit while held, and while a task waits */
  locker_init(&a, 1, AWAIT);
  spawn(&a);
  drain();
  cr_assert_eq(bcsc_mutex_deinit(&mutex), BCSC_EBUSY);
  cr_assert_eq(bcsc_mutex_unlock(&m.task, &mutex), BCSC_EPERM);
  cr_assert_eq(rec.count, bcsc_test_misuse_expected(9));
  bcsc_test_misuse_uninstall();
  cr_assert_eq(bcsc_mutex_owner(NULL), NULL);
  cr_assert_eq(bcsc_mutex_locked(NULL), 0);
  cr_assert_eq(bcsc_mutex_waiting(NULL), 0);
  let_go(&a);
  teardown();
}

/* Lock, try_lock and unlock on the torn-down mutex, from a running task. */
static int torn_down_poll(bcsc_task_t *self) {
  misuser_t *m = (misuser_t *)self;
  m->lock_rc = bcsc_mutex_lock(self, &mutex, &m->wait);
  m->try_rc = bcsc_mutex_try_lock(self, &mutex);
  m->unlock_rc = bcsc_mutex_unlock(self, &mutex);
  return 0;
}

/* Every build refuses each call on a torn-down mutex; the checked build
 * names it. */
Test(mutex, every_call_after_deinit_is_refused) {
  bcsc_test_misuse_t rec;
  misuser_t m;
  setup();
  cr_assert_eq(bcsc_mutex_deinit(&mutex), 0);
  cr_assert_eq(bcsc_task_init(&m.task, torn_down_poll, NULL), 0);
  cr_assert_eq(bcsc_wait_init(&m.wait), 0);
  bcsc_test_misuse_install(&rec);
  cr_assert_eq(bcsc_executor_spawn(&ex, &m.task), 0);
  drain();
  cr_assert_eq(m.lock_rc, BCSC_EBADOBJ);
  cr_assert_eq(m.try_rc, BCSC_EBADOBJ);
  cr_assert_eq(m.unlock_rc, BCSC_EBADOBJ);
  bcsc_test_misuse_uninstall();
  cr_assert_eq(rec.count, bcsc_test_misuse_expected(3));
  for (uint32_t i = 0; i < rec.count; i++) {
    cr_assert_eq(rec.codes[i], BCSC_MISUSE_BAD_OBJECT, "report %u", i);
    cr_assert_eq(rec.objects[i], &mutex, "report %u", i);
  }
  cr_assert_eq(bcsc_mutex_init(&mutex), 0); /* for teardown() */
  teardown();
}

/* D89: a torn-down mutex answers its queries as a zero one does, after
 * holders and waiters have come and gone. The caller's field is left
 * alone. */
Test(mutex, queries_after_deinit_answer_as_for_a_zero_mutex) {
  locker_t a, b;
  setup();
  mutex.data = &a;
  locker_init(&a, 1, AWAIT);
  locker_init(&b, 2, AWAIT);
  spawn(&a);
  spawn(&b);
  drain();
  cr_assert_eq(bcsc_mutex_waiting(&mutex), 1);
  let_go(&a);
  drain();
  let_go(&b);
  drain();
  cr_assert_eq(bcsc_mutex_deinit(&mutex), 0);
  cr_assert_null(bcsc_mutex_owner(&mutex));
  cr_assert_eq(bcsc_mutex_locked(&mutex), 0);
  cr_assert_eq(bcsc_mutex_waiting(&mutex), 0);
  cr_assert_eq(mutex.data, &a);
  cr_assert_eq(bcsc_mutex_init(&mutex), 0); /* for teardown() */
  teardown();
}

static int mutex_lock_of(bcsc_task_t *self, void *m, bcsc_wait_t *wait) {
  return bcsc_mutex_lock(self, m, wait);
}

/* Takes the lock, holds it until its list is woken, then unlocks. */
static int holder_step(ct_t *c) {
  if (c->polls == 1) {
    c->rc[0] = bcsc_mutex_try_lock(&c->task, c->obj);
    cr_assert_eq(bcsc_wait_register(&c->task, &c->w, c->q), 0);
    return BCSC_PENDING;
  }
  c->rc[1] = bcsc_mutex_unlock(&c->task, c->obj);
  return 0;
}

Test(mutex, a_registration_linked_for_another_task_is_refused) {
  bcsc_mutex_t m = BCSC_MUTEX_INITIALIZER;
  bcsc_waitq_t let_go = BCSC_WAITQ_INITIALIZER;
  ct_t holder;
  ct_up(NULL);
  ct_init(&holder, holder_step);
  holder.obj = &m;
  holder.q = &let_go;
  cr_assert_eq(bcsc_executor_spawn(&ct_ex, &holder.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ct_ex, 10), 1);
  cr_assert_eq(holder.rc[0], 0);
  ct_foreign_registration(mutex_lock_of, &m);
  cr_assert_eq(bcsc_mutex_owner(&m), &holder.task, "the holder lost it");
  cr_assert_eq(bcsc_mutex_waiting(&m), 0);
  cr_assert_eq(bcsc_waitq_wake_all(&let_go, 0), 1);
  ct_run_down();
  cr_assert_eq(holder.rc[1], 0);
  cr_assert_eq(bcsc_mutex_locked(&m), 0);
  cr_assert_eq(bcsc_mutex_deinit(&m), 0);
  cr_assert_eq(bcsc_waitq_deinit(&let_go), 0);
}

/* ---- randomized storm ------------------------------------------------- */

#define STORM_TASKS 32
static locker_t storm[STORM_TASKS];

static uint64_t rng_state;
static uint64_t rng(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return rng_state;
}

Test(mutex, storm_of_locks_and_cancellations_keeps_exclusion_and_order) {
  uint32_t served = 0, cancels = 0;
  setup();
  rng_state = 0x2545f4914f6cdd1du;
  memset(storm, 0, sizeof storm);
  for (int step = 0; step < 40000; step++) {
    locker_t *l = &storm[rng() % STORM_TASKS];
    switch (rng() % 5) {
    case 0:
    case 1:
      if (l->task.poll == NULL || bcsc_task_done(&l->task)) {
        served += (uint32_t)l->got;
        locker_init(l, (int)(l - storm), (int)(rng() % 4));
        l->log = NULL;
        spawn(l);
      }
      break;
    case 2:
      for (int i = 0; i < STORM_TASKS; i++) {
        locker_t *h = &storm[i];
        if (h->holding && !bcsc_wait_fired(&h->hold_wait) &&
            bcsc_wait_linked(&h->hold_wait)) {
          cr_assert_eq(bcsc_waitq_wake_all(&h->hold, 0), 1);
          break;
        }
      }
      break;
    case 3:
      if (l->task.poll != NULL && !bcsc_task_done(&l->task) &&
          !bcsc_task_cancelled(&l->task) && rng() % 3 == 0) {
        cr_assert_eq(bcsc_task_cancel(&l->task), 0);
        cancels++;
      }
      break;
    default:
      cr_assert_geq(bcsc_executor_poll(&ex, (uint32_t)(rng() % 4)), 0);
      break;
    }
    if (step % 16 == 0) {
      locker_t *holder = NULL;
      drain();
      for (int i = 0; i < STORM_TASKS; i++)
        if (storm[i].holding) {
          cr_assert_null(holder, "two holders");
          holder = &storm[i];
        }
      cr_assert_eq(bcsc_mutex_owner(&mutex),
                   holder != NULL ? &holder->task : NULL);
      if (holder == NULL)
        cr_assert_eq(bcsc_mutex_waiting(&mutex), 0,
                     "step %d: a free lock next to %u sleeping waiters", step,
                     bcsc_mutex_waiting(&mutex));
    }
  }
  for (int i = 0; i < STORM_TASKS; i++)
    if (storm[i].task.poll != NULL && !bcsc_task_done(&storm[i].task))
      cr_assert_eq(bcsc_task_cancel(&storm[i].task), 0);
  drain();
  for (int i = 0; i < STORM_TASKS; i++) {
    served += (uint32_t)storm[i].got;
    cr_assert_eq(bcsc_waitq_deinit(&storm[i].hold), 0);
  }
  cr_assert_gt(served, 1000, "only %u served", served);
  cr_assert_gt(cancels, 200, "only %u cancels", cancels);
  teardown();
}

/* ---- a registration that carries another source's wake ------------------
 *
 * The mutex hands its lock over with hand-off wakes. A node the caller
 * passes in may hold a wake from elsewhere: a plain mark of another list
 * (the node was used there and not consumed) carries no lock, and this
 * mutex's own hand-off wake passed to another primitive is not spent
 * there - it goes on to the mutex's next waiter. */

typedef struct stranger {
  bcsc_task_t task;
  bcsc_wait_t wait;
  bcsc_mutex_t *mutex;
  bcsc_waitq_t *other; /* the plain list the node waits on first */
  bcsc_oneshot_t *oneshot;
  int step;
  int lock_rc; /* the answer of the lock call that follows the stray wake */
  int locked;  /* took the lock at some point */
} stranger_t;

/* Holds the lock until its `other` list is woken, then unlocks. */
static int holder_poll(bcsc_task_t *self) {
  stranger_t *s = (stranger_t *)self;
  if (s->step == 0) {
    cr_assert_eq(bcsc_mutex_lock(self, s->mutex, &s->wait), 0);
    s->locked = 1;
    s->step = 1;
    cr_assert_eq(bcsc_wait_register(self, &s->wait, s->other), 0);
    return BCSC_PENDING;
  }
  cr_assert_eq(bcsc_mutex_unlock(self, s->mutex), 0);
  return 0;
}

/* Waits on its `other` list first; once woken there, locks with the same
 * node, its mark unconsumed. */
static int plain_then_lock_poll(bcsc_task_t *self) {
  stranger_t *s = (stranger_t *)self;
  int rc;
  if (s->step == 0) {
    s->step = 1;
    cr_assert_eq(bcsc_wait_register(self, &s->wait, s->other), 0);
    return BCSC_PENDING;
  }
  cr_assert(bcsc_wait_fired(&s->wait));
  rc = bcsc_mutex_lock(self, s->mutex, &s->wait);
  if (s->step == 1)
    s->lock_rc = rc;
  s->step = 2;
  if (rc != 0)
    return rc;
  s->locked = 1;
  cr_assert_eq(bcsc_mutex_owner(s->mutex), self);
  cr_assert_eq(bcsc_mutex_unlock(self, s->mutex), 0);
  return 0;
}

Test(mutex, a_plain_wake_from_another_list_does_not_carry_the_lock) {
  bcsc_mutex_t m;
  bcsc_waitq_t release, other;
  stranger_t a = {0}, b = {0};
  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  cr_assert_eq(bcsc_mutex_init(&m), 0);
  cr_assert_eq(bcsc_waitq_init(&release), 0);
  cr_assert_eq(bcsc_waitq_init(&other), 0);
  a.mutex = b.mutex = &m;
  a.other = &release;
  b.other = &other;
  cr_assert_eq(bcsc_wait_init(&a.wait), 0);
  cr_assert_eq(bcsc_wait_init(&b.wait), 0);
  cr_assert_eq(bcsc_task_init(&a.task, holder_poll, NULL), 0);
  cr_assert_eq(bcsc_task_init(&b.task, plain_then_lock_poll, NULL), 0);
  cr_assert_eq(bcsc_executor_spawn(&ex, &a.task), 0);
  cr_assert_eq(bcsc_executor_spawn(&ex, &b.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 8), 2);
  cr_assert_eq(bcsc_mutex_owner(&m), &a.task);
  /* b's node fires on `other`; b then locks with it while a holds. */
  cr_assert_eq(bcsc_waitq_wake_one(&other, 0), 1);
  cr_assert_eq(bcsc_executor_poll(&ex, 8), 1);
  cr_assert_eq(b.lock_rc, BCSC_PENDING, "the stray mark was taken as the lock");
  cr_assert_eq(bcsc_mutex_owner(&m), &a.task, "the lock has two holders");
  cr_assert_eq(bcsc_mutex_waiting(&m), 1);
  /* a unlocks: the lock goes to b through its own hand-over. */
  cr_assert_eq(bcsc_waitq_wake_one(&release, 0), 1);
  cr_assert_eq(bcsc_executor_poll(&ex, 8), 2);
  cr_assert(bcsc_task_done(&a.task) && bcsc_task_done(&b.task));
  cr_assert(b.locked);
  cr_assert_not(bcsc_mutex_locked(&m));
  cr_assert_eq(bcsc_mutex_deinit(&m), 0);
  cr_assert_eq(bcsc_waitq_deinit(&release), 0);
  cr_assert_eq(bcsc_waitq_deinit(&other), 0);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
}

/* Waits for the lock; once handed it, receives on a oneshot with the same
 * node instead (its hand-off wake not taken), then returns on the value. */
static int lock_then_oneshot_poll(bcsc_task_t *self) {
  stranger_t *s = (stranger_t *)self;
  int value, rc;
  if (s->step == 0) {
    s->step = 1;
    cr_assert_eq(bcsc_mutex_lock(self, s->mutex, &s->wait), BCSC_PENDING);
    return BCSC_PENDING;
  }
  rc = bcsc_oneshot_recv(self, s->oneshot, &s->wait, &value, sizeof value);
  if (s->step == 1)
    s->lock_rc = rc;
  s->step = 2;
  return rc;
}

/* Waits for the lock, takes it, unlocks. */
static int lock_poll(bcsc_task_t *self) {
  stranger_t *s = (stranger_t *)self;
  int rc = bcsc_mutex_lock(self, s->mutex, &s->wait);
  if (rc != 0)
    return rc;
  s->locked = 1;
  cr_assert_eq(bcsc_mutex_unlock(self, s->mutex), 0);
  return 0;
}

Test(mutex, a_hand_over_passed_to_another_primitive_goes_on_to_the_next) {
  bcsc_mutex_t m;
  bcsc_oneshot_t os;
  int slot, value = 7;
  bcsc_waitq_t release;
  stranger_t a = {0}, b = {0}, c = {0};
  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  cr_assert_eq(bcsc_mutex_init(&m), 0);
  cr_assert_eq(bcsc_oneshot_init(&os, &slot, sizeof slot), 0);
  cr_assert_eq(bcsc_waitq_init(&release), 0);
  a.mutex = b.mutex = c.mutex = &m;
  a.other = &release;
  b.oneshot = &os;
  cr_assert_eq(bcsc_wait_init(&a.wait), 0);
  cr_assert_eq(bcsc_wait_init(&b.wait), 0);
  cr_assert_eq(bcsc_wait_init(&c.wait), 0);
  cr_assert_eq(bcsc_task_init(&a.task, holder_poll, NULL), 0);
  cr_assert_eq(bcsc_task_init(&b.task, lock_then_oneshot_poll, NULL), 0);
  cr_assert_eq(bcsc_task_init(&c.task, lock_poll, NULL), 0);
  cr_assert_eq(bcsc_executor_spawn(&ex, &a.task), 0);
  cr_assert_eq(bcsc_executor_spawn(&ex, &b.task), 0);
  cr_assert_eq(bcsc_executor_spawn(&ex, &c.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 8), 3);
  cr_assert_eq(bcsc_mutex_waiting(&m), 2);
  /* a unlocks: b is handed the lock, and takes a oneshot wait instead;
   * the hand-over goes on to c, which locks and unlocks. */
  cr_assert_eq(bcsc_waitq_wake_one(&release, 0), 1);
  cr_assert_eq(bcsc_executor_poll(&ex, 8), 3);
  cr_assert_eq(b.lock_rc, BCSC_PENDING, "b waits on the oneshot");
  cr_assert(c.locked, "the hand-over was spent by the oneshot");
  cr_assert(bcsc_task_done(&c.task));
  cr_assert_not(bcsc_mutex_locked(&m));
  cr_assert_eq(bcsc_oneshot_send(&os, &value, sizeof value), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 8), 1);
  cr_assert(bcsc_task_done(&b.task));
  cr_assert_eq(bcsc_task_result(&b.task), 0);
  cr_assert_eq(bcsc_mutex_deinit(&m), 0);
  cr_assert_eq(bcsc_oneshot_deinit(&os), 0);
  cr_assert_eq(bcsc_waitq_deinit(&release), 0);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
}
