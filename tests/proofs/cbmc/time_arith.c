/* SPDX-License-Identifier: MIT
 * time_arith.c - CBMC proofs, for ALL inputs, of the time and order
 * arithmetic of the core, over the real files (#included, so their static
 * functions are the ones proved):
 *
 * bcsc times are uint64_t nanoseconds that saturate at BCSC_NO_DEADLINE
 * instead of wrapping, so the wrap-sensitive code is the saturating
 * arithmetic and the few comparisons over quantities that do wrap:
 *   PROP_ADD       timer.c add_saturating(a, b) == min(a + b, 2^64 - 1)
 *   PROP_MUL       timer.c mul_saturating(a, b) == min(a * b, 2^64 - 1),
 *                  no division by zero
 *   PROP_TICK      timer.c take_tick(): for every deadline <= now, period
 *                  and policy, the next deadline never goes back (>= the
 *                  old one, > it unless saturated), is exactly the
 *                  documented one (burst: deadline + period; skip: the first
 *                  grid point after now; delay: now + period when late), is
 *                  in the future for skip and delay unless saturated, and
 *                  `missed` counts the whole periods missed, clamped
 *   PROP_SLOT      wheel.c level_for/slot_for/slot_start: every deadline
 *                  later than the wheel's time goes to a slot whose start is
 *                  later than that time and not later than the deadline (so
 *                  a timer is never fired early by the slot nor skipped),
 *                  and below the top level the deadline lies inside its slot
 *   PROP_EARLIEST  wheel.c earliest_slot(): the rotated search over a
 *                  level's occupancy bits (slot indices wrap every turn)
 *                  returns the lowest non-empty level and, in it, the slot
 *                  that starts first - for every wheel time and occupancy
 *   PROP_PLACE     semaphore.c semaphore_before(): places in line are
 *                  uint32_t counters that wrap; for every a and every b up
 *                  to 2^31 - 1 places after it (across the wrap too), a
 *                  comes before b and not the reverse. */
/* The controls (controls.h): the mutants of scripts/prove.sh this harness
 * catches, each a switch of the schema tree. */
#define HARNESS_CONTROLS(X)                                                    \
  X(ADD_WRAPS, 1)                                                              \
  X(SKIP_ONE_SHORT, 2)                                                         \
  X(LEVEL_ONE_UP, 3) X(CURRENT_FIRST, 4) X(PLACE_UNSIGNED, 5)
#include "controls.h"
#define MUTANT_ADD_WRAPS BROKEN(ADD_WRAPS)
#define MUTANT_SKIP_ONE_SHORT BROKEN(SKIP_ONE_SHORT)
#define MUTANT_LEVEL_ONE_UP BROKEN(LEVEL_ONE_UP)
#define MUTANT_CURRENT_FIRST BROKEN(CURRENT_FIRST)
#define MUTANT_PLACE_UNSIGNED BROKEN(PLACE_UNSIGNED)

#include "semaphore.c"
#include "timer.c"
#include "wheel.c"

#define PROP_ADD 1
#define PROP_MUL 2
#define PROP_TICK 3
#define PROP_SLOT 4
#define PROP_EARLIEST 5
#define PROP_PLACE 6
#ifndef PROP
#define PROP PROP_ADD
#endif

uint64_t nondet_uint64(void);
uint32_t nondet_uint32(void);
unsigned nondet_unsigned(void);

void bcsc__misuse(int32_t code, const void *object) {
  (void)code;
  (void)object;
  CHECK(!"misuse reported");
}

