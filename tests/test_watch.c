/* SPDX-License-Identifier: MIT
 * test_watch.c - bcsc/watch.h through the public API: read and version,
 * changed at once or after a publish, many readers woken by one publish,
 * slow readers skipping to the newest value, close (read still works, the
 * last unseen version comes before ECLOSED), select with another source,
 * cancelled readers, teardown with waiters, bad arguments, and a
 * randomized run checking that readers only ever see published values, in
 * increasing version order, and end on the last one. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include <bcsc.h>
#include <bcsc/watch.h>

#include "bcsc_stepped.h"
#include "bcsc_test.h"

/* A sample: the value is derived from the version, so a reader can check
 * that the value it read belongs to the version it was given. */
typedef struct sample {
  uint64_t version;
  uint64_t check; /* version * 3 + 1 */
} sample_t;

/* A reader: waits for a change, reads, records; stops on an error, on
 * `stop_after` reads, or (stop_on_other) on a wake from `other`. */
typedef struct reader {
  bcsc_task_t task;
  bcsc_wait_t wait;
  bcsc_wait_t other_wait;
  bcsc_watch_t *w;
  bcsc_waitq_t *other;
  int stop_on_other;
  uint32_t stop_after; /* 0: never */
  uint64_t seen;
  sample_t last;
  uint32_t reads;
  uint32_t polls;
  uint32_t other_wakes;
  int bad_order; /* a version at or below the one before */
  int bad_value; /* a value that does not match its version */
  int rc;
  int done;
} reader_t;

static int reader_poll(bcsc_task_t *self) {
  reader_t *r = (reader_t *)self;
  int rc;
  r->polls++;
  if (r->other != NULL && bcsc_wait_fired(&r->other_wait)) {
    cr_assert_eq(bcsc_wait_on(self, &r->other_wait, r->other), 0);
    r->other_wakes++;
    if (r->stop_on_other) {
      r->done = 1;
      r->rc = 0;
      return BCSC_DONE;
    }
  }
  for (;;) {
    uint64_t version, before = r->seen;
    rc = bcsc_watch_changed(self, r->w, &r->wait, r->seen);
    if (rc == BCSC_PENDING) {
      if (r->other != NULL)
        cr_assert_eq(bcsc_wait_register(self, &r->other_wait, r->other), 0);
      return BCSC_PENDING;
    }
    if (rc != 0) {
      r->rc = rc;
      r->done = 1;
      return BCSC_DONE;
    }
    cr_assert_eq(bcsc_watch_read(r->w, &r->last, sizeof r->last, &version), 0);
    r->bad_order |= version <= before;
    r->bad_value |=
        r->last.version != version || r->last.check != version * 3 + 1;
    r->seen = version;
    r->reads++;
    if (r->stop_after != 0 && r->reads == r->stop_after) {
      r->done = 1;
      r->rc = 0;
      return BCSC_DONE;
    }
  }
}

static void reader_init(reader_t *r, bcsc_watch_t *w) {
  memset(r, 0, sizeof *r);
  cr_assert_eq(bcsc_task_init(&r->task, reader_poll, NULL), 0);
  cr_assert_eq(bcsc_wait_init(&r->wait), 0);
  cr_assert_eq(bcsc_wait_init(&r->other_wait), 0);
  r->w = w;
}

static void publish(bcsc_watch_t *w) {
  sample_t s;
  s.version = bcsc_watch_version(w) + 1;
  s.check = s.version * 3 + 1;
  cr_assert_eq(bcsc_watch_publish(w, &s, sizeof s), 0);
}

static void teardown(bcsc_executor_t *ex) {
  cr_assert_eq(bcsc_executor_live_roots(ex), 0);
  cr_assert_eq(bcsc_executor_deinit(ex), 0);
}

Test(watch, read_gives_the_initial_value_at_version_0) {
  bcsc_watch_t w;
  sample_t buf = {0, 1}, out;
  uint64_t version = 99;

  cr_assert_eq(bcsc_watch_init(&w, &buf, sizeof buf), 0);
  cr_assert_eq(bcsc_watch_version(&w), 0);
  cr_assert_eq(bcsc_watch_read(&w, &out, sizeof out, &version), 0);
  cr_assert_eq(version, 0);
  cr_assert_eq(out.check, 1);
  publish(&w);
  publish(&w);
  cr_assert_eq(bcsc_watch_read(&w, &out, sizeof out, NULL), 0);
  cr_assert_eq(out.version, 2);
  cr_assert_eq(bcsc_watch_version(&w), 2);
  cr_assert_eq(bcsc_watch_closed(&w), 0);
  cr_assert_eq(bcsc_watch_deinit(&w), 0);
}

