/* SPDX-License-Identifier: MIT
 * wheel.c - the executor's hierarchical timing wheel: every pending timer and
 * scope deadline, O(1) to insert and to remove, in nanoseconds.
 *
 * Six levels of 64 slots. A deadline goes to the level of the highest 6-bit
 * group in which it differs from the wheel's time, so level 0 holds the
 * deadlines of the current 64 ns, level 1 those of the current 4 us, and so
 * on up to level 5 (the current 68.7 s); later ones wait in level 5 and move
 * down when their slot comes round. A slot of level L is processed when time
 * reaches its start: its links fire if due, or move to a lower level. Every
 * link of a lower level is due before every link of a higher one, so the
 * earliest occupied slot is found from the lowest non-empty level.
 *
 * Links are nodes inside timers and scopes, so the wheel allocates nothing
 * and a slot is a circular doubly linked list reached from one head pointer:
 * the executor holds 384 pointers, not 768. */
#include "internal.h"

enum { WHEEL_BITS = 6 };
#define WHEEL_SLOT_MASK ((uint64_t)BCSC_WHEEL_SLOTS - 1)
/* Deadlines at least this far ahead all sit in the top level. */
#define WHEEL_RANGE ((uint64_t)1 << (WHEEL_BITS * BCSC_WHEEL_LEVELS))

_Static_assert(BCSC_WHEEL_SLOTS == 1 << WHEEL_BITS,
               "a level is indexed by WHEEL_BITS bits of the deadline");

static unsigned level_for(uint64_t wheel_time, uint64_t deadline) {
  uint64_t differs = (wheel_time ^ deadline) | WHEEL_SLOT_MASK;
  unsigned level;
  if (differs >= WHEEL_RANGE)
    return BCSC_WHEEL_LEVELS - 1;
  level = (unsigned)(63 - __builtin_clzll(differs)) / WHEEL_BITS;
  return level;
}

static unsigned slot_for(uint64_t deadline, unsigned level) {
  return (unsigned)((deadline >> (WHEEL_BITS * level)) & WHEEL_SLOT_MASK);
}

/* What wheel_exact caches (both cleared when a slot is processed). */
enum {
  WHEEL_EXACT = 0x1,      /* next_deadline is the earliest deadline */
  WHEEL_SLOT_CACHED = 0x2 /* next_slot is the earliest occupied slot */
};

/* The start of slot `slot` of `level` as seen from the wheel's time `now`:
 * the next time at or after `now` that the slot comes round, saturating in
 * the last turn before 2^64 (no later turn exists). Only the top level
 * wraps: a lower level holds only slots of its current turn. */
static uint64_t slot_start(uint64_t now, unsigned level, unsigned slot) {
  uint64_t slot_range = (uint64_t)1 << (WHEEL_BITS * level);
  uint64_t level_range = slot_range << WHEEL_BITS;
  uint64_t start = (now & ~(level_range - 1)) + (uint64_t)slot * slot_range;
  if (start <= now)
    start = start > UINT64_MAX - level_range ? UINT64_MAX : start + level_range;
  return start;
}

/* Put `link`, whose deadline is later than the wheel's time, into the slot
 * it belongs to now: its slot index is written, nothing else of it. */
static void wheel_place(bcsc_executor_t *ex, bcsc_timer_link_t *link,
                        unsigned level, unsigned index) {
  bcsc_timer_link_t *head = ex->priv.wheel[index];

  /* FIFO within a slot: links due at the same time fire in the order they
   * were inserted, which keeps runs reproducible and intuitive. */
  if (head == NULL) {
    link->next = link;
    link->prev = link;
    ex->priv.wheel[index] = link;
    ex->priv.occupied[level] |= (uint64_t)1 << (index % BCSC_WHEEL_SLOTS);
  } else {
    link->next = head;
    link->prev = head->prev;
    head->prev->next = link;
    head->prev = link;
  }
  link->slot = (uint16_t)index;
}

void bcsc__wheel_insert(bcsc_executor_t *ex, bcsc_timer_link_t *link) {
  unsigned level = level_for(ex->priv.wheel_time, link->deadline);
  unsigned index = level * BCSC_WHEEL_SLOTS + slot_for(link->deadline, level);
  uint32_t exact = ex->priv.wheel_exact;

  wheel_place(ex, link, level, index);
  link->linked = 1;
  ex->priv.timers++;
  if (exact == 0)
    return;
  /* A top-level slot may hold only deadlines of later turns: its start
   * would be the answer, not this deadline. Rare: find it again. */
  if (level == BCSC_WHEEL_LEVELS - 1) {
    ex->priv.wheel_exact = 0;
    return;
  }
  if ((exact & WHEEL_EXACT) && link->deadline < ex->priv.next_deadline)
    ex->priv.next_deadline = link->deadline;
  /* A lower level, or another slot of the cached one's level, may now hold
   * the earliest links: find it again when asked. */
  if ((exact & WHEEL_SLOT_CACHED) &&
      level <= ex->priv.next_slot / BCSC_WHEEL_SLOTS &&
      index != ex->priv.next_slot)
    ex->priv.wheel_exact = exact & ~(uint32_t)WHEEL_SLOT_CACHED;
}

