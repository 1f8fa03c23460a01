/* SPDX-License-Identifier: MIT
 * test_dft.c - the design-for-test hooks of the checked build
 * (docs/testing.md, "Design-for-test hooks"; D28, D29):
 *
 *  - the links of an unlinked node are poisoned, and a walk that reaches a
 *    poisoned link stops with BCSC_MISUSE_NODE_UNLINKED;
 *  - both ends of a task header and of a registration are checked: the
 *    tag word at the tail, the poll pointer (keyed into the tag) and a
 *    registration's value at the front;
 *  - each scope counts its tasks' linked registrations: 0 at every end;
 *  - ASan builds poison a completed frame's dead header words (and a read
 *    of them is caught), with every API that reads a finished task clean;
 *  - test hook points between the steps of wake, unlink, cancel and
 *    completion: a test acts from inside each window and the invariants
 *    hold;
 *  - bcsc_executor_run_once(), the hand-stepped executor.
 *
 * The hook and the poison are internal-for-tests: this file includes the
 * core's internal.h (on the include path of every test). Tests of what only
 * the checked build does skip themselves in release; the misuse codes are
 * provoked through the public API in test_misuse.c. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include "bcsc.h"
#include "bcsc_test.h"
#include "inbox.h"
#include "internal.h"
#include "list.h"

#if defined(__SANITIZE_ADDRESS__)
#define TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TEST_ASAN 1
#endif
#endif
#ifdef TEST_ASAN
#include <sanitizer/asan_interface.h>
#define UNPOISON(p, n) __asan_unpoison_memory_region((p), (n))
#else
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

static bcsc_test_misuse_t g_misuse;

static void dft_init(void) { bcsc_test_misuse_install(&g_misuse); }

TestSuite(dft, .init = dft_init);

#define EXPECT_NO_MISUSE()                                                     \
  cr_assert_eq(g_misuse.count, 0, "unexpected misuse report %s",               \
               bcsc_misuse_name(g_misuse.last_code))

static void skip_unless_checked(void) {
  if (!bcsc_is_checked_build())
    cr_skip_test("a checked-build hook");
}

/* ---- a task that waits on up to three lists at once (a select) ---------- */

typedef struct multi {
  bcsc_task_t task; /* first */
  bcsc_wait_t w[3];
  bcsc_waitq_t *q[3];
  uint32_t polls;
  int fired[3]; /* what the last poll saw */
  int saw_cancel;
} multi_t;

static int multi_poll(bcsc_task_t *self) {
  multi_t *m = (multi_t *)(void *)self;
  m->polls++;
  if (m->polls > 1 || bcsc_task_cancelled(self)) {
    for (int i = 0; i < 3; i++)
      m->fired[i] = bcsc_wait_fired(&m->w[i]);
    m->saw_cancel = bcsc_task_cancelled(self);
    return BCSC_DONE;
  }
  for (int i = 0; i < 3; i++)
    if (m->q[i] != NULL)
      cr_assert_eq(bcsc_wait_register(self, &m->w[i], m->q[i]), 0);
  return BCSC_PENDING;
}

static void multi_init(multi_t *m, bcsc_waitq_t *q0, bcsc_waitq_t *q1,
                       bcsc_waitq_t *q2) {
  memset(m, 0, sizeof *m);
  cr_assert_eq(bcsc_task_init(&m->task, multi_poll, m), 0);
  for (int i = 0; i < 3; i++)
    cr_assert_eq(bcsc_wait_init(&m->w[i]), 0);
  m->q[0] = q0;
  m->q[1] = q1;
  m->q[2] = q2;
}

static void queues_init(bcsc_waitq_t *q, int n) {
  for (int i = 0; i < n; i++)
    cr_assert_eq(bcsc_waitq_init(&q[i]), 0);
}

static void queues_deinit(bcsc_waitq_t *q, int n) {
  for (int i = 0; i < n; i++)
    cr_assert_eq(bcsc_waitq_deinit(&q[i]), 0, "list %d still has waiters", i);
}

/* ---- poisoned links ------------------------------------------------------ */

Test(dft, an_unlinked_registration_has_poisoned_links) {
  bcsc_executor_t ex;
  bcsc_waitq_t q[2];
  multi_t m;
  skip_unless_checked();
  queues_init(q, 2);
  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  multi_init(&m, &q[0], &q[1], NULL);
  cr_assert_eq(bcsc_executor_spawn(&ex, &m.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 1), 1);
  cr_assert_eq(BCSC__SCOPE_LINKED(&ex.priv.root), 2);
  /* Cancelled early: out of both lists. */
  cr_assert_eq(bcsc_wait_cancel(&m.w[1]), 1);
  cr_assert_eq((void *)m.w[1].priv.queue.next, BCSC__POISONED);
  cr_assert_eq((void *)m.w[1].priv.queue.prev, BCSC__POISONED);
  cr_assert_eq((void *)m.w[1].priv.task_next, BCSC__POISONED);
  cr_assert_eq((void *)m.w[1].priv.task_pprev, BCSC__POISONED);
  cr_assert_eq(BCSC__SCOPE_LINKED(&ex.priv.root), 1);
  /* Fired: out of its list (its task links are the task's business until
   * the task is woken, which walks them). */
  cr_assert_eq(bcsc_waitq_wake_one(&q[0], 7), 1);
  cr_assert_eq((void *)m.w[0].priv.queue.next, BCSC__POISONED);
  cr_assert_eq((void *)m.w[0].priv.queue.prev, BCSC__POISONED);
  cr_assert_eq(BCSC__SCOPE_LINKED(&ex.priv.root), 0);
  /* Linking again rewrites them: the node is as good as new. */
  cr_assert_eq(bcsc_executor_run(&ex, &m.task), 0);
  cr_assert(m.fired[0] && !m.fired[1]);
  queues_deinit(q, 2);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
  EXPECT_NO_MISUSE();
}

Test(dft, a_completed_task_has_poisoned_sibling_links) {
  bcsc_executor_t ex;
  bcsc_test_leaf_t a, b, c;
  skip_unless_checked();
  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  bcsc_test_leaf_init(&a, 1);
  bcsc_test_leaf_init(&b, 2);
  bcsc_test_leaf_init(&c, 3);
  b.yields = 1;
  cr_assert_eq(bcsc_executor_spawn(&ex, &a.task), 0);
  cr_assert_eq(bcsc_executor_spawn(&ex, &b.task), 0);
  cr_assert_eq(bcsc_executor_spawn(&ex, &c.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 3), 3);
  cr_assert(bcsc_task_done(&a.task) && !bcsc_task_done(&b.task));
  UNPOISON(&a.task, sizeof a.task); /* ASan poisons them too: look anyway */
  cr_assert_eq((void *)a.task.priv.sibling_next, BCSC__POISONED);
  cr_assert_eq((void *)a.task.priv.sibling_prev, BCSC__POISONED);
  /* The live one's neighbours were rewritten around the gap. */
  cr_assert_null(b.task.priv.sibling_prev);
  cr_assert_eq(bcsc_executor_run(&ex, NULL), 0);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
  EXPECT_NO_MISUSE();
}

/* A live child's link left pointing at a sibling that completed (a lost
 * update), whose header word a stale copy restored, so that its canary
 * passes: the cancel walk reaches the completed sibling's poisoned link
 * and stops, instead of following what its frame held before. */
