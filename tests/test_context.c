/* SPDX-License-Identifier: MIT
 * test_context.c - context entries (bcsc/context.h) and a scope's error list
 * (bcsc_scope_set_error_list()), through the public API: lookups through
 * nested scopes with shadowing, what an owner and its children see of the
 * owner's several open scopes, entries detached when their scope closes
 * (join and drain), no context across executors; failed children recorded
 * in completion order, overflow, capacity 0, the policies (fail-fast,
 * race, a drain), a remote child; every bad input's error code, and the
 * checked build's reports. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include <bcsc.h>

#include "bcsc_test.h"

/* Every test ends the same way: the executor has no live task left. */
static void teardown(bcsc_executor_t *ex) {
  cr_assert_eq(bcsc_executor_live_roots(ex), 0);
  cr_assert_eq(bcsc_executor_deinit(ex), 0);
}

/* What a lookup that finds nothing must leave in *value. */
#define UNTOUCHED ((uintptr_t)0x5a5a5a5a)

/* ---- a task that opens a scope, sets entries, spawns, looks up, joins --- */

#define MAX_SET 3
#define MAX_LOOK 4

typedef struct level level_t;
struct level {
  bcsc_task_t task; /* first */
  bcsc_scope_t scope;
  bcsc_context_t entry[MAX_SET];
  /* configuration */
  uint32_t nset;
  uint32_t set_key[MAX_SET];
  uintptr_t set_value[MAX_SET];
  level_t *child; /* spawned into scope after the entries are set */
  uint32_t nlook;
  uint32_t look_key[MAX_LOOK];
  bcsc_waitq_t *gate; /* wait here once before joining (NULL: no) */
  bcsc_wait_t gate_wait;
  /* observations */
  int phase;
  int rc[MAX_SET + 2];
  int found[MAX_LOOK];
  uintptr_t seen[MAX_LOOK];
};

static void look_all(level_t *n) {
  for (uint32_t i = 0; i < n->nlook; i++) {
    n->seen[i] = UNTOUCHED;
    n->found[i] = bcsc_task_context(&n->task, n->look_key[i], &n->seen[i]);
  }
}

static int level_poll(bcsc_task_t *self) {
  level_t *n = (level_t *)(void *)self;
  if (n->phase == 0) {
    n->phase = 1;
    n->rc[0] = bcsc_scope_init(&n->scope, self, BCSC_SCOPE_WAIT_ALL);
    for (uint32_t i = 0; i < n->nset; i++)
      n->rc[1 + i] = bcsc_scope_set_context(&n->scope, &n->entry[i],
                                            n->set_key[i], n->set_value[i]);
    if (n->child != NULL)
      n->rc[MAX_SET + 1] = bcsc_scope_spawn(&n->scope, &n->child->task);
    look_all(n);
  }
  if (n->phase == 1 && n->gate != NULL) {
    int rc = bcsc_wait_on(self, &n->gate_wait, n->gate);
    if (rc == BCSC_PENDING)
      return BCSC_PENDING;
  }
  n->phase = 2;
  return bcsc_scope_join(&n->scope);
}

static void level_init(level_t *n) {
  memset(n, 0, sizeof *n);
  cr_assert_eq(bcsc_task_init(&n->task, level_poll, n), 0);
  cr_assert_eq(bcsc_wait_init(&n->gate_wait), 0);
  for (int i = 0; i < MAX_SET; i++)
    cr_assert_eq(bcsc_context_init(&n->entry[i]), 0);
}

static void level_set(level_t *n, uint32_t key, uintptr_t value) {
  n->set_key[n->nset] = key;
  n->set_value[n->nset] = value;
  n->nset++;
}

static void level_look(level_t *n, uint32_t key) {
  n->look_key[n->nlook++] = key;
}

static void expect_all_ok(const level_t *n, const char *who) {
  for (int i = 0; i < MAX_SET + 2; i++)
    cr_assert_eq(n->rc[i], 0, "%s: call %d returned %s", who, i,
                 bcsc_err_name(n->rc[i]));
}

enum { K1 = 1, K2 = 2, K3 = 3, K4 = 4 };

/* A sets K1 and K2; its child B shadows K2 and sets K3; B's child C
 * shadows K3; C's child D (B's grandchild) sees the innermost of each,
 * and K4, set nowhere, is absent. Each level also sees its own entries. */
Test(context, three_nested_scopes_shadow_and_a_grandchild_sees_the_innermost) {
  bcsc_executor_t ex;
  level_t a, b, c, d;
  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  level_init(&a);
  level_init(&b);
  level_init(&c);
  level_init(&d);
  level_set(&a, K1, 1);
  level_set(&a, K2, 2);
  level_set(&b, K2, 20);
  level_set(&b, K3, 30);
  level_set(&c, K3, 300);
  a.child = &b;
  b.child = &c;
  c.child = &d;
  for (uint32_t k = K1; k <= K4; k++) {
    level_look(&a, k);
    level_look(&b, k);
    level_look(&c, k);
    level_look(&d, k);
  }
  cr_assert_eq(bcsc_executor_run(&ex, &a.task), 0);
  expect_all_ok(&a, "a");
  expect_all_ok(&b, "b");
  expect_all_ok(&c, "c");
  expect_all_ok(&d, "d");
  const uintptr_t want[4][4] = {{1, 2, UNTOUCHED, UNTOUCHED},
                                {1, 20, 30, UNTOUCHED},
                                {1, 20, 300, UNTOUCHED},
                                {1, 20, 300, UNTOUCHED}};
  const level_t *levels[4] = {&a, &b, &c, &d};
  for (int l = 0; l < 4; l++)
    for (int k = 0; k < 4; k++) {
      cr_assert_eq(levels[l]->found[k], want[l][k] != UNTOUCHED,
                   "level %d key %d: found %d", l, k + 1, levels[l]->found[k]);
      cr_assert_eq(levels[l]->seen[k], want[l][k], "level %d key %d: saw %lu",
                   l, k + 1, (unsigned long)levels[l]->seen[k]);
    }
  teardown(&ex);
}

/* ---- the owner's several open scopes ------------------------------------
 * The owner opens `outer` (K1 = 1), spawns c1 into it, opens `inner`
 * (K1 = 2) and spawns c2 there. c1 is not below `inner`: it sees 1; c2
 * and the owner see 2. Once `inner` is joined, the owner sees 1 again and
 * c1, looking again, still 1. */

typedef struct peeker {
  bcsc_task_t task;
  bcsc_wait_t wait;
  uint32_t key;
  bcsc_waitq_t *gate;
  int found[2];
  uintptr_t seen[2];
  int looks;
} peeker_t;

/* Looks its key up, waits on gate once (if any), looks again. */
static int peeker_poll(bcsc_task_t *self) {
  peeker_t *p = (peeker_t *)(void *)self;
  int rc;
  if (p->looks == 0) {
    p->seen[0] = UNTOUCHED;
    p->found[0] = bcsc_task_context(self, p->key, &p->seen[0]);
    p->looks = 1;
  }
  if (p->gate != NULL) {
    rc = bcsc_wait_on(self, &p->wait, p->gate);
    if (rc == BCSC_PENDING)
      return BCSC_PENDING;
  }
  p->seen[1] = UNTOUCHED;
  p->found[1] = bcsc_task_context(self, p->key, &p->seen[1]);
  p->looks = 2;
  return BCSC_DONE;
}

