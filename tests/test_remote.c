/* SPDX-License-Identifier: MIT
 * test_remote.c - scopes across executors (bcsc/remote.h): a parent on
 * this thread's executor spawns children onto a host executor that runs
 * on a thread of its own, parked in the POSIX reactor when idle.
 *
 * Join waits for the remote children; a cancelled scope cancels them where
 * they wait (on a waiter list of the host); FAIL_FAST, race, deadlines and
 * an owner's early return act on remote children as on local ones; a
 * remote child is cancelled within a bounded number of the host's polls
 * while the host is kept busy; a remote child's own remote child (back on
 * the parent's executor) hears of a cancel two hops up. The last tests
 * drive both executors from this one thread to reach the protocol's
 * corners deterministically (a completion racing a cancel), and the
 * misuses. No sleeps as synchronisation: threads meet through value wakes
 * and the executors' own messages. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <criterion/criterion.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include <bcsc.h>

#include "bcsc_test.h"

/* ---- a host: an executor on a thread of its own ------------------------- */

typedef struct host {
  bcsc_executor_t ex;
  bcsc_posix_reactor_t reactor;
  bcsc_waker_slot_t slots[4];
  bcsc_task_t server; /* a root task that keeps the host running */
  bcsc_waker_t server_waker;
  atomic_int published; /* server_waker is set */
  atomic_int stop;
  pthread_t thread;
  pthread_t tid;  /* the host thread's own id, set by itself */
  bcsc_waitq_t q; /* remote children wait here (host thread only) */
  int run_rc;
  /* the busy test: a root task that yields until told to stop */
  bcsc_task_t busy;
  atomic_uint busy_polls;
  atomic_int busy_stop;
  const atomic_int *cancel_sent; /* set by the parent after its cancel */
  unsigned busy_saw_cancel_at;   /* busy_polls when it first saw it */
  bcsc_executor_stats_t stats;   /* at the end */
} host_t;

static int server_poll(bcsc_task_t *self) {
  host_t *h = self->data;
  if (!atomic_load_explicit(&h->published, memory_order_relaxed)) {
    cr_assert_eq(bcsc_task_waker(self, &h->server_waker), 0);
    atomic_store_explicit(&h->published, 1, memory_order_release);
  }
  (void)bcsc_task_waker_woken(self);
  return atomic_load_explicit(&h->stop, memory_order_acquire) ? BCSC_DONE
                                                              : BCSC_PENDING;
}

static int busy_poll(bcsc_task_t *self) {
  host_t *h = self->data;
  unsigned n =
      atomic_fetch_add_explicit(&h->busy_polls, 1, memory_order_relaxed) + 1;
  if (h->busy_saw_cancel_at == 0 && h->cancel_sent != NULL &&
      atomic_load_explicit(h->cancel_sent, memory_order_acquire))
    h->busy_saw_cancel_at = n;
  if (atomic_load_explicit(&h->busy_stop, memory_order_acquire))
    return BCSC_DONE;
  return bcsc_task_yield(self);
}

static void *host_main(void *arg) {
  host_t *h = arg;
  h->tid = pthread_self();
  h->run_rc = bcsc_executor_run(&h->ex, &h->server);
  /* Whatever it still hosts (nothing, if the test went as planned). */
  if (h->run_rc == 0)
    h->run_rc = bcsc_executor_run(&h->ex, NULL);
  return NULL;
}

static void host_start(host_t *h, int busy) {
  bcsc_executor_config_t config;
  memset(h, 0, sizeof *h);
  cr_assert_eq(bcsc_posix_reactor_init(&h->reactor), 0);
  memset(&config, 0, sizeof config);
  config.size = sizeof config;
  config.reactor = &h->reactor.base;
  config.waker_slots = h->slots;
  config.waker_slot_count = 4;
  cr_assert_eq(bcsc_executor_init(&h->ex, &config), 0);
  cr_assert_eq(bcsc_waitq_init(&h->q), 0);
  cr_assert_eq(bcsc_task_init(&h->server, server_poll, h), 0);
  /* Set up from this thread, before the host's thread first runs it. */
  cr_assert_eq(bcsc_executor_spawn(&h->ex, &h->server), 0);
  if (busy) {
    cr_assert_eq(bcsc_task_init(&h->busy, busy_poll, h), 0);
    cr_assert_eq(bcsc_executor_spawn(&h->ex, &h->busy), 0);
  }
  cr_assert_eq(pthread_create(&h->thread, NULL, host_main, h), 0);
}

static void host_stop(host_t *h) {
  while (!atomic_load_explicit(&h->published, memory_order_acquire))
    sched_yield();
  atomic_store_explicit(&h->busy_stop, 1, memory_order_release);
  atomic_store_explicit(&h->stop, 1, memory_order_release);
  cr_assert_eq(bcsc_waker_wake(h->server_waker), 0);
  cr_assert_eq(pthread_join(h->thread, NULL), 0);
  cr_assert_eq(h->run_rc, 0);
  /* The join orders the host thread's work before this hand-over. */
  cr_assert_eq(bcsc_executor_bind_thread(&h->ex), 0);
  cr_assert(bcsc_waitq_empty(&h->q), "a remote child left a registration");
  cr_assert_eq(bcsc_waitq_deinit(&h->q), 0);
  memset(&h->stats, 0, sizeof h->stats);
  h->stats.size = sizeof h->stats;
  cr_assert_eq(bcsc_executor_stats(&h->ex, &h->stats), 0);
  cr_assert_eq(bcsc_executor_deinit(&h->ex), 0);
  cr_assert_eq(bcsc_posix_reactor_deinit(&h->reactor), 0);
}

/* ---- a remote child -------------------------------------------------------
 */

typedef struct rchild {
  bcsc_remote_task_t remote; /* first: the poll function casts back */
  bcsc_wait_t wait;
  host_t *host;
  /* configuration */
  uint32_t yields;        /* yields before it finishes (or waits) */
  int wait_on_q;          /* then waits on host->q until cancelled */
  int result;             /* what it returns when it finishes */
  atomic_int *registered; /* counted when it has registered on q */
  int notify_at;          /* ... and the parent woken at this count */
  bcsc_waker_t *notify;
  /* observations (host thread; read after the scope counted it ended) */
  uint32_t polls;
  uint32_t yielded;
  int elsewhere; /* polls that were not on the host's thread and executor */
  int waiting;
  int saw_cancel;
  int finished;
  unsigned cancel_seen_at; /* host->busy_polls when it saw the cancel */
} rchild_t;

static int rchild_poll(bcsc_task_t *self) {
  rchild_t *c = (rchild_t *)(void *)self;
  host_t *h = c->host;
  c->polls++;
  if (!pthread_equal(pthread_self(), h->tid) ||
      bcsc_executor_current(&h->ex) != self)
    c->elsewhere++;
  if (bcsc_task_cancelled(self)) {
    c->saw_cancel = 1;
    c->cancel_seen_at =
        atomic_load_explicit(&h->busy_polls, memory_order_relaxed);
    return BCSC_ECANCELED;
  }
  if (c->yielded < c->yields) {
    c->yielded++;
    return bcsc_task_yield(self);
  }
  if (c->wait_on_q) {
    if (!c->waiting) {
      c->waiting = 1;
      cr_assert_eq(bcsc_wait_register(self, &c->wait, &h->q), 0);
      if (c->registered != NULL &&
          atomic_fetch_add(c->registered, 1) + 1 == c->notify_at)
        cr_assert_eq(bcsc_waker_wake(*c->notify), 0);
    }
    return BCSC_PENDING; /* only a cancel ends it */
  }
  c->finished = 1;
  return c->result;
}

static void rchild_init(rchild_t *c, host_t *h) {
  memset(c, 0, sizeof *c);
  cr_assert_eq(bcsc_remote_task_init(&c->remote, rchild_poll, c), 0);
  cr_assert_eq(bcsc_wait_init(&c->wait), 0);
  c->host = h;
}

/* ---- the parent: an owner on this thread's executor ---------------------- */

enum { MAX_REMOTE = 16, MAX_LOCAL = 4 };

typedef struct owner {
  bcsc_task_t task;
  bcsc_scope_t scope;
  host_t *host;
  /* configuration */
  uint32_t policy;
  rchild_t *remote[MAX_REMOTE];
  uint32_t nremote;
  bcsc_test_leaf_t *local[MAX_LOCAL];
  uint32_t nlocal;
  int cancel_after; /* cancel the scope once this many registered on q */
  atomic_int *cancel_sent;
  uint64_t deadline_in; /* ns from now; 0: none */
  bcsc_executor_t *ex;  /* its executor (for the deadline's clock) */
  int early_return;     /* return early_result with the scope open */
  int early_result;
  /* state and observations */
  atomic_int registered;
  bcsc_waker_t waker;
  int phase;
  int spawn_rc;
  int joined;
  int join_rc;
  uint32_t errors;
  int timed_out;
  bcsc_task_t *winner;
} owner_t;

static int owner_poll(bcsc_task_t *self) {
  owner_t *o = (owner_t *)(void *)self;
  int rc;
  if (o->phase == 0) {
    o->phase = 1;
    cr_assert_eq(bcsc_scope_init(&o->scope, self, o->policy), 0);
    if (o->deadline_in != 0)
      cr_assert_eq(bcsc_scope_set_deadline(
                       &o->scope, bcsc_executor_now(o->ex) + o->deadline_in,
                       BCSC_DEADLINE_FAIL),
                   0);
    if (o->cancel_after != 0)
      cr_assert_eq(bcsc_task_waker(self, &o->waker), 0);
    for (uint32_t i = 0; i < o->nlocal; i++)
      if ((rc = bcsc_scope_spawn(&o->scope, &o->local[i]->task)) != 0)
        o->spawn_rc = rc;
    for (uint32_t i = 0; i < o->nremote; i++) {
      o->remote[i]->registered = &o->registered;
      o->remote[i]->notify_at = o->cancel_after;
      o->remote[i]->notify = &o->waker;
      if ((rc = bcsc_scope_spawn_on(&o->scope, &o->remote[i]->remote,
                                    &o->host->ex)) != 0)
        o->spawn_rc = rc;
    }
    if (o->cancel_after != 0)
      return BCSC_PENDING; /* until the last child registers */
  }
  if (o->phase == 1 && o->cancel_after != 0) {
    (void)bcsc_task_waker_woken(self);
    if (atomic_load(&o->registered) < o->cancel_after)
      return BCSC_PENDING;
    cr_assert_eq(bcsc_scope_cancel(&o->scope), 0);
    if (o->cancel_sent != NULL)
      atomic_store_explicit(o->cancel_sent, 1, memory_order_release);
  }
  o->phase = 2;
  if (o->early_return)
    return o->early_result;
  rc = bcsc_scope_join(&o->scope);
  if (rc == BCSC_PENDING)
    return BCSC_PENDING;
  o->joined = 1;
  o->join_rc = rc;
  o->errors = bcsc_scope_error_count(&o->scope);
  o->timed_out = bcsc_scope_timed_out(&o->scope);
  o->winner = bcsc_scope_winner(&o->scope);
  return 0;
}

