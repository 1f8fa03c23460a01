#!/usr/bin/env bash
# check-doc-snippets.sh - every ```c block in docs/*.md and README.md
# compiles against the public headers, so a renamed function or a changed
# signature cannot leave the docs wrong in silence.
#
#   scripts/check-doc-snippets.sh [FILE.md...]   (default: docs/*.md README.md)
#
# Each block becomes one translation unit in build/doc-snippets/, compiled
# with `-std=c11 -Wall -Wextra -Werror -pedantic -fsyntax-only
# -D_POSIX_C_SOURCE=200809L -Iabi/include` by gcc, and by clang if present
# (clang's -fsyntax-only also checks return paths); a failing block is
# reported as FILE:LINE with the compiler's message, whose lines are the
# doc's (#line). The convention (docs/testing.md, "Code blocks in the
# docs"):
#   - A unit is `#include <bcsc.h>`, the block's context, the block.
#   - `...` is elided code: a line that begins with `...` is dropped (the
#     prose on it is for the reader); elsewhere `...` is deleted, except
#     `, ...` (a variadic parameter list). What is left must be C.
#   - A block is split after its last top-level function or type
#     definition: up to there is file scope; the statements after it are
#     the body of a poll function `int doc_snippet(bcsc_task_t *self)`
#     written with bcsc/co.h, so `self`, BCSC_AWAIT and BCSC_YIELD work.
#   - Annotations, HTML comments right before a block (blank lines
#     between are fine), which the rendered page does not show:
#     `<!-- snippet-context: C -->`: file-scope C put before the block -
#       the frame types, variables and helpers the block takes as given;
#     `<!-- snippet-name: NAME -->`: the block (all file scope) and its
#       context become "NAME.h", which later contexts #include;
#     `<!-- snippet-skip: why -->`: not compiled (a misuse shown on
#       purpose, pseudo-code); the reason is required.
# -Wno-unused-variable, -Wno-unused-but-set-variable and
# -Wno-unused-function: a fragment and its context declare what the elided
# code would use.
set -euo pipefail

cd "$(dirname "$0")/.."

case "${1:-}" in
  -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
esac

compilers=()
for cc in gcc clang; do
  command -v "$cc" >/dev/null 2>&1 && compilers+=("$cc")
done
[ "${compilers[0]:-}" = gcc ] || { echo "check-doc-snippets: gcc not found" >&2; exit 1; }

