"""Bulk disbursement and physical progress from the sheet districts already keep (CSV or Excel).

Columns (Vietnamese or English headings, any order): project code, date, disbursed amount (VND),
physical progress (%); the amount or the progress may be left empty, not both. A row with money is
recorded through `investment.services.disbursement_record`, a row with progress alone (no amount,
or 0) through `investment.services.progress_record`, each in its own savepoint, so a refused row
leaves nothing behind; the answer says row by row what was taken and what was refused and why.
"""
import re
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from geo.readers import read_records
from geo.text import fold
from investment.models import InvestmentProject
from investment.services import disbursement_record, progress_record

COLUMNS = {
    "code": "code", "ma du an": "code", "ma": "code", "project code": "code", "project": "code", "ma da": "code",
    "date": "date", "ngay": "date", "ngay giai ngan": "date", "paid on": "date",
    "amount": "amount", "disbursed": "amount", "giai ngan": "amount", "so tien giai ngan": "amount", "so tien": "amount",
    "gia tri giai ngan": "amount", "disbursed amount": "amount",
    "progress": "progress", "physical progress": "progress", "tien do": "progress", "tien do thuc hien": "progress",
    "khoi luong hoan thanh": "progress", "physical_progress": "progress",
}
MAX_ROWS = 5000


def _read_rows(upload, content_type):
    records = read_records(upload, kinds={"csv", "xlsx"}, geometry=False).records
    if not records:
        raise ValidationError({"file": [_("The sheet is empty.")]})
    columns = {name: COLUMNS.get(fold(str(name or "")).strip()) for name in records[0].fields}
    header = set(columns.values())
    missing = {"code", "date"} - header
    if not {"amount", "progress"} & header:
        missing.add("amount")  # a sheet of progress alone is fine; one with neither says nothing
    if missing:
        raise ValidationError({"file": [_("Missing columns: %(columns)s.") % {"columns": ", ".join(sorted(missing))}]})
    if len(records) > MAX_ROWS:
        raise ValidationError({"file": [_("At most %(n)s rows at a time.") % {"n": MAX_ROWS}]})
    return [{columns[name]: value for name, value in record.fields.items() if columns.get(name)} for record in records]


def _date(value):
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value or "").strip()
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            pass
    raise ValidationError({"date": [_("Not a date (dd/mm/yyyy): %(value)s") % {"value": text}]})


def _blank(value):
    return value is None or str(value).strip() == ""


def _whole(value, field):
    if isinstance(value, bool):
        raise ValidationError({field: [_("A whole number is expected.")]})
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = str(value or "").strip().replace(" ", "")
    if re.fullmatch(r"\d{1,3}([.,]\d{3})+", text):
        text = re.sub(r"[.,]", "", text)
    if not re.fullmatch(r"-?\d+", text):
        raise ValidationError({field: [_("A whole number is expected: %(value)s") % {"value": value}]})
    return int(text)


def progress_import(*, actor, upload, content_type: str = "") -> dict:
    """Record every row of the sheet that passes the investment app's checks; report each row."""
    rows = _read_rows(upload, content_type)
    report = []
    for number, row in enumerate(rows, start=2):
        code = str(row.get("code") or "").strip()
        try:
            with transaction.atomic():
                project = InvestmentProject.objects.filter(code=code).first()
                if project is None:
                    raise ValidationError({"code": [_("No project with the code %(code)s.") % {"code": code}]})
                progress = row.get("progress")
                progress = None if _blank(progress) else _whole(progress, "physical_progress")
                amount = row.get("amount")
                amount = 0 if _blank(amount) else _whole(amount, "amount")
                on = _date(row.get("date"))
                if amount == 0 and progress is None:
                    raise ValidationError({"amount": [_("Give the disbursed amount, the physical progress, or both.")]})
                if amount == 0:
                    # Progress without money: the works advanced, nothing was paid in this row.
                    event = progress_record(project=project, actor=actor, on=on, physical_progress=progress, note=_("bulk update"))
                    taken = {"progress_event": event.pk}
                else:
                    disbursement = disbursement_record(project=project, actor=actor, paid_on=on, amount=amount,
                                                       physical_progress=progress, note=_("bulk update"))
                    taken = {"disbursement": disbursement.pk}
            report.append({"row": number, "code": code, "taken": True, **taken})
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"row": exc.messages}
            report.append({"row": number, "code": code, "taken": False, "errors": errors})
    return {"taken": sum(r["taken"] for r in report), "refused": sum(not r["taken"] for r in report), "rows": report}
