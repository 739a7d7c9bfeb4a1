#!/usr/bin/env python3
"""Canonical text of a netlink batch dumped by libmnl's mnl_nlmsg_fprintf.

`nft --debug=mnl` prints every message it sends in that format; the oracle
test dumps lvsnft's batch the same way. This script rebuilds each message's
attribute tree from the dump and prints it with:
  - messages before the first BATCH_BEGIN dropped (nft's cache requests),
  - sequence numbers and port ids dropped (nft and lvsnft count differently),
  - top-level attributes sorted by type (nft writes some attributes by hand
    before calling libnftnl, so their order differs; the kernel parses
    attributes by type). Nested attributes keep their order.

Usage: mnl_canon.py DUMP_FILE > CANONICAL_TEXT
"""
import re
import sys

ESCAPES = re.compile(r"\x1b\[[0-9;]*m")
ATTR = re.compile(r"^\|(\d+)\|([N-])([B-])\|(\d+)\|\s+\|len \|flags\| type\|")
DATA = re.compile(r"^\| ([0-9a-f]{2}) ([0-9a-f]{2}) ([0-9a-f]{2}) ([0-9a-f]{2})"
                  r"  \|\s+\|      data      \|")
TYPE = re.compile(r"^\| (\d+) \| (\S+) \|\s+\|  type \| flags  \|")
EXTRA = re.compile(r"^\| (.. .. .. ..)  \|\s+\|  extra header  \|")
BATCH_BEGIN = 16


def tokens(lines):
    """Yields ('msg', type, flags), ('extra', hex), ('attr', len, nested,
    type) and ('data', [4 bytes]) in dump order."""
    for line in lines:
        line = ESCAPES.sub("", line)
        m = TYPE.match(line)
        if m:
            yield ("msg", int(m.group(1)), m.group(2))
            continue
        m = EXTRA.match(line)
        if m:
            yield ("extra", m.group(1))
            continue
        m = ATTR.match(line)
        if m:
            yield ("attr", int(m.group(1)), m.group(2) == "N",
                   int(m.group(4)))
            continue
        m = DATA.match(line)
        if m:
            yield ("data", list(m.groups()))


def build(toks, pos, size):
    """Parses attributes filling `size` bytes from toks[pos]."""
    attrs = []
    used = 0
    while used < size and pos < len(toks) and toks[pos][0] == "attr":
        _, length, nested, kind = toks[pos]
        pos += 1
        body = (length - 4 + 3) // 4 * 4
        if nested:
            children, pos = build(toks, pos, length - 4)
            attrs.append((kind, length, children))
        else:
            data = []
            while len(data) < body and toks[pos][0] == "data":
                data.extend(toks[pos][1])
                pos += 1
            attrs.append((kind, length, " ".join(data[: length - 4])))
        used += 4 + body
    return attrs, pos


def render(attrs, indent, out):
    for kind, length, value in attrs:
        if isinstance(value, list):
            out.append(f"{indent}[{kind}] nest len {length}")
            render(value, indent + "  ", out)
        else:
            out.append(f"{indent}[{kind}] len {length}: {value}")


def canon(text):
    toks = list(tokens(text.splitlines()))
    out = []
    started = False
    pos = 0
    while pos < len(toks):
        tok = toks[pos]
        pos += 1
        if tok[0] != "msg":
            continue
        started = started or tok[1] == BATCH_BEGIN
        extra = toks[pos][1] if pos < len(toks) and toks[pos][0] == "extra" else ""
        if extra:
            pos += 1
        attrs, pos = build(toks, pos, 1 << 30)
        if not started:
            continue
        out.append(f"message type {tok[1]} flags {tok[2]} nfgen {extra}")
        render(sorted(attrs, key=lambda a: a[0]), "  ", out)
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8", errors="replace") as f:
        sys.stdout.write(canon(f.read()))
