/* SPDX-License-Identifier: MIT
 * test_pool.c - frame pools through the public API: capacity and
 * availability, exhaustion as BCSC_ENOSPC, pooled frames returning by
 * themselves when their task completes (or is cancelled), releasing frames
 * that were never spawned, and teardown while frames are out. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include <bcsc.h>

#include "bcsc_test.h"

#define FRAME sizeof(bcsc_test_leaf_t)

static void teardown(bcsc_executor_t *ex) {
  cr_assert_eq(bcsc_executor_live_roots(ex), 0);
  cr_assert_eq(bcsc_executor_deinit(ex), 0);
}

/* Acquire a leaf frame from @p pool and configure it. */
static bcsc_test_leaf_t *acquire_leaf(bcsc_pool_t *pool, int id,
                                      bcsc_waitq_t *queue,
                                      bcsc_test_log_t *log) {
  bcsc_test_leaf_t *leaf = bcsc_test_leaf_acquire(pool, id);
  cr_assert_not_null(leaf);
  leaf->queue = queue;
  leaf->log = log;
  return leaf;
}

Test(pool, bytes_matches_the_macro_and_reports_overflow) {
  cr_assert_eq(bcsc_pool_bytes(FRAME, 3), BCSC_POOL_BYTES(FRAME, 3));
  cr_assert_eq(bcsc_pool_bytes(64, 1), BCSC_POOL_SLOT_HEADER + 64);
  cr_assert_eq(bcsc_pool_bytes(65, 2), 2 * (BCSC_POOL_SLOT_HEADER + 80));
  cr_assert_eq(bcsc_pool_bytes(FRAME, 0), 0);
  cr_assert_eq(bcsc_pool_bytes(SIZE_MAX, 1), 0);
  cr_assert_eq(bcsc_pool_bytes(SIZE_MAX / 2, 3), 0);
}

Test(pool, capacity_and_available_follow_acquire_and_release) {
  _Alignas(BCSC_POOL_ALIGN) unsigned char
      mem[BCSC_POOL_BYTES(FRAME, 3) + BCSC_POOL_STRIDE(FRAME) - 1];
  bcsc_pool_t pool;
  void *frames[3];
  void *sentinel = &pool;

  /* Memory for 3 frames and almost a 4th: the remainder is not a frame. */
  cr_assert_eq(bcsc_pool_init(&pool, mem, sizeof mem, FRAME, 0), 0);
  cr_assert_eq(bcsc_pool_capacity(&pool), 3);
  cr_assert_eq(bcsc_pool_available(&pool), 3);
  for (uint32_t i = 0; i < 3; i++) {
    int marker = (int)i;
    cr_assert_eq(
        bcsc_pool_acquire(&pool, bcsc_test_leaf_poll, &marker, &frames[i]), 0);
    /* Frames come in address order, aligned, each after its slot header. */
    cr_assert_eq((unsigned char *)frames[i],
                 mem + BCSC_POOL_SLOT_HEADER + i * BCSC_POOL_STRIDE(FRAME));
    cr_assert_eq((uintptr_t)frames[i] % BCSC_POOL_ALIGN, 0);
    cr_assert_eq(((bcsc_task_t *)frames[i])->poll, bcsc_test_leaf_poll);
    cr_assert_eq(((bcsc_task_t *)frames[i])->data, (void *)&marker);
    cr_assert_eq(bcsc_pool_available(&pool), 2 - i);
    cr_assert_eq(bcsc_pool_capacity(&pool), 3);
  }
  cr_assert_eq(bcsc_pool_acquire(&pool, bcsc_test_leaf_poll, NULL, &sentinel),
               BCSC_ENOSPC);
  cr_assert_eq(sentinel, (void *)&pool, "untouched on failure");
  cr_assert_eq(bcsc_pool_release(&pool, frames[1]), 0);
  cr_assert_eq(bcsc_pool_available(&pool), 1);
  /* The frame released last is handed out next. */
  cr_assert_eq(bcsc_pool_acquire(&pool, bcsc_test_leaf_poll, NULL, &sentinel),
               0);
  cr_assert_eq(sentinel, frames[1]);
  for (uint32_t i = 0; i < 3; i++)
    cr_assert_eq(bcsc_pool_release(&pool, frames[i]), 0);
  cr_assert_eq(bcsc_pool_available(&pool), 3);
  cr_assert_eq(bcsc_pool_deinit(&pool), 0);
  cr_assert_eq(bcsc_pool_capacity(NULL), 0);
  cr_assert_eq(bcsc_pool_available(NULL), 0);
}

