/* SPDX-License-Identifier: MIT
 * test_handoff.c - hand-off waiter lists (D22): a wake from one is a baton
 * that reaches a task that takes it, whatever happens to the task it was
 * first given to.
 *
 * The tests build a tiny token counter on the public API: a producer adds a
 * token and wakes one waiter; a taker waits until a token is there and takes
 * it in the poll after its wake. With a plain list, a taker woken and then
 * cancelled strands the token while others sleep - the lost wake the
 * hand-off list exists to prevent (checked below as a negative control). */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include "bcsc_test.h"

typedef struct tokens {
  bcsc_waitq_t queue;
  uint32_t count;
} tokens_t;

typedef struct taker {
  bcsc_task_t task;
  bcsc_wait_t wait;
  tokens_t *tokens;
  bcsc_waitq_t *other; /* also waits here (a select), or NULL */
  bcsc_wait_t other_wait;
  int decline; /* woken by the tokens: ignore it and wait again */
  uint32_t taken;
  uint32_t want; /* tokens to take before finishing */
  uint32_t polls;
  uintptr_t value; /* the value of the wake that gave the last token */
  int rc;
} taker_t;

static int taker_poll(bcsc_task_t *self) {
  taker_t *t = (taker_t *)self;
  int rc;
  t->polls++;
  if (bcsc_task_cancelled(self)) {
    t->rc = BCSC_ECANCELED;
    return 0; /* a fired registration it never takes: the baton goes on */
  }
  for (;;) {
    if (t->decline && bcsc_wait_fired(&t->wait)) {
      t->decline = 0;
      /* Wait on the other source only: the tokens' wake is not taken. */
      cr_assert_eq(bcsc_wait_register(self, &t->other_wait, t->other), 0);
      return BCSC_PENDING;
    }
    if (bcsc_wait_fired(&t->other_wait))
      cr_assert_eq(bcsc_wait_on(self, &t->other_wait, t->other), 0);
    if (bcsc_wait_fired(&t->wait)) {
      t->value = t->wait.value;
      cr_assert_eq(bcsc_wait_on(self, &t->wait, &t->tokens->queue), 0);
    }
    if (t->tokens->count > 0) {
      t->tokens->count--;
      if (++t->taken == t->want)
        return 0;
      continue;
    }
    rc = bcsc_wait_register(self, &t->wait, &t->tokens->queue);
    cr_assert_eq(rc, 0);
    if (t->other != NULL && !bcsc_wait_linked(&t->other_wait))
      cr_assert_eq(bcsc_wait_register(self, &t->other_wait, t->other), 0);
    return BCSC_PENDING;
  }
}

static void taker_init(taker_t *t, tokens_t *tokens, uint32_t want) {
  memset(t, 0, sizeof *t);
  cr_assert_eq(bcsc_task_init(&t->task, taker_poll, NULL), 0);
  cr_assert_eq(bcsc_wait_init(&t->wait), 0);
  cr_assert_eq(bcsc_wait_init(&t->other_wait), 0);
  t->tokens = tokens;
  t->want = want;
}

static void produce(tokens_t *tokens, uintptr_t value) {
  tokens->count++;
  cr_assert_geq(bcsc_waitq_wake_one(&tokens->queue, value), 0);
}

static bcsc_executor_t ex;

static void setup(tokens_t *tokens, int handoff) {
  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  cr_assert_eq(bcsc_waitq_init(&tokens->queue), 0);
  tokens->count = 0;
  cr_assert_eq(bcsc_waitq_set_handoff(&tokens->queue, handoff), 0);
}

/* A and B wait; a token wakes A; A is cancelled before it runs. */
static tokens_t shared_tokens; /* outlives the helper: B may still wait */

static void woken_then_cancelled(int handoff, taker_t *a, taker_t *b) {
  tokens_t *tokens = &shared_tokens;
  setup(tokens, handoff);
  taker_init(a, tokens, 1);
  taker_init(b, tokens, 1);
  cr_assert_eq(bcsc_executor_spawn(&ex, &a->task), 0);
  cr_assert_eq(bcsc_executor_spawn(&ex, &b->task), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 10), 2);
  produce(tokens, 77);
  cr_assert_eq(bcsc_task_cancel(&a->task), 0);
  cr_assert_geq(bcsc_executor_poll(&ex, 10), 1);
  cr_assert_eq(a->rc, BCSC_ECANCELED);
  cr_assert_eq(bcsc_task_done(&a->task), 1);
}

