/* SPDX-License-Identifier: MIT
 * test_model.c - a randomized differential test of the executor, scopes and
 * wait queues against a reference model.
 *
 * A static arena of NT task frames, NQ waiter lists and one executor are
 * driven by random operations: spawn (as a root, or into any open scope),
 * cancel a task or a scope, wake_one / wake_all a list, bcsc_wait_cancel()
 * one arm of a select, change what a task will do the next time it is
 * polled (its "script": wait, select over two lists, await, yield, finish
 * with 0 or an error, open a scope, join its innermost scope - plus, now and
 * then, one call made from inside the poll: wake a list, cancel a task
 * (maybe itself) or a scope, cancel or re-register one of its nodes), change
 * how it reacts to cancellation, poll one step, poll with a budget until
 * idle, bcsc_executor_run(), and calls that must be refused (double spawn,
 * spawn into a joined scope, deinit with live tasks). Scopes nest up to
 * MAX_DEPTH levels below the roots, and a task keeps up to NS scopes open at
 * once (LIFO).
 *
 * The reference model is written from the documented semantics (headers,
 * DESIGN.md section 4, docs/decisions.md), in plain arrays and recursion,
 * sharing no code with the library. Where the documents leave an order
 * open, the model fixes the natural one and so pins it down: a cancelled
 * subtree is queued in pre-order (a task before its children, a task's
 * scopes innermost first, children in spawn order), and a task draining its
 * open scopes waits for them innermost first. After EVERY operation everything
 * observable through the public API is compared: for every frame done /
 * result / cancelled and its wait nodes' linked / fired / value; for every
 * scope live / cancelled / error count; every list's count; the executor's
 * ready count, live roots and all stats counters; the return value of each
 * call; and the exact sequence of poll function invocations (which task, in
 * which order - FIFO - and what it saw: its cancel flag, which of its nodes
 * fired with which value, what join and wait_on returned).
 *
 * Reproducible: the seed comes from BCSC_SEED (decimal or 0x hex) or a fixed
 * default, and is printed at the start and with any failure. BCSC_MODEL_OPS
 * overrides the number of operations (default 400000; the executor is torn
 * down - every task drained, deinit checked - and set up again every
 * EPOCH_OPS operations). */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bcsc.h"

#define NT 16       /* task frames */
#define NQ 4        /* waiter lists */
#define NS 2        /* scopes one task may have open at once */
#define MAX_DEPTH 3 /* tasks at this depth open no scopes */
#define NSCOPE (NT * NS + 1)
#define ROOT_SCOPE (NT * NS) /* the executor's root scope, in the model */
/* Model lists: the NQ real ones, then one join list per scope. */
#define NWQ (NQ + NSCOPE)
#define LOG_CAP 8192 /* polls between two comparisons, at most */
#define DEFAULT_SEED 0x5eed2024ull
#define DEFAULT_OPS 400000L
#define EPOCH_OPS 10000L /* operations between executor teardowns */

/* What a task does the next time it is polled. */
enum act {
  A_WAIT,  /* register w[0] on list a; PENDING (every poll, until changed) */
  A_WAIT2, /* register w[0] on a and w[1] on b: a select */
  A_AWAIT, /* loop { bcsc_wait_on(w[0], a) }: consume fires, then register */
  A_YIELD, /* bcsc_task_yield(); then A_WAIT on b */
  A_DONE,  /* return a (0 or an error) */
  A_OPEN,  /* open a scope with policy a, yield; then A_WAIT on b */
  A_JOIN,  /* join the innermost scope; on a result, A_WAIT on b */
  A_COUNT
};
static const char *const act_name[] = {"wait", "wait2", "await", "yield",
                                       "done", "open",  "join"};

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
  S_COUNT
};

/* What one poll function invocation saw and did. The real poll function
 * fills one in; the model predicts the same record. */
typedef struct pollrec {
  int id;
  int current;   /* bcsc_executor_current() named the task */
  int cancelled; /* bcsc_task_cancelled() at entry */
  int fired[2];  /* bcsc_wait_fired(w[i]) at entry */
  uintptr_t value[2];
  int consumed; /* A_AWAIT: bcsc_wait_on() returned 0 this many times */
  uintptr_t consumed_value;
  int joined; /* A_JOIN: the join returned a result */
  int join_rc;
  int side; /* the side effect made, and what its call returned */
  int side_rc;
  int api_rc; /* first unexpected return of a call made inside the poll */
} pollrec_t;

/* ---- the real side -------------------------------------------------- */

typedef struct frame {
  bcsc_task_t task; /* first: the poll function casts back */
  int id;
  script_t script;
  int cmode;
  int side, side_arg;
  bcsc_wait_t w[2];
  bcsc_scope_t scopes[NS];
  int nopen; /* scopes the task believes open (innermost = nopen - 1) */
} frame_t;

