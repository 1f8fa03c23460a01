/* SPDX-License-Identifier: MIT
 * controls.h - a proof and its controls in one cbmc run (D87).
 *
 * A control is a broken variant of a proof: the same harness, bounds and
 * assumptions with one change that some assertion must catch (a proof that
 * cannot fail proves nothing). Run apart, every control repeats the
 * proof's whole symbolic execution; the weak-memory proofs spent most of
 * CI's proof time that way. Here one run holds them all: `control` is 0 for
 * the proof itself or one of the controls the run enables, chosen
 * nondeterministically at the start; each change of the harness applies
 * only where BROKEN(NAME) holds; and CHECK(p) asserts p once for the proof
 * ("<p>") and once per control ("control NAME"), each under its own
 * choice. cbmc reports every property apart, so one run says both that the
 * proof holds (no property but a control's fails: with control == 0 the
 * program is exactly the proof's) and which controls were caught
 * (scripts/prove.sh requires a failure of each enabled one).
 *
 * The harness, before it includes this file:
 *   #define HARNESS_CONTROLS(X) X(SB, 1) X(MP, 2) ...   (names, numbers > 0)
 * and after it, for each mutant of scripts/prove.sh's MUTANTS that it
 * catches (a switch of the `schema` tree, 0 unless defined):
 *   #define MUTANT_REQUEUE BROKEN(REQUEUE)
 * The run enables controls by their names: -DCONTROLS=C_SB,C_MP (prove.sh
 * writes it from the check's line). -DCONTROL=C_SB runs one control apart,
 * the way every control ran before: a run that must fail, with cbmc
 * --stop-on-fail. Measure before choosing: a control that changes much of
 * the formula can make the shared run slower than the runs apart (D87).
 * Without either, control is 0: the proof alone. */
#ifndef BCSC_PROOF_CONTROLS_H
#define BCSC_PROOF_CONTROLS_H

#ifndef HARNESS_CONTROLS
#error "controls.h: the harness defines HARNESS_CONTROLS(X) first"
#endif

#define CONTROLS_ENUM(name, k) C_##name = (k),
enum { C_PROOF = 0, HARNESS_CONTROLS(CONTROLS_ENUM) };

unsigned nondet_unsigned(void);

#if defined(CONTROL) && defined(CONTROLS)
#error "controls.h: -DCONTROL (one apart) or -DCONTROLS (with the proof)"
#endif

/* Whether k is one of the (up to 5) controls listed after it: a constant
 * expression, so that what a run does not enable is gone before cbmc's
 * symbolic execution (a test of a variable it cannot fold there doubled
 * the time of a proof run alone). */
#define CONTROLS_HAS(k, ...) CONTROLS_HAS_(k, __VA_ARGS__, -1, -1, -1, -1, -1)
#define CONTROLS_HAS_(k, a, b, c, d, e, ...)                                   \
  ((k) == (a) || (k) == (b) || (k) == (c) || (k) == (d) || (k) == (e))

#ifdef CONTROLS
/* Shared: 0 for the proof, or the control this execution runs. */
#define CONTROLS_SHARED 1
static int control;
#define CONTROL_NOW control
#else
/* Apart, or the proof alone: a constant. */
#define CONTROLS_SHARED 0
#ifndef CONTROL
#define CONTROL C_PROOF
#endif
#define CONTROLS CONTROL
#define CONTROL_NOW (CONTROL)
#endif

#define BROKEN(name)                                                           \
  (CONTROLS_HAS(C_##name, CONTROLS) && CONTROL_NOW == C_##name)

/* Pick the proof or one enabled control: the first thing main() does. */
static void controls_choose(void) {
#if CONTROLS_SHARED
  static const int enabled[] = {C_PROOF, CONTROLS};
  unsigned i = nondet_unsigned();
  __CPROVER_assume(i < sizeof enabled / sizeof enabled[0]);
  control = enabled[i];
#endif
}

/* p, a property of the proof; shared, once for the proof and once per
 * enabled control, each a property of its own (p is evaluated once: it
 * may have side effects, ++k <= NSLOT). A control's execution ends where
 * it is caught: past that point a mutant may run loops longer than the
 * proof's bounds, and a failed unwinding assertion would count against
 * the proof. Apart or alone, p itself: one plain assertion, which any
 * failure of a control's run breaks. */
#if CONTROLS_SHARED
#define CONTROLS_ASSERT(name, k)                                               \
  if (CONTROLS_HAS(k, CONTROLS))                                               \
    __CPROVER_assert(control != (k) || check_ok_, "control " #name);
#define CHECK(p)                                                               \
  do {                                                                         \
    int check_ok_ = (p) ? 1 : 0;                                               \
    __CPROVER_assert(control != C_PROOF || check_ok_, #p);                     \
    HARNESS_CONTROLS(CONTROLS_ASSERT)                                          \
    __CPROVER_assume(control == C_PROOF || check_ok_);                         \
  } while (0)
#else
#define CHECK(p) __CPROVER_assert((p), #p)
#endif

/* p, for the proof only: the bounds of a model (wmm.h), which the proof's
 * executions must stay within (a bound too small would cut them short)
 * and a control's may overrun - a control must be caught by a property
 * of the harness, not by leaving the model. One assertion: these sit in
 * the model's hot paths, where CHECK()'s copies per control doubled the
 * formula. */
#define CHECK_PROOF(p) __CPROVER_assert(CONTROL_NOW != C_PROOF || (p), #p)

#endif