Test(dft, a_cancel_walk_stops_at_a_poisoned_sibling_link) {
  bcsc_executor_t ex;
  bcsc_waitq_t q;
  bcsc_test_leaf_t a, b, c;
  bcsc_test_owner_t owner;
  bcsc_task_t *children[] = {&a.task, &b.task, &c.task};
  uint64_t b_header;
  skip_unless_checked();
  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  queues_init(&q, 1);
  bcsc_test_leaf_init(&a, 1);
  bcsc_test_leaf_init(&b, 2);
  bcsc_test_leaf_init(&c, 3);
  a.queue = c.queue = &q;
  bcsc_test_owner_init(&owner, 0, BCSC_SCOPE_WAIT_ALL, children, 3);
  cr_assert_eq(bcsc_executor_spawn(&ex, &owner.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 4), 4);
  cr_assert(bcsc_task_done(&b.task) && !bcsc_task_done(&a.task));
  b_header = BCSC__HEADER(&b.task);

  /* Plant: a's next is b again, and b's header word says live (and
   * cancelled, so that the walk only steps through it). */
  a.task.priv.sibling_next = &b.task;
  UNPOISON(&b.task, sizeof b.task);
  BCSC__HEADER_SET(&b.task, bcsc__header_expect(
                                BCSC__TASK_WAITING | BCSC__TASK_CANCELLED,
                                BCSC__MAGIC_TASK, bcsc__task_tag16(&b.task)));
  cr_assert_eq(bcsc_scope_cancel(&owner.scope), BCSC_EBADOBJ);
  cr_assert_eq(g_misuse.count, 1);
  cr_assert_eq(g_misuse.codes[0], BCSC_MISUSE_NODE_UNLINKED);
  cr_assert(bcsc_task_cancelled(&a.task) && !bcsc_task_cancelled(&c.task),
            "the walk went past the poisoned link");
  cr_assert(!bcsc_scope_cancelled(&owner.scope));

  /* Repair and finish. */
  BCSC__HEADER_SET(&b.task, b_header);
  a.task.priv.sibling_next = &c.task;
  g_misuse.count = 0;
  cr_assert_eq(bcsc_scope_cancel(&owner.scope), 0);
  cr_assert_eq(bcsc_executor_run(&ex, &owner.task), BCSC_ECANCELED);
  queues_deinit(&q, 1);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
  EXPECT_NO_MISUSE();
}

/* ---- both ends of a header (D28) ---------------------------------------- */

static int other_poll(bcsc_task_t *self) {
  (void)self;
  return BCSC_DONE;
}

/* The front of a task header: its poll pointer, which bcsc owns once the
 * task is spawned. Overwritten (the end of a neighbour's overflow), the
 * frame is refused before it is called through, though its tail - magic
 * and tag - is intact. */
Test(dft, a_task_whose_poll_pointer_was_overwritten_is_not_polled) {
  bcsc_executor_t ex;
  bcsc_waitq_t q;
  bcsc_test_leaf_t leaf;
  skip_unless_checked();
  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  queues_init(&q, 1);
  bcsc_test_leaf_init(&leaf, 1);
  leaf.queue = &q;
  cr_assert_eq(bcsc_executor_spawn(&ex, &leaf.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 1), 1);
  EXPECT_NO_MISUSE();

  leaf.task.poll = other_poll;
  /* An entry point sees a header that is not its own any more. */
  cr_assert_eq(bcsc_task_cancel(&leaf.task), BCSC_EBADOBJ);
  cr_assert_eq(g_misuse.last_code, BCSC_MISUSE_MOVED);
  /* A wake reaches the frame through its registration and stops there. */
  cr_assert_eq(bcsc_waitq_wake_one(&q, 1), BCSC_EBADOBJ);
  cr_assert_eq(g_misuse.last_code, BCSC_MISUSE_FRAME_CLOBBERED);
  cr_assert_eq(g_misuse.count, 2);
  cr_assert_eq(leaf.polls, 1);

  leaf.task.poll = bcsc_test_leaf_poll; /* repaired */
  g_misuse.count = 0;
  cr_assert_eq(bcsc_waitq_wake_one(&q, 1), 1);
  cr_assert_eq(bcsc_executor_run(&ex, &leaf.task), 0);
  cr_assert(leaf.waited);
  queues_deinit(&q, 1);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
  EXPECT_NO_MISUSE();
}

/* The front of a registration: `value`, 0 while linked. */
Test(dft, a_registration_whose_front_was_overwritten_is_not_fired) {
  bcsc_executor_t ex;
  bcsc_waitq_t q;
  bcsc_test_leaf_t leaf;
  skip_unless_checked();
  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  queues_init(&q, 1);
  bcsc_test_leaf_init(&leaf, 1);
  leaf.queue = &q;
  cr_assert_eq(bcsc_executor_spawn(&ex, &leaf.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 1), 1);
  cr_assert_eq(leaf.wait.value, 0);

  leaf.wait.value = (uintptr_t)0x4141414141414141ull;
  cr_assert_eq(bcsc_waitq_wake_one(&q, 1), BCSC_EBADOBJ);
  cr_assert_eq(g_misuse.count, 1);
  cr_assert_eq(g_misuse.codes[0], BCSC_MISUSE_FRAME_CLOBBERED);
  cr_assert_eq(g_misuse.objects[0], &leaf.wait);
  cr_assert_eq(bcsc_waitq_count(&q), 1, "the clobbered node was unlinked");
  cr_assert_eq(bcsc_task_cancel(&leaf.task), 0);
  cr_assert_eq(g_misuse.count, 2, "the cancel's unlink did not see it");
  cr_assert_eq(g_misuse.codes[1], BCSC_MISUSE_FRAME_CLOBBERED);

  /* Repaired, and fired from its list (the cancel's walk dropped the
   * task's list when it stopped at the node): its task is queued already. */
  leaf.wait.value = 0;
  g_misuse.count = 0;
  cr_assert_eq(bcsc_waitq_wake_one(&q, 1), 1);
  cr_assert_eq(bcsc_executor_ready(&ex), 1);
  cr_assert_eq(bcsc_executor_run(&ex, &leaf.task), BCSC_ECANCELED);
  queues_deinit(&q, 1);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
  EXPECT_NO_MISUSE();
}

Test(dft, the_headers_keep_their_release_layout) {
  /* Same layout in both builds (the layout tables check every offset). */
  if (sizeof(void *) == 8) {
    cr_assert_eq(sizeof(bcsc_task_t), 64);
    cr_assert_eq(sizeof(bcsc_wait_t), 64);
  }
  cr_assert_eq(bcsc_task_sizeof(), sizeof(bcsc_task_t));
  cr_assert_eq(bcsc_wait_sizeof(), sizeof(bcsc_wait_t));
  cr_assert_eq(bcsc_scope_sizeof(), sizeof(bcsc_scope_t));
  cr_assert_eq(bcsc_executor_sizeof(), sizeof(bcsc_executor_t));
}

/* ---- scope counts: 0 at every end, on well-formed paths ---------------- */

/* Every way a registration ends - fired, cancelled early, unlinked by a
 * wake, by a cancel, by completion, by a select's end, a timer's - leaves
 * the scope's count where it was before it was linked. */
Test(dft, a_scope_count_returns_to_zero_on_every_path) {
  bcsc_executor_t ex;
  bcsc_waitq_t q[3];
  multi_t m[4];
  bcsc_task_t *children[] = {&m[0].task, &m[1].task, &m[2].task, &m[3].task};
  bcsc_test_owner_t owner;
  bcsc_waitq_t gate;
  skip_unless_checked();
  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  queues_init(q, 3);
  queues_init(&gate, 1);
  for (int i = 0; i < 4; i++)
    multi_init(&m[i], &q[0], &q[1], i % 2 ? &q[2] : NULL);
  bcsc_test_owner_init(&owner, 0, BCSC_SCOPE_WAIT_ALL, children, 4);
  owner.gate = &gate;
  cr_assert_eq(bcsc_executor_spawn(&ex, &owner.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 5), 5);
  cr_assert_eq(BCSC__SCOPE_LINKED(&owner.scope), 10);
  cr_assert_eq(BCSC__SCOPE_LINKED(&ex.priv.root), 1); /* the owner's gate */
  cr_assert_eq(bcsc_wait_cancel(&m[0].w[1]), 1);      /* early */
  cr_assert_eq(BCSC__SCOPE_LINKED(&owner.scope), 9);
  cr_assert_eq(bcsc_waitq_wake_one(&q[0], 1), 1); /* m0: one fired */
  cr_assert_eq(BCSC__SCOPE_LINKED(&owner.scope), 8);
  cr_assert_eq(bcsc_waitq_wake_all(&q[2], 2), 2); /* m1, m3: fired + unlink */
  cr_assert_eq(BCSC__SCOPE_LINKED(&owner.scope), 2);
  cr_assert_eq(bcsc_task_cancel(&m[2].task), 0); /* m2: cancel unlinks */
  cr_assert_eq(BCSC__SCOPE_LINKED(&owner.scope), 0);
  cr_assert_eq(bcsc_waitq_wake_one(&gate, 0), 1);
  cr_assert_eq(bcsc_executor_run(&ex, &owner.task), 0);
  cr_assert(owner.joined);
  for (int i = 0; i < 3; i++)
    cr_assert(bcsc_waitq_empty(&q[i]));
  cr_assert_eq(BCSC__SCOPE_LINKED(&ex.priv.root), 0);
  queues_deinit(q, 3);
  queues_deinit(&gate, 1);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
  EXPECT_NO_MISUSE();
}

