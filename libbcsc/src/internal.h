/* SPDX-License-Identifier: MIT
 * internal.h - what the core's files share: object states, the checks that
 * guard every entry point, and the run queue. Never installed. */
#ifndef BCSC_INTERNAL_H
#define BCSC_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "bcsc.h"

#if defined(BCSC_CHECKED) && BCSC_CHECKED
#define BCSC__CHECKED 1
#else
#define BCSC__CHECKED 0
#endif

/* One magic per object type: a frame whose memory was never initialised, or
 * was overwritten (a stack frame reused while still linked), fails the
 * comparison. The public static initialisers spell the same numbers. */
#define BCSC__MAGIC_TASK 0x7a5c
#define BCSC__MAGIC_WAIT 0x3a17
/* A timer's registration: a wait whose source is the timing wheel. The
 * magic doubles as the node's kind, so the node needs no kind field. */
#define BCSC__MAGIC_TIMER_WAIT 0x3a18
#define BCSC__MAGIC_WAITQ 0x3b29
/* A waiter list made a completion source's (bcsc_waitq_set_abort(), D67):
 * the fast paths that compare the plain magic pass it to their checked
 * paths, and the checks accept both. */
#define BCSC__MAGIC_WAITQ_ABORT 0x3b2a
#define BCSC__MAGIC_SCOPE 0x5c0e
#define BCSC__MAGIC_EXECUTOR 0xe8ec
#define BCSC__MAGIC_POOL 0x9001
#define BCSC__MAGIC_ONESHOT 0x0e51
#define BCSC__MAGIC_WATCH 0x3a7c
#define BCSC__MAGIC_EVENT 0xe7e0
#define BCSC__MAGIC_BROADCAST 0x6b0c
#define BCSC__MAGIC_BROADCAST_RECEIVER 0x6b0d
#define BCSC__MAGIC_BARRIER 0x6ba7
#define BCSC__MAGIC_CHANNEL 0xc4a1
#define BCSC__MAGIC_SEMAPHORE 0x5e3a
#define BCSC__MAGIC_MUTEX 0x3071
#define BCSC__MAGIC_SELECT 0x5e1e
#define BCSC__MAGIC_STREAM 0x5f4e
#define BCSC__MAGIC_REMOTE 0x3e70
#define BCSC__MAGIC_CONTEXT 0xc07e
/* These two are also in BCSC_DRAIN_GRACE_INITIALIZER and
 * BCSC_ERROR_LIST_INITIALIZER. */
#define BCSC__MAGIC_DRAIN_GRACE 0x6ace
#define BCSC__MAGIC_ERROR_LIST 0xe415
/* The shipped reactors' objects (D90): a whole 32-bit word each, the word
 * that was their reserved32 (uring: its first reserved word), so that
 * memory that is not a reactor is refused rather than taken for one. The
 * epoll watch and the uring op keep their 16-bit magics (0xe901, 0xe7a1,
 * spelled in their public initialisers). */
#define BCSC__MAGIC_SIM_REACTOR 0x5130e4c7u
#define BCSC__MAGIC_SPIN_REACTOR 0x5b10e4c7u
#define BCSC__MAGIC_POSIX_REACTOR 0x9051e4c7u
#define BCSC__MAGIC_EPOLL_REACTOR 0xe901e4c7u
#define BCSC__MAGIC_URING_REACTOR 0xe7a1e4c7u

/* Task: the low bits are the lifecycle state, the rest flags. */
enum {
  BCSC__TASK_IDLE = 0,    /* initialised, not spawned */
  BCSC__TASK_QUEUED = 1,  /* on the run queue; link.run_next */
  BCSC__TASK_RUNNING = 2, /* its poll function is on the stack; link.waits */
  BCSC__TASK_WAITING = 3, /* returned PENDING; link.waits */
  BCSC__TASK_DONE = 4,    /* completed; link.result */
  BCSC__TASK_STATE_MASK = 0x7,
  BCSC__TASK_CANCELLED = 0x8, /* cancellation requested */
  BCSC__TASK_WOKEN = 0x10,    /* woken while running: queue it on return */
  BCSC__TASK_DRAINING = 0x20, /* returned, bcsc is draining its scopes */
  BCSC__TASK_POOLED = 0x40,   /* frame goes back to a pool on completion */
  /* Waiting for one of its scopes to empty (join, or a drain): that scope
   * has BCSC__SCOPE_JOINING. A registration without a node, undone like
   * the others when the task is woken. */
  BCSC__TASK_JOINING = 0x80,
  /* Holds a baton from a hand-off list: the executor checks after its
   * next poll whether it was taken. */
  BCSC__TASK_BATON = 0x100,
  /* A value wake reached it since it last asked (bcsc_task_waker_woken). */
  BCSC__TASK_VALUE_WOKEN = 0x200,
  /* A remote child hosted by this executor (bcsc/remote.h): its frame is a
   * bcsc_remote_task_t, and its completion tells the parent's executor. */
  BCSC__TASK_REMOTE = 0x400,
  /* Returned (done or an error) while a completion source's abort was
   * pending (D67): WAITING, with BCSC__TASK_DRAINING, until the aborting
   * registrations it still holds have fired; each holds the result it
   * returned, encoded in its `value` (bcsc__abort_enc()). */
  BCSC__TASK_ABORTED = 0x800
};

/* Registration states. */
enum {
  BCSC__WAIT_IDLE = 0,
  BCSC__WAIT_LINKED = 1,
  BCSC__WAIT_FIRED = 2,
  /* Fired from a hand-off list: a baton on the executor's list until the
   * task's next poll has returned (see bcsc__task_batons()). */
  BCSC__WAIT_FIRED_HANDOFF = 3,
  /* The same, fired while its task was being polled: that poll's end arms
   * it (makes it FIRED_HANDOFF) rather than passing it on. */
  BCSC__WAIT_FIRED_HANDOFF_NEW = 4
};
/* Waiter-list state flags. */
enum {
  BCSC__WAITQ_HANDOFF = 0x1,
  /* A completion source's list (D67): its magic is BCSC__MAGIC_WAITQ_ABORT
   * too, so that bcsc_wait_on()'s fast path does not take it. */
  BCSC__WAITQ_ABORT = 0x2
};

/* Whether `w` holds a hand-off wake not yet taken (D22). */
static inline int bcsc__wait_is_baton(const bcsc_wait_t *w) {
  return w->priv.state == BCSC__WAIT_FIRED_HANDOFF ||
         w->priv.state == BCSC__WAIT_FIRED_HANDOFF_NEW;
}

