"""Bulk disbursement and physical progress from the sheet districts already keep (CSV or Excel).

Columns (Vietnamese or English headings, any order, under a title if the sheet has one): project
code, date, disbursed amount (whole đồng), physical progress (%); the amount or the progress may be
left empty, not both. A row with money is recorded through `investment.services.disbursement_record`,
a row with progress alone (no amount, or 0) through `investment.services.progress_record`.

Values by the `geo.numbers` rule: "2.900.000.000" đồng, "60", "60 %" or a cell formatted as a
percentage (0.6 shown as 60 %), dates as date cells, Excel serial numbers, dd/mm/yyyy or ISO.
The whole sheet is one transaction (`geo.imports.import_run`): `preview` writes nothing; applying
writes exactly the rows the preview accepted, or nothing. A row repeating a disbursement already
recorded (same project, date and amount) or a progress reading (same project, date and progress)
is reported as unchanged and not written again, so sending the same sheet twice changes nothing.
"""
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from geo.imports import RowSkipped, RowUnchanged, import_answer, import_run, map_columns, read_upload, row_values
from geo.numbers import NumberRefused, message_number, read_date, read_number, read_percent
from geo.text import code_key, fold
from investment.models import Disbursement, InvestmentProject, ProjectEvent
from investment.services import disbursement_record, progress_record

COLUMNS = {fold(name): key for name, key in {
    "code": "code", "mã dự án": "code", "mã": "code", "project code": "code", "project": "code", "mã DA": "code",
    "date": "date", "ngày": "date", "ngày giải ngân": "date", "paid on": "date", "ngày báo cáo": "date",
    "amount": "amount", "disbursed": "amount", "giải ngân": "amount", "số tiền giải ngân": "amount", "số tiền": "amount",
    "giá trị giải ngân": "amount", "disbursed amount": "amount", "giá trị giải ngân (đồng)": "amount",
    "progress": "physical_progress", "physical progress": "physical_progress", "tiến độ": "physical_progress",
    "tiến độ thực hiện": "physical_progress", "khối lượng hoàn thành": "physical_progress",
    "physical_progress": "physical_progress", "tiến độ (%)": "physical_progress", "physical progress (%)": "physical_progress",
}.items()}
MAX_ROWS = 5000

def _value(values, key, read):
    try:
        return read(values[key]) if key in values else None
    except NumberRefused as exc:
        raise ValidationError({key: [str(exc)]})


def progress_import(*, actor, upload, preview: bool = False) -> dict:
    """Preview or apply the sheet (see the module docstring).

    Returns `geo.imports.ImportAnswer` (docs/API.md, "Imports"): a row with money creates a `disbursement`, one with
    progress alone a `progress` reading (the project's event); `label` is the project's code. A sheet without the
    code and date columns, or with neither amount nor progress, is a 400 on `file`.
    """
    result = read_upload(upload, kinds={"csv", "xlsx"}, geometry=False)
    names = list(dict.fromkeys(name for record in result.records for name in record.fields))
    columns = map_columns(names, COLUMNS)
    found = set(columns.values())
    missing = {"code", "date"} - found
    if not {"amount", "physical_progress"} & found:
        missing.add("amount")  # a sheet of progress alone is fine; one with neither says nothing
    if not result.records:
        raise ValidationError({"file": [_("The sheet is empty.")]})
    if missing:
        raise ValidationError({"file": [_("Missing columns: %(columns)s.") % {"columns": ", ".join(sorted(missing))}]})
    if len(result.records) > MAX_ROWS:
        raise ValidationError({"file": [_("At most %(n)s rows at a time.") % {"n": message_number(MAX_ROWS)}]})
    projects = {code_key(p.code): p for p in InvestmentProject.objects.all()}

    def handle(record):
        values, formats = row_values(record, columns)
        if not values.keys() - {"code"}:
            raise RowSkipped(_("A note or an empty row: skipped."))
        errors = {}
        project = projects.get(code_key(values.get("code")))
        if project is None:
            errors["code"] = [_("No project with the code %(code)s.") % {"code": values.get("code", "")}]
        parsed = {}
        for key, read in (("date", read_date), ("amount", lambda v: int(read_number(v))),
                          ("physical_progress", lambda v: int(read_percent(v, number_format=formats.get("physical_progress", ""), decimals=0)))):
            try:
                parsed[key] = _value(values, key, read)
            except ValidationError as exc:
                errors.update(exc.message_dict)
        if "date" not in values:
            errors.setdefault("date", [_("Not a date (dd/mm/yyyy): %(value)s") % {"value": ""}])
        # Every refusal of the row at once, its range checks too (not only those found before the first refusal).
        if parsed.get("amount") is not None and parsed["amount"] < 0:
            errors.setdefault("amount", [_("The disbursed amount is a whole number of đồng, not negative.")])
        if parsed.get("physical_progress") is not None and not 0 <= parsed["physical_progress"] <= 100:
            errors.setdefault("physical_progress", [_("Physical progress is a percentage from 0 to 100.")])
        if errors:
            raise ValidationError(errors)
        on, amount, progress = parsed["date"], parsed["amount"] or 0, parsed["physical_progress"]
        if amount == 0 and progress is None:
            raise ValidationError({"amount": [_("Give the disbursed amount, the physical progress, or both.")]})
        if amount:
            same = Disbursement.objects.filter(project=project, paid_on=on, amount=amount).first()
            if same is not None:
                raise RowUnchanged(_("Already recorded: %(amount)s đồng on %(date)s for %(code)s.") % {
                    "amount": message_number(amount), "date": on.strftime("%d/%m/%Y"), "code": project.code},
                    id=same.pk, label=project.code, record="disbursement")
            disbursement = disbursement_record(project=project, actor=actor, paid_on=on, amount=amount,
                                               physical_progress=progress, note=_("bulk update"))
            return {"id": disbursement.pk, "label": project.code, "record": "disbursement"}
        same = next((e for e in ProjectEvent.objects.filter(project=project, action=ProjectEvent.Action.PROGRESS, changes__on=on.isoformat())
                     if (e.changes.get("physical_progress") or [None, None])[1] == progress), None)
        if same is not None:
            raise RowUnchanged(_("Already recorded: %(progress)s %% on %(date)s for %(code)s.") % {
                "progress": message_number(progress), "date": on.strftime("%d/%m/%Y"), "code": project.code},
                id=same.pk, label=project.code, record="progress")
        # Progress without money: the works advanced, nothing was paid in this row.
        event = progress_record(project=project, actor=actor, on=on, physical_progress=progress, note=_("bulk update"))
        return {"id": event.pk, "label": project.code, "record": "progress"}

    # The project's status (a disbursement needs an approved project) was read from the project code's column.
    rows = import_run(records=result.records, columns=columns, handle_row=handle, preview=preview, label_key="code",
                      sources={"status": ("code",), "project": ("code",)})
    return import_answer(rows=rows, preview=preview, format=result.format, columns=columns)
