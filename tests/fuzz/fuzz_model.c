/* SPDX-License-Identifier: MIT
 * fuzz_model.c - the model-based API fuzzer: a stream of bytes (or of
 * pseudo-random numbers from a seed) becomes a sequence of bcsc API calls,
 * and after every call everything observable through the public API is
 * compared with a deliberately naive reference model.
 *
 * A static arena of NT task frames, NQ waiter lists, one channel, one
 * executor and one fault-injecting reactor (tests/support/
 * bcsc_fault_reactor.h: virtual time) are driven by operations: spawn (as a
 * root, or into any open scope), cancel a task or a scope, wake_one /
 * wake_all a list (a stale fire when its waiter has gone), bcsc_wait_cancel()
 * one arm of a select, advance the virtual clock, change what a task will
 * do the next time it is polled (its "script": wait, select over two lists,
 * await, yield, sleep until a deadline on its timer, finish with 0 or an
 * error, open a scope, join its innermost scope - plus, now and then, one
 * call made from inside the poll: wake a list, cancel a task (maybe itself)
 * or a scope, cancel or re-register one of its nodes, try_send / try_recv /
 * close the channel), change how it reacts to cancellation, poll one step,
 * poll with a budget until idle, bcsc_executor_run(), channel calls from the
 * host, calls that must be refused (double spawn, spawn into a joined
 * scope, deinit with live tasks) - and reactor behaviour: calls made from
 * inside park (wake a list, cancel a task or a scope: re-entry from a
 * reactor callback), spurious / early / late wakes, an unpark from a foreign
 * thread, and the k-th park failing once or persistently. Tasks also block
 * in the channel: bcsc_channel_send() / bcsc_channel_recv() of a few
 * messages, and a select of bcsc_channel_recv() against a plain list; they
 * are cancelled while blocked or woken, the channel is closed with waiters
 * on either side, and torn down and made anew (refused while busy). Every
 * message names its producer and its number, so that besides the model's
 * exact prediction the real side checks that nothing is lost, duplicated
 * or reordered per producer and that sent == received + buffered after
 * every operation. Owners also use 0.6.0's scope features from inside
 * their polls (D53-D61): error lists of capacity 0-3, context entries,
 * drain graces (whose reports, with each stuck task's registrations, are
 * predicted), scope deadlines (whose wheel link a grace borrows), starts
 * - a child started with bcsc_scope_start() into an open scope of any
 * task, saying ready (or not) with bcsc_start_ready() - and supervised
 * wrappers (bcsc/supervise.h) around frames. Two of the lists are
 * completion sources' (bcsc_waitq_set_abort(), D67): their abort
 * functions answer done, pending or fire from a plan, and every call,
 * held registration, held return and its later completion is predicted
 * (docs/testing.md, "Completion sources"); they call back into bcsc on
 * their task (D76) from its poll, from outside, and from the run loop
 * after the poll returned. Scopes open shielded now and
 * then (BCSC_SCOPE_SHIELD, D80): every cancellation from outside stops at
 * them, their own cancel, deadline, policy and their owner's return still
 * end them (docs/testing.md, "Shielded scopes"). Scopes nest up to
 * MAX_DEPTH levels below the roots, and a task keeps up to NS scopes open
 * at once (LIFO).
 *
 * The reference model is written from the documented semantics (headers,
 * DESIGN.md section 4, docs/decisions.md, bcsc/reactor.h on when run
 * parks), in plain arrays and recursion, sharing no code with the library.
 * Where the documents leave an order open, the model fixes the natural one
 * and so pins it down: a cancelled subtree is queued in pre-order (a task
 * before its children, a task's scopes innermost first, children in spawn
 * order), a task draining its open scopes waits for them innermost first,
 * and due timers fire in deadline order (the generator never gives two
 * timers one deadline). After EVERY operation everything observable is
 * compared: for every frame done / result / cancelled, its wait nodes'
 * linked / fired / value and its timer's linked / fired / deadline; for
 * every scope live / cancelled / error count, its error list's entries,
 * its deadline and timed-out flag; bcsc_task_context() of every live task
 * for every key; each start's value; each grace report; every list's
 * count; the
 * channel's buffered count and closed flag; the clock; the executor's ready
 * count, live roots and all stats counters (parks and timers fired
 * included); the return value of each call; and the exact trace of poll
 * function invocations (which task, in which order - FIFO - and what it
 * saw: its cancel flag, which of its nodes fired with which value, what
 * join, wait_on, sleep and the channel calls returned) and of the calls
 * made from inside park.
 *
 * Two drivers share it: fuzz_walk (seeded random walks, BCSC_SEED /
 * BCSC_MODEL_OPS) and fuzz_libfuzzer (libFuzzer: the input's bytes are the
 * choices). A divergence prints the seed or the input, the step and a dump
 * of the model, and aborts. */
#include "fuzz_model.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bcsc.h"
#include "bcsc_fault_reactor.h"

#define NT 16         /* task frames */
#define NW 2          /* supervised wrappers (bcsc/supervise.h) */
#define NTT (NT + NW) /* the model's tasks: the frames', then the wrappers' */
/* Waiter lists: NPLAIN plain ones, then the hand-off list QH, then NA
 * completion sources' lists (bcsc_waitq_set_abort(), D67) from QA0. */
#define NPLAIN 3
#define QH NPLAIN
#define QA0 (QH + 1)
#define NA 2
#define NQ (QA0 + NA)
#define NS 2              /* scopes one task may have open at once */
#define MAX_DEPTH 3       /* tasks at this depth open no scopes */
#define NFSCOPE (NT * NS) /* the scopes in the frames */
/* The scope in task t's bcsc_start_t; for a wrapper, the scope in its
 * bcsc_supervised_t (the model's task NT + w has sid START_SID(NT + w)). */
#define START_SID(t) (NFSCOPE + (t))
#define ROOT_SCOPE (NFSCOPE + NTT) /* the executor's root scope */
#define NSCOPE (ROOT_SCOPE + 1)
/* Model lists: the NQ real ones, one join list per scope, then the
 * channel's two hand-off lists (senders waiting for a slot, receivers
 * waiting for a message). */
#define Q_SEND (NQ + NSCOPE)
#define Q_RECV (Q_SEND + 1)
#define NWQ (NQ + NSCOPE + 2)
#define LOG_CAP 8192        /* polls between two comparisons, at most */
#define EPOCH_OPS 10000L    /* operations between executor teardowns */
#define NODE_TIMER (2 + NS) /* the model's node index of a task's timer */
#define NODE_CH (3 + NS)    /* ... of its channel registration (cw) */
#define NNODE (4 + NS)
/* The nodes a task's poll sees and the comparison reads: w[0], w[1], cw. */
#define NSEEN 3
#define CH_MAX 4    /* channel capacity, at most */
#define PLAN_CAP 64 /* calls planned for park, not yet made */
#define HOOK_LOG_CAP 8192

/* What a task does the next time it is polled. */
enum act {
  A_WAIT,     /* register w[0] on list a; PENDING (every poll, until changed) */
  A_WAIT2,    /* register w[0] on a and w[1] on b: a select */
  A_AWAIT,    /* loop { bcsc_wait_on(w[0], a) }: consume fires, then register */
  A_YIELD,    /* bcsc_task_yield(); then A_WAIT on b */
  A_DONE,     /* return a (0 or an error) */
  A_OPEN,     /* open a scope with policy a, yield; then A_WAIT on b */
  A_JOIN,     /* join the innermost scope; on a result, A_WAIT on b */
  A_SLEEP,    /* bcsc_sleep_until(timer, d); on 0, A_WAIT on b */
  A_SEND,     /* bcsc_channel_send() a messages (blocking), then A_WAIT on b */
  A_RECV,     /* bcsc_channel_recv() a messages (blocking), then A_WAIT on b */
  A_RECV2,    /* select: bcsc_channel_recv() or w[1] on list b; then A_WAIT b */
  A_START,    /* bcsc_scope_start(): child b into target scope a, until a
               * result; then A_WAIT on list d */
  A_WAITDONE, /* register w[0] on list a (and w[1] on list (d & 0xff) - 1
               * if d; with WD_W1_FIRST in d, w[1] first), then return b
               * (0 or an error): a task that returns while it waits (D67's
               * held return) */
  A_SLEEP2,   /* A_SLEEP, and while it sleeps w[0] waits on list a: a select
               * of a timer and a list; on 0, A_WAIT on b */
  A_COUNT
};
/* A_WAITDONE's d: w[1] registers before w[0], so the run loop's walk
 * after the return meets w[0] first, and w[0]'s abort function finds
 * w[1] still linked (D76). */
#define WD_W1_FIRST 0x100
static const char *const act_name[] = {
    "wait",  "wait2", "await", "yield", "done",  "open",     "join",
    "sleep", "send",  "recv",  "recv2", "start", "waitdone", "sleep2"};

/* What a task does when it sees it has been cancelled. */
enum cmode {
  C_IGNORE, /* nothing: keeps following its script (async cleanup) */
  C_ERR,    /* returns BCSC_ECANCELED */
  C_OK,     /* returns 0 */
  C_COUNT
};

typedef struct script {
  int act;
  int a, b;
  uint64_t d; /* A_SLEEP: the deadline */
} script_t;

/* Something a task does from inside its poll function, once, after its
 * script's calls and before it returns: the calls a real task makes on
 * others (a producer waking consumers, a supervisor cancelling). */
enum side {
  S_NONE,
  S_WAKE_ONE,     /* bcsc_waitq_wake_one(list arg) */
  S_WAKE_ALL,     /* bcsc_waitq_wake_all(list arg) */
  S_CANCEL_TASK,  /* bcsc_task_cancel(frame arg) - maybe itself */
  S_CANCEL_SCOPE, /* bcsc_scope_cancel(scope arg) */
  S_CANCEL_W1,    /* bcsc_wait_cancel(w[1]): stop listening to one arm */
  S_RELINK_W1,    /* bcsc_wait_cancel(w[1]), then register w[1] on list arg */
  S_TRY_SEND,     /* bcsc_channel_try_send(1000 + task) */
  S_TRY_RECV,     /* bcsc_channel_try_recv() */
  S_CLOSE,        /* bcsc_channel_close() */
  S_ERRLIST,      /* bcsc_scope_set_error_list() on its own scope arg % NS */
  S_CONTEXT,      /* bcsc_scope_set_context() there, or a value changed */
  S_READY,        /* bcsc_start_ready() on task arg's start */
  S_GRACE,        /* bcsc_scope_set_drain_grace() on its own scope arg % NS */
  S_DEADLINE,     /* bcsc_scope_set_deadline() on its own scope arg % NS */
  S_CANCEL_W0,    /* bcsc_wait_cancel(w[0]): maybe a completion source's */
  S_SHIELD,  /* bcsc_scope_set_shield(scope arg % NFSCOPE, arg / NFSCOPE) */
  S_CLEANUP, /* bcsc_task_cleanup(task arg): a live one is reported */
  S_COUNT
};
#define ELIST_MAX 3         /* an error list's capacity, at most */
#define NCTX 2              /* context entries one scope may hold */
#define ELIST_UNUSED 0x5a5a /* an error list entry bcsc has not written */
/* S_DEADLINE's grace period, from its deadline's bits */
#define DL_GRACE_PERIOD(d) (1 + ((uint64_t)(d) >> 6) % 4096)
#define NKEY 3 /* context keys: 1..NKEY */

/* What one poll function invocation saw and did. The real poll function
 * fills one in; the model predicts the same record. */
typedef struct pollrec {
  int id;
  int current;      /* bcsc_executor_current() named the task */
  int cancelled;    /* bcsc_task_cancelled() at entry */
  int fired[NSEEN]; /* bcsc_wait_fired() of w[0], w[1], cw at entry */
  uintptr_t value[NSEEN];
  int consumed; /* A_AWAIT: bcsc_wait_on() returned 0 this many times */
  uintptr_t consumed_value;
  int joined; /* A_JOIN: the join returned a result */
  int join_rc;
  int side; /* the side effect made, and what its call returned */
  int side_rc;
  uint32_t side_value; /* S_TRY_RECV: the message */
  int slept;           /* A_SLEEP: the sleep returned 0 */
  int ch_n;            /* A_SEND / A_RECV*: messages sent or received */
  uint32_t ch_hash;    /* ... and a hash of them, in order */
  int ch_rc;           /* ... BCSC_ECLOSED if the channel said so */
  int started;         /* A_START: bcsc_scope_start() returned a result */
  int start_rc;
  uintptr_t start_value; /* ... and bcsc_start_value() then */
  int api_rc; /* first unexpected return of a call made inside the poll */
} pollrec_t;

/* A call planned for the reactor's park (a reactor callback), and what it
 * returned on each side. */
enum hook_kind { H_WAKE_ONE, H_WAKE_ALL, H_CANCEL_TASK, H_CANCEL_SCOPE, H_N };
typedef struct plan {
  int kind, arg;
} plan_t;

/* ---- the real side -------------------------------------------------- */

typedef struct frame {
  bcsc_task_t task; /* first: the poll function casts back */
  int id;
  script_t script;
  int cmode;
  int side, side_arg;
  bcsc_wait_t w[2];
  bcsc_wait_t cw; /* its blocking channel calls' registration */
  bcsc_timer_t timer;
  bcsc_scope_t scopes[NS];
  int nopen;         /* scopes the task believes open (innermost = nopen - 1) */
  int in_poll;       /* its poll function is making its calls */
  int returned;      /* its poll returned a result since its spawn */
  uint64_t side_val; /* a value, period or deadline for the side effect */
  /* Each scope's error list and context entries (D53, D54). */
  bcsc_error_list_t elist[NS];
  bcsc_child_error_t errs[NS][ELIST_MAX];
  bcsc_context_t ctx[NS][NCTX];
  int nctx[NS];       /* entries the task believes attached to scopes[k] */
  bcsc_start_t start; /* A_START's (D56) */
  bcsc_drain_grace_t grace[NS]; /* each scope's drain grace (D59) */
} frame_t;

static frame_t frames[NT];
static bcsc_waitq_t queues[NQ];
static bcsc_executor_t ex;
static bcsc_fault_reactor_t reactor;
static bcsc_channel_t chan;
/* Supervised wrappers (bcsc/supervise.h, D63), the model's tasks NT + w,
 * and what each one's restart function does: the error it returns (0: it
 * re-initialises the child with the planned script and cancel mode). */
static bcsc_supervised_t sup[NW];
static struct sup_plan {
  int rc;
  script_t script;
  int cmode;
} sup_plan[NW];

/* The real task of the model's task t. */
static bcsc_task_t *real_task(int t);
/* The model's number of a real task. */
static int task_id(const bcsc_task_t *task);
static uint32_t chan_ring[CH_MAX];

/* Messages name their producer (a task, or NT: the host) and its own
 * sequence number, from 1 in each epoch: (producer << 20) | seq. The real
 * side checks every message received against its producer's next number
 * (nothing lost, duplicated or reordered per producer) and, after every
 * operation, sent == received + buffered; the model predicts each message
 * exactly besides. */
#define PRODUCERS (NT + 1)
#define HOST_PRODUCER NT
static uint32_t real_seq[PRODUCERS], real_recv_next[PRODUCERS];
static uint64_t real_sent, real_received;

static uint32_t ch_msg(int producer, uint32_t seq) {
  return (uint32_t)producer << 20 | seq;
}

static uint32_t ch_hash(uint32_t h, uint32_t msg) {
  return (h ^ msg) * 16777619u + 1;
}

static void real_note_sent(int producer) {
  real_seq[producer]++;
  real_sent++;
}

static void real_note_received(uint32_t msg);

/* Calls planned for park: both sides take them in order, each with its own
 * cursor; the results are compared. */
static plan_t plan[PLAN_CAP];
static int plan_n, plan_real, plan_model;
static int hook_real_rc[HOOK_LOG_CAP], hook_model_rc[HOOK_LOG_CAP];
static int hook_real_n, hook_model_n;

/* Completion sources (D67): what each abort function call answers - the
 * next planned answer, else its list's default - and a log of the calls
 * on each side (which node, on which list, the answer, and what a fire
 * from inside the call returned). AB_FIRE: the source completed the
 * operation after all: it fires its list's oldest registration (the node
 * asked, or another task's) and answers BCSC_PENDING. A planned entry is
 * answer + AB_N * k: a fire's value is 300 + k. */
enum { AB_DONE, AB_PENDING, AB_FIRE, AB_N };
#define ABORT_PLAN_CAP 64
#define ABORT_LOG_CAP 8192
typedef struct abortrec {
  int task, node, q, answer, fire_rc;
  int meddle, meddle_rc; /* what it did to its own task (D76), and got */
} abortrec_t;
/* A planned entry's meddling: what the abort function does to the task
 * asked about before it answers (D76), as the meddling matrix of
 * test_abort.c does - only at the outermost abort call (outside its
 * task's poll a wake of it is put off until the call ends), also when the
 * run loop asks after the task's poll returned a result (COV_PP_*). The
 * entry is answer + AB_N * (k + 8 * meddle). */
enum {
  MD_NONE,
  MD_CANCEL_TASK,  /* bcsc_task_cancel() of its task */
  MD_CANCEL_SCOPE, /* bcsc_scope_cancel() of the frame scope it is in */
  MD_WAKE_OTHER,   /* bcsc_waitq_wake_one() of the list of its other node */
  MD_UNLINK_OTHER, /* bcsc_wait_cancel() of its other node */
  MD_UNLINK_SELF,  /* bcsc_wait_cancel() of the node asked: BCSC_WAIT_HELD */
  MD_N
};
#define MD_NOCALL (-1000) /* nothing to call it on */
static int real_abort_depth;
/* The host's bcsc_wait_cancel() is asking: the abort function does not
 * unlink the task's other node, which would leave it waiting for nothing
 * (a task lost by its caller, not by bcsc). */
static int real_wait_cancelling;
static int abort_plan[ABORT_PLAN_CAP];
static int abort_plan_n, abort_plan_real, abort_plan_model;
static int abort_default_real[NA];
static abortrec_t abort_real[ABORT_LOG_CAP], abort_model[ABORT_LOG_CAP];
static int abort_real_n, abort_model_n;

static pollrec_t real_log[LOG_CAP];
static int real_nlog;

/* Misuse reports: the model says how many to expect after each op. */
static int misuse_count;
static int32_t misuse_last;

static void record_misuse(void *ctx, int32_t code, const char *message,
                          const void *object) {
  (void)ctx;
  (void)message;
  (void)object;
  misuse_count++;
  misuse_last = code;
}

static pollrec_t *real_log_push(void) {
  pollrec_t *r;
  if (real_nlog == LOG_CAP)
    return &real_log[LOG_CAP - 1]; /* overflow is reported by the compare */
  r = &real_log[real_nlog++];
  memset(r, 0, sizeof *r);
  return r;
}

static void note_api(pollrec_t *r, int rc, int want) {
  if (rc != want && r->api_rc == 0)
    r->api_rc = rc != 0 ? rc : -9999;
}

static int frame_act(frame_t *f, pollrec_t *r) {
  bcsc_task_t *self = &f->task;
  int rc;
  switch (f->script.act) {
  case A_WAIT:
    note_api(r, bcsc_wait_register(self, &f->w[0], &queues[f->script.a]), 0);
    return BCSC_PENDING;
  case A_WAIT2:
    /* d: w[1] first (a walk meets w[0] first: its abort function finds
     * w[1] still linked, D76). */
    if (f->script.d)
      note_api(r, bcsc_wait_register(self, &f->w[1], &queues[f->script.b]), 0);
    note_api(r, bcsc_wait_register(self, &f->w[0], &queues[f->script.a]), 0);
    if (!f->script.d)
      note_api(r, bcsc_wait_register(self, &f->w[1], &queues[f->script.b]), 0);
    return BCSC_PENDING;
  case A_AWAIT:
    for (;;) {
      rc = bcsc_wait_on(self, &f->w[0], &queues[f->script.a]);
      if (rc != 0)
        return rc;
      r->consumed++;
      r->consumed_value = f->w[0].value;
    }
  case A_YIELD:
    f->script = (script_t){A_WAIT, f->script.b, 0, 0};
    return bcsc_task_yield(self);
  case A_DONE:
    return f->script.a;
  case A_OPEN:
    if (f->nopen >= NS)
      return -2000; /* the generator broke its own rule */
    rc = bcsc_scope_init(&f->scopes[f->nopen], self, (uint32_t)f->script.a);
    note_api(r, rc, 0);
    if (rc == 0)
      f->nctx[f->nopen++] = 0;
    f->script = (script_t){A_WAIT, f->script.b, 0, 0};
    return bcsc_task_yield(self);
  case A_WAITDONE: {
    int w1 = (int)(f->script.d & 0xff) - 1;
    if (w1 >= 0 && (f->script.d & WD_W1_FIRST))
      note_api(r, bcsc_wait_register(self, &f->w[1], &queues[w1]), 0);
    note_api(r, bcsc_wait_register(self, &f->w[0], &queues[f->script.a]), 0);
    if (w1 >= 0 && !(f->script.d & WD_W1_FIRST))
      note_api(r, bcsc_wait_register(self, &f->w[1], &queues[w1]), 0);
    return f->script.b;
  }
  case A_SLEEP:
  case A_SLEEP2:
    rc = bcsc_sleep_until(self, &f->timer, f->script.d);
    if (rc == BCSC_PENDING && f->script.act == A_SLEEP2)
      note_api(r, bcsc_wait_register(self, &f->w[0], &queues[f->script.a]), 0);
    if (rc != 0)
      return rc; /* PENDING, or ECANCELED: the task's result */
    r->slept = 1;
    f->script = (script_t){A_WAIT, f->script.b, 0, 0};
    note_api(r, bcsc_wait_register(self, &f->w[0], &queues[f->script.a]), 0);
    return BCSC_PENDING;
  case A_SEND:
  case A_RECV:
    while (f->script.a > 0) {
      uint32_t msg = ch_msg(f->id, real_seq[f->id]);
      rc = f->script.act == A_SEND
               ? bcsc_channel_send(self, &chan, &f->cw, &msg, sizeof msg)
               : bcsc_channel_recv(self, &chan, &f->cw, &msg, sizeof msg);
      if (rc == BCSC_ECLOSED) {
        r->ch_rc = rc;
        break;
      }
      if (rc != 0)
        return rc; /* PENDING, or ECANCELED: the task's result */
      if (f->script.act == A_SEND)
        real_note_sent(f->id);
      else
        real_note_received(msg);
      r->ch_n++;
      r->ch_hash = ch_hash(r->ch_hash, msg);
      f->script.a--;
    }
    f->script = (script_t){A_WAIT, f->script.b, 0, 0};
    note_api(r, bcsc_wait_register(self, &f->w[0], &queues[f->script.a]), 0);
    return BCSC_PENDING;
  case A_RECV2: {
    uint32_t msg = 0;
    rc = bcsc_channel_recv(self, &chan, &f->cw, &msg, sizeof msg);
    if (rc == BCSC_PENDING) {
      /* The other branch of the select: a plain list. */
      note_api(r, bcsc_wait_register(self, &f->w[1], &queues[f->script.b]), 0);
      return BCSC_PENDING;
    }
    if (rc == 0) {
      real_note_received(msg);
      r->ch_n++;
      r->ch_hash = ch_hash(r->ch_hash, msg);
    } else if (rc == BCSC_ECLOSED) {
      r->ch_rc = rc;
    } else {
      return rc;
    }
    f->script = (script_t){A_WAIT, f->script.b, 0, 0};
    note_api(r, bcsc_wait_register(self, &f->w[0], &queues[f->script.a]), 0);
    return BCSC_PENDING;
  }
  case A_START:
    rc = bcsc_scope_start(self, &f->start,
                          &frames[f->script.a / NS].scopes[f->script.a % NS],
                          &frames[f->script.b].task);
    if (rc == BCSC_PENDING)
      return BCSC_PENDING;
    r->started = 1;
    r->start_rc = rc;
    r->start_value = bcsc_start_value(&f->start);
    f->script = (script_t){A_WAIT, (int)f->script.d, 0, 0};
    note_api(r, bcsc_wait_register(self, &f->w[0], &queues[f->script.a]), 0);
    return BCSC_PENDING;
  case A_JOIN:
    if (f->nopen == 0)
      return -2001;
    rc = bcsc_scope_join(&f->scopes[f->nopen - 1]);
    if (rc == BCSC_PENDING)
      return BCSC_PENDING;
    r->joined = 1;
    r->join_rc = rc;
    f->nopen--;
    f->script = (script_t){A_WAIT, f->script.b, 0, 0};
    note_api(r, bcsc_wait_register(self, &f->w[0], &queues[f->script.a]), 0);
    return BCSC_PENDING;
  default:
    return -2002;
  }
}

/* What a drain grace's report saw of one stuck task (D59, D61): the scope,
 * the task, which of its nodes bcsc_task_wait_next() listed (bits: w[0],
 * w[1], cw; 8: anything else) and the list bcsc_wait_queue() named for
 * each (a model list number; -1 none). Both sides log; the comparison
 * sorts by scope (stable), since two periods ending at one instant may be
 * reported in either order. `any_regs`: the model cannot tell what a task
 * timer firing at the same instant unlinked first; then only the tasks
 * are compared. */
#define GRACE_LOG_CAP 1024
typedef struct gracerec {
  int sid, task, regs, q[NSEEN], any_regs;
} gracerec_t;
static gracerec_t grace_real[GRACE_LOG_CAP], grace_model[GRACE_LOG_CAP];
static int grace_real_n, grace_model_n;

static int real_list_of(const bcsc_wait_t *w) {
  const bcsc_waitq_t *q = bcsc_wait_queue(w);
  if (q == NULL)
    return -1;
  for (int i = 0; i < NQ; i++)
    if (q == &queues[i])
      return i;
  /* The channel's own lists (private fields, read only here): learning
   * them from the first report named the receivers' list Q_SEND when a
   * receiver was reported first, which only a task behind a shield - not
   * cancelled, so still blocked in the channel - can be (D80). */
  if (q == &chan.priv.senders)
    return Q_SEND;
  if (q == &chan.priv.receivers)
    return Q_RECV;
  return -2;
}

static void grace_report(void *context, bcsc_scope_t *scope,
                         bcsc_task_t *child) {
  gracerec_t *g;
  const frame_t *f = (const frame_t *)(void *)child;
  (void)context;
  if (task_id(child) >= NT)
    f = NULL; /* a wrapper: its registrations are none of a frame's */
  if (grace_real_n == GRACE_LOG_CAP)
    return; /* overflow: reported by the comparison */
  g = &grace_real[grace_real_n++];
  memset(g, 0, sizeof *g);
  g->sid = -1;
  for (int t = 0; t < NT; t++)
    for (int k = 0; k < NS; k++)
      if (scope == &frames[t].scopes[k])
        g->sid = t * NS + k;
  g->task = task_id(child);
  for (int i = 0; i < NSEEN; i++)
    g->q[i] = -1;
  for (const bcsc_wait_t *w = bcsc_task_wait_next(child, NULL); w != NULL;
       w = bcsc_task_wait_next(child, w)) {
    int i = f == NULL       ? -1
            : w == &f->w[0] ? 0
            : w == &f->w[1] ? 1
            : w == &f->cw   ? 2
                            : -1;
    if (i < 0) {
      g->regs |= 8;
      continue;
    }
    g->regs |= 1 << i;
    g->q[i] = real_list_of(w);
  }
}

/* What an abort function does to its own task t, whose node `node` it was
 * asked about (D76). */
static int real_meddle(int m, int t, int node) {
  frame_t *f = &frames[t];
  switch (m) {
  case MD_CANCEL_TASK:
    return bcsc_task_cancel(&f->task);
  case MD_CANCEL_SCOPE:
    for (int u = 0; u < NT; u++)
      for (int k = 0; k < NS; k++)
        if (f->task.priv.scope == &frames[u].scopes[k])
          return bcsc_scope_cancel(&frames[u].scopes[k]);
    return MD_NOCALL;
  case MD_WAKE_OTHER:
    for (int i = 0; i < 2; i++) {
      int q;
      if (i == node || !bcsc_wait_linked(&f->w[i]))
        continue;
      if ((q = real_list_of(&f->w[i])) >= 0 && q < NQ)
        return bcsc_waitq_wake_one(&queues[q], 500);
    }
    return MD_NOCALL;
  case MD_UNLINK_OTHER:
    return bcsc_wait_cancel(&f->w[node == 0 ? 1 : 0]);
  default:
    return bcsc_wait_cancel(&f->w[node]);
  }
}

