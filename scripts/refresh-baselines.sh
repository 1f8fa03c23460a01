#!/usr/bin/env bash
# refresh-baselines.sh - regenerate every committed table the ABI and stack
# checks compare against, after an intended change, in one command:
#
#   abi/layout/*.txt + tests/test_layout.c's block
#                         scripts/check-abi-parsers.sh --update-layout
#                         (x86_64, i686, aarch64, armhf; C11 and C++17)
#   abi/baseline/         scripts/update-abi-baseline.sh (abidw of
#                         libbcsc.so; refuses while version.h still says the
#                         baseline's version - bump it first)
#   tests/stack/ceilings.txt
#                         scripts/check-stack-usage.sh --update
#
# Then review `git diff` and commit the tables with the change that moved
# them. Needs what scripts/install-test-deps.sh installs.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/check-abi-parsers.sh --update-layout --no-cargo
bash scripts/update-abi-baseline.sh
bash scripts/check-stack-usage.sh --update
git status --short -- abi/layout abi/baseline tests/test_layout.c tests/stack