static void peeker_init(peeker_t *p, bcsc_waitq_t *gate) {
  memset(p, 0, sizeof *p);
  cr_assert_eq(bcsc_task_init(&p->task, peeker_poll, p), 0);
  cr_assert_eq(bcsc_wait_init(&p->wait), 0);
  p->key = K1;
  p->gate = gate;
}

typedef struct two_scopes {
  bcsc_task_t task;
  bcsc_scope_t outer, inner;
  bcsc_context_t e_outer, e_inner;
  peeker_t *c1, *c2;
  bcsc_waitq_t *gate;
  int phase;
  int rc[6];
  uintptr_t seen[2];
  int found[2];
} two_scopes_t;

static int two_scopes_poll(bcsc_task_t *self) {
  two_scopes_t *o = (two_scopes_t *)(void *)self;
  int rc;
  if (o->phase == 0) {
    o->rc[0] = bcsc_scope_init(&o->outer, self, BCSC_SCOPE_WAIT_ALL);
    o->rc[1] = bcsc_scope_set_context(&o->outer, &o->e_outer, K1, 1);
    o->rc[2] = bcsc_scope_spawn(&o->outer, &o->c1->task);
    o->rc[3] = bcsc_scope_init(&o->inner, self, BCSC_SCOPE_WAIT_ALL);
    o->rc[4] = bcsc_scope_set_context(&o->inner, &o->e_inner, K1, 2);
    o->rc[5] = bcsc_scope_spawn(&o->inner, &o->c2->task);
    o->seen[0] = UNTOUCHED;
    o->found[0] = bcsc_task_context(self, K1, &o->seen[0]);
    o->phase = 1;
  }
  if (o->phase == 1) {
    rc = bcsc_scope_join(&o->inner);
    if (rc != 0)
      return rc;
    o->seen[1] = UNTOUCHED;
    o->found[1] = bcsc_task_context(self, K1, &o->seen[1]);
    /* c1 waits on the gate: let it look again now. */
    (void)bcsc_waitq_wake_all(o->gate, 0);
    o->phase = 2;
  }
  return bcsc_scope_join(&o->outer);
}

Test(context, a_child_sees_the_scopes_outer_to_its_own_not_the_inner_ones) {
  bcsc_executor_t ex;
  bcsc_waitq_t gate;
  two_scopes_t o;
  peeker_t c1, c2;
  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  cr_assert_eq(bcsc_waitq_init(&gate), 0);
  memset(&o, 0, sizeof o);
  cr_assert_eq(bcsc_task_init(&o.task, two_scopes_poll, &o), 0);
  o.e_outer = (bcsc_context_t)BCSC_CONTEXT_INITIALIZER;
  cr_assert_eq(bcsc_context_init(&o.e_inner), 0);
  peeker_init(&c1, &gate);
  peeker_init(&c2, NULL);
  o.c1 = &c1;
  o.c2 = &c2;
  o.gate = &gate;
  cr_assert_eq(bcsc_executor_run(&ex, &o.task), 0);
  for (int i = 0; i < 6; i++)
    cr_assert_eq(o.rc[i], 0, "call %d: %s", i, bcsc_err_name(o.rc[i]));
  cr_assert_eq(o.found[0], 1);
  cr_assert_eq(o.seen[0], 2, "the owner sees its innermost scope first");
  cr_assert_eq(o.found[1], 1);
  cr_assert_eq(o.seen[1], 1, "inner closed: the outer entry again");
  cr_assert_eq(c1.found[0], 1);
  cr_assert_eq(c1.seen[0], 1, "c1 is not below the inner scope");
  cr_assert_eq(c1.found[1], 1);
  cr_assert_eq(c1.seen[1], 1);
  cr_assert_eq(c2.found[0], 1);
  cr_assert_eq(c2.seen[0], 2);
  cr_assert_eq(bcsc_waitq_deinit(&gate), 0);
  teardown(&ex);
}

/* ---- the same key twice, values changed, entries set after a spawn ------ */

typedef struct shadow {
  bcsc_task_t task;
  bcsc_scope_t scope;
  bcsc_context_t e[2];
  peeker_t *child;
  bcsc_waitq_t *gate;
  int phase;
  int rc[4];
  int found[3];
  uintptr_t seen[3];
} shadow_t;

static int shadow_poll(bcsc_task_t *self) {
  shadow_t *s = (shadow_t *)(void *)self;
  if (s->phase == 0) {
    s->phase = 1;
    s->rc[0] = bcsc_scope_init(&s->scope, self, BCSC_SCOPE_FAIL_FAST);
    /* The child is spawned first, sees nothing, then waits. */
    s->rc[1] = bcsc_scope_spawn(&s->scope, &s->child->task);
    return bcsc_task_yield(self);
  }
  if (s->phase == 1) {
    s->phase = 2;
    s->rc[2] = bcsc_scope_set_context(&s->scope, &s->e[0], K2, 10);
    s->found[0] = bcsc_task_context(self, K2, &s->seen[0]);
    s->rc[3] = bcsc_scope_set_context(&s->scope, &s->e[1], K2, 11);
    s->found[1] = bcsc_task_context(self, K2, &s->seen[1]);
    /* The owner changes the newest entry's value in place. */
    s->e[1].value = 12;
    s->found[2] = bcsc_task_context(self, K2, &s->seen[2]);
    (void)bcsc_waitq_wake_all(s->gate, 0);
  }
  return bcsc_scope_join(&s->scope);
}

Test(context, the_newest_entry_of_a_key_wins_and_lookups_are_live) {
  bcsc_executor_t ex;
  bcsc_waitq_t gate;
  shadow_t s;
  peeker_t child;
  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  cr_assert_eq(bcsc_waitq_init(&gate), 0);
  memset(&s, 0, sizeof s);
  cr_assert_eq(bcsc_task_init(&s.task, shadow_poll, &s), 0);
  cr_assert_eq(bcsc_context_init(&s.e[0]), 0);
  cr_assert_eq(bcsc_context_init(&s.e[1]), 0);
  peeker_init(&child, &gate);
  child.key = K2;
  s.child = &child;
  s.gate = &gate;
  cr_assert_eq(bcsc_executor_run(&ex, &s.task), 0);
  for (int i = 0; i < 4; i++)
    cr_assert_eq(s.rc[i], 0, "call %d: %s", i, bcsc_err_name(s.rc[i]));
  cr_assert_eq(s.found[0], 1);
  cr_assert_eq(s.seen[0], 10);
  cr_assert_eq(s.found[1], 1);
  cr_assert_eq(s.seen[1], 11, "the newest entry shadows the first");
  cr_assert_eq(s.found[2], 1);
  cr_assert_eq(s.seen[2], 12, "a value changed in place is seen");
  cr_assert_eq(child.found[0], 0, "nothing was set when the child looked");
  cr_assert_eq(child.seen[0], UNTOUCHED);
  cr_assert_eq(child.found[1], 1, "set after the spawn, seen at once");
  cr_assert_eq(child.seen[1], 12);
  cr_assert_eq(s.e[0].key, K2);
  cr_assert_eq(s.e[0].value, 10);
  cr_assert_eq(bcsc_waitq_deinit(&gate), 0);
  teardown(&ex);
}

