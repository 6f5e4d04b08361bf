"""Writes of the province calendar (public schema)."""
from core.models import BAC_NINH_DEADLINES, DEFAULT_REPORTING_DEADLINES, ReportingDeadline, StepDeadline


def calendar_defaults_ensure() -> None:
    """Load Bắc Ninh's step (Đ3–Đ6) and M&E reporting (Đ10–11) deadlines where none is set yet. Idempotent; never overwrites."""
    for step, (month, day) in BAC_NINH_DEADLINES.items():
        StepDeadline.objects.get_or_create(
            step=step, from_plan_year=2016, defaults={"month": month, "day": day, "note": "Quyết định 07/2015/QĐ-UBND tỉnh Bắc Ninh"}
        )
    for kind, (village_days, commune_days) in DEFAULT_REPORTING_DEADLINES.items():
        ReportingDeadline.objects.get_or_create(
            kind=kind, defaults={"village_days": village_days, "commune_days": commune_days, "note": "Đ10–11 Quyết định 07/2015/QĐ-UBND"}
        )
