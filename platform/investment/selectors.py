"""Reads of public-investment plans, projects and reviews (in the current district schema).

Map layers are built as GeoJSON text inside PostgreSQL (json_build_object, ST_AsGeoJSON, json_agg)
in one statement per request: serializing thousands of features one object at a time in Python
costs 20–40 times as much (see the proposals issue), and the review map draws whole layers.
"""
from collections import defaultdict

from django.db import connection
from django.db.models import Exists, OuterRef, Q, Sum
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError

from accounts.access import visible_commune_ids
from geo.bbox import bbox_polygon
from investment.models import (
    Allocation,
    InvestmentProject,
    ProjectSource,
    ProjectStatus,
    PublicInvestmentPlan,
    Review,
)
from province.models import CapitalSource
from proposals.models import Sector


def district_counts():
    """Counts for the district summary."""
    return {
        "investment_plans": PublicInvestmentPlan.objects.count(),
        "investment_projects": InvestmentProject.objects.count(),
        "investment_reviews": Review.objects.count(),
    }


def plan_list():
    return PublicInvestmentPlan.objects.all()


def allocations_by_source(*, plan: PublicInvestmentPlan, year: int | None = None) -> dict:
    """Sum of the plan's allocations by capital source ({source code: VND}), for one year or all.

    This is what the district's resource envelope of step 2 is compared with: join it to the
    envelope of the same year and source.
    """
    rows = Allocation.objects.filter(plan=plan)
    if year is not None:
        rows = rows.filter(year=year)
    return {r["source"]: r["total"] for r in rows.values("source").annotate(total=Sum("amount")).order_by("source")}


def envelope_comparison(*, plan: PublicInvestmentPlan, year: int, envelopes: dict) -> list[dict]:
    """The year's allocations by capital source against the resource envelope of step 2 ({source: VND}).

    One row per source that is allocated or has an envelope, in the vocabulary's order; `exceeds` is
    the warning the review map shows. The plan-cycle app supplies `envelopes` for the district and year.
    """
    allocated = allocations_by_source(plan=plan, year=year)
    rows = []
    for source in CapitalSource.values:
        if source not in allocated and source not in envelopes:
            continue
        amount, envelope = allocated.get(source, 0), envelopes.get(source)
        rows.append({"source": source, "allocated": amount, "envelope": envelope, "exceeds": envelope is not None and amount > envelope})
    return rows


def allocation_totals(*, plan: PublicInvestmentPlan) -> dict:
    """{year: {source: VND}} for every year of the plan (years without allocations hold an empty dict)."""
    totals = {year: {} for year in plan.years}
    for r in Allocation.objects.filter(plan=plan).values("year", "source").annotate(total=Sum("amount")).order_by("year", "source"):
        totals.setdefault(r["year"], {})[r["source"]] = r["total"]
    return totals


def _choice_list(request, name, choices):
    text = request.query_params.get(name)
    if not text:
        return None
    values = [v for v in text.split(",") if v]
    unknown = [v for v in values if v not in choices]
    if unknown:
        raise ValidationError({name: [_("Unknown value(s) %(values)s; allowed: %(allowed)s.") % {"values": ", ".join(unknown), "allowed": ", ".join(choices)}]})
    return values


def int_param(request, name):
    """A whole-number query parameter, or None; anything else is a 400 naming it."""
    text = request.query_params.get(name)
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        raise ValidationError({name: [_("%(name)s must be a whole number.") % {"name": name}]})


