/* SPDX-License-Identifier: MIT
 * test_layout.c - the public structs keep the layout abi/layout/ pins, and
 * header and library agree on it.
 *
 * The pinned numbers (every struct's size and alignment, every field's
 * offset and size) are compile-time checks: on a target with a table, a
 * layout change breaks the build of this file until the table is
 * regenerated with `scripts/check-abi-parsers.sh --update-layout`, which also
 * rewrites the generated block below. The tests that run check what only
 * the running library can tell: its own sizes, its ABI check, and that the
 * header's positional static initialisers still produce objects it accepts.
 */
#include <stddef.h>
#include <stdint.h>

#include <criterion/criterion.h>

#include <bcsc.h>

/* BEGIN GENERATED LAYOUT (scripts/check-abi-parsers.sh --update-layout) */
/* abi/layout/aarch64.txt */
#define BCSC_LAYOUT_AARCH64(TYPE, FIELD)                                       \
  TYPE(struct, bcsc_attach_private, 16, 8)                                     \
  FIELD(struct, bcsc_attach_private, next, 0, 8)                               \
  FIELD(struct, bcsc_attach_private, state, 8, 1)                              \
  FIELD(struct, bcsc_attach_private, kind, 9, 1)                               \
  FIELD(struct, bcsc_attach_private, magic, 10, 2)                             \
  FIELD(struct, bcsc_attach_private, self_tag, 12, 4)                          \
  TYPE(struct, bcsc_reactor_vtable, 32, 8)                                     \
  FIELD(struct, bcsc_reactor_vtable, size, 0, 4)                               \
  FIELD(struct, bcsc_reactor_vtable, version, 4, 4)                            \
  FIELD(struct, bcsc_reactor_vtable, now, 8, 8)                                \
  FIELD(struct, bcsc_reactor_vtable, park, 16, 8)                              \
  FIELD(struct, bcsc_reactor_vtable, unpark, 24, 8)                            \
  TYPE(struct, bcsc_reactor, 16, 8)                                            \
  FIELD(struct, bcsc_reactor, vtable, 0, 8)                                    \
  FIELD(struct, bcsc_reactor, data, 8, 8)                                      \
  TYPE(struct, bcsc_wait_link, 16, 8)                                          \
  FIELD(struct, bcsc_wait_link, next, 0, 8)                                    \
  FIELD(struct, bcsc_wait_link, prev, 8, 8)                                    \
  TYPE(struct, bcsc_wait_private, 48, 8)                                       \
  FIELD(struct, bcsc_wait_private, queue, 0, 16)                               \
  FIELD(struct, bcsc_wait_private, task, 16, 8)                                \
  FIELD(struct, bcsc_wait_private, task_next, 24, 8)                           \
  FIELD(struct, bcsc_wait_private, task_pprev, 32, 8)                          \
  FIELD(struct, bcsc_wait_private, state, 40, 2)                               \
  FIELD(struct, bcsc_wait_private, magic, 42, 2)                               \
  FIELD(struct, bcsc_wait_private, self_tag, 44, 4)                            \
  TYPE(struct, bcsc_wait, 64, 8)                                               \
  FIELD(struct, bcsc_wait, data, 0, 8)                                         \
  FIELD(struct, bcsc_wait, value, 8, 8)                                        \
  FIELD(struct, bcsc_wait, priv, 16, 48)                                       \
  TYPE(struct, bcsc_waitq_private, 48, 8)                                      \
  FIELD(struct, bcsc_waitq_private, waiters, 0, 16)                            \
  FIELD(struct, bcsc_waitq_private, state, 16, 2)                              \
  FIELD(struct, bcsc_waitq_private, magic, 18, 2)                              \
  FIELD(struct, bcsc_waitq_private, self_tag, 20, 4)                           \
  FIELD(struct, bcsc_waitq_private, batons, 24, 8)                             \
  FIELD(struct, bcsc_waitq_private, reserved, 32, 16)                          \
  TYPE(struct, bcsc_waitq, 56, 8)                                              \
  FIELD(struct, bcsc_waitq, data, 0, 8)                                        \
  FIELD(struct, bcsc_waitq, priv, 8, 48)                                       \
  TYPE(struct, bcsc_timer_link, 32, 8)                                         \
  FIELD(struct, bcsc_timer_link, next, 0, 8)                                   \
  FIELD(struct, bcsc_timer_link, prev, 8, 8)                                   \
  FIELD(struct, bcsc_timer_link, deadline, 16, 8)                              \
  FIELD(struct, bcsc_timer_link, slot, 24, 2)                                  \
  FIELD(struct, bcsc_timer_link, kind, 26, 2)                                  \
  FIELD(struct, bcsc_timer_link, linked, 28, 4)                                \
  TYPE(struct, bcsc_timer_private, 128, 8)                                     \
  FIELD(struct, bcsc_timer_private, wait, 0, 64)                               \
  FIELD(struct, bcsc_timer_private, link, 64, 32)                              \
  FIELD(struct, bcsc_timer_private, period, 96, 8)                             \
  FIELD(struct, bcsc_timer_private, missed_total, 104, 8)                      \
  FIELD(struct, bcsc_timer_private, missed, 112, 4)                            \
  FIELD(struct, bcsc_timer_private, policy, 116, 2)                            \
  FIELD(struct, bcsc_timer_private, state, 118, 2)                             \
  FIELD(struct, bcsc_timer_private, reserved, 120, 8)                          \
  TYPE(struct, bcsc_timer, 136, 8)                                             \
  FIELD(struct, bcsc_timer, data, 0, 8)                                        \
  FIELD(struct, bcsc_timer, priv, 8, 128)                                      \
  TYPE(struct, bcsc_scope_private, 128, 8)                                     \
  FIELD(struct, bcsc_scope_private, executor, 0, 8)                            \
  FIELD(struct, bcsc_scope_private, owner, 8, 8)                               \
  FIELD(struct, bcsc_scope_private, outer, 16, 8)                              \
  FIELD(struct, bcsc_scope_private, head, 24, 8)                               \
  FIELD(struct, bcsc_scope_private, tail, 32, 8)                               \
  FIELD(struct, bcsc_scope_private, live, 40, 4)                               \
  FIELD(struct, bcsc_scope_private, policy, 44, 2)                             \
  FIELD(struct, bcsc_scope_private, flags, 46, 2)                              \
  FIELD(struct, bcsc_scope_private, state, 48, 2)                              \
  FIELD(struct, bcsc_scope_private, magic, 50, 2)                              \
  FIELD(struct, bcsc_scope_private, self_tag, 52, 4)                           \
  FIELD(struct, bcsc_scope_private, first_error, 56, 4)                        \
  FIELD(struct, bcsc_scope_private, error_count, 60, 4)                        \
  FIELD(struct, bcsc_scope_private, kept_result, 64, 4)                        \
  FIELD(struct, bcsc_scope_private, linked, 68, 4)                             \
  FIELD(struct, bcsc_scope_private, deadline, 72, 32)                          \
  FIELD(struct, bcsc_scope_private, race_winner, 104, 8)                       \
  FIELD(struct, bcsc_scope_private, remote_head, 112, 8)                       \
  FIELD(struct, bcsc_scope_private, attachments, 120, 8)                       \
  TYPE(struct, bcsc_child_error, 16, 8)                                        \
  FIELD(struct, bcsc_child_error, task, 0, 8)                                  \
  FIELD(struct, bcsc_child_error, error, 8, 4)                                 \
  FIELD(struct, bcsc_child_error, cancelled, 12, 4)                            \
  TYPE(struct, bcsc_drain_grace_private, 24, 8)                                \
  FIELD(struct, bcsc_drain_grace_private, node, 0, 16)                         \
  FIELD(struct, bcsc_drain_grace_private, kept, 16, 8)                         \
  TYPE(struct, bcsc_drain_grace, 48, 8)                                        \
  FIELD(struct, bcsc_drain_grace, priv, 0, 24)                                 \
  FIELD(struct, bcsc_drain_grace, period, 24, 8)                               \
  FIELD(struct, bcsc_drain_grace, report, 32, 8)                               \
  FIELD(struct, bcsc_drain_grace, context, 40, 8)                              \
  TYPE(struct, bcsc_error_list, 32, 8)                                         \
  FIELD(struct, bcsc_error_list, priv, 0, 16)                                  \
  FIELD(struct, bcsc_error_list, list, 16, 8)                                  \
  FIELD(struct, bcsc_error_list, capacity, 24, 4)                              \
  TYPE(struct, bcsc_scope, 136, 8)                                             \
  FIELD(struct, bcsc_scope, data, 0, 8)                                        \
  FIELD(struct, bcsc_scope, priv, 8, 128)                                      \
  TYPE(struct, bcsc_waker, 16, 8)                                              \
  FIELD(struct, bcsc_waker, executor, 0, 8)                                    \
  FIELD(struct, bcsc_waker, slot, 8, 4)                                        \
  FIELD(struct, bcsc_waker, generation, 12, 4)                                 \
  TYPE(union, bcsc_waker_slot_owner, 8, 8)                                     \
  FIELD(union, bcsc_waker_slot_owner, task, 0, 8)                              \
  FIELD(union, bcsc_waker_slot_owner, free_next, 0, 8)                         \
  TYPE(struct, bcsc_waker_slot_private, 16, 8)                                 \
  FIELD(struct, bcsc_waker_slot_private, owner, 0, 8)                          \
  FIELD(struct, bcsc_waker_slot_private, state, 8, 4)                          \
  FIELD(struct, bcsc_waker_slot_private, inbox_next, 12, 4)                    \
  TYPE(struct, bcsc_waker_slot, 16, 8)                                         \
  FIELD(struct, bcsc_waker_slot, priv, 0, 16)                                  \
  TYPE(struct, bcsc_executor_config, 48, 8)                                    \
  FIELD(struct, bcsc_executor_config, size, 0, 4)                              \
  FIELD(struct, bcsc_executor_config, flags, 4, 4)                             \
  FIELD(struct, bcsc_executor_config, reactor, 8, 8)                           \
  FIELD(struct, bcsc_executor_config, pender, 16, 8)                           \
  FIELD(struct, bcsc_executor_config, pender_context, 24, 8)                   \
  FIELD(struct, bcsc_executor_config, waker_slots, 32, 8)                      \
  FIELD(struct, bcsc_executor_config, waker_slot_count, 40, 4)                 \
  FIELD(struct, bcsc_executor_config, reserved0, 44, 4)                        \
  TYPE(struct, bcsc_executor_statistics, 96, 8)                                \
  FIELD(struct, bcsc_executor_statistics, size, 0, 4)                          \
  FIELD(struct, bcsc_executor_statistics, reserved0, 4, 4)                     \
  FIELD(struct, bcsc_executor_statistics, polls, 8, 8)                         \
  FIELD(struct, bcsc_executor_statistics, wakes, 16, 8)                        \
  FIELD(struct, bcsc_executor_statistics, spawns, 24, 8)                       \
  FIELD(struct, bcsc_executor_statistics, completions, 32, 8)                  \
  FIELD(struct, bcsc_executor_statistics, cancels, 40, 8)                      \
  FIELD(struct, bcsc_executor_statistics, timers_fired, 48, 8)                 \
  FIELD(struct, bcsc_executor_statistics, parks, 56, 8)                        \
  FIELD(struct, bcsc_executor_statistics, wakes_received, 64, 8)               \
  FIELD(struct, bcsc_executor_statistics, wakes_stale, 72, 8)                  \
  FIELD(struct, bcsc_executor_statistics, wakes_delivered, 80, 8)              \
  FIELD(struct, bcsc_executor_statistics, waker_notifies, 88, 8)               \
  TYPE(struct, bcsc_executor_private, 3544, 8)                                 \
  FIELD(struct, bcsc_executor_private, polls, 0, 8)                            \
  FIELD(struct, bcsc_executor_private, wakes, 8, 8)                            \
  FIELD(struct, bcsc_executor_private, spawns, 16, 8)                          \
  FIELD(struct, bcsc_executor_private, completions, 24, 8)                     \
  FIELD(struct, bcsc_executor_private, cancels, 32, 8)                         \
  FIELD(struct, bcsc_executor_private, timers_fired, 40, 8)                    \
  FIELD(struct, bcsc_executor_private, parks, 48, 8)                           \
  FIELD(struct, bcsc_executor_private, wakes_received, 56, 8)                  \
  FIELD(struct, bcsc_executor_private, wakes_stale, 64, 8)                     \
  FIELD(struct, bcsc_executor_private, wakes_delivered, 72, 8)                 \
  FIELD(struct, bcsc_executor_private, waker_notifies, 80, 8)                  \
  FIELD(struct, bcsc_executor_private, wheel_time, 88, 8)                      \
  FIELD(struct, bcsc_executor_private, next_deadline, 96, 8)                   \
  FIELD(struct, bcsc_executor_private, occupied, 104, 48)                      \
  FIELD(struct, bcsc_executor_private, run_head, 152, 8)                       \
  FIELD(struct, bcsc_executor_private, run_tail, 160, 8)                       \
  FIELD(struct, bcsc_executor_private, current, 168, 8)                        \
  FIELD(struct, bcsc_executor_private, state, 176, 2)                          \
  FIELD(struct, bcsc_executor_private, magic, 178, 2)                          \
  FIELD(struct, bcsc_executor_private, self_tag, 180, 4)                       \
  FIELD(struct, bcsc_executor_private, ready, 184, 4)                          \
  FIELD(struct, bcsc_executor_private, next_slot, 188, 4)                      \
  FIELD(struct, bcsc_executor_private, timers, 192, 4)                         \
  FIELD(struct, bcsc_executor_private, wheel_exact, 196, 4)                    \
  FIELD(struct, bcsc_executor_private, reactor, 200, 8)                        \
  FIELD(struct, bcsc_executor_private, pender, 208, 8)                         \
  FIELD(struct, bcsc_executor_private, pender_context, 216, 8)                 \
  FIELD(struct, bcsc_executor_private, root, 224, 136)                         \
  FIELD(struct, bcsc_executor_private, wheel, 360, 3072)                       \
  FIELD(struct, bcsc_executor_private, wheel_due, 3432, 8)                     \
  FIELD(struct, bcsc_executor_private, batons, 3440, 8)                        \
  FIELD(struct, bcsc_executor_private, waker_slots, 3448, 8)                   \
  FIELD(struct, bcsc_executor_private, waker_slot_count, 3456, 4)              \
  FIELD(struct, bcsc_executor_private, waker_free_head, 3460, 4)               \
  FIELD(struct, bcsc_executor_private, waker_free_tail, 3464, 4)               \
  FIELD(struct, bcsc_executor_private, waker_held, 3468, 4)                    \
  FIELD(struct, bcsc_executor_private, inbox_head, 3472, 4)                    \
  FIELD(struct, bcsc_executor_private, inbox_sleep, 3476, 4)                   \
  FIELD(struct, bcsc_executor_private, inbox_received, 3480, 4)                \
  FIELD(struct, bcsc_executor_private, inbox_stale, 3484, 4)                   \
  FIELD(struct, bcsc_executor_private, inbox_notifies, 3488, 4)                \
  FIELD(struct, bcsc_executor_private, relay_pins, 3492, 4)                    \
  FIELD(struct, bcsc_executor_private, held_mutexes, 3496, 8)                  \
  FIELD(struct, bcsc_executor_private, owner_thread, 3504, 8)                  \
  FIELD(struct, bcsc_executor_private, relay_head, 3512, 8)                    \
  FIELD(struct, bcsc_executor_private, reserved, 3520, 24)                     \
  TYPE(struct, bcsc_executor, 3552, 8)                                         \
  FIELD(struct, bcsc_executor, data, 0, 8)                                     \
  FIELD(struct, bcsc_executor, priv, 8, 3544)                                  \
  TYPE(struct, bcsc_pool_private, 72, 8)                                       \
  FIELD(struct, bcsc_pool_private, memory, 0, 8)                               \
  FIELD(struct, bcsc_pool_private, stride, 8, 8)                               \
  FIELD(struct, bcsc_pool_private, frame_size, 16, 8)                          \
  FIELD(struct, bcsc_pool_private, free_head, 24, 8)                           \
  FIELD(struct, bcsc_pool_private, capacity, 32, 4)                            \
  FIELD(struct, bcsc_pool_private, available, 36, 4)                           \
  FIELD(struct, bcsc_pool_private, flags, 40, 4)                               \
  FIELD(struct, bcsc_pool_private, state, 44, 2)                               \
  FIELD(struct, bcsc_pool_private, magic, 46, 2)                               \
  FIELD(struct, bcsc_pool_private, self_tag, 48, 4)                            \
  FIELD(struct, bcsc_pool_private, reserved32, 52, 4)                          \
  FIELD(struct, bcsc_pool_private, reserved, 56, 16)                           \
  TYPE(struct, bcsc_pool, 80, 8)                                               \
  FIELD(struct, bcsc_pool, data, 0, 8)                                         \
  FIELD(struct, bcsc_pool, priv, 8, 72)                                        \
  TYPE(union, bcsc_task_link, 8, 8)                                            \
  FIELD(union, bcsc_task_link, run_next, 0, 8)                                 \
  FIELD(union, bcsc_task_link, waits, 0, 8)                                    \
  FIELD(union, bcsc_task_link, result, 0, 8)                                   \
  TYPE(struct, bcsc_task_private, 48, 8)                                       \
  FIELD(struct, bcsc_task_private, link, 0, 8)                                 \
  FIELD(struct, bcsc_task_private, scope, 8, 8)                                \
  FIELD(struct, bcsc_task_private, sibling_next, 16, 8)                        \
  FIELD(struct, bcsc_task_private, sibling_prev, 24, 8)                        \
  FIELD(struct, bcsc_task_private, scopes, 32, 8)                              \
  FIELD(struct, bcsc_task_private, state, 40, 2)                               \
  FIELD(struct, bcsc_task_private, magic, 42, 2)                               \
  FIELD(struct, bcsc_task_private, self_tag, 44, 4)                            \
  TYPE(struct, bcsc_task, 64, 8)                                               \
  FIELD(struct, bcsc_task, data, 0, 8)                                         \
  FIELD(struct, bcsc_task, poll, 8, 8)                                         \
  FIELD(struct, bcsc_task, priv, 16, 48)                                       \
  TYPE(struct, bcsc_barrier_private, 96, 8)                                    \
  FIELD(struct, bcsc_barrier_private, arrivals, 0, 56)                         \
  FIELD(struct, bcsc_barrier_private, generation, 56, 8)                       \
  FIELD(struct, bcsc_barrier_private, parties, 64, 4)                          \
  FIELD(struct, bcsc_barrier_private, reserved32, 68, 4)                       \
  FIELD(struct, bcsc_barrier_private, state, 72, 2)                            \
  FIELD(struct, bcsc_barrier_private, magic, 74, 2)                            \
  FIELD(struct, bcsc_barrier_private, self_tag, 76, 4)                         \
  FIELD(struct, bcsc_barrier_private, reserved, 80, 16)                        \
  TYPE(struct, bcsc_barrier, 104, 8)                                           \
  FIELD(struct, bcsc_barrier, data, 0, 8)                                      \
  FIELD(struct, bcsc_barrier, priv, 8, 96)                                     \
  TYPE(struct, bcsc_broadcast_private, 112, 8)                                 \
  FIELD(struct, bcsc_broadcast_private, readers, 0, 56)                        \
  FIELD(struct, bcsc_broadcast_private, buffer, 56, 8)                         \
  FIELD(struct, bcsc_broadcast_private, elem_size, 64, 8)                      \
  FIELD(struct, bcsc_broadcast_private, head, 72, 8)                           \
  FIELD(struct, bcsc_broadcast_private, capacity, 80, 4)                       \
  FIELD(struct, bcsc_broadcast_private, reserved32, 84, 4)                     \
  FIELD(struct, bcsc_broadcast_private, state, 88, 2)                          \
  FIELD(struct, bcsc_broadcast_private, magic, 90, 2)                          \
  FIELD(struct, bcsc_broadcast_private, self_tag, 92, 4)                       \
  FIELD(struct, bcsc_broadcast_private, reserved, 96, 16)                      \
  TYPE(struct, bcsc_broadcast, 120, 8)                                         \
  FIELD(struct, bcsc_broadcast, data, 0, 8)                                    \
  FIELD(struct, bcsc_broadcast, priv, 8, 112)                                  \
  TYPE(struct, bcsc_broadcast_receiver_private, 32, 8)                         \
  FIELD(struct, bcsc_broadcast_receiver_private, broadcast, 0, 8)              \
  FIELD(struct, bcsc_broadcast_receiver_private, next, 8, 8)                   \
  FIELD(struct, bcsc_broadcast_receiver_private, state, 16, 2)                 \
  FIELD(struct, bcsc_broadcast_receiver_private, magic, 18, 2)                 \
  FIELD(struct, bcsc_broadcast_receiver_private, self_tag, 20, 4)              \
  FIELD(struct, bcsc_broadcast_receiver_private, reserved, 24, 8)              \
  TYPE(struct, bcsc_broadcast_receiver, 40, 8)                                 \
  FIELD(struct, bcsc_broadcast_receiver, data, 0, 8)                           \
  FIELD(struct, bcsc_broadcast_receiver, priv, 8, 32)                          \
  TYPE(struct, bcsc_channel_private, 168, 8)                                   \
  FIELD(struct, bcsc_channel_private, receivers, 0, 56)                        \
  FIELD(struct, bcsc_channel_private, senders, 56, 56)                         \
  FIELD(struct, bcsc_channel_private, buffer, 112, 8)                          \
  FIELD(struct, bcsc_channel_private, elem_size, 120, 8)                       \
  FIELD(struct, bcsc_channel_private, capacity, 128, 4)                        \
  FIELD(struct, bcsc_channel_private, head, 132, 4)                            \
  FIELD(struct, bcsc_channel_private, count, 136, 4)                           \
  FIELD(struct, bcsc_channel_private, reserved32, 140, 4)                      \
  FIELD(struct, bcsc_channel_private, state, 144, 2)                           \
  FIELD(struct, bcsc_channel_private, magic, 146, 2)                           \
  FIELD(struct, bcsc_channel_private, self_tag, 148, 4)                        \
  FIELD(struct, bcsc_channel_private, reserved, 152, 16)                       \
  TYPE(struct, bcsc_channel, 176, 8)                                           \
  FIELD(struct, bcsc_channel, data, 0, 8)                                      \
  FIELD(struct, bcsc_channel, priv, 8, 168)                                    \
  TYPE(struct, bcsc_co, 8, 4)                                                  \
  FIELD(struct, bcsc_co, resume_point, 0, 4)                                   \
  FIELD(struct, bcsc_co, reserved, 4, 4)                                       \
  TYPE(struct, bcsc_context, 40, 8)                                            \
  FIELD(struct, bcsc_context, priv, 0, 16)                                     \
  FIELD(struct, bcsc_context, data, 16, 8)                                     \
  FIELD(struct, bcsc_context, value, 24, 8)                                    \
  FIELD(struct, bcsc_context, key, 32, 4)                                      \
  TYPE(struct, bcsc_event_private, 72, 8)                                      \
  FIELD(struct, bcsc_event_private, waiters, 0, 56)                            \
  FIELD(struct, bcsc_event_private, state, 56, 2)                              \
  FIELD(struct, bcsc_event_private, magic, 58, 2)                              \
  FIELD(struct, bcsc_event_private, reserved32, 60, 4)                         \
  FIELD(struct, bcsc_event_private, reserved, 64, 8)                           \
  TYPE(struct, bcsc_event, 80, 8)                                              \
  FIELD(struct, bcsc_event, data, 0, 8)                                        \
  FIELD(struct, bcsc_event, priv, 8, 72)                                       \
  TYPE(struct, bcsc_mutex_private, 88, 8)                                      \
  FIELD(struct, bcsc_mutex_private, waiters, 0, 56)                            \
  FIELD(struct, bcsc_mutex_private, owner, 56, 8)                              \
  FIELD(struct, bcsc_mutex_private, state, 64, 2)                              \
  FIELD(struct, bcsc_mutex_private, magic, 66, 2)                              \
  FIELD(struct, bcsc_mutex_private, self_tag, 68, 4)                           \
  FIELD(struct, bcsc_mutex_private, held_next, 72, 8)                          \
  FIELD(struct, bcsc_mutex_private, held_prev, 80, 8)                          \
  TYPE(struct, bcsc_mutex, 96, 8)                                              \
  FIELD(struct, bcsc_mutex, data, 0, 8)                                        \
  FIELD(struct, bcsc_mutex, priv, 8, 88)                                       \
  TYPE(struct, bcsc_oneshot_private, 96, 8)                                    \
  FIELD(struct, bcsc_oneshot_private, waiters, 0, 56)                          \
  FIELD(struct, bcsc_oneshot_private, buffer, 56, 8)                           \
  FIELD(struct, bcsc_oneshot_private, elem_size, 64, 8)                        \
  FIELD(struct, bcsc_oneshot_private, state, 72, 2)                            \
  FIELD(struct, bcsc_oneshot_private, magic, 74, 2)                            \
  FIELD(struct, bcsc_oneshot_private, reserved32, 76, 4)                       \
  FIELD(struct, bcsc_oneshot_private, reserved, 80, 16)                        \
  TYPE(struct, bcsc_oneshot, 104, 8)                                           \
  FIELD(struct, bcsc_oneshot, data, 0, 8)                                      \
  FIELD(struct, bcsc_oneshot, priv, 8, 96)                                     \
  TYPE(struct, bcsc_epoll_reactor_private, 136, 8)                             \
  FIELD(struct, bcsc_epoll_reactor_private, spin_ns, 0, 8)                     \
  FIELD(struct, bcsc_epoll_reactor_private, parks, 8, 8)                       \
  FIELD(struct, bcsc_epoll_reactor_private, polls, 16, 8)                      \
  FIELD(struct, bcsc_epoll_reactor_private, unparks_seen, 24, 8)               \
  FIELD(struct, bcsc_epoll_reactor_private, timer_deadline, 32, 8)             \
  FIELD(struct, bcsc_epoll_reactor_private, unparked, 40, 56)                  \
  FIELD(struct, bcsc_epoll_reactor_private, epoll_fd, 96, 4)                   \
  FIELD(struct, bcsc_epoll_reactor_private, wake_fd, 100, 4)                   \
  FIELD(struct, bcsc_epoll_reactor_private, timer_fd, 104, 4)                  \
  FIELD(struct, bcsc_epoll_reactor_private, pending, 108, 4)                   \
  FIELD(struct, bcsc_epoll_reactor_private, watches, 112, 4)                   \
  FIELD(struct, bcsc_epoll_reactor_private, magic, 116, 4)                     \
  FIELD(struct, bcsc_epoll_reactor_private, reserved, 120, 16)                 \
  TYPE(struct, bcsc_epoll_reactor, 152, 8)                                     \
  FIELD(struct, bcsc_epoll_reactor, base, 0, 16)                               \
  FIELD(struct, bcsc_epoll_reactor, priv, 16, 136)                             \
  TYPE(struct, bcsc_epoll_watch_private, 160, 8)                               \
  FIELD(struct, bcsc_epoll_watch_private, reactor, 0, 8)                       \
  FIELD(struct, bcsc_epoll_watch_private, readable, 8, 56)                     \
  FIELD(struct, bcsc_epoll_watch_private, writable, 64, 56)                    \
  FIELD(struct, bcsc_epoll_watch_private, self, 120, 8)                        \
  FIELD(struct, bcsc_epoll_watch_private, events, 128, 4)                      \
  FIELD(struct, bcsc_epoll_watch_private, armed, 132, 4)                       \
  FIELD(struct, bcsc_epoll_watch_private, fd, 136, 4)                          \
  FIELD(struct, bcsc_epoll_watch_private, state, 140, 2)                       \
  FIELD(struct, bcsc_epoll_watch_private, magic, 142, 2)                       \
  FIELD(struct, bcsc_epoll_watch_private, reserved, 144, 16)                   \
  TYPE(struct, bcsc_epoll_watch, 168, 8)                                       \
  FIELD(struct, bcsc_epoll_watch, data, 0, 8)                                  \
  FIELD(struct, bcsc_epoll_watch, priv, 8, 160)                                \
  TYPE(struct, bcsc_posix_reactor_private, 112, 8)                             \
  FIELD(struct, bcsc_posix_reactor_private, spin_ns, 0, 8)                     \
  FIELD(struct, bcsc_posix_reactor_private, parks, 8, 8)                       \
  FIELD(struct, bcsc_posix_reactor_private, unparks_seen, 16, 8)               \
  FIELD(struct, bcsc_posix_reactor_private, unparked, 24, 56)                  \
  FIELD(struct, bcsc_posix_reactor_private, wake_fd, 80, 4)                    \
  FIELD(struct, bcsc_posix_reactor_private, wake_fd_write, 84, 4)              \
  FIELD(struct, bcsc_posix_reactor_private, pending, 88, 4)                    \
  FIELD(struct, bcsc_posix_reactor_private, magic, 92, 4)                      \
  FIELD(struct, bcsc_posix_reactor_private, reserved, 96, 16)                  \
  TYPE(struct, bcsc_posix_reactor, 128, 8)                                     \
  FIELD(struct, bcsc_posix_reactor, base, 0, 16)                               \
  FIELD(struct, bcsc_posix_reactor, priv, 16, 112)                             \
  TYPE(struct, bcsc_sim_reactor_private, 40, 8)                                \
  FIELD(struct, bcsc_sim_reactor_private, now, 0, 8)                           \
  FIELD(struct, bcsc_sim_reactor_private, parks, 8, 8)                         \
  FIELD(struct, bcsc_sim_reactor_private, unparked, 16, 4)                     \
  FIELD(struct, bcsc_sim_reactor_private, magic, 20, 4)                        \
  FIELD(struct, bcsc_sim_reactor_private, reserved, 24, 16)                    \
  TYPE(struct, bcsc_sim_reactor, 56, 8)                                        \
  FIELD(struct, bcsc_sim_reactor, base, 0, 16)                                 \
  FIELD(struct, bcsc_sim_reactor, priv, 16, 40)                                \
  TYPE(struct, bcsc_spin_reactor_private, 56, 8)                               \
  FIELD(struct, bcsc_spin_reactor_private, clock, 0, 8)                        \
  FIELD(struct, bcsc_spin_reactor_private, relax, 8, 8)                        \
  FIELD(struct, bcsc_spin_reactor_private, context, 16, 8)                     \
  FIELD(struct, bcsc_spin_reactor_private, parks, 24, 8)                       \
  FIELD(struct, bcsc_spin_reactor_private, unparked, 32, 4)                    \
  FIELD(struct, bcsc_spin_reactor_private, magic, 36, 4)                       \
  FIELD(struct, bcsc_spin_reactor_private, reserved, 40, 16)                   \
  TYPE(struct, bcsc_spin_reactor, 72, 8)                                       \
  FIELD(struct, bcsc_spin_reactor, base, 0, 16)                                \
  FIELD(struct, bcsc_spin_reactor, priv, 16, 56)                               \
  TYPE(struct, bcsc_uring_reactor_private, 272, 8)                             \
  FIELD(struct, bcsc_uring_reactor_private, spin_ns, 0, 8)                     \
  FIELD(struct, bcsc_uring_reactor_private, parks, 8, 8)                       \
  FIELD(struct, bcsc_uring_reactor_private, enters, 16, 8)                     \
  FIELD(struct, bcsc_uring_reactor_private, unparks_seen, 24, 8)               \
  FIELD(struct, bcsc_uring_reactor_private, completions, 32, 8)                \
  FIELD(struct, bcsc_uring_reactor_private, timeout_at, 40, 8)                 \
  FIELD(struct, bcsc_uring_reactor_private, timeout_ts, 48, 16)                \
  FIELD(struct, bcsc_uring_reactor_private, unparked, 64, 56)                  \
  FIELD(struct, bcsc_uring_reactor_private, sq_ring, 120, 8)                   \
  FIELD(struct, bcsc_uring_reactor_private, cq_ring, 128, 8)                   \
  FIELD(struct, bcsc_uring_reactor_private, sqes, 136, 8)                      \
  FIELD(struct, bcsc_uring_reactor_private, cqes, 144, 8)                      \
  FIELD(struct, bcsc_uring_reactor_private, sq_head, 152, 8)                   \
  FIELD(struct, bcsc_uring_reactor_private, sq_tail, 160, 8)                   \
  FIELD(struct, bcsc_uring_reactor_private, sq_array, 168, 8)                  \
  FIELD(struct, bcsc_uring_reactor_private, cq_head, 176, 8)                   \
  FIELD(struct, bcsc_uring_reactor_private, cq_tail, 184, 8)                   \
  FIELD(struct, bcsc_uring_reactor_private, owed, 192, 8)                      \
  FIELD(struct, bcsc_uring_reactor_private, sq_ring_size, 200, 8)              \
  FIELD(struct, bcsc_uring_reactor_private, cq_ring_size, 208, 8)              \
  FIELD(struct, bcsc_uring_reactor_private, sq_mask, 216, 4)                   \
  FIELD(struct, bcsc_uring_reactor_private, sq_entries, 220, 4)                \
  FIELD(struct, bcsc_uring_reactor_private, cq_mask, 224, 4)                   \
  FIELD(struct, bcsc_uring_reactor_private, in_flight, 228, 4)                 \
  FIELD(struct, bcsc_uring_reactor_private, features, 232, 4)                  \
  FIELD(struct, bcsc_uring_reactor_private, flags, 236, 4)                     \
  FIELD(struct, bcsc_uring_reactor_private, timeout_gen, 240, 4)               \
  FIELD(struct, bcsc_uring_reactor_private, ring_fd, 244, 4)                   \
  FIELD(struct, bcsc_uring_reactor_private, wake_fd, 248, 4)                   \
  FIELD(struct, bcsc_uring_reactor_private, pending, 252, 4)                   \
  FIELD(struct, bcsc_uring_reactor_private, magic, 256, 8)                     \
  FIELD(struct, bcsc_uring_reactor_private, reserved, 264, 8)                  \
  TYPE(struct, bcsc_uring_reactor, 288, 8)                                     \
  FIELD(struct, bcsc_uring_reactor, base, 0, 16)                               \
  FIELD(struct, bcsc_uring_reactor, priv, 16, 272)                             \
  TYPE(struct, bcsc_uring_op_private, 112, 8)                                  \
  FIELD(struct, bcsc_uring_op_private, reactor, 0, 8)                          \
  FIELD(struct, bcsc_uring_op_private, owed_next, 8, 8)                        \
  FIELD(struct, bcsc_uring_op_private, queue, 16, 56)                          \
  FIELD(struct, bcsc_uring_op_private, self, 72, 8)                            \
  FIELD(struct, bcsc_uring_op_private, result, 80, 4)                          \
  FIELD(struct, bcsc_uring_op_private, cqe_flags, 84, 4)                       \
  FIELD(struct, bcsc_uring_op_private, state, 88, 2)                           \
  FIELD(struct, bcsc_uring_op_private, magic, 90, 2)                           \
  FIELD(struct, bcsc_uring_op_private, opcode, 92, 2)                          \
  FIELD(struct, bcsc_uring_op_private, cancel, 94, 2)                          \
  FIELD(struct, bcsc_uring_op_private, reserved, 96, 16)                       \
  TYPE(struct, bcsc_uring_op, 120, 8)                                          \
  FIELD(struct, bcsc_uring_op, data, 0, 8)                                     \
  FIELD(struct, bcsc_uring_op, priv, 8, 112)                                   \
  TYPE(struct, bcsc_remote_task_private, 56, 8)                                \
  FIELD(struct, bcsc_remote_task_private, parent, 0, 8)                        \
  FIELD(struct, bcsc_remote_task_private, parent_next, 8, 8)                   \
  FIELD(struct, bcsc_remote_task_private, parent_prev, 16, 8)                  \
  FIELD(struct, bcsc_remote_task_private, remote, 24, 8)                       \
  FIELD(struct, bcsc_remote_task_private, relay_next, 32, 8)                   \
  FIELD(struct, bcsc_remote_task_private, flags, 40, 4)                        \
  FIELD(struct, bcsc_remote_task_private, state, 44, 2)                        \
  FIELD(struct, bcsc_remote_task_private, magic, 46, 2)                        \
  FIELD(struct, bcsc_remote_task_private, reserved, 48, 8)                     \
  TYPE(struct, bcsc_remote_task, 120, 8)                                       \
  FIELD(struct, bcsc_remote_task, task, 0, 64)                                 \
  FIELD(struct, bcsc_remote_task, priv, 64, 56)                                \
  TYPE(struct, bcsc_select_private, 24, 8)                                     \
  FIELD(struct, bcsc_select_private, self, 0, 8)                               \
  FIELD(struct, bcsc_select_private, branches, 8, 4)                           \
  FIELD(struct, bcsc_select_private, winner, 12, 4)                            \
  FIELD(struct, bcsc_select_private, result, 16, 4)                            \
  FIELD(struct, bcsc_select_private, state, 20, 2)                             \
  FIELD(struct, bcsc_select_private, magic, 22, 2)                             \
  TYPE(struct, bcsc_select, 32, 8)                                             \
  FIELD(struct, bcsc_select, data, 0, 8)                                       \
  FIELD(struct, bcsc_select, priv, 8, 24)                                      \
  TYPE(struct, bcsc_semaphore_private, 88, 8)                                  \
  FIELD(struct, bcsc_semaphore_private, waiters, 0, 56)                        \
  FIELD(struct, bcsc_semaphore_private, available, 56, 4)                      \
  FIELD(struct, bcsc_semaphore_private, granted, 60, 4)                        \
  FIELD(struct, bcsc_semaphore_private, state, 64, 2)                          \
  FIELD(struct, bcsc_semaphore_private, magic, 66, 2)                          \
  FIELD(struct, bcsc_semaphore_private, self_tag, 68, 4)                       \
  FIELD(struct, bcsc_semaphore_private, next_place, 72, 8)                     \
  FIELD(struct, bcsc_semaphore_private, reserved, 80, 8)                       \
  TYPE(struct, bcsc_semaphore, 96, 8)                                          \
  FIELD(struct, bcsc_semaphore, data, 0, 8)                                    \
  FIELD(struct, bcsc_semaphore, priv, 8, 88)                                   \
  TYPE(struct, bcsc_semaphore_waiter_private, 80, 8)                           \
  FIELD(struct, bcsc_semaphore_waiter_private, wait, 0, 64)                    \
  FIELD(struct, bcsc_semaphore_waiter_private, permits, 64, 4)                 \
  FIELD(struct, bcsc_semaphore_waiter_private, place, 68, 4)                   \
  FIELD(struct, bcsc_semaphore_waiter_private, reserved, 72, 8)                \
  TYPE(struct, bcsc_semaphore_waiter, 88, 8)                                   \
  FIELD(struct, bcsc_semaphore_waiter, data, 0, 8)                             \
  FIELD(struct, bcsc_semaphore_waiter, priv, 8, 80)                            \
  TYPE(struct, bcsc_start_private, 176, 8)                                     \
  FIELD(struct, bcsc_start_private, scope, 0, 136)                             \
  FIELD(struct, bcsc_start_private, target, 136, 8)                            \
  FIELD(struct, bcsc_start_private, child, 144, 8)                             \
  FIELD(struct, bcsc_start_private, state, 152, 4)                             \
  FIELD(struct, bcsc_start_private, reserved32, 156, 4)                        \
  FIELD(struct, bcsc_start_private, reserved, 160, 16)                         \
  TYPE(struct, bcsc_start, 192, 8)                                             \
  FIELD(struct, bcsc_start, data, 0, 8)                                        \
  FIELD(struct, bcsc_start, value, 8, 8)                                       \
  FIELD(struct, bcsc_start, priv, 16, 176)                                     \
  TYPE(struct, bcsc_stream_private, 104, 8)                                    \
  FIELD(struct, bcsc_stream_private, wait, 0, 64)                              \
  FIELD(struct, bcsc_stream_private, source, 64, 8)                            \
  FIELD(struct, bcsc_stream_private, items, 72, 8)                             \
  FIELD(struct, bcsc_stream_private, lagged, 80, 8)                            \
  FIELD(struct, bcsc_stream_private, kind, 88, 2)                              \
  FIELD(struct, bcsc_stream_private, state, 90, 2)                             \
  FIELD(struct, bcsc_stream_private, magic, 92, 2)                             \
  FIELD(struct, bcsc_stream_private, reserved16, 94, 2)                        \
  FIELD(struct, bcsc_stream_private, reserved, 96, 8)                          \
  TYPE(struct, bcsc_stream, 112, 8)                                            \
  FIELD(struct, bcsc_stream, data, 0, 8)                                       \
  FIELD(struct, bcsc_stream, priv, 8, 104)                                     \
  TYPE(struct, bcsc_supervised_private, 184, 8)                                \
  FIELD(struct, bcsc_supervised_private, scope, 0, 136)                        \
  FIELD(struct, bcsc_supervised_private, child, 136, 8)                        \
  FIELD(struct, bcsc_supervised_private, restart, 144, 8)                      \
  FIELD(struct, bcsc_supervised_private, context, 152, 8)                      \
  FIELD(struct, bcsc_supervised_private, policy, 160, 4)                       \
  FIELD(struct, bcsc_supervised_private, max_restarts, 164, 4)                 \
  FIELD(struct, bcsc_supervised_private, restarts, 168, 4)                     \
  FIELD(struct, bcsc_supervised_private, failures, 172, 4)                     \
  FIELD(struct, bcsc_supervised_private, last_error, 176, 4)                   \
  FIELD(struct, bcsc_supervised_private, state, 180, 4)                        \
  TYPE(struct, bcsc_supervised, 248, 8)                                        \
  FIELD(struct, bcsc_supervised, task, 0, 64)                                  \
  FIELD(struct, bcsc_supervised, priv, 64, 184)                                \
  TYPE(struct, bcsc_watch_private, 104, 8)                                     \
  FIELD(struct, bcsc_watch_private, waiters, 0, 56)                            \
  FIELD(struct, bcsc_watch_private, buffer, 56, 8)                             \
  FIELD(struct, bcsc_watch_private, elem_size, 64, 8)                          \
  FIELD(struct, bcsc_watch_private, version, 72, 8)                            \
  FIELD(struct, bcsc_watch_private, state, 80, 2)                              \
  FIELD(struct, bcsc_watch_private, magic, 82, 2)                              \
  FIELD(struct, bcsc_watch_private, reserved32, 84, 4)                         \
  FIELD(struct, bcsc_watch_private, reserved, 88, 16)                          \
  TYPE(struct, bcsc_watch, 112, 8)                                             \
  FIELD(struct, bcsc_watch, data, 0, 8)                                        \
  FIELD(struct, bcsc_watch, priv, 8, 104)

