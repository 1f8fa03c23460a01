#!/usr/bin/env python3
"""mutate.py - the mutant generator and runner behind scripts/mutate.sh.

  mutate.py list [SELECTION]                 print the selected mutants
  mutate.py sync SRC DST                     mirror the tracked tree SRC into DST
  mutate.py run --tree DIR --build DIR --out DIR [--timeout S] [--labels RE]
                [--tests RE] [--jobs N] [--target T]... [SELECTION]

SELECTION: --root DIR (where libbcsc/src is read from, default: this repo),
--file NAME[,NAME] (e.g. wait.c, internal.h, epoll.c or reactors/epoll.c),
--ops OP[,OP],
--sample N,
--seed S, --ids FILE (the first column of each line is a mutant id: a
report.tsv works), --release-only (only the mutants in code that only the
release build compiles: release_only_spans() says which; mutate.sh then
builds the release preset).

--target T (repeatable): the ninja targets each mutant rebuilds (default:
all of them); the smoke run builds only the one suite it runs.

Mutants are made at the source level from the core's *.c files, its own
headers (libbcsc/src/*.h: internal.h, list.h, inbox.h, relay.h) and the
shipped reactors (libbcsc/src/reactors/: epoll.c, posix.c, uring.c, sim.c,
spin.c, wake_fd.c, wake_fd.h; a reactor's file is named reactors/NAME in
ids and reports; not hosted/), after comments, string literals and preprocessor
lines are blanked out - but for the body of a #define, which is mutated as
code (list.h is nothing but macros; a mutant there that does not compile is
invalid like any other) - by these operators:

  ror  relational operator: < <=, > >=, == != swapped with their boundary
       or negated twin (< -> <=, <= -> <, > -> >=, >= -> >, == <-> !=)
  lcr  logical connector: && <-> ||
  aor  arithmetic and bitwise operator: binary + <-> -, ++ <-> --,
       += <-> -=, << <-> >>, binary & <-> |, &= <-> |=
  crp  integer constant plus one and minus one (0 only becomes 1; not the
       0 of a macro's do { ... } while (0))
  neg  the condition of an if or a while negated: if (c) -> if (!(c))
  sdl  an expression statement (a call, an assignment, ++/--) deleted:
       replaced by {} (its newlines kept, so line numbers do not move, and
       their backslashes in a macro)
  rvr  return value replaced: return e; -> return 0; (return 0; -> return 1;)

A mutant's id is FILE:LINE:COL:OP (OP with its variant for crp, e.g.
crp+1). A core file's mutant is "same-object" if the unity build's object
is unchanged, a reactor's if that reactor's own object is (nothing else
compiles it). A header's mutant is rebuilt into every object that
includes it (ninja follows the includes); it is "same-object" only if
every object file of the build is unchanged, not the unity build's alone. The full list is sorted by file and position; --sample N takes N of
it with Python's random.Random(seed).sample, then puts them back in order,
so the same tree, seed and N always give the same mutants.
"""

import argparse
import hashlib
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time

OPS = ("ror", "lcr", "aor", "crp", "neg", "sdl", "rvr")

KEYWORDS = {
    "auto", "break", "case", "char", "const", "continue", "default", "do",
    "double", "else", "enum", "extern", "float", "for", "goto", "if",
    "inline", "int", "long", "register", "restrict", "return", "short",
    "signed", "sizeof", "static", "struct", "switch", "typedef", "union",
    "unsigned", "void", "volatile", "while", "_Alignas", "_Alignof",
    "_Atomic", "_Bool", "_Complex", "_Generic", "_Imaginary", "_Noreturn",
    "_Static_assert", "_Thread_local",
}

ROR = {"<": "<=", "<=": "<", ">": ">=", ">=": ">", "==": "!=", "!=": "=="}
LCR = {"&&": "||", "||": "&&"}
AOR_BINARY = {"+": "-", "-": "+", "&": "|", "|": "&"}
AOR_ANY = {"++": "--", "--": "++", "+=": "-=", "-=": "+=", "<<": ">>",
           ">>": "<<", "&=": "|=", "|=": "&="}

TOKEN = re.compile(r"""
   (?P<ws>\s+)
  |(?P<str>"[^"\n]*"|'[^'\n]*')
  |(?P<num>\.?\d(?:[eEpP][+-]|[\w.])*)
  |(?P<id>[A-Za-z_]\w*)
  |(?P<op><<=|>>=|\.\.\.|->|\+\+|--|<<|>>|<=|>=|==|!=|&&|\|\||[-+*/%&|^]=
        |[-+*/%&|^~!<>=?:;,.(){}\[\]\#\\])
""", re.VERBOSE)

