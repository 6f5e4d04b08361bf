"""Reads of administrative units."""
from django.db.models.functions import Collate

from geo.models import VIETNAMESE_COLLATION, AdministrativeUnit


def unit_list(*, level=None, parent_code=None, current_only=True):
    """Units of one level and parent, in code order."""
    units = AdministrativeUnit.objects.select_related("parent")
    if current_only:
        units = units.filter(is_current=True)
    if level:
        units = units.filter(level=level)
    if parent_code:
        units = units.filter(parent__code=parent_code)
    return units


def communes_of(district_unit):
    """The current communes of a district, sorted by Vietnamese name rules."""
    return (
        AdministrativeUnit.objects.filter(parent=district_unit, level=AdministrativeUnit.Level.COMMUNE, is_current=True)
        .order_by(Collate("name_short", VIETNAMESE_COLLATION), "code")
    )


def villages_of(commune_unit):
    return AdministrativeUnit.objects.filter(parent=commune_unit, level=AdministrativeUnit.Level.VILLAGE, is_current=True).order_by(
        Collate("name", VIETNAMESE_COLLATION), "code"
    )
