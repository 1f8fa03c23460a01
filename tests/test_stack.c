/* SPDX-License-Identifier: MIT
 * test_stack.c - bcsc's own C recursion is bounded: a tree 10,000 scopes
 * deep is built and then completes from the bottom up, is cancelled from
 * its root, or is drained by a root that returns over it, each on a thread
 * whose whole stack is 64 KiB.
 *
 * The frames live in a static array, not on that stack: what the 64 KiB
 * holds is the executor's and the library's own C frames, so a walk that
 * recursed once per level (cancel propagation, drain, wake of a parent)
 * would need ~10,000 frames and overflow into the guard page. The stack is
 * painted first and the test logs how much of it the deepest run used. */
/* MAP_ANONYMOUS is not POSIX 2008. */
#define _DEFAULT_SOURCE
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#if defined(__has_include)
#if __has_include(<valgrind/memcheck.h>)
#include <valgrind/memcheck.h>
#define BCSC_TEST_HAVE_MEMCHECK 1
#endif
#endif

#include <bcsc.h>

#define DEPTH 10000
#define THREAD_STACK (64 * 1024)
#define PAINT 0xa5

enum scenario { COMPLETE, CANCEL_FROM_ROOT, ROOT_RETURNS_OVER_THE_TREE };

/* Level i opens a scope and spawns level i+1 into it, then joins; a level
 * with `park` set first waits on that list (the bottom always, the root
 * in the drain scenario), and one with `early_return` returns right after
 * that wait, its scope still open. */
typedef struct level {
  bcsc_task_t task;
  bcsc_scope_t scope;
  bcsc_wait_t wait;
  struct level *child; /* NULL at the deepest level */
  bcsc_waitq_t *park;
  int phase;
  int early_return;
} level_t;

static level_t levels[DEPTH];
static bcsc_waitq_t bottom, root_park;
static bcsc_executor_t ex;

static int level_poll(bcsc_task_t *self) {
  level_t *l = (level_t *)self;
  int rc;
  if (l->phase == 0) {
    if ((rc = bcsc_scope_init(&l->scope, self, BCSC_SCOPE_FAIL_FAST)) != 0)
      return rc;
    if (l->child != NULL &&
        (rc = bcsc_scope_spawn(&l->scope, &l->child->task)) != 0)
      return rc;
    l->phase = 1;
  }
  if (l->phase == 1) {
    if (l->park != NULL) {
      rc = bcsc_wait_on(self, &l->wait, l->park);
      if (rc == BCSC_PENDING)
        return BCSC_PENDING;
    }
    l->phase = 2;
    /* Returning with the scope open: bcsc drains it (cancels the subtree
     * below and waits for all of it) before the task counts as done. */
    if (l->early_return)
      return 0;
  }
  return bcsc_scope_join(&l->scope);
}

/* Runs on the small thread; returns NULL or what went wrong. */
static const char *run_scenario(enum scenario which) {
  memset(levels, 0, sizeof levels);
  if (bcsc_executor_init(&ex, NULL) != 0 || bcsc_waitq_init(&bottom) != 0 ||
      bcsc_waitq_init(&root_park) != 0)
    return "init failed";
  for (int i = 0; i < DEPTH; i++) {
    bcsc_task_init(&levels[i].task, level_poll, NULL);
    bcsc_wait_init(&levels[i].wait);
    levels[i].child = i + 1 < DEPTH ? &levels[i + 1] : NULL;
  }
  levels[DEPTH - 1].park = &bottom;
  if (which == ROOT_RETURNS_OVER_THE_TREE) {
    levels[0].park = &root_park;
    levels[0].early_return = 1;
  }
  if (bcsc_executor_run(&ex, &levels[0].task) != BCSC_EDEADLK)
    return "building the tree did not leave it waiting";
  if (bcsc_waitq_count(&bottom) != 1)
    return "the deepest level is not waiting";
  int want = 0;
  switch (which) {
  case COMPLETE:
    /* The bottom's completion wakes its parent, and so on up. */
    if (bcsc_waitq_wake_one(&bottom, 1) != 1)
      return "waking the bottom woke nobody";
    break;
  case CANCEL_FROM_ROOT:
    if (bcsc_task_cancel(&levels[0].task) != 0)
      return "cancel failed";
    want = BCSC_ECANCELED;
    break;
  case ROOT_RETURNS_OVER_THE_TREE:
    if (bcsc_waitq_wake_one(&root_park, 1) != 1)
      return "waking the root woke nobody";
    break;
  }
  if (bcsc_executor_run(&ex, &levels[0].task) != want)
    return "the root's result is wrong";
  for (int i = 0; i < DEPTH; i++)
    if (!bcsc_task_done(&levels[i].task))
      return "a level did not complete";
  if (which == ROOT_RETURNS_OVER_THE_TREE &&
      bcsc_task_result(&levels[DEPTH - 1].task) != BCSC_ECANCELED)
    return "the drain did not cancel the bottom";
  if (bcsc_waitq_deinit(&bottom) != 0 || bcsc_waitq_deinit(&root_park) != 0 ||
      bcsc_executor_live_roots(&ex) != 0 || bcsc_executor_deinit(&ex) != 0)
    return "teardown failed";
  return NULL;
}