/* abi/layout/armhf.txt */
#define BCSC_LAYOUT_ARMHF(TYPE, FIELD)                                         \
  TYPE(struct, bcsc_attach_private, 12, 4)                                     \
  FIELD(struct, bcsc_attach_private, next, 0, 4)                               \
  FIELD(struct, bcsc_attach_private, state, 4, 1)                              \
  FIELD(struct, bcsc_attach_private, kind, 5, 1)                               \
  FIELD(struct, bcsc_attach_private, magic, 6, 2)                              \
  FIELD(struct, bcsc_attach_private, self_tag, 8, 4)                           \
  TYPE(struct, bcsc_reactor_vtable, 20, 4)                                     \
  FIELD(struct, bcsc_reactor_vtable, size, 0, 4)                               \
  FIELD(struct, bcsc_reactor_vtable, version, 4, 4)                            \
  FIELD(struct, bcsc_reactor_vtable, now, 8, 4)                                \
  FIELD(struct, bcsc_reactor_vtable, park, 12, 4)                              \
  FIELD(struct, bcsc_reactor_vtable, unpark, 16, 4)                            \
  TYPE(struct, bcsc_reactor, 8, 4)                                             \
  FIELD(struct, bcsc_reactor, vtable, 0, 4)                                    \
  FIELD(struct, bcsc_reactor, data, 4, 4)                                      \
  TYPE(struct, bcsc_wait_link, 8, 4)                                           \
  FIELD(struct, bcsc_wait_link, next, 0, 4)                                    \
  FIELD(struct, bcsc_wait_link, prev, 4, 4)                                    \
  TYPE(struct, bcsc_wait_private, 28, 4)                                       \
  FIELD(struct, bcsc_wait_private, queue, 0, 8)                                \
  FIELD(struct, bcsc_wait_private, task, 8, 4)                                 \
  FIELD(struct, bcsc_wait_private, task_next, 12, 4)                           \
  FIELD(struct, bcsc_wait_private, task_pprev, 16, 4)                          \
  FIELD(struct, bcsc_wait_private, state, 20, 2)                               \
  FIELD(struct, bcsc_wait_private, magic, 22, 2)                               \
  FIELD(struct, bcsc_wait_private, self_tag, 24, 4)                            \
  TYPE(struct, bcsc_wait, 36, 4)                                               \
  FIELD(struct, bcsc_wait, data, 0, 4)                                         \
  FIELD(struct, bcsc_wait, value, 4, 4)                                        \
  FIELD(struct, bcsc_wait, priv, 8, 28)                                        \
  TYPE(struct, bcsc_waitq_private, 28, 4)                                      \
  FIELD(struct, bcsc_waitq_private, waiters, 0, 8)                             \
  FIELD(struct, bcsc_waitq_private, state, 8, 2)                               \
  FIELD(struct, bcsc_waitq_private, magic, 10, 2)                              \
  FIELD(struct, bcsc_waitq_private, self_tag, 12, 4)                           \
  FIELD(struct, bcsc_waitq_private, batons, 16, 4)                             \
  FIELD(struct, bcsc_waitq_private, reserved, 20, 8)                           \
  TYPE(struct, bcsc_waitq, 32, 4)                                              \
  FIELD(struct, bcsc_waitq, data, 0, 4)                                        \
  FIELD(struct, bcsc_waitq, priv, 4, 28)                                       \
  TYPE(struct, bcsc_timer_link, 24, 8)                                         \
  FIELD(struct, bcsc_timer_link, next, 0, 4)                                   \
  FIELD(struct, bcsc_timer_link, prev, 4, 4)                                   \
  FIELD(struct, bcsc_timer_link, deadline, 8, 8)                               \
  FIELD(struct, bcsc_timer_link, slot, 16, 2)                                  \
  FIELD(struct, bcsc_timer_link, kind, 18, 2)                                  \
  FIELD(struct, bcsc_timer_link, linked, 20, 4)                                \
  TYPE(struct, bcsc_timer_private, 96, 8)                                      \
  FIELD(struct, bcsc_timer_private, wait, 0, 36)                               \
  FIELD(struct, bcsc_timer_private, link, 40, 24)                              \
  FIELD(struct, bcsc_timer_private, period, 64, 8)                             \
  FIELD(struct, bcsc_timer_private, missed_total, 72, 8)                       \
  FIELD(struct, bcsc_timer_private, missed, 80, 4)                             \
  FIELD(struct, bcsc_timer_private, policy, 84, 2)                             \
  FIELD(struct, bcsc_timer_private, state, 86, 2)                              \
  FIELD(struct, bcsc_timer_private, reserved, 88, 4)                           \
  TYPE(struct, bcsc_timer, 104, 8)                                             \
  FIELD(struct, bcsc_timer, data, 0, 4)                                        \
  FIELD(struct, bcsc_timer, priv, 8, 96)                                       \
  TYPE(struct, bcsc_scope_private, 96, 8)                                      \
  FIELD(struct, bcsc_scope_private, executor, 0, 4)                            \
  FIELD(struct, bcsc_scope_private, owner, 4, 4)                               \
  FIELD(struct, bcsc_scope_private, outer, 8, 4)                               \
  FIELD(struct, bcsc_scope_private, head, 12, 4)                               \
  FIELD(struct, bcsc_scope_private, tail, 16, 4)                               \
  FIELD(struct, bcsc_scope_private, live, 20, 4)                               \
  FIELD(struct, bcsc_scope_private, policy, 24, 2)                             \
  FIELD(struct, bcsc_scope_private, flags, 26, 2)                              \
  FIELD(struct, bcsc_scope_private, state, 28, 2)                              \
  FIELD(struct, bcsc_scope_private, magic, 30, 2)                              \
  FIELD(struct, bcsc_scope_private, self_tag, 32, 4)                           \
  FIELD(struct, bcsc_scope_private, first_error, 36, 4)                        \
  FIELD(struct, bcsc_scope_private, error_count, 40, 4)                        \
  FIELD(struct, bcsc_scope_private, kept_result, 44, 4)                        \
  FIELD(struct, bcsc_scope_private, linked, 48, 4)                             \
  FIELD(struct, bcsc_scope_private, deadline, 56, 24)                          \
  FIELD(struct, bcsc_scope_private, race_winner, 80, 4)                        \
  FIELD(struct, bcsc_scope_private, remote_head, 84, 4)                        \
  FIELD(struct, bcsc_scope_private, attachments, 88, 4)                        \
  TYPE(struct, bcsc_child_error, 12, 4)                                        \
  FIELD(struct, bcsc_child_error, task, 0, 4)                                  \
  FIELD(struct, bcsc_child_error, error, 4, 4)                                 \
  FIELD(struct, bcsc_child_error, cancelled, 8, 4)                             \
  TYPE(struct, bcsc_drain_grace_private, 24, 8)                                \
  FIELD(struct, bcsc_drain_grace_private, node, 0, 12)                         \
  FIELD(struct, bcsc_drain_grace_private, kept, 16, 8)                         \
  TYPE(struct, bcsc_drain_grace, 40, 8)                                        \
  FIELD(struct, bcsc_drain_grace, priv, 0, 24)                                 \
  FIELD(struct, bcsc_drain_grace, period, 24, 8)                               \
  FIELD(struct, bcsc_drain_grace, report, 32, 4)                               \
  FIELD(struct, bcsc_drain_grace, context, 36, 4)                              \
  TYPE(struct, bcsc_error_list, 20, 4)                                         \
  FIELD(struct, bcsc_error_list, priv, 0, 12)                                  \
  FIELD(struct, bcsc_error_list, list, 12, 4)                                  \
  FIELD(struct, bcsc_error_list, capacity, 16, 4)                              \
  TYPE(struct, bcsc_scope, 104, 8)                                             \
  FIELD(struct, bcsc_scope, data, 0, 4)                                        \
  FIELD(struct, bcsc_scope, priv, 8, 96)                                       \
  TYPE(struct, bcsc_waker, 12, 4)                                              \
  FIELD(struct, bcsc_waker, executor, 0, 4)                                    \
  FIELD(struct, bcsc_waker, slot, 4, 4)                                        \
  FIELD(struct, bcsc_waker, generation, 8, 4)                                  \
  TYPE(union, bcsc_waker_slot_owner, 4, 4)                                     \
  FIELD(union, bcsc_waker_slot_owner, task, 0, 4)                              \
  FIELD(union, bcsc_waker_slot_owner, free_next, 0, 4)                         \
  TYPE(struct, bcsc_waker_slot_private, 12, 4)                                 \
  FIELD(struct, bcsc_waker_slot_private, owner, 0, 4)                          \
  FIELD(struct, bcsc_waker_slot_private, state, 4, 4)                          \
  FIELD(struct, bcsc_waker_slot_private, inbox_next, 8, 4)                     \
  TYPE(struct, bcsc_waker_slot, 12, 4)                                         \
  FIELD(struct, bcsc_waker_slot, priv, 0, 12)                                  \
  TYPE(struct, bcsc_executor_config, 32, 4)                                    \
  FIELD(struct, bcsc_executor_config, size, 0, 4)                              \
  FIELD(struct, bcsc_executor_config, flags, 4, 4)                             \
  FIELD(struct, bcsc_executor_config, reactor, 8, 4)                           \
  FIELD(struct, bcsc_executor_config, pender, 12, 4)                           \
  FIELD(struct, bcsc_executor_config, pender_context, 16, 4)                   \
  FIELD(struct, bcsc_executor_config, waker_slots, 20, 4)                      \
  FIELD(struct, bcsc_executor_config, waker_slot_count, 24, 4)                 \
  FIELD(struct, bcsc_executor_config, reserved0, 28, 4)                        \
  TYPE(struct, bcsc_executor_statistics, 96, 8)                                \
  FIELD(struct, bcsc_executor_statistics, size, 0, 4)                          \
  FIELD(struct, bcsc_executor_statistics, reserved0, 4, 4)                     \
  FIELD(struct, bcsc_executor_statistics, polls, 8, 8)                         \
  FIELD(struct, bcsc_executor_statistics, wakes, 16, 8)                        \
  FIELD(struct, bcsc_executor_statistics, spawns, 24, 8)                       \
  FIELD(struct, bcsc_executor_statistics, completions, 32, 8)                  \
  FIELD(struct, bcsc_executor_statistics, cancels, 40, 8)                      \
  FIELD(struct, bcsc_executor_statistics, timers_fired, 48, 8)                 \
  FIELD(struct, bcsc_executor_statistics, parks, 56, 8)                        \
  FIELD(struct, bcsc_executor_statistics, wakes_received, 64, 8)               \
  FIELD(struct, bcsc_executor_statistics, wakes_stale, 72, 8)                  \
  FIELD(struct, bcsc_executor_statistics, wakes_delivered, 80, 8)              \
  FIELD(struct, bcsc_executor_statistics, waker_notifies, 88, 8)               \
  TYPE(struct, bcsc_executor_private, 1920, 8)                                 \
  FIELD(struct, bcsc_executor_private, polls, 0, 8)                            \
  FIELD(struct, bcsc_executor_private, wakes, 8, 8)                            \
  FIELD(struct, bcsc_executor_private, spawns, 16, 8)                          \
  FIELD(struct, bcsc_executor_private, completions, 24, 8)                     \
  FIELD(struct, bcsc_executor_private, cancels, 32, 8)                         \
  FIELD(struct, bcsc_executor_private, timers_fired, 40, 8)                    \
  FIELD(struct, bcsc_executor_private, parks, 48, 8)                           \
  FIELD(struct, bcsc_executor_private, wakes_received, 56, 8)                  \
  FIELD(struct, bcsc_executor_private, wakes_stale, 64, 8)                     \
  FIELD(struct, bcsc_executor_private, wakes_delivered, 72, 8)                 \
  FIELD(struct, bcsc_executor_private, waker_notifies, 80, 8)                  \
  FIELD(struct, bcsc_executor_private, wheel_time, 88, 8)                      \
  FIELD(struct, bcsc_executor_private, next_deadline, 96, 8)                   \
  FIELD(struct, bcsc_executor_private, occupied, 104, 48)                      \
  FIELD(struct, bcsc_executor_private, run_head, 152, 4)                       \
  FIELD(struct, bcsc_executor_private, run_tail, 156, 4)                       \
  FIELD(struct, bcsc_executor_private, current, 160, 4)                        \
  FIELD(struct, bcsc_executor_private, state, 164, 2)                          \
  FIELD(struct, bcsc_executor_private, magic, 166, 2)                          \
  FIELD(struct, bcsc_executor_private, self_tag, 168, 4)                       \
  FIELD(struct, bcsc_executor_private, ready, 172, 4)                          \
  FIELD(struct, bcsc_executor_private, next_slot, 176, 4)                      \
  FIELD(struct, bcsc_executor_private, timers, 180, 4)                         \
  FIELD(struct, bcsc_executor_private, wheel_exact, 184, 4)                    \
  FIELD(struct, bcsc_executor_private, reactor, 188, 4)                        \
  FIELD(struct, bcsc_executor_private, pender, 192, 4)                         \
  FIELD(struct, bcsc_executor_private, pender_context, 196, 4)                 \
  FIELD(struct, bcsc_executor_private, root, 200, 104)                         \
  FIELD(struct, bcsc_executor_private, wheel, 304, 1536)                       \
  FIELD(struct, bcsc_executor_private, wheel_due, 1840, 4)                     \
  FIELD(struct, bcsc_executor_private, batons, 1844, 4)                        \
  FIELD(struct, bcsc_executor_private, waker_slots, 1848, 4)                   \
  FIELD(struct, bcsc_executor_private, waker_slot_count, 1852, 4)              \
  FIELD(struct, bcsc_executor_private, waker_free_head, 1856, 4)               \
  FIELD(struct, bcsc_executor_private, waker_free_tail, 1860, 4)               \
  FIELD(struct, bcsc_executor_private, waker_held, 1864, 4)                    \
  FIELD(struct, bcsc_executor_private, inbox_head, 1868, 4)                    \
  FIELD(struct, bcsc_executor_private, inbox_sleep, 1872, 4)                   \
  FIELD(struct, bcsc_executor_private, inbox_received, 1876, 4)                \
  FIELD(struct, bcsc_executor_private, inbox_stale, 1880, 4)                   \
  FIELD(struct, bcsc_executor_private, inbox_notifies, 1884, 4)                \
  FIELD(struct, bcsc_executor_private, relay_pins, 1888, 4)                    \
  FIELD(struct, bcsc_executor_private, held_mutexes, 1892, 4)                  \
  FIELD(struct, bcsc_executor_private, owner_thread, 1896, 4)                  \
  FIELD(struct, bcsc_executor_private, relay_head, 1900, 4)                    \
  FIELD(struct, bcsc_executor_private, reserved, 1904, 12)                     \
  TYPE(struct, bcsc_executor, 1928, 8)                                         \
  FIELD(struct, bcsc_executor, data, 0, 4)                                     \
  FIELD(struct, bcsc_executor, priv, 8, 1920)                                  \
  TYPE(struct, bcsc_pool_private, 48, 4)                                       \
  FIELD(struct, bcsc_pool_private, memory, 0, 4)                               \
  FIELD(struct, bcsc_pool_private, stride, 4, 4)                               \
  FIELD(struct, bcsc_pool_private, frame_size, 8, 4)                           \
  FIELD(struct, bcsc_pool_private, free_head, 12, 4)                           \
  FIELD(struct, bcsc_pool_private, capacity, 16, 4)                            \
  FIELD(struct, bcsc_pool_private, available, 20, 4)                           \
  FIELD(struct, bcsc_pool_private, flags, 24, 4)                               \
  FIELD(struct, bcsc_pool_private, state, 28, 2)                               \
  FIELD(struct, bcsc_pool_private, magic, 30, 2)                               \
  FIELD(struct, bcsc_pool_private, self_tag, 32, 4)                            \
  FIELD(struct, bcsc_pool_private, reserved32, 36, 4)                          \
  FIELD(struct, bcsc_pool_private, reserved, 40, 8)                            \
  TYPE(struct, bcsc_pool, 52, 4)                                               \
  FIELD(struct, bcsc_pool, data, 0, 4)                                         \
  FIELD(struct, bcsc_pool, priv, 4, 48)                                        \
  TYPE(union, bcsc_task_link, 4, 4)                                            \
  FIELD(union, bcsc_task_link, run_next, 0, 4)                                 \
  FIELD(union, bcsc_task_link, waits, 0, 4)                                    \
  FIELD(union, bcsc_task_link, result, 0, 4)                                   \
  TYPE(struct, bcsc_task_private, 28, 4)                                       \
  FIELD(struct, bcsc_task_private, link, 0, 4)                                 \
  FIELD(struct, bcsc_task_private, scope, 4, 4)                                \
  FIELD(struct, bcsc_task_private, sibling_next, 8, 4)                         \
  FIELD(struct, bcsc_task_private, sibling_prev, 12, 4)                        \
  FIELD(struct, bcsc_task_private, scopes, 16, 4)                              \
  FIELD(struct, bcsc_task_private, state, 20, 2)                               \
  FIELD(struct, bcsc_task_private, magic, 22, 2)                               \
  FIELD(struct, bcsc_task_private, self_tag, 24, 4)                            \
  TYPE(struct, bcsc_task, 36, 4)                                               \
  FIELD(struct, bcsc_task, data, 0, 4)                                         \
  FIELD(struct, bcsc_task, poll, 4, 4)                                         \
  FIELD(struct, bcsc_task, priv, 8, 28)                                        \
  TYPE(struct, bcsc_barrier_private, 64, 8)                                    \
  FIELD(struct, bcsc_barrier_private, arrivals, 0, 32)                         \
  FIELD(struct, bcsc_barrier_private, generation, 32, 8)                       \
  FIELD(struct, bcsc_barrier_private, parties, 40, 4)                          \
  FIELD(struct, bcsc_barrier_private, reserved32, 44, 4)                       \
  FIELD(struct, bcsc_barrier_private, state, 48, 2)                            \
  FIELD(struct, bcsc_barrier_private, magic, 50, 2)                            \
  FIELD(struct, bcsc_barrier_private, self_tag, 52, 4)                         \
  FIELD(struct, bcsc_barrier_private, reserved, 56, 8)                         \
  TYPE(struct, bcsc_barrier, 72, 8)                                            \
  FIELD(struct, bcsc_barrier, data, 0, 4)                                      \
  FIELD(struct, bcsc_barrier, priv, 8, 64)                                     \
  TYPE(struct, bcsc_broadcast_private, 72, 8)                                  \
  FIELD(struct, bcsc_broadcast_private, readers, 0, 32)                        \
  FIELD(struct, bcsc_broadcast_private, buffer, 32, 4)                         \
  FIELD(struct, bcsc_broadcast_private, elem_size, 36, 4)                      \
  FIELD(struct, bcsc_broadcast_private, head, 40, 8)                           \
  FIELD(struct, bcsc_broadcast_private, capacity, 48, 4)                       \
  FIELD(struct, bcsc_broadcast_private, reserved32, 52, 4)                     \
  FIELD(struct, bcsc_broadcast_private, state, 56, 2)                          \
  FIELD(struct, bcsc_broadcast_private, magic, 58, 2)                          \
  FIELD(struct, bcsc_broadcast_private, self_tag, 60, 4)                       \
  FIELD(struct, bcsc_broadcast_private, reserved, 64, 8)                       \
  TYPE(struct, bcsc_broadcast, 80, 8)                                          \
  FIELD(struct, bcsc_broadcast, data, 0, 4)                                    \
  FIELD(struct, bcsc_broadcast, priv, 8, 72)                                   \
  TYPE(struct, bcsc_broadcast_receiver_private, 32, 8)                         \
  FIELD(struct, bcsc_broadcast_receiver_private, broadcast, 0, 4)              \
  FIELD(struct, bcsc_broadcast_receiver_private, next, 8, 8)                   \
  FIELD(struct, bcsc_broadcast_receiver_private, state, 16, 2)                 \
  FIELD(struct, bcsc_broadcast_receiver_private, magic, 18, 2)                 \
  FIELD(struct, bcsc_broadcast_receiver_private, self_tag, 20, 4)              \
  FIELD(struct, bcsc_broadcast_receiver_private, reserved, 24, 4)              \
  TYPE(struct, bcsc_broadcast_receiver, 40, 8)                                 \
  FIELD(struct, bcsc_broadcast_receiver, data, 0, 4)                           \
  FIELD(struct, bcsc_broadcast_receiver, priv, 8, 32)                          \
  TYPE(struct, bcsc_channel_private, 104, 4)                                   \
  FIELD(struct, bcsc_channel_private, receivers, 0, 32)                        \
  FIELD(struct, bcsc_channel_private, senders, 32, 32)                         \
  FIELD(struct, bcsc_channel_private, buffer, 64, 4)                           \
  FIELD(struct, bcsc_channel_private, elem_size, 68, 4)                        \
  FIELD(struct, bcsc_channel_private, capacity, 72, 4)                         \
  FIELD(struct, bcsc_channel_private, head, 76, 4)                             \
  FIELD(struct, bcsc_channel_private, count, 80, 4)                            \
  FIELD(struct, bcsc_channel_private, reserved32, 84, 4)                       \
  FIELD(struct, bcsc_channel_private, state, 88, 2)                            \
  FIELD(struct, bcsc_channel_private, magic, 90, 2)                            \
  FIELD(struct, bcsc_channel_private, self_tag, 92, 4)                         \
  FIELD(struct, bcsc_channel_private, reserved, 96, 8)                         \
  TYPE(struct, bcsc_channel, 108, 4)                                           \
  FIELD(struct, bcsc_channel, data, 0, 4)                                      \
  FIELD(struct, bcsc_channel, priv, 4, 104)                                    \
  TYPE(struct, bcsc_co, 8, 4)                                                  \
  FIELD(struct, bcsc_co, resume_point, 0, 4)                                   \
  FIELD(struct, bcsc_co, reserved, 4, 4)                                       \
  TYPE(struct, bcsc_context, 24, 4)                                            \
  FIELD(struct, bcsc_context, priv, 0, 12)                                     \
  FIELD(struct, bcsc_context, data, 12, 4)                                     \
  FIELD(struct, bcsc_context, value, 16, 4)                                    \
  FIELD(struct, bcsc_context, key, 20, 4)                                      \
  TYPE(struct, bcsc_event_private, 44, 4)                                      \
  FIELD(struct, bcsc_event_private, waiters, 0, 32)                            \
  FIELD(struct, bcsc_event_private, state, 32, 2)                              \
  FIELD(struct, bcsc_event_private, magic, 34, 2)                              \
  FIELD(struct, bcsc_event_private, reserved32, 36, 4)                         \
  FIELD(struct, bcsc_event_private, reserved, 40, 4)                           \
  TYPE(struct, bcsc_event, 48, 4)                                              \
  FIELD(struct, bcsc_event, data, 0, 4)                                        \
  FIELD(struct, bcsc_event, priv, 4, 44)                                       \
  TYPE(struct, bcsc_mutex_private, 52, 4)                                      \
  FIELD(struct, bcsc_mutex_private, waiters, 0, 32)                            \
  FIELD(struct, bcsc_mutex_private, owner, 32, 4)                              \
  FIELD(struct, bcsc_mutex_private, state, 36, 2)                              \
  FIELD(struct, bcsc_mutex_private, magic, 38, 2)                              \
  FIELD(struct, bcsc_mutex_private, self_tag, 40, 4)                           \
  FIELD(struct, bcsc_mutex_private, held_next, 44, 4)                          \
  FIELD(struct, bcsc_mutex_private, held_prev, 48, 4)                          \
  TYPE(struct, bcsc_mutex, 56, 4)                                              \
  FIELD(struct, bcsc_mutex, data, 0, 4)                                        \
  FIELD(struct, bcsc_mutex, priv, 4, 52)                                       \
  TYPE(struct, bcsc_oneshot_private, 56, 4)                                    \
  FIELD(struct, bcsc_oneshot_private, waiters, 0, 32)                          \
  FIELD(struct, bcsc_oneshot_private, buffer, 32, 4)                           \
  FIELD(struct, bcsc_oneshot_private, elem_size, 36, 4)                        \
  FIELD(struct, bcsc_oneshot_private, state, 40, 2)                            \
  FIELD(struct, bcsc_oneshot_private, magic, 42, 2)                            \
  FIELD(struct, bcsc_oneshot_private, reserved32, 44, 4)                       \
  FIELD(struct, bcsc_oneshot_private, reserved, 48, 8)                         \
  TYPE(struct, bcsc_oneshot, 60, 4)                                            \
  FIELD(struct, bcsc_oneshot, data, 0, 4)                                      \
  FIELD(struct, bcsc_oneshot, priv, 4, 56)                                     \
  TYPE(struct, bcsc_epoll_reactor_private, 104, 8)                             \
  FIELD(struct, bcsc_epoll_reactor_private, spin_ns, 0, 8)                     \
  FIELD(struct, bcsc_epoll_reactor_private, parks, 8, 8)                       \
  FIELD(struct, bcsc_epoll_reactor_private, polls, 16, 8)                      \
  FIELD(struct, bcsc_epoll_reactor_private, unparks_seen, 24, 8)               \
  FIELD(struct, bcsc_epoll_reactor_private, timer_deadline, 32, 8)             \
  FIELD(struct, bcsc_epoll_reactor_private, unparked, 40, 32)                  \
  FIELD(struct, bcsc_epoll_reactor_private, epoll_fd, 72, 4)                   \
  FIELD(struct, bcsc_epoll_reactor_private, wake_fd, 76, 4)                    \
  FIELD(struct, bcsc_epoll_reactor_private, timer_fd, 80, 4)                   \
  FIELD(struct, bcsc_epoll_reactor_private, pending, 84, 4)                    \
  FIELD(struct, bcsc_epoll_reactor_private, watches, 88, 4)                    \
  FIELD(struct, bcsc_epoll_reactor_private, magic, 92, 4)                      \
  FIELD(struct, bcsc_epoll_reactor_private, reserved, 96, 8)                   \
  TYPE(struct, bcsc_epoll_reactor, 112, 8)                                     \
  FIELD(struct, bcsc_epoll_reactor, base, 0, 8)                                \
  FIELD(struct, bcsc_epoll_reactor, priv, 8, 104)                              \
  TYPE(struct, bcsc_epoll_watch_private, 96, 4)                                \
  FIELD(struct, bcsc_epoll_watch_private, reactor, 0, 4)                       \
  FIELD(struct, bcsc_epoll_watch_private, readable, 4, 32)                     \
  FIELD(struct, bcsc_epoll_watch_private, writable, 36, 32)                    \
  FIELD(struct, bcsc_epoll_watch_private, self, 68, 4)                         \
  FIELD(struct, bcsc_epoll_watch_private, events, 72, 4)                       \
  FIELD(struct, bcsc_epoll_watch_private, armed, 76, 4)                        \
  FIELD(struct, bcsc_epoll_watch_private, fd, 80, 4)                           \
  FIELD(struct, bcsc_epoll_watch_private, state, 84, 2)                        \
  FIELD(struct, bcsc_epoll_watch_private, magic, 86, 2)                        \
  FIELD(struct, bcsc_epoll_watch_private, reserved, 88, 8)                     \
  TYPE(struct, bcsc_epoll_watch, 100, 4)                                       \
  FIELD(struct, bcsc_epoll_watch, data, 0, 4)                                  \
  FIELD(struct, bcsc_epoll_watch, priv, 4, 96)                                 \
  TYPE(struct, bcsc_posix_reactor_private, 80, 8)                              \
  FIELD(struct, bcsc_posix_reactor_private, spin_ns, 0, 8)                     \
  FIELD(struct, bcsc_posix_reactor_private, parks, 8, 8)                       \
  FIELD(struct, bcsc_posix_reactor_private, unparks_seen, 16, 8)               \
  FIELD(struct, bcsc_posix_reactor_private, unparked, 24, 32)                  \
  FIELD(struct, bcsc_posix_reactor_private, wake_fd, 56, 4)                    \
  FIELD(struct, bcsc_posix_reactor_private, wake_fd_write, 60, 4)              \
  FIELD(struct, bcsc_posix_reactor_private, pending, 64, 4)                    \
  FIELD(struct, bcsc_posix_reactor_private, magic, 68, 4)                      \
  FIELD(struct, bcsc_posix_reactor_private, reserved, 72, 8)                   \
  TYPE(struct, bcsc_posix_reactor, 88, 8)                                      \
  FIELD(struct, bcsc_posix_reactor, base, 0, 8)                                \
  FIELD(struct, bcsc_posix_reactor, priv, 8, 80)                               \
  TYPE(struct, bcsc_sim_reactor_private, 32, 8)                                \
  FIELD(struct, bcsc_sim_reactor_private, now, 0, 8)                           \
  FIELD(struct, bcsc_sim_reactor_private, parks, 8, 8)                         \
  FIELD(struct, bcsc_sim_reactor_private, unparked, 16, 4)                     \
  FIELD(struct, bcsc_sim_reactor_private, magic, 20, 4)                        \
  FIELD(struct, bcsc_sim_reactor_private, reserved, 24, 8)                     \
  TYPE(struct, bcsc_sim_reactor, 40, 8)                                        \
  FIELD(struct, bcsc_sim_reactor, base, 0, 8)                                  \
  FIELD(struct, bcsc_sim_reactor, priv, 8, 32)                                 \
  TYPE(struct, bcsc_spin_reactor_private, 40, 8)                               \
  FIELD(struct, bcsc_spin_reactor_private, clock, 0, 4)                        \
  FIELD(struct, bcsc_spin_reactor_private, relax, 4, 4)                        \
  FIELD(struct, bcsc_spin_reactor_private, context, 8, 4)                      \
  FIELD(struct, bcsc_spin_reactor_private, parks, 16, 8)                       \
  FIELD(struct, bcsc_spin_reactor_private, unparked, 24, 4)                    \
  FIELD(struct, bcsc_spin_reactor_private, magic, 28, 4)                       \
  FIELD(struct, bcsc_spin_reactor_private, reserved, 32, 8)                    \
  TYPE(struct, bcsc_spin_reactor, 48, 8)                                       \
  FIELD(struct, bcsc_spin_reactor, base, 0, 8)                                 \
  FIELD(struct, bcsc_spin_reactor, priv, 8, 40)                                \
  TYPE(struct, bcsc_uring_reactor_private, 192, 8)                             \
  FIELD(struct, bcsc_uring_reactor_private, spin_ns, 0, 8)                     \
  FIELD(struct, bcsc_uring_reactor_private, parks, 8, 8)                       \
  FIELD(struct, bcsc_uring_reactor_private, enters, 16, 8)                     \
  FIELD(struct, bcsc_uring_reactor_private, unparks_seen, 24, 8)               \
  FIELD(struct, bcsc_uring_reactor_private, completions, 32, 8)                \
  FIELD(struct, bcsc_uring_reactor_private, timeout_at, 40, 8)                 \
  FIELD(struct, bcsc_uring_reactor_private, timeout_ts, 48, 16)                \
  FIELD(struct, bcsc_uring_reactor_private, unparked, 64, 32)                  \
  FIELD(struct, bcsc_uring_reactor_private, sq_ring, 96, 4)                    \
  FIELD(struct, bcsc_uring_reactor_private, cq_ring, 100, 4)                   \
  FIELD(struct, bcsc_uring_reactor_private, sqes, 104, 4)                      \
  FIELD(struct, bcsc_uring_reactor_private, cqes, 108, 4)                      \
  FIELD(struct, bcsc_uring_reactor_private, sq_head, 112, 4)                   \
  FIELD(struct, bcsc_uring_reactor_private, sq_tail, 116, 4)                   \
  FIELD(struct, bcsc_uring_reactor_private, sq_array, 120, 4)                  \
  FIELD(struct, bcsc_uring_reactor_private, cq_head, 124, 4)                   \
  FIELD(struct, bcsc_uring_reactor_private, cq_tail, 128, 4)                   \
  FIELD(struct, bcsc_uring_reactor_private, owed, 132, 4)                      \
  FIELD(struct, bcsc_uring_reactor_private, sq_ring_size, 136, 4)              \
  FIELD(struct, bcsc_uring_reactor_private, cq_ring_size, 140, 4)              \
  FIELD(struct, bcsc_uring_reactor_private, sq_mask, 144, 4)                   \
  FIELD(struct, bcsc_uring_reactor_private, sq_entries, 148, 4)                \
  FIELD(struct, bcsc_uring_reactor_private, cq_mask, 152, 4)                   \
  FIELD(struct, bcsc_uring_reactor_private, in_flight, 156, 4)                 \
  FIELD(struct, bcsc_uring_reactor_private, features, 160, 4)                  \
  FIELD(struct, bcsc_uring_reactor_private, flags, 164, 4)                     \
  FIELD(struct, bcsc_uring_reactor_private, timeout_gen, 168, 4)               \
  FIELD(struct, bcsc_uring_reactor_private, ring_fd, 172, 4)                   \
  FIELD(struct, bcsc_uring_reactor_private, wake_fd, 176, 4)                   \
  FIELD(struct, bcsc_uring_reactor_private, pending, 180, 4)                   \
  FIELD(struct, bcsc_uring_reactor_private, magic, 184, 4)                     \
  FIELD(struct, bcsc_uring_reactor_private, reserved, 188, 4)                  \
  TYPE(struct, bcsc_uring_reactor, 200, 8)                                     \
  FIELD(struct, bcsc_uring_reactor, base, 0, 8)                                \
  FIELD(struct, bcsc_uring_reactor, priv, 8, 192)                              \
  TYPE(struct, bcsc_uring_op_private, 68, 4)                                   \
  FIELD(struct, bcsc_uring_op_private, reactor, 0, 4)                          \
  FIELD(struct, bcsc_uring_op_private, owed_next, 4, 4)                        \
  FIELD(struct, bcsc_uring_op_private, queue, 8, 32)                           \
  FIELD(struct, bcsc_uring_op_private, self, 40, 4)                            \
  FIELD(struct, bcsc_uring_op_private, result, 44, 4)                          \
  FIELD(struct, bcsc_uring_op_private, cqe_flags, 48, 4)                       \
  FIELD(struct, bcsc_uring_op_private, state, 52, 2)                           \
  FIELD(struct, bcsc_uring_op_private, magic, 54, 2)                           \
  FIELD(struct, bcsc_uring_op_private, opcode, 56, 2)                          \
  FIELD(struct, bcsc_uring_op_private, cancel, 58, 2)                          \
  FIELD(struct, bcsc_uring_op_private, reserved, 60, 8)                        \
  TYPE(struct, bcsc_uring_op, 72, 4)                                           \
  FIELD(struct, bcsc_uring_op, data, 0, 4)                                     \
  FIELD(struct, bcsc_uring_op, priv, 4, 68)                                    \
  TYPE(struct, bcsc_remote_task_private, 32, 4)                                \
  FIELD(struct, bcsc_remote_task_private, parent, 0, 4)                        \
  FIELD(struct, bcsc_remote_task_private, parent_next, 4, 4)                   \
  FIELD(struct, bcsc_remote_task_private, parent_prev, 8, 4)                   \
  FIELD(struct, bcsc_remote_task_private, remote, 12, 4)                       \
  FIELD(struct, bcsc_remote_task_private, relay_next, 16, 4)                   \
  FIELD(struct, bcsc_remote_task_private, flags, 20, 4)                        \
  FIELD(struct, bcsc_remote_task_private, state, 24, 2)                        \
  FIELD(struct, bcsc_remote_task_private, magic, 26, 2)                        \
  FIELD(struct, bcsc_remote_task_private, reserved, 28, 4)                     \
  TYPE(struct, bcsc_remote_task, 68, 4)                                        \
  FIELD(struct, bcsc_remote_task, task, 0, 36)                                 \
  FIELD(struct, bcsc_remote_task, priv, 36, 32)                                \
  TYPE(struct, bcsc_select_private, 20, 4)                                     \
  FIELD(struct, bcsc_select_private, self, 0, 4)                               \
  FIELD(struct, bcsc_select_private, branches, 4, 4)                           \
  FIELD(struct, bcsc_select_private, winner, 8, 4)                             \
  FIELD(struct, bcsc_select_private, result, 12, 4)                            \
  FIELD(struct, bcsc_select_private, state, 16, 2)                             \
  FIELD(struct, bcsc_select_private, magic, 18, 2)                             \
  TYPE(struct, bcsc_select, 24, 4)                                             \
  FIELD(struct, bcsc_select, data, 0, 4)                                       \
  FIELD(struct, bcsc_select, priv, 4, 20)                                      \
  TYPE(struct, bcsc_semaphore_private, 56, 4)                                  \
  FIELD(struct, bcsc_semaphore_private, waiters, 0, 32)                        \
  FIELD(struct, bcsc_semaphore_private, available, 32, 4)                      \
  FIELD(struct, bcsc_semaphore_private, granted, 36, 4)                        \
  FIELD(struct, bcsc_semaphore_private, state, 40, 2)                          \
  FIELD(struct, bcsc_semaphore_private, magic, 42, 2)                          \
  FIELD(struct, bcsc_semaphore_private, self_tag, 44, 4)                       \
  FIELD(struct, bcsc_semaphore_private, next_place, 48, 4)                     \
  FIELD(struct, bcsc_semaphore_private, reserved, 52, 4)                       \
  TYPE(struct, bcsc_semaphore, 60, 4)                                          \
  FIELD(struct, bcsc_semaphore, data, 0, 4)                                    \
  FIELD(struct, bcsc_semaphore, priv, 4, 56)                                   \
  TYPE(struct, bcsc_semaphore_waiter_private, 48, 4)                           \
  FIELD(struct, bcsc_semaphore_waiter_private, wait, 0, 36)                    \
  FIELD(struct, bcsc_semaphore_waiter_private, permits, 36, 4)                 \
  FIELD(struct, bcsc_semaphore_waiter_private, place, 40, 4)                   \
  FIELD(struct, bcsc_semaphore_waiter_private, reserved, 44, 4)                \
  TYPE(struct, bcsc_semaphore_waiter, 52, 4)                                   \
  FIELD(struct, bcsc_semaphore_waiter, data, 0, 4)                             \
  FIELD(struct, bcsc_semaphore_waiter, priv, 4, 48)                            \
  TYPE(struct, bcsc_start_private, 128, 8)                                     \
  FIELD(struct, bcsc_start_private, scope, 0, 104)                             \
  FIELD(struct, bcsc_start_private, target, 104, 4)                            \
  FIELD(struct, bcsc_start_private, child, 108, 4)                             \
  FIELD(struct, bcsc_start_private, state, 112, 4)                             \
  FIELD(struct, bcsc_start_private, reserved32, 116, 4)                        \
  FIELD(struct, bcsc_start_private, reserved, 120, 8)                          \
  TYPE(struct, bcsc_start, 136, 8)                                             \
  FIELD(struct, bcsc_start, data, 0, 4)                                        \
  FIELD(struct, bcsc_start, value, 4, 4)                                       \
  FIELD(struct, bcsc_start, priv, 8, 128)                                      \
  TYPE(struct, bcsc_stream_private, 72, 8)                                     \
  FIELD(struct, bcsc_stream_private, wait, 0, 36)                              \
  FIELD(struct, bcsc_stream_private, source, 36, 4)                            \
  FIELD(struct, bcsc_stream_private, items, 40, 8)                             \
  FIELD(struct, bcsc_stream_private, lagged, 48, 8)                            \
  FIELD(struct, bcsc_stream_private, kind, 56, 2)                              \
  FIELD(struct, bcsc_stream_private, state, 58, 2)                             \
  FIELD(struct, bcsc_stream_private, magic, 60, 2)                             \
  FIELD(struct, bcsc_stream_private, reserved16, 62, 2)                        \
  FIELD(struct, bcsc_stream_private, reserved, 64, 4)                          \
  TYPE(struct, bcsc_stream, 80, 8)                                             \
  FIELD(struct, bcsc_stream, data, 0, 4)                                       \
  FIELD(struct, bcsc_stream, priv, 8, 72)                                      \
  TYPE(struct, bcsc_supervised_private, 144, 8)                                \
  FIELD(struct, bcsc_supervised_private, scope, 0, 104)                        \
  FIELD(struct, bcsc_supervised_private, child, 104, 4)                        \
  FIELD(struct, bcsc_supervised_private, restart, 108, 4)                      \
  FIELD(struct, bcsc_supervised_private, context, 112, 4)                      \
  FIELD(struct, bcsc_supervised_private, policy, 116, 4)                       \
  FIELD(struct, bcsc_supervised_private, max_restarts, 120, 4)                 \
  FIELD(struct, bcsc_supervised_private, restarts, 124, 4)                     \
  FIELD(struct, bcsc_supervised_private, failures, 128, 4)                     \
  FIELD(struct, bcsc_supervised_private, last_error, 132, 4)                   \
  FIELD(struct, bcsc_supervised_private, state, 136, 4)                        \
  TYPE(struct, bcsc_supervised, 184, 8)                                        \
  FIELD(struct, bcsc_supervised, task, 0, 36)                                  \
  FIELD(struct, bcsc_supervised, priv, 40, 144)                                \
  TYPE(struct, bcsc_watch_private, 64, 8)                                      \
  FIELD(struct, bcsc_watch_private, waiters, 0, 32)                            \
  FIELD(struct, bcsc_watch_private, buffer, 32, 4)                             \
  FIELD(struct, bcsc_watch_private, elem_size, 36, 4)                          \
  FIELD(struct, bcsc_watch_private, version, 40, 8)                            \
  FIELD(struct, bcsc_watch_private, state, 48, 2)                              \
  FIELD(struct, bcsc_watch_private, magic, 50, 2)                              \
  FIELD(struct, bcsc_watch_private, reserved32, 52, 4)                         \
  FIELD(struct, bcsc_watch_private, reserved, 56, 8)                           \
  TYPE(struct, bcsc_watch, 72, 8)                                              \
  FIELD(struct, bcsc_watch, data, 0, 4)                                        \
  FIELD(struct, bcsc_watch, priv, 8, 64)

