/* SPDX-License-Identifier: MIT
 * pool.c - fixed-size frame pools over caller memory.
 *
 * Each frame is preceded by a slot header that the pool owns: the pool it
 * belongs to, and its free-list link (or, while the frame is out, a pointer
 * to itself). That is how a completed task finds its way home without a
 * field in the task header. */
#include "internal.h"

typedef struct slot_header {
  bcsc_pool_t *pool;
  struct slot_header *next; /* free list; == self while the frame is out */
} slot_header_t;

_Static_assert(sizeof(slot_header_t) <= BCSC_POOL_SLOT_HEADER,
               "the slot header must fit BCSC_POOL_SLOT_HEADER");
_Static_assert(BCSC_POOL_SLOT_HEADER % BCSC_POOL_ALIGN == 0,
               "frames must stay aligned after the slot header");

static slot_header_t *slot_of(const void *frame) {
  return (slot_header_t *)((unsigned char *)(uintptr_t)frame -
                           BCSC_POOL_SLOT_HEADER);
}

static void *frame_of(slot_header_t *slot) {
  return (unsigned char *)slot + BCSC_POOL_SLOT_HEADER;
}

size_t bcsc_pool_bytes(size_t frame_size, uint32_t count) {
  size_t rounded, stride;
  if (frame_size > SIZE_MAX - BCSC_POOL_SLOT_HEADER - BCSC_POOL_ALIGN)
    return 0;
  rounded =
      (frame_size + BCSC_POOL_ALIGN - 1) / BCSC_POOL_ALIGN * BCSC_POOL_ALIGN;
  stride = BCSC_POOL_SLOT_HEADER + rounded;
  if (count != 0 && stride > SIZE_MAX / count)
    return 0;
  return stride * count;
}

int bcsc_pool_init(bcsc_pool_t *pool, void *memory, size_t size,
                   size_t frame_size, uint32_t flags) {
  size_t stride = bcsc_pool_bytes(frame_size, 1);
  size_t count;
  slot_header_t *free_head = NULL;
  if (pool == NULL)
    BCSC__FAIL(NULL_OBJECT, pool, BCSC_EINVAL);
  if (memory == NULL || (uintptr_t)memory % BCSC_POOL_ALIGN != 0 ||
      frame_size < sizeof(bcsc_task_t) || stride == 0 ||
      (flags & ~(uint32_t)BCSC_POOL_STRICT) != 0)
    BCSC__FAIL(BAD_ARGUMENT, pool, BCSC_EINVAL);
  count = size / stride;
  if (count == 0 || count > UINT32_MAX)
    BCSC__FAIL(BAD_ARGUMENT, pool, BCSC_EINVAL);
  /* Thread the free list from the last slot down so acquire hands out
   * slots in address order: predictable for tests and for caches. */
  for (size_t i = count; i-- > 0;) {
    slot_header_t *slot =
        (slot_header_t *)((unsigned char *)memory + i * stride);
    slot->pool = pool;
    slot->next = free_head;
    free_head = slot;
  }
  pool->data = NULL;
  pool->priv.memory = (unsigned char *)memory;
  pool->priv.stride = stride;
  pool->priv.frame_size = frame_size;
  pool->priv.free_head = free_head;
  pool->priv.capacity = (uint32_t)count;
  pool->priv.available = (uint32_t)count;
  pool->priv.flags = flags;
  pool->priv.state = 0;
  pool->priv.magic = BCSC__MAGIC_POOL;
  pool->priv.self_tag = bcsc__self_tag(pool);
  pool->priv.reserved32 = 0;
  pool->priv.reserved[0] = 0;
  pool->priv.reserved[1] = 0;
  return 0;
}