/* ---- test hook points ---------------------------------------------------- */

typedef struct hook_test {
  bcsc__test_hook_t hook; /* first */
  int point;              /* where to act */
  void *object;           /* on which object (NULL: the first at point) */
  int acted;
  uint32_t calls[7]; /* per point, every call */
  void (*act)(struct hook_test *h, bcsc_executor_t *ex, void *object);
  /* what the action needs */
  bcsc_waitq_t *q;
  bcsc_task_t *task;
  bcsc_scope_t *scope;
  uint32_t ready_inside; /* bcsc_executor_ready() seen after acting */
} hook_test_t;

static void hook_fn(bcsc__test_hook_t *hook, bcsc_executor_t *ex, int point,
                    void *object) {
  hook_test_t *h = (hook_test_t *)(void *)hook;
  cr_assert(point >= 1 && point <= BCSC__HOOK_NOTIFYING);
  h->calls[point]++;
  /* Act once: the action's own steps call the hook again. */
  if (h->acted || point != h->point ||
      (h->object != NULL && object != h->object))
    return;
  h->acted = 1;
  h->act(h, ex, object);
  h->ready_inside = bcsc_executor_ready(ex);
}

static void
hook_install(hook_test_t *h, bcsc_executor_t *ex, int point, void *object,
             void (*act)(hook_test_t *, bcsc_executor_t *, void *)) {
  memset(h, 0, sizeof *h);
  h->hook.fn = hook_fn;
  h->point = point;
  h->object = object;
  h->act = act;
  cr_assert_eq(bcsc__test_set_hook(ex, &h->hook), 0);
}

Test(dft, the_hook_is_per_executor_and_checked_build_only) {
  bcsc_executor_t ex, other;
  hook_test_t h;
  bcsc_test_leaf_t a, b;
  bcsc_waitq_t q;
  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  cr_assert_eq(bcsc_executor_init(&other, NULL), 0);
  if (!bcsc_is_checked_build()) {
    bcsc__test_hook_t hook = {hook_fn, NULL, 0};
    cr_assert_eq(bcsc__test_set_hook(&ex, &hook), BCSC_ENOTSUP);
    cr_assert_eq(bcsc_executor_deinit(&ex), 0);
    cr_assert_eq(bcsc_executor_deinit(&other), 0);
    return;
  }
  queues_init(&q, 1);
  hook_install(&h, &ex, 0, NULL, NULL); /* count only */
  bcsc_test_leaf_init(&a, 1);
  bcsc_test_leaf_init(&b, 2);
  a.queue = b.queue = &q;
  cr_assert_eq(bcsc_executor_spawn(&ex, &a.task), 0);
  cr_assert_eq(bcsc_executor_spawn(&other, &b.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 1), 1);
  cr_assert_eq(bcsc_executor_poll(&other, 1), 1);
  cr_assert_eq(bcsc_waitq_wake_all(&q, 0), 2);
  cr_assert_eq(bcsc_executor_run(&ex, NULL), 0);
  cr_assert_eq(bcsc_executor_run(&other, NULL), 0);
  /* Only ex's steps: a's fire and completion. */
  cr_assert_eq(h.calls[BCSC__HOOK_FIRED], 1);
  cr_assert_eq(h.calls[BCSC__HOOK_COMPLETED], 1);
  cr_assert_eq(h.calls[BCSC__HOOK_UNLINKED], 0);
  cr_assert_eq(h.calls[BCSC__HOOK_CANCELLED], 0);
  cr_assert_eq(bcsc__test_set_hook(&ex, NULL), 0);
  h.hook.fn = NULL;
  cr_assert_eq(bcsc__test_set_hook(&ex, &h.hook), BCSC_EINVAL);
  cr_assert_eq(g_misuse.count, 1);
  g_misuse.count = 0;
  queues_deinit(&q, 1);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
  cr_assert_eq(bcsc_executor_deinit(&other), 0);
  EXPECT_NO_MISUSE();
}

/* The actions tests take from inside a window. */
static void act_wake_q(hook_test_t *h, bcsc_executor_t *ex, void *object) {
  (void)ex;
  (void)object;
  cr_assert_eq(bcsc_waitq_wake_one(h->q, 9), 1);
}

static void act_cancel_task(hook_test_t *h, bcsc_executor_t *ex, void *object) {
  (void)ex;
  (void)object;
  cr_assert_eq(bcsc_task_cancel(h->task), 0);
}

static void act_wake_q_and_cancel_task(hook_test_t *h, bcsc_executor_t *ex,
                                       void *object) {
  act_wake_q(h, ex, object);
  act_cancel_task(h, ex, object);
}

/* Wake: between "the registration is out of its list and marked fired" and
 * "its task is woken", the task's other registration fires and the task is
 * cancelled. The task is queued once, its lists are empty, both nodes say
 * fired, and the scope's count is 0. */
Test(dft, wake_window_another_fire_and_a_cancel) {
  bcsc_executor_t ex;
  bcsc_waitq_t q[2];
  multi_t m;
  hook_test_t h;
  skip_unless_checked();
  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  queues_init(q, 2);
  multi_init(&m, &q[0], &q[1], NULL);
  cr_assert_eq(bcsc_executor_spawn(&ex, &m.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 1), 1);
  hook_install(&h, &ex, BCSC__HOOK_FIRED, &m.w[0], act_wake_q_and_cancel_task);
  h.q = &q[1];
  h.task = &m.task;

  cr_assert_eq(bcsc_waitq_wake_one(&q[0], 1), 1);
  cr_assert(h.acted);
  cr_assert_eq(h.ready_inside, 1, "the window's own wake queued it");
  cr_assert_eq(bcsc_executor_ready(&ex), 1, "queued twice");
  cr_assert(bcsc_waitq_empty(&q[0]) && bcsc_waitq_empty(&q[1]));
  cr_assert(bcsc_wait_fired(&m.w[0]) && bcsc_wait_fired(&m.w[1]));
  cr_assert_eq(m.w[0].value, 1);
  cr_assert_eq(m.w[1].value, 9);
  cr_assert_eq(BCSC__SCOPE_LINKED(&ex.priv.root), 0);
  cr_assert_eq(bcsc_executor_run(&ex, &m.task), 0);
  cr_assert_eq(m.polls, 2);
  cr_assert(m.saw_cancel);
  queues_deinit(q, 2);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
  EXPECT_NO_MISUSE();
}

/* The same window for a task with one registration, which the common wake
 * queues in one store: the hook's cancel has queued the task already, and
 * the wake must not queue it a second time. (Written for mutation seed 2's
 * wait.c:409:5:sdl, the state not read again after the hook, which it does
 * not kill: the cancel also moved the task's list head, which that fast
 * path tests too - docs/testing.md.) */