INT_LITERAL = re.compile(r"^(0[xX][0-9a-fA-F]+|[1-9]\d*|0)([uUlL]*)$")


def mask(src):
    """The source with comments, the insides of string and character
    literals, and preprocessor lines (with their continuations) blanked, so
    that only code is left at the same offsets; newlines are kept. A
    #define keeps its body (the list macros of list.h are code): only
    "#define NAME(PARAMS)" and the backslashes of its continuations are
    blanked."""
    out = list(src)
    n = len(src)
    i = 0
    line_start = True

    def blank(a, b):
        for k in range(a, b):
            if out[k] != "\n":
                out[k] = " "

    while i < n:
        c = src[i]
        if c == "\n":
            line_start = True
            i += 1
            continue
        if c in " \t":
            i += 1
            continue
        if c == "\\" and src.startswith("\n", i + 1):
            # A line continuation (in a macro body): not a token, and the
            # next line does not start a directive.
            out[i] = " "
            i += 2
            continue
        if line_start and c == "#":
            body = define_body(src, i)
            if body is not None:
                # A macro's body is code; its name and parameters are not.
                blank(i, body)
                i = body
                line_start = False
                continue
            j = i
            while j < n:
                if src.startswith("/*", j):
                    k = src.find("*/", j + 2)
                    j = n if k < 0 else k + 2
                    continue
                if src[j] == "\n" and src[j - 1] != "\\":
                    break
                j += 1
            blank(i, j)
            i = j
            continue
        line_start = False
        if src.startswith("/*", i):
            k = src.find("*/", i + 2)
            k = n if k < 0 else k + 2
            blank(i, k)
            i = k
        elif src.startswith("//", i):
            k = src.find("\n", i)
            k = n if k < 0 else k
            blank(i, k)
            i = k
        elif c in "\"'":
            j = i + 1
            while j < n and src[j] != c:
                j += 2 if src[j] == "\\" else 1
            for k in range(i + 1, min(j, n)):
                out[k] = "x"
            i = j + 1
        else:
            i += 1
    return "".join(out)


DEFINE = re.compile(r"#[ \t]*define[ \t]+[A-Za-z_]\w*(\([^)]*\))?")


def define_body(src, i):
    """The offset where the body of the #define at src[i] starts, or None
    if the directive at i is no #define."""
    m = DEFINE.match(src, i)
    return m.end() if m else None


class Tok:
    __slots__ = ("kind", "text", "start", "end")

    def __init__(self, kind, text, start, end):
        self.kind, self.text, self.start, self.end = kind, text, start, end


def tokenize(masked):
    toks = []
    pos = 0
    while pos < len(masked):
        m = TOKEN.match(masked, pos)
        if not m:
            raise ValueError("cannot tokenize at offset %d: %r" %
                             (pos, masked[pos:pos + 20]))
        kind = m.lastgroup
        if kind != "ws":
            toks.append(Tok(kind, m.group(), m.start(), m.end()))
        pos = m.end()
    return toks


def match_brackets(toks):
    """Index of the matching closer for every (, [ and {."""
    pairs, stack = {}, []
    for i, t in enumerate(toks):
        if t.text in "([{" and t.kind == "op":
            stack.append(i)
        elif t.text in ")]}" and t.kind == "op":
            if not stack:
                raise ValueError("unbalanced %s at %d" % (t.text, t.start))
            pairs[stack.pop()] = i
    if stack:
        raise ValueError("unclosed bracket at %d" % toks[stack[-1]].start)
    return pairs


def is_operand_end(t):
    """Whether token t can end an operand, making a following + - & binary."""
    if t is None:
        return False
    if t.kind in ("num", "str"):
        return True
    if t.kind == "id":
        return t.text not in KEYWORDS
    return t.text in (")", "]", "++", "--")


def statement_end(toks, i, pairs):
    """Index of the ; ending the statement that starts at token i, at
    bracket depth 0, or None if a { or } comes first."""
    j = i
    while j < len(toks):
        t = toks[j]
        if t.text in ("(", "["):
            j = pairs[j] + 1
            continue
        if t.text in ("{", "}"):
            return None
        if t.text == ";":
            return j
        j += 1
    return None


