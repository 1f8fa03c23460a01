/* SPDX-License-Identifier: MIT
 * wmm.h - an explicit operational weak memory model for sequential CBMC
 * harnesses (D43). cbmc 6.6's goto-instrument --mm cannot take the real
 * core files (struct members, called functions, __atomic builtins,
 * pointers in a concurrent program: docs/testing.md), so the model is in
 * the harness instead: it #includes <stdatomic.h>, then this file, then
 * the real source. The C11 generic calls the core uses are redefined here
 * and go through the model; cbmc runs the result as a sequential program
 * in which the harness plays the threads (it sets wmm_thread before each
 * operation it runs).
 *
 * The harness declares its shared words with wmm_init_loc(): a modelled
 * location, by address. Atomics on any other address (counters the proof
 * only sums) act on plain memory, sequentially consistent.
 *
 * Exactly one model, chosen with -DWMM_TSO or -DWMM_RA:
 *
 * WMM_TSO (x86-TSO): one FIFO store buffer of WMM_BMAX entries per thread.
 *   Relaxed, release (and acquire-tagged) stores enter the buffer; a load
 *   reads the thread's newest buffered store to its address, else memory;
 *   before every read (a load, an RMW) the environment may flush the
 *   oldest entries of any buffers, in any order between threads. A
 *   seq_cst store and every RMW (a compare-exchange too, whether it
 *   succeeds or not) drain the thread's buffer first and act on memory
 *   directly (xchg, lock cmpxchg); every load, seq_cst included, is a
 *   plain load (mov). The orders are otherwise ignored: that is x86. A
 *   full buffer is an assertion failure (a bound, never a silent cut).
 *
 * WMM_RA (C11 release/acquire/relaxed, view-based, no promises): every
 *   location keeps its whole history of messages (value, and the view the
 *   writer released with it), at most WMM_HMAX; each thread has a view (a
 *   timestamp per location). A load may read any message not older than
 *   the thread's view of that location (coherence), and moves the view up
 *   to it; an acquire load (acquire, acq_rel, seq_cst, consume) of a
 *   message also joins the message's view. A store appends a message at
 *   the end of the location's modification order; a release store (release,
 *   acq_rel, seq_cst) carries the writer's whole view, a relaxed one only
 *   its own timestamp. An RMW reads the last message (atomicity) and its
 *   message also carries the view of the message it read (release
 *   sequences). A compare-exchange that fails is a load with the failure
 *   order: it may read any message allowed, except one equal to the
 *   expected value. seq_cst accesses are totally ordered in the harness's
 *   order: a seq_cst load reads no message older than the location's last
 *   seq_cst write (store or RMW). What it does NOT allow (so a bug that
 *   needs one of these is not found): load buffering and out-of-thin-air
 *   values (a load never reads a store later in the harness's order);
 *   modification orders that differ from the order the harness ran the
 *   stores in (a store always goes last: 2+2W-style outcomes); spurious
 *   failures of a weak compare-exchange; seq_cst accesses weaker than a
 *   total order (e.g. the RC11 corner cases mixing seq_cst and weaker
 *   accesses to one location). Fences (atomic_thread_fence) are not
 *   modelled: a source that uses one does not compile against this file.
 *
 * Both models: a harness's "thread" runs whole operations of the real code
 * one after the other; what another thread sees of them is up to the
 * model (buffers not yet flushed, stale messages). */
#ifndef BCSC_PROOF_WMM_H
#define BCSC_PROOF_WMM_H

#include <stdatomic.h>
#include <stdint.h>

#include "controls.h"

#if defined(WMM_TSO) == defined(WMM_RA)
#error "wmm.h: define exactly one of WMM_TSO and WMM_RA"
#endif
#if !defined(WMM_NLOC) || !defined(WMM_NTHR)
#error "wmm.h: the harness defines WMM_NLOC (locations) and WMM_NTHR (threads)"
#endif
/* RA: the locations a message's view covers are the first WMM_NDATA (the
 * harness puts its data words first); the others are learnt only by
 * reading them. Fewer than all makes the model weaker than C11 (a thread
 * that acquires a message may still read older control words than C11
 * allows): more behaviours, never fewer. */