Test(dft, wake_window_a_cancel_of_a_task_with_one_registration) {
  bcsc_executor_t ex;
  bcsc_waitq_t q[1];
  multi_t m;
  hook_test_t h;
  skip_unless_checked();
  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  queues_init(q, 1);
  multi_init(&m, &q[0], NULL, NULL);
  cr_assert_eq(bcsc_executor_spawn(&ex, &m.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 1), 1);
  hook_install(&h, &ex, BCSC__HOOK_FIRED, &m.w[0], act_cancel_task);
  h.task = &m.task;

  cr_assert_eq(bcsc_waitq_wake_one(&q[0], 1), 1);
  cr_assert(h.acted);
  cr_assert_eq(bcsc_executor_ready(&ex), 1, "queued twice");
  cr_assert(bcsc_wait_fired(&m.w[0]));
  cr_assert_eq(BCSC__SCOPE_LINKED(&ex.priv.root), 0);
  cr_assert_eq(bcsc_executor_run(&ex, &m.task), 0);
  cr_assert_eq(m.polls, 2);
  cr_assert(m.saw_cancel);
  queues_deinit(q, 1);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
  EXPECT_NO_MISUSE();
}

/* Unlink: a task woken by one of three registrations has the others
 * unlinked one by one; between the first and the rest, one of those still
 * linked fires. It is woken once, and no node is left linked. */
Test(dft, unlink_window_a_fire_of_a_node_not_yet_unlinked) {
  bcsc_executor_t ex;
  bcsc_waitq_t q[3];
  multi_t m;
  hook_test_t h;
  skip_unless_checked();
  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  queues_init(q, 3);
  multi_init(&m, &q[0], &q[1], &q[2]);
  cr_assert_eq(bcsc_executor_spawn(&ex, &m.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 1), 1);
  /* The task's list is newest first: w2 is unlinked first, then w1. */
  hook_install(&h, &ex, BCSC__HOOK_UNLINKED, &m.w[2], act_wake_q);
  h.q = &q[1];

  cr_assert_eq(bcsc_waitq_wake_one(&q[0], 1), 1);
  cr_assert(h.acted);
  cr_assert_eq(h.calls[BCSC__HOOK_UNLINKED], 1, "w1 was unlinked, not fired");
  cr_assert_eq(bcsc_executor_ready(&ex), 1, "queued twice");
  for (int i = 0; i < 3; i++)
    cr_assert(bcsc_waitq_empty(&q[i]));
  cr_assert(bcsc_wait_fired(&m.w[0]) && bcsc_wait_fired(&m.w[1]));
  cr_assert(!bcsc_wait_fired(&m.w[2]) && !bcsc_wait_linked(&m.w[2]));
  cr_assert_eq(BCSC__SCOPE_LINKED(&ex.priv.root), 0);
  cr_assert_eq(bcsc_executor_run(&ex, &m.task), 0);
  cr_assert(m.fired[0] && m.fired[1] && !m.fired[2]);
  queues_deinit(q, 3);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
  EXPECT_NO_MISUSE();
}

static void act_cancel_scope_and_wake(hook_test_t *h, bcsc_executor_t *ex,
                                      void *object) {
  act_wake_q(h, ex, object);
  /* A second cancellation of the scope whose walk is in progress. */
  cr_assert_eq(bcsc_scope_cancel(h->scope), 0);
}

/* Cancel: a scope's cancellation walk has cancelled its first child; in
 * the window the third child's registration fires and the scope is
 * cancelled again from inside. Every child is cancelled and queued exactly
 * once. */
Test(dft, cancel_window_a_fire_and_a_nested_cancel) {
  bcsc_executor_t ex;
  bcsc_waitq_t q[3], gate;
  bcsc_test_leaf_t leaf[3];
  bcsc_task_t *children[] = {&leaf[0].task, &leaf[1].task, &leaf[2].task};
  bcsc_test_owner_t owner;
  bcsc_executor_stats_t stats = {.size = sizeof stats};
  hook_test_t h;
  skip_unless_checked();
  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  queues_init(q, 3);
  queues_init(&gate, 1);
  for (int i = 0; i < 3; i++) {
    bcsc_test_leaf_init(&leaf[i], i + 1);
    leaf[i].queue = &q[i];
  }
  bcsc_test_owner_init(&owner, 0, BCSC_SCOPE_WAIT_ALL, children, 3);
  owner.gate = &gate;
  cr_assert_eq(bcsc_executor_spawn(&ex, &owner.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 4), 4);
  hook_install(&h, &ex, BCSC__HOOK_CANCELLED, &leaf[0].task,
               act_cancel_scope_and_wake);
  h.q = &q[2];
  h.scope = &owner.scope;

  cr_assert_eq(bcsc_scope_cancel(&owner.scope), 0);
  cr_assert(h.acted);
  cr_assert_eq(h.calls[BCSC__HOOK_CANCELLED], 3, "a child cancelled twice");
  cr_assert_eq(bcsc_executor_ready(&ex), 3, "a child queued twice");
  cr_assert(bcsc_scope_cancelled(&owner.scope));
  for (int i = 0; i < 3; i++) {
    cr_assert(bcsc_task_cancelled(&leaf[i].task));
    cr_assert(bcsc_waitq_empty(&q[i]));
  }
  cr_assert_eq(BCSC__SCOPE_LINKED(&owner.scope), 0);
  cr_assert_eq(bcsc_executor_stats(&ex, &stats), 0);
  cr_assert_eq(stats.cancels, 3);
  cr_assert_eq(bcsc_waitq_wake_one(&gate, 0), 1);
  cr_assert_eq(bcsc_executor_run(&ex, &owner.task), BCSC_ECANCELED);
  cr_assert_eq(owner.join_rc, BCSC_ECANCELED);
  for (int i = 0; i < 3; i++)
    cr_assert_eq(leaf[i].polls, 2);
  queues_deinit(q, 3);
  queues_deinit(&gate, 1);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
  EXPECT_NO_MISUSE();
}

/* Completion: a child failed and is done, its scope not yet told (fail-fast
 * would cancel the rest); in the window its sibling is cancelled by hand.
 * The policy's walk then finds it cancelled: it is counted and queued once,
 * and the join reports the failure. */
Test(dft, completion_window_a_cancel_before_the_policy_acts) {
  bcsc_executor_t ex;
  bcsc_waitq_t q, gate;
  bcsc_test_leaf_t failing, waiting;
  bcsc_task_t *children[] = {&failing.task, &waiting.task};
  bcsc_test_owner_t owner;
  bcsc_executor_stats_t stats = {.size = sizeof stats};
  hook_test_t h;
  skip_unless_checked();
  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  queues_init(&q, 1);
  queues_init(&gate, 1);
  bcsc_test_leaf_init(&failing, 1);
  bcsc_test_leaf_init(&waiting, 2);
  failing.yields = 1;
  failing.result = BCSC_TEST_E1;
  waiting.queue = &q;
  bcsc_test_owner_init(&owner, 0, BCSC_SCOPE_FAIL_FAST, children, 2);
  cr_assert_eq(bcsc_executor_spawn(&ex, &owner.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 3), 3);
  hook_install(&h, &ex, BCSC__HOOK_COMPLETED, &failing.task, act_cancel_task);
  h.task = &waiting.task;

  cr_assert_eq(bcsc_executor_poll(&ex, 1), 1); /* failing returns E1 */
  cr_assert(h.acted);
  cr_assert(bcsc_task_done(&failing.task));
  cr_assert_eq(h.ready_inside, 1);
  cr_assert_eq(bcsc_executor_ready(&ex), 1, "queued twice");
  cr_assert(bcsc_scope_cancelled(&owner.scope), "the policy did not act");
  cr_assert(bcsc_waitq_empty(&q));
  cr_assert_eq(bcsc_executor_stats(&ex, &stats), 0);
  cr_assert_eq(stats.cancels, 1);
  cr_assert_eq(bcsc_executor_run(&ex, &owner.task), BCSC_TEST_E1);
  cr_assert_eq(owner.join_rc, BCSC_TEST_E1);
  cr_assert_eq(bcsc_scope_error_count(&owner.scope), 1);
  queues_deinit(&q, 1);
  queues_deinit(&gate, 1);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
  EXPECT_NO_MISUSE();
}