def project_queryset(*, user, district, request=None):
    """The projects this user may see, filtered by the request's `status`, `sector`, `source`, `commune`, `year`, `plan`, `bbox`.

    District staff and province staff see every project; a commune (or its villages) those serving it.
    """
    projects = InvestmentProject.objects.all()
    visible = visible_commune_ids(user, district)
    if visible is not None:
        projects = projects.filter(communes__id__in=visible)
    if request is None:
        return projects
    status = _choice_list(request, "status", ProjectStatus.values)
    if status:
        projects = projects.filter(status__in=status)
    sector = _choice_list(request, "sector", Sector.values)
    if sector:
        projects = projects.filter(sector__in=sector)
    source = _choice_list(request, "source", CapitalSource.values)
    if source:
        projects = projects.filter(Exists(ProjectSource.objects.filter(project=OuterRef("pk"), source__in=source)))
    commune = request.query_params.get("commune")
    if commune:
        projects = projects.filter(communes__code__in=commune.split(","))
    year = int_param(request, "year")
    plan = int_param(request, "plan")
    if year is not None or plan is not None:
        allocation = Q(project=OuterRef("pk"))
        if year is not None:
            allocation &= Q(year=year)
        if plan is not None:
            allocation &= Q(plan_id=plan)
        projects = projects.filter(Exists(Allocation.objects.filter(allocation)))
    bbox = request.query_params.get("bbox")
    if bbox:
        projects = projects.filter(geom__intersects=bbox_polygon(bbox))
    return projects


PROJECT_FEATURE_SQL = """
WITH page AS (
    SELECT p.* FROM investment_investmentproject p
    WHERE p.id IN ({ids})
    ORDER BY p.code
    LIMIT %s OFFSET %s
)
SELECT ({count}),
       coalesce(json_agg(json_build_object(
           'type', 'Feature',
           'id', p.id,
           'geometry', ST_AsGeoJSON(p.geom, 6)::json,
           'properties', json_build_object(
               'id', p.id, 'code', p.code, 'name', p.name, 'investor', p.investor, 'manager', p.manager,
               'sector', p.sector, 'group', p."group", 'status', p.status,
               'total_investment', p.total_investment, 'start_year', p.start_year, 'end_year', p.end_year,
               'decision_number', p.decision_number, 'decision_date', to_char(p.decision_date, 'DD/MM/YYYY'),
               'physical_progress', p.physical_progress,
               'communes', (SELECT coalesce(json_agg(u.code ORDER BY u.code), '[]'::json)
                            FROM investment_investmentproject_communes pc
                            JOIN geo_administrativeunit u ON u.id = pc.administrativeunit_id
                            WHERE pc.investmentproject_id = p.id),
               'sources', (SELECT coalesce(json_agg(s.source ORDER BY s.amount DESC), '[]'::json)
                           FROM investment_projectsource s WHERE s.project_id = p.id),
               'review', (SELECT r.decision FROM investment_review r
                          WHERE r.project_id = p.id AND r.decision <> ''
                          ORDER BY r.created_at DESC, r.id DESC LIMIT 1)
           )
       ) ORDER BY p.code), '[]'::json)::text
FROM page p
"""


def project_layer(*, projects, limit: int, offset: int) -> tuple[int, str]:
    """(count, features as GeoJSON text) for one page of a project queryset, in one SQL statement."""
    ids_sql, ids_params = projects.values("id").query.sql_with_params()
    sql = PROJECT_FEATURE_SQL.format(ids=ids_sql, count=f"SELECT count(*) FROM ({ids_sql}) AS filtered")
    with connection.cursor() as cursor:
        cursor.execute(sql, [*ids_params, limit, offset, *ids_params])
        count, features = cursor.fetchone()
    return count, features


def review_queryset(*, user, district, request=None):
    """Reviews this user may see (all for district and province staff, those concerning its commune for a commune),
    filtered by the request's `project`, `kind`, `commune`, `bbox`."""
    reviews = Review.objects.all()
    visible = visible_commune_ids(user, district)
    if visible is not None:
        reviews = reviews.filter(communes__id__in=visible)
    if request is None:
        return reviews
    project = int_param(request, "project")
    if project is not None:
        reviews = reviews.filter(project_id=project)
    kind = request.query_params.get("kind")
    if kind == "decision":
        reviews = reviews.exclude(decision="")
    elif kind == "note":
        reviews = reviews.filter(decision="")
    elif kind:
        raise ValidationError({"kind": [_("kind is decision or note.")]})
    commune = request.query_params.get("commune")
    if commune:
        reviews = reviews.filter(communes__code__in=commune.split(","))
    bbox = request.query_params.get("bbox")
    if bbox:
        # A pinned review sits at its pin, a decision at its project.
        box = bbox_polygon(bbox)
        reviews = reviews.filter(Q(location__intersects=box) | Q(location__isnull=True, project__geom__intersects=box))
    return reviews


