/* SPDX-License-Identifier: MIT
 * shared_tools.c - a robot cell's tasks share one gripper through a mutex
 * and one battery's current through a semaphore; some are cancelled while
 * they wait, some while they hold.
 *
 * The robot story, in simulated milliseconds:
 *
 * Act 1, the gripper (bcsc_mutex_t). Pickers A to E come for the one
 * gripper at 0, 1, 2, 3 and 4 ms; a pick takes 10 ms. A gets it, the others
 * wait in the order they came. At 5 ms the cell tries to borrow the gripper
 * (try_lock: BCSC_EAGAIN, it is held and waited for). At 6 ms the operator
 * cancels picker C's order while C waits: C gives up its place and never
 * holds the gripper. At 15 ms an emergency aborts picker B's pick while B
 * holds the gripper; B leaves without unlocking - the lock is its task's
 * guard, so B's completion hands the gripper on. The cell sees the
 * hand-over under way (no owner, still locked), then D and E get the
 * gripper in turn: A, B, D, E, as they came, with C gone.
 *
 * Act 2, the battery (bcsc_semaphore_t, 4 A). The drive takes 3 A at
 * 100 ms for 20 ms. The cell cannot take 2 A (short: try_acquire fails at
 * once). The arm asks for all 4 A at 102 ms and the camera for 1 A at
 * 103 ms: 1 A is free, but the camera waits behind the arm, and so does a
 * try_acquire of 1 A - the free amp is the line's. At 120 ms the drive's
 * 3 A come back and the arm gets all 4 A: the big request at the head was
 * not starved by the small one behind it. The lift asks for 4 A at 122 ms
 * and the fan for 1 A at 123 ms. At 130 ms the arm's 4 A come back: the
 * camera gets 1 A, the lift (4 A) does not fit, and the fan waits behind it
 * with 3 A free. At 135 ms the lift's job is cancelled while it heads the
 * line; the lift leaves without asking the semaphore again, the core
 * passes its turn on (D34) and the fan gets its 1 A at once. At
 * 142 ms the fan is cancelled while it runs: a semaphore does not know who
 * holds its permits, so the fan's cleanup gives its 1 A back. Every amp is
 * back at the end.
 *
 * Every frame lives in one struct on main's stack; nothing is allocated
 * (valgrind: 0 allocs, stdout's buffer included).
 * Exits 0 only if everything happened as told, so it doubles as a smoke
 * test. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <bcsc.h>

#define PICKERS 5
#define PICK_MS 10
#define BATTERY_AMPS 4
#define LOADS 5

typedef struct cell cell_t;

/* What pickers and loads have in common: a task that turns up at
 * arrive_ms, works on its timer, and records how it ended. */
typedef struct worker {
  bcsc_task_t task;
  bcsc_co_t co;
  bcsc_timer_t timer;
  cell_t *cell;
  uint32_t arrive_ms;
  int end; /* its poll's result */
} worker_t;

/* ---- act 1: pickers share the gripper ---------------------------------- */

typedef struct picker {
  worker_t w;
  bcsc_wait_t wait; /* its place in the gripper's line */
  char name;
  int owner_seen; /* bcsc_mutex_owner() named it once it had the gripper */
  int picked;     /* finished its pick and unlocked */
} picker_t;

/* ---- act 2: loads share the battery's current -------------------------- */

typedef struct load {
  worker_t w;
  bcsc_semaphore_waiter_t waiter; /* its place in line, and how many amps */
  const char *name;
  uint32_t amps, run_ms;
} load_t;

/* The cell: its own task supervises both acts; every frame is inside it. */
struct cell {
  bcsc_task_t task;
  bcsc_co_t co;
  bcsc_timer_t timer;
  bcsc_scope_t scope;
  bcsc_sim_reactor_t clock;
  bcsc_mutex_t gripper;
  bcsc_semaphore_t battery;
  picker_t pickers[PICKERS];
  load_t loads[LOADS];
  char gripper_order[PICKERS + 1]; /* who got the gripper, in order */
  uint32_t gripper_grant_ms[PICKERS];
  uint32_t gripper_grants;
  const char *battery_order[LOADS]; /* who got current, in order */
  uint32_t battery_grant_ms[LOADS];
  uint32_t battery_grants;
  int failures;
};

static unsigned now_ms(const cell_t *c) {
  return (unsigned)(bcsc_sim_reactor_now(&c->clock) / BCSC_MSEC);
}