static void owner_init(owner_t *o, host_t *h, uint32_t policy) {
  memset(o, 0, sizeof *o);
  cr_assert_eq(bcsc_task_init(&o->task, owner_poll, o), 0);
  o->host = h;
  o->policy = policy;
}

/* The parent's executor: this thread, parked in its own POSIX reactor. */
typedef struct parent {
  bcsc_executor_t ex;
  bcsc_posix_reactor_t reactor;
  bcsc_waker_slot_t slots[4];
} parent_t;

static void parent_init(parent_t *p) {
  bcsc_executor_config_t config;
  cr_assert_eq(bcsc_posix_reactor_init(&p->reactor), 0);
  memset(&config, 0, sizeof config);
  config.size = sizeof config;
  config.reactor = &p->reactor.base;
  config.waker_slots = p->slots;
  config.waker_slot_count = 4;
  cr_assert_eq(bcsc_executor_init(&p->ex, &config), 0);
}

static void parent_deinit(parent_t *p) {
  cr_assert_eq(bcsc_executor_run(&p->ex, NULL), 0);
  cr_assert_eq(bcsc_executor_deinit(&p->ex), 0);
  cr_assert_eq(bcsc_posix_reactor_deinit(&p->reactor), 0);
}

/* ---- the two-thread tests ----------------------------------------------- */

Test(remote, join_waits_for_every_remote_child) {
  enum { N = 8 };
  parent_t p;
  host_t h;
  owner_t o;
  rchild_t c[N];
  bcsc_executor_stats_t st;
  parent_init(&p);
  host_start(&h, 0);
  owner_init(&o, &h, BCSC_SCOPE_WAIT_ALL);
  for (uint32_t i = 0; i < N; i++) {
    rchild_init(&c[i], &h);
    c[i].yields = i % 4;
    o.remote[o.nremote++] = &c[i];
  }
  cr_assert_eq(bcsc_executor_run(&p.ex, &o.task), 0);
  cr_assert_eq(o.spawn_rc, 0);
  cr_assert(o.joined);
  cr_assert_eq(o.join_rc, 0);
  cr_assert_eq(bcsc_scope_live(&o.scope), 0);
  for (uint32_t i = 0; i < N; i++) {
    /* Ended, and the scope has taken the news: the frame is ours again. */
    cr_assert(bcsc_remote_task_done(&c[i].remote));
    cr_assert(bcsc_task_done(&c[i].remote.task));
    cr_assert_eq(bcsc_task_result(&c[i].remote.task), 0);
    cr_assert(c[i].finished);
    cr_assert_eq(c[i].polls, c[i].yields + 1);
    cr_assert_eq(c[i].elsewhere, 0, "a remote child ran off its host");
  }
  /* The parent spawned and polled only its owner. */
  st = bcsc_test_stats(&p.ex);
  cr_assert_eq(st.spawns, 1);
  cr_assert_eq(st.completions, 1);
  parent_deinit(&p);
  host_stop(&h);
  /* The host spawned and completed the N children and its server. */
  cr_assert_eq(h.stats.spawns, N + 1);
  cr_assert_eq(h.stats.completions, N + 1);
  cr_assert_eq(h.stats.cancels, 0);
}

Test(remote, cancelling_the_scope_cancels_remote_children_where_they_wait) {
  enum { N = 6 };
  parent_t p;
  host_t h;
  owner_t o;
  rchild_t c[N];
  parent_init(&p);
  host_start(&h, 0);
  owner_init(&o, &h, BCSC_SCOPE_WAIT_ALL);
  o.cancel_after = N; /* once every child waits on the host's list */
  for (uint32_t i = 0; i < N; i++) {
    rchild_init(&c[i], &h);
    c[i].wait_on_q = 1;
    c[i].yields = i % 2;
    o.remote[o.nremote++] = &c[i];
  }
  cr_assert_eq(bcsc_executor_run(&p.ex, &o.task), 0);
  cr_assert_eq(o.join_rc, BCSC_ECANCELED);
  cr_assert_eq(o.errors, 0, "a cancelled child that says so has not failed");
  for (uint32_t i = 0; i < N; i++) {
    cr_assert(bcsc_remote_task_done(&c[i].remote));
    cr_assert(c[i].waiting);
    cr_assert(c[i].saw_cancel);
    cr_assert_not(c[i].finished);
    cr_assert(bcsc_task_cancelled(&c[i].remote.task));
    cr_assert_eq(bcsc_task_result(&c[i].remote.task), BCSC_ECANCELED);
    cr_assert_eq(c[i].elsewhere, 0);
  }
  parent_deinit(&p);
  host_stop(&h); /* asserts that the host's list is empty */
  cr_assert_eq(h.stats.cancels, N);
}

/* FAIL_FAST with a remote child that fails: its local and remote siblings
 * are cancelled, and join returns its error. */
Test(remote, a_failing_remote_child_cancels_local_and_remote_siblings) {
  enum { N = 4 };
  parent_t p;
  host_t h;
  owner_t o;
  rchild_t c[N], failing;
  bcsc_test_leaf_t local;
  bcsc_waitq_t local_q;
  parent_init(&p);
  host_start(&h, 0);
  cr_assert_eq(bcsc_waitq_init(&local_q), 0);
  owner_init(&o, &h, BCSC_SCOPE_FAIL_FAST);
  bcsc_test_leaf_init(&local, 1);
  local.queue = &local_q;
  o.local[o.nlocal++] = &local;
  for (uint32_t i = 0; i < N; i++) {
    rchild_init(&c[i], &h);
    c[i].wait_on_q = 1;
    o.remote[o.nremote++] = &c[i];
  }
  rchild_init(&failing, &h);
  failing.yields = 3;
  failing.result = BCSC_TEST_E1;
  o.remote[o.nremote++] = &failing;
  cr_assert_eq(bcsc_executor_run(&p.ex, &o.task), 0);
  cr_assert_eq(o.join_rc, BCSC_TEST_E1);
  cr_assert_eq(o.errors, 1);
  cr_assert(failing.finished);
  cr_assert_eq(bcsc_task_result(&failing.remote.task), BCSC_TEST_E1);
  cr_assert(local.saw_cancel, "the local sibling was not cancelled");
  cr_assert_not(local.waited);
  for (uint32_t i = 0; i < N; i++) {
    cr_assert(c[i].saw_cancel, "remote sibling %u was not cancelled", i);
    cr_assert_not(c[i].finished);
  }
  cr_assert(bcsc_waitq_empty(&local_q));
  cr_assert_eq(bcsc_waitq_deinit(&local_q), 0);
  parent_deinit(&p);
  host_stop(&h);
}

/* And the other way round: a local child's failure reaches remote ones. */
Test(remote, a_failing_local_child_cancels_remote_siblings) {
  enum { N = 4 };
  parent_t p;
  host_t h;
  owner_t o;
  rchild_t c[N];
  bcsc_test_leaf_t local;
  parent_init(&p);
  host_start(&h, 0);
  owner_init(&o, &h, BCSC_SCOPE_FAIL_FAST);
  bcsc_test_leaf_init(&local, 1);
  local.result = BCSC_TEST_E2;
  local.yields = 2;
  o.local[o.nlocal++] = &local;
  for (uint32_t i = 0; i < N; i++) {
    rchild_init(&c[i], &h);
    c[i].wait_on_q = 1;
    o.remote[o.nremote++] = &c[i];
  }
  cr_assert_eq(bcsc_executor_run(&p.ex, &o.task), 0);
  cr_assert_eq(o.join_rc, BCSC_TEST_E2);
  cr_assert_eq(o.errors, 1);
  for (uint32_t i = 0; i < N; i++)
    cr_assert(c[i].saw_cancel);
  parent_deinit(&p);
  host_stop(&h);
}

Test(remote, a_remote_child_can_win_a_race) {
  parent_t p;
  host_t h;
  owner_t o;
  rchild_t winner, loser;
  bcsc_test_leaf_t local;
  bcsc_waitq_t local_q;
  parent_init(&p);
  host_start(&h, 0);
  cr_assert_eq(bcsc_waitq_init(&local_q), 0);
  owner_init(&o, &h, BCSC_SCOPE_RACE);
  bcsc_test_leaf_init(&local, 1);
  local.queue = &local_q;
  o.local[o.nlocal++] = &local;
  rchild_init(&loser, &h);
  loser.wait_on_q = 1;
  o.remote[o.nremote++] = &loser;
  rchild_init(&winner, &h);
  winner.yields = 2;
  winner.result = BCSC_TEST_E3; /* a result of its own, to see it returned */
  o.remote[o.nremote++] = &winner;
  cr_assert_eq(bcsc_executor_run(&p.ex, &o.task), 0);
  cr_assert_eq(o.join_rc, BCSC_TEST_E3);
  cr_assert_eq(o.winner, &winner.remote.task);
  cr_assert(local.saw_cancel);
  cr_assert(loser.saw_cancel);
  cr_assert(winner.finished);
  cr_assert_eq(bcsc_waitq_deinit(&local_q), 0);
  parent_deinit(&p);
  host_stop(&h);
}

Test(remote, a_scope_deadline_cancels_remote_children) {
  parent_t p;
  host_t h;
  owner_t o;
  rchild_t c[2];
  parent_init(&p);
  host_start(&h, 0);
  owner_init(&o, &h, BCSC_SCOPE_WAIT_ALL);
  o.deadline_in = 2000000; /* 2 ms */
  o.ex = &p.ex;
  for (uint32_t i = 0; i < 2; i++) {
    rchild_init(&c[i], &h);
    c[i].wait_on_q = 1;
    o.remote[o.nremote++] = &c[i];
  }
  cr_assert_eq(bcsc_executor_run(&p.ex, &o.task), 0);
  cr_assert_eq(o.join_rc, BCSC_ETIMEDOUT);
  cr_assert(o.timed_out);
  for (uint32_t i = 0; i < 2; i++)
    cr_assert(c[i].saw_cancel);
  parent_deinit(&p);
  host_stop(&h);
}

