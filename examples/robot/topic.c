/* SPDX-License-Identifier: MIT
 * topic.c - latest-value slots with a waiter list: how the sensors and the
 * planner feed the control loop.
 *
 * A publisher overwrites the slot and wakes everyone on the list; it never
 * waits for a reader. A reader that only needs the newest value (the 1 kHz
 * control loop) reads the slot; a reader that needs a fresh one (the
 * planner) waits on the list with a registration from its own frame. */
#include "robot.h"

void topic_init(topic_t *topic) {
  bcsc_waitq_init(&topic->ready);
  topic->seq = 0;
  topic->stamp = 0;
  topic->value = 0;
}

int topic_deinit(topic_t *topic) { return bcsc_waitq_deinit(&topic->ready); }

int topic_publish(topic_t *topic, uint64_t stamp, int64_t value) {
  int woken;
  topic->seq++;
  topic->stamp = stamp;
  topic->value = value;
  woken = bcsc_waitq_wake_all(&topic->ready, (uintptr_t)topic->seq);
  return woken < 0 ? woken : 0;
}

int topic_await_newer(bcsc_task_t *self, bcsc_wait_t *wait, topic_t *topic,
                      uint64_t seen) {
  /* A wake leaves the node marked fired; consume the mark here, or the next
   * wait on this node would return at once with a stale sample. */
  if (bcsc_wait_fired(wait))
    (void)bcsc_wait_on(self, wait, &topic->ready);
  if (bcsc_task_cancelled(self))
    return BCSC_ECANCELED;
  if (topic->seq != seen)
    return 0;
  return bcsc_wait_on(self, wait, &topic->ready);
}
