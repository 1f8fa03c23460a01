# SPDX-License-Identifier: MIT
"""Every public function, called with bad pointers (issue 2: "NULL or
uninitialised objects ... each returns its documented error code in
release, reaches the misuse handler in the checked build").

The functions are those abi/include/bcsc.h declares, as pycparser reads them:
a function added later is swept without a line here. Each is called, in a
forked child (sweep.py), once with every pointer NULL and every integer 0,
then once per pointer argument with that argument pointing at zeroed memory
and once at 0xA5 garbage, of its object's size (bcsc_<object>_sizeof()), the
others NULL/0. The oracle, per call:

  - no crash, no hang, nothing written past the object's end;
  - a call that fails leaves its memory untouched (STYLE.md: "A function
    that fails leaves its arguments untouched"; WRITES_ON_FAILURE lists the
    out parameters documented otherwise), and nothing writes through a
    pointer to const;
  - an int answer below 0 is a code of the error table, and one the
    function's header documents (retvals.py: its @retval and @return
    lines, through their references), or one docs/api-conventions.md
    gives every function: BCSC_EINVAL for a NULL pointer, BCSC_EBADOBJ for
    an object that is not one (a query's answer to garbage aside);
  - an operation (an int function taking a non-const pointer) fails on a
    NULL or not-initialised object - except an _init on the memory it
    initialises (D4: _init never reads it, zeroed or garbage);
  - a query (any other function: by its signature it cannot fail) gives
    its neutral answer for NULL and for zeroed memory: 0 or NULL, or what
    its header comment says it answers for NULL (NULL_ANSWERS); a query
    that returns int may answer an error code instead. What a query reads
    from garbage is not judged: queries check no magic;
  - reports through the misuse handler name NULL (NULL_OBJECT) or the bad
    memory, by the address the caller passed (not a part of it: a timer
    once named its embedded registration).
    In the checked build every failure of an operation comes with exactly
    one; success is silent; a query given NULL answers in silence, given
    zeroed or garbage memory it may report it once. The release build
    reports nothing (D5; D84's two codes of every build are for live
    objects, which none of these calls has). Functions that run in signal
    handlers never report (their header says so);
  - void functions: in the checked build a NULL object is reported once
    (there is no answer to fail with), except by the two C-scope cleanups
    (D82, D84), which leave a zero or NULL object alone in silence and
    report garbage once (BAD_OBJECT) - in the checked build only.

Exceptions, each with the words of the header that make it one: the tables
below. The shipped reactors (bcsc/reactor_*.h, outside the core) are held to
all of it (D90).
"""

import pytest

import retvals
import sweep
from bcsc_ffi import CHECKED, DOCS, FUNCTIONS, ffi, header_says, lib

# Out parameters that a failure still writes, as documented:
# name -> (argument number, header, words).
WRITES_ON_FAILURE = {
    "bcsc_executor_run_once": (2, "bcsc/executor.h",
                               "receives the task that took the turn, or NULL if none was taken (or on error)"),
    "bcsc_race": (5, "bcsc/combinator.h",
                  "When the result comes, *@p winner (if @p winner is not NULL) is the index"),
}

# Plain data the caller fills, with no magic: the pointers in it (a vtable,
# an executor) are taken on trust, and garbage in them is a wild pointer no
# check can tell from a real one. Their garbage cases are not made.
PLAIN_DATA = {
    "reactor": ("bcsc/reactor.h", "A reactor. Implementations embed it as their first member."),
    "waker": ("bcsc/waker.h", "A value waker. Plain data: copy it, store it, send it to another thread."),
}

# Macros cdef() cannot take (their values are UINT64_MAX and UINT32_MAX in
# bcsc/timer.h and bcsc/select.h).
NO_DEADLINE, SELECT_NONE = 2**64 - 1, 2**32 - 1