Test(pool, exhaustion_is_enospc_and_a_completed_task_frees_its_frame) {
  _Alignas(BCSC_POOL_ALIGN) unsigned char mem[BCSC_POOL_BYTES(FRAME, 3)];
  bcsc_pool_t pool;
  bcsc_executor_t ex;
  bcsc_waitq_t q;
  bcsc_test_log_t log;
  bcsc_test_leaf_t *leaves[3];
  void *extra = NULL;
  static const int order[] = {1, 2, 3, 1, 4, 2, 3};
  char buf[128];
  bcsc_test_misuse_t misuse;

  bcsc_test_misuse_install(&misuse);
  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  cr_assert_eq(bcsc_pool_init(&pool, mem, sizeof mem, FRAME, 0), 0);
  bcsc_waitq_init(&q);
  bcsc_test_log_init(&log);
  for (int i = 0; i < 3; i++) {
    leaves[i] = acquire_leaf(&pool, i + 1, &q, &log);
    cr_assert_eq(bcsc_executor_spawn(&ex, &leaves[i]->task), 0);
  }
  cr_assert_eq(bcsc_pool_acquire(&pool, bcsc_test_leaf_poll, NULL, &extra),
               BCSC_ENOSPC);
  cr_assert_null(extra);
  cr_assert_eq(bcsc_executor_run(&ex, NULL), BCSC_EDEADLK);
  cr_assert_eq(bcsc_pool_available(&pool), 0);
  cr_assert_eq(bcsc_waitq_count(&q), 3);

  /* The first task completes: its frame is back without a release call. */
  cr_assert_eq(bcsc_waitq_wake_one(&q, 0), 1);
  cr_assert_eq(bcsc_executor_run(&ex, NULL), BCSC_EDEADLK);
  cr_assert_eq(bcsc_pool_available(&pool), 1);
  cr_assert_eq(bcsc_pool_acquire(&pool, bcsc_test_leaf_poll, NULL, &extra), 0);
  cr_assert_eq(extra, (void *)leaves[0], "the completed task's slot");
  cr_assert_eq(bcsc_pool_available(&pool), 0);

  /* The reused frame runs a new task. */
  bcsc_test_leaf_init_fields((bcsc_test_leaf_t *)extra, 4);
  ((bcsc_test_leaf_t *)extra)->log = &log;
  cr_assert_eq(bcsc_executor_spawn(&ex, (bcsc_task_t *)extra), 0);
  cr_assert_eq(bcsc_executor_run(&ex, NULL), BCSC_EDEADLK);
  cr_assert_eq(bcsc_pool_available(&pool), 1);
  cr_assert_eq(bcsc_waitq_wake_all(&q, 0), 2);
  cr_assert_eq(bcsc_executor_run(&ex, NULL), 0);
  cr_assert(bcsc_test_log_equals(&log, order, 7), "ran: %s",
            bcsc_test_log_format(&log, buf, sizeof buf));
  cr_assert_eq(bcsc_pool_available(&pool), 3);
  cr_assert_eq(misuse.count, 0, "exhausting a non-strict pool is no misuse");
  cr_assert_eq(bcsc_pool_deinit(&pool), 0);
  cr_assert_eq(bcsc_waitq_deinit(&q), 0);
  teardown(&ex);
}