/* The slot index of links that bcsc__wheel_advance() is processing. */
enum { WHEEL_DUE = 0xffff };

static bcsc_timer_link_t **slot_head(bcsc_executor_t *ex, unsigned index) {
  return index == WHEEL_DUE ? &ex->priv.wheel_due : &ex->priv.wheel[index];
}

void bcsc__wheel_remove(bcsc_executor_t *ex, bcsc_timer_link_t *link) {
  unsigned index = link->slot;
  bcsc_timer_link_t **head = slot_head(ex, index);
  if (link->next == link) {
    *head = NULL;
    if (index != WHEEL_DUE)
      ex->priv.occupied[index / BCSC_WHEEL_SLOTS] &=
          ~((uint64_t)1 << (index % BCSC_WHEEL_SLOTS));
    if (index == ex->priv.next_slot)
      ex->priv.wheel_exact &= ~(uint32_t)WHEEL_SLOT_CACHED;
  } else {
    link->prev->next = link->next;
    link->next->prev = link->prev;
    if (*head == link)
      *head = link->next;
  }
  link->next = NULL;
  link->prev = NULL;
  link->linked = 0;
  ex->priv.timers--;
  /* The cached earliest deadline may have been this one, or for a link of
   * a later turn in the top level, the start of its slot. */
  if (link->deadline <= ex->priv.next_deadline ||
      index / BCSC_WHEEL_SLOTS == BCSC_WHEEL_LEVELS - 1)
    ex->priv.wheel_exact &= ~(uint32_t)WHEEL_EXACT;
}

/* The earliest occupied slot: its level, index and start time. Returns 0
 * if the wheel is empty. */
static int earliest_slot(const bcsc_executor_t *ex, unsigned *level_out,
                         unsigned *index_out, uint64_t *start_out) {
  uint64_t now = ex->priv.wheel_time;
  for (unsigned level = 0; level < BCSC_WHEEL_LEVELS; level++) {
    uint64_t occupied = ex->priv.occupied[level];
    unsigned current, slot;
    uint64_t rotated;
    if (occupied == 0)
      continue;
    /* Search from the slot after the wheel's current one, wrapping: the
     * current slot comes last. Only the top level wraps - it also holds
     * deadlines beyond its range, which come round in a later turn - and
     * its current slot can hold only those. */
    current = (slot_for(now, level) + 1) % BCSC_WHEEL_SLOTS;
    rotated = current == 0 ? occupied
                           : (occupied >> current) |
                                 (occupied << (BCSC_WHEEL_SLOTS - current));
    slot = (current + (unsigned)__builtin_ctzll(rotated)) % BCSC_WHEEL_SLOTS;
    *level_out = level;
    *index_out = level * BCSC_WHEEL_SLOTS + slot;
    *start_out = slot_start(now, level, slot);
    return 1;
  }
  return 0;
}

/* earliest_slot(), remembered until an insert or a removal may change the
 * answer: the wheel is asked once by the advance that ends short of a slot
 * and again by the park that follows. The start is recomputed, as the
 * wheel's time may have moved meanwhile (never past it). Inlined into both
 * callers: gcc outlined it once skip_turns() called the next deadline too,
 * which cost bench_timers 64 instructions per timer. */
static BCSC__ALWAYS_INLINE int earliest_slot_cached(bcsc_executor_t *ex,
                                                    unsigned *level_out,
                                                    unsigned *index_out,
                                                    uint64_t *start_out) {
  if (ex->priv.wheel_exact & WHEEL_SLOT_CACHED) {
    unsigned index = ex->priv.next_slot;
    unsigned level = index / BCSC_WHEEL_SLOTS;
    *level_out = level;
    *index_out = index;
    *start_out =
        slot_start(ex->priv.wheel_time, level, index % BCSC_WHEEL_SLOTS);
    return 1;
  }
  if (!earliest_slot(ex, level_out, index_out, start_out))
    return 0;
  ex->priv.next_slot = *index_out;
  ex->priv.wheel_exact |= WHEEL_SLOT_CACHED;
  return 1;
}

/* The checked build's canary before a slot's links are followed: each
 * link's owner - a timer's registration or a scope - must still carry its
 * magic and address tag, or its memory was reused while in the wheel.
 * Release trusts the links. */
