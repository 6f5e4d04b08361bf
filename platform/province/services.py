"""Writes of province-level data."""
from province.models import BAC_NINH_DEADLINES, StepDeadline


def calendar_defaults_ensure():
    """Load Bắc Ninh's step deadlines where no deadline is set yet. Idempotent; never overwrites."""
    for step, (month, day) in BAC_NINH_DEADLINES.items():
        StepDeadline.objects.get_or_create(
            step=step, from_plan_year=2016, defaults={"month": month, "day": day, "note": "Quyết định 07/2015/QĐ-UBND tỉnh Bắc Ninh"}
        )
