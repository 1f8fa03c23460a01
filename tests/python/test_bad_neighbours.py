# SPDX-License-Identifier: MIT
"""Every public function, called with one bad pointer and every other
argument valid (D91).

test_bad_pointers.py leaves every other pointer NULL and every integer 0,
so a NULL check on a later argument is hidden when an earlier argument's
check answers first, and a check that needs a valid object beside the bad
one is out of reach. Here, for each pointer parameter P of each function,
P is NULL, then (a bcsc object) zeroed and garbage memory of its size,
and every other argument is valid (neighbours.py makes them through the
public API; a call that takes the running task makes it from inside the
poll function of a task running on an executor). The oracle is D89's, for
P:

  - no crash, no hang, nothing written past P's memory, nothing into P
    (or into a valid neighbour) by a call that fails, nothing through a
    pointer to const; a negative answer is a code of the error table
    that the header documents, or that docs/api-conventions.md gives
    every function for P (retvals.allowed());
  - an operation fails on a bad P - except an _init given the memory it
    initialises (D4) - and in the checked build reports it exactly once,
    naming P: NULL_OBJECT for NULL, the bad memory (or a part of it)
    otherwise; the release build reports nothing;
  - a query answers a NULL or zeroed P with its neutral answer, reporting
    nothing for NULL;
  - a void function reports its NULL object once (checked build), the
    C-scope cleanups as D82 says;
  - a parameter its header documents as optional ("or NULL", "may be
    NULL", "NULL, or", "if @p x is not NULL", "With @p x NULL,", "(@p x
    not NULL)" - found in the function's comment, per parameter:
    OPTIONAL_WORDS) is not bad when NULL: the call must not report it;
  - zeroed or garbage memory is not bad where the call initialises it
    without reading it (neighbours.INITIALISES) or where a later call
    checks it (CHECKED_LATER), each entry quoting its header.

The shipped reactors (bcsc/reactor_*.h) are held to all of it (D90).
Besides, the call with every argument valid must report nothing and
succeed (success(): an operation 0, or BCSC_PENDING where its header
says it may wait, or a number its header gives; a query that returns int
anything not negative): otherwise the factory did not make valid
neighbours, or made them in a state that refuses the call (an empty
oneshot, a timer not armed, a child that is not the started one), and a
bad case may fail for them, not for P. Made again with the same
arguments, the call meets what the first left (a deinitialised object,
an unlocked mutex, a linked node, a child moved already): refused for
that state, it must answer a code its header documents too.

Last, torn-down objects (D89): every query of an object that has a
bcsc_<object>_deinit() is called on one made here, used, and torn down,
and must answer as it does for zeroed memory, the object's data field
left as it was (test_a_torn_down_object_answers_as_a_zero_one()).
"""

import re

import pytest

import neighbours
import retvals
import sweep
from bcsc_ffi import CHECKED, DOCS, FUNCTIONS, ffi, lib
from test_bad_pointers import (CLEANUPS, NULL_ANSWERS, PLAIN_DATA, WRITES_ON_FAILURE, inside, is_query,
                               signal_safe)

# The phrases by which a header makes a pointer parameter optional; %s is
# its name.
OPTIONAL_WORDS = (r"@param %s [^@]*?\bmay be NULL\b", r"@param %s [^@]*?\bor NULL\b(?! when)",
                  r"@param %s NULL, or\b", r"\bif @p %s is not NULL\b", r"\b[Ww]ith @p %s NULL,",
                  r"\(@p %s not NULL\)")
# Functions whose comment sends the reader to another's for a parameter:
# name -> (the other function, the words that send).
SAME_AS = {"bcsc_broadcast_try_recv": ("bcsc_broadcast_recv", "Lag as in bcsc_broadcast_recv()")}

# Sources a stream takes without looking at them; its next item checks
# them: name -> (parameter, the words of bcsc_stream_next()'s comment).
CHECKED_LATER = {
    "bcsc_stream_channel": ("ch", "the source is not initialised"),
    "bcsc_stream_broadcast": ("rx", "the source is not initialised"),
    "bcsc_stream_interval": ("timer", "the source is not initialised"),
}


def optional(name, pname):
    """The words of @name's comment that make @pname optional, or None."""
    for words in OPTIONAL_WORDS:
        m = re.search(words % re.escape(pname), DOCS[name])
        if m:
            return m.group(0)
    if name in SAME_AS and SAME_AS[name][1] in DOCS[name]:
        return optional(SAME_AS[name][0], pname)
    return None


