#!/usr/bin/env bash
# Layering: every #include "..." in src/ must name a header of a folder the
# including folder may depend on (docs/ARCHITECTURE.md), and no file may
# include another folder's *_internal.h. Fails listing each bad include.
# Usage: layering.test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
src=${2:-$(cd "$(dirname "$0")/../.." && pwd)}
exec python3 - "$src/src" <<'PY'
import os
import re
import sys

root = sys.argv[1]
# Folder -> folders it may include from (besides itself).
core = ["base", "config", "compiler", "kernel"]
allowed = {
    "base": [],
    "health": ["base"],
    "config": ["base"],
    "compiler": ["base", "config"],
    "kernel": ["base", "config", "compiler"],
    "kernel/nft": core,
    "kernel/rtnl": core,
    "kernel/ct": core,
    "kernel/sim": core,
    "director": core,
    "daemon": core + ["director", "health"],
    "rs": core + ["kernel/rtnl", "kernel/sim"],
    "cli": core + ["kernel/nft", "kernel/rtnl", "kernel/ct", "kernel/sim",
                   "director", "daemon", "health", "rs"],
}
include = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
bad = []
for dirpath, _, names in os.walk(root):
    folder = os.path.relpath(dirpath, root)
    for name in sorted(names):
        if not name.endswith((".cc", ".h")):
            continue
        path = os.path.join(dirpath, name)
        if folder not in allowed:
            bad.append(f"src/{folder}/{name}: folder not in the layering table")
            continue
        text = open(path, encoding="utf-8").read()
        for inc in include.findall(text):
            dep = os.path.dirname(inc)
            where = f"src/{folder}/{name}: includes \"{inc}\""
            if dep != folder and dep not in allowed[folder]:
                bad.append(f"{where}, but {folder} may not depend on {dep}")
            elif dep != folder and inc.endswith("_internal.h"):
                bad.append(f"{where}: internal to src/{dep}")
for line in bad:
    print(line)
if bad:
    print(f"layering: {len(bad)} bad include(s); see docs/ARCHITECTURE.md")
    sys.exit(1)
print("layering: ok")
PY
