"""Reads the lvsnft command tree from the binary's own `--help` output.

The man page lvsnft(8) and the bash completion are both generated from
what this module returns, so a flag added to the CLI appears in both at
the next build. It parses CLI11's help layout: a description line, a
"Usage:" line, then "Positionals:", "Options:" and "Subcommands:"
sections whose entries start at column 2 with the description at column
30 (or on the next line, indented by 30, when the name is longer), and
an optional footer after the last section.
"""

import re
import subprocess

COLUMN = 30
SECTIONS = ("Positionals:", "Options:", "Subcommands:")


def run_help(binary, path):
    """The --help text of `lvsnft PATH...`."""
    done = subprocess.run([binary, *path, "--help"], capture_output=True,
                          text=True, check=True)
    return done.stdout


def split_entries(lines):
    """(head, description) pairs of one section's indented lines."""
    entries = []
    for i, line in enumerate(lines):
        if line.startswith(" " * COLUMN):
            head, desc = entries[-1]
            entries[-1] = (head, (desc + " " + line.strip()).strip())
            continue
        follows = i + 1 < len(lines) and lines[i + 1].startswith(" " * COLUMN)
        if len(line) > COLUMN and line[COLUMN - 1] == " " and not follows:
            entries.append((line[:COLUMN].strip(), line[COLUMN:].strip()))
        else:
            entries.append((line.strip(), ""))
    return entries


def parse_option(head, desc):
    """An option entry: names, value type, choices, default, flags."""
    names, _, rest = head.partition(" ")
    option = {"names": names.split(","), "desc": desc, "value": "",
              "choices": [], "default": "", "required": False,
              "repeat": False, "excludes": []}
    excl = re.search(r"Excludes:(( --?[\w-]+)+)", rest)
    if excl:
        option["excludes"] = excl.group(1).split()
        rest = rest.replace(excl.group(0), "")
    option["required"] = " REQUIRED" in " " + rest
    option["repeat"] = "..." in rest
    kind = rest.replace("REQUIRED", "").replace("...", "").split()
    if kind:
        m = re.match(r"([A-Z]+)(?::\{([^}]*)\})?(?:=(.*))?$", kind[0])
        if m:
            option["value"] = m.group(1)
            option["choices"] = m.group(2).split(",") if m.group(2) else []
            option["default"] = m.group(3) or ""
    return option


def parse(text, binary):
    """One command's help text as a dict (subcommands not yet filled)."""
    lines = text.rstrip("\n").split("\n")
    cmd = {"desc": "", "usage": "", "positionals": [], "options": [],
           "subcommands": [], "footer": []}
    section, body = None, {}
    for line in lines:
        if line.startswith("Usage: "):
            cmd["usage"] = line[len("Usage: "):].replace(binary, "lvsnft", 1)
        elif line in SECTIONS:
            section = line
            body[section] = []
        elif section and line.startswith("  "):
            body[section].append(line)
        elif section and line == "":
            continue
        elif section:
            cmd["footer"].append(line)
            section = "footer"
            body.setdefault(section, [])
        elif not cmd["usage"] and line:
            cmd["desc"] = line
    cmd["footer"] += [l.rstrip() for l in body.get("footer", [])]
    entries = {s: split_entries(body.get(s, [])) for s in SECTIONS}
    cmd["positionals"] = [parse_option(h, d) for h, d in entries["Positionals:"]]
    cmd["options"] = [parse_option(h, d) for h, d in entries["Options:"]]
    cmd["subcommands"] = [h for h, _ in entries["Subcommands:"]]
    return cmd


def load(binary, path=()):
    """The command at PATH and, recursively, its subcommands."""
    cmd = parse(run_help(binary, list(path)), binary)
    cmd["path"] = list(path)
    cmd["subcommands"] = [load(binary, (*path, name))
                          for name in cmd["subcommands"]]
    return cmd


def walk(cmd):
    """Every command of the tree, parents before children."""
    yield cmd
    for sub in cmd["subcommands"]:
        yield from walk(sub)