int main(void) {
  uint64_t a = nondet_uint64(), b = nondet_uint64();
  controls_choose();
#if PROP == PROP_ADD
  uint64_t sum;
  int over = __builtin_add_overflow(a, b, &sum);
  CHECK(add_saturating(a, b) == (over ? BCSC_NO_DEADLINE : sum));
#elif PROP == PROP_MUL
  uint64_t product;
  int over = __builtin_mul_overflow(a, b, &product);
  CHECK(mul_saturating(a, b) == (over ? BCSC_NO_DEADLINE : product));
#elif PROP == PROP_TICK
  static bcsc_timer_t timer = BCSC_TIMER_INITIALIZER;
  uint64_t deadline = a, now = b, period = nondet_uint64();
  uint64_t next, late, missed_before = nondet_uint64();
  uint32_t policy = nondet_uint32();
  __CPROVER_assume(deadline <= now && policy <= BCSC_TICK_DELAY);
  /* bcsc_timer_set_periodic() refuses a zero period; a one-shot timer
   * (period 0) is checked too. */
  timer.priv.link.deadline = deadline;
  timer.priv.period = period;
  timer.priv.policy = (uint16_t)policy;
  timer.priv.missed_total = missed_before;
  timer.priv.wait.priv.state = BCSC__WAIT_FIRED;
  take_tick(&timer, now);
  next = timer.priv.link.deadline;
  CHECK(timer.priv.wait.priv.state == BCSC__WAIT_IDLE);
  if (period == 0) {
    CHECK(next == BCSC_NO_DEADLINE && timer.priv.missed == 0);
    return 0;
  }
  late = (now - deadline) / period;
  CHECK(timer.priv.missed == (late > UINT32_MAX ? UINT32_MAX : late));
  /* Never back in time: no wrap to the past. */
  CHECK(next >= deadline);
  CHECK(next > deadline || deadline == BCSC_NO_DEADLINE);
  if (policy == BCSC_TICK_BURST) {
    CHECK(next == add_saturating(deadline, period));
  } else if (policy == BCSC_TICK_SKIP) {
    /* The first point of the grid deadline + k * period after now. */
    CHECK(next > now || next == BCSC_NO_DEADLINE);
    if (next != BCSC_NO_DEADLINE) {
      CHECK((next - deadline) % period == 0);
      CHECK(next - period <= now);
    }
  } else {
    CHECK(next > now || next == BCSC_NO_DEADLINE);
    if (next != BCSC_NO_DEADLINE)
      CHECK(next == (late ? now : deadline) + period);
  }
#elif PROP == PROP_SLOT
  uint64_t now = a, deadline = b;
  unsigned level, slot;
  uint64_t start, slot_range;
  __CPROVER_assume(now < deadline);
  level = level_for(now, deadline);
  CHECK(level < BCSC_WHEEL_LEVELS);
  slot = slot_for(deadline, level);
  CHECK(slot < BCSC_WHEEL_SLOTS);
  start = slot_start(now, level, slot);
  CHECK(now < start);
  CHECK(start <= deadline);
  slot_range = (uint64_t)1 << (WHEEL_BITS * level);
  if (level < BCSC_WHEEL_LEVELS - 1)
    CHECK(deadline - start < slot_range);
  if (level == 0)
    CHECK(start == deadline);
#elif PROP == PROP_EARLIEST
  static bcsc_executor_t ex;
  unsigned level, index, lowest = BCSC_WHEEL_LEVELS, other;
  uint64_t start;
  ex.priv.wheel_time = a;
  for (unsigned l = 0; l < BCSC_WHEEL_LEVELS; l++) {
    ex.priv.occupied[l] = nondet_uint64();
    if (ex.priv.occupied[l] != 0 && lowest == BCSC_WHEEL_LEVELS)
      lowest = l;
  }
  if (!earliest_slot(&ex, &level, &index, &start)) {
    CHECK(lowest == BCSC_WHEEL_LEVELS);
    return 0;
  }
  CHECK(level == lowest);
  CHECK(index / BCSC_WHEEL_SLOTS == level);
  CHECK(ex.priv.occupied[level] >> (index % BCSC_WHEEL_SLOTS) & 1);
  CHECK(start == slot_start(a, level, index % BCSC_WHEEL_SLOTS));
  /* No other occupied slot of that level starts earlier. */
  other = nondet_unsigned();
  __CPROVER_assume(other < BCSC_WHEEL_SLOTS &&
                   (ex.priv.occupied[level] >> other & 1));
  CHECK(start <= slot_start(a, level, other));
#elif PROP == PROP_PLACE
  uint32_t first = (uint32_t)a, distance = (uint32_t)b;
  uint32_t later = first + distance; /* wraps on purpose */
  CHECK(!semaphore_before(first, first));
  __CPROVER_assume(distance >= 1 && distance <= (uint32_t)INT32_MAX);
  CHECK(semaphore_before(first, later));
  CHECK(!semaphore_before(later, first));
#endif
  return 0;
}