static void act_spawn_into_scope(hook_test_t *h, bcsc_executor_t *ex,
                                 void *object) {
  (void)ex;
  (void)object;
  cr_assert_eq(bcsc_scope_spawn(h->scope, h->task), 0);
}

/* Completion: the only child is done and its scope's count is 0, its
 * joining owner not yet told; in the window a new child is spawned into the
 * scope. The owner must not be woken: its scope is not empty. (Mutation
 * testing: not reading the count again after the hook, scope.c:331 sdl,
 * woke the owner for nothing and passed every suite.) */
Test(dft, completion_window_a_spawn_into_the_emptied_scope) {
  bcsc_executor_t ex;
  bcsc_waitq_t q;
  bcsc_test_leaf_t first, late;
  bcsc_task_t *children[] = {&first.task};
  bcsc_test_owner_t owner;
  hook_test_t h;
  skip_unless_checked();
  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  queues_init(&q, 1);
  bcsc_test_leaf_init(&first, 1);
  bcsc_test_leaf_init(&late, 2);
  first.yields = 1;
  late.queue = &q;
  bcsc_test_owner_init(&owner, 0, BCSC_SCOPE_WAIT_ALL, children, 1);
  cr_assert_eq(bcsc_executor_spawn(&ex, &owner.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 2), 2); /* owner joins, first yields */
  hook_install(&h, &ex, BCSC__HOOK_COMPLETED, &first.task,
               act_spawn_into_scope);
  h.scope = &owner.scope;
  h.task = &late.task;

  cr_assert_eq(bcsc_executor_poll(&ex, 1), 1); /* first returns */
  cr_assert(h.acted);
  cr_assert(bcsc_task_done(&first.task));
  /* Only the new child runs (and waits); the owner sleeps on. */
  cr_assert_eq(bcsc_executor_poll(&ex, 8), 1);
  cr_assert_eq(owner.polls, 1);
  cr_assert_eq(late.polls, 1);
  cr_assert_eq(bcsc_waitq_wake_all(&q, 0), 1);
  cr_assert_eq(bcsc_executor_run(&ex, &owner.task), 0);
  cr_assert_eq(owner.polls, 2);
  cr_assert(late.finished);
  cr_assert_eq(owner.join_rc, 0);
  queues_deinit(&q, 1);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
  EXPECT_NO_MISUSE();
}

/* Hooks on every point, acting nowhere, change nothing: a run of a tree
 * with waits, wakes, cancels and failures under a hook ends as without
 * one, with no report (the well-formed paths do not trip the checks). */
Test(dft, a_counting_hook_changes_nothing) {
  for (int with_hook = 0; with_hook < 2; with_hook++) {
    bcsc_executor_t ex;
    bcsc_waitq_t q[3];
    multi_t m[3];
    bcsc_test_leaf_t leaf[2];
    bcsc_task_t *children[] = {&m[0].task, &m[1].task, &m[2].task,
                               &leaf[0].task, &leaf[1].task};
    bcsc_test_owner_t owner;
    bcsc_executor_stats_t stats = {.size = sizeof stats};
    static bcsc_executor_stats_t without;
    hook_test_t h;
    cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
    queues_init(q, 3);
    for (int i = 0; i < 3; i++)
      multi_init(&m[i], &q[i], &q[(i + 1) % 3], NULL);
    bcsc_test_leaf_init(&leaf[0], 1);
    bcsc_test_leaf_init(&leaf[1], 2);
    leaf[0].yields = 3;
    leaf[1].queue = &q[0];
    leaf[1].result = BCSC_TEST_E2;
    bcsc_test_owner_init(&owner, 0, BCSC_SCOPE_FAIL_FAST, children, 5);
    if (with_hook && bcsc_is_checked_build())
      hook_install(&h, &ex, 0, NULL, NULL);
    cr_assert_eq(bcsc_executor_spawn(&ex, &owner.task), 0);
    cr_assert_gt(bcsc_executor_poll(&ex, 100), 6);
    cr_assert_eq(bcsc_executor_ready(&ex), 0);
    cr_assert_eq(bcsc_waitq_wake_one(&q[1], 1), 1);
    cr_assert_eq(bcsc_waitq_wake_all(&q[0], 2), 2); /* leaf 1 fails */
    cr_assert_eq(bcsc_executor_run(&ex, &owner.task), BCSC_TEST_E2);
    for (int i = 0; i < 3; i++)
      cr_assert(bcsc_waitq_empty(&q[i]));
    cr_assert_eq(bcsc_executor_stats(&ex, &stats), 0);
    if (!with_hook) {
      without = stats;
    } else {
      cr_assert_eq(memcmp(&stats, &without, sizeof stats), 0);
      if (bcsc_is_checked_build())
        cr_assert(h.calls[BCSC__HOOK_FIRED] > 0 &&
                  h.calls[BCSC__HOOK_UNLINKED] > 0 &&
                  h.calls[BCSC__HOOK_CANCELLED] > 0 &&
                  h.calls[BCSC__HOOK_COMPLETED] == 6);
    }
    queues_deinit(q, 3);
    cr_assert_eq(bcsc_executor_deinit(&ex), 0);
  }
  EXPECT_NO_MISUSE();
}

/* ---- bcsc_executor_run_once() ------------------------------------------ */

Test(dft, run_once_takes_one_turn_and_names_its_task) {
  bcsc_executor_t ex;
  bcsc_test_leaf_t a, b;
  bcsc_task_t *polled = &a.task;
  bcsc_test_log_t log;
  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  bcsc_test_log_init(&log);
  bcsc_test_leaf_init(&a, 1);
  bcsc_test_leaf_init(&b, 2);
  a.log = b.log = &log;
  a.yields = 1;
  cr_assert_eq(bcsc_executor_run_once(&ex, &polled), 0);
  cr_assert_null(polled, "nothing ran, yet a task is named");
  cr_assert_eq(bcsc_executor_spawn(&ex, &a.task), 0);
  cr_assert_eq(bcsc_executor_spawn(&ex, &b.task), 0);

  cr_assert_eq(bcsc_executor_run_once(&ex, &polled), 1);
  cr_assert_eq(polled, &a.task);
  cr_assert_eq(log.len, 1);
  cr_assert(!bcsc_task_done(&a.task));
  cr_assert_eq(bcsc_executor_ready(&ex), 2);
  cr_assert_eq(bcsc_executor_run_once(&ex, &polled), 1);
  cr_assert_eq(polled, &b.task);
  cr_assert(bcsc_task_done(&b.task), "b ran to its end in its turn");
  cr_assert_eq(bcsc_executor_run_once(&ex, NULL), 1); /* a's second */
  cr_assert(bcsc_task_done(&a.task));
  cr_assert_eq(bcsc_executor_run_once(&ex, &polled), 0);
  cr_assert_null(polled);
  cr_assert(bcsc_test_log_equals(&log, (const int[]){1, 2, 1}, 3));
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
  EXPECT_NO_MISUSE();
}