/* abi/layout/i686.txt */
#define BCSC_LAYOUT_I686(TYPE, FIELD)                                          \
  TYPE(struct, bcsc_attach_private, 12, 4)                                     \
  FIELD(struct, bcsc_attach_private, next, 0, 4)                               \
  FIELD(struct, bcsc_attach_private, state, 4, 1)                              \
  FIELD(struct, bcsc_attach_private, kind, 5, 1)                               \
  FIELD(struct, bcsc_attach_private, magic, 6, 2)                              \
  FIELD(struct, bcsc_attach_private, self_tag, 8, 4)                           \
  TYPE(struct, bcsc_reactor_vtable, 20, 4)                                     \
  FIELD(struct, bcsc_reactor_vtable, size, 0, 4)                               \
  FIELD(struct, bcsc_reactor_vtable, version, 4, 4)                            \
  FIELD(struct, bcsc_reactor_vtable, now, 8, 4)                                \
  FIELD(struct, bcsc_reactor_vtable, park, 12, 4)                              \
  FIELD(struct, bcsc_reactor_vtable, unpark, 16, 4)                            \
  TYPE(struct, bcsc_reactor, 8, 4)                                             \
  FIELD(struct, bcsc_reactor, vtable, 0, 4)                                    \
  FIELD(struct, bcsc_reactor, data, 4, 4)                                      \
  TYPE(struct, bcsc_wait_link, 8, 4)                                           \
  FIELD(struct, bcsc_wait_link, next, 0, 4)                                    \
  FIELD(struct, bcsc_wait_link, prev, 4, 4)                                    \
  TYPE(struct, bcsc_wait_private, 28, 4)                                       \
  FIELD(struct, bcsc_wait_private, queue, 0, 8)                                \
  FIELD(struct, bcsc_wait_private, task, 8, 4)                                 \
  FIELD(struct, bcsc_wait_private, task_next, 12, 4)                           \
  FIELD(struct, bcsc_wait_private, task_pprev, 16, 4)                          \
  FIELD(struct, bcsc_wait_private, state, 20, 2)                               \
  FIELD(struct, bcsc_wait_private, magic, 22, 2)                               \
  FIELD(struct, bcsc_wait_private, self_tag, 24, 4)                            \
  TYPE(struct, bcsc_wait, 36, 4)                                               \
  FIELD(struct, bcsc_wait, data, 0, 4)                                         \
  FIELD(struct, bcsc_wait, value, 4, 4)                                        \
  FIELD(struct, bcsc_wait, priv, 8, 28)                                        \
  TYPE(struct, bcsc_waitq_private, 28, 4)                                      \
  FIELD(struct, bcsc_waitq_private, waiters, 0, 8)                             \
  FIELD(struct, bcsc_waitq_private, state, 8, 2)                               \
  FIELD(struct, bcsc_waitq_private, magic, 10, 2)                              \
  FIELD(struct, bcsc_waitq_private, self_tag, 12, 4)                           \
  FIELD(struct, bcsc_waitq_private, batons, 16, 4)                             \
  FIELD(struct, bcsc_waitq_private, reserved, 20, 8)                           \
  TYPE(struct, bcsc_waitq, 32, 4)                                              \
  FIELD(struct, bcsc_waitq, data, 0, 4)                                        \
  FIELD(struct, bcsc_waitq, priv, 4, 28)                                       \
  TYPE(struct, bcsc_timer_link, 24, 4)                                         \
  FIELD(struct, bcsc_timer_link, next, 0, 4)                                   \
  FIELD(struct, bcsc_timer_link, prev, 4, 4)                                   \
  FIELD(struct, bcsc_timer_link, deadline, 8, 8)                               \
  FIELD(struct, bcsc_timer_link, slot, 16, 2)                                  \
  FIELD(struct, bcsc_timer_link, kind, 18, 2)                                  \
  FIELD(struct, bcsc_timer_link, linked, 20, 4)                                \
  TYPE(struct, bcsc_timer_private, 88, 4)                                      \
  FIELD(struct, bcsc_timer_private, wait, 0, 36)                               \
  FIELD(struct, bcsc_timer_private, link, 36, 24)                              \
  FIELD(struct, bcsc_timer_private, period, 60, 8)                             \
  FIELD(struct, bcsc_timer_private, missed_total, 68, 8)                       \
  FIELD(struct, bcsc_timer_private, missed, 76, 4)                             \
  FIELD(struct, bcsc_timer_private, policy, 80, 2)                             \
  FIELD(struct, bcsc_timer_private, state, 82, 2)                              \
  FIELD(struct, bcsc_timer_private, reserved, 84, 4)                           \
  TYPE(struct, bcsc_timer, 92, 4)                                              \
  FIELD(struct, bcsc_timer, data, 0, 4)                                        \
  FIELD(struct, bcsc_timer, priv, 4, 88)                                       \
  TYPE(struct, bcsc_scope_private, 88, 4)                                      \
  FIELD(struct, bcsc_scope_private, executor, 0, 4)                            \
  FIELD(struct, bcsc_scope_private, owner, 4, 4)                               \
  FIELD(struct, bcsc_scope_private, outer, 8, 4)                               \
  FIELD(struct, bcsc_scope_private, head, 12, 4)                               \
  FIELD(struct, bcsc_scope_private, tail, 16, 4)                               \
  FIELD(struct, bcsc_scope_private, live, 20, 4)                               \
  FIELD(struct, bcsc_scope_private, policy, 24, 2)                             \
  FIELD(struct, bcsc_scope_private, flags, 26, 2)                              \
  FIELD(struct, bcsc_scope_private, state, 28, 2)                              \
  FIELD(struct, bcsc_scope_private, magic, 30, 2)                              \
  FIELD(struct, bcsc_scope_private, self_tag, 32, 4)                           \
  FIELD(struct, bcsc_scope_private, first_error, 36, 4)                        \
  FIELD(struct, bcsc_scope_private, error_count, 40, 4)                        \
  FIELD(struct, bcsc_scope_private, kept_result, 44, 4)                        \
  FIELD(struct, bcsc_scope_private, linked, 48, 4)                             \
  FIELD(struct, bcsc_scope_private, deadline, 52, 24)                          \
  FIELD(struct, bcsc_scope_private, race_winner, 76, 4)                        \
  FIELD(struct, bcsc_scope_private, remote_head, 80, 4)                        \
  FIELD(struct, bcsc_scope_private, attachments, 84, 4)                        \
  TYPE(struct, bcsc_child_error, 12, 4)                                        \
  FIELD(struct, bcsc_child_error, task, 0, 4)                                  \
  FIELD(struct, bcsc_child_error, error, 4, 4)                                 \
  FIELD(struct, bcsc_child_error, cancelled, 8, 4)                             \
  TYPE(struct, bcsc_drain_grace_private, 20, 4)                                \
  FIELD(struct, bcsc_drain_grace_private, node, 0, 12)                         \
  FIELD(struct, bcsc_drain_grace_private, kept, 12, 8)                         \
  TYPE(struct, bcsc_drain_grace, 36, 4)                                        \
  FIELD(struct, bcsc_drain_grace, priv, 0, 20)                                 \
  FIELD(struct, bcsc_drain_grace, period, 20, 8)                               \
  FIELD(struct, bcsc_drain_grace, report, 28, 4)                               \
  FIELD(struct, bcsc_drain_grace, context, 32, 4)                              \
  TYPE(struct, bcsc_error_list, 20, 4)                                         \
  FIELD(struct, bcsc_error_list, priv, 0, 12)                                  \
  FIELD(struct, bcsc_error_list, list, 12, 4)                                  \
  FIELD(struct, bcsc_error_list, capacity, 16, 4)                              \
  TYPE(struct, bcsc_scope, 92, 4)                                              \
  FIELD(struct, bcsc_scope, data, 0, 4)                                        \
  FIELD(struct, bcsc_scope, priv, 4, 88)                                       \
  TYPE(struct, bcsc_waker, 12, 4)                                              \
  FIELD(struct, bcsc_waker, executor, 0, 4)                                    \
  FIELD(struct, bcsc_waker, slot, 4, 4)                                        \
  FIELD(struct, bcsc_waker, generation, 8, 4)                                  \
  TYPE(union, bcsc_waker_slot_owner, 4, 4)                                     \
  FIELD(union, bcsc_waker_slot_owner, task, 0, 4)                              \
  FIELD(union, bcsc_waker_slot_owner, free_next, 0, 4)                         \
  TYPE(struct, bcsc_waker_slot_private, 12, 4)                                 \
  FIELD(struct, bcsc_waker_slot_private, owner, 0, 4)                          \
  FIELD(struct, bcsc_waker_slot_private, state, 4, 4)                          \
  FIELD(struct, bcsc_waker_slot_private, inbox_next, 8, 4)                     \
  TYPE(struct, bcsc_waker_slot, 12, 4)                                         \
  FIELD(struct, bcsc_waker_slot, priv, 0, 12)                                  \
  TYPE(struct, bcsc_executor_config, 32, 4)                                    \
  FIELD(struct, bcsc_executor_config, size, 0, 4)                              \
  FIELD(struct, bcsc_executor_config, flags, 4, 4)                             \
  FIELD(struct, bcsc_executor_config, reactor, 8, 4)                           \
  FIELD(struct, bcsc_executor_config, pender, 12, 4)                           \
  FIELD(struct, bcsc_executor_config, pender_context, 16, 4)                   \
  FIELD(struct, bcsc_executor_config, waker_slots, 20, 4)                      \
  FIELD(struct, bcsc_executor_config, waker_slot_count, 24, 4)                 \
  FIELD(struct, bcsc_executor_config, reserved0, 28, 4)                        \
  TYPE(struct, bcsc_executor_statistics, 96, 4)                                \
  FIELD(struct, bcsc_executor_statistics, size, 0, 4)                          \
  FIELD(struct, bcsc_executor_statistics, reserved0, 4, 4)                     \
  FIELD(struct, bcsc_executor_statistics, polls, 8, 8)                         \
  FIELD(struct, bcsc_executor_statistics, wakes, 16, 8)                        \
  FIELD(struct, bcsc_executor_statistics, spawns, 24, 8)                       \
  FIELD(struct, bcsc_executor_statistics, completions, 32, 8)                  \
  FIELD(struct, bcsc_executor_statistics, cancels, 40, 8)                      \
  FIELD(struct, bcsc_executor_statistics, timers_fired, 48, 8)                 \
  FIELD(struct, bcsc_executor_statistics, parks, 56, 8)                        \
  FIELD(struct, bcsc_executor_statistics, wakes_received, 64, 8)               \
  FIELD(struct, bcsc_executor_statistics, wakes_stale, 72, 8)                  \
  FIELD(struct, bcsc_executor_statistics, wakes_delivered, 80, 8)              \
  FIELD(struct, bcsc_executor_statistics, waker_notifies, 88, 8)               \
  TYPE(struct, bcsc_executor_private, 1904, 4)                                 \
  FIELD(struct, bcsc_executor_private, polls, 0, 8)                            \
  FIELD(struct, bcsc_executor_private, wakes, 8, 8)                            \
  FIELD(struct, bcsc_executor_private, spawns, 16, 8)                          \
  FIELD(struct, bcsc_executor_private, completions, 24, 8)                     \
  FIELD(struct, bcsc_executor_private, cancels, 32, 8)                         \
  FIELD(struct, bcsc_executor_private, timers_fired, 40, 8)                    \
  FIELD(struct, bcsc_executor_private, parks, 48, 8)                           \
  FIELD(struct, bcsc_executor_private, wakes_received, 56, 8)                  \
  FIELD(struct, bcsc_executor_private, wakes_stale, 64, 8)                     \
  FIELD(struct, bcsc_executor_private, wakes_delivered, 72, 8)                 \
  FIELD(struct, bcsc_executor_private, waker_notifies, 80, 8)                  \
  FIELD(struct, bcsc_executor_private, wheel_time, 88, 8)                      \
  FIELD(struct, bcsc_executor_private, next_deadline, 96, 8)                   \
  FIELD(struct, bcsc_executor_private, occupied, 104, 48)                      \
  FIELD(struct, bcsc_executor_private, run_head, 152, 4)                       \
  FIELD(struct, bcsc_executor_private, run_tail, 156, 4)                       \
  FIELD(struct, bcsc_executor_private, current, 160, 4)                        \
  FIELD(struct, bcsc_executor_private, state, 164, 2)                          \
  FIELD(struct, bcsc_executor_private, magic, 166, 2)                          \
  FIELD(struct, bcsc_executor_private, self_tag, 168, 4)                       \
  FIELD(struct, bcsc_executor_private, ready, 172, 4)                          \
  FIELD(struct, bcsc_executor_private, next_slot, 176, 4)                      \
  FIELD(struct, bcsc_executor_private, timers, 180, 4)                         \
  FIELD(struct, bcsc_executor_private, wheel_exact, 184, 4)                    \
  FIELD(struct, bcsc_executor_private, reactor, 188, 4)                        \
  FIELD(struct, bcsc_executor_private, pender, 192, 4)                         \
  FIELD(struct, bcsc_executor_private, pender_context, 196, 4)                 \
  FIELD(struct, bcsc_executor_private, root, 200, 92)                          \
  FIELD(struct, bcsc_executor_private, wheel, 292, 1536)                       \
  FIELD(struct, bcsc_executor_private, wheel_due, 1828, 4)                     \
  FIELD(struct, bcsc_executor_private, batons, 1832, 4)                        \
  FIELD(struct, bcsc_executor_private, waker_slots, 1836, 4)                   \
  FIELD(struct, bcsc_executor_private, waker_slot_count, 1840, 4)              \
  FIELD(struct, bcsc_executor_private, waker_free_head, 1844, 4)               \
  FIELD(struct, bcsc_executor_private, waker_free_tail, 1848, 4)               \
  FIELD(struct, bcsc_executor_private, waker_held, 1852, 4)                    \
  FIELD(struct, bcsc_executor_private, inbox_head, 1856, 4)                    \
  FIELD(struct, bcsc_executor_private, inbox_sleep, 1860, 4)                   \
  FIELD(struct, bcsc_executor_private, inbox_received, 1864, 4)                \
  FIELD(struct, bcsc_executor_private, inbox_stale, 1868, 4)                   \
  FIELD(struct, bcsc_executor_private, inbox_notifies, 1872, 4)                \
  FIELD(struct, bcsc_executor_private, relay_pins, 1876, 4)                    \
  FIELD(struct, bcsc_executor_private, held_mutexes, 1880, 4)                  \
  FIELD(struct, bcsc_executor_private, owner_thread, 1884, 4)                  \
  FIELD(struct, bcsc_executor_private, relay_head, 1888, 4)                    \
  FIELD(struct, bcsc_executor_private, reserved, 1892, 12)                     \
  TYPE(struct, bcsc_executor, 1908, 4)                                         \
  FIELD(struct, bcsc_executor, data, 0, 4)                                     \
  FIELD(struct, bcsc_executor, priv, 4, 1904)                                  \
  TYPE(struct, bcsc_pool_private, 48, 4)                                       \
  FIELD(struct, bcsc_pool_private, memory, 0, 4)                               \
  FIELD(struct, bcsc_pool_private, stride, 4, 4)                               \
  FIELD(struct, bcsc_pool_private, frame_size, 8, 4)                           \
  FIELD(struct, bcsc_pool_private, free_head, 12, 4)                           \
  FIELD(struct, bcsc_pool_private, capacity, 16, 4)                            \
  FIELD(struct, bcsc_pool_private, available, 20, 4)                           \
  FIELD(struct, bcsc_pool_private, flags, 24, 4)                               \
  FIELD(struct, bcsc_pool_private, state, 28, 2)                               \
  FIELD(struct, bcsc_pool_private, magic, 30, 2)                               \
  FIELD(struct, bcsc_pool_private, self_tag, 32, 4)                            \
  FIELD(struct, bcsc_pool_private, reserved32, 36, 4)                          \
  FIELD(struct, bcsc_pool_private, reserved, 40, 8)                            \
  TYPE(struct, bcsc_pool, 52, 4)                                               \
  FIELD(struct, bcsc_pool, data, 0, 4)                                         \
  FIELD(struct, bcsc_pool, priv, 4, 48)                                        \
  TYPE(union, bcsc_task_link, 4, 4)                                            \
  FIELD(union, bcsc_task_link, run_next, 0, 4)                                 \
  FIELD(union, bcsc_task_link, waits, 0, 4)                                    \
  FIELD(union, bcsc_task_link, result, 0, 4)                                   \
  TYPE(struct, bcsc_task_private, 28, 4)                                       \
  FIELD(struct, bcsc_task_private, link, 0, 4)                                 \
  FIELD(struct, bcsc_task_private, scope, 4, 4)                                \
  FIELD(struct, bcsc_task_private, sibling_next, 8, 4)                         \
  FIELD(struct, bcsc_task_private, sibling_prev, 12, 4)                        \
  FIELD(struct, bcsc_task_private, scopes, 16, 4)                              \
  FIELD(struct, bcsc_task_private, state, 20, 2)                               \
  FIELD(struct, bcsc_task_private, magic, 22, 2)                               \
  FIELD(struct, bcsc_task_private, self_tag, 24, 4)                            \
  TYPE(struct, bcsc_task, 36, 4)                                               \
  FIELD(struct, bcsc_task, data, 0, 4)                                         \
  FIELD(struct, bcsc_task, poll, 4, 4)                                         \
  FIELD(struct, bcsc_task, priv, 8, 28)                                        \
  TYPE(struct, bcsc_barrier_private, 64, 4)                                    \
  FIELD(struct, bcsc_barrier_private, arrivals, 0, 32)                         \
  FIELD(struct, bcsc_barrier_private, generation, 32, 8)                       \
  FIELD(struct, bcsc_barrier_private, parties, 40, 4)                          \
  FIELD(struct, bcsc_barrier_private, reserved32, 44, 4)                       \
  FIELD(struct, bcsc_barrier_private, state, 48, 2)                            \
  FIELD(struct, bcsc_barrier_private, magic, 50, 2)                            \
  FIELD(struct, bcsc_barrier_private, self_tag, 52, 4)                         \
  FIELD(struct, bcsc_barrier_private, reserved, 56, 8)                         \
  TYPE(struct, bcsc_barrier, 68, 4)                                            \
  FIELD(struct, bcsc_barrier, data, 0, 4)                                      \
  FIELD(struct, bcsc_barrier, priv, 4, 64)                                     \
  TYPE(struct, bcsc_broadcast_private, 72, 4)                                  \
  FIELD(struct, bcsc_broadcast_private, readers, 0, 32)                        \
  FIELD(struct, bcsc_broadcast_private, buffer, 32, 4)                         \
  FIELD(struct, bcsc_broadcast_private, elem_size, 36, 4)                      \
  FIELD(struct, bcsc_broadcast_private, head, 40, 8)                           \
  FIELD(struct, bcsc_broadcast_private, capacity, 48, 4)                       \
  FIELD(struct, bcsc_broadcast_private, reserved32, 52, 4)                     \
  FIELD(struct, bcsc_broadcast_private, state, 56, 2)                          \
  FIELD(struct, bcsc_broadcast_private, magic, 58, 2)                          \
  FIELD(struct, bcsc_broadcast_private, self_tag, 60, 4)                       \
  FIELD(struct, bcsc_broadcast_private, reserved, 64, 8)                       \
  TYPE(struct, bcsc_broadcast, 76, 4)                                          \
  FIELD(struct, bcsc_broadcast, data, 0, 4)                                    \
  FIELD(struct, bcsc_broadcast, priv, 4, 72)                                   \
  TYPE(struct, bcsc_broadcast_receiver_private, 24, 4)                         \
  FIELD(struct, bcsc_broadcast_receiver_private, broadcast, 0, 4)              \
  FIELD(struct, bcsc_broadcast_receiver_private, next, 4, 8)                   \
  FIELD(struct, bcsc_broadcast_receiver_private, state, 12, 2)                 \
  FIELD(struct, bcsc_broadcast_receiver_private, magic, 14, 2)                 \
  FIELD(struct, bcsc_broadcast_receiver_private, self_tag, 16, 4)              \
  FIELD(struct, bcsc_broadcast_receiver_private, reserved, 20, 4)              \
  TYPE(struct, bcsc_broadcast_receiver, 28, 4)                                 \
  FIELD(struct, bcsc_broadcast_receiver, data, 0, 4)                           \
  FIELD(struct, bcsc_broadcast_receiver, priv, 4, 24)                          \
  TYPE(struct, bcsc_channel_private, 104, 4)                                   \
  FIELD(struct, bcsc_channel_private, receivers, 0, 32)                        \
  FIELD(struct, bcsc_channel_private, senders, 32, 32)                         \
  FIELD(struct, bcsc_channel_private, buffer, 64, 4)                           \
  FIELD(struct, bcsc_channel_private, elem_size, 68, 4)                        \
  FIELD(struct, bcsc_channel_private, capacity, 72, 4)                         \
  FIELD(struct, bcsc_channel_private, head, 76, 4)                             \
  FIELD(struct, bcsc_channel_private, count, 80, 4)                            \
  FIELD(struct, bcsc_channel_private, reserved32, 84, 4)                       \
  FIELD(struct, bcsc_channel_private, state, 88, 2)                            \
  FIELD(struct, bcsc_channel_private, magic, 90, 2)                            \
  FIELD(struct, bcsc_channel_private, self_tag, 92, 4)                         \
  FIELD(struct, bcsc_channel_private, reserved, 96, 8)                         \
  TYPE(struct, bcsc_channel, 108, 4)                                           \
  FIELD(struct, bcsc_channel, data, 0, 4)                                      \
  FIELD(struct, bcsc_channel, priv, 4, 104)                                    \
  TYPE(struct, bcsc_co, 8, 4)                                                  \
  FIELD(struct, bcsc_co, resume_point, 0, 4)                                   \
  FIELD(struct, bcsc_co, reserved, 4, 4)                                       \
  TYPE(struct, bcsc_context, 24, 4)                                            \
  FIELD(struct, bcsc_context, priv, 0, 12)                                     \
  FIELD(struct, bcsc_context, data, 12, 4)                                     \
  FIELD(struct, bcsc_context, value, 16, 4)                                    \
  FIELD(struct, bcsc_context, key, 20, 4)                                      \
  TYPE(struct, bcsc_event_private, 44, 4)                                      \
  FIELD(struct, bcsc_event_private, waiters, 0, 32)                            \
  FIELD(struct, bcsc_event_private, state, 32, 2)                              \
  FIELD(struct, bcsc_event_private, magic, 34, 2)                              \
  FIELD(struct, bcsc_event_private, reserved32, 36, 4)                         \
  FIELD(struct, bcsc_event_private, reserved, 40, 4)                           \
  TYPE(struct, bcsc_event, 48, 4)                                              \
  FIELD(struct, bcsc_event, data, 0, 4)                                        \
  FIELD(struct, bcsc_event, priv, 4, 44)                                       \
  TYPE(struct, bcsc_mutex_private, 52, 4)                                      \
  FIELD(struct, bcsc_mutex_private, waiters, 0, 32)                            \
  FIELD(struct, bcsc_mutex_private, owner, 32, 4)                              \
  FIELD(struct, bcsc_mutex_private, state, 36, 2)                              \
  FIELD(struct, bcsc_mutex_private, magic, 38, 2)                              \
  FIELD(struct, bcsc_mutex_private, self_tag, 40, 4)                           \
  FIELD(struct, bcsc_mutex_private, held_next, 44, 4)                          \
  FIELD(struct, bcsc_mutex_private, held_prev, 48, 4)                          \
  TYPE(struct, bcsc_mutex, 56, 4)                                              \
  FIELD(struct, bcsc_mutex, data, 0, 4)                                        \
  FIELD(struct, bcsc_mutex, priv, 4, 52)                                       \
  TYPE(struct, bcsc_oneshot_private, 56, 4)                                    \
  FIELD(struct, bcsc_oneshot_private, waiters, 0, 32)                          \
  FIELD(struct, bcsc_oneshot_private, buffer, 32, 4)                           \
  FIELD(struct, bcsc_oneshot_private, elem_size, 36, 4)                        \
  FIELD(struct, bcsc_oneshot_private, state, 40, 2)                            \
  FIELD(struct, bcsc_oneshot_private, magic, 42, 2)                            \
  FIELD(struct, bcsc_oneshot_private, reserved32, 44, 4)                       \
  FIELD(struct, bcsc_oneshot_private, reserved, 48, 8)                         \
  TYPE(struct, bcsc_oneshot, 60, 4)                                            \
  FIELD(struct, bcsc_oneshot, data, 0, 4)                                      \
  FIELD(struct, bcsc_oneshot, priv, 4, 56)                                     \
  TYPE(struct, bcsc_epoll_reactor_private, 104, 4)                             \
  FIELD(struct, bcsc_epoll_reactor_private, spin_ns, 0, 8)                     \
  FIELD(struct, bcsc_epoll_reactor_private, parks, 8, 8)                       \
  FIELD(struct, bcsc_epoll_reactor_private, polls, 16, 8)                      \
  FIELD(struct, bcsc_epoll_reactor_private, unparks_seen, 24, 8)               \
  FIELD(struct, bcsc_epoll_reactor_private, timer_deadline, 32, 8)             \
  FIELD(struct, bcsc_epoll_reactor_private, unparked, 40, 32)                  \
  FIELD(struct, bcsc_epoll_reactor_private, epoll_fd, 72, 4)                   \
  FIELD(struct, bcsc_epoll_reactor_private, wake_fd, 76, 4)                    \
  FIELD(struct, bcsc_epoll_reactor_private, timer_fd, 80, 4)                   \
  FIELD(struct, bcsc_epoll_reactor_private, pending, 84, 4)                    \
  FIELD(struct, bcsc_epoll_reactor_private, watches, 88, 4)                    \
  FIELD(struct, bcsc_epoll_reactor_private, magic, 92, 4)                      \
  FIELD(struct, bcsc_epoll_reactor_private, reserved, 96, 8)                   \
  TYPE(struct, bcsc_epoll_reactor, 112, 4)                                     \
  FIELD(struct, bcsc_epoll_reactor, base, 0, 8)                                \
  FIELD(struct, bcsc_epoll_reactor, priv, 8, 104)                              \
  TYPE(struct, bcsc_epoll_watch_private, 96, 4)                                \
  FIELD(struct, bcsc_epoll_watch_private, reactor, 0, 4)                       \
  FIELD(struct, bcsc_epoll_watch_private, readable, 4, 32)                     \
  FIELD(struct, bcsc_epoll_watch_private, writable, 36, 32)                    \
  FIELD(struct, bcsc_epoll_watch_private, self, 68, 4)                         \
  FIELD(struct, bcsc_epoll_watch_private, events, 72, 4)                       \
  FIELD(struct, bcsc_epoll_watch_private, armed, 76, 4)                        \
  FIELD(struct, bcsc_epoll_watch_private, fd, 80, 4)                           \
  FIELD(struct, bcsc_epoll_watch_private, state, 84, 2)                        \
  FIELD(struct, bcsc_epoll_watch_private, magic, 86, 2)                        \
  FIELD(struct, bcsc_epoll_watch_private, reserved, 88, 8)                     \
  TYPE(struct, bcsc_epoll_watch, 100, 4)                                       \
  FIELD(struct, bcsc_epoll_watch, data, 0, 4)                                  \
  FIELD(struct, bcsc_epoll_watch, priv, 4, 96)                                 \
  TYPE(struct, bcsc_posix_reactor_private, 80, 4)                              \
  FIELD(struct, bcsc_posix_reactor_private, spin_ns, 0, 8)                     \
  FIELD(struct, bcsc_posix_reactor_private, parks, 8, 8)                       \
  FIELD(struct, bcsc_posix_reactor_private, unparks_seen, 16, 8)               \
  FIELD(struct, bcsc_posix_reactor_private, unparked, 24, 32)                  \
  FIELD(struct, bcsc_posix_reactor_private, wake_fd, 56, 4)                    \
  FIELD(struct, bcsc_posix_reactor_private, wake_fd_write, 60, 4)              \
  FIELD(struct, bcsc_posix_reactor_private, pending, 64, 4)                    \
  FIELD(struct, bcsc_posix_reactor_private, magic, 68, 4)                      \
  FIELD(struct, bcsc_posix_reactor_private, reserved, 72, 8)                   \
  TYPE(struct, bcsc_posix_reactor, 88, 4)                                      \
  FIELD(struct, bcsc_posix_reactor, base, 0, 8)                                \
  FIELD(struct, bcsc_posix_reactor, priv, 8, 80)                               \
  TYPE(struct, bcsc_sim_reactor_private, 32, 4)                                \
  FIELD(struct, bcsc_sim_reactor_private, now, 0, 8)                           \
  FIELD(struct, bcsc_sim_reactor_private, parks, 8, 8)                         \
  FIELD(struct, bcsc_sim_reactor_private, unparked, 16, 4)                     \
  FIELD(struct, bcsc_sim_reactor_private, magic, 20, 4)                        \
  FIELD(struct, bcsc_sim_reactor_private, reserved, 24, 8)                     \
  TYPE(struct, bcsc_sim_reactor, 40, 4)                                        \
  FIELD(struct, bcsc_sim_reactor, base, 0, 8)                                  \
  FIELD(struct, bcsc_sim_reactor, priv, 8, 32)                                 \
  TYPE(struct, bcsc_spin_reactor_private, 36, 4)                               \
  FIELD(struct, bcsc_spin_reactor_private, clock, 0, 4)                        \
  FIELD(struct, bcsc_spin_reactor_private, relax, 4, 4)                        \
  FIELD(struct, bcsc_spin_reactor_private, context, 8, 4)                      \
  FIELD(struct, bcsc_spin_reactor_private, parks, 12, 8)                       \
  FIELD(struct, bcsc_spin_reactor_private, unparked, 20, 4)                    \
  FIELD(struct, bcsc_spin_reactor_private, magic, 24, 4)                       \
  FIELD(struct, bcsc_spin_reactor_private, reserved, 28, 8)                    \
  TYPE(struct, bcsc_spin_reactor, 44, 4)                                       \
  FIELD(struct, bcsc_spin_reactor, base, 0, 8)                                 \
  FIELD(struct, bcsc_spin_reactor, priv, 8, 36)                                \
  TYPE(struct, bcsc_uring_reactor_private, 192, 4)                             \
  FIELD(struct, bcsc_uring_reactor_private, spin_ns, 0, 8)                     \
  FIELD(struct, bcsc_uring_reactor_private, parks, 8, 8)                       \
  FIELD(struct, bcsc_uring_reactor_private, enters, 16, 8)                     \
  FIELD(struct, bcsc_uring_reactor_private, unparks_seen, 24, 8)               \
  FIELD(struct, bcsc_uring_reactor_private, completions, 32, 8)                \
  FIELD(struct, bcsc_uring_reactor_private, timeout_at, 40, 8)                 \
  FIELD(struct, bcsc_uring_reactor_private, timeout_ts, 48, 16)                \
  FIELD(struct, bcsc_uring_reactor_private, unparked, 64, 32)                  \
  FIELD(struct, bcsc_uring_reactor_private, sq_ring, 96, 4)                    \
  FIELD(struct, bcsc_uring_reactor_private, cq_ring, 100, 4)                   \
  FIELD(struct, bcsc_uring_reactor_private, sqes, 104, 4)                      \
  FIELD(struct, bcsc_uring_reactor_private, cqes, 108, 4)                      \
  FIELD(struct, bcsc_uring_reactor_private, sq_head, 112, 4)                   \
  FIELD(struct, bcsc_uring_reactor_private, sq_tail, 116, 4)                   \
  FIELD(struct, bcsc_uring_reactor_private, sq_array, 120, 4)                  \
  FIELD(struct, bcsc_uring_reactor_private, cq_head, 124, 4)                   \
  FIELD(struct, bcsc_uring_reactor_private, cq_tail, 128, 4)                   \
  FIELD(struct, bcsc_uring_reactor_private, owed, 132, 4)                      \
  FIELD(struct, bcsc_uring_reactor_private, sq_ring_size, 136, 4)              \
  FIELD(struct, bcsc_uring_reactor_private, cq_ring_size, 140, 4)              \
  FIELD(struct, bcsc_uring_reactor_private, sq_mask, 144, 4)                   \
  FIELD(struct, bcsc_uring_reactor_private, sq_entries, 148, 4)                \
  FIELD(struct, bcsc_uring_reactor_private, cq_mask, 152, 4)                   \
  FIELD(struct, bcsc_uring_reactor_private, in_flight, 156, 4)                 \
  FIELD(struct, bcsc_uring_reactor_private, features, 160, 4)                  \
  FIELD(struct, bcsc_uring_reactor_private, flags, 164, 4)                     \
  FIELD(struct, bcsc_uring_reactor_private, timeout_gen, 168, 4)               \
  FIELD(struct, bcsc_uring_reactor_private, ring_fd, 172, 4)                   \
  FIELD(struct, bcsc_uring_reactor_private, wake_fd, 176, 4)                   \
  FIELD(struct, bcsc_uring_reactor_private, pending, 180, 4)                   \
  FIELD(struct, bcsc_uring_reactor_private, magic, 184, 4)                     \
  FIELD(struct, bcsc_uring_reactor_private, reserved, 188, 4)                  \
  TYPE(struct, bcsc_uring_reactor, 200, 4)                                     \
  FIELD(struct, bcsc_uring_reactor, base, 0, 8)                                \
  FIELD(struct, bcsc_uring_reactor, priv, 8, 192)                              \
  TYPE(struct, bcsc_uring_op_private, 68, 4)                                   \
  FIELD(struct, bcsc_uring_op_private, reactor, 0, 4)                          \
  FIELD(struct, bcsc_uring_op_private, owed_next, 4, 4)                        \
  FIELD(struct, bcsc_uring_op_private, queue, 8, 32)                           \
  FIELD(struct, bcsc_uring_op_private, self, 40, 4)                            \
  FIELD(struct, bcsc_uring_op_private, result, 44, 4)                          \
  FIELD(struct, bcsc_uring_op_private, cqe_flags, 48, 4)                       \
  FIELD(struct, bcsc_uring_op_private, state, 52, 2)                           \
  FIELD(struct, bcsc_uring_op_private, magic, 54, 2)                           \
  FIELD(struct, bcsc_uring_op_private, opcode, 56, 2)                          \
  FIELD(struct, bcsc_uring_op_private, cancel, 58, 2)                          \
  FIELD(struct, bcsc_uring_op_private, reserved, 60, 8)                        \
  TYPE(struct, bcsc_uring_op, 72, 4)                                           \
  FIELD(struct, bcsc_uring_op, data, 0, 4)                                     \
  FIELD(struct, bcsc_uring_op, priv, 4, 68)                                    \
  TYPE(struct, bcsc_remote_task_private, 32, 4)                                \
  FIELD(struct, bcsc_remote_task_private, parent, 0, 4)                        \
  FIELD(struct, bcsc_remote_task_private, parent_next, 4, 4)                   \
  FIELD(struct, bcsc_remote_task_private, parent_prev, 8, 4)                   \
  FIELD(struct, bcsc_remote_task_private, remote, 12, 4)                       \
  FIELD(struct, bcsc_remote_task_private, relay_next, 16, 4)                   \
  FIELD(struct, bcsc_remote_task_private, flags, 20, 4)                        \
  FIELD(struct, bcsc_remote_task_private, state, 24, 2)                        \
  FIELD(struct, bcsc_remote_task_private, magic, 26, 2)                        \
  FIELD(struct, bcsc_remote_task_private, reserved, 28, 4)                     \
  TYPE(struct, bcsc_remote_task, 68, 4)                                        \
  FIELD(struct, bcsc_remote_task, task, 0, 36)                                 \
  FIELD(struct, bcsc_remote_task, priv, 36, 32)                                \
  TYPE(struct, bcsc_select_private, 20, 4)                                     \
  FIELD(struct, bcsc_select_private, self, 0, 4)                               \
  FIELD(struct, bcsc_select_private, branches, 4, 4)                           \
  FIELD(struct, bcsc_select_private, winner, 8, 4)                             \
  FIELD(struct, bcsc_select_private, result, 12, 4)                            \
  FIELD(struct, bcsc_select_private, state, 16, 2)                             \
  FIELD(struct, bcsc_select_private, magic, 18, 2)                             \
  TYPE(struct, bcsc_select, 24, 4)                                             \
  FIELD(struct, bcsc_select, data, 0, 4)                                       \
  FIELD(struct, bcsc_select, priv, 4, 20)                                      \
  TYPE(struct, bcsc_semaphore_private, 56, 4)                                  \
  FIELD(struct, bcsc_semaphore_private, waiters, 0, 32)                        \
  FIELD(struct, bcsc_semaphore_private, available, 32, 4)                      \
  FIELD(struct, bcsc_semaphore_private, granted, 36, 4)                        \
  FIELD(struct, bcsc_semaphore_private, state, 40, 2)                          \
  FIELD(struct, bcsc_semaphore_private, magic, 42, 2)                          \
  FIELD(struct, bcsc_semaphore_private, self_tag, 44, 4)                       \
  FIELD(struct, bcsc_semaphore_private, next_place, 48, 4)                     \
  FIELD(struct, bcsc_semaphore_private, reserved, 52, 4)                       \
  TYPE(struct, bcsc_semaphore, 60, 4)                                          \
  FIELD(struct, bcsc_semaphore, data, 0, 4)                                    \
  FIELD(struct, bcsc_semaphore, priv, 4, 56)                                   \
  TYPE(struct, bcsc_semaphore_waiter_private, 48, 4)                           \
  FIELD(struct, bcsc_semaphore_waiter_private, wait, 0, 36)                    \
  FIELD(struct, bcsc_semaphore_waiter_private, permits, 36, 4)                 \
  FIELD(struct, bcsc_semaphore_waiter_private, place, 40, 4)                   \
  FIELD(struct, bcsc_semaphore_waiter_private, reserved, 44, 4)                \
  TYPE(struct, bcsc_semaphore_waiter, 52, 4)                                   \
  FIELD(struct, bcsc_semaphore_waiter, data, 0, 4)                             \
  FIELD(struct, bcsc_semaphore_waiter, priv, 4, 48)                            \
  TYPE(struct, bcsc_start_private, 116, 4)                                     \
  FIELD(struct, bcsc_start_private, scope, 0, 92)                              \
  FIELD(struct, bcsc_start_private, target, 92, 4)                             \
  FIELD(struct, bcsc_start_private, child, 96, 4)                              \
  FIELD(struct, bcsc_start_private, state, 100, 4)                             \
  FIELD(struct, bcsc_start_private, reserved32, 104, 4)                        \
  FIELD(struct, bcsc_start_private, reserved, 108, 8)                          \
  TYPE(struct, bcsc_start, 124, 4)                                             \
  FIELD(struct, bcsc_start, data, 0, 4)                                        \
  FIELD(struct, bcsc_start, value, 4, 4)                                       \
  FIELD(struct, bcsc_start, priv, 8, 116)                                      \
  TYPE(struct, bcsc_stream_private, 68, 4)                                     \
  FIELD(struct, bcsc_stream_private, wait, 0, 36)                              \
  FIELD(struct, bcsc_stream_private, source, 36, 4)                            \
  FIELD(struct, bcsc_stream_private, items, 40, 8)                             \
  FIELD(struct, bcsc_stream_private, lagged, 48, 8)                            \
  FIELD(struct, bcsc_stream_private, kind, 56, 2)                              \
  FIELD(struct, bcsc_stream_private, state, 58, 2)                             \
  FIELD(struct, bcsc_stream_private, magic, 60, 2)                             \
  FIELD(struct, bcsc_stream_private, reserved16, 62, 2)                        \
  FIELD(struct, bcsc_stream_private, reserved, 64, 4)                          \
  TYPE(struct, bcsc_stream, 72, 4)                                             \
  FIELD(struct, bcsc_stream, data, 0, 4)                                       \
  FIELD(struct, bcsc_stream, priv, 4, 68)                                      \
  TYPE(struct, bcsc_supervised_private, 128, 4)                                \
  FIELD(struct, bcsc_supervised_private, scope, 0, 92)                         \
  FIELD(struct, bcsc_supervised_private, child, 92, 4)                         \
  FIELD(struct, bcsc_supervised_private, restart, 96, 4)                       \
  FIELD(struct, bcsc_supervised_private, context, 100, 4)                      \
  FIELD(struct, bcsc_supervised_private, policy, 104, 4)                       \
  FIELD(struct, bcsc_supervised_private, max_restarts, 108, 4)                 \
  FIELD(struct, bcsc_supervised_private, restarts, 112, 4)                     \
  FIELD(struct, bcsc_supervised_private, failures, 116, 4)                     \
  FIELD(struct, bcsc_supervised_private, last_error, 120, 4)                   \
  FIELD(struct, bcsc_supervised_private, state, 124, 4)                        \
  TYPE(struct, bcsc_supervised, 164, 4)                                        \
  FIELD(struct, bcsc_supervised, task, 0, 36)                                  \
  FIELD(struct, bcsc_supervised, priv, 36, 128)                                \
  TYPE(struct, bcsc_watch_private, 64, 4)                                      \
  FIELD(struct, bcsc_watch_private, waiters, 0, 32)                            \
  FIELD(struct, bcsc_watch_private, buffer, 32, 4)                             \
  FIELD(struct, bcsc_watch_private, elem_size, 36, 4)                          \
  FIELD(struct, bcsc_watch_private, version, 40, 8)                            \
  FIELD(struct, bcsc_watch_private, state, 48, 2)                              \
  FIELD(struct, bcsc_watch_private, magic, 50, 2)                              \
  FIELD(struct, bcsc_watch_private, reserved32, 52, 4)                         \
  FIELD(struct, bcsc_watch_private, reserved, 56, 8)                           \
  TYPE(struct, bcsc_watch, 68, 4)                                              \
  FIELD(struct, bcsc_watch, data, 0, 4)                                        \
  FIELD(struct, bcsc_watch, priv, 4, 64)