def success(name, ret):
    """How @ret counts as a success of @name's call with every argument
    valid (words for the summary), or None if it is none: an operation
    answers one of retvals.answers(); a query that returns int anything not
    negative (the factory's objects are fresh or done: those that hand
    back another call's result - bcsc_task_result(), bcsc_select_result()
    - have 0 or BCSC_PENDING to give); any other query and a void function
    cannot fail by their signature."""
    if not is_query(name):
        return retvals.answers(name).get(ret)
    if sweep.signature(name)[0].result.cname != "int":
        return "not int (cannot fail)"
    return "int query, not negative" if ret >= 0 else None


def judge(case, out):
    """What is wrong with @out, the outcome of @case: a list of sentences."""
    name, i, fill = case.name, case.bad, case.fill
    if "died" in out:
        return [out["died"]]
    problems = []
    reports = out["reports"]
    codes = [sweep.MISUSES.get(c, str(c)) for c, _ in reports]
    if out["setup_reports"]:
        problems.append("making the valid arguments reported %s (the factory's fault)"
                        % [sweep.MISUSES.get(c, c) for c, _ in out["setup_reports"]])
    if i is None:
        if reports:
            problems.append("every argument valid, yet it reported %s: the neighbours are not valid"
                            % ", ".join(codes))
        # The valid call must work: else a bad case may fail for a
        # neighbour in the wrong state (an empty oneshot, a timer not
        # armed, a child that is not the started one), not for its bad P.
        if success(name, out["ret"]) is None:
            problems.append("every argument valid, yet it answered %s (success: %s)" % (
                sweep.ERRORS.get(out["ret"], out["ret"]),
                "not negative" if is_query(name) else " or ".join(retvals.answers(name).values())))
        # Made again, the call meets what the first left: refused for
        # that state, it answers a documented code.
        if out.get("again", 0) < 0 and not is_query(name):
            why = retvals.allowed(name, out["again"], [])
            if why:
                problems.append("called again with the same arguments, it " + why)
            else:
                refused_again[name] = out["again"]
        return problems

    ret = out["ret"]
    arg = case.args[i]
    failed = case.ctype.result.cname == "int" and ret < 0
    optional_null = fill == "null" and optional(name, case.params[i])
    query = is_query(name)

    for j, m in out["memory"].items():
        if m["overrun"]:
            problems.append("wrote past the end of the %s (%d bytes)" % (arg.label, m["size"]))
        if m["written"] and arg.const:
            problems.append("wrote into the %s, a pointer to const" % arg.label)
        if m["written"] and failed and WRITES_ON_FAILURE.get(name, (0,))[0] != j + 1:
            problems.append("failed (%s) but wrote into the %s" % (sweep.ERRORS.get(ret, ret), arg.label))
    if failed and out["neighbours_written"]:
        problems.append("failed (%s) but wrote into %s" % (
            sweep.ERRORS.get(ret, ret), ", ".join(case.params[j] for j in out["neighbours_written"])))
    if failed and ret not in sweep.ERRORS and not (query and fill == "garbage"):
        problems.append("answered %d, not a code of the error table" % ret)
    elif failed and not (query and fill == "garbage"):
        why = retvals.allowed(name, ret, [(fill, arg.object)])
        if why:
            problems.append(why)

    # The answer.
    if case.ctype.result.kind == "void" or optional_null:
        pass
    elif query:
        want = NULL_ANSWERS.get(name, (0,))[0]
        member = (case.ctype.result.kind == "pointer" and fill == "zeroed" and inside(ret, out))
        if fill != "garbage" and not (ret == want or failed or member):
            problems.append("answered %r where its neutral answer is %r" % (ret, want))
    elif not failed:
        init_target = neighbours.initialises(name, i) and fill != "null"
        later = CHECKED_LATER.get(name, (None,))[0] == case.params[i] and fill != "null"
        if not (init_target or later):
            problems.append("answered %r where an error was due" % (ret,))

    # The reports name P: the bad memory, or NULL. A NULL argument may be
    # told as BAD_ARGUMENT, on NULL or on the object it came with.
    for code, obj in reports:
        named = inside(obj, out) if fill != "null" else (
            obj == 0 or any(a <= obj < a + n for a, n in out["made"]))
        if not named:
            problems.append("reported %s on %#x, not on the bad %s" % (sweep.MISUSES.get(code, code),
                                                                       obj, case.params[i]))
        elif fill == "null" and code not in (lib.BCSC_MISUSE_NULL_OBJECT, lib.BCSC_MISUSE_BAD_ARGUMENT):
            problems.append("reported %s for the NULL %s" % (sweep.MISUSES.get(code, code), case.params[i]))
    if not CHECKED or signal_safe(name):
        want, why = (0,), "release build" if not CHECKED else "signal-safe: never reports"
    elif optional_null:
        want, why = (0,), "its header says %r" % optional_null
    elif name in CLEANUPS:
        want, why = ((1,) if fill == "garbage" else (0,)), "D82: a zero object is left alone"
    elif case.ctype.result.kind == "void":
        want, why = ((1,) if fill == "null" and arg.object else (0,)), "a void function reports a NULL object"
    elif query:
        want, why = ((0,) if fill == "null" else (0, 1)), "a query answers NULL with its neutral answer"
    elif failed:
        want, why = (1,), "a failure on a bad argument reaches the misuse handler once"
    else:
        want, why = (0,), "success is silent"
    if len(reports) not in want:
        problems.append("%d misuse reports (%s), expected %s (%s)"
                        % (len(reports), ", ".join(codes) or "none", " or ".join(map(str, want)), why))
    return problems