/* ---- entries are detached when their scope closes ----------------------- */

/* After the join (level a) or the drain (an owner that returned with its
 * scope open) the entries are idle: they attach again, and a task that
 * runs later under another scope does not see them. */
typedef struct early {
  bcsc_task_t task;
  bcsc_scope_t scope;
  bcsc_context_t *entry;
  peeker_t *child;
  int rc[3];
} early_t;

static int early_poll(bcsc_task_t *self) {
  early_t *e = (early_t *)(void *)self;
  e->rc[0] = bcsc_scope_init(&e->scope, self, BCSC_SCOPE_WAIT_ALL);
  e->rc[1] = bcsc_scope_set_context(&e->scope, e->entry, K1, 7);
  e->rc[2] = bcsc_scope_spawn(&e->scope, &e->child->task);
  return BCSC_DONE; /* the scope is still open: bcsc drains it */
}

Test(context, entries_are_detached_when_the_scope_closes_by_join_or_drain) {
  bcsc_executor_t ex;
  bcsc_waitq_t gate;
  level_t a, b;
  early_t e;
  peeker_t p;
  bcsc_test_misuse_t misuse;
  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  cr_assert_eq(bcsc_waitq_init(&gate), 0);

  /* Joined: a's three entries are idle afterwards. */
  level_init(&a);
  level_set(&a, K1, 1);
  level_set(&a, K1, 2);
  level_set(&a, K3, 3);
  cr_assert_eq(bcsc_executor_run(&ex, &a.task), 0);
  expect_all_ok(&a, "a");
  /* b reuses a's entries without initialising them again. */
  level_init(&b);
  memcpy(b.entry, a.entry, sizeof b.entry);
  level_set(&b, K2, 20);
  level_set(&b, K3, 30);
  level_set(&b, K4, 40);
  level_look(&b, K1);
  level_look(&b, K3);
  cr_assert_eq(bcsc_executor_run(&ex, &b.task), 0);
  expect_all_ok(&b, "b");
  cr_assert_eq(b.found[0], 0, "a's K1 went with a's scope");
  cr_assert_eq(b.found[1], 1);
  cr_assert_eq(b.seen[1], 30);

  /* Drained: the owner returned with the entry attached and a child
   * waiting; bcsc cancels the child, which looks once more on its way
   * out and still sees the entry, then closes the scope. */
  memset(&e, 0, sizeof e);
  cr_assert_eq(bcsc_task_init(&e.task, early_poll, &e), 0);
  e.entry = &a.entry[0];
  peeker_init(&p, &gate);
  e.child = &p;
  cr_assert_eq(bcsc_executor_run(&ex, &e.task), 0);
  for (int i = 0; i < 3; i++)
    cr_assert_eq(e.rc[i], 0, "call %d: %s", i, bcsc_err_name(e.rc[i]));
  cr_assert_eq(p.found[0], 1);
  cr_assert_eq(p.seen[0], 7);
  cr_assert_eq(p.found[1], 1, "cancelled, still below the open scope");
  cr_assert_eq(p.seen[1], 7);
  cr_assert(bcsc_task_done(&p.task));
  /* Idle again: it attaches with no report. */
  bcsc_test_misuse_install(&misuse);
  level_init(&b);
  b.entry[0] = a.entry[0];
  level_set(&b, K1, 8);
  level_look(&b, K1);
  cr_assert_eq(bcsc_executor_run(&ex, &b.task), 0);
  expect_all_ok(&b, "b again");
  cr_assert_eq(b.seen[0], 8);
  cr_assert_eq(misuse.count, 0);
  bcsc_test_misuse_uninstall();
  cr_assert_eq(bcsc_waitq_deinit(&gate), 0);
  teardown(&ex);
}

/* ---- no context across executors ---------------------------------------- */

typedef struct remote_child {
  bcsc_remote_task_t remote; /* first: its task is the poll's `self` */
  int found;
  uintptr_t seen;
  int result;
} remote_child_t;

static int remote_child_poll(bcsc_task_t *self) {
  remote_child_t *r = (remote_child_t *)(void *)self;
  r->seen = UNTOUCHED;
  r->found = bcsc_task_context(self, K1, &r->seen);
  return r->result;
}

typedef struct remote_parent {
  bcsc_task_t task;
  bcsc_scope_t scope;
  bcsc_context_t entry;
  bcsc_child_error_t list[2];
  bcsc_error_list_t node;
  remote_child_t *child;
  bcsc_executor_t *host;
  int phase;
  int rc[4];
} remote_parent_t;

static int remote_parent_poll(bcsc_task_t *self) {
  remote_parent_t *p = (remote_parent_t *)(void *)self;
  if (p->phase == 0) {
    p->phase = 1;
    p->rc[0] = bcsc_scope_init(&p->scope, self, BCSC_SCOPE_WAIT_ALL);
    p->rc[1] = bcsc_scope_set_context(&p->scope, &p->entry, K1, 9);
    p->rc[2] = bcsc_error_list_init(&p->node) |
               bcsc_scope_set_error_list(&p->scope, &p->node, p->list, 2);
    p->rc[3] = bcsc_scope_spawn_on(&p->scope, &p->child->remote, p->host);
  }
  return bcsc_scope_join(&p->scope);
}

/* The remote child runs on the host's thread and sees none of its
 * parent's entries; its failure is recorded in the parent's list. */
Test(context, a_remote_child_sees_no_context_and_its_failure_is_recorded) {
  bcsc_executor_t ex, host;
  remote_parent_t p;
  remote_child_t r;
  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  cr_assert_eq(bcsc_executor_init(&host, NULL), 0);
  memset(&p, 0, sizeof p);
  memset(&r, 0, sizeof r);
  cr_assert_eq(bcsc_task_init(&p.task, remote_parent_poll, &p), 0);
  cr_assert_eq(bcsc_context_init(&p.entry), 0);
  cr_assert_eq(bcsc_remote_task_init(&r.remote, remote_child_poll, &r), 0);
  r.result = BCSC_TEST_E3;
  p.child = &r;
  p.host = &host;
  cr_assert_eq(bcsc_executor_spawn(&ex, &p.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 8), 1);
  cr_assert_eq(bcsc_executor_poll(&host, 8), 1);
  cr_assert_eq(bcsc_executor_poll(&ex, 8), 1);
  cr_assert(bcsc_task_done(&p.task));
  for (int i = 0; i < 4; i++)
    cr_assert_eq(p.rc[i], 0, "call %d: %s", i, bcsc_err_name(p.rc[i]));
  cr_assert_eq(r.found, 0);
  cr_assert_eq(r.seen, UNTOUCHED);
  cr_assert_eq(bcsc_task_result(&p.task), BCSC_TEST_E3);
  cr_assert_eq(bcsc_scope_error_count(&p.scope), 1);
  cr_assert_eq(p.list[0].task, &r.remote.task);
  cr_assert_eq(p.list[0].error, BCSC_TEST_E3);
  cr_assert_eq(p.list[0].cancelled, 0);
  teardown(&host);
  teardown(&ex);
}

