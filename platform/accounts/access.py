"""Who may see and do what: role × district × commune × village. Services, selectors, APIs and views ask here; nowhere
else decides, and nothing outside this module reads `user.role`.

A user's scope is the unit of their role: province staff see the province, district staff their
district, a planning team member one commune, a village head one village, a citizen only what is
published. The actors of wave 2 (issue 14) act for themselves within the same scopes: the commune People's
Council and office-statistics officer in their commune, a commune unit (`User.commune_unit_id`, a
`proposals.CommuneUnit` of the user's commune) for itself, a district sector office (`User.sector_office`) in its
district, a provincial department (`User.department`) for its own publications.

Three kinds of answer, as Zulip's `access_*` functions give them:
- predicates `can_…(user, …) -> bool`, for pages that show or hide a form;
- scopes `…_scope(user, queryset)`, the rows of a queryset the user may read;
- permission-checked fetchers `access_<thing>_by_id(user, district, pk, *, for_write=False)` that return the object
  or raise the one refusal, `AccessDenied`: status 404 when the user may not know the object exists (absent and
  out of scope look the same), 403 when the user may see it but not do this. `accounts.errors` turns it into the
  API's answer, `accounts.middleware` into a page's.
"""
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.db.models import Q
from django.utils.translation import gettext as _
from rest_framework.authentication import get_authorization_header

from accounts.models import COMMUNE_ROLES, DISTRICT_ROLES, Role
from accounts.tokens import user_for_token


class AccessDenied(Exception):
    """The one refusal of the access rules. `status` is 404 (the user may not know the object exists) or 403 (the user
    sees it but may not act); `message` is translated, for the API's `detail`."""

    def __init__(self, message=None, *, status=404):
        self.status = status
        self.message = str(message or (_("Not found.") if status == 404 else _("You may not do this.")))
        super().__init__(self.message)


# The workflow apps' models that the fetchers below look up. access.py sits below those apps (they import
# it), so it cannot import their models; each app hands them over in its AppConfig.ready().
_WORKFLOW_MODELS = {}


def register_workflow_models(*models) -> None:
    """Called by proposals, plans and investment in their AppConfig.ready(): the models their fetchers read."""
    _WORKFLOW_MODELS.update({model.__name__: model for model in models})


def workflow_model(name: str):
    """A model registered by register_workflow_models (KeyError if its app did not register it)."""
    return _WORKFLOW_MODELS[name]


def not_found():
    """The refusal for what the user may not know exists (404)."""
    return AccessDenied(status=404)


def forbidden(message=None):
    """The refusal for what the user sees but may not do (403), with the reason in the user's language."""
    return AccessDenied(message, status=403)


def require(allowed, message=None):
    """Raise `forbidden(message)` unless `allowed`: the one way a service says no to an action on what the user sees."""
    if not allowed:
        raise forbidden(message)


def token_in_header(request):
    """The key of the request's `Authorization: Token <key>` header ("" for an empty key), or None without a header of
    that scheme; read exactly as knox's TokenAuthentication reads it: the header's latin-1 bytes (DRF's
    `get_authorization_header`) split on any ASCII whitespace, the scheme in any case (RFC 9110). Split on a space only,
    `Token<TAB><key>` was no token here but a token for knox, so a session carried another district's token past the
    district gate (review rv23c). Several words after the scheme are returned as one key, which no token matches."""
    try:
        words = get_authorization_header(request).split()
    except UnicodeError:  # a character above U+00FF: no header a client can send (WSGI gives latin-1), no token either
        return ""
    if not words or words[0].lower() != b"token":
        return None
    return b" ".join(words[1:]).decode("latin-1")


def user_from_request(request):
    """The user DRF will serve the request as, checked before DRF runs, in DRF's order (settings
    DEFAULT_AUTHENTICATION_CLASSES: knox's token first, then the session): with an `Authorization: Token …` header, that
    token's active user, or AnonymousUser if it is empty, unknown, expired or revoked (DRF then refuses it), never the
    session's; without one, the session user. Reading the session first let a session of one district carry another
    district's token past the district gate, and DRF then served the token's user (review rv13b)."""
    key = token_in_header(request)
    if key is not None:
        if not hasattr(request, "_token_user"):  # once per request: the GIS routes' check and the district gate both ask
            request._token_user = (user_for_token(key) if key else None) or AnonymousUser()
        return request._token_user
    user = getattr(request, "user", None)
    return user if user is not None else AnonymousUser()


def takes_token(path, district_slug=None):
    """Whether a path accepts an `Authorization: Token …` header: a district's API (/d/<slug>/api/…) and the OGC API
    Features services (/ogc/… for the province, /d/<slug>/ogc/… for a district) and the vector tiles (/tiles/…,
    /d/<slug>/tiles/…), so GIS clients such as QGIS and GDAL connect with a token. Pages are for a browser's session and never take a token."""
    if district_slug is None:
        return path == "/ogc" or path.startswith(("/ogc/", "/tiles/"))
    base = f"/{settings.TENANT_SUBFOLDER_PREFIX}/{district_slug}/"
    return path.startswith((base + "api/", base + "ogc/", base + "tiles/")) or path == base + "ogc"


def is_ogc_path(path, district_slug=None):
    """The OGC API Features service of the province (district_slug None) or of a district: anonymous callers may
    enter it (its layers then give them only what is published)."""
    if district_slug is None:
        return path == "/ogc" or path.startswith("/ogc/")
    base = f"/{settings.TENANT_SUBFOLDER_PREFIX}/{district_slug}/ogc"
    return path == base or path.startswith(base + "/")