/* Whether baton `w` is the node on its executor's list of batons, not a
 * copy of one. A baton carries no address tag (a fired node is untagged),
 * so this is how a copy is told: its links still name the original's
 * neighbours, and taking or passing it on would unlink those again and
 * count its list's batons down twice (D96). */
static inline int bcsc__baton_genuine(const bcsc_wait_t *w) {
  return *w->priv.task_pprev == w;
}

/* What owns a wheel link: the public initialisers spell these. */
enum { BCSC__LINK_TIMER = 1, BCSC__LINK_SCOPE = 2 };

/* Executor state flags. */
enum {
  BCSC__EXECUTOR_INSIDE = 0x1,  /* in bcsc_executor_run() or _poll() */
  BCSC__EXECUTOR_ABORTING = 0x2 /* a completion source's abort function
                                   runs (D76) */
};

/* Scope states and flags. */
enum { BCSC__SCOPE_CLOSED = 0, BCSC__SCOPE_OPEN = 1 };
enum {
  BCSC__SCOPE_CANCELLED = 0x1,
  BCSC__SCOPE_RACE_WON = 0x2,
  BCSC__SCOPE_ROOT = 0x4,
  BCSC__SCOPE_RACE_RAN = 0x8,       /* a child of a race scope completed */
  BCSC__SCOPE_DEADLINE_FAIL = 0x10, /* its deadline is BCSC_DEADLINE_FAIL */
  BCSC__SCOPE_TIMED_OUT = 0x20,     /* its own deadline cancelled it */
  BCSC__SCOPE_JOINING = 0x40,       /* its owner waits for it to empty */
  BCSC__SCOPE_FAILED = 0x80,        /* first_error and error_count are set */
  BCSC__SCOPE_DEADLINE_SET = 0x100, /* the deadline link is initialised */
  BCSC__SCOPE_REMOTE = 0x200,       /* remote_head is initialised */
  /* A drain grace is attached (D59, D64). */
  BCSC__SCOPE_GRACE = 0x400,
  /* ...and its timer runs: the deadline link is in the wheel for it. */
  BCSC__SCOPE_GRACE_ARMED = 0x800,
  BCSC__SCOPE_START = 0x1000, /* a start's scope; its target counts it (D56) */
  /* Opened with BCSC_SCOPE_SHIELD: a cancellation from outside stops at it
   * (D80). */
  BCSC__SCOPE_SHIELDED = 0x2000,
  /* D55: the top bits, so that flags added meanwhile elsewhere do not
   * collide with these two. */
  BCSC__SCOPE_CONTEXT = 0x4000,   /* a context entry is attached */
  BCSC__SCOPE_ERROR_LIST = 0x8000 /* an error list is attached */
};
/* The flags of the nodes a scope may hold (D64): `attachments` is valid
 * while one of them is set. */
#define BCSC__SCOPE_ATTACHED                                                   \
  (BCSC__SCOPE_GRACE | BCSC__SCOPE_CONTEXT | BCSC__SCOPE_ERROR_LIST)
/* Attachment node states and kinds (struct bcsc_attach_private). The kind
 * is written when a node is attached: the release build walks by it; the
 * checked build also checks the node's magic. */
enum { BCSC__ATTACH_IDLE = 0, BCSC__ATTACH_ATTACHED = 1 };
enum {
  BCSC__ATTACH_CONTEXT = 1,
  BCSC__ATTACH_GRACE = 2,
  BCSC__ATTACH_ERROR_LIST = 3
};

typedef struct bcsc_timer_link bcsc_timer_link_t;

/* Branch hints for the hot paths: misuse and rare policies are cold. */
#if defined(__GNUC__) || defined(__clang__)
#define BCSC__LIKELY(x) __builtin_expect(!!(x), 1)
#define BCSC__UNLIKELY(x) __builtin_expect(!!(x), 0)
#define BCSC__ALWAYS_INLINE inline __attribute__((always_inline))
#define BCSC__COLD __attribute__((cold, noinline))
#define BCSC__NOINLINE __attribute__((noinline))
#else
#define BCSC__LIKELY(x) (x)
#define BCSC__UNLIKELY(x) (x)
#define BCSC__ALWAYS_INLINE inline
#define BCSC__COLD
#define BCSC__NOINLINE
#endif
/* The coverage build counts each function's branches once, not once per
 * copy inlined into each caller (whose conditions are often fixed there):
 * it compiles without forced inlining (docs/testing.md, "Coverage
 * ratchet"). Every other build inlines as the hot paths need. */
#ifdef BCSC_COVERAGE_BUILD
#undef BCSC__ALWAYS_INLINE
#define BCSC__ALWAYS_INLINE inline
#endif

/* Recover the struct that contains a member from the member's address. */
#define BCSC__CONTAINER_OF(ptr, type, member)                                  \
  ((type *)(void *)((char *)(ptr)-offsetof(type, member)))

/* ---- misuse reporting --------------------------------------------------
 * Checks that are cheap (a NULL, a magic, a state) run in every build and
 * turn misuse into an error code. The checked build also reports each one
 * through the misuse handler first, and adds the costlier canary checks. */

/* Calls the process-wide handler (misuse.c). */
void bcsc__misuse(int32_t code, const void *object);
/* The default handler: hosted/ prints and aborts, freestanding/ traps.
 * Neither returns. */
_Noreturn void bcsc__misuse_default(int32_t code, const char *message,
                                    const void *object);
/* A non-zero number that tells the calling thread from every other live
 * thread, or 0 if the platform knows no threads (freestanding/): then no
 * wrong-thread check is made. From the platform layer, like the above. */
uintptr_t bcsc__thread_self(void);

