/* SPDX-License-Identifier: MIT
 * criterion_shim.c - the runner behind the Criterion shim (see
 * criterion/criterion.h next to it): every registered test in a forked
 * child, in registration order; prints one line per test and a Criterion-
 * style "Synthesis" line; exits 1 if any test failed. */
#define _POSIX_C_SOURCE 200809L

#include <criterion/criterion.h>

#include <fnmatch.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#define SHIM_EXIT_SKIPPED 77

static struct cr_shim_test *tests_head;
static struct cr_shim_test **tests_tail = &tests_head;
static struct cr_shim_suite *suites;

void cr_shim_register(struct cr_shim_test *test) {
  test->next = NULL;
  *tests_tail = test;
  tests_tail = &test->next;
}

void cr_shim_register_suite(struct cr_shim_suite *suite) {
  suite->next = suites;
  suites = suite;
}

void cr_shim_fail(const char *file, int line, const char *expression,
                  const char *format, ...) {
  va_list args;
  fprintf(stderr, "%s:%d: Assertion failed: %s", file, line, expression);
  if (format[0] != '\0') {
    fputs(": ", stderr);
    va_start(args, format);
    vfprintf(stderr, format, args);
    va_end(args);
  }
  fputc('\n', stderr);
  fflush(NULL);
  _exit(1);
}

void cr_shim_skip(const char *format, ...) {
  va_list args;
  fputs("skipped: ", stderr);
  va_start(args, format);
  vfprintf(stderr, format, args);
  va_end(args);
  fputc('\n', stderr);
  fflush(NULL);
  _exit(SHIM_EXIT_SKIPPED);
}

void cr_shim_log(const char *format, ...) {
  va_list args;
  fputs("[----] ", stderr);
  va_start(args, format);
  vfprintf(stderr, format, args);
  va_end(args);
  fputc('\n', stderr);
}

static const struct cr_shim_suite *suite_of(const struct cr_shim_test *t) {
  for (const struct cr_shim_suite *s = suites; s; s = s->next)
    if (strcmp(s->name, t->suite) == 0)
      return s;
  return NULL;
}

static void run_child(const struct cr_shim_test *t,
                      const struct cr_shim_suite *s) {
  double timeout = t->timeout > 0 ? t->timeout : (s ? s->timeout : 0);
  if (timeout > 0)
    alarm((unsigned)timeout + 1);
  if (s && s->init)
    s->init();
  if (t->init)
    t->init();
  t->fn();
  if (t->fini)
    t->fini();
  if (s && s->fini)
    s->fini();
  fflush(NULL);
  _exit(0);
}

int main(int argc, char **argv) {
  const char *filter = NULL;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--filter") == 0 && i + 1 < argc)
      filter = argv[++i];
    else if (strncmp(argv[i], "--filter=", 9) == 0)
      filter = argv[i] + 9;
  }
  int passed = 0, failed = 0, skipped = 0;
  for (const struct cr_shim_test *t = tests_head; t; t = t->next) {
    char id[512];
    snprintf(id, sizeof id, "%s/%s", t->suite, t->name);
    if (filter && fnmatch(filter, id, 0) != 0)
      continue;
    const struct cr_shim_suite *s = suite_of(t);
    if (t->disabled || (s && s->disabled)) {
      skipped++;
      continue;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
      perror("fork");
      return 2;
    }
    if (pid == 0)
      run_child(t, s);
    int status;
    if (waitpid(pid, &status, 0) != pid) {
      perror("waitpid");
      return 2;
    }
    int ok;
    const char *why = "";
    char detail[64] = "";
    if (WIFSIGNALED(status)) {
      ok = t->signal != 0 && WTERMSIG(status) == t->signal;
      snprintf(detail, sizeof detail, " (signal %d)", WTERMSIG(status));
      why = WTERMSIG(status) == SIGALRM ? " timed out" : " crashed";
    } else if (WEXITSTATUS(status) == SHIM_EXIT_SKIPPED && t->signal == 0) {
      skipped++;
      printf("[SKIP] %s\n", id);
      continue;
    } else {
      ok = t->signal == 0 && WEXITSTATUS(status) == t->exit_code;
      snprintf(detail, sizeof detail, " (exit %d)", WEXITSTATUS(status));
      why = t->signal != 0 ? " did not die by the expected signal" : " failed";
    }
    if (ok) {
      passed++;
      printf("[PASS] %s\n", id);
    } else {
      failed++;
      printf("[FAIL] %s%s%s\n", id, why, detail);
    }
  }
  printf("[====] Synthesis: Tested: %d | Passing: %d | Failing: %d | "
         "Skipped: %d\n",
         passed + failed, passed, failed, skipped);
  return failed ? 1 : 0;
}