/* The owner returns with its scope open: bcsc cancels the remote children
 * and the owner completes only once they have ended. */
Test(remote, an_owner_cannot_complete_before_its_remote_children) {
  enum { N = 3 };
  parent_t p;
  host_t h;
  owner_t o;
  rchild_t c[N];
  parent_init(&p);
  host_start(&h, 0);
  owner_init(&o, &h, BCSC_SCOPE_WAIT_ALL);
  o.early_return = 1;
  o.early_result = BCSC_TEST_E4;
  for (uint32_t i = 0; i < N; i++) {
    rchild_init(&c[i], &h);
    c[i].wait_on_q = 1;
    o.remote[o.nremote++] = &c[i];
  }
  cr_assert_eq(bcsc_executor_run(&p.ex, &o.task), BCSC_TEST_E4);
  for (uint32_t i = 0; i < N; i++) {
    cr_assert(bcsc_remote_task_done(&c[i].remote));
    cr_assert(c[i].saw_cancel);
  }
  parent_deinit(&p);
  host_stop(&h);
}

/* The host is kept busy by a task that yields forever. The parent cancels
 * a remote child waiting there: it sees the cancel within a few of the
 * host's polls after the message was sent - counted, not timed. */
Test(remote, a_busy_host_cancels_within_a_bounded_number_of_polls) {
  parent_t p;
  host_t h;
  owner_t o;
  rchild_t c;
  atomic_int cancel_sent = 0;
  int waited;
  parent_init(&p);
  host_start(&h, 1);
  h.cancel_sent = &cancel_sent; /* busy_poll reads it from now on */
  owner_init(&o, &h, BCSC_SCOPE_WAIT_ALL);
  o.cancel_after = 1;
  o.cancel_sent = &cancel_sent;
  rchild_init(&c, &h);
  c.wait_on_q = 1;
  o.remote[o.nremote++] = &c;
  cr_assert_eq(bcsc_executor_run(&p.ex, &o.task), 0);
  cr_assert_eq(o.join_rc, BCSC_ECANCELED);
  cr_assert(c.saw_cancel);
  parent_deinit(&p);
  host_stop(&h);
  /* busy_saw_cancel_at: the busy poll that first saw the flag set after
   * the cancel was pushed; the message is then in the host's list, which
   * the host drains before its next poll. */
  cr_assert_neq(h.busy_saw_cancel_at, 0);
  waited = (int)(c.cancel_seen_at - h.busy_saw_cancel_at);
  cr_log_info("the cancel waited %d of the busy task's polls (%u in all)",
              waited, atomic_load(&h.busy_polls));
  cr_assert_leq(waited, 2, "the cancel waited %d polls of the busy task",
                waited);
  cr_assert_gt(atomic_load(&h.busy_polls), 0);
}

/* ---- a remote child's remote child ------------------------------------- */

/* A child on the host that opens a scope and spawns a grandchild back onto
 * the parent's executor, where it waits on a list of the parent's. */
typedef struct relay_child {
  bcsc_remote_task_t remote;
  bcsc_scope_t scope;
  bcsc_executor_t *back; /* the parent's executor */
  rchild_t *grandchild;
  int phase;
  int join_rc;
} relay_child_t;

static int relay_child_poll(bcsc_task_t *self) {
  relay_child_t *r = (relay_child_t *)(void *)self;
  int rc;
  if (r->phase == 0) {
    r->phase = 1;
    cr_assert_eq(bcsc_scope_init(&r->scope, self, BCSC_SCOPE_WAIT_ALL), 0);
    cr_assert_eq(
        bcsc_scope_spawn_on(&r->scope, &r->grandchild->remote, r->back), 0);
  }
  rc = bcsc_scope_join(&r->scope);
  if (rc == BCSC_PENDING)
    return rc;
  r->join_rc = rc;
  return rc;
}

static host_t back_host; /* the parent's executor seen as a host */
static bcsc_waker_t top_waker;

static int grandchild_poll(bcsc_task_t *self) {
  rchild_t *c = (rchild_t *)(void *)self;
  c->polls++;
  if (bcsc_task_cancelled(self)) {
    c->saw_cancel = 1;
    return BCSC_ECANCELED;
  }
  if (!c->waiting) {
    c->waiting = 1;
    cr_assert_eq(bcsc_wait_register(self, &c->wait, &back_host.q), 0);
    cr_assert_eq(bcsc_waker_wake(top_waker), 0);
  }
  return BCSC_PENDING;
}

typedef struct top {
  bcsc_task_t task;
  bcsc_scope_t scope;
  relay_child_t *child;
  bcsc_executor_t *host;
  rchild_t *grandchild;
  int phase;
  int join_rc;
} top_t;

static int top_poll(bcsc_task_t *self) {
  top_t *t = (top_t *)(void *)self;
  int rc;
  if (t->phase == 0) {
    t->phase = 1;
    cr_assert_eq(bcsc_task_waker(self, &top_waker), 0);
    cr_assert_eq(bcsc_scope_init(&t->scope, self, BCSC_SCOPE_WAIT_ALL), 0);
    cr_assert_eq(bcsc_scope_spawn_on(&t->scope, &t->child->remote, t->host), 0);
    return BCSC_PENDING;
  }
  if (t->phase == 1) {
    (void)bcsc_task_waker_woken(self);
    if (!t->grandchild->waiting) /* the grandchild runs on this thread */
      return BCSC_PENDING;
    t->phase = 2;
    cr_assert_eq(bcsc_scope_cancel(&t->scope), 0);
  }
  rc = bcsc_scope_join(&t->scope);
  if (rc == BCSC_PENDING)
    return rc;
  t->join_rc = rc;
  return 0;
}

Test(remote, a_cancel_travels_two_hops_to_a_grandchild_back_home) {
  parent_t p;
  host_t h;
  top_t t;
  relay_child_t child;
  rchild_t grandchild;
  parent_init(&p);
  host_start(&h, 0);
  memset(&back_host, 0, sizeof back_host);
  cr_assert_eq(bcsc_waitq_init(&back_host.q), 0);
  memset(&child, 0, sizeof child);
  cr_assert_eq(bcsc_remote_task_init(&child.remote, relay_child_poll, NULL), 0);
  child.back = &p.ex;
  child.grandchild = &grandchild;
  memset(&grandchild, 0, sizeof grandchild);
  cr_assert_eq(bcsc_remote_task_init(&grandchild.remote, grandchild_poll, NULL),
               0);
  cr_assert_eq(bcsc_wait_init(&grandchild.wait), 0);
  memset(&t, 0, sizeof t);
  cr_assert_eq(bcsc_task_init(&t.task, top_poll, NULL), 0);
  t.child = &child;
  t.host = &h.ex;
  t.grandchild = &grandchild;
  cr_assert_eq(bcsc_executor_run(&p.ex, &t.task), 0);
  cr_assert_eq(t.join_rc, BCSC_ECANCELED);
  cr_assert(grandchild.saw_cancel);
  cr_assert(bcsc_remote_task_done(&grandchild.remote));
  cr_assert(bcsc_remote_task_done(&child.remote));
  cr_assert_eq(bcsc_task_result(&child.remote.task), BCSC_ECANCELED);
  cr_assert(bcsc_waitq_empty(&back_host.q));
  cr_assert_eq(bcsc_waitq_deinit(&back_host.q), 0);
  parent_deinit(&p);
  host_stop(&h);
}

/* ---- both executors on this thread: the protocol's corners ------------- */

/* A parent polled by hand and a host polled by hand, on one thread: each
 * message is taken exactly when the test polls its receiver. */
static int pender_calls;
static void count_pender(bcsc_executor_t *ex, void *context) {
  (void)ex;
  (void)context;
  pender_calls++;
}

typedef struct hand {
  bcsc_task_t task;
  bcsc_scope_t scope;
  bcsc_remote_task_t *child;
  bcsc_executor_t *host;
  int cancel_first; /* cancel the scope before the spawn */
  uint32_t options; /* OR-ed into its scope's policy (BCSC_SCOPE_SHIELD) */
  int phase;
  int join_rc;
} hand_t;

static int hand_poll(bcsc_task_t *self) {
  hand_t *h = (hand_t *)(void *)self;
  int rc;
  if (h->phase == 0) {
    h->phase = 1;
    cr_assert_eq(
        bcsc_scope_init(&h->scope, self, BCSC_SCOPE_WAIT_ALL | h->options), 0);
    if (h->cancel_first)
      cr_assert_eq(bcsc_scope_cancel(&h->scope), 0);
    cr_assert_eq(bcsc_scope_spawn_on(&h->scope, h->child, h->host), 0);
  }
  rc = bcsc_scope_join(&h->scope);
  if (rc == BCSC_PENDING)
    return rc;
  h->join_rc = rc;
  return 0;
}

/* Two executors, and a hand that spawns `child` (running `poll`) from the
 * parent onto the host. */
static void hand_setup(bcsc_executor_t *parent, bcsc_executor_t *host,
                       bcsc_remote_task_t *child, bcsc_poll_fn poll,
                       hand_t *h) {
  cr_assert_eq(bcsc_executor_init(parent, NULL), 0);
  cr_assert_eq(bcsc_executor_init(host, NULL), 0);
  cr_assert_eq(bcsc_remote_task_init(child, poll, NULL), 0);
  memset(h, 0, sizeof *h);
  cr_assert_eq(bcsc_task_init(&h->task, hand_poll, NULL), 0);
  h->child = child;
  h->host = host;
}

/* The child cancels its own parent's scope as it returns (this thread is
 * the parent's too): the cancel is queued on the host when the completion
 * comes, which must leave DONE to the host's next drain. */
static bcsc_scope_t *returning_cancels;
static int returning_cancelled;
static int cancel_parent_and_return(bcsc_task_t *self) {
  returning_cancelled = bcsc_task_cancelled(self);
  cr_assert_eq(bcsc_scope_cancel(returning_cancels), 0);
  return BCSC_TEST_E5;
}

