/* SPDX-License-Identifier: MIT
 * test_copies.c - a copy of an object that bcsc points at, made with memcpy
 * while the original stays where it is (D4, D96, D97). Each state here is
 * one in which the object carried no address tag before D97, or carries
 * none still: the copy is either refused as moved (BCSC_EBADOBJ, one MOVED
 * report in the checked build) or provably changes nothing - the original
 * works to its end, every deinit succeeds, the counts are right.
 *
 * The other states bcsc points at (a live task, an open scope, a linked
 * registration or timer, a list with waiters, an attached node, an
 * executor, a pool, a channel, a broadcast, a hand-off wake) are covered
 * by their suites (test_misuse.c, test_handoff.c, ...). */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include <bcsc.h>

#include "bcsc_test.h"

static bcsc_executor_t ex;

/* ---- a held mutex, nobody waiting -------------------------------------
 * It is on its holder's executor's list of held mutexes, and its waiter
 * list is empty, so untagged: until D97 the copy's unlock took the
 * original off that list, and the holder's completion no longer released
 * it. */

typedef struct holder {
  bcsc_task_t task;
  bcsc_wait_t wait;
  bcsc_mutex_t *mutex;
  bcsc_mutex_t *first; /* held before `mutex`: its neighbour in the list */
  bcsc_mutex_t copy;
  int rc[4];
} holder_t;

static int holder_poll(bcsc_task_t *self) {
  holder_t *h = (holder_t *)self;
  cr_assert_eq(bcsc_mutex_try_lock(self, h->first), 0);
  cr_assert_eq(bcsc_mutex_try_lock(self, h->mutex), 0);
  memcpy(&h->copy, h->mutex, sizeof h->copy);
  h->rc[0] = bcsc_mutex_unlock(self, &h->copy);
  h->rc[1] = bcsc_mutex_try_lock(self, &h->copy);
  h->rc[2] = bcsc_mutex_lock(self, &h->copy, &h->wait);
  h->rc[3] = bcsc_mutex_deinit(&h->copy);
  /* Returns holding both: its completion releases them, through the
   * executor's list. */
  return 0;
}

Test(copies, a_copy_of_a_held_mutex_is_refused_as_moved) {
  bcsc_mutex_t first, mutex;
  holder_t h;
  bcsc_test_misuse_t rec;
  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  cr_assert_eq(bcsc_mutex_init(&first), 0);
  cr_assert_eq(bcsc_mutex_init(&mutex), 0);
  memset(&h, 0, sizeof h);
  cr_assert_eq(bcsc_task_init(&h.task, holder_poll, NULL), 0);
  cr_assert_eq(bcsc_wait_init(&h.wait), 0);
  h.mutex = &mutex;
  h.first = &first;
  cr_assert_eq(bcsc_executor_spawn(&ex, &h.task), 0);
  bcsc_test_misuse_install(&rec);
  cr_assert_eq(bcsc_executor_run(&ex, NULL), 0);
  for (int i = 0; i < 4; i++)
    cr_assert_eq(h.rc[i], BCSC_EBADOBJ, "call %d took the copy", i);
  cr_assert_eq(rec.count, bcsc_test_misuse_expected(4));
  for (uint32_t i = 0; i < rec.count; i++) {
    cr_assert_eq(rec.codes[i], BCSC_MISUSE_MOVED, "report %u", i);
    cr_assert_eq(rec.objects[i], &h.copy, "report %u", i);
  }
  bcsc_test_misuse_uninstall();
  cr_assert(bcsc_task_done(&h.task));
  cr_assert_null(bcsc_mutex_owner(&mutex), "the completion released it");
  cr_assert_null(bcsc_mutex_owner(&first));
  cr_assert_eq(bcsc_mutex_deinit(&mutex), 0);
  cr_assert_eq(bcsc_mutex_deinit(&first), 0);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
}

/* ---- a pool's frame, acquired and not spawned -------------------------
 * Idle, but its slot header ties it to its address: until D97 a copy was
 * spawned, and its completion sent the bytes before the copy home as its
 * slot. */

typedef struct copy_room {
  /* What lies before the copy: not a slot header. */
  unsigned char before[BCSC_POOL_SLOT_HEADER];
  bcsc_test_leaf_t leaf;
} copy_room_t;