/* abi/layout/x86_64.txt */
#define BCSC_LAYOUT_X86_64(TYPE, FIELD)                                        \
  TYPE(struct, bcsc_attach_private, 16, 8)                                     \
  FIELD(struct, bcsc_attach_private, next, 0, 8)                               \
  FIELD(struct, bcsc_attach_private, state, 8, 1)                              \
  FIELD(struct, bcsc_attach_private, kind, 9, 1)                               \
  FIELD(struct, bcsc_attach_private, magic, 10, 2)                             \
  FIELD(struct, bcsc_attach_private, self_tag, 12, 4)                          \
  TYPE(struct, bcsc_reactor_vtable, 32, 8)                                     \
  FIELD(struct, bcsc_reactor_vtable, size, 0, 4)                               \
  FIELD(struct, bcsc_reactor_vtable, version, 4, 4)                            \
  FIELD(struct, bcsc_reactor_vtable, now, 8, 8)                                \
  FIELD(struct, bcsc_reactor_vtable, park, 16, 8)                              \
  FIELD(struct, bcsc_reactor_vtable, unpark, 24, 8)                            \
  TYPE(struct, bcsc_reactor, 16, 8)                                            \
  FIELD(struct, bcsc_reactor, vtable, 0, 8)                                    \
  FIELD(struct, bcsc_reactor, data, 8, 8)                                      \
  TYPE(struct, bcsc_wait_link, 16, 8)                                          \
  FIELD(struct, bcsc_wait_link, next, 0, 8)                                    \
  FIELD(struct, bcsc_wait_link, prev, 8, 8)                                    \
  TYPE(struct, bcsc_wait_private, 48, 8)                                       \
  FIELD(struct, bcsc_wait_private, queue, 0, 16)                               \
  FIELD(struct, bcsc_wait_private, task, 16, 8)                                \
  FIELD(struct, bcsc_wait_private, task_next, 24, 8)                           \
  FIELD(struct, bcsc_wait_private, task_pprev, 32, 8)                          \
  FIELD(struct, bcsc_wait_private, state, 40, 2)                               \
  FIELD(struct, bcsc_wait_private, magic, 42, 2)                               \
  FIELD(struct, bcsc_wait_private, self_tag, 44, 4)                            \
  TYPE(struct, bcsc_wait, 64, 8)                                               \
  FIELD(struct, bcsc_wait, data, 0, 8)                                         \
  FIELD(struct, bcsc_wait, value, 8, 8)                                        \
  FIELD(struct, bcsc_wait, priv, 16, 48)                                       \
  TYPE(struct, bcsc_waitq_private, 48, 8)                                      \
  FIELD(struct, bcsc_waitq_private, waiters, 0, 16)                            \
  FIELD(struct, bcsc_waitq_private, state, 16, 2)                              \
  FIELD(struct, bcsc_waitq_private, magic, 18, 2)                              \
  FIELD(struct, bcsc_waitq_private, self_tag, 20, 4)                           \
  FIELD(struct, bcsc_waitq_private, batons, 24, 8)                             \
  FIELD(struct, bcsc_waitq_private, reserved, 32, 16)                          \
  TYPE(struct, bcsc_waitq, 56, 8)                                              \
  FIELD(struct, bcsc_waitq, data, 0, 8)                                        \
  FIELD(struct, bcsc_waitq, priv, 8, 48)                                       \
  TYPE(struct, bcsc_timer_link, 32, 8)                                         \
  FIELD(struct, bcsc_timer_link, next, 0, 8)                                   \
  FIELD(struct, bcsc_timer_link, prev, 8, 8)                                   \
  FIELD(struct, bcsc_timer_link, deadline, 16, 8)                              \
  FIELD(struct, bcsc_timer_link, slot, 24, 2)                                  \
  FIELD(struct, bcsc_timer_link, kind, 26, 2)                                  \
  FIELD(struct, bcsc_timer_link, linked, 28, 4)                                \
  TYPE(struct, bcsc_timer_private, 128, 8)                                     \
  FIELD(struct, bcsc_timer_private, wait, 0, 64)                               \
  FIELD(struct, bcsc_timer_private, link, 64, 32)                              \
  FIELD(struct, bcsc_timer_private, period, 96, 8)                             \
  FIELD(struct, bcsc_timer_private, missed_total, 104, 8)                      \
  FIELD(struct, bcsc_timer_private, missed, 112, 4)                            \
  FIELD(struct, bcsc_timer_private, policy, 116, 2)                            \
  FIELD(struct, bcsc_timer_private, state, 118, 2)                             \
  FIELD(struct, bcsc_timer_private, reserved, 120, 8)                          \
  TYPE(struct, bcsc_timer, 136, 8)                                             \
  FIELD(struct, bcsc_timer, data, 0, 8)                                        \
  FIELD(struct, bcsc_timer, priv, 8, 128)                                      \
  TYPE(struct, bcsc_scope_private, 128, 8)                                     \
  FIELD(struct, bcsc_scope_private, executor, 0, 8)                            \
  FIELD(struct, bcsc_scope_private, owner, 8, 8)                               \
  FIELD(struct, bcsc_scope_private, outer, 16, 8)                              \
  FIELD(struct, bcsc_scope_private, head, 24, 8)                               \
  FIELD(struct, bcsc_scope_private, tail, 32, 8)                               \
  FIELD(struct, bcsc_scope_private, live, 40, 4)                               \
  FIELD(struct, bcsc_scope_private, policy, 44, 2)                             \
  FIELD(struct, bcsc_scope_private, flags, 46, 2)                              \
  FIELD(struct, bcsc_scope_private, state, 48, 2)                              \
  FIELD(struct, bcsc_scope_private, magic, 50, 2)                              \
  FIELD(struct, bcsc_scope_private, self_tag, 52, 4)                           \
  FIELD(struct, bcsc_scope_private, first_error, 56, 4)                        \
  FIELD(struct, bcsc_scope_private, error_count, 60, 4)                        \
  FIELD(struct, bcsc_scope_private, kept_result, 64, 4)                        \
  FIELD(struct, bcsc_scope_private, linked, 68, 4)                             \
  FIELD(struct, bcsc_scope_private, deadline, 72, 32)                          \
  FIELD(struct, bcsc_scope_private, race_winner, 104, 8)                       \
  FIELD(struct, bcsc_scope_private, remote_head, 112, 8)                       \
  FIELD(struct, bcsc_scope_private, attachments, 120, 8)                       \
  TYPE(struct, bcsc_child_error, 16, 8)                                        \
  FIELD(struct, bcsc_child_error, task, 0, 8)                                  \
  FIELD(struct, bcsc_child_error, error, 8, 4)                                 \
  FIELD(struct, bcsc_child_error, cancelled, 12, 4)                            \
  TYPE(struct, bcsc_drain_grace_private, 24, 8)                                \
  FIELD(struct, bcsc_drain_grace_private, node, 0, 16)                         \
  FIELD(struct, bcsc_drain_grace_private, kept, 16, 8)                         \
  TYPE(struct, bcsc_drain_grace, 48, 8)                                        \
  FIELD(struct, bcsc_drain_grace, priv, 0, 24)                                 \
  FIELD(struct, bcsc_drain_grace, period, 24, 8)                               \
  FIELD(struct, bcsc_drain_grace, report, 32, 8)                               \
  FIELD(struct, bcsc_drain_grace, context, 40, 8)                              \
  TYPE(struct, bcsc_error_list, 32, 8)                                         \
  FIELD(struct, bcsc_error_list, priv, 0, 16)                                  \
  FIELD(struct, bcsc_error_list, list, 16, 8)                                  \
  FIELD(struct, bcsc_error_list, capacity, 24, 4)                              \
  TYPE(struct, bcsc_scope, 136, 8)                                             \
  FIELD(struct, bcsc_scope, data, 0, 8)                                        \
  FIELD(struct, bcsc_scope, priv, 8, 128)                                      \
  TYPE(struct, bcsc_waker, 16, 8)                                              \
  FIELD(struct, bcsc_waker, executor, 0, 8)                                    \
  FIELD(struct, bcsc_waker, slot, 8, 4)                                        \
  FIELD(struct, bcsc_waker, generation, 12, 4)                                 \
  TYPE(union, bcsc_waker_slot_owner, 8, 8)                                     \
  FIELD(union, bcsc_waker_slot_owner, task, 0, 8)                              \
  FIELD(union, bcsc_waker_slot_owner, free_next, 0, 8)                         \
  TYPE(struct, bcsc_waker_slot_private, 16, 8)                                 \
  FIELD(struct, bcsc_waker_slot_private, owner, 0, 8)                          \
  FIELD(struct, bcsc_waker_slot_private, state, 8, 4)                          \
  FIELD(struct, bcsc_waker_slot_private, inbox_next, 12, 4)                    \
  TYPE(struct, bcsc_waker_slot, 16, 8)                                         \
  FIELD(struct, bcsc_waker_slot, priv, 0, 16)                                  \
  TYPE(struct, bcsc_executor_config, 48, 8)                                    \
  FIELD(struct, bcsc_executor_config, size, 0, 4)                              \
  FIELD(struct, bcsc_executor_config, flags, 4, 4)                             \
  FIELD(struct, bcsc_executor_config, reactor, 8, 8)                           \
  FIELD(struct, bcsc_executor_config, pender, 16, 8)                           \
  FIELD(struct, bcsc_executor_config, pender_context, 24, 8)                   \
  FIELD(struct, bcsc_executor_config, waker_slots, 32, 8)                      \
  FIELD(struct, bcsc_executor_config, waker_slot_count, 40, 4)                 \
  FIELD(struct, bcsc_executor_config, reserved0, 44, 4)                        \
  TYPE(struct, bcsc_executor_statistics, 96, 8)                                \
  FIELD(struct, bcsc_executor_statistics, size, 0, 4)                          \
  FIELD(struct, bcsc_executor_statistics, reserved0, 4, 4)                     \
  FIELD(struct, bcsc_executor_statistics, polls, 8, 8)                         \
  FIELD(struct, bcsc_executor_statistics, wakes, 16, 8)                        \
  FIELD(struct, bcsc_executor_statistics, spawns, 24, 8)                       \
  FIELD(struct, bcsc_executor_statistics, completions, 32, 8)                  \
  FIELD(struct, bcsc_executor_statistics, cancels, 40, 8)                      \
  FIELD(struct, bcsc_executor_statistics, timers_fired, 48, 8)                 \
  FIELD(struct, bcsc_executor_statistics, parks, 56, 8)                        \
  FIELD(struct, bcsc_executor_statistics, wakes_received, 64, 8)               \
  FIELD(struct, bcsc_executor_statistics, wakes_stale, 72, 8)                  \
  FIELD(struct, bcsc_executor_statistics, wakes_delivered, 80, 8)              \
  FIELD(struct, bcsc_executor_statistics, waker_notifies, 88, 8)               \
  TYPE(struct, bcsc_executor_private, 3544, 8)                                 \
  FIELD(struct, bcsc_executor_private, polls, 0, 8)                            \
  FIELD(struct, bcsc_executor_private, wakes, 8, 8)                            \
  FIELD(struct, bcsc_executor_private, spawns, 16, 8)                          \
  FIELD(struct, bcsc_executor_private, completions, 24, 8)                     \
  FIELD(struct, bcsc_executor_private, cancels, 32, 8)                         \
  FIELD(struct, bcsc_executor_private, timers_fired, 40, 8)                    \
  FIELD(struct, bcsc_executor_private, parks, 48, 8)                           \
  FIELD(struct, bcsc_executor_private, wakes_received, 56, 8)                  \
  FIELD(struct, bcsc_executor_private, wakes_stale, 64, 8)                     \
  FIELD(struct, bcsc_executor_private, wakes_delivered, 72, 8)                 \
  FIELD(struct, bcsc_executor_private, waker_notifies, 80, 8)                  \
  FIELD(struct, bcsc_executor_private, wheel_time, 88, 8)                      \
  FIELD(struct, bcsc_executor_private, next_deadline, 96, 8)                   \
  FIELD(struct, bcsc_executor_private, occupied, 104, 48)                      \
  FIELD(struct, bcsc_executor_private, run_head, 152, 8)                       \
  FIELD(struct, bcsc_executor_private, run_tail, 160, 8)                       \
  FIELD(struct, bcsc_executor_private, current, 168, 8)                        \
  FIELD(struct, bcsc_executor_private, state, 176, 2)                          \
  FIELD(struct, bcsc_executor_private, magic, 178, 2)                          \
  FIELD(struct, bcsc_executor_private, self_tag, 180, 4)                       \
  FIELD(struct, bcsc_executor_private, ready, 184, 4)                          \
  FIELD(struct, bcsc_executor_private, next_slot, 188, 4)                      \
  FIELD(struct, bcsc_executor_private, timers, 192, 4)                         \
  FIELD(struct, bcsc_executor_private, wheel_exact, 196, 4)                    \
  FIELD(struct, bcsc_executor_private, reactor, 200, 8)                        \
  FIELD(struct, bcsc_executor_private, pender, 208, 8)                         \
  FIELD(struct, bcsc_executor_private, pender_context, 216, 8)                 \
  FIELD(struct, bcsc_executor_private, root, 224, 136)                         \
  FIELD(struct, bcsc_executor_private, wheel, 360, 3072)                       \
  FIELD(struct, bcsc_executor_private, wheel_due, 3432, 8)                     \
  FIELD(struct, bcsc_executor_private, batons, 3440, 8)                        \
  FIELD(struct, bcsc_executor_private, waker_slots, 3448, 8)                   \
  FIELD(struct, bcsc_executor_private, waker_slot_count, 3456, 4)              \
  FIELD(struct, bcsc_executor_private, waker_free_head, 3460, 4)               \
  FIELD(struct, bcsc_executor_private, waker_free_tail, 3464, 4)               \
  FIELD(struct, bcsc_executor_private, waker_held, 3468, 4)                    \
  FIELD(struct, bcsc_executor_private, inbox_head, 3472, 4)                    \
  FIELD(struct, bcsc_executor_private, inbox_sleep, 3476, 4)                   \
  FIELD(struct, bcsc_executor_private, inbox_received, 3480, 4)                \
  FIELD(struct, bcsc_executor_private, inbox_stale, 3484, 4)                   \
  FIELD(struct, bcsc_executor_private, inbox_notifies, 3488, 4)                \
  FIELD(struct, bcsc_executor_private, relay_pins, 3492, 4)                    \
  FIELD(struct, bcsc_executor_private, held_mutexes, 3496, 8)                  \
  FIELD(struct, bcsc_executor_private, owner_thread, 3504, 8)                  \
  FIELD(struct, bcsc_executor_private, relay_head, 3512, 8)                    \
  FIELD(struct, bcsc_executor_private, reserved, 3520, 24)                     \
  TYPE(struct, bcsc_executor, 3552, 8)                                         \
  FIELD(struct, bcsc_executor, data, 0, 8)                                     \
  FIELD(struct, bcsc_executor, priv, 8, 3544)                                  \
  TYPE(struct, bcsc_pool_private, 72, 8)                                       \
  FIELD(struct, bcsc_pool_private, memory, 0, 8)                               \
  FIELD(struct, bcsc_pool_private, stride, 8, 8)                               \
  FIELD(struct, bcsc_pool_private, frame_size, 16, 8)                          \
  FIELD(struct, bcsc_pool_private, free_head, 24, 8)                           \
  FIELD(struct, bcsc_pool_private, capacity, 32, 4)                            \
  FIELD(struct, bcsc_pool_private, available, 36, 4)                           \
  FIELD(struct, bcsc_pool_private, flags, 40, 4)                               \
  FIELD(struct, bcsc_pool_private, state, 44, 2)                               \
  FIELD(struct, bcsc_pool_private, magic, 46, 2)                               \
  FIELD(struct, bcsc_pool_private, self_tag, 48, 4)                            \
  FIELD(struct, bcsc_pool_private, reserved32, 52, 4)                          \
  FIELD(struct, bcsc_pool_private, reserved, 56, 16)                           \
  TYPE(struct, bcsc_pool, 80, 8)                                               \
  FIELD(struct, bcsc_pool, data, 0, 8)                                         \
  FIELD(struct, bcsc_pool, priv, 8, 72)                                        \
  TYPE(union, bcsc_task_link, 8, 8)                                            \
  FIELD(union, bcsc_task_link, run_next, 0, 8)                                 \
  FIELD(union, bcsc_task_link, waits, 0, 8)                                    \
  FIELD(union, bcsc_task_link, result, 0, 8)                                   \
  TYPE(struct, bcsc_task_private, 48, 8)                                       \
  FIELD(struct, bcsc_task_private, link, 0, 8)                                 \
  FIELD(struct, bcsc_task_private, scope, 8, 8)                                \
  FIELD(struct, bcsc_task_private, sibling_next, 16, 8)                        \
  FIELD(struct, bcsc_task_private, sibling_prev, 24, 8)                        \
  FIELD(struct, bcsc_task_private, scopes, 32, 8)                              \
  FIELD(struct, bcsc_task_private, state, 40, 2)                               \
  FIELD(struct, bcsc_task_private, magic, 42, 2)                               \
  FIELD(struct, bcsc_task_private, self_tag, 44, 4)                            \
  TYPE(struct, bcsc_task, 64, 8)                                               \
  FIELD(struct, bcsc_task, data, 0, 8)                                         \
  FIELD(struct, bcsc_task, poll, 8, 8)                                         \
  FIELD(struct, bcsc_task, priv, 16, 48)                                       \
  TYPE(struct, bcsc_barrier_private, 96, 8)                                    \
  FIELD(struct, bcsc_barrier_private, arrivals, 0, 56)                         \
  FIELD(struct, bcsc_barrier_private, generation, 56, 8)                       \
  FIELD(struct, bcsc_barrier_private, parties, 64, 4)                          \
  FIELD(struct, bcsc_barrier_private, reserved32, 68, 4)                       \
  FIELD(struct, bcsc_barrier_private, state, 72, 2)                            \
  FIELD(struct, bcsc_barrier_private, magic, 74, 2)                            \
  FIELD(struct, bcsc_barrier_private, self_tag, 76, 4)                         \
  FIELD(struct, bcsc_barrier_private, reserved, 80, 16)                        \
  TYPE(struct, bcsc_barrier, 104, 8)                                           \
  FIELD(struct, bcsc_barrier, data, 0, 8)                                      \
  FIELD(struct, bcsc_barrier, priv, 8, 96)                                     \
  TYPE(struct, bcsc_broadcast_private, 112, 8)                                 \
  FIELD(struct, bcsc_broadcast_private, readers, 0, 56)                        \
  FIELD(struct, bcsc_broadcast_private, buffer, 56, 8)                         \
  FIELD(struct, bcsc_broadcast_private, elem_size, 64, 8)                      \
  FIELD(struct, bcsc_broadcast_private, head, 72, 8)                           \
  FIELD(struct, bcsc_broadcast_private, capacity, 80, 4)                       \
  FIELD(struct, bcsc_broadcast_private, reserved32, 84, 4)                     \
  FIELD(struct, bcsc_broadcast_private, state, 88, 2)                          \
  FIELD(struct, bcsc_broadcast_private, magic, 90, 2)                          \
  FIELD(struct, bcsc_broadcast_private, self_tag, 92, 4)                       \
  FIELD(struct, bcsc_broadcast_private, reserved, 96, 16)                      \
  TYPE(struct, bcsc_broadcast, 120, 8)                                         \
  FIELD(struct, bcsc_broadcast, data, 0, 8)                                    \
  FIELD(struct, bcsc_broadcast, priv, 8, 112)                                  \
  TYPE(struct, bcsc_broadcast_receiver_private, 32, 8)                         \
  FIELD(struct, bcsc_broadcast_receiver_private, broadcast, 0, 8)              \
  FIELD(struct, bcsc_broadcast_receiver_private, next, 8, 8)                   \
  FIELD(struct, bcsc_broadcast_receiver_private, state, 16, 2)                 \
  FIELD(struct, bcsc_broadcast_receiver_private, magic, 18, 2)                 \
  FIELD(struct, bcsc_broadcast_receiver_private, self_tag, 20, 4)              \
  FIELD(struct, bcsc_broadcast_receiver_private, reserved, 24, 8)              \
  TYPE(struct, bcsc_broadcast_receiver, 40, 8)                                 \
  FIELD(struct, bcsc_broadcast_receiver, data, 0, 8)                           \
  FIELD(struct, bcsc_broadcast_receiver, priv, 8, 32)                          \
  TYPE(struct, bcsc_channel_private, 168, 8)                                   \
  FIELD(struct, bcsc_channel_private, receivers, 0, 56)                        \
  FIELD(struct, bcsc_channel_private, senders, 56, 56)                         \
  FIELD(struct, bcsc_channel_private, buffer, 112, 8)                          \
  FIELD(struct, bcsc_channel_private, elem_size, 120, 8)                       \
  FIELD(struct, bcsc_channel_private, capacity, 128, 4)                        \
  FIELD(struct, bcsc_channel_private, head, 132, 4)                            \
  FIELD(struct, bcsc_channel_private, count, 136, 4)                           \
  FIELD(struct, bcsc_channel_private, reserved32, 140, 4)                      \
  FIELD(struct, bcsc_channel_private, state, 144, 2)                           \
  FIELD(struct, bcsc_channel_private, magic, 146, 2)                           \
  FIELD(struct, bcsc_channel_private, self_tag, 148, 4)                        \
  FIELD(struct, bcsc_channel_private, reserved, 152, 16)                       \
  TYPE(struct, bcsc_channel, 176, 8)                                           \
  FIELD(struct, bcsc_channel, data, 0, 8)                                      \
  FIELD(struct, bcsc_channel, priv, 8, 168)                                    \
  TYPE(struct, bcsc_co, 8, 4)                                                  \
  FIELD(struct, bcsc_co, resume_point, 0, 4)                                   \
  FIELD(struct, bcsc_co, reserved, 4, 4)                                       \
  TYPE(struct, bcsc_context, 40, 8)                                            \
  FIELD(struct, bcsc_context, priv, 0, 16)                                     \
  FIELD(struct, bcsc_context, data, 16, 8)                                     \
  FIELD(struct, bcsc_context, value, 24, 8)                                    \
  FIELD(struct, bcsc_context, key, 32, 4)                                      \
  TYPE(struct, bcsc_event_private, 72, 8)                                      \
  FIELD(struct, bcsc_event_private, waiters, 0, 56)                            \
  FIELD(struct, bcsc_event_private, state, 56, 2)                              \
  FIELD(struct, bcsc_event_private, magic, 58, 2)                              \
  FIELD(struct, bcsc_event_private, reserved32, 60, 4)                         \
  FIELD(struct, bcsc_event_private, reserved, 64, 8)                           \
  TYPE(struct, bcsc_event, 80, 8)                                              \
  FIELD(struct, bcsc_event, data, 0, 8)                                        \
  FIELD(struct, bcsc_event, priv, 8, 72)                                       \
  TYPE(struct, bcsc_mutex_private, 88, 8)                                      \
  FIELD(struct, bcsc_mutex_private, waiters, 0, 56)                            \
  FIELD(struct, bcsc_mutex_private, owner, 56, 8)                              \
  FIELD(struct, bcsc_mutex_private, state, 64, 2)                              \
  FIELD(struct, bcsc_mutex_private, magic, 66, 2)                              \
  FIELD(struct, bcsc_mutex_private, self_tag, 68, 4)                           \
  FIELD(struct, bcsc_mutex_private, held_next, 72, 8)                          \
  FIELD(struct, bcsc_mutex_private, held_prev, 80, 8)                          \
  TYPE(struct, bcsc_mutex, 96, 8)                                              \
  FIELD(struct, bcsc_mutex, data, 0, 8)                                        \
  FIELD(struct, bcsc_mutex, priv, 8, 88)                                       \
  TYPE(struct, bcsc_oneshot_private, 96, 8)                                    \
  FIELD(struct, bcsc_oneshot_private, waiters, 0, 56)                          \
  FIELD(struct, bcsc_oneshot_private, buffer, 56, 8)                           \
  FIELD(struct, bcsc_oneshot_private, elem_size, 64, 8)                        \
  FIELD(struct, bcsc_oneshot_private, state, 72, 2)                            \
  FIELD(struct, bcsc_oneshot_private, magic, 74, 2)                            \
  FIELD(struct, bcsc_oneshot_private, reserved32, 76, 4)                       \
  FIELD(struct, bcsc_oneshot_private, reserved, 80, 16)                        \
  TYPE(struct, bcsc_oneshot, 104, 8)                                           \
  FIELD(struct, bcsc_oneshot, data, 0, 8)                                      \
  FIELD(struct, bcsc_oneshot, priv, 8, 96)                                     \
  TYPE(struct, bcsc_epoll_reactor_private, 136, 8)                             \
  FIELD(struct, bcsc_epoll_reactor_private, spin_ns, 0, 8)                     \
  FIELD(struct, bcsc_epoll_reactor_private, parks, 8, 8)                       \
  FIELD(struct, bcsc_epoll_reactor_private, polls, 16, 8)                      \
  FIELD(struct, bcsc_epoll_reactor_private, unparks_seen, 24, 8)               \
  FIELD(struct, bcsc_epoll_reactor_private, timer_deadline, 32, 8)             \
  FIELD(struct, bcsc_epoll_reactor_private, unparked, 40, 56)                  \
  FIELD(struct, bcsc_epoll_reactor_private, epoll_fd, 96, 4)                   \
  FIELD(struct, bcsc_epoll_reactor_private, wake_fd, 100, 4)                   \
  FIELD(struct, bcsc_epoll_reactor_private, timer_fd, 104, 4)                  \
  FIELD(struct, bcsc_epoll_reactor_private, pending, 108, 4)                   \
  FIELD(struct, bcsc_epoll_reactor_private, watches, 112, 4)                   \
  FIELD(struct, bcsc_epoll_reactor_private, magic, 116, 4)                     \
  FIELD(struct, bcsc_epoll_reactor_private, reserved, 120, 16)                 \
  TYPE(struct, bcsc_epoll_reactor, 152, 8)                                     \
  FIELD(struct, bcsc_epoll_reactor, base, 0, 16)                               \
  FIELD(struct, bcsc_epoll_reactor, priv, 16, 136)                             \
  TYPE(struct, bcsc_epoll_watch_private, 160, 8)                               \
  FIELD(struct, bcsc_epoll_watch_private, reactor, 0, 8)                       \
  FIELD(struct, bcsc_epoll_watch_private, readable, 8, 56)                     \
  FIELD(struct, bcsc_epoll_watch_private, writable, 64, 56)                    \
  FIELD(struct, bcsc_epoll_watch_private, self, 120, 8)                        \
  FIELD(struct, bcsc_epoll_watch_private, events, 128, 4)                      \
  FIELD(struct, bcsc_epoll_watch_private, armed, 132, 4)                       \
  FIELD(struct, bcsc_epoll_watch_private, fd, 136, 4)                          \
  FIELD(struct, bcsc_epoll_watch_private, state, 140, 2)                       \
  FIELD(struct, bcsc_epoll_watch_private, magic, 142, 2)                       \
  FIELD(struct, bcsc_epoll_watch_private, reserved, 144, 16)                   \
  TYPE(struct, bcsc_epoll_watch, 168, 8)                                       \
  FIELD(struct, bcsc_epoll_watch, data, 0, 8)                                  \
  FIELD(struct, bcsc_epoll_watch, priv, 8, 160)                                \
  TYPE(struct, bcsc_posix_reactor_private, 112, 8)                             \
  FIELD(struct, bcsc_posix_reactor_private, spin_ns, 0, 8)                     \
  FIELD(struct, bcsc_posix_reactor_private, parks, 8, 8)                       \
  FIELD(struct, bcsc_posix_reactor_private, unparks_seen, 16, 8)               \
  FIELD(struct, bcsc_posix_reactor_private, unparked, 24, 56)                  \
  FIELD(struct, bcsc_posix_reactor_private, wake_fd, 80, 4)                    \
  FIELD(struct, bcsc_posix_reactor_private, wake_fd_write, 84, 4)              \
  FIELD(struct, bcsc_posix_reactor_private, pending, 88, 4)                    \
  FIELD(struct, bcsc_posix_reactor_private, magic, 92, 4)                      \
  FIELD(struct, bcsc_posix_reactor_private, reserved, 96, 16)                  \
  TYPE(struct, bcsc_posix_reactor, 128, 8)                                     \
  FIELD(struct, bcsc_posix_reactor, base, 0, 16)                               \
  FIELD(struct, bcsc_posix_reactor, priv, 16, 112)                             \
  TYPE(struct, bcsc_sim_reactor_private, 40, 8)                                \
  FIELD(struct, bcsc_sim_reactor_private, now, 0, 8)                           \
  FIELD(struct, bcsc_sim_reactor_private, parks, 8, 8)                         \
  FIELD(struct, bcsc_sim_reactor_private, unparked, 16, 4)                     \
  FIELD(struct, bcsc_sim_reactor_private, magic, 20, 4)                        \
  FIELD(struct, bcsc_sim_reactor_private, reserved, 24, 16)                    \
  TYPE(struct, bcsc_sim_reactor, 56, 8)                                        \
  FIELD(struct, bcsc_sim_reactor, base, 0, 16)                                 \
  FIELD(struct, bcsc_sim_reactor, priv, 16, 40)                                \
  TYPE(struct, bcsc_spin_reactor_private, 56, 8)                               \
  FIELD(struct, bcsc_spin_reactor_private, clock, 0, 8)                        \
  FIELD(struct, bcsc_spin_reactor_private, relax, 8, 8)                        \
  FIELD(struct, bcsc_spin_reactor_private, context, 16, 8)                     \
  FIELD(struct, bcsc_spin_reactor_private, parks, 24, 8)                       \
  FIELD(struct, bcsc_spin_reactor_private, unparked, 32, 4)                    \
  FIELD(struct, bcsc_spin_reactor_private, magic, 36, 4)                       \
  FIELD(struct, bcsc_spin_reactor_private, reserved, 40, 16)                   \
  TYPE(struct, bcsc_spin_reactor, 72, 8)                                       \
  FIELD(struct, bcsc_spin_reactor, base, 0, 16)                                \
  FIELD(struct, bcsc_spin_reactor, priv, 16, 56)                               \
  TYPE(struct, bcsc_uring_reactor_private, 272, 8)                             \
  FIELD(struct, bcsc_uring_reactor_private, spin_ns, 0, 8)                     \
  FIELD(struct, bcsc_uring_reactor_private, parks, 8, 8)                       \
  FIELD(struct, bcsc_uring_reactor_private, enters, 16, 8)                     \
  FIELD(struct, bcsc_uring_reactor_private, unparks_seen, 24, 8)               \
  FIELD(struct, bcsc_uring_reactor_private, completions, 32, 8)                \
  FIELD(struct, bcsc_uring_reactor_private, timeout_at, 40, 8)                 \
  FIELD(struct, bcsc_uring_reactor_private, timeout_ts, 48, 16)                \
  FIELD(struct, bcsc_uring_reactor_private, unparked, 64, 56)                  \
  FIELD(struct, bcsc_uring_reactor_private, sq_ring, 120, 8)                   \
  FIELD(struct, bcsc_uring_reactor_private, cq_ring, 128, 8)                   \
  FIELD(struct, bcsc_uring_reactor_private, sqes, 136, 8)                      \
  FIELD(struct, bcsc_uring_reactor_private, cqes, 144, 8)                      \
  FIELD(struct, bcsc_uring_reactor_private, sq_head, 152, 8)                   \
  FIELD(struct, bcsc_uring_reactor_private, sq_tail, 160, 8)                   \
  FIELD(struct, bcsc_uring_reactor_private, sq_array, 168, 8)                  \
  FIELD(struct, bcsc_uring_reactor_private, cq_head, 176, 8)                   \
  FIELD(struct, bcsc_uring_reactor_private, cq_tail, 184, 8)                   \
  FIELD(struct, bcsc_uring_reactor_private, owed, 192, 8)                      \
  FIELD(struct, bcsc_uring_reactor_private, sq_ring_size, 200, 8)              \
  FIELD(struct, bcsc_uring_reactor_private, cq_ring_size, 208, 8)              \
  FIELD(struct, bcsc_uring_reactor_private, sq_mask, 216, 4)                   \
  FIELD(struct, bcsc_uring_reactor_private, sq_entries, 220, 4)                \
  FIELD(struct, bcsc_uring_reactor_private, cq_mask, 224, 4)                   \
  FIELD(struct, bcsc_uring_reactor_private, in_flight, 228, 4)                 \
  FIELD(struct, bcsc_uring_reactor_private, features, 232, 4)                  \
  FIELD(struct, bcsc_uring_reactor_private, flags, 236, 4)                     \
  FIELD(struct, bcsc_uring_reactor_private, timeout_gen, 240, 4)               \
  FIELD(struct, bcsc_uring_reactor_private, ring_fd, 244, 4)                   \
  FIELD(struct, bcsc_uring_reactor_private, wake_fd, 248, 4)                   \
  FIELD(struct, bcsc_uring_reactor_private, pending, 252, 4)                   \
  FIELD(struct, bcsc_uring_reactor_private, magic, 256, 8)                     \
  FIELD(struct, bcsc_uring_reactor_private, reserved, 264, 8)                  \
  TYPE(struct, bcsc_uring_reactor, 288, 8)                                     \
  FIELD(struct, bcsc_uring_reactor, base, 0, 16)                               \
  FIELD(struct, bcsc_uring_reactor, priv, 16, 272)                             \
  TYPE(struct, bcsc_uring_op_private, 112, 8)                                  \
  FIELD(struct, bcsc_uring_op_private, reactor, 0, 8)                          \
  FIELD(struct, bcsc_uring_op_private, owed_next, 8, 8)                        \
  FIELD(struct, bcsc_uring_op_private, queue, 16, 56)                          \
  FIELD(struct, bcsc_uring_op_private, self, 72, 8)                            \
  FIELD(struct, bcsc_uring_op_private, result, 80, 4)                          \
  FIELD(struct, bcsc_uring_op_private, cqe_flags, 84, 4)                       \
  FIELD(struct, bcsc_uring_op_private, state, 88, 2)                           \
  FIELD(struct, bcsc_uring_op_private, magic, 90, 2)                           \
  FIELD(struct, bcsc_uring_op_private, opcode, 92, 2)                          \
  FIELD(struct, bcsc_uring_op_private, cancel, 94, 2)                          \
  FIELD(struct, bcsc_uring_op_private, reserved, 96, 16)                       \
  TYPE(struct, bcsc_uring_op, 120, 8)                                          \
  FIELD(struct, bcsc_uring_op, data, 0, 8)                                     \
  FIELD(struct, bcsc_uring_op, priv, 8, 112)                                   \
  TYPE(struct, bcsc_remote_task_private, 56, 8)                                \
  FIELD(struct, bcsc_remote_task_private, parent, 0, 8)                        \
  FIELD(struct, bcsc_remote_task_private, parent_next, 8, 8)                   \
  FIELD(struct, bcsc_remote_task_private, parent_prev, 16, 8)                  \
  FIELD(struct, bcsc_remote_task_private, remote, 24, 8)                       \
  FIELD(struct, bcsc_remote_task_private, relay_next, 32, 8)                   \
  FIELD(struct, bcsc_remote_task_private, flags, 40, 4)                        \
  FIELD(struct, bcsc_remote_task_private, state, 44, 2)                        \
  FIELD(struct, bcsc_remote_task_private, magic, 46, 2)                        \
  FIELD(struct, bcsc_remote_task_private, reserved, 48, 8)                     \
  TYPE(struct, bcsc_remote_task, 120, 8)                                       \
  FIELD(struct, bcsc_remote_task, task, 0, 64)                                 \
  FIELD(struct, bcsc_remote_task, priv, 64, 56)                                \
  TYPE(struct, bcsc_select_private, 24, 8)                                     \
  FIELD(struct, bcsc_select_private, self, 0, 8)                               \
  FIELD(struct, bcsc_select_private, branches, 8, 4)                           \
  FIELD(struct, bcsc_select_private, winner, 12, 4)                            \
  FIELD(struct, bcsc_select_private, result, 16, 4)                            \
  FIELD(struct, bcsc_select_private, state, 20, 2)                             \
  FIELD(struct, bcsc_select_private, magic, 22, 2)                             \
  TYPE(struct, bcsc_select, 32, 8)                                             \
  FIELD(struct, bcsc_select, data, 0, 8)                                       \
  FIELD(struct, bcsc_select, priv, 8, 24)                                      \
  TYPE(struct, bcsc_semaphore_private, 88, 8)                                  \
  FIELD(struct, bcsc_semaphore_private, waiters, 0, 56)                        \
  FIELD(struct, bcsc_semaphore_private, available, 56, 4)                      \
  FIELD(struct, bcsc_semaphore_private, granted, 60, 4)                        \
  FIELD(struct, bcsc_semaphore_private, state, 64, 2)                          \
  FIELD(struct, bcsc_semaphore_private, magic, 66, 2)                          \
  FIELD(struct, bcsc_semaphore_private, self_tag, 68, 4)                       \
  FIELD(struct, bcsc_semaphore_private, next_place, 72, 8)                     \
  FIELD(struct, bcsc_semaphore_private, reserved, 80, 8)                       \
  TYPE(struct, bcsc_semaphore, 96, 8)                                          \
  FIELD(struct, bcsc_semaphore, data, 0, 8)                                    \
  FIELD(struct, bcsc_semaphore, priv, 8, 88)                                   \
  TYPE(struct, bcsc_semaphore_waiter_private, 80, 8)                           \
  FIELD(struct, bcsc_semaphore_waiter_private, wait, 0, 64)                    \
  FIELD(struct, bcsc_semaphore_waiter_private, permits, 64, 4)                 \
  FIELD(struct, bcsc_semaphore_waiter_private, place, 68, 4)                   \
  FIELD(struct, bcsc_semaphore_waiter_private, reserved, 72, 8)                \
  TYPE(struct, bcsc_semaphore_waiter, 88, 8)                                   \
  FIELD(struct, bcsc_semaphore_waiter, data, 0, 8)                             \
  FIELD(struct, bcsc_semaphore_waiter, priv, 8, 80)                            \
  TYPE(struct, bcsc_start_private, 176, 8)                                     \
  FIELD(struct, bcsc_start_private, scope, 0, 136)                             \
  FIELD(struct, bcsc_start_private, target, 136, 8)                            \
  FIELD(struct, bcsc_start_private, child, 144, 8)                             \
  FIELD(struct, bcsc_start_private, state, 152, 4)                             \
  FIELD(struct, bcsc_start_private, reserved32, 156, 4)                        \
  FIELD(struct, bcsc_start_private, reserved, 160, 16)                         \
  TYPE(struct, bcsc_start, 192, 8)                                             \
  FIELD(struct, bcsc_start, data, 0, 8)                                        \
  FIELD(struct, bcsc_start, value, 8, 8)                                       \
  FIELD(struct, bcsc_start, priv, 16, 176)                                     \
  TYPE(struct, bcsc_stream_private, 104, 8)                                    \
  FIELD(struct, bcsc_stream_private, wait, 0, 64)                              \
  FIELD(struct, bcsc_stream_private, source, 64, 8)                            \
  FIELD(struct, bcsc_stream_private, items, 72, 8)                             \
  FIELD(struct, bcsc_stream_private, lagged, 80, 8)                            \
  FIELD(struct, bcsc_stream_private, kind, 88, 2)                              \
  FIELD(struct, bcsc_stream_private, state, 90, 2)                             \
  FIELD(struct, bcsc_stream_private, magic, 92, 2)                             \
  FIELD(struct, bcsc_stream_private, reserved16, 94, 2)                        \
  FIELD(struct, bcsc_stream_private, reserved, 96, 8)                          \
  TYPE(struct, bcsc_stream, 112, 8)                                            \
  FIELD(struct, bcsc_stream, data, 0, 8)                                       \
  FIELD(struct, bcsc_stream, priv, 8, 104)                                     \
  TYPE(struct, bcsc_supervised_private, 184, 8)                                \
  FIELD(struct, bcsc_supervised_private, scope, 0, 136)                        \
  FIELD(struct, bcsc_supervised_private, child, 136, 8)                        \
  FIELD(struct, bcsc_supervised_private, restart, 144, 8)                      \
  FIELD(struct, bcsc_supervised_private, context, 152, 8)                      \
  FIELD(struct, bcsc_supervised_private, policy, 160, 4)                       \
  FIELD(struct, bcsc_supervised_private, max_restarts, 164, 4)                 \
  FIELD(struct, bcsc_supervised_private, restarts, 168, 4)                     \
  FIELD(struct, bcsc_supervised_private, failures, 172, 4)                     \
  FIELD(struct, bcsc_supervised_private, last_error, 176, 4)                   \
  FIELD(struct, bcsc_supervised_private, state, 180, 4)                        \
  TYPE(struct, bcsc_supervised, 248, 8)                                        \
  FIELD(struct, bcsc_supervised, task, 0, 64)                                  \
  FIELD(struct, bcsc_supervised, priv, 64, 184)                                \
  TYPE(struct, bcsc_watch_private, 104, 8)                                     \
  FIELD(struct, bcsc_watch_private, waiters, 0, 56)                            \
  FIELD(struct, bcsc_watch_private, buffer, 56, 8)                             \
  FIELD(struct, bcsc_watch_private, elem_size, 64, 8)                          \
  FIELD(struct, bcsc_watch_private, version, 72, 8)                            \
  FIELD(struct, bcsc_watch_private, state, 80, 2)                              \
  FIELD(struct, bcsc_watch_private, magic, 82, 2)                              \
  FIELD(struct, bcsc_watch_private, reserved32, 84, 4)                         \
  FIELD(struct, bcsc_watch_private, reserved, 88, 16)                          \
  TYPE(struct, bcsc_watch, 112, 8)                                             \
  FIELD(struct, bcsc_watch, data, 0, 8)                                        \
  FIELD(struct, bcsc_watch, priv, 8, 104)