Test(handoff, a_wake_not_taken_by_a_cancelled_task_goes_to_the_next) {
  taker_t a, b;
  woken_then_cancelled(1, &a, &b);
  cr_assert_eq(bcsc_task_done(&b.task), 1, "B got the baton and the token");
  cr_assert_eq(b.taken, 1);
  cr_assert_eq(b.value, 77, "with the value of the original wake");
  cr_assert_eq(bcsc_executor_live_roots(&ex), 0);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
}

Test(handoff, negative_control_a_plain_list_strands_the_token) {
  taker_t a, b;
  woken_then_cancelled(0, &a, &b);
  cr_assert_eq(bcsc_task_done(&b.task), 0,
               "without hand-off B sleeps next to an available token");
  cr_assert_eq(bcsc_executor_ready(&ex), 0);
  cr_assert_eq(bcsc_task_cancel(&b.task), 0);
  cr_assert_eq(bcsc_executor_run(&ex, NULL), 0);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
}

Test(handoff, a_wake_declined_for_another_branch_goes_to_the_next) {
  tokens_t tokens;
  bcsc_waitq_t other;
  taker_t a, b;
  setup(&tokens, 1);
  cr_assert_eq(bcsc_waitq_init(&other), 0);
  taker_init(&a, &tokens, 1);
  taker_init(&b, &tokens, 1);
  a.other = &other;
  cr_assert_eq(bcsc_executor_spawn(&ex, &a.task), 0);
  cr_assert_eq(bcsc_executor_spawn(&ex, &b.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 10), 2);
  a.decline = 1;
  produce(&tokens, 5);
  cr_assert_eq(bcsc_executor_poll(&ex, 10), 2, "A declines, B runs");
  cr_assert_eq(b.taken, 1);
  cr_assert_eq(a.taken, 0);
  cr_assert_eq(tokens.count, 0);
  cr_assert_eq(bcsc_waitq_wake_one(&other, 0), 1);
  produce(&tokens, 6);
  cr_assert_eq(bcsc_executor_run(&ex, &a.task), 0);
  cr_assert_eq(a.taken, 1);
  cr_assert_eq(bcsc_waitq_deinit(&other), 0);
  cr_assert_eq(bcsc_waitq_deinit(&tokens.queue), 0);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
}

Test(handoff, a_taken_wake_goes_no_further) {
  tokens_t tokens;
  taker_t a, b;
  setup(&tokens, 1);
  taker_init(&a, &tokens, 1);
  taker_init(&b, &tokens, 1);
  cr_assert_eq(bcsc_executor_spawn(&ex, &a.task), 0);
  cr_assert_eq(bcsc_executor_spawn(&ex, &b.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 10), 2);
  produce(&tokens, 1);
  cr_assert_eq(bcsc_executor_poll(&ex, 10), 1, "only A runs");
  cr_assert_eq(a.taken, 1);
  cr_assert_eq(b.polls, 1, "B was not woken");
  cr_assert_eq(bcsc_waitq_count(&tokens.queue), 1);
  cr_assert_eq(bcsc_task_cancel(&b.task), 0);
  cr_assert_eq(bcsc_executor_run(&ex, NULL), 0);
  cr_assert_eq(bcsc_waitq_deinit(&tokens.queue), 0);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
}

/* A produces a token for itself while being polled: the wake comes during
 * that poll, so the poll after it is the one that must take it. */
typedef struct self_feeder {
  taker_t taker;
  int fed;
} self_feeder_t;

static int self_feeder_poll(bcsc_task_t *self) {
  self_feeder_t *f = (self_feeder_t *)self;
  if (!f->fed) {
    f->fed = 1;
    cr_assert_eq(
        bcsc_wait_register(self, &f->taker.wait, &f->taker.tokens->queue), 0);
    produce(f->taker.tokens, 9); /* wakes itself */
    return BCSC_PENDING;
  }
  return taker_poll(self);
}

Test(handoff, a_wake_during_the_tasks_own_poll_waits_for_its_next_poll) {
  tokens_t tokens;
  self_feeder_t f;
  setup(&tokens, 1);
  taker_init(&f.taker, &tokens, 1);
  f.fed = 0;
  cr_assert_eq(bcsc_task_init(&f.taker.task, self_feeder_poll, NULL), 0);
  cr_assert_eq(bcsc_executor_spawn(&ex, &f.taker.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 1), 1);
  cr_assert(bcsc_wait_fired(&f.taker.wait),
            "the end of the poll that fired it keeps the baton for the next");
  cr_assert_eq(bcsc_executor_run(&ex, &f.taker.task), 0);
  cr_assert_eq(f.taker.taken, 1);
  cr_assert_eq(f.taker.value, 9);
  cr_assert_eq(bcsc_waitq_deinit(&tokens.queue), 0);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
}