typedef struct job {
  enum scenario which;
  const char *failure;
} job_t;

static void *job_main(void *arg) {
  job_t *job = arg;
  job->failure = run_scenario(job->which);
  return NULL;
}

static ucontext_t caller_context, job_context;
static job_t *context_job;

static void context_main(void) {
  job_main(context_job);
  /* Returning resumes caller_context (uc_link). */
}

/* The stack is ours, so it can be painted and measured: 64 KiB mapped
 * above one PROT_NONE guard page (a stack given with pthread_attr_setstack
 * gets no guard from glibc, and an overflow must crash, not scribble). It
 * is a thread's whole stack, glibc's descriptor and TLS at its top
 * included, where the C library allows a thread that small; aarch64's
 * glibc does not (PTHREAD_STACK_MIN is 128 KiB there, for 64 KiB pages),
 * so there the job runs on the same 64 KiB through swapcontext(). */
static size_t run_on_small_stack(job_t *job, const char **how) {
  size_t page = (size_t)sysconf(_SC_PAGESIZE);
  unsigned char *map = mmap(NULL, page + THREAD_STACK, PROT_READ | PROT_WRITE,
                            MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  cr_assert_neq(map, MAP_FAILED);
  cr_assert_eq(mprotect(map, page, PROT_NONE), 0);
  unsigned char *stack = map + page;
  memset(stack, PAINT, THREAD_STACK);
  long thread_min = sysconf(_SC_THREAD_STACK_MIN);
  if (thread_min > 0 && thread_min <= THREAD_STACK) {
    pthread_attr_t attr;
    pthread_t thread;
    *how = "thread";
    cr_assert_eq(pthread_attr_init(&attr), 0);
    cr_assert_eq(pthread_attr_setstack(&attr, stack, THREAD_STACK), 0);
    cr_assert_eq(pthread_create(&thread, &attr, job_main, job), 0);
    cr_assert_eq(pthread_join(thread, NULL), 0);
    cr_assert_eq(pthread_attr_destroy(&attr), 0);
  } else {
    *how = "context";
    cr_assert_eq(getcontext(&job_context), 0);
    job_context.uc_stack.ss_sp = stack;
    job_context.uc_stack.ss_size = THREAD_STACK;
    job_context.uc_link = &caller_context;
    context_job = job;
    makecontext(&job_context, context_main, 0);
    cr_assert_eq(swapcontext(&caller_context, &job_context), 0);
  }
#ifdef BCSC_TEST_HAVE_MEMCHECK
  /* memcheck marks a finished thread's stack unaddressable. */
  VALGRIND_MAKE_MEM_DEFINED(stack, THREAD_STACK);
#endif
  /* Stacks grow down on every target we run: the first byte that is not
   * paint, from the bottom, is the deepest the job went. */
  size_t untouched = 0;
  while (untouched < THREAD_STACK && stack[untouched] == PAINT)
    untouched++;
  cr_assert_eq(munmap(map, page + THREAD_STACK), 0);
  return THREAD_STACK - untouched;
}

static void check(enum scenario which, const char *name) {
  job_t job = {.which = which};
  const char *how = "";
  size_t used = run_on_small_stack(&job, &how);
  cr_assert_null(job.failure, "%s: %s", name, job.failure);
  cr_log_info("test_stack %s: %d levels in %zu of the %d bytes of a %s's stack",
              name, DEPTH, used, THREAD_STACK, how);
}

Test(stack, ten_thousand_levels_complete_on_a_64k_stack) {
  check(COMPLETE, "complete");
}

Test(stack, cancelling_ten_thousand_levels_from_the_root_fits_in_64k) {
  check(CANCEL_FROM_ROOT, "cancel");
}

Test(stack, a_root_returning_over_ten_thousand_live_levels_drains_in_64k) {
  check(ROOT_RETURNS_OVER_THE_TREE, "drain");
}