# Queries whose neutral answer is not 0/NULL: name -> (value, words of its
# header comment that give it).
NULL_ANSWERS = {
    "bcsc_waitq_empty": (1, "1 for NULL"),
    "bcsc_timer_deadline": (NO_DEADLINE, "BCSC_NO_DEADLINE if it has none (or is NULL, or not an initialised timer)"),
    "bcsc_scope_deadline": (NO_DEADLINE, "BCSC_NO_DEADLINE if none (or for NULL)"),
    "bcsc_executor_next_deadline": (NO_DEADLINE, "Also BCSC_NO_DEADLINE for NULL"),
    "bcsc_select_result": (lib.BCSC_PENDING, "BCSC_PENDING before that (and for NULL)"),
    "bcsc_select_winner": (SELECT_NONE, "BCSC_SELECT_NONE if none has won (or for NULL)"),
    "bcsc_stream_kind": (lib.BCSC_STREAM_NONE, "BCSC_STREAM_NONE for NULL"),
}

# The two ends of C scopes (D82/D84).
CLEANUPS = ("bcsc_task_cleanup", "bcsc_executor_cleanup")


def is_query(name):
    """Not an operation: it returns something other than int, or takes only
    pointers to const."""
    ctype, args = sweep.signature(name)
    if ctype.result.cname != "int":
        return True
    return all(a.const for a in args if a.kind == "ptr")


def signal_safe(name):
    """Callable from a signal handler: it must not call a handler that may
    print and abort, so it never reports (its errors are returned)."""
    return "also signal handlers" in DOCS[name]


def swept(case):
    """Whether the sweep makes @case (see PLAIN_DATA)."""
    return not any(case.args[i].object in PLAIN_DATA and fill == "garbage"
                   for i, fill in case.fills.items())


def inside(address, outcome):
    return any(m["address"] <= address < m["address"] + m["size"] for m in outcome["memory"].values())


def passed(address, outcome):
    return any(m["address"] == address for m in outcome["memory"].values())


def judge(case, outcome):
    """What is wrong with @outcome of @case: a list of sentences."""
    name = case.name
    if "died" in outcome:
        return [outcome["died"]]
    problems = []
    ret = outcome["ret"]
    ctype, _ = sweep.signature(name)
    failed = ctype.result.cname == "int" and ret < 0
    fill = next(iter(case.fills.values()), None)
    filled = next(iter(case.fills), None)

    for i, m in outcome["memory"].items():
        what = "the %s (arg %d)" % (case.args[i].label, i + 1)
        if m["overrun"]:
            problems.append("wrote past the end of %s (%d bytes)" % (what, m["size"]))
        if m["written"] and case.args[i].const:
            problems.append("wrote into %s, a pointer to const" % what)
        if m["written"] and failed and WRITES_ON_FAILURE.get(name, (0,))[0] != i + 1:
            problems.append("failed (%s) but wrote into %s" % (sweep.ERRORS.get(ret, ret), what))
    # (A query that returns a stored result - a task's, the kernel's - may
    # read anything from garbage.)
    if failed and ret not in sweep.ERRORS and not (is_query(name) and fill == "garbage"):
        problems.append("answered %d, not a code of the error table" % ret)
    elif failed and not (is_query(name) and fill == "garbage"):
        why = retvals.allowed(name, ret, [(case.fills.get(i, "null"), case.args[i].object)
                                          for i in case.null_pointers + list(case.fills)])
        if why:
            problems.append(why)

    # The answer.
    if case.label == "no pointer":
        pass
    elif ctype.result.kind == "void":
        pass
    elif is_query(name):
        # Garbage is not judged here: a query reads fields, it checks no magic.
        want = NULL_ANSWERS.get(name, (0,))[0]
        member = (ctype.result.kind == "pointer" and ctype.result.item.cname != "char"
                  and fill == "zeroed" and inside(ret, outcome))  # an address, not a read
        if fill != "garbage" and not (ret == want or failed or member):
            problems.append("answered %r where its neutral answer is %r" % (ret, want))
    elif not failed:
        init_target = name.endswith("_init") and filled == 0
        if not init_target:
            problems.append("answered %r where an error was due" % (ret,))

    # The misuse reports.
    reports = outcome["reports"]
    codes = [sweep.MISUSES.get(c, str(c)) for c, _ in reports]
    for code, obj in reports:
        if code not in sweep.MISUSES:
            problems.append("reported code %d, not a BCSC_MISUSE_* code" % code)
        if obj != 0 and not passed(obj, outcome):
            problems.append("reported %s on %#x, which is neither NULL nor the bad memory passed"
                            % (sweep.MISUSES.get(code, code), obj))
        if (code == lib.BCSC_MISUSE_NULL_OBJECT) != (obj == 0):
            problems.append("reported %s on %#x" % (sweep.MISUSES.get(code, code), obj))
    if not CHECKED or signal_safe(name):
        want = (0,)
        why = "release build" if not CHECKED else "signal-safe: never reports"
    elif name in CLEANUPS:
        want = (1,) if fill == "garbage" else (0,)
        why = "D82: a zero object is left alone; garbage is not one"
    elif ctype.result.kind == "void":
        # Nothing to answer with: a NULL object is told to the handler.
        want = (1,) if any(case.args[i].object for i in case.null_pointers) else (0,)
        why = "a void function reports the NULL object it cannot use"
    elif is_query(name):
        want = (0,) if not case.fills else (0, 1)
        why = "a query answers NULL with its neutral answer"
    elif failed:
        want = (1,)
        why = "a failure on bad input reaches the misuse handler once"
    else:
        want = (0,)
        why = "success is silent"
    if len(reports) not in want:
        problems.append("%d misuse reports (%s), expected %s (%s)"
                        % (len(reports), ", ".join(codes) or "none", " or ".join(map(str, want)), why))
    return problems