Test(pool, frames_of_cancelled_children_return_to_the_pool) {
  _Alignas(BCSC_POOL_ALIGN) unsigned char mem[BCSC_POOL_BYTES(FRAME, 4)];
  bcsc_pool_t pool;
  bcsc_executor_t ex;
  bcsc_waitq_t q;
  bcsc_task_t *children[4];
  bcsc_test_owner_t owner;

  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  cr_assert_eq(bcsc_pool_init(&pool, mem, sizeof mem, FRAME, 0), 0);
  bcsc_waitq_init(&q);
  for (int i = 0; i < 4; i++)
    children[i] = &acquire_leaf(&pool, i + 1, &q, NULL)->task;
  bcsc_test_owner_init(&owner, 0, BCSC_SCOPE_FAIL_FAST, children, 4);
  cr_assert_eq(bcsc_executor_run(&ex, &owner.task), BCSC_EDEADLK);
  cr_assert_eq(bcsc_pool_available(&pool), 0);
  cr_assert_eq(bcsc_scope_live(&owner.scope), 4);
  cr_assert_eq(bcsc_scope_cancel(&owner.scope), 0);
  cr_assert_eq(bcsc_executor_run(&ex, &owner.task), BCSC_ECANCELED);
  cr_assert_eq(bcsc_pool_available(&pool), 4);
  cr_assert_eq(bcsc_waitq_count(&q), 0);
  cr_assert_eq(bcsc_pool_deinit(&pool), 0);
  cr_assert_eq(bcsc_waitq_deinit(&q), 0);
  teardown(&ex);
}

Test(pool, release_returns_an_unspawned_frame_and_refuses_others) {
  _Alignas(BCSC_POOL_ALIGN) unsigned char mem[BCSC_POOL_BYTES(FRAME, 2)];
  _Alignas(BCSC_POOL_ALIGN) unsigned char other_mem[BCSC_POOL_BYTES(FRAME, 1)];
  bcsc_pool_t pool, other;
  bcsc_executor_t ex;
  bcsc_waitq_t q;
  bcsc_test_leaf_t outsider;
  bcsc_test_leaf_t *spawned;
  void *frame = NULL, *other_frame = NULL;
  bcsc_test_misuse_t misuse;

  bcsc_test_misuse_install(&misuse);
  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  cr_assert_eq(bcsc_pool_init(&pool, mem, sizeof mem, FRAME, 0), 0);
  cr_assert_eq(bcsc_pool_init(&other, other_mem, sizeof other_mem, FRAME, 0),
               0);
  bcsc_waitq_init(&q);

  cr_assert_eq(bcsc_pool_acquire(&pool, bcsc_test_leaf_poll, NULL, &frame), 0);
  cr_assert_eq(bcsc_pool_available(&pool), 1);
  cr_assert_eq(bcsc_pool_release(&pool, frame), 0);
  cr_assert_eq(bcsc_pool_available(&pool), 2);
  cr_assert_eq(misuse.count, 0);

  /* Not out any more, not a frame of this pool, not a frame at all. */
  cr_assert_eq(bcsc_pool_release(&pool, frame), BCSC_EINVAL);
  cr_assert_eq(
      bcsc_pool_acquire(&other, bcsc_test_leaf_poll, NULL, &other_frame), 0);
  cr_assert_eq(bcsc_pool_release(&pool, other_frame), BCSC_EINVAL);
  bcsc_test_leaf_init(&outsider, 9);
  cr_assert_eq(bcsc_pool_release(&pool, &outsider), BCSC_EINVAL);
  cr_assert_eq(bcsc_pool_release(&pool, mem + 1), BCSC_EINVAL);
  cr_assert_eq(bcsc_pool_available(&pool), 2);
  cr_assert_eq(bcsc_test_misuse_count_code(&misuse, BCSC_MISUSE_POOL_FOREIGN),
               bcsc_test_misuse_expected(4));

  /* A spawned frame returns by itself: releasing it is refused. */
  spawned = acquire_leaf(&pool, 1, &q, NULL);
  cr_assert_eq(bcsc_executor_spawn(&ex, &spawned->task), 0);
  cr_assert_eq(bcsc_pool_release(&pool, spawned), BCSC_EBUSY);
  cr_assert_eq(bcsc_pool_available(&pool), 1);
  cr_assert_eq(bcsc_executor_run(&ex, NULL), BCSC_EDEADLK);
  cr_assert_eq(bcsc_pool_release(&pool, spawned), BCSC_EBUSY);
  cr_assert_eq(bcsc_waitq_wake_one(&q, 0), 1);
  cr_assert_eq(bcsc_executor_run(&ex, NULL), 0);
  cr_assert_eq(bcsc_pool_available(&pool), 2);
  cr_assert_eq(misuse.count, bcsc_test_misuse_expected(6));

  cr_assert_eq(bcsc_pool_release(&other, other_frame), 0);
  cr_assert_eq(bcsc_pool_deinit(&other), 0);
  cr_assert_eq(bcsc_pool_deinit(&pool), 0);
  cr_assert_eq(bcsc_waitq_deinit(&q), 0);
  teardown(&ex);
}