static int slot_intact(const bcsc_timer_link_t *head) {
  const bcsc_timer_link_t *link = head;
  if (!BCSC__CHECKED)
    return 1;
  do {
    const void *owner;
    int bad;
    if (link->kind == BCSC__LINK_SCOPE) {
      const bcsc_scope_t *s =
          BCSC__CONTAINER_OF(link, const bcsc_scope_t, priv.deadline);
      owner = s;
      bad = BCSC__CANARY_BAD(s, BCSC__MAGIC_SCOPE);
    } else {
      const bcsc_timer_t *t =
          BCSC__CONTAINER_OF(link, const bcsc_timer_t, priv.link);
      owner = t;
      bad = link->kind != BCSC__LINK_TIMER ||
            BCSC__CANARY_BAD(&t->priv.wait, BCSC__MAGIC_TIMER_WAIT);
    }
    if (bad || link->linked != 1) {
      bcsc__misuse(BCSC_MISUSE_FRAME_CLOBBERED, owner);
      return 0;
    }
    link = link->next;
  } while (link != head);
  return 1;
}

/* Empty a slot without touching its links. */
static void drop_slot(bcsc_executor_t *ex, unsigned level, unsigned index) {
  ex->priv.wheel[index] = NULL;
  if (index == ex->priv.next_slot)
    ex->priv.wheel_exact &= ~(uint32_t)WHEEL_SLOT_CACHED;
  ex->priv.occupied[level] &= ~((uint64_t)1 << (index % BCSC_WHEEL_SLOTS));
}

/* The earliest deadline when every link is in the top level and the
 * earliest slot holds only later turns: the least of the level's links.
 * Parking until that slot's start instead would wake the executor once per
 * turn (68.7 s) to move the links on, for as long as the deadline is
 * away. Rare and bounded by the level's links; cached like the rest. */
static uint64_t top_level_earliest(bcsc_executor_t *ex) {
  const unsigned level = BCSC_WHEEL_LEVELS - 1;
  uint64_t occupied = ex->priv.occupied[level], earliest = BCSC_NO_DEADLINE;
  while (occupied != 0) {
    unsigned index =
        level * BCSC_WHEEL_SLOTS + (unsigned)__builtin_ctzll(occupied);
    const bcsc_timer_link_t *head = ex->priv.wheel[index], *link = head;
    occupied &= occupied - 1;
    if (!slot_intact(head)) {
      drop_slot(ex, level, index); /* reported; its links are garbage */
      continue;
    }
    do {
      if (link->deadline < earliest)
        earliest = link->deadline;
      link = link->next;
    } while (link != head);
  }
  return earliest;
}

uint64_t bcsc__wheel_next_deadline(bcsc_executor_t *ex) {
  unsigned level, index;
  uint64_t start, earliest;
  const bcsc_timer_link_t *head, *link;
  if (ex->priv.timers == 0)
    return BCSC_NO_DEADLINE;
  if (ex->priv.wheel_exact & WHEEL_EXACT)
    return ex->priv.next_deadline;
  for (;;) {
    if (!earliest_slot_cached(ex, &level, &index, &start))
      return BCSC_NO_DEADLINE;
    if (level == 0 || slot_intact(ex->priv.wheel[index]))
      break;
    drop_slot(ex, level, index); /* reported; its links are garbage */
  }
  /* A level-0 slot is one nanosecond: its start is its deadline. A slot of
   * a higher level holds the next deadlines (lower levels being empty), so
   * its earliest link is the answer - counting only links of this turn:
   * a top-level slot may also hold deadlines of later turns. With none of
   * this turn, every link is of a later turn: the least of them all is the
   * answer, and the advance that reaches it moves the links on turn by
   * turn without the executor waking in between. */
  earliest = start;
  if (level > 0) {
    uint64_t slot_range = (uint64_t)1 << (WHEEL_BITS * level);
    uint64_t slot_end =
        start > UINT64_MAX - slot_range ? UINT64_MAX : start + slot_range;
    earliest = BCSC_NO_DEADLINE;
    head = ex->priv.wheel[index];
    link = head;
    do {
      if (link->deadline < earliest && link->deadline < slot_end)
        earliest = link->deadline;
      link = link->next;
    } while (link != head);
    /* (Never BCSC_NO_DEADLINE: this slot is intact and holds links.) */
    if (earliest == BCSC_NO_DEADLINE)
      earliest = top_level_earliest(ex);
  }
  ex->priv.next_deadline = earliest;
  ex->priv.wheel_exact |= WHEEL_EXACT;
  return earliest;
}