Test(copies, a_copy_of_a_pooled_frame_is_refused_as_moved) {
  _Alignas(BCSC_POOL_ALIGN) unsigned char
      memory[2 * BCSC_POOL_STRIDE(sizeof(bcsc_test_leaf_t))];
  _Alignas(BCSC_POOL_ALIGN) copy_room_t room;
  bcsc_pool_t pool;
  bcsc_supervised_t sup;
  bcsc_test_leaf_t *leaf;
  bcsc_test_misuse_t rec;
  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  cr_assert_eq(
      bcsc_pool_init(&pool, memory, sizeof memory, sizeof(bcsc_test_leaf_t), 0),
      0);
  leaf = bcsc_test_leaf_acquire(&pool, 1);
  cr_assert_not_null(leaf);
  memset(&room, 0, sizeof room);
  memcpy(&room.leaf, leaf, sizeof room.leaf);
  bcsc_test_misuse_install(&rec);
  cr_assert_eq(bcsc_executor_spawn(&ex, &room.leaf.task), BCSC_EBADOBJ);
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_MOVED, &room.leaf.task));
  cr_assert_eq(bcsc_supervised_init(&sup, &room.leaf.task,
                                    BCSC_SUPERVISE_IGNORE, 0, NULL, NULL),
               BCSC_EBADOBJ);
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_MOVED, &room.leaf.task));
  /* The pool knows its frames by address: not this one. */
  cr_assert_eq(bcsc_pool_release(&pool, &room.leaf), BCSC_EINVAL);
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_POOL_FOREIGN, &room.leaf));
  bcsc_test_misuse_uninstall();
  cr_assert_eq(bcsc_pool_available(&pool), 1);
  /* The original is spawned, runs and goes home. */
  cr_assert_eq(bcsc_executor_spawn(&ex, &leaf->task), 0);
  cr_assert_eq(bcsc_executor_run(&ex, NULL), 0);
  cr_assert(leaf->finished);
  cr_assert_eq(room.leaf.polls, 0, "the copy never ran");
  cr_assert_eq(bcsc_pool_available(&pool), 2);
  cr_assert_eq(bcsc_pool_deinit(&pool), 0);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
}

/* A pool's frame spawned through each way in: a scope (the executor's
 * root), a start, a supervisor - its tag does not stop them. */
typedef struct starter {
  bcsc_task_t task;
  bcsc_scope_t scope;
  bcsc_start_t start;
  bcsc_task_t *child;
  int phase;
  int rc;
} starter_t;

static int starter_poll(bcsc_task_t *self) {
  starter_t *s = (starter_t *)self;
  int rc;
  if (s->phase == 0) {
    cr_assert_eq(bcsc_scope_init(&s->scope, self, BCSC_SCOPE_WAIT_ALL), 0);
    s->phase = 1;
  }
  if (s->phase == 1) {
    rc = bcsc_scope_start(self, &s->start, &s->scope, s->child);
    if (rc == BCSC_PENDING)
      return rc;
    s->rc = rc;
    s->phase = 2;
  }
  return bcsc_scope_join(&s->scope);
}

static int ready_poll(bcsc_task_t *self) {
  bcsc_test_leaf_t *leaf = (bcsc_test_leaf_t *)self;
  starter_t *s = (starter_t *)leaf->task.data;
  if (leaf->polls++ > 0)
    return 0;
  if (bcsc_start_ready(self, &s->start, 5) != 0)
    return BCSC_TEST_E1;
  return bcsc_task_yield(self);
}

static int yield_poll(bcsc_task_t *self) {
  bcsc_test_leaf_t *leaf = (bcsc_test_leaf_t *)self;
  if (leaf->polls++ == 0)
    return bcsc_task_yield(self);
  return 0;
}