Test(watch, one_publish_wakes_every_reader) {
  bcsc_executor_t ex;
  bcsc_watch_t w;
  sample_t buf = {0, 1};
  reader_t r[3];

  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  cr_assert_eq(bcsc_watch_init(&w, &buf, sizeof buf), 0);
  for (int i = 0; i < 3; i++) {
    reader_init(&r[i], &w);
    r[i].stop_after = 1;
    cr_assert_eq(bcsc_executor_spawn(&ex, &r[i].task), 0);
  }
  cr_assert_eq(bcsc_executor_poll(&ex, 100), 3);
  for (int i = 0; i < 3; i++)
    cr_assert(bcsc_wait_linked(&r[i].wait));
  publish(&w);
  cr_assert_eq(bcsc_executor_poll(&ex, 100), 3);
  for (int i = 0; i < 3; i++) {
    cr_assert(bcsc_task_done(&r[i].task));
    cr_assert_eq(r[i].polls, 2);
    cr_assert_eq(r[i].seen, 1);
    cr_assert_eq(r[i].last.check, 4);
    cr_assert_eq(r[i].bad_value, 0);
  }
  cr_assert_eq(bcsc_watch_deinit(&w), 0);
  teardown(&ex);
}

Test(watch, changed_is_immediate_when_the_version_moved) {
  bcsc_executor_t ex;
  bcsc_watch_t w;
  sample_t buf = {0, 1};
  reader_t r;

  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  cr_assert_eq(bcsc_watch_init(&w, &buf, sizeof buf), 0);
  publish(&w);
  publish(&w);
  reader_init(&r, &w);
  r.stop_after = 1;
  cr_assert_eq(bcsc_executor_run(&ex, &r.task), 0);
  cr_assert_eq(r.polls, 1);
  /* Slow readers skip to the newest: version 2, not 1. */
  cr_assert_eq(r.seen, 2);
  cr_assert_eq(r.last.version, 2);
  cr_assert_eq(bcsc_watch_deinit(&w), 0);
  teardown(&ex);
}

Test(watch, close_wakes_readers_after_the_last_unseen_value) {
  bcsc_executor_t ex;
  bcsc_watch_t w;
  sample_t buf = {0, 1}, out;
  reader_t a, b;

  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  cr_assert_eq(bcsc_watch_init(&w, &buf, sizeof buf), 0);
  reader_init(&a, &w);
  reader_init(&b, &w);
  cr_assert_eq(bcsc_executor_spawn(&ex, &a.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 100), 1);
  cr_assert(bcsc_wait_linked(&a.wait));
  cr_assert_eq(bcsc_watch_close(&w), 0);
  cr_assert_eq(bcsc_watch_close(&w), 0, "idempotent");
  cr_assert(bcsc_watch_closed(&w));
  cr_assert_eq(bcsc_executor_poll(&ex, 100), 1);
  cr_assert(a.done);
  cr_assert_eq(a.rc, BCSC_ECLOSED);
  cr_assert_eq(a.reads, 0);

  /* Published then closed before reader b ran: b reads it, then ECLOSED. */
  cr_assert_eq(bcsc_watch_deinit(&w), 0);
  cr_assert_eq(bcsc_watch_init(&w, &buf, sizeof buf), 0);
  publish(&w);
  cr_assert_eq(bcsc_watch_close(&w), 0);
  cr_assert_eq(bcsc_watch_publish(&w, &buf, sizeof buf), BCSC_ECLOSED);
  cr_assert_eq(bcsc_executor_run(&ex, &b.task), 0);
  cr_assert_eq(b.reads, 1);
  cr_assert_eq(b.seen, 1);
  cr_assert_eq(b.rc, BCSC_ECLOSED);
  cr_assert_eq(bcsc_watch_read(&w, &out, sizeof out, NULL), 0,
               "read works after close");
  cr_assert_eq(out.version, 1);
  cr_assert_eq(bcsc_watch_deinit(&w), 0);
  teardown(&ex);
}