static void expect(cell_t *c, int ok, const char *what) {
  if (!ok) {
    fprintf(stderr, "%3u ms  UNEXPECTED: %s\n", now_ms(c), what);
    c->failures++;
  }
}

/* The picker holding the gripper, '-' if none (also while it is on its
 * way to the next one). */
static char gripper_holder(const cell_t *c) {
  const bcsc_task_t *owner = bcsc_mutex_owner(&c->gripper);
  for (int i = 0; i < PICKERS; i++)
    if (owner == &c->pickers[i].w.task)
      return c->pickers[i].name;
  return '-';
}

/* Sleep until the worker turns up. */
static int worker_arrive(bcsc_task_t *self) {
  worker_t *w = (worker_t *)self;
  return bcsc_sleep_until(self, &w->timer, w->arrive_ms * BCSC_MSEC);
}

static int picker_poll(bcsc_task_t *self) {
  picker_t *p = (picker_t *)self;
  cell_t *c = p->w.cell;
  int rc;
  BCSC_CO_BEGIN(&p->w.co);
  BCSC_AWAIT(&p->w.co, rc, worker_arrive(self));
  if (rc != 0)
    return p->w.end = rc;
  printf("%3u ms  picker %c: wants the gripper (%u in line)\n", now_ms(c),
         p->name, (unsigned)bcsc_mutex_waiting(&c->gripper));
  BCSC_AWAIT(&p->w.co, rc, bcsc_mutex_lock(self, &c->gripper, &p->wait));
  if (rc != 0) {
    printf("%3u ms  picker %c: %s while in line; never held the gripper\n",
           now_ms(c), p->name, bcsc_err_name(rc));
    return p->w.end = rc;
  }
  c->gripper_order[c->gripper_grants] = p->name;
  c->gripper_grant_ms[c->gripper_grants++] = now_ms(c);
  p->owner_seen = bcsc_mutex_owner(&c->gripper) == self;
  printf("%3u ms  picker %c: has the gripper\n", now_ms(c), p->name);
  BCSC_AWAIT(&p->w.co, rc,
             bcsc_sleep_for(self, &p->w.timer, (uint64_t)PICK_MS * BCSC_MSEC));
  if (rc != 0) {
    /* No unlock on this path, on purpose: the task's completion releases
     * a lock it still holds and hands it to the next in line. */
    printf("%3u ms  picker %c: %s mid-pick; leaves without unlocking\n",
           now_ms(c), p->name, bcsc_err_name(rc));
    return p->w.end = rc;
  }
  if ((rc = bcsc_mutex_unlock(self, &c->gripper)) != 0)
    return p->w.end = rc;
  p->picked = 1;
  printf("%3u ms  picker %c: part placed, gripper unlocked\n", now_ms(c),
         p->name);
  BCSC_CO_END(&p->w.co);
}

/* A load leaves at once when cancelled, without asking the semaphore
 * again: the core takes its place out of the line, and if that place was
 * the head, the next in line is woken to look again (D34) - the semaphore
 * itself hears nothing until its next call. */
static int load_ask(bcsc_task_t *self, load_t *l) {
  if (bcsc_task_cancelled(self))
    return BCSC_ECANCELED;
  return bcsc_semaphore_acquire(self, &l->w.cell->battery, &l->waiter, l->amps);
}

static int load_poll(bcsc_task_t *self) {
  load_t *l = (load_t *)self;
  cell_t *c = l->w.cell;
  int rc;
  BCSC_CO_BEGIN(&l->w.co);
  BCSC_AWAIT(&l->w.co, rc, worker_arrive(self));
  if (rc != 0)
    return l->w.end = rc;
  printf("%3u ms  %s: asks for %u A (%u A free, %u in line)\n", now_ms(c),
         l->name, (unsigned)l->amps,
         (unsigned)bcsc_semaphore_available(&c->battery),
         (unsigned)bcsc_semaphore_waiting(&c->battery));
  BCSC_AWAIT(&l->w.co, rc, load_ask(self, l));
  if (rc != 0) {
    printf("%3u ms  %s: %s while in line; holds no current\n", now_ms(c),
           l->name, bcsc_err_name(rc));
    return l->w.end = rc;
  }
  c->battery_order[c->battery_grants] = l->name;
  c->battery_grant_ms[c->battery_grants++] = now_ms(c);
  printf("%3u ms  %s: running on %u A (%u A free)\n", now_ms(c), l->name,
         (unsigned)l->amps, (unsigned)bcsc_semaphore_available(&c->battery));
  BCSC_AWAIT(
      &l->w.co, rc,
      bcsc_sleep_for(self, &l->w.timer, (uint64_t)l->run_ms * BCSC_MSEC));
  /* Unlike a mutex, a semaphore does not know who holds its permits: every
   * way out gives them back, cancellation included. */
  expect(c, bcsc_semaphore_release(&c->battery, l->amps) == 0,
         "a release failed");
  printf("%3u ms  %s: %s, %u A back (%u A free)\n", now_ms(c), l->name,
         rc == 0 ? "done" : "cancelled while running", (unsigned)l->amps,
         (unsigned)bcsc_semaphore_available(&c->battery));
  if (rc != 0)
    return l->w.end = rc;
  BCSC_CO_END(&l->w.co);
}