/* ---- bad inputs -------------------------------------------------------- */

typedef struct bad {
  bcsc_task_t task;
  bcsc_scope_t scope, other, closed;
  bcsc_context_t entry, attached, raw, copy;
  level_t *child;
  bcsc_waitq_t *gate;
  bcsc_wait_t wait;
  int phase;
  int rc[16];
  uint32_t reports[16];
  int32_t codes[16];
} bad_t;

static bcsc_test_misuse_t g_misuse;

/* Record what `rc` was and what the handler got for it, then forget. */
static void note(bad_t *b, int i, int rc) {
  b->rc[i] = rc;
  b->reports[i] = g_misuse.count;
  b->codes[i] = g_misuse.count ? g_misuse.codes[0] : 0;
  memset(&g_misuse, 0, sizeof g_misuse);
}

static int bad_poll(bcsc_task_t *self) {
  bad_t *b = (bad_t *)(void *)self;
  uintptr_t v = UNTOUCHED;
  if (b->phase == 0) {
    b->phase = 1;
    (void)bcsc_scope_init(&b->closed, self, BCSC_SCOPE_WAIT_ALL);
    (void)bcsc_scope_join(&b->closed);
    (void)bcsc_scope_init(&b->scope, self, BCSC_SCOPE_WAIT_ALL);
    (void)bcsc_scope_init(&b->other, self, BCSC_SCOPE_WAIT_ALL);
    (void)bcsc_scope_set_context(&b->scope, &b->attached, K1, 1);
    note(b, 0, bcsc_scope_set_context(NULL, &b->entry, K1, 1));
    note(b, 1, bcsc_scope_set_context(&b->scope, NULL, K1, 1));
    note(b, 2, bcsc_scope_set_context(&b->scope, &b->raw, K1, 1));
    note(b, 3, bcsc_scope_set_context(&b->closed, &b->entry, K1, 1));
    note(b, 4, bcsc_scope_set_context(&b->scope, &b->attached, K1, 2));
    note(b, 5, bcsc_scope_set_context(&b->other, &b->attached, K1, 2));
    /* A copy of an attached entry carries the original's tag. */
    memcpy(&b->copy, &b->attached, sizeof b->copy);
    note(b, 6, bcsc_scope_set_context(&b->other, &b->copy, K1, 2));
    note(b, 7, bcsc_task_context(self, K1, NULL));
    note(b, 8, bcsc_task_context(&b->child->task, K1, &v));
    note(b, 9, bcsc_scope_spawn(&b->scope, &b->child->task));
  }
  if (b->phase == 1) {
    int rc = bcsc_wait_on(self, &b->wait, b->gate);
    if (rc == BCSC_PENDING)
      return BCSC_PENDING;
    b->phase = 2;
    (void)bcsc_scope_join(&b->other); /* empty: closes at once */
  }
  return bcsc_scope_join(&b->scope);
}

static void expect_note(const bad_t *b, int i, int err, int32_t code) {
  cr_assert_eq(b->rc[i], err, "call %d returned %s, expected %s", i,
               bcsc_err_name(b->rc[i]), bcsc_err_name(err));
  cr_assert_eq(b->reports[i], bcsc_test_misuse_expected(1),
               "call %d: %u reports", i, b->reports[i]);
  if (bcsc_is_checked_build())
    cr_assert_eq(b->codes[i], code, "call %d reported %s, expected %s", i,
                 bcsc_misuse_name(b->codes[i]), bcsc_misuse_name(code));
}

Test(context, every_bad_input_has_its_code_and_its_report) {
  bcsc_executor_t ex;
  bcsc_waitq_t gate;
  bad_t b;
  level_t child;
  uintptr_t v = UNTOUCHED;
  bcsc_task_t idle, raw_task;
  bcsc_scope_t raw_scope;
  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  cr_assert_eq(bcsc_waitq_init(&gate), 0);
  memset(&b, 0, sizeof b);
  cr_assert_eq(bcsc_task_init(&b.task, bad_poll, &b), 0);
  cr_assert_eq(bcsc_context_init(&b.entry), 0);
  cr_assert_eq(bcsc_context_init(&b.attached), 0);
  memset(&b.raw, 0, sizeof b.raw);
  cr_assert_eq(bcsc_wait_init(&b.wait), 0);
  level_init(&child);
  child.gate = &gate; /* stays live until the gate opens */
  b.child = &child;
  b.gate = &gate;
  bcsc_test_misuse_install(&g_misuse);

  cr_assert_eq(bcsc_executor_run(&ex, &b.task), BCSC_EDEADLK);
  expect_note(&b, 0, BCSC_EINVAL, BCSC_MISUSE_NULL_OBJECT);
  expect_note(&b, 1, BCSC_EINVAL, BCSC_MISUSE_NULL_OBJECT);
  expect_note(&b, 2, BCSC_EBADOBJ, BCSC_MISUSE_BAD_OBJECT);
  expect_note(&b, 3, BCSC_ESTATE, BCSC_MISUSE_SCOPE_CLOSED);
  expect_note(&b, 4, BCSC_EBUSY, BCSC_MISUSE_ATTACHED);
  expect_note(&b, 5, BCSC_EBUSY, BCSC_MISUSE_ATTACHED);
  expect_note(&b, 6, BCSC_EBADOBJ, BCSC_MISUSE_MOVED);
  expect_note(&b, 7, BCSC_EINVAL, BCSC_MISUSE_NULL_OBJECT);
  expect_note(&b, 8, BCSC_ESTATE, BCSC_MISUSE_BAD_ARGUMENT);
  cr_assert_eq(b.rc[9], 0);
  /* Nothing changed: the attached entry kept its key and value. */
  cr_assert_eq(b.attached.key, K1);
  cr_assert_eq(b.attached.value, 1);

  /* From outside the executor: not the owner being polled. */
  cr_assert_eq(bcsc_scope_set_context(&b.scope, &b.entry, K1, 3), BCSC_EPERM);
  cr_assert_eq(g_misuse.count, bcsc_test_misuse_expected(1));
  if (bcsc_is_checked_build())
    cr_assert_eq(g_misuse.codes[0], BCSC_MISUSE_FOREIGN_SCOPE);
  memset(&g_misuse, 0, sizeof g_misuse);
  /* A live task may be asked from outside its poll (still this thread). */
  cr_assert_eq(bcsc_task_context(&child.task, K1, &v), 1);
  cr_assert_eq(v, 1);
  /* Tasks that are not live, or not tasks. */
  cr_assert_eq(bcsc_task_context(NULL, K1, &v), BCSC_EINVAL);
  cr_assert_eq(bcsc_task_init(&idle, level_poll, NULL), 0);
  cr_assert_eq(bcsc_task_context(&idle, K1, &v), BCSC_ESTATE);
  memset(&raw_task, 0, sizeof raw_task);
  cr_assert_eq(bcsc_task_context(&raw_task, K1, &v), BCSC_EBADOBJ);
  cr_assert_eq(g_misuse.count, bcsc_test_misuse_expected(3));
  if (bcsc_is_checked_build()) {
    cr_assert_eq(g_misuse.codes[0], BCSC_MISUSE_NULL_OBJECT);
    cr_assert_eq(g_misuse.codes[1], BCSC_MISUSE_BAD_ARGUMENT);
    cr_assert_eq(g_misuse.codes[2], BCSC_MISUSE_BAD_OBJECT);
  }
  memset(&g_misuse, 0, sizeof g_misuse);
  cr_assert_eq(v, 1, "a failed lookup writes nothing");
  cr_assert_eq(bcsc_context_init(NULL), BCSC_EINVAL);
  cr_assert_eq(g_misuse.count, bcsc_test_misuse_expected(1));
  memset(&g_misuse, 0, sizeof g_misuse);
  /* Memory that is no scope. */
  memset(&raw_scope, 0, sizeof raw_scope);
  cr_assert_eq(bcsc_scope_set_context(&raw_scope, &b.entry, K1, 3),
               BCSC_EBADOBJ);
  cr_assert_eq(g_misuse.count, bcsc_test_misuse_expected(1));
  if (bcsc_is_checked_build())
    cr_assert_eq(g_misuse.codes[0], BCSC_MISUSE_BAD_OBJECT);
  memset(&g_misuse, 0, sizeof g_misuse);
  cr_assert_eq(b.entry.priv.state, 0, "the refused entry is still idle");

  cr_assert_eq(bcsc_waitq_wake_all(&gate, 0), 2);
  cr_assert_eq(bcsc_executor_run(&ex, &b.task), 0);
  /* Done: its lookups are refused. */
  cr_assert_eq(bcsc_task_context(&child.task, K1, &v), BCSC_ESTATE);
  cr_assert_eq(g_misuse.count, bcsc_test_misuse_expected(1), "%u: %s %s",
               g_misuse.count, bcsc_misuse_name(g_misuse.codes[0]),
               bcsc_misuse_name(g_misuse.codes[1]));
  if (bcsc_is_checked_build())
    cr_assert_eq(g_misuse.codes[0], BCSC_MISUSE_TASK_DONE);
  memset(&g_misuse, 0, sizeof g_misuse);
  /* Closed: the attached entry is idle again, the copy never was. */
  cr_assert_eq(b.attached.priv.state, 0);
  bcsc_test_misuse_uninstall();
  cr_assert_eq(bcsc_waitq_deinit(&gate), 0);
  teardown(&ex);
}

