/* SPDX-License-Identifier: MIT
 * bcsc/select.h - wait on several sources at once and learn which won.
 *
 * Every waiting call in bcsc (bcsc_wait_on(), the primitives' send, recv
 * and wait calls, bcsc_timer_wait(), bcsc_scope_join(), bcsc_stream_next())
 * either completes at once or registers the task and returns BCSC_PENDING.
 * A select offers several of them, in order, in one poll: the first one
 * that does not return BCSC_PENDING wins, the branches after it are not
 * called at all, and the registrations the earlier branches made are
 * dropped. If none completes, the poll returns BCSC_PENDING and the first
 * source to fire wakes the task (first wake wins, bcsc/wait.h); the next
 * poll offers the branches again, so the one that fired completes.
 *
 *   bcsc_select_t sel;          // a local: a select lasts one poll
 *   ...
 *   BCSC_SELECT_BEGIN(&f->co, &sel, self);
 *   BCSC_SELECT_BRANCH(&sel, bcsc_channel_recv(self, &cmds, &f->cmd_wait,
 *                                              &f->cmd, sizeof f->cmd));
 *   BCSC_SELECT_BRANCH(&sel, bcsc_timer_wait(self, &f->tick));
 *   BCSC_SELECT_END(&sel, which);    // returns BCSC_PENDING if none won
 *   if (which == 0) ... bcsc_select_result(&sel) is recv's result ...
 *
 * Nothing is consumed by a branch that loses: a branch is never called
 * after another has won, a branch called before the winner only
 * registered, and a wake a losing branch received is handed on by the
 * source (hand-off lists, D22) or was only a "look again" (the others).
 *
 * Earlier branches come first when several are ready at once, as with
 * tokio's `biased;` select: the order is the program's, and a run is
 * reproducible. Put the branch that must not starve first, or rotate the
 * order in the frame. */
#ifndef BCSC_SELECT_H
#define BCSC_SELECT_H

#include <stddef.h>
#include <stdint.h>

#include "bcsc/export.h"
#include "bcsc/types.h"

