# SPDX-License-Identifier: MIT
"""What each public function's header says it answers: its @retval and
@return lines (the header is the reference, docs/api-conventions.md), for
the sweeps' oracles.

A line's answer is its first words: a code (`@retval BCSC_EINVAL ...`), a
number (`@retval 0 ...`, `@retval BCSC_PENDING ...`), or a catch-all:
`@retval (negative) ...`, `@retval 0 or negative ...`, `@retval (other)
...`, `@retval as bcsc_y()` or `@retval (as bcsc_y())`, or any line saying
"the errors of" (`@retval 0 and the errors of bcsc_scope_spawn()`). Every BCSC_E* code a
line names is documented (`@return the number of tasks woken, or
BCSC_EINVAL / BCSC_EBADOBJ`; `@retval as bcsc_uring_read(); BCSC_ENOTSUP for
...`). A catch-all documents the codes of the functions it names ("the
errors of bcsc_x() and bcsc_y()", "as bcsc_y()", "(see bcsc_scope_spawn())"),
followed transitively. A catch-all that names no function, or passes on
another's answer ("the child's error", "@p root's result", "the reactor's
park failed with this code", "the source's waiting call"), documents every
code: what a child, a root task or a reactor returns is theirs to choose
(a task's own errors are <= BCSC_EUSER), and the caller must take any.
Such functions are "open" (documented()'s words), and the sweeps cannot
hold them to a list.

Besides, docs/api-conventions.md ("Errors") gives two codes to every
function that refuses a call, documented or not: BCSC_EINVAL for a NULL
object or needed pointer, BCSC_EBADOBJ for an object that is not one
(never initialised, torn down, moved). GENERAL_RULE quotes it; allowed()
applies it to the bad arguments of a case.
"""

import functools
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "abi"))
import abi_common as abi  # noqa: E402

# Each function's header comment. Read without the library, so that
# codereach.py can judge a build that has no libbcsc.so (the coverage lane's).
DOCS = {name: text for name, (_, text) in abi.doc_comments().items()}

# A tagged paragraph of a comment: up to the next tag (@p is inline).
SEGMENT = re.compile(r"@(retval|return)\b(.*?)(?=@(?:retval|return|thread|allocates|since|param)\b|$)")
CODE = re.compile(r"\bBCSC_E[A-Z]+\b")
REFERENCE = re.compile(r"\b(bcsc_\w+)\(\)")
CATCH_ALL = re.compile(r"^(?:\((?:negative|other|as\b)|as\b|0 or negative\b)|\bthe errors of\b")
# Another's answer passed on: "the child's error", "@p root's result".
PASSED_ON = re.compile(r"\w's (?:error|result)\b")

# docs/api-conventions.md's rule for every function, quoted: the test fails
# if the document stops saying it.
GENERAL_RULE = ("a call refused for a NULL object, or for NULL where it needs a pointer, answers "
                "`BCSC_EINVAL`; one refused for an object that is not one (never initialised, torn down, "
                "moved or copied while linked) answers `BCSC_EBADOBJ`")
CONVENTIONS = os.path.join(abi.ROOT, "docs", "api-conventions.md")


def segments(name):
    """@name's tagged answers: [(tag, text)]."""
    return [(m.group(1), m.group(2).strip()) for m in SEGMENT.finditer(DOCS[name])]


def _documented(name, seen):
    codes, open_words = set(), []
    if name in seen or name not in DOCS:
        return codes, open_words
    seen.add(name)
    for tag, text in segments(name):
        codes.update(CODE.findall(text))
        if tag != "retval" or not CATCH_ALL.search(text):
            continue
        refs = REFERENCE.findall(text)
        if not refs or PASSED_ON.search(text):
            open_words.append("%s: @retval %s" % (name, text))
        for ref in refs:
            more, more_open = _documented(ref, seen)
            codes |= more
            open_words += more_open
    return codes, open_words


@functools.lru_cache(maxsize=None)
def documented(name):
    """The BCSC_E* names @name's header documents, through its references;
    and the words that leave it open (any code), if any: (set, list)."""
    return _documented(name, set())


@functools.lru_cache(maxsize=None)
def _code_names():
    """{value: BCSC_E* name} of the library's error table."""
    from bcsc_ffi import lib

    return {getattr(lib, k): k for k in sorted(dir(lib)) if CODE.fullmatch(k)}


# How each negative answer the sweeps judged was allowed, for the summary:
# "header", "general rule" or "open" -> number of calls.
judged = {}


def allowed(name, ret, bad):
    """Whether a negative @ret is an answer @name's header allows, for a call
    whose bad arguments are @bad: [(fill, is a bcsc object)], fill "null",
    "zeroed" or "garbage". None if allowed, else the sentence saying why
    not."""
    codes, open_words = documented(name)
    code = _code_names().get(ret)
    if code in codes:
        how = "header"
    elif open_words:
        how = "open"
    # The general rule: a NULL pointer, an object that is not one.
    elif code == "BCSC_EINVAL" and any(fill == "null" for fill, _ in bad):
        how = "general rule"
    elif code == "BCSC_EBADOBJ" and any(fill != "null" and obj for fill, obj in bad):
        how = "general rule"
    else:
        return "answered %s, which its header does not document (it documents %s)" % (
            code or ret, ", ".join(sorted(codes)) or "no code")
    judged[how] = judged.get(how, 0) + 1
    return None


def answers(name):
    """The non-negative answers @name's header gives an operation, {value:
    its words}: 0, BCSC_PENDING where a line (or one it refers to) is
    `@retval BCSC_PENDING`, and each number of `@retval N` / `@return N`;
    through `@retval as bcsc_y()` those of bcsc_y() too."""
    from bcsc_ffi import lib

    found, todo, seen = {0: "0"}, [name], set()
    while todo:
        n = todo.pop()
        if n in seen or n not in DOCS:
            continue
        seen.add(n)
        for tag, text in segments(n):
            if tag == "retval" and text.startswith("BCSC_PENDING"):
                found[lib.BCSC_PENDING] = "BCSC_PENDING"
            m = re.match(r"(\d+)\b", text)
            if m:
                found.setdefault(int(m.group(1)), m.group(1))
            if tag == "retval" and re.match(r"\(?as\b", text):
                todo += REFERENCE.findall(text)
    return found
