/* SPDX-License-Identifier: MIT
 * test_waker_count.c - the accounting of received value wakes once they
 * are counted in the slots' state words (D47), through the public API:
 * more wakes to one slot between drains than the word's count holds (the
 * rest go to the executor's counter), statistics read while wakes still
 * sit in the inbox, a slot given back with counted wakes pending, and the
 * width the generation keeps. Exactness is the property throughout: wakes
 * sent == wakes_received + wakes_stale whenever the statistics are read. */
#include <criterion/criterion.h>
#include <string.h>

#include <bcsc.h>

#include "bcsc_test.h"

/* More wakes than any count field of a slot holds (at most 2^5 - 1 by
 * default; docs/decisions.md D47). */
#define MANY 1000u

/* Takes its waker in its first poll, then counts the polls on which a
 * value wake was reported; in poll number `last` it fires its own waker
 * `self_wakes` times and ends, leaving them counted in a slot it gives
 * back. */
typedef struct counter_task {
  bcsc_task_t task;
  bcsc_waker_t waker;
  uint32_t polls;
  uint32_t woken;
  uint32_t last;       /* 0: never ends by itself */
  uint32_t self_wakes; /* fired in its last poll */
} counter_task_t;

static int counter_poll(bcsc_task_t *self) {
  counter_task_t *c = (counter_task_t *)self;
  c->polls++;
  if (c->polls == 1)
    cr_assert_eq(bcsc_task_waker(self, &c->waker), 0);
  c->woken += (uint32_t)bcsc_task_waker_woken(self);
  if (c->last != 0 && c->polls == c->last) {
    for (uint32_t i = 0; i < c->self_wakes; i++)
      cr_assert_eq(bcsc_waker_wake(c->waker), 0);
    return BCSC_DONE;
  }
  if (bcsc_task_cancelled(self))
    return BCSC_ECANCELED;
  return BCSC_PENDING;
}

static void counter_start(bcsc_executor_t *ex, counter_task_t *c, uint32_t last,
                          uint32_t self_wakes) {
  memset(c, 0, sizeof *c);
  cr_assert_eq(bcsc_task_init(&c->task, counter_poll, NULL), 0);
  c->last = last;
  c->self_wakes = self_wakes;
  cr_assert_eq(bcsc_executor_spawn(ex, &c->task), 0);
  cr_assert_eq(bcsc_executor_poll(ex, 1), 1);
}

static void wake_n(bcsc_waker_t w, uint32_t n) {
  for (uint32_t i = 0; i < n; i++)
    cr_assert_eq(bcsc_waker_wake(w), 0);
}

Test(waker_count, the_generation_keeps_24_bits) {
  cr_assert_eq(bcsc_waker_generation_bits(), 24);
}

Test(waker_count, more_wakes_than_a_slot_counts_stay_exact) {
  bcsc_executor_t ex;
  bcsc_waker_slot_t slots[3];
  counter_task_t a, b;
  bcsc_waker_t stale;
  bcsc_executor_stats_t st;
  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  cr_assert_eq(bcsc_executor_set_waker_slots(&ex, slots, 3), 0);
  counter_start(&ex, &a, 0, 0);
  counter_start(&ex, &b, 0, 0);
  stale = a.waker;
  stale.generation = a.waker.generation + 1; /* no task holds it */
  /* Between two drains: a's slot fills its count and goes on in the
   * executor's counter; b's stays within its count. */
  wake_n(a.waker, MANY);
  wake_n(b.waker, 7);
  wake_n(stale, 3);
  /* Read with every wake still in the inbox. */
  st = bcsc_test_stats(&ex);
  cr_assert_eq(st.wakes_received, MANY + 7);
  cr_assert_eq(st.wakes_stale, 3);
  cr_assert_eq(st.wakes_delivered, 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 10), 2); /* one poll each */
  cr_assert_eq(a.woken, 1);
  cr_assert_eq(b.woken, 1);
  st = bcsc_test_stats(&ex);
  cr_assert_eq(st.wakes_received, MANY + 7);
  cr_assert_eq(st.wakes_delivered, 2);
  /* The drain emptied the counts: the next round counts from 1 again,
   * and again past the field. */
  for (uint32_t round = 1; round <= 3; round++) {
    wake_n(a.waker, round * 40);
    st = bcsc_test_stats(&ex);
    cr_assert_eq(st.wakes_received, MANY + 7 + 40 * round * (round + 1) / 2);
    cr_assert_eq(bcsc_executor_poll(&ex, 10), 1);
    cr_assert_eq(a.woken, 1 + round);
  }
  st = bcsc_test_stats(&ex);
  cr_assert_eq(st.wakes_received, MANY + 7 + 240);
  cr_assert_eq(st.wakes_stale, 3);
  cr_assert_eq(st.wakes_delivered, 5);
  cr_assert_eq(bcsc_task_cancel(&a.task), 0);
  cr_assert_eq(bcsc_task_cancel(&b.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 10), 2);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
}