/* END GENERATED LAYOUT */

/* One _Static_assert per pinned number, with a message that names it. */
#define LAYOUT_TYPE_ASSERT(kind, tag, size, align)                             \
  _Static_assert(sizeof(kind tag) == (size),                                   \
                 "sizeof(" #kind " " #tag ") != " #size                        \
                 ": update abi/layout (--update-layout)");                     \
  _Static_assert(_Alignof(kind tag) == (align),                                \
                 "_Alignof(" #kind " " #tag ") != " #align                     \
                 ": update abi/layout (--update-layout)");
#define LAYOUT_FIELD_ASSERT(kind, tag, field, offset, size)                    \
  _Static_assert(offsetof(kind tag, field) == (offset),                        \
                 "offsetof(" #kind " " #tag ", " #field ") != " #offset        \
                 ": update abi/layout (--update-layout)");                     \
  _Static_assert(sizeof(((kind tag *)0)->field) == (size),                     \
                 "sizeof " #tag "." #field " != " #size                        \
                 ": update abi/layout (--update-layout)");

/* __LP64__ too: x32 (-mx32) defines __x86_64__ with 4-byte pointers. */
#if defined(__x86_64__) && defined(__LP64__)
BCSC_LAYOUT_X86_64(LAYOUT_TYPE_ASSERT, LAYOUT_FIELD_ASSERT)
#define LAYOUT_PINNED_TARGET "x86_64"
#elif defined(__i386__)
BCSC_LAYOUT_I686(LAYOUT_TYPE_ASSERT, LAYOUT_FIELD_ASSERT)
#define LAYOUT_PINNED_TARGET "i686"
#endif