Test(remote_protocol,
     a_completion_that_races_a_cancel_leaves_done_to_the_drain) {
  bcsc_executor_t parent, host;
  bcsc_executor_config_t config;
  bcsc_remote_task_t child;
  hand_t h;
  bcsc_test_misuse_t rec;
  memset(&config, 0, sizeof config);
  config.size = sizeof config;
  config.pender = count_pender;
  pender_calls = 0;
  cr_assert_eq(bcsc_executor_init(&parent, NULL), 0);
  cr_assert_eq(bcsc_executor_init(&host, &config), 0);
  cr_assert_eq(bcsc_remote_task_init(&child, cancel_parent_and_return, NULL),
               0);
  memset(&h, 0, sizeof h);
  cr_assert_eq(bcsc_task_init(&h.task, hand_poll, NULL), 0);
  h.child = &child;
  h.host = &host;
  returning_cancels = &h.scope;
  cr_assert_eq(bcsc_executor_spawn(&parent, &h.task), 0);
  cr_assert_eq(bcsc_executor_poll(&parent, 8), 1); /* spawns, joins */
  cr_assert_eq(bcsc_scope_live(&h.scope), 1);
  /* The host was outside poll: the spawn message called its pender. */
  cr_assert_eq(pender_calls, 1);
  cr_assert_eq(bcsc_executor_next_deadline(&host), 0);
  cr_assert_eq(bcsc_executor_live_roots(&host), 0);
  /* A message not yet taken: the host hosts the child already. */
  bcsc_test_misuse_install(&rec);
  cr_assert_eq(bcsc_executor_deinit(&host), BCSC_EBUSY);
  cr_assert_eq(rec.count, bcsc_test_misuse_expected(1));
  cr_assert_eq(bcsc_test_misuse_count_code(&rec, BCSC_MISUSE_EXECUTOR_BUSY),
               bcsc_test_misuse_expected(1));
  bcsc_test_misuse_uninstall();
  cr_assert_eq(bcsc_executor_poll(&parent, 8), 0, "nothing arrived yet");
  /* One turn: the host takes the spawn and polls the child, which cancels
   * its scope - a message to the host, queued as the child returns - so
   * the completion sets RETURNED, and poll's last drain, taking the
   * cancel, sends DONE instead of cancelling. */
  cr_assert_eq(bcsc_executor_poll(&host, 1), 1);
  cr_assert_not(returning_cancelled);
  cr_assert_eq(bcsc_executor_live_roots(&host), 0);
  cr_assert_eq(bcsc_test_stats(&host).cancels, 0);
  cr_assert_eq(bcsc_test_stats(&host).completions, 1);
  cr_assert_not(bcsc_remote_task_done(&child));
  cr_assert_eq(bcsc_executor_next_deadline(&parent), 0);
  cr_assert_eq(bcsc_executor_poll(&parent, 8), 1);
  cr_assert(bcsc_task_done(&h.task));
  cr_assert(bcsc_remote_task_done(&child));
  /* It finished before the cancel reached it: its error stands. */
  cr_assert_eq(bcsc_task_result(&child.task), BCSC_TEST_E5);
  cr_assert_eq(h.join_rc, BCSC_TEST_E5);
  cr_assert_eq(bcsc_executor_deinit(&host), 0);
  cr_assert_eq(bcsc_executor_deinit(&parent), 0);
}

static int observe_cancel(bcsc_task_t *self) {
  returning_cancelled = bcsc_task_cancelled(self);
  return returning_cancelled ? BCSC_ECANCELED : 0;
}

/* bcsc_executor_run_once() is bcsc_executor_poll(ex, 1) plus the task:
 * a spawn message that waits for the host is taken, and the child it
 * carries takes the turn. (It used to drain value wakes only, answer 0 and
 * leave the message to the pender's next call.) */
Test(remote_protocol, run_once_takes_a_waiting_spawn_message_as_poll_does) {
  bcsc_executor_t parent, host;
  bcsc_executor_config_t config;
  bcsc_remote_task_t child;
  bcsc_task_t *turn = NULL;
  hand_t h;
  memset(&config, 0, sizeof config);
  config.size = sizeof config;
  config.pender = count_pender;
  pender_calls = 0;
  returning_cancelled = -1;
  hand_setup(&parent, &host, &child, observe_cancel, &h);
  cr_assert_eq(bcsc_executor_deinit(&host), 0);
  cr_assert_eq(bcsc_executor_init(&host, &config), 0);
  cr_assert_eq(bcsc_executor_spawn(&parent, &h.task), 0);
  cr_assert_eq(bcsc_executor_poll(&parent, 8), 1);
  cr_assert_eq(pender_calls, 1, "the spawn message");
  cr_assert_eq(bcsc_executor_run_once(&host, &turn), 1);
  cr_assert_eq(turn, &child.task, "the child took the turn");
  cr_assert_eq(returning_cancelled, 0, "polled once, not cancelled");
  cr_assert_eq(bcsc_executor_run_once(&host, &turn), 0, "nothing left");
  cr_assert_null(turn);
  cr_assert_eq(pender_calls, 1, "nothing more to announce");
  cr_assert_eq(bcsc_executor_run(&parent, &h.task), 0);
  cr_assert_eq(h.join_rc, 0);
  cr_assert(bcsc_remote_task_done(&child));
  cr_assert_eq(bcsc_executor_deinit(&host), 0);
  cr_assert_eq(bcsc_executor_deinit(&parent), 0);
}

/* The task of a remote child whose spawn message its host has not taken
 * reads as idle, but it is spawned: a local spawn of it is a second one
 * (D98), refused before the host's drain spawns it again over it. */
Test(remote_protocol, a_pending_remote_childs_task_is_not_spawned_again) {
  bcsc_executor_t parent, host;
  bcsc_remote_task_t child;
  bcsc_test_misuse_t rec;
  hand_t h;
  returning_cancelled = -1;
  hand_setup(&parent, &host, &child, observe_cancel, &h);
  cr_assert_eq(bcsc_executor_spawn(&parent, &h.task), 0);
  cr_assert_eq(bcsc_executor_poll(&parent, 8), 1); /* spawns it on host */
  cr_assert_not(bcsc_task_done(&child.task));
  bcsc_test_misuse_install(&rec);
  cr_assert_eq(bcsc_scope_spawn(&h.scope, &child.task), BCSC_EBUSY);
  cr_assert_eq(bcsc_executor_spawn(&parent, &child.task), BCSC_EBUSY);
  cr_assert_eq(bcsc_scope_spawn_on(&h.scope, &child, &host), BCSC_EBUSY);
  /* Its other calls read an idle frame: nothing live to act on here. */
  cr_assert_eq(bcsc_task_cancel(&child.task), BCSC_ESTATE);
  cr_assert_eq(bcsc_task_now(&child.task), 0);
  cr_assert_eq(rec.count, bcsc_test_misuse_expected(4));
  cr_assert_eq(bcsc_test_misuse_count_code(&rec, BCSC_MISUSE_DOUBLE_SPAWN),
               bcsc_test_misuse_expected(3));
  bcsc_test_misuse_uninstall();
  cr_assert_eq(bcsc_scope_live(&h.scope), 1, "counted once");
  cr_assert_eq(bcsc_executor_poll(&host, 8), 1, "the host runs it once");
  cr_assert_eq(returning_cancelled, 0);
  cr_assert_eq(bcsc_executor_run(&parent, &h.task), 0);
  cr_assert_eq(h.join_rc, 0);
  cr_assert(bcsc_remote_task_done(&child));
  cr_assert_eq(bcsc_executor_deinit(&host), 0);
  cr_assert_eq(bcsc_executor_deinit(&parent), 0);
}

/* A remote child reads the clock of the executor that hosts it, not its
 * parent's: the two sim clocks stand at 100 and 7000. */
static uint64_t child_read_now;
static int read_now(bcsc_task_t *self) {
  child_read_now = bcsc_task_now(self);
  return 0;
}

Test(remote_protocol, a_remote_child_reads_its_hosts_clock) {
  bcsc_executor_t parent, host;
  bcsc_sim_reactor_t parent_clock, host_clock;
  bcsc_executor_config_t config;
  bcsc_remote_task_t child;
  hand_t h;
  hand_setup(&parent, &host, &child, read_now, &h);
  cr_assert_eq(bcsc_executor_deinit(&parent), 0);
  cr_assert_eq(bcsc_executor_deinit(&host), 0);
  cr_assert_eq(bcsc_sim_reactor_init(&parent_clock, 100), 0);
  cr_assert_eq(bcsc_sim_reactor_init(&host_clock, 7000), 0);
  memset(&config, 0, sizeof config);
  config.size = sizeof config;
  config.reactor = &parent_clock.base;
  cr_assert_eq(bcsc_executor_init(&parent, &config), 0);
  config.reactor = &host_clock.base;
  cr_assert_eq(bcsc_executor_init(&host, &config), 0);
  cr_assert_eq(bcsc_executor_spawn(&parent, &h.task), 0);
  cr_assert_eq(bcsc_task_now(&h.task), 100);
  cr_assert_eq(bcsc_executor_poll(&parent, 8), 1);
  cr_assert_eq(bcsc_executor_poll(&host, 8), 1);
  cr_assert_eq(child_read_now, 7000);
  cr_assert_eq(bcsc_executor_run(&parent, &h.task), 0);
  cr_assert_eq(h.join_rc, 0);
  cr_assert_eq(bcsc_executor_deinit(&host), 0);
  cr_assert_eq(bcsc_executor_deinit(&parent), 0);
}

/* A message for the host pushed between the run loop's last drain and
 * its park announcement: the park must not block (the look after the
 * announcement reads the relay list too, inbox.c). The host's own clock
 * pushes it - it cancels the hand's scope, whose remote child the host
 * runs, when the run loop reads the time before parking. */
static bcsc_scope_t *clock_cancels;
static bcsc_executor_t *clock_host;
static int clock_cancelled;

static uint64_t clock_that_cancels(bcsc_reactor_t *r) {
  (void)r;
  /* Not from the child's own poll (its sleep reads the clock too): the
   * loop drains what a poll sends as soon as it returns. */
  if (clock_cancels != NULL && !clock_cancelled &&
      bcsc_executor_current(clock_host) == NULL) {
    clock_cancelled = 1;
    cr_assert_eq(bcsc_scope_cancel(clock_cancels), 0);
  }
  return 1000;
}

static int park_never(bcsc_reactor_t *r, uint64_t deadline) {
  (void)r;
  (void)deadline;
  cr_assert_fail("parked with a message in the relay list");
  return BCSC_EDEADLK;
}

/* Sleeps long, so that the host's run loop reads the clock before it
 * parks; returns what the sleep answers (BCSC_ECANCELED once cancelled). */
static int sleep_long(bcsc_task_t *self) {
  bcsc_timer_t *timer = self->data;
  return bcsc_sleep_until(self, timer, 1000000000);
}

