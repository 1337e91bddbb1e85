"""Import sources: the design's JSON rows, a CSV upload or an XLSX upload, read when the request
arrives (so a bad encoding or a malformed line is answered at once, with its row) and stored as
JSON lines under the tenant for the worker: `MEDIA_ROOT/<schema>/imports/<job id>.jsonl`.
"""

import csv
import io
from collections.abc import Iterator
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import orjson
from django.conf import settings
from django.db import connection

from apps.core.errors import ValidationFailed

MAX_ROWS = 1_000_000


def tenant_dir(kind: str) -> Path:
    """`MEDIA_ROOT/<schema>/<kind>`: a tenant's files never share a folder with another's."""
    path = Path(settings.MEDIA_ROOT) / connection.schema_name / kind
    path.mkdir(parents=True, exist_ok=True)
    return path


def _too_many(count: int) -> None:
    if count > MAX_ROWS:
        raise ValidationFailed({"file": f"An import holds at most {MAX_ROWS} rows."})


def json_rows(rows: Any, *, key: str) -> list[dict[str, Any]]:
    if not isinstance(rows, list):
        raise ValidationFailed({key: f"'{key}' must be a list of objects."})
    _too_many(len(rows))
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            raise ValidationFailed({f"{key}[{number - 1}]": f"Row {number} is not an object."})
    return rows


def _decode(data: bytes, encoding: str) -> str:
    try:
        return data.decode("utf-8-sig" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding)
    except LookupError:
        raise ValidationFailed({"encoding": f"Unknown encoding '{encoding}'."}) from None
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n")  # 0 is the header line
        where = "the header" if line == 0 else f"row {line}"
        raise ValidationFailed(
            {"file": f"{where}: byte 0x{data[exc.start]:02x} is not valid {encoding}; send UTF-8 or name the encoding."}
        ) from None


def csv_rows(data: bytes, *, encoding: str = "utf-8", delimiter: str | None = None) -> list[dict[str, Any]]:
    """Rows of a CSV file keyed by its header. Empty lines are ignored; a line with more cells
    than the header, a stray quote or a NUL byte is refused with its row number."""
    text = _decode(data, encoding)
    if not text.strip():
        raise ValidationFailed({"file": "The file is empty."})
    if delimiter is None:
        try:
            delimiter = csv.Sniffer().sniff(text[:4096].split("\n", 1)[0], delimiters=",;\t|").delimiter
        except csv.Error:
            delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[dict[str, Any]] = []
    try:
        header = [name.strip() for name in next(reader)]
        _header_check(header)
        for cells in reader:
            if not cells or (len(cells) == 1 and not cells[0].strip()):
                continue
            number = len(rows) + 1
            if len(cells) > len(header):
                raise ValidationFailed(
                    {"file": f"row {number}: {len(cells)} cells, but the header names {len(header)} columns."}
                )
            rows.append(dict(zip(header, cells, strict=False)))
            _too_many(len(rows))
    except csv.Error as exc:
        raise ValidationFailed({"file": f"row {len(rows) + 1}: malformed CSV ({exc})."}) from None
    return rows


def _header_check(header: list[str]) -> None:
    if not any(header):
        raise ValidationFailed({"file": "The first line must name the columns."})
    duplicates = sorted({name for name in header if name and header.count(name) > 1})
    if duplicates:
        raise ValidationFailed({"file": f"The header names these columns twice: {', '.join(duplicates)}."})


def _cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat() if value.time() != time.min else value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def xlsx_rows(data: bytes) -> list[dict[str, Any]]:
    """Rows of the workbook's first sheet, keyed by its first row."""
    from zipfile import BadZipFile

    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (BadZipFile, KeyError, ValueError, OSError):
        raise ValidationFailed({"file": "The file is not a valid XLSX workbook."}) from None
    try:
        sheet = workbook.worksheets[0]
        lines = sheet.iter_rows(values_only=True)
        first = next(lines, None)
        if first is None:
            raise ValidationFailed({"file": "The file is empty."})
        header = ["" if name is None else str(name).strip() for name in first]
        _header_check(header)
        rows = []
        for cells in lines:
            if all(cell is None or cell == "" for cell in cells):
                continue
            rows.append({name: _cell(cell) for name, cell in zip(header, cells, strict=False) if name})
            _too_many(len(rows))
        return rows
    finally:
        workbook.close()


def source_store(*, job_id: str, rows: list[dict[str, Any]]) -> str:
    path = tenant_dir("imports") / f"{job_id}.jsonl"
    with open(path, "wb") as handle:
        for row in rows:
            handle.write(orjson.dumps(row, default=str))
            handle.write(b"\n")
    return str(path)


def source_read(path: str, *, start: int = 0) -> Iterator[tuple[int, dict[str, Any]]]:
    """(1-based row number, row) from row `start + 1` on."""
    with open(path, "rb") as handle:
        for index, line in enumerate(handle):
            if index >= start:
                yield index + 1, orjson.loads(line)
