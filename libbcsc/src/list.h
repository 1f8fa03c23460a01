/* SPDX-License-Identifier: MIT
 * list.h - the one intrusive doubly linked FIFO list, used by waiter lists
 * (registrations) and scopes (children), and its head-only form (an
 * executor's held mutexes, a scope's remote children). Links live in the
 * nodes' private zones, so the list is written once over the field names. */
#ifndef BCSC_LIST_H
#define BCSC_LIST_H

/* Append `node` at the tail of the list (head, tail), threading it through
 * node->priv.next / node->priv.prev. */
#define BCSC__LIST_APPEND(head, tail, node, next, prev)                        \
  do {                                                                         \
    (node)->priv.next = NULL;                                                  \
    (node)->priv.prev = (tail);                                                \
    if ((tail) != NULL)                                                        \
      (tail)->priv.next = (node);                                              \
    else                                                                       \
      (head) = (node);                                                         \
    (tail) = (node);                                                           \
  } while (0)

/* Take `node` out of the list (head, tail) in O(1) and clear its links. */
#define BCSC__LIST_REMOVE(head, tail, node, next, prev)                        \
  do {                                                                         \
    if ((node)->priv.prev != NULL)                                             \
      (node)->priv.prev->priv.next = (node)->priv.next;                        \
    else                                                                       \
      (head) = (node)->priv.next;                                              \
    if ((node)->priv.next != NULL)                                             \
      (node)->priv.next->priv.prev = (node)->priv.prev;                        \
    else                                                                       \
      (tail) = (node)->priv.prev;                                              \
    (node)->priv.next = NULL;                                                  \
    (node)->priv.prev = NULL;                                                  \
  } while (0)

/* Take `node` out of the list (head, tail) in O(1) and leave its own links
 * stale: for a node that is never followed again until it is appended anew
 * (a completed task), which rewrites both. */
#define BCSC__LIST_UNLINK(type, head, tail, node, next, prev)                  \
  do {                                                                         \
    type *list_next_ = (node)->priv.next;                                      \
    type *list_prev_ = (node)->priv.prev;                                      \
    if (list_prev_ != NULL)                                                    \
      list_prev_->priv.next = list_next_;                                      \
    else                                                                       \
      (head) = list_next_;                                                     \
    if (list_next_ != NULL)                                                    \
      list_next_->priv.prev = list_prev_;                                      \
    else                                                                       \
      (tail) = list_prev_;                                                     \
  } while (0)

/* Whether `node` is where its links say in the list (head, tail): its
 * neighbours (or the list's ends) point back at it and neither link is
 * poisoned. The checked build asks before an unlink (D29): a node unlinked
 * twice, or reached through a stale link, fails. */
#define BCSC__LIST_LINKED(head, tail, node, next, prev)                        \
  ((void *)(node)->priv.next != BCSC__POISONED &&                              \
   (void *)(node)->priv.prev != BCSC__POISONED &&                              \
   ((node)->priv.prev != NULL ? (node)->priv.prev->priv.next == (node)         \
                              : (head) == (node)) &&                           \
   ((node)->priv.next != NULL ? (node)->priv.next->priv.prev == (node)         \
                              : (tail) == (node)))

/* Poison an unlinked node's links (checked build, D29): a traversal that
 * reaches the node later stops at the poison instead of following them. */
#define BCSC__LIST_POISON(node, next, prev)                                    \
  do {                                                                         \
    (node)->priv.next = BCSC__POISONED;                                        \
    (node)->priv.prev = BCSC__POISONED;                                        \
  } while (0)

/* The head-only form: an unordered doubly linked list with no tail, for
 * sets that are only walked and taken from in O(1). Push `node` in front. */
#define BCSC__HLIST_PUSH(head, node, next, prev)                               \
  do {                                                                         \
    (node)->priv.prev = NULL;                                                  \
    (node)->priv.next = (head);                                                \
    if ((head) != NULL)                                                        \
      (head)->priv.prev = (node);                                              \
    (head) = (node);                                                           \
  } while (0)

/* Take `node` out of the head-only list `head` in O(1) and clear its
 * links. */
#define BCSC__HLIST_REMOVE(head, node, next, prev)                             \
  do {                                                                         \
    if ((node)->priv.prev != NULL)                                             \
      (node)->priv.prev->priv.next = (node)->priv.next;                        \
    else                                                                       \
      (head) = (node)->priv.next;                                              \
    if ((node)->priv.next != NULL)                                             \
      (node)->priv.next->priv.prev = (node)->priv.prev;                        \
    (node)->priv.next = NULL;                                                  \
    (node)->priv.prev = NULL;                                                  \
  } while (0)

#endif /* BCSC_LIST_H */