Test(remote_protocol, a_message_pushed_before_the_park_announcement_skips_it) {
  bcsc_executor_t parent, host;
  bcsc_reactor_vtable_t vt = {.size = (uint32_t)sizeof vt,
                              .version = BCSC_REACTOR_VTABLE_VERSION,
                              .now = clock_that_cancels,
                              .park = park_never};
  bcsc_reactor_t reactor = {.vtable = &vt, .data = NULL};
  bcsc_executor_config_t config;
  bcsc_remote_task_t child;
  bcsc_timer_t timer;
  hand_t h;
  memset(&config, 0, sizeof config);
  config.size = sizeof config;
  config.reactor = &reactor;
  clock_cancels = NULL;
  clock_host = &host;
  clock_cancelled = 0;
  hand_setup(&parent, &host, &child, sleep_long, &h);
  cr_assert_eq(bcsc_executor_deinit(&host), 0);
  cr_assert_eq(bcsc_executor_init(&host, &config), 0);
  cr_assert_eq(bcsc_timer_init(&timer), 0);
  child.task.data = &timer;
  cr_assert_eq(bcsc_executor_spawn(&parent, &h.task), 0);
  cr_assert_eq(bcsc_executor_poll(&parent, 8), 1);
  /* The host takes the child, which sleeps; then the clock cancels. */
  clock_cancels = &h.scope;
  cr_assert_eq(bcsc_executor_run(&host, NULL), 0);
  cr_assert(clock_cancelled);
  cr_assert_eq(bcsc_task_result(&child.task), BCSC_ECANCELED);
  cr_assert_eq(bcsc_executor_run(&parent, &h.task), 0);
  cr_assert_eq(h.join_rc, BCSC_ECANCELED);
  cr_assert(bcsc_remote_task_done(&child));
  cr_assert_eq(bcsc_executor_deinit(&host), 0);
  cr_assert_eq(bcsc_executor_deinit(&parent), 0);
}

/* The same race under bcsc_executor_run(host, NULL): the run's own drain
 * takes the cancel, sends DONE - and that was all the run waited for. */
Test(remote_protocol,
     a_run_without_a_root_ends_with_the_drain_that_sends_done) {
  bcsc_executor_t parent, host;
  bcsc_remote_task_t child;
  hand_t h;
  hand_setup(&parent, &host, &child, cancel_parent_and_return, &h);
  returning_cancels = &h.scope;
  cr_assert_eq(bcsc_executor_spawn(&parent, &h.task), 0);
  cr_assert_eq(bcsc_executor_poll(&parent, 8), 1);
  cr_assert_eq(bcsc_executor_run(&host, NULL), 0);
  cr_assert_eq(bcsc_executor_live_roots(&host), 0);
  cr_assert_eq(bcsc_test_stats(&host).completions, 1);
  cr_assert_eq(bcsc_test_stats(&host).cancels, 0, "it had returned");
  cr_assert_eq(bcsc_executor_run(&parent, &h.task), 0);
  cr_assert_eq(h.join_rc, BCSC_TEST_E5);
  cr_assert(bcsc_remote_task_done(&child));
  cr_assert_eq(bcsc_executor_deinit(&host), 0);
  cr_assert_eq(bcsc_executor_deinit(&parent), 0);
}

/* A host's last local task lets the parent spawn a remote child onto it
 * (it polls the parent's executor, on this same thread) and returns: the
 * turn that empties the host's root finds the spawn message still in the
 * relay, so a run without a root goes on to host the child rather than
 * end with the message untaken. */
static int child_runs;
static int count_and_return(bcsc_task_t *self) {
  (void)self;
  child_runs++;
  return 0;
}

static int poll_parent_and_return(bcsc_task_t *self) {
  cr_assert_eq(bcsc_executor_poll((bcsc_executor_t *)self->data, 8), 1,
               "the hand ran and spawned its child");
  return 0;
}

Test(remote_protocol,
     a_run_without_a_root_hosts_a_child_sent_as_its_last_task_ends) {
  bcsc_executor_t parent, host;
  bcsc_remote_task_t child;
  bcsc_task_t last;
  hand_t h;
  hand_setup(&parent, &host, &child, count_and_return, &h);
  child_runs = 0;
  cr_assert_eq(bcsc_executor_spawn(&parent, &h.task), 0);
  cr_assert_eq(bcsc_task_init(&last, poll_parent_and_return, &parent), 0);
  cr_assert_eq(bcsc_executor_spawn(&host, &last), 0);
  cr_assert_eq(bcsc_executor_run(&host, NULL), 0);
  cr_assert_eq(child_runs, 1, "the run ended with the spawn message untaken");
  cr_assert_eq(bcsc_executor_live_roots(&host), 0);
  cr_assert_eq(bcsc_test_stats(&host).completions, 2);
  cr_assert_eq(bcsc_executor_run(&parent, &h.task), 0);
  cr_assert_eq(h.join_rc, 0);
  cr_assert(bcsc_remote_task_done(&child));
  cr_assert_eq(bcsc_executor_deinit(&host), 0);
  cr_assert_eq(bcsc_executor_deinit(&parent), 0);
}

/* An owner around hand_t: opens a scope, spawns the hand into it, joins. */
typedef struct outer {
  bcsc_task_t task;
  bcsc_scope_t scope;
  hand_t *inner;
  int phase;
  int join_rc;
} outer_t;

static int outer_poll(bcsc_task_t *self) {
  outer_t *o = (outer_t *)(void *)self;
  int rc;
  if (o->phase == 0) {
    o->phase = 1;
    cr_assert_eq(bcsc_scope_init(&o->scope, self, BCSC_SCOPE_WAIT_ALL), 0);
    cr_assert_eq(bcsc_scope_spawn(&o->scope, &o->inner->task), 0);
  }
  rc = bcsc_scope_join(&o->scope);
  if (rc == BCSC_PENDING)
    return rc;
  o->join_rc = rc;
  return 0;
}

/* Cancelling a task whose descendant owns a scope with a remote child: the
 * walk down the subtree marks the descendant's scopes and tells their
 * remote children. */
Test(remote_protocol, a_cancel_walk_reaches_a_descendants_remote_children) {
  bcsc_executor_t parent, host;
  bcsc_remote_task_t child;
  hand_t h;
  outer_t o;
  hand_setup(&parent, &host, &child, observe_cancel, &h);
  memset(&o, 0, sizeof o);
  cr_assert_eq(bcsc_task_init(&o.task, outer_poll, NULL), 0);
  o.inner = &h;
  returning_cancelled = 0;
  cr_assert_eq(bcsc_executor_spawn(&parent, &o.task), 0);
  cr_assert_eq(bcsc_executor_poll(&parent, 8), 2); /* both join */
  cr_assert_eq(bcsc_scope_live(&h.scope), 1u);
  cr_assert_eq(bcsc_task_cancel(&o.task), 0);
  cr_assert(bcsc_scope_cancelled(&h.scope));
  cr_assert_eq(bcsc_executor_run(&host, NULL), 0);
  cr_assert(returning_cancelled, "the child started cancelled");
  cr_assert_eq(bcsc_executor_run(&parent, &o.task), 0);
  cr_assert_eq(h.join_rc, BCSC_ECANCELED);
  cr_assert_eq(o.join_rc, BCSC_ECANCELED);
  cr_assert(bcsc_remote_task_done(&child));
  cr_assert_eq(bcsc_executor_deinit(&host), 0);
  cr_assert_eq(bcsc_executor_deinit(&parent), 0);
}

/* The checked build: a parent scope overwritten while its remote child
 * runs. Its DONE is reported and not acted on: the scope's list and count
 * are garbage, and the owner stays joining - so the parent executor, still
 * hosting a live task, refuses to be torn down. */
Test(remote_protocol, a_done_for_a_clobbered_parent_scope_is_reported) {
  bcsc_executor_t parent, host;
  bcsc_remote_task_t child;
  bcsc_test_misuse_t rec;
  hand_t h;
  uint16_t magic;
  if (!bcsc_is_checked_build())
    cr_skip_test("the release build has no canaries");
  hand_setup(&parent, &host, &child, observe_cancel, &h);
  cr_assert_eq(bcsc_executor_spawn(&parent, &h.task), 0);
  cr_assert_eq(bcsc_executor_poll(&parent, 8), 1);
  cr_assert_eq(bcsc_executor_run(&host, NULL), 0);
  bcsc_test_misuse_install(&rec);
  magic = h.scope.priv.magic;
  h.scope.priv.magic = 0;
  cr_assert_eq(bcsc_executor_poll(&parent, 8), 0);
  h.scope.priv.magic = magic;
  cr_assert_eq(bcsc_test_misuse_count_code(&rec, BCSC_MISUSE_FRAME_CLOBBERED),
               1u);
  cr_assert_eq(rec.objects[0], &h.scope);
  cr_assert_not(bcsc_remote_task_done(&child), "not counted as ended");
  cr_assert_eq(bcsc_scope_live(&h.scope), 1u);
  cr_assert_eq(bcsc_executor_deinit(&host), 0);
  cr_assert_eq(bcsc_executor_deinit(&parent), BCSC_EBUSY);
  cr_assert_eq(bcsc_test_misuse_count_code(&rec, BCSC_MISUSE_EXECUTOR_BUSY),
               1u);
  bcsc_test_misuse_uninstall();
}

Test(remote_protocol, a_child_sent_into_a_cancelled_scope_starts_cancelled) {
  bcsc_executor_t parent, host;
  bcsc_remote_task_t child;
  hand_t h;
  hand_setup(&parent, &host, &child, observe_cancel, &h);
  h.cancel_first = 1;
  returning_cancelled = 0;
  cr_assert_eq(bcsc_executor_spawn(&parent, &h.task), 0);
  cr_assert_eq(bcsc_executor_poll(&parent, 8), 1);
  /* run(NULL) on the host counts the message not yet taken as live. */
  cr_assert_eq(bcsc_executor_run(&host, NULL), 0);
  cr_assert(returning_cancelled);
  cr_assert_eq(bcsc_executor_run(&parent, &h.task), 0);
  cr_assert_eq(h.join_rc, BCSC_ECANCELED);
  cr_assert(bcsc_remote_task_done(&child));
  /* A frame that ended may be initialised and sent again. */
  cr_assert_eq(bcsc_remote_task_init(&child, observe_cancel, NULL), 0);
  memset(&h, 0, sizeof h);
  cr_assert_eq(bcsc_task_init(&h.task, hand_poll, NULL), 0);
  h.child = &child;
  h.host = &host;
  cr_assert_eq(bcsc_executor_spawn(&parent, &h.task), 0);
  cr_assert_eq(bcsc_executor_poll(&parent, 8), 1);
  cr_assert_eq(bcsc_executor_run(&host, NULL), 0);
  cr_assert_not(returning_cancelled);
  cr_assert_eq(bcsc_executor_run(&parent, &h.task), 0);
  cr_assert_eq(h.join_rc, 0);
  cr_assert_eq(bcsc_executor_deinit(&host), 0);
  cr_assert_eq(bcsc_executor_deinit(&parent), 0);
}