Test(copies, a_pooled_frame_is_spawned_every_way) {
  _Alignas(BCSC_POOL_ALIGN) unsigned char
      memory[3 * BCSC_POOL_STRIDE(sizeof(bcsc_test_leaf_t))];
  bcsc_pool_t pool;
  bcsc_supervised_t sup;
  starter_t s;
  void *a, *b, *c;
  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  cr_assert_eq(
      bcsc_pool_init(&pool, memory, sizeof memory, sizeof(bcsc_test_leaf_t), 0),
      0);
  memset(&s, 0, sizeof s);
  cr_assert_eq(bcsc_pool_acquire(&pool, yield_poll, NULL, &a), 0);
  cr_assert_eq(bcsc_pool_acquire(&pool, ready_poll, &s, &b), 0);
  cr_assert_eq(bcsc_pool_acquire(&pool, yield_poll, NULL, &c), 0);
  ((bcsc_test_leaf_t *)a)->polls = 0;
  ((bcsc_test_leaf_t *)b)->polls = 0;
  ((bcsc_test_leaf_t *)c)->polls = 0;
  cr_assert_eq(bcsc_executor_spawn(&ex, a), 0);
  cr_assert_eq(bcsc_task_init(&s.task, starter_poll, NULL), 0);
  s.child = b;
  cr_assert_eq(bcsc_executor_spawn(&ex, &s.task), 0);
  cr_assert_eq(
      bcsc_supervised_init(&sup, c, BCSC_SUPERVISE_IGNORE, 0, NULL, NULL), 0);
  cr_assert_eq(bcsc_executor_spawn(&ex, &sup.task), 0);
  cr_assert_eq(bcsc_executor_run(&ex, NULL), 0);
  cr_assert_eq(s.rc, 0, "the start got its child ready");
  cr_assert_eq(bcsc_start_value(&s.start), 5);
  cr_assert_eq(((bcsc_test_leaf_t *)a)->polls, 2);
  cr_assert_eq(((bcsc_test_leaf_t *)c)->polls, 2);
  cr_assert_eq(bcsc_pool_available(&pool), 3, "each went home");
  cr_assert_eq(bcsc_pool_deinit(&pool), 0);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
}

/* ---- a list with a hand-off wake out, nobody waiting --------------------
 * The wake names its list, which has no waiter and so no tag. A copy is
 * a list of its own with nobody waiting: waking it wakes nobody, and it
 * keeps the count it was copied with, so it refuses to end (WAITQ_BUSY) -
 * the original's count and wake are untouched. */

typedef struct waker_task {
  bcsc_task_t task;
  bcsc_wait_t wait;
  bcsc_waitq_t *queue;
  uintptr_t value;
  int rc;
} waker_task_t;

static int waiter_poll(bcsc_task_t *self) {
  waker_task_t *w = (waker_task_t *)self;
  int rc = bcsc_wait_on(self, &w->wait, w->queue);
  if (rc == BCSC_PENDING)
    return rc;
  w->value = w->wait.value;
  w->rc = rc;
  return 0;
}

Test(copies, a_copy_of_a_list_with_a_wake_out_changes_nothing) {
  bcsc_waitq_t queue, copy;
  waker_task_t w;
  bcsc_test_misuse_t rec;
  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  cr_assert_eq(bcsc_waitq_init(&queue), 0);
  cr_assert_eq(bcsc_waitq_set_handoff(&queue, 1), 0);
  memset(&w, 0, sizeof w);
  cr_assert_eq(bcsc_task_init(&w.task, waiter_poll, NULL), 0);
  cr_assert_eq(bcsc_wait_init(&w.wait), 0);
  w.queue = &queue;
  cr_assert_eq(bcsc_executor_spawn(&ex, &w.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 10), 1);
  cr_assert_eq(bcsc_waitq_wake_one(&queue, 7), 1);
  memcpy(&copy, &queue, sizeof copy);
  bcsc_test_misuse_install(&rec);
  cr_assert_eq(bcsc_waitq_wake_one(&copy, 1), 0);
  cr_assert_eq(bcsc_waitq_wake_all(&copy, 1), 0);
  cr_assert_eq(bcsc_waitq_count(&copy), 0);
  cr_assert_eq(bcsc_waitq_set_handoff(&copy, 0), BCSC_EBUSY);
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_WAITQ_BUSY, &copy));
  cr_assert_eq(bcsc_waitq_deinit(&copy), BCSC_EBUSY);
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_WAITQ_BUSY, &copy));
  bcsc_test_misuse_uninstall();
  cr_assert_eq(bcsc_executor_run(&ex, NULL), 0);
  cr_assert_eq(w.rc, 0);
  cr_assert_eq(w.value, 7, "the original's wake reached its waiter");
  cr_assert_eq(bcsc_waitq_deinit(&queue), 0, "its count is right");
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
}

