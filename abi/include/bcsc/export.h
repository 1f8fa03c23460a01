/* SPDX-License-Identifier: MIT
 * bcsc/export.h - the one export macro of the public ABI. */
#ifndef BCSC_EXPORT_H
#define BCSC_EXPORT_H

/*
 * BCSC_API marks every public function. Vendored builds may define it
 * themselves before including any bcsc header (for example to empty when
 * linking the static library into a larger shared object).
 */
#ifndef BCSC_API
#if defined(_WIN32) && defined(BCSC_BUILDING_SHARED)
#define BCSC_API __declspec(dllexport)
#elif defined(_WIN32) && defined(BCSC_USING_SHARED)
#define BCSC_API __declspec(dllimport)
#elif defined(__GNUC__) || defined(__clang__)
#define BCSC_API __attribute__((visibility("default")))
#else
#define BCSC_API
#endif
#endif

#endif /* BCSC_EXPORT_H */