int bcsc_pool_acquire(bcsc_pool_t *pool, bcsc_poll_fn poll, void *data,
                      void **frame) {
  slot_header_t *slot;
  bcsc_task_t *task;
  int rc = bcsc__check_pool(pool);
  if (rc != 0)
    return rc;
  if (poll == NULL || frame == NULL)
    BCSC__FAIL(BAD_ARGUMENT, pool, BCSC_EINVAL);
  slot = (slot_header_t *)pool->priv.free_head;
  if (slot == NULL) {
    if (pool->priv.flags & BCSC_POOL_STRICT)
      BCSC__REPORT(POOL_EXHAUSTED, pool);
    return BCSC_ENOSPC;
  }
  pool->priv.free_head = slot->next;
  pool->priv.available--;
  slot->next = slot;
  task = (bcsc_task_t *)frame_of(slot);
  bcsc_task_init(task, poll, data);
  /* Tagged, unlike other idle frames: its slot header ties it to its
   * address, and a copy spawned would go home through the bytes before it
   * (D97). bcsc_scope_spawn() takes it on its checked path. */
  BCSC__HEADER_SET(task,
                   bcsc__header_expect(BCSC__TASK_POOLED, BCSC__MAGIC_TASK,
                                       bcsc__task_tag16(task)));
  *frame = task;
  return 0;
}

/* Whether `frame` is a frame of `pool` that is out right now. */
static int frame_is_out(const bcsc_pool_t *pool, const void *frame) {
  uintptr_t base = (uintptr_t)pool->priv.memory;
  uintptr_t at = (uintptr_t)frame;
  slot_header_t *slot;
  if (at < base + BCSC_POOL_SLOT_HEADER ||
      at >= base + (uintptr_t)pool->priv.capacity * pool->priv.stride ||
      (at - base - BCSC_POOL_SLOT_HEADER) % pool->priv.stride != 0)
    return 0;
  slot = slot_of(frame);
  return slot->pool == pool && slot->next == slot;
}

static void slot_free(bcsc_pool_t *pool, slot_header_t *slot) {
  slot->next = (slot_header_t *)pool->priv.free_head;
  pool->priv.free_head = slot;
  pool->priv.available++;
}

int bcsc_pool_release(bcsc_pool_t *pool, void *frame) {
  bcsc_task_t *task = (bcsc_task_t *)frame;
  int rc = bcsc__check_pool(pool);
  if (rc != 0)
    return rc;
  if (frame == NULL)
    BCSC__FAIL(NULL_OBJECT, NULL, BCSC_EINVAL);
  if (!frame_is_out(pool, frame))
    BCSC__FAIL(POOL_FOREIGN, frame, BCSC_EINVAL);
  if (task->priv.magic == BCSC__MAGIC_TASK &&
      bcsc__task_state(task) != BCSC__TASK_IDLE &&
      bcsc__task_state(task) != BCSC__TASK_DONE)
    BCSC__FAIL(POOL_FOREIGN, frame, BCSC_EBUSY);
  task->priv.magic = 0; /* a released frame is no task until acquired */
  slot_free(pool, slot_of(frame));
  return 0;
}

void bcsc__pool_reclaim(bcsc_task_t *t) {
  slot_header_t *slot = slot_of(t);
  slot_free(slot->pool, slot);
}

uint32_t bcsc_pool_available(const bcsc_pool_t *pool) {
  return pool != NULL ? pool->priv.available : 0;
}

uint32_t bcsc_pool_capacity(const bcsc_pool_t *pool) {
  return pool != NULL ? pool->priv.capacity : 0;
}

int bcsc_pool_deinit(bcsc_pool_t *pool) {
  int rc = bcsc__check_pool(pool);
  if (rc != 0)
    return rc;
  if (pool->priv.available != pool->priv.capacity)
    BCSC__FAIL(POOL_BUSY, pool, BCSC_EBUSY);
  BCSC__FORGET(pool);
  return 0;
}

size_t bcsc_pool_sizeof(void) { return sizeof(bcsc_pool_t); }
size_t bcsc_pool_alignof(void) { return _Alignof(bcsc_pool_t); }