Test(remote_protocol, sizes_are_queryable) {
  cr_assert_eq(bcsc_remote_task_sizeof(), sizeof(bcsc_remote_task_t));
  cr_assert_eq(bcsc_remote_task_alignof(), _Alignof(bcsc_remote_task_t));
  cr_assert_gt(bcsc_remote_task_sizeof(), bcsc_task_sizeof());
  cr_assert_not(bcsc_remote_task_done(NULL));
}

#if defined(BCSC_CHECKED) && BCSC_CHECKED
#define DEFAULT_HANDLER_SIGNAL SIGABRT
#else
#define DEFAULT_HANDLER_SIGNAL 0
#endif

static int spawn_on_self_poll(bcsc_task_t *self) {
  static bcsc_scope_t scope;
  static bcsc_remote_task_t child;
  cr_assert_eq(bcsc_scope_init(&scope, self, BCSC_SCOPE_WAIT_ALL), 0);
  cr_assert_eq(bcsc_remote_task_init(&child, observe_cancel, NULL), 0);
  /* Aborts in the checked build (the default handler). */
  cr_assert_eq(
      bcsc_scope_spawn_on(&scope, &child, (bcsc_executor_t *)self->data),
      BCSC_EINVAL);
  return bcsc_scope_join(&scope);
}

Test(remote_death, spawn_on_the_scopes_own_executor_aborts_when_checked,
     .signal = DEFAULT_HANDLER_SIGNAL) {
  bcsc_executor_t ex;
  bcsc_task_t t;
  bcsc_set_misuse_handler(NULL, NULL);
  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  cr_assert_eq(bcsc_task_init(&t, spawn_on_self_poll, &ex), 0);
  cr_assert_eq(bcsc_executor_run(&ex, &t), 0);
  cr_assert_not(bcsc_is_checked_build(), "the default handler returned");
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
}

/* A frame that ended is the parent's again, but must be initialised before
 * it is sent again; a closed scope takes no remote child. */
static bcsc_remote_task_t *misuse_child;
static bcsc_executor_t *misuse_host;
static int misuse_rc;
static int spawn_ended_poll(bcsc_task_t *self) {
  static bcsc_scope_t scope;
  cr_assert_eq(bcsc_scope_init(&scope, self, BCSC_SCOPE_WAIT_ALL), 0);
  misuse_rc = bcsc_scope_spawn_on(&scope, misuse_child, misuse_host);
  return bcsc_scope_join(&scope);
}

Test(remote_protocol, an_ended_frame_or_a_closed_scope_is_refused) {
  bcsc_executor_t parent, host;
  bcsc_remote_task_t child;
  bcsc_task_t again;
  hand_t h;
  bcsc_test_misuse_t rec;
  hand_setup(&parent, &host, &child, observe_cancel, &h);
  cr_assert_eq(bcsc_executor_spawn(&parent, &h.task), 0);
  cr_assert_eq(bcsc_executor_poll(&parent, 8), 1);
  cr_assert_eq(bcsc_executor_run(&host, NULL), 0);
  cr_assert_eq(bcsc_executor_run(&parent, &h.task), 0);
  cr_assert(bcsc_remote_task_done(&child));
  bcsc_test_misuse_install(&rec);
  /* The scope was joined: closed. */
  cr_assert_eq(bcsc_scope_spawn_on(&h.scope, &child, &host), BCSC_ESTATE);
  cr_assert_eq(bcsc_test_misuse_count_code(&rec, BCSC_MISUSE_SCOPE_CLOSED),
               bcsc_test_misuse_expected(1));
  /* Ended and not initialised again: like a completed local frame. */
  misuse_child = &child;
  misuse_host = &host;
  cr_assert_eq(bcsc_task_init(&again, spawn_ended_poll, NULL), 0);
  cr_assert_eq(bcsc_executor_run(&parent, &again), 0);
  cr_assert_eq(misuse_rc, BCSC_ESTATE);
  cr_assert_eq(bcsc_test_misuse_count_code(&rec, BCSC_MISUSE_TASK_DONE),
               bcsc_test_misuse_expected(1));
  cr_assert_eq(rec.count, bcsc_test_misuse_expected(2));
  bcsc_test_misuse_uninstall();
  cr_assert_eq(bcsc_executor_live_roots(&host), 0);
  cr_assert_eq(bcsc_executor_deinit(&host), 0);
  cr_assert_eq(bcsc_executor_deinit(&parent), 0);
}

/* FAIL_FAST: a remote child fails while its sibling has ended on the host
 * but its DONE is not taken yet. The cancel must leave that sibling alone
 * (it is DONE: nothing may be pushed to its host any more). */
static int fail_at_once(bcsc_task_t *self) {
  (void)self;
  return BCSC_TEST_E1;
}
static int finish_at_once(bcsc_task_t *self) {
  (void)self;
  return 0;
}

typedef struct pair_owner {
  bcsc_task_t task;
  bcsc_scope_t scope;
  bcsc_remote_task_t *first, *second;
  bcsc_executor_t *host;
  int phase;
  int join_rc;
} pair_owner_t;

static int pair_owner_poll(bcsc_task_t *self) {
  pair_owner_t *o = (pair_owner_t *)(void *)self;
  int rc;
  if (o->phase == 0) {
    o->phase = 1;
    cr_assert_eq(bcsc_scope_init(&o->scope, self, BCSC_SCOPE_FAIL_FAST), 0);
    cr_assert_eq(bcsc_scope_spawn_on(&o->scope, o->first, o->host), 0);
    cr_assert_eq(bcsc_scope_spawn_on(&o->scope, o->second, o->host), 0);
  }
  rc = bcsc_scope_join(&o->scope);
  if (rc == BCSC_PENDING)
    return rc;
  o->join_rc = rc;
  return 0;
}

Test(remote_protocol,
     a_failure_does_not_cancel_a_sibling_whose_done_is_on_its_way) {
  bcsc_executor_t parent, host;
  bcsc_remote_task_t failing, finished;
  pair_owner_t o;
  cr_assert_eq(bcsc_executor_init(&parent, NULL), 0);
  cr_assert_eq(bcsc_executor_init(&host, NULL), 0);
  cr_assert_eq(bcsc_remote_task_init(&failing, fail_at_once, NULL), 0);
  cr_assert_eq(bcsc_remote_task_init(&finished, finish_at_once, NULL), 0);
  memset(&o, 0, sizeof o);
  cr_assert_eq(bcsc_task_init(&o.task, pair_owner_poll, NULL), 0);
  o.first = &failing;
  o.second = &finished;
  o.host = &host;
  cr_assert_eq(bcsc_executor_spawn(&parent, &o.task), 0);
  cr_assert_eq(bcsc_executor_poll(&parent, 8), 1);
  /* Both run and end on the host: two DONE messages, the failure first. */
  cr_assert_eq(bcsc_executor_poll(&host, 8), 2);
  cr_assert_eq(bcsc_executor_live_roots(&host), 0);
  /* The parent takes the failure (fail-fast cancels the scope), then the
   * other DONE; no cancel went to the host. */
  cr_assert_eq(bcsc_executor_poll(&parent, 8), 1);
  cr_assert_eq(o.join_rc, BCSC_TEST_E1);
  cr_assert_eq(bcsc_scope_error_count(&o.scope), 1);
  cr_assert_eq(bcsc_executor_next_deadline(&host), BCSC_NO_DEADLINE);
  cr_assert_eq(bcsc_task_result(&finished.task), 0);
  cr_assert_not(bcsc_task_cancelled(&finished.task));
  cr_assert_eq(bcsc_executor_deinit(&host), 0);
  cr_assert_eq(bcsc_executor_deinit(&parent), 0);
}

/* A frame that was never initialised, and a spawn from another thread. */
typedef struct foreign_spawn {
  bcsc_scope_t *scope;
  bcsc_remote_task_t *child;
  bcsc_executor_t *host;
  int rc;
} foreign_spawn_t;

static void *foreign_spawn_main(void *arg) {
  foreign_spawn_t *f = arg;
  f->rc = bcsc_scope_spawn_on(f->scope, f->child, f->host);
  return NULL;
}

static bcsc_remote_task_t never_init;
static int check_bad_frames_poll(bcsc_task_t *self) {
  static bcsc_scope_t scope;
  static bcsc_remote_task_t child;
  bcsc_executor_t *host = self->data;
  foreign_spawn_t f;
  pthread_t thread;
  cr_assert_eq(bcsc_scope_init(&scope, self, BCSC_SCOPE_WAIT_ALL), 0);
  memset(&never_init, 0, sizeof never_init);
  cr_assert_eq(bcsc_scope_spawn_on(&scope, &never_init, host), BCSC_EBADOBJ);
  cr_assert_eq(bcsc_remote_task_init(&child, finish_at_once, NULL), 0);
  f.scope = &scope;
  f.child = &child;
  f.host = host;
  f.rc = 1;
  cr_assert_eq(pthread_create(&thread, NULL, foreign_spawn_main, &f), 0);
  cr_assert_eq(pthread_join(thread, NULL), 0);
  /* Checked: refused, nothing sent. Release checks no thread: sent. */
  cr_assert_eq(f.rc, bcsc_is_checked_build() ? BCSC_EPERM : 0);
  cr_assert_eq(bcsc_scope_live(&scope), bcsc_is_checked_build() ? 0u : 1u);
  return BCSC_DONE; /* bcsc drains the scope if the child was sent */
}