Test(layout, object_sizes_match_the_library) {
  /* The library was compiled separately (maybe with other flags): its own
   * sizeof/_Alignof are the ground truth bindings rely on. */
  cr_assert_eq(sizeof(bcsc_task_t), bcsc_task_sizeof());
  cr_assert_eq(_Alignof(bcsc_task_t), bcsc_task_alignof());
  cr_assert_eq(sizeof(bcsc_scope_t), bcsc_scope_sizeof());
  cr_assert_eq(_Alignof(bcsc_scope_t), bcsc_scope_alignof());
  cr_assert_eq(sizeof(bcsc_wait_t), bcsc_wait_sizeof());
  cr_assert_eq(_Alignof(bcsc_wait_t), bcsc_wait_alignof());
  cr_assert_eq(sizeof(bcsc_waitq_t), bcsc_waitq_sizeof());
  cr_assert_eq(_Alignof(bcsc_waitq_t), bcsc_waitq_alignof());
  cr_assert_eq(sizeof(bcsc_executor_t), bcsc_executor_sizeof());
  cr_assert_eq(_Alignof(bcsc_executor_t), bcsc_executor_alignof());
  cr_assert_eq(sizeof(bcsc_pool_t), bcsc_pool_sizeof());
  cr_assert_eq(_Alignof(bcsc_pool_t), bcsc_pool_alignof());
}

