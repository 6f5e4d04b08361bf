"""What every import does after the file is read: map the sheet's columns, check each row, preview or apply.

- Columns are matched by folded name (`geo.text.fold`: case, diacritics, tone-mark placement and
  look-alike letters do not matter) against each app's aliases in Vietnamese and English.
- Every message about a row is keyed by the column as the sheet names it and carries the row's
  spreadsheet row number (or feature position for GeoJSON/KML), in the request's language.
- `import_run` is one transaction: with `preview=True` it is rolled back at the end, so the preview
  reports exactly what applying would create, update, leave unchanged or refuse, and writes nothing; applying
  writes exactly those rows, or nothing at all if anything unexpected happens (the whole file is
  undone, no retry can duplicate half of it). Each row runs in a savepoint, so a refused row leaves
  nothing behind.
- A control character (NUL…) in any cell refuses the whole file, naming the row and column.
- Every importer answers one shape, `ImportAnswer` (`import_answer`; docs/API.md, "Imports").
"""
import re
from collections.abc import Callable, Iterable

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.exceptions import ValidationError as ApiValidationError

from geo.readers import read_records
from geo.text import fold

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class RowUnchanged(Exception):
    """Raised by a row handler when the row repeats what is already recorded (in the database or earlier in the file):
    the row is `unchanged`, not an error, so the same sheet sent twice answers every row unchanged. `id` names the record
    it repeats (None when there is none to name), `label` what the row names (a code, a title)."""

    status = "unchanged"

    def __init__(self, message, *, id=None, label="", record=""):
        super().__init__(message)
        self.message, self.id, self.label, self.record = message, id, label, record


class RowSkipped(RowUnchanged):
    """Raised for a row that says nothing to import (a note, an empty row): `skipped`."""

    status = "skipped"


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


def sheet_errors(errors, columns: dict[str, str], sources: dict | None = None) -> tuple[dict, list]:
    """Errors keyed by canonical key → ({column heading as the sheet names it: [messages]}, [(headings, messages)]).

    A key that is no column of the sheet goes under the heading(s) of the columns it was read from (`sources`
    {key: (column keys)}: a proposal's `geometry` under its "Kinh độ" and "Vĩ độ"); a key with no column at all (the
    row as a whole) has no cell and no heading. The list gives each message once, with its headings, for the reason."""
    as_named = {key: name for name, key in columns.items()}
    cells, said = {}, []
    for key, messages in flatten_errors(errors).items():
        keys = (key,) if key in as_named else tuple((sources or {}).get(key, ()))
        headings = [as_named[k] for k in keys if k in as_named]
        for heading in headings:
            cells.setdefault(heading, []).extend(messages)
        said.append((headings, messages))
    return cells, said


def _said(headings, messages, letters, row) -> str:
    """One refusal in the reason: "J5 Số tiền: …" after its cell(s) and heading(s), the bare messages for the row."""
    where = [f"{letters[h]}{row} " if letters and h in letters else "" for h in headings]
    named = ", ".join(f"{cell}{heading}" for cell, heading in zip(where, headings))
    return f"{named}: {' '.join(messages)}" if named else " ".join(messages)


def _check_control_characters(records):
    for record in records:
        for name, value in record.fields.items():
            if isinstance(value, str) and _CONTROL.search(value) or isinstance(name, str) and _CONTROL.search(name):
                raise ApiValidationError({"file": [_(
                    "Row %(row)s, column “%(column)s” holds a control character (such as NUL): the file looks damaged. "
                    "Nothing was written."
                ) % {"row": record.row, "column": name}]})


# What becomes of a row, in every import's answer (`ImportAnswer`, docs/API.md, "Imports").
ROW_STATUSES = ("created", "updated", "unchanged", "skipped", "refused")