Test(remote_protocol, an_uninitialised_frame_or_another_thread_is_refused) {
  bcsc_executor_t parent, host;
  bcsc_task_t t;
  bcsc_test_misuse_t rec;
  cr_assert_eq(bcsc_executor_init(&parent, NULL), 0);
  cr_assert_eq(bcsc_executor_init(&host, NULL), 0);
  cr_assert_eq(bcsc_task_init(&t, check_bad_frames_poll, &host), 0);
  bcsc_test_misuse_install(&rec);
  cr_assert_eq(bcsc_executor_spawn(&parent, &t), 0);
  cr_assert_eq(bcsc_executor_poll(&parent, 1), 1);
  cr_assert_eq(bcsc_test_misuse_count_code(&rec, BCSC_MISUSE_BAD_OBJECT),
               bcsc_test_misuse_expected(1));
  cr_assert_eq(bcsc_test_misuse_count_code(&rec, BCSC_MISUSE_WRONG_THREAD),
               bcsc_test_misuse_expected(1));
  bcsc_test_misuse_uninstall();
  cr_assert_eq(bcsc_executor_run(&host, NULL), 0);
  cr_assert_eq(bcsc_executor_run(&parent, &t), 0);
  cr_assert_eq(bcsc_executor_deinit(&host), 0);
  cr_assert_eq(bcsc_executor_deinit(&parent), 0);
}

/* A pusher still holding its pin when the executor is torn down (white
 * box: the pin taken by hand, as bcsc__relay_push takes it): deinit waits
 * for it to be dropped rather than fail or free the executor under the
 * pusher. The pin is held from before deinit is called and dropped 20 ms
 * after it is: deinit's wait is taken unless the test thread stalls that
 * long between the two. */
typedef struct pin_holder {
  bcsc_executor_t *ex;
  atomic_int deinit_started;
} pin_holder_t;

static void *drop_pin_later(void *arg) {
  pin_holder_t *h = arg;
  _Atomic uint32_t *pins = (_Atomic uint32_t *)(void *)&h->ex->priv.relay_pins;
  while (!atomic_load(&h->deinit_started))
    sched_yield();
  /* Let deinit reach its wait: 20 ms against a few instructions. */
  nanosleep(&(struct timespec){.tv_sec = 0, .tv_nsec = 20000000}, NULL);
  atomic_fetch_sub_explicit(pins, 1, memory_order_release);
  return NULL;
}

Test(remote_protocol, deinit_waits_for_a_pusher_holding_its_pin) {
  bcsc_executor_t ex;
  pin_holder_t h;
  pthread_t thread;
  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  h.ex = &ex;
  atomic_init(&h.deinit_started, 0);
  atomic_fetch_add_explicit((_Atomic uint32_t *)(void *)&ex.priv.relay_pins, 1,
                            memory_order_acquire);
  cr_assert_eq(pthread_create(&thread, NULL, drop_pin_later, &h), 0);
  atomic_store(&h.deinit_started, 1);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
  cr_assert_eq(
      atomic_load_explicit((_Atomic uint32_t *)(void *)&ex.priv.relay_pins,
                           memory_order_relaxed),
      0u, "deinit returned with the pin still held");
  cr_assert_eq(pthread_join(thread, NULL), 0);
}

/* The owner of a race drives the host itself, so the remote child has won
 * (its DONE on its way) when the owner returns with the scope open: the
 * win arrives during the owner's drain, and must not replace the result
 * the owner returned, which shares its word (D75). */
typedef struct racing_owner {
  bcsc_task_t task;
  bcsc_scope_t scope;
  bcsc_remote_task_t *child;
  bcsc_executor_t *host;
} racing_owner_t;

static int racing_owner_poll(bcsc_task_t *self) {
  racing_owner_t *o = (racing_owner_t *)(void *)self;
  cr_assert_eq(bcsc_scope_init(&o->scope, self, BCSC_SCOPE_RACE), 0);
  cr_assert_eq(bcsc_scope_spawn_on(&o->scope, o->child, o->host), 0);
  cr_assert_eq(bcsc_executor_poll(o->host, 8), 1);
  cr_assert_not(bcsc_remote_task_done(o->child), "its DONE is not taken yet");
  return BCSC_TEST_E5;
}

Test(remote_protocol, a_race_won_during_the_owners_drain_keeps_its_result) {
  bcsc_executor_t parent, host;
  bcsc_remote_task_t child;
  racing_owner_t o;
  cr_assert_eq(bcsc_executor_init(&parent, NULL), 0);
  cr_assert_eq(bcsc_executor_init(&host, NULL), 0);
  cr_assert_eq(bcsc_remote_task_init(&child, finish_at_once, NULL), 0);
  memset(&o, 0, sizeof o);
  cr_assert_eq(bcsc_task_init(&o.task, racing_owner_poll, NULL), 0);
  o.child = &child;
  o.host = &host;
  cr_assert_eq(bcsc_executor_spawn(&parent, &o.task), 0);
  cr_assert_eq(bcsc_executor_poll(&parent, 8), 2); /* its poll, its drain */
  cr_assert(bcsc_task_done(&o.task));
  cr_assert(bcsc_remote_task_done(&child));
  cr_assert_not(bcsc_task_cancelled(&child.task), "it won before the cancel");
  cr_assert_eq(bcsc_task_result(&child.task), 0);
  cr_assert_eq(bcsc_task_result(&o.task), BCSC_TEST_E5);
  cr_assert_eq(bcsc_executor_deinit(&host), 0);
  cr_assert_eq(bcsc_executor_deinit(&parent), 0);
}

/* Two remote children of a race both succeed on the host before the
 * parent drains either DONE: the first drained wins and its win's cancel
 * finds the second ended already, so the second's success arrives after
 * the win, uncancelled - it neither wins again nor counts as a failure. */
typedef struct pair_racer {
  bcsc_task_t task;
  bcsc_scope_t scope;
  bcsc_remote_task_t *child[2];
  bcsc_executor_t *host;
  int phase;
  int join_rc;
  bcsc_task_t *winner;
} pair_racer_t;

static int pair_racer_poll(bcsc_task_t *self) {
  pair_racer_t *o = (pair_racer_t *)(void *)self;
  int rc;
  if (o->phase++ == 0) {
    cr_assert_eq(bcsc_scope_init(&o->scope, self, BCSC_SCOPE_RACE), 0);
    for (int i = 0; i < 2; i++)
      cr_assert_eq(bcsc_scope_spawn_on(&o->scope, o->child[i], o->host), 0);
  }
  rc = bcsc_scope_join(&o->scope);
  if (rc == BCSC_PENDING)
    return rc;
  o->join_rc = rc;
  o->winner = bcsc_scope_winner(&o->scope);
  return 0;
}

Test(remote_protocol, a_success_drained_after_the_race_was_won_loses) {
  bcsc_executor_t parent, host;
  bcsc_remote_task_t child[2];
  pair_racer_t o;
  cr_assert_eq(bcsc_executor_init(&parent, NULL), 0);
  cr_assert_eq(bcsc_executor_init(&host, NULL), 0);
  memset(&o, 0, sizeof o);
  cr_assert_eq(bcsc_task_init(&o.task, pair_racer_poll, NULL), 0);
  for (int i = 0; i < 2; i++) {
    cr_assert_eq(bcsc_remote_task_init(&child[i], finish_at_once, NULL), 0);
    o.child[i] = &child[i];
  }
  o.host = &host;
  cr_assert_eq(bcsc_executor_spawn(&parent, &o.task), 0);
  cr_assert_eq(bcsc_executor_poll(&parent, 8), 1);
  cr_assert_eq(bcsc_executor_run(&host, NULL), 0);
  cr_assert_eq(bcsc_test_stats(&host).completions, 2, "both ran to the end");
  cr_assert_eq(bcsc_executor_run(&parent, &o.task), 0);
  cr_assert_eq(o.join_rc, 0);
  cr_assert_eq(o.winner, &child[0].task, "the first DONE drained won");
  for (int i = 0; i < 2; i++) {
    cr_assert(bcsc_remote_task_done(&child[i]));
    cr_assert_not(bcsc_task_cancelled(&child[i].task));
  }
  cr_assert_eq(bcsc_executor_deinit(&host), 0);
  cr_assert_eq(bcsc_executor_deinit(&parent), 0);
}

/* ---- remote children behind a shield (D80) -------------------------------
 *
 * Y owns a shielded scope S with a remote child K on the host; Y lives in
 * scope A of the root R. Both executors run on this thread, polled by
 * hand, the parent's on a simulated clock: a cancellation that must not
 * reach K shows as a host poll with nothing to do. K waits on the host's
 * list until woken (it returns 0) or cancelled (BCSC_ECANCELED). */

typedef struct shield_kid {
  bcsc_remote_task_t remote; /* first */
  bcsc_wait_t wait;
  bcsc_waitq_t *q;
  int registered;
  int saw_cancel;
  int finished;
} shield_kid_t;

static int shield_kid_poll(bcsc_task_t *self) {
  shield_kid_t *k = (shield_kid_t *)(void *)self;
  if (bcsc_task_cancelled(self)) {
    k->saw_cancel = 1;
    return BCSC_ECANCELED;
  }
  if (!k->registered) {
    k->registered = 1;
    cr_assert_eq(bcsc_wait_register(self, &k->wait, k->q), 0);
    return BCSC_PENDING;
  }
  k->finished = 1;
  return 0;
}

/* What a drain grace reported. */
typedef struct shield_log {
  uint32_t n;
  bcsc_task_t *tasks[4];
} shield_log_t;

static void shield_report(void *context, bcsc_scope_t *scope,
                          bcsc_task_t *task) {
  shield_log_t *log = context;
  (void)scope;
  cr_assert_lt(log->n, 4);
  log->tasks[log->n++] = task;
}

/* R: opens A, gives it a deadline and a drain grace if asked, spawns the
 * hand Y into it and joins. */
typedef struct shield_root {
  bcsc_task_t task;
  bcsc_scope_t scope;
  bcsc_drain_grace_t grace;
  bcsc_executor_t *ex;
  hand_t *y;
  uint64_t deadline_in;
  uint64_t grace_ns;
  shield_log_t log;
  int phase;
  int join_rc;
} shield_root_t;

static int shield_root_poll(bcsc_task_t *self) {
  shield_root_t *r = (shield_root_t *)(void *)self;
  int rc;
  if (r->phase == 0) {
    r->phase = 1;
    cr_assert_eq(bcsc_scope_init(&r->scope, self, BCSC_SCOPE_WAIT_ALL), 0);
    if (r->deadline_in != 0)
      cr_assert_eq(bcsc_scope_set_deadline(
                       &r->scope, bcsc_executor_now(r->ex) + r->deadline_in,
                       BCSC_DEADLINE_MOVE_ON),
                   0);
    if (r->grace_ns != 0) {
      cr_assert_eq(bcsc_drain_grace_init(&r->grace), 0);
      cr_assert_eq(bcsc_scope_set_drain_grace(&r->scope, &r->grace, r->grace_ns,
                                              shield_report, &r->log),
                   0);
    }
    cr_assert_eq(bcsc_scope_spawn(&r->scope, &r->y->task), 0);
  }
  rc = bcsc_scope_join(&r->scope);
  if (rc == BCSC_PENDING)
    return rc;
  r->join_rc = rc;
  return 0;
}