def is_layer_download_path(path, district_slug=None):
    """The layer downloads (/api/downloads/…, /d/<slug>/api/downloads/…): like the OGC API, anonymous callers may
    enter and download the layers they may read there (public administrative units, published proposals, public
    plan works: the same rows as the OGC items; each layer's `rows()` decides)."""
    prefix = "/api/downloads/" if district_slug is None else f"/{settings.TENANT_SUBFOLDER_PREFIX}/{district_slug}/api/downloads/"
    return path.startswith(prefix)


def is_tile_path(path, district_slug=None):
    """The vector tiles (/tiles/…, /d/<slug>/tiles/…): like the OGC API and the downloads, anonymous callers may enter
    them; each tile layer follows its layer's own rule (`geo.tiles.TileLayer.visible`, the kit layer's `rows()`): a
    district's proposals give anonymous callers the published ones, the province's layers stay for province staff."""
    prefix = "/tiles/" if district_slug is None else f"/{settings.TENANT_SUBFOLDER_PREFIX}/{district_slug}/tiles/"
    return path.startswith(prefix)


def is_gis_path(path, district_slug=None):
    """The GIS routes (the OGC API, the vector tiles, the layer downloads) of the province or of a district. Anonymous
    callers may enter them, but a request carrying credentials (`Authorization: …`) that do not authenticate (not a
    `Token`, an unknown, expired or revoked one) is a 401 on every one of them, never read as anonymous
    (`accounts.middleware.DistrictAccessMiddleware`, the one place of this rule; docs/SECURITY.md, "Tenancy and access")."""
    return is_ogc_path(path, district_slug) or is_tile_path(path, district_slug) or is_layer_download_path(path, district_slug)


def role_of(user) -> str:
    """The user's role code (`accounts.models.Role`: "village", "commune", …), for answers that tell a client who it
    is signed in as (the phone's offline bundle). Never for deciding what the user may do: that is the predicates
    and scopes of this module (tests/accounts/test_access.py greps every other module for `.role`)."""
    return user.role


def is_province_wide(user):
    return user.is_authenticated and (user.is_superuser or user.role == Role.PROVINCE)


def district_unit_of(user):
    """The district unit a district, commune or village user belongs to."""
    if not user.is_authenticated or user.unit_id is None:
        return None
    unit = user.unit
    while unit is not None and unit.level != "district":
        unit = unit.parent
    return unit


def commune_unit_of(user):
    if not user.is_authenticated or user.unit is None:
        return None
    if user.role in COMMUNE_ROLES:
        return user.unit
    if user.role == Role.VILLAGE:
        return user.unit.parent
    return None


def is_district_staff(user):
    """The district's Finance-Planning Office or one of its sector offices: reads every commune of its district."""
    return user.is_authenticated and user.role in DISTRICT_ROLES


def can_enter_district(user, district):
    """May this user use the staff pages and API of this district tenant?"""
    if not user.is_authenticated or not user.is_active:
        return False
    if is_province_wide(user):
        return True
    if user.role in (*DISTRICT_ROLES, *COMMUNE_ROLES, Role.VILLAGE):
        unit = district_unit_of(user)
        return unit is not None and unit.pk == district.unit_id
    return False


def can_view_commune(user, commune):
    """Read access to a commune's working data (not yet published)."""
    if is_province_wide(user):
        return True
    if user.role in DISTRICT_ROLES:
        return commune.parent_id == user.unit_id
    if user.role in (*COMMUNE_ROLES, Role.VILLAGE):
        own = commune_unit_of(user)
        return own is not None and own.pk == commune.pk
    return False


def can_plan_for_commune(user, commune):
    """May act as the commune's planning team (consolidate, decide, draft)."""
    return user.is_authenticated and user.role == Role.COMMUNE and user.unit_id == commune.pk


def require_commune_team(user, commune):
    """Refuse (403) anyone but the commune's planning team, before a write to its plan is read (items, targets, a new
    version, an amendment: Đ5–Đ6 of the Decision), so a refusal comes before any 400."""
    require(can_plan_for_commune(user, commune), _("Only the commune's planning team may do this."))


def can_propose_in(user, commune, village=None):
    """May submit proposals for this commune (and village): its planning team, the head of that village, or one of its
    commune units (for itself, without a village: `can_propose_for_unit`, Đ5.1)."""
    if not user.is_authenticated:
        return False
    if user.role == Role.COMMUNE:
        return user.unit_id == commune.pk
    if user.role == Role.COMMUNE_UNIT:
        return user.unit_id == commune.pk and village is None
    if user.role == Role.VILLAGE:
        return user.unit.parent_id == commune.pk and (village is None or village.pk == user.unit_id)
    return False


def can_import_proposals(user):
    """May send a file of proposals at all (Đ5): a commune planning team or a village head.

    Asked before the file is read, so that no one else (province or district staff, citizens)
    makes the server parse files: every row would be refused by `can_propose_in` anyway.
    """
    return user.is_authenticated and user.role in (Role.COMMUNE, Role.VILLAGE)


def visible_commune_ids(user, district):
    """Commune ids whose working data this user may read in the district (None: all of them)."""
    if is_province_wide(user) or user.role in DISTRICT_ROLES:
        return None
    own = commune_unit_of(user)
    return [own.pk] if own is not None else []


def can_review_commune(user, commune):
    """May act for the district over this commune: its Finance-Planning Office (orientation, feedback, approval)."""
    return user.is_authenticated and user.role == Role.DISTRICT and user.unit_id is not None and commune.parent_id == user.unit_id