Test(layout, abi_check_accepts_this_header_and_rejects_others) {
  cr_assert_eq(BCSC_ABI_CHECK(), 0);
  cr_assert_eq(bcsc_version(), (uint32_t)BCSC_VERSION_HEX);
  /* Each size, and the version, is compared: change one at a time. */
  size_t sizes[6] = {sizeof(bcsc_task_t),     sizeof(bcsc_scope_t),
                     sizeof(bcsc_wait_t),     sizeof(bcsc_waitq_t),
                     sizeof(bcsc_executor_t), sizeof(bcsc_pool_t)};
  for (int i = 0; i < 6; i++) {
    size_t s[6];
    for (int j = 0; j < 6; j++)
      s[j] = sizes[j] + (i == j ? sizeof(uintptr_t) : 0);
    cr_assert_eq(
        bcsc_abi_check(BCSC_ABI_VERSION, s[0], s[1], s[2], s[3], s[4], s[5]),
        BCSC_EABI, "size %d changed but bcsc_abi_check accepted it", i);
  }
  cr_assert_eq(bcsc_abi_check(BCSC_ABI_VERSION + 1, sizes[0], sizes[1],
                              sizes[2], sizes[3], sizes[4], sizes[5]),
               BCSC_EABI);
}

static int layout_finish(bcsc_task_t *self) {
  int *polls = self->data;
  ++*polls;
  return BCSC_DONE;
}

