"""What every import does after the file is read: map the sheet's columns, check each row, preview or apply.

- Columns are matched by folded name (`geo.text.fold`: case, diacritics, tone-mark placement and
  look-alike letters do not matter) against each app's aliases in Vietnamese and English.
- Every message about a row is keyed by the column as the sheet names it and carries the row's
  spreadsheet row number (or feature position for GeoJSON/KML), in the request's language.
- `import_run` is one transaction: with `preview=True` it is rolled back at the end, so the preview
  reports exactly what applying would take, refuse or skip as duplicate, and writes nothing; applying
  writes exactly those rows, or nothing at all if anything unexpected happens (the whole file is
  undone, no retry can duplicate half of it). Each row runs in a savepoint, so a refused row leaves
  nothing behind.
- A control character (NUL…) in any cell refuses the whole file, naming the row and column.
"""
import re
from collections.abc import Callable, Iterable

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError as ApiValidationError

from geo.readers import read_records
from geo.text import fold

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class RowDuplicate(Exception):
    """Raised by a row handler when the row repeats one already recorded (in the database or earlier in the file)."""

    def __init__(self, message, **info):
        super().__init__(message)
        self.message, self.info = message, info


def read_upload(upload, *, kinds: set, geometry: bool = True):
    """The upload read by `geo.readers.read_records` (in the parsing jail); file refusals as a DRF 400 on `file`."""
    try:
        return read_records(upload, kinds=kinds, geometry=geometry)
    except ValidationError as exc:
        raise ApiValidationError(exc.message_dict if hasattr(exc, "error_dict") else {"file": exc.messages})


def map_columns(names: Iterable[str], aliases: dict[str, str]) -> dict[str, str]:
    """{name as in the file: canonical key} for the names that fold to a known alias (aliases are already folded)."""
    mapped = {}
    for name in names:
        folded = fold(str(name))
        bare = re.sub(r"\s*\([^)]*\)\s*$", "", folded)  # "Tiến độ thực hiện (%)", "Kinh phí (đồng)": the unit in brackets
        key = next((aliases[k] for k in (folded, folded.replace("_", " "), bare, bare.replace("_", " ")) if k in aliases), None)
        if key and key not in mapped.values():
            mapped[name] = key
    return mapped


def row_values(record, columns: dict[str, str]) -> tuple[dict, dict]:
    """The record's values and cell formats by canonical key; blank text counts as missing."""
    values, formats = {}, {}
    for name, key in columns.items():
        value = record.fields.get(name)
        if isinstance(value, str):
            value = value.strip()
        if value in ("", None):
            continue
        values[key] = value
        formats[key] = (getattr(record, "formats", None) or {}).get(name, "")
    return values, formats


def flatten_errors(errors):
    """Django/DRF errors (nested dicts of lists) as {key: [text]}, keys of nested `properties` lifted up."""
    if isinstance(errors, ValidationError):
        errors = errors.message_dict if hasattr(errors, "error_dict") else {"row": errors.messages}
    out = {}
    for key, value in (errors.items() if isinstance(errors, dict) else [("row", errors)]):
        if isinstance(value, dict):
            for inner, messages in flatten_errors(value).items():
                out.setdefault(inner, []).extend(messages)
        elif isinstance(value, list | tuple):
            out.setdefault(key, []).extend(str(m) for m in value if not isinstance(m, dict | list))
            for m in value:
                if isinstance(m, dict | list):
                    for inner, messages in flatten_errors(m if isinstance(m, dict) else {key: m}).items():
                        out.setdefault(inner, []).extend(messages)
        else:
            out.setdefault(key, []).append(str(value))
    return out


def sheet_errors(errors, columns: dict[str, str]) -> dict:
    """Errors keyed by canonical key → keyed by the column as the sheet names it (other keys stay)."""
    as_named = {key: name for name, key in columns.items()}
    return {as_named.get(key, key): messages for key, messages in flatten_errors(errors).items()}


def _check_control_characters(records):
    for record in records:
        for name, value in record.fields.items():
            if isinstance(value, str) and _CONTROL.search(value) or isinstance(name, str) and _CONTROL.search(name):
                raise ApiValidationError({"file": [_(
                    "Row %(row)s, column “%(column)s” holds a control character (such as NUL): the file looks damaged. "
                    "Nothing was written."
                ) % {"row": record.row, "column": name}]})


def import_run(*, records: list, columns: dict[str, str], handle_row: Callable, preview: bool) -> list[dict]:
    """Run `handle_row(record) -> dict` over every record in one transaction; return the row report.

    Each report row is {"row": n, "status": "taken"|"refused"|"duplicate", ...}: taken rows carry what
    the handler returned, refused rows `errors` keyed by the sheet's column names, duplicates `message`
    and what they repeat. `handle_row` raises django ValidationError to refuse a row and RowDuplicate to
    skip it. With `preview=True` nothing is kept. Anything else raised rolls back every row and propagates.
    """
    _check_control_characters(records)
    report = []
    with transaction.atomic():
        # One import at a time per district: two sends of the same sheet at the same moment would each find
        # no duplicate before the other commits (a reviewer recorded one payment three times).
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext('sedp-import:' || current_schema()))")
        for record in records:
            try:
                with transaction.atomic():
                    taken = handle_row(record)
                report.append({"row": record.row, "status": "taken", **taken})
            except RowDuplicate as dup:
                report.append({"row": record.row, "status": "duplicate", "message": dup.message, **dup.info})
            except ValidationError as exc:
                report.append({"row": record.row, "status": "refused", "errors": sheet_errors(exc, columns)})
        if preview:
            transaction.set_rollback(True)
    return report


def wants_preview(request) -> bool:
    """`?preview=1` (or `preview` in the form): report what would be taken, write nothing."""
    value = request.query_params.get("preview") or (request.data.get("preview") if hasattr(request.data, "get") else None)
    return str(value or "").lower() in ("1", "true", "yes", "on")
