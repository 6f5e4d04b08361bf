"""Inbox source of step 1 (Đ5): proposals waiting for the commune planning team's decision."""
from django.utils.translation import gettext as _

from accounts import access
from core.inbox import InboxItem
from core.models import PlanStep
from core.selectors import deadlines_for
from proposals.models import Proposal, ProposalStatus


def proposals_to_decide(user, *, district, on):
    """Commune team: each submitted (undecided) proposal of its commune, due on step 1's date of its plan year."""
    if not access.is_commune_team(user):
        return []
    rows = access.proposal_scope(user, Proposal.objects.filter(status=ProposalStatus.SUBMITTED, commune_id=user.unit_id))
    due_by_year = {}
    items = []
    for p in rows.only("pk", "title", "plan_year"):
        if p.plan_year not in due_by_year:
            due_by_year[p.plan_year] = deadlines_for(plan_year=p.plan_year).get(PlanStep.PROPOSALS.value)
        items.append(InboxItem(key=f"{district.schema_name}:proposal:{p.pk}", kind="proposal_decide",
                               title=_("Decide on the proposal: %(title)s") % {"title": p.title},
                               due_on=due_by_year[p.plan_year], url=f"/d/{district.slug}/proposals/#proposal-{p.pk}"))
    return items
