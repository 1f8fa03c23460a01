/* SPDX-License-Identifier: MIT
 * bcsc/context.h - context entries: task-locals a scope gives its subtree.
 *
 * A context entry is a key and a value attached to an open scope by its
 * owner: a trace id, a robot id, a log prefix. Every task below the scope
 * reads it with bcsc_task_context(), and the innermost entry of a key wins,
 * so a subtree can shadow what an outer scope set. The entry is a node in
 * the caller's memory, normally in the owner's frame next to the scope; it
 * stays attached until the scope closes, then bcsc detaches it and it may
 * be reused. No allocation, no copying into the children: a lookup walks
 * up the live scopes (docs/decisions.md, D53). */
#ifndef BCSC_CONTEXT_H
#define BCSC_CONTEXT_H

#include <stddef.h>
#include <stdint.h>

#include "bcsc/export.h"
#include "bcsc/types.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * A context entry: one key and its value, attached to a scope.
 *
 * Caller-owned, normally in the scope owner's frame next to the scope;
 * initialise once (bcsc_context_init() or BCSC_CONTEXT_INITIALIZER), then
 * attach with bcsc_scope_set_context(). From then until the scope has
 * closed (bcsc_scope_join() returned its result, or the owner completed)
 * it must stay alive and must not move; after that it is idle again and
 * may be attached anew. No reserved words: the node does one job (D55).
 */
struct bcsc_context {
  /* private: first, as in every node a scope holds (D64) */
  struct bcsc_attach_private priv;
  /* public */
  void *data; /**< The caller's; bcsc never reads it. */
  /** The value lookups find. Written by bcsc_scope_set_context(); the
   *  scope's owner may change it while the entry is attached (on the
   *  executor's thread), and later lookups see the new value. */
  uintptr_t value;
  /* read-only */
  uint32_t key; /**< Written by bcsc_scope_set_context(). */
};

/** Static initialiser; same effect as bcsc_context_init(). */
#define BCSC_CONTEXT_INITIALIZER                                               \
  { {NULL, 0, 0, 0xc07e, 0}, NULL, 0, 0 }

/**
 * Prepare a context entry: idle, key and value 0, data NULL.
 *
 * Never call it on an attached entry (one whose scope is still open).
 * @retval 0            ready
 * @retval BCSC_EINVAL  @p entry is NULL
 * @thread any  @allocates never  @since 0.6
 */
BCSC_API int bcsc_context_init(bcsc_context_t *entry);

/**
 * Attach @p entry to @p scope with @p key and @p value.
 *
 * Called by the scope's owner from its poll function, before or after it
 * spawned children: every task below the scope - children, their
 * children, and the owner itself - sees the entry in bcsc_task_context()
 * from now on, live (a child spawned earlier sees it at its next lookup).
 * Setting a key the scope already has attaches another entry that shadows
 * the first: the newest entry of a key wins. The entry stays attached
 * until the scope closes; there is no way to detach it earlier (change
 * its value instead). On failure nothing is changed.
 * @param scope  an open scope owned by the running task.
 * @param entry  an initialised entry that is not attached.
 * @param key    the caller's key; any value.
 * @param value  the caller's value; any value.
 * @retval 0             attached
 * @retval BCSC_EINVAL   @p scope or @p entry is NULL
 * @retval BCSC_EBADOBJ  @p scope or @p entry is not initialised, or was
 *                       moved or copied while attached
 * @retval BCSC_ESTATE   @p scope is not open
 * @retval BCSC_EPERM    the caller is not the scope's owner being polled
 * @retval BCSC_EBUSY    @p entry is attached already, to this scope or
 *                       another (misuse BCSC_MISUSE_ATTACHED)
 * @thread executor  @allocates never  @since 0.6
 */
BCSC_API int bcsc_scope_set_context(bcsc_scope_t *scope, bcsc_context_t *entry,
                                    uint32_t key, uintptr_t value);

/**
 * The value of @p key that @p task sees.
 *
 * Looks, innermost first, through the entries of the scopes @p task owns
 * and has open (innermost scope first), then those of the scope it was
 * spawned into and of the scopes its owner opened before that one, then
 * the same one level up from that owner, and so on to the executor's root
 * tasks; within one scope the newest entry comes first. The first entry
 * with @p key gives the value. A child on another executor (bcsc/remote.h)
 * sees only its own scopes' entries: context does not cross threads.
 * @param task   a live task (spawned, not completed): usually the caller.
 * @param key    the key to look for.
 * @param value  receives the value if found; untouched otherwise.
 * @retval 1             found; *@p value is set
 * @retval 0             no scope above @p task has @p key
 * @retval BCSC_EINVAL   @p task or @p value is NULL
 * @retval BCSC_EBADOBJ  @p task is not initialised or was moved; or
 *                       (checked build) a scope or entry on the way was
 *                       overwritten while in use (FRAME_CLOBBERED)
 * @retval BCSC_ESTATE   @p task has not been spawned, or has completed
 * @thread executor  @allocates never  @since 0.6
 */
BCSC_API int bcsc_task_context(const bcsc_task_t *task, uint32_t key,
                               uintptr_t *value);

/**
 * sizeof(bcsc_context_t) in the library as built.
 * @thread any  @allocates never  @since 0.6
 */
BCSC_API size_t bcsc_context_sizeof(void);

/**
 * alignof(bcsc_context_t) in the library as built.
 * @thread any  @allocates never  @since 0.6
 */
BCSC_API size_t bcsc_context_alignof(void);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* BCSC_CONTEXT_H */