Test(context, the_initialiser_and_init_agree_and_sizes_are_the_headers) {
  bcsc_context_t a = BCSC_CONTEXT_INITIALIZER, b;
  memset(&b, 0xa5, sizeof b);
  cr_assert_eq(bcsc_context_init(&b), 0);
  cr_assert_eq(a.data, b.data);
  cr_assert_eq(a.key, b.key);
  cr_assert_eq(a.value, b.value);
  cr_assert_eq(memcmp(&a.priv, &b.priv, sizeof a.priv), 0);
  cr_assert_eq(bcsc_context_sizeof(), sizeof(bcsc_context_t));
  cr_assert_eq(bcsc_context_alignof(), _Alignof(bcsc_context_t));
  cr_assert_eq(bcsc_child_error_sizeof(), sizeof(bcsc_child_error_t));
  cr_assert_eq(bcsc_child_error_alignof(), _Alignof(bcsc_child_error_t));
}

/* ---- the checked build: overwritten scopes and entries ------------------ */

typedef struct clobber {
  bcsc_task_t task;
  int tag; /* overwrite the address tags, not the magics */
  bcsc_scope_t *parent_scope;
  bcsc_context_t *parent_entry;
  int rc[3];
  uint32_t reports[3];
  int32_t codes[3];
} clobber_t;

/* Flip a bit of the magic, or of the address tag, of an object's header. */
static void flip(int tag, uint16_t *magic, uint32_t *self_tag) {
  if (tag)
    *self_tag ^= 8;
  else
    *magic ^= 1;
}

static int clobber_poll(bcsc_task_t *self) {
  clobber_t *c = (clobber_t *)(void *)self;
  bcsc_context_t *e = c->parent_entry;
  bcsc_scope_t *s = c->parent_scope;
  uintptr_t v = UNTOUCHED;
  /* The entry's header, then the scope's, overwritten and put back. */
  flip(c->tag, &e->priv.magic, &e->priv.self_tag);
  c->rc[0] = bcsc_task_context(self, K1, &v);
  flip(c->tag, &e->priv.magic, &e->priv.self_tag);
  c->reports[0] = g_misuse.count;
  c->codes[0] = g_misuse.codes[0];
  memset(&g_misuse, 0, sizeof g_misuse);
  flip(c->tag, &s->priv.magic, &s->priv.self_tag);
  c->rc[1] = bcsc_task_context(self, K1, &v);
  flip(c->tag, &s->priv.magic, &s->priv.self_tag);
  c->reports[1] = g_misuse.count;
  c->codes[1] = g_misuse.codes[0];
  memset(&g_misuse, 0, sizeof g_misuse);
  /* Then the entry is overwritten for good: its scope's close reports it. */
  flip(c->tag, &e->priv.magic, &e->priv.self_tag);
  return BCSC_DONE;
}

static void clobber_run(int tag) {
  bcsc_executor_t ex;
  level_t owner;
  clobber_t c;
  uint32_t closing;
  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  level_init(&owner);
  level_set(&owner, K1, 5);
  memset(&c, 0, sizeof c);
  cr_assert_eq(bcsc_task_init(&c.task, clobber_poll, &c), 0);
  c.tag = tag;
  c.parent_scope = &owner.scope;
  c.parent_entry = &owner.entry[0];
  /* level_poll() spawns &child->task: the task is both frames' first
   * member. */
  owner.child = (level_t *)(void *)&c.task;
  bcsc_test_misuse_install(&g_misuse);
  cr_assert_eq(bcsc_executor_run(&ex, &owner.task), 0);
  closing = g_misuse.count;
  if (bcsc_is_checked_build()) {
    cr_assert_eq(c.rc[0], BCSC_EBADOBJ);
    cr_assert_eq(c.rc[1], BCSC_EBADOBJ);
    cr_assert_eq(c.reports[0], 1);
    cr_assert_eq(c.codes[0], BCSC_MISUSE_FRAME_CLOBBERED);
    cr_assert_eq(c.reports[1], 1);
    cr_assert_eq(c.codes[1], BCSC_MISUSE_FRAME_CLOBBERED);
    cr_assert_eq(closing, 1, "the close found the entry overwritten");
    cr_assert_eq(g_misuse.codes[0], BCSC_MISUSE_FRAME_CLOBBERED);
    cr_assert_eq(g_misuse.objects[0], &owner.entry[0]);
  } else {
    /* Release trusts its own links: both lookups find the value. */
    cr_assert_eq(c.rc[0], 1);
    cr_assert_eq(c.rc[1], 1);
    cr_assert_eq(c.reports[0] + c.reports[1] + closing, 0);
  }
  bcsc_test_misuse_uninstall();
  teardown(&ex);
}

