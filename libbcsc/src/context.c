/* SPDX-License-Identifier: MIT
 * context.c - context entries (bcsc/context.h): attaching one to a scope,
 * the lookup a task makes up its chain of scopes, and detaching them all
 * when their scope closes. Nothing is copied into a child: a lookup reads
 * the live scopes above it, which cannot close while it lives (D53). */
#include "internal.h"

int bcsc_context_init(bcsc_context_t *entry) {
  if (entry == NULL)
    BCSC__FAIL(NULL_OBJECT, entry, BCSC_EINVAL);
  *entry = (bcsc_context_t)BCSC_CONTEXT_INITIALIZER;
  return 0;
}

int bcsc_scope_set_context(bcsc_scope_t *scope, bcsc_context_t *entry,
                           uint32_t key, uintptr_t value) {
  int rc = bcsc__check_scope(scope);
  if (rc != 0 || (rc = bcsc__check_context(entry)) != 0 ||
      (rc = bcsc__check_scope_owner(scope)) != 0)
    return rc;
  if (entry->priv.state != BCSC__CONTEXT_IDLE)
    BCSC__FAIL(CONTEXT_ATTACHED, entry, BCSC_EBUSY);
  /* The list is written when first needed, like the scope's other cold
   * fields: opening a scope does not touch it. */
  if (!(scope->priv.flags & BCSC__SCOPE_CONTEXT)) {
    scope->priv.contexts = NULL;
    scope->priv.flags |= BCSC__SCOPE_CONTEXT;
  }
  entry->key = key;
  entry->value = value;
  entry->priv.next = scope->priv.contexts;
  entry->priv.state = BCSC__CONTEXT_ATTACHED;
  entry->priv.self_tag = bcsc__self_tag(entry);
  scope->priv.contexts = entry; /* newest first: it shadows older ones */
  return 0;
}

int bcsc_task_context(const bcsc_task_t *task, uint32_t key, uintptr_t *value) {
  const bcsc_task_t *t = task;
  const bcsc_scope_t *s;
  int rc = bcsc__check_live(task);
  if (rc != 0)
    return rc;
  if (value == NULL)
    BCSC__FAIL(NULL_OBJECT, value, BCSC_EINVAL);
  /* The scopes `task` owns, innermost first; then, one level up at a
   * time, the scope a task was spawned into and its owner's scopes outer
   * to it. A scope its owner opened later (an inner one) is not on a
   * child's way: it is not the child's ancestor. Every scope on the way is
   * open: a task's scope cannot close while the task lives. */
  for (s = task->priv.scopes;;) {
    for (; s != NULL; s = s->priv.outer) {
      if (BCSC__CANARY_BAD(s, BCSC__MAGIC_SCOPE))
        BCSC__FAIL(FRAME_CLOBBERED, s, BCSC_EBADOBJ);
      if (!(s->priv.flags & BCSC__SCOPE_CONTEXT))
        continue;
      for (const bcsc_context_t *e = s->priv.contexts; e != NULL;
           e = e->priv.next) {
        if (BCSC__CANARY_BAD(e, BCSC__MAGIC_CONTEXT))
          BCSC__FAIL(FRAME_CLOBBERED, e, BCSC_EBADOBJ);
        if (e->key == key) {
          *value = e->value;
          return 1;
        }
      }
    }
    if (t == NULL) /* the root scope was the last */
      return 0;
    s = t->priv.scope;
    t = s->priv.owner;
  }
}

void bcsc__context_detach_all(bcsc_scope_t *s) {
  bcsc_context_t *e = s->priv.contexts;
  while (e != NULL) {
    bcsc_context_t *next = e->priv.next;
    /* Its link cannot be trusted: the entries after it stay as they are. */
    if (BCSC__CANARY_BAD(e, BCSC__MAGIC_CONTEXT)) {
      BCSC__REPORT(FRAME_CLOBBERED, e);
      break;
    }
    e->priv.next = NULL;
    e->priv.state = BCSC__CONTEXT_IDLE;
    e->priv.self_tag = 0; /* not linked: free to move or reuse */
    e = next;
  }
  s->priv.contexts = NULL;
  s->priv.flags &= (uint16_t)~BCSC__SCOPE_CONTEXT;
}

size_t bcsc_context_sizeof(void) { return sizeof(bcsc_context_t); }
size_t bcsc_context_alignof(void) { return _Alignof(bcsc_context_t); }