class Mutant:
    __slots__ = ("file", "start", "end", "repl", "op", "line", "col",
                 "orig")

    def __init__(self, file, src, start, end, repl, op):
        self.file, self.start, self.end = file, start, end
        self.repl, self.op = repl, op
        self.line = src.count("\n", 0, start) + 1
        self.col = start - (src.rfind("\n", 0, start) + 1) + 1
        self.orig = src[start:end]

    @property
    def id(self):
        return "%s:%d:%d:%s" % (self.file, self.line, self.col, self.op)

    def apply(self, src):
        return src[:self.start] + self.repl + src[self.end:]

    def describe(self):
        def short(s):
            s = " ".join(s.split())
            return s if len(s) <= 60 else s[:57] + "..."
        return short(self.orig), short(self.repl)


def mutants_of(name, src):
    masked = mask(src)
    toks = tokenize(masked)
    pairs = match_brackets(toks)
    out = []

    def add(start, end, repl, op):
        out.append(Mutant(name, src, start, end, repl, op))

    # Token ranges where nothing is mutated: _Static_assert(...) and
    # sizeof(...) (types and compile-time checks only).
    skip = [False] * len(toks)
    for i, t in enumerate(toks):
        if t.kind == "id" and t.text in ("_Static_assert", "sizeof") and \
                i + 1 < len(toks) and toks[i + 1].text == "(":
            for k in range(i, pairs[i + 1] + 1):
                skip[k] = True

    # Statement starts: after ; { } else, after the ) of an if/while/for
    # head, after the : of a case or default label.
    starts = set()
    case_open = False
    for i, t in enumerate(toks):
        if t.kind == "id" and t.text in ("case", "default"):
            case_open = True
        if t.kind == "op" and t.text in (";", "{", "}"):
            starts.add(i + 1)
            case_open = False
        elif t.kind == "op" and t.text == ":" and case_open:
            starts.add(i + 1)
            case_open = False
        elif t.kind == "id" and t.text == "else":
            starts.add(i + 1)
        elif t.kind == "id" and t.text in ("if", "while", "for", "switch") \
                and i + 1 < len(toks) and toks[i + 1].text == "(":
            starts.add(pairs[i + 1] + 1)

    depth = 0  # brace depth: statements exist only inside functions
    for i, t in enumerate(toks):
        if t.text == "{" and t.kind == "op":
            depth += 1
        elif t.text == "}" and t.kind == "op":
            depth -= 1
        if skip[i]:
            continue
        prev = toks[i - 1] if i > 0 else None
        if t.kind == "op":
            if t.text in ROR:
                add(t.start, t.end, ROR[t.text], "ror")
            elif t.text in LCR:
                add(t.start, t.end, LCR[t.text], "lcr")
            elif t.text in AOR_ANY:
                add(t.start, t.end, AOR_ANY[t.text], "aor")
            elif t.text in AOR_BINARY and is_operand_end(prev):
                add(t.start, t.end, AOR_BINARY[t.text], "aor")
        elif t.kind == "num":
            m = INT_LITERAL.match(t.text)
            if m and not do_while_zero(toks, i):
                digits, suffix = m.groups()
                hexa = digits[:2] in ("0x", "0X")
                v = int(digits, 16 if hexa else 10)
                for delta in (1, -1):
                    w = v + delta
                    if w < 0:
                        continue
                    lit = ("0x%x" % w if hexa else str(w)) + suffix
                    add(t.start, t.end, lit, "crp%+d" % delta)
        elif t.kind == "id" and depth > 0:
            if t.text in ("if", "while") and i + 1 < len(toks) and \
                    toks[i + 1].text == "(":
                a, b = toks[i + 1], toks[pairs[i + 1]]
                add(a.start, b.end, "(!" + src[a.start:b.end] + ")", "neg")
            elif t.text == "return" and i + 1 < len(toks) and \
                    toks[i + 1].text != ";":
                end = statement_end(toks, i + 1, pairs)
                if end is not None:
                    expr = src[toks[i + 1].start:toks[end - 1].end]
                    if expr.strip() != "NULL":
                        repl = "1" if expr.strip() == "0" else "0"
                        add(toks[i + 1].start, toks[end - 1].end, repl, "rvr")
        if depth > 0 and i in starts:
            m = sdl_candidate(toks, i, pairs)
            if m is not None:
                end_tok = m
                a, b = t.start, toks[end_tok].end
                # Its newlines kept, with their backslashes in a macro.
                add(a, b, "{}" + "".join(
                    " " + nl if len(nl) > 1 else nl
                    for nl in re.findall(r"\\\n|\n", src[a:b])), "sdl")
    ids = set()
    for m in out:
        if m.id in ids:
            raise ValueError("duplicate mutant id %s" % m.id)
        ids.add(m.id)
    return out