Test(context, a_clobbered_scope_or_entry_is_reported_by_the_checked_build) {
  clobber_run(0); /* magics */
  clobber_run(1); /* address tags: a moved or copied header */
}

/* ---- the error list ------------------------------------------------------ */

#define NCHILD 5

typedef struct lister {
  bcsc_task_t task;
  bcsc_scope_t scope;
  uint32_t policy;
  bcsc_child_error_t *list;
  uint32_t capacity;
  int set_after_spawn; /* set the list after spawning (else before) */
  int replace_with_none;
  bcsc_child_error_t *first_list; /* set first, then replaced */
  bcsc_error_list_t node, first_node;
  bcsc_task_t *children[NCHILD];
  uint32_t n;
  int early_return;
  int phase;
  int rc[4];
} lister_t;

static int lister_poll(bcsc_task_t *self) {
  lister_t *l = (lister_t *)(void *)self;
  if (l->phase == 0) {
    l->phase = 1;
    l->rc[0] = bcsc_scope_init(&l->scope, self, l->policy) |
               bcsc_error_list_init(&l->node) |
               bcsc_error_list_init(&l->first_node);
    if (l->first_list != NULL)
      l->rc[3] = bcsc_scope_set_error_list(&l->scope, &l->first_node,
                                           l->first_list, 1);
    if (!l->set_after_spawn)
      l->rc[1] =
          bcsc_scope_set_error_list(&l->scope, &l->node, l->list, l->capacity);
    for (uint32_t i = 0; i < l->n; i++)
      if (bcsc_scope_spawn(&l->scope, l->children[i]) != 0)
        l->rc[2] = -1;
    if (l->set_after_spawn)
      l->rc[1] =
          bcsc_scope_set_error_list(&l->scope, &l->node, l->list, l->capacity);
    if (l->early_return)
      return BCSC_DONE;
  }
  return bcsc_scope_join(&l->scope);
}

typedef struct family {
  bcsc_executor_t ex;
  lister_t owner;
  bcsc_test_leaf_t leaf[NCHILD];
  bcsc_child_error_t list[8];
} family_t;

/* An owner with `n` leaves; leaf i yields yields[i] times then returns
 * results[i]. The list is filled with a pattern first. */
static void family_init(family_t *f, uint32_t policy, uint32_t n,
                        const uint32_t *yields, const int *results) {
  memset(f, 0, sizeof *f);
  memset(f->list, 0xa5, sizeof f->list);
  cr_assert_eq(bcsc_executor_init(&f->ex, NULL), 0);
  cr_assert_eq(bcsc_task_init(&f->owner.task, lister_poll, &f->owner), 0);
  f->owner.policy = policy;
  f->owner.list = f->list;
  f->owner.capacity = 8;
  f->owner.n = n;
  for (uint32_t i = 0; i < n; i++) {
    bcsc_test_leaf_init(&f->leaf[i], (int)i);
    f->leaf[i].yields = yields[i];
    f->leaf[i].result = results[i];
    f->owner.children[i] = &f->leaf[i].task;
  }
}

/* Whether entry i of f's list was never written (still the pattern). */
static int untouched(const bcsc_child_error_t *e) {
  bcsc_child_error_t pattern;
  memset(&pattern, 0xa5, sizeof pattern);
  return memcmp(e, &pattern, sizeof pattern) == 0;
}

static void expect_entry(const bcsc_child_error_t *e, const bcsc_task_t *task,
                         int error, uint32_t cancelled) {
  cr_assert_eq(e->task, task);
  cr_assert_eq(e->error, error, "error %s", bcsc_err_name(e->error));
  cr_assert_eq(e->cancelled, cancelled);
}

/* Completion order: leaf 3 (no yield), 1 (one), 2 (two), 0 (three); leaf 4
 * succeeds and is not recorded. */
static const uint32_t order_yields[NCHILD] = {3, 1, 2, 0, 1};
static const int order_results[NCHILD] = {BCSC_TEST_E1, BCSC_TEST_E2,
                                          BCSC_TEST_E3, BCSC_TEST_E4, 0};

Test(error_list, records_failed_children_in_completion_order) {
  family_t f;
  family_init(&f, BCSC_SCOPE_WAIT_ALL, NCHILD, order_yields, order_results);
  cr_assert_eq(bcsc_executor_run(&f.ex, &f.owner.task), BCSC_TEST_E4);
  cr_assert_eq(f.owner.rc[0], 0);
  cr_assert_eq(f.owner.rc[1], 0);
  cr_assert_eq(f.owner.rc[2], 0);
  cr_assert_eq(bcsc_scope_error_count(&f.owner.scope), 4);
  expect_entry(&f.list[0], &f.leaf[3].task, BCSC_TEST_E4, 0);
  expect_entry(&f.list[1], &f.leaf[1].task, BCSC_TEST_E2, 0);
  expect_entry(&f.list[2], &f.leaf[2].task, BCSC_TEST_E3, 0);
  expect_entry(&f.list[3], &f.leaf[0].task, BCSC_TEST_E1, 0);
  for (int i = 4; i < 8; i++)
    cr_assert(untouched(&f.list[i]), "entry %d written", i);
  teardown(&f.ex);
}

Test(error_list, a_list_set_after_spawning_records_the_same) {
  family_t f;
  family_init(&f, BCSC_SCOPE_WAIT_ALL, NCHILD, order_yields, order_results);
  f.owner.set_after_spawn = 1;
  cr_assert_eq(bcsc_executor_run(&f.ex, &f.owner.task), BCSC_TEST_E4);
  cr_assert_eq(f.owner.rc[1], 0);
  expect_entry(&f.list[0], &f.leaf[3].task, BCSC_TEST_E4, 0);
  expect_entry(&f.list[3], &f.leaf[0].task, BCSC_TEST_E1, 0);
  cr_assert(untouched(&f.list[4]));
  teardown(&f.ex);
}

Test(error_list, overflow_keeps_the_first_and_the_count_goes_on) {
  family_t f;
  family_init(&f, BCSC_SCOPE_WAIT_ALL, NCHILD, order_yields, order_results);
  f.owner.capacity = 2;
  cr_assert_eq(bcsc_executor_run(&f.ex, &f.owner.task), BCSC_TEST_E4);
  cr_assert_eq(bcsc_scope_error_count(&f.owner.scope), 4, "4 > capacity 2");
  expect_entry(&f.list[0], &f.leaf[3].task, BCSC_TEST_E4, 0);
  expect_entry(&f.list[1], &f.leaf[1].task, BCSC_TEST_E2, 0);
  for (int i = 2; i < 8; i++)
    cr_assert(untouched(&f.list[i]), "entry %d written past capacity", i);
  teardown(&f.ex);
}