def can_give_feedback(user, commune):
    """May comment on a commune's draft in step 4 (Đ5.4, Đ16.2): the district's Finance-Planning Office or one of the
    district's sector offices (which signs its comment, `sector_office_of`)."""
    if can_review_commune(user, commune):
        return True
    return (user.is_authenticated and user.role == Role.SECTOR_OFFICE and user.unit_id is not None
            and commune.parent_id == user.unit_id)


def sector_office_of(user):
    """The district sector office a sector-office account signs for, or None."""
    if user.is_authenticated and user.role == Role.SECTOR_OFFICE:
        return user.sector_office
    return None


def can_orient_communes(user, district):
    """May write and publish the district's orientation for its communes (step 2): that district's own staff only."""
    return user.is_authenticated and user.role == Role.DISTRICT and user.unit_id == district.unit_id


def can_moderate_public_comments(user, commune):
    """Public comments on a commune's draft are moderated and answered by its planning team."""
    return can_plan_for_commune(user, commune)


# Public investment (issue 5): the district's Finance-Planning Office keeps and reviews the plan;
# province staff read it; a commune sees and answers what concerns its own communes.

def can_manage_investment(user, district):
    """May keep the district's public-investment plans and projects: that district's own staff only."""
    return user.is_authenticated and user.role == Role.DISTRICT and user.unit_id == district.unit_id


def can_review_investment(user, district):
    """May record review decisions and pin review notes: that district's own staff only (province reads)."""
    return can_manage_investment(user, district)


def can_read_district_envelopes(user, district):
    """May read step 2's envelope summed over the whole district (against the investment plan): district and province
    staff. A commune sees only its own envelopes (plans app), so not a sum that contains the others'."""
    return visible_commune_ids(user, district) is None


def can_answer_review(user, commune_ids):
    """May answer a review: the planning team of one of the communes it concerns."""
    return user.is_authenticated and user.role == Role.COMMUNE and user.unit_id in set(commune_ids)


# Monitoring and evaluation (issue 6, Đ9–Đ11): the village head reports for the village, the commune
# planning team (its office-statistics officer) makes and approves the M&E plan and consolidates the
# commune report, and the district Finance-Planning Office accepts or returns the commune report.

def can_report_for_village(user, village):
    """May write and submit this village's M&E report: its village head only."""
    return user.is_authenticated and user.role == Role.VILLAGE and user.unit_id == village.pk


def can_monitor_commune(user, commune):
    """May keep the commune's M&E plan and its supervision findings, and accept the village and unit reports: its
    planning team."""
    return can_plan_for_commune(user, commune)


def can_consolidate_commune_report(user, commune):
    """May write, consolidate and submit the commune's periodic M&E report (Đ10.2b): its office-statistics officer,
    the commune's focal point for M&E information. The planning team keeps the M&E plan."""
    return user.is_authenticated and user.role == Role.STATISTICS and user.unit_id == commune.pk


def can_read_commune_reports(user, commune):
    """May accept or return the reports of the level below (villages, commune units) as the commune: its planning
    team or its office-statistics officer."""
    return can_plan_for_commune(user, commune) or can_consolidate_commune_report(user, commune)


def can_act_for_council(user, commune):
    """May record what the commune People's Council decides: its resolution passing the plan (Đ6.1) and its periodic
    evaluations of the main targets (Đ11.2). The council's own accounts only; the planning team may not."""
    return user.is_authenticated and user.role == Role.COUNCIL and user.unit_id == commune.pk


def commune_unit_id_of(user):
    """The id of the `proposals.CommuneUnit` a commune-unit account speaks for (in its commune's district), or None."""
    if user.is_authenticated and user.role == Role.COMMUNE_UNIT:
        return user.commune_unit_id
    return None


def can_act_for_unit(user, commune_unit):
    """May propose for and report as this commune unit (Đ5.1, Đ11.1): its own accounts only (the unit and its commune
    must both match, since unit ids are per district schema)."""
    return (user.is_authenticated and user.role == Role.COMMUNE_UNIT and commune_unit is not None
            and user.commune_unit_id == commune_unit.pk and user.unit_id == commune_unit.commune_id)


def can_report_for_unit(user, commune_unit):
    """May write and submit a commune unit's M&E report: its own accounts, once the district assigned it to report."""
    return can_act_for_unit(user, commune_unit) and commune_unit.reports_me


def can_keep_commune_units(user, commune):
    """May add a commune's units (name, kind): its planning team or the district's Finance-Planning Office."""
    return can_plan_for_commune(user, commune) or can_review_commune(user, commune)


def can_assign_reporting_units(user, commune):
    """May decide which commune units report M&E information (Đ11.1): the district's Finance-Planning Office."""
    return can_review_commune(user, commune)


def can_write_report(user, report):
    """May write, edit, add evidence to and submit this periodic M&E report (`monitoring.PeriodicReport`, Đ10.2b,
    Đ11.1): a village's report its village head (`can_report_for_village`), a commune unit's its own accounts
    (`can_act_for_unit`), the commune's its office-statistics officer (`can_consolidate_commune_report`)."""
    if report.village_id:
        return can_report_for_village(user, report.village)
    if report.commune_unit_id:
        return can_act_for_unit(user, report.commune_unit)
    return can_consolidate_commune_report(user, report.me_plan.commune)


def can_review_report(user, report):
    """May accept or return this submitted periodic M&E report: a village's or unit's as the commune
    (`can_read_commune_reports`, Đ11.3), the commune's as the district (`can_accept_commune_report`, Đ11.4)."""
    commune = report.me_plan.commune
    if report.is_below_commune:
        return can_read_commune_reports(user, commune)
    return can_accept_commune_report(user, commune)


