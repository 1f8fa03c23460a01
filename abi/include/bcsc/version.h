/* SPDX-License-Identifier: MIT
 * bcsc/version.h - library version and ABI version.
 *
 * Same BCSC_ABI_VERSION => binary compatible: every public struct keeps its
 * size and field offsets, and functions are only added. While the major
 * version is 0 the ABI version is bumped on every incompatible change. */
#ifndef BCSC_VERSION_H
#define BCSC_VERSION_H

#include <stdint.h>

#include "bcsc/export.h"

#ifdef __cplusplus
extern "C" {
#endif

#define BCSC_VERSION_MAJOR 0
#define BCSC_VERSION_MINOR 6
#define BCSC_VERSION_PATCH 0
/** 0xMMmmpp, comparable with < and >. */
#define BCSC_VERSION_HEX                                                       \
  ((BCSC_VERSION_MAJOR << 16) | (BCSC_VERSION_MINOR << 8) |                    \
   (BCSC_VERSION_PATCH))
#define BCSC_VERSION_STRING "0.6.0"
/** The shared library's SONAME is libbcsc.so.<BCSC_ABI_VERSION>. */
#define BCSC_ABI_VERSION 0

/**
 * The version of the library actually linked, as BCSC_VERSION_HEX.
 *
 * Compare with BCSC_VERSION_HEX to learn whether the program runs against the
 * library it was compiled with.
 * @thread any  @allocates never  @since 0.1
 */
BCSC_API uint32_t bcsc_version(void);

/**
 * The version of the library actually linked, as "MAJOR.MINOR.PATCH".
 *
 * The string is static and must not be freed.
 * @thread any  @allocates never  @since 0.1
 */
BCSC_API const char *bcsc_version_string(void);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* BCSC_VERSION_H */