/* The abort function of completion source `context` (one of queues[]). */
static int source_abort(void *context, bcsc_wait_t *wait) {
  bcsc_waitq_t *q = context;
  int qi = (int)(q - queues), plan_v, answer;
  abortrec_t *a;
  plan_v = abort_plan_real < abort_plan_n ? abort_plan[abort_plan_real++]
                                          : abort_default_real[qi - QA0];
  answer = plan_v % AB_N;
  if (abort_real_n == ABORT_LOG_CAP)
    return BCSC_PENDING; /* overflow: reported by the comparison */
  a = &abort_real[abort_real_n++];
  memset(a, 0, sizeof *a);
  a->task = -1;
  a->node = -1;
  for (int t = 0; t < NT; t++)
    for (int i = 0; i < NSEEN; i++)
      if (wait == (i < 2 ? &frames[t].w[i] : &frames[t].cw)) {
        a->task = t;
        a->node = i;
      }
  /* The list is known during the call. */
  a->q = real_list_of(wait) == qi ? qi : -1 - real_list_of(wait);
  a->answer = answer;
  a->meddle = plan_v / (AB_N * 8);
  if (a->task < 0 || real_abort_depth > 0 ||
      (a->meddle == MD_UNLINK_OTHER && real_wait_cancelling))
    a->meddle = MD_NONE;
  real_abort_depth++;
  if (a->meddle != MD_NONE)
    a->meddle_rc = real_meddle(a->meddle, a->task, a->node);
  if (answer == AB_FIRE)
    a->fire_rc = bcsc_waitq_wake_one(q, (uintptr_t)(300 + (plan_v / AB_N) % 8));
  real_abort_depth--;
  return answer == AB_DONE ? 0 : BCSC_PENDING;
}

/* Whether S_CANCEL_W0 is skipped: the poll returns PENDING and w[0] may be
 * all it waits for (a task that waits for nothing would be lost). */
static int cancel_w0_skipped(int rc, int w1_linked, int timer_linked) {
  return rc == BCSC_PENDING && !w1_linked && !timer_linked;
}

static void frame_side(frame_t *f, pollrec_t *r, int rc) {
  int arg = f->side_arg;
  r->side = f->side;
  f->side = S_NONE;
  if (r->side == S_CANCEL_W0 &&
      cancel_w0_skipped(rc, bcsc_wait_linked(&f->w[1]),
                        bcsc_timer_linked(&f->timer))) {
    r->side_rc = -3001;
    return;
  }
  switch (r->side) {
  case S_WAKE_ONE:
    r->side_rc = bcsc_waitq_wake_one(&queues[arg], (uintptr_t)(100 + f->id));
    break;
  case S_WAKE_ALL:
    r->side_rc = bcsc_waitq_wake_all(&queues[arg], (uintptr_t)(100 + f->id));
    break;
  case S_CANCEL_TASK:
    r->side_rc = bcsc_task_cancel(&frames[arg].task);
    break;
  case S_CANCEL_SCOPE:
    r->side_rc = bcsc_scope_cancel(&frames[arg / NS].scopes[arg % NS]);
    break;
  case S_SHIELD: {
    int sid = arg % NFSCOPE;
    r->side_rc = bcsc_scope_set_shield(&frames[sid / NS].scopes[sid % NS],
                                       arg / NFSCOPE);
    break;
  }
  case S_CANCEL_W1:
    real_wait_cancelling = 1;
    r->side_rc = bcsc_wait_cancel(&f->w[1]);
    real_wait_cancelling = 0;
    break;
  case S_CANCEL_W0:
    real_wait_cancelling = 1;
    r->side_rc = bcsc_wait_cancel(&f->w[0]);
    real_wait_cancelling = 0;
    break;
  case S_CLEANUP:
    bcsc_task_cleanup(real_task(arg));
    break;
  case S_RELINK_W1:
    real_wait_cancelling = 1;
    r->side_rc = bcsc_wait_cancel(&f->w[1]);
    real_wait_cancelling = 0;
    /* Held (a completion source's, D67): it stays as it is. */
    if (!bcsc_wait_linked(&f->w[1]))
      note_api(r, bcsc_wait_register(&f->task, &f->w[1], &queues[arg]), 0);
    break;
  case S_TRY_SEND: {
    uint32_t v = ch_msg(f->id, real_seq[f->id]);
    r->side_rc = bcsc_channel_try_send(&chan, &v, sizeof v);
    if (r->side_rc == 0)
      real_note_sent(f->id);
    break;
  }
  case S_TRY_RECV:
    r->side_rc = bcsc_channel_try_recv(&chan, &r->side_value, sizeof(uint32_t));
    if (r->side_rc == 0)
      real_note_received(r->side_value);
    break;
  case S_CLOSE:
    r->side_rc = bcsc_channel_close(&chan);
    break;
  case S_ERRLIST: {
    /* arg: the scope, then the capacity (0: detach, count only). */
    int k = arg % NS, cap = arg / NS;
    if (k >= f->nopen) {
      r->side_rc = -3000; /* no such scope open now: nothing called */
      break;
    }
    r->side_rc =
        bcsc_scope_set_error_list(&f->scopes[k], &f->elist[k],
                                  cap != 0 ? f->errs[k] : NULL, (uint32_t)cap);
    /* Nothing recorded yet (else refused): mark every entry, so that a
     * write past the capacity shows. */
    for (int i = 0; r->side_rc == 0 && i < ELIST_MAX; i++)
      f->errs[k][i] = (bcsc_child_error_t){NULL, ELIST_UNUSED, 7};
    break;
  }
  case S_CONTEXT: {
    /* arg: the scope, the key, and the mode: attach one entry; change the
     * newest entry's value in place; or attach entries (the same key, one
     * shadowing the other) until refused. */
    int k = arg % NS, key = 1 + arg / NS % NKEY, mode = arg / NS / NKEY;
    if (k >= f->nopen) {
      r->side_rc = -3000;
      break;
    }
    if (mode == 1 && f->nctx[k] > 0) {
      f->ctx[k][f->nctx[k] - 1].value = (uintptr_t)f->side_val;
      r->side_rc = 1;
      break;
    }
    /* With every entry attached, node 0 again: refused (ATTACHED). */
    do {
      r->side_rc = bcsc_scope_set_context(
          &f->scopes[k], &f->ctx[k][f->nctx[k] < NCTX ? f->nctx[k] : 0],
          (uint32_t)key, (uintptr_t)f->side_val + (uintptr_t)f->nctx[k]);
      if (r->side_rc == 0)
        f->nctx[k]++;
    } while (mode == 2 && r->side_rc == 0);
    break;
  }
  case S_READY:
    /* arg: the start's task, then 1 to cancel it once the child moved. */
    r->side_rc = bcsc_start_ready(&f->task, &frames[arg % NT].start,
                                  (uintptr_t)f->side_val);
    if (r->side_rc == 0 && arg / NT)
      note_api(r, bcsc_task_cancel(&frames[arg % NT].task), 0);
    break;
  case S_DEADLINE: {
    /* arg: the scope, the kind (2: unknown, refused), and whether to set
     * a drain grace first (its period from the deadline's bits); side_val
     * is the deadline. */
    int k = arg % NS, kind = arg / NS % 3;
    if (k >= f->nopen) {
      r->side_rc = -3000;
      break;
    }
    if (arg / NS / 3)
      note_api(r,
               bcsc_scope_set_drain_grace(&f->scopes[k], &f->grace[k],
                                          DL_GRACE_PERIOD(f->side_val),
                                          grace_report, f),
               0);
    r->side_rc =
        bcsc_scope_set_deadline(&f->scopes[k], f->side_val, (uint32_t)kind);
    break;
  }
  case S_GRACE: {
    /* arg: the scope, then the mode: 0 remove, 1 set (period side_val);
     * 2 set, cancel the scope (the period starts), set again (it
     * restarts); 3 set and cancel the scope (the period starts now, and
     * goes on if a cancellation from above marks the scope again). */
    int k = arg % NS, mode = arg / NS;
    bcsc_scope_t *sc = &f->scopes[k];
    if (k >= f->nopen) {
      r->side_rc = -3000;
      break;
    }
    r->side_rc = bcsc_scope_set_drain_grace(sc, &f->grace[k], f->side_val,
                                            mode ? grace_report : NULL, f);
    if (mode >= 2)
      note_api(r, bcsc_scope_cancel(sc), 0);
    if (mode == 2)
      r->side_rc = bcsc_scope_set_drain_grace(
          sc, &f->grace[k], f->side_val / 2 + 1, grace_report, f);

    break;
  }
  default:
    break;
  }
}

/* The reactor callback: inside park, make the next planned call. */
static int park_hook(bcsc_fault_reactor_t *r, void *context,
                     uint64_t deadline) {
  const plan_t *p;
  int rc = 0;
  (void)r;
  (void)context;
  (void)deadline;
  if (plan_real == plan_n)
    return 0;
  p = &plan[plan_real++];
  switch (p->kind) {
  case H_WAKE_ONE:
    rc = bcsc_waitq_wake_one(&queues[p->arg], (uintptr_t)(200 + p->arg));
    break;
  case H_WAKE_ALL:
    rc = bcsc_waitq_wake_all(&queues[p->arg], (uintptr_t)(200 + p->arg));
    break;
  case H_CANCEL_TASK:
    rc = bcsc_task_cancel(&frames[p->arg].task);
    break;
  default:
    rc = bcsc_scope_cancel(&frames[p->arg / NS].scopes[p->arg % NS]);
    break;
  }
  if (hook_real_n < HOOK_LOG_CAP)
    hook_real_rc[hook_real_n++] = rc;
  return 1;
}

static int frame_poll(bcsc_task_t *self) {
  frame_t *f = (frame_t *)(void *)self;
  pollrec_t *r = real_log_push();
  int rc;
  r->id = f->id;
  r->current = bcsc_executor_current(&ex) == self;
  r->cancelled = bcsc_task_cancelled(self);
  for (int i = 0; i < NSEEN; i++) {
    const bcsc_wait_t *w = i < 2 ? &f->w[i] : &f->cw;
    r->fired[i] = bcsc_wait_fired(w);
    r->value[i] = w->value;
  }
  f->returned = r->cancelled && f->cmode != C_IGNORE;
  if (r->cancelled && f->cmode == C_ERR)
    return BCSC_ECANCELED;
  if (r->cancelled && f->cmode == C_OK)
    return 0;
  f->in_poll = 1;
  rc = frame_act(f, r);
  frame_side(f, r, rc);
  f->in_poll = 0;
  f->returned = rc != BCSC_PENDING;
  return rc;
}

/* ---- the model ------------------------------------------------------ */

enum { MS_FREE, MS_QUEUED, MS_RUNNING, MS_WAITING, MS_DONE };
/* A wake from a hand-off list (D22) is a baton: N_BATON_NEW when it
 * fired during the task's own poll (the next poll is the one that must
 * take it), N_BATON otherwise. A baton still there when the poll after it
 * returns goes to the next waiter of its list. */
enum { N_IDLE, N_LINKED, N_FIRED, N_BATON, N_BATON_NEW };

typedef struct mentry {
  int task;
  int node; /* 0, 1: the frame's w[]; 2 + k: the join node of scope k */
} mentry_t;

typedef struct mwq {
  mentry_t e[2 * NTT];
  int n;
  int handoff, batons; /* a hand-off list, and its batons out */
  int abortable;       /* a completion source's (D67) */
} mwq_t;

typedef struct mscope {
  int open, cancelled, policy;
  int shield;     /* opened with BCSC_SCOPE_SHIELD (D80) */
  int child[NTT]; /* live children, spawn order */
  int n;
  int first_error, error_count, race_won, race_result, owner_result;
  int race_ran;    /* a child of this race scope has completed */
  int ever_opened; /* its memory holds an initialised scope */
  /* Its error list (D54): capacity, and the failures recorded. */
  int reserved; /* pending starts counted as live children (D56) */
  /* Its drain grace (D59): attached, period; its timer running, when it
   * ends, and whether a task timer ends at the same instant. */
  int has_grace, armed, gtie;
  uint64_t gperiod, gexpiry, garmed_at;
  /* Its own deadline (bcsc_scope_set_deadline()): set, the value (kept
   * aside while a grace timer has the link, D60), its kind, whether its
   * link is in the wheel, and whether it fired and cancelled the scope. */
  int dl_set, dl_fail, dl_linked, timed_out;
  uint64_t dl;
  int ecap;
  struct {
    int task, error, cancelled;
  } rec[ELIST_MAX];
  /* Its context entries (D53), oldest first. */
  int nctx;
  uint32_t ckey[NCTX];
  uintptr_t cval[NCTX];
} mscope_t;

typedef struct mtask {
  int state, cancelled, draining, woken, result;
  /* Completion sources (D67): which linked nodes are held (their abort
   * pending), and whether the task returned holding them: it completes,
   * or drains its scopes, with held_result once they have fired. */
  int held[NNODE];
  int aborted, held_result;
  int calling[NNODE]; /* its abort function call is under way (D76) */
  int returned;       /* its poll returned a result since its spawn */
  int faked;          /* reads as RUNNING for an abort function (D76) */
  long rseq[NNODE];   /* when each node was registered: a walk asks the
                       * newest first (bcsc keeps them newest first) */
  int parent;         /* scope id */
  int depth, nscopes;
  int node[NNODE];
  uintptr_t value[NNODE];
  uint64_t tdeadline; /* the timer's deadline */
  int bq[NNODE];      /* a baton's list */
  long bseq[NNODE];   /* when it was recorded: batons go on newest first */
  script_t script;
  int cmode;
  int side, side_arg;
  uint64_t side_val;
  /* Its bcsc_start_t: the start's scope is open (innermost, above the
   * nscopes), its state, child, target, whether the target still counts
   * it, and the value. Kept across respawns, as the frame's is. */
  int start_open, start_state, start_child, start_target, start_reserving;
  uintptr_t start_value;
  /* A wrapper (task NT + w): its child, policy, budget, counters, its
   * restart function's answer, and the child's script after a restart.
   * Its scope is START_SID(t), open while start_open. */
  int wchild, wpolicy, wmax, wrestarts, wfailures, wlast, wrc, wcmode;
  script_t wscript;
} mtask_t;
enum { ST_NONE, ST_PENDING, ST_READY, ST_ENDED };

/* Coverage counters: how often the interesting paths were taken, so that a
 * generator that stopped reaching them fails the test instead of passing
 * vacuously. */
enum cov {
  COV_SPAWN_CANCELLED,  /* spawned into a cancelled scope */
  COV_JOIN_PENDING,     /* a join that had to wait */
  COV_JOIN_OK,          /* a join that returned 0 */
  COV_JOIN_ERR,         /* ... a child's error */
  COV_JOIN_CANCELED,    /* ... BCSC_ECANCELED */
  COV_RACE_WON,         /* a race scope got its winner */
  COV_FAIL_FAST,        /* a child error cancelled its siblings */
  COV_DRAIN_WAIT,       /* a returned task waited for its open scopes */
  COV_DRAIN_DONE,       /* ... and then completed */
  COV_DRAIN_ERROR,      /* ... with a child's error as its result */
  COV_SELECT_WAKE,      /* a wake that unlinked the task's other node */
  COV_CANCEL_DEEP,      /* a cancel that reached depth >= 2 */
  COV_CANCEL_DRAINING,  /* a cancel of a task that was draining */
  COV_AWAIT_CONSUMED,   /* bcsc_wait_on() returned 0 */
  COV_YIELD,            /* a yield */
  COV_DEADLK,           /* bcsc_executor_run() returned EDEADLK */
  COV_RUN_ROOT_DONE,    /* bcsc_executor_run(root) returned its result */
  COV_MISUSE_REFUSED,   /* a refused call left everything as it was */
  COV_DEPTH3_SPAWN,     /* a task spawned at depth 3 */
  COV_SELF_WAKE,        /* a task's own wake fired its own registration */
  COV_SELF_CANCEL,      /* a task cancelled itself (or an ancestor) */
  COV_SIDE_REFUSED,     /* an in-poll cancel of a done task / closed scope */
  COV_WAIT_CANCEL,      /* bcsc_wait_cancel() unlinked a node early */
  COV_RELINK,           /* a node cancelled and registered again in a poll */
  COV_SLEPT,            /* a sleep returned 0 */
  COV_TIMER_FIRED,      /* a timer fired and woke its task */
  COV_TIMER_SELECT,     /* ... while the task also waited on a list */
  COV_STALE_FIRE,       /* a wake found nobody on its list */
  COV_PARK,             /* run parked */
  COV_PARK_HOOK,        /* a call made from inside park */
  COV_PARK_FAULT,       /* a park failed on purpose; run passed the error on */
  COV_PARK_ANOMALY,     /* a spurious, early or late park */
  COV_FOREIGN_UNPARK,   /* an unpark from another thread ended a park */
  COV_CHAN_FULL,        /* try_send found the ring full */
  COV_CHAN_MSG,         /* a message went through the channel */
  COV_CHAN_CLOSED,      /* a channel call after close */
  COV_BATON_TAKEN,      /* a hand-off wake taken by wait_on */
  COV_BATON_PASSED,     /* ... not taken: passed to the next waiter */
  COV_BATON_LAPSED,     /* ... passed, but nobody was waiting */
  COV_CH_SEND_WAIT,     /* bcsc_channel_send() queued the task */
  COV_CH_RECV_WAIT,     /* bcsc_channel_recv() queued the task */
  COV_CH_SEND_WOKEN,    /* a send took the slot its wake reserved */
  COV_CH_RECV_WOKEN,    /* a receive took the message its wake reserved */
  COV_CH_CANCEL_LINKED, /* a task blocked in send/recv was cancelled */
  COV_CH_CANCEL_BATON,  /* ... one woken by the channel, before it ran */
  COV_CH_DECLINE,       /* a wake from the other list declined */
  COV_CH_CLOSE_WAITERS, /* close woke senders or receivers */
  COV_CH_CLOSED_WAKE,   /* a woken sender or receiver learned of the close */
  COV_CH_SELECT_OTHER,  /* a select's list branch won over the channel */
  COV_CH_DEINIT_BUSY,   /* channel_deinit refused: waiters or wakes out */
  COV_CH_RENEW,         /* a closed, quiet channel torn down and made anew */
  COV_ELIST_RECORDED,   /* an error list recorded a failure */
  COV_ELIST_CANCELLED,  /* ... of a child that had been cancelled */
  COV_ELIST_OVERFLOW,   /* a failure past the list's capacity */
  COV_ELIST_LATE,       /* set_error_list refused after a failure */
  COV_CTX_OWN,          /* a lookup found a key on the task's own scope */
  COV_CTX_ANCESTOR,     /* ... on an ancestor's scope */
  COV_CTX_SHADOWED,     /* ... while an outer scope also had the key */
  COV_CTX_BUSY,         /* set_context refused: the entry is attached */
  COV_CTX_IN_PLACE,     /* an attached entry's value changed in place */
  COV_START_READY,      /* a started child said ready and moved */
  COV_START_OWN_TARGET, /* ... into a scope of its starter's */
  COV_START_OTHER_TARGET,     /* ... into another task's scope */
  COV_START_TARGET_CANCELLED, /* ... into a cancelled target: cancelled as it
                                 moved */
  COV_START_FAILED,           /* a start returned the child's error */
  COV_START_ECLOSED,  /* ... ECLOSED: the child returned 0 without ready */
  COV_START_CANCELED, /* ... ECANCELED: the caller was cancelled first */
  COV_START_READY_CANCELED, /* bcsc_start_ready() refused: the caller was
                               cancelled */
  COV_START_READY_LATE,   /* a start returned 0 to a caller cancelled after the
                             move */
  COV_START_REFUSED,      /* bcsc_scope_start() refused a closed target */
  COV_START_MISUSE,       /* bcsc_start_ready() by a foreign task or twice */
  COV_START_TARGET_WAITS, /* a join or drain waited for a pending start alone */
  COV_START_DRAIN_RELEASE,   /* a drain gave an empty start's count back */
  COV_START_CALLER_RETURNED, /* a caller returned with its start pending */
  COV_GRACE_FIRED,       /* a drain grace ran out with tasks live: reported */
  COV_GRACE_FIRED_EMPTY, /* ... with its children gone but the scope open */
  COV_GRACE_REGS,        /* a reported task listed its registrations */
  COV_GRACE_NO_REGS,     /* a reported task held none (queued, or joining) */
  COV_GRACE_DEEP,        /* a reported task below a child of the scope */
  COV_GRACE_CLOSED_IN_TIME, /* a scope closed while its grace ran */
  COV_GRACE_RESET_RUNNING,  /* a grace set again (or removed) while it ran */
  COV_GRACE_SET_CANCELLED,  /* a grace set on a cancelled scope: runs at once */
  COV_GRACE_KEPT, /* a scope marked again, later, while its grace ran */
  /* Informational, not required: about 6 per 10^6 operations (a report's
   * order across one task's scopes; D59). */
  COV_GRACE_TWO_SCOPES,  /* a reported task with two scopes holding tasks */
  COV_DL_FIRED,          /* a scope's deadline cancelled it */
  COV_DL_GRACE,          /* ... and started its grace */
  COV_DL_LATE,           /* a deadline fell due on a cancelled scope: nothing */
  COV_DL_PASSED,         /* a deadline set in the past cancelled at once */
  COV_DL_KEPT,           /* a deadline set while a grace timer had the link */
  COV_DL_TIMED_OUT_JOIN, /* a join reported a timeout (ETIMEDOUT or 0) */
  COV_SUP_OK,        /* a supervised child's run ended well: the wrapper too */
  COV_SUP_CANCELLED, /* a cancelled wrapper returned its join's result */
  COV_SUP_IGNORED,   /* a failure ignored: the wrapper ends with 0 */
  COV_SUP_RESTARTED, /* a failed child restarted */
  COV_SUP_ESCALATED, /* a failure escalated (ESCALATE, or the budget spent) */
  COV_SUP_RESTART_REFUSED, /* the restart function refused: its error, or EINVAL
                            */
  /* Completion sources (D67). */
  COV_AB_DONE,           /* an abort function let go: the node unlinked */
  COV_AB_PENDING,        /* ... answered pending: the node held */
  COV_AB_FIRE_SELF,      /* ... fired the node asked (it completed anyway) */
  COV_AB_FIRE_OTHER,     /* ... fired another task's older registration */
  COV_AB_CANCELLED,      /* an abort asked for a cancelled task */
  COV_AB_DEADLINE,       /* ... cancelled by a scope's deadline */
  COV_AB_RACE_LOSS,      /* ... by a race scope's winner */
  COV_AB_OWNER_RETURNED, /* ... by its owner returning with scopes open */
  COV_AB_SELECT,         /* ... because another registration fired */
  COV_AB_TIMER,          /* ... because the task's timer fired */
  COV_AB_RETURNED,       /* ... because the task returned while it waited */
  COV_AB_WAIT_CANCEL,    /* ... by bcsc_wait_cancel() */
  COV_AB_CANCEL_HELD,    /* bcsc_wait_cancel() of a held node: PENDING */
  COV_AB_HELD_WAKE,      /* a task holding one woken or cancelled: not queued */
  COV_AB_HELD_WOKEN_IN_POLL, /* woken in its poll, held: not queued */
  COV_AB_HELD_FIRED,         /* a held node fired: its task queued */
  COV_AB_RETURNED_HELD,      /* a task returned holding one: not complete */
  COV_AB_RETURNED_DONE,      /* ... completed once it fired, without a poll */
  COV_AB_RETURNED_DRAIN,     /* ... then drained its scopes */
  COV_AB_JOIN_WAITS,         /* a join or drain waited for a held child */
  COV_AB_GRACE,              /* a drain grace reported a task holding one */
  COV_AB_DEINIT_BUSY,        /* waitq_deinit refused a list with held nodes */
  COV_AB_TOGGLED,            /* an empty source's list made plain, or back */
  COV_AB_HELD_BATON,         /* ... woken by a hand-off wake: holds the baton */
  COV_AB_EXECUTOR_BUSY,      /* executor_deinit refused while one is held */
  COV_AB_TWO_HELD,           /* a task holding two held nodes (two sources) */
  /* Shielded scopes (D80). */
  COV_SHIELD_TASK_CANCEL,   /* a task cancel stopped at its shield (children) */
  COV_SHIELD_WALK_STOP,     /* a scope-cancel walk stopped at one (children) */
  COV_SHIELD_WALK_CLIMB,    /* ... and climbed out of an inner scope past it */
  COV_SHIELD_DEADLINE_STOP, /* an outer deadline stopped at one (empty too) */
  COV_SHIELD_POLICY_STOP,   /* ... an outer fail-fast or race */
  COV_SHIELD_OPEN_CANCELLED,  /* one opened by a cancelled owner: uncancelled */
  COV_SHIELD_SPAWN_BEHIND,    /* a task spawned into one of a cancelled owner */
  COV_SHIELD_OWN_CANCEL,      /* bcsc_scope_cancel() of one (children) */
  COV_SHIELD_OWN_DEADLINE,    /* its own deadline cancelled it */
  COV_SHIELD_OWN_POLICY,      /* its own fail-fast or race cancelled it */
  COV_SHIELD_OWNER_RETURNED,  /* its owner returned with it open: cancelled */
  COV_SHIELD_GRACE,           /* a grace above reported a task behind one */
  COV_SHIELD_DEADLINE_HIDDEN, /* bcsc_scope_deadline() below one hid an
                                 earlier deadline above it */
  /* Abort functions calling back into bcsc on their own task (D76). */
  COV_MD_CANCEL_TASK,  /* bcsc_task_cancel() of it */
  COV_MD_CANCEL_SCOPE, /* bcsc_scope_cancel() of its scope */
  COV_MD_WAKE_OTHER,   /* a wake of its other node's list that fired it */
  COV_MD_UNLINK_OTHER, /* bcsc_wait_cancel() of its other node, linked */
  COV_MD_UNLINK_SELF,  /* bcsc_wait_cancel() of the node asked: held */
  COV_MD_WOKE,         /* its task woken during the call: the wake put off */
  COV_MD_WOKE_SETTLED, /* ... under bcsc_wait_cancel(): woken once settled */
  COV_MD_IN_POLL,      /* a call from its own poll asked: nothing put off */
  /* ... called by the run loop after a poll returned (docs/testing.md): */
  COV_PP_CANCEL_TASK,  /* its task returned holding it: cancels the task */
  COV_PP_CANCEL_SCOPE, /* ... cancels the task's scope */
  COV_PP_WAKE_OTHER,   /* ... fires the task's other node */
  COV_PP_UNLINK_OTHER, /* ... unlinks the task's other node */
  COV_PP_UNLINK_SELF,  /* ... bcsc_wait_cancel() of the node asked: held */
  COV_PP_HELD,         /* ... meddles and answers pending: a held return */
  COV_PP_BATON,        /* ... returned holding a baton too */
  COV_PP_REQUEUE,      /* its task, woken in its poll, returned PENDING */
  COV_PP_BATON_PASS,   /* a baton the polled task left went on to it;
                          informational: 0 to 6 per 250,000 operations */
  COV_PP_OWNER,        /* its task's owner returned with the scope open */
  COV_PP_COMPLETED,    /* a sibling completed: a fail-fast or race cancel */
  COV_PP_DRAIN_TURN,   /* ... in a drain turn (no poll): a drain's end or a
                          held return's completion; informational: 0 to 8
                          per 250,000 operations */
  /* bcsc_task_cleanup() (D82) of a frame: */
  COV_TC_ZERO,      /* zero (never initialised): left alone */
  COV_TC_IDLE,      /* initialised, never spawned: left alone */
  COV_TC_DONE,      /* completed: left alone */
  COV_TC_QUEUED,    /* live and ready */
  COV_TC_WAITING,   /* live, waiting on a list */
  COV_TC_HELD,      /* ... with a completion source's node (D67) */
  COV_TC_TIMER,     /* ... on its timer */
  COV_TC_CHANNEL,   /* ... in a blocking channel call */
  COV_TC_DRAINING,  /* live, returned and draining its scopes */
  COV_TC_SHIELD,    /* with a shielded scope holding children (D80) */
  COV_TC_WRAPPER,   /* a supervised wrapper */
  COV_TC_ENDED,     /* a live one cancelled and run until it completed */
  COV_TC_LEFT_LIVE, /* ... that could not end: FRAME_LEFT_LIVE */
  COV_TC_IN_POLL,   /* a live one from a poll function: FRAME_LEFT_LIVE */
  /* bcsc_executor_shutdown() ending an executor (D82): */
  COV_SD_ENDED,       /* every root cancelled and run to its end */
  COV_SD_SHIELD,      /* one stopped at a shield holding children (D80) */
  COV_SD_HELD,        /* ... asking completion sources to let go (D67);
                         informational: 0 to 5 per 200,000 operations */
  COV_SD_DEADLK,      /* a cleanup that cannot end: BCSC_EDEADLK */
  COV_SD_SPAWN_AFTER, /* then a root spawned: it starts cancelled */
  COV_SD_CLEANUP,     /* bcsc_executor_cleanup() ends it at last */
  /* Informational, not required: 0 to about 10 per 200,000 operations. */
  COV_SHIELD_START_MOVED,     /* a started child moved into one of a cancelled
                                 owner: not cancelled */
  COV_SHIELD_START_BEHIND,    /* a cancelled caller started into its own
                                 shield: the child starts uncancelled (D83) */
  COV_SHIELD_START_ENDED,     /* the shield's own end cancelled a start pending
                                 into it from inside (D83) */
  COV_SHIELD_SET_ON,          /* bcsc_scope_set_shield(1) on an uncancelled
                                 scope */
  COV_SHIELD_SET_ON_LATE,     /* ... on a cancelled one: it stays so */
  COV_SHIELD_SET_OFF_CANCELS, /* set_shield(0) with the owner cancelled:
                                 the scope is cancelled then */
  COV_SHIELD_SET_START,       /* a pending start followed its target */
  COV_N
};
static const char *const cov_name[] = {"spawn_cancelled",
                                       "join_pending",
                                       "join_ok",
                                       "join_err",
                                       "join_canceled",
                                       "race_won",
                                       "fail_fast",
                                       "drain_wait",
                                       "drain_done",
                                       "drain_error",
                                       "select_wake",
                                       "cancel_deep",
                                       "cancel_draining",
                                       "await_consumed",
                                       "yield",
                                       "deadlk",
                                       "run_root_done",
                                       "misuse_refused",
                                       "depth3_spawn",
                                       "self_wake",
                                       "self_cancel",
                                       "side_refused",
                                       "wait_cancel",
                                       "relink",
                                       "slept",
                                       "timer_fired",
                                       "timer_select",
                                       "stale_fire",
                                       "park",
                                       "park_hook",
                                       "park_fault",
                                       "park_anomaly",
                                       "foreign_unpark",
                                       "chan_full",
                                       "chan_msg",
                                       "chan_closed",
                                       "baton_taken",
                                       "baton_passed",
                                       "baton_lapsed",
                                       "ch_send_wait",
                                       "ch_recv_wait",
                                       "ch_send_woken",
                                       "ch_recv_woken",
                                       "ch_cancel_linked",
                                       "ch_cancel_baton",
                                       "ch_decline",
                                       "ch_close_waiters",
                                       "ch_closed_wake",
                                       "ch_select_other",
                                       "ch_deinit_busy",
                                       "ch_renew",
                                       "elist_recorded",
                                       "elist_cancelled",
                                       "elist_overflow",
                                       "elist_late",
                                       "ctx_own",
                                       "ctx_ancestor",
                                       "ctx_shadowed",
                                       "ctx_busy",
                                       "ctx_in_place",
                                       "start_ready",
                                       "start_own_target",
                                       "start_other_target",
                                       "start_target_cancelled",
                                       "start_failed",
                                       "start_eclosed",
                                       "start_canceled",
                                       "start_ready_canceled",
                                       "start_ready_late",
                                       "start_refused",
                                       "start_misuse",
                                       "start_target_waits",
                                       "start_drain_release",
                                       "start_caller_returned",
                                       "grace_fired",
                                       "grace_fired_empty",
                                       "grace_regs",
                                       "grace_no_regs",
                                       "grace_deep",
                                       "grace_closed_in_time",
                                       "grace_reset_running",
                                       "grace_set_cancelled",
                                       "grace_kept",
                                       "grace_two_scopes",
                                       "dl_fired",
                                       "dl_grace",
                                       "dl_late",
                                       "dl_passed",
                                       "dl_kept",
                                       "dl_timed_out_join",
                                       "sup_ok",
                                       "sup_cancelled",
                                       "sup_ignored",
                                       "sup_restarted",
                                       "sup_escalated",
                                       "sup_restart_refused",
                                       "ab_done",
                                       "ab_pending",
                                       "ab_fire_self",
                                       "ab_fire_other",
                                       "ab_cancelled",
                                       "ab_deadline",
                                       "ab_race_loss",
                                       "ab_owner_returned",
                                       "ab_select",
                                       "ab_timer",
                                       "ab_returned",
                                       "ab_wait_cancel",
                                       "ab_cancel_held",
                                       "ab_held_wake",
                                       "ab_held_woken_in_poll",
                                       "ab_held_fired",
                                       "ab_returned_held",
                                       "ab_returned_done",
                                       "ab_returned_drain",
                                       "ab_join_waits",
                                       "ab_grace",
                                       "ab_deinit_busy",
                                       "ab_toggled",
                                       "ab_held_baton",
                                       "ab_executor_busy",
                                       "ab_two_held",
                                       "shield_task_cancel",
                                       "shield_walk_stop",
                                       "shield_walk_climb",
                                       "shield_deadline_stop",
                                       "shield_policy_stop",
                                       "shield_open_cancelled",
                                       "shield_spawn_behind",
                                       "shield_own_cancel",
                                       "shield_own_deadline",
                                       "shield_own_policy",
                                       "shield_owner_returned",
                                       "shield_grace",
                                       "shield_deadline_hidden",
                                       "md_cancel_task",
                                       "md_cancel_scope",
                                       "md_wake_other",
                                       "md_unlink_other",
                                       "md_unlink_self",
                                       "md_woke",
                                       "md_woke_settled",
                                       "md_in_poll",
                                       "pp_cancel_task",
                                       "pp_cancel_scope",
                                       "pp_wake_other",
                                       "pp_unlink_other",
                                       "pp_unlink_self",
                                       "pp_held",
                                       "pp_baton",
                                       "pp_requeue",
                                       "pp_baton_pass",
                                       "pp_owner",
                                       "pp_completed",
                                       "pp_drain_turn",
                                       "tc_zero",
                                       "tc_idle",
                                       "tc_done",
                                       "tc_queued",
                                       "tc_waiting",
                                       "tc_held",
                                       "tc_timer",
                                       "tc_channel",
                                       "tc_draining",
                                       "tc_shield",
                                       "tc_wrapper",
                                       "tc_ended",
                                       "tc_left_live",
                                       "tc_in_poll",
                                       "sd_ended",
                                       "sd_shield",
                                       "sd_held",
                                       "sd_deadlk",
                                       "sd_spawn_after",
                                       "sd_cleanup",
                                       "shield_start_moved",
                                       "shield_start_behind",
                                       "shield_start_ended",
                                       "shield_set_on",
                                       "shield_set_on_late",
                                       "shield_set_off_cancels",
                                       "shield_set_start"};