#ifndef WMM_NDATA
#define WMM_NDATA WMM_NLOC
#endif
#ifndef WMM_BMAX
#define WMM_BMAX 3
#endif
#ifndef WMM_HMAX
#define WMM_HMAX 6
#endif
/* The harness may weaken one call's order for a control (controls.h): by
 * the location (an index of wmm_init_loc) and the order the source asked
 * for (loads: under RA only - under TSO every load is a plain load
 * anyway). The model's own bounds are the proof's (CHECK_PROOF()): a
 * control may overrun one, and must still be caught by the harness. */
#ifndef WMM_ORDER_STORE
#define WMM_ORDER_STORE(x, mo) (mo)
#endif
#ifndef WMM_ORDER_CAS
#define WMM_ORDER_CAS(x, mo) (mo)
#endif
#ifndef WMM_ORDER_LOAD
#define WMM_ORDER_LOAD(x, mo) (mo)
#endif

/* The values of modelled words: 32 bits (the inbox's words), or 64 when
 * a harness models pointer-sized ones (relay_head, relay_next). */
#ifndef WMM_VALUE
#define WMM_VALUE uint32_t
#endif
typedef WMM_VALUE wmm_value_t;

unsigned nondet_unsigned(void);
_Bool nondet_bool(void);

enum { WMM_XCHG, WMM_ADD, WMM_SUB, WMM_AND, WMM_OR };

static const volatile void *wmm_addr[WMM_NLOC];
static int wmm_thread; /* the thread running: the harness sets it */

static int wmm_loc(const volatile void *p) {
  int x;
  for (x = 0; x < WMM_NLOC; x++)
    if (wmm_addr[x] == p)
      return x;
  return -1;
}

static wmm_value_t wmm_apply(int op, wmm_value_t old, wmm_value_t v) {
  switch (op) {
  case WMM_XCHG:
    return v;
  case WMM_ADD:
    return old + v;
  case WMM_SUB:
    return old - v;
  case WMM_AND:
    return old & v;
  default:
    return old | v;
  }
}

/* Locations the model does not track: plain memory, one step each
 * (a 64-bit word: relay_head in bcsc__inbox_sleep() of the inbox proof). */
static uint64_t wmm_plain_load(const volatile void *p, unsigned size) {
  if (size == 8)
    return *(const volatile uint64_t *)p;
  return *(const volatile uint32_t *)p;
}

static void wmm_plain_store(volatile void *p, unsigned size, uint64_t v) {
  if (size == 8)
    *(volatile uint64_t *)p = v;
  else
    *(volatile uint32_t *)p = (uint32_t)v;
}

#ifdef WMM_TSO
static wmm_value_t wmm_mem[WMM_NLOC];
static unsigned char wmm_bloc[WMM_NTHR][WMM_BMAX];
static wmm_value_t wmm_bval[WMM_NTHR][WMM_BMAX];
static unsigned char wmm_bn[WMM_NTHR];

static void wmm_init_loc(int x, const volatile void *p, wmm_value_t v) {
  wmm_addr[x] = p;
  wmm_mem[x] = v;
}

static void wmm_flush_one(int t) {
  unsigned j;
  if (wmm_bn[t] == 0)
    return;
  wmm_mem[wmm_bloc[t][0]] = wmm_bval[t][0];
  for (j = 0; j + 1 < WMM_BMAX; j++) {
    wmm_bloc[t][j] = wmm_bloc[t][j + 1];
    wmm_bval[t][j] = wmm_bval[t][j + 1];
  }
  wmm_bn[t]--;
}

static void wmm_drain(int t) {
  unsigned j;
  for (j = 0; j < WMM_BMAX; j++)
    wmm_flush_one(t);
}

/* Before every access that reads: the store buffers drain as they like
 * (when they do matters only to what a read sees). */
static void wmm_env(void) {
  int t;
  unsigned j;
  for (t = 0; t < WMM_NTHR; t++)
    for (j = 0; j < WMM_BMAX; j++)
      if (nondet_bool())
        wmm_flush_one(t);
}