/* A turn that advances a drain (no poll function runs) is that task's. */
Test(dft, run_once_names_a_task_whose_scopes_it_drains) {
  bcsc_executor_t ex;
  bcsc_waitq_t q;
  bcsc_test_leaf_t child;
  bcsc_task_t *children[] = {&child.task};
  bcsc_test_owner_t owner;
  bcsc_task_t *polled = NULL;
  uint32_t owner_polls;
  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  queues_init(&q, 1);
  bcsc_test_leaf_init(&child, 1);
  child.queue = &q;
  bcsc_test_owner_init(&owner, 0, BCSC_SCOPE_WAIT_ALL, children, 1);
  owner.early_return = 1;
  cr_assert_eq(bcsc_executor_spawn(&ex, &owner.task), 0);
  cr_assert_eq(bcsc_executor_run_once(&ex, &polled), 1); /* returns early */
  cr_assert_eq(polled, &owner.task);
  cr_assert(!bcsc_task_done(&owner.task), "it drains its scope first");
  cr_assert_eq(bcsc_executor_run_once(&ex, &polled), 1); /* the child */
  cr_assert_eq(polled, &child.task);
  cr_assert(bcsc_task_done(&child.task));
  owner_polls = owner.polls;
  cr_assert_eq(bcsc_executor_run_once(&ex, &polled), 1); /* the drain */
  cr_assert_eq(polled, &owner.task);
  cr_assert_eq(owner.polls, owner_polls, "a drain turn polled");
  cr_assert(bcsc_task_done(&owner.task));
  cr_assert_eq(bcsc_executor_run_once(&ex, &polled), 0);
  queues_deinit(&q, 1);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
  EXPECT_NO_MISUSE();
}

typedef struct reenter {
  bcsc_task_t task;
  bcsc_executor_t *ex;
  int rc;
  bcsc_task_t *named;
} reenter_t;

static int reenter_poll(bcsc_task_t *self) {
  reenter_t *r = (reenter_t *)(void *)self;
  r->named = self;
  r->rc = bcsc_executor_run_once(r->ex, &r->named);
  return BCSC_DONE;
}

Test(dft, run_once_fails_as_poll_does) {
  bcsc_executor_t ex;
  reenter_t r;
  bcsc_task_t *polled = &r.task;
  cr_assert_eq(bcsc_executor_run_once(NULL, &polled), BCSC_EINVAL);
  cr_assert_null(polled);
  cr_assert_eq(g_misuse.count, bcsc_test_misuse_expected(1));
  g_misuse.count = 0;
  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  cr_assert_eq(bcsc_task_init(&r.task, reenter_poll, NULL), 0);
  r.ex = &ex;
  cr_assert_eq(bcsc_executor_spawn(&ex, &r.task), 0);
  cr_assert_eq(bcsc_executor_run_once(&ex, &polled), 1);
  cr_assert_eq(polled, &r.task);
  cr_assert_eq(r.rc, BCSC_EBUSY);
  cr_assert_null(r.named);
  cr_assert_eq(g_misuse.count, bcsc_test_misuse_expected(1));
  cr_assert_eq(g_misuse.last_code,
               bcsc_is_checked_build() ? BCSC_MISUSE_REENTRANT_POLL : 0);
  g_misuse.count = 0;
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
  EXPECT_NO_MISUSE();
}

/* ---- ASan: a completed frame's dead header words ------------------------ */

#ifdef TEST_ASAN
static int dead_words_poisoned(const bcsc_task_t *t) {
  return __asan_address_is_poisoned(&t->priv.sibling_next) &&
         __asan_address_is_poisoned(&t->priv.sibling_prev) &&
         __asan_address_is_poisoned(&t->priv.scopes);
}

static int live_words_readable(const bcsc_task_t *t) {
  return !__asan_address_is_poisoned(&t->data) &&
         !__asan_address_is_poisoned(&t->poll) &&
         !__asan_address_is_poisoned(&t->priv.link) &&
         !__asan_address_is_poisoned(&t->priv.scope) &&
         !__asan_address_is_poisoned(&t->priv.state) &&
         !__asan_address_is_poisoned(&t->priv.self_tag);
}

/* The opt-in (D29): a hook that carries only the flag. */
static bcsc__test_hook_t poison_frames = {NULL, NULL, BCSC__TEST_POISON_FRAMES};

static void poison_frames_of(bcsc_executor_t *ex) {
  if (!bcsc_is_checked_build())
    cr_skip_test("the opt-in is a checked-build hook");
  cr_assert_eq(bcsc__test_set_hook(ex, &poison_frames), 0);
}

/* Without the opt-in nothing is poisoned: a program may memset a frame
 * whose task has completed, or reuse its memory. */
Test(dft_asan, a_completed_frame_is_not_poisoned_by_default) {
  bcsc_executor_t ex;
  bcsc_test_leaf_t leaf;
  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  bcsc_test_leaf_init(&leaf, 1);
  cr_assert_eq(bcsc_executor_run(&ex, &leaf.task), 0);
  cr_assert(!__asan_address_is_poisoned(&leaf.task.priv.sibling_next));
  memset(&leaf, 0, sizeof leaf);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
  EXPECT_NO_MISUSE();
}

/* Every API that reads a finished task reads only what stays readable:
 * ASan would end the test at the first read of a poisoned word. */
Test(dft_asan, a_completed_header_is_poisoned_until_it_is_initialised) {
  bcsc_executor_t ex;
  bcsc_test_leaf_t leaf, racer;
  bcsc_task_t *children[] = {&leaf.task, &racer.task};
  bcsc_test_owner_t owner;
  bcsc_test_misuse_t rec;
  bcsc_pool_t pool;
  _Alignas(BCSC_POOL_ALIGN) unsigned char
      mem[BCSC_POOL_BYTES(sizeof(bcsc_test_leaf_t), 2)];
  void *frame;
  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  poison_frames_of(&ex);
  bcsc_test_leaf_init(&leaf, 1);
  bcsc_test_leaf_init(&racer, 2);
  racer.yields = 2;
  cr_assert(!dead_words_poisoned(&leaf.task));
  bcsc_test_owner_init(&owner, 0, BCSC_SCOPE_RACE, children, 2);
  cr_assert_eq(bcsc_executor_run(&ex, &owner.task), 0);
  cr_assert(dead_words_poisoned(&leaf.task));
  cr_assert(dead_words_poisoned(&racer.task));
  cr_assert(dead_words_poisoned(&owner.task));
  cr_assert(live_words_readable(&leaf.task));
  cr_assert(bcsc_task_done(&leaf.task));
  cr_assert_eq(bcsc_task_result(&leaf.task), 0);
  cr_assert(!bcsc_task_cancelled(&leaf.task));
  cr_assert_eq(bcsc_scope_winner(&owner.scope), &leaf.task);
  bcsc_test_misuse_install(&rec);
  cr_assert_eq(bcsc_task_cancel(&leaf.task), BCSC_ESTATE);
  cr_assert_eq(bcsc_executor_spawn(&ex, &leaf.task), BCSC_ESTATE);
  cr_assert_eq(bcsc_task_yield(&leaf.task), BCSC_EPERM);
  cr_assert_eq(bcsc_executor_run(&ex, &leaf.task), 0);
  bcsc_test_misuse_install(&g_misuse);
  /* Initialised again: wholly readable, and runs again. */
  bcsc_test_leaf_init(&leaf, 1);
  cr_assert(!dead_words_poisoned(&leaf.task));
  cr_assert_eq(bcsc_executor_run(&ex, &leaf.task), 0);
  cr_assert(dead_words_poisoned(&leaf.task));

  /* A pool recycles a completed frame through bcsc_task_init(). */
  cr_assert_eq(
      bcsc_pool_init(&pool, mem, sizeof mem, sizeof(bcsc_test_leaf_t), 0), 0);
  for (int round = 0; round < 3; round++) {
    cr_assert_eq(bcsc_pool_acquire(&pool, bcsc_test_leaf_poll, NULL, &frame),
                 0);
    cr_assert(!dead_words_poisoned(frame));
    bcsc_test_leaf_init_fields(frame, round);
    cr_assert_eq(bcsc_executor_spawn(&ex, frame), 0);
    cr_assert_eq(bcsc_executor_run(&ex, NULL), 0);
  }
  cr_assert_eq(bcsc_pool_available(&pool), bcsc_pool_capacity(&pool));
  cr_assert_eq(bcsc_pool_deinit(&pool), 0);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
  EXPECT_NO_MISUSE();
}

/* The negative control: a planted stale read of a finished frame's header
 * (a walk that followed a dead sibling link) is caught by ASan, although
 * the memory is inside a live object the test owns. */
