#!/usr/bin/env bash
# Self-containment: every repository path that a document or a comment
# names must exist: markdown links [text](path), and path-like words such
# as docs/LAYOUT.md, tests/..., src/..., scripts/... or README.md, in
# tracked files (a * in a path must match at least one file; a program
# bench/NAME or tools/NAME is checked as NAME.cc). Paths built at run time
# ($var/..., <placeholder>, an upper-case NAME) are not checked.
# Usage: doclinks.test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
src=${2:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$src"
check=$(cat <<'PY'
import glob
import os
import re
import sys

files = [f for f in sys.stdin.read().split("\0") if f]
roots = "docs|tests|src|scripts|tools|bench|examples|schema|contrib|\\.ci"
word = re.compile(r"(?<![\w/.$@{}<>*-])((?:%s)/[\w./*-]*|[\w-]+\.md)\b/?" % roots)
link = re.compile(r"\]\(([^)\s]+)\)")
checked = (".md", ".cc", ".h", ".sh", ".py", ".txt", ".json", "run")
bad = []


def placeholder(path):
    # tests/vm/NAME.test.sh, bench/results/SUITE: a name filled in later.
    for part in path.split("/"):
        stem, _, ext = part.partition(".")
        if len(stem) >= 3 and stem.isupper() and ext != "md":
            return True
    return False


def exists(base, path):
    path = path.split("#")[0].rstrip(".,:;")
    if not path or placeholder(path) or path.startswith("bench/out"):
        return True  # bench/out: the suites' (ignored) output directory
    # Relative to the root or the naming file; a bare LAYOUT.md is found in docs/.
    cands = [path, os.path.join(base, path)]
    if "/" not in path:
        cands.append(os.path.join("docs", path))
    for cand in cands:
        # A program is named by its path; its source is PATH.cc.
        if glob.glob(cand) or glob.glob(cand + ".cc"):
            return True
    return False


for f in files:
    if not f.endswith(checked) or f.startswith("tests/fuzz/corpus/"):
        continue
    try:
        text = open(f, encoding="utf-8").read()
    except (UnicodeDecodeError, FileNotFoundError):
        continue
    base = os.path.dirname(f)
    for n, line in enumerate(text.splitlines(), 1):
        found = set(word.findall(line))
        if f.endswith(".md"):
            found |= {m for m in link.findall(line)
                      if not re.match(r"[a-z]+:|#", m)}
        for p in sorted(found):
            if not exists(base, p):
                bad.append(f"{f}:{n}: names {p}, which does not exist")
for line in bad:
    print(line)
if bad:
    print(f"doclinks: {len(bad)} broken path(s)")
    sys.exit(1)
print(f"doclinks: ok ({len(files)} files)")
PY
)
git ls-files -z | python3 -c "$check"