@pytest.mark.parametrize("name", FUNCTIONS)
def test_bad_pointers(name):
    failures = []
    for case in filter(swept, sweep.cases(name)):
        for problem in judge(case, sweep.run(case)):
            failures.append("%s: %s" % (case, problem))
    if failures:
        pytest.fail("\n".join(failures), pytrace=False)


def test_allowlist_reasons_are_in_the_header():
    """Each exception cites its header comment; a comment that changes makes
    the exception be looked at again."""
    stale = []
    for name, (_, words) in NULL_ANSWERS.items():
        if name not in FUNCTIONS or words not in DOCS[name]:
            stale.append("%s: its header comment no longer says %r" % (name, words))
    for name, (_, header, words) in WRITES_ON_FAILURE.items():
        if name not in FUNCTIONS or not header_says(header, words):
            stale.append("%s: %s no longer says %r" % (name, header, words))
    for obj, (header, words) in PLAIN_DATA.items():
        if not header_says(header, words):
            stale.append("bcsc_%s_t: %s no longer says %r" % (obj, header, words))
    assert not stale, "\n".join(stale)


def test_the_sweep_sees_every_declared_function():
    """The sweep's list is the parser's, and every function resolves in the
    library under test."""
    assert len(FUNCTIONS) > 200
    missing = [f for f in FUNCTIONS if not hasattr(lib, f)]
    assert not missing
    assert ffi.typeof(getattr(lib, FUNCTIONS[0])).kind == "function"


def test_documented_codes_rule_is_in_the_conventions():
    """The codes retvals.allowed() grants every function are the ones
    docs/api-conventions.md grants; and each function whose header allows
    any code says so in words, printed (pytest -s) to be read."""
    with open(retvals.CONVENTIONS) as fh:
        assert " ".join(retvals.GENERAL_RULE.split()) in " ".join(fh.read().split())
    found = []
    for name in FUNCTIONS:
        _, open_words = retvals.documented(name)
        found += ["%s allows any code: %s" % (name, words) for words in open_words]
    print("\n".join(["headers that pass on another's answer:"] + found))
    assert found
