/* SPDX-License-Identifier: MIT
 * stress_remote.c - remote children (bcsc/remote.h) between two executors
 * on two threads, each the other's host, racing spawn, cancel and
 * completion; and the same children behind shielded scopes (D80, D83).
 * A plain C driver (Criterion cannot start under ThreadSanitizer): it
 * prints its figures and "N passed, N failed", and exits non-zero on a
 * failure.
 *
 * Each side's driver task runs ROUNDS plain rounds and SHIELD ROUNDS
 * shield rounds, mixed at random. A plain round opens a scope with a
 * random policy (wait-all, fail-fast, race) and sends KIDS children to the
 * other side. A child finishes after a few yields (with 0 or an error),
 * or waits on its host's waiter list until cancelled, or opens a scope of
 * its own and sends a grandchild back to the first side, which finishes or
 * waits. The driver cancels the scope after a random number of yields
 * (always, if something would wait for ever), then joins. Cancels, spawns
 * and completions cross in flight, so the CANCEL/DONE compare-and-swaps
 * meet in every order; a yielding driver keeps its host busy while
 * messages arrive, and an idle one parks, so messages also end parks.
 *
 * A shield round puts a local owner task between the driver's scope and
 * the children: the owner opens a scope with a random policy, shielded or
 * not, sends the KIDS children from it, and joins it (or returns with it
 * open after a few yields: its own end). Meanwhile the driver plays a
 * random script of up to ACTIONS actions, one every few yields: a
 * cancellation from outside (its own scope's cancel, or the owner's task
 * cancel), the shield turned on or off (bcsc_scope_set_shield()), the
 * shielded scope's own cancel; the shielded scope's own deadline passing
 * (which the shield does not stop), the driver's scope's deadline passing
 * (a cancellation from outside, which it does), and bcsc_task_cleanup() of
 * the owner (D82: a cancellation from outside, then a run until the owner
 * has ended), which the side's thread makes outside its run: a root task
 * of that run, the pacer, completes when the driver asks for it. A
 * nesting child opens its own scope shielded for good, shielded until it
 * sees its own cancel (then it turns the shield off on its host's
 * thread), or plain. The driver keeps what D80 and D83 say of each action
 * - the model: shielded or not, owner cancelled, scope cancelled - and
 * lets a child wait for ever only when the script ends the scope for
 * certain.
 *
 * Time: each side's reactor is the POSIX one's park and unpark under a
 * clock only its driver moves (clock_reactor_t). A deadline action moves
 * the clock to the deadline and waits on a timer of the driver's own at
 * that time, which fires in the same advance of the wheel: the deadline
 * has fired (or found its scope cancelled or closed) before the next
 * action, at a step of the script, while the children run on the other
 * side as fast as they do. A third of the shield rounds give the shielded
 * scope a drain grace (D59); where the script ends the scope for certain,
 * a local holder child joins the remote ones, and ends only when the
 * grace's report lets it go; after the script the driver moves the clock
 * a period at a time until the holder has ended, so the grace runs out
 * with the remote children in flight or not. A third of the shield rounds
 * (drawn from a stream of their own, so that every other draw follows the
 * seed as before) give the driver's scope - the outer one, which holds the
 * owner - a drain grace too. Its period starts where the script cancels
 * that scope (an outer cancel of the scope, or its deadline), may run out
 * at a later deadline's step, and otherwise runs out before the driver's
 * join: at once, the owner most likely live behind the shield with remote
 * children in flight, or, one round in two, once the owner has ended (the
 * join wakes the driver when its scope is empty, and the driver moves the
 * clock before it joins again).
 *
 * The end: each side, its rounds over, plays one more shield round whose
 * one action is its executor's end, made from its thread outside the run
 * (as a cleanup is) with the children behind the shield on the other
 * side: bcsc_executor_shutdown() (D82) on one side and
 * bcsc_executor_cleanup() (D82, D84: the `void` end a C scope's
 * __attribute__((cleanup)) calls) on the other, which side the seed
 * draws. Every root of the executor is cancelled - the driver, so its
 * scope and the owner, stopped at the shield - and so are the other
 * side's last children hosted here, past their own side's shield (D82:
 * "remote children hosted here too"); the run goes on until none is live.
 * An end waits until every child of the other side's last round has been
 * polled here: so no regular round's child is here any more, and nothing
 * is sent here after the teardown. The first child of each last round
 * waits until its host's end cancels it: each end meets the other side's
 * children in flight, and the two ends run at once on their two threads,
 * each waiting for its children on the other. The last rounds have no
 * nesting children: their grandchildren would be roots of the side that
 * ends, cancelled past any shield of their parents.
 *
 * Checked:
 *  - every round's join returns: no message and no wake-up lost (a
 *    watchdog fails the run if no round ends for WATCHDOG seconds);
 *  - every child has ended when the join returns (bcsc_remote_task_done),
 *    its recorded result is its task's result, and it was polled only on
 *    its host's thread and never after it ended;
 *  - the join's result and error count follow the policy exactly, from
 *    what the children returned (the owner's join in a shield round, and
 *    the driver's join from the owner's result);
 *  - shield rounds: the shielded scope is cancelled exactly when the model
 *    or its policy says so; a child of a scope that was never cancelled
 *    never saw a cancel (the cancellation from outside stopped at the
 *    shield) and returned what it planned; a grandchild saw one only if
 *    its parent was cancelled and its shield was not there for good; the
 *    owner is cancelled exactly when the script cancelled it (by an
 *    outer cancel, the outer deadline, or the cleanup, if the owner was
 *    still live then);
 *  - deadlines: the shielded scope's own deadline cancels it unless it was
 *    cancelled or closed before (or its policy cancelled it while the
 *    clock moved), and it timed out only then; the driver's deadline fires
 *    exactly when its scope was not cancelled before, and stops at the
 *    shield; each join gives what its deadline's kind (move on, fail) says
 *    when nothing failed and no race was won;
 *  - graces: the report runs exactly once where the holder is - for the
 *    holder, with the scope cancelled - and never elsewhere: a remote
 *    child is never reported (D59); the holder ended cancelled, let go;
 *  - the driver's grace: it reports only once its period has run out,
 *    on the side's thread, for its own cancelled scope, and names exactly
 *    the local tasks of its subtree live then, each once, depth first - the
 *    owner, and the holder behind the shield (its walk enters shielded
 *    scopes: D59, D80) - and never a remote child; a run out with no report
 *    leaves no local task live; the report ends nothing (the holder is
 *    never cancelled before its scope is, and every check of the round
 *    holds as without it);
 *  - cleanups: bcsc_task_cleanup() returns only once the owner has ended;
 *  - the ends: the shutdown returns 0 and the executor cleanup returns,
 *    each with every root ended and the other side's children hosted
 *    there ended and unlinked; each side's stats just before its end count
 *    its tasks exactly, those then live aside; a last round's child sees
 *    a cancel exactly when its host's end cancelled it, and each end
 *    cancelled at least one; no misuse is reported in a run (a counting
 *    handler: EXECUTOR_LEFT_LIVE, a cleanup that could not end its
 *    executor, above all);
 *  - each executor completed exactly the tasks it was sent plus its own
 *    (stats), and cancels reached only live tasks.
 *
 *   stress_remote [plain rounds per side, default 20000]
 *                 [shield rounds per side, default SHIELD_ROUNDS]
 *                 [seed, default 0x9e3779b9; printed first] */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bcsc.h>

enum { KIDS = 6, WATCHDOG = 30, ACTIONS = 4, SHIELD_ROUNDS = 20000 };
/* The sides' clocks (ns): the drain grace's period, and how far apart the
 * deadlines of one script lie (one step holds a period). */
enum { GRACE_NS = 1000, DEADLINE_STEP = 4 * GRACE_NS };
enum { KIND_FINISH, KIND_FAIL, KIND_FOREVER, KIND_NEST, KINDS };
/* A nesting child's own scope: plain, shielded for good, or shielded until
 * the child sees its own cancel. */
enum { NEST_PLAIN, NEST_SHIELDED, NEST_UNSHIELDS };
/* A shield round's script: a cancellation from outside (the driver's
 * scope, or the owner's task), the shield on or off, the shielded scope's
 * own cancel; the shielded scope's own deadline passing, the driver's
 * scope's deadline passing (from outside), and bcsc_task_cleanup() of the
 * owner from the side's thread (from outside too). */
enum {
  ACT_OUTER,
  ACT_OFF,
  ACT_ON,
  ACT_OWN,
  ACT_DEADLINE,
  ACT_OUTER_DEADLINE,
  ACT_CLEANUP,
  ACT_SHUTDOWN, /* each side's last round only: see driver_poll() */
  ACTS
};
static const char *const act_names[ACTS] = {
    "outer cancels", "off",           "on",
    "own cancels",   "own deadlines", "outer deadlines",
    "cleanups",      "executor ends"};
#define E_KID (BCSC_EUSER - 7)

static int passed, failed;
static void check(int ok, const char *what) {
  if (ok) {
    passed++;
  } else {
    failed++;
    printf("FAIL: %s\n", what);
  }
}

/* Failures found on the executors' threads: counted, reported at the end
 * (the first one's text kept). */
static atomic_int problems;
static const char *_Atomic first_problem;
static void problem(const char *what) {
  const char *none = NULL;
  atomic_fetch_add(&problems, 1);
  atomic_compare_exchange_strong(&first_problem, &none, what);
}

