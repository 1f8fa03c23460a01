# SPDX-License-Identifier: MIT
"""The library under test, through cffi's ABI mode: the umbrella header read
the way tests/abi/cffi_parse.py reads it (abi_common's preprocessing, no
fix-ups), and the shared library of a build.

    BCSC_LIB=build/debug/libbcsc.so python3 -m pytest tests/python

BCSC_LIB defaults to build/release/libbcsc.so (relative paths are taken
from the source tree's root).
"""

import os
import sys

import cffi

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "abi"))
import abi_common as abi  # noqa: E402

LIB_PATH = os.path.join(abi.ROOT, os.environ.get("BCSC_LIB") or os.path.join("build", "release", "libbcsc.so"))

TEXT = abi.preprocess()
AST = abi.parse(TEXT)
FUNCTIONS = abi.public_functions(AST)
from retvals import DOCS  # noqa: E402,F401 (each function's header comment)


def header_says(header, words):
    """Whether abi/include/@header says @words (whitespace and comment
    markers aside)."""
    with open(os.path.join(abi.INCLUDE_DIR, header)) as fh:
        text = " ".join(fh.read().replace("*", " ").split())
    return " ".join(words.replace("*", " ").split()) in text

ffi = cffi.FFI()
ffi.cdef(abi.cdef_text(TEXT, abi.integer_macros()))

if not os.path.exists(LIB_PATH):
    raise RuntimeError("no %s: build it (cmake --preset release && cmake --build build/release) "
                       "or point BCSC_LIB at a libbcsc.so" % LIB_PATH)
lib = ffi.dlopen(LIB_PATH)
CHECKED = lib.bcsc_is_checked_build() == 1


def describe():
    """Which library the tests run against, for pytest's report header."""
    return "bcsc: %s (%s build, %d functions declared by abi/include/bcsc.h)" % (
        os.path.realpath(LIB_PATH), "checked" if CHECKED else "release", len(FUNCTIONS))