static wmm_value_t wmm_read(int t, int x) {
  wmm_value_t v = wmm_mem[x];
  unsigned j;
  for (j = 0; j < WMM_BMAX; j++)
    if (j < wmm_bn[t] && wmm_bloc[t][j] == x)
      v = wmm_bval[t][j];
  return v;
}

static uint64_t wmm_load(const volatile void *p, unsigned size,
                         memory_order mo) {
  int x = wmm_loc(p);
  (void)mo; /* every load is a plain mov */
  if (x < 0)
    return wmm_plain_load(p, size);
  wmm_env();
  return wmm_read(wmm_thread, x);
}

static void wmm_store(volatile void *p, unsigned size, wmm_value_t v,
                      memory_order mo) {
  int x = wmm_loc(p), t = wmm_thread;
  if (x < 0) {
    wmm_plain_store(p, size, v);
    return;
  }
  if (WMM_ORDER_STORE(x, mo) == memory_order_seq_cst) {
    wmm_drain(t);
    wmm_mem[x] = v;
    return;
  }
  CHECK_PROOF(wmm_bn[t] < WMM_BMAX && "wmm: store buffer bound");
  if (wmm_bn[t] == WMM_BMAX)
    wmm_flush_one(t); /* (past a failed bound: stay in the array) */
  wmm_bloc[t][wmm_bn[t]] = (unsigned char)x;
  wmm_bval[t][wmm_bn[t]] = v;
  wmm_bn[t]++;
}

static wmm_value_t wmm_rmw(volatile void *p, unsigned size, int op,
                           wmm_value_t v, memory_order mo) {
  int x = wmm_loc(p);
  wmm_value_t old;
  (void)mo; /* a locked instruction: a full barrier */
  if (x < 0) {
    old = (wmm_value_t)wmm_plain_load(p, size);
    wmm_plain_store(p, size, wmm_apply(op, old, v));
    return old;
  }
  wmm_env();
  wmm_drain(wmm_thread);
  old = wmm_mem[x];
  wmm_mem[x] = wmm_apply(op, old, v);
  return old;
}

static _Bool wmm_cas(volatile void *p, unsigned size, void *expected_p,
                     wmm_value_t desired, memory_order s, memory_order f) {
  int x = wmm_loc(p);
  wmm_value_t old, expected = (wmm_value_t)wmm_plain_load(expected_p, size);
  (void)s;
  (void)f;
  if (x < 0) {
    old = (wmm_value_t)wmm_plain_load(p, size);
  } else {
    wmm_env();
    wmm_drain(wmm_thread);
    old = wmm_mem[x];
  }
  if (old == expected) {
    if (x < 0)
      wmm_plain_store(p, size, desired);
    else
      wmm_mem[x] = desired;
    return 1;
  }
  wmm_plain_store(expected_p, size, old);
  return 0;
}

/* Release/acquire between threads outside the modelled words (a waker
 * passed through a queue, an unpark): wmm_publish(from, s) at the release,
 * wmm_acquire(to, s) at the acquire. With FIFO buffers that is "from's
 * stores up to the release are in memory" when the acquire happens: the
 * release drains them (a locked instruction, or a syscall). */
typedef struct {
  int unused;
} wmm_snap_t;
static void wmm_publish(int from, wmm_snap_t *s) {
  (void)s;
  wmm_drain(from);
}
static void wmm_acquire(int to, const wmm_snap_t *s) {
  (void)to;
  (void)s;
}

/* The newest value of a location that only RMWs write (what the next RMW
 * reads). */
static wmm_value_t wmm_latest(int x) { return wmm_mem[x]; }
#endif /* WMM_TSO */

#ifdef WMM_RA
static wmm_value_t wmm_val[WMM_NLOC][WMM_HMAX];
static unsigned char wmm_mview[WMM_NLOC][WMM_HMAX][WMM_NDATA];
static unsigned char wmm_len[WMM_NLOC];
static unsigned char wmm_sc[WMM_NLOC]; /* the last seq_cst write */
static unsigned char wmm_view[WMM_NTHR][WMM_NLOC];

static void wmm_init_loc(int x, const volatile void *p, wmm_value_t v) {
  wmm_addr[x] = p;
  wmm_val[x][0] = v;
  wmm_len[x] = 1;
}

