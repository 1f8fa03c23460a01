/* SPDX-License-Identifier: MIT
 * bcsc_test.c - the shared test helpers described in bcsc_test.h. */
#include "bcsc_test.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

/* ---- recording misuse handler ------------------------------------------ */

void bcsc_test_misuse_record(void *ctx, int32_t code, const char *message,
                             const void *object) {
  bcsc_test_misuse_t *rec = (bcsc_test_misuse_t *)ctx;
  if (rec->count < BCSC_TEST_MISUSE_MAX) {
    rec->codes[rec->count] = code;
    rec->objects[rec->count] = object;
  }
  rec->count++;
  rec->last_code = code;
  rec->last_message = message;
}

void bcsc_test_misuse_install(bcsc_test_misuse_t *rec) {
  memset(rec, 0, sizeof *rec);
  bcsc_set_misuse_handler(bcsc_test_misuse_record, rec);
}

void bcsc_test_misuse_uninstall(void) { bcsc_set_misuse_handler(NULL, NULL); }

int bcsc_test_misuse_one(bcsc_test_misuse_t *rec, int32_t code,
                         const void *object) {
  int ok =
      rec->count == bcsc_test_misuse_expected(1) &&
      (rec->count == 0 || (rec->codes[0] == code && rec->objects[0] == object));
  rec->count = 0;
  return ok;
}

uint32_t bcsc_test_misuse_expected(uint32_t n) {
  return bcsc_is_checked_build() ? n : 0;
}

uint32_t bcsc_test_misuse_count_code(const bcsc_test_misuse_t *rec,
                                     int32_t code) {
  uint32_t n = 0;
  uint32_t stored =
      rec->count < BCSC_TEST_MISUSE_MAX ? rec->count : BCSC_TEST_MISUSE_MAX;
  for (uint32_t i = 0; i < stored; i++)
    if (rec->codes[i] == code)
      n++;
  return n;
}

/* ---- order log ---------------------------------------------------------- */

void bcsc_test_log_init(bcsc_test_log_t *log) { memset(log, 0, sizeof *log); }

void bcsc_test_log_push(bcsc_test_log_t *log, int id) {
  if (log->len < BCSC_TEST_LOG_MAX)
    log->ids[log->len] = id;
  log->len++;
}

int bcsc_test_log_equals(const bcsc_test_log_t *log, const int *ids,
                         uint32_t n) {
  if (log->len != n || n > BCSC_TEST_LOG_MAX)
    return 0;
  for (uint32_t i = 0; i < n; i++)
    if (log->ids[i] != ids[i])
      return 0;
  return 1;
}

const char *bcsc_test_log_format(const bcsc_test_log_t *log, char *buf,
                                 size_t size) {
  size_t used = 0;
  uint32_t stored = log->len < BCSC_TEST_LOG_MAX ? log->len : BCSC_TEST_LOG_MAX;
  if (size == 0)
    return buf;
  buf[0] = '\0';
  for (uint32_t i = 0; i < stored && used < size; i++) {
    int n =
        snprintf(buf + used, size - used, i == 0 ? "%d" : " %d", log->ids[i]);
    if (n < 0)
      break;
    used += (size_t)n;
  }
  return buf;
}

/* ---- leaf task ---------------------------------------------------------- */

void bcsc_test_leaf_init_fields(bcsc_test_leaf_t *leaf, int id) {
  /* Everything after the header: the pool already initialised that. */
  memset((unsigned char *)leaf + sizeof leaf->task, 0,
         sizeof *leaf - sizeof leaf->task);
  bcsc_wait_init(&leaf->wait);
  bcsc_wait_init(&leaf->cleanup_wait);
  leaf->id = id;
  leaf->cancel_result = BCSC_ECANCELED;
}

bcsc_test_leaf_t *bcsc_test_leaf_acquire(bcsc_pool_t *pool, int id) {
  void *frame = NULL;
  if (bcsc_pool_acquire(pool, bcsc_test_leaf_poll, NULL, &frame) != 0)
    return NULL;
  bcsc_test_leaf_init_fields((bcsc_test_leaf_t *)frame, id);
  return (bcsc_test_leaf_t *)frame;
}

void bcsc_test_leaf_init(bcsc_test_leaf_t *leaf, int id) {
  bcsc_task_init(&leaf->task, bcsc_test_leaf_poll, NULL);
  bcsc_test_leaf_init_fields(leaf, id);
}

/* Cleanup after observing cancellation. An asynchronous cleanup (think: an
 * io_uring cancel the kernel has yet to confirm) keeps the task alive, and
 * so its scope open, until the source fires. It registers with
 * bcsc_wait_register rather than bcsc_wait_on because bcsc_wait_on refuses
 * to register for a cancelled task. */