/* Memory handed to a second pool (the first one abandoned, not
 * deinitialised) is that pool's: a frame it hands out lies where the first
 * pool's frames lay and reads as out, yet the first pool refuses it - it
 * would otherwise take the frame into its own free list while the second
 * still counts it as out. */
Test(pool, a_frame_of_a_pool_on_the_same_memory_is_refused) {
  _Alignas(BCSC_POOL_ALIGN) unsigned char mem[BCSC_POOL_BYTES(FRAME, 2)];
  bcsc_pool_t first, second;
  void *frame = NULL;
  bcsc_test_misuse_t misuse;

  bcsc_test_misuse_install(&misuse);
  cr_assert_eq(bcsc_pool_init(&first, mem, sizeof mem, FRAME, 0), 0);
  cr_assert_eq(bcsc_pool_init(&second, mem, sizeof mem, FRAME, 0), 0);
  cr_assert_eq(bcsc_pool_acquire(&second, bcsc_test_leaf_poll, NULL, &frame),
               0);
  cr_assert_eq(bcsc_pool_release(&first, frame), BCSC_EINVAL);
  cr_assert_eq(bcsc_test_misuse_count_code(&misuse, BCSC_MISUSE_POOL_FOREIGN),
               bcsc_test_misuse_expected(1));
  cr_assert_eq(bcsc_pool_available(&first), 2);
  cr_assert_eq(bcsc_pool_available(&second), 1);
  cr_assert_eq(bcsc_pool_release(&second, frame), 0);
  cr_assert_eq(bcsc_pool_deinit(&second), 0);
  cr_assert_eq(misuse.count, bcsc_test_misuse_expected(1));
  bcsc_test_misuse_uninstall();
}

Test(pool, deinit_with_frames_out_is_ebusy) {
  _Alignas(BCSC_POOL_ALIGN) unsigned char mem[BCSC_POOL_BYTES(FRAME, 2)];
  bcsc_pool_t pool;
  void *frame = NULL;
  bcsc_test_misuse_t misuse;

  bcsc_test_misuse_install(&misuse);
  cr_assert_eq(bcsc_pool_init(&pool, mem, sizeof mem, FRAME, 0), 0);
  cr_assert_eq(bcsc_pool_acquire(&pool, bcsc_test_leaf_poll, NULL, &frame), 0);
  cr_assert_eq(bcsc_pool_deinit(&pool), BCSC_EBUSY);
  cr_assert_eq(bcsc_test_misuse_count_code(&misuse, BCSC_MISUSE_POOL_BUSY),
               bcsc_test_misuse_expected(1));
  /* Nothing changed: the pool still works. */
  cr_assert_eq(bcsc_pool_available(&pool), 1);
  cr_assert_eq(bcsc_pool_release(&pool, frame), 0);
  cr_assert_eq(bcsc_pool_deinit(&pool), 0);
  /* Torn down: no longer a pool. */
  cr_assert_eq(bcsc_pool_acquire(&pool, bcsc_test_leaf_poll, NULL, &frame),
               BCSC_EBADOBJ);
  cr_assert_eq(misuse.count, bcsc_test_misuse_expected(2));
}

/* D89: a torn-down pool answers its queries as a zero one does: it has no
 * frames, free or out. The caller's memory and field are left alone. */
