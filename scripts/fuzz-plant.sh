#!/usr/bin/env bash
# fuzz-plant.sh - planted bugs the model-based fuzzer must catch (on demand,
# not CI): each one a small edit of the core that a documented rule forbids,
# built alone into a scratch copy of the tree, then the fixed seeds' walks
# (fuzz_walk, as the fuzz lane runs them) must diverge: each seed is run
# alone and the ones that caught it are printed with the step. A plant whose text
# is no longer in the source fails the run too (the list went stale), and
# so does one that does not build. See docs/testing.md ("Shielded scopes"
# and "Ends and meddling abort functions" in the fuzzer's section).
#
#   scripts/fuzz-plant.sh [--ops N] [--only NAME[,NAME]] [--list]
#
#   --ops N     operations per seed (default 250000, the lane's)
#   --only      just these plants
#   --list      print the plants and stop
#
# The scratch tree is build/fuzz-plant/tree (the files git lists, untracked
# work included, mirrored by scripts/mutate.py sync), built with the debug
# preset in build/fuzz-plant/build; the real sources are never written.
# About 15 s per plant on 2 cores. Exit 1 if any plant survived.
set -euo pipefail
cd "$(dirname "$0")/.."

ops=250000 only= list=0
while [ $# -gt 0 ]; do
  case "$1" in
    --ops) ops=$2; shift ;;
    --only) only=$2; shift ;;
    --list) list=1 ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "fuzz-plant.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
  shift
done

