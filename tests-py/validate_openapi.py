"""Validates an OpenAPI document on stdin with `openapi-spec-validator` (an independent
implementation of the OpenAPI 3.1 schema and its rules, such as unique operation ids) and prints
the errors it finds as JSON: {"version": ..., "errors": [...]}."""

import json
import sys

from openapi_spec_validator import OpenAPIV31SpecValidator


def main() -> None:
    document = json.load(sys.stdin)
    errors = [
        {"path": "/".join(str(p) for p in error.absolute_path), "message": error.message}
        for error in OpenAPIV31SpecValidator(document).iter_errors()
    ]
    json.dump({"version": document.get("openapi"), "errors": errors}, sys.stdout)


if __name__ == "__main__":
    main()
