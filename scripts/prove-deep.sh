#!/usr/bin/env bash
# prove-deep.sh - the proofs of scripts/prove.sh at larger bounds, on demand
# (not CI): the list sequence over 4 nodes and 5 steps, take_tick() for
# all inputs, and every waiter-list operation from every state of up to 4
# registrations on 2 lists. Tens of minutes or more on a 2-core machine;
# see docs/testing.md.
#
#   scripts/prove-deep.sh [--jobs N] [--only REGEX]
set -euo pipefail
exec "$(dirname "$0")/prove.sh" --deep "$@"
