/* SPDX-License-Identifier: MIT
 * host_loop.c - bcsc driven by a host's own loop instead of owning it.
 *
 * A fake game loop. Each frame the host fires a "frame" waiter list with the
 * frame number, then lets bcsc poll at most POLL_BUDGET tasks with
 * bcsc_executor_poll(): bcsc never blocks and never takes the thread. Three
 * root tasks wait on the frame list: a door that opens over three frames, a
 * guard that walks four steps, and an idle animation that would run
 * forever. When the door and the guard are done, the host cancels the
 * animation, polls until no root task is live, and tears everything down.
 *
 * Exits 0 only if the loop ended that way. */
#include <stdint.h>
#include <stdio.h>

#include <bcsc.h>

#define POLL_BUDGET 8
#define MAX_FRAMES 20

/* One frame type for all three actors. `steps` is how many frames of work
 * it has; 0 means "until cancelled". */
typedef struct actor {
  bcsc_task_t task;
  bcsc_co_t co;
  bcsc_wait_t frame_wait;
  bcsc_waitq_t *frame;
  const char *name;
  int steps;
  int done;
} actor_t;

static int actor_poll(bcsc_task_t *self) {
  actor_t *a = (actor_t *)self;
  int rc;

  BCSC_CO_BEGIN(&a->co);
  for (a->done = 0; a->steps == 0 || a->done < a->steps; a->done++) {
    /* 0 once the host has fired the frame list, BCSC_ECANCELED once the
     * host has cancelled us. */
    BCSC_AWAIT(&a->co, rc, bcsc_wait_on(self, &a->frame_wait, a->frame));
    if (rc == BCSC_ECANCELED) {
      printf("  %s: cancelled after %d frames\n", a->name, a->done);
      return rc;
    }
    if (rc < 0)
      return rc;
    if (a->steps != 0)
      printf("  %s: step %d/%d (frame %u)\n", a->name, a->done + 1, a->steps,
             (unsigned)a->frame_wait.value);
    else
      printf("  %s: frame %u\n", a->name, (unsigned)a->frame_wait.value);
  }
  printf("  %s: finished\n", a->name);
  BCSC_CO_END(&a->co);
}

static const char *result_name(int rc) {
  return rc == 0 ? "ok" : bcsc_err_name(rc);
}

static void actor_init(actor_t *a, const char *name, int steps,
                       bcsc_waitq_t *frame) {
  bcsc_task_init(&a->task, actor_poll, NULL);
  a->co = (bcsc_co_t)BCSC_CO_INITIALIZER;
  bcsc_wait_init(&a->frame_wait);
  a->frame = frame;
  a->name = name;
  a->steps = steps;
  a->done = 0;
}

int main(void) {
  bcsc_executor_t ex;
  bcsc_waitq_t frame_list; /* the host's event source */
  actor_t door, guard, idle;
  unsigned frame = 0;
  int woken, polled, stopping = 0;

  if (BCSC_ABI_CHECK() != 0) {
    fprintf(stderr, "host: bcsc ABI mismatch\n");
    return 1;
  }
  bcsc_executor_init(&ex, NULL);
  bcsc_waitq_init(&frame_list);
  actor_init(&door, "door", 3, &frame_list);
  actor_init(&guard, "guard", 4, &frame_list);
  actor_init(&idle, "idle", 0, &frame_list);
  /* Root tasks belong to the executor, not to a parent task. */
  if (bcsc_executor_spawn(&ex, &door.task) != 0 ||
      bcsc_executor_spawn(&ex, &guard.task) != 0 ||
      bcsc_executor_spawn(&ex, &idle.task) != 0)
    return 1;

  /* Give the new tasks their first poll so they register on the list. */
  polled = bcsc_executor_poll(&ex, POLL_BUDGET);
  printf("host: start-up, %d tasks polled, %u waiting for a frame\n", polled,
         (unsigned)bcsc_waitq_count(&frame_list));

  while (bcsc_executor_live_roots(&ex) > 0) {
    if (++frame > MAX_FRAMES) {
      fprintf(stderr, "host: tasks still live after %d frames\n", MAX_FRAMES);
      return 1;
    }
    if (!stopping && bcsc_task_done(&door.task) &&
        bcsc_task_done(&guard.task)) {
      /* Cancellation from outside any poll: idle is queued to observe it. */
      printf("host: level done, cancelling idle\n");
      bcsc_task_cancel(&idle.task);
      stopping = 1;
    }
    woken = bcsc_waitq_wake_all(&frame_list, frame);
    printf("frame %u: %d woken\n", frame, woken);
    /* Run what is ready, at most POLL_BUDGET polls, then give the thread
     * back to the host (to render, wait for vsync, read input...). Tasks
     * left ready stay queued for the next call. */
    polled = bcsc_executor_poll(&ex, POLL_BUDGET);
    if (polled < 0) {
      fprintf(stderr, "host: poll failed: %s\n", bcsc_strerror(polled));
      return 1;
    }
    printf("frame %u: %d polled\n", frame, polled);
  }

  printf("host: door %s, guard %s, idle %s\n",
         result_name(bcsc_task_result(&door.task)),
         result_name(bcsc_task_result(&guard.task)),
         result_name(bcsc_task_result(&idle.task)));
  /* Completed tasks hold no registrations, so both teardowns succeed. */
  if (bcsc_waitq_deinit(&frame_list) != 0 || bcsc_executor_deinit(&ex) != 0) {
    fprintf(stderr, "host: teardown failed\n");
    return 1;
  }
  if (bcsc_task_result(&idle.task) != BCSC_ECANCELED) {
    fprintf(stderr, "host: expected idle to end cancelled\n");
    return 1;
  }
  printf("host: clean shutdown after %u frames\n", frame);
  return 0;
}