/* ---- a mutex handed over, its wake not taken yet -----------------------
 * Nobody holds it and nobody waits: its lock travels with a wake that
 * names its list. A copy is a mutex of its own whose lock is on its way
 * for ever - it cannot be taken, unlocked or ended - and the original goes
 * to the task the wake was for. */

typedef struct hander {
  bcsc_task_t task;
  bcsc_wait_t wait;
  bcsc_waitq_t *gate;
  bcsc_mutex_t *mutex;
  bcsc_mutex_t copy;
  int rc[3];
} hander_t;

/* Takes the lock, waits for the gate, hands the lock over by unlocking,
 * then tries the copy. */
static int hander_poll(bcsc_task_t *self) {
  hander_t *h = (hander_t *)self;
  if (!bcsc_wait_fired(&h->wait)) {
    cr_assert_eq(bcsc_mutex_try_lock(self, h->mutex), 0);
    return bcsc_wait_on(self, &h->wait, h->gate);
  }
  cr_assert_eq(bcsc_wait_on(self, &h->wait, h->gate), 0);
  cr_assert_eq(bcsc_mutex_unlock(self, h->mutex), 0);
  cr_assert(bcsc_mutex_locked(h->mutex), "handed over");
  memcpy(&h->copy, h->mutex, sizeof h->copy);
  h->rc[0] = bcsc_mutex_try_lock(self, &h->copy);
  h->rc[1] = bcsc_mutex_unlock(self, &h->copy);
  h->rc[2] = bcsc_mutex_deinit(&h->copy);
  return 0;
}

typedef struct taker {
  bcsc_task_t task;
  bcsc_wait_t wait;
  bcsc_mutex_t *mutex;
  int got;
} taker_t;

static int taker_poll(bcsc_task_t *self) {
  taker_t *t = (taker_t *)self;
  int rc = bcsc_mutex_lock(self, t->mutex, &t->wait);
  if (rc == BCSC_PENDING)
    return rc;
  cr_assert_eq(rc, 0);
  cr_assert_eq(bcsc_mutex_owner(t->mutex), self);
  t->got = 1;
  return bcsc_mutex_unlock(self, t->mutex);
}

Test(copies, a_copy_of_a_mutex_being_handed_over_changes_nothing) {
  bcsc_mutex_t mutex;
  bcsc_waitq_t gate;
  hander_t h;
  taker_t t;
  bcsc_test_misuse_t rec;
  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  cr_assert_eq(bcsc_mutex_init(&mutex), 0);
  cr_assert_eq(bcsc_waitq_init(&gate), 0);
  memset(&h, 0, sizeof h);
  memset(&t, 0, sizeof t);
  cr_assert_eq(bcsc_task_init(&h.task, hander_poll, NULL), 0);
  cr_assert_eq(bcsc_wait_init(&h.wait), 0);
  cr_assert_eq(bcsc_task_init(&t.task, taker_poll, NULL), 0);
  cr_assert_eq(bcsc_wait_init(&t.wait), 0);
  h.gate = &gate;
  h.mutex = &mutex;
  t.mutex = &mutex;
  cr_assert_eq(bcsc_executor_spawn(&ex, &h.task), 0);
  cr_assert_eq(bcsc_executor_spawn(&ex, &t.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 10), 2); /* holds; waits */
  cr_assert_eq(bcsc_mutex_waiting(&mutex), 1);
  cr_assert_eq(bcsc_waitq_wake_one(&gate, 0), 1);
  bcsc_test_misuse_install(&rec);
  cr_assert_eq(bcsc_executor_run(&ex, NULL), 0);
  cr_assert_eq(h.rc[0], BCSC_EAGAIN, "the copy's lock is on its way");
  cr_assert_eq(h.rc[1], BCSC_EPERM, "the copy has no holder");
  cr_assert_eq(h.rc[2], BCSC_EBUSY, "the copy's wake is out");
  cr_assert_eq(rec.count, bcsc_test_misuse_expected(2));
  cr_assert_eq(bcsc_test_misuse_count_code(&rec, BCSC_MISUSE_BAD_ARGUMENT),
               bcsc_test_misuse_expected(1));
  cr_assert_eq(bcsc_test_misuse_count_code(&rec, BCSC_MISUSE_WAITQ_BUSY),
               bcsc_test_misuse_expected(1));
  bcsc_test_misuse_uninstall();
  cr_assert(t.got, "the wake took the original's lock to its task");
  cr_assert_not(bcsc_mutex_locked(&mutex));
  cr_assert_eq(bcsc_mutex_deinit(&mutex), 0);
  cr_assert_eq(bcsc_waitq_deinit(&gate), 0);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
}