Test(watch, select_with_another_source) {
  bcsc_executor_t ex;
  bcsc_watch_t w;
  bcsc_waitq_t other;
  sample_t buf = {0, 1};
  reader_t r, s;

  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  cr_assert_eq(bcsc_watch_init(&w, &buf, sizeof buf), 0);
  cr_assert_eq(bcsc_waitq_init(&other), 0);
  /* r keeps waiting through wakes from the other source. */
  reader_init(&r, &w);
  r.other = &other;
  r.stop_after = 2;
  cr_assert_eq(bcsc_executor_run(&ex, &r.task), BCSC_EDEADLK);
  cr_assert_eq(bcsc_waitq_wake_all(&other, 0), 1);
  cr_assert_eq(bcsc_wait_linked(&r.wait), 0, "first wake wins");
  publish(&w); /* r is not on the watch now: nobody to wake */
  cr_assert_eq(bcsc_executor_run(&ex, &r.task), BCSC_EDEADLK);
  cr_assert_eq(r.other_wakes, 1);
  cr_assert_eq(r.reads, 1, "the publish it slept through is not lost");
  publish(&w);
  cr_assert_eq(bcsc_executor_run(&ex, &r.task), 0);
  cr_assert_eq(r.reads, 2);
  cr_assert_eq(r.seen, 2);

  /* s ends on the other source; the watch branch just loses. */
  reader_init(&s, &w);
  s.other = &other;
  s.stop_on_other = 1;
  s.seen = 2;
  cr_assert_eq(bcsc_executor_run(&ex, &s.task), BCSC_EDEADLK);
  cr_assert_eq(bcsc_waitq_wake_one(&other, 0), 1);
  cr_assert_eq(bcsc_executor_run(&ex, &s.task), 0);
  cr_assert_eq(s.reads, 0);
  cr_assert_eq(s.other_wakes, 1);
  cr_assert_eq(bcsc_waitq_deinit(&other), 0);
  cr_assert_eq(bcsc_watch_deinit(&w), 0);
  teardown(&ex);
}

Test(watch, cancelled_readers_wake_once_and_leave_the_others_waiting) {
  bcsc_executor_t ex;
  bcsc_watch_t w;
  sample_t buf = {0, 1};
  reader_t a, b;

  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  cr_assert_eq(bcsc_watch_init(&w, &buf, sizeof buf), 0);
  reader_init(&a, &w);
  reader_init(&b, &w);
  b.stop_after = 1;
  cr_assert_eq(bcsc_executor_spawn(&ex, &a.task), 0);
  cr_assert_eq(bcsc_executor_spawn(&ex, &b.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 100), 2);
  /* a is woken by the publish, then cancelled before it runs. */
  publish(&w);
  cr_assert_eq(bcsc_task_cancel(&a.task), 0);
  cr_assert_eq(bcsc_executor_poll(&ex, 100), 2);
  cr_assert(a.done);
  cr_assert_eq(a.rc, BCSC_ECANCELED);
  cr_assert_eq(a.polls, 2);
  cr_assert_eq(bcsc_wait_fired(&a.wait), 0);
  cr_assert(b.done);
  cr_assert_eq(b.seen, 1);
  cr_assert_eq(b.polls, 2);
  cr_assert_eq(bcsc_watch_deinit(&w), 0);
  teardown(&ex);
}

Test(watch, deinit_with_waiters_is_busy) {
  bcsc_executor_t ex;
  bcsc_watch_t w;
  bcsc_test_misuse_t rec;
  sample_t buf = {0, 1};
  reader_t r;

  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  cr_assert_eq(bcsc_watch_init(&w, &buf, sizeof buf), 0);
  reader_init(&r, &w);
  cr_assert_eq(bcsc_executor_run(&ex, &r.task), BCSC_EDEADLK);
  bcsc_test_misuse_install(&rec);
  cr_assert_eq(bcsc_watch_deinit(&w), BCSC_EBUSY);
  bcsc_test_misuse_uninstall();
  cr_assert_eq(bcsc_test_misuse_count_code(&rec, BCSC_MISUSE_WAITQ_BUSY),
               bcsc_test_misuse_expected(1));
  cr_assert(bcsc_wait_linked(&r.wait));
  cr_assert_eq(bcsc_task_cancel(&r.task), 0);
  cr_assert_eq(bcsc_executor_run(&ex, &r.task), 0);
  cr_assert_eq(r.rc, BCSC_ECANCELED);
  cr_assert_eq(bcsc_watch_deinit(&w), 0);
  teardown(&ex);
}