static frame_t frames[NT];
static bcsc_waitq_t queues[NQ];
static bcsc_executor_t ex;

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
    note_api(r, bcsc_wait_register(self, &f->w[0], &queues[f->script.a]), 0);
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
    f->script = (script_t){A_WAIT, f->script.b, 0};
    return bcsc_task_yield(self);
  case A_DONE:
    return f->script.a;
  case A_OPEN:
    if (f->nopen >= NS)
      return -2000; /* the generator broke its own rule */
    rc = bcsc_scope_init(&f->scopes[f->nopen], self, (uint32_t)f->script.a);
    note_api(r, rc, 0);
    if (rc == 0)
      f->nopen++;
    f->script = (script_t){A_WAIT, f->script.b, 0};
    return bcsc_task_yield(self);
  case A_JOIN:
    if (f->nopen == 0)
      return -2001;
    rc = bcsc_scope_join(&f->scopes[f->nopen - 1]);
    if (rc == BCSC_PENDING)
      return BCSC_PENDING;
    r->joined = 1;
    r->join_rc = rc;
    f->nopen--;
    f->script = (script_t){A_WAIT, f->script.b, 0};
    note_api(r, bcsc_wait_register(self, &f->w[0], &queues[f->script.a]), 0);
    return BCSC_PENDING;
  default:
    return -2002;
  }
}

static void frame_side(frame_t *f, pollrec_t *r) {
  int arg = f->side_arg;
  r->side = f->side;
  f->side = S_NONE;
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
  case S_CANCEL_W1:
    r->side_rc = bcsc_wait_cancel(&f->w[1]);
    break;
  case S_RELINK_W1:
    r->side_rc = bcsc_wait_cancel(&f->w[1]);
    note_api(r, bcsc_wait_register(&f->task, &f->w[1], &queues[arg]), 0);
    break;
  default:
    break;
  }
}

static int frame_poll(bcsc_task_t *self) {
  frame_t *f = (frame_t *)(void *)self;
  pollrec_t *r = real_log_push();
  int rc;
  r->id = f->id;
  r->current = bcsc_executor_current(&ex) == self;
  r->cancelled = bcsc_task_cancelled(self);
  for (int i = 0; i < 2; i++) {
    r->fired[i] = bcsc_wait_fired(&f->w[i]);
    r->value[i] = f->w[i].value;
  }
  if (r->cancelled && f->cmode == C_ERR)
    return BCSC_ECANCELED;
  if (r->cancelled && f->cmode == C_OK)
    return 0;
  rc = frame_act(f, r);
  frame_side(f, r);
  return rc;
}

/* ---- the model ------------------------------------------------------ */

enum { MS_FREE, MS_QUEUED, MS_RUNNING, MS_WAITING, MS_DONE };
enum { N_IDLE, N_LINKED, N_FIRED };

typedef struct mentry {
  int task;
  int node; /* 0, 1: the frame's w[]; 2 + k: the join node of scope k */
} mentry_t;

typedef struct mwq {
  mentry_t e[2 * NT];
  int n;
} mwq_t;

typedef struct mscope {
  int open, cancelled, policy;
  int child[NT]; /* live children, spawn order */
  int n;
  int first_error, error_count, race_won, race_result, owner_result;
  int race_ran;    /* a child of this race scope has completed */
  int ever_opened; /* its memory holds an initialised scope */
} mscope_t;

typedef struct mtask {
  int state, cancelled, draining, woken, result;
  int parent; /* scope id */
  int depth, nscopes;
  int node[2 + NS];
  uintptr_t value[2];
  script_t script;
  int cmode;
  int side, side_arg;
} mtask_t;

/* Coverage counters: how often the interesting paths were taken, so that a
 * generator that stopped reaching them fails the test instead of passing
 * vacuously. */
enum cov {
  COV_SPAWN_CANCELLED, /* spawned into a cancelled scope */
  COV_JOIN_PENDING,    /* a join that had to wait */
  COV_JOIN_OK,         /* a join that returned 0 */
  COV_JOIN_ERR,        /* ... a child's error */
  COV_JOIN_CANCELED,   /* ... BCSC_ECANCELED */
  COV_RACE_WON,        /* a race scope got its winner */
  COV_FAIL_FAST,       /* a child error cancelled its siblings */
  COV_DRAIN_WAIT,      /* a returned task waited for its open scopes */
  COV_DRAIN_DONE,      /* ... and then completed */
  COV_DRAIN_ERROR,     /* ... with a child's error as its result */
  COV_SELECT_WAKE,     /* a wake that unlinked the task's other node */
  COV_CANCEL_DEEP,     /* a cancel that reached depth >= 2 */
  COV_CANCEL_DRAINING, /* a cancel of a task that was draining */
  COV_AWAIT_CONSUMED,  /* bcsc_wait_on() returned 0 */
  COV_YIELD,           /* a yield */
  COV_DEADLK,          /* bcsc_executor_run() returned EDEADLK */
  COV_RUN_ROOT_DONE,   /* bcsc_executor_run(root) returned its result */
  COV_MISUSE_REFUSED,  /* a refused call left everything as it was */
  COV_DEPTH3_SPAWN,    /* a task spawned at depth 3 */
  COV_SELF_WAKE,       /* a task's own wake fired its own registration */
  COV_SELF_CANCEL,     /* a task cancelled itself (or an ancestor) */
  COV_SIDE_REFUSED,    /* an in-poll cancel of a done task / closed scope */
  COV_WAIT_CANCEL,     /* bcsc_wait_cancel() unlinked a node early */
  COV_RELINK,          /* a node cancelled and registered again in a poll */
  COV_N
};
static const char *const cov_name[] = {
    "spawn_cancelled", "join_pending",   "join_ok",      "join_err",
    "join_canceled",   "race_won",       "fail_fast",    "drain_wait",
    "drain_done",      "drain_error",    "select_wake",  "cancel_deep",
    "cancel_draining", "await_consumed", "yield",        "deadlk",
    "run_root_done",   "misuse_refused", "depth3_spawn", "self_wake",
    "self_cancel",     "side_refused",   "wait_cancel",  "relink"};