static int leaf_cleanup(bcsc_test_leaf_t *leaf) {
  if (leaf->cleanup_queue != NULL && !leaf->cleaned) {
    if (!bcsc_wait_fired(&leaf->cleanup_wait)) {
      int rc = bcsc_wait_register(&leaf->task, &leaf->cleanup_wait,
                                  leaf->cleanup_queue);
      if (rc != 0)
        return rc;
      leaf->cleanup_waiting = 1;
      return BCSC_PENDING;
    }
    leaf->cleanup_waiting = 0;
  }
  leaf->cleaned = 1;
  return leaf->cancel_result;
}

int bcsc_test_leaf_poll(bcsc_task_t *self) {
  bcsc_test_leaf_t *leaf = (bcsc_test_leaf_t *)self;
  leaf->polls++;
  if (leaf->log != NULL)
    bcsc_test_log_push(leaf->log, leaf->id);
  if (bcsc_task_cancelled(self)) {
    if (!leaf->saw_cancel) {
      leaf->saw_cancel = 1;
      leaf->cancel_poll = leaf->polls;
    }
    return leaf_cleanup(leaf);
  }
  if (leaf->yielded < leaf->yields) {
    leaf->yielded++;
    return bcsc_task_yield(self);
  }
  if (leaf->queue != NULL && !leaf->waited) {
    int rc = bcsc_wait_on(self, &leaf->wait, leaf->queue);
    if (rc == BCSC_PENDING)
      return BCSC_PENDING;
    leaf->wait_rc = rc;
    if (rc != 0)
      return rc;
    leaf->waited = 1;
    leaf->value = leaf->wait.value;
  }
  leaf->finished = 1;
  return leaf->result;
}

/* ---- owner task --------------------------------------------------------- */

void bcsc_test_owner_init(bcsc_test_owner_t *owner, int id, uint32_t policy,
                          bcsc_task_t **children, uint32_t nchildren) {
  memset(owner, 0, sizeof *owner);
  bcsc_task_init(&owner->task, bcsc_test_owner_poll, NULL);
  bcsc_wait_init(&owner->gate_wait);
  owner->id = id;
  owner->policy = policy;
  owner->children = children;
  owner->nchildren = nchildren;
}

enum { OWNER_OPEN = 0, OWNER_GATE = 1, OWNER_JOIN = 2 };

int bcsc_test_owner_poll(bcsc_task_t *self) {
  bcsc_test_owner_t *owner = (bcsc_test_owner_t *)self;
  int rc;
  owner->polls++;
  if (owner->log != NULL)
    bcsc_test_log_push(owner->log, owner->id);
  if (bcsc_task_cancelled(self))
    owner->saw_cancel = 1;
  switch (owner->phase) {
  case OWNER_OPEN:
    owner->init_rc = bcsc_scope_init(&owner->scope, self, owner->policy);
    if (owner->init_rc != 0)
      return owner->init_rc;
    for (uint32_t i = 0; i < owner->nchildren; i++) {
      rc = bcsc_scope_spawn(&owner->scope, owner->children[i]);
      if (rc != 0 && owner->spawn_rc == 0)
        owner->spawn_rc = rc;
    }
    owner->phase = OWNER_GATE;
    /* fall through */
  case OWNER_GATE:
    if (owner->gate != NULL) {
      /* A cancelled owner stops waiting (ECANCELED) and goes on to join. */
      rc = bcsc_wait_on(self, &owner->gate_wait, owner->gate);
      if (rc == BCSC_PENDING)
        return BCSC_PENDING;
    }
    owner->phase = OWNER_JOIN;
    if (owner->early_return)
      return owner->early_result;
    /* fall through */
  case OWNER_JOIN:
  default:
    rc = bcsc_scope_join(&owner->scope);
    if (rc == BCSC_PENDING)
      return BCSC_PENDING;
    owner->joined = 1;
    owner->join_rc = rc;
    return rc;
  }
}

bcsc_executor_stats_t bcsc_test_stats(const bcsc_executor_t *ex) {
  bcsc_executor_stats_t st;
  int rc;
  memset(&st, 0, sizeof st);
  st.size = sizeof st;
  if ((rc = bcsc_executor_stats(ex, &st)) != 0) {
    fprintf(stderr, "bcsc_test_stats: bcsc_executor_stats() = %s\n",
            bcsc_err_name(rc));
    abort();
  }
  return st;
}

static struct rlimit fds_saved;

int bcsc_test_fds_exhaust(void) {
  struct rlimit low;
  int lowest;
  if (getrlimit(RLIMIT_NOFILE, &fds_saved) != 0 || (lowest = dup(0)) < 0)
    return -1;
  (void)close(lowest);
  low = fds_saved;
  low.rlim_cur = (rlim_t)lowest;
  return setrlimit(RLIMIT_NOFILE, &low);
}

int bcsc_test_fds_restore(void) { return setrlimit(RLIMIT_NOFILE, &fds_saved); }

int bcsc_test_fds_open(void) {
  struct rlimit lim;
  int fd, n = 0, top = 4096;
  if (getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < (rlim_t)top)
    top = (int)lim.rlim_cur;
  for (fd = 0; fd < top; fd++)
    if (fcntl(fd, F_GETFD) != -1)
      n++;
  return n;
}
