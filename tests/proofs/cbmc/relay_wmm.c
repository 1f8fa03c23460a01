/* SPDX-License-Identifier: MIT
 * relay_wmm.c - the real libbcsc/src/relay.c push and take, with the real
 * inbox.c park (bcsc__inbox_sleep, bcsc__inbox_notify_if_sleeping), under
 * the explicit weak memory model of wmm.h (D43): x86-TSO (-DWMM_TSO) or
 * C11 release/acquire (-DWMM_RA). The same store-buffering handshake as
 * the value wakes' (inbox_wmm.c), on pointer-sized words.
 *
 * Two threads, any STEPS whole operations: the parent (thread 1) sends
 * one relay to the host - writes the task's data (a word of the harness),
 * stores the relay's flags relaxed as bcsc_scope_spawn_on() does, and
 * pushes it (bcsc__relay_push); the host (thread 0) drains its relay list
 * (bcsc__relay_take, then the link and the flags as bcsc__relay_drain()
 * reads them) or goes to sleep (bcsc__inbox_sleep, which rereads
 * relay_head). Checked:
 *  - no lost wake-up: a push into the empty lists of a host that decided
 *    to sleep notifies it;
 *  - message passing: the drain takes the relay once, and reads the link,
 *    the flags and the data written before the push.
 * Controls: below, with controls.h. */
#include <stdatomic.h>
#include <stdint.h>

#ifndef STEPS
#define STEPS 3
#endif

enum { L_NEXT, L_FLAGS, L_DATA, L_RHEAD, L_SLEEP, L_COUNT };
#define WMM_NLOC L_COUNT
#define WMM_NDATA L_RHEAD
#define WMM_NTHR 2
#define WMM_VALUE uint64_t
#define HOST 0
#define PARENT 1

/* The controls (controls.h). SB: the park's seq_cst store of inbox_sleep
 * made release (a lost wake-up under both models). MP: the push's CAS of
 * relay_head made relaxed (under RA the host reads the flags or the data
 * from before the push). */
#define HARNESS_CONTROLS(X) X(SB, 1) X(MP, 2)
#include "controls.h"

#define WMM_ORDER_STORE(x, mo)                                                 \
  (BROKEN(SB) && (x) == L_SLEEP && (mo) == memory_order_seq_cst                \
       ? memory_order_release                                                  \
       : (mo))
#define WMM_ORDER_CAS(x, mo)                                                   \
  (BROKEN(MP) && (x) == L_RHEAD ? memory_order_relaxed : (mo))

#include "wmm.h"

#include "inbox.c"
#include "relay.c"

static bcsc_executor_t host;
static bcsc_remote_task_t r;
static uint32_t data;
static unsigned notified;
static int sent, taken, asleep;
static wmm_snap_t unpark;

void bcsc__inbox_notify(bcsc_executor_t *executor, uint32_t how) {
  CHECK(executor == &host && how == BCSC__INBOX_PARKED);
  notified++;
  wmm_publish(wmm_thread, &unpark);
  wmm_acquire(HOST, &unpark);
}

static void send(void) {
  unsigned before = notified;
  int empty;
  if (sent)
    return;
  wmm_thread = PARENT;
  atomic_store_explicit(&data, 1, memory_order_relaxed);
  atomic_store_explicit(BCSC__A32(&r.priv.flags),
                        BCSC__RELAY_SPAWN | BCSC__RELAY_QUEUED,
                        memory_order_relaxed);
  empty = wmm_latest(L_RHEAD) == 0;
  bcsc__relay_push(&host, &r);
  sent = 1;
  CHECK(host.priv.relay_pins == 0);
  /* No lost wake-up (the value inbox is empty throughout). */
  if (asleep && empty)
    CHECK(notified == before + 1);
  if (notified != before)
    asleep = 0;
}

static void drain(void) {
  bcsc_remote_task_t *n;
  wmm_thread = HOST;
  n = bcsc__relay_take(&host);
  if (n == NULL)
    return;
  CHECK(n == &r && sent && !taken);
  taken = 1;
  CHECK(bcsc__relay_next(n) == NULL);
  CHECK(bcsc__relay_flags(n) == (BCSC__RELAY_SPAWN | BCSC__RELAY_QUEUED));
  CHECK(atomic_load_explicit(&data, memory_order_relaxed) == 1);
}

int main(void) {
  unsigned step;
  controls_choose();
  host.priv.inbox_head = 0; /* no value wakes here: plain */
  host.priv.inbox_sleep = BCSC__INBOX_AWAKE;
  host.priv.relay_head = 0;
  host.priv.relay_pins = 0;
  host.priv.inbox_notifies = 0;
  r.priv.relay_next = 0;
  r.priv.flags = 0;
  data = 0;
  wmm_init_loc(L_NEXT, &r.priv.relay_next, 0);
  wmm_init_loc(L_FLAGS, &r.priv.flags, 0);
  wmm_init_loc(L_DATA, &data, 0);
  wmm_init_loc(L_RHEAD, &host.priv.relay_head, 0);
  wmm_init_loc(L_SLEEP, &host.priv.inbox_sleep, BCSC__INBOX_AWAKE);
  for (step = 0; step < STEPS; step++) {
    unsigned op = nondet_unsigned();
    if (op == 0) {
      send();
    } else if (op == 1) {
      drain();
    } else if (!asleep) {
      wmm_thread = HOST;
      if (!bcsc__inbox_sleep(&host, BCSC__INBOX_PARKED))
        asleep = 1;
      else
        bcsc__inbox_awake(&host);
    }
  }
  return 0;
}