static int wmm_is_acquire(memory_order mo) {
  return mo == memory_order_acquire || mo == memory_order_acq_rel ||
         mo == memory_order_seq_cst || mo == memory_order_consume;
}

static int wmm_is_release(memory_order mo) {
  return mo == memory_order_release || mo == memory_order_acq_rel ||
         mo == memory_order_seq_cst;
}

/* Thread t acquires message k of x: its view joins the message's. (By
 * index, no pointers: cbmc's symbolic execution of pointers into these
 * arrays costs far more.) */
static void wmm_join_msg(int t, int x, unsigned k) {
  int y;
  for (y = 0; y < WMM_NDATA; y++)
    if (wmm_mview[x][k][y] > wmm_view[t][y])
      wmm_view[t][y] = wmm_mview[x][k][y];
}

/* Thread t reads message k of x (the caller chose it). */
static wmm_value_t wmm_take(int t, int x, unsigned k, memory_order mo) {
  if (k > wmm_view[t][x])
    wmm_view[t][x] = (unsigned char)k;
  if (wmm_is_acquire(mo))
    wmm_join_msg(t, x, k);
  return wmm_val[x][k];
}

/* Any message thread t may read at x: not older than its view, nor (for a
 * seq_cst read) than the last seq_cst write. */
static unsigned wmm_pick(int t, int x, memory_order mo) {
  unsigned k = nondet_unsigned();
  __CPROVER_assume(k >= wmm_view[t][x] && k < wmm_len[x]);
  if (mo == memory_order_seq_cst)
    __CPROVER_assume(k >= wmm_sc[x]);
  return k;
}

/* Append v to x's history; `from` is the message an RMW read (-1: none). */
static void wmm_append(int t, int x, wmm_value_t v, memory_order mo, int from) {
  unsigned k = wmm_len[x];
  int y;
  CHECK_PROOF(k < WMM_HMAX && "wmm: history bound");
  __CPROVER_assume(k < WMM_HMAX); /* (past a failed bound) */
  wmm_len[x] = (unsigned char)(k + 1);
  wmm_val[x][k] = v;
  wmm_view[t][x] = (unsigned char)k;
  for (y = 0; y < WMM_NDATA; y++) {
    unsigned char v = wmm_is_release(mo) ? wmm_view[t][y] : 0;
    if (from >= 0 && wmm_mview[x][from][y] > v)
      v = wmm_mview[x][from][y];
    wmm_mview[x][k][y] = v;
  }
  if (x < WMM_NDATA)
    wmm_mview[x][k][x] = (unsigned char)k;
  if (mo == memory_order_seq_cst)
    wmm_sc[x] = (unsigned char)k;
}

static uint64_t wmm_load(const volatile void *p, unsigned size,
                         memory_order mo) {
  int x = wmm_loc(p), t = wmm_thread;
  if (x < 0)
    return wmm_plain_load(p, size);
  mo = WMM_ORDER_LOAD(x, mo);
  return wmm_take(t, x, wmm_pick(t, x, mo), mo);
}

static void wmm_store(volatile void *p, unsigned size, wmm_value_t v,
                      memory_order mo) {
  int x = wmm_loc(p);
  if (x < 0) {
    wmm_plain_store(p, size, v);
    return;
  }
  wmm_append(wmm_thread, x, v, WMM_ORDER_STORE(x, mo), -1);
}

static wmm_value_t wmm_rmw(volatile void *p, unsigned size, int op,
                           wmm_value_t v, memory_order mo) {
  int x = wmm_loc(p), t = wmm_thread;
  unsigned k;
  wmm_value_t old;
  if (x < 0) {
    old = (wmm_value_t)wmm_plain_load(p, size);
    wmm_plain_store(p, size, wmm_apply(op, old, v));
    return old;
  }
  k = wmm_len[x] - 1u; /* an RMW reads the last message */
  old = wmm_take(t, x, k, mo);
  wmm_append(t, x, wmm_apply(op, old, v), mo, (int)k);
  return old;
}

