"""Small roff (man(7)) helpers shared by the lvsnft man page generators.

Text from the JSON Schema and from `--help` is escaped here so that groff
renders it literally: backslashes, leading control characters, hyphens in
option names and non-ASCII characters (as \\[uXXXX], no preconv needed).
`backticks` in schema descriptions become bold.
"""

import gzip
import re


def escape(text, minus=False):
    """Returns text safe inside a roff text line (not at line start);
    minus=True writes '-' as a minus sign, as option names need."""
    out = []
    for ch in text.replace("\\", "\\e"):
        if ord(ch) > 126:
            out.append("\\[u%04X]" % ord(ch))
        elif ch == "-" and minus:
            out.append("\\-")
        else:
            out.append(ch)
    return "".join(out)


def inline(text):
    """Escapes text and turns `code` spans into bold."""
    parts = text.split("`")
    return "".join(
        "\\fB%s\\fR" % escape(p, minus=True) if i % 2 else escape(p)
        for i, p in enumerate(parts))


def line(text):
    """A text line that cannot be taken for a request (leading . or ')."""
    text = text.strip()
    return "\\&" + text if text[:1] in (".", "'") else text


def header(name, section, version, manual):
    """The .TH line; no date so that the output is reproducible."""
    return '.TH %s %s "" "lvsnft %s" "%s"' % (
        name.upper(), section, version, manual)


def squeeze(text):
    """Collapses runs of whitespace (wrapped help text) into one space."""
    return re.sub(r"\s+", " ", text).strip()


def write(path, lines):
    """Writes the page to PATH and, for installing, a reproducible PATH.gz
    (no name or time stamp in the gzip header, as Debian wants)."""
    text = ("\n".join(lines) + "\n").encode("utf-8")
    with open(path, "wb") as f:
        f.write(text)
    with open(path + ".gz", "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0,
                           compresslevel=9) as f:
            f.write(text)