REVIEW_FEATURE_SQL = """
WITH page AS (
    SELECT r.* FROM investment_review r
    WHERE r.id IN ({ids})
    ORDER BY r.created_at DESC, r.id DESC
    LIMIT %s OFFSET %s
)
SELECT ({count}),
       coalesce(json_agg(json_build_object(
           'type', 'Feature',
           'id', r.id,
           'geometry', ST_AsGeoJSON(coalesce(r.location, ST_PointOnSurface(p.geom)), 6)::json,
           'properties', json_build_object(
               'id', r.id, 'kind', CASE WHEN r.decision = '' THEN 'note' ELSE 'decision' END,
               'decision', r.decision, 'comment', r.comment, 'pinned', r.location IS NOT NULL,
               'project', r.project_id, 'project_code', p.code, 'project_name', p.name,
               'author', coalesce(nullif(trim(a.first_name || ' ' || a.last_name), ''), a.username),
               'created_at', to_char(r.created_at AT TIME ZONE %s, 'DD/MM/YYYY HH24:MI'),
               'communes', (SELECT coalesce(json_agg(u.code ORDER BY u.code), '[]'::json)
                            FROM investment_review_communes rc
                            JOIN geo_administrativeunit u ON u.id = rc.administrativeunit_id
                            WHERE rc.review_id = r.id),
               'answers', (SELECT coalesce(json_agg(json_build_object(
                                'text', x.text,
                                'author', coalesce(nullif(trim(xa.first_name || ' ' || xa.last_name), ''), xa.username),
                                'created_at', to_char(x.created_at AT TIME ZONE %s, 'DD/MM/YYYY HH24:MI'))
                                ORDER BY x.created_at, x.id), '[]'::json)
                           FROM investment_reviewanswer x JOIN accounts_user xa ON xa.id = x.author_id
                           WHERE x.review_id = r.id)
           )
       ) ORDER BY r.created_at DESC, r.id DESC), '[]'::json)::text
FROM page r
LEFT JOIN investment_investmentproject p ON p.id = r.project_id
JOIN accounts_user a ON a.id = r.author_id
"""


def review_layer(*, reviews, limit: int, offset: int) -> tuple[int, str]:
    """(count, features as GeoJSON text) of reviews: a pinned note at its pin, a decision at its project."""
    from django.conf import settings

    ids_sql, ids_params = reviews.values("id").query.sql_with_params()
    sql = REVIEW_FEATURE_SQL.format(ids=ids_sql, count=f"SELECT count(*) FROM ({ids_sql}) AS filtered")
    with connection.cursor() as cursor:
        cursor.execute(sql, [*ids_params, limit, offset, *ids_params, settings.TIME_ZONE, settings.TIME_ZONE])
        count, features = cursor.fetchone()
    return count, features


def project_history(*, project: InvestmentProject):
    return project.events.select_related("actor").order_by("at", "id")


def plan_export_rows(*, plan: PublicInvestmentPlan, projects):
    """Projects with allocations in the plan, grouped by sector, with {(year, source): VND} per project."""
    allocations = defaultdict(dict)
    for a in Allocation.objects.filter(plan=plan, project__in=projects).values("project_id", "year", "source").annotate(total=Sum("amount")):
        allocations[a["project_id"]][(a["year"], a["source"])] = a["total"]
    rows = list(projects.filter(pk__in=list(allocations)).prefetch_related("communes").order_by("sector", "code"))
    return rows, allocations