if [ $# -eq 0 ]; then
  set -- docs/*.md README.md
fi

python3 - "${compilers[*]}" "$@" <<'PY'
import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

compilers = sys.argv[1].split()
docs = sys.argv[2:]
out_dir = "build/doc-snippets"
include_dir = os.path.join(out_dir, "include")
flags = ["-std=c11", "-Wall", "-Wextra", "-Werror", "-pedantic",
         "-fsyntax-only", "-D_POSIX_C_SOURCE=200809L", "-Iabi/include",
         "-I" + include_dir, "-Wno-unused-variable",
         "-Wno-unused-but-set-variable", "-Wno-unused-function"]

FENCE_OPEN = re.compile(r"^(\s*)```\s*([^\s`]*)")
FENCE_CLOSE = re.compile(r"^\s*```\s*$")
ANNOTATION = re.compile(r"^\s*<!--\s*snippet-(\w+):(.*?)-->\s*$", re.S)
STATEMENT_KEYWORDS = {"if", "for", "while", "switch", "else", "do"}
TYPE_KEYWORDS = {"typedef", "struct", "union", "enum"}
problems = []


class Block:
    def __init__(self, doc, line, code):
        self.doc = doc
        self.line = line  # the first line of code, 1-based
        self.code = code  # the lines, the fence's indent removed
        self.notes = {}  # kind -> (text, line of the comment)


def annotations_before(doc, lines, fence):
    """The <!-- snippet-KIND: TEXT --> comments right before line index
    fence, blank lines between them allowed: {kind: (text, line)}."""
    notes, end = {}, fence - 1
    while True:
        while end >= 0 and lines[end].strip() == "":
            end -= 1
        if end < 0 or not lines[end].rstrip().endswith("-->"):
            return notes
        start = end
        while start > 0 and "<!--" not in lines[start]:
            start -= 1
        m = ANNOTATION.match("\n".join(lines[start:end + 1]))
        if not m:
            return notes
        kind = m.group(1)
        if kind not in ("context", "skip", "name") or kind in notes:
            problems.append(f"{doc}:{start + 1}: snippet-{kind}: not one of "
                            "context, skip, name, or given twice")
        # The text keeps its lines, the first where the comment opens.
        first = lines[start]
        text = "\n".join([first[first.index(":", first.index("snippet-"))
                                 + 1:]] + lines[start + 1:end + 1])
        notes[kind] = (text[:text.rindex("-->")], start + 1)
        end = start - 1


def blocks_of(doc):
    with open(doc, encoding="utf-8") as f:
        lines = f.read().split("\n")
    found, used, fenced = [], set(), set()
    i = 0
    while i < len(lines):
        m = FENCE_OPEN.match(lines[i])
        if not m:
            i += 1
            continue
        indent, info = m.group(1), m.group(2)
        j = i + 1
        while j < len(lines) and not FENCE_CLOSE.match(lines[j]):
            j += 1
        fenced.update(range(i + 1, j + 2))
        if info == "c":
            code = [l[len(indent):] if l.startswith(indent) else l.lstrip()
                    for l in lines[i + 1:j]]
            block = Block(doc, i + 2, code)
            block.notes = annotations_before(doc, lines, i)
            used.update(line for _, line in block.notes.values())
            skip = block.notes.get("skip")
            if skip and not skip[0].strip():
                problems.append(f"{doc}:{skip[1]}: snippet-skip must say "
                                "why the block is not compiled")
            found.append(block)
        i = j + 1
    for n, line in enumerate(lines, 1):
        if (line.lstrip().startswith("<!-- snippet-") and n not in used and
                n not in fenced):
            problems.append(f"{doc}:{n}: snippet annotation not right "
                            "before a ```c block")
    return found


def elide(line):
    """`...` is elided code; `, ...` is a variadic parameter list."""
    if line.lstrip().startswith("..."):
        return ""
    return re.sub(r"(,\s*)?\.\.\.",
                  lambda m: m.group(0) if m.group(1) else "", line)


def split_point(code):
    """Index of the first line after the block's last top-level function or
    type definition (0 if it has none)."""
    depth, parens, segment, split = 0, 0, "", 0
    opened, type_ends, in_comment = None, False, False
    for n, line in enumerate(code):
        if not in_comment and line.lstrip().startswith("#"):
            continue
        k = 0
        while k < len(line):
            c = line[k]
            if in_comment:
                if line.startswith("*/", k):
                    in_comment = False
                    k += 1
            elif line.startswith("/*", k):
                in_comment = True
                k += 1
            elif line.startswith("//", k):
                break
            elif c in "\"'":
                end = k + 1
                while end < len(line) and line[end] != c:
                    end += 2 if line[end] == "\\" else 1
                k = end
            elif c == "{":
                if depth == 0:
                    first = (segment.split() or [""])[0].split("(")[0]
                    if first in TYPE_KEYWORDS and "=" not in segment:
                        opened = "type"
                    elif (segment.rstrip().endswith(")") and
                          first not in STATEMENT_KEYWORDS):
                        opened = "function"
                    else:
                        opened = None
                depth += 1
            elif c == "}":
                depth -= 1
                if depth == 0:
                    if opened == "function":
                        split = n + 1
                    type_ends = opened == "type"
                    segment = ""
            elif c == ";" and depth == 0 and parens == 0:
                if type_ends:
                    split = n + 1
                segment, type_ends = "", False
            elif depth == 0:
                parens += (c == "(") - (c == ")")
                segment += c
            k += 1
        if depth == 0:
            segment += " "
    return split


def is_empty(lines):
    text = re.sub(r"/\*.*?\*/", "", "\n".join(lines), flags=re.S)
    text = re.sub(r"//[^\n]*", "", text)
    return text.strip() == ""


def parts(block):
    """The context and the block split into file scope and body, each a
    list of lines headed by its #line."""
    context, top, body = [], [], []
    if "context" in block.notes:
        text, line = block.notes["context"]
        context = [f'#line {line} "{block.doc}"', text]
    code = [elide(l) for l in block.code]
    split = len(code) if "name" in block.notes else split_point(code)
    if split:
        top = [f'#line {block.line} "{block.doc}"'] + code[:split]
    if not is_empty(code[split:]):
        body = [f'#line {block.line + split} "{block.doc}"'] + code[split:]
    return context, top, body


def unit(block, path):
    context, top, body = parts(block)
    out = [f"/* {block.doc}:{block.line}, made by "
           "scripts/check-doc-snippets.sh */", "#include <bcsc.h>"]
    out += context + top
    if body:
        out += [f'#line {len(out) + 2} "{path}"',
                "int doc_snippet(bcsc_task_t *self) {",
                "  static bcsc_co_t doc_snippet_co;",
                "  (void)self;",
                "  BCSC_CO_BEGIN(&doc_snippet_co);",
                "  {"] + body
        out += [f'#line {len(out) + 2} "{path}"',
                "  }",
                "  BCSC_CO_END(&doc_snippet_co);",
                "}"]
    return "\n".join(out) + "\n"


def named_header(block, name):
    """A named block (all of it file scope) as a header that other blocks'
    contexts #include: its context and its code."""
    context, top, _ = parts(block)
    guard = "DOC_SNIPPET_" + re.sub(r"\W", "_", name).upper()
    return "\n".join([f"#ifndef {guard}", f"#define {guard}"] + context +
                     top + ["#endif"]) + "\n"


def compile_block(job):
    block, path = job
    failures = []
    for cc in compilers:
        r = subprocess.run([cc] + flags + [path], capture_output=True,
                           text=True)
        if r.returncode != 0:
            failures.append((cc, r.stdout + r.stderr))
    return block, failures


shutil.rmtree(out_dir, ignore_errors=True)
os.makedirs(include_dir)
jobs, per_doc = [], {}
for doc in docs:
    blocks = blocks_of(doc)
    per_doc[doc] = {"blocks": len(blocks), "skipped": 0, "failed": 0}
    for block in blocks:
        if "name" in block.notes:
            name = block.notes["name"][0].strip()
            header = os.path.join(include_dir, name + ".h")
            if not re.fullmatch(r"[\w-]+", name) or os.path.exists(header):
                problems.append(f"{doc}:{block.notes['name'][1]}: snippet-"
                                f"name '{name}': not a word, or taken")
            else:
                with open(header, "w", encoding="utf-8") as f:
                    f.write(named_header(block, name))
        if "skip" in block.notes:
            per_doc[doc]["skipped"] += 1
            print(f"{doc}:{block.line}: not compiled: "
                  f"{' '.join(block.notes['skip'][0].split())}")
            continue
        name = doc.replace("/", "_").replace(".md", "")
        path = os.path.join(out_dir, f"{name}-{block.line}.c")
        with open(path, "w", encoding="utf-8") as f:
            f.write(unit(block, path))
        jobs.append((block, path))

with ThreadPoolExecutor(max_workers=2) as pool:
    results = list(pool.map(compile_block, jobs))
for block, failures in results:
    if failures:
        per_doc[block.doc]["failed"] += 1
    for cc, message in failures:
        print(f"{block.doc}:{block.line}: this block does not compile "
              f"with {cc}:")
        print("    " + message.rstrip().replace("\n", "\n    "))
for problem in problems:
    print(problem)
total = failed = skipped = 0
for doc, n in per_doc.items():
    total += n["blocks"]
    failed += n["failed"]
    skipped += n["skipped"]
    if n["blocks"]:
        print(f"doc-snippets: {doc}: {n['blocks']} blocks, "
              f"{n['blocks'] - n['skipped'] - n['failed']} compile, "
              f"{n['skipped']} skipped, {n['failed']} failed")
print(f"doc-snippets: {total} blocks in {len(docs)} file"
      f"{'' if len(docs) == 1 else 's'}, {failed} failed, "
      f"{skipped} skipped, with {' and '.join(compilers)} (units in "
      f"{out_dir}/)")
sys.exit(1 if failed or problems else 0)
PY