def made(case):
    """Whether the case is made (test_bad_pointers.PLAIN_DATA: no garbage
    of plain data)."""
    return not (case.fill == "garbage" and case.args[case.bad].object in PLAIN_DATA)


# The functions with a pointer to make bad (the rest have no case).
SWEPT = [f for f in FUNCTIONS if len(neighbours.cases(f)) > 1]


# Cases not made, for the summary: (case, why).
not_made = []
# The calls with every argument valid that passed, for the summary:
# name -> what it answered.
valid_calls = {}
# Those refused when made again, with a documented code: name -> the code.
refused_again = {}


@pytest.mark.parametrize("name", SWEPT)
def test_bad_neighbours(name):
    failures, made_any = [], False
    for case in filter(made, neighbours.cases(name)):
        out = neighbours.run(case)
        if "unavailable" in out:
            not_made.append((case, out["unavailable"]))
            continue
        made_any = True
        if "unmade" in out:
            failures.append("%s: could not make a valid argument: %s" % (case, out["unmade"]))
            continue
        problems = judge(case, out)
        failures += ["%s: %s" % (case, problem) for problem in problems]
        if case.bad is None and not problems:
            valid_calls[name] = out["ret"]
    if failures:
        pytest.fail("\n".join(failures), pytrace=False)
    if not made_any:
        pytest.skip("no case made: " + "; ".join("%s: %s" % c for c in not_made if c[0].name == name))


def test_exceptions_are_in_the_header():
    """Each exception cites its header comment; a comment that changes makes
    the exception be looked at again."""
    stale = ["%s: no longer says %r" % (name, words) for name, (_, words) in neighbours.INITIALISES.items()
             if words not in DOCS[name]]
    stale += ["%s: no longer says %r" % (name, words) for name, (_, words) in SAME_AS.items()
              if words not in DOCS[name]]
    stale += ["bcsc_stream_next: no longer says %r" % words for _, words in CHECKED_LATER.values()
              if words not in DOCS["bcsc_stream_next"]]
    assert not stale, "\n".join(stale)


def test_optional_parameters_are_quoted():
    """Every parameter taken as optional is so by its header's words; the
    list is printed (pytest -s) to be read."""
    found = []
    for name in SWEPT:
        for pname in sweep.PARAM_NAMES[name]:
            words = optional(name, pname)
            if words:
                assert words in DOCS[name] or words in DOCS[SAME_AS[name][0]]
                found.append("%s(%s): %r" % (name, pname, words))
    print("\n".join(["optional pointer parameters:"] + found))
    assert found


# ---- torn-down objects (D89) ----------------------------------------------
#
# A query of an object whose teardown (bcsc_<object>_deinit()) succeeded
# answers as it does for a zero object: the factory's object, taken past
# its first state where one public call without a task does it (USED),
# torn down, then the query, against the same query of zeroed memory. An
# object given a teardown later is swept without a line here.

def _park_once(world, r):
    """A reactor's park with a deadline already past: counted, and back at
    once."""
    base = ffi.cast(neighbours.TYPES["bcsc_reactor_t *"], r)
    return base.vtable.park(base, 0)


