/* SPDX-License-Identifier: MIT
 * A negative control for ThreadSanitizer (the tsan lane of scripts/test.sh):
 * the shape of bcsc's failure mode F4, planted. A "reactor" thread fires a
 * registration - reads its link and writes its value - while the executor
 * thread unlinks it, with nothing ordering the two. TSan must report the
 * data race (exit 66); built with -DBCSC_NEGATIVE_LOCKED the same program
 * takes a mutex around both sides and must be clean, so that a TSan that
 * reports everything, or cannot start, does not pass for one that works.
 * Plain C: Criterion cannot run under TSan. */
#include <pthread.h>
#include <stdio.h>

typedef struct node {
  struct node *next;
  struct node *prev;
  long value;
} node_t;

static node_t head = {&head, &head, 0};
static node_t registration;
static pthread_barrier_t start;
#ifdef BCSC_NEGATIVE_LOCKED
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
#define LOCK() pthread_mutex_lock(&lock)
#define UNLOCK() pthread_mutex_unlock(&lock)
#else
#define LOCK() ((void)0)
#define UNLOCK() ((void)0)
#endif

static void *reactor(void *arg) {
  (void)arg;
  pthread_barrier_wait(&start);
  LOCK();
  node_t *n = head.next;
  if (n != &head)
    n->value = 7; /* the fire */
  UNLOCK();
  return NULL;
}

int main(void) {
  pthread_t thread;
  registration.next = registration.prev = &head;
  head.next = head.prev = &registration;
  pthread_barrier_init(&start, NULL, 2);
  if (pthread_create(&thread, NULL, reactor, NULL) != 0)
    return 2;
  pthread_barrier_wait(&start);
  LOCK();
  head.next = head.prev = &head; /* the unlink */
  registration.next = registration.prev = &registration;
  registration.value = 0;
  UNLOCK();
  pthread_join(thread, NULL);
  printf("tsan_race: value %ld\n", registration.value);
  return 0;
}
