#!/usr/bin/env python3
"""Validates JSON files against one of cposim's schemas (schemas/*.schema.json) with a real
JSON Schema validator (jsonschema, draft 2020-12, formats checked), for the Swift tests and
by hand:

    validate.py SCHEMA.json FILE.json [FILE.json ...]

Prints one line per violation (file, path, message) and exits 1 when any file is invalid; exits 3
when jsonschema cannot be imported, saying how to install it.
"""

import json
import sys

try:
    from jsonschema import Draft202012Validator, FormatChecker
except ImportError:
    print("jsonschema is not installed for " + sys.executable + ": run `make test` (it creates .venv-test from "
          "Tests/schemas/requirements.txt), or `python3 -m pip install jsonschema`, or set CPOSIM_PYTHON to a Python that has it",
          file=sys.stderr)
    sys.exit(3)


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    schema = json.load(open(argv[1], encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    validator = Draft202012Validator(schema, format_checker=FormatChecker())
    invalid = 0
    for path in argv[2:]:
        document = json.load(open(path, encoding="utf-8"))
        errors = sorted(validator.iter_errors(document), key=lambda e: [str(p) for p in e.absolute_path])
        for error in errors:
            where = "/".join(str(p) for p in error.absolute_path) or "(root)"
            print(f"{path}: {where}: {error.message}")
        invalid += bool(errors)
    return 1 if invalid else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