static struct model {
  mtask_t t[NTT];
  mscope_t s[NSCOPE];
  mwq_t q[NWQ];
  int runq[NTT + 1];
  int rq_head, rq_n;
  uint64_t polls, wakes, spawns, completions, cancels, timers_fired, parks;
  /* The reactor as the model sees it (bcsc_fault_reactor.h). */
  uint64_t now;
  int unparked, wake_mode;
  uint32_t wake_count;
  uint64_t late_ns, fail_at, rparks;
  int fail_mode, fail_rc;
  /* The channel: a ring of cap messages. */
  uint32_t ring[CH_MAX];
  int cap, head, count, closed;
  uint32_t seq[PRODUCERS]; /* each producer's next message number */
  long bseq;
  /* The completion sources' default answers (a node whose abort function
   * call is under way is marked in its task: calling[]). */
  int adefault[NA];
  long rseq;
  pollrec_t log[LOG_CAP];
  int nlog;
  int misuse_expected; /* reports the current op should have made */
  int32_t misuse_code;
  long cov[COV_N];
} M;

static unsigned long long seed;
static const uint8_t *in_data; /* libFuzzer's input; NULL: a seeded walk */
static size_t in_size, in_pos;
static int in_exhausted;
static long step;
static int ex_up;   /* the executor and lists are initialised */
static long epochs; /* executors begun in this walk */

/* The shape of the tree, summed over steps: how many tasks were live, at
 * which depth, cancelled, waiting. Printed at the end. */
static struct shape {
  long live, depth[MAX_DEPTH + 1], cancelled, waiting;
} shape;
static const char *op_name = "setup";

/* The model's view of every frame, printed with a failure. */
static void model_dump(void) {
  static const char *const state_name[] = {"free", "queued", "running",
                                           "waiting", "done"};
  for (int t = 0; t < NT; t++) {
    const mtask_t *mt = &M.t[t];
    printf("  task %2d: %-7s%s%s parent=%d depth=%d scopes=%d script=%s(%d,%d)"
           " cmode=%d nodes=%d%d%d%d ch=%d timer=%d@%" PRIu64 "\n",
           t, state_name[mt->state], mt->cancelled ? " cancelled" : "",
           mt->draining ? " draining" : "", mt->parent, mt->depth, mt->nscopes,
           act_name[mt->script.act], mt->script.a, mt->script.b, mt->cmode,
           mt->node[0], mt->node[1], mt->node[2], mt->node[3],
           mt->node[NODE_CH], mt->node[NODE_TIMER], mt->tdeadline);
    if (mt->start_state != ST_NONE)
      printf("           start%s state=%d child=%d target=%d%s\n",
             mt->start_open ? " open" : "", mt->start_state, mt->start_child,
             mt->start_target, mt->start_reserving ? " counted" : "");
  }
  for (int t = NT; t < NTT; t++)
    if (M.t[t].state != MS_FREE)
      printf("  wrapper %2d: %-7s%s parent=%d child=%d%s policy=%d "
             "restarts=%d/%d failures=%d last=%d\n",
             t, state_name[M.t[t].state], M.t[t].cancelled ? " cancelled" : "",
             M.t[t].parent, M.t[t].wchild, M.t[t].start_open ? " (open)" : "",
             M.t[t].wpolicy, M.t[t].wrestarts, M.t[t].wmax, M.t[t].wfailures,
             M.t[t].wlast);
  printf("  now=%" PRIu64 " channel %d/%d%s, %d senders (%d woken), %d "
         "receivers (%d woken) waiting\n",
         M.now, M.count, M.cap, M.closed ? " closed" : "", M.q[Q_SEND].n,
         M.q[Q_SEND].batons, M.q[Q_RECV].n, M.q[Q_RECV].batons);
}

static void model_fail(int line, const char *fmt, ...) {
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  if (in_data != NULL)
    printf("fuzz_model DIVERGENCE input=%zu bytes step=%ld op=%s (line %d): "
           "%s\n",
           in_size, step, op_name, line, msg);
  else
    printf("fuzz_model DIVERGENCE seed=%llu step=%ld op=%s (line %d): %s\n",
           seed, step, op_name, line, msg);
  model_dump();
  if (in_data == NULL)
    printf("reproduce: BCSC_SEED=%llu fuzz_walk\n", seed);
  fflush(stdout);
  abort();
}

#define MCHECK(cond, ...)                                                      \
  do {                                                                         \
    if (!(cond))                                                               \
      model_fail(__LINE__, __VA_ARGS__);                                       \
  } while (0)

/* A result for messages: bcsc's constant name, or the number for a task's
 * own code. Rotates through a few buffers so one message can hold several. */
static const char *rc_name(int rc) {
  static char buf[4][32];
  static int next;
  char *b = buf[next++ % 4];
  if (rc == BCSC_PENDING || (rc < 0 && rc > BCSC_EUSER))
    snprintf(b, sizeof buf[0], "%s(%d)",
             rc == BCSC_PENDING ? "PENDING" : bcsc_err_name(rc), rc);
  else
    snprintf(b, sizeof buf[0], "%d", rc);
  return b;
}

static int scope_id(int task, int k) { return task * NS + k; }
static int scope_owner(int sid) {
  return sid == ROOT_SCOPE ? -1 : sid >= NFSCOPE ? sid - NFSCOPE : sid / NS;
}

/* A task's open scopes, outermost first: its frame's, then the start's
 * scope while a start is pending (it can open none meanwhile). */
static int m_nstack(int t);
static int m_stack_sid(int t, int k);
static int join_queue(int sid) { return NQ + sid; }

static int m_nstack(int t) { return M.t[t].nscopes + M.t[t].start_open; }
static int m_stack_sid(int t, int k) {
  return k == M.t[t].nscopes ? START_SID(t) : scope_id(t, k);
}
/* The position of an open scope among its owner's. */
static int m_stack_pos(int sid) {
  return sid >= NFSCOPE ? M.t[scope_owner(sid)].nscopes : sid % NS;
}
/* Children spawned and not completed, and pending starts: what
 * bcsc_scope_live() counts and a join waits for. */
static int m_scope_live(int sid) { return M.s[sid].n + M.s[sid].reserved; }

static void m_push(int t) {
  M.t[t].state = MS_QUEUED;
  M.runq[(M.rq_head + M.rq_n) % (NTT + 1)] = t;
  M.rq_n++;
}

static int m_pop(void) {
  int t = M.runq[M.rq_head];
  M.rq_head = (M.rq_head + 1) % (NTT + 1);
  M.rq_n--;
  return t;
}

static int m_fire_one(int q, uintptr_t value);

/* The nodes that wait on lists a task's code chose (not join nodes): the
 * ones that can hold a baton, in the order the poll record shows them. */
static const int seen_node[NSEEN] = {0, 1, NODE_CH};

static int m_is_baton(int t, int node) {
  return (node < 2 || node == NODE_CH) &&
         (M.t[t].node[node] == N_BATON || M.t[t].node[node] == N_BATON_NEW);
}

static int m_fired(int t, int node) {
  return M.t[t].node[node] == N_FIRED || m_is_baton(t, node);
}

/* The baton is taken, or leaves the node: one fewer out on its list. */
static int m_baton_drop(int t, int node) {
  int q = M.t[t].bq[node];
  M.t[t].node[node] = N_IDLE;
  M.q[q].batons--;
  return q;
}

/* Not taken: the next waiter of its list gets it, with the same value. */
static void m_baton_pass(int t, int node) {
  int q = m_baton_drop(t, node);
  M.cov[M.q[q].n > 0 ? COV_BATON_PASSED : COV_BATON_LAPSED]++;
  m_fire_one(q, M.t[t].value[node]);
}

/* After a poll: a baton from before it that it did not take goes on
 * (newest first); one fired during it waits for the next poll - unless
 * the poll returned (`final`): there is no next poll, so every baton goes
 * on, after the task's registrations were unlinked (none can come back to
 * it). */
static void m_task_batons(int t, int final) {
  for (;;) {
    int k = -1;
    for (int j = 0; j < NSEEN; j++) {
      int i = seen_node[j];
      if ((M.t[t].node[i] == N_BATON ||
           (final && M.t[t].node[i] == N_BATON_NEW)) &&
          (k < 0 || M.t[t].bseq[i] > M.t[t].bseq[k]))
        k = i;
    }
    if (k < 0)
      break;
    m_baton_pass(t, k);
  }
  for (int j = 0; j < NSEEN; j++)
    if (M.t[t].node[seen_node[j]] == N_BATON_NEW)
      M.t[t].node[seen_node[j]] = N_BATON;
}

static void m_link(int t, int node, int q) {
  mwq_t *w = &M.q[q];
  /* Waiting again on a node whose baton was not taken declines it. */
  if (m_is_baton(t, node))
    m_baton_pass(t, node);
  MCHECK(w->n < 2 * NTT, "model list %d overflow", q);
  M.t[t].node[node] = N_LINKED;
  M.t[t].held[node] = 0;
  M.t[t].rseq[node] = ++M.rseq;
  M.t[t].value[node] = 0;
  w->e[w->n++] = (mentry_t){t, node};
}

/* The list linked node `node` of task t is on, or -1. */
static int m_node_list(int t, int node) {
  for (int q = 0; q < NWQ; q++)
    for (int i = 0; i < M.q[q].n; i++)
      if (M.q[q].e[i].task == t && M.q[q].e[i].node == node)
        return q;
  return -1;
}

/* Whether task t holds a registration whose abort is pending (D67). */
static int m_has_held(int t) {
  for (int k = 0; k < NNODE; k++)
    if (M.t[t].node[k] == N_LINKED && M.t[t].held[k])
      return 1;
  return 0;
}

/* Whether a child of scope sid holds a registration whose abort is
 * pending (D67). */
static int m_scope_held(int sid) {
  for (int i = 0; i < M.s[sid].n; i++)
    if (m_has_held(M.s[sid].child[i]))
      return 1;
  return 0;
}

/* Take linked node `node` of list q out of it (no fire). */
static void m_list_remove(int q, int t, int node) {
  mwq_t *w = &M.q[q];
  for (int i = 0; i < w->n; i++)
    if (w->e[i].task == t && w->e[i].node == node) {
      memmove(&w->e[i], &w->e[i + 1], (size_t)(w->n - i - 1) * sizeof w->e[0]);
      w->n--;
      return;
    }
  MCHECK(0, "model: node %d.%d not on list %d", t, node, q);
}

/* What the path that asks an abort is (a COV_AB_* counter), and what
 * cancelled the task if a cancellation is under way: for counting. */
static int ab_why = -1, ab_cause = -1;
/* The task being polled (-1: none); abort function calls under way, and
 * whether the last one to end had its task woken meanwhile (D76). */
static int m_current = -1, m_abort_depth, m_abort_woke, m_wait_cancelling;
/* Where m_turn() is once a poll has returned - or in a drain turn, which
 * polls nothing - and the task of the turn: the abort calls the run loop
 * makes outside any poll, counted as COV_PP_*. */
enum { PP_NONE, PP_RETURNED, PP_REQUEUE, PP_BATONS, PP_AFTER, PP_DRAIN };
static int m_pp = PP_NONE, m_pp_task = -1;

/* Count a meddling call `m` that the abort function of t's node made
 * outside t's poll, with the run loop where m_pp says; `took`: the call
 * did what its COV_MD_* counter counts. */
static void m_pp_count(int t, int m, int answer, int took) {
  switch (m_pp) {
  case PP_RETURNED:
    if (t != m_pp_task)
      break;
    if (took)
      M.cov[COV_PP_CANCEL_TASK + m - MD_CANCEL_TASK]++;
    if (answer == AB_PENDING)
      M.cov[COV_PP_HELD]++;
    for (int j = 0; j < NSEEN; j++)
      if (m_is_baton(t, seen_node[j]))
        M.cov[COV_PP_BATON]++;
    break;
  case PP_REQUEUE:
    if (t == m_pp_task)
      M.cov[COV_PP_REQUEUE]++;
    break;
  case PP_BATONS:
    if (t != m_pp_task)
      M.cov[COV_PP_BATON_PASS]++;
    break;
  case PP_AFTER:
    if (t != m_pp_task)
      M.cov[ab_cause == COV_AB_OWNER_RETURNED ? COV_PP_OWNER
                                              : COV_PP_COMPLETED]++;
    break;
  case PP_DRAIN:
    M.cov[COV_PP_DRAIN_TURN]++;
    break;
  default:
    break;
  }
}

/* bcsc asks the source of linked, not held node `node` of task t, on
 * completion source's list q, to let go (once per link): its abort
 * function answers from the plan. Returns 1 if the node stays linked
 * (held), 0 if it left its list - unlinked, or fired by the abort
 * function itself, which does not wake its task. A fire from inside the
 * call fires the list's oldest node: the one asked, or another task's
 * (a task holds at most one node on these lists), whose task is woken as
 * by any fire. */
static int m_meddle(int m, int t, int node);
static int m_abort(int t, int node, int q) {
  int plan_v = abort_plan_model < abort_plan_n ? abort_plan[abort_plan_model++]
                                               : M.adefault[q - QA0];
  mtask_t *mt = &M.t[t];
  /* Not being polled: while the call runs the task reads as RUNNING, and a
   * wake of it only unlinks and marks it (D76); the caller acts on it. */
  int defer = t != m_current, state = mt->state;
  abortrec_t *a;
  if (ab_why >= 0)
    M.cov[ab_why]++;
  if (mt->cancelled)
    M.cov[COV_AB_CANCELLED]++;
  if (mt->cancelled && ab_cause >= 0)
    M.cov[ab_cause]++;
  MCHECK(abort_model_n < ABORT_LOG_CAP, "abort log overflow");
  a = &abort_model[abort_model_n++];
  memset(a, 0, sizeof *a);
  a->task = t;
  a->node = node == NODE_CH ? 2 : node;
  a->q = q;
  a->answer = plan_v % AB_N;
  a->meddle = plan_v / (AB_N * 8);
  if (t >= NT || m_abort_depth > 0 ||
      (a->meddle == MD_UNLINK_OTHER && m_wait_cancelling))
    a->meddle = MD_NONE;
  mt->calling[node] = 1;
  m_abort_depth++;
  if (defer) {
    mt->state = MS_RUNNING;
    mt->faked += state != MS_RUNNING;
  }
  if (a->meddle != MD_NONE && !defer)
    M.cov[COV_MD_IN_POLL]++;
  if (a->meddle != MD_NONE) {
    long took = M.cov[COV_MD_CANCEL_TASK + a->meddle - MD_CANCEL_TASK];
    a->meddle_rc = m_meddle(a->meddle, t, node);
    took = M.cov[COV_MD_CANCEL_TASK + a->meddle - MD_CANCEL_TASK] - took;
    if (defer)
      m_pp_count(t, a->meddle, a->answer, took != 0);
  }
  if (a->answer == AB_FIRE) {
    /* A fire of another task's node may wake it, whose walk asks its own
     * nodes (nested calls). */
    M.cov[M.q[q].n > 0 && M.q[q].e[0].task == t && M.q[q].e[0].node == node
              ? COV_AB_FIRE_SELF
              : COV_AB_FIRE_OTHER]++;
    a->fire_rc = m_fire_one(q, (uintptr_t)(300 + (plan_v / AB_N) % 8));
  }
  m_abort_depth--;
  mt->calling[node] = 0;
  m_abort_woke = 0;
  if (defer) {
    m_abort_woke = mt->woken;
    mt->woken = 0;
    mt->state = state;
    mt->faked -= state != MS_RUNNING;
    if (m_abort_woke && a->meddle != MD_NONE)
      M.cov[COV_MD_WOKE]++;
  }
  if (mt->node[node] != N_LINKED)
    return 0; /* fired: it completed after all */
  if (a->answer == AB_DONE) {
    M.cov[COV_AB_DONE]++;
    m_list_remove(q, t, node);
    mt->node[node] = N_IDLE;
    return 0;
  }
  M.cov[COV_AB_PENDING]++;
  if (m_has_held(t))
    M.cov[COV_AB_TWO_HELD]++;
  mt->held[node] = 1;
  return 1;
}

/* A task's registrations last one wait: all are unlinked together, newest
 * first, as bcsc keeps them - but a completion source's stays linked,
 * held, if its abort is pending, and one whose abort is being asked is
 * left to that call (D76: the abort function may wake the task again). */
static void m_unlink_all(int t) {
  mtask_t *mt = &M.t[t];
  for (;;) {
    int best = -1, q;
    for (int k = 0; k < NNODE; k++)
      if (mt->node[k] == N_LINKED && !mt->held[k] && !mt->calling[k] &&
          k != NODE_TIMER && (best < 0 || mt->rseq[k] > mt->rseq[best]))
        best = k;
    if (best < 0)
      break;
    q = m_node_list(t, best);
    MCHECK(q >= 0, "model: node %d.%d linked on no list", t, best);
    if (M.q[q].abortable) {
      (void)m_abort(t, best, q);
      continue;
    }
    m_list_remove(q, t, best);
    mt->node[best] = N_IDLE;
  }
  if (mt->node[NODE_TIMER] == N_LINKED)
    mt->node[NODE_TIMER] = N_IDLE; /* out of the wheel */
}

/* bcsc_wait_cancel(): unlink one node early; 1 if it was linked. A baton
 * is declined instead: it goes on, and the call returns 0. A completion
 * source's node is asked first: BCSC_WAIT_HELD while it is held. */
static void m_wake(int t);
static int m_cancel_node(int t, int node) {
  int q;
  if (m_is_baton(t, node)) {
    m_baton_pass(t, node);
    return 0;
  }
  if ((q = m_node_list(t, node)) < 0)
    return 0;
  MCHECK(M.t[t].node[node] == N_LINKED, "model: node %d.%d", t, node);
  if (M.q[q].abortable) {
    int kept;
    if (M.t[t].calling[node])
      return BCSC_WAIT_HELD; /* from its own abort function (D76) */
    if (M.t[t].held[node]) {
      M.cov[COV_AB_CANCEL_HELD]++;
      return BCSC_WAIT_HELD;
    }
    ab_why = COV_AB_WAIT_CANCEL;
    m_wait_cancelling = 1;
    kept = m_abort(t, node, q);
    m_wait_cancelling = 0;
    /* A wake from the abort function was put off: it happens now that
     * the node is settled. */
    if (m_abort_woke) {
      M.cov[COV_MD_WOKE_SETTLED]++;
      m_wake(t);
    }
    return kept ? BCSC_WAIT_HELD : 1;
  }
  m_list_remove(q, t, node);
  M.t[t].node[node] = N_IDLE;
  return 1;
}

static int m_registrations(int t) {
  int n = 0;
  for (int q = 0; q < NWQ; q++)
    for (int i = 0; i < M.q[q].n; i++)
      n += M.q[q].e[i].task == t;
  return n + (M.t[t].node[NODE_TIMER] == N_LINKED);
}

static void m_wake(int t) {
  mtask_t *mt = &M.t[t];
  if (mt->state == MS_WAITING) {
    if (m_registrations(t) > 1)
      M.cov[COV_SELECT_WAKE]++;
    m_unlink_all(t);
    /* Held registrations (D67): queued when the last of them fires. */
    if (m_has_held(t)) {
      M.cov[COV_AB_HELD_WAKE]++;
      return;
    }
    m_push(t);
    M.wakes++;
  } else if (mt->state == MS_RUNNING) {
    m_unlink_all(t);
    mt->woken = 1;
  }
}

/* Fire the oldest registration on list q. */
static int m_fire_one(int q, uintptr_t value) {
  mwq_t *w = &M.q[q];
  mentry_t e;
  if (w->n == 0) {
    M.cov[COV_STALE_FIRE]++;
    return 0;
  }
  e = w->e[0];
  memmove(&w->e[0], &w->e[1], (size_t)(w->n - 1) * sizeof w->e[0]);
  w->n--;
  M.t[e.task].node[e.node] = N_FIRED;
  M.t[e.task].value[e.node] = value;
  /* A node whose abort is being asked only fires (D67). */
  if (M.t[e.task].calling[e.node])
    return 1;
  if (M.t[e.task].held[e.node]) {
    M.t[e.task].held[e.node] = 0;
    M.cov[COV_AB_HELD_FIRED]++;
  }
  ab_why = COV_AB_SELECT;
  m_wake(e.task);
  if (w->handoff) {
    mtask_t *mt = &M.t[e.task];
    /* Asked of the executor, not the state (D76: a task whose abort
     * function runs reads as RUNNING). */
    /* Not for a task that only reads as RUNNING while its abort function
     * runs (D76): bcsc asks its executor, not its state. */
    mt->node[e.node] =
        mt->state == MS_RUNNING && !mt->faked ? N_BATON_NEW : N_BATON;
    mt->bq[e.node] = q;
    mt->bseq[e.node] = ++M.bseq;
    w->batons++;
    if (m_has_held(e.task))
      M.cov[COV_AB_HELD_BATON]++;
  }
  return 1;
}

static int m_fire_all(int q, uintptr_t value) {
  int n = 0;
  if (M.q[q].n == 0)
    return m_fire_one(q, value);
  while (M.q[q].n > 0 && m_fire_one(q, value))
    n++;
  return n;
}

/* A drain grace's period starts: its timer runs from now. */
static void m_grace_arm(mscope_t *s) {
  /* The grace timer borrows the deadline's link (D60). */
  s->dl_linked = 0;
  s->armed = 1;
  s->gtie = 0;
  s->gexpiry = M.now + s->gperiod;
  s->garmed_at = M.now;
}

/* Mark a scope cancelled; a drain grace attached and not running starts
 * its period (a scope marked again keeps its period). */
static void m_scope_mark(int sid) {
  mscope_t *s = &M.s[sid];
  s->cancelled = 1;
  if (s->has_grace && !s->armed)
    m_grace_arm(s);
  else if (s->armed && M.now > s->garmed_at)
    M.cov[COV_GRACE_KEPT]++;
}

/* The report of one stuck task, and of the tasks below it: pre-order, a
 * task's scopes innermost first, children in spawn (or move) order. */
static void m_grace_walk(int sid, int from, int depth, int behind) {
  const mscope_t *s = &M.s[from];
  for (int i = 0; i < s->n; i++) {
    int c = s->child[i];
    if (grace_model_n < GRACE_LOG_CAP) {
      gracerec_t *g = &grace_model[grace_model_n++];
      memset(g, 0, sizeof *g);
      g->sid = sid;
      g->task = c;
      g->any_regs = M.s[sid].gtie;
      for (int j = 0; j < NSEEN; j++) {
        g->q[j] = -1;
        if (M.t[c].node[seen_node[j]] != N_LINKED)
          continue;
        g->regs |= 1 << j;
        for (int q = 0; q < NWQ; q++)
          for (int e = 0; e < M.q[q].n; e++)
            if (M.q[q].e[e].task == c && M.q[q].e[e].node == seen_node[j])
              g->q[j] = q;
      }
      /* A task's timer is listed too (as "anything else"): only a task
       * behind a shield can be reported sleeping - a cancelled one's
       * sleep has ended (D80). */
      if (M.t[c].node[NODE_TIMER] == N_LINKED)
        g->regs |= 8;
      M.cov[g->regs ? COV_GRACE_REGS : COV_GRACE_NO_REGS]++;
      if (m_has_held(c))
        M.cov[COV_AB_GRACE]++;
      if (depth > 0)
        M.cov[COV_GRACE_DEEP]++;
      if (behind)
        M.cov[COV_SHIELD_GRACE]++;
    }
    for (int k = m_nstack(c) - 1, busy = 0; k >= 0; k--) {
      if (M.s[m_stack_sid(c, k)].n > 0 && busy++ == 1)
        M.cov[COV_GRACE_TWO_SCOPES]++;
      /* Every scope is entered, shielded ones too: what is behind a
       * shield holds the scope up all the same (D80). */
      m_grace_walk(sid, m_stack_sid(c, k), depth + 1,
                   behind || M.s[m_stack_sid(c, k)].shield);
    }
  }
}