#if BCSC__CHECKED
#define BCSC__REPORT(code, object)                                             \
  bcsc__misuse(BCSC_MISUSE_##code, (const void *)(object))
#else
#define BCSC__REPORT(code, object) ((void)0)
#endif

/* Report `code` in every build: only for the ends of C scopes (D84), where
 * the caller's memory goes away whatever bcsc answers, so that a release
 * build going on without a word would leave linked memory to be reused. */
#define BCSC__REPORT_ALWAYS(code, object)                                      \
  bcsc__misuse(BCSC_MISUSE_##code, (const void *)(object))

/* Report misuse `code` and return `err` from the calling function. */
#define BCSC__FAIL(code, object, err)                                          \
  do {                                                                         \
    BCSC__REPORT(code, object);                                                \
    return (err);                                                              \
  } while (0)

/* Copy `n` bytes: the core links no libc, not even memcpy. Element copies
 * (channel slots, watch values, stats) all go through here. */
typedef uint64_t __attribute__((may_alias, aligned(1))) bcsc__any_u64_t;
typedef uint32_t __attribute__((may_alias, aligned(1))) bcsc__any_u32_t;
static inline void bcsc__copy_bytes(void *dst, const void *src, size_t n) {
  unsigned char *out = (unsigned char *)dst;
  const unsigned char *in = (const unsigned char *)src;
  /* The common elements - a word, a half word - as one load and one store,
   * through types that may alias anything at any alignment. (Byte copies
   * are not merged: the compiler cannot rule out that the two overlap.) */
  if (n == 8) {
    *(bcsc__any_u64_t *)(void *)out =
        *(const bcsc__any_u64_t *)(const void *)in;
    return;
  }
  if (n == 4) {
    *(bcsc__any_u32_t *)(void *)out =
        *(const bcsc__any_u32_t *)(const void *)in;
    return;
  }
  for (size_t i = 0; i < n; i++)
    out[i] = in[i];
}

/* Zero `n` bytes. A loop, not a zero compound literal: builds without
 * optimisation copy that from a temporary as large as the object (3.5 KB
 * of stack for an executor). */
static inline void bcsc__zero_bytes(void *dst, size_t n) {
  unsigned char *out = (unsigned char *)dst;
  for (size_t i = 0; i < n; i++)
    out[i] = 0;
}

/* The last step of a teardown that succeeded: bcsc's part of `object`
 * becomes that of a zero object, so that its queries, which check no magic
 * (D89), answer as for one never initialised rather than with its old
 * state. The caller's `data` field (or a reactor's base) stays, and so
 * does every buffer the object pointed at: those are the caller's. */
#define BCSC__FORGET(object)                                                   \
  bcsc__zero_bytes(&(object)->priv, sizeof(object)->priv)

/* A 32-bit tag of an object's address, recorded while the object is linked:
 * a copy or a moved object carries the tag of another address. Objects are
 * at least 8-byte aligned, so bits 3..33 of the address tell apart any two
 * objects within 16 GiB of each other; the top bit keeps the tag non-zero,
 * so 0 can mean "not linked, free to move". Two instructions: this runs on
 * every entry point, in every build. */
static inline uint32_t bcsc__self_tag(const void *object) {
  return (uint32_t)((uintptr_t)object >> 3) | 0x80000000u;
}

/* Fail the calling function unless `object` is non-NULL and carries
 * `magic_value` in priv.magic. */
#define BCSC__CHECK_MAGIC(object, magic_value)                                 \
  do {                                                                         \
    if ((object) == NULL)                                                      \
      BCSC__FAIL(NULL_OBJECT, object, BCSC_EINVAL);                            \
    if ((object)->priv.magic != (magic_value))                                 \
      BCSC__FAIL(BAD_OBJECT, object, BCSC_EBADOBJ);                            \
  } while (0)

/* Validate an object that records no address (a shipped reactor, D90: it
 * must not move after its _init, and nothing it holds can tell): non-NULL
 * and initialised. */
#define BCSC__DEFINE_MAGIC_CHECK(name, type, magic_value)                      \
  static inline int bcsc__check_##name(const type *object) {                   \
    BCSC__CHECK_MAGIC(object, magic_value);                                    \
    return 0;                                                                  \
  }

/* Validate an object header: non-NULL, initialised, not moved while linked.
 * Returns 0 or the error code, reporting in the checked build. */
#define BCSC__DEFINE_OBJECT_CHECK(name, type, magic_value)                     \
  static inline int bcsc__check_##name(const type *object) {                   \
    BCSC__CHECK_MAGIC(object, magic_value);                                    \
    if (object->priv.self_tag != 0 &&                                          \
        object->priv.self_tag != bcsc__self_tag(object))                       \
      BCSC__FAIL(MOVED, object, BCSC_EBADOBJ);                                 \
    return 0;                                                                  \
  }

/* D23: a task's self_tag holds two things. The low half is a 16-bit tag of
 * its address (the top bit keeps it non-zero while live): a moved frame
 * carries the tag of another address, unless it moved by a multiple of
 * 256 KiB. The high half is the index + 1 of the waker slot it holds (0:
 * none), so that the 64-byte header needs no other field for it. */
#define BCSC__TASK_TAG_MASK 0xffffu
#define BCSC__TASK_SLOT_SHIFT 16
static inline uint32_t bcsc__task_tag16(const bcsc_task_t *t) {
  uintptr_t key = (uintptr_t)t >> 3;
#if BCSC__CHECKED
  /* D28: the checked build keys the tag with the poll function, the one
   * word at the front of the header bcsc owns and never changes while the
   * task lives. Every check of the tag then also checks that word: a frame
   * clobbered from its front fails like one clobbered at its tail. */
  uintptr_t poll = (uintptr_t)t->poll;
  key ^= poll ^ poll >> 15 ^ poll >> 30;
#endif
  return ((uint32_t)key & 0x7fffu) | 0x8000u;
}
/* The slot half of a task's header word, set: OR it into both sides of a
 * header comparison that must not depend on the slot. */
#define BCSC__TASK_SLOT_BITS (~(uint32_t)BCSC__TASK_TAG_MASK)
/* The waker slot index + 1 a task holds; 0 if none. */
static inline uint32_t bcsc__task_slot1(const bcsc_task_t *t) {
  return t->priv.self_tag >> BCSC__TASK_SLOT_SHIFT;
}
static inline int bcsc__check_task(const bcsc_task_t *object) {
  if (object == NULL)
    BCSC__FAIL(NULL_OBJECT, object, BCSC_EINVAL);
  if (object->priv.magic != BCSC__MAGIC_TASK)
    BCSC__FAIL(BAD_OBJECT, object, BCSC_EBADOBJ);
  if (object->priv.self_tag != 0 &&
      (object->priv.self_tag & BCSC__TASK_TAG_MASK) != bcsc__task_tag16(object))
    BCSC__FAIL(MOVED, object, BCSC_EBADOBJ);
  return 0;
}
/* A registration's check also refuses a copy of a baton as moved: it has
 * no tag to carry. The hot paths compare the header word instead and take
 * a baton only if it is genuine. */
static inline int bcsc__check_wait(const bcsc_wait_t *object) {
  BCSC__CHECK_MAGIC(object, BCSC__MAGIC_WAIT);
  if ((object->priv.self_tag != 0 &&
       object->priv.self_tag != bcsc__self_tag(object)) ||
      (bcsc__wait_is_baton(object) && !bcsc__baton_genuine(object)))
    BCSC__FAIL(MOVED, object, BCSC_EBADOBJ);
  return 0;
}
/* A waiter list: a plain one, or a completion source's (D67). A list
 * inside a primitive carries the primitive's move check; its report names
 * `owner`, the object the caller passed, not the list within it. */