/* A task that ends with wakes counted in its slot: giving the slot back
 * moves them to the totals, and the slot, still queued, serves the next
 * holder - for a count within the field and one past it. */
Test(waker_count, a_slot_given_back_with_counted_wakes) {
  static const uint32_t counts[] = {1, 3, 31, 32, 40, 300};
  bcsc_executor_t ex;
  bcsc_waker_slot_t slot[1];
  counter_task_t a, b;
  bcsc_executor_stats_t st;
  uint64_t received = 0;
  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  cr_assert_eq(bcsc_executor_set_waker_slots(&ex, slot, 1), 0);
  for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++) {
    counter_start(&ex, &a, 2, counts[i]);
    wake_n(a.waker, 2); /* a's second poll: counts[i] more, then it ends */
    cr_assert_eq(bcsc_executor_run(&ex, &a.task), 0); /* no drain after */
    cr_assert(bcsc_task_done(&a.task));
    cr_assert_eq(bcsc_executor_next_deadline(&ex), 0); /* still queued */
    received += 2 + counts[i];
    st = bcsc_test_stats(&ex);
    cr_assert_eq(st.wakes_received, received, "count %u", counts[i]);
    cr_assert_eq(st.wakes_stale, 2 * i);
    /* The next holder takes the same slot while it is still queued; its
     * wakes count for it, the ended task's wakes stay stale. */
    counter_start(&ex, &b, 2, 0);
    cr_assert_eq(b.waker.slot, a.waker.slot);
    cr_assert_eq(b.waker.generation, a.waker.generation + 1);
    wake_n(a.waker, 2);
    wake_n(b.waker, 5);
    received += 5;
    st = bcsc_test_stats(&ex);
    cr_assert_eq(st.wakes_received, received);
    cr_assert_eq(st.wakes_stale, 2 * (i + 1));
    cr_assert_eq(bcsc_executor_poll(&ex, 10), 1);
    cr_assert(bcsc_task_done(&b.task));
    cr_assert_eq(b.woken, 1);
    st = bcsc_test_stats(&ex);
    cr_assert_eq(st.wakes_received, received);
  }
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
}

/* Teardown folds what the slots still count. */
Test(waker_count, deinit_with_counted_wakes_in_the_inbox) {
  bcsc_executor_t ex;
  bcsc_waker_slot_t slot[2];
  counter_task_t a;
  bcsc_executor_stats_t st;
  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  cr_assert_eq(bcsc_executor_set_waker_slots(&ex, slot, 2), 0);
  counter_start(&ex, &a, 2, 50);
  wake_n(a.waker, 1);
  cr_assert_eq(bcsc_executor_poll(&ex, 10), 1);
  cr_assert(bcsc_task_done(&a.task));
  st = bcsc_test_stats(&ex);
  cr_assert_eq(st.wakes_received, 51);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
  /* The table is clean: a new executor's first holder counts from 0. */
  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  cr_assert_eq(bcsc_executor_set_waker_slots(&ex, slot, 2), 0);
  counter_start(&ex, &a, 2, 0);
  wake_n(a.waker, 4);
  st = bcsc_test_stats(&ex);
  cr_assert_eq(st.wakes_received, 4);
  cr_assert_eq(bcsc_executor_poll(&ex, 10), 1);
  cr_assert(bcsc_task_done(&a.task));
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
}
