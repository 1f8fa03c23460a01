#!/usr/bin/env bash
# prove.sh - the CBMC proofs and spin models of bcsc, each with a broken
# variant that must FAIL (docs/testing.md, "Proofs"). The `proofs` lane of
# scripts/test.sh runs it; scripts/prove-deep.sh runs it with --deep.
#
#   scripts/prove.sh [--deep] [--jobs N] [--join-after FILE] [--only REGEX]
#                    [--list]
#
#   --deep      larger bounds (minutes, not seconds): on demand, not CI
#   --jobs N    proofs run N at a time (default 2: the CI machines' cores)
#   --join-after FILE
#               only the first job starts at once; the others join when
#               FILE exists (scripts/test.sh: when the other lane group has
#               ended and its core is free). The jobs take checks from one
#               queue, so whoever is free takes the next.
#   --only RE   run only the checks whose name matches RE (grep -E); a
#               control that shares its proof's run (pass+A,B below) runs
#               when its proof does
#   --list      print the checks and exit
#
# CBMC 6 is not in Debian 12: it runs in a Debian 13 root made with
# debootstrap (needs root; ~35 s and ~590 MB once), kept OUTSIDE the clone
# in $BCSC_CBMC_ROOT (default /var/cache/bcsc/cbmc-root) and reused while
# `cbmc --version` works in it. spin runs on the host (package spin).
#
# Every check has an expectation: `pass` (VERIFICATION SUCCESSFUL, or spin
# "errors: 0") or `fail` (VERIFICATION FAILED, or spin errors > 0). A broken
# variant that passes, a proof that fails, or a tool that errors (exit codes
# other than cbmc's 0/10) fails the run: a proof that cannot fail proves
# nothing. `pass+A,B` is a proof that runs with its controls A and B in one
# cbmc run (tests/proofs/cbmc/controls.h, D87): every property but the
# controls' must hold, and for each control one "control A" property must
# fail; each control gets a result of its own, <check>-<a>-broken.
# Logs: build/proofs/<check>.log.
set -euo pipefail

cd "$(dirname "$0")/.."
root=$PWD

deep=0
jobs=2
join_after=
only=
list=0
while [ $# -gt 0 ]; do
  case "$1" in
    --deep) deep=1 ;;
    --jobs) jobs="$2"; shift ;;
    --join-after) join_after="$2"; shift ;;
    --only) only="$2"; shift ;;
    --list) list=1 ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "prove.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
  shift
done