static inline int bcsc__check_waitq_of(const bcsc_waitq_t *object,
                                       const void *owner) {
  (void)owner; /* only the checked build reports */
  if (object == NULL)
    BCSC__FAIL(NULL_OBJECT, owner, BCSC_EINVAL);
  if (object->priv.magic != BCSC__MAGIC_WAITQ &&
      object->priv.magic != BCSC__MAGIC_WAITQ_ABORT)
    BCSC__FAIL(BAD_OBJECT, owner, BCSC_EBADOBJ);
  if (object->priv.self_tag != 0 &&
      object->priv.self_tag != bcsc__self_tag(object))
    BCSC__FAIL(MOVED, owner, BCSC_EBADOBJ);
  return 0;
}
static inline int bcsc__check_waitq(const bcsc_waitq_t *object) {
  return bcsc__check_waitq_of(object, object);
}
BCSC__DEFINE_OBJECT_CHECK(scope, bcsc_scope_t, BCSC__MAGIC_SCOPE)
BCSC__DEFINE_OBJECT_CHECK(executor, bcsc_executor_t, BCSC__MAGIC_EXECUTOR)
BCSC__DEFINE_OBJECT_CHECK(pool, bcsc_pool_t, BCSC__MAGIC_POOL)
BCSC__DEFINE_OBJECT_CHECK(context, bcsc_context_t, BCSC__MAGIC_CONTEXT)
BCSC__DEFINE_OBJECT_CHECK(error_list, bcsc_error_list_t, BCSC__MAGIC_ERROR_LIST)
/* A drain grace's header is one level down (its private part has more). */
static inline int bcsc__check_drain_grace(const bcsc_drain_grace_t *g) {
  if (g == NULL)
    BCSC__FAIL(NULL_OBJECT, g, BCSC_EINVAL);
  if (g->priv.node.magic != BCSC__MAGIC_DRAIN_GRACE)
    BCSC__FAIL(BAD_OBJECT, g, BCSC_EBADOBJ);
  if (g->priv.node.self_tag != 0 && g->priv.node.self_tag != bcsc__self_tag(g))
    BCSC__FAIL(MOVED, g, BCSC_EBADOBJ);
  return 0;
}
/* Every node starts with its header (D64): the object and its header
 * share an address. */
_Static_assert(offsetof(bcsc_context_t, priv) == 0, "context header first");
_Static_assert(offsetof(bcsc_error_list_t, priv) == 0, "list header first");
_Static_assert(offsetof(bcsc_drain_grace_t, priv.node) == 0,
               "grace header first");

/* The hot entry points check an object in one compare: state, magic and
 * self_tag are adjacent 16-, 16- and 32-bit fields in every header (asserted
 * below), so one 64-bit load holds all three. A fast path proceeds only if
 * that word is exactly what a valid, unmoved object in the expected state
 * holds; anything else takes the field-by-field checks above, with their
 * reports and error codes.
 *
 * The hot paths also write a task's or registration's state through the
 * whole word (BCSC__HEADER_SET): a load that overlaps a narrower store
 * still in the store buffer cannot take its value from it and waits until
 * the store retires, which measurably slowed the wake path. */
typedef uint64_t __attribute__((may_alias, aligned(4))) bcsc__header_word_t;

#define BCSC__HEADER(object)                                                   \
  (*(const bcsc__header_word_t *)(const void *)&(object)->priv.state)
#define BCSC__HEADER_SET(object, word)                                         \
  (*(bcsc__header_word_t *)(void *)&(object)->priv.state = (word))

/* The header word of a state, magic and tag (or of masks of them). */
static inline uint64_t bcsc__header_expect(uint32_t state, uint32_t magic,
                                           uint32_t tag) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  return (uint64_t)state << 48 | (uint64_t)magic << 32 | tag;
#else
  return (uint64_t)state | (uint64_t)magic << 16 | (uint64_t)tag << 32;
#endif
}

/* The state field of a header word. */
static inline uint16_t bcsc__header_state(uint64_t word) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  return (uint16_t)(word >> 48);
#else
  return (uint16_t)word;
#endif
}

/* `word` with its magic kept and its state and tag replaced. */
static inline uint64_t bcsc__header_with(uint64_t word, uint32_t state,
                                         uint32_t tag) {
  return (word & bcsc__header_expect(0, 0xffff, 0)) |
         bcsc__header_expect(state, 0, tag);
}

/* `word` with its magic and tag kept and its state replaced. */
static inline uint64_t bcsc__header_with_state(uint64_t word, uint32_t state) {
  return (word & ~bcsc__header_expect(0xffff, 0, 0)) |
         bcsc__header_expect(state, 0, 0);
}

