/* SPDX-License-Identifier: MIT
 * bcsc_test.h - helpers shared by the test suites: a misuse handler that
 * records instead of aborting, an order log, and two reusable task frames
 * (a leaf that yields / waits / cleans up, and an owner that opens one
 * scope, spawns children and joins or returns early).
 *
 * Public API only (bcsc.h): the helpers exercise bcsc exactly as a user
 * would. Nothing here calls Criterion, so a plain C driver (a stress test
 * that cannot run under Criterion) can use it too; tests make their own
 * assertions on the fields the frames record.
 *
 * Every frame begins with its bcsc_task_t, so it can come from a bcsc_pool_t
 * and a bcsc_task_t * converts back to the frame with a cast. */
#ifndef BCSC_TEST_H
#define BCSC_TEST_H

#include <stddef.h>
#include <stdint.h>

#include <bcsc.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Task error codes the suites use: at or below BCSC_EUSER (D2), distinct
 * from each other so a test can tell which child's error surfaced. */
#define BCSC_TEST_E1 (BCSC_EUSER - 1)
#define BCSC_TEST_E2 (BCSC_EUSER - 2)
#define BCSC_TEST_E3 (BCSC_EUSER - 3)
#define BCSC_TEST_E4 (BCSC_EUSER - 4)
#define BCSC_TEST_E5 (BCSC_EUSER - 5)

/* ---- recording misuse handler ------------------------------------------
 * Install it in a test that commits misuse on purpose: in the checked build
 * the handler records the report and returns, so the call fails with its
 * documented error code; in the release build nothing is reported at all.
 * Compare counts with bcsc_test_misuse_expected(n), which is n in the
 * checked build and 0 in release. */

#define BCSC_TEST_MISUSE_MAX 16

typedef struct bcsc_test_misuse {
  uint32_t count;                            /* reports received */
  int32_t codes[BCSC_TEST_MISUSE_MAX];       /* the first reports' codes */
  const void *objects[BCSC_TEST_MISUSE_MAX]; /* ...and their objects */
  int32_t last_code;                         /* 0 until the first report */
  const char *last_message;
} bcsc_test_misuse_t;

/* A bcsc_misuse_fn: ctx must be a bcsc_test_misuse_t. */
void bcsc_test_misuse_record(void *ctx, int32_t code, const char *message,
                             const void *object);
/* Clear @p rec and make it the process-wide misuse handler. */
void bcsc_test_misuse_install(bcsc_test_misuse_t *rec);
/* Restore bcsc's default handler (print and abort). */
void bcsc_test_misuse_uninstall(void);
/* n in the checked build, 0 in release: the number of reports to expect. */
uint32_t bcsc_test_misuse_expected(uint32_t n);
/* How many recorded reports carry @p code. */
uint32_t bcsc_test_misuse_count_code(const bcsc_test_misuse_t *rec,
                                     int32_t code);
/* Whether the reports since the last call are exactly one of @p code
 * naming @p object (checked build) or none (release); then forgets them.
 * Call it after each misusing call to pin the report to that call. */
int bcsc_test_misuse_one(bcsc_test_misuse_t *rec, int32_t code,
                         const void *object);

/* ---- order log -----------------------------------------------------------
 * Tasks append an id each time they run, so a test can assert the exact
 * order of polls. Entries past BCSC_TEST_LOG_MAX are counted, not stored. */

#define BCSC_TEST_LOG_MAX 256

typedef struct bcsc_test_log {
  uint32_t len;
  int ids[BCSC_TEST_LOG_MAX];
} bcsc_test_log_t;

void bcsc_test_log_init(bcsc_test_log_t *log);
void bcsc_test_log_push(bcsc_test_log_t *log, int id);
/* 1 if the log holds exactly ids[0..n), else 0. */
int bcsc_test_log_equals(const bcsc_test_log_t *log, const int *ids,
                         uint32_t n);
/* Write the log as "a b c" into buf (for assertion messages). */
const char *bcsc_test_log_format(const bcsc_test_log_t *log, char *buf,
                                 size_t size);

/* ---- leaf task -------------------------------------------------------------
 * What it does, in order, on each poll:
 *  1. counts the poll and logs its id (if log is set);
 *  2. if cancelled: records saw_cancel, then cleans up - asynchronously if
 *     cleanup_queue is set (it registers there and returns PENDING until
 *     that list fires it once) - and returns cancel_result;
 *  3. yields until it has yielded `yields` times;
 *  4. if queue is set, waits on it once with bcsc_wait_on (value and
 *     wait_rc record how it ended);
 *  5. returns `result` (finished = 1).
 * Configure the fields after bcsc_test_leaf_init(); observe them after. */

