#!/usr/bin/env python3
"""tests/vectors/bindings.json as the line format tests/windows/conformance.c reads (see there).

usage: bindings_lines.py BINDINGS_JSON > LINES"""
import json
import sys

NUMBERS = {"now", "minimum_generation", "grace_seconds", "rotate_at", "status", "memory_kib",
           "iterations", "parallelism", "reset_code_lifetime_minutes", "clock_skew_minutes"}
BINARY = {"bytes", "wrapping_key", "sid", "package_hex"}
OBJECTS = {"ring", "machine"}


def inputs(objects, prefix, obj, out):
    for key, value in obj.items():
        path = prefix + key
        if isinstance(value, dict):
            inputs(objects, path + ".", value, out)
        elif isinstance(value, list):
            for i, v in enumerate(value):
                inputs(objects, f"{path}.{i}.", v, out)
        elif value is None:
            out.append(f"in\t{path}\t-")
        elif key in NUMBERS:
            out.append(f"in\t{path}\t{int(value)}")
        elif key in OBJECTS:
            out.append(f"in\t{path}\t{objects[value]}")
        elif key in BINARY:
            out.append(f"in\t{path}\t{value}")
        else:
            out.append(f"in\t{path}\t{value.encode('utf-8').hex()}")


def text(value):
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(text(v) for v in value)
    s = str(value)
    if "\t" in s or "\n" in s or "\r" in s:
        sys.exit(f"a value with a tab or newline: {s!r}")
    return s


def wants(path, value, out):
    if isinstance(value, dict):
        for key, v in value.items():
            wants(f"{path}.{key}" if path else key, v, out)
    elif isinstance(value, list) and value and isinstance(value[0], dict):
        for i, v in enumerate(value):
            wants(f"{path}.{i}", v, out)
    else:
        out.append(f"want\t{path}\t{text(value)}")


def main():
    data = json.load(open(sys.argv[1], encoding="utf-8"))
    lines = []
    for case in data["cases"]:
        lines.append(f"case\t{case['name']}")
        lines.append(f"op\t{case['op']}")
        inputs(data["objects"], "", case["inputs"], lines)
        wants("", case["expect"], lines)
        lines.append("end")
    sys.stdout.write("\n".join(lines) + "\n")
    print(f"{len(data['cases'])} cases", file=sys.stderr)


main()