typedef struct side side_t;

/* What the shield rounds met, counted: the run must meet each. */
enum {
  SEEN_LEAVES,            /* owners that returned with the scope open */
  SEEN_STOPPED,           /* hit_in_flight, and the scope never cancelled */
  SEEN_UNSHIELD_CUT,      /* off with the owner cancelled: cancelled then */
  SEEN_NEST_STOPPED,      /* a nesting child cancelled, its shield held */
  SEEN_UNSHIELDS,         /* a nesting child turned its shield off */
  SEEN_REACHED,           /* children that saw their scope's cancel */
  SEEN_OWN_TIMEOUTS,      /* its own deadline cancelled the shielded scope */
  SEEN_OUTER_STOPPED,     /* an outer deadline stopped at the shield, children
                             in flight */
  SEEN_CLEANUPS_LIVE,     /* cleanups that found the owner live */
  SEEN_CLEANUP_STOPPED,   /* ... and stopped at the shield, children in
                             flight */
  SEEN_REPORTS,           /* grace reports */
  SEEN_REPORTS_IN_FLIGHT, /* ... with remote children in flight */
  SEEN_HOST_ENDS,         /* last rounds' children cancelled by their
                             host's end */
  SEEN_OUTER_IN_FLIGHT,   /* the driver's grace reported the owner, remote
                             children in flight behind it */
  SEEN_OUTER_HOLDER,      /* ... the holder, behind the shield, its scope
                             not cancelled */
  SEEN_OUTER_EMPTY,       /* ran out once its subtree had ended: no report */
  SEENS
};
static const char *const seen_names[SEENS] = {
    "owners left",
    "stopped at the shield with children in flight",
    "let in by off",
    "stopped at a nested shield",
    "nested offs",
    "children that saw their scope's cancel",
    "own deadlines fired",
    "outer deadlines stopped at the shield with children in flight",
    "cleanups of a live owner",
    "cleanups stopped at the shield with children in flight",
    "grace reports",
    "grace reports with remote children in flight",
    "children cancelled by their host's end",
    "driver's grace reports of the owner with remote children in flight",
    "driver's grace reports of the holder behind an uncancelled shield",
    "driver's graces that ran out after the owner had ended"};

/* A side's reactor: the POSIX reactor's park and unpark (the other side's
 * messages end a park), under a clock that only the side's driver moves.
 * A deadline or a grace period then runs out at a step of the driver's
 * script, not at a moment of the machine's load, and the model can say
 * what it did - tests/test_remote.c's simulated parent clock, with a park
 * that really blocks because two threads wake each other here. */
typedef struct clock_reactor {
  bcsc_reactor_t base; /* first: the vtable's functions cast back */
  bcsc_posix_reactor_t posix;
  uint64_t now; /* the driver writes it, the executor reads it: one thread */
} clock_reactor_t;

/* A shield round's scope as D80 and D83 say it is, kept from what the
 * driver and the owner did (the scope's policy aside). */
typedef struct shield_model {
  int shielded;
  int owner_cancelled;
  int cancelled;
} shield_model_t;

typedef struct kid {
  bcsc_remote_task_t remote; /* first: the poll function casts back */
  bcsc_wait_t wait;
  bcsc_scope_t scope;
  side_t *home; /* whose scope it is in */
  side_t *host; /* where it runs */
  struct kid *grand;
  int kind;
  int grand_kind;
  /* The grandchild's draws: its own, where the host's would be made in
   * the order the threads happen to run in. */
  uint32_t grand_rng;
  int nest;       /* NEST_*: how its own scope is shielded */
  int unshielded; /* NEST_UNSHIELDS: turned its shield off */
  uint32_t yields;
  uint32_t yielded;
  uint32_t spin; /* busy iterations in its last poll: a cancel lands in it */
  int result;    /* KIND_FINISH / KIND_FAIL: what it returns */
  int phase;
  /* observations, written on the host */
  int ended;
  int returned;
  int saw_cancel;  /* a poll saw bcsc_task_cancelled() */
  int last;        /* sent by a last round: a guest of its host's end */
  int arrived;     /* polled once on its host */
  int host_ending; /* saw its cancel once its host's end had begun */
} kid_t;

struct side {
  const char *name;
  bcsc_executor_t ex;
  clock_reactor_t clock;
  bcsc_waker_slot_t slots[2];
  pthread_t thread;
  pthread_t tid;
  bcsc_waitq_t q; /* FOREVER children wait here */
  side_t *other;
  bcsc_task_t server;
  bcsc_waker_t server_waker;
  atomic_int published;
  bcsc_task_t driver;
  bcsc_scope_t scope;
  kid_t kids[KIDS];
  kid_t grands[KIDS];
  uint32_t rng;
  uint32_t round;
  uint32_t policy;
  int phase;
  uint32_t cancel_after; /* driver yields before its cancel; 0: none */
  uint32_t yielded;
  uint32_t plain_left, shield_left;
  int shield_round;
  /* a shield round: the owner, in the driver's scope, and its scope */
  bcsc_task_t owner;
  bcsc_scope_t shield;
  uint32_t shield_policy;
  int owner_phase;
  int owner_leaves; /* returns with the scope open after leave_after yields */
  uint32_t leave_after;
  uint32_t owner_yielded;
  int shield_open;   /* open, and not left by its owner: actions reach it */
  int hit_in_flight; /* an outside cancel met the shield with children live */
  int shield_rc;
  int actions[ACTIONS];
  uint32_t action_at[ACTIONS]; /* driver yields before it, increasing */
  int action_count, next_action;
  shield_model_t model;
  /* deadlines (set only when the script lets them pass) and the drain
   * grace of the shielded scope */
  uint64_t own_deadline, outer_deadline;
  uint32_t own_kind, outer_kind; /* bcsc_deadline_kind */
  int own_fired;                 /* its deadline's action saw it fire */
  int waiting_act;   /* ACTS, or the action whose end the driver waits for */
  uint64_t act_time; /* ACT_*DEADLINE: the clock it moves to */
  int act_cancelled; /* the scope it acts on was cancelled before it */
  bcsc_timer_t tick; /* the driver's, at the time it moves the clock to */
  bcsc_drain_grace_t grace;
  int grace_on;
  /* A local child of the shielded scope that ends only when the grace
   * reports it: with it the grace runs out for certain, with the remote
   * children still in flight or not. Only where the script ends the scope
   * for certain. */
  int holder_on;
  bcsc_task_t holder;
  bcsc_wait_t holder_wait;
  bcsc_waitq_t holder_q;
  int kicked;       /* the report let it go */
  uint32_t reports; /* calls of the report this round */
  /* A drain grace on the driver's scope too, in some rounds: when it runs
   * out it names the local tasks of its subtree still live - the owner,
   * and the holder behind the shield - and no remote child (D59, D80).
   * Its draws come from grace_rng, so that the other draws follow the
   * seed as they did without it. */
  uint32_t grace_rng;
  bcsc_drain_grace_t outer_grace;
  int outer_grace_on;
  int outer_late; /* its period runs out only once the owner has ended */
  /* the driver's scope's cancellation + the period (BCSC_NO_DEADLINE
   * while it is not cancelled), and whether the clock has passed it */
  uint64_t outer_expiry;
  int outer_ran_out;
  uint32_t outer_reports;              /* calls of its report this round */
  unsigned outer_reported, outer_live; /* REPORTED_*: named; live then */
  /* bcsc_task_cleanup() of the owner, or the executor's shutdown
   * (waiting_act says which): the driver asks (1), the side's thread
   * leaves the run (the pacer, a root, completes), cancels and runs (2) */
  int exit_state;
  int found_live; /* the owner was live when the cleanup began */
  int driver_finished;
  bcsc_task_t pacer;
  bcsc_wait_t pacer_wait;
  bcsc_waitq_t pacer_q;
  /* The end (driver_poll()): each side's last round ends in its
   * executor's end - bcsc_executor_shutdown(), or on the side main()
   * draws, bcsc_executor_cleanup() - once the other side's last children
   * are here (guests: polled once each), so that each end cancels the
   * other's children in flight here, and neither side sends to an
   * executor already torn down. */
  int end_left;
  int by_cleanup; /* its end is bcsc_executor_cleanup() */
  int ending;     /* its end has begun: guests read it on this thread */
  uint32_t guests;
  bcsc_wait_t final_wait;
  bcsc_waitq_t final_q;
  int final_round;
  int torn_down, shutdown_rc;
  int shutdown_stopped; /* it stopped at the shield, children in flight */
  bcsc_executor_stats_t at_shutdown; /* its stats just before its end */
  uint64_t live_at_end;              /* its roots and its guests live then */
  int run_rc;
  /* counts */
  atomic_uint hosted_sent; /* remote tasks sent to this side */
  uint64_t joins_by_rc[4]; /* 0, ECANCELED, E_KID, other */
  uint64_t kids_by_kind[KINDS];
  uint64_t cancels_sent;
  uint64_t races_won;
  uint64_t owners;          /* local tasks: one a shield round */
  uint64_t acts[ACTS];      /* shield actions done */
  uint64_t holders, pacers; /* local tasks */
  uint64_t seen[SEENS];     /* what shield rounds met */
};

static side_t sides[2];
static int cleanup_side; /* whose end is bcsc_executor_cleanup() */
/* Reports through the misuse handler, from either thread: a run has none,
 * EXECUTOR_LEFT_LIVE (a cleanup that could not end its executor) above
 * all. */
