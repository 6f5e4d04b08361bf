"""The Excel template districts fill for projects and their allocations, and its import (Đ2.2, Đ8, Đ16).

`template_workbook(district=)` writes the template: the sheet "Dự án" (one row per project and allocation,
Vietnamese headings, number formats in whole đồng, dates dd/mm/yyyy, drop-down lists of sectors, groups,
managers, communes, statuses, plans and capital sources from the hidden sheet "Danh mục") and the sheet
"Hướng dẫn" explaining each column.

`projects_import(actor=, district=, upload=, preview=)` reads it back through `geo.imports` (the parsing jail,
`geo.numbers` for money, years and dates, folded names for lists) and the same services as the project form:
- a row whose code is new creates the project (status "Đề xuất", capital sources from the source columns,
  which must add up to the total), with the row's allocation if it has one: **created**;
- a row whose code names a project already recorded (or created higher up in the file) adds its allocation
  to that project and reads nothing else of the row (the import never edits a project: that is done on
  the project's page, where the change is kept with its reason): **updated**; an allocation already
  recorded with the same amount, or a row without allocation naming a recorded project, is **unchanged**, so the
  same sheet sent twice changes nothing and refuses nothing;
- a row that breaks a rule is **refused**, with the messages keyed by the column as the sheet names it and
  its cell ("J5") in the reason.
The answer is every import's (`geo.imports.ImportAnswer`; docs/API.md, "Imports").
The rule on refusals is the proposals import's: the whole sheet is one transaction; `preview` writes
nothing; applying writes exactly the rows the preview accepted (refused rows are left out), or nothing.
"""
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from accounts import access
from accounts.access import AccessDenied
from core.models import CapitalSource, Sector
from geo.guard import POINT, GeometryRejected, parse_geometry
from geo.imports import RowUnchanged, import_answer, import_run, map_columns, read_upload, row_values
from geo.numbers import MAX_WHOLE, NumberRefused, message_number, read_date, read_number
from geo.selectors import communes_of
from geo.spreadsheets import DAY, WHOLE, print_ready, workbook_bytes
from geo.text import code_key, fold
from investment import selectors, services
from investment.models import InvestmentProject, ProjectGroup, ProjectManager, ProjectStatus, PublicInvestmentPlan

SHEET = "Dự án"
LISTS_SHEET = "Danh mục"
NOTES_SHEET = "Hướng dẫn"
MAX_ROWS = 1000
ALLOCATION_KEYS = {"plan", "year", "source", "amount"}  # the columns of a row's allocation

def _source_key(code):
    return f"source:{code}"


def _source_heading(label):
    """A capital source's column heading: "Vốn ngân sách huyện (đồng)"; a label that already says "Vốn" keeps its own
    words and capitals ("Vốn ODA (đồng)", not "Vốn vốn oda (đồng)")."""
    label = str(label)
    if label.lower().startswith("vốn "):
        return f"{label} (đồng)"
    return f"Vốn {label[:1].lower()}{label[1:]} (đồng)"


