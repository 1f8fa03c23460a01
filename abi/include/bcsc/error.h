/* SPDX-License-Identifier: MIT
 * bcsc/error.h - the error table.
 *
 * Fallible functions return 0 on success or one of the negative codes below.
 * The values are bcsc's own and never depend on the platform's errno; they
 * are frozen for an ABI version and only ever added to. Task poll functions
 * may return their own negative codes as task errors; keep those at or below
 * BCSC_EUSER so they never collide with bcsc's. */
#ifndef BCSC_ERROR_H
#define BCSC_ERROR_H

#include <stdint.h>

#include "bcsc/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The one table every error constant, bcsc_strerror() and bcsc_err_name() is
 * generated from: XX(name, value, message).
 */
#define BCSC_ERROR_TABLE(XX)                                                   \
  XX(EINVAL, -1, "invalid argument")                                           \
  XX(EBADOBJ, -2,                                                              \
     "not an initialised bcsc object, or it was moved or "                     \
     "overwritten")                                                            \
  XX(EBUSY, -3, "object is in use (linked, spawned or has live tasks)")        \
  XX(ESTATE, -4, "operation not valid in the object's current state")          \
  XX(EPERM, -5, "caller does not own the object or is not the running task")   \
  XX(ECANCELED, -6, "cancelled")                                               \
  XX(ENOSPC, -7, "no free slot (pool or table exhausted)")                     \
  XX(EDEADLK, -8, "no task is ready and nothing can wake one")                 \
  XX(EABI, -9, "header and library disagree on the ABI")                       \
  XX(ETIMEDOUT, -10, "deadline passed")                                        \
  XX(ECLOSED, -11, "closed")                                                   \
  XX(EAGAIN, -12, "operation would block")                                     \
  XX(ENOTSUP, -13, "not supported")                                            \
  XX(EPANIC, -14, "a callback failed in the host language")

#define BCSC_ERROR_ENUM_ITEM_(name, value, message) BCSC_##name = (value),

/** bcsc's error codes. Stored as int32_t wherever they appear in structs. */
enum bcsc_error { BCSC_ERROR_TABLE(BCSC_ERROR_ENUM_ITEM_) BCSC_EUSER = -1000 };

/**
 * A one-line English description of an error code.
 *
 * @param err  0, a BCSC_E* code or any other int.
 * @return a static string; "success" for 0, "unknown error" for a code that
 *         is not in the table. Never NULL.
 * @thread any  @allocates never  @since 0.1
 */
BCSC_API const char *bcsc_strerror(int err);

/**
 * The constant's name of an error code, for logs: "BCSC_EINVAL".
 *
 * @param err  0, a BCSC_E* code or any other int.
 * @return a static string; "0" for 0, "BCSC_E?" for a code that is not in the
 *         table. Never NULL.
 * @thread any  @allocates never  @since 0.1
 */
BCSC_API const char *bcsc_err_name(int err);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* BCSC_ERROR_H */
