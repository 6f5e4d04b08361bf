"""Inbox sources of the plan cycle (Đ3–Đ6): steps due, comments to answer, district feedback to answer, approvals."""
from django.db.models import Q
from django.utils.translation import gettext as _

from accounts import access
from accounts.models import DepartmentPublication
from core.inbox import InboxItem
from core.models import PlanStep
from core.selectors import deadlines_for
from plans.models import PUBLISHED, STEP_OWNER, CommunePlan, DistrictFeedback, Owner, PlanCycle, PlanStatus, PublicComment


def _due(cache, year, step):
    if year not in cache:
        cache[year] = deadlines_for(plan_year=year)
    return cache[year].get(step)


def steps_due(user, *, district, on):
    """The current step of each cycle, for whoever owns it: the commune team its commune's steps (Đ3, Đ5 steps 1, 3, 5,
    Đ6), the district office the district's (step 2 orientation, step 4 feedback), with the calendar's due date."""
    if access.is_commune_team(user):
        cycles, owner = PlanCycle.objects.filter(commune_id=user.unit_id), Owner.COMMUNE
    elif access.can_orient_communes(user, district):
        cycles, owner = PlanCycle.objects.all(), Owner.DISTRICT
    elif access.sector_office_of(user) is not None and user.unit_id == district.unit_id:
        # A sector office of the district reviews the drafts in step 4 (Đ5.4, Đ16.2): only the feedback step is its work.
        cycles, owner = PlanCycle.objects.filter(step=PlanStep.DISTRICT_FEEDBACK), Owner.DISTRICT
    else:
        return []
    cache, items = {}, []
    for cycle in cycles.exclude(step=PUBLISHED).select_related("commune"):
        step = PlanStep(cycle.step)
        if STEP_OWNER[step] != owner:
            continue
        kind = "feedback_give" if step == PlanStep.DISTRICT_FEEDBACK else "step_due"
        title = (_("Give the district's feedback on the draft of %(commune)s") if kind == "feedback_give"
                 else _("%(step)s: %(commune)s, plan %(year)s")) % {"step": step.label, "commune": cycle.commune.name, "year": cycle.plan_year}
        items.append(InboxItem(key=f"{district.schema_name}:cycle:{cycle.pk}:{step.value}", kind=kind, title=title,
                               due_on=_due(cache, cycle.plan_year, step.value), url=f"/d/{district.slug}/plans/cycles/{cycle.pk}/"))
    return items


def comments_to_answer(user, *, district, on):
    """Commune team: public comments on its drafts (step 5) not yet moderated or answered, due when the consultation closes."""
    if not access.is_commune_team(user):
        return []
    rows = (PublicComment.objects.filter(plan__cycle__commune_id=user.unit_id, answer="")
            .exclude(status=PublicComment.Status.REJECTED).select_related("plan__cycle"))
    return [InboxItem(key=f"{district.schema_name}:comment:{c.pk}", kind="comment_answer",
                      title=_("Answer the public comment of %(name)s") % {"name": c.author_name},
                      due_on=c.plan.consultation_closes_on, url=f"/d/{district.slug}/plans/cycles/{c.plan.cycle_id}/")
            for c in rows]


def feedback_to_answer(user, *, district, on):
    """Commune team: the district's comments (step 4) not yet answered, due on step 5's date. An explicit "no comments"
    record asks nothing, and a cycle past the conference (step 6 or published) no longer waits for answers."""
    if not access.is_commune_team(user):
        return []
    cache = {}
    rows = (DistrictFeedback.objects.filter(plan__cycle__commune_id=user.unit_id, answer="", no_comments=False)
            .filter(plan__cycle__step__in=[PlanStep.DISTRICT_FEEDBACK, PlanStep.SEDP_CONFERENCE]).select_related("plan__cycle"))
    return [InboxItem(key=f"{district.schema_name}:feedback:{f.pk}", kind="feedback_answer",
                      title=_("Answer the district's comment: %(body)s") % {"body": f.body[:120]},
                      due_on=_due(cache, f.plan.cycle.plan_year, PlanStep.SEDP_CONFERENCE.value),
                      url=f"/d/{district.slug}/plans/cycles/{f.plan.cycle_id}/")
            for f in rows]


def approvals_pending(user, *, district, on):
    """District office: plans whose People's Council resolution is recorded and that wait for the district's approval (Đ6)."""
    if not access.can_orient_communes(user, district):
        return []
    cache = {}
    rows = (CommunePlan.objects.filter(status=PlanStatus.FROZEN).exclude(Q(council_resolution_number="") | Q(council_resolution_date=None))
            .filter(cycle__step=PlanStep.APPROVAL).select_related("cycle__commune"))
    return [InboxItem(key=f"{district.schema_name}:approval:{p.pk}", kind="approval_decide",
                      title=_("Approve the plan of %(commune)s for %(year)s") % {"commune": p.cycle.commune.name, "year": p.cycle.plan_year},
                      due_on=_due(cache, p.cycle.plan_year, PlanStep.APPROVAL.value), url=f"/d/{district.slug}/plans/cycles/{p.cycle_id}/")
            for p in rows]


def resolutions_to_record(user, *, district, on):
    """Commune People's Council: its plan waits in the approval step (Đ6.1) with no resolution recorded; due on the
    approval step's date."""
    commune = access.commune_unit_of(user)
    if commune is None or not access.can_act_for_council(user, commune):
        return []
    cache = {}
    rows = (CommunePlan.objects.filter(cycle__commune_id=commune.pk, cycle__step=PlanStep.APPROVAL)
            .filter(Q(council_resolution_number="") | Q(council_resolution_date=None)).select_related("cycle__commune"))
    return [InboxItem(key=f"{district.schema_name}:resolution:{p.pk}", kind="resolution_record",
                      title=_("Record the People's Council resolution on the plan of %(commune)s for %(year)s")
                      % {"commune": p.cycle.commune.name, "year": p.cycle.plan_year},
                      due_on=_due(cache, p.cycle.plan_year, PlanStep.APPROVAL.value), url=f"/d/{district.slug}/plans/cycles/{p.cycle_id}/")
            for p in rows]


def department_publications(user, *, district, on):
    """Provincial department (province level, public schema): its drafts to publish for the districts (Đ5.2, Đ15.2),
    due on the orientation step's date of their plan year."""
    department = access.department_of(user)
    if department is None:
        return []
    cache = {}
    rows = DepartmentPublication.objects.filter(department=department, published_at__isnull=True)
    return [InboxItem(key=f"public:department-publication:{p.pk}", kind="publication_publish",
                      title=_("Publish for the districts: %(title)s (plan %(year)s)") % {"title": p.title, "year": p.plan_year},
                      due_on=_due(cache, p.plan_year, PlanStep.ORIENTATION.value), url=f"/province/publications/#publication-{p.pk}")
            for p in rows]