/* The period ran out: the grace is spent (detached) and the live subtree
 * reported. */
static void m_grace_fire(int sid) {
  mscope_t *s = &M.s[sid];
  s->armed = 0;
  s->has_grace = 0;
  for (int t = 0; t < NT; t++)
    if (M.t[t].node[NODE_TIMER] == N_LINKED && M.t[t].tdeadline == s->gexpiry)
      s->gtie = 1;
  for (int x = 0; x < NFSCOPE; x++)
    if (M.s[x].open && M.s[x].dl_linked && M.s[x].dl == s->gexpiry)
      s->gtie = 1;
  M.cov[s->n > 0 ? COV_GRACE_FIRED : COV_GRACE_FIRED_EMPTY]++;
  m_grace_walk(sid, sid, 0, 0);
}

static void m_cancel_scope(int sid);

/* What the cancellation under way is, for the shields it stops at:
 * COV_SHIELD_DEADLINE_STOP or COV_SHIELD_POLICY_STOP; -1 otherwise. */
static int shield_cause = -1;

/* A scope's own deadline falls due - from the wheel, or at once when set
 * to a time that has passed: a scope not cancelled yet is, and its join
 * reports the timeout; a cancelled one has nothing left to do. */
static void m_deadline_fire(int sid) {
  mscope_t *s = &M.s[sid];
  if (s->cancelled) {
    M.cov[COV_DL_LATE]++;
    return;
  }
  s->timed_out = 1;
  M.cov[s->has_grace ? COV_DL_GRACE : COV_DL_FIRED]++;
  if (s->shield)
    M.cov[COV_SHIELD_OWN_DEADLINE]++;
  ab_cause = COV_AB_DEADLINE;
  shield_cause = COV_SHIELD_DEADLINE_STOP;
  m_cancel_scope(sid);
  shield_cause = -1;
  ab_cause = -1;
}

/* The timing wheel, naively: every linked timer whose deadline has come
 * fires, earliest first: a task's timer wakes its task, a scope's deadline
 * cancels it, a drain grace's timer (D60) reports. Task timers and scope
 * deadlines never share an instant (sleep_deadline(), scope_deadline());
 * a grace's end may, and then goes last, and its report's registrations
 * are not compared (the model cannot tell the wheel's order). */
static void m_fire_due(void) {
  for (;;) {
    uint64_t at = BCSC_NO_DEADLINE;
    int kind = -1, who = -1;
    for (int t = 0; t < NT; t++)
      if (M.t[t].node[NODE_TIMER] == N_LINKED && M.t[t].tdeadline <= M.now &&
          M.t[t].tdeadline < at) {
        at = M.t[t].tdeadline;
        kind = 0;
        who = t;
      }
    for (int sid = 0; sid < NFSCOPE; sid++)
      if (M.s[sid].open && M.s[sid].dl_linked && M.s[sid].dl <= M.now &&
          M.s[sid].dl < at) {
        at = M.s[sid].dl;
        kind = 1;
        who = sid;
      }
    for (int sid = 0; sid < NFSCOPE; sid++)
      if (M.s[sid].open && M.s[sid].armed && M.s[sid].gexpiry <= M.now &&
          M.s[sid].gexpiry < at) {
        at = M.s[sid].gexpiry;
        kind = 2;
        who = sid;
      }
    if (kind < 0)
      return;
    M.timers_fired++;
    if (kind == 2) {
      m_grace_fire(who);
      continue;
    }
    for (int sid = 0; sid < NFSCOPE; sid++)
      if (M.s[sid].open && M.s[sid].armed && M.s[sid].gexpiry == at)
        M.s[sid].gtie = 1;
    if (kind == 1) {
      M.s[who].dl_linked = 0;
      m_deadline_fire(who);
      continue;
    }
    M.cov[COV_TIMER_FIRED]++;
    if (m_registrations(who) > 1)
      M.cov[COV_TIMER_SELECT]++;
    M.t[who].node[NODE_TIMER] = N_FIRED;
    ab_why = COV_AB_TIMER;
    m_wake(who);
  }
}

static void m_cancel_one(int t) {
  if (M.t[t].node[NODE_CH] == N_LINKED)
    M.cov[COV_CH_CANCEL_LINKED]++;
  if (m_is_baton(t, NODE_CH))
    M.cov[COV_CH_CANCEL_BATON]++;
  M.t[t].cancelled = 1;
  M.cancels++;
  if (M.t[t].depth >= 2)
    M.cov[COV_CANCEL_DEEP]++;
  if (M.t[t].draining) {
    M.cov[COV_CANCEL_DRAINING]++;
  } else {
    ab_why = -1; /* COV_AB_CANCELLED counts it */
    m_wake(t);
  }
}

static void m_cancel_subtree(int t);

/* Cancellation marks the whole subtree (Trio): each task is marked and
 * queued before the tasks below it, children in spawn order, a task's
 * scopes innermost first. */
static void m_cancel_scope(int sid) {
  mscope_t *s = &M.s[sid];
  int kids[NTT], n = s->n;
  if (s->cancelled)
    return;
  memcpy(kids, s->child, sizeof kids);
  for (int i = 0; i < n; i++)
    m_cancel_subtree(kids[i]);
  /* Marked once the walk is done, as bcsc does: a cancel of it from an
   * abort function on the way walks the rest first (D76). */
  m_scope_mark(sid);
  /* A shield's own end reaches a start pending into it from inside: its
   * owner's, whose scope is shielded too (D83). */
  if (sid < NFSCOPE && s->shield) {
    int o = scope_owner(sid);
    if (M.t[o].start_open && M.t[o].start_reserving &&
        M.t[o].start_target == sid && M.s[START_SID(o)].shield) {
      M.cov[COV_SHIELD_START_ENDED]++;
      m_cancel_scope(START_SID(o));
    }
  }
}

/* A cancellation from outside passes over a shielded scope (D80): it is
 * not marked, its children are not cancelled. Counts the stop when the
 * shield holds children, as `cov`. */
static void m_shield_stop(int sid, int cov) {
  if (shield_cause >= 0)
    M.cov[shield_cause]++;
  if (M.s[sid].n > 0)
    M.cov[cov]++;
}

static void m_cancel_subtree(int t) {
  mtask_t *mt = &M.t[t];
  int busy = 0; /* the walk went down an inner scope of t's */
  if (mt->cancelled)
    return;
  m_cancel_one(t);
  for (int k = m_nstack(t) - 1; k >= 0; k--)
    if (!M.s[m_stack_sid(t, k)].shield)
      m_scope_mark(m_stack_sid(t, k));
  for (int k = m_nstack(t) - 1; k >= 0; k--) {
    mscope_t *s = &M.s[m_stack_sid(t, k)];
    int kids[NTT], n = s->n;
    if (s->shield) {
      /* Climbing back out of an inner scope, the walk passes it too. */
      if (busy && s->n > 0)
        M.cov[COV_SHIELD_WALK_CLIMB]++;
      m_shield_stop(m_stack_sid(t, k), COV_SHIELD_WALK_STOP);
      continue;
    }
    busy |= n > 0;
    memcpy(kids, s->child, sizeof kids);
    for (int i = 0; i < n; i++)
      m_cancel_subtree(kids[i]);
  }
}

static void m_cancel_task(int t) {
  if (M.t[t].cancelled)
    return;
  m_cancel_one(t);
  for (int k = m_nstack(t) - 1; k >= 0; k--) {
    if (M.s[m_stack_sid(t, k)].shield) {
      m_shield_stop(m_stack_sid(t, k), COV_SHIELD_TASK_CANCEL);
      continue;
    }
    m_cancel_scope(m_stack_sid(t, k));
  }
}

/* bcsc_scope_cancel() of an open scope: a shielded one too (its own
 * end, D80). */
static void m_cancel_scope_call(int sid) {
  if (M.s[sid].shield && !M.s[sid].cancelled && M.s[sid].n > 0)
    M.cov[COV_SHIELD_OWN_CANCEL]++;
  m_cancel_scope(sid);
}

/* real_meddle() in the model: the abort function of t's node `node`
 * calls back into bcsc on t, which reads as RUNNING meanwhile (D76). */
static int m_meddle(int m, int t, int node) {
  mtask_t *mt = &M.t[t];
  switch (m) {
  case MD_CANCEL_TASK:
    M.cov[COV_MD_CANCEL_TASK]++;
    m_cancel_task(t);
    return 0;
  case MD_CANCEL_SCOPE:
    if (mt->parent >= NFSCOPE)
      return MD_NOCALL;
    M.cov[COV_MD_CANCEL_SCOPE]++;
    m_cancel_scope_call(mt->parent);
    return 0;
  case MD_WAKE_OTHER:
    for (int i = 0; i < 2; i++) {
      int q;
      if (i == node || mt->node[i] != N_LINKED)
        continue;
      if ((q = m_node_list(t, i)) >= 0 && q < NQ) {
        if (M.q[q].e[0].task == t)
          M.cov[COV_MD_WAKE_OTHER]++;
        return m_fire_one(q, 500);
      }
    }
    return MD_NOCALL;
  case MD_UNLINK_OTHER: {
    int rc = m_cancel_node(t, node == 0 ? 1 : 0);
    if (rc == 1 || rc == BCSC_WAIT_HELD)
      M.cov[COV_MD_UNLINK_OTHER]++;
    return rc;
  }
  default:
    M.cov[COV_MD_UNLINK_SELF]++;
    return m_cancel_node(t, node);
  }
}

/* Join results (docs/decisions.md D9). */
static int m_scope_result(const mscope_t *s) {
  if (s->policy == BCSC_SCOPE_RACE && s->race_won)
    return s->race_result;
  if (s->policy != BCSC_SCOPE_RACE && s->first_error != 0)
    return s->first_error;
  /* The scope's own deadline ended it (Trio's move_on_at / fail_at). */
  if (s->timed_out)
    return s->dl_fail ? BCSC_ETIMEDOUT : 0;
  if (s->policy == BCSC_SCOPE_RACE && s->race_ran)
    return BCSC_ECANCELED; /* children finished, none of them won */
  return s->cancelled ? BCSC_ECANCELED : 0;
}

static void m_child_done(int sid, int t, int result, int was_cancelled) {
  mscope_t *s = &M.s[sid];
  int failed = result < 0 && !(result == BCSC_ECANCELED && was_cancelled);
  if (failed) {
    /* The error list holds the first min(count, capacity) (D54). */
    if (s->error_count < s->ecap) {
      s->rec[s->error_count].task = t;
      s->rec[s->error_count].error = result;
      s->rec[s->error_count].cancelled = was_cancelled;
      M.cov[COV_ELIST_RECORDED]++;
      if (was_cancelled)
        M.cov[COV_ELIST_CANCELLED]++;
    } else if (s->ecap > 0) {
      M.cov[COV_ELIST_OVERFLOW]++;
    }
    s->error_count++;
    if (s->first_error == 0)
      s->first_error = result;
  }
  if (s->policy == BCSC_SCOPE_FAIL_FAST && failed) {
    if (!s->cancelled && s->n > 0)
      M.cov[COV_FAIL_FAST]++;
    if (s->shield && !s->cancelled)
      M.cov[COV_SHIELD_OWN_POLICY]++;
    shield_cause = COV_SHIELD_POLICY_STOP;
    m_cancel_scope(sid);
    shield_cause = -1;
  } else if (s->policy == BCSC_SCOPE_RACE) {
    s->race_ran = 1;
    if (!was_cancelled && !s->race_won) {
      s->race_won = 1;
      s->race_result = result;
      M.cov[COV_RACE_WON]++;
      if (s->shield && !s->cancelled)
        M.cov[COV_SHIELD_OWN_POLICY]++;
      ab_cause = COV_AB_RACE_LOSS;
      shield_cause = COV_SHIELD_POLICY_STOP;
      m_cancel_scope(sid);
      shield_cause = -1;
      ab_cause = -1;
    }
  }
}

static void m_complete(int t, int result) {
  mtask_t *mt = &M.t[t];
  int sid = mt->parent;
  mscope_t *s = &M.s[sid];
  int j = 0;
  for (int i = 0; i < s->n; i++)
    if (s->child[i] != t)
      s->child[j++] = s->child[i];
  MCHECK(j == s->n - 1, "model: task %d not a child of scope %d", t, sid);
  s->n = j;
  mt->state = MS_DONE;
  mt->result = result;
  mt->draining = 0;
  M.completions++;
  m_child_done(sid, t, result, mt->cancelled);
  if (m_scope_live(sid) == 0)
    m_fire_all(join_queue(sid), 0);
}

/* A start ended without a move: its target no longer counts it. */
static void m_start_release(int t) {
  int target = M.t[t].start_target;
  M.t[t].start_reserving = 0;
  M.t[t].start_state = ST_ENDED;
  M.s[target].reserved--;
  if (m_scope_live(target) == 0)
    m_fire_all(join_queue(target), 0);
}

/* A scope closes: its grace timer, if running, leaves the wheel, and the
 * node is detached. */
static void m_scope_closed(mscope_t *s) {
  if (s->armed)
    M.cov[COV_GRACE_CLOSED_IN_TIME]++;
  s->dl_linked = 0;
  s->open = 0;
  s->armed = 0;
  s->has_grace = 0;
}

static void m_close_scopes_and_complete(int t) {
  mtask_t *mt = &M.t[t];
  int result = M.s[m_stack_sid(t, m_nstack(t) - 1)].owner_result;
  for (int k = m_nstack(t) - 1; k >= 0; k--) {
    mscope_t *s = &M.s[m_stack_sid(t, k)];
    if (result == 0 && s->first_error != 0) {
      result = s->first_error;
      M.cov[COV_DRAIN_ERROR]++;
    }
    m_scope_closed(s);
  }
  mt->nscopes = 0;
  mt->start_open = 0;
  M.cov[COV_DRAIN_DONE]++;
  m_complete(t, result);
}

/* A task that returned with open scopes waits for each, innermost first,
 * then completes (DESIGN section 3.3). */
static void m_drain(int t) {
  mtask_t *mt = &M.t[t];
  for (int k = m_nstack(t) - 1; k >= 0; k--) {
    int sid = m_stack_sid(t, k);
    if (m_scope_live(sid) != 0) {
      if (M.s[sid].n == 0)
        M.cov[COV_START_TARGET_WAITS]++;
      if (m_scope_held(sid))
        M.cov[COV_AB_JOIN_WAITS]++;
      m_link(t, 2 + k, join_queue(sid));
      mt->state = MS_WAITING;
      M.cov[COV_DRAIN_WAIT]++;
      return;
    }
    /* An empty start's scope gives its target's count back at once: the
     * target may be one of this task's outer scopes (D56). */
    if (sid == START_SID(t) && mt->start_reserving) {
      M.cov[COV_START_DRAIN_RELEASE]++;
      m_start_release(t);
    }
  }
  m_close_scopes_and_complete(t);
}

/* A scope whose owner returned with it open is cancelled, shielded or
 * not (D80). */
static void m_owner_gone(int sid) {
  if (M.s[sid].shield && !M.s[sid].cancelled)
    M.cov[COV_SHIELD_OWNER_RETURNED]++;
  m_cancel_scope(sid);
}

static void m_returned(int t, int result) {
  mtask_t *mt = &M.t[t];
  if (mt->start_open)
    M.cov[COV_START_CALLER_RETURNED]++;
  if (m_nstack(t) == 0) {
    m_complete(t, result);
    return;
  }
  M.s[m_stack_sid(t, m_nstack(t) - 1)].owner_result = result;
  mt->draining = 1;
  ab_cause = COV_AB_OWNER_RETURNED;
  /* Every one, shielded ones too (D80: nothing is left to shield for). */
  for (int k = m_nstack(t) - 1; k >= 0; k--)
    m_owner_gone(m_stack_sid(t, k));
  ab_cause = -1;
  m_drain(t);
}

/* A task returned holding registrations whose aborts are pending (D67):
 * it stays live, draining (a cancellation leaves it alone), its own scopes
 * cancelled now; the last fire queues it to go on with `result`. */
static void m_returned_held(int t, int result) {
  mtask_t *mt = &M.t[t];
  M.cov[COV_AB_RETURNED_HELD]++;
  mt->aborted = 1;
  mt->held_result = result;
  mt->draining = 1;
  mt->state = MS_WAITING;
  ab_cause = COV_AB_OWNER_RETURNED;
  for (int k = m_nstack(t) - 1; k >= 0; k--)
    m_owner_gone(m_stack_sid(t, k));
  ab_cause = -1;
}

static pollrec_t *m_log_push(void) {
  pollrec_t *r;
  if (M.nlog == LOG_CAP)
    return &M.log[LOG_CAP - 1];
  r = &M.log[M.nlog++];
  memset(r, 0, sizeof *r);
  return r;
}

static int m_ch_send(int t, uint32_t v);
static int m_ch_recv(int t, uint32_t *v);
static void expect_misuse(int32_t code);
static void m_spawn(int sid, int t);
static void prepare_model(int t);

/* What the task's poll function will do, as frame_poll() does it. */
static int m_run_script(int t, pollrec_t *r) {
  mtask_t *mt = &M.t[t];
  script_t *sc = &mt->script;
  switch (sc->act) {
  case A_WAIT:
    m_link(t, 0, sc->a);
    return BCSC_PENDING;
  case A_WAIT2:
    if (sc->d)
      m_link(t, 1, sc->b);
    m_link(t, 0, sc->a);
    if (!sc->d)
      m_link(t, 1, sc->b);
    return BCSC_PENDING;
  case A_AWAIT:
    if (m_fired(t, 0)) {
      if (m_is_baton(t, 0)) {
        m_baton_drop(t, 0);
        M.cov[COV_BATON_TAKEN]++;
      }
      mt->node[0] = N_IDLE;
      r->consumed = 1;
      r->consumed_value = mt->value[0];
      M.cov[COV_AWAIT_CONSUMED]++;
    }
    if (mt->cancelled)
      return BCSC_ECANCELED;
    m_link(t, 0, sc->a);
    return BCSC_PENDING;
  case A_YIELD:
    *sc = (script_t){A_WAIT, sc->b, 0, 0};
    M.cov[COV_YIELD]++;
    m_wake(t);
    return BCSC_PENDING;
  case A_DONE:
    return sc->a;
  case A_WAITDONE: {
    int w1 = (int)(sc->d & 0xff) - 1;
    if (w1 >= 0 && (sc->d & WD_W1_FIRST))
      m_link(t, 1, w1);
    m_link(t, 0, sc->a);
    if (w1 >= 0 && !(sc->d & WD_W1_FIRST))
      m_link(t, 1, w1);
    return sc->b;
  }
  case A_SLEEP:
  case A_SLEEP2:
    /* bcsc_sleep_until(): a different deadline is a new sleep
     * (bcsc_timer_set()); then bcsc_timer_wait(): a fire is the tick; a
     * cancelled task gets ECANCELED; a deadline that has passed is the
     * tick; else link. A new deadline drops a fire not taken yet (this
     * was a divergence the walk found: timer.c kept the stale fire). */
    if (mt->tdeadline != sc->d) {
      mt->tdeadline = sc->d;
      if (mt->node[NODE_TIMER] == N_FIRED)
        mt->node[NODE_TIMER] = N_IDLE;
    }
    if (mt->node[NODE_TIMER] != N_FIRED) {
      if (mt->cancelled)
        return BCSC_ECANCELED;
      if (mt->tdeadline > M.now) {
        mt->node[NODE_TIMER] = N_LINKED;
        if (sc->act == A_SLEEP2)
          m_link(t, 0, sc->a);
        return BCSC_PENDING;
      }
    }
    mt->node[NODE_TIMER] = N_IDLE;
    mt->tdeadline = BCSC_NO_DEADLINE;
    r->slept = 1;
    M.cov[COV_SLEPT]++;
    *sc = (script_t){A_WAIT, sc->b, 0, 0};
    m_link(t, 0, sc->a);
    return BCSC_PENDING;
  case A_OPEN: {
    int sid = scope_id(t, mt->nscopes);
    mscope_t *s = &M.s[sid];
    memset(s, 0, sizeof *s);
    s->open = 1;
    s->ever_opened = 1;
    s->policy = sc->a & ~BCSC_SCOPE_SHIELD;
    /* A cancelled owner's scope starts cancelled, a shielded one does not
     * (D80). */
    s->shield = (sc->a & BCSC_SCOPE_SHIELD) != 0;
    s->cancelled = mt->cancelled && !s->shield;
    if (mt->cancelled && s->shield)
      M.cov[COV_SHIELD_OPEN_CANCELLED]++;
    mt->nscopes++;
    *sc = (script_t){A_WAIT, sc->b, 0, 0};
    m_wake(t);
    return BCSC_PENDING;
  }
  case A_SEND:
  case A_RECV:
    while (sc->a > 0) {
      uint32_t v = ch_msg(t, M.seq[t]);
      int rc = sc->act == A_SEND ? m_ch_send(t, v) : m_ch_recv(t, &v);
      if (rc == BCSC_ECLOSED) {
        r->ch_rc = rc;
        break;
      }
      if (rc != 0)
        return rc;
      if (sc->act == A_SEND)
        M.seq[t]++;
      r->ch_n++;
      r->ch_hash = ch_hash(r->ch_hash, v);
      sc->a--;
    }
    *sc = (script_t){A_WAIT, sc->b, 0, 0};
    m_link(t, 0, sc->a);
    return BCSC_PENDING;
  case A_RECV2: {
    uint32_t v = 0;
    int rc;
    if (m_fired(t, 1))
      M.cov[COV_CH_SELECT_OTHER]++;
    rc = m_ch_recv(t, &v);
    if (rc == BCSC_PENDING) {
      m_link(t, 1, sc->b);
      return BCSC_PENDING;
    }
    if (rc == 0) {
      r->ch_n++;
      r->ch_hash = ch_hash(r->ch_hash, v);
    } else if (rc == BCSC_ECLOSED) {
      r->ch_rc = rc;
    } else {
      return rc;
    }
    *sc = (script_t){A_WAIT, sc->b, 0, 0};
    m_link(t, 0, sc->a);
    return BCSC_PENDING;
  }
  case A_START: {
    /* bcsc_scope_start() (bcsc/start.h, D56, D57): the first call checks
     * the target, opens the start's scope (FAIL_FAST), reserves a place in
     * the target and spawns the child; every call joins the start's
     * scope. */
    int sid = START_SID(t), rc;
    mscope_t *s = &M.s[sid];
    if (!mt->start_open) {
      if (!M.s[sc->a].open) {
        expect_misuse(BCSC_MISUSE_SCOPE_CLOSED);
        M.cov[COV_START_REFUSED]++;
        rc = BCSC_ESTATE;
        goto start_result;
      }
      memset(s, 0, sizeof *s);
      s->open = 1;
      s->ever_opened = 1;
      s->policy = BCSC_SCOPE_FAIL_FAST;
      /* Into a shielded scope of its own: the start's scope is shielded
       * too, the caller being inside the shield (D83). */
      s->shield = M.s[sc->a].shield && scope_owner(sc->a) == t;
      s->cancelled = s->shield ? M.s[sc->a].cancelled : mt->cancelled;
      if (mt->cancelled && s->shield)
        M.cov[COV_SHIELD_START_BEHIND]++;
      mt->start_open = 1;
      mt->start_state = ST_PENDING;
      mt->start_child = sc->b;
      mt->start_target = sc->a;
      mt->start_reserving = 1;
      mt->start_value = 0;
      M.s[sc->a].reserved++;
      m_spawn(sid, sc->b);
    }
    if (m_scope_live(sid) != 0) {
      if (mt->node[2 + mt->nscopes] != N_LINKED)
        m_link(t, 2 + mt->nscopes, join_queue(sid));
      return BCSC_PENDING;
    }
    rc = m_scope_result(s);
    s->open = 0;
    mt->start_open = 0;
    if (mt->start_reserving)
      m_start_release(t);
    if (mt->start_state == ST_READY) {
      if (rc == BCSC_ECANCELED || mt->cancelled)
        M.cov[COV_START_READY_LATE]++;
      rc = 0;
    } else if (rc == 0) {
      rc = BCSC_ECLOSED;
    }
    if (rc == BCSC_ECLOSED)
      M.cov[COV_START_ECLOSED]++;
    else if (rc == BCSC_ECANCELED)
      M.cov[COV_START_CANCELED]++;
    else if (rc < 0)
      M.cov[COV_START_FAILED]++;
  start_result:
    r->started = 1;
    r->start_rc = rc;
    r->start_value = mt->start_value;
    *sc = (script_t){A_WAIT, (int)sc->d, 0, 0};
    m_link(t, 0, sc->a);
    return BCSC_PENDING;
  }
  case A_JOIN: {
    int k = mt->nscopes - 1;
    int sid = scope_id(t, k);
    mscope_t *s = &M.s[sid];
    if (m_scope_live(sid) != 0) {
      if (mt->node[2 + k] != N_LINKED)
        m_link(t, 2 + k, join_queue(sid));
      M.cov[s->n == 0 ? COV_START_TARGET_WAITS : COV_JOIN_PENDING]++;
      if (m_scope_held(sid))
        M.cov[COV_AB_JOIN_WAITS]++;
      return BCSC_PENDING;
    }
    r->joined = 1;
    r->join_rc = m_scope_result(s);
    if (s->timed_out)
      M.cov[COV_DL_TIMED_OUT_JOIN]++;
    M.cov[r->join_rc == 0                ? COV_JOIN_OK
          : r->join_rc == BCSC_ECANCELED ? COV_JOIN_CANCELED
                                         : COV_JOIN_ERR]++;
    m_scope_closed(s);
    mt->nscopes--;
    *sc = (script_t){A_WAIT, sc->b, 0, 0};
    m_link(t, 0, sc->a);
    return BCSC_PENDING;
  }
  default:
    MCHECK(0, "model: bad script %d", sc->act);
    return 0;
  }
}

static void expect_misuse(int32_t code);

static int m_live(int t) {
  return M.t[t].state != MS_FREE && M.t[t].state != MS_DONE;
}

/* The channel, naively (bcsc/channel.h): a ring, a count, a flag, and its
 * two hand-off lists in the model's lists (Q_SEND, Q_RECV), whose batons
 * are the units reserved for woken tasks. A task without a wake may take a
 * unit only if nobody waits and one is left beyond the reserved ones; after
 * every change, the oldest waiters are woken while there are more units
 * than wakes out. A wake's value names its list: the model writes a token,
 * the comparison learns which pointer stands for it. */
#define TOKEN_SEND ((uintptr_t)0x7f5e0001u)
#define TOKEN_RECV ((uintptr_t)0x7f5e0002u)
enum { CH_IDLE, CH_BATON, CH_LINKED };

static uintptr_t ch_token(int q) {
  return q == Q_SEND ? TOKEN_SEND : TOKEN_RECV;
}

static int m_unreserved(int q, int units) {
  return M.q[q].n == 0 && units > M.q[q].batons;
}

static void m_ch_pump(int q, int units) {
  while (M.q[q].n > 0 && units > M.q[q].batons)
    m_fire_one(q, ch_token(q));
}

static void m_ch_pump_receivers(void) {
  m_ch_pump(Q_RECV, M.count);
  /* Closed and drained: the waiting receivers learn it (batons too). */
  if (M.closed && M.count == 0 && M.q[Q_RECV].n > 0)
    m_fire_all(Q_RECV, TOKEN_RECV);
}

static void m_ch_put(uint32_t v) {
  M.ring[(M.head + M.count++) % M.cap] = v;
  m_ch_pump_receivers();
}

static uint32_t m_ch_take(void) {
  uint32_t v = M.ring[M.head];
  M.head = (M.head + 1) % M.cap;
  M.count--;
  M.cov[COV_CHAN_MSG]++;
  m_ch_pump(Q_SEND, M.cap - M.count);
  if (M.count == 0 && M.closed)
    m_ch_pump_receivers();
  return v;
}

static int m_try_send(uint32_t v) {
  if (M.closed) {
    M.cov[COV_CHAN_CLOSED]++;
    return BCSC_ECLOSED;
  }
  if (!m_unreserved(Q_SEND, M.cap - M.count)) {
    if (M.count == M.cap)
      M.cov[COV_CHAN_FULL]++;
    return BCSC_EAGAIN;
  }
  m_ch_put(v);
  return 0;
}

static int m_try_recv(uint32_t *v) {
  if (m_unreserved(Q_RECV, M.count)) {
    *v = m_ch_take();
    return 0;
  }
  if (M.closed && M.count == 0) {
    M.cov[COV_CHAN_CLOSED]++;
    return BCSC_ECLOSED;
  }
  return BCSC_EAGAIN;
}

static void m_close(void) {
  if (M.closed)
    return;
  M.closed = 1;
  if (M.q[Q_SEND].n > 0 || M.q[Q_RECV].n > 0)
    M.cov[COV_CH_CLOSE_WAITERS]++;
  if (M.q[Q_SEND].n > 0)
    m_fire_all(Q_SEND, TOKEN_SEND);
  m_ch_pump_receivers();
}