#define BCSC__ASSERT_HEADER(type)                                              \
  _Static_assert(                                                              \
      offsetof(type, priv.magic) == offsetof(type, priv.state) + 2 &&          \
          offsetof(type, priv.self_tag) == offsetof(type, priv.state) + 4 &&   \
          offsetof(type, priv.state) % 4 == 0,                                 \
      #type ": state, magic and self_tag form one word")
BCSC__ASSERT_HEADER(bcsc_task_t);
BCSC__ASSERT_HEADER(bcsc_wait_t);
BCSC__ASSERT_HEADER(bcsc_waitq_t);
BCSC__ASSERT_HEADER(bcsc_scope_t);

/* A linked object found through a list must still carry its magic and tag;
 * if not, its memory was reused while linked. Checked build only: the
 * release build trusts its own links. Returns 0 if intact. */
#if BCSC__CHECKED
#define BCSC__CANARY_BAD(object, magic_value)                                  \
  ((object)->priv.magic != (magic_value) ||                                    \
   (object)->priv.self_tag != bcsc__self_tag(object))
#else
#define BCSC__CANARY_BAD(object, magic_value) 0
#endif

/* The same for a task (its tag is in the low half of self_tag, D23). */
#if BCSC__CHECKED
#define BCSC__TASK_CANARY_BAD(t)                                               \
  ((t)->priv.magic != BCSC__MAGIC_TASK ||                                      \
   ((t)->priv.self_tag & BCSC__TASK_TAG_MASK) != bcsc__task_tag16(t))
#else
#define BCSC__TASK_CANARY_BAD(t) 0
#endif

/* Whether a registration found through a task's list is not what was
 * linked: neither kind of registration, or moved. Checked build only. */
#define BCSC__WAIT_CANARY_BAD(w)                                               \
  (BCSC__CANARY_BAD(w, BCSC__MAGIC_WAIT) &&                                    \
   BCSC__CANARY_BAD(w, BCSC__MAGIC_TIMER_WAIT))
/* Whether a registration is one of the two kinds (checked build only). */
#if BCSC__CHECKED
#define BCSC__WAIT_MAGIC_BAD(w)                                                \
  ((w)->priv.magic != BCSC__MAGIC_WAIT &&                                      \
   (w)->priv.magic != BCSC__MAGIC_TIMER_WAIT)
#else
#define BCSC__WAIT_MAGIC_BAD(w) 0
#endif

/* ---- design-for-test hooks (docs/testing.md) ---------------------------
 * Checked build only, except the ASan poisoning, which follows the
 * sanitizer. Nothing here changes a layout or a release code path. */

/* What the links of an unlinked node hold in the checked build (D29): an
 * address no program maps (non-canonical on x86-64, the kernel's half on
 * 32-bit targets), so that a stale link is recognised by the checks that
 * follow links and faults if anything follows it unchecked. */
#define BCSC__POISON_WORD ((uintptr_t)0xdeadbea0deadbea0ull)
#define BCSC__POISONED ((void *)BCSC__POISON_WORD)

/* The checked build's count of linked registrations held by the tasks of a
 * scope (D29), asserted 0 when the scope ends. Kept in the scope's
 * `linked` word, which the release build leaves 0. */
#define BCSC__SCOPE_LINKED(s) ((s)->priv.linked)

/* Test hook points (internal-for-tests: tests/support/bcsc_dft.h). A test
 * sets a hook on one executor; the checked build calls it between the
 * critical steps named below, with the object the step is about, so a test
 * can cancel, wake or fire from inside the window. */
enum {
  /* wait.c: a registration is out of its source and marked fired; its
   * task has not been woken yet. Object: the registration. */
  BCSC__HOOK_FIRED = 1,
  /* wait.c: a task's registrations are being unlinked (it was woken, is
   * completing or was cancelled): this one is out of its source, those
   * after it in the task's list not yet. Object: the registration. */
  BCSC__HOOK_UNLINKED = 2,
  /* scope.c: a cancellation walk has cancelled this task and not yet
   * marked its own scopes or gone on to the next. Object: the task. */
  BCSC__HOOK_CANCELLED = 3,
  /* scope.c: a task completed (done, out of its scope's list, the scope's
   * count decremented); its scope's policy and its joining owner have not
   * been told yet. Object: the task. */
  BCSC__HOOK_COMPLETED = 4
  /* 5 to 7 are the wake path's, in inbox.h (BCSC__HOOK_MARKED,
   * BCSC__HOOK_NOTIFYING, BCSC__HOOK_COUNTING): inbox.c compiles without
   * this header. */
};
typedef struct bcsc__test_hook bcsc__test_hook_t;
struct bcsc__test_hook {
  /* Called at each point; may be NULL (a hook for its flags only). */
  void (*fn)(bcsc__test_hook_t *hook, bcsc_executor_t *ex, int point,
             void *object);
  void *context;  /* the test's */
  uint32_t flags; /* BCSC__TEST_* */
};
enum {
  /* ASan builds: poison the dead header words of the executor's tasks as
   * they complete (below). */
  BCSC__TEST_POISON_FRAMES = 0x1
};
/* The hook's word in the executor: the last reserved one (layout kept). */
#define BCSC__EXECUTOR_HOOK(ex) ((ex)->priv.reserved[2])
/* Set (or with NULL clear) the hook of `ex`; BCSC_ENOTSUP in release. */
int bcsc__test_set_hook(bcsc_executor_t *ex, bcsc__test_hook_t *hook);
/* executor.c: call the hook of `ex` at `point` (it has one). */
BCSC__COLD void bcsc__test_hook_call(bcsc_executor_t *ex, int point,
                                     void *object);
#if BCSC__CHECKED
#define BCSC__HOOK(ex, point, object)                                          \
  do {                                                                         \
    if (BCSC__UNLIKELY(BCSC__EXECUTOR_HOOK(ex) != 0))                          \
      bcsc__test_hook_call((ex), (point), (object));                           \
  } while (0)
#else
#define BCSC__HOOK(ex, point, object) ((void)0)
#endif

/* ASan builds can poison the words of a completed task's header that bcsc
 * never reads again (D29): its sibling links and its list of open scopes.
 * The state word and the result stay readable (bcsc_task_done(),
 * bcsc_task_result(), the misuse checks), as do data, poll and the scope
 * pointer (which the entry points' checks read for a task that is not
 * running). bcsc_task_init() unpoisons the whole header. Opt-in, per
 * executor, in the checked build (BCSC__TEST_POISON_FRAMES): the frame is
 * the caller's memory, and a program may memset or reuse a completed frame
 * (bcsc's own suites do), which ASan would report. The core may include no
 * sanitizer header, so the two functions of ASan's interface are declared
 * here. */
#if defined(__SANITIZE_ADDRESS__)
#define BCSC__ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define BCSC__ASAN 1
#endif
#endif
#ifndef BCSC__ASAN
#define BCSC__ASAN 0
#endif
#if BCSC__ASAN
void __asan_poison_memory_region(void const volatile *addr, size_t size);
void __asan_unpoison_memory_region(void const volatile *addr, size_t size);
#define BCSC__TASK_DEAD_BEGIN offsetof(bcsc_task_t, priv.sibling_next)
#define BCSC__TASK_DEAD_END offsetof(bcsc_task_t, priv.state)
_Static_assert(offsetof(bcsc_task_t, priv.sibling_prev) >
                       BCSC__TASK_DEAD_BEGIN &&
                   offsetof(bcsc_task_t, priv.scopes) > BCSC__TASK_DEAD_BEGIN &&
                   offsetof(bcsc_task_t, priv.scopes) < BCSC__TASK_DEAD_END,
               "the poisoned words are sibling_next, sibling_prev, scopes");
static inline void bcsc__task_poison(const bcsc_executor_t *ex,
                                     bcsc_task_t *t) {
  const bcsc__test_hook_t *hook =
      (const bcsc__test_hook_t *)BCSC__EXECUTOR_HOOK(ex);
  if (BCSC__CHECKED && hook != NULL && (hook->flags & BCSC__TEST_POISON_FRAMES))
    __asan_poison_memory_region((char *)t + BCSC__TASK_DEAD_BEGIN,
                                BCSC__TASK_DEAD_END - BCSC__TASK_DEAD_BEGIN);
}
static inline void bcsc__task_unpoison(bcsc_task_t *t) {
  __asan_unpoison_memory_region(t, sizeof *t);
}
#else
#define bcsc__task_poison(ex, t) ((void)(ex), (void)(t))
#define bcsc__task_unpoison(t) ((void)(t))
#endif

static inline uint32_t bcsc__task_state(const bcsc_task_t *t) {
  return t->priv.state & BCSC__TASK_STATE_MASK;
}
/* Replace a task's whole state field (lifecycle state and flags). */
static inline void bcsc__task_store_state(bcsc_task_t *t, uint32_t state) {
  BCSC__HEADER_SET(t, bcsc__header_with_state(BCSC__HEADER(t), state));
}
static inline void bcsc__task_set_state(bcsc_task_t *t, uint32_t state) {
  uint64_t word = BCSC__HEADER(t);
  uint32_t old = bcsc__header_state(word);
  BCSC__HEADER_SET(
      t, bcsc__header_with_state(word, (old & ~BCSC__TASK_STATE_MASK) | state));
}

/* ---- batons (D22), shared by wait.c and the channel's fast path -------
 * A fired registration from a hand-off list: its queue.prev names the list
 * it came from, its task links hold it on the executor's list of batons. */
static inline bcsc_waitq_t *bcsc__baton_source(const bcsc_wait_t *w) {
  return (bcsc_waitq_t *)(void *)w->priv.queue.prev;
}

/* Take `w` off the executor's list of batons; it becomes idle. Its list
 * is not touched: bcsc__baton_drop() counts it down too. */
static inline void bcsc__baton_unhook(bcsc_wait_t *w) {
  *w->priv.task_pprev = w->priv.task_next;
  if (w->priv.task_next != NULL)
    w->priv.task_next->priv.task_pprev = w->priv.task_pprev;
  /* Its links stay stale, as an unlinked registration's do: linking it
   * again rewrites them. The state goes as the whole header word (a fired
   * node is untagged), which the next call on the node loads. */
  BCSC__HEADER_SET(w, bcsc__header_with(BCSC__HEADER(w), BCSC__WAIT_IDLE, 0));
}

/* bcsc__baton_unhook(), and its list has one baton out fewer. */
static inline bcsc_waitq_t *bcsc__baton_drop(bcsc_wait_t *w) {
  bcsc_waitq_t *q = bcsc__baton_source(w);
  bcsc__baton_unhook(w);
  q->priv.batons--;
  return q;
}

/* The running task's `w` holds a baton it now takes. When that leaves the
 * executor with no baton at all, the task holds none either: its flag goes,
 * and the executor skips the walk of its batons after the poll (the common
 * case - a wake consumed in the very poll it was for). */
static BCSC__ALWAYS_INLINE void bcsc__baton_take(bcsc_executor_t *ex,
                                                 bcsc_wait_t *w) {
  bcsc_task_t *t = w->priv.task;
  (void)bcsc__baton_drop(w);
  if (ex->priv.batons == NULL)
    bcsc__task_store_state(t, t->priv.state & ~BCSC__TASK_BATON);
}

static inline bcsc_executor_t *bcsc__task_executor(const bcsc_task_t *t) {
  return t->priv.scope->priv.executor;
}
/* Whether `t` is the task its executor is polling right now. */
static inline int bcsc__task_is_running(const bcsc_task_t *t) {
  return bcsc__task_state(t) == BCSC__TASK_RUNNING &&
         bcsc__task_executor(t)->priv.current == t;
}

/* The checks of a call made by a task on itself (`self`): a valid frame,
 * being polled now. Slow paths only: fast paths use bcsc__task_polled(). */
static inline int bcsc__check_self(const bcsc_task_t *self) {
  int rc = bcsc__check_task(self);
  if (rc != 0)
    return rc;
  if (self->priv.scope == NULL || !bcsc__task_is_running(self))
    BCSC__FAIL(NOT_RUNNING, self, BCSC_EPERM);
  return 0;
}

/* Whether `scope` is one of `self`'s open scopes: a later call of the same
 * awaitable call (combinator.c, start.c). Compares pointers only, so a
 * scope never opened is not read (its memory may be anything). */
static inline int bcsc__scope_open_by(const bcsc_task_t *self,
                                      const bcsc_scope_t *scope) {
  for (const bcsc_scope_t *s = self->priv.scopes; s != NULL; s = s->priv.outer)
    if (s == scope)
      return 1;
  return 0;
}

/* The fast paths' test of their caller: `self` (not NULL) is the task its
 * executor is polling, in state RUNNING with no flag outside `lax`,
 * whatever waker slot it holds. Anything else takes the caller's checks in
 * order, with their reports and error codes.
 *
 * D32: the release build does not compare the address tag here. A frame
 * its executor is polling is the frame that was spawned: a moved or copied
 * one is at another address, which is not the executor's `current`, so it
 * fails the last compare and the full checks report it as before. The
 * magic and state are compared before any pointer of the frame is
 * followed. The checked build compares the tag too. */
static BCSC__ALWAYS_INLINE int bcsc__task_polled(const bcsc_task_t *self,
                                                 uint32_t lax) {
  uint64_t word = BCSC__HEADER(self);
  int header_ok;
  if (BCSC__CHECKED)
    header_ok =
        (word | bcsc__header_expect(lax, 0, BCSC__TASK_SLOT_BITS)) ==
        bcsc__header_expect(BCSC__TASK_RUNNING | lax, BCSC__MAGIC_TASK,
                            bcsc__task_tag16(self) | BCSC__TASK_SLOT_BITS);
  else
    header_ok = (word & bcsc__header_expect(0xffff & ~lax, 0xffff, 0)) ==
                bcsc__header_expect(BCSC__TASK_RUNNING, BCSC__MAGIC_TASK, 0);
  return header_ok && self->priv.scope != NULL &&
         self->priv.scope->priv.executor->priv.current == self;
}

/* The checked build's wrong-thread check: 1 if `ex` has a thread and the
 * caller is another one. An executor without one yet (never run or polled,
 * never bound) and a platform without threads pass. */
/* Whether @p ex cannot run now: a poll function is under way, run/poll is
 * (a reactor's park, or what it calls back), or an abort function is being
 * asked (D76). Its run, poll, shutdown and the cleanups refuse then. */
static inline int bcsc__executor_inside(const bcsc_executor_t *ex) {
  return ex->priv.current != NULL ||
         (ex->priv.state & (BCSC__EXECUTOR_INSIDE | BCSC__EXECUTOR_ABORTING));
}

static inline int bcsc__wrong_thread(const bcsc_executor_t *ex) {
  uintptr_t self;
  if (!BCSC__CHECKED || ex->priv.owner_thread == 0)
    return 0;
  self = bcsc__thread_self();
  return self != 0 && self != ex->priv.owner_thread;
}

/* ---- the run queue (owned by executor.c; inline for the wake path) ---- */

/* executor.c: the first ready task: tell the host through its pender if
 * it is outside bcsc. Out of line, so that the paths that queue a task
 * make no call of their own and need no stack frame for it. */
BCSC__COLD void bcsc__runq_pend(bcsc_executor_t *ex);

/* D37: the length of the run queue is not counted at each append and pop;
 * it follows from the statistics those already bump. Every task queued is
 * counted as a spawn or a wake, and every task taken off is polled, so
 *   ready = spawns + wakes - polls + ex->priv.ready,
 * where the executor's `ready` word only corrects for the rare rest: a task
 * queued without either count adds 1 (a task woken during its own poll,
 * queued again when it returns), a task taken off without a poll subtracts
 * 1 (a drain turn). Code that queues or pops a task must keep this. All of
 * it modulo 2^32: exact while fewer than 2^32 tasks are ready. */
static inline uint32_t bcsc__runq_ready(const bcsc_executor_t *ex) {
  return (uint32_t)(ex->priv.spawns + ex->priv.wakes - ex->priv.polls) +
         ex->priv.ready;
}

/* Append `t`, whose state the caller has already made QUEUED, and which it
 * counts as a spawn or a wake (or in `ready`, D37). Callers count their
 * statistics before it, so that the rare call comes last. */
static inline void bcsc__runq_append(bcsc_executor_t *ex, bcsc_task_t *t) {
  bcsc_task_t *tail = ex->priv.run_tail;
  t->priv.link.run_next = NULL;
  ex->priv.run_tail = t;
  if (BCSC__LIKELY(tail != NULL)) {
    tail->priv.link.run_next = t;
    return;
  }
  ex->priv.run_head = t;
  if (BCSC__UNLIKELY(ex->priv.pender != NULL))
    bcsc__runq_pend(ex);
}

static inline void bcsc__runq_push(bcsc_executor_t *ex, bcsc_task_t *t) {
  bcsc__task_set_state(t, BCSC__TASK_QUEUED);
  bcsc__runq_append(ex, t);
}

/* The executor's clock: the reactor's now(), never behind the wheel (a
 * host clock that steps back must not make the wheel fire twice). Only
 * called with a reactor. */
static inline uint64_t bcsc__executor_clock(bcsc_executor_t *ex) {
  uint64_t now = ex->priv.reactor->vtable->now(ex->priv.reactor);
  return now > ex->priv.wheel_time ? now : ex->priv.wheel_time;
}

/* ---- cross-file entry points ------------------------------------------ */

/* wait.c: wake a task (first wake wins; see bcsc/wait.h). */
void bcsc__task_wake(bcsc_task_t *t);
/* wait.c: unlink every registration a task holds (it holds some, or is
 * joining). */
void bcsc__task_unlink_waits_walk(bcsc_task_t *t);
/* Unlink every registration a task holds, its join too: most tasks hold
 * none when they return, so the test stays inline and the walk does not. */
static inline void bcsc__task_unlink_waits(bcsc_task_t *t) {
  if (t->priv.link.waits != NULL || (t->priv.state & BCSC__TASK_JOINING))
    bcsc__task_unlink_waits_walk(t);
}
/* wait.c: stop a joining task joining (BCSC__TASK_JOINING). Cold. */
BCSC__COLD void bcsc__task_unjoin(bcsc_task_t *t);
/* wait.c: link a registration without the entry checks. With q NULL the
 * node is a direct registration (a timer's): linked only into the task's
 * list, fired by bcsc__wait_fire(). */
void bcsc__wait_link(bcsc_task_t *t, bcsc_wait_t *w, bcsc_waitq_t *q);
/* bcsc__wait_link() for a place in a strict line (a semaphore's): the node
 * remembers its list in `value` while linked, and if it leaves the head
 * without being fired - its task cancelled, completed, woken by another
 * source - the next in line is fired with 0 to look again (D34). */
void bcsc__wait_link_in_line(bcsc_task_t *t, bcsc_wait_t *w, bcsc_waitq_t *q);
/* wait.c: unlink a linked registration early (bcsc_wait_cancel() without
 * the checks). Returns 1, or 0 if it stays linked: it is on a completion
 * source's list, whose abort is pending (D67). */
int bcsc__wait_unlink(bcsc_wait_t *w);
/* wait.c: `t` returned `result` while still holding aborting registrations
 * (its link.waits): each keeps the result until the last one fires (D67). */
void bcsc__abort_hold(bcsc_task_t *t, int result);
/* wait.c: `t`, which returned while aborts were pending, was queued by the
 * fire of its last aborting registration: the result it returned. */
int bcsc__abort_result(bcsc_task_t *t);
/* scope.c: a poll function returned `result` while aborts of registrations
 * it still holds (its link.waits) are pending: hold it (D67). */
void bcsc__task_returned_held(bcsc_task_t *t, int result);
/* wait.c: fire a timer's linked registration, whose link the wheel has
 * taken out (it is on no list): mark it, wake its task. */
void bcsc__wait_fire(bcsc_wait_t *w, uintptr_t value);
/* wait.c: what a primitive's waiting call finds in its caller's
 * registration, after checking that `self` is the running task and `wait`
 * a valid node not linked for another task (misuse otherwise). A fired node
 * is consumed (made idle): BCSC__NODE_FIRED for a plain mark, which may
 * have come from any source - a primitive that trusts it must tell its own
 * wake by its value - and BCSC__NODE_BATON for a hand-off wake of `own`,
 * the primitive's own hand-off list. A hand-off wake of any other list
 * (`own` NULL: the primitive's list never hands off) is declined - it goes
 * on to that list's next waiter, as bcsc_wait_register() declines one -
 * and the node is idle: taking it would spend another primitive's
 * reservation (a lock, permits, a message). D94. Returns a BCSC__NODE_*
 * value or an error. */
enum {
  BCSC__NODE_IDLE = 0,
  BCSC__NODE_FIRED = 1,
  BCSC__NODE_LINKED = 2,
  BCSC__NODE_BATON = 3
};
int bcsc__wait_take(bcsc_task_t *self, bcsc_wait_t *wait,
                    const bcsc_waitq_t *own);
/* The checks' part for a caller that has made them itself, and has
 * declined any baton that is not its own. */
int bcsc__wait_take_checked(bcsc_task_t *self, bcsc_wait_t *wait);
/* wait.c: wake the oldest waiter of hand-off list `q` (which the caller has
 * validated): 1 if one was woken, 0 if none waits, or an error. */
int bcsc__waitq_fire_handoff(bcsc_waitq_t *q, uintptr_t value);
/* wait.c: after a poll of a task holding batons: pass on those it did not
 * take. `final`: the poll returned a result, so there is no next poll to
 * take even those fired during this one; the task's registrations must be
 * unlinked first. */
void bcsc__task_batons(bcsc_task_t *t, int final);
/* mutex.c: `t` completes: release the mutexes it still holds. */
void bcsc__mutexes_release(bcsc_executor_t *ex, const bcsc_task_t *t);
/* scope.c: whether `child` may be spawned now (an initialised frame that
 * is not live): 0, or the error spawn would return, reported alike. */
int bcsc__check_spawnable(const bcsc_task_t *child);
/* scope.c: a poll function returned a result (not PENDING). */
void bcsc__task_returned(bcsc_task_t *t, int result);
/* scope.c: a task whose scopes are draining was woken. */
void bcsc__task_drain(bcsc_task_t *t);
/* scope.c: request cancellation of a task and its subtree. */
int bcsc__task_cancel(bcsc_task_t *t);
/* scope.c: `host` takes a remote child sent to it: spawned as one of its
 * root tasks, marked REMOTE (and cancelled if `cancelled`). */
void bcsc__scope_host(bcsc_executor_t *host, bcsc_task_t *t, int cancelled);
/* scope.c: a remote child of `s` has ended with `result` on its host: what
 * a local child's completion does to its scope. */
void bcsc__scope_child_ended(bcsc_scope_t *s, bcsc_task_t *child, int result,
                             int was_cancelled);
/* remote.c: the scope `s`, which has had remote children, is cancelled:
 * send each live one a cancel message. */
BCSC__COLD void bcsc__remote_cancel_scope(bcsc_scope_t *s);
/* remote.c: a hosted remote child completed on its host, whose root scope
 * (`root`) has already counted it out: tell the parent. */
BCSC__COLD void bcsc__remote_returned(bcsc_task_t *t, bcsc_scope_t *root);
/* remote.c: take every relay message sent to `ex` and act on it, on its
 * own thread. */
void bcsc__relay_drain(bcsc_executor_t *ex);
/* scope.c: `target` counts a start whose child lives in `home` as a live
 * child until the child moves in or the start ends (D56). */
void bcsc__scope_reserve(bcsc_scope_t *target, bcsc_scope_t *home);
/* scope.c: a start ended without its child moving in: `s` counts it no
 * longer (its owner is woken if that empties it). */
void bcsc__scope_release(bcsc_scope_t *s);
/* scope.c: the running child `t` said ready: move it from its start's scope
 * into `to`, which counted it already. Returns 0, or the error of its
 * cancellation if `to` is cancelled. */
int bcsc__scope_move(bcsc_task_t *t, bcsc_scope_t *to);
/* start.c: a start's scope `s` closes with its target still counting it. */
BCSC__COLD void bcsc__start_abandoned(bcsc_scope_t *s);
/* start.c: the target of the start whose scope is `s` (its
 * BCSC__SCOPE_START is set). */
bcsc_scope_t *bcsc__start_target(bcsc_scope_t *s);
/* task.c: whether `task` is live (spawned, not completed): 0, or
 * BCSC_ESTATE (reported as BAD_ARGUMENT if idle, TASK_DONE if done), or
 * the error of its header check. */
int bcsc__check_live(const bcsc_task_t *task);
/* scope.c: the checks of a call only the owner of an open scope may make,
 * after its argument checks: 0, BCSC_ESTATE (not open, SCOPE_CLOSED) or
 * BCSC_EPERM (its owner is not being polled, FOREIGN_SCOPE). */
int bcsc__check_scope_owner(const bcsc_scope_t *scope);
/* context.c: a scope's attachment list (D64). Attach `n`, an idle node of
 * kind `kind` (a BCSC__ATTACH_* kind), to `s`, newest first, setting
 * `flag`, that kind's scope flag. */
void bcsc__attach(bcsc_scope_t *s, struct bcsc_attach_private *n, uint8_t kind,
                  uint16_t flag);
/* The link to the newest node of kind `kind` attached to `s` (whose flag
 * for that kind is set), or NULL if a node on the way was overwritten
 * (reported, FRAME_CLOBBERED). */
BCSC__COLD struct bcsc_attach_private **bcsc__attachment(bcsc_scope_t *s,
                                                         uint8_t kind);
/* Detach the node `link` leads to (found by bcsc__attachment()), clearing
 * `flag`, its kind's. */
BCSC__COLD void bcsc__detach(bcsc_scope_t *s, struct bcsc_attach_private **link,
                             uint16_t flag);
/* `s`, which holds nodes, closes: detach them all. */
BCSC__COLD void bcsc__detach_all(bcsc_scope_t *s);
/* scope.c: open an executor's root scope. */
void bcsc__scope_open_root(bcsc_scope_t *root, bcsc_executor_t *ex);
/* pool.c: a pooled frame's task completed. */
void bcsc__pool_reclaim(bcsc_task_t *t);
/* wheel.c: the timing wheel (see there). Insert needs a deadline later than
 * the wheel's time. */
void bcsc__wheel_insert(bcsc_executor_t *ex, bcsc_timer_link_t *link);
void bcsc__wheel_remove(bcsc_executor_t *ex, bcsc_timer_link_t *link);
uint64_t bcsc__wheel_next_deadline(bcsc_executor_t *ex);
void bcsc__wheel_advance(bcsc_executor_t *ex, uint64_t now);
/* timer.c: a link's deadline has come (it is already out of the wheel). */
void bcsc__timer_link_fire(bcsc_executor_t *ex, bcsc_timer_link_t *link);
/* timer.c: a linked timer registration is being unlinked by its task. */
void bcsc__timer_wait_unlink(bcsc_wait_t *w);
/* scope.c: a scope's deadline has come. */
void bcsc__scope_deadline_fire(bcsc_scope_t *s);
/* waker.c: a task that holds a waker slot returned a result: give the
 * slot back (its wakers go stale). */
BCSC__COLD void bcsc__waker_release(bcsc_task_t *t);
/* waker.c: resolve every wake in the inbox on the executor's thread. */
void bcsc__waker_drain(bcsc_executor_t *ex);
/* waker.c: move the inbox's 32-bit counters into the executor's totals
 * (all: whatever their size; else only those past 2^30). */
void bcsc__waker_fold(bcsc_executor_t *ex, int all);
/* waker.c: adopt a slot table (bcsc_executor_set_waker_slots() unchecked). */
void bcsc__waker_table_init(bcsc_executor_t *ex, bcsc_waker_slot_t *slots,
                            uint32_t count);

#endif /* BCSC_INTERNAL_H */