def do_while_zero(toks, i):
    """Whether token i is the 0 of a macro's "do { ... } while (0)": as 1
    it only loops for ever, a timeout that tells nothing."""
    return i >= 3 and toks[i].text == "0" and toks[i - 1].text == "(" and \
        toks[i - 2].text == "while" and toks[i - 3].text == "}" and \
        i + 1 < len(toks) and toks[i + 1].text == ")"


def sdl_candidate(toks, i, pairs):
    """If the statement starting at token i is an expression statement
    with a side effect (a call, an assignment, ++/--), the index of its ;."""
    t = toks[i]
    if t.kind == "id":
        if t.text in KEYWORDS:
            return None
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        # A declaration: a type name followed by a name or by * name.
        if nxt is not None and nxt.kind == "id":
            return None
        if nxt is not None and nxt.text == "*" and i + 2 < len(toks) and \
                toks[i + 2].kind == "id":
            return None
        if nxt is not None and nxt.text == ":":
            return None  # a label
    elif t.text not in ("*", "++", "--", "("):
        return None  # "(" starts a macro's "(node)->next = ..." too
    end = statement_end(toks, i, pairs)
    if end is None:
        return None
    for k in range(i, end):
        x = toks[k]
        if x.kind == "op" and (x.text in ("(", "++", "--") or
                               (x.text.endswith("=") and
                                x.text not in ("==", "!=", "<=", ">="))):
            return end
    return None


# The conditions that mean "the checked build" (BCSC__CHECKED as internal.h
# defines it, or its own test of BCSC_CHECKED), spaces removed.
CHECKED_CONDS = ("BCSC__CHECKED", "defined(BCSC_CHECKED)&&BCSC_CHECKED")


def release_only_spans(src):
    """The offset ranges [a, b) of src compiled only when BCSC__CHECKED is
    0: the #else of an #if on the checked build (the #if of an #if on its
    negation), and the else arm of "if (BCSC__CHECKED)" (the then arm of
    "if (!BCSC__CHECKED)"). An #elif makes the rest of its #if unknown: not
    taken. A debug build compiles none of it, so a mutant there is
    same-object; the release build is where it can be tested."""
    spans = []
    # Preprocessor regions, line by line: a stack of [release_part, in_if].
    # release_part: "if" or "else" (which part is release-only), or None.
    stack, offset = [], 0
    for line in src.splitlines(True):
        d = re.match(r"\s*#\s*(if|ifdef|ifndef|elif|else|endif)\b(.*)", line)
        if d:
            kind, cond = d.group(1), re.sub(r"\s|/\*.*?\*/|//.*", "",
                                            d.group(2))
            if kind == "if":
                part = "else" if cond in CHECKED_CONDS else "if" if \
                    cond.startswith("!") and cond[1:].strip("()") in \
                    CHECKED_CONDS else None
                stack.append([part, True])
            elif kind in ("ifdef", "ifndef"):
                stack.append([None, True])
            elif kind == "elif" and stack:
                stack[-1] = [None, False]
            elif kind == "else" and stack:
                stack[-1][1] = False
            elif kind == "endif" and stack:
                stack.pop()
        elif any(part == ("if" if in_if else "else")
                 for part, in_if in stack):
            spans.append((offset, offset + len(line)))
        offset += len(line)
    # C's own: "if (BCSC__CHECKED) A else B" and "if (!BCSC__CHECKED) A".
    toks = tokenize(mask(src))
    pairs = match_brackets(toks)
    for i, t in enumerate(toks):
        if t.kind != "id" or t.text != "if" or i + 1 >= len(toks) or \
                toks[i + 1].text != "(":
            continue
        close = pairs[i + 1]
        cond = "".join(x.text for x in toks[i + 2:close])
        if cond not in ("BCSC__CHECKED", "!BCSC__CHECKED"):
            continue
        then_end = arm_end(toks, close + 1, pairs)
        if then_end is None:
            continue
        if cond.startswith("!"):
            spans.append((toks[close + 1].start, toks[then_end].end))
        elif then_end + 1 < len(toks) and toks[then_end + 1].text == "else":
            else_end = arm_end(toks, then_end + 2, pairs)
            if else_end is not None:
                spans.append((toks[then_end + 2].start, toks[else_end].end))
    return spans


def arm_end(toks, i, pairs):
    """Index of the last token of the statement that starts at token i (a
    block, an if with its else, a loop, an expression or return), or None
    if it is none of those."""
    if i >= len(toks):
        return None
    t = toks[i]
    if t.text == "{":
        return pairs[i]
    if t.text in ("if", "while", "for", "switch") and \
            i + 1 < len(toks) and toks[i + 1].text == "(":
        end = arm_end(toks, pairs[i + 1] + 1, pairs)
        if t.text == "if" and end is not None and end + 1 < len(toks) and \
                toks[end + 1].text == "else":
            end = arm_end(toks, end + 2, pairs)
        return end
    return statement_end(toks, i, pairs)