Test(dft_asan, a_read_of_a_finished_header_is_caught, .exit_code = 1) {
  bcsc_executor_t ex;
  bcsc_test_leaf_t leaf;
  bcsc_task_t *volatile next;
  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  poison_frames_of(&ex);
  bcsc_test_leaf_init(&leaf, 1);
  next = leaf.task.priv.sibling_next; /* live: fine */
  cr_assert_eq(bcsc_executor_run(&ex, &leaf.task), 0);
  next = leaf.task.priv.sibling_next; /* the planted bug */
  (void)next;
  cr_assert_fail("ASan did not catch the read of a poisoned header word");
}
#endif

/* ---- the checks' other detection points --------------------------------- */

/* A root task's registration left linked when the executor is torn down:
 * the root scope ends there. */
Test(dft, the_root_scope_is_audited_at_teardown) {
  bcsc_executor_t ex;
  bcsc_waitq_t q;
  bcsc_test_leaf_t leaf;
  bcsc_wait_t idle_copy;
  skip_unless_checked();
  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  queues_init(&q, 1);
  bcsc_test_leaf_init(&leaf, 1);
  leaf.queue = &q;
  memcpy(&idle_copy, &leaf.wait, sizeof idle_copy);
  cr_assert_eq(bcsc_executor_spawn(&ex, &leaf.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 1), 1);
  memcpy(&leaf.wait, &idle_copy, sizeof idle_copy); /* dangles in q */
  cr_assert_eq(bcsc_task_cancel(&leaf.task), 0);
  cr_assert_eq(bcsc_executor_run(&ex, &leaf.task), BCSC_ECANCELED);
  EXPECT_NO_MISUSE();
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
  cr_assert_eq(g_misuse.count, 1);
  cr_assert_eq(g_misuse.codes[0], BCSC_MISUSE_SCOPE_END_LINKED);
  cr_assert_eq(g_misuse.objects[0], &ex.priv.root);
  g_misuse.count = 0;
  cr_assert_eq(bcsc_waitq_count(&q), 1);
  queues_init(&q, 1); /* abandon the dangling node */
}

/* A wake's walk over the woken task's other registrations meets one whose
 * ring links no longer hold it: it stops there, the node left alone. */
Test(dft, a_wake_walk_stops_at_a_registration_its_list_lost) {
  bcsc_executor_t ex;
  bcsc_waitq_t q[2];
  multi_t m;
  struct bcsc_wait_link *prev;
  skip_unless_checked();
  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  queues_init(q, 2);
  multi_init(&m, &q[0], &q[1], NULL);
  cr_assert_eq(bcsc_executor_spawn(&ex, &m.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 1), 1);
  prev = m.w[1].priv.queue.prev;
  m.w[1].priv.queue.prev = BCSC__POISONED;
  cr_assert_eq(bcsc_waitq_wake_one(&q[0], 1), 1);
  cr_assert_eq(g_misuse.count, 1);
  cr_assert_eq(g_misuse.codes[0], BCSC_MISUSE_NODE_UNLINKED);
  cr_assert_eq(g_misuse.objects[0], &m.w[1]);
  cr_assert(bcsc_wait_linked(&m.w[1]), "the walk went through it");
  g_misuse.count = 0;
  m.w[1].priv.queue.prev = prev; /* repaired: fire it from its list */
  cr_assert_eq(bcsc_waitq_wake_one(&q[1], 2), 1);
  cr_assert_eq(bcsc_executor_run(&ex, &m.task), 0);
  queues_deinit(q, 2);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
  EXPECT_NO_MISUSE();
}

/* A wake that finds the oldest registration's ring links broken does not
 * unlink it through them. */
Test(dft, a_wake_refuses_a_registration_its_list_lost) {
  bcsc_executor_t ex;
  bcsc_waitq_t q;
  bcsc_test_leaf_t leaf;
  struct bcsc_wait_link *next;
  skip_unless_checked();
  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  queues_init(&q, 1);
  bcsc_test_leaf_init(&leaf, 1);
  leaf.queue = &q;
  cr_assert_eq(bcsc_executor_spawn(&ex, &leaf.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 1), 1);
  next = leaf.wait.priv.queue.next;
  leaf.wait.priv.queue.next = BCSC__POISONED;
  cr_assert_eq(bcsc_waitq_wake_one(&q, 1), BCSC_EBADOBJ);
  cr_assert_eq(g_misuse.count, 1);
  cr_assert_eq(g_misuse.codes[0], BCSC_MISUSE_NODE_UNLINKED);
  cr_assert_eq(bcsc_wait_cancel(&leaf.wait), BCSC_EBADOBJ);
  cr_assert_eq(g_misuse.codes[1], BCSC_MISUSE_NODE_UNLINKED);
  cr_assert_eq(bcsc_waitq_count(&q), 1);
  g_misuse.count = 0;
  leaf.wait.priv.queue.next = next;
  cr_assert_eq(bcsc_waitq_wake_one(&q, 1), 1);
  cr_assert_eq(bcsc_executor_run(&ex, &leaf.task), 0);
  queues_deinit(&q, 1);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
  EXPECT_NO_MISUSE();
}

/* bcsc_wait_cancel() checks the front too: a misaligned value, and an
 * aligned one that is no waiter list (a place in a line names its list). */
Test(dft, an_early_cancel_refuses_a_registration_with_a_clobbered_front) {
  static const uintptr_t values[2] = {0x1233, 0}; /* unaligned anywhere */
  bcsc_executor_t ex;
  bcsc_waitq_t q;
  bcsc_test_leaf_t leaf;
  uint64_t not_a_list[8] = {0};
  skip_unless_checked();
  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  queues_init(&q, 1);
  bcsc_test_leaf_init(&leaf, 1);
  leaf.queue = &q;
  cr_assert_eq(bcsc_executor_spawn(&ex, &leaf.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 1), 1);
  for (int i = 0; i < 2; i++) {
    leaf.wait.value = values[i] != 0 ? values[i] : (uintptr_t)not_a_list;
    cr_assert_eq(bcsc_wait_cancel(&leaf.wait), BCSC_EBADOBJ);
    cr_assert_eq(g_misuse.count, 1);
    cr_assert_eq(g_misuse.codes[0], BCSC_MISUSE_FRAME_CLOBBERED);
    g_misuse.count = 0;
  }
  leaf.wait.value = 0;
  cr_assert_eq(bcsc_wait_cancel(&leaf.wait), 1);
  cr_assert_eq(bcsc_task_cancel(&leaf.task), 0);
  cr_assert_eq(bcsc_executor_run(&ex, &leaf.task), BCSC_ECANCELED);
  queues_deinit(&q, 1);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
  EXPECT_NO_MISUSE();
}

Test(dft, setting_a_hook_checks_its_arguments) {
  bcsc__test_hook_t empty = {NULL, NULL, 0};
  cr_assert_eq(bcsc__test_set_hook(NULL, &empty), BCSC_EINVAL);
  cr_assert_eq(g_misuse.count, bcsc_test_misuse_expected(1));
  g_misuse.count = 0;
}

/* The turn run_once takes after firing a due timer or draining a value
 * wake is that task's. */
typedef struct sleeper {
  bcsc_task_t task;
  bcsc_timer_t timer;
  bcsc_waker_t waker;
  int phase;
} sleeper_t;

static int sleeper_poll(bcsc_task_t *self) {
  sleeper_t *s = (sleeper_t *)(void *)self;
  int rc;
  switch (s->phase) {
  case 0:
    rc = bcsc_sleep_for(self, &s->timer, 1000);
    if (rc == BCSC_PENDING)
      return rc;
    cr_assert_eq(rc, 0);
    s->phase = 1;
    /* fall through */
  case 1:
    cr_assert_eq(bcsc_task_waker(self, &s->waker), 0);
    s->phase = 2;
    return BCSC_PENDING; /* a value wake ends it */
  default:
    return BCSC_DONE;
  }
}

