/* SPDX-License-Identifier: MIT
 * A negative control for the asan-clang lane of scripts/test.sh: bcsc's own
 * failure mode F1 (docs/testing.md), planted. A poll function registers a
 * bcsc_wait_t that lives in its own stack frame and returns PENDING, so the
 * registration stays linked in the waiter list after the frame is gone;
 * the wake then walks into the dead frame from inside libbcsc.
 *
 * ASan reports this only with detect_stack_use_after_return=1 (the
 * default misses it: reliability.md 3.4). The lane runs this program with
 * its own ASAN_OPTIONS and fails unless ASan reports a
 * stack-use-after-return: otherwise the lane's settings could not catch a
 * dangling registration anywhere. Plain C, not Criterion: the report and
 * the exit status are read from the process itself. */
#include <stdio.h>

#include <bcsc.h>

static bcsc_waitq_t queue;

static int leaves_its_registration_behind(bcsc_task_t *self) {
  bcsc_wait_t on_this_frame; /* the planted bug: dies with this call */
  bcsc_wait_init(&on_this_frame);
  return bcsc_wait_on(self, &on_this_frame, &queue);
}

int main(void) {
  bcsc_executor_t executor;
  bcsc_task_t task;
  if (bcsc_executor_init(&executor, NULL) != 0 || bcsc_waitq_init(&queue) != 0)
    return 2;
  bcsc_task_init(&task, leaves_its_registration_behind, NULL);
  if (bcsc_executor_run(&executor, &task) != BCSC_EDEADLK)
    return 2;
  /* The registration's frame is gone; this wake reads and writes it. */
  bcsc_waitq_wake_one(&queue, 1);
  puts("asan_use_after_return: the wake went through unreported");
  return 0;
}