def core_files(root):
    """The core's sources and its own headers (internal.h, list.h,
    inbox.h, relay.h: their inline functions and macros are compiled into
    the unity build like the rest), then the shipped reactors' as
    reactors/NAME."""
    src = os.path.join(root, "libbcsc", "src")

    def listed(rel):
        return sorted(os.path.join(rel, f) if rel else f
                      for f in os.listdir(os.path.join(src, rel))
                      if f.endswith((".c", ".h")))
    return listed("") + listed("reactors")


# The suites that test a reactor's file, run first for its mutants; a core
# file's own suite is test_<name>.
REACTOR_SUITES = {
    "reactors/epoll.c": ["test_reactor_epoll"],
    "reactors/posix.c": ["test_reactor_posix"],
    "reactors/uring.c": ["test_reactor_uring"],
    "reactors/sim.c": ["test_reactor_sim"],
    "reactors/spin.c": ["test_reactor_spin"],
    "reactors/wake_fd.c": ["test_reactor_posix", "test_reactor_epoll",
                           "test_reactor_uring"],
    "reactors/wake_fd.h": ["test_reactor_posix", "test_reactor_epoll",
                           "test_reactor_uring"],
}


def own_suites(name):
    return REACTOR_SUITES.get(name, ["test_" + name[:-2]])


def select(args):
    root = args.root
    files = core_files(root)
    if args.file:
        wanted = [f.strip().split("libbcsc/src/")[-1]
                  for f in ",".join(args.file).split(",") if f]
        named = set(files) | {os.path.basename(f) for f in files}
        unknown = [f for f in wanted if f not in named]
        if unknown:
            sys.exit("mutate: not a mutated file: %s (files: %s)" %
                     (", ".join(unknown), " ".join(files)))
        files = [f for f in files
                 if f in wanted or os.path.basename(f) in wanted]
    ops = None
    if args.ops:
        ops = [o.strip() for o in ",".join(args.ops).split(",") if o]
        bad = [o for o in ops if o not in OPS]
        if bad:
            sys.exit("mutate: unknown operator %s (known: %s)" %
                     (", ".join(bad), " ".join(OPS)))
    every = []
    for f in files:
        with open(os.path.join(root, "libbcsc", "src", f)) as fh:
            src = fh.read()
        spans = release_only_spans(src) if args.release_only else None
        for m in mutants_of(f, src):
            if ops is not None and not any(m.op.startswith(o) for o in ops):
                continue
            if spans is not None and \
                    not any(a <= m.start < b for a, b in spans):
                continue
            every.append(m)
    if args.ids:
        wanted = []
        with open(args.ids) as fh:
            for line in fh:
                first = line.split("\t")[0].strip()
                if first and not first.startswith("#") and first != "id":
                    wanted.append(first)
        by_id = {m.id: m for m in every}
        missing = [w for w in wanted if w not in by_id]
        if missing:
            sys.exit("mutate: no such mutant (the sources moved?): %s" %
                     ", ".join(missing))
        return every, [by_id[w] for w in wanted]
    chosen = every
    if args.sample and args.sample < len(every):
        idx = sorted(random.Random(args.seed).sample(range(len(every)),
                                                     args.sample))
        chosen = [every[k] for k in idx]
    return every, chosen


# ---------------------------------------------------------------------------
# sync: a scratch copy of the tree
# ---------------------------------------------------------------------------

def cmd_sync(args):
    """Mirror the files git knows in SRC (tracked, and untracked but not
    ignored: work in progress is tested too) into DST. Only files whose
    content differs are written, so the build there stays incremental."""
    src, dst = os.path.abspath(args.src), os.path.abspath(args.dst)
    listed = subprocess.run(
        ["git", "-C", src, "ls-files", "-z", "--cached", "--others",
         "--exclude-standard"], check=True, stdout=subprocess.PIPE
    ).stdout.decode().split("\0")
    keep = set()
    written = 0
    for rel in listed:
        if not rel or rel.startswith("build/"):
            continue
        a = os.path.join(src, rel)
        if not os.path.isfile(a) or os.path.islink(a):
            continue
        keep.add(rel)
        b = os.path.join(dst, rel)
        with open(a, "rb") as fh:
            data = fh.read()
        try:
            with open(b, "rb") as fh:
                if fh.read() == data:
                    continue
        except FileNotFoundError:
            os.makedirs(os.path.dirname(b), exist_ok=True)
        with open(b, "wb") as fh:
            fh.write(data)
        shutil.copymode(a, b)
        written += 1
    removed = 0
    for dirpath, _, names in os.walk(dst):
        for name in names:
            rel = os.path.relpath(os.path.join(dirpath, name), dst)
            if rel not in keep:
                os.remove(os.path.join(dirpath, name))
                removed += 1
    print("mutate: scratch tree %s: %d files, %d written, %d removed" %
          (dst, len(keep), written, removed))