/* The start of a blocking call of task t on list q: a wake from the other
 * list is declined (it goes on); a cancelled task holding one of this
 * list's keeps it for bcsc to pass on when the poll returns; a wake is
 * taken; a cancelled task unlinks. CH_* or BCSC_ECANCELED. */
static int m_ch_enter(int t, int q) {
  mtask_t *mt = &M.t[t];
  int ours, linked = 0;
  if (m_is_baton(t, NODE_CH)) {
    if (mt->bq[NODE_CH] != q) {
      M.cov[COV_CH_DECLINE]++;
      m_cancel_node(t, NODE_CH);
    } else if (mt->cancelled) {
      return BCSC_ECANCELED;
    }
  }
  ours = m_is_baton(t, NODE_CH);
  if (mt->node[NODE_CH] == N_LINKED)
    linked = 1;
  else if (ours)
    m_baton_drop(t, NODE_CH);
  else if (mt->node[NODE_CH] == N_FIRED)
    mt->node[NODE_CH] = N_IDLE;
  if (mt->cancelled) {
    if (linked)
      m_cancel_node(t, NODE_CH);
    return BCSC_ECANCELED;
  }
  if (linked)
    return CH_LINKED;
  return ours ? CH_BATON : CH_IDLE;
}

static int m_ch_send(int t, uint32_t v) {
  int node = m_ch_enter(t, Q_SEND);
  if (node < 0)
    return node;
  if (node == CH_LINKED)
    return BCSC_PENDING;
  if (M.closed) {
    if (node == CH_BATON)
      M.cov[COV_CH_CLOSED_WAKE]++;
    return BCSC_ECLOSED;
  }
  if (M.count < M.cap &&
      (node == CH_BATON || m_unreserved(Q_SEND, M.cap - M.count))) {
    if (node == CH_BATON)
      M.cov[COV_CH_SEND_WOKEN]++;
    m_ch_put(v);
    return 0;
  }
  M.cov[COV_CH_SEND_WAIT]++;
  m_link(t, NODE_CH, Q_SEND);
  m_ch_pump(Q_SEND, M.cap - M.count);
  return BCSC_PENDING;
}

static int m_ch_recv(int t, uint32_t *v) {
  int node = m_ch_enter(t, Q_RECV);
  if (node < 0)
    return node;
  if (node == CH_LINKED)
    return BCSC_PENDING;
  if (M.count > 0 && (node == CH_BATON || m_unreserved(Q_RECV, M.count))) {
    if (node == CH_BATON)
      M.cov[COV_CH_RECV_WOKEN]++;
    *v = m_ch_take();
    return 0;
  }
  if (M.closed && M.count == 0) {
    if (node == CH_BATON)
      M.cov[COV_CH_CLOSED_WAKE]++;
    return BCSC_ECLOSED;
  }
  M.cov[COV_CH_RECV_WAIT]++;
  m_link(t, NODE_CH, Q_RECV);
  m_ch_pump(Q_RECV, M.count);
  return BCSC_PENDING;
}

/* bcsc_task_cancel() / bcsc_scope_cancel() made by a task or a callback:
 * refused (with a misuse report) on a task that is not live or a scope
 * that is closed. */
static int m_cancel_call(int t, int arg, int scope) {
  if (scope ? M.s[arg].open : m_live(arg)) {
    if (scope)
      m_cancel_scope_call(arg);
    else
      m_cancel_task(arg);
    if (t >= 0 && M.t[t].cancelled)
      M.cov[COV_SELF_CANCEL]++;
    return 0;
  }
  expect_misuse(scope                       ? BCSC_MISUSE_SCOPE_CLOSED
                : M.t[arg].state == MS_DONE ? BCSC_MISUSE_TASK_DONE
                                            : BCSC_MISUSE_BAD_ARGUMENT);
  M.cov[COV_SIDE_REFUSED]++;
  return BCSC_ESTATE;
}

/* A scope's shield set or taken away (D83): taken away while its owner is
 * cancelled - a cancellation from outside was stopped there - it lets the
 * cancellation in. */
static void m_shield_set(int sid, int on, int owner) {
  mscope_t *s = &M.s[sid];
  s->shield = on;
  if (!on && M.t[owner].cancelled && !s->cancelled) {
    M.cov[COV_SHIELD_SET_OFF_CANCELS]++;
    m_cancel_scope(sid);
  }
}

/* bcsc_scope_set_shield(): the scope, then the start its owner has
 * pending into it, which follows; behind a shield that ended already the
 * pending child is cancelled. */
static int m_set_shield(int sid, int on) {
  int o = scope_owner(sid);
  if (!M.s[sid].open) {
    expect_misuse(BCSC_MISUSE_SCOPE_CLOSED);
    M.cov[COV_SIDE_REFUSED]++;
    return BCSC_ESTATE;
  }
  if (on && !M.s[sid].shield)
    M.cov[M.s[sid].cancelled ? COV_SHIELD_SET_ON_LATE : COV_SHIELD_SET_ON]++;
  m_shield_set(sid, on, o);
  if (M.t[o].start_open && M.t[o].start_reserving &&
      M.t[o].start_target == sid) {
    M.cov[COV_SHIELD_SET_START]++;
    m_shield_set(START_SID(o), on, o);
    if (on && M.s[sid].cancelled)
      m_cancel_scope(START_SID(o));
  }
  return 0;
}

/* A task and the tasks below it, after a move: depth from their scopes. */
static void m_set_depth(int t, int depth) {
  M.t[t].depth = depth;
  for (int k = 0; k < m_nstack(t); k++) {
    const mscope_t *s = &M.s[m_stack_sid(t, k)];
    for (int i = 0; i < s->n; i++)
      m_set_depth(s->child[i], depth + 1);
  }
}

/* bcsc_start_ready() by task t on task `st`'s start (D56-D58). */
static int m_ready(int t, int st, uintptr_t value) {
  mtask_t *c = &M.t[t], *mst = &M.t[st];
  int from = START_SID(st), to = mst->start_target;
  if (c->parent != from) {
    M.cov[COV_START_MISUSE]++;
    if (mst->start_state == ST_READY && mst->start_child == t) {
      expect_misuse(BCSC_MISUSE_START_TWICE);
      return BCSC_ESTATE;
    }
    expect_misuse(BCSC_MISUSE_START_FOREIGN);
    return BCSC_EPERM;
  }
  /* The caller was cancelled (or returned): nothing moves. */
  if (M.s[from].cancelled) {
    M.cov[COV_START_READY_CANCELED]++;
    return BCSC_ECANCELED;
  }
  mst->start_value = value;
  mst->start_state = ST_READY;
  mst->start_reserving = 0;
  /* The move: out of the start's scope, last among the target's
   * children; the target's count of the start becomes the child's. */
  M.s[from].n = 0;
  M.s[to].reserved--;
  M.s[to].child[M.s[to].n++] = t;
  c->parent = to;
  m_set_depth(t, M.t[scope_owner(to)].depth + 1);
  M.cov[COV_START_READY]++;
  M.cov[scope_owner(to) == st ? COV_START_OWN_TARGET
                              : COV_START_OTHER_TARGET]++;
  /* The caller joins the start's scope. */
  m_fire_all(join_queue(from), 0);
  if (M.s[to].shield && M.t[scope_owner(to)].cancelled && !M.s[to].cancelled)
    M.cov[COV_SHIELD_START_MOVED]++;
  /* A cancelled scope's children are all cancelled. */
  if (M.s[to].cancelled && !c->cancelled) {
    M.cov[COV_START_TARGET_CANCELLED]++;
    m_cancel_task(t);
  }
  return 0;
}

/* bcsc_scope_set_drain_grace() by the scope's owner: set (or remove) the
 * grace; a running period stops, and one set on a cancelled scope starts
 * now. */
static int m_set_grace(int sid, int set, uint64_t period) {
  mscope_t *s = &M.s[sid];
  if (set && period == 0) {
    expect_misuse(BCSC_MISUSE_BAD_ARGUMENT);
    return BCSC_EINVAL;
  }
  if (s->armed)
    M.cov[COV_GRACE_RESET_RUNNING]++;
  s->armed = 0;
  s->has_grace = set;
  s->gperiod = period;
  if (set && s->cancelled) {
    M.cov[COV_GRACE_SET_CANCELLED]++;
    m_grace_arm(s);
  }
  return 0;
}

/* bcsc_scope_set_deadline() by the scope's owner. While a grace timer
 * has the link the deadline is only kept (D60); a cancelled scope keeps
 * it without a timer; one that has passed fires at once. */
static int m_set_deadline(int sid, uint64_t d, int kind) {
  mscope_t *s = &M.s[sid];
  if (kind > BCSC_DEADLINE_FAIL) {
    expect_misuse(BCSC_MISUSE_BAD_ARGUMENT);
    return BCSC_EINVAL;
  }
  s->dl_fail = kind == BCSC_DEADLINE_FAIL;
  s->dl_set = 1;
  s->dl = d;
  if (s->armed) {
    M.cov[COV_DL_KEPT]++;
    return 0;
  }
  s->dl_linked = 0;
  if (d == BCSC_NO_DEADLINE || s->cancelled)
    return 0;
  if (d <= M.now) {
    M.cov[COV_DL_PASSED]++;
    m_deadline_fire(sid);
  } else {
    s->dl_linked = 1;
  }
  return 0;
}

/* bcsc_scope_deadline(): the earliest deadline set on the scope and on
 * the scopes up its spawn chain (the scope its owner is in, ...), up to the
 * first shielded one: no deadline above it reaches the scope (D80). */
static uint64_t m_scope_deadline(int sid) {
  uint64_t d = BCSC_NO_DEADLINE, hidden = BCSC_NO_DEADLINE;
  int shielded = 0;
  for (;;) {
    uint64_t *into = shielded ? &hidden : &d;
    if (M.s[sid].dl_set && M.s[sid].dl < *into)
      *into = M.s[sid].dl;
    shielded |= M.s[sid].shield;
    sid = M.t[scope_owner(sid)].parent;
    if (sid == ROOT_SCOPE)
      break;
  }
  if (hidden < d)
    M.cov[COV_SHIELD_DEADLINE_HIDDEN]++;
  return d;
}

/* The task's one-shot side effect, as frame_side() makes it. */
static void m_side(int t, pollrec_t *r, int ret) {
  mtask_t *mt = &M.t[t];
  int arg = mt->side_arg;
  r->side = mt->side;
  mt->side = S_NONE;
  if (r->side == S_CANCEL_W0 &&
      cancel_w0_skipped(ret, mt->node[1] == N_LINKED,
                        mt->node[NODE_TIMER] == N_LINKED)) {
    r->side_rc = -3001;
    return;
  }
  switch (r->side) {
  case S_WAKE_ONE:
  case S_WAKE_ALL:
    if (M.q[arg].n > 0 && M.q[arg].e[0].task == t)
      M.cov[COV_SELF_WAKE]++;
    r->side_rc = r->side == S_WAKE_ONE ? m_fire_one(arg, (uintptr_t)(100 + t))
                                       : m_fire_all(arg, (uintptr_t)(100 + t));
    break;
  case S_CANCEL_TASK:
    r->side_rc = m_cancel_call(t, arg, 0);
    break;
  case S_CANCEL_W1:
    r->side_rc = m_cancel_node(t, 1);
    break;
  case S_CANCEL_W0:
    r->side_rc = m_cancel_node(t, 0);
    break;
  case S_CLEANUP:
    /* The executor cannot run from a poll function: a live frame (its
     * own too) is left as it is, reported (D82). */
    if (m_live(arg)) {
      M.cov[COV_TC_IN_POLL]++;
      expect_misuse(BCSC_MISUSE_FRAME_LEFT_LIVE);
    }
    break;
  case S_RELINK_W1:
    r->side_rc = m_cancel_node(t, 1);
    if (mt->node[1] != N_LINKED) {
      m_link(t, 1, arg);
      M.cov[COV_RELINK]++;
    }
    break;
  case S_CANCEL_SCOPE:
    r->side_rc = m_cancel_call(t, arg, 1);
    break;
  case S_SHIELD:
    r->side_rc = m_set_shield(arg % NFSCOPE, arg / NFSCOPE);
    break;
  case S_TRY_SEND:
    r->side_rc = m_try_send(ch_msg(t, M.seq[t]));
    if (r->side_rc == 0)
      M.seq[t]++;
    break;
  case S_TRY_RECV:
    r->side_rc = m_try_recv(&r->side_value);
    break;
  case S_CLOSE:
    m_close();
    r->side_rc = 0;
    break;
  case S_ERRLIST: {
    int k = arg % NS, cap = arg / NS;
    mscope_t *s = &M.s[scope_id(t, k)];
    if (k >= mt->nscopes) {
      r->side_rc = -3000;
    } else if (s->error_count > 0) {
      expect_misuse(BCSC_MISUSE_ERROR_LIST_LATE);
      M.cov[COV_ELIST_LATE]++;
      r->side_rc = BCSC_ESTATE;
    } else {
      s->ecap = cap;
      r->side_rc = 0;
    }
    break;
  }
  case S_CONTEXT: {
    int k = arg % NS, key = 1 + arg / NS % NKEY, mode = arg / NS / NKEY;
    mscope_t *s = &M.s[scope_id(t, k)];
    if (k >= mt->nscopes) {
      r->side_rc = -3000;
    } else if (mode == 1 && s->nctx > 0) {
      s->cval[s->nctx - 1] = (uintptr_t)mt->side_val;
      M.cov[COV_CTX_IN_PLACE]++;
      r->side_rc = 1;
    } else {
      do {
        if (s->nctx == NCTX) {
          expect_misuse(BCSC_MISUSE_ATTACHED);
          M.cov[COV_CTX_BUSY]++;
          r->side_rc = BCSC_EBUSY;
          break;
        }
        s->ckey[s->nctx] = (uint32_t)key;
        s->cval[s->nctx] = (uintptr_t)mt->side_val + (uintptr_t)s->nctx;
        s->nctx++;
        r->side_rc = 0;
      } while (mode == 2);
    }
    break;
  }
  case S_READY:
    r->side_rc = m_ready(t, arg % NT, (uintptr_t)mt->side_val);
    /* Ready, then the caller is cancelled before it runs again: its call
     * still returns 0 and the value (D57). */
    if (r->side_rc == 0 && arg / NT)
      m_cancel_task(arg % NT);
    break;
  case S_DEADLINE:
    if (arg % NS >= mt->nscopes) {
      r->side_rc = -3000;
      break;
    }
    if (arg / NS / 3)
      m_set_grace(scope_id(t, arg % NS), 1, DL_GRACE_PERIOD(mt->side_val));
    r->side_rc =
        m_set_deadline(scope_id(t, arg % NS), mt->side_val, arg / NS % 3);
    break;
  case S_GRACE: {
    int k = arg % NS, mode = arg / NS;
    if (k >= mt->nscopes) {
      r->side_rc = -3000;
      break;
    }
    r->side_rc = m_set_grace(scope_id(t, k), mode != 0, mt->side_val);
    if (mode >= 2)
      m_cancel_call(t, scope_id(t, k), 1);
    if (mode == 2)
      r->side_rc = m_set_grace(scope_id(t, k), 1, mt->side_val / 2 + 1);

    break;
  }
  default:
    break;
  }
}

/* A supervised wrapper's poll (supervise.c, D63), naively: open its scope
 * (FAIL_FAST) and spawn the child, join; a failed run of a wrapper not
 * cancelled is counted and the policy applied - IGNORE ends with 0,
 * ESCALATE or a spent budget with the error, RESTART calls the restart
 * function (its error escalates; a positive answer is misuse) and runs the
 * child again in the same poll. */
static int m_wrapper_poll(int t) {
  mtask_t *mt = &M.t[t];
  int sid = START_SID(t), rc;
  for (;;) {
    if (!mt->start_open) {
      mscope_t *s = &M.s[sid];
      MCHECK(M.t[mt->wchild].state == MS_FREE, "model: wrapper's child");
      memset(s, 0, sizeof *s);
      s->open = 1;
      s->ever_opened = 1;
      s->policy = BCSC_SCOPE_FAIL_FAST;
      s->cancelled = mt->cancelled;
      mt->start_open = 1;
      m_spawn(sid, mt->wchild);
    }
    if (m_scope_live(sid) != 0) {
      if (mt->node[2] != N_LINKED)
        m_link(t, 2, join_queue(sid));
      return BCSC_PENDING;
    }
    rc = m_scope_result(&M.s[sid]);
    m_scope_closed(&M.s[sid]);
    mt->start_open = 0;
    if (rc == 0 || mt->cancelled) {
      M.cov[rc == 0 ? COV_SUP_OK : COV_SUP_CANCELLED]++;
      return rc;
    }
    mt->wfailures++;
    mt->wlast = rc;
    if (mt->wpolicy == BCSC_SUPERVISE_IGNORE) {
      M.cov[COV_SUP_IGNORED]++;
      return 0;
    }
    if (mt->wpolicy == BCSC_SUPERVISE_ESCALATE || mt->wrestarts == mt->wmax) {
      M.cov[COV_SUP_ESCALATED]++;
      return rc;
    }
    if (mt->wrc != 0) {
      M.cov[COV_SUP_RESTART_REFUSED]++;
      if (mt->wrc < 0)
        return mt->wrc;
      expect_misuse(BCSC_MISUSE_BAD_ARGUMENT);
      return BCSC_EINVAL;
    }
    M.cov[COV_SUP_RESTARTED]++;
    mt->wrestarts++;
    prepare_model(mt->wchild);
    M.t[mt->wchild].script = mt->wscript;
    M.t[mt->wchild].cmode = mt->wcmode;
  }
}

static void m_drain_turn(int t);
static void m_after_poll(int t, int ret);

/* One turn of the executor: the oldest ready task is polled - or, if it
 * returned earlier with scopes open, its drain advances without a poll. */
static void m_turn(void) {
  int t = m_pop();
  mtask_t *mt = &M.t[t];
  pollrec_t *r;
  int ret;
  m_pp_task = t;
  if (mt->draining) {
    m_pp = PP_DRAIN;
    m_drain_turn(t);
    m_pp = PP_NONE;
    return;
  }
  M.polls++;
  mt->state = MS_RUNNING;
  mt->woken = 0;
  if (t >= NT) { /* a wrapper: the library's poll function, no record */
    m_current = t;
    ret = m_wrapper_poll(t);
    m_current = -1;
    if (ret == BCSC_PENDING) {
      MCHECK(!mt->woken && m_registrations(t) > 0, "model: wrapper %d", t);
      mt->state = MS_WAITING;
      return;
    }
    m_unlink_all(t);
    m_pp = PP_AFTER;
    m_returned(t, ret);
    m_pp = PP_NONE;
    return;
  }
  r = m_log_push();
  r->id = t;
  r->current = 1;
  r->cancelled = mt->cancelled;
  for (int i = 0; i < NSEEN; i++) {
    r->fired[i] = m_fired(t, seen_node[i]);
    r->value[i] = mt->value[seen_node[i]];
  }
  if (mt->cancelled && mt->cmode == C_ERR)
    ret = BCSC_ECANCELED;
  else if (mt->cancelled && mt->cmode == C_OK)
    ret = 0;
  else {
    m_current = t;
    ret = m_run_script(t, r);
    m_side(t, r, ret);
    m_current = -1;
  }
  m_after_poll(t, ret);
  m_pp = PP_NONE;
}

/* A drain turn of task t: its held registrations have fired, or the
 * scopes it left open emptied. */
static void m_drain_turn(int t) {
  mtask_t *mt = &M.t[t];
  if (mt->aborted) {
    /* Its held registrations have fired: it goes on as it would have
     * when it returned, without a poll. */
    mt->aborted = 0;
    if (m_nstack(t) == 0) {
      M.cov[COV_AB_RETURNED_DONE]++;
      m_complete(t, mt->held_result);
      return;
    }
    M.cov[COV_AB_RETURNED_DRAIN]++;
    M.s[m_stack_sid(t, m_nstack(t) - 1)].owner_result = mt->held_result;
  }
  m_drain(t);
}

/* Task t's poll returned `ret`: the run loop unlinks what it still
 * holds - asking completion sources, whose abort functions run outside
 * any poll (D76) - and requeues, holds or completes it. */
static void m_after_poll(int t, int ret) {
  mtask_t *mt = &M.t[t];
  mt->returned = ret != BCSC_PENDING;
  if (ret != BCSC_PENDING) {
    ab_why = COV_AB_RETURNED;
    m_pp = PP_RETURNED;
    m_unlink_all(t);
  }
  m_pp = PP_BATONS;
  m_task_batons(t, ret != BCSC_PENDING);
  if (ret == BCSC_PENDING) {
    if (mt->woken) {
      mt->woken = 0;
      ab_why = -1;
      m_pp = PP_REQUEUE;
      m_unlink_all(t);
      if (m_has_held(t)) {
        M.cov[COV_AB_HELD_WOKEN_IN_POLL]++;
        mt->state = MS_WAITING;
        return;
      }
      m_push(t);
    } else {
      MCHECK(m_registrations(t) > 0, "model: task %d would be lost", t);
      mt->state = MS_WAITING;
    }
    return;
  }
  m_pp = PP_RETURNED;
  m_unlink_all(t);
  m_pp = PP_AFTER;
  if (m_has_held(t)) {
    m_returned_held(t, ret);
    return;
  }
  m_returned(t, ret);
}

/* bcsc_executor_poll(): the due timers fire first, and again every 64
 * turns (docs/time.md); it never parks. */
static int m_poll(uint32_t budget) {
  int turns = 0;
  m_fire_due();
  while ((uint32_t)turns < budget && M.rq_n > 0) {
    m_turn();
    turns++;
    if (turns % 64 == 0)
      m_fire_due();
  }
  return turns;
}

/* The planned call a park makes, as park_hook() makes it. */
static int m_hook(void) {
  const plan_t *p;
  int rc;
  if (plan_model == plan_n)
    return 0;
  p = &plan[plan_model++];
  M.cov[COV_PARK_HOOK]++;
  switch (p->kind) {
  case H_WAKE_ONE:
    rc = m_fire_one(p->arg, (uintptr_t)(200 + p->arg));
    break;
  case H_WAKE_ALL:
    rc = m_fire_all(p->arg, (uintptr_t)(200 + p->arg));
    break;
  case H_CANCEL_TASK:
    rc = m_cancel_call(-1, p->arg, 0);
    break;
  default:
    rc = m_cancel_call(-1, p->arg, 1);
    break;
  }
  if (hook_model_n < HOOK_LOG_CAP)
    hook_model_rc[hook_model_n++] = rc;
  return 1;
}

/* The fault reactor's park (bcsc_fault_reactor.h), naively: a fault; an
 * unpark pending; the clock to the deadline (or not quite, or past it);
 * the planned call; EDEADLK when nothing could end the park. */
static int m_park(uint64_t deadline) {
  int mode = BCSC_FAULT_WAKE_ON_TIME, made;
  M.parks++;
  M.rparks++;
  M.cov[COV_PARK]++;
  if (M.fail_at != 0 &&
      (M.fail_mode == BCSC_FAULT_ONCE ? M.rparks == M.fail_at
                                      : M.rparks >= M.fail_at)) {
    M.cov[COV_PARK_FAULT]++;
    return M.fail_rc;
  }
  if (M.unparked) {
    M.unparked = 0;
    M.cov[COV_FOREIGN_UNPARK]++;
    return 0;
  }
  if (M.wake_count > 0) {
    M.wake_count--;
    mode = M.wake_mode;
    M.cov[COV_PARK_ANOMALY]++;
  }
  if (deadline != BCSC_NO_DEADLINE && deadline > M.now) {
    if (mode == BCSC_FAULT_WAKE_EARLY)
      M.now += (deadline - M.now) / 2;
    else if (mode == BCSC_FAULT_WAKE_LATE)
      M.now = deadline + M.late_ns;
    else if (mode == BCSC_FAULT_WAKE_ON_TIME)
      M.now = deadline;
  }
  made = m_hook();
  if (mode == BCSC_FAULT_WAKE_ON_TIME && deadline == BCSC_NO_DEADLINE &&
      made == 0)
    return BCSC_EDEADLK;
  return 0;
}

static uint64_t m_next_deadline(void) {
  uint64_t d = BCSC_NO_DEADLINE;
  for (int t = 0; t < NT; t++)
    if (M.t[t].node[NODE_TIMER] == N_LINKED && M.t[t].tdeadline < d)
      d = M.t[t].tdeadline;
  for (int sid = 0; sid < NFSCOPE; sid++) {
    if (M.s[sid].open && M.s[sid].armed && M.s[sid].gexpiry < d)
      d = M.s[sid].gexpiry;
    if (M.s[sid].open && M.s[sid].dl_linked && M.s[sid].dl < d)
      d = M.s[sid].dl;
  }
  return d;
}

/* bcsc_executor_run(): until `root` completes (or, for -1, until no root
 * is live). While tasks are ready it polls them, and every 64 turns fires
 * the due timers and parks with deadline 0 (bcsc/reactor.h); when none is
 * ready it fires the due timers and, if still none is, parks until the
 * next deadline. A park's error ends the run. */
static int m_run(int root) {
  uint32_t turns = 0;
  int rc;
  for (long guard = 0;; guard++) {
    MCHECK(guard < 1000000, "model: run does not end");
    if (root >= 0 ? M.t[root].state == MS_DONE : M.s[ROOT_SCOPE].n == 0)
      break;
    if (M.rq_n > 0) {
      m_turn();
      if (++turns % 64 == 0) {
        m_fire_due();
        if ((rc = m_park(0)) < 0)
          return rc;
      }
      continue;
    }
    m_fire_due();
    if (M.rq_n > 0)
      continue;
    if ((rc = m_park(m_next_deadline())) < 0)
      return rc;
  }
  return root >= 0 ? M.t[root].result : 0;
}

static void m_spawn(int sid, int t) {
  mtask_t *mt = &M.t[t];
  mscope_t *s = &M.s[sid];
  int owner = scope_owner(sid);
  mt->cancelled = s->cancelled;
  if (mt->cancelled)
    M.cov[COV_SPAWN_CANCELLED]++;
  if (mt->cancelled && sid == ROOT_SCOPE)
    M.cov[COV_SD_SPAWN_AFTER]++; /* after a shutdown that failed (D82) */
  else if (s->shield && owner >= 0 && M.t[owner].cancelled)
    M.cov[COV_SHIELD_SPAWN_BEHIND]++;
  mt->draining = 0;
  mt->result = 0;
  mt->parent = sid;
  mt->depth = owner < 0 ? 0 : M.t[owner].depth + 1;
  if (mt->depth == 3)
    M.cov[COV_DEPTH3_SPAWN]++;
  mt->nscopes = 0;
  mt->start_open = 0;
  s->child[s->n++] = t;
  M.spawns++;
  m_push(t);
}

/* Look for `key` in one scope's entries, newest first, passing over the
 * first *skip matches; 1 if found. */
static int m_scope_context(int sid, uint32_t key, uintptr_t *value, int *skip) {
  const mscope_t *s = &M.s[sid];
  for (int i = s->nctx - 1; i >= 0; i--)
    if (s->ckey[i] == key && (*skip)-- == 0) {
      *value = s->cval[i];
      return 1;
    }
  return 0;
}

/* bcsc_task_context() (bcsc/context.h, D53), naively: the task's own open
 * scopes innermost first, then the scope it was spawned into and its
 * owner's scopes outer to that one, then the same one level up. `where`
 * gets the depth of the owner whose scope had it (0: the task itself). */
static int m_context(int t, uint32_t key, uintptr_t *value, int *where,
                     int skip) {
  int level = 0, top = m_nstack(t) - 1;
  for (;;) {
    for (int k = top; k >= 0; k--)
      if (m_scope_context(m_stack_sid(t, k), key, value, &skip)) {
        *where = level;
        return 1;
      }
    if (M.t[t].parent == ROOT_SCOPE)
      return 0;
    top = m_stack_pos(M.t[t].parent);
    t = scope_owner(M.t[t].parent);
    level++;
  }
}

/* m_context() for keys 1..NKEY at once, in one walk: found[k - 1],
 * value[k - 1] and where[k - 1] for each key k. */
static void m_context_all(int t, int found[NKEY], uintptr_t value[NKEY],
                          int where[NKEY]) {
  int level = 0, top = m_nstack(t) - 1, left = NKEY;
  memset(found, 0, NKEY * sizeof found[0]);
  for (;;) {
    for (int k = top; k >= 0 && left > 0; k--) {
      const mscope_t *s = &M.s[m_stack_sid(t, k)];
      for (int i = s->nctx - 1; i >= 0; i--) {
        int j = (int)s->ckey[i] - 1;
        if (!found[j]) {
          found[j] = 1;
          value[j] = s->cval[i];
          where[j] = level;
          left--;
        }
      }
    }
    if (left == 0 || M.t[t].parent == ROOT_SCOPE)
      return;
    top = m_stack_pos(M.t[t].parent);
    t = scope_owner(M.t[t].parent);
    level++;
  }
}

/* ---- comparing the two ---------------------------------------------- */

static int m_value_hidden(int t, int node) {
  int q;
  return M.t[t].node[node] == N_LINKED && (q = m_node_list(t, node)) >= 0 &&
         M.q[q].abortable;
}

