# SPDX-License-Identifier: MIT
"""Calls of every public function with bad pointers, each in a forked child
(test_bad_pointers.py judges what they answer).

A case is one call: every argument NULL or 0, except at most one pointer
argument, which points at memory of the size its object has
(bcsc_<object>_sizeof()), zeroed or filled with 0xA5, followed by a guard.
The child installs a misuse handler that records each report, makes the
call and sends back what it returned, the reports, and whether the call
wrote into its memory or past its end. A child that crashes or hangs is
reported with the signal that ended it.
"""

import faulthandler
import json
import os
import select
import signal
import time
import traceback

from pycparser import c_ast, c_generator

from bcsc_ffi import AST, ffi, lib

# A call that takes longer has hung: nothing in these calls can wait.
CALL_SECONDS = 5.0
GARBAGE = 0xA5
# Bytes after the object, which no call may write.
GUARD_BYTE, GUARD = 0xC3, 64
# The memory a pointer to anything other than a bcsc object gets (element
# buffers, out parameters, arrays of task pointers): more than any call
# here reads or writes with sizes of 0.
PLAIN_SIZE, PLAIN_ALIGN = 4096, 64

ERRORS = {v: k for k, v in ffi.typeof("enum bcsc_error").relements.items() if k != "BCSC_EUSER"}
MISUSES = {v: k for k, v in ffi.typeof("enum bcsc_misuse").relements.items()
           if k != "BCSC_MISUSE_LIMIT"}

# cffi parses a type's name on its first use and caches it: parsed here, in
# the parent, it is parsed once rather than in every child (10 ms a call).
BYTES, ADDRESS = ffi.typeof("unsigned char[]"), ffi.typeof("uintptr_t")


class Arg:
    """One parameter: kind is "int", "value" (a struct by value), "fn" (a
    function pointer: always NULL, a call must not jump to it) or "ptr"."""

    def __init__(self, ctype, const):
        self.ctype, self.const = ctype, const
        self.kind = {"primitive": "int", "struct": "value", "function": "fn"}.get(ctype.kind, "ptr")
        self.object = None
        if self.kind == "value":
            self.pointer_type = ffi.typeof(ctype.cname + " *")
        if self.kind == "ptr":
            item = ctype.item
            name = item.cname[len("bcsc_"):-len("_t")] if item.cname.startswith("bcsc_") else None
            if item.kind == "struct" and name and hasattr(lib, "bcsc_%s_sizeof" % name):
                self.object = name
        if self.object:
            self.size = getattr(lib, "bcsc_%s_sizeof" % self.object)()
            align = getattr(lib, "bcsc_%s_alignof" % self.object, None)
            self.align = align() if align else ffi.alignof(ctype.item)
            self.label = self.object
        else:
            self.size, self.align, self.label = PLAIN_SIZE, PLAIN_ALIGN, "buffer"


def _const_pointees():
    """For each function, whether each parameter points at const memory (cffi
    drops the qualifier; pycparser keeps it)."""
    gen = c_generator.CGenerator()
    consts = {}
    for ext in AST.ext:
        if isinstance(ext, c_ast.Decl) and isinstance(ext.type, c_ast.FuncDecl):
            params = ext.type.args.params if ext.type.args else []
            consts[ext.name] = [isinstance(p.type, c_ast.PtrDecl) and gen.visit(p).startswith("const ")
                                for p in params if gen.visit(p) != "void"]
    return consts


CONST = _const_pointees()


def _param_names():
    """Each function's parameter names, as the header spells them."""
    names = {}
    for ext in AST.ext:
        if isinstance(ext, c_ast.Decl) and isinstance(ext.type, c_ast.FuncDecl) and ext.type.args:
            names[ext.name] = [p.name for p in ext.type.args.params if getattr(p, "name", None)]
    return names


PARAM_NAMES = _param_names()


def signature(name):
    ctype = ffi.typeof(getattr(lib, name))
    return ctype, [Arg(a, c) for a, c in zip(ctype.args, CONST[name])]


class Case:
    """One call of @name: @fills maps an argument's index to "zeroed" or
    "garbage"; every other pointer is NULL, every integer 0."""

    def __init__(self, name, args, fills):
        self.name, self.args, self.fills = name, args, fills
        if fills:
            (i, fill), = fills.items()
            self.label = "arg %d = %s %s" % (i + 1, fill, args[i].label)
        else:
            self.label = "all NULL" if any(a.kind in ("ptr", "value") for a in args) else "no pointer"

    def __str__(self):
        return "%s(%s)" % (self.name, self.label)

    @property
    def null_pointers(self):
        """The pointer arguments left NULL (a zeroed struct by value, whose
        pointers are NULL, counts)."""
        return [i for i, a in enumerate(self.args)
                if a.kind in ("ptr", "value") and i not in self.fills]