def _columns():
    """(key, Vietnamese heading, required, width, note) in the template's order; the headings are the contract."""
    with translation.override("vi"):
        sources = [(_source_key(code), _source_heading(label), False, 16,
                    _("Part of the total investment from this capital source, in whole đồng. The source columns add up to the total."))
                   for code, label in CapitalSource.choices]
        return [
            ("code", "Mã dự án", True, 14, _("The project's code. A code already recorded, or repeated on a lower row, adds that row's allocation to the project.")),
            ("name", "Tên dự án", True, 40, _("The project's name.")),
            ("investor", "Chủ đầu tư", True, 24, _("The investor.")),
            ("sector", "Lĩnh vực", True, 18, _("Chosen from the list.")),
            ("group", "Nhóm dự án", False, 14, _("Chosen from the list; empty: group C.")),
            ("manager", "Cấp quản lý", False, 18, _("Who runs the project (Đ8), chosen from the list; empty: the district.")),
            ("commune", "Xã hưởng lợi", False, 18, _("The commune served, chosen from the list; empty: the communes the location touches.")),
            ("lon", "Kinh độ", True, 11, _("Longitude of the project's location in WGS 84 degrees, e.g. 105,95.")),
            ("lat", "Vĩ độ", True, 11, _("Latitude of the project's location in WGS 84 degrees, e.g. 21,18.")),
            ("total_investment", "Tổng mức đầu tư (đồng)", True, 18, _("In whole đồng, e.g. 1.500.000.000.")),
            *sources,
            ("start_year", "Năm khởi công", True, 10, _("A year, e.g. 2027.")),
            ("end_year", "Năm hoàn thành", True, 10, _("A year, not before the start year.")),
            ("decision_number", "Số quyết định đầu tư", False, 18, _("The investment decision's number, if taken.")),
            ("decision_date", "Ngày quyết định (dd/mm/yyyy)", False, 14, _("The investment decision's date, dd/mm/yyyy; not in the future.")),
            ("status", "Trạng thái", False, 14, _("Empty or “Proposed”: a new project starts there and moves on its page.")),
            ("plan", "Kế hoạch đầu tư", False, 30, _("The public-investment plan of the allocation, chosen from the list.")),
            ("year", "Năm phân bổ", False, 10, _("The allocation's year, within the plan's years.")),
            ("source", "Nguồn vốn phân bổ", False, 24, _("The allocation's capital source, one of the project's sources.")),
            ("amount", "Vốn phân bổ (đồng)", False, 18, _("The allocated amount in whole đồng.")),
        ]


def _vocabularies():
    """{key: {folded code or label (vi and en): code}} for the columns chosen from a list."""
    choices = {"sector": Sector.choices, "group": ProjectGroup.choices, "manager": ProjectManager.choices,
               "status": ProjectStatus.choices, "source": CapitalSource.choices}
    found = {}
    for key, pairs in choices.items():
        names = {}
        for code, label in pairs:
            names[fold(code)] = code
            for language in ("vi", "en"):
                with translation.override(language):
                    names[fold(str(label))] = code
        found[key] = names
    return found


def template_workbook(*, district) -> bytes:
    """The .xlsx template for `district` (see the module docstring); the lists carry its communes and plans."""
    columns = _columns()
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    lists = book.create_sheet(LISTS_SHEET)
    notes = book.create_sheet(NOTES_SHEET)
    with translation.override("vi"):
        values = {
            "sector": [str(label) for _code, label in Sector.choices],
            "group": [str(label) for _code, label in ProjectGroup.choices],
            "manager": [str(label) for _code, label in ProjectManager.choices],
            "status": [str(label) for _code, label in ProjectStatus.choices],
            "source": [str(label) for _code, label in CapitalSource.choices],
            "commune": [unit.name for unit in communes_of(district.unit)],
            "plan": [plan.name for plan in selectors.plan_list()],
        }
    for position, (key, items) in enumerate(values.items(), start=1):
        letter = get_column_letter(position)
        lists.cell(1, position, key)
        for row, item in enumerate(items, start=2):
            lists.cell(row, position, item)
        if items:
            validation = DataValidation(type="list", formula1=f"'{LISTS_SHEET}'!${letter}$2:${letter}${len(items) + 1}", allow_blank=True,
                                        showErrorMessage=True, errorTitle="Giá trị không có trong danh sách",
                                        error="Chọn một giá trị trong danh sách.")
            validation.add(f"{get_column_letter(_position(columns, key))}2:{get_column_letter(_position(columns, key))}{MAX_ROWS + 1}")
            sheet.add_data_validation(validation)
    lists.sheet_state = "hidden"
    for position, (key, heading, required, width, note) in enumerate(columns, start=1):
        cell = sheet.cell(1, position, heading + (" *" if required else ""))
        cell.comment = Comment(note, "SEDP")
        letter = get_column_letter(position)
        sheet.column_dimensions[letter].width = width
        number_format = {"lon": "0.000000", "lat": "0.000000", "start_year": "0", "end_year": "0", "year": "0", "decision_date": DAY}.get(key)
        if key in ("total_investment", "amount") or key.startswith("source:"):
            number_format = WHOLE
        for row in range(2, MAX_ROWS + 2):
            sheet.cell(row, position).number_format = number_format or "@"
    years = [sheet.cell(1, _position(columns, key)).column_letter for key in ("start_year", "end_year", "year")]
    whole = DataValidation(type="whole", operator="between", formula1="2000", formula2="2100", allow_blank=True, showErrorMessage=True,
                           error="Một năm từ 2000 đến 2100.")
    for letter in years:
        whole.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
    sheet.add_data_validation(whole)
    print_ready(sheet, header_rows=(1, 1), landscape=True)
    notes.append(["Cột", "Bắt buộc", "Cách ghi"])
    for _key, heading, required, _width, note in columns:
        notes.append([heading, "Có" if required else "", note])
    notes.append([])
    with translation.override("vi"):
        for line in (
            _("One row per project and allocation: a project with allocations in several years or from several sources repeats its code on "
              "the next rows, with only the allocation columns filled."),
            _("Money in whole đồng, typed 1.500.000.000 or as a number; dates dd/mm/yyyy. Type values, not formulas."),
            _("Preview the file on the projects page first: every row is reported as created, matched, duplicate or refused "
              "(with the cell and the reason). Importing writes the rows the preview accepted; refused rows are left out."),
        ):
            notes.append([line])
    notes.column_dimensions["A"].width = 32
    notes.column_dimensions["B"].width = 10
    notes.column_dimensions["C"].width = 90
    print_ready(notes, header_rows=(1, 1), landscape=False)
    return workbook_bytes(book)