/* ---- a remote child whose spawn message the host has not taken ----------
 * Its relay is on the host's list and in its scope's list of remote
 * children, and its task header is idle (the host writes it when it takes
 * the message): nothing there carries a tag. A copy is a frame that says
 * it is live: it is not spawned again, nor cancelled, and the original
 * runs on its host to its end. */

typedef struct spawner {
  bcsc_task_t task;
  bcsc_scope_t scope;
  bcsc_remote_task_t *child;
  bcsc_executor_t *host;
  int phase;
  int join_rc;
} spawner_t;

static int spawner_poll(bcsc_task_t *self) {
  spawner_t *s = (spawner_t *)self;
  int rc;
  if (s->phase == 0) {
    s->phase = 1;
    cr_assert_eq(bcsc_scope_init(&s->scope, self, BCSC_SCOPE_WAIT_ALL), 0);
    cr_assert_eq(bcsc_scope_spawn_on(&s->scope, s->child, s->host), 0);
  }
  rc = bcsc_scope_join(&s->scope);
  if (rc == BCSC_PENDING)
    return rc;
  s->join_rc = rc;
  return 0;
}

static uint32_t remote_polls;
static int remote_poll(bcsc_task_t *self) {
  (void)self;
  remote_polls++;
  return 0;
}

Test(copies, a_copy_of_a_remote_child_on_its_way_changes_nothing) {
  bcsc_executor_t host;
  bcsc_remote_task_t child, copy;
  spawner_t s;
  bcsc_test_misuse_t rec;
  remote_polls = 0;
  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  cr_assert_eq(bcsc_executor_init(&host, NULL), 0);
  cr_assert_eq(bcsc_remote_task_init(&child, remote_poll, NULL), 0);
  memset(&s, 0, sizeof s);
  cr_assert_eq(bcsc_task_init(&s.task, spawner_poll, NULL), 0);
  s.child = &child;
  s.host = &host;
  cr_assert_eq(bcsc_executor_spawn(&ex, &s.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 8), 1); /* spawns, joins */
  memcpy(&copy, &child, sizeof copy);
  bcsc_test_misuse_install(&rec);
  cr_assert_eq(bcsc_scope_spawn_on(&s.scope, &copy, &host), BCSC_EBUSY);
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_DOUBLE_SPAWN, &copy));
  cr_assert_eq(bcsc_task_cancel(&copy.task), BCSC_ESTATE);
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_BAD_ARGUMENT, &copy.task));
  cr_assert_not(bcsc_remote_task_done(&copy));
  bcsc_test_misuse_uninstall();
  cr_assert_eq(bcsc_scope_live(&s.scope), 1);
  cr_assert_eq(bcsc_executor_run(&host, NULL), 0);
  cr_assert_eq(bcsc_executor_run(&ex, NULL), 0);
  cr_assert_eq(remote_polls, 1);
  cr_assert_eq(s.join_rc, 0);
  cr_assert(bcsc_remote_task_done(&child));
  cr_assert_eq(bcsc_executor_deinit(&host), 0);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
}

/* ---- a semaphore whose permits travel with a wake ------------------------
 * The same list state inside a semaphore: the copy counts the permits as
 * on their way for ever, and the original's go to their waiter. */

typedef struct permit_taker {
  bcsc_task_t task;
  bcsc_semaphore_waiter_t waiter;
  bcsc_semaphore_t *sem;
  int got;
} permit_taker_t;

static int permit_taker_poll(bcsc_task_t *self) {
  permit_taker_t *p = (permit_taker_t *)self;
  int rc = bcsc_semaphore_acquire(self, p->sem, &p->waiter, 1);
  if (rc == BCSC_PENDING)
    return rc;
  cr_assert_eq(rc, 0);
  p->got = 1;
  return bcsc_semaphore_release(p->sem, 1);
}

