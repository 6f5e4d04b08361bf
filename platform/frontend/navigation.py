"""The navigation menu: one list of every page, each with who may use it (a predicate of `accounts.access`).

A page added by another app is one more `Page` in `PAGES` (or `register()` from an AppConfig.ready()): the menu in
the header of every page is built from this list for the signed-in user, so no role has a page it cannot reach.
"""
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django_tenants.utils import tenant_context

from accounts import access
from monitoring.selectors import me_plan_queryset


@dataclass(frozen=True)
class Page:
    """One menu entry. `path` is a format string with `{slug}` (the district) and, for `link`, what `link` returns.

    `who(user, district)` says whether the user sees the entry; `district` is the district tenant of the page or of the
    user (None on province pages for province staff and visitors), so district entries need one. `link(user, district)`
    may return a path for entries that depend on the user's own data (e.g. its commune's M&E plan), or None to hide it.
    """

    key: str
    label: str
    path: str = ""
    who: Callable = lambda user, district: True
    needs_district: bool = True
    link: Callable | None = None
    public: bool = False  # shown to visitors too; the other entries only to signed-in users


def _staff(user, district):
    return access.can_enter_district(user, district)


def _own_me_plan(user, district):
    """The newest M&E plan of the user's commune (commune team: to keep it; village head: to report), as a path."""
    commune = access.commune_unit_of(user)
    if commune is None:
        return None
    plan = me_plan_queryset(user=user, district=district).filter(commune=commune).order_by("-year").first()
    return f"/d/{district.slug}/monitoring/plans/{plan.pk}/" if plan is not None else None


PAGES = [
    Page("province-map", _("Province map"), "/", needs_district=False, public=True),
    Page("province-plans", _("Plans of the province"), "/plans/", lambda u, d: access.can_compare_province(u), needs_district=False),
    Page("province-compare", _("Investment comparison"), "/province/compare/", lambda u, d: access.can_compare_province(u), needs_district=False),
    Page("district", _("District"), "/d/{slug}/", _staff),
    Page("proposals", _("Proposals"), "/d/{slug}/proposals/", _staff),
    Page("offline", _("Offline capture"), "/d/{slug}/offline/", lambda u, d: access.works_offline(u) and _staff(u, d)),
    Page("plans", _("Plan cycles"), "/d/{slug}/plans/", _staff),
    Page("investment-plans", _("Investment plans"), "/d/{slug}/investment/plans/", lambda u, d: access.can_read_district_totals(u, d)),
    Page("investment-projects", _("Investment projects"), "/d/{slug}/investment/projects/", lambda u, d: access.can_read_district_totals(u, d)),
    Page("investment-review", _("Review map"), "/d/{slug}/investment/review/", _staff),
    Page("monitoring", _("Monitoring"), "/d/{slug}/monitoring/", _staff),
    Page("inspections", _("Inspections of communes"), "/d/{slug}/duties/inspections/", _staff),
    Page("difficulties", _("Difficulties raised"), "/d/{slug}/duties/difficulties/", _staff),
    Page("me-plan", _("M&E plan"), "", lambda u, d: access.is_commune_team(u) and _staff(u, d), link=_own_me_plan),
    Page("village-report", _("Village report"), "", lambda u, d: access.village_of_head(u) is not None and _staff(u, d), link=_own_me_plan),
    Page("department-publications", _("Publications of the provincial departments"), "/province/publications/",
         lambda u, d: access.can_follow_department_publications(u), needs_district=False),
    Page("library", _("Document library"), "/province/library/", needs_district=False, public=True),
    Page("training", _("Training"), "/province/training/", lambda u, d: access.can_read_training(u), needs_district=False),
    Page("communication", _("Communication"), "/province/communication/", needs_district=False),
    Page("public-proposals", _("Published proposals"), "/d/{slug}/public/proposals/", public=True),
    Page("public-plans", _("Public plans"), "/d/{slug}/public/plans/", public=True),
]


def register(page: Page, *, after: str | None = None) -> None:
    """Add a page to the menu (from an app's AppConfig.ready()), after the entry keyed `after` or at the end."""
    keys = [p.key for p in PAGES]
    PAGES.insert(keys.index(after) + 1 if after in keys else len(PAGES), page)


def menu_for(user, district, *, in_tenant: bool, current_path: str = "") -> list[dict]:
    """The entries `user` may reach: [{"key", "label", "url", "current"}], in `PAGES` order.

    `district` is a `tenants.District` (the page's tenant, else the user's own district) or None. The `link` entries
    query the district's schema: in it when the request is inside that district (`in_tenant`), else (the inbox,
    province pages) inside `tenant_context(district)`, so a commune's or village's own pages are in every menu.
    """
    entries = []
    for page in PAGES:
        if page.needs_district and district is None:
            continue
        if not page.public and not user.is_authenticated:
            continue
        if not page.who(user, district):
            continue
        if page.link is not None:
            if in_tenant:
                url = page.link(user, district)
            else:  # /inbox/, province pages: a commune or village account belongs to one district, so link into it
                with tenant_context(district):
                    url = page.link(user, district)
            if url is None:
                continue
        else:
            url = page.path.format(slug=district.slug if district is not None else "")
        entries.append({"key": page.key, "label": page.label, "url": url})
    # The current entry is the longest path that the request's path starts with.
    best = max((e for e in entries if current_path.startswith(e["url"])), key=lambda e: len(e["url"]), default=None)
    for entry in entries:
        entry["current"] = entry is best
    return entries
