"""An independent reader of an access export (a ZIP on standard input), with Python's zipfile and
the jsonschema package: checks participant.json against docs/access-export.schema.json and prints
{"names": [...], "json": {...}, "schema_errors": [...], "pdf_bytes": N}."""
import io
import json
import pathlib
import sys
import zipfile

import jsonschema

schema_path = pathlib.Path(__file__).resolve().parent.parent / "docs" / "access-export.schema.json"
schema = json.loads(schema_path.read_text(encoding="utf-8"))
jsonschema.Draft202012Validator.check_schema(schema)

archive = zipfile.ZipFile(io.BytesIO(sys.stdin.buffer.read()))
assert archive.testzip() is None, "a damaged member"
document = json.loads(archive.read("participant.json").decode("utf-8"))
validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(document)]
json.dump(
    {
        "names": archive.namelist(),
        "json": document,
        "schema_errors": errors,
        "pdf_bytes": len(archive.read("participant.pdf")),
    },
    sys.stdout,
)