# Provincial departments (Đ5.2, Đ15.2): each publishes its own orientation, programmes and resource information.

def department_of(user):
    """The provincial department a department account works for, or None."""
    if user.is_authenticated and user.role == Role.DEPARTMENT:
        return user.department
    return None


def can_publish_for_department(user, department):
    """May write and publish for this provincial department: its own accounts only."""
    return user.is_authenticated and user.role == Role.DEPARTMENT and department is not None and user.department_id == department.pk


def department_publication_scope(user, publications):
    """Department publications (a queryset) this user may read: the published ones for any staff user of the province,
    district or commune; drafts only for their own department and province staff."""
    from django.db.models import Q

    if not user.is_authenticated or user.role in (Role.CITIZEN,):
        return publications.none()
    if is_province_wide(user):
        return publications
    if user.role == Role.DEPARTMENT:
        return publications.filter(Q(published_at__isnull=False) | Q(department_id=user.department_id))
    return publications.filter(published_at__isnull=False)


def can_follow_department_publications(user):
    """May open the provincial departments' publications page (Đ5.2, Đ15.2): the departments (to write and publish
    their own) and province staff (to follow them). Districts see the published ones where they pass them on."""
    return is_province_wide(user) or (user.is_authenticated and user.role == Role.DEPARTMENT)


def can_read_department_publication(user, publication):
    """May read this department publication and its files: as `department_publication_scope` (published: any government
    staff; a draft: its own department and province staff)."""
    DepartmentPublication = _department_publication_model()

    return department_publication_scope(user, DepartmentPublication.objects.filter(pk=publication.pk)).exists()


def access_department_publication_by_id(user, pk, *, for_write=False):
    """A department publication the user may read (404 otherwise); with `for_write`, only its own department (403)."""
    DepartmentPublication = _department_publication_model()

    publication = _one(department_publication_scope(user, DepartmentPublication.objects.select_related("department")), pk)
    if for_write:
        require(can_publish_for_department(user, publication.department), _("Only the department that published it may change it."))
    return publication


def _department_publication_model():
    from accounts.models import DepartmentPublication

    return DepartmentPublication


def can_accept_commune_report(user, commune):
    """May accept or return a commune's M&E report: the district's Finance-Planning Office (Đ11.4)."""
    return can_review_commune(user, commune)


def can_add_evidence(user, commune):
    """May add geolocated photos for the commune: its planning team, one of its village heads, or its office-statistics
    officer (for the commune report it writes)."""
    return (can_plan_for_commune(user, commune) or can_consolidate_commune_report(user, commune)
            or (village_of_head(user) is not None and can_propose_in(user, commune)))


def adds_evidence_somewhere(user):
    """Asked before a photo is decoded: a commune planning team, village head or office-statistics officer (the
    commune is checked by `can_add_evidence` once the M&E plan is read)."""
    return user.is_authenticated and user.role in (Role.COMMUNE, Role.VILLAGE, Role.STATISTICS)

# ---- who someone is, for pages that only need to know ----------------------------------------------

def village_of_head(user):
    """The village a village head speaks for, or None for everyone else."""
    if user.is_authenticated and user.role == Role.VILLAGE:
        return user.unit
    return None


def is_commune_team(user):
    """A commune planning team member (of any commune: pair it with a commune predicate before acting)."""
    return user.is_authenticated and user.role == Role.COMMUNE


def works_in_a_commune(user):
    """Commune teams, village heads and commune units, whose work starts at step 1 (where the login sends them)."""
    return user.is_authenticated and user.role in (Role.COMMUNE, Role.VILLAGE, Role.COMMUNE_UNIT)


# ---- more predicates -------------------------------------------------------------------------------------

def can_edit_proposal(user, proposal):
    """May change a proposal (Đ5 step 1): the commune's planning team, or the head of the proposal's own village. A
    commune-level proposal (no village: a school, a mass organisation…) is the team's alone, even once published."""
    if can_plan_for_commune(user, proposal.commune):
        return True
    if proposal.commune_unit_id is not None and commune_unit_id_of(user) == proposal.commune_unit_id:
        return user.unit_id == proposal.commune_id
    village = village_of_head(user)
    return village is not None and proposal.village_id is not None and proposal.village_id == village.pk


def can_act_in_cycle(user, commune):
    """May act in the commune's plan cycle at all (own some step): its planning team or the district's Finance-Planning
    Office. Which step is whose is `can_act_for_step_owner`."""
    return can_plan_for_commune(user, commune) or can_review_commune(user, commune)


def can_open_cycle(user, commune):
    """May open the commune's plan cycle: its planning team or the district's Finance-Planning Office."""
    return can_act_in_cycle(user, commune)


def can_act_for_step_owner(user, commune, *, commune_owns):
    """May do what a step's owner does: the commune team for commune steps, the district office for steps 2 and 4."""
    return can_plan_for_commune(user, commune) if commune_owns else can_review_commune(user, commune)


def can_read_orientation_drafts(user):
    """May read step 2's orientation before it is published: district and province staff (communes see it once sent)."""
    return is_province_wide(user) or is_district_staff(user)


def can_read_unmoderated_comments(user, commune):
    """May read public comments not (yet) published, with the names residents gave: the planning team that moderates
    them and district or province staff who oversee it (Đ5.5). A village head reads the published ones only."""
    return can_plan_for_commune(user, commune) or (can_view_commune(user, commune) and visible_commune_ids(user, None) is None)