typedef struct shield_env {
  bcsc_executor_t parent, host;
  bcsc_sim_reactor_t sim;
  bcsc_waitq_t q; /* the host's */
  shield_kid_t k;
  hand_t y;
  shield_root_t r;
} shield_env_t;

/* Set up; Y's scope shielded if `shield`. */
static void shield_env_init(shield_env_t *e, int shield) {
  bcsc_executor_config_t config;
  memset(e, 0, sizeof *e);
  cr_assert_eq(bcsc_sim_reactor_init(&e->sim, 1000), 0);
  memset(&config, 0, sizeof config);
  config.size = sizeof config;
  config.reactor = &e->sim.base;
  cr_assert_eq(bcsc_executor_init(&e->parent, &config), 0);
  cr_assert_eq(bcsc_executor_init(&e->host, NULL), 0);
  cr_assert_eq(bcsc_waitq_init(&e->q), 0);
  cr_assert_eq(bcsc_remote_task_init(&e->k.remote, shield_kid_poll, NULL), 0);
  cr_assert_eq(bcsc_wait_init(&e->k.wait), 0);
  e->k.q = &e->q;
  cr_assert_eq(bcsc_task_init(&e->y.task, hand_poll, NULL), 0);
  e->y.child = &e->k.remote;
  e->y.host = &e->host;
  e->y.options = shield ? BCSC_SCOPE_SHIELD : 0;
  cr_assert_eq(bcsc_task_init(&e->r.task, shield_root_poll, NULL), 0);
  e->r.ex = &e->parent;
  e->r.y = &e->y;
}

/* R and Y open their scopes and join; K is sent, polled, and waits. */
static void shield_env_start(shield_env_t *e) {
  cr_assert_eq(bcsc_executor_spawn(&e->parent, &e->r.task), 0);
  cr_assert_eq(bcsc_executor_poll(&e->parent, 8), 2);
  cr_assert_eq(bcsc_executor_poll(&e->host, 8), 1);
  cr_assert(e->k.registered);
  cr_assert_eq(bcsc_waitq_count(&e->q), 1);
}

/* Let time pass on the parent's clock and have it look. */
static void shield_env_advance(shield_env_t *e, uint64_t ns) {
  cr_assert_eq(bcsc_sim_reactor_advance(&e->sim, ns), 0);
  (void)bcsc_executor_poll(&e->parent, 8);
}

/* After a cancellation from outside: it stopped at the shield, and K,
 * untouched on the host, finishes when woken. */
static void shield_env_check_stopped(shield_env_t *e) {
  cr_assert(bcsc_scope_cancelled(&e->r.scope));
  cr_assert(bcsc_task_cancelled(&e->y.task));
  cr_assert_not(bcsc_scope_cancelled(&e->y.scope));
  (void)bcsc_executor_poll(&e->parent, 8);
  cr_assert_eq(bcsc_executor_poll(&e->host, 8), 0, "no cancel was sent");
  cr_assert_not(bcsc_task_cancelled(&e->k.remote.task));
  cr_assert_eq(bcsc_waitq_count(&e->q), 1);
  cr_assert_eq(bcsc_test_stats(&e->host).cancels, 0);
  cr_assert_eq(bcsc_waitq_wake_all(&e->q, 0), 1);
  cr_assert_eq(bcsc_executor_poll(&e->host, 8), 1);
  cr_assert(e->k.finished);
  cr_assert_eq(bcsc_executor_run(&e->parent, &e->r.task), 0);
  cr_assert(bcsc_remote_task_done(&e->k.remote));
  cr_assert_eq(bcsc_task_result(&e->k.remote.task), 0);
  cr_assert_eq(e->y.join_rc, 0);
}

/* Without the shield the same cancellation reaches K. */
static void shield_env_check_reached(shield_env_t *e) {
  (void)bcsc_executor_poll(&e->parent, 8);
  cr_assert_eq(bcsc_executor_poll(&e->host, 8), 1);
  cr_assert(e->k.saw_cancel);
  cr_assert_eq(bcsc_executor_run(&e->parent, &e->r.task), 0);
  cr_assert_eq(bcsc_task_result(&e->k.remote.task), BCSC_ECANCELED);
  cr_assert_eq(e->y.join_rc, BCSC_ECANCELED);
}

static void shield_env_deinit(shield_env_t *e) {
  cr_assert(bcsc_task_done(&e->r.task));
  cr_assert_eq(bcsc_waitq_deinit(&e->q), 0);
  cr_assert_eq(bcsc_executor_deinit(&e->host), 0);
  cr_assert_eq(bcsc_executor_deinit(&e->parent), 0);
}

Test(remote_shield, an_outer_scope_cancel_does_not_reach_a_remote_child) {
  for (int shield = 1; shield >= 0; shield--) {
    shield_env_t e;
    shield_env_init(&e, shield);
    shield_env_start(&e);
    cr_assert_eq(bcsc_scope_cancel(&e.r.scope), 0);
    if (shield)
      shield_env_check_stopped(&e);
    else
      shield_env_check_reached(&e);
    cr_assert_eq(e.r.join_rc, BCSC_ECANCELED);
    shield_env_deinit(&e);
  }
}

Test(remote_shield, the_owners_task_cancel_does_not_reach_a_remote_child) {
  shield_env_t e;
  shield_env_init(&e, 1);
  shield_env_start(&e);
  cr_assert_eq(bcsc_task_cancel(&e.y.task), 0);
  cr_assert_not(bcsc_scope_cancelled(&e.r.scope));
  cr_assert(bcsc_task_cancelled(&e.y.task));
  cr_assert_not(bcsc_scope_cancelled(&e.y.scope));
  (void)bcsc_executor_poll(&e.parent, 8);
  cr_assert_eq(bcsc_executor_poll(&e.host, 8), 0, "no cancel was sent");
  cr_assert_eq(bcsc_waitq_wake_all(&e.q, 0), 1);
  cr_assert_eq(bcsc_executor_poll(&e.host, 8), 1);
  cr_assert_eq(bcsc_executor_run(&e.parent, &e.r.task), 0);
  cr_assert_eq(bcsc_task_result(&e.k.remote.task), 0);
  cr_assert_eq(e.y.join_rc, 0);
  cr_assert_eq(e.r.join_rc, 0);
  shield_env_deinit(&e);
}

Test(remote_shield, an_outer_deadline_does_not_reach_a_remote_child) {
  for (int shield = 1; shield >= 0; shield--) {
    shield_env_t e;
    shield_env_init(&e, shield);
    e.r.deadline_in = 10 * BCSC_MSEC;
    shield_env_start(&e);
    shield_env_advance(&e, 5 * BCSC_MSEC);
    cr_assert_not(bcsc_scope_cancelled(&e.r.scope));
    shield_env_advance(&e, 5 * BCSC_MSEC);
    cr_assert(bcsc_scope_timed_out(&e.r.scope));
    if (shield)
      shield_env_check_stopped(&e);
    else
      shield_env_check_reached(&e);
    cr_assert_eq(e.r.join_rc, 0, "MOVE_ON");
    shield_env_deinit(&e);
  }
}

Test(remote_shield, the_shields_own_cancel_reaches_a_remote_child) {
  shield_env_t e;
  shield_env_init(&e, 1);
  shield_env_start(&e);
  cr_assert_eq(bcsc_scope_cancel(&e.r.scope), 0);
  (void)bcsc_executor_poll(&e.parent, 8);
  cr_assert_eq(bcsc_executor_poll(&e.host, 8), 0);
  /* Its own end, some time later. */
  cr_assert_eq(bcsc_scope_cancel(&e.y.scope), 0);
  cr_assert_eq(bcsc_executor_poll(&e.host, 8), 1, "the cancel arrived");
  cr_assert(e.k.saw_cancel);
  cr_assert_not(e.k.finished);
  cr_assert_eq(bcsc_executor_run(&e.parent, &e.r.task), 0);
  cr_assert_eq(bcsc_task_result(&e.k.remote.task), BCSC_ECANCELED);
  cr_assert_eq(e.y.join_rc, BCSC_ECANCELED);
  cr_assert_eq(bcsc_test_stats(&e.host).cancels, 1);
  shield_env_deinit(&e);
}

Test(remote_shield, a_grace_above_reports_the_owner_a_remote_child_holds_up) {
  /* A is cancelled at once and its 20 ms grace runs out with K still
   * waiting behind the shield: Y, joining S for it, is reported. K is not
   * (a remote child's frame is its host's, D59), and is not cancelled by
   * the report either. */
  shield_env_t e;
  shield_env_init(&e, 1);
  e.r.grace_ns = 20 * BCSC_MSEC;
  shield_env_start(&e);
  cr_assert_eq(bcsc_scope_cancel(&e.r.scope), 0);
  shield_env_advance(&e, 19 * BCSC_MSEC);
  cr_assert_eq(e.r.log.n, 0);
  shield_env_advance(&e, 1 * BCSC_MSEC);
  cr_assert_eq(e.r.log.n, 1);
  cr_assert_eq(e.r.log.tasks[0], &e.y.task);
  shield_env_check_stopped(&e);
  cr_assert_eq(e.r.log.n, 1, "reported once");
  shield_env_deinit(&e);
}

Test(remote_shield, a_shield_taken_away_lets_the_stopped_cancel_reach_it) {
  /* bcsc_scope_set_shield() (D83): A's cancel stopped at S; the shield
   * taken away sends it on to the host. */
  shield_env_t e;
  shield_env_init(&e, 1);
  shield_env_start(&e);
  cr_assert_eq(bcsc_scope_cancel(&e.r.scope), 0);
  (void)bcsc_executor_poll(&e.parent, 8);
  cr_assert_eq(bcsc_executor_poll(&e.host, 8), 0);
  cr_assert_eq(bcsc_scope_set_shield(&e.y.scope, 0), 0);
  cr_assert(bcsc_scope_cancelled(&e.y.scope));
  shield_env_check_reached(&e);
  shield_env_deinit(&e);
}
