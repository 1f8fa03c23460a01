# SPDX-License-Identifier: MIT
"""Shared by cffi_parse.py and layout_table.py: preprocess the public header
the way C parsers written in Python need it, find every public struct and
union in it, and measure their layouts with a real C compiler.

Preprocessing (the one place that decides it):

    cc -E -P -std=c11 -D'__attribute__(x)=' -Iabi/include abi/include/bcsc.h

This is the standard recipe for feeding real headers to pycparser and
cffi.cdef(), neither of which runs a preprocessor or knows GNU extensions:
  -E -P               preprocess only; no `# line` markers (cdef rejects them)
  -std=c11            the language the header is written in; also keeps
                      glibc's headers free of most GNU-only syntax
  -D__attribute__(x)= removes attributes. Our header has exactly one,
                      BCSC_API's visibility("default"); the system's
                      <stddef.h> has another (max_align_t's __aligned__).
Nothing else: no stub system headers, no edits of the header text. The
output includes the system's <stdint.h>/<stddef.h> typedefs, which both
parsers accept as they come on glibc.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile

from pycparser import c_ast, c_parser

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
INCLUDE_DIR = os.path.join(ROOT, "abi", "include")
HEADER = os.path.join(INCLUDE_DIR, "bcsc.h")
SRC_DIR = os.path.join(ROOT, "libbcsc", "src")

PREPROCESS_FLAGS = ["-E", "-P", "-std=c11", "-D__attribute__(x)=", "-I" + INCLUDE_DIR]

# The six caller-allocated objects bcsc_abi_check() covers, each with
# bcsc_<name>_sizeof() and bcsc_<name>_alignof() in the library.
OBJECTS = ["task", "scope", "wait", "waitq", "executor", "pool"]


def die(message):
    print("abi: " + message, file=sys.stderr)
    sys.exit(1)


def cc():
    return os.environ.get("CC") or "cc"


def cxx():
    return os.environ.get("CXX") or "c++"


def run(cmd, **kwargs):
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs)
    if proc.returncode != 0:
        die("command failed (%d): %s\n%s%s" % (proc.returncode, " ".join(cmd), proc.stdout, proc.stderr))
    return proc.stdout


def preprocess(compiler=None, header=HEADER):
    """@header (default bcsc.h) after `cc -E -P` with the flags above."""
    return run([compiler or cc()] + PREPROCESS_FLAGS + [header])


def object_headers():
    """abi/include/bcsc/*.h, each of which must stand alone."""
    d = os.path.join(INCLUDE_DIR, "bcsc")
    return sorted(os.path.join(d, f) for f in os.listdir(d) if f.endswith(".h"))


def integer_macros(compiler=None):
    """BCSC_* object-like macros whose value is a plain integer literal, as
    `#define NAME VALUE` lines cffi.cdef() accepts (cc -dM lists them)."""
    out = run([compiler or cc(), "-dM", "-E", "-std=c11", "-I" + INCLUDE_DIR, HEADER])
    lines = []
    for line in out.splitlines():
        m = re.match(r"#define (BCSC_[A-Z0-9_]+) (-?(?:0x[0-9a-fA-F]+|[0-9]+))[uUlL]*$", line)
        if m:
            lines.append("#define %s %s" % (m.group(1), m.group(2)))
    return sorted(lines)


def cdef_text(text, macros):
    """What cffi.FFI().cdef() takes for the whole API: the preprocessed header
    @text and its integer @macros (integer_macros()), as they come."""
    return text + "\n" + "\n".join(macros) + "\n"


def parse(text):
    """pycparser's AST of the preprocessed header (raises on a parse error)."""
    return c_parser.CParser().parse(text, "bcsc.h")


class Record:
    """One struct or union definition: kind ('struct'/'union'), tag, fields,
    and the tags of the records it is defined inside (outermost first)."""

    def __init__(self, kind, tag, fields, outer=()):
        self.kind, self.tag, self.fields, self.outer = kind, tag, fields, tuple(outer)

    @property
    def c_type(self):
        return "%s %s" % (self.kind, self.tag)

    @property
    def cxx_type(self):
        """C++ scopes a nested definition to its enclosing class, where C puts
        it at file scope: union bcsc_task_link is bcsc_task_private::..."""
        return "%s %s" % (self.kind, "::".join(self.outer + (self.tag,)))


def public_records(ast):
    """Every struct/union defined with a bcsc_ tag, nested ones included
    (union bcsc_task_link sits inside struct bcsc_task_private), in the order
    the preprocessed header defines them."""
    records = []
    outer = []

    class Visitor(c_ast.NodeVisitor):
        def _record(self, node, kind):
            defines = node.decls is not None and node.name
            if defines and node.name.startswith("bcsc_"):
                fields = []
                for decl in node.decls:
                    if not decl.name:
                        die("%s %s has an anonymous member: STYLE.md forbids them in "
                            "public structs (every field needs a name in every "
                            "binding and in the layout table)" % (kind, node.name))
                    fields.append(decl.name)
                records.append(Record(kind, node.name, fields, outer))
            if defines:
                outer.append(node.name)
            self.generic_visit(node)
            if defines:
                outer.pop()

        def visit_Struct(self, node):
            self._record(node, "struct")

        def visit_Union(self, node):
            self._record(node, "union")

    Visitor().visit(ast)
    seen = set()
    unique = []
    for r in records:
        if r.tag not in seen:
            seen.add(r.tag)
            unique.append(r)
    return unique


def public_functions(ast):
    """Names of the bcsc_ functions the header declares."""
    names = []
    for ext in ast.ext:
        if isinstance(ext, c_ast.Decl) and isinstance(ext.type, c_ast.FuncDecl):
            if ext.name.startswith("bcsc_"):
                names.append(ext.name)
    return names


# --- layout tables -----------------------------------------------------------
#
# One row per struct/union and one per field:
#   <tag> <struct>|<union>  0       sizeof  alignof
#   <tag> <field>           offset  sizeof  -
# Offsets and sizes come from a program compiled by the real compiler for the
# target, never from a Python model of the ABI.

TABLE_HEADER = """\
# bcsc public struct layout on {target}: every struct and union of
# abi/include/bcsc.h, every field, as the target's C compiler lays them out.
# Generated by `scripts/check-abi-parsers.sh --update-layout`; do not edit.
# A layout change must regenerate this file: its diff is the review of the
# ABI change (and BCSC_ABI_VERSION is bumped if the change is incompatible).
# type                         field                  offset   size  align
"""


def dump_program(records):
    """C source printing `tag field offset size align` for every row."""
    out = ["#include <stddef.h>", "#include <stdio.h>", '#include "bcsc.h"', "",
           "int main(void) {"]
    for r in records:
        out.append('  printf("%%s %%s 0 %%zu %%zu\\n", "%s", "<%s>", sizeof(%s), (size_t)_Alignof(%s));'
                   % (r.tag, r.kind, r.c_type, r.c_type))
        for f in r.fields:
            out.append('  printf("%%s %%s %%zu %%zu -\\n", "%s", "%s", offsetof(%s, %s), sizeof(((%s *)0)->%s));'
                       % (r.tag, f, r.c_type, f, r.c_type, f))
    out += ["  return 0;", "}", ""]
    return "\n".join(out)


def format_table(raw_rows, target):
    lines = [TABLE_HEADER.format(target=target)]
    for row in raw_rows:
        tag, field, off, size, align = row
        lines.append("%-30s %-20s %8s %6s %6s\n" % (tag, field, off, size, align))
    return "".join(lines)


def parse_table(text):
    """Rows of a table file as (tag, field, offset, size, align) strings."""
    rows = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split()
        if len(parts) != 5:
            die("bad layout table line: %r" % line)
        rows.append(tuple(parts))
    return rows


def measure(records, compiler, extra_flags=(), static=False, runner=()):
    """Compile the dump program with @compiler and run it (under @runner, e.g.
    ["qemu-aarch64"], for a foreign target): the rows."""
    tmp = tempfile.mkdtemp(prefix="bcsc-layout-")
    try:
        src = os.path.join(tmp, "dump.c")
        exe = os.path.join(tmp, "dump")
        with open(src, "w") as fh:
            fh.write(dump_program(records))
        cmd = [compiler, "-std=c11", "-I" + INCLUDE_DIR] + list(extra_flags)
        if static:
            cmd.append("-static")
        run(cmd + [src, "-o", exe])
        out = run(list(runner) + [exe])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return [tuple(line.split()) for line in out.splitlines()]


def static_assert_program(rows, lang="c", records=()):
    """Source that compiles only if the compiler lays out every struct as
    the table says: one static assertion per number. @lang "c++" writes
    C++17 (static_assert, alignof, nested records named through their
    enclosing class, as @records records them)."""
    cxx = lang == "c++"
    kinds = {}
    for tag, field, _, _, _ in rows:
        if field in ("<struct>", "<union>"):
            kinds[tag] = field.strip("<>")
    cxx_names = {r.tag: r.cxx_type for r in records}
    assert_kw = "static_assert" if cxx else "_Static_assert"
    alignof = "alignof" if cxx else "_Alignof"
    out = ["#include <stddef.h>", '#include "bcsc.h"', ""]
    for tag, field, off, size, align in rows:
        t = "%s %s" % (kinds[tag], tag)
        if cxx:
            t = cxx_names.get(tag, t)
        if field.startswith("<"):
            out.append('%s(sizeof(%s) == %s, "sizeof(%s)");' % (assert_kw, t, size, t))
            out.append('%s(%s(%s) == %s, "alignof(%s)");' % (assert_kw, alignof, t, align, t))
        else:
            out.append('%s(offsetof(%s, %s) == %s, "offsetof(%s, %s)");' % (assert_kw, t, field, off, t, field))
            out.append('%s(sizeof(((%s *)0)->%s) == %s, "sizeof %s.%s");' % (assert_kw, t, field, size, tag, field))
    out.append("")
    return "\n".join(out)


def compile_static_asserts(rows, compiler, extra_flags=(), lang="c", records=()):
    """Compile-only check of a table against @compiler (a C compiler for
    @lang "c", a C++ one for "c++"). Returns (ok, output)."""
    tmp = tempfile.mkdtemp(prefix="bcsc-layout-")
    try:
        cxx = lang == "c++"
        src = os.path.join(tmp, "layout_asserts." + ("cpp" if cxx else "c"))
        with open(src, "w") as fh:
            fh.write(static_assert_program(rows, lang, records))
        std = "-std=c++17" if cxx else "-std=c11"
        cmd = [compiler, std, "-fsyntax-only", "-Wall", "-Wextra", "-Werror", "-pedantic",
               "-I" + INCLUDE_DIR] + list(extra_flags) + [src]
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        return proc.returncode == 0, proc.stdout
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def build_shared_library(directory, compiler=None):
    """A fresh libbcsc.so from the current sources (hosted, unchecked, hidden
    visibility so only BCSC_API symbols are exported, as CMake builds it)."""
    sources = sorted(os.path.join(SRC_DIR, f) for f in os.listdir(SRC_DIR) if f.endswith(".c"))
    hosted = os.path.join(SRC_DIR, "hosted")
    sources += sorted(os.path.join(hosted, f) for f in os.listdir(hosted) if f.endswith(".c"))
    # The reactors, as a Linux build has them (the machines this runs on).
    reactors = os.path.join(SRC_DIR, "reactors")
    sources += sorted(os.path.join(reactors, f) for f in os.listdir(reactors) if f.endswith(".c"))
    lib = os.path.join(directory, "libbcsc.so")
    run([compiler or cc(), "-std=c11", "-O1", "-shared", "-fPIC", "-fvisibility=hidden",
         "-DBCSC_BUILDING_SHARED", "-I" + INCLUDE_DIR, "-I" + SRC_DIR] + sources + ["-o", lib])
    return lib


def doc_comments():
    """The /** */ block above each BCSC_API function of abi/include/bcsc/*.h,
    by function name, without its comment markers, and the header's name
    ("bcsc/task.h"): what the header says a function answers (the header is
    the reference)."""
    docs = {}
    decl = re.compile(r"/\*\*((?:(?!/\*\*).)*?)\*/\s*BCSC_API\b[^;{]*?\b(bcsc_\w+)\s*\(", re.S)
    for h in object_headers():
        with open(h) as fh:
            for m in decl.finditer(fh.read()):
                lines = [re.sub(r"^\s*\* ?", "", line) for line in m.group(1).splitlines()]
                docs[m.group(2)] = ("bcsc/" + os.path.basename(h), " ".join(" ".join(lines).split()))
    return docs