# ---- the checks ------------------------------------------------------------
# name | expect | kind | source tree | arguments
#   kind cbmc: cbmc <harness> <flags>, in the chroot
#   kind wmm:  goto-cc <harness> <flags>; goto-instrument --mm <model>; cbmc
#   kind spin: spin -a <flags> <model>; pan (on the host)
#   source tree: src (libbcsc/src as committed) or schema (a copy with the
#   MUTANTS below as switches, each off unless a check's control turns it
#   on: -DCONTROL=C_<NAME> apart, pass+<NAME> beside the proof)
MEMORY="--bounds-check --pointer-check --pointer-overflow-check --signed-overflow-check"
LIST="cbmc/list_macros.c $MEMORY --unsigned-overflow-check --unwind 6 --unwinding-assertions"
RING="cbmc/wait_ring.c -DBCSC_CHECKED=1 $MEMORY --unwinding-assertions"
# The release build (no canaries): wake_all and the hand-off path loop over
# fires whose checked-build canaries cbmc cannot decide cheaply (see
# docs/testing.md); the other ring proofs run the checked build, and
# wake_one and the task wake run in both, since their release fast paths
# differ (D32: a list recognised by its first waiter's back link; no state
# re-check after the unlink).
RING_RELEASE="cbmc/wait_ring.c -DBCSC_CHECKED=0 $MEMORY --unwinding-assertions"
TIME="cbmc/time_arith.c -DBCSC_CHECKED=1 $MEMORY --div-by-zero-check --unwind 8 --unwinding-assertions"
INBOX="cbmc/inbox_handshake.c"
INBOX_REAL="cbmc/inbox_real.c $MEMORY --object-bits 12 -DSTEPS=7 --unwind 8 --unwinding-assertions"
# D48's window: a drain or a give-back inside a wake past a full count (a
# 1-bit count, so the second wake of a slot takes that path).
INBOX_WINDOW="cbmc/inbox_real.c $MEMORY --object-bits 12 -DWINDOW -DBCSC__SLOT_COUNT_BITS=1 -DSTEPS=5 --unwind 8 --unwinding-assertions"
# The real inbox.c under weak memory (D43): the explicit model of
# cbmc/wmm.h, x86-TSO or C11 release/acquire, any 3 whole operations over
# 2 slots. The CAS loops of inbox.c unwind to 3 (a retry, then success),
# the take's walk to the 2 slots + 1, the steps to 3 + 1; the model's own
# loops (locations, buffers) to 9. --slice-formula halves the RA run.
INBOX_WMM="cbmc/inbox_wmm.c $MEMORY --slice-formula -DSTEPS=3 -DWMM_HMAX=6 --unwind 10 --unwindset main.1:4,bcsc__inbox_push.0:3,bcsc__inbox_push.1:3,bcsc__inbox_slot_release.0:3,bcsc__inbox_take.0:3,drain.0:3 --unwinding-assertions"
# relay.c's push and take with inbox.c's park under the same models: any
# 3 whole operations of the parent (send) and the host (drain, sleep).
RELAY_WMM="cbmc/relay_wmm.c $MEMORY --slice-formula -DSTEPS=3 --unwind 6 --unwinding-assertions"
# The remote children's two-CAS protocol (relay.c): the CAS loops unwind to
# 3, the harness's own loops to what they need (STEPS + 1, then the fair
# schedule: 5 steps a round, 3 rounds). 4 steps reach every race of one
# relay (a cancel between a spawn's take and a completion, and both
# orders around it); about 1 min of CPU and 3 GB. --slice-formula halves
# the solver's time here (relay-protocol 75 -> 35 s, its controls alike);
# on inbox-real and the ring proofs it changed nothing measurable.
RELAY="cbmc/relay_protocol.c $MEMORY --slice-formula --object-bits 12 -DSTEPS=4 --unwind 3 --unwindset main.0:5,main.1:6,main.2:4 --unwinding-assertions"
if [ "$deep" -eq 1 ]; then
  RING_BOUNDS="-DNQ=2 -DNLINK=4 -DCHECK_SETUP --unwind 17"
  SEQ="-DOP=4 -DN=4 -DSTEPS=5"
else
  # A loop whose bound cbmc cannot see (an address tag compared through the
  # header word is symbolic to it) unrolls to --unwind: keep it just above
  # what the states need (4 targets, 5 tasks, 3 nodes per list).
  RING_BOUNDS="-DNQ=1 -DNLINK=2 --unwind 6"
  SEQ="-DOP=4 -DN=3 -DSTEPS=3"
fi
# Broken variants run at small bounds: a bug in a list op shows on 2 nodes.
RING_MUT="-DNQ=1 -DNLINK=2 --unwind 6"