def _position(columns, key):
    return next(i for i, column in enumerate(columns, start=1) if column[0] == key)


def _aliases(columns):
    """Folded heading (with or without the " *" of required columns, and the English key) → key."""
    aliases = {}
    for key, heading, *_rest in columns:
        aliases[fold(heading)] = key
        aliases[fold(key).replace("_", " ")] = key
    return aliases


def _whole(values, key, errors, *, required=False, low=None, high=None):
    if key not in values:
        if required:
            errors[key] = [_("This cell is empty (a formula Excel has not computed counts as empty): type the value.")]
        return None
    try:
        number = int(read_number(values[key]))
    except NumberRefused as exc:
        errors[key] = [str(exc)]
        return None
    if low is not None and not low <= number <= high:
        errors[key] = [_("A year from %(low)s to %(high)s.") % {"low": low, "high": high}]
        return None
    if number < 0:
        errors[key] = [_("Amounts must not be negative.")]
        return None
    if number > MAX_WHOLE:  # the API's bound (geo.numbers.WholeNumberField): a database integer never overflows
        errors[key] = [_("At most %(max)s.") % {"max": message_number(MAX_WHOLE)}]
        return None
    return number


def _text(values, key, errors, *, required=False):
    value = values.get(key)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = "" if value is None else str(value).strip()
    if required and not text:
        errors[key] = [_("This cell is empty (a formula Excel has not computed counts as empty): type the value.")]
    return text


def _choice(values, key, errors, vocabulary, *, default=None):
    if key not in values:
        return default
    found = vocabulary.get(fold(str(values[key])))
    if found is None:
        errors[key] = [_("“%(value)s” is not in the list of this column.") % {"value": values[key]}]
    return found


def _location(values, errors):
    point = []
    for key in ("lon", "lat"):
        if key not in values:
            errors[key] = [_("This cell is empty (a formula Excel has not computed counts as empty): type the value.")]
            continue
        value = values[key]
        try:
            point.append(float(value) if isinstance(value, int | float) and not isinstance(value, bool)
                         else float(str(value).strip().replace(",", ".")))
        except ValueError:
            errors[key] = [_("lon and lat must be numbers.")]
    if len(point) != 2:
        return None
    try:
        return parse_geometry({"type": "Point", "coordinates": point}, allowed_types=POINT)
    except GeometryRejected as exc:
        lon, lat = point
        # The refusal goes to the cell at fault: the latitude's when only it is out of its range.
        errors["lat" if not -90 <= lat <= 90 and -180 <= lon <= 180 else "lon"] = [exc.message]
        return None