static int cell_poll(bcsc_task_t *self) {
  cell_t *c = (cell_t *)self;
  int rc, i;
  BCSC_CO_BEGIN(&c->co);

  /* Act 1: the gripper. */
  if ((rc = bcsc_scope_init(&c->scope, self, BCSC_SCOPE_FAIL_FAST)) != 0)
    return rc;
  for (i = 0; i < PICKERS; i++)
    if ((rc = bcsc_scope_spawn(&c->scope, &c->pickers[i].w.task)) != 0)
      return rc;

  BCSC_AWAIT(&c->co, rc, bcsc_sleep_until(self, &c->timer, 5 * BCSC_MSEC));
  rc = bcsc_mutex_try_lock(self, &c->gripper);
  printf("%3u ms  cell: try_lock on the gripper: %s (held by %c, %u in "
         "line)\n",
         now_ms(c), bcsc_err_name(rc), gripper_holder(c),
         (unsigned)bcsc_mutex_waiting(&c->gripper));
  expect(c, rc == BCSC_EAGAIN, "try_lock on the busy gripper did not fail");
  expect(c, gripper_holder(c) == 'A', "A does not hold the gripper at 5 ms");
  if (rc == 0)
    bcsc_mutex_unlock(self, &c->gripper);
  expect(c, bcsc_mutex_waiting(&c->gripper) == 4, "not 4 pickers in line");

  BCSC_AWAIT(&c->co, rc, bcsc_sleep_until(self, &c->timer, 6 * BCSC_MSEC));
  printf("%3u ms  cell: operator cancels picker C's order\n", now_ms(c));
  bcsc_task_cancel(&c->pickers[2].w.task);

  BCSC_AWAIT(&c->co, rc, bcsc_sleep_until(self, &c->timer, 15 * BCSC_MSEC));
  printf("%3u ms  cell: emergency: abort the pick of %c, which holds the "
         "gripper\n",
         now_ms(c), gripper_holder(c));
  expect(c, gripper_holder(c) == 'B',
         "picker B does not hold the gripper at 15 ms");
  bcsc_task_cancel(&c->pickers[1].w.task);
  /* B is queued to see its cancellation, and runs before the cell. */
  BCSC_YIELD(&c->co, self);
  /* Its completion released the gripper: handed to D, who has not run
   * yet, so there is no owner but the gripper is not free either. */
  printf("%3u ms  cell: B ended: %s; gripper owner %c, locked %d (on its "
         "way to the next), %u in line\n",
         now_ms(c), bcsc_task_done(&c->pickers[1].w.task) ? "yes" : "no",
         gripper_holder(c), bcsc_mutex_locked(&c->gripper),
         (unsigned)bcsc_mutex_waiting(&c->gripper));
  expect(c, bcsc_task_done(&c->pickers[1].w.task), "B has not ended");
  expect(c,
         bcsc_mutex_owner(&c->gripper) == NULL &&
             bcsc_mutex_locked(&c->gripper) == 1 &&
             bcsc_mutex_waiting(&c->gripper) == 1,
         "the gripper is not on its way from B to D with E waiting");

  BCSC_AWAIT(&c->co, rc, bcsc_scope_join(&c->scope));
  expect(c, rc == 0, "the pickers' scope did not join with 0");
  expect(c,
         bcsc_mutex_locked(&c->gripper) == 0 &&
             bcsc_mutex_owner(&c->gripper) == NULL,
         "the gripper is still taken after the pickers");
  printf("%3u ms  cell: gripper went to %s; free again\n\n", now_ms(c),
         c->gripper_order);

  /* Act 2: the battery. */
  if ((rc = bcsc_scope_init(&c->scope, self, BCSC_SCOPE_FAIL_FAST)) != 0)
    return rc;
  for (i = 0; i < LOADS; i++)
    if ((rc = bcsc_scope_spawn(&c->scope, &c->loads[i].w.task)) != 0)
      return rc;

  BCSC_AWAIT(&c->co, rc, bcsc_sleep_until(self, &c->timer, 101 * BCSC_MSEC));
  rc = bcsc_semaphore_try_acquire(&c->battery, 2);
  printf("%3u ms  cell: try_acquire 2 A for the lights: %s (%u A free)\n",
         now_ms(c), bcsc_err_name(rc),
         (unsigned)bcsc_semaphore_available(&c->battery));
  expect(c, rc == BCSC_EAGAIN, "try_acquire of 2 A with 1 A free did not fail");
  if (rc == 0)
    bcsc_semaphore_release(&c->battery, 2);

  BCSC_AWAIT(&c->co, rc, bcsc_sleep_until(self, &c->timer, 104 * BCSC_MSEC));
  rc = bcsc_semaphore_try_acquire(&c->battery, 1);
  printf("%3u ms  cell: try_acquire 1 A: %s (%u A free, %u in line)\n",
         now_ms(c), bcsc_err_name(rc),
         (unsigned)bcsc_semaphore_available(&c->battery),
         (unsigned)bcsc_semaphore_waiting(&c->battery));
  expect(c, rc == BCSC_EAGAIN, "try_acquire barged past the line");
  if (rc == 0)
    bcsc_semaphore_release(&c->battery, 1);
  expect(c,
         bcsc_semaphore_available(&c->battery) == 1 &&
             bcsc_semaphore_waiting(&c->battery) == 2,
         "not 1 A free with the arm and the camera in line");

  BCSC_AWAIT(&c->co, rc, bcsc_sleep_until(self, &c->timer, 135 * BCSC_MSEC));
  printf("%3u ms  cell: the lift's job is cancelled (%u A free, %u in line)\n",
         now_ms(c), (unsigned)bcsc_semaphore_available(&c->battery),
         (unsigned)bcsc_semaphore_waiting(&c->battery));
  expect(c, bcsc_semaphore_waiting(&c->battery) == 2,
         "not the lift and the fan in line");
  bcsc_task_cancel(&c->loads[3].w.task);

  BCSC_AWAIT(&c->co, rc, bcsc_sleep_until(self, &c->timer, 142 * BCSC_MSEC));
  printf("%3u ms  cell: the fan is switched off early\n", now_ms(c));
  bcsc_task_cancel(&c->loads[4].w.task);

  BCSC_AWAIT(&c->co, rc, bcsc_scope_join(&c->scope));
  expect(c, rc == 0, "the loads' scope did not join with 0");
  printf("%3u ms  cell: %u A of %u free, %u in line\n", now_ms(c),
         (unsigned)bcsc_semaphore_available(&c->battery), BATTERY_AMPS,
         (unsigned)bcsc_semaphore_waiting(&c->battery));
  expect(c, bcsc_semaphore_available(&c->battery) == BATTERY_AMPS,
         "the battery's current did not all come back");
  BCSC_CO_END(&c->co);
}