# name|file|text to find|text to put instead|what it breaks
plants=(
  "shield-climb|libbcsc/src/scope.c|next_after(t, top, BCSC__SCOPE_SHIELDED)|next_after(t, top, 0)|the cancel walk climbs into an owner's outer shielded scope (next_after without the skip)"
  "shield-task-cancel|libbcsc/src/scope.c|    if (s->priv.flags & BCSC__SCOPE_SHIELDED)
      continue; /* a cancellation from outside stops there (D80) */
||bcsc__task_cancel() cancels the task's shielded scopes too"
  "shield-open-cancelled|libbcsc/src/scope.c|  else if (owner->priv.state & BCSC__TASK_CANCELLED)|  if (owner->priv.state & BCSC__TASK_CANCELLED)|a shielded scope opened by a cancelled owner starts cancelled (scope_init_go)"
  "shield-descend|libbcsc/src/scope.c|        if (BCSC__UNLIKELY(s->priv.flags & BCSC__SCOPE_SHIELDED))
          continue;
||the cancel walk marks and enters a task's shielded scopes"
  "shield-deadline-chain|libbcsc/src/scope.c|    if (s->priv.flags & BCSC__SCOPE_SHIELDED)
      break;
||bcsc_scope_deadline() reads deadlines above a shield"
  "start-shield|libbcsc/src/start.c|  shield = start_shield(target, self);|  shield = 0 && start_shield(target, self);|a start into the caller's own shielded scope waits unshielded (D83)"
  "start-shield-end|libbcsc/src/scope.c|BCSC__LIKELY(!(top->priv.flags & BCSC__SCOPE_SHIELDED))|1|a shield's own end does not reach a start pending into it (D83)"
  "set-shield-off|libbcsc/src/scope.c|  if (s->priv.owner->priv.state & BCSC__TASK_CANCELLED)
    return cancel_scope(s);
||bcsc_scope_set_shield(0) does not let in the cancellation it stopped (D83)"
  "set-shield-start|libbcsc/src/scope.c|bcsc__start_target(s) == scope|bcsc__start_target(s) == NULL|a start pending into a scope does not follow its shield (D83)"
  "shutdown-later-roots|libbcsc/src/executor.c|  if ((rc = bcsc_scope_cancel(&ex->priv.root)) != 0|  for (bcsc_task_t *r = ex->priv.root.priv.head; r != NULL;
       r = r->priv.sibling_next)
    (void)bcsc__task_cancel(r);
  if ((rc = 0) != 0|bcsc_executor_shutdown() cancels the roots there are, not the root scope: roots spawned after it failed start uncancelled"
  "task-cleanup-no-run|libbcsc/src/task.c|    (void)bcsc_executor_run(ex, task);
||bcsc_task_cleanup() cancels a live task but does not run it: the frame is left linked (and reported)"
  "abort-woke-lost|libbcsc/src/wait.c|  if (left & ABORT_WOKE)
    bcsc__task_wake(t);
||bcsc_wait_cancel() drops the wake an abort function made while it ran (D76): the task is never queued"
  "abort-no-defer|libbcsc/src/wait.c|  defer = !bcsc__task_is_running(t);|  defer = 0;|a wake from an abort function is not put off (D76): it queues the task in the middle of the walk that asked"
  "abort-defer-by-state|libbcsc/src/wait.c|  defer = !bcsc__task_is_running(t);|  defer = bcsc__task_state(t) != BCSC__TASK_RUNNING;|an abort function called by the run loop after its task's poll returned (the task reads RUNNING, no longer polled) is taken for one called from the poll: its wake of the task is not put off, and WOKEN is left behind (one poll too many)"
  "returned-baton-kept|libbcsc/src/executor.c|  if (BCSC__UNLIKELY(t->priv.state & BCSC__TASK_BATON))
    bcsc__task_batons(t, 1);
  /* Registrations whose aborts are pending|  /* Registrations whose aborts are pending|a baton given to a returned task while the run loop unlinks its registrations (its abort function fired the task's place on a hand-off list) is never passed on"
)

if [ "$list" -eq 1 ]; then
  for p in "${plants[@]}"; do
    IFS='|' read -r name file _ <<<"$p"
    echo "$name ($file): ${p##*|}"
  done
  exit 0
fi

unset CC CXX
work=build/fuzz-plant
tree=$work/tree
bdir=$(realpath -m "$work/build")
python3 scripts/mutate.py sync . "$tree"
(cd "$tree" && cmake --preset debug -B "$bdir" -DBCSC_BUILD_SHARED=OFF \
  -DBCSC_BUILD_BENCH=OFF -DBCSC_BUILD_EXAMPLES=OFF -DBCSC_HEADER_CHECK=OFF \
  -DBCSC_CHECK_SYMBOLS=OFF -DBCSC_INSTALL=OFF >/dev/null)
seeds="0x5eed2024 1 0xbc5c"
survived=0
for p in "${plants[@]}"; do
  name=${p%%|*}
  rest=${p#*|}
  file=${rest%%|*}
  rest=${rest#*|}
  find=${rest%%|*}
  rest=${rest#*|}
  put=${rest%%|*}
  what=${rest#*|}
  if [ -n "$only" ] && [[ ",$only," != *",$name,"* ]]; then
    continue
  fi
  cp "$file" "$tree/$file"
  FIND=$find PUT=$put python3 - "$tree/$file" <<'EOF'
import os, sys
path, find, put = sys.argv[1], os.environ["FIND"], os.environ["PUT"]
text = open(path).read()
if text.count(find) != 1:
    sys.exit("fuzz-plant.sh: the plant's text is %s in %s"
             % ("not" if find not in text else "more than once", path))
open(path, "w").write(text.replace(find, put))
EOF
  if ! cmake --build "$bdir" -j2 --target fuzz_walk >"$work/$name.log" 2>&1; then
    echo "fuzz-plant: $name: does not build (see $work/$name.log)"
    survived=1
    cp "$file" "$tree/$file"
    continue
  fi
  caught=
  for seed in $seeds; do
    # (The shell's own "Aborted" line goes nowhere.)
    if ! { "$bdir/tests/fuzz_walk" --ops "$ops" --quiet "$seed" \
      >"$work/$name.$seed.log" 2>&1; } 2>/dev/null &&
      grep -q "DIVERGENCE" "$work/$name.$seed.log"; then
      caught+=" $seed (step $(grep -m1 -o 'step=[0-9]*' "$work/$name.$seed.log" | cut -d= -f2))"
    fi
  done
  cp "$file" "$tree/$file"
  if [ -n "$caught" ]; then
    echo "fuzz-plant: $name: caught by$caught"
  else
    echo "fuzz-plant: $name: SURVIVED: $what"
    survived=1
  fi
done
# Leave the scratch build as the tree is.
cmake --build "$bdir" -j2 --target fuzz_walk >/dev/null 2>&1 || true
exit "$survived"
