"""Reads an XLSX workbook on stdin with `openpyxl` and prints each sheet's rows as JSON (numbers
stay numbers), so the Rust integration suite checks onramp's workbooks with an independent reader."""

import io
import json
import sys

from openpyxl import load_workbook


def main() -> None:
    workbook = load_workbook(io.BytesIO(sys.stdin.buffer.read()), read_only=True)
    sheets = {}
    for sheet in workbook.worksheets:
        sheets[sheet.title] = [list(row) for row in sheet.iter_rows(values_only=True)]
    json.dump(sheets, sys.stdout, default=str)


if __name__ == "__main__":
    main()