checks() {
  cat <<EOF
list-append|pass|cbmc|src|$LIST -DOP=1
list-remove|pass|cbmc|src|$LIST -DOP=2
list-unlink|pass|cbmc|src|$LIST -DOP=3
list-append-broken|fail|cbmc|schema|$LIST -DOP=1 -DCONTROL=C_APPEND_KEEPS_NEXT
list-remove-broken|fail|cbmc|schema|$LIST -DOP=2 -DCONTROL=C_REMOVE_KEEPS_TAIL
list-unlink-broken|fail|cbmc|schema|$LIST -DOP=3 -DCONTROL=C_UNLINK_KEEPS_TAIL
ring-register|pass|cbmc|src|$RING $RING_BOUNDS -DOP=1
ring-cancel|pass|cbmc|src|$RING $RING_BOUNDS -DOP=2
ring-cancel-release|pass|cbmc|src|$RING_RELEASE $RING_BOUNDS -DOP=2
ring-wake-one-release|pass|cbmc|src|$RING_RELEASE $RING_BOUNDS -DOP=3
ring-wake-all|pass|cbmc|src|$RING_RELEASE $RING_BOUNDS -DOP=4
ring-task-wake|pass|cbmc|src|$RING $RING_BOUNDS -DOP=5
ring-task-wake-release|pass|cbmc|src|$RING_RELEASE $RING_BOUNDS -DOP=5
ring-handoff|pass|cbmc|src|$RING_RELEASE $RING_BOUNDS -DOP=6
ring-register-broken|fail|cbmc|schema|$RING $RING_MUT -DOP=1 -DCONTROL=C_LINK_KEEPS_NEWEST
ring-cancel-broken|fail|cbmc|schema|$RING $RING_MUT -DOP=2 -DCONTROL=C_REMOVE_KEEPS_PREV
ring-cancel-release-broken|fail|cbmc|schema|$RING_RELEASE $RING_MUT -DOP=2 -DCONTROL=C_REMOVE_KEEPS_PREV
ring-wake-one-release-broken|fail|cbmc|schema|$RING_RELEASE $RING_MUT -DOP=3 -DCONTROL=C_FIRE_KEEPS_PREV
ring-task-wake-broken|fail|cbmc|schema|$RING $RING_MUT -DOP=5 -DCONTROL=C_WAKE_KEEPS_OTHERS
ring-handoff-broken|fail|cbmc|schema|$RING_RELEASE $RING_MUT -DOP=6 -DCONTROL=C_BATON_DROPPED
time-add|pass|cbmc|src|$TIME -DPROP=1
time-slot|pass|cbmc|src|$TIME -DPROP=4
time-earliest|pass|cbmc|src|$TIME -DPROP=5
time-place|pass|cbmc|src|$TIME -DPROP=6
time-add-broken|fail|cbmc|schema|$TIME -DPROP=1 -DCONTROL=C_ADD_WRAPS
time-slot-broken|fail|cbmc|schema|$TIME -DPROP=4 -DCONTROL=C_LEVEL_ONE_UP
time-earliest-broken|fail|cbmc|schema|$TIME -DPROP=5 -DCONTROL=C_CURRENT_FIRST
time-place-broken|fail|cbmc|schema|$TIME -DPROP=6 -DCONTROL=C_PLACE_UNSIGNED
inbox-sb-tso|pass|wmm|src|tso $INBOX -DHARNESS_SB
inbox-sb-rmo|pass|wmm|src|rmo $INBOX -DHARNESS_SB
inbox-mp-tso|pass|wmm|src|tso $INBOX -DHARNESS_MP
inbox-mp-rmo|pass|wmm|src|rmo $INBOX -DHARNESS_MP
inbox-mpsc|pass|wmm|src|sc $INBOX -DHARNESS_MPSC
inbox-sb-tso-broken|fail|wmm|src|tso $INBOX -DHARNESS_SB -DBUGGY
inbox-mp-rmo-broken|fail|wmm|src|rmo $INBOX -DHARNESS_MP -DBUGGY
inbox-mpsc-broken|fail|wmm|src|sc $INBOX -DHARNESS_MPSC -DBUGGY
spin-cancel-wake|pass|spin|-|cancel_wake.pml
spin-cancel-wake-plain-broken|fail|spin|-|cancel_wake.pml -DBUGGY_PLAIN
spin-cancel-wake-unlink-broken|fail|spin|-|cancel_wake.pml -DBUGGY_UNLINK
EOF
  # Minutes each on a loaded 2-core machine (a 64-bit division and
  # multiplication for all inputs; the sequence over every path), or more
  # memory than CI has (wake_one through the checked build's link checks of
  # D29: over 24 GB at CI's bounds; CI proves it in the release build):
  # on demand.
  if [ "$deep" -eq 1 ]; then
    cat <<EOF
list-sequence|pass|cbmc|src|$LIST $SEQ
ring-wake-one|pass|cbmc|src|$RING $RING_BOUNDS -DOP=3
ring-wake-one-broken|fail|cbmc|schema|$RING $RING_MUT -DOP=3 -DCONTROL=C_FIRE_KEEPS_PREV
time-tick|pass|cbmc|src|$TIME -DPROP=3
time-tick-broken|fail|cbmc|schema|$TIME -DPROP=3 -DCONTROL=C_SKIP_ONE_SHORT
EOF
  fi
  # The remote children's messages (issue 5), once relay.c is there.
  if [ -f "$root/libbcsc/src/relay.c" ]; then
    cat <<EOF
relay-protocol|pass+RETURNED_AS_DONE,CANCEL_AFTER_DONE|cbmc|schema|$RELAY
relay-wmm-tso|pass+SB|cbmc|src|$RELAY_WMM -DWMM_TSO
relay-wmm-ra|pass+SB,MP|cbmc|src|$RELAY_WMM -DWMM_RA
EOF
  fi
  # The real wake inbox (issue 5), once libbcsc/src/inbox.c is there.
  if [ -f "$root/libbcsc/src/inbox.c" ]; then
    cat <<EOF
inbox-real|pass+REQUEUE,FOLD_DROPPED,FULL_UNCOUNTED|cbmc|schema|$INBOX_REAL
inbox-wmm-tso|pass+SB|cbmc|src|$INBOX_WMM -DWMM_TSO
inbox-wmm-ra|pass+SB,MP,COALESCE|cbmc|src|$INBOX_WMM -DWMM_RA
inbox-real-window|pass+REMARK_COUNTED,RECHECK_DROPPED|cbmc|schema|$INBOX_WINDOW
inbox-wmm-tso-full|pass|cbmc|src|$INBOX_WMM -DWMM_TSO -DNSLOT=1 -DBCSC__SLOT_COUNT_BITS=1 -DWINDOW
inbox-wmm-ra-full|pass|cbmc|src|$INBOX_WMM -DWMM_RA -DNSLOT=1 -DBCSC__SLOT_COUNT_BITS=1 -DWINDOW
inbox-wmm-ra-full-settled-broken|fail|cbmc|src|$INBOX_WMM -DWMM_RA -DNSLOT=1 -DBCSC__SLOT_COUNT_BITS=1 -DWINDOW -DCONTROL=C_SETTLED
inbox-wmm-ra-full-recheck-broken|fail|cbmc|src|$INBOX_WMM -DWMM_RA -DNSLOT=1 -DBCSC__SLOT_COUNT_BITS=1 -DWINDOW -DCONTROL=C_RECHECK
EOF
    # Deeper (on demand): two producers racing for the same slots (the
    # model's locations grow to 11, so its loops unwind to 12), and the
    # full-count window over two slots, each with a control. 2-8 minutes
    # each on a 2-core machine (docs/testing.md).
    if [ "$deep" -eq 1 ]; then
      cat <<EOF
inbox-wmm-tso-nprod2|pass|cbmc|src|$INBOX_WMM -DWMM_TSO -DNPROD=2 --unwindset wmm_loc.0:12
inbox-wmm-ra-nprod2|pass|cbmc|src|$INBOX_WMM -DWMM_RA -DNPROD=2 --unwindset wmm_loc.0:12,wmm_publish.0:12,wmm_acquire.0:12
inbox-wmm-tso-full-2slot|pass|cbmc|src|$INBOX_WMM -DWMM_TSO -DNSLOT=2 -DBCSC__SLOT_COUNT_BITS=1 -DWINDOW
inbox-wmm-tso-nprod2-sb-broken|fail|cbmc|src|$INBOX_WMM -DWMM_TSO -DNPROD=2 --unwindset wmm_loc.0:12 -DCONTROL=C_SB
inbox-wmm-ra-nprod2-mp-broken|fail|cbmc|src|$INBOX_WMM -DWMM_RA -DNPROD=2 --unwindset wmm_loc.0:12,wmm_publish.0:12,wmm_acquire.0:12 -DCONTROL=C_MP
inbox-wmm-tso-full-2slot-sb-broken|fail|cbmc|src|$INBOX_WMM -DWMM_TSO -DNSLOT=2 -DBCSC__SLOT_COUNT_BITS=1 -DWINDOW -DCONTROL=C_SB
inbox-wmm-ra-full-2slot|pass|cbmc|src|$INBOX_WMM -DWMM_RA -DNSLOT=2 -DBCSC__SLOT_COUNT_BITS=1 -DWINDOW
inbox-wmm-ra-full-2slot-recheck-broken|fail|cbmc|src|$INBOX_WMM -DWMM_RA -DNSLOT=2 -DBCSC__SLOT_COUNT_BITS=1 -DWINDOW -DCONTROL=C_RECHECK
EOF
    fi
  fi
}

