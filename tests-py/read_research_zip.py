"""An independent reader of a study's research export (a ZIP on standard input), with Python's
own zipfile, csv and json: prints {"names": [...], "tables": {file: [rows]}, "datapackage": {...}}.
Every CSV file is read with the csv module's defaults (comma, double quotes), as R and the
Frictionless tools read them."""
import csv
import io
import json
import sys
import zipfile

archive = zipfile.ZipFile(io.BytesIO(sys.stdin.buffer.read()))
assert archive.testzip() is None, "a damaged member"
out = {"names": archive.namelist(), "tables": {}, "datapackage": None}
for name in archive.namelist():
    data = archive.read(name).decode("utf-8")
    if name.endswith(".csv"):
        out["tables"][name] = list(csv.reader(io.StringIO(data, newline="")))
    elif name == "datapackage.json":
        out["datapackage"] = json.loads(data)
    else:
        raise SystemExit(f"an unexpected file: {name}")
json.dump(out, sys.stdout)