Test(handoff, cancelling_a_fired_registration_passes_the_wake_at_once) {
  tokens_t tokens;
  taker_t a, b;
  bcsc_test_misuse_t rec;
  setup(&tokens, 1);
  taker_init(&a, &tokens, 1);
  taker_init(&b, &tokens, 1);
  cr_assert_eq(bcsc_executor_spawn(&ex, &a.task), 0);
  cr_assert_eq(bcsc_executor_spawn(&ex, &b.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 10), 2);
  produce(&tokens, 3);
  cr_assert(bcsc_wait_fired(&a.wait));
  bcsc_test_misuse_install(&rec);
  cr_assert_eq(bcsc_waitq_deinit(&tokens.queue), BCSC_EBUSY,
               "a baton is out (and B waits)");
  bcsc_test_misuse_uninstall();
  cr_assert_eq(bcsc_wait_cancel(&a.wait), 0);
  cr_assert(bcsc_wait_fired(&b.wait), "B holds the baton now");
  cr_assert_eq(bcsc_wait_fired(&a.wait), 0);
  /* Both run (A was queued already); the token goes to one of them. */
  cr_assert_eq(bcsc_executor_poll(&ex, 10), 2);
  cr_assert_eq(a.taken + b.taken, 1);
  cr_assert_eq(b.polls, 2, "B was woken by the passed baton");
  if (!bcsc_task_done(&b.task))
    cr_assert_eq(bcsc_task_cancel(&b.task), 0);
  if (!bcsc_task_done(&a.task))
    cr_assert_eq(bcsc_task_cancel(&a.task), 0);
  cr_assert_eq(bcsc_executor_run(&ex, NULL), 0);
  cr_assert_eq(bcsc_waitq_deinit(&tokens.queue), 0);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
}

Test(handoff, set_handoff_refuses_a_list_in_use) {
  tokens_t tokens;
  taker_t a;
  bcsc_test_misuse_t rec;
  setup(&tokens, 0);
  taker_init(&a, &tokens, 1);
  cr_assert_eq(bcsc_executor_spawn(&ex, &a.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 10), 1);
  bcsc_test_misuse_install(&rec);
  cr_assert_eq(bcsc_waitq_set_handoff(&tokens.queue, 1), BCSC_EBUSY);
  cr_assert_eq(bcsc_waitq_set_handoff(NULL, 1), BCSC_EINVAL);
  cr_assert_eq(rec.count, bcsc_test_misuse_expected(2));
  bcsc_test_misuse_uninstall();
  cr_assert_eq(bcsc_task_cancel(&a.task), 0);
  cr_assert_eq(bcsc_executor_run(&ex, NULL), 0);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
}

/* A copy of a registration that holds a baton (D96). A baton has no
 * address tag, so the copy reads as a fired node; taken or passed on, it
 * would unlink the original's neighbours on the executor's list of batons
 * and count the list's wakes out down twice. Every call that takes or
 * passes a baton refuses it as moved; the original is still the task's. */
typedef struct copier {
  bcsc_task_t task;
  bcsc_wait_t wait, copy;
  bcsc_waitq_t *queue;
  bcsc_waitq_t *other;
  bcsc_channel_t *ch;
  int rc[6];
} copier_t;

static int copier_poll(bcsc_task_t *self) {
  copier_t *c = (copier_t *)self;
  uint32_t msg;
  if (!bcsc_wait_fired(&c->wait))
    return bcsc_wait_on(self, &c->wait, c->queue);
  memcpy(&c->copy, &c->wait, sizeof c->copy);
  c->rc[0] = bcsc_wait_on(self, &c->copy, c->queue);
  c->rc[1] = bcsc_wait_cancel(&c->copy);
  c->rc[2] = bcsc_wait_register(self, &c->copy, c->other);
  c->rc[3] = bcsc_channel_recv(self, c->ch, &c->copy, &msg, sizeof msg);
  c->rc[4] = bcsc_wait_fired(&c->wait);
  c->rc[5] = bcsc_wait_on(self, &c->wait, c->queue);
  return 0;
}