Test(copies, a_copy_of_a_semaphore_with_permits_on_their_way_changes_nothing) {
  bcsc_semaphore_t sem, copy;
  permit_taker_t p;
  bcsc_test_misuse_t rec;
  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  cr_assert_eq(bcsc_semaphore_init(&sem, 0), 0);
  memset(&p, 0, sizeof p);
  cr_assert_eq(bcsc_task_init(&p.task, permit_taker_poll, NULL), 0);
  cr_assert_eq(bcsc_semaphore_waiter_init(&p.waiter), 0);
  p.sem = &sem;
  cr_assert_eq(bcsc_executor_spawn(&ex, &p.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 10), 1);
  cr_assert_eq(bcsc_semaphore_release(&sem, 1), 0); /* to the waiter */
  memcpy(&copy, &sem, sizeof copy);
  bcsc_test_misuse_install(&rec);
  cr_assert_eq(bcsc_semaphore_try_acquire(&copy, 1), BCSC_EAGAIN);
  cr_assert_eq(bcsc_semaphore_waiting(&copy), 0);
  cr_assert_eq(bcsc_semaphore_deinit(&copy), BCSC_EBUSY);
  cr_assert_eq(rec.count, bcsc_test_misuse_expected(1));
  cr_assert_eq(bcsc_test_misuse_count_code(&rec, BCSC_MISUSE_WAITQ_BUSY),
               bcsc_test_misuse_expected(1));
  bcsc_test_misuse_uninstall();
  cr_assert_eq(bcsc_executor_run(&ex, NULL), 0);
  cr_assert(p.got, "the original's permit reached its waiter");
  cr_assert_eq(bcsc_semaphore_available(&sem), 1);
  cr_assert_eq(bcsc_semaphore_deinit(&sem), 0);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
}

/* ---- a start whose child is not ready yet --------------------------------
 * Its scope is open (tagged); the start around it is found from the scope
 * and carries no tag of its own. A copy is no start of the child's: the
 * child's ready through it is refused, and the caller's start through it
 * is a new start of a live child, refused too. */

typedef struct start_pair {
  bcsc_task_t owner;
  bcsc_scope_t scope;
  bcsc_start_t start;
  bcsc_start_t copy;
  bcsc_task_t child;
  int phase;
  int rc[3];
} start_pair_t;

static int start_owner_poll(bcsc_task_t *self) {
  start_pair_t *p = (start_pair_t *)self->data;
  int rc;
  if (p->phase == 0) {
    cr_assert_eq(bcsc_scope_init(&p->scope, self, BCSC_SCOPE_WAIT_ALL), 0);
    p->phase = 1;
  }
  if (p->phase == 1) {
    rc = bcsc_scope_start(self, &p->start, &p->scope, &p->child);
    if (rc == BCSC_PENDING)
      return rc;
    cr_assert_eq(rc, 0);
    p->rc[2] = bcsc_scope_start(self, &p->copy, &p->scope, &p->child);
    p->phase = 2;
  }
  return bcsc_scope_join(&p->scope);
}

static int start_child_poll(bcsc_task_t *self) {
  start_pair_t *p = (start_pair_t *)self->data;
  if (p->rc[0] != 0)
    return 0;
  memcpy(&p->copy, &p->start, sizeof p->copy);
  p->rc[0] = bcsc_start_ready(self, &p->copy, 9);
  p->rc[1] = bcsc_start_ready(self, &p->start, 5);
  return bcsc_task_yield(self);
}

Test(copies, a_copy_of_a_pending_start_changes_nothing) {
  start_pair_t p;
  bcsc_test_misuse_t rec;
  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  memset(&p, 0, sizeof p);
  cr_assert_eq(bcsc_task_init(&p.owner, start_owner_poll, &p), 0);
  cr_assert_eq(bcsc_task_init(&p.child, start_child_poll, &p), 0);
  cr_assert_eq(bcsc_executor_spawn(&ex, &p.owner), 0);
  bcsc_test_misuse_install(&rec);
  cr_assert_eq(bcsc_executor_run(&ex, NULL), 0);
  cr_assert_eq(p.rc[0], BCSC_EPERM, "ready through the copy");
  cr_assert_eq(p.rc[1], 0);
  cr_assert_eq(p.rc[2], BCSC_EBUSY, "a start of the live child again");
  cr_assert_eq(rec.count, bcsc_test_misuse_expected(2));
  cr_assert_eq(bcsc_test_misuse_count_code(&rec, BCSC_MISUSE_START_FOREIGN),
               bcsc_test_misuse_expected(1));
  cr_assert_eq(bcsc_test_misuse_count_code(&rec, BCSC_MISUSE_DOUBLE_SPAWN),
               bcsc_test_misuse_expected(1));
  bcsc_test_misuse_uninstall();
  cr_assert_eq(bcsc_start_value(&p.start), 5);
  cr_assert(bcsc_task_done(&p.child));
  cr_assert_eq(bcsc_task_result(&p.owner), 0);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
}