def import_run(*, records: list, columns: dict[str, str], handle_row: Callable, preview: bool,
               letters: dict[str, str] | None = None, label_key: str = "", sources: dict | None = None) -> list[dict]:
    """Run `handle_row(record) -> dict` over every record in one transaction; return the rows of `ImportAnswer`.

    `handle_row` returns `{"id", "label", "record"[, "updated": True]}` for a row it wrote (created, or `updated` when it
    added to a record already there), raises RowUnchanged / RowSkipped for a row that writes nothing, and django's
    ValidationError (keyed by column key; a key that is no column by `sources`, see `sheet_errors`) to refuse it. Each row: {"row", "status", "id", "label", "record", "cells",
    "reason"}: `cells` {column heading as in the sheet: [messages]} for a refused row, `reason` its messages in one
    line (each after its cell, "J5", when `letters` {heading: column letter} is given) or why nothing was written;
    a row the handler did not label is labelled by its cell in the column `label_key` (a code, a title) as typed.
    With `preview=True` nothing is kept and a created row has no `id` (the record will not exist). Anything else
    raised rolls back every row and propagates.
    """
    _check_control_characters(records)
    report, created = [], {}
    label_column = next((name for name, key in columns.items() if key == label_key), None)
    with transaction.atomic():
        # One import at a time per district: two sends of the same sheet at the same moment would each find
        # no duplicate before the other commits (a reviewer recorded one payment three times).
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext('sedp-import:' || current_schema()))")
        for record in records:
            row = {"row": record.row, "id": None, "label": "", "record": "", "cells": {}, "reason": ""}
            try:
                with transaction.atomic():
                    taken = dict(handle_row(record))
                status = "updated" if taken.pop("updated", False) else "created"
                row.update(taken, status=status)
                if status == "created":
                    created[(row["record"], row["id"])] = record.row
            except RowUnchanged as same:
                row.update(status=same.status, id=same.id, label=same.label, record=same.record, reason=same.message)
            except ValidationError as exc:
                cells, said = sheet_errors(exc, columns, sources)
                reason = " ".join(_sentence(_said(headings, messages, letters, record.row)) for headings, messages in said)
                row.update(status="refused", cells=cells, reason=reason)
            if not row["label"] and label_column is not None:
                row["label"] = str(record.fields.get(label_column) or "").strip()
            report.append(row)
        if preview:
            transaction.set_rollback(True)
            # Rolled back: a record created by this file will never exist, so no row names it (the row that created
            # it, one adding to it or one repeating it further down).
            for row in report:
                key = (row["record"], row["id"])
                if key in created:
                    row["id"] = None
                    if row["status"] == "unchanged":  # its reason named the id: name the row it repeats instead
                        row["reason"] = _("Repeats row %(row)s of this file: not written again.") % {"row": created[key]}
    return report


def _sentence(text: str) -> str:
    """A message ending in one stop, so messages join with a space ("Giá trị không hợp lệ. W2 …", never ".;")."""
    text = text.rstrip()
    return text if text.endswith((".", "!", "?", "…")) else text + "."


def import_answer(*, rows: list[dict], preview: bool, format: str, columns: dict[str, str]) -> dict:
    """Every import's answer (`ImportAnswer`): `preview`, `format`, `columns`, a count per status and the rows in order."""
    counts = {status: sum(row["status"] == status for row in rows) for status in ROW_STATUSES}
    return {"preview": preview, "format": format, "columns": columns, **counts, "rows": rows}


class ImportRow(serializers.Serializer):
    """One row of an imported file in the answer (`import_run`)."""

    row = serializers.IntegerField(help_text="the spreadsheet row number (CSV, Excel) or the feature's position (GeoJSON, KML)")
    status = serializers.ChoiceField(choices=ROW_STATUSES, help_text=(
        "created: a new record; updated: added to a record already there (an allocation to a project); unchanged: it "
        "repeats what is recorded, nothing written (not an error: the same sheet sent twice); skipped: a note or an "
        "empty row; refused: see cells and reason, nothing written"))
    id = serializers.IntegerField(allow_null=True, help_text=(
        "the record written, added to or repeated; null for a created row in a preview (it will not exist) and a refused one"))
    label = serializers.CharField(allow_blank=True, help_text="what the row names: a project's code, a proposal's title")
    record = serializers.CharField(allow_blank=True, help_text="what `id` names: proposal, project, disbursement or progress")
    cells = serializers.DictField(child=serializers.ListField(child=serializers.CharField()),
                                  help_text="refused: {column heading as in the sheet: [messages]}; {} otherwise")
    reason = serializers.CharField(allow_blank=True, help_text=(
        "refused: the messages in one line, each after its cell (J5) where the sheet has letters; unchanged, skipped: why nothing was written"))


class ImportAnswer(serializers.Serializer):
    """What every import answers (proposals, investment projects, investment progress): docs/API.md, "Imports"."""

    preview = serializers.BooleanField(help_text="true: a dry run, nothing was written")
    format = serializers.CharField(help_text="csv, xlsx, geojson or kml")
    columns = serializers.DictField(child=serializers.CharField(), help_text="heading as in the file → the column's key")
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    skipped = serializers.IntegerField()
    refused = serializers.IntegerField()
    rows = ImportRow(many=True)


def wants_preview(request) -> bool:
    """`?preview=1` (or `preview` in the form): report what would be taken, write nothing."""
    value = request.query_params.get("preview") or (request.data.get("preview") if hasattr(request.data, "get") else None)
    return str(value or "").lower() in ("1", "true", "yes", "on")