# Calls that move an object past the state the factory leaves it in (the
# factory's channel holds a message, its semaphore permits, its pool free
# frames, its executor a reactor): obj -> [call(world, obj) answering 0].
USED = {
    "watch": [lambda w, o: lib.bcsc_watch_publish(o, w.buffer(), neighbours.ELEM),
              lambda w, o: lib.bcsc_watch_close(o)],
    "event": [lambda w, o: lib.bcsc_event_set(o)],
    "broadcast": [lambda w, o: lib.bcsc_broadcast_send(o, w.buffer(), neighbours.ELEM),
                  lambda w, o: lib.bcsc_broadcast_close(o)],
    "channel": [lambda w, o: lib.bcsc_channel_close(o)],
    "epoll_reactor": [_park_once],
    "posix_reactor": [_park_once],
    "uring_reactor": [_park_once],
}
TORN_DOWN = sorted(f[len("bcsc_"):-len("_deinit")] for f in FUNCTIONS if f.endswith("_deinit"))
# (query, index of its argument that is a torn-down object's).
TORN_DOWN_QUERIES = [(f, i) for f in FUNCTIONS if is_query(f) and sweep.signature(f)[0].result.kind != "void"
                     for i, a in enumerate(sweep.signature(f)[1]) if a.object in TORN_DOWN]


def _answer(ctype, ret, obj):
    """@ret as the JSON outcome takes it; a pointer into @obj as its offset
    there (a member's address is the same member of any object)."""
    if ctype.result.kind != "pointer" or ret == ffi.NULL:
        return sweep.outcome(ctype, ret, {})["ret"]
    address = int(ffi.cast(sweep.ADDRESS, ret))
    offset = address - int(ffi.cast(sweep.ADDRESS, obj))
    return "member at offset %d" % offset if 0 <= offset < sweep.Arg(ffi.typeof(obj), False).size else address


def _torn_down_call(name, i):
    """In the child: the answers of @name with argument @i torn down, and
    with it zeroed memory."""
    def work():
        world = neighbours.World(None)
        ctype, args = sweep.signature(name)
        params = sweep.PARAM_NAMES[name]
        values = []
        try:
            for pname, a in zip(params, args):
                values.append(world.value(name, pname, a, values))
        except neighbours.Unavailable as e:
            return {"unavailable": str(e)}
        except neighbours.Unmade as e:
            return {"died": "could not make a valid argument: %s" % e}
        obj = args[i].object
        for use in USED.get(obj, []):
            rc = use(world, values[i])
            if rc != 0:
                return {"died": "making the %s used: a call answered %d" % (obj, rc)}
        fields = dict(ffi.typeof(values[i]).item.fields)
        if "data" in fields:
            values[i].data = values[i]
        rc = getattr(lib, "bcsc_%s_deinit" % obj)(values[i])
        if rc != 0:
            return {"died": "bcsc_%s_deinit() answered %d" % (obj, rc)}
        out = {"torn_down": _answer(ctype, getattr(lib, name)(*values), values[i]),
               "data_kept": "data" not in fields or values[i].data == values[i]}
        values[i] = world.memory(obj)
        out["zero"] = _answer(ctype, getattr(lib, name)(*values), values[i])
        return out
    return work


@pytest.mark.parametrize("name,i", TORN_DOWN_QUERIES, ids=["%s-%d" % q for q in TORN_DOWN_QUERIES])
def test_a_torn_down_object_answers_as_a_zero_one(name, i):
    """D89: what a query of a torn-down object answers is what it answers
    for a zero object; the teardown leaves the caller's data field alone."""
    out = sweep.in_child(_torn_down_call(name, i))
    if "unavailable" in out:
        pytest.skip(out["unavailable"])
    assert "died" not in out, out["died"]
    assert out["torn_down"] == out["zero"], "torn down it answered %r, zeroed %r" % (out["torn_down"], out["zero"])
    assert out["data_kept"], "the teardown wrote the caller's data field"


def test_every_torn_down_object_is_swept():
    """The sweep above finds the objects with a teardown and their queries
    by itself; this says it found them."""
    assert len(TORN_DOWN) >= 14 and len(TORN_DOWN_QUERIES) >= 30
    # (A oneshot has no query.)
    assert {sweep.signature(f)[1][i].object for f, i in TORN_DOWN_QUERIES} >= set(TORN_DOWN) - {"oneshot"}