# Where a service's refusal belongs in the sheet.
SERVICE_KEYS = {"geom": "lon", "geometry": "lon", "communes": "commune", "sources": "total_investment", "allocations": "amount",
                "reason": "plan", "non_field_errors": "code", "__all__": "code"}


def _from_service(exc: ValidationError) -> ValidationError:
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"code": exc.messages}
    moved = {}
    for key, messages in errors.items():
        moved.setdefault(SERVICE_KEYS.get(key, key), []).extend(messages)
    return ValidationError(moved)


def projects_import(*, actor, district, upload, preview: bool = False) -> dict:
    """Preview or apply the filled template (see the module docstring).

    Returns `geo.imports.ImportAnswer` (created, updated, unchanged or refused rows; `label` the project's code, `id`
    the project, none for a created one in a preview; a refused row's reason names its cell, "J5"). Money in whole đồng, dates
    dd/mm/yyyy, date cells or Excel serials. A sheet without the code column is a 400 on `file`; a file that cannot
    be read too (`geo.imports.read_upload`).
    """
    access.require_manage_investment(actor, district)
    result = read_upload(upload, kinds={"xlsx", "csv"}, geometry=False)
    if not result.records:
        raise ValidationError({"file": [_("The sheet is empty.")]})
    if len(result.records) > MAX_ROWS:
        raise ValidationError({"file": [_("At most %(n)s rows at a time.") % {"n": message_number(MAX_ROWS)}]})
    template = _columns()
    names = list(dict.fromkeys(name for record in result.records for name in record.fields))
    columns = map_columns(names, _aliases(template) | {fold(heading) + " *": key for key, heading, *_rest in template})
    if "code" not in columns.values():
        raise ValidationError({"file": [_("Missing columns: %(columns)s.") % {"columns": "Mã dự án"}]})
    letters = {name: get_column_letter(i) for i, name in enumerate(names, start=1)}
    vocabularies = _vocabularies()
    communes = {}
    for unit in communes_of(district.unit):
        communes[fold(unit.name)] = communes[code_key(unit.code)] = communes[fold(unit.name_short or unit.name)] = unit.code
    plans = {}
    for plan in PublicInvestmentPlan.objects.all():
        plans.setdefault(fold(plan.name), []).append(plan)
        plans[f"#{plan.pk}"] = [plan]
    seen = {}  # code_key → project created higher up in the file, or recorded before

    def allocation(values, errors, *, required):
        if not ALLOCATION_KEYS & values.keys():
            if required:
                errors["amount"] = [_("A row of a project already recorded adds an allocation: give plan, year, source and amount.")]
            return None
        chosen = plans.get(fold(str(values.get("plan", ""))), []) if "plan" in values else []
        if len(chosen) != 1:
            errors["plan"] = [_("Choose the plan from the list.") if "plan" in values else
                              _("This cell is empty (a formula Excel has not computed counts as empty): type the value.")]
        year = _whole(values, "year", errors, required=True, low=2000, high=2100)
        source = _choice(values, "source", errors, vocabularies["source"])
        if "source" not in values:
            errors["source"] = [_("This cell is empty (a formula Excel has not computed counts as empty): type the value.")]
        amount = _whole(values, "amount", errors, required=True)
        return {"plan": chosen[0] if len(chosen) == 1 else None, "year": year, "source": source, "amount": amount}

    def handle(record):
        values, _formats = row_values(record, columns)
        errors = {}
        code = _text(values, "code", errors, required=True)
        project = seen.get(code_key(code)) if code else None
        if project is None and code:
            project = InvestmentProject.objects.filter(code__iexact=code).first()
        if project is not None:
            if not values.keys() & ALLOCATION_KEYS and fold(str(values.get("name", ""))) == fold(project.name):
                # The row that created the project, sent again: nothing to add, and the import never edits a project.
                raise RowUnchanged(_("%(code)s is already recorded; the import does not change a project (change it on the project's page).") % {
                    "code": project.code}, id=project.pk, label=project.code, record="project")
            wanted = allocation(values, errors, required=True)
            if errors:
                raise ValidationError(errors)
            current = [{"plan": a.plan, "year": a.year, "source": a.source, "amount": a.amount}
                       for a in project.allocations.select_related("plan")]
            same = next((a for a in current if (a["plan"].pk, a["year"], a["source"]) == (wanted["plan"].pk, wanted["year"], wanted["source"])), None)
            if same is not None and same["amount"] == wanted["amount"]:
                raise RowUnchanged(_("Already recorded: %(amount)s đồng for %(code)s in %(year)s.") % {
                    "amount": message_number(wanted["amount"]), "code": project.code, "year": wanted["year"]},
                    id=project.pk, label=project.code, record="project")
            if same is not None:
                raise ValidationError({"amount": [_("%(code)s already has %(amount)s đồng from this source in %(year)s: change it on the project's page.") % {
                    "code": project.code, "amount": message_number(same["amount"]), "year": wanted["year"]}]})
            try:
                services.project_update(district=district, project=project, actor=actor, allocations=current + [wanted])
            except ValidationError as exc:
                raise _from_service(exc)
            return {"id": project.pk, "label": project.code, "record": "project", "updated": True}
        name = _text(values, "name", errors, required=True)
        investor = _text(values, "investor", errors, required=True)
        sector = _choice(values, "sector", errors, vocabularies["sector"])
        if "sector" not in values:
            errors["sector"] = [_("This cell is empty (a formula Excel has not computed counts as empty): type the value.")]
        group = _choice(values, "group", errors, vocabularies["group"], default=ProjectGroup.C)
        manager = _choice(values, "manager", errors, vocabularies["manager"], default=ProjectManager.DISTRICT)
        status = _choice(values, "status", errors, vocabularies["status"], default=ProjectStatus.PROPOSED)
        if status not in (None, ProjectStatus.PROPOSED):
            errors["status"] = [_("A new project starts as “Proposed”; move it on through its steps on the project's page.")]
        commune = None
        if "commune" in values:
            commune = communes.get(fold(str(values["commune"]))) or communes.get(code_key(_text(values, "commune", errors)))
            if commune is None:
                errors["commune"] = [_("“%(value)s” is not in the list of this column.") % {"value": values["commune"]}]
        geom = _location(values, errors)
        total = _whole(values, "total_investment", errors, required=True)
        sources = []
        for source_code in CapitalSource.values:
            amount = _whole(values, _source_key(source_code), errors)
            if amount:
                sources.append({"source": source_code, "amount": amount})
        start_year = _whole(values, "start_year", errors, required=True, low=2000, high=2100)
        end_year = _whole(values, "end_year", errors, required=True, low=2000, high=2100)
        decision_number = _text(values, "decision_number", errors)
        decision_date = None
        if "decision_date" in values:
            try:
                decision_date = read_date(values["decision_date"])
            except NumberRefused as exc:
                errors["decision_date"] = [str(exc)]
        wanted = allocation(values, errors, required=False)
        if errors:
            raise ValidationError(errors)
        try:
            project = services.project_create(
                district=district, actor=actor, code=code, name=name, investor=investor, sector=sector, group=group, manager=manager,
                geom=geom, total_investment=total, start_year=start_year, end_year=end_year, sources=sources,
                allocations=[wanted] if wanted else [], communes=[commune] if commune else None,
                decision_number=decision_number, decision_date=decision_date,
            )
        except ValidationError as exc:
            raise _from_service(exc)
        except GeometryRejected as exc:
            raise ValidationError({"lon": [exc.message]})
        except AccessDenied as exc:
            raise ValidationError({"code": [exc.message]})
        seen[code_key(code)] = project
        return {"id": project.pk, "label": project.code, "record": "project"}

    rows = import_run(records=result.records, columns=columns, handle_row=handle, preview=preview, letters=letters, label_key="code")
    return import_answer(rows=rows, preview=preview, format=result.format, columns=columns)