typedef struct bcsc_test_leaf {
  bcsc_task_t task; /* first: pooled frames and casts rely on it */
  bcsc_wait_t wait;
  bcsc_wait_t cleanup_wait;
  /* configuration */
  int id;
  bcsc_test_log_t *log;        /* NULL: no logging */
  uint32_t yields;             /* yields before waiting / finishing */
  bcsc_waitq_t *queue;         /* NULL: no wait */
  int result;                  /* returned when it finishes */
  bcsc_waitq_t *cleanup_queue; /* NULL: synchronous cleanup */
  int cancel_result;           /* returned after cleanup; BCSC_ECANCELED */
  /* observations */
  uint32_t polls;
  uint32_t yielded;
  int waited;           /* the wait on queue completed */
  int wait_rc;          /* what bcsc_wait_on returned last (not PENDING) */
  uintptr_t value;      /* wait.value when the wait completed */
  int saw_cancel;       /* polled at least once while cancelled */
  uint32_t cancel_poll; /* the poll number that first saw it */
  int cleanup_waiting;  /* registered on cleanup_queue, not yet fired */
  int cleaned;          /* cleanup finished */
  int finished;         /* returned `result` (not cancelled) */
} bcsc_test_leaf_t;

/* Initialise the whole frame: task header (bcsc_test_leaf_poll), both
 * registrations, defaults (no log, no yields, no queue, result 0, cancel
 * result BCSC_ECANCELED), observations zeroed. */
void bcsc_test_leaf_init(bcsc_test_leaf_t *leaf, int id);
/* Same, except the task header: for a frame from bcsc_pool_acquire() with
 * bcsc_test_leaf_poll, whose header the pool initialised. */
void bcsc_test_leaf_init_fields(bcsc_test_leaf_t *leaf, int id);
/* A leaf frame from @p pool (bcsc_test_leaf_poll, fields as above), or
 * NULL if the pool refuses. */
bcsc_test_leaf_t *bcsc_test_leaf_acquire(bcsc_pool_t *pool, int id);
int bcsc_test_leaf_poll(bcsc_task_t *self);

/* ---- executor statistics -------------------------------------------------
 * bcsc_executor_stats() of `ex` into a zeroed struct of the current size;
 * a failure (it cannot fail on a live executor) aborts the test. */
bcsc_executor_stats_t bcsc_test_stats(const bcsc_executor_t *ex);

/* ---- owner task -------------------------------------------------------------
 * Opens `scope` with `policy`, spawns children[0..nchildren) into it, then
 * (if gate is set) waits on gate once, then either returns early_result with
 * the scope still open (early_return = 1: bcsc cancels and drains it) or
 * joins it and returns the join's result. Logs its id on each poll.
 * An owner can itself be a child of another owner. */

typedef struct bcsc_test_owner {
  bcsc_task_t task; /* first */
  bcsc_scope_t scope;
  bcsc_wait_t gate_wait;
  /* configuration */
  int id;
  bcsc_test_log_t *log;
  uint32_t policy;
  bcsc_task_t **children;
  uint32_t nchildren;
  bcsc_waitq_t *gate; /* NULL: no gate */
  int early_return;   /* return early_result without joining */
  int early_result;
  /* observations */
  int phase;
  uint32_t polls;
  int init_rc;
  int spawn_rc; /* first non-zero spawn result, else 0 */
  int saw_cancel;
  int joined; /* the join returned a result */
  int join_rc;
} bcsc_test_owner_t;

void bcsc_test_owner_init(bcsc_test_owner_t *owner, int id, uint32_t policy,
                          bcsc_task_t **children, uint32_t nchildren);
int bcsc_test_owner_poll(bcsc_task_t *self);

/* ---- file descriptors ----------------------------------------------------
 * The OS refusing a reactor its descriptors (EMFILE): the soft limit is
 * lowered to the lowest free descriptor, so every new one is refused and
 * none is opened to get there. Restore puts the limit back. 0, or -1 if
 * the limit could not be read or set. */
int bcsc_test_fds_exhaust(void);
int bcsc_test_fds_restore(void);
/* How many descriptors are open (below the soft limit, at most 4096): a
 * reactor's deinit must give back every one its init opened. */
int bcsc_test_fds_open(void);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* BCSC_TEST_H */