static _Bool wmm_cas(volatile void *p, unsigned size, void *expected_p,
                     wmm_value_t desired, memory_order s, memory_order f) {
  int x = wmm_loc(p), t = wmm_thread;
  unsigned k;
  wmm_value_t old, expected = (wmm_value_t)wmm_plain_load(expected_p, size);
  if (x < 0) {
    old = (wmm_value_t)wmm_plain_load(p, size);
    if (old == expected) {
      wmm_plain_store(p, size, desired);
      return 1;
    }
    wmm_plain_store(expected_p, size, old);
    return 0;
  }
  s = WMM_ORDER_CAS(x, s);
  k = wmm_pick(t, x, f);
  if (k + 1u == wmm_len[x] && wmm_val[x][k] == expected) {
    (void)wmm_take(t, x, k, s);
    wmm_append(t, x, desired, s, (int)k);
    return 1;
  }
  /* A failure reads a value other than the expected one. */
  __CPROVER_assume(wmm_val[x][k] != expected);
  wmm_plain_store(expected_p, size, wmm_take(t, x, k, f));
  return 0;
}

/* Release/acquire outside the modelled words: the view travels. */
typedef struct {
  unsigned char view[WMM_NLOC];
} wmm_snap_t;
static void wmm_publish(int from, wmm_snap_t *s) {
  int y;
  for (y = 0; y < WMM_NLOC; y++)
    s->view[y] = wmm_view[from][y];
}
static void wmm_acquire(int to, const wmm_snap_t *s) {
  int y;
  for (y = 0; y < WMM_NLOC; y++)
    if (s->view[y] > wmm_view[to][y])
      wmm_view[to][y] = s->view[y];
}

static wmm_value_t wmm_latest(int x) { return wmm_val[x][wmm_len[x] - 1u]; }
#endif /* WMM_RA */

/* The C11 generic calls of the core, through the model (words of 32 or
 * 64 bits; the modelled ones hold wmm_value_t). Anything else (fences, other
 * RMWs) is left undefined: a source that needs it does not compile here. */
#undef atomic_load_explicit
#undef atomic_store_explicit
#undef atomic_exchange_explicit
#undef atomic_compare_exchange_weak_explicit
#undef atomic_compare_exchange_strong_explicit
#undef atomic_fetch_add_explicit
#undef atomic_fetch_sub_explicit
#undef atomic_fetch_and_explicit
#undef atomic_fetch_or_explicit
#undef atomic_fetch_xor_explicit
#undef atomic_thread_fence
#undef atomic_signal_fence
#undef atomic_load
#undef atomic_store
#undef atomic_exchange
#undef atomic_compare_exchange_weak
#undef atomic_compare_exchange_strong
#undef atomic_fetch_add
#undef atomic_fetch_sub
#undef atomic_fetch_and
#undef atomic_fetch_or
#define atomic_load_explicit(p, mo)                                            \
  wmm_load((const volatile void *)(p), sizeof(*(p)), (mo))
#define atomic_store_explicit(p, v, mo)                                        \
  wmm_store((volatile void *)(p), sizeof(*(p)), (wmm_value_t)(v), (mo))
#define WMM_RMW_(p, op, v, mo)                                                 \
  wmm_rmw((volatile void *)(p), sizeof(*(p)), (op), (wmm_value_t)(v), (mo))
#define atomic_exchange_explicit(p, v, mo) WMM_RMW_(p, WMM_XCHG, v, mo)
#define atomic_fetch_add_explicit(p, v, mo) WMM_RMW_(p, WMM_ADD, v, mo)
#define atomic_fetch_sub_explicit(p, v, mo) WMM_RMW_(p, WMM_SUB, v, mo)
#define atomic_fetch_and_explicit(p, v, mo) WMM_RMW_(p, WMM_AND, v, mo)
#define atomic_fetch_or_explicit(p, v, mo) WMM_RMW_(p, WMM_OR, v, mo)
#define atomic_compare_exchange_weak_explicit(p, e, d, s, f)                   \
  wmm_cas((volatile void *)(p), sizeof(*(p)), (void *)(e), (wmm_value_t)(d),   \
          (s), (f))
#define atomic_compare_exchange_strong_explicit(p, e, d, s, f)                 \
  atomic_compare_exchange_weak_explicit(p, e, d, s, f)

#endif /* BCSC_PROOF_WMM_H */
