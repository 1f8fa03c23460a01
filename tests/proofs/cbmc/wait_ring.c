/* SPDX-License-Identifier: MIT
 * wait_ring.c - CBMC proof of the waiter lists of libbcsc/src/wait.c: the
 * real file is #included (its static functions too), nothing is re-typed.
 *
 * States: NQ waiter lists (both plain or both hand-off), NW registrations
 * each belonging to its own task (OWNERS), a task being polled or none,
 * and one more task already queued. main() enumerates EVERY such state with
 * up to NLINK registrations linked by bcsc__wait_link() (any split over the
 * lists; index order loses nothing, as nodes are interchangeable), then
 * applies one operation, OP, to every target:
 *   OP_REGISTER  bcsc_wait_register() by the running task, of an idle node
 *   OP_CANCEL    bcsc_wait_cancel() of any node (linked or not)
 *   OP_WAKE_ONE  bcsc_waitq_wake_one() of any list
 *   OP_WAKE_ALL  bcsc_waitq_wake_all() of any list
 *   OP_TASK_WAKE bcsc__task_wake() of any task (what cancel and yield do)
 *   OP_HANDOFF   a wake_one, then what its task does with the baton: take
 *                it (bcsc__wait_take), cancel it, or return from its poll
 *                without it (bcsc__task_batons)
 * After it, everything must match a plain model of the protocol:
 *  - each list is a ring through its own links, oldest first, holding
 *    exactly the model's registrations in order (empty: both links NULL,
 *    no tag); bcsc_waitq_count() agrees;
 *  - each registration's state, tag and value are the model's (first wake
 *    wins: a woken task holds no linked registration);
 *  - each waiting task's list of registrations holds exactly its linked
 *    ones, through consistent next/pprev links;
 *  - the run queue is the model's FIFO, bcsc__runq_ready() its length
 *    (D37: derived from the spawn, wake and poll counts);
 *  - the executor's batons are exactly the model's, each naming its list,
 *    and each list's baton count agrees; a baton declined passes to the
 *    next waiter with its value;
 *  - no misuse is reported (the checked build's canaries all hold).
 * CBMC adds memory safety: every pointer followed is valid. */
/* The controls (controls.h): the mutants of scripts/prove.sh this harness
 * catches, each a switch of the schema tree. */
#define HARNESS_CONTROLS(X)                                                    \
  X(LINK_KEEPS_NEWEST, 1)                                                      \
  X(REMOVE_KEEPS_PREV, 2)                                                      \
  X(FIRE_KEEPS_PREV, 3) X(WAKE_KEEPS_OTHERS, 4) X(BATON_DROPPED, 5)
#include "controls.h"
#define MUTANT_LINK_KEEPS_NEWEST BROKEN(LINK_KEEPS_NEWEST)
#define MUTANT_REMOVE_KEEPS_PREV BROKEN(REMOVE_KEEPS_PREV)
#define MUTANT_FIRE_KEEPS_PREV BROKEN(FIRE_KEEPS_PREV)
#define MUTANT_WAKE_KEEPS_OTHERS BROKEN(WAKE_KEEPS_OTHERS)
#define MUTANT_BATON_DROPPED BROKEN(BATON_DROPPED)

/* No semaphore links a place in a strict line here (D34), and check_all()
 * asserts every linked node's value is 0: see line_place() in wait.c. */
#define BCSC__PROOF_NO_LINE_PLACES 1
#include "wait.c"

#ifndef NQ
#define NQ 2
#endif
#ifndef NW
#define NW 4
#endif
#ifndef NT
#define NT 5 /* the last one is queued and holds no registration */
#endif
#ifndef NLINK
#define NLINK 4
#endif
#define OP_REGISTER 1
#define OP_CANCEL 2
#define OP_WAKE_ONE 3
#define OP_WAKE_ALL 4
#define OP_TASK_WAKE 5
#define OP_HANDOFF 6
#ifndef OP
#define OP OP_WAKE_ONE
#endif

unsigned nondet_unsigned(void);
int nondet_int(void);
uintptr_t nondet_uintptr(void);

/* No misuse may be reported on a well-formed state; no timer node exists. */
void bcsc__misuse(int32_t code, const void *object) {
  (void)code;
  (void)object;
  CHECK(!"misuse reported");
}
void bcsc__timer_wait_unlink(bcsc_wait_t *w) {
  (void)w;
  CHECK(!"no timer registration here");
}

