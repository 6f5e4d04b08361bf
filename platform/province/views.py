"""Province pages: the comparison of public investment (a choropleth of districts or communes, side by side, equity,
exports) and every district's plan cycles (Đ15)."""
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from accounts import access
from accounts.access import can_compare_province, require
from accounts.models import DepartmentPublication
from core.models import CapitalSource, Sector
from geo.replica import reads_replica
from plans.models import PUBLISHED, STEP_CHOICES
from plans.selectors import dashboard_year
from province import selectors
from province.labels import MEASURE_LABELS, MEASURE_UNITS
from province.projects_apis import projects_layer_config


@reads_replica
def compare_page(request):
    """Province staff compare where public investment goes; everyone else is refused (403) or sent to log in."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    require(can_compare_province(request.user), _("Province staff only."))
    config = {
        "api": "/api/province/",
        # Communes are drawn from vector tiles (issue 13): at national scale a GeoJSON of every commune is too heavy.
        "tiles": "/tiles/investment-distribution-communes/{z}/{x}/{y}.pbf",
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
            "lorenz": _("Lorenz curve: share of investment against share of communes"),
            "barChart": _("Total investment and disbursed, per unit compared"),
            "millionVnd": _("million VND"), "millionPerResident": _("million VND per resident"), "millionPerKm2": _("million VND per km²"),
            "classification_quantiles": _("quantiles"), "classification_fisher_jenks": _("natural breaks (Fisher-Jenks)"),
            "source": _("province investment rollup of the districts' public-investment plans (Decision 07/2015/QĐ-UBND, art. 9)"),
        },
    }
    config["projects"] = projects_layer_config()
    return render(request, "province/compare.html", {"config": config})


@reads_replica
@require_safe
def plans_page(request):
    """The province: every district's cycles for a plan year, per step, published and overdue (a table), and every commune on a map."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    require(can_compare_province(request.user), _("Province staff only."))
    year = request.GET.get("plan_year", "")
    year = int(year) if year.isdigit() else dashboard_year()
    steps = [(value, label) for value, label in STEP_CHOICES]
    rows = selectors.province_cycle_rows(plan_year=year)
    for row in rows:
        row["step_counts"] = [row["by_step"].get(value, 0) for value, _label in steps]
    # Every commune on the map, coloured as on the district dashboard; a click opens its district's cycles.
    slugs = {row["code"]: row["slug"] for row in rows}
    names = dict(STEP_CHOICES)
    compliance = selectors.plan_compliance(plan_year=year)["communes"]
    late_communes = [c for c in compliance if c["done_late"]]
    communes = [{
        "commune": c["code"], "step_name": names.get(c["step"], ""),
        "state": "no_cycle" if c["step"] == "not_opened" else "published" if c["step"] == PUBLISHED else "overdue" if c["overdue"] else "in_progress",
        "lateness": c["lateness"], "done_late": c["done_late"],
        "url": f"/d/{slugs[c['district']]}/plans/?plan_year={year}",
    } for c in compliance]
    overdue = sum(1 for c in communes if c["state"] == "overdue")
    return render(request, "province/plans.html", {"plan_year": year, "rows": rows, "steps": steps, "communes": communes, "overdue": overdue,
                                                   "late": len(late_communes), "late_communes": late_communes})


@require_safe
def publications_page(request):
    """The provincial departments' publications for the districts (Đ5.2, Đ15.2): a department writes a draft with its
    files, adds files to it and publishes it; province staff follow them. Everyone else is refused (403) or sent to log
    in. Writes go through /api/province/publications/ (province.publications), refusals shown next to their fields."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    require(access.can_follow_department_publications(request.user), _("Provincial departments and province staff only."))
    department = access.department_of(request.user)
    publications = access.department_publication_scope(request.user, DepartmentPublication.objects.select_related("department")
                                                       .prefetch_related("files"))
    rows = [{"p": p, "may_change": p.published_at is None and access.can_publish_for_department(request.user, p.department)} for p in publications]
    return render(request, "province/publications.html", {
        "department": department, "rows": rows, "kinds": DepartmentPublication.Kind.choices, "plan_year": dashboard_year(),
    })
