/* Smoke test of an installed bcsc from C++: the header's C++ view matches
 * the library's and a task runs to its end. */
#include <bcsc.h>

int main() {
  bcsc_executor_t ex;
  if (BCSC_ABI_CHECK() != 0 || bcsc_executor_init(&ex, nullptr) != 0)
    return 1;
  bcsc_task_t task = BCSC_TASK_INITIALIZER(
      +[](bcsc_task_t *) noexcept -> int { return BCSC_DONE; }, nullptr);
  int rc = bcsc_executor_run(&ex, &task);
  return rc != 0 || bcsc_task_done(&task) != 1 ||
         bcsc_executor_deinit(&ex) != 0;
}