/* A wake's value: the model's, or for a token (a channel list's wake) the
 * pointer the library used for that list, learned the first time - the
 * same for every wake from one list, different for the two. */
static uintptr_t token_value[2];

static int value_matches(uintptr_t got, uintptr_t want) {
  int k, other;
  if (want != TOKEN_SEND && want != TOKEN_RECV)
    return got == want;
  k = want == TOKEN_RECV;
  other = !k;
  if (token_value[k] == 0) {
    if (got < 0x10000 || got == token_value[other])
      return 0;
    token_value[k] = got;
  }
  return got == token_value[k];
}

/* Every message received, from any call: its producer's next one. */
static void real_note_received(uint32_t msg) {
  uint32_t producer = msg >> 20, seq = msg & 0xfffff;
  MCHECK(producer < PRODUCERS && seq == real_recv_next[producer],
         "received message %u from producer %u: number %u, expected %u "
         "(lost, duplicated or out of order)",
         msg, producer, seq,
         producer < PRODUCERS ? real_recv_next[producer] : 0);
  real_recv_next[producer]++;
  real_received++;
}

static void compare_records(const pollrec_t *want, const pollrec_t *got,
                            int i) {
  MCHECK(got->id == want->id,
         "poll #%d: task %d was polled, the model expected task %d (FIFO)", i,
         got->id, want->id);
  MCHECK(got->current == 1, "poll #%d: executor_current is not task %d", i,
         got->id);
  MCHECK(got->cancelled == want->cancelled,
         "poll #%d task %d: cancelled %d, expected %d", i, got->id,
         got->cancelled, want->cancelled);
  for (int k = 0; k < NSEEN; k++) {
    MCHECK(got->fired[k] == want->fired[k],
           "poll #%d task %d: w[%d] fired %d, expected %d", i, got->id, k,
           got->fired[k], want->fired[k]);
    MCHECK(value_matches(got->value[k], want->value[k]),
           "poll #%d task %d: w[%d] value %" PRIuPTR ", expected %" PRIuPTR, i,
           got->id, k, got->value[k], want->value[k]);
  }
  MCHECK(got->consumed == want->consumed &&
             got->consumed_value == want->consumed_value,
         "poll #%d task %d: wait_on consumed %d (value %" PRIuPTR
         "), expected %d (%" PRIuPTR ")",
         i, got->id, got->consumed, got->consumed_value, want->consumed,
         want->consumed_value);
  MCHECK(got->joined == want->joined && got->join_rc == want->join_rc,
         "poll #%d task %d: join %d -> %s, expected %d -> %s", i, got->id,
         got->joined, rc_name(got->join_rc), want->joined,
         rc_name(want->join_rc));
  MCHECK(got->api_rc == 0, "poll #%d task %d: a call in the poll returned %s",
         i, got->id, rc_name(got->api_rc));
  MCHECK(got->side == want->side && got->side_rc == want->side_rc,
         "poll #%d task %d: side effect %d returned %d, expected %d -> %d", i,
         got->id, got->side, got->side_rc, want->side, want->side_rc);
  MCHECK(got->side_value == want->side_value,
         "poll #%d task %d: received %u, expected %u", i, got->id,
         got->side_value, want->side_value);
  MCHECK(got->slept == want->slept, "poll #%d task %d: slept %d, expected %d",
         i, got->id, got->slept, want->slept);
  MCHECK(got->started == want->started && got->start_rc == want->start_rc &&
             got->start_value == want->start_value,
         "poll #%d task %d: start %d -> %s value %" PRIuPTR
         ", expected %d -> %s %" PRIuPTR,
         i, got->id, got->started, rc_name(got->start_rc), got->start_value,
         want->started, rc_name(want->start_rc), want->start_value);
  MCHECK(got->ch_n == want->ch_n && got->ch_hash == want->ch_hash &&
             got->ch_rc == want->ch_rc,
         "poll #%d task %d: channel %d messages (hash %08x) %s, expected %d "
         "(%08x) %s",
         i, got->id, got->ch_n, got->ch_hash, rc_name(got->ch_rc), want->ch_n,
         want->ch_hash, rc_name(want->ch_rc));
}

/* Stable insertion sort of a grace log by scope. */
static void grace_sort(gracerec_t *g, int n) {
  for (int i = 1; i < n; i++) {
    gracerec_t x = g[i];
    int j = i;
    for (; j > 0 && g[j - 1].sid > x.sid; j--)
      g[j] = g[j - 1];
    g[j] = x;
  }
}

/* The reports of the drain graces that ran out (D59, D61): each stuck
 * task once, in the model's order within each scope's report. */
static void compare_grace(void) {
  MCHECK(grace_real_n < GRACE_LOG_CAP && grace_model_n < GRACE_LOG_CAP,
         "grace report log overflow");
  MCHECK(grace_real_n == grace_model_n,
         "drain graces reported %d stuck tasks, the model expected %d",
         grace_real_n, grace_model_n);
  grace_sort(grace_real, grace_real_n);
  grace_sort(grace_model, grace_model_n);
  for (int i = 0; i < grace_real_n; i++) {
    const gracerec_t *got = &grace_real[i], *want = &grace_model[i];
    MCHECK(got->sid == want->sid && got->task == want->task,
           "grace report #%d: scope %d task %d, expected scope %d task %d", i,
           got->sid, got->task, want->sid, want->task);
    if (want->any_regs)
      continue;
    MCHECK(got->regs == want->regs,
           "grace report #%d (task %d): registrations %#x, expected %#x", i,
           got->task, got->regs, want->regs);
    for (int j = 0; j < NSEEN; j++)
      MCHECK(got->q[j] == want->q[j],
             "grace report #%d (task %d): w[%d] on list %d, expected %d", i,
             got->task, j, got->q[j], want->q[j]);
  }
  grace_real_n = grace_model_n = 0;
}

/* The model's own invariants, which the library's walk relies on (D80):
 * a cancelled scope's children are all cancelled, and a cancelled task's
 * open scopes are all cancelled but its shielded ones. */
static void model_invariants(void) {
  for (int sid = 0; sid < NSCOPE; sid++)
    for (int i = 0; M.s[sid].open && M.s[sid].cancelled && i < M.s[sid].n; i++)
      MCHECK(M.t[M.s[sid].child[i]].cancelled,
             "model: scope %d cancelled, its child %d not", sid,
             M.s[sid].child[i]);
  for (int t = 0; t < NTT; t++)
    for (int k = 0; m_live(t) && M.t[t].cancelled && k < m_nstack(t); k++)
      MCHECK(M.s[m_stack_sid(t, k)].cancelled || M.s[m_stack_sid(t, k)].shield,
             "model: task %d cancelled, its scope %d not (nor shielded)", t,
             m_stack_sid(t, k));
}

/* Everything observable through the public API, after every operation. */
static void compare_all(void) {
  bcsc_executor_stats_t st = {.size = sizeof st};
  int cfound[NKEY], cwhere[NKEY];
  uintptr_t cvalue[NKEY];

  model_invariants();

  MCHECK(real_nlog < LOG_CAP && M.nlog < LOG_CAP, "poll log overflow");
  MCHECK(real_nlog == M.nlog, "%d polls happened, the model expected %d",
         real_nlog, M.nlog);
  for (int i = 0; i < real_nlog; i++)
    compare_records(&M.log[i], &real_log[i], i);
  real_nlog = 0;
  M.nlog = 0;

  MCHECK(plan_real == plan_model, "park made %d planned calls, expected %d",
         plan_real, plan_model);
  MCHECK(hook_real_n == hook_model_n, "park call log: %d, expected %d",
         hook_real_n, hook_model_n);
  for (int i = 0; i < hook_real_n; i++)
    MCHECK(hook_real_rc[i] == hook_model_rc[i],
           "call #%d from park returned %s, expected %s", i,
           rc_name(hook_real_rc[i]), rc_name(hook_model_rc[i]));
  hook_real_n = hook_model_n = 0;
  /* Every abort function call (D67): once per link, the node, the list,
   * the answer, and what a fire from inside it returned. */
  MCHECK(abort_real_n < ABORT_LOG_CAP, "abort log overflow");
  MCHECK(abort_real_n == abort_model_n,
         "%d abort function calls, the model expected %d", abort_real_n,
         abort_model_n);
  for (int i = 0; i < abort_real_n; i++) {
    const abortrec_t *got = &abort_real[i], *want = &abort_model[i];
    MCHECK(got->meddle == want->meddle && got->meddle_rc == want->meddle_rc,
           "abort call #%d: task %d w[%d] meddled %d (returned %d), expected "
           "%d (returned %d)",
           i, got->task, got->node, got->meddle, got->meddle_rc, want->meddle,
           want->meddle_rc);
    MCHECK(got->task == want->task && got->node == want->node &&
               got->q == want->q && got->answer == want->answer &&
               got->fire_rc == want->fire_rc,
           "abort call #%d: task %d w[%d] on list %d answer %d (fire %d), "
           "expected task %d w[%d] list %d answer %d (fire %d)",
           i, got->task, got->node, got->q, got->answer, got->fire_rc,
           want->task, want->node, want->q, want->answer, want->fire_rc);
  }
  abort_real_n = abort_model_n = 0;
  MCHECK(abort_plan_real == abort_plan_model,
         "abort functions took %d planned answers, expected %d",
         abort_plan_real, abort_plan_model);
  if (abort_plan_real == abort_plan_n)
    abort_plan_real = abort_plan_model = abort_plan_n = 0;
  compare_grace();
  if (plan_real == plan_n)
    plan_real = plan_model = plan_n = 0;

  MCHECK(misuse_count == M.misuse_expected,
         "%d misuse reports (last %s), expected %d (%s)", misuse_count,
         bcsc_misuse_name(misuse_last), M.misuse_expected,
         bcsc_misuse_name(M.misuse_code));
  if (misuse_count > 0)
    MCHECK(misuse_last == M.misuse_code, "misuse %s reported, expected %s",
           bcsc_misuse_name(misuse_last), bcsc_misuse_name(M.misuse_code));
  misuse_count = 0;
  M.misuse_expected = 0;

  for (int t = 0; t < NT; t++) {
    const mtask_t *mt = &M.t[t];
    const frame_t *f = &frames[t];
    int done = mt->state == MS_DONE;
    MCHECK(bcsc_task_done(&f->task) == done, "task %d: done %d, expected %d", t,
           bcsc_task_done(&f->task), done);
    MCHECK(bcsc_task_result(&f->task) == (done ? mt->result : BCSC_ESTATE),
           "task %d: result %s, expected %s", t,
           rc_name(bcsc_task_result(&f->task)),
           rc_name(done ? mt->result : BCSC_ESTATE));
    MCHECK(bcsc_task_cancelled(&f->task) == mt->cancelled,
           "task %d: cancelled %d, expected %d", t,
           bcsc_task_cancelled(&f->task), mt->cancelled);
    for (int j = 0; j < NSEEN; j++) {
      const bcsc_wait_t *w = j < 2 ? &f->w[j] : &f->cw;
      int k = seen_node[j];
      MCHECK(bcsc_wait_linked(w) == (mt->node[k] == N_LINKED),
             "task %d: w[%d] linked %d, expected state %d", t, j,
             bcsc_wait_linked(w), mt->node[k]);
      MCHECK(bcsc_wait_fired(w) == m_fired(t, k),
             "task %d: w[%d] fired %d, expected state %d", t, j,
             bcsc_wait_fired(w), mt->node[k]);
      /* A completion source's linked node keeps bcsc's marks in `value`
       * (D68): not the API's to read. */
      MCHECK(value_matches(w->value, mt->value[k]) || m_value_hidden(t, k),
             "task %d: w[%d] value %" PRIuPTR ", expected %" PRIuPTR, t, j,
             w->value, mt->value[k]);
    }
    MCHECK(bcsc_timer_linked(&f->timer) == (mt->node[NODE_TIMER] == N_LINKED) &&
               bcsc_timer_fired(&f->timer) == (mt->node[NODE_TIMER] == N_FIRED),
           "task %d: timer linked %d fired %d, expected state %d", t,
           bcsc_timer_linked(&f->timer), bcsc_timer_fired(&f->timer),
           mt->node[NODE_TIMER]);
    MCHECK(bcsc_timer_deadline(&f->timer) == mt->tdeadline,
           "task %d: timer deadline %" PRIu64 ", expected %" PRIu64, t,
           bcsc_timer_deadline(&f->timer), mt->tdeadline);
    if (done == 0 && mt->state != MS_FREE)
      m_context_all(t, cfound, cvalue, cwhere);
    for (uint32_t key = 1; done == 0 && mt->state != MS_FREE && key <= NKEY;
         key++) {
      uintptr_t got = 0xdead, want = cfound[key - 1] ? cvalue[key - 1] : 0xdead;
      uintptr_t other;
      int where = cwhere[key - 1], found = cfound[key - 1];
      int rc = bcsc_task_context(&f->task, key, &got);
      MCHECK(rc == found && got == want,
             "task %d: context key %u: %d (value %" PRIuPTR "), expected %d "
             "(%" PRIuPTR ")",
             t, key, rc, got, found, want);
      if (found) {
        M.cov[where == 0 ? COV_CTX_OWN : COV_CTX_ANCESTOR]++;
        /* Shadowed: the key is also on the way further out (a path
         * counter only: looked at every 8th step, to save time). */
        if ((step & 7) == 0 && m_context(t, key, &other, &where, 1) &&
            other != want)
          M.cov[COV_CTX_SHADOWED]++;
      }
    }
    for (int k = 0; k < NS; k++) {
      const mscope_t *s = &M.s[scope_id(t, k)];
      const bcsc_scope_t *rs = &f->scopes[k];
      for (int i = s->error_count < s->ecap ? s->error_count : s->ecap;
           s->ecap > 0 && i < ELIST_MAX; i++)
        MCHECK(f->errs[k][i].error == ELIST_UNUSED,
               "scope %d.%d: error list entry %d written (count %d, "
               "capacity %d)",
               t, k, i, s->error_count, s->ecap);
      for (int i = 0; i < s->ecap && i < s->error_count; i++)
        MCHECK(f->errs[k][i].task == real_task(s->rec[i].task) &&
                   f->errs[k][i].error == s->rec[i].error &&
                   f->errs[k][i].cancelled == (uint32_t)s->rec[i].cancelled,
               "scope %d.%d: error list entry %d: task %d %s cancelled %u, "
               "expected task %d %s cancelled %d",
               t, k, i,
               f->errs[k][i].task != NULL ? task_id(f->errs[k][i].task) : -1,
               rc_name(f->errs[k][i].error), f->errs[k][i].cancelled,
               s->rec[i].task, rc_name(s->rec[i].error), s->rec[i].cancelled);
      MCHECK(bcsc_scope_live(rs) ==
                 (uint32_t)(s->open ? m_scope_live(scope_id(t, k)) : 0),
             "scope %d.%d: live %u, expected %d (%d pending starts)", t, k,
             bcsc_scope_live(rs), s->open ? m_scope_live(scope_id(t, k)) : 0,
             s->reserved);
      MCHECK(bcsc_scope_cancelled(rs) == s->cancelled,
             "scope %d.%d: cancelled %d, expected %d", t, k,
             bcsc_scope_cancelled(rs), s->cancelled);
      MCHECK(bcsc_scope_error_count(rs) == (uint32_t)s->error_count,
             "scope %d.%d: error count %u, expected %d", t, k,
             bcsc_scope_error_count(rs), s->error_count);
      MCHECK(!s->ever_opened || bcsc_scope_timed_out(rs) == s->timed_out,
             "scope %d.%d: timed out %d, expected %d", t, k,
             bcsc_scope_timed_out(rs), s->timed_out);
      /* The chain is read through the owner's frame: open scopes only. */
      MCHECK(!s->open ||
                 bcsc_scope_deadline(rs) == m_scope_deadline(scope_id(t, k)),
             "scope %d.%d: deadline %" PRIu64 ", expected %" PRIu64, t, k,
             bcsc_scope_deadline(rs), m_scope_deadline(scope_id(t, k)));
    }
  }
  for (int t = NT; t < NTT; t++) {
    /* The wrappers: their tasks and counters. */
    const mtask_t *mt = &M.t[t];
    const bcsc_supervised_t *sv = &sup[t - NT];
    int done = mt->state == MS_DONE;
    if (mt->state == MS_FREE)
      continue;
    MCHECK(bcsc_task_done(&sv->task) == done &&
               bcsc_task_cancelled(&sv->task) == mt->cancelled &&
               bcsc_task_result(&sv->task) == (done ? mt->result : BCSC_ESTATE),
           "wrapper %d: done %d cancelled %d result %s, expected %d %d %s", t,
           bcsc_task_done(&sv->task), bcsc_task_cancelled(&sv->task),
           rc_name(bcsc_task_result(&sv->task)), done, mt->cancelled,
           rc_name(done ? mt->result : BCSC_ESTATE));
    MCHECK(bcsc_supervised_restarts(sv) == (uint32_t)mt->wrestarts &&
               bcsc_supervised_failures(sv) == (uint32_t)mt->wfailures &&
               bcsc_supervised_last_error(sv) == mt->wlast,
           "wrapper %d: restarts %u failures %u last %s, expected %d %d %s", t,
           bcsc_supervised_restarts(sv), bcsc_supervised_failures(sv),
           rc_name(bcsc_supervised_last_error(sv)), mt->wrestarts,
           mt->wfailures, rc_name(mt->wlast));
  }
  for (int t = 0; t < NT; t++) {
    /* The start's scope, where its child lives until it is ready. */
    const mscope_t *s = &M.s[START_SID(t)];
    const bcsc_start_t *sp = &frames[t].start;
    if (M.t[t].start_state == ST_NONE)
      continue;
    MCHECK(bcsc_start_value(sp) == M.t[t].start_value,
           "task %d: start value %" PRIuPTR ", expected %" PRIuPTR, t,
           bcsc_start_value(sp), M.t[t].start_value);
    MCHECK(bcsc_scope_live(&sp->priv.scope) == (uint32_t)(s->open ? s->n : 0) &&
               bcsc_scope_cancelled(&sp->priv.scope) == s->cancelled,
           "task %d: start's scope live %u cancelled %d, expected %d, %d", t,
           bcsc_scope_live(&sp->priv.scope),
           bcsc_scope_cancelled(&sp->priv.scope), s->open ? s->n : 0,
           s->cancelled);
  }
  if (!ex_up)
    return;
  MCHECK(bcsc_executor_now(&ex) == M.now && reactor.now == M.now,
         "clock %" PRIu64 ", expected %" PRIu64, bcsc_executor_now(&ex), M.now);
  MCHECK(bcsc_channel_buffered(&chan) == (uint32_t)M.count &&
             bcsc_channel_closed(&chan) == M.closed,
         "channel: %u buffered, closed %d; expected %d, %d",
         bcsc_channel_buffered(&chan), bcsc_channel_closed(&chan), M.count,
         M.closed);
  MCHECK(real_sent == real_received + bcsc_channel_buffered(&chan),
         "channel: %" PRIu64 " sent, %" PRIu64 " received, %u buffered",
         real_sent, real_received, bcsc_channel_buffered(&chan));
  for (int q = 0; q < NQ; q++)
    MCHECK(bcsc_waitq_count(&queues[q]) == (uint32_t)M.q[q].n,
           "list %d: count %u, expected %d", q, bcsc_waitq_count(&queues[q]),
           M.q[q].n);
  MCHECK(bcsc_executor_ready(&ex) == (uint32_t)M.rq_n, "ready %u, expected %d",
         bcsc_executor_ready(&ex), M.rq_n);
  MCHECK(bcsc_executor_live_roots(&ex) == (uint32_t)M.s[ROOT_SCOPE].n,
         "live roots %u, expected %d", bcsc_executor_live_roots(&ex),
         M.s[ROOT_SCOPE].n);
  MCHECK(bcsc_executor_current(&ex) == NULL, "current set outside a poll");
  MCHECK(bcsc_executor_stats(&ex, &st) == 0, "stats failed");
  MCHECK(st.polls == M.polls, "stats.polls %" PRIu64 ", expected %" PRIu64,
         st.polls, M.polls);
  MCHECK(st.wakes == M.wakes, "stats.wakes %" PRIu64 ", expected %" PRIu64,
         st.wakes, M.wakes);
  MCHECK(st.spawns == M.spawns, "stats.spawns %" PRIu64 ", expected %" PRIu64,
         st.spawns, M.spawns);
  MCHECK(st.completions == M.completions,
         "stats.completions %" PRIu64 ", expected %" PRIu64, st.completions,
         M.completions);
  MCHECK(st.cancels == M.cancels,
         "stats.cancels %" PRIu64 ", expected %" PRIu64, st.cancels, M.cancels);
  MCHECK(st.timers_fired == M.timers_fired,
         "stats.timers_fired %" PRIu64 ", expected %" PRIu64, st.timers_fired,
         M.timers_fired);
  MCHECK(st.parks == M.parks, "stats.parks %" PRIu64 ", expected %" PRIu64,
         st.parks, M.parks);
}

/* ---- the random generator --------------------------------------------- */

/* Every choice comes from here: the next bytes of libFuzzer's input, or a
 * splitmix64 stream from the seed. An exhausted input reads as zeros and
 * ends the walk after the current operation. */
static uint64_t rng;