Test(layout, task_initializer_makes_a_frame_the_library_runs) {
  /* The initialiser is positional: if a field were inserted into the
   * header, its values would land in the wrong fields and the library
   * would reject the frame (bad magic) or mis-run it. */
  int polls = 0;
  bcsc_task_t task = BCSC_TASK_INITIALIZER(layout_finish, &polls);
  cr_assert_eq(task.data, &polls);
  cr_assert_eq(task.poll, layout_finish);
  bcsc_executor_t ex;
  cr_assert_eq(bcsc_executor_init(&ex, NULL), 0);
  cr_assert_eq(bcsc_executor_run(&ex, &task), 0);
  cr_assert_eq(polls, 1);
  cr_assert_eq(bcsc_task_done(&task), 1);
  cr_assert_eq(bcsc_executor_deinit(&ex), 0);
}

Test(layout, wait_initializers_make_objects_the_library_accepts) {
  bcsc_wait_t wait = BCSC_WAIT_INITIALIZER;
  bcsc_waitq_t queue = BCSC_WAITQ_INITIALIZER;
  /* Each of these calls fails with BCSC_EBADOBJ (a misuse report in the
   * checked build) on an object whose magic is not where it looks. */
  cr_assert_eq(bcsc_wait_cancel(&wait), 0);
  cr_assert_eq(bcsc_waitq_wake_all(&queue, 7), 0);
  cr_assert_eq(bcsc_waitq_deinit(&queue), 0);
}

Test(layout, co_initializer_starts_at_the_beginning) {
  bcsc_co_t co = BCSC_CO_INITIALIZER;
  cr_assert_eq(bcsc_co_resume_point(&co), 0);
}
