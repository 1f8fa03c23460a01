# SPDX-License-Identifier: MIT
"""Say which libbcsc.so the Python tests loaded, and whether it is the
checked build, at the top of every run (the answers differ between the
two), and again at its end with the number of calls made."""

import sys

import bcsc_ffi
import retvals
import sweep


def pytest_report_header(config):
    return bcsc_ffi.describe()


def pytest_terminal_summary(terminalreporter):
    if sweep.calls:
        terminalreporter.write_line("%s: %d calls, each in a child of its own"
                                    % (bcsc_ffi.describe(), sweep.calls))
    if retvals.judged:
        terminalreporter.write_line("failing calls' codes: %s (retvals.py)" % ", ".join(
            "%d %s" % (n, {"header": "documented by the header", "general rule": "by api-conventions.md's "
                           "rule for every function", "open": "by a header that allows any code"}[k])
            for k, n in sorted(retvals.judged.items(), key=lambda kv: -kv[1])))
    neighbours = sys.modules.get("test_bad_neighbours")
    if neighbours and neighbours.valid_calls:
        # What the calls with every argument valid answered, by what
        # success is for them (test_bad_neighbours.success()).
        answers = {}
        for name, ret in neighbours.valid_calls.items():
            key = neighbours.success(name, ret)
            answers[key] = answers.get(key, 0) + 1
        terminalreporter.write_line("test_bad_neighbours: %d calls with every argument valid succeeded (%s); "
                                    "no exception" % (len(neighbours.valid_calls), ", ".join(
                                        "%s: %d" % kv for kv in sorted(answers.items()))))
    if neighbours and neighbours.refused_again:
        codes = {}
        for ret in neighbours.refused_again.values():
            code = sweep.ERRORS.get(ret, str(ret))
            codes[code] = codes.get(code, 0) + 1
        terminalreporter.write_line("test_bad_neighbours: %d valid calls made again were refused with a "
                                    "documented code (%s)" % (len(neighbours.refused_again), ", ".join(
                                        "%s: %d" % kv for kv in sorted(codes.items()))))
    if neighbours and neighbours.not_made:
        terminalreporter.write_line("test_bad_neighbours: %d cases not made (an argument that must be valid "
                                    "was not made):" % len(neighbours.not_made))
        for case, why in neighbours.not_made:
            terminalreporter.write_line("  %s: %s" % (case, why))
