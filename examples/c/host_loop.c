/* SPDX-License-Identifier: MIT
 * host_loop.c - bcsc driven by a host's own loop instead of owning it.
 *
 * A fake game loop at 60 frames per second. The host owns the clock: it
 * hands bcsc a reactor that only tells the time (the frame clock; no park -
 * bcsc never blocks this thread). Each frame the host fires a "frame"
 * waiter list with the frame number; bcsc's pender tells it when that made
 * a task ready, and bcsc_executor_next_deadline() when a timer is due, so
 * the host calls bcsc_executor_poll() only on frames where there is work.
 * Three root tasks wait on the frame list: a door that opens over three
 * frames, a guard that walks four steps, and an idle animation that would
 * run forever; a torch flickers on a drift-free 50 ms periodic timer. When
 * the door and the guard are done, the host cancels the animation and the
 * torch, polls until no root task is live, and tears everything down.
 *
 * Exits 0 only if the loop ended that way. */
#include <stdint.h>
#include <stdio.h>

#include <bcsc.h>

#define POLL_BUDGET 8
#define MAX_FRAMES 20
#define FRAME_NS (BCSC_SEC / 60)

/* ---- the host's clock, seen by bcsc as a reactor that only tells time ---- */

typedef struct host_clock {
  bcsc_reactor_t base; /* first: bcsc passes &base back to now() */
  uint64_t now;        /* advanced by the host, one frame at a time */
} host_clock_t;

static uint64_t host_clock_now(bcsc_reactor_t *reactor) {
  return ((host_clock_t *)reactor)->now;
}

/* No park: the host drives with bcsc_executor_poll(), which never parks. */
static const bcsc_reactor_vtable_t host_clock_vtable = {
    sizeof(bcsc_reactor_vtable_t), BCSC_REACTOR_VTABLE_VERSION, host_clock_now,
    NULL, NULL};

/* The pender: a task became ready while the host was outside bcsc. */
static void note_pended(bcsc_executor_t *ex, void *context) {
  (void)ex;
  *(int *)context = 1;
}

/* ---- a torch that flickers on a periodic timer -------------------------- */

typedef struct torch {
  bcsc_task_t task;
  bcsc_co_t co;
  bcsc_timer_t tick;
  int flickers;
} torch_t;

static int torch_poll(bcsc_task_t *self) {
  torch_t *t = (torch_t *)self;
  int rc;
  BCSC_CO_BEGIN(&t->co);
  for (;;) {
    BCSC_AWAIT(&t->co, rc, bcsc_timer_wait(self, &t->tick));
    if (rc == BCSC_ECANCELED) {
      printf("  torch: put out after %d flickers\n", t->flickers);
      return rc;
    }
    if (rc < 0)
      return rc;
    t->flickers++;
    printf(
        "  torch: flicker %d (deadline was %llu ms)\n", t->flickers,
        (unsigned long long)((bcsc_timer_deadline(&t->tick) - 50 * BCSC_MSEC) /
                             BCSC_MSEC));
  }
  BCSC_CO_END(&t->co);
}

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
  host_clock_t clock = {{&host_clock_vtable, NULL}, 0};
  int pended = 0;
  bcsc_executor_config_t config = {.size = sizeof config,
                                   .reactor = &clock.base,
                                   .pender = note_pended,
                                   .pender_context = &pended};
  bcsc_waitq_t frame_list; /* the host's event source */
  actor_t door, guard, idle;
  torch_t torch = {0};
  unsigned frame = 0, idle_frames = 0;
  int woken, polled, stopping = 0;

  if (BCSC_ABI_CHECK() != 0) {
    fprintf(stderr, "host: bcsc ABI mismatch\n");
    return 1;
  }
  if (bcsc_executor_init(&ex, &config) != 0)
    return 1;
  bcsc_waitq_init(&frame_list);
  bcsc_task_init(&torch.task, torch_poll, NULL);
  bcsc_timer_init(&torch.tick);
  bcsc_timer_set_periodic(&torch.tick, 50 * BCSC_MSEC, 50 * BCSC_MSEC,
                          BCSC_TICK_SKIP);
  actor_init(&door, "door", 3, &frame_list);
  actor_init(&guard, "guard", 4, &frame_list);
  actor_init(&idle, "idle", 0, &frame_list);
  /* Root tasks belong to the executor, not to a parent task. */
  if (bcsc_executor_spawn(&ex, &door.task) != 0 ||
      bcsc_executor_spawn(&ex, &guard.task) != 0 ||
      bcsc_executor_spawn(&ex, &idle.task) != 0 ||
      bcsc_executor_spawn(&ex, &torch.task) != 0)
    return 1;
  pended = 0;

  /* Give the new tasks their first poll so they register on the list. */
  polled = bcsc_executor_poll(&ex, POLL_BUDGET);
  printf("host: start-up, %d tasks polled, %u waiting for a frame\n", polled,
         (unsigned)bcsc_waitq_count(&frame_list));

  while (bcsc_executor_live_roots(&ex) > 0) {
    if (++frame > MAX_FRAMES) {
      fprintf(stderr, "host: tasks still live after %d frames\n", MAX_FRAMES);
      return 1;
    }
    clock.now += FRAME_NS;
    if (!stopping && bcsc_task_done(&door.task) &&
        bcsc_task_done(&guard.task)) {
      /* Cancellation from outside any poll: the tasks are queued to
       * observe it (and the pender says so). */
      printf("host: level done, cancelling idle and the torch\n");
      bcsc_task_cancel(&idle.task);
      bcsc_task_cancel(&torch.task);
      stopping = 1;
    }
    /* The idle animation only needs every other frame. */
    woken = frame % 2 == 0 || stopping ? bcsc_waitq_wake_all(&frame_list, frame)
                                       : 0;
    /* Poll only if a task was made ready or a timer is due. */
    if (!pended && bcsc_executor_next_deadline(&ex) > clock.now) {
      printf("frame %u: nothing to do\n", frame);
      idle_frames++;
      continue;
    }
    pended = 0;
    printf("frame %u (%llu ms): %d woken\n", frame,
           (unsigned long long)(clock.now / BCSC_MSEC), woken);
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

  printf("host: door %s, guard %s, idle %s, torch %s\n",
         result_name(bcsc_task_result(&door.task)),
         result_name(bcsc_task_result(&guard.task)),
         result_name(bcsc_task_result(&idle.task)),
         result_name(bcsc_task_result(&torch.task)));
  /* Completed tasks hold no registrations, so both teardowns succeed. */
  if (bcsc_waitq_deinit(&frame_list) != 0 || bcsc_executor_deinit(&ex) != 0) {
    fprintf(stderr, "host: teardown failed\n");
    return 1;
  }
  if (bcsc_task_result(&idle.task) != BCSC_ECANCELED ||
      bcsc_task_result(&torch.task) != BCSC_ECANCELED) {
    fprintf(stderr, "host: expected idle and the torch to end cancelled\n");
    return 1;
  }
  if (torch.flickers == 0 || idle_frames == 0) {
    fprintf(stderr, "host: expected flickers and frames without work\n");
    return 1;
  }
  printf("host: clean shutdown after %u frames (%u without work)\n", frame,
         idle_frames);
  return 0;
}