static bcsc_executor_t ex;
static bcsc_scope_t scope;
/* Separate objects rather than arrays: CBMC splits a pointer over a few
 * objects cheaply, while stores through the core's 64-bit header word into
 * an array element with a symbolic index blow up. */
static bcsc_task_t task0, task1, task2, task3, task4;
static bcsc_wait_t wait0, wait1, wait2, wait3;
static bcsc_waitq_t list0, list1;
static bcsc_task_t *const task_at[5] = {&task0, &task1, &task2, &task3, &task4};
static bcsc_wait_t *const wait_at[4] = {&wait0, &wait1, &wait2, &wait3};
static bcsc_waitq_t *const list_at[2] = {&list0, &list1};
/* Which task each registration belongs to. One each: a task holding two
 * (a select) makes cbmc 6.6 lose the pointer it reads back from the task's
 * union link (run_next / waits / result) and report a bogus failure in the
 * task's list - so the select case is left to the Criterion suites
 * (test_wait.c) and the model test; see docs/testing.md. */
#ifndef OWNERS
#define OWNERS 0, 1, 2, 3
#endif
static const unsigned owner_of[NW] = {OWNERS};
_Static_assert(NT <= 5 && NW <= 4 && NQ <= 2, "objects declared above");

/* The index of a registration found through a link, NW if none. */
static unsigned wait_index(const bcsc_wait_t *w) {
  for (unsigned i = 0; i < NW; i++)
    if (w == wait_at[i])
      return i;
  return NW;
}

/* ---- the model ---- */
static unsigned m_list[NQ][NW]; /* registrations, oldest first */
static unsigned m_len[NQ];
static unsigned m_on[NW];    /* the list a linked node is on */
static unsigned m_state[NW]; /* BCSC__WAIT_* */
static uintptr_t m_value[NW];
static unsigned m_owner[NW];
static unsigned m_task[NT]; /* BCSC__TASK_QUEUED/RUNNING/WAITING */
static int m_woken[NT];
static int m_baton_flag[NT];
static unsigned m_runq[NT];
static unsigned m_ready;
static int m_handoff[NQ];
static unsigned m_baton_from[NW]; /* list of a baton */
static int m_current = -1;

static void model_unlink(unsigned i) {
  unsigned j = m_on[i], k = 0;
  while (m_list[j][k] != i)
    k++;
  for (; k + 1 < m_len[j]; k++)
    m_list[j][k] = m_list[j][k + 1];
  m_len[j]--;
  m_state[i] = BCSC__WAIT_IDLE;
}

/* bcsc__task_wake(): first wake wins. */
static void model_task_wake(unsigned t) {
  if (m_task[t] == BCSC__TASK_QUEUED)
    return;
  for (unsigned i = 0; i < NW; i++)
    if (m_owner[i] == t && m_state[i] == BCSC__WAIT_LINKED)
      model_unlink(i);
  if (m_task[t] == BCSC__TASK_RUNNING) {
    m_woken[t] = 1;
    return;
  }
  m_task[t] = BCSC__TASK_QUEUED;
  m_runq[m_ready++] = t;
}

/* waitq_fire_one(): returns 1 if a node was fired. */
static int model_fire_one(unsigned j, uintptr_t value) {
  unsigned i, t;
  if (m_len[j] == 0)
    return 0;
  i = m_list[j][0];
  t = m_owner[i];
  model_unlink(i);
  m_state[i] = BCSC__WAIT_FIRED;
  m_value[i] = value;
  model_task_wake(t);
  if (m_handoff[j]) {
    m_state[i] = m_task[t] == BCSC__TASK_RUNNING ? BCSC__WAIT_FIRED_HANDOFF_NEW
                                                 : BCSC__WAIT_FIRED_HANDOFF;
    m_baton_from[i] = j;
    m_baton_flag[t] = 1;
  }
  return 1;
}

static int model_is_baton(unsigned i) {
  return m_state[i] == BCSC__WAIT_FIRED_HANDOFF ||
         m_state[i] == BCSC__WAIT_FIRED_HANDOFF_NEW;
}

static void model_baton_pass(unsigned i) {
  m_state[i] = BCSC__WAIT_IDLE;
  (void)model_fire_one(m_baton_from[i], m_value[i]);
}