static struct model {
  mtask_t t[NT];
  mscope_t s[NSCOPE];
  mwq_t q[NWQ];
  int runq[NT + 1];
  int rq_head, rq_n;
  uint64_t polls, wakes, spawns, completions, cancels;
  pollrec_t log[LOG_CAP];
  int nlog;
  int misuse_expected; /* reports the current op should have made */
  int32_t misuse_code;
  long cov[COV_N];
} M;

static unsigned long long seed;
static long step;
static int ex_up; /* the executor and lists are initialised */

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
           " cmode=%d\n",
           t, state_name[mt->state], mt->cancelled ? " cancelled" : "",
           mt->draining ? " draining" : "", mt->parent, mt->depth, mt->nscopes,
           act_name[mt->script.act], mt->script.a, mt->script.b, mt->cmode);
  }
}

static void model_fail(int line, const char *fmt, ...) {
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  printf("test_model FAILED seed=%llu step=%ld op=%s (line %d): %s\n", seed,
         step, op_name, line, msg);
  model_dump();
  printf("reproduce: BCSC_SEED=%llu\n", seed);
  fflush(stdout);
  cr_assert_fail("seed=%llu step=%ld op=%s (line %d): %s", seed, step, op_name,
                 line, msg);
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
static int scope_owner(int sid) { return sid == ROOT_SCOPE ? -1 : sid / NS; }
static int join_queue(int sid) { return NQ + sid; }

static void m_push(int t) {
  M.t[t].state = MS_QUEUED;
  M.runq[(M.rq_head + M.rq_n) % (NT + 1)] = t;
  M.rq_n++;
}

static int m_pop(void) {
  int t = M.runq[M.rq_head];
  M.rq_head = (M.rq_head + 1) % (NT + 1);
  M.rq_n--;
  return t;
}

static void m_link(int t, int node, int q) {
  mwq_t *w = &M.q[q];
  MCHECK(w->n < 2 * NT, "model list %d overflow", q);
  M.t[t].node[node] = N_LINKED;
  if (node < 2)
    M.t[t].value[node] = 0;
  w->e[w->n++] = (mentry_t){t, node};
}

/* A task's registrations last one wait: all are unlinked together. */
static void m_unlink_all(int t) {
  for (int q = 0; q < NWQ; q++) {
    mwq_t *w = &M.q[q];
    int j = 0;
    for (int i = 0; i < w->n; i++) {
      if (w->e[i].task == t)
        M.t[t].node[w->e[i].node] = N_IDLE;
      else
        w->e[j++] = w->e[i];
    }
    w->n = j;
  }
}

/* bcsc_wait_cancel(): unlink one node early; 1 if it was linked. */
static int m_cancel_node(int t, int node) {
  for (int q = 0; q < NQ; q++) {
    mwq_t *w = &M.q[q];
    for (int i = 0; i < w->n; i++) {
      if (w->e[i].task == t && w->e[i].node == node) {
        memmove(&w->e[i], &w->e[i + 1],
                (size_t)(w->n - i - 1) * sizeof w->e[0]);
        w->n--;
        MCHECK(M.t[t].node[node] == N_LINKED, "model: node %d.%d", t, node);
        M.t[t].node[node] = N_IDLE;
        return 1;
      }
    }
  }
  return 0;
}

static int m_registrations(int t) {
  int n = 0;
  for (int q = 0; q < NWQ; q++)
    for (int i = 0; i < M.q[q].n; i++)
      n += M.q[q].e[i].task == t;
  return n;
}

static void m_wake(int t) {
  mtask_t *mt = &M.t[t];
  if (mt->state == MS_WAITING) {
    if (m_registrations(t) > 1)
      M.cov[COV_SELECT_WAKE]++;
    m_unlink_all(t);
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
  if (w->n == 0)
    return 0;
  e = w->e[0];
  memmove(&w->e[0], &w->e[1], (size_t)(w->n - 1) * sizeof w->e[0]);
  w->n--;
  M.t[e.task].node[e.node] = N_FIRED;
  if (e.node < 2)
    M.t[e.task].value[e.node] = value;
  m_wake(e.task);
  return 1;
}

static int m_fire_all(int q, uintptr_t value) {
  int n = 0;
  while (m_fire_one(q, value))
    n++;
  return n;
}

static void m_cancel_one(int t) {
  M.t[t].cancelled = 1;
  M.cancels++;
  if (M.t[t].depth >= 2)
    M.cov[COV_CANCEL_DEEP]++;
  if (M.t[t].draining)
    M.cov[COV_CANCEL_DRAINING]++;
  else
    m_wake(t);
}

static void m_cancel_subtree(int t);

/* Cancellation marks the whole subtree (Trio): each task is marked and
 * queued before the tasks below it, children in spawn order, a task's
 * scopes innermost first. */
static void m_cancel_scope(int sid) {
  mscope_t *s = &M.s[sid];
  int kids[NT], n = s->n;
  if (s->cancelled)
    return;
  s->cancelled = 1;
  memcpy(kids, s->child, sizeof kids);
  for (int i = 0; i < n; i++)
    m_cancel_subtree(kids[i]);
}

static void m_cancel_subtree(int t) {
  mtask_t *mt = &M.t[t];
  if (mt->cancelled)
    return;
  m_cancel_one(t);
  for (int k = mt->nscopes - 1; k >= 0; k--)
    M.s[scope_id(t, k)].cancelled = 1;
  for (int k = mt->nscopes - 1; k >= 0; k--) {
    mscope_t *s = &M.s[scope_id(t, k)];
    int kids[NT], n = s->n;
    memcpy(kids, s->child, sizeof kids);
    for (int i = 0; i < n; i++)
      m_cancel_subtree(kids[i]);
  }
}

static void m_cancel_task(int t) {
  if (M.t[t].cancelled)
    return;
  m_cancel_one(t);
  for (int k = M.t[t].nscopes - 1; k >= 0; k--)
    m_cancel_scope(scope_id(t, k));
}

/* Join results (docs/decisions.md D9). */
static int m_scope_result(const mscope_t *s) {
  if (s->policy == BCSC_SCOPE_RACE) {
    if (s->race_won)
      return s->race_result;
    if (s->race_ran)
      return BCSC_ECANCELED; /* children finished, none of them won */
  } else if (s->first_error != 0) {
    return s->first_error;
  }
  return s->cancelled ? BCSC_ECANCELED : 0;
}

static void m_child_done(int sid, int result, int was_cancelled) {
  mscope_t *s = &M.s[sid];
  int failed = result < 0 && !(result == BCSC_ECANCELED && was_cancelled);
  if (failed) {
    s->error_count++;
    if (s->first_error == 0)
      s->first_error = result;
  }
  if (s->policy == BCSC_SCOPE_FAIL_FAST && failed) {
    if (!s->cancelled && s->n > 0)
      M.cov[COV_FAIL_FAST]++;
    m_cancel_scope(sid);
  } else if (s->policy == BCSC_SCOPE_RACE) {
    s->race_ran = 1;
    if (!was_cancelled && !s->race_won) {
      s->race_won = 1;
      s->race_result = result;
      M.cov[COV_RACE_WON]++;
      m_cancel_scope(sid);
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
  m_child_done(sid, result, mt->cancelled);
  if (s->n == 0)
    m_fire_all(join_queue(sid), 0);
}

static void m_close_scopes_and_complete(int t) {
  mtask_t *mt = &M.t[t];
  int result = M.s[scope_id(t, mt->nscopes - 1)].owner_result;
  for (int k = mt->nscopes - 1; k >= 0; k--) {
    mscope_t *s = &M.s[scope_id(t, k)];
    if (result == 0 && s->first_error != 0) {
      result = s->first_error;
      M.cov[COV_DRAIN_ERROR]++;
    }
    s->open = 0;
  }
  mt->nscopes = 0;
  M.cov[COV_DRAIN_DONE]++;
  m_complete(t, result);
}

/* A task that returned with open scopes waits for each, innermost first,
 * then completes (DESIGN section 3.3). */
static void m_drain(int t) {
  mtask_t *mt = &M.t[t];
  for (int k = mt->nscopes - 1; k >= 0; k--) {
    int sid = scope_id(t, k);
    if (M.s[sid].n != 0) {
      m_link(t, 2 + k, join_queue(sid));
      mt->state = MS_WAITING;
      M.cov[COV_DRAIN_WAIT]++;
      return;
    }
  }
  m_close_scopes_and_complete(t);
}

static void m_returned(int t, int result) {
  mtask_t *mt = &M.t[t];
  if (mt->nscopes == 0) {
    m_complete(t, result);
    return;
  }
  M.s[scope_id(t, mt->nscopes - 1)].owner_result = result;
  mt->draining = 1;
  for (int k = mt->nscopes - 1; k >= 0; k--)
    m_cancel_scope(scope_id(t, k));
  m_drain(t);
}

static pollrec_t *m_log_push(void) {
  pollrec_t *r;
  if (M.nlog == LOG_CAP)
    return &M.log[LOG_CAP - 1];
  r = &M.log[M.nlog++];
  memset(r, 0, sizeof *r);
  return r;
}

/* What the task's poll function will do, as frame_poll() does it. */
static int m_run_script(int t, pollrec_t *r) {
  mtask_t *mt = &M.t[t];
  script_t *sc = &mt->script;
  switch (sc->act) {
  case A_WAIT:
    m_link(t, 0, sc->a);
    return BCSC_PENDING;
  case A_WAIT2:
    m_link(t, 0, sc->a);
    m_link(t, 1, sc->b);
    return BCSC_PENDING;
  case A_AWAIT:
    if (mt->node[0] == N_FIRED) {
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
    *sc = (script_t){A_WAIT, sc->b, 0};
    M.cov[COV_YIELD]++;
    m_wake(t);
    return BCSC_PENDING;
  case A_DONE:
    return sc->a;
  case A_OPEN: {
    int sid = scope_id(t, mt->nscopes);
    mscope_t *s = &M.s[sid];
    memset(s, 0, sizeof *s);
    s->open = 1;
    s->ever_opened = 1;
    s->policy = sc->a;
    s->cancelled = mt->cancelled;
    mt->nscopes++;
    *sc = (script_t){A_WAIT, sc->b, 0};
    m_wake(t);
    return BCSC_PENDING;
  }
  case A_JOIN: {
    int k = mt->nscopes - 1;
    int sid = scope_id(t, k);
    mscope_t *s = &M.s[sid];
    if (s->n != 0) {
      if (mt->node[2 + k] != N_LINKED)
        m_link(t, 2 + k, join_queue(sid));
      M.cov[COV_JOIN_PENDING]++;
      return BCSC_PENDING;
    }
    r->joined = 1;
    r->join_rc = m_scope_result(s);
    M.cov[r->join_rc == 0                ? COV_JOIN_OK
          : r->join_rc == BCSC_ECANCELED ? COV_JOIN_CANCELED
                                         : COV_JOIN_ERR]++;
    s->open = 0;
    mt->nscopes--;
    *sc = (script_t){A_WAIT, sc->b, 0};
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

/* The task's one-shot side effect, as frame_side() makes it. */
static void m_side(int t, pollrec_t *r) {
  mtask_t *mt = &M.t[t];
  int arg = mt->side_arg;
  r->side = mt->side;
  mt->side = S_NONE;
  switch (r->side) {
  case S_WAKE_ONE:
  case S_WAKE_ALL:
    if (M.q[arg].n > 0 && M.q[arg].e[0].task == t)
      M.cov[COV_SELF_WAKE]++;
    r->side_rc = r->side == S_WAKE_ONE ? m_fire_one(arg, (uintptr_t)(100 + t))
                                       : m_fire_all(arg, (uintptr_t)(100 + t));
    break;
  case S_CANCEL_TASK:
    if (m_live(arg)) {
      r->side_rc = 0;
      m_cancel_task(arg);
      if (mt->cancelled)
        M.cov[COV_SELF_CANCEL]++;
    } else {
      /* Completed, or initialised again and not spawned. */
      r->side_rc = BCSC_ESTATE;
      expect_misuse(M.t[arg].state == MS_DONE ? BCSC_MISUSE_TASK_DONE
                                              : BCSC_MISUSE_BAD_ARGUMENT);
      M.cov[COV_SIDE_REFUSED]++;
    }
    break;
  case S_CANCEL_W1:
    r->side_rc = m_cancel_node(t, 1);
    break;
  case S_RELINK_W1:
    r->side_rc = m_cancel_node(t, 1);
    m_link(t, 1, arg);
    M.cov[COV_RELINK]++;
    break;
  case S_CANCEL_SCOPE:
    if (M.s[arg].open) {
      r->side_rc = 0;
      m_cancel_scope(arg);
      if (mt->cancelled)
        M.cov[COV_SELF_CANCEL]++;
    } else {
      r->side_rc = BCSC_ESTATE;
      expect_misuse(BCSC_MISUSE_SCOPE_CLOSED);
      M.cov[COV_SIDE_REFUSED]++;
    }
    break;
  default:
    break;
  }
}

/* One turn of the executor: the oldest ready task is polled - or, if it
 * returned earlier with scopes open, its drain advances without a poll. */
static void m_turn(void) {
  int t = m_pop();
  mtask_t *mt = &M.t[t];
  pollrec_t *r;
  int ret;
  if (mt->draining) {
    m_drain(t);
    return;
  }
  M.polls++;
  mt->state = MS_RUNNING;
  mt->woken = 0;
  r = m_log_push();
  r->id = t;
  r->current = 1;
  r->cancelled = mt->cancelled;
  for (int i = 0; i < 2; i++) {
    r->fired[i] = mt->node[i] == N_FIRED;
    r->value[i] = mt->value[i];
  }
  if (mt->cancelled && mt->cmode == C_ERR)
    ret = BCSC_ECANCELED;
  else if (mt->cancelled && mt->cmode == C_OK)
    ret = 0;
  else {
    ret = m_run_script(t, r);
    m_side(t, r);
  }
  if (ret == BCSC_PENDING) {
    if (mt->woken) {
      mt->woken = 0;
      m_unlink_all(t);
      m_push(t);
    } else {
      MCHECK(m_registrations(t) > 0, "model: task %d would be lost", t);
      mt->state = MS_WAITING;
    }
    return;
  }
  m_unlink_all(t);
  m_returned(t, ret);
}

static int m_poll(uint32_t budget) {
  int turns = 0;
  while ((uint32_t)turns < budget && M.rq_n > 0) {
    m_turn();
    turns++;
  }
  return turns;
}

/* bcsc_executor_run(): until `root` completes (or, for -1, until no root
 * is live); EDEADLK when nothing is ready first. */
static int m_run(int root) {
  for (long guard = 0;; guard++) {
    MCHECK(guard < 1000000, "model: run does not end");
    if (root >= 0 ? M.t[root].state == MS_DONE : M.s[ROOT_SCOPE].n == 0)
      break;
    if (M.rq_n == 0)
      return BCSC_EDEADLK;
    m_turn();
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
  mt->draining = 0;
  mt->result = 0;
  mt->parent = sid;
  mt->depth = owner < 0 ? 0 : M.t[owner].depth + 1;
  if (mt->depth == 3)
    M.cov[COV_DEPTH3_SPAWN]++;
  mt->nscopes = 0;
  s->child[s->n++] = t;
  M.spawns++;
  m_push(t);
}

/* ---- comparing the two ---------------------------------------------- */

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
  for (int k = 0; k < 2; k++) {
    MCHECK(got->fired[k] == want->fired[k],
           "poll #%d task %d: w[%d] fired %d, expected %d", i, got->id, k,
           got->fired[k], want->fired[k]);
    MCHECK(got->value[k] == want->value[k],
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
}

/* Everything observable through the public API, after every operation. */
static void compare_all(void) {
  bcsc_executor_stats_t st = {.size = sizeof st};

  MCHECK(real_nlog < LOG_CAP && M.nlog < LOG_CAP, "poll log overflow");
  MCHECK(real_nlog == M.nlog, "%d polls happened, the model expected %d",
         real_nlog, M.nlog);
  for (int i = 0; i < real_nlog; i++)
    compare_records(&M.log[i], &real_log[i], i);
  real_nlog = 0;
  M.nlog = 0;

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
    for (int k = 0; k < 2; k++) {
      MCHECK(bcsc_wait_linked(&f->w[k]) == (mt->node[k] == N_LINKED),
             "task %d: w[%d] linked %d, expected state %d", t, k,
             bcsc_wait_linked(&f->w[k]), mt->node[k]);
      MCHECK(bcsc_wait_fired(&f->w[k]) == (mt->node[k] == N_FIRED),
             "task %d: w[%d] fired %d, expected state %d", t, k,
             bcsc_wait_fired(&f->w[k]), mt->node[k]);
      MCHECK(f->w[k].value == mt->value[k],
             "task %d: w[%d] value %" PRIuPTR ", expected %" PRIuPTR, t, k,
             f->w[k].value, mt->value[k]);
    }
    for (int k = 0; k < NS; k++) {
      const mscope_t *s = &M.s[scope_id(t, k)];
      const bcsc_scope_t *rs = &f->scopes[k];
      MCHECK(bcsc_scope_live(rs) == (uint32_t)(s->open ? s->n : 0),
             "scope %d.%d: live %u, expected %d", t, k, bcsc_scope_live(rs),
             s->open ? s->n : 0);
      MCHECK(bcsc_scope_cancelled(rs) == s->cancelled,
             "scope %d.%d: cancelled %d, expected %d", t, k,
             bcsc_scope_cancelled(rs), s->cancelled);
      MCHECK(bcsc_scope_error_count(rs) == (uint32_t)s->error_count,
             "scope %d.%d: error count %u, expected %d", t, k,
             bcsc_scope_error_count(rs), s->error_count);
    }
  }
  if (!ex_up)
    return;
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
}

/* ---- the random generator --------------------------------------------- */

static uint64_t rng;

static uint64_t rng_next(void) { /* splitmix64 */
  uint64_t z = (rng += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

static int rnd(int n) { return (int)(rng_next() % (uint64_t)n); }

/* Pick uniformly among indices satisfying `pred`; -1 if none. */
static int pick(int n, int (*pred)(int)) {
  int chosen = -1, seen = 0;
  for (int i = 0; i < n; i++)
    if (pred(i) && rnd(++seen) == 0)
      chosen = i;
  return chosen;
}

/* Pick among scopes satisfying `pred`, weighting deeper owners more so that
 * trees grow towards MAX_DEPTH; -1 if none. */
static int pick_scope(int (*pred)(int)) {
  int chosen = -1, total = 0;
  for (int sid = 0; sid < ROOT_SCOPE; sid++) {
    int w;
    if (!pred(sid))
      continue;
    w = 1 + 2 * M.t[scope_owner(sid)].depth;
    total += w;
    if (rnd(total) < w)
      chosen = sid;
  }
  return chosen;
}

static int is_free(int t) { return !m_live(t); }
static int is_live(int t) { return m_live(t); }
static int is_spawned(int t) { return M.t[t].state != MS_FREE; }
static int is_open_scope(int sid) { return M.s[sid].open; }
static int is_live_root(int t) {
  return m_live(t) && M.t[t].parent == ROOT_SCOPE;
}
static int is_root(int t) {
  return M.t[t].state != MS_FREE && M.t[t].parent == ROOT_SCOPE;
}
static int was_opened_closed(int sid) {
  /* A slot that was opened and then closed: an initialised, closed scope. */
  return sid != ROOT_SCOPE && M.s[sid].ever_opened && !M.s[sid].open;
}

static const int results[] = {
    0, 0, 0, BCSC_EUSER, BCSC_EUSER - 1, BCSC_ECANCELED};

/* How often each script is drawn: finishing, opening and joining are
 * favoured so that trees grow deep and also turn over. */
static const int act_weight[A_COUNT] = {12, 8, 10, 8, 22, 22, 18};

/* A random script the task may legally run next. */
static script_t random_script(int t) {
  const mtask_t *mt = &M.t[t];
  for (;;) {
    int w = rnd(100), act = 0;
    script_t sc;
    while (w >= act_weight[act])
      w -= act_weight[act++];
    sc = (script_t){act, rnd(NQ), rnd(NQ)};
    switch (sc.act) {
    case A_DONE:
      sc.a = results[rnd((int)(sizeof results / sizeof results[0]))];
      return sc;
    case A_OPEN:
      if (mt->depth >= MAX_DEPTH || mt->nscopes >= NS)
        continue;
      sc.a = rnd(3);
      return sc;
    case A_JOIN:
      if (mt->nscopes == 0)
        continue;
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
static void prepare_frame(int t) {
  frame_t *f = &frames[t];
  mtask_t *mt = &M.t[t];
  MCHECK(bcsc_task_init(&f->task, frame_poll, NULL) == 0, "task_init");
  MCHECK(bcsc_wait_init(&f->w[0]) == 0 && bcsc_wait_init(&f->w[1]) == 0,
         "wait_init");
  f->id = t;
  f->nopen = 0;
  mt->state = MS_FREE;
  mt->cancelled = 0;
  mt->draining = 0;
  mt->nscopes = 0;
  f->side = mt->side = S_NONE;
  for (int k = 0; k < 2 + NS; k++)
    mt->node[k] = N_IDLE;
  mt->value[0] = mt->value[1] = 0;
}

static void expect_misuse(int32_t code) {
  if (bcsc_is_checked_build()) {
    M.misuse_expected++;
    M.misuse_code = code;
  }
}

/* ---- operations ------------------------------------------------------ */

static int can_open(int t) {
  return m_live(t) && !M.t[t].draining && M.t[t].depth < MAX_DEPTH &&
         M.t[t].nscopes < NS;
}

static int is_open_task_scope(int sid) {
  return sid != ROOT_SCOPE && M.s[sid].open;
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
      set_script(owner, (script_t){A_OPEN, rnd(3), rnd(NQ)});
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
  int sid = pick(NSCOPE, is_open_scope);
  int rc;
  op_name = "cancel_scope";
  if (sid < 0 || sid == ROOT_SCOPE)
    return;
  rc = bcsc_scope_cancel(&frames[scope_owner(sid)].scopes[sid % NS]);
  MCHECK(rc == 0, "cancel scope %d: %s", sid, rc_name(rc));
  m_cancel_scope(sid);
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

static void op_script(void) {
  int t = pick(NT, is_live);
  op_name = "set_script";
  if (t < 0)
    return;
  set_script(t, random_script(t));
  /* Now and then, also something to do to others from inside the poll. */
  switch (rnd(10)) {
  case 4:
    set_side(t, S_CANCEL_W1, 0);
    break;
  case 5:
    set_side(t, S_RELINK_W1, rnd(NQ));
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

static int has_two_links(int t) {
  return M.t[t].state == MS_WAITING && M.t[t].node[0] == N_LINKED &&
         M.t[t].node[1] == N_LINKED;
}

/* bcsc_wait_cancel() from outside: unlink one arm of a waiting select (the
 * other still wakes it), or cancel a node that is not linked (nothing). */
static void op_wait_cancel(void) {
  int t = pick(NT, has_two_links);
  int k = rnd(2), rc, want;
  op_name = "wait_cancel";
  if (t < 0) {
    if ((t = pick(NT, is_spawned)) < 0 || M.t[t].node[k] == N_LINKED)
      return;
  }
  rc = bcsc_wait_cancel(&frames[t].w[k]);
  want = m_cancel_node(t, k);
  if (want)
    M.cov[COV_WAIT_CANCEL]++;
  MCHECK(rc == want, "wait_cancel(task %d w[%d]) returned %d, expected %d", t,
         k, rc, want);
}

/* Calls the library must refuse, changing nothing. */
static void op_refused(void) {
  int t, rc;
  op_name = "refused";
  switch (rnd(3)) {
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
    break;
  }
  M.cov[COV_MISUSE_REFUSED]++;
}

/* ---- set-up and teardown ------------------------------------------------ */

static void epoch_begin(void) {
  MCHECK(bcsc_executor_init(&ex, NULL) == 0, "executor_init");
  for (int q = 0; q < NQ; q++)
    MCHECK(bcsc_waitq_init(&queues[q]) == 0, "waitq_init");
  ex_up = 1;
  memset(M.q, 0, sizeof M.q);
  memset(&M.s[ROOT_SCOPE], 0, sizeof M.s[ROOT_SCOPE]);
  M.s[ROOT_SCOPE].open = 1;
  M.s[ROOT_SCOPE].policy = BCSC_SCOPE_WAIT_ALL;
  M.rq_head = M.rq_n = 0;
  M.polls = M.wakes = M.spawns = M.completions = M.cancels = 0;
  compare_all();
}

/* Cancel every root, make every task obey cancellation, and wake and poll
 * until nothing is live; then every object tears down cleanly. */
static void epoch_end(void) {
  op_name = "teardown";
  for (int t = 0; t < NT; t++)
    if (m_live(t))
      set_cmode(t, C_OK);
  for (int t = 0; t < NT; t++)
    if (is_live_root(t)) {
      MCHECK(bcsc_task_cancel(&frames[t].task) == 0, "cancel root %d", t);
      m_cancel_task(t);
    }
  compare_all();
  for (int round = 0; M.s[ROOT_SCOPE].n > 0; round++) {
    MCHECK(round < 100, "teardown does not converge");
    op_run_idle();
    compare_all();
    for (int q = 0; q < NQ; q++) {
      int rc = bcsc_waitq_wake_all(&queues[q], 0);
      MCHECK(rc == m_fire_all(q, 0), "teardown wake_all");
    }
    compare_all();
  }
  MCHECK(M.rq_n == 0, "tasks still ready after teardown");
  for (int t = 0; t < NT; t++)
    MCHECK(!m_live(t), "task %d still live after teardown", t);
  for (int q = 0; q < NQ; q++)
    MCHECK(bcsc_waitq_deinit(&queues[q]) == 0, "waitq_deinit %d", q);
  MCHECK(bcsc_executor_deinit(&ex) == 0, "executor_deinit");
  ex_up = 0;
  compare_all();
}

static void note_shape(void) {
  for (int t = 0; t < NT; t++) {
    if (!m_live(t))
      continue;
    shape.live++;
    shape.depth[M.t[t].depth]++;
    shape.cancelled += M.t[t].cancelled;
    shape.waiting += M.t[t].state == MS_WAITING;
  }
}

static unsigned long long env_ull(const char *name, unsigned long long dflt) {
  const char *s = getenv(name);
  return s != NULL && *s != '\0' ? strtoull(s, NULL, 0) : dflt;
}

Test(model, random_operations_match_the_reference_model) {
  long ops;
  seed = env_ull("BCSC_SEED", DEFAULT_SEED);
  ops = (long)env_ull("BCSC_MODEL_OPS", DEFAULT_OPS);
  printf("test_model seed=%llu\n", seed);
  fflush(stdout);
  rng = seed;
  bcsc_set_misuse_handler(record_misuse, NULL);
  memset(&M, 0, sizeof M);
  memset(&shape, 0, sizeof shape);
  memset(frames, 0, sizeof frames);
  for (int t = 0; t < NT; t++)
    frames[t].id = t;

  for (step = 0; step < ops;) {
    epoch_begin();
    for (long n = 0; n < EPOCH_OPS && step < ops; n++, step++) {
      int r = rnd(100);
      if (r < 14)
        op_spawn();
      else if (r < 30)
        op_poll_one();
      else if (r < 46)
        op_script();
      else if (r < 54)
        op_wake(0);
      else if (r < 59)
        op_wake(1);
      else if (r < 64)
        op_cancel_task();
      else if (r < 68)
        op_cancel_scope();
      else if (r < 72)
        op_cmode();
      else if (r < 76)
        op_run_idle();
      else if (r < 78)
        op_run();
      else if (r < 79)
        op_refused();
      else if (r < 82)
        op_wait_cancel();
      else
        op_poll_one();
      compare_all();
      note_shape();
    }
    epoch_end();
  }

  printf("test_model seed=%llu ops=%ld coverage:", seed, ops);
  for (int c = 0; c < COV_N; c++)
    printf(" %s=%ld", cov_name[c], M.cov[c]);
  printf("\n");
  printf("test_model average tasks: live %.2f cancelled %.2f waiting %.2f; "
         "by depth %.2f %.2f %.2f %.2f\n",
         shape.live / (double)ops, shape.cancelled / (double)ops,
         shape.waiting / (double)ops, shape.depth[0] / (double)ops,
         shape.depth[1] / (double)ops, shape.depth[2] / (double)ops,
         shape.depth[3] / (double)ops);
  fflush(stdout);
  /* With the default number of operations every path must have been taken;
   * a short run (BCSC_MODEL_OPS) may miss some. */
  if (ops >= DEFAULT_OPS)
    for (int c = 0; c < COV_N; c++)
      MCHECK(M.cov[c] > 0, "path %s never taken: the generator is too weak",
             cov_name[c]);
}
