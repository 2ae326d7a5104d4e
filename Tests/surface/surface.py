#!/usr/bin/env python3
"""The library's public surface, counted from swift-symbolgraph-extract's output (issue 26).

Usage: surface.py SYMBOL_GRAPH_DIR [--module NAME] [--max-public N] [--max-undocumented N] [--list]

Counts every public (or open) declaration of the module that has a place in this repository's
Sources/ (members, enum cases and initialisers included; what the compiler synthesises, such as
Equatable's ==, has no place and is not counted), and those among them without a doc comment of
their own (the comment of the protocol requirement a declaration implements, such as
CustomStringConvertible's `description`, counts: DocC shows it).
Exits 1 when a count is above its stated maximum, naming the count, the maximum and the files
with the most undocumented declarations; --list prints every undocumented one (file:line name).
"""
import argparse
import collections
import glob
import json
import os
import sys
from urllib.parse import unquote, urlparse


def source_path(uri):
    path = unquote(urlparse(uri).path)
    marker = "/Sources/"
    at = path.rfind(marker)
    return path[at + 1:] if at >= 0 else None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("graphs")
    parser.add_argument("--max-public", type=int)
    parser.add_argument("--max-undocumented", type=int)
    parser.add_argument("--module", default="the module", help="the name printed")
    parser.add_argument("--list", action="store_true")
    args = parser.parse_args()

    files = sorted(glob.glob(os.path.join(args.graphs, "*.symbols.json")))
    if not files:
        print(f"surface: no *.symbols.json in {args.graphs}", file=sys.stderr)
        return 2
    seen = set()
    public = []
    undocumented = []
    for name in files:
        with open(name) as handle:
            graph = json.load(handle)
        for symbol in graph.get("symbols", []):
            if symbol.get("accessLevel") not in ("public", "open"):
                continue
            location = symbol.get("location")
            path = source_path(location["uri"]) if location else None
            if path is None:
                continue
            key = symbol["identifier"]["precise"]
            if key in seen:
                continue
            seen.add(key)
            line = location["position"]["line"] + 1
            title = ".".join(symbol.get("pathComponents", [])) or symbol["names"]["title"]
            entry = (path, line, title)
            public.append(entry)
            comment = symbol.get("docComment")
            if not (comment and comment.get("lines")):
                undocumented.append(entry)

    print(f"surface: {args.module}: {len(public)} public declarations, {len(undocumented)} without a doc comment")
    if args.list:
        for path, line, title in sorted(undocumented):
            print(f"  {path}:{line} {title}")
    failed = False
    for label, count, limit in (("public declarations", len(public), args.max_public),
                                ("undocumented public declarations", len(undocumented), args.max_undocumented)):
        if limit is not None and count > limit:
            print(f"surface: {args.module}: {count} {label}, above the stated maximum of {limit}", file=sys.stderr)
            failed = True
    if failed:
        by_file = collections.Counter(path for path, _, _ in undocumented)
        print("surface: most undocumented (document them, or make them package/internal):", file=sys.stderr)
        for path, count in by_file.most_common(10):
            print(f"  {count:5d} {path}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