#ifdef __cplusplus
extern "C" {
#endif

/** bcsc_select_winner() before any branch has won. */
#define BCSC_SELECT_NONE UINT32_MAX

typedef struct bcsc_select bcsc_select_t;

/** bcsc's part of a select. PRIVATE - DO NOT TOUCH. */
struct bcsc_select_private {
  bcsc_task_t *self; /* the task being polled */
  uint32_t branches; /* branches offered so far */
  uint32_t winner;   /* index of the branch that won, or BCSC_SELECT_NONE */
  int32_t result;    /* what the winner returned */
  uint16_t state;
  uint16_t magic;
};

/**
 * One select: the branches offered in one poll.
 *
 * Caller-owned; normally a local of the poll function (a select does not
 * outlive the poll), or a member of the frame.
 */
struct bcsc_select {
  /* public */
  void *data; /**< The caller's; bcsc never reads it. */
  /* private */
  struct bcsc_select_private priv;
};

/**
 * Start a select for @p self, the task being polled. Writes the whole
 * object; never reads it.
 * @retval 0            started
 * @retval BCSC_EINVAL  an argument is NULL
 * @retval BCSC_EBADOBJ @p self is not an initialised frame
 * @retval BCSC_EPERM   @p self is not the task being polled
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_select_begin(bcsc_select_t *sel, bcsc_task_t *self);

/**
 * Whether no branch of @p sel has won yet (1), so the next branch may be
 * called, or one has (0, also for NULL or a select not begun). The
 * BCSC_SELECT_BRANCH macro calls a branch only while this is 1.
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_select_undecided(const bcsc_select_t *sel);

/**
 * Offer the result @p rc of the next branch's waiting call.
 *
 * BCSC_PENDING means the branch registered and has not won. Anything else
 * - 0 or an error, BCSC_ECANCELED included - means it completed: it wins
 * with @p rc as the select's result. Call the branch only if
 * bcsc_select_undecided() is 1: a branch called after the winner may have
 * consumed something the select will drop (the checked build reports it).
 * @return 1 if this branch won, 0 if not, or BCSC_EINVAL / BCSC_EBADOBJ
 *         (not begun) / BCSC_ESTATE (a branch already won: misuse).
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_select_offer(bcsc_select_t *sel, int rc);

/**
 * End the select: report the winner, or that the task waits.
 *
 * If a branch won, every registration @p sel's task made in this poll is
 * dropped - the losing branches' - with its join of a scope, exactly as if
 * the winner's source had woken it (bcsc/wait.h), and 0 is returned. Otherwise
 * BCSC_PENDING is returned and the registrations stay: return BCSC_PENDING from
 * the poll. A select with no branch returns BCSC_EINVAL. The select may be
 * begun again afterwards.
 * @retval 0             a branch won: bcsc_select_winner() says which,
 *                       bcsc_select_result() what it returned
 * @retval BCSC_PENDING  no branch completed; return BCSC_PENDING
 * @retval BCSC_EINVAL   @p sel is NULL, or no branch was offered
 * @retval BCSC_EBADOBJ  @p sel was not begun
 * @retval BCSC_EPERM    the select's task is no longer being polled
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_select_end(bcsc_select_t *sel);

/**
 * What the winning branch returned (0 or a negative code), once one has
 * won; BCSC_PENDING before that (and for NULL).
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API int bcsc_select_result(const bcsc_select_t *sel);

/**
 * The index of the winning branch, or BCSC_SELECT_NONE if none has won
 * (or for NULL).
 * @thread executor  @allocates never  @since 0.1
 */
BCSC_API uint32_t bcsc_select_winner(const bcsc_select_t *sel);

/**
 * sizeof(bcsc_select_t) in the library as built.
 * @thread any  @allocates never  @since 0.1
 */
BCSC_API size_t bcsc_select_sizeof(void);

/**
 * alignof(bcsc_select_t) in the library as built.
 * @thread any  @allocates never  @since 0.1
 */
BCSC_API size_t bcsc_select_alignof(void);

/** Offer the branch @p call (a waiting call) if no branch has won yet; the
 *  call is not evaluated otherwise. A statement. */
#define BCSC_SELECT_BRANCH(sel, call)                                          \
  do {                                                                         \
    if (bcsc_select_undecided(sel))                                            \
      (void)bcsc_select_offer((sel), (call));                                  \
  } while (0)

/** With bcsc/co.h: the resume point of a select, then bcsc_select_begin().
 *  The branches follow, then BCSC_SELECT_END. */
#define BCSC_SELECT_BEGIN(co, sel, self)                                       \
  do {                                                                         \
    bcsc_co_suspend_at((co), __LINE__);                                        \
    if (0) {                                                                   \
    case __LINE__:;                                                            \
    }                                                                          \
    (void)bcsc_select_begin((sel), (self));                                    \
  } while (0)

/** With bcsc/co.h: end the select; while no branch has won, return
 *  BCSC_PENDING. Then @p which (an int) is the winner's index, counting
 *  from 0, or a negative error of bcsc_select_end(). */
#define BCSC_SELECT_END(sel, which)                                            \
  do {                                                                         \
    int bcsc_select_end_rc_ = bcsc_select_end(sel);                            \
    if (bcsc_select_end_rc_ == BCSC_PENDING)                                   \
      return BCSC_PENDING;                                                     \
    (which) = bcsc_select_end_rc_ < 0                                          \
                  ? bcsc_select_end_rc_                                        \
                  : BCSC_SELECT_WINNER_INT_(bcsc_select_winner(sel));          \
  } while (0)
/* The index as an int, by the cast each language's strictest warnings
 * accept (C's -Wconversion wants one, C++'s -Wold-style-cast a named one). */
#ifdef __cplusplus
#define BCSC_SELECT_WINNER_INT_(index) static_cast<int>(index)
#else
#define BCSC_SELECT_WINNER_INT_(index) ((int)(index))
#endif

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* BCSC_SELECT_H */
