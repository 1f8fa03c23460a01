#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The public header goes through SWIG as it is, and the module SWIG makes
of it is the whole API.

    python3 tests/abi/swig_check.py

The interface file is the smallest one there is - no %rename, %ignore,
typemap or list of headers:

    %module bcsc_swig
    %{
    #include "bcsc.h"
    %}
    %include <stdint.i>
    %include "bcsc.h"

and SWIG runs with `-includeall -ignoremissing -w201,314 -Werror
-Iabi/include`: -includeall follows bcsc.h into abi/include/bcsc/*.h;
SWIG does not search the system's include directories, so <stdint.h> and
<stddef.h> are missing (warning 201, ignored: stdint.i and SWIG's own
size_t give their types); warning 314 says a parameter or field is named
like a keyword of the target language (`self` in Python, `base` in C#)
and SWIG renames it - its own handling, not a fault of the header. Any
other warning fails: 302, for instance, is a tag named like a function
(legal C, but SWIG keeps one namespace and drops one of the two).

Checks, each printed as one line:
  0. no struct, union or enum tag is also the name of a function (SWIG
     drops one of an enum and a function so named; for a struct, g++'s
     -Wshadow says the function hides it);
  1. Python, C#, Go, Java and Lua wrappers are generated without a warning,
     and so is a Python wrapper in C++ mode (-c++: what a C++ host that
     wraps its own code gets), which also compiles as C++;
  2. the Python wrapper compiles and links against a libbcsc.so built here
     from the current sources, and imports;
  3. every function the header declares (pycparser's list, as
     cffi_parse.py finds it) is a callable of the module; every integer
     macro and every enumerator is a constant of it, with cffi's value;
  4. the module drives the library: bcsc_version() is the header's,
     bcsc_abi_check() with the library's bcsc_<object>_sizeof() returns 0,
     an executor SWIG allocates initialises and tears down, a NULL object
     gets BCSC_EINVAL, and error codes have their names.

Exit status 0 when everything passes. Prints "N passed, N failed".
"""

import importlib.util
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import abi_common as abi  # noqa: E402
from cffi_parse import Checks  # noqa: E402

import cffi  # noqa: E402
from pycparser import c_ast  # noqa: E402

MODULE = "bcsc_swig"
INTERFACE = """%%module %s
%%{
#include "bcsc.h"
%%}
%%include <stdint.i>
%%include "bcsc.h"
""" % MODULE
SWIG_FLAGS = ["-includeall", "-ignoremissing", "-w201,314", "-Werror", "-I" + abi.INCLUDE_DIR]
# Target languages whose wrappers are generated (and must be warning-free),
# by the directory they go to; Python's is also compiled and imported, and
# the C++-mode one (a C++ host wrapping its own code that includes bcsc.h)
# compiled as C++.
GENERATED = [("python", ["-python"]), ("csharp", ["-csharp"]),
             ("go", ["-go", "-intgosize", "64"]), ("java", ["-java"]), ("lua", ["-lua"]),
             ("cxx-python", ["-c++", "-python"])]


def swig(tmp, name, flags):
    """Run SWIG with @flags into tmp/@name/wrap.c(xx); (ok, output)."""
    out = os.path.join(tmp, name)
    os.makedirs(out)
    wrap = os.path.join(out, "wrap.cxx" if "-c++" in flags else "wrap.c")
    proc = subprocess.run(["swig"] + flags + SWIG_FLAGS +
                          ["-outdir", out, "-o", wrap, os.path.join(tmp, "bcsc.i")],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return proc.returncode == 0 and not proc.stdout.strip(), proc.stdout.strip()


def enumerators(ast):
    """Names of the BCSC_ enumerators the header declares."""
    names = []

    class Visitor(c_ast.NodeVisitor):
        def visit_Enumerator(self, node):
            if node.name.startswith("BCSC_"):
                names.append(node.name)

    Visitor().visit(ast)
    return names


def tags(ast):
    """Every struct, union and enum tag the header declares."""
    found = set()

    class Visitor(c_ast.NodeVisitor):
        def _tag(self, node):
            if node.name:
                found.add(node.name)
            self.generic_visit(node)

        visit_Struct = visit_Union = visit_Enum = _tag

    Visitor().visit(ast)
    return found


def build_module(tmp, compiler):
    """The Python wrapper compiled against a fresh libbcsc.so, imported."""
    lib = abi.build_shared_library(tmp, compiler)
    py = os.path.join(tmp, "python")
    include = sysconfig.get_paths()["include"]
    if not os.path.exists(os.path.join(include, "Python.h")):
        abi.die("no Python.h in %s (Debian: python3-dev; scripts/install-test-deps.sh)" % include)
    ext = os.path.join(py, "_" + MODULE + sysconfig.get_config_var("EXT_SUFFIX"))
    abi.run([compiler, "-shared", "-fPIC", "-O0", "-I" + abi.INCLUDE_DIR, "-I" + include,
             os.path.join(py, "wrap.c"), lib, "-Wl,-rpath," + tmp, "-o", ext])
    sys.path.insert(0, py)
    spec = importlib.util.find_spec(MODULE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return lib, module


def main():
    checks = Checks()
    compiler = abi.cc()
    if shutil.which("swig") is None:
        abi.die("swig not found (Debian: swig; scripts/install-test-deps.sh)")
    version = subprocess.run(["swig", "-version"], stdout=subprocess.PIPE, text=True).stdout
    print("abi: %s, swig %s bcsc.i (%%include \"bcsc.h\")" % (
        " ".join(line for line in version.split("\n") if line.startswith("SWIG Version")),
        " ".join(f if not f.startswith("-I") else "-Iabi/include" for f in SWIG_FLAGS)))

    text = abi.preprocess(compiler)
    ast = abi.parse(text)
    functions = abi.public_functions(ast)
    names = enumerators(ast)
    macros = abi.integer_macros(compiler)
    ffi = cffi.FFI()
    ffi.cdef(abi.cdef_text(text, macros))

    # C keeps tags apart from functions; SWIG keeps one namespace (it drops
    # an enum named like a function, warning 302, but lets a struct through
    # as a class and a function of one name), and in C++ the function hides
    # the struct (g++ -Wshadow).
    clashes = sorted(tags(ast) & set(functions))
    checks.check(not clashes, "no struct, union or enum tag is also a function's name",
                 ", ".join(clashes))

    tmp = tempfile.mkdtemp(prefix="bcsc-swig-")
    try:
        with open(os.path.join(tmp, "bcsc.i"), "w") as fh:
            fh.write(INTERFACE)
        generated = {}
        for name, flags in GENERATED:
            ok, output = swig(tmp, name, flags)
            generated[name] = checks.check(ok, "swig %s: wrapper generated, no warning"
                                           % " ".join(flags), output)
        if generated["cxx-python"]:
            proc = subprocess.run([abi.cxx(), "-fsyntax-only", "-I" + abi.INCLUDE_DIR,
                                   "-I" + sysconfig.get_paths()["include"],
                                   os.path.join(tmp, "cxx-python", "wrap.cxx")],
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            checks.check(proc.returncode == 0, "the C++-mode wrapper compiles as C++ (%s)" % abi.cxx(),
                          proc.stdout.strip()[-2000:])
        if not generated["python"]:
            return checks.finish()
        lib_path, module = build_module(tmp, compiler)
        checks.check(True, "the Python wrapper compiles against a fresh libbcsc.so and imports")
        clib = ffi.dlopen(lib_path)
        constants = {name: getattr(clib, name) for name in names}
        for line in macros:
            _, name, value = line.split(" ", 2)
            constants[name] = int(value, 0)

        missing = [f for f in functions if not callable(getattr(module, f, None))]
        checks.check(not missing, "all %d declared functions are callables of the module"
                     % len(functions), "missing: " + ", ".join(missing))
        wrong = []
        for name, value in sorted(constants.items()):
            got = getattr(module, name, None)
            if got != value:
                wrong.append("%s: %r, cffi %d" % (name, got, value))
        checks.check(not wrong, "%d integer macros and %d enumerators are constants with cffi's values"
                     % (len(macros), len(names)), "; ".join(wrong))

        m = module
        want = (m.BCSC_VERSION_MAJOR << 16) | (m.BCSC_VERSION_MINOR << 8) | m.BCSC_VERSION_PATCH
        checks.check(m.bcsc_version() == want, "bcsc_version() == the header's version",
                     "0x%x != 0x%x" % (m.bcsc_version(), want))
        sizes = [getattr(m, "bcsc_%s_sizeof" % obj)() for obj in abi.OBJECTS]
        rc = m.bcsc_abi_check(m.BCSC_ABI_VERSION, *sizes)
        checks.check(rc == 0, "bcsc_abi_check(the library's sizes) == 0", "returned %d" % rc)
        ex = m.bcsc_executor()  # SWIG's proxy: a calloc'd bcsc_executor_t
        steps = [("bcsc_executor_init(ex, NULL)", m.bcsc_executor_init(ex, None), 0),
                 ("bcsc_executor_live_roots(ex)", m.bcsc_executor_live_roots(ex), 0),
                 ("bcsc_executor_deinit(ex)", m.bcsc_executor_deinit(ex), 0),
                 ("bcsc_executor_init(NULL, NULL)", m.bcsc_executor_init(None, None), m.BCSC_EINVAL),
                 ("bcsc_err_name(BCSC_ECLOSED)", m.bcsc_err_name(m.BCSC_ECLOSED), "BCSC_ECLOSED"),
                 ("bcsc_strerror(0)", bool(m.bcsc_strerror(0)), True)]
        bad = ["%s gave %r, expected %r" % (what, got, exp) for what, got, exp in steps if got != exp]
        checks.check(not bad, "the module drives the library (version, ABI check, an executor, "
                     "error codes)", "; ".join(bad))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return checks.finish()


if __name__ == "__main__":
    sys.exit(main())