def can_see_who_acted(user, *, public=False):
    """May learn who recorded a workflow event (its actor's username and name, `accounts.events.event_output`): a
    signed-in user reading the record through a staff route. Never the public: a public page or route tells what
    happened and when, not who (the usernames are sign-in names)."""
    return not public and bool(getattr(user, "is_authenticated", False))


def can_read_district_totals(user, district):
    """May read sums over the whole district (a public-investment plan's allocations by year or source): district and
    province staff. A commune reads its own projects, not totals that contain the other communes'."""
    return can_read_district_envelopes(user, district)


def can_read_district_counts(user, district):
    """May read the counts of what the whole district holds (proposals, plans, projects, reports, users: the summary
    of `/d/<slug>/api/district/` and the district page): district and province staff. A commune team or village head
    gets the district's name and communes (public geography), not counts that include the other communes' drafts."""
    return can_read_district_envelopes(user, district)


# ---- scopes: the rows of a queryset a user may read -----------------------------------------------------

def proposal_scope(user, proposals):
    """Proposals (a queryset) this user may read: all for district and province staff, the commune's for its planning
    team, the village's own and the commune's published ones for a village head, none for anyone else."""
    from django.db.models import Q

    if is_province_wide(user) or is_district_staff(user):
        return proposals
    if user.is_authenticated and user.role in (Role.COMMUNE, Role.COUNCIL, Role.STATISTICS):
        return proposals.filter(commune_id=user.unit_id)
    if user.is_authenticated and user.role == Role.COMMUNE_UNIT:
        return proposals.filter(Q(commune_id=user.unit_id) & (Q(commune_unit_id=user.commune_unit_id) | Q(is_published=True)))
    village = village_of_head(user)
    if village is not None:
        return proposals.filter(Q(village_id=village.pk) | Q(commune_id=village.parent_id, is_published=True))
    return proposals.none()


def plan_item_scope(user, district, items):
    """Commune plan items (a queryset of `plans.PlanItem`) this user may read, by the read rule of
    `access_plan_item_by_id`: all for district and province staff, those of its own commune's plans otherwise."""
    visible = visible_commune_ids(user, district)
    return items if visible is None else items.filter(plan__cycle__commune_id__in=visible)


def meeting_scope(user, meetings):
    """Village meetings (a queryset) this user may read: the district's for its staff, the commune's for its team, the
    village's own for its head."""
    if is_province_wide(user) or is_district_staff(user):
        return meetings
    if user.is_authenticated and user.role in (Role.COMMUNE, Role.COUNCIL, Role.STATISTICS):
        return meetings.filter(commune_id=user.unit_id)
    village = village_of_head(user)
    if village is not None:
        return meetings.filter(village_id=village.pk)
    return meetings.none()


def works_offline(user):
    """May download the offline bundle of the phone (issue 16, `/d/<slug>/api/me/offline/`): a village head, a commune
    planning team member or a commune unit, the people who capture step 1 and its reports in the field."""
    return user.is_authenticated and user.is_active and user.role in (Role.VILLAGE, Role.COMMUNE, Role.COMMUNE_UNIT)


def offline_village_scope(user, villages):
    """Villages (a queryset of current village units) whose boundaries the phone keeps: a village head only its own
    village, a commune role every village of its commune, anyone else none."""
    village = village_of_head(user)
    if village is not None:
        return villages.filter(pk=village.pk)
    commune = commune_unit_of(user)
    return villages.filter(parent_id=commune.pk) if commune is not None else villages.none()


def village_report_scope(user, reports):
    """M&E reports (a queryset already scoped to the user's communes): a village head reads only the village's, a
    commune unit only its own."""
    village = village_of_head(user)
    if village is not None:
        return reports.filter(village_id=village.pk)
    unit_id = commune_unit_id_of(user)
    return reports.filter(commune_unit_id=unit_id) if unit_id is not None else reports


def comment_scope(user, commune, comments):
    """Public comments (a queryset) on a commune's plan that this user may read: all of them for those who moderate or
    oversee (`can_read_unmoderated_comments`), the published ones for anyone else who sees the commune."""
    if can_read_unmoderated_comments(user, commune):
        return comments
    PublicComment = workflow_model("PublicComment")

    return comments.filter(status=PublicComment.Status.PUBLISHED)


# ---- permission-checked fetchers -------------------------------------------------------------------------

def _in_district(user, district):
    """The district (the connection's tenant when None), once the user may enter it; else AccessDenied (404)."""
    district = district if district is not None else getattr(connection, "tenant", None)
    if district is None or getattr(district, "schema_name", "public") == "public" or not can_enter_district(user, district):
        raise not_found()
    return district


def _one(queryset, pk):
    try:
        obj = queryset.filter(pk=pk).first()
    except (TypeError, ValueError):
        obj = None
    if obj is None:
        raise not_found()
    return obj


def access_proposal_by_id(user, district, pk, *, for_write=False):
    """A proposal the user may read (404 otherwise, as if absent); with `for_write`, one the user may also edit
    (`can_edit_proposal`, else 403). Đ5 step 1."""
    Proposal = workflow_model("Proposal")

    _in_district(user, district)
    proposal = _one(proposal_scope(user, Proposal.objects.select_related("commune", "village")), pk)
    if for_write:
        require(can_edit_proposal(user, proposal), _("You may not edit this proposal."))
    return proposal


def access_meeting_by_id(user, district, pk):
    """A village meeting the user may read, else AccessDenied (404)."""
    VillageMeeting = workflow_model("VillageMeeting")

    _in_district(user, district)
    return _one(meeting_scope(user, VillageMeeting.objects.select_related("commune", "village", "created_by")), pk)