Test(error_list, capacity_0_only_counts) {
  family_t f;
  family_init(&f, BCSC_SCOPE_WAIT_ALL, NCHILD, order_yields, order_results);
  f.owner.capacity = 0;
  cr_assert_eq(bcsc_executor_run(&f.ex, &f.owner.task), BCSC_TEST_E4);
  cr_assert_eq(f.owner.rc[1], 0);
  cr_assert_eq(bcsc_scope_error_count(&f.owner.scope), 4);
  for (int i = 0; i < 8; i++)
    cr_assert(untouched(&f.list[i]), "entry %d written", i);
  teardown(&f.ex);
}

Test(error_list, a_list_set_again_replaces_the_first_and_none_removes_it) {
  family_t f;
  bcsc_child_error_t first[1];
  memset(first, 0xa5, sizeof first);
  family_init(&f, BCSC_SCOPE_WAIT_ALL, NCHILD, order_yields, order_results);
  f.owner.first_list = first;
  cr_assert_eq(bcsc_executor_run(&f.ex, &f.owner.task), BCSC_TEST_E4);
  cr_assert_eq(f.owner.rc[3], 0);
  cr_assert(untouched(&first[0]), "the replaced list was written");
  expect_entry(&f.list[0], &f.leaf[3].task, BCSC_TEST_E4, 0);
  teardown(&f.ex);

  /* NULL with capacity 0 after a list: nothing is written anywhere. */
  family_init(&f, BCSC_SCOPE_WAIT_ALL, NCHILD, order_yields, order_results);
  f.owner.first_list = f.list;
  f.owner.list = NULL;
  f.owner.capacity = 0;
  cr_assert_eq(bcsc_executor_run(&f.ex, &f.owner.task), BCSC_TEST_E4);
  cr_assert_eq(f.owner.rc[1], 0);
  cr_assert_eq(f.owner.rc[3], 0);
  cr_assert_eq(bcsc_scope_error_count(&f.owner.scope), 4);
  for (int i = 0; i < 8; i++)
    cr_assert(untouched(&f.list[i]), "entry %d written", i);
  teardown(&f.ex);
}

/* Fail-fast: leaf 0 fails first and its siblings are cancelled. Leaf 1
 * reports the cancellation (not a failure, not recorded), leaf 2's cleanup
 * fails with another code (recorded, marked cancelled), leaf 3 had already
 * succeeded. */
Test(error_list, fail_fast_records_the_failure_and_cleanup_errors_only) {
  family_t f;
  const uint32_t yields[4] = {1, 5, 5, 0};
  const int results[4] = {BCSC_TEST_E1, 0, 0, 0};
  family_init(&f, BCSC_SCOPE_FAIL_FAST, 4, yields, results);
  f.leaf[2].cancel_result = BCSC_TEST_E2;
  cr_assert_eq(bcsc_executor_run(&f.ex, &f.owner.task), BCSC_TEST_E1);
  cr_assert(f.leaf[1].saw_cancel);
  cr_assert(f.leaf[2].saw_cancel);
  cr_assert(f.leaf[3].finished);
  cr_assert_eq(bcsc_scope_error_count(&f.owner.scope), 2);
  expect_entry(&f.list[0], &f.leaf[0].task, BCSC_TEST_E1, 0);
  expect_entry(&f.list[1], &f.leaf[2].task, BCSC_TEST_E2, 1);
  cr_assert(untouched(&f.list[2]));
  teardown(&f.ex);
}

/* A race won by a failure: the winner is recorded, the cancelled losers
 * are not. */
Test(error_list, a_race_records_a_failed_winner_not_the_cancelled_losers) {
  family_t f;
  const uint32_t yields[3] = {2, 0, 2};
  const int results[3] = {0, BCSC_TEST_E3, 0};
  family_init(&f, BCSC_SCOPE_RACE, 3, yields, results);
  cr_assert_eq(bcsc_executor_run(&f.ex, &f.owner.task), BCSC_TEST_E3);
  cr_assert_eq(bcsc_scope_winner(&f.owner.scope), &f.leaf[1].task);
  cr_assert_eq(bcsc_scope_error_count(&f.owner.scope), 1);
  expect_entry(&f.list[0], &f.leaf[1].task, BCSC_TEST_E3, 0);
  cr_assert(untouched(&f.list[1]));
  teardown(&f.ex);
}

/* An owner that returns with its scope open: bcsc cancels and drains the
 * children; the failures of their cleanup are recorded, and the first
 * becomes the owner's result. */
Test(error_list, a_drained_scope_records_its_childrens_cleanup_errors) {
  family_t f;
  const uint32_t yields[3] = {4, 4, 4};
  const int results[3] = {0, 0, 0};
  family_init(&f, BCSC_SCOPE_WAIT_ALL, 3, yields, results);
  f.owner.early_return = 1;
  f.leaf[0].cancel_result = BCSC_TEST_E5;
  f.leaf[2].cancel_result = BCSC_TEST_E4;
  cr_assert_eq(bcsc_executor_run(&f.ex, &f.owner.task), BCSC_TEST_E5);
  cr_assert_eq(bcsc_scope_error_count(&f.owner.scope), 2);
  expect_entry(&f.list[0], &f.leaf[0].task, BCSC_TEST_E5, 1);
  expect_entry(&f.list[1], &f.leaf[2].task, BCSC_TEST_E4, 1);
  cr_assert(untouched(&f.list[2]));
  teardown(&f.ex);
}

/* ---- error list: bad inputs -----------------------------------------------
 */

typedef struct late {
  bcsc_task_t task;
  bcsc_scope_t scope, closed;
  bcsc_test_leaf_t *child;
  bcsc_child_error_t list[2];
  bcsc_error_list_t node;
  int phase;
  int rc[8];
  uint32_t reports[8];
  int32_t codes[8];
} late_t;

static void late_note(late_t *l, int i, int rc) {
  l->rc[i] = rc;
  l->reports[i] = g_misuse.count;
  l->codes[i] = g_misuse.count ? g_misuse.codes[0] : 0;
  memset(&g_misuse, 0, sizeof g_misuse);
}

static int late_poll(bcsc_task_t *self) {
  late_t *l = (late_t *)(void *)self;
  if (l->phase == 0) {
    l->phase = 1;
    (void)bcsc_scope_init(&l->closed, self, BCSC_SCOPE_WAIT_ALL);
    (void)bcsc_scope_join(&l->closed);
    (void)bcsc_scope_init(&l->scope, self, BCSC_SCOPE_WAIT_ALL);
    (void)bcsc_error_list_init(&l->node);
    late_note(l, 0, bcsc_scope_set_error_list(NULL, &l->node, l->list, 2));
    late_note(l, 1, bcsc_scope_set_error_list(&l->scope, &l->node, NULL, 2));
    late_note(l, 2,
              bcsc_scope_set_error_list(&l->closed, &l->node, l->list, 2));
    (void)bcsc_scope_spawn(&l->scope, &l->child->task);
    return bcsc_task_yield(self); /* the child fails meanwhile */
  }
  late_note(l, 3, bcsc_scope_set_error_list(&l->scope, &l->node, l->list, 2));
  late_note(l, 4, bcsc_scope_set_error_list(&l->scope, &l->node, NULL, 0));
  return bcsc_scope_join(&l->scope);
}

