"""Writes of reviews: a reviewer's decision on a project or a plan item, or a note pinned at a place, and its answer."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts import access
from geo.guard import GeometryRejected, check_inside
from investment.models import (
    InvestmentProject,
    ProjectEvent,
    Review,
    ReviewAnswer,
)
from investment.services.projects import _communes_under, _nearest_commune
from plans.models import PlanItem

# ---- reviews ----------------------------------------------------------------------------------

@transaction.atomic
def review_create(
    *, district, actor, comment: str, project: InvestmentProject | None = None, plan_item: PlanItem | None = None, decision: str = "",
    location=None,
) -> Review:
    """Record a reviewer's decision on a project or on a commune plan item, or pin a review note at a place in the district.

    A decision needs a project or a plan item (not both); a note needs a place (and may concern a
    project or an item). The review concerns the project's communes, the item's commune, or the
    commune under the pin. A decision on a project also enters the project's history; the reviews of
    an item are its history (rows are never edited).
    """
    access.require(access.can_review_investment(actor, district), _("Only the district's own staff record review decisions and notes."))
    if not comment.strip():
        raise ValidationError({"comment": [_("Write a comment.")]})
    if project is not None and plan_item is not None:
        raise ValidationError({"plan_item": [_("A review concerns a project or a commune plan item, not both.")]})
    if decision and project is None and plan_item is None:
        raise ValidationError({"project": [_("A decision is taken on a project or a commune plan item.")]})
    if not decision and location is None:
        raise ValidationError({"location": [_("A review note is pinned at a place on the map.")]})
    if location is not None:
        try:
            check_inside(location, district.unit)
        except GeometryRejected as exc:
            raise ValidationError({"location": [exc.message]})
    review = Review.objects.create(
        project=project, plan_item=plan_item, decision=decision, comment=comment.strip(), location=location, author=actor,
        plan_item_lineage=plan_item.lineage if plan_item is not None else None,
        plan_item_title=plan_item.title if plan_item is not None else "",
    )
    if project is not None:
        communes = list(project.communes.all())
    elif plan_item is not None:
        communes = [plan_item.plan.cycle.commune]
    else:
        communes = _communes_under(district, location) or [c for c in [_nearest_commune(district, location)] if c is not None]
    review.communes.set(communes)
    if decision and project is not None:
        ProjectEvent.objects.create(
            project=project, action=ProjectEvent.Action.REVIEWED, from_status=project.status, to_status=project.status,
            note=comment.strip(), changes={"decision": decision}, actor=actor,
        )
    return review


@transaction.atomic
def review_answer(*, review: Review, actor, text: str) -> ReviewAnswer:
    """The commune's answer to a review decision or note: the planning team of a commune it concerns (else 403)."""
    access.require(access.can_answer_review(actor, review.communes.values_list("pk", flat=True)),
                   _("Only the planning team of a commune concerned answers a review."))
    if not text.strip():
        raise ValidationError({"text": [_("Write an answer.")]})
    return ReviewAnswer.objects.create(review=review, text=text.strip(), author=actor)