/* Time reaches a top-level slot (at `start`) while every link is in the top
 * level. If the earliest deadline lies a slot or more past it and time has
 * got there (the executor parked until it: D16), moving the links on turn by
 * turn would take one pass per 68.7 s of the way - 459,000 for a deadline a
 * year away. Nothing lies in between, so time moves at once to just before
 * the earliest deadline's slot, which comes round next (any link in the
 * slot time lands in is of a later turn: the top level's current slot may
 * hold only those). Returns 1 if it moved. */
static BCSC__NOINLINE int skip_turns(bcsc_executor_t *ex, uint64_t start,
                                     uint64_t now) {
  const uint64_t slot_range = (uint64_t)1
                              << (WHEEL_BITS * (BCSC_WHEEL_LEVELS - 1));
  uint64_t earliest, before;
  /* Time must be a whole slot past this one for a later slot to have
   * come: the usual case, answered without looking at the links. */
  if (now - start < slot_range)
    return 0;
  earliest = bcsc__wheel_next_deadline(ex);
  before = (earliest & ~(slot_range - 1)) - 1;
  if (earliest == BCSC_NO_DEADLINE || earliest < slot_range ||
      before <= start || before > now)
    return 0;
  ex->priv.wheel_time = before;
  ex->priv.wheel_exact &= ~(uint32_t)WHEEL_SLOT_CACHED;
  return 1;
}

/* bcsc__wheel_advance() once a slot is due. Out of line: most advances
 * find nothing due (the run loop looks whenever it runs out of tasks). */
static BCSC__NOINLINE void wheel_advance_slots(bcsc_executor_t *ex,
                                               uint64_t now) {
  unsigned level, index;
  uint64_t start;
  bcsc_timer_link_t *link, *first, *next, *due;
  while (ex->priv.timers != 0 &&
         earliest_slot_cached(ex, &level, &index, &start) && start <= now) {
    if (level == BCSC_WHEEL_LEVELS - 1 && skip_turns(ex, start, now))
      continue;
    ex->priv.wheel_time = start;
    ex->priv.wheel_exact = 0;
    link = ex->priv.wheel[index];
    drop_slot(ex, level, index);
    if (!slot_intact(link))
      continue; /* reported; its links are garbage: leave them dropped */
    /* A link that is not due moves to where it belongs now: a lower level,
     * or for a deadline beyond the top level's turn, the top level again.
     * Nothing runs meanwhile, so one pass relinks them. The due links stay
     * a list, the due list, still linked: firing one may remove others of
     * it (a scope deadline cancels tasks, which unlinks their timers), so
     * it must stay a list bcsc__wheel_remove() knows. */
    /* The only link of the earliest slot below the top level is the
     * earliest deadline of all: if it is due, it fires from here rather
     * than moving down level by level first. (A top-level slot may hold
     * later turns, whose order only the moves down establish.) */
    if (link->next == link && link->deadline <= now &&
        level < BCSC_WHEEL_LEVELS - 1) {
      ex->priv.wheel_time = link->deadline;
      link->slot = WHEEL_DUE;
      ex->priv.wheel_due = link;
      bcsc__wheel_remove(ex, link);
      bcsc__timer_link_fire(ex, link);
      continue;
    }
    due = NULL;
    first = link;
    do {
      next = link->next;
      if (link->deadline > start) {
        unsigned to = level_for(start, link->deadline);
        wheel_place(ex, link, to,
                    to * BCSC_WHEEL_SLOTS + slot_for(link->deadline, to));
      } else {
        link->slot = WHEEL_DUE;
        if (due == NULL) {
          link->next = link;
          link->prev = link;
          due = link;
        } else {
          link->next = due;
          link->prev = due->prev;
          due->prev->next = link;
          due->prev = link;
        }
      }
      link = next;
    } while (link != first);
    ex->priv.wheel_due = due;
    while ((link = ex->priv.wheel_due) != NULL) {
      bcsc__wheel_remove(ex, link);
      bcsc__timer_link_fire(ex, link);
    }
  }
  /* Time moves on to `now` short of the earliest slot's start: what is
   * cached about the wheel still holds. */
  if (now > ex->priv.wheel_time)
    ex->priv.wheel_time = now;
}

void bcsc__wheel_advance(bcsc_executor_t *ex, uint64_t now) {
  /* The cached earliest slot is not due yet: time moves on short of it. */
  if ((ex->priv.wheel_exact & WHEEL_SLOT_CACHED) && ex->priv.timers != 0) {
    unsigned index = ex->priv.next_slot;
    if (slot_start(ex->priv.wheel_time, index / BCSC_WHEEL_SLOTS,
                   index % BCSC_WHEEL_SLOTS) > now) {
      if (now > ex->priv.wheel_time)
        ex->priv.wheel_time = now;
      return;
    }
  }
  wheel_advance_slots(ex, now);
}