static atomic_int misuses, executors_left_live;

static void count_misuse(void *ctx, int32_t code, const char *message,
                         const void *object) {
  (void)ctx;
  (void)object;
  atomic_fetch_add(&misuses, 1);
  if (code == BCSC_MISUSE_EXECUTOR_LEFT_LIVE)
    atomic_fetch_add(&executors_left_live, 1);
  problem(message);
}
static atomic_uint rounds_done;
static atomic_int drivers_done;
static atomic_int stop;
static uint32_t rounds, shield_rounds;
static atomic_int dead_polls, off_thread;

static uint32_t next_random(uint32_t *state) {
  *state ^= *state << 13;
  *state ^= *state >> 17;
  *state ^= *state << 5;
  return *state;
}

static clock_reactor_t *clock_of(bcsc_reactor_t *r) {
  return (clock_reactor_t *)(void *)r;
}

static uint64_t clock_now(bcsc_reactor_t *r) { return clock_of(r)->now; }

static int clock_park(bcsc_reactor_t *r, uint64_t deadline) {
  bcsc_reactor_t *posix = &clock_of(r)->posix.base;
  /* A deadline still ahead comes only when the driver moves the clock, in
   * a poll: until then only a message or an unpark can end the park. */
  return posix->vtable->park(
      posix, deadline <= clock_of(r)->now ? 0 : BCSC_NO_DEADLINE);
}

static void clock_unpark(bcsc_reactor_t *r) {
  bcsc_reactor_t *posix = &clock_of(r)->posix.base;
  posix->vtable->unpark(posix);
}

static const bcsc_reactor_vtable_t clock_vtable = {
    sizeof(bcsc_reactor_vtable_t), BCSC_REACTOR_VTABLE_VERSION, clock_now,
    clock_park, clock_unpark};

/* ---- the children (on their host's thread) ------------------------------- */

static int kid_poll(bcsc_task_t *self);

static void kid_init(kid_t *k, side_t *home, side_t *host, int kind,
                     uint32_t *rng) {
  bcsc_remote_task_init(&k->remote, kid_poll, NULL);
  bcsc_wait_init(&k->wait);
  k->home = home;
  k->host = host;
  k->kind = kind;
  k->yields = next_random(rng) % 4;
  k->spin = next_random(rng) % 8192;
  k->yielded = 0;
  k->result = kind == KIND_FAIL ? E_KID - (int)(next_random(rng) % 3) : 0;
  k->phase = 0;
  k->ended = 0;
  k->returned = 0;
  k->saw_cancel = 0;
  k->grand_kind = next_random(rng) % 2 ? KIND_FINISH : KIND_FOREVER;
  k->grand_rng = next_random(rng) | 1; /* xorshift: never 0 */
  k->nest = NEST_PLAIN;
  k->unshielded = 0;
  k->last = 0;
  k->arrived = 0;
  k->host_ending = 0;
}

static int kid_end(kid_t *k, int rc) {
  k->ended = 1;
  k->returned = rc;
  return rc;
}

static int kid_poll(bcsc_task_t *self) {
  kid_t *k = (kid_t *)(void *)self;
  int rc;
  if (k->ended) {
    atomic_fetch_add(&dead_polls, 1);
    return BCSC_DONE;
  }
  if (!pthread_equal(pthread_self(), k->host->tid))
    atomic_fetch_add(&off_thread, 1);
  if (k->last && !k->arrived) {
    k->arrived = 1;
    k->host->guests++;
    (void)bcsc_waitq_wake_all(&k->host->final_q, 0);
  }
  if (bcsc_task_cancelled(self) && !k->saw_cancel) {
    k->saw_cancel = 1;
    k->host_ending = k->host->ending;
  }
  if (k->kind == KIND_NEST) {
    /* Its cancellation reaches the grandchild through its scope, unless
     * the scope is shielded. */
    if (k->phase == 0) {
      k->phase = 1;
      if (bcsc_scope_init(
              &k->scope, self,
              BCSC_SCOPE_WAIT_ALL |
                  (k->nest != NEST_PLAIN ? BCSC_SCOPE_SHIELD : 0)) != 0)
        problem("nest: scope_init");
      kid_init(k->grand, k->host, k->home, k->grand_kind, &k->grand_rng);
      atomic_fetch_add(&k->home->hosted_sent, 1);
      if (bcsc_scope_spawn_on(&k->scope, &k->grand->remote, &k->home->ex) != 0)
        problem("nest: spawn_on back home");
    }
    /* A cleanup that gives up once cancelled: with the shield gone, the
     * cancellation goes on to the grandchild at once (D83), from the
     * host's thread. */
    if (k->nest == NEST_UNSHIELDS && k->saw_cancel && !k->unshielded) {
      k->unshielded = 1;
      if (bcsc_scope_set_shield(&k->scope, 0) != 0)
        problem("nest: set_shield off");
    }
    rc = bcsc_scope_join(&k->scope);
    return rc == BCSC_PENDING ? rc : kid_end(k, rc);
  }
  if (k->saw_cancel)
    return kid_end(k, BCSC_ECANCELED);
  if (k->yielded < k->yields) {
    k->yielded++;
    return bcsc_task_yield(self);
  }
  if (k->kind == KIND_FOREVER) {
    if (k->phase == 0) {
      k->phase = 1;
      if (bcsc_wait_register(self, &k->wait, &k->host->q) != 0)
        problem("forever: register");
    }
    return BCSC_PENDING; /* only a cancel ends it */
  }
  /* Widen the window in which a cancel is queued while it completes (the
   * RETURNED path of relay.c): a few microseconds of work. */
  for (uint32_t i = 0; i < k->spin; i++)
    (void)atomic_load_explicit(&rounds_done, memory_order_relaxed);
  return kid_end(k, k->result);
}

/* ---- the driver (on its side's thread) ----------------------------------- */

static int would_wait_forever(const kid_t *k) {
  return k->kind == KIND_FOREVER ||
         (k->kind == KIND_NEST && k->grand_kind == KIND_FOREVER);
}

/* Whether `result` is a failure of its scope, as the scope counts it
 * (scope.c: child_failed): a cancelled task may report its cancellation. */
static int failed_result(int result, int cancelled) {
  return result < 0 && !(result == BCSC_ECANCELED && cancelled);
}

static int kid_failed(const kid_t *k) {
  return failed_result(k->returned, bcsc_task_cancelled(&k->remote.task));
}

/* What `scope`'s join gives when no child failed and no race was won: if
 * its own deadline (of `kind`) ended it, what that kind says; else whether
 * it was cancelled (scope.c: scope_result). */
static int quiet_end(const bcsc_scope_t *scope, uint32_t kind) {
  if (bcsc_scope_timed_out(scope))
    return kind == BCSC_DEADLINE_FAIL ? BCSC_ETIMEDOUT : 0;
  return bcsc_scope_cancelled(scope) ? BCSC_ECANCELED : 0;
}

/* The children's ends, and `rc` - what `scope`, which held them, gave its
 * owner: its join's result if `joined`, else the owner's result after the
 * drain (its first error, or 0). `kind`: its deadline's, if it had one.
 * Returns how many children failed. */
static uint32_t check_ends(side_t *s, const bcsc_scope_t *scope,
                           uint32_t policy, uint32_t kind, int rc, int joined) {
  uint32_t failures = 0;
  int failure_match = 0;
  bcsc_task_t *winner = bcsc_scope_winner(scope);
  for (int i = 0; i < KIDS; i++) {
    kid_t *k = &s->kids[i];
    if (!bcsc_remote_task_done(&k->remote) || !k->ended) {
      problem("a child had not ended when the join returned");
      continue;
    }
    if (bcsc_task_result(&k->remote.task) != k->returned)
      problem("a child's task result is not what it returned");
    if (kid_failed(k)) {
      failures++;
      failure_match |= rc == k->returned;
    }
    if (k->kind == KIND_NEST &&
        (!bcsc_remote_task_done(&k->grand->remote) || !k->grand->ended))
      problem("a grandchild had not ended when its parent did");
  }
  if (bcsc_scope_error_count(scope) != failures)
    problem("the scope's error count is not the children's failures");
  if (!joined) {
    if (failures != 0 ? !failure_match : rc != 0)
      problem("an owner that left is not its scope's first error, or 0");
  } else if (policy == BCSC_SCOPE_RACE) {
    const kid_t *w = (const kid_t *)(const void *)winner;
    if (winner != NULL) {
      s->races_won++;
      if (rc != w->returned || bcsc_task_cancelled(winner))
        problem("race: join is not the uncancelled winner's result");
    } else if (rc != (bcsc_scope_timed_out(scope) ? quiet_end(scope, kind)
                                                  : BCSC_ECANCELED)) {
      problem("race: no winner, and join is not ECANCELED (or its "
              "deadline's kind)");
    }
  } else {
    if (failures != 0 && !failure_match)
      problem("join is not one of the children's errors");
    if (failures == 0 && rc != quiet_end(scope, kind))
      problem("join without failures is not 0 / ECANCELED / its deadline's");
  }
  return failures;
}

static void verify_round(side_t *s, int rc) {
  (void)check_ends(s, &s->scope, s->policy, BCSC_DEADLINE_MOVE_ON, rc, 1);
  s->joins_by_rc[rc == 0                ? 0
                 : rc == BCSC_ECANCELED ? 1
                 : rc <= E_KID          ? 2
                                        : 3]++;
}

