"""Who may see and do what: role × district × commune × village. Views and APIs ask here; nowhere else decides.

A user's scope is the unit of their role: province staff see the province, district staff their
district, a planning team member one commune, a village head one village, a citizen only what is
published.
"""
from django.contrib.auth.models import AnonymousUser

from accounts.models import Role
from accounts.tokens import user_for_token


def user_from_request(request):
    """The session user, or the user of a valid `Authorization: Token …` header (checked before DRF runs; expired
    or revoked tokens count as none)."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user
    header = request.META.get("HTTP_AUTHORIZATION", "")
    kind, _, key = header.partition(" ")
    if kind == "Token" and key:
        token_user = user_for_token(key.strip())
        if token_user is not None:
            return token_user
    return user or AnonymousUser()


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
    if user.role == Role.COMMUNE:
        return user.unit
    if user.role == Role.VILLAGE:
        return user.unit.parent
    return None


def can_enter_district(user, district):
    """May this user use the staff pages and API of this district tenant?"""
    if not user.is_authenticated or not user.is_active:
        return False
    if is_province_wide(user):
        return True
    if user.role in (Role.DISTRICT, Role.COMMUNE, Role.VILLAGE):
        unit = district_unit_of(user)
        return unit is not None and unit.pk == district.unit_id
    return False


def can_view_commune(user, commune):
    """Read access to a commune's working data (not yet published)."""
    if is_province_wide(user):
        return True
    if user.role == Role.DISTRICT:
        return commune.parent_id == user.unit_id
    if user.role in (Role.COMMUNE, Role.VILLAGE):
        own = commune_unit_of(user)
        return own is not None and own.pk == commune.pk
    return False


def can_plan_for_commune(user, commune):
    """May act as the commune's planning team (consolidate, decide, draft)."""
    return user.is_authenticated and user.role == Role.COMMUNE and user.unit_id == commune.pk


def can_propose_in(user, commune, village=None):
    """May submit proposals for this commune (and village): its planning team, or the head of that village."""
    if not user.is_authenticated:
        return False
    if user.role == Role.COMMUNE:
        return user.unit_id == commune.pk
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
    if is_province_wide(user) or user.role == Role.DISTRICT:
        return None
    own = commune_unit_of(user)
    return [own.pk] if own is not None else []


def can_review_commune(user, commune):
    """May act for the district over this commune: its Finance-Planning Office (orientation, feedback, approval)."""
    return user.is_authenticated and user.role == Role.DISTRICT and user.unit_id is not None and commune.parent_id == user.unit_id


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
    """May keep the commune's M&E plan, its commune report, council evaluations and supervision findings."""
    return can_plan_for_commune(user, commune)


def can_accept_commune_report(user, commune):
    """May accept or return a commune's M&E report: the district's Finance-Planning Office (Đ11.4)."""
    return can_review_commune(user, commune)


def can_add_evidence(user, commune):
    """May add geolocated photos for the commune: its planning team or one of its village heads."""
    return can_propose_in(user, commune)

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
    return can_view_commune(user, proposal.commune)


def is_published_proposal(proposal):
    """A proposal the team has published: its files are public."""
    return proposal.is_published


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
    return orientation.published_at is not None or is_province_wide(user) or user.role == Role.DISTRICT


def can_read_evidence_photo(user, commune):
    """Read the M&E evidence photos of a commune: whoever reads its M&E plan (`monitoring.selectors.evidence_queryset`)."""
    return user.is_authenticated and can_view_commune(user, commune)


def is_announced_plan(plan):
    """A plan version approved and announced (Đ6): its resolution and decision files are public."""
    return plan.status == "approved" and plan.announced_at is not None
