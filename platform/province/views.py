"""The province comparison page: a choropleth of districts or communes, side by side, equity, exports."""
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render
from django.utils.translation import gettext as _

from accounts.access import can_compare_province, require
from province.labels import MEASURE_LABELS, MEASURE_UNITS
from province.models import CapitalSource
from province.projects_apis import projects_layer_config
from proposals.models import Sector


def compare_page(request):
    """Province staff compare where public investment goes; everyone else is refused (403) or sent to log in."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    require(can_compare_province(request.user), _("Province staff only."))
    config = {
        "api": "/api/province/",
        "measures": {k: str(v) for k, v in MEASURE_LABELS.items()},
        # The legend and the figures on hover read money in millions (province.labels, as the PNG does).
        "measureUnits": {k: str(v) for k, v in MEASURE_UNITS.items()},
        "sectors": dict(Sector.choices),
        "sources": dict(CapitalSource.choices),
        "language": request.LANGUAGE_CODE,
        "text": {
            "asOf": _("Figures as of"), "never": _("no district has written any investment yet"), "noData": _("no data"),
            "total": _("Total investment"), "planned": _("Planned"), "allocated": _("Allocated"), "disbursed": _("Disbursed"),
            "projects": _("Projects"), "perResident": _("Per resident"), "perKm2": _("Per km²"), "progress": _("Progress"),
            "villageShare": _("Village proposals funded"), "disbursementRate": _("Disbursement rate"), "unit": _("Unit"),
            "pickTwo": _("Click two or more units on the map (or tick them in the list) to compare them."),
            "gini": _("Gini coefficient"), "basis_per_resident": _("per resident"), "basis_per_km2": _("per km² (population unknown)"),
            "farBelow": _("Communes far below the province median (under half of it)"), "none": _("None."),
            "median": _("Median"), "vnd": _("VND"), "bySector": _("By sector"), "bySource": _("By capital source"),
            "lorenzX": _("Share of communes (by area or population)"), "lorenzY": _("Share of investment"),
            "millionVnd": _("million VND"), "millionPerResident": _("million VND per resident"), "millionPerKm2": _("million VND per km²"),
        },
    }
    config["projects"] = projects_layer_config()
    return render(request, "province/compare.html", {"config": config})
