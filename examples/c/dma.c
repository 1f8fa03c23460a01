/* SPDX-License-Identifier: MIT
 * dma.c - a DMA transfer into a task's frame, cancelled mid-burst.
 *
 * A `sampler` task reads four 64-byte blocks from an ADC through a DMA
 * engine, each into a buffer in its own frame. A transfer takes 30 ms and,
 * once the engine has started it, cannot be stopped: the engine writes
 * the block into the buffer when the burst ends. The sampler runs in a
 * `session` scope with a 100 ms deadline, which cancels it 10 ms into its
 * fourth transfer.
 *
 * Unlinking the sampler's registration there and letting its frame go
 * would leave the engine writing into freed memory at 120 ms. The engine's
 * completion list is made with bcsc_waitq_set_abort(): bcsc asks the
 * engine to abort, the engine answers BCSC_PENDING (the burst is in
 * flight), and bcsc holds the sampler - not run, still live in its scope -
 * until the engine fires the completion at 120 ms. The sampler then runs
 * once, sees both its cancellation and the fourth block (not lost), and
 * ends; only then does the session's join return. After it, main reuses
 * the sampler's memory and shows the engine never touches it again.
 *
 * Simulated time; the program checks its own outcome and exits non-zero
 * if anything went differently, so it doubles as a smoke test. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <bcsc.h>

#define BLOCK 64
#define BLOCKS 4
#define TRANSFER_NS (30 * BCSC_MSEC)

/* The DMA engine: one channel, one descriptor at a time. */
typedef struct dma {
  bcsc_task_t task;
  bcsc_timer_t timer;
  bcsc_wait_t wait;
  bcsc_waitq_t doorbell; /* a descriptor was submitted (plain list) */
  bcsc_waitq_t done;     /* completions: a completion source's list */
  uint8_t *dst;          /* the descriptor: where, how much */
  size_t len;
  int busy;       /* the burst is running: it cannot be stopped */
  int stop_asked; /* an abort came during the burst */
  uint8_t next;   /* the ADC's next sample value */
  unsigned aborts;
} dma_t;

typedef struct sampler {
  bcsc_task_t task;
  bcsc_wait_t wait;
  uint8_t buf[BLOCK]; /* the engine writes here */
  dma_t *dma;
  int block; /* blocks read */
  int saw_cancel;
  uintptr_t last_bytes;
  uint32_t sum;
} sampler_t;

typedef struct session {
  bcsc_task_t task;
  bcsc_scope_t scope;
  sampler_t *sampler;
  int opened;
  int result;
  uint64_t ended_ms;
} session_t;

typedef struct world {
  bcsc_sim_reactor_t clock;
  bcsc_executor_t ex;
  dma_t dma;
  session_t session;
  sampler_t sampler;
} world_t;

static world_t g_world;

static uint64_t now_ms(void) {
  return bcsc_sim_reactor_now(&g_world.clock) / BCSC_MSEC;
}

/* ---- the engine ------------------------------------------------------ */

static void dma_submit(dma_t *d, uint8_t *dst, size_t len) {
  d->dst = dst;
  d->len = len;
  (void)bcsc_waitq_wake_all(&d->doorbell, 0);
}

/* bcsc takes back a registration on `done` before it fired. */
static int dma_abort(void *context, bcsc_wait_t *wait) {
  dma_t *d = context;
  (void)wait;
  d->aborts++;
  if (!d->busy) {
    d->dst = NULL; /* not started: dropped, the buffer is free now */
    return 0;
  }
  d->stop_asked = 1;
  printf("%4llu ms  dma: abort asked mid-burst - still writing, pending\n",
         (unsigned long long)now_ms());
  return BCSC_PENDING;
}

static int dma_poll(bcsc_task_t *self) {
  dma_t *d = (dma_t *)self;
  int rc;
  for (;;) {
    if (bcsc_task_cancelled(self))
      return 0;
    if (!d->busy) {
      if (d->dst == NULL) {
        rc = bcsc_wait_on(self, &d->wait, &d->doorbell);
        if (rc == BCSC_PENDING)
          return rc;
        continue;
      }
      d->busy = 1;
      rc = bcsc_timer_set(&d->timer,
                          bcsc_executor_now(&g_world.ex) + TRANSFER_NS);
      if (rc != 0)
        return rc;
    }
    rc = bcsc_timer_wait(self, &d->timer);
    if (rc != 0)
      return rc; /* BCSC_PENDING, or cancelled */
    /* The burst ends: the block lands in the buffer, then the completion
     * fires with the byte count. */
    for (size_t i = 0; i < d->len; i++)
      d->dst[i] = d->next++;
    d->busy = 0;
    d->dst = NULL;
    if (d->stop_asked)
      printf("%4llu ms  dma: burst done after all, %zu bytes written\n",
             (unsigned long long)now_ms(), d->len);
    d->stop_asked = 0;
    (void)bcsc_waitq_wake_one(&d->done, d->len);
  }
}

/* ---- the sampler and its session -------------------------------------- */