# ---------------------------------------------------------------------------
# run
# ---------------------------------------------------------------------------

def run_quiet(cmd, timeout, log):
    """Run cmd in its own session, output appended to log; whatever it
    leaves behind is killed with the session."""
    with open(log, "ab") as fh:
        fh.write(("$ %s\n" % " ".join(cmd)).encode())
        fh.flush()
        p = subprocess.Popen(cmd, stdout=fh, stderr=subprocess.STDOUT,
                             start_new_session=True)
        try:
            rc = p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            rc = None
        kill_session(p)
        return rc


def kill_session(p):
    try:
        os.killpg(p.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    p.wait()


def load_tests(args):
    """The ctest tests of the selection (labels, name), as ctest would run
    them: command, environment, working directory. They are run here and
    not by ctest, whose --timeout does not override a test's own TIMEOUT
    (120 s and more here), and which leaves a hung test's forked Criterion
    workers behind."""
    j = json.loads(subprocess.run(
        ["ctest", "--test-dir", args.build, "--show-only=json-v1"],
        check=True, stdout=subprocess.PIPE).stdout)
    tests = []
    for t in j["tests"]:
        props = {p["name"]: p["value"] for p in t.get("properties", [])}
        labels = props.get("LABELS", [])
        if not any(re.fullmatch(args.labels, lab) for lab in labels):
            continue
        if args.tests and not re.search(args.tests, t["name"]):
            continue
        env = dict(os.environ)
        for kv in props.get("ENVIRONMENT", []):
            k, _, v = kv.partition("=")
            env[k] = v
        tests.append({"name": t["name"], "command": t["command"], "env": env,
                      "cwd": props.get("WORKING_DIRECTORY", args.build),
                      "seconds": 0.0})
    if not tests:
        sys.exit("mutate: no test matches labels '%s'%s" % (
            args.labels, " and '%s'" % args.tests if args.tests else ""))
    return tests


def run_tests(args, tests, log):
    """Run the tests, args.jobs at a time, stopping at the first one that
    fails or outlives args.timeout. Returns (status, detail), status being
    killed, timeout or survived; each test's time goes into its entry (the
    baseline run orders the tests by it)."""
    pending = list(tests)
    running = []  # (test, Popen, start, output file)
    failed, timed_out = [], []
    with open(log, "ab") as logfh:
        while (pending or running) and not failed and not timed_out:
            while pending and len(running) < args.jobs:
                t = pending.pop(0)
                out = open(log + "." + t["name"], "w+b")
                p = subprocess.Popen(t["command"], stdout=out,
                                     stderr=subprocess.STDOUT, env=t["env"],
                                     cwd=t["cwd"], start_new_session=True)
                running.append((t, p, time.time(), out))
            time.sleep(0.02)
            still = []
            for t, p, t0, out in running:
                rc = p.poll()
                elapsed = time.time() - t0
                if rc is None and elapsed < args.timeout:
                    still.append((t, p, t0, out))
                    continue
                kill_session(p)
                t["seconds"] = elapsed
                if rc is None:
                    timed_out.append(t["name"])
                    verdict = "timeout after %.0f s" % elapsed
                elif rc != 0:
                    verdict = "signal %d" % -rc if rc < 0 else "exit %d" % rc
                    failed.append("%s(%s)" % (t["name"],
                                              verdict.replace(" ", "-")))
                else:
                    verdict = "passed"
                logfh.write(("# %s: %s in %.2f s\n" %
                             (t["name"], verdict, elapsed)).encode())
                if verdict != "passed":
                    out.seek(0)
                    lines = out.read().decode(errors="replace").splitlines()
                    logfh.write(("\n".join(lines[-80:]) + "\n").encode())
                out.close()
                os.remove(out.name)
            running = still
        for t, p, t0, out in running:
            kill_session(p)
            out.close()
            os.remove(out.name)
    if failed:
        return "killed", ",".join(failed)
    if timed_out:
        return "timeout", ",".join(timed_out)
    return "survived", ""


def cmd_run(args):
    every, chosen = select(args)
    tree, build, outdir = (os.path.abspath(p) for p in
                           (args.tree, args.build, args.out))
    args.build = build
    os.makedirs(outdir, exist_ok=True)
    logs = os.path.join(outdir, "logs")
    diffs = os.path.join(outdir, "survivors")
    shutil.rmtree(logs, ignore_errors=True)
    shutil.rmtree(diffs, ignore_errors=True)
    os.makedirs(logs)
    os.makedirs(diffs)
    unity = os.path.join(build, "CMakeFiles", "bcsc_core_objects.dir",
                         "Unity", "unity_0_c.c.o")
    # The object each mutant is first compared by, read before any mutant
    # is built (the build is the unmutated tree's then).
    baseline_obj = {}
    for m in chosen:
        obj = first_object(build, unity, m.file)[1]
        if obj not in baseline_obj:
            baseline_obj[obj] = read_object(obj)
    # A header reaches more than the unity build: the reactors, the
    # platform objects and the white-box tests include internal.h. Its
    # mutant is the same object only if every object is.
    baseline_objs = objects(build) if any(
        m.file.endswith(".h") for m in chosen) else None
    # The unmutated tree must pass, or every mutant would look killed; its
    # times order the tests, quickest first, so that most mutants are
    # killed within seconds.
    tests = load_tests(args)
    t0 = time.time()
    status, detail = run_tests(args, tests,
                               os.path.join(outdir, "baseline.log"))
    if status != "survived":
        sys.exit("mutate: the unmutated tree fails: %s %s (see %s)" % (
            status, detail, os.path.join(outdir, "baseline.log")))
    tests.sort(key=lambda t: t["seconds"])
    slowest = tests[-1]
    print("mutate: baseline: %d tests pass in %.1f s (slowest %s %.1f s; "
          "timeout %d s)" % (len(tests), time.time() - t0, slowest["name"],
                             slowest["seconds"], args.timeout), flush=True)
    if slowest["seconds"] * 3 > args.timeout:
        print("mutate: warning: %s takes over a third of --timeout" %
              slowest["name"], flush=True)
    report = os.path.join(outdir, "report.tsv")
    counts = {"killed": 0, "survived": 0, "timeout": 0, "invalid": 0}
    print("mutate: %d mutants of %d (%s), seed %s" %
          (len(chosen), len(every), "ids from %s" % args.ids if args.ids
           else "sample %s" % (args.sample or "all"), args.seed), flush=True)
    t_all = time.time()
    with open(report, "w") as rep:
        rep.write("id\tfile\tline\top\tstatus\tdetail\tseconds\toriginal"
                  "\tmutated\n")
        for n, m in enumerate(chosen, 1):
            path = os.path.join(tree, "libbcsc", "src", m.file)
            with open(path) as fh:
                original = fh.read()
            log = os.path.join(logs, flat(m.id) + ".log")
            t0 = time.time()
            try:
                with open(path, "w") as fh:
                    fh.write(m.apply(original))
                status, detail = None, ""
                target, obj = first_object(build, unity, m.file)
                rc = run_quiet(["ninja", "-C", build, target], 600, log)
                if rc != 0:
                    status, detail = "invalid", "compile-error"
                elif baseline_obj[obj] is None:
                    status, detail = "invalid", "not-built"
                elif read_object(obj) == baseline_obj[obj]:
                    status, detail = "invalid", "same-object"
                header_same = False
                if m.file.endswith(".h") and detail == "same-object":
                    status, detail, header_same = None, "", True
                if status is None:
                    rc = run_quiet(["ninja", "-C", build, "-j",
                                    str(args.jobs)] + args.target, 900, log)
                    if rc != 0:
                        status, detail = "invalid", "compile-error"
                if status is None and header_same and \
                        objects(build) == baseline_objs:
                    status, detail = "invalid", "same-object"
                if status is None:
                    # The mutated file's own suite first: it is the
                    # likeliest to kill the mutant.
                    own = own_suites(m.file)
                    order = sorted(tests, key=lambda t: own.index(t["name"])
                                   if t["name"] in own else len(own))
                    status, detail = run_tests(args, order, log)
            finally:
                with open(path, "w") as fh:
                    fh.write(original)
            secs = time.time() - t0
            counts[status] += 1
            before, after = m.describe()
            rep.write("\t".join([m.id, m.file, str(m.line), m.op, status,
                                 detail, "%.1f" % secs, before, after]) + "\n")
            rep.flush()
            if status == "survived":
                with open(os.path.join(diffs, flat(m.id) + ".diff"),
                          "w") as fh:
                    fh.write(unified(m, original))
            print("[%d/%d] %-36s %-8s %s (%.1fs)" %
                  (n, len(chosen), m.id, status, detail, secs), flush=True)
    # Leave the build as the unmutated tree.
    run_quiet(["ninja", "-C", build, "-j", str(args.jobs)] + args.target,
              900, os.path.join(outdir, "restore.log"))
    k, s, t, i = (counts[x] for x in ("killed", "survived", "timeout",
                                      "invalid"))
    valid = k + s + t
    score = 100.0 * (k + t) / valid if valid else 0.0
    line = "MUTATION killed=%d survived=%d timeout=%d invalid=%d score=%.1f%%" \
        % (k, s, t, i, score)
    with open(os.path.join(outdir, "summary.txt"), "w") as fh:
        fh.write(line + "\n")
    print("mutate: %d mutants in %.0f s; report %s; survivors' diffs in %s" %
          (len(chosen), time.time() - t_all, report, diffs))
    print(line)
    if args.min_score is not None and score < args.min_score:
        print("mutate: score %.1f%% is below --min-score %s" %
              (score, args.min_score))
        return 1
    return 0


def flat(mutant_id):
    """A mutant id as a file name (a reactor's names its directory)."""
    return mutant_id.replace("/", "_").replace(":", "_")


def first_object(build, unity, name):
    """The ninja target a mutant of file `name` is first rebuilt with and
    the object it is "same-object" by: the unity build for the core and
    its headers (a header then compares every object), the reactor's own
    object for a reactor's .c file (no other target compiles it)."""
    if name.startswith("reactors/") and name.endswith(".c"):
        return "bcsc_reactor_objects", os.path.join(
            build, "CMakeFiles", "bcsc_reactor_objects.dir", "libbcsc",
            "src", name + ".o")
    return "bcsc_core_objects", unity


def read_object(path):
    """An object file's bytes, or None if this build does not make it (a
    reactor the configuration leaves out)."""
    try:
        with open(path, "rb") as fh:
            return fh.read()
    except FileNotFoundError:
        return None


def objects(build):
    """The digest of every object file of the build, by path."""
    out = {}
    for dirpath, _, names in os.walk(build):
        for name in names:
            if name.endswith(".o"):
                path = os.path.join(dirpath, name)
                with open(path, "rb") as fh:
                    out[path] = hashlib.sha1(fh.read()).hexdigest()
    return out


def unified(m, original):
    lines = original.splitlines(True)
    mutated = m.apply(original).splitlines(True)
    import difflib
    return "".join(difflib.unified_diff(
        lines, mutated, "a/libbcsc/src/" + m.file, "b/libbcsc/src/" + m.file,
        n=3)) or "(no textual change)\n"


def cmd_list(args):
    every, chosen = select(args)
    for m in chosen:
        before, after = m.describe()
        print("%s\t%s\t->\t%s" % (m.id, before, after))
    by_op = {}
    for m in every:
        by_op[m.op[:3]] = by_op.get(m.op[:3], 0) + 1
    print("# %d of %d mutants (%s)" % (
        len(chosen), len(every),
        ", ".join("%s %d" % (o, by_op.get(o, 0)) for o in OPS)),
        file=sys.stderr)
    return 0


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)

    def selection(sp):
        sp.add_argument("--root", default=os.path.dirname(here))
        sp.add_argument("--file", action="append")
        sp.add_argument("--ops", action="append")
        sp.add_argument("--sample", type=int, default=0)
        sp.add_argument("--seed", type=int, default=1)
        sp.add_argument("--ids")
        sp.add_argument("--release-only", action="store_true")

    sp = sub.add_parser("list")
    selection(sp)
    sp = sub.add_parser("sync")
    sp.add_argument("src")
    sp.add_argument("dst")
    sp = sub.add_parser("run")
    selection(sp)
    sp.add_argument("--tree", required=True)
    sp.add_argument("--build", required=True)
    sp.add_argument("--out", required=True)
    sp.add_argument("--timeout", type=int, default=20)
    sp.add_argument("--labels", default="criterion|fuzz|stress")
    sp.add_argument("--tests")
    sp.add_argument("--jobs", type=int, default=2)
    sp.add_argument("--target", action="append", default=[])
    sp.add_argument("--min-score", type=float)
    args = p.parse_args()
    if args.cmd == "list":
        return cmd_list(args)
    if args.cmd == "sync":
        return cmd_sync(args)
    return cmd_run(args)


if __name__ == "__main__":
    sys.exit(main())
