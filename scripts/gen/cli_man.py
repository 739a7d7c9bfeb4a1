#!/usr/bin/env python3
"""Writes lvsnft(8) from the built binary's own `--help` output.

    cli_man.py LVSNFT_BINARY VERSION OUT.8   (also writes OUT.8.gz)

Every command and subcommand (`lvsnft X --help`, recursively) gets a
subsection with its usage, description, positionals and options (value,
choices, default, exclusions). The exit codes come from the top-level
help's footer when the CLI prints one; otherwise the page states the
codes the commands' own descriptions give. A flag added to the CLI
appears in the page at the next build.
"""

import re
import sys

import cli_help
import roff

FILES = [
    ("/etc/lvsnft/lvsnft.json",
     "The configuration the systemd units use (see lvsnft.json(5))."),
    ("/var/lib/lvsnft/",
     "State: what lvsnft created (addresses, devices, sysctl values), the "
     "daemon's persisted overrides, rs-setup.json."),
    ("/run/lvsnft/control.sock", "The daemon's control socket."),
    ("/usr/share/lvsnft/lvsnft-config.schema.json",
     "JSON Schema of the configuration (editors can validate with it)."),
    ("/usr/share/doc/lvsnft/examples/", "Example configurations."),
]


def option_head(option):
    """`\\fB\\-c\\fR, \\fB\\-\\-config\\fR \\fITEXT\\fR` for the .TP tag."""
    names = ", ".join("\\fB%s\\fR" % roff.escape(n, minus=True)
                      for n in option["names"])
    if option["value"]:
        names += " \\fI%s\\fR" % option["value"]
    if option["repeat"]:
        names += " ..."
    return names


def option_text(option):
    """Description plus the facts --help gives in the option's head."""
    facts = [option["desc"].rstrip(".") + "."] if option["desc"] else []
    if option["required"]:
        facts.append("Required.")
    if option["choices"]:
        facts.append("One of: %s." % ", ".join(option["choices"]))
    if option["default"]:
        facts.append("Default: `%s`." % option["default"])
    if option["repeat"]:
        facts.append("May be given more than once.")
    if option["excludes"]:
        facts.append("Not together with %s." % ", ".join(
            "`%s`" % e for e in option["excludes"]))
    return roff.line(roff.inline(" ".join(facts)))


def usage(cmd):
    """The usage line, with CLI11's `name(0x)` written as `name...`."""
    return re.sub(r"\((\d+)x\)", "...", cmd["usage"])


def command_section(cmd):
    out = [".SS " + roff.escape(" ".join(cmd["path"])),
           ".B " + roff.escape(usage(cmd), minus=True),
           ".PP", roff.line(roff.inline(cmd["desc"].rstrip(".") + "."))]
    for option in cmd["positionals"] + cmd["options"]:
        if "--help" in option["names"]:
            continue
        out += [".TP", option_head(option), option_text(option)]
    return out


def exit_status(root):
    """The footer's exit-code block verbatim, or the codes commands state."""
    footer = root["footer"]
    start = next((i for i, l in enumerate(footer)
                  if re.match(r"(?i)exit", l)), None)
    if start is not None:
        # Preformatted, indentation kept (\& guards a leading . or ').
        return [".nf"] + ["\\&" + roff.escape(l) for l in footer[start:]
                          if l] + [".fi"]
    out = [roff.line("lvsnft exits 0 on success and 1 when the configuration "
                     "is invalid, an operation fails or the command line is "
                     "wrong, except where a command states more codes:")]
    for cmd in cli_help.walk(root):
        sources = [("", cmd["desc"])] + [
            (" " + o["names"][-1], o["desc"]) for o in cmd["options"]]
        for flag, text in sources:
            for sentence in re.findall(r"(?i)\bexit [^.;]*", text):
                tag = " ".join(cmd["path"]) + flag
                out += [".TP", ".B " + roff.escape(tag, minus=True),
                        roff.line(roff.inline(sentence))]
    return out


def page(root, version):
    title = re.sub(r"^lvsnft\s*-\s*", "", root["desc"])
    out = [roff.header("lvsnft", 8, version, "System Administration"),
           ".SH NAME", "lvsnft \\- " + roff.escape(title),
           ".SH SYNOPSIS",
           ".B lvsnft", ".I command", "[\\fIoptions\\fR]", ".br",
           ".B lvsnft \\-\\-version",
           ".SH DESCRIPTION",
           "lvsnft compiles one JSON file describing load-balanced services",
           "(see",
           ".BR lvsnft.json (5))",
           "into nftables tables applied atomically over netlink, plus the",
           "director's and the real servers' host settings.",
           "This page is generated from the output of",
           ".BR \"lvsnft \\fIcommand\\fP \\-\\-help\" .",
           ".SH OPTIONS"]
    for option in root["options"]:
        out += [".TP", option_head(option), option_text(option)]
    out.append(".SH COMMANDS")
    for cmd in list(cli_help.walk(root))[1:]:
        out += command_section(cmd)
    out += [".SH EXIT STATUS"] + exit_status(root)
    out.append(".SH FILES")
    for path, text in FILES:
        out += [".TP", ".I " + roff.escape(path, minus=True), roff.line(text)]
    out += [".SH SEE ALSO", ".BR lvsnft.json (5),", ".BR nft (8),",
            ".BR ipvsadm (8),", ".BR systemctl (1)"]
    return out


def main():
    root = cli_help.load(sys.argv[1])
    roff.write(sys.argv[3], page(root, sys.argv[2]))


if __name__ == "__main__":
    main()