static int sampler_poll(bcsc_task_t *self) {
  sampler_t *s = (sampler_t *)self;
  for (;;) {
    if (bcsc_wait_fired(&s->wait)) {
      s->last_bytes = s->wait.value;
      for (size_t i = 0; i < sizeof s->buf; i++)
        s->sum += s->buf[i];
      s->block++;
      printf("%4llu ms  sampler: block %d, %lu bytes\n",
             (unsigned long long)now_ms(), s->block,
             (unsigned long)s->last_bytes);
      (void)bcsc_wait_init(&s->wait);
    }
    if (bcsc_task_cancelled(self)) {
      s->saw_cancel = 1;
      printf("%4llu ms  sampler: cancelled, frame released\n",
             (unsigned long long)now_ms());
      return BCSC_ECANCELED;
    }
    if (s->block == BLOCKS)
      return 0;
    dma_submit(s->dma, s->buf, sizeof s->buf);
    if (bcsc_wait_on(self, &s->wait, &s->dma->done) == BCSC_PENDING)
      return BCSC_PENDING;
  }
}

static int session_poll(bcsc_task_t *self) {
  session_t *ss = (session_t *)self;
  int rc;
  if (!ss->opened) {
    ss->opened = 1;
    if ((rc = bcsc_scope_init(&ss->scope, self, BCSC_SCOPE_WAIT_ALL)) != 0 ||
        (rc = bcsc_scope_set_deadline(
             &ss->scope, bcsc_executor_now(&g_world.ex) + 100 * BCSC_MSEC,
             BCSC_DEADLINE_FAIL)) != 0 ||
        (rc = bcsc_scope_spawn(&ss->scope, &ss->sampler->task)) != 0)
      return rc;
  }
  rc = bcsc_scope_join(&ss->scope);
  if (rc == BCSC_PENDING)
    return rc;
  ss->result = rc;
  ss->ended_ms = now_ms();
  printf("%4llu ms  session: joined (%s)\n", (unsigned long long)now_ms(),
         bcsc_err_name(rc));
  return 0;
}

static int check(int ok, const char *what) {
  if (!ok)
    fprintf(stderr, "dma: FAILED: %s\n", what);
  return ok;
}

int main(void) {
  world_t *w = &g_world;
  bcsc_executor_config_t cfg = {.size = sizeof cfg, .reactor = &w->clock.base};
  int ok = 1;

  if (bcsc_sim_reactor_init(&w->clock, 0) != 0 ||
      bcsc_executor_init(&w->ex, &cfg) != 0)
    return 1;
  (void)bcsc_task_init(&w->dma.task, dma_poll, NULL);
  (void)bcsc_timer_init(&w->dma.timer);
  (void)bcsc_wait_init(&w->dma.wait);
  (void)bcsc_waitq_init(&w->dma.doorbell);
  (void)bcsc_waitq_init(&w->dma.done);
  if (bcsc_waitq_set_abort(&w->dma.done, dma_abort, &w->dma) != 0)
    return 1;
  (void)bcsc_task_init(&w->sampler.task, sampler_poll, NULL);
  (void)bcsc_wait_init(&w->sampler.wait);
  w->sampler.dma = &w->dma;
  (void)bcsc_task_init(&w->session.task, session_poll, NULL);
  w->session.sampler = &w->sampler;

  if (bcsc_executor_spawn(&w->ex, &w->dma.task) != 0 ||
      bcsc_executor_run(&w->ex, &w->session.task) != 0)
    return 1;

  ok &= check(w->session.result == BCSC_ETIMEDOUT, "the deadline ended it");
  ok &= check(w->session.ended_ms == 120,
              "the join waited for the burst (120 ms), not the deadline");
  ok &= check(w->sampler.saw_cancel, "the sampler saw its cancellation");
  ok &= check(w->sampler.block == BLOCKS && w->sampler.last_bytes == BLOCK,
              "the block in flight was delivered, not lost");
  ok &= check(w->sampler.sum == (BLOCKS * BLOCK) * (BLOCKS * BLOCK - 1) / 2,
              "every sample arrived once, in order");
  ok &= check(w->dma.aborts == 1, "one abort, asked once");

  /* The frame is the caller's again: reuse it, run on, and check that
   * nothing writes into it (the engine is idle; then it is stopped). */
  memset(&w->sampler, 0xa5, sizeof w->sampler);
  (void)bcsc_executor_poll(&w->ex, 16);
  (void)bcsc_task_cancel(&w->dma.task);
  if (bcsc_executor_run(&w->ex, NULL) != 0)
    return 1;
  for (size_t i = 0; i < sizeof w->sampler; i++)
    ok &= check(((const uint8_t *)&w->sampler)[i] == 0xa5,
                "nothing touched the reused frame");
  ok &= check(bcsc_waitq_deinit(&w->dma.done) == 0 &&
                  bcsc_waitq_deinit(&w->dma.doorbell) == 0 &&
                  bcsc_executor_deinit(&w->ex) == 0,
              "clean teardown");
  printf("dma: %s\n", ok ? "ok" : "FAILED");
  return ok ? 0 : 1;
}