Test(watch, bad_arguments_and_use_after_deinit) {
  bcsc_watch_t w;
  bcsc_test_misuse_t rec;
  sample_t buf = {0, 1}, out;
  uint32_t small = 0;

  bcsc_test_misuse_install(&rec);
  cr_assert_eq(bcsc_watch_init(NULL, &buf, sizeof buf), BCSC_EINVAL);
  cr_assert_eq(bcsc_watch_init(&w, NULL, sizeof buf), BCSC_EINVAL);
  cr_assert_eq(bcsc_watch_init(&w, &buf, 0), BCSC_EINVAL);
  cr_assert_eq(rec.count, bcsc_test_misuse_expected(3));
  cr_assert_eq(bcsc_watch_init(&w, &buf, sizeof buf), 0);

  rec.count = 0;
  cr_assert_eq(bcsc_watch_publish(&w, &small, sizeof small), BCSC_EINVAL);
  cr_assert_eq(bcsc_watch_read(&w, &small, sizeof small, NULL), BCSC_EINVAL);
  cr_assert_eq(bcsc_watch_read(&w, NULL, sizeof out, NULL), BCSC_EINVAL);
  cr_assert_eq(bcsc_test_misuse_count_code(&rec, BCSC_MISUSE_BAD_ARGUMENT),
               bcsc_test_misuse_expected(3));
  cr_assert_eq(bcsc_watch_version(&w), 0, "nothing was published");

  rec.count = 0;
  {
    bcsc_task_t idle;
    bcsc_wait_t wait;
    cr_assert_eq(bcsc_task_init(&idle, reader_poll, NULL), 0);
    cr_assert_eq(bcsc_wait_init(&wait), 0);
    cr_assert_eq(bcsc_watch_changed(&idle, &w, &wait, 0), BCSC_EPERM);
    cr_assert_eq(bcsc_watch_changed(&idle, &w, NULL, 0), BCSC_EINVAL);
    cr_assert_eq(bcsc_watch_changed(&idle, NULL, &wait, 0), BCSC_EINVAL);
    cr_assert_eq(rec.count, bcsc_test_misuse_expected(3));
  }

  cr_assert_eq(bcsc_watch_deinit(&w), 0);
  rec.count = 0;
  cr_assert_eq(bcsc_watch_publish(&w, &buf, sizeof buf), BCSC_EBADOBJ);
  cr_assert_eq(bcsc_watch_read(&w, &out, sizeof out, NULL), BCSC_EBADOBJ);
  cr_assert_eq(bcsc_watch_close(&w), BCSC_EBADOBJ);
  cr_assert_eq(bcsc_watch_deinit(&w), BCSC_EBADOBJ);
  {
    bcsc_task_t idle;
    bcsc_wait_t wait;
    cr_assert_eq(bcsc_task_init(&idle, reader_poll, NULL), 0);
    cr_assert_eq(bcsc_wait_init(&wait), 0);
    cr_assert_eq(bcsc_watch_changed(&idle, &w, &wait, 0), BCSC_EBADOBJ);
  }
  cr_assert_eq(bcsc_watch_close(NULL), BCSC_EINVAL);
  cr_assert_eq(bcsc_watch_deinit(NULL), BCSC_EINVAL);
  cr_assert_eq(bcsc_test_misuse_count_code(&rec, BCSC_MISUSE_BAD_OBJECT),
               bcsc_test_misuse_expected(5));
  cr_assert_eq(bcsc_test_misuse_count_code(&rec, BCSC_MISUSE_NULL_OBJECT),
               bcsc_test_misuse_expected(2));
  bcsc_test_misuse_uninstall();
  cr_assert_eq(bcsc_watch_version(NULL), 0);
  cr_assert_eq(bcsc_watch_closed(NULL), 0);
  cr_assert_eq(bcsc_watch_sizeof(), sizeof(bcsc_watch_t));
  cr_assert_eq(bcsc_watch_alignof(), _Alignof(bcsc_watch_t));
}

/* D89: a torn-down watch answers its queries as a zero one does - not the
 * versions published, not its close - and leaves the caller's value
 * buffer and field alone. */
Test(watch, queries_after_deinit_answer_as_for_a_zero_watch) {
  bcsc_watch_t w;
  sample_t buf = {0, 1};

  cr_assert_eq(bcsc_watch_init(&w, &buf, sizeof buf), 0);
  w.data = &buf;
  publish(&w);
  publish(&w);
  cr_assert_eq(bcsc_watch_close(&w), 0);
  cr_assert_eq(bcsc_watch_version(&w), 2);
  cr_assert_eq(bcsc_watch_deinit(&w), 0);
  cr_assert_eq(bcsc_watch_version(&w), 0);
  cr_assert_eq(bcsc_watch_closed(&w), 0);
  cr_assert_eq(w.data, &buf);
  cr_assert_eq(buf.version, 2, "the caller's buffer is not written");
}