Test(handoff, a_copy_of_a_held_wake_is_refused_as_moved) {
  tokens_t tokens;
  bcsc_waitq_t other;
  bcsc_channel_t ch;
  uint32_t ring[1];
  copier_t c;
  bcsc_test_misuse_t rec;
  setup(&tokens, 1);
  cr_assert_eq(bcsc_waitq_init(&other), 0);
  cr_assert_eq(bcsc_channel_init(&ch, ring, sizeof ring, sizeof ring[0]), 0);
  memset(&c, 0, sizeof c);
  cr_assert_eq(bcsc_task_init(&c.task, copier_poll, NULL), 0);
  cr_assert_eq(bcsc_wait_init(&c.wait), 0);
  c.queue = &tokens.queue;
  c.other = &other;
  c.ch = &ch;
  cr_assert_eq(bcsc_executor_spawn(&ex, &c.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 10), 1);
  cr_assert_eq(bcsc_waitq_wake_one(&tokens.queue, 9), 1);
  bcsc_test_misuse_install(&rec);
  cr_assert_eq(bcsc_executor_run(&ex, NULL), 0);
  for (int i = 0; i < 4; i++)
    cr_assert_eq(c.rc[i], BCSC_EBADOBJ, "call %d took the copy", i);
  cr_assert_eq(rec.count, bcsc_test_misuse_expected(4));
  for (uint32_t i = 0; i < rec.count; i++) {
    cr_assert_eq(rec.codes[i], BCSC_MISUSE_MOVED, "report %u", i);
    cr_assert_eq(rec.objects[i], &c.copy, "report %u", i);
  }
  bcsc_test_misuse_uninstall();
  cr_assert_eq(c.rc[4], 1, "the original still holds the wake");
  cr_assert_eq(c.rc[5], 0, "and its task takes it");
  cr_assert_eq(bcsc_waitq_deinit(&tokens.queue), 0, "no wake is out");
  cr_assert_eq(bcsc_waitq_deinit(&other), 0);
  cr_assert_eq(bcsc_channel_deinit(&ch), 0);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
}

/* A list must not move while a wake of its is out (wait.h), but a host
 * can move it: the wake's node still names the old place, which the
 * caller may have reused. When the wake is passed on - here its task is
 * cancelled before it takes it - nothing may be written there: the old
 * place is checked first, reported (checked build), and the wake leaves
 * the executor. With the check after the list's count of wakes out went
 * down, one word of the reused memory changed. */
Test(handoff, a_wake_whose_list_moved_away_writes_nothing_to_its_old_place) {
  static union {
    tokens_t tokens;
    unsigned char bytes[sizeof(tokens_t)];
  } old;
  tokens_t moved;
  unsigned char reused[sizeof(tokens_t)];
  taker_t a;
  bcsc_test_misuse_t rec;
  setup(&old.tokens, 1);
  taker_init(&a, &old.tokens, 1);
  cr_assert_eq(bcsc_executor_spawn(&ex, &a.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 10), 1);
  produce(&old.tokens, 5); /* A holds the wake; the list has nobody */
  memcpy(&moved, &old.tokens, sizeof moved);
  memset(old.bytes, 0xa5, sizeof old.bytes);
  memcpy(reused, old.bytes, sizeof reused);
  bcsc_test_misuse_install(&rec);
  cr_assert_eq(bcsc_task_cancel(&a.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 10), 1);
  cr_assert_eq(a.rc, BCSC_ECANCELED);
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_BAD_OBJECT, &old.tokens),
            "the old place reported as no list (%u reports, last code %d)",
            rec.count, rec.last_code);
  cr_assert_eq(memcmp(old.bytes, reused, sizeof reused), 0,
               "the reused memory was written to");
  cr_assert_eq(bcsc_task_done(&a.task), 1);
  /* The moved list still counts the wake it had out (a copy's count never
   * falls, D97): it refuses to end, which says it was moved. */
  cr_assert_eq(bcsc_waitq_deinit(&moved.queue), BCSC_EBUSY);
  cr_assert(bcsc_test_misuse_one(&rec, BCSC_MISUSE_WAITQ_BUSY, &moved.queue));
  bcsc_test_misuse_uninstall();
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
}

/* The same through the channel's fast path, which takes its own list's
 * baton by the header word: a copy of a receiver's node, woken with the
 * unit reserved for it, is refused; the original receives the message. */
typedef struct copied_receiver {
  bcsc_task_t task;
  bcsc_wait_t wait, copy;
  bcsc_channel_t *ch;
  uint32_t msg;
  int rc[3];
} copied_receiver_t;

