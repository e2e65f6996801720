#!/usr/bin/env python3
"""Independent readers of qualify's junit.xml and cucumber.json for
tests/integration/report_formats.rs (installed, pinned, by scripts/install-test-deps).

  report_formats.py junit FILE          -> JSON counts as PyPI junitparser reads them
  report_formats.py jsonschema SCHEMA FILE -> JSON list of violations (python-jsonschema)
"""
import json
import sys

MISSING = "{} is not installed: run scripts/install-test-deps"


def junit(path):
    try:
        from junitparser import Error, Failure, JUnitXml, Skipped
    except ImportError:
        sys.exit(MISSING.format("junitparser"))
    xml = JUnitXml.fromfile(path)
    suites = list(xml) if isinstance(xml, JUnitXml) else [xml]
    attributes = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    cases = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    names = []
    for suite in suites:
        for key in attributes:
            attributes[key] += int(getattr(suite, key) or 0)
        for case in suite:
            cases["tests"] += 1
            names.append(case.name)
            for result in case.result:
                if isinstance(result, Failure):
                    cases["failures"] += 1
                elif isinstance(result, Error):
                    cases["errors"] += 1
                elif isinstance(result, Skipped):
                    cases["skipped"] += 1
    print(json.dumps({"suites": len(suites), "attributes": attributes, "cases": cases, "names": names}))


def jsonschema_errors(schema_path, path):
    try:
        import jsonschema
    except ImportError:
        sys.exit(MISSING.format("jsonschema"))
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    with open(path, encoding="utf-8") as f:
        document = json.load(f)
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    validator = validator_class(schema)
    errors = [
        {"path": "/".join(str(p) for p in e.absolute_path), "message": e.message}
        for e in validator.iter_errors(document)
    ]
    print(json.dumps(errors))


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "junit":
        junit(sys.argv[2])
    elif len(sys.argv) == 4 and sys.argv[1] == "jsonschema":
        jsonschema_errors(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)