static void start_round(side_t *s, bcsc_task_t *self) {
  static const uint32_t policies[] = {BCSC_SCOPE_WAIT_ALL, BCSC_SCOPE_FAIL_FAST,
                                      BCSC_SCOPE_RACE};
  int forever = 0;
  s->policy = policies[next_random(&s->rng) % 3];
  if (bcsc_scope_init(&s->scope, self, s->policy) != 0)
    problem("driver: scope_init");
  for (int i = 0; i < KIDS; i++) {
    kid_t *k = &s->kids[i];
    kid_init(k, s, s->other, (int)(next_random(&s->rng) % KINDS), &s->rng);
    k->grand = &s->grands[i];
    forever |= would_wait_forever(k);
    s->kids_by_kind[k->kind]++;
  }
  /* A cancel at a random moment - always, if a child would wait for ever
   * (a race might end it anyway: then the cancel meets ended children). */
  s->cancel_after = next_random(&s->rng) % 8;
  if (forever || next_random(&s->rng) % 2)
    s->cancel_after++;
  else
    s->cancel_after = 0;
  s->yielded = 0;
  for (int i = 0; i < KIDS; i++) {
    atomic_fetch_add(&s->other->hosted_sent, 1);
    if (bcsc_scope_spawn_on(&s->scope, &s->kids[i].remote, &s->other->ex) != 0)
      problem("driver: spawn_on");
  }
}

/* ---- shield rounds (on the driver's side's thread) ----------------------- */

/* What D80 and D83 say an action does to the owner's scope. The owner's
 * return with the scope open cancels it too (the owner does that). */
static void model_act(shield_model_t *m, int act) {
  switch (act) {
  case ACT_OUTER: /* stops at the shield; the owner stays cancelled */
  case ACT_OUTER_DEADLINE:
  case ACT_CLEANUP:
  case ACT_SHUTDOWN:
    m->owner_cancelled = 1;
    m->cancelled |= !m->shielded;
    break;
  case ACT_OFF: /* a cancellation pending above comes in now */
    m->shielded = 0;
    m->cancelled |= m->owner_cancelled;
    break;
  case ACT_ON: /* what was cancelled stays so */
    m->shielded = 1;
    break;
  default: /* ACT_OWN, ACT_DEADLINE: its own end */
    m->cancelled = 1;
    break;
  }
}

/* A grace's report (from the timer processing of the owner's side): the
 * holder, and no remote child - their frames are their host's (D59). It
 * lets the holder go. */
static void stuck_report(void *context, bcsc_scope_t *scope,
                         bcsc_task_t *task) {
  side_t *s = context;
  s->reports++;
  if (scope != &s->shield || task != &s->holder)
    problem("a grace reported a task other than the local one it held up");
  if (!bcsc_scope_cancelled(scope))
    problem("a grace ran out on a scope that was not cancelled");
  s->seen[SEEN_REPORTS_IN_FLIGHT] += bcsc_scope_live(scope) > 1;
  s->kicked = 1;
  (void)bcsc_waitq_wake_one(&s->holder_q, 0);
}

/* The local tasks of the driver's scope's subtree, as bits. */
enum { REPORTED_OWNER = 1, REPORTED_HOLDER = 2 };

/* Which of the local tasks of the driver's scope's subtree are live. */
static unsigned local_live(const side_t *s) {
  unsigned live = 0;
  if (!bcsc_task_done(&s->owner))
    live |= REPORTED_OWNER;
  if (s->holder_on && !bcsc_task_done(&s->holder))
    live |= REPORTED_HOLDER;
  return live;
}

static int is_remote_child(const bcsc_task_t *task) {
  for (int i = 0; i < 2; i++)
    for (int j = 0; j < KIDS; j++)
      if (task == &sides[i].kids[j].remote.task ||
          task == &sides[i].grands[j].remote.task)
        return 1;
  return 0;
}

/* The driver's scope's grace report: the owner, in that scope, and the
 * holder, in the owner's scope - shielded or not: the grace's walk enters
 * every scope (D80) - each once, the owner first (depth first, D59), and
 * only the live ones; a remote child never. From the timer processing of
 * the driver's side: on its thread, once the driver has moved the clock
 * past the period. No task completes during the walk, so what is live at
 * the first call was live when the period ran out. */
static void outer_report(void *context, bcsc_scope_t *scope,
                         bcsc_task_t *task) {
  side_t *s = context;
  unsigned bit = 0;
  if (task == &s->owner)
    bit = REPORTED_OWNER;
  else if (s->holder_on && task == &s->holder)
    bit = REPORTED_HOLDER;
  if (s->outer_reports++ == 0)
    s->outer_live = local_live(s);
  if (!pthread_equal(pthread_self(), s->tid))
    problem("the driver's grace reported off its executor's thread");
  if (scope != &s->scope || !bcsc_scope_cancelled(scope))
    problem("the driver's grace reported for another scope, or one not "
            "cancelled");
  if (s->outer_ran_out || s->clock.now < s->outer_expiry)
    problem("the driver's grace reported other than once, when its period "
            "ran out");
  if (is_remote_child(task))
    problem("the driver's grace reported a remote child");
  else if (bit == 0 || bcsc_task_done(task))
    problem("the driver's grace reported a task not live in its subtree");
  else if (s->outer_reported & bit)
    problem("the driver's grace reported a task twice");
  else if (bit == REPORTED_HOLDER && !(s->outer_reported & REPORTED_OWNER))
    problem("the driver's grace reported the holder before its owner");
  s->outer_reported |= bit;
  if (bit == REPORTED_OWNER)
    s->seen[SEEN_OUTER_IN_FLIGHT] +=
        bcsc_scope_live(&s->shield) >
        (s->outer_live & REPORTED_HOLDER ? 1u : 0u);
  if (bit == REPORTED_HOLDER)
    s->seen[SEEN_OUTER_HOLDER] +=
        s->model.shielded && !bcsc_scope_cancelled(&s->shield);
}

/* The driver's scope was cancelled at this step of the script (an outer
 * cancel, or its deadline at the clock's time): its grace's period starts
 * now (D59). */
static void outer_cancel_seen(side_t *s) {
  if (s->outer_grace_on && s->outer_expiry == BCSC_NO_DEADLINE &&
      bcsc_scope_cancelled(&s->scope))
    s->outer_expiry = s->clock.now + GRACE_NS;
}

/* After the clock moved (pass_time() gave 0: what fell due has fired):
 * once the driver's grace has run out, its report named exactly the local
 * tasks live then. With no report, none was: a task live now was live
 * then. */
static void outer_grace_check(side_t *s) {
  if (s->outer_ran_out || s->clock.now < s->outer_expiry)
    return;
  s->outer_ran_out = 1;
  if (s->outer_reports == 0) {
    if (local_live(s) != 0)
      problem("the driver's grace ran out with a local task live in its "
              "subtree, and reported nothing");
    s->seen[SEEN_OUTER_EMPTY]++;
  } else if (s->outer_reported != s->outer_live) {
    problem("the driver's grace did not report exactly the local tasks "
            "live in its subtree");
  }
}

/* The holder: a cleanup that does not end when cancelled, only when the
 * grace reports it (a wait on nothing else: bcsc_wait_register() does not
 * refuse a cancelled task). */
static int holder_poll(bcsc_task_t *self) {
  side_t *s = self->data;
  /* Only its scope's cancellation reaches it (the walk marks the scope
   * once it has marked the children, before the holder runs): a report
   * of the driver's grace, behind the shield, ends nothing. */
  if (bcsc_task_cancelled(self) && !bcsc_scope_cancelled(&s->shield))
    problem("the holder was cancelled and its scope was not");
  if (s->kicked)
    return BCSC_ECANCELED;
  if (bcsc_wait_register(self, &s->holder_wait, &s->holder_q) != 0)
    problem("holder: register");
  return BCSC_PENDING;
}

/* The owner: opens its scope, sends the children from it, then joins it -
 * or returns with it open after a few yields. */
static int owner_poll(bcsc_task_t *self) {
  side_t *s = self->data;
  int rc;
  if (s->owner_phase == 0) {
    s->owner_phase = 1;
    if (bcsc_scope_init(&s->shield, self,
                        s->shield_policy |
                            (s->model.shielded ? BCSC_SCOPE_SHIELD : 0)) != 0)
      problem("owner: scope_init");
    s->shield_open = 1;
    /* An unshielded scope of a cancelled owner opens cancelled. */
    s->model.cancelled |= s->model.owner_cancelled && !s->model.shielded;
    if (s->own_deadline != BCSC_NO_DEADLINE &&
        bcsc_scope_set_deadline(&s->shield, s->own_deadline, s->own_kind) != 0)
      problem("owner: set_deadline");
    if (s->grace_on &&
        (bcsc_drain_grace_init(&s->grace) != 0 ||
         bcsc_scope_set_drain_grace(&s->shield, &s->grace, GRACE_NS,
                                    stuck_report, s) != 0))
      problem("owner: set_drain_grace");
    for (int i = 0; i < KIDS; i++) {
      atomic_fetch_add(&s->other->hosted_sent, 1);
      if (bcsc_scope_spawn_on(&s->shield, &s->kids[i].remote, &s->other->ex) !=
          0)
        problem("owner: spawn_on");
    }
    if (s->holder_on && bcsc_scope_spawn(&s->shield, &s->holder) != 0)
      problem("owner: spawn the holder");
  }
  if (s->owner_leaves) {
    if (s->owner_yielded < s->leave_after) {
      s->owner_yielded++;
      return bcsc_task_yield(self);
    }
    /* Its own end (D80): the owner is done, nothing is left to shield. */
    s->shield_open = 0;
    s->model.cancelled = 1;
    s->seen[SEEN_LEAVES]++;
    return 0;
  }
  rc = bcsc_scope_join(&s->shield);
  if (rc == BCSC_PENDING)
    return rc;
  s->shield_open = 0;
  s->shield_rc = rc;
  return rc;
}

