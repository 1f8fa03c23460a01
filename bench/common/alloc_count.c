/* SPDX-License-Identifier: MIT
 * alloc_count.c - counts heap-allocation calls made inside measured regions.
 *
 * bcsc promises never to allocate; the benchmarks check it on the hot paths
 * by counting every allocator call made between bench_alloc_start() and
 * bench_alloc_stop(). Two ways, chosen at compile time:
 *
 *  - Plain glibc build: this executable defines malloc, calloc, realloc,
 *    free, posix_memalign, aligned_alloc, memalign and valloc. The dynamic
 *    linker binds every caller in the process (the static libbcsc, libc
 *    itself) to these definitions; each counts and forwards to glibc's real
 *    allocator through its __libc_* entry points. Those, unlike
 *    dlsym(RTLD_NEXT, "malloc"), need no bootstrap (dlsym itself calls
 *    calloc).
 *  - AddressSanitizer build: ASan owns malloc, and replacing it would hide
 *    allocations from ASan. Its malloc/free hooks count instead.
 *
 * The counters are relaxed atomics because a two-thread scenario
 * (bench_pipeline's mpmc_2x2) counts the calls of both its threads. The
 * other thread's calls inside the window are seen: it only works there
 * after taking what this thread published (an acquire load) after
 * bench_alloc_start(), and bench_alloc_stop() reads after joining it. */
#include <errno.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "bench.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define BENCH_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define BENCH_ASAN 1
#endif

static atomic_int counting;
static atomic_uint_least64_t count_allocs;
static atomic_uint_least64_t count_frees;

static void note_alloc(void) {
  if (atomic_load_explicit(&counting, memory_order_relaxed))
    atomic_fetch_add_explicit(&count_allocs, 1, memory_order_relaxed);
}

static void note_free(void) {
  if (atomic_load_explicit(&counting, memory_order_relaxed))
    atomic_fetch_add_explicit(&count_frees, 1, memory_order_relaxed);
}

void bench_alloc_start(void) {
  atomic_store_explicit(&count_allocs, 0, memory_order_relaxed);
  atomic_store_explicit(&count_frees, 0, memory_order_relaxed);
  atomic_store_explicit(&counting, 1, memory_order_relaxed);
}

bench_alloc_counts_t bench_alloc_stop(void) {
  bench_alloc_counts_t c;
  atomic_store_explicit(&counting, 0, memory_order_relaxed);
  c.allocs = atomic_load_explicit(&count_allocs, memory_order_relaxed);
  c.frees = atomic_load_explicit(&count_frees, memory_order_relaxed);
  return c;
}

#if defined(BENCH_ASAN)

/* From <sanitizer/allocator_interface.h>, which gcc's Debian packages do
 * not install; the function is in both gcc's and clang's ASan runtime. */
int __sanitizer_install_malloc_and_free_hooks(
    void (*malloc_hook)(const volatile void *ptr, size_t size),
    void (*free_hook)(const volatile void *ptr));

static void asan_malloc_hook(const volatile void *ptr, size_t size) {
  (void)ptr;
  (void)size;
  note_alloc();
}

static void asan_free_hook(const volatile void *ptr) {
  (void)ptr;
  note_free();
}

static int hooks_installed;

int bench_alloc_supported(void) {
  if (!hooks_installed) {
    hooks_installed = __sanitizer_install_malloc_and_free_hooks(
                          asan_malloc_hook, asan_free_hook) != 0;
  }
  return hooks_installed;
}

const char *bench_alloc_method(void) {
  return "AddressSanitizer malloc/free hooks";
}

#elif defined(__GLIBC__)

/* glibc's own entry points to its allocator (exported since glibc 2.0). */
extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t count, size_t size);
extern void *__libc_realloc(void *ptr, size_t size);
extern void __libc_free(void *ptr);
extern void *__libc_memalign(size_t alignment, size_t size);
extern void *__libc_valloc(size_t size);

void *malloc(size_t size);
void *calloc(size_t count, size_t size);
void *realloc(void *ptr, size_t size);
void free(void *ptr);
int posix_memalign(void **out, size_t alignment, size_t size);
void *aligned_alloc(size_t alignment, size_t size);
void *memalign(size_t alignment, size_t size);
void *valloc(size_t size);

void *malloc(size_t size) {
  note_alloc();
  return __libc_malloc(size);
}

void *calloc(size_t count, size_t size) {
  note_alloc();
  return __libc_calloc(count, size);
}

void *realloc(void *ptr, size_t size) {
  note_alloc();
  return __libc_realloc(ptr, size);
}

void free(void *ptr) {
  if (ptr != NULL)
    note_free();
  __libc_free(ptr);
}

int posix_memalign(void **out, size_t alignment, size_t size) {
  void *p;
  note_alloc();
  if (alignment < sizeof(void *) || (alignment & (alignment - 1)) != 0)
    return EINVAL;
  p = __libc_memalign(alignment, size);
  if (p == NULL)
    return ENOMEM;
  *out = p;
  return 0;
}

void *aligned_alloc(size_t alignment, size_t size) {
  note_alloc();
  return __libc_memalign(alignment, size);
}

void *memalign(size_t alignment, size_t size) {
  note_alloc();
  return __libc_memalign(alignment, size);
}

void *valloc(size_t size) {
  note_alloc();
  return __libc_valloc(size);
}

int bench_alloc_supported(void) { return 1; }

const char *bench_alloc_method(void) {
  return "malloc family interposed in the executable (forwarding to "
         "glibc's __libc_malloc & co.)";
}

#else

int bench_alloc_supported(void) { return 0; }

const char *bench_alloc_method(void) {
  return "not available on this platform";
}

#endif