/* ---- the check ---- */
static void check_list(unsigned j) {
  bcsc_waitq_t *q = list_at[j];
  struct bcsc_wait_link *l = q->priv.waiters.next;
  struct bcsc_wait_link *prev = &q->priv.waiters;
  unsigned batons = 0;
  CHECK(bcsc__check_waitq(q) == 0);
  CHECK(bcsc_waitq_count(q) == m_len[j]);
  if (m_len[j] == 0) {
    CHECK(q->priv.waiters.next == NULL && q->priv.waiters.prev == NULL);
    CHECK(q->priv.self_tag == 0);
  } else {
    CHECK(q->priv.self_tag == bcsc__self_tag(q));
    for (unsigned k = 0; k < m_len[j]; k++) {
      CHECK(l == &wait_at[m_list[j][k]]->priv.queue);
      CHECK(l->prev == prev);
      prev = l;
      l = l->next;
    }
    CHECK(l == &q->priv.waiters);
    CHECK(q->priv.waiters.prev == prev);
  }
  for (unsigned i = 0; i < NW; i++)
    batons += model_is_baton(i) && m_baton_from[i] == j;
  CHECK(q->priv.batons == batons);
}

static void check_node(unsigned i) {
  bcsc_wait_t *w = wait_at[i];
  CHECK(w->priv.magic == BCSC__MAGIC_WAIT);
  CHECK(w->priv.state == m_state[i]);
  CHECK(w->priv.self_tag ==
        (m_state[i] == BCSC__WAIT_LINKED ? bcsc__self_tag(w) : 0));
  if (m_state[i] == BCSC__WAIT_LINKED)
    CHECK(w->priv.task == task_at[m_owner[i]]);
  if (m_state[i] != BCSC__WAIT_IDLE && m_state[i] != BCSC__WAIT_LINKED)
    CHECK(w->value == m_value[i]);
  if (model_is_baton(i))
    CHECK(bcsc__baton_source(w) == list_at[m_baton_from[i]]);
  CHECK(bcsc_wait_linked(w) == (m_state[i] == BCSC__WAIT_LINKED));
  CHECK(bcsc_wait_fired(w) ==
        (m_state[i] != BCSC__WAIT_IDLE && m_state[i] != BCSC__WAIT_LINKED));
}

static void check_task(unsigned t) {
  bcsc_task_t *task = task_at[t];
  CHECK(bcsc__task_state(task) == m_task[t]);
  CHECK(((task->priv.state & BCSC__TASK_WOKEN) != 0) == m_woken[t]);
  CHECK(((task->priv.state & BCSC__TASK_BATON) != 0) == m_baton_flag[t]);
  if (m_task[t] != BCSC__TASK_QUEUED) {
    bcsc_wait_t **pprev = &task->priv.link.waits;
    bcsc_wait_t *w = task->priv.link.waits;
    unsigned seen = 0, linked = 0;
    while (w != NULL) {
      unsigned i = wait_index(w);
      CHECK(i < NW);
      CHECK(w->priv.task_pprev == pprev);
      CHECK(m_state[i] == BCSC__WAIT_LINKED && m_owner[i] == t);
      seen++;
      CHECK(seen <= NW);
      pprev = &w->priv.task_next;
      w = w->priv.task_next;
    }
    for (unsigned i = 0; i < NW; i++)
      linked += m_owner[i] == t && m_state[i] == BCSC__WAIT_LINKED;
    CHECK(seen == linked);
  }
}

static void check_executor(void) {
  bcsc_task_t *t = ex.priv.run_head;
  bcsc_task_t *last = NULL;
  bcsc_wait_t **pprev = &ex.priv.batons;
  bcsc_wait_t *w = ex.priv.batons;
  unsigned batons = 0, seen = 0;
  for (unsigned k = 0; k < m_ready; k++) {
    CHECK(t == task_at[m_runq[k]]);
    last = t;
    t = t->priv.link.run_next;
  }
  CHECK(t == NULL && ex.priv.run_tail == last &&
        bcsc__runq_ready(&ex) == m_ready);
  while (w != NULL) {
    unsigned i = wait_index(w);
    CHECK(i < NW && model_is_baton(i));
    CHECK(w->priv.task_pprev == pprev);
    seen++;
    CHECK(seen <= NW);
    pprev = &w->priv.task_next;
    w = w->priv.task_next;
  }
  for (unsigned i = 0; i < NW; i++)
    batons += model_is_baton(i);
  CHECK(seen == batons);
}

static void check_all(void) {
  for (unsigned j = 0; j < NQ; j++)
    check_list(j);
  for (unsigned i = 0; i < NW; i++)
    check_node(i);
  for (unsigned t = 0; t < NT; t++)
    check_task(t);
  check_executor();
}

