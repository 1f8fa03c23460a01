/* SPDX-License-Identifier: MIT
 * uring_cat.c - cat through io_uring, with a deadline for a stuck read.
 *
 * A `cat` task copies its input to a count of bytes and lines through the
 * io_uring reactor: each read is an IORING_OP_READ into a buffer in the
 * reader task's own frame - the kernel writes there after the read was
 * submitted. It first copies a file (reads at offsets until the end of
 * file), then a pipe whose writer wrote three lines and then went quiet
 * without closing it: the fourth read waits in the kernel forever.
 *
 * The cat runs the pipe's reader in a scope with a 50 ms deadline. When the
 * deadline cancels the reader, its read is still in the kernel, which
 * could still write into the reader's frame. So the scope does not let the
 * reader go yet: the reactor asks the kernel to cancel the read, and only
 * when the kernel reports the read's end (-ECANCELED) does the reader
 * finish and the join return. Then nothing is left in flight, and the
 * frame may be reused.
 *
 * Real time (CLOCK_MONOTONIC). The program checks its own outcome and
 * exits non-zero if anything went differently, so it doubles as a smoke
 * test. Where io_uring is refused (an old kernel, a seccomp profile) it
 * says so and fails, unless BCSC_TEST_NO_URING=1 is set. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bcsc.h>

#define CAT_EREAD (BCSC_EUSER - 1) /* a read failed */

typedef struct reader {
  bcsc_task_t task;
  bcsc_uring_op_t op;
  bcsc_wait_t wait;
  char buf[16]; /* the kernel writes here, in the task's frame */
  bcsc_uring_reactor_t *r;
  int fd;
  int seekable; /* a file: read at offsets; a pipe: at the position */
  uint64_t at;  /* the offset of the next read */
  int reading;  /* a read is in flight */
  uint64_t bytes;
  uint32_t lines;
  int32_t last; /* the last read's result */
} reader_t;

/* Reads until the end of the input (or an error, or cancellation). */
static int reader_poll(bcsc_task_t *self) {
  reader_t *rd = (reader_t *)(void *)self;
  for (;;) {
    int rc, i;
    if (!rd->reading) {
      if (bcsc_task_cancelled(self))
        return BCSC_ECANCELED;
      rc = bcsc_uring_read(rd->r, &rd->op, rd->fd, rd->buf,
                           (uint32_t)sizeof rd->buf,
                           rd->seekable ? rd->at : BCSC_URING_OFFSET_CURRENT);
      if (rc != 0)
        return rc;
      rd->reading = 1;
    }
    /* Holds the task - cancelled or not - until the kernel has let go. */
    rc = bcsc_uring_wait(self, &rd->op, &rd->wait);
    if (rc != 0)
      return rc; /* BCSC_PENDING: the read is in the kernel */
    rd->reading = 0;
    rd->last = bcsc_uring_op_result(&rd->op);
    if (rd->last <= 0) /* the end, an error, or -ECANCELED */
      return rd->last == 0 || rd->last == -ECANCELED ? 0 : CAT_EREAD;
    for (i = 0; i < rd->last; i++)
      rd->lines += rd->buf[i] == '\n';
    rd->bytes += (uint64_t)rd->last;
    rd->at += (uint64_t)rd->last;
  }
}

typedef struct cat {
  bcsc_task_t task;
  bcsc_scope_t scope;
  reader_t *file, *pipe;
  bcsc_uring_reactor_t *r;
  int step;
  int file_rc, pipe_rc;
  uint64_t pipe_started, pipe_joined;
} cat_t;

static int cat_poll(bcsc_task_t *self) {
  cat_t *c = (cat_t *)(void *)self;
  int rc;
  switch (c->step) {
  case 0: /* the file: no deadline, it ends by itself */
    if ((rc = bcsc_scope_init(&c->scope, self, BCSC_SCOPE_FAIL_FAST)) != 0 ||
        (rc = bcsc_scope_spawn(&c->scope, &c->file->task)) != 0)
      return rc;
    c->step = 1;
    /* fall through */
  case 1:
    if ((rc = bcsc_scope_join(&c->scope)) == BCSC_PENDING)
      return rc;
    c->file_rc = rc;
    /* the pipe: 50 ms, then move on */
    c->pipe_started = c->r->base.vtable->now(&c->r->base);
    if ((rc = bcsc_scope_init(&c->scope, self, BCSC_SCOPE_FAIL_FAST)) != 0 ||
        (rc = bcsc_scope_set_deadline(&c->scope,
                                      c->pipe_started + 50 * BCSC_MSEC,
                                      BCSC_DEADLINE_MOVE_ON)) != 0 ||
        (rc = bcsc_scope_spawn(&c->scope, &c->pipe->task)) != 0)
      return rc;
    c->step = 2;
    /* fall through */
  default:
    if ((rc = bcsc_scope_join(&c->scope)) == BCSC_PENDING)
      return rc;
    c->pipe_rc = rc;
    c->pipe_joined = c->r->base.vtable->now(&c->r->base);
    return 0;
  }
}