def access_cycle_by_id(user, district, pk):
    """A commune's plan cycle the user may read (the commune's working data, `can_view_commune`), else 404."""
    PlanCycle = workflow_model("PlanCycle")

    _in_district(user, district)
    cycle = _one(PlanCycle.objects.select_related("commune"), pk)
    if not can_view_commune(user, cycle.commune):
        raise not_found()
    return cycle


def access_plan_by_id(user, district, pk):
    """A commune plan version the user may read, else 404."""
    CommunePlan = workflow_model("CommunePlan")

    _in_district(user, district)
    plan = _one(CommunePlan.objects.select_related("cycle__commune"), pk)
    if not can_view_commune(user, plan.cycle.commune):
        raise not_found()
    return plan


def access_comment_by_id(user, district, pk):
    """A public comment on a plan the user may read: an unpublished one only for those who may read unmoderated
    comments (Đ5.5); else 404, so that a pending comment and its author's name do not leak."""
    PublicComment = workflow_model("PublicComment")

    plan_comment = _one(PublicComment.objects.select_related("plan__cycle__commune"), pk)
    plan = access_plan_by_id(user, district, plan_comment.plan_id)
    return _one(comment_scope(user, plan.cycle.commune, PublicComment.objects.select_related("plan__cycle__commune")), plan_comment.pk)


def access_plan_item_by_id(user, district, pk):
    """A commune plan item (a work or activity of a version) the user may read, else 404."""
    PlanItem = workflow_model("PlanItem")

    _in_district(user, district)
    item = _one(PlanItem.objects.select_related("plan__cycle__commune"), pk)
    if not can_view_commune(user, item.plan.cycle.commune):
        raise not_found()
    return item


def access_target_by_id(user, district, pk):
    """A socio-economic target of a commune plan version the user may read, else 404."""
    SocioEconomicTarget = workflow_model("SocioEconomicTarget")

    target = _one(SocioEconomicTarget.objects.all(), pk)
    access_plan_by_id(user, district, target.plan_id)
    return target


def access_feedback_by_id(user, district, pk):
    """A district comment on a commune plan version (step 4) that the user may read, else 404."""
    DistrictFeedback = workflow_model("DistrictFeedback")

    feedback = _one(DistrictFeedback.objects.all(), pk)
    access_plan_by_id(user, district, feedback.plan_id)
    return feedback


def access_orientation_by_id(user, district, pk, *, for_write=False):
    """Step 2's orientation: a draft only for district and province staff (else 404); with `for_write`, only the
    district's own Finance-Planning Office may publish it (403)."""
    Orientation = workflow_model("Orientation")

    district = _in_district(user, district)
    orientation = _one(Orientation.objects.all(), pk)
    if for_write:
        require(can_orient_communes(user, district), _("Only the district's Finance-Planning Office may do this."))
    elif orientation.published_at is None and not can_read_orientation_drafts(user):
        raise not_found()
    return orientation


def access_investment_plan_by_id(user, district, pk, *, for_write=False):
    """A public-investment plan of the district (every user of the district sees that it exists); with `for_write`,
    only its Finance-Planning Office may change it (403)."""
    PublicInvestmentPlan = workflow_model("PublicInvestmentPlan")

    district = _in_district(user, district)
    plan = _one(PublicInvestmentPlan.objects.all(), pk)
    if for_write:
        require(can_manage_investment(user, district), _("Only the district's Finance-Planning Office keeps the investment plan."))
    return plan


def project_scope(user, district, projects):
    """Investment projects (a queryset) this user may read: all for district and province staff, those serving its
    commune for a commune team or village head."""
    visible = visible_commune_ids(user, district)
    return projects if visible is None else projects.filter(communes__id__in=visible)


def access_project_by_id(user, district, pk, *, for_write=False):
    """An investment project the user may read (404 otherwise); with `for_write`, only the district's Finance-Planning
    Office may change it (403)."""
    InvestmentProject = workflow_model("InvestmentProject")

    district = _in_district(user, district)
    project = _one(project_scope(user, district, InvestmentProject.objects.all()), pk)
    if for_write:
        require(can_manage_investment(user, district), _("Only the district's Finance-Planning Office keeps the investment plan."))
    return project


def review_scope(user, district, reviews):
    """Review decisions and notes (a queryset) this user may read: all for district and province staff, those
    concerning its commune otherwise."""
    visible = visible_commune_ids(user, district)
    return reviews if visible is None else reviews.filter(communes__id__in=visible)


def access_review_by_id(user, district, pk):
    """A review decision or note the user may read, else 404."""
    Review = workflow_model("Review")

    district = _in_district(user, district)
    return _one(review_scope(user, district, Review.objects.all()), pk)


def require_manage_investment(user, district):
    """Refuse (403) anyone but the district's Finance-Planning Office before a write to its investment plan or projects."""
    require(can_manage_investment(user, _in_district(user, district)), _("Only the district's Finance-Planning Office keeps the investment plan."))


# Province comparison (issue 7): where public investment goes across districts and communes.

def can_compare_province(user):
    """May read the province's investment comparison and plan compliance: province staff and superusers only.

    District, commune and village users are refused (403) rather than scoped, so no province route can
    carry another district's figures, its draft plans' allocations included, to a district user.
    """
    return is_province_wide(user)


# Uploaded files (issue 11): a file is fetched through /d/<slug>/files/… by whoever may read the object it
# belongs to, or through /d/<slug>/public/files/… when that object is published. These take the object
# (already fetched from the district's schema, behind the district gate) and mirror the list selectors.