/* ---- the set-up ---- */

/* A state: registrations 0..n-1 linked in index order, registration i
 * onto list (lists >> i & 1); both lists hand-off or both plain; the task
 * `running` being polled (none if NT), the others waiting, and task 3,
 * which holds nothing, already queued. Linking in index order loses
 * nothing: any other order is the same state with the nodes renamed. */
static void setup(unsigned n, unsigned lists, unsigned running, int handoff) {
  ex.priv.run_head = NULL;
  ex.priv.run_tail = NULL;
  ex.priv.ready = 0;
  ex.priv.spawns = 0;
  ex.priv.wakes = 0;
  ex.priv.polls = 0;
  ex.priv.pender = NULL;
  ex.priv.state = BCSC__EXECUTOR_INSIDE;
  ex.priv.batons = NULL;
  ex.priv.current = NULL;
  ex.priv.magic = BCSC__MAGIC_EXECUTOR;
  ex.priv.self_tag = bcsc__self_tag(&ex);
  scope.priv.executor = &ex;
  scope.priv.magic = BCSC__MAGIC_SCOPE;
  scope.priv.state = BCSC__SCOPE_OPEN;
  scope.priv.self_tag = bcsc__self_tag(&scope);
  m_ready = 0;
  m_current = -1;
  for (unsigned j = 0; j < NQ; j++) {
    *list_at[j] = (bcsc_waitq_t)BCSC_WAITQ_INITIALIZER;
    m_len[j] = 0;
    m_handoff[j] = handoff;
    if (handoff)
      CHECK(bcsc_waitq_set_handoff(list_at[j], 1) == 0);
  }
  for (unsigned t = 0; t < NT; t++) {
    unsigned s = t == NT - 1    ? BCSC__TASK_QUEUED
                 : t == running ? BCSC__TASK_RUNNING
                                : BCSC__TASK_WAITING;
    *task_at[t] = (bcsc_task_t)BCSC_TASK_INITIALIZER(NULL, NULL);
    /* Written through the member the wake path reads: CBMC loses track of
     * a pointer read from a union member other than the one last written
     * (the initialiser writes run_next). */
    task_at[t]->priv.link.waits = NULL;
    task_at[t]->priv.scope = &scope;
    task_at[t]->priv.self_tag = bcsc__task_tag16(task_at[t]); /* D23 */
    m_woken[t] = 0;
    m_baton_flag[t] = 0;
    m_task[t] = s;
    task_at[t]->priv.state = (uint16_t)s;
    if (s == BCSC__TASK_RUNNING) {
      m_current = (int)t;
      ex.priv.current = task_at[t];
    }
    if (s == BCSC__TASK_QUEUED) {
      ex.priv.spawns++; /* spawned (D37) */
      bcsc__runq_append(&ex, task_at[t]);
      m_runq[m_ready++] = t;
    }
  }
  for (unsigned i = 0; i < NW; i++) {
    *wait_at[i] = (bcsc_wait_t)BCSC_WAIT_INITIALIZER;
    m_owner[i] = owner_of[i];
    m_state[i] = BCSC__WAIT_IDLE;
    m_value[i] = 0;
  }
  for (unsigned i = 0; i < n; i++) {
    unsigned j = lists >> i & 1;
    bcsc__wait_link(task_at[m_owner[i]], wait_at[i], list_at[j]);
    m_state[i] = BCSC__WAIT_LINKED;
    m_on[i] = j;
    m_list[j][m_len[j]++] = i;
  }
#ifdef CHECK_SETUP
  /* The state built is the model's (ring-register proves the link from
   * every state anyway); the deep run checks it, CI saves the time. */
  check_all();
#endif
}

/* What run_one() does before it calls the poll function of `t`, the
 * oldest ready task. Returns 0 if `t` is not that task. */
static int start_poll(unsigned t) {
  bcsc_task_t *task = task_at[t];
  if (m_current >= 0 || m_ready == 0 || m_runq[0] != t)
    return 0;
  ex.priv.run_head = task->priv.link.run_next;
  if (ex.priv.run_head == NULL)
    ex.priv.run_tail = NULL;
  ex.priv.polls++; /* off the queue by a poll (D37) */
  task->priv.link.waits = NULL;
  task->priv.state = (uint16_t)((task->priv.state & ~BCSC__TASK_STATE_MASK) |
                                BCSC__TASK_RUNNING);
  ex.priv.current = task;
  for (unsigned k = 0; k + 1 < m_ready; k++)
    m_runq[k] = m_runq[k + 1];
  m_ready--;
  m_task[t] = BCSC__TASK_RUNNING;
  m_current = (int)t;
  return 1;
}