static void worker_init(worker_t *w, bcsc_poll_fn poll, cell_t *c,
                        uint32_t arrive_ms) {
  bcsc_task_init(&w->task, poll, NULL);
  w->co = (bcsc_co_t)BCSC_CO_INITIALIZER;
  bcsc_timer_init(&w->timer);
  w->cell = c;
  w->arrive_ms = arrive_ms;
  w->end = 0;
}

static void picker_init(picker_t *p, cell_t *c, char name, uint32_t arrive) {
  worker_init(&p->w, picker_poll, c, arrive);
  bcsc_wait_init(&p->wait);
  p->name = name;
  p->owner_seen = 0;
  p->picked = 0;
}

static void load_init(load_t *l, cell_t *c, const char *name, uint32_t amps,
                      uint32_t arrive, uint32_t run) {
  worker_init(&l->w, load_poll, c, arrive);
  bcsc_semaphore_waiter_init(&l->waiter);
  l->name = name;
  l->amps = amps;
  l->run_ms = run;
}

int main(void) {
  /* stdio's buffer would otherwise come from malloc on the first printf;
   * static, because exit() flushes it after main's frame is gone. */
  static char stdout_buffer[4096];
  cell_t c; /* the whole task tree */
  bcsc_executor_t ex;
  bcsc_executor_config_t cfg = {.size = sizeof cfg, .reactor = &c.clock.base};
  /* The grants, as told at the top: D's at 15 ms, when B was cancelled,
   * not at 20 ms, when B's pick would have ended. */
  static const uint32_t gripper_grant_ms[] = {0, 10, 15, 25};
  static const char *const battery_order[] = {"drive", "arm", "camera", "fan"};
  static const uint32_t battery_grant_ms[] = {100, 120, 130, 135};
  int rc, i;

  setvbuf(stdout, stdout_buffer, _IOLBF, sizeof stdout_buffer);
  memset(&c, 0, sizeof c);
  if (bcsc_sim_reactor_init(&c.clock, 0) != 0 ||
      bcsc_executor_init(&ex, &cfg) != 0 ||
      bcsc_task_init(&c.task, cell_poll, NULL) != 0 ||
      bcsc_timer_init(&c.timer) != 0 || bcsc_mutex_init(&c.gripper) != 0 ||
      bcsc_semaphore_init(&c.battery, BATTERY_AMPS) != 0)
    return 1;
  for (i = 0; i < PICKERS; i++)
    picker_init(&c.pickers[i], &c, (char)('A' + i), (uint32_t)i);
  load_init(&c.loads[0], &c, "drive", 3, 100, 20);
  load_init(&c.loads[1], &c, "arm", 4, 102, 10);
  load_init(&c.loads[2], &c, "camera", 1, 103, 10);
  load_init(&c.loads[3], &c, "lift", 4, 122, 10);
  load_init(&c.loads[4], &c, "fan", 1, 123, 10);

  rc = bcsc_executor_run(&ex, &c.task);
  printf("%3u ms  main: cell finished: %s\n", now_ms(&c), bcsc_err_name(rc));
  if (rc != 0)
    c.failures++;

  /* Act 1: the gripper went to the pickers in the order they came, C
   * (cancelled in line) never had it, B (cancelled holding it) lost it to
   * D, and each holder saw itself as the owner. */
  expect(&c, strcmp(c.gripper_order, "ABDE") == 0,
         "the gripper did not go to A, B, D, E in that order");
  for (i = 0; i < (int)c.gripper_grants && i < PICKERS - 1; i++)
    expect(&c, c.gripper_grant_ms[i] == gripper_grant_ms[i],
           "the gripper's grants were not at 0, 10, 15 and 25 ms");
  expect(&c, c.pickers[2].w.end == BCSC_ECANCELED && !c.pickers[2].owner_seen,
         "picker C did not give up its place");
  expect(&c, c.pickers[1].w.end == BCSC_ECANCELED && !c.pickers[1].picked,
         "picker B did not end cancelled mid-pick");
  for (i = 0; i < PICKERS; i++)
    if (i != 2)
      expect(&c, c.pickers[i].owner_seen,
             "a picker holding the gripper was not its owner");
  expect(&c, c.pickers[0].picked && c.pickers[3].picked && c.pickers[4].picked,
         "A, D and E did not all place their parts");

  /* Act 2: the grants, their times, and who was cancelled where. */
  expect(&c, c.battery_grants == LOADS - 1, "not 4 loads got current");
  for (i = 0; i < (int)c.battery_grants && i < LOADS - 1; i++)
    expect(&c,
           strcmp(c.battery_order[i], battery_order[i]) == 0 &&
               c.battery_grant_ms[i] == battery_grant_ms[i],
           "the battery's grants were not drive@100, arm@120, camera@130, "
           "fan@135");
  expect(&c,
         c.loads[3].w.end == BCSC_ECANCELED &&
             c.loads[4].w.end == BCSC_ECANCELED,
         "the lift and the fan did not end cancelled");

  if (bcsc_mutex_deinit(&c.gripper) != 0 ||
      bcsc_semaphore_deinit(&c.battery) != 0 ||
      bcsc_executor_deinit(&ex) != 0) {
    fprintf(stderr, "main: teardown failed\n");
    c.failures++;
  }
  if (c.failures != 0) {
    fprintf(stderr, "main: %d unexpected outcomes\n", c.failures);
    return 1;
  }
  printf("main: the gripper went A, B, D, E in order; the battery's 4 A went "
         "drive, arm, camera, fan, and came back\n");
  return 0;
}