static void start_shield_round(side_t *s, bcsc_task_t *self) {
  static const uint32_t policies[] = {BCSC_SCOPE_WAIT_ALL, BCSC_SCOPE_WAIT_ALL,
                                      BCSC_SCOPE_FAIL_FAST, BCSC_SCOPE_RACE};
  /* A cancellation from outside half the time (the case shields are for);
   * the shield off, on, and its own end a sixth each. */
  static const int script[] = {
      ACT_OUTER,   ACT_OUTER,   ACT_OUTER, ACT_OUTER, ACT_OUTER_DEADLINE,
      ACT_CLEANUP, ACT_OFF,     ACT_OFF,   ACT_ON,    ACT_ON,
      ACT_OWN,     ACT_DEADLINE};
  shield_model_t planned;
  uint64_t when = s->clock.now;
  int forever, cleanup = 0;
  if (bcsc_scope_init(&s->scope, self, BCSC_SCOPE_WAIT_ALL) != 0)
    problem("driver: scope_init");
  s->shield_policy = policies[next_random(&s->rng) % 4];
  memset(&s->model, 0, sizeof s->model);
  s->model.shielded = next_random(&s->rng) % 4 != 0;
  s->owner_leaves = next_random(&s->rng) % 8 == 0;
  s->leave_after = next_random(&s->rng) % 6;
  s->own_kind = next_random(&s->rng) % 2;
  s->outer_kind = next_random(&s->rng) % 2;
  s->own_deadline = s->outer_deadline = BCSC_NO_DEADLINE;
  s->action_count = 1 + (int)(next_random(&s->rng) % ACTIONS);
  if (s->final_round) {
    /* The shutdown alone, into a shield, while the children are in flight
     * (most likely): a wait-all scope's end is then the children's, and
     * the owner's cancel the shutdown's. */
    s->shield_policy = BCSC_SCOPE_WAIT_ALL;
    s->model.shielded = 1;
    s->owner_leaves = 0;
    s->action_count = 1;
  }
  for (int i = 0; i < s->action_count; i++) {
    int act = script[next_random(&s->rng) % (sizeof script / sizeof *script)];
    if (s->final_round)
      act = ACT_SHUTDOWN;
    /* One deadline a scope, one cleanup a round: the cleanup returns
     * once the owner has ended, everything behind the shield with it. */
    if ((act == ACT_DEADLINE && s->own_deadline != BCSC_NO_DEADLINE) ||
        (act == ACT_OUTER_DEADLINE && s->outer_deadline != BCSC_NO_DEADLINE) ||
        (act == ACT_CLEANUP && cleanup++ != 0))
      act = ACT_OUTER;
    if (act == ACT_DEADLINE || act == ACT_OUTER_DEADLINE) {
      when += DEADLINE_STEP;
      *(act == ACT_DEADLINE ? &s->own_deadline : &s->outer_deadline) = when;
    }
    s->actions[i] = act;
    s->action_at[i] =
        (i == 0 ? 0 : s->action_at[i - 1]) + 1 + next_random(&s->rng) % 4;
  }
  /* Children may wait for ever only if the script ends the scope for
   * certain: then every action runs while it is open (it cannot close
   * before), and the model says how it ends. */
  planned = s->model;
  planned.cancelled = s->owner_leaves;
  for (int i = 0; i < s->action_count; i++)
    model_act(&planned, s->actions[i]);
  forever = planned.cancelled;
  /* A grace a third of the time; with a holder only where the scope ends
   * for certain (the holder would wait for ever otherwise). */
  s->grace_on = next_random(&s->rng) % 3 == 0 && !s->final_round;
  s->holder_on = s->grace_on && forever;
  for (int i = 0; i < KIDS; i++) {
    kid_t *k = &s->kids[i];
    int kind = (int)(next_random(&s->rng) % KINDS);
    if (kind == KIND_FOREVER && !forever)
      kind = KIND_FINISH;
    /* A nesting child's grandchild would be a root of this side's
     * executor, and its end cancels every root, remote children hosted
     * there too (D82), past any shield of their parents on the other
     * side. The first child waits until its host's end cancels it (the
     * same rule, from the other side): that end finds it in flight, and
     * this side's end, which waits for it, cannot tear this executor down
     * before the other side has sent its own last children here. */
    if (s->final_round)
      kind = i == 0 ? KIND_FOREVER : kind == KIND_NEST ? KIND_FINISH : kind;
    kid_init(k, s, s->other, kind, &s->rng);
    k->last = s->final_round;
    k->grand = &s->grands[i];
    k->nest = (int)(next_random(&s->rng) % 3);
    /* Its cancellation reaches the grandchild only past no shield. */
    if (!forever || k->nest == NEST_SHIELDED)
      k->grand_kind = KIND_FINISH;
    s->kids_by_kind[k->kind]++;
  }
  if (s->outer_deadline != BCSC_NO_DEADLINE &&
      bcsc_scope_set_deadline(&s->scope, s->outer_deadline, s->outer_kind) != 0)
    problem("driver: set_deadline");
  /* The driver's scope's grace a third of the time (not in the last
   * round: the executor's end cancels the driver, whose sleep then fails).
   * Both draws every round, from a stream of their own. */
  s->outer_grace_on = next_random(&s->grace_rng) % 3 == 0 && !s->final_round;
  s->outer_late = next_random(&s->grace_rng) % 2 != 0;
  s->outer_expiry = BCSC_NO_DEADLINE;
  s->outer_ran_out = 0;
  s->outer_reports = 0;
  s->outer_reported = s->outer_live = 0;
  if (s->outer_grace_on &&
      (bcsc_drain_grace_init(&s->outer_grace) != 0 ||
       bcsc_scope_set_drain_grace(&s->scope, &s->outer_grace, GRACE_NS,
                                  outer_report, s) != 0))
    problem("driver: set_drain_grace");
  bcsc_task_init(&s->owner, owner_poll, s);
  bcsc_task_init(&s->holder, holder_poll, s);
  bcsc_wait_init(&s->holder_wait);
  s->kicked = 0;
  s->reports = 0;
  s->holders += (uint64_t)s->holder_on;
  s->own_fired = 0;
  s->waiting_act = ACTS;
  s->owner_phase = 0;
  s->owner_yielded = 0;
  s->shield_open = 0;
  s->hit_in_flight = 0;
  s->next_action = 0;
  s->yielded = 0;
  s->owners++;
  if (bcsc_scope_spawn(&s->scope, &s->owner) != 0)
    problem("driver: spawn the owner");
}

/* Let the side's clock reach `until`, and wait until the executor has
 * fired what fell due: the driver's own timer at `until` fires in the same
 * advance of the wheel as a deadline or grace at it or before. PENDING
 * until then, 0 after. */
static int pass_time(side_t *s, bcsc_task_t *self, uint64_t until) {
  int rc = bcsc_sleep_until(self, &s->tick, until);
  if (rc == BCSC_PENDING && s->clock.now < until)
    s->clock.now = until;
  return rc;
}

/* Whether a cancellation from outside that reaches the owner now stops at
 * the shield with children in flight. */
static int stops_in_flight(const side_t *s) {
  return s->shield_open && s->model.shielded && !s->model.cancelled &&
         bcsc_scope_live(&s->shield) != 0;
}

/* A cancellation from outside (`act`) reached the (live) owner. */
static void outer_reached(side_t *s, int act) {
  s->hit_in_flight |= stops_in_flight(s);
  model_act(&s->model, act);
}

/* One action of the script, where it can still act; the model follows.
 * BCSC_PENDING for one whose end the driver waits for (shield_settle()),
 * else 0. */
