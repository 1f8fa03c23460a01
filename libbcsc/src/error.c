/* SPDX-License-Identifier: MIT
 * error.c - bcsc_strerror() and bcsc_err_name(), from the one error table. */
#include "internal.h"

#define BCSC__ERROR_MESSAGE_CASE(name, value, message)                         \
  case value:                                                                  \
    return message;
#define BCSC__ERROR_NAME_CASE(name, value, message)                            \
  case value:                                                                  \
    return "BCSC_" #name;

const char *bcsc_strerror(int err) {
  switch (err) {
  case 0:
    return "success";
    BCSC_ERROR_TABLE(BCSC__ERROR_MESSAGE_CASE)
  default:
    return "unknown error";
  }
}

const char *bcsc_err_name(int err) {
  switch (err) {
  case 0:
    return "0";
    BCSC_ERROR_TABLE(BCSC__ERROR_NAME_CASE)
  default:
    return "BCSC_E?";
  }
}
