/* SPDX-License-Identifier: MIT
 * A negative control for the valgrind lane of scripts/test.sh: a Criterion
 * test that branches on uninitialised heap memory. The lane must flag it;
 * if it does not, the lane could not catch anything and fails itself. */
#include <criterion/criterion.h>
#include <stdlib.h>

Test(negative_control, branches_on_uninitialised_memory) {
  int *p = malloc(sizeof *p);
  volatile int x;
  cr_assert_not_null(p);
  x = *p;
  if (x == 42)
    cr_log_info("forty-two");
  free(p);
}
