/* SPDX-License-Identifier: MIT
 * test_waker_wrap.c - the generation wrap-around of a waker slot, reachable
 * because this target builds the core with BCSC_WAKER_GENERATION_BITS=2
 * (four generations). What docs/threads.md promises: a waker as old as the
 * wrap matches its slot again and wakes whichever task holds it then - a
 * spurious wake of a live task, counted received - and never anything
 * worse; wakers of the generations in between stay stale. */
#include <criterion/criterion.h>
#include <string.h>

#include <bcsc.h>

typedef struct holder {
  bcsc_task_t task;
  bcsc_waker_t waker;
  int woken;
  int polls;
} holder_t;

/* Takes its waker, then waits for one value wake. */
static int holder_poll(bcsc_task_t *self) {
  holder_t *h = (holder_t *)self;
  if (h->polls++ == 0) {
    cr_assert_eq(bcsc_task_waker(self, &h->waker), 0);
    return BCSC_PENDING;
  }
  h->woken = bcsc_task_waker_woken(self);
  return BCSC_DONE;
}

static void holder_start(bcsc_executor_t *ex, holder_t *h) {
  memset(h, 0, sizeof *h);
  cr_assert_eq(bcsc_task_init(&h->task, holder_poll, NULL), 0);
  cr_assert_eq(bcsc_executor_spawn(ex, &h->task), 0);
  cr_assert_eq(bcsc_executor_poll(ex, 1), 1);
}

Test(waker_wrap, an_old_waker_matches_again_after_the_wrap) {
  bcsc_executor_t ex;
  bcsc_waker_slot_t slot[1];
  holder_t h;
  bcsc_waker_t first, older[3];
  bcsc_executor_stats_t st;
  cr_assert_eq(bcsc_waker_generation_bits(), 2);
  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  cr_assert_eq(bcsc_executor_set_waker_slots(&ex, slot, 1), 0);
  holder_start(&ex, &h);
  first = h.waker;
  cr_assert_eq(first.generation, 0);
  cr_assert_eq(bcsc_waker_wake(first), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 10), 1);
  /* Generations 1, 2, 3: each task ends with its own wake. */
  for (uint32_t g = 1; g <= 3; g++) {
    holder_start(&ex, &h);
    cr_assert_eq(h.waker.generation, g);
    older[g - 1] = h.waker;
    cr_assert_eq(bcsc_waker_wake(first), 0); /* stale: generation 0 */
    cr_assert_eq(bcsc_executor_poll(&ex, 10), 0);
    cr_assert_eq(bcsc_waker_wake(h.waker), 0);
    cr_assert_eq(bcsc_executor_poll(&ex, 10), 1);
    cr_assert(h.woken);
  }
  /* Wrapped: generation 0 again. The first waker reaches this task. */
  holder_start(&ex, &h);
  cr_assert_eq(h.waker.generation, 0);
  for (int i = 0; i < 3; i++)
    cr_assert_eq(bcsc_waker_wake(older[i]), 0); /* stale */
  cr_assert_eq(bcsc_executor_poll(&ex, 10), 0);
  cr_assert_eq(bcsc_waker_wake(first), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 10), 1);
  cr_assert(h.woken);
  cr_assert(bcsc_task_done(&h.task));
  memset(&st, 0, sizeof st);
  st.size = sizeof st;
  cr_assert_eq(bcsc_executor_stats(&ex, &st), 0);
  cr_assert_eq(st.wakes_received, 5);
  cr_assert_eq(st.wakes_stale, 6);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
}

Test(waker_wrap, a_generation_beyond_the_bits_is_invalid) {
  bcsc_executor_t ex;
  bcsc_waker_slot_t slot[1];
  bcsc_waker_t w;
  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  cr_assert_eq(bcsc_executor_set_waker_slots(&ex, slot, 1), 0);
  w.executor = &ex;
  w.slot = 0;
  w.generation = 4;
  cr_assert_eq(bcsc_waker_wake(w), BCSC_EINVAL);
  w.generation = 3;
  cr_assert_eq(bcsc_waker_wake(w), 0);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
}

/* The count of received wakes shares the slot's word with the narrowed
 * generation (D47): filling it, and going past it, leaves the generation
 * as it was - the next holder is one on, the old waker stale - and the
 * statistics exact. */
Test(waker_wrap, a_full_count_leaves_the_generation_alone) {
  bcsc_executor_t ex;
  bcsc_waker_slot_t slot[1];
  holder_t h;
  bcsc_waker_t first;
  bcsc_executor_stats_t st;
  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  cr_assert_eq(bcsc_executor_set_waker_slots(&ex, slot, 1), 0);
  for (uint32_t g = 0; g < 6; g++) {
    holder_start(&ex, &h);
    cr_assert_eq(h.waker.generation, g % 4);
    if (g == 0)
      first = h.waker;
    for (int i = 0; i < 100; i++)
      cr_assert_eq(bcsc_waker_wake(h.waker), 0);
    cr_assert_eq(bcsc_executor_poll(&ex, 10), 1);
    cr_assert(h.woken);
    cr_assert(bcsc_task_done(&h.task));
  }
  holder_start(&ex, &h);                   /* generation 2 */
  cr_assert_eq(bcsc_waker_wake(first), 0); /* generation 0: stale */
  memset(&st, 0, sizeof st);
  st.size = sizeof st;
  cr_assert_eq(bcsc_executor_stats(&ex, &st), 0);
  cr_assert_eq(st.wakes_received, 600);
  cr_assert_eq(st.wakes_stale, 1);
  cr_assert_eq(st.wakes_delivered, 6);
  cr_assert_eq(bcsc_task_cancel(&h.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 10), 1);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
}
