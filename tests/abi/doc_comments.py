# SPDX-License-Identifier: MIT
"""Every public function keeps the doc comment the contract asks of it.

The headers are the reference (docs/api-conventions.md): each BCSC_API
function has a /** */ paragraph that says what it does, then its tags. This
holds every function the preprocessed bcsc.h declares to that, so a function
added without its doc, or a parameter renamed under its doc, fails the
abi-parsers lane instead of a reader:

  - a doc comment directly above the declaration, opening with prose (at
    least one sentence) before any tag;
  - exactly one `@thread`, whose first word is `any` or `executor`
    (api-conventions.md, "Thread tags"), one `@allocates never` (the core
    never allocates; a parenthesis may say what the kernel does), one
    `@since X.Y` no later than the library's version;
  - every `@p NAME` names one of the function's parameters.

    python3 tests/abi/doc_comments.py
"""

import re
import sys

from pycparser import c_ast

import abi_common as abi

THREAD = re.compile(r"@thread\s+(\S+)")
ALLOCATES = re.compile(r"@allocates\s+(\S+)")
SINCE = re.compile(r"@since\s+(\d+)\.(\d+)\b")
PARAM_REF = re.compile(r"@p\s+(\w+)")
# A tag that opens a paragraph (@p is inline).
BLOCK_TAG = re.compile(r"@(?!p\b)\w+")


def parameters(func):
    """The names of a FuncDecl's parameters (none for `(void)`)."""
    args = func.args
    if args is None:
        return []
    return [p.name for p in args.params if isinstance(p, c_ast.Decl) and p.name]


def problems_of(name, text, params, version):
    found = []
    prose = BLOCK_TAG.split(text, maxsplit=1)[0].strip()
    if not re.search(r"[.:)]\s|[.:)]$", prose):
        found.append("no sentence before the first tag")
    threads = THREAD.findall(text)
    if len(threads) != 1 or threads[0] not in ("any", "executor"):
        found.append("@thread must appear once, as `any` or `executor` (has %s)" % threads)
    allocates = ALLOCATES.findall(text)
    if allocates != ["never"]:
        found.append("@allocates must appear once, as `never` (has %s)" % allocates)
    since = SINCE.findall(text)
    if len(since) != 1:
        found.append("@since X.Y must appear once (has %d)" % len(since))
    elif (int(since[0][0]), int(since[0][1])) > version:
        found.append("@since %s.%s is later than the library's %d.%d" % (since[0] + version))
    for ref in sorted(set(PARAM_REF.findall(text)) - set(params)):
        found.append("@p %s is not a parameter (parameters: %s)" % (ref, ", ".join(params) or "none"))
    return found


def main():
    ast = abi.parse(abi.preprocess())
    macros = dict(line.split()[1:3] for line in abi.integer_macros())
    version = (int(macros["BCSC_VERSION_MAJOR"]), int(macros["BCSC_VERSION_MINOR"]))
    docs = abi.doc_comments()
    declared = {}
    for ext in ast.ext:
        if isinstance(ext, c_ast.Decl) and isinstance(ext.type, c_ast.FuncDecl) and ext.name.startswith("bcsc_"):
            declared[ext.name] = parameters(ext.type)
    failures = []
    for name in sorted(declared):
        if name not in docs:
            failures.append("%s: no /** */ doc comment directly above its declaration" % name)
            continue
        header, text = docs[name]
        for problem in problems_of(name, text, declared[name], version):
            failures.append("%s (%s): %s" % (name, header, problem))
    for line in failures:
        print("doc comments: " + line, file=sys.stderr)
    if failures:
        print("doc comments: %d problem(s) in %d functions' docs" % (len(failures), len(declared)), file=sys.stderr)
        return 1
    print("doc comments: %d public functions, each with prose, @thread, @allocates never, @since and "
          "@p names that are its parameters" % len(declared))
    return 0


if __name__ == "__main__":
    sys.exit(main())