def can_read_proposal(user, proposal):
    """Read a proposal (and its attachments): as `proposals.selectors.proposals_visible_to`."""
    if not user.is_authenticated:
        return False
    if user.role == Role.VILLAGE:
        own_commune = user.unit is not None and proposal.commune_id == user.unit.parent_id
        return proposal.village_id == user.unit_id or (proposal.is_published and own_commune)
    if user.role == Role.COMMUNE_UNIT:
        own_commune = proposal.commune_id == user.unit_id
        return own_commune and (proposal.commune_unit_id == user.commune_unit_id or proposal.is_published)
    return can_view_commune(user, proposal.commune)


def is_published_proposal(proposal):
    """A proposal the team has published: its files are public."""
    return proposal.is_published


def public_proposal_scope(proposals):
    """The proposals anybody may read, signed in or not (the public map, page, layer and files): those the commune
    team has published (Đ5 step 1: the list of proposals is made public)."""
    return proposals.filter(is_published=True)


def can_read_village_meeting(user, meeting):
    """Read a village meeting (and its minutes): as `proposals.selectors.meetings_visible_to`."""
    if not user.is_authenticated:
        return False
    if user.role == Role.VILLAGE:
        return meeting.village_id == user.unit_id
    return can_view_commune(user, meeting.commune)


def can_read_commune_cycle(user, commune):
    """Read a commune's plan cycle, its step evidence and its plan versions with their resolution and decision files."""
    return user.is_authenticated and can_view_commune(user, commune)


def can_read_orientation(user, orientation, district):
    """Read the district's orientation (step 2) and its documents: published, any user of the district; a draft,
    district and province staff (as `plans.selectors.orientations_for`)."""
    if not can_enter_district(user, district):
        return False
    return orientation.published_at is not None or is_province_wide(user) or is_district_staff(user)


def evidence_photo_scope(user, photos):
    """M&E evidence photos (a queryset already scoped to the M&E plans the user reads): a photo of a periodic report
    follows the report's rule (`village_report_scope`: a village head reads only its own village's reports, Đ8); a
    photo of the plan, an activity or a finding follows the M&E plan's."""
    from django.db.models import Q

    village = village_of_head(user)
    if village is not None:
        return photos.filter(Q(report__isnull=True) | Q(report__village_id=village.pk))
    unit_id = commune_unit_id_of(user)
    return photos.filter(Q(report__isnull=True) | Q(report__commune_unit_id=unit_id)) if unit_id is not None else photos


def can_read_evidence_photo(user, photo):
    """Read one M&E evidence photo (`monitoring.EvidencePhoto`): whoever reads its commune's M&E plan, and, for a photo
    of a periodic report, whoever may read that report (as `evidence_photo_scope`)."""
    if not (user.is_authenticated and can_view_commune(user, photo.me_plan.commune)):
        return False
    village = village_of_head(user)
    if village is not None:
        return photo.report_id is None or photo.report.village_id == village.pk
    unit_id = commune_unit_id_of(user)
    return unit_id is None or photo.report_id is None or photo.report.commune_unit_id == unit_id


def is_announced_plan(plan):
    """A plan version approved and announced (Đ6): its resolution and decision files are public."""
    return plan.status == "approved" and plan.announced_at is not None


# ---- the province's and district's own duties (Đ12–Đ19, issue 14 part 2) ---------------------------------------

def is_staff_of_government(user):
    """Government staff at any level, the new actors of issue 14 included (council, statistics officer, commune unit,
    sector office, department): everyone with a role other than citizen (staff-only documents, Đ12)."""
    return user.is_authenticated and user.is_active and (user.is_superuser or (bool(user.role) and user.role != Role.CITIZEN))


def can_manage_library(user):
    """May add, change and remove documents of the province library (handbook, guidance, forms; Đ12.1): province staff."""
    return is_province_wide(user)


def document_scope(user, documents):
    """The province library's documents this user may read: all of them for staff, the public ones for anyone else."""
    return documents if is_staff_of_government(user) else documents.filter(is_public=True)


def can_read_document(user, document):
    """May download a library document's file (the same rule as `document_scope`)."""
    return document.is_public or is_staff_of_government(user)


def can_manage_training(user, unit=None):
    """May record a course and its participants (Đ12.3, Đ14, Đ18): province staff for any, district staff for
    courses their district organises (`unit` the organising unit; None asks whether they may record any)."""
    if is_province_wide(user):
        return True
    if not user.is_authenticated or user.role != Role.DISTRICT:
        return False
    return unit is None or unit.pk == user.unit_id


def can_read_training(user):
    """May read courses, participants and who is still untrained: province staff and departments, district staff
    (the Finance-Planning Office and the sector offices)."""
    return is_province_wide(user) or (user.is_authenticated and user.role in (*DISTRICT_ROLES, Role.DEPARTMENT))


def training_commune_scope(user, communes):
    """The communes whose untrained people this user may list: all for the province and its departments, the own
    district's for district staff (the office and its sector offices)."""
    if is_province_wide(user) or (user.is_authenticated and user.role == Role.DEPARTMENT):
        return communes
    if user.is_authenticated and user.role in DISTRICT_ROLES:
        return communes.filter(parent_id=user.unit_id)
    return communes.none()


def can_record_communication(user, unit):
    """May record a communication activity (Đ17) held by `unit`: the province for any unit, a district for itself and
    its communes, a commune planning team for its own commune."""
    if is_province_wide(user):
        return True
    if not user.is_authenticated or unit is None:
        return False
    if user.role == Role.DISTRICT:
        return unit.pk == user.unit_id or unit.parent_id == user.unit_id
    if user.role == Role.COMMUNE:
        return unit.pk == user.unit_id
    return False