/* The operation under proof, on target `target` (which node, list, task
 * or hand-off action, depending on OP). */
static void run_op(unsigned target, uintptr_t value) {
#if OP == OP_REGISTER
  /* The running task registers one of its nodes that is not linked. */
  unsigned i = target % NW, j = target / NW;
  if (m_current < 0 || m_owner[i] != (unsigned)m_current ||
      m_state[i] == BCSC__WAIT_LINKED)
    return;
  if (model_is_baton(i))
    model_baton_pass(i);
  CHECK(bcsc_wait_register(task_at[m_current], wait_at[i], list_at[j]) == 0);
  m_state[i] = BCSC__WAIT_LINKED;
  m_on[i] = j;
  m_list[j][m_len[j]++] = i;
#elif OP == OP_CANCEL
  unsigned i = target;
  int expect = m_state[i] == BCSC__WAIT_LINKED;
  if (expect)
    model_unlink(i);
  else if (model_is_baton(i))
    model_baton_pass(i);
  CHECK(bcsc_wait_cancel(wait_at[i]) == expect);
#elif OP == OP_WAKE_ONE
  unsigned j = target;
  CHECK(bcsc_waitq_wake_one(list_at[j], value) == model_fire_one(j, value));
#elif OP == OP_WAKE_ALL
  unsigned j = target;
  int n = 0;
  while (model_fire_one(j, value))
    n++;
  CHECK(bcsc_waitq_wake_all(list_at[j], value) == n);
#elif OP == OP_TASK_WAKE
  unsigned t = target;
  bcsc__task_wake(task_at[t]);
  model_task_wake(t);
#elif OP == OP_HANDOFF
  unsigned j = target % NQ, action = target / NQ, w0, t;
  if (!m_handoff[j] || m_len[j] == 0)
    return;
  w0 = m_list[j][0];
  CHECK(bcsc_waitq_wake_one(list_at[j], value) == 1);
  (void)model_fire_one(j, value);
  check_all();
  t = m_owner[w0];
  if (action == 1) {
    /* It declines: cancels the fired registration. */
    CHECK(bcsc_wait_cancel(wait_at[w0]) == 0);
    model_baton_pass(w0);
  } else {
    /* Its next poll (or the one running, if the wake came during it)
     * takes the wake (action 0) or returns without it (action 2): the
     * executor then passes it on - unless the wake came during that very
     * poll, which arms it for the next one. */
    if (m_task[t] != BCSC__TASK_RUNNING && !start_poll(t)) {
      /* Not the oldest ready task: bring it to the front first. */
      return;
    }
    if (action == 0) {
      CHECK(bcsc__wait_take(task_at[t], wait_at[w0], list_at[j]) ==
            BCSC__NODE_BATON);
      m_state[w0] = BCSC__WAIT_IDLE;
    }
    bcsc__task_batons(task_at[t], 0); /* the poll returned PENDING */
    if (m_state[w0] == BCSC__WAIT_FIRED_HANDOFF_NEW)
      m_state[w0] = BCSC__WAIT_FIRED_HANDOFF;
    else if (model_is_baton(w0))
      model_baton_pass(w0);
    m_baton_flag[t] = m_state[w0] == BCSC__WAIT_FIRED_HANDOFF;
  }
#endif
}

#if OP == OP_REGISTER
#define TARGETS (NW * NQ)
#elif OP == OP_CANCEL
#define TARGETS NW
#elif OP == OP_TASK_WAKE
#define TARGETS NT
#elif OP == OP_HANDOFF
#define TARGETS (NQ * 3)
#else
#define TARGETS NQ
#endif

int main(void) {
  controls_choose();
  /* Every state of up to NLINK registrations (the value a wake carries
   * stays symbolic: all values at once). */
  uintptr_t value = nondet_uintptr();
  for (unsigned n = 0; n <= NLINK; n++)
    for (unsigned lists = 0; lists < (NQ > 1 ? 1u << n : 1u); lists++)
      for (unsigned running = 0; running < NT; running++)
        for (int handoff = 0; handoff < 2; handoff++)
          for (unsigned target = 0; target < TARGETS; target++) {
            setup(n, lists, running, handoff);
            run_op(target, value);
            check_all();
          }
  return 0;
}