def cases(name):
    _, args = signature(name)
    yield Case(name, args, {})
    for i, a in enumerate(args):
        if a.kind == "ptr":
            for fill in ("zeroed", "garbage"):
                yield Case(name, args, {i: fill})


# The child's record of misuse reports: (code, object address). Empty in
# the parent, which never calls the library with a handler that reports.
REPORTS = []


@ffi.callback("bcsc_misuse_fn")
def _record_misuse(ctx, code, message, obj):
    REPORTS.append((int(code), int(ffi.cast(ADDRESS, obj))))


def _call(case):
    """In the child: make the call, return what it did."""
    keep, memory, args = [], {}, []
    for i, a in enumerate(case.args):
        if a.kind == "int":
            args.append(0)
        elif a.kind == "value":
            args.append(ffi.new(a.pointer_type)[0])
        elif i in case.fills:
            mem, before = bad_memory(a, case.fills[i], keep)
            memory[i] = (mem, before, a.size)
            args.append(ffi.cast(a.ctype, mem))
        else:
            args.append(ffi.NULL)
    lib.bcsc_set_misuse_handler(_record_misuse, ffi.NULL)
    ctype = ffi.typeof(getattr(lib, case.name))
    ret = getattr(lib, case.name)(*args)
    return outcome(ctype, ret, memory)


def bad_memory(arg, fill, keep):
    """Memory for @arg of its object's size, "zeroed" or "garbage", followed
    by the guard: the pointer and the bytes written (kept alive by @keep)."""
    raw = ffi.new(BYTES, arg.size + arg.align + GUARD)
    keep.append(raw)
    mem = raw + (-int(ffi.cast(ADDRESS, raw)) % arg.align)
    byte = 0 if fill == "zeroed" else GARBAGE
    before = bytes([byte]) * arg.size + bytes([GUARD_BYTE]) * GUARD
    ffi.memmove(mem, before, len(before))
    return mem, before


def outcome(ctype, ret, memory):
    """What a call of type @ctype answering @ret did: its answer as JSON
    takes it, the reports so far, and for each argument index of @memory
    ((pointer, bytes before, object size)) whether it was written."""
    if ctype.result.kind == "primitive":
        ret = int(ret)
    elif ctype.result.kind == "pointer" and ctype.result.item.cname == "char":
        ret = None if ret == ffi.NULL else ffi.string(ret).decode("ascii", "replace")
    elif ctype.result.kind == "pointer":
        ret = int(ffi.cast(ADDRESS, ret))
    else:
        ret = None
    out = {"ret": ret, "reports": list(REPORTS), "memory": {}}
    for i, (mem, before, size) in memory.items():
        after = bytes(ffi.buffer(mem, len(before)))
        out["memory"][i] = {"address": int(ffi.cast(ADDRESS, mem)), "size": size,
                            "written": after[:size] != before[:size],
                            "overrun": after[size:] != before[size:]}
    return out


# How many calls run() has made in this process, for the summary.
calls = 0


def run(case):
    """The case's outcome: the child's record, or {"died": "SIGSEGV"} /
    {"died": "hung (killed after 5 s)"} / {"died": "exit 3"}."""
    return in_child(lambda: _call(case))


def reply(out):
    """In the child: send @out (a JSON-able dict) to the parent and end.
    For a child that must not return from where it is (a poll function)."""
    data = json.dumps(out).encode()
    while data:
        data = data[os.write(_reply_fd, data):]
    os._exit(0)


_reply_fd = None


def in_child(work):
    """Run @work() in a forked child and return the dict it returns (or
    sends with reply()), or how the child died, as run() says."""
    global calls, _reply_fd
    calls += 1
    rfd, wfd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        try:
            # The crash is the parent's to report, in one line.
            faulthandler.disable()
            os.close(rfd)
            _reply_fd = wfd
            try:
                out = work()
            except Exception:
                out = {"died": "Python error in the child:\n" + traceback.format_exc()}
            reply(out)
        finally:
            os._exit(0)
    os.close(wfd)
    chunks, deadline, hung = [], time.monotonic() + CALL_SECONDS, False
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([rfd], [], [], left)[0]:
                hung = True
                os.kill(pid, signal.SIGKILL)
                break
            chunk = os.read(rfd, 65536)
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(rfd)
    _, status = os.waitpid(pid, 0)
    if hung:
        return {"died": "hung (killed after %g s)" % CALL_SECONDS}
    if os.WIFSIGNALED(status):
        return {"died": signal.Signals(os.WTERMSIG(status)).name}
    if os.WEXITSTATUS(status) != 0 or not chunks:
        return {"died": "exit %d" % os.WEXITSTATUS(status)}
    out = json.loads(b"".join(chunks))
    if "memory" in out:
        out["memory"] = {int(k): v for k, v in out["memory"].items()}
    return out