Test(pool, queries_after_deinit_answer_as_for_a_zero_pool) {
  _Alignas(BCSC_POOL_ALIGN) unsigned char mem[BCSC_POOL_BYTES(FRAME, 2)];
  unsigned char before[sizeof mem];
  bcsc_pool_t pool;
  void *frame = NULL;

  /* Every byte defined, so that the comparison below reads none the pool
   * left unwritten (memcheck would flag the memcmp). */
  memset(mem, 0xa5, sizeof mem);
  cr_assert_eq(bcsc_pool_init(&pool, mem, sizeof mem, FRAME, 0), 0);
  pool.data = &frame;
  cr_assert_eq(bcsc_pool_acquire(&pool, bcsc_test_leaf_poll, NULL, &frame), 0);
  cr_assert_eq(bcsc_pool_release(&pool, frame), 0);
  cr_assert_eq(bcsc_pool_available(&pool), 2);
  memcpy(before, mem, sizeof mem);
  cr_assert_eq(bcsc_pool_deinit(&pool), 0);
  cr_assert_eq(bcsc_pool_available(&pool), 0);
  cr_assert_eq(bcsc_pool_capacity(&pool), 0);
  cr_assert_eq(pool.data, &frame);
  cr_assert_eq(memcmp(before, mem, sizeof mem), 0,
               "the caller's memory is not written");
}

Test(pool, strict_pool_exhaustion_is_reported_in_the_checked_build) {
  _Alignas(BCSC_POOL_ALIGN) unsigned char mem[BCSC_POOL_BYTES(FRAME, 1)];
  bcsc_pool_t pool;
  void *frame = NULL, *more = NULL;
  bcsc_test_misuse_t misuse;

  bcsc_test_misuse_install(&misuse);
  cr_assert_eq(bcsc_pool_init(&pool, mem, sizeof mem, FRAME, BCSC_POOL_STRICT),
               0);
  cr_assert_eq(bcsc_pool_acquire(&pool, bcsc_test_leaf_poll, NULL, &frame), 0);
  cr_assert_eq(misuse.count, 0);
  cr_assert_eq(bcsc_pool_acquire(&pool, bcsc_test_leaf_poll, NULL, &more),
               BCSC_ENOSPC);
  cr_assert_null(more);
  cr_assert_eq(misuse.count, bcsc_test_misuse_expected(1));
  cr_assert_eq(bcsc_test_misuse_count_code(&misuse, BCSC_MISUSE_POOL_EXHAUSTED),
               bcsc_test_misuse_expected(1));
  cr_assert_eq(bcsc_pool_release(&pool, frame), 0);
  cr_assert_eq(bcsc_pool_deinit(&pool), 0);
}

Test(pool, init_rejects_bad_memory_sizes_and_flags) {
  _Alignas(BCSC_POOL_ALIGN) unsigned char mem[BCSC_POOL_BYTES(FRAME, 2) + 16];
  bcsc_pool_t pool;
  bcsc_test_misuse_t misuse;

  bcsc_test_misuse_install(&misuse);
  cr_assert_eq(
      bcsc_pool_init(&pool, mem + 8, BCSC_POOL_BYTES(FRAME, 1), FRAME, 0),
      BCSC_EINVAL, "misaligned memory");
  cr_assert_eq(
      bcsc_pool_init(&pool, mem, sizeof mem, sizeof(bcsc_task_t) - 1, 0),
      BCSC_EINVAL, "frame smaller than a task header");
  cr_assert_eq(
      bcsc_pool_init(&pool, mem, BCSC_POOL_STRIDE(FRAME) - 1, FRAME, 0),
      BCSC_EINVAL, "room for no frame");
  cr_assert_eq(bcsc_pool_init(&pool, mem, sizeof mem, FRAME, 2), BCSC_EINVAL,
               "unknown flag");
  cr_assert_eq(bcsc_pool_init(&pool, NULL, sizeof mem, FRAME, 0), BCSC_EINVAL);
  cr_assert_eq(bcsc_pool_init(NULL, mem, sizeof mem, FRAME, 0), BCSC_EINVAL);
  cr_assert_eq(misuse.count, bcsc_test_misuse_expected(6));
  /* The smallest legal frame is a bare task header. */
  cr_assert_eq(bcsc_pool_init(&pool, mem, sizeof mem, sizeof(bcsc_task_t), 0),
               0);
  cr_assert_eq(bcsc_pool_capacity(&pool),
               sizeof mem / BCSC_POOL_STRIDE(sizeof(bcsc_task_t)));
  cr_assert_eq(bcsc_pool_deinit(&pool), 0);
}
