#!/usr/bin/env python3
"""Writes lvsnft.json(5) from the JSON Schema, the one source of the keys.

    json_man.py SCHEMA VERSION OUT.5   (also writes OUT.5.gz)

Every property of every object the schema describes (following $ref)
becomes one entry, grouped by the object it belongs to, with its type,
bounds, default, whether it is required and the schema's description.
A key added to the schema appears in the page at the next build.
"""

import json
import sys

import roff


def resolve(schema, node):
    """Follows $ref chains; keys beside a $ref (description) win."""
    merged = dict(node)
    while "$ref" in merged:
        ref = merged.pop("$ref")
        target = schema
        for part in ref.lstrip("#/").split("/"):
            target = target[part]
        merged = {**target, **merged}
    return merged


def describe_type(schema, node):
    """One phrase for the value: type, enum, const, bounds, alternatives."""
    node = resolve(schema, node)
    if "const" in node:
        return "the constant %s" % json.dumps(node["const"])
    if "enum" in node:
        return "one of " + ", ".join(json.dumps(v) for v in node["enum"])
    for key in ("anyOf", "oneOf"):
        if key in node:
            return " or ".join(describe_type(schema, alt) for alt in node[key])
    kind = node.get("type", "any value")
    if kind == "array":
        return "array of " + describe_type(schema, node.get("items", {}))
    if "minimum" in node or "maximum" in node:
        kind += " %s..%s" % (node.get("minimum", ""), node.get("maximum", ""))
    if "maxLength" in node:
        kind += " of at most %d characters" % node["maxLength"]
    return kind


def object_of(schema, node):
    """The object schema a property holds, directly or as array items."""
    node = resolve(schema, node)
    if node.get("type") == "array":
        node = resolve(schema, node.get("items", {}))
        return node if "properties" in node else None, "[]"
    return (node, "") if "properties" in node else (None, "")


def first_description(schema, node):
    """The key's description, else the first one among its alternatives."""
    node = resolve(schema, node)
    if node.get("description"):
        return node["description"]
    for alt in node.get("anyOf", []) + node.get("oneOf", []):
        found = first_description(schema, alt)
        if found:
            return found
    return ""


def entry(schema, name, node, required):
    """The .TP paragraph of one key."""
    full = resolve(schema, node)
    facts = [describe_type(schema, node)]
    if "default" in full:
        facts.append("default " + json.dumps(full["default"]))
    facts.append("required" if name in required else "optional")
    text = roff.inline("; ".join(facts) + ".")
    description = first_description(schema, node)
    if description:
        text += " " + roff.inline(description)
    return [".TP", ".B " + roff.escape(name), roff.line(text)]


def sections(schema, obj, path, out):
    """Appends one .SS per object (depth first, in schema order)."""
    title = path or "top level"
    out.append(".SS " + roff.escape(title))
    if path and obj.get("description"):
        out += [".PP", roff.line(roff.inline(obj["description"]))]
    required = obj.get("required", [])
    nested = []
    for name, node in obj["properties"].items():
        child, suffix = object_of(schema, node)
        child_path = (path + "." if path else "") + name + suffix
        out += entry(schema, name, node, required)
        if child is not None:
            out.append("Its keys: see \\fB%s\\fR below." % child_path)
            nested.append((child, child_path))
    for child, child_path in nested:
        sections(schema, child, child_path, out)


def page(schema, version):
    """The whole page as a list of lines."""
    out = [
        roff.header("lvsnft.json", 5, version, "File Formats"),
        ".SH NAME",
        "lvsnft.json \\- lvsnft configuration file",
        ".SH SYNOPSIS",
        ".B /etc/lvsnft/lvsnft.json",
        ".SH DESCRIPTION",
        roff.line(roff.inline(schema.get("description", ""))),
        ".PP",
        "The file is one JSON object.",
        "Unknown keys are errors (lvsnft suggests the nearest known key).",
        "This page is generated from the JSON Schema shipped as",
        ".IR /usr/share/lvsnft/lvsnft\\-config.schema.json ,",
        "so both list the same keys.",
        "A path such as",
        ".B services[].real_servers[]",
        "names the objects in the",
        ".B real_servers",
        "array of each service.",
        ".SH KEYS",
    ]
    sections(schema, schema, "", out)
    out += [
        ".SH FILES",
        ".TP",
        ".I /usr/share/doc/lvsnft/examples/",
        "Example configurations (nat, dr, tun, fullnat and a showcase).",
        ".SH SEE ALSO",
        ".BR lvsnft (8)",
    ]
    return out


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        schema = json.load(f)
    roff.write(sys.argv[3], page(schema, sys.argv[2]))


if __name__ == "__main__":
    main()