Test(error_list, every_bad_input_has_its_code_and_a_late_list_is_refused) {
  bcsc_executor_t ex;
  late_t l;
  bcsc_test_leaf_t child;
  bcsc_scope_t raw;
  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  memset(&l, 0, sizeof l);
  memset(l.list, 0xa5, sizeof l.list);
  cr_assert_eq(bcsc_task_init(&l.task, late_poll, &l), 0);
  bcsc_test_leaf_init(&child, 1);
  child.result = BCSC_TEST_E1;
  l.child = &child;
  bcsc_test_misuse_install(&g_misuse);
  cr_assert_eq(bcsc_executor_run(&ex, &l.task), BCSC_TEST_E1);
  const int errs[5] = {BCSC_EINVAL, BCSC_EINVAL, BCSC_ESTATE, BCSC_ESTATE,
                       BCSC_ESTATE};
  const int32_t codes[5] = {BCSC_MISUSE_NULL_OBJECT, BCSC_MISUSE_BAD_ARGUMENT,
                            BCSC_MISUSE_SCOPE_CLOSED,
                            BCSC_MISUSE_ERROR_LIST_LATE,
                            BCSC_MISUSE_ERROR_LIST_LATE};
  for (int i = 0; i < 5; i++) {
    cr_assert_eq(l.rc[i], errs[i], "call %d returned %s", i,
                 bcsc_err_name(l.rc[i]));
    cr_assert_eq(l.reports[i], bcsc_test_misuse_expected(1), "call %d", i);
    if (bcsc_is_checked_build())
      cr_assert_eq(l.codes[i], codes[i], "call %d reported %s", i,
                   bcsc_misuse_name(l.codes[i]));
  }
  cr_assert(untouched(&l.list[0]) && untouched(&l.list[1]));
  cr_assert_eq(bcsc_scope_error_count(&l.scope), 1);
  /* Once the scope is closed, and on memory that is no scope. */
  cr_assert_eq(bcsc_scope_set_error_list(&l.scope, &l.node, l.list, 2),
               BCSC_ESTATE);
  memset(&raw, 0, sizeof raw);
  cr_assert_eq(bcsc_scope_set_error_list(&raw, &l.node, l.list, 2),
               BCSC_EBADOBJ);
  cr_assert_eq(g_misuse.count, bcsc_test_misuse_expected(2));
  if (bcsc_is_checked_build()) {
    cr_assert_eq(g_misuse.codes[0], BCSC_MISUSE_SCOPE_CLOSED);
    cr_assert_eq(g_misuse.codes[1], BCSC_MISUSE_BAD_OBJECT);
  }
  bcsc_test_misuse_uninstall();
  teardown(&ex);
}

/* Only the owner, while it is polled, sets the list. */
Test(error_list, only_the_owner_being_polled_sets_it) {
  bcsc_executor_t ex;
  bcsc_waitq_t gate;
  bcsc_test_owner_t owner;
  bcsc_test_leaf_t child;
  bcsc_task_t *children[1] = {&child.task};
  bcsc_child_error_t list[1];
  bcsc_test_misuse_t misuse;
  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  cr_assert_eq(bcsc_waitq_init(&gate), 0);
  bcsc_test_owner_init(&owner, 0, BCSC_SCOPE_WAIT_ALL, children, 1);
  bcsc_test_leaf_init(&child, 1);
  child.queue = &gate;
  cr_assert_eq(bcsc_executor_run(&ex, &owner.task), BCSC_EDEADLK);
  bcsc_test_misuse_install(&misuse);
  bcsc_error_list_t node = BCSC_ERROR_LIST_INITIALIZER;
  cr_assert_eq(bcsc_scope_set_error_list(&owner.scope, &node, list, 1),
               BCSC_EPERM);
  cr_assert_eq(misuse.count, bcsc_test_misuse_expected(1));
  if (bcsc_is_checked_build())
    cr_assert_eq(misuse.codes[0], BCSC_MISUSE_FOREIGN_SCOPE);
  bcsc_test_misuse_uninstall();
  cr_assert_eq(bcsc_waitq_wake_all(&gate, 0), 1);
  cr_assert_eq(bcsc_executor_run(&ex, &owner.task), 0);
  cr_assert_eq(bcsc_waitq_deinit(&gate), 0);
  teardown(&ex);
}

/* ---- detaching one node keeps the others --------------------------------
 * An error list set after a context entry sits in front of it on the
 * scope's list of attachments. Detaching the list (NULL, 0) must unlink
 * that node only: the entry behind it is still found, and the list's node,
 * idle again, attaches to a second scope without taking the entry along. */
typedef struct detacher {
  bcsc_task_t task;
  bcsc_scope_t scope[2];
  bcsc_context_t entry;
  bcsc_error_list_t node;
  bcsc_child_error_t errors[1];
  int rc[6];
  int found[2];
  uintptr_t seen[2];
} detacher_t;

static int detacher_poll(bcsc_task_t *self) {
  detacher_t *d = (detacher_t *)(void *)self;
  d->rc[0] = bcsc_scope_init(&d->scope[0], self, BCSC_SCOPE_FAIL_FAST);
  d->rc[1] = bcsc_scope_set_context(&d->scope[0], &d->entry, K1, 7);
  d->rc[2] = bcsc_scope_set_error_list(&d->scope[0], &d->node, d->errors, 1);
  d->rc[3] = bcsc_scope_set_error_list(&d->scope[0], &d->node, NULL, 0);
  d->found[0] = bcsc_task_context(self, K1, &d->seen[0]);
  d->rc[4] = bcsc_scope_init(&d->scope[1], self, BCSC_SCOPE_FAIL_FAST);
  d->rc[5] = bcsc_scope_set_error_list(&d->scope[1], &d->node, d->errors, 1);
  d->found[1] = bcsc_task_context(self, K1, &d->seen[1]);
  /* Innermost first; both close with nothing in them. */
  if (bcsc_scope_join(&d->scope[1]) != 0 || bcsc_scope_join(&d->scope[0]) != 0)
    return BCSC_EINVAL;
  return 0;
}

Test(context, detaching_one_node_keeps_the_nodes_behind_it) {
  bcsc_executor_t ex;
  detacher_t d;
  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  memset(&d, 0, sizeof d);
  cr_assert_eq(bcsc_task_init(&d.task, detacher_poll, &d), 0);
  cr_assert_eq(bcsc_context_init(&d.entry), 0);
  cr_assert_eq(bcsc_error_list_init(&d.node), 0);
  cr_assert_eq(bcsc_executor_run(&ex, &d.task), 0);
  for (int i = 0; i < 6; i++)
    cr_assert_eq(d.rc[i], 0, "call %d: %s", i, bcsc_err_name(d.rc[i]));
  cr_assert_eq(d.found[0], 1, "the entry behind the detached node is found");
  cr_assert_eq(d.seen[0], 7);
  cr_assert_eq(d.found[1], 1, "and still after the node attached elsewhere");
  cr_assert_eq(d.seen[1], 7);
  teardown(&ex);
}
