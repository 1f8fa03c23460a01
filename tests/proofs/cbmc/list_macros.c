/* SPDX-License-Identifier: MIT
 * list_macros.c - CBMC proof of libbcsc/src/list.h, the intrusive FIFO
 * list of a scope's children, over the real macros and the real types
 * (bcsc_task_t nodes threaded through sibling_next/sibling_prev into a
 * scope's head/tail, as scope.c uses them).
 *
 * From EVERY well-formed list of up to N nodes (any length, any order of
 * the nodes; nodes outside the list have arbitrary stale links, as a
 * completed task's do), one operation chosen by OP:
 *   OP_APPEND  BCSC__LIST_APPEND of a node not in the list
 *   OP_REMOVE  BCSC__LIST_REMOVE of any node in the list
 *   OP_UNLINK  BCSC__LIST_UNLINK of any node in the list
 *   OP_SEQ     STEPS of the three in any order, from the empty list
 * leaves a well-formed list (head/tail agree, next and prev mirror each
 * other, NULL at both ends) holding exactly the expected nodes in the
 * expected order, and REMOVE clears the node's links. Memory safety comes
 * from CBMC's --pointer-check: a stale link that is followed is reported. */
/* The controls (controls.h): the mutants of scripts/prove.sh this harness
 * catches, each a switch of the schema tree. */
#define HARNESS_CONTROLS(X)                                                    \
  X(APPEND_KEEPS_NEXT, 1) X(REMOVE_KEEPS_TAIL, 2) X(UNLINK_KEEPS_TAIL, 3)
#include "controls.h"
#define MUTANT_APPEND_KEEPS_NEXT BROKEN(APPEND_KEEPS_NEXT)
#define MUTANT_REMOVE_KEEPS_TAIL BROKEN(REMOVE_KEEPS_TAIL)
#define MUTANT_UNLINK_KEEPS_TAIL BROKEN(UNLINK_KEEPS_TAIL)
#include <stddef.h>

#include "bcsc.h"
#include "list.h"

#ifndef N
#define N 4
#endif
#ifndef STEPS
#define STEPS 4
#endif
/* Macros, not an enum: #if compares them. */
#define OP_APPEND 1
#define OP_REMOVE 2
#define OP_UNLINK 3
#define OP_SEQ 4
#ifndef OP
#define OP OP_SEQ
#endif

unsigned nondet_unsigned(void);
bcsc_task_t *nondet_task_pointer(void);

static bcsc_task_t nodes[N];
static bcsc_scope_t scope;
/* The model: the list's nodes in order. */
static unsigned order[N];
static unsigned len;

static int in_model(unsigned i) {
  for (unsigned k = 0; k < len; k++)
    if (order[k] == i)
      return 1;
  return 0;
}

/* The list is exactly the model: walked forwards and backwards. */
static void check_list(void) {
  bcsc_task_t *t = scope.priv.head;
  bcsc_task_t *prev = NULL;
  CHECK((scope.priv.head == NULL) == (scope.priv.tail == NULL));
  for (unsigned k = 0; k < len; k++) {
    CHECK(t == &nodes[order[k]]);
    CHECK(t->priv.sibling_prev == prev);
    prev = t;
    t = t->priv.sibling_next;
  }
  CHECK(t == NULL);
  CHECK(scope.priv.tail == prev);
}

/* Any well-formed list: a nondet length and a nondet order of distinct
 * nodes, linked directly (not by the macros under proof). Nodes outside it
 * keep whatever links they had. */
static void build_any_list(void) {
  for (unsigned i = 0; i < N; i++) {
    nodes[i].priv.sibling_next = nondet_task_pointer();
    nodes[i].priv.sibling_prev = nondet_task_pointer();
  }
  len = nondet_unsigned();
  __CPROVER_assume(len <= N);
  for (unsigned k = 0; k < N; k++) {
    order[k] = nondet_unsigned();
    __CPROVER_assume(order[k] < N);
    for (unsigned j = 0; j < k; j++)
      __CPROVER_assume(order[j] != order[k]);
  }
  scope.priv.head = len ? &nodes[order[0]] : NULL;
  scope.priv.tail = len ? &nodes[order[len - 1]] : NULL;
  for (unsigned k = 0; k < len; k++) {
    nodes[order[k]].priv.sibling_prev = k ? &nodes[order[k - 1]] : NULL;
    nodes[order[k]].priv.sibling_next =
        k + 1 < len ? &nodes[order[k + 1]] : NULL;
  }
  check_list();
}

static void do_append(void) {
  unsigned i = nondet_unsigned();
  __CPROVER_assume(i < N && !in_model(i));
  BCSC__LIST_APPEND(scope.priv.head, scope.priv.tail, &nodes[i], sibling_next,
                    sibling_prev);
  order[len++] = i;
}

/* Take position `k` out of the model, keeping the others' order. */
static unsigned model_take(unsigned k) {
  unsigned i = order[k];
  for (unsigned j = k; j + 1 < len; j++)
    order[j] = order[j + 1];
  len--;
  order[len] = i;
  return i;
}

static void do_remove(int clear) {
  unsigned k = nondet_unsigned();
  unsigned i;
  __CPROVER_assume(k < len);
  i = model_take(k);
  if (clear) {
    BCSC__LIST_REMOVE(scope.priv.head, scope.priv.tail, &nodes[i], sibling_next,
                      sibling_prev);
    CHECK(nodes[i].priv.sibling_next == NULL);
    CHECK(nodes[i].priv.sibling_prev == NULL);
  } else {
    BCSC__LIST_UNLINK(bcsc_task_t, scope.priv.head, scope.priv.tail, &nodes[i],
                      sibling_next, sibling_prev);
  }
}

int main(void) {
  controls_choose();
#if OP == OP_SEQ
  scope.priv.head = nondet_task_pointer();
  scope.priv.tail = nondet_task_pointer();
  for (unsigned i = 0; i < N; i++) {
    nodes[i].priv.sibling_next = nondet_task_pointer();
    nodes[i].priv.sibling_prev = nondet_task_pointer();
  }
  /* An empty list as scope_open() leaves it. */
  scope.priv.head = NULL;
  scope.priv.tail = NULL;
  len = 0;
  for (unsigned s = 0; s < STEPS; s++) {
    unsigned op = nondet_unsigned();
    if (op == 0 && len < N)
      do_append();
    else if (op == 1 && len > 0)
      do_remove(1);
    else if (op == 2 && len > 0)
      do_remove(0);
    check_list();
  }
#else
  build_any_list();
#if OP == OP_APPEND
  __CPROVER_assume(len < N);
  do_append();
#elif OP == OP_REMOVE
  __CPROVER_assume(len > 0);
  do_remove(1);
#else
  __CPROVER_assume(len > 0);
  do_remove(0);
#endif
  check_list();
#endif
  return 0;
}