static int watch_changed_of(bcsc_task_t *self, void *w, bcsc_wait_t *wait) {
  return bcsc_watch_changed(self, w, wait, 0);
}

Test(watch, a_registration_linked_for_another_task_is_refused) {
  bcsc_watch_t w;
  sample_t buf = {0, 1};
  ct_up(NULL);
  cr_assert_eq(bcsc_watch_init(&w, &buf, sizeof buf), 0);
  ct_foreign_registration(watch_changed_of, &w);
  cr_assert_eq(bcsc_watch_version(&w), 0, "the refused call published");
  cr_assert_eq(bcsc_watch_deinit(&w), 0);
  ct_down();
}

/* ---- randomized ------------------------------------------------------------
 * Readers, some also selecting on another source, while publishes, wakes
 * from the other source, cancellations and executor turns come in a seeded
 * random order. Every reader only ever sees published values, in strictly
 * increasing versions; after the close, every reader that was not cancelled
 * or ended by its other source has read the last version and got ECLOSED. */

#define READERS 32

static uint64_t rng_state;

static uint32_t rng_next(void) {
  rng_state ^= rng_state >> 12;
  rng_state ^= rng_state << 25;
  rng_state ^= rng_state >> 27;
  return (uint32_t)((rng_state * 0x2545F4914F6CDD1Dull) >> 32);
}

Test(watch, randomized_readers_see_increasing_versions_and_the_last) {
  static bcsc_executor_t ex;
  static bcsc_watch_t w;
  static bcsc_waitq_t other;
  static reader_t r[READERS];
  static int cancelled[READERS];
  sample_t buf;
  uint32_t finished_on_last = 0;

  for (uint64_t seed = 1; seed <= 20; seed++) {
    rng_state = seed * 0x9E3779B97F4A7C15ull;
    buf.version = 0;
    buf.check = 1;
    cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
    cr_assert_eq(bcsc_watch_init(&w, &buf, sizeof buf), 0);
    cr_assert_eq(bcsc_waitq_init(&other), 0);
    for (int i = 0; i < READERS; i++) {
      reader_init(&r[i], &w);
      if (rng_next() % 2) {
        r[i].other = &other;
        r[i].stop_on_other = (int)(rng_next() % 8 == 0);
      }
      cancelled[i] = 0;
      cr_assert_eq(bcsc_executor_spawn(&ex, &r[i].task), 0);
    }
    for (int step = 0; step < 400; step++) {
      int i = (int)(rng_next() % READERS);
      switch (rng_next() % 5) {
      case 0:
      case 1:
        publish(&w);
        break;
      case 2:
        cr_assert_geq(bcsc_waitq_wake_one(&other, 0), 0);
        break;
      case 3:
        if (rng_next() % 8 == 0 && !bcsc_task_done(&r[i].task)) {
          cr_assert_eq(bcsc_task_cancel(&r[i].task), 0);
          cancelled[i] = 1;
        }
        break;
      default:
        cr_assert_geq(bcsc_executor_poll(&ex, rng_next() % 16), 0);
        break;
      }
    }
    cr_assert_eq(bcsc_watch_close(&w), 0);
    cr_assert_geq(bcsc_executor_poll(&ex, 100000), 0);
    for (int i = 0; i < READERS; i++) {
      reader_t *ri = &r[i];
      cr_assert(bcsc_task_done(&ri->task), "reader %d still live", i);
      cr_assert_eq(ri->bad_order, 0, "reader %d: versions out of order", i);
      cr_assert_eq(ri->bad_value, 0, "reader %d: torn value", i);
      cr_assert_leq(ri->reads, bcsc_watch_version(&w));
      if (ri->rc == BCSC_ECLOSED) {
        cr_assert_eq(ri->seen, bcsc_watch_version(&w));
        finished_on_last++;
      } else {
        cr_assert(ri->rc == BCSC_ECANCELED
                      ? cancelled[i]
                      : ri->stop_on_other && ri->other_wakes == 1,
                  "reader %d ended with %d", i, ri->rc);
      }
    }
    cr_assert_eq(bcsc_waitq_deinit(&other), 0);
    cr_assert_eq(bcsc_watch_deinit(&w), 0);
    teardown(&ex);
  }
  cr_assert_gt(finished_on_last, 0);
}