Test(dft, run_once_fires_timers_and_drains_wakes_before_its_turn) {
  bcsc_sim_reactor_t sim;
  bcsc_executor_t ex;
  bcsc_waker_slot_t slots[2];
  bcsc_executor_config_t config = {.size = sizeof config};
  sleeper_t s;
  bcsc_task_t *polled = NULL;
  cr_assert_eq(bcsc_sim_reactor_init(&sim, 0), 0);
  config.reactor = &sim.base;
  config.waker_slots = slots;
  config.waker_slot_count = 2;
  cr_assert_eq(bcsc_executor_init(&ex, &config), 0);
  memset(&s, 0, sizeof s);
  cr_assert_eq(bcsc_task_init(&s.task, sleeper_poll, NULL), 0);
  cr_assert_eq(bcsc_timer_init(&s.timer), 0);
  cr_assert_eq(bcsc_executor_spawn(&ex, &s.task), 0);
  cr_assert_eq(bcsc_executor_run_once(&ex, &polled), 1); /* sleeps */
  cr_assert_eq(bcsc_executor_run_once(&ex, &polled), 0);
  cr_assert_null(polled);
  cr_assert_eq(bcsc_sim_reactor_advance(&sim, 1000), 0);
  cr_assert_eq(bcsc_executor_run_once(&ex, &polled), 1); /* the timer */
  cr_assert_eq(polled, &s.task);
  cr_assert_eq(s.phase, 2);
  cr_assert_eq(bcsc_waker_wake(s.waker), 0);
  polled = NULL;
  cr_assert_eq(bcsc_executor_run_once(&ex, &polled), 1); /* the wake */
  cr_assert_eq(polled, &s.task);
  cr_assert(bcsc_task_done(&s.task));
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
  EXPECT_NO_MISUSE();
}

/* Every way a registration's links can be stale - its ring links (NULL,
 * poisoned, or not pointed back at) and its links in its task's list - is
 * caught before an unlink writes through them, and nothing is changed. */
Test(dft, every_stale_registration_link_is_caught_before_an_unlink) {
  bcsc_executor_t ex;
  bcsc_waitq_t q[2];
  multi_t m;
  bcsc_test_leaf_t other;
  bcsc_wait_t *stray = NULL;
  skip_unless_checked();
  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  queues_init(q, 2);
  multi_init(&m, &q[0], &q[1], NULL);
  bcsc_test_leaf_init(&other, 2);
  other.queue = &q[0];
  cr_assert_eq(bcsc_executor_spawn(&ex, &m.task), 0);
  cr_assert_eq(bcsc_executor_spawn(&ex, &other.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 2), 2);
  /* q0: m.w0, other.wait. m's list: w1, w0. */
  for (int plant = 0; plant < 9; plant++) {
    bcsc_wait_t *w = plant == 8 ? &m.w[1] : &m.w[0];
    bcsc_wait_t saved = *w;
    switch (plant) {
    case 0:
      w->priv.queue.next = NULL;
      break;
    case 1:
      w->priv.queue.next = BCSC__POISONED;
      break;
    case 2:
      w->priv.queue.prev = BCSC__POISONED;
      break;
    case 3:
      w->priv.queue.next = &q[0].priv.waiters;
      break; /* skips other */
    case 4:
      w->priv.queue.prev = &other.wait.priv.queue;
      break;
    case 5:
      w->priv.task_pprev = BCSC__POISONED;
      break;
    case 6:
      w->priv.task_next = BCSC__POISONED;
      break;
    case 7:
      w->priv.task_pprev = &stray;
      break;
    default:
      w->priv.task_next = &other.wait;
      break; /* not its task's */
    }
    cr_assert_eq(bcsc_wait_cancel(w), BCSC_EBADOBJ, "plant %d", plant);
    cr_assert_eq(g_misuse.count, 1, "plant %d", plant);
    cr_assert_eq(g_misuse.codes[0], BCSC_MISUSE_NODE_UNLINKED, "plant %d",
                 plant);
    g_misuse.count = 0;
    *w = saved;
    cr_assert_eq(bcsc_waitq_count(&q[0]), 2, "plant %d", plant);
    cr_assert_eq(bcsc_waitq_count(&q[1]), 1, "plant %d", plant);
    cr_assert_eq(BCSC__SCOPE_LINKED(&ex.priv.root), 3, "plant %d", plant);
  }
  cr_assert_eq(bcsc_wait_cancel(&m.w[1]), 1); /* intact: fine */
  cr_assert_eq(bcsc_waitq_wake_all(&q[0], 0), 2);
  cr_assert_eq(bcsc_executor_run(&ex, NULL), 0);
  queues_deinit(q, 2);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
  EXPECT_NO_MISUSE();
}

/* Every way a completing child's sibling links can be stale is caught
 * before the scope's list is written through them. */
Test(dft, every_stale_sibling_link_is_caught_at_completion) {
  for (int plant = 0; plant < 6; plant++) {
    bcsc_executor_t ex;
    bcsc_waitq_t q[3], gate;
    bcsc_test_leaf_t leaf[3];
    bcsc_task_t *children[] = {&leaf[0].task, &leaf[1].task, &leaf[2].task};
    bcsc_test_owner_t owner;
    bcsc_task_t *b = &leaf[1].task, *next, *prev;
    skip_unless_checked();
    cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
    queues_init(q, 3);
    queues_init(&gate, 1);
    for (int i = 0; i < 3; i++) {
      bcsc_test_leaf_init(&leaf[i], i + 1);
      leaf[i].queue = &q[i];
    }
    bcsc_test_owner_init(&owner, 0, BCSC_SCOPE_WAIT_ALL, children, 3);
    owner.gate = &gate;
    cr_assert_eq(bcsc_executor_spawn(&ex, &owner.task), 0);
    cr_assert_eq(bcsc_executor_poll(&ex, 4), 4);
    next = b->priv.sibling_next;
    prev = b->priv.sibling_prev;
    switch (plant) {
    case 0:
      b->priv.sibling_prev = BCSC__POISONED;
      break;
    case 1:
      b->priv.sibling_next = BCSC__POISONED;
      break;
    case 2:
      b->priv.sibling_prev = &leaf[2].task;
      break; /* c's next: NULL */
    case 3:
      b->priv.sibling_prev = NULL;
      break; /* head is a */
    case 4:
      b->priv.sibling_next = &leaf[0].task;
      break; /* a's prev: NULL */
    default:
      b->priv.sibling_next = NULL;
      break; /* tail is c */
    }
    cr_assert_eq(bcsc_waitq_wake_one(&q[1], 0), 1);
    cr_assert_eq(bcsc_executor_poll(&ex, 1), 1);
    cr_assert_eq(g_misuse.count, 1, "plant %d", plant);
    cr_assert_eq(g_misuse.codes[0], BCSC_MISUSE_NODE_UNLINKED, "plant %d",
                 plant);
    cr_assert_eq(g_misuse.objects[0], b, "plant %d", plant);
    cr_assert(bcsc_task_done(b), "plant %d", plant);
    cr_assert_eq(bcsc_scope_live(&owner.scope), 3, "plant %d", plant);
    g_misuse.count = 0;
    /* Repaired: what completion would have done to the scope. */
    b->priv.sibling_next = next;
    b->priv.sibling_prev = prev;
    BCSC__LIST_UNLINK(bcsc_task_t, owner.scope.priv.head, owner.scope.priv.tail,
                      b, sibling_next, sibling_prev);
    owner.scope.priv.live--;
    cr_assert_eq(bcsc_scope_cancel(&owner.scope), 0);
    cr_assert_eq(bcsc_waitq_wake_one(&gate, 0), 1);
    cr_assert_eq(bcsc_executor_run(&ex, &owner.task), BCSC_ECANCELED);
    queues_deinit(q, 3);
    queues_deinit(&gate, 1);
    cr_assert_eq(bcsc_executor_deinit(&ex), 0);
    EXPECT_NO_MISUSE();
  }
}