static int shield_act(side_t *s, bcsc_task_t *self, int act) {
  int owner_live = !bcsc_task_done(&s->owner);
  int by_task, rc;
  if (act == ACT_DEADLINE || act == ACT_OUTER_DEADLINE) {
    /* Whether the scope was still open and uncancelled says whether the
     * deadline may fire; the fire is read once it has come. */
    s->act_cancelled = act == ACT_DEADLINE
                           ? !s->shield_open || bcsc_scope_cancelled(&s->shield)
                           : bcsc_scope_cancelled(&s->scope);
    s->act_time = act == ACT_DEADLINE ? s->own_deadline : s->outer_deadline;
    s->waiting_act = act;
    s->acts[act]++;
    if (pass_time(s, self, s->act_time) != BCSC_PENDING)
      problem("driver: a deadline's time had passed already");
    return BCSC_PENDING;
  }
  if (act == ACT_SHUTDOWN) {
    /* Once the other side's last children are here (shield_settle()). */
    s->waiting_act = act;
    s->acts[act]++;
    return bcsc_task_yield(self);
  }
  if (act == ACT_CLEANUP) {
    /* The side's thread leaves the run (the pacer completes) and cleans
     * the owner up from outside it (shield_settle() reads what it
     * found). */
    s->exit_state = 1;
    s->waiting_act = act;
    s->acts[act]++;
    (void)bcsc_waitq_wake_one(&s->pacer_q, 0);
    return bcsc_task_yield(self);
  }
  if (act == ACT_OUTER) {
    s->cancels_sent++;
    /* Drawn whether used or not: the draws follow the seed alone. */
    by_task = next_random(&s->rng) % 2 != 0;
    rc = owner_live && by_task ? bcsc_task_cancel(&s->owner)
                               : bcsc_scope_cancel(&s->scope);
    if (rc != 0)
      problem("shield round: outer cancel");
    if (owner_live) { /* else it reached nobody */
      s->acts[act]++;
      outer_reached(s, act);
    }
    return 0;
  }
  if (!s->shield_open)
    return 0;
  if (act == ACT_OFF && s->model.owner_cancelled && !s->model.cancelled)
    s->seen[SEEN_UNSHIELD_CUT]++;
  rc = act == ACT_OWN ? bcsc_scope_cancel(&s->shield)
                      : bcsc_scope_set_shield(&s->shield, act == ACT_ON);
  if (rc != 0)
    problem("shield round: an action failed");
  s->acts[act]++;
  model_act(&s->model, act);
  return 0;
}

/* The end of the action the driver waited for. BCSC_PENDING while it has
 * not come, else 0. */
static int shield_settle(side_t *s, bcsc_task_t *self) {
  int act = s->waiting_act;
  int fired, rc;
  if (act == ACT_SHUTDOWN) {
    if (!s->ending) {
      /* Every child of the other side's last round has been polled here:
       * none comes after the end, and the end meets them. */
      if (s->guests < KIDS) {
        if (bcsc_wait_register(self, &s->final_wait, &s->final_q) != 0)
          problem("driver: wait for the guests");
        return BCSC_PENDING;
      }
      if (s->exit_state == 0) {
        /* The side's thread leaves the run (the pacer completes) and ends
         * the executor from outside it. */
        s->exit_state = 1;
        (void)bcsc_waitq_wake_one(&s->pacer_q, 0);
      }
      return bcsc_task_yield(self); /* behind the pacer */
    }
    /* The end cancelled every root (D82): this driver, its scope and so
     * the owner, if it was live - stopped at the shield - and the other
     * side's children hosted here; it runs the executor until none is
     * live, this poll among its turns. */
    s->exit_state = 0;
    if (s->found_live) {
      s->shutdown_stopped = stops_in_flight(s);
      outer_reached(s, act);
    }
    if (!bcsc_task_cancelled(self))
      problem("the shutdown did not cancel the driver, a root");
  } else if (act == ACT_CLEANUP) {
    if (s->exit_state == 1)
      return bcsc_task_yield(self); /* behind the pacer */
    /* The cleanup cancelled the owner, if it was live (an outside
     * cancellation: D82 cancels as bcsc_task_cancel() does), and runs the
     * executor - this poll among its turns - until the owner has ended. */
    s->exit_state = 0;
    if (s->found_live) {
      s->seen[SEEN_CLEANUPS_LIVE]++;
      s->seen[SEEN_CLEANUP_STOPPED] += (uint64_t)stops_in_flight(s);
      outer_reached(s, act);
    }
  } else {
    if ((rc = pass_time(s, self, s->act_time)) == BCSC_PENDING)
      return rc;
    if (rc != 0)
      problem("driver: its timer");
    if (act == ACT_DEADLINE) {
      /* Its own end: the shield does not stop it (D80). It fires unless
       * the scope was cancelled (or closed) before, or its policy
       * cancelled it while the clock moved. */
      fired = bcsc_scope_timed_out(&s->shield);
      if (fired && s->act_cancelled)
        problem("a deadline fired on a scope cancelled or closed before");
      if (!fired && !s->act_cancelled && s->shield_open &&
          (s->shield_policy == BCSC_SCOPE_WAIT_ALL ||
           !bcsc_scope_cancelled(&s->shield)))
        problem("the shielded scope's own deadline did not cancel it");
      s->own_fired = fired;
      s->seen[SEEN_OWN_TIMEOUTS] += (uint64_t)fired;
      if (fired)
        model_act(&s->model, act);
    } else {
      /* The driver's scope holds the owner only (wait-all): it fires
       * exactly when nothing cancelled that scope before, and reaches the
       * owner if the owner had not ended - and stops at the shield. */
      fired = bcsc_scope_timed_out(&s->scope);
      if (fired == s->act_cancelled)
        problem("the driver's deadline fired other than on its uncancelled "
                "scope");
      if (fired &&
          (!bcsc_task_done(&s->owner) || bcsc_task_cancelled(&s->owner))) {
        s->seen[SEEN_OUTER_STOPPED] += (uint64_t)stops_in_flight(s);
        outer_reached(s, act);
      }
    }
  }
  s->waiting_act = ACTS;
  return 0;
}

static int cancel_seen(const kid_t *k) {
  return k->saw_cancel || bcsc_task_cancelled(&k->remote.task);
}

static void verify_shield_round(side_t *s, int rc) {
  int joined = !s->owner_leaves;
  int owner_rc = bcsc_task_result(&s->owner);
  int owner_cancelled = bcsc_task_cancelled(&s->owner);
  uint32_t failures = check_ends(s, &s->shield, s->shield_policy, s->own_kind,
                                 joined ? s->shield_rc : owner_rc, joined);
  /* The scope's policy is its own end too (D80). */
  int cancelled = s->model.cancelled ||
                  (s->shield_policy == BCSC_SCOPE_FAIL_FAST && failures != 0) ||
                  (s->shield_policy == BCSC_SCOPE_RACE &&
                   bcsc_scope_winner(&s->shield) != NULL);
  int owner_failed = failed_result(owner_rc, owner_cancelled);
  if (!bcsc_task_done(&s->owner))
    problem("the owner had not completed when the driver's join returned");
  if (owner_cancelled != s->model.owner_cancelled)
    problem("the owner's cancel is not the script's");
  if (bcsc_scope_cancelled(&s->shield) != cancelled)
    problem("the shielded scope's cancel is not what D80/D83 say");
  if (joined && owner_rc != s->shield_rc)
    problem("the owner's result is not its join's");
  if (bcsc_scope_timed_out(&s->shield) != s->own_fired)
    problem("the shielded scope timed out other than at its deadline's step");
  if (bcsc_scope_timed_out(&s->scope) && s->outer_deadline == BCSC_NO_DEADLINE)
    problem("the driver's scope timed out without a deadline");
  /* A grace reports the local task it holds up, once, and never a remote
   * child (D59): once with the holder, never without. */
  if (s->reports != (uint32_t)s->holder_on)
    problem("a grace's reports are not the holder's one");
  if (s->holder_on &&
      (!bcsc_task_done(&s->holder) || !bcsc_task_cancelled(&s->holder) ||
       bcsc_task_result(&s->holder) != BCSC_ECANCELED || !s->kicked))
    problem("the holder did not end cancelled, let go by its report");
  s->seen[SEEN_REPORTS] += s->reports;
  s->seen[SEEN_STOPPED] += s->hit_in_flight && !cancelled;
  for (int i = 0; i < KIDS; i++) {
    const kid_t *k = &s->kids[i];
    /* Its host's end cancels it as a root there, past every shield here
     * (D82); nothing else reaches a last round's child. */
    int by_host_end = k->last && k->host_ending;
    if (k->last && k->saw_cancel != k->host_ending)
      problem("a last round's child saw a cancel other than its host's end");
    if (!cancelled && !by_host_end &&
        (cancel_seen(k) || k->returned != k->result))
      problem("a cancel crossed the shield: a child behind it saw it");
    s->seen[SEEN_HOST_ENDS] += (uint64_t)by_host_end;
    if (k->saw_cancel && !bcsc_task_cancelled(&k->remote.task))
      problem("a child saw a cancel its task does not hold");
    if (k->kind == KIND_FOREVER && !k->saw_cancel)
      problem("a child waiting for ever ended without a cancel");
    s->seen[SEEN_REACHED] += (uint64_t)k->saw_cancel;
    if (k->kind == KIND_NEST) {
      const kid_t *g = k->grand;
      int parent_cancelled = bcsc_task_cancelled(&k->remote.task);
      if (cancel_seen(g) && (!parent_cancelled || k->nest == NEST_SHIELDED))
        problem("a cancel crossed a nested shield to a grandchild");
      if (g->kind == KIND_FOREVER && !g->saw_cancel)
        problem("a grandchild waiting for ever ended without a cancel");
      if (k->unshielded != (k->nest == NEST_UNSHIELDS && k->saw_cancel))
        problem("a nesting child did not turn its shield off when cancelled");
      s->seen[SEEN_NEST_STOPPED] +=
          parent_cancelled && k->nest == NEST_SHIELDED;
      s->seen[SEEN_UNSHIELDS] += (uint64_t)k->unshielded;
    }
  }
  /* The driver's scope holds the owner only. */
  if (bcsc_scope_error_count(&s->scope) != (uint32_t)owner_failed)
    problem("the driver's error count is not the owner's failure");
  if (rc != (owner_failed ? owner_rc : quiet_end(&s->scope, s->outer_kind)))
    problem("the driver's join is not what the owner's end says");
}

/* The last driver to end ends both servers - where no executor's end
 * cancels them: a server's waker may name an executor torn down then. */
