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
#include <assert.h>

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
  assert(!"misuse reported");
}

int main(void) {
  uint64_t a = nondet_uint64(), b = nondet_uint64();
#if PROP == PROP_ADD
  uint64_t sum;
  int over = __builtin_add_overflow(a, b, &sum);
  assert(add_saturating(a, b) == (over ? BCSC_NO_DEADLINE : sum));
#elif PROP == PROP_MUL
  uint64_t product;
  int over = __builtin_mul_overflow(a, b, &product);
  assert(mul_saturating(a, b) == (over ? BCSC_NO_DEADLINE : product));
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
  assert(timer.priv.wait.priv.state == BCSC__WAIT_IDLE);
  if (period == 0) {
    assert(next == BCSC_NO_DEADLINE && timer.priv.missed == 0);
    return 0;
  }
  late = (now - deadline) / period;
  assert(timer.priv.missed == (late > UINT32_MAX ? UINT32_MAX : late));
  /* Never back in time: no wrap to the past. */
  assert(next >= deadline);
  assert(next > deadline || deadline == BCSC_NO_DEADLINE);
  if (policy == BCSC_TICK_BURST) {
    assert(next == add_saturating(deadline, period));
  } else if (policy == BCSC_TICK_SKIP) {
    /* The first point of the grid deadline + k * period after now. */
    assert(next > now || next == BCSC_NO_DEADLINE);
    if (next != BCSC_NO_DEADLINE) {
      assert((next - deadline) % period == 0);
      assert(next - period <= now);
    }
  } else {
    assert(next > now || next == BCSC_NO_DEADLINE);
    if (next != BCSC_NO_DEADLINE)
      assert(next == (late ? now : deadline) + period);
  }
#elif PROP == PROP_SLOT
  uint64_t now = a, deadline = b;
  unsigned level, slot;
  uint64_t start, slot_range;
  __CPROVER_assume(now < deadline);
  level = level_for(now, deadline);
  assert(level < BCSC_WHEEL_LEVELS);
  slot = slot_for(deadline, level);
  assert(slot < BCSC_WHEEL_SLOTS);
  start = slot_start(now, level, slot);
  assert(now < start);
  assert(start <= deadline);
  slot_range = (uint64_t)1 << (WHEEL_BITS * level);
  if (level < BCSC_WHEEL_LEVELS - 1)
    assert(deadline - start < slot_range);
  if (level == 0)
    assert(start == deadline);
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
    assert(lowest == BCSC_WHEEL_LEVELS);
    return 0;
  }
  assert(level == lowest);
  assert(index / BCSC_WHEEL_SLOTS == level);
  assert(ex.priv.occupied[level] >> (index % BCSC_WHEEL_SLOTS) & 1);
  assert(start == slot_start(a, level, index % BCSC_WHEEL_SLOTS));
  /* No other occupied slot of that level starts earlier. */
  other = nondet_unsigned();
  __CPROVER_assume(other < BCSC_WHEEL_SLOTS &&
                   (ex.priv.occupied[level] >> other & 1));
  assert(start <= slot_start(a, level, other));
#elif PROP == PROP_PLACE
  uint32_t first = (uint32_t)a, distance = (uint32_t)b;
  uint32_t later = first + distance; /* wraps on purpose */
  assert(!semaphore_before(first, first));
  __CPROVER_assume(distance >= 1 && distance <= (uint32_t)INT32_MAX);
  assert(semaphore_before(first, later));
  assert(!semaphore_before(later, first));
#endif
  return 0;
}