static int copied_receiver_poll(bcsc_task_t *self) {
  copied_receiver_t *r = (copied_receiver_t *)self;
  if (!bcsc_wait_fired(&r->wait))
    return bcsc_channel_recv(self, r->ch, &r->wait, &r->msg, sizeof r->msg);
  memcpy(&r->copy, &r->wait, sizeof r->copy);
  r->rc[0] = bcsc_channel_recv(self, r->ch, &r->copy, &r->msg, sizeof r->msg);
  r->rc[1] = (int)r->msg;
  r->rc[2] = bcsc_channel_recv(self, r->ch, &r->wait, &r->msg, sizeof r->msg);
  return 0;
}

Test(handoff, a_copy_of_a_receivers_wake_is_refused_by_the_channel) {
  bcsc_channel_t ch;
  uint32_t ring[1], m = 42;
  copied_receiver_t r;
  bcsc_test_misuse_t rec;
  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  cr_assert_eq(bcsc_channel_init(&ch, ring, sizeof ring, sizeof ring[0]), 0);
  memset(&r, 0, sizeof r);
  cr_assert_eq(bcsc_task_init(&r.task, copied_receiver_poll, NULL), 0);
  cr_assert_eq(bcsc_wait_init(&r.wait), 0);
  r.ch = &ch;
  cr_assert_eq(bcsc_executor_spawn(&ex, &r.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 10), 1);
  cr_assert_eq(bcsc_channel_try_send(&ch, &m, sizeof m), 0);
  bcsc_test_misuse_install(&rec);
  cr_assert_eq(bcsc_executor_run(&ex, NULL), 0);
  cr_assert_eq(r.rc[0], BCSC_EBADOBJ);
  cr_assert_eq(r.rc[1], 0, "the copy received nothing");
  cr_assert_eq(rec.count, bcsc_test_misuse_expected(1));
  if (rec.count == 1) {
    cr_assert_eq(rec.codes[0], BCSC_MISUSE_MOVED);
    cr_assert_eq(rec.objects[0], &r.copy);
  }
  bcsc_test_misuse_uninstall();
  cr_assert_eq(r.rc[2], 0);
  cr_assert_eq(r.msg, 42);
  cr_assert_eq(bcsc_channel_deinit(&ch), 0);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
}

/* Random producers and takers, takers cancelled at random, some of them
 * right after being woken: at every quiet point, either no token is left
 * or no taker waits - a token never sits next to a sleeping taker. */
#define TAKERS 64
static taker_t takers[TAKERS];

static uint64_t rng_state = 0x853c49e6748fea9bu;
static uint64_t rng(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return rng_state;
}

Test(handoff, random_tokens_and_cancellations_never_strand_a_token) {
  tokens_t tokens;
  uint32_t produced = 0, taken = 0;
  setup(&tokens, 1);
  for (int step = 0; step < 200000; step++) {
    unsigned i = (unsigned)(rng() % TAKERS);
    taker_t *t = &takers[i];
    switch (rng() % 4) {
    case 0:
      if (bcsc_task_done(&t->task) || t->task.poll == NULL) {
        taken += t->taken;
        taker_init(t, &tokens, 1 + (uint32_t)(rng() % 3));
        cr_assert_eq(bcsc_executor_spawn(&ex, &t->task), 0);
      }
      break;
    case 1:
      produce(&tokens, (uintptr_t)step);
      produced++;
      break;
    case 2:
      if (t->task.poll != NULL && !bcsc_task_done(&t->task) &&
          !bcsc_task_cancelled(&t->task))
        cr_assert_eq(bcsc_task_cancel(&t->task), 0);
      break;
    default:
      cr_assert_geq(bcsc_executor_poll(&ex, (uint32_t)(rng() % 8)), 0);
      break;
    }
    if (step % 64 == 0) {
      cr_assert_geq(bcsc_executor_poll(&ex, 1u << 20), 0);
      cr_assert(tokens.count == 0 || bcsc_waitq_count(&tokens.queue) == 0,
                "step %d: %u tokens stranded next to %u sleeping takers", step,
                tokens.count, bcsc_waitq_count(&tokens.queue));
    }
  }
  for (unsigned i = 0; i < TAKERS; i++)
    if (takers[i].task.poll != NULL && !bcsc_task_done(&takers[i].task))
      cr_assert_eq(bcsc_task_cancel(&takers[i].task), 0);
  cr_assert_eq(bcsc_executor_run(&ex, NULL), 0);
  for (unsigned i = 0; i < TAKERS; i++)
    taken += takers[i].taken;
  cr_assert_eq(produced, taken + tokens.count, "tokens are conserved");
  cr_assert_gt(taken, 1000);
  cr_assert_eq(bcsc_waitq_deinit(&tokens.queue), 0);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
}