/* ---- a held registration that fired after its task returned --------------
 * A task returned while a completion source held its registration (D67);
 * the fire queued it to complete, and the node, fired, is on the
 * executor's list of such completions with the result the task returned.
 * A fired node carries no tag. A copy is a fired node of its own: taking,
 * cancelling or registering it touches only the copy, and the task
 * completes with its result. */

static int hold_abort(void *context, bcsc_wait_t *wait) {
  (void)context;
  (void)wait;
  return BCSC_PENDING;
}

typedef struct held_pair {
  bcsc_task_t returner;
  bcsc_wait_t wait;
  bcsc_waitq_t source;
  bcsc_task_t copier;
  bcsc_wait_t copy;
  bcsc_waitq_t plain;
  int rc[4];
} held_pair_t;

static int returner_poll(bcsc_task_t *self) {
  held_pair_t *p = (held_pair_t *)self->data;
  cr_assert_eq(bcsc_wait_on(self, &p->wait, &p->source), BCSC_PENDING);
  return BCSC_TEST_E1;
}

static int held_copier_poll(bcsc_task_t *self) {
  held_pair_t *p = (held_pair_t *)self->data;
  cr_assert(bcsc_wait_fired(&p->wait));
  cr_assert_not(bcsc_task_done(&p->returner), "queued to complete");
  memcpy(&p->copy, &p->wait, sizeof p->copy);
  p->rc[0] = bcsc_wait_cancel(&p->copy);
  p->rc[1] = bcsc_wait_on(self, &p->copy, &p->plain);
  p->rc[2] = bcsc_wait_register(self, &p->copy, &p->plain);
  p->rc[3] = bcsc_wait_cancel(&p->copy);
  return 0;
}

Test(copies, a_copy_of_a_held_node_that_fired_changes_nothing) {
  held_pair_t p;
  bcsc_test_misuse_t rec;
  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  memset(&p, 0, sizeof p);
  cr_assert_eq(bcsc_waitq_init(&p.source), 0);
  cr_assert_eq(bcsc_waitq_set_abort(&p.source, hold_abort, NULL), 0);
  cr_assert_eq(bcsc_waitq_init(&p.plain), 0);
  cr_assert_eq(bcsc_wait_init(&p.wait), 0);
  cr_assert_eq(bcsc_task_init(&p.returner, returner_poll, &p), 0);
  cr_assert_eq(bcsc_task_init(&p.copier, held_copier_poll, &p), 0);
  cr_assert_eq(bcsc_executor_spawn(&ex, &p.returner), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 10), 1);
  cr_assert_not(bcsc_task_done(&p.returner), "held");
  /* The copier runs first, after the fire queued the returner. */
  cr_assert_eq(bcsc_executor_spawn(&ex, &p.copier), 0);
  cr_assert_eq(bcsc_waitq_wake_one(&p.source, 3), 1);
  bcsc_test_misuse_install(&rec);
  cr_assert_eq(bcsc_executor_run(&ex, NULL), 0);
  cr_assert_eq(rec.count, 0);
  bcsc_test_misuse_uninstall();
  cr_assert_eq(p.rc[0], 0, "a fired copy: nothing to cancel");
  cr_assert_eq(p.rc[1], 0, "its mark taken");
  cr_assert_eq(p.rc[2], 0, "registered as a node of its own");
  cr_assert_eq(p.rc[3], BCSC_WAIT_UNLINKED);
  cr_assert(bcsc_task_done(&p.returner));
  cr_assert_eq(bcsc_task_result(&p.returner), BCSC_TEST_E1);
  cr_assert_eq(p.wait.value, 3);
  cr_assert_eq(bcsc_waitq_deinit(&p.source), 0);
  cr_assert_eq(bcsc_waitq_deinit(&p.plain), 0);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
}