# MUTANTS: name | file | sed expression. All of them apply to one copy of
# the core, the `schema` tree, each guarded by its own switch: where the
# expression ran, the code does what the mutant does when MUTANT_<NAME>
# (the name in capitals, - as _) is true and what the core does
# otherwise, and every switch defaults to 0 at the top of its file. A
# harness maps the switches it tests to its controls (controls.h:
# `#define MUTANT_REQUEUE BROKEN(REQUEUE)`), so a check runs a mutant
# apart with -DCONTROL=C_<NAME> or beside its proof (`pass+<NAME>,...`).
# Statements go through `(void)(MUTANT_X || (statement, 0))`, which needs
# no braces inside the list macros. Each expression must change its file
# (checked), so a mutant that no longer applies is noticed rather than
# silently equal to the real code.
MUTANTS='
append-keeps-next|list.h|0,/\((node)->priv.next = NULL\);/s//(void)(MUTANT_APPEND_KEEPS_NEXT || (\1, 0));/
remove-keeps-tail|list.h|s/      \((tail) = (node)->priv.prev\);/      (void)(MUTANT_REMOVE_KEEPS_TAIL || (\1, 0));/
unlink-keeps-tail|list.h|s/      \((tail) = list_prev_\);/      (void)(MUTANT_UNLINK_KEEPS_TAIL || (\1, 0));/
link-keeps-newest|wait.c|s/    \(q->priv.waiters.prev = &w->priv.queue\);/    (void)(MUTANT_LINK_KEEPS_NEWEST || (\1, 0));/
remove-keeps-prev|wait.c|0,/    \(next->prev = prev\);/s//    (void)(MUTANT_REMOVE_KEEPS_PREV || (\1, 0));/
fire-keeps-prev|wait.c|s/    \(next->prev = &q->priv.waiters\);/    (void)(MUTANT_FIRE_KEEPS_PREV || (\1, 0));/
wake-keeps-others|wait.c|s/      \(source_remove(w)\);/      (void)(MUTANT_WAKE_KEEPS_OTHERS || (\1, 0));/
baton-dropped|wait.c|s/  (void)waitq_fire_one(q, value);/  MUTANT_BATON_DROPPED ? (void)value : (void)waitq_fire_one(q, value);/
add-wraps|timer.c|s/return \(a > BCSC_NO_DEADLINE - b ? BCSC_NO_DEADLINE : a + b\);/return MUTANT_ADD_WRAPS ? a + b : (\1);/
skip-one-short|timer.c|s/mul_saturating(late + 1, period)/mul_saturating(late + !MUTANT_SKIP_ONE_SHORT, period)/
level-one-up|wheel.c|s/level = (unsigned)(63 - __builtin_clzll(differs)) \/ WHEEL_BITS;/level = (unsigned)(63 + MUTANT_LEVEL_ONE_UP - __builtin_clzll(differs)) \/ WHEEL_BITS;/
current-first|wheel.c|s/current = (slot_for(now, level) + 1) % BCSC_WHEEL_SLOTS;/current = (slot_for(now, level) + !MUTANT_CURRENT_FIRST) % BCSC_WHEEL_SLOTS;/
place-unsigned|semaphore.c|s/return (int32_t)(a - b) < 0;/return MUTANT_PLACE_UNSIGNED ? a < b : (int32_t)(a - b) < 0;/
requeue|inbox.c|s/  if (old & BCSC__SLOT_QUEUED)/  if (!MUTANT_REQUEUE \&\& (old \& BCSC__SLOT_QUEUED))/
fold-dropped|inbox.c|0,/  \(ex->priv.wakes_received += bcsc__slot_count(old)\);/s//  (void)(MUTANT_FOLD_DROPPED || (\1, 0));/
full-uncounted|inbox.c|s/(BCSC__A32(&ex->priv.inbox_received), 1,/(BCSC__A32(\&ex->priv.inbox_received), !MUTANT_FULL_UNCOUNTED,/
remark-counted|inbox.c|s/(old + add) |/(old + (MUTANT_REMARK_COUNTED ? BCSC__SLOT_COUNT_ONE : add)) |/
recheck-dropped|inbox.c|s/        \(old = atomic_load_explicit(state, memory_order_seq_cst)\);/        (void)(MUTANT_RECHECK_DROPPED || (\1, 0));/
returned-as-done|relay.c|s/(old & BCSC__RELAY_QUEUED) ? BCSC__RELAY_RETURNED/(!MUTANT_RETURNED_AS_DONE \&\& (old \& BCSC__RELAY_QUEUED)) ? BCSC__RELAY_RETURNED/
cancel-after-done|relay.c|s/if (old & (BCSC__RELAY_CANCEL . BCSC__RELAY_DONE))/if (old \& (BCSC__RELAY_CANCEL | (MUTANT_CANCEL_AFTER_DONE ? 0 : BCSC__RELAY_DONE)))/
'

if [ "$list" -eq 1 ]; then
  checks | awk -F'|' '{ printf "%-34s %-5s %-5s %s\n", $1, $2, $3, $4 }'
  exit 0
fi

start=$SECONDS
logs="$root/build/proofs"
mkdir -p "$logs"
rm -f "$logs"/*.log "$logs"/*.result

# ---- the CBMC root -----------------------------------------------------------
cbmc_root="${BCSC_CBMC_ROOT:-/var/cache/bcsc/cbmc-root}"
as_root=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then as_root=(sudo); else
    echo "prove.sh: chroot and debootstrap need root (or sudo)" >&2; exit 1
  fi
fi
in_root() { "${as_root[@]}" chroot "$cbmc_root" "$@"; }

root_ok() { [ -x "$cbmc_root/usr/bin/cbmc" ] && in_root cbmc --version 2>/dev/null | grep -q '^6\.'; }

ensure_root() {
  if root_ok; then
    echo "proofs: reusing $cbmc_root ($(in_root cbmc --version))"
    return 0
  fi
  command -v debootstrap >/dev/null 2>&1 || {
    echo "proofs: debootstrap missing (scripts/install-test-deps.sh installs it)" >&2; exit 1; }
  local parent tmp t0=$SECONDS
  parent=$(dirname "$cbmc_root")
  "${as_root[@]}" mkdir -p "$parent"
  # One builder at a time; a half-made root is never where the next run
  # looks (it is renamed into place only when complete).
  exec 9>"$parent/.cbmc-root.lock"
  flock 9
  if root_ok; then flock -u 9; return 0; fi
  tmp="$cbmc_root.tmp.$$"
  "${as_root[@]}" rm -rf "$tmp" "$cbmc_root"
  echo "proofs: debootstrap trixie (cbmc, gcc, libc6-dev) into $cbmc_root"
  "${as_root[@]}" debootstrap --variant=minbase --include=cbmc,gcc,libc6-dev \
    trixie "$tmp" >"$logs/debootstrap.log" 2>&1 || {
      tail -20 "$logs/debootstrap.log"; "${as_root[@]}" rm -rf "$tmp"; exit 1; }
  "${as_root[@]}" mv "$tmp" "$cbmc_root"
  flock -u 9
  root_ok || { echo "proofs: cbmc does not run in $cbmc_root" >&2; exit 1; }
  echo "proofs: made $cbmc_root in $((SECONDS - t0)) s ($(in_root cbmc --version))"
}

needs_cbmc=$(checks | awk -F'|' -v re="$only" '$3 != "spin" && (re == "" || $1 ~ re)' | wc -l)
needs_spin=$(checks | awk -F'|' -v re="$only" '$3 == "spin" && (re == "" || $1 ~ re)' | wc -l)
if [ "$needs_spin" -gt 0 ] && ! command -v spin >/dev/null 2>&1; then
  echo "proofs: spin missing (scripts/install-test-deps.sh installs it)" >&2; exit 1
fi

work_in_root=/tmp/bcsc-proofs.$$
work="$cbmc_root$work_in_root"
spin_work="$root/build/proofs/spin"
cleanup() { [ -n "${work:-}" ] && "${as_root[@]}" rm -rf "$work"; }
trap cleanup EXIT

if [ "$needs_cbmc" -gt 0 ]; then
  ensure_root
  "${as_root[@]}" mkdir -p "$work"
  "${as_root[@]}" cp -r libbcsc/src "$work/src"
  "${as_root[@]}" cp -r abi/include "$work/include"
  "${as_root[@]}" cp -r tests/proofs/cbmc "$work/cbmc"
  # The mutants, as switches in one copy of the core (MUTANTS above).
  "${as_root[@]}" cp -r "$work/src" "$work/schema"
  while IFS='|' read -r name file expr; do
    [ -n "$name" ] || continue
    [ -f "$work/src/$file" ] || continue # inbox.c before issue 5 lands
    switch_name=MUTANT_$(tr 'a-z-' 'A-Z_' <<<"$name")
    "${as_root[@]}" cp "$work/schema/$file" "$work/schema/$file.before"
    "${as_root[@]}" sed -i "$expr" "$work/schema/$file"
    if cmp -s "$work/schema/$file.before" "$work/schema/$file" ||
       ! grep -q "$switch_name" "$work/schema/$file"; then
      echo "proofs: mutant $name no longer applies to $file: update MUTANTS" >&2
      exit 1
    fi
    "${as_root[@]}" rm "$work/schema/$file.before"
    "${as_root[@]}" sed -i "1i #ifndef $switch_name\\n#define $switch_name 0\\n#endif" "$work/schema/$file"
  done <<<"$MUTANTS"
fi

# ---- one check ----------------------------------------------------------------
# Prints "<name> <PASS|FAIL> <seconds> <what>" into $logs/<name>.result.
run_check() {
  local line=$1 name expect kind tree args t0 rc verdict got controls=
  IFS='|' read -r name expect kind tree args <<<"$line"
  local log="$logs/$name.log"
  # A broken variant needs one counterexample: cbmc stops at the first
  # rather than solving again for every other property it might break.
  local stop=()
  [ "$expect" = fail ] && stop=(--stop-on-fail)
  # A proof with its controls: the harness picks among them (controls.h).
  case "$expect" in
    pass+*)
      controls=${expect#pass+}
      args="$args -DCONTROLS=C_${controls//,/,C_}" ;;
  esac
  t0=$(date +%s.%N)
  set +e
  case "$kind" in
    cbmc)
      # shellcheck disable=SC2086
      set -- $args
      local harness=$1; shift
      (cd / && "${as_root[@]}" chroot "$cbmc_root" cbmc "$work_in_root/$harness" \
        -I "$work_in_root/$tree" -I "$work_in_root/include" "${stop[@]}" "$@") >"$log" 2>&1
      rc=$? ;;
    wmm)
      # shellcheck disable=SC2086
      set -- $args
      local mm=$1 harness=$2; shift 2
      local gb="$work_in_root/$name.gb"
      { "${as_root[@]}" chroot "$cbmc_root" goto-cc "$work_in_root/$harness" "$@" -o "$gb" &&
        "${as_root[@]}" chroot "$cbmc_root" goto-instrument --mm "$mm" "$gb" "$gb.$mm" &&
        "${as_root[@]}" chroot "$cbmc_root" cbmc "$gb.$mm" --bounds-check --pointer-check \
          --unwind 4 --unwinding-assertions "${stop[@]}"; } >"$log" 2>&1
      rc=$? ;;
    spin)
      # shellcheck disable=SC2086
      set -- $args
      local model=$1; shift
      local dir="$spin_work/$name"
      rm -rf "$dir"; mkdir -p "$dir"
      cp "$root/tests/proofs/spin/$model" "$dir/"
      { (cd "$dir" && spin -a "$@" "$model" && cc -O2 -DSAFETY -w -o pan pan.c &&
          ./pan -m100000); } >"$log" 2>&1
      rc=$?
      if [ "$rc" -eq 0 ] && grep -q 'errors: 0' "$log"; then rc=0
      elif grep -qE 'errors: [1-9]' "$log"; then rc=10
      else rc=${rc/#0/6}; fi ;;
  esac
  set -e
  # cbmc: 0 = every property holds, 10 = some property fails; anything
  # else (a conversion error, a crash) is neither and never counts.
  case "$rc" in
    0) got=pass ;;
    10) got=fail ;;
    *) got="error (exit $rc)" ;;
  esac
  local what seconds
  seconds=$(awk -v a="$(date +%s.%N)" -v b="$t0" 'BEGIN { print a - b }')
  # What was found: cbmc's count of failed properties, spin's errors, or
  # (after --stop-on-fail) the property a counterexample broke.
  what=$(grep -m1 -E '^\*\* [0-9]+ of [0-9]+ failed|errors: [0-9]+' "$log" ||
    awk '/^Violated property:/ { getline; getline; sub(/^ +/, ""); print "broke: " $0; exit }' "$log")
  if [ -n "$controls" ]; then
    check_controls "$name" "$controls" "$rc" "$log" "$seconds" "$what"
    return
  fi
  if [ "$got" = "$expect" ]; then verdict=PASS; else verdict=FAIL; fi
  printf '%s %s %.1f expected %s, got %s: %s\n' "$name" "$verdict" \
    "$seconds" "$expect" "$got" "$what" >"$logs/$name.result"
  cat "$logs/$name.result"
}

# A control's name in a check's name: FOLD_DROPPED -> fold-dropped.
control_slug() { tr 'A-Z_' 'a-z-' <<<"$1"; }

# The verdicts of a proof run with its controls: the proof's result, then
# one <name>-<control>-broken result per control, from cbmc's list of
# properties ("[id] line N <text>: FAILURE"; a control's text is
# "control NAME"). The proof holds when no other property failed; cbmc's
# exit is 10 when a control failed, and anything but 0/10 is an error.
check_controls() { # name controls rc log seconds what
  local name=$1 controls=$2 rc=$3 log=$4 seconds=$5 what=$6 c verdict got
  local failures others
  failures=$(grep -E ': FAILURE$' "$log" || true)
  others=$(grep -vE ' control [A-Z_]+: FAILURE$' <<<"$failures" | grep -c . || true)
  if [ "$rc" -ne 0 ] && [ "$rc" -ne 10 ]; then got="error (exit $rc)"
  elif [ "$others" -ne 0 ]; then
    got=fail
    what="broke: $(grep -vE ' control [A-Z_]+: FAILURE$' <<<"$failures" | head -1)"
  else got=pass; fi
  if [ "$got" = pass ]; then verdict=PASS; else verdict=FAIL; fi
  printf '%s %s %.1f expected pass with controls %s, got %s: %s\n' "$name" \
    "$verdict" "$seconds" "$controls" "$got" "$what" >"$logs/$name.result"
  cat "$logs/$name.result"
  for c in ${controls//,/ }; do
    local broke
    broke=$(grep -m1 -E " control $c: FAILURE\$" <<<"$failures" | sed 's/: FAILURE$//' || true)
    if [ "$rc" -ne 0 ] && [ "$rc" -ne 10 ]; then verdict=FAIL got="error (exit $rc)"
    elif [ -n "$broke" ]; then verdict=PASS got=fail
    else verdict=FAIL got=pass broke="no property of control $c failed"; fi
    printf '%s %s %.1f expected fail, got %s (in the run of %s): %s\n' \
      "$name-$(control_slug "$c")-broken" "$verdict" 0 "$got" "$name" "$broke" \
      >"$logs/$name-$(control_slug "$c")-broken.result"
    cat "$logs/$name-$(control_slug "$c")-broken.result"
  done
}
# ---- the queue -----------------------------------------------------------------
# The jobs take the next check from one list under a lock, so a job that
# joins late (--join-after) or ends early takes whatever is left. The list
# runs backwards: the heavy checks (relay, inbox) are listed last, and a
# queue that starts with them ends on short ones, so the jobs end nearly
# together.
queue="$logs/queue"
checks | awk -F'|' -v re="$only" 're == "" || $1 ~ re' | tac >"$queue"
echo 0 >"$queue.next"
queue_length=$(wc -l <"$queue")

# take_check: prints the next check, or fails when none is left.
take_check() {
  local n line=
  {
    flock 8
    n=$(cat "$queue.next")
    if [ "$n" -lt "$queue_length" ]; then
      line=$(sed -n "$((n + 1))p" "$queue")
      echo $((n + 1)) >"$queue.next"
    fi
  } 8>"$queue.lock"
  [ -n "$line" ] && printf '%s\n' "$line"
}

job() { # [join-after file]
  local line
  if [ -n "${1:-}" ]; then
    until [ -e "$1" ]; do
      [ "$(cat "$queue.next")" -lt "$queue_length" ] || return 0
      sleep 2
    done
  fi
  while line=$(take_check); do run_check "$line"; done
}

job_pids=()
for ((j = 0; j < jobs; j++)); do
  if [ "$j" -eq 0 ]; then job & else job "$join_after" & fi
  job_pids+=($!)
done
wait "${job_pids[@]}" || true

total=$(cat "$logs"/*.result | wc -l)
# (grep -c exits 1 when it counts nothing: not an error here)
failed=$(cat "$logs"/*.result | grep -c ' FAIL ' || true)
broken=$(cat "$logs"/*.result | grep -c -- '-broken PASS' || true)
echo "proofs: $((total - failed)) of $total checks as expected ($broken broken variants rejected), $failed not, in $((SECONDS - start)) s"
# A proof with controls gives a result per control too.
expected_results=$((queue_length + $(awk -F'|' '$2 ~ /^pass\+/ { n += split(substr($2, 6), c, ",") } END { print n + 0 }' "$queue")))
if [ "$total" -ne "$expected_results" ]; then
  echo "proofs: $expected_results results expected, $total given: a job ended early"
  exit 1
fi
if [ "$failed" -ne 0 ]; then
  grep -h ' FAIL ' "$logs"/*.result | sed 's/^/proofs: NOT AS EXPECTED: /'
  exit 1
fi