def communication_scope(user, activities):
    """Communication activities this user may read: all for the province, the district's and its communes' for a
    district, the commune's own for a commune team; nothing for others."""
    if is_province_wide(user):
        return activities
    if user.is_authenticated and user.role == Role.DISTRICT:
        return activities.filter(Q(unit_id=user.unit_id) | Q(unit__parent_id=user.unit_id))
    if user.is_authenticated and user.role == Role.COMMUNE:
        return activities.filter(unit_id=user.unit_id)
    return activities.none()


def can_inspect_commune(user, commune):
    """May record an inspection of a commune and close its corrections (Đ16.4): the commune's district office."""
    return can_review_commune(user, commune)


def inspection_scope(user, inspections):
    """Inspections this user may read in the district: all for district and province staff, its own for a commune team
    (the inspected commune must know what to correct); none for villages and citizens."""
    if is_province_wide(user) or (user.is_authenticated and user.role == Role.DISTRICT):
        return inspections
    if user.is_authenticated and user.role == Role.COMMUNE:
        return inspections.filter(commune_id=user.unit_id)
    return inspections.none()


def access_inspection_by_id(user, district, pk, *, for_write=False):
    """An inspection of a commune (Đ16.4) the user may read, else 404; with `for_write` (add or close corrections),
    only the district office of the inspected commune (403)."""
    Inspection = workflow_model("Inspection")

    _in_district(user, district)
    inspection = _one(inspection_scope(user, Inspection.objects.select_related("commune")), pk)
    if for_write:
        require(can_inspect_commune(user, inspection.commune), _("Only the district's office may change an inspection."))
    return inspection


def can_raise_difficulty(user, commune):
    """May raise a difficulty of this commune to its district (Đ19): the commune's planning team."""
    return can_plan_for_commune(user, commune)


def difficulty_scope(user, difficulties):
    """Difficulties this user may read in the district: all for the district office, those forwarded to the province
    for province staff, the own commune's for a commune team; none for others."""
    if user.is_authenticated and (user.is_superuser or user.role == Role.DISTRICT):
        return difficulties
    if is_province_wide(user):
        return difficulties.exclude(forwarded_at=None)
    if user.is_authenticated and user.role == Role.COMMUNE:
        return difficulties.filter(commune_id=user.unit_id)
    return difficulties.none()


def can_answer_difficulty(user, difficulty):
    """May answer (or forward) a difficulty: the district office of its commune while it waits at the district,
    province staff once it was forwarded to the province (Đ19)."""
    if difficulty.status == "open":
        return can_review_commune(user, difficulty.commune)
    if difficulty.status == "forwarded":
        return is_province_wide(user)
    return False


def access_difficulty_by_id(user, district, pk, *, for_answer=False):
    """A difficulty the user may read (404 otherwise, absent or another commune's alike); with `for_answer`, one the
    user may answer or forward now (`can_answer_difficulty`, else 403)."""
    Difficulty = workflow_model("Difficulty")

    _in_district(user, district)
    difficulty = _one(difficulty_scope(user, Difficulty.objects.select_related("commune")), pk)
    if for_answer:
        require(can_answer_difficulty(user, difficulty), _("You may not answer this difficulty now."))
    return difficulty


# ---- who is told: the recipients of new work and reminders (issue 14 part 4) ------------------------------------

_ROLE_OF_LEVEL = {"province": Role.PROVINCE, "district": Role.DISTRICT, "commune": Role.COMMUNE, "village": Role.VILLAGE,
                  "council": Role.COUNCIL, "statistics": Role.STATISTICS, "commune_unit": Role.COMMUNE_UNIT,
                  "sector_office": Role.SECTOR_OFFICE, "department": Role.DEPARTMENT}
# The roles whose inbox is read in their district's schema (their unit is a district, a commune or a village).
_DISTRICT_INBOX_ROLES = (Role.DISTRICT, Role.COMMUNE, Role.VILLAGE, Role.COUNCIL, Role.STATISTICS, Role.COMMUNE_UNIT, Role.SECTOR_OFFICE)


def recipients(*, level, unit=None):
    """The active accounts whose duty is at `level` for `unit`: who is told by e-mail of a new item of work there.
    `level` is a role's duty: "province", "district", "commune", "village", "council", "statistics", "commune_unit",
    "sector_office" or "department" (`unit` None for the province and the departments, the district for "district"
    and "sector_office", the commune for the commune roles, the village for "village"). A queryset of users (those
    without an address are skipped by the sender)."""
    from accounts.models import User

    people = User.objects.filter(is_active=True, role=_ROLE_OF_LEVEL[level])
    return people if level in ("province", "department") else people.filter(unit=unit)


def inbox_level(user):
    """Where a user's inbox is read: "province" (public schema: the province's own sources; province staff and the
    provincial departments), "district" (in the user's district schema: the district office and its sector offices,
    the commune team, council, statistics officer and units, the village heads), or None (citizens and anonymous
    callers have no inbox)."""
    if is_province_wide(user) or (user.is_authenticated and user.role == Role.DEPARTMENT):
        return "province"
    if user.is_authenticated and user.role in _DISTRICT_INBOX_ROLES and district_unit_of(user) is not None:
        return "district"
    return None


def inbox_role(user):
    """The role code of a user for the inbox sources: "province" for province staff, else the user's role code
    ("district", "commune", "village", "council", "statistics", "commune_unit", "sector_office", "department"), or None."""
    level = inbox_level(user)
    if level is None:
        return None
    return "province" if is_province_wide(user) else str(user.role)