static void driver_counts_itself_done(void) {
  if (atomic_fetch_add(&drivers_done, 1) + 1 == 2 && shield_rounds == 0)
    for (int i = 0; i < 2; i++) {
      /* Published by each server's first poll, long before. */
      while (!atomic_load_explicit(&sides[i].published, memory_order_acquire)) {
      }
      (void)bcsc_waker_wake(sides[i].server_waker);
    }
}

static int driver_poll(bcsc_task_t *self) {
  side_t *s = self->data;
  int rc;
  for (;;) {
    if (s->phase == 0) {
      if (s->plain_left + s->shield_left == 0) {
        if (!s->end_left) {
          s->driver_finished = 1; /* the pacer ends too */
          (void)bcsc_waitq_wake_one(&s->pacer_q, 0);
          driver_counts_itself_done();
          return BCSC_DONE;
        }
        /* One more shield round, whose script ends the executor while its
         * children are behind the shield on the other side. */
        s->end_left = 0;
        s->final_round = 1;
        s->shield_left = 1;
      }
      s->shield_round = s->shield_left != 0 &&
                        (s->plain_left == 0 || next_random(&s->rng) % 2 != 0);
      if (s->shield_round) {
        s->shield_left--;
        start_shield_round(s, self);
        s->phase = 3;
        /* The owner opens its scope before the script starts. */
        return bcsc_task_yield(self);
      }
      s->plain_left--;
      start_round(s, self);
      s->phase = 1;
    }
    if (s->phase == 1) {
      if (s->cancel_after != 0) {
        if (++s->yielded < s->cancel_after)
          return bcsc_task_yield(self); /* busy while messages arrive */
        s->cancels_sent++;
        if (bcsc_scope_cancel(&s->scope) != 0)
          problem("driver: cancel");
      }
      s->phase = 2;
    }
    if (s->phase == 3) {
      if (s->waiting_act != ACTS) {
        if ((rc = shield_settle(s, self)) == BCSC_PENDING)
          return rc;
      } else if (s->action_at[s->next_action] == ++s->yielded &&
                 (rc = shield_act(s, self, s->actions[s->next_action++])) ==
                     BCSC_PENDING) {
        return rc;
      }
      outer_cancel_seen(s);
      outer_grace_check(s);
      if (s->next_action < s->action_count)
        return bcsc_task_yield(self);
      s->act_time = s->clock.now;
      s->phase = 4;
    }
    if (s->phase == 4) {
      /* The holder ends only when the grace reports it: time passes, a
       * period at a time, until it has ended (then the join waits for the
       * rest without keeping the executor busy). */
      while (s->holder_on && !bcsc_task_done(&s->holder)) {
        if ((rc = pass_time(s, self, s->act_time)) == BCSC_PENDING)
          return rc;
        outer_grace_check(s);
        s->act_time = s->clock.now + GRACE_NS;
      }
      /* The driver's grace, if its scope was cancelled, runs out before
       * the join: at once - the owner most likely live, waiting behind the
       * shield for the children in flight - or, one round in two, once
       * the owner has ended (then nothing is left to report). The join
       * waits for that: it wakes the driver once its scope is empty, and
       * closes the scope only when called again, after the clock moved. */
      if (s->outer_expiry != BCSC_NO_DEADLINE && !s->outer_ran_out) {
        if (s->outer_late && bcsc_scope_live(&s->scope) != 0)
          return bcsc_scope_join(&s->scope);
        if ((rc = pass_time(s, self, s->outer_expiry)) == BCSC_PENDING)
          return rc;
        outer_grace_check(s);
      }
      s->phase = 2;
    }
    rc = bcsc_scope_join(&s->scope);
    if (rc == BCSC_PENDING)
      return rc;
    if (s->shield_round)
      verify_shield_round(s, rc);
    else
      verify_round(s, rc);
    s->round++;
    atomic_fetch_add_explicit(&rounds_done, 1, memory_order_relaxed);
    s->phase = 0;
  }
}

/* ---- each side's thread -------------------------------------------------- */

static int server_poll(bcsc_task_t *self) {
  side_t *s = self->data;
  if (!atomic_load_explicit(&s->published, memory_order_relaxed)) {
    if (bcsc_task_waker(self, &s->server_waker) != 0)
      problem("server: no waker");
    atomic_store_explicit(&s->published, 1, memory_order_release);
  }
  (void)bcsc_task_waker_woken(self);
  if (bcsc_task_cancelled(self))
    return BCSC_DONE; /* its executor's end */
  /* Ends when both drivers have: the other side's children may come to
   * this one until then. */
  return atomic_load(&drivers_done) == 2 ? BCSC_DONE : BCSC_PENDING;
}

/* A root of its side's run that ends when the driver asks for a cleanup
 * (or has ended): bcsc_task_cleanup() must be called outside the run, as
 * it runs the executor itself (from a poll it cannot: FRAME_LEFT_LIVE,
 * D84). */
static int pacer_poll(bcsc_task_t *self) {
  side_t *s = self->data;
  if (s->exit_state == 1 || s->driver_finished)
    return 0;
  if (bcsc_wait_register(self, &s->pacer_wait, &s->pacer_q) != 0)
    problem("pacer: register");
  return BCSC_PENDING;
}

/* The end of the side's executor, from its thread outside the run: its
 * shutdown, or on the side main() drew, its cleanup (D82, D84), which
 * returns nothing and must leave nothing linked and report nothing. */
static void end_executor(side_t *s) {
  uint64_t guests_live = 0;
  int guests_ended = 1;
  for (int i = 0; i < KIDS; i++)
    guests_live += (uint64_t)!s->other->kids[i].ended;
  /* Its stats, while the executor is there to ask. */
  s->at_shutdown.size = sizeof s->at_shutdown;
  if (bcsc_executor_stats(&s->ex, &s->at_shutdown) != 0)
    problem("stats before the executor's end");
  /* Its server, its driver and the last round's owner (the other side's
   * end may have ended it), and the other side's children still here. */
  s->found_live = !bcsc_task_done(&s->owner);
  s->live_at_end = 2 + (uint64_t)s->found_live + guests_live;
  s->ending = 1;
  if (s->by_cleanup)
    bcsc_executor_cleanup(&s->ex);
  else
    s->shutdown_rc = bcsc_executor_shutdown(&s->ex);
  s->torn_down = 1;
  for (int i = 0; i < KIDS; i++)
    guests_ended &= s->other->kids[i].ended;
  if (!guests_ended || !bcsc_waitq_empty(&s->q))
    problem("the executor's end returned with the other side's children "
            "live or linked here");
}

static void *side_main(void *arg) {
  side_t *s = arg;
  s->tid = pthread_self();
  for (;;) {
    bcsc_task_init(&s->pacer, pacer_poll, s);
    bcsc_wait_init(&s->pacer_wait);
    s->pacers++;
    s->run_rc = bcsc_executor_run(&s->ex, &s->pacer);
    if (s->run_rc != 0 || s->exit_state != 1)
      break;
    /* The cleanup cancels the owner and runs the executor until it has
     * ended (D82): its shielded scope's children, in flight on the other
     * side, and the driver's script go on meanwhile. */
    s->found_live = !bcsc_task_done(&s->owner);
    s->exit_state = 2;
    if (s->waiting_act == ACT_SHUTDOWN) {
      end_executor(s);
      return NULL;
    }
    bcsc_task_cleanup(&s->owner);
    if (!bcsc_task_done(&s->owner))
      problem("bcsc_task_cleanup() returned before the owner had ended");
  }
  if (s->run_rc == 0)
    s->run_rc = bcsc_executor_run(&s->ex, &s->server);
  if (s->run_rc == 0)
    s->run_rc = bcsc_executor_run(&s->ex, NULL);
  return NULL;
}

static void *watchdog_main(void *arg) {
  unsigned last = 0, still = 0;
  (void)arg;
  while (!atomic_load(&stop)) {
    struct timespec ts = {0, 100000000};
    unsigned now;
    nanosleep(&ts, NULL);
    now = atomic_load_explicit(&rounds_done, memory_order_relaxed);
    still = now == last ? still + 1 : 0;
    last = now;
    if (still >= WATCHDOG * 10) {
      /* A scope that the rules would have cancelled, and did not, holds
       * its waiting children up too: say what was seen before. */
      printf("FAIL: no round ended for %d s (a lost message or wake-up, or "
             "a cancel that never came?); rounds done %u; %d problem(s) "
             "before, the first: %s\n0 passed, 1 failed\n",
             WATCHDOG, now, atomic_load(&problems),
             atomic_load(&problems) != 0 ? atomic_load(&first_problem)
                                         : "none");
      fflush(stdout);
      _exit(1);
    }
  }
  return NULL;
}

