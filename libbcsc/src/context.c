/* SPDX-License-Identifier: MIT
 * context.c - context entries (bcsc/context.h): attaching one to a scope,
 * the lookup a task makes up its chain of scopes; and the list of nodes a
 * scope holds (entries, its drain grace, its error list, D64), detached
 * when their scope closes. Nothing is copied into a child: a lookup reads
 * the live scopes above it, which cannot close while it lives (D53). */
#include "internal.h"

/* A node found through a scope's list must still carry one of the kinds'
 * magics and its tag (checked build; the release build trusts its links). */
#if BCSC__CHECKED
#define NODE_BAD(n)                                                            \
  (((n)->magic != BCSC__MAGIC_CONTEXT &&                                       \
    (n)->magic != BCSC__MAGIC_DRAIN_GRACE &&                                   \
    (n)->magic != BCSC__MAGIC_ERROR_LIST) ||                                   \
   (n)->self_tag != bcsc__self_tag(n))
#else
#define NODE_BAD(n) 0
#endif

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
  if (entry->priv.state != BCSC__ATTACH_IDLE)
    BCSC__FAIL(ATTACHED, entry, BCSC_EBUSY);
  entry->key = key;
  entry->value = value;
  /* newest first: it shadows older ones */
  bcsc__attach(scope, &entry->priv, BCSC__ATTACH_CONTEXT, BCSC__SCOPE_CONTEXT);
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
      for (const struct bcsc_attach_private *n = s->priv.attachments; n != NULL;
           n = n->next) {
        /* The header is the entry's first member (D64). */
        const bcsc_context_t *e = (const bcsc_context_t *)(const void *)n;
        if (NODE_BAD(n))
          BCSC__FAIL(FRAME_CLOBBERED, n, BCSC_EBADOBJ);
        if (n->kind == BCSC__ATTACH_CONTEXT && e->key == key) {
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

/* ---- the attachment list (D64) -------------------------------------------
 * Every node starts with a struct bcsc_attach_private; its kind says what
 * it is, its magic that it was initialised (checked where the list is
 * walked, in the checked build). The list is written when first needed, like
 * the scope's other cold fields: opening a scope does not touch it. */

void bcsc__attach(bcsc_scope_t *s, struct bcsc_attach_private *n, uint8_t kind,
                  uint16_t flag) {
  if (!(s->priv.flags & BCSC__SCOPE_ATTACHED))
    s->priv.attachments = NULL;
  n->next = s->priv.attachments;
  n->state = BCSC__ATTACH_ATTACHED;
  n->kind = kind;
  n->self_tag = bcsc__self_tag(n);
  s->priv.attachments = n;
  s->priv.flags |= flag;
}

struct bcsc_attach_private **bcsc__attachment(bcsc_scope_t *s, uint8_t kind) {
  struct bcsc_attach_private **link = &s->priv.attachments;
  /* The flag of the kind is set: the walk finds a node of it, unless one on
   * the way was overwritten while attached. */
  for (; !NODE_BAD(*link); link = &(*link)->next)
    if ((*link)->kind == kind)
      return link;
  bcsc__misuse(BCSC_MISUSE_FRAME_CLOBBERED, *link);
  return NULL;
}

void bcsc__detach(bcsc_scope_t *s, struct bcsc_attach_private **link,
                  uint16_t flag) {
  struct bcsc_attach_private *n = *link;
  *link = n->next;
  n->next = NULL;
  n->state = BCSC__ATTACH_IDLE;
  n->self_tag = 0; /* not linked: free to move or reuse */
  s->priv.flags &= (uint16_t)~flag;
}

void bcsc__detach_all(bcsc_scope_t *s) {
  struct bcsc_attach_private *n = s->priv.attachments;
  while (n != NULL) {
    struct bcsc_attach_private *next = n->next;
    /* Its link cannot be trusted: the nodes after it stay as they are. */
    if (NODE_BAD(n)) {
      BCSC__REPORT(FRAME_CLOBBERED, n);
      break;
    }
    n->next = NULL;
    n->state = BCSC__ATTACH_IDLE;
    n->self_tag = 0; /* not linked: free to move or reuse */
    n = next;
  }
  s->priv.attachments = NULL;
  s->priv.flags &= (uint16_t)~BCSC__SCOPE_ATTACHED;
}

size_t bcsc_context_sizeof(void) { return sizeof(bcsc_context_t); }
size_t bcsc_context_alignof(void) { return _Alignof(bcsc_context_t); }
