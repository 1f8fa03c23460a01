/* SPDX-License-Identifier: MIT
 * reactor.c - what bcsc checks of a reactor before it trusts its vtable.
 * The reactors themselves live in reactors/, outside the core. */
#include "internal.h"

int bcsc_reactor_check(const bcsc_reactor_t *reactor) {
  const bcsc_reactor_vtable_t *vt;
  if (reactor == NULL || (vt = reactor->vtable) == NULL)
    return BCSC_EINVAL;
  /* A vtable must at least hold the entries every version has - version
   * 1's, up to unpark - so the executor reads those without a size test
   * (park every 64 turns of a busy run, unpark on a wake from anywhere);
   * only entries of later versions are looked for inside the size. */
  if (vt->size < offsetof(bcsc_reactor_vtable_t, unpark) + sizeof vt->unpark ||
      vt->now == NULL)
    return BCSC_EINVAL;
  if (vt->version > BCSC_REACTOR_VTABLE_VERSION)
    return BCSC_ENOTSUP;
  return 0;
}

size_t bcsc_reactor_vtable_sizeof(void) {
  return sizeof(bcsc_reactor_vtable_t);
}
size_t bcsc_reactor_sizeof(void) { return sizeof(bcsc_reactor_t); }
