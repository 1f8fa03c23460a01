/* SPDX-License-Identifier: MIT
 * cancel_wake.pml - spin model of cancellation against an in-flight wake,
 * as bcsc does it today (wait.c, task.c, scope.c, executor.c).
 *
 * One executor thread runs everything, so each bcsc call is one atomic
 * step; what interleaves is the order of the calls: a source's wake, a
 * cancellation from another task or the host, and the executor's polls.
 *
 * Two waiter tasks A (0) and B (1) each want one unit (a permit, a
 * message) from a hand-off waiter list (D22), the way semaphore.c and
 * channel.c use one. A producer makes two units, one at a time: with a
 * waiter on the list, bcsc_waitq_wake_one() fires the oldest registration
 * and the unit travels with the wake (a baton); with none, the unit stays
 * free. A third party cancels A at any moment (bcsc_task_cancel():
 * registrations unlinked, task marked and queued).
 *
 * A waiter's poll: take a wake it holds (bcsc__wait_take) or a free unit
 * and complete; if cancelled, complete without either; else register and
 * return PENDING. After each poll the executor passes on a baton the task
 * did not take (bcsc__task_batons -> baton_pass: the next waiter, or back
 * to free when the list is empty); on completion a task's registrations
 * are unlinked.
 *
 * Checked: a wake never reaches a completed task or a registration that
 * is not linked (the dangling waker); units are conserved (taken + free +
 * in flight == made); no deadlock: B, never cancelled, always completes
 * with a unit (a stranded unit while B sleeps is an invalid end state).
 *
 * Broken variants, each of which spin must reject:
 *   -DBUGGY_PLAIN   a plain list: a wake to a task that is then cancelled
 *                   is lost (nobody passes it on) - B sleeps forever
 *   -DBUGGY_UNLINK  neither cancel nor completion unlinks the registration -
 *                   the producer's wake reaches A after A completed
 */
#define NTASK 2
#define UNITS 2

mtype = { IDLE, LINKED, FIRED, BATON }; /* a registration */
mtype = { WAITING, QUEUED, RUNNING, DONE }; /* a task */

mtype node[NTASK] = IDLE;
mtype task[NTASK] = QUEUED;   /* spawned: both queued */
bool cancelled[NTASK];
bool took[NTASK];
byte line[NTASK];             /* the waiter list, oldest first */
byte line_len = 0;
byte free_units = 0;
byte made = 0;
byte taken = 0;
byte baton_value[NTASK];      /* units travelling with a baton */

inline line_remove(t) {
  byte k = 0;
  do
  :: k < line_len && line[k] != t -> k++
  :: else -> break
  od;
  assert(k < line_len);
  do
  :: k + 1 < line_len -> line[k] = line[k + 1]; k++
  :: else -> break
  od;
  line_len--
}

/* bcsc__task_wake(): a waiting task is queued; its other registrations
 * (none here) are unlinked. */
inline task_wake(t) {
  if
  :: task[t] == WAITING -> task[t] = QUEUED
  :: else -> skip
  fi
}

/* waitq_fire_one() on the hand-off list with `units`; returns in `fired`. */
inline fire_one(units, fired) {
  if
  :: line_len > 0 ->
     byte h = line[0];
     line_remove(h);
     assert(node[h] == LINKED);       /* only a linked node is reachable */
     assert(task[h] != DONE);         /* never a completed frame */
#ifdef BUGGY_PLAIN
     node[h] = FIRED;                 /* a plain list: just a wake */
#else
     node[h] = BATON;
#endif
     baton_value[h] = units;
     task_wake(h);
     fired = true
  :: else -> fired = false
  fi
}

/* baton_pass(): nobody took it; the next waiter gets it, or with nobody
 * left the unit goes back (semaphore_reconcile). */
inline baton_pass(t) {
  bool passed;
  byte units = baton_value[t];
  node[t] = IDLE;
  baton_value[t] = 0;
  fire_one(units, passed);
  if
  :: !passed -> free_units = free_units + units
  :: else -> skip
  fi
}

proctype producer() {
  bool fired;
  do
  :: made < UNITS ->
     atomic {
       made++;
       fire_one(1, fired);
       if
       :: !fired -> free_units++
       :: else -> skip
       fi
     }
  :: else -> break
  od
}

proctype canceller() {
  atomic {
    if
    :: task[0] != DONE && !cancelled[0] ->
       cancelled[0] = true;
#ifndef BUGGY_UNLINK
       if
       :: node[0] == LINKED -> line_remove(0); node[0] = IDLE
       :: else -> skip
       fi;
#endif
       task_wake(0)
    :: else -> skip
    fi
  }
}

/* One poll of task t and what run_one() does after it. */
inline poll(t) {
  task[t] = RUNNING;
  if
  :: node[t] == BATON || node[t] == FIRED ->   /* bcsc__wait_take */
     taken = taken + baton_value[t]; baton_value[t] = 0;
     node[t] = IDLE; took[t] = true; task[t] = DONE
  :: cancelled[t] ->                           /* returns, taking nothing */
     task[t] = DONE
  :: node[t] != BATON && node[t] != FIRED && !cancelled[t] && free_units > 0 ->
     free_units--; taken++; took[t] = true; task[t] = DONE
  :: node[t] != BATON && node[t] != FIRED && !cancelled[t] && free_units == 0 ->
     node[t] = LINKED; line[line_len] = t; line_len++;
     task[t] = WAITING
  fi;
  /* bcsc__task_batons(): a baton not taken goes on. */
  if
  :: node[t] == BATON -> baton_pass(t)
  :: else -> skip
  fi;
  /* A plain wake left in a completed frame is gone with it. */
  if
  :: task[t] == DONE && node[t] == FIRED -> node[t] = IDLE; baton_value[t] = 0
  :: else -> skip
  fi;
  /* Completion unlinks what the task still holds. */
#ifndef BUGGY_UNLINK
  if
  :: task[t] == DONE && node[t] == LINKED -> line_remove(t); node[t] = IDLE
  :: else -> skip
  fi
#endif
}

active proctype executor() {
  run producer();
  run canceller();
  do
  :: atomic { task[0] == QUEUED -> poll(0) }
  :: atomic { task[1] == QUEUED -> poll(1) }
  :: task[0] == DONE && task[1] == DONE -> break
  od;
  /* Conservation and B's unit. */
  (made == UNITS);
  assert(taken + free_units == UNITS);
  assert(took[1])
}

/* Every unit is somewhere at every step: fires (and fails the run) as
 * soon as one is lost or made twice. */
active proctype conservation() {
end:
  atomic {
    !(taken + free_units + baton_value[0] + baton_value[1] == made) ->
    assert(false)
  }
}