static uint64_t rng_next(void) { /* splitmix64 */
  uint64_t z = (rng += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

static uint64_t rnd64(int bytes) {
  uint64_t v = 0;
  if (in_data == NULL)
    return rng_next();
  for (int i = 0; i < bytes; i++) {
    if (in_pos == in_size) {
      in_exhausted = 1;
      return v;
    }
    v = v << 8 | in_data[in_pos++];
  }
  return v;
}

static int rnd(int n) {
  if (n <= 1)
    return 0;
  return (int)(rnd64(n <= 256 ? 1 : 2) % (uint64_t)n);
}

/* Pick uniformly among indices satisfying `pred` (one choice); -1 if
 * none. */
static int pick(int n, int (*pred)(int)) {
  int seen = 0, k;
  for (int i = 0; i < n; i++)
    seen += pred(i) != 0;
  if (seen == 0)
    return -1;
  k = rnd(seen);
  for (int i = 0; i < n; i++)
    if (pred(i) && k-- == 0)
      return i;
  return -1;
}

/* Pick among scopes satisfying `pred`, weighting deeper owners more so that
 * trees grow towards MAX_DEPTH; -1 if none. */
static int pick_scope(int (*pred)(int)) {
  int total = 0, k;
  for (int sid = 0; sid < ROOT_SCOPE; sid++)
    if (pred(sid))
      total += 1 + 2 * M.t[scope_owner(sid)].depth;
  if (total == 0)
    return -1;
  k = rnd(total);
  for (int sid = 0; sid < ROOT_SCOPE; sid++) {
    if (!pred(sid))
      continue;
    k -= 1 + 2 * M.t[scope_owner(sid)].depth;
    if (k < 0)
      return sid;
  }
  return -1;
}

/* A frame a start's script names as its child: kept for it until the
 * start's first call spawns it (or the script changes). */
static int is_reserved(int c) {
  for (int t = 0; t < NT; t++)
    if (m_live(t) && M.t[t].script.act == A_START && !M.t[t].start_open &&
        M.t[t].script.b == c)
      return 1;
  /* A wrapper's child belongs to it while it lives (also between runs). */
  for (int w = NT; w < NTT; w++)
    if (m_live(w) && M.t[w].wchild == c)
      return 1;
  return 0;
}
static int is_free(int t) { return !m_live(t) && !is_reserved(t); }
static int is_live(int t) { return m_live(t); }
static int is_spawned(int t) { return M.t[t].state != MS_FREE; }
static int is_open_scope(int sid) { return sid < NFSCOPE && M.s[sid].open; }
static int is_live_root(int t) {
  return m_live(t) && M.t[t].parent == ROOT_SCOPE;
}
static int is_root(int t) {
  return M.t[t].state != MS_FREE && M.t[t].parent == ROOT_SCOPE;
}
static int was_opened_closed(int sid) {
  /* A slot that was opened and then closed: an initialised, closed scope. */
  return sid < NFSCOPE && M.s[sid].ever_opened && !M.s[sid].open;
}

static const int results[] = {
    0, 0, 0, BCSC_EUSER, BCSC_EUSER - 1, BCSC_ECANCELED};

/* How often each script is drawn: finishing, opening and joining are
 * favoured so that trees grow deep and also turn over. */
static const int act_weight[A_COUNT] = {10, 8, 9, 7, 20, 20, 16,
                                        10, 9, 9, 5, 0,  4,  4};

/* A list for w[0]: mostly a plain one, now and then a completion
 * source's. A task holds at most one node on each of those lists (w[1]
 * waits on the other one in A_WAIT2, and alone in A_RECV2), so that a
 * source that fires its oldest node from its abort function never fires
 * another node of the task it was asked about, which D67 forbids. (Nor
 * can a chain of such fires, each waking a task whose walk asks another
 * source, come back to a task whose walk is under way: each task
 * registers all its nodes in one poll, and each step of the chain fires
 * a node registered before the one asked, so the chain goes back in
 * time.) */
static int w0_list(void) { return rnd(4) == 0 ? QA0 + rnd(NA) : rnd(NPLAIN); }

/* A sleep's deadline: mostly soon (levels 0-2 of the wheel), sometimes
 * far (up to 2^34 ns, level 5). Its residue mod 64 is the task's number
 * (a scope's deadline's is 16 + the scope's: scope_deadline()), so no two
 * timers ever share a deadline and the order in which due timers fire is
 * fully defined. */
static uint64_t sleep_deadline(int t) {
  uint64_t span = rnd(8) == 0 ? (uint64_t)1 << (10 + rnd(25)) : 4096;
  uint64_t at = M.now + (rnd(10) == 0 ? 0 : 1 + rnd64(4) % span);
  if (rnd(10) == 0 && M.now >= NT)
    at = M.now - (uint64_t)rnd(NT); /* already passed */
  return (at & ~(uint64_t)63) + (uint64_t)t;
}

/* A deadline for scope sid: none, passed, soon or far; see above. */
static uint64_t scope_deadline(int sid) {
  uint64_t span = rnd(8) == 0 ? (uint64_t)1 << (10 + rnd(20)) : 8192;
  uint64_t at = M.now + 1 + rnd64(4) % span;
  if (rnd(8) == 0)
    return BCSC_NO_DEADLINE;
  if (rnd(8) == 0 && M.now >= 64)
    at = M.now - (uint64_t)rnd(64); /* already passed */
  return (at & ~(uint64_t)63) + 16 + (uint64_t)sid;
}

/* Now and then a scope opens shielded (D80); more often for an owner
 * already cancelled, whose cleanup is what a shield is for, or one below a
 * deadline, or its outer scope (an inner one's walk climbs past it). */
static int shield_option(int t) {
  int n = M.t[t].cancelled ? 2 : M.t[t].nscopes == 0 ? 3 : 5;
  /* (A frame being prepared has no parent yet.) */
  for (int sid = M.t[t].parent, up = 0;
       m_live(t) && sid != ROOT_SCOPE && n > 2 && up <= MAX_DEPTH + 1;
       sid = M.t[scope_owner(sid)].parent, up++)
    if (M.s[sid].dl_linked)
      n = 2;
  return rnd(n) == 0 ? BCSC_SCOPE_SHIELD : 0;
}

/* A random script the task may legally run next. */
static script_t random_script(int t) {
  const mtask_t *mt = &M.t[t];
  for (;;) {
    int total = 0, w, act = 0;
    for (int i = 0; i < A_COUNT; i++)
      total += act_weight[i];
    w = rnd(total);
    script_t sc;
    while (w >= act_weight[act])
      w -= act_weight[act++];
    /* The last list is a hand-off list (D22): only A_AWAIT, which takes
     * its wakes, waits there. A task that declines every wake (registers
     * again without taking it) would pass a baton back and forth with
     * another one for ever - as the library would. */
    sc = act == A_AWAIT ? (script_t){act, rnd(NQ), rnd(NQ), 0}
                        : (script_t){act, w0_list(), w0_list(), 0};
    switch (sc.act) {
    case A_WAIT2:
      /* w[1]: a plain list, or the other completion source's when w[0]
       * waits on one (a task holding two held nodes). */
      if (rnd(3) == 0)
        sc.a = QA0 + rnd(NA);
      sc.b = M.q[sc.a].abortable && rnd(3) != 0 ? QA0 + (sc.a == QA0)
                                                : rnd(NPLAIN);
      sc.d = (uint64_t)rnd(2);
      return sc;
    case A_RECV2:
      /* w[1] against the channel's registration: also a completion
       * source's (w[0] is not linked meanwhile), so that a channel's wake
       * reserves a unit for a task whose abort is pending. */
      sc.b = rnd(3) == 0 ? QA0 + rnd(NA) : rnd(NPLAIN);
      return sc;
    case A_WAITDONE:
      sc.a = rnd(4) ? QA0 + rnd(NA) : rnd(NPLAIN);
      sc.b = results[rnd((int)(sizeof results / sizeof results[0]))];
      /* Now and then w[1] too: on a plain list, or on the other source's
       * (a return holding two nodes: the last fire completes it). */
      if (rnd(2) == 0)
        sc.d = 1 + (uint64_t)(M.q[sc.a].abortable && rnd(3) != 0
                                  ? QA0 + (sc.a == QA0)
                                  : rnd(NPLAIN));
      if (sc.d != 0 && rnd(2) == 0)
        sc.d |= WD_W1_FIRST;
      return sc;
    case A_SLEEP2:
      sc.a = rnd(4) ? QA0 + rnd(NA) : rnd(NPLAIN);
      sc.d = sleep_deadline(t);
      return sc;
    case A_DONE:
      sc.a = results[rnd((int)(sizeof results / sizeof results[0]))];
      return sc;
    case A_OPEN:
      if (mt->depth >= MAX_DEPTH || mt->nscopes >= NS)
        continue;
      sc.a = rnd(3) | shield_option(t);
      return sc;
    case A_JOIN:
      if (mt->nscopes == 0)
        continue;
      return sc;
    case A_SLEEP:
      sc.d = sleep_deadline(t);
      return sc;
    case A_SEND:
    case A_RECV:
      sc.a = 1 + rnd(4); /* messages, then wait on list b */
      return sc;
    default:
      return sc;
    }
  }
}

static void set_script(int t, script_t sc) {
  frames[t].script = sc;
  M.t[t].script = sc;
}

static void set_side(int t, int side, int arg) {
  frames[t].side_val = M.t[t].side_val = (uint64_t)(1 + rnd(1000));
  frames[t].side = side;
  frames[t].side_arg = arg;
  M.t[t].side = side;
  M.t[t].side_arg = arg;
}

static void set_cmode(int t, int mode) {
  frames[t].cmode = mode;
  M.t[t].cmode = mode;
}

/* Make frame t ready to spawn again: bcsc_task_init and fresh nodes. */
static void prepare_real(int t) {
  frame_t *f = &frames[t];
  MCHECK(bcsc_task_init(&f->task, frame_poll, NULL) == 0, "task_init");
  MCHECK(bcsc_wait_init(&f->w[0]) == 0 && bcsc_wait_init(&f->w[1]) == 0 &&
             bcsc_wait_init(&f->cw) == 0 && bcsc_timer_init(&f->timer) == 0,
         "wait_init");
  f->id = t;
  f->nopen = 0;
  f->side = S_NONE;
  f->in_poll = f->returned = 0;
}

/* ... and what that does in the model (apart, for a restart function: it
 * runs inside the real poll, before the model's turn). */
static void prepare_model(int t) {
  mtask_t *mt = &M.t[t];
  mt->tdeadline = BCSC_NO_DEADLINE;
  mt->state = MS_FREE;
  mt->cancelled = 0;
  mt->draining = 0;
  mt->nscopes = 0;
  mt->side = S_NONE;
  for (int k = 0; k < NNODE; k++)
    mt->node[k] = N_IDLE;
  memset(mt->value, 0, sizeof mt->value);
  memset(mt->held, 0, sizeof mt->held);
  mt->aborted = 0;
  mt->returned = 0;
}

static void prepare_frame(int t) {
  prepare_real(t);
  prepare_model(t);
}

static bcsc_task_t *real_task(int t) {
  return t < NT ? &frames[t].task : &sup[t - NT].task;
}

static int task_id(const bcsc_task_t *task) {
  for (int w = 0; w < NW; w++)
    if (task == &sup[w].task)
      return NT + w;
  return ((const frame_t *)(const void *)task)->id;
}

/* A wrapper's restart function (bcsc_restart_fn), real side. */
static int restart_child(void *context, bcsc_task_t *child, uint32_t n) {
  const struct sup_plan *p = context;
  int c = task_id(child), w = (int)(p - sup_plan);
  MCHECK(n == bcsc_supervised_restarts(&sup[w]) + 1,
         "restart function: restart %u, wrapper says %u so far", n,
         bcsc_supervised_restarts(&sup[w]));
  if (p->rc != 0)
    return p->rc;
  prepare_real(c);
  frames[c].script = p->script;
  frames[c].cmode = p->cmode;
  return 0;
}

static void expect_misuse(int32_t code) {
  /* The ends of C scopes are reported by every build (D84). */
  if (bcsc_is_checked_build() || code == BCSC_MISUSE_FRAME_LEFT_LIVE ||
      code == BCSC_MISUSE_EXECUTOR_LEFT_LIVE) {
    M.misuse_expected++;
    M.misuse_code = code;
  }
}

/* ---- operations ------------------------------------------------------ */

static int can_open(int t) {
  return m_live(t) && !M.t[t].draining && M.t[t].depth < MAX_DEPTH &&
         M.t[t].nscopes < NS && !M.t[t].start_open;
}

static int is_open_task_scope(int sid) {
  return sid < NFSCOPE && M.s[sid].open;
}

static int is_uncancelled_task_scope(int sid) {
  return is_open_task_scope(sid) && !M.s[sid].cancelled;
}

static void op_spawn(void) {
  int t = pick(NT, is_free);
  /* Mostly into scopes that are not cancelled (yet): a cancelled subtree
   * only drains. */
  int sid = pick_scope(rnd(8) ? is_uncancelled_task_scope : is_open_task_scope);
  int rc;
  op_name = "spawn";
  if (t < 0)
    return;
  /* Few roots, most tasks below them: that is where the scope rules are. */
  if (sid < 0 && M.s[ROOT_SCOPE].n >= 3) {
    int owner = pick(NT, can_open);
    if (owner >= 0) { /* no scope to spawn into: have one opened */
      op_name = "set_script_open";
      set_script(owner, (script_t){A_OPEN, rnd(3) | shield_option(owner),
                                   w0_list(), 0});
      return;
    }
  }
  if (sid < 0 || (M.s[ROOT_SCOPE].n < 3 && rnd(2) == 0))
    sid = ROOT_SCOPE;
  prepare_frame(t);
  M.t[t].depth = sid == ROOT_SCOPE ? 0 : M.t[scope_owner(sid)].depth + 1;
  set_script(t, random_script(t));
  set_cmode(t, rnd(C_COUNT));
  if (sid == ROOT_SCOPE)
    rc = bcsc_executor_spawn(&ex, &frames[t].task);
  else
    rc = bcsc_scope_spawn(&frames[scope_owner(sid)].scopes[sid % NS],
                          &frames[t].task);
  MCHECK(rc == 0, "spawn task %d into scope %d: %s", t, sid, rc_name(rc));
  m_spawn(sid, t);
}

/* A live task, not cancelled, in a frame's scope, one of whose scopes has
 * a running grace: cancelling the scope it is in marks that scope again
 * (the walk), which must keep its period. */
static int owns_running_grace(int t) {
  if (!m_live(t) || M.t[t].cancelled || M.t[t].parent >= NFSCOPE)
    return 0;
  for (int k = 0; k < M.t[t].nscopes; k++)
    if (M.s[scope_id(t, k)].armed)
      return 1;
  return 0;
}

/* Wrap a free frame in a supervised wrapper (bcsc/supervise.h, D63) and
 * spawn the wrapper, as a root or into an open scope: a policy, a budget
 * of 0-2 restarts, and what the restart function will do (mostly
 * re-initialise the child with a script chosen now). */
static int is_free_wrapper(int w) { return !m_live(NT + w); }

static void op_supervise(void) {
  int w = pick(NW, is_free_wrapper), c = pick(NT, is_free), t = NT + w, rc;
  int sid = pick_scope(is_uncancelled_task_scope);
  mtask_t *mt = &M.t[t];
  op_name = "spawn_supervised";
  if (w < 0 || c < 0)
    return;
  if (sid < 0 || rnd(4) == 0)
    sid = ROOT_SCOPE;
  prepare_frame(c);
  M.t[c].depth = (sid == ROOT_SCOPE ? 0 : M.t[scope_owner(sid)].depth + 1) + 1;
  set_script(c, random_script(c));
  set_cmode(c, rnd(C_COUNT));
  memset(mt, 0, sizeof *mt);
  mt->tdeadline = BCSC_NO_DEADLINE;
  mt->wchild = c;
  mt->wpolicy = rnd(3);
  mt->wmax = rnd(3);
  mt->wrc = rnd(4) ? 0 : rnd(4) ? BCSC_EUSER - 3 : 1;
  mt->wscript = random_script(c);
  mt->wcmode = rnd(C_COUNT);
  sup_plan[w] = (struct sup_plan){mt->wrc, mt->wscript, mt->wcmode};
  rc = bcsc_supervised_init(
      &sup[w], &frames[c].task, (uint32_t)mt->wpolicy, (uint32_t)mt->wmax,
      mt->wpolicy == BCSC_SUPERVISE_RESTART || rnd(2) ? restart_child : NULL,
      &sup_plan[w]);
  MCHECK(rc == 0, "supervised_init: %s", rc_name(rc));
  rc = sid == ROOT_SCOPE
           ? bcsc_executor_spawn(&ex, &sup[w].task)
           : bcsc_scope_spawn(&frames[scope_owner(sid)].scopes[sid % NS],
                              &sup[w].task);
  MCHECK(rc == 0, "spawn wrapper %d into scope %d: %s", w, sid, rc_name(rc));
  m_spawn(sid, t);
}

static int is_shield_behind(int sid) {
  return is_open_task_scope(sid) && M.s[sid].shield && !M.s[sid].cancelled &&
         M.t[scope_owner(sid)].cancelled;
}

/* Whether a cancellation of scope sid would stop at a shield somewhere
 * below (D80): 2 if one holding children where the walk would climb out
 * of an inner scope of the shield's owner past it, else 1 (an empty one
 * too if `empty`); 0 if not. */
static int m_shield_below(int sid, int empty) {
  int found = 0;
  for (int i = 0; i < M.s[sid].n && found < 2; i++) {
    int c = M.s[sid].child[i], busy = 0;
    for (int k = m_nstack(c) - 1; !M.t[c].cancelled && k >= 0; k--) {
      int x = m_stack_sid(c, k), f;
      if (M.s[x].shield) {
        if (M.s[x].n > 0 && found < 1 + busy)
          found = 1 + busy;
        else if (empty && found == 0)
          found = 1;
        continue;
      }
      busy |= M.s[x].n > 0;
      if ((f = m_shield_below(x, empty)) > found)
        found = f;
    }
  }
  return found;
}

static int has_shield_climb_below(int sid) {
  return is_open_task_scope(sid) && !M.s[sid].cancelled &&
         m_shield_below(sid, 0) == 2;
}

static void op_cancel_task(void) {
  int t = pick(NT, is_spawned);
  int rc;
  op_name = "cancel_task";
  if (t < 0)
    return;
  rc = bcsc_task_cancel(&frames[t].task);
  if (M.t[t].state == MS_DONE) {
    MCHECK(rc == BCSC_ESTATE, "cancel of done task %d: %s", t, rc_name(rc));
    expect_misuse(BCSC_MISUSE_TASK_DONE);
    M.cov[COV_MISUSE_REFUSED]++;
  } else {
    MCHECK(rc == 0, "cancel task %d: %s", t, rc_name(rc));
    m_cancel_task(t);
  }
}

static void op_cancel_scope(void) {
  int sid = pick(NSCOPE, is_open_scope),
      t = rnd(2) ? -1 : pick(NT, owns_running_grace);
  int rc;
  op_name = "cancel_scope";
  if (t >= 0)
    sid = M.t[t].parent;
  if (sid < 0 || sid == ROOT_SCOPE)
    return;
  /* Now and then where the walk must climb out past a shield (D80). */
  if (rnd(2) == 0 && (t = pick_scope(has_shield_climb_below)) >= 0)
    sid = t;
  rc = bcsc_scope_cancel(&frames[scope_owner(sid)].scopes[sid % NS]);
  MCHECK(rc == 0, "cancel scope %d: %s", sid, rc_name(rc));
  m_cancel_scope_call(sid);
}

static void op_wake(int all) {
  int q = rnd(NQ);
  uintptr_t value = (uintptr_t)(1 + rnd(1000));
  int rc, want;
  op_name = all ? "wake_all" : "wake_one";
  rc = all ? bcsc_waitq_wake_all(&queues[q], value)
           : bcsc_waitq_wake_one(&queues[q], value);
  want = all ? m_fire_all(q, value) : m_fire_one(q, value);
  MCHECK(rc == want, "%s(list %d) woke %d, expected %d", op_name, q, rc, want);
}

/* A task waiting in bcsc_scope_start() keeps calling it until a result. */
static int is_scriptable(int t) { return m_live(t) && !M.t[t].start_open; }

static int can_start(int t) {
  return can_open(t) && M.t[t].script.act != A_START;
}

/* Have task t start a child with bcsc_scope_start() (bcsc/start.h): a free
 * frame, into an open scope of its own (an outer one) or of any task. */
static int plan_start(int t) {
  int c, target = -1;
  if (!can_start(t) || pick(NT, is_free) < 0)
    return 0;
  if (M.t[t].nscopes > 0 && rnd(3) == 0)
    target = scope_id(t, rnd(M.t[t].nscopes));
  /* Now and then a shield of a cancelled owner: the child moves in
   * uncancelled (D80). */
  if (rnd(2) == 0 && (c = pick_scope(is_shield_behind)) >= 0)
    target = c;
  /* ... and one of its own, which it starts into from inside (D83). */
  for (int k = 0; k < M.t[t].nscopes && rnd(2) == 0; k++)
    if (M.s[scope_id(t, k)].shield && M.s[scope_id(t, k)].open)
      target = scope_id(t, k);
  /* ... or, with a shield of its own holding children, elsewhere: the
   * start's scope, unshielded then, is an inner scope a cancel walk
   * climbs out of past that shield (shield_walk_climb). */
  for (int k = 0; k < M.t[t].nscopes; k++)
    if (M.s[scope_id(t, k)].shield && M.s[scope_id(t, k)].n > 0 &&
        (c = pick_scope(is_open_task_scope)) >= 0 && scope_owner(c) != t)
      target = c;
  c = pick(NT, is_free);
  if (target < 0 || !M.s[target].open)
    target = pick_scope(is_open_task_scope);
  if (target < 0)
    return 0;
  op_name = "set_script_start";
  prepare_frame(c);
  M.t[c].depth = M.t[t].depth + 1;
  set_script(c, random_script(c));
  set_cmode(c, rnd(C_COUNT));
  set_script(t, (script_t){A_START, target, c, (uint64_t)w0_list()});
  return 1;
}

/* The start (of any task's) whose child t is or was, or -1. */
static int start_of(int t) {
  for (int st = 0; st < NT; st++)
    if (M.t[st].start_child == t &&
        (M.t[st].start_state == ST_PENDING || M.t[st].start_state == ST_READY))
      return st;
  return -1;
}

/* The next abort call meddles (D76) - with `m`, or any call if MD_NONE -
 * if no planned answer is waiting for an earlier one: set up with a
 * script whose abort call comes from the run loop after the poll. */
static void plan_meddle(int m) {
  if (m == MD_NONE)
    m = 1 + rnd(MD_N - 1);
  if (abort_plan_n == 0)
    abort_plan[abort_plan_n++] = rnd(AB_N) + AB_N * (rnd(8) + 8 * m);
}

/* Scripts whose completion source's registration the run loop takes back
 * after the poll returned, outside any poll (D76), each with a meddling
 * abort function now and then: a return holding it - w[1] registered
 * first, so that the walk asks w[0] with w[1] still linked; or a baton
 * still held, which the run loop unlinks for before it passes the baton
 * on (executor.c) - and a yield before registering w[1] there, dropped
 * when the poll returns PENDING. Returns 1 if it set a side effect. */
static int plan_post_poll(int t) {
  mtask_t *mt = &M.t[t];
  int a = QA0 + rnd(NA), result, b;
  if (!M.q[a].abortable || rnd(4) != 0)
    return 0;
  result = results[rnd((int)(sizeof results / sizeof results[0]))];
  if (m_is_baton(t, 1) || m_is_baton(t, NODE_CH)) {
    set_script(t, (script_t){A_WAITDONE, a, result, 0});
    plan_meddle(MD_NONE);
  } else if (mt->script.act == A_YIELD) {
    set_side(t, S_RELINK_W1, a);
    plan_meddle(MD_NONE);
    return 1;
  } else if (rnd(3) == 0) {
    /* Mostly a call on w[1], which the walk has not reached: on the other
     * source's list, a plain one, or the hand-off list (a fire there is a
     * baton for a task that has returned: the run loop passes it on). */
    b = rnd(2) ? QA0 + (a == QA0) : rnd(NPLAIN + 1);
    set_script(
        t, (script_t){A_WAITDONE, a, result, WD_W1_FIRST | (uint64_t)(1 + b)});
    plan_meddle(rnd(3) == 0 ? MD_NONE
                : rnd(2)    ? MD_WAKE_OTHER
                            : MD_UNLINK_OTHER);
  }
  return 0;
}

static void op_script(void) {
  int t = pick(NT, is_scriptable), st;
  op_name = "set_script";
  if (t < 0)
    return;
  /* Starts come mostly from tasks whose scope holds children already: the
   * start's scope is then a second one with a task in it. */
  if ((M.t[t].nscopes == 1 && M.s[scope_id(t, 0)].n > 0 ? rnd(2) : rnd(6)) !=
          0 ||
      !plan_start(t))
    set_script(t, random_script(t));
  if (plan_post_poll(t))
    return;
  /* A started child says ready (once more: misuse), mostly while its
   * start is pending. */
  st = start_of(t);
  if (st >= 0 && (M.t[t].parent == START_SID(st) ? rnd(2) : rnd(16)) == 0) {
    set_side(t, S_READY, st + NT * (rnd(6) == 0));
    return;
  }
  /* A scope just opened gets an error list now and then. */
  if (M.t[t].script.act == A_OPEN && rnd(3) == 0) {
    int cap = rnd(8) == 0 ? 0 : rnd(2) ? 1 : 2 + rnd(ELIST_MAX - 1);
    script_t sc = M.t[t].script;
    /* Mostly WAIT_ALL: every failure is recorded, more than fit. */
    if (rnd(2) == 0) {
      sc.a = (sc.a & BCSC_SCOPE_SHIELD) | BCSC_SCOPE_WAIT_ALL;
      set_script(t, sc);
    }
    set_side(t, S_ERRLIST, M.t[t].nscopes % NS + NS * cap);
    return;
  }
  if (rnd(64) == 0) {
    set_side(t, S_READY, rnd(NT));
    return;
  }
  /* A select of a completion source's node and the hand-off list: a
   * baton that wakes a task whose abort is pending waits with it. */
  if (M.t[t].script.act == A_WAIT2 && M.q[M.t[t].script.a].abortable &&
      M.q[M.t[t].script.b].abortable && rnd(4) != 0) {
    /* Both nodes on completion sources: asked together. */
    if (rnd(2))
      set_side(t, S_CANCEL_TASK, t);
    else
      set_side(t, S_CANCEL_W0, 0);
    return;
  }
  if (M.t[t].script.act == A_WAIT2 && M.q[M.t[t].script.a].abortable &&
      rnd(3) == 0) {
    set_side(t, S_RELINK_W1, QH);
    return;
  }
  /* A task that cancels itself right after registering there: woken in
   * its own poll, its abort pending, it must not be queued again. */
  if ((M.t[t].script.act == A_WAIT || M.t[t].script.act == A_AWAIT ||
       M.t[t].script.act == A_SLEEP2) &&
      M.q[M.t[t].script.a].abortable && rnd(4) == 0) {
    set_side(t, S_CANCEL_TASK, t);
    return;
  }
  /* A shield set or taken away (D83): most often where that matters - a
   * shield whose owner is cancelled, or a scope a start is pending into. */
  if (rnd(24) == 0) {
    int sid = pick_scope(is_open_task_scope), on;
    for (int o = 0; o < NT && rnd(2) == 0; o++)
      if (M.t[o].start_open && M.t[o].start_reserving &&
          M.t[o].start_target < NFSCOPE && M.s[M.t[o].start_target].open)
        sid = M.t[o].start_target;
    if (rnd(2) == 0 && pick_scope(is_shield_behind) >= 0)
      sid = pick_scope(is_shield_behind);
    if (sid >= 0) {
      /* Mostly a change: on for a plain scope, off for a shielded one. */
      on = M.s[sid].shield ? rnd(4) == 0 : rnd(4) != 0;
      set_side(t, S_SHIELD, sid + NFSCOPE * on);
      return;
    }
  }
  /* Now and then, also something to do to others from inside the poll. */
  switch (rnd(18)) {
  case 16:
  case 17:
    /* bcsc_wait_cancel(w[0]) after the script's calls: on a completion
     * source's list the abort is asked (PENDING: held). */
    set_side(t, S_CANCEL_W0, 0);
    break;
  case 14:
  case 15: {
    /* A scope deadline, now and then of an unknown kind (refused). */
    int k = M.t[t].script.act == A_OPEN && rnd(2) ? M.t[t].nscopes
            : M.t[t].nscopes > 0                  ? rnd(M.t[t].nscopes)
                                                  : 0;
    /* Often on a scope with a grace: the deadline starts it, or is kept
     * aside while it runs (D60). */
    for (int j = 0; j < M.t[t].nscopes; j++)
      if (M.s[scope_id(t, j)].has_grace && rnd(2) == 0)
        k = j;
    /* Often above a shield, and passed: the deadline stops there at
     * once (D80). */
    int above = 0;
    for (int j = 0; j < M.t[t].nscopes; j++)
      if (!M.s[scope_id(t, j)].cancelled && m_shield_below(scope_id(t, j), 1) &&
          rnd(2) == 0) {
        k = j;
        above = 1;
      }
    /* Often joined at once: the join reports the timeout. */
    if (k == M.t[t].nscopes - 1 && rnd(2) == 0)
      set_script(t, (script_t){A_JOIN, rnd(NPLAIN), 0, 0});
    set_side(t, S_DEADLINE,
             k % NS + NS * (rnd(16) == 0 ? 2 : rnd(2)) + NS * 3 * rnd(2));
    frames[t].side_val = M.t[t].side_val = scope_deadline(scope_id(t, k % NS));
    if (above && rnd(2) && M.now >= 64)
      frames[t].side_val = M.t[t].side_val = M.now - 1;
    break;
  }
  case 6:
    set_side(t, S_TRY_SEND, 0);
    break;
  case 7:
    set_side(t, S_TRY_RECV, 0);
    break;
  case 8:
    if (rnd(512) == 0)
      set_side(t, S_CLOSE, 0);
    else if (rnd(4) == 0)
      set_side(t, S_CLEANUP, rnd(4) ? pick(NTT, is_live) : rnd(NTT));
    break;
  case 9: {
    /* Mostly on the scope the script opens, before any child fails. */
    int k = M.t[t].script.act == A_OPEN ? M.t[t].nscopes : rnd(NS);
    int cap = rnd(8) == 0 ? 0 : rnd(2) ? 1 : 2 + rnd(ELIST_MAX - 1);
    set_side(t, S_ERRLIST, k % NS + NS * cap);
    break;
  }
  case 12:
  case 13: {
    /* A drain grace: mostly short, so that it runs out while a cancelled
     * subtree still drains; now and then removed, or 0 (refused). */
    int k = M.t[t].script.act == A_OPEN && rnd(2) ? M.t[t].nscopes : rnd(NS);
    /* Often again on a scope whose period runs: it restarts. */
    for (int j = 0; j < M.t[t].nscopes; j++)
      if (M.s[scope_id(t, j)].armed && rnd(2) == 0)
        k = j;
    uint64_t period = rnd(4) ? 1 + (uint64_t)rnd(4096) : rnd64(3) % (1u << 22);
    int mode = rnd(6) == 0 ? 0 : rnd(4) ? 1 : 2 + rnd(2);
    /* Mode 3 starts a long period: a cancellation from above, later,
     * should find it still running (so mostly where one can come: below
     * a frame's scope, on a scope that is open). */
    if (M.t[t].parent < NFSCOPE && !M.t[t].cancelled && M.t[t].nscopes > 0 &&
        rnd(2) == 0) {
      mode = 3;
      k = rnd(M.t[t].nscopes);
    }
    if (mode == 3) {
      period = 4096 + rnd64(3) % (1u << 22);
      /* ... and have a coming park (after the clock moved) cancel the
       * scope the task is in. */
      if (M.t[t].parent < NFSCOPE && plan_n < PLAN_CAP)
        plan[plan_n++] = (plan_t){H_CANCEL_SCOPE, M.t[t].parent};
    }
    if (mode >= 2 && period == 0)
      period = 1;
    set_side(t, S_GRACE, k % NS + NS * mode);
    frames[t].side_val = M.t[t].side_val = period;
    break;
  }
  case 10:
  case 11: {
    int k = M.t[t].script.act == A_OPEN && rnd(2) ? M.t[t].nscopes
            : M.t[t].nscopes > 0                  ? rnd(M.t[t].nscopes)
                                                  : rnd(NS);
    set_side(t, S_CONTEXT, k % NS + NS * rnd(NKEY) + NS * NKEY * rnd(3));
    break;
  }
  case 4:
    set_side(t, S_CANCEL_W1, 0);
    break;
  case 5:
    /* w[1] may wait on the hand-off list too: a task that declines a
     * baton while another of its nodes waits there passes the baton to
     * itself, and must still pass it on if its next poll does not take it
     * (the walk found wait.c dropping the task's baton flag there). */
    set_side(t, S_RELINK_W1, rnd(QH + 1));
    break;
  case 0:
    set_side(t, S_WAKE_ONE, rnd(NQ));
    break;
  case 1:
    set_side(t, S_WAKE_ALL, rnd(NQ));
    break;
  case 2: {
    int x = rnd(4) == 0 ? t : pick(NT, is_spawned);
    if (x >= 0)
      set_side(t, S_CANCEL_TASK, x);
    break;
  }
  case 3: {
    int sid = pick_scope(is_open_task_scope);
    if (sid >= 0)
      set_side(t, S_CANCEL_SCOPE, sid);
    break;
  }
  default:
    break;
  }
}

static void op_cmode(void) {
  int t = pick(NT, is_live);
  op_name = "set_cancel_mode";
  if (t >= 0)
    set_cmode(t, rnd(C_COUNT));
}

static int op_poll(uint32_t budget) {
  int rc = bcsc_executor_poll(&ex, budget);
  int want = m_poll(budget);
  MCHECK(rc == want, "poll(%u) made %d turns, expected %d", budget, rc, want);
  return want;
}

static void op_poll_one(void) {
  op_name = "poll_one";
  op_poll(1);
}

/* Poll with a random budget until a call comes back short: idle. */
static void op_run_idle(void) {
  uint32_t budget = (uint32_t)(1 + rnd(40));
  op_name = "poll_until_idle";
  for (int i = 0;; i++) {
    MCHECK(i < 10000, "poll(%u) never goes idle", budget);
    if (op_poll(budget) < (int)budget)
      break;
    compare_all();
  }
}

static void op_run(void) {
  int rc, want, t;
  op_name = "run";
  if (rnd(2)) {
    rc = bcsc_executor_run(&ex, NULL);
    want = m_run(-1);
  } else if ((t = pick(NT, rnd(2) ? is_live_root : is_root)) >= 0) {
    op_name = "run_root";
    rc = bcsc_executor_run(&ex, &frames[t].task);
    want = m_run(t);
    if (M.t[t].state == MS_DONE)
      M.cov[COV_RUN_ROOT_DONE]++;
  } else {
    return;
  }
  if (want == BCSC_EDEADLK)
    M.cov[COV_DEADLK]++;
  MCHECK(rc == want, "%s returned %s, expected %s", op_name, rc_name(rc),
         rc_name(want));
}

/* Whether a live task's cleanup waits for a shield's children (D80). */
static int m_shield_busy(int t) {
  for (int k = 0; k < M.t[t].nscopes && t < NT; k++)
    if (M.s[scope_id(t, k)].shield && M.s[scope_id(t, k)].n > 0)
      return 1;
  return 0;
}

/* bcsc_task_cleanup() (D82), as a frame's cleanup function calls it when
 * the block holding the frame ends: a zero frame, an idle one and a
 * completed one are left alone; a live task - in any state: ready,
 * waiting on a list, a completion source, its timer or the channel,
 * draining, a wrapper - is cancelled (bcsc_task_cancel()'s walk: shields
 * stop it) and the executor runs, as bcsc_executor_run(ex, task) does,
 * until it completes; one that cannot (the run fails) is left as it is
 * and reported, FRAME_LEFT_LIVE. */
static void op_task_cleanup(void) {
  int t, kind = rnd(6);
  mtask_t *mt;
  op_name = "task_cleanup";
  if (kind == 0) {
    bcsc_task_t zero;
    memset(&zero, 0, sizeof zero);
    bcsc_task_cleanup(&zero);
    bcsc_task_cleanup(NULL);
    M.cov[COV_TC_ZERO]++;
    return;
  }
  if (kind == 1) {
    if ((t = pick(NT, is_free)) < 0)
      return;
    if (frames[t].task.priv.magic == 0) {
      M.cov[COV_TC_ZERO]++; /* never spawned in this walk */
    } else if (M.t[t].state == MS_DONE && rnd(2)) {
      M.cov[COV_TC_DONE]++;
    } else {
      prepare_frame(t);
      M.cov[COV_TC_IDLE]++;
    }
    bcsc_task_cleanup(&frames[t].task);
    return;
  }
  if ((t = pick(NTT, is_live)) < 0)
    return;
  mt = &M.t[t];
  if (mt->state == MS_QUEUED)
    M.cov[COV_TC_QUEUED]++;
  if (mt->draining)
    M.cov[COV_TC_DRAINING]++;
  if (m_has_held(t) ||
      (mt->node[0] == N_LINKED && M.q[m_node_list(t, 0)].abortable))
    M.cov[COV_TC_HELD]++;
  else if (mt->node[0] == N_LINKED || mt->node[1] == N_LINKED)
    M.cov[COV_TC_WAITING]++;
  if (mt->node[NODE_TIMER] == N_LINKED)
    M.cov[COV_TC_TIMER]++;
  if (mt->node[NODE_CH] == N_LINKED)
    M.cov[COV_TC_CHANNEL]++;
  if (m_shield_busy(t))
    M.cov[COV_TC_SHIELD]++;
  if (t >= NT)
    M.cov[COV_TC_WRAPPER]++;
  bcsc_task_cleanup(real_task(t));
  m_cancel_task(t);
  (void)m_run(t);
  if (mt->state == MS_DONE) {
    M.cov[COV_TC_ENDED]++;
  } else {
    M.cov[COV_TC_LEFT_LIVE]++;
    expect_misuse(BCSC_MISUSE_FRAME_LEFT_LIVE);
  }
}

static int has_two_links(int t) {
  return M.t[t].state == MS_WAITING && M.t[t].node[0] == N_LINKED &&
         M.t[t].node[1] == N_LINKED;
}

/* A waiting task whose w[0] is on a completion source's list, held, or
 * with something else that still wakes it (w[1], its timer). */
static int has_abort_link(int t) {
  int q;
  return M.t[t].state == MS_WAITING && M.t[t].node[0] == N_LINKED &&
         (q = m_node_list(t, 0)) >= 0 && M.q[q].abortable &&
         (M.t[t].held[0] || M.t[t].node[1] == N_LINKED ||
          M.t[t].node[NODE_TIMER] == N_LINKED);
}

/* bcsc_wait_cancel() from outside: unlink one arm of a waiting select (the
 * other still wakes it), or cancel a node that is not linked (nothing); or
 * ask a completion source's node's abort (held: PENDING, asking nothing). */
static void op_wait_cancel(void) {
  int t = rnd(2) ? pick(NT, has_abort_link) : -1;
  int k = t >= 0 ? 0 : rnd(2), rc, want;
  op_name = "wait_cancel";
  if (t < 0)
    t = pick(NT, has_two_links);
  if (t < 0) {
    if ((t = pick(NT, is_spawned)) < 0 || M.t[t].node[k] == N_LINKED)
      return;
  }
  real_wait_cancelling = 1;
  rc = bcsc_wait_cancel(&frames[t].w[k]);
  real_wait_cancelling = 0;
  want = m_cancel_node(t, k);
  if (want == 1 && M.t[t].node[k] != N_LINKED)
    M.cov[COV_WAIT_CANCEL]++;
  MCHECK(rc == want, "wait_cancel(task %d w[%d]) returned %d, expected %d", t,
         k, rc, want);
}

static void op_channel_renew(void);

/* Calls the library must refuse, changing nothing. */
static void op_refused(void) {
  int t, rc;
  op_name = "refused";
  switch (rnd(5)) {
  case 3: /* tear down a completion source's list with nodes linked */
  case 4: {
    int q = QA0 + rnd(NA), held = 0;
    if (M.q[q].n == 0) {
      /* Nobody there: the channel's teardown, refused while busy. */
      if (M.q[Q_SEND].n > 0 || M.q[Q_RECV].n > 0 || M.q[Q_SEND].batons > 0 ||
          M.q[Q_RECV].batons > 0)
        op_channel_renew();
      return;
    }
    for (int i = 0; i < M.q[q].n; i++)
      held |= M.t[M.q[q].e[i].task].held[M.q[q].e[i].node];
    rc = bcsc_waitq_deinit(&queues[q]);
    MCHECK(rc == BCSC_EBUSY, "deinit of list %d with waiters: %s", q,
           rc_name(rc));
    expect_misuse(BCSC_MISUSE_WAITQ_BUSY);
    if (held)
      M.cov[COV_AB_DEINIT_BUSY]++;
    /* ... nor made plain, or a hand-off list. */
    rc = bcsc_waitq_set_abort(&queues[q], NULL, NULL);
    MCHECK(rc == BCSC_EBUSY, "set_abort of list %d with waiters: %s", q,
           rc_name(rc));
    rc = bcsc_waitq_set_handoff(&queues[q], 1);
    MCHECK(rc == (M.q[q].abortable ? BCSC_EINVAL : BCSC_EBUSY),
           "set_handoff of list %d (a source's: %d): %s", q, M.q[q].abortable,
           rc_name(rc));
    expect_misuse(BCSC_MISUSE_WAITQ_BUSY);
    expect_misuse(M.q[q].abortable ? BCSC_MISUSE_BAD_ARGUMENT
                                   : BCSC_MISUSE_WAITQ_BUSY);
    break;
  }
  case 0: /* spawn a live frame again */
    if ((t = pick(NT, is_live)) < 0)
      return;
    rc = bcsc_executor_spawn(&ex, &frames[t].task);
    MCHECK(rc == BCSC_EBUSY, "double spawn of %d: %s", t, rc_name(rc));
    expect_misuse(BCSC_MISUSE_DOUBLE_SPAWN);
    break;
  case 1: /* spawn into a scope that was joined */
    if ((t = pick(NT, is_free)) < 0)
      return;
    {
      int sid = pick(NSCOPE, was_opened_closed);
      if (sid < 0)
        return;
      prepare_frame(t);
      rc = bcsc_scope_spawn(&frames[scope_owner(sid)].scopes[sid % NS],
                            &frames[t].task);
      MCHECK(rc == BCSC_ESTATE, "spawn into closed scope %d: %s", sid,
             rc_name(rc));
      expect_misuse(BCSC_MISUSE_SCOPE_CLOSED);
    }
    break;
  default: /* tear down the executor while tasks are live */
    if (M.s[ROOT_SCOPE].n == 0)
      return;
    rc = bcsc_executor_deinit(&ex);
    MCHECK(rc == BCSC_EBUSY, "deinit with live roots: %s", rc_name(rc));
    expect_misuse(BCSC_MISUSE_EXECUTOR_BUSY);
    for (t = 0; t < NT; t++)
      if (m_live(t) && m_has_held(t)) {
        M.cov[COV_AB_EXECUTOR_BUSY]++;
        break;
      }
    break;
  }
  M.cov[COV_MISUSE_REFUSED]++;
}

/* Completion sources (D67): plan the next answers of their abort
 * functions, or change a list's default answer. */
static void op_abort_plan(void) {
  op_name = "plan_abort";
  if (rnd(8) == 0) {
    /* An empty one made plain, or a source's again (D67: only when
     * empty); waiting on it while plain unlinks as usual. */
    int q = QA0 + rnd(NA), on = !M.q[q].abortable, rc;
    op_name = "set_abort";
    if (M.q[q].n > 0)
      return;
    rc = bcsc_waitq_set_abort(&queues[q], on ? source_abort : NULL,
                              on ? &queues[q] : NULL);
    MCHECK(rc == 0, "set_abort(list %d, %d): %s", q, on, rc_name(rc));
    M.q[q].abortable = on;
    M.cov[COV_AB_TOGGLED]++;
    return;
  }
  if (rnd(4) == 0) {
    int k = rnd(NA);
    abort_default_real[k] = M.adefault[k] = rnd(AB_N) + AB_N * rnd(8);
    return;
  }
  for (int n = 1 + rnd(4); n > 0 && abort_plan_n < ABORT_PLAN_CAP; n--)
    abort_plan[abort_plan_n++] =
        rnd(AB_N) + AB_N * (rnd(8) + 8 * (rnd(2) ? 1 + rnd(MD_N - 1) : 0));
}

/* A completion source reports: its oldest operation, or all of them,
 * completed (held nodes fire: their tasks go on). */
static void op_fire_source(void) {
  int q = QA0 + rnd(NA), all = rnd(3) == 0, rc, want;
  uintptr_t value = (uintptr_t)(400 + rnd(100));
  op_name = all ? "source_fire_all" : "source_fire_one";
  rc = all ? bcsc_waitq_wake_all(&queues[q], value)
           : bcsc_waitq_wake_one(&queues[q], value);
  want = all ? m_fire_all(q, value) : m_fire_one(q, value);
  MCHECK(rc == want, "%s(list %d) woke %d, expected %d", op_name, q, rc, want);
}

/* Time passes outside: the next poll or run fires what came due. */
static void op_advance(void) {
  uint64_t ns =
      rnd(4) == 0 ? rnd64(4) % ((uint64_t)1 << 24) : (uint64_t)rnd(2048);
  op_name = "advance_clock";
  bcsc_fault_reactor_advance(&reactor, ns);
  M.now += ns;
}

static int was_opened(int sid) { return sid < NFSCOPE && M.s[sid].ever_opened; }

/* Plan a call for the reactor to make from inside a coming park. */
static void op_plan_park(void) {
  plan_t p = {rnd(H_N), 0};
  int t;
  op_name = "plan_park_call";
  if (plan_n == PLAN_CAP)
    return;
  switch (p.kind) {
  case H_WAKE_ONE:
  case H_WAKE_ALL:
    p.arg = rnd(NQ);
    break;
  case H_CANCEL_TASK:
    if ((p.arg = pick(NT, is_spawned)) < 0)
      return;
    break;
  default:
    if ((p.arg = pick(NSCOPE, was_opened)) < 0)
      return;
    /* Often the scope above a running grace: the park moves the clock
     * first, so the mark comes later than the period's start. */
    if (rnd(2) && (t = pick(NT, owns_running_grace)) >= 0)
      p.arg = M.t[t].parent;
    break;
  }
  plan[plan_n++] = p;
}

/* The next parks misbehave: spurious, early or late wakes. */
static void op_park_anomaly(void) {
  int mode = 1 + rnd(3);
  uint32_t count = (uint32_t)(1 + rnd(3));
  uint64_t late = (uint64_t)rnd(5000);
  op_name = "park_anomaly";
  bcsc_fault_reactor_wake(&reactor, mode, count, late);
  M.wake_mode = mode;
  M.wake_count = count;
  M.late_ns = late;
}

/* A park a few parks from now fails, once or from then on; or nothing
 * fails any more. */
static void op_fault(void) {
  op_name = "arm_fault";
  if (rnd(3) == 0) {
    bcsc_fault_reactor_fail(&reactor, 0, BCSC_FAULT_OFF, 0);
    M.fail_at = 0;
    M.fail_mode = BCSC_FAULT_OFF;
    return;
  }
  M.fail_at = M.rparks + 1 + (uint64_t)rnd(4);
  M.fail_mode = rnd(3) == 0 ? BCSC_FAULT_PERSISTENT : BCSC_FAULT_ONCE;
  M.fail_rc = rnd(2) ? BCSC_ESTATE : BCSC_EUSER - 7;
  bcsc_fault_reactor_fail(&reactor, M.fail_at, M.fail_mode, M.fail_rc);
}

static void op_unpark_foreign(void) {
  op_name = "unpark_from_thread";
  bcsc_fault_reactor_unpark_from_thread(&reactor);
  M.unparked = 1;
}

/* Tear the channel down and make a new one (another capacity): refused,
 * changing nothing, while a task waits on it or holds a wake from it. The
 * messages left in the ring are dropped, and numbering starts again. */
static void op_channel_renew(void) {
  int rc, busy = M.q[Q_SEND].n > 0 || M.q[Q_RECV].n > 0 ||
                 M.q[Q_SEND].batons > 0 || M.q[Q_RECV].batons > 0;
  op_name = "channel_renew";
  rc = bcsc_channel_deinit(&chan);
  if (busy) {
    MCHECK(rc == BCSC_EBUSY, "channel_deinit with waiters: %s", rc_name(rc));
    expect_misuse(BCSC_MISUSE_WAITQ_BUSY);
    M.cov[COV_CH_DEINIT_BUSY]++;
    return;
  }
  MCHECK(rc == 0, "channel_deinit: %s", rc_name(rc));
  M.cap = 1 + rnd(CH_MAX);
  M.head = M.count = M.closed = 0;
  for (int p = 0; p < PRODUCERS; p++)
    M.seq[p] = real_seq[p] = real_recv_next[p] = 1;
  real_sent = real_received = 0;
  MCHECK(bcsc_channel_init(&chan, chan_ring, (size_t)M.cap * sizeof(uint32_t),
                           sizeof(uint32_t)) == 0,
         "channel_init");
  M.cov[COV_CH_RENEW]++;
}

/* The host sends, receives or closes without waiting. */
static void op_channel(void) {
  int rc, want;
  switch (rnd(9)) {
  case 0: {
    /* A closed channel only says so: close now and then, and once it is
     * closed, renew it when nobody waits any more. */
    int waiters = M.q[Q_SEND].n + M.q[Q_RECV].n, r = rnd(32);
    if (M.closed || r == 1) {
      op_channel_renew();
      return;
    }
    /* Mostly while tasks wait on it: they must all learn it. */
    if (waiters > 0 ? r >= 8 : r != 0)
      return;
    op_name = "channel_close";
    rc = bcsc_channel_close(&chan);
    m_close();
    MCHECK(rc == 0, "channel_close: %s", rc_name(rc));
    break;
  }
  case 1:
  case 2:
  case 3:
  case 4: {
    uint32_t v = ch_msg(HOST_PRODUCER, real_seq[HOST_PRODUCER]);
    op_name = "channel_try_send";
    rc = bcsc_channel_try_send(&chan, &v, sizeof v);
    if (rc == 0)
      real_note_sent(HOST_PRODUCER);
    want = m_try_send(ch_msg(HOST_PRODUCER, M.seq[HOST_PRODUCER]));
    if (want == 0)
      M.seq[HOST_PRODUCER]++;
    MCHECK(rc == want, "try_send: %s, expected %s", rc_name(rc), rc_name(want));
    break;
  }
  default: {
    uint32_t got = 0, expect = 0;
    op_name = "channel_try_recv";
    rc = bcsc_channel_try_recv(&chan, &got, sizeof got);
    if (rc == 0)
      real_note_received(got);
    want = m_try_recv(&expect);
    MCHECK(rc == want && got == expect, "try_recv: %s %u, expected %s %u",
           rc_name(rc), got, rc_name(want), expect);
    break;
  }
  }
}

/* ---- set-up and teardown ------------------------------------------------ */

static void epoch_begin(void) {
  bcsc_executor_config_t config = {.size = sizeof config,
                                   .reactor = &reactor.base};
  op_name = "setup";
  MCHECK(bcsc_executor_init(&ex, &config) == 0, "executor_init");
  for (int q = 0; q < NQ; q++)
    MCHECK(bcsc_waitq_init(&queues[q]) == 0, "waitq_init");
  M.cap = 1 + rnd(CH_MAX);
  M.head = M.count = M.closed = 0;
  for (int p = 0; p < PRODUCERS; p++) {
    M.seq[p] = real_seq[p] = real_recv_next[p] = 1;
  }
  real_sent = real_received = 0;
  MCHECK(bcsc_channel_init(&chan, chan_ring, (size_t)M.cap * sizeof(uint32_t),
                           sizeof(uint32_t)) == 0,
         "channel_init");
  ex_up = 1;
  memset(M.q, 0, sizeof M.q);
  MCHECK(bcsc_waitq_set_handoff(&queues[QH], 1) == 0, "set_handoff");
  M.q[QH].handoff = 1;
  /* The completion sources: their abort functions mostly answer pending
   * unless told otherwise. */
  for (int k = 0; k < NA; k++) {
    MCHECK(bcsc_waitq_set_abort(&queues[QA0 + k], source_abort,
                                &queues[QA0 + k]) == 0,
           "set_abort");
    M.q[QA0 + k].abortable = 1;
    abort_default_real[k] = M.adefault[k] =
        (rnd(3) ? AB_PENDING : rnd(AB_N)) + AB_N * k;
  }
  M.q[Q_SEND].handoff = M.q[Q_RECV].handoff = 1;
  memset(&M.s[ROOT_SCOPE], 0, sizeof M.s[ROOT_SCOPE]);
  M.s[ROOT_SCOPE].open = 1;
  M.s[ROOT_SCOPE].policy = BCSC_SCOPE_WAIT_ALL;
  M.rq_head = M.rq_n = 0;
  M.polls = M.wakes = M.spawns = M.completions = M.cancels = 0;
  M.timers_fired = M.parks = 0;
  compare_all();
}

static void one_op(void);

/* bcsc_executor_shutdown() (D82) in the model: the root scope's
 * cancellation (shields stop it), then bcsc_executor_run(ex, NULL). */
static int m_shutdown(void) {
  m_cancel_scope(ROOT_SCOPE);
  return m_run(-1);
}

/* Two executors in three end with bcsc_executor_shutdown() (D82): the tasks
 * as they are, or made to obey cancellation, or that and the sources'
 * events arriving while the shutdown's run parks (the park's planned calls:
 * wakes of every list - held completion sources fire -, cancels of the
 * shields, whose children would run on) with the sources answering done:
 * shields, graces, held nodes and asynchronous cleanups in play. It
 * ends every root and tears the executor down (1), or fails with
 * BCSC_EDEADLK - a cleanup waits for what nothing fires - and leaves
 * everything in place, the roots cancelled (0): then the walk goes on a
 * little, the roots spawned meanwhile starting cancelled, and the teardown
 * below ends it with bcsc_executor_cleanup(). */
static int epoch_shutdown(void) {
  int rc, want, root, shield = 0, held = 0, mode = rnd(4);
  op_name = "shutdown";
  if (mode >= 2) {
    for (int k = 0; k < NA; k++)
      abort_default_real[k] = M.adefault[k] = AB_DONE + AB_N * rnd(8);
    for (int round = 0; round < 3; round++) {
      for (int sid = 0; sid < NFSCOPE && plan_n < PLAN_CAP; sid++)
        if (M.s[sid].open && M.s[sid].shield && !M.s[sid].cancelled)
          plan[plan_n++] = (plan_t){H_CANCEL_SCOPE, sid};
      for (int q = 0; q < NQ && plan_n < PLAN_CAP; q++)
        plan[plan_n++] = (plan_t){H_WAKE_ALL, q};
    }
  }
  if (mode > 0) {
    for (int t = 0; t < NT; t++)
      if (m_live(t))
        set_cmode(t, C_OK);
    for (int w = NT; w < NTT; w++)
      if (m_live(w))
        set_cmode(M.t[w].wchild, C_OK);
  }
  for (int t = 0; t < NT; t++) {
    shield |= m_live(t) && m_shield_busy(t);
    held |= m_live(t) && m_has_held(t);
  }
  rc = bcsc_executor_shutdown(&ex);
  want = m_shutdown();
  MCHECK(rc == want, "shutdown returned %s, expected %s", rc_name(rc),
         rc_name(want));
  if (shield)
    M.cov[COV_SD_SHIELD]++;
  if (rc == 0) {
    ex_up = 0;
    M.cov[COV_SD_ENDED]++;
    if (held || abort_model_n > 0)
      M.cov[COV_SD_HELD]++;
    compare_all();
    return 1;
  }
  M.cov[COV_SD_DEADLK]++;
  compare_all();
  /* A root spawned now starts cancelled: the root scope is. */
  if ((root = pick(NT, is_free)) >= 0) {
    prepare_frame(root);
    M.t[root].depth = 0;
    set_script(root, random_script(root));
    set_cmode(root, rnd(C_COUNT));
    MCHECK(bcsc_executor_spawn(&ex, &frames[root].task) == 0, "spawn root %d",
           root);
    m_spawn(ROOT_SCOPE, root);
    compare_all();
  }
  for (int n = 1 + rnd(30); n > 0; n--) {
    if (rnd(4) == 0)
      op_spawn();
    else
      one_op();
    compare_all();
  }
  return 0;
}

/* Cancel every root, make every task obey cancellation, and wake and poll
 * until nothing is live; then every object tears down cleanly. */
static void epoch_end(int shutdown) {
  op_name = "teardown";
  if (shutdown && epoch_shutdown()) {
    op_name = "teardown";
    goto torn_down;
  }
  for (int t = 0; t < NT; t++)
    if (m_live(t))
      set_cmode(t, C_OK);
  /* A wrapper's child not spawned yet: a cancelled wrapper spawns it. */
  for (int w = NT; w < NTT; w++)
    if (m_live(w))
      set_cmode(M.t[w].wchild, C_OK);
  for (int t = 0; t < NTT; t++)
    if (is_live_root(t)) {
      MCHECK(bcsc_task_cancel(real_task(t)) == 0, "cancel root %d", t);
      m_cancel_task(t);
    }
  compare_all();
  for (int round = 0; M.s[ROOT_SCOPE].n > 0; round++) {
    MCHECK(round < 100, "teardown does not converge");
    /* The roots' cancellation stops at shields (D80): their own ends
     * them. */
    for (int sid = 0; sid < NFSCOPE; sid++)
      if (M.s[sid].open && M.s[sid].shield && !M.s[sid].cancelled) {
        MCHECK(bcsc_scope_cancel(&frames[scope_owner(sid)].scopes[sid % NS]) ==
                   0,
               "cancel shielded scope %d", sid);
        m_cancel_scope_call(sid);
      }
    op_run_idle();
    compare_all();
    for (int q = 0; q < NQ; q++) {
      int rc = bcsc_waitq_wake_all(&queues[q], 0);
      MCHECK(rc == m_fire_all(q, 0), "teardown wake_all");
    }
    compare_all();
  }
torn_down:
  MCHECK(M.rq_n == 0, "tasks still ready after teardown");
  for (int t = 0; t < NT; t++)
    MCHECK(!m_live(t), "task %d still live after teardown", t);
  for (int q = 0; q < NWQ; q++)
    MCHECK(M.q[q].batons == 0 && (q < NQ || M.q[q].n == 0),
           "model: list %d has %d batons out, %d waiting", q, M.q[q].batons,
           M.q[q].n);
  for (int q = 0; q < NQ; q++)
    MCHECK(bcsc_waitq_deinit(&queues[q]) == 0, "waitq_deinit %d", q);
  for (int t = 0; t < NT; t++)
    MCHECK(!bcsc_timer_linked(&frames[t].timer) &&
               !bcsc_wait_linked(&frames[t].w[0]) &&
               !bcsc_wait_linked(&frames[t].w[1]) &&
               !bcsc_wait_linked(&frames[t].cw),
           "task %d: a node still linked after teardown", t);
  MCHECK(bcsc_channel_deinit(&chan) == 0, "channel_deinit");
  if (shutdown && ex_up) {
    /* A shutdown that failed: nothing is live now, and the cleanup
     * function (what BCSC_CLEANUP_EXECUTOR calls) ends it quietly. */
    M.cov[COV_SD_CLEANUP]++;
    bcsc_executor_cleanup(&ex);
    MCHECK(m_shutdown() == 0, "model: shutdown");
  } else if (!shutdown) {
    MCHECK(bcsc_executor_deinit(&ex) == 0, "executor_deinit");
  }
  ex_up = 0;
  /* Torn down: a zero executor, which its cleanup function leaves alone
   * (another return path of the block that holds it). */
  bcsc_executor_cleanup(&ex);
  compare_all();
}

static void note_shape(void) {
  for (int t = 0; t < NT; t++) {
    if (!m_live(t))
      continue;
    shape.live++;
    /* A move (bcsc_start_ready()) may take a subtree deeper. */
    shape.depth[M.t[t].depth < MAX_DEPTH ? M.t[t].depth : MAX_DEPTH]++;
    shape.cancelled += M.t[t].cancelled;
    shape.waiting += M.t[t].state == MS_WAITING;
  }
}

/* One operation, chosen by weight. */
typedef struct op_entry {
  void (*fn)(void);
  int weight;
} op_entry_t;

static void op_wake_one(void) { op_wake(0); }
static void op_wake_all(void) { op_wake(1); }

static const op_entry_t op_table[] = {
    {op_spawn, 14},       {op_poll_one, 22},  {op_script, 16},
    {op_wake_one, 8},     {op_wake_all, 5},   {op_cancel_task, 5},
    {op_cancel_scope, 4}, {op_cmode, 4},      {op_run_idle, 4},
    {op_run, 3},          {op_refused, 1},    {op_wait_cancel, 3},
    {op_advance, 5},      {op_plan_park, 2},  {op_park_anomaly, 1},
    {op_fault, 1},        {op_channel, 4},    {op_unpark_foreign, 0},
    {op_supervise, 2},    {op_abort_plan, 2}, {op_fire_source, 4},
    {op_task_cleanup, 2},
};
#define OP_COUNT ((int)(sizeof op_table / sizeof op_table[0]))

static void one_op(void) {
  int total = 0, w;
  for (int i = 0; i < OP_COUNT; i++)
    total += op_table[i].weight;
  /* A foreign thread's unpark costs a thread: about one in 2,000. */
  if (rnd(2000) == 0) {
    op_unpark_foreign();
    return;
  }
  w = rnd(total);
  for (int i = 0; i < OP_COUNT; i++) {
    if (w < op_table[i].weight) {
      op_table[i].fn();
      return;
    }
    w -= op_table[i].weight;
  }
}

long bcsc_fuzz_model_run(const bcsc_fuzz_options_t *o) {
  long ops = o->ops;
  seed = o->seed;
  rng = seed;
  in_data = o->data;
  in_size = o->size;
  in_pos = 0;
  in_exhausted = 0;
  memset(&M, 0, sizeof M);
  memset(&shape, 0, sizeof shape);
  memset(frames, 0, sizeof frames);
  memset(token_value, 0, sizeof token_value);
  grace_real_n = grace_model_n = 0;
  real_nlog = 0;
  misuse_count = 0;
  plan_n = plan_real = plan_model = 0;
  hook_real_n = hook_model_n = 0;
  abort_plan_n = abort_plan_real = abort_plan_model = 0;
  abort_real_n = abort_model_n = 0;
  ex_up = 0;
  epochs = 0;
  op_name = "setup";
  bcsc_set_misuse_handler(record_misuse, NULL);
  for (int t = 0; t < NT; t++) {
    frames[t].id = t;
    M.t[t].tdeadline = BCSC_NO_DEADLINE;
    for (int k = 0; k < NS; k++) {
      MCHECK(bcsc_drain_grace_init(&frames[t].grace[k]) == 0, "init");
      MCHECK(bcsc_error_list_init(&frames[t].elist[k]) == 0, "init");
      for (int j = 0; j < NCTX; j++)
        MCHECK(bcsc_context_init(&frames[t].ctx[k][j]) == 0, "init");
    }
    /* Never-spawned frames are compared too: initialise their nodes. */
    MCHECK(bcsc_timer_init(&frames[t].timer) == 0 &&
               bcsc_wait_init(&frames[t].w[0]) == 0 &&
               bcsc_wait_init(&frames[t].w[1]) == 0 &&
               bcsc_wait_init(&frames[t].cw) == 0,
           "init");
  }
  /* Anywhere below 2^40 ns: every position of the wheel's levels. */
  M.now = rnd64(5) & (((uint64_t)1 << 40) - 1);
  bcsc_fault_reactor_init(&reactor, M.now);
  reactor.hook = park_hook;

  for (step = 0; step < ops && !in_exhausted;) {
    epoch_begin();
    for (long n = 0; n < EPOCH_OPS && step < ops && !in_exhausted;
         n++, step++) {
      one_op();
      compare_all();
      note_shape();
    }
    /* Teardown must not depend on what the reactor was told to do. */
    bcsc_fault_reactor_fail(&reactor, 0, BCSC_FAULT_OFF, 0);
    bcsc_fault_reactor_wake(&reactor, BCSC_FAULT_WAKE_ON_TIME, 0, 0);
    M.fail_at = 0;
    M.fail_mode = BCSC_FAULT_OFF;
    M.wake_count = 0;
    epoch_end(++epochs % 3 != 0);
  }
  bcsc_set_misuse_handler(NULL, NULL);

  if (o->verbose) {
    long n = step > 0 ? step : 1;
    printf("fuzz_model ops=%ld paths:", step);
    for (int c = 0; c < COV_N; c++)
      printf(" %s=%ld", cov_name[c], M.cov[c]);
    printf("\n");
    printf("fuzz_model average tasks: live %.2f cancelled %.2f waiting %.2f; "
           "by depth %.2f %.2f %.2f %.2f\n",
           shape.live / (double)n, shape.cancelled / (double)n,
           shape.waiting / (double)n, shape.depth[0] / (double)n,
           shape.depth[1] / (double)n, shape.depth[2] / (double)n,
           shape.depth[3] / (double)n);
    fflush(stdout);
  }
  if (o->require_paths)
    for (int c = 0; c < COV_N; c++)
      MCHECK(M.cov[c] > 0 || c == COV_GRACE_TWO_SCOPES ||
                 c == COV_SHIELD_START_MOVED || c == COV_SD_HELD ||
                 c == COV_PP_DRAIN_TURN || c == COV_PP_BATON_PASS,
             "path %s never taken: the generator is too weak", cov_name[c]);
  return step;
}