static const char text[] = "bcsc reads this file through io_uring,\n"
                           "sixteen bytes at a time, at offsets,\n"
                           "until the end of the file.\n";
static const char lines[] = "pose 1.0 2.0\npose 1.1 2.0\npose 1.2 2.1\n";

static void reader_init(reader_t *rd, bcsc_uring_reactor_t *r, int fd,
                        int seekable) {
  memset(rd, 0, sizeof *rd);
  (void)bcsc_task_init(&rd->task, reader_poll, NULL);
  (void)bcsc_uring_op_init(&rd->op);
  (void)bcsc_wait_init(&rd->wait);
  rd->r = r;
  rd->fd = fd;
  rd->seekable = seekable;
}

int main(void) {
  static bcsc_uring_reactor_t r;
  static bcsc_executor_t ex;
  static reader_t file, pipe_reader;
  static cat_t cat;
  bcsc_executor_config_t config;
  char path[] = "/tmp/uring_cat_XXXXXX";
  int fd, fds[2], rc, ok;

  if ((rc = bcsc_uring_reactor_init(&r, 8, 0)) != 0) {
    const char *no = getenv("BCSC_TEST_NO_URING");
    printf("io_uring is not available here: %s\n", bcsc_strerror(rc));
    return no != NULL && strcmp(no, "1") == 0 ? 0 : 1;
  }
  memset(&config, 0, sizeof config);
  config.size = sizeof config;
  config.reactor = &r.base;
  if (bcsc_executor_init(&ex, &config) != 0)
    return 1;
  if ((fd = mkstemp(path)) < 0 || unlink(path) != 0 ||
      write(fd, text, sizeof text - 1) != (ssize_t)(sizeof text - 1) ||
      pipe(fds) != 0 ||
      write(fds[1], lines, sizeof lines - 1) != (ssize_t)(sizeof lines - 1))
    return 1;
  /* fds[1] stays open: the pipe's reader will wait for more. */
  reader_init(&file, &r, fd, 1);
  reader_init(&pipe_reader, &r, fds[0], 0);
  memset(&cat, 0, sizeof cat);
  (void)bcsc_task_init(&cat.task, cat_poll, NULL);
  cat.file = &file;
  cat.pipe = &pipe_reader;
  cat.r = &r;

  rc = bcsc_executor_run(&ex, &cat.task);
  printf("file: %llu bytes, %u lines, end of file (last read %d)\n",
         (unsigned long long)file.bytes, file.lines, (int)file.last);
  printf(
      "pipe: %llu bytes, %u lines, then stuck; the deadline cancelled "
      "the read after %llu ms\n",
      (unsigned long long)pipe_reader.bytes, pipe_reader.lines,
      (unsigned long long)((cat.pipe_joined - cat.pipe_started) / BCSC_MSEC));
  printf("the kernel answered the stuck read with %d (-ECANCELED) before "
         "the join returned; in flight now: %u\n",
         (int)pipe_reader.last, bcsc_uring_reactor_in_flight(&r));

  ok = rc == 0 && cat.file_rc == 0 && cat.pipe_rc == 0 &&
       file.bytes == sizeof text - 1 && file.lines == 3 && file.last == 0 &&
       pipe_reader.bytes == sizeof lines - 1 && pipe_reader.lines == 3 &&
       pipe_reader.last == -ECANCELED && !bcsc_uring_op_busy(&pipe_reader.op) &&
       bcsc_uring_reactor_in_flight(&r) == 0 &&
       cat.pipe_joined - cat.pipe_started >= 50 * BCSC_MSEC;
  if (bcsc_executor_deinit(&ex) != 0 || bcsc_uring_reactor_deinit(&r) != 0)
    ok = 0;
  close(fd);
  close(fds[0]);
  close(fds[1]);
  printf("%s\n", ok ? "uring_cat: ok" : "uring_cat: FAILED");
  return ok ? 0 : 1;
}