int main(int argc, char **argv) {
  pthread_t watchdog;
  struct timespec t0, t1;
  bcsc_executor_stats_t st[2];
  uint64_t joins[4] = {0, 0, 0, 0}, kinds[KINDS] = {0, 0, 0, 0};
  uint64_t cancels = 0, races = 0;
  /* shield rounds: actions by kind, and what they met */
  uint64_t acts[ACTS] = {0}, seen[SEENS] = {0};
  int met_all = 1;
  uint32_t seed;
  setvbuf(stdout, NULL, _IOLBF, 0);
  rounds = argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 10) : 20000;
  shield_rounds =
      argc > 2 ? (uint32_t)strtoul(argv[2], NULL, 10) : SHIELD_ROUNDS;
  seed = argc > 3 ? (uint32_t)strtoul(argv[3], NULL, 0) : 0x9e3779b9u;
  /* Fibonacci hashing: neighbouring seeds pick either side. */
  cleanup_side = (int)((seed * 0x9e3779b9u) >> 31);
  printf("stress_remote: seed 0x%08x\n", (unsigned)seed);
  bcsc_set_misuse_handler(count_misuse, NULL);
  for (int i = 0; i < 2; i++) {
    side_t *s = &sides[i];
    bcsc_executor_config_t config;
    s->name = i == 0 ? "A" : "B";
    s->other = &sides[1 - i];
    s->rng = seed * (uint32_t)(i + 1);
    s->rng += s->rng == 0; /* xorshift: never 0 */
    s->grace_rng = s->rng ^ 0x5bd1e995u;
    s->grace_rng += s->grace_rng == 0;
    s->plain_left = rounds;
    s->shield_left = shield_rounds;
    check(bcsc_posix_reactor_init(&s->clock.posix) == 0, "posix reactor");
    s->clock.base.vtable = &clock_vtable;
    s->clock.base.data = NULL;
    s->clock.now = 0;
    memset(&config, 0, sizeof config);
    config.size = sizeof config;
    config.reactor = &s->clock.base;
    config.waker_slots = s->slots;
    config.waker_slot_count = 2;
    check(bcsc_executor_init(&s->ex, &config) == 0, "executor init");
    bcsc_waitq_init(&s->q);
    bcsc_waitq_init(&s->holder_q);
    bcsc_waitq_init(&s->pacer_q);
    bcsc_waitq_init(&s->final_q);
    bcsc_wait_init(&s->final_wait);
    /* The end: each side's last round ends its executor (driver_poll()),
     * one by its cleanup. */
    s->end_left = shield_rounds != 0;
    s->by_cleanup = i == cleanup_side;
    bcsc_timer_init(&s->tick);
    bcsc_task_init(&s->server, server_poll, s);
    bcsc_task_init(&s->driver, driver_poll, s);
    /* Set up here; each side's thread runs it from then on. */
    check(bcsc_executor_spawn(&s->ex, &s->server) == 0, "spawn server");
    check(bcsc_executor_spawn(&s->ex, &s->driver) == 0, "spawn driver");
  }
  clock_gettime(CLOCK_MONOTONIC, &t0);
  pthread_create(&watchdog, NULL, watchdog_main, NULL);
  for (int i = 0; i < 2; i++)
    pthread_create(&sides[i].thread, NULL, side_main, &sides[i]);
  for (int i = 0; i < 2; i++)
    pthread_join(sides[i].thread, NULL);
  atomic_store(&stop, 1);
  pthread_join(watchdog, NULL);
  clock_gettime(CLOCK_MONOTONIC, &t1);

  for (int i = 0; i < 2; i++) {
    side_t *s = &sides[i];
    /* Live when its stats were taken before its end. */
    uint64_t live = s->torn_down ? s->live_at_end : 0;
    /* The joins order both threads' work before this one's. */
    check(s->run_rc == 0, "each side's run ends with 0");
    check(s->torn_down == (shield_rounds != 0),
          "each side's last round ended its executor");
    if (s->torn_down) {
      check(s->shutdown_rc == 0,
            "the shutdown ended every task and tore the executor down");
      check(bcsc_task_done(&s->server) && bcsc_task_done(&s->driver) &&
                bcsc_task_done(&s->owner),
            "every root had ended when the shutdown or cleanup returned");
      /* The other side's last children, hosted here (D82). */
      check(s->other->seen[SEEN_HOST_ENDS] != 0,
            "the executor's end cancelled children of the other side");
      st[i] = s->at_shutdown;
    } else {
      check(bcsc_executor_bind_thread(&s->ex) == 0, "bind");
      memset(&st[i], 0, sizeof st[i]);
      st[i].size = sizeof st[i];
      check(bcsc_executor_stats(&s->ex, &st[i]) == 0, "stats");
    }
    check(s->round == rounds + shield_rounds + (uint32_t)s->torn_down,
          "every round of both drivers ended");
    /* Its own two root tasks, the pacers, shield rounds' owners and
     * holders, and every remote task sent to it. */
    check(st[i].completions + live == 2 + s->pacers + s->owners + s->holders +
                                          atomic_load(&s->hosted_sent),
          "completions == own tasks + remote tasks sent to it, exactly");
    check(st[i].spawns == st[i].completions + live, "spawns == completions");
    check(st[i].cancels <=
              s->owners + s->holders + atomic_load(&s->hosted_sent),
          "cancels reached only the owners, the holders and the remote "
          "tasks it hosted");
    check(bcsc_waitq_empty(&s->q), "no registration left on a host's list");
    check(bcsc_waitq_deinit(&s->q) == 0, "waitq deinit");
    check(s->torn_down || bcsc_executor_deinit(&s->ex) == 0, "executor deinit");
    check(bcsc_waitq_deinit(&s->holder_q) == 0 &&
              bcsc_waitq_deinit(&s->pacer_q) == 0 &&
              bcsc_waitq_deinit(&s->final_q) == 0,
          "the holder's and the pacer's lists are empty");
    bcsc_posix_reactor_deinit(&s->clock.posix);
    for (int j = 0; j < 4; j++)
      joins[j] += s->joins_by_rc[j];
    for (int j = 0; j < KINDS; j++)
      kinds[j] += s->kids_by_kind[j];
    cancels += s->cancels_sent;
    races += s->races_won;
    for (int j = 0; j < ACTS; j++)
      acts[j] += s->acts[j];
    for (int j = 0; j < SEENS; j++)
      seen[j] += s->seen[j];
  }
  check(atomic_load(&misuses) == 0 && atomic_load(&executors_left_live) == 0,
        "no misuse reported (EXECUTOR_LEFT_LIVE above all)");
  check(atomic_load(&problems) == 0, "no problem seen on the executors");
  if (atomic_load(&problems) != 0)
    printf("  %d problem(s); the first: %s\n", atomic_load(&problems),
           atomic_load(&first_problem));
  check(atomic_load(&dead_polls) == 0, "no poll of a child that had ended");
  check(atomic_load(&off_thread) == 0, "every child ran on its host only");
  /* Every outcome happened, or the run proved less than it claims. */
  check(rounds == 0 || (joins[0] > 0 && joins[1] > 0 && joins[2] > 0),
        "joins returned 0, ECANCELED and a child's error");
  check(cancels > 0 && races > 0, "cancels were sent and races won");
  for (int j = 0; j < ACTS; j++)
    met_all &= acts[j] > 0;
  for (int j = 0; j < SEENS; j++)
    met_all &= seen[j] > 0;
  check(shield_rounds == 0 || met_all,
        "shield rounds: every action, and every case they count (owners "
        "that left; cancels stopped at shields, nested too, let in by off; "
        "own deadlines that fired; outer deadlines and cleanups stopped at "
        "the shield with children in flight; graces that ran out with "
        "remote children in flight, the driver's too, and one behind an "
        "uncancelled shield, and one after the owner had ended ...)");

  printf("stress_remote: 2 x (%u plain + %u shield) rounds, %.2f s: remote "
         "tasks A->B %u, "
         "B->A %u (finish %llu, fail %llu, wait %llu, nest %llu); joins 0 "
         "%llu, ECANCELED %llu, error %llu, other %llu; cancels sent %llu, "
         "host cancels %llu + %llu, races won %llu, parks %llu + %llu\n",
         rounds, shield_rounds,
         (double)(t1.tv_sec - t0.tv_sec) +
             (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
         atomic_load(&sides[1].hosted_sent), atomic_load(&sides[0].hosted_sent),
         (unsigned long long)kinds[0], (unsigned long long)kinds[1],
         (unsigned long long)kinds[2], (unsigned long long)kinds[3],
         (unsigned long long)joins[0], (unsigned long long)joins[1],
         (unsigned long long)joins[2], (unsigned long long)joins[3],
         (unsigned long long)cancels, (unsigned long long)st[0].cancels,
         (unsigned long long)st[1].cancels, (unsigned long long)races,
         (unsigned long long)st[0].parks, (unsigned long long)st[1].parks);
  printf("stress_remote: shield rounds:");
  for (int j = 0; j < ACTS; j++)
    printf(" %s %llu,", act_names[j], (unsigned long long)acts[j]);
  for (int j = 0; j < SEENS; j++)
    printf(" %s %llu%s", seen_names[j], (unsigned long long)seen[j],
           j + 1 < SEENS ? "," : "\n");
  for (int i = 0; i < 2; i++)
    if (sides[i].torn_down)
      printf("stress_remote: %s's %s in its last shield round: owner live "
             "%d, stopped at the shield with children in flight %d; the "
             "other side's children live here %llu, cancelled %llu\n",
             sides[i].name,
             sides[i].by_cleanup ? "bcsc_executor_cleanup()"
                                 : "bcsc_executor_shutdown()",
             sides[i].found_live, sides[i].shutdown_stopped,
             (unsigned long long)(sides[i].live_at_end - 2 -
                                  (uint64_t)sides[i].found_live),
             (unsigned long long)sides[i].other->seen[SEEN_HOST_ENDS]);
  printf("%d passed, %d failed\n", passed, failed);
  return failed != 0;
}
